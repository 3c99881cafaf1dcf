//! The model: feature weights, the gazetteer, and the compact binary file format.
//!
//! In memory each feature id maps to a row of [`N_TAGS`] `f32` weights. On disk (`data/ner.model`)
//! weights are quantized to `i16` with one global scale and only non-zero ones are written;
//! feature ids are sorted and delta-encoded, all integers as LEB128 varints:
//!
//! ```text
//! magic "MORGUENER" version(u8 = 2, 3, 4 or 5)
//! scale(f32 LE) [doc_features(varint), versions 3 to 5] n_features(varint)
//! n_features × { key_delta(varint) tag_mask(varint, 9 bits) weight(zigzag varint) per set bit }
//! n_phrases(varint)
//! n_phrases × { phrase_key_delta(varint u64) kind_mask(u8; versions 4, 5: varint u16) }
//! n_words(varint)
//! n_words × { word_key_delta(varint u64) entry(varint) }   (the lexicon)
//! ```
//!
//! Version 3 is written only for a model with document-level weights (a second pass, see
//! [`super::document`]); a model without them is written as version 2, byte for byte as before.
//! Version 4 is written only when the gazetteer holds list kinds (masks above 8 bits, see
//! [`super::gazetteer::LIST_KINDS`]). Version 5 is written only when the lexicon holds
//! word-vector classes: a lexicon entry is then a u64 (caps and cluster path in the low 32 bits,
//! the classes in the high 32, see [`super::lexicon::Entry`]), a u32 before. The version tells
//! binaries older than the classes that they cannot use the model ("bad magic").
//!
//! A lexicon alone (`morgue ner lexicon`) is stored as `"MORGUELEX" 1` (no classes) or 2 (with
//! classes) followed by the last two lines.

use super::gazetteer::Gazetteer;
use super::lexicon::Lexicon;
use super::N_TAGS;

const MAGIC: &[u8] = b"MORGUENER\x02";
const MAGIC_DOC: &[u8] = b"MORGUENER\x03";
const MAGIC_LISTS: &[u8] = b"MORGUENER\x04";
const MAGIC_CLASSES: &[u8] = b"MORGUENER\x05";
const LEX_MAGIC: &[u8] = b"MORGUELEX\x01";
const LEX_MAGIC_CLASSES: &[u8] = b"MORGUELEX\x02";

/// A map keyed by feature ids.
pub type IdMap<V> = crate::hashing::PreHashedMap<u32, V>;

/// A map keyed by 64-bit hashes that are already well mixed (no second hashing).
pub type HashedMap<V> = crate::hashing::PreHashedMap<u64, V>;

/// The weights of one feature, one per tag.
pub type Row = [f32; N_TAGS];

/// A trained tagger: feature weights and gazetteer.
#[derive(Debug, Clone, Default)]
pub struct Model {
    index: IdMap<u32>,
    rows: Vec<Row>,
    /// The weights as read from a model file, laid out for decoding (see [`Packed`]); `None`
    /// for a model being trained or built from rows, which is scored from `index` and `rows`.
    packed: Option<Packed>,
    /// Multi-word names seen in the training data.
    pub gazetteer: Gazetteer,
    /// Capitalization and clusters learned from unlabeled text (may be empty).
    pub lexicon: Lexicon,
    /// The document-level feature groups the model was trained with (bits of
    /// [`super::document::EXACT`]…); 0: one pass, sentence features only.
    pub doc_features: u32,
}

/// A model file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a morgue NER model ({0})")]
pub struct FormatError(pub String);

impl Model {
    /// A model from (feature id, weights) pairs.
    pub fn from_rows(
        rows: impl IntoIterator<Item = (u32, Row)>,
        gazetteer: Gazetteer,
        lexicon: Lexicon,
    ) -> Model {
        let mut m = Model {
            gazetteer,
            lexicon,
            ..Model::default()
        };
        for (k, r) in rows {
            m.index.insert(k, m.rows.len() as u32);
            m.rows.push(r);
        }
        m
    }

