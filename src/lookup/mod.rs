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
pub mod export;
pub mod facet;
pub mod outlets;
pub mod stats;
pub mod timeline;

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
                    outlet: o.map(String::from),
                    cluster: i as u64,
                },
            );
        }
        s
    }
}
