//! The routes: the page (`/`, `/article/{id}`, `/entity`), its assets, and the JSON API, each
//! endpoint calling the same library function and serializer as the matching CLI command.
//!
//! Every response carries a Content-Security-Policy that allows only the server's own script
//! and style (no inline script), `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//! no-referrer` and `X-Frame-Options: DENY`.

use super::assets;
use super::errors::ApiError;
use super::params::Params;
use super::{json_response, App};
use crate::extract::ner::EntityType;
use crate::lookup::entities::{EntitiesRequest, EntityAnswer, EntityRequest};
use crate::lookup::export::{fingerprint, Provenance, Unit};
use crate::lookup::timeline::{Period, TimelineOptions};
use crate::model::ArticleId;
use crate::present::export::{Format, RowWriter};
use crate::present::{json, lookup};
use crate::search::{Filters, SearchRequest, SortOrder};
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Instant;

/// Most hits one search page returns (`limit`).
pub const MAX_LIMIT: usize = 100;
/// Most passages per hit (`passages`).
pub const MAX_PASSAGES: usize = 20;
/// Most rows a listing returns (`top`, the entity's `limit`, `related`, `variants`).
pub const MAX_ROWS: usize = 1000;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

type Shared = State<Arc<App>>;

/// The router over `app`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/article/{id}", get(page))
        .route("/entity", get(page))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .route("/api/search", get(search))
        .route("/api/outlets", get(outlets))
        .route("/api/facet", get(facet))
        .route("/api/keys", get(keys))
        .route("/api/timeline", get(timeline))
        .route("/api/entities", get(entities))
        .route("/api/entity", get(entity))
        .route("/api/article/{id}", get(article))
        .route("/api/copies/{id}", get(copies))
        .route("/api/stats", get(stats))
        .route("/api/export", get(export))
        .route("/api/export/meta", get(export_meta))
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure))
        .with_state(app)
}

async fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

async fn page() -> Response {
    assets::page()
}

async fn app_js() -> Response {
    assets::asset(assets::APP_JS, "text/javascript; charset=utf-8")
}

async fn app_css() -> Response {
    assets::asset(assets::APP_CSS, "text/css; charset=utf-8")
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::not_found(format!("no such page or endpoint: {}", uri.path())).into_response()
}

impl App {
    /// Runs `f` (library calls) on the blocking pool under the time limit; its `Ok` is a JSON
    /// document as the CLI prints it, given `took_ms` (the time `f` took) and made safe. The
    /// limit counts the wait for a turn (see `App::running`) and the call; a call still running
    /// when it is reached is answered with a 503 and keeps its turn until it ends, so calls that
    /// overrun never add up to more than the turns.
    async fn answer<F>(self: &Arc<Self>, f: F) -> Response
    where
        F: FnOnce(&App) -> Result<String, ApiError> + Send + 'static,
    {
        let app = self.clone();
        let limit = self.time_limit;
        let asked = Instant::now();
        let run = async move {
            let turn = app.running.clone().acquire_owned().await;
            tokio::task::spawn_blocking(move || {
                let _turn = turn;
                let started = Instant::now();
                f(&app).map(|doc| json::timed(&doc, started.elapsed()))
            })
            .await
        };
        let outcome = tokio::time::timeout(limit, run).await;
        // A call that ended past the limit before the timer was looked at is past it all the
        // same (the timer alone depends on when the task is polled).
        let late = asked.elapsed() > limit;
        match outcome {
            Err(_) => ApiError::timed_out(limit).into_response(),
            Ok(_) if late => ApiError::timed_out(limit).into_response(),
            Ok(Err(join)) => ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: format!("internal error (a bug in morgue; please report it): {join}"),
                column: None,
            }
            .into_response(),
            Ok(Ok(Err(e))) => e.into_response(),
            Ok(Ok(Ok(doc))) => json_response(
                StatusCode::OK,
                crate::present::safe::json(&doc).into_owned(),
            ),
        }
    }

    fn filters(&self, p: &Params) -> Result<Filters, ApiError> {
        p.filters(&self.aliases)
    }
}

/// A library error, with the query it concerns for a query error's column.
fn lib(query: Option<&str>) -> impl Fn(crate::Error) -> ApiError + '_ {
    move |e| ApiError::from_library(e, query)
}

/// An optional query, parsed (a malformed one is a 400 with its column).
fn parse_query(q: Option<&str>) -> Result<Option<crate::search::Expr>, ApiError> {
    q.map(crate::search::parse)
        .transpose()
        .map_err(|e| ApiError::from_library(e.into(), q))
}

