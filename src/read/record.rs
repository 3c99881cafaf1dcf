//! Records of structured dumps (JSON objects, CSV rows) → articles: which field holds what.
//!
//! Owns the automatic field mapping (`title`/`headline`, `text`/`content`/`body`, `date`/
//! `published`/`published_at`/`publish_date`, `outlet`/`source`/`site`/`domain`, `url`/`link`,
//! `authors`/`author`; names compared case-insensitively) and the explicit one (`--field
//! text=content_original`), shared by the JSON and CSV readers. Every other scalar or
//! list-of-scalars field is kept as metadata (`model::Meta`), within [`MAX_META_VALUES`] values
//! of at most [`MAX_META_CHARS`] characters per record; the authors field gives `author` values.

use super::{RawArticle, Skip};
use crate::dates;
use crate::model::{Meta, Sourced, AUTHOR};
use serde_json::{Map, Value};

/// The article fields a record can fill.
pub const ROLES: [&str; 6] = ["title", "text", "date", "outlet", "url", "authors"];

/// Field names looked for, per role, in order, when no explicit mapping is given.
const AUTO: [(&str, &[&str]); 6] = [
    ("title", &["title", "headline"]),
    ("text", &["text", "content", "body", "article", "maintext"]),
    (
        "date",
        &[
            "date",
            "published",
            "published_at",
            "publish_date",
            "date_published",
            "datepublished",
            "pubdate",
        ],
    ),
    (
        "outlet",
        &[
            "outlet",
            "source",
            "site",
            "domain",
            "publisher",
            "site_name",
            "source_name",
        ],
    ),
    ("url", &["url", "link"]),
    ("authors", &["authors", "author", "byline"]),
];

/// Explicit field names (`role=field`), overriding the automatic mapping for those roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    explicit: Vec<(&'static str, String)>,
}

impl FieldMap {
    /// Parses `role=field` specifications (`text=content_original`).
    ///
    /// # Errors
    /// The message says which specification is malformed or which role is unknown.
    pub fn parse(specs: &[String]) -> Result<FieldMap, String> {
        let mut explicit = Vec::new();
        for spec in specs {
            let (role, field) = spec.split_once('=').ok_or_else(|| {
                format!("`{spec}`: expected ROLE=FIELD, e.g. text=content_original")
            })?;
            let role = ROLES
                .iter()
                .find(|r| r.eq_ignore_ascii_case(role.trim()))
                .ok_or_else(|| {
                    format!(
                        "`{spec}`: unknown role `{}` (one of {})",
                        role.trim(),
                        ROLES.join(", ")
                    )
                })?;
            if field.trim().is_empty() {
                return Err(format!("`{spec}`: the field name is empty"));
            }
            explicit.retain(|(r, _)| r != role);
            explicit.push((*role, field.trim().to_string()));
        }
        Ok(FieldMap { explicit })
    }

    /// The record's value for `role`: the explicit field if mapped, else the first automatic
    /// name present with a non-null value.
    pub fn get<'a>(&self, record: &'a Map<String, Value>, role: &str) -> Option<&'a Value> {
        self.field(record, role).map(|(_, v)| v)
    }

    /// [`FieldMap::get`] with the name of the record's field.
    fn field<'a>(
        &self,
        record: &'a Map<String, Value>,
        role: &str,
    ) -> Option<(&'a String, &'a Value)> {
        if let Some((_, f)) = self.explicit.iter().find(|(r, _)| *r == role) {
            return lookup(record, f);
        }
        let names = AUTO.iter().find(|(r, _)| *r == role)?.1;
        names
            .iter()
            .filter_map(|n| lookup(record, n))
            .find(|(_, v)| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
    }
}

