//! Outlets of a selection: articles, first and last dates, undated articles.

use crate::index::keyword_key;
use crate::search::{to_date, Selection};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// One outlet of a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletRow {
    /// Outlet name (its most common spelling); `null` for articles whose outlet is unknown.
    pub outlet: Option<String>,
    /// Selected articles from this outlet.
    pub articles: usize,
    /// Earliest publication date among them.
    pub first: Option<NaiveDate>,
    /// Latest publication date among them.
    pub last: Option<NaiveDate>,
    /// How many of them are undated.
    pub undated: usize,
}

/// The outlets of the articles matching a query and filters (`morgue outlets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutletsAnswer {
    /// One row per outlet (see [`outlets`]).
    pub rows: Vec<OutletRow>,
    /// Selected articles.
    pub total: usize,
    /// Matching articles left out because they are undated and a date bound is set.
    pub undated: usize,
}

/// The outlets of the articles matching `expr` (every article when `None`) under `filters`.
pub fn outlets_of(
    mi: &crate::index::MorgueIndex,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
) -> crate::Result<OutletsAnswer> {
    let searcher = mi.searcher()?;
    let selection = crate::search::select(mi, &searcher, expr, filters)?;
    Ok(OutletsAnswer {
        rows: outlets(&selection),
        total: selection.articles.len(),
        undated: selection.undated,
    })
}

/// Groups a selection by outlet (case- and accent-insensitively), most articles first, ties by
/// name; the unknown outlet comes last.
pub fn outlets(selection: &Selection) -> Vec<OutletRow> {
    #[derive(Default)]
    struct Acc {
        spellings: HashMap<String, usize>,
        row: Option<OutletRow>,
    }
    let mut groups: HashMap<Option<String>, Acc> = HashMap::new();
    for facts in selection.articles.values() {
        let key = facts.outlet.as_deref().map(keyword_key);
        let acc = groups.entry(key).or_default();
        if let Some(name) = &facts.outlet {
            *acc.spellings.entry(name.clone()).or_default() += 1;
        }
        let row = acc.row.get_or_insert(OutletRow {
            outlet: None,
            articles: 0,
            first: None,
            last: None,
            undated: 0,
        });
        row.articles += 1;
        match facts.date_secs.and_then(to_date) {
            None => row.undated += 1,
            Some(d) => {
                row.first = Some(row.first.map_or(d, |f| f.min(d)));
                row.last = Some(row.last.map_or(d, |l| l.max(d)));
            }
        }
    }
    let mut rows: Vec<OutletRow> = groups
        .into_values()
        .filter_map(|acc| {
            let mut row = acc.row?;
            row.outlet = acc
                .spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|s| s.0);
            Some(row)
        })
        .collect();
    rows.sort_by(|a, b| {
        a.outlet
            .is_none()
            .cmp(&b.outlet.is_none())
            .then_with(|| b.articles.cmp(&a.articles))
            .then_with(|| a.outlet.cmp(&b.outlet))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::ArticleFacts;

    fn secs(y: i32, m: u32, d: u32) -> Option<i64> {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp())
    }

    #[test]
    fn groups_case_insensitively_with_spans_and_undated() {
        let mut s = Selection::default();
        let facts = [
            (Some("Reuters"), secs(2016, 5, 1)),
            (Some("REUTERS"), secs(2014, 1, 2)),
            (Some("Reuters"), None),
            (Some("Der Spiegel"), secs(2015, 3, 3)),
            (None, None),
        ];
        for (i, (o, d)) in facts.into_iter().enumerate() {
            s.articles.insert(
                i as u64,
                ArticleFacts {
                    addr: tantivy::DocAddress::new(0, i as u32),
                    date_secs: d,
                    outlet: o.map(String::from),
                    cluster: i as u64,
                },
            );
        }
        let rows = outlets(&s);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].outlet.as_deref(), Some("Reuters"));
        assert_eq!(rows[0].articles, 3);
        assert_eq!(rows[0].undated, 1);
        assert_eq!(rows[0].first, NaiveDate::from_ymd_opt(2014, 1, 2));
        assert_eq!(rows[0].last, NaiveDate::from_ymd_opt(2016, 5, 1));
        assert_eq!(rows[1].outlet.as_deref(), Some("Der Spiegel"));
        assert_eq!(rows[2].outlet, None);
    }
}