    /// The weights of a feature.
    #[inline]
    pub fn row(&self, feature: u32) -> Option<&Row> {
        self.index.get(&feature).map(|&i| &self.rows[i as usize])
    }

    /// Every feature with weights and its row, in no particular order.
    pub fn rows(&self) -> impl Iterator<Item = (u32, &Row)> + '_ {
        self.index
            .iter()
            .map(|(k, &i)| (*k, &self.rows[i as usize]))
    }

    /// Adds the weights of features (new ones, or added to the existing row).
    pub fn add_rows(&mut self, rows: impl IntoIterator<Item = (u32, Row)>) {
        // The packed table would no longer match: score from the rows.
        self.packed = None;
        for (k, r) in rows {
            match self.index.get(&k) {
                Some(&i) => {
                    for (a, b) in self.rows[i as usize].iter_mut().zip(r) {
                        *a += b;
                    }
                }
                None => {
                    self.index.insert(k, self.rows.len() as u32);
                    self.rows.push(r);
                }
            }
        }
    }

    /// The average of `models`' weights (a feature a model lacks weighs 0 in it), with the
    /// first one's gazetteer, lexicon and document-level groups: models trained alike on the
    /// same data (and so with the same gazetteer and lexicon) with different seeds.
    pub fn average<'a>(models: impl IntoIterator<Item = &'a Model>) -> Model {
        let mut models = models.into_iter();
        let Some(first) = models.next() else {
            return Model::default();
        };
        let mut sum = first.clone();
        let mut n = 1u32;
        for m in models {
            // Each feature's sum is taken in the models' order, whatever the rows' order.
            sum.add_rows(m.rows().map(|(k, r)| (k, *r)));
            n += 1;
        }
        let scale = 1.0 / n as f32;
        for r in &mut sum.rows {
            r.iter_mut().for_each(|x| *x *= scale);
        }
        sum
    }

    /// Number of features with weights.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    /// Adds the weights of `features` to `scores`.
    #[inline]
    pub fn add_scores(&self, features: &[u32], scores: &mut Row) {
        if let Some(p) = &self.packed {
            p.add_scores(features, scores);
            return;
        }
        for f in features {
            if let Some(r) = self.row(*f) {
                for (s, w) in scores.iter_mut().zip(r) {
                    *s += w;
                }
            }
        }
    }

    /// Writes the model in the binary format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self
            .rows
            .iter()
            .flatten()
            .fold(0f32, |m, w| m.max(w.abs()))
            .max(1e-9);
        let scale = max / f32::from(i16::MAX);
        let mut keys: Vec<(u32, u32)> = self.index.iter().map(|(k, i)| (*k, *i)).collect();
        keys.sort_unstable();
        let mut quantized = Vec::with_capacity(keys.len());
        for (k, i) in keys {
            let q: Vec<i16> = self.rows[i as usize]
                .iter()
                .map(|w| (w / scale).round() as i16)
                .collect();
            if q.iter().any(|&x| x != 0) {
                quantized.push((k, q));
            }
        }
        let entries = self.gazetteer.entries();
        let classes = self.lexicon.has_classes();
        let wide = classes || entries.iter().any(|(_, m)| *m > 0xff);
        let mut out = if classes {
            MAGIC_CLASSES.to_vec()
        } else if wide {
            MAGIC_LISTS.to_vec()
        } else if self.doc_features == 0 {
            MAGIC.to_vec()
        } else {
            MAGIC_DOC.to_vec()
        };
        out.extend(scale.to_le_bytes());
        if self.doc_features != 0 || wide {
            put(&mut out, u64::from(self.doc_features));
        }
        put(&mut out, quantized.len() as u64);
        let mut last = 0u32;
        for (k, q) in &quantized {
            put(&mut out, u64::from(k - last));
            last = *k;
            let mask = q
                .iter()
                .enumerate()
                .filter(|(_, x)| **x != 0)
                .fold(0u64, |m, (t, _)| m | 1 << t);
            put(&mut out, mask);
            for x in q.iter().filter(|x| **x != 0) {
                put(&mut out, zigzag(*x));
            }
        }
        put(&mut out, entries.len() as u64);
        let mut last = 0u64;
        for (k, m) in entries {
            put(&mut out, k - last);
            last = k;
            if wide {
                put(&mut out, u64::from(m));
            } else {
                out.push(m as u8);
            }
        }
        write_lexicon(&mut out, &self.lexicon);
        out
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, FormatError> {
        let err = |m: &str| FormatError(m.to_string());
        let version = |magic: &[u8]| bytes.strip_prefix(magic);
        // Version 5 is version 4's layout with classes in the lexicon (which needs no other
        // reading: its entries are varints either way).
        let (rest, doc_level, wide) = if let Some(rest) = version(MAGIC) {
            (rest, false, false)
        } else if let Some(rest) = version(MAGIC_DOC) {
            (rest, true, false)
        } else if let Some(rest) = version(MAGIC_LISTS).or_else(|| version(MAGIC_CLASSES)) {
            (rest, true, true)
        } else {
            return Err(err(if bytes.is_empty() {
                "empty file; train one with `morgue ner train`"
            } else {
                "bad magic"
            }));
        };
        let mut r = Reader {
            bytes: rest,
            pos: 0,
        };
        let scale = f32::from_le_bytes(r.take4().ok_or_else(|| err("truncated"))?);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(err("bad weight scale"));
        }
        let mut m = Model::default();
        if doc_level {
            let groups = r.varint().ok_or_else(|| err("truncated"))?;
            m.doc_features = u32::try_from(groups).map_err(|_| err("bad feature groups"))?;
        }
        let n = r.varint().ok_or_else(|| err("truncated"))? as usize;
        m.index.reserve(n.min(1 << 24));
        m.rows.reserve(n.min(1 << 24));
        // Every feature takes at least two bytes: a file that claims more than it can hold
        // does not get a table of that size.
        let room = (r.bytes.len() - r.pos) / 2;
        let mut packed = Packed::with_capacity(n.min(room).min(1 << 24), scale);
        let mut key = 0u64;
        for _ in 0..n {
            key += r.varint().ok_or_else(|| err("truncated feature"))?;
            let k = u32::try_from(key).map_err(|_| err("feature id out of range"))?;
            let mask = r.varint().ok_or_else(|| err("truncated feature"))?;
            if mask >> N_TAGS != 0 {
                return Err(err("bad tag mask"));
            }
            let mut row = [0f32; N_TAGS];
            let mut quantized = [0i16; N_TAGS];
            for (t, (w, q)) in row.iter_mut().zip(&mut quantized).enumerate() {
                if mask & (1 << t) != 0 {
                    let z = r.varint().ok_or_else(|| err("truncated weight"))?;
                    *q = unzigzag(z);
                    *w = f32::from(*q) * scale;
                }
            }
            if m.index.insert(k, m.rows.len() as u32).is_some() {
                return Err(err("a feature id twice"));
            }
            m.rows.push(row);
            packed.insert(k, quantized);
        }
        m.packed = Some(packed);
        let n = r.varint().ok_or_else(|| err("truncated gazetteer"))? as usize;
        let mut entries = Vec::with_capacity(n.min(1 << 24));
        let mut key = 0u64;
        for _ in 0..n {
            key = key.wrapping_add(r.varint().ok_or_else(|| err("truncated gazetteer"))?);
            let mask = if wide {
                let m = r.varint().ok_or_else(|| err("truncated gazetteer"))?;
                u16::try_from(m).map_err(|_| err("bad gazetteer mask"))?
            } else {
                u16::from(r.byte().ok_or_else(|| err("truncated gazetteer"))?)
            };
            entries.push((key, mask));
        }
        m.gazetteer = Gazetteer::from_entries(entries);
        m.lexicon = read_lexicon(&mut r).ok_or_else(|| err("truncated lexicon"))?;
        if r.pos != r.bytes.len() {
            return Err(err("trailing bytes"));
        }
        Ok(m)
    }
}

