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
use crate::index::{
    stored_id, stored_str, stored_u64, ArticleWriter, MorgueIndex, KIND_ARTICLE, KIND_PATH,
};
use crate::model::ArticleId;
use crate::normalize::furniture::{
    decode_ranges, mark_pieces, mark_pieces_and_forms, outlet_key, template_label, Forms, Learned,
    Piece,
};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
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

/// Stories a session counts before it first learns furniture from them: below this, the
/// counts of one outlet seldom reach [`crate::index::furniture::MIN_STORIES`], and a small
/// ingest's articles are simply re-indexed at the end.
pub const FIRST_LEARNING: u64 = 256;
/// Furniture is learned again when the stories counted in the session have grown by this factor
/// since the last time: learning costs a pass over the counts, so the early passes (on small
/// counts) form a geometric series, and an article is built with furniture learned from at
/// least 4/5 of the stories counted before it…
pub const LEARNING_GROWTH: f64 = 1.25;

/// …but at least every this many stories: a key that reaches its threshold just after a
/// learning waits for the next one, and its stories built meanwhile are re-indexed at the end.
pub const LEARNING_STEP: u64 = 2_048;

/// The furniture new articles are built with during an ingest, learned again from the counts as
/// they grow (see [`Learning::observed`]), so that in a big ingest most articles are built with
/// the furniture they end up with and [`relearn`] re-indexes few of them. Only the end of the
/// ingest decides: an article built with furniture that differs from what is learned at the end
/// is re-indexed, so the index is the same whenever the learning happened.
#[derive(Debug)]
pub struct Learning {
    current: std::sync::RwLock<Arc<Learned>>,
    overrides: String,
    /// Stories counted in the session, and the count at which to learn next (the writer thread
    /// updates them; the workers only read `current`).
    stories: AtomicU64,
    next: AtomicU64,
}

impl Learning {
    /// Starts with what [`learned`] found.
    pub fn new(known: &Known) -> Learning {
        Learning {
            current: std::sync::RwLock::new(Arc::new(known.now.clone())),
            overrides: known.overrides.clone(),
            stories: AtomicU64::new(0),
            next: AtomicU64::new(FIRST_LEARNING),
        }
    }

