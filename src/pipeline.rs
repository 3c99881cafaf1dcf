//! The ingest pipeline: read → normalize → extract → split passages → index.
//!
//! The only module that calls several stages. [`build_article`] turns one raw text into an
//! [`Article`]; [`ingest`] streams the sources: workers (rayon, all cores) read, decompress and
//! decode sources and build articles in chunks, one bounded channel carries them to the single
//! index writer, which takes each source's chunks in the order they were read and commits in
//! batches; the ledger records each source after the commit
//! that covers it, so a re-run skips unchanged sources and an interrupted ingest completes.
//! Problems with one source or record are recorded in the report and never stop the run.

use crate::error::{Error, Result};
use crate::extract::aliases::{self, AliasTable};
use crate::extract::{date, entities, outlet, title};
use crate::index::ledger::{Ledger, LedgerEntry};
use crate::index::{self, ArticleWriter};
use crate::model::{Article, ArticleId, Sourced};
use crate::normalize;
use crate::normalize::furniture::{outlet_key, Learned};
use crate::passages;
use crate::read::skips::{SkipCount, SkipLog};
use crate::read::{self, path_label, RawArticle, ReadOptions, Skip};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most entity names kept per article.
pub const MAX_ENTITIES: usize = 64;
/// Records read together, built by one worker and sent to the writer as one message…
const CHUNK: usize = 16;
/// …or fewer, once their texts hold this many bytes: with [`CHANNEL`], bounds the text waiting
/// for the writer (about 16 × (4 MB + one record)) whatever the records' sizes.
const CHUNK_BYTES: usize = 4 << 20;
/// Messages (chunks) waiting for the writer, at most: bounds memory whatever the archive size.
const CHANNEL: usize = 16;

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Outlet to record for every article (provenance `option`), overriding signatures.
    pub outlet: Option<String>,
    /// Articles per commit.
    pub batch: usize,
    /// Read every source with this format (`--format`), instead of choosing by extension.
    pub format: Option<String>,
    /// Explicit field names for JSON and CSV records.
    pub fields: read::FieldMap,
    /// Read sources again even when the ledger says they are unchanged.
    pub force: bool,
    /// Progress bar to advance (bytes read; files and articles in its message); hidden by
    /// default.
    pub progress: indicatif::ProgressBar,
    /// Alias table file; by default the index folder's `aliases.tsv` (written from the built-in
    /// table when missing).
    pub aliases: Option<PathBuf>,
    /// Largest record read, in bytes (`--max-record-size`); larger ones are skipped.
    pub max_record: u64,
    /// Build a sharded root of this many shards (`--shards N`); an existing root keeps its own
    /// number (see [`index::shards`]).
    pub shards: Option<usize>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            outlet: None,
            batch: 5_000,
            format: None,
            fields: read::FieldMap::default(),
            force: false,
            progress: indicatif::ProgressBar::hidden(),
            aliases: None,
            max_record: read::DEFAULT_MAX_RECORD_BYTES,
            shards: None,
        }
    }
}

/// A source that was decoded from a legacy encoding.
#[derive(Debug, Clone, Serialize)]
pub struct Transcoded {
    /// The source.
    pub path: String,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
}

/// What an ingest did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    /// Files found to read.
    pub files: usize,
    /// Files read (at least one article decoded) in this run.
    pub files_read: usize,
    /// Files not read again because the ledger records them unchanged (same size and time, or
    /// same content hash).
    pub unchanged: usize,
    /// Bytes read from the files (compressed size for `.gz`).
    pub bytes_read: u64,
    /// Articles read from the sources (new or not).
    pub articles_read: usize,
    /// New articles indexed.
    pub articles_indexed: usize,
    /// Articles whose text was already in the index (same path, or recorded as a new path).
    pub already_present: usize,
    /// Of those, the ones found at a new path (the path was added).
    pub new_paths: usize,
    /// Passages of the new articles, as the index holds them after the ingest (an article
    /// built again from an earlier record or re-indexed for its furniture counts once, with
    /// its last passages; in a sharded root, after the shards ingested first caught up with the
    /// furniture learned from all of them).
    pub passages: u64,
    /// New articles without a publication date.
    pub undated: usize,
    /// New articles found to be near-duplicate copies of a story already indexed (they join its
    /// copy cluster).
    pub copies: u64,
    /// Sources and records skipped, with reasons (`file:LINE` or `file#RECORD` for a record):
    /// the first few of each source (see [`read::skips`]), in natural order.
    pub skipped: Vec<Skip>,
    /// Sources and records skipped in all.
    pub skipped_total: u64,
    /// Skips counted per source and reason.
    pub skip_counts: Vec<SkipCount>,
    /// Problems that did not stop an article from being indexed (an impossible date dropped):
    /// the first few of each source.
    pub warnings: Vec<Skip>,
    /// Warnings in all.
    pub warnings_total: u64,
    /// Sources decoded from a legacy encoding.
    pub transcoded: Vec<Transcoded>,
    /// Distinct articles in the index after the ingest.
    pub total_articles: usize,
    /// Articles in the index with site furniture removed after the ingest (see
    /// `morgue furniture`).
    pub furniture: usize,
    /// Articles re-indexed at the end of the ingest because the furniture learned changed (older
    /// articles, and this run's built before it was learned).
    pub reindexed: usize,
    /// Wall-clock time.
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
    /// Time spent in each stage.
    pub stages: StageSeconds,
    /// For a sharded root: its shards and what joining them found (absent for a single index).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharded: Option<ShardedReport>,
    /// A shard's ingest in a sharded one: its new articles' passages by key, which the root's
    /// furniture catch-up may change (empty otherwise).
    #[serde(skip)]
    added: std::collections::HashMap<u64, u64>,
}

/// What an ingest into a sharded root did beyond its shards' own ingests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ShardedReport {
    /// Number of shards.
    pub shards: usize,
    /// New articles indexed in each shard, in manifest order.
    pub articles_indexed: Vec<usize>,
}

impl IngestReport {
    /// Adds a shard's report to the totals of a sharded ingest.
    fn absorb(&mut self, r: IngestReport) {
        self.files += r.files;
        self.files_read += r.files_read;
        self.unchanged += r.unchanged;
        self.bytes_read += r.bytes_read;
        self.articles_read += r.articles_read;
        self.articles_indexed += r.articles_indexed;
        self.already_present += r.already_present;
        self.new_paths += r.new_paths;
        self.passages += r.passages;
        self.undated += r.undated;
        self.copies += r.copies;
        self.skipped.extend(r.skipped);
        self.skipped_total += r.skipped_total;
        self.skip_counts.extend(r.skip_counts);
        self.warnings.extend(r.warnings);
        self.warnings_total += r.warnings_total;
        self.transcoded.extend(r.transcoded);
        self.furniture += r.furniture;
        self.reindexed += r.reindexed;
        self.stages.add(&r.stages);
    }
}

