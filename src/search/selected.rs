//! The articles of a selection, and what is known of each.
//!
//! A query on one index selects rows of its article table (`table.rs`): the selection is a
//! bitset with one bit per article of the commit, and an article's facts (date, outlet,
//! cluster, records) are read from its row when they are asked for. So selecting costs a few
//! bits per article of the archive (the selection and its [`Marks`]) and no allocation per
//! selected article, where a map held an entry of 64 bytes per selected article. A selection gathered from
//! several indexes (the coordinator of a sharded root's workers, `crate::distributed`) has no
//! one table: it is a map of keys to facts, as is a row selection asked to change an
//! article's facts ([`SelectedArticles::get_mut`]).

use super::rows::Rows;
use super::table::ArticleTable;
use super::ArticleFacts;
use crate::index::shards::ClusterMap;
use crate::index::KeyMap;
use std::sync::Arc;

/// The selected articles: keys with their facts (see the module documentation).
#[derive(Clone, Default)]
pub struct SelectedArticles {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Rows(RowSet),
    Map(KeyMap<ArticleFacts>),
}

impl Default for Inner {
    fn default() -> Inner {
        Inner::Map(KeyMap::default())
    }
}

/// Rows of one article table.
#[derive(Clone)]
struct RowSet {
    table: Arc<ArticleTable>,
    rows: Rows,
    /// Stored clusters to canonical ones (a sharded root's; empty for one index).
    clusters: Arc<ClusterMap>,
    /// What was noted of the rows when they were read.
    marks: Marks,
}

/// The few rows that copies and appearances are about, noted while a selection's rows are
/// read (set for every row ever selected, so they may hold rows since left out): those whose
/// cluster is not their own key (copies of a story whose first article is another) and those
/// read from several records. Folding copies and listing appearances then read only these
/// rows, not every selected one again.
#[derive(Clone)]
pub(crate) struct Marks {
    copies: Rows,
    several: Rows,
}

impl Marks {
    /// No row noted, for a table of `len` rows.
    pub(crate) fn new(len: usize) -> Marks {
        Marks {
            copies: Rows::with_capacity(len),
            several: Rows::with_capacity(len),
        }
    }

    /// Notes row `i`: its key, its canonical cluster and its number of records.
    #[inline]
    pub(crate) fn note(&mut self, i: usize, key: u64, cluster: u64, records: u32) {
        if cluster != key {
            self.copies.insert(i);
        }
        if records >= 2 {
            self.several.insert(i);
        }
    }
}

impl RowSet {
    fn facts(&self, i: usize) -> (u64, ArticleFacts) {
        let row = self.table.row_read(i);
        let facts = ArticleFacts {
            addr: row.addr,
            date_secs: row.date_secs,
            outlet: self.table.shared_outlet(&row),
            cluster: self.clusters.canonical(row.cluster),
            records: row.records,
        };
        (row.key, facts)
    }

    /// The selected rows among those noted in `mark`.
    fn marked<'a>(&'a self, mark: &Rows) -> impl Iterator<Item = usize> + 'a {
        let mut both = mark.clone();
        both.intersect_with(&self.rows);
        both.into_ones()
    }

    /// The row of `key` when it is selected.
    fn selected(&self, key: u64) -> Option<usize> {
        let i = self.table.find(key).ok().flatten()?;
        self.rows.contains(i).then_some(i)
    }
}

impl std::fmt::Debug for SelectedArticles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl SelectedArticles {
    /// The rows `rows` of `table` (each read with [`ArticleTable::row`] before and noted in
    /// `marks`), their clusters given through `clusters`.
    pub(crate) fn from_rows(
        table: Arc<ArticleTable>,
        rows: Rows,
        clusters: Arc<ClusterMap>,
        marks: Marks,
    ) -> SelectedArticles {
        SelectedArticles {
            inner: Inner::Rows(RowSet {
                table,
                rows,
                clusters,
                marks,
            }),
        }
    }

    /// The selected rows, for a selection of `table`'s rows (the very table, not another
    /// commit's).
    pub(crate) fn rows_of(&self, table: &ArticleTable) -> Option<&Rows> {
        match &self.inner {
            Inner::Rows(r) if std::ptr::eq(&*r.table, table) => Some(&r.rows),
            _ => None,
        }
    }

    /// The number of selected articles.
    pub fn len(&self) -> usize {
        match &self.inner {
            Inner::Rows(r) => r.rows.count_ones(..),
            Inner::Map(m) => m.len(),
        }
    }

