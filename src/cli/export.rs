//! `morgue export QUERY`: every matching article or passage, with citation fields.

use super::common::{parse_query, Ctx, FilterArgs};
use super::exit;
use morgue::lookup::export::{export, fingerprint, ExportRow, Provenance, Unit};
use morgue::present::export::{Format, RowWriter};
use morgue::present::safe;
use morgue::search::SortOrder;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Export every matching article (or passage) as CSV or JSON Lines, with no cap.
///
/// Columns: rank, article_id, title, outlet, date, date_source, url, path, passage, text, score,
/// authors (separated by "; "), meta (the record metadata as a JSON object of lists); one row per
/// copy (path) of an article. With --output FILE, a sidecar FILE.meta.json records the query,
/// filters, morgue version, index fingerprint and row count, so the result set can be
/// reproduced; when writing to stdout, that record goes to stderr as one JSON line.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query (same syntax as `search`).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    /// Filters.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Output format.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "jsonl"], default_value = "csv")]
    pub format: String,
    /// What a row stands for: article (with its best passage) or passage (every matching one).
    #[arg(long, value_name = "UNIT", value_parser = ["article", "passage"], default_value = "article")]
    pub unit: String,
    /// Write to this file instead of stdout (and the provenance to FILE.meta.json).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write CSV cells exactly as stored. By default a cell that a spreadsheet would run as a
    /// formula (starting with =, +, -, @, tab or CR, and not a number) gets a leading '.
    #[arg(long)]
    pub raw_cells: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let filters = ctx.filters(&args.filters)?;
    let expr = match parse_query(Some(&args.query), ctx) {
        Ok(Some(e)) => e,
        Ok(None) => return Ok(ExitCode::from(exit::ERROR)),
        Err(code) => return Ok(code),
    };
    let unit = if args.unit == "passage" {
        Unit::Passage
    } else {
        Unit::Article
    };
    let mi = ctx.open_checked(&filters)?;
    let searcher = mi.searcher()?;
    let out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::fs::File::create(p).map_err(|e| morgue::Error::io(p, e))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdout>"));
    let io = |e: std::io::Error| morgue::Error::io(target.clone(), e);
    let format = Format::parse(&args.format).unwrap_or(Format::Csv);
    let mut sink = RowWriter::new(out, format, args.raw_cells).map_err(io)?;
    let result = export(
        &mi,
        &searcher,
        &expr,
        &filters,
        unit,
        SortOrder::Relevance,
        |row: &ExportRow| sink.write(row).map_err(io),
    );
    let rows = match result.and_then(|n| sink.flush().map(|_| n).map_err(io)) {
        Ok(n) => n,
        Err(morgue::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            return Ok(ExitCode::from(exit::OK))
        }
        Err(morgue::Error::Query(e)) => {
            return Ok(super::common::query_error(&e, &args.query, ctx))
        }
        Err(e) => return Err(e.into()),
    };
    let provenance = Provenance {
        parsed: expr.to_string(),
        query: args.query.clone(),
        from: args.filters.from.clone(),
        to: args.filters.to.clone(),
        include_undated: args.filters.include_undated,
        outlets: args.filters.outlet.clone(),
        entities: args.filters.entity.clone(),
        meta: filters
            .meta
            .iter()
            .map(|(k, v)| morgue::index::meta::meta_term(k, v))
            .collect(),
        unit,
        morgue_version: env!("CARGO_PKG_VERSION").to_string(),
        index_fingerprint: fingerprint(&ctx.index)?,
        rows,
    };
    match &args.output {
        Some(p) => {
            let mut side = p.clone().into_os_string();
            side.push(".meta.json");
            let json = serde_json::to_string_pretty(&provenance)? + "\n";
            std::fs::write(&side, json).map_err(|e| morgue::Error::io(PathBuf::from(&side), e))?;
            eprintln!(
                "morgue: wrote {rows} rows to {} (provenance in {})",
                p.display(),
                PathBuf::from(side).display()
            );
        }
        None => eprintln!("{}", safe::json(&serde_json::to_string(&provenance)?)),
    }
    Ok(ExitCode::from(if rows > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}
