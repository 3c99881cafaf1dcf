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
use crate::index::{doc_addresses, Fields, KeyMap, KIND_PASSAGE};
use crate::model::ArticleId;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocSet, Score, Searcher, TERMINATED};

/// The title score of every article whose title the query `q` matches (the titles part of
/// `build::Positive`) and that `keep` lets through (given its row and key), scored among the
/// articles of `statistics` ([`OverArticles`]).
pub(crate) fn title_scores(
    searcher: &Searcher,
    table: &ArticleTable,
    q: &dyn Query,
    statistics: &dyn Scoring,
    keep: &dyn Fn(usize, u64) -> bool,
) -> crate::Result<KeyMap<Score>> {
    let over_articles = OverArticles(statistics);
    let weight = q.weight(EnableScoring::enabled_from_statistics_provider(
        &over_articles,
        searcher,
    ))?;
    let mut out = KeyMap::default();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let map = table.row_map(segment as u32)?;
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if !alive.is_some_and(|a| a.is_deleted(doc)) {
                if let Some(row) = map.get(doc) {
                    let key = table.key_of(row as usize);
                    if keep(row as usize, key) {
                        out.insert(key, scorer.score());
                    }
                }
            }
            doc = scorer.advance();
        }
    }
    Ok(out)
}

/// The first `n` passages of the article of `row`, in order: passage number (0-based) and
/// address. Read from its run of passage documents, or found by a query when they are not one
/// run (an index written before articles were added as one batch).
pub(crate) fn opening(
    searcher: &Searcher,
    table: &ArticleTable,
    fields: &Fields,
    row: &Row,
    n: usize,
) -> crate::Result<Vec<(u64, DocAddress)>> {
    let addrs: Vec<DocAddress> = match row.passage_docs() {
        Some(run) => run
            .take(n)
            .map(|doc| DocAddress::new(row.addr.segment_ord, doc))
            .collect(),
        None => doc_addresses(searcher, fields, KIND_PASSAGE, ArticleId(row.key))?,
    };
    let mut numbered = Vec::with_capacity(addrs.len());
    for a in addrs {
        let number = table.columns(a.segment_ord)?.numbers.first(a.doc_id);
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
