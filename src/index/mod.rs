//! Indexing: the tantivy schema, analyzers, and opening and writing the index.
//!
//! Owns everything about how articles are laid out in tantivy. One index holds three kinds of
//! document, told apart by the `kind` field:
//!
//! - `passage`: one per passage, the unit of search and ranking (BM25 over passages). Carries
//!   its article's key and title (indexed, so title words rank passages) and its offsets into
//!   the article text; filters join through the article key.
//! - `article`: one per distinct article: the only stored copy of the text, metadata with
//!   provenance, the outlet, entity and date fields that filters use, and the copy cluster
//!   (`clusters.rs`).
//! - `path`: one per place an article was found, so the same text found at two paths is stored
//!   once and both paths are kept (adding a path never rewrites the article), each with its own
//!   record's outlet, date, URL, title and metadata (`records::Appearance`).
//!
//! Analyzers are registered by [`open`] and [`open_or_create`] on every handle, because tantivy
//! does not persist custom tokenizers. Must not parse user queries or format output.

mod analyzers;
mod clusters;
mod directory;
pub mod furniture;
pub mod health;
mod keys;
pub mod ledger;
pub mod meta;
mod records;
mod schema;
pub mod shards;
pub mod sidecar;
mod writer;

pub use analyzers::{
    analyze, keyword_key, keyword_term, news_en as news_en_analyzer, AnalyzedToken, AnalyzerPool,
    PooledAnalyzer, KEYWORD, NEWS_EN,
};
pub use clusters::{read_copy_fields, Assigned, ClusterFinder};
pub use directory::{classify as classify_error, damage};
pub use keys::{KeyCollector, KeyHasher, KeyMap, Keys};
#[cfg(test)]
pub(crate) use records::entities_index;
pub use records::{
    appearances_at, article_appearances, cluster_members, doc_addresses, entities_at, entity_facts,
    entity_form_term, entity_name_term, entity_terms, load_article, load_article_at,
    pack_fact_count, parse_entity_fact, parse_entity_form_term, resolve_article, sort_appearances,
    stored_docs, stored_id, stored_str, stored_u64, unpack_fact_count, Appearance, ArticleRecord,
    CharSpan, EntityFact, Found, Parts, PassageColumns, PassageRecord, FORM_TERM, MAX_FACT_BYTES,
    NAME_TERM,
};
pub use schema::{
    names, Fields, KIND_ARTICLE, KIND_PASSAGE, KIND_PATH, META_FIELD, SCHEMA_VERSION,
};
pub use writer::{date_value, Added, ArticleWriter, WriterStats};

use crate::error::{Error, Result};
use directory::Folder;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::directory::Directory;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

/// An opened index with its field handles.
#[derive(Clone)]
pub struct MorgueIndex {
    /// The tantivy index, analyzers registered.
    pub index: Index,
    /// Field handles.
    pub fields: Fields,
    /// One reader shared by every search on this handle (see [`MorgueIndex::searcher`]).
    reader: Arc<Mutex<Option<CachedReader>>>,
    /// The index folder.
    dir: PathBuf,
    /// What later stages derive from a commit and keep for the next query on this handle (see
    /// [`MorgueIndex::derived`]).
    query_cache: Arc<Mutex<QueryCache>>,
    /// Copy clusters joined across the shards of a sharded root (empty for a single index).
    clusters: Arc<shards::ClusterMap>,
    /// Text analyzers for the next search on this handle (see [`MorgueIndex::news_en`]).
    analyzers: analyzers::AnalyzerPool,
}

/// What [`MorgueIndex::derived`] keeps: per type, the latest values a later stage derived from a
/// commit, each tagged with the commit and the tag it was built for.
type QueryCache = HashMap<TypeId, Box<dyn Any + Send + Sync>>;

/// A reader and the `meta.json` it was loaded from.
struct CachedReader {
    reader: IndexReader,
    meta: Vec<u8>,
}

