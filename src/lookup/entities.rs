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
use super::entity_table::EntityTable;
use crate::error::Result;
use crate::extract::aliases::AliasTable;
use crate::extract::ner::EntityType;
use crate::hashing::{PreHashedMap, PreHashedSet};
use crate::index::stored_str as text;
use crate::index::{MorgueIndex, KIND_ARTICLE};
use crate::search::copies::original_first;
use crate::search::resolve::{entity_key, Resolver};
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
#[derive(Debug, Clone, Copy)]
struct Row<'s> {
    key: u64,
    story: u64,
    date_secs: Option<i64>,
    addr: DocAddress,
    outlet: Option<&'s str>,
}

impl Row<'_> {
    fn rank(&self) -> (Option<i64>, u64) {
        (self.date_secs, self.key)
    }
}

/// The selected articles grouped by story, each story's original first (the copy that stands
/// for it), stories in key order: a compact array, whatever the size of the archive.
fn rows(selection: &Selection, all_copies: bool) -> Vec<Row<'_>> {
    let mut rows: Vec<Row> = selection
        .articles
        .iter()
        .map(|(key, facts)| Row {
            key: *key,
            story: if all_copies { *key } else { facts.cluster },
            date_secs: facts.date_secs,
            addr: facts.addr,
            outlet: facts.outlet.as_deref(),
        })
        .collect();
    rows.sort_by(|a, b| {
        a.story
            .cmp(&b.story)
            .then_with(|| original_first(a.rank(), b.rank()))
    });
    rows
}

/// Where [`walk_stories`] reads an article's resolved entities: the entity column, or the
/// commit's [`EntityTable`].
trait Source {
    fn read(&mut self, addr: DocAddress, out: &mut ArticleEntities) -> Result<()>;
}

impl Source for EntityColumns<'_> {
    fn read(&mut self, addr: DocAddress, out: &mut ArticleEntities) -> Result<()> {
        self.article(addr, out)
    }
}

impl Source for &EntityTable {
    fn read(&mut self, addr: DocAddress, out: &mut ArticleEntities) -> Result<()> {
        self.article(addr, out);
        Ok(())
    }
}

