//! Caches a later stage keeps in the index folder beside a commit (the search stage's article
//! table, `articles.bin`, and short-name table, `resolver.bin`; the lookups' resolved entities,
//! `entities.bin`): each is keyed by the commit's segments (and, for those that hold the
//! resolver's decisions, by the rules and the alias table), written in one step (a reader sees
//! the old file or the new one), read through a memory map, and left out of the index's size.
//! Deleting one changes no answer; the next reader builds it again.

use std::path::Path;
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::Searcher;

/// The search stage's article table (`search::table`).
pub const ARTICLE_TABLE: &str = "articles.bin";

/// The lookups' table of resolved entities (`lookup::entity_table`).
pub const ENTITY_TABLE: &str = "entities.bin";

/// The archive's short-name table (`search::resolve`).
pub const RESOLVER: &str = "resolver.bin";

/// The cache files' names.
pub const CACHE_FILES: [&str; 3] = [ARTICLE_TABLE, ENTITY_TABLE, RESOLVER];

/// What a cache of `searcher`'s commit is keyed by: the crate version and each segment's id,
/// documents and deletes (a merge, a commit or a delete changes it).
pub fn commit_key(searcher: &Searcher) -> String {
    let mut key = format!("morgue {}\n", env!("CARGO_PKG_VERSION"));
    for r in searcher.segment_readers() {
        key.push_str(&format!(
            "{} {} {} {:?}\n",
            r.segment_id().uuid_string(),
            r.max_doc(),
            r.num_deleted_docs(),
            r.delete_opstamp()
        ));
    }
    key
}

/// The cache file `name` of the folder `dir`, mapped; `None` when it cannot be read.
pub fn read(dir: &Path, name: &str) -> Option<OwnedBytes> {
    let folder = MmapDirectory::open(dir).ok()?;
    folder.open_read(Path::new(name)).ok()?.read_bytes().ok()
}

/// Writes `bytes` as the cache file `name` of `dir`, replacing it in one step.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    // Unique per process, thread and call: two builders never share a temporary file.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(name);
    let tmp = dir.join(format!(
        "{name}.{}.{:?}.{call}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// True for the name of a cache file, or of one being written.
pub fn is_cache(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    CACHE_FILES
        .iter()
        .any(|f| name == *f || (name.starts_with(f) && name.ends_with(".tmp")))
}

/// Starts a cache file: its magic bytes and its key (length and bytes).
pub fn write_header(out: &mut Vec<u8>, magic: &[u8], key: &str) {
    out.extend_from_slice(magic);
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(key.as_bytes());
}

/// A reader of `bytes` past their header, when it holds `magic` and `key` (see
/// [`write_header`]); `None` for another file, another version or another commit.
pub fn after_header<'a>(bytes: &'a [u8], magic: &[u8], key: &str) -> Option<Cursor<'a>> {
    let mut r = Cursor { bytes, at: 0 };
    if r.take(magic.len())? != magic {
        return None;
    }
    let n = r.word()? as usize;
    (r.take(n)? == key.as_bytes()).then_some(r)
}

/// A reader of little-endian numbers and byte runs, `None` past the end.
pub struct Cursor<'a> {
    /// The bytes read.
    pub bytes: &'a [u8],
    /// Where the next read starts.
    pub at: usize,
}

impl<'a> Cursor<'a> {
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    /// The next 32-bit number.
    pub fn word(&mut self) -> Option<u32> {
        self.take(4).map(|b| word(b, 0))
    }

    /// The next 64-bit number.
    pub fn long(&mut self) -> Option<u64> {
        self.take(8).map(|b| long(b, 0))
    }

    /// The next string (its length in bytes, then its UTF-8 bytes; see [`put_str`]).
    pub fn string(&mut self) -> Option<String> {
        let n = self.word()? as usize;
        std::str::from_utf8(self.take(n)?).ok().map(str::to_string)
    }

    /// The next `n` 32-bit numbers.
    pub fn words(&mut self, n: usize) -> Option<impl Iterator<Item = u32> + 'a> {
        let raw = self.take(n.checked_mul(4)?)?;
        Some(raw.chunks_exact(4).map(|b| word(b, 0)))
    }
}

/// Writes `s` as [`Cursor::string`] reads it.
pub fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// The little-endian 32-bit number at `at` (in bounds: the caller checked).
pub fn word(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// The little-endian 64-bit number at `at` (in bounds: the caller checked).
pub fn long(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}
