//! The HTML reader: one article per saved web page.
//!
//! Owns decoding a page (declared and real charsets may disagree: valid UTF-8 is taken as UTF-8
//! whatever the page declares; otherwise a declared charset that decodes cleanly; otherwise
//! detection by `read::decode`), main-content extraction (`dom_smoothie`, a readability.js port:
//! navigation, share bars, related links, comments and footers dropped), and the page's
//! metadata, each with its provenance:
//!
//! * title: the page's title as readability cleans it (`html:title`);
//! * outlet: `og:site_name` (`meta:og:site_name`), JSON-LD publisher (`json-ld`), else the URL's
//!   domain (`url`);
//! * publication date, in order of trust: JSON-LD `datePublished` (`json-ld`), meta tags such as
//!   `article:published_time` (`meta:NAME`), `itemprop="datePublished"` (`itemprop`),
//!   `<time datetime>` (`time`), a date in an element whose class or id says it is the
//!   publication date (`html:date-element`); then, in the pipeline, a dateline in the text; and
//!   last the URL path (`/2017/11/18/`, `fallback_date`, provenance `url`).
//!
//! Modification dates (`article:modified_time`, `dateModified`) are never taken.

use super::dates::{find_text_date, find_text_dates, parse_loose, plausible};
use super::{decode, slurp, Input, Items, RawArticle, ReadOptions, Reader, Skip};
use crate::model::Sourced;
use chrono::NaiveDate;
use dom_query::Document;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// Fewest words the main content must have: below that, what readability found is a menu or a
/// caption, not an article.
const MIN_MAIN_WORDS: usize = 12;

/// Reads saved web pages (`.html`, `.htm`).
#[derive(Debug, Default, Clone, Copy)]
pub struct HtmlReader;

impl Reader for HtmlReader {
    fn name(&self) -> &'static str {
        "html"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["html", "htm", "xhtml", "shtml"]
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let start: Vec<u8> = head
            .iter()
            .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
            .take(64)
            .map(|b| b.to_ascii_lowercase())
            .collect();
        start.starts_with(b"<!doctype html")
            || start.starts_with(b"<html")
            || start.starts_with(b"<head")
            || (start.starts_with(b"<!--")
                && head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html")))
    }

    fn read(&self, path: &str, input: Input, opts: &ReadOptions) -> Items {
        let item = slurp(path, input, opts).and_then(|bytes| {
            let page = parse_page(&bytes, None).map_err(|reason| Skip::new(path, reason))?;
            page.into_article(path)
        });
        Box::new(std::iter::once(item))
    }
}

/// What was found in a page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The main content as text (paragraphs separated by blank lines); None when no main content
    /// could be told apart.
    pub text: Option<String>,
    /// The page's title.
    pub title: Option<Sourced<String>>,
    /// The outlet named by the page (not the URL's domain: see `url_outlet`).
    pub outlet: Option<Sourced<String>>,
    /// The publication date from the page's markup.
    pub date: Option<Sourced<NaiveDate>>,
    /// The date in the URL path, if any.
    pub url_date: Option<Sourced<NaiveDate>>,
    /// The URL's domain as an outlet of last resort.
    pub url_outlet: Option<Sourced<String>>,
    /// The page's URL (given, or its canonical link).
    pub url: Option<String>,
    /// The encoding the page was decoded from.
    pub encoding: &'static str,
    /// True when the bytes were not UTF-8.
    pub transcoded: bool,
    /// Dates found but rejected (impossible years).
    pub warnings: Vec<String>,
}

impl Page {
    /// The article this page gives, or a skip when it has no main content.
    pub fn into_article(self, path: &str) -> Result<RawArticle, Skip> {
        let text = match self.text {
            Some(t) if !t.trim().is_empty() => t,
            _ => return Err(Skip::new(path, "no main content found in the page")),
        };
        Ok(RawArticle {
            path: path.to_string(),
            text,
            encoding: self.encoding,
            transcoded: self.transcoded,
            url: self.url,
            title: self.title,
            date: self.date,
            fallback_date: self.url_date,
            outlet: self.outlet.or(self.url_outlet),
            crawled: None,
            warnings: self.warnings,
        })
    }
}

