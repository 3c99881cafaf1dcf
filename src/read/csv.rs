//! The CSV reader: one article per row, the header row naming the fields (mapped by `record`).
//!
//! Quoted fields may span lines (the row is named by the line it starts on). A row whose number
//! of fields differs from the header's is skipped with its line number; a read error (a
//! truncated gzip member) ends the source with a skip. Bytes that are not UTF-8 are replaced.
//! A row may hold at most `--max-record-size` bytes: one that grows past it (an unclosed quote
//! swallowing the rest of the file) ends the source with that reason, having held no more than
//! the cap.

use super::limits::too_large;
use super::record::{to_article, FieldMap};
use super::{Input, Items, RawArticle, ReadOptions, Reader, Skip};
use serde_json::{Map, Value};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes the CSV parser may have buffered beyond the row it is reading (its buffer is 8 KiB).
const PARSER_BUFFER: u64 = 64 << 10;

/// The stream under the CSV parser: fails once the row being read grows past the cap.
struct RowCapped {
    input: Input,
    /// Bytes handed to the parser.
    given: u64,
    /// Where the row being read starts (set by [`Rows`] after each row).
    row_start: Arc<AtomicU64>,
    /// Set when the cap was hit.
    hit: Arc<AtomicBool>,
    cap: u64,
}

impl Read for RowCapped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.row_start.load(Ordering::Relaxed);
        if self.given.saturating_sub(start) > self.cap.saturating_add(PARSER_BUFFER) {
            self.hit.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other(too_large(self.cap)));
        }
        let n = self.input.read(buf)?;
        self.given += n as u64;
        Ok(n)
    }
}

/// Reads CSV files with a header row.
#[derive(Debug, Default, Clone, Copy)]
pub struct CsvReader;

impl Reader for CsvReader {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["csv"]
    }

    fn read(&self, path: &str, input: Input, opts: &ReadOptions) -> Items {
        let row_start = Arc::new(AtomicU64::new(0));
        let hit = Arc::new(AtomicBool::new(false));
        let capped = RowCapped {
            input,
            given: 0,
            row_start: row_start.clone(),
            hit: hit.clone(),
            cap: opts.max_record,
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(capped);
        let headers: Vec<String> = match reader.byte_headers() {
            Err(_) if hit.load(Ordering::Relaxed) => {
                return Box::new(std::iter::once(Err(Skip::new(
                    path,
                    format!("header row: {}", too_large(opts.max_record)),
                ))))
            }
            Ok(h) => h
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect(),
            Err(e) => {
                return Box::new(std::iter::once(Err(Skip::new(
                    path,
                    format!("no header row: {e}"),
                ))))
            }
        };
        if headers.iter().all(|h| h.is_empty()) {
            return Box::new(std::iter::once(Err(Skip::new(path, "empty file"))));
        }
        row_start.store(reader.position().byte(), Ordering::Relaxed);
        Box::new(Rows {
            path: path.to_string(),
            reader,
            headers,
            fields: opts.fields.clone(),
            record: csv::ByteRecord::new(),
            done: false,
            row_start,
            hit,
        })
    }
}

struct Rows {
    path: String,
    reader: csv::Reader<RowCapped>,
    headers: Vec<String>,
    fields: FieldMap,
    record: csv::ByteRecord,
    done: bool,
    row_start: Arc<AtomicU64>,
    hit: Arc<AtomicBool>,
}

impl Iterator for Rows {
    type Item = Result<RawArticle, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let line_of = |pos: Option<&csv::Position>| pos.map(|p| p.line()).unwrap_or(0);
        let row_line = self.reader.position().line();
        let read = self.reader.read_byte_record(&mut self.record);
        self.row_start
            .store(self.reader.position().byte(), Ordering::Relaxed);
        match read {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let at = format!("{}:{}", self.path, line_of(self.record.position()));
                if self.record.len() != self.headers.len() {
                    return Some(Err(Skip::new(
                        at,
                        format!(
                            "row has {} fields, the header has {}",
                            self.record.len(),
                            self.headers.len()
                        ),
                    )));
                }
                let map: Map<String, Value> = self
                    .headers
                    .iter()
                    .zip(self.record.iter())
                    .map(|(h, v)| {
                        (
                            h.clone(),
                            Value::String(String::from_utf8_lossy(v).into_owned()),
                        )
                    })
                    .collect();
                Some(to_article(&map, &self.fields, at))
            }
            Err(_) if self.hit.load(Ordering::Relaxed) => {
                self.done = true;
                Some(Err(Skip::new(
                    format!("{}:{row_line}", self.path),
                    format!(
                        "{}, rest of the source lost (an unclosed quote?)",
                        too_large(self.reader.get_ref().cap)
                    ),
                )))
            }
            Err(e) => {
                let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                let at = format!("{}:{}", self.path, line_of(e.position()));
                self.done = fatal;
                Some(Err(Skip::new(
                    at,
                    if fatal {
                        format!("read error, rest of the source lost: {e}")
                    } else {
                        format!("invalid CSV: {e}")
                    },
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_fields_and_wrong_field_counts() {
        let csv = "id,title,content\n1,A,\"first line\nsecond line\"\n2,B\n3,C,\"third\"\n";
        let items: Vec<_> = CsvReader
            .read("f.csv", Box::new(csv.as_bytes()), &ReadOptions::default())
            .collect();
        assert_eq!(items.len(), 3);
        let a = items[0].as_ref().unwrap();
        assert_eq!(
            (a.path.as_str(), a.text.as_str()),
            ("f.csv:2", "first line\nsecond line")
        );
        let bad = items[1].as_ref().unwrap_err();
        assert_eq!(bad.path, "f.csv:4");
        assert!(bad.reason.contains("2 fields"), "{}", bad.reason);
        assert_eq!(
            items[2].as_ref().unwrap().title.as_ref().unwrap().value,
            "C"
        );
    }

    #[test]
    fn a_row_over_the_cap_ends_the_source_without_being_held() {
        let opts = ReadOptions {
            max_record: 1000,
            ..ReadOptions::default()
        };
        let csv = format!("title,text\nA,\"fine\"\nB,\"{}", "y".repeat(1 << 20));
        let items: Vec<_> = CsvReader
            .read(
                "f.csv",
                Box::new(std::io::Cursor::new(csv.into_bytes())),
                &opts,
            )
            .collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().text, "fine");
        let bad = items[1].as_ref().unwrap_err();
        assert_eq!(bad.path, "f.csv:3");
        assert!(bad.reason.contains("unclosed quote"), "{}", bad.reason);
    }
}
