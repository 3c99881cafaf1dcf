//! The article table: what selecting articles needs to know of every article of a commit, kept
//! in the index folder (`articles.bin`, left by the ingest) and on the index handle.
//!
//! Before it, every search and lookup scanned every article document (its key, date, cluster and
//! outlet columns, and the outlet's name copied for each) and every path document, whatever the
//! query matched: a cost that grew with the archive on every query. The table holds one row of
//! 52 bytes per article (key, address, date, outlet number, copy cluster, number of records
//! read, where their addresses start, and where its passages are), sorted by key; the outlet names, so outlet filters
//! compare outlet numbers; and the addresses of every article's records (path documents), so
//! listing a hit's appearances reads them without a query. Keys are uniform hashes, so the
//! rows of keys with the same leading `bits` bits sit together, about one per such bucket: a
//! directory of where each bucket starts finds a key in two or three
//! reads, where a binary search over the rows took 15 to 17 (at 37,000 and 150,000 articles),
//! each a likely cache miss, and was the largest part of selecting a query's articles. The
//! file is read through a memory map: a process pays for the rows it touches, not for the
//! archive.
//!
//! It is a cache of the commit (see `index::sidecar`): keyed by its segments, built again from
//! the fast fields when missing, damaged or keyed otherwise, and only kept in memory when the
//! folder cannot be written. The index handle also keeps each segment's opened passage
//! columns, so queries do not open (and decode the block headers of) the same columns again.
//!
//! The file also maps every document of every segment (passages, records, article documents)
//! to its article's row: a query's matches are counted as bits over rows (`search::rows`), not
//! as keys looked up here one by one. A segment holds an article's documents side by side, so
//! each map is kept as runs of documents with the same number (8 bytes a run: its first
//! document and the number; about two runs per article, its passages and then its article and
//! record documents). A number per document took 4 bytes a document, 2.6 MB at 37,500
//! articles and 9.3 MB at 150,000 (0.7 and 2.8 MB as runs), and counting a common word read
//! most of its pages. A
//! directory names the run of every 32nd document, and matches come in document order, so a
//! document's run is a short scan from the directory's or from the last one found. Opening
//! the file checks the maps' lengths, not their runs (reading every page of them cost each
//! process about 1 ms at 37,500 articles, and grew with the archive): a number is checked when
//! a query reads it, one that is no row counts nothing, and `morgue check` reads them all and
//! builds a damaged table again.
//!
//! The writer adds an article's passages and article document as one batch, which one indexing
//! thread writes side by side and merges keep in order: a row records its live passages as one
//! run of documents (first document and count) in its article document's segment, so ranking a
//! few selected articles of many matches reads only their runs (`search::top::selected_runs`).
//! A row of an index written before that, whose passages are scattered, says so, and such a
//! selection is ranked over every document as before.
//!
//! Entity and metadata filters stay queries over the article documents: they are evaluated as a
//! set of rows that the selected ones are checked against.

use crate::error::{Error, Result};
use crate::index::sidecar::{self, long, word};
use crate::index::{keyword_key, keyword_term, names, MorgueIndex, PassageColumns, KIND_ARTICLE};
use std::cell::Cell;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::directory::OwnedBytes;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// The table's file in the index folder.
pub const TABLE_FILE: &str = sidecar::ARTICLE_TABLE;

/// The first bytes of the file (the version changes with the layout; the key holds the crate
/// version too).
const MAGIC: &[u8; 16] = b"morgue-articles9";

/// Bytes per row: key, segment, document, date, outlet, records, cluster, first record, first
/// passage, passages.
const ROW_BYTES: usize = 52;

/// Where a row's key, date and copy cluster are, from its start: the fields that are also read
/// alone ([`ArticleTable::key_of`], [`ArticleTable::date_of`], [`ArticleTable::cluster_of`]).
const KEY_AT: usize = 0;
const DATE_AT: usize = 16;
const CLUSTER_AT: usize = 32;
/// Where a row's segment and its passage run are, also read alone
/// ([`ArticleTable::number_of`]).
const SEGMENT_AT: usize = 8;
const FIRST_PASSAGE_AT: usize = 44;
const PASSAGES_AT: usize = 48;

/// A stored date as Unix seconds, `None` for [`NO_DATE`].
fn date_secs(stored: u64) -> Option<i64> {
    let date = stored as i64;
    (date != NO_DATE).then_some(date)
}

/// In a row's passage count: its passages are not one run of documents of its article
/// document's segment (an index written before articles were added as one batch).
const SCATTERED: u32 = u32::MAX;

/// No outlet.
const NO_OUTLET: u32 = u32::MAX;

/// At most this many leading bits of the key number the directory's buckets.
const MAX_BITS: u32 = 26;

/// No date (a date is Unix seconds).
const NO_DATE: i64 = i64::MIN;

/// In a segment's row map: the document belongs to no article of the table.
const NO_ROW: u32 = u32::MAX;

/// In a segment's row map: set on the row of a document that is not a passage (an article or
/// a record document). Rows are below it.
const NOT_PASSAGE: u32 = 1 << 31;

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
    /// Copy cluster as stored (a sharded root maps it to its canonical one:
    /// `MorgueIndex::canonical_cluster`).
    pub cluster: u64,
    /// Records (path documents) the text was read from.
    pub records: u32,
    /// Where the addresses of its records start in the table's list of them.
    first_record: u32,
    /// Its first passage document, in the article document's segment.
    first_passage: u32,
    /// Its passages, the documents from `first_passage` on ([`SCATTERED`] when they are not
    /// one run).
    passages: u32,
}

impl Row {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&self.addr.segment_ord.to_le_bytes());
        out.extend_from_slice(&self.addr.doc_id.to_le_bytes());
        out.extend_from_slice(&self.date_secs.unwrap_or(NO_DATE).to_le_bytes());
        out.extend_from_slice(&self.outlet.to_le_bytes());
        out.extend_from_slice(&self.records.to_le_bytes());
        out.extend_from_slice(&self.cluster.to_le_bytes());
        out.extend_from_slice(&self.first_record.to_le_bytes());
        out.extend_from_slice(&self.first_passage.to_le_bytes());
        out.extend_from_slice(&self.passages.to_le_bytes());
    }

    /// The article's passage documents, in the segment of its article document, when they are
    /// one run of documents.
    pub fn passage_docs(&self) -> Option<std::ops::Range<DocId>> {
        run(self.first_passage, self.passages)
    }

    /// The row at the start of `b` (at least [`ROW_BYTES`] long).
    fn decode(b: &[u8]) -> Row {
        Row {
            key: long(b, KEY_AT),
            addr: DocAddress::new(word(b, SEGMENT_AT), word(b, SEGMENT_AT + 4)),
            date_secs: date_secs(long(b, DATE_AT)),
            outlet: word(b, 24),
            records: word(b, 28),
            cluster: long(b, CLUSTER_AT),
            first_record: word(b, 40),
            first_passage: word(b, FIRST_PASSAGE_AT),
            passages: word(b, PASSAGES_AT),
        }
    }
}

