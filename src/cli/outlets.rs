//! `morgue outlets [QUERY]`: outlets with their article counts and date spans.

use super::common::{parse_query, print_text, print_timed, timed, Ctx, FilterArgs};
use super::exit;
use morgue::lookup::outlets::{outlets_of, OutletsAnswer};
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
    let filters = ctx.filters(&args.filters)?;
    let expr = match parse_query(args.query.as_deref(), ctx) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let mi = ctx.open_checked(&filters)?;
    let (answer, took) = timed(|| outlets_of(&mi, expr.as_ref(), &filters));
    let OutletsAnswer {
        rows,
        total,
        undated,
    } = answer?;
    if args.json {
        print_timed(
            &present::outlets_json(args.query.as_deref(), &rows, total, undated),
            took,
        )?;
    } else {
        print_text(&present::outlets_text(&rows, total, undated), ctx)?;
    }
    Ok(ExitCode::from(if total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}
