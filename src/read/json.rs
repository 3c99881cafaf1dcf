//! The JSON reader: `.jsonl`/`.ndjson` (one object per line) and `.json` (one object per line,
//! an array of objects, or one object), each article a record mapped by `record`.
//!
//! Lines are read one at a time, so a dump of any size streams. An invalid line is skipped with
//! its line number; a read error (a truncated gzip member) ends the source with a skip that says
//! at which line. A `.json` array streams too: its elements are cut apart by a scan of the bytes
//! (strings and nesting tracked) and parsed one at a time, so an invalid element is skipped with
//! its number and the others are kept. A single pretty-printed object is detected when its first
//! line is not a complete object. A line, element or object larger than `--max-record-size` is
//! skipped without being held: only the cap's worth of bytes is ever in memory.

use super::limits::{read_line_capped, too_large, Line};
use super::record::{to_article, FieldMap};
use super::{Input, Items, RawArticle, ReadOptions, Reader, Skip};
use serde_json::Value;
use std::io::{BufRead, Read};

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
            Some(b'[') => Box::new(Elements {
                path: path.to_string(),
                input: Some(input),
                number: 0,
                started: false,
                buf: Vec::new(),
                fields: opts.fields.clone(),
                cap: opts.max_record,
            }),
            _ => Box::new(Lines {
                path: path.to_string(),
                input: Some(input),
                line: opts.lines_before,
                buf: Vec::new(),
                fields: opts.fields.clone(),
                cap: opts.max_record,
                // A `.jsonl`/`.ndjson` file is lines whatever its first line looks like.
                lines_only: is_lines_name(path) || opts.lines_before > 0,
                pending: None,
            }),
        }
    }
}

/// True for `.jsonl`/`.ndjson` names (also gzipped).
pub(crate) fn is_lines_name(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let p = p.strip_suffix(".gz").unwrap_or(&p);
    p.ends_with(".jsonl") || p.ends_with(".ndjson")
}

fn one(item: Result<RawArticle, Skip>) -> Items {
    Box::new(std::iter::once(item))
}

/// Parses the rest of `input` (after `prefix`) as one JSON object, at most `cap` bytes of it.
fn whole(path: &str, input: Input, prefix: Vec<u8>, fields: &FieldMap, cap: u64) -> Items {
    let mut bytes = prefix;
    let room = cap.saturating_add(1).saturating_sub(bytes.len() as u64);
    if let Err(e) = input.take(room).read_to_end(&mut bytes) {
        return one(Err(Skip::new(path, format!("read error: {e}"))));
    }
    if bytes.len() as u64 > cap {
        return one(Err(Skip::new(path, too_large(cap))));
    }
    one(match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => to_article(&m, fields, path.to_string()),
        Ok(other) => Err(Skip::new(
            path,
            format!("not an object but {}", kind(&other)),
        )),
        Err(e) => Err(Skip::new(path, format!("invalid JSON: {e}"))),
    })
}

/// The elements of a JSON array, one at a time.
struct Elements {
    path: String,
    input: Option<Input>,
    /// Elements read so far.
    number: usize,
    /// True once the opening `[` was consumed.
    started: bool,
    buf: Vec<u8>,
    fields: FieldMap,
    cap: u64,
}

/// How the bytes of one array element ended.
enum Cut {
    /// At a `,`: more elements follow.
    Comma,
    /// At the closing `]`.
    Close,
    /// The stream ended inside the array.
    Eof,
}

