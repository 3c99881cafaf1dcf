//! Export rows written as CSV or JSON Lines: the one writer behind `morgue export` and the
//! server's `/api/export`, so both give the same columns and the same escaping.
//!
//! CSV has a header line of [`COLUMNS`]; a cell that a spreadsheet would run as a formula is
//! neutralized unless raw cells are asked for ([`super::safe::csv_cell`]). JSON Lines writes one
//! [`ExportRow`] object per line, with the control characters serde leaves raw escaped.

use super::safe;
use crate::lookup::export::ExportRow;
use std::io::Write;

/// The CSV columns, in order.
pub const COLUMNS: [&str; 13] = [
    "rank",
    "article_id",
    "title",
    "outlet",
    "date",
    "date_source",
    "url",
    "path",
    "passage",
    "text",
    "score",
    "authors",
    "meta",
];

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
                w.write_record(COLUMNS).map_err(std::io::Error::other)?;
                RowWriter::Csv(Box::new(w), raw_cells)
            }
            Format::Jsonl => RowWriter::Jsonl(std::io::BufWriter::new(out)),
        })
    }

    /// Writes one row.
    pub fn write(&mut self, row: &ExportRow) -> std::io::Result<()> {
        match self {
            RowWriter::Csv(w, raw) => w
                .write_record(
                    [
                        row.rank.to_string(),
                        row.article_id.to_string(),
                        row.title.clone(),
                        row.outlet.clone().unwrap_or_default(),
                        row.date.clone().unwrap_or_default(),
                        row.date_source.clone().unwrap_or_default(),
                        row.url.clone().unwrap_or_default(),
                        row.path.clone().unwrap_or_default(),
                        row.passage.map(|p| p.to_string()).unwrap_or_default(),
                        row.text.clone().unwrap_or_default(),
                        format!("{:.4}", row.score),
                        row.authors.join("; "),
                        meta_cell(&row.meta),
                    ]
                    .iter()
                    .map(|cell| safe::csv_cell(cell, *raw).into_owned()),
                )
                .map_err(std::io::Error::other),
            RowWriter::Jsonl(w) => {
                let line = serde_json::to_string(row)?;
                w.write_all(safe::json(&line).as_bytes())?;
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
