//! Caches a later stage keeps in the index folder beside a commit (the search stage's article
//! table, `articles.bin`, and short-name table, `resolver.bin`; the lookups' resolved entities,
//! `entities.bin`): each is keyed by the commit's segments (and, for those that hold the
//! resolver's decisions, by the rules and the alias table), written in one step (a reader sees
//! the old file or the new one), read through a memory map (or, for the large entity table, in
//! blocks: [`Blocks`]), and left out of the index's size. Deleting one changes no answer; the
//! next reader builds it again.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
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

/// Writes `bytes` as the file `name` of `dir` (a cache, a listing, a default table), replacing
/// it in one step: a reader, or a run after a crash or a full disk, sees the old file or the
/// new one, never a part.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    write_with(dir, name, |w| std::io::Write::write_all(w, bytes))
}

/// Writes the cache file `name` of `dir` from what `fill` writes (buffered), replacing it in one
/// step: a file too large to hold in memory is written as it is made.
pub fn write_with(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    // Unique per process, thread and call: two builders never share a temporary file.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(name);
    let tmp = dir.join(format!(
        "{name}.{}.{:?}.{call}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let written = std::fs::File::create(&tmp)
        .and_then(|file| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            fill(&mut w)?;
            w.flush()
        })
        .and_then(|()| std::fs::rename(&tmp, &path));
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
        std::str::from_utf8(self.str_bytes()?)
            .ok()
            .map(str::to_string)
    }

    /// The next string's bytes, not checked to be UTF-8: what skipping a string or comparing
    /// it as sorted needs.
    pub fn str_bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.word()? as usize;
        self.take(n)
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

/// The width of a packed array of numbers up to `max`: the bits they need, or 64 past
/// [`MAX_WIDTH`] (tantivy's `compute_num_bits`, so every width it gives is [`readable`]).
pub fn width(max: u64) -> u32 {
    u32::from(tantivy_bitpacker::compute_num_bits(max))
}

/// The widest numbers a packed array holds short of 64 bits: tantivy's unpacker reads eight
/// bytes at a time, so 57 to 63 bits cannot be read.
pub const MAX_WIDTH: u32 = 56;

/// True for a width a packed array can have: up to [`MAX_WIDTH`] bits, or 64.
pub fn readable(width: u32) -> bool {
    width <= MAX_WIDTH || width == 64
}

/// Bytes of `n` numbers of `width` bits packed (see [`Packer`]).
pub fn packed_len(n: u64, width: u32) -> u64 {
    (n * u64::from(width)).div_ceil(8)
}

/// Writes an array of numbers of one width, bit-packed (tantivy's bit packer: number `i` is
/// bits `i * width..(i + 1) * width` of the little-endian stream), ending on a whole byte.
pub struct Packer {
    bits: tantivy_bitpacker::BitPacker,
    width: u8,
}

impl Packer {
    /// A packer of numbers of `width` bits: at most [`MAX_WIDTH`], or 64 (what tantivy's
    /// unpacker reads; see [`readable`]).
    pub fn new(width: u32) -> Packer {
        assert!(readable(width), "no packed array has {width}-bit numbers");
        Packer {
            bits: tantivy_bitpacker::BitPacker::new(),
            width: width as u8,
        }
    }

    /// Writes `x`, which must fit the width.
    pub fn put(&mut self, x: u64, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        debug_assert!(
            width(x) <= u32::from(self.width),
            "{x} wider than {}",
            self.width
        );
        self.bits.write(x, self.width, out)
    }

    /// Writes the last byte.
    pub fn finish(mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.bits.close(out)
    }
}

/// An array of numbers of one width packed in a [`Blocks`] file (written by [`Packer`]), read
/// through one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Packed {
    /// Where the array starts in the file.
    pub at: u64,
    /// Bits per number.
    pub width: u32,
    /// Numbers in the array.
    pub n: u64,
}

impl Packed {
    /// Bytes the array takes.
    pub fn len(&self) -> u64 {
        packed_len(self.n, self.width)
    }

