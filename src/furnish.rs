//! The ingest's furniture pass: after the articles of an ingest are written, learn the site
//! furniture from the index folder's counts and re-index only the articles whose furniture
//! changed.
//!
//! During an ingest, articles are built with the furniture learned by the ingests before it
//! (read at the start), and the writer counts every new story's keys
//! (`index::furniture::Table`). At the end, [`relearn`] derives what is furniture now (counts
//! and the override file), and scans the articles of the outlets concerned (those that got new
//! articles, and those whose learned furniture changed; every outlet when archive-wide
//! furniture changed): an article whose furniture differs from what is stored is built again
//! from its stored record and replaces its passages and article document. So a batch dump's
//! furniture is removed by the end of the run, and furniture that only becomes frequent after
//! later ingests stops matching in the older articles without a rebuild. Like `pipeline`, this
//! module calls several stages.

use crate::error::Result;
use crate::extract::aliases::AliasTable;
use crate::index::furniture::{
    apply_overrides, read_overrides, FurnitureItem, Listing, OutletFurniture, Table, LISTED_ITEMS,
};
use crate::index::{stored_str, stored_u64, ArticleWriter, MorgueIndex, KIND_ARTICLE};
use crate::normalize::furniture::{decode_ranges, mark_pieces, template_label, Learned, Piece};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

/// Articles rebuilt together (in parallel) before they are written.
const CHUNK: usize = 64;
/// Most distinct furniture texts tallied per outlet for the listing.
const TALLIED: usize = 20_000;

/// What the furniture pass did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Relearned {
    /// Articles re-indexed because their furniture changed.
    pub reindexed: usize,
    /// Articles in the index with furniture removed, after the pass.
    pub with_furniture: usize,
}

/// The furniture known at the start of an ingest: the counts' verdict and the override file of
/// the index in `dir` as it is now (what new articles are built with), and as it was last
/// applied (what the indexed articles were built with).
pub fn learned(dir: &Path, table: &Table) -> Result<Known> {
    let overrides = read_overrides(dir)?;
    let counted = table.learn();
    let mut now = counted.clone();
    apply_overrides(dir, &overrides, &mut now)?;
    let mut applied = counted;
    // The applied file was valid when it was applied.
    let _ = apply_overrides(dir, table.applied_overrides(), &mut applied);
    Ok(Known {
        now,
        applied,
        overrides,
    })
}

/// What [`learned`] finds.
#[derive(Debug, Clone)]
pub struct Known {
    /// The furniture to build new articles with.
    pub now: Learned,
    /// The furniture the indexed articles were built with.
    pub applied: Learned,
    /// The override file's text now.
    pub overrides: String,
}

