//! `morgue search QUERY`: ranked, highlighted passages.

use super::common::{print, Ctx, FilterArgs, SEEDS};
use super::exit;
use morgue::pipeline::{self, IngestOptions};
use morgue::present::{self, Style};
use morgue::search::{SearchRequest, SortOrder};
use std::path::Path;
use std::process::ExitCode;

/// Search the index: ranked passages, best passage of each article first.
///
/// Query syntax: words (all required), "exact phrases", "phrase"~N (within N extra words),
/// OR, AND, NOT, -word, +word, (groups), prefix* and fields title:, text:, outlet:, entity:.
/// OR binds tighter than AND: `ISIS weapons OR arms` is `ISIS AND (weapons OR arms)`.
/// Matching ignores case and accents and uses English stems (election = elections).
///
/// Exit code: 0 when something matched, 1 when nothing did, 2 on error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query (it may start with `-`, e.g. `-Raqqa Mosul`).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,

    /// Filters.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// Most articles to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Passages to show per article.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub passages: u64,

    /// Order: relevance, date (oldest first) or -date (newest first); undated articles last.
    #[arg(long, value_name = "ORDER", default_value = "relevance", allow_hyphen_values = true, value_parser = parse_sort)]
    pub sort: SortOrder,

    /// Print whole passages instead of a window around the match.
    #[arg(long)]
    pub full: bool,

    /// Print one JSON object (schema in the README).
    #[arg(long)]
    pub json: bool,
}

fn parse_sort(s: &str) -> Result<SortOrder, String> {
    match s {
        "relevance" => Ok(SortOrder::Relevance),
        "date" => Ok(SortOrder::Date),
        "-date" => Ok(SortOrder::DateDesc),
        other => Err(format!("expected relevance, date or -date, got {other:?}")),
    }
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let filters = args.filters.to_filters()?;
    // Parse before any costly work, so a bad query fails fast.
    if let Err(e) = morgue::search::parse(&args.query) {
        return Ok(query_error(&e, &args.query, ctx));
    }
    ensure_default_index(ctx)?;
    let mi = morgue::index::open(&ctx.index)?;
    let filters = filters.with_aliases(morgue::extract::aliases::AliasTable::for_index(
        &ctx.index,
        ctx.aliases.as_deref(),
    )?);
    let req = SearchRequest {
        query: args.query,
        filters,
        limit: args.limit,
        passages: args.passages as usize,
        sort: args.sort,
    };
    let results = match morgue::search::search(&mi, &req) {
        Err(morgue::Error::Query(e)) => return Ok(query_error(&e, &req.query, ctx)),
        r => r?,
    };
    if args.json {
        print(&present::json::search(&results))?;
    } else {
        let style = Style {
            color: ctx.color,
            full: args.full,
            ..Style::default()
        };
        print(&present::text::search(&results, &style))?;
    }
    Ok(ExitCode::from(if results.total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}

/// Prints a query error on one line (with the column); on a terminal, the query and a caret
/// under the problem follow. Exit code 2.
fn query_error(e: &morgue::search::QueryError, query: &str, ctx: &Ctx) -> ExitCode {
    eprintln!(
        "morgue: invalid query: {} at column {}",
        e.message,
        e.column(query)
    );
    if ctx.stderr_tty {
        for line in e.render(query).lines() {
            eprintln!("  {line}");
        }
    }
    ExitCode::from(exit::ERROR)
}

/// On first use, builds the default index from the bundled seeds.
pub fn ensure_default_index(ctx: &Ctx) -> anyhow::Result<()> {
    let seeds = Path::new(SEEDS);
    if !ctx.default_index || morgue::index::exists(&ctx.index) || !seeds.is_dir() {
        return Ok(());
    }
    eprintln!(
        "morgue: no index at {} yet; building it from {}/ first",
        ctx.index.display(),
        SEEDS
    );
    let opts = IngestOptions {
        progress: ctx.progress(),
        ..IngestOptions::default()
    };
    let report = pipeline::ingest(&ctx.index, &[seeds.to_path_buf()], &opts)?;
    eprintln!(
        "morgue: indexed {} articles ({} passages) in {:.2}s",
        report.articles_indexed,
        report.passages,
        report.elapsed.as_secs_f64()
    );
    Ok(())
}
