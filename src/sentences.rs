//! The crate's one sentence splitter and its abbreviation list, used by the recognizer's
//! tokenizer (`extract::ner::tokenize`) and by passage splitting (`passages`).
//!
//! A sentence ends at `.`, `!` or `?` (plus closing quotes or brackets) followed by whitespace and
//! an uppercase letter, a digit or an opening quote or bracket, unless the period ends an
//! abbreviation ([`is_abbreviation`]: `Mr.`, `Gen.`, `Inc.`, a single initial such as `W.`, an
//! initialism such as `U.S.` or `a.m.`).

use std::ops::Range;

/// Abbreviations after which a period does not end a sentence (lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "col", "gen", "lt", "sgt", "capt", "cmdr",
    "adm", "maj", "gov", "sen", "rep", "rev", "hon", "pres", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "vs", "etc", "inc", "ltd", "co",
    "corp", "dept", "est", "fig", "approx", "ft", "mt", "ave", "blvd",
];

/// True when a word ending in `.` (given with or without that period) is an abbreviation whose
/// period belongs to it: a listed abbreviation (any case), a single capital initial (`W.`), or
/// an initialism of letters and dots whose parts have at most two letters (`U.S.`, `e.g.`).
pub fn is_abbreviation(word: &str) -> bool {
    let stem = word.strip_suffix('.').unwrap_or(word);
    if stem.is_empty() {
        return false;
    }
    let mut chars = stem.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    if stem.contains('.')
        && stem.chars().all(|c| c.is_alphabetic() || c == '.')
        && stem.split('.').all(|p| p.chars().count() <= 2)
    {
        return true;
    }
    stem.len() <= 6 && stem.is_ascii() && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(stem))
}

/// Sentence byte ranges in `s` (trimmed at the end of the text; each sentence starts at its
/// first non-space character).
pub fn split(s: &str) -> Vec<Range<usize>> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = s.len() - s.trim_start().len();
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            }
            let end = j;
            if j < bytes.len() && bytes[j].is_ascii_whitespace() {
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let next_starts = s[j..].chars().next().is_some_and(|ch| {
                    ch.is_uppercase() || ch.is_ascii_digit() || matches!(ch, '"' | '\'' | '(')
                });
                if next_starts && !(c == b'.' && is_abbreviation(last_word(&s[start..i]))) {
                    out.push(start..end);
                    start = j;
                    i = j;
                    continue;
                }
            }
        }
        i += 1;
    }
    if start < s.len() {
        let tail = s[start..].trim_end();
        if !tail.is_empty() {
            out.push(start..start + tail.len());
        }
    }
    out
}

/// True when the word at byte `at` of `s` opens a sentence or a line by the rule of [`split`]:
/// before it, past spaces and opening quotes or brackets, comes the start of the text, a line
/// break, or `.`, `!` or `?` (with closing quotes or brackets) that does not end an abbreviation;
/// also `:`, which opens a quotation or a list item. There a capital says nothing about a word.
pub fn starts_sentence(s: &str, at: usize) -> bool {
    let before = s[..at].trim_end_matches(|c: char| {
        (c.is_whitespace() && c != '\n') || matches!(c, '"' | '\'' | '(' | '[' | '“' | '‘')
    });
    let end = before.trim_end_matches(['"', '\'', ')', ']', '”', '’']);
    let spaced = s[before.len()..at].contains(char::is_whitespace);
    match end.chars().next_back() {
        None | Some('\n' | ':') => true,
        Some('!' | '?') => spaced,
        Some('.') => spaced && !is_abbreviation(last_word(&end[..end.len() - 1])),
        Some(_) => false,
    }
}

/// The last word of `before`, without leading quotes or brackets.
fn last_word(before: &str) -> &str {
    before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respects_abbreviations_and_initials() {
        let s = "Mr. Smith went to Washington. He met Gen. J. Allen at 10 a.m. today! Then \"he left.\" The U.S. said no.";
        let got: Vec<&str> = split(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            got,
            vec![
                "Mr. Smith went to Washington.",
                "He met Gen. J. Allen at 10 a.m. today!",
                "Then \"he left.\"",
                "The U.S. said no."
            ]
        );
        assert_eq!(split("  Two.  Parts. "), vec![2..6, 8..14]);
    }

    #[test]
    fn sentence_starts() {
        let s = "Twitter said so. Twitter, he said: \"Facebook\" and Mr. Google.\n(Amazon) x.Yahoo";
        let at = |w: &str| starts_sentence(s, s.find(w).unwrap());
        assert!(at("Twitter said"), "the text's start");
        assert!(at("Twitter,"), "after a period");
        assert!(at("Facebook"), "after a colon and a quote");
        assert!(!at("Google"), "after an abbreviation");
        assert!(at("Amazon"), "a line's start, past a bracket");
        assert!(!at("Yahoo"), "no space after the period");
        assert!(!at("said so"), "mid-sentence");
    }

    #[test]
    fn abbreviations() {
        for w in ["Mr.", "mr", "Inc.", "U.S.", "e.g.", "W.", "a.m."] {
            assert!(is_abbreviation(w), "{w}");
        }
        for w in ["Iraq.", "w.", ".", "", "said", "Mosul."] {
            assert!(!is_abbreviation(w), "{w}");
        }
    }
}
