//! The command line: argument definitions and dispatch.
//!
//! Only this layer knows about flags, stdout/stderr and exit codes; everything it does is a call
//! into the `morgue` library followed by a call into `morgue::present`.

mod batch;
mod check;
mod common;
mod copies;
mod entities;
mod entity;
mod eval;
mod export;
mod facet;
mod furniture;
mod ingest;
mod ner;
mod outlets;
mod search;
mod serve;
mod shard;
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
    /// List the values of the outlet, the authors or any record metadata key, with counts.
    Facet(facet::Args),
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
    /// Verify the index: checksums, readability, agreement with its ledger.
    Check(check::Args),
    /// Serve the index as a local web page and JSON API (read-only).
    Serve(serve::Args),
    /// Sharded roots: add index folders as shards, list shards.
    Shard(shard::Args),
}

/// Runs the parsed command line.
///
/// This is the command boundary: an error or panic that comes from damaged index files
/// becomes one message naming the index and how to rebuild it ([`morgue::Error::Damaged`]),
/// instead of tantivy's wording or a panic (exit 101).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = Ctx::new(&cli);
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli.command, &ctx)));
    match outcome {
        Ok(Ok(code)) => Ok(code),
        Ok(Err(e)) => Err(explain_index_error(e, &ctx)),
        Err(panic) => Err(explain_panic(&*panic, &ctx)),
    }
}

/// An index error: when the index's checks find damage (any tantivy error may come from it),
/// [`morgue::Error::Damaged`] naming the damaged file; else the error as the library words it.
fn explain_index_error(e: anyhow::Error, ctx: &Ctx) -> anyhow::Error {
    match e.downcast::<morgue::Error>() {
        Ok(morgue::Error::Index(te)) => match found_damage(ctx) {
            Some(reason) => morgue::Error::Damaged {
                path: ctx.index.clone(),
                reason,
            }
            .into(),
            None => morgue::index::classify_error(&ctx.index, te).into(),
        },
        Ok(other) => other.into(),
        Err(e) => e,
    }
}

/// A panic: when the index's checks find damage, that is what the user is told; otherwise it
/// is a bug, reported as one (with where it happened, from the quiet panic hook).
fn explain_panic(payload: &(dyn std::any::Any + Send), ctx: &Ctx) -> anyhow::Error {
    if let Some(reason) = found_damage(ctx) {
        return morgue::Error::Damaged {
            path: ctx.index.clone(),
            reason,
        }
        .into();
    }
    let message = morgue::index::health::panic_message(payload);
    let place = panic_place().unwrap_or_default();
    anyhow::anyhow!("internal error (a bug in morgue; please report it): {message}{place}")
}

/// The first damage `morgue check` finds in the index, if any.
fn found_damage(ctx: &Ctx) -> Option<String> {
    morgue::index::health::first_damage(&ctx.index)
}

static PANIC_PLACE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Replaces the panic hook with one that prints nothing and keeps where the first panic
/// happened, for [`run`] to report; `RUST_BACKTRACE` set keeps Rust's usual report too.
pub fn quiet_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(at) = info.location() {
            let mut place = PANIC_PLACE.lock().unwrap_or_else(|p| p.into_inner());
            place.get_or_insert_with(|| format!(" (at {at})"));
        }
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            default(info);
        }
    }));
}

fn panic_place() -> Option<String> {
    PANIC_PLACE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
}

fn dispatch(command: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match command {
        Command::Ingest(args) => ingest::run(args, ctx),
        Command::Search(args) => search::run(args, ctx),
        Command::Outlets(args) => outlets::run(args, ctx),
        Command::Facet(args) => facet::run(args, ctx),
        Command::Timeline(args) => timeline::run(args, ctx),
        Command::Show(args) => show::run(args, ctx),
        Command::Copies(args) => copies::run(args, ctx),
        Command::Stats(args) => stats::run(args, ctx),
        Command::Export(args) => export::run(args, ctx),
        Command::Ner(args) => ner::run(args, ctx),
        Command::Entities(args) => entities::run(args, ctx),
        Command::Entity(args) => entity::run(args, ctx),
        Command::Eval(args) => eval::run(args, ctx),
        Command::Check(args) => check::run(args, ctx),
        Command::Furniture(args) => furniture::run(args, ctx),
        Command::Serve(args) => serve::run(args, ctx),
        Command::Shard(args) => shard::run(args, ctx),
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
