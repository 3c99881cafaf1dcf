//! Titles: scored once per article, not once per passage.
//!
//! A passage scores its words (BM25 among passages) plus its article's title (BM25 among
//! articles): a title word ranks every passage of its article alike. The title is indexed on the
//! article document only. Indexed on every passage as well (until schema 11), `title:trump`
//! matched each passage of every article with Trump in its title, and both the selection and
//! the ranking walked them all: `Trump` cost twice `text:Trump` on 150,000 articles.
//!
//! An article whose title matches and no passage does shows its opening passages, scored by
//! its title alone.

use super::statistics::{OverArticles, Scoring};
use super::table::{ArticleTable, Row};
use crate::index::{doc_addresses, Fields, KIND_PASSAGE};
use crate::model::ArticleId;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocSet, Score, Searcher, TERMINATED};

/// Which articles a title score is wanted for.
pub(crate) enum Keep<'a> {
    /// These rows of the table.
    Rows(&'a super::rows::Rows),
    /// The articles whose key passes.
    Keys(&'a dyn Fn(u64) -> bool),
}

/// The title score of every article whose title the query `q` matches (the titles part of
/// `build::Positive`) and that `keep` lets through, scored among the articles of `statistics`
/// ([`OverArticles`]): its row in `table` and its score, in no order.
pub(crate) fn title_scores(
    searcher: &Searcher,
    table: &ArticleTable,
    q: &dyn Query,
    statistics: &dyn Scoring,
    keep: Keep<'_>,
) -> crate::Result<Vec<(u32, Score)>> {
    let over_articles = OverArticles(statistics);
    let weight = q.weight(EnableScoring::enabled_from_statistics_provider(
        &over_articles,
        searcher,
    ))?;
    let mut out = Vec::new();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let map = table.row_map(segment as u32)?;
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        // At most this many: growing the list by copies would write it twice.
        out.reserve(scorer.size_hint() as usize);
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if !alive.is_some_and(|a| a.is_deleted(doc)) {
                if let Some(row) = map.get(doc) {
                    let kept = match &keep {
                        Keep::Rows(rows) => rows.contains(row as usize),
                        Keep::Keys(pass) => pass(table.key_of(row as usize)),
                    };
                    if kept {
                        out.push((row, scorer.score()));
                    }
                }
            }
            doc = scorer.advance();
        }
    }
    Ok(out)
}

/// The title scores of a search's selected articles, by row of the article table.
pub(crate) struct TitleScores {
    by_row: ByRow,
    /// The rows whose title matched, in no order.
    matched: Vec<(u32, Score)>,
    /// The highest title score (0 when none matched).
    max: Score,
}

/// The matched rows' title scores, looked up by row.
enum ByRow {
    /// Per row, its score (0 when the title does not match): when many rows matched.
    Dense(Vec<Score>),
    /// The matched rows' scores: when few did, since an array of every row would be written
    /// over all its pages (600 KB at 150,000 articles, a page fault each in a new process) for
    /// a few thousand titles.
    Sparse(crate::hashing::PreHashedMap<u32, Score>),
}

impl TitleScores {
    /// The scores of [`title_scores`] (`matched`) over a table of `rows` rows.
    pub fn new(rows: usize, matched: Vec<(u32, Score)>) -> TitleScores {
        let max = matched.iter().map(|m| m.1).fold(0.0, Score::max);
        // A map entry takes about four times a float of the array, with its share of empty
        // slots.
        let by_row = if matched.len() * 4 >= rows {
            // Allocated zeroed: the pages that hold no titled row are never written.
            let mut dense = vec![0.0; rows];
            for &(row, score) in &matched {
                if let Some(s) = dense.get_mut(row as usize) {
                    *s = score;
                }
            }
            ByRow::Dense(dense)
        } else {
            ByRow::Sparse(matched.iter().copied().collect())
        };
        TitleScores {
            by_row,
            matched,
            max,
        }
    }

    /// The title score of the article of row `row` (0 when its title does not match).
    #[inline]
    pub fn of(&self, row: usize) -> Score {
        let score = match &self.by_row {
            ByRow::Dense(dense) => dense.get(row).copied(),
            ByRow::Sparse(sparse) => u32::try_from(row)
                .ok()
                .and_then(|r| sparse.get(&r).copied()),
        };
        score.unwrap_or(0.0)
    }

