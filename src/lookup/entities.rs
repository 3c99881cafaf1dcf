//! Entity lookups: the most mentioned entities of the index or of a query's results
//! (`morgue entities`), and everything the index knows about one entity (`morgue entity`).
//!
//! Both count what `--entity` and `entity:` select (see [`crate::search::resolve`]): an article
//! mentions an entity when one of its entities resolves to it, at query time, through the
//! alias table (merges, `!drop`, `!separate`) and the archive's short-name table. Counts are
//! numbers of **stories**: an article and its near-duplicate copies count once (with
//! `all_copies`, every article counts), exactly as `search` counts its total. A story's
//! mentions are those of the copy that stands for it, its original among the copies that
//! mention the entity (the one `search` shows).

use super::entity_columns::{ArticleEntities, EntityColumns, Interner, Lite};
use super::entity_table::{EntityTable, LiteRow};
use super::tally::Tallies;
use crate::error::Result;
use crate::extract::aliases::AliasTable;
use crate::extract::ner::EntityType;
use crate::hashing::{PreHashedMap, PreHashedSet};
use crate::index::stored_str as text;
use crate::index::{MorgueIndex, KIND_ARTICLE};
use crate::search::copies::original_first;
use crate::search::resolve::Resolver;
use crate::search::{query, select_resolved, to_date, Filters, Selection};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// What `morgue entities` asks.
#[derive(Debug, Clone, Default)]
pub struct EntitiesRequest {
    /// Only articles matching this query (morgue's syntax); all articles when `None`.
    pub query: Option<String>,
    /// Date, outlet, entity filters (and the alias table).
    pub filters: Filters,
    /// Only entities of this type.
    pub kind: Option<EntityType>,
    /// Most entities returned.
    pub top: usize,
    /// Count every near-duplicate copy; by default a story's copies count once.
    pub all_copies: bool,
}

/// One entity of a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityCount {
    /// Name (the alias table's canonical name, else the name most articles wrote in full).
    pub name: String,
    /// `person`, `org`, `location` or `misc`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Stories that mention it.
    pub articles: usize,
    /// Mentions, summed over those stories.
    pub mentions: u64,
    /// True for a short name that several entities share and the archive cannot resolve
    /// ("Clinton" alone): `morgue entity NAME` lists them.
    pub ambiguous: bool,
}

/// The answer to an [`EntitiesRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct EntitiesResult {
    /// The query, when one was given.
    pub query: Option<String>,
    /// Stories looked at (matching the query and filters): one per story unless `all_copies`.
    pub articles: usize,
    /// Matching articles not counted apart because they are near-duplicate copies of a story.
    pub copies: usize,
    /// Distinct entities found in them (of the requested type).
    pub distinct: usize,
    /// The most mentioned entities (by stories, then mentions, then name), at most `top`.
    pub entities: Vec<EntityCount>,
}

/// What `morgue entity NAME` asks.
#[derive(Debug, Clone)]
pub struct EntityRequest {
    /// The name asked for (any form or alias).
    pub name: String,
    /// Filters (and the alias table).
    pub filters: Filters,
    /// Count every near-duplicate copy; by default a story's copies count once.
    pub all_copies: bool,
    /// Most co-mentioned entities returned.
    pub related: usize,
    /// Most variants returned.
    pub variants: usize,
    /// Most articles listed.
    pub limit: usize,
}

/// A name an entity was written as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantCount {
    /// The form as written.
    pub name: String,
    /// Stories that wrote it.
    pub articles: usize,
}

/// An outlet that mentions the entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletCount {
    /// Outlet name.
    pub outlet: String,
    /// Stories of that outlet that mention the entity.
    pub articles: usize,
}

/// An entity mentioned in the same stories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoMention {
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Stories that mention both.
    pub articles: usize,
    /// Association: Dunning's log-likelihood ratio (G²) of the two entities' article counts.
    pub score: f64,
}

