//! Entity lookups: the most mentioned entities of the index or of a query's results
//! (`morgue entities`), and everything the index knows about one entity (`morgue entity`).
//!
//! Entities are identified across articles by the canonical key of their alias-table name when
//! the current table knows them, else of their own name; so the table can change without
//! re-indexing. Counts are numbers of *articles*, with mentions summed alongside.

use super::{query, select, to_date, ArticleFacts, Filters, Selection};
use crate::error::Result;
use crate::extract::aliases::{canonical_key, AliasTable};
use crate::extract::ner::EntityType;
use crate::index::stored_str as text;
use crate::index::{decode_entities, MorgueIndex};
use crate::model::ArticleEntity;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use tantivy::{Searcher, TantivyDocument};

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
    /// Count every near-duplicate copy; by default a story's copies count once (its original).
    pub all_copies: bool,
}

/// One entity of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityCount {
    /// Canonical name.
    pub name: String,
    /// `person`, `org`, `location` or `misc`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Articles that mention it.
    pub articles: usize,
    /// Mentions, summed over those articles.
    pub mentions: u64,
}

/// The answer to an [`EntitiesRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct EntitiesResult {
    /// The query, when one was given.
    pub query: Option<String>,
    /// Articles looked at (matching the query and filters): one per story unless `all_copies`.
    pub articles: usize,
    /// Matching articles not looked at because they are near-duplicate copies of one looked at.
    pub copies: usize,
    /// Distinct entities found in them (of the requested type).
    pub distinct: usize,
    /// The most mentioned entities (by articles, then mentions, then name), at most `top`.
    pub entities: Vec<EntityCount>,
}

/// An article that mentions the entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityArticle {
    /// Article id (16 hex digits).
    pub id: String,
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
    /// Canonical name.
    pub name: String,
    /// `person`, `org`, `location` or `misc` (the most frequent over its articles).
    #[serde(rename = "type")]
    pub kind: String,
    /// Names the articles used for it, with the number of articles using each, most first.
    pub variants: Vec<(String, u64)>,
    /// Articles that mention it.
    pub articles: usize,
    /// Mentions over all articles.
    pub mentions: u64,
    /// Outlets with their numbers of articles, most first (unknown outlets left out).
    pub outlets: Vec<(String, usize)>,
    /// Earliest dated article.
    pub first_date: Option<NaiveDate>,
    /// Latest dated article.
    pub last_date: Option<NaiveDate>,
    /// Entities most often mentioned in the same articles, by number of articles.
    pub co_mentioned: Vec<EntityCount>,
    /// The articles, newest first (undated last).
    pub article_list: Vec<EntityArticle>,
}

/// An article document's fields needed by the lookups.
struct ArticleInfo {
    id: String,
    title: String,
    outlet: Option<String>,
    date: Option<NaiveDate>,
    entities: Vec<ArticleEntity>,
}

fn read_articles(
    mi: &MorgueIndex,
    searcher: &Searcher,
    selection: &Selection,
) -> Result<Vec<ArticleInfo>> {
    let f = &mi.fields;
    // Only the selected articles' documents are loaded, in index order (deterministic output).
    let mut selected: Vec<&ArticleFacts> = selection.articles.values().collect();
    selected.sort_by_key(|facts| facts.addr);
    let mut out = Vec::with_capacity(selected.len());
    for facts in selected {
        let doc: TantivyDocument = searcher.doc(facts.addr)?;
        let entities: Vec<ArticleEntity> = text(&doc, f.entity_counts)
            .map(|j| decode_entities(&j))
            .unwrap_or_default();
        out.push(ArticleInfo {
            id: text(&doc, f.article_id).unwrap_or_default(),
            title: text(&doc, f.title_text).unwrap_or_default(),
            outlet: facts.outlet.clone(),
            date: facts.date_secs.and_then(to_date),
            entities,
        });
    }
    Ok(out)
}

/// The cross-article identity of an entity (a canonical key) and the name it is shown under
/// when the alias table fixes one.
type Identity = (Rc<str>, Option<String>);

/// Identities of entity names, each worked out once: names recur across thousands of
/// articles, and canonical keys (Unicode decomposition) were most of a listing's time.
struct Identities<'a> {
    aliases: &'a AliasTable,
    by_name: HashMap<String, Identity>,
}

impl<'a> Identities<'a> {
    fn new(aliases: &'a AliasTable) -> Identities<'a> {
        Identities {
            aliases,
            by_name: HashMap::new(),
        }
    }

    fn of(&mut self, e: &ArticleEntity) -> &Identity {
        if !self.by_name.contains_key(&e.name) {
            let id: Identity = match self.aliases.lookup(&e.name) {
                Some(g) => (
                    canonical_key(&g.canonical).into(),
                    Some(g.canonical.clone()),
                ),
                None => (canonical_key(&e.name).into(), None),
            };
            self.by_name.insert(e.name.clone(), id);
        }
        &self.by_name[&e.name]
    }
}

/// Tallies entities over articles: per key, names with counts, type votes, articles, mentions.
#[derive(Default)]
struct Tally {
    names: HashMap<String, u64>,
    fixed: Option<String>,
    kinds: HashMap<String, u64>,
    articles: usize,
    mentions: u64,
}

impl Tally {
    fn add(&mut self, e: &ArticleEntity, fixed: Option<&String>) {
        bump(&mut self.names, &e.name, u64::from(e.count));
        bump(&mut self.kinds, &e.kind, u64::from(e.count));
        if self.fixed.is_none() {
            self.fixed = fixed.cloned();
        }
        self.articles += 1;
        self.mentions += u64::from(e.count);
    }