/// Decodes page bytes: valid UTF-8 as such; else a declared charset (meta or XML declaration)
/// that decodes without errors; else detection.
pub fn decode_page(bytes: &[u8]) -> Result<(String, &'static str, bool), String> {
    decode_page_hinted(bytes, None)
}

/// [`decode_page`] with a charset declared outside the page (an HTTP `Content-Type` header),
/// tried before the page's own declaration.
pub fn decode_page_hinted(
    bytes: &[u8],
    hint: Option<&str>,
) -> Result<(String, &'static str, bool), String> {
    if let Ok(s) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        return Ok((s.to_string(), "UTF-8", false));
    }
    let hinted = hint.and_then(|h| encoding_rs::Encoding::for_label(h.trim().as_bytes()));
    for enc in hinted.into_iter().chain(declared_charset(bytes)) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return Ok((text.into_owned(), enc.name(), true));
            }
        }
    }
    decode(bytes)
        .map(|d| (d.text, d.encoding, d.transcoded))
        .map_err(|e| e.to_string())
}

static CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)(?:charset|encoding)\s*=\s*["']?([a-z0-9_.:-]+)"#)
        .expect("valid charset regex")
});

fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let label = CHARSET.captures(head)?.get(1)?.as_bytes();
    encoding_rs::Encoding::for_label(label)
}

/// Parses a page: decodes it, extracts its metadata and main content. `url` is where the page
/// was found (a crawler's knowledge), used for the outlet domain and the URL date.
///
/// # Errors
/// Only when the bytes cannot be decoded (empty, binary).
pub fn parse_page(bytes: &[u8], url: Option<&str>) -> Result<Page, String> {
    parse_page_hinted(bytes, url, None)
}

/// [`parse_page`] with a charset declared outside the page (an HTTP header).
///
/// # Errors
/// Only when the bytes cannot be decoded (empty, binary).
pub fn parse_page_hinted(
    bytes: &[u8],
    url: Option<&str>,
    charset: Option<&str>,
) -> Result<Page, String> {
    super::limits::check_html(bytes)?;
    let (html, encoding, transcoded) = decode_page_hinted(bytes, charset)?;
    let doc = Document::from(html.as_str());
    let mut page = Page {
        encoding,
        transcoded,
        ..Page::default()
    };
    let canonical = first_attr(
        &doc,
        &["link[rel=canonical]", "meta[property='og:url']"],
        &["href", "content"],
    )
    .filter(|u| u.starts_with("http"));
    page.url = url.map(str::to_string).or(canonical);
    let jsonld = json_ld(&doc);
    let zone = zone_of(page.url.as_deref());
    let machine =
        metadata_date(&doc, &jsonld, zone, &mut page.warnings).or_else(|| script_date(&html, zone));
    page.outlet = first_attr(&doc, &["meta[property='og:site_name']"], &["content"])
        .map(|s| Sourced::new(s, "meta:og:site_name"))
        .or_else(|| jsonld_publisher(&jsonld).map(|s| Sourced::new(s, "json-ld")));
    if let Some(u) = &page.url {
        // A web-archive copy: the original URL names the outlet and may hold the date; the
        // capture time is a crawl date.
        let original = archived_url(u).unwrap_or(u);
        page.url_date = url_date(original).map(|d| Sourced::new(d, "url"));
        page.url_outlet = url_domain(original).map(|d| Sourced::new(d, "url"));
    }
    // Scripts, styles, and the Wayback Machine's toolbar (its dates are capture dates).
    doc.select("script, style, noscript, template, #wm-ipp-base, #wm-ipp, #donato")
        .remove();
    let element = date_element(&doc);
    let near = near_heading_date(&doc, &mut page.warnings);
    let body_text = spaced_text(&doc);
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..dom_smoothie::Config::default()
    };
    let abs_url = page.url.as_deref().filter(|u| u.starts_with("http"));
    if let Ok(mut r) = dom_smoothie::Readability::with_document(doc, abs_url, Some(cfg)) {
        if let Ok(article) = r.parse() {
            let text = article.text_content.to_string();
            if text.split_whitespace().count() >= MIN_MAIN_WORDS {
                page.text = Some(text);
            }
            let title = article.title.trim().to_string();
            if !title.is_empty() {
                page.title = Some(Sourced::new(title, "html:title"));
            }
            if page.outlet.is_none() {
                page.outlet = article
                    .site_name
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .map(|s| Sourced::new(s, "metadata"));
            }
        }
    }
    // A shown date may overrule metadata only when it sits in the article's head (above the main
    // content or at its start): further down it may belong to another item.
    let head_end = main_start(&body_text, page.text.as_deref()).map(|s| s + HEAD_BYTES);
    let in_head = |text: &str| {
        body_text
            .find(text)
            .zip(head_end)
            .is_some_and(|(at, end)| at <= end)
    };
    let shown = match element {
        Some((d, text)) => Some((in_head(&text), d)),
        None => near.map(|d| (true, d)).or_else(|| {
            page_text_date(&body_text, page.text.as_deref()).map(|d| (d.source != "html:cue", d))
        }),
    };
    page.date = choose_date(machine, shown, &body_text, page.url_date.as_ref());
    Ok(page)
}

