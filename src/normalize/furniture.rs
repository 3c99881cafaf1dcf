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
//!
//! Link cards. Some outlets end inline link text with a marker ("… MORE"): hover cards that list
//! the headlines of other stories, different in almost every article, so that their shingles
//! recur in too few stories to be learned. An outlet's *card marks* are learned words without
//! lower-case letters ([`mark_form`]: "MORE", "MORE's") that end most of the learned fragments
//! where they appear. A card is the run of words that ends with a card mark: back from the mark
//! up to recurring words (learned shingles, or the outlet's *card keys*: shingles that recur in a
//! few stories just before its card marks) if no sentence ends on the way, then back over the
//! recurring words to the previous mark (but not over fewer than [`SHINGLE`] words that only card
//! keys cover before where learned shingles begin: the name a card hangs on). No shingle covers words past a card mark (the words
//! after "MORE" are the story's).

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
    scan(text, "", &Learned::default(), Some(&mut out), None);
    out
}

/// The exact form of a word as a card mark: the word without the punctuation at its edges and a
/// possessive `'s`, hashed with its case; `None` when it has a lower-case letter or no letter.
pub fn mark_form(word: &str) -> Option<u64> {
    let bare = bare_word(word);
    if !bare.chars().next().is_some_and(char::is_uppercase) || bare.chars().any(char::is_lowercase)
    {
        return None;
    }
    Some(crate::hashing::fnv1a(bare.as_bytes()))
}

/// `word` without the punctuation at its edges and a possessive `'s` ("MORE's" → "MORE").
fn bare_word(word: &str) -> &str {
    let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric());
    trimmed
        .strip_suffix("'s")
        .or_else(|| trimmed.strip_suffix("\u{2019}s"))
        .unwrap_or(trimmed)
}

/// What [`scan`] tells the learning of link cards about one text: the distinct [`mark_form`]s
/// of its words, those that end a fragment of learned shingles (not clipped at card marks), and
/// the shingles that may be part of a card (see [`CARD_WORDS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forms {
    /// Forms of the text's words, sorted, distinct.
    pub seen: Vec<u64>,
    /// Forms that are the last word of a learned fragment, sorted, distinct.
    pub ends: Vec<u64>,
    /// Shingle keys that lie between a card mark of the outlet (or the line's start, or
    /// [`CARD_WORDS`] words before) and the next card mark, sorted, distinct.
    pub regions: Vec<u64>,
}

/// Longest card (in words before its mark) whose shingles are counted as card candidates.
pub const CARD_WORDS: usize = 120;

/// An outlet's link cards (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Cards {
    /// Card marks: [`mark_form`]s.
    marks: PreHashedSet<u64>,
    /// Shingles that recur in enough stories to be part of a card.
    keys: PreHashedSet<u64>,
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
    cards: HashMap<String, Cards>,
}

/// An outlet's name as furniture is learned and counted per outlet: trimmed, in lower case
/// (the learned table, the furniture counts and the outlets an ingest touched all key by it).
pub fn outlet_key(outlet: &str) -> String {
    outlet.trim().to_lowercase()
}

impl Learned {
    /// True when nothing is furniture.
    pub fn is_empty(&self) -> bool {
        self.outlets.values().all(|s| s.is_empty())
            && self.everywhere.is_empty()
            && self.forced.is_empty()
            && self.cards.values().all(|c| c.marks.is_empty())
    }

    /// Makes the word form `form` ([`mark_form`]) a card mark of `outlet`.
    pub fn insert_card_mark(&mut self, outlet: &str, form: u64) {
        let cards = self.cards.entry(outlet_key(outlet)).or_default();
        cards.marks.insert(form);
    }

    /// Makes the shingle `key` a card key of `outlet` (part of a card when it ends with a mark).
    pub fn insert_card_key(&mut self, outlet: &str, key: u64) {
        let cards = self.cards.entry(outlet_key(outlet)).or_default();
        cards.keys.insert(key);
    }

