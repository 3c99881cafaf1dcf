//! The article table: what selecting articles needs to know of every article of a commit, read
//! from the fast fields once and kept on the index handle for the next query.
//!
//! Before it, every search and lookup scanned every article document (its key, date, cluster and
//! outlet columns, and the outlet's name copied for each) and every path document, whatever the
//! query matched: a cost that grew with the archive on every query. The table holds one compact
//! row per article (address, date, outlet number, canonical copy cluster, number of records
//! read) and a map from article key to row, so a query that matched `n` articles selects them
//! in `O(n)` lookups; outlet filters compare outlet numbers. It also keeps each segment's
//! opened passage columns, so queries do not open (and decode the block headers of) the same
//! columns again.
//!
//! Entity and metadata filters stay queries over the article documents: they are evaluated as a
//! set of keys that the rows are checked against.

use crate::error::Result;
use crate::index::{
    keyword_key, keyword_term, names, KeyMap, MorgueIndex, PassageColumns, PassageRecord,
    KIND_ARTICLE,
};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// No outlet.
const NO_OUTLET: u32 = u32::MAX;

/// One article of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The article's key.
    pub key: u64,
    /// Address of the article document.
    pub addr: DocAddress,
    /// Publication date as Unix seconds (midnight UTC); `None` when undated.
    pub date_secs: Option<i64>,
    /// Outlet number in [`ArticleTable::outlet`] ([`NO_OUTLET`] when unknown).
    outlet: u32,
    /// Canonical copy cluster (`MorgueIndex::canonical_cluster`).
    pub cluster: u64,
    /// Path documents (records read) of the text.
    pub paths: u32,
}

/// Every article of a commit (see the module documentation).
pub struct ArticleTable {
    rows: Vec<Row>,
    by_key: KeyMap<u32>,
    /// Outlet names as stored, by number.
    outlets: Vec<Arc<str>>,
    /// Each outlet name as the outlet field indexes it (what an outlet filter's term matches).
    outlet_terms: Vec<String>,
    /// Per segment ordinal.
    columns: Vec<PassageColumns>,
}

impl ArticleTable {
    /// The table of `searcher`'s commit, built once per commit on `mi`'s handle.
    pub fn cached(mi: &MorgueIndex, searcher: &Searcher) -> Result<Arc<ArticleTable>> {
        mi.derived(searcher, &(), || ArticleTable::build(mi, searcher))
    }

    /// Reads the table from `searcher`'s fast fields.
    pub fn build(mi: &MorgueIndex, searcher: &Searcher) -> Result<ArticleTable> {
        let f = &mi.fields;
        let articles = TermQuery::new(
            Term::from_field_text(f.kind, KIND_ARTICLE),
            IndexRecordOption::Basic,
        );
        let parts = searcher.search(&articles, &RowCollector)?;
        let mut table = ArticleTable {
            rows: Vec::new(),
            by_key: KeyMap::default(),
            outlets: Vec::new(),
            outlet_terms: Vec::new(),
            columns: Vec::with_capacity(searcher.segment_readers().len()),
        };
        let n: usize = parts.iter().map(|p| p.rows.len()).sum();
        table.rows.reserve(n);
        table.by_key.reserve(n);
        let mut outlet_ids: std::collections::HashMap<String, u32> = Default::default();
        for part in parts {
            // This segment's outlet ordinals as table numbers.
            let numbers: Vec<u32> = part
                .outlet_names
                .into_iter()
                .map(|name| {
                    *outlet_ids.entry(name).or_insert_with_key(|name| {
                        table.outlets.push(Arc::from(name.as_str()));
                        table.outlet_terms.push(keyword_term(name));
                        (table.outlets.len() - 1) as u32
                    })
                })
                .collect();
            for mut row in part.rows {
                if row.outlet != NO_OUTLET {
                    row.outlet = numbers[row.outlet as usize];
                }
                row.cluster = mi.canonical_cluster(row.cluster);
                // A key held by two article documents: the later one counts, as a map of
                // facts collected segment by segment kept it.
                match table.by_key.get(&row.key) {
                    Some(&i) => table.rows[i as usize] = row,
                    None => {
                        table.by_key.insert(row.key, table.rows.len() as u32);
                        table.rows.push(row);
                    }
                }
            }
        }
        for (key, n) in super::appearances::path_counts(searcher, f, None)? {
            if let Some(&i) = table.by_key.get(&key) {
                table.rows[i as usize].paths = n;
            }
        }
        for reader in searcher.segment_readers() {
            table.columns.push(PassageColumns::open(reader)?);
        }
        Ok(table)
    }

