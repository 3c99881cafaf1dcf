//! `morgue eval dates GOLD.json PAGES_DIR`: score date extraction against gold data.

use super::common::{print_text, print_timed, timed, Ctx};
use super::exit;
use std::path::PathBuf;
use std::process::ExitCode;

/// Measure extraction quality against gold data.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to evaluate.
    #[command(subcommand)]
    pub what: What,
}

/// The evaluations.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// Publication dates of HTML pages against a gold file in htmldate's format (URL →
    /// {"file", "date"}; null or "NaN": the page has no date). Prints the accuracy (exact day) and
    /// the misses.
    Dates(DatesArgs),
}

/// `eval dates` arguments.
#[derive(Debug, clap::Args)]
pub struct DatesArgs {
    /// The gold file (JSON).
    #[arg(value_name = "GOLD.json")]
    pub gold: PathBuf,
    /// Folder holding the pages (looked for in it and its immediate subfolders).
    #[arg(value_name = "PAGES_DIR")]
    pub pages: PathBuf,
    /// Print {"total", "correct", "accuracy", "misses": [...], "languages": [...],
    /// "cross_validation"} as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also cross-validate the reader's date rules over K folds of the pages (by URL hash): the
    /// rules are chosen on K-1 folds and scored on the held-out one (mean ± sd over folds).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..=50))]
    pub folds: Option<u32>,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match args.what {
        What::Dates(a) => {
            let (r, took) =
                timed(|| morgue::eval::dates(&a.gold, &a.pages, a.folds.map(|k| k as usize)));
            let r = r?;
            if a.json {
                print_timed(&morgue::present::json::date_eval(&r), took)?;
            } else {
                print_text(&morgue::present::text::date_eval(&r), ctx)?;
            }
            Ok(ExitCode::from(exit::OK))
        }
    }
}
