//! Dates, once for the whole crate: the one year range, recorded date values, dates written out
//! in page text (many languages and scripts), query bounds, and time zones.
//!
//! * [`value`]: values a format records in a date field (`2016-09-20`, RFC 2822, `M/D/YY`, Unix
//!   time, `{"$date": …}`);
//! * [`text`]: complete dates written out in page text: month names in the languages of
//!   [`text::MONTHS`] (Latin, Cyrillic, Greek and Arabic script), Arabic-Indic, Persian and
//!   full-width digits, Chinese/Japanese/Korean `年月日`, Hungarian year-first; and through
//!   `calendars`, Solar Hijri, Hijri (Umm al-Qura) and Thai Buddhist-era dates, Japanese eras and
//!   Chinese numerals, converted to the Gregorian day (`icu_calendar`);
//! * [`bound`]: `--from`/`--to` query bounds (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`);
//! * [`zone`]: the calendar day of a timestamp in the outlet's own time zone (`chrono-tz`).
//!
//! Every date taken from an archive passes [`plausible`]: its year lies in [`MIN_YEAR`]..=
//! [`max_year`]. The strict dateline finder in prose (`extract::date`) uses the same range.

pub mod bound;
mod calendars;
pub mod text;
pub mod value;
pub mod zone;

pub use bound::{parse_bound, Bound};
pub use text::{
    find_text_date, find_text_date_in, find_text_dates, find_text_dates_in, month_number,
    SlashOrder,
};
pub use value::{parse_loose, parse_str, parse_value};

use chrono::{Datelike, NaiveDate};

/// Earliest plausible publication year.
pub const MIN_YEAR: i32 = 1900;

/// Latest plausible publication year: next year (time zones, embargoed pieces).
pub fn max_year() -> i32 {
    chrono::Utc::now().year() + 1
}

/// True when `year` lies in the one year range every date of the archive must lie in.
pub fn year_in_range(year: i32) -> bool {
    (MIN_YEAR..=max_year()).contains(&year)
}

/// Checks that a date is plausible as a publication date.
pub fn plausible(d: NaiveDate) -> Result<NaiveDate, String> {
    if d == NaiveDate::default() {
        return Err("impossible date 1970-01-01 (Unix time zero: an empty timestamp)".into());
    }
    if year_in_range(d.year()) {
        Ok(d)
    } else {
        Err(format!("impossible date {d} (year {:04})", d.year()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_year_range() {
        assert!(year_in_range(MIN_YEAR) && year_in_range(max_year()));
        assert!(!year_in_range(MIN_YEAR - 1) && !year_in_range(max_year() + 1));
        let d = |y| NaiveDate::from_ymd_opt(y, 1, 2).unwrap();
        assert!(plausible(d(2016)).is_ok());
        assert!(plausible(d(1899)).unwrap_err().contains("impossible"));
        assert!(plausible(NaiveDate::default()).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::extract::date::{find_dateline, parse_date};
    use proptest::prelude::*;

    /// A valid date in the year range.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (MIN_YEAR..=max_year(), 1u32..=366)
            .prop_filter_map("a day of that year", |(y, o)| NaiveDate::from_yo_opt(y, o))
            // 1970-01-01 is refused on purpose (an empty Unix timestamp): see `plausible`.
            .prop_filter("a plausible date", |d| plausible(*d).is_ok())
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC{0,80}") {
            let _ = find_text_dates(&s).count();
            let _ = parse_str(&s);
            let _ = parse_bound("--from", &s, Bound::Start);
            let _ = zone::parse_timestamp(&s);
            let _ = parse_date(&s);
            let _ = find_dateline(&s);
        }

        #[test]
        fn date_like_strings_never_panic(s in "[0-9０-９٠-٩ .,/:年月日TZ+-]{0,40}(jan|май|مارس|November)?[0-9 .,]{0,12}") {
            let _ = find_text_dates(&s).count();
            let _ = parse_str(&s);
            let _ = parse_date(&s);
            let _ = zone::parse_timestamp(&s);
        }

        #[test]
        fn a_formatted_date_parses_back_to_itself(d in any_date()) {
            let iso = d.format("%Y-%m-%d").to_string();
            prop_assert_eq!(parse_str(&iso), Ok(Some(d)));
            prop_assert_eq!(parse_bound("--from", &iso, Bound::Start).ok(), Some(d));
            prop_assert_eq!(parse_date(&iso), Some(d));
            for form in ["%-d %B %Y", "%B %-d, %Y", "%a, %d %b %Y"] {
                let s = d.format(form).to_string();
                prop_assert_eq!(parse_date(&s), Some(d), "{}", s);
                prop_assert_eq!(find_text_date(&s), Some(d), "{}", s);
            }
            for form in ["%d.%m.%Y", "%Y年%-m月%-d日", "%Y. %B %-d."] {
                let s = d.format(form).to_string().to_lowercase();
                prop_assert_eq!(find_text_date(&s), Some(d), "{}", s);
            }
            let utc = format!("{iso}T12:00:00Z");
            let ts = zone::parse_timestamp(&utc);
            prop_assert_eq!(ts.map(|t| zone::PageZone::default().day(&t)), Some(d));
        }
    }
}
