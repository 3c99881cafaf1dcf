//! `morgue._native`: the Python package's native module.
//!
//! It only turns Python arguments into the library's requests, calls the same library
//! functions as the CLI and the server (`search::search_page`, `lookup::*`,
//! `index::load_article`, `pipeline::ingest`) with the GIL released, and returns what the
//! CLI's `--json` prints (the `present` serializers, `took_ms` included) as a string that
//! `morgue/__init__.py` turns into dicts, DataFrames and Arrow tables. It computes nothing the
//! library does not already compute, and never prints.
//!
//! Errors become Python exceptions: a malformed query is a `QueryError` (a `ValueError` with
//! `column`), a bad option a `ValueError`, a missing index `FileNotFoundError`, an I/O problem
//! `OSError`, a damaged index or a bug `MorgueError`. A panic inside the library is caught here,
//! as the CLI catches it at its command boundary.

use crossbeam_channel::{bounded, Receiver};
use morgue::distributed;
use morgue::extract::aliases::AliasTable;
use morgue::extract::ner::EntityType;
use morgue::index::MorgueIndex;
use morgue::lookup::entities::{EntitiesRequest, EntityAnswer, EntityRequest};
use morgue::lookup::export::{ExportRow, Provenance, Unit};
use morgue::lookup::timeline::{Period, TimelineOptions};
use morgue::lookup::{Articles, Local};
use morgue::present::{json, lookup};
use morgue::search::{Expr, Filters, SearchRequest, SortOrder};
use pyo3::create_exception;
use pyo3::exceptions::{
    PyFileNotFoundError, PyOSError, PyPermissionError, PyRuntimeError, PyValueError,
};
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

create_exception!(
    morgue,
    MorgueError,
    PyRuntimeError,
    "The index is damaged or was built by another version, or morgue hit a bug."
);
create_exception!(
    morgue,
    QueryError,
    PyValueError,
    "A malformed query or one over a query limit; `column` is the 1-based character column."
);

/// What went wrong in a library call: its error, or a panic's message.
enum Failure {
    Lib(morgue::Error),
    Panic(String),
}

impl From<morgue::Error> for Failure {
    fn from(e: morgue::Error) -> Failure {
        Failure::Lib(e)
    }
}

type Outcome<T> = Result<T, Failure>;

/// Runs `f` (library calls) without the GIL, catching a panic.
fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> Outcome<T> + Send) -> Outcome<T> {
    py.detach(|| match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(Failure::Panic(morgue::index::health::panic_message(
            &*payload,
        ))),
    })
}

/// The Python exception for a failure about the index in `dir` (for a query error, `query`
/// gives the column). As at the CLI's command boundary, a tantivy error or a panic is reported
/// as damage when the index's checks find some.
fn to_py(py: Python<'_>, f: Failure, dir: Option<&Path>, query: Option<&str>) -> PyErr {
    let damaged = |dir: &Path| {
        let reason = py.detach(|| morgue::index::health::first_damage(dir))?;
        Some(morgue::Error::Damaged {
            path: dir.to_path_buf(),
            reason,
        })
    };
    let e = match f {
        Failure::Panic(message) => match dir.and_then(damaged) {
            Some(e) => e,
            None => {
                return MorgueError::new_err(format!(
                    "internal error (a bug in morgue; please report it): {message}"
                ))
            }
        },
        Failure::Lib(morgue::Error::Index(te)) => match dir {
            Some(d) => damaged(d).unwrap_or_else(|| morgue::index::classify_error(d, te)),
            None => morgue::Error::Index(te),
        },
        Failure::Lib(e) => e,
    };
    match e {
        morgue::Error::Query(q) => {
            let column = q.column(query.unwrap_or(""));
            let err =
                QueryError::new_err(format!("invalid query: {} at column {column}", q.message));
            let _ = err.value(py).setattr("column", column);
            err
        }
        e @ morgue::Error::BadOption { .. } => PyValueError::new_err(e.to_string()),
        e @ morgue::Error::NoIndex { .. } => PyFileNotFoundError::new_err(e.to_string()),
        e @ morgue::Error::ReadOnly { .. } => PyPermissionError::new_err(e.to_string()),
        e @ morgue::Error::Io { .. } => PyOSError::new_err(e.to_string()),
        e => MorgueError::new_err(e.to_string()),
    }
}

/// A bad argument, worded as the library words its option errors.
fn bad(option: &str, message: String) -> Failure {
    Failure::Lib(morgue::Error::BadOption {
        option: option.into(),
        message,
    })
}