/// Per-outlet tally of the scan.
#[derive(Default)]
struct Tally {
    name: String,
    articles: usize,
    with_furniture: usize,
    /// Folded text → (kind, the smallest of its texts, articles).
    items: HashMap<String, (&'static str, String, usize)>,
}

/// Learns the furniture from `table`, re-indexes the articles of the outlets concerned whose
/// furniture changed (see the module documentation), and saves the table and the listing.
/// `known` is what [`learned`] found at the start; `touched` the outlets (lower case) that got
/// new articles.
pub fn relearn(
    dir: &Path,
    mi: &MorgueIndex,
    writer: &mut ArticleWriter,
    table: &mut Table,
    known: &Known,
    touched: &HashSet<String>,
    aliases: &AliasTable,
) -> Result<Relearned> {
    let mut now = table.learn();
    apply_overrides(dir, &known.overrides, &mut now)?;
    let before = &known.applied;
    let scan: Option<HashSet<String>> = before
        .changed_outlets(&now)
        .map(|changed| changed.into_iter().chain(touched.iter().cloned()).collect());
    writer.commit()?;
    let searcher = mi.searcher()?;
    let f = &mi.fields;
    let q = TermQuery::new(
        Term::from_field_text(f.kind, KIND_ARTICLE),
        IndexRecordOption::Basic,
    );
    let mut addrs: Vec<_> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
    addrs.sort();
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    let mut queue: Vec<(String, u64)> = Vec::new();
    for addr in addrs {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let outlet = stored_str(&doc, f.outlet).unwrap_or_default();
        let lower = outlet.trim().to_lowercase();
        if scan.as_ref().is_some_and(|s| !s.contains(&lower)) {
            continue;
        }
        let text = stored_str(&doc, f.text).unwrap_or_default();
        let stored = stored_str(&doc, f.furniture)
            .map(|s| decode_ranges(&s, &text))
            .unwrap_or_default();
        let pieces = mark_pieces(&text, &outlet, &now);
        let ranges: Vec<_> = pieces.iter().map(|p| p.0.clone()).collect();
        let tally = tallies.entry(lower).or_insert_with(|| Tally {
            name: outlet.clone(),
            ..Tally::default()
        });
        tally.articles += 1;
        tally.with_furniture += usize::from(!ranges.is_empty());
        let mut seen: HashSet<String> = HashSet::new();
        for (r, piece) in &pieces {
            let (kind, shown) = match piece {
                Piece::Line => ("line", text[r.clone()].to_string()),
                Piece::Template => ("template", template_label(&text[r.clone()])),
                Piece::Fragment => ("fragment", text[r.clone()].to_string()),
            };
            let folded: String = shown
                .to_lowercase()
                .chars()
                .map(|c| if c.is_numeric() { '0' } else { c })
                .collect();
            if !seen.insert(folded.clone()) {
                continue;
            }
            if tally.items.len() < TALLIED || tally.items.contains_key(&folded) {
                let item = tally
                    .items
                    .entry(folded)
                    .or_insert((kind, shown.clone(), 0));
                item.2 += 1;
                // The same text whatever order the articles are scanned in.
                if shown < item.1 {
                    item.1 = shown;
                }
            }
        }
        if ranges != stored {
            if let Some(id) = stored_str(&doc, f.article_id) {
                queue.push((id, stored_u64(&doc, f.cluster)));
            }
        }
    }
    let mut done = Relearned::default();
    for chunk in queue.chunks(CHUNK) {
        let mut records = Vec::with_capacity(chunk.len());
        for (id, cluster) in chunk {
            if let Some(r) = crate::index::load_article(&searcher, f, id, false)? {
                records.push((r, *cluster));
            }
        }
        let articles: Vec<_> = records
            .par_iter()
            .map(|(r, cluster)| (crate::pipeline::rebuild(r, aliases, &now), *cluster))
            .collect();
        for (a, cluster) in &articles {
            writer.replace(a, *cluster)?;
            done.reindexed += 1;
        }
    }
    writer.commit()?;
    let fresh = tallies
        .into_values()
        .map(|t| {
            let mut items: Vec<FurnitureItem> = t
                .items
                .into_values()
                .map(|(kind, text, articles)| FurnitureItem {
                    kind: kind.into(),
                    text,
                    articles,
                })
                .collect();
            items.sort_by(|a, b| {
                b.articles
                    .cmp(&a.articles)
                    .then_with(|| a.text.cmp(&b.text))
            });
            items.truncate(LISTED_ITEMS);
            OutletFurniture {
                stories: table.stories(&t.name),
                threshold: table.threshold(&t.name),
                outlet: t.name,
                articles: t.articles,
                with_furniture: t.with_furniture,
                items,
            }
        })
        .collect();
    let mut listing = match scan {
        None => Listing::default(),
        Some(_) => Listing::open(dir)?,
    };
    listing.merge(fresh);
    listing.save(dir)?;
    table.set_applied_overrides(known.overrides.clone());
    table.save(dir)?;
    done.with_furniture = listing.outlets.iter().map(|o| o.with_furniture).sum();
    Ok(done)
}