/// An article that mentions the entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityArticle {
    /// Article id.
    pub article_id: crate::model::ArticleId,
    /// Title.
    pub title: String,
    /// Outlet, when known.
    pub outlet: Option<String>,
    /// Publication date, when known.
    pub date: Option<NaiveDate>,
    /// Mentions of the entity in the article.
    pub mentions: u32,
}

/// What the index knows about one entity (`morgue entity NAME`).
#[derive(Debug, Clone, Serialize)]
pub struct EntityReport {
    /// The name asked for.
    pub query: String,
    /// The entity's name (the name asked for when it is ambiguous).
    pub name: String,
    /// `person`, `org`, `location` or `misc` (the most frequent over its articles).
    #[serde(rename = "type")]
    pub kind: String,
    /// True when several entities share the name: `candidates` lists them, and the counts
    /// are over the stories that mention any of them.
    pub ambiguous: bool,
    /// The entities the name means, most mentioned first (one unless ambiguous).
    pub candidates: Vec<EntityCount>,
    /// The forms the stories wrote, with the number of stories using each, most first, at
    /// most the number asked for.
    pub variants: Vec<VariantCount>,
    /// Number of distinct forms.
    pub variants_total: usize,
    /// Stories that mention it.
    pub articles: usize,
    /// Articles not counted apart because they are near-duplicate copies of a story.
    pub copies: usize,
    /// Mentions over those stories.
    pub mentions: u64,
    /// Outlets with their numbers of stories, most first (unknown outlets left out).
    pub outlets: Vec<OutletCount>,
    /// Earliest dated story.
    pub first_date: Option<NaiveDate>,
    /// Latest dated story.
    pub last_date: Option<NaiveDate>,
    /// Entities associated with it (by G², at least [`MIN_CO_MENTIONS`] shared stories), most
    /// associated first.
    pub co_mentioned: Vec<CoMention>,
    /// Stories, newest first (undated last), at most the number asked for.
    pub article_list: Vec<EntityArticle>,
}

/// The answer to an [`EntityRequest`].
#[derive(Debug, Clone)]
pub enum EntityAnswer {
    /// The entity (or, for an ambiguous name, the entities it may mean).
    Found(Box<EntityReport>),
    /// The alias table drops the name (`!drop`).
    Dropped,
    /// No article mentions it.
    Missing,
}

/// Fewest stories two entities must share for one to be listed with the other.
pub const MIN_CO_MENTIONS: usize = 3;

/// A selected article as the lookups walk it.
/// (Its outlet is read from the selection for the few articles that show it.)
#[derive(Debug, Clone, Copy)]
struct Row {
    key: u64,
    story: u64,
    date_secs: Option<i64>,
    addr: DocAddress,
}

impl Row {
    fn rank(&self) -> (Option<i64>, u64) {
        (self.date_secs, self.key)
    }
}

/// The selected articles grouped by story, each story's original first (the copy that stands
/// for it), stories in key order: a compact array, whatever the size of the archive.
fn rows(selection: &Selection, all_copies: bool) -> Vec<Row> {
    let mut rows: Vec<Row> = selection
        .articles
        .iter()
        .map(|(key, facts)| Row {
            key,
            story: if all_copies { key } else { facts.cluster },
            date_secs: facts.date_secs,
            addr: facts.addr,
        })
        .collect();
    rows.sort_by(|a, b| {
        a.story
            .cmp(&b.story)
            .then_with(|| original_first(a.rank(), b.rank()))
    });
    rows
}

/// Calls `visit` with each story's articles (original first) and their resolved entities,
/// reading those of one story at a time.
fn walk_stories(
    cols: &mut EntityColumns,
    rows: &[Row],
    mut visit: impl FnMut(&[(Row, ArticleEntities)]),
) -> Result<()> {
    let mut story: Vec<(Row, ArticleEntities)> = Vec::new();
    let mut spare: Vec<ArticleEntities> = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.story == b.story) {
        for (_, v) in story.drain(..) {
            spare.push(v);
        }
        for row in chunk {
            let mut found = spare.pop().unwrap_or_default();
            cols.article(row.addr, &mut found)?;
            story.push((*row, found));
        }
        visit(&story);
    }
    Ok(())
}

