//! Recognizing the outlet that *signs* an article.
//!
//! Scraped blog posts often end (or start) with a signature line naming the
//! outlet that published or republished them: "This piece was reprinted by
//! RINF Alternative News with permission or license.", "This article (…) was
//! written exclusively for The TV's Leaking …", "© 2016 Foo Media", "Source:
//! Reuters", "Follow us on Twitter: @TVsLeaking".
//!
//! This module owns recognizing those signature lines, and only those: it
//! never guesses an outlet from prose mentions of other outlets ("a Der
//! Spiegel report", "According to the Los Angeles Times") or from photo
//! credits ("Reuters / FBI / Handout via Reuters"). Every signature form is
//! anchored at the start of a short line (fewer than 60 words).
//!
//! The recognized forms live in one table (`RULES`), one row per form:
//! signature name, priority, anchored case-insensitive pattern with a `name`
//! group, and how to clean the captured name. Adding a form means adding a
//! row.

use std::ops::Range;
use std::sync::OnceLock;

/// An outlet name as the index keeps it: trimmed (inner whitespace runs as one space), and a
/// URL or host name (`http://www.addictinginfo.org`, `news.bbc.co.uk`) as its registrable
/// domain under the Public Suffix List (`addictinginfo.org`, `bbc.co.uk`; the `psl` crate), so
/// every spelling of a site's address is one outlet. A name that is not an address (it has
/// spaces, or no known public suffix) is only trimmed.
pub fn normalize_outlet(name: &str) -> String {
    let trimmed = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let is_url = trimmed.contains("://");
    let looks_like_host = !trimmed.contains(' ')
        && trimmed.contains('.')
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | ':'));
    if !(is_url || looks_like_host) {
        return trimmed;
    }
    let Some(host) = crate::read::html::url_domain(&trimmed) else {
        return trimmed;
    };
    match psl::domain(host.as_bytes()) {
        Some(d) if d.suffix().is_known() => {
            String::from_utf8(d.as_bytes().to_vec()).unwrap_or(trimmed)
        }
        _ => trimmed,
    }
}

use regex::Regex;

/// An outlet named by a signature line in the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundOutlet {
    /// Display name, trimmed, e.g. "RINF Alternative News".
    pub name: String,
    /// Which signature matched: "reprinted_by", "originally_published",
    /// "written_for", "open_source_attribution", "copyright", "source_line"
    /// or "twitter_handle".
    pub signature: &'static str,
    /// Byte range of the matched line in the input (the line without its
    /// line break and surrounding whitespace).
    pub line: Range<usize>,
    /// The title the signature gives the text it signs, when it names one: "This article (The
    /// U.S. Has A Special Relationship With ISIS) was written exclusively for …".
    pub title: Option<String>,
}

/// Lines with this many words or more are prose, never signatures.
const MAX_LINE_WORDS: usize = 60;
/// Lines among the first `HEAD_LINES` non-blank lines are preferred.
const HEAD_LINES: usize = 5;
/// Lines among the last `TAIL_LINES` non-blank lines are preferred.
const TAIL_LINES: usize = 10;
/// Names longer than this many words are sentence fragments, not outlets.
const MAX_NAME_WORDS: usize = 10;

/// How the captured `name` group of a rule is turned into a display name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cleaner {
    /// Name followed by the rest of a sentence: cut at " with ", " and ",
    /// ", ", sentence end, a date, …
    Prose,
    /// Copyright notice: drop years, "©", "All rights reserved", ….
    Copyright,
    /// A whole short line ("Source: X"): at most [`SOURCE_MAX_WORDS`] words.
    Short,
    /// A Twitter handle, already captured without the "@".
    Handle,
}

/// "Source: X" lines with more words than this after the colon are prose.
const SOURCE_MAX_WORDS: usize = 6;

/// One recognized signature form.
struct Rule {
    /// Value reported in [`FoundOutlet::signature`].
    signature: &'static str,
    /// Higher wins when several lines match.
    priority: u8,
    /// Case-insensitive pattern, anchored at the start of the (trimmed,
    /// de-bulleted) line, with a `name` capture group.
    pattern: &'static str,
    /// How to clean the captured name.
    cleaner: Cleaner,
}

