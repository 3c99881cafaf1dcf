//! Collectors: best passages per article, and article dates.

use crate::index::{names, KeyMap, Keys};

use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The best passages of one article, best first.
#[derive(Debug, Clone, Default)]
pub struct BestPassages(pub Vec<(Score, DocAddress)>);

impl BestPassages {
    /// The best passage's score (0 when none scored).
    pub fn score(&self) -> Score {
        self.0.first().map(|b| b.0).unwrap_or(0.0)
    }

    fn offer(&mut self, score: Score, addr: DocAddress, per_article: usize) {
        let pos = self
            .0
            .iter()
            .position(|(s, a)| score > *s || (score == *s && addr < *a))
            .unwrap_or(self.0.len());
        if pos < per_article {
            self.0.insert(pos, (score, addr));
            self.0.truncate(per_article);
        }
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
                for (s, a) in best.0 {
                    entry.offer(s, a, self.per_article);
                }
            }
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
        self.found
            .entry(key)
            .or_default()
            .offer(score, addr, self.per_article);
    }

    fn harvest(self) -> Self::Fruit {
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
