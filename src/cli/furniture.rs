//! `morgue furniture`: the site furniture learned from the index, per outlet.

use super::common::{print_text, print_timed, timed, Ctx};
use super::exit;
use morgue::index::furniture::Listing;
use morgue::present::lookup as present;
use std::process::ExitCode;

/// List the site furniture learned from the archive (lines, templates and inline fragments an
/// outlet repeats across many different stories), per outlet, with the number of articles it
/// was removed from. Furniture is not searchable, counted, shown in passages or given to the
/// entity recognizer; `show` marks it. Edit `furniture.tsv` in the index folder to force a text
/// in (`+`) or out (`-`); the next ingest applies it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this outlet (as `morgue outlets` prints it; any case).
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,
    /// Most items listed per outlet.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    // Built from the seeds when missing; this handle is not the one used.
    drop(std::mem::ManuallyDrop::into_inner(ctx.open_index()?));
    let (listing, took) = timed(|| Listing::open(&ctx.index));
    let mut listing = listing?;
    if let Some(name) = &args.outlet {
        let name = name.trim().to_lowercase();
        listing.outlets.retain(|o| o.outlet.to_lowercase() == name);
    }
    for o in &mut listing.outlets {
        o.items.truncate(args.limit);
    }
    if args.json {
        print_timed(&present::furniture_json(&listing), took)?;
    } else {
        print_text(&present::furniture_text(&listing), ctx)?;
    }
    Ok(ExitCode::from(exit::OK))
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn parses_outlet_limit_and_json() {
        let cli = Cli::parse_from([
            "morgue",
            "furniture",
            "--outlet",
            "The Hill",
            "--limit",
            "5",
            "--json",
        ]);
        let Command::Furniture(a) = cli.command else {
            panic!("not furniture");
        };
        assert_eq!(a.outlet.as_deref(), Some("The Hill"));
        assert_eq!(a.limit, 5);
        assert!(a.json);
    }
}