/// A feature's quantized weights in the packed table: its id and its row as stored in the file,
/// in 32 bytes, so that a lookup reads one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    key: u32,
    weights: [i16; N_TAGS],
}

/// The key of a free slot. A feature with this id is kept apart (`last`).
const FREE: u32 = u32::MAX;

/// The weights of a model read from its file, laid out for decoding.
///
/// Decoding looks up every feature of every scored token, one random access each into a table
/// larger than the L2 cache: with a hash map from ids to row numbers and a separate `Vec` of
/// `f32` rows, each feature found cost two cache misses (the profile put most of the
/// recognizer's time on them). Here an open-addressing table (linear probing, at most 5/8
/// full) holds each id beside its `i16` row, as quantized in the file: one miss per lookup,
/// and 8 MB for 178k features where the map and rows took 8.9 MB.
///
/// A weight is scaled as it is added, as the `f32` rows held it: scores are bit for bit those of
/// the rows. (Summing in `i32` and scaling once is no faster and moves a few near-ties: 12 of
/// 31,848 entities' counts changed on 4,000 AllSides articles.)
#[derive(Clone)]
struct Packed {
    slots: Vec<Slot>,
    mask: usize,
    /// Slots in use.
    len: usize,
    scale: f32,
    /// The row of the feature whose id is [`FREE`], if the model has it.
    last: Option<[i16; N_TAGS]>,
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packed")
            .field("slots", &self.slots.len())
            .field("scale", &self.scale)
            .finish_non_exhaustive()
    }
}