/// Filters as the CLI builds them from its options: dates, outlets, entities, then metadata.
fn build_filters(
    from: Option<&str>,
    to: Option<&str>,
    include_undated: bool,
    outlets: Vec<String>,
    entities: Vec<String>,
    meta: &[String],
    authors: &[String],
) -> Outcome<Filters> {
    Ok(Filters::new(from, to, include_undated, outlets, entities)
        .and_then(|f| f.with_meta(meta, authors))?)
}

/// Validated filters (dates, outlets, entities, metadata), built as the CLI builds them from
/// its options (`Filters::new`, `with_meta`), so values are parsed and checked by the library.
#[pyclass(frozen, module = "morgue._native")]
pub struct NativeFilters {
    filters: Filters,
    /// `from` and `to` as given, for an export's provenance.
    from: Option<String>,
    to: Option<String>,
}

#[pymethods]
impl NativeFilters {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (from_, to, include_undated, outlets, entities, meta, authors))]
    fn new(
        py: Python<'_>,
        from_: Option<String>,
        to: Option<String>,
        include_undated: bool,
        outlets: Vec<String>,
        entities: Vec<String>,
        meta: Vec<String>,
        authors: Vec<String>,
    ) -> PyResult<NativeFilters> {
        let filters = build_filters(
            from_.as_deref(),
            to.as_deref(),
            include_undated,
            outlets,
            entities,
            &meta,
            &authors,
        )
        .map_err(|f| to_py(py, f, None, None))?;
        Ok(NativeFilters {
            filters,
            from: from_,
            to,
        })
    }

    /// The filters as `search --batch --json` shows them (`from`/`to` as days).
    fn describe(&self) -> String {
        serde_json::to_string(&json::FiltersJson::new(&self.filters)).unwrap_or_default()
    }
}

/// An opened index with the alias table in force (the index's `aliases.tsv`, an explicit
/// file, or the built-in table), as `morgue serve` keeps them.
#[pyclass(frozen, module = "morgue._native")]
pub struct NativeIndex {
    mi: Arc<MorgueIndex>,
    dir: PathBuf,
    aliases: Arc<AliasTable>,
}

/// A JSON document with its `took_ms`, and the messages about filter values that match no
/// article.
type Answer = (String, Vec<String>);

impl NativeIndex {
    fn filters(&self, f: &NativeFilters) -> Filters {
        Filters {
            aliases: Some(self.aliases.clone()),
            ..f.filters.clone()
        }
    }

    /// What the CLI says on stderr about filter values that match no article of the index.
    fn unmatched(&self, filters: &Filters) -> Outcome<Vec<String>> {
        let searcher = self.mi.searcher()?;
        let found = morgue::search::suggest::unmatched(&self.mi, &searcher, filters)?;
        Ok(found
            .into_iter()
            .map(|u| {
                let hint = match u.closest.is_empty() {
                    true => "no close value in the index".to_string(),
                    false => format!("closest: {}", u.closest.join(", ")),
                };
                format!("{} {:?} matches no article; {hint}", u.option, u.value)
            })
            .collect())
    }

    fn err(&self, py: Python<'_>, f: Failure, query: Option<&str>) -> PyErr {
        to_py(py, f, Some(&self.dir), query)
    }
}

/// Parses an optional query as the CLI does before any costly work.
fn parse_query(query: Option<&str>) -> Outcome<Option<Expr>> {
    Ok(query
        .map(morgue::search::parse)
        .transpose()
        .map_err(morgue::Error::from)?)
}

/// `outlets --json` over any `Articles` (one index, or a remote root's groups).
fn outlets_doc(articles: &dyn Articles, query: Option<&str>, filters: &Filters) -> Outcome<String> {
    let expr = parse_query(query)?;
    let (a, took) =
        timed(|| morgue::lookup::outlets::outlets_with(articles, expr.as_ref(), filters));
    let a = a?;
    let doc = lookup::outlets_json(query, &a.rows, a.total, a.undated);
    Ok(json::timed(&doc, took))
}

/// `facet KEY --json` over any `Articles`; `key` is known to have values.
fn facet_doc(
    articles: &dyn Articles,
    key: &str,
    query: Option<&str>,
    filters: &Filters,
    top: Option<usize>,
) -> Outcome<String> {
    let expr = parse_query(query)?;
    let (a, took) =
        timed(|| morgue::lookup::facet::facet_with(articles, expr.as_ref(), filters, key, top));
    let Some(a) = a? else {
        return Err(bad("key", format!("no article has the key {key:?}")));
    };
    let doc = lookup::facet_json(query, &a.facet, a.total, a.undated);
    Ok(json::timed(&doc, took))
}