/// What a signature sentence calls the text it is attached to.
macro_rules! kind {
    () => {
        r"(?:this|the above|the preceding) (?:piece|article|story|post|blog post|essay|report|op-ed|column|commentary|interview|analysis)(?: \((?P<title>[^()]*)\))?"
    };
}

/// The signature table. Priorities: 3 = explicit (re)publication statement,
/// 2 = copyright notice, 1 = "Source:" line, 0 = Twitter handle.
const RULES: &[Rule] = &[
    Rule {
        signature: "written_for",
        priority: 3,
        pattern: concat!(
            "^",
            kind!(),
            r" (?:was|is|has been) (?:originally )?(?:written|produced|prepared|created)(?: exclusively| specifically| especially| originally)? for (?P<name>.+)"
        ),
        cleaner: Cleaner::Prose,
    },
    Rule {
        signature: "reprinted_by",
        priority: 3,
        pattern: concat!(
            "^",
            kind!(),
            r" (?:was|is|has been) (?:re-?printed|reproduced|cross-?posted)(?: here)? (?:with (?:the )?permission (?:of|from)|by permission of|courtesy of|by|from|on|at|in) (?P<name>.+)"
        ),
        cleaner: Cleaner::Prose,
    },
    Rule {
        signature: "reprinted_by",
        priority: 3,
        pattern: r"^(?:re-?printed|reproduced|cross-?posted)(?: here)? (?:with (?:the )?permission (?:of|from)|by permission of|courtesy of|by|from) (?P<name>.+)",
        cleaner: Cleaner::Prose,
    },
    Rule {
        signature: "originally_published",
        priority: 3,
        pattern: concat!(
            "^",
            kind!(),
            r" (?:was|is|has been) (?:originally |first )?(?:(?:re-?)?published|posted) (?:by|on|at|in) (?P<name>.+)"
        ),
        cleaner: Cleaner::Prose,
    },
    Rule {
        signature: "originally_published",
        priority: 3,
        pattern: r"^(?:originally|first) (?:published|posted) (?:by|on|at|in) (?P<name>.+)",
        cleaner: Cleaner::Prose,
    },
    Rule {
        signature: "originally_published",
        priority: 3,
        pattern: concat!(
            "^",
            kind!(),
            r" (?:first|originally) appeared (?:on|in|at) (?P<name>.+)"
        ),
        cleaner: Cleaner::Prose,
    },
    Rule {
        // Anti-Media style: "This article (…) is free and open source. You have
        // permission to republish this article under a Creative Commons license
        // with attribution to the author and AntiMedia.org."
        signature: "open_source_attribution",
        priority: 3,
        pattern: concat!(
            "^",
            kind!(),
            r" is free and open source\b.*?\battribution to (?:the authors? and )?(?P<name>.+)"
        ),
        cleaner: Cleaner::Prose,
    },
    Rule {
        signature: "copyright",
        priority: 2,
        pattern: r"^(?:copyright\s*)?(?:©|\(c\))\s*(?P<name>.+)",
        cleaner: Cleaner::Copyright,
    },
    Rule {
        // Without the © sign a year is required, so prose such as "Copyright
        // law is …" does not match.
        signature: "copyright",
        priority: 2,
        pattern: r"^copyright\s+(?:\d{4}(?:\s*[-–]\s*\d{2,4})?)[,.]?\s+(?P<name>.+)",
        cleaner: Cleaner::Copyright,
    },
    Rule {
        signature: "source_line",
        priority: 1,
        pattern: r"^source\s*:\s*(?P<name>.+)$",
        cleaner: Cleaner::Short,
    },
    Rule {
        signature: "twitter_handle",
        priority: 0,
        pattern: r"^follow us on twitter\s*:?\s*@(?P<name>[A-Za-z0-9_]{1,15})\b",
        cleaner: Cleaner::Handle,
    },
];

/// The compiled patterns of [`RULES`], in the same order.
fn compiled() -> &'static [Regex] {
    static COMPILED: OnceLock<Vec<Regex>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        RULES
            .iter()
            .map(|rule| {
                Regex::new(&format!("(?i){}", rule.pattern))
                    .unwrap_or_else(|e| panic!("bad outlet rule {}: {e}", rule.signature))
            })
            .collect()
    })
}