impl MorgueIndex {
    /// A searcher over the latest commit.
    ///
    /// The reader is opened once per handle and kept, with its segment readers and its cache of
    /// decompressed document blocks; it is reloaded only when `meta.json` changed (a commit or
    /// merge happened since), so a search right after an ingest on the same handle sees it.
    pub fn searcher(&self) -> Result<Searcher> {
        self.cached_searcher()
            .map_err(|e| directory::classify(&self.dir, e))
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The index's [`NEWS_EN`] analyzer, one that already remembers the stems of earlier
    /// searches on this handle when one is free (it goes back when dropped).
    pub fn news_en(&self) -> analyzers::PooledAnalyzer {
        self.analyzers.take(|| {
            self.index
                .tokenizers()
                .get(NEWS_EN)
                .unwrap_or_else(news_en_analyzer)
        })
    }

    /// The number of distinct articles in the index.
    pub fn article_count(&self) -> Result<usize> {
        let q = tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(self.fields.kind, KIND_ARTICLE),
            tantivy::schema::IndexRecordOption::Basic,
        );
        Ok(self.searcher()?.search(&q, &tantivy::collector::Count)?)
    }

    /// The copy cluster that stands for a stored cluster id: the same id in a single index; in
    /// a sharded root, the earlier shard's cluster it was joined to ([`shards::join`]).
    pub fn canonical_cluster(&self, cluster: u64) -> u64 {
        self.clusters.canonical(cluster)
    }

    /// The map behind [`MorgueIndex::canonical_cluster`], shared (a selection keeps it to
    /// give its articles' clusters when asked).
    pub fn cluster_map(&self) -> Arc<shards::ClusterMap> {
        Arc::clone(&self.clusters)
    }

    /// Every stored cluster id that stands for the canonical cluster `canon` (itself first).
    pub fn cluster_ids(&self, canon: u64) -> Vec<u64> {
        self.clusters.ids(canon)
    }

    /// The value of type `T` that a later stage derives from `searcher`'s commit under `tag`
    /// (the search stage keeps its entity resolver here, tagged with the alias table, and its
    /// article table): built by `build` once per commit and tag, then shared by the clones of
    /// this handle. Values are told apart by the commit's segments and their deletes, in the
    /// searcher's order, not by the reader's generation, which another reader counts from 0
    /// again. The two latest values of each type are kept, so requests on the commits before
    /// and after a reload do not evict each other's. A query asks for a value several times:
    /// finding it allocates nothing.
    pub fn derived<T, K>(
        &self,
        searcher: &Searcher,
        tag: &K,
        build: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        K: Clone + PartialEq + Send + Sync + 'static,
    {
        type Commit = Vec<(tantivy::index::SegmentId, Option<tantivy::Opstamp>)>;
        type Entries<K, T> = Vec<(Commit, K, Arc<T>)>;
        let segments = || {
            searcher
                .segment_readers()
                .iter()
                .map(|r| (r.segment_id(), r.delete_opstamp()))
        };
        let slot = TypeId::of::<Entries<K, T>>();
        let found = {
            let cache = self.query_cache.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .get(&slot)
                .and_then(|c| c.downcast_ref::<Entries<K, T>>())
                .and_then(|e| {
                    e.iter()
                        .find(|(c, k, _)| c.iter().copied().eq(segments()) && k == tag)
                })
                .map(|(_, _, v)| Arc::clone(v))
        };
        if let Some(v) = found {
            return Ok(v);
        }
        let v = Arc::new(build()?);
        let commit: Commit = segments().collect();
        let mut cache = self.query_cache.lock().unwrap_or_else(|p| p.into_inner());
        let entries = cache
            .entry(slot)
            .or_insert_with(|| Box::new(Entries::<K, T>::new()));
        if let Some(e) = entries.downcast_mut::<Entries<K, T>>() {
            e.retain(|(c, k, _)| !(*c == commit && k == tag));
            e.insert(0, (commit, tag.clone(), Arc::clone(&v)));
            e.truncate(2);
        }
        Ok(v)
    }

    fn cached_searcher(&self) -> tantivy::Result<Searcher> {
        let meta = self
            .index
            .directory()
            .atomic_read(Path::new("meta.json"))
            .unwrap_or_default();
        let mut cached = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cached.as_mut() {
            if c.meta != meta {
                c.reader.reload()?;
                c.meta = meta;
            }
            return Ok(c.reader.searcher());
        }
        let reader: IndexReader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        *cached = Some(CachedReader { reader, meta });
        Ok(searcher)
    }
}

/// How many live documents of `segment` hold the term whose dictionary entry is `info`.
///
/// A term's `doc_freq` counts deleted documents too: an article indexed again (its furniture
/// changed, or its copies) leaves its old documents deleted until a merge drops them, and which
/// segments the writer has merged by a commit depends on thread timing. A count taken from
/// `doc_freq` alone could then differ between two ingests of the same files.
pub fn live_doc_freq(
    segment: &tantivy::SegmentReader,
    inverted: &tantivy::InvertedIndexReader,
    info: &tantivy::postings::TermInfo,
) -> Result<u64> {
    let Some(alive) = segment.alive_bitset() else {
        return Ok(u64::from(info.doc_freq));
    };
    // Block by block: a slice of up to 128 decoded documents tested in a tight loop, where
    // `SegmentPostings::doc_freq_given_deletes` advances a cursor per document (13% of a warm
    // `search Trump` at 4x, where the 2.26M-document segment has 67k deleted documents).
    let mut block = inverted
        .read_block_postings_from_terminfo(info, tantivy::schema::IndexRecordOption::Basic)
        .map_err(tantivy::TantivyError::from)?;
    let mut live = 0u64;
    while !block.docs().is_empty() {
        live += block.docs().iter().filter(|&&d| alive.is_alive(d)).count() as u64;
        block.advance();
    }
    Ok(live)
}

/// How many live documents of the index hold `term` (see [`live_doc_freq`]).
pub fn live_term_docs(searcher: &Searcher, term: &tantivy::Term) -> Result<u64> {
    let mut n = 0;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(term.field())?;
        let info = inverted
            .get_term_info(term)
            .map_err(tantivy::TantivyError::from)?;
        if let Some(info) = info {
            n += live_doc_freq(segment, &inverted, &info)?;
        }
    }
    Ok(n)
}

