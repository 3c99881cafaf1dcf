//! Reading: turn files into raw article texts.
//!
//! Owns finding input files (walking folders), choosing a [`Reader`] by extension, and decoding
//! bytes to text (`encoding`). Must not normalize or interpret the text: that is later stages'
//! work. Each input format is one file implementing [`Reader`]; this issue ships `.txt`
//! ([`TextReader`]), and HTML, JSONL/CSV and WARC plug in beside it.

mod encoding;
mod text;

pub use encoding::{decode, DecodeError, Decoded};
pub use text::TextReader;

use crate::model::Sourced;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// An article as a reader found it: decoded text plus whatever metadata the format carries.
#[derive(Debug, Clone, Default)]
pub struct RawArticle {
    /// Where it came from (file path, later `file#record`).
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
    /// The publication date, when the format records it (provenance `metadata`, `url`…); a
    /// dateline in the text is then not needed.
    pub date: Option<Sourced<NaiveDate>>,
    /// The outlet, when the format records it.
    pub outlet: Option<Sourced<String>>,
    /// When the page was fetched (e.g. a WARC record's date): never a publication date.
    pub crawled: Option<NaiveDate>,
}

/// Why a source (or part of it) was skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skip {
    /// The file (or file and record) that was skipped.
    pub path: String,
    /// Why, in a few words: "empty file", "binary file (contains NUL bytes)"…
    pub reason: String,
}

/// An input format.
pub trait Reader: Sync + Send {
    /// Short name of the format, e.g. `text`.
    fn name(&self) -> &'static str;
    /// File name extensions this reader claims when walking folders (lowercase, no dot).
    fn extensions(&self) -> &'static [&'static str];
    /// Reads one source's bytes into zero or more articles; problems are returned per item so
    /// that one bad record never loses the others.
    fn read(&self, path: &Path, bytes: &[u8]) -> Vec<Result<RawArticle, Skip>>;
}

static TEXT: TextReader = TextReader;

/// All readers, in order of preference.
pub fn readers() -> [&'static dyn Reader; 1] {
    [&TEXT]
}

/// The reader that claims `path` by its extension, if any.
pub fn reader_for(path: &Path) -> Option<&'static dyn Reader> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    readers()
        .into_iter()
        .find(|r| r.extensions().contains(&ext.as_str()))
}

/// A file to read, with the reader chosen for it.
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// The reader that will read it.
    pub reader: &'static dyn Reader,
}

/// Expands the user's paths into the files to read, sorted, plus the paths that could not be used.
///
/// Folders are walked recursively; only files that a reader claims by extension are taken, and
/// hidden files and folders (names starting with `.`) are passed over. A file named explicitly is
/// always read, with the text reader when no reader claims its extension.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<Skip>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                problems.push(Skip {
                    path: root.display().to_string(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if meta.is_file() {
            inputs.push(Input {
                path: root.clone(),
                reader: reader_for(root).unwrap_or(&TEXT),
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if let Some(reader) = reader_for(e.path()) {
                        inputs.push(Input {
                            path: e.into_path(),
                            reader,
                        });
                    }
                }
                Ok(_) => {}
                Err(e) => problems.push(Skip {
                    path: e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| root.display().to_string()),
                    reason: e.to_string(),
                }),
            }
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    (inputs, problems)
}
