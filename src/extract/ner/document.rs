//! Document-level features: what the first pass tagged elsewhere in the same document.
//!
//! A sentence alone often cannot tell a person from a place ("Clinton said", "in Clinton") or a
//! name from a headline word, but the rest of the article usually can: a name is mostly written
//! out in full once ("Bill Clinton") and then repeated. The recognizer therefore tags a document
//! twice (Ratinov & Roth 2009, two-stage prediction aggregation). The first pass is the sentence
//! tagger alone; the second adds, for each capitalized token, features of the first pass's tags
//! over the whole document, in groups (bits of [`super::Model::doc_features`]):
//!
//! - [`EXACT`]: the types given to the same word form (case-sensitive) elsewhere in the
//!   document: the majority (`O` included) and whether it was unanimous, and each type seen;
//! - [`LOWER`]: the same over the lowercase form, lowercase occurrences counting as theirs;
//! - [`LONGER`]: the word is part of a longer entity elsewhere (type × first / middle / last
//!   token: "Clinton" after "Bill Clinton");
//! - [`FIRST`]: the tag of the word form's first occurrence, when this is a later one.
//!
//! Tried and left out by cross-validation: the first pass's own tag of the token, the
//! majorities conjoined with capitalization and sentence position, and the words around the
//! other occurrences (Ratinov & Roth's "context aggregation"); none gained 0.1 F1.
//!
//! The second stage's weights are trained on *out-of-fold* first-pass tags of the training
//! documents (see [`super::train`]), so that they are as noisy as at tagging time. This module
//! only computes features; it does not tag, and it must stay cheap: it runs on every article.

use super::features::{feature, TokenKeys};
use super::model::HashedMap;
use super::{decode, O};
use std::ops::Range;

/// Feature group: types given to the same word form elsewhere in the document.
pub const EXACT: u32 = 1;
/// Feature group: types given to the same lowercase form elsewhere in the document.
pub const LOWER: u32 = 2;
/// Feature group: the word is part of a longer entity elsewhere in the document.
pub const LONGER: u32 = 4;
/// Feature group: the tag of the word form's first occurrence in the document.
pub const FIRST: u32 = 8;

/// Group names, in bit order, as `morgue ner train --doc-features` spells them.
pub const GROUPS: [(&str, u32); 4] = [
    ("exact", EXACT),
    ("lower", LOWER),
    ("longer", LONGER),
    ("first", FIRST),
];

