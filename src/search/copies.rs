//! Copy clusters at query time: a story counted once, and a cluster listed.
//!
//! Ingest groups near-duplicate articles into clusters (`index::ClusterFinder`). Here a
//! selection is folded so that each story counts once: of the selected copies of a cluster, the
//! **original** stands for it, that is, the earliest dated copy (undated copies come after dated
//! ones; ties go to the smaller id). The others are kept beside it, for "+N copies" and the
//! `copies` array. Which copy is the original is decided here, not at ingest, because a later
//! ingest may bring an earlier copy.

use super::{to_date, ArticleFacts, Selection};
use crate::dedup::compact_similarity;
use crate::error::Result;
use crate::index::{
    cluster_members, load_article, read_copy_fields, stored_u64, KeyMap, MorgueIndex,
};
use crate::model::{ArticleId, ArticleSummary};
use chrono::NaiveDate;
use std::cmp::Ordering;
use tantivy::{Searcher, TantivyDocument};

/// Another copy of a hit's story: a near-duplicate article (every path it was found at, its
/// article document's outlet and date, and that record's title and URL), or another record the
/// hit's text was read from (its own values and path).
pub type CopyRef = ArticleSummary;

/// Orders copies so that the original comes first: earliest dated, undated last, then by key.
pub fn original_first(a: (Option<i64>, u64), b: (Option<i64>, u64)) -> Ordering {
    match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then(a.1.cmp(&b.1))
}

impl Selection {
    /// Keeps one article per copy cluster, the original, and files the other selected copies
    /// under it in [`Selection::copies`]. Returns the number of copies folded.
    pub fn fold_copies(&mut self) -> usize {
        let shared = self.articles.sharing_a_cluster();
        if shared.is_empty() {
            return 0;
        }
        let mut by_cluster: KeyMap<Vec<(u64, ArticleFacts)>> = KeyMap::default();
        for key in shared {
            if let Some(facts) = self.articles.remove(&key) {
                by_cluster
                    .entry(facts.cluster)
                    .or_default()
                    .push((key, facts));
            }
        }
        let mut folded = 0;
        for (_, mut members) in by_cluster {
            members.sort_by(|a, b| original_first((a.1.date_secs, a.0), (b.1.date_secs, b.0)));
            let mut rest = members.split_off(1);
            let Some((key, facts)) = members.pop() else {
                continue;
            };
            if !rest.is_empty() {
                folded += rest.len();
                self.copies.entry(key).or_default().append(&mut rest);
            }
            self.articles.insert(key, facts);
        }
        folded
    }
}

/// The other copies of a folded article, with their paths, in original-first order.
pub fn copy_refs(
    searcher: &Searcher,
    mi: &MorgueIndex,
    copies: &[(u64, ArticleFacts)],
) -> Result<Vec<CopyRef>> {
    let mut out = Vec::with_capacity(copies.len());
    let table = super::table::ArticleTable::cached(mi, searcher)?;
    for (key, facts) in copies {
        let appearances = super::appearances::appearances_of(&table, searcher, &mi.fields, *key)?;
        out.push(copy_ref(*key, facts, appearances));
    }
    Ok(out)
}

/// The copy `key` of a folded article, from its facts and every record of its text.
pub fn copy_ref(
    key: u64,
    facts: &ArticleFacts,
    appearances: Vec<crate::index::Appearance>,
) -> CopyRef {
    let date = facts.date_secs.and_then(to_date);
    // Title and URL of the record the article document holds (its outlet and date).
    let held = appearances
        .iter()
        .find(|a| a.outlet.as_deref() == facts.outlet.as_deref() && a.date == date)
        .or(appearances.first());
    CopyRef {
        article_id: ArticleId(key),
        title: held.map(|a| a.title.clone()).unwrap_or_default(),
        outlet: facts.outlet.as_deref().map(String::from),
        date,
        url: held.and_then(|a| a.url.clone()),
        paths: appearances.into_iter().map(|a| a.path).collect(),
    }
}