/// A row's run of passage documents as it stores it: `passages` documents from `first`, or
/// none when they are [`SCATTERED`].
fn run(first: DocId, passages: u32) -> Option<std::ops::Range<DocId>> {
    (passages != SCATTERED).then(|| first..first.saturating_add(passages))
}

/// Per segment, the passage documents of some articles: runs sorted by first document, each
/// with its article's row (see [`ArticleTable::passage_runs`]).
pub type PassageRuns = Vec<Vec<(std::ops::Range<DocId>, u32)>>;

/// Every article of a commit (see the module documentation).
pub struct ArticleTable {
    /// The file's bytes; the rows start at `rows_at`.
    bytes: OwnedBytes,
    rows_at: usize,
    len: usize,
    /// Leading key bits that number the buckets (see [`bucket`]).
    bits: u32,
    /// Where the directory starts: `2^bits + 1` row numbers, the first row of each bucket and
    /// then `len`.
    dir_at: usize,
    /// Outlet names as stored, by number.
    outlets: Vec<Arc<str>>,
    /// The tokens of each scored field in the commit's live documents (field id, tokens; see
    /// `index::live_tokens`): BM25's average lengths, read by `search::statistics`.
    tokens: Vec<(u32, u64)>,
    /// Each outlet name as the outlet field indexes it (what an outlet filter's term matches).
    outlet_terms: Vec<String>,
    /// Where the addresses of the records (path documents) start in `bytes`, 8 bytes each
    /// (segment, document), grouped by row; and how many there are.
    records_at: usize,
    records_len: usize,
    /// Per segment ordinal.
    columns: Vec<PassageColumns>,
    /// Per segment ordinal: where its row map (directory and runs) is in `bytes`.
    maps: Vec<MapAt>,
}

/// Builds the table of `mi`'s latest commit unless its folder has it: what an ingest leaves for
/// the next query.
pub fn prepare(mi: &MorgueIndex) -> Result<()> {
    ArticleTable::load(mi, &mi.searcher()?).map(drop)
}

/// `morgue check`'s look at the article table of `mi`'s latest commit (see
/// `index::health::check_with`): a table with a damaged row, directory bucket, record address
/// or row map (see [`ArticleTable::damage`]) is built again and reported as a `cache` problem. A table that cannot be read at all is built again by any
/// query, and is not reported.
pub fn check(mi: &MorgueIndex) -> Vec<crate::index::health::Problem> {
    let problem = |detail: String| {
        vec![crate::index::health::Problem::new(
            "cache",
            Some(TABLE_FILE.to_string()),
            detail,
        )]
    };
    let searcher = match mi.searcher() {
        Ok(s) => s,
        Err(e) => return problem(e.to_string()),
    };
    let table = match ArticleTable::load(mi, &searcher) {
        Ok(t) => t,
        Err(e) => return problem(e.to_string()),
    };
    let Some(damage) = table.damage() else {
        return Vec::new();
    };
    // The columns opened to read the table serve to build it again.
    let columns = table.columns.clone();
    drop(table);
    let key = sidecar::commit_key(&searcher);
    match ArticleTable::build_and_write(mi, &searcher, &key, columns).map(drop) {
        Ok(()) => problem(format!("{damage}; the table has been built again")),
        Err(e) => problem(format!("{damage}; building it again failed: {e}")),
    }
}

impl ArticleTable {
    /// The table of `searcher`'s commit, loaded once per commit on `mi`'s handle.
    pub fn cached(mi: &MorgueIndex, searcher: &Searcher) -> Result<Arc<ArticleTable>> {
        mi.derived(searcher, &(), || ArticleTable::load(mi, searcher))
    }

