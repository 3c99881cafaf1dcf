//! Date values recorded by formats: `2016-09-20`, `2016-09-20T10:00:00Z`, RFC 2822, `M/D/YY`,
//! Unix seconds or milliseconds, `{"$date": ms}`; and the plausibility check every recorded date
//! passes through.
//!
//! Unlike datelines in prose (`extract::date`), a date in a record's `date` field is known to be a
//! date, so the US `M/D/YY` order that dataset dumps use is accepted here. A date outside
//! [`MIN_YEAR`]..=this year + 1 (`0001-01-01`, `2050-…` in a 2016 archive) is an error: the caller
//! reports it and treats the article as undated.

use chrono::{DateTime, Datelike, NaiveDate};
use serde_json::Value;

/// Earliest plausible publication year.
pub const MIN_YEAR: i32 = 1900;

/// Latest plausible publication year: next year (time zones, embargoed pieces).
pub fn max_year() -> i32 {
    chrono::Utc::now().year() + 1
}

/// Checks that a date is plausible as a publication date.
pub fn plausible(d: NaiveDate) -> Result<NaiveDate, String> {
    if d == NaiveDate::default() {
        return Err("impossible date 1970-01-01 (Unix time zero: an empty timestamp)".into());
    }
    if d.year() < MIN_YEAR || d.year() > max_year() {
        Err(format!("impossible date {d} (year {:04})", d.year()))
    } else {
        Ok(d)
    }
}

/// Parses a date field's value. `Ok(None)` for empty values (null, "", "NaN"); `Err` with the
/// reason for a value that is not a date or not a plausible one.
pub fn parse_value(v: &Value) -> Result<Option<NaiveDate>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => parse_str(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => from_unix(i).map(Some),
            None => match n.as_f64() {
                Some(f) if f.is_finite() => from_unix(f as i64).map(Some),
                _ => Err(format!("not a date: {n}")),
            },
        },
        Value::Object(m) => match m.get("$date") {
            Some(Value::Object(inner)) => match inner.get("$numberLong") {
                Some(v) => parse_value(v),
                None => Err("not a date: {\"$date\": {…}}".into()),
            },
            Some(inner) => parse_value(inner),
            None => Err("not a date: an object".into()),
        },
        Value::Array(a) => match a.first() {
            Some(first) => parse_value(first),
            None => Ok(None),
        },
        Value::Bool(_) => Err("not a date: a boolean".into()),
    }
}

/// Parses a date string in any of the recorded-value forms. `Ok(None)` when blank.
pub fn parse_str(s: &str) -> Result<Option<NaiveDate>, String> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") || t.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    match parse_loose(t) {
        Some(d) => plausible(d).map(Some),
        None => Err(format!("not a date: {}", shorten(t))),
    }
}