/// The fields a query scores with BM25: indexed text with term frequencies and field norms
/// (`title` and `body`), in field order.
pub fn scored_fields(schema: &tantivy::schema::Schema) -> Vec<tantivy::schema::Field> {
    schema
        .fields()
        .filter(|(_, entry)| {
            entry.has_fieldnorms()
                && entry
                    .field_type()
                    .index_record_option()
                    .is_some_and(|o| o.has_freq())
        })
        .map(|(field, _)| field)
        .collect()
}

/// The tokens of `field` in the live documents of `searcher`'s commit, each document counted
/// by its field norm (exact up to 40 tokens, then rounded down to one of tantivy's 256 steps):
/// BM25's average length, taken so that it depends on which documents are live and on nothing
/// else. tantivy's own total counts every token ever indexed in a segment, deleted documents'
/// too (see [`live_doc_freq`] on why those differ between two ingests of the same files).
///
/// A field without norms (`outlet`, `meta`: keywords a query may name) has the length 1 in
/// every document as tantivy scores it, so its total is the number of live documents: an
/// average length of 1, no length normalization.
pub fn live_tokens(searcher: &Searcher, field: tantivy::schema::Field) -> Result<u64> {
    if !searcher.schema().get_field_entry(field).has_fieldnorms() {
        return Ok(searcher.num_docs());
    }
    let mut total = 0u64;
    for segment in searcher.segment_readers() {
        let norms = segment.get_fieldnorms_reader(field)?;
        // How many live documents have each norm: 256 additions instead of a lookup each.
        let mut ids = [0u64; 256];
        match segment.alive_bitset() {
            None => (0..segment.max_doc()).for_each(|d| ids[norms.fieldnorm_id(d) as usize] += 1),
            Some(alive) => alive
                .iter_alive()
                .for_each(|d| ids[norms.fieldnorm_id(d) as usize] += 1),
        }
        total += ids
            .iter()
            .enumerate()
            .map(|(id, n)| {
                n * u64::from(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm(
                    id as u8,
                ))
            })
            .sum::<u64>();
    }
    Ok(total)
}

