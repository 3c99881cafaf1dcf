//! `morgue entities [QUERY]`: the most mentioned entities of the index or of a query's results.

use super::common::{parse_query, print_text, print_timed, timed, Ctx, FilterArgs};
use super::exit;
use morgue::extract::ner::EntityType;
use morgue::lookup::entities::{entities, EntitiesRequest};
use morgue::present;
use std::process::ExitCode;

/// List the most mentioned entities (by number of articles), in the whole index or in the
/// articles matching QUERY and the filters.
///
/// Exit code: 0 when some entity was found, 1 when none, 2 on error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only articles matching this query (same syntax as `morgue search`).
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,

    /// Only entities of this type: person, org, location or misc.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub kind: Option<EntityType>,

    /// Most entities listed.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Count every near-duplicate copy of a story (by default its copies count once).
    #[arg(long)]
    pub all_copies: bool,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Parses `--type`.
pub fn parse_type(s: &str) -> Result<EntityType, String> {
    EntityType::parse(s).ok_or_else(|| format!("expected person, org, location or misc, got {s:?}"))
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let filters = ctx.filters(&args.filters)?;
    if let Err(code) = parse_query(args.query.as_deref(), ctx) {
        return Ok(code);
    }
    let mi = ctx.open_checked(&filters)?;
    let req = EntitiesRequest {
        query: args.query,
        filters,
        kind: args.kind,
        top: args.top,
        all_copies: args.all_copies,
    };
    let (r, took) = timed(|| entities(&mi, &req));
    let r = r?;
    if args.json {
        print_timed(&present::json::entities(&r), took)?;
    } else {
        print_text(&present::text::entities(&r), ctx)?;
    }
    Ok(ExitCode::from(if r.entities.is_empty() {
        exit::PARTIAL
    } else {
        exit::OK
    }))
}
