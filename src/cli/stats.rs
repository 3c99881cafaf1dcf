//! `morgue stats`: figures about the whole index.

use super::common::{print_text, print_timed, timed, Ctx};
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
    let aliases = ctx.alias_table()?;
    let (s, took) = timed(|| morgue::lookup::stats::stats(&mi, &ctx.index, aliases));
    let s = s?;
    if args.json {
        print_timed(&present::stats_json(&s), took)?;
    } else {
        print_text(&present::stats_text(&s), ctx)?;
    }
    Ok(ExitCode::from(exit::OK))
}
