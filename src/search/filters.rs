//! Filters shared by every command: date range, outlets, entities.
//!
//! Owns parsing `--from`/`--to` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, inclusive) into concrete days;
//! tantivy itself only accepts full RFC 3339, so morgue expands partial dates here.

use crate::error::{Error, Result};
use crate::extract::aliases::AliasTable;
use chrono::{Datelike, NaiveDate};

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

/// Which end of a range a partial date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first day of the period.
    Start,
    /// The last day of the period.
    End,
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into the first or last day of that period.
pub fn parse_bound(option: &str, s: &str, bound: Bound) -> Result<NaiveDate> {
    let bad = |why: &str| Error::BadOption {
        option: option.into(),
        message: format!("{why} in {s:?}: expected YYYY, YYYY-MM or YYYY-MM-DD"),
    };
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |p: &str, len: usize, what: &str| -> Result<u32> {
        if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(&format!("bad {what}")));
        }
        p.parse::<u32>().map_err(|_| bad(&format!("bad {what}")))
    };
    let year = num(parts[0], 4, "year")? as i32;
    let date = match parts.len() {
        1 => match bound {
            Bound::Start => NaiveDate::from_ymd_opt(year, 1, 1),
            Bound::End => NaiveDate::from_ymd_opt(year, 12, 31),
        },
        2 => {
            let month = num(parts[1], 2, "month")?;
            let first =
                NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| bad("no such month"))?;
            match bound {
                Bound::Start => Some(first),
                Bound::End => first
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|d| d.pred_opt()),
            }
        }
        3 => {
            let month = num(parts[1], 2, "month")?;
            let day = num(parts[2], 2, "day")?;
            NaiveDate::from_ymd_opt(year, month, day)
        }
        _ => None,
    };
    let date = date.ok_or_else(|| bad("no such date"))?;
    if !(1678..=2261).contains(&date.year()) {
        return Err(bad("year out of range"));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn partial_dates_expand_to_whole_periods() {
        assert_eq!(
            parse_bound("--from", "2016", Bound::Start).unwrap(),
            d(2016, 1, 1)
        );
        assert_eq!(
            parse_bound("--to", "2016", Bound::End).unwrap(),
            d(2016, 12, 31)
        );
        assert_eq!(
            parse_bound("--to", "2016-02", Bound::End).unwrap(),
            d(2016, 2, 29)
        );
        assert_eq!(
            parse_bound("--to", "2017-12", Bound::End).unwrap(),
            d(2017, 12, 31)
        );
        assert_eq!(
            parse_bound("--from", "2017-11-18", Bound::Start).unwrap(),
            d(2017, 11, 18)
        );
    }

    #[test]
    fn malformed_bounds_are_rejected_with_the_option_name() {
        for bad in [
            "16",
            "2016/01",
            "2016-1",
            "2016-13",
            "2017-02-30",
            "yesterday",
            "",
            "2016-01-01-01",
        ] {
            let e = parse_bound("--from", bad, Bound::Start)
                .unwrap_err()
                .to_string();
            assert!(e.contains("--from"), "{bad}: {e}");
        }
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