    /// True when no article is selected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The selected articles with their facts: in key order for a selection of rows, in no
    /// given order for a map.
    pub fn iter(&self) -> Iter<'_> {
        Iter(match &self.inner {
            Inner::Rows(r) => IterInner::Rows(r, r.rows.ones()),
            Inner::Map(m) => IterInner::Map(m.iter()),
        })
    }

    /// The selected articles' keys (in [`SelectedArticles::iter`]'s order).
    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        let (rows, map) = match &self.inner {
            Inner::Rows(r) => (Some(r.rows.ones().map(|i| r.table.key_of(i))), None),
            Inner::Map(m) => (None, Some(m.keys().copied())),
        };
        rows.into_iter().flatten().chain(map.into_iter().flatten())
    }

    /// The selected articles' facts (in [`SelectedArticles::iter`]'s order).
    pub fn values(&self) -> impl Iterator<Item = ArticleFacts> + '_ {
        self.iter().map(|(_, f)| f)
    }

    /// The keys of the selected articles that may share a copy cluster with another selected
    /// article: those whose cluster is not their own key, and the first article of each such
    /// cluster when it is selected. Two selected copies share a cluster id that at most one of
    /// them has as its own key, so every selected article outside this list is alone in its
    /// cluster; the list is short (most stories have one copy).
    pub fn sharing_a_cluster(&self) -> Vec<u64> {
        // (key, cluster) of the selected articles whose cluster is not their key: a selection
        // of rows noted them when it read its rows.
        let copies: Vec<(u64, u64)> = match &self.inner {
            Inner::Rows(r) => r
                .marked(&r.marks.copies)
                .map(|i| {
                    (
                        r.table.key_of(i),
                        r.clusters.canonical(r.table.cluster_of(i)),
                    )
                })
                .collect(),
            Inner::Map(m) => m
                .iter()
                .filter(|(&key, f)| f.cluster != key)
                .map(|(&key, f)| (key, f.cluster))
                .collect(),
        };
        let firsts: crate::index::Keys = copies.iter().map(|&(_, c)| c).collect();
        let mut shared: Vec<u64> = copies.into_iter().map(|(key, _)| key).collect();
        shared.extend(
            firsts
                .into_iter()
                .filter(|&c| self.get(&c).is_some_and(|f| f.cluster == c)),
        );
        shared
    }

    /// The keys of the selected articles whose text was read from several records.
    pub fn several_records(&self) -> Vec<u64> {
        match &self.inner {
            Inner::Rows(r) => r
                .marked(&r.marks.several)
                .map(|i| r.table.key_of(i))
                .collect(),
            Inner::Map(m) => m
                .iter()
                .filter(|(_, f)| f.records >= 2)
                .map(|(&k, _)| k)
                .collect(),
        }
    }

    /// The facts of `key` when it is selected.
    pub fn get(&self, key: &u64) -> Option<ArticleFacts> {
        match &self.inner {
            Inner::Rows(r) => r.selected(*key).map(|i| r.facts(i).1),
            Inner::Map(m) => m.get(key).cloned(),
        }
    }

    /// True when `key` is selected.
    pub fn contains_key(&self, key: &u64) -> bool {
        match &self.inner {
            Inner::Rows(r) => r.selected(*key).is_some(),
            Inner::Map(m) => m.contains_key(key),
        }
    }

    /// Selects `key` with `facts`. A selection of rows stays one when `key` has a row whose
    /// facts are `facts`, and becomes a map otherwise.
    pub fn insert(&mut self, key: u64, facts: ArticleFacts) {
        if let Inner::Rows(r) = &mut self.inner {
            if let Some(i) = r.table.find(key).ok().flatten() {
                if r.facts(i).1 == facts {
                    r.rows.insert(i);
                    r.marks.note(i, key, facts.cluster, facts.records);
                    return;
                }
            }
        }
        self.map().insert(key, facts);
    }

    /// Leaves `key` out; its facts when it was selected.
    pub fn remove(&mut self, key: &u64) -> Option<ArticleFacts> {
        match &mut self.inner {
            Inner::Rows(r) => {
                let i = r.selected(*key)?;
                r.rows.set(i, false);
                Some(r.facts(i).1)
            }
            Inner::Map(m) => m.remove(key),
        }
    }

    /// The facts of `key` to change, when it is selected (a selection of rows becomes a map:
    /// its facts are no longer its rows').
    pub fn get_mut(&mut self, key: &u64) -> Option<&mut ArticleFacts> {
        if !self.contains_key(key) {
            return None;
        }
        self.map().get_mut(key)
    }

    /// The selection as a map, made one if it is rows.
    fn map(&mut self) -> &mut KeyMap<ArticleFacts> {
        if let Inner::Rows(r) = &self.inner {
            let m: KeyMap<ArticleFacts> = r.rows.ones().map(|i| r.facts(i)).collect();
            self.inner = Inner::Map(m);
        }
        match &mut self.inner {
            Inner::Map(m) => m,
            Inner::Rows(_) => unreachable!("made a map above"),
        }
    }
}

