//! Query latency by query type over one index built once: up to 1,000 BBC articles (else the
//! seeds) with a recorded date each (one a day from 2004) and their topic folder as outlet,
//! so that date and outlet filters select part of them. Group `query`: each iteration is one
//! `morgue::search::search` (top 10 articles, one highlighted passage each), as
//! `morgue search` runs it. Group `select`: only the counting, `morgue::search::select` (every
//! matching passage's article set as a bit over the article table's rows, the boolean logic,
//! the filters), which gives the exact totals. `scripts/bench.sh` measures the same on AllSides
//! beside baselines.
//!
//! ```sh
//! cargo bench --bench query
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use morgue::search::{self, Filters, SearchRequest, SortOrder};
use std::time::Duration;

mod common;

/// Kind, query, and filters (from, to, outlet, entity).
type Case = (&'static str, &'static str, [Option<&'static str>; 4]);

const CASES: [Case; 7] = [
    ("single", "election", [None; 4]),
    ("words", "Blair Brown", [None; 4]),
    ("phrase", "\"prime minister\"", [None; 4]),
    ("boolean", "Blair AND (election OR poll) -Iraq", [None; 4]),
    (
        "date",
        "election",
        [Some("2004-06"), Some("2005"), None, None],
    ),
    ("outlet", "government", [None, None, Some("politics"), None]),
    ("entity", "election", [None, None, None, Some("Tony Blair")]),
];

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mi = common::index(dir.path());
    let bbc = common::bbc();
    let mut g = c.benchmark_group("query");
    let mut requests = Vec::new();
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(2));
    for (kind, query, [from, to, outlet, entity]) in CASES {
        let req = SearchRequest {
            query: query.into(),
            filters: Filters::new(
                from,
                to,
                false,
                outlet.iter().map(|s| s.to_string()).collect(),
                entity.iter().map(|s| s.to_string()).collect(),
            )
            .expect("filters"),
            limit: 10,
            passages: 1,
            sort: SortOrder::Relevance,
            all_copies: false,
        };
        let total = search::search(&mi, &req).expect("search").total;
        assert!(!bbc || total > 0, "{kind} `{query}` matched nothing");
        g.bench_function(kind, |b| {
            b.iter(|| search::search(&mi, &req).expect("search").hits.len())
        });
        requests.push((kind, req));
    }
    g.finish();
    let searcher = mi.searcher().expect("searcher");
    let mut g = c.benchmark_group("select");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(2));
    for (kind, req) in &requests {
        let expr = search::parse(&req.query).expect("query");
        g.bench_function(*kind, |b| {
            b.iter(|| {
                search::select(&mi, &searcher, Some(&expr), &req.filters)
                    .expect("select")
                    .articles
                    .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