impl Packed {
    /// An empty table with room for `n` features.
    fn with_capacity(n: usize, scale: f32) -> Packed {
        let size = (n * 8 / 5 + 1).next_power_of_two().max(8);
        Packed {
            slots: vec![
                Slot {
                    key: FREE,
                    weights: [0; N_TAGS],
                };
                size
            ],
            mask: size - 1,
            len: 0,
            scale,
            last: None,
        }
    }

    /// Where a feature's probe starts. Feature ids are hash values already.
    #[inline]
    fn home(&self, key: u32) -> usize {
        key as usize & self.mask
    }

    /// Adds a feature (ids are distinct: the file's are strictly increasing). Grows the table
    /// when it would be more than 5/8 full, which a file with fewer features than it claims
    /// never makes it.
    fn insert(&mut self, key: u32, weights: [i16; N_TAGS]) {
        if key == FREE {
            self.last = Some(weights);
            return;
        }
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            let mut bigger = Packed::with_capacity(self.slots.len(), self.scale);
            bigger.last = self.last;
            for s in self.slots.iter().filter(|s| s.key != FREE) {
                bigger.insert(s.key, s.weights);
            }
            *self = bigger;
        }
        let mut i = self.home(key);
        while self.slots[i].key != FREE {
            i = (i + 1) & self.mask;
        }
        self.slots[i] = Slot { key, weights };
        self.len += 1;
    }

    /// A feature's row.
    #[inline]
    fn get(&self, key: u32) -> Option<&[i16; N_TAGS]> {
        if key == FREE {
            return self.last.as_ref();
        }
        let mut i = self.home(key);
        loop {
            let s = &self.slots[i];
            if s.key == key {
                return Some(&s.weights);
            }
            if s.key == FREE {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Adds the weights of `features` to `scores`.
    #[inline]
    fn add_scores(&self, features: &[u32], scores: &mut Row) {
        // Ask for every feature's line first: the lookups' misses then overlap instead of
        // waiting on each other behind the probes' branches.
        #[cfg(target_arch = "x86_64")]
        for &f in features {
            let slot: *const Slot = &self.slots[self.home(f)];
            // SAFETY: a prefetch is a hint that never faults, and the address is a slot's.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    slot.cast::<i8>(),
                )
            };
        }
        for &f in features {
            if let Some(w) = self.get(f) {
                for (s, &x) in scores.iter_mut().zip(w) {
                    *s += f32::from(x) * self.scale;
                }
            }
        }
    }
}

