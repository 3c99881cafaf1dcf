//! Collectors: best passages per article, and article dates.

use crate::index::{names, KeyMap, Keys};

use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The best passages of one article, best first (once [`BestPassages::finish`] ran; the
/// collectors call it): score, passage number (0-based) and address.
#[derive(Debug, Clone, Default)]
pub struct BestPassages(pub Vec<(Score, u64, DocAddress)>);

impl BestPassages {
    /// The best passage's score (0 when none scored).
    pub fn score(&self) -> Score {
        self.0.first().map(|b| b.0).unwrap_or(0.0)
    }

    /// Better first: higher score, then the earlier passage of the article (not the earlier
    /// address: where an ingest put a passage must not decide between equal scores), then
    /// the earlier address.
    fn order(a: &(Score, u64, DocAddress), b: &(Score, u64, DocAddress)) -> std::cmp::Ordering {
        b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    }

    /// Offers a passage. Passages are appended and the buffer cut back to the best
    /// `per_article` when it holds twice that: `O(n log k)` for `n` offers, however large `k`
    /// (export keeps every passage).
    fn offer(&mut self, score: Score, number: u64, addr: DocAddress, per_article: usize) {
        self.0.push((score, number, addr));
        if self.0.len() >= per_article.saturating_mul(2).max(16) {
            self.cut(per_article);
        }
    }

    fn cut(&mut self, per_article: usize) {
        if per_article == 0 {
            self.0.clear();
        } else if self.0.len() > per_article {
            self.0
                .select_nth_unstable_by(per_article - 1, BestPassages::order);
            self.0.truncate(per_article);
        }
    }

    /// Keeps the best `per_article`, best first.
    fn finish(&mut self, per_article: usize) {
        self.cut(per_article);
        self.0.sort_by(BestPassages::order);
    }
}

/// Collects matching passages of the articles in `keep`, keeping the best `per_article` of each.
pub struct PassageCollector {
    /// Passages kept per article.
    pub per_article: usize,
    /// Only passages of these articles count.
    pub keep: Arc<Keys>,
}

/// Per-segment state of [`PassageCollector`].
pub struct PassageSegment {
    segment: SegmentOrdinal,
    per_article: usize,
    keep: Arc<Keys>,
    keys: Column<u64>,
    numbers: Column<u64>,
    found: KeyMap<BestPassages>,
}

impl Collector for PassageCollector {
    type Fruit = KeyMap<BestPassages>;
    type Child = PassageSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PassageSegment> {
        Ok(PassageSegment {
            segment,
            per_article: self.per_article,
            keep: Arc::clone(&self.keep),
            keys: reader.fast_fields().u64(names::ARTICLE_KEY)?,
            numbers: reader.fast_fields().u64(names::PASSAGE_NO)?,
            found: KeyMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<KeyMap<BestPassages>>) -> tantivy::Result<Self::Fruit> {
        let mut all: KeyMap<BestPassages> = KeyMap::default();
        for fruit in fruits {
            for (key, best) in fruit {
                let entry = all.entry(key).or_default();
                for (s, n, a) in best.0 {
                    entry.offer(s, n, a, self.per_article);
                }
            }
        }
        for best in all.values_mut() {
            best.finish(self.per_article);
        }
        Ok(all)
    }
}

impl SegmentCollector for PassageSegment {
    type Fruit = KeyMap<BestPassages>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(key) = self.keys.first(doc) else {
            return;
        };
        if !self.keep.contains(&key) {
            return;
        }
        let addr = DocAddress::new(self.segment, doc);
        let number = self.numbers.first(doc).unwrap_or(u64::MAX);
        self.found
            .entry(key)
            .or_default()
            .offer(score, number, addr, self.per_article);
    }

    fn harvest(mut self) -> Self::Fruit {
        for best in self.found.values_mut() {
            best.cut(self.per_article);
        }
        self.found
    }
}

/// What the lookups need to know of an article without loading it: its date and outlet, and
/// where its stored document is when they do need to load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFacts {
    /// Address of the article document (to load only the selected ones).
    pub addr: DocAddress,
    /// Publication date as Unix seconds (midnight UTC); `None` when undated.
    pub date_secs: Option<i64>,
    /// Outlet name as stored; `None` when unknown.
    pub outlet: Option<String>,
    /// Copy cluster (see `index::ClusterFinder`); the article's own key when it has no copies.
    pub cluster: u64,
}

/// Collects [`ArticleFacts`] of matching article documents (all of them, or those in `keep`).
pub struct FactsCollector {
    /// Only these articles, when set.
    pub keep: Option<Arc<Keys>>,
}

/// Per-segment state of [`FactsCollector`].
pub struct FactsSegment {
    segment: SegmentOrdinal,
    keep: Option<Arc<Keys>>,
    keys: Column<u64>,
    dates: Column<tantivy::DateTime>,
    clusters: Column<u64>,
    outlets: Option<tantivy::columnar::StrColumn>,
    /// Outlet names by term ordinal, read in one pass over the segment's dictionary: the
    /// dictionary is compressed, so looking a name up for every document dominated selections.
    outlet_names: Vec<String>,
    found: KeyMap<ArticleFacts>,
}

impl Collector for FactsCollector {
    type Fruit = KeyMap<ArticleFacts>;
    type Child = FactsSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FactsSegment> {
        let outlets = reader.fast_fields().str(names::OUTLET)?;
        let mut outlet_names = Vec::new();
        if let Some(col) = &outlets {
            let mut terms = col.dictionary().stream()?;
            while terms.advance() {
                outlet_names.push(String::from_utf8_lossy(terms.key()).into_owned());
            }
        }
        Ok(FactsSegment {
            segment,
            keep: self.keep.clone(),
            keys: reader.fast_fields().u64(names::ARTICLE_KEY)?,
            dates: reader.fast_fields().date(names::DATE)?,
            clusters: reader.fast_fields().u64(names::CLUSTER)?,
            outlets,
            outlet_names,
            found: KeyMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<KeyMap<ArticleFacts>>) -> tantivy::Result<Self::Fruit> {
        let mut iter = fruits.into_iter();
        let mut all = iter.next().unwrap_or_default();
        for f in iter {
            all.extend(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for FactsSegment {
    type Fruit = KeyMap<ArticleFacts>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some(key) = self.keys.first(doc) else {
            return;
        };
        if self.keep.as_ref().is_some_and(|k| !k.contains(&key)) {
            return;
        }
        let outlet = self.outlets.as_ref().and_then(|col| {
            let ord = col.term_ords(doc).next()?;
            self.outlet_names.get(ord as usize).cloned()
        });
        let facts = ArticleFacts {
            addr: DocAddress::new(self.segment, doc),
            date_secs: self.dates.first(doc).map(|d| d.into_timestamp_secs()),
            outlet,
            cluster: self.clusters.first(doc).unwrap_or(key),
        };
        self.found.insert(key, facts);
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_passages_keep_the_best_in_order_whatever_the_number_offered() {
        let addr = |d: u32| DocAddress::new(0, d);
        for per_article in [1, 2, 3, 1000] {
            let mut b = BestPassages::default();
            // Scores 0..99 offered in a scrambled order (passage i at address 999 - i); score
            // 50 twice: passage 1000 at address 0 comes after passage 50 at address 949.
            for i in 0..100u32 {
                let s = (i * 37 % 100) as f32;
                b.offer(s, u64::from(i), addr(999 - i), per_article);
            }
            b.offer(50.0, 1000, addr(0), per_article);
            b.finish(per_article);
            let want: Vec<(f32, u64, DocAddress)> = {
                let mut all: Vec<(f32, u64, DocAddress)> = (0..100u32)
                    .map(|i| ((i * 37 % 100) as f32, u64::from(i), addr(999 - i)))
                    .chain([(50.0, 1000, addr(0))])
                    .collect();
                all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                all.truncate(per_article);
                all
            };
            assert_eq!(b.0, want, "per_article {per_article}");
        }
        // Equal scores: the earlier passage first, wherever the ingest put it.
        let mut tie = BestPassages::default();
        tie.offer(1.0, 6, addr(3), 1);
        tie.offer(1.0, 5, addr(9), 1);
        tie.finish(1);
        assert_eq!(tie.0, vec![(1.0, 5, addr(9))]);
        let mut none = BestPassages::default();
        none.offer(1.0, 0, addr(0), 0);
        none.finish(0);
        assert!(none.0.is_empty());
    }
}