    /// The matched rows with their scores, in no order.
    pub fn matched(&self) -> &[(u32, Score)] {
        &self.matched
    }

    /// The highest title score (0 when none matched).
    pub fn max(&self) -> Score {
        self.max
    }

    /// The `n` rows with the best titles (of equal ones, the first rows), best first.
    pub fn top(&self, n: usize) -> Vec<(u32, Score)> {
        // The best n so far, the worst of them on top of the heap: a row that does not beat
        // it is passed over without copying every match (51,000 titles say Trump).
        let mut heap: std::collections::BinaryHeap<Ranked> = Default::default();
        for &m in &self.matched {
            if heap.len() == n && heap.peek().is_none_or(|worst| order(&m, &worst.0).is_ge()) {
                continue;
            }
            heap.push(Ranked(m));
            if heap.len() > n {
                heap.pop();
            }
        }
        best_first(heap.into_iter().map(|r| r.0).collect(), n, false)
    }

    /// The rows that `wanted` lets through whose title scores more than `threshold`, best
    /// title first; when more than `at_least` do, the best `at_least` and those that tie with
    /// the last of them (an article's title alone can win only against fewer than `at_least`
    /// better ones).
    pub fn above(
        &self,
        threshold: Score,
        at_least: usize,
        wanted: &dyn Fn(u32) -> bool,
    ) -> Vec<(u32, Score)> {
        let out: Vec<(u32, Score)> = self
            .matched
            .iter()
            .copied()
            .filter(|m| m.1 > threshold && wanted(m.0))
            .collect();
        best_first(out, at_least, true)
    }
}

