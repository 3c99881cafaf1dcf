//! Sharded roots: one index made of several index folders.
//!
//! A *sharded root* is a folder holding a manifest ([`MANIFEST_FILE`]) that lists shard folders,
//! each a normal morgue index (with its own ledger, furniture table and alias table). Opening a
//! root opens every shard's segments as one tantivy index: [`ShardedDir`] is a read-only
//! directory that answers `meta.json` with the union of the shards' commits (the segments of
//! every shard; segment ids are random UUIDs, so they never collide) and serves each segment's
//! files from the shard that holds them. One searcher then sees every shard, so BM25 statistics,
//! totals, folding, top-k and every lookup are those of a single index holding the same
//! documents: nothing downstream knows about shards.
//!
//! Writing goes to one shard at a time (each shard keeps its own writer lock and ledger); a
//! reader of the root picks up a shard's new commit as it would a single index's.

use super::keys::{KeyMap, Keys};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// The manifest's file name in a sharded root.
pub const MANIFEST_FILE: &str = "shards.json";

/// The manifest's format version.
const MANIFEST_VERSION: u32 = 1;

/// What a sharded root's `shards.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version (1).
    pub morgue_shards: u32,
    /// The shard folders, relative to the root (or absolute), in order.
    pub shards: Vec<PathBuf>,
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Manifest {
        Manifest {
            morgue_shards: MANIFEST_VERSION,
            shards: Vec::new(),
        }
    }

    /// The manifest of the root `dir`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| Error::Damaged {
            path: dir.to_path_buf(),
            reason: format!("{MANIFEST_FILE} is not a shard manifest: {e}"),
        })?;
        if m.morgue_shards != MANIFEST_VERSION {
            return Err(Error::IncompatibleIndex {
                path: dir.to_path_buf(),
                reason: format!(
                    "{MANIFEST_FILE} has format {} (this morgue reads {MANIFEST_VERSION})",
                    m.morgue_shards
                ),
            });
        }
        if m.shards.is_empty() {
            return Err(Error::Damaged {
                path: dir.to_path_buf(),
                reason: format!("{MANIFEST_FILE} lists no shard"),
            });
        }
        Ok(m)
    }

    /// Writes the manifest into `dir` (atomically: a reader sees the old one or the new one).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST_FILE);
        let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::io(&path, e.into()))?;
        std::fs::write(&tmp, text + "\n").map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    /// The shard folders as paths to open (relative ones under `root`).
    pub fn folders(&self, root: &Path) -> Vec<PathBuf> {
        self.shards.iter().map(|s| root.join(s)).collect()
    }
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest::new()
    }
}

/// True when `dir` is a sharded root.
pub fn is_root(dir: &Path) -> bool {
    dir.join(MANIFEST_FILE).is_file()
}

/// The conventional name of shard `i` of a root (`shard-000`).
pub fn shard_name(i: usize) -> String {
    format!("shard-{i:03}")
}

/// A read-only tantivy directory over the shards of a root (see the module docs).
#[derive(Debug, Clone)]
pub struct ShardedDir {
    root: PathBuf,
    shards: Arc<Vec<(PathBuf, MmapDirectory)>>,
    /// The shards' `meta.json` last read, and their union: every search asks for `meta.json` to
    /// see whether a commit happened, so the union is rebuilt only when a shard's changed.
    last: Arc<std::sync::Mutex<Option<MetaSeen>>>,
}

/// The shards' `meta.json` as read, and the union built from them.
type MetaSeen = (Vec<Vec<u8>>, Vec<u8>);

impl ShardedDir {
    /// Opens the shards of the root `root`; each must be an index folder.
    pub fn open(root: &Path, manifest: &Manifest) -> Result<ShardedDir> {
        let mut shards = Vec::new();
        for folder in manifest.folders(root) {
            if !folder.join("meta.json").is_file() {
                return Err(Error::Damaged {
                    path: root.to_path_buf(),
                    reason: format!(
                        "its shard {} holds no index ({MANIFEST_FILE} lists it)",
                        folder.display()
                    ),
                });
            }
            let mmap = MmapDirectory::open(&folder).map_err(|e: OpenDirectoryError| {
                Error::io(&folder, io::Error::other(e.to_string()))
            })?;
            shards.push((folder, mmap));
        }
        Ok(ShardedDir {
            root: root.to_path_buf(),
            shards: Arc::new(shards),
            last: Arc::default(),
        })
    }

