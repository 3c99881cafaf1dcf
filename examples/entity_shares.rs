//! The archive's short-name table of an index: for each short name (a surname, a given name,
//! an acronym) resolved in articles, the full names it was resolved to and their shares, and
//! whether the archive resolves it (see `search::resolve`). A developer's tool for checking the
//! 90% threshold on real data.
//!
//! ```sh
//! cargo run --release --example entity_shares -- INDEX [min-articles] [name...]
//! ```

use morgue::extract::aliases::AliasTable;
use morgue::search::resolve::Resolver;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or("usage: entity_shares INDEX [min-articles] [name...]")?;
    let min: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let only: Vec<String> = args.iter().skip(2).map(|s| s.to_lowercase()).collect();
    let mi = morgue::index::open(Path::new(dir))?;
    let searcher = mi.searcher()?;
    let aliases = AliasTable::for_index(Path::new(dir), None)?;
    let r = Resolver::new(&searcher, &mi.fields, &aliases)?;
    let mut rows = r.short_names();
    rows.retain(|s| s.kind == "person" && (only.is_empty() || only.contains(&s.form)));
    rows.retain(|s| s.holders.iter().map(|h| h.1).sum::<u64>() >= min);
    rows.sort_by_key(|s| std::cmp::Reverse(s.holders.iter().map(|h| h.1).sum::<u64>()));
    let (mut resolved, mut ambiguous) = (0, 0);
    for s in &rows {
        let total: u64 = s.holders.iter().map(|h| h.1).sum();
        let top = s.holders.first().map(|h| h.1).unwrap_or(0) as f64 / total as f64;
        match &s.resolved {
            Some(_) => resolved += 1,
            None => ambiguous += 1,
        }
        let holders: Vec<String> = s
            .holders
            .iter()
            .take(12)
            .map(|(n, c)| format!("{n} {c}"))
            .collect();
        println!(
            "{:<14} {:>6} articles  top share {:>5.1}%  {:<10}  {}",
            s.form,
            total,
            top * 100.0,
            if s.resolved.is_some() {
                "resolves"
            } else {
                "ambiguous"
            },
            holders.join(", ")
        );
    }
    println!("{resolved} resolve, {ambiguous} stay ambiguous (persons, >= {min} articles)");
    Ok(())
}