/// Rows by title score, then row: the better first.
fn order(a: &(u32, Score), b: &(u32, Score)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// A row and its title score, ordered by [`order`] (the worse is the greater).
struct Ranked((u32, Score));

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        order(&self.0, &other.0)
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranked {}

/// The best `n` of the rows `out` by title score (then row), best first; with `ties`, also
/// those that tie with the last of them.
fn best_first(mut out: Vec<(u32, Score)>, n: usize, ties: bool) -> Vec<(u32, Score)> {
    if n > 0 && out.len() > n {
        out.select_nth_unstable_by(n - 1, order);
        let last = out[n - 1].1;
        match ties {
            true => out.retain(|m| m.1 >= last),
            false => out.truncate(n),
        }
    }
    out.sort_unstable_by(order);
    out
}

/// The passage documents of the article of `row`: the first `n` of its run of passage
/// documents (written in passage order), or all of them, found by a query, when they are not
/// one run (an index written before articles were added as one batch).
pub(crate) fn passage_addresses(
    searcher: &Searcher,
    fields: &Fields,
    row: &Row,
    n: usize,
) -> crate::Result<Vec<DocAddress>> {
    Ok(match row.passage_docs() {
        Some(run) => run
            .take(n)
            .map(|doc| DocAddress::new(row.addr.segment_ord, doc))
            .collect(),
        None => doc_addresses(searcher, fields, KIND_PASSAGE, ArticleId(row.key))?,
    })
}

/// The first `n` passages of the article of `row`, in order: passage number (0-based) and
/// address.
pub(crate) fn opening(
    searcher: &Searcher,
    table: &ArticleTable,
    fields: &Fields,
    row: &Row,
    n: usize,
) -> crate::Result<Vec<(u64, DocAddress)>> {
    let addrs = passage_addresses(searcher, fields, row, n)?;
    let mut numbered = Vec::with_capacity(addrs.len());
    for a in addrs {
        let number = table.number_in(row, a)?;
        numbered.push((number.unwrap_or(0), a));
    }
    numbered.sort_unstable();
    numbered.truncate(n);
    Ok(numbered)
}

#[cfg(test)]
mod tests {
    use crate::search::testing::{article, new_index, passage};
    use crate::search::{parse, rank_top, select, Filters, SortOrder};
    use tantivy::indexer::UserOperation;

    #[test]
    fn title_scores_read_alike_from_a_map_of_few_rows_and_an_array_of_many() {
        use super::TitleScores;
        let rows = 1000;
        for n in [0usize, 3, 249, 250, 1000] {
            // n rows titled, spread over the table, each scoring its row number.
            let matched: Vec<(u32, f32)> = (0..n)
                .map(|i| ((i * 997 % rows) as u32, 1.0 + (i * 997 % rows) as f32))
                .collect();
            let titles = TitleScores::new(rows, matched.clone());
            let sparse = matches!(titles.by_row, super::ByRow::Sparse(_));
            assert_eq!(sparse, n < rows / 4, "{n} titled rows");
            let titled: std::collections::HashSet<u32> = matched.iter().map(|m| m.0).collect();
            for row in 0..rows + 5 {
                let want = match titled.contains(&(row as u32)) {
                    true => 1.0 + row as f32,
                    false => 0.0,
                };
                assert_eq!(titles.of(row), want, "row {row} of {n} titled");
            }
            let max = matched.iter().map(|m| m.1).fold(0.0, f32::max);
            assert_eq!(titles.max(), max);
            // The best three, best first.
            let mut best = matched.clone();
            best.sort_by(|a, b| b.1.total_cmp(&a.1));
            best.truncate(3);
            assert_eq!(titles.top(3), best);
        }
    }

    /// (key, best passage's number and score) of each ranked article for `query`, with
    /// `per_article` passages (1 takes the bounded set, 2 the general path).
    fn ranked(
        mi: &crate::index::MorgueIndex,
        query: &str,
        per_article: usize,
    ) -> Vec<(u64, Option<(u64, f32)>)> {
        let searcher = mi.searcher().unwrap();
        let expr = parse(query).unwrap();
        let articles = select(mi, &searcher, Some(&expr), &Filters::default())
            .unwrap()
            .articles;
        rank_top(
            mi,
            &searcher,
            &expr,
            articles,
            per_article,
            SortOrder::Relevance,
            10,
        )
        .unwrap()
        .iter()
        .map(|r| (r.key, r.best.0.first().map(|&(s, n, _)| (n, s))))
        .collect()
    }

    #[test]
    fn a_title_word_ranks_its_article_and_a_title_alone_shows_the_opening_passage() {
        let (_dir, mi, mut w) = new_index();
        let f = mi.fields;
        // 1: "ferry" in the title and in passage 1; 2: the same passages, no title;
        // 3: "ferry" in the title only; 4: neither.
        let bodies = ["harbor council budget", "ferry pier storm"];
        for (key, title) in [(1, "ferry news"), (2, ""), (3, "ferry strike"), (4, "")] {
            let mut a = article(&f, key);
            a.add_text(f.title, title);
            let mut docs = vec![UserOperation::Add(a)];
            for (no, body) in bodies.iter().enumerate() {
                let body = if key == 3 { "orchard storm" } else { body };
                docs.push(UserOperation::Add(passage(&f, key, no as u64, body)));
            }
            if key == 4 {
                docs.truncate(1);
                docs.push(UserOperation::Add(passage(&f, 4, 0, "orchard orchard")));
            }
            w.run(docs).unwrap();
        }
        w.commit().unwrap();
        for per_article in [1, 2] {
            let got = ranked(&mi, "ferry", per_article);
            let keys: Vec<u64> = got.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, [1, 2, 3], "per_article {per_article}: {got:?}");
            // The title adds to the passage with the word; the title alone gives the article
            // its opening passage (number 0).
            assert_eq!(got[0].1.map(|(n, _)| n), Some(1));
            assert_eq!(got[1].1.map(|(n, _)| n), Some(1));
            assert_eq!(got[2].1.map(|(n, _)| n), Some(0));
            let score = |i: usize| got[i].1.map_or(0.0, |(_, s)| s);
            assert!(
                score(0) > score(1) && score(1) > 0.0 && score(2) > 0.0,
                "{got:?}"
            );
            // Title score plus words score, on both paths alike.
            let words = ranked(&mi, "text:ferry", per_article)[0].1.unwrap().1;
            let title = ranked(&mi, "title:ferry", per_article)[0].1.unwrap().1;
            assert_eq!(score(0), words + title, "per_article {per_article}");
        }
        // `title:` finds the articles by their title, without a passage holding the word.
        let titled: Vec<u64> = ranked(&mi, "title:ferry", 1).iter().map(|r| r.0).collect();
        assert_eq!(titled, [1, 3]);
        let negated: Vec<u64> = ranked(&mi, "orchard -title:ferry", 1)
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(negated, [4]);
    }
}
