//! `morgue ingest PATH...`: read articles into the index.

use super::common::{print, Ctx};
use super::exit;
use morgue::pipeline::{self, IngestOptions};
use morgue::present;
use std::path::PathBuf;
use std::process::ExitCode;

/// Read articles from files and folders into the index.
///
/// Folders are walked recursively for .txt files; a file named explicitly is always read. Each
/// file is decoded (UTF-8, or a detected legacy encoding, which is reported), normalized,
/// stripped of boilerplate, and its title, date, outlet and entities are extracted. Articles
/// already in the index (same text) are not added twice; a new path for one is recorded.
/// Empty, binary and unreadable files are reported and skipped.
///
/// Exit code: 0 when every file was read, 1 when some were skipped, 2 on error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and folders to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Record this outlet for every article read (instead of signatures found in the text).
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,

    /// Commit every N articles (an interrupted ingest keeps what was committed).
    #[arg(long, value_name = "N", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
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
    let opts = IngestOptions {
        outlet: args.outlet.clone(),
        batch: args.batch as usize,
        progress: ctx.progress(),
        aliases: ctx.aliases.clone(),
    };
    let report = pipeline::ingest(&ctx.index, &args.paths, &opts)?;
    for s in &report.skipped {
        eprintln!("morgue: skipped {}: {}", s.path, s.reason);
    }
    if args.json {
        print(&present::json::ingest(&report))?;
    } else {
        print(&present::text::ingest(&report))?;
    }
    Ok(ExitCode::from(if report.skipped.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}
