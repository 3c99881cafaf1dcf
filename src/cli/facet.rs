//! `morgue facet KEY [QUERY]`: the values of the outlet or a metadata key, with article counts
//! and date spans.

use super::common::{parse_query, print_text, print_timed, timed, warn, Ctx, FilterArgs};
use super::exit;
use morgue::lookup::facet::{facet_of, values_of, FacetAnswer, ValuesOf};
use morgue::present::lookup as present;
use std::process::ExitCode;

/// List the values of a property: `outlet`, `author`, or any record metadata key (`bias`,
/// `topic`, `keywords`…), each with its articles, first and last date and undated articles.
///
/// Over the whole index, or over the articles matching QUERY (same syntax and filters as
/// `search`). Values are grouped ignoring case and accents; an article with several values (two
/// authors) counts under each; articles without a value come last.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// `outlet`, `author` or a metadata key.
    #[arg(value_name = "KEY")]
    pub key: String,
    /// Only articles matching this query.
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Filters.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Show the N values with the most articles (all by default).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub top: Option<u64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let filters = ctx.filters(&args.filters)?;
    let expr = match parse_query(args.query.as_deref(), ctx) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let mi = ctx.open_checked(&filters)?;
    let key = match values_for(&mi.searcher()?, &args.key)? {
        Ok((key, _)) => key,
        Err(code) => return Ok(code),
    };
    let top = args.top.and_then(|n| usize::try_from(n).ok());
    let (answer, took) = timed(|| facet_of(&mi, expr.as_ref(), &filters, &key, top));
    let Some(FacetAnswer {
        facet,
        total,
        undated,
    }) = answer?
    else {
        return Ok(ExitCode::from(exit::ERROR));
    };
    if args.json {
        print_timed(
            &present::facet_json(args.query.as_deref(), &facet, total, undated),
            took,
        )?;
    } else {
        print_text(&present::facet_text(&facet, total, undated), ctx)?;
    }
    Ok(ExitCode::from(if total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}

/// The facet key as stored (`outlet`, or the metadata key lowercased) and how to read an
/// article's values of it; when no article has the key, says so with the keys the index has
/// (closest first) and gives exit code 2.
pub fn values_for<'a>(
    searcher: &tantivy::Searcher,
    key: &str,
) -> anyhow::Result<Result<(String, ValuesOf<'a>), ExitCode>> {
    let key = match morgue::read::record::meta_key(key) {
        Some(k) => k,
        None => {
            warn("the key is empty: give `outlet`, `author` or a metadata key");
            return Ok(Err(ExitCode::from(exit::ERROR)));
        }
    };
    if let Some(values) = values_of(searcher, &key)? {
        return Ok(Ok((key, values)));
    }
    warn(&morgue::lookup::facet::unknown_key(searcher, &key)?);
    Ok(Err(ExitCode::from(exit::ERROR)))
}
