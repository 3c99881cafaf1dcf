//! Date values recorded by formats: `2016-09-20`, `2016-09-20T10:00:00Z`, RFC 2822, `M/D/YY`,
//! Unix seconds or milliseconds, `{"$date": ms}`, each passed through [`plausible`].
//!
//! Unlike datelines in prose (`extract::date`), a date in a record's `date` field is known to be a
//! date, so the US `M/D/YY` order that dataset dumps use is accepted here. A date outside
//! [`super::MIN_YEAR`]..=this year + 1 (`0001-01-01`, `2050-…` in a 2016 archive) is an error: the caller
//! reports it and treats the article as undated.

use super::{max_year, plausible};
use chrono::{DateTime, NaiveDate};
use serde_json::Value;

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
