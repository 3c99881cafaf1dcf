//! A lexicon learned from unlabeled text: for frequent words, how often they are written
//! capitalized where capitals are not forced (not at the start of a sentence), a
//! distributional cluster, and classes of their word vectors ([`Lexicon::add_classes`]).
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

/// Classes of a word at each of [`CLASS_LEVELS`] granularities, from [`Lexicon::add_classes`]:
/// `0` when the word has none, else 1 + the class numbers packed [`CLASS_BITS`] bits apart.
pub type Classes = u32;

/// Granularities of the word classes from word vectors.
pub const CLASS_LEVELS: usize = 3;
/// Bits of one level's class number (so at most 1,024 classes per level).
pub const CLASS_BITS: u32 = 10;
const _: () = assert!(
    CLASS_BITS * CLASS_LEVELS as u32 <= 31,
    "classes + 1 fit in 32 bits"
);

/// A word's class at `level` (0: the coarsest) of its packed [`Classes`] (non-zero).
pub fn class(classes: Classes, level: usize) -> u32 {
    ((classes - 1) >> (CLASS_BITS * level as u32)) & ((1 << CLASS_BITS) - 1)
}

/// `caps` of a word the lexicon knows only by its classes.
pub const CAPS_UNKNOWN: u8 = 12;

/// What the lexicon knows about a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Share of non-initial occurrences written capitalized, in tenths (0–10; 11: never seen
    /// inside a sentence; [`CAPS_UNKNOWN`]: not counted).
    pub caps: u8,
    /// Cluster path (see [`clusters::build`]; 0: none).
    pub cluster: u32,
    /// Classes from word vectors (see [`Classes`]).
    pub classes: Classes,
}

impl Entry {
    fn pack(self) -> u64 {
        (u64::from(self.classes) << 32) | (u64::from(self.caps) << BITS) | u64::from(self.cluster)
    }
    fn unpack(v: u64) -> Entry {
        Entry {
            caps: ((v >> BITS) & 0xff) as u8,
            cluster: (v & ((1 << BITS) - 1)) as u32,
            classes: (v >> 32) as u32,
        }
    }
}

/// Words (by the hash of their lowercase form) and what is known about them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    words: super::model::HashedMap<u64>,
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

    /// True when some word has word-vector classes.
    pub fn has_classes(&self) -> bool {
        self.words.values().any(|v| v >> 32 != 0)
    }

    /// Every (word hash, packed entry), sorted (for writing).
    pub fn entries(&self) -> Vec<(u64, u64)> {
        let mut v: Vec<(u64, u64)> = self.words.iter().map(|(k, v)| (*k, *v)).collect();
        v.sort_unstable();
        v
    }

    /// Rebuilds a lexicon from [`Lexicon::entries`].
    pub fn from_entries(e: impl IntoIterator<Item = (u64, u64)>) -> Lexicon {
        Lexicon {
            words: e.into_iter().collect(),
        }
    }

    /// Adds word classes read from `text`: one word per line (its [`lower_form`]), then
    /// [`CLASS_LEVELS`] class numbers below 1,024, TAB-separated, coarsest first (as
    /// `scripts/word_classes.py` writes them from word vectors). Words the lexicon does not
    /// know yet are added with classes only; classes the lexicon had before are dropped.
    /// Returns how many words got classes, and how many of them it did not know.
    pub fn add_classes(&mut self, text: &str) -> Result<(usize, usize), String> {
        self.words.retain(|_, v| {
            *v &= u64::from(u32::MAX);
            let e = Entry::unpack(*v);
            e.caps != CAPS_UNKNOWN || e.cluster != 0
        });
        let (mut n, mut new, mut lower) = (0, 0, String::new());
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let word = cols.next().unwrap_or_default();
            let mut packed = 0u32;
            for level in 0..CLASS_LEVELS {
                let c: u32 = cols
                    .next()
                    .and_then(|c| c.parse().ok())
                    .filter(|&c| c < 1 << CLASS_BITS)
                    .ok_or_else(|| {
                        format!(
                            "line {}: expected {CLASS_LEVELS} class numbers below 1024",
                            i + 1
                        )
                    })?;
                packed |= c << (CLASS_BITS * level as u32);
            }
            lower_form(word, &mut lower);
            let k = key(&lower);
            let mut e = self.get(k).unwrap_or_else(|| {
                new += 1;
                Entry {
                    caps: CAPS_UNKNOWN,
                    cluster: 0,
                    classes: 0,
                }
            });
            e.classes = packed + 1;
            self.words.insert(k, e.pack());
            n += 1;
        }
        Ok((n, new))
    }

    /// Writes the sentences of plain texts as the lexicon sees them, one per line: the
    /// [`lower_form`]s of their tokens, space-separated (sentences of one token are left out).
    /// This is the text word vectors are learned from (`scripts/word_classes.py`), so that
    /// their words are the lexicon's keys. Returns the number of sentences written.
    pub fn write_sentences<'a>(
        texts: impl Iterator<Item = &'a str>,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<u64> {
        let (mut n, mut buf, mut line) = (0, String::new(), String::new());
        for text in texts {
            for s in tokenize::sentences(text) {
                if s.tokens.len() < 2 {
                    continue;
                }
                line.clear();
                for r in &s.tokens {
                    lower_form(&text[r.clone()], &mut buf);
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(&buf);
                }
                line.push('\n');
                out.write_all(line.as_bytes())?;
                n += 1;
            }
        }
        Ok(n)
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
                    classes: 0,
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

    #[test]
    fn word_classes_join_known_words_and_add_new_ones() {
        let text = "Mosul is far. Mosul is near.\n".repeat(5);
        let opts = LexiconOptions {
            min_count: 1,
            ..LexiconOptions::default()
        };
        let mut lex = Lexicon::build([text.as_str()].into_iter(), &opts);
        let before = lex.get(key("mosul")).unwrap();
        assert_eq!(before.classes, 0);
        assert_eq!(
            lex.add_classes("Mosul\t3\t17\t1023\nraqqa\t3\t17\t900\n"),
            Ok((2, 1))
        );
        let mosul = lex.get(key("mosul")).unwrap();
        assert_eq!((mosul.caps, mosul.cluster), (before.caps, before.cluster));
        assert_eq!(
            mosul.classes,
            1 + (3 | 17 << CLASS_BITS | 1023 << (2 * CLASS_BITS))
        );
        let raqqa = lex.get(key("raqqa")).unwrap();
        assert_eq!((raqqa.caps, raqqa.cluster), (CAPS_UNKNOWN, 0));
        assert_ne!(raqqa.classes, 0);
        assert_eq!(Lexicon::from_entries(lex.entries()), lex);
        assert!(lex.has_classes());
        // Classes added again replace the old ones: "raqqa" was known by its classes only.
        assert_eq!(lex.add_classes("mosul\t1\t1\t1\n"), Ok((1, 0)));
        assert!(lex.get(key("raqqa")).is_none());
        assert_eq!(
            lex.get(key("mosul")).unwrap().classes,
            1 + (1 | 1 << 10 | 1 << 20)
        );
        let mut out = Vec::new();
        let text = "Senate confirms Brett Kavanaugh's nomination in 2018.\nOK\n";
        assert_eq!(
            Lexicon::write_sentences([text].into_iter(), &mut out).unwrap(),
            1
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "senate confirms brett kavanaugh 's nomination in 0000 .\n"
        );
        let err = lex.add_classes("aleppo\t1\t2\n").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
        assert!(lex.add_classes("aleppo\t1\t2\t1024\n").is_err());
    }
}