/// True when `dir` holds a tantivy index or is a sharded root.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file() || shards::is_root(dir)
}

/// Opens the index in `dir` (reading needs no write access); [`Error::NoIndex`] when there is
/// none, [`Error::Damaged`] when its files are damaged or its `meta.json` is gone.
pub fn open(dir: &Path) -> Result<MorgueIndex> {
    if !exists(dir) {
        refuse_leftovers(dir)?;
        return Err(Error::NoIndex {
            path: dir.to_path_buf(),
        });
    }
    if shards::is_root(dir) {
        let manifest = shards::Manifest::read(dir)?;
        let union = shards::ShardedDir::open(dir, &manifest)?;
        let index = Index::open(union).map_err(|e| directory::classify(dir, e))?;
        let mut mi = finish_open(dir, index)?;
        mi.clusters = Arc::new(shards::ClusterMap::read(dir)?);
        return Ok(mi);
    }
    let index = Index::open(Folder::open(dir)?).map_err(|e| directory::classify(dir, e))?;
    finish_open(dir, index)
}

/// Opens some shards of the sharded root `root` (by their position in its manifest) as one
/// index: what one process of a distributed search holds (see `distributed`). Copy
/// clusters joined across shards are those of the whole root.
pub fn open_shards(root: &Path, positions: &[usize]) -> Result<MorgueIndex> {
    let manifest = shards::Manifest::read(root)?;
    let mut subset = manifest.clone();
    subset.shards.clear();
    for &i in positions {
        let shard = manifest.shards.get(i).ok_or_else(|| Error::BadOption {
            option: "shards".into(),
            message: format!(
                "{} has {} shards, there is no shard {i}",
                root.display(),
                manifest.shards.len()
            ),
        })?;
        subset.shards.push(shard.clone());
    }
    let union = shards::ShardedDir::open(root, &subset)?;
    let index = Index::open(union).map_err(|e| directory::classify(root, e))?;
    let mut mi = finish_open(root, index)?;
    mi.clusters = Arc::new(shards::ClusterMap::read(root)?);
    Ok(mi)
}

/// A folder without `meta.json` that still holds segment files or a ledger is a damaged index:
/// creating a new one over it would hide what it held and make the ledger lie.
fn refuse_leftovers(dir: &Path) -> Result<()> {
    let found = directory::leftovers(dir);
    match found.first() {
        None => Ok(()),
        Some(first) => Err(Error::Damaged {
            path: dir.to_path_buf(),
            reason: format!(
                "meta.json is missing, yet the folder holds {} index {} ({}{})",
                found.len(),
                if found.len() == 1 { "file" } else { "files" },
                first.file_name().unwrap_or_default().to_string_lossy(),
                if found.len() > 1 { ", …" } else { "" }
            ),
        }),
    }
}

/// The document store's block size of a new index (see [`open_or_create`]): a block per
/// article.
const DOC_STORE_BLOCK: usize = 1 << 10;

/// Opens the index in `dir`, creating the folder and an empty index when needed; refuses to
/// create one in a folder that holds what is left of another ([`Error::Damaged`]).
pub fn open_or_create(dir: &Path) -> Result<MorgueIndex> {
    if exists(dir) {
        return open(dir);
    }
    refuse_leftovers(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mmap = Folder::open(dir)?;
    let settings = tantivy::IndexSettings {
        // Passage text dominates the index; zstd stores prose about a third smaller than lz4
        // and still decompresses a 64 KiB block in well under a millisecond. Level 9 stores
        // 64 KiB blocks of this prose about 5% smaller than level 3; decompression is as fast.
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(9),
        }),
        // A block per article: showing a hit decompresses its block, and the store closes a
        // block after the document that takes it past this size. An article's documents are
        // written together (its passages, which store nothing, then its records and the
        // article document: `writer::ArticleWriter::add_article`), so with a size below any
        // article's text each block holds one article's documents and a hit decompresses its
        // own 6 KB instead of a 16 KiB block's 20 (two or three articles). Measured on
        // AllSides at 1x: the warm p50 1.13 -> 1.00 ms, the store 9.5% larger (130 -> 143 MB;
        // the index 3.9%). 16 KiB took it from 6.7 to 5.2 ms against 128 KiB; both steps are
        // in docs/performance-log.md. An index keeps the size it was created with.
        docstore_blocksize: DOC_STORE_BLOCK,
        ..tantivy::IndexSettings::default()
    };
    let index =
        Index::create(mmap, schema::build(), settings).map_err(|e| directory::classify(dir, e))?;
    finish_open(dir, index)
}

