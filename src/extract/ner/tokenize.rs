//! Tokenizing raw text the way the CoNLL-2003 data is tokenized.
//!
//! - Words are split on whitespace; leading and trailing punctuation become tokens of their own.
//! - Possessives are split off: `Baghdadi's` → `Baghdadi` `'s`, `Kurds'` → `Kurds` `'`.
//! - Inner hyphens stay (`al-Baghdadi`, `U.S.-backed`); dashes (`--`, `—`, `–`) split.
//! - A final period stays on initialisms (`U.S.`), single initials (`W.`) and common
//!   abbreviations (`Mr.`, `Gen.`, `Inc.`), and ends the sentence otherwise.
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

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "lt", "col", "sgt", "capt", "maj", "adm", "gov",
    "sen", "rep", "rev", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "pres", "cmdr",
];

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

/// Does a word ending in `.` keep its period?
fn keeps_period(word: &str) -> bool {
    let stem = &word[..word.len() - 1];
    if stem.is_empty() {
        return false;
    }
    // Initialisms: U.S. / U.N. / e.g. ; single initials: W.
    let letters_and_dots = stem.chars().all(|c| c.is_alphabetic() || c == '.');
    if letters_and_dots && stem.contains('.') && stem.split('.').all(|p| p.chars().count() <= 2) {
        return true;
    }
    if stem.chars().count() == 1 && stem.chars().all(char::is_uppercase) {
        return true;
    }
    let lower = stem.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Splits one whitespace-delimited chunk (at byte `base`) into tokens.
fn split_chunk(chunk: &str, base: usize, out: &mut Vec<Range<usize>>) {
    // Dashes split the chunk into parts.
    let mut start = 0;
    let bytes = chunk.as_bytes();
    let mut i = 0;
    while i < chunk.len() {
        let rest = &chunk[i..];
        let dash = if rest.starts_with("--") {
            2
        } else if rest.starts_with('—') || rest.starts_with('–') {
            rest.chars().next().map_or(1, char::len_utf8)
        } else {
            0
        };
        if dash > 0 {
            split_part(&chunk[start..i], base + start, out);
            out.push(base + i..base + i + dash);
            i += dash;
            start = i;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    let _ = bytes;
    split_part(&chunk[start..], base + start, out);
}

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
    if word.len() > 2 && (lw.ends_with("'s") || lw.ends_with("’s")) {
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

/// The sentences of a text.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut base = 0;
    for line in text.split('\n') {
        let headline = is_headline(line);
        let mut cur = Vec::new();
        for t in line_tokens(line, base) {
            let tok = &text[t.clone()];
            let ends = matches!(tok, "." | "!" | "?");
            cur.push(t);
            if ends {
                out.push(Sentence {
                    tokens: std::mem::take(&mut cur),
                    headline,
                });
            }
        }
        if !cur.is_empty() {
            out.push(Sentence {
                tokens: cur,
                headline,
            });
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
