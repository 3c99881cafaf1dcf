//! The best articles of a search by relevance, without scoring every matching passage into a
//! map: a bounded set of the best articles so far, and tantivy's pruning (`for_each_pruning`,
//! block-max WAND for unions of terms) told the score an article has to beat.
//!
//! An article's score is its best passage's (MaxP). The set holds at most `limit` articles, each
//! with its best passage; once it is full, a passage can only matter if it scores at least as
//! much as the worst article kept (an equal score can still win on the tie-breaks: older first,
//! then the smaller key), so the threshold handed to tantivy is just below that score. Passages
//! of articles outside the selection, article documents (which index the title too) and deleted
//! documents are passed over. The result is the same as scoring every passage and sorting
//! (`rank_top`'s general path), which the tests check.

use super::table::ArticleTable;
use super::table::Row;
use super::{ranked_order, BestPassages, Ranked, SelectedArticles, SortOrder};
use std::cmp::Ordering;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED};

/// Most articles the bounded set is used for; longer pages take the general path.
pub const MAX_LIMIT: usize = 1000;

/// True when the words of `expr`'s positive atoms make a flat union of three or more terms:
/// block-max WAND adds such terms' scores in another order than the scorer the general path
/// uses, so a score could differ in its last bit and equal passages be ranked by it. Those
/// queries take the general path (adding two numbers does not depend on their order). Title
/// words are scored apart, over article documents (`titles.rs`), alike on both paths.
pub(crate) fn flat_term_union(expr: &super::Expr) -> bool {
    let atoms = expr.positive_atoms();
    atoms.iter().filter(|a| in_body(a) && word(a)).count() >= 3
}

/// The atom is a word (not a phrase or a prefix): one term per field it searches.
fn word(a: &super::query::Atom) -> bool {
    matches!(a.kind, super::query::AtomKind::Word(_))
}

/// The atom searches the passages' text (with or without the title).
fn in_body(a: &super::query::Atom) -> bool {
    matches!(
        a.field,
        super::query::Field::Any | super::query::Field::Text
    )
}

/// Per segment, sorted runs of passage documents.
pub(crate) type Runs = Vec<Vec<std::ops::Range<DocId>>>;

/// How many times fewer than the documents a query's words are in the selected articles'
/// passages must be for ranking to read only them: each run costs a seek of every posting
/// list of the query, so a selection with about as many passages as the words' documents
/// ranks faster by one pass over them.
const FEWER: u64 = 3;

/// [`FEWER`] for a query that block-max WAND ranks (a single word, or a union of words of
/// one field): its pass over every document skips the blocks that cannot beat the worst kept
/// article, so it is cheaper than its documents say.
const FEWER_PRUNED: u64 = 16;

/// True when the positive atoms of `expr` are words, so that their passage query is a term or
/// a union of terms, which block-max WAND ranks.
pub(crate) fn pruned(expr: &super::Expr) -> bool {
    expr.positive_atoms().iter().all(|a| word(a))
}

/// The passage documents of the selected `articles`, per segment, when ranking should read
/// only them: they are [`FEWER`] times fewer than the documents that the positive query `q`'s
/// words are in ([`FEWER_PRUNED`] when `pruned`: see [`pruned`]), which are the passages it
/// would score otherwise, those of articles outside the selection included; and each
/// article's passages are one run of documents (see `table::Row::passage_docs`). `None` when
/// the query should run over every document.
pub(crate) fn selected_runs(
    searcher: &Searcher,
    table: &ArticleTable,
    q: &dyn Query,
    articles: &SelectedArticles,
    pruned: bool,
) -> crate::Result<Option<Runs>> {
    if articles.is_empty() || table.is_empty() {
        return Ok(None);
    }
    let mut matched = 0u64;
    q.query_terms(&mut |term, _| {
        matched += searcher.doc_freq(term).unwrap_or(0);
    });
    let fewer = if pruned { FEWER_PRUNED } else { FEWER };
    // The commit's documents per article, a first guess before any row is read.
    let per_article = searcher.num_docs() / table.len() as u64;
    if articles.len() as u64 * per_article * fewer >= matched {
        return Ok(None);
    }
    let mut runs: Runs = vec![Vec::new(); searcher.segment_readers().len()];
    let mut passages = 0u64;
    // Adds an article's run of passages; `None` when they are not one run of a known segment.
    let mut add = |row: Row| -> Option<()> {
        let docs = row.passage_docs()?;
        passages += u64::from(docs.end - docs.start);
        runs.get_mut(row.addr.segment_ord as usize)?.push(docs);
        Some(())
    };
    match articles.rows_of(table) {
        // The selection's rows, read when it was made.
        Some(rows) => {
            if rows.ones().any(|i| add(table.row_read(i)).is_none()) {
                return Ok(None);
            }
        }
        None => {
            for key in articles.keys() {
                if table.get(key)?.and_then(&mut add).is_none() {
                    return Ok(None);
                }
            }
        }
    }
    if passages * fewer >= matched {
        return Ok(None);
    }
    for segment in &mut runs {
        segment.sort_unstable_by_key(|r| r.start);
    }
    Ok(Some(runs))
}

