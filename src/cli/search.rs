//! `morgue search QUERY`: ranked, highlighted passages.

use super::common::{parse_query, print_text, print_timed, query_error, timed, Ctx, FilterArgs};
use super::exit;
use morgue::present::{self, Style};
use morgue::search::{SearchRequest, SortOrder};
use std::process::ExitCode;

/// Search the index: ranked passages, best passage of each article first.
///
/// Query syntax: words (all required), "exact phrases", "phrase"~N (within N extra words),
/// OR, AND, NOT, -word, +word, (groups), prefix* and fields title:, text:, outlet:, entity:.
/// OR binds tighter than AND: `ISIS weapons OR arms` is `ISIS AND (weapons OR arms)`.
/// Matching ignores case and accents and uses English stems (election = elections).
///
/// Exit code: 0 when something matched, 1 when nothing did, 2 on error. With --batch: 0 when
/// every query ran, 1 when some could not (each has an error block), 2 when none could.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query (it may start with `-`, e.g. `-Raqqa Mosul`).
    #[arg(
        value_name = "QUERY",
        allow_hyphen_values = true,
        required_unless_present = "batch"
    )]
    pub query: Option<String>,

    /// Run every query of FILE against the index, printing one block (with --json, one JSON
    /// line) per query as it ends. FILE: one query per line (blank lines and lines starting with
    /// `#` skipped; `-` reads stdin), or a `.csv` file whose header names columns among query,
    /// from, to, outlet, entity, meta. A record's from/to/outlet cells replace the options, its
    /// entity and meta cells add to --entity and --meta (`;` separates several values); the
    /// other options apply to
    /// every query. A query that cannot run gets an error block; the others still run.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub batch: Option<std::path::PathBuf>,

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

    /// Count and show every near-duplicate copy of a story as its own hit (by default a story
    /// counts once, shown by its original, the earliest dated copy, with "+N copies").
    #[arg(long)]
    pub all_copies: bool,

    /// Print whole passages instead of a window around the match.
    #[arg(long)]
    pub full: bool,

    /// Print one JSON object (schema in the README).
    #[arg(long)]
    pub json: bool,
}

fn parse_sort(s: &str) -> Result<SortOrder, String> {
    SortOrder::parse(s).ok_or_else(|| format!("expected relevance, date or -date, got {s:?}"))
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let query = match (&args.query, &args.batch) {
        (_, Some(file)) => return super::batch::run(&args, file, ctx),
        (Some(q), None) => q.clone(),
        // clap requires one of them.
        (None, None) => anyhow::bail!("give a QUERY or --batch FILE"),
    };
    let filters = ctx.filters(&args.filters)?;
    // Parse before any costly work, so a bad query fails fast.
    if let Err(code) = parse_query(Some(&query), ctx) {
        return Ok(code);
    }
    let mi = ctx.open_checked(&filters)?;
    let req = SearchRequest {
        query,
        filters,
        limit: args.limit,
        passages: args.passages as usize,
        sort: args.sort,
        all_copies: args.all_copies,
    };
    let (results, took) = timed(|| morgue::search::search(&mi, &req));
    let results = match results {
        Err(morgue::Error::Query(e)) => return Ok(query_error(&e, &req.query, ctx)),
        r => r?,
    };
    if args.json {
        print_timed(&present::json::search(&results), took)?;
    } else {
        let style = Style {
            color: ctx.color,
            full: args.full,
            ..Style::default()
        };
        print_text(&present::text::search(&results, &style), ctx)?;
    }
    Ok(ExitCode::from(if results.total > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use clap::Parser;

    #[test]
    fn batch_replaces_the_query() {
        let cli = Cli::try_parse_from(["morgue", "search", "--batch", "q.csv", "-n", "3"]).unwrap();
        let Command::Search(a) = cli.command else {
            panic!("not search");
        };
        assert_eq!(a.batch.as_deref(), Some(std::path::Path::new("q.csv")));
        assert_eq!((a.query, a.limit), (None, 3));
        assert!(Cli::try_parse_from(["morgue", "search"]).is_err());
        assert!(Cli::try_parse_from(["morgue", "search", "x", "--batch", "q.txt"]).is_err());
    }
}
