//! Publication dates: finding an article's dateline and parsing full dates.
//!
//! Owns two things:
//!
//! * finding the **dateline**: a short line among the first or last four non-empty lines of an
//!   article whose content is a date, possibly with cue words ("Posted on", "Published:", a
//!   weekday, a byline, `|` separators) or a wire-style lead ("November 18, 2017 — The ministry
//!   said…");
//! * parsing one **complete** date expression (day, month and year) into a [`NaiveDate`]
//!   (month names, the year range: `crate::dates`).
//!
//! A date is the article's own or none. A line that cites another source ("The Washington Post.
//! May 27, 1994.", "(Reuters, May 27, 1994)", "Retrieved May 27, 1994", "first published in The
//! Nation on …"), quotes ("“…,” May 27, 1994"), or is an item of a list ("- May 27, 1994: …",
//! "[3] …") is never a dateline ([`is_reference`]). Where the edge lines hold several candidate
//! publication dates that disagree, the article is undated: one wrong old date ruins "who said it
//! first", a missing one only leaves a gap.
//!
//! It must not guess. All-numeric dates whose field order is not fixed by the notation
//! (`03/04/2017`, `3-4-2017`, `04.03.2017`, `11/18/17`) are rejected even when one field is
//! above 12: an archive mixes US and European sources, so a rule like "18 must be the day"
//! would make `03/04/2017` and `18/04/2017` from the same outlet come out in different orders;
//! being uniformly strict is easier to reason about and never produces a wrong date. Only
//! year-first numeric forms (`2017-11-18`, `2017/11/18`, `2017.11.18`) are taken. Partial dates
//! ("November 2017", "2017", "Nov 18") are rejected, and so are dates mentioned in prose: a
//! dateline is short, and only the first and last four non-empty lines are ever looked at.

use crate::dates::{month_number, year_in_range};
use chrono::NaiveDate;
use regex::{Captures, Regex};
use std::ops::Range;
use std::sync::LazyLock;

/// A publication date found in an article's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    /// The calendar date.
    pub date: NaiveDate,
    /// Byte range of the whole dateline LINE in the input text (without its trailing newline),
    /// so that the caller can drop that line from the indexed body when it holds nothing else.
    pub line: Range<usize>,
    /// True when the line held nothing but the date and cue words ("Posted on", "Published:",
    /// a weekday, "by NAME" after the date, "|" separators...), i.e. the line can be hidden from
    /// passages.
    pub line_is_only_date: bool,
}

/// How many non-empty lines at the top and at the bottom of an article may hold the dateline.
pub const EDGE_LINES: usize = 4;

/// Only this many leading bytes of a line are searched for dates; a longer line can still be a
/// wire-style or cue-led dateline, but never a short metadata line.
const MAX_LINE_BYTES: usize = 400;

/// Most words (outside dates and cue words) a short metadata dateline may hold.
const MAX_PROSE_WORDS: usize = 12;

/// Most words a piece of prose may hold next to a date without a strong separator (`|`, `·`,
/// `/`, a dash, a bracket) between them.
const MAX_LOOSE_WORDS: usize = 3;

/// Most words before the date in a line that starts with a cue word ("Posted in News on …").
const MAX_CUE_LEAD_WORDS: usize = 8;

/// Characters that separate a date from unrelated metadata on a dateline.
const STRONG_SEPARATORS: [char; 13] = [
    '|', '·', '•', '/', '»', '«', '>', '-', '–', '—', '(', ')', '[',
];

/// Words that, right before a date, make the line read as a sentence ("On November 18, 2017,
/// the army…").
const FUNCTION_WORDS: [&str; 30] = [
    "a", "about", "after", "and", "around", "as", "at", "before", "between", "by", "circa",
    "during", "from", "in", "last", "next", "of", "on", "or", "since", "than", "that", "the",
    "this", "through", "till", "to", "until", "was", "when",
];

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

const WEEKDAY: &str = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)";

/// Words that introduce a date ("posted", "published", "date"…), with optional qualifiers.
const CUE_VERB: &str = r"(?:(?:this\s+(?:entry|post|article|story)\s+was|originally|first|last|orig\.)\s+)?(?:posted|published|updated|modified|revised|dated|date|dateline|created|written|released|issued|filed|submitted|publication\s+date|pub\.?\s+date)";

/// One date expression: ISO 8601, year-first with `/` or `.`, or day/month/year with a month
/// name (either order), with an optional weekday before and an optional time after.
static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let iso = r"(?P<iy>[0-9]{4})-(?P<im>[0-9]{1,2})-(?P<id>[0-9]{1,2})(?:T[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?";
    let ysl = r"(?P<sy>[0-9]{4})(?P<s1>[/.])(?P<sm>[0-9]{1,2})(?P<s2>[/.])(?P<sd>[0-9]{1,2})";
    let dmy = format!(
        r"(?P<dd>[0-9]{{1,2}})(?:st|nd|rd|th)?\b\.?\s*(?:of\s+)?[-/]?\s*(?P<dmon>{MONTH})\b\.?(?:\s*,\s*|\s*[-/]\s*|\s+)(?P<dy>[0-9]{{4}})"
    );
    let mdy = format!(
        r"(?P<mmon>{MONTH})\b\.?\s*[-/]?\s*(?P<md>[0-9]{{1,2}})(?:st|nd|rd|th)?\b\.?(?:\s*,\s*|\s*[-/]\s*|\s+)(?P<my>[0-9]{{4}})"
    );
    let ampm = r"(?:[ap]\.m\.|[ap]m\b)";
    let time = format!(
        r"[0-9]{{1,2}}(?::[0-9]{{2}}(?::[0-9]{{2}}(?:\.[0-9]+)?)?(?:\s*{ampm})?|\s*{ampm})"
    );
    let zone = r"(?:\s*(?:[+-][0-9]{2}:?[0-9]{2}\b|\((?-i:[A-Z]{2,5})\)|(?-i:[A-Z]{2,5})(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)?\b))";
    let pattern = format!(
        r"(?i)\b(?:{iso}|{ysl}|(?:{WEEKDAY}\b\.?(?:\s*,\s*|\s+))?(?:{dmy}|{mdy}))\b(?:\s*(?:[,|@]|--?|–|—)?\s*(?:at\s+)?{time}{zone}?)?"
    );
    Regex::new(&pattern).expect("DATE_RE is a valid pattern")
});