/// Seconds spent in each ingest stage, summed over the threads that ran it: the workers read
/// and build articles in parallel, so on several cores the sum exceeds `elapsed`. Times are
/// measured on the clock (a thread waiting for a core counts), so compare shares. `index` is the
/// writer thread's time adding documents, committing and waiting for merges (tantivy's own
/// indexing threads work meanwhile and are not counted separately). `dedup` is the MinHash
/// signature (workers) plus finding the copy cluster (writer thread).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StageSeconds {
    /// Reading, decompressing, parsing records and decoding text.
    pub read: f64,
    /// Unicode and whitespace normalization, boilerplate removal.
    pub normalize: f64,
    /// Finding the dateline.
    pub dates: f64,
    /// Title, outlet signature and the article id (content hash).
    pub metadata: f64,
    /// Named-entity recognition and resolution.
    pub entities: f64,
    /// Near-duplicate detection: signatures and copy-cluster lookups.
    pub dedup: f64,
    /// Splitting into passages.
    pub passages: f64,
    /// Writing to the index (documents, commits, merges).
    pub index: f64,
}

impl StageSeconds {
    /// Adds another run's times.
    fn add(&mut self, o: &StageSeconds) {
        self.read += o.read;
        self.normalize += o.normalize;
        self.dates += o.dates;
        self.metadata += o.metadata;
        self.entities += o.entities;
        self.dedup += o.dedup;
        self.passages += o.passages;
        self.index += o.index;
    }
}

/// The stages timed by [`StageClock`], in [`StageSeconds`]' order.
#[derive(Debug, Clone, Copy)]
enum Stage {
    Read,
    Normalize,
    Dates,
    Metadata,
    Entities,
    Dedup,
    Passages,
    Index,
}

/// Nanoseconds per stage, added to from any thread.
#[derive(Debug, Default)]
struct StageClock([AtomicU64; 8]);

impl StageClock {
    /// Runs `f`, adding its duration to `stage`.
    fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0[stage as usize].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }

    /// Moves `nanos` already counted in `from` to `to` (work timed inside another stage).
    fn shift(&self, from: Stage, to: Stage, nanos: u64) {
        self.0[from as usize].fetch_sub(nanos, Ordering::Relaxed);
        self.0[to as usize].fetch_add(nanos, Ordering::Relaxed);
    }

    fn seconds(&self) -> StageSeconds {
        let s = |stage: Stage| {
            let ns = self.0[stage as usize].load(Ordering::Relaxed);
            (ns as f64 / 1e6).round() / 1e3
        };
        StageSeconds {
            read: s(Stage::Read),
            normalize: s(Stage::Normalize),
            dates: s(Stage::Dates),
            metadata: s(Stage::Metadata),
            entities: s(Stage::Entities),
            dedup: s(Stage::Dedup),
            passages: s(Stage::Passages),
            index: s(Stage::Index),
        }
    }
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// One record, built, or the skip.
type Built = std::result::Result<BuiltArticle, Skip>;

/// An article built by a worker, with what the writer needs besides.
struct BuiltArticle {
    article: Article,
    /// The source was decoded from a legacy encoding.
    transcoded: bool,
    warnings: Vec<String>,
    /// The furniture keys of its text (see `normalize::furniture::keys`), counted by the writer
    /// when the article is a new story.
    keys: Vec<u64>,
}

/// What the workers send to the writer.
enum Msg {
    /// Built records of one source (its number in the list of inputs), in order; with the
    /// chunk's place among the source's chunks when it is one (workers finish chunks in any
    /// order, and the writer takes them in the source's order).
    Items(usize, Option<u64>, Vec<Built>),
    /// A source is finished (all its items were sent before).
    Done(Finished),
}

/// Chunks of records in their sources' order: the writer takes a source's chunks as they were
/// read, whichever worker finished first. What it counts then does not depend on the
/// workers' timing: the furniture counts, pruned as they grow, counted the same stories in
/// another order in each run (two ingests of one 150,000-article file learned different
/// furniture), and of two copies of a story the first taken is the one the other folds into.
#[derive(Default)]
struct InOrder {
    /// Per source, the next chunk to take.
    next: std::collections::HashMap<usize, u64>,
    /// Chunks that came before their turn, by source and place.
    held: std::collections::BTreeMap<(usize, u64), Vec<Built>>,
}

impl InOrder {
    /// The chunks that chunk `seq` of `source` (`items`) lets the writer take now, in order:
    /// none when an earlier chunk of the source has not come yet.
    fn arrive(&mut self, source: usize, seq: u64, items: Vec<Built>) -> Vec<Vec<Built>> {
        self.held.insert((source, seq), items);
        let next = self.next.entry(source).or_insert(0);
        let mut ready = Vec::new();
        while let Some(items) = self.held.remove(&(source, *next)) {
            ready.push(items);
            *next += 1;
        }
        ready
    }

    /// What is still held of `source` once it is finished, in order (chunks after one that
    /// never came: none while the writer takes every message).
    fn rest(&mut self, source: usize) -> Vec<Vec<Built>> {
        self.next.remove(&source);
        let later = self.held.split_off(&(source + 1, 0));
        let mine = self.held.split_off(&(source, 0));
        self.held.extend(later);
        mine.into_values().collect()
    }
}

/// The end of one source.
struct Finished {
    /// The source's number in the list of inputs.
    source: usize,
    /// True when the ledger said it was unchanged and it was not read.
    unchanged: bool,
    /// True when at least one article was read from it.
    any_ok: bool,
    /// Bytes read from it.
    bytes: u64,
    /// What to record in the ledger once the writer has committed its articles.
    entry: Option<LedgerEntry>,
}

/// Turns one raw text into an article with the built-in alias table (see
/// [`build_article_with`]).
pub fn build_article(
    raw: RawArticle,
    outlet_option: Option<&str>,
) -> std::result::Result<Article, Skip> {
    build_article_with(raw, outlet_option, AliasTable::builtin())
}

/// Turns one raw text into an article: normalization, boilerplate removal, title, date, outlet,
/// entities (resolved with `aliases`), passages and id. Fails (with the reason) when no text is
/// left.
///
/// Precedence: the format's recorded metadata, then what is found in the text (title line,
/// dateline, outlet signature), then the format's weak hints (`fallback_date`, e.g. from the
/// URL path); `--outlet` wins over everything.
pub fn build_article_with(
    raw: RawArticle,
    outlet_option: Option<&str>,
    aliases: &AliasTable,
) -> std::result::Result<Article, Skip> {
    build_timed(
        raw,
        outlet_option,
        aliases,
        &Learned::default(),
        &StageClock::default(),
        None,
    )
}

/// [`build_article_with`] with the site furniture learned so far, adding each stage's time to
/// `clock`, and putting the text's furniture keys (`normalize::furniture::keys`) in `keys`
/// when given.
fn build_timed(
    mut raw: RawArticle,
    outlet_option: Option<&str>,
    aliases: &AliasTable,
    furniture: &Learned,
    clock: &StageClock,
    keys: Option<&mut Vec<u64>>,
) -> std::result::Result<Article, Skip> {
    let normalized = clock.time(Stage::Normalize, || normalize::normalize(&raw.text));
    let signed = clock.time(Stage::Metadata, || outlet::find_outlet(&normalized));
    let text = clock.time(Stage::Normalize, || {
        normalize::strip_boilerplate(&normalized).text
    });
    if text.trim().is_empty() {
        return Err(Skip {
            path: raw.path,
            reason: "no article text (only boilerplate)".into(),
        });
    }
    let (signed_outlet, signed_title) = match signed {
        Some(o) => (
            Some(Sourced::new(o.name, format!("signature:{}", o.signature))),
            o.title,
        ),
        None => (None, None),
    };
    let outlet = match outlet_option {
        Some(name) => Some(Sourced::new(name.trim().to_string(), "option")),
        None => raw.outlet.take().or(signed_outlet),
    };
    // A title the format did not record may be named by the signature ("This article (TITLE)
    // was written for …"): a better guess than the first line.
    if raw.title.as_ref().is_none_or(|t| t.value.trim().is_empty()) {
        raw.title = signed_title.map(|t| Sourced::new(t, "signature"));
    }
    raw.text = String::new();
    Ok(finish(raw, text, outlet, aliases, furniture, clock, keys))
}