/// Finds the outlet that signs the article, if any.
///
/// Every non-blank line shorter than 60 words is tried against
/// the signature table. When several lines match, the highest rule priority
/// wins (publication statements > copyright > "Source:" > Twitter handle),
/// then lines among the first 5 / last 10 non-blank lines, then the later
/// line.
pub fn find_outlet(text: &str) -> Option<FoundOutlet> {
    let lines = nonblank_lines(text);
    let n = lines.len();
    let regexes = compiled();
    // (priority, in preferred zone, line index) — compared lexicographically.
    let mut best: Option<((u8, bool, usize), FoundOutlet)> = None;

    for (idx, range) in lines.iter().enumerate() {
        let line = &text[range.clone()];
        if line.split_whitespace().nth(MAX_LINE_WORDS - 1).is_some() {
            continue;
        }
        let body = strip_line_prefix(line);
        if body.is_empty() {
            continue;
        }
        for (rule, re) in RULES.iter().zip(regexes) {
            if let Some(best) = &best {
                if best.0 .0 > rule.priority {
                    continue;
                }
            }
            let Some(caps) = re.captures(body) else {
                continue;
            };
            let Some(raw) = caps.name("name") else {
                continue;
            };
            let Some(name) = clean_name(rule.cleaner, raw.as_str()) else {
                continue;
            };
            let in_zone = idx < HEAD_LINES || idx + TAIL_LINES >= n;
            let key = (rule.priority, in_zone, idx);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((
                    key,
                    FoundOutlet {
                        name,
                        signature: rule.signature,
                        line: range.clone(),
                        title: caps.name("title").and_then(|t| clean_title(t.as_str())),
                    },
                ));
            }
            // The first (highest) matching rule speaks for this line.
            break;
        }
    }
    best.map(|(_, found)| found)
}

/// Byte ranges of the non-blank lines of `text`, each trimmed of whitespace.
fn nonblank_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let trimmed_start = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let s = start + trimmed_start;
            out.push(s..s + trimmed.len());
        }
        start = end + 1;
    }
    out
}

/// Drops bullets, rules and an "Editor's note:" label from the start of a line.
fn strip_line_prefix(line: &str) -> &str {
    let mut s = line.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '*' | '-' | '–' | '—' | '_' | '>' | '#' | '[' | '•' | '~' | '|' | '"' | '\''
            )
    });
    for label in ["editor's note:", "editors' note:", "editors note:", "note:"] {
        if s.len() >= label.len()
            && s.is_char_boundary(label.len())
            && s[..label.len()].eq_ignore_ascii_case(label)
        {
            s = s[label.len()..].trim_start();
            break;
        }
    }
    s
}

/// Longest title a signature may give, in words: longer parentheses are asides, not titles.
const MAX_TITLE_WORDS: usize = 30;

/// The title inside a signature's parentheses, or None when it is not one: empty, no letters, an
/// address, or too long.
fn clean_title(raw: &str) -> Option<String> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = title.trim_matches(|c: char| matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’'));
    let lower = title.to_ascii_lowercase();
    let words = title.split_whitespace().count();
    let address = lower.starts_with("http") || lower.starts_with("www.") || !title.contains(' ');
    if words == 0 || words > MAX_TITLE_WORDS || address || !title.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(title.to_string())
}

/// Turns a captured name into a display name, or rejects it.
fn clean_name(cleaner: Cleaner, raw: &str) -> Option<String> {
    let name = match cleaner {
        Cleaner::Prose => clean_prose(raw)?,
        Cleaner::Copyright => clean_copyright(raw)?,
        Cleaner::Short => clean_short(raw)?,
        Cleaner::Handle => raw.to_string(),
    };
    if name.is_empty() || !name.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(name)
}

