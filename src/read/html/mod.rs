//! The HTML reader: one article per saved web page.
//!
//! Owns decoding a page ([`charset`]), main-content extraction (`dom_smoothie`, a readability.js
//! port: navigation, share bars, related links, comments and footers dropped), the page's language
//! ([`lang`]), and the page's metadata ([`metadata`], [`shown`], [`url`]), each with its
//! provenance:
//!
//! * title: the page's title as readability cleans it (`html:title`);
//! * outlet: `og:site_name` (`meta:og:site_name`), JSON-LD publisher (`json-ld`), else the URL's
//!   domain (`url`);
//! * publication date, in order of trust: JSON-LD `datePublished` (`json-ld`), meta tags such as
//!   `article:published_time` (`meta:NAME`), `itemprop="datePublished"` (`itemprop`),
//!   `<time datetime>` (`time`), a date in an element whose class or id says it is the
//!   publication date (`html:date-element`); then, in the pipeline, a dateline in the text; then
//!   the URL path (`/2017/11/18/`, `fallback_date`, provenance `url`); and last, for a page that
//!   gives no publication date at all, its last resorts ([`Page::last_resort`]): the date in its
//!   preview image's URL (`url:image`), the day it says it was last changed (`modified:…`), the
//!   one date it shows when it shows exactly one (`html:only-date`).
//!
//! An element whose visible text shows another day than its `datetime` gives the shown day
//! (`time:text`, `itemprop:text`). Modification dates (`article:modified_time`, `dateModified`,
//! "last edited …") are taken only as a last resort, with their own provenance, so a
//! researcher can tell them apart (`export`'s `date_source`). A generic date tag that does not
//! say which date it holds (`<meta name="date">`, `dc.date`) yields to another day shown in the
//! article's head. Each of these choices is a [`DateRules`] flag. A timestamp's
//! day is taken in the outlet's own zone (`dates::zone`): the page's own offset, else its
//! country-code domain's zone, else (when [`DateRules::zone_by_language`]) its language's.

pub mod charset;
pub mod lang;
pub mod metadata;
pub mod shown;
pub mod url;

pub use charset::{decode_page, decode_page_hinted};
pub use url::{archived_url, url_date, url_domain};

use super::{slurp, Input, Items, RawArticle, ReadOptions, Reader, Skip};
use crate::dates::zone::{page_offset, zone_for, PageZone};
use crate::dates::{find_text_dates, SlashOrder};
use crate::model::Sourced;
use chrono::NaiveDate;
use dom_query::Document;
use metadata::{first_attr, json_ld, jsonld_publisher, metadata_date, script_date};
use shown::{date_element, main_start, near_heading_date, page_text_date, spaced_text, HEAD_BYTES};

/// Choices in how a page's date is found that `morgue eval dates --folds K` cross-validates
/// (`eval::dates`: on K−1 folds each rule is kept only if turning it off loses pages, and the
/// rules kept are scored on the held-out fold); [`DateRules::default`] (all on) is what ingest
/// uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRules {
    /// Take a UTC timestamp's day in the zone of the page's language when its domain names no
    /// country (`.com` pages in Japanese are on Tokyo time).
    pub zone_by_language: bool,
    /// A date one day off the URL's date is a time-zone shift: take the URL's day.
    pub url_breaks_one_day_ties: bool,
    /// A page that gives no publication date anywhere (markup, shown dates, its text's
    /// dateline, its URL) is dated by the day it says it was last changed, with a `modified:`
    /// provenance: an upper bound, never earlier than the publication.
    pub modified_when_nothing_else: bool,
    /// An element with a machine-readable date (`<time datetime>`, `itemprop`) that shows its
    /// readers another whole day: the shown day wins (provenance `time:text`, `itemprop:text`).
    pub shown_over_attribute: bool,
    /// All-numeric slashed dates are read: those with one reading (`26/12/2019`), and the others
    /// in the order of the page's declared locale (`lang::slash_order`).
    pub slashed_dates: bool,
    /// Elements whose class says author (`<div class="author">Author: X am 29.12.2010`) are
    /// searched for the shown date like date and byline elements.
    pub author_elements: bool,
    /// Day-first URL dates (`/meldungen/29-10-2021`).
    pub day_first_urls: bool,
    /// A generic metadata date (`<meta name="date">`, `dc.date`, `dcterms.date`, `datecreated`,
    /// script data: tags that do not say which date they hold) yields to another day shown in the
    /// article's head.
    pub shown_over_weak_metadata: bool,
    /// A page that gives no publication date, no URL date and no modification date is dated by
    /// the date in the path of its own preview image (`og:image` `…/files/2016/05/04/…`,
    /// provenance `url:image`): the day the picture was uploaded for it.
    pub image_url_dates: bool,
    /// A page that gives no date by any other rule is dated by the one date its text shows, when
    /// it shows exactly one (provenance `html:only-date`); with several, it stays undated.
    pub lone_text_date: bool,
}

