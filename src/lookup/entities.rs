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

use crate::error::Result;
use crate::extract::ner::EntityType;
use crate::index::stored_str as text;
use crate::index::{decode_entities, MorgueIndex, KIND_ARTICLE};
use crate::search::copies::original_first;
use crate::search::resolve::{Resolved, Resolver};
use crate::search::{query, select_resolved, to_date, ArticleFacts, Filters, Selection};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, TantivyDocument, Term};

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
    /// Article id (16 hex digits).
    pub article_id: String,
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

/// A selected article with its entities resolved.
struct ArticleInfo {
    key: u64,
    facts: ArticleFacts,
    id: String,
    title: String,
    entities: Vec<Resolved>,
}

impl ArticleInfo {
    fn story(&self, all_copies: bool) -> u64 {
        if all_copies {
            self.key
        } else {
            self.facts.cluster
        }
    }

    fn rank(&self) -> (Option<i64>, u64) {
        (self.facts.date_secs, self.key)
    }

    /// The article's entities grouped by identity: (identity, mentions, its entities).
    fn by_identity(&self) -> Vec<(&str, u32, Vec<&Resolved>)> {
        let mut out: Vec<(&str, u32, Vec<&Resolved>)> = Vec::new();
        for r in &self.entities {
            match out.iter_mut().find(|(id, _, _)| *id == r.identity) {
                Some((_, n, v)) => {
                    *n += r.count;
                    v.push(r);
                }
                None => out.push((r.identity.as_str(), r.count, vec![r])),
            }
        }
        out
    }
}

fn read_articles(
    mi: &MorgueIndex,
    searcher: &Searcher,
    selection: &Selection,
    resolver: &Resolver,
) -> Result<Vec<ArticleInfo>> {
    let f = &mi.fields;
    // Only the selected articles' documents are loaded, in index order (deterministic output).
    let mut selected: Vec<(&u64, &ArticleFacts)> = selection.articles.iter().collect();
    selected.sort_by_key(|(_, facts)| facts.addr);
    let mut out = Vec::with_capacity(selected.len());
    for (key, facts) in selected {
        let doc: TantivyDocument = searcher.doc(facts.addr)?;
        let stored = text(&doc, f.entity_counts)
            .map(|j| decode_entities(&j))
            .unwrap_or_default();
        out.push(ArticleInfo {
            key: *key,
            facts: facts.clone(),
            id: text(&doc, f.article_id).unwrap_or_default(),
            title: text(&doc, f.title_text).unwrap_or_default(),
            entities: resolver.article_entities(&stored),
        });
    }
    Ok(out)
}

/// Tallies one identity over articles: names and types seen, and per story the article that
/// stands for it (its original among those mentioning the identity) with its mentions.
#[derive(Default)]
struct Tally {
    names: HashMap<String, u64>,
    kinds: HashMap<String, u64>,
    stories: HashMap<u64, ((Option<i64>, u64), u32)>,
    ambiguous: bool,
}

impl Tally {
    fn add(&mut self, story: u64, rank: (Option<i64>, u64), mentions: u32, rs: &[&Resolved]) {
        for r in rs {
            bump(&mut self.names, &r.name, u64::from(r.count));
            bump(&mut self.kinds, &r.kind, u64::from(r.count));
            self.ambiguous |= r.ambiguous;
        }
        let e = self.stories.entry(story).or_insert((rank, mentions));
        if original_first(rank, e.0).is_lt() {
            *e = (rank, mentions);
        }
    }