    /// The union of the shards' `meta.json`: every shard's segments, the highest opstamp; the
    /// schema and settings must be the same in every shard.
    fn union_meta(&self) -> std::result::Result<Vec<u8>, OpenReadError> {
        let meta_path = Path::new("meta.json");
        let bad = |folder: &Path, why: String| OpenReadError::IoError {
            io_error: Arc::new(io::Error::new(io::ErrorKind::InvalidData, why)),
            filepath: folder.join("meta.json"),
        };
        let raw = self
            .shards
            .iter()
            .map(|(_, dir)| dir.atomic_read(meta_path))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, union)) = last.as_ref() {
            if *seen == raw {
                return Ok(union.clone());
            }
        }
        let mut union: Option<serde_json::Value> = None;
        for ((folder, _), bytes) in self.shards.iter().zip(&raw) {
            let meta: serde_json::Value =
                serde_json::from_slice(bytes).map_err(|e| bad(folder, e.to_string()))?;
            let Some(u) = union.as_mut() else {
                union = Some(meta);
                continue;
            };
            for key in ["schema", "index_settings"] {
                if u.get(key) != meta.get(key) {
                    return Err(bad(
                        folder,
                        format!(
                            "its {key} differs from the first shard's: rebuild it with this morgue"
                        ),
                    ));
                }
            }
            let segments = meta.get("segments").and_then(|s| s.as_array()).cloned();
            if let (Some(all), Some(more)) = (
                u.get_mut("segments").and_then(|s| s.as_array_mut()),
                segments,
            ) {
                all.extend(more);
            }
            let opstamp = |v: &serde_json::Value| v.get("opstamp").and_then(|o| o.as_u64());
            if let (Some(a), Some(b)) = (opstamp(u), opstamp(&meta)) {
                u["opstamp"] = a.max(b).into();
            }
            // A payload is one commit's message; the union has none.
            u["payload"] = serde_json::Value::Null;
        }
        let union = serde_json::to_vec(&union.unwrap_or_default())
            .map_err(|e| bad(&self.root, e.to_string()))?;
        *last = Some((raw, union.clone()));
        Ok(union)
    }

    fn shard_of(&self, path: &Path) -> std::result::Result<&MmapDirectory, OpenReadError> {
        for (_, dir) in self.shards.iter() {
            if dir.exists(path)? {
                return Ok(dir);
            }
        }
        Err(OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }
}

fn read_only(root: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{} is a sharded root: write to its shards, not to the root",
            root.display()
        ),
    )
}

impl Directory for ShardedDir {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn FileHandle>, OpenReadError> {
        self.shard_of(path)?.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(&self.root)),
            filepath: path.to_path_buf(),
        })
    }
    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        if path == Path::new("meta.json") {
            return Ok(true);
        }
        match self.shard_of(path) {
            Ok(_) => Ok(true),
            Err(OpenReadError::FileDoesNotExist(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }
    fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(&self.root)),
            filepath: path.to_path_buf(),
        })
    }
    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        if path == Path::new("meta.json") {
            return self.union_meta();
        }
        // `.managed.json` and the like belong to a writer; the root has none.
        Err(OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }
    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(&self.root))
    }
    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }
    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        // Readers of a root reload on demand (`MorgueIndex::searcher` compares `meta.json`).
        Ok(WatchHandle::empty())
    }
    fn acquire_lock(&self, lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
        // A reader's lock keeps each shard's writer from deleting segments it is opening: take
        // it in every shard (reading without it where a shard cannot be written, as `Folder`).
        let mut held = Vec::new();
        for (_, dir) in self.shards.iter() {
            match dir.acquire_lock(lock) {
                Ok(l) => held.push(l),
                Err(LockError::IoError(_))
                    if lock.filepath == tantivy::directory::META_LOCK.filepath => {}
                Err(e) => return Err(e),
            }
        }
        Ok(DirectoryLock::from(Box::new(held)))
    }
}

/// The cluster map's file name in a sharded root.
pub const CLUSTER_MAP_FILE: &str = "clusters.tsv";

/// Copy clusters joined across shards: each shard clusters its own articles at ingest; the
/// join ([`join`]) finds the clusters of later shards that are copies of an earlier shard's
/// story and maps them to its cluster. Empty for a single index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterMap {
    canonical: KeyMap<u64>,
    members: KeyMap<Vec<u64>>,
}