    /// The table of `searcher`'s commit: read from the index folder when it is there and
    /// current, else built from the fast fields and written for the next process.
    pub fn load(mi: &MorgueIndex, searcher: &Searcher) -> Result<ArticleTable> {
        let key = sidecar::commit_key(searcher);
        let mut columns = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            columns.push(PassageColumns::open(reader));
        }
        // Cloning the opened columns is cheap; opening them again is not.
        if let Some(table) = sidecar::read(mi.dir(), TABLE_FILE)
            .and_then(|bytes| decode(bytes, &key, searcher, columns.clone()))
        {
            return Ok(table);
        }
        Self::build_and_write(mi, searcher, &key, columns)
    }

    /// The table of `searcher`'s commit built from the fast fields, and written for the next
    /// process.
    fn build_and_write(
        mi: &MorgueIndex,
        searcher: &Searcher,
        key: &str,
        columns: Vec<PassageColumns>,
    ) -> Result<ArticleTable> {
        let bytes = encode(key, &build(mi, searcher, &columns)?);
        // A cache: a folder that cannot be written only costs the next process the build.
        let _ = sidecar::write(mi.dir(), TABLE_FILE, &bytes);
        decode(OwnedBytes::new(bytes), key, searcher, columns).ok_or_else(|| {
            Error::Index(tantivy::TantivyError::InternalError(
                "the article table just built does not read back".into(),
            ))
        })
    }

    /// What is wrong with the table, read whole (opening the file checks only its structure,
    /// and a query checks what it reads): a row whose document or outlet is not in the commit,
    /// record addresses that are not documents of the commit, rows out of key order or outside
    /// their bucket, a bucket of the directory that is not a range of rows, a map whose runs
    /// are out of order or whose directory names a run that does not hold its document, or a
    /// map number that is neither a row nor none.
    pub fn damage(&self) -> Option<String> {
        // The maps first: the rows' runs are checked against them.
        for segment in 0..self.maps.len() {
            let Ok(map) = self.row_map(segment as SegmentOrdinal) else {
                continue;
            };
            let (dir, runs) = map.parts();
            let mut previous: Option<u32> = None;
            for run in runs {
                let (start, number) = (word(run, 0), word(run, 4));
                let in_order = match previous {
                    None => start == 0,
                    Some(p) => p < start,
                };
                if !in_order || start >= map.docs {
                    return Some(format!(
                        "the row map of segment {segment} has a run starting at document {start}, out of order or past its {} documents",
                        map.docs
                    ));
                }
                // With one added and NOT_PASSAGE cleared, NO_ROW wraps to 0 and a row is at
                // most `len`.
                if (number.wrapping_add(1) & !NOT_PASSAGE) as usize > self.len {
                    return Some(format!(
                        "the row map of segment {segment} gives document {start} a row the table does not have (it has {} rows)",
                        self.len
                    ));
                }
                previous = Some(start);
            }
            let (entries, _) = dir.as_chunks::<4>();
            for (b, entry) in entries.iter().enumerate() {
                let doc = b as u32 * DIR_DOCS;
                let run = u32::from_le_bytes(*entry) as usize;
                let holds = runs.get(run).is_some_and(|r| word(r, 0) <= doc)
                    && runs.get(run + 1).is_none_or(|r| word(r, 0) > doc);
                if !holds {
                    return Some(format!(
                        "the row map of segment {segment} finds document {doc} in run {run}, which does not hold it"
                    ));
                }
            }
            if map.docs > 0 && runs.is_empty() {
                return Some(format!(
                    "the row map of segment {segment} has no run for its {} documents",
                    map.docs
                ));
            }
        }
        let mut previous: Option<u64> = None;
        for b in 0..(1usize << self.bits) {
            let Some(range) = self.bucket_range(b) else {
                return Some(bucket_damage(b));
            };
            for i in range {
                let row = self.row_read(i);
                if !self.fits(&row) || self.record_addresses(&row).is_none() {
                    return Some(row_damage(i));
                }
                let key = row.key;
                if bucket(key, self.bits) != b || previous.is_some_and(|p| p >= key) {
                    return Some(format!("row {i} is out of key order"));
                }
                if !self.run_is_its_passages(&row, i) {
                    return Some(format!(
                        "row {i}'s run of passages holds documents that are not its passages"
                    ));
                }
                previous = Some(key);
            }
        }
        None
    }

    /// The number of articles.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the commit holds no article.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The row numbered `i` (`i < len`): rows are numbered by key. A row whose article
    /// document is not in the commit or whose outlet number is unknown is damage (see
    /// [`ArticleTable::damage`]).
    pub fn row(&self, i: usize) -> Result<Row> {
        let row = self.row_read(i);
        match self.fits(&row) {
            true => Ok(row),
            false => Err(damaged(row_damage(i))),
        }
    }

    /// The row numbered `i` (`i < len`), not checked: [`ArticleTable::row`] checks it, and a
    /// selection reads again only rows it has read so.
    pub(crate) fn row_read(&self, i: usize) -> Row {
        let at = self.rows_at + i * ROW_BYTES;
        Row::decode(&self.bytes[at..at + ROW_BYTES])
    }

    /// The passage documents of the articles of `rows` (numbers of rows read before: not
    /// checked again), per segment of the `segments` of the commit, each run with its row and
    /// sorted by first document; `None` when an article's passages are not one run of one of
    /// them (see [`Row::passage_docs`]). Counting and ranking among a few articles seek from
    /// one run to the next.
    pub fn passage_runs(
        &self,
        segments: usize,
        rows: impl IntoIterator<Item = usize>,
    ) -> Option<PassageRuns> {
        let mut runs: PassageRuns = vec![Vec::new(); segments];
        for i in rows {
            let row = self.row_read(i);
            let docs = row.passage_docs()?;
            runs.get_mut(row.addr.segment_ord as usize)?
                .push((docs, i as u32));
        }
        for segment in &mut runs {
            segment.sort_unstable_by_key(|(docs, _)| docs.start);
        }
        Some(runs)
    }

    /// The addresses of `row`'s records (path documents), in index order: what listing a
    /// text's appearances reads, without a query for them.
    pub fn records(&self, row: &Row) -> Result<Vec<DocAddress>> {
        self.record_addresses(row).ok_or_else(|| {
            damaged(format!(
                "the records of the article {:016x} are not documents of the commit",
                row.key
            ))
        })
    }

    fn record_addresses(&self, row: &Row) -> Option<Vec<DocAddress>> {
        let first = row.first_record as usize;
        let end = first.checked_add(row.records as usize)?;
        if end > self.records_len {
            return None;
        }
        let at = self.records_at + 8 * first;
        let (pairs, _) = self.bytes[at..at + 8 * (end - first)].as_chunks::<8>();
        pairs
            .iter()
            .map(|p| {
                let addr = DocAddress::new(word(p, 0), word(p, 4));
                self.holds(addr).then_some(addr)
            })
            .collect()
    }

    /// Whether every document of `row`'s passage run (when it has one) is a passage of row `i`
    /// in the row map (`row` fits).
    fn run_is_its_passages(&self, row: &Row, i: usize) -> bool {
        let Some(docs) = row.passage_docs() else {
            return true;
        };
        let Ok(map) = self.row_map(row.addr.segment_ord) else {
            return false;
        };
        docs.into_iter()
            .all(|doc| map.number(doc) == Some(i as u32))
    }

    /// Whether `addr` is a document of the commit.
    fn holds(&self, addr: DocAddress) -> bool {
        let docs = self.maps.get(addr.segment_ord as usize).map(|m| m.docs);
        docs.is_some_and(|n| addr.doc_id < n)
    }

    /// Whether `row`'s article document and passage run are in the commit and its outlet
    /// number known (read for every selected row: the segment is looked up once).
    fn fits(&self, row: &Row) -> bool {
        let Some(docs) = self.maps.get(row.addr.segment_ord as usize).map(|m| m.docs) else {
            return false;
        };
        row.addr.doc_id < docs
            && (row.outlet == NO_OUTLET || (row.outlet as usize) < self.outlets.len())
            && row.passage_docs().is_none_or(|run| run.end <= docs)
    }

    /// Where the rows of bucket `b` start and end in the directory, when they are rows.
    fn bucket_range(&self, b: usize) -> Option<std::ops::Range<usize>> {
        let first = word(&self.bytes, self.dir_at + 4 * b) as usize;
        let end = word(&self.bytes, self.dir_at + 4 * (b + 1)) as usize;
        (first <= end && end <= self.len).then_some(first..end)
    }

    /// The row of the article `key`: the rows of its bucket, in the directory, are read
    /// until one holds the key or a greater one.
    pub fn get(&self, key: u64) -> Result<Option<Row>> {
        match self.find(key)? {
            Some(i) => self.row(i).map(Some),
            None => Ok(None),
        }
    }

    /// The number of the row of the article `key`, as [`ArticleTable::get`] finds it.
    pub fn find(&self, key: u64) -> Result<Option<usize>> {
        let b = bucket(key, self.bits);
        let rows = self
            .bucket_range(b)
            .ok_or_else(|| damaged(bucket_damage(b)))?;
        for i in rows {
            match self.key_of(i).cmp(&key) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Equal => return Ok(Some(i)),
                std::cmp::Ordering::Greater => return Ok(None),
            }
        }
        Ok(None)
    }

    /// The key of row `i` (`i < len`), read alone.
    #[inline]
    pub fn key_of(&self, i: usize) -> u64 {
        long(&self.bytes, self.rows_at + i * ROW_BYTES + KEY_AT)
    }

    /// The date of row `i` (`i < len`) as Unix seconds, read alone.
    #[inline]
    pub fn date_of(&self, i: usize) -> Option<i64> {
        date_secs(long(&self.bytes, self.rows_at + i * ROW_BYTES + DATE_AT))
    }

    /// The copy cluster of row `i` (`i < len`) as stored, read alone.
    #[inline]
    pub fn cluster_of(&self, i: usize) -> u64 {
        long(&self.bytes, self.rows_at + i * ROW_BYTES + CLUSTER_AT)
    }

    /// The row map of segment `segment`: for each of its documents (passages, records and
    /// the article document alike) the number of its article's row, and whether it is a
    /// passage.
    pub fn row_map(&self, segment: SegmentOrdinal) -> tantivy::Result<RowMap> {
        let at = self.maps.get(segment as usize).ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!(
                "segment {segment} is not in the article table's commit"
            ))
        })?;
        Ok(RowMap {
            bytes: self.bytes.slice(at.at..at.at + at.len()),
            runs_from: at.runs_from(),
            docs: at.docs,
            rows: self.len as u32,
            last: Cell::new(0),
        })
    }

    /// A row's outlet name as stored.
    pub fn outlet(&self, row: &Row) -> Option<&str> {
        self.outlets.get(row.outlet as usize).map(|o| &**o)
    }

    /// A row's outlet name as stored, shared with the table.
    pub fn shared_outlet(&self, row: &Row) -> Option<Arc<str>> {
        self.outlets.get(row.outlet as usize).cloned()
    }

    /// The tokens of the scored field `field` in the commit's live documents (see
    /// `index::live_tokens`); `None` for a field no query scores.
    pub fn live_tokens(&self, field: tantivy::schema::Field) -> Option<u64> {
        self.tokens
            .iter()
            .find(|(f, _)| *f == field.field_id())
            .map(|(_, n)| *n)
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

    /// The passage columns of the segment `segment` of the table's commit (the searcher it
    /// was loaded for has the same segments, in the same order).
    pub fn columns(&self, segment: SegmentOrdinal) -> tantivy::Result<&PassageColumns> {
        self.columns.get(segment as usize).ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!(
                "segment {segment} is not in the article table's commit"
            ))
        })
    }

    /// The passage number (0-based) of the passage document `addr` of the article of row `i`
    /// (`i < len`), as [`ArticleTable::number_in`] finds it, reading the row's run alone.
    #[inline]
    pub fn number_of(&self, i: usize, addr: DocAddress) -> tantivy::Result<Option<u64>> {
        let at = self.rows_at + i * ROW_BYTES;
        let b = &self.bytes;
        let docs = run(word(b, at + FIRST_PASSAGE_AT), word(b, at + PASSAGES_AT));
        self.number_by_run(word(b, at + SEGMENT_AT), docs, addr)
    }

    /// The passage number (0-based) of the passage document `addr` of the article of `row`:
    /// its place in the row's run of passage documents, which are in passage order (see
    /// [`Row::passage_docs`]), or read from the segment's column when the passages are not one
    /// run; `None` when `addr` is no passage.
    pub fn number_in(&self, row: &Row, addr: DocAddress) -> tantivy::Result<Option<u64>> {
        self.number_by_run(row.addr.segment_ord, row.passage_docs(), addr)
    }

    /// See [`ArticleTable::number_in`]: `docs` is the run of the row's segment `segment`.
    #[inline]
    fn number_by_run(
        &self,
        segment: u32,
        docs: Option<std::ops::Range<DocId>>,
        addr: DocAddress,
    ) -> tantivy::Result<Option<u64>> {
        match docs {
            Some(docs) if segment == addr.segment_ord && docs.contains(&addr.doc_id) => {
                Ok(Some(u64::from(addr.doc_id - docs.start)))
            }
            _ => Ok(self
                .columns(addr.segment_ord)?
                .numbers()?
                .first(addr.doc_id)),
        }
    }
}

