//! Reading: turn sources into raw article texts, streaming.
//!
//! Owns finding input files (walking folders), choosing a [`Reader`] by extension or by sniffing
//! the content (or as forced with `--format`), undoing gzip compression, decoding bytes to text
//! (`encoding`), mapping the fields that formats record (`record`; dates via `crate::dates`), and the formats
//! themselves: one file per format implementing [`Reader`] (`text`, `json`, `csv`, `html`,
//! `warc`). Must not normalize or interpret the article text: that is later stages' work.
//!
//! Readers stream: they get a [`BufRead`] and return an iterator, so a 228 MB JSON-lines dump is
//! never held in memory whole; one bad record is one [`Skip`], never the end of the source.

pub mod csv;

mod encoding;
pub mod html;
pub mod json;
pub mod limits;
mod paths;
pub mod record;
pub mod skips;
mod text;
pub mod warc;

pub use encoding::{decode, DecodeError, Decoded};
pub use limits::DEFAULT_MAX_RECORD_BYTES;
pub use paths::{label_path, path_label};
pub use record::FieldMap;
pub use text::TextReader;

use crate::model::Sourced;
use chrono::NaiveDate;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// An article as a reader found it: decoded text plus whatever metadata the format carries.
#[derive(Debug, Clone, Default)]
pub struct RawArticle {
    /// Where it came from: a file path, or `file:LINE` / `file#RECORD` for one record of a dump.
    pub path: String,
    /// The decoded text, not yet normalized.
    pub text: String,
    /// The encoding the bytes were decoded from (`UTF-8`, `windows-1252`…).
    pub encoding: &'static str,
    /// True when the source was not UTF-8 and was transcoded.
    pub transcoded: bool,
    /// The URL of the article, when the format records it.
    pub url: Option<String>,
    /// The title, when the format records it (then the text is the body only and no title line
    /// is looked for).
    pub title: Option<Sourced<String>>,
    /// The publication date, when the format records it (provenance `metadata`, `json-ld`…); a
    /// dateline in the text is then not needed.
    pub date: Option<Sourced<NaiveDate>>,
    /// A weaker date (e.g. from the URL path, provenance `url`), used only when neither `date`
    /// nor a dateline in the text gives one.
    pub fallback_date: Option<Sourced<NaiveDate>>,
    /// The outlet, when the format records it.
    pub outlet: Option<Sourced<String>>,
    /// When the page was fetched (e.g. a WARC record's date): never a publication date.
    pub crawled: Option<NaiveDate>,
    /// Problems that did not stop the article from being read (an impossible date dropped…),
    /// reported with the article's path.
    pub warnings: Vec<String>,
    /// Metadata beyond the fields above (see `model::Meta`): a record's other fields, a page's
    /// author, section and keywords.
    pub meta: crate::model::Meta,
}

/// Why a source (or part of it) was skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skip {
    /// The file (or `file:LINE`, `file#RECORD`) that was skipped.
    pub path: String,
    /// Why, in a few words: "empty file", "invalid JSON: …"…
    pub reason: String,
}

impl Skip {
    /// A skip of `path` for `reason`.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Skip {
        Skip {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// What one source gives: articles, or the reason each bad item was skipped, in source order.
pub type Items = Box<dyn Iterator<Item = Result<RawArticle, Skip>> + Send>;

/// A source's bytes, decompressed, as a stream.
pub type Input = Box<dyn BufRead + Send>;

/// Options that change how records are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Explicit field names for structured formats (`--field text=content_original`).
    pub fields: FieldMap,
    /// Largest record read (`--max-record-size`, bytes): a JSON line, CSV row, JSON array
    /// element, HTML page, text file or WARC record (and its decompressed HTTP body) over it is
    /// skipped with its reason.
    pub max_record: u64,
    /// Lines of the file before the stream (a byte range of a JSON-lines file, see
    /// [`open_range`]): records are numbered from the next one, and the stream is read as lines.
    pub lines_before: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            fields: FieldMap::default(),
            max_record: DEFAULT_MAX_RECORD_BYTES,
            lines_before: 0,
        }
    }
}