impl ClusterMap {
    /// A map from `(cluster, canonical cluster)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u64, u64)>) -> ClusterMap {
        let mut m = ClusterMap::default();
        for (c, canon) in pairs {
            if c != canon {
                m.canonical.insert(c, canon);
                m.members.entry(canon).or_default().push(c);
            }
        }
        m.members.values_mut().for_each(|v| v.sort_unstable());
        m
    }

    /// The cluster that stands for `cluster` across shards.
    pub fn canonical(&self, cluster: u64) -> u64 {
        // Called for every matching article: most indexes have no map at all.
        if self.canonical.is_empty() {
            return cluster;
        }
        self.canonical.get(&cluster).copied().unwrap_or(cluster)
    }

    /// Every stored cluster id that stands for the canonical cluster `canon` (itself first).
    pub fn ids(&self, canon: u64) -> Vec<u64> {
        let mut ids = vec![canon];
        ids.extend(self.members.get(&canon).into_iter().flatten());
        ids
    }

    /// True when no cluster is mapped.
    pub fn is_empty(&self) -> bool {
        self.canonical.is_empty()
    }

    /// The pairs, sorted.
    fn pairs(&self) -> Vec<(u64, u64)> {
        let mut v: Vec<(u64, u64)> = self.canonical.iter().map(|(a, b)| (*a, *b)).collect();
        v.sort_unstable();
        v
    }

    /// The map of the root `dir` (empty when it has none).
    pub fn read(dir: &Path) -> Result<ClusterMap> {
        let path = dir.join(CLUSTER_MAP_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ClusterMap::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut pairs = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let pair = line.split_once('\t').and_then(|(a, b)| {
                Some((
                    a.parse::<crate::model::ArticleId>().ok()?.key(),
                    b.parse::<crate::model::ArticleId>().ok()?.key(),
                ))
            });
            let Some(pair) = pair else {
                return Err(Error::Damaged {
                    path: dir.to_path_buf(),
                    reason: format!(
                        "{CLUSTER_MAP_FILE}:{}: expected two article ids separated by a tab",
                        n + 1
                    ),
                });
            };
            pairs.push(pair);
        }
        Ok(ClusterMap::from_pairs(pairs))
    }

    /// Writes the map into the root `dir` (atomically).
    fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(CLUSTER_MAP_FILE);
        let tmp = dir.join(format!("{CLUSTER_MAP_FILE}.tmp"));
        let mut text = String::from(
            "# Copy clusters joined across shards (written by morgue ingest): cluster\tcluster it is a copy of\n",
        );
        for (c, canon) in self.pairs() {
            text.push_str(&format!(
                "{}\t{}\n",
                crate::model::ArticleId::from(c),
                crate::model::ArticleId::from(canon)
            ));
        }
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }
}

/// What [`join`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Joined {
    /// Articles whose text an earlier shard already holds: their article and passage documents
    /// were removed from the later shard, their paths kept (they are appearances of the earlier
    /// shard's article).
    pub duplicates: usize,
    /// Copy clusters of later shards joined to an earlier shard's story.
    pub clusters_joined: usize,
}

