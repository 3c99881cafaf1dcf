//! Reading articles back: the stored record of one article, as later commands need it.

use super::schema::{names, Fields, KIND_ARTICLE, KIND_PATH};
use crate::error::Result;
use crate::extract::ner::model::{put, take_varint};
use crate::model::{ArticleEntity, ArticleId, ArticleSummary, CharOffsets};
use chrono::NaiveDate;
use serde::Serialize;
use std::sync::{Arc, OnceLock};
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue, Value};
use tantivy::{DocAddress, Searcher, SegmentReader, TantivyDocument, Term};

/// A stored value with its provenance, as read back from the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// How it was found (`dateline`, `first_line`, `signature:…`, `option`, `metadata`…).
    pub source: String,
}

/// One passage's place in its article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassageRecord {
    /// 1-based passage number, as people cite (the index stores it 0-based): the one
    /// numbering `search`, `show`, `export` and every JSON output use.
    pub number: u32,
    /// Byte range in the article text.
    #[serde(skip)]
    pub bytes: std::ops::Range<usize>,
    /// Character offset where the passage starts in the article text.
    pub start: u64,
    /// Character offset where it ends.
    pub end: u64,
}

/// Everything stored about one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRecord {
    /// Article id.
    pub article_id: ArticleId,
    /// Title with provenance.
    pub title: Found<String>,
    /// Outlet with provenance, when known.
    pub outlet: Option<Found<String>>,
    /// Publication date with provenance, when known.
    pub date: Option<Found<NaiveDate>>,
    /// URL, when known.
    pub url: Option<String>,
    /// Every path the article was found at, in natural order (`dump:9` before `dump:10`).
    pub paths: Vec<String>,
    /// Encoding the (first) source was decoded from.
    pub encoding: String,
    /// Entities (canonical name, type, mention count, variants), most mentioned first.
    pub entities: Vec<ArticleEntity>,
    /// Number of words.
    pub words: u64,
    /// Every appearance of the text (one per path, with its own outlet, date, URL, title and
    /// metadata; see [`Appearance`]), by path.
    pub appearances: Vec<Appearance>,
    /// Record metadata (see `model::Meta`); in JSON an object of lists by key.
    #[serde(serialize_with = "super::meta::serialize_meta")]
    pub meta: crate::model::Meta,
    /// The normalized text (boilerplate removed).
    #[serde(skip)]
    pub text: String,
    /// Each passage's byte range in `text`, by passage number (0-based), as stored on the
    /// article document (see [`encode_bounds`]); [`ArticleRecord::passages`] gives the records.
    #[serde(skip)]
    pub bounds: Vec<std::ops::Range<usize>>,
    /// Site furniture in `text`: sorted byte ranges (see `normalize::furniture`).
    #[serde(skip)]
    pub furniture: Vec<std::ops::Range<usize>>,
    /// Site furniture as character offsets in the text, for JSON.
    #[serde(rename = "furniture")]
    pub furniture_spans: Vec<CharSpan>,
}

/// A span of an article's text in character offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CharSpan {
    /// Character offset where the span starts.
    pub start: u64,
    /// Character offset where it ends (exclusive).
    pub end: u64,
}

impl ArticleRecord {
    /// The article's summary: its values without their provenance.
    pub fn summary(&self) -> ArticleSummary {
        ArticleSummary {
            article_id: self.article_id,
            title: self.title.value.clone(),
            outlet: self.outlet.as_ref().map(|o| o.value.clone()),
            date: self.date.as_ref().map(|d| d.value),
            url: self.url.clone(),
            paths: self.paths.clone(),
        }
    }

    /// The text of a passage span, or "" when the span does not fit the text.
    pub fn slice(&self, bytes: &std::ops::Range<usize>) -> &str {
        self.text.get(bytes.clone()).unwrap_or("")
    }

    /// The text of a passage span without its site furniture.
    pub fn clean_slice(&self, bytes: &std::ops::Range<usize>) -> String {
        if self.furniture.is_empty() || self.text.get(bytes.clone()).is_none() {
            return self.slice(bytes).to_string();
        }
        crate::normalize::furniture::without(&self.text, bytes.clone(), &self.furniture)
    }
}

fn term(field: Field, v: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, v),
        IndexRecordOption::Basic,
    ))
}

