//! The closest existing values to one that matches nothing (`--outlet Fox` → "Fox News", "Fox
//! Online News"), so a typo or a partial name is not silently an empty result.
//!
//! Compared case- and accent-insensitively (`keyword_key`): values that start with what was
//! typed come first, then values that contain it, then the rest by Jaro-Winkler similarity
//! (`strsim`); a value too unlike what was typed is not suggested.

use super::resolve::Resolver;
use super::Filters;
use crate::error::Result;
use crate::index::meta::{column_values, meta_key_term, meta_keys};
use crate::index::{keyword_key, MorgueIndex, META_FIELD};
use tantivy::collector::Count;
use tantivy::{Searcher, Term};

/// Least Jaro-Winkler similarity for a value that neither starts with nor contains what was
/// typed to be suggested.
const MIN_SIMILARITY: f64 = 0.8;

/// Most values suggested for one filter value that matches nothing.
pub const SUGGESTIONS: usize = 5;

/// A filter value that matches no article of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The option: `--outlet`, `--entity`, `--meta`, `--author` (also for `--meta author=…`).
    pub option: &'static str,
    /// The value as given (`KEY=VALUE` for `--meta`).
    pub value: String,
    /// The closest values the index has, closest first (at most [`SUGGESTIONS`]).
    pub closest: Vec<String>,
}

/// The outlet, entity and metadata filter values that match no article of the index, each with
/// the closest values it has: outlets from the outlet column, entities from the entity names
/// (as indexed: lowercased), metadata values of the same key (or the keys, when no article has
/// the key).
pub fn unmatched(
    mi: &MorgueIndex,
    searcher: &Searcher,
    filters: &Filters,
) -> Result<Vec<Unmatched>> {
    let fields = &mi.fields;
    let mut out = Vec::new();
    let absent = |field, text: &str| -> Result<bool> {
        Ok(crate::index::live_term_docs(searcher, &Term::from_field_text(field, text))? == 0)
    };
    if filters
        .outlets
        .iter()
        .any(|o| absent(fields.outlet, &keyword_key(o)).unwrap_or(false))
    {
        let known = column_values(searcher, crate::index::names::OUTLET, "")?;
        for o in &filters.outlets {
            if absent(fields.outlet, &keyword_key(o))? {
                out.push(Unmatched {
                    option: "--outlet",
                    value: o.clone(),
                    closest: closest(o, &known, SUGGESTIONS),
                });
            }
        }
    }
    if !filters.entities.is_empty() {
        // The resolver the search then uses (kept in the index folder and on the handle), not
        // one built again from every entity of the index.
        let resolver = Resolver::cached(mi, searcher, filters.alias_table())?;
        let mut known: Option<Vec<String>> = None;
        for name in &filters.entities {
            let q = super::build::entity_query(searcher, fields, &resolver, name)?;
            if searcher.search(q.as_ref(), &Count)? > 0 {
                continue;
            }
            if known.is_none() {
                known = Some(super::resolve::entity_names(searcher, fields)?);
            }
            out.push(Unmatched {
                option: "--entity",
                value: name.clone(),
                closest: closest(name, known.as_deref().unwrap_or_default(), SUGGESTIONS),
            });
        }
    }
    for (key, value) in &filters.meta {
        if !absent(fields.meta, &meta_key_term(key, value))? {
            continue;
        }
        let values = column_values(searcher, META_FIELD, &format!("{key}="))?;
        if key == crate::model::AUTHOR {
            // Authors are asked for by name (`--author`).
            out.push(Unmatched {
                option: "--author",
                value: value.clone(),
                closest: closest(value, &values, SUGGESTIONS),
            });
            continue;
        }
        let closest = match values.is_empty() {
            false => closest(value, &values, SUGGESTIONS)
                .into_iter()
                .map(|v| format!("{key}={v}"))
                .collect(),
            true => {
                let keys: Vec<String> = meta_keys(searcher)?.into_iter().map(|k| k.0).collect();
                closest(key, &keys, SUGGESTIONS)
                    .into_iter()
                    .map(|k| format!("{k}=…"))
                    .collect()
            }
        };
        out.push(Unmatched {
            option: "--meta",
            value: format!("{key}={value}"),
            closest,
        });
    }
    Ok(out)
}

/// At most `n` of `candidates` closest to `typed`, closest first (ties by the candidate).
pub fn closest<S: AsRef<str>>(typed: &str, candidates: &[S], n: usize) -> Vec<String> {
    let want = keyword_key(typed);
    let mut scored: Vec<(u8, f64, &str)> = candidates
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|c| {
            let key = keyword_key(c);
            let sim = strsim::jaro_winkler(&want, &key);
            let rank = if key.starts_with(&want) {
                0
            } else if !want.is_empty() && key.contains(&want) {
                1
            } else if sim >= MIN_SIMILARITY {
                2
            } else {
                return None;
            };
            Some((rank, sim, c))
        })
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| a.2.cmp(b.2))
    });
    let mut out: Vec<String> = Vec::new();
    for (_, _, c) in scored {
        if out.len() >= n {
            break;
        }
        if !out.iter().any(|o| keyword_key(o) == keyword_key(c)) {
            out.push(c.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_then_contained_then_similar() {
        let outlets = [
            "Fox News",
            "Fox Online News",
            "The Foxhole",
            "Reuters",
            "REUTERS",
            "Reuter",
            "BBC",
        ];
        assert_eq!(
            closest("fox", &outlets, 5),
            ["Fox News", "Fox Online News", "The Foxhole"]
        );
        // One spelling per value: the first in order.
        assert_eq!(closest("Reuterz", &outlets, 5), ["Reuter", "REUTERS"]);
        assert!(closest("Al Jazeera", &outlets, 5).is_empty());
    }
}