/// A kept article: its best passage so far.
#[derive(Debug, Clone, Copy)]
struct Kept {
    key: u64,
    date_secs: Option<i64>,
    score: Score,
    number: u64,
    addr: DocAddress,
}

impl Kept {
    fn ranked(&self) -> Ranked {
        Ranked {
            key: self.key,
            date_secs: self.date_secs,
            best: BestPassages(vec![(self.score, self.number, self.addr)]),
        }
    }
}

/// Article order by relevance (as `ranked_order`): higher score, then older, then smaller key.
fn article_order(a: &Kept, b: &Kept) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.date_secs.cmp(&b.date_secs))
        .then_with(|| a.key.cmp(&b.key))
}

/// Passage order within an article (as `BestPassages`): higher score, then the earlier passage,
/// then the earlier address.
fn passage_better(a: &Kept, b: &Kept) -> bool {
    b.score
        .total_cmp(&a.score)
        .then(a.number.cmp(&b.number))
        .then(a.addr.cmp(&b.addr))
        .is_lt()
}

/// The best articles so far, best first, at most `limit`, with their keys.
struct Best {
    kept: Vec<Kept>,
    members: crate::index::Keys,
    limit: usize,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            kept: Vec::with_capacity(limit + 1),
            members: crate::index::Keys::default(),
            limit,
        }
    }

    /// The score a passage has to exceed to matter.
    fn threshold(&self) -> Score {
        match self.kept.len() == self.limit {
            // An equal score may still win on the tie-breaks: let it through.
            true => self.kept.last().map_or(Score::MIN, |k| k.score.next_down()),
            false => Score::MIN,
        }
    }

    /// Offers an article's passage: it replaces the article's kept passage when better, and
    /// the article takes its place by its score.
    fn offer(&mut self, candidate: Kept) {
        let key = candidate.key;
        if self.members.contains(&key) {
            match self.kept.iter().position(|k| k.key == key) {
                Some(i) if passage_better(&candidate, &self.kept[i]) => {
                    self.kept.remove(i);
                    self.members.remove(&key);
                }
                _ => return,
            }
        }
        let at = self
            .kept
            .partition_point(|k| article_order(k, &candidate).is_lt());
        if at < self.limit {
            self.kept.insert(at, candidate);
            self.members.insert(key);
            if self.kept.len() > self.limit {
                if let Some(out) = self.kept.pop() {
                    self.members.remove(&out.key);
                }
            }
        }
    }
}

/// An article whose title matched: its run of passage documents, key, date and title score.
pub(crate) struct Titled {
    run: std::ops::Range<DocId>,
    key: u64,
    date_secs: Option<i64>,
    title: Score,
}

/// Per segment, the articles whose title matched (`titles`, see `titles::title_scores`), in
/// the order of their runs of passages; `None` when one's passages are not one run (the
/// general path ranks those).
pub(crate) fn titled_runs(
    table: &ArticleTable,
    titles: &crate::index::KeyMap<Score>,
) -> crate::Result<Option<Vec<Vec<Titled>>>> {
    let mut out: Vec<Vec<Titled>> = Vec::new();
    for (&key, &title) in titles {
        let Some(row) = table.get(key)? else {
            continue;
        };
        let Some(run) = row.passage_docs() else {
            return Ok(None);
        };
        let segment = row.addr.segment_ord as usize;
        if out.len() <= segment {
            out.resize_with(segment + 1, Vec::new);
        }
        out[segment].push(Titled {
            run,
            key,
            date_secs: row.date_secs,
            title,
        });
    }
    for segment in &mut out {
        segment.sort_unstable_by_key(|t| t.run.start);
    }
    Ok(Some(out))
}