/// Where a segment's row map is in the file: its directory starts at `at` (for every
/// [`DIR_DOCS`] documents, the run of the first of them), followed by its runs (each
/// [`RUN_BYTES`]: the first document and the number of its documents); it maps `docs`
/// documents (the segment's `max_doc`).
#[derive(Clone, Copy, Debug)]
struct MapAt {
    at: usize,
    runs: usize,
    docs: u32,
}

impl MapAt {
    /// Where the runs start, from `at`.
    fn runs_from(&self) -> usize {
        4 * dir_len(self.docs)
    }

    /// The bytes of the directory and the runs.
    fn len(&self) -> usize {
        self.runs_from() + RUN_BYTES * self.runs
    }
}

/// Bytes per run of a row map: its first document and its number.
const RUN_BYTES: usize = 8;

/// A row map's directory names the run of every this many documents: a document's run is
/// found from it by a short scan (a few runs for news articles, whose 15 or so documents
/// make two or three runs).
const DIR_DOCS: u32 = 32;

/// The directory entries of a map of `docs` documents.
fn dir_len(docs: u32) -> usize {
    docs.div_ceil(DIR_DOCS) as usize
}

/// One segment's map from documents to the article table's rows (see
/// [`ArticleTable::row_map`]): what counting the articles of a query's matches reads, a 32-bit
/// number per run of documents instead of a 64-bit key looked up in the table. A document's
/// run is found by a short scan from the directory's run for its block of documents, or from
/// the run found last when that is further on (matches come in document order, as a scorer
/// gives them).
#[derive(Clone)]
pub struct RowMap {
    /// The directory, then the runs (from `runs_from`).
    bytes: OwnedBytes,
    runs_from: usize,
    /// The segment's documents: one past the last run's end.
    docs: u32,
    /// The table's number of rows: a number is checked when it is read, and one at or above
    /// it (a damaged one, or [`NO_ROW`]) is no row.
    rows: u32,
    /// The run found last.
    last: Cell<usize>,
}

impl RowMap {
    /// The directory and the runs (each its first document, then its number).
    #[inline]
    fn parts(&self) -> (&[u8], &[[u8; RUN_BYTES]]) {
        let (dir, runs) = self.bytes.as_slice().split_at(self.runs_from);
        (dir, runs.as_chunks::<RUN_BYTES>().0)
    }

    /// The run holding `doc`: the last whose start is at most `doc` (in a damaged map, some
    /// run or none: its number is checked when read).
    #[inline]
    fn run_of(&self, doc: DocId) -> Option<usize> {
        if doc >= self.docs {
            return None;
        }
        let (dir, runs) = self.parts();
        let start = |run: usize| runs.get(run).map(|r| word(r, 0));
        // From the directory's run for `doc`'s block of documents, or the run found last when
        // it is further on and not past `doc` (matches in document order are mostly in it or
        // the next).
        let entry = 4 * (doc / DIR_DOCS) as usize;
        let mut run = dir.get(entry..entry + 4).map_or(0, |e| word(e, 0) as usize);
        let last = self.last.get();
        if last > run && start(last).is_some_and(|s| s <= doc) {
            run = last;
        }
        // A damaged directory naming a later run (or none): no row, as for a damaged number.
        if start(run).is_none_or(|s| s > doc) {
            return None;
        }
        while start(run + 1).is_some_and(|s| s <= doc) {
            run += 1;
        }
        self.last.set(run);
        Some(run)
    }

    #[inline]
    fn number(&self, doc: DocId) -> Option<u32> {
        let run = self.run_of(doc)?;
        Some(word(&self.parts().1[run], 4))
    }

    /// The row of the article that `doc` belongs to.
    #[inline]
    pub fn get(&self, doc: DocId) -> Option<u32> {
        let row = self.number(doc)? & !NOT_PASSAGE;
        (row < self.rows).then_some(row)
    }

    /// The row of the article that `doc` belongs to when `doc` is a passage: a word query
    /// counts the articles of its matching passages, without intersecting the query with
    /// every passage document.
    #[inline]
    pub fn passage(&self, doc: DocId) -> Option<u32> {
        self.passage_run(doc).0
    }

