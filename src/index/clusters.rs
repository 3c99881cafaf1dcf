//! Copy clusters at ingest: which story a new article is a copy of.
//!
//! Owns the candidate lookup. Each new article's LSH band keys (see `dedup`) are looked up among
//! the articles added in this session (in memory: they are not searchable before the next
//! commit) and among the articles committed before it ([`BandTable`]: the index's `band` column,
//! read once into a sorted table the first time an ingest needs it). A candidate
//! whose estimated similarity reaches [`dedup::THRESHOLD`] is a copy; the new article joins the
//! cluster of the most similar one. A cluster's id is the key of its first ingested article, so
//! clusters never have to be rewritten; which copy is the original (the earliest dated) is
//! decided at query time, when every copy is known.

use super::schema::{names, Fields};
use crate::dedup::{self, Signature};
use crate::error::Result;
use std::collections::HashMap;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

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
    /// Its articles' band keys, read when the first article with a signature comes.
    prior_bands: Option<BandTable>,
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
            prior_bands: None,
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
    fn prior_candidates(&mut self, bands: &[u64]) -> Result<Vec<(u64, u64, Vec<u8>)>> {
        if self.prior.num_docs() == 0 {
            return Ok(Vec::new());
        }
        let table = match &mut self.prior_bands {
            Some(table) => table,
            none => none.insert(BandTable::of(&self.prior)?),
        };
        table.copy_fields(&self.prior, &self.fields, bands)
    }
}

/// The LSH band keys of a commit's articles, sorted: which articles share a key with a new one.
///
/// The keys are a column of the index (`band`, up to [`dedup::BANDS`] 32-bit values per
/// article), not terms: a term dictionary of ~16 distinct keys per article took 4% of the index.
/// Reading the column once per ingest costs a scan of every document (0.14 s at 150,000 articles
/// and their 2 million passages) and 8 bytes per key in memory (19 MB at 150,000 articles).
#[derive(Debug, Default)]
pub struct BandTable {
    /// `key << 32 | document`, sorted; the document numbered across segments (see `bases`).
    entries: Vec<u64>,
    /// The number of the first document of each segment.
    bases: Vec<u32>,
}

impl BandTable {
    /// Reads the band keys of every live article of `searcher`.
    pub fn of(searcher: &Searcher) -> Result<BandTable> {
        let mut table = BandTable::default();
        let mut base: u64 = 0;
        for reader in searcher.segment_readers() {
            let first = u32::try_from(base).map_err(|_| too_many(base))?;
            table.bases.push(first);
            base += u64::from(reader.max_doc());
            u32::try_from(base).map_err(|_| too_many(base))?;
            // tantivy writes a column for every fast field of the schema, empty or not (a test
            // below pins it for a segment without keys).
            let column = reader.fast_fields().u64(names::BAND)?;
            let alive = reader.alive_bitset();
            for doc in 0..reader.max_doc() {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    continue;
                }
                let number = u64::from(first + doc);
                for key in column.values_for_doc(doc) {
                    table
                        .entries
                        .push((key & u64::from(u32::MAX)) << 32 | number);
                }
            }
        }
        table.entries.sort_unstable();
        table.entries.dedup();
        Ok(table)
    }

    /// The articles sharing one of `bands`, each once, in document order.
    pub fn articles(&self, bands: &[u64]) -> Vec<DocAddress> {
        let mut numbers: Vec<u32> = Vec::new();
        for &band in bands {
            let key = band & u64::from(u32::MAX);
            let from = self.entries.partition_point(|e| e >> 32 < key);
            for e in self.entries[from..].iter().take_while(|e| *e >> 32 == key) {
                numbers.push(*e as u32);
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        numbers
            .into_iter()
            .map(|n| {
                let segment = self.bases.partition_point(|&b| b <= n) - 1;
                DocAddress::new(segment as u32, n - self.bases[segment])
            })
            .collect()
    }

    /// The articles of `searcher` (whose band keys this table holds) sharing one of `bands`:
    /// (key, cluster, compact signature).
    pub fn copy_fields(
        &self,
        searcher: &Searcher,
        f: &Fields,
        bands: &[u64],
    ) -> Result<Vec<(u64, u64, Vec<u8>)>> {
        let mut out = Vec::new();
        for addr in self.articles(bands) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(c) = read_copy_fields(&doc, f) {
                out.push(c);
            }
        }
        Ok(out)
    }
}

