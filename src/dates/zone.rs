//! Time zones: the calendar day a timestamp falls on in the outlet's own zone.
//!
//! A page's metadata often gives a UTC timestamp (`2019-10-18T22:04:00Z`) while readers, and the
//! outlet, see the local day (the 19th in Berlin). The day is taken, in order:
//!
//! 1. as written, when the timestamp carries its own non-UTC offset (`…+02:00`) or no time;
//! 2. in the page's own offset, when another timestamp of the page carries one
//!    ([`page_offset`]): CMSs write every timestamp of a page in the same zone, UTC or local;
//! 3. in the zone of the outlet's country-code domain or, if so chosen, of the page's language
//!    where that language is spoken in one time zone ([`zone_for`], `chrono-tz`, with its
//!    summer-time rules for every year);
//! 4. else in UTC.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use regex::Regex;
use std::sync::LazyLock;

/// What is known of the zone the outlet writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageZone {
    /// A non-UTC offset that the page's own timestamps carry.
    pub offset: Option<FixedOffset>,
    /// The zone of the outlet's domain or language.
    pub zone: Option<Tz>,
}

impl PageZone {
    /// The day of `ts` in the outlet's zone (see the module documentation).
    pub fn day(&self, ts: &Timestamp) -> NaiveDate {
        match ts {
            Timestamp::Local(d) => d.date(),
            Timestamp::Utc(utc) => {
                if let Some(off) = self.offset {
                    off.from_utc_datetime(utc).date_naive()
                } else if let Some(zone) = self.zone {
                    zone.from_utc_datetime(utc).date_naive()
                } else {
                    utc.date()
                }
            }
        }
    }
}

/// A timestamp in a metadata value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamp {
    /// In UTC (`Z`, `+00:00`, `UTC`, `GMT`): its day depends on the outlet's zone.
    Utc(NaiveDateTime),
    /// In a local time given as written (a non-UTC offset, or no zone at all).
    Local(NaiveDateTime),
}

static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?\s*$",
    )
    .expect("valid timestamp regex")
});

/// Parses an ISO 8601 timestamp with a time (`2019-10-18T22:04:00Z`, `2019-10-18 22:04+02:00`);
/// None for anything else (a bare date has no zone problem).
pub fn parse_timestamp(v: &str) -> Option<Timestamp> {
    let c = TIMESTAMP.captures(v)?;
    let date = NaiveDate::parse_from_str(c.get(1)?.as_str(), "%Y-%m-%d").ok()?;
    let n = |i: usize| c.get(i).map_or(Some(0), |m| m.as_str().parse::<u32>().ok());
    let at = date.and_hms_opt(n(2)?, n(3)?, n(4)?)?;
    Some(match c.get(5).map(|m| m.as_str()) {
        None => Timestamp::Local(at),
        Some(zone) => match offset_of(zone) {
            Some(off) if off.local_minus_utc() != 0 => Timestamp::Local(at),
            Some(_) => Timestamp::Utc(at),
            None => return None,
        },
    })
}

/// The offset a zone suffix names (`Z`, `+02:00`, `-0500`, `+05`, `UTC`, `GMT`).
fn offset_of(zone: &str) -> Option<FixedOffset> {
    if matches!(zone, "Z" | "UTC" | "GMT") {
        return FixedOffset::east_opt(0);
    }
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

static OFFSET_IN_PAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-]\d{2}:?\d{2})\b")
        .expect("valid offset regex")
});

/// The first non-UTC offset carried by an ISO timestamp in the page's source (metadata, JSON-LD,
/// `<time datetime>`), if any.
pub fn page_offset(html: &str) -> Option<FixedOffset> {
    OFFSET_IN_PAGE
        .captures_iter(html)
        .filter_map(|c| offset_of(c.get(1)?.as_str()))
        .find(|off| off.local_minus_utc() != 0)
}

/// Country-code domains and the zone their outlets publish in (countries with one zone, or
/// whose press sits in one).
const TLD_ZONES: &[(&str, &str)] = &[
    ("de", "Europe/Berlin"),
    ("at", "Europe/Vienna"),
    ("ch", "Europe/Zurich"),
    ("li", "Europe/Vaduz"),
    ("fr", "Europe/Paris"),
    ("it", "Europe/Rome"),
    ("es", "Europe/Madrid"),
    ("nl", "Europe/Amsterdam"),
    ("be", "Europe/Brussels"),
    ("lu", "Europe/Luxembourg"),
    ("dk", "Europe/Copenhagen"),
    ("se", "Europe/Stockholm"),
    ("no", "Europe/Oslo"),
    ("pl", "Europe/Warsaw"),
    ("cz", "Europe/Prague"),
    ("sk", "Europe/Bratislava"),
    ("hu", "Europe/Budapest"),
    ("si", "Europe/Ljubljana"),
    ("hr", "Europe/Zagreb"),
    ("rs", "Europe/Belgrade"),
    ("uk", "Europe/London"),
    ("ie", "Europe/Dublin"),
    ("pt", "Europe/Lisbon"),
    ("fi", "Europe/Helsinki"),
    ("ee", "Europe/Tallinn"),
    ("lv", "Europe/Riga"),
    ("lt", "Europe/Vilnius"),
    ("gr", "Europe/Athens"),
    ("ro", "Europe/Bucharest"),
    ("bg", "Europe/Sofia"),
    ("ua", "Europe/Kyiv"),
    ("by", "Europe/Minsk"),
    ("ru", "Europe/Moscow"),
    ("tr", "Europe/Istanbul"),
    ("il", "Asia/Jerusalem"),
    ("eg", "Africa/Cairo"),
    ("sa", "Asia/Riyadh"),
    ("ae", "Asia/Dubai"),
    ("qa", "Asia/Qatar"),
    ("ir", "Asia/Tehran"),
    ("pk", "Asia/Karachi"),
    ("in", "Asia/Kolkata"),
    ("bd", "Asia/Dhaka"),
    ("th", "Asia/Bangkok"),
    ("vn", "Asia/Ho_Chi_Minh"),
    ("cn", "Asia/Shanghai"),
    ("hk", "Asia/Hong_Kong"),
    ("tw", "Asia/Taipei"),
    ("sg", "Asia/Singapore"),
    ("my", "Asia/Kuala_Lumpur"),
    ("ph", "Asia/Manila"),
    ("jp", "Asia/Tokyo"),
    ("kr", "Asia/Seoul"),
    ("nz", "Pacific/Auckland"),
    ("za", "Africa/Johannesburg"),
    ("ng", "Africa/Lagos"),
    ("ke", "Africa/Nairobi"),
];

