//! Near-duplicates: MinHash signatures over word shingles, LSH band keys, similarity estimates.
//!
//! Owns deciding whether two normalized article texts are copies of one story (a syndicated
//! reprint, a wire story run twice, the same page scraped with other boilerplate). Exact copies
//! are already one article (same id); this finds the near ones.
//!
//! - Shingles are word 5-grams of the lowercased alphanumeric words, hashed to 64 bits.
//! - A [`Signature`] has [`HASHES`] minima, by one permutation hashing (Li, Owen & Zhang 2012):
//!   each shingle is hashed once into one of [`HASHES`] bins, each bin keeps its minimum, and
//!   empty bins are filled by rotation densification (Shrivastava & Li 2014). This costs one hash
//!   per shingle instead of [`HASHES`], and estimates Jaccard similarity as well.
//! - [`Signature::bands`] gives [`BANDS`] keys of [`ROWS`] minima each: two texts share a key with
//!   probability 1 − (1 − J^ROWS)^BANDS for Jaccard similarity J (about 0.96 at J = 0.8, 0.26 at
//!   J = 0.6, under 0.01 at J = 0.4), so candidates are found by exact key lookups.
//! - Candidates are confirmed with the signature estimate of J against [`THRESHOLD`].
//! - [`Signature::compact`] keeps the low byte of each minimum (b-bit MinHash, 128 bytes), enough
//!   to re-estimate J later: P(bytes equal) = J + (1 − J)/256.
//!
//! Must not decide which copy is the original: that is a matter of dates, decided at query time.

/// Words per shingle.
pub const SHINGLE: usize = 5;
/// Hash permutations per signature.
pub const HASHES: usize = 128;
/// LSH bands.
pub const BANDS: usize = 16;
/// Minima per band.
pub const ROWS: usize = HASHES / BANDS;
/// Estimated Jaccard similarity from which two articles are copies.
pub const THRESHOLD: f64 = 0.7;
/// Bits of a shingle hash that choose its bin (`HASHES` = 2^BIN_BITS).
const BIN_BITS: u32 = HASHES.trailing_zeros();
/// Bits of a band key that hold its band number.
pub const BAND_BITS: u32 = BANDS.trailing_zeros();
const _: () = assert!(BANDS.is_power_of_two());
/// The bits of a shingle hash kept as its value within the bin.
const VALUE_MASK: u64 = u64::MAX >> BIN_BITS;
const _: () = assert!(HASHES.is_power_of_two());

/// Texts with fewer shingles than this get no signature (too short to judge).
pub const MIN_SHINGLES: usize = 8;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u64; HASHES]);

/// splitmix64: a fast, well-mixed 64-bit hash step.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= b.to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn word_hashes(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fnv)
        .collect()
}

fn shingle_hash(window: &[u64]) -> u64 {
    mix(window.iter().fold(0u64, |acc, w| mix(acc ^ w)))
}

/// The exact Jaccard similarity of two texts' shingle sets (what signatures estimate); for
/// evaluation, not for ingest.
pub fn exact_similarity(a: &str, b: &str) -> f64 {
    let set = |t: &str| -> std::collections::HashSet<u64> {
        word_hashes(t).windows(SHINGLE).map(shingle_hash).collect()
    };
    let (x, y) = (set(a), set(b));
    let union = x.union(&y).count();
    if union == 0 {
        return 0.0;
    }
    x.intersection(&y).count() as f64 / union as f64
}

impl Signature {
    /// The signature of a normalized text; `None` when it is too short to judge.
    pub fn of(text: &str) -> Option<Signature> {
        let words = word_hashes(text);
        if words.len() < SHINGLE + MIN_SHINGLES - 1 {
            return None;
        }
        // One permutation hashing: each shingle is hashed once; its top bits pick one of the
        // HASHES bins and the bin keeps its smallest value. Empty bins (short texts) borrow the
        // next filled bin's value, re-hashed with the distance (rotation densification), so
        // the bins stay valid MinHash estimators.
        let mut bins = [u64::MAX; HASHES];
        for window in words.windows(SHINGLE) {
            let h = shingle_hash(window);
            let bin = (h >> (64 - BIN_BITS)) as usize;
            let value = h & VALUE_MASK;
            if value < bins[bin] {
                bins[bin] = value;
            }
        }
        let mut mins = bins;
        for (i, m) in mins.iter_mut().enumerate() {
            if *m != u64::MAX {
                continue;
            }
            let filled = (1..HASHES).find_map(|d| {
                let v = bins[(i + d) % HASHES];
                (v != u64::MAX).then(|| mix(v ^ (d as u64).wrapping_mul(0xA076_1D64_78BD_642F)))
            });
            *m = filled? & VALUE_MASK;
        }
        Some(Signature(mins))
    }

