//! Tagging throughput of the named-entity recognizer (tokenizer + features + decoding), one
//! thread. Text: the first 200 BBC articles of `../shared/corpora/bbc` when present, else the
//! seeds. `scripts/bench_ner.sh` runs spaCy's small English model on the same text beside it.
//!
//! ```sh
//! cargo bench --bench ner
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use morgue::extract::ner::{tokenize, Recognizer};

mod common;

/// The benchmark text: up to `n` articles (see `common`), joined.
fn text(n: usize) -> String {
    common::texts(n).join("\n\n")
}

fn bench(c: &mut Criterion) {
    let rec = Recognizer::embedded().expect("built-in model");
    let text = text(200);
    let tokens: usize = tokenize::sentences(&text)
        .iter()
        .map(|s| s.tokens.len())
        .sum();
    let mut g = c.benchmark_group("ner");
    g.throughput(Throughput::Elements(tokens as u64));
    g.sample_size(10);
    g.bench_function("recognize", |b| b.iter(|| rec.recognize(&text).len()));
    g.bench_function("tokenize", |b| b.iter(|| tokenize::sentences(&text).len()));
    g.finish();
    c.bench_function("load_model", |b| {
        b.iter(|| {
            morgue::extract::ner::Model::from_bytes(include_bytes!("../data/ner.model"))
                .map(|m| m.n_features())
                .unwrap_or(0)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