/// Addresses of an article's documents of one kind, in index order.
pub fn doc_addresses(
    searcher: &Searcher,
    fields: &Fields,
    kind: &str,
    article_id: ArticleId,
) -> Result<Vec<DocAddress>> {
    let q = BooleanQuery::new(vec![
        (Occur::Must, term(fields.kind, kind)),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(fields.article_key, article_id.key()),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let mut v: Vec<DocAddress> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
    v.sort();
    Ok(v)
}

/// The entities of the article document at `addr`, as the article had them (most mentioned
/// first, each with its forms in order), read back from its `entity_fact` and `entity_fact_n`
/// columns (see [`entity_facts`]): the index keeps them there only. A name the columns could
/// not hold (over [`MAX_FACT_BYTES`]) is left out.
pub fn entities_at(searcher: &Searcher, addr: DocAddress) -> Result<Vec<ArticleEntity>> {
    let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
    let Some(values) = fast.str(names::ENTITY_FACT)? else {
        return Ok(Vec::new());
    };
    let counts = fast.u64(names::ENTITY_FACT_N)?;
    let ords: Vec<u64> = values.term_ords(addr.doc_id).collect();
    // The values, read in one pass over the dictionary: looked up one by one, each would
    // decode a block of it.
    let mut sorted = ords.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let mut texts: Vec<String> = Vec::with_capacity(sorted.len());
    values
        .dictionary()
        .sorted_ords_to_term_cb(&sorted, |b| {
            texts.push(String::from_utf8_lossy(b).into_owned())
        })
        .map_err(tantivy::TantivyError::from)?;
    let mut out: Vec<ArticleEntity> = Vec::new();
    for (ord, n) in ords.iter().zip(counts.values_for_doc(addr.doc_id)) {
        let at = sorted.binary_search(ord).ok();
        let Some(text) = at.and_then(|i| texts.get(i)) else {
            continue;
        };
        let Some(fact) = parse_entity_fact(text) else {
            continue;
        };
        let count = unpack_fact_count(n).1;
        match fact.form {
            None => out.push(ArticleEntity {
                name: fact.name.to_string(),
                kind: fact.kind.to_string(),
                count,
                variants: Vec::new(),
                variant_counts: Vec::new(),
            }),
            Some(form) => {
                let entity = out.last_mut();
                if let Some(e) =
                    entity.filter(|e| (e.kind.as_str(), e.name.as_str()) == (fact.kind, fact.name))
                {
                    e.variants.push(form.to_string());
                    e.variant_counts.push(count);
                }
            }
        }
    }
    Ok(out)
}

/// The terms of the `entity` field for an article's entities (see [`super::Fields::entity`]):
/// every name and form key (for wildcard searches), a name term per entity
/// ([`entity_name_term`]) and a form term per form it used other than its name
/// ([`entity_form_term`]). Keys are [`canonical_key`](crate::extract::aliases::canonical_key)s.
pub fn entity_terms(entities: &[ArticleEntity]) -> Vec<String> {
    use crate::extract::aliases::canonical_key;
    let mut out: Vec<String> = Vec::new();
    let push = |t: String, out: &mut Vec<String>| {
        if !out.contains(&t) {
            out.push(t);
        }
    };
    for e in entities {
        let name = canonical_key(&e.name);
        if name.is_empty() {
            continue;
        }
        push(name.clone(), &mut out);
        push(entity_name_term(&name, &e.kind), &mut out);
        for v in &e.variants {
            let form = canonical_key(v);
            if !form.is_empty() && form != name {
                push(form.clone(), &mut out);
                push(entity_form_term(&form, &e.kind, &name), &mut out);
            }
        }
    }
    out
}

/// Separates the parts of an `entity_fact` value (never in a name: it is removed on writing).
pub const FACT_SEP: char = '\u{1f}';

/// One value of the `entity_fact` column, parsed (see [`entity_facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityFact<'a> {
    /// `person`, `org`, `location` or `misc`.
    pub kind: &'a str,
    /// The entity's name as the article gave it.
    pub name: &'a str,
    /// For a form: the form as written.
    pub form: Option<&'a str>,
}

/// Largest position of a form recorded in the `entity_fact_n` column (later forms share it).
const MAX_POSITION: u32 = 0xff;
/// Longest `entity_fact` value written, in bytes: tantivy drops longer tokens, which would
/// leave a value's number without it. A longer name is not a name.
pub const MAX_FACT_BYTES: usize = 4096;

/// The `entity_fact` and `entity_fact_n` columns' values of an article. Per entity the value
/// `kind␟name`, per form `kind␟name␟form` (␟ is [`FACT_SEP`]): values without counts are shared
/// by every article naming the entity, so the column's dictionary grows with the archive's
/// vocabulary of names, not with its articles. The mentions (and a form's position among the
/// entity's forms) go to the parallel number column, in the same order (see
/// [`pack_fact_count`]): tantivy keeps a document's values of a multi-valued column in the order
/// they were added, through merges too (`lookup::entity_columns` tests it).
pub fn entity_facts(entities: &[ArticleEntity]) -> Vec<(String, u64)> {
    let clean = |s: &str| s.replace(FACT_SEP, " ");
    let mut out = Vec::new();
    for e in entities {
        let (kind, name) = (clean(&e.kind), clean(&e.name));
        let value = format!("{kind}{FACT_SEP}{name}");
        if value.len() > MAX_FACT_BYTES {
            continue;
        }
        out.push((value.clone(), pack_fact_count(0, e.count)));
        for (i, v) in e.variants.iter().enumerate() {
            let n = e.variant_counts.get(i).copied().unwrap_or(0);
            let form = format!("{value}{FACT_SEP}{}", clean(v));
            if form.len() <= MAX_FACT_BYTES {
                out.push((form, pack_fact_count(i as u32, n)));
            }
        }
    }
    out
}

/// Adds an article's [`entity_facts`] to its document, each value with its number: readers
/// pair them by position, so they are only ever written together here.
pub fn add_entity_facts(doc: &mut TantivyDocument, fields: &Fields, entities: &[ArticleEntity]) {
    for (value, n) in entity_facts(entities) {
        doc.add_text(fields.entity_fact, value);
        doc.add_u64(fields.entity_fact_n, n);
    }
}

/// An index in RAM with one document per article of `articles`, holding its key (its number)
/// and its entity columns: written one segment per article, then merged in that order (so
/// document `i` is article `i`), since the columns must keep their order through a merge.
#[cfg(test)]
pub(crate) fn entities_index(articles: &[Vec<ArticleEntity>]) -> tantivy::Searcher {
    let index = tantivy::Index::create_in_ram(super::schema::build());
    super::analyzers::register(&index);
    let f = Fields::from_schema(&index.schema()).unwrap();
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    // Merged once, below, in the order written: none on the way.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    for (i, entities) in articles.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.article_key, i as u64);
        add_entity_facts(&mut doc, &f, entities);
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
    }
    let before = index.reader().unwrap().searcher();
    let mut segments: Vec<(u64, tantivy::index::SegmentId)> = before
        .segment_readers()
        .iter()
        .map(|r| {
            let key = r.fast_fields().u64(names::ARTICLE_KEY).unwrap();
            (key.first(0).unwrap(), r.segment_id())
        })
        .collect();
    segments.sort_unstable();
    let ids: Vec<tantivy::index::SegmentId> = segments.into_iter().map(|(_, id)| id).collect();
    assert!(ids.len() > 1, "several segments to merge");
    writer.merge(&ids).wait().unwrap();
    writer.wait_merging_threads().unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.segment_readers().len(), 1);
    let keys = searcher
        .segment_reader(0)
        .fast_fields()
        .u64(names::ARTICLE_KEY)
        .unwrap();
    for i in 0..articles.len() {
        assert_eq!(
            keys.first(i as u32),
            Some(i as u64),
            "merged in the order written"
        );
    }
    searcher
}

