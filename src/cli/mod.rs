//! The command line: argument definitions and dispatch.
//!
//! Only this layer knows about flags, stdout/stderr and exit codes; everything it does is a call
//! into the `morgue` library followed by a call into `morgue::present`.

mod common;
mod copies;
mod entities;
mod entity;
mod eval;
mod export;
mod furniture;
mod ingest;
mod ner;
mod outlets;
mod search;
mod show;
mod stats;
mod timeline;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub use common::Ctx;

/// Exit codes, as documented in the README.
pub mod exit {
    /// Success: the command did its work (a search found something).
    pub const OK: u8 = 0;
    /// Nothing went wrong but nothing was found (search), or some sources were skipped (ingest).
    pub const PARTIAL: u8 = 1;
    /// An error: bad query or option, missing index, I/O or index failure.
    pub const ERROR: u8 = 2;
}

/// morgue: search an archive of news articles.
///
/// Builds a full-text index of articles (outlet, date, named entities, passages) and answers
/// keyword, phrase and boolean queries with ranked, highlighted passages.
///
/// Quick start: `morgue search "Der Spiegel"` builds index/ from seeds/ on first use.
#[derive(Debug, Parser)]
#[command(name = "morgue", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Index folder to use.
    #[arg(long, global = true, value_name = "DIR", default_value = common::DEFAULT_INDEX)]
    pub index: PathBuf,

    /// When to use colours: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: common::ColorChoice,

    /// Alias table (TAB-separated; see data/aliases.tsv) instead of the index folder's
    /// aliases.tsv.
    #[arg(long, global = true, value_name = "FILE")]
    pub aliases: Option<PathBuf>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// morgue's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles from files and folders into the index.
    Ingest(ingest::Args),
    /// Search the index; prints ranked passages.
    Search(search::Args),
    /// List outlets with article counts and date spans (whole index or a query's results).
    Outlets(outlets::Args),
    /// Count matching articles per period, as a bar chart or a table.
    Timeline(timeline::Args),
    /// Show one article: metadata with provenance, entities, numbered passages.
    Show(show::Args),
    /// List the near-duplicate copies of an article's story, original first.
    Copies(copies::Args),
    /// Show figures about the index.
    Stats(stats::Args),
    /// Export every matching article or passage as CSV or JSON Lines, with citation fields.
    Export(export::Args),
    /// Train, evaluate or try the named-entity recognizer.
    Ner(ner::Args),
    /// The most mentioned entities, in the index or in a query's results.
    Entities(entities::Args),
    /// Everything the index knows about one entity.
    Entity(entity::Args),
    /// List the site furniture learned from the archive, per outlet, with counts.
    Furniture(furniture::Args),
    /// Measure extraction quality against gold data (`eval dates GOLD.json PAGES_DIR`).
    Eval(eval::Args),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = Ctx::new(&cli);
    match cli.command {
        Command::Ingest(args) => ingest::run(args, &ctx),
        Command::Search(args) => search::run(args, &ctx),
        Command::Outlets(args) => outlets::run(args, &ctx),
        Command::Timeline(args) => timeline::run(args, &ctx),
        Command::Show(args) => show::run(args, &ctx),
        Command::Copies(args) => copies::run(args, &ctx),
        Command::Stats(args) => stats::run(args, &ctx),
        Command::Export(args) => export::run(args, &ctx),
        Command::Ner(args) => ner::run(args, &ctx),
        Command::Entities(args) => entities::run(args, &ctx),
        Command::Entity(args) => entity::run(args, &ctx),
        Command::Eval(args) => eval::run(args, &ctx),
        Command::Furniture(args) => furniture::run(args, &ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