/// Builds an article again from its stored record (stored text and metadata, which win over
/// what the text says), marking the furniture `furniture` knows: re-indexing after learning.
pub(crate) fn rebuild(
    record: &crate::index::ArticleRecord,
    aliases: &AliasTable,
    furniture: &Learned,
) -> Article {
    let found = |f: &crate::index::Found<String>| Sourced::new(f.value.clone(), f.source.clone());
    let raw = RawArticle {
        path: record.paths.first().cloned().unwrap_or_default(),
        url: record.url.clone(),
        title: (!matches!(record.title.source.as_str(), "first_line" | "none"))
            .then(|| found(&record.title)),
        date: record
            .date
            .as_ref()
            .map(|d| Sourced::new(d.value, d.source.clone())),
        encoding: encoding_rs::Encoding::for_label(record.encoding.as_bytes())
            .map_or("UTF-8", |e| e.name()),
        meta: record.meta.clone(),
        ..RawArticle::default()
    };
    let outlet = record.outlet.as_ref().map(found);
    finish(
        raw,
        record.text.clone(),
        outlet,
        aliases,
        furniture,
        &StageClock::default(),
        None,
    )
}

/// The stages after cleaning: furniture, dateline, title, passages, id, entities, signature.
/// `raw.text` is not used (`text` is the cleaned text). The furniture keys go to `keys` when
/// given.
fn finish(
    raw: RawArticle,
    text: String,
    outlet: Option<Sourced<String>>,
    aliases: &AliasTable,
    furniture: &Learned,
    clock: &StageClock,
    keys: Option<&mut Vec<u64>>,
) -> Article {
    // One spelling per site: trimmed, addresses as their registrable domain.
    let outlet = outlet
        .map(|o| Sourced::new(outlet::normalize_outlet(&o.value), o.source))
        .filter(|o| !o.value.is_empty());
    let outlet_name = outlet.as_ref().map_or("", |o| o.value.as_str());
    let marked = clock.time(Stage::Normalize, || match keys {
        Some(keys) => {
            let (marked, found) =
                normalize::furniture::mark_and_keys(&text, outlet_name, furniture);
            *keys = found;
            marked
        }
        None => normalize::furniture::mark(&text, outlet_name, furniture),
    });
    // Metadata recorded by the format wins over what is guessed from the text.
    let dateline = clock.time(Stage::Dates, || date::find_dateline(&text));
    let hidden_dateline = dateline
        .as_ref()
        .filter(|d| d.line_is_only_date)
        .map(|d| d.line.clone());
    let mut exclude = normalize::furniture::join(&text, marked.clone());
    exclude.extend(hidden_dateline.clone());
    let title = match raw.title.filter(|t| !t.value.trim().is_empty()) {
        Some(t) => {
            if t.source == "signature" {
                // The first line, when it is the same headline, is not a passage.
                let first = title::find_title(&text, hidden_dateline.as_ref());
                if let Some(line) = first.filter(|f| !f.is_prose && same_words(&f.title, &t.value))
                {
                    exclude.push(line.line);
                }
            }
            t
        }
        None => match clock.time(Stage::Metadata, || {
            title::find_title(&text, hidden_dateline.as_ref())
        }) {
            Some(t) => {
                if !t.is_prose {
                    exclude.push(t.line.clone());
                }
                Sourced::new(t.title, "first_line")
            }
            None => Sourced::new(String::new(), "none"),
        },
    };
    let spans = clock.time(Stage::Passages, || {
        let spans = passages::split(&text, &exclude);
        if spans.is_empty() {
            // A text that is only a title: index the title line as its one passage.
            return passages::split(&text, &normalize::furniture::join(&text, marked.clone()));
        }
        spans
    });
    let date = raw
        .date
        .or_else(|| dateline.map(|d| Sourced::new(d.date, "dateline")))
        .or(raw.fallback_date);
    let id = clock.time(Stage::Metadata, || ArticleId::of_text(&text));
    let entities = clock.time(Stage::Entities, || {
        if marked.is_empty() {
            entities::extract_entities(&text, aliases, MAX_ENTITIES)
        } else {
            let clean = normalize::furniture::without(&text, 0..text.len(), &marked);
            entities::extract_entities(&clean, aliases, MAX_ENTITIES)
        }
    });
    Article {
        id,
        path: raw.path,
        url: raw.url,
        title,
        date,
        outlet,
        entities,
        passages: spans,
        encoding: raw.encoding,
        minhash: clock.time(Stage::Dedup, || crate::dedup::Signature::of(&text)),
        furniture: marked,
        text,
        meta: raw.meta,
    }
}

/// True when `a` and `b` have the same words, ignoring case and punctuation.
fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

/// Ingests `paths` (files and folders) into the index in `dir`, creating it when needed.
pub fn ingest(dir: &Path, paths: &[PathBuf], opts: &IngestOptions) -> Result<IngestReport> {
    let (inputs, problems) = read::collect_inputs(paths, forced_reader(opts)?);
    if opts.shards.is_some() || index::shards::is_root(dir) {
        return ingest_sharded(dir, inputs, problems, opts);
    }
    ingest_into(dir, inputs, problems, opts, None)
}

/// Writes the built-in alias table into the index folder `dir` when it has none (and no table
/// was given with `--aliases`), so the table in use can be read and edited there. It is written
/// whole or not at all: a cut-off table would be read as the folder's own by every later run.
fn write_default_aliases(dir: &Path, opts: &IngestOptions) -> Result<()> {
    let table_file = dir.join(aliases::FILE_NAME);
    if opts.aliases.is_none() && !table_file.exists() {
        index::sidecar::write(dir, aliases::FILE_NAME, aliases::DEFAULT_TABLE.as_bytes())
            .map_err(|e| Error::io(&table_file, e))?;
    }
    Ok(())
}

/// The reader `--format` names, if any.
fn forced_reader(opts: &IngestOptions) -> Result<Option<&'static dyn read::Reader>> {
    match &opts.format {
        Some(name) => Ok(Some(read::reader_named(name).ok_or_else(|| {
            Error::BadOption {
                option: "--format".into(),
                message: format!("unknown format `{name}` (one of text, json, csv, html, warc)"),
            }
        })?)),
        None => Ok(None),
    }
}

