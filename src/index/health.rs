//! Checking an index: its files' checksums, that it opens and its documents can be read, and
//! that the ledger agrees with it (`morgue check`).
//!
//! tantivy ends every segment file with a CRC32 of its content; a flipped byte or a cut file
//! fails it. Reading a damaged segment may make tantivy panic rather than return an error, so
//! the reading steps run under `catch_unwind` and only start once the checksums pass.
//!
//! The ledger agrees with the index when every source it records as having given articles still
//! has articles in the index (its path documents); [`stale_sources`] lists those that have not,
//! so that an ingest reads them again instead of reporting them unchanged.

use super::directory::{damage, leftovers, Folder};
use super::ledger::Ledger;
use super::schema::{Fields, KIND_ARTICLE};
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, Searcher, Term};

/// What `morgue check` found (the `--json` shape: these fields).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Health {
    /// The index folder.
    pub index: String,
    /// True when no problem was found.
    pub healthy: bool,
    /// Searchable segments.
    pub segments: usize,
    /// Segment files whose checksum was verified.
    pub files_checked: usize,
    /// Stored documents read back (passages store nothing: articles and paths).
    pub documents_read: u64,
    /// Articles in the index.
    pub articles: u64,
    /// Sources the ledger records.
    pub ledger_sources: usize,
    /// What is wrong, one entry per problem.
    pub problems: Vec<Problem>,
}

/// One problem found by [`check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `files` (meta.json missing), `open`, `checksum`, `read`, `cache` (a file the index
    /// keeps beside its segments was damaged; it has been built again) or `ledger`.
    pub kind: &'static str,
    /// The file concerned (a segment file, or a source for `ledger`), when there is one.
    pub file: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl Problem {
    /// A problem of `kind` with `file`, described by `detail`.
    pub fn new(kind: &'static str, file: Option<String>, detail: impl Into<String>) -> Problem {
        Problem {
            kind,
            file,
            detail: detail.into(),
        }
    }
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// The first damage [`check`] finds in the index in `dir` (`file: detail`), ledger disagreements
/// left out; `None` when the files are sound or there is no index. Command boundaries (the CLI,
/// the Python package) call it after a tantivy error or a panic, to tell damage from a bug.
pub fn first_damage(dir: &Path) -> Option<String> {
    let health = check(dir).ok()?;
    let p = health.problems.iter().find(|p| p.kind != "ledger")?;
    Some(match &p.file {
        Some(f) => format!("{f}: {}", p.detail),
        None => p.detail.clone(),
    })
}

/// Checks the index in `dir`; [`Error::NoIndex`] when there is none. Problems are reported in
/// the result, not as errors.
pub fn check(dir: &Path) -> Result<Health> {
    check_with(dir, &|_| Vec::new())
}

/// A check of what later stages keep beside the index (their caches), run on each opened index
/// (each shard of a sharded root) once its files and documents are found sound.
pub type CacheCheck<'a> = &'a dyn Fn(&super::MorgueIndex) -> Vec<Problem>;

/// [`check`], with `caches` run on each index that is found sound.
pub fn check_with(dir: &Path, caches: CacheCheck) -> Result<Health> {
    if super::shards::is_root(dir) {
        return check_root(dir, caches);
    }
    let mut h = Health {
        index: dir.display().to_string(),
        ..Health::default()
    };
    h.problems = run_checks(dir, &mut h, caches)?;
    h.healthy = h.problems.is_empty();
    Ok(h)
}

/// Checks every shard of the sharded root `dir`; counts are summed, and each problem's file is
/// named with its shard's folder.
fn check_root(dir: &Path, caches: CacheCheck) -> Result<Health> {
    let mut h = Health {
        index: dir.display().to_string(),
        ..Health::default()
    };
    let manifest_file = Some(super::shards::MANIFEST_FILE.to_string());
    match super::shards::Manifest::read(dir) {
        Err(e) => h
            .problems
            .push(Problem::new("open", manifest_file, e.to_string())),
        Ok(manifest) => {
            for (name, folder) in manifest.shards.iter().zip(manifest.folders(dir)) {
                let shard = match check_with(&folder, caches) {
                    Ok(shard) => shard,
                    Err(e) => {
                        let why = format!("shard {}: {e}", name.display());
                        h.problems
                            .push(Problem::new("open", manifest_file.clone(), why));
                        continue;
                    }
                };
                h.segments += shard.segments;
                h.files_checked += shard.files_checked;
                h.documents_read += shard.documents_read;
                h.articles += shard.articles;
                h.ledger_sources += shard.ledger_sources;
                h.problems.extend(shard.problems.into_iter().map(|mut p| {
                    let file = p.file.take().unwrap_or_default();
                    p.file = Some(name.join(file).display().to_string());
                    p
                }));
            }
        }
    }
    h.healthy = h.problems.is_empty();
    Ok(h)
}

fn run_checks(dir: &Path, h: &mut Health, caches: CacheCheck) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    if !super::exists(dir) {
        let left = leftovers(dir);
        if left.is_empty() {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        }
        problems.push(Problem::new(
            "files",
            Some("meta.json".into()),
            format!(
                "meta.json is missing, yet the folder holds {} index files",
                left.len()
            ),
        ));
        return Ok(problems);
    }
    let index = match Index::open(Folder::open(dir)?) {
        Ok(i) => i,
        Err(e) => {
            let detail = damage(&e).unwrap_or_else(|| e.to_string());
            problems.push(Problem::new("open", Some("meta.json".into()), detail));
            return Ok(problems);
        }
    };
    problems.extend(checksums(dir, &index, h));
    if !problems.is_empty() {
        return Ok(problems);
    }
    let mi = match super::finish_open(dir, index) {
        Ok(mi) => mi,
        Err(e) => {
            problems.push(Problem::new("open", None, e.to_string()));
            return Ok(problems);
        }
    };
    let read = catch_unwind(AssertUnwindSafe(|| read_everything(&mi, h)));
    match read {
        Ok(Ok(())) => {}
        Ok(Err(e)) => problems.push(Problem::new("read", None, e.to_string())),
        Err(panic) => problems.push(Problem::new("read", None, panic_message(&*panic))),
    }
    if !problems.is_empty() {
        return Ok(problems);
    }
    problems.extend(caches(&mi));
    let ledger = Ledger::open(dir)?;
    h.ledger_sources = ledger.entries().count();
    let searcher = mi.searcher()?;
    for source in stale_sources(&ledger, &searcher, &mi.fields)? {
        problems.push(Problem::new(
            "ledger",
            Some(source),
            "the ledger records articles from this source, but the index holds none; `morgue ingest` reads it again",
        ));
    }
    Ok(problems)
}

