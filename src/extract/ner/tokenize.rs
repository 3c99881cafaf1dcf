//! Tokenizing raw text the way the CoNLL-2003 data is tokenized.
//!
//! - Words are split on whitespace; leading and trailing punctuation become tokens of their own.
//! - Possessives are split off: `Baghdadi's` → `Baghdadi` `'s`, `Kurds'` → `Kurds` `'`.
//! - Contractions are split: `I'm` → `I` `'m`, `don't` → `do` `n't`.
//! - Inner hyphens stay (`al-Baghdadi`, `U.S.-backed`); dashes (`--`, `—`, `–`), brackets and
//!   slashes next to letters split (`Saudi/U.S.`, `Taliban)`); a URL is one token.
//! - A final period stays on initialisms (`U.S.`), single initials (`W.`) and common
//!   abbreviations (`Mr.`, `Gen.`, `Inc.`) and is a token otherwise.
//! - Sentences are found by the crate's one splitter, [`crate::sentences`].
//! - Sentences never cross a line; a line that looks like a headline (mostly ALL CAPS, or short
//!   and in Title Case without a final period) is flagged, since names found there are less
//!   reliable.

use std::ops::Range;

/// A sentence: byte ranges of its tokens in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Token byte ranges, in order.
    pub tokens: Vec<Range<usize>>,
    /// True when the sentence's line looks like a headline.
    pub headline: bool,
}

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '`' | '«' | '‘' | '“' | '*'
    )
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '.'
            | '»'
            | '’'
            | '”'
            | '…'
            | '*'
    )
}

/// Does a word ending in `.` keep its period? (Initialisms, initials, abbreviations.)
fn keeps_period(word: &str) -> bool {
    crate::sentences::is_abbreviation(word)
}

/// Splits one whitespace-delimited chunk (at byte `base`) into tokens. A URL stays one token;
/// otherwise dashes (`--`, `—`, `–`) and brackets are tokens wherever they are, and so is a
/// slash next to a letter (`Saudi/U.S.` → `Saudi` `/` `U.S.`).
fn split_chunk(chunk: &str, base: usize, out: &mut Vec<Range<usize>>) {
    if chunk.contains("://") || chunk.starts_with("www.") {
        out.push(base..base + chunk.len());
        return;
    }
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut chars = chunk.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let len = if c == '-' && next == Some('-') {
            2
        } else if matches!(c, '—' | '–' | '(' | ')' | '[' | ']')
            || (c == '/'
                && (prev.is_some_and(char::is_alphabetic) || next.is_some_and(char::is_alphabetic)))
        {
            c.len_utf8()
        } else {
            prev = Some(c);
            continue;
        };
        split_part(&chunk[start..i], base + start, out);
        out.push(base + i..base + i + len);
        if len == 2 {
            chars.next();
        }
        start = i + len;
        prev = None;
    }
    split_part(&chunk[start..], base + start, out);
}

/// Contraction endings split off as tokens, as in the CoNLL data (`I` `'m`, `do` `n't`).
const CONTRACTIONS: &[&str] = &[
    "n't", "'m", "'re", "'ve", "'ll", "'d", "n’t", "’m", "’re", "’ve", "’ll", "’d",
];

fn split_part(part: &str, base: usize, out: &mut Vec<Range<usize>>) {
    if part.is_empty() {
        return;
    }
    let mut s = 0;
    let mut e = part.len();
    let mut lead = Vec::new();
    while let Some(c) = part[s..e].chars().next() {
        if is_open_punct(c) && e - s > c.len_utf8() {
            lead.push(base + s..base + s + c.len_utf8());
            s += c.len_utf8();
        } else {
            break;
        }
    }
    let mut trail = Vec::new();
    while let Some(c) = part[s..e].chars().next_back() {
        if e - s <= c.len_utf8() || !is_close_punct(c) {
            break;
        }
        if c == '.' && keeps_period(&part[s..e]) {
            break;
        }
        // Possessive: Kurds'
        if c == '\'' && part[s..e - 1].ends_with(['s', 'S']) && e - s > 2 {
            trail.push(base + e - 1..base + e);
            e -= 1;
            break;
        }
        trail.push(base + e - c.len_utf8()..base + e);
        e -= c.len_utf8();
    }
    out.extend(lead);
    let word = &part[s..e];
    let lw = word.to_ascii_lowercase();
    let contraction = CONTRACTIONS
        .iter()
        .find(|c| lw.len() > c.len() && lw.ends_with(*c))
        .map(|c| c.len());
    if let Some(n) = contraction {
        out.push(base + s..base + e - n);
        out.push(base + e - n..base + e);
    } else if word.len() > 2 && (lw.ends_with("'s") || lw.ends_with("’s")) {
        let cut = e - if lw.ends_with("'s") { 2 } else { 4 };
        if cut > s {
            out.push(base + s..base + cut);
            out.push(base + cut..base + e);
        } else {
            out.push(base + s..base + e);
        }
    } else if e > s {
        out.push(base + s..base + e);
    }
    out.extend(trail.into_iter().rev());
}

