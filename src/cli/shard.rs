//! `morgue shard`: sharded roots (several index folders read as one index).

use super::common::{print_text, print_timed, timed, Ctx};
use super::exit;
use morgue::present::lookup as present;
use std::path::PathBuf;
use std::process::ExitCode;

/// Manage a sharded root: a folder whose `shards.json` lists index folders that every command
/// reads as one index (`morgue ingest --shards N` builds one).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// `morgue shard` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add index folders built apart (other machines, other processes) as shards of the root
    /// given with --index (created when missing), then join copies across shards.
    Add {
        /// Index folders to add.
        #[arg(required = true, value_name = "DIR")]
        folders: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Merge shards of the root given with --index into the first one named (every shard when
    /// none is named): one index instead of several, with the same documents and answers.
    Merge {
        /// Shards to merge, as `shard list` names them.
        #[arg(value_name = "SHARD")]
        shards: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the shards of the root given with --index, with their articles.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Add { folders, json } => {
            let (added, took) = timed(|| morgue::index::shards::add(&ctx.index, &folders));
            let (_, joined) = added?;
            let listing = morgue::index::shards::list(&ctx.index)?;
            if json {
                print_timed(&present::shards_json(&listing, Some(&joined), None), took)?;
            } else {
                print_text(&present::shards_text(&listing, Some(&joined), None), ctx)?;
            }
        }
        Action::Merge { shards, json } => {
            let (merged, took) = timed(|| morgue::index::shards::merge(&ctx.index, &shards));
            let merged = merged?;
            let listing = morgue::index::shards::list(&ctx.index)?;
            if json {
                print_timed(&present::shards_json(&listing, None, Some(&merged)), took)?;
            } else {
                print_text(&present::shards_text(&listing, None, Some(&merged)), ctx)?;
            }
        }
        Action::List { json } => {
            let (listing, took) = timed(|| morgue::index::shards::list(&ctx.index));
            let listing = listing?;
            if json {
                print_timed(&present::shards_json(&listing, None, None), took)?;
            } else {
                print_text(&present::shards_text(&listing, None, None), ctx)?;
            }
        }
    }
    Ok(ExitCode::from(exit::OK))
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn parses_add_and_list() {
        let cli = Cli::parse_from([
            "morgue", "--index", "root", "shard", "add", "a", "b", "--json",
        ]);
        assert!(matches!(
            cli.command,
            Command::Shard(super::Args { action: super::Action::Add { ref folders, json: true } })
                if folders.len() == 2
        ));
        let cli = Cli::parse_from(["morgue", "shard", "merge", "shard-001", "shard-000"]);
        assert!(matches!(
            cli.command,
            Command::Shard(super::Args { action: super::Action::Merge { ref shards, json: false } })
                if shards == &["shard-001", "shard-000"]
        ));
        let cli = Cli::parse_from(["morgue", "shard", "list"]);
        assert!(matches!(
            cli.command,
            Command::Shard(super::Args {
                action: super::Action::List { json: false }
            })
        ));
    }
}
