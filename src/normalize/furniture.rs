//! Site furniture: lines, line templates and inline fragments that an outlet repeats across
//! many different stories (video-player blocks, reprint notices, newsletter prompts,
//! "… MORE" link text, photo credits).
//!
//! This module owns the *keys* that describe a text's lines (so that an index can count them per
//! outlet, see `index::furniture`), the [`Learned`] set of keys found to be furniture, and
//! [`mark`], which finds the furniture in a text as byte ranges. It never changes the text:
//! callers keep the stored text whole and leave the ranges out of what they index, count,
//! show as passages or feed to the recognizer ([`without`]).
//!
//! Words are compared after folding case, digits (every digit is `0`) and the punctuation at
//! their edges, so "Updated at 5:10 p.m." and "Updated at 9:15 p.m." share a key. Four kinds
//! of key describe a line:
//!
//! - the whole line ([`Kind::Line`], or [`Kind::ShortLine`] when it has at most
//!   [`SHORT_LINE_WORDS`] words and no double quote: only those may be learned archive-wide);
//! - its template ([`Kind::Template`]): first two words and last word, for lines of 4 to
//!   [`TEMPLATE_MAX_WORDS`] words that do not end a sentence ("JUST WATCHED … 01:49");
//! - every run of [`SHINGLE`] consecutive words ([`Kind::Shingle`]): a line part covered by
//!   learned shingles is an inline fragment; when they cover the whole line, the line is.

use crate::hashing::PreHashedSet;
use std::collections::HashMap;
use std::ops::Range;

/// Words in a shingle: an inline fragment is a run of at least this many words.
pub const SHINGLE: usize = 8;
/// Lines of at most this many words (and no double quote) may be learned archive-wide.
pub const SHORT_LINE_WORDS: usize = 12;
/// Longest line (in words) that a template describes.
pub const TEMPLATE_MAX_WORDS: usize = 40;

/// What a key describes; stored in its two low bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A whole line.
    Line = 0,
    /// A whole short line without quotes (may be learned archive-wide).
    ShortLine = 1,
    /// A line's first two words and last word.
    Template = 2,
    /// [`SHINGLE`] consecutive words.
    Shingle = 3,
}

impl Kind {
    /// The kind of a key.
    pub fn of(key: u64) -> Kind {
        match key & 3 {
            0 => Kind::Line,
            1 => Kind::ShortLine,
            2 => Kind::Template,
            _ => Kind::Shingle,
        }
    }
}

/// A word of a line: where it is and the hash of its folded form.
#[derive(Debug, Clone)]
struct Word {
    range: Range<usize>,
    hash: u64,
}

/// FNV-1a over the folded word; stable across runs and platforms (keys are stored on disk).
fn word_hash(word: &str) -> Option<u64> {
    let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() {
        return None;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in trimmed.chars().flat_map(char::to_lowercase) {
        let c = if c.is_numeric() { '0' } else { c };
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Some(h)
}

fn words(text: &str, offset: usize) -> Vec<Word> {
    text.split_whitespace()
        .filter_map(|w| {
            let start = offset + (w.as_ptr() as usize - text.as_ptr() as usize);
            word_hash(w).map(|hash| Word {
                range: start..start + w.len(),
                hash,
            })
        })
        .collect()
}

fn combine(kind: Kind, hashes: impl Iterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3 ^ (kind as u64);
    for x in hashes {
        h = (h.rotate_left(23) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    h ^= h >> 29;
    (h & !3) | kind as u64
}

/// The keys of one line, its words already found.
struct LineKeys {
    line: u64,
    template: Option<u64>,
}

fn line_keys(line: &str, w: &[Word]) -> LineKeys {
    let short = w.len() <= SHORT_LINE_WORDS && !line.contains('"');
    let kind = if short { Kind::ShortLine } else { Kind::Line };
    let ends_sentence = line
        .trim_end_matches(['"', '\'', ')', ']'])
        .ends_with(['.', '!', '?']);
    let template = (w.len() >= 4 && w.len() <= TEMPLATE_MAX_WORDS && !ends_sentence).then(|| {
        combine(
            Kind::Template,
            [w[0].hash, w[1].hash, w[w.len() - 1].hash].into_iter(),
        )
    });
    LineKeys {
        line: combine(kind, w.iter().map(|x| x.hash)),
        template,
    }
}

fn shingle_key(w: &[Word]) -> u64 {
    combine(Kind::Shingle, w.iter().map(|x| x.hash))
}

/// Lines of `text` with their byte offset, trimmed, empty ones left out.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').filter_map(move |line| {
        let start = offset + (line.len() - line.trim_start().len());
        offset += line.len() + 1;
        let trimmed = line.trim();
        (!trimmed.is_empty()).then_some((start, trimmed))
    })
}

/// Every distinct key of a text (whole lines, templates, shingles), sorted: what an index counts
/// once per story.
pub fn keys(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    scan(text, "", &Learned::default(), Some(&mut out));
    out
}

/// A text forced to be furniture by the override file: its folded words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Forced {
    outlet: Option<String>,
    words: Vec<u64>,
}