impl Elements {
    /// Reads the next element's bytes into `buf` (at most `cap` of them; `true` when it was
    /// longer), up to the `,` or `]` that ends it at nesting level 0.
    fn cut(&mut self) -> std::io::Result<(Cut, bool)> {
        let input = self.input.as_mut().expect("reading a finished array");
        self.buf.clear();
        let cap = usize::try_from(self.cap).unwrap_or(usize::MAX);
        let mut too_long = false;
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        while !self.started {
            let chunk = input.fill_buf()?;
            if chunk.is_empty() {
                return Ok((Cut::Eof, false));
            }
            match chunk.iter().position(|&b| b == b'[') {
                Some(i) => {
                    input.consume(i + 1);
                    self.started = true;
                }
                None => {
                    let n = chunk.len();
                    input.consume(n);
                }
            }
        }
        loop {
            let chunk = input.fill_buf()?;
            if chunk.is_empty() {
                return Ok((Cut::Eof, too_long));
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                if in_string {
                    match (escaped, b) {
                        (true, _) => escaped = false,
                        (false, b'\\') => escaped = true,
                        (false, b'"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' if depth > 0 => depth -= 1,
                    b']' => {
                        end = Some((i, Cut::Close));
                        break;
                    }
                    b',' if depth == 0 => {
                        end = Some((i, Cut::Comma));
                        break;
                    }
                    _ => {}
                }
            }
            let take = end.as_ref().map_or(chunk.len(), |(i, _)| *i);
            let room = cap.saturating_sub(self.buf.len());
            too_long |= take > room;
            self.buf.extend_from_slice(&chunk[..take.min(room)]);
            match end {
                Some((_, cut)) => {
                    input.consume(take + 1);
                    return Ok((cut, too_long));
                }
                None => input.consume(take),
            }
        }
    }
}

impl Iterator for Elements {
    type Item = Result<RawArticle, Skip>;

    fn next(&mut self) -> Option<Self::Item> {
        self.input.as_ref()?;
        let read = self.cut();
        let at = format!("{}#{}", self.path, self.number + 1);
        let (cut, too_long) = match read {
            Ok(r) => r,
            Err(e) => {
                self.input = None;
                return Some(Err(Skip::new(
                    at,
                    format!("read error, rest of the source lost: {e}"),
                )));
            }
        };
        if !matches!(cut, Cut::Comma) {
            self.input = None;
        }
        let truncated = || {
            Err(Skip::new(
                at.clone(),
                "file ends inside the array (truncated?)",
            ))
        };
        if self.buf.iter().all(|b| b.is_ascii_whitespace()) && !too_long {
            return match cut {
                // `[]`, or a trailing comma: nothing there.
                Cut::Close => None,
                Cut::Eof => Some(truncated()),
                Cut::Comma => {
                    self.number += 1;
                    Some(Err(Skip::new(at, "empty array element")))
                }
            };
        }
        self.number += 1;
        if too_long {
            return Some(Err(Skip::new(at, too_large(self.cap))));
        }
        Some(match (serde_json::from_slice::<Value>(&self.buf), cut) {
            (Ok(Value::Object(m)), _) => to_article(&m, &self.fields, at),
            (Ok(other), _) => Err(Skip::new(at, format!("not an object but {}", kind(&other)))),
            (Err(_), Cut::Eof) => truncated(),
            (Err(e), _) => Err(Skip::new(at, format!("invalid JSON: {e}"))),
        })
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
    cap: u64,
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
            let too_long = match read_line_capped(input, &mut self.buf, self.cap) {
                Ok(Line::End) => {
                    self.input = None;
                    return None;
                }
                Ok(line) => {
                    self.line += 1;
                    line == Line::TooLong
                }
                Err(e) => {
                    self.input = None;
                    return Some(Err(Skip::new(
                        format!("{}:{}", self.path, self.line + 1),
                        format!("read error, rest of the source lost: {e}"),
                    )));
                }
            };
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let at = format!("{}:{}", self.path, self.line);
            if too_long {
                self.lines_only = true;
                return Some(Err(Skip::new(at, too_large(self.cap))));
            }
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
                    let mut items = whole(&self.path, input, prefix, &self.fields, self.cap);
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

    #[test]
    fn array_elements_are_cut_apart_with_strings_and_nesting_respected() {
        let opts = ReadOptions {
            max_record: 60,
            ..ReadOptions::default()
        };
        let src = "[{\"text\": \"a, ] } [ \\\" b\", \"tags\": [1, {\"x\": []}]},\n {\"text\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}, {\"text\": \"c\"} ] trailing";
        let items: Vec<_> = JsonReader
            .read("f.json", Box::new(src.as_bytes()), &opts)
            .collect();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().text, "a, ] } [ \" b");
        let big = items[1].as_ref().unwrap_err();
        assert_eq!(
            (big.path.as_str(), big.reason.as_str()),
            (
                "f.json#2",
                "record larger than 60 bytes (--max-record-size)"
            )
        );
        assert_eq!(items[2].as_ref().unwrap().path, "f.json#3");
        assert!(read("[]").is_empty());
        let cut = read("[{\"text\": \"a\"}, {\"te");
        assert_eq!(
            cut[1].as_ref().unwrap_err().reason,
            "file ends inside the array (truncated?)"
        );
    }

    #[test]
    fn a_line_over_the_cap_is_skipped_and_the_next_read() {
        let opts = ReadOptions {
            max_record: 16,
            ..ReadOptions::default()
        };
        let src = "{\"text\": \"a long line over the cap\"}\n{\"text\": \"ok\"}\n";
        let items: Vec<_> = JsonReader
            .read("f.jsonl", Box::new(src.as_bytes()), &opts)
            .collect();
        assert_eq!(items[0].as_ref().unwrap_err().path, "f.jsonl:1");
        assert_eq!(items[1].as_ref().unwrap().text, "ok");
    }
}
