//! Index-wide figures: articles, passages, outlets, date span, entities, size, sources.

use crate::error::{Error, Result};
use crate::extract::aliases::AliasTable;
use crate::index::{MorgueIndex, KIND_ARTICLE, KIND_PASSAGE, KIND_PATH};
use crate::search::{select, to_date, Filters};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// Figures about a whole index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Distinct articles.
    pub articles: usize,
    /// Passages indexed.
    pub passages: usize,
    /// Distinct outlets (case- and accent-insensitive) of the articles and their other
    /// appearances, as `morgue outlets` lists them, not counting unknown.
    pub outlets: usize,
    /// Articles whose outlet is unknown, as the unknown row of `morgue outlets` counts them (a
    /// text read from several records counts once per record without an outlet).
    pub unknown_outlet: usize,
    /// Earliest publication date.
    pub first_date: Option<NaiveDate>,
    /// Latest publication date.
    pub last_date: Option<NaiveDate>,
    /// Undated articles.
    pub undated: usize,
    /// Undated articles as a share of all articles (0 to 1).
    pub undated_share: f64,
    /// Distinct entities, counted as `morgue entities` does (variants and aliases are one).
    pub entities: usize,
    /// Sources ingested (distinct paths at which articles were found).
    pub sources: usize,
    /// Size of the index folder on disk, in bytes.
    pub index_bytes: u64,
}

/// Computes the figures of the index in `dir`; `aliases` decides which names are one entity.
pub fn stats(mi: &MorgueIndex, dir: &Path, aliases: AliasTable) -> Result<Stats> {
    let filters = Filters::default().with_aliases(aliases);
    let searcher = mi.searcher()?;
    let f = &mi.fields;
    let count = |kind: &str| -> Result<usize> {
        let q = TermQuery::new(
            Term::from_field_text(f.kind, kind),
            IndexRecordOption::Basic,
        );
        Ok(searcher.search(&q, &Count)?)
    };
    let selection = select(mi, &searcher, None, &filters)?;
    // Outlets as `morgue outlets` groups them: a text read from several records counts under
    // each record's outlet. (Which record a text's article was built from depends on the order
    // the records were read in, so its outlet alone would not give the same count every time.)
    let runs = crate::search::appearances::runs(mi, &searcher, &selection, &filters)?;
    let rows = super::outlets::outlets(&selection, &runs);
    let outlets = rows.iter().filter(|r| r.outlet.is_some()).count();
    let unknown_outlet = rows
        .iter()
        .find(|r| r.outlet.is_none())
        .map_or(0, |r| r.articles);
    let (mut first, mut last, mut undated) = (None::<NaiveDate>, None::<NaiveDate>, 0);
    for facts in selection.articles.values() {
        match facts.date_secs.and_then(to_date) {
            Some(d) => {
                first = Some(first.map_or(d, |x| x.min(d)));
                last = Some(last.map_or(d, |x| x.max(d)));
            }
            None => undated += 1,
        }
    }
    // One entity as `morgue entities --all-copies` counts it: variants and alias-table names
    // are one.
    let entities = super::entities::distinct(mi, &searcher, &selection, filters.alias_table())?;
    let articles = count(KIND_ARTICLE)?;
    Ok(Stats {
        articles,
        passages: count(KIND_PASSAGE)?,
        outlets,
        unknown_outlet,
        first_date: first,
        last_date: last,
        undated,
        undated_share: if articles == 0 {
            0.0
        } else {
            undated as f64 / articles as f64
        },
        entities,
        sources: count(KIND_PATH)?,
        index_bytes: dir_size(dir)?,
    })
}

/// The bytes of the files in the index folder (and in each shard of a sharded root), the
/// caches left out (`index::sidecar`: the article, entity and short-name tables).
fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    if crate::index::shards::is_root(dir) {
        let manifest = crate::index::shards::Manifest::read(dir)?;
        for shard in manifest.folders(dir) {
            total += dir_size(&shard)?;
        }
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let meta = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
        if meta.is_file() && !crate::index::sidecar::is_cache(&entry.file_name()) {
            total += meta.len();
        }
    }
    Ok(total)
}