/// Tokens of one line, as byte ranges in `text` (the line starts at byte `base`).
fn line_tokens(line: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                split_chunk(&line[s..i], base + s, &mut out);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        split_chunk(&line[s..], base + s, &mut out);
    }
    out
}

/// Does a line look like a headline?
pub fn is_headline(line: &str) -> bool {
    let words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.len() < 2 {
        return false;
    }
    let caps = words
        .iter()
        .filter(|w| !w.chars().any(char::is_lowercase))
        .count();
    if caps * 3 >= words.len() * 2 {
        return true;
    }
    let trimmed = line.trim_end();
    if words.len() > 14 || trimmed.ends_with('.') || trimmed.ends_with(',') {
        return false;
    }
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() > 3).collect();
    !long.is_empty()
        && long.iter().all(|w| {
            w.trim_start_matches(is_open_punct)
                .starts_with(char::is_uppercase)
        })
}

/// The sentences of a text: each line is split by [`crate::sentences::split`], then tokenized.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut base = 0;
    for line in text.split('\n') {
        let headline = is_headline(line);
        for r in crate::sentences::split(line) {
            let tokens = line_tokens(&line[r.clone()], base + r.start);
            if !tokens.is_empty() {
                out.push(Sentence { tokens, headline });
            }
        }
        base += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Vec<&str>> {
        sentences(text)
            .into_iter()
            .map(|s| s.tokens.into_iter().map(|r| &text[r]).collect())
            .collect()
    }

    #[test]
    fn splits_like_conll() {
        assert_eq!(
            toks("Abu Bakr al-Baghdadi's men (ISIS) fled to the U.S. on Monday."),
            [vec![
                "Abu",
                "Bakr",
                "al-Baghdadi",
                "'s",
                "men",
                "(",
                "ISIS",
                ")",
                "fled",
                "to",
                "the",
                "U.S.",
                "on",
                "Monday",
                "."
            ]]
        );
        assert_eq!(
            toks("The Kurds' advance -- slow. Mr. Smith said \"no\"."),
            [
                vec!["The", "Kurds", "'", "advance", "--", "slow", "."],
                vec!["Mr.", "Smith", "said", "\"", "no", "\"", "."]
            ]
        );
        assert_eq!(
            toks("George W. Bush—again"),
            [vec!["George", "W.", "Bush", "—", "again"]]
        );
    }

    #[test]
    fn web_text_punctuation_splits() {
        assert_eq!(
            toks("I'm sure we don't (al Qaeda/Taliban) see https://t.co/x?a=b."),
            [vec![
                "I",
                "'m",
                "sure",
                "we",
                "do",
                "n't",
                "(",
                "al",
                "Qaeda",
                "/",
                "Taliban",
                ")",
                "see",
                "https://t.co/x?a=b."
            ]]
        );
        assert_eq!(
            toks("Saudi/U.S. ties, 1/2"),
            [vec!["Saudi", "/", "U.S.", "ties", ",", "1/2"]]
        );
        assert_eq!(toks("Trump’s"), [vec!["Trump", "’s"]]);
    }

    #[test]
    fn sentences_stay_on_their_line() {
        let s = sentences("WHY ISIS FIGHTERS WERE ALLOWED TO LEAVE RAQQA\nThe SDF said so");
        assert_eq!(s.len(), 2);
        assert!(s[0].headline);
        assert!(!s[1].headline);
        assert!(is_headline(
            "Why ISIS Fighters Were Allowed to Leave Raqqa?"
        ));
        assert!(!is_headline(
            "The Syrian Democratic Forces said on Monday that it was over."
        ));
    }
}