/// The key a source has in a ledger: the label of its absolute path (with its byte range, for
/// a part of a file).
fn ledger_key(src: &read::Source) -> String {
    let path = &src.path;
    let label = path_label(&std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
    match &src.range {
        Some(r) => read::range_label(&label, r),
        None => label,
    }
}

/// The bytes a source reads: its byte range, or its file's size.
fn source_bytes(src: &read::Source) -> u64 {
    match &src.range {
        Some(r) => r.end - r.start,
        None => std::fs::metadata(&src.path).map_or(0, |m| m.len()),
    }
}

/// Which shard each source goes to: the shard whose ledger already lists it (so a source given
/// again is compared with what was read), otherwise the shard holding the fewest bytes of
/// sources so far, new sources taken in the order they are read (deterministic, and balanced
/// by size).
fn place_sources(folders: &[PathBuf], inputs: Vec<read::Source>) -> Result<Vec<Vec<read::Source>>> {
    let mut known = std::collections::HashMap::new();
    let mut load = vec![0u64; folders.len()];
    for (i, folder) in folders.iter().enumerate() {
        for e in Ledger::open(folder)?.entries() {
            known.insert(e.path.clone(), i);
            load[i] += e.size;
        }
    }
    let mut placed: Vec<Vec<read::Source>> = folders.iter().map(|_| Vec::new()).collect();
    for s in inputs {
        let i = match known.get(&ledger_key(&s)) {
            Some(&i) => i,
            None => {
                let size = source_bytes(&s);
                let (i, _) = load
                    .iter()
                    .enumerate()
                    .min_by_key(|(i, l)| (**l, *i))
                    .unwrap_or((0, &0));
                load[i] += size.max(1);
                i
            }
        };
        placed[i].push(s);
    }
    Ok(placed)
}

/// Ingests into a sharded root (created with `opts.shards` shards when `dir` is none): each
/// source goes to one shard ([`place_sources`]) and the shards are ingested one after the other,
/// each writer seeing the others (so no join is needed afterwards, unlike for shards built
/// apart: [`index::shards::join`]); the problems met collecting sources are reported once.
fn ingest_sharded(
    dir: &Path,
    inputs: Vec<read::Source>,
    mut problems: Vec<Skip>,
    opts: &IngestOptions,
) -> Result<IngestReport> {
    let started = Instant::now();
    let manifest = root_manifest(dir, opts)?;
    let n = manifest.shards.len();
    let folders = manifest.folders(dir);
    let placed = place_sources(&folders, inputs)?;
    let mut total = IngestReport::default();
    let mut per_shard = Vec::with_capacity(n);
    let mut with_furniture = Vec::with_capacity(n);
    // Per shard, its new articles' passages by key.
    let mut added = Vec::with_capacity(n);
    for (folder, inputs) in folders.iter().zip(placed) {
        let part = Part {
            root: dir,
            folders: &folders,
        };
        let mut r = ingest_into(
            folder,
            inputs,
            std::mem::take(&mut problems),
            opts,
            Some(part),
        )?;
        per_shard.push(r.articles_indexed);
        with_furniture.push(r.furniture);
        added.push(std::mem::take(&mut r.added));
        total.absorb(r);
    }
    // The last shard learned from every shard's final counts; the others catch up, which can
    // index some of their new articles again with other passages.
    for (i, folder) in folders.iter().enumerate().take(n.saturating_sub(1)) {
        let (done, replaced) = refurnish(dir, folder, &folders, opts)?;
        with_furniture[i] = done.with_furniture;
        total.reindexed += done.reindexed;
        for (key, passages) in replaced {
            if let Some(p) = added[i].get_mut(&key) {
                *p = passages;
            }
        }
    }
    total.passages = added.iter().flat_map(|a| a.values()).sum();
    total.furniture = with_furniture.iter().sum();
    let mi = index::open(dir)?;
    total.total_articles = mi.article_count()?;
    total.elapsed = started.elapsed();
    total.sharded = Some(ShardedReport {
        shards: n,
        articles_indexed: per_shard,
    });
    Ok(total)
}

/// The manifest of the sharded root `dir`, which is created with `opts.shards` empty shards
/// when it does not exist; refuses a `--shards` that disagrees with an existing root, and a
/// single index.
fn root_manifest(dir: &Path, opts: &IngestOptions) -> Result<index::shards::Manifest> {
    use index::shards::{self, Manifest};
    let bad = |message: String| Error::BadOption {
        option: "--shards".into(),
        message,
    };
    Ok(if shards::is_root(dir) {
        let m = Manifest::read(dir)?;
        match opts.shards {
            Some(n) if n != m.shards.len() => {
                return Err(bad(format!(
                    "{} is a sharded root of {} shards: leave --shards out to add to it",
                    dir.display(),
                    m.shards.len()
                )))
            }
            _ => m,
        }
    } else {
        let n = opts.shards.unwrap_or(1);
        if !(1..=1024).contains(&n) {
            return Err(bad(format!("give 1 to 1024 shards, not {n}")));
        }
        if index::exists(dir) {
            return Err(bad(format!(
                "{} is already a single index: build the sharded root in a new folder",
                dir.display()
            )));
        }
        let mut m = Manifest::new();
        for i in 0..n {
            let name = shards::shard_name(i);
            index::open_or_create(&dir.join(&name))?;
            m.shards.push(PathBuf::from(name));
        }
        write_default_aliases(dir, opts)?;
        m.write(dir)?;
        m
    })
}

/// Shards built apart (by separate processes or machines, e.g. Ray tasks): which sources each
/// shard of the root `dir` reads, in manifest order. The root is created with `opts.shards`
/// empty shards when it does not exist; a source goes to the shard whose ledger lists it (a
/// re-run skips what it read), otherwise to the shard with the fewest bytes. Each list is then
/// ingested into its shard folder as a single index ([`ingest`] on `shard_folders()[i]`), and
/// [`finish_built_apart`] joins them. Returns the shard folders, their sources, and the problems
/// met collecting the sources. A JSON-lines file of two `min_part`s or more is split into byte
/// ranges, one per shard ([`split_source`]).
pub fn plan_built_apart(
    dir: &Path,
    paths: &[PathBuf],
    opts: &IngestOptions,
    min_part: u64,
) -> Result<ShardPlan> {
    let (inputs, skipped) = read::collect_inputs(paths, forced_reader(opts)?);
    let manifest = root_manifest(dir, opts)?;
    let folders = manifest.folders(dir);
    let mut known = std::collections::HashSet::new();
    for folder in &folders {
        known.extend(Ledger::open(folder)?.entries().map(|e| e.path.clone()));
    }
    let inputs = inputs
        .into_iter()
        .flat_map(|s| split_source(s, folders.len(), min_part, &known))
        .collect();
    let sources = place_sources(&folders, inputs)?
        .into_iter()
        .map(|sources| {
            sources
                .into_iter()
                .map(|mut s| {
                    s.path = std::fs::canonicalize(&s.path).unwrap_or(s.path);
                    s.label()
                })
                .collect()
        })
        .collect();
    Ok(ShardPlan {
        folders,
        sources,
        skipped,
    })
}

/// Smallest part of a JSON-lines file that [`plan_built_apart`] gives a shard of its own, by
/// default.
pub const MIN_PART_BYTES: u64 = 8 << 20;

/// An uncompressed JSON-lines file of two parts of `min_part` bytes or more, that no ledger
/// lists whole, as up to `shards` byte ranges of about equal size: the parts of one big dump go
/// to different shards. The ranges depend only on the file's size, `shards` and `min_part`, so a
/// re-run finds them in the ledgers.
fn split_source(
    s: read::Source,
    shards: usize,
    min_part: u64,
    known: &std::collections::HashSet<String>,
) -> Vec<read::Source> {
    let size = source_bytes(&s);
    let lines = read::path_label(&s.path);
    let plain = s.range.is_none()
        && crate::read::json::is_lines_name(&lines)
        && !lines.to_ascii_lowercase().ends_with(".gz")
        && s.reader.is_none_or(|r| r.name() == "json");
    let parts = (size / min_part.max(1)).min(shards as u64);
    if !plain || parts < 2 || known.contains(&ledger_key(&s)) {
        return vec![s];
    }
    (0..parts)
        .map(|k| read::Source {
            path: s.path.clone(),
            reader: s.reader,
            range: Some(k * size / parts..(k + 1) * size / parts),
        })
        .collect()
}

/// Which sources each shard of a root reads ([`plan_built_apart`]).
#[derive(Debug, Clone, Serialize)]
pub struct ShardPlan {
    /// The shard folders, in manifest order.
    pub folders: Vec<PathBuf>,
    /// The sources of each shard, as `ingest` takes them: absolute paths, a part of a big
    /// JSON-lines file as `FILE#bytes=START-END`.
    pub sources: Vec<Vec<String>>,
    /// Problems met collecting the sources.
    pub skipped: Vec<Skip>,
}

/// What joining shards built apart did ([`finish_built_apart`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuiltApart {
    /// Texts held by two shards, kept in the first (see [`index::shards::join`]).
    pub duplicates: usize,
    /// Copy clusters joined across shards.
    pub clusters_joined: usize,
    /// Articles re-indexed because furniture learned from every shard's counts changed them.
    pub reindexed: usize,
    /// Articles with furniture removed.
    pub furniture: usize,
    /// Distinct articles in the root.
    pub total_articles: usize,
}