/// Reconciles the machine-readable date with the one the page shows readers.
///
/// The machine-readable one wins, unless the page's text never shows it while it shows another
/// (stale CMS values, republished pieces: the date readers see is the one they cite). A date one
/// day off the URL's date is a time-zone shift (markup often says UTC): the URL carries the
/// newsroom's own day.
fn choose_date(
    machine: Option<Sourced<NaiveDate>>,
    shown: Option<(bool, Sourced<NaiveDate>)>,
    body_text: &str,
    url: Option<&Sourced<NaiveDate>>,
) -> Option<Sourced<NaiveDate>> {
    let date = match (machine, shown) {
        (Some(m), Some((true, s))) if (s.value - m.value).num_days() > 1 => {
            let visible = find_text_dates(body_text).any(|(_, d)| d == m.value);
            if visible {
                Some(m)
            } else {
                Some(Sourced::new(
                    s.value,
                    format!("{} (over {})", s.source, m.source),
                ))
            }
        }
        (m, s) => m.or(s.map(|(_, s)| s)),
    };
    match (date, url) {
        (Some(d), Some(u)) if (d.value - u.value).num_days().abs() == 1 => {
            Some(Sourced::new(u.value, format!("url (over {})", d.source)))
        }
        (d, _) => d,
    }
}

fn first_attr(doc: &Document, selectors: &[&str], attrs: &[&str]) -> Option<String> {
    for sel in selectors {
        for node in doc.select(sel).nodes() {
            for a in attrs {
                if let Some(v) = node.attr(a) {
                    let v = v.trim().to_string();
                    if !v.is_empty() {
                        return Some(v);
                    }
                }
            }
        }
    }
    None
}

/// Every JSON-LD object in the page (graphs and arrays flattened).
fn json_ld(doc: &Document) -> Vec<Value> {
    let mut out = Vec::new();
    for node in doc.select("script").nodes() {
        let is_ld = node
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        let raw = node.text();
        let looks_ld = raw.trim_start().starts_with('{') && raw.contains("\"@context\"");
        if !(is_ld || looks_ld) {
            continue;
        }
        let cleaned = raw
            .trim()
            .trim_start_matches("//<![CDATA[")
            .trim_end_matches("//]]>")
            .trim()
            .trim_end_matches(';');
        if let Ok(v) = serde_json::from_str::<Value>(cleaned) {
            flatten(v, &mut out, 0);
        }
    }
    out
}

fn flatten(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(a) => a.into_iter().for_each(|x| flatten(x, out, depth + 1)),
        Value::Object(mut m) => {
            if let Some(g) = m.remove("@graph") {
                flatten(g, out, depth + 1);
            }
            if let Some(main) = m.get("mainEntity").cloned() {
                flatten(main, out, depth + 1);
            }
            out.push(Value::Object(m));
        }
        _ => {}
    }
}

/// JSON-LD types that describe a page's own article (a `datePublished` elsewhere may be a
/// comment's or a related item's).
const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "webpage",
    "posting",
    "report",
    "liveblogposting",
    "socialmediaposting",
    "creativework",
    "backgroundnewsarticle",
];