impl Default for DateRules {
    fn default() -> Self {
        DateRules::from_flags(&[true; DateRules::NAMES.len()])
    }
}

impl std::fmt::Display for DateRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let flags = self.flags();
        let on: Vec<&str> = DateRules::NAMES
            .iter()
            .zip(flags)
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect();
        if on.is_empty() {
            write!(f, "none")
        } else {
            write!(f, "{}", on.join(" "))
        }
    }
}

impl DateRules {
    /// The choices' names, in the order of [`DateRules::flags`].
    pub const NAMES: [&'static str; 10] = [
        "zone_by_language",
        "url_breaks_one_day_ties",
        "modified_when_nothing_else",
        "shown_over_attribute",
        "slashed_dates",
        "author_elements",
        "day_first_urls",
        "shown_over_weak_metadata",
        "image_url_dates",
        "lone_text_date",
    ];

    /// The choices as booleans, in the order of [`DateRules::NAMES`].
    pub fn flags(&self) -> [bool; 10] {
        [
            self.zone_by_language,
            self.url_breaks_one_day_ties,
            self.modified_when_nothing_else,
            self.shown_over_attribute,
            self.slashed_dates,
            self.author_elements,
            self.day_first_urls,
            self.shown_over_weak_metadata,
            self.image_url_dates,
            self.lone_text_date,
        ]
    }

    fn from_flags(f: &[bool; 10]) -> Self {
        DateRules {
            zone_by_language: f[0],
            url_breaks_one_day_ties: f[1],
            modified_when_nothing_else: f[2],
            shown_over_attribute: f[3],
            slashed_dates: f[4],
            author_elements: f[5],
            day_first_urls: f[6],
            shown_over_weak_metadata: f[7],
            image_url_dates: f[8],
            lone_text_date: f[9],
        }
    }

    /// These rules with rule `i` (of [`DateRules::NAMES`]) turned on or off.
    #[must_use]
    pub fn with(self, i: usize, on: bool) -> Self {
        let mut f = self.flags();
        if let Some(flag) = f.get_mut(i) {
            *flag = on;
        }
        DateRules::from_flags(&f)
    }
}

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
    /// A date offered only when nothing else dates the page (after the URL's date): its preview
    /// image's URL date, the day it says it was last changed, or the one date its text shows
    /// ([`DateRules::image_url_dates`], [`DateRules::modified_when_nothing_else`],
    /// [`DateRules::lone_text_date`]).
    pub last_resort: Option<Sourced<NaiveDate>>,
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
    /// The page's language (`de`, `en`…) from its markup, else its script (`und-Arab`…).
    pub language: Option<String>,
    /// Author, section and keywords from meta tags and JSON-LD (see `model::Meta`).
    pub meta: crate::model::Meta,
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
            fallback_date: self.url_date.or(self.last_resort),
            outlet: self.outlet.or(self.url_outlet),
            crawled: None,
            warnings: self.warnings,
            meta: self.meta,
        })
    }
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
    parse_page_with(bytes, url, charset, &DateRules::default())
}

