//! Query-string parameters of the API, with the CLI's option names (`q`, `from`, `to`,
//! `include_undated`, `outlet` (repeatable), `entity` (repeatable), `limit`, `offset`, `sort`,
//! `all_copies`, …). Each endpoint lists the names it knows: an unknown or repeated name, a
//! malformed value or one out of bounds is a 400 naming the parameter.

use super::errors::ApiError;
use crate::extract::aliases::AliasTable;
use crate::search::Filters;
use std::sync::Arc;

/// The filter parameters, shared by every endpoint that selects articles.
pub const FILTERS: [&str; 7] = [
    "from",
    "to",
    "include_undated",
    "outlet",
    "entity",
    "meta",
    "author",
];

/// The parameters of one request.
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses a raw query string, refusing names that are not in `known` (nor in [`FILTERS`]
    /// when `filters` is set).
    pub fn parse(raw: Option<&str>, known: &[&str], filters: bool) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::bad(format!("malformed query string: {e}")))?;
        for (name, _) in &pairs {
            let known =
                known.contains(&name.as_str()) || (filters && FILTERS.contains(&name.as_str()));
            if !known {
                return Err(ApiError::bad(format!("unknown parameter {name:?}")));
            }
        }
        Ok(Params { pairs })
    }

    /// Every value of `name`, in order (repeatable parameters such as `outlet`).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The value of `name`, if given; given twice is an error.
    pub fn one(&self, name: &str) -> Result<Option<String>, ApiError> {
        let mut values = self.all(name);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(ApiError::bad(format!("parameter {name:?} is given twice"))),
        }
    }

    /// The value of `name`, which must be given and not blank.
    pub fn required(&self, name: &str) -> Result<String, ApiError> {
        match self.one(name)? {
            Some(v) if !v.trim().is_empty() => Ok(v),
            _ => Err(ApiError::bad(format!("parameter {name:?} is required"))),
        }
    }

    /// An optional text parameter; blank counts as absent (an empty search box).
    pub fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        Ok(self.one(name)?.filter(|v| !v.trim().is_empty()))
    }

    /// A flag: absent is false; `1`/`true`/`on`/empty are true, `0`/`false`/`off` false.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.one(name)?.as_deref() {
            None | Some("0" | "false" | "off") => Ok(false),
            Some("" | "1" | "true" | "on") => Ok(true),
            Some(v) => Err(ApiError::bad(format!(
                "parameter {name:?} must be true or false, got {v:?}"
            ))),
        }
    }

    /// A count in `min..=max`, `default` when absent.
    pub fn count(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        let Some(v) = self.one(name)? else {
            return Ok(default);
        };
        match v.trim().parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad(format!(
                "parameter {name:?} must be a whole number from {min} to {max}, got {v:?}"
            ))),
        }
    }

    /// A value among a fixed set, parsed by `parse`; `default` when absent.
    pub fn choice<T>(
        &self,
        name: &str,
        default: T,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => parse(&v).ok_or_else(|| {
                ApiError::bad(format!(
                    "parameter {name:?}: expected {expected}, got {v:?}"
                ))
            }),
        }
    }

    /// The date, outlet and entity filters, validated as the CLI validates them, with the
    /// server's alias table.
    pub fn filters(&self, aliases: &Arc<AliasTable>) -> Result<Filters, ApiError> {
        let mut f = Filters::new(
            self.one("from")?.as_deref(),
            self.one("to")?.as_deref(),
            self.flag("include_undated")?,
            self.all("outlet"),
            self.all("entity"),
        )
        .and_then(|f| f.with_meta(&self.all("meta"), &self.all("author")))
        .map_err(|e| ApiError::from_library(e, None))?;
        f.aliases = Some(aliases.clone());
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_outlets_are_kept_in_order_and_unknown_names_refused() {
        let p = Params::parse(Some("q=a+b&outlet=BBC&outlet=Der%20Spiegel"), &["q"], true).unwrap();
        assert_eq!(p.all("outlet"), ["BBC", "Der Spiegel"]);
        assert_eq!(p.one("q").unwrap().as_deref(), Some("a b"));
        let e = Params::parse(Some("q=a&outlets=BBC"), &["q"], true).unwrap_err();
        assert_eq!(e.message, "unknown parameter \"outlets\"");
    }

    #[test]
    fn counts_are_bounded_and_flags_strict() {
        let p = Params::parse(
            Some("limit=101&all_copies=yes&offset=-1"),
            &["limit", "all_copies", "offset"],
            false,
        )
        .unwrap();
        assert!(p
            .count("limit", 10, 1, 100)
            .unwrap_err()
            .message
            .contains("1 to 100"));
        assert!(p.count("offset", 0, 0, 10).is_err());
        assert!(p.flag("all_copies").is_err());
        assert_eq!(p.count("absent", 7, 1, 100).unwrap(), 7);
    }

    #[test]
    fn a_bad_date_is_a_400() {
        let p = Params::parse(Some("from=2016-13"), &[], true).unwrap();
        let e = p.filters(&Arc::new(AliasTable::default())).unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        assert!(e.message.contains("from"), "{}", e.message);
    }
}
