//! Copy clusters at ingest: which story a new article is a copy of.
//!
//! Owns the candidate lookup. Each new article's LSH band keys (see `dedup`) are looked up among
//! the articles added in this session (in memory: they are not searchable before the next
//! commit) and among the articles committed before it (band terms in the index). A candidate
//! whose estimated similarity reaches [`dedup::THRESHOLD`] is a copy; the new article joins the
//! cluster of the most similar one. A cluster's id is the key of its first ingested article, so
//! clusters never have to be rewritten; which copy is the original (the earliest dated) is
//! decided at query time, when every copy is known.

use super::schema::Fields;
use crate::dedup::{self, Signature};
use crate::error::Result;
use std::collections::HashMap;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

/// Where a new article goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assigned {
    /// The cluster id: the article's own key when it is a new story.
    pub cluster: u64,
    /// The closest earlier copy and its estimated similarity, when it is a copy.
    pub copy_of: Option<(u64, f64)>,
}

struct Member {
    key: u64,
    cluster: u64,
    compact: Vec<u8>,
}

/// Assigns new articles to copy clusters.
pub struct ClusterFinder {
    fields: Fields,
    /// The index as it was when the session began.
    prior: Searcher,
    /// Band key → indexes into `members`, for this session's articles.
    bands: HashMap<u64, Vec<u32>>,
    members: Vec<Member>,
}

impl ClusterFinder {
    /// A finder over the committed index `prior` plus what is added through it.
    pub fn new(fields: Fields, prior: Searcher) -> ClusterFinder {
        ClusterFinder {
            fields,
            prior,
            bands: HashMap::new(),
            members: Vec::new(),
        }
    }

    /// Finds the cluster of a new article with key `key`, and remembers it for the next ones.
    pub fn assign(&mut self, key: u64, sig: Option<&Signature>) -> Result<Assigned> {
        let Some(sig) = sig else {
            return Ok(Assigned {
                cluster: key,
                copy_of: None,
            });
        };
        let bands = sig.bands();
        let compact = sig.compact();
        let mut best: Option<(u64, u64, f64)> = None; // (key, cluster, similarity)
        let mut consider = |k: u64, cluster: u64, other: &[u8]| {
            if k == key {
                return;
            }
            let Some(s) = dedup::compact_similarity(&compact, other) else {
                return;
            };
            // Ties go to the older cluster (smaller id), so the choice is reproducible.
            let better =
                best.is_none_or(|(bk, bc, bs)| s > bs || (s == bs && (cluster, k) < (bc, bk)));
            if s >= dedup::THRESHOLD && better {
                best = Some((k, cluster, s));
            }
        };
        let mut seen: Vec<u32> = Vec::new();
        for b in &bands {
            for &i in self.bands.get(b).into_iter().flatten() {
                if !seen.contains(&i) {
                    seen.push(i);
                    let m = &self.members[i as usize];
                    consider(m.key, m.cluster, &m.compact);
                }
            }
        }
        for (k, cluster, other) in self.prior_candidates(&bands)? {
            consider(k, cluster, &other);
        }
        let assigned = Assigned {
            cluster: best.map_or(key, |b| b.1),
            copy_of: best.map(|b| (b.0, b.2)),
        };
        let index = self.members.len() as u32;
        self.members.push(Member {
            key,
            cluster: assigned.cluster,
            compact,
        });
        for b in bands {
            self.bands.entry(b).or_default().push(index);
        }
        Ok(assigned)
    }

    /// Committed articles sharing a band key: (key, cluster, compact signature).
    fn prior_candidates(&self, bands: &[u64]) -> Result<Vec<(u64, u64, Vec<u8>)>> {
        band_candidates(&self.prior, &self.fields, bands)
    }
}

/// The articles of `searcher` sharing one of `bands`: (key, cluster, compact signature).
pub fn band_candidates(
    searcher: &Searcher,
    f: &Fields,
    bands: &[u64],
) -> Result<Vec<(u64, u64, Vec<u8>)>> {
    if searcher.num_docs() == 0 {
        return Ok(Vec::new());
    }
    let should: Vec<(Occur, Box<dyn Query>)> = bands
        .iter()
        .map(|&b| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_u64(f.band, b),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    let found = searcher.search(&BooleanQuery::new(should), &DocSetCollector)?;
    let mut out = Vec::with_capacity(found.len());
    for addr in found {
        let doc: TantivyDocument = searcher.doc(addr)?;
        if let Some(c) = read_copy_fields(&doc, f) {
            out.push(c);
        }
    }
    Ok(out)
}

/// An article document's key, cluster and compact signature, when it has all three.
pub fn read_copy_fields(doc: &TantivyDocument, f: &Fields) -> Option<(u64, u64, Vec<u8>)> {
    let key = super::records::stored_id(doc, f)?.key();
    let cluster = doc.get_first(f.cluster)?.as_u64()?;
    let compact = doc.get_first(f.minhash)?.as_bytes()?.to_vec();
    Some((key, cluster, compact))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(n: usize, tail: &str) -> String {
        let words: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        format!("{} {tail}", words.join(" "))
    }

    #[test]
    fn copies_join_the_first_cluster_and_other_stories_start_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let mi = crate::index::open_or_create(dir.path()).unwrap();
        let searcher = mi.index.reader().unwrap().searcher();
        let mut finder = ClusterFinder::new(mi.fields, searcher);
        let a = Signature::of(&story(300, "end")).unwrap();
        let b = Signature::of(&story(300, "reprinted by someone else")).unwrap();
        let c = Signature::of(&story(300, "").replace("w1 ", "x1 ")).unwrap();
        let other = Signature::of(&story(300, "").replace('w', "v")).unwrap();
        assert_eq!(finder.assign(1, Some(&a)).unwrap().cluster, 1);
        let got = finder.assign(2, Some(&b)).unwrap();
        assert_eq!(got.cluster, 1);
        assert!(got.copy_of.is_some_and(|(k, s)| k == 1 && s > 0.9));
        assert_eq!(finder.assign(3, Some(&c)).unwrap().cluster, 1);
        assert_eq!(finder.assign(4, Some(&other)).unwrap().cluster, 4);
        assert_eq!(finder.assign(5, None).unwrap().cluster, 5);
    }
}
