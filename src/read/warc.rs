//! The WARC reader: web-archive files (`.warc`, `.warc.gz`, one gzip member per record or one for
//! the whole file), each `response` record holding an HTML page read by the HTML reader.
//!
//! The record's `WARC-Target-URI` is the article's URL (and gives the outlet's domain unless the
//! page names its outlet); `WARC-Date` is when the page was crawled, kept as `crawled`, never as
//! the publication date. HTTP payloads are de-chunked and decompressed (`gzip`, `deflate`);
//! their `charset` is a hint for pages that are not UTF-8. Records that are not responses
//! (`warcinfo`, `request`, `metadata`…), responses that are not HTML or not successful, and
//! malformed records are skipped with their record number; a truncated file ends the source
//! with a skip. A record larger than `--max-record-size` is passed over without being held, and
//! an HTTP body is decompressed to at most that size (a decompression bomb is skipped).

use super::html::parse_page_hinted;
use super::limits::{inflate_capped, read_line_capped, too_large, Line};
use super::{Input, Items, RawArticle, ReadOptions, Reader, Skip};
use std::io::Read;

/// Longest WARC header line kept (longer ones are cut).
const MAX_HEADER_LINE: u64 = 64 << 10;

/// Reads WARC files.
#[derive(Debug, Default, Clone, Copy)]
pub struct WarcReader;

impl Reader for WarcReader {
    fn name(&self) -> &'static str {
        "warc"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["warc"]
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"WARC/")
    }

    fn read(&self, path: &str, input: Input, opts: &ReadOptions) -> Items {
        Box::new(Records {
            path: path.to_string(),
            input: Some(input),
            number: 0,
            cap: opts.max_record,
        })
    }
}

struct Records {
    path: String,
    input: Option<Input>,
    number: usize,
    cap: u64,
}

/// One record's headers (names lowercased) and payload.
struct Record {
    headers: Vec<(String, String)>,
    payload: Vec<u8>,
}