/// An input format.
pub trait Reader: Sync + Send {
    /// Short name of the format, as `--format` takes it: `text`, `json`, `csv`, `html`, `warc`.
    fn name(&self) -> &'static str;
    /// File name extensions this reader claims when walking folders (lowercase, no dot; a `.gz`
    /// after them is undone transparently).
    fn extensions(&self) -> &'static [&'static str];
    /// Whether the first bytes of a source (after decompression) look like this format.
    fn sniff(&self, _head: &[u8]) -> bool {
        false
    }
    /// Reads one source into articles, lazily; problems are yielded per item so that one bad
    /// record never loses the others. `path` is the source's name, used in paths and reports.
    fn read(&self, path: &str, input: Input, opts: &ReadOptions) -> Items;
}

static TEXT: TextReader = TextReader;
static JSON: json::JsonReader = json::JsonReader;
static CSV: csv::CsvReader = csv::CsvReader;
static HTML: html::HtmlReader = html::HtmlReader;
static WARC: warc::WarcReader = warc::WarcReader;

/// All readers, in order of preference when sniffing.
pub fn readers() -> [&'static dyn Reader; 5] {
    [&WARC, &HTML, &JSON, &CSV, &TEXT]
}

/// The reader named `name` (`--format`), if any.
pub fn reader_named(name: &str) -> Option<&'static dyn Reader> {
    let name = name.to_ascii_lowercase();
    let name = match name.as_str() {
        "jsonl" | "ndjson" => "json",
        "txt" => "text",
        "htm" => "html",
        n => n,
    };
    readers().into_iter().find(|r| r.name() == name)
}

/// True when the file name ends in `.gz`.
pub fn is_gzip_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The reader that claims `path` by its extension (looking through a `.gz`), if any.
pub fn reader_for(path: &Path) -> Option<&'static dyn Reader> {
    let inner = if is_gzip_name(path) {
        Path::new(path.file_stem()?)
    } else {
        path
    };
    let ext = inner.extension()?.to_str()?.to_ascii_lowercase();
    readers()
        .into_iter()
        .find(|r| r.extensions().contains(&ext.as_str()))
}

/// The reader whose format the first bytes look like, or the text reader.
pub fn sniff(head: &[u8]) -> &'static dyn Reader {
    readers()
        .into_iter()
        .find(|r| r.sniff(head))
        .unwrap_or(&TEXT)
}

/// Opens a stream over `read`'s bytes, undoing gzip compression when the bytes start with the
/// gzip magic number (all members of a multi-member file are read). The decompressed stream
/// fails with a reason once it expands beyond [`limits::MAX_GZIP_RATIO`] (a decompression
/// bomb).
pub fn decompress(read: impl Read + Send + 'static) -> std::io::Result<Input> {
    let compressed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = limits::Counted::new(read, compressed.clone());
    let mut buffered = BufReader::with_capacity(64 << 10, counted);
    let head = buffered.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            64 << 10,
            limits::RatioCapped::new(flate2::bufread::MultiGzDecoder::new(buffered), compressed),
        )))
    } else {
        Ok(Box::new(buffered))
    }
}

/// Opens a source's bytes for reading: undoes gzip, and uses `reader`, or chooses one from the
/// first bytes when `None`.
pub fn open(
    read: impl Read + Send + 'static,
    reader: Option<&'static dyn Reader>,
) -> std::io::Result<(&'static dyn Reader, Input)> {
    let mut input = decompress(read)?;
    let reader = match reader {
        Some(r) => r,
        None => sniff(input.fill_buf()?),
    };
    Ok((reader, input))
}

/// Reads one article again as it was first read (decoded, not normalized), given the path it
/// was indexed under: a file, or a record of one (`dump.jsonl:12`, `crawl.warc.gz#3`). The file
/// is read with the reader its name calls for, or by sniffing, and default field mapping.
pub fn reread(path: &str) -> Result<RawArticle, String> {
    let file = if label_path(path).is_file() {
        path
    } else {
        path.rsplit_once([':', '#'])
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map(|(file, _)| file)
            .ok_or_else(|| format!("{path}: no such file"))?
    };
    let file_path = label_path(file);
    let handle = std::fs::File::open(&file_path).map_err(|e| format!("{file}: {e}"))?;
    let (reader, input) =
        open(handle, reader_for(&file_path)).map_err(|e| format!("{file}: {e}"))?;
    reader
        .read(file, input, &ReadOptions::default())
        .filter_map(Result::ok)
        .find(|raw| raw.path == path)
        .ok_or_else(|| format!("{file} no longer holds {path}"))
}

