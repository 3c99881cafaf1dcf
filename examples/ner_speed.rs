//! Measures the recognizer's tagging speed on one thread over text files, for
//! `scripts/bench_ner.sh` (which runs spaCy on the same files): prints one JSON line with
//! tokens, words (whitespace-separated), entities, the best of three runs' seconds, and
//! tokens/s and words/s.
//!
//! ```sh
//! cargo run --release --example ner_speed -- FILE...
//! NER_MODEL=other.model cargo run --release --example ner_speed -- FILE...   # another model
//! ```

use morgue::extract::ner::{tokenize, Recognizer};
use std::time::Instant;

fn main() {
    let texts: Vec<String> = std::env::args()
        .skip(1)
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let load = Instant::now();
    let rec: morgue::Result<&'static Recognizer> = match std::env::var_os("NER_MODEL") {
        // Another model file: the same text and code, for a before/after comparison.
        Some(p) => Recognizer::load(std::path::Path::new(&p)).map(|r| &*Box::leak(Box::new(r))),
        None => Recognizer::embedded(),
    };
    let rec = match rec {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let load = load.elapsed().as_secs_f64();
    let tokens: usize = texts
        .iter()
        .map(|t| {
            tokenize::sentences(t)
                .iter()
                .map(|s| s.tokens.len())
                .sum::<usize>()
        })
        .sum();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let mut best = f64::MAX;
    let mut entities = 0;
    for _ in 0..3 {
        let t = Instant::now();
        entities = texts.iter().map(|x| rec.recognize(x).len()).sum();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{{\"files\": {}, \"tokens\": {tokens}, \"words\": {words}, \"entities\": {entities}, \"seconds\": {best:.4}, \"tokens_per_s\": {:.0}, \"words_per_s\": {:.0}, \"model_load_seconds\": {load:.4}}}",
        texts.len(),
        tokens as f64 / best,
        words as f64 / best
    );
}