impl FromIterator<(u64, ArticleFacts)> for SelectedArticles {
    fn from_iter<I: IntoIterator<Item = (u64, ArticleFacts)>>(iter: I) -> SelectedArticles {
        SelectedArticles {
            inner: Inner::Map(iter.into_iter().collect()),
        }
    }
}

/// The selected articles with their facts (see [`SelectedArticles::iter`]).
pub struct Iter<'a>(IterInner<'a>);

enum IterInner<'a> {
    Rows(&'a RowSet, fixedbitset::Ones<'a>),
    Map(std::collections::hash_map::Iter<'a, u64, ArticleFacts>),
}

impl Iterator for Iter<'_> {
    type Item = (u64, ArticleFacts);

    fn next(&mut self) -> Option<(u64, ArticleFacts)> {
        match &mut self.0 {
            IterInner::Rows(r, ones) => ones.next().map(|i| r.facts(i)),
            IterInner::Map(m) => m.next().map(|(&k, f)| (k, f.clone())),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IterInner::Rows(r, _) => (0, Some(r.rows.len())),
            IterInner::Map(m) => m.size_hint(),
        }
    }
}

impl<'a> IntoIterator for &'a SelectedArticles {
    type Item = (u64, ArticleFacts);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for SelectedArticles {
    type Item = (u64, ArticleFacts);
    type IntoIter = std::vec::IntoIter<(u64, ArticleFacts)>;

    fn into_iter(self) -> Self::IntoIter {
        match self.inner {
            Inner::Map(m) => m.into_iter().collect::<Vec<_>>().into_iter(),
            Inner::Rows(_) => self.iter().collect::<Vec<_>>().into_iter(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::KIND_PATH;
    use crate::search::testing::{article, passage};
    use crate::search::{select, Filters};
    use tantivy::{DateTime, TantivyDocument};

    /// Twelve articles: some dated, some with an outlet, some copies of another (cluster 1000),
    /// some read from two records; two commits, so two segments.
    fn index() -> (tempfile::TempDir, crate::index::MorgueIndex) {
        let (dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        for a in 0..12u64 {
            let key = 1000 + a;
            let mut doc = article(&f, key);
            if a % 3 == 0 {
                doc = TantivyDocument::default();
                doc.add_text(f.kind, crate::index::KIND_ARTICLE);
                doc.add_u64(f.article_key, key);
                doc.add_u64(f.cluster, 1000);
            }
            if a % 2 == 0 {
                doc.add_date(f.date, DateTime::from_timestamp_secs(a as i64 * 86_400));
            }
            if a % 4 != 1 {
                doc.add_text(f.outlet, ["Tribune", "Herald"][(a % 2) as usize]);
            }
            w.add_document(doc).unwrap();
            w.add_document(passage(&f, key, 0, &format!("harbor {key}")))
                .unwrap();
            for _ in 0..(1 + a % 2) {
                let mut path = TantivyDocument::default();
                path.add_text(f.kind, KIND_PATH);
                path.add_u64(f.article_key, key);
                w.add_document(path).unwrap();
            }
            if a == 5 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        (dir, mi)
    }

    fn sorted(mut v: Vec<(u64, ArticleFacts)>) -> Vec<(u64, ArticleFacts)> {
        v.sort_by_key(|(k, _)| *k);
        v
    }

    #[test]
    fn rows_and_a_map_of_the_same_articles_answer_alike() {
        let (_dir, mi) = index();
        let searcher = mi.searcher().unwrap();
        let rows = select(&mi, &searcher, None, &Filters::default())
            .unwrap()
            .articles;
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        assert!(rows.rows_of(&table).is_some());
        assert_eq!(rows.len(), 12);
        let listed: Vec<(u64, ArticleFacts)> = rows.iter().collect();
        // Rows are in key order; their facts are the table's.
        assert_eq!(
            listed.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            (1000..1012).collect::<Vec<_>>()
        );
        for (key, facts) in &listed {
            let row = table.get(*key).unwrap().unwrap();
            assert_eq!(facts.addr, row.addr);
            assert_eq!(facts.date_secs, row.date_secs);
            assert_eq!(facts.outlet.as_deref(), table.outlet(&row));
            assert_eq!(facts.cluster, row.cluster);
            assert_eq!(facts.records, row.records);
        }
        assert_eq!(listed[3].1.cluster, 1000);
        assert_eq!(listed[3].1.records, 2);
        assert_eq!(listed[3].1.date_secs, None);
        assert_eq!(listed[1].1.outlet, None);
        let map: SelectedArticles = listed.iter().cloned().collect();
        assert!(map.rows_of(&table).is_none());
        for s in [&rows, &map] {
            assert_eq!(sorted(s.iter().collect()), listed);
            assert_eq!(sorted(s.clone().into_iter().collect()), listed);
            let mut sharing = s.sharing_a_cluster();
            sharing.sort_unstable();
            assert_eq!(sharing, vec![1000, 1003, 1006, 1009]);
            let mut several = s.several_records();
            several.sort_unstable();
            let want: Vec<u64> = (1001..1012).step_by(2).collect();
            assert_eq!(several, want);
            assert_eq!(s.get(&1004), Some(listed[4].1.clone()));
            assert!(s.contains_key(&1011) && !s.contains_key(&999));
            assert_eq!(s.get(&5), None);
        }
        // Leaving out and putting back keeps a selection of rows one, and the count right.
        let mut changed = rows.clone();
        assert_eq!(changed.remove(&1004), Some(listed[4].1.clone()));
        assert_eq!(changed.remove(&1004), None);
        assert!(!changed.contains_key(&1004));
        assert_eq!(changed.len(), 11);
        changed.insert(1004, listed[4].1.clone());
        changed.insert(1004, listed[4].1.clone());
        assert_eq!(changed.len(), 12);
        assert!(changed.rows_of(&table).is_some());
        // Without the story's first article, its copies still share its cluster; with one
        // copy left of it, nothing is shared.
        changed.remove(&1000);
        let mut sharing = changed.sharing_a_cluster();
        sharing.sort_unstable();
        assert_eq!(sharing, vec![1003, 1006, 1009]);
        for k in [1003, 1006] {
            changed.remove(&k);
        }
        assert_eq!(changed.sharing_a_cluster(), vec![1009]);
        for k in [1000, 1003, 1006] {
            changed.insert(k, listed[(k - 1000) as usize].1.clone());
        }
        assert_eq!(changed.len(), 12);
        // A key the table does not hold (another shard's article) makes it a map.
        let stray = ArticleFacts {
            addr: tantivy::DocAddress::new(7, 7),
            date_secs: None,
            outlet: None,
            cluster: 77,
            records: 1,
        };
        changed.insert(77, stray.clone());
        assert!(changed.rows_of(&table).is_none());
        assert_eq!(changed.len(), 13);
        assert_eq!(changed.get(&77), Some(stray));
        assert_eq!(changed.get(&1004), Some(listed[4].1.clone()));
        // Changing facts makes a map too, with every article still there; asking to change an
        // article that is not selected changes nothing.
        let mut kept = rows.clone();
        assert!(kept.get_mut(&999).is_none());
        assert!(kept.rows_of(&table).is_some());
        let mut more = listed[2].1.clone();
        more.records += 1;
        kept.insert(1002, more.clone());
        assert!(kept.rows_of(&table).is_none());
        assert_eq!(kept.get(&1002), Some(more));
        assert_eq!(kept.len(), 12);
        let mut edited = rows.clone();
        edited.get_mut(&1002).unwrap().records = 9;
        assert!(edited.rows_of(&table).is_none());
        assert_eq!(edited.len(), 12);
        assert_eq!(edited.get(&1002).unwrap().records, 9);
        assert!(edited.get_mut(&999).is_none());
    }

    #[test]
    fn filters_clear_rows_and_copies_fold_within_rows() {
        let (_dir, mi) = index();
        let searcher = mi.searcher().unwrap();
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        let tribune = Filters {
            outlets: vec!["tribune".into()],
            ..Filters::default()
        };
        let s = select(&mi, &searcher, None, &tribune).unwrap();
        let keys: Vec<u64> = s.articles.keys().collect();
        assert_eq!(keys, vec![1000, 1002, 1004, 1006, 1008, 1010]);
        let dated = Filters {
            from: chrono::NaiveDate::from_ymd_opt(1970, 1, 5),
            ..Filters::default()
        };
        let s = select(&mi, &searcher, None, &dated).unwrap();
        let keys: Vec<u64> = s.articles.keys().collect();
        assert_eq!(keys, vec![1004, 1006, 1008, 1010]);
        assert_eq!(s.undated, 6);
        // Articles 1000, 1003, 1006, 1009 are one story: the earliest dated stands for it.
        let mut all = select(&mi, &searcher, None, &Filters::default()).unwrap();
        assert_eq!(all.fold_copies(), 3);
        assert!(all.articles.rows_of(&table).is_some());
        assert_eq!(all.articles.len(), 9);
        assert!(all.articles.contains_key(&1000));
        let mut copies: Vec<u64> = all.copies[&1000].iter().map(|(k, _)| *k).collect();
        copies.sort_unstable();
        assert_eq!(copies, vec![1003, 1006, 1009]);
    }
}