fn is_article(v: &Value) -> bool {
    let t = |s: &str| ARTICLE_TYPES.contains(&s.to_ascii_lowercase().as_str());
    match v.get("@type") {
        Some(Value::String(s)) => t(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(t),
        _ => false,
    }
}

fn jsonld_publisher(items: &[Value]) -> Option<String> {
    items.iter().filter(|v| is_article(v)).find_map(|v| {
        let p = v.get("publisher")?;
        let name = match p {
            Value::String(s) => s.clone(),
            Value::Object(m) => m.get("name")?.as_str()?.to_string(),
            Value::Array(a) => a.first()?.get("name")?.as_str()?.to_string(),
            _ => return None,
        };
        let name = name.trim().to_string();
        (!name.is_empty()).then_some(name)
    })
}

/// Meta tag names (property, name or itemprop, lowercase) that hold a publication date, most
/// trusted first.
const META_DATES: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "published-date",
    "published_date",
    "pubdate",
    "pub_date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "citation_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "article.published",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "article_date_original",
    "datecreated",
    "created",
];

/// Parses a metadata date value (ISO, RFC 2822 or written out).
fn meta_value_date(v: &str, zone: Zone) -> Option<NaiveDate> {
    if zone == Zone::CentralEurope {
        if let Some(utc) = utc_timestamp(v) {
            return Some(central_european_day(utc));
        }
    }
    parse_loose(v).or_else(|| find_text_date(v))
}

/// The time zone of an outlet, when its country-code domain tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// Not known: a timestamp's own date is taken.
    Unknown,
    /// CET/CEST (Germany, Austria, Switzerland, France, Italy, Spain, the Benelux…).
    CentralEurope,
}

/// Country-code domains whose outlets publish on Central European time.
const CET_DOMAINS: &[&str] = &[
    "de", "at", "ch", "fr", "it", "es", "nl", "be", "lu", "dk", "se", "no", "pl", "cz", "sk", "hu",
    "si", "hr", "li",
];

fn zone_of(url: Option<&str>) -> Zone {
    let tld = url
        .and_then(url_domain)
        .and_then(|d| d.rsplit('.').next().map(str::to_string));
    match tld {
        Some(t) if CET_DOMAINS.contains(&t.as_str()) => Zone::CentralEurope,
        _ => Zone::Unknown,
    }
}

static UTC_TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]00:?00|UTC|GMT)\s*$")
        .expect("valid timestamp regex")
});

/// A timestamp explicitly in UTC (`…Z`, `…+00:00`), as a naive UTC date-time.
fn utc_timestamp(v: &str) -> Option<chrono::NaiveDateTime> {
    let c = UTC_TIMESTAMP.captures(v)?;
    let date = NaiveDate::parse_from_str(c.get(1)?.as_str(), "%Y-%m-%d").ok()?;
    date.and_hms_opt(
        c.get(2)?.as_str().parse().ok()?,
        c.get(3)?.as_str().parse().ok()?,
        0,
    )
}

/// The Central European calendar day of a UTC time (CEST, UTC+2, from the last Sunday of March
/// to the last Sunday of October, 01:00 UTC; CET, UTC+1, otherwise).
fn central_european_day(utc: chrono::NaiveDateTime) -> NaiveDate {
    use chrono::Datelike;
    let last_sunday = |month: u32| {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(utc.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(utc.year(), month + 1, 1)
        };
        next.and_then(|n| n.pred_opt()).map(|last| {
            let back = last.weekday().num_days_from_sunday();
            last - chrono::Duration::days(back as i64)
        })
    };
    let summer = match (last_sunday(3), last_sunday(10)) {
        (Some(start), Some(end)) => {
            let start = start.and_hms_opt(1, 0, 0);
            let end = end.and_hms_opt(1, 0, 0);
            start.zip(end).is_some_and(|(s, e)| utc >= s && utc < e)
        }
        _ => false,
    };
    (utc + chrono::Duration::hours(if summer { 2 } else { 1 })).date()
}