/// A piece of a line that holds nothing but cue words, a byline, weekdays, comment counts and
/// punctuation.
static CUE_ONLY_RE: LazyLock<Regex> = LazyLock::new(|| {
    let cap_word = r"(?-i:\p{Lu}[\p{L}\p{M}'.\-]*)";
    let particle = r"(?:and|&|de|del|van|von|der|den|da|di|du|al|el|bin|ibn|la|le)";
    let name = format!(r"(?:{cap_word}(?:\s+(?:{cap_word}|{particle})){{0,5}}|[\w.@\-]+)");
    let weekday_full = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    let pattern = format!(
        r"(?i)^(?:[^\p{{L}}\p{{N}}]|\b{CUE_VERB}(?:\s+(?:on|at))?\b|\bby\s+{name}(?:\s+(?:on|at)\b)?|\b{weekday_full}\b|\b(?:no|one|[0-9]+)\s+comments?\b|\bleave\s+a\s+(?:comment|reply)\b)*$"
    );
    Regex::new(&pattern).expect("CUE_ONLY_RE is a valid pattern")
});

/// A piece of a line that starts with a cue verb ("Posted in News on").
static CUE_LEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)^[^\p{{L}}\p{{N}}]*{CUE_VERB}\b"))
        .expect("CUE_LEAD_RE is a valid pattern")
});

/// A wire-service location before the date ("WASHINGTON,", "NEW YORK (Reuters) -").
static WIRE_LOCATION_RE: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"\p{Lu}[\p{Lu}\p{M}.'\-]+";
    Regex::new(&format!(
        r"^(?:{word}(?:\s+{word}){{0,3}})(?:\s*\([^)]{{1,40}}\))?\s*[,:\-–—]?\s*$"
    ))
    .expect("WIRE_LOCATION_RE is a valid pattern")
});

/// What one line says about the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineDate {
    date: NaiveDate,
    only_date: bool,
    /// The date was introduced by "Updated"/"Modified" rather than a publication cue.
    updated: bool,
}

/// Finds the dateline of an article; None when the article is undated. Never invents a date.
///
/// Looks at the first [`EDGE_LINES`] and the last [`EDGE_LINES`] non-empty lines only. A
/// publication date ("Posted", "Published", or no cue) wins over an "Updated" one wherever it is;
/// the first line of the winning kind is returned, and only when every line of that kind gives
/// the same day: candidates that disagree leave the article undated.
pub fn find_dateline(text: &str) -> Option<FoundDate> {
    let mut top: Vec<Range<usize>> = Vec::with_capacity(EDGE_LINES);
    let mut offset = 0;
    let mut reached_end = true;
    for line in text.split('\n') {
        let range = offset..offset + line.len();
        offset = range.end + 1;
        if line.trim().is_empty() {
            continue;
        }
        top.push(range);
        if top.len() == EDGE_LINES {
            reached_end = offset > text.len();
            break;
        }
    }

    // The bottom lines, those after the top block only, in document order.
    let mut bottom: Vec<Range<usize>> = Vec::with_capacity(EDGE_LINES);
    if !reached_end {
        let top_end = top.last().map_or(0, |r| r.end);
        let mut end = text.len();
        while bottom.len() < EDGE_LINES {
            let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            if start <= top_end {
                break;
            }
            if !text[start..end].trim().is_empty() {
                bottom.push(start..end);
            }
            end = start - 1;
        }
        bottom.reverse();
    }

    let mut published: Vec<FoundDate> = Vec::new();
    let mut updated: Vec<FoundDate> = Vec::new();
    for range in top.iter().chain(&bottom) {
        let mut line = range.clone();
        if text[line.clone()].ends_with('\r') {
            line.end -= 1;
        }
        let Some(found) = analyze_line(&text[line.clone()]) else {
            continue;
        };
        let found_date = FoundDate {
            date: found.date,
            line,
            line_is_only_date: found.only_date,
        };
        if found.updated {
            updated.push(found_date);
        } else {
            published.push(found_date);
        }
    }
    let candidates = if published.is_empty() {
        updated
    } else {
        published
    };
    let first = candidates.first()?;
    candidates
        .iter()
        .all(|c| c.date == first.date)
        .then(|| first.clone())
}

/// Parses one complete date expression (the whole string, trimmed; surrounding cue words like
/// "Posted on" / "Published:" / a weekday are allowed) into a date. Returns None for anything
/// ambiguous or partial.
///
/// When the string holds a publication and an "Updated" date ("Published: … | Updated: …"),
/// the publication date is returned.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    analyze_line(s)
        .filter(|found| found.only_date)
        .map(|found| found.date)
}