/// A timeline's options, checked as the CLI checks them (`split_by` already a known key).
fn timeline_options(
    by: &str,
    split_by: Option<String>,
    top: usize,
    normalize: bool,
    all_copies: bool,
) -> Outcome<TimelineOptions> {
    let by = Period::parse(by).ok_or_else(|| {
        bad(
            "by",
            format!("expected year, month, week or day, got {by:?}"),
        )
    })?;
    if top == 0 {
        return Err(bad("top", "give at least 1".into()));
    }
    Ok(TimelineOptions {
        by,
        split_by,
        top: Some(top),
        normalize,
        all_copies,
    })
}

/// `timeline --json` over any `Articles`.
fn timeline_doc(
    articles: &dyn Articles,
    query: &str,
    filters: &Filters,
    opts: &TimelineOptions,
) -> Outcome<String> {
    let expr = parse_query(Some(query))?;
    let (t, took) =
        timed(|| morgue::lookup::timeline::timeline_with(articles, expr.as_ref(), filters, opts));
    Ok(json::timed(&lookup::timeline_json(query, &t?), took))
}

/// A search request from `Index.search`'s arguments, checked as the CLI checks them.
fn search_request(
    query: &str,
    filters: Filters,
    limit: usize,
    passages: usize,
    sort: &str,
    all_copies: bool,
) -> Outcome<SearchRequest> {
    parse_query(Some(query))?;
    let sort = SortOrder::parse(sort).ok_or_else(|| {
        bad(
            "sort",
            format!("expected relevance, date or -date, got {sort:?}"),
        )
    })?;
    if passages == 0 {
        return Err(bad("passages", "give at least 1".into()));
    }
    Ok(SearchRequest {
        query: query.to_string(),
        filters,
        limit,
        passages,
        sort,
        all_copies,
    })
}

/// The request of `entities`: the query checked, the type parsed.
fn entities_request(
    query: Option<String>,
    filters: Filters,
    kind: Option<String>,
    top: usize,
    all_copies: bool,
) -> Outcome<EntitiesRequest> {
    parse_query(query.as_deref())?;
    let kind = kind
        .map(|t| {
            EntityType::parse(&t).ok_or_else(|| {
                bad(
                    "type",
                    format!("expected person, org, location or misc, got {t:?}"),
                )
            })
        })
        .transpose()?;
    Ok(EntitiesRequest {
        query,
        filters,
        kind,
        top,
        all_copies,
    })
}

/// Times `f`, for `took_ms`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = f();
    (out, started.elapsed())
}

#[pymethods]
impl NativeIndex {
    #[new]
    #[pyo3(signature = (path, aliases=None))]
    fn new(py: Python<'_>, path: PathBuf, aliases: Option<PathBuf>) -> PyResult<NativeIndex> {
        let dir = path.clone();
        run(py, || {
            let mi = morgue::index::open(&path)?;
            let aliases = AliasTable::for_index(&path, aliases.as_deref())?;
            Ok(NativeIndex {
                mi: Arc::new(mi),
                dir: path,
                aliases: Arc::new(aliases),
            })
        })
        .map_err(|f| to_py(py, f, Some(&dir), None))
    }

    /// The index folder.
    #[getter]
    fn path(&self) -> PathBuf {
        self.dir.clone()
    }