/// The `limit` best articles of `articles`, best first, each with its best passage; articles
/// without a scored passage follow the scored ones when fewer than `limit` scored. A passage
/// scores its words (the passage query `q`) plus its article's title (`titles`, the selected
/// articles whose title matched, also given as `titled`: see [`titled_runs`]).
///
/// The titled articles are scored first, each over its own run of passages, so that the set
/// holds exact scores from the start; then `q` runs over every document (or over the
/// selection's `runs`), pruned by the set's worst score, passing the titled articles over.
#[allow(clippy::too_many_arguments)]
pub(crate) fn top_articles(
    searcher: &Searcher,
    table: &ArticleTable,
    q: Option<&dyn Query>,
    titles: &crate::index::KeyMap<Score>,
    titled: &[Vec<Titled>],
    articles: &SelectedArticles,
    limit: usize,
    runs: Option<&Runs>,
) -> crate::Result<Vec<Ranked>> {
    // Nothing selected (filters that leave no article): no document is worth scoring, where
    // the pass below would still score every match and pass each over.
    if limit == 0 || articles.is_empty() {
        return Ok(Vec::new());
    }
    let live = super::statistics::LiveStatistics::new(searcher, table);
    let weight = match q {
        Some(q) => Some(q.weight(EnableScoring::enabled_from_statistics_provider(
            &live, searcher,
        ))?),
        None => None,
    };
    let mut best = Best::new(limit);
    for (segment, titled) in titled.iter().enumerate() {
        if titled.is_empty() {
            continue;
        }
        let reader = searcher.segment_reader(segment as u32);
        let columns = table.columns(segment as u32)?;
        let alive = reader.alive_bitset();
        let mut scorer = match &weight {
            Some(w) => Some(w.scorer(reader, 1.0)?),
            None => None,
        };
        for t in titled {
            let passage = |doc: DocId, score: Score| {
                Some(Kept {
                    key: t.key,
                    date_secs: t.date_secs,
                    score,
                    number: columns.numbers.first(doc)?,
                    addr: DocAddress::new(segment as u32, doc),
                })
            };
            let mut found: Option<Kept> = None;
            if let Some(scorer) = scorer.as_mut() {
                let mut doc = scorer.doc();
                if doc < t.run.start {
                    doc = scorer.seek(t.run.start);
                }
                while doc < t.run.end {
                    if !alive.is_some_and(|a| a.is_deleted(doc)) {
                        let candidate = passage(doc, scorer.score() + t.title);
                        if let Some(c) = candidate {
                            if found.is_none_or(|f| passage_better(&c, &f)) {
                                found = Some(c);
                            }
                        }
                    }
                    doc = scorer.advance();
                }
            }
            // No passage has its words: the opening passage, scored by the title.
            let found = found.or_else(|| {
                (!t.run.is_empty())
                    .then(|| passage(t.run.start, t.title))
                    .flatten()
            });
            if let Some(k) = found {
                best.offer(k);
            }
        }
    }
    if let Some(weight) = weight {
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            let segment = segment as u32;
            let columns = table.columns(segment)?;
            // A selection of the table's rows is read through the segment's row map: a
            // passage's row, its bit, and the row's key and date.
            let selected = articles
                .rows_of(table)
                .map(|rows| table.row_map(segment).map(|map| (rows, map)))
                .transpose()?;
            let alive = reader.alive_bitset();
            // What the articles scored so far left to beat.
            let start = best.threshold();
            let mut callback = |doc: u32, score: Score| -> Score {
                // Deleted documents (an article indexed again) are not the collector's to skip
                // here.
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return best.threshold();
                }
                let Some(number) = columns.numbers.first(doc) else {
                    return best.threshold();
                };
                let member = match &selected {
                    Some((rows, map)) => map
                        .passage(doc)
                        .filter(|&i| rows.contains(i as usize))
                        .map(|i| (table.key_of(i as usize), table.date_of(i as usize))),
                    None => columns
                        .keys
                        .first(doc)
                        .and_then(|key| Some((key, articles.get(&key)?.date_secs))),
                };
                let Some((key, date_secs)) = member else {
                    return best.threshold();
                };
                // A titled article was scored whole above.
                if !titles.is_empty() && titles.contains_key(&key) {
                    return best.threshold();
                }
                best.offer(Kept {
                    key,
                    date_secs,
                    score,
                    number,
                    addr: DocAddress::new(segment, doc),
                });
                best.threshold()
            };
            match runs.and_then(|r| r.get(segment as usize)) {
                None => weight.for_each_pruning(start, reader, &mut callback)?,
                // No selected article here.
                Some(runs) if runs.is_empty() => {}
                Some(runs) => {
                    // The matches within the selected articles' runs only, scored and offered
                    // as `for_each_pruning` would (the same scorer, the same threshold rule).
                    let mut scorer = weight.scorer(reader, 1.0)?;
                    let mut threshold = start;
                    for run in runs {
                        let mut doc = scorer.doc();
                        if doc < run.start {
                            doc = scorer.seek(run.start);
                        }
                        while doc < run.end {
                            let score = scorer.score();
                            if score > threshold {
                                threshold = callback(doc, score);
                            }
                            doc = scorer.advance();
                        }
                        if doc == TERMINATED {
                            break;
                        }
                    }
                }
            }
        }
    }
    let members = best.members;
    let mut ranked: Vec<Ranked> = best.kept.iter().map(Kept::ranked).collect();
    if ranked.len() < limit {
        // Every matching passage was seen (nothing was pruned): the rest matched only through
        // their article's boolean logic (a negation) and score nothing.
        let mut rest: Vec<Ranked> = articles
            .iter()
            .filter(|(k, _)| !members.contains(k))
            .map(|(key, facts)| Ranked {
                key,
                date_secs: facts.date_secs,
                best: BestPassages::default(),
            })
            .collect();
        let room = limit - ranked.len();
        if rest.len() > room {
            rest.select_nth_unstable_by(room - 1, |a, b| ranked_order(a, b, SortOrder::Relevance));
            rest.truncate(room);
        }
        rest.sort_by(|a, b| ranked_order(a, b, SortOrder::Relevance));
        ranked.extend(rest);
    }
    Ok(ranked)
}