/// An article id as the API accepts it: 16 hex digits (never a path).
fn article_id(id: &str) -> Result<ArticleId, ApiError> {
    id.parse()
        .map_err(|e| ApiError::not_found(format!("no article {id:?}: {e}")))
}

async fn search(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let known = ["q", "limit", "offset", "passages", "sort", "all_copies"];
        let p = Params::parse(raw.as_deref(), &known, true)?;
        let query = p.required("q")?;
        let req = SearchRequest {
            filters: app.filters(&p)?,
            limit: p.count("limit", 10, 1, MAX_LIMIT)?,
            passages: p.count("passages", 1, 1, MAX_PASSAGES)?,
            sort: p.choice(
                "sort",
                SortOrder::Relevance,
                "relevance, date or -date",
                SortOrder::parse,
            )?,
            all_copies: p.flag("all_copies")?,
            query,
        };
        let offset = p.count("offset", 0, 0, usize::MAX / 2)?;
        let results =
            crate::search::search_page(&app.mi, &req, offset).map_err(lib(Some(&req.query)))?;
        Ok(json::search(&results))
    })
    .await
}

async fn outlets(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let p = Params::parse(raw.as_deref(), &["q"], true)?;
        let q = p.text("q")?;
        let expr = parse_query(q.as_deref())?;
        let filters = app.filters(&p)?;
        let a = crate::lookup::outlets::outlets_of(&app.mi, expr.as_ref(), &filters)
            .map_err(lib(q.as_deref()))?;
        Ok(lookup::outlets_json(
            q.as_deref(),
            &a.rows,
            a.total,
            a.undated,
        ))
    })
    .await
}

async fn timeline(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let known = ["q", "by", "split_by", "top", "normalize", "all_copies"];
        let p = Params::parse(raw.as_deref(), &known, true)?;
        let q = p.required("q")?;
        let expr = parse_query(Some(&q))?;
        let opts = TimelineOptions {
            by: p.choice(
                "by",
                Period::Year,
                "year, month, week or day",
                Period::parse,
            )?,
            split_by: match p.text("split_by")? {
                None => None,
                Some(k) => Some(crate::read::record::meta_key(&k).ok_or_else(|| {
                    ApiError::bad("parameter \"split_by\": give `outlet` or a metadata key")
                })?),
            },
            top: Some(p.count("top", 10, 1, 1000)?),
            normalize: p.flag("normalize")?,
            all_copies: p.flag("all_copies")?,
        };
        let filters = app.filters(&p)?;
        let t = crate::lookup::timeline::timeline_of(&app.mi, expr.as_ref(), &filters, &opts)
            .map_err(lib(Some(&q)))?;
        Ok(lookup::timeline_json(&q, &t))
    })
    .await
}

async fn entities(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let p = Params::parse(raw.as_deref(), &["q", "type", "top", "all_copies"], true)?;
        let query = p.text("q")?;
        parse_query(query.as_deref())?;
        let req = EntitiesRequest {
            filters: app.filters(&p)?,
            kind: p
                .one("type")?
                .map(|t| {
                    EntityType::parse(&t).ok_or_else(|| {
                        ApiError::bad(format!(
                            "parameter \"type\": expected person, org, location or misc, got {t:?}"
                        ))
                    })
                })
                .transpose()?,
            top: p.count("top", 20, 1, MAX_ROWS)?,
            all_copies: p.flag("all_copies")?,
            query,
        };
        let r =
            crate::lookup::entities::entities(&app.mi, &req).map_err(lib(req.query.as_deref()))?;
        Ok(json::entities(&r))
    })
    .await
}

async fn entity(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let known = ["name", "related", "variants", "limit", "all_copies"];
        let p = Params::parse(raw.as_deref(), &known, false)?;
        let req = EntityRequest {
            name: p.required("name")?,
            filters: Filters {
                aliases: Some(app.aliases.clone()),
                ..Filters::default()
            },
            all_copies: p.flag("all_copies")?,
            related: p.count("related", 10, 0, MAX_ROWS)?,
            variants: p.count("variants", 10, 0, MAX_ROWS)?,
            limit: p.count("limit", 20, 0, MAX_ROWS)?,
        };
        match crate::lookup::entities::entity(&app.mi, &req).map_err(lib(None))? {
            EntityAnswer::Found(r) => Ok(json::entity(&r)),
            EntityAnswer::Dropped => Err(ApiError::not_found(format!(
                "the alias table drops {:?} (!drop): it is not counted as an entity",
                req.name
            ))),
            EntityAnswer::Missing => Err(ApiError::not_found(format!(
                "no article mentions {:?}",
                req.name
            ))),
        }
    })
    .await
}