/// An `entity_fact_n` number: the mentions, and below them in the low byte the form's position
/// (0 for an entity; at most 255). Small counts make small numbers, which the column packs in
/// few bits.
pub fn pack_fact_count(position: u32, count: u32) -> u64 {
    (u64::from(count) << 8) | u64::from(position.min(MAX_POSITION))
}

/// Splits an `entity_fact_n` number into (position, mentions).
pub fn unpack_fact_count(n: u64) -> (u32, u32) {
    (
        (n as u32) & MAX_POSITION,
        (n >> 8).min(u64::from(u32::MAX)) as u32,
    )
}

/// Parses a value written by [`entity_facts`]; `None` when malformed.
pub fn parse_entity_fact(value: &str) -> Option<EntityFact<'_>> {
    let mut parts = value.split(FACT_SEP);
    let (kind, name) = (parts.next()?, parts.next()?);
    let form = parts.next();
    if parts.next().is_some() {
        return None;
    }
    Some(EntityFact { kind, name, form })
}

/// Marks a name term of the `entity` field.
pub const NAME_TERM: char = '=';
/// Marks a form term of the `entity` field.
pub const FORM_TERM: char = '~';

/// The term saying an article has an entity named `name` (a key) of type `kind`: `=name|kind`.
pub fn entity_name_term(name: &str, kind: &str) -> String {
    format!("{NAME_TERM}{name}|{kind}")
}