/// The keys learned to be furniture, per outlet and archive-wide, plus forced texts.
///
/// Outlet names are compared case-insensitively; articles without an outlet use the outlet `""`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Learned {
    outlets: HashMap<String, PreHashedSet<u64>>,
    everywhere: PreHashedSet<u64>,
    forced: Vec<Forced>,
}

fn outlet_key(outlet: &str) -> String {
    outlet.trim().to_lowercase()
}

impl Learned {
    /// True when nothing is furniture.
    pub fn is_empty(&self) -> bool {
        self.outlets.values().all(|s| s.is_empty())
            && self.everywhere.is_empty()
            && self.forced.is_empty()
    }

    /// Marks `key` as furniture for `outlet`, or everywhere when `None`.
    pub fn insert(&mut self, outlet: Option<&str>, key: u64) {
        match outlet {
            Some(o) => {
                self.outlets.entry(outlet_key(o)).or_default().insert(key);
            }
            None => {
                self.everywhere.insert(key);
            }
        }
    }

    /// Never treats `text` (as a line, a template or any of its shingles) as learned furniture
    /// of `outlet` (every outlet when `None`).
    pub fn unlearn_text(&mut self, outlet: Option<&str>, text: &str) {
        let ks = keys(text);
        let drop = |set: &mut PreHashedSet<u64>| {
            for k in &ks {
                set.remove(k);
            }
        };
        match outlet {
            Some(o) => {
                if let Some(set) = self.outlets.get_mut(&outlet_key(o)) {
                    drop(set);
                }
            }
            None => {
                self.outlets.values_mut().for_each(drop);
                drop(&mut self.everywhere);
            }
        }
    }

    /// Treats every occurrence of `text` (compared word by word) as furniture of `outlet`
    /// (every outlet when `None`).
    pub fn force_text(&mut self, outlet: Option<&str>, text: &str) {
        let words: Vec<u64> = words(text, 0).into_iter().map(|w| w.hash).collect();
        if !words.is_empty() {
            self.forced.push(Forced {
                outlet: outlet.map(outlet_key),
                words,
            });
        }
    }