    /// The furniture to build articles with now.
    pub fn current(&self) -> Arc<Learned> {
        match self.current.read() {
            Ok(l) => l.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Records that one more story was counted in `table`; learns the furniture again when the
    /// stories counted in the session reached the next step.
    pub fn observed(&self, dir: &Path, table: &Table) -> Result<()> {
        let stories = self.stories.fetch_add(1, Ordering::Relaxed) + 1;
        if stories < self.next.load(Ordering::Relaxed) {
            return Ok(());
        }
        let step = ((stories as f64) * (LEARNING_GROWTH - 1.0)).ceil() as u64;
        let next = stories + step.clamp(1, LEARNING_STEP);
        self.next.store(next, Ordering::Relaxed);
        let mut now = table.learn();
        apply_overrides(dir, &self.overrides, &mut now)?;
        let now = Arc::new(now);
        match self.current.write() {
            Ok(mut l) => *l = now,
            Err(poisoned) => *poisoned.into_inner() = now,
        }
        Ok(())
    }
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

/// Article documents read and marked together (in parallel) by the scan.
const SCAN_CHUNK: usize = 512;

/// One article as the scan found it.
struct Scanned {
    /// Outlet as stored, and lower case.
    outlet: String,
    lower: String,
    /// Its furniture now, distinct texts: (kind, text as shown, folded text).
    items: Vec<(&'static str, String, String)>,
    /// Its id and cluster when its stored furniture differs (it is to be re-indexed).
    rebuild: Option<(ArticleId, u64)>,
    /// What it tells the learning of card marks.
    forms: Forms,
}

/// Marks the furniture `now` knows in a stored article.
fn scan_article(doc: &TantivyDocument, f: &crate::index::Fields, now: &Learned) -> Scanned {
    let outlet = stored_str(doc, f.outlet).unwrap_or_default();
    let lower = outlet_key(&outlet);
    let text = stored_str(doc, f.text).unwrap_or_default();
    let stored = stored_str(doc, f.furniture)
        .map(|s| decode_ranges(&s, &text))
        .unwrap_or_default();
    let id = stored_id(doc, f);
    let cluster = stored_u64(doc, f.cluster);
    // A story counts once for the learning of cards: its copies (articles of a cluster that
    // another article started) tell nothing.
    let copy = id.is_some_and(|id| id.0 != cluster && cluster != 0);
    let (pieces, forms) = match copy {
        true => (mark_pieces(&text, &outlet, now), Forms::default()),
        false => mark_pieces_and_forms(&text, &outlet, now),
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut items = Vec::new();
    for (r, piece) in &pieces {
        let (kind, shown) = match piece {
            Piece::Line => ("line", text[r.clone()].to_string()),
            Piece::Template => ("template", template_label(&text[r.clone()])),
            Piece::Fragment => ("fragment", text[r.clone()].to_string()),
            Piece::Card => ("card", text[r.clone()].to_string()),
        };
        let folded: String = shown
            .to_lowercase()
            .chars()
            .map(|c| if c.is_numeric() { '0' } else { c })
            .collect();
        if seen.insert(folded.clone()) {
            items.push((kind, shown, folded));
        }
    }
    let changed = !pieces.iter().map(|p| &p.0).eq(stored.iter());
    let rebuild = match changed {
        true => id.map(|id| (id, cluster)),
        false => None,
    };
    Scanned {
        outlet,
        lower,
        items,
        rebuild,
        forms,
    }
}

/// Per-outlet tally of the scan.
#[derive(Default)]
struct Tally {
    name: String,
    articles: usize,
    with_furniture: usize,
    /// Folded text → (kind, the smallest of its texts, articles).
    items: HashMap<String, (&'static str, String, usize)>,
    /// Articles to re-index: address, id and cluster.
    queue: Vec<(tantivy::DocAddress, ArticleId, u64)>,
    /// The addresses of the outlet's articles (a later scan reads only these).
    addrs: Vec<tantivy::DocAddress>,
    /// Word form → (articles holding it, articles where it ends a learned fragment).
    forms: HashMap<u64, (u32, u32)>,
    /// Shingle key → articles holding it in a card region.
    regions: HashMap<u64, u32>,
}

impl Tally {
    /// Counts one article's furniture text. An outlet's articles are scanned in index order,
    /// which follows the order parallel workers finished in, so the text and kind listed for a
    /// folded text are the smallest pair seen, not the first: a text removed as a whole line
    /// from some articles and as part of a line from others is listed the same every time.
    /// (Past [`TALLIED`] texts of one outlet, which further texts are tallied still depends
    /// on the order.)
    fn add_item(&mut self, kind: &'static str, shown: String, folded: String) {
        if self.items.len() >= TALLIED && !self.items.contains_key(&folded) {
            return;
        }
        let item = self.items.entry(folded).or_insert((kind, shown.clone(), 0));
        item.2 += 1;
        if (shown.as_str(), kind) < (item.1.as_str(), item.0) {
            item.1 = shown;
            item.0 = kind;
        }
    }
}

/// Those of `addrs` whose outlet is one of `scan` (lower case; `""` for articles without an
/// outlet), found from the outlet column: a scan of a few outlets reads only their articles
/// from the store, not every article's (an ingest of 5 articles into 600k decompressed the whole
/// store, 8 of its 10 seconds).
fn of_outlets(
    searcher: &tantivy::Searcher,
    addrs: Vec<tantivy::DocAddress>,
    scan: &HashSet<String>,
) -> Result<Vec<tantivy::DocAddress>> {
    // Per segment, its outlet column and which of its outlet numbers are scanned.
    let mut segments = Vec::new();
    for reader in searcher.segment_readers() {
        let column = reader.fast_fields().str(crate::index::names::OUTLET)?;
        let wanted: Vec<bool> = match &column {
            Some(col) => crate::index::meta::column_terms(col)?
                .iter()
                .map(|name| scan.contains(&outlet_key(name)))
                .collect(),
            None => Vec::new(),
        };
        segments.push((column, wanted));
    }
    let none = scan.contains("");
    Ok(addrs
        .into_iter()
        .filter(|addr| {
            let (column, wanted) = &segments[addr.segment_ord as usize];
            let ord = column
                .as_ref()
                .and_then(|c| c.term_ords(addr.doc_id).next());
            match ord {
                Some(ord) => wanted.get(ord as usize).copied().unwrap_or(false),
                None => none,
            }
        })
        .collect())
}

/// Reads and marks with `now` the articles at `addrs` (those of the outlets to scan: see
/// [`of_outlets`]), a chunk at a time in parallel, and tallies them per outlet (lower case) in
/// order.
fn scan_all(
    searcher: &tantivy::Searcher,
    f: &crate::index::Fields,
    addrs: &[tantivy::DocAddress],
    now: &Learned,
) -> Result<HashMap<String, Tally>> {
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    for chunk in addrs.chunks(SCAN_CHUNK) {
        let scanned = chunk
            .par_iter()
            .map(|&addr| Ok(scan_article(&searcher.doc(addr)?, f, now)))
            .collect::<Result<Vec<_>>>()?;
        for (&addr, a) in chunk.iter().zip(scanned) {
            let tally = tallies.entry(a.lower).or_insert_with(|| Tally {
                name: a.outlet,
                ..Tally::default()
            });
            tally.articles += 1;
            tally.addrs.push(addr);
            tally.with_furniture += usize::from(!a.items.is_empty());
            for (kind, shown, folded) in a.items {
                tally.add_item(kind, shown, folded);
            }
            tally
                .queue
                .extend(a.rebuild.map(|(id, cluster)| (addr, id, cluster)));
            for form in a.forms.seen {
                tally.forms.entry(form).or_default().0 += 1;
            }
            for form in a.forms.ends {
                tally.forms.entry(form).or_default().1 += 1;
            }
            for key in a.forms.regions {
                *tally.regions.entry(key).or_default() += 1;
            }
        }
    }
    Ok(tallies)
}

/// What a shard's counts and every other shard's say together (see [`relearn`]).
pub type Verdict<'a> = dyn Fn(&Table) -> Result<Learned> + 'a;

/// Learns the furniture from `table`, re-indexes the articles of the outlets concerned whose
/// furniture changed (see the module documentation), and saves the table and the listing.
/// `known` is what [`learned`] found at the start; `touched` the outlets (lower case) that got
/// new articles. `counted`, for a shard of a sharded root, says what the counts of every shard
/// say (see [`Table::absorb`]), given this shard's table, instead of this table alone: then
/// every article is checked, as what the shard's articles were built with is not known from its
/// own table.
///
/// The scan also counts, per outlet, the word forms that end learned fragments (card marks, see
/// `normalize::furniture`); when they change what an outlet's cards are, that outlet's articles
/// are scanned again with the new verdict (the counts of the first scan do not depend on cards,
/// so a second scan finds the same and the result is the same whatever came before).
#[allow(clippy::too_many_arguments)]
pub fn relearn(
    dir: &Path,
    mi: &MorgueIndex,
    writer: &mut ArticleWriter,
    table: &mut Table,
    known: &Known,
    touched: &HashSet<String>,
    aliases: &AliasTable,
    counted: Option<&Verdict>,
) -> Result<Relearned> {
    // A table of an earlier format has no card counts yet: every outlet is scanned once.
    let whole = counted.is_some() || table.unscanned();
    let verdict = |table: &Table| -> Result<Learned> {
        let mut now = match counted {
            Some(f) => f(table)?,
            None => table.learn(),
        };
        apply_overrides(dir, &known.overrides, &mut now)?;
        Ok(now)
    };
    let mut now = verdict(table)?;
    let before = &known.applied;
    let scan: Option<HashSet<String>> = match whole {
        true => None,
        false => before
            .changed_outlets(&now)
            .map(|changed| changed.into_iter().chain(touched.iter().cloned()).collect()),
    };
    writer.commit()?;
    let searcher = mi.searcher()?;
    let f = &mi.fields;
    let q = TermQuery::new(
        Term::from_field_text(f.kind, KIND_ARTICLE),
        IndexRecordOption::Basic,
    );
    let mut addrs: Vec<_> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
    addrs.sort();
    if let Some(scan) = &scan {
        addrs = of_outlets(&searcher, addrs, scan)?;
    }
    let mut tallies = scan_all(&searcher, f, &addrs, &now)?;
    for t in tallies.values() {
        table.set_forms(&t.name, &t.forms);
        table.set_card_counts(&t.name, &t.regions);
    }
    // Card marks depend on the forms only; card regions on the marks; card keys on the regions:
    // at most three scans of an outlet settle them.
    for _ in 0..3 {
        let again = verdict(table)?;
        let changed: HashSet<String> = now.changed_cards(&again).into_iter().collect();
        if changed.is_empty() {
            break;
        }
        now = again;
        // Only the changed outlets' articles are read again.
        let mut theirs: Vec<_> = changed
            .iter()
            .filter_map(|o| tallies.get(o))
            .flat_map(|t| t.addrs.iter().copied())
            .collect();
        theirs.sort();
        let rescanned = scan_all(&searcher, f, &theirs, &now)?;
        for t in rescanned.values() {
            table.set_card_counts(&t.name, &t.regions);
        }
        tallies.extend(rescanned);
    }
    let mut queue: Vec<_> = tallies
        .values_mut()
        .flat_map(|t| std::mem::take(&mut t.queue))
        .collect();
    queue.sort();
    let mut done = Relearned::default();
    for chunk in queue.chunks(CHUNK) {
        let mut records = Vec::with_capacity(chunk.len());
        for &(addr, id, cluster) in chunk {
            // Its path documents, read once: into the record, and moved with the article (see
            // `ArticleWriter::replace`).
            let paths = crate::index::doc_addresses(&searcher, f, KIND_PATH, id)?;
            let paths = crate::index::stored_docs(&searcher, &paths)?;
            let r = crate::index::load_article_at(
                &searcher,
                f,
                id,
                addr,
                Some(&paths),
                crate::index::Parts::STORED,
            )?;
            records.push((r, cluster, paths));
        }
        let articles: Vec<_> = records
            .into_par_iter()
            .map(|(r, cluster, paths)| {
                (crate::pipeline::rebuild(&r, aliases, &now), cluster, paths)
            })
            .collect();
        for (a, cluster, paths) in articles {
            writer.replace(&a, cluster, Some(paths))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_of_some_outlets_keeps_their_articles_as_the_stored_outlet_names_them() {
        let dir = tempfile::tempdir().unwrap();
        let mi = crate::index::open_or_create(dir.path()).unwrap();
        let (index, f) = (&mi.index, &mi.fields);
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Two segments, each with outlets in other cases and spacing, and an article without one.
        let outlets = [
            Some("The Hill"),
            Some(" CNN "),
            None,
            Some("the hill"),
            Some("Fox"),
        ];
        for part in outlets.chunks(3) {
            for outlet in part {
                let mut doc = TantivyDocument::default();
                doc.add_text(f.kind, KIND_ARTICLE);
                if let Some(o) = outlet {
                    doc.add_text(f.outlet, *o);
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        let mut addrs: Vec<tantivy::DocAddress> = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(|(s, r)| (0..r.max_doc()).map(move |d| tantivy::DocAddress::new(s as u32, d)))
            .collect();
        addrs.sort();
        // What `scan_article` keeps, from each article's stored outlet.
        let by_store = |scan: &HashSet<String>| -> Vec<tantivy::DocAddress> {
            addrs
                .iter()
                .copied()
                .filter(|&a| {
                    let doc: TantivyDocument = searcher.doc(a).unwrap();
                    scan.contains(&outlet_key(&stored_str(&doc, f.outlet).unwrap_or_default()))
                })
                .collect()
        };
        for scan in [
            &["the hill"][..],
            &["cnn", ""],
            &[""],
            &["fox", "the hill", "cnn"],
            &["nobody"],
        ] {
            let scan: HashSet<String> = scan.iter().map(|s| s.to_string()).collect();
            let kept = of_outlets(&searcher, addrs.clone(), &scan).unwrap();
            assert_eq!(kept, by_store(&scan), "{scan:?}");
        }
        let hill: HashSet<String> = ["the hill".to_string()].into();
        assert_eq!(
            of_outlets(&searcher, addrs.clone(), &hill).unwrap().len(),
            2
        );
    }

    #[test]
    fn a_text_is_listed_the_same_whatever_order_its_articles_are_scanned_in() {
        let seen = [
            ("line", "LISTEN TO ARTICLE 2:33 Share"),
            ("fragment", "LISTEN TO ARTICLE 2:33 Share"),
            ("line", "Listen to article 2:33 share"),
        ];
        let listed = |order: &[usize]| {
            let mut t = Tally::default();
            for &i in order {
                let (kind, shown) = seen[i];
                t.add_item(
                    kind,
                    shown.to_string(),
                    "listen to article 0:00 share".into(),
                );
            }
            t.items
        };
        let first = listed(&[0, 1, 2]);
        for order in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            assert_eq!(listed(&order), first, "{order:?}");
        }
        let item = &first["listen to article 0:00 share"];
        assert_eq!(
            (item.0, item.1.as_str(), item.2),
            ("fragment", "LISTEN TO ARTICLE 2:33 Share", 3)
        );
    }
}