    /// `search --json`.
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        py: Python<'_>,
        query: String,
        filters: PyRef<'_, NativeFilters>,
        limit: usize,
        passages: usize,
        sort: String,
        all_copies: bool,
        offset: usize,
    ) -> PyResult<Answer> {
        let filters = self.filters(&filters);
        run(py, || {
            let req = search_request(&query, filters, limit, passages, &sort, all_copies)?;
            let warnings = self.unmatched(&req.filters)?;
            let (r, took) = timed(|| morgue::search::search_page(&self.mi, &req, offset));
            Ok((json::timed(&json::search(&r?), took), warnings))
        })
        .map_err(|f| self.err(py, f, Some(&query)))
    }

    /// `outlets --json`.
    #[pyo3(signature = (query, filters))]
    fn outlets(
        &self,
        py: Python<'_>,
        query: Option<String>,
        filters: PyRef<'_, NativeFilters>,
    ) -> PyResult<Answer> {
        let filters = self.filters(&filters);
        run(py, || {
            parse_query(query.as_deref())?;
            let warnings = self.unmatched(&filters)?;
            let doc = outlets_doc(&Local::new(&self.mi)?, query.as_deref(), &filters)?;
            Ok((doc, warnings))
        })
        .map_err(|f| self.err(py, f, query.as_deref()))
    }

    /// `facet KEY --json`.
    #[pyo3(signature = (key, query, filters, top))]
    fn facet(
        &self,
        py: Python<'_>,
        key: String,
        query: Option<String>,
        filters: PyRef<'_, NativeFilters>,
        top: Option<usize>,
    ) -> PyResult<Answer> {
        let filters = self.filters(&filters);
        run(py, || {
            parse_query(query.as_deref())?;
            let key = self.known_key(&key, "key")?;
            let warnings = self.unmatched(&filters)?;
            let doc = facet_doc(
                &Local::new(&self.mi)?,
                &key,
                query.as_deref(),
                &filters,
                top,
            )?;
            Ok((doc, warnings))
        })
        .map_err(|f| self.err(py, f, query.as_deref()))
    }

    /// `timeline --json`.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (query, filters, by, split_by, top, normalize, all_copies))]
    fn timeline(
        &self,
        py: Python<'_>,
        query: String,
        filters: PyRef<'_, NativeFilters>,
        by: String,
        split_by: Option<String>,
        top: usize,
        normalize: bool,
        all_copies: bool,
    ) -> PyResult<Answer> {
        let filters = self.filters(&filters);
        run(py, || {
            parse_query(Some(&query))?;
            let split_by = split_by
                .map(|k| self.known_key(&k, "split_by"))
                .transpose()?;
            let opts = timeline_options(&by, split_by, top, normalize, all_copies)?;
            let warnings = self.unmatched(&filters)?;
            let doc = timeline_doc(&Local::new(&self.mi)?, &query, &filters, &opts)?;
            Ok((doc, warnings))
        })
        .map_err(|f| self.err(py, f, Some(&query)))
    }

    /// `entities --json`.
    #[pyo3(signature = (query, filters, kind, top, all_copies))]
    fn entities(
        &self,
        py: Python<'_>,
        query: Option<String>,
        filters: PyRef<'_, NativeFilters>,
        kind: Option<String>,
        top: usize,
        all_copies: bool,
    ) -> PyResult<Answer> {
        let filters = self.filters(&filters);
        let q = query.clone();
        run(py, || {
            let req = entities_request(query, filters, kind, top, all_copies)?;
            let warnings = self.unmatched(&req.filters)?;
            let (r, took) = timed(|| morgue::lookup::entities::entities(&self.mi, &req));
            Ok((json::timed(&json::entities(&r?), took), warnings))
        })
        .map_err(|f| self.err(py, f, q.as_deref()))
    }

    /// `entity NAME --json`; `None` when no article mentions the name or the alias table
    /// drops it (the CLI prints `null`).
    fn entity(
        &self,
        py: Python<'_>,
        name: String,
        related: usize,
        variants: usize,
        limit: usize,
        all_copies: bool,
    ) -> PyResult<Option<String>> {
        run(py, || {
            if name.trim().is_empty() {
                return Err(bad("NAME", "the name is empty".into()));
            }
            let req = EntityRequest {
                name,
                filters: Filters {
                    aliases: Some(self.aliases.clone()),
                    ..Filters::default()
                },
                all_copies,
                related,
                variants,
                limit,
            };
            let (a, took) = timed(|| morgue::lookup::entities::entity(&self.mi, &req));
            Ok(match a? {
                EntityAnswer::Found(r) => Some(json::timed(&json::entity(&r), took)),
                EntityAnswer::Dropped | EntityAnswer::Missing => None,
            })
        })
        .map_err(|f| self.err(py, f, None))
    }

    /// `show ID|PATH --json`; `None` when the index has no such article.
    fn article(&self, py: Python<'_>, what: String) -> PyResult<Option<String>> {
        run(py, || {
            let searcher = self.mi.searcher()?;
            let started = Instant::now();
            let f = &self.mi.fields;
            let Some(id) = morgue::index::resolve_article(&searcher, f, &what)? else {
                return Ok(None);
            };
            let Some(a) = morgue::index::load_article(&searcher, f, id, morgue::index::Parts::ALL)?
            else {
                return Ok(None);
            };
            let took = started.elapsed();
            Ok(Some(json::timed(&lookup::article_json(&a), took)))
        })
        .map_err(|f| self.err(py, f, None))
    }

    /// `copies ID --json`; `None` when the index has no such article.
    fn copies(&self, py: Python<'_>, what: String) -> PyResult<Option<String>> {
        run(py, || {
            let searcher = self.mi.searcher()?;
            let started = Instant::now();
            let Some(id) = morgue::index::resolve_article(&searcher, &self.mi.fields, &what)?
            else {
                return Ok(None);
            };
            let c = morgue::search::copies::cluster_of(&self.mi, &searcher, id)?;
            let took = started.elapsed();
            Ok(c.map(|c| json::timed(&lookup::cluster_json(&c), took)))
        })
        .map_err(|f| self.err(py, f, None))
    }

    /// `stats --json`.
    fn stats(&self, py: Python<'_>) -> PyResult<String> {
        run(py, || {
            let aliases = (*self.aliases).clone();
            let (s, took) = timed(|| morgue::lookup::stats::stats(&self.mi, &self.dir, aliases));
            Ok(json::timed(&lookup::stats_json(&s?), took))
        })
        .map_err(|f| self.err(py, f, None))
    }

    /// `export --format jsonl`, streamed: an iterator of batches, each a JSON array of at most
    /// `batch_size` rows (the objects `export --format jsonl` writes, one per line). The export
    /// runs on its own thread and waits while two batches are unread; dropping the iterator
    /// stops it.
    #[pyo3(signature = (query, filters, unit, batch_size))]
    fn export(
        &self,
        py: Python<'_>,
        query: String,
        filters: PyRef<'_, NativeFilters>,
        unit: String,
        batch_size: usize,
    ) -> PyResult<ExportStream> {
        let from = filters.from.clone();
        let to = filters.to.clone();
        let filters = self.filters(&filters);
        let (expr, unit, warnings) = run(py, || {
            let expr =
                parse_query(Some(&query))?.ok_or_else(|| bad("query", "it is empty".into()))?;
            let unit = match unit.as_str() {
                "article" => Unit::Article,
                "passage" => Unit::Passage,
                u => {
                    return Err(bad(
                        "unit",
                        format!("expected article or passage, got {u:?}"),
                    ))
                }
            };
            if batch_size == 0 {
                return Err(bad("batch_size", "give at least 1".into()));
            }
            Ok((expr, unit, self.unmatched(&filters)?))
        })
        .map_err(|f| self.err(py, f, Some(&query)))?;
        let (tx, rx) = bounded::<Outcome<Batch>>(2);
        let mi = self.mi.clone();
        let dir = self.dir.clone();
        std::thread::spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| -> Outcome<String> {
                let searcher = mi.searcher()?;
                let mut rows: Vec<String> = Vec::with_capacity(batch_size);
                let gone = || morgue::Error::io("<python>", std::io::ErrorKind::BrokenPipe.into());
                let flush = |rows: &mut Vec<String>| -> morgue::Result<()> {
                    let batch = format!("[{}]", rows.join(","));
                    rows.clear();
                    tx.send(Ok(Batch::Rows(batch))).map_err(|_| gone())
                };
                let n =
                    morgue::lookup::export::export(
                        &mi,
                        &searcher,
                        &expr,
                        &filters,
                        unit,
                        SortOrder::Relevance,
                        |row: &ExportRow| {
                            rows.push(morgue::present::export::json_line(row).map_err(|e| {
                                morgue::Error::io("<json>", std::io::Error::other(e))
                            })?);
                            match rows.len() >= batch_size {
                                true => flush(&mut rows),
                                false => Ok(()),
                            }
                        },
                    )?;
                if !rows.is_empty() {
                    flush(&mut rows)?;
                }
                let provenance = Provenance {
                    parsed: expr.to_string(),
                    query,
                    from,
                    to,
                    include_undated: filters.include_undated,
                    outlets: filters.outlets.clone(),
                    entities: filters.entities.clone(),
                    meta: filters
                        .meta
                        .iter()
                        .map(|(k, v)| morgue::index::meta::meta_term(k, v))
                        .collect(),
                    unit,
                    morgue_version: env!("CARGO_PKG_VERSION").to_string(),
                    index_fingerprint: morgue::lookup::export::fingerprint(&dir)?,
                    rows: n,
                };
                Ok(serde_json::to_string_pretty(&provenance).unwrap_or_default())
            }));
            let last = match outcome {
                Ok(Ok(provenance)) => Ok(Batch::Done(provenance)),
                Ok(Err(f)) => Err(f),
                Err(payload) => Err(Failure::Panic(morgue::index::health::panic_message(
                    &*payload,
                ))),
            };
            // The receiver may be gone (the iterator was dropped): nothing to tell then.
            let _ = tx.send(last);
        });
        Ok(ExportStream {
            rx,
            dir: self.dir.clone(),
            provenance: Mutex::new(None),
            warnings,
        })
    }
}

