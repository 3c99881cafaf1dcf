//! `morgue stats`: figures about the whole index.

use super::common::{print_json, print_text, Ctx};
use super::exit;
use morgue::present::lookup as present;
use std::process::ExitCode;

/// Show figures about the index: articles, passages, outlets, date span, undated share,
/// entities, sources ingested and size on disk.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mi = ctx.open_index()?;
    let s = morgue::lookup::stats::stats(&mi, &ctx.index, ctx.alias_table()?)?;
    if args.json {
        print_json(&present::stats_json(&s))?;
    } else {
        print_text(&present::stats_text(&s), ctx)?;
    }
    Ok(ExitCode::from(exit::OK))
}
