//! `morgue check`: verify that the index is intact and agrees with its ledger.

use super::common::{print_text, print_timed, timed, Ctx};
use super::exit;
use morgue::present::lookup as present;
use std::process::ExitCode;

/// Verify the index: every segment file's checksum, that the index opens and every stored
/// document can be read back, and that the ledger agrees with the index (each source it records
/// still has articles in it). The article table's row maps are read whole too (a query reads only
/// the numbers it needs); a damaged table is built again and reported. Exit code 0 when healthy,
/// 2 when a problem is found.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (health, took) =
        timed(|| morgue::index::health::check_with(&ctx.index, &morgue::search::check_caches));
    let health = health?;
    if args.json {
        print_timed(&present::health_json(&health), took)?;
    } else {
        print_text(&present::health_text(&health), ctx)?;
    }
    Ok(ExitCode::from(if health.healthy {
        exit::OK
    } else {
        exit::ERROR
    }))
}

#[cfg(test)]
mod tests {
    use super::super::Cli;
    use clap::Parser;

    #[test]
    fn check_parses_its_flags() {
        let cli = Cli::try_parse_from(["morgue", "check", "--json", "--index", "ix"]).unwrap();
        assert!(matches!(cli.command, super::super::Command::Check(ref a) if a.json));
        assert_eq!(cli.index, std::path::PathBuf::from("ix"));
    }
}
