//! Record metadata in the index: the `key=value` terms of the `meta` field, and reading the
//! values of one key from its fast column.
//!
//! Each pair of an article's [`Meta`] is one value of the multi-valued `meta` field: indexed
//! through the keyword analyzer (so `bias=Left` and `bias=left` are one term, and a filter is a
//! term query), fast as written (so the values of a key are a column scan, not a stored-document
//! read) and stored. Keys never hold `=` (see `read::record::meta_key`), so the first `=`
//! separates key and value.

use super::analyzers::keyword_key;
use super::schema::META_FIELD;
use crate::error::Result;
use crate::model::Meta;
use serde::ser::{SerializeMap, Serializer};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, Searcher};

/// The term of one pair, as written.
pub fn meta_term(key: &str, value: &str) -> String {
    format!("{key}={value}")
}

/// The indexed (case- and accent-folded) term of one pair: what a filter looks up.
pub fn meta_key_term(key: &str, value: &str) -> String {
    keyword_key(&meta_term(key.trim(), value.trim()))
}

/// Splits a term back into key and value.
pub fn split_meta_term(term: &str) -> Option<(&str, &str)> {
    term.split_once('=')
}

/// Serializes metadata as a JSON object of lists, keys in order of first appearance:
/// `{"author": ["Ann Lee", "Bo Li"], "bias": ["left"]}`.
pub fn serialize_meta<S: Serializer>(meta: &Meta, s: S) -> std::result::Result<S::Ok, S::Error> {
    let grouped = group(meta);
    let mut map = s.serialize_map(Some(grouped.len()))?;
    for (k, values) in &grouped {
        map.serialize_entry(k, values)?;
    }
    map.end()
}

/// Reads metadata written by [`serialize_meta`] (keys come back sorted, values in order).
pub fn deserialize_meta<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Meta, D::Error> {
    let grouped: std::collections::BTreeMap<String, Vec<String>> =
        serde::Deserialize::deserialize(d)?;
    Ok(grouped
        .into_iter()
        .flat_map(|(k, values)| values.into_iter().map(move |v| (k.clone(), v)))
        .collect())
}

/// Metadata grouped by key, keys in order of first appearance.
pub fn group(meta: &Meta) -> Vec<(&str, Vec<&str>)> {
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for (k, v) in meta {
        match grouped.iter_mut().find(|(g, _)| g == k) {
            Some((_, values)) => values.push(v),
            None => grouped.push((k, vec![v])),
        }
    }
    grouped
}

/// The values of one metadata key for article documents, read from the `meta` fast column: per
/// segment, the term ordinals of `key=…` (a contiguous range of the sorted dictionary) and their
/// values. Memory grows with the number of distinct values of the key, not with the articles.
pub struct MetaColumn {
    segments: Vec<Option<SegmentValues>>,
}

struct SegmentValues {
    column: StrColumn,
    /// First term ordinal of the key's terms.
    first: u64,
    /// The values of the key's terms, in ordinal order from `first`.
    values: Vec<String>,
}

impl MetaColumn {
    /// Opens the column for `key` (a metadata key as stored: lowercased).
    pub fn open(searcher: &Searcher, key: &str) -> Result<MetaColumn> {
        let prefix = format!("{key}=");
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let Some(column) = reader.fast_fields().str(META_FIELD)? else {
                segments.push(None);
                continue;
            };
            let (first, values) = prefixed(&column, &prefix)?;
            segments.push(first.map(|first| SegmentValues {
                column,
                first,
                values,
            }));
        }
        Ok(MetaColumn { segments })
    }

    /// Calls `f` with each value of the key on the article document at `addr`.
    pub fn for_each(&self, addr: DocAddress, mut f: impl FnMut(&str)) {
        let Some(Some(seg)) = self.segments.get(addr.segment_ord as usize) else {
            return;
        };
        let end = seg.first + seg.values.len() as u64;
        for ord in seg.column.term_ords(addr.doc_id) {
            if ord >= end {
                // Ordinals come sorted: past the key's range.
                break;
            }
            if ord >= seg.first {
                f(&seg.values[(ord - seg.first) as usize]);
            }
        }
    }

    /// Whether no article has a value of the key.
    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(Option::is_none)
    }
}

/// The terms of one segment's string column that start with `prefix`, the prefix cut off, in
/// order, with the ordinal of the first (they are contiguous).
fn prefixed(column: &StrColumn, prefix: &str) -> Result<(Option<u64>, Vec<String>)> {
    let mut first = None;
    let mut values = Vec::new();
    let mut stream = column
        .dictionary()
        .prefix_range(prefix.as_bytes())
        .into_stream()
        .map_err(tantivy::TantivyError::from)?;
    while stream.advance() {
        first.get_or_insert(stream.term_ord());
        let term = String::from_utf8_lossy(stream.key());
        values.push(term[prefix.len().min(term.len())..].to_string());
    }
    Ok((first, values))
}

/// Every term of one segment's string column, in the order of their ordinals.
pub fn column_terms(column: &StrColumn) -> Result<Vec<String>> {
    Ok(prefixed(column, "")?.1)
}

/// The distinct values of a string fast column (`outlet`, `meta`) that start with
/// `prefix`, the prefix cut off, sorted, over every segment.
pub fn column_values(searcher: &Searcher, column: &str, prefix: &str) -> Result<Vec<String>> {
    let mut values: Vec<String> = Vec::new();
    for reader in searcher.segment_readers() {
        let Some(col) = reader.fast_fields().str(column)? else {
            continue;
        };
        values.extend(prefixed(&col, prefix)?.1);
    }
    values.sort_unstable();
    values.dedup();
    Ok(values)
}

/// Every metadata key of the index with the number of distinct values it has (summed over
/// segments, so a value found in two segments counts twice), from the column dictionaries.
pub fn meta_keys(searcher: &Searcher) -> Result<Vec<(String, usize)>> {
    let mut keys: Vec<(String, usize)> = Vec::new();
    for reader in searcher.segment_readers() {
        let Some(column) = reader.fast_fields().str(META_FIELD)? else {
            continue;
        };
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let term = String::from_utf8_lossy(stream.key());
            let Some((k, _)) = split_meta_term(&term) else {
                continue;
            };
            match keys.iter_mut().find(|(known, _)| known == k) {
                Some((_, n)) => *n += 1,
                None => keys.push((k.to_string(), 1)),
            }
        }
    }
    keys.sort();
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_split_at_the_first_equals_and_fold_for_filters() {
        assert_eq!(meta_term("topic", "a=b"), "topic=a=b");
        assert_eq!(split_meta_term("topic=a=b"), Some(("topic", "a=b")));
        assert_eq!(meta_key_term(" bias ", " Left "), "bias=left");
        let meta: Meta = vec![
            ("author".into(), "A".into()),
            ("bias".into(), "left".into()),
            ("author".into(), "B".into()),
        ];
        let json = serde_json::to_string(&serde_json::json!(group(&meta))).unwrap();
        assert_eq!(json, r#"[["author",["A","B"]],["bias",["left"]]]"#);
    }
}