    fn best(m: &HashMap<String, u64>) -> String {
        m.iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    }

    fn count(&self) -> EntityCount {
        EntityCount {
            name: self
                .fixed
                .clone()
                .unwrap_or_else(|| Tally::best(&self.names)),
            kind: Tally::best(&self.kinds),
            articles: self.articles,
            mentions: self.mentions,
        }
    }
}

/// Adds `n` to `m[k]`, allocating the key only the first time.
fn bump(m: &mut HashMap<String, u64>, k: &str, n: u64) {
    match m.get_mut(k) {
        Some(v) => *v += n,
        None => {
            m.insert(k.to_string(), n);
        }
    }
}

fn ranked(tallies: HashMap<Rc<str>, Tally>, kind: Option<EntityType>) -> Vec<EntityCount> {
    let mut v: Vec<EntityCount> = tallies
        .values()
        .map(Tally::count)
        .filter(|c| kind.is_none_or(|k| c.kind == k.name()))
        .collect();
    v.sort_by(|a, b| {
        b.articles
            .cmp(&a.articles)
            .then_with(|| b.mentions.cmp(&a.mentions))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// The most mentioned entities of the index, or of a query's results.
pub fn entities(mi: &MorgueIndex, req: &EntitiesRequest) -> Result<EntitiesResult> {
    let searcher = mi.searcher()?;
    let aliases = req.filters.alias_table();
    let expr = req.query.as_deref().map(query::parse).transpose()?;
    let mut selection = select(mi, &searcher, expr.as_ref(), &req.filters)?;
    let copies = if req.all_copies {
        0
    } else {
        selection.fold_copies()
    };
    let articles = read_articles(mi, &searcher, &selection)?;
    let mut ids = Identities::new(aliases);
    let mut tallies: HashMap<Rc<str>, Tally> = HashMap::new();
    let mut seen = HashSet::new();
    for a in &articles {
        seen.clear();
        for e in &a.entities {
            let (key, fixed) = ids.of(e);
            if seen.insert(Rc::clone(key)) {
                tallies
                    .entry(Rc::clone(key))
                    .or_default()
                    .add(e, fixed.as_ref());
            }
        }
    }
    let mut list = ranked(tallies, req.kind);
    let distinct = list.len();
    list.truncate(req.top);
    Ok(EntitiesResult {
        query: req.query.clone(),
        articles: articles.len(),
        copies,
        distinct,
        entities: list,
    })
}

/// Everything the index knows about the entity `name` (any of its alias-table variants);
/// `None` when no article mentions it.
pub fn entity(
    mi: &MorgueIndex,
    name: &str,
    filters: &Filters,
    co_top: usize,
) -> Result<Option<EntityReport>> {
    let searcher = mi.searcher()?;
    let aliases = filters.alias_table();
    let mut filters = filters.clone();
    filters.entities.push(name.to_string());
    let selection = select(mi, &searcher, None, &filters)?;
    let articles = read_articles(mi, &searcher, &selection)?;
    let wanted: HashSet<String> = aliases.expand(name).into_iter().collect();
    let is_it = |e: &ArticleEntity| {
        std::iter::once(&e.name)
            .chain(&e.variants)
            .any(|n| wanted.contains(&canonical_key(n)))
    };
    let mut me = Tally::default();
    let mut variants: HashMap<String, u64> = HashMap::new();
    let mut outlets: HashMap<String, usize> = HashMap::new();
    let mut others: HashMap<Rc<str>, Tally> = HashMap::new();
    let mut ids = Identities::new(aliases);
    let mut list = Vec::new();
    let mut own_keys = HashSet::new();
    for a in &articles {
        let mine: Vec<&ArticleEntity> = a.entities.iter().filter(|e| is_it(e)).collect();
        if mine.is_empty() {
            continue;
        }
        let mut count = 0;
        for e in &mine {
            let (key, fixed) = ids.of(e);
            own_keys.insert(Rc::clone(key));
            me.add(e, fixed.as_ref());
            me.articles -= 1;
            count += e.count;
            for v in &e.variants {
                *variants.entry(v.clone()).or_default() += 1;
            }
        }
        me.articles += 1;
        if let Some(o) = &a.outlet {
            *outlets.entry(o.clone()).or_default() += 1;
        }
        list.push(EntityArticle {
            id: a.id.clone(),
            title: a.title.clone(),
            outlet: a.outlet.clone(),
            date: a.date,
            mentions: count,
        });
        let mut seen = HashSet::new();
        for e in a.entities.iter().filter(|e| !is_it(e)) {
            let (key, fixed) = ids.of(e);
            if seen.insert(Rc::clone(key)) {
                others
                    .entry(Rc::clone(key))
                    .or_default()
                    .add(e, fixed.as_ref());
            }
        }
    }
    if list.is_empty() {
        return Ok(None);
    }
    for k in &own_keys {
        others.remove(k);
    }
    let c = me.count();
    let mut variants: Vec<(String, u64)> = variants.into_iter().collect();
    variants.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut outlets: Vec<(String, usize)> = outlets.into_iter().collect();
    outlets.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    let mut co = ranked(others, None);
    co.truncate(co_top);
    Ok(Some(EntityReport {
        query: name.to_string(),
        name: c.name,
        kind: c.kind,
        variants,
        articles: list.len(),
        mentions: c.mentions,
        outlets,
        first_date: list.iter().filter_map(|a| a.date).min(),
        last_date: list.iter().filter_map(|a| a.date).max(),
        co_mentioned: co,
        article_list: list,
    }))
}
