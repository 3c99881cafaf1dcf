//! Texts read from several records (a wire story run by several outlets): each appearance counts
//! in `outlets`, `facet` and `timeline --split-by`, with its own outlet, date and metadata.
//!
//! A selection holds one fact per text (its article document, the first appearance ingested).
//! [`runs`] finds the selected texts that have more than one path document (a column scan of the
//! path documents' keys), and reads only those texts' appearances (see
//! `index::records::Appearance`); each appearance must pass the date, outlet and metadata
//! filters itself. The lookups then count a text's appearances instead of its article document.
//! An appearance whose first appearance fails the filters is not found (the selection never
//! had the text).

use crate::error::Result;
use crate::index::{article_appearances, Appearance, Fields, KeyMap, Keys, KIND_PATH};
use crate::search::{Filters, Selection};
use std::sync::Arc;
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
    searcher: &Searcher,
    fields: &Fields,
    selection: &Selection,
    filters: &Filters,
) -> Result<Runs> {
    let paths = TermQuery::new(
        Term::from_field_text(fields.kind, KIND_PATH),
        IndexRecordOption::Basic,
    );
    let keys: Arc<Keys> = Arc::new(selection.articles.keys().copied().collect());
    let counts = searcher.search(&paths, &PathCounts { keys })?;
    let mut runs = Runs::default();
    for (key, n) in counts {
        if n < 2 {
            continue;
        }
        let all = article_appearances(searcher, fields, &format!("{key:016x}"))?;
        let kept = all.into_iter().filter(|a| filters.passes(a)).collect();
        runs.insert(key, kept);
    }
    Ok(runs)
}

/// An appearance's values of a facet key: its outlet for `outlet`, else its metadata values.
pub fn appearance_values(a: &Appearance, key: &str) -> Vec<String> {
    match key {
        super::facet::OUTLET => a.outlet.iter().cloned().collect(),
        k => a
            .meta
            .iter()
            .filter(|(mk, _)| mk == k)
            .map(|(_, v)| v.clone())
            .collect(),
    }
}

/// What the lookups count: per selected text, its appearances that pass the filters when it has
/// several (`runs`), else its article document: `(date, values of key)` each.
pub fn counted(
    selection: &Selection,
    runs: &Runs,
    key: &str,
    values: &super::facet::ValuesOf,
) -> Vec<(Option<chrono::NaiveDate>, Vec<String>)> {
    let mut out = Vec::with_capacity(selection.articles.len());
    for (k, facts) in &selection.articles {
        match runs.get(k) {
            Some(aps) => out.extend(aps.iter().map(|a| (a.date, appearance_values(a, key)))),
            None => out.push((
                facts.date_secs.and_then(crate::search::to_date),
                values(facts),
            )),
        }
    }
    out
}

/// The appearances counted: one per selected text, its passing appearances for those in `runs`.
pub fn total(selection: &Selection, runs: &Runs) -> usize {
    selection.articles.len() + runs.values().map(|r| r.len()).sum::<usize>() - runs.len()
}

/// Counts the path documents of the selected texts.
struct PathCounts {
    keys: Arc<Keys>,
}

/// Per-segment state of [`PathCounts`].
struct PathCountsSegment {
    selected: Arc<Keys>,
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
            selected: Arc::clone(&self.keys),
            keys: reader.fast_fields().u64("article_key")?,
            counts: KeyMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<KeyMap<u32>>) -> tantivy::Result<KeyMap<u32>> {
        let mut all = KeyMap::default();
        for f in fruits {
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
            if self.selected.contains(&key) {
                *self.counts.entry(key).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> KeyMap<u32> {
        self.counts
    }
}
