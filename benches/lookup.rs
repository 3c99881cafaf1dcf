//! Lookup latency over one index built once, the `query` bench's (up to 1,000 BBC articles,
//! else the seeds, dated one a day from 2004, their topic folder as outlet). Each iteration is
//! one library call, as the command makes it once the index is open: `stats`, `outlets`,
//! `timeline --by month`, `entities --top 20`, each over every article and over a query's, and
//! `entity "Tony Blair"` with 10 related entities and 10 variants. These are the aggregations
//! behind issue 14's lookup targets: counts over the commit's article table and entity table,
//! never over stored documents. `scripts/bench.sh` measures the same lookups end to end on
//! AllSides, with their peak memory.
//!
//! ```sh
//! cargo bench --bench lookup
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use morgue::extract::aliases::AliasTable;
use morgue::lookup::entities::{entities, entity, EntitiesRequest, EntityAnswer, EntityRequest};
use morgue::lookup::outlets::outlets_of;
use morgue::lookup::stats::stats;
use morgue::lookup::timeline::{timeline_of, Period, TimelineOptions};
use morgue::search::{self, Filters};
use std::time::Duration;

mod common;

/// The query of the lookups that take one.
const QUERY: &str = "election";

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mi = common::index(dir.path());
    // On the seeds the answers may be empty; on the BBC articles each must count something.
    let bbc = common::bbc();
    let expr = search::parse(QUERY).expect("query");
    let filters = Filters::default();
    let mut g = c.benchmark_group("lookup");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(2));

    let articles = stats(&mi, dir.path(), AliasTable::default())
        .expect("stats")
        .articles;
    assert!(articles > 0, "the index holds articles");
    g.bench_function("stats", |b| {
        b.iter(|| {
            stats(&mi, dir.path(), AliasTable::default())
                .expect("stats")
                .articles
        })
    });

    for (name, q) in [("outlets", None), ("outlets query", Some(&expr))] {
        let total = outlets_of(&mi, q, &filters).expect("outlets").total;
        assert!(!bbc || total > 0, "{name} counted nothing");
        g.bench_function(name, |b| {
            b.iter(|| outlets_of(&mi, q, &filters).expect("outlets").rows.len())
        });
    }

    let by_month = TimelineOptions {
        by: Period::Month,
        split_by: None,
        top: None,
        normalize: false,
        all_copies: false,
    };
    for (name, q) in [("timeline", None), ("timeline query", Some(&expr))] {
        let total = timeline_of(&mi, q, &filters, &by_month)
            .expect("timeline")
            .total;
        assert!(!bbc || total > 0, "{name} counted nothing");
        g.bench_function(name, |b| {
            b.iter(|| {
                timeline_of(&mi, q, &filters, &by_month)
                    .expect("timeline")
                    .rows
                    .len()
            })
        });
    }

    for (name, query) in [("entities", None), ("entities query", Some(QUERY))] {
        let req = EntitiesRequest {
            query: query.map(str::to_string),
            filters: Filters::default(),
            kind: None,
            top: 20,
            all_copies: false,
        };
        let listed = entities(&mi, &req).expect("entities").entities.len();
        assert!(!bbc || listed > 0, "{name} listed nothing");
        g.bench_function(name, |b| {
            b.iter(|| entities(&mi, &req).expect("entities").entities.len())
        });
    }

    let req = EntityRequest {
        name: "Tony Blair".into(),
        filters: Filters::default(),
        all_copies: false,
        related: 10,
        variants: 10,
        limit: 10,
    };
    let found = matches!(entity(&mi, &req).expect("entity"), EntityAnswer::Found(_));
    assert!(!bbc || found, "entity found no Tony Blair");
    g.bench_function("entity", |b| {
        b.iter(|| matches!(entity(&mi, &req).expect("entity"), EntityAnswer::Found(_)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
