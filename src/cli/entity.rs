//! `morgue entity NAME`: what the index knows about one entity.

use super::common::{print_json, print_text, Ctx};
use super::exit;
use morgue::present;
use morgue::search::entities::entity;
use morgue::search::Filters;
use std::process::ExitCode;

/// Look an entity up: canonical name, type, variants seen, number of articles, outlets that
/// mention it, first and last dated mention, the entities most often mentioned with it, and the
/// articles. NAME may be any variant in the alias table (ISIL finds the Islamic State).
///
/// Exit code: 0 when found, 1 when no article mentions it, 2 on error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The entity's name (any case; any variant known to the alias table).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Most co-mentioned entities listed.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub related: usize,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if args.name.trim().is_empty() {
        return Err(morgue::Error::BadOption {
            option: "NAME".into(),
            message: "the name is empty".into(),
        }
        .into());
    }
    let mi = ctx.open_index()?;
    let filters = Filters::default().with_aliases(ctx.alias_table()?);
    let report = entity(&mi, &args.name, &filters, args.related)?;
    match &report {
        Some(r) if args.json => print_json(&present::json::entity(r))?,
        Some(r) => print_text(&present::text::entity(r), ctx)?,
        None if args.json => print_json("null\n")?,
        None => eprintln!("morgue: no article mentions {:?}", args.name),
    }
    Ok(ExitCode::from(if report.is_some() {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}