/// Joins the shards of the root `root` after an ingest: a text held by several shards is kept
/// in the first (its other records become appearances of it), and a copy cluster of a later
/// shard that is a near-duplicate of an earlier shard's story is mapped to that story's cluster
/// ([`ClusterMap`], written into the root). Each shard's articles are looked up by their LSH
/// band keys in the shards before it (a join on band keys, not an all-pairs scan).
pub fn join(root: &Path, manifest: &Manifest) -> Result<Joined> {
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;
    let folders = manifest.folders(root);
    let mut joined = Joined::default();
    let mut earlier = Keys::default();
    let mut map: KeyMap<u64> = KeyMap::default();
    for (j, folder) in folders.iter().enumerate() {
        let mi = super::open(folder)?;
        let f = mi.fields;
        let searcher = mi.searcher()?;
        let kind = |k: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, k),
                IndexRecordOption::Basic,
            ))
        };
        let keys = searcher.search(kind(super::KIND_ARTICLE).as_ref(), &super::KeyCollector)?;
        let mut dups: Vec<u64> = keys
            .iter()
            .copied()
            .filter(|k| earlier.contains(k))
            .collect();
        dups.sort_unstable();
        if !dups.is_empty() {
            let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> = mi
                .index
                .writer_with_num_threads(1, 32 << 20)
                .map_err(|e| super::directory::classify(folder, e))?;
            for &k in &dups {
                let of_article: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_u64(f.article_key, k),
                    IndexRecordOption::Basic,
                ));
                let kinds: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Should, kind(super::KIND_ARTICLE)),
                    (Occur::Should, kind(super::KIND_PASSAGE)),
                ]));
                writer.delete_query(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, of_article),
                    (Occur::Must, kinds),
                ])))?;
            }
            writer
                .commit()
                .map_err(|e| super::directory::classify(folder, e))?;
            // Merge the deleted duplicates out, so the shard does not carry them. (Scores no
            // longer depend on it: BM25 counts live documents only, see `search::statistics`.
            // A shard ingested through its root never needs this: its writer sees the other
            // shards.)
            let with_deletes: Vec<tantivy::index::SegmentId> = mi
                .index
                .searchable_segment_metas()?
                .iter()
                .filter(|m| m.has_deletes())
                .map(|m| m.id())
                .collect();
            if !with_deletes.is_empty() {
                writer
                    .merge(&with_deletes)
                    .wait()
                    .map_err(|e| super::directory::classify(folder, e))?;
            }
            writer
                .wait_merging_threads()
                .map_err(|e| super::directory::classify(folder, e))?;
            joined.duplicates += dups.len();
        }
        if j > 0 {
            // The shards before this one, read as one index.
            let prior_manifest = Manifest {
                morgue_shards: MANIFEST_VERSION,
                shards: manifest.shards[..j].to_vec(),
            };
            let prior = tantivy::Index::open(ShardedDir::open(root, &prior_manifest)?)
                .map_err(|e| super::directory::classify(root, e))?;
            let prior = prior
                .reader_builder()
                .reload_policy(tantivy::ReloadPolicy::Manual)
                .try_into()
                .map(|r: tantivy::IndexReader| r.searcher())
                .map_err(|e| super::directory::classify(root, e))?;
            let prior_bands = super::clusters::BandTable::of(&prior)?;
            let dup_set: Keys = dups.iter().copied().collect();
            let mut mine: Vec<u64> = keys
                .iter()
                .copied()
                .filter(|k| !dup_set.contains(k))
                .collect();
            mine.sort_unstable();
            for key in mine {
                let id = crate::model::ArticleId::from(key);
                let Some(addr) = super::doc_addresses(&searcher, &f, super::KIND_ARTICLE, id)?
                    .into_iter()
                    .next()
                else {
                    continue;
                };
                let doc: tantivy::TantivyDocument = searcher.doc(addr)?;
                let Some((_, cluster, compact)) = super::read_copy_fields(&doc, &f) else {
                    continue;
                };
                if map.contains_key(&cluster) {
                    continue;
                }
                let text = super::stored_str(&doc, f.text).unwrap_or_default();
                let Some(sig) = crate::dedup::Signature::of(&text) else {
                    continue;
                };
                if let Some(found) = best_prior(&prior, &prior_bands, &f, &sig, &compact, key)? {
                    let canon = map.get(&found).copied().unwrap_or(found);
                    if canon != cluster {
                        map.insert(cluster, canon);
                        joined.clusters_joined += 1;
                    }
                }
            }
        }
        earlier.extend(keys);
    }
    ClusterMap::from_pairs(map).write(root)?;
    Ok(joined)
}

/// The cluster of the most similar article of `prior` sharing a band key with `sig`, when it
/// reaches the copy threshold (ties to the older cluster, as at ingest).
fn best_prior(
    prior: &tantivy::Searcher,
    prior_bands: &super::clusters::BandTable,
    f: &super::Fields,
    sig: &crate::dedup::Signature,
    compact: &[u8],
    key: u64,
) -> Result<Option<u64>> {
    let mut best: Option<(f64, u64, u64)> = None; // (similarity, cluster, key)
    for (k, cluster, other) in prior_bands.copy_fields(prior, f, &sig.bands())? {
        if k == key {
            continue;
        }
        let Some(s) = crate::dedup::compact_similarity(compact, &other) else {
            continue;
        };
        let better = best.is_none_or(|(bs, bc, bk)| s > bs || (s == bs && (cluster, k) < (bc, bk)));
        if s >= crate::dedup::THRESHOLD && better {
            best = Some((s, cluster, k));
        }
    }
    Ok(best.map(|b| b.1))
}

