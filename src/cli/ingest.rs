//! `morgue ingest PATH...`: read articles into the index.

use super::common::{print_text, print_timed, warn, Ctx};
use super::exit;
use morgue::pipeline::{self, IngestOptions};
use morgue::present;
use morgue::read::FieldMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Read articles from files and folders into the index.
///
/// Folders are walked recursively for .txt, .html/.htm, .jsonl/.ndjson/.json, .csv, .warc (each also
/// .gz) files; a
/// file named explicitly is always read (its format sniffed when the extension says nothing).
/// Each article is decoded, normalized, stripped of boilerplate, and its title, date, outlet and
/// entities are taken from the format's metadata or found in the text. Articles already in the
/// index (same text) are not added twice; a new path for one is recorded. Sources the index's
/// ledger records as unchanged are not read again. Bad files and records are reported and
/// skipped; the rest goes on.
///
/// Exit code: 0 when everything was read, 1 when something was skipped, 2 on error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and folders to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Record this outlet for every article read (instead of metadata or signatures).
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,

    /// Read every file as this format: text, json (also JSON lines), csv, html, warc.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Take an article field from this record field, e.g. `text=content_original`; roles: title,
    /// text, date, outlet, url, authors. Repeat for several.
    #[arg(long = "field", value_name = "ROLE=NAME")]
    pub fields: Vec<String>,

    /// Read sources again even when the ledger says they are unchanged.
    #[arg(long)]
    pub force: bool,

    /// Skip any record larger than this (a JSON line, CSV row, JSON array element, HTML page,
    /// text file, WARC record or decompressed HTTP body), with its reason: bytes, or with a
    /// K, M or G suffix (powers of 1024).
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_record_size: u64,

    /// Commit every N articles (an interrupted ingest keeps what was committed).
    #[arg(long, value_name = "N", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,

    /// Build a sharded root of N shards in the index folder (each source goes to one shard,
    /// and copies are joined across shards); every command reads the root as one index. An
    /// existing root keeps its number of shards.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub shards: Option<u64>,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,

    /// Also write the report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if let Some(o) = &args.outlet {
        if o.trim().is_empty() {
            return Err(morgue::Error::BadOption {
                option: "--outlet".into(),
                message: "the name is empty".into(),
            }
            .into());
        }
    }
    let fields = FieldMap::parse(&args.fields).map_err(|message| morgue::Error::BadOption {
        option: "--field".into(),
        message,
    })?;
    let opts = IngestOptions {
        outlet: args.outlet.clone(),
        batch: args.batch as usize,
        format: args.format.clone(),
        fields,
        force: args.force,
        progress: ctx.progress(),
        aliases: ctx.aliases.clone(),
        max_record: args.max_record_size,
        shards: args.shards.map(|n| n as usize),
    };
    let report = pipeline::ingest(&ctx.index, &args.paths, &opts)?;
    // The tables of the new commit that searches and entity lookups read (caches: a reader
    // builds one when it is missing).
    if let Ok(mi) = morgue::index::open(&ctx.index) {
        let _ = morgue::search::table::prepare(&mi);
        if let Ok(aliases) = ctx.alias_table() {
            let _ = morgue::lookup::entity_table::prepare(&mi, &aliases);
        }
    }
    for s in &report.skipped {
        warn(&format!("skipped {}: {}", s.path, s.reason));
    }
    let unlisted = report.skipped_total - report.skipped.len() as u64;
    if unlisted > 0 {
        eprintln!("morgue: {unlisted} more skipped, not listed; skipped per source and reason:");
        for c in &report.skip_counts {
            eprintln!("morgue:   {}: {} × {}", c.source, c.count, c.reason);
        }
    }
    for w in &report.warnings {
        warn(&format!("warning {}: {}", w.path, w.reason));
    }
    let unlisted = report.warnings_total - report.warnings.len() as u64;
    if unlisted > 0 {
        eprintln!("morgue: {unlisted} more warnings, not listed");
    }
    let json = present::json::ingest(&report);
    if let Some(path) = &args.report {
        std::fs::write(path, &json).map_err(|e| morgue::Error::io(path, e))?;
    }
    if args.json {
        print_timed(&json, report.elapsed)?;
    } else {
        print_text(&present::text::ingest(&report), ctx)?;
    }
    Ok(ExitCode::from(if report.skipped_total == 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}

/// Parses a size: bytes, or a number with a `K`, `M` or `G` suffix (powers of 1024; a trailing
/// `B` or `iB` is allowed).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let t = t
        .strip_suffix("IB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(&t);
    let (digits, shift) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 16M, 512K, 1000000)"))?;
    match n.checked_mul(1 << shift) {
        Some(0) | None => Err(format!("`{s}` is not a usable size")),
        Some(bytes) => Ok(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err() && parse_size("lots").is_err());
    }
}