/// Joins the shards of the root `dir` after they were ingested apart ([`plan_built_apart`]):
/// texts held twice and copy clusters across shards ([`index::shards::join`]), then every
/// shard's furniture learned again from the counts of all shards (what an ingest through the
/// root learns), re-indexing the articles it changes.
pub fn finish_built_apart(dir: &Path, opts: &IngestOptions) -> Result<BuiltApart> {
    let manifest = index::shards::Manifest::read(dir)?;
    let joined = index::shards::join(dir, &manifest)?;
    let folders = manifest.folders(dir);
    let mut done = BuiltApart {
        duplicates: joined.duplicates,
        clusters_joined: joined.clusters_joined,
        ..BuiltApart::default()
    };
    for folder in &folders {
        let (r, _) = refurnish(dir, folder, &folders, opts)?;
        done.reindexed += r.reindexed;
        done.furniture += r.with_furniture;
    }
    done.total_articles = index::open(dir)?.article_count()?;
    Ok(done)
}

/// A shard's part of an ingest into a sharded root.
struct Part<'a> {
    /// The root.
    root: &'a Path,
    /// Every shard's folder (this one included).
    folders: &'a [PathBuf],
}

/// What the furniture counts of every shard of a root say together: the shard in `dir` counted
/// by `own` (its table in memory), the others by their saved tables.
fn furniture_of_all(
    dir: &Path,
    folders: &[PathBuf],
    own: &index::furniture::Table,
) -> Result<crate::normalize::furniture::Learned> {
    let mut all = index::furniture::Table::default();
    all.absorb(own);
    for folder in folders.iter().filter(|f| f.as_path() != dir) {
        all.absorb(&index::furniture::Table::open(folder)?);
    }
    Ok(all.learn())
}

/// Brings the furniture of the shard `dir` of `root` up to what every shard's counts say now
/// (shards ingested earlier in a sharded ingest learned from counts that later shards grew).
fn refurnish(
    root: &Path,
    dir: &Path,
    folders: &[PathBuf],
    opts: &IngestOptions,
) -> Result<(
    crate::furnish::Relearned,
    std::collections::HashMap<u64, u64>,
)> {
    let mi = index::open(dir)?;
    let aliases = AliasTable::for_index(dir, opts.aliases.as_deref())?;
    let mut table = index::furniture::Table::open(dir)?;
    let known = crate::furnish::learned(dir, &table)?;
    let counted = |own: &index::furniture::Table| furniture_of_all(dir, folders, own);
    let root_searcher = index::open(root)?.searcher()?;
    let mut writer = ArticleWriter::open(&mi, dir, opts.batch, Some(root_searcher))?;
    let done = crate::furnish::relearn(
        dir,
        &mi,
        &mut writer,
        &mut table,
        &known,
        &std::collections::HashSet::new(),
        &aliases,
        Some(&counted),
    )?;
    let replaced = writer.replaced_passages().clone();
    writer.finish()?;
    Ok((done, replaced))
}