/// Verifies the checksum of every file of every searchable segment.
fn checksums(dir: &Path, index: &Index, h: &mut Health) -> Vec<Problem> {
    let mut problems = Vec::new();
    let metas = match index.searchable_segment_metas() {
        Ok(m) => m,
        Err(e) => {
            let detail = damage(&e).unwrap_or_else(|| e.to_string());
            return vec![Problem::new("open", Some("meta.json".into()), detail)];
        }
    };
    h.segments = metas.len();
    let ids: HashSet<String> = metas.iter().map(|m| m.id().uuid_string()).collect();
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| name.split('.').next().is_some_and(|id| ids.contains(id)))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for name in files {
        h.files_checked += 1;
        match index.directory().validate_checksum(Path::new(&name)) {
            Ok(true) => {}
            Ok(false) => problems.push(Problem::new(
                "checksum",
                Some(name),
                "its content does not match its checksum (bytes changed on disk)",
            )),
            Err(e) => {
                let e = tantivy::TantivyError::from(e);
                let detail = damage(&e).unwrap_or_else(|| e.to_string());
                problems.push(Problem::new("checksum", Some(name), detail));
            }
        }
    }
    problems
}

/// Opens a searcher, counts the articles and reads every stored document back.
fn read_everything(mi: &super::MorgueIndex, h: &mut Health) -> Result<()> {
    let searcher = mi.searcher()?;
    let articles = TermQuery::new(
        Term::from_field_text(mi.fields.kind, KIND_ARTICLE),
        IndexRecordOption::Basic,
    );
    h.articles = searcher.search(&articles, &Count)? as u64;
    for segment in searcher.segment_readers() {
        let store = segment
            .get_store_reader(0)
            .map_err(|e| Error::Index(e.into()))?;
        for doc in store.iter::<tantivy::TantivyDocument>(segment.alive_bitset()) {
            doc?;
            h.documents_read += 1;
        }
    }
    Ok(())
}

/// The sources the index holds articles from, as its path documents name them (without a
/// `:LINE` or `#RECORD` suffix).
fn indexed_sources(searcher: &Searcher, fields: &Fields) -> Result<HashSet<String>> {
    let mut sources = HashSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.path)?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(|e| Error::Index(e.into()))?;
        while terms.advance() {
            let Ok(path) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            let source = match path.rfind([':', '#']) {
                Some(cut) if path[cut + 1..].bytes().all(|b| b.is_ascii_digit()) => &path[..cut],
                _ => path,
            };
            if !sources.contains(source) {
                sources.insert(source.to_string());
            }
        }
    }
    Ok(sources)
}

/// Sources the ledger records as having given articles, none of which is in the index (the
/// index was replaced, restored from an older copy or rebuilt beside the ledger). The ledger
/// keys sources by absolute path; path documents keep the path as it was given, so a source
/// matches when it is the same file from here or ends the ledger's path.
pub fn stale_sources(ledger: &Ledger, searcher: &Searcher, fields: &Fields) -> Result<Vec<String>> {
    let sources = indexed_sources(searcher, fields)?;
    let mut known: HashSet<String> = HashSet::new();
    for s in &sources {
        known.insert(s.trim_start_matches("./").to_string());
        if let Ok(abs) = std::fs::canonicalize(s) {
            known.insert(abs.display().to_string());
        }
    }
    // The ledger's path, or any of its tails after a `/` (`/data/seeds/a.txt` → `seeds/a.txt`).
    let in_index = |path: &str| {
        // A part of a file (`dump.jsonl#bytes=…`): its records are named after the file.
        let path = crate::read::parse_range_label(path).map_or(path, |(file, _)| file);
        known.contains(path)
            || path
                .match_indices('/')
                .any(|(at, _)| known.contains(&path[at + 1..]))
    };
    let mut stale: Vec<String> = ledger
        .entries()
        .filter(|e| e.articles > 0 && !in_index(&e.path))
        .map(|e| e.path.clone())
        .collect();
    stale.sort();
    Ok(stale)
}