/// [`parse_page_hinted`] with other [`DateRules`] (evaluation).
///
/// # Errors
/// Only when the bytes cannot be decoded (empty, binary).
pub fn parse_page_with(
    bytes: &[u8],
    url: Option<&str>,
    charset: Option<&str>,
    rules: &DateRules,
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
    let original = page.url.as_deref().map(|u| archived_url(u).unwrap_or(u));
    let host = original.and_then(url_domain);
    let language_tag = lang::declared_tag(&doc);
    let markup_language = language_tag
        .as_deref()
        .map(|t| lang::primary(t).to_string());
    let zone = PageZone {
        offset: page_offset(&html),
        zone: zone_for(
            host.as_deref(),
            markup_language.as_deref(),
            rules.zone_by_language,
        ),
    };
    let metas = metadata::meta_tags(&doc);
    let machine = metadata_date(
        &doc,
        &metas,
        &jsonld,
        &zone,
        rules.shown_over_attribute,
        &mut page.warnings,
    )
    .or_else(|| script_date(&html, &zone));
    page.outlet = first_attr(&doc, &["meta[property='og:site_name']"], &["content"])
        .map(|s| Sourced::new(s, "meta:og:site_name"))
        .or_else(|| jsonld_publisher(&jsonld).map(|s| Sourced::new(s, "json-ld")));
    page.meta = metadata::page_meta(&doc, &jsonld, &mut page.warnings);
    if let Some(u) = &page.url {
        // A web-archive copy: the original URL names the outlet and may hold the date; the
        // capture time is a crawl date.
        let original = archived_url(u).unwrap_or(u);
        page.url_date =
            url::url_date_with(original, rules.day_first_urls).map(|d| Sourced::new(d, "url"));
        page.url_outlet = url_domain(original).map(|d| Sourced::new(d, "url"));
    }
    // Scripts, styles, and the Wayback Machine's toolbar (its dates are capture dates).
    doc.select("script, style, noscript, template, #wm-ipp-base, #wm-ipp, #donato")
        .remove();
    // Last resorts, for a page nothing else dates: only when its markup and URL give no date
    // (the text's scan the whole page), the markup's before readability takes it.
    let undated = machine.is_none() && page.url_date.is_none();
    let image = first_attr(
        &doc,
        &[
            "meta[property='og:image']",
            "meta[name='twitter:image']",
            "link[rel='image_src']",
        ],
        &["content", "href"],
    )
    .filter(|_| undated && rules.image_url_dates)
    .and_then(|u| url::url_date_with(&u, rules.day_first_urls))
    .map(|d| Sourced::new(d, "url:image"));
    let modified = (undated && rules.modified_when_nothing_else)
        .then(|| metadata::modified_date(&doc, &metas, &jsonld, &zone))
        .flatten();
    let order = if rules.slashed_dates {
        lang::slash_order(language_tag.as_deref())
    } else {
        SlashOrder::Never
    };
    let element = date_element(&doc, order, rules.author_elements);
    let near = near_heading_date(&doc, order, &mut page.warnings);
    let body_text = spaced_text(&doc);
    page.language = markup_language.or_else(|| lang::by_script(&body_text));
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..dom_smoothie::Config::default()
    };
    let abs_url = page.url.as_deref().filter(|u| u.starts_with("http"));
    if let Ok(mut r) = dom_smoothie::Readability::with_document(doc, abs_url, Some(cfg)) {
        if let Ok(article) = r.parse() {
            let text = article.text_content.to_string();
            if word_count(&text) >= MIN_MAIN_WORDS {
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
            page_text_date(&body_text, page.text.as_deref(), order)
                .map(|d| (d.source != "html:cue", d))
        }),
    };
    let url_date = page
        .url_date
        .as_ref()
        .filter(|_| rules.url_breaks_one_day_ties);
    page.date = choose_date(machine, shown, &body_text, url_date, rules);
    if undated {
        page.last_resort = image
            .or(modified)
            .or_else(|| {
                rules
                    .modified_when_nothing_else
                    .then(|| shown::modified_text_date(&body_text, order))
                    .flatten()
            })
            .or_else(|| {
                rules
                    .lone_text_date
                    .then(|| shown::lone_text_date(&body_text, order))
                    .flatten()
            });
    }
    Ok(page)
}