/// Adds existing index folders (built apart: on other machines, by other processes) as shards
/// of the root `root`, creating the root when it does not exist, then joins the shards
/// ([`join`]). A folder inside the root is listed relative to it, others by absolute path.
/// Returns the manifest written and what the join found.
pub fn add(root: &Path, folders: &[PathBuf]) -> Result<(Manifest, Joined)> {
    let bad = |message: String| Error::BadOption {
        option: "shard add".into(),
        message,
    };
    let mut manifest = if is_root(root) {
        Manifest::read(root)?
    } else if root.join("meta.json").is_file() {
        return Err(bad(format!(
            "{} is a single index, not a sharded root: give a new folder",
            root.display()
        )));
    } else {
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        Manifest::new()
    };
    let root_abs = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let listed: Vec<PathBuf> = manifest
        .folders(root)
        .iter()
        .filter_map(|f| std::fs::canonicalize(f).ok())
        .collect();
    for folder in folders {
        if !folder.join("meta.json").is_file() {
            return Err(bad(format!("{} holds no index", folder.display())));
        }
        let abs = std::fs::canonicalize(folder).map_err(|e| Error::io(folder, e))?;
        if listed.contains(&abs) || manifest.shards.iter().any(|s| root.join(s) == *folder) {
            return Err(bad(format!(
                "{} is already a shard of {}",
                folder.display(),
                root.display()
            )));
        }
        let entry = abs
            .strip_prefix(&root_abs)
            .map(Path::to_path_buf)
            .unwrap_or(abs);
        manifest.shards.push(entry);
    }
    // The shards must read as one index before the manifest names them.
    let union = ShardedDir::open(root, &manifest)?;
    tantivy::Index::open(union).map_err(|e| super::directory::classify(root, e))?;
    manifest.write(root)?;
    let joined = join(root, &manifest)?;
    Ok((manifest, joined))
}

/// What [`merge`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    /// The shard the others were merged into, as the manifest lists it.
    pub into: String,
    /// The shards merged into it (gone from the manifest and the disk).
    pub merged: Vec<String>,
}

