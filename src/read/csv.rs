//! The CSV reader: one article per row, the header row naming the fields (mapped by `record`).
//!
//! Quoted fields may span lines (the row is named by the line it starts on). A row whose number
//! of fields differs from the header's is skipped with its line number; a read error (a
//! truncated gzip member) ends the source with a skip. Bytes that are not UTF-8 are replaced.

use super::record::{to_article, FieldMap};
use super::{Input, Items, RawArticle, ReadOptions, Reader, Skip};
use serde_json::{Map, Value};

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
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let headers: Vec<String> = match reader.byte_headers() {
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
        Box::new(Rows {
            path: path.to_string(),
            reader,
            headers,
            fields: opts.fields.clone(),
            record: csv::ByteRecord::new(),
            done: false,
        })
    }
}

struct Rows {
    path: String,
    reader: csv::Reader<Input>,
    headers: Vec<String>,
    fields: FieldMap,
    record: csv::ByteRecord,
    done: bool,
}

impl Iterator for Rows {
    type Item = Result<RawArticle, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let line_of = |pos: Option<&csv::Position>| pos.map(|p| p.line()).unwrap_or(0);
        match self.reader.read_byte_record(&mut self.record) {
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
}
