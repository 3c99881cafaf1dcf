//! Warm, in-process query latency for `scripts/bench.sh`: opens the index once, runs each query
//! of the query set (`benches/queries.tsv`) a few times to warm the caches, then times `REPS`
//! more runs of `morgue::search::search` (top 10 articles, one highlighted passage each, as
//! `morgue search` does) and prints one JSON object: per query its kind, query, filters, total
//! and every timed run in milliseconds.
//!
//! ```sh
//! cargo run --release --example query_latency -- --index DIR [--queries FILE] [--reps N] [--warm N]
//! ```

use morgue::extract::aliases::AliasTable;
use morgue::search::{Filters, SearchRequest, SortOrder};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// One line of the query set: kind, query and morgue's filters (the baselines' columns are
/// ignored here).
struct Query {
    kind: String,
    query: String,
    from: Option<String>,
    to: Option<String>,
    outlet: Option<String>,
    entity: Option<String>,
}

fn parse_queries(text: &str) -> Vec<Query> {
    let cell = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("kind\t"))
        .map(|l| {
            let mut c = l.split('\t');
            Query {
                kind: c.next().unwrap_or_default().to_string(),
                query: c.next().unwrap_or_default().to_string(),
                from: cell(c.next()),
                to: cell(c.next()),
                outlet: cell(c.next()),
                entity: cell(c.next()),
            }
        })
        .collect()
}

struct Args {
    index: PathBuf,
    queries: PathBuf,
    reps: usize,
    warm: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        index: PathBuf::from("index"),
        queries: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.tsv")),
        reps: 20,
        warm: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--index" => a.index = value.into(),
            "--queries" => a.queries = value.into(),
            "--reps" => a.reps = number()?.max(1),
            "--warm" => a.warm = number()?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(a)
}

fn run() -> Result<serde_json::Value, String> {
    let a = args()?;
    let text =
        std::fs::read_to_string(&a.queries).map_err(|e| format!("{}: {e}", a.queries.display()))?;
    let mi = morgue::index::open(&a.index).map_err(|e| e.to_string())?;
    let aliases = AliasTable::for_index(&a.index, None).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for q in parse_queries(&text) {
        let filters = Filters::new(
            q.from.as_deref(),
            q.to.as_deref(),
            false,
            q.outlet.iter().cloned().collect(),
            q.entity.iter().cloned().collect(),
        )
        .map_err(|e| e.to_string())?
        .with_aliases(aliases.clone());
        let req = SearchRequest {
            query: q.query.clone(),
            filters,
            limit: 10,
            passages: 1,
            sort: SortOrder::Relevance,
            all_copies: false,
        };
        let search = || morgue::search::search(&mi, &req).map_err(|e| format!("{}: {e}", q.query));
        let mut total = 0;
        for _ in 0..a.warm {
            total = search()?.total;
        }
        let mut ms = Vec::with_capacity(a.reps);
        for _ in 0..a.reps {
            let t = Instant::now();
            total = search()?.total;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        out.push(serde_json::json!({
            "kind": q.kind, "query": q.query, "from": q.from, "to": q.to,
            "outlet": q.outlet, "entity": q.entity, "total": total, "ms": ms,
        }));
    }
    Ok(serde_json::json!({ "reps": a.reps, "warm": a.warm, "queries": out }))
}

fn main() -> ExitCode {
    match run() {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("query_latency: {e}");
            ExitCode::from(2)
        }
    }
}