    /// The row of the article `key`.
    pub fn get(&self, key: u64) -> Option<&Row> {
        self.by_key.get(&key).map(|&i| &self.rows[i as usize])
    }

    /// Every row.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// A row's outlet name as stored.
    pub fn outlet(&self, row: &Row) -> Option<&Arc<str>> {
        self.outlets.get(row.outlet as usize)
    }

    /// Which outlet numbers an outlet filter lets through: those whose indexed term is one of
    /// `names`' keys (as `search::build::articles_filtered`'s term queries match them).
    pub fn outlets_matching(&self, names: &[String]) -> Vec<bool> {
        let wanted: Vec<String> = names.iter().map(|n| keyword_key(n)).collect();
        self.outlet_terms
            .iter()
            .map(|t| wanted.iter().any(|w| w == t))
            .collect()
    }

    /// Whether `row`'s outlet is one `allowed` (from [`ArticleTable::outlets_matching`]) lets
    /// through.
    pub fn outlet_allowed(row: &Row, allowed: &[bool]) -> bool {
        allowed.get(row.outlet as usize).copied().unwrap_or(false)
    }

    /// The passage columns of the segment `segment`.
    pub fn columns(&self, segment: SegmentOrdinal) -> Option<&PassageColumns> {
        self.columns.get(segment as usize)
    }

    /// The record of the passage at `addr` (see [`PassageColumns::record`]).
    pub fn passage(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        text: &str,
    ) -> Result<PassageRecord> {
        match self.columns(addr.segment_ord) {
            Some(c) => Ok(c.record(addr.doc_id, text)),
            None => crate::index::passage_record(searcher, addr, text),
        }
    }
}

/// One segment's rows, outlets numbered by the segment's ordinals.
struct SegmentRows {
    rows: Vec<Row>,
    outlet_names: Vec<String>,
}

/// Collects the rows of article documents.
struct RowCollector;

struct RowSegment {
    segment: SegmentOrdinal,
    keys: Column<u64>,
    dates: Column<tantivy::DateTime>,
    clusters: Column<u64>,
    outlets: Option<tantivy::columnar::StrColumn>,
    out: SegmentRows,
}

impl Collector for RowCollector {
    type Fruit = Vec<SegmentRows>;
    type Child = RowSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RowSegment> {
        let outlets = reader.fast_fields().str(names::OUTLET)?;
        let mut outlet_names = Vec::new();
        if let Some(col) = &outlets {
            let mut terms = col.dictionary().stream()?;
            while terms.advance() {
                outlet_names.push(String::from_utf8_lossy(terms.key()).into_owned());
            }
        }
        Ok(RowSegment {
            segment,
            keys: reader.fast_fields().u64(names::ARTICLE_KEY)?,
            dates: reader.fast_fields().date(names::DATE)?,
            clusters: reader.fast_fields().u64(names::CLUSTER)?,
            outlets,
            out: SegmentRows {
                rows: Vec::new(),
                outlet_names,
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<SegmentRows>>) -> tantivy::Result<Vec<SegmentRows>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for RowSegment {
    type Fruit = Vec<SegmentRows>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(key) = self.keys.first(doc) else {
            return;
        };
        let outlet = self
            .outlets
            .as_ref()
            .and_then(|col| col.term_ords(doc).next())
            .map_or(NO_OUTLET, |o| o as u32);
        self.out.rows.push(Row {
            key,
            addr: DocAddress::new(self.segment, doc),
            date_secs: self.dates.first(doc).map(|d| d.into_timestamp_secs()),
            outlet,
            cluster: self.clusters.first(doc).unwrap_or(key),
            paths: 0,
        });
    }

    fn harvest(self) -> Vec<SegmentRows> {
        vec![self.out]
    }
}
