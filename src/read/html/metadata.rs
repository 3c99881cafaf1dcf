//! Machine-readable metadata: JSON-LD (`datePublished`, publisher), meta tags, `itemprop`,
//! `<time datetime>`, and dates in script data. Modification dates are read apart
//! ([`modified_date`]), as a last resort.

use super::shown::in_aside;
use crate::dates::zone::{parse_timestamp, PageZone};
use crate::dates::{find_text_date, parse_loose, plausible};
use crate::model::Sourced;
use chrono::NaiveDate;
use dom_query::Document;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

pub(super) fn first_attr(doc: &Document, selectors: &[&str], attrs: &[&str]) -> Option<String> {
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
pub(super) fn json_ld(doc: &Document) -> Vec<Value> {
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

pub(super) fn jsonld_publisher(items: &[Value]) -> Option<String> {
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

/// Every `<meta>` tag's name (its `property`, `name`, `itemprop` or `http-equiv`, lowercase) and
/// `content`; read once per page, for [`metadata_date`] and [`modified_date`].
pub(super) fn meta_tags(doc: &Document) -> Vec<(String, String)> {
    doc.select("meta")
        .nodes()
        .iter()
        .filter_map(|node| {
            let key = ["property", "name", "itemprop", "http-equiv"]
                .iter()
                .find_map(|a| node.attr(a))?;
            let content = node.attr("content")?;
            Some((key.trim().to_ascii_lowercase(), content.to_string()))
        })
        .collect()
}

/// Parses a metadata date value (ISO, RFC 2822 or written out); a timestamp's day is taken in
/// the outlet's zone.
pub(super) fn meta_value_date(v: &str, zone: &PageZone) -> Option<NaiveDate> {
    if let Some(ts) = parse_timestamp(v) {
        return Some(zone.day(&ts));
    }
    parse_loose(v).or_else(|| find_text_date(v))
}

/// The date value an element carries: its `datetime`, `content` or `title` attribute, else its
/// text.
fn element_value(node: &dom_query::NodeRef) -> String {
    ["datetime", "content", "title"]
        .iter()
        .find_map(|a| node.attr(a))
        .map(|v| v.to_string())
        .unwrap_or_else(|| node.text().to_string())
}

/// The page's publication date from its markup: JSON-LD, then meta tags (`metas`, from
/// [`meta_tags`]) in order of trust, then `itemprop` and `<time>` elements.
pub(super) fn metadata_date(
    doc: &Document,
    metas: &[(String, String)],
    jsonld: &[Value],
    zone: &PageZone,
    shown_over_attribute: bool,
    warnings: &mut Vec<String>,
) -> Option<Sourced<NaiveDate>> {
    let shown_other_day = |node: &dom_query::NodeRef, d: NaiveDate| {
        shown_over_attribute
            .then(|| shown_other_day(node, d))
            .flatten()
    };
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
    let mut ranked: Vec<(usize, &str)> = Vec::new();
    for (key, content) in metas {
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
            ranked.push((rank, content));
        }
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    for (rank, content) in ranked {
        if let Some(d) = meta_value_date(content) {
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
        if let Some(d) = meta_value_date(&element_value(node)) {
            let (d, source) = match shown_other_day(node, d) {
                Some(s) => (s, "itemprop:text"),
                None => (d, "itemprop"),
            };
            if let Some(s) = accept(d, source) {
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
            let (d, source) = match shown_other_day(node, d) {
                Some(s) => (s, "time:text"),
                None => (d, "time"),
            };
            if let Some(s) = accept(d, source) {
                return Some(s);
            }
        }
    }
    None
}

/// The day an element with a machine-readable date shows its readers, when it is another day
/// than its attribute's: "Publié le 29 juin 2019" over a `datetime` of the day the page was last
/// saved, "26/12/2019" over a UTC timestamp that falls on the 27th in the outlet's zone. The
/// day readers see is the one they cite.
fn shown_other_day(node: &dom_query::NodeRef, attribute: NaiveDate) -> Option<NaiveDate> {
    find_text_date(&node.text()).filter(|s| *s != attribute && plausible(*s).is_ok())
}

static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:datePublished|publishedDate|published_at|publishDate|pubDate|publicationDate|createdAt|created_at|dateCreated)"\s*:\s*"([^"]{8,40})""#)
        .expect("valid script date regex")
});

/// A publication date in a page's script data (JSON state of JavaScript sites:
/// `"publishedDate": "…"`, `"published_at": "…"`), provenance `script`.
pub(super) fn script_date(html: &str, zone: &PageZone) -> Option<Sourced<NaiveDate>> {
    SCRIPT_DATE
        .captures_iter(html)
        .filter_map(|c| meta_value_date(c.get(1)?.as_str(), zone))
        .find(|d| plausible(*d).is_ok())
        .map(|d| Sourced::new(d, "script"))
}

/// Meta tag names (lowercase) that name the article's authors.
const META_AUTHORS: &[&str] = &[
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
];
/// Meta tag names (lowercase) that name the article's section.
const META_SECTIONS: &[&str] = &[
    "article:section",
    "og:article:section",
    "section",
    "parsely-section",
];
/// Meta tag names (lowercase) that hold the article's keywords (comma-separated).
const META_KEYWORDS: &[&str] = &["keywords", "news_keywords", "article:tag", "parsely-tags"];

/// The page's metadata (see `model::Meta`): `author` (meta tags, else the JSON-LD article's
/// `author`), `section` (meta tags, JSON-LD `articleSection`) and `keywords` (meta tags, JSON-LD
/// `keywords`). Profile links (`article:author` is often a URL) are not names.
pub(super) fn page_meta(
    doc: &Document,
    jsonld: &[Value],
    warnings: &mut Vec<String>,
) -> crate::model::Meta {
    use crate::read::record::{split_authors, MetaBuilder};
    let mut meta = MetaBuilder::default();
    let mut tags: Vec<(&str, String)> = Vec::new();
    for node in doc.select("meta").nodes() {
        let Some(name) = ["property", "name", "itemprop"]
            .iter()
            .find_map(|a| node.attr(a))
            .map(|k| k.trim().to_ascii_lowercase())
        else {
            continue;
        };
        let Some(content) = node.attr("content").map(|c| c.trim().to_string()) else {
            continue;
        };
        let key = if META_AUTHORS.contains(&name.as_str()) {
            crate::model::AUTHOR
        } else if META_SECTIONS.contains(&name.as_str()) {
            "section"
        } else if META_KEYWORDS.contains(&name.as_str()) {
            "keywords"
        } else {
            continue;
        };
        tags.push((key, content));
    }
    let article = jsonld.iter().find(|v| is_article(v));
    let ld = |field: &str| -> Vec<String> {
        let mut out = Vec::new();
        if let Some(v) = article.and_then(|a| a.get(field)) {
            ld_names(v, &mut out);
        }
        out
    };
    for (key, field) in [
        (crate::model::AUTHOR, "author"),
        ("section", "articleSection"),
        ("keywords", "keywords"),
    ] {
        if !tags.iter().any(|(k, _)| *k == key) {
            tags.extend(ld(field).into_iter().map(|v| (key, v)));
        }
    }
    for (key, content) in tags {
        if content.starts_with("http://") || content.starts_with("https://") {
            continue;
        }
        let values = match key {
            crate::model::AUTHOR => split_authors(&content),
            "keywords" => content.split(',').map(str::to_string).collect(),
            _ => vec![content],
        };
        for v in values {
            meta.push(key, v);
        }
    }
    meta.finish(warnings)
}

/// The names in a JSON-LD value: strings, `{"name": …}` objects, lists of those.
fn ld_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.trim().to_string()),
        Value::Object(m) => {
            if let Some(Value::String(s)) = m.get("name") {
                out.push(s.trim().to_string());
            }
        }
        Value::Array(a) => a.iter().take(64).for_each(|x| ld_names(x, out)),
        _ => {}
    }
}

/// Meta tag names (lowercase) that hold the date a page was last changed.
const META_MODIFIED: &[&str] = &[
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "modified_time",
    "datemodified",
    "last-modified",
    "lastmod",
    "dc.date.modified",
    "dcterms.modified",
    "revised",
];

/// The date the page says it was last changed: JSON-LD `dateModified` of the page's article,
/// meta tags such as `article:modified_time`, `itemprop="dateModified"` (provenance
/// `modified:json-ld`, `modified:meta:NAME`, `modified:itemprop`). Never a publication date:
/// the reader offers it only as a last resort (`DateRules::modified_when_nothing_else`).
pub(super) fn modified_date(
    doc: &Document,
    metas: &[(String, String)],
    jsonld: &[Value],
    zone: &PageZone,
) -> Option<Sourced<NaiveDate>> {
    let usable = |d: NaiveDate| plausible(d).ok();
    let from_ld = jsonld.iter().filter(|v| is_article(v)).find_map(|v| {
        let d = meta_value_date(v.get("dateModified")?.as_str()?, zone)?;
        usable(d).map(|d| Sourced::new(d, "modified:json-ld"))
    });
    from_ld
        .or_else(|| {
            let mut ranked: Vec<(usize, &str, &str)> = Vec::new();
            for (key, content) in metas {
                if let Some(rank) = META_MODIFIED.iter().position(|m| m == key) {
                    ranked.push((rank, META_MODIFIED[rank], content));
                }
            }
            ranked.sort_by_key(|(rank, _, _)| *rank);
            ranked.into_iter().find_map(|(_, name, content)| {
                let d = usable(meta_value_date(content, zone)?)?;
                Some(Sourced::new(d, format!("modified:meta:{name}")))
            })
        })
        .or_else(|| {
            doc.select("[itemprop='dateModified']")
                .nodes()
                .iter()
                .find_map(|node| {
                    let d = usable(meta_value_date(&element_value(node), zone)?)?;
                    Some(Sourced::new(d, "modified:itemprop"))
                })
        })
}