/// The term saying an article's entity `name` of type `kind` was also written `form` (a short
/// form resolved to it in the article, or an alias): `~form|kind|name`.
pub fn entity_form_term(form: &str, kind: &str, name: &str) -> String {
    format!("{FORM_TERM}{form}|{kind}|{name}")
}

/// Splits a form term into (form, kind, name).
pub fn parse_entity_form_term(term: &str) -> Option<(&str, &str, &str)> {
    let rest = term.strip_prefix(FORM_TERM)?;
    let mut parts = rest.splitn(3, '|');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

/// The first stored string of a field.
pub fn stored_str(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The stored article id of a document; `None` when absent or malformed.
pub fn stored_id(doc: &TantivyDocument, fields: &Fields) -> Option<ArticleId> {
    doc.get_first(fields.article_id)?.as_str()?.parse().ok()
}

/// The first stored u64 of a field (0 when absent).
pub fn stored_u64(doc: &TantivyDocument, field: Field) -> u64 {
    doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0)
}

/// A segment's passage columns, each opened when first read: opening a column decodes its
/// block headers, a cost that grows with the segment, so a search that needs none opens none,
/// and a reader of many passages opens each once (clones share what was opened).
#[derive(Clone)]
pub struct PassageColumns {
    fast: tantivy::fastfield::FastFieldReaders,
    keys: Arc<OnceLock<Column<u64>>>,
    numbers: Arc<OnceLock<Column<u64>>>,
}

impl PassageColumns {
    /// `reader`'s passage columns, none opened yet.
    pub fn open(reader: &SegmentReader) -> PassageColumns {
        PassageColumns {
            fast: reader.fast_fields().clone(),
            keys: Arc::default(),
            numbers: Arc::default(),
        }
    }

    /// Article key of each document.
    pub fn keys(&self) -> tantivy::Result<&Column<u64>> {
        opened(&self.keys, &self.fast, names::ARTICLE_KEY)
    }

    /// Passage number (0-based) of each passage document.
    pub fn numbers(&self) -> tantivy::Result<&Column<u64>> {
        opened(&self.numbers, &self.fast, names::PASSAGE_NO)
    }
}

/// The column `name` of `fast`, opened into `cell` unless it was.
fn opened<'a>(
    cell: &'a OnceLock<Column<u64>>,
    fast: &tantivy::fastfield::FastFieldReaders,
    name: &str,
) -> tantivy::Result<&'a Column<u64>> {
    if let Some(c) = cell.get() {
        return Ok(c);
    }
    let c = fast.u64(name)?;
    Ok(cell.get_or_init(|| c))
}

/// The stored form of an article's passage spans (`passage_bounds`): for each passage in
/// order, the bytes from the end of the one before (from 0 for the first) to its start, then
/// its length, each as a LEB128 varint. Spans must be in order and not overlap.
pub fn encode_bounds(spans: impl IntoIterator<Item = std::ops::Range<usize>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut end = 0;
    for span in spans {
        put(&mut out, span.start.saturating_sub(end) as u64);
        put(&mut out, span.end.saturating_sub(span.start) as u64);
        end = span.end;
    }
    out
}

/// The passage spans of [`encode_bounds`]; `None` when `bytes` is not such a list of spans
/// within `text` that start and end on its character boundaries (a damaged stored field).
pub fn decode_bounds(bytes: &[u8], text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let (mut spans, mut pos, mut end) = (Vec::new(), 0, 0usize);
    while pos < bytes.len() {
        let mut next = || usize::try_from(take_varint(bytes, &mut pos)?).ok();
        let start = end.checked_add(next()?)?;
        end = start.checked_add(next()?)?;
        // Past the text is no boundary either.
        if !(text.is_char_boundary(start) && text.is_char_boundary(end)) {
            return None;
        }
        spans.push(start..end);
    }
    Some(spans)
}

impl ArticleRecord {
    /// The passage numbered `number` (0-based, as the index numbers them), from the spans
    /// stored on the article document; an error when the article has no such passage (the
    /// passage documents and the article document disagree: a damaged index).
    pub fn passage(&self, number: u64) -> Result<PassageRecord> {
        let Some(bytes) = usize::try_from(number)
            .ok()
            .and_then(|n| self.bounds.get(n))
            .cloned()
        else {
            return Err(damaged_spans(self.article_id));
        };
        let mut chars = CharOffsets::new(&self.text);
        Ok(PassageRecord {
            number: number as u32 + 1,
            start: chars.at(bytes.start) as u64,
            end: chars.at(bytes.end) as u64,
            bytes,
        })
    }

