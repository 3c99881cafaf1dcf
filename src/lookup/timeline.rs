//! Counts of matching articles per period, optionally split by outlet and normalized by each
//! outlet's output in the period (attention share).

use super::appearances::{each_counted, Runs};
use super::facet::Groups;
use crate::index::keyword_key;
use crate::search::{to_date, Selection};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The length of a timeline period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar years.
    Year,
    /// Calendar months.
    Month,
    /// ISO weeks (Monday to Sunday).
    Week,
    /// Days.
    Day,
}

impl Period {
    /// `year`, `month`, `week` or `day`.
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "year" => Some(Period::Year),
            "month" => Some(Period::Month),
            "week" => Some(Period::Week),
            "day" => Some(Period::Day),
            _ => None,
        }
    }

    /// The first day of the period holding `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Period::Year => d.with_ordinal(1).unwrap_or(d),
            Period::Month => d.with_day(1).unwrap_or(d),
            Period::Week => d - Duration::days(d.weekday().num_days_from_monday() as i64),
            Period::Day => d,
        }
    }

    /// The first day of the next period.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Year => NaiveDate::from_ymd_opt(start.year() + 1, 1, 1).unwrap_or(start),
            Period::Month => start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(start),
            Period::Week => start + Duration::days(7),
            Period::Day => start + Duration::days(1),
        }
    }

    /// How a period is labelled: `2016`, `2016-03`, `2016-W09`, `2016-03-01`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Year => format!("{}", start.year()),
            Period::Month => start.format("%Y-%m").to_string(),
            Period::Week => {
                let w = start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Day => start.format("%Y-%m-%d").to_string(),
        }
    }
}

/// One cell: matching articles of a group in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// Matching articles.
    pub count: usize,
    /// All articles of the group in the period (the denominator); only with normalization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<usize>,
    /// `count / of`; `null` marks a gap (the group published nothing in the period); only with
    /// normalization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<Option<f64>>,
}

/// One period of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The period's label.
    pub period: String,
    /// Its first day.
    pub start: NaiveDate,
    /// One cell per group, in the order of [`Timeline::groups`].
    pub cells: Vec<Cell>,
}

/// Matching articles per period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// Period length.
    pub by: Period,
    /// Column names: `["all"]`, or the values when split (most matches first), `other` last
    /// when there were more than `--top`.
    pub groups: Vec<String>,
    /// Every period from the first to the last matching one, in order (empty ones included).
    pub rows: Vec<Row>,
    /// Dated matching articles counted.
    pub total: usize,
    /// Matching articles that are undated, counted apart.
    pub undated: usize,
}

/// What a timeline is asked for besides its query and filters (`morgue timeline`'s options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineOptions {
    /// Period length.
    pub by: Period,
    /// One column per value of this key: `outlet` or a metadata key (as stored: see
    /// `read::record::meta_key`).
    pub split_by: Option<String>,
    /// Most columns when split; the other values are counted together in an `other` column.
    /// `None`: every value.
    pub top: Option<usize>,
    /// Each count as a share of all articles of the group in the period.
    pub normalize: bool,
    /// Count every near-duplicate copy (by default a story counts once, in the period and
    /// group of its original).
    pub all_copies: bool,
}

/// The timeline of the articles matching `expr` (every article when `None`) under `filters`:
/// undated matches are counted apart whatever the date bounds; the baseline (for `normalize`,
/// and for the zero columns of a split) is every article under the same filters.
pub fn timeline_of(
    mi: &crate::index::MorgueIndex,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
    opts: &TimelineOptions,
) -> crate::Result<Timeline> {
    timeline_with(&super::Local::new(mi)?, expr, filters, opts)
}

/// [`timeline_of`] over any [`super::Articles`].
pub fn timeline_with(
    articles: &dyn super::Articles,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
    opts: &TimelineOptions,
) -> crate::Result<Timeline> {
    // Undated articles are counted apart, so the selection keeps them whatever the date bounds.
    let keep_undated = crate::search::Filters {
        include_undated: true,
        ..filters.clone()
    };
    let select = |expr| -> crate::Result<Selection> {
        let mut s = articles.select(expr, &keep_undated)?;
        if !opts.all_copies {
            s.fold_copies();
        }
        Ok(s)
    };
    let values = match &opts.split_by {
        None => None,
        Some(key) => match articles.values_of(key)? {
            Some(v) => Some((key.clone(), v)),
            None => {
                return Err(crate::Error::BadOption {
                    option: "--split-by".into(),
                    message: format!("no article has a value of `{key}`"),
                })
            }
        },
    };
    let matches = select(expr)?;
    let baseline = match opts.normalize || values.is_some() {
        true => Some(select(None)?),
        false => None,
    };
    let runs = |s: Option<&Selection>| -> crate::Result<Runs> {
        match s {
            Some(s) => articles.runs(s, &keep_undated),
            None => Ok(Runs::default()),
        }
    };
    let split = match values {
        None => None,
        Some((key, values)) => Some(Split {
            runs: runs(Some(&matches))?,
            baseline_runs: runs(baseline.as_ref())?,
            values,
            missing: match key.as_str() {
                super::facet::OUTLET => "(unknown outlet)".into(),
                k => format!("(no {k})"),
            },
            key,
            top: opts.top,
        }),
    };
    Ok(timeline(
        &matches,
        opts.by,
        split.as_ref(),
        baseline.as_ref(),
        opts.normalize,
    ))
}