    /// [`RowMap::passage`], and the first document after `doc` that is not in its run (for a
    /// passage, the end of its article's passages: they are written together), found in the
    /// same lookup: counting skips there once one of an article's passages matched. Read from
    /// the map rather than from the article's row ([`Row::passage_docs`]): the next run sits
    /// beside the one just read, where the row is a read elsewhere in the table, and an
    /// article whose passages are not one run is handled alike.
    #[inline]
    pub fn passage_run(&self, doc: DocId) -> (Option<u32>, DocId) {
        let after = doc.saturating_add(1);
        let Some(run) = self.run_of(doc) else {
            return (None, after);
        };
        let runs = self.parts().1;
        let row = word(&runs[run], 4);
        let end = runs.get(run + 1).map_or(self.docs, |r| word(r, 0));
        ((row < self.rows).then_some(row), end.max(after))
    }
}

/// The rows (sorted by key) and outlet names of `searcher`'s commit, read from the fast fields,
/// and each segment's map from documents to rows.
struct Built {
    rows: Vec<Row>,
    outlets: Vec<String>,
    maps: Vec<Vec<u32>>,
    /// The rows' record addresses, grouped by row in row order.
    records: Vec<DocAddress>,
    /// Tokens of each scored field in the live documents (field id, tokens).
    tokens: Vec<(u32, u64)>,
}

fn build(mi: &MorgueIndex, searcher: &Searcher, columns: &[PassageColumns]) -> Result<Built> {
    let f = &mi.fields;
    let articles = TermQuery::new(
        Term::from_field_text(f.kind, KIND_ARTICLE),
        IndexRecordOption::Basic,
    );
    let parts = searcher.search(&articles, &RowCollector)?;
    let mut built = Built {
        rows: Vec::with_capacity(parts.iter().map(|p| p.rows.len()).sum()),
        outlets: Vec::new(),
        maps: Vec::new(),
        records: Vec::new(),
        tokens: Vec::new(),
    };
    let mut outlet_ids: std::collections::HashMap<String, u32> = Default::default();
    for part in parts {
        // This segment's outlet ordinals as table numbers.
        let numbers: Vec<u32> = part
            .outlet_names
            .into_iter()
            .map(|name| {
                *outlet_ids.entry(name).or_insert_with_key(|name| {
                    built.outlets.push(name.clone());
                    (built.outlets.len() - 1) as u32
                })
            })
            .collect();
        for mut row in part.rows {
            if row.outlet != NO_OUTLET {
                row.outlet = numbers[row.outlet as usize];
            }
            built.rows.push(row);
        }
    }
    // By key; of a key held by two article documents the later one counts (as a map of facts
    // collected segment by segment kept it): a stable sort keeps their order, and the last of
    // a run of equal keys is kept.
    built.rows.sort_by_key(|r| r.key);
    let mut deduped: Vec<Row> = Vec::with_capacity(built.rows.len());
    for row in built.rows.drain(..) {
        match deduped.last_mut() {
            Some(last) if last.key == row.key => *last = row,
            _ => deduped.push(row),
        }
    }
    built.rows = deduped;
    // Every record's address, by key: each row's run of them.
    let records = super::appearances::path_records(searcher, f)?;
    let mut next = records.iter().peekable();
    for row in &mut built.rows {
        while next.next_if(|(k, _)| *k < row.key).is_some() {}
        row.first_record = built.records.len() as u32;
        while let Some((_, addr)) = next.next_if(|(k, _)| *k == row.key) {
            built.records.push(*addr);
        }
        row.records = built.records.len() as u32 - row.first_record;
    }
    built.maps = row_maps(columns, searcher, &built.rows)?;
    passage_runs(searcher, columns, &built.maps, &mut built.rows)?;
    for field in crate::index::scored_fields(searcher.schema()) {
        let tokens = crate::index::live_tokens(searcher, field)?;
        built.tokens.push((field.field_id(), tokens));
    }
    Ok(built)
}

/// Each segment's map from documents to the rows of `rows` (sorted by key), read from the
/// segment's passage columns (`columns`, by segment ordinal): the row of the document's article
/// key, with [`NOT_PASSAGE`] set unless it is a passage (it has a passage number); [`NO_ROW`]
/// for a document without a key or whose article is not in the table (a deleted one).
fn row_maps(
    columns: &[PassageColumns],
    searcher: &Searcher,
    rows: &[Row],
) -> tantivy::Result<Vec<Vec<u32>>> {
    let rows_of: crate::index::KeyMap<u32> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key, i as u32))
        .collect();
    let mut maps = Vec::with_capacity(columns.len());
    for (c, reader) in columns.iter().zip(searcher.segment_readers()) {
        let mut map = Vec::with_capacity(reader.max_doc() as usize);
        let (keys, numbers) = (c.keys()?, c.numbers()?);
        // A segment holds an article's documents side by side: a run costs one lookup.
        let mut last: Option<(u64, u32)> = None;
        for doc in 0..reader.max_doc() {
            let row = match keys.first(doc) {
                None => NO_ROW,
                Some(k) => match last {
                    Some((lk, row)) if lk == k => row,
                    _ => {
                        let row = rows_of.get(&k).copied().unwrap_or(NO_ROW);
                        last = Some((k, row));
                        row
                    }
                },
            };
            let passage = numbers.first(doc).is_some();
            map.push(match passage || row == NO_ROW {
                true => row,
                false => row | NOT_PASSAGE,
            });
        }
        maps.push(map);
    }
    Ok(maps)
}

/// Sets each row's passage run from the row maps: its first passage document and number of
/// live passages when they are one run of documents in its article document's segment, in
/// passage order (the run's n-th document is passage n: [`ArticleTable::number_of`] reads no
/// column for it), else [`SCATTERED`]. (An article indexed again keeps its key: its old,
/// deleted passages are passed over.)
fn passage_runs(
    searcher: &Searcher,
    columns: &[PassageColumns],
    maps: &[Vec<u32>],
    rows: &mut [Row],
) -> tantivy::Result<()> {
    /// A row's live passages seen so far: in one segment, from `first` to `last`.
    #[derive(Clone, Copy, Default)]
    struct Seen {
        segment: u32,
        first: u32,
        last: u32,
        /// Passages seen, or [`SCATTERED`] once two segments hold some.
        count: u32,
    }
    let mut seen = vec![Seen::default(); rows.len()];
    let segments = maps.iter().zip(searcher.segment_readers()).zip(columns);
    for (segment, ((map, reader), c)) in segments.enumerate() {
        let alive = reader.alive_bitset();
        let numbers = c.numbers()?;
        for (doc, &n) in map.iter().enumerate() {
            let Some(s) = seen.get_mut(n as usize) else {
                continue; // no row, or not a passage
            };
            if alive.is_some_and(|a| a.is_deleted(doc as DocId)) {
                continue;
            }
            let (segment, doc) = (segment as u32, doc as u32);
            // Out of passage order: not a run to count numbers by.
            let in_order = s.count == SCATTERED || numbers.first(doc) == Some(u64::from(s.count));
            match s.count {
                _ if !in_order => s.count = SCATTERED,
                0 => {
                    *s = Seen {
                        segment,
                        first: doc,
                        last: doc,
                        count: 1,
                    }
                }
                SCATTERED => {}
                _ if s.segment != segment => s.count = SCATTERED,
                _ => {
                    s.last = doc;
                    s.count += 1;
                }
            }
        }
    }
    for (row, s) in rows.iter_mut().zip(&seen) {
        let one_run = s.count == 0
            || (s.count != SCATTERED
                && s.segment == row.addr.segment_ord
                && s.last - s.first + 1 == s.count);
        (row.first_passage, row.passages) = match one_run {
            true => (s.first, s.count),
            false => (0, SCATTERED),
        };
    }
    Ok(())
}

