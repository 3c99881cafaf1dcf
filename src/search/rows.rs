//! Sets of articles as bitsets over the article table's rows.
//!
//! Exact totals need the set of articles that a query's matching passages belong to: every
//! match is walked, unscored. Each document's article row is read from the table's row map (a
//! 32-bit number per run of documents, [`super::table::RowMap`]) and set in a bitset of one
//! bit per article, so the walk costs a read and a bit per matching article (the rest of an
//! article's passages are skipped), where a key column read, a hash-set insert and a table
//! lookup per article were the largest part of a search. The article-level
//! boolean logic (`boolean.rs`) is then word-wise `and`, `or` and complement.

use super::table::{ArticleTable, PassageRuns, RowMap};
use fixedbitset::FixedBitSet;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

/// A set of articles: bit `i` stands for the table's row `i`.
pub type Rows = FixedBitSet;

/// Collects the rows of the articles of the matching documents, without scoring.
#[derive(Clone)]
pub struct RowsCollector {
    table: Arc<ArticleTable>,
}

impl RowsCollector {
    /// A collector into sets of `table`'s rows (the table of the searcher it runs on), from
    /// matching documents of every kind.
    pub fn new(table: Arc<ArticleTable>) -> RowsCollector {
        RowsCollector { table }
    }

    /// The rows of the articles with a passage that `q` matches, passages only: what a query
    /// over the passages' text means (a title query runs over article documents with the
    /// collector). The row map tells passages apart, so the query needs no intersection with
    /// every passage document. Once a passage of an article matches, the query skips to the
    /// article's next document instead of matching its other passages (for a phrase,
    /// checking their positions), which could only find the same article again: `"of the"` is
    /// in 400,000 passages of 37,500 articles at 1×.
    pub fn passage_rows(&self, searcher: &Searcher, q: &dyn Query) -> tantivy::Result<Rows> {
        self.rows_of_passages(searcher, q, None)
    }

    /// [`RowsCollector::passage_rows`], or when `runs` are given, among their articles only.
    fn rows_of_passages(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        runs: Option<&PassageRuns>,
    ) -> tantivy::Result<Rows> {
        let weight = q.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut found = Rows::with_capacity(self.table.len());
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            let runs = match runs.map(|r| r.get(segment).map_or(&[][..], Vec::as_slice)) {
                Some([]) => continue,
                runs => runs,
            };
            let alive = reader.alive_bitset();
            let deleted = |doc| alive.is_some_and(|a| a.is_deleted(doc));
            let mut scorer = weight.scorer(reader, 1.0)?;
            match runs {
                None => {
                    let map = self.table.row_map(segment as SegmentOrdinal)?;
                    every_match(scorer.as_mut(), &map, deleted, &mut found);
                }
                Some(runs) => matches_in_runs(scorer.as_mut(), runs, deleted, &mut found),
            }
        }
        Ok(found)
    }
}

/// Sets in `found` the row of each article with a match of `scorer` (a segment's, whose row
/// map is `map`), skipping the rest of an article's run once one of its passages matched.
fn every_match(
    scorer: &mut dyn Scorer,
    map: &RowMap,
    deleted: impl Fn(DocId) -> bool,
    found: &mut Rows,
) {
    let mut doc = scorer.doc();
    while doc != TERMINATED {
        let (row, next) = match deleted(doc) {
            true => (None, doc + 1),
            false => map.passage_run(doc),
        };
        let Some(row) = row else {
            doc = scorer.advance();
            continue;
        };
        found.insert(row as usize);
        doc = match next > doc + 1 {
            true => scorer.seek(next),
            false => scorer.advance(),
        };
    }
}

/// Sets in `found` the row of each of `runs`' articles with a match of `scorer` among its
/// passages, seeking from one article's passages to the next.
fn matches_in_runs(
    scorer: &mut dyn Scorer,
    runs: &[(std::ops::Range<DocId>, u32)],
    deleted: impl Fn(DocId) -> bool,
    found: &mut Rows,
) {
    for (docs, row) in runs {
        let mut doc = scorer.doc();
        if doc < docs.start {
            doc = scorer.seek(docs.start);
        }
        while doc < docs.end && deleted(doc) {
            doc = scorer.advance();
        }
        if doc == TERMINATED {
            break;
        }
        if doc < docs.end {
            found.insert(*row as usize);
        }
    }
}