impl NativeIndex {
    /// The facet key as stored (`outlet`, or the metadata key lowercased), when some article
    /// has it; else the library's message naming the closest keys (as `morgue facet` says).
    fn known_key(&self, key: &str, option: &str) -> Outcome<String> {
        let Some(key) = morgue::read::record::meta_key(key) else {
            return Err(bad(
                option,
                "the key is empty: give `outlet`, `author` or a metadata key".into(),
            ));
        };
        let searcher = self.mi.searcher()?;
        if morgue::lookup::facet::values_of(&searcher, &key)?.is_some() {
            return Ok(key);
        }
        Err(bad(
            option,
            morgue::lookup::facet::unknown_key(&searcher, &key)?,
        ))
    }
}

/// What the export thread sends.
enum Batch {
    /// A JSON array of rows.
    Rows(String),
    /// The end, with the export's provenance (`export --output FILE`'s `FILE.meta.json`).
    Done(String),
}

/// The batches of an export (see [`NativeIndex::export`]).
#[pyclass(frozen, module = "morgue._native")]
pub struct ExportStream {
    rx: Receiver<Outcome<Batch>>,
    dir: PathBuf,
    provenance: Mutex<Option<String>>,
    warnings: Vec<String>,
}

#[pymethods]
impl ExportStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<String>> {
        // Disconnected: the end was already received.
        let Ok(next) = py.detach(|| self.rx.recv()) else {
            return Ok(None);
        };
        match next {
            Ok(Batch::Rows(rows)) => Ok(Some(rows)),
            Ok(Batch::Done(p)) => {
                *self.provenance.lock().unwrap_or_else(|p| p.into_inner()) = Some(p);
                Ok(None)
            }
            Err(f) => Err(to_py(py, f, Some(&self.dir), None)),
        }
    }

    /// The provenance (JSON), once every batch has been read.
    #[getter]
    fn provenance(&self) -> Option<String> {
        self.provenance
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Messages about filter values that match no article.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

/// `ingest --json`: reads `paths` into the index at `index` (created when missing).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (index, paths, outlet, format, fields, force, batch, max_record_size, aliases, shards))]
fn ingest(
    py: Python<'_>,
    index: PathBuf,
    paths: Vec<PathBuf>,
    outlet: Option<String>,
    format: Option<String>,
    fields: Vec<String>,
    force: bool,
    batch: usize,
    max_record_size: u64,
    aliases: Option<PathBuf>,
    shards: Option<usize>,
) -> PyResult<String> {
    let dir = index.clone();
    run(py, || {
        if outlet.as_deref().is_some_and(|o| o.trim().is_empty()) {
            return Err(bad("--outlet", "the name is empty".into()));
        }
        if batch == 0 || max_record_size == 0 {
            return Err(bad("batch/max_record_size", "give at least 1".into()));
        }
        let fields =
            morgue::read::FieldMap::parse(&fields).map_err(|message| bad("--field", message))?;
        let opts = morgue::pipeline::IngestOptions {
            outlet,
            batch,
            format,
            fields,
            force,
            aliases,
            max_record: max_record_size,
            shards,
            ..morgue::pipeline::IngestOptions::default()
        };
        let report = morgue::pipeline::ingest(&index, &paths, &opts)?;
        Ok(json::timed(&json::ingest(&report), report.elapsed))
    })
    .map_err(|f| to_py(py, f, Some(&dir), None))
}

/// Some shards of a sharded root, held open by one process of a distributed search (a Ray
/// actor): it answers the driver's questions (`distributed::Ask`, JSON bytes) with
/// `distributed::Answer`s.
#[pyclass(frozen, module = "morgue._native")]
pub struct NativeGroup {
    group: Arc<distributed::Group>,
    dir: PathBuf,
}

#[pymethods]
impl NativeGroup {
    #[new]
    #[pyo3(signature = (root, shards, aliases=None))]
    fn new(
        py: Python<'_>,
        root: PathBuf,
        shards: Vec<usize>,
        aliases: Option<PathBuf>,
    ) -> PyResult<NativeGroup> {
        let dir = root.clone();
        run(py, || {
            let mi = morgue::index::open_shards(&root, &shards)?;
            let aliases = AliasTable::for_index(&root, aliases.as_deref())?;
            Ok(NativeGroup {
                group: Arc::new(distributed::Group::new(mi, aliases)),
                dir: root,
            })
        })
        .map_err(|f| to_py(py, f, Some(&dir), None))
    }

    /// Answers one question of the driver.
    fn answer(&self, py: Python<'_>, ask: Vec<u8>) -> PyResult<Vec<u8>> {
        run(py, || {
            let ask: distributed::Ask = serde_json::from_slice(&ask)
                .map_err(|e| bad("ask", format!("not a morgue question: {e}")))?;
            let answer = self.group.answer(ask)?;
            Ok(serde_json::to_vec(&answer).unwrap_or_default())
        })
        .map_err(|f| to_py(py, f, Some(&self.dir), None))
    }
}

/// The driver of a root whose shards other processes hold (`distributed::Remote`): it sends
/// each round's questions through `transport`, a Python callable that takes one `bytes` or
/// `None` per group and returns their answers in the same order (`morgue.ray` sends them to
/// Ray actors). Searches and lookups give what `Index` gives on one index holding every shard.
/// It holds the GIL while it drives (the transport is Python), released by Ray while it waits.
#[pyclass(unsendable, module = "morgue._native")]
pub struct NativeRemote {
    remote: distributed::Remote<'static>,
    /// An exception the transport raised, re-raised as it was.
    raised: Arc<Mutex<Option<PyErr>>>,
}

#[pymethods]
impl NativeRemote {
    #[new]
    #[pyo3(signature = (groups, transport, root, aliases=None))]
    fn new(
        py: Python<'_>,
        groups: usize,
        transport: Py<PyAny>,
        root: PathBuf,
        aliases: Option<PathBuf>,
    ) -> PyResult<NativeRemote> {
        let table = AliasTable::for_index(&root, aliases.as_deref())
            .map_err(|e| to_py(py, e.into(), Some(&root), None))?;
        let raised: Arc<Mutex<Option<PyErr>>> = Arc::default();
        let slot = Arc::clone(&raised);
        let send = move |asks: Vec<Option<distributed::Ask>>| {
            Python::attach(|py| -> morgue::Result<Vec<Option<distributed::Answer>>> {
                let wire: Vec<Option<Vec<u8>>> = asks
                    .iter()
                    .map(|a| {
                        a.as_ref()
                            .map(|a| serde_json::to_vec(a).unwrap_or_default())
                    })
                    .collect();
                let got = transport
                    .call1(py, (wire,))
                    .and_then(|r| r.extract::<Vec<Option<Vec<u8>>>>(py));
                let got = match got {
                    Ok(g) => g,
                    Err(e) => {
                        let message = e.to_string();
                        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                        return Err(transport_error(message));
                    }
                };
                got.into_iter()
                    .map(|a| {
                        a.map(|bytes| {
                            serde_json::from_slice(&bytes)
                                .map_err(|e| transport_error(format!("not a morgue answer: {e}")))
                        })
                        .transpose()
                    })
                    .collect()
            })
        };
        let remote = distributed::Remote::connect(groups, Box::new(send), table);
        let me = NativeRemote {
            remote: remote.map_err(|e| take_raised(py, &raised, e.into(), None))?,
            raised,
        };
        Ok(me)
    }

    /// `search --json`.
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        py: Python<'_>,
        query: String,
        filters: PyRef<'_, NativeFilters>,
        limit: usize,
        passages: usize,
        sort: String,
        all_copies: bool,
        offset: usize,
    ) -> PyResult<Answer> {
        let filters = filters.filters.clone();
        self.call(py, Some(&query), || {
            let req = search_request(&query, filters, limit, passages, &sort, all_copies)?;
            let (r, took) = timed(|| self.remote.search(&req, offset));
            Ok(json::timed(&json::search(&r?), took))
        })
    }

    /// `outlets --json`.
    #[pyo3(signature = (query, filters))]
    fn outlets(
        &self,
        py: Python<'_>,
        query: Option<String>,
        filters: PyRef<'_, NativeFilters>,
    ) -> PyResult<Answer> {
        let filters = filters.filters.clone();
        self.call(py, query.as_deref(), || {
            outlets_doc(&self.remote, query.as_deref(), &filters)
        })
    }

    /// `facet KEY --json`.
    #[pyo3(signature = (key, query, filters, top))]
    fn facet(
        &self,
        py: Python<'_>,
        key: String,
        query: Option<String>,
        filters: PyRef<'_, NativeFilters>,
        top: Option<usize>,
    ) -> PyResult<Answer> {
        let filters = filters.filters.clone();
        self.call(py, query.as_deref(), || {
            parse_query(query.as_deref())?;
            let key = self.known_key(&key, "key")?;
            facet_doc(&self.remote, &key, query.as_deref(), &filters, top)
        })
    }

    /// `entities --json`.
    #[pyo3(signature = (query, filters, kind, top, all_copies))]
    fn entities(
        &self,
        py: Python<'_>,
        query: Option<String>,
        filters: PyRef<'_, NativeFilters>,
        kind: Option<String>,
        top: usize,
        all_copies: bool,
    ) -> PyResult<Answer> {
        let filters = filters.filters.clone();
        self.call(py, query.as_deref(), || {
            let req = entities_request(query.clone(), filters, kind, top, all_copies)?;
            let (r, took) = timed(|| self.remote.entities(&req));
            Ok(json::timed(&json::entities(&r?), took))
        })
    }

    /// `timeline --json`.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (query, filters, by, split_by, top, normalize, all_copies))]
    fn timeline(
        &self,
        py: Python<'_>,
        query: String,
        filters: PyRef<'_, NativeFilters>,
        by: String,
        split_by: Option<String>,
        top: usize,
        normalize: bool,
        all_copies: bool,
    ) -> PyResult<Answer> {
        let filters = filters.filters.clone();
        self.call(py, Some(&query), || {
            parse_query(Some(&query))?;
            let split_by = split_by
                .map(|k| self.known_key(&k, "split_by"))
                .transpose()?;
            let opts = timeline_options(&by, split_by, top, normalize, all_copies)?;
            timeline_doc(&self.remote, &query, &filters, &opts)
        })
    }
}

