//! Hashing for keys that are already hashes: article keys, feature ids, word and phrase hashes.
//!
//! Owns the one cheap hasher of the crate. SipHash (the std default) was a visible share of
//! searches and of the recognizer; keys that are uniformly spread already need only one
//! multiplication to spread over hash-table buckets.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes a key that is already a hash (or a dense id) with one multiplication.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreHashed(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(K);
    }
}

/// FNV-1a of `bytes`: stable across runs and platforms, for hashes that are stored on disk.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Builds [`PreHashed`] hashers.
pub type PreHashedBuilder = BuildHasherDefault<PreHashed>;
/// A map keyed by hashes or ids.
pub type PreHashedMap<K, V> = HashMap<K, V, PreHashedBuilder>;
/// A set of hashes or ids.
pub type PreHashedSet<K> = HashSet<K, PreHashedBuilder>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn nearby_keys_land_far_apart() {
        let b = PreHashedBuilder::default();
        let (x, y) = (b.hash_one(1u64), b.hash_one(2u64));
        assert_ne!(x >> 57, y >> 57, "top bits (hashbrown's tag) differ");
        assert_eq!(b.hash_one(7u32), b.hash_one(7u64));
    }
}
