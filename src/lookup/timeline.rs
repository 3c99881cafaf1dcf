//! Counts of matching articles per period, optionally split by outlet and normalized by each
//! outlet's output in the period (attention share).

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
    /// Column names: `["all"]`, or the outlets when split by outlet (most matches first).
    pub groups: Vec<String>,
    /// Every period from the first to the last matching one, in order (empty ones included).
    pub rows: Vec<Row>,
    /// Dated matching articles counted.
    pub total: usize,
    /// Matching articles that are undated, counted apart.
    pub undated: usize,
}

/// What a timeline is asked for besides its query and filters (`morgue timeline`'s options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineOptions {
    /// Period length.
    pub by: Period,
    /// One column per outlet.
    pub split_by_outlet: bool,
    /// Each count as a share of all articles of the group in the period.
    pub normalize: bool,
    /// Count every near-duplicate copy (by default a story counts once, in the period and
    /// outlet of its original).
    pub all_copies: bool,
}

/// The timeline of the articles matching `expr` (every article when `None`) under `filters`:
/// undated matches are counted apart whatever the date bounds; with `normalize`, the baseline
/// is every article under the same filters.
pub fn timeline_of(
    mi: &crate::index::MorgueIndex,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
    opts: TimelineOptions,
) -> crate::Result<Timeline> {
    let searcher = mi.searcher()?;
    // Undated articles are counted apart, so the selection keeps them whatever the date bounds.
    let keep_undated = crate::search::Filters {
        include_undated: true,
        ..filters.clone()
    };
    let select = |expr| -> crate::Result<Selection> {
        let mut s = crate::search::select(mi, &searcher, expr, &keep_undated)?;
        if !opts.all_copies {
            s.fold_copies();
        }
        Ok(s)
    };
    let matches = select(expr)?;
    let baseline = match opts.normalize {
        true => Some(select(None)?),
        false => None,
    };
    Ok(timeline(
        &matches,
        opts.by,
        opts.split_by_outlet,
        baseline.as_ref(),
    ))
}

/// Builds a timeline of `matches`. With `split`, one column per outlet; with `baseline` (every
/// article under the same filters, without the query), each cell also gets its denominator and
/// share, and a period where the group has no article at all is a gap.
pub fn timeline(
    matches: &Selection,
    by: Period,
    split: bool,
    baseline: Option<&Selection>,
) -> Timeline {
    let group_of = |outlet: &Option<String>| -> String {
        if split {
            outlet.as_deref().map(keyword_key).unwrap_or_default()
        } else {
            String::new()
        }
    };
    // Count matches per (group, period), and choose display names.
    let mut counts: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let mut group_totals: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut undated = 0;
    let mut total = 0;
    for facts in matches.articles.values() {
        let Some(d) = facts.date_secs.and_then(to_date) else {
            undated += 1;
            continue;
        };
        total += 1;
        let g = group_of(&facts.outlet);
        names
            .entry(g.clone())
            .or_insert_with(|| match (&facts.outlet, split) {
                (Some(o), true) => o.clone(),
                (None, true) => "(unknown outlet)".into(),
                _ => "all".into(),
            });
        *counts.entry((g.clone(), by.start(d))).or_default() += 1;
        *group_totals.entry(g).or_default() += 1;
    }
    let mut groups: Vec<String> = group_totals.keys().cloned().collect();
    groups.sort_by(|a, b| {
        group_totals[b]
            .cmp(&group_totals[a])
            .then_with(|| names[a].cmp(&names[b]))
    });
    if groups.is_empty() {
        groups.push(String::new());
        names.insert(String::new(), "all".into());
    }
    let denominators: Option<HashMap<(String, NaiveDate), usize>> = baseline.map(|b| {
        let mut m = HashMap::new();
        for facts in b.articles.values() {
            if let Some(d) = facts.date_secs.and_then(to_date) {
                *m.entry((group_of(&facts.outlet), by.start(d))).or_default() += 1;
            }
        }
        m
    });
    let starts: BTreeMap<NaiveDate, ()> = counts.keys().map(|(_, p)| (*p, ())).collect();
    let mut rows = Vec::new();
    if let (Some((&first, _)), Some((&last, _))) =
        (starts.first_key_value(), starts.last_key_value())
    {
        let mut p = first;
        while p <= last {
            let cells = groups
                .iter()
                .map(|g| {
                    let count = counts.get(&(g.clone(), p)).copied().unwrap_or(0);
                    match &denominators {
                        None => Cell {
                            count,
                            of: None,
                            share: None,
                        },
                        Some(den) => {
                            let of = den.get(&(g.clone(), p)).copied().unwrap_or(0);
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
        groups: groups.iter().map(|g| names[g].clone()).collect(),
        rows,
        total,
        undated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::ArticleFacts;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sel(items: &[(Option<&str>, Option<NaiveDate>)]) -> Selection {
        let mut s = Selection::default();
        for (i, (o, date)) in items.iter().enumerate() {
            s.articles.insert(
                i as u64,
                ArticleFacts {
                    addr: tantivy::DocAddress::new(0, i as u32),
                    date_secs: date
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                        .map(|d| d.and_utc().timestamp()),
                    outlet: o.map(String::from),
                    cluster: i as u64,
                },
            );
        }
        s
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
            false,
            None,
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
        let t = timeline(&matches, Period::Year, true, Some(&all));
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
