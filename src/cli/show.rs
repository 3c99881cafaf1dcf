//! `morgue show ID|PATH`: one article with its provenance and numbered passages.

use super::common::{print_text, print_timed, warn, Ctx};
use super::exit;
use morgue::present::lookup as present;
use std::process::ExitCode;

/// Show one article: metadata with provenance (where the date, outlet and title came from), its
/// entities, and its normalized text with the passages numbered.
///
/// ARTICLE is an article id (16 hex digits, as `search` prints) or a path it was ingested from.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Article id or source path.
    #[arg(value_name = "ARTICLE")]
    pub article: String,
    /// Print the original text as read from the source file (decoded, not normalized).
    #[arg(long, conflicts_with = "json")]
    pub raw: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mi = ctx.open_index()?;
    let searcher = mi.searcher()?;
    let started = std::time::Instant::now();
    let Some(id) = morgue::index::resolve_article(&searcher, &mi.fields, &args.article)? else {
        eprintln!(
            "morgue: no article {:?} in {}: give an id from `morgue search` or an ingested path",
            args.article,
            ctx.index.display()
        );
        return Ok(ExitCode::from(exit::ERROR));
    };
    let article =
        morgue::index::load_article(&searcher, &mi.fields, id, morgue::index::Parts::ALL)?;
    // Resolving the article and loading it: the library's part.
    let took = started.elapsed();
    let Some(article) = article else {
        eprintln!("morgue: article {id} has no stored record");
        return Ok(ExitCode::from(exit::ERROR));
    };
    if args.raw {
        let mut problems = Vec::new();
        for path in &article.paths {
            match morgue::read::reread(path) {
                Ok(raw) => {
                    print_text(&raw.text, ctx)?;
                    return Ok(ExitCode::from(exit::OK));
                }
                Err(e) => problems.push(e),
            }
        }
        warn(&format!(
            "cannot read the source of {id} again: {}",
            problems.join("; ")
        ));
        return Ok(ExitCode::from(exit::ERROR));
    }
    if args.json {
        print_timed(&present::article_json(&article), took)?;
    } else {
        print_text(&present::article_text(&article, &ctx.style()), ctx)?;
    }
    Ok(ExitCode::from(exit::OK))
}