    fn best(m: &HashMap<String, u64>, prefer: impl Fn(&str) -> bool) -> String {
        m.iter()
            .max_by(|a, b| {
                (prefer(a.0), a.1)
                    .cmp(&(prefer(b.0), b.1))
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    }

    /// The listing row of identity `id`: the alias table's name, else the most mentioned name
    /// written in full (whose key is the identity).
    fn count(&self, id: &str, resolver: &Resolver) -> EntityCount {
        let name = match resolver.aliases().lookup_key(id) {
            Some(g) => g.canonical.clone(),
            None => Tally::best(&self.names, |n| resolver.key(n) == id),
        };
        EntityCount {
            name,
            kind: Tally::best(&self.kinds, |_| false),
            articles: self.stories.len(),
            mentions: self.stories.values().map(|(_, n)| u64::from(*n)).sum(),
            ambiguous: self.ambiguous,
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

fn by_articles(a: &EntityCount, b: &EntityCount) -> std::cmp::Ordering {
    b.articles
        .cmp(&a.articles)
        .then_with(|| b.mentions.cmp(&a.mentions))
        .then_with(|| a.name.cmp(&b.name))
}

/// Tallies every identity of `articles` (or only `only`).
fn tally(
    articles: &[ArticleInfo],
    all_copies: bool,
    only: Option<&HashSet<String>>,
) -> HashMap<String, Tally> {
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    for a in articles {
        for (id, n, rs) in a.by_identity() {
            if only.is_some_and(|o| !o.contains(id)) {
                continue;
            }
            match tallies.get_mut(id) {
                Some(t) => t.add(a.story(all_copies), a.rank(), n, &rs),
                None => {
                    let mut t = Tally::default();
                    t.add(a.story(all_copies), a.rank(), n, &rs);
                    tallies.insert(id.to_string(), t);
                }
            }
        }
    }
    tallies
}

/// The most mentioned entities of the index, or of a query's results.
pub fn entities(mi: &MorgueIndex, req: &EntitiesRequest) -> Result<EntitiesResult> {
    let searcher = mi.searcher()?;
    let resolver = Resolver::new(&searcher, &mi.fields, req.filters.alias_table())?;
    let expr = req.query.as_deref().map(query::parse).transpose()?;
    let selection = select_resolved(mi, &searcher, expr.as_ref(), &req.filters, Some(&resolver))?;
    let articles = read_articles(mi, &searcher, &selection, &resolver)?;
    let stories: HashSet<u64> = articles.iter().map(|a| a.story(req.all_copies)).collect();
    let mut list: Vec<EntityCount> = tally(&articles, req.all_copies, None)
        .iter()
        .map(|(id, t)| t.count(id, &resolver))
        .filter(|c| req.kind.is_none_or(|k| c.kind == k.name()))
        .collect();
    list.sort_by(by_articles);
    let distinct = list.len();
    list.truncate(req.top);
    Ok(EntitiesResult {
        query: req.query.clone(),
        articles: stories.len(),
        copies: articles.len() - stories.len(),
        distinct,
        entities: list,
    })
}

/// Everything the index knows about the entity `req.name` (see the module doc).
pub fn entity(mi: &MorgueIndex, req: &EntityRequest) -> Result<EntityAnswer> {
    let searcher = mi.searcher()?;
    let f = &mi.fields;
    let resolver = Resolver::new(&searcher, f, req.filters.alias_table())?;
    let found = resolver.lookup(&searcher, f, &req.name)?;
    if found.dropped {
        return Ok(EntityAnswer::Dropped);
    }
    let ids: HashSet<String> = found.identities.iter().map(|(id, _)| id.clone()).collect();
    let mut filters = req.filters.clone();
    filters.entities.push(req.name.clone());
    let selection = select_resolved(mi, &searcher, None, &filters, Some(&resolver))?;
    let articles = read_articles(mi, &searcher, &selection, &resolver)?;
    fn mine<'a>(a: &'a ArticleInfo, ids: &HashSet<String>) -> (u32, Vec<&'a Resolved>) {
        let rs: Vec<&Resolved> = a
            .entities
            .iter()
            .filter(|r| ids.contains(&r.identity))
            .collect();
        (rs.iter().map(|r| r.count).sum(), rs)
    }
    // The article standing for each story: its original among those that mention the entity.
    let mut stories: HashMap<u64, &ArticleInfo> = HashMap::new();
    let mut mentioning = 0;
    for a in &articles {
        if mine(a, &ids).1.is_empty() {
            continue;
        }
        mentioning += 1;
        let e = stories.entry(a.story(req.all_copies)).or_insert(a);
        if original_first(a.rank(), e.rank()).is_lt() {
            *e = a;
        }
    }
    if stories.is_empty() {
        return Ok(EntityAnswer::Missing);
    }
    let mut candidates: Vec<EntityCount> = tally(&articles, req.all_copies, Some(&ids))
        .iter()
        .map(|(id, t)| t.count(id, &resolver))
        .collect();
    candidates.sort_by(by_articles);
    let mut shown: Vec<&ArticleInfo> = stories.values().copied().collect();
    shown.sort_by(|a, b| match (a.facts.date_secs, b.facts.date_secs) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    let mut variants: HashMap<String, usize> = HashMap::new();
    let mut outlets: HashMap<String, usize> = HashMap::new();
    let mut mentions = 0u64;
    for a in &shown {
        let (n, rs) = mine(a, &ids);
        mentions += u64::from(n);
        let forms: HashSet<&str> = rs
            .iter()
            .flat_map(|r| r.forms.iter().map(|(f, _)| f.as_str()))
            .collect();
        for form in forms {
            *variants.entry(form.to_string()).or_default() += 1;
        }
        if let Some(o) = &a.facts.outlet {
            *outlets.entry(o.clone()).or_default() += 1;
        }
    }
    let mut variants = most_first(variants, |name, articles| VariantCount { name, articles });
    let variants_total = variants.len();
    variants.truncate(req.variants);
    let outlets = most_first(outlets, |outlet, articles| OutletCount { outlet, articles });
    let dates = shown
        .iter()
        .filter_map(|a| a.facts.date_secs.and_then(to_date));
    let (first_date, last_date) = (dates.clone().min(), dates.max());
    let co_mentioned = co_mentions(
        &searcher,
        mi,
        &resolver,
        &articles,
        &ids,
        mentioning,
        req.all_copies,
        req.related,
    )?;
    let article_list = shown
        .iter()
        .take(req.limit)
        .map(|a| EntityArticle {
            article_id: a.id.clone(),
            title: a.title.clone(),
            outlet: a.facts.outlet.clone(),
            date: a.facts.date_secs.and_then(to_date),
            mentions: mine(a, &ids).0,
        })
        .collect();
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
        articles: stories.len(),
        copies: mentioning - stories.len(),
        mentions,
        outlets,
        first_date,
        last_date,
        co_mentioned,
        article_list,
    })))
}

/// Counts as rows, most first (ties by name).
fn most_first<T>(counts: HashMap<String, usize>, row: impl Fn(String, usize) -> T) -> Vec<T> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(k, n)| row(k, n)).collect()
}

