//! A lexicon learned from unlabeled text: for frequent words, how often they are written
//! capitalized where capitals are not forced (not at the start of a sentence), and a
//! distributional cluster.
//!
//! Both generalize beyond the CoNLL training words: "Raqqa" is always capitalized in news text,
//! "Later" almost never except at the start of a sentence; words that occur in similar contexts
//! ("Mosul", "Aleppo", "Baghdad") share cluster bits. Clusters are SimHash signatures of a word's
//! left and right context counts (weighted by 1/√frequency of the context word, centred), with
//! [`BITS`] random hyperplanes; features use prefixes of the signature as coarser clusters.
//!
//! Built by `morgue ner lexicon` from plain text; stored inside the model file.

use super::features::{hash_str, lower_form, mix};
use super::tokenize;
use std::collections::HashMap;

/// Signature bits.
pub const BITS: u32 = 24;

/// What the lexicon knows about a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Share of non-initial occurrences written capitalized, in tenths (0–10).
    pub caps: u8,
    /// Cluster signature ([`BITS`] bits).
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
    /// Context words (most frequent first).
    pub contexts: usize,
    /// Minimum occurrences for a word to be kept.
    pub min_count: u32,
}

impl Default for LexiconOptions {
    fn default() -> Self {
        LexiconOptions {
            vocabulary: 80_000,
            contexts: 2_000,
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
        let mut sent: Vec<u64> = Vec::new();
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
        let ctx_weight: HashMap<u64, f32> = by_freq
            .iter()
            .take(opts.contexts)
            .map(|(k, n)| (*k, 1.0 / (*n as f32).sqrt()))
            .collect();
        // Pass 2: projected, weighted context vectors.
        let dims = BITS as usize;
        let mut proj = vec![0f32; vocab.len() * dims];
        let plane = |ctx: u64, side: u64, d: usize| -> f32 {
            if mix(ctx ^ side ^ (d as u64).wrapping_mul(0x9E37_79B9)) & 1 == 0 {
                1.0
            } else {
                -1.0
            }
        };
        for text in texts {
            for s in tokenize::sentences(text) {
                sent.clear();
                for r in &s.tokens {
                    lower_form(&text[r.clone()], &mut buf);
                    sent.push(key(&buf));
                }
                for (i, w) in sent.iter().enumerate() {
                    let Some(&vi) = vocab.get(w) else { continue };
                    let row = &mut proj[vi * dims..(vi + 1) * dims];
                    for (side, j) in [(1u64, i.checked_sub(1)), (2u64, Some(i + 1))] {
                        let Some(c) = j.and_then(|j| sent.get(j)) else {
                            continue;
                        };
                        let Some(&wt) = ctx_weight.get(c) else {
                            continue;
                        };
                        for (d, x) in row.iter_mut().enumerate() {
                            *x += wt * plane(*c, side << 40, d);
                        }
                    }
                }
            }
        }
        // Normalize rows, centre, take signs.
        let mut mean = vec![0f32; dims];
        for row in proj.chunks_mut(dims) {
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
            for (x, m) in row.iter_mut().zip(&mut mean) {
                *x /= norm;
                *m += *x;
            }
        }
        let n = (proj.len() / dims).max(1) as f32;
        let mut words =
            super::model::HashedMap::with_capacity_and_hasher(vocab.len(), Default::default());
        for (k, &vi) in &vocab {
            let row = &proj[vi * dims..(vi + 1) * dims];
            let mut sig = 0u32;
            for (d, x) in row.iter().enumerate() {
                if *x - mean[d] / n > 0.0 {
                    sig |= 1 << d;
                }
            }
            let c = counts.get(k).copied().unwrap_or_default();
            // 11: never seen inside a sentence.
            let caps = (c.inner_caps * 10 + c.inner / 2)
                .checked_div(c.inner)
                .map_or(11, |x| x as u8);
            words.insert(*k, Entry { caps, cluster: sig }.pack());
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
            contexts: 50,
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
        assert_eq!(get("Mosul").cluster, get("Aleppo").cluster);
        assert_ne!(get("Mosul").cluster, get("bread").cluster);
        let back = Lexicon::from_entries(lex.entries());
        assert_eq!(back, lex);
    }
}