/// Cleans the name of a publication statement ("… reprinted by X with
/// permission …").
fn clean_prose(raw: &str) -> Option<String> {
    let cut = cut_prose(raw);
    let mut name = trim_name(cut);
    if let Some(host) = url_host(name) {
        return Some(host.to_string());
    }
    // "first appeared in the Guardian" → "Guardian".
    if let Some(rest) = name.strip_prefix("the ") {
        if rest.starts_with(|c: char| c.is_uppercase()) {
            name = rest;
        }
    }
    let first = name.split_whitespace().next()?;
    if first.starts_with(|c: char| c.is_ascii_digit()) || is_month(first) {
        return None; // "posted on 12 May", "published on June 3"
    }
    if first.starts_with(|c: char| c.is_lowercase()) && !first.contains('.') {
        return None; // "his blog", "the website of …" (domains are fine)
    }
    if name.split_whitespace().count() > MAX_NAME_WORDS {
        return None;
    }
    Some(name.to_string())
}

/// Cuts a name at the first phrase that continues the sentence.
fn cut_prose(raw: &str) -> &str {
    const STOPS: &[&str] = &[
        " with ", " and ", " under ", " via ", " where ", " which ", " who ", " as ", ", ", "; ",
        " | ", " - ", " – ", " — ", " (", " [", "!", "?",
    ];
    let lower = raw.to_ascii_lowercase();
    let mut end = raw.len();
    for stop in STOPS {
        if let Some(pos) = lower.find(stop) {
            end = end.min(pos);
        }
    }
    // " on <date>" / " in <year>".
    for marker in [" on ", " in "] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(marker) {
            let at = from + pos;
            let next = lower[at + marker.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            if next.starts_with(|c: char| c.is_ascii_digit()) || is_month(next) {
                end = end.min(at);
                break;
            }
            from = at + marker.len();
        }
    }
    let mut s = &raw[..end];
    // Sentence end: ". " not belonging to an abbreviation such as "U.S.".
    let mut from = 0;
    while let Some(pos) = s[from..].find(". ") {
        let at = from + pos;
        let before = s[..at].rsplit(char::is_whitespace).next().unwrap_or("");
        if is_abbreviation(before) {
            from = at + 2;
            continue;
        }
        s = &s[..at];
        break;
    }
    s
}

/// Cleans a copyright notice: "2016 X. All rights reserved." → "X".
fn clean_copyright(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let mut end = lower.find("all rights reserved").unwrap_or(raw.len());
    for stop in [", ", " | ", "|", " - ", " – ", " — ", ";"] {
        if let Some(pos) = lower.find(stop) {
            end = end.min(pos);
        }
    }
    let mut s = &raw[..end];
    if let Some(pos) = find_sentence_end(s) {
        s = &s[..pos];
    }
    // Peel "©", "(c)", "copyright", "by" and years off both ends.
    let mut words: Vec<&str> = s.split_whitespace().collect();
    let is_noise = |w: &str| {
        let w = w.trim_matches(|c: char| matches!(c, ',' | '.' | ':'));
        w.is_empty()
            || w == "©"
            || w.eq_ignore_ascii_case("(c)")
            || w.eq_ignore_ascii_case("copyright")
            || w.eq_ignore_ascii_case("by")
            || is_year(w)
    };
    while words.first().is_some_and(|w| is_noise(w)) {
        words.remove(0);
    }
    while words.last().is_some_and(|w| is_noise(w)) {
        words.pop();
    }
    let joined = words.join(" ");
    let name = trim_name(&joined);
    // "© Sputnik/ Valeriy Melnikov", "© AP/ Hussein Malla" are photo credits.
    if name.contains('/') || name.split_whitespace().count() > 8 {
        return None;
    }
    Some(name.to_string())
}

/// Cleans a whole short line such as the rest of "Source: X".
fn clean_short(raw: &str) -> Option<String> {
    let name = trim_name(raw);
    if let Some(host) = url_host(name) {
        return Some(host.to_string());
    }
    if name.split_whitespace().count() > SOURCE_MAX_WORDS {
        return None;
    }
    Some(name.to_string())
}

