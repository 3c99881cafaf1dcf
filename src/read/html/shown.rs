//! Dates the page shows its readers: in an element marked as the date, next to the headline,
//! after a publication cue, or at the head of the text; and the page text they are looked for in.

use crate::dates::{find_text_date_in, find_text_dates_in, plausible, SlashOrder};
use crate::model::Sourced;
use chrono::NaiveDate;
use dom_query::Document;
use regex::Regex;
use std::sync::LazyLock;

/// A date shown in an element whose class or id says it holds the publication date.
pub(super) fn date_element(
    doc: &Document,
    order: SlashOrder,
    author_elements: bool,
) -> Option<(Sourced<NaiveDate>, String)> {
    const MARKED: &str = "[class*='date'], [class*='Date'], [id*='date'], [class*='publish'], [class*='posted'], [class*='time'], [class*='byline'], [class*='meta']";
    let selector = if author_elements {
        format!("{MARKED}, [class*='author']")
    } else {
        MARKED.to_string()
    };
    for node in doc.select(&selector).nodes() {
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
        if text.len() > 200 || NOW.is_match(&text) {
            continue;
        }
        if let Some(d) = find_text_date_in(&text, order) {
            if plausible(d).is_ok() {
                return Some((Sourced::new(d, "html:date-element"), text));
            }
        }
    }
    None
}

/// Text that shows the time of the visit, not of the article ("Aktuelle Zeit: 14.10.2020",
/// phpBB's "It is currently …", "Heute ist …").
static NOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)aktuelle\s+zeit|current\s+time|it\s+is\s+currently|heute\s+ist|today\s+is|nous\s+sommes\s+le|heure\s+actuelle")
        .expect("valid now regex")
});

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
pub(super) fn in_aside(node: &dom_query::NodeRef) -> bool {
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
pub(super) fn near_heading_date(
    doc: &Document,
    order: SlashOrder,
    warnings: &mut Vec<String>,
) -> Option<Sourced<NaiveDate>> {
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
    let d = find_text_date_in(window, order)?;
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
pub(super) fn spaced_text(doc: &Document) -> String {
    doc.select("body")
        .nodes()
        .iter()
        .map(spaced_text_of)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A node's text with a space between its text nodes, whitespace collapsed.
pub(super) fn spaced_text_of(node: &dom_query::NodeRef) -> String {
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

pub(super) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bytes of main content that still count as the article's head (byline, dateline).
pub(super) const HEAD_BYTES: usize = 300;

/// Where the main content starts in the (collapsed) page text: its first paragraph's opening
/// words.
pub(super) fn main_start(body: &str, main: Option<&str>) -> Option<usize> {
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
/// am 01.11.2023", "Published: …", "Dieser Beitrag wurde am Samstag, 3. Dezember 2011 …
/// veröffentlicht", "Mise en ligne 23 mai 2019", "发布时间：…", "تاريخ النشر: …"; provenance
/// `html:cue`), else the first date in the page text before the main content starts (headers
/// and bylines), else in the first 300 bytes of the main content (`html:page-text`). Dates further
/// down are about something else. A cue whose sentence goes on to say the page was changed
/// ("… wurde am 29. Januar 2020 geändert") gives no date.
pub(super) fn page_text_date(
    body: &str,
    main: Option<&str>,
    order: SlashOrder,
) -> Option<Sourced<NaiveDate>> {
    let usable = |d: &NaiveDate| plausible(*d).is_ok();
    for c in CUE.find_iter(body) {
        let after = &body[c.end()..floor_boundary(body, (c.end() + 60).min(body.len()))];
        let Some((at, d)) = find_text_dates_in(after, order).next() else {
            continue;
        };
        // Right after the cue, or after one word such as a weekday ("am Samstag, 3. …").
        if !(at <= 3 || GAP_WORD.is_match(&after[..at])) || !usable(&d) {
            continue;
        }
        let tail = &body[c.end() + at..floor_boundary(body, (c.end() + at + 80).min(body.len()))];
        let sentence = tail.split(['.', '|', '!', '?']).take(3).collect::<String>();
        if UPDATE_WORD.is_match(&sentence) {
            continue;
        }
        return Some(Sourced::new(d, "html:cue"));
    }
    let main_text = collapse(main.unwrap_or(""));
    let start = main_start(body, main);
    let main = main_text;
    let pre = &body[..start.unwrap_or(0)];
    let head = &main[..floor_boundary(&main, HEAD_BYTES.min(main.len()))];
    find_text_dates_in(pre, order)
        .map(|(_, d)| d)
        .find(usable)
        .or_else(|| find_text_dates_in(head, order).map(|(_, d)| d).find(usable))
        .map(|d| Sourced::new(d, "html:page-text"))
}

/// Words that announce a publication date (never an update), in the languages of
/// `dates::text::MONTHS` and the scripts `dates` reads; German and English also in the
/// templates of blog footers ("Dieser Artikel wurde am …", "Gespeichert von NAME am …",
/// "Posted by NAME on …").
static CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[^\p{L}])(?:",
        r"veröffentlicht|erschienen|publiziert|erstellt|online\s+seit|wurde\s+(?:\p{L}+\s+)?am",
        r"|(?:gespeichert|geschrieben|verfasst|erstellt)\s+von\s+\S+(?:\s+\S+)?\s+am",
        r"|(?:posted|written|published|submitted)\s+by\s+\S+(?:\s+\S+)?\s+on",
        r"|published|posted|publié|mise?\s+en\s+ligne|pubblicato|publicado|publicada|gepubliceerd",
        r"|opublikowano|publikováno|publicat|julkaistu|publicerad|publiceret|yayınlanma\s+tarihi|yayınlandı",
        r"|diterbitkan|dipublikasikan|ngày\s+đăng|đăng\s+ngày|опубликовано|дата\s+публикации|опубліковано",
        r"|δημοσιεύθηκε|δημοσίευση|תאריך\s+פרסום|פורסם|تاريخ\s+النشر|نشر\s+(?:في|بتاريخ)|تاریخ\s+انتشار",
        r"|منتشر\s+شده|发布时间|發佈時間|发布日期|發布日期|发表时间|發表時間|发表于|發表於|公開日|投稿日|게시일|등록일",
        r"|เผยแพร่|โพสต์เมื่อ|datum|date",
        r")(?:\s+(?:am|on|le|il|el|em|op|в|في|در))?\s*[:：]?\s*",
    ))
    .expect("valid cue regex")
});

/// One word (a weekday) between a cue and its date: "am Samstag, 3. Dezember 2011".
static GAP_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\p{L}{2,12}\.?,?\s*$").expect("valid gap regex"));

/// Words that say a page was changed, not published.
static UPDATE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)geändert|aktualisiert|bearbeitet|updated|modified|edited|mis\s+à\s+jour|modifié",
    )
    .expect("valid update regex")
});