fn metadata_date(
    doc: &Document,
    jsonld: &[Value],
    zone: Zone,
    warnings: &mut Vec<String>,
) -> Option<Sourced<NaiveDate>> {
    let meta_value_date = |v: &str| meta_value_date(v, zone);
    let mut accept = |d: NaiveDate, source: &str| -> Option<Sourced<NaiveDate>> {
        match plausible(d) {
            Ok(d) => Some(Sourced::new(d, source)),
            Err(e) => {
                warnings.push(format!("{e} in {source}: ignored"));
                None
            }
        }
    };
    // 1. JSON-LD datePublished of the page's article (then any object's).
    let articles = jsonld.iter().filter(|v| is_article(v));
    for v in articles.chain(jsonld.iter()) {
        if let Some(d) = v
            .get("datePublished")
            .and_then(Value::as_str)
            .and_then(&meta_value_date)
        {
            if let Some(s) = accept(d, "json-ld") {
                return Some(s);
            }
        }
    }
    // 2. Meta tags, in order of trust.
    let mut metas: Vec<(usize, String)> = Vec::new();
    for node in doc.select("meta").nodes() {
        let key = ["property", "name", "itemprop", "http-equiv"]
            .iter()
            .find_map(|a| node.attr(a))
            .map(|k| k.trim().to_ascii_lowercase());
        let (Some(key), Some(content)) = (key, node.attr("content")) else {
            continue;
        };
        let rank = META_DATES.iter().position(|m| *m == key).or_else(|| {
            // Site-specific names: `zdf:publicationdate`, `xyz:publishdate`…
            [
                "publicationdate",
                "publishdate",
                "published_time",
                "uploaddate",
            ]
            .iter()
            .any(|suffix| key.ends_with(suffix))
            .then_some(META_DATES.len())
        });
        if let Some(rank) = rank {
            metas.push((rank, content.to_string()));
        }
    }
    metas.sort_by_key(|(rank, _)| *rank);
    for (rank, content) in metas {
        if let Some(d) = meta_value_date(&content) {
            let name = META_DATES.get(rank).copied().unwrap_or("site-specific");
            if let Some(s) = accept(d, &format!("meta:{name}")) {
                return Some(s);
            }
        }
    }
    // 3. itemprop="datePublished" on any element; <time datetime>, preferring a marked one.
    for node in doc
        .select("[itemprop='datePublished'], [property$='datePublished'], [itemprop='dateCreated'], [property$='dateCreated'], [property~='dc:date'], [property~='dc:created'], [property~='dcterms:created'], abbr.published[title], .published[title]")
        .nodes()
    {
        let v = node.attr("datetime").or_else(|| node.attr("content")).or_else(|| node.attr("title")).map(|v| v.to_string()).unwrap_or_else(|| node.text().to_string());
        if let Some(d) = meta_value_date(&v) {
            if let Some(s) = accept(d, "itemprop") {
                return Some(s);
            }
        }
    }
    let times = doc.select("time[datetime]");
    let times: Vec<_> = times
        .nodes()
        .iter()
        .filter(|n| !in_aside(n))
        .cloned()
        .collect();
    let heading = doc.select("h1").nodes().first().map(|h| h.id);
    let marked = times.iter().filter(|n| {
        n.has_attr("pubdate")
            || n.attr("class")
                .is_some_and(|c| c.to_ascii_lowercase().contains("publish"))
    });
    // The first one after the headline (node ids follow document order).
    let after_heading = times
        .iter()
        .filter(|n| heading.is_some_and(|h| n.id > h))
        .take(1);
    let in_article = times.iter().filter(|n| {
        n.ancestors_it(None).any(|a| {
            a.node_name()
                .is_some_and(|t| &*t == "article" || &*t == "main")
        })
    });
    // Never one in comments, navigation or asides.
    let ordered = after_heading
        .chain(marked)
        .chain(in_article)
        .chain(times.iter());
    for node in ordered {
        if let Some(d) = node.attr("datetime").and_then(|v| meta_value_date(&v)) {
            if let Some(s) = accept(d, "time") {
                return Some(s);
            }
        }
    }
    None
}

