//! Gazetteers: lists of known names per type, matched on token sequences.
//!
//! A gazetteer holds hashed lowercase phrases of up to [`MAX_LEN`] tokens, each with the types it
//! was seen as. The default one is built from the entities of the training data. Matching marks
//! every token of every listed phrase in the sentence: bit `k` for the first token of a phrase of
//! type `k`, bit `4 + k` for its other tokens.

use super::features::{combine, hash_str, lower_form};
use super::model::HashedMap;

/// Longest phrase kept, in tokens.
pub const MAX_LEN: usize = 6;

const SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// Known phrases and the types they were seen as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    phrases: HashedMap<u8>,
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

    /// Adds a phrase (its words) as type number `kind` (0–3).
    pub fn add(&mut self, words: &[&str], kind: usize) {
        if words.is_empty() || words.len() > MAX_LEN || kind >= 4 {
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
        *self.phrases.entry(phrase_key(&hashes)).or_default() |= 1 << kind;
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
    pub fn entries(&self) -> Vec<(u64, u8)> {
        let mut v: Vec<(u64, u8)> = self.phrases.iter().map(|(k, m)| (*k, *m)).collect();
        v.sort_unstable();
        v
    }

    /// Rebuilds a gazetteer from [`Gazetteer::entries`].
    pub fn from_entries(entries: impl IntoIterator<Item = (u64, u8)>) -> Gazetteer {
        Gazetteer {
            phrases: entries.into_iter().collect(),
        }
    }

    /// Marks tokens covered by listed phrases (see the module doc); `lower_hashes` are the
    /// hashes of the tokens' lowercase forms.
    pub fn mark(&self, lower_hashes: &[u64], out: &mut Vec<u8>) {
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

    #[test]
    fn marks_phrases_case_insensitively() {
        let mut g = Gazetteer::new();
        g.add(&["New", "York"], 2);
        g.add(&["York"], 0);
        let mut buf = String::new();
        let hashes: Vec<u64> = ["in", "NEW", "YORK", "today"]
            .iter()
            .map(|w| {
                lower_form(w, &mut buf);
                hash_str(&buf)
            })
            .collect();
        let mut out = Vec::new();
        g.mark(&hashes, &mut out);
        assert_eq!(out, [0, 1 << 2, (1 << 6) | 1, 0]);
        let back = Gazetteer::from_entries(g.entries());
        assert_eq!(back, g);
    }
}