/// The stories of `rows` (see [`rows`]) in the order the entity table reads best: stories of
/// several copies first, as they come, then the stories of one article in the table's order,
/// so that its blocks are read in turn. A tally of stories does not depend on their order.
fn in_table_order(rows: &[Row]) -> Vec<&[Row]> {
    let mut stories: Vec<&[Row]> = rows.chunk_by(|a, b| a.story == b.story).collect();
    // Stable: the stories of several copies keep their order.
    stories.sort_by_key(|s| match s {
        [alone] => (true, Some(alone.addr)),
        _ => (false, None),
    });
    stories
}

/// Adds one story's articles to `tallies`.
fn tally_story(tallies: &mut Tallies, articles: &[(Row, ArticleEntities)]) {
    tallies.begin_story();
    for (article, (_, found)) in articles.iter().enumerate() {
        for r in &found.lites {
            tallies.add(article as u32, &LiteRow::from(r));
        }
    }
}

/// Most stories first, then most mentions, then by name (and type: rows alike in all of these
/// come in one order whatever order the tallies were in).
fn by_articles(a: &EntityCount, b: &EntityCount) -> std::cmp::Ordering {
    b.articles
        .cmp(&a.articles)
        .then_with(|| b.mentions.cmp(&a.mentions))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.kind.cmp(&b.kind))
        .then_with(|| a.ambiguous.cmp(&b.ambiguous))
}

/// Adds the entities of the document at `addr`, the `article`-th of the current story, reading
/// only the columns `tallies` counts.
fn add_article(tallies: &mut Tallies, table: &EntityTable, article: u32, addr: DocAddress) {
    if tallies.counts_alone() {
        for (identity, count) in table.counts(addr) {
            tallies.add_count(article, identity, count);
        }
    } else {
        for l in table.lites(addr) {
            tallies.add(article, &l);
        }
    }
}

/// The identities of the `req.top` rows of `tallies` by stories, then mentions (of the type
/// asked for, with every identity tied with the last: names decide their order), and how many
/// are of that type.
fn top_ids(
    tallies: &Tallies,
    req: &EntitiesRequest,
    strings: &Interner,
    aliases: &AliasTable,
) -> (Vec<u32>, usize) {
    let top = req.top;
    let keep = |id: u32| {
        req.kind
            .is_none_or(|k| tallies.kind(id, strings, aliases) == k.name())
    };
    let rank = |id: u32| (tallies.stories(id), tallies.mentions(id));
    let mut kept: Vec<u32> = tallies
        .ids()
        .iter()
        .copied()
        .filter(|&id| keep(id))
        .collect();
    let distinct = kept.len();
    if top == 0 {
        kept.clear();
    } else if kept.len() > top {
        kept.select_nth_unstable_by_key(top - 1, |&id| std::cmp::Reverse(rank(id)));
        let bar = rank(kept[top - 1]);
        kept.retain(|&id| rank(id) >= bar);
    }
    (kept, distinct)
}

/// The listing rows of `ids` (see [`top_ids`]): by stories, then mentions, then name, at most
/// `top`.
fn top_rows(
    tallies: &Tallies,
    ids: Vec<u32>,
    strings: &Interner,
    aliases: &AliasTable,
    top: usize,
) -> Vec<EntityCount> {
    let mut rows: Vec<EntityCount> = ids
        .into_iter()
        .map(|id| tallies.count(id, strings, aliases))
        .collect();
    rows.sort_by(by_articles);
    rows.truncate(top);
    rows
}

