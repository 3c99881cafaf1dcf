//! Facets: the values of one article property (the outlet, or a metadata key such as `author`,
//! `bias`, `topic`) over a selection, with their article counts and date spans.
//!
//! Values are grouped case- and accent-insensitively (`keyword_key`) and shown in their most
//! common spelling. An article with several values of a key (two authors) counts under each;
//! articles with none make one row with no value, last. The values come from fast columns
//! (see [`values_of`]), never from stored documents.

use super::appearances::{each_counted, Runs};
use crate::error::Result;
use crate::index::keyword_key;
use crate::index::meta::MetaColumn;
use crate::search::{ArticleFacts, Selection};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::rc::Rc;
use tantivy::Searcher;

/// The facet name that groups by outlet; every other name is a metadata key.
pub const OUTLET: &str = "outlet";

/// One value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetRow {
    /// The value (its most common spelling); `null` for the articles without one.
    pub value: Option<String>,
    /// Selected articles with this value.
    pub articles: usize,
    /// Earliest publication date among them.
    pub first: Option<NaiveDate>,
    /// Latest publication date among them.
    pub last: Option<NaiveDate>,
    /// How many of them are undated.
    pub undated: usize,
}

/// The values of a facet over a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    /// The facet: `outlet` or a metadata key.
    pub key: String,
    /// Distinct values among the selected articles (the row without a value not counted).
    pub values: usize,
    /// The values, most articles first (ties by value), at most `top`; the row of articles
    /// without a value comes last.
    pub rows: Vec<FacetRow>,
}

/// The facet of the articles a query and filters select, with the selection's totals.
#[derive(Debug, Clone)]
pub struct FacetAnswer {
    /// The values.
    pub facet: Facet,
    /// Selected articles, each appearance of a text read from several records counted.
    pub total: usize,
    /// Matching articles left out because they are undated and a date bound is set.
    pub undated: usize,
}

/// The facet `key` (`outlet`, `author` or a metadata key, any case) of the articles matching
/// `expr` (every article when `None`) under `filters`: what `morgue facet` and the server's
/// `/api/facet` show. `Ok(None)` when no article of the index has a value of the key.
pub fn facet_of(
    mi: &crate::index::MorgueIndex,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
    key: &str,
    top: Option<usize>,
) -> Result<Option<FacetAnswer>> {
    facet_with(&super::Local::new(mi)?, expr, filters, key, top)
}

/// [`facet_of`] over any [`super::Articles`].
pub fn facet_with(
    articles: &dyn super::Articles,
    expr: Option<&crate::search::Expr>,
    filters: &crate::search::Filters,
    key: &str,
    top: Option<usize>,
) -> Result<Option<FacetAnswer>> {
    let Some(key) = crate::read::record::meta_key(key) else {
        return Err(crate::Error::BadOption {
            option: "key".into(),
            message: "the key is empty: give `outlet`, `author` or a metadata key".into(),
        });
    };
    let Some(values) = articles.values_of(&key)? else {
        return Ok(None);
    };
    let selection = articles.select(expr, filters)?;
    let runs = articles.runs(&selection, filters)?;
    Ok(Some(FacetAnswer {
        facet: facet(&selection, &runs, &key, &values, top),
        total: super::appearances::total(&selection, &runs),
        undated: selection.undated,
    }))
}

/// Says that no article has a value of `key` (as stored), with the closest keys of the index
/// and all of them: the message of `morgue facet` and `/api/facet` for an unknown key.
pub fn unknown_key(searcher: &Searcher, key: &str) -> Result<String> {
    let keys = crate::index::meta::meta_keys(searcher)?;
    let mut names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    names.push(OUTLET);
    names.sort_unstable();
    let close = crate::search::suggest::closest(key, &names, 3);
    let hint = match close.is_empty() {
        true => String::new(),
        false => format!(" (closest: {})", close.join(", ")),
    };
    Ok(format!(
        "no article has a value of `{key}`{hint}; keys in this index: {}",
        names.join(", ")
    ))
}

/// A function giving an article's values of one property.
pub type ValuesOf<'a> = Box<dyn Fn(&ArticleFacts) -> Vec<String> + 'a>;

/// An article's outlet, as a facet value.
pub fn outlet_values<'a>() -> ValuesOf<'a> {
    Box::new(|facts: &ArticleFacts| facts.outlet.iter().map(|o| o.to_string()).collect())
}

/// The values of `key` for an article: its outlet for [`OUTLET`], else the metadata key's
/// values read from the `meta` fast column. `None` when no article of the index has a value
/// of the metadata key.
pub fn values_of<'a>(searcher: &Searcher, key: &str) -> Result<Option<ValuesOf<'a>>> {
    if key == OUTLET {
        return Ok(Some(outlet_values()));
    }
    let column = MetaColumn::open(searcher, key)?;
    if column.is_empty() {
        return Ok(None);
    }
    Ok(Some(Box::new(move |facts: &ArticleFacts| {
        let mut out = Vec::new();
        column.for_each(facts.addr, |v| out.push(v.to_string()));
        out
    })))
}

/// Groups values case- and accent-insensitively, keeping each group's most common spelling.
#[derive(Default)]
pub struct Groups<T> {
    groups: HashMap<String, (HashMap<String, usize>, T)>,
}

