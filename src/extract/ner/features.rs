//! Features: each token becomes a list of hashed feature ids.
//!
//! A feature is a template (what is looked at: the word, the next word's shape…) and a value;
//! both are hashed to a 32-bit id, so no feature strings are built or stored. Static features
//! depend only on the words and are computed once per sentence; the few that look at the tags
//! already chosen ([`dynamic`]) are added during decoding.
//!
//! Templates: bias; word; lowercase word (digits as 0); shape (`Xxxx`, `XX`, `dd-dd`) and short
//! shape (repeats collapsed); prefixes and suffixes of 1–4 characters; capitalization class and
//! its combination with the position in the sentence; lowercase words and shapes at ±1, ±2;
//! word bigrams; the shape trigram; gazetteer matches (type and begin/inside); headline (mostly
//! all-caps) sentence × lowercase word; from the lexicon, the word's capitalization habit and its
//! word-cluster path prefixes of 4, 6, 10 and 20 bits, and the previous and next words' prefixes
//! of 4 and 10 bits; from the lexicon's word-vector classes, the word's class at each
//! granularity and the middle granularity's class of the words at ±1 and ±2; previous tag,
//! previous two tags, previous tag × word and × shape.

use super::clusters::prefix;
use super::gazetteer::{Gazetteer, TYPE_BITS};
use super::lexicon::{class, Lexicon, CAPS_UNKNOWN, CLASS_LEVELS};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Finalizes a 64-bit hash (murmur3's fmix64).
pub fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Hash of a string (FNV-1a, finalized).
pub fn hash_str(s: &str) -> u64 {
    mix(crate::hashing::fnv1a(s.as_bytes()))
}

/// Hash of an ordered pair of hashes.
pub fn combine(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(23) ^ b.wrapping_mul(K))
}

/// The feature id of a template and a value.
pub fn feature(template: u32, value: u64) -> u32 {
    (mix(value ^ u64::from(template).wrapping_mul(K).rotate_left(7)) >> 32) as u32
}

// Template numbers. Changing them invalidates trained models.
const T_BIAS: u32 = 0;
const T_WORD: u32 = 1;
const T_LOWER: u32 = 2;
const T_SHAPE: u32 = 3;
const T_SHORT: u32 = 4;
const T_PREFIX: u32 = 5; // 5..=8
const T_SUFFIX: u32 = 9; // 9..=12
const T_CAP_POS: u32 = 13;
const T_LOWER_AT: u32 = 14; // 14..=17 for -2, -1, +1, +2
const T_SHAPE_AT: u32 = 18; // 18..=21
const T_BIGRAM_L: u32 = 22;
const T_BIGRAM_R: u32 = 23;
const T_SHAPE3: u32 = 24;
const T_GAZ: u32 = 25;
const T_HEADLINE: u32 = 26;
const T_WORD_AT: u32 = 27; // 27..=28 for -1, +1 exact
const T_SHORT2: u32 = 29; // 29..=30 short shape bigrams
const T_FIRST_LOWER: u32 = 31;
const T_CLASS: u32 = 32; // 32..=34 word-vector classes (CLASS_LEVELS)
const T_CLASS_AT: u32 = 35; // 35..=36 the middle level's class at -1, +1
const T_CLASS_AT2: u32 = 37; // 37..=38 the middle level's class at -2, +2
const T_PREV: u32 = 40;
const T_PREV2: u32 = 41;
const T_PREV_LOWER: u32 = 42;
const T_PREV_SHAPE: u32 = 43;
const T_GAZ_AT: u32 = 44; // 44..=45 gazetteer marks of neighbours
const T_CAP_NEXT: u32 = 46;
const T_CAPS_SEEN: u32 = 47;
const T_CLUSTER: u32 = 48; // 48..=51 path prefixes (CLUSTER_PREFIXES)
const T_CLUSTER_AT: u32 = 52; // 52..=55 path prefixes (NEIGHBOUR_PREFIXES) at -1, +1
                              // Templates 60 and up are the document-level features' (`super::document`).

/// Cluster path prefixes (bits) used as features of a word.
const CLUSTER_PREFIXES: [u32; 4] = [4, 6, 10, 20];
/// Cluster path prefixes used as features of the previous and next words.
const NEIGHBOUR_PREFIXES: [u32; 2] = [4, 10];
/// The level of word-vector classes used as features of the words at ±1 and ±2 (256 classes).
const NEIGHBOUR_CLASS: usize = 1;