static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:datePublished|publishedDate|published_at|publishDate|pubDate|publicationDate|createdAt|created_at|dateCreated)"\s*:\s*"([^"]{8,40})""#)
        .expect("valid script date regex")
});

/// A publication date in a page's script data (JSON state of JavaScript sites:
/// `"publishedDate": "…"`, `"published_at": "…"`), provenance `script`.
fn script_date(html: &str, zone: Zone) -> Option<Sourced<NaiveDate>> {
    SCRIPT_DATE
        .captures_iter(html)
        .filter_map(|c| meta_value_date(c.get(1)?.as_str(), zone))
        .find(|d| plausible(*d).is_ok())
        .map(|d| Sourced::new(d, "script"))
}

/// A date shown in an element whose class or id says it holds the publication date.
fn date_element(doc: &Document) -> Option<(Sourced<NaiveDate>, String)> {
    for node in doc
        .select("[class*='date'], [class*='Date'], [id*='date'], [class*='publish'], [class*='posted'], [class*='time'], [class*='byline'], [class*='meta']")
        .nodes()
    {
        let marker = format!(
            "{} {}",
            node.attr("class").unwrap_or_default(),
            node.attr("id").unwrap_or_default()
        )
        .to_ascii_lowercase();
        if marker.contains("update") || marker.contains("modif") || marker.contains("comment") {
            continue;
        }
        let text = spaced_text_of(node);
        if text.len() > 200 {
            continue;
        }
        if let Some(d) = find_text_date(&text) {
            if plausible(d).is_ok() {
                return Some((Sourced::new(d, "html:date-element"), text));
            }
        }
    }
    None
}

/// Words in a class or id that mark a part of the page that is not the article itself.
const ASIDE_MARKERS: &[&str] = &[
    "comment",
    "sidebar",
    "related",
    "widget",
    "teaser",
    "recommend",
    "reply",
];

/// True when the node sits in navigation, an aside, a footer, or a comments or related block.
fn in_aside(node: &dom_query::NodeRef) -> bool {
    node.ancestors_it(None).any(|a| {
        if a.node_name()
            .is_some_and(|t| matches!(&*t, "aside" | "nav"))
        {
            return true;
        }
        let marker = format!(
            "{} {}",
            a.attr("class").unwrap_or_default(),
            a.attr("id").unwrap_or_default()
        )
        .to_ascii_lowercase();
        marker
            .split(|c: char| c.is_whitespace() || c == '_')
            .any(|token| {
                token.contains("comment") || ASIDE_MARKERS.iter().any(|m| token.starts_with(m))
            })
    })
}

/// Bytes of page text before and after the headline searched for a date.
const NEAR_BEFORE: usize = 250;
const NEAR_AFTER: usize = 400;

/// A date written next to the page's headline (the first `<h1>`): bylines and "posted on" lines
/// sit just above or below it.
fn near_heading_date(doc: &Document, warnings: &mut Vec<String>) -> Option<Sourced<NaiveDate>> {
    let heading = doc
        .select("h1")
        .nodes()
        .iter()
        .map(|n| spaced_text_of(n))
        .find(|t| t.len() >= 4)?;
    let body = spaced_text(doc);
    let at = body.find(heading.as_str())?;
    let start = floor_boundary(&body, at.saturating_sub(NEAR_BEFORE));
    let end = floor_boundary(&body, (at + heading.len() + NEAR_AFTER).min(body.len()));
    let window = &body[start..end];
    let d = find_text_date(window)?;
    match plausible(d) {
        Ok(d) => Some(Sourced::new(d, "html:near-heading")),
        Err(e) => {
            warnings.push(format!("{e} next to the headline: ignored"));
            None
        }
    }
}