    /// The LSH band keys, 32 bits each: the band number in the top [`BAND_BITS`] bits, a hash of
    /// its minima below. 32 bits keep the index's column of them at 4 bytes a key; two stories
    /// whose keys collide by chance (about one in 2^28 per band) are told apart by their
    /// signatures, as candidates always are.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut keys = [0u64; BANDS];
        for (b, key) in keys.iter_mut().enumerate() {
            let h = self.0[b * ROWS..(b + 1) * ROWS]
                .iter()
                .fold(b as u64, |acc, m| mix(acc ^ m));
            *key = ((b as u64) << (32 - BAND_BITS)) | (h >> (32 + BAND_BITS));
        }
        keys
    }

    /// The 128-byte b-bit form, for storage.
    pub fn compact(&self) -> Vec<u8> {
        self.0.iter().map(|m| (*m & 0xff) as u8).collect()
    }

    /// Estimated Jaccard similarity with another signature.
    pub fn similarity(&self, other: &Signature) -> f64 {
        self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count() as f64 / HASHES as f64
    }
}

/// Estimated Jaccard similarity of two compact (b-bit) signatures, corrected for chance
/// collisions of the low byte; `None` when they are not both [`HASHES`] bytes long.
pub fn compact_similarity(a: &[u8], b: &[u8]) -> Option<f64> {
    if a.len() != HASHES || b.len() != HASHES {
        return None;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / HASHES as f64;
    let chance = 1.0 / 256.0;
    Some(((equal - chance) / (1.0 - chance)).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The ministry denied on Monday that it had signed a secret oil agreement with \
        the northern militias, calling the reports fabricated and promising a full inquiry into who \
        leaked the documents. Officials said the talks had covered only humanitarian corridors and \
        the exchange of prisoners, and that no contract had been drafted. Opposition deputies \
        demanded that the minister appear before parliament to answer questions about the payments \
        reported by the newspaper last week.";

    #[test]
    fn a_reprint_with_other_boilerplate_is_a_copy() {
        let reprint = format!(
            "{STORY} This piece was reprinted by Example News with permission or license. Follow us."
        );
        let a = Signature::of(STORY).unwrap();
        let b = Signature::of(&reprint).unwrap();
        assert!(a.similarity(&b) >= THRESHOLD, "{}", a.similarity(&b));
        assert!(a.bands().iter().any(|k| b.bands().contains(k)));
        let c = compact_similarity(&a.compact(), &b.compact()).unwrap();
        assert!(c >= THRESHOLD, "{c}");
    }

    #[test]
    fn two_stories_on_the_same_topic_are_not_copies() {
        let other = "The ministry confirmed on Tuesday that it was negotiating an oil agreement with \
            northern militias, saying talks would continue through the winter. A spokesman told \
            reporters that any contract would be published in full and debated in parliament before \
            signature, and rejected claims of secret payments. Militia leaders did not respond to \
            requests for comment about the negotiations or the prisoners held since the spring.";
        let a = Signature::of(STORY).unwrap();
        let b = Signature::of(other).unwrap();
        assert!(a.similarity(&b) < 0.2, "{}", a.similarity(&b));
        assert!(compact_similarity(&a.compact(), &b.compact()).unwrap() < 0.3);
    }

    #[test]
    fn case_and_punctuation_do_not_matter_and_short_texts_get_none() {
        let shouted = STORY.to_uppercase().replace(',', " ;");
        assert_eq!(Signature::of(STORY), Signature::of(&shouted));
        assert_eq!(Signature::of("Too short to judge at all."), None);
        assert_eq!(compact_similarity(&[1, 2], &[1, 2]), None);
    }

    #[test]
    fn estimates_track_the_exact_similarity() {
        // Texts of 400 words sharing a growing prefix: exact J runs from about 0 to 1.
        let base: Vec<String> = (0..400).map(|i| format!("alpha{i}")).collect();
        for keep in [0, 100, 200, 300, 350, 400] {
            let mut other = base.clone();
            for w in other.iter_mut().skip(keep) {
                w.push('x');
            }
            let (a, b) = (base.join(" "), other.join(" "));
            let exact = exact_similarity(&a, &b);
            let (sa, sb) = (Signature::of(&a).unwrap(), Signature::of(&b).unwrap());
            let full = sa.similarity(&sb);
            let compact = compact_similarity(&sa.compact(), &sb.compact()).unwrap();
            assert!((full - exact).abs() < 0.15, "{keep}: {full} vs {exact}");
            assert!(
                (compact - exact).abs() < 0.15,
                "{keep}: {compact} vs {exact}"
            );
        }
        assert_eq!(exact_similarity("", ""), 0.0);
    }

    #[test]
    fn band_keys_carry_their_band_number() {
        let s = Signature::of(STORY).unwrap();
        for (i, k) in s.bands().iter().enumerate() {
            assert!(*k < 1 << 32, "{k:#x} is wider than 32 bits");
            assert_eq!((k >> (32 - BAND_BITS)) as usize, i);
        }
    }
}
