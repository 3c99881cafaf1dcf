//! `morgue outlets [QUERY]`: outlets with their article counts and date spans.

use super::common::{Ctx, FilterArgs, Lookup};
use morgue::lookup::outlets::outlets;
use morgue::present::lookup as present;
use std::process::ExitCode;

/// List outlets: articles, first and last publication date, undated articles.
///
/// Over the whole index, or over the articles matching QUERY (same syntax and filters as
/// `search`). Outlets are grouped ignoring case; articles without an outlet come last.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only articles matching this query.
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Filters.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let l = match Lookup::open(ctx, &args.filters, args.query.as_deref())? {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    l.print(
        ctx,
        args.json,
        outlets,
        |rows, total, undated| present::outlets_json(args.query.as_deref(), rows, total, undated),
        |rows: &Vec<_>, total, undated| present::outlets_text(rows, total, undated),
    )
}