impl NativeRemote {
    /// Runs `f` (with the GIL: the transport calls Python), catching a panic; an exception
    /// the transport raised is re-raised as it was. No warnings about unmatched filter values:
    /// they would need every group's values.
    fn call(
        &self,
        py: Python<'_>,
        query: Option<&str>,
        f: impl FnOnce() -> Outcome<String>,
    ) -> PyResult<Answer> {
        let out = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(payload) => Err(Failure::Panic(morgue::index::health::panic_message(
                &*payload,
            ))),
        };
        out.map(|doc| (doc, Vec::new()))
            .map_err(|f| take_raised(py, &self.raised, f, query))
    }

    /// `key` as stored, when some article of some group has a value of it.
    fn known_key(&self, key: &str, option: &str) -> Outcome<String> {
        let Some(key) = morgue::read::record::meta_key(key) else {
            return Err(bad(
                option,
                "the key is empty: give `outlet`, `author` or a metadata key".into(),
            ));
        };
        let keys = &self.remote.globals().meta_keys;
        if key == morgue::lookup::facet::OUTLET || keys.contains(&key) {
            return Ok(key);
        }
        Err(bad(
            option,
            format!(
                "no article has a value of `{key}`; keys in this index: outlet, {}",
                keys.join(", ")
            ),
        ))
    }
}