/// Reads up to `n` bytes into `buf` without failing on a short stream: for slurping a source.
pub fn read_all(input: &mut Input, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    input.take(limit).read_to_end(&mut buf)?;
    Ok(buf)
}

/// A file to read, with the reader chosen for it (None: sniff the content when opening).
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// The reader that will read it; None when it must be chosen by sniffing the content.
    pub reader: Option<&'static dyn Reader>,
    /// Only the lines that start in this byte range of an uncompressed JSON-lines file (see
    /// [`open_range`]): a part of a big dump, read by one of several processes.
    pub range: Option<std::ops::Range<u64>>,
}

impl Source {
    /// The source as reported, recorded in a ledger and given back to `ingest`: the file's
    /// label, with `#bytes=START-END` for a range.
    pub fn label(&self) -> String {
        let label = path_label(&self.path);
        match &self.range {
            Some(r) => range_label(&label, r),
            None => label,
        }
    }
}

/// `FILE#bytes=START-END`: the lines of FILE that start in that byte range.
pub fn range_label(file: &str, r: &std::ops::Range<u64>) -> String {
    format!("{file}#bytes={}-{}", r.start, r.end)
}

/// The file and byte range of a [`range_label`].
pub fn parse_range_label(label: &str) -> Option<(&str, std::ops::Range<u64>)> {
    let (file, range) = label.rsplit_once("#bytes=")?;
    let (start, end) = range.split_once('-')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) || !digits(end) {
        return None;
    }
    let (start, end) = (start.parse().ok()?, end.parse().ok()?);
    (start < end).then_some((file, start..end))
}

/// Opens the lines of the file `path` that start in the byte range `range`, and counts the lines
/// before them (so records keep their line numbers in the whole file). A range that starts
/// inside a line begins at the next line; the last line runs past the range's end to its
/// newline. Ranges that tile a file read each of its lines exactly once.
pub fn open_range(
    path: &Path,
    range: &std::ops::Range<u64>,
) -> std::io::Result<(Box<dyn Read + Send>, usize)> {
    use std::io::{Seek, SeekFrom};
    let mut file = BufReader::with_capacity(64 << 10, std::fs::File::open(path)?);
    let mut start = 0u64;
    let mut lines_before = 0usize;
    if range.start > 0 {
        // Count the lines before the range and find where the first line in it starts.
        let mut prefix = (&mut file).take(range.start - 1);
        let mut buf = [0u8; 64 << 10];
        loop {
            let n = prefix.read(&mut buf)?;
            if n == 0 {
                break;
            }
            lines_before += buf[..n].iter().filter(|&&b| b == b'\n').count();
        }
        start = range.start - 1;
        let mut rest = Vec::new();
        start += file.read_until(b'\n', &mut rest)? as u64;
        if rest.last() == Some(&b'\n') {
            lines_before += 1;
        }
    }
    file.seek(SeekFrom::Start(start))?;
    let within = range.end.saturating_sub(start);
    Ok((
        Box::new(RangeLines {
            file,
            left: within,
            done: start >= range.end,
        }),
        lines_before,
    ))
}

/// The bytes of a file from a line start up to the end of the line that holds byte `left - 1`.
struct RangeLines<R> {
    file: R,
    left: u64,
    done: bool,
}

impl<R: BufRead> Read for RangeLines<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.done || out.is_empty() {
            return Ok(0);
        }
        let buf = self.file.fill_buf()?;
        if buf.is_empty() {
            self.done = true;
            return Ok(0);
        }
        let mut n = buf.len().min(out.len());
        if self.left == 0 {
            // Past the range: finish the line under way.
            if let Some(at) = buf[..n].iter().position(|&b| b == b'\n') {
                n = at + 1;
                self.done = true;
            }
        } else {
            n = n.min(usize::try_from(self.left).unwrap_or(usize::MAX));
            self.left -= n as u64;
            if self.left == 0 && buf[n - 1] == b'\n' {
                self.done = true;
            }
        }
        out[..n].copy_from_slice(&buf[..n]);
        self.file.consume(n);
        Ok(n)
    }
}

