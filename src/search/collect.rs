//! Collectors: best passages per article; what a selection knows of an article.

use super::table::ArticleTable;
use crate::index::{KeyMap, Keys};

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

    /// Adds the article's title score to each passage's, and puts them back in order (the
    /// sums of two near scores can tie).
    pub(crate) fn add_title(&mut self, title: Score) {
        for p in &mut self.0 {
            p.0 += title;
        }
        self.0.sort_by(BestPassages::order);
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
    /// The commit's article table, whose opened passage columns the segments read.
    pub table: Arc<ArticleTable>,
}

/// Per-segment state of [`PassageCollector`].
pub struct PassageSegment {
    segment: SegmentOrdinal,
    per_article: usize,
    keep: Arc<Keys>,
    keys: Column<u64>,
    numbers: Column<u64>,
    found: Found,
}

/// What a segment found: with one passage kept per article (what a search shows by default),
/// the best one inline, without a buffer per article.
pub enum Found {
    /// The best passage of each article.
    One(KeyMap<(Score, u64, DocAddress)>),
    /// The best passages of each article.
    Many(KeyMap<BestPassages>),
}

impl Found {
    fn new(per_article: usize) -> Found {
        match per_article {
            1 => Found::One(KeyMap::default()),
            _ => Found::Many(KeyMap::default()),
        }
    }

    fn offer(&mut self, key: u64, passage: (Score, u64, DocAddress), per_article: usize) {
        match self {
            Found::One(best) => {
                let kept = best.entry(key).or_insert(passage);
                if BestPassages::order(&passage, kept).is_lt() {
                    *kept = passage;
                }
            }
            Found::Many(found) => {
                let (s, n, a) = passage;
                found.entry(key).or_default().offer(s, n, a, per_article);
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Found::One(m) => m.len(),
            Found::Many(m) => m.len(),
        }
    }

    /// Moves every passage of `other` into `self`.
    fn absorb(&mut self, other: Found, per_article: usize) {
        match other {
            Found::One(m) => m
                .into_iter()
                .for_each(|(k, p)| self.offer(k, p, per_article)),
            Found::Many(m) => {
                for (k, best) in m {
                    for p in best.0 {
                        self.offer(k, p, per_article);
                    }
                }
            }
        }
    }

    /// The best `per_article` passages of each article, best first.
    fn finish(self, per_article: usize) -> KeyMap<BestPassages> {
        match self {
            Found::One(m) => m
                .into_iter()
                .map(|(k, p)| (k, BestPassages(vec![p])))
                .collect(),
            Found::Many(mut m) => {
                for best in m.values_mut() {
                    best.finish(per_article);
                }
                m
            }
        }
    }
}

impl Collector for PassageCollector {
    type Fruit = KeyMap<BestPassages>;
    type Child = PassageSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<PassageSegment> {
        let columns = self.table.columns(segment)?;
        Ok(PassageSegment {
            segment,
            per_article: self.per_article,
            keep: Arc::clone(&self.keep),
            keys: columns.keys()?.clone(),
            numbers: columns.numbers()?.clone(),
            found: Found::new(self.per_article),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Self::Fruit> {
        // Into the largest segment's.
        let mut fruits = fruits;
        fruits.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut iter = fruits.into_iter();
        let mut all = iter.next().unwrap_or_else(|| Found::new(self.per_article));
        for fruit in iter {
            all.absorb(fruit, self.per_article);
        }
        Ok(all.finish(self.per_article))
    }
}

impl SegmentCollector for PassageSegment {
    type Fruit = Found;

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
            .offer(key, (score, number, addr), self.per_article);
    }

    fn harvest(mut self) -> Found {
        if let Found::Many(found) = &mut self.found {
            for best in found.values_mut() {
                best.cut(self.per_article);
            }
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
    /// Outlet name as stored; `None` when unknown. Shared with the article table's name (a
    /// query selecting thousands of articles copies no name).
    pub outlet: Option<std::sync::Arc<str>>,
    /// Copy cluster (see `index::ClusterFinder`); the article's own key when it has no copies.
    pub cluster: u64,
    /// Records (path documents) the text was read from.
    pub records: u32,
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
