//! A lexicon learned from unlabeled text: for frequent words, how often they are written
//! capitalized where capitals are not forced (not at the start of a sentence), and a
//! distributional cluster.
//!
//! Both generalize beyond the CoNLL training words: "Raqqa" is always capitalized in news text,
//! "Later" almost never except at the start of a sentence; words that occur in similar contexts
//! ("Mosul", "Aleppo", "Baghdad") share a cluster path prefix. Clusters are the paths of a binary
//! tree over the vocabulary grown by exchange on bigram counts ([`clusters`]); features use
//! prefixes of the path as coarser clusters.
//!
//! Built by `morgue ner lexicon` from plain text; stored inside the model file.

use super::clusters::{self, Bigrams, ClusterOptions};
use super::features::{hash_str, lower_form};
use super::tokenize;
use std::collections::HashMap;

/// Bits of an entry's cluster path (see [`clusters::build`]; the path itself is at most 21
/// bits long with its leading 1).
pub const BITS: u32 = 24;

/// What the lexicon knows about a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Share of non-initial occurrences written capitalized, in tenths (0–10).
    pub caps: u8,
    /// Cluster path (see [`clusters::build`]).
    pub cluster: u32,
}

impl Entry {
    fn pack(self) -> u32 {
        (u32::from(self.caps) << BITS) | self.cluster
    }
    fn unpack(v: u32) -> Entry {
        Entry {
            caps: (v >> BITS) as u8,
            cluster: v & ((1 << BITS) - 1),
        }
    }
}

/// Words (by the hash of their lowercase form) and what is known about them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    words: super::model::HashedMap<u32>,
}

/// Settings of [`Lexicon::build`].
#[derive(Debug, Clone)]
pub struct LexiconOptions {
    /// Words kept (most frequent first).
    pub vocabulary: usize,
    /// Settings of the cluster tree.
    pub clusters: ClusterOptions,
    /// Minimum occurrences for a word to be kept.
    pub min_count: u32,
}

impl Default for LexiconOptions {
    fn default() -> Self {
        LexiconOptions {
            vocabulary: 80_000,
            clusters: ClusterOptions::default(),
            min_count: 5,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    total: u32,
    inner: u32,
    inner_caps: u32,
}

/// The lexicon key of a word's [`lower_form`]. (Dropping a leading `al-` here, so that
/// "Al-Maliki" would share what is known about "Maliki", scored worse on the dev set.)
pub fn key(lower: &str) -> u64 {
    hash_str(lower)
}

impl Lexicon {
    /// What is known about a word (by its [`key`]).
    #[inline]
    pub fn get(&self, key: u64) -> Option<Entry> {
        self.words.get(&key).map(|&v| Entry::unpack(v))
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Every (word hash, packed entry), sorted (for writing).
    pub fn entries(&self) -> Vec<(u64, u32)> {
        let mut v: Vec<(u64, u32)> = self.words.iter().map(|(k, v)| (*k, *v)).collect();
        v.sort_unstable();
        v
    }

    /// Rebuilds a lexicon from [`Lexicon::entries`].
    pub fn from_entries(e: impl IntoIterator<Item = (u64, u32)>) -> Lexicon {
        Lexicon {
            words: e.into_iter().collect(),
        }
    }

    /// Learns a lexicon from plain texts.
    pub fn build<'a>(
        texts: impl Iterator<Item = &'a str> + Clone,
        opts: &LexiconOptions,
    ) -> Lexicon {
        // Pass 1: counts.
        let mut counts: HashMap<u64, Counts> = HashMap::new();
        let mut buf = String::new();
        for text in texts.clone() {
            for s in tokenize::sentences(text) {
                for (i, r) in s.tokens.iter().enumerate() {
                    let w = &text[r.clone()];
                    lower_form(w, &mut buf);
                    let c = counts.entry(key(&buf)).or_default();
                    c.total += 1;
                    if i > 0 && !s.headline && w.chars().next().is_some_and(char::is_alphabetic) {
                        c.inner += 1;
                        if w.chars().next().is_some_and(char::is_uppercase) {
                            c.inner_caps += 1;
                        }
                    }
                }
            }
        }
        let mut by_freq: Vec<(u64, u32)> = counts
            .iter()
            .filter(|(_, c)| c.total >= opts.min_count)
            .map(|(k, c)| (*k, c.total))
            .collect();
        by_freq.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let vocab: HashMap<u64, usize> = by_freq
            .iter()
            .take(opts.vocabulary)
            .enumerate()
            .map(|(i, (k, _))| (*k, i))
            .collect();
        // Pass 2: bigrams of vocabulary words, then the cluster tree.
        let mut bigrams = Bigrams::new(vocab.len());
        let mut ids: Vec<u32> = Vec::new();
        for text in texts {
            for s in tokenize::sentences(text) {
                ids.clear();
                for r in &s.tokens {
                    lower_form(&text[r.clone()], &mut buf);
                    let id = vocab
                        .get(&key(&buf))
                        .map_or(bigrams.unknown(), |&i| i as u32);
                    ids.push(id);
                }
                bigrams.add_sentence(&ids);
            }
        }
        let paths = clusters::build(bigrams, &opts.clusters);
        let mut words =
            super::model::HashedMap::with_capacity_and_hasher(vocab.len(), Default::default());
        for (k, &vi) in &vocab {
            let c = counts.get(k).copied().unwrap_or_default();
            // 11: never seen inside a sentence.
            let caps = (c.inner_caps * 10 + c.inner / 2)
                .checked_div(c.inner)
                .map_or(11, |x| x as u8);
            words.insert(
                *k,
                Entry {
                    caps,
                    cluster: paths[vi],
                }
                .pack(),
            );
        }
        Lexicon { words }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_capitalization_and_similar_contexts() {
        let mut text = String::new();
        for city in ["Mosul", "Aleppo", "Raqqa"] {
            for _ in 0..20 {
                text.push_str(&format!(
                    "The fighters went to {city} on Monday. Later they left.\n"
                ));
            }
        }
        for _ in 0..20 {
            text.push_str("It was later than they said and the fighters ate bread quickly.\n");
        }
        let opts = LexiconOptions {
            min_count: 1,
            ..LexiconOptions::default()
        };
        let lex = Lexicon::build([text.as_str()].into_iter(), &opts);
        let get = |w: &str| {
            let mut b = String::new();
            lower_form(w, &mut b);
            lex.get(key(&b)).unwrap()
        };
        assert_eq!(get("Mosul").caps, 10);
        assert_eq!(
            get("later").caps,
            0,
            "capitalized only at the start of sentences"
        );
        // Bits the two paths share from the root.
        let shared = |a: &str, b: &str| {
            let (a, b) = (get(a).cluster, get(b).cluster);
            (1..=20)
                .take_while(|&n| clusters::prefix(a, n) == clusters::prefix(b, n))
                .count()
        };
        assert!(shared("Mosul", "Aleppo") > shared("Mosul", "bread"));
        assert!(shared("Mosul", "Raqqa") > shared("Raqqa", "quickly"));
        let back = Lexicon::from_entries(lex.entries());
        assert_eq!(back, lex);
    }
}