    /// The outlets (lower case) whose card marks or keys differ between `self` and `other`.
    pub fn changed_cards(&self, other: &Learned) -> Vec<String> {
        let empty = Cards::default();
        let mut out: Vec<String> = self
            .cards
            .keys()
            .chain(other.cards.keys())
            .filter(|o| {
                self.cards.get(*o).unwrap_or(&empty) != other.cards.get(*o).unwrap_or(&empty)
            })
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
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
                if let Some(cards) = self.cards.get_mut(&outlet_key(o)) {
                    drop(&mut cards.keys);
                }
            }
            None => {
                self.outlets.values_mut().for_each(drop);
                drop(&mut self.everywhere);
                self.cards.values_mut().for_each(|c| drop(&mut c.keys));
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
        out.extend(self.changed_cards(other));
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
    /// Part of a line ending with a card mark, some of its words found by the outlet's card
    /// keys only.
    Card,
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
    scan(text, outlet, learned, None, None)
}

/// Words back from a glued word that may hold the name a removed run hangs on.
const HUNG_NAME_WORDS: usize = 6;

/// The part of `word` before its last lower-case letter glued to a capital ("Pelosi" in
/// "PelosiGiuliani", "McConnell" in "McConnellGOP"): a name glued to the text of the next page
/// element (a link card's headline); `None` when there is no such seam.
fn glued_name(word: &str) -> Option<&str> {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let seam = chars
        .windows(2)
        .rposition(|p| p[0].1.is_lowercase() && p[1].1.is_uppercase())?;
    Some(&word[..chars[seam + 1].0])
}

/// A removed run never takes the name its link card hangs on. Cards of some outlets repeat the
/// name they hang on, glued to their first headline: "Speaker Nancy Pelosi Nancy
/// PelosiGiuliani pens op-ed … MORE (D-Calif.)". The story's words end at the last stand-alone
/// word, a few words before a glued word, that is the glued name ("Pelosi"); the card starts
/// after it. So the words of a covered run from that word back to the run's start (or to a
/// card mark) are the story's, and stay searchable.
fn keep_hung_names(text: &str, w: &[Word], marks: &[bool], covered: &mut [bool]) {
    let bare = |x: &Word| bare_word(&text[x.range.clone()]);
    for g in 1..w.len() {
        if !covered[g] {
            continue;
        }
        let Some(name) = glued_name(&text[w[g].range.clone()]) else {
            continue;
        };
        let from = g.saturating_sub(HUNG_NAME_WORDS);
        let Some(j) = (from..g).rev().find(|&j| bare(&w[j]) == name) else {
            continue;
        };
        let mut x = j;
        while covered[x] && !marks.get(x).copied().unwrap_or(false) {
            covered[x] = false;
            if x == 0 {
                break;
            }
            x -= 1;
        }
    }
}

/// [`mark_pieces`], and what the text tells the learning of card marks ([`Forms`]).
pub fn mark_pieces_and_forms(
    text: &str,
    outlet: &str,
    learned: &Learned,
) -> (Vec<(Range<usize>, Piece)>, Forms) {
    let mut forms = Forms::default();
    let pieces = scan(text, outlet, learned, None, Some(&mut forms));
    (pieces, forms)
}

/// [`mark`] and [`keys`] at once, reading the text's words once.
pub fn mark_and_keys(text: &str, outlet: &str, learned: &Learned) -> (Vec<Range<usize>>, Vec<u64>) {
    let mut keys = Vec::new();
    let marked = scan(text, outlet, learned, Some(&mut keys), None);
    (marked.into_iter().map(|(r, _)| r).collect(), keys)
}

/// The furniture pieces of `text` (see [`mark_pieces`]), adding the text's distinct keys to
/// `keys` (sorted) when asked, and its [`Forms`] to `forms`.
fn scan(
    text: &str,
    outlet: &str,
    learned: &Learned,
    mut keys: Option<&mut Vec<u64>>,
    mut forms: Option<&mut Forms>,
) -> Vec<(Range<usize>, Piece)> {
    let marking = !learned.is_empty();
    if !marking && keys.is_none() && forms.is_none() {
        return Vec::new();
    }
    let o = outlet_key(outlet);
    let mine = learned.outlets.get(&o);
    let has = |k: &u64| mine.is_some_and(|s| s.contains(k)) || learned.everywhere.contains(k);
    let cards = learned.cards.get(&o).filter(|c| !c.marks.is_empty());
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
        let marks: Vec<bool> = match cards {
            Some(c) => w
                .iter()
                .map(|x| mark_form(&text[x.range.clone()]).is_some_and(|f| c.marks.contains(&f)))
                .collect(),
            None => Vec::new(),
        };
        if let Some(forms) = forms.as_deref_mut() {
            tally_forms(text, &w, &shingles, &k, &has, forms);
            let mut from = 0;
            for p in (0..marks.len()).filter(|&p| marks[p]) {
                let first = from.max(p.saturating_sub(CARD_WORDS));
                if p + 1 >= first + SHINGLE {
                    forms.regions.extend(&shingles[first..=p + 1 - SHINGLE]);
                }
                from = p + 1;
            }
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
        // A card mark ends what a shingle covers: the words after it are the story's.
        let reach = |i: usize| {
            (i..i + SHINGLE - 1)
                .find(|&p| marks.get(p).copied().unwrap_or(false))
                .map_or(i + SHINGLE, |p| p + 1)
        };
        let mut covered = vec![false; w.len()];
        let mut carded = vec![false; w.len()];
        for (i, key) in shingles.iter().enumerate() {
            if has(key) {
                covered[i..reach(i)].iter_mut().for_each(|c| *c = true);
            } else if cards.is_some_and(|c| c.keys.contains(key)) {
                carded[i..reach(i)].iter_mut().for_each(|c| *c = true);
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
        // A card ends with a card mark: back from the mark, the words up to a run of recurring
        // words (card keys or learned shingles) when no sentence ends between them (headlines
        // do not end with a full stop), then that run, back to the previous mark.
        let mut card = vec![false; w.len()];
        let recurring = |q: usize| carded[q] || covered[q];
        for p in (0..marks.len()).filter(|&p| marks[p]) {
            let mut q = p;
            while !recurring(q) {
                let first = p.saturating_sub(CARD_WORDS);
                if q == first || marks[q - 1] || ends_sentence(&text[w[q - 1].range.clone()]) {
                    break;
                }
                q -= 1;
            }
            if !recurring(q) {
                continue;
            }
            card[q..=p].iter_mut().for_each(|c| *c = true);
            while q > 0 && !marks[q - 1] && recurring(q - 1) {
                if covered[q] && !covered[q - 1] {
                    // Fewer words than a shingle that only card keys cover, before learned
                    // shingles and after the story's words: the name a card hangs on, the
                    // story's more often than not.
                    let mut r = q;
                    while r > 0 && !marks[r - 1] && recurring(r - 1) && !covered[r - 1] {
                        r -= 1;
                    }
                    let bounded = r > 0 && covered[r - 1];
                    if !bounded && q - r < SHINGLE {
                        break;
                    }
                }
                q -= 1;
                card[q] = true;
            }
        }
        let by_card: Vec<bool> = card.iter().zip(&covered).map(|(c, s)| *c && !s).collect();
        covered.iter_mut().zip(&card).for_each(|(c, k)| *c |= *k);
        keep_hung_names(text, &w, &marks, &mut covered);
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
            let piece = match by_card[first..i].iter().any(|c| *c) {
                true => Piece::Card,
                false => Piece::Fragment,
            };
            out.push((w[first].range.start..w[i - 1].range.end, piece));
        }
    }
    if let Some(keys) = keys {
        keys.sort_unstable();
        keys.dedup();
    }
    if let Some(forms) = forms {
        for v in [&mut forms.seen, &mut forms.ends, &mut forms.regions] {
            v.sort_unstable();
            v.dedup();
        }
    }
    out
}

/// True when `word` ends a sentence: a full stop, question or exclamation mark, perhaps before
/// closing quotes or brackets.
fn ends_sentence(word: &str) -> bool {
    word.trim_end_matches(['"', '\'', ')', ']', '\u{201d}', '\u{2019}'])
        .ends_with(['.', '!', '?'])
}

/// Adds the [`Forms`] of one line (its words `w`) to `forms`: the forms of its words, and of the
/// last word of each fragment that learned shingles cover (`has`), unclipped by card marks, in a
/// line that is not furniture as a whole.
fn tally_forms(
    text: &str,
    w: &[Word],
    shingles: &[u64],
    k: &LineKeys,
    has: &impl Fn(&u64) -> bool,
    forms: &mut Forms,
) {
    let form = |x: &Word| mark_form(&text[x.range.clone()]);
    forms.seen.extend(w.iter().filter_map(form));
    if has(&k.line) || k.template.as_ref().is_some_and(has) {
        return;
    }
    let mut covered = vec![false; w.len()];
    for (i, key) in shingles.iter().enumerate() {
        if has(key) {
            covered[i..i + SHINGLE].iter_mut().for_each(|c| *c = true);
        }
    }
    if covered.iter().all(|c| *c) {
        return;
    }
    for i in 0..w.len() {
        if covered[i] && covered.get(i + 1) != Some(&true) {
            forms.ends.extend(form(&w[i]));
        }
    }
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
    fn mark_forms_are_words_without_lower_case() {
        assert_eq!(mark_form("MORE"), mark_form("MORE's"));
        assert_eq!(mark_form("MORE,"), mark_form("MORE\u{2019}s"));
        assert_ne!(mark_form("MORE"), mark_form("READ"));
        assert_eq!(mark_form("More"), None);
        assert_eq!(mark_form("said"), None);
        assert_eq!(mark_form("2019"), None);
    }

    #[test]
    fn cards_end_with_a_mark_and_the_words_after_it_stay() {
        let story = "Sen. Ann Lee Ann Marie LeeFerry fares rise again Harbor tunnel opens early Council backs new pier plan MORE said on Monday.";
        // Its shingles learned (not the whole line: that would be furniture as a whole).
        let mut l = Learned::default();
        for k in keys(story)
            .into_iter()
            .filter(|&k| Kind::of(k) == Kind::Shingle)
        {
            l.insert(Some("X"), k);
        }
        // Without marks, a learned shingle covers the words after MORE too (but not the name
        // the card hangs on).
        let hung = story.find("Ann Marie").unwrap();
        assert_eq!(&story[mark(story, "x", &l)[0].clone()], &story[hung..]);
        l.insert_card_mark("X", mark_form("MORE").unwrap());
        let m = mark(story, "x", &l);
        // The name the card hangs on ("Ann Lee", repeated glued to the first headline) stays.
        assert_eq!(
            &story[m[0].clone()],
            &story[hung..story.find(" said").unwrap()]
        );
        // A card seen once: back from the mark to the learned run, no sentence ending between.
        let once = "Mayor Kim Roe said it. Kimberly Roe Harbor tunnel opens early Council backs new pier plan Orchard thieves strike twice MORE opened the fair.";
        let pieces = mark_pieces(once, "x", &l);
        let got: Vec<(&str, Piece)> = pieces.iter().map(|(r, p)| (&once[r.clone()], *p)).collect();
        assert_eq!(
            got,
            [(
                "Harbor tunnel opens early Council backs new pier plan Orchard thieves strike twice MORE",
                Piece::Card
            )]
        );
        let stopped = "Harbor tunnel opens early Council backs new pier plan. Orchard thieves strike twice MORE opened the fair.";
        let m = mark(stopped, "x", &l);
        assert_eq!(
            &stopped[m[0].clone()],
            "Harbor tunnel opens early Council backs new pier plan."
        );
        // Capitals after words that recur nowhere are no card.
        assert!(mark(
            "Protesters carried signs reading MORE FERRIES NOW.",
            "x",
            &l
        )
        .is_empty());
        // Card keys: a run that recurs in a few stories only, ending with the mark.
        let fay = "In a statement, Rep. Tom Fay Thomas Fay Lighthouse keepers win pay rise Bakery strike enters third week MORE asked for a vote.";
        assert!(mark(fay, "x", &l).is_empty());
        let mut with_keys = l.clone();
        let region = &fay[fay.find("Rep.").unwrap()..fay.find(" asked").unwrap()];
        for k in keys(region) {
            if Kind::of(k) == Kind::Shingle {
                with_keys.insert_card_key("x", k);
            }
        }
        let m = mark(fay, "x", &with_keys);
        assert_eq!(&fay[m[0].clone()], region);
        assert_eq!(l.changed_cards(&with_keys), vec!["x".to_string()]);
    }

    #[test]
    fn names_glued_to_the_next_element_are_found() {
        assert_eq!(glued_name("PelosiGiuliani"), Some("Pelosi"));
        assert_eq!(glued_name("McConnellGOP"), Some("McConnell"));
        assert_eq!(glued_name("(ReidHarry"), Some("Reid"));
        assert_eq!(glued_name("McDonald"), Some("Mc"));
        assert_eq!(glued_name("Pelosi"), None);
        assert_eq!(glued_name("GOP"), None);
    }

    #[test]
    fn a_removed_run_never_takes_the_name_its_card_hangs_on() {
        let cards = [
            "Nancy PelosiGiuliani pens op-ed slamming impeachment inquiry Brindisi gets a seat MORE",
            "Harry Mason ReidHarry Reid predicts a long fight in the Senate this year MORE",
        ];
        let mut l = Learned::default();
        for c in cards {
            for k in keys(&format!("House Minority Leader Nancy Pelosi {c}")) {
                l.insert(Some("X"), k);
            }
        }
        l.insert_card_mark("X", mark_form("MORE").unwrap());
        // The prose name before the card's copy of it stays; so does prose before another
        // card whose run reaches back over it.
        let text = "But House Minority Leader Nancy Pelosi Nancy PelosiGiuliani pens op-ed slamming impeachment inquiry Brindisi gets a seat MORE (D-Calif.), while also saying so.";
        let m = mark(text, "x", &l);
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            got,
            ["Nancy PelosiGiuliani pens op-ed slamming impeachment inquiry Brindisi gets a seat MORE"]
        );
        // Without a glued copy of a preceding name, the run is removed as before.
        let plain = "House Minority Leader Nancy Pelosi Nancy Pelosi Giuliani pens op-ed slamming impeachment inquiry Brindisi gets a seat MORE";
        assert_eq!(mark(plain, "x", &l).len(), 1);
        assert!(text[..m[0].start].contains("Leader Nancy Pelosi"));
    }

    #[test]
    fn forms_say_which_marks_end_fragments_and_where_cards_may_be() {
        let story = "Sen. Ann Lee Ann Marie LeeFerry fares rise again Harbor tunnel opens early Council backs new pier plan MORE said on Monday.\nThe FBI said so.";
        let l = learned_from("X", &[&story[..story.find(" said").unwrap()]]);
        let (_, forms) = mark_pieces_and_forms(story, "x", &l);
        let more = mark_form("MORE").unwrap();
        assert_eq!(forms.ends, vec![more]);
        let mut seen = vec![more, mark_form("FBI").unwrap()];
        seen.sort_unstable();
        assert_eq!(forms.seen, seen);
        // No marks yet: no regions.
        assert!(forms.regions.is_empty());
        let mut l = l;
        l.insert_card_mark("x", more);
        let (_, forms) = mark_pieces_and_forms(story, "x", &l);
        // The shingles of the line's 22 words that end at or before the mark (its 19th).
        assert_eq!(forms.regions.len(), 19 - SHINGLE + 1);
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