/// The most mentioned entities of the index, or of a query's results.
pub fn entities(mi: &MorgueIndex, req: &EntitiesRequest) -> Result<EntitiesResult> {
    let searcher = mi.searcher()?;
    let aliases = req.filters.alias_table();
    // The resolver selects by entity; without entity filters it is built only when the
    // commit's entity table is.
    let resolver = match req.query.is_some() || !req.filters.entities.is_empty() {
        true => Some(Resolver::cached(mi, &searcher, aliases)?),
        false => None,
    };
    let expr = req.query.as_deref().map(query::parse).transpose()?;
    let selection = select_resolved(
        mi,
        &searcher,
        expr.as_ref(),
        &req.filters,
        resolver.as_deref(),
    )?;
    let rows = rows(&selection, req.all_copies);
    let table = EntityTable::load(mi, &searcher, aliases)?;
    let strings = &table.strings;
    // Story by story, reading only the columns a tally needs (not the forms); names, ambiguity
    // (and types, unless a type is asked for) only for the identities listed.
    let mut tallies = Tallies::counts_only(strings.len(), req.kind.is_some());
    let mut stories = 0;
    for story in in_table_order(&rows) {
        stories += 1;
        tallies.begin_story();
        for (article, row) in story.iter().enumerate() {
            add_article(&mut tallies, &table, article as u32, row.addr);
        }
    }
    let (ids, distinct) = top_ids(&tallies, req, strings, aliases);
    let mut shown = vec![false; strings.len()];
    for &id in &ids {
        shown[id as usize] = true;
    }
    let mut every: Vec<DocAddress> = rows.iter().map(|r| r.addr).collect();
    every.sort_unstable();
    for addr in every {
        for l in table.lites_of(addr, |id| shown[id as usize]) {
            tallies.add_details(&l);
        }
    }
    table.failed()?;
    let entities = top_rows(&tallies, ids, strings, aliases, req.top);
    Ok(listed(req, entities, distinct, stories, rows.len()))
}

/// The number of distinct entities of the articles of `selection`, every copy counted: the
/// `distinct` of [`entities`] with `all_copies` and no type, without tallying them.
pub fn distinct(
    mi: &MorgueIndex,
    searcher: &Searcher,
    selection: &Selection,
    aliases: &AliasTable,
) -> Result<usize> {
    let table = EntityTable::load(mi, searcher, aliases)?;
    let mut seen = vec![false; table.strings.len()];
    let mut distinct = 0;
    // In the table's order: its pages are read in turn.
    let mut addrs: Vec<DocAddress> = selection.articles.values().map(|f| f.addr).collect();
    addrs.sort_unstable();
    for addr in addrs {
        for id in table.identities(addr) {
            if let Some(s) = seen.get_mut(id as usize).filter(|s| !**s) {
                *s = true;
                distinct += 1;
            }
        }
    }
    table.failed()?;
    Ok(distinct)
}

/// The answer of [`entities`]: its rows (see [`top_rows`]), `distinct` entities of the type
/// asked for, over `stories` stories of `articles` articles.
fn listed(
    req: &EntitiesRequest,
    entities: Vec<EntityCount>,
    distinct: usize,
    stories: usize,
    articles: usize,
) -> EntitiesResult {
    EntitiesResult {
        query: req.query.clone(),
        articles: stories,
        copies: articles - stories,
        distinct,
        entities,
    }
}

/// An entity's tally over some stories, strings instead of ids: what a shard group of a
/// distributed `entities` sends (see `crate::distributed`).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct TallyPart {
    /// The identity (key) it counts under.
    pub identity: String,
    /// Stories that mention it.
    pub stories: usize,
    /// Mentions over those stories.
    pub mentions: u64,
    /// Names written, with their mentions.
    pub names: Vec<(String, u64)>,
    /// Types given, with their mentions.
    pub kinds: Vec<(String, u64)>,
    /// A short name that the archive cannot resolve.
    pub ambiguous: bool,
}

/// One article's resolved entities, strings instead of ids: (identity, name, type, mentions,
/// ambiguous) each, with the article's key, story and date.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct ArticlePart {
    /// Article key.
    pub key: u64,
    /// Its story (copy cluster, or its own key with `all_copies`).
    pub story: u64,
    /// Publication date (Unix seconds).
    pub date_secs: Option<i64>,
    /// Its entities.
    pub lites: Vec<(String, String, String, u32, bool)>,
}