/// Languages (ISO 639-1) spoken in one time zone, or whose press sits in one, and that zone.
const LANGUAGE_ZONES: &[(&str, &str)] = &[
    ("de", "Europe/Berlin"),
    ("it", "Europe/Rome"),
    ("nl", "Europe/Amsterdam"),
    ("pl", "Europe/Warsaw"),
    ("cs", "Europe/Prague"),
    ("sk", "Europe/Bratislava"),
    ("hu", "Europe/Budapest"),
    ("da", "Europe/Copenhagen"),
    ("sv", "Europe/Stockholm"),
    ("no", "Europe/Oslo"),
    ("nb", "Europe/Oslo"),
    ("fi", "Europe/Helsinki"),
    ("el", "Europe/Athens"),
    ("ro", "Europe/Bucharest"),
    ("bg", "Europe/Sofia"),
    ("uk", "Europe/Kyiv"),
    ("tr", "Europe/Istanbul"),
    ("he", "Asia/Jerusalem"),
    ("fa", "Asia/Tehran"),
    ("ja", "Asia/Tokyo"),
    ("ko", "Asia/Seoul"),
    ("zh", "Asia/Shanghai"),
    ("vi", "Asia/Ho_Chi_Minh"),
    ("th", "Asia/Bangkok"),
];

/// The zone of an outlet: by its host's country-code domain, else (when `by_language`) by the
/// page's language.
pub fn zone_for(host: Option<&str>, language: Option<&str>, by_language: bool) -> Option<Tz> {
    let lookup = |table: &[(&str, &str)], key: &str| {
        table
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, name)| name.parse::<Tz>().ok())
    };
    let tld = host.and_then(|h| h.rsplit('.').next());
    tld.and_then(|t| lookup(TLD_ZONES, t)).or_else(|| {
        language
            .filter(|_| by_language)
            .and_then(|l| lookup(LANGUAGE_ZONES, l))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn utc_timestamps_take_the_outlet_day() {
        let berlin = PageZone {
            offset: None,
            zone: zone_for(Some("www.kas.de"), None, false),
        };
        let at = |v: &str| parse_timestamp(v).map(|t| berlin.day(&t));
        assert_eq!(at("2021-11-04T23:00Z"), Some(day(2021, 11, 5)));
        assert_eq!(at("2019-10-18T22:04:00Z"), Some(day(2019, 10, 19)));
        assert_eq!(at("2019-10-18T21:04:00+00:00"), Some(day(2019, 10, 18)));
        // Its own offset is kept.
        assert_eq!(at("2019-10-18T23:04:00-05:00"), Some(day(2019, 10, 18)));
        // Summer time before 1996 ended in September in Germany.
        assert_eq!(at("1995-10-10T22:30:00Z"), Some(day(1995, 10, 10)));
        assert_eq!(at("2005-10-10T22:30:00Z"), Some(day(2005, 10, 11)));
        assert_eq!(zone_for(Some("ktla.com"), Some("en"), true), None);
        assert_eq!(
            zone_for(Some("example.com"), Some("ja"), true),
            "Asia/Tokyo".parse().ok()
        );
        assert_eq!(zone_for(Some("example.com"), Some("ja"), false), None);
    }

    /// The build compiles in only the zones these tables name (`CHRONO_TZ_TIMEZONE_FILTER` in
    /// `.cargo/config.toml`): a zone added here and not there would silently give no zone.
    #[test]
    fn every_zone_named_here_is_built() {
        let filter = include_str!("../../.cargo/config.toml");
        for (key, name) in TLD_ZONES.iter().chain(LANGUAGE_ZONES) {
            assert!(
                name.parse::<Tz>().is_ok(),
                "{key}: {name} is not built; add it to CHRONO_TZ_TIMEZONE_FILTER"
            );
            assert!(
                filter.contains(&format!("|{name}|"))
                    || filter.contains(&format!("({name}|"))
                    || filter.contains(&format!("|{name})")),
                "{key}: {name} is missing from CHRONO_TZ_TIMEZONE_FILTER"
            );
        }
        // The filter is in force: a zone no table names is not built.
        assert!("America/Denver".parse::<Tz>().is_err());
    }

    #[test]
    fn the_page_offset_wins_over_the_domain_zone() {
        let html =
            r#"<meta content="2019-10-18T22:04:00Z"><meta content="2019-10-19T08:00:00-04:00">"#;
        let z = PageZone {
            offset: page_offset(html),
            zone: "Europe/Berlin".parse().ok(),
        };
        let t = parse_timestamp("2019-10-19T02:30:00Z").unwrap();
        assert_eq!(z.day(&t), day(2019, 10, 18));
        assert_eq!(page_offset("2019-10-18T22:04:00+00:00"), None);
    }
}