pub(super) fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A date the page's text says it was last changed on: "last edited 2019-11-10",
/// "This page was last edited on 29 January 2020", "Diese Seite wurde zuletzt am 29. Januar 2020
/// … geändert", "Aktualisiert: 30.12.2016", "Letzte Änderung: 14.01.2022", "Stand: 09.10.2017",
/// "Mis à jour le …" (provenance `modified:html:cue`). Offered only as a last resort, like the
/// markup's modification dates.
pub(super) fn modified_text_date(body: &str, order: SlashOrder) -> Option<Sourced<NaiveDate>> {
    MODIFIED_CUE.find_iter(body).find_map(|c| {
        let after = &body[c.end()..floor_boundary(body, (c.end() + 40).min(body.len()))];
        let (at, d) = find_text_dates_in(after, order).next()?;
        (at <= 3 && plausible(d).is_ok()).then(|| Sourced::new(d, "modified:html:cue"))
    })
}

/// The one date the page's text shows, when it shows exactly one (whatever the number of times);
/// none when it shows several: one of them would be a guess (provenance `html:only-date`).
pub(super) fn lone_text_date(body: &str, order: SlashOrder) -> Option<Sourced<NaiveDate>> {
    let mut dates = find_text_dates_in(body, order)
        .map(|(_, d)| d)
        .filter(|d| plausible(*d).is_ok());
    let first = dates.next()?;
    dates
        .all(|d| d == first)
        .then(|| Sourced::new(first, "html:only-date"))
}

/// Words that announce the date a page was last changed.
static MODIFIED_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:^|[^\p{L}])(?:",
        r"last\s+(?:edited|modified|updated|changed|revised)(?:\s+on)?",
        r"|(?:wurde\s+)?zuletzt\s+(?:am|geändert|bearbeitet|aktualisiert)(?:\s+am)?",
        r"|aktualisiert(?:\s+am)?|letzte\s+(?:änderung|aktualisierung)|stand",
        r"|mis\s+à\s+jour\s+le|modifié\s+le|dernière\s+mise\s+à\s+jour|actualizado(?:\s+el)?|aggiornato(?:\s+il)?",
        r")\s*[:：]?\s*",
    ))
    .expect("valid modified cue regex")
});
