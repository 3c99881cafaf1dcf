//! Export: every matching article or passage, with citation fields, streamed to a sink.
//!
//! Rows are produced one at a time (the ranking keeps only scores and addresses in memory), so
//! exports have no cap. [`Provenance`] records what is needed to reproduce a result set: the
//! query, the filters, morgue's version and a fingerprint of the index's committed state.

use crate::error::{Error, Result};
use crate::index::{load_article, Appearance, MorgueIndex};
use crate::model::ArticleSummary;
use crate::search::{rank, select, to_date, Expr, Filters, SortOrder};
use serde::Serialize;
use std::path::{Path, PathBuf};
use tantivy::Searcher;

/// What one export row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// One row per article (its best passage attached).
    Article,
    /// One row per matching passage.
    Passage,
}

/// One exported row: the fields a citation needs (`present::export` writes it as CSV or
/// JSON Lines).
#[derive(Debug, Clone)]
pub struct ExportRow {
    /// 1-based rank of the article in the export order.
    pub rank: usize,
    /// Id, and this row's appearance's title, outlet, date, URL and path (`paths` holds the
    /// one path, none for an article without path documents).
    pub summary: ArticleSummary,
    /// Where the date was found (its provenance: `metadata`, `dateline`, `json-ld`, `meta:…`,
    /// `url`…), when dated.
    pub date_source: Option<String>,
    /// Passage number (1-based, as `search` and `show` print it), when a passage is attached.
    pub passage: Option<u32>,
    /// Passage text, when a passage is attached.
    pub text: Option<String>,
    /// BM25 score of the passage (the article's best for article rows).
    pub score: f32,
    /// Authors (the `author` metadata).
    pub authors: Vec<String>,
    /// Record metadata (see `model::Meta`).
    pub meta: crate::model::Meta,
}

/// What is needed to reproduce an export.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// The query as given.
    pub query: String,
    /// The query as understood.
    pub parsed: String,
    /// `--from`, or null.
    pub from: Option<String>,
    /// `--to`, or null.
    pub to: Option<String>,
    /// `--include-undated`.
    pub include_undated: bool,
    /// `--outlet` values.
    pub outlets: Vec<String>,
    /// `--entity` values.
    pub entities: Vec<String>,
    /// `--meta` and `--author` conditions, as `KEY=VALUE`.
    pub meta: Vec<String>,
    /// Rows stand for articles or passages.
    pub unit: Unit,
    /// Version of morgue that wrote the export.
    pub morgue_version: String,
    /// Fingerprint of the index's committed state (changes with every commit).
    pub index_fingerprint: String,
    /// Rows written.
    pub rows: usize,
}

/// A fingerprint of the committed state of the index in `dir`: a hash of its `meta.json` (for a
/// sharded root, of its manifest and every shard's `meta.json`).
pub fn fingerprint(dir: &Path) -> Result<String> {
    let read = |path: PathBuf| std::fs::read(&path).map_err(|e| Error::io(path, e));
    let hash = if crate::index::shards::is_root(dir) {
        let manifest = crate::index::shards::Manifest::read(dir)?;
        let mut h = blake3::Hasher::new();
        h.update(&read(dir.join(crate::index::shards::MANIFEST_FILE))?);
        for shard in manifest.folders(dir) {
            h.update(&read(shard.join("meta.json"))?);
        }
        h.finalize()
    } else {
        blake3::hash(&read(dir.join("meta.json"))?)
    };
    Ok(hash.to_hex()[..16].to_string())
}

/// Exports every article (or passage) selected by `expr` and `filters`, in `sort` order, calling
/// `sink` for each row; one row per appearance (path) of an article, with that appearance's own
/// outlet, date, URL, title and metadata. Returns the number of rows.
pub fn export(
    mi: &MorgueIndex,
    searcher: &Searcher,
    expr: &Expr,
    filters: &Filters,
    unit: Unit,
    sort: SortOrder,
    mut sink: impl FnMut(&ExportRow) -> Result<()>,
) -> Result<usize> {
    let selection = select(mi, searcher, Some(expr), filters)?;
    let per_article = match unit {
        Unit::Article => 1,
        Unit::Passage => usize::MAX,
    };
    let ranked = rank(mi, searcher, expr, selection.articles, per_article, sort)?;
    let mut rows = 0;
    for (i, r) in ranked.into_iter().enumerate() {
        let id = r.article_id();
        let Some(article) = load_article(searcher, &mi.fields, id, crate::index::Parts::STORED)?
        else {
            continue;
        };
        let mut passages: Vec<(Option<u32>, Option<String>, f32)> = Vec::new();
        for &(score, number, _) in &r.best.0 {
            let p = article.passage(number)?;
            passages.push((Some(p.number), Some(article.clean_slice(&p.bytes)), score));
        }
        if passages.is_empty() {
            passages.push((None, None, 0.0));
        }
        // One row per appearance, each with its own record's outlet, date, URL, title and
        // metadata (a wire story run by two outlets is two rows).
        let appearances: Vec<Appearance> = if article.appearances.is_empty() {
            vec![Appearance {
                path: String::new(),
                outlet: article.outlet.as_ref().map(|o| o.value.clone()),
                outlet_source: None,
                date: r.date_secs.and_then(to_date),
                date_source: article.date.as_ref().map(|d| d.source.clone()),
                url: article.url.clone(),
                title: article.title.value.clone(),
                meta: article.meta.clone(),
            }]
        } else {
            article.appearances.clone()
        };
        for ap in &appearances {
            for (number, text, score) in &passages {
                let row = ExportRow {
                    rank: i + 1,
                    summary: ap.summary(id),
                    date_source: ap.date_source.clone(),
                    passage: *number,
                    text: text.clone(),
                    score: *score,
                    authors: crate::search::authors(&ap.meta),
                    meta: ap.meta.clone(),
                };
                sink(&row)?;
                rows += 1;
            }
        }
    }
    Ok(rows)
}