impl RowsCollector {
    /// The passage documents of the articles of `within`, per segment of `searcher` (see
    /// [`ArticleTable::passage_runs`]).
    pub fn passage_runs(&self, searcher: &Searcher, within: &Rows) -> Option<PassageRuns> {
        self.table
            .passage_runs(searcher.segment_readers().len(), within.ones())
    }

    /// [`RowsCollector::passage_rows`] among the articles of `runs` only: the query's
    /// matches are sought from one article's passages to the next instead of walked through,
    /// for a query whose words are in many more passages than there are articles to look in.
    pub fn passage_rows_in(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
        runs: &PassageRuns,
    ) -> tantivy::Result<Rows> {
        self.rows_of_passages(searcher, q, Some(runs))
    }
}

/// Per-segment state of [`RowsCollector`].
pub struct RowsSegment {
    map: RowMap,
    found: Rows,
}

impl Collector for RowsCollector {
    type Fruit = Rows;
    type Child = RowsSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<RowsSegment> {
        Ok(RowsSegment {
            map: self.table.row_map(segment)?,
            found: Rows::with_capacity(self.table.len()),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Rows>) -> tantivy::Result<Rows> {
        let mut all = Rows::with_capacity(self.table.len());
        for f in fruits {
            all.union_with(&f);
        }
        Ok(all)
    }
}

impl SegmentCollector for RowsSegment {
    type Fruit = Rows;

    #[inline]
    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(row) = self.map.get(doc) {
            self.found.insert(row as usize);
        }
    }

    fn harvest(self) -> Rows {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{KeyCollector, Keys, KIND_ARTICLE, KIND_PASSAGE};
    use crate::search::testing::{article, passage, row_sets, write_articles};
    use tantivy::indexer::UserOperation;
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    #[test]
    fn rows_are_the_articles_of_the_matching_documents_across_segments_and_deletes() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        let words = ["harbor", "ferry", "council", "budget"];
        // Three commits, so three segments; articles 1000.. with passages of some words and
        // their article's key.
        write_articles(&mut w, &f, (1000, 3, 20, 3), |batch, a, p| {
            let word = words[((a + p + batch) % 4) as usize];
            format!("{word} {}", 1000 + batch * 100 + a)
        });
        // An article without passages whose title has a word: a title query finds it through
        // its article document, a passage collector does not.
        let mut orphan = article(&f, 1999);
        orphan.add_text(f.title, "harbor");
        w.add_document(orphan).unwrap();
        // An article indexed again is deleted whole: its rows are gone from the table.
        w.delete_term(Term::from_field_u64(f.article_key, 1105));
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        assert!(searcher.segment_readers().len() > 1);
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        assert_eq!(table.len(), 60);
        let collector = RowsCollector::new(table.clone());
        let keys =
            |rows: &Rows| -> Keys { rows.ones().map(|i| table.row(i).unwrap().key).collect() };
        for word in [
            "harbor", "ferry", "council", "budget", "1105", "1203", "absent",
        ] {
            let q = TermQuery::new(
                Term::from_field_text(f.body, word),
                IndexRecordOption::Basic,
            );
            let rows = collector.passage_rows(&searcher, &q).unwrap();
            assert_eq!(rows.len(), table.len());
            let want: Keys = searcher.search(&q, &KeyCollector).unwrap();
            assert_eq!(keys(&rows), want, "{word}");
        }
        let title = TermQuery::new(
            Term::from_field_text(f.title, "harbor"),
            IndexRecordOption::Basic,
        );
        let by_passages = keys(&collector.passage_rows(&searcher, &title).unwrap());
        let by_any = keys(&searcher.search(&title, &collector).unwrap());
        assert_eq!(by_any, [1999].into_iter().collect());
        assert!(by_passages.is_empty(), "{by_passages:?}");
        let all = TermQuery::new(
            Term::from_field_text(f.kind, KIND_PASSAGE),
            IndexRecordOption::Basic,
        );
        let every = searcher.search(&all, &collector).unwrap();
        assert_eq!(every.count_ones(..), 59);
        let articles = TermQuery::new(
            Term::from_field_text(f.kind, KIND_ARTICLE),
            IndexRecordOption::Basic,
        );
        let by_passages = collector.passage_rows(&searcher, &articles).unwrap();
        assert_eq!(by_passages.count_ones(..), 0);
        assert_eq!(
            searcher
                .search(&articles, &collector)
                .unwrap()
                .count_ones(..),
            60
        );
        assert!(table.get(1105).unwrap().is_none());
    }

    /// Skipping the rest of an article once one of its passages matches finds the articles
    /// of every match: across segments, with an article indexed again
    /// (deleted whole), a single deleted passage, article documents between the runs, words
    /// and phrases matching one or several passages of an article.
    #[test]
    fn passage_rows_skipping_matched_articles_find_what_every_match_finds() {
        use tantivy::query::PhraseQuery;
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        let texts = [
            "harbor ferry council",
            "council budget",
            "ferry harbor budget",
            "budget harbor ferry harbor",
            "council",
        ];
        write_articles(&mut w, &f, (2000, 3, 15, 5), |batch, a, p| {
            texts[((a * 3 + p + batch) % 5) as usize].to_string()
        });
        // Two articles whose passages follow each other, no article document between: the
        // first ends where the second's passages start.
        w.run(vec![
            UserOperation::Add(article(&f, 2900)),
            UserOperation::Add(article(&f, 2901)),
            UserOperation::Add(passage(&f, 2900, 0, "harbor")),
            UserOperation::Add(passage(&f, 2900, 1, "budget")),
            UserOperation::Add(passage(&f, 2901, 0, "council harbor")),
            UserOperation::Add(passage(&f, 2901, 1, "ferry")),
        ])
        .unwrap();
        w.delete_term(Term::from_field_u64(f.article_key, 2107));
        // One passage of a run gone: the article may still match by another.
        w.delete_term(Term::from_field_text(f.body, "p2204x1"));
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        assert!(searcher.segment_readers().len() > 1);
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        let collector = RowsCollector::new(table.clone());
        // Terms as indexed: "ferry" is stemmed to "ferri".
        let term = |w: &str| Term::from_field_text(f.body, w);
        let queries: Vec<(&str, Box<dyn Query>)> = vec![
            (
                "harbor",
                Box::new(TermQuery::new(term("harbor"), IndexRecordOption::Basic)),
            ),
            (
                "council",
                Box::new(TermQuery::new(term("council"), IndexRecordOption::Basic)),
            ),
            (
                "p2204x1",
                Box::new(TermQuery::new(term("p2204x1"), IndexRecordOption::Basic)),
            ),
            (
                "absent",
                Box::new(TermQuery::new(term("absent"), IndexRecordOption::Basic)),
            ),
            (
                "\"harbor ferry\"",
                Box::new(PhraseQuery::new(vec![term("harbor"), term("ferri")])),
            ),
            (
                "\"ferry harbor\"",
                Box::new(PhraseQuery::new(vec![term("ferri"), term("harbor")])),
            ),
        ];
        let keys =
            |rows: &Rows| -> Keys { rows.ones().map(|i| table.row(i).unwrap().key).collect() };
        let (mut found, mut sought_sets) = (0, 0);
        for (name, q) in &queries {
            // Every matching passage's article.
            let every: Keys = searcher.search(q.as_ref(), &KeyCollector).unwrap();
            let skipping = collector.passage_rows(&searcher, q.as_ref()).unwrap();
            assert_eq!(skipping.len(), table.len());
            assert_eq!(keys(&skipping), every, "{name}");
            found += every.len();
            if !["absent", "p2204x1"].contains(name) {
                assert!(!every.is_empty(), "{name} matches nothing");
            }
            // Sought article by article among some articles: the same articles among those.
            // Article 2204's passages are not one run (one of them was deleted): sets with
            // it have no runs (the caller walks every match then); the same sets without it do.
            let split = table.find(2204).unwrap().unwrap();
            let mut first = Rows::with_capacity(table.len());
            first.insert(table.find(2900).unwrap().unwrap());
            let sets = row_sets(table.len())
                .into_iter()
                .chain([first])
                .flat_map(|with| {
                    let mut without = with.clone();
                    without.set(split, false);
                    [with, without]
                });
            for within in sets {
                let Some(runs) = collector.passage_runs(&searcher, &within) else {
                    assert!(within.contains(split));
                    continue;
                };
                sought_sets += 1;
                let sought = collector
                    .passage_rows_in(&searcher, q.as_ref(), &runs)
                    .unwrap();
                let mut want = skipping.clone();
                want.intersect_with(&within);
                assert_eq!(keys(&sought), keys(&want), "{name} among {within:?}");
            }
        }
        assert!(found > 60, "{found}");
        assert_eq!(sought_sets, 9 * queries.len());
    }
}
