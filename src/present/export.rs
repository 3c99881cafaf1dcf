//! Export rows written as CSV or JSON Lines: the one writer behind `morgue export` and the
//! server's `/api/export`, so both give the same columns and the same escaping.
//!
//! CSV has a header line of the column names ([`columns`]); a cell that a spreadsheet would run as a formula is
//! neutralized unless raw cells are asked for ([`super::safe::csv_cell`]). JSON Lines writes one
//! object per row with the same keys in the same order, with the control characters serde
//! leaves raw escaped. The library's [`ExportRow`] has no output shape of its own: both are
//! declared here.

use super::safe;
use crate::lookup::export::ExportRow;
use std::io::Write;

/// How a row's cell of one CSV column is written (before formulas are neutralized).
type Cell = fn(&ExportRow) -> String;

/// The CSV columns, in order, each with its cell: the header and the cells come from this one
/// table, so they cannot drift apart. The names are the JSON Lines keys ([`JsonRow`]).
const COLUMNS: [(&str, Cell); 13] = [
    ("rank", |r| r.rank.to_string()),
    ("article_id", |r| r.summary.article_id.to_string()),
    ("title", |r| r.summary.title.clone()),
    ("outlet", |r| r.summary.outlet.clone().unwrap_or_default()),
    ("date", |r| {
        r.summary.date.map(|d| d.to_string()).unwrap_or_default()
    }),
    ("date_source", |r| r.date_source.clone().unwrap_or_default()),
    ("url", |r| r.summary.url.clone().unwrap_or_default()),
    ("path", |r| {
        r.summary.paths.first().cloned().unwrap_or_default()
    }),
    ("passage", |r| {
        r.passage.map(|p| p.to_string()).unwrap_or_default()
    }),
    ("text", |r| r.text.clone().unwrap_or_default()),
    ("score", |r| format!("{:.4}", r.score)),
    ("authors", |r| r.authors.join("; ")),
    ("meta", |r| meta_cell(&r.meta)),
];

/// The CSV header: the column names, in order.
pub fn columns() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().map(|c| c.0)
}

/// One JSON Lines object: the CSV columns as keys, in the same order, with JSON values (`null`
/// for what is unknown, `authors` a list, `meta` an object of lists by key).
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    rank: usize,
    article_id: crate::model::ArticleId,
    title: &'a str,
    outlet: Option<&'a str>,
    date: Option<chrono::NaiveDate>,
    date_source: Option<&'a str>,
    url: Option<&'a str>,
    path: Option<&'a str>,
    passage: Option<u32>,
    text: Option<&'a str>,
    score: f32,
    authors: &'a [String],
    #[serde(serialize_with = "crate::index::meta::serialize_meta")]
    meta: &'a crate::model::Meta,
}

impl<'a> JsonRow<'a> {
    fn of(r: &'a ExportRow) -> JsonRow<'a> {
        let s = &r.summary;
        JsonRow {
            rank: r.rank,
            article_id: s.article_id,
            title: &s.title,
            outlet: s.outlet.as_deref(),
            date: s.date,
            date_source: r.date_source.as_deref(),
            url: s.url.as_deref(),
            path: s.paths.first().map(String::as_str),
            passage: r.passage,
            text: r.text.as_deref(),
            score: r.score,
            authors: &r.authors,
            meta: &r.meta,
        }
    }
}

/// One row as the JSON object `export --format jsonl` writes on its line (without the newline):
/// the same keys, values and escaping, for callers that batch rows themselves (the Python
/// package).
pub fn json_line(row: &ExportRow) -> serde_json::Result<String> {
    let line = serde_json::to_string(&JsonRow::of(row))?;
    Ok(safe::json(&line).into_owned())
}

/// An export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// `csv` or `jsonl`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "jsonl" => Some(Format::Jsonl),
            _ => None,
        }
    }
}

/// Writes export rows to `W`.
pub enum RowWriter<W: Write> {
    /// CSV; `true` writes cells raw, else formulas are neutralized.
    Csv(Box<csv::Writer<W>>, bool),
    /// JSON Lines.
    Jsonl(std::io::BufWriter<W>),
}

impl<W: Write> RowWriter<W> {
    /// A writer in `format` (CSV starts with its header line).
    pub fn new(out: W, format: Format, raw_cells: bool) -> std::io::Result<RowWriter<W>> {
        Ok(match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(columns()).map_err(std::io::Error::other)?;
                RowWriter::Csv(Box::new(w), raw_cells)
            }
            Format::Jsonl => RowWriter::Jsonl(std::io::BufWriter::new(out)),
        })
    }

    /// Writes one row.
    pub fn write(&mut self, row: &ExportRow) -> std::io::Result<()> {
        match self {
            RowWriter::Csv(w, raw) => w
                .write_record(COLUMNS.iter().map(|(_, cell)| {
                    let cell = cell(row);
                    safe::csv_cell(&cell, *raw).into_owned()
                }))
                .map_err(std::io::Error::other),
            RowWriter::Jsonl(w) => {
                w.write_all(json_line(row)?.as_bytes())?;
                w.write_all(b"\n")
            }
        }
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match self {
            RowWriter::Csv(w, _) => w.flush(),
            RowWriter::Jsonl(w) => w.flush(),
        }
    }
}

/// The metadata as one CSV cell: its JSON object (empty when there is none).
fn meta_cell(meta: &crate::model::Meta) -> String {
    #[derive(serde::Serialize)]
    struct M<'a>(
        #[serde(serialize_with = "crate::index::meta::serialize_meta")] &'a crate::model::Meta,
    );
    match meta.is_empty() {
        true => String::new(),
        false => serde_json::to_string(&M(meta)).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArticleId, ArticleSummary};

    fn row() -> ExportRow {
        ExportRow {
            rank: 1,
            summary: ArticleSummary {
                article_id: ArticleId(0xab),
                title: "=1+1".into(),
                outlet: None,
                date: chrono::NaiveDate::from_ymd_opt(2016, 3, 3),
                url: None,
                paths: vec!["a.txt".into()],
            },
            date_source: Some("dateline".into()),
            passage: Some(2),
            text: Some("text".into()),
            score: 1.5,
            authors: vec!["Ann Lee".into(), "Bo".into()],
            meta: vec![("author".into(), "Ann Lee".into())],
        }
    }

    fn written(format: Format, raw: bool) -> String {
        let mut out = Vec::new();
        let mut w = RowWriter::new(&mut out, format, raw).unwrap();
        w.write(&row()).unwrap();
        w.flush().unwrap();
        drop(w);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_lines_keys_are_the_csv_columns_in_order() {
        let line = written(Format::Jsonl, false);
        let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&line).unwrap();
        assert_eq!(v.len(), columns().count());
        let mut at = 0;
        for c in columns() {
            let key = format!("\"{c}\":");
            at += line[at..]
                .find(&key)
                .unwrap_or_else(|| panic!("{c} after {at}: {line}"));
        }
        assert!(line.starts_with(
            r#"{"rank":1,"article_id":"00000000000000ab","title":"=1+1","outlet":null,"#
        ));
    }

    #[test]
    fn csv_cells_follow_the_header_and_formulas_are_neutralized() {
        let csv = written(Format::Csv, false);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            columns().collect::<Vec<_>>().join(",")
        );
        assert_eq!(
            lines.next().unwrap(),
            r#"1,00000000000000ab,'=1+1,,2016-03-03,dateline,,a.txt,2,text,1.5000,Ann Lee; Bo,"{""author"":[""Ann Lee""]}""#
        );
        assert!(written(Format::Csv, true).contains("\n1,00000000000000ab,=1+1,"));
    }
}