    /// True for an array of no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` with the index (from 0) and value of each of the numbers `first..end`, read
    /// through window `w`; `None` (and no call) when they are not all in the array, cannot be
    /// read, or the width is not [`readable`] (a damaged file).
    pub fn range(
        &self,
        blocks: &Blocks,
        w: usize,
        first: u64,
        end: u64,
        mut f: impl FnMut(usize, u64),
    ) -> Option<()> {
        if first > end || end > self.n || !readable(self.width) {
            return None;
        }
        // From a multiple of eight numbers, which starts on a whole byte.
        let width = u64::from(self.width);
        let aligned = first & !7;
        let from = aligned * width / 8;
        let to = (end * width).div_ceil(8);
        let unpacker = tantivy_bitpacker::BitUnpacker::new(self.width as u8);
        // Seven bytes more where the file has them: the unpacker reads eight at a time, and
        // takes a slower path near a slice's end.
        let to = (to + 7).min(blocks.len().saturating_sub(self.at)).max(to);
        blocks.with(w, self.at + from, (to - from) as usize, |b| {
            let skip = (first - aligned) as u32;
            for i in 0..(end - first) as u32 {
                f(i as usize, unpacker.get(skip + i, b));
            }
        })
    }

    /// Number `i`, read through window `w`.
    pub fn get(&self, blocks: &Blocks, w: usize, i: u64) -> Option<u64> {
        let mut x = None;
        self.range(blocks, w, i, i + 1, |_, v| x = Some(v))?;
        x
    }
}

/// A cache file read in blocks through a few small windows instead of mapped: a reader holds
/// the windows, not the pages it has read, so its memory does not grow with the file (a scan
/// of a mapped file keeps every page it touched in the process's resident set). Each window
/// serves one region read in order (one column, say); a read near the window's end moves it
/// forward by [`Blocks::AHEAD`] bytes, a read elsewhere loads only what it asks (at least a
/// page). A file that fails to read mid-scan is remembered and reported by [`Blocks::failed`].
#[derive(Debug)]
pub struct Blocks {
    source: Source,
    len: u64,
    windows: RefCell<Vec<Window>>,
    failed: RefCell<Option<(PathBuf, std::io::Error)>>,
}

#[derive(Debug)]
enum Source {
    Memory(Vec<u8>),
    File(std::fs::File, PathBuf),
}

#[derive(Debug, Default)]
struct Window {
    start: u64,
    bytes: Vec<u8>,
}

impl Default for Blocks {
    fn default() -> Blocks {
        Blocks::memory(Vec::new(), 0)
    }
}

impl Blocks {
    /// Bytes a window reads ahead when it moves forward.
    pub const AHEAD: usize = 64 << 10;

    /// The smallest read of a window that jumps.
    const PAGE: usize = 4 << 10;

    /// The cache file `name` of the folder `dir`, with `windows` windows; `None` when it cannot
    /// be opened.
    pub fn open(dir: &Path, name: &str, windows: usize) -> Option<Blocks> {
        let path = dir.join(name);
        let file = std::fs::File::open(&path).ok()?;
        let len = file.metadata().ok()?.len();
        Some(Blocks::with_source(Source::File(file, path), len, windows))
    }

    /// `bytes` read as a file would be (a table built in memory).
    pub fn memory(bytes: Vec<u8>, windows: usize) -> Blocks {
        let len = bytes.len() as u64;
        Blocks::with_source(Source::Memory(bytes), len, windows)
    }

    fn with_source(source: Source, len: u64, windows: usize) -> Blocks {
        Blocks {
            source,
            len,
            windows: RefCell::new((0..windows).map(|_| Window::default()).collect()),
            failed: RefCell::new(None),
        }
    }

    /// The file's size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `f` of the `n` bytes at `at`, read through window `w`; `None` past the end, through a
    /// window that does not exist, or when the file fails to read (see [`Blocks::failed`]).
    pub fn with<R>(&self, w: usize, at: u64, n: usize, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let end = at.checked_add(n as u64).filter(|&e| e <= self.len)?;
        let mut windows = self.windows.borrow_mut();
        let window = windows.get_mut(w)?;
        let file = match &self.source {
            Source::Memory(bytes) => return Some(f(&bytes[at as usize..end as usize])),
            _ if n == 0 => return Some(f(&[])),
            Source::File(file, path) => (file, path),
        };
        let held = window.start..window.start + window.bytes.len() as u64;
        if !(held.contains(&at) && end <= held.end) {
            // Forward within reach of the window: a scan; it reads ahead. Else a jump.
            let ahead = at >= held.start && at <= held.end + Blocks::AHEAD as u64;
            let want = n.max(if ahead { Blocks::AHEAD } else { Blocks::PAGE });
            let size = want.min((self.len - at) as usize);
            window.bytes.resize(size, 0);
            window.start = at;
            use std::io::{Read, Seek, SeekFrom};
            let mut reader = file.0;
            let read = reader
                .seek(SeekFrom::Start(at))
                .and_then(|_| reader.read_exact(&mut window.bytes));
            if let Err(e) = read {
                window.bytes.clear();
                self.failed.borrow_mut().get_or_insert((file.1.clone(), e));
                return None;
            }
        }
        let from = (at - window.start) as usize;
        Some(f(&window.bytes[from..from + n]))
    }