fn write_lexicon(out: &mut Vec<u8>, lex: &Lexicon) {
    let entries = lex.entries();
    put(out, entries.len() as u64);
    let mut last = 0u64;
    for (k, v) in entries {
        put(out, k - last);
        last = k;
        put(out, v);
    }
}

fn read_lexicon(r: &mut Reader<'_>) -> Option<Lexicon> {
    let n = r.varint()? as usize;
    let mut entries = Vec::with_capacity(n.min(1 << 24));
    let mut key = 0u64;
    for _ in 0..n {
        key = key.wrapping_add(r.varint()?);
        entries.push((key, r.varint()?));
    }
    Some(Lexicon::from_entries(entries))
}

/// A lexicon file's bytes.
pub fn lexicon_to_bytes(lex: &Lexicon) -> Vec<u8> {
    let mut out = if lex.has_classes() {
        LEX_MAGIC_CLASSES.to_vec()
    } else {
        LEX_MAGIC.to_vec()
    };
    write_lexicon(&mut out, lex);
    out
}

/// Reads a lexicon file.
pub fn lexicon_from_bytes(bytes: &[u8]) -> Result<Lexicon, FormatError> {
    let rest = bytes
        .strip_prefix(LEX_MAGIC)
        .or_else(|| bytes.strip_prefix(LEX_MAGIC_CLASSES))
        .ok_or_else(|| FormatError("not a lexicon file".into()))?;
    let mut r = Reader {
        bytes: rest,
        pos: 0,
    };
    let lex = read_lexicon(&mut r).ok_or_else(|| FormatError("truncated lexicon".into()))?;
    if r.pos != rest.len() {
        return Err(FormatError("trailing bytes".into()));
    }
    Ok(lex)
}