fn finish_open(dir: &Path, index: Index) -> Result<MorgueIndex> {
    let fields =
        Fields::from_schema(&index.schema()).map_err(|reason| Error::IncompatibleIndex {
            path: dir.to_path_buf(),
            reason,
        })?;
    analyzers::register(&index);
    Ok(MorgueIndex {
        index,
        fields,
        reader: Arc::default(),
        dir: dir.to_path_buf(),
        query_cache: Arc::default(),
        clusters: Arc::default(),
        analyzers: analyzers::AnalyzerPool::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::live_term_docs;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, Term};

    #[test]
    fn live_counts_leave_deleted_documents_out() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let word = schema.add_text_field("word", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for n in ["a", "b", "c"] {
            writer.add_document(doc!(id => n, word => "pier")).unwrap();
        }
        writer
            .add_document(doc!(id => "d", word => "ferry"))
            .unwrap();
        writer.commit().unwrap();
        // "b" indexed again, as an article whose furniture changed is.
        writer.delete_term(Term::from_field_text(id, "b"));
        writer
            .add_document(doc!(id => "b", word => "pier"))
            .unwrap();
        writer.delete_term(Term::from_field_text(id, "d"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let pier = Term::from_field_text(word, "pier");
        assert_eq!(
            searcher.doc_freq(&pier).unwrap(),
            4,
            "tantivy counts the deleted one"
        );
        assert_eq!(live_term_docs(&searcher, &pier).unwrap(), 3);
        let ferry = Term::from_field_text(word, "ferry");
        assert_eq!(live_term_docs(&searcher, &ferry).unwrap(), 0);
        assert_eq!(
            live_term_docs(&searcher, &Term::from_field_text(word, "dock")).unwrap(),
            0
        );
    }

    /// Counted block by block, over lists of several full blocks of 128 documents and a last
    /// short one, with deleted documents in runs and alone: what tantivy's own count gives.
    #[test]
    fn live_counts_agree_with_tantivy_across_blocks() {
        let mut schema = Schema::builder();
        let id = schema.add_u64_field("id", tantivy::schema::INDEXED);
        let word = schema.add_text_field("word", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let words = ["every", "even", "third", "rare"];
        for n in 0..1_000u64 {
            let mut d = doc!(id => n, word => "every");
            if n % 2 == 0 {
                d.add_text(word, "even");
            }
            if n % 3 == 0 {
                d.add_text(word, "third");
            }
            if n % 97 == 0 {
                d.add_text(word, "rare");
            }
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        for n in (100..140).chain((0..1_000).step_by(37)).chain([999]) {
            writer.delete_term(Term::from_field_u64(id, n));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let alive = segment.alive_bitset().expect("deletes");
        let inverted = segment.inverted_index(word).unwrap();
        for w in words {
            let term = Term::from_field_text(word, w);
            let postings = inverted
                .read_postings(&term, tantivy::schema::IndexRecordOption::Basic)
                .unwrap()
                .unwrap();
            let want = u64::from(postings.doc_freq_given_deletes(alive));
            assert!(want > 0 && want < u64::from(postings.doc_freq()), "{w}");
            assert_eq!(live_term_docs(&searcher, &term).unwrap(), want, "{w}");
        }
    }
}