fn too_many(docs: u64) -> tantivy::TantivyError {
    tantivy::TantivyError::InvalidArgument(format!(
        "the index holds {docs} documents; finding copies handles at most {}",
        u32::MAX
    ))
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

    /// An index in RAM with morgue's schema, holding the given segments of (band keys) per
    /// document; `gone` documents (segment, doc) deleted by their `article_key`.
    fn band_index(segments: &[&[&[u64]]], gone: &[(usize, usize)]) -> Searcher {
        let index = tantivy::Index::create_in_ram(crate::index::schema::build());
        crate::index::analyzers::register(&index);
        let f = Fields::from_schema(&index.schema()).unwrap();
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut key = 0;
        for docs in segments {
            for bands in *docs {
                let mut doc = TantivyDocument::default();
                doc.add_u64(f.article_key, key);
                key += 1;
                for &b in *bands {
                    doc.add_u64(f.band, b);
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let mut base = 0;
        for (s, docs) in segments.iter().enumerate() {
            for d in 0..docs.len() {
                if gone.contains(&(s, d)) {
                    let term = tantivy::Term::from_field_u64(f.article_key, base + d as u64);
                    writer.delete_term(term);
                }
            }
            base += docs.len() as u64;
        }
        writer.commit().unwrap();
        index.reader().unwrap().searcher()
    }

    #[test]
    fn the_band_table_finds_every_live_article_sharing_a_key_once() {
        // Segment 0: documents with keys {1, 2}, {}, {2, 3}; segment 1: {3}, {1, 2, 4}, the
        // last one deleted; segment 2: one document without keys (an empty column).
        let searcher = band_index(
            &[&[&[1, 2], &[], &[2, 3]], &[&[3], &[1, 2, 4]], &[&[]]],
            &[(1, 1)],
        );
        assert_eq!(searcher.segment_readers().len(), 3);
        let table = BandTable::of(&searcher).unwrap();
        // tantivy may order segments either way: name documents by their key.
        let keys = |bands: &[u64]| -> Vec<u64> {
            let column = |a: DocAddress| {
                searcher
                    .segment_reader(a.segment_ord)
                    .fast_fields()
                    .u64("article_key")
                    .unwrap()
                    .first(a.doc_id)
                    .unwrap()
            };
            let mut k: Vec<u64> = table.articles(bands).into_iter().map(column).collect();
            k.sort_unstable();
            k
        };
        assert_eq!(keys(&[2]), vec![0, 2]);
        assert_eq!(keys(&[1, 2]), vec![0, 2], "each article once");
        assert_eq!(keys(&[3]), vec![2, 3]);
        assert_eq!(
            keys(&[4]),
            Vec::<u64>::new(),
            "deleted articles are not candidates"
        );
        assert_eq!(keys(&[5]), Vec::<u64>::new());
        // Only the low 32 bits are kept, as `Signature::bands` gives them.
        assert_eq!(keys(&[(7 << 32) | 3]), vec![2, 3]);
    }

    #[test]
    fn a_copy_of_a_committed_article_is_found_through_the_band_column() {
        let dir = tempfile::tempdir().unwrap();
        let mi = crate::index::open_or_create(dir.path()).unwrap();
        let a = Signature::of(&story(300, "end")).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(
            mi.fields.article_id,
            crate::model::ArticleId::from(7).to_string(),
        );
        doc.add_u64(mi.fields.cluster, 7);
        for b in a.bands() {
            doc.add_u64(mi.fields.band, b);
        }
        doc.add_bytes(mi.fields.minhash, &a.compact());
        let mut writer: tantivy::IndexWriter =
            mi.index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = mi.index.reader().unwrap().searcher();
        let mut finder = ClusterFinder::new(mi.fields, searcher);
        let b = Signature::of(&story(300, "reprinted by someone else")).unwrap();
        let got = finder.assign(9, Some(&b)).unwrap();
        assert_eq!(got.cluster, 7);
        assert!(got.copy_of.is_some_and(|(k, s)| k == 7 && s > 0.9));
        let other = Signature::of(&story(300, "").replace('w', "v")).unwrap();
        assert_eq!(finder.assign(10, Some(&other)).unwrap().cluster, 10);
    }
}
