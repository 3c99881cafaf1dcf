//! Records of structured dumps (JSON objects, CSV rows) → articles: which field holds what.
//!
//! Owns the automatic field mapping (`title`/`headline`, `text`/`content`/`body`, `date`/
//! `published`/`published_at`/`publish_date`, `outlet`/`source`/`site`/`domain`, `url`/`link`,
//! `authors`/`author`; names compared case-insensitively) and the explicit one (`--field
//! text=content_original`), shared by the JSON and CSV readers.

use super::{RawArticle, Skip};
use crate::dates;
use crate::model::Sourced;
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
        if let Some((_, f)) = self.explicit.iter().find(|(r, _)| *r == role) {
            return lookup(record, f);
        }
        let names = AUTO.iter().find(|(r, _)| *r == role)?.1;
        names
            .iter()
            .filter_map(|n| lookup(record, n))
            .find(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
    }
}

fn lookup<'a>(record: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    record.get(name).or_else(|| {
        record
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
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
