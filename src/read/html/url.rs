//! URLs: the date in a URL path, the original URL of a web-archive copy, the host as an outlet.

use crate::dates::plausible;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)|/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/|[/_-](0[1-9]|[12]\d|3[01])[-_.](0[1-9]|1[0-2])[-_.]((?:19|20)\d{2})(?:[/_.-]|$)")
        .expect("valid URL date regex")
});

/// The full date in a URL path (`/2017/11/18/`, `/2017-11-18-title`, `/20171118/`, or day first
/// with two-digit day and month: `/meldungen/29-10-2021`), if any.
pub fn url_date(url: &str) -> Option<NaiveDate> {
    url_date_with(url, true)
}

/// [`url_date`], with or without the day-first form (`DateRules::day_first_urls`).
pub fn url_date_with(url: &str, day_first: bool) -> Option<NaiveDate> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let c = URL_DATE.captures(path)?;
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = if c.get(1).is_some() {
        (n(1)?, n(2)?, n(3)?)
    } else if c.get(4).is_some() {
        (n(4)?, n(5)?, n(6)?)
    } else if day_first {
        (n(9)?, n(8)?, n(7)?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).and_then(|d| plausible(d).ok())
}

/// The original URL inside a Wayback Machine URL (`https://web.archive.org/web/20120216182711/
/// http://www.stol.it/…`), if it is one.
pub fn archived_url(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let rest = rest.strip_prefix("web.archive.org/web/")?;
    let (stamp, original) = rest.split_once('/')?;
    stamp
        .bytes()
        .take(14)
        .all(|b| b.is_ascii_digit())
        .then_some(original)
}

/// The host of a URL without `www.`, lowercase.
pub fn url_domain(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.')).then_some(host)
}