/// A failure of the transport (its Python exception is kept apart, see `take_raised`).
fn transport_error(message: String) -> morgue::Error {
    morgue::Error::BadOption {
        option: "transport".into(),
        message,
    }
}

/// The exception the transport raised, if it did; else the failure's.
fn take_raised(
    py: Python<'_>,
    raised: &Mutex<Option<PyErr>>,
    f: Failure,
    query: Option<&str>,
) -> PyErr {
    match raised.lock().unwrap_or_else(|p| p.into_inner()).take() {
        Some(e) => e,
        None => to_py(py, f, None, query),
    }
}

/// Shards built apart (Ray tasks): creates the root with `shards` shards when needed and says
/// which sources each shard reads (`pipeline::plan_built_apart`: a big JSON-lines file split
/// into byte ranges of at least `min_part_bytes`), as JSON: `folders`, `sources` (one list per
/// shard) and `skipped`.
#[pyfunction]
#[pyo3(signature = (root, paths, shards, format=None, min_part_bytes=None))]
fn plan_shards(
    py: Python<'_>,
    root: PathBuf,
    paths: Vec<PathBuf>,
    shards: Option<usize>,
    format: Option<String>,
    min_part_bytes: Option<u64>,
) -> PyResult<String> {
    let dir = root.clone();
    run(py, || {
        let opts = morgue::pipeline::IngestOptions {
            shards,
            format,
            ..morgue::pipeline::IngestOptions::default()
        };
        let min_part = min_part_bytes.unwrap_or(morgue::pipeline::MIN_PART_BYTES);
        let plan = morgue::pipeline::plan_built_apart(&root, &paths, &opts, min_part)?;
        Ok(serde_json::to_string(&plan).unwrap_or_default())
    })
    .map_err(|f| to_py(py, f, Some(&dir), None))
}