    /// Every passage, in order: [`ArticleRecord::passage`] of each, with the character offsets
    /// counted in one walk along the text (the spans are in order, on character boundaries:
    /// [`decode_bounds`]) instead of from its start for each passage.
    pub fn passages(&self) -> Vec<PassageRecord> {
        let mut chars = CharOffsets::new(&self.text);
        let mut out = Vec::with_capacity(self.bounds.len());
        for (n, bytes) in self.bounds.iter().enumerate() {
            let start = chars.at(bytes.start) as u64;
            let end = chars.at(bytes.end) as u64;
            out.push(PassageRecord {
                number: n as u32 + 1,
                start,
                end,
                bytes: bytes.clone(),
            });
        }
        out
    }
}

fn damaged_spans(id: ArticleId) -> crate::Error {
    crate::Error::Index(tantivy::TantivyError::InternalError(format!(
        "the passage spans stored for article {id} do not match its passages: the index is \
         damaged; ingest the article's source again"
    )))
}

/// Loads an article by id with the `parts` asked for; `None` when the index has no such
/// article.
pub fn load_article(
    searcher: &Searcher,
    fields: &Fields,
    article_id: ArticleId,
    parts: Parts,
) -> Result<Option<ArticleRecord>> {
    let Some(addr) = doc_addresses(searcher, fields, KIND_ARTICLE, article_id)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    load_article_at(searcher, fields, article_id, addr, None, parts).map(Some)
}

/// What [`load_article_at`] loads besides the article document's stored fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// The entities (read from the entity columns, [`entities_at`]; a search hit shows none).
    pub entities: bool,
    /// The appearances of the text's records (each record's own fields, stored as JSON on its
    /// path document). Without them the records give their paths only and
    /// [`ArticleRecord::appearances`] is empty: a search hit shows a text's paths, and reads
    /// its appearances only when it has several (to show the earliest).
    pub appearances: bool,
}

impl Parts {
    /// The stored fields only.
    pub const STORED: Parts = Parts {
        entities: false,
        appearances: true,
    };
    /// Everything: what `show` prints.
    pub const ALL: Parts = Parts {
        entities: true,
        appearances: true,
    };
}

/// Loads the article `article_id` whose article document is at `addr` (known from the article
/// table: no query for it), as [`load_article`]; `records` are its path documents as stored
/// when given (see [`stored_docs`]; else they are looked up).
pub fn load_article_at(
    searcher: &Searcher,
    fields: &Fields,
    article_id: ArticleId,
    addr: DocAddress,
    records: Option<&[TantivyDocument]>,
    parts: Parts,
) -> Result<ArticleRecord> {
    let f = fields;
    let mut doc: Stored = searcher.doc(addr)?;
    let source = |doc: &mut Stored, field: Field| doc.take_str(field).unwrap_or_default();
    let title = Found {
        value: doc.take_str(f.title_text).unwrap_or_default(),
        source: source(&mut doc, f.title_source),
    };
    let outlet = doc.take_str(f.outlet).map(|value| Found {
        value,
        source: source(&mut doc, f.outlet_source),
    });
    let date = match doc.first(f.date) {
        Some(OwnedValue::Date(d)) => chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0),
        _ => None,
    }
    .map(|d| Found {
        value: d.date_naive(),
        source: source(&mut doc, f.date_source),
    });
    let mut appearances = match (records, parts.appearances) {
        (Some(records), read) => appearances_of(f, records, read),
        (None, _) => article_appearances(searcher, f, article_id)?,
    };
    let paths = appearances.iter().map(|a| a.path.clone()).collect();
    if !parts.appearances {
        appearances.clear();
    }
    let mut record = ArticleRecord {
        article_id,
        title,
        outlet,
        date,
        url: doc.take_str(f.url),
        paths,
        encoding: source(&mut doc, f.encoding),
        entities: match parts.entities {
            true => entities_at(searcher, addr)?,
            false => Vec::new(),
        },
        words: match doc.first(f.words) {
            Some(OwnedValue::U64(n)) => *n,
            _ => 0,
        },
        appearances,
        meta: doc
            .strs(f.meta)
            .filter_map(super::meta::split_meta_term)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        text: doc.take_str(f.text).unwrap_or_default(),
        bounds: Vec::new(),
        furniture: Vec::new(),
        furniture_spans: Vec::new(),
    };
    if let Some(s) = doc.take_str(f.furniture) {
        record.furniture = crate::normalize::furniture::decode_ranges(&s, &record.text);
        let mut chars = CharOffsets::new(&record.text);
        record.furniture_spans = record
            .furniture
            .iter()
            .map(|r| CharSpan {
                start: chars.at(r.start) as u64,
                end: chars.at(r.end) as u64,
            })
            .collect();
    }
    if let Some(OwnedValue::Bytes(b)) = doc.first(f.passage_bounds) {
        record.bounds = decode_bounds(b, &record.text).ok_or_else(|| damaged_spans(article_id))?;
    }
    Ok(record)
}

