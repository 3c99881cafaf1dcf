//! `morgue serve`: a local web app and a JSON API over the library.
//!
//! Owns the HTTP side: the routes (`routes.rs`), their query-string parameters (`params.rs`),
//! the error shape (`errors.rs`) and the embedded page (`assets.rs`, files in `assets/`). Every
//! answer comes from the same library call and the same `present` serializer as the CLI's
//! `--json`, so the API's shapes are exactly the CLI's. Read-only: nothing here writes to the
//! index; each request gets a searcher over the latest commit (the index handle reloads when
//! another process commits). Library calls are synchronous and run on tokio's blocking pool,
//! each under a time limit. Must not: open files named by a request, print.
//!
//! ```no_run
//! let app = morgue::server::App::open(&morgue::server::ServeOptions {
//!     index: "index".into(),
//!     aliases: None,
//!     time_limit: std::time::Duration::from_secs(10),
//! })?;
//! let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! morgue::server::serve(listener, app)?;
//! # Ok::<(), morgue::Error>(())
//! ```

mod assets;
mod errors;
mod params;
mod routes;

pub use errors::ApiError;

use crate::extract::aliases::AliasTable;
use crate::index::MorgueIndex;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How to serve an index.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The index folder.
    pub index: PathBuf,
    /// An alias table instead of the index folder's `aliases.tsv` (`--aliases`).
    pub aliases: Option<PathBuf>,
    /// Longest a request may run before it is answered with a 503.
    pub time_limit: Duration,
}

/// What every request shares: the index handle, the alias table, the limits.
pub struct App {
    mi: MorgueIndex,
    dir: PathBuf,
    aliases: Arc<AliasTable>,
    time_limit: Duration,
    /// Library calls allowed to run at once (twice the cores): past that, requests wait their
    /// turn (within their time limit) instead of all slowing each other down.
    running: Arc<tokio::sync::Semaphore>,
}

impl App {
    /// Opens the index (it must exist) and the alias table.
    pub fn open(opts: &ServeOptions) -> crate::Result<App> {
        let mi = crate::index::open(&opts.index)?;
        // Fail now, not at the first request, when the index cannot be read.
        mi.searcher()?;
        Ok(App {
            mi,
            dir: opts.index.clone(),
            aliases: Arc::new(AliasTable::for_index(&opts.index, opts.aliases.as_deref())?),
            time_limit: opts.time_limit,
            running: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            )),
        })
    }
}

/// Serves `app` on `listener` until the process is interrupted (Ctrl-C). Blocks.
pub fn serve(listener: std::net::TcpListener, app: App) -> crate::Result<()> {
    let io = |e: std::io::Error| crate::Error::io("<server>", e);
    listener.set_nonblocking(true).map_err(io)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    runtime.block_on(async move {
        // Responses go out as soon as they are written (no Nagle delay on small writes).
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(io)?
            .tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
        axum::serve(listener, routes::router(Arc::new(app)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(io)
    })
}

/// A JSON response (`body` already serialized and made safe).
fn json_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}