/// The page's body text with a space between text nodes (`<span>Datum:</span>26. Januar
/// 2022</li><li>2022` must not run together), whitespace collapsed.
fn spaced_text(doc: &Document) -> String {
    doc.select("body")
        .nodes()
        .iter()
        .map(spaced_text_of)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A node's text with a space between its text nodes, whitespace collapsed.
fn spaced_text_of(node: &dom_query::NodeRef) -> String {
    let mut out = String::new();
    for t in node.descendants_it().filter(|n| n.is_text()) {
        let t = t.text();
        if !t.trim().is_empty() {
            out.push_str(&t);
            out.push(' ');
        }
    }
    collapse(&out)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bytes of main content that still count as the article's head (byline, dateline).
const HEAD_BYTES: usize = 300;

/// Where the main content starts in the (collapsed) page text: its first paragraph's opening
/// words.
fn main_start(body: &str, main: Option<&str>) -> Option<usize> {
    main?
        .lines()
        .map(collapse)
        .filter(|l| l.len() >= 20)
        .take(3)
        .find_map(|l| {
            let probe: String = l.chars().take(40).collect();
            body.find(&probe)
        })
}

/// Last resorts, from the page's text: a date after a publication cue anywhere ("Veröffentlicht
/// am 01.11.2023", "Published: …"; provenance `html:cue`), else the first date in the page text
/// before the main content starts (headers and bylines), else in the first 300 bytes of the main
/// content (`html:page-text`). Dates further down are about something else.
fn page_text_date(body: &str, main: Option<&str>) -> Option<Sourced<NaiveDate>> {
    let usable = |d: &NaiveDate| plausible(*d).is_ok();
    for c in CUE.find_iter(body) {
        let after = &body[c.end()..floor_boundary(body, (c.end() + 40).min(body.len()))];
        if let Some((0..=3, d)) = find_text_dates(after).next() {
            if usable(&d) {
                return Some(Sourced::new(d, "html:cue"));
            }
        }
    }
    let main_text = collapse(main.unwrap_or(""));
    let start = main_start(body, main);
    let main = main_text;
    let pre = &body[..start.unwrap_or(0)];
    let head = &main[..floor_boundary(&main, HEAD_BYTES.min(main.len()))];
    find_text_dates(pre)
        .map(|(_, d)| d)
        .find(usable)
        .or_else(|| find_text_dates(head).map(|(_, d)| d).find(usable))
        .map(|d| Sourced::new(d, "html:page-text"))
}

/// Words that announce a publication date (never an update).
static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\p{L}])(?:veröffentlicht|erschienen|publiziert|published|posted|publié|pubblicato|publicado|datum|date)(?:\s+(?:am|on|le|il|el|em))?\s*:?\s*")
        .expect("valid cue regex")
});

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)|/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
        .expect("valid URL date regex")
});