/// A document's stored values as read, each moved out when taken: [`load_article_at`] (a
/// search hit, `show`, `export`) reads the article document this way instead of as a
/// [`TantivyDocument`], which packs every value into one buffer that each read then copies out
/// again (the text twice).
struct Stored(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for Stored {
    fn deserialize<'de, D>(mut deserializer: D) -> std::result::Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(value) = deserializer.next_field::<OwnedValue>()? {
            values.push(value);
        }
        Ok(Stored(values))
    }
}

impl Stored {
    /// The first value of `field`.
    fn first(&self, field: Field) -> Option<&OwnedValue> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, v)| v)
    }

    /// The first value of `field` when it is a string, moved out: a second take of it gives
    /// none, as does a field without one or whose first value is not a string.
    fn take_str(&mut self, field: Field) -> Option<String> {
        let (_, value) = self.0.iter_mut().find(|(f, _)| *f == field)?;
        match std::mem::replace(value, OwnedValue::Null) {
            OwnedValue::Str(s) => Some(s),
            other => {
                *value = other;
                None
            }
        }
    }

    /// Every string value of `field`, in stored order.
    fn strs(&self, field: Field) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(move |(f, v)| match v {
            OwnedValue::Str(s) if *f == field => Some(s.as_str()),
            _ => None,
        })
    }
}

/// One appearance of an article's text: a record or page it was read from, with that record's
/// own metadata (the same wire story run by two outlets has two appearances, each with its
/// outlet, date and URL). Stored as JSON on the path document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Appearance {
    /// Where it was read (`file`, `file:LINE`).
    #[serde(default)]
    pub path: String,
    /// The outlet of this appearance, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Where the outlet was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet_source: Option<String>,
    /// Publication date of this appearance, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Where the date was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<String>,
    /// URL of this appearance, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Title of this appearance.
    #[serde(default)]
    pub title: String,
    /// Metadata of this appearance's record; in JSON an object of lists by key.
    #[serde(
        default,
        serialize_with = "super::meta::serialize_meta",
        deserialize_with = "super::meta::deserialize_meta"
    )]
    pub meta: crate::model::Meta,
}

impl Appearance {
    /// This appearance as a summary of the article `article_id`: its own title, outlet, date
    /// and URL, its path (none when it has no path).
    pub fn summary(&self, article_id: ArticleId) -> ArticleSummary {
        ArticleSummary {
            article_id,
            title: self.title.clone(),
            outlet: self.outlet.clone(),
            date: self.date,
            url: self.url.clone(),
            paths: match self.path.is_empty() {
                true => Vec::new(),
                false => vec![self.path.clone()],
            },
        }
    }

    /// The appearance an article was built from.
    pub fn of(a: &crate::model::Article) -> Appearance {
        Appearance {
            path: a.path.clone(),
            outlet: a.outlet.as_ref().map(|o| o.value.clone()),
            outlet_source: a.outlet.as_ref().map(|o| o.source.clone()),
            date: a.date.as_ref().map(|d| d.value),
            date_source: a.date.as_ref().map(|d| d.source.clone()),
            url: a.url.clone(),
            title: a.title.value.clone(),
            meta: a.meta.clone(),
        }
    }
}

/// Every appearance of an article (see [`Appearance`]), in the natural order of their paths
/// (`dump:9` before `dump:10`); a path document written before appearances were kept gives its
/// path only.
pub fn article_appearances(
    searcher: &Searcher,
    fields: &Fields,
    article_id: ArticleId,
) -> Result<Vec<Appearance>> {
    let records = doc_addresses(searcher, fields, KIND_PATH, article_id)?;
    appearances_at(searcher, fields, &records)
}