/// Byte offset of the first ". " that ends a sentence (not "U.S. ").
fn find_sentence_end(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = s[from..].find(". ") {
        let at = from + pos;
        let before = s[..at].rsplit(char::is_whitespace).next().unwrap_or("");
        if !is_abbreviation(before) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// Trims whitespace, quotes and trailing punctuation (keeping the final dot
/// of an abbreviation such as "U.S.").
fn trim_name(s: &str) -> &str {
    let mut s = s.trim().trim_start_matches(['"', '\'', '(', '[', '“', '‘']);
    loop {
        let before = s;
        s = s.trim_end();
        s = s.trim_end_matches([',', ';', ':', '!', '?', ')', ']', '"', '\'', '”', '’', '*']);
        if let Some(stripped) = s.strip_suffix('.') {
            let last = stripped.rsplit(char::is_whitespace).next().unwrap_or("");
            if !is_abbreviation(last) {
                s = stripped;
            }
        }
        if s == before {
            return s;
        }
    }
}

/// "U.S" / "a.k.a" / single capital letter: a dot after it is not a
/// sentence end.
fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c.is_uppercase(),
        _ => {
            word.contains('.')
                && word.split('.').all(|seg| {
                    (1..=2).contains(&seg.chars().count()) && seg.chars().all(char::is_alphabetic)
                })
        }
    }
}

