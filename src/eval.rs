//! Evaluations of extraction quality against gold data: `morgue eval dates`.
//!
//! Owns reading gold files and scoring extractors; like `pipeline`, it calls several stages
//! (the HTML reader, then the same date precedence as ingest via [`pipeline::build_article`]),
//! so what is measured is exactly what ingest does. Returns plain structs; never prints.

use crate::error::{Error, Result};
use crate::pipeline;
use crate::read::html::parse_page;
use crate::read::{dates, Skip};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One page whose date was not the gold date.
#[derive(Debug, Clone, Serialize)]
pub struct DateMiss {
    /// The page's URL (the gold file's key).
    pub url: String,
    /// The page's file, as the gold file names it.
    pub file: String,
    /// The gold date (`YYYY-MM-DD`), or null when the page has none.
    pub expected: Option<String>,
    /// The date found, or null.
    pub found: Option<String>,
    /// Where it was found (`json-ld`, `meta:…`, `time`, `dateline`, `url`…), or null.
    pub source: Option<String>,
}

/// The result of `eval dates`.
#[derive(Debug, Clone, Serialize)]
pub struct DateEval {
    /// Pages evaluated.
    pub total: usize,
    /// Pages whose date was the gold date (exact day), or undated when the gold has none.
    pub correct: usize,
    /// `correct / total`.
    pub accuracy: f64,
    /// Pages given a date where the gold says they have none (must stay 0).
    pub invented: usize,
    /// Every miss, in gold-file order.
    pub misses: Vec<DateMiss>,
    /// Pages that could not be read (file missing, undecodable).
    pub unreadable: Vec<Skip>,
}

/// Evaluates publication-date extraction on a gold file in htmldate's format: an object mapping
/// each page's URL to `{"file": NAME, "date": "YYYY-MM-DD" | null | "NaN"}`. Page files are
/// looked for in `pages` and its immediate subfolders (htmldate ships `eval/` and `cache/`).
pub fn dates(gold: &Path, pages: &Path) -> Result<DateEval> {
    let text = std::fs::read_to_string(gold).map_err(|e| Error::io(gold, e))?;
    let bad = |message: String| Error::BadOption {
        option: "GOLD".into(),
        message: format!("{}: {message}", gold.display()),
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let map = value
        .as_object()
        .ok_or_else(|| bad("expected an object mapping URLs to {\"file\", \"date\"}".into()))?;
    let mut cases = Vec::new();
    for (url, entry) in map {
        let file = entry
            .get("file")
            .and_then(|f| f.as_str())
            .unwrap_or_default()
            .to_string();
        let expected = match entry.get("date") {
            Some(v) => dates::parse_value(v).ok().flatten(),
            None => None,
        };
        cases.push((url.clone(), file, expected));
    }
    let dirs = page_dirs(pages);
    let results: Vec<std::result::Result<Option<DateMiss>, Skip>> = cases
        .par_iter()
        .map(|(url, file, expected)| {
            let path = dirs
                .iter()
                .map(|d| d.join(file))
                .find(|p| p.is_file())
                .ok_or_else(|| Skip::new(file.clone(), "page file not found"))?;
            let bytes = std::fs::read(&path).map_err(|e| Skip::new(file.clone(), e.to_string()))?;
            let page = parse_page(&bytes, Some(url)).map_err(|r| Skip::new(file.clone(), r))?;
            let found = page_date(page, file);
            let ok = found.as_ref().map(|d| d.value) == *expected;
            Ok((!ok).then(|| DateMiss {
                url: url.clone(),
                file: file.clone(),
                expected: expected.map(|d| d.to_string()),
                found: found.as_ref().map(|d| d.value.to_string()),
                source: found.map(|d| d.source),
            }))
        })
        .collect();
    let total = results.len();
    let mut misses = Vec::new();
    let mut unreadable = Vec::new();
    for r in results {
        match r {
            Ok(Some(m)) => misses.push(m),
            Ok(None) => {}
            Err(s) => unreadable.push(s),
        }
    }
    let correct = total - misses.len() - unreadable.len();
    Ok(DateEval {
        total,
        correct,
        accuracy: if total == 0 {
            0.0
        } else {
            correct as f64 / total as f64
        },
        invented: misses
            .iter()
            .filter(|m| m.expected.is_none() && m.found.is_some())
            .count(),
        misses,
        unreadable,
    })
}

/// The date ingest would give this page: markup, then a dateline in the main text, then the URL.
fn page_date(
    page: crate::read::html::Page,
    file: &str,
) -> Option<crate::model::Sourced<chrono::NaiveDate>> {
    let markup = page.date.clone();
    let url = page.url_date.clone();
    match page.into_article(file) {
        Ok(raw) => pipeline::build_article(raw, None).ok().and_then(|a| a.date),
        Err(_) => None,
    }
    .or(markup)
    .or(url)
}

fn page_dirs(pages: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![pages.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(pages) {
        let mut subs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        subs.sort();
        dirs.extend(subs);
    }
    dirs
}
