//! `morgue timeline QUERY`: matching articles per period.

use super::common::{parse_query, print, print_text, print_timed, timed, Ctx, FilterArgs};
use super::exit;
use morgue::lookup::timeline::{timeline_of, Period, TimelineOptions};
use morgue::present::lookup as present;
use std::process::ExitCode;

/// Count matching articles per year, month, week or day, drawn as a bar chart.
///
/// `--split-by outlet` gives an outlet × period table, `--split-by KEY` a table by the values of
/// any metadata key (`author`, `bias`, `topic`…): the `--top` values with the most matches (an
/// article with two values counts in both), the rest in one `other` column; a value that no
/// match has but some article under the filters has is a column of zeros. `--normalize` divides
/// each count by all the articles of that group (or of the whole selection) in the period: the
/// share of attention; a period in which the group published nothing is a gap, not a zero.
/// Undated articles are counted apart.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query (same syntax as `search`).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,
    /// Period length.
    #[arg(long, value_name = "PERIOD", default_value = "year", value_parser = parse_period)]
    pub by: Period,
    /// One column per outlet (`outlet`) or per value of a metadata key (`author`, `bias`…).
    #[arg(long, value_name = "KEY")]
    pub split_by: Option<String>,
    /// With --split-by, most columns; the other values are counted together as `other`.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub top: u64,
    /// Show each count as a share of all articles of the outlet (or selection) in the period.
    #[arg(long)]
    pub normalize: bool,
    /// Filters.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Count every near-duplicate copy of a story (by default a story counts once, in the
    /// period and outlet of its original, the earliest dated copy).
    #[arg(long)]
    pub all_copies: bool,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (`period,start,group,count[,of,share]`).
    #[arg(long)]
    pub csv: bool,
}

fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse(s).ok_or_else(|| format!("expected year, month, week or day, got {s:?}"))
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let filters = ctx.filters(&args.filters)?;
    let expr = match parse_query(Some(&args.query), ctx) {
        Ok(e) => e,
        Err(code) => return Ok(code),
    };
    let mi = ctx.open_checked(&filters)?;
    let split_by = match &args.split_by {
        None => None,
        Some(key) => match super::facet::values_for(&mi.searcher()?, key)? {
            Ok((key, _)) => Some(key),
            Err(code) => return Ok(code),
        },
    };
    let opts = TimelineOptions {
        by: args.by,
        split_by,
        top: usize::try_from(args.top).ok(),
        normalize: args.normalize,
        all_copies: args.all_copies,
    };
    let (t, took) = timed(|| timeline_of(&mi, expr.as_ref(), &filters, &opts));
    let t = t?;
    if args.json {
        print_timed(&present::timeline_json(&args.query, &t), took)?;
    } else if args.csv {
        print(&present::timeline_csv(&t))?;
    } else {
        print_text(&present::timeline_text(&t, &ctx.style()), ctx)?;
    }
    Ok(ExitCode::from(if t.total + t.undated > 0 {
        exit::OK
    } else {
        exit::PARTIAL
    }))
}