/// Decides whether `line` is a dateline and which date it gives.
fn analyze_line(line: &str) -> Option<LineDate> {
    let line = line.trim();
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (text, truncated) = if line.len() > MAX_LINE_BYTES {
        (&line[..floor_char_boundary(line, MAX_LINE_BYTES)], true)
    } else {
        (line, false)
    };
    let dates = find_dates(text);
    if dates.is_empty() || is_reference(text, &dates) {
        return None;
    }
    let n = dates.len();

    // segments[i] is the text before date i; segments[n] the text after the last date.
    let mut segments: Vec<&str> = Vec::with_capacity(n + 1);
    let mut previous_end = 0;
    for (span, _) in &dates {
        segments.push(&text[previous_end..span.start]);
        previous_end = span.end;
    }
    segments.push(&text[previous_end..]);

    let cue_only: Vec<bool> = segments
        .iter()
        .enumerate()
        .map(|(i, segment)| !(truncated && i == n) && CUE_ONLY_RE.is_match(segment))
        .collect();
    let updated: Vec<bool> = segments[..n].iter().map(|s| is_updated_cue(s)).collect();
    // The first date introduced by cue words only that is not an "Updated" one.
    let preferred = (0..n).find(|&i| cue_only[i] && !updated[i]).unwrap_or(0);
    let pick = |i: usize, only_date: bool| LineDate {
        date: dates[i].1,
        only_date,
        updated: updated[i],
    };

    // A metadata line with two publication dates that disagree ("May 2, 2016 – May 9, 2016")
    // does not say which is the article's.
    let agree = (0..n)
        .filter(|&i| !updated[i])
        .all(|i| dates[i].1 == dates[preferred].1 || updated[preferred]);
    if cue_only.iter().all(|&c| c) {
        return agree.then(|| pick(preferred, true));
    }

    // Wire style: the line starts with the date (after cue words or a wire location) and a
    // dash leads into prose.
    if cue_only[0] || WIRE_LOCATION_RE.is_match(segments[0]) {
        let after = segments[1].trim_start();
        if after.starts_with(['-', '–', '—']) && word_count(after) > 0 {
            return Some(pick(0, false));
        }
    }

    // Cue-led: "Posted on DATE …", "This entry was posted on DATE at … and is filed under …",
    // "Posted in News on DATE": an explicit cue makes the date reliable whatever follows.
    let lead = segments[0];
    if CUE_LEAD_RE.is_match(lead) && word_count(lead) <= MAX_CUE_LEAD_WORDS {
        return Some(pick(0, false));
    }

    if agree && !truncated && is_short_metadata(&segments, &cue_only) {
        return Some(pick(preferred, false));
    }
    None
}

/// A line that starts like an item of a list: a bullet (`-`, `*`, `•`), a number (`3.`, `3)`,
/// `[3]`, `(3)`) or a letter (`a)`).
static LIST_MARKER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*•▪◦‣]|[0-9]{1,3}[.)]|\[[0-9]{1,3}\]|\([0-9]{1,3}\)|[a-z]\))\s+")
        .expect("LIST_MARKER_RE is a valid pattern")
});

/// A quoted span of at least two words ("“Hillary's Trades,” The Washington Post").
static QUOTED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["“„«‘][^"“”„«»‘’]*\s[^"“”„«»‘’]*["”»’]"#).expect("QUOTED_RE is a valid pattern")
});

/// Words before a date that cite another source or a document ("Retrieved", "Source:",
/// "first published in", "according to", "Vol. 3", "pp. 12").
static CITATION_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:retrieved|accessed|archived|sources?\s*:|cited|citing|quoted|quoting|reprinted|republished|(?:first|originally|previously)\s+(?:published|appeared|ran|printed|posted|aired)\s+(?:in|at|on\s+\p{Lu}|by\s+the)|appeared\s+(?:first\s+)?in|according\s+to|wrote|reported|vol\.|pp?\.\s*[0-9]|no\.\s*[0-9]|doi|isbn|issn|et\s+al)\b",
    )
    .expect("CITATION_CUE_RE is a valid pattern")
});

