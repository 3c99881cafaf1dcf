//! Collecting article keys: the set of articles that a query touches.

use std::collections::HashSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Collects the distinct `article_key` values of the matching documents, without scoring.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyCollector;

/// Per-segment state of [`KeyCollector`].
pub struct KeySegment {
    keys: Column<u64>,
    found: HashSet<u64>,
}

impl Collector for KeyCollector {
    type Fruit = HashSet<u64>;
    type Child = KeySegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeySegment> {
        Ok(KeySegment {
            keys: reader.fast_fields().u64("article_key")?,
            found: HashSet::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashSet<u64>>) -> tantivy::Result<HashSet<u64>> {
        let mut iter = fruits.into_iter();
        let mut all = iter.next().unwrap_or_default();
        for f in iter {
            all.extend(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for KeySegment {
    type Fruit = HashSet<u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(k) = self.keys.first(doc) {
            self.found.insert(k);
        }
    }

    fn harvest(self) -> HashSet<u64> {
        self.found
    }
}