/// Files a hit's near-duplicate copies (`near`, original first) before the other records of
/// its text already in `hit.copies`, then orders them all original first (earliest dated).
pub fn add_copies(hit: &mut super::Hit, near: Vec<CopyRef>) {
    let others = std::mem::replace(&mut hit.copies, near);
    hit.copies.extend(others);
    hit.copies.sort_by(|a, b| {
        let day = |c: &CopyRef| {
            c.date
                .map(|d| i64::from(chrono::Datelike::num_days_from_ce(&d)))
        };
        original_first((day(a), 0), (day(b), 0))
    });
}

/// Shows a hit as the earliest dated of its text's appearances that pass `filters` (see
/// `index::Appearance`), and returns the others as its copies (same article id, each with its
/// own outlet, date and path). The hit starts as the appearance its article document holds (the
/// first ingested); `title` re-marks the title when the hit takes another appearance's.
pub fn earliest_appearance(
    hit: &mut super::Hit,
    appearances: &[crate::index::Appearance],
    filters: &super::Filters,
    title: impl FnOnce(&str) -> Vec<std::ops::Range<usize>>,
) -> Vec<CopyRef> {
    if appearances.len() < 2 {
        return Vec::new();
    }
    let s = &hit.summary;
    let shown = appearances
        .iter()
        .position(|a| a.outlet == s.outlet && a.date == s.date && a.url == s.url)
        .unwrap_or(0);
    let day = |d: Option<NaiveDate>| {
        d.and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp())
    };
    let mut kept: Vec<usize> = (0..appearances.len())
        .filter(|&i| i == shown || filters.passes(&appearances[i]))
        .collect();
    kept.sort_by(|&a, &b| {
        original_first(
            (day(appearances[a].date), u64::from(a != shown)),
            (day(appearances[b].date), u64::from(b != shown)),
        )
    });
    let first = &appearances[kept[0]];
    let id = hit.summary.article_id;
    if kept[0] != shown {
        let mut paths = std::mem::take(&mut hit.summary.paths);
        if let Some(p) = paths.iter().position(|p| *p == first.path) {
            let path = paths.remove(p);
            paths.insert(0, path);
        }
        hit.summary = ArticleSummary {
            paths,
            ..first.summary(id)
        };
        hit.title_highlights = title(&hit.summary.title);
        hit.authors = super::authors(&first.meta);
        hit.meta = first.meta.clone();
    }
    kept[1..]
        .iter()
        .map(|&i| appearances[i].summary(id))
        .collect()
}

/// One article of a cluster listing (`present::lookup::cluster_json` gives its JSON shape).
#[derive(Debug, Clone)]
pub struct ClusterCopy {
    /// Id, title, outlet, date, URL and every path the copy was found at (a text read from
    /// several records: one entry per record, with that record's values and path).
    pub summary: ArticleSummary,
    /// True for the cluster's original (the earliest dated copy).
    pub original: bool,
    /// Number of words.
    pub words: u64,
    /// Estimated Jaccard similarity (word 5-grams) with the original; 1 for the original.
    pub similarity: Option<f64>,
}

/// A copy cluster, original first.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The article asked about.
    pub article_id: ArticleId,
    /// The cluster id: the id of the article that started the cluster.
    pub cluster: ArticleId,
    /// Every article of the cluster, original first, then by date; a text read from several
    /// records is one entry per record (same `article_id`, its own title, outlet, date, URL,
    /// path).
    pub copies: Vec<ClusterCopy>,
}

