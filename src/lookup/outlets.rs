//! Outlets of a selection: articles, first and last dates, undated articles.

use super::appearances::Runs;
use super::facet::{facet, outlet_values, OUTLET};
use crate::search::Selection;
use chrono::NaiveDate;
use serde::Serialize;

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
    /// Selected articles, each appearance of a text read from several records counted (see
    /// [`super::appearances::total`]).
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
    outlets_with(&super::Local::new(mi)?, expr, filters)
}

/// [`outlets_of`] over any [`super::Articles`].
pub fn outlets_with(
    articles: &dyn super::Articles,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
) -> crate::Result<OutletsAnswer> {
    let selection = articles.select(expr, filters)?;
    let runs = articles.runs(&selection, filters)?;
    Ok(OutletsAnswer {
        rows: outlets(&selection, &runs),
        total: super::appearances::total(&selection, &runs),
        undated: selection.undated,
    })
}

/// Groups a selection by outlet (case- and accent-insensitively), most articles first, ties by
/// name; the unknown outlet comes last. Every appearance in `runs` counts under its own outlet
/// (see [`super::appearances`]).
pub fn outlets(selection: &Selection, runs: &Runs) -> Vec<OutletRow> {
    let f = facet(selection, runs, OUTLET, &outlet_values(), None);
    f.rows
        .into_iter()
        .map(|r| OutletRow {
            outlet: r.value,
            articles: r.articles,
            first: r.first,
            last: r.last,
            undated: r.undated,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::testing::{secs, selection};

    #[test]
    fn groups_case_insensitively_with_spans_and_undated() {
        let s = selection(&[
            (Some("Reuters"), secs(2016, 5, 1)),
            (Some("REUTERS"), secs(2014, 1, 2)),
            (Some("Reuters"), None),
            (Some("Der Spiegel"), secs(2015, 3, 3)),
            (None, None),
        ]);
        let rows = outlets(&s, &Runs::default());
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
