//! `morgue copies ID|PATH`: the near-duplicate copies of an article's story.

use super::common::{print_text, print_timed, timed, Ctx};
use super::exit;
use morgue::present::lookup as present;
use std::process::ExitCode;

/// List the copy cluster of an article: every near-duplicate copy of its story (syndicated
/// reprints, wire stories run twice, the same page saved with other boilerplate), the original
/// (the earliest dated copy) first, with outlet, date, path and estimated similarity to the
/// original.
///
/// ARTICLE is an article id (16 hex digits, as `search` prints) or a path it was ingested from.
/// Exit code: 0 when the article has copies, 1 when it has none, 2 on error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Article id or source path.
    #[arg(value_name = "ARTICLE")]
    pub article: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mi = ctx.open_index()?;
    let searcher = mi.searcher()?;
    let (found, took) = timed(|| -> morgue::Result<_> {
        match morgue::index::resolve_article(&searcher, &mi.fields, &args.article)? {
            Some(id) => morgue::search::copies::cluster_of(&mi, &searcher, id),
            None => Ok(None),
        }
    });
    let found = found?;
    let Some(cluster) = found else {
        eprintln!(
            "morgue: no article {:?} in {}: give an id from `morgue search` or an ingested path",
            args.article,
            ctx.index.display()
        );
        return Ok(ExitCode::from(exit::ERROR));
    };
    if args.json {
        print_timed(&present::cluster_json(&cluster), took)?;
    } else {
        print_text(&present::cluster_text(&cluster, &ctx.style()), ctx)?;
    }
    Ok(ExitCode::from(if cluster.copies.len() > 1 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}