/// True when the line cites, quotes or lists something rather than dating the article: a list
/// item, a line that opens with a quotation mark, a quoted title or citation words before a
/// date, a date in parentheses with a source's name ("(Reuters, May 27, 1994)"), a source's name
/// closed by a full stop before the date ("The Washington Post. May 27, 1994."), or a new sentence
/// right after the date ("May 27, 1994. The headline:").
fn is_reference(line: &str, dates: &[(Range<usize>, NaiveDate)]) -> bool {
    let first = dates[0].0.start;
    let last = dates[dates.len() - 1].0.start;
    if LIST_MARKER_RE.find(line).is_some_and(|m| m.end() <= first) {
        return true;
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with(['"', '“', '”', '„', '«', '‘', '\''])
        || QUOTED_RE.is_match(&line[..last])
        || CITATION_CUE_RE.is_match(&line[..last])
    {
        return true;
    }
    let mut previous_end = 0;
    for (span, _) in dates {
        let before = &line[previous_end..span.start];
        // "(Washington Post, May 27, 1994)": an unclosed bracket with words before the date.
        if let Some(open) = before.rfind(['(', '[']) {
            let inside = &before[open + 1..];
            if inside.chars().any(char::is_alphabetic) && !inside.contains([')', ']']) {
                return true;
            }
        }
        // "The Washington Post. May 27, 1994": a name closed by a full stop.
        let before = before.trim_end();
        if let Some(head) = before.strip_suffix('.') {
            let word = head
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or_default();
            if word.chars().count() >= 2
                && word.chars().all(char::is_alphabetic)
                && !CUE_ONLY_RE.is_match(before)
            {
                return true;
            }
        }
        // "May 27, 1994. The headline:": a sentence starts after the date (unless a cue such as
        // "Updated at 9:30 p.m. on" led into the date: then the article's text follows).
        let after = line[span.end..].trim_start();
        let cue_led = CUE_LEAD_RE.is_match(&line[..span.start]);
        if let Some(rest) = after.strip_prefix('.').filter(|_| !cue_led) {
            let rest = rest.trim_start();
            if rest.starts_with(char::is_alphabetic) && !CUE_ONLY_RE.is_match(rest) {
                return true;
            }
        }
        previous_end = span.end;
    }
    false
}

/// A short line that holds a date and a little metadata ("Politics | November 18, 2017",
/// "Raqqa, 18 November 2017") and does not read as a sentence.
fn is_short_metadata(segments: &[&str], cue_only: &[bool]) -> bool {
    let n = segments.len() - 1;
    let prose_words: usize = segments
        .iter()
        .zip(cue_only)
        .filter(|(_, &cue)| !cue)
        .map(|(segment, _)| word_count(segment))
        .sum();
    if prose_words > MAX_PROSE_WORDS {
        return false;
    }
    if !cue_only[n] && ends_like_sentence(segments[n]) {
        return false;
    }
    for i in 0..n {
        let before = segments[i];
        if !cue_only[i] {
            if last_word(before)
                .is_some_and(|w| FUNCTION_WORDS.contains(&w.to_lowercase().as_str()))
            {
                return false;
            }
            // Prose must be set off from the date by punctuation ("Raqqa, 18 November 2017"),
            // by a strong separator when it is more than a few words.
            let before = before.trim_end();
            if before.ends_with(char::is_alphanumeric)
                || (word_count(before) > MAX_LOOSE_WORDS && !before.ends_with(STRONG_SEPARATORS))
            {
                return false;
            }
        }
        let after = segments[i + 1];
        if !cue_only[i + 1] {
            let after = after.trim_start();
            if let Some(rest) = after.strip_prefix(',') {
                if rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                {
                    return false;
                }
            }
            // Same after the date; a colon there introduces a headline ("DATE: What happened").
            if after.starts_with(char::is_alphanumeric)
                || after.starts_with(':')
                || (word_count(after) > MAX_LOOSE_WORDS && !after.starts_with(STRONG_SEPARATORS))
            {
                return false;
            }
        }
    }
    true
}

/// All valid, free-standing full dates in `text`, in order, with their byte spans.
fn find_dates(text: &str) -> Vec<(Range<usize>, NaiveDate)> {
    let mut dates = Vec::new();
    for caps in DATE_RE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if is_glued(text, whole.start(), whole.end()) {
            continue;
        }
        if let Some(date) = date_from_captures(&caps) {
            dates.push((whole.range(), date));
        }
    }
    dates
}