/// Host of a URL-looking name: `https://www.globalresearch.ca/x` →
/// "globalresearch.ca".
fn url_host(name: &str) -> Option<&str> {
    let lower = name.to_ascii_lowercase();
    let rest = if lower.starts_with("http://") {
        &name[7..]
    } else if lower.starts_with("https://") {
        &name[8..]
    } else if lower.starts_with("www.") {
        name
    } else {
        return None;
    };
    let host = rest.split(['/', ' ', '?', '#']).next().unwrap_or("");
    let host = if host.len() >= 4 && host[..4].eq_ignore_ascii_case("www.") {
        &host[4..]
    } else {
        host
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then_some(host)
}

/// "2016", "2015-2017", "2015–17".
fn is_year(w: &str) -> bool {
    let four_digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    if four_digits(w) {
        return true;
    }
    match w.split_once(['-', '–']) {
        Some((a, b)) => {
            four_digits(a) && (2..=4).contains(&b.len()) && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Full or abbreviated English month name, any case.
fn is_month(w: &str) -> bool {
    const MONTHS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ];
    let w = w.trim_end_matches(['.', ',']);
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_registrable_domains_and_names_are_trimmed() {
        for (given, kept) in [
            ("http://www.addictinginfo.org", "addictinginfo.org"),
            ("https://news.bbc.co.uk/2/hi/world.stm", "bbc.co.uk"),
            ("news.bbc.co.uk", "bbc.co.uk"),
            ("WWW.Reuters.com ", "reuters.com"),
            ("bbc.co.uk", "bbc.co.uk"),
            ("  Fox   News ", "Fox News"),
            ("U.S. News", "U.S. News"),
            ("Yahoo! News", "Yahoo! News"),
            ("example.notasuffix", "example.notasuffix"),
        ] {
            assert_eq!(normalize_outlet(given), kept, "{given}");
        }
    }

    fn found(text: &str) -> Option<(String, &'static str)> {
        find_outlet(text).map(|f| (f.name, f.signature))
    }

    fn pair(name: &str, sig: &'static str) -> Option<(String, &'static str)> {
        Some((name.to_string(), sig))
    }

    #[test]
    fn all_rules_compile() {
        assert_eq!(compiled().len(), RULES.len());
    }

    #[test]
    fn seed_001_reprinted_by() {
        let text = "Meanwhile, president Obama doesn't seem alarmed. At an Australian press conference this week, he told reporters that he would immediately order US boots on the ground.\n\nHow comforting.\n\nThis piece was reprinted by RINF Alternative News with permission or license.";
        let f = find_outlet(text).unwrap();
        assert_eq!(f.name, "RINF Alternative News");
        assert_eq!(f.signature, "reprinted_by");
        assert_eq!(
            &text[f.line.clone()],
            "This piece was reprinted by RINF Alternative News with permission or license."
        );
    }

    #[test]
    fn seed_004_written_for_beats_twitter() {
        let text = "Whether or not a President Trump will be able to put a stop to any of this remains to be seen.\n\nThis article (The U.S. Has A Special Relationship With ISIS) was written exclusively for The TV's Leaking and may not be reproduced in any way, shape or form without permission from the author.\n\nFollow us on Twitter: @TVsLeaking\n\nFollow us on Facebook: https://www.facebook.com/TVsLeaking/\n\nLeave a Reply\n\nFill in your details below or click an icon to log in:\n";
        let f = find_outlet(text).unwrap();
        assert_eq!(f.name, "The TV's Leaking");
        assert_eq!(f.signature, "written_for");
        assert!(text[f.line.clone()].starts_with("This article (The U.S. Has"));
    }

    #[test]
    fn a_signature_naming_its_text_gives_the_title() {
        let title = |line: &str| find_outlet(line).and_then(|f| f.title);
        assert_eq!(
            title("This article (The U.S. Has A Special Relationship With ISIS) was written exclusively for The TV's Leaking."),
            Some("The U.S. Has A Special Relationship With ISIS".into())
        );
        assert_eq!(
            title("This article (“Why Raqqa Fell”) was originally published on Foo News."),
            Some("Why Raqqa Fell".into())
        );
        // No parentheses, an address or a lone word: no title, the outlet still found.
        assert_eq!(
            title("This article was written exclusively for Foo News."),
            None
        );
        assert_eq!(
            title("This article (https://foo.example/a) was originally published on Foo News."),
            None
        );
        assert_eq!(
            title("This article (PDF) was originally published on Foo News."),
            None
        );
        assert!(find_outlet("This article (PDF) was originally published on Foo News.").is_some());
        // Copyright lines and "Source:" lines never carry a title.
        assert_eq!(title("© 2016 Foo Media (All Rights Reserved)"), None);
    }

    #[test]
    fn twitter_handle_alone() {
        let text = "Some text here.\n\nFollow us on Twitter: @TVsLeaking\n";
        assert_eq!(found(text), pair("TVsLeaking", "twitter_handle"));
        assert_eq!(
            found("Follow us on Twitter @RINF_News"),
            pair("RINF_News", "twitter_handle")
        );
        // An author's own account is not an outlet.
        assert_eq!(found("Follow me on Twitter: @someone"), None);
    }

    #[test]
    fn prose_mentions_are_not_signatures() {
        for text in [
            "More than that, a Der Spiegel report published two years ago, blew the lid off of the minds behind ISIS.",
            "Der Spiegel goes on to methodically build a case that the Islamic State is nothing more than a Baathist initiative.",
            "Reuters / FBI / Handout via Reuters",
            "According to the Los Angeles Times, ISIS has captured \"the weapons stores of the 2nd and 3rd divisions in Mosul\".",
            "Washington Post writes on US / Iran relations: \"With Iraq's Shiite neighbor rallying to support Maliki\"",
            "Info Wars sums up this story comprehensively in a few words.",
            "A few days ago, BBC published a long article in which they revealed that when Raqqa fell, coalition forces hired lorries.",
            "He said it was reprinted by several papers without permission, which is a long sentence that goes on.",
            "The story was originally published by the Times but nobody cared.",
            "Copyright law is a mess and everybody knows it.",
            "No comments:\n\nPost a Comment",
        ] {
            assert_eq!(find_outlet(text), None, "{text}");
        }
    }

    #[test]
    fn publication_variants() {
        let cases = [
            ("This article was originally published on Truthout.", "Truthout", "originally_published"),
            ("This article was published by Common Dreams, and is reprinted here.", "Common Dreams", "originally_published"),
            ("This article was republished at Global Research on June 3, 2016.", "Global Research", "originally_published"),
            ("Originally published at https://www.globalresearch.ca/some/path", "globalresearch.ca", "originally_published"),
            ("Originally published by The Intercept", "The Intercept", "originally_published"),
            ("This article first appeared in The Nation.", "The Nation", "originally_published"),
            ("This article first appeared in the Guardian.", "Guardian", "originally_published"),
            ("This article originally appeared on Consortium News and is reposted with permission.", "Consortium News", "originally_published"),
            ("This article was written for U.S. News.", "U.S. News", "written_for"),
            ("This piece was written exclusively for Foo Bar and may not be reproduced.", "Foo Bar", "written_for"),
            ("Reprinted with permission from Antiwar.com.", "Antiwar.com", "reprinted_by"),
            ("*This story was reprinted by Bar Baz News.", "Bar Baz News", "reprinted_by"),
            ("This article (Title Here) is free and open source. You have permission to republish this article under a Creative Commons license with attribution to the author and AntiMedia.org.", "AntiMedia.org", "open_source_attribution"),
        ];
        for (text, name, sig) in cases {
            assert_eq!(found(text), pair(name, sig), "{text}");
        }
    }

    #[test]
    fn copyright_variants() {
        for text in [
            "© 2016 Foo Media",
            "© Foo Media 2016",
            "Copyright 2016 Foo Media",
            "Copyright © 2016 Foo Media. All rights reserved.",
            "Copyright (c) 2015-2017 Foo Media, all rights reserved",
            "(c) 2016 by Foo Media",
        ] {
            assert_eq!(found(text), pair("Foo Media", "copyright"), "{text}");
        }
        assert_eq!(found("© Sputnik/ Valeriy Melnikov"), None);
        assert_eq!(found("© 2016"), None);
        assert_eq!(found("Copyright © 2016. All rights reserved."), None);
    }

    #[test]
    fn source_line() {
        assert_eq!(
            found("Body text.\n\nSource: Reuters\n"),
            pair("Reuters", "source_line")
        );
        assert_eq!(
            found("Source: http://www.presstv.ir/Detail/2016/1.html"),
            pair("presstv.ir", "source_line")
        );
        assert_eq!(
            found("Source: this was told to me by a friend of a friend yesterday"),
            None
        );
        assert_eq!(found("The source: a man in a bar"), None);
    }

    #[test]
    fn priorities() {
        let text = "© 2016 Foo Media\n\nBody.\n\nThis article was originally published on Truthout.\n\nFollow us on Twitter: @foo";
        assert_eq!(found(text), pair("Truthout", "originally_published"));
        let text = "Source: Reuters\n\nBody.\n\n© 2016 Foo Media\n\nFollow us on Twitter: @foo";
        assert_eq!(found(text), pair("Foo Media", "copyright"));
        let text = "Follow us on Twitter: @foo\n\nBody.\n\nSource: Reuters";
        assert_eq!(found(text), pair("Reuters", "source_line"));
    }

    #[test]
    fn zone_preference_and_line_range() {
        let mut text = String::from("Source: Early Wire\n\n");
        for i in 0..30 {
            text.push_str(&format!("Paragraph {i}.\n\n"));
        }
        text.push_str("Source: Middle Wire\n\n");
        for i in 0..30 {
            text.push_str(&format!("Paragraph {i}.\n\n"));
        }
        // The middle line is later but outside the preferred zones.
        let f = find_outlet(&text).unwrap();
        assert_eq!(f.name, "Early Wire");
        assert_eq!(&text[f.line], "Source: Early Wire");

        let text = "Body.\n\n   This piece was reprinted by Foo News.   \n";
        let f = find_outlet(text).unwrap();
        assert_eq!(&text[f.line], "This piece was reprinted by Foo News.");
    }

    #[test]
    fn long_lines_are_prose() {
        let filler = "word ".repeat(60);
        let text = format!("This piece was reprinted by Foo News {filler}");
        assert_eq!(find_outlet(&text), None);
        assert_eq!(find_outlet(""), None);
    }

    /// Whole seed articles, when the shared seed folder is present.
    #[test]
    fn seed_files() {
        let Ok(dir) = std::fs::read_dir("/work/shared/seeds") else {
            return;
        };
        for entry in dir.flatten() {
            let path = entry.path();
            let Some(file) = path.file_name().and_then(|f| f.to_str()).map(str::to_owned) else {
                continue;
            };
            let Ok(raw) = std::fs::read_to_string(&path) else {
                continue;
            };
            let text = raw
                .replace(['\u{2019}', '\u{2018}'], "'")
                .replace(['\u{201c}', '\u{201d}'], "\"");
            let got = found(&text);
            let expected = match &file[..3] {
                "001" => pair("RINF Alternative News", "reprinted_by"),
                "004" => pair("The TV's Leaking", "written_for"),
                "000" | "002" | "003" => None,
                _ => continue,
            };
            assert_eq!(got, expected, "{file}");
        }
    }
}