/// Parses a comma-separated list of group names (or `none`) into a bit set.
pub fn parse_groups(s: &str) -> Result<u32, String> {
    let mut mask = 0;
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "none" {
            continue;
        }
        match GROUPS.iter().find(|(n, _)| *n == name) {
            Some((_, bit)) => mask |= bit,
            None => {
                let known: Vec<&str> = GROUPS.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "unknown feature group '{name}' (expected {} or none)",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(mask)
}

// Template numbers (see `super::features`: 60 and up are this module's).
const T_EXACT: u32 = 60; // and 61: each type seen
const T_LOWER: u32 = 62; // and 63
const T_LONGER: u32 = 64;
const T_FIRST: u32 = 65;

/// No longer-entity position.
const NONE: u8 = u8::MAX;

/// What the first pass said about one word form over the document.
#[derive(Debug, Clone, Copy)]
struct Stats {
    /// Occurrences tagged `O`, PER, ORG, LOC, MISC.
    counts: [u16; 5],
    /// Occurrences inside an entity of two tokens or more, by type × position (first, middle,
    /// last).
    longer: [u16; 12],
    /// Token index (in the document) of the first occurrence, and its tag.
    first: u32,
    first_tag: u8,
}

impl Stats {
    fn new(first: usize, tag: usize) -> Stats {
        Stats {
            counts: [0; 5],
            longer: [0; 12],
            first: first as u32,
            first_tag: tag as u8,
        }
    }
}

/// The first pass's reading of one token.
#[derive(Debug, Clone, Copy)]
struct Own {
    /// 0 for `O`, else 1 + the entity type's index.
    class: u8,
    /// Type × position in its entity when that has two tokens or more, else [`NONE`].
    longer: u8,
}

/// The first pass's tags of one document, indexed by word form: built once per document, then
/// asked for each token's features.
#[derive(Debug, Default)]
pub struct DocumentContext {
    exact: HashedMap<Stats>,
    lower: HashedMap<Stats>,
    own: Vec<Own>,
}

impl DocumentContext {
    /// An empty context (reusable: see [`DocumentContext::fill`]).
    pub fn new() -> DocumentContext {
        DocumentContext::default()
    }

    /// Indexes a document: its tokens' keys, the first pass's tags and the sentences (token
    /// ranges; entities never cross them).
    pub fn fill(&mut self, keys: &[TokenKeys], tags: &[usize], sentences: &[Range<usize>]) {
        self.exact.clear();
        self.lower.clear();
        self.own.clear();
        self.own.resize(
            tags.len(),
            Own {
                class: 0,
                longer: NONE,
            },
        );
        for r in sentences {
            for (kind, span) in decode::spans(&tags[r.clone()]) {
                let len = span.len();
                for j in span.clone() {
                    let own = &mut self.own[r.start + j];
                    own.class = 1 + kind.index() as u8;
                    if len >= 2 {
                        let pos = match j - span.start {
                            0 => 0,
                            p if p + 1 == len => 2,
                            _ => 1,
                        };
                        own.longer = (kind.index() * 3 + pos) as u8;
                    }
                }
            }
        }
        for (i, k) in keys.iter().enumerate() {
            if !k.capitalized() {
                continue;
            }
            let own = self.own[i];
            let e = self
                .exact
                .entry(k.word)
                .or_insert_with(|| Stats::new(i, tags[i]));
            e.counts[own.class as usize] = e.counts[own.class as usize].saturating_add(1);
            if own.longer != NONE {
                let c = &mut e.longer[own.longer as usize];
                *c = c.saturating_add(1);
            }
            let l = self
                .lower
                .entry(k.lower)
                .or_insert_with(|| Stats::new(i, tags[i]));
            l.counts[own.class as usize] = l.counts[own.class as usize].saturating_add(1);
        }
        // Lowercase occurrences of a capitalized word's form ("the state" next to "State")
        // count towards its lowercase form only.
        if !self.lower.is_empty() {
            for (i, k) in keys.iter().enumerate() {
                if k.capitalized() {
                    continue;
                }
                if let Some(l) = self.lower.get_mut(&k.lower) {
                    let c = &mut l.counts[self.own[i].class as usize];
                    *c = c.saturating_add(1);
                }
            }
        }
    }

    /// Appends the features of the `groups` (a bit set of [`EXACT`]…) of token `i` (its keys
    /// `k`) to `out`. Only capitalized tokens have any.
    pub fn features(&self, i: usize, k: &TokenKeys, groups: u32, out: &mut Vec<u32>) {
        if !k.capitalized() {
            return;
        }
        let own = self.own[i];
        if groups & (EXACT | LONGER | FIRST) != 0 {
            if let Some(st) = self.exact.get(&k.word) {
                if groups & EXACT != 0 {
                    counts_features(st.counts, own.class, T_EXACT, out);
                }
                if groups & LONGER != 0 {
                    for (b, &c) in st.longer.iter().enumerate() {
                        let others = c - u16::from(own.longer as usize == b);
                        if others > 0 {
                            out.push(feature(T_LONGER, b as u64));
                        }
                    }
                }
                if groups & FIRST != 0 && (st.first as usize) < i {
                    out.push(feature(T_FIRST, u64::from(st.first_tag)));
                }
            }
        }
        if groups & LOWER != 0 {
            if let Some(st) = self.lower.get(&k.lower) {
                counts_features(st.counts, own.class, T_LOWER, out);
            }
        }
    }
}

/// The majority class over the other occurrences (`counts` less this token's own `class`) and
/// whether it was unanimous, as `class * 2 + unanimous`; `None` when there are no others.
fn majority(counts: &mut [u16; 5], class: u8) -> Option<(u64, u32)> {
    counts[class as usize] = counts[class as usize].saturating_sub(1);
    let n: u32 = counts.iter().map(|&c| u32::from(c)).sum();
    if n == 0 {
        return None;
    }
    let mut major = O;
    for (c, &x) in counts.iter().enumerate() {
        if x > counts[major] {
            major = c;
        }
    }
    let unanimous = u32::from(counts[major]) == n;
    Some((major as u64 * 2 + u64::from(unanimous), n))
}

/// The majority class (with whether it was unanimous) and each entity type seen, over the
/// other occurrences: `counts` less this token's own `class`.
fn counts_features(mut counts: [u16; 5], class: u8, template: u32, out: &mut Vec<u32>) {
    let Some((m, n)) = majority(&mut counts, class) else {
        return;
    };
    out.push(feature(template, m));
    for (c, &x) in counts.iter().enumerate().skip(1) {
        if x > 0 {
            let most = 2 * u32::from(x) >= n;
            out.push(feature(template + 1, c as u64 * 2 + u64::from(most)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::features::SentenceFeatures;
    use super::super::gazetteer::Gazetteer;
    use super::super::lexicon::Lexicon;
    use super::super::{tag, EntityType};
    use super::*;

    /// Keys of a document given as sentences of words.
    fn keys(sentences: &[&[&str]]) -> (Vec<TokenKeys>, Vec<Range<usize>>) {
        let mut f = SentenceFeatures::new();
        let (g, lex) = (Gazetteer::default(), Lexicon::default());
        let mut keys = Vec::new();
        let mut ranges = Vec::new();
        for s in sentences {
            f.compute_tokens(s, &g, &lex);
            let start = keys.len();
            keys.extend((0..s.len()).map(|i| f.keys(i)));
            ranges.push(start..keys.len());
        }
        (keys, ranges)
    }

    const ALL: u32 = EXACT | LOWER | LONGER | FIRST;

    #[test]
    fn a_repeated_name_gets_the_types_of_its_other_occurrences() {
        let per = |b| tag(EntityType::Person, b);
        let loc = tag(EntityType::Location, true);
        // "Bill Clinton spoke . Clinton left . CLINTON WINS ." with the first pass reading
        // the second "Clinton" as a place.
        let (k, r) = keys(&[
            &["Bill", "Clinton", "spoke", "."],
            &["Clinton", "left", "."],
            &["CLINTON", "WINS"],
        ]);
        let tags = [per(true), per(false), O, O, loc, O, O, O, O];
        let mut ctx = DocumentContext::new();
        ctx.fill(&k, &tags, &r);
        let mut f = Vec::new();
        ctx.features(4, &k[4], ALL, &mut f);
        // The other "Clinton" is a person, unanimously, and the last word of a longer person.
        assert!(f.contains(&feature(T_EXACT, 2 + 1)), "{f:?}");
        assert!(f.contains(&feature(T_EXACT + 1, 2 + 1)));
        assert!(f.contains(&feature(T_LONGER, 2)));
        assert!(f.contains(&feature(T_FIRST, per(false) as u64)));
        // Its own reading (a place) is not counted as evidence.
        assert!(!f.contains(&feature(T_EXACT + 1, 3 * 2 + 1)));
        assert!(!f.contains(&feature(T_EXACT + 1, 3 * 2)));
        // The headline's "CLINTON" matches only by its lowercase form: one person, one place.
        f.clear();
        ctx.features(7, &k[7], ALL, &mut f);
        assert!(!f.iter().any(|&x| x == feature(T_EXACT, 2 + 1)));
        assert!(f.contains(&feature(T_LOWER + 1, 2 + 1)), "{f:?}");
        assert!(f.contains(&feature(T_LOWER + 1, 3 * 2 + 1)));
        // "Bill Clinton" itself: no other "Clinton" in a longer name, and the first occurrence
        // has no earlier one.
        f.clear();
        ctx.features(1, &k[1], ALL, &mut f);
        assert!(!f.contains(&feature(T_LONGER, 2)));
        assert!(!f.iter().any(|&x| (0..9).any(|t| x == feature(T_FIRST, t))));
        // Groups left out add nothing; lowercase words never have features.
        f.clear();
        ctx.features(4, &k[4], EXACT, &mut f);
        assert_eq!(f.len(), 2, "{f:?}");
        f.clear();
        ctx.features(2, &k[2], ALL, &mut f);
        assert!(f.is_empty());
    }

    #[test]
    fn lowercase_occurrences_count_for_the_lowercase_form() {
        let (k, r) = keys(&[&["State", "media", "said"], &["the", "state", "of", "play"]]);
        let tags = [tag(EntityType::Org, true), O, O, O, O, O, O];
        let mut ctx = DocumentContext::new();
        ctx.fill(&k, &tags, &r);
        let mut f = Vec::new();
        ctx.features(0, &k[0], LOWER, &mut f);
        assert_eq!(
            f,
            vec![feature(T_LOWER, 1)],
            "one other, lowercase: O, unanimous"
        );
    }

    #[test]
    fn groups_parse() {
        assert_eq!(parse_groups("exact,longer"), Ok(EXACT | LONGER));
        assert_eq!(parse_groups("none"), Ok(0));
        assert_eq!(parse_groups(""), Ok(0));
        assert!(parse_groups("exact,nope").is_err());
    }
}