/// Number of tag-dependent features per token (see [`dynamic`]).
pub const N_DYNAMIC: usize = 4;

/// Capitalization class of a word.
fn cap_class(w: &str) -> u64 {
    let mut upper = 0;
    let mut lower = 0;
    let mut digit = 0;
    for c in w.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        } else if c.is_numeric() {
            digit += 1;
        }
    }
    let first_upper = w.chars().next().is_some_and(char::is_uppercase);
    match (upper, lower, digit) {
        (0, 0, 0) => 0,                      // punctuation
        (0, 0, _) => 1,                      // number
        (0, _, _) => 2,                      // lowercase
        (_, 0, _) if upper > 1 => 3,         // ALLCAPS
        (_, 0, _) => 4,                      // single capital
        _ if first_upper && upper == 1 => 5, // Capitalized
        _ if first_upper => 6,               // CamelCase
        _ => 7,                              // mIxed, al-Baghdadi
    }
}

/// Per-token values shared by the templates.
#[derive(Debug, Clone, Copy, Default)]
struct Tok {
    word: u64,
    lower: u64,
    shape: u64,
    short: u64,
    cap: u64,
    gaz: u16,
    /// Capitalization bucket from the lexicon (12 = unknown word).
    caps_seen: u64,
    /// Cluster signature + 1 (0 = unknown word).
    cluster: u64,
    /// Word-vector classes (see [`super::lexicon::Classes`]; 0 = none).
    classes: u32,
}