fn row_damage(i: usize) -> String {
    format!("row {i} names a document or an outlet the commit does not have")
}

fn bucket_damage(b: usize) -> String {
    format!("the directory's bucket {b} is not a range of rows")
}

/// The error of a damaged table: a query that reads the damage stops and says how to mend it.
fn damaged(what: String) -> Error {
    Error::Index(tantivy::TantivyError::InternalError(format!(
        "the article table ({TABLE_FILE}) is damaged: {what}; `morgue check` builds it again"
    )))
}

/// The bucket of `key` among `2^bits`: its leading `bits` bits.
fn bucket(key: u64, bits: u32) -> usize {
    match bits {
        0 => 0,
        _ => (key >> (64 - bits)) as usize,
    }
}

/// How many leading bits number the buckets of `len` rows: about one row per bucket.
fn bits_for(len: usize) -> u32 {
    match len {
        0 | 1 => 0,
        _ => len.ilog2().min(MAX_BITS),
    }
}

/// The file: magic, key (length and bytes), outlet names (count, then length and bytes of
/// each), the scored fields' live tokens (count, then field id and tokens of each), rows
/// (count, then [`ROW_BYTES`] each), the record addresses (count, then segment and document of
/// each, grouped by row), the row maps (count of segments, then for
/// each its number of documents, its number of runs, its directory and each run's first
/// document and row number), the directory (`bits`, then `2^bits + 1` row numbers: where each
/// bucket's rows start, and the number of rows).
fn encode(key: &str, built: &Built) -> Vec<u8> {
    let runs: Vec<Vec<(u32, u32)>> = built.maps.iter().map(|m| runs(m)).collect();
    let mut out = Vec::with_capacity(
        64 + key.len()
            + built.rows.len() * ROW_BYTES
            + 8 * built.records.len()
            + (built.maps.iter().zip(&runs))
                .map(|(m, r)| 8 + RUN_BYTES * r.len() + 4 * dir_len(m.len() as u32))
                .sum::<usize>(),
    );
    sidecar::write_header(&mut out, MAGIC, key);
    out.extend_from_slice(&(built.outlets.len() as u32).to_le_bytes());
    for name in &built.outlets {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    out.extend_from_slice(&(built.tokens.len() as u32).to_le_bytes());
    for (field, tokens) in &built.tokens {
        out.extend_from_slice(&field.to_le_bytes());
        out.extend_from_slice(&tokens.to_le_bytes());
    }
    out.extend_from_slice(&(built.rows.len() as u32).to_le_bytes());
    for row in &built.rows {
        row.encode(&mut out);
    }
    out.extend_from_slice(&(built.records.len() as u32).to_le_bytes());
    for addr in &built.records {
        out.extend_from_slice(&addr.segment_ord.to_le_bytes());
        out.extend_from_slice(&addr.doc_id.to_le_bytes());
    }
    out.extend_from_slice(&(built.maps.len() as u32).to_le_bytes());
    for (map, runs) in built.maps.iter().zip(&runs) {
        out.extend_from_slice(&(map.len() as u32).to_le_bytes());
        out.extend_from_slice(&(runs.len() as u32).to_le_bytes());
        for run in directory_of_runs(runs, map.len() as u32) {
            out.extend_from_slice(&run.to_le_bytes());
        }
        for (start, number) in runs {
            out.extend_from_slice(&start.to_le_bytes());
            out.extend_from_slice(&number.to_le_bytes());
        }
    }
    let keys: Vec<u64> = built.rows.iter().map(|r| r.key).collect();
    let bits = bits_for(keys.len());
    out.extend_from_slice(&bits.to_le_bytes());
    for start in directory(&keys, bits) {
        out.extend_from_slice(&start.to_le_bytes());
    }
    out
}

/// A map's runs of documents with the same number: the first document of each, and the
/// number.
fn runs(map: &[u32]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (doc, &number) in map.iter().enumerate() {
        if runs.last().is_none_or(|&(_, n)| n != number) {
            runs.push((doc as u32, number));
        }
    }
    runs
}

/// A row map's directory: for every [`DIR_DOCS`] of its `docs` documents, the run (of `runs`)
/// holding the first of them.
fn directory_of_runs(runs: &[(u32, u32)], docs: u32) -> Vec<u32> {
    let mut dir = Vec::with_capacity(dir_len(docs));
    let mut run = 0;
    for doc in (0..docs).step_by(DIR_DOCS as usize) {
        while run + 1 < runs.len() && runs[run + 1].0 <= doc {
            run += 1;
        }
        dir.push(run as u32);
    }
    dir
}

/// Where the rows of each of the `2^bits` buckets start in `keys` (sorted), then `keys.len()`.
fn directory(keys: &[u64], bits: u32) -> Vec<u32> {
    let mut starts = Vec::with_capacity((1 << bits) + 1);
    let mut next = 0;
    for b in 0..=(1usize << bits) {
        while next < keys.len() && bucket(keys[next], bits) < b {
            next += 1;
        }
        starts.push(next as u32);
    }
    starts
}

/// The table in `bytes` when it is whole, keyed by `key` and fits `searcher`'s segments (rows
/// sorted by key, addresses in their segments, outlet numbers known, each row within its
/// bucket's range of the directory).
fn decode(
    bytes: OwnedBytes,
    key: &str,
    searcher: &Searcher,
    columns: Vec<PassageColumns>,
) -> Option<ArticleTable> {
    let mut r = sidecar::after_header(&bytes, MAGIC, key)?;
    let outlets_n = r.word()? as usize;
    let mut outlets = Vec::new();
    for _ in 0..outlets_n {
        let n = r.word()? as usize;
        outlets.push(Arc::from(std::str::from_utf8(r.take(n)?).ok()?));
    }
    let tokens_n = r.word()? as usize;
    let mut tokens = Vec::new();
    for _ in 0..tokens_n {
        tokens.push((r.word()?, r.long()?));
    }
    let len = r.word()? as usize;
    if len >= NOT_PASSAGE as usize {
        return None;
    }
    let rows_at = r.at;
    r.take(len.checked_mul(ROW_BYTES)?)?;
    let records_len = r.word()? as usize;
    let records_at = r.at;
    r.take(records_len.checked_mul(8)?)?;
    let segments = searcher.segment_readers();
    if r.word()? as usize != segments.len() {
        return None;
    }
    let mut maps = Vec::with_capacity(segments.len());
    for s in segments {
        let docs = r.word()?;
        let runs = r.word()? as usize;
        if docs != s.max_doc() || runs > docs as usize {
            return None;
        }
        let at = MapAt {
            at: r.at,
            runs,
            docs,
        };
        r.take(at.len())?;
        maps.push(at);
    }
    let bits = r.word()?;
    if bits > MAX_BITS {
        return None;
    }
    let dir_at = r.at;
    let buckets = (1usize << bits) + 1;
    let dir = r.take(buckets * 4)?;
    if r.at != bytes.len() || word(dir, 0) != 0 || word(dir, dir.len() - 4) as usize != len {
        return None;
    }
    // The rows, the directory's other numbers and the maps' numbers are not read here: that
    // touched every page of the file in every process (0.7 ms at 37,500 articles, 1.7 ms at
    // 150,000). Each is checked when it is read (`ArticleTable::row`, `get`, `RowMap`), and
    // `morgue check` reads them all (`ArticleTable::damage`).
    Some(ArticleTable {
        records_at,
        records_len,
        rows_at,
        len,
        bits,
        dir_at,
        outlet_terms: outlets.iter().map(|o| keyword_term(o)).collect(),
        outlets,
        tokens,
        columns,
        maps,
        bytes,
    })
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
            records: 0,
            first_record: 0,
            first_passage: 0,
            passages: 0,
        });
    }

    fn harvest(self) -> Vec<SegmentRows> {
        vec![self.out]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row map of `docs` documents from its directory and runs, as the file keeps them.
    fn row_map(dir: &[u32], runs: &[(u32, u32)], docs: u32, rows: u32) -> RowMap {
        let mut bytes: Vec<u8> = dir.iter().flat_map(|d| d.to_le_bytes()).collect();
        for (start, number) in runs {
            bytes.extend_from_slice(&start.to_le_bytes());
            bytes.extend_from_slice(&number.to_le_bytes());
        }
        RowMap {
            bytes: OwnedBytes::new(bytes),
            runs_from: 4 * dir.len(),
            docs,
            rows,
            last: Cell::new(0),
        }
    }

    /// A row map over `map` (a number per document) kept as its runs, as the file keeps it.
    fn map_of(map: &[u32], rows: u32) -> RowMap {
        let runs = runs(map);
        let docs = map.len() as u32;
        row_map(&directory_of_runs(&runs, docs), &runs, docs, rows)
    }

    #[test]
    fn a_row_map_kept_as_runs_answers_as_a_number_per_document_in_any_order() {
        // Articles of 1 to 9 passages, each followed by its article and record documents, a
        // deleted article's documents (no row) and runs of one document.
        let rows = 40u32;
        let mut map = Vec::new();
        for row in 0..rows {
            let number = |d: u32| match row % 7 {
                3 => NO_ROW,
                _ => d,
            };
            map.extend(std::iter::repeat_n(number(row), 1 + (row as usize * 5) % 9));
            map.extend(std::iter::repeat_n(
                number(row | NOT_PASSAGE),
                1 + row as usize % 2,
            ));
        }
        let n = map.len() as DocId;
        // A damaged number: no row.
        map[5] = rows + 3;
        let after = |doc: DocId| -> DocId {
            let mut d = doc as usize + 1;
            while d < map.len() && map[d] == map[doc as usize] {
                d += 1;
            }
            d as DocId
        };
        let reference = |doc: DocId| {
            let number = map.get(doc as usize).copied();
            let get = number.map(|x| x & !NOT_PASSAGE).filter(|&r| r < rows);
            let passage = number.filter(|&r| r < rows);
            let end = if doc < n { after(doc) } else { doc + 1 };
            (get, passage, end)
        };
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let shuffled: Vec<DocId> = (0..3 * n + 8)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % (n as u64 + 4)) as DocId
            })
            .collect();
        let orders: [Vec<DocId>; 4] = [
            (0..n + 3).collect(),
            (0..n + 3).rev().collect(),
            (0..n + 3).step_by(7).collect(),
            shuffled,
        ];
        for order in orders {
            // One map read in that order throughout, as a collector reads it.
            let rm = map_of(&map, rows);
            for &doc in &order {
                let (passage, end) = rm.passage_run(doc);
                assert_eq!(rm.passage(doc), passage, "document {doc}");
                let got = (rm.get(doc), passage, end);
                assert_eq!(got, reference(doc), "document {doc}");
            }
        }
        assert!(
            map_of(&map, rows).parts().1.len() < map.len() / 3,
            "runs, not documents"
        );
        // An empty segment, and a damaged map whose runs are out of order: answers, no panic.
        let empty = map_of(&[], rows);
        assert_eq!((empty.get(0), empty.passage_run(0).1), (None, 1));
        let runs = [(0u32, 1u32), (9, 2), (4, 3), (2, 4)];
        for dir in [[0, 3], [3, 0], [u32::MAX, 7]] {
            let damaged = row_map(&dir, &runs, 40, rows);
            for doc in (0..44).chain((0..44).rev()) {
                let end = damaged.passage_run(doc).1;
                assert!(end > doc, "document {doc}: {end}");
                if doc >= 40 {
                    assert_eq!(damaged.get(doc), None, "document {doc}");
                }
            }
        }
        // A directory naming a later run than a document's: no row, not another's.
        let runs = [(0u32, 1u32), (10, 2), (20, 3), (30, 4), (40, 5)];
        let damaged = row_map(&[3, 4], &runs, 50, rows);
        assert_eq!((damaged.get(45), damaged.get(5)), (Some(5), None));
    }

    #[test]
    fn the_directory_puts_each_key_in_its_bucket_s_rows() {
        // Uniform keys, as article keys are, and the edges of the key space.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut keys: Vec<u64> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            })
            .chain([0, 1, u64::MAX - 1, u64::MAX])
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let bits = bits_for(keys.len());
        assert_eq!(bits, 12, "about one row per bucket");
        let dir = directory(&keys, bits);
        assert_eq!(dir.len(), (1 << bits) + 1);
        assert_eq!((dir[0], *dir.last().unwrap()), (0, keys.len() as u32));
        assert!(dir.windows(2).all(|w| w[0] <= w[1]));
        for (i, &k) in keys.iter().enumerate() {
            let b = bucket(k, bits);
            assert!(
                dir[b] as usize <= i && i < dir[b + 1] as usize,
                "key {k:#x}"
            );
        }
        let widest = dir.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(widest <= 12, "a bucket of {widest} rows");
        // No rows, one row: one bucket.
        assert_eq!(bits_for(0), 0);
        assert_eq!(directory(&[], 0), vec![0, 0]);
        assert_eq!(directory(&[42], bits_for(1)), vec![0, 1]);
        assert_eq!(bucket(u64::MAX, 0), 0);
        assert_eq!(bucket(u64::MAX, MAX_BITS), (1 << MAX_BITS) - 1);
    }

    #[test]
    fn a_row_knows_its_passages_run_when_they_are_one_and_says_so_when_not() {
        use crate::search::testing::{article, passage};
        use tantivy::indexer::UserOperation;
        use tantivy::TantivyDocument;
        let dir = tempfile::tempdir().unwrap();
        let mi = crate::index::open_or_create(dir.path()).unwrap();
        let f = mi.fields;
        // One indexing thread and no merges: a segment per commit.
        let mut w = mi
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 50_000_000)
            .unwrap();
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        // An article and its passages as one batch, as the ingest writes them.
        let batch = |key: u64, n: u64| {
            let mut ops = vec![UserOperation::Add(article(&f, key))];
            ops.extend((0..n).map(|p| UserOperation::Add(passage(&f, key, p, "harbor"))));
            ops
        };
        for (key, n) in [(1, 3), (2, 0), (3, 2), (4, 1)] {
            w.run(batch(key, n)).unwrap();
        }
        // 5: three passages, the middle one deleted: the live ones are not one run.
        let mut five = vec![UserOperation::Add(article(&f, 5))];
        for (p, word) in ["harbor", "zzgone", "harbor"].iter().enumerate() {
            five.push(UserOperation::Add(passage(&f, 5, p as u64, word)));
        }
        w.run(five).unwrap();
        // 6: one run of documents, but not in passage order.
        let mut six = vec![UserOperation::Add(article(&f, 6))];
        six.extend([1, 0, 2].map(|p| UserOperation::Add(passage(&f, 6, p, "harbor"))));
        w.run(six).unwrap();
        w.commit().unwrap();
        w.delete_term(Term::from_field_text(f.body, "zzgone"));
        // Article 3 indexed again in a second commit (its first documents deleted); a second
        // passage of article 4 in that commit's segment.
        w.delete_term(Term::from_field_u64(f.article_key, 3));
        w.run(batch(3, 2)).unwrap();
        w.add_document(passage(&f, 4, 1, "harbor")).unwrap();
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        assert_eq!(searcher.segment_readers().len(), 2);
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        let run = |key: u64| {
            let row = table.get(key).unwrap().unwrap();
            row.passage_docs().map(|r| (row.addr.segment_ord, r.len()))
        };
        let first = table.get(1).unwrap().unwrap();
        assert_eq!(run(1), Some((first.addr.segment_ord, 3)));
        assert_eq!(run(2).map(|r| r.1), Some(0));
        // The live passages of the second build only.
        let again = table.get(3).unwrap().unwrap();
        assert_ne!(again.addr.segment_ord, first.addr.segment_ord);
        assert_eq!(run(3), Some((again.addr.segment_ord, 2)));
        assert_eq!(run(4), None, "passages in two segments");
        assert_eq!(run(5), None, "a deleted passage between two live ones");
        assert_eq!(run(6), None, "passages out of order");
        assert_eq!(table.damage(), None);
        // A passage's number is its place in the run, or the column's when there is no run:
        // the same either way, for every live passage.
        let mut checked = 0;
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            let numbers = reader.fast_fields().u64(names::PASSAGE_NO).unwrap();
            let keys = reader.fast_fields().u64(names::ARTICLE_KEY).unwrap();
            for doc in 0..reader.max_doc() {
                let (Some(number), Some(key)) = (numbers.first(doc), keys.first(doc)) else {
                    continue;
                };
                if reader.alive_bitset().is_some_and(|a| a.is_deleted(doc)) {
                    continue;
                }
                let i = table.find(key).unwrap().unwrap();
                let addr = DocAddress::new(segment as u32, doc);
                assert_eq!(
                    table.number_of(i, addr).unwrap(),
                    Some(number),
                    "{key} {doc}"
                );
                let row = table.row(i).unwrap();
                assert_eq!(table.number_in(&row, addr).unwrap(), Some(number));
                checked += 1;
            }
        }
        assert_eq!(checked, 3 + 2 + 2 + 2 + 3);
        // The run holds the article's passages and nothing else.
        let map = table.row_map(first.addr.segment_ord).unwrap();
        let row_of_1 = map.get(first.addr.doc_id).unwrap();
        for doc in first.passage_docs().unwrap() {
            assert_eq!(map.passage(doc), Some(row_of_1));
        }
    }

    #[test]
    fn damage_is_found_where_it_is_read_and_by_the_check_which_builds_the_table_again() {
        use crate::search::testing::{article, passage};
        let (dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        for key in [7u64 << 60, 3 << 61, 5 << 60, 11] {
            w.add_document(article(&f, key)).unwrap();
            w.add_document(passage(&f, key, 0, "harbor")).unwrap();
        }
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        assert_eq!(table.damage(), None);
        assert!(check(&mi).is_empty());
        let path = dir.path().join(TABLE_FILE);
        let whole = std::fs::read(&path).unwrap();
        // The second row's article document moved to a segment the commit does not have.
        let mut damaged = whole.clone();
        let at = table.rows_at + ROW_BYTES + 8;
        damaged[at..at + 4].copy_from_slice(&9u32.to_le_bytes());
        drop(table);
        std::fs::write(&path, &damaged).unwrap();
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        assert!(table.row(0).is_ok());
        let e = table.row(1).unwrap_err().to_string();
        assert!(
            e.contains("articles.bin) is damaged: row 1 names a document or an outlet the commit does not have; `morgue check` builds it again"),
            "{e}"
        );
        let key = table.key_of(1);
        assert!(table.get(key).is_err());
        assert_eq!(
            table.damage().as_deref(),
            Some("row 1 names a document or an outlet the commit does not have")
        );
        drop(table);
        let problems = check(&mi);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, "cache");
        assert!(problems[0]
            .detail
            .ends_with("; the table has been built again"));
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        // Rows out of key order: the first two swapped.
        let mut damaged = whole.clone();
        let (first, second) =
            damaged[at - 8 - ROW_BYTES..at - 8 + ROW_BYTES].split_at_mut(ROW_BYTES);
        first.swap_with_slice(second);
        std::fs::write(&path, &damaged).unwrap();
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        assert!(table
            .damage()
            .is_some_and(|d| d.contains("out of key order")));
        drop(table);
        // A run of passages that starts on the article document, in bounds.
        let mut damaged = whole.clone();
        let row0 = at - 8 - ROW_BYTES;
        let doc0 = word(&damaged, row0 + 12);
        damaged[row0 + 44..row0 + 48].copy_from_slice(&doc0.to_le_bytes());
        damaged[row0 + 48..row0 + 52].copy_from_slice(&1u32.to_le_bytes());
        std::fs::write(&path, &damaged).unwrap();
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        assert_eq!(
            table.damage().as_deref(),
            Some("row 0's run of passages holds documents that are not its passages")
        );
        // The row map: its directory naming a run that does not hold the document, and its
        // runs out of order. A few documents: one directory entry.
        let map = table.maps[0];
        assert!(map.runs >= 3 && map.runs_from() == 4, "{map:?}");
        drop(table);
        let mut damaged = whole.clone();
        damaged[map.at..map.at + 4].copy_from_slice(&2u32.to_le_bytes());
        std::fs::write(&path, &damaged).unwrap();
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        assert_eq!(
            table.damage().as_deref(),
            Some("the row map of segment 0 finds document 0 in run 2, which does not hold it")
        );
        assert_eq!(
            table.row_map(0).unwrap().get(0),
            None,
            "no row, not another's"
        );
        drop(table);
        let mut damaged = whole.clone();
        let second_run = map.at + 4 + RUN_BYTES;
        damaged[second_run..second_run + 4].copy_from_slice(&(map.docs - 1).to_le_bytes());
        std::fs::write(&path, &damaged).unwrap();
        let table = ArticleTable::load(&mi, &searcher).unwrap();
        let third = word(&whole, second_run + RUN_BYTES);
        assert_eq!(
            table.damage(),
            Some(format!("the row map of segment 0 has a run starting at document {third}, out of order or past its {} documents", map.docs))
        );
    }
}