/// What `/api/article/{id}` and `/api/copies/{id}` look up for a valid id (`None`: a 404).
type Look = fn(&App, &tantivy::Searcher, ArticleId, &Params) -> Result<Option<String>, ApiError>;

/// An answer about one article; `known` are the parameters `look` reads.
async fn about_article(
    app: Arc<App>,
    id: String,
    raw: Option<String>,
    known: &'static [&'static str],
    look: Look,
) -> Response {
    app.answer(move |app| {
        let p = Params::parse(raw.as_deref(), known, false)?;
        let id = article_id(&id)?;
        let searcher = app.mi.searcher().map_err(lib(None))?;
        look(app, &searcher, id, &p)?
            .ok_or_else(|| ApiError::not_found(format!("no article {id} in the index")))
    })
    .await
}

/// `morgue show --json`; with `q`, each passage also gets `highlights`: `[start, end)`
/// character ranges of what the query matches in its `text`, as search hits have them.
async fn article(State(app): Shared, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    about_article(app, id, raw, &["q"], |app, searcher, id, p| {
        let q = p.text("q")?;
        let expr = parse_query(q.as_deref())?;
        let Some(a) =
            crate::index::load_article(searcher, &app.mi.fields, id, crate::index::Parts::ALL)
                .map_err(lib(None))?
        else {
            return Ok(None);
        };
        let doc = lookup::article_json(&a);
        let Some(expr) = expr else {
            return Ok(Some(doc));
        };
        let mut v: serde_json::Value = serde_json::from_str(&doc)
            .map_err(|e| ApiError::from_library(crate::Error::io("<json>", e.into()), None))?;
        let mut highlighter = crate::search::highlighter(&app.mi, &expr);
        for passage in v["passages"].as_array_mut().into_iter().flatten() {
            let text = passage["text"].as_str().unwrap_or_default().to_string();
            let ranges = crate::present::json::char_ranges(&text, &highlighter.passage(&text));
            passage["highlights"] = serde_json::json!(ranges);
        }
        Ok(Some(
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n",
        ))
    })
    .await
}

async fn copies(State(app): Shared, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Response {
    about_article(app, id, raw, &[], |app, searcher, id, _| {
        let c = crate::search::copies::cluster_of(&app.mi, searcher, id).map_err(lib(None))?;
        Ok(c.map(|c| lookup::cluster_json(&c)))
    })
    .await
}

async fn facet(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let p = Params::parse(raw.as_deref(), &["key", "q", "top"], true)?;
        let key = p.required("key")?;
        let q = p.text("q")?;
        let expr = parse_query(q.as_deref())?;
        let top = match p.text("top")? {
            Some(_) => Some(p.count("top", 10, 1, 100_000)?),
            None => None,
        };
        let filters = app.filters(&p)?;
        let found = crate::lookup::facet::facet_of(&app.mi, expr.as_ref(), &filters, &key, top)
            .map_err(lib(q.as_deref()))?;
        match found {
            Some(a) => Ok(lookup::facet_json(
                q.as_deref(),
                &a.facet,
                a.total,
                a.undated,
            )),
            None => {
                let searcher = app.mi.searcher().map_err(lib(None))?;
                let key = crate::read::record::meta_key(&key).unwrap_or(key);
                let message =
                    crate::lookup::facet::unknown_key(&searcher, &key).map_err(lib(None))?;
                Err(ApiError::bad(message))
            }
        }
    })
    .await
}

/// `/api/keys`: the metadata keys of the index with their numbers of distinct values,
/// `{"keys": [{"key", "values"}]}`, by key (what the page offers as facets).
async fn keys(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        Params::parse(raw.as_deref(), &[], false)?;
        let searcher = app.mi.searcher().map_err(lib(None))?;
        let keys = crate::index::meta::meta_keys(&searcher).map_err(lib(None))?;
        #[derive(serde::Serialize)]
        struct Key {
            key: String,
            values: usize,
        }
        #[derive(serde::Serialize)]
        struct Keys {
            keys: Vec<Key>,
        }
        let keys = keys
            .into_iter()
            .map(|(key, values)| Key { key, values })
            .collect();
        Ok(serde_json::to_string_pretty(&Keys { keys }).unwrap_or_default())
    })
    .await
}

