//! Prints where an index's bytes go: per field and per component (terms, postings, positions,
//! fast fields, field norms), the document store, and the files morgue keeps beside tantivy's.
//! A developer's tool for the index-size figure of PERFORMANCE.md. With `--stored` it also
//! reads every stored document and prints each stored field's bytes before compression, and
//! its share of them: the store's compressed bytes split in that proportion estimate what a
//! field costs (text and JSON compress differently, so it is an estimate).
//!
//! ```sh
//! cargo run --release --example space -- INDEX_DIR [--stored]
//! ```

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "index".into());
    let index = tantivy::Index::open_in_dir(&dir).expect("a tantivy index");
    let searcher = index.reader().expect("a reader").searcher();
    let usage = searcher.space_usage().expect("space usage");
    let mut by: BTreeMap<(String, &str), u64> = BTreeMap::new();
    let mut store = 0u64;
    for seg in usage.segments() {
        let parts = [
            ("terms", seg.termdict()),
            ("postings", seg.postings()),
            ("positions", seg.positions()),
            ("fast", seg.fast_fields()),
            ("norms", seg.fieldnorms()),
        ];
        for (part, per_field) in parts {
            for f in per_field.fields() {
                *by.entry((f.field_name().to_string(), part)).or_default() += f.total().get_bytes();
            }
        }
        store += seg.store().total().get_bytes();
    }
    let total: u64 = by.values().sum::<u64>() + store;
    let mb = |b: u64| b as f64 / 1e6;
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    println!("{:<16} {:<10} {:>9}", "field", "part", "MB");
    for ((field, part), b) in rows.iter().filter(|r| r.1 > 100_000) {
        println!("{field:<16} {part:<10} {:>9.1}", mb(*b));
    }
    println!("{:<16} {:<10} {:>9.1}", "(doc store)", "store", mb(store));
    println!("{:<16} {:<10} {:>9.1}", "tantivy total", "", mb(total));
    let mut other = 0u64;
    for e in std::fs::read_dir(Path::new(&dir))
        .expect("the folder")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_segment = name.len() > 33 && name.as_bytes()[32] == b'.';
        let len = e.metadata().map(|m| m.len()).unwrap_or(0);
        if !is_segment && len > 100_000 {
            println!("{name:<27} {:>9.1}", mb(len));
        }
        if !is_segment {
            other += len;
        }
    }
    println!("{:<27} {:>9.1}", "morgue's own files", mb(other));
    if std::env::args().any(|a| a == "--stored") {
        stored_fields(&searcher, store);
    }
}

/// Prints each stored field's bytes before compression and the store's bytes split by them.
fn stored_fields(searcher: &tantivy::Searcher, store: u64) {
    use tantivy::schema::{OwnedValue, Value};
    let schema = searcher.schema();
    let mut raw: BTreeMap<String, u64> = BTreeMap::new();
    for reader in searcher.segment_readers() {
        let docs = reader.get_store_reader(64).expect("the store");
        for doc in docs.iter::<tantivy::TantivyDocument>(reader.alive_bitset()) {
            let doc = doc.expect("a stored document");
            for (field, value) in doc.field_values() {
                let value: OwnedValue = value.into();
                let n = match &value {
                    OwnedValue::Str(s) => s.len(),
                    OwnedValue::Bytes(b) => b.len(),
                    _ if (&value).as_u64().is_some() || (&value).as_datetime().is_some() => 8,
                    _ => 0,
                };
                *raw.entry(schema.get_field_name(field).to_string())
                    .or_default() += n as u64;
            }
        }
    }
    let total: u64 = raw.values().sum();
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "{:<16} {:>12} {:>14}",
        "stored field", "raw MB", "est. store MB"
    );
    let mut rows: Vec<_> = raw.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    for (field, b) in rows {
        let share = b as f64 / total.max(1) as f64;
        println!("{field:<16} {:>12.1} {:>14.1}", mb(b), share * mb(store));
    }
}