/// Expands the user's paths into the files to read, sorted, plus the paths that could not be used.
///
/// Folders are walked recursively; only files that a reader claims by extension (through a
/// `.gz`) are taken, and hidden files and folders (names starting with `.`) are passed over.
/// README-like files in a folder (`README`, `LICENSE`, `CHANGELOG`…, any extension) are reported
/// as skipped, not read as articles. A file named explicitly is always read: by its extension, or else by sniffing its content.
/// With `forced`, every file is read with that reader. A FIFO, socket or device (named
/// explicitly, or claimed by extension in a folder) is never opened: it is reported.
pub fn collect_inputs(
    paths: &[PathBuf],
    forced: Option<&'static dyn Reader>,
) -> (Vec<Source>, Vec<Skip>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                // `dump.jsonl#bytes=START-END`: part of a JSON-lines file.
                let ranged = root
                    .to_str()
                    .and_then(parse_range_label)
                    .filter(|(file, _)| Path::new(file).is_file());
                match ranged {
                    Some((file, range)) => inputs.push(Source {
                        path: PathBuf::from(file),
                        reader: Some(forced.unwrap_or(&JSON)),
                        range: Some(range),
                    }),
                    None => problems.push(Skip::new(path_label(root), e.to_string())),
                }
                continue;
            }
        };
        if meta.is_file() {
            inputs.push(Source {
                path: root.clone(),
                reader: forced.or_else(|| reader_for(root)),
                range: None,
            });
            continue;
        }
        if !meta.is_dir() {
            problems.push(Skip::new(path_label(root), not_regular(&meta.file_type())));
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => {
                    if let Some(kind) = project_file(e.path()) {
                        problems.push(Skip::new(
                            path_label(e.path()),
                            format!(
                                "a {kind} file, not an article: not read (name it explicitly to \
                                 read it)"
                            ),
                        ));
                        continue;
                    }
                    if let Some(reader) = reader_for(e.path()) {
                        if e.file_type().is_file() {
                            inputs.push(Source {
                                path: e.into_path(),
                                reader: Some(forced.unwrap_or(reader)),
                                range: None,
                            });
                        } else {
                            problems
                                .push(Skip::new(path_label(e.path()), not_regular(&e.file_type())));
                        }
                    }
                }
                Err(e) => problems.push(Skip::new(
                    path_label(e.path().unwrap_or(root)),
                    e.to_string(),
                )),
            }
        }
    }
    let start = |s: &Source| s.range.as_ref().map(|r| (r.start, r.end));
    inputs.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| start(a).cmp(&start(b))));
    inputs.dedup_by(|a, b| a.path == b.path && a.range == b.range);
    (inputs, problems)
}

/// Names of the files that describe a folder rather than hold an article, in any case, bare or
/// with a documentation extension ([`PROJECT_FILE_EXTENSIONS`]): `README`, `ReadMe.txt`,
/// `LICENSE.md`, `Copying`. A data file that only shares the name (`authors.csv`) is still read.
const PROJECT_FILES: &[&str] = &[
    "README",
    "READ_ME",
    "READ-ME",
    "LICENSE",
    "LICENCE",
    "COPYING",
    "NOTICE",
    "AUTHORS",
    "CONTRIBUTING",
    "CHANGELOG",
    "CODE_OF_CONDUCT",
];

/// Extensions a README-like file may have (lower case).
const PROJECT_FILE_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "rst", "htm", "html"];

/// The kind of a README-like file found in a folder (its name up to the first dot, upper-cased,
/// e.g. `README` for `ReadMe.txt`), or None for any other file.
fn project_file(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    let (stem, extension) = match name.split_once('.') {
        Some((stem, ext)) => (stem, Some(ext.to_ascii_lowercase())),
        None => (name.as_ref(), None),
    };
    let stem = stem.to_ascii_uppercase();
    let documentation = extension
        .as_deref()
        .is_none_or(|e| PROJECT_FILE_EXTENSIONS.contains(&e));
    (documentation && PROJECT_FILES.contains(&stem.as_str())).then_some(stem)
}

/// The reason a path that is neither a file nor a folder is not read.
fn not_regular(kind: &std::fs::FileType) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let what = if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "of an unknown kind"
        };
        format!("not a regular file: {what}, not read")
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        "not a regular file, not read".to_string()
    }
}