/// How a timeline splits articles into columns.
pub struct Split<'a> {
    /// The key: `outlet` or a metadata key.
    pub key: String,
    /// The matching texts read from several records, with their appearances that pass the
    /// filters (see [`super::appearances`]): each appearance counts under its own value.
    pub runs: Runs,
    /// The same for the baseline.
    pub baseline_runs: Runs,
    /// An article's values (see [`super::facet::values_of`]); several for a multi-valued key.
    pub values: super::facet::ValuesOf<'a>,
    /// The column of articles without a value (`(unknown outlet)`, `(no bias)`).
    pub missing: String,
    /// Most columns; the other values are counted together in an `other` column (an article
    /// once). `None`: every value.
    pub top: Option<usize>,
}

/// Name of the column that holds the values past [`Split::top`].
pub const OTHER: &str = "other";

/// Builds a timeline of `matches`. With `split`, one column per value (most matches first, then
/// most articles in `baseline`); with `baseline` (every article under the same filters, without
/// the query), a value that some article has but no match has is a column of zeros, and with
/// `normalize` each cell also gets its denominator and share, and a period where the group has
/// no article at all is a gap.
pub fn timeline(
    matches: &Selection,
    by: Period,
    split: Option<&Split>,
    baseline: Option<&Selection>,
    normalize: bool,
) -> Timeline {
    // An item's date (`None`: undated) and groups (folded keys with their spellings).
    type Visit<'v> = dyn FnMut(Option<NaiveDate>, &[(String, String)]) + 'v;
    // What is counted: per text (or, split by a key, per appearance of a text that has
    // several), its date and its groups (folded keys with their spellings). Each pass below
    // works them out again as it walks the selection, so nothing per article is held.
    let each = |sel: &Selection, runs: &Runs, visit: &mut Visit| {
        let Some(split) = split else {
            let all = [(String::new(), "all".to_string())];
            for f in sel.articles.values() {
                visit(f.date_secs.and_then(to_date), &all);
            }
            return;
        };
        each_counted(sel, runs, &split.key, &split.values, |date, values| {
            let mut vs: Vec<(String, String)> =
                values.into_iter().map(|v| (keyword_key(&v), v)).collect();
            if vs.is_empty() {
                vs.push((MISSING_KEY.into(), split.missing.clone()));
            }
            vs.sort();
            vs.dedup_by(|a, b| a.0 == b.0);
            visit(date, &vs);
        });
    };
    let no_runs = Runs::default();
    let matched_runs = split.map_or(&no_runs, |s| &s.runs);
    let baseline_runs = split.map_or(&no_runs, |s| &s.baseline_runs);
    // Matches and baseline articles per group, and spellings.
    let mut matched: Groups<(usize, usize)> = Groups::default();
    let mut column_by_key: HashMap<String, usize> = HashMap::new();
    // Columns are chosen among the groups of dated items: the matches' counts, then (split)
    // the baseline's.
    let mut count_groups =
        |sel: &Selection, runs: &Runs, count: fn(&mut (usize, usize)) -> &mut usize| {
            each(sel, runs, &mut |date, groups| {
                if date.is_some() {
                    for (key, name) in groups {
                        *count(matched.entry_keyed(key, name)) += 1;
                    }
                }
            });
        };
    count_groups(matches, matched_runs, |c| &mut c.0);
    if let (Some(_), Some(b)) = (split, baseline) {
        count_groups(b, baseline_runs, |c| &mut c.1);
    }
    let mut named = matched.into_keyed();
    named.sort_by(|a, b| {
        (b.2 .0, b.2 .1)
            .cmp(&(a.2 .0, a.2 .1))
            .then_with(|| a.1.cmp(&b.1))
    });
    let top = split.and_then(|s| s.top).unwrap_or(usize::MAX);
    let mut names: Vec<String> = Vec::new();
    for (i, (key, name, _)) in named.iter().enumerate() {
        let column = if i < top {
            names.push(name.clone());
            names.len() - 1
        } else {
            if i == top {
                names.push(OTHER.into());
            }
            top
        };
        column_by_key.insert(key.clone(), column);
    }
    if names.is_empty() {
        names.push("all".into());
    }
    let column_of = |key: &str| -> usize { column_by_key.get(key).copied().unwrap_or(0) };
    // An item's columns, each once.
    let columns = |groups: &[(String, String)]| -> Vec<usize> {
        let mut cols: Vec<usize> = groups.iter().map(|(k, _)| column_of(k)).collect();
        cols.sort_unstable();
        cols.dedup();
        cols
    };
    let mut counts: HashMap<(usize, NaiveDate), usize> = HashMap::new();
    let (mut total, mut undated) = (0, 0);
    each(matches, matched_runs, &mut |date, groups| {
        let Some(d) = date else {
            undated += 1;
            return;
        };
        total += 1;
        for c in columns(groups) {
            *counts.entry((c, by.start(d))).or_default() += 1;
        }
    });
    let denominators: Option<HashMap<(usize, NaiveDate), usize>> =
        baseline.filter(|_| normalize).map(|b| {
            let mut m = HashMap::new();
            each(b, baseline_runs, &mut |date, groups| {
                let Some(d) = date else {
                    return;
                };
                for c in columns(groups) {
                    *m.entry((c, by.start(d))).or_default() += 1;
                }
            });
            m
        });
    let starts: BTreeMap<NaiveDate, ()> = counts.keys().map(|(_, p)| (*p, ())).collect();
    let mut rows = Vec::new();
    if let (Some((&first, _)), Some((&last, _))) =
        (starts.first_key_value(), starts.last_key_value())
    {
        let mut p = first;
        while p <= last {
            let cells = (0..names.len())
                .map(|g| {
                    let count = counts.get(&(g, p)).copied().unwrap_or(0);
                    match &denominators {
                        None => Cell {
                            count,
                            of: None,
                            share: None,
                        },
                        Some(den) => {
                            let of = den.get(&(g, p)).copied().unwrap_or(0);
                            Cell {
                                count,
                                of: Some(of),
                                share: Some((of > 0).then(|| count as f64 / of as f64)),
                            }
                        }
                    }
                })
                .collect();
            rows.push(Row {
                period: by.label(p),
                start: p,
                cells,
            });
            let next = by.next(p);
            if next <= p {
                break;
            }
            p = next;
        }
    }
    Timeline {
        by,
        groups: names,
        rows,
        total,
        undated,
    }
}