async fn stats(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        Params::parse(raw.as_deref(), &[], false)?;
        let s = crate::lookup::stats::stats(&app.mi, &app.dir, (*app.aliases).clone())
            .map_err(lib(None))?;
        Ok(lookup::stats_json(&s))
    })
    .await
}

/// An export as asked: the query, its filters, the format and the unit.
struct ExportAsk {
    query: String,
    expr: crate::search::Expr,
    filters: Filters,
    params: Params,
    format: Format,
    unit: Unit,
    raw_cells: bool,
}

impl ExportAsk {
    fn parse(app: &App, raw: Option<&str>) -> Result<ExportAsk, ApiError> {
        let p = Params::parse(raw, &["q", "format", "unit", "raw_cells"], true)?;
        let query = p.required("q")?;
        let expr = parse_query(Some(&query))?.ok_or_else(|| ApiError::bad("q is empty"))?;
        Ok(ExportAsk {
            expr,
            filters: app.filters(&p)?,
            format: p.choice("format", Format::Csv, "csv or jsonl", Format::parse)?,
            unit: p.choice("unit", Unit::Article, "article or passage", |s| match s {
                "article" => Some(Unit::Article),
                "passage" => Some(Unit::Passage),
                _ => None,
            })?,
            raw_cells: p.flag("raw_cells")?,
            params: p,
            query,
        })
    }

    /// Runs the export, handing each row to `sink`; returns the number of rows.
    fn run(
        &self,
        app: &App,
        sink: impl FnMut(&crate::lookup::export::ExportRow) -> crate::Result<()>,
    ) -> crate::Result<usize> {
        let searcher = app.mi.searcher()?;
        crate::lookup::export::export(
            &app.mi,
            &searcher,
            &self.expr,
            &self.filters,
            self.unit,
            SortOrder::Relevance,
            sink,
        )
    }

    /// The sidecar `morgue export --output FILE` writes as `FILE.meta.json`.
    fn provenance(&self, app: &App, rows: usize) -> Result<Provenance, ApiError> {
        let one = |name| self.params.one(name);
        Ok(Provenance {
            parsed: self.expr.to_string(),
            query: self.query.clone(),
            from: one("from")?,
            to: one("to")?,
            include_undated: self.filters.include_undated,
            outlets: self.filters.outlets.clone(),
            entities: self.filters.entities.clone(),
            meta: self
                .filters
                .meta
                .iter()
                .map(|(k, v)| crate::index::meta::meta_term(k, v))
                .collect(),
            unit: self.unit,
            morgue_version: env!("CARGO_PKG_VERSION").to_string(),
            index_fingerprint: fingerprint(&app.dir).map_err(lib(None))?,
            rows,
        })
    }
}

/// A `Write` that sends what it is given to the response body in chunks; once the client has
/// gone, writes fail (and the export stops).
struct ChunkSender {
    tx: tokio::sync::mpsc::Sender<Bytes>,
    buf: Vec<u8>,
}

impl ChunkSender {
    const CHUNK: usize = 64 * 1024;

    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(chunk)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

impl std::io::Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// `/api/export`: every matching article (or passage), streamed as CSV or JSON Lines with the
/// columns of `morgue export`. Parameters are checked before the first byte, so a bad query is
/// a 400; the stream itself has no time limit and no cap (like the CLI's), and stops when the
/// client goes away.
async fn export(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    let ask = match ExportAsk::parse(&app, raw.as_deref()) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let (content_type, ext) = match ask.format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Jsonl => ("application/jsonl; charset=utf-8", "jsonl"),
    };
    tokio::task::spawn_blocking(move || {
        let out = ChunkSender {
            tx,
            buf: Vec::new(),
        };
        let io = |e: std::io::Error| crate::Error::io("<response>", e);
        let mut writer = RowWriter::new(out, ask.format, ask.raw_cells).map_err(io)?;
        ask.run(&app, |row| writer.write(row).map_err(io))?;
        writer.flush().map_err(io)
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|chunk| chunk.map(Ok::<Bytes, std::io::Error>))
    });
    let mut r = Body::from_stream(stream).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"morgue-export.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `/api/export/meta`: the provenance sidecar of the export with the same parameters (its row
/// count is counted by running the export without writing it).
async fn export_meta(State(app): Shared, RawQuery(raw): RawQuery) -> Response {
    app.answer(move |app| {
        let ask = ExportAsk::parse(app, raw.as_deref())?;
        let rows = ask.run(app, |_| Ok(())).map_err(lib(Some(&ask.query)))?;
        let p = ask.provenance(app, rows)?;
        Ok(serde_json::to_string_pretty(&p).unwrap_or_default() + "\n")
    })
    .await
}