/// Ingests `inputs` into the single index `dir`, reporting `problems` (met collecting them) as
/// skipped; with a `part`, `dir` is a shard of a sharded root.
fn ingest_into(
    dir: &Path,
    inputs: Vec<read::Source>,
    problems: Vec<Skip>,
    opts: &IngestOptions,
    part: Option<Part>,
) -> Result<IngestReport> {
    let started = Instant::now();
    let mi = index::open_or_create(dir)?;
    write_default_aliases(dir, opts)?;
    let table = AliasTable::for_index(dir, opts.aliases.as_deref())?;
    let mut furniture_table = index::furniture::Table::open(dir)?;
    let furniture = crate::furnish::learned(dir, &furniture_table)?;
    let learning = crate::furnish::Learning::new(&furniture);
    let mut touched: std::collections::HashSet<String> = std::collections::HashSet::new();
    // A shard's writer sees every shard of its root (see `ArticleWriter::open`).
    let root = match &part {
        Some(p) => Some(index::open(p.root)?.searcher()?),
        None => None,
    };
    let mut writer = ArticleWriter::open(&mi, dir, opts.batch, root)?;
    let mut ledger = Ledger::open(dir)?;
    // A source the ledger lists but whose articles the index lacks is read again.
    let stale = index::health::stale_sources(&ledger, &mi.searcher()?, &mi.fields)?;
    stale.iter().for_each(|path| ledger.forget(path));
    let labels: Vec<String> = inputs.iter().map(read::Source::label).collect();
    let mut skipped = SkipLog::default();
    let mut warned = SkipLog::default();
    for p in problems {
        skipped.add(&p.path.clone(), p);
    }
    for path in stale {
        let why = "the ledger lists it as read, but the index holds none of its articles: it is read again whenever given";
        warned.add(&path.clone(), Skip::new(path, why));
    }
    let mut report = IngestReport {
        files: inputs.len(),
        ..IngestReport::default()
    };
    let total_bytes: u64 = inputs.iter().map(source_bytes).sum();
    let bar = opts.progress.clone();
    bar.set_length(total_bytes);
    let read_opts = ReadOptions {
        fields: opts.fields.clone(),
        max_record: opts.max_record,
        lines_before: 0,
    };

    let (tx, rx) = crossbeam_channel::bounded::<Msg>(CHANNEL);
    let mut to_record: Vec<LedgerEntry> = Vec::new();
    let mut files_done = 0usize;
    // The workers look up a snapshot; the writer side appends to the ledger.
    let known = ledger.clone();
    let clock = StageClock::default();
    let outcome: Result<()> = std::thread::scope(|scope| {
        // Owned here, so that leaving early on a writer error drops the receiver: the workers'
        // next send fails and they stop, instead of waiting on a full channel forever.
        let rx = rx;
        let ledger_ref = &known;
        let table_ref = &table;
        let furniture_ref = &learning;
        let read_opts = &read_opts;
        let inputs = &inputs;
        let labels = &labels;
        let clock = &clock;
        scope.spawn(move || {
            inputs
                .par_iter()
                .enumerate()
                .for_each_with(tx, |tx, (number, src)| {
                    let source = Source {
                        number,
                        label: &labels[number],
                        src,
                    };
                    let with = (table_ref, furniture_ref);
                    read_source(&source, ledger_ref, read_opts, opts, with, clock, tx);
                });
        });
        let mut commits = writer.stats().commits;
        let mut order = InOrder::default();
        for msg in rx.iter() {
            let (ready, done) = match msg {
                Msg::Items(number, Some(seq), items) => (
                    order
                        .arrive(number, seq, items)
                        .into_iter()
                        .map(|items| (number, items))
                        .collect(),
                    None,
                ),
                Msg::Items(number, None, items) => (vec![(number, items)], None),
                Msg::Done(f) => {
                    let rest = order.rest(f.source);
                    (
                        rest.into_iter().map(|items| (f.source, items)).collect(),
                        Some(f),
                    )
                }
            };
            for (number, items) in ready {
                let source = &labels[number];
                for item in items {
                    match item {
                        Ok(BuiltArticle {
                            article,
                            transcoded,
                            warnings,
                            keys,
                        }) => {
                            report.articles_read += 1;
                            for w in warnings {
                                warned.add(source, Skip::new(article.path.clone(), w));
                            }
                            if transcoded {
                                report.transcoded.push(Transcoded {
                                    path: article.path.clone(),
                                    encoding: article.encoding,
                                });
                            }
                            let added = clock.time(Stage::Index, || writer.add(&article))?;
                            let counts = Counts {
                                furniture: &mut furniture_table,
                                touched: &mut touched,
                                report: &mut report,
                            };
                            if counts.add(added, &article, &keys) {
                                learning.observed(dir, &furniture_table)?;
                            }
                            if writer.stats().commits != commits {
                                // Every source finished so far is covered by this commit.
                                commits = writer.stats().commits;
                                ledger.append(std::mem::take(&mut to_record))?;
                            }
                        }
                        Err(skip) => skipped.add(source, skip),
                    }
                }
                bar.set_message(format!(
                    "{files_done}/{} files  {} articles",
                    report.files, report.articles_read
                ));
            }
            if let Some(f) = done {
                files_done += 1;
                report.unchanged += f.unchanged as usize;
                report.files_read += f.any_ok as usize;
                report.bytes_read += f.bytes;
                to_record.extend(f.entry);
            }
        }
        Ok(())
    });
    outcome?;
    report.total_articles = writer.article_count();
    report.copies = writer.stats().copies;
    // Finding copy clusters happens inside the writer's `add`, timed as indexing above.
    clock.shift(Stage::Index, Stage::Dedup, writer.stats().cluster_nanos);
    // A shard learns from the counts of every shard of its root.
    let of_all = part
        .as_ref()
        .map(|p| |own: &index::furniture::Table| furniture_of_all(dir, p.folders, own));
    let counted = of_all.as_ref().map(|f| f as &crate::furnish::Verdict);
    let relearned = clock.time(Stage::Index, || {
        crate::furnish::relearn(
            dir,
            &mi,
            &mut writer,
            &mut furniture_table,
            &furniture,
            &touched,
            &table,
            counted,
        )
    })?;
    report.furniture = relearned.with_furniture;
    report.reindexed = relearned.reindexed;
    report.passages = writer.added_passages();
    if part.is_some() {
        report.added = writer.added_passage_counts();
    }
    clock.time(Stage::Index, || writer.finish())?;
    ledger.append(to_record)?;
    bar.finish_and_clear();
    report.skipped = skipped.examples();
    report.skipped_total = skipped.total();
    report.skip_counts = skipped.counts();
    report.warnings = warned.examples();
    report.warnings_total = warned.total();
    report
        .transcoded
        .sort_by(|a, b| read::skips::natural_cmp(&a.path, &b.path));
    report.elapsed = started.elapsed();
    report.stages = clock.seconds();
    Ok(report)
}

/// What an ingest counts of each article the writer took: the report's figures, the
/// furniture counts, and the outlets whose furniture is to be learned again.
struct Counts<'a> {
    furniture: &'a mut index::furniture::Table,
    touched: &'a mut std::collections::HashSet<String>,
    report: &'a mut IngestReport,
}

impl Counts<'_> {
    /// Counts what the writer did with `article`, whose text has the furniture keys `keys`.
    /// True when the furniture counts gained a story (what schedules learning them during the
    /// ingest: a story moved to another outlet's counts is no new story).
    fn add(self, added: index::Added, article: &Article, keys: &[u64]) -> bool {
        let outlet = article.outlet.as_ref().map_or("", |o| o.value.as_str());
        let report = self.report;
        match added {
            index::Added::New { copy } => {
                if !copy {
                    self.furniture.observe(outlet, keys);
                }
                self.touched.insert(outlet_key(outlet));
                report.articles_indexed += 1;
                report.undated += usize::from(article.date.is_none());
                !copy
            }
            index::Added::NewPath => {
                report.already_present += 1;
                report.new_paths += 1;
                false
            }
            index::Added::Rebuilt {
                was_undated,
                was_outlet,
                copy,
            } => {
                // The article's record is now this one: its story counts under this outlet.
                report.already_present += 1;
                report.new_paths += 1;
                report.undated -= usize::from(was_undated);
                report.undated += usize::from(article.date.is_none());
                let (now, was) = (outlet_key(outlet), outlet_key(&was_outlet));
                let moved = now != was;
                self.touched.insert(now);
                if moved {
                    self.touched.insert(was);
                    if !copy {
                        self.furniture.forget(&was_outlet, keys);
                        self.furniture.observe(outlet, keys);
                    }
                }
                false
            }
            index::Added::AlreadyPresent => {
                report.already_present += 1;
                false
            }
        }
    }
}

/// A source's items in chunks of [`CHUNK`] (or [`CHUNK_BYTES`] of text), the time taken to
/// read them added to the clock.
struct Chunks<'a>(read::Items, &'a StageClock);

impl Iterator for Chunks<'_> {
    type Item = Vec<std::result::Result<RawArticle, Skip>>;

    fn next(&mut self) -> Option<Self::Item> {
        let items = &mut self.0;
        let chunk: Vec<_> = self.1.time(Stage::Read, || {
            let mut chunk = Vec::new();
            let mut bytes = 0;
            while chunk.len() < CHUNK && bytes < CHUNK_BYTES {
                let Some(item) = items.next() else { break };
                bytes += item.as_ref().map_or(0, |raw| raw.text.len());
                chunk.push(item);
            }
            chunk
        });
        (!chunk.is_empty()).then_some(chunk)
    }
}

