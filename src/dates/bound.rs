//! Query bounds: `--from`/`--to` as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (inclusive), expanded into
//! concrete days (tantivy itself only accepts full RFC 3339).

use super::{max_year, MIN_YEAR};
use crate::error::{Error, Result};
use chrono::NaiveDate;

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
    // No archive date lies outside the one year range, so a bound outside it is clamped to it.
    let first = NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap_or(date);
    let last = NaiveDate::from_ymd_opt(max_year(), 12, 31).unwrap_or(date);
    Ok(date.clamp(first, last))
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
    fn bounds_outside_the_year_range_are_clamped_to_it() {
        assert_eq!(
            parse_bound("--from", "1066", Bound::Start).unwrap(),
            d(MIN_YEAR, 1, 1)
        );
        assert_eq!(
            parse_bound("--to", "9999-12", Bound::End).unwrap(),
            d(max_year(), 12, 31)
        );
    }
}