/// Parses a date string without the plausibility check: ISO 8601 / RFC 3339 (date first),
/// RFC 2822, `M/D/YY[YY]`, `YYYY/MM/DD`, `YYYYMMDD`, or all digits as Unix seconds/milliseconds.
pub fn parse_loose(t: &str) -> Option<NaiveDate> {
    let t = t.trim();
    if t.bytes().all(|b| b.is_ascii_digit()) {
        if t.len() == 8 {
            if let Some(d) = ymd(&t[..4], &t[4..6], &t[6..]) {
                return Some(d);
            }
        }
        return t.parse::<i64>().ok().and_then(|i| from_unix(i).ok());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(t) {
        return Some(dt.date_naive());
    }
    // ISO: YYYY-MM-DD, then anything (time, zone).
    let b = t.as_bytes();
    if b.len() >= 10
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
        && (b[4] == b'-' || b[4] == b'/' || b[4] == b'.')
        && b[7] == b[4]
    {
        let rest = &b[10..];
        if rest.first().is_none_or(|c| !c.is_ascii_digit()) {
            return ymd(&t[..4], &t[5..7], &t[8..10]);
        }
    }
    // M/D/YY or M/D/YYYY (US order, as dataset dumps write it), optionally followed by a time.
    let head = t.split([' ', 'T']).next().unwrap_or(t);
    let parts: Vec<&str> = head.split('/').collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    {
        let (m, d, y) = (parts[0], parts[1], parts[2]);
        let year = match y.len() {
            2 => {
                let yy: i32 = y.parse().ok()?;
                // Two-digit years: 00–(this year's last two digits + 1) are 20xx, the rest 19xx.
                let pivot = max_year() % 100;
                if yy <= pivot {
                    2000 + yy
                } else {
                    1900 + yy
                }
            }
            4 => y.parse().ok()?,
            _ => return None,
        };
        return NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?);
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Unix seconds, or milliseconds when the value is too large to be seconds of a plausible year.
fn from_unix(i: i64) -> Result<NaiveDate, String> {
    let secs = if i.abs() >= 100_000_000_000 {
        i / 1000
    } else {
        i
    };
    DateTime::from_timestamp(secs, 0)
        .map(|dt| dt.date_naive())
        .ok_or_else(|| format!("not a date: {i}"))
        .and_then(plausible)
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Month names (and abbreviations) in the languages of the archives we see: English, German,
/// French, Spanish, Italian, Portuguese, Dutch. Lowercase, without a trailing dot.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("janvier", 1),
    ("enero", 1),
    ("gennaio", 1),
    ("janeiro", 1),
    ("januari", 1),
    ("jänner", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("fevereiro", 2),
    ("februari", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("março", 3),
    ("maart", 3),
    ("mär", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("maio", 5),
    ("mei", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("luglio", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("agosto", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("settembre", 9),
    ("setembro", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("outubro", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
];

fn month_named(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .find(|(n, _)| *n == w)
        .map(|(_, m)| *m)
        .or(match w.as_str() {
            "décembre" | "decembre" | "diciembre" | "dicembre" | "dezembro" => Some(12),
            _ => None,
        })
}

static TEXT_DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?xi)
        (?P<iso>\b(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})\b)
      | (?P<dmy>\b(?P<dd>\d{1,2})\.\s?(?P<dm>\d{1,2})\.\s?(?P<dy>(?:19|20)?\d{2})\b)
      | (?P<dnamed>\b(?P<nd>\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s*(?:de\s+)?(?P<nm>\p{L}{3,10})\.?,?\s*(?:de\s+)?(?P<ny>(?:19|20)\d{2})\b)
      | (?P<named>\b(?P<mm>\p{L}{3,10})\.?\s+(?P<md>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<my>(?:19|20)\d{2})\b)",
    )
    .expect("valid date regex")
});

/// Finds the first complete date written out in a short piece of page text ("18 November 2017",
/// "November 18, 2017", "18. Juli 2014", "18.07.2014", "2017-11-18"), in the languages of
/// [`MONTHS`]. Day-month-year is assumed for dotted numerals (the European notation); slashed
/// all-numeric dates are never taken here (their order is unknown). Not checked for plausibility.
pub fn find_text_date(s: &str) -> Option<NaiveDate> {
    find_text_dates(s).next().map(|(_, d)| d)
}

/// Every complete date written out in `s` (see [`find_text_date`]), with its byte offset.
pub fn find_text_dates(s: &str) -> impl Iterator<Item = (usize, NaiveDate)> + '_ {
    TEXT_DATE.captures_iter(s).filter_map(|c| {
        let get = |n: &str| c.name(n).map(|m| m.as_str());
        let num = |n: &str| get(n).and_then(|v| v.parse::<u32>().ok());
        let d = if c.name("iso").is_some() {
            let y = get("iy").and_then(|v| v.parse().ok());
            y.and_then(|y| NaiveDate::from_ymd_opt(y, num("im")?, num("id")?))
        } else if c.name("dmy").is_some() {
            let y = get("dy")
                .and_then(|v| v.parse::<i32>().ok())
                .map(|y| match y {
                    0..=99 if y <= max_year() % 100 => 2000 + y,
                    0..=99 => 1900 + y,
                    y => y,
                });
            y.and_then(|y| NaiveDate::from_ymd_opt(y, num("dm")?, num("dd")?))
        } else if c.name("dnamed").is_some() {
            let y = get("ny").and_then(|v| v.parse().ok());
            let m = get("nm").and_then(month_named);
            y.zip(m)
                .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, num("nd")?))
        } else {
            let y = get("my").and_then(|v| v.parse().ok());
            let m = get("mm").and_then(month_named);
            y.zip(m)
                .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, num("md")?))
        };
        d.map(|d| (c.get(0).map_or(0, |m| m.start()), d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn recorded_forms_parse() {
        let cases = [
            (json!("2016-09-20"), day(2016, 9, 20)),
            (json!("2016-09-20T23:10:00+02:00"), day(2016, 9, 20)),
            (json!("2016-09-20 10:00:00"), day(2016, 9, 20)),
            (json!("Tue, 20 Sep 2016 10:00:00 +0000"), day(2016, 9, 20)),
            (json!("9/20/16"), day(2016, 9, 20)),
            (json!("9/20/2016"), day(2016, 9, 20)),
            (json!(1474329600), day(2016, 9, 20)),
            (json!(1474329600000i64), day(2016, 9, 20)),
            (json!("1474329600"), day(2016, 9, 20)),
            (json!({"$date": 1474329600000i64}), day(2016, 9, 20)),
            (
                json!({"$date": {"$numberLong": "1474329600000"}}),
                day(2016, 9, 20),
            ),
            (json!({"$date": "2016-09-20T00:00:00Z"}), day(2016, 9, 20)),
            (json!("20160920"), day(2016, 9, 20)),
        ];
        for (v, want) in cases {
            assert_eq!(parse_value(&v), Ok(want), "{v}");
        }
        assert_eq!(parse_value(&json!(null)), Ok(None));
        assert_eq!(parse_value(&json!("")), Ok(None));
        assert_eq!(parse_value(&json!("NaN")), Ok(None));
    }

    #[test]
    fn dates_written_out_in_page_text() {
        let cases = [
            ("Posted on 18 November 2017 by admin", day(2017, 11, 18)),
            ("Nov. 18, 2017", day(2017, 11, 18)),
            ("Samstag, 19. Juli 2014", day(2014, 7, 19)),
            ("19.07.2014 um 10:00", day(2014, 7, 19)),
            ("Party, 30.10.23", day(2023, 10, 30)),
            ("le 3 décembre 2016", day(2016, 12, 3)),
            ("12 de marzo de 2019", day(2019, 3, 12)),
            ("updated 2016/12/23", day(2016, 12, 23)),
        ];
        for (s, want) in cases {
            assert_eq!(find_text_date(s), want, "{s}");
        }
        assert_eq!(find_text_date("03/04/2017"), None);
        assert_eq!(find_text_date("in November 2017"), None);
    }

    #[test]
    fn impossible_and_malformed_dates_are_errors() {
        for v in [
            json!("0001-01-01"),
            json!("2050-03-01"),
            json!("1850-01-01T00:00:00Z"),
        ] {
            let e = parse_value(&v).unwrap_err();
            assert!(e.contains("impossible"), "{v}: {e}");
        }
        for v in [
            json!("yesterday"),
            json!("13/45/16"),
            json!(true),
            json!({"a": 1}),
        ] {
            assert!(parse_value(&v).unwrap_err().contains("not a date"), "{v}");
        }
    }
}
