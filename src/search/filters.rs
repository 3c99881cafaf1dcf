//! Filters shared by every command: date range, outlets, entities.
//!
//! `--from`/`--to` are parsed by the date module (`dates::parse_bound`) into concrete days.

use crate::dates::{parse_bound, Bound};
use crate::error::{Error, Result};
use crate::extract::aliases::AliasTable;
use chrono::NaiveDate;

/// Filters that restrict which articles a command sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
    /// Keep undated articles even when a date bound is set.
    pub include_undated: bool,
    /// Outlets, any of which may match (case-insensitive).
    pub outlets: Vec<String>,
    /// Entities, all of which must be mentioned (each matches every variant the alias table
    /// gives it, ignoring case and accents).
    pub entities: Vec<String>,
    /// The alias table for `entities` and `entity:` atoms; `None` for the built-in one.
    pub aliases: Option<std::sync::Arc<AliasTable>>,
}

impl Filters {
    /// Builds filters from the command line's strings, validating the date bounds.
    pub fn new(
        from: Option<&str>,
        to: Option<&str>,
        include_undated: bool,
        outlets: Vec<String>,
        entities: Vec<String>,
    ) -> Result<Filters> {
        let from = from
            .map(|s| parse_bound("--from", s, Bound::Start))
            .transpose()?;
        let to = to.map(|s| parse_bound("--to", s, Bound::End)).transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(Error::BadOption {
                    option: "--from/--to".into(),
                    message: format!("--from {f} is after --to {t}"),
                });
            }
        }
        for (option, values) in [("--outlet", &outlets), ("--entity", &entities)] {
            if values.iter().any(|v| v.trim().is_empty()) {
                return Err(Error::BadOption {
                    option: option.into(),
                    message: "the name is empty".into(),
                });
            }
        }
        Ok(Filters {
            from,
            to,
            include_undated,
            outlets,
            entities,
            aliases: None,
        })
    }

    /// The same filters with this alias table.
    pub fn with_aliases(mut self, aliases: AliasTable) -> Filters {
        self.aliases = Some(std::sync::Arc::new(aliases));
        self
    }

    /// The alias table that applies.
    pub fn alias_table(&self) -> &AliasTable {
        self.aliases
            .as_deref()
            .unwrap_or_else(|| AliasTable::builtin())
    }

    /// True when a date bound is set.
    pub fn has_dates(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Whether an article with this date passes the date bounds (`None` = undated).
    pub fn date_passes(&self, date: Option<NaiveDate>) -> bool {
        match date {
            None => !self.has_dates() || self.include_undated,
            Some(d) => self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reversed_ranges_and_empty_names_are_errors() {
        assert!(Filters::new(Some("2018"), Some("2017"), false, vec![], vec![]).is_err());
        assert!(Filters::new(None, None, false, vec![" ".into()], vec![]).is_err());
    }

    #[test]
    fn undated_articles_pass_only_without_bounds_or_when_included() {
        let mut f = Filters::new(Some("2016"), Some("2016"), false, vec![], vec![]).unwrap();
        assert!(f.date_passes(Some(d(2016, 12, 12))));
        assert!(!f.date_passes(Some(d(2017, 1, 1))));
        assert!(!f.date_passes(None));
        f.include_undated = true;
        assert!(f.date_passes(None));
        assert!(Filters::default().date_passes(None));
    }
}