/// Merges shards of the root `root` into one: `which` names them as the manifest lists them
/// (`shard list`), every shard when empty; the first named keeps its place and name. Their
/// segments are merged into one new index (tantivy's `merge_indices`; documents, BM25
/// statistics and copy clusters are unchanged), their ledgers joined, their furniture counts
/// and listings added up. The merged index is built beside the shards and swapped in, then the
/// manifest is written: an interruption leaves the root as it was, or merged.
pub fn merge(root: &Path, which: &[String]) -> Result<Merged> {
    let bad = |message: String| Error::BadOption {
        option: "shard merge".into(),
        message,
    };
    let mut manifest = Manifest::read(root)?;
    let names: Vec<String> = manifest
        .shards
        .iter()
        .map(|s| s.display().to_string())
        .collect();
    let picks: Vec<usize> = if which.is_empty() {
        (0..names.len()).collect()
    } else {
        let mut picks = Vec::new();
        for w in which {
            let w = w.trim_end_matches('/');
            match names.iter().position(|n| n == w) {
                Some(i) if !picks.contains(&i) => picks.push(i),
                Some(_) => return Err(bad(format!("{w} is named twice"))),
                None => {
                    return Err(bad(format!(
                        "{w} is not a shard of {}; its shards: {}",
                        root.display(),
                        names.join(", ")
                    )))
                }
            }
        }
        picks
    };
    if picks.len() < 2 {
        return Err(bad("give at least two shards to merge".into()));
    }
    let folders = manifest.folders(root);
    let chosen: Vec<PathBuf> = picks.iter().map(|&i| folders[i].clone()).collect();
    let target = chosen[0].clone();
    let indices = chosen
        .iter()
        .map(|f| super::open(f).map(|mi| mi.index))
        .collect::<Result<Vec<_>>>()?;
    let building = root.join(format!(".merging-{}", names[picks[0]].replace('/', "_")));
    if building.exists() {
        std::fs::remove_dir_all(&building).map_err(|e| Error::io(&building, e))?;
    }
    std::fs::create_dir_all(&building).map_err(|e| Error::io(&building, e))?;
    tantivy::indexer::merge_indices(&indices, super::directory::Folder::open(&building)?)
        .map_err(|e| super::directory::classify(root, e))?;
    drop(indices);
    // The side files: ledgers joined, furniture counts and listings added up, the first
    // shard's alias table and furniture overrides.
    let mut ledger = String::new();
    let mut table = super::furniture::Table::default();
    for folder in &chosen {
        let path = folder.join(super::ledger::LEDGER_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => ledger.push_str(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        table.absorb(&super::furniture::Table::open(folder)?);
    }
    let path = building.join(super::ledger::LEDGER_FILE);
    std::fs::write(&path, ledger).map_err(|e| Error::io(&path, e))?;
    table.save(&building)?;
    super::furniture::Listing::added_up(&chosen)?.save(&building)?;
    for name in [
        crate::extract::aliases::FILE_NAME,
        super::furniture::OVERRIDES_FILE,
    ] {
        let from = target.join(name);
        if from.is_file() {
            let to = building.join(name);
            std::fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
    }
    // Swap the merged index in, then list only it.
    let old = root.join(format!(".merged-{}", names[picks[0]].replace('/', "_")));
    std::fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
    std::fs::rename(&building, &target).map_err(|e| Error::io(&building, e))?;
    let gone: Vec<usize> = picks[1..].to_vec();
    manifest.shards = manifest
        .shards
        .iter()
        .enumerate()
        .filter(|(i, _)| !gone.contains(i))
        .map(|(_, s)| s.clone())
        .collect();
    manifest.write(root)?;
    for folder in chosen[1..].iter().chain(std::iter::once(&old)) {
        std::fs::remove_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    }
    Ok(Merged {
        into: names[picks[0]].clone(),
        merged: picks[1..].iter().map(|&i| names[i].clone()).collect(),
    })
}

/// One shard as [`list`] describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShardInfo {
    /// The folder as the manifest lists it.
    pub folder: String,
    /// Distinct articles whose text this shard holds.
    pub articles: usize,
    /// Sources its ledger records.
    pub sources: usize,
}

/// The shards of the root `root`, in manifest order.
pub fn list(root: &Path) -> Result<Vec<ShardInfo>> {
    let manifest = Manifest::read(root)?;
    let mut out = Vec::new();
    for (name, folder) in manifest.shards.iter().zip(manifest.folders(root)) {
        let mi = super::open(&folder)?;
        out.push(ShardInfo {
            folder: name.display().to_string(),
            articles: mi.article_count()?,
            sources: super::ledger::Ledger::open(&folder)?.entries().count(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_map_round_trips_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let map = ClusterMap::from_pairs([(3, 1), (7, 1), (9, 9)]);
        assert_eq!(
            (map.canonical(3), map.canonical(7), map.canonical(9)),
            (1, 1, 9)
        );
        assert_eq!(map.ids(1), vec![1, 3, 7]);
        assert_eq!(map.ids(9), vec![9]);
        map.write(dir.path()).unwrap();
        assert_eq!(ClusterMap::read(dir.path()).unwrap(), map);
        std::fs::write(
            dir.path().join(CLUSTER_MAP_FILE),
            "# c\n0000000000000003\tnot an id\n",
        )
        .unwrap();
        let e = ClusterMap::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("clusters.tsv:2"), "{e}");
        // No map at all: every cluster stands for itself.
        let empty = tempfile::tempdir().unwrap();
        assert!(ClusterMap::read(empty.path()).unwrap().is_empty());
    }

    #[test]
    fn a_manifest_must_list_shards_in_a_known_format() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::new();
        m.shards.push(PathBuf::from(shard_name(0)));
        m.write(dir.path()).unwrap();
        assert!(is_root(dir.path()));
        assert_eq!(Manifest::read(dir.path()).unwrap(), m);
        assert_eq!(m.folders(dir.path()), vec![dir.path().join("shard-000")]);
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"morgue_shards": 2, "shards": ["a"]}"#,
        )
        .unwrap();
        assert!(Manifest::read(dir.path())
            .unwrap_err()
            .to_string()
            .contains("format 2"));
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"morgue_shards": 1, "shards": []}"#,
        )
        .unwrap();
        assert!(Manifest::read(dir.path())
            .unwrap_err()
            .to_string()
            .contains("lists no shard"));
    }
}
