//! Collecting article keys: the set of articles that a query touches.
//!
//! Article keys are already uniformly spread 64-bit hashes of the text, so sets and maps keyed by
//! them use [`KeyHasher`] (see [`crate::hashing`]), a one-multiply mixer, instead of the default SipHash: hashing was a
//! visible share of every search.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Builds hashers for article keys (see [`crate::hashing`]).
pub type KeyHasher = crate::hashing::PreHashedBuilder;
/// A set of article keys.
pub type Keys = crate::hashing::PreHashedSet<u64>;
/// A map keyed by article key.
pub type KeyMap<V> = crate::hashing::PreHashedMap<u64, V>;

/// Collects the distinct `article_key` values of the matching documents, without scoring.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyCollector;

/// Per-segment state of [`KeyCollector`].
pub struct KeySegment {
    keys: Column<u64>,
    found: Keys,
    /// The key inserted last: a segment holds an article's passages side by side, so a query's
    /// matches come in runs of one key, and a run costs one insert.
    last: Option<u64>,
}

impl Collector for KeyCollector {
    type Fruit = Keys;
    type Child = KeySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeySegment> {
        Ok(KeySegment {
            keys: reader.fast_fields().u64(super::names::ARTICLE_KEY)?,
            found: Keys::default(),
            last: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Keys>) -> tantivy::Result<Keys> {
        let mut iter = fruits.into_iter();
        let mut all = iter.next().unwrap_or_default();
        for f in iter {
            all.extend(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for KeySegment {
    type Fruit = Keys;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(k) = self.keys.first(doc) {
            if self.last != Some(k) {
                self.found.insert(k);
                self.last = Some(k);
            }
        }
    }

    fn harvest(self) -> Keys {
        self.found
    }
}