    /// The outlets (lower case) whose furniture differs between `self` and `other`; `None` when
    /// archive-wide furniture differs (every outlet is concerned).
    pub fn changed_outlets(&self, other: &Learned) -> Option<Vec<String>> {
        if self.everywhere != other.everywhere
            || self
                .forced
                .iter()
                .chain(&other.forced)
                .any(|f| f.outlet.is_none())
                && self.forced != other.forced
        {
            return None;
        }
        let empty = PreHashedSet::default();
        let mut out: Vec<String> = self
            .outlets
            .keys()
            .chain(other.outlets.keys())
            .filter(|o| {
                self.outlets.get(*o).unwrap_or(&empty) != other.outlets.get(*o).unwrap_or(&empty)
            })
            .cloned()
            .collect();
        for f in self.forced.iter().chain(&other.forced) {
            if let Some(o) = &f.outlet {
                let mine: Vec<_> = self
                    .forced
                    .iter()
                    .filter(|g| g.outlet == f.outlet)
                    .collect();
                let theirs: Vec<_> = other
                    .forced
                    .iter()
                    .filter(|g| g.outlet == f.outlet)
                    .collect();
                if mine != theirs {
                    out.push(o.clone());
                }
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }
}

/// How a piece of furniture was recognized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece {
    /// A whole line (learned as a line, or covered by learned shingles or a forced text).
    Line,
    /// A whole line whose template was learned.
    Template,
    /// Part of a line.
    Fragment,
}

/// The furniture of `text`, an article of `outlet` (`""` when unknown): sorted, disjoint byte
/// ranges of whole lines (trimmed) and inline fragments.
pub fn mark(text: &str, outlet: &str, learned: &Learned) -> Vec<Range<usize>> {
    mark_pieces(text, outlet, learned)
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

/// [`mark`], saying how each range was recognized.
pub fn mark_pieces(text: &str, outlet: &str, learned: &Learned) -> Vec<(Range<usize>, Piece)> {
    scan(text, outlet, learned, None)
}

/// [`mark`] and [`keys`] at once, reading the text's words once.
pub fn mark_and_keys(text: &str, outlet: &str, learned: &Learned) -> (Vec<Range<usize>>, Vec<u64>) {
    let mut keys = Vec::new();
    let marked = scan(text, outlet, learned, Some(&mut keys));
    (marked.into_iter().map(|(r, _)| r).collect(), keys)
}

/// The furniture pieces of `text` (see [`mark_pieces`]), adding the text's distinct keys to
/// `keys` (sorted) when asked.
fn scan(
    text: &str,
    outlet: &str,
    learned: &Learned,
    mut keys: Option<&mut Vec<u64>>,
) -> Vec<(Range<usize>, Piece)> {
    let marking = !learned.is_empty();
    if !marking && keys.is_none() {
        return Vec::new();
    }
    let mine = learned.outlets.get(&outlet_key(outlet));
    let has = |k: &u64| mine.is_some_and(|s| s.contains(k)) || learned.everywhere.contains(k);
    let o = outlet_key(outlet);
    let forced: Vec<&Forced> = learned
        .forced
        .iter()
        .filter(|f| f.outlet.as_ref().is_none_or(|x| *x == o))
        .collect();
    let mut out: Vec<(Range<usize>, Piece)> = Vec::new();
    for (start, line) in lines(text) {
        let whole = start..start + line.len();
        let w = words(line, start);
        if w.is_empty() {
            continue;
        }
        let k = line_keys(line, &w);
        let shingles: Vec<u64> = if w.len() > SHINGLE {
            w.windows(SHINGLE).map(shingle_key).collect()
        } else {
            Vec::new()
        };
        if let Some(out) = keys.as_deref_mut() {
            out.push(k.line);
            out.extend(k.template);
            out.extend(&shingles);
        }
        if !marking {
            continue;
        }
        if has(&k.line) {
            out.push((whole, Piece::Line));
            continue;
        }
        if k.template.as_ref().is_some_and(has) {
            out.push((whole, Piece::Template));
            continue;
        }
        let mut covered = vec![false; w.len()];
        for (i, key) in shingles.iter().enumerate() {
            if has(key) {
                covered[i..i + SHINGLE].iter_mut().for_each(|c| *c = true);
            }
        }
        for f in &forced {
            let n = f.words.len();
            for i in 0..(w.len() + 1).saturating_sub(n) {
                if w[i..i + n].iter().zip(&f.words).all(|(a, b)| a.hash == *b) {
                    covered[i..i + n].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        if covered.iter().all(|c| *c) {
            out.push((whole, Piece::Line));
            continue;
        }
        let mut i = 0;
        while i < w.len() {
            if !covered[i] {
                i += 1;
                continue;
            }
            let first = i;
            while i < w.len() && covered[i] {
                i += 1;
            }
            out.push((w[first].range.start..w[i - 1].range.end, Piece::Fragment));
        }
    }
    if let Some(keys) = keys {
        keys.sort_unstable();
        keys.dedup();
    }
    out
}

/// Joins sorted ranges that only whitespace separates (furniture lines one after the other
/// become one block).
pub fn join(text: &str, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last)
                if text
                    .get(last.end..r.start)
                    .is_some_and(|gap| gap.trim().is_empty()) =>
            {
                last.end = r.end;
            }
            _ => out.push(r),
        }
    }
    out
}

/// The part `span` of `text` without the furniture `ranges`; a removed inline fragment leaves
/// one space, so the words around it stay apart.
pub fn without(text: &str, span: Range<usize>, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(span.len());
    let mut pos = span.start;
    for r in ranges {
        if r.end <= pos || r.start >= span.end {
            continue;
        }
        out.push_str(text.get(pos..r.start.max(pos)).unwrap_or(""));
        if !out.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push(' ');
        }
        pos = r.end.min(span.end);
        if out.is_empty() || out.ends_with(char::is_whitespace) {
            let rest = text.get(pos..span.end).unwrap_or("");
            pos += rest.len() - rest.trim_start_matches([' ', '\t']).len();
        }
    }
    out.push_str(text.get(pos..span.end).unwrap_or(""));
    out
}

/// A label for a template line: its first two words and its last one (`JUST WATCHED … 01:49`).
pub fn template_label(line: &str) -> String {
    let w: Vec<&str> = line.split_whitespace().collect();
    match w.as_slice() {
        [a, b, .., z] => format!("{a} {b} … {z}"),
        _ => line.to_string(),
    }
}

/// Writes furniture ranges as stored in the index: `start-end` byte offsets, comma-separated.
pub fn encode_ranges(ranges: &[Range<usize>]) -> String {
    ranges
        .iter()
        .map(|r| format!("{}-{}", r.start, r.end))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads what [`encode_ranges`] wrote, keeping only ranges that fit `len` and fall on char
/// boundaries of `text`.
pub fn decode_ranges(s: &str, text: &str) -> Vec<Range<usize>> {
    s.split(',')
        .filter_map(|p| {
            let (a, b) = p.split_once('-')?;
            let r = a.trim().parse().ok()?..b.trim().parse().ok()?;
            (r.start < r.end && text.get(r.clone()).is_some()).then_some(r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learned_from(outlet: &str, texts: &[&str]) -> Learned {
        let mut l = Learned::default();
        for t in texts {
            for k in keys(t) {
                l.insert(Some(outlet), k);
            }
        }
        l
    }

    #[test]
    fn digits_case_and_edge_punctuation_fold() {
        let a = keys("Updated at 5:10 p.m. ET");
        let b = keys("UPDATED at 9:15 p.m. ET");
        assert_eq!(a, b);
        assert_ne!(keys("Updated at noon"), a);
    }

    #[test]
    fn whole_lines_templates_and_fragments_are_marked() {
        let l = learned_from(
            "X",
            &[
                "Click here for reprint permission.",
                "JUST WATCHED Some video Replay More Videos ... MUST WATCH Some video 01:49",
                "Donald John Trump Senators balk at lengthy trial Warren goes local MORE",
            ],
        );
        let text = "Title\n\nClick here for reprint permission.\n\nJUST WATCHED Other thing entirely Replay More Videos ... MUST WATCH Other thing entirely 02:30\n\nPresident Trump Donald John Trump Senators balk at lengthy trial Warren goes local MORE said on Monday.";
        let m = mark(text, "x", &l);
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            got,
            [
                "Click here for reprint permission.",
                "JUST WATCHED Other thing entirely Replay More Videos ... MUST WATCH Other thing entirely 02:30",
                "Donald John Trump Senators balk at lengthy trial Warren goes local MORE"
            ]
        );
        let kinds: Vec<Piece> = mark_pieces(text, "x", &l)
            .into_iter()
            .map(|p| p.1)
            .collect();
        assert_eq!(kinds, [Piece::Line, Piece::Template, Piece::Fragment]);
        let joined = join(text, m.clone());
        assert_eq!(joined.len(), 2);
        assert_eq!(template_label(&text[m[1].clone()]), "JUST WATCHED … 02:30");
        let clean = without(text, 0..text.len(), &m);
        assert_eq!(clean, "Title\n\n\n\n\n\nPresident Trump said on Monday.");
        // Another outlet has no furniture.
        assert!(mark(text, "Y", &l).is_empty());
    }

    #[test]
    fn marks_and_keys_at_once_are_marks_and_keys() {
        let l = learned_from("X", &["Click here for reprint permission."]);
        let text = "A first line of the story, long enough for shingles of eight words.\n\nClick here for reprint permission.\nShort.";
        for (outlet, learned) in [("x", &l), ("y", &l), ("x", &Learned::default())] {
            assert_eq!(
                mark_and_keys(text, outlet, learned),
                (mark(text, outlet, learned), keys(text))
            );
        }
        assert_eq!(mark_and_keys(text, "x", &l).0.len(), 1);
    }

    #[test]
    fn prose_ending_a_sentence_has_no_template() {
        let l = learned_from("X", &["The senator said the bill would pass."]);
        let m = mark("The senator said the vote would fail.", "X", &l);
        assert!(m.is_empty());
    }

    #[test]
    fn forced_and_unlearned_texts() {
        let mut l = Learned::default();
        l.force_text(None, "Photo: AP");
        let text = "Body text here. Photo: AP\nPhoto: ap";
        let m = join(text, mark(text, "any", &l));
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["Photo: AP\nPhoto: ap"]);
        let mut l = learned_from("X", &["Sign up for Daily Newsletters"]);
        assert_eq!(mark("Sign up for Daily Newsletters", "X", &l).len(), 1);
        let before = l.clone();
        l.unlearn_text(Some("x"), "Sign up for Daily Newsletters");
        assert!(mark("Sign up for Daily Newsletters", "X", &l).is_empty());
        assert_eq!(l.changed_outlets(&before), Some(vec!["x".to_string()]));
    }

    #[test]
    fn ranges_round_trip() {
        let text = "abc def";
        let r = vec![0..3, 4..7];
        assert_eq!(decode_ranges(&encode_ranges(&r), text), r);
        assert!(decode_ranges("", text).is_empty());
        assert!(decode_ranges("5-99,x", text).is_empty());
    }
}