/// The full date in a URL path (`/2017/11/18/`, `/2017-11-18-title`, `/20171118/`), if any.
pub fn url_date(url: &str) -> Option<NaiveDate> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let c = URL_DATE.captures(path)?;
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = if c.get(1).is_some() {
        (n(1)?, n(2)?, n(3)?)
    } else {
        (n(4)?, n(5)?, n(6)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const BODY: &str = "<article><h1>Storm closes the harbor</h1><p>The harbor was closed on Tuesday after the storm broke two moorings, the port authority said in a statement released in the morning.</p><p>Fishermen said they had never seen waves so high in the bay, and the ferry company cancelled every crossing until further notice.</p></article>";

    fn page(head: &str, url: Option<&str>) -> Page {
        let html = format!("<html><head><title>Storm closes the harbor</title>{head}</head><body><nav><a href='/'>Home</a></nav>{BODY}<footer>© Bay News</footer></body></html>");
        parse_page(html.as_bytes(), url).unwrap()
    }

    #[test]
    fn dates_in_order_of_trust() {
        let ld = r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2017-11-18T08:00:00Z","dateModified":"2017-11-20","publisher":{"name":"Bay News"}}</script>"#;
        let meta = r#"<meta property="article:published_time" content="2017-11-17T08:00:00+01:00"><meta property="article:modified_time" content="2017-11-21">"#;
        let p = page(&format!("{ld}{meta}"), None);
        assert_eq!(p.date, Some(Sourced::new(day(2017, 11, 18), "json-ld")));
        assert_eq!(
            p.outlet,
            Some(Sourced::new("Bay News".to_string(), "json-ld"))
        );
        let p = page(meta, None);
        assert_eq!(
            p.date,
            Some(Sourced::new(
                day(2017, 11, 17),
                "meta:article:published_time"
            ))
        );
        let p = page("", Some("https://www.baynews.example/2016/03/05/storm"));
        assert_eq!(p.date, None);
        assert_eq!(p.url_date, Some(Sourced::new(day(2016, 3, 5), "url")));
        assert_eq!(
            p.url_outlet.map(|o| o.value).as_deref(),
            Some("baynews.example")
        );
        let p = page(r#"<meta name="date" content="0001-01-01">"#, None);
        assert_eq!(p.date, None);
        assert!(p.warnings[0].contains("impossible"));
    }

    #[test]
    fn text_nodes_do_not_run_together() {
        let doc = Document::from("<body><ul><li><span>Datum:</span>26. Januar 2022</li><li><span>Jahr:</span>2022</li></ul></body>");
        let text = spaced_text(&doc);
        assert_eq!(text, "Datum: 26. Januar 2022 Jahr: 2022");
        assert_eq!(
            page_text_date(&text, None).map(|d| d.value),
            Some(day(2022, 1, 26))
        );
    }

    #[test]
    fn main_content_without_navigation_and_footer() {
        let p = page(r#"<meta property="og:site_name" content="Bay News">"#, None);
        let text = p.text.unwrap();
        assert!(
            text.contains("port authority") && text.contains("ferry company"),
            "{text}"
        );
        assert!(!text.contains("Home") && !text.contains("©"), "{text}");
        assert_eq!(
            p.outlet.map(|o| o.source).as_deref(),
            Some("meta:og:site_name")
        );
    }

    #[test]
    fn declared_latin1_that_is_utf8_and_undeclared_latin1() {
        let utf8 = "<html><head><meta charset=iso-8859-1></head><body><p>café</p></body></html>";
        assert!(decode_page(utf8.as_bytes()).unwrap().0.contains("café"));
        let mut latin1 = b"<html><head><meta charset=utf-8></head><body><p>caf".to_vec();
        latin1.extend_from_slice(
            b"\xe9 au lait, cr\xe8me br\xfbl\xe9e et na\xefvet\xe9</p></body></html>",
        );
        let (text, enc, transcoded) = decode_page(&latin1).unwrap();
        assert!(text.contains("café") && transcoded, "{enc}: {text}");
        let declared = b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'></head><body>caf\xe9</body></html>";
        assert_eq!(decode_page(declared).unwrap().1, "windows-1252");
    }

    #[test]
    fn utc_timestamps_take_the_central_european_day_on_those_domains() {
        let at = |v: &str| utc_timestamp(v).map(central_european_day);
        assert_eq!(at("2021-11-04T23:00Z"), Some(day(2021, 11, 5)));
        assert_eq!(at("2019-10-18T22:04:00Z"), Some(day(2019, 10, 19)));
        assert_eq!(at("2019-10-18T21:04:00+00:00"), Some(day(2019, 10, 18)));
        assert_eq!(at("2019-10-18T22:04:00+02:00"), None);
        assert_eq!(zone_of(Some("https://www.kas.de/x")), Zone::CentralEurope);
        assert_eq!(zone_of(Some("https://ktla.com/x")), Zone::Unknown);
        assert_eq!(
            meta_value_date("2021-11-04T23:00Z", Zone::Unknown),
            Some(day(2021, 11, 4))
        );
    }

    #[test]
    fn url_dates_and_domains() {
        assert_eq!(
            url_date("https://x.example/2017/11/18/title"),
            Some(day(2017, 11, 18))
        );
        assert_eq!(
            url_date("https://x.example/news/2017-11-18-title.html"),
            Some(day(2017, 11, 18))
        );
        assert_eq!(
            url_date("https://x.example/20171118/title"),
            Some(day(2017, 11, 18))
        );
        assert_eq!(
            url_date("https://x.example/2017/9/8/title"),
            Some(day(2017, 9, 8))
        );
        assert_eq!(url_date("https://x.example/2017/11/title"), None);
        assert_eq!(url_date("https://x.example/a?d=2017/11/18/"), None);
        assert_eq!(
            url_domain("https://WWW.Example.com:8080/a"),
            Some("example.com".into())
        );
    }
}
