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
//!   once and both paths are kept (adding a path never rewrites the article).
//!
//! Analyzers are registered by [`open`] and [`open_or_create`] on every handle, because tantivy
//! does not persist custom tokenizers. Must not parse user queries or format output.

mod analyzers;
mod clusters;
mod keys;
pub mod ledger;
mod records;
mod schema;
mod writer;

pub use analyzers::{
    analyze, keyword_key, news_en as news_en_analyzer, AnalyzedToken, KEYWORD, NEWS_EN,
};
pub use clusters::{read_copy_fields, Assigned, ClusterFinder};
pub use keys::{KeyCollector, KeyHasher, KeyMap, Keys};
pub use records::{
    article_paths, cluster_members, decode_entities, doc_addresses, encode_entities,
    entity_form_term, entity_name_term, entity_terms, load_article, parse_entity_form_term,
    passage_record, resolve_article, stored_str, stored_u64, ArticleRecord, Found, PassageRecord,
    FORM_TERM, NAME_TERM,
};
pub use schema::{Fields, KIND_ARTICLE, KIND_PASSAGE, KIND_PATH, SCHEMA_VERSION};
pub use writer::{date_value, Added, ArticleWriter, WriterStats};

use crate::error::{Error, Result};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tantivy::directory::Directory;
use tantivy::directory::MmapDirectory;
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
}

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

/// True when `dir` holds a tantivy index.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens the index in `dir` for reading; [`Error::NoIndex`] when there is none.
pub fn open(dir: &Path) -> Result<MorgueIndex> {
    if !exists(dir) {
        return Err(Error::NoIndex {
            path: dir.to_path_buf(),
        });
    }
    let index = Index::open_in_dir(dir)?;
    finish_open(dir, index)
}

/// Opens the index in `dir`, creating the folder and an empty index when needed.
pub fn open_or_create(dir: &Path) -> Result<MorgueIndex> {
    if exists(dir) {
        return open(dir);
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mmap = MmapDirectory::open(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let settings = tantivy::IndexSettings {
        // Passage text dominates the index; zstd stores prose about a third smaller than lz4
        // and still decompresses a 64 KiB block in well under a millisecond. Level 9 stores
        // 64 KiB blocks of this prose about 5% smaller than level 3; decompression is as fast.
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(9),
        }),
        // 128 KiB blocks store this prose about 4% smaller than 64 KiB ones, which keeps the
        // index under the size of the text it holds; showing a hit decompresses one block.
        docstore_blocksize: 128 << 10,
        ..tantivy::IndexSettings::default()
    };
    let index = Index::create(mmap, schema::build(), settings)?;
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
    })
}