/// True when the match is part of a larger token (a URL, a file name, an identifier).
fn is_glued(text: &str, start: usize, end: usize) -> bool {
    let glue = |c: char| c.is_alphanumeric() || "/_=&?#%@~".contains(c);
    let prev = text[..start].chars().next_back();
    if prev.is_some_and(|c| glue(c) || c == '.' || c == '-' || c == '+') {
        return true;
    }
    let mut rest = text[end..].chars();
    match rest.next() {
        Some(c) if glue(c) => true,
        Some('.' | '-') => rest.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// Builds the date from whichever alternative of [`DATE_RE`] matched.
fn date_from_captures(caps: &Captures<'_>) -> Option<NaiveDate> {
    let number = |name: &str| -> Option<u32> { caps.name(name)?.as_str().parse().ok() };
    let (year, month, day) = if caps.name("iy").is_some() {
        (number("iy")?, number("im")?, number("id")?)
    } else if caps.name("sy").is_some() {
        if caps.name("s1")?.as_str() != caps.name("s2")?.as_str() {
            return None;
        }
        (number("sy")?, number("sm")?, number("sd")?)
    } else if caps.name("dd").is_some() {
        (
            number("dy")?,
            month_number(caps.name("dmon")?.as_str())?,
            number("dd")?,
        )
    } else {
        (
            number("my")?,
            month_number(caps.name("mmon")?.as_str())?,
            number("md")?,
        )
    };
    let year = i32::try_from(year).ok()?;
    if !year_in_range(year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// True when the text before a date says it is an update rather than the publication.
fn is_updated_cue(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    (lower.contains("updated") || lower.contains("modified") || lower.contains("revised"))
        && !lower.contains("publish")
        && !lower.contains("posted")
}

/// Number of whitespace-separated tokens holding at least one letter or digit.
fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The last word (letters and digits only) of `s`.
fn last_word(s: &str) -> Option<&str> {
    s.split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
}

/// True when `s` ends like a sentence: `.`, `!` or `?`, possibly inside closing quotes.
fn ends_like_sentence(s: &str) -> bool {
    s.trim_end()
        .trim_end_matches(['"', '\'', ')', ']', '}', '»'])
        .ends_with(['.', '!', '?'])
}

/// The largest char boundary of `s` at or below `index`.
fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    let mut i = index;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn nov18() -> NaiveDate {
        ymd(2017, 11, 18)
    }

    /// Asserts `s` parses to `date` with parse_date and as a single-line dateline.
    fn assert_form(s: &str, date: NaiveDate) {
        assert_eq!(parse_date(s), Some(date), "parse_date({s:?})");
        let text = format!("{s}\n\nSome title here\n\nBody text of the article goes here.");
        let found = find_dateline(&text).unwrap_or_else(|| panic!("no dateline in {text:?}"));
        assert_eq!(found.date, date, "dateline {s:?}");
        assert_eq!(found.line, 0..s.len(), "line range for {s:?}");
        assert!(found.line_is_only_date, "only date for {s:?}");
    }

    /// Asserts `s` is rejected by parse_date and is not a dateline.
    fn assert_rejected(s: &str) {
        assert_eq!(parse_date(s), None, "parse_date({s:?})");
        let text = format!("{s}\n\nSome title here\n\nBody text of the article goes here.");
        assert_eq!(find_dateline(&text), None, "dateline {s:?}");
    }

    // ---- forms that parse -------------------------------------------------------------

    #[test]
    fn day_month_year() {
        assert_form("18 November 2017", nov18());
        assert_form("12 December, 2016", ymd(2016, 12, 12));
        assert_form("18 Nov 2017", nov18());
        assert_form("18 Nov. 2017", nov18());
        assert_form("18-Nov-2017", nov18());
        assert_form("18 of November 2017", nov18());
        assert_form("5 May 2016", ymd(2016, 5, 5));
    }

    #[test]
    fn month_day_year() {
        assert_form("November 18, 2017", nov18());
        assert_form("November 18 2017", nov18());
        assert_form("Nov. 18, 2017", nov18());
        assert_form("Nov 18, 2017", nov18());
        assert_form("May 3, 2015", ymd(2015, 5, 3));
        assert_form("June 1, 2015", ymd(2015, 6, 1));
        assert_form("Jul. 4, 1999", ymd(1999, 7, 4));
    }

    #[test]
    fn september_spellings() {
        assert_form("Sept. 5, 2016", ymd(2016, 9, 5));
        assert_form("Sept 5, 2016", ymd(2016, 9, 5));
        assert_form("Sep. 5, 2016", ymd(2016, 9, 5));
        assert_form("Sep 5, 2016", ymd(2016, 9, 5));
        assert_form("September 5, 2016", ymd(2016, 9, 5));
        assert_form("5 Sept 2016", ymd(2016, 9, 5));
    }

    #[test]
    fn weekdays() {
        assert_form("Saturday, 18 November 2017", nov18());
        assert_form("Sat, 18 Nov 2017", nov18());
        assert_form("Saturday, November 18, 2017", nov18());
        assert_form("Saturday 18 November 2017", nov18());
        assert_form("Sat. Nov. 18, 2017", nov18());
        assert_form("Tues, Nov 21, 2017", ymd(2017, 11, 21));
        assert_form("Thursday, November 23, 2017", ymd(2017, 11, 23));
    }

    #[test]
    fn ordinals() {
        assert_form("18th November 2017", nov18());
        assert_form("November 18th, 2017", nov18());
        assert_form("November 18th 2017", nov18());
        assert_form("1st January 2017", ymd(2017, 1, 1));
        assert_form("2nd January 2017", ymd(2017, 1, 2));
        assert_form("3rd January 2017", ymd(2017, 1, 3));
        assert_form("January 21st, 2017", ymd(2017, 1, 21));
        assert_form("March 22nd, 2017", ymd(2017, 3, 22));
        assert_form("Saturday, November 18th, 2017", nov18());
    }

    #[test]
    fn iso_and_year_first() {
        assert_form("2017-11-18", nov18());
        assert_form("2017-11-18T10:30:00Z", nov18());
        assert_form("2017-11-18T10:30:00+05:30", nov18());
        assert_form("2017-11-18T10:30:00-0500", nov18());
        assert_form("2017-11-18T10:30:00.123Z", nov18());
        assert_form("2017-11-18T10:30", nov18());
        assert_form("2017-11-18 10:30:00", nov18());
        assert_form("2017/11/18", nov18());
        assert_form("2017.11.18", nov18());
        assert_form("2017-1-5", ymd(2017, 1, 5));
    }

    #[test]
    fn rfc2822() {
        assert_form("Sat, 18 Nov 2017 10:30:00 +0000", nov18());
        assert_form("Sat, 18 Nov 2017 10:30:00 GMT", nov18());
        assert_form("Mon, 02 Jan 2006 15:04:05 -0700", ymd(2006, 1, 2));
    }

    #[test]
    fn case_insensitive_months() {
        assert_form("18 NOVEMBER 2017", nov18());
        assert_form("18 november 2017", nov18());
        assert_form("NOV 18, 2017", nov18());
        assert_form("SATURDAY, NOVEMBER 18, 2017", nov18());
    }

    #[test]
    fn times_after_the_date() {
        assert_form("November 18, 2017 at 10:30 am", nov18());
        assert_form("November 18, 2017 10:30 AM EST", nov18());
        assert_form("November 18, 2017, 10:30 a.m.", nov18());
        assert_form("November 18, 2017 at 10 pm", nov18());
        assert_form("18 November 2017 - 14:05", nov18());
        assert_form("18 November 2017 | 14:05 GMT", nov18());
        assert_form("November 18, 2017 10:30pm (EST)", nov18());
        assert_form("Nov 18, 2017 10:30 UTC+1", nov18());
    }

    #[test]
    fn cue_prefixes() {
        assert_form("Posted on November 18, 2017", nov18());
        assert_form("Posted November 18, 2017", nov18());
        assert_form("Published: November 18, 2017", nov18());
        assert_form("Published on November 18, 2017", nov18());
        assert_form("Published November 18, 2017", nov18());
        assert_form("Date: November 18, 2017", nov18());
        assert_form("Dated: 18 November 2017", nov18());
        assert_form("First published on November 18, 2017", nov18());
        assert_form("Originally published: 18 Nov 2017", nov18());
        assert_form("PUBLISHED: 18 Nov 2017", nov18());
        assert_form(
            "Published: Saturday, November 18, 2017 at 10:30 am",
            nov18(),
        );
        assert_form("Posted on Sat, 18 Nov 2017 10:30:00 +0000", nov18());
    }

    #[test]
    fn updated_cue_parses() {
        assert_form("Updated: November 18, 2017", nov18());
        assert_form("Last updated on November 18, 2017", nov18());
    }

    #[test]
    fn bylines() {
        assert_form("By Jane Doe | November 18, 2017", nov18());
        assert_form("By Jane Doe, November 18, 2017", nov18());
        assert_form("November 18, 2017 by admin", nov18());
        assert_form("Posted by admin on November 18, 2017", nov18());
        assert_form("Posted on November 18, 2017 by admin", nov18());
        assert_form("By José Pérez | 18 Nov 2017", nov18());
        assert_form("By Jane Doe and John Smith | November 18, 2017", nov18());
        assert_form("Published by Reuters on November 18, 2017", nov18());
        assert_form("By JANE DOE - Nov 18, 2017", nov18());
    }

    #[test]
    fn separators_weekday_words_and_comment_counts_are_cues() {
        assert_form("Saturday | November 18, 2017", nov18());
        assert_form("November 18, 2017 | 12 Comments", nov18());
        assert_form("By Jane Doe | November 18, 2017 | No comments", nov18());
        assert_form("— November 18, 2017 —", nov18());
        assert_form("[November 18, 2017]", nov18());
    }

    #[test]
    fn published_preferred_over_updated_in_one_line() {
        let d = ymd(2017, 11, 20);
        assert_eq!(
            parse_date("Published: November 18, 2017 | Updated: November 20, 2017"),
            Some(nov18())
        );
        assert_eq!(
            parse_date("Updated: November 20, 2017 | Published: November 18, 2017"),
            Some(nov18())
        );
        assert_eq!(parse_date("Updated: November 20, 2017"), Some(d));
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        assert_eq!(parse_date("  November 18, 2017 \n"), Some(nov18()));
    }

    #[test]
    fn leap_days() {
        assert_eq!(parse_date("29 February 2016"), Some(ymd(2016, 2, 29)));
        assert_eq!(parse_date("29 February 2017"), None);
        assert_eq!(parse_date("2000-02-29"), Some(ymd(2000, 2, 29)));
        assert_eq!(parse_date("1900-02-29"), None);
    }

    #[test]
    fn year_bounds() {
        let last = crate::dates::max_year();
        assert_eq!(parse_date("1 January 1900"), Some(ymd(1900, 1, 1)));
        assert_eq!(
            parse_date(&format!("31 December {last}")),
            Some(ymd(last, 12, 31))
        );
        assert_rejected("31 December 1899");
        assert_rejected(&format!("1 January {}", last + 1));
        assert_rejected("0999-01-01");
    }

    // ---- must not parse -----------------------------------------------------------------

    #[test]
    fn invalid_calendar_dates() {
        assert_rejected("31 February 2017");
        assert_rejected("November 31, 2017");
        assert_rejected("2017-13-01");
        assert_rejected("2017-11-00");
        assert_rejected("0 November 2017");
        assert_rejected("32 November 2017");
    }

    #[test]
    fn ambiguous_numeric_dates() {
        assert_rejected("03/04/2017");
        assert_rejected("3-4-2017");
        assert_rejected("04.03.2017");
        assert_rejected("11/18/17");
        assert_rejected("18/11/2017");
        assert_rejected("11/18/2017");
        assert_rejected("Posted on 03/04/2017");
        assert_rejected("Published: 18.11.2017");
        assert_rejected("2017/11.18");
    }

    #[test]
    fn partial_dates() {
        assert_rejected("2017");
        assert_rejected("November 2017");
        assert_rejected("October 2016");
        assert_rejected("In 2013");
        assert_rejected("Nov 18");
        assert_rejected("18 Nov");
        assert_rejected("November 18th");
        assert_rejected("Posted on November 18");
        assert_rejected("Nov 18, '17");
        assert_rejected("2017-11");
    }

    #[test]
    fn no_date_at_all() {
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("   "), None);
        assert_eq!(parse_date("hello world"), None);
        assert_eq!(parse_date("Published:"), None);
        assert_eq!(find_dateline(""), None);
        assert_eq!(find_dateline("\n\n\n"), None);
        assert_eq!(
            find_dateline("A title\n\nSome text without a date.\n\nMore text."),
            None
        );
    }

    #[test]
    fn parse_date_rejects_extra_prose() {
        assert_eq!(
            parse_date("November 18, 2017 — The ministry said the army had entered Raqqa."),
            None
        );
        assert_eq!(parse_date("On November 18, 2017"), None);
        assert_eq!(parse_date("Politics | November 18, 2017"), None);
        assert_eq!(parse_date("November 18, 2017 and then some"), None);
    }

    #[test]
    fn dates_in_prose_lines_are_not_datelines() {
        let prose = [
            "In the attack on Mosul (October 2016) the U.S. has allowed ISIS fighters to flee to Syria.",
            "On November 18, 2017, the army entered Raqqa and then went on to do many other things.",
            "On November 18, 2017, the army entered Raqqa.",
            "On November 18, 2017 the army entered Raqqa",
            "The army entered Raqqa on November 18, 2017.",
            "It happened on November 18, 2017",
            "November 18, 2017, the army entered Raqqa",
            "November 18, 2017: A day the whole world will remember",
            "What happened on November 18, 2017?",
            "Trump's November 18, 2017 speech",
            "November 18, 2017: Raqqa falls",
            "November 18, 2017 in News",
            "Between November 18, 2017 and December 1, 2017 nothing happened at all in the town.",
        ];
        for line in prose {
            assert_rejected(line);
        }
    }

    #[test]
    fn dates_in_urls_and_tokens_are_ignored() {
        assert_rejected("https://example.com/2017/11/18/raqqa-deal");
        assert_rejected("Source: example.com/news/2017-11-18/raqqa");
        assert_rejected("file_2017-11-18.txt");
        assert_rejected("ID-2017-11-18-42");
    }

    // ---- dateline lines that hold more than the date ------------------------------------

    #[test]
    fn wire_style_line() {
        let text = "November 18, 2017 — The ministry said on Saturday that the army had entered \
                    Raqqa after weeks of fighting in the north.\n\nMore text.";
        let found = find_dateline(text).expect("wire dateline");
        assert_eq!(found.date, nov18());
        assert_eq!(found.line, 0..text.find('\n').expect("newline"));
        assert!(!found.line_is_only_date);

        let text = "Title\n\n18 Nov 2017 - The ministry said so.\n\nMore.";
        let found = find_dateline(text).expect("hyphen wire dateline");
        assert_eq!(found.date, nov18());
        assert!(!found.line_is_only_date);
    }

    #[test]
    fn wire_style_with_location() {
        let text = "Title\n\nWASHINGTON, November 18, 2017 — The ministry said on Saturday that \
                    the army had entered Raqqa after weeks of fighting in the north.\n\nMore.";
        let found = find_dateline(text).expect("wire dateline with location");
        assert_eq!(found.date, nov18());
        assert!(!found.line_is_only_date);

        let text = "Title\n\nNEW YORK (Reuters) - 18 Nov 2017 - Stocks fell sharply on Saturday \
                    as traders worried about many things at once today.\n\nMore.";
        assert_eq!(find_dateline(text).map(|f| f.date), Some(nov18()));
    }

    #[test]
    fn short_metadata_lines() {
        for line in [
            "Politics | November 18, 2017",
            "Raqqa, 18 November 2017",
            "By Jane Doe, Staff Writer | November 18, 2017",
            "— John Smith, November 18, 2017",
            "November 18, 2017, Raqqa",
            "Nov 18, 2017 | Middle East, Syria, Iraq",
        ] {
            let text = format!("Title\n\n{line}\n\nBody text.");
            let found = find_dateline(&text).unwrap_or_else(|| panic!("no dateline: {line:?}"));
            assert_eq!(found.date, nov18(), "{line:?}");
            assert_eq!(found.line, 7..7 + line.len(), "{line:?}");
            assert!(!found.line_is_only_date, "{line:?}");
        }
    }

    #[test]
    fn cue_led_lines_with_trailing_text() {
        let text = "Body.\n\nThis entry was posted on Saturday, November 18th, 2017 at 10:30 am \
                    and is filed under News. You can follow any responses to this entry through \
                    the RSS 2.0 feed.";
        let found = find_dateline(text).expect("wordpress footer");
        assert_eq!(found.date, nov18());
        assert!(!found.line_is_only_date);

        let text = "Title\n\nPosted in News on November 18, 2017\n\nBody.";
        let found = find_dateline(text).expect("posted in category");
        assert_eq!(found.date, nov18());
        assert!(!found.line_is_only_date);
    }

    // ---- whole articles -----------------------------------------------------------------

    #[test]
    fn article_with_date_first_line() {
        let text = "18 November 2017\n\nWhy ISIS Fighters Were Allowed to Leave Raqqa?\n\n\
                    I have always been curious about how the fighters left the city.\n\n\
                    In 2013, when ISIS showed up in Raqqa, the city was already in ruins.\n\n\
                    More paragraphs follow here.";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.date, nov18());
        assert_eq!(found.line, 0..16);
        assert!(found.line_is_only_date);
    }

    #[test]
    fn article_with_comma_date_and_prose_dates() {
        let text = "12 December, 2016\n\nThe U.S. has a peculiar relationship with ISIS in \
                    Syria, which may be explained as follows.\n\nFor years, the story has been \
                    told in many ways. In the attack on Mosul (October 2016) the U.S. has \
                    allowed ISIS fighters to flee to Syria.\n\nThe end.";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.date, ymd(2016, 12, 12));
        assert_eq!(found.line, 0..17);
        assert!(found.line_is_only_date);
    }

    #[test]
    fn undated_article_with_prose_years() {
        let text = "How the Deal Was Made\n\nAccording to a Der Spiegel report published two \
                    years ago, the fighters were paid.\n\nThe fighting between 2005-2007 was \
                    the worst in decades.\n\nIn 2013, the group returned.\n\nOfficials denied \
                    it all in November 2017.\n\nNobody knows the truth.";
        assert_eq!(find_dateline(text), None);
    }

    #[test]
    fn bottom_dateline() {
        let text = "A Title\n\nFirst paragraph of the article.\n\nSecond paragraph.\n\n\
                    Third paragraph.\n\nFourth paragraph.\n\n...last paragraph.\n\n\
                    Posted on November 18, 2017 by admin";
        let found = find_dateline(text).expect("bottom dateline");
        assert_eq!(found.date, nov18());
        let start = text.rfind('\n').expect("newline") + 1;
        assert_eq!(found.line, start..text.len());
        assert_eq!(
            &text[found.line.clone()],
            "Posted on November 18, 2017 by admin"
        );
        assert!(found.line_is_only_date);
    }

    #[test]
    fn bottom_dateline_with_trailing_newlines() {
        let text = "A Title\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\n18 Nov 2017\n\n\n";
        let found = find_dateline(text).expect("bottom dateline");
        assert_eq!(&text[found.line.clone()], "18 Nov 2017");
    }

    #[test]
    fn short_article_lines_are_seen_once() {
        let text = "Title\n\nOnly paragraph.\n\nPosted on November 18, 2017";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.date, nov18());
        assert_eq!(&text[found.line.clone()], "Posted on November 18, 2017");
    }

    #[test]
    fn dates_in_the_middle_are_never_used() {
        let mut text = String::from("Title\n\nP1.\n\nP2.\n\nP3.\n\nP4.\n\n");
        text.push_str("November 18, 2017\n\n");
        text.push_str("P6.\n\nP7.\n\nP8.\n\nP9.");
        assert_eq!(find_dateline(&text), None);
    }

    #[test]
    fn fifth_line_is_not_top() {
        let text = "Title\n\nOne.\n\nTwo.\n\nThree.\n\nNovember 18, 2017\n\nA.\n\nB.\n\nC.\n\nD.";
        assert_eq!(find_dateline(text), None);
    }

    #[test]
    fn disagreeing_top_and_bottom_leave_the_article_undated() {
        let text = "Title\n\nNovember 18, 2017\n\nP1.\n\nP2.\n\nP3.\n\nP4.\n\nP5.\n\n\
                    Posted on November 20, 2017";
        assert_eq!(find_dateline(text), None);
        let text = "Title\n\nNovember 18, 2017\n\nP1.\n\nP2.\n\nP3.\n\nP4.\n\nP5.\n\n\
                    Posted on November 18, 2017";
        let found = find_dateline(text).expect("agreeing datelines");
        assert_eq!(found.line, 7..24);
    }

    #[test]
    fn disagreeing_top_candidates_leave_the_article_undated() {
        let text = "November 18, 2017\n\nTitle\n\nNovember 20, 2017\n\nBody.";
        assert_eq!(find_dateline(text), None);
        let text = "November 18, 2017\n\nTitle\n\nNovember 18, 2017\n\nBody.";
        let found = find_dateline(text).expect("agreeing datelines");
        assert_eq!(found.line, 0..17);
        assert_rejected("May 2, 2016 – May 9, 2016");
    }

    #[test]
    fn citations_quotations_and_list_items_are_not_datelines() {
        for line in [
            "The Washington Post. May 27, 1994. The headline:",
            "The Washington Post. May 27, 1994.",
            "(The Washington Post, May 27, 1994)",
            "[Reuters, 27 May 1994]",
            "Retrieved May 27, 1994",
            "Source: The Washington Post, May 27, 1994",
            "This article was first published in The Nation on May 27, 1994",
            "Originally appeared in Salon, May 27, 1994",
            "According to the Post, May 27, 1994",
            "“Hillary’s Trades,” The Washington Post, May 27, 1994",
            "\"It was a scandal,\" she said, May 27, 1994",
            "- May 27, 1994 | Whitewater",
            "* May 27, 1994",
            "3. May 27, 1994",
            "[3] May 27, 1994",
            "The Nation, Vol. 12, May 27, 1994",
            "May 27, 1994. The story begins as follows:",
        ] {
            assert_rejected(line);
        }
        // A cue-led dateline that runs into the first sentence (AllSides, The Atlantic).
        let text = "Title\n\nUpdated at 9:30 p.m. ET on December 20, 2019. I knew nothing about \
                    Cole before meeting him.\n\nBody.";
        assert_eq!(find_dateline(text).map(|f| f.date), Some(ymd(2019, 12, 20)));
        // Quotations in the sentence after such a dateline are the article's text.
        let text = "Title\n\nUpdated at 2:30 p.m. ET on February 10, 2020. I clicked “Like” on \
                    pages with names like “In Trump We Trust.” I complied.\n\nBody.";
        assert_eq!(find_dateline(text).map(|f| f.date), Some(ymd(2020, 2, 10)));
        // Bylines closed by a full stop and day-first numerals with a dot still are datelines.
        assert_form("By Jane Doe. November 18, 2017", nov18());
        assert_form("18. November 2017", nov18());
    }

    #[test]
    fn published_line_preferred_over_updated_line() {
        let text = "Title\n\nUpdated: November 20, 2017\n\nPublished: November 18, 2017\n\nBody.";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.date, nov18());
        assert_eq!(&text[found.line.clone()], "Published: November 18, 2017");

        // An explicit publication date at the bottom beats an update at the top.
        let text = "Title\n\nLast updated: November 20, 2017\n\nP1.\n\nP2.\n\nP3.\n\nP4.\n\n\
                    P5.\n\nFirst published on November 18, 2017";
        assert_eq!(find_dateline(text).map(|f| f.date), Some(nov18()));
    }

    #[test]
    fn updated_line_used_when_alone() {
        let text = "Title\n\nUpdated: November 20, 2017\n\nBody.";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.date, ymd(2017, 11, 20));
        assert!(found.line_is_only_date);
    }

    #[test]
    fn ambiguous_numeric_dateline_is_skipped_for_a_clear_one() {
        let text = "03/04/2017\n\nTitle\n\nBody.\n\nPosted on November 18, 2017";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.date, nov18());
    }

    #[test]
    fn crlf_line_end_is_not_in_range() {
        let text = "18 November 2017\r\n\r\nTitle\r\n";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(found.line, 0..16);
    }

    #[test]
    fn long_lines_do_not_panic_and_need_an_early_date() {
        let filler = "é".repeat(300);
        let text = format!("{filler} November 18, 2017\n\nBody.");
        assert_eq!(find_dateline(&text), None);
        let text = format!("Posted on November 18, 2017 {filler}{filler}\n\nBody.");
        let found = find_dateline(&text).expect("cue-led long line");
        assert_eq!(found.date, nov18());
        assert!(!found.line_is_only_date);
    }

    #[test]
    fn found_date_carries_the_line_range_of_a_later_line() {
        let text = "Why ISIS Fighters Were Allowed to Leave Raqqa?\n\nSat, 18 Nov 2017\n\nBody.";
        let found = find_dateline(text).expect("dateline");
        assert_eq!(&text[found.line.clone()], "Sat, 18 Nov 2017");
        assert_eq!(found.line.start, 48);
    }
}