    /// The `n` bytes at `at`, read apart from the windows (a part read once, such as a
    /// table's strings); `None` past the end or when the file fails to read.
    pub fn read(&self, at: u64, n: usize) -> Option<Vec<u8>> {
        let end = at.checked_add(n as u64).filter(|&e| e <= self.len)?;
        match &self.source {
            Source::Memory(bytes) => Some(bytes[at as usize..end as usize].to_vec()),
            Source::File(file, path) => {
                use std::io::{Read, Seek, SeekFrom};
                let mut out = vec![0; n];
                let mut reader = file;
                let read = reader
                    .seek(SeekFrom::Start(at))
                    .and_then(|_| reader.read_exact(&mut out));
                match read {
                    Ok(()) => Some(out),
                    Err(e) => {
                        self.failed.borrow_mut().get_or_insert((path.clone(), e));
                        None
                    }
                }
            }
        }
    }

    /// The 32-bit number at `at`, read through window `w`.
    pub fn word(&self, w: usize, at: u64) -> Option<u32> {
        self.with(w, at, 4, |b| word(b, 0))
    }

    /// The first error met reading the file, with its path: a scan that met one is incomplete.
    pub fn failed(&self) -> crate::error::Result<()> {
        match self.failed.borrow_mut().take() {
            Some((path, e)) => Err(crate::error::Error::io(path, e)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes `i` for `i` in `0..n` (so any range names its own contents).
    fn counting(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn packed_arrays_read_back_every_width_and_range() {
        for width_of in [0u32, 1, 3, 7, 8, 13, 21, 31, 32, 47, 56, 64] {
            let mask = if width_of == 64 {
                u64::MAX
            } else {
                (1u64 << width_of) - 1
            };
            // Numbers that fill their width, and some that do not; enough of them that the
            // widest arrays span several windows of a file.
            const N: u64 = 20_000;
            let numbers: Vec<u64> = (0..N)
                .map(|i| match i % 3 {
                    0 => mask,
                    1 => i.wrapping_mul(0x9e37_79b9_7f4a_7c15) & mask,
                    _ => i & mask,
                })
                .collect();
            // Two arrays after a header of 5 bytes, so neither starts on a word.
            let mut bytes = vec![0xAA; 5];
            for _ in 0..2 {
                let mut p = Packer::new(width_of);
                for &x in &numbers {
                    p.put(x, &mut bytes).unwrap();
                }
                p.finish(&mut bytes).unwrap();
            }
            let len = packed_len(N, width_of);
            assert_eq!(bytes.len() as u64, 5 + 2 * len, "width {width_of}");
            // Both arrays, the second at the file's end (its last number reads without
            // padding), in memory and from a file through a window (scans and jumps).
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("packed"), &bytes).unwrap();
            let sources = [
                Blocks::memory(bytes, 1),
                Blocks::open(dir.path(), "packed", 1).unwrap(),
            ];
            for (blocks, at) in sources.iter().flat_map(|b| [(b, 5), (b, 5 + len)]) {
                let array = Packed {
                    at,
                    width: width_of,
                    n: N,
                };
                let ranges = [
                    (0, 300),
                    (0, 1),
                    (17, 96),
                    (5, 5),
                    (9_000, 9_700),
                    (N - 1, N),
                    (3, 7),
                    (0, N),
                ];
                for (first, end) in ranges {
                    let mut got = Vec::new();
                    array
                        .range(blocks, 0, first, end, |i, x| got.push((i, x)))
                        .unwrap();
                    let want: Vec<(usize, u64)> = numbers[first as usize..end as usize]
                        .iter()
                        .copied()
                        .enumerate()
                        .collect();
                    assert!(got == want, "width {width_of}, at {at}, {first}..{end}");
                }
                assert_eq!(array.get(blocks, 0, N - 1), Some(numbers[N as usize - 1]));
                // Past the array: nothing.
                assert_eq!(array.get(blocks, 0, N), None);
                assert!(array.range(blocks, 0, 10, 9, |_, _| ()).is_none());
            }
        }
        assert_eq!((width(0), width(1), width(255), width(256)), (0, 1, 8, 9));
        assert_eq!((width((1 << 56) - 1), width(1 << 56)), (56, 64));
        // Widths tantivy's unpacker cannot read are refused, not a panic.
        for width_of in 57..64 {
            assert!(!readable(width_of));
            let array = Packed {
                at: 0,
                width: width_of,
                n: 1,
            };
            let blocks = Blocks::memory(vec![0xFF; 16], 1);
            assert_eq!(array.get(&blocks, 0, 0), None, "width {width_of}");
        }
        assert!(readable(56) && readable(64));
    }

    #[test]
    fn blocks_read_what_the_file_holds_in_turn_and_by_jumps() {
        let bytes = counting(3 * Blocks::AHEAD + 1000);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.bin"), &bytes).unwrap();
        let file = Blocks::open(dir.path(), "t.bin", 2).unwrap();
        let memory = Blocks::memory(bytes.clone(), 2);
        assert_eq!(file.len(), bytes.len() as u64);
        // In turn through window 0, jumps through window 1, interleaved, across window ends.
        let mut reads: Vec<(usize, u64, usize)> = (0..bytes.len() as u64 - 40)
            .step_by(997)
            .map(|at| (0, at, 37))
            .collect();
        for (i, at) in [150_000u64, 7, 99_999, 65_530, 196_000, 3]
            .into_iter()
            .enumerate()
        {
            reads.insert(3 * i + 1, (1, at, 300));
        }
        for (w, at, n) in reads {
            let want = &bytes[at as usize..at as usize + n];
            for blocks in [&file, &memory] {
                assert_eq!(blocks.with(w, at, n, <[u8]>::to_vec).unwrap(), want);
            }
        }
        // Nothing, through a window that holds nothing yet and through one elsewhere; a read
        // larger than a window, the last bytes, and past the end.
        let end = bytes.len() as u64;
        let fresh = Blocks::open(dir.path(), "t.bin", 1).unwrap();
        assert_eq!(fresh.with(0, 10_812, 0, <[u8]>::len), Some(0));
        assert_eq!(fresh.with(0, 5, 3, <[u8]>::to_vec), Some(vec![5, 6, 7]));
        assert_eq!(fresh.with(0, 150_000, 0, <[u8]>::len), Some(0));
        assert_eq!(fresh.with(0, 1, 0, <[u8]>::len), Some(0));
        for blocks in [&file, &memory] {
            let all = blocks.with(0, 0, bytes.len(), <[u8]>::to_vec).unwrap();
            assert_eq!(all, bytes);
            assert_eq!(blocks.word(1, end - 4), Some(word(&bytes, bytes.len() - 4)));
            assert_eq!(blocks.word(1, end - 3), None);
            assert_eq!(blocks.with(0, end, 1, |_| ()), None);
            assert_eq!(blocks.with(2, 0, 1, |_| ()), None, "no such window");
            assert_eq!(blocks.read(5, 3), Some(bytes[5..8].to_vec()));
            assert_eq!(blocks.read(end, 1), None);
            blocks.failed().unwrap();
        }
    }

    #[test]
    fn blocks_that_fail_to_read_say_so() {
        // A folder opens as a file on Unix but does not read.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("d")).unwrap();
        let Some(blocks) = Blocks::open(dir.path(), "d", 1) else {
            return; // not openable at all here: nothing to report
        };
        if blocks.is_empty() {
            return;
        }
        assert_eq!(blocks.word(0, 0), None);
        let e = blocks.failed().unwrap_err().to_string();
        let path = dir.path().join("d").display().to_string();
        assert!(e.starts_with(&format!("{path}: ")), "{e}");
        // Reported once.
        blocks.failed().unwrap();
    }
}