/// The copy cluster of an article; `None` when the index has no such article.
pub fn cluster_of(
    mi: &MorgueIndex,
    searcher: &Searcher,
    article_id: ArticleId,
) -> Result<Option<Cluster>> {
    let f = &mi.fields;
    let Some(addr) =
        crate::index::doc_addresses(searcher, f, crate::index::KIND_ARTICLE, article_id)?
            .into_iter()
            .next()
    else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(addr)?;
    let cluster = mi.canonical_cluster(match stored_u64(&doc, f.cluster) {
        // Articles written before clusters were kept are their own cluster.
        0 => article_id.key(),
        c => c,
    });
    // In a sharded root, a cluster joined across shards has several stored ids.
    let mut addrs = Vec::new();
    for id in mi.cluster_ids(cluster) {
        addrs.extend(cluster_members(searcher, f, id)?);
    }
    // Each copy with its compact signature.
    let mut members: Vec<(ClusterCopy, Option<Vec<u8>>)> = Vec::new();
    for addr in addrs {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let compact = read_copy_fields(&doc, f).map(|c| c.2);
        let Some(id) = crate::index::stored_id(&doc, f) else {
            continue;
        };
        let Some(record) = load_article(searcher, f, id, crate::index::Parts::STORED)? else {
            continue;
        };
        if record.appearances.len() > 1 {
            // The same text read from several records: each record is a copy of its own.
            for a in &record.appearances {
                let copy = ClusterCopy {
                    summary: a.summary(id),
                    original: false,
                    words: record.words,
                    similarity: None,
                };
                members.push((copy, compact.clone()));
            }
            continue;
        }
        let copy = ClusterCopy {
            summary: record.summary(),
            original: false,
            words: record.words,
            similarity: None,
        };
        members.push((copy, compact));
    }
    let order = |c: &ClusterCopy| {
        let secs = c
            .summary
            .date
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp());
        (secs, c.summary.article_id.key())
    };
    members.sort_by(|a, b| original_first(order(&a.0), order(&b.0)));
    let original = members.first().and_then(|m| m.1.clone());
    let copies = members
        .into_iter()
        .enumerate()
        .map(|(i, (mut c, compact))| {
            c.original = i == 0;
            c.similarity = match (&original, &compact) {
                _ if i == 0 => Some(1.0),
                (Some(o), Some(c)) => compact_similarity(o, c),
                _ => None,
            };
            c
        })
        .collect();
    Ok(Some(Cluster {
        article_id,
        cluster: ArticleId(cluster),
        copies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::DocAddress;

    fn facts(i: u32, date: Option<i64>, cluster: u64) -> ArticleFacts {
        ArticleFacts {
            addr: DocAddress::new(0, i),
            date_secs: date,
            outlet: Some(format!("outlet {i}").into()),
            cluster,
            records: 1,
        }
    }

    #[test]
    fn folding_keeps_the_earliest_dated_copy_and_files_the_others() {
        let mut s = Selection::default();
        s.articles.insert(1, facts(1, Some(300), 1));
        s.articles.insert(2, facts(2, Some(100), 1));
        s.articles.insert(3, facts(3, None, 1));
        s.articles.insert(4, facts(4, None, 4));
        s.articles.insert(5, facts(5, None, 4));
        // A copy whose cluster's other articles are not selected stands alone.
        s.articles.insert(6, facts(6, Some(50), 9));
        // Two copies of a cluster whose first article is not selected fold into one.
        s.articles.insert(7, facts(7, Some(70), 10));
        s.articles.insert(8, facts(8, Some(60), 10));
        // An article without copies.
        s.articles.insert(11, facts(11, None, 11));
        assert_eq!(s.fold_copies(), 4);
        let mut kept: Vec<u64> = s.articles.keys().collect();
        kept.sort();
        assert_eq!(kept, vec![2, 4, 6, 8, 11]);
        let copies: Vec<u64> = s.copies[&2].iter().map(|c| c.0).collect();
        assert_eq!(copies, vec![1, 3]);
        assert_eq!(s.copies[&4].len(), 1);
        assert_eq!(s.copies[&8].iter().map(|c| c.0).collect::<Vec<_>>(), [7]);
        assert_eq!(s.copies.len(), 3);

        // Nothing to fold: every article is its own cluster.
        let mut alone = Selection::default();
        for k in [20, 21, 22] {
            alone.articles.insert(k, facts(k as u32, None, k));
        }
        assert_eq!(alone.fold_copies(), 0);
        assert_eq!(alone.articles.len(), 3);
        assert!(alone.copies.is_empty());
    }
}
