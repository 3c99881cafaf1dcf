//! Limits on what one source or record may cost, so that an ingest stays within bounded memory
//! and time whatever the input: the per-record size cap (`--max-record-size`), the decompression
//! caps (gzip files, HTTP bodies inside WARC records), line reading that never holds more than
//! the cap, and the HTML pre-checks (binary content, nesting depth) run before a page is parsed.
//!
//! Owns only the checks and the capped reading; readers decide what a record is and report the
//! skip with its reason. Must not parse formats.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Default cap on one record (a JSON line, a CSV row, a JSON array element, an HTML page, a
/// text file, a WARC record and its decompressed HTTP body): 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 16 << 20;

/// A gzip stream may expand at most this many times its compressed size…
pub const MAX_GZIP_RATIO: u64 = 100;

/// …once it has produced this many bytes (small streams may expand more: a file of one
/// repeated line compresses ~1000:1).
pub const GZIP_RATIO_FLOOR: u64 = 64 << 20;

/// Deepest element nesting of an HTML page that is parsed (counting elements that need an end
/// tag). Readability extraction is quadratic in the depth: 10,000 nested `<div>`s take seconds,
/// 100,000 minutes; real pages stay well below 100.
pub const MAX_HTML_DEPTH: usize = 1000;

/// `n` bytes in MiB for messages (`16 MB`).
pub fn megabytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// The reason given for a record over the cap.
pub fn too_large(cap: u64) -> String {
    format!("record larger than {} (--max-record-size)", megabytes(cap))
}

/// One line read by [`read_line_capped`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// The stream had ended: nothing was read.
    End,
    /// A line (with its `\n`, unless the stream ended) is in the buffer.
    Whole,
    /// The line was longer than the cap: the buffer holds its first `cap` bytes, the rest was
    /// read and dropped.
    TooLong,
}

/// Reads one line into `buf` (cleared first), keeping at most `cap` bytes of it: the rest of a
/// longer line is consumed and dropped, so a 600 MB line costs `cap` bytes of memory.
pub fn read_line_capped(input: &mut dyn BufRead, buf: &mut Vec<u8>, cap: u64) -> io::Result<Line> {
    buf.clear();
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut any = false;
    let mut too_long = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        if take > room {
            too_long = true;
        }
        buf.extend_from_slice(&chunk[..take.min(room)]);
        input.consume(take);
        if done {
            break;
        }
    }
    Ok(match (any, too_long) {
        (false, _) => Line::End,
        (true, false) => Line::Whole,
        (true, true) => Line::TooLong,
    })
}

/// Counts the bytes read through it into a shared counter.
pub struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> Counted<R> {
    /// `inner`, counting into `count`.
    pub fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        Counted { inner, count }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decompressing stream that fails (an `InvalidData` error naming the cap) once its output
/// exceeds [`MAX_GZIP_RATIO`] times the compressed bytes read so far, past
/// [`GZIP_RATIO_FLOOR`]: a decompression bomb ends its source with a reason instead of the
/// ingest.
pub struct RatioCapped<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    out: u64,
}

impl<R> RatioCapped<R> {
    /// `inner`'s output, checked against the compressed byte count `compressed`.
    pub fn new(inner: R, compressed: Arc<AtomicU64>) -> Self {
        RatioCapped {
            inner,
            compressed,
            out: 0,
        }
    }
}

impl<R: Read> Read for RatioCapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let compressed = self.compressed.load(Ordering::Relaxed).max(1);
        if self.out > GZIP_RATIO_FLOOR && self.out > compressed.saturating_mul(MAX_GZIP_RATIO) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "gzip stream expands more than {MAX_GZIP_RATIO} times ({} from {}): a \
                     decompression bomb?",
                    megabytes(self.out),
                    megabytes(compressed)
                ),
            ));
        }
        Ok(n)
    }
}

/// Decompresses all of `reader` into memory, at most `cap` bytes: the reason otherwise (`what`
/// names the stream, e.g. `HTTP body`).
pub fn inflate_capped(mut reader: impl Read, cap: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    (&mut reader)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("{what}: {e}"))?;
    if out.len() as u64 > cap {
        return Err(format!(
            "{what} expands beyond {} (--max-record-size): a decompression bomb?",
            megabytes(cap)
        ));
    }
    Ok(out)
}