/// The group key of articles without a value (no folded value is empty).
const MISSING_KEY: &str = "";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sel(items: &[(Option<&str>, Option<NaiveDate>)]) -> Selection {
        let items: Vec<(Option<&str>, Option<i64>)> = items
            .iter()
            .map(|(o, d)| {
                let secs = d.and_then(|d| d.and_hms_opt(0, 0, 0));
                (*o, secs.map(|d| d.and_utc().timestamp()))
            })
            .collect();
        crate::lookup::testing::selection(&items)
    }

    #[test]
    fn periods_start_label_and_advance() {
        assert_eq!(Period::Week.start(d(2016, 12, 14)), d(2016, 12, 12));
        assert_eq!(Period::Week.label(d(2016, 1, 4)), "2016-W01");
        assert_eq!(Period::Month.next(d(2016, 12, 1)), d(2017, 1, 1));
        assert_eq!(Period::Year.label(d(2016, 1, 1)), "2016");
    }

    #[test]
    fn empty_periods_are_zero_and_undated_counted_apart() {
        let t = timeline(
            &sel(&[
                (None, Some(d(2015, 2, 1))),
                (None, Some(d(2017, 5, 5))),
                (None, None),
            ]),
            Period::Year,
            None,
            None,
            false,
        );
        let counts: Vec<(String, usize)> = t
            .rows
            .iter()
            .map(|r| (r.period.clone(), r.cells[0].count))
            .collect();
        assert_eq!(
            counts,
            vec![("2015".into(), 1), ("2016".into(), 0), ("2017".into(), 1)]
        );
        assert_eq!((t.total, t.undated), (2, 1));
    }

    #[test]
    fn normalized_split_marks_gaps() {
        let matches = sel(&[
            (Some("A"), Some(d(2015, 1, 1))),
            (Some("B"), Some(d(2016, 1, 1))),
        ]);
        let all = sel(&[
            (Some("A"), Some(d(2015, 1, 1))),
            (Some("A"), Some(d(2015, 6, 1))),
            (Some("B"), Some(d(2016, 1, 1))),
        ]);
        let split = Split {
            key: "outlet".into(),
            runs: Runs::default(),
            baseline_runs: Runs::default(),
            values: crate::lookup::facet::outlet_values(),
            missing: "(unknown outlet)".into(),
            top: None,
        };
        let t = timeline(&matches, Period::Year, Some(&split), Some(&all), true);
        assert_eq!(t.groups, vec!["A", "B"]);
        let a2015 = &t.rows[0].cells[0];
        assert_eq!(
            (a2015.count, a2015.of, a2015.share),
            (1, Some(2), Some(Some(0.5)))
        );
        let b2015 = &t.rows[0].cells[1];
        assert_eq!(
            b2015.share,
            Some(None),
            "B published nothing in 2015: a gap"
        );
        let a2016 = &t.rows[1].cells[0];
        assert_eq!(a2016.share, Some(None));
    }
}