impl<T: Default> Groups<T> {
    /// The group of `value`, counting this spelling once.
    pub fn entry(&mut self, value: &str) -> &mut T {
        self.entry_keyed(&keyword_key(value), value)
    }

    /// The group of `key` (`keyword_key` of `value`, already computed), counting this
    /// spelling once.
    pub fn entry_keyed(&mut self, key: &str, value: &str) -> &mut T {
        let (spellings, t) = self.groups.entry(key.to_string()).or_default();
        *spellings.entry(value.to_string()).or_default() += 1;
        t
    }

    /// Each group's most common spelling (ties: the smallest) with its accumulated value.
    pub fn into_named(self) -> Vec<(String, T)> {
        self.into_keyed()
            .into_iter()
            .map(|(_, name, t)| (name, t))
            .collect()
    }

    /// [`Groups::into_named`] with each group's key first.
    pub fn into_keyed(self) -> Vec<(String, String, T)> {
        self.groups
            .into_iter()
            .map(|(key, (spellings, t))| {
                let name = spellings
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    .map(|s| s.0)
                    .unwrap_or_default();
                (key, name, t)
            })
            .collect()
    }
}

/// Counts and date spans of the values of a property over `selection` (every appearance of a
/// text in `runs` counted, see [`super::appearances`]), the `top` values with the most articles
/// (all when `None`).
pub fn facet(
    selection: &Selection,
    runs: &Runs,
    key: &str,
    values: &ValuesOf,
    top: Option<usize>,
) -> Facet {
    let mut groups: Groups<Option<FacetRow>> = Groups::default();
    let mut none: Option<FacetRow> = None;
    let add = |row: &mut Option<FacetRow>, date: Option<NaiveDate>| {
        let row = row.get_or_insert(FacetRow {
            value: None,
            articles: 0,
            first: None,
            last: None,
            undated: 0,
        });
        row.articles += 1;
        match date {
            None => row.undated += 1,
            Some(d) => {
                row.first = Some(row.first.map_or(d, |f| f.min(d)));
                row.last = Some(row.last.map_or(d, |l| l.max(d)));
            }
        }
    };
    // Each distinct spelling's key, folded once: an archive has few outlets and authors, and
    // folding each article's values again was most of the work.
    let mut keyed: HashMap<String, Rc<str>> = HashMap::new();
    each_counted(selection, runs, key, values, |date, vs| {
        let mut pairs: Vec<(Rc<str>, String)> = vs
            .into_iter()
            .map(|v| {
                let key = match keyed.get(&v) {
                    Some(k) => Rc::clone(k),
                    None => {
                        let k: Rc<str> = keyword_key(&v).into();
                        keyed.insert(v.clone(), Rc::clone(&k));
                        k
                    }
                };
                (key, v)
            })
            .collect();
        // One count per value of an article, whatever its spellings there.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, first| later.0 == first.0);
        if pairs.is_empty() {
            add(&mut none, date);
        }
        for (key, v) in pairs {
            add(groups.entry_keyed(&key, &v), date);
        }
    });
    let mut rows: Vec<FacetRow> = groups
        .into_named()
        .into_iter()
        .filter_map(|(name, row)| {
            row.map(|mut r| {
                r.value = Some(name);
                r
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| a.value.cmp(&b.value))
    });
    let values = rows.len();
    rows.truncate(top.unwrap_or(usize::MAX));
    rows.extend(none);
    Facet {
        key: key.to_string(),
        values,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::testing::{secs, selection};

    #[test]
    fn multi_valued_articles_count_under_each_value_and_top_cuts() {
        // The test's values, `;`-separated, stand in the outlet field.
        let s = selection(&[
            (Some("Ann Lee;Bo Li"), secs(2016, 5, 1)),
            (Some("ann lee"), secs(2014, 1, 2)),
            (Some("Ann Lee;ANN LEE"), None),
            (Some("Cy"), secs(2015, 3, 3)),
            (None, None),
        ]);
        let split: ValuesOf = Box::new(|f: &ArticleFacts| {
            f.outlet
                .iter()
                .flat_map(|o| o.split(';').map(String::from))
                .collect()
        });
        let f = facet(&s, &Runs::default(), "author", &split, None);
        assert_eq!(f.values, 3);
        let rows: Vec<(Option<&str>, usize, usize)> = f
            .rows
            .iter()
            .map(|r| (r.value.as_deref(), r.articles, r.undated))
            .collect();
        assert_eq!(
            rows,
            vec![
                (Some("Ann Lee"), 3, 1),
                (Some("Bo Li"), 1, 0),
                (Some("Cy"), 1, 0),
                (None, 1, 1)
            ]
        );
        assert_eq!(f.rows[0].first, NaiveDate::from_ymd_opt(2014, 1, 2));
        assert_eq!(f.rows[0].last, NaiveDate::from_ymd_opt(2016, 5, 1));
        let top = facet(&s, &Runs::default(), "author", &split, Some(1));
        assert_eq!(top.values, 3);
        assert_eq!(top.rows.len(), 2);
        assert_eq!(top.rows[1].value, None);
    }
}