/// Reads a whole single-document source (a text file, an HTML page) into bytes, at most
/// `opts.max_record` of them, or the skip.
pub(crate) fn slurp(path: &str, mut input: Input, opts: &ReadOptions) -> Result<Vec<u8>, Skip> {
    let bytes = read_all(&mut input, opts.max_record.saturating_add(1))
        .map_err(|e| Skip::new(path, format!("read error: {e}")))?;
    if bytes.len() as u64 > opts.max_record {
        return Err(Skip::new(path, limits::too_large(opts.max_record)));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reads the range of `path` with the line number of its first line.
    fn part(path: &Path, r: std::ops::Range<u64>) -> (usize, String) {
        let (mut input, before) = open_range(path, &r).unwrap();
        let mut out = String::new();
        input.read_to_string(&mut out).unwrap();
        (before, out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Ranges that tile a file read each of its lines once, in order, and count the lines
        /// before each part: wherever the cuts fall (inside lines, on newlines, in blank lines).
        #[test]
        fn ranges_that_tile_a_file_read_each_line_once(
            lines in proptest::collection::vec("[a-z]{0,12}", 1..30),
            final_newline in any::<bool>(),
            cuts in proptest::collection::vec(0.0f64..1.0, 0..6),
        ) {
            let mut text = lines.join("\n");
            if final_newline {
                text.push('\n');
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("d.jsonl");
            std::fs::write(&path, &text).unwrap();
            let len = text.len() as u64;
            let mut at: Vec<u64> = cuts.iter().map(|c| (c * len as f64) as u64).collect();
            at.extend([0, len]);
            at.sort_unstable();
            at.dedup();
            let mut joined = String::new();
            for w in at.windows(2) {
                let (before, got) = part(&path, w[0]..w[1]);
                prop_assert_eq!(before, joined.matches('\n').count());
                joined.push_str(&got);
            }
            prop_assert_eq!(joined, text);
        }
    }

    #[test]
    fn a_range_label_names_a_file_and_its_bytes() {
        assert_eq!(
            parse_range_label("/a/dump#1.jsonl#bytes=10-200"),
            Some(("/a/dump#1.jsonl", 10..200))
        );
        assert_eq!(range_label("d.jsonl", &(0..5)), "d.jsonl#bytes=0-5");
        for bad in [
            "d.jsonl",
            "d.jsonl#bytes=5-5",
            "d.jsonl#bytes=-5",
            "d.jsonl#bytes=1-x",
        ] {
            assert_eq!(parse_range_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn readme_like_files_are_told_apart_from_data() {
        for name in [
            "README",
            "readme.md",
            "ReadMe.txt",
            "LICENSE",
            "Licence.TXT",
            "COPYING",
        ] {
            assert!(project_file(Path::new(name)).is_some(), "{name}");
        }
        assert_eq!(
            project_file(Path::new("dir/ReadMe.txt")).as_deref(),
            Some("README")
        );
        for name in [
            "authors.csv",
            "readme.jsonl",
            "news.txt",
            "README_2016.txt",
            "notes.md",
        ] {
            assert!(project_file(Path::new(name)).is_none(), "{name}");
        }
    }

    #[test]
    fn readers_are_chosen_through_gz_and_by_name() {
        assert_eq!(
            reader_for(Path::new("a.jsonl.gz")).map(|r| r.name()),
            Some("json")
        );
        assert_eq!(
            reader_for(Path::new("a.CSV")).map(|r| r.name()),
            Some("csv")
        );
        assert!(reader_for(Path::new("a.gz")).is_none());
        assert_eq!(reader_named("NDJSON").map(|r| r.name()), Some("json"));
        assert_eq!(sniff(b"  <!DOCTYPE html>").name(), "html");
        assert_eq!(sniff(b"WARC/1.0\r\n").name(), "warc");
        assert_eq!(
            reader_for(Path::new("a.warc.gz")).map(|r| r.name()),
            Some("warc")
        );
        assert_eq!(
            reader_for(Path::new("a.htm")).map(|r| r.name()),
            Some("html")
        );
        assert_eq!(sniff(b"{\"a\": 1}").name(), "json");
        assert_eq!(sniff(b"Hello").name(), "text");
    }

    /// Every reader survives arbitrary and truncated input: no panic, every item an article or a
    /// skip.
    #[test]
    fn readers_never_panic_on_mangled_input() {
        let samples: [&[u8]; 5] = [
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/2017/11/18/a\r\nContent-Length: 60\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>hi\r\n0\r\n\r\n\r\n\r\n",
            b"<html><head><meta charset=\"x\"><script type=\"application/ld+json\">{\"datePublished\": \"2016-09-2\xc3\xa9\"}</script></head><body><h1>T\xc3\xa9</h1><p>Publi\xc3\xa9 le 3 d\xc3\xa9cembre 2016</p></body></html>",
            b"{\"text\": \"a\", \"date\": {\"$date\": {\"$numberLong\": \"x\"}}}\n[1,\n{\"body\": 3}\n",
            b"a,b,text\n1,\"2\n,3\n\xff\xfe,\"\",\n",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = |n: usize| -> Vec<u8> {
            (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed >> 24) as u8
                })
                .collect()
        };
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for s in samples {
            for cut in 0..=s.len() {
                inputs.push(s[..cut].to_vec());
            }
        }
        for n in [1, 10, 100, 1000] {
            inputs.push(random(n));
        }
        for input in inputs {
            for r in readers() {
                let stream = match decompress(std::io::Cursor::new(input.clone())) {
                    Ok(s) => s,
                    Err(_) => continue,
                };
                for item in r.read("fuzz", stream, &ReadOptions::default()).take(1000) {
                    let _ = item;
                }
            }
        }
    }

    /// Reads `bytes` with every reader: the number of items and the text they hold stay within
    /// a small multiple of the input, whatever it is (and nothing panics).
    fn read_everything(bytes: &[u8], max_record: u64) -> Result<(), TestCaseError> {
        let opts = ReadOptions {
            max_record,
            ..ReadOptions::default()
        };
        // Bounds are relative to the decompressed input: a few gzip bytes may expand to many.
        let plain = match decompress(std::io::Cursor::new(bytes.to_vec())) {
            Ok(mut s) => {
                let mut v = Vec::new();
                let _ =
                    std::io::Read::read_to_end(&mut std::io::Read::take(&mut s, 1 << 24), &mut v);
                v.len().max(bytes.len())
            }
            Err(_) => bytes.len(),
        };
        for r in readers() {
            let Ok(stream) = decompress(std::io::Cursor::new(bytes.to_vec())) else {
                continue;
            };
            let (mut items, mut text) = (0usize, 0usize);
            for item in r.read("fuzz", stream, &opts) {
                items += 1;
                if let Ok(a) = item {
                    text += a.text.len();
                }
                prop_assert!(items <= plain + 2, "{}: {items} items", r.name());
            }
            prop_assert!(
                text <= 8 * plain + 64,
                "{}: {text} bytes of text from {plain}",
                r.name()
            );
        }
        Ok(())
    }

    fn format_prefix() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(Vec::new()),
            Just(
                b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\nHTTP/1.1 200 OK\r\n"
                    .to_vec()
            ),
            Just(b"<!DOCTYPE html><html><body><div><p>".to_vec()),
            Just(b"[{\"text\": \"".to_vec()),
            Just(b"{\"text\": \"a\"}\n{".to_vec()),
            Just(b"title,text\nA,\"".to_vec()),
            Just(vec![0x1f, 0x8b, 0x08, 0x00]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn readers_fed_arbitrary_bytes_stay_bounded(
            prefix in format_prefix(),
            rest in proptest::collection::vec(any::<u8>(), 0..2048),
            small in any::<bool>(),
        ) {
            let mut bytes = prefix;
            bytes.extend(rest);
            read_everything(&bytes, if small { 64 } else { DEFAULT_MAX_RECORD_BYTES })?;
        }
    }

    #[test]
    fn gzip_is_undone_by_magic_number() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"hello").unwrap();
        let bytes = gz.finish().unwrap();
        let mut input = decompress(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(read_all(&mut input, 100).unwrap(), b"hello");
        let mut plain = decompress(std::io::Cursor::new(b"plain".to_vec())).unwrap();
        assert_eq!(read_all(&mut plain, 100).unwrap(), b"plain");
    }
}