/// A shard group's part of `entities`: the tallies of the stories it holds whole, and the
/// articles of the stories whose copies other groups hold too (`split`), sent whole.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct EntitiesPart {
    /// Tallies over the stories counted here.
    pub tallies: Vec<TallyPart>,
    /// Stories counted here.
    pub stories: usize,
    /// Articles selected here.
    pub articles: usize,
    /// Articles of the split stories.
    pub split: Vec<ArticlePart>,
}

/// This index's part of [`entities`] when other processes hold other shards of the root: the
/// stories whose cluster is in `split` are sent article by article, the others tallied here.
/// `resolver` is the whole root's (its form counts added up).
pub fn entities_part(
    mi: &MorgueIndex,
    query: Option<&str>,
    filters: &Filters,
    all_copies: bool,
    resolver: &Resolver,
    split: &HashSet<u64>,
) -> Result<EntitiesPart> {
    let searcher = mi.searcher()?;
    let expr = query.map(query::parse).transpose()?;
    let selection = select_resolved(mi, &searcher, expr.as_ref(), filters, Some(resolver))?;
    let rows = rows(&selection, all_copies);
    let mut cols = EntityColumns::open(&searcher, resolver)?;
    let mut tallies = Tallies::new(0);
    let mut part = EntitiesPart {
        articles: rows.len(),
        ..EntitiesPart::default()
    };
    let mut sent = Vec::new();
    walk_stories(&mut cols, &rows, |story| {
        if story.first().is_some_and(|(r, _)| split.contains(&r.story)) {
            for (r, found) in story {
                sent.push((r.key, r.story, r.date_secs, found.lites.clone()));
            }
        } else {
            part.stories += 1;
            tally_story(&mut tallies, story);
        }
    })?;
    let strings = &cols.strings;
    let named = |m: &mut dyn Iterator<Item = (u32, u64)>| -> Vec<(String, u64)> {
        m.map(|(id, n)| (strings.get(id).to_string(), n)).collect()
    };
    part.tallies = tallies
        .ids()
        .iter()
        .map(|&id| TallyPart {
            identity: strings.get(id).to_string(),
            stories: tallies.stories(id),
            mentions: tallies.mentions(id),
            names: named(&mut tallies.names(id)),
            kinds: named(&mut tallies.kinds(id)),
            ambiguous: tallies.ambiguous(id),
        })
        .collect();
    part.tallies.sort_by(|a, b| a.identity.cmp(&b.identity));
    part.split = sent
        .into_iter()
        .map(|(key, story, date_secs, lites)| ArticlePart {
            key,
            story,
            date_secs,
            lites: lites
                .iter()
                .map(|l| {
                    let get = |id| strings.get(id).to_string();
                    (
                        get(l.identity),
                        get(l.name),
                        get(l.kind),
                        l.count,
                        l.ambiguous,
                    )
                })
                .collect(),
        })
        .collect();
    Ok(part)
}