/// Checks a page's bytes before it is parsed: binary content (NUL bytes, which no HTML page
/// holds outside UTF-16) and the element nesting depth (see [`MAX_HTML_DEPTH`]). The reason
/// when the page must be skipped.
pub fn check_html(bytes: &[u8]) -> Result<(), String> {
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if !utf16 {
        let nuls = bytes.iter().filter(|&&b| b == 0).count();
        if nuls > 0 {
            return Err(format!(
                "binary file ({nuls} NUL bytes in {}), not HTML",
                megabytes(bytes.len() as u64)
            ));
        }
    }
    let depth = nesting_depth(bytes, MAX_HTML_DEPTH + 1);
    if depth > MAX_HTML_DEPTH {
        return Err(format!(
            "HTML nested more than {MAX_HTML_DEPTH} elements deep"
        ));
    }
    Ok(())
}

/// Elements whose end tag is optional or that have none: they are not counted as nesting, so
/// an old page's unclosed `<p>`s and `<li>`s never look deep.
const UNCOUNTED: &[&[u8]] = &[
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"keygen",
    b"basefont",
    b"frame",
    b"isindex",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"option",
    b"optgroup",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"caption",
    b"rt",
    b"rp",
    b"rb",
    b"rtc",
    b"html",
    b"head",
    b"body",
    b"!doctype",
];

/// Elements whose content is raw text (their tags inside are not markup).
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"plaintext",
];

/// An estimate of the page's deepest element nesting, by a linear scan of its tags (elements
/// that need an end tag; comments and raw-text elements passed over); stops counting at `stop`.
pub fn nesting_depth(bytes: &[u8], stop: usize) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find_ignore_case(bytes, i + 3, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + closing as usize;
        let len = bytes[start..]
            .iter()
            .take(32)
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'!' | b':' | b'_'))
            .count();
        if len == 0 {
            continue;
        }
        let name = bytes[start..start + len].to_ascii_lowercase();
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |e| start + e);
        let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
        i = (end + 1).min(bytes.len());
        if UNCOUNTED.contains(&name.as_slice()) || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if RAW_TEXT.contains(&name.as_slice()) {
            let mut close = b"</".to_vec();
            close.extend_from_slice(&name);
            i = find_ignore_case(bytes, i, &close).unwrap_or(bytes.len());
        } else {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest >= stop {
                return deepest;
            }
        }
    }
    deepest
}

fn find_ignore_case(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_and_consumed() {
        let mut input: &[u8] = b"short\nxxxxxxxxxxxxxxxxxxxx\nlast";
        let mut buf = Vec::new();
        assert_eq!(
            read_line_capped(&mut input, &mut buf, 8).unwrap(),
            Line::Whole
        );
        assert_eq!(buf, b"short\n");
        assert_eq!(
            read_line_capped(&mut input, &mut buf, 8).unwrap(),
            Line::TooLong
        );
        assert_eq!(buf.len(), 8);
        assert_eq!(
            read_line_capped(&mut input, &mut buf, 8).unwrap(),
            Line::Whole
        );
        assert_eq!(buf, b"last");
        assert_eq!(
            read_line_capped(&mut input, &mut buf, 8).unwrap(),
            Line::End
        );
    }

    #[test]
    fn nesting_counts_only_elements_that_need_an_end_tag() {
        let deep = format!(
            "<html><body>{}<p>x{}",
            "<div>".repeat(50),
            "</div>".repeat(50)
        );
        assert_eq!(nesting_depth(deep.as_bytes(), usize::MAX), 50);
        let flat = "<ul>".to_string() + &"<li><p>item<br><img src=x>".repeat(5000) + "</ul>";
        assert_eq!(nesting_depth(flat.as_bytes(), usize::MAX), 1);
        let hidden = "<script>if (a<b) { x = '<div><div>'; }</script><!-- <div><div> --><div/>";
        assert_eq!(nesting_depth(hidden.as_bytes(), usize::MAX), 0);
        let bomb = "<div>".repeat(100_000);
        assert!(check_html(bomb.as_bytes())
            .unwrap_err()
            .contains("nested more than 1000"));
    }

    #[test]
    fn nul_bytes_are_binary_unless_utf16() {
        assert!(check_html(b"<html>\0\0\0</html>")
            .unwrap_err()
            .starts_with("binary file"));
        assert!(check_html(b"\xFF\xFE<\0h\0").is_ok());
    }

    #[test]
    fn bodies_are_inflated_up_to_the_cap() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&vec![b'a'; 10_000]).unwrap();
        let bytes = gz.finish().unwrap();
        let body = |cap| inflate_capped(flate2::read::GzDecoder::new(&bytes[..]), cap, "HTTP body");
        assert_eq!(body(10_000).unwrap().len(), 10_000);
        assert!(body(9_999)
            .unwrap_err()
            .contains("expands beyond 9999 bytes"));
    }
}