/// [`article_appearances`] of a text whose path documents are at `records` (known from the
/// article table: no query for them).
pub fn appearances_at(
    searcher: &Searcher,
    fields: &Fields,
    records: &[DocAddress],
) -> Result<Vec<Appearance>> {
    Ok(appearances_of(
        fields,
        &stored_docs(searcher, records)?,
        true,
    ))
}

/// The stored documents at `addrs`, in their order.
pub fn stored_docs(searcher: &Searcher, addrs: &[DocAddress]) -> Result<Vec<TantivyDocument>> {
    Ok(addrs
        .iter()
        .map(|&a| searcher.doc(a))
        .collect::<tantivy::Result<_>>()?)
}

/// The appearances that the path documents `records` (as stored) hold, in the order of
/// [`article_appearances`]; their paths only unless `read` (their JSON is not parsed).
fn appearances_of(fields: &Fields, records: &[TantivyDocument], read: bool) -> Vec<Appearance> {
    let mut out: Vec<Appearance> = Vec::with_capacity(records.len());
    for p in records {
        let Some(path) = stored_str(p, fields.path) else {
            continue;
        };
        let mut appearance: Appearance = match read {
            true => stored_str(p, fields.appearance)
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default(),
            false => Appearance::default(),
        };
        appearance.path = path;
        out.push(appearance);
    }
    sort_appearances(&mut out);
    out
}

/// Puts a text's appearances in the order [`article_appearances`] gives (natural order of
/// their paths), one per path: also for appearances gathered from several shards.
pub fn sort_appearances(out: &mut Vec<Appearance>) {
    out.sort_by(|a, b| crate::read::skips::natural_cmp(&a.path, &b.path));
    out.dedup_by(|a, b| a.path == b.path);
}

/// Addresses of the article documents of one copy cluster, in index order.
pub fn cluster_members(
    searcher: &Searcher,
    fields: &Fields,
    cluster: u64,
) -> Result<Vec<DocAddress>> {
    let q = TermQuery::new(
        Term::from_field_u64(fields.cluster, cluster),
        IndexRecordOption::Basic,
    );
    let mut v: Vec<DocAddress> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
    v.sort();
    Ok(v)
}

