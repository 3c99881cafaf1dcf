//! `morgue entity NAME`: what the index knows about one entity.

use super::common::{print_json, print_text, print_timed, timed, Ctx};
use super::exit;
use morgue::lookup::entities::{entity, EntityAnswer, EntityRequest};
use morgue::present;
use morgue::search::Filters;
use std::process::ExitCode;

/// Look an entity up: name, type, the forms written for it, number of stories, outlets that
/// mention it, first and last dated mention, the entities most associated with it, and a page
/// of its stories. NAME may be any form or alias (ISIL finds the Islamic State). A name that
/// several entities share ("Clinton") is reported as ambiguous, with the entities it may mean.
/// Counts are stories, as `search --entity NAME` counts them: near-duplicate copies count once.
///
/// Exit code: 0 when found, 1 when no article mentions it (or the alias table drops it), 2 on
/// error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The entity's name (any case; any variant known to the alias table).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Most associated entities listed.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub related: usize,

    /// Most variants (forms written for the entity) listed.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub variants: usize,

    /// Most stories listed (newest first).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Count every near-duplicate copy of a story (by default its copies count once).
    #[arg(long)]
    pub all_copies: bool,

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
    let req = EntityRequest {
        name: args.name.clone(),
        filters: Filters::default().with_aliases(ctx.alias_table()?),
        all_copies: args.all_copies,
        related: args.related,
        variants: args.variants,
        limit: args.limit,
    };
    let (answer, took) = timed(|| entity(&mi, &req));
    let answer = answer?;
    match &answer {
        EntityAnswer::Found(r) if args.json => print_timed(&present::json::entity(r), took)?,
        EntityAnswer::Found(r) => print_text(&present::text::entity(r), ctx)?,
        _ if args.json => print_json("null\n")?,
        EntityAnswer::Dropped => eprintln!(
            "morgue: the alias table drops {:?} (!drop): it is not counted as an entity",
            args.name
        ),
        EntityAnswer::Missing => eprintln!("morgue: no article mentions {:?}", args.name),
    }
    Ok(ExitCode::from(match answer {
        EntityAnswer::Found(_) => exit::OK,
        _ => exit::PARTIAL,
    }))
}
