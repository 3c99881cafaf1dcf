//! The records a selected text was read from, when there are several (a wire story run by
//! several outlets): each such appearance with its own outlet, date and metadata (see
//! `index::Appearance`).
//!
//! A selection holds one fact per text (its article document, the first appearance ingested).
//! [`runs`] finds the selected texts that have more than one path document (the article table's
//! count, `table.rs`) and reads only those texts' appearances; each must pass the date,
//! outlet and metadata filters itself ([`Filters::passes`]). `search` lists them as a hit's
//! copies; the lookups count them.

use super::table::ArticleTable;
use super::{Filters, Selection};
use crate::error::Result;
use crate::index::{
    appearances_at, article_appearances, names, Appearance, Fields, KeyMap, MorgueIndex, KIND_PATH,
};
use crate::model::ArticleId;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

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
    let table = ArticleTable::cached(mi, searcher)?;
    for key in selection.articles.several_records() {
        let all = appearances_of(&table, searcher, &mi.fields, key)?;
        let kept = all.into_iter().filter(|a| filters.passes(a)).collect();
        runs.insert(key, kept);
    }
    Ok(runs)
}

/// How many records beyond the first the selected texts were read from, counting only those
/// that pass `filters` (`search`'s `appearances`). Without a date, outlet or metadata filter
/// every record passes, and the article table's counts give the number without reading a
/// stored record: a query that selects many reprinted wire stories would otherwise decompress
/// a block of the document store for each of their records.
pub fn other_records(
    mi: &MorgueIndex,
    searcher: &Searcher,
    selection: &Selection,
    filters: &Filters,
) -> Result<usize> {
    if !filters.passes_every_appearance() {
        let runs = runs(mi, searcher, selection, filters)?;
        return Ok(runs.values().map(|r| r.len().saturating_sub(1)).sum());
    }
    Ok(selection
        .articles
        .several_records()
        .iter()
        .filter_map(|key| selection.articles.get(key))
        .map(|facts| facts.records.saturating_sub(1) as usize)
        .sum())
}

/// Every appearance of the text `key` (see `index::article_appearances`), read at the record
/// addresses the article table holds (no query), or looked up when the table does not have
/// the text (a shard asked for the stray records of a text whose article another shard holds).
/// `table` is the searcher's ([`ArticleTable::cached`]), taken once by callers that loop.
pub fn appearances_of(
    table: &ArticleTable,
    searcher: &Searcher,
    fields: &Fields,
    key: u64,
) -> Result<Vec<Appearance>> {
    match table.get(key)? {
        Some(row) => appearances_at(searcher, fields, &table.records(&row)?),
        None => article_appearances(searcher, fields, ArticleId(key)),
    }
}

/// The number of path documents (records read) of every text, by key. (A selection knows its
/// texts' counts: `ArticleFacts::records`, from the article table built with
/// [`path_records`].)
pub fn path_counts(searcher: &Searcher, fields: &Fields) -> Result<Vec<(u64, u32)>> {
    let records = path_records(searcher, fields)?;
    Ok(records
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| (run[0].0, run.len() as u32))
        .collect())
}

/// Every path document (record read) of every text: its text's key and its address, sorted.
pub fn path_records(searcher: &Searcher, fields: &Fields) -> Result<Vec<(u64, DocAddress)>> {
    let paths = TermQuery::new(
        Term::from_field_text(fields.kind, KIND_PATH),
        IndexRecordOption::Basic,
    );
    let mut all: Vec<(u64, DocAddress)> = searcher
        .search(&paths, &RecordCollector)?
        .into_iter()
        .flatten()
        .collect();
    all.sort_unstable();
    Ok(all)
}

/// Collects the text's key and the address of every matching document.
struct RecordCollector;

/// Per-segment state of [`RecordCollector`].
struct RecordSegment {
    segment: SegmentOrdinal,
    keys: Column<u64>,
    out: Vec<(u64, DocAddress)>,
}

impl Collector for RecordCollector {
    type Fruit = Vec<Vec<(u64, DocAddress)>>;
    type Child = RecordSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RecordSegment> {
        Ok(RecordSegment {
            segment,
            keys: reader.fast_fields().u64(names::ARTICLE_KEY)?,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(u64, DocAddress)>>,
    ) -> tantivy::Result<Vec<Vec<(u64, DocAddress)>>> {
        Ok(fruits)
    }
}

impl SegmentCollector for RecordSegment {
    type Fruit = Vec<(u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(key) = self.keys.first(doc) {
            self.out.push((key, DocAddress::new(self.segment, doc)));
        }
    }

    fn harvest(self) -> Vec<(u64, DocAddress)> {
        self.out
    }
}