/// [`entities`] from the parts of every shard group ([`entities_part`]): their tallies added
/// up, the split stories tallied here, then listed as one index lists them. `resolver` is the
/// whole root's.
pub fn entities_merged(
    parts: Vec<EntitiesPart>,
    req: &EntitiesRequest,
    resolver: &Resolver,
) -> EntitiesResult {
    let mut strings = Interner::default();
    let mut tallies = Tallies::new(0);
    let (mut stories, mut articles) = (0, 0);
    let mut split = Vec::new();
    for part in parts {
        stories += part.stories;
        articles += part.articles;
        split.extend(part.split);
        for t in part.tallies {
            let id = strings.id(&t.identity);
            let names: Vec<(u32, u64)> = t.names.iter().map(|(n, c)| (strings.id(n), *c)).collect();
            let kinds: Vec<(u32, u64)> = t.kinds.iter().map(|(k, c)| (strings.id(k), *c)).collect();
            tallies.add_tally(
                id,
                t.stories,
                t.mentions,
                t.ambiguous,
                names.into_iter(),
                kinds.into_iter(),
            );
        }
    }
    // The split stories, each in story order (original first), as `walk_stories` gives them.
    split.sort_by(|a, b| {
        a.story
            .cmp(&b.story)
            .then_with(|| original_first((a.date_secs, a.key), (b.date_secs, b.key)))
    });
    let mut story: Vec<(Row, ArticleEntities)> = Vec::new();
    for chunk in split.chunk_by(|a, b| a.story == b.story) {
        story.clear();
        for a in chunk {
            let lites = a
                .lites
                .iter()
                .map(|(identity, name, kind, count, ambiguous)| Lite {
                    identity: strings.id(identity),
                    name: strings.id(name),
                    kind: strings.id(kind),
                    count: *count,
                    forms: 0..0,
                    ambiguous: *ambiguous,
                })
                .collect();
            let row = Row {
                key: a.key,
                story: a.story,
                date_secs: a.date_secs,
                addr: DocAddress::new(0, 0),
            };
            story.push((
                row,
                ArticleEntities {
                    lites,
                    forms: Vec::new(),
                },
            ));
        }
        stories += 1;
        tally_story(&mut tallies, &story);
    }
    let (ids, distinct) = top_ids(&tallies, req, &strings, resolver.aliases());
    let entities = top_rows(&tallies, ids, &strings, resolver.aliases(), req.top);
    listed(req, entities, distinct, stories, articles)
}

/// The copy that stands for a story in `morgue entity`.
struct Shown {
    row: Row,
    outlet: Option<std::sync::Arc<str>>,
    mentions: u32,
}