/// Words in `text`: whitespace-separated tokens, where each Chinese, Japanese or Korean character
/// counts as a word (those scripts do not put spaces between words).
fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|token| {
            let cjk = token
                .chars()
                .filter(|c| {
                    matches!(*c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF)
                })
                .count();
            cjk.max(1)
        })
        .sum()
}

/// Reconciles the machine-readable date with the one the page shows readers.
///
/// The machine-readable one wins, unless the page's text never shows it while it shows another
/// (stale CMS values, republished pieces: the date readers see is the one they cite), or it comes
/// from a generic tag that does not say which date it is (`<meta name="date">`, `dc.date`, script
/// data) while the article's head shows another ([`DateRules::shown_over_weak_metadata`]). A date one
/// day off the URL's date is a time-zone shift (markup often says UTC): the URL carries the
/// newsroom's own day.
fn choose_date(
    machine: Option<Sourced<NaiveDate>>,
    shown: Option<(bool, Sourced<NaiveDate>)>,
    body_text: &str,
    url: Option<&Sourced<NaiveDate>>,
    rules: &DateRules,
) -> Option<Sourced<NaiveDate>> {
    // Generic date tags and script data do not say which date they hold (publication,
    // creation, indexing).
    let weak = |m: &Sourced<NaiveDate>| {
        rules.shown_over_weak_metadata
            && matches!(
                m.source.as_str(),
                "meta:date"
                    | "meta:dc.date"
                    | "meta:dcterms.date"
                    | "meta:datecreated"
                    | "meta:created"
                    | "script"
            )
    };
    let date = match (machine, shown) {
        (Some(m), Some((true, s))) if weak(&m) && s.value != m.value => Some(Sourced::new(
            s.value,
            format!("{} (over {})", s.source, m.source),
        )),
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
            page_text_date(&text, None, SlashOrder::Unknown).map(|d| d.value),
            Some(day(2022, 1, 26))
        );
    }

    #[test]
    fn publication_cues_in_footers_and_other_languages() {
        let cue = |text: &str| {
            page_text_date(text, None, SlashOrder::Unknown).map(|d| (d.value, d.source))
        };
        let at = |y, m, d| Some((day(y, m, d), "html:cue".to_string()));
        assert_eq!(
            cue("Tags: SCADA Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 10:00 Uhr veröffentlicht"),
            at(2011, 12, 3)
        );
        assert_eq!(
            cue("Gespeichert von rasos am 24. Juli 2017 - 18:55"),
            at(2017, 7, 24)
        );
        assert_eq!(
            cue("Mise en ligne 23 mai 2019 Durée 12 min"),
            at(2019, 5, 23)
        );
        assert_eq!(cue("Erstellt am: 30.01.2022 18:36 / sk"), at(2022, 1, 30));
        assert_eq!(cue("تاريخ النشر: ٢١ شوال ١٤٤٠ هـ"), at(2019, 6, 24));
        assert_eq!(cue("发布时间：2019年06月24日 10:30"), at(2019, 6, 24));
        // A cue whose sentence says the page was changed gives no date.
        assert_eq!(
            cue("Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert."),
            None
        );
    }

    #[test]
    fn the_visit_time_is_not_a_date_element() {
        let doc = Document::from(
            "<body><p class='time'>Aktuelle Zeit: 14.10.2020, 12:18</p><p>Post</p></body>",
        );
        assert_eq!(date_element(&doc, SlashOrder::Unknown, true), None);
        let doc = Document::from("<body><p class='time'>Am 14.10.2020, 12:18</p></body>");
        assert_eq!(
            date_element(&doc, SlashOrder::Unknown, true).map(|(d, _)| d.value),
            Some(day(2020, 10, 14))
        );
    }

    #[test]
    fn an_author_line_is_searched_for_the_date_when_the_rule_is_on() {
        let doc = Document::from(
            "<body><div class='left author'>Author: <b>Bo2man</b> am 29.12.2010, 13:36 Uhr</div></body>",
        );
        assert_eq!(
            date_element(&doc, SlashOrder::Unknown, true).map(|(d, _)| d.value),
            Some(day(2010, 12, 29))
        );
        assert_eq!(date_element(&doc, SlashOrder::Unknown, false), None);
    }

    #[test]
    fn the_day_an_element_shows_wins_over_its_attribute() {
        let rules = |shown_over_attribute| DateRules {
            shown_over_attribute,
            ..DateRules::default()
        };
        let html = "<html lang='fr'><body><article><h1>Le port</h1><time datetime='2019-07-03T10:18:46Z'>Publié le 29 juin 2019</time><p>La capitainerie a fermé le port samedi soir après que la tempête a rompu deux amarres.</p></article></body></html>";
        let p = parse_page_with(html.as_bytes(), None, None, &rules(true)).unwrap();
        assert_eq!(p.date, Some(Sourced::new(day(2019, 6, 29), "time:text")));
        let p = parse_page_with(html.as_bytes(), None, None, &rules(false)).unwrap();
        assert_eq!(p.date, Some(Sourced::new(day(2019, 7, 3), "time")));
        // A UTC timestamp late in the evening falls on the next day in Zurich; the page shows
        // the day its newsroom wrote.
        let html = "<html lang='de'><body><article><h1>Talente</h1><time class='entry-date published' datetime='2019-12-26T23:07:45+00:00' itemprop='datePublished'>26/12/2019</time><p>Der Verein hat am Wochenende den neuen Steg im Hafen eingeweiht, alle Mitglieder sind eingeladen.</p></article></body></html>";
        let p = parse_page_with(
            html.as_bytes(),
            Some("https://www.talent.ch/?p=1"),
            None,
            &rules(true),
        )
        .unwrap();
        assert_eq!(
            p.date,
            Some(Sourced::new(day(2019, 12, 26), "itemprop:text"))
        );
        // The same day shown: the attribute's provenance stays.
        let html = "<html><body><article><h1>Port</h1><time datetime='2019-07-03'>3 July 2019</time><p>The harbor was closed on Friday evening after the storm broke two moorings, the port authority said.</p></article></body></html>";
        let p = parse_page_with(html.as_bytes(), None, None, &rules(true)).unwrap();
        assert_eq!(p.date, Some(Sourced::new(day(2019, 7, 3), "time")));
    }

    #[test]
    fn a_modification_date_only_when_nothing_else_dates_the_page() {
        let rules = |modified_when_nothing_else| DateRules {
            modified_when_nothing_else,
            ..DateRules::default()
        };
        let modified =
            r#"<meta property="article:modified_time" content="2019-03-02T10:00:00+01:00">"#;
        let html = format!("<html><head>{modified}</head><body>{BODY}</body></html>");
        let p = parse_page_with(html.as_bytes(), None, None, &rules(true)).unwrap();
        assert_eq!(p.date, None);
        let want = Sourced::new(day(2019, 3, 2), "modified:meta:article:modified_time");
        assert_eq!(p.last_resort, Some(want.clone()));
        assert_eq!(p.into_article("p.html").unwrap().fallback_date, Some(want));
        let p = parse_page_with(html.as_bytes(), None, None, &rules(false)).unwrap();
        assert_eq!(p.last_resort, None);
        // The URL's date comes first.
        let url = "https://bay.example/2019/02/27/storm";
        let p = parse_page_with(html.as_bytes(), Some(url), None, &rules(true)).unwrap();
        let fallback = p.into_article("p.html").unwrap().fallback_date;
        assert_eq!(fallback.map(|d| d.source).as_deref(), Some("url"));
        // A page's footer saying when it was last changed.
        for (footer, want) in [
            (
                "BeginnersGuide/Download (last edited 2019-11-10 13:28:18 by Mats)",
                day(2019, 11, 10),
            ),
            (
                "Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.",
                day(2020, 1, 29),
            ),
            ("Aktualisiert: 30.12.2016", day(2016, 12, 30)),
            ("Letzte Änderung: 14.01.2022 um 09:25", day(2022, 1, 14)),
        ] {
            let html = format!("<html><body>{BODY}<footer>{footer}</footer></body></html>");
            let p = parse_page_with(html.as_bytes(), None, None, &rules(true)).unwrap();
            assert_eq!(
                p.last_resort.map(|d| (d.value, d.source)),
                Some((want, "modified:html:cue".to_string())),
                "{footer}"
            );
        }
        // A modification date in a sentence about something else is not one.
        let html = format!(
            "<html><body>{BODY}<footer>The law was last updated in 2019.</footer></body></html>"
        );
        let p = parse_page_with(html.as_bytes(), None, None, &rules(true)).unwrap();
        assert_eq!(p.last_resort, None);
    }

    #[test]
    fn last_resorts_an_image_s_url_then_the_only_date_shown() {
        let rules = |image_url_dates, lone_text_date| DateRules {
            image_url_dates,
            lone_text_date,
            ..DateRules::default()
        };
        let image = r#"<meta property="og:image" content="https://bay.example/files/2016/05/04/report.png">"#;
        let html = format!("<html><head>{image}</head><body>{BODY}</body></html>");
        let p = parse_page_with(html.as_bytes(), None, None, &rules(true, true)).unwrap();
        assert_eq!(p.date, None);
        assert_eq!(
            p.last_resort,
            Some(Sourced::new(day(2016, 5, 4), "url:image"))
        );
        let p = parse_page_with(html.as_bytes(), None, None, &rules(false, true)).unwrap();
        assert_eq!(p.last_resort, None);
        // One date shown, however often: taken. Two different ones: none (a guess).
        let one = format!(
            "<html><body>{BODY}<h5>23.01.2019</h5><p>Ausgabe vom 23.01.2019</p></body></html>"
        );
        let p = parse_page_with(one.as_bytes(), None, None, &rules(true, true)).unwrap();
        assert_eq!(
            p.last_resort,
            Some(Sourced::new(day(2019, 1, 23), "html:only-date"))
        );
        let p = parse_page_with(one.as_bytes(), None, None, &rules(true, false)).unwrap();
        assert_eq!(p.last_resort, None);
        let two = one.replace("Ausgabe vom 23.01.2019", "Ausgabe vom 16.01.2019");
        let p = parse_page_with(two.as_bytes(), None, None, &rules(true, true)).unwrap();
        assert_eq!(p.last_resort, None);
        // The page's own publication date comes first.
        let dated = format!("<html><head><meta property='article:published_time' content='2019-01-20'>{image}</head><body>{BODY}</body></html>");
        let p = parse_page_with(dated.as_bytes(), None, None, &rules(true, true)).unwrap();
        assert_eq!(p.date.as_ref().map(|d| d.value), Some(day(2019, 1, 20)));
        let article = p.into_article("p.html").unwrap();
        assert_eq!(article.date.map(|d| d.value), Some(day(2019, 1, 20)));
    }

    #[test]
    fn a_generic_date_tag_yields_to_the_day_the_head_shows() {
        let rules = |shown_over_weak_metadata| DateRules {
            shown_over_weak_metadata,
            ..DateRules::default()
        };
        let article = |meta: &str| {
            format!("<html lang='de'><head>{meta}</head><body><article><h1>Mietenstreik in den USA</h1><ul class='Infoline'><li class='Author'>Von Moritz Wichmann</li><li class='Date'><time>29.04.2020, 12:01 Uhr</time></li></ul><p>Viele Mieter in den USA haben kein Geld mehr, um die Miete zu zahlen, und warnen ihre Vermieter vor einem Streik im Mai.</p></article></body></html>")
        };
        let generic = article(r#"<meta name="date" content="2020-04-30">"#);
        let p = parse_page_with(generic.as_bytes(), None, None, &rules(true)).unwrap();
        let want = "html:date-element (over meta:date)";
        assert_eq!(p.date, Some(Sourced::new(day(2020, 4, 29), want)));
        let p = parse_page_with(generic.as_bytes(), None, None, &rules(false)).unwrap();
        assert_eq!(p.date, Some(Sourced::new(day(2020, 4, 30), "meta:date")));
        // A tag that says it holds the publication date keeps its one-day-off day.
        let named = article(r#"<meta property="article:published_time" content="2020-04-30">"#);
        let p = parse_page_with(named.as_bytes(), None, None, &rules(true)).unwrap();
        let want = "meta:article:published_time";
        assert_eq!(p.date, Some(Sourced::new(day(2020, 4, 30), want)));
    }

    #[test]
    fn slashed_dates_follow_the_declared_locale() {
        let order =
            |html: &str| lang::slash_order(lang::declared_tag(&Document::from(html)).as_deref());
        assert_eq!(
            order("<html xml:lang='en-GB'></html>"),
            SlashOrder::DayFirst
        );
        assert_eq!(order("<html lang='en-US'></html>"), SlashOrder::MonthFirst);
        assert_eq!(order("<html lang='en'></html>"), SlashOrder::Unknown);
        assert_eq!(order("<html lang='en-CA'></html>"), SlashOrder::Unknown);
        assert_eq!(order("<html lang='ja'></html>"), SlashOrder::Unknown);
        assert_eq!(order("<html lang='zh-CN'></html>"), SlashOrder::Unknown);
        assert_eq!(order("<html lang='de-DE'></html>"), SlashOrder::DayFirst);
        assert_eq!(
            order("<html><head><meta property='og:locale' content='fr_CA'></head></html>"),
            SlashOrder::DayFirst
        );
        assert_eq!(order("<html></html>"), SlashOrder::Unknown);
        let html = "<html xml:lang='en-GB'><body><article><h1>Storm shuts the harbour</h1><span class='time'>02/10/2020</span><p>The harbour was closed on Friday evening after the storm broke two moorings, the port authority said.</p></article></body></html>";
        let p = parse_page(html.as_bytes(), None).unwrap();
        assert_eq!(p.date.map(|d| d.value), Some(day(2020, 10, 2)));
        let p = parse_page(html.replace("en-GB", "en").as_bytes(), None).unwrap();
        assert_eq!(p.date, None);
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
    fn utc_timestamps_take_the_outlet_day() {
        let utc = r#"<meta property="article:published_time" content="2019-10-18T22:04:00Z">"#;
        let day_of = |head: &str, url: &str| page(head, Some(url)).date.map(|d| d.value);
        // A German domain: Berlin's day.
        assert_eq!(day_of(utc, "https://www.kas.de/x"), Some(day(2019, 10, 19)));
        // No country, no language: UTC's day.
        assert_eq!(day_of(utc, "https://ktla.com/x"), Some(day(2019, 10, 18)));
        // The page's own offset, from another of its timestamps, wins over the domain's zone.
        let own = format!(
            r#"{utc}<meta property="article:modified_time" content="2019-10-19T08:00:00-04:00">"#
        );
        assert_eq!(
            day_of(&own, "https://www.kas.de/x"),
            Some(day(2019, 10, 18))
        );
    }

    #[test]
    fn chinese_and_japanese_characters_count_as_words() {
        assert_eq!(word_count("港湾当局は 火曜日 two words"), 10);
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
        assert_eq!(
            url_date("https://weisser-ring.example/meldungen/29-10-2021"),
            Some(day(2021, 10, 29))
        );
        assert_eq!(
            url::url_date_with("https://weisser-ring.example/meldungen/29-10-2021", false),
            None
        );
        assert_eq!(url_date("https://x.example/items/10-13-2021"), None);
        assert_eq!(url_date("https://x.example/a?d=2017/11/18/"), None);
        assert_eq!(
            url_domain("https://WWW.Example.com:8080/a"),
            Some("example.com".into())
        );
    }
}