/// Joins shards built apart (`pipeline::finish_built_apart`): texts held twice, copy clusters
/// across shards, furniture learned from every shard. Returns what it did as JSON.
#[pyfunction]
#[pyo3(signature = (root, aliases=None))]
fn finish_shards(py: Python<'_>, root: PathBuf, aliases: Option<PathBuf>) -> PyResult<String> {
    let dir = root.clone();
    run(py, || {
        let opts = morgue::pipeline::IngestOptions {
            aliases,
            ..morgue::pipeline::IngestOptions::default()
        };
        let done = morgue::pipeline::finish_built_apart(&root, &opts)?;
        Ok(serde_json::to_string(&done).unwrap_or_default())
    })
    .map_err(|f| to_py(py, f, Some(&dir), None))
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeIndex>()?;
    m.add_class::<NativeFilters>()?;
    m.add_class::<ExportStream>()?;
    m.add_class::<NativeGroup>()?;
    m.add_class::<NativeRemote>()?;
    m.add_function(wrap_pyfunction!(ingest, m)?)?;
    m.add_function(wrap_pyfunction!(plan_shards, m)?)?;
    m.add_function(wrap_pyfunction!(finish_shards, m)?)?;
    m.add("MorgueError", m.py().get_type::<MorgueError>())?;
    m.add("QueryError", m.py().get_type::<QueryError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