/// The entities most associated with the identities `ids` in `articles` (the articles that
/// mention them): Dunning's log-likelihood ratio over article counts in the whole index, for
/// those sharing at least [`MIN_CO_MENTIONS`] stories and mentioned more often with the entity
/// than without. Raw co-occurrence would rank whatever is everywhere ("Democrats") first.
#[allow(clippy::too_many_arguments)]
fn co_mentions(
    searcher: &Searcher,
    mi: &MorgueIndex,
    resolver: &Resolver,
    articles: &[ArticleInfo],
    ids: &HashSet<String>,
    mentioning: usize,
    all_copies: bool,
    top: usize,
) -> Result<Vec<CoMention>> {
    let f = &mi.fields;
    let mut others = tally(articles, all_copies, None);
    let mut together: HashMap<String, u64> = HashMap::new();
    for a in articles {
        let by = a.by_identity();
        if !by.iter().any(|(id, _, _)| ids.contains(*id)) {
            continue;
        }
        for (id, _, _) in by {
            *together.entry(id.to_string()).or_default() += 1;
        }
    }
    others.retain(|id, t| !ids.contains(id) && t.stories.len() >= MIN_CO_MENTIONS);
    let total = searcher.search(
        &TermQuery::new(
            Term::from_field_text(f.kind, KIND_ARTICLE),
            IndexRecordOption::Basic,
        ),
        &Count,
    )? as f64;
    let a = mentioning as f64;
    let mut out = Vec::new();
    for (id, t) in &others {
        let c = together.get(id).copied().unwrap_or(0) as f64;
        let q = resolver.query(f, std::slice::from_ref(id));
        let b = (searcher.search(q.as_ref(), &Count)? as f64).max(c);
        if c * total <= a * b {
            continue; // not more frequent with the entity than without
        }
        let row = t.count(id, resolver);
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
