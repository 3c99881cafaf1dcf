//! The records a selected text was read from, when there are several (a wire story run by
//! several outlets): each such appearance with its own outlet, date and metadata (see
//! `index::Appearance`).
//!
//! A selection holds one fact per text (its article document, the first appearance ingested).
//! [`runs`] finds the selected texts that have more than one path document (the article table's
//! count, `table.rs`) and reads only those texts' appearances; each must pass the date,
//! outlet and metadata filters itself ([`Filters::passes`]). `search` lists them as a hit's
//! copies; the lookups count them.

use super::{Filters, Selection};
use crate::error::Result;
use crate::index::{
    article_appearances, names, Appearance, Fields, KeyMap, MorgueIndex, KIND_PATH,
};
use crate::model::ArticleId;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// The appearances that pass the filters, for each selected text that has several.
pub type Runs = KeyMap<Vec<Appearance>>;

/// The selected texts with more than one appearance, each with its appearances that pass
/// `filters` (possibly none of them but the first, possibly none at all).
pub fn runs(
    mi: &MorgueIndex,
    searcher: &Searcher,
    selection: &Selection,
    filters: &Filters,
) -> Result<Runs> {
    let mut runs = Runs::default();
    for (&key, facts) in &selection.articles {
        if facts.records < 2 {
            continue;
        }
        let all = article_appearances(searcher, &mi.fields, ArticleId(key))?;
        let kept = all.into_iter().filter(|a| filters.passes(a)).collect();
        runs.insert(key, kept);
    }
    Ok(runs)
}

/// The number of path documents (records read) of every text. (A selection knows its texts'
/// counts: `ArticleFacts::records`, from the article table built with this.)
pub fn path_counts(searcher: &Searcher, fields: &Fields) -> Result<KeyMap<u32>> {
    let paths = TermQuery::new(
        Term::from_field_text(fields.kind, KIND_PATH),
        IndexRecordOption::Basic,
    );
    Ok(searcher.search(&paths, &PathCounts)?)
}

/// Counts the path documents of every text.
struct PathCounts;

/// Per-segment state of [`PathCounts`].
struct PathCountsSegment {
    keys: Column<u64>,
    counts: KeyMap<u32>,
}

impl Collector for PathCounts {
    type Fruit = KeyMap<u32>;
    type Child = PathCountsSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PathCountsSegment> {
        Ok(PathCountsSegment {
            keys: reader.fast_fields().u64(names::ARTICLE_KEY)?,
            counts: KeyMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<KeyMap<u32>>) -> tantivy::Result<KeyMap<u32>> {
        // Into the largest segment's counts.
        fruits.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut iter = fruits.into_iter();
        let mut all = iter.next().unwrap_or_default();
        for f in iter {
            all.reserve(f.len());
            for (k, n) in f {
                *all.entry(k).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for PathCountsSegment {
    type Fruit = KeyMap<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(key) = self.keys.first(doc) {
            *self.counts.entry(key).or_default() += 1;
        }
    }

    fn harvest(self) -> KeyMap<u32> {
        self.counts
    }
}