/// Calls `visit` with each story's articles (original first) and their resolved entities,
/// reading those of one story at a time.
fn walk_stories<'s>(
    cols: &mut impl Source,
    rows: &[Row<'s>],
    mut visit: impl FnMut(&[(Row<'s>, ArticleEntities)]),
) -> Result<()> {
    let mut story: Vec<(Row<'s>, ArticleEntities)> = Vec::new();
    let mut spare: Vec<ArticleEntities> = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.story == b.story) {
        for (_, v) in story.drain(..) {
            spare.push(v);
        }
        for row in chunk {
            let mut found = spare.pop().unwrap_or_default();
            cols.read(row.addr, &mut found)?;
            story.push((*row, found));
        }
        visit(&story);
    }
    Ok(())
}

/// Tallies identities over stories: names and types seen (over every article), and per story
/// the mentions of the copy that stands for it (the first in story order that mentions it).
#[derive(Default)]
struct Tallies {
    map: PreHashedMap<u32, Tally>,
    /// Stories added so far (the one being added, while it is).
    stories: u32,
}

#[derive(Default)]
struct Tally {
    stories: usize,
    mentions: u64,
    names: Counts,
    kinds: Counts,
    ambiguous: bool,
    /// The last story that counted it (0: none), and which of its articles (the one whose
    /// mentions count).
    counted_in: (u32, u32),
}

impl Tallies {
    /// Adds one story's articles, counting only the identities in `only` when set.
    fn story(&mut self, articles: &[(Row, ArticleEntities)], only: Option<&PreHashedSet<u32>>) {
        self.stories += 1;
        let story = self.stories;
        for (article, (_, found)) in articles.iter().enumerate() {
            let article = article as u32;
            for r in &found.lites {
                if only.is_some_and(|o| !o.contains(&r.identity)) {
                    continue;
                }
                let t = self.map.entry(r.identity).or_default();
                bump(&mut t.names, r.name, u64::from(r.count));
                bump(&mut t.kinds, r.kind, u64::from(r.count));
                t.ambiguous |= r.ambiguous;
                if t.counted_in.0 != story {
                    t.counted_in = (story, article);
                    t.stories += 1;
                    t.mentions += u64::from(r.count);
                } else if t.counted_in.1 == article {
                    t.mentions += u64::from(r.count);
                }
            }
        }
    }
}

impl Tally {
    /// The most counted of `m` (ties: the smallest string), preferring those `prefer` accepts.
    fn best(m: &Counts, strings: &Interner, prefer: impl Fn(&str) -> bool) -> String {
        m.iter()
            .map(|(id, n)| (strings.get(id), n))
            .max_by(|a, b| {
                (prefer(a.0), a.1)
                    .cmp(&(prefer(b.0), b.1))
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(k, _)| k.to_string())
            .unwrap_or_default()
    }

    fn kind(&self, strings: &Interner) -> String {
        Tally::best(&self.kinds, strings, |_| false)
    }

    /// The listing row of identity `id`: the alias table's name, else the most mentioned name
    /// written in full (whose key is the identity).
    fn count(&self, id: u32, strings: &Interner, aliases: &AliasTable) -> EntityCount {
        let id = strings.get(id);
        let name = match aliases.lookup_key(id) {
            Some(g) => g.canonical.clone(),
            None => Tally::best(&self.names, strings, |n| entity_key(n) == id),
        };
        EntityCount {
            name,
            kind: self.kind(strings),
            articles: self.stories,
            mentions: self.mentions,
            ambiguous: self.ambiguous,
        }
    }
}

/// Counts of ids, the first kept inline: most entities have one name and one type, and a
/// listing tallies hundreds of thousands of them.
#[derive(Default)]
struct Counts {
    first: Option<(u32, u64)>,
    more: Vec<(u32, u64)>,
}

impl Counts {
    /// The ids with their counts, in the order they were first added.
    fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.first.into_iter().chain(self.more.iter().copied())
    }
}

/// Adds `n` to the count of `k`.
fn bump(m: &mut Counts, k: u32, n: u64) {
    match &mut m.first {
        None => m.first = Some((k, n)),
        Some((x, v)) if *x == k => *v += n,
        Some(_) => match m.more.iter_mut().find(|(x, _)| *x == k) {
            Some((_, v)) => *v += n,
            None => m.more.push((k, n)),
        },
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

/// The `top` rows of `tallies` by stories, then mentions, then name (of those `keep` accepts),
/// and how many `keep` accepts. Names are worked out only for the rows that may be listed.
fn top_rows(
    tallies: &PreHashedMap<u32, Tally>,
    strings: &Interner,
    aliases: &AliasTable,
    top: usize,
    keep: impl Fn(&Tally) -> bool,
) -> (Vec<EntityCount>, usize) {
    let mut kept: Vec<(&u32, &Tally)> = tallies.iter().filter(|(_, t)| keep(t)).collect();
    let distinct = kept.len();
    kept.sort_unstable_by_key(|(_, t)| std::cmp::Reverse((t.stories, t.mentions)));
    if let Some(last) = kept.get(top.saturating_sub(1)).filter(|_| top > 0) {
        let bar = (last.1.stories, last.1.mentions);
        kept.retain(|(_, t)| (t.stories, t.mentions) >= bar);
    } else if top == 0 {
        kept.clear();
    }
    let mut rows: Vec<EntityCount> = kept
        .into_iter()
        .map(|(id, t)| t.count(*id, strings, aliases))
        .collect();
    rows.sort_by(by_articles);
    rows.truncate(top);
    (rows, distinct)
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
    let mut tallies = Tallies::default();
    // Over much of the archive, most of its names are identities: one allocation instead of
    // growing the map.
    tallies
        .map
        .reserve((table.strings.len() / 2).min(rows.len().saturating_mul(8)));
    let mut stories = 0;
    walk_stories(&mut &table, &rows, |story| {
        stories += 1;
        tallies.story(story, None);
    })?;
    Ok(listed(
        req,
        &tallies,
        &table.strings,
        aliases,
        stories,
        rows.len(),
    ))
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
    for facts in selection.articles.values() {
        for id in table.identities(facts.addr) {
            if let Some(s) = seen.get_mut(id as usize).filter(|s| !**s) {
                *s = true;
                distinct += 1;
            }
        }
    }
    Ok(distinct)
}

/// The answer of [`entities`] from the tallies of `stories` stories over `articles` articles:
/// the top entities of the type asked for.
fn listed(
    req: &EntitiesRequest,
    tallies: &Tallies,
    strings: &Interner,
    aliases: &AliasTable,
    stories: usize,
    articles: usize,
) -> EntitiesResult {
    let kind = req.kind.map(|k| strings.find(k.name()));
    let (entities, distinct) = top_rows(&tallies.map, strings, aliases, req.top, |t| {
        kind.is_none_or(|k| k.is_some_and(|k| t.kind(strings) == strings.get(k)))
    });
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
    let mut tallies = Tallies::default();
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
            tallies.story(story, None);
        }
    })?;
    let strings = &cols.strings;
    let named = |m: &Counts| -> Vec<(String, u64)> {
        m.iter()
            .map(|(id, n)| (strings.get(id).to_string(), n))
            .collect()
    };
    part.tallies = tallies
        .map
        .iter()
        .map(|(&id, t)| TallyPart {
            identity: strings.get(id).to_string(),
            stories: t.stories,
            mentions: t.mentions,
            names: named(&t.names),
            kinds: named(&t.kinds),
            ambiguous: t.ambiguous,
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
    let mut tallies = Tallies::default();
    let (mut stories, mut articles) = (0, 0);
    let mut split = Vec::new();
    for part in parts {
        stories += part.stories;
        articles += part.articles;
        split.extend(part.split);
        for t in part.tallies {
            let tally = tallies.map.entry(strings.id(&t.identity)).or_default();
            tally.stories += t.stories;
            tally.mentions += t.mentions;
            tally.ambiguous |= t.ambiguous;
            for (n, c) in &t.names {
                bump(&mut tally.names, strings.id(n), *c);
            }
            for (k, c) in &t.kinds {
                bump(&mut tally.kinds, strings.id(k), *c);
            }
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
                outlet: None,
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
        tallies.story(&story, None);
    }
    listed(
        req,
        &tallies,
        &strings,
        resolver.aliases(),
        stories,
        articles,
    )
}

/// The copy that stands for a story in `morgue entity`.
struct Shown<'s> {
    row: Row<'s>,
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
    let mut outlets: HashMap<&str, usize> = HashMap::new();
    let mut together: PreHashedMap<u32, u64> = PreHashedMap::default();
    let (mut mine_tally, mut others) = (Tallies::default(), Tallies::default());
    let mut mentioning = 0;
    let mut ids_seen = Vec::new();
    walk_stories(&mut &table, &rows, |story| {
        let mut rep: Option<Shown> = None;
        for (row, found) in story {
            let mine: Vec<&Lite> = found
                .lites
                .iter()
                .filter(|r| ids.contains(&r.identity))
                .collect();
            if mine.is_empty() {
                continue;
            }
            mentioning += 1;
            found.identities(&mut ids_seen);
            for &(id, _) in &ids_seen {
                *together.entry(id).or_default() += 1;
            }
            if rep.is_none() {
                let forms: HashSet<u32> = mine
                    .iter()
                    .flat_map(|r| found.forms_of(r).iter().map(|(f, _)| *f))
                    .collect();
                for form in forms {
                    *variants.entry(form).or_default() += 1;
                }
                if let Some(o) = row.outlet {
                    *outlets.entry(o).or_default() += 1;
                }
                rep = Some(Shown {
                    row: *row,
                    mentions: mine.iter().map(|r| r.count).sum(),
                });
            }
        }
        shown.extend(rep);
        mine_tally.story(story, Some(&ids));
        others.story(story, None);
    })?;
    if shown.is_empty() {
        return Ok(EntityAnswer::Missing);
    }
    let strings = &table.strings;
    let mut candidates: Vec<EntityCount> = mine_tally
        .map
        .iter()
        .map(|(id, t)| t.count(*id, strings, resolver.aliases()))
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
    others
        .map
        .retain(|id, t| !ids.contains(id) && t.stories >= MIN_CO_MENTIONS);
    let co_mentioned = co_mentions(
        &searcher,
        mi,
        &resolver,
        strings,
        &others.map,
        &together,
        mentioning,
        req.related,
    )?;
    let mut article_list = Vec::new();
    for s in shown.iter().take(req.limit) {
        // Only the listed articles' documents are loaded.
        let doc: TantivyDocument = searcher.doc(s.row.addr)?;
        article_list.push(EntityArticle {
            article_id: s.row.key.into(),
            title: text(&doc, f.title_text).unwrap_or_default(),
            outlet: s.row.outlet.map(str::to_string),
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

/// The entities most associated with the entity (`others`: the identities of the stories that
/// mention it, with at least [`MIN_CO_MENTIONS`] of them; `together`: articles mentioning both;
/// `mentioning`: articles mentioning the entity): Dunning's log-likelihood ratio over article
/// counts in the whole index, for those mentioned more often with the entity than without. Raw
/// co-occurrence would rank whatever is everywhere ("Democrats") first.
#[allow(clippy::too_many_arguments)]
fn co_mentions(
    searcher: &Searcher,
    mi: &MorgueIndex,
    resolver: &Resolver,
    strings: &Interner,
    others: &PreHashedMap<u32, Tally>,
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
    let mut out = Vec::new();
    for (id, t) in others {
        let c = together.get(id).copied().unwrap_or(0) as f64;
        let q = resolver.query(f, &[strings.get(*id).to_string()]);
        let b = (searcher.search(q.as_ref(), &Count)? as f64).max(c);
        if c * total <= a * b {
            continue; // not more frequent with the entity than without
        }
        let row = t.count(*id, strings, resolver.aliases());
        out.push(CoMention {
            name: row.name,
            kind: row.kind,
            articles: row.articles,
            score: log_likelihood(c, a, b, total),
        });
    }
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
