//! Texts read from several records (a wire story run by several outlets): each appearance counts
//! in `outlets`, `facet` and `timeline --split-by`, with its own outlet, date and metadata.
//!
//! [`runs`] (from `search::appearances`) gives the selected texts' appearances that pass the
//! filters; the lookups count a text's appearances instead of its article document. An
//! appearance whose text's first appearance fails the filters is not found (the selection never
//! had the text).

use crate::index::Appearance;
pub use crate::search::appearances::{runs, Runs};
use crate::search::Selection;

/// An appearance's values of a facet key: its outlet for `outlet`, else its metadata values.
pub fn appearance_values(a: &Appearance, key: &str) -> Vec<String> {
    match key {
        super::facet::OUTLET => a.outlet.iter().cloned().collect(),
        k => a
            .meta
            .iter()
            .filter(|(mk, _)| mk == k)
            .map(|(_, v)| v.clone())
            .collect(),
    }
}

/// What the lookups count, given to `visit` one at a time (nothing per article is held): per
/// selected text, its appearances that pass the filters when it has several (`runs`), else its
/// article document: `(date, values of key)` each.
pub fn each_counted(
    selection: &Selection,
    runs: &Runs,
    key: &str,
    values: &super::facet::ValuesOf,
    mut visit: impl FnMut(Option<chrono::NaiveDate>, Vec<String>),
) {
    for (k, facts) in &selection.articles {
        match runs.get(&k) {
            Some(aps) => {
                for a in aps {
                    visit(a.date, appearance_values(a, key));
                }
            }
            None => visit(
                facts.date_secs.and_then(crate::search::to_date),
                values(&facts),
            ),
        }
    }
}

/// The appearances counted: one per selected text, its passing appearances for those in `runs`.
pub fn total(selection: &Selection, runs: &Runs) -> usize {
    selection.articles.len() + runs.values().map(|r| r.len()).sum::<usize>() - runs.len()
}
