//! Throughput of the ingest stages that turn one raw text into an article, one thread:
//! normalization, boilerplate removal, date extraction (datelines), entity extraction
//! (recognition + resolution), passage splitting, and `build_article` as a whole. Text: the
//! first 200 BBC articles when `../shared/corpora/bbc` is present, else the seeds (see
//! `common`). `benches/ner.rs` measures the recognizer alone.
//!
//! ```sh
//! cargo bench --bench pipeline
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use morgue::extract::aliases::AliasTable;
use morgue::extract::{date, entities};
use morgue::{normalize, passages, pipeline};
use std::time::Duration;

mod common;

fn bench(c: &mut Criterion) {
    let texts = common::texts(200);
    let raws = common::raw_articles(200);
    let bytes: usize = texts.iter().map(String::len).sum();
    let normalized: Vec<String> = texts.iter().map(|t| normalize::normalize(t)).collect();
    let clean: Vec<String> = normalized
        .iter()
        .map(|t| normalize::strip_boilerplate(t).text)
        .collect();
    let aliases = AliasTable::builtin();
    // What is measured is there to measure.
    let n_passages: usize = clean.iter().map(|t| passages::split(t, &[]).len()).sum();
    assert!(n_passages >= clean.len(), "{n_passages} passages");
    let n_entities: usize = clean
        .iter()
        .map(|t| entities::extract_entities(t, aliases, pipeline::MAX_ENTITIES).len())
        .sum();
    assert!(n_entities > 0);

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| normalize::normalize(t).len())
                .sum::<usize>()
        })
    });
    g.bench_function("boilerplate", |b| {
        b.iter(|| {
            normalized
                .iter()
                .map(|t| normalize::strip_boilerplate(t).text.len())
                .sum::<usize>()
        })
    });
    g.bench_function("dates", |b| {
        b.iter(|| {
            clean
                .iter()
                .filter(|t| date::find_dateline(t).is_some())
                .count()
        })
    });
    g.bench_function("entities", |b| {
        b.iter(|| {
            clean
                .iter()
                .map(|t| entities::extract_entities(t, aliases, pipeline::MAX_ENTITIES).len())
                .sum::<usize>()
        })
    });
    g.bench_function("passages", |b| {
        b.iter(|| {
            clean
                .iter()
                .map(|t| passages::split(t, &[]).len())
                .sum::<usize>()
        })
    });
    g.bench_function("build_article", |b| {
        b.iter(|| {
            raws.iter()
                .filter(|r| pipeline::build_article((*r).clone(), None).is_ok())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