/// Everything the index knows about the entity `req.name` (see the module doc).
pub fn entity(mi: &MorgueIndex, req: &EntityRequest) -> Result<EntityAnswer> {
    let searcher = mi.searcher()?;
    let f = &mi.fields;
    let resolver = Resolver::cached(mi, &searcher, req.filters.alias_table())?;
    let found = resolver.lookup(&searcher, f, &req.name)?;
    if found.dropped {
        return Ok(EntityAnswer::Dropped);
    }
    let mut filters = req.filters.clone();
    filters.entities.push(req.name.clone());
    let selection = select_resolved(mi, &searcher, None, &filters, Some(&resolver))?;
    let rows = rows(&selection, req.all_copies);
    let table = EntityTable::load(mi, &searcher, req.filters.alias_table())?;
    // An identity no article has is in no tally either.
    let ids: PreHashedSet<u32> = table
        .strings
        .find_all(found.identities.iter().map(|(id, _)| id.as_str()))
        .into_iter()
        .collect();
    let mut shown: Vec<Shown> = Vec::new();
    let mut variants: PreHashedMap<u32, usize> = PreHashedMap::default();
    let mut outlets: HashMap<std::sync::Arc<str>, usize> = HashMap::new();
    let mut together: PreHashedMap<u32, u64> = PreHashedMap::default();
    // The entity's own identities in full; the others' names and types only for those listed.
    let (mut mine_tally, mut others) = (
        Tallies::new(table.strings.len()),
        Tallies::counts_only(table.strings.len(), false),
    );
    let mut mentioning = 0;
    // Story by story, an article's entities read without their forms; the forms only for the
    // copy that stands for a story (its variants).
    let mut seen: Vec<u32> = Vec::new();
    let mut forms: Vec<u32> = Vec::new();
    for story in in_table_order(&rows) {
        mine_tally.begin_story();
        others.begin_story();
        let mut rep: Option<Shown> = None;
        for (article, row) in story.iter().enumerate() {
            // The entity's mentions in the article, if it mentions it.
            let mut mine: Option<u32> = None;
            seen.clear();
            for l in table.lites(row.addr) {
                others.add_count(article as u32, l.identity, l.count);
                seen.push(l.identity);
                if ids.contains(&l.identity) {
                    mine_tally.add(article as u32, &l);
                    mine = Some(mine.unwrap_or(0).saturating_add(l.count));
                }
            }
            let Some(mentions) = mine else {
                continue;
            };
            mentioning += 1;
            seen.sort_unstable();
            seen.dedup();
            for &id in &seen {
                *together.entry(id).or_default() += 1;
            }
            if rep.is_none() {
                table.forms_of(row.addr, |id| ids.contains(&id), &mut forms);
                forms.sort_unstable();
                forms.dedup();
                for &form in &forms {
                    *variants.entry(form).or_default() += 1;
                }
                let outlet = selection.articles.get(&row.key).and_then(|f| f.outlet);
                if let Some(o) = &outlet {
                    *outlets.entry(o.clone()).or_default() += 1;
                }
                rep = Some(Shown {
                    row: *row,
                    outlet,
                    mentions,
                });
            }
        }
        shown.extend(rep);
    }
    if shown.is_empty() {
        return Ok(EntityAnswer::Missing);
    }
    let strings = &table.strings;
    let mut candidates: Vec<EntityCount> = mine_tally
        .ids()
        .iter()
        .map(|&id| mine_tally.count(id, strings, resolver.aliases()))
        .collect();
    candidates.sort_by(by_articles);
    // Newest first, undated last, then by id.
    shown.sort_by(|a, b| match (a.row.date_secs, b.row.date_secs) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.row.key.cmp(&b.row.key)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.row.key.cmp(&b.row.key),
    });
    let variants = most_first(
        variants
            .into_iter()
            .map(|(k, n)| (strings.get(k).to_string(), n)),
        |name, articles| VariantCount { name, articles },
    );
    let variants_total = variants.len();
    let mut variants = variants;
    variants.truncate(req.variants);
    let outlets = most_first(
        outlets.into_iter().map(|(k, n)| (k.to_string(), n)),
        |outlet, articles| OutletCount { outlet, articles },
    );
    let dates = shown
        .iter()
        .filter_map(|s| s.row.date_secs.and_then(to_date));
    let (first_date, last_date) = (dates.clone().min(), dates.max());
    let co_mentioned = co_mentions(
        &searcher,
        mi,
        resolver.aliases(),
        &table,
        &rows,
        &mut others,
        &ids,
        &together,
        mentioning,
        req.related,
    )?;
    table.failed()?;
    let mut article_list = Vec::new();
    for s in shown.iter().take(req.limit) {
        // Only the listed articles' documents are loaded.
        let doc: TantivyDocument = searcher.doc(s.row.addr)?;
        article_list.push(EntityArticle {
            article_id: s.row.key.into(),
            title: text(&doc, f.title_text).unwrap_or_default(),
            outlet: s.outlet.as_deref().map(str::to_string),
            date: s.row.date_secs.and_then(to_date),
            mentions: s.mentions,
        });
    }
    let ambiguous = candidates.len() > 1;
    let (name, kind) = match (ambiguous, candidates.first()) {
        (false, Some(c)) => (c.name.clone(), c.kind.clone()),
        _ => (req.name.clone(), "ambiguous".to_string()),
    };
    Ok(EntityAnswer::Found(Box::new(EntityReport {
        query: req.name.clone(),
        name,
        kind,
        ambiguous,
        candidates,
        variants,
        variants_total,
        articles: shown.len(),
        copies: mentioning - shown.len(),
        mentions: shown.iter().map(|s| u64::from(s.mentions)).sum(),
        outlets,
        first_date,
        last_date,
        co_mentioned,
        article_list,
    })))
}

/// Counts as rows, most first (ties by name).
fn most_first<T>(
    counts: impl Iterator<Item = (String, usize)>,
    row: impl Fn(String, usize) -> T,
) -> Vec<T> {
    let mut v: Vec<(String, usize)> = counts.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(k, n)| row(k, n)).collect()
}

