//! The JSON reader: `.jsonl`/`.ndjson` (one object per line) and `.json` (one object per line,
//! an array of objects, or one object), each article a record mapped by `record`.
//!
//! Lines are read one at a time, so a dump of any size streams. An invalid line is skipped with
//! its line number; a read error (a truncated gzip member) ends the source with a skip that says
//! at which line. A `.json` array is parsed whole (such files are written by tools that hold
//! them in memory anyway); a single pretty-printed object is detected when its first line is
//! not a complete object.

use super::record::{to_article, FieldMap};
use super::{Input, Items, RawArticle, ReadOptions, Reader, Skip};
use serde_json::Value;
use std::io::{BufRead, Read};

/// Largest `.json` array or single object read whole.
const MAX_WHOLE_BYTES: u64 = 1 << 30;

/// Reads JSON-lines, JSON arrays and single JSON objects.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonReader;

impl Reader for JsonReader {
    fn name(&self) -> &'static str {
        "json"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["jsonl", "ndjson", "json"]
    }

    fn sniff(&self, head: &[u8]) -> bool {
        matches!(
            head.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{') | Some(b'[')
        )
    }

    fn read(&self, path: &str, mut input: Input, opts: &ReadOptions) -> Items {
        let first = match input.fill_buf() {
            Ok(head) => head.iter().copied().find(|b| !b.is_ascii_whitespace()),
            Err(e) => return one(Err(Skip::new(path, format!("read error: {e}")))),
        };
        match first {
            None => one(Err(Skip::new(path, "empty file"))),
            Some(b'[') => whole(path, input, Vec::new(), &opts.fields),
            _ => Box::new(Lines {
                path: path.to_string(),
                input: Some(input),
                line: 0,
                buf: Vec::new(),
                fields: opts.fields.clone(),
                // A `.jsonl`/`.ndjson` file is lines whatever its first line looks like.
                lines_only: is_lines_name(path),
                pending: None,
            }),
        }
    }
}

/// True for `.jsonl`/`.ndjson` names (also gzipped).
fn is_lines_name(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let p = p.strip_suffix(".gz").unwrap_or(&p);
    p.ends_with(".jsonl") || p.ends_with(".ndjson")
}

fn one(item: Result<RawArticle, Skip>) -> Items {
    Box::new(std::iter::once(item))
}

/// Parses the rest of `input` (after `prefix`) as one JSON document: an array of records or one
/// record.
fn whole(path: &str, input: Input, prefix: Vec<u8>, fields: &FieldMap) -> Items {
    let mut bytes = prefix;
    if let Err(e) = input.take(MAX_WHOLE_BYTES).read_to_end(&mut bytes) {
        return one(Err(Skip::new(path, format!("read error: {e}"))));
    }
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return one(Err(Skip::new(path, format!("invalid JSON: {e}")))),
    };
    match value {
        Value::Array(items) => {
            let path = path.to_string();
            let fields = fields.clone();
            Box::new(items.into_iter().enumerate().map(move |(i, v)| {
                let at = format!("{path}#{}", i + 1);
                match v {
                    Value::Object(m) => to_article(&m, &fields, at),
                    other => Err(Skip::new(at, format!("not an object but {}", kind(&other)))),
                }
            }))
        }
        Value::Object(m) => one(to_article(&m, fields, path.to_string())),
        other => one(Err(Skip::new(
            path,
            format!("not an object but {}", kind(&other)),
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One object per line.
struct Lines {
    path: String,
    input: Option<Input>,
    line: usize,
    buf: Vec<u8>,
    fields: FieldMap,
    /// No whole-document fallback: the file is JSON lines (by name, or an object was read).
    lines_only: bool,
    /// Items of a whole-document fallback, drained after the switch.
    pending: Option<Items>,
}

impl Iterator for Lines {
    type Item = Result<RawArticle, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(p) = &mut self.pending {
            return p.next();
        }
        loop {
            let input = self.input.as_mut()?;
            self.buf.clear();
            match input.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    self.input = None;
                    return None;
                }
                Ok(_) => self.line += 1,
                Err(e) => {
                    self.input = None;
                    return Some(Err(Skip::new(
                        format!("{}:{}", self.path, self.line + 1),
                        format!("read error, rest of the source lost: {e}"),
                    )));
                }
            }
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let at = format!("{}:{}", self.path, self.line);
            return Some(match serde_json::from_slice::<Value>(&self.buf) {
                Ok(Value::Object(m)) => {
                    self.lines_only = true;
                    to_article(&m, &self.fields, at)
                }
                Ok(other) => Err(Skip::new(at, format!("not an object but {}", kind(&other)))),
                Err(e) if e.is_eof() && !self.lines_only && self.line == 1 => {
                    // A pretty-printed single object: parse the whole source as one document.
                    let input = self.input.take()?;
                    let prefix = std::mem::take(&mut self.buf);
                    let mut items = whole(&self.path, input, prefix, &self.fields);
                    let first = items.next();
                    self.pending = Some(items);
                    return first;
                }
                Err(e) => Err(Skip::new(at, format!("invalid JSON: {e}"))),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &'static str) -> Vec<Result<RawArticle, Skip>> {
        JsonReader
            .read("f.json", Box::new(s.as_bytes()), &ReadOptions::default())
            .collect()
    }

    #[test]
    fn a_jsonl_file_with_a_broken_first_line_keeps_the_others() {
        let items: Vec<_> = JsonReader
            .read(
                "f.jsonl.gz",
                Box::new(&b"{\"text\": \"cut\n{\"text\": \"ok\"}\n"[..]),
                &ReadOptions::default(),
            )
            .collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_err() && items[1].is_ok());
    }

    #[test]
    fn lines_array_and_single_object() {
        let lines =
            read("{\"text\": \"a\"}\n\n{bad\n[1]\n{\"text\": \"b\", \"date\": \"2050-01-01\"}\n");
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].as_ref().unwrap().path, "f.json:1");
        let bad = lines[1].as_ref().unwrap_err();
        assert_eq!(bad.path, "f.json:3");
        assert!(bad.reason.starts_with("invalid JSON"), "{}", bad.reason);
        assert!(lines[2].as_ref().unwrap_err().reason.contains("an array"));
        let b = lines[3].as_ref().unwrap();
        assert!(b.date.is_none() && b.warnings[0].contains("impossible"));

        let array = read(" [ {\"body\": \"x\"}, 3 ]");
        assert_eq!(array[0].as_ref().unwrap().path, "f.json#1");
        assert_eq!(array[1].as_ref().unwrap_err().path, "f.json#2");

        let single = read("{\n  \"title\": \"T\",\n  \"text\": \"body\"\n}\n");
        assert_eq!(single.len(), 1);
        assert_eq!(single[0].as_ref().unwrap().text, "body");
        assert_eq!(single[0].as_ref().unwrap().path, "f.json");
    }
}
