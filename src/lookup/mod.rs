//! Researcher lookups: aggregate views over a selection of articles.
//!
//! Owns turning a [`Selection`](crate::search::Selection) (the articles that a query and filters
//! pick) into the shapes researchers ask for: outlets with their article counts and date spans
//! ([`outlets`]), counts per period ([`timeline`]), index-wide figures ([`stats`]) and entities
//! ([`entities`]: the most mentioned, and one entity's sheet), the values of any property with
//! their counts ([`facet`]: outlet, author, any record metadata key), and every appearance of a
//! text read from several records ([`appearances`]). Works on
//! the facts the selection carries; never prints.

pub mod appearances;
pub mod entities;
pub mod entity_columns;
pub mod entity_table;
pub mod export;
pub mod facet;
pub mod outlets;
pub mod stats;
mod tally;
pub mod timeline;

use crate::error::Result;
use crate::index::MorgueIndex;
use crate::search::{Expr, Filters, Selection};
use appearances::Runs;
use facet::ValuesOf;
use tantivy::Searcher;

/// Where a lookup reads its articles: one index ([`Local`]), or shards held by other processes
/// (`distributed::Remote`). The lookups (`outlets_with`, `facet_with`, `timeline_with`) are
/// written once over it.
pub trait Articles {
    /// The articles matching `expr` (every article when `None`) that pass `filters`.
    fn select(&self, expr: Option<&Expr>, filters: &Filters) -> Result<Selection>;
    /// The selected texts read from several records, with their records that pass `filters`
    /// (see [`appearances`]).
    fn runs(&self, selection: &Selection, filters: &Filters) -> Result<Runs>;
    /// An article's values of `key` (`outlet` or a metadata key as stored); `None` when no
    /// article has one. Asked before the selections it is applied to.
    fn values_of(&self, key: &str) -> Result<Option<ValuesOf<'_>>>;
}

/// One index, read through one searcher.
pub struct Local<'a> {
    mi: &'a MorgueIndex,
    searcher: Searcher,
}

impl<'a> Local<'a> {
    /// The index `mi` at its current commit.
    pub fn new(mi: &'a MorgueIndex) -> Result<Local<'a>> {
        Ok(Local {
            mi,
            searcher: mi.searcher()?,
        })
    }
}

impl Articles for Local<'_> {
    fn select(&self, expr: Option<&Expr>, filters: &Filters) -> Result<Selection> {
        crate::search::select(self.mi, &self.searcher, expr, filters)
    }

    fn runs(&self, selection: &Selection, filters: &Filters) -> Result<Runs> {
        appearances::runs(self.mi, &self.searcher, selection, filters)
    }

    fn values_of(&self, key: &str) -> Result<Option<ValuesOf<'_>>> {
        facet::values_of(&self.searcher, key)
    }
}

/// Selections made by hand for the lookups' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::search::{ArticleFacts, Selection};
    use chrono::NaiveDate;

    /// Unix seconds of midnight UTC of a day.
    pub fn secs(y: i32, m: u32, d: u32) -> Option<i64> {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp())
    }

    /// A selection of articles with these outlets and dates (Unix seconds), keyed 0, 1, 2…
    pub fn selection(items: &[(Option<&str>, Option<i64>)]) -> Selection {
        let mut s = Selection::default();
        for (i, (o, d)) in items.iter().enumerate() {
            s.articles.insert(
                i as u64,
                ArticleFacts {
                    addr: tantivy::DocAddress::new(0, i as u32),
                    date_secs: *d,
                    outlet: o.map(std::sync::Arc::from),
                    cluster: i as u64,
                    records: 1,
                },
            );
        }
        s
    }
}
