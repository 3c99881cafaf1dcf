//! Filters shared by every command: date range, outlets, entities, record metadata.
//!
//! `--from`/`--to` are parsed by the date module (`dates::parse_bound`) into concrete days.

use crate::dates::{parse_bound, Bound};
use crate::error::{Error, Result};
use crate::extract::aliases::AliasTable;
use chrono::NaiveDate;

/// Filters that restrict which articles a command sees (serializable without the alias table).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    #[serde(skip)]
    pub aliases: Option<std::sync::Arc<AliasTable>>,
    /// Metadata `(key, value)` pairs (`--meta KEY=VALUE`, `--author NAME`; keys lowercased):
    /// the values of one key are alternatives, different keys are all required; values match
    /// whole, ignoring case and accents.
    pub meta: Vec<(String, String)>,
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
            outlets: outlets
                .iter()
                .map(|o| crate::extract::outlet::normalize_outlet(o))
                .collect(),
            entities,
            aliases: None,
            meta: Vec::new(),
        })
    }

    /// The same filters with metadata conditions: `KEY=VALUE` specifications (`--meta`) and
    /// author names (`--author`, the key `author`).
    ///
    /// # Errors
    /// A specification without `=`, or with an empty key or value.
    pub fn with_meta(mut self, specs: &[String], authors: &[String]) -> Result<Filters> {
        for spec in specs {
            let bad = |message: String| Error::BadOption {
                option: "--meta".into(),
                message,
            };
            let (key, value) = spec
                .split_once('=')
                .ok_or_else(|| bad(format!("`{spec}`: expected KEY=VALUE, e.g. bias=left")))?;
            let key = crate::read::record::meta_key(key)
                .ok_or_else(|| bad(format!("`{spec}`: the key is empty")))?;
            if value.trim().is_empty() {
                return Err(bad(format!("`{spec}`: the value is empty")));
            }
            self.meta.push((key, value.trim().to_string()));
        }
        for name in authors {
            if name.trim().is_empty() {
                return Err(Error::BadOption {
                    option: "--author".into(),
                    message: "the name is empty".into(),
                });
            }
            let pair = (crate::model::AUTHOR.to_string(), name.trim().to_string());
            self.meta.push(pair);
        }
        Ok(self)
    }

    /// The metadata conditions grouped by key (keys in order of first appearance): every group
    /// must match, any value of a group may.
    pub fn meta_groups(&self) -> Vec<(&str, Vec<&str>)> {
        crate::index::meta::group(&self.meta)
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

    /// True when no date, outlet or metadata filter is set: every appearance of a selected text
    /// [`Filters::passes`], so none needs to be read to know it.
    pub fn passes_every_appearance(&self) -> bool {
        !self.has_dates() && self.outlets.is_empty() && self.meta.is_empty()
    }

    /// Whether one appearance of a text (see `index::Appearance`) passes the date, outlet and
    /// metadata filters (the query and the entities hold for every appearance of a text).
    pub fn passes(&self, a: &crate::index::Appearance) -> bool {
        use crate::index::keyword_key;
        use crate::index::meta::meta_key_term;
        if self.passes_every_appearance() {
            return true;
        }
        if !self.date_passes(a.date) {
            return false;
        }
        let outlet = a.outlet.as_deref().map(keyword_key);
        if !self.outlets.is_empty()
            && !self
                .outlets
                .iter()
                .any(|o| outlet.as_deref() == Some(keyword_key(o).as_str()))
        {
            return false;
        }
        let has: Vec<String> = a.meta.iter().map(|(k, v)| meta_key_term(k, v)).collect();
        self.meta_groups()
            .iter()
            .all(|(key, values)| values.iter().any(|v| has.contains(&meta_key_term(key, v))))
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

    /// The date bounds as a window of stored timestamps, for loops over many articles: the
    /// same answer as [`Filters::date_passes`] of the timestamp's day in UTC
    /// ([`super::to_date`]), without working the day out.
    pub fn seconds_window(&self) -> SecondsWindow {
        let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
        SecondsWindow {
            first: self.from.map_or(i64::MIN, midnight),
            last: self.to.map_or(i64::MAX, |t| {
                t.succ_opt().map_or(i64::MAX, |next| midnight(next) - 1)
            }),
            undated_pass: self.date_passes(None),
        }
    }
}

/// The seconds of the date bounds (see [`Filters::seconds_window`]).
#[derive(Debug, Clone, Copy)]
pub struct SecondsWindow {
    first: i64,
    last: i64,
    undated_pass: bool,
}

impl SecondsWindow {
    /// Whether an article stored with this timestamp passes (`None` = undated).
    pub fn passes(&self, secs: Option<i64>) -> bool {
        match secs.filter(|&s| super::has_day(s)) {
            Some(s) => (self.first..=self.last).contains(&s),
            None => self.undated_pass,
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
    fn meta_values_of_one_key_are_alternatives() {
        let f = Filters::default()
            .with_meta(
                &[
                    "Bias=left".into(),
                    "topic = guns ".into(),
                    "bias=center".into(),
                ],
                &["Ann Lee".into()],
            )
            .unwrap();
        assert_eq!(
            f.meta_groups(),
            vec![
                ("bias", vec!["left", "center"]),
                ("topic", vec!["guns"]),
                ("author", vec!["Ann Lee"])
            ]
        );
        for bad in ["bias", "=left", "bias= "] {
            let e = Filters::default()
                .with_meta(&[bad.into()], &[])
                .unwrap_err();
            assert!(e.to_string().contains("--meta"), "{e}");
        }
        assert!(Filters::default().with_meta(&[], &[" ".into()]).is_err());
    }

    /// The window of seconds gives what the day of each timestamp gives, at the edges of the
    /// bounds' days, before 1970 and outside the days chrono can hold.
    #[test]
    fn the_seconds_window_agrees_with_the_days() {
        let day = 86_400;
        let mut stamps = vec![None, Some(i64::MIN), Some(i64::MAX), Some(0), Some(-1)];
        for d in [
            d(1969, 12, 31),
            d(2016, 1, 1),
            d(2016, 6, 30),
            d(2017, 1, 1),
        ] {
            let m = d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
            stamps.extend([m - day, m - 1, m, m + 1, m + day - 1, m + day].map(Some));
        }
        let edges = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp();
        stamps.extend([edges, edges + 1, -edges, -edges - 1].map(Some));
        let bounds = [
            (None, None),
            (Some("2016"), None),
            (None, Some("2016-06")),
            (Some("2016-06-30"), Some("2016-06-30")),
            (Some("1969"), Some("2016")),
        ];
        for (from, to) in bounds {
            for include_undated in [false, true] {
                let f = Filters::new(from, to, include_undated, vec![], vec![]).unwrap();
                let w = f.seconds_window();
                for s in &stamps {
                    let day = s.and_then(crate::search::to_date);
                    assert_eq!(
                        s.is_some_and(crate::search::has_day),
                        day.is_some(),
                        "{s:?}"
                    );
                    let by_day = f.date_passes(day);
                    assert_eq!(w.passes(*s), by_day, "{from:?}..{to:?} {s:?}");
                }
            }
        }
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