/// The article id meant by `what`: an id present in the index, or a path the article was
/// ingested from (as given, or as an existing file's path compared after canonicalization).
pub fn resolve_article(
    searcher: &Searcher,
    fields: &Fields,
    what: &str,
) -> Result<Option<ArticleId>> {
    if let Ok(id) = what.trim().parse::<ArticleId>() {
        if !doc_addresses(searcher, fields, KIND_ARTICLE, id)?.is_empty() {
            return Ok(Some(id));
        }
    }
    let mut candidates = vec![what.to_string()];
    if let Ok(canon) = std::fs::canonicalize(crate::read::label_path(what)) {
        candidates.push(crate::read::path_label(&canon));
    }
    for path in candidates {
        let q = BooleanQuery::new(vec![
            (Occur::Must, term(fields.kind, KIND_PATH)),
            (Occur::Must, term(fields.path, &path)),
        ]);
        if let Some(addr) = searcher.search(&q, &DocSetCollector)?.into_iter().next() {
            let doc: TantivyDocument = searcher.doc(addr)?;
            return Ok(stored_id(&doc, fields));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::ArticleEntity;

    #[test]
    fn stored_values_are_read_as_a_document_gives_them_and_moved_out_once() {
        let index = tantivy::Index::create_in_ram(super::super::schema::build());
        super::super::analyzers::register(&index);
        let f = Fields::from_schema(&index.schema()).unwrap();
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(f.title_text, "Ferry fares rise");
        doc.add_text(f.meta, "topic=harbor");
        doc.add_text(f.meta, "topic=budget");
        doc.add_u64(f.words, 42);
        doc.add_text(f.url, "https://example.org/first");
        doc.add_text(f.url, "https://example.org/second");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let addr = DocAddress::new(0, 0);
        let packed: TantivyDocument = searcher.doc(addr).unwrap();
        let mut stored: Stored = searcher.doc(addr).unwrap();
        // The first value, as the packed document's first.
        assert_eq!(stored.take_str(f.url), stored_str(&packed, f.url));
        assert_eq!(stored.take_str(f.url), None, "taken once");
        assert_eq!(
            stored.take_str(f.title_text).as_deref(),
            Some("Ferry fares rise")
        );
        // Not a string: none, and the value stays.
        assert_eq!(stored.take_str(f.words), None);
        assert!(matches!(stored.first(f.words), Some(OwnedValue::U64(42))));
        assert_eq!(stored.take_str(f.outlet), None);
        let meta: Vec<&str> = stored.strs(f.meta).collect();
        let packed_meta: Vec<&str> = packed.get_all(f.meta).filter_map(|v| v.as_str()).collect();
        assert_eq!(meta, packed_meta);
        assert_eq!(meta, ["topic=harbor", "topic=budget"]);
    }

    #[test]
    fn passage_spans_read_back_as_stored_and_damaged_ones_are_refused() {
        // A gap before the first passage, furniture between two, multi-byte letters, a passage
        // longer than a LEB128 byte holds.
        let text = format!(
            "Menu\n{}\n\nRelated\n\nÉté à Zürich — fin.",
            "x".repeat(300)
        );
        let spans = vec![5..305, 315..text.len()];
        let stored = encode_bounds(spans.clone());
        assert_eq!(stored, vec![5, 0xac, 0x02, 10, (text.len() - 315) as u8]);
        assert_eq!(decode_bounds(&stored, &text), Some(spans.clone()));
        assert_eq!(decode_bounds(&encode_bounds(vec![]), &text), Some(vec![]));
        // The passage by number, with character offsets counted in the text.
        let record = ArticleRecord {
            article_id: ArticleId(7),
            title: Found {
                value: String::new(),
                source: String::new(),
            },
            outlet: None,
            date: None,
            url: None,
            paths: Vec::new(),
            encoding: String::new(),
            entities: Vec::new(),
            words: 0,
            appearances: Vec::new(),
            meta: Default::default(),
            text: text.clone(),
            bounds: spans,
            furniture: Vec::new(),
            furniture_spans: Vec::new(),
        };
        let second = record.passage(1).unwrap();
        assert_eq!((second.number, second.bytes.clone()), (2, 315..text.len()));
        assert_eq!(
            (second.start, second.end),
            (315, text.chars().count() as u64)
        );
        assert!(record.passage(2).is_err(), "no third passage");
        // All of them at once: the same records, offsets counted along the text.
        let each: Vec<PassageRecord> = (0..2).map(|n| record.passage(n).unwrap()).collect();
        assert_eq!(record.passages(), each);
        // Cut short, past the text, inside a letter, longer than 64 bits: refused.
        assert_eq!(decode_bounds(&stored[..2], &text), None);
        assert_eq!(
            decode_bounds(&encode_bounds(std::iter::once(0..text.len() + 1)), &text),
            None
        );
        let inside = text.find('É').unwrap() + 1;
        assert_eq!(
            decode_bounds(&encode_bounds(std::iter::once(0..inside)), &text),
            None
        );
        assert_eq!(decode_bounds(&[0xff; 11], &text), None);
        assert_eq!(
            decode_bounds(
                &[0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                &text
            ),
            None
        );
    }

    #[test]
    fn entities_read_back_from_the_columns_as_the_article_had_them() {
        let long = "y".repeat(MAX_FACT_BYTES);
        let articles = [
            vec![
                // Not in alphabetical order: the article's order is kept.
                ArticleEntity::with_forms(
                    "Nancy Pelosi",
                    "person",
                    9,
                    &[("Pelosi", 6), ("Nancy Pelosi", 3)],
                ),
                ArticleEntity::with_forms("Congress", "org", 4, &[]),
                ArticleEntity::with_forms(&long, "person", 3, &[("y", 3)]),
                ArticleEntity::with_forms(
                    "Abe",
                    "person",
                    2,
                    &[("Abe", 1), (long.as_str(), 1), ("Mr Abe", 1)],
                ),
            ],
            vec![],
            vec![ArticleEntity::with_forms(
                "Zurich",
                "location",
                300,
                &[("Zürich", 200), ("Zurich", 100)],
            )],
        ];
        let searcher = entities_index(&articles);
        for (i, article) in articles.iter().enumerate() {
            let mut want = article.clone();
            // The name too long for the column is left out, and so is the long form.
            want.retain(|e| e.name != long);
            for e in &mut want {
                if let Some(at) = e.variants.iter().position(|v| *v == long) {
                    e.variants.remove(at);
                    e.variant_counts.remove(at);
                }
            }
            let got = entities_at(&searcher, DocAddress::new(0, i as u32)).unwrap();
            assert_eq!(got, want, "article {i}");
        }
    }
}