impl Record {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

enum Next {
    End,
    Record(Record),
    /// A malformed record: the reason; reading goes on at the next record.
    Bad(String),
    /// The stream broke: the reason; nothing more can be read.
    Fatal(String),
}

impl Records {
    fn read_record(&mut self) -> Next {
        let Some(input) = self.input.as_mut() else {
            return Next::End;
        };
        // Skip blank lines between records; the version line starts a record.
        let mut line = Vec::new();
        loop {
            match read_line_capped(input, &mut line, MAX_HEADER_LINE) {
                Ok(Line::End) => return Next::End,
                Ok(_) if line.iter().all(|b| b.is_ascii_whitespace()) => continue,
                Ok(_) if line.starts_with(b"WARC/") => break,
                Ok(_) => {
                    // Not at a record: resynchronize on the next version line.
                    if let Err(e) = skip_to_version_line(input, &mut line) {
                        return Next::Fatal(format!("read error: {e}"));
                    }
                    if line.is_empty() {
                        return Next::End;
                    }
                    return Next::Bad("not a WARC record (skipped to the next one)".into());
                }
                Err(e) => return Next::Fatal(format!("read error: {e}")),
            }
        }
        let mut headers = Vec::new();
        loop {
            match read_line_capped(input, &mut line, MAX_HEADER_LINE) {
                Ok(Line::End) => return Next::Fatal("file ends inside a record's headers".into()),
                Ok(_) => {}
                Err(e) => return Next::Fatal(format!("read error: {e}")),
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            if let Some((name, value)) = text.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let length: u64 = match headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
        {
            Some(n) => n,
            None => return Next::Fatal("record without a valid Content-Length".into()),
        };
        if length > self.cap {
            return match std::io::copy(&mut input.take(length), &mut std::io::sink()) {
                Ok(n) if n == length => Next::Bad(too_large(self.cap)),
                Ok(_) => Next::Fatal("file ends inside a record".into()),
                Err(e) => Next::Fatal(format!("read error: {e}")),
            };
        }
        let mut payload = Vec::with_capacity(length as usize);
        match input.take(length).read_to_end(&mut payload) {
            Ok(n) if n as u64 == length => Next::Record(Record { headers, payload }),
            Ok(_) => Next::Fatal("file ends inside a record (truncated)".into()),
            Err(e) => Next::Fatal(format!("read error: {e}")),
        }
    }
}

fn skip_to_version_line(input: &mut Input, line: &mut Vec<u8>) -> std::io::Result<()> {
    loop {
        if read_line_capped(input, line, MAX_HEADER_LINE)? == Line::End {
            line.clear();
            return Ok(());
        }
        if line.starts_with(b"WARC/") {
            return Ok(());
        }
    }
}

impl Iterator for Records {
    type Item = Result<RawArticle, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.read_record();
        self.number += 1;
        let at = format!("{}#{}", self.path, self.number);
        match next {
            Next::End => {
                self.input = None;
                None
            }
            Next::Fatal(reason) => {
                self.input = None;
                Some(Err(Skip::new(
                    at,
                    format!("{reason}; rest of the file lost"),
                )))
            }
            Next::Bad(reason) => Some(Err(Skip::new(at, reason))),
            Next::Record(record) => Some(to_article(&record, at, self.cap)),
        }
    }
}

/// A response record holding an HTML page → the page's article.
fn to_article(record: &Record, at: String, cap: u64) -> Result<RawArticle, Skip> {
    let kind = record.header("warc-type").unwrap_or("(none)");
    if !kind.eq_ignore_ascii_case("response") {
        return Err(Skip::new(at, format!("`{kind}` record, not a response")));
    }
    let url = record
        .header("warc-target-uri")
        .map(|u| u.trim_matches(['<', '>']).to_string());
    let crawled = record
        .header("warc-date")
        .and_then(crate::dates::parse_loose);
    let http = parse_http(&record.payload).map_err(|reason| Skip::new(at.clone(), reason))?;
    if !(200..300).contains(&http.status) {
        return Err(Skip::new(at, format!("HTTP status {}", http.status)));
    }
    let content_type = http
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if !content_type.is_empty() && !content_type.contains("html") {
        let kind = content_type.split(';').next().unwrap_or("").trim();
        return Err(Skip::new(at, format!("response is {kind}, not HTML")));
    }
    let charset = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .next()
        .map(|c| c.trim_matches(['"', '\'']).to_string());
    let body = http
        .body(cap)
        .map_err(|reason| Skip::new(at.clone(), reason))?;
    let page = parse_page_hinted(&body, url.as_deref(), charset.as_deref())
        .map_err(|reason| Skip::new(at.clone(), reason))?;
    let mut article = page.into_article(&at)?;
    article.crawled = crawled;
    Ok(article)
}

/// An HTTP response inside a record.
struct Http<'a> {
    status: u16,
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl Http<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body, de-chunked and decompressed to at most `cap` bytes.
    fn body(&self, cap: u64) -> Result<Vec<u8>, String> {
        let mut body = self.body.to_vec();
        if self
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
        {
            body = dechunk(&body).ok_or("malformed chunked HTTP body")?;
        }
        match self
            .header("content-encoding")
            .map(|e| e.trim().to_ascii_lowercase())
        {
            Some(e) if e == "gzip" || e == "x-gzip" => inflate_capped(
                flate2::read::MultiGzDecoder::new(body.as_slice()),
                cap,
                "HTTP body (gzip)",
            ),
            Some(e) if e == "deflate" => {
                // Meant to be zlib-wrapped, but many servers send raw deflate.
                let zlib = body.len() >= 2
                    && body[0] & 0x0f == 8
                    && u16::from_be_bytes([body[0], body[1]]).is_multiple_of(31);
                if zlib {
                    let zlib = flate2::read::ZlibDecoder::new(body.as_slice());
                    inflate_capped(zlib, cap, "HTTP body (deflate)")
                } else {
                    let raw = flate2::read::DeflateDecoder::new(body.as_slice());
                    inflate_capped(raw, cap, "HTTP body (deflate)")
                }
            }
            Some(e) if e != "identity" && !e.is_empty() => {
                Err(format!("HTTP body encoded as `{e}`"))
            }
            _ => Ok(body),
        }
    }
}

fn parse_http(payload: &[u8]) -> Result<Http<'_>, String> {
    let end = payload
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            payload
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        })
        .ok_or("no HTTP headers in the response record")?;
    let head = String::from_utf8_lossy(&payload[..end.0]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/") {
        return Err("the response record does not hold an HTTP response".into());
    }
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("malformed HTTP status line")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Http {
        status,
        headers,
        body: &payload[end.1..],
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = data.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&data[..nl]).ok()?.trim();
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?;
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n").as_deref(),
            Some(&b"Wikipedia"[..])
        );
        assert_eq!(dechunk(b"zz\r\n"), None);
    }

    #[test]
    fn http_heads_parse() {
        let h =
            parse_http(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\nbody").unwrap();
        assert_eq!(
            (h.status, h.header("content-type"), h.body),
            (404, Some("text/html"), &b"body"[..])
        );
        assert!(parse_http(b"GET / HTTP/1.1\r\n\r\n").is_err());
    }
}