fn lookup<'a>(record: &'a Map<String, Value>, name: &str) -> Option<(&'a String, &'a Value)> {
    record
        .get_key_value(name)
        .or_else(|| record.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
}

/// Most metadata values kept per record; the rest are left out with a warning.
pub const MAX_META_VALUES: usize = 64;
/// Longest metadata value kept, in characters; longer ones (a summary, a second text) are left
/// out with a warning: they are not values anyone counts or filters by.
pub const MAX_META_CHARS: usize = 256;

/// A record field name as a metadata key: trimmed, lowercased, `=` (the index's separator
/// between key and value) and whitespace replaced by `_`. `None` when nothing is left.
pub fn meta_key(name: &str) -> Option<String> {
    let key: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == '=' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect();
    (!key.is_empty()).then_some(key)
}

/// The scalar values of a field: a string, number or boolean, `{"name": …}` objects by name,
/// and lists of those; nested objects and lists of lists give nothing.
fn scalars(v: &Value, out: &mut Vec<String>, depth: u8) {
    match v {
        Value::String(s) => out.push(s.trim().to_string()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Bool(b) => out.push(b.to_string()),
        Value::Object(m) => {
            if let Some(name) = m.get("name").filter(|n| !n.is_array() && !n.is_object()) {
                scalars(name, out, depth);
            }
        }
        Value::Array(a) if depth == 0 => a.iter().for_each(|x| scalars(x, out, 1)),
        _ => {}
    }
}

/// Splits a byline into names: on `,`, `;`, `&` and ` and `, a leading `By ` dropped; a
/// suffix (`Jr.`, `Sr.`, `III`) cut off by a comma stays with its name.
pub fn split_authors(byline: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let parts = byline
        .split([',', ';', '&'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim);
    for part in parts {
        let part = part
            .strip_prefix("By ")
            .or_else(|| part.strip_prefix("by "))
            .unwrap_or(part)
            .trim();
        if part.is_empty() {
            continue;
        }
        let suffix = matches!(
            part.trim_end_matches('.').to_ascii_lowercase().as_str(),
            "jr" | "sr" | "ii" | "iii" | "iv"
        );
        match names.last_mut() {
            Some(last) if suffix => {
                last.push_str(", ");
                last.push_str(part);
            }
            _ => names.push(part.to_string()),
        }
    }
    names
}

/// Collects a record's metadata: the authors field as [`AUTHOR`] values, then every field not
/// used for another role. Caps that bite are described in `warnings`.
fn record_meta(record: &Map<String, Value>, fields: &FieldMap, warnings: &mut Vec<String>) -> Meta {
    let used: Vec<&String> = ROLES
        .iter()
        .filter_map(|role| fields.field(record, role).map(|(name, _)| name))
        .collect();
    let mut meta = MetaBuilder::default();
    if let Some((_, v)) = fields.field(record, "authors") {
        let mut values = Vec::new();
        scalars(v, &mut values, 0);
        for byline in values {
            for name in split_authors(&byline) {
                meta.push(AUTHOR, name);
            }
        }
    }
    for (name, v) in record {
        if used.contains(&name) {
            continue;
        }
        let Some(key) = meta_key(name) else { continue };
        let mut values = Vec::new();
        scalars(v, &mut values, 0);
        for value in values {
            meta.push(&key, value);
        }
    }
    meta.finish(warnings)
}

/// Metadata pairs with the caps applied and counted.
#[derive(Default)]
pub struct MetaBuilder {
    meta: Meta,
    too_long: Vec<String>,
    too_many: usize,
}

impl MetaBuilder {
    /// Adds a value (trimmed, inner whitespace runs as one space; empty values and repeats of
    /// a pair are dropped).
    pub fn push(&mut self, key: &str, value: String) {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let value = value.as_str();
        if value.is_empty() || self.meta.iter().any(|(k, v)| k == key && v == value) {
            return;
        }
        if value.chars().count() > MAX_META_CHARS {
            if !self.too_long.iter().any(|k| k == key) {
                self.too_long.push(key.to_string());
            }
        } else if self.meta.len() >= MAX_META_VALUES {
            self.too_many += 1;
        } else {
            self.meta.push((key.to_string(), value.to_string()));
        }
    }

    /// The pairs kept; a warning per cap that bit.
    pub fn finish(self, warnings: &mut Vec<String>) -> Meta {
        if !self.too_long.is_empty() {
            warnings.push(format!(
                "metadata values longer than {MAX_META_CHARS} characters left out (fields: {})",
                self.too_long.join(", ")
            ));
        }
        if self.too_many > 0 {
            warnings.push(format!(
                "{} metadata values left out (at most {MAX_META_VALUES} per record)",
                self.too_many
            ));
        }
        self.meta
    }
}

/// A value as text: strings as they are, `{"name": …}` objects by name, arrays joined by `, `.
fn as_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(m) => m.get("name").and_then(as_text)?,
        Value::Array(a) => a.iter().filter_map(as_text).collect::<Vec<_>>().join(", "),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// Turns one record into an article, or the reason it cannot be one (no text).
///
/// An unusable date value is not a reason to skip: it is recorded in `warnings` and the article
/// stays undated. `at` names the record (`file:LINE`).
pub fn to_article(
    record: &Map<String, Value>,
    fields: &FieldMap,
    at: String,
) -> Result<RawArticle, Skip> {
    let text = match fields.get(record, "text").and_then(as_text) {
        Some(t) => t,
        None => {
            return Err(Skip::new(
                at,
                "no text field (text, content, body; or --field text=NAME)",
            ))
        }
    };
    let mut warnings = Vec::new();
    let meta = record_meta(record, fields, &mut warnings);
    let date = match fields.get(record, "date").map(dates::parse_value) {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            warnings.push(format!("{e}: treated as undated"));
            None
        }
        None => None,
    };
    Ok(RawArticle {
        path: at,
        text,
        encoding: "UTF-8",
        url: fields.get(record, "url").and_then(as_text),
        title: fields
            .get(record, "title")
            .and_then(as_text)
            .map(|t| Sourced::new(t, "metadata")),
        date: date.map(|d| Sourced::new(d, "metadata")),
        outlet: fields
            .get(record, "outlet")
            .and_then(as_text)
            .map(|o| Sourced::new(o, "metadata")),
        warnings,
        meta,
        ..RawArticle::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn usual_names_map_automatically() {
        let r = obj(
            json!({"Headline": "H", "content": "Body", "published_at": "2016-09-20",
            "source": {"name": "Reuters"}, "link": "http://x/y", "author": ["A", "B"]}),
        );
        let a = to_article(&r, &FieldMap::default(), "f:1".into()).unwrap();
        assert_eq!(a.title.map(|t| t.value).as_deref(), Some("H"));
        assert_eq!(a.text, "Body");
        assert_eq!(
            a.date.map(|d| d.value.to_string()).as_deref(),
            Some("2016-09-20")
        );
        assert_eq!(a.outlet.map(|o| o.value).as_deref(), Some("Reuters"));
        assert_eq!(a.url.as_deref(), Some("http://x/y"));
        assert_eq!(
            a.meta,
            vec![
                ("author".to_string(), "A".to_string()),
                ("author".to_string(), "B".to_string())
            ]
        );
    }

    #[test]
    fn other_fields_are_metadata_within_caps() {
        let long = "x".repeat(MAX_META_CHARS + 1);
        let many: Vec<String> = (0..MAX_META_VALUES + 3).map(|i| format!("k{i}")).collect();
        let r = obj(
            json!({"text": "Body", "Bias": " left ", "authors": "Ann Lee, Tom Howell, Jr. and Bo Li",
            "keywords": ["a", "b", ["nested"], {"x": 1}], "n": 3, "flag": true, "empty": "  ",
            "nested": {"a": 1}, "summary": long, "tags": many}),
        );
        let a = to_article(&r, &FieldMap::default(), "f:1".into()).unwrap();
        let pairs: Vec<String> = a.meta.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs[..9],
            [
                "author=Ann Lee",
                "author=Tom Howell, Jr.",
                "author=Bo Li",
                "bias=left",
                "flag=true",
                "keywords=a",
                "keywords=b",
                "n=3",
                "tags=k0",
            ]
        );
        assert_eq!(a.meta.len(), MAX_META_VALUES);
        assert_eq!(
            a.warnings,
            [
                format!("metadata values longer than {MAX_META_CHARS} characters left out (fields: summary)"),
                format!("11 metadata values left out (at most {MAX_META_VALUES} per record)"),
            ]
        );
    }

    #[test]
    fn explicit_mapping_wins_and_bad_dates_are_warnings() {
        let fields = FieldMap::parse(&["text=content_original".into()]).unwrap();
        let r = obj(json!({"content": "short", "content_original": "long", "date": "0001-01-01"}));
        let a = to_article(&r, &fields, "f:2".into()).unwrap();
        assert_eq!(a.text, "long");
        assert!(a.date.is_none());
        assert!(a.warnings[0].contains("impossible"), "{:?}", a.warnings);
        assert!(FieldMap::parse(&["bogus=x".into()])
            .unwrap_err()
            .contains("unknown role"));
        assert!(FieldMap::parse(&["text".into()]).is_err());
        let none = to_article(
            &obj(json!({"title": "t"})),
            &FieldMap::default(),
            "f:3".into(),
        );
        assert!(none.unwrap_err().reason.contains("no text"));
    }
}