/// Appends `v` as a LEB128 varint (also the encoding of the furniture table,
/// `index::furniture`, and of the stored passage spans, `index::records::encode_bounds`).
pub fn put(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Reads a LEB128 varint (see [`put`]) at `*pos` in `bytes`, advancing `pos`; `None` when
/// truncated or longer than 64 bits.
pub fn take_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        // The tenth byte holds the 64th bit only.
        if shift == 63 && b & 0x7f > 1 {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn zigzag(x: i16) -> u64 {
    u64::from(((x << 1) ^ (x >> 15)) as u16)
}

fn unzigzag(z: u64) -> i16 {
    let z = z as u16;
    ((z >> 1) as i16) ^ -((z & 1) as i16)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }
    fn take4(&mut self) -> Option<[u8; 4]> {
        let s = self.bytes.get(self.pos..self.pos + 4)?;
        self.pos += 4;
        s.try_into().ok()
    }
    fn varint(&mut self) -> Option<u64> {
        take_varint(self.bytes, &mut self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_read_back_and_one_past_64_bits_is_refused() {
        let mut bytes = Vec::new();
        for v in [0, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            put(&mut bytes, v);
        }
        let mut pos = 0;
        let read: Vec<u64> = std::iter::from_fn(|| take_varint(&bytes, &mut pos)).collect();
        assert_eq!(read, [0, 127, 128, 300, u64::from(u32::MAX), u64::MAX]);
        assert_eq!(pos, bytes.len());
        // u64::MAX with a 65th bit in its last byte; eleven bytes; cut short.
        let mut over = vec![0xff; 9];
        over.push(0x03);
        assert_eq!(take_varint(&over, &mut 0), None);
        assert_eq!(take_varint(&[0xff; 11], &mut 0), None);
        assert_eq!(take_varint(&[0x80], &mut 0), None);
    }

    #[test]
    fn an_average_weighs_a_missing_feature_as_zero() {
        let row = |x: f32| {
            let mut r = [0f32; N_TAGS];
            r[1] = x;
            r
        };
        let mut g = Gazetteer::new();
        g.add(&["Mosul"], 2);
        let a = Model::from_rows([(1, row(3.0)), (2, row(1.0))], g, Lexicon::default());
        let b = Model::from_rows(
            [(1, row(1.0)), (9, row(-4.0))],
            Gazetteer::new(),
            Lexicon::default(),
        );
        let m = Model::average([&a, &b]);
        assert_eq!(m.row(1), Some(&row(2.0)));
        assert_eq!(m.row(2), Some(&row(0.5)));
        assert_eq!(m.row(9), Some(&row(-2.0)));
        assert_eq!(m.n_features(), 3);
        assert_eq!(m.gazetteer, a.gazetteer, "the first model's gazetteer");
        assert_eq!(Model::average([&a]).to_bytes(), a.to_bytes());
        assert_eq!(Model::average([]).n_features(), 0);
    }

    #[test]
    fn round_trips_through_bytes() {
        let mut g = Gazetteer::new();
        g.add(&["Deir", "ez", "Zor"], 2);
        let mut r1 = [0f32; N_TAGS];
        r1[0] = 1.5;
        r1[3] = -0.25;
        let zero = [0f32; N_TAGS];
        let lex = Lexicon::from_entries([(5, 77), (9, 1 << 26)]);
        let m = Model::from_rows([(7, r1), (3, zero), (u32::MAX, r1)], g.clone(), lex.clone());
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.n_features(), 2, "all-zero rows are dropped");
        let r = back.row(7).unwrap();
        assert!((r[0] - 1.5).abs() < 1e-3 && (r[3] + 0.25).abs() < 1e-3);
        assert!(back.row(u32::MAX).is_some());
        assert_eq!(back.gazetteer, g);
        assert_eq!(back.lexicon, lex);
        assert_eq!(back.doc_features, 0);
        assert!(
            m.to_bytes().starts_with(MAGIC),
            "one-pass models keep version 2"
        );
        let mut two = m.clone();
        two.doc_features = 5;
        two.add_rows([(7, r1), (8, r1)]);
        let back = Model::from_bytes(&two.to_bytes()).unwrap();
        assert_eq!(back.doc_features, 5);
        assert!((back.row(7).unwrap()[0] - 3.0).abs() < 1e-3, "rows add up");
        assert!(back.row(8).is_some());
        let mut listed = m.clone();
        listed.gazetteer.add(&["Maria"], 4);
        let bytes = listed.to_bytes();
        assert!(bytes.starts_with(MAGIC_LISTS), "list kinds need wide masks");
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.gazetteer, listed.gazetteer);
        assert_eq!(back.doc_features, 0);
        assert_eq!(lexicon_from_bytes(&lexicon_to_bytes(&lex)).unwrap(), lex);
        assert!(lexicon_to_bytes(&lex).starts_with(LEX_MAGIC));
        // Word-vector classes: entries above 32 bits, and versions that say so.
        let mut classed = m.clone();
        classed.lexicon = Lexicon::from_entries([(5, 77), (11, (5 << 32) | (12 << 24))]);
        let bytes = classed.to_bytes();
        assert!(bytes.starts_with(MAGIC_CLASSES));
        assert_eq!(Model::from_bytes(&bytes).unwrap().lexicon, classed.lexicon);
        let lex_bytes = lexicon_to_bytes(&classed.lexicon);
        assert!(lex_bytes.starts_with(LEX_MAGIC_CLASSES));
        assert_eq!(lexicon_from_bytes(&lex_bytes).unwrap(), classed.lexicon);
        assert!(Model::from_bytes(b"nope").is_err());
        assert!(Model::from_bytes(&[]).is_err());
        let bytes = m.to_bytes();
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        // A weight scale that is not a positive number would make every weight NaN or 0.
        for bad in [f32::NAN, f32::INFINITY, 0.0, -1.0] {
            let mut b = bytes.clone();
            b[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&bad.to_le_bytes());
            assert_eq!(
                Model::from_bytes(&b).unwrap_err(),
                FormatError("bad weight scale".into())
            );
        }
        for x in [0i16, 1, -1, i16::MAX, i16::MIN] {
            assert_eq!(unzigzag(zigzag(x)), x);
        }
    }
}