/// The entities most associated with the entity (`others`: the tallies of the stories of
/// `rows`, those that mention it, without names; `mine`: the entity's own identities, left
/// out; `together`: articles mentioning both; `mentioning`: articles mentioning the entity),
/// among those of at least [`MIN_CO_MENTIONS`] stories: Dunning's log-likelihood ratio over
/// article counts in the whole index (each identity's from the entity table, counted as
/// `together` is), for those mentioned more often with the entity than without. Raw
/// co-occurrence would rank whatever is everywhere ("Democrats") first. Names and types are
/// counted (into `others`) only for the `top` rows and those tied with the last.
#[allow(clippy::too_many_arguments)]
fn co_mentions(
    searcher: &Searcher,
    mi: &MorgueIndex,
    aliases: &AliasTable,
    table: &EntityTable,
    rows: &[Row],
    others: &mut Tallies,
    mine: &PreHashedSet<u32>,
    together: &PreHashedMap<u32, u64>,
    mentioning: usize,
    top: usize,
) -> Result<Vec<CoMention>> {
    let f = &mi.fields;
    let total = searcher.search(
        &TermQuery::new(
            Term::from_field_text(f.kind, KIND_ARTICLE),
            IndexRecordOption::Basic,
        ),
        &Count,
    )? as f64;
    let a = mentioning as f64;
    let mut scored: Vec<(f64, u32)> = Vec::new();
    // In increasing ids: the table's articles per identity are read in turn.
    let mut candidates: Vec<u32> = (others.ids().iter().copied())
        .filter(|id| !mine.contains(id) && others.stories(*id) >= MIN_CO_MENTIONS)
        .collect();
    candidates.sort_unstable();
    for id in candidates {
        let c = together.get(&id).copied().unwrap_or(0) as f64;
        let b = f64::from(table.articles_with(id)).max(c);
        if c * total <= a * b {
            continue; // not more frequent with the entity than without
        }
        scored.push((log_likelihood(c, a, b, total), id));
    }
    // Names and types only for the entities listed (and those tied with the last, which names
    // order): one more pass over the stories' entities, reading the identity column.
    scored.sort_by(|x, y| y.0.total_cmp(&x.0));
    match top
        .checked_sub(1)
        .and_then(|last| scored.get(last))
        .map(|s| s.0)
    {
        Some(bar) => scored.retain(|s| s.0 >= bar),
        None if top == 0 => scored.clear(),
        None => {}
    }
    let listed: PreHashedSet<u32> = scored.iter().map(|s| s.1).collect();
    let mut addrs: Vec<DocAddress> = rows.iter().map(|r| r.addr).collect();
    addrs.sort_unstable();
    for addr in addrs {
        for l in table.lites_of(addr, |id| listed.contains(&id)) {
            others.add_details(&l);
        }
    }
    let mut out: Vec<CoMention> = scored
        .into_iter()
        .map(|(score, id)| {
            let row = others.count(id, &table.strings, aliases);
            CoMention {
                name: row.name,
                kind: row.kind,
                articles: row.articles,
                score,
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.kind.cmp(&y.kind))
            .then_with(|| y.articles.cmp(&x.articles))
    });
    out.truncate(top);
    for c in &mut out {
        c.score = (c.score * 10.0).round() / 10.0;
    }
    Ok(out)
}

/// Dunning's G² for a 2×2 table: `both` articles mention the two entities, `a` the first, `b`
/// the second, `n` articles in all.
pub fn log_likelihood(both: f64, a: f64, b: f64, n: f64) -> f64 {
    let cells = [
        (both, a, b),
        (a - both, a, n - b),
        (b - both, n - a, b),
        (n - a - b + both, n - a, n - b),
    ];
    2.0 * cells
        .iter()
        .filter(|(k, _, _)| *k > 0.0)
        .map(|(k, row, col)| k * (k * n / (row * col)).ln())
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_likelihood_prefers_association_over_frequency() {
        // 1,000 articles; the entity is in 50. A is in 40 of them and 60 others; B (everywhere)
        // in 45 of them and 855 others.
        let a = log_likelihood(40.0, 50.0, 100.0, 1000.0);
        let b = log_likelihood(45.0, 50.0, 900.0, 1000.0);
        assert!(a > b, "{a} vs {b}");
        assert!(
            log_likelihood(5.0, 50.0, 100.0, 1000.0).abs() < 1e-9,
            "independent"
        );
    }
}
