//! Indexing a batch: 200 built articles (BBC when `../shared/corpora/bbc` is present, else the
//! seeds) written into a fresh index in a temporary folder, committed, merges waited for: the
//! writer's share of an ingest, without reading or extraction.
//!
//! ```sh
//! cargo bench --bench index
//! ```

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use morgue::index::{self, Added, ArticleWriter};
use morgue::model::Article;
use std::time::Duration;

mod common;

/// Writes `articles` into a new index in `dir`; the number of passages indexed.
fn write(dir: &std::path::Path, articles: &[Article]) -> u64 {
    let mi = index::open_or_create(dir).expect("index");
    let mut w = ArticleWriter::open(&mi, dir, 10_000, None).expect("writer");
    for a in articles {
        assert!(matches!(w.add(a).expect("add"), Added::New { .. }));
    }
    w.finish().expect("commit").passages
}

fn bench(c: &mut Criterion) {
    let articles: Vec<Article> = common::raw_articles(200)
        .into_iter()
        .filter_map(|r| morgue::pipeline::build_article(r, None).ok())
        .collect();
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let passages: usize = articles.iter().map(|a| a.passages.len()).sum();
    let mut g = c.benchmark_group("index");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("batch_200", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temp dir"),
            |dir| {
                assert_eq!(write(dir.path(), &articles), passages as u64);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
