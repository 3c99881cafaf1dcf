//! Prints what morgue extracts from article files, without indexing them: title, date, outlet
//! (with provenance), entities and passages. A developer's tool for checking extraction.
//!
//! ```sh
//! cargo run --example inspect -- seeds/*.txt
//! ```

use morgue::pipeline::build_article;
use morgue::read::{decompress, reader_for, sniff, ReadOptions};
use std::io::BufRead;
use std::path::Path;

fn main() {
    for arg in std::env::args().skip(1) {
        let path = Path::new(&arg);
        let mut input = match std::fs::File::open(path).and_then(decompress) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("{arg}: {e}");
                continue;
            }
        };
        let reader = match reader_for(path) {
            Some(r) => r,
            None => sniff(input.fill_buf().unwrap_or_default()),
        };
        for item in reader.read(&arg, input, &ReadOptions::default()) {
            match item.and_then(|raw| build_article(raw, None)) {
                Err(skip) => println!("== {}: skipped: {}", skip.path, skip.reason),
                Ok(a) => {
                    println!("== {} [{}] id {}", a.path, a.encoding, a.id);
                    println!("title   {:?} ({})", a.title.value, a.title.source);
                    match &a.date {
                        Some(d) => println!("date    {} ({})", d.value, d.source),
                        None => println!("date    undated"),
                    }
                    match &a.outlet {
                        Some(o) => println!("outlet  {} ({})", o.value, o.source),
                        None => println!("outlet  unknown"),
                    }
                    let ents: Vec<String> = a
                        .entities
                        .iter()
                        .map(|e| format!("{}×{} ({})", e.name, e.count, e.kind))
                        .collect();
                    println!("entities {}", ents.join(", "));
                    for p in &a.passages {
                        let text = &a.text[p.start..p.end];
                        let words = text.split_whitespace().count();
                        let head: String = text.chars().take(70).collect();
                        println!(
                            "  ¶{:<3} {:>4}w  {}",
                            p.number,
                            words,
                            head.replace('\n', " ⏎ ")
                        );
                    }
                }
            }
        }
    }
}