#[cfg(test)]
mod tests {
    use super::super::{parse, rank_top, select, Filters};
    use super::*;
    use crate::search::testing::{article, passage};
    use tantivy::indexer::UserOperation;
    use tantivy::{DateTime, Term};

    /// A ranked article's best passage: score, number, address.
    type Passage = (Score, u64, DocAddress);

    /// A query that counts the weights built from it (each is a pass over its matches).
    #[derive(Debug)]
    struct Counted(
        Box<dyn Query>,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    );

    impl Clone for Counted {
        fn clone(&self) -> Counted {
            Counted(self.0.box_clone(), std::sync::Arc::clone(&self.1))
        }
    }

    impl Query for Counted {
        fn weight(
            &self,
            scoring: EnableScoring<'_>,
        ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.0.weight(scoring)
        }
    }

    /// Filters that leave no article (`pier --to 1969`: every article is later or undated)
    /// rank nothing and score no passage, however many the words match.
    #[test]
    fn an_empty_selection_scores_nothing() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        for key in 1..=20u64 {
            let mut a = article(&f, key);
            a.add_date(f.date, DateTime::from_timestamp_secs(86_400 * key as i64));
            w.run([
                UserOperation::Add(a),
                UserOperation::Add(passage(&f, key, 0, "pier harbor pier")),
            ])
            .unwrap();
        }
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        let expr = parse("pier").unwrap();
        let q = crate::search::build::Builder::new(&searcher, &f)
            .positive(&expr)
            .unwrap()
            .passages
            .unwrap();
        let weights = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = Counted(q, std::sync::Arc::clone(&weights));
        for (to, hits, scored) in [("1970-01-05", 4, 1), ("1969", 0, 0)] {
            weights.store(0, std::sync::atomic::Ordering::Relaxed);
            let filters = Filters::new(None, Some(to), false, vec![], vec![]).unwrap();
            let articles = select(&mi, &searcher, Some(&expr), &filters)
                .unwrap()
                .articles;
            let none = crate::index::KeyMap::default();
            let top = top_articles(
                &searcher,
                &table,
                Some(&counted),
                &none,
                &[],
                &articles,
                10,
                None,
            )
            .unwrap();
            assert_eq!(top.len(), hits, "--to {to}");
            assert_eq!(weights.load(std::sync::atomic::Ordering::Relaxed), scored);
        }
    }

    #[test]
    fn the_bounded_set_ranks_as_scoring_every_passage_does() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        let filler = ["harbor", "ferry", "council", "budget", "storm", "orchard"];
        for a in 0..60u64 {
            let key = 1000 + a;
            let mut article = article(&f, key);
            if a % 5 != 0 {
                // Few distinct dates: equal scores are told apart by date, then key.
                article.add_date(
                    f.date,
                    DateTime::from_timestamp_secs((a % 3) as i64 * 86_400),
                );
            }
            // Some titles have the words: a title word adds to every passage of its article,
            // and an article may match in its title only.
            match a % 4 {
                1 => article.add_text(f.title, "pier pier"),
                2 if a % 3 == 0 => article.add_text(f.title, "harbor jetty"),
                _ => {}
            }
            // One batch per article, as the ingest writes them: its passages are one run.
            let mut docs = vec![UserOperation::Add(article)];
            for p in 0..(a % 4 + 1) {
                let piers = (a * 7 + p * 3) % 5;
                // A rare word in a few articles: `pier AND quay` selects few of many.
                let quay = (a % 13 == 0 && p == 0).then_some("quay");
                let words: Vec<&str> = (0..(a % 6 + 2) as usize)
                    .map(|i| filler[i % filler.len()])
                    .chain(std::iter::repeat_n("pier", piers as usize))
                    .chain(quay)
                    .collect();
                docs.push(UserOperation::Add(passage(&f, key, p, &words.join(" "))));
            }
            w.run(docs).unwrap();
        }
        // A passage scoring above every other, deleted (an article indexed again leaves such).
        let gone = passage(&f, 1001, 9, "pier pier pier pier pier pier zzgone");
        w.add_document(gone).unwrap();
        w.commit().unwrap();
        w.delete_term(Term::from_field_text(f.body, "zzgone"));
        w.commit().unwrap();

        let searcher = mi.searcher().unwrap();
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        for query in [
            "pier",
            "pier OR harbor",
            "pier -storm",
            "text:pier OR text:harbor OR text:ferry",
            "pier AND quay",
            "pier AND quay*",
            "jetty",
            "title:pier OR text:ferry",
            "jetty OR quay",
        ] {
            let expr = parse(query).unwrap();
            let articles = select(&mi, &searcher, Some(&expr), &Filters::default())
                .unwrap()
                .articles;
            // Few articles of many matches are ranked from their passages' runs only.
            let q = crate::search::build::Builder::new(&searcher, &f)
                .positive(&expr)
                .unwrap()
                .passages;
            let runs = match &q {
                Some(q) => {
                    selected_runs(&searcher, &table, q.as_ref(), &articles, pruned(&expr)).unwrap()
                }
                None => None,
            };
            match query {
                "pier" => assert!(runs.is_none(), "{query}"),
                "pier AND quay*" => assert!(runs.is_some(), "{query}"),
                _ => {}
            }
            // Two passages per article: the path that scores every passage into a map.
            let every = rank_top(
                &mi,
                &searcher,
                &expr,
                articles.clone(),
                2,
                SortOrder::Relevance,
                500,
            )
            .unwrap();
            let every: Vec<(u64, Option<Passage>)> = every
                .iter()
                .map(|r| (r.key, r.best.0.first().copied()))
                .collect();
            for limit in [1, 2, 5, 17, 40, 500] {
                let top = rank_top(
                    &mi,
                    &searcher,
                    &expr,
                    articles.clone(),
                    1,
                    SortOrder::Relevance,
                    limit,
                )
                .unwrap();
                let top: Vec<(u64, Option<Passage>)> = top
                    .iter()
                    .map(|r| (r.key, r.best.0.first().copied()))
                    .collect();
                let want: Vec<_> = every.iter().take(limit).copied().collect();
                assert_eq!(top, want, "{query} limit {limit}");
            }
        }
    }
}