/// Counts and hashes the bytes read from a file, and advances the progress bar.
struct Tee {
    file: Box<dyn Read + Send>,
    state: Arc<Mutex<(blake3::Hasher, u64)>>,
    bar: indicatif::ProgressBar,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        if let Ok(mut st) = self.state.lock() {
            st.0.update(&buf[..n]);
            st.1 += n as u64;
        }
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// The hash of a whole file, hex.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    h.update_reader(std::fs::File::open(path)?)?;
    Ok(h.finalize().to_hex().to_string())
}

/// A source as the workers see it.
struct Source<'a> {
    /// Its number in the list of inputs.
    number: usize,
    /// Its path as reported and recorded ([`path_label`]).
    label: &'a str,
    src: &'a read::Source,
}

/// Reads one source and sends its built articles, then its end, to the writer. Stops quietly
/// when the writer has gone away. A source that yields nothing is reported with the reason.
fn read_source(
    source: &Source<'_>,
    ledger: &Ledger,
    read_opts: &ReadOptions,
    opts: &IngestOptions,
    (aliases, furniture): (&AliasTable, &crate::furnish::Learning),
    clock: &StageClock,
    tx: &crossbeam_channel::Sender<Msg>,
) {
    let (src, label, number) = (source.src, source.label, source.number);
    let key = ledger_key(src);
    let fail = |reason: String| {
        let _ = tx.send(Msg::Items(
            number,
            None,
            vec![Err(Skip::new(label, reason))],
        ));
        let _ = tx.send(Msg::Done(Finished {
            source: number,
            unchanged: false,
            any_ok: false,
            bytes: 0,
            entry: None,
        }));
    };
    let meta = match std::fs::metadata(&src.path) {
        Ok(m) => m,
        Err(e) => return fail(e.to_string()),
    };
    let size = meta.len();
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if let (false, Some(known)) = (opts.force, ledger.get(&key)) {
        let same = known.size == size
            && (known.mtime == mtime || hash_file(&src.path).is_ok_and(|h| h == known.hash));
        if same {
            let entry = (known.mtime != mtime).then(|| LedgerEntry {
                mtime,
                ..known.clone()
            });
            opts.progress.inc(source_bytes(src));
            let _ = tx.send(Msg::Done(Finished {
                source: number,
                unchanged: true,
                any_ok: false,
                bytes: 0,
                entry,
            }));
            return;
        }
    }
    let mut part_opts = None;
    let file: Box<dyn std::io::Read + Send> = match &src.range {
        None => match std::fs::File::open(&src.path) {
            Ok(f) => Box::new(f),
            Err(e) => return fail(e.to_string()),
        },
        Some(range) => match read::open_range(&src.path, range) {
            Ok((part, lines_before)) => {
                part_opts = Some(ReadOptions {
                    lines_before,
                    ..read_opts.clone()
                });
                part
            }
            Err(e) => return fail(e.to_string()),
        },
    };
    let read_opts = part_opts.as_ref().unwrap_or(read_opts);
    // A part's records are named after the whole file (`dump.jsonl:LINE`).
    let file_label = match &src.range {
        Some(_) => path_label(&src.path),
        None => label.to_string(),
    };
    let state = Arc::new(Mutex::new((blake3::Hasher::new(), 0u64)));
    let tee = Tee {
        file,
        state: state.clone(),
        bar: opts.progress.clone(),
    };
    let (reader, mut input) = match clock.time(Stage::Read, || read::open(tee, src.reader)) {
        Ok(opened) => opened,
        Err(e) => return fail(format!("read error: {e}")),
    };
    match input.fill_buf() {
        Ok([]) if size == 0 => return fail("empty file".into()),
        Ok([]) => return fail("empty after decompression (an empty gzip stream)".into()),
        Ok(_) => {}
        Err(e) => return fail(format!("read error: {e}")),
    }
    let items = reader.read(&file_label, input, read_opts);
    let (articles, skipped) = (AtomicU64::new(0), AtomicU64::new(0));
    let gone = AtomicBool::new(false);
    // Whichever worker is free takes the next chunk of records (reading and decompressing under
    // rayon's lock) and builds it while the others build theirs.
    // Numbered as read, so that the writer takes them in this order (see `InOrder`).
    Chunks(items, clock)
        .enumerate()
        .par_bridge()
        .for_each(|(seq, raws)| {
            if gone.load(Ordering::Relaxed) {
                return;
            }
            // The furniture learned so far (the writer learns it again as the counts grow).
            let learned = furniture.current();
            let built: Vec<Built> = raws
                .into_iter()
                .map(|r| {
                    r.and_then(|mut raw| {
                        let transcoded = raw.transcoded;
                        let warnings = std::mem::take(&mut raw.warnings);
                        let mut keys = Vec::new();
                        let outlet = opts.outlet.as_deref();
                        let article =
                            build_timed(raw, outlet, aliases, &learned, clock, Some(&mut keys))?;
                        Ok(BuiltArticle {
                            article,
                            transcoded,
                            warnings,
                            keys,
                        })
                    })
                })
                .collect();
            for b in &built {
                match b {
                    Ok(_) => articles.fetch_add(1, Ordering::Relaxed),
                    Err(_) => skipped.fetch_add(1, Ordering::Relaxed),
                };
            }
            if tx
                .send(Msg::Items(number, Some(seq as u64), built))
                .is_err()
            {
                gone.store(true, Ordering::Relaxed);
            }
        });
    if gone.load(Ordering::Relaxed) {
        return;
    }
    let (articles, skipped) = (articles.into_inner(), skipped.into_inner());
    if articles == 0 && skipped == 0 {
        let reason = format!("no {} records found", reader.name());
        let _ = tx.send(Msg::Items(
            number,
            None,
            vec![Err(Skip::new(label, reason))],
        ));
    }
    let (hash, bytes) = match state.lock() {
        // A part is identified by the hash of its own bytes.
        Ok(st) if st.1 == size || src.range.is_some() => {
            (st.0.finalize().to_hex().to_string(), st.1)
        }
        Ok(st) => (hash_file(&src.path).unwrap_or_default(), st.1),
        Err(_) => (String::new(), 0),
    };
    let entry = (articles > 0 && !hash.is_empty()).then(|| LedgerEntry {
        path: key,
        size,
        mtime,
        hash,
        outcome: if skipped == 0 { "read" } else { "partial" }.into(),
        articles,
        skipped,
    });
    let _ = tx.send(Msg::Done(Finished {
        source: number,
        unchanged: false,
        any_ok: articles > 0,
        bytes,
        entry,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_writer_takes_each_sources_chunks_in_the_order_they_were_read() {
        // A chunk is marked by its source and place.
        let chunk = |source: usize, seq: u64| -> Vec<Built> {
            vec![Err(Skip::new(format!("{source}:{seq}"), "marker"))]
        };
        let names = |ready: Vec<Vec<Built>>| -> Vec<String> {
            ready
                .into_iter()
                .flatten()
                .map(|b| b.err().map(|s| s.path).unwrap_or_default())
                .collect()
        };
        let mut order = InOrder::default();
        // Workers finished chunk 2 of source 0 first, then chunks of source 1 and 0 by turns.
        assert!(order.arrive(0, 2, chunk(0, 2)).is_empty());
        assert_eq!(names(order.arrive(1, 0, chunk(1, 0))), ["1:0"]);
        assert!(order.arrive(0, 1, chunk(0, 1)).is_empty());
        assert_eq!(
            names(order.arrive(0, 0, chunk(0, 0))),
            ["0:0", "0:1", "0:2"]
        );
        assert!(order.arrive(1, 2, chunk(1, 2)).is_empty());
        assert_eq!(names(order.arrive(0, 3, chunk(0, 3))), ["0:3"]);
        // Source 1 ends with chunk 1 missing (a worker that stopped): what is held of it is
        // taken in order, and nothing of another source.
        assert!(order.arrive(2, 1, chunk(2, 1)).is_empty());
        assert_eq!(names(order.rest(1)), ["1:2"]);
        assert!(order.rest(1).is_empty());
        assert_eq!(names(order.arrive(2, 0, chunk(2, 0))), ["2:0", "2:1"]);
        assert!(order.held.is_empty());
    }

    fn raw(text: &str) -> RawArticle {
        RawArticle {
            path: "a.txt".into(),
            text: text.into(),
            encoding: "UTF-8",
            ..RawArticle::default()
        }
    }

    const TEXT: &str = "18 November 2017\n\nWhy ISIS Fighters Were Allowed to Leave Raqqa?\n\nI have always been curious about why the story was never fully told.\n\nThis piece was reprinted by RINF Alternative News with permission or license.\n\nLeave a Reply\n\nConnecting to %s";

    #[test]
    fn a_text_s_article_is_built_from_its_first_record_whatever_order_they_arrive_in() {
        let dir = tempfile::tempdir().unwrap();
        let mi = index::open_or_create(dir.path()).unwrap();
        let record = |path: &str, outlet: &str| {
            let raw = RawArticle {
                path: path.into(),
                text: TEXT.into(),
                encoding: "UTF-8",
                outlet: Some(Sourced::new(outlet.to_string(), "metadata")),
                ..RawArticle::default()
            };
            build_article(raw, None).unwrap()
        };
        let mut writer = ArticleWriter::open(&mi, dir.path(), 100, None).unwrap();
        // Arrival order: element 10 of a JSON array, then 2 (first in input order), then 30.
        let arrivals = [
            ("feed.json#10", "Tenth Wire"),
            ("feed.json#2", "Second Wire"),
            ("feed.json#30", "Thirtieth Wire"),
        ];
        // What the ingest counts of each: the story's furniture counts follow its record.
        let mut furniture = index::furniture::Table::default();
        let mut touched = std::collections::HashSet::new();
        let mut report = IngestReport::default();
        let keys = normalize::furniture::keys(TEXT);
        let mut added = Vec::new();
        let mut new_stories = Vec::new();
        for (path, outlet) in arrivals {
            let article = record(path, outlet);
            let a = writer.add(&article).unwrap();
            added.push(a.clone());
            let counts = Counts {
                furniture: &mut furniture,
                touched: &mut touched,
                report: &mut report,
            };
            new_stories.push(counts.add(a, &article, &keys));
        }
        // One story, counted once: moving it is no new story for the learning schedule.
        assert_eq!(new_stories, [true, false, false]);
        assert_eq!(
            added,
            [
                index::Added::New { copy: false },
                index::Added::Rebuilt {
                    was_undated: false,
                    was_outlet: "Tenth Wire".into(),
                    copy: false
                },
                index::Added::NewPath
            ]
        );
        let stories = ["tenth wire", "second wire", "thirtieth wire"].map(|o| furniture.stories(o));
        assert_eq!(stories, [0, 1, 0]);
        assert!(touched.contains("tenth wire") && touched.contains("second wire"));
        assert_eq!(
            (
                report.articles_indexed,
                report.already_present,
                report.new_paths
            ),
            (1, 2, 2)
        );
        writer.finish().unwrap();
        let searcher = mi.searcher().unwrap();
        let id = record("feed.json#2", "Second Wire").id;
        let article = index::load_article(&searcher, &mi.fields, id, index::Parts::ALL)
            .unwrap()
            .unwrap();
        assert_eq!(article.outlet.unwrap().value, "Second Wire");
        assert_eq!(
            article.paths,
            ["feed.json#2", "feed.json#10", "feed.json#30"]
        );
        // One article document and one set of passages: the first build's are deleted.
        let table = crate::search::table::ArticleTable::load(&mi, &searcher).unwrap();
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn plain_text_gets_dateline_title_signature_and_no_boilerplate() {
        let a = build_article(raw(TEXT), None).unwrap();
        assert_eq!(
            a.title,
            Sourced::new(
                "Why ISIS Fighters Were Allowed to Leave Raqqa?".to_string(),
                "first_line"
            )
        );
        assert_eq!(
            a.date,
            Some(Sourced::new(
                NaiveDate::from_ymd_opt(2017, 11, 18).unwrap(),
                "dateline"
            ))
        );
        assert_eq!(
            a.outlet.as_ref().map(|o| o.source.as_str()),
            Some("signature:reprinted_by")
        );
        assert!(!a.text.contains("Leave a Reply") && !a.text.contains("Connecting"));
        let passages: Vec<&str> = a.passages.iter().map(|p| &a.text[p.start..p.end]).collect();
        assert!(passages
            .iter()
            .all(|p| !p.contains("18 November") && !p.starts_with("Why ISIS")));
        assert_eq!(a.id, build_article(raw(TEXT), None).unwrap().id);
    }

    #[test]
    fn format_metadata_wins_and_the_option_wins_over_everything() {
        let mut r = raw(TEXT);
        r.title = Some(Sourced::new("From the page".into(), "metadata"));
        r.date = Some(Sourced::new(
            NaiveDate::from_ymd_opt(2017, 11, 19).unwrap(),
            "metadata",
        ));
        r.outlet = Some(Sourced::new("Page Outlet".into(), "metadata"));
        let a = build_article(r.clone(), None).unwrap();
        assert_eq!(a.title.value, "From the page");
        assert_eq!(a.date.as_ref().map(|d| d.source.as_str()), Some("metadata"));
        assert_eq!(
            a.outlet.as_ref().map(|o| o.value.as_str()),
            Some("Page Outlet")
        );
        // With a title from metadata, the first line stays in the passages.
        assert!(a
            .passages
            .iter()
            .any(|p| a.text[p.start..p.end].contains("Why ISIS")));
        let b = build_article(r, Some(" Desk ")).unwrap();
        assert_eq!(b.outlet, Some(Sourced::new("Desk".to_string(), "option")));
    }

    #[test]
    fn boilerplate_only_text_is_skipped_with_a_reason() {
        let e = build_article(
            raw("Leave a Reply\n\nShare this:\n\nConnecting to %s"),
            None,
        )
        .unwrap_err();
        assert_eq!(e.path, "a.txt");
        assert!(e.reason.contains("boilerplate"), "{}", e.reason);
    }
}
