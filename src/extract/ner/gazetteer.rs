//! Gazetteers: lists of known names per type, matched on token sequences.
//!
//! A gazetteer holds hashed lowercase phrases of up to [`MAX_LEN`] tokens, each with the kinds it
//! was listed as. Kinds 0–3 are the entity types (the entities of the training data, and public
//! lists of names of a type such as `data/gazetteer/iso-codes.tsv`); kinds 4–7 are public lists
//! that are evidence rather than a type ([`LIST_KINDS`]: first names, surnames, cities, brands), kept
//! apart so that the tagger learns what each list is worth. Matching marks every token of every
//! listed phrase in the sentence: bit [`begin_bit`] of its kind for the first token of a phrase,
//! that bit shifted by 4 for its other tokens (types in bits 0–7, lists in bits 8–15).

use super::features::{combine, hash_str, lower_form};
use super::model::HashedMap;

/// Longest phrase kept, in tokens.
pub const MAX_LEN: usize = 6;

const SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// The kinds of public lists after the four entity types, by the name a list file gives them
/// (`FIRST<TAB>Maria`): kind `4 + position`.
pub const LIST_KINDS: [&str; 4] = ["FIRST", "LAST", "CITY", "BRAND"];

/// Number of kinds: the four entity types, then the list kinds (at most 8).
pub const N_KINDS: usize = 4 + LIST_KINDS.len();

/// The kind named `s` in a list file: an entity type (`PER`, `LOC`…) or a list kind.
pub fn parse_kind(s: &str) -> Option<usize> {
    super::EntityType::parse(s)
        .map(super::EntityType::index)
        .or_else(|| {
            LIST_KINDS
                .iter()
                .position(|k| k.eq_ignore_ascii_case(s))
                .map(|p| 4 + p)
        })
}

/// The mark bit of the first token of a phrase of kind `kind` (its other tokens: `<< 4`).
pub fn begin_bit(kind: usize) -> u16 {
    if kind < 4 {
        1 << kind
    } else {
        1 << (kind + 4)
    }
}

/// The bits of [`begin_bit`]s.
const BEGIN_BITS: u16 = 0x0f0f;

/// The marks of the entity types (training entities and typed lists), not the list kinds.
pub const TYPE_BITS: u16 = 0x00ff;

/// Known phrases and the types they were seen as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    phrases: HashedMap<u16>,
}

/// The key of a phrase, from the hashes of its tokens' lowercase forms.
fn phrase_key(lower_hashes: &[u64]) -> u64 {
    lower_hashes.iter().fold(SEED, |h, &t| combine(h, t))
}

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Gazetteer {
        Gazetteer::default()
    }

    /// Adds a phrase (its words) as kind number `kind` (0–3: an entity type; see [`N_KINDS`]).
    pub fn add(&mut self, words: &[&str], kind: usize) {
        if words.is_empty() || words.len() > MAX_LEN || kind >= N_KINDS {
            return;
        }
        let mut buf = String::new();
        let hashes: Vec<u64> = words
            .iter()
            .map(|w| {
                lower_form(w, &mut buf);
                hash_str(&buf)
            })
            .collect();
        *self.phrases.entry(phrase_key(&hashes)).or_default() |= begin_bit(kind);
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    /// True when there are no phrases.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every (key, type mask) pair, sorted by key (for writing).
    pub fn entries(&self) -> Vec<(u64, u16)> {
        let mut v: Vec<(u64, u16)> = self.phrases.iter().map(|(k, m)| (*k, *m)).collect();
        v.sort_unstable();
        v
    }

    /// Rebuilds a gazetteer from [`Gazetteer::entries`].
    pub fn from_entries(entries: impl IntoIterator<Item = (u64, u16)>) -> Gazetteer {
        Gazetteer {
            phrases: entries.into_iter().collect(),
        }
    }

    /// Marks tokens covered by listed phrases (see the module doc); `lower_hashes` are the
    /// hashes of the tokens' lowercase forms.
    pub fn mark(&self, lower_hashes: &[u64], out: &mut Vec<u16>) {
        out.clear();
        out.resize(lower_hashes.len(), 0);
        if self.phrases.is_empty() {
            return;
        }
        for start in 0..lower_hashes.len() {
            let mut h = SEED;
            for end in start..lower_hashes.len().min(start + MAX_LEN) {
                h = combine(h, lower_hashes[end]);
                if let Some(&mask) = self.phrases.get(&h) {
                    debug_assert_eq!(mask & !BEGIN_BITS, 0);
                    out[start] |= mask;
                    for m in &mut out[start + 1..=end] {
                        *m |= mask << 4;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(g: &Gazetteer, words: &[&str]) -> Vec<u16> {
        let mut buf = String::new();
        let hashes: Vec<u64> = words
            .iter()
            .map(|w| {
                lower_form(w, &mut buf);
                hash_str(&buf)
            })
            .collect();
        let mut out = Vec::new();
        g.mark(&hashes, &mut out);
        out
    }

    #[test]
    fn marks_phrases_case_insensitively() {
        let mut g = Gazetteer::new();
        g.add(&["New", "York"], 2);
        g.add(&["York"], 0);
        let out = marks(&g, &["in", "NEW", "YORK", "today"]);
        assert_eq!(out, [0, 1 << 2, (1 << 6) | 1, 0]);
        let back = Gazetteer::from_entries(g.entries());
        assert_eq!(back, g);
    }

    #[test]
    fn list_kinds_mark_bits_of_their_own() {
        let mut g = Gazetteer::new();
        g.add(&["Maria"], parse_kind("FIRST").unwrap());
        g.add(&["Maria"], parse_kind("PER").unwrap());
        g.add(&["Santa", "Maria"], parse_kind("city").unwrap());
        assert_eq!(parse_kind("surname"), None);
        let out = marks(&g, &["Santa", "Maria"]);
        let city = begin_bit(6);
        assert_eq!(city, 1 << 10);
        assert_eq!(out, [city, (city << 4) | begin_bit(4) | 1]);
        assert_eq!(out[1] & TYPE_BITS, 1, "the PER mark among the type bits");
    }
}
