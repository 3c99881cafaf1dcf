//! What the criterion benches share: the benchmark articles, read once.
//!
//! The articles are the BBC corpus's `.txt` files (`../shared/corpora/bbc`, sorted paths) when
//! present, else the bundled seeds, so the benches run (on less text) without the corpus.

#![allow(dead_code)] // each bench uses part of it

use chrono::NaiveDate;
use morgue::index::{self, ArticleWriter, MorgueIndex};
use morgue::model::Sourced;
use morgue::read::RawArticle;
use std::path::{Path, PathBuf};

/// Up to `n` article files with their folder name (the BBC topic, or `seeds`).
pub fn files(n: usize) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bbc = root.join("../shared/corpora/bbc");
    let dir = if bbc.is_dir() {
        bbc
    } else {
        root.join("seeds")
    };
    let mut files = walk(&dir);
    files.sort();
    files
        .into_iter()
        .take(n)
        .map(|p| {
            let folder = p
                .parent()
                .and_then(|d| d.file_name())
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_default();
            (p, folder)
        })
        .collect()
}

/// The text of up to `n` article files.
pub fn texts(n: usize) -> Vec<String> {
    files(n)
        .iter()
        .filter_map(|(p, _)| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

/// Up to `n` raw articles as a reader would give them, each with a recorded date (one a day
/// from 2004-01-01, so that date filters select part of them) and its folder as outlet.
pub fn raw_articles(n: usize) -> Vec<RawArticle> {
    let start = NaiveDate::from_ymd_opt(2004, 1, 1).unwrap_or_default();
    files(n)
        .into_iter()
        .enumerate()
        .filter_map(|(i, (p, folder))| {
            let text = String::from_utf8_lossy(&std::fs::read(&p).ok()?).into_owned();
            Some(RawArticle {
                path: p.display().to_string(),
                text,
                encoding: "UTF-8",
                date: Some(Sourced::new(
                    start + chrono::Days::new(i as u64 % 730),
                    "metadata",
                )),
                outlet: Some(Sourced::new(folder, "metadata")),
                ..RawArticle::default()
            })
        })
        .collect()
}

/// An index in `dir` of up to 1,000 of [`raw_articles`], built as an ingest builds them: what
/// the query and lookup benches run on.
pub fn index(dir: &Path) -> MorgueIndex {
    let mi = index::open_or_create(dir).expect("index");
    let mut w = ArticleWriter::open(&mi, dir, 10_000, None).expect("writer");
    for raw in raw_articles(1_000) {
        if let Ok(a) = morgue::pipeline::build_article(raw, None) {
            w.add(&a).expect("add");
        }
    }
    w.finish().expect("commit");
    index::open(dir).expect("reopen")
}

/// True when the articles are the BBC corpus's (not the seeds): the benches' queries then
/// must match something.
pub fn bbc() -> bool {
    files(1).iter().any(|(_, folder)| folder != "seeds")
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
    out
}