/// The lowercase form used by the lexical templates: lowercase, digits as `0`.
pub fn lower_form(w: &str, out: &mut String) {
    out.clear();
    for c in w.chars() {
        if c.is_ascii_digit() {
            out.push('0');
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// Shape (at most 6 characters kept, the rest collapsed) and short shape of a word.
fn shapes(w: &str, long: &mut String, short: &mut String) {
    long.clear();
    short.clear();
    for (n, c) in w.chars().enumerate() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if n < 6 || !long.ends_with(s) {
            long.push(s);
        }
        if !short.ends_with(s) {
            short.push(s);
        }
    }
}

/// Reusable buffers and the static features of one sentence.
#[derive(Debug, Default)]
pub struct SentenceFeatures {
    toks: Vec<Tok>,
    /// Static feature ids of every token, concatenated.
    feats: Vec<u32>,
    /// Where each token's features end in `feats`.
    ends: Vec<usize>,
    lower: String,
    long: String,
    short: String,
    gaz_marks: Vec<u16>,
    lower_hashes: Vec<u64>,
    /// The sentence is a headline (mostly all-caps words).
    headline: bool,
}

/// The hashes of a token that outlive its sentence's buffers: the document-level pass
/// ([`super::document`]) compares word forms across sentences and recomputes the tag-dependent
/// features from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenKeys {
    /// Hash of the word as written.
    pub word: u64,
    /// Hash of its lowercase form (digits as `0`), also the lexicon's key.
    pub lower: u64,
    /// Hash of its short shape.
    pub short: u64,
    /// Capitalization class (3 and above: the word has a capital letter).
    pub cap: u8,
    /// No capital letter and in no gazetteer entry (see [`SentenceFeatures::plain`]).
    pub plain: bool,
}

impl TokenKeys {
    /// True when the word has a capital letter.
    pub fn capitalized(&self) -> bool {
        self.cap >= 3
    }

    /// Fills the tag-dependent features, given the two previous tags.
    pub fn dynamic(&self, prev: usize, prev2: usize, out: &mut [u32; N_DYNAMIC]) {
        let p = prev as u64 + 1;
        out[0] = feature(T_PREV, p);
        out[1] = feature(T_PREV2, p * 16 + prev2 as u64 + 1);
        out[2] = feature(T_PREV_LOWER, combine(p, self.lower));
        out[3] = feature(T_PREV_SHAPE, combine(p, self.short));
    }
}

/// Hash used for "no token" (before the start or after the end of the sentence).
const PAD: u64 = 0x5bd1_e995_5bd1_e995;

impl SentenceFeatures {
    /// Empty buffers.
    pub fn new() -> SentenceFeatures {
        SentenceFeatures::default()
    }

    /// Number of tokens of the last sentence computed.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// True when the last sentence was empty.
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// Static features of token `i`.
    pub fn statics(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.feats[start..self.ends[i]]
    }

    /// Fills the tag-dependent features of token `i`, given the two previous tags.
    pub fn dynamic(&self, i: usize, prev: usize, prev2: usize, out: &mut [u32; N_DYNAMIC]) {
        self.keys(i).dynamic(prev, prev2, out);
    }

    /// What the document-level pass needs to know of token `i` (after
    /// [`SentenceFeatures::compute_tokens`]).
    pub fn keys(&self, i: usize) -> TokenKeys {
        let t = &self.toks[i];
        TokenKeys {
            word: t.word,
            lower: t.lower,
            short: t.short,
            cap: t.cap as u8,
            plain: t.cap <= 2 && t.gaz & TYPE_BITS == 0,
        }
    }

    /// Computes the static features of a sentence.
    pub fn compute(&mut self, words: &[&str], gaz: &Gazetteer, lex: &Lexicon) {
        self.compute_tokens(words, gaz, lex);
        let mut feats = std::mem::take(&mut self.feats);
        let mut lower = std::mem::take(&mut self.lower);
        for i in 0..words.len() {
            self.token_features(words, i, lex, &mut lower, &mut feats);
            self.ends.push(feats.len());
        }
        self.feats = feats;
        self.lower = lower;
    }

    /// Computes what the features of a sentence's tokens are made of, without the features
    /// themselves: [`SentenceFeatures::token_features`] then gives one token's on demand.
    pub fn compute_tokens(&mut self, words: &[&str], gaz: &Gazetteer, lex: &Lexicon) {
        self.toks.clear();
        self.feats.clear();
        self.ends.clear();
        self.lower_hashes.clear();
        let mut caps_words = 0;
        let mut letter_words = 0;
        for w in words {
            lower_form(w, &mut self.lower);
            shapes(w, &mut self.long, &mut self.short);
            let cap = cap_class(w);
            if cap >= 2 {
                letter_words += 1;
                if cap == 3 || cap == 4 {
                    caps_words += 1;
                }
            }
            let lower = hash_str(&self.lower);
            self.lower_hashes.push(lower);
            let entry = if lex.is_empty() {
                None
            } else {
                // The lexicon's key of a word is the hash of its lowercase form.
                lex.get(lower)
            };
            self.toks.push(Tok {
                word: hash_str(w),
                lower,
                shape: hash_str(&self.long),
                short: hash_str(&self.short),
                cap,
                gaz: 0,
                caps_seen: entry.map_or(u64::from(CAPS_UNKNOWN), |e| u64::from(e.caps)),
                cluster: entry
                    .filter(|e| e.cluster != 0)
                    .map_or(0, |e| u64::from(e.cluster) + 1),
                classes: entry.map_or(0, |e| e.classes),
            });
        }
        gaz.mark(&self.lower_hashes, &mut self.gaz_marks);
        for (t, m) in self.toks.iter_mut().zip(&self.gaz_marks) {
            t.gaz = *m;
        }
        self.headline = letter_words >= 2 && caps_words * 2 > letter_words;
    }

    /// True when token `i` (after [`SentenceFeatures::compute_tokens`]) has no capital letter
    /// and is in no gazetteer entry: punctuation, a number or a lowercase word.
    pub fn plain(&self, i: usize) -> bool {
        let t = &self.toks[i];
        t.cap <= 2 && t.gaz & TYPE_BITS == 0
    }

    /// Appends the static features of token `i` of `words` to `f` (after
    /// [`SentenceFeatures::compute_tokens`] on the same words); `lower` is scratch space.
    pub fn token_features(
        &self,
        words: &[&str],
        i: usize,
        lex: &Lexicon,
        lower: &mut String,
        f: &mut Vec<u32>,
    ) {
        let n = words.len();
        let at = |i: isize| -> Tok {
            if i < 0 || i as usize >= n {
                Tok {
                    word: PAD,
                    lower: PAD,
                    shape: PAD,
                    short: PAD,
                    cap: 99,
                    gaz: 0,
                    caps_seen: 13,
                    cluster: 0,
                    classes: 0,
                }
            } else {
                self.toks[i as usize]
            }
        };
        let t = self.toks[i];
        let ii = i as isize;
        f.push(feature(T_BIAS, 0));
        f.push(feature(T_WORD, t.word));
        f.push(feature(T_LOWER, t.lower));
        f.push(feature(T_SHAPE, t.shape));
        f.push(feature(T_SHORT, t.short));
        lower_form(words[i], lower);
        // Byte offsets of the first five characters and of the last four.
        let mut heads = [lower.len(); 5];
        for (k, (b, _)) in lower.char_indices().take(5).enumerate() {
            heads[k] = b;
        }
        let len = lower.chars().count();
        let mut tails = [0usize; 5];
        for (k, (b, _)) in lower.char_indices().rev().take(4).enumerate() {
            tails[k + 1] = b;
        }
        for k in 1..=4.min(len) {
            f.push(feature(
                T_PREFIX + k as u32 - 1,
                hash_str(&lower[..heads[k]]),
            ));
            f.push(feature(
                T_SUFFIX + k as u32 - 1,
                hash_str(&lower[tails[k]..]),
            ));
        }
        let pos = match i {
            0 => 0,
            _ if i + 1 == n => 2,
            _ => 1,
        };
        f.push(feature(T_CAP_POS, t.cap * 4 + pos));
        if i == 0 {
            f.push(feature(T_FIRST_LOWER, t.lower));
        }
        for (k, d) in [-2isize, -1, 1, 2].into_iter().enumerate() {
            let o = at(ii + d);
            f.push(feature(T_LOWER_AT + k as u32, o.lower));
            f.push(feature(T_SHAPE_AT + k as u32, o.short));
        }
        let (l, r) = (at(ii - 1), at(ii + 1));
        f.push(feature(T_WORD_AT, l.word));
        f.push(feature(T_WORD_AT + 1, r.word));
        f.push(feature(T_BIGRAM_L, combine(l.lower, t.lower)));
        f.push(feature(T_BIGRAM_R, combine(t.lower, r.lower)));
        f.push(feature(
            T_SHAPE3,
            combine(combine(l.short, t.short), r.short),
        ));
        f.push(feature(T_SHORT2, combine(l.short, t.short)));
        f.push(feature(T_SHORT2 + 1, combine(t.short, r.short)));
        f.push(feature(T_CAP_NEXT, t.cap * 128 + r.cap));
        if !lex.is_empty() {
            f.push(feature(T_CAPS_SEEN, (t.caps_seen * 128 + t.cap) * 4 + pos));
            f.push(feature(
                T_CAPS_SEEN,
                1_000_000 + t.caps_seen * 16 + l.caps_seen,
            ));
            if t.cluster != 0 {
                let c = (t.cluster - 1) as u32;
                for (k, bits) in CLUSTER_PREFIXES.into_iter().enumerate() {
                    f.push(feature(T_CLUSTER + k as u32, u64::from(prefix(c, bits))));
                }
            }
            for (k, o) in [l, r].into_iter().enumerate() {
                if o.cluster != 0 {
                    let c = (o.cluster - 1) as u32;
                    for (j, bits) in NEIGHBOUR_PREFIXES.into_iter().enumerate() {
                        f.push(feature(
                            T_CLUSTER_AT + 2 * k as u32 + j as u32,
                            u64::from(prefix(c, bits)),
                        ));
                    }
                }
            }
            if t.classes != 0 {
                for level in 0..CLASS_LEVELS {
                    f.push(feature(
                        T_CLASS + level as u32,
                        u64::from(class(t.classes, level)),
                    ));
                }
            }
            for (k, o) in [l, r].into_iter().enumerate() {
                if o.classes != 0 {
                    f.push(feature(
                        T_CLASS_AT + k as u32,
                        u64::from(class(o.classes, NEIGHBOUR_CLASS)),
                    ));
                }
            }
            for (k, o) in [at(ii - 2), at(ii + 2)].into_iter().enumerate() {
                if o.classes != 0 {
                    f.push(feature(
                        T_CLASS_AT2 + k as u32,
                        u64::from(class(o.classes, NEIGHBOUR_CLASS)),
                    ));
                }
            }
        }
        for bit in 0..16u64 {
            if t.gaz & (1 << bit) != 0 {
                f.push(feature(T_GAZ, bit));
                f.push(feature(T_GAZ, combine(bit, t.cap)));
            }
            if l.gaz & (1 << bit) != 0 {
                f.push(feature(T_GAZ_AT, bit));
            }
            if r.gaz & (1 << bit) != 0 {
                f.push(feature(T_GAZ_AT + 1, bit));
            }
        }
        if self.headline {
            f.push(feature(T_HEADLINE, t.lower));
            f.push(feature(T_HEADLINE, 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_classes() {
        let (mut l, mut s) = (String::new(), String::new());
        shapes("al-Baghdadi", &mut l, &mut s);
        assert_eq!(s, "x-Xx");
        shapes("1996-08-22", &mut l, &mut s);
        assert_eq!(l, "dddd-d-d", "long runs collapse after six characters");
        assert_eq!(s, "d-d-d");
        assert_eq!(cap_class("ISIS"), 3);
        assert_eq!(cap_class("Iraq"), 5);
        assert_eq!(cap_class("al-Baghdadi"), 7);
        assert_eq!(cap_class("iPhone"), 7);
        assert_eq!(cap_class("."), 0);
    }

    #[test]
    fn the_lexicon_key_is_the_lowercase_hash() {
        // compute_tokens looks words up in the lexicon by the hash it already has.
        let mut l = String::new();
        lower_form("Raqqa", &mut l);
        assert_eq!(super::super::lexicon::key(&l), hash_str(&l));
    }

    #[test]
    fn features_are_deterministic() {
        let g = Gazetteer::default();
        let mut a = SentenceFeatures::new();
        let lex = Lexicon::default();
        a.compute(&["Abu", "Bakr", "al-Baghdadi", "spoke"], &g, &lex);
        let first: Vec<u32> = a.statics(2).to_vec();
        a.compute(&["Abu", "Bakr", "al-Baghdadi", "spoke"], &g, &lex);
        assert_eq!(a.statics(2), &first[..]);
        assert_eq!(a.len(), 4);
    }

    #[test]
    fn word_vector_classes_are_features_of_the_word_and_its_neighbours() {
        use super::super::lexicon::{key, CLASS_BITS};
        let g = Gazetteer::default();
        let words = ["fled", "to", "Raqqa", "on", "Monday"];
        // "raqqa" known by its classes only; "fled" by its capitalization and cluster only.
        let known = (key("fled"), (2u64 << 24) | 0b101);
        let classes = (1 + (3 | 17 << CLASS_BITS | 900 << (2 * CLASS_BITS))) as u64;
        let with = Lexicon::from_entries([known, (key("raqqa"), classes << 32 | 12 << 24)]);
        let without = Lexicon::from_entries([known]);
        let (mut a, mut b) = (SentenceFeatures::new(), SentenceFeatures::new());
        a.compute(&words, &g, &with);
        b.compute(&words, &g, &without);
        let extra = |i: usize| -> Vec<u32> {
            let base: Vec<u32> = b.statics(i).to_vec();
            let mut v: Vec<u32> = a
                .statics(i)
                .iter()
                .copied()
                .filter(|f| !base.contains(f))
                .collect();
            v.sort_unstable();
            assert!(
                base.iter().all(|f| a.statics(i).contains(f)),
                "token {i} lost features"
            );
            v
        };
        let mut own: Vec<u32> = (0..CLASS_LEVELS)
            .map(|l| feature(T_CLASS + l as u32, u64::from(class(classes as u32, l))))
            .collect();
        own.sort_unstable();
        // The word's class at each level, and no cluster or capitalization habit it lacks
        // (its caps stay "unknown", as for a word the lexicon does not know).
        assert_eq!(extra(2), own);
        assert_eq!(
            extra(1),
            vec![feature(T_CLASS_AT + 1, 17)],
            "next word's class"
        );
        assert_eq!(
            extra(3),
            vec![feature(T_CLASS_AT, 17)],
            "previous word's class"
        );
        assert_eq!(extra(0), vec![feature(T_CLASS_AT2 + 1, 17)], "at +2");
        assert_eq!(extra(4), vec![feature(T_CLASS_AT2, 17)], "at -2");
    }
}
