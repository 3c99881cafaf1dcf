//! Searching: parse the query, run it over passages, group passages into articles, rank, and
//! highlight.
//!
//! The query's boolean logic holds at the article level (`boolean.rs`): `Mosul -Raqqa` finds
//! articles that mention Mosul and never Raqqa. Filters (outlet, entity, date) are article
//! properties, read from article documents, so the total of matching articles and the number of
//! undated ones left out by a date filter are exact. Ranking is BM25 over passages for the
//! query's positive atoms; an article's score is its best passage's (MaxP). Returns plain structs ([`SearchResults`], [`Hit`]); the
//! `present` stage renders them. Must not print.

mod boolean;
mod build;
mod collect;
pub mod entities;
mod filters;
mod highlight;
pub mod query;

pub use filters::{parse_bound, Bound, Filters};
pub use highlight::Highlighter;
pub use query::{parse, Expr, QueryError};

use crate::error::Result;
use crate::index::{KeyCollector, MorgueIndex, KIND_ARTICLE, KIND_PATH, NEWS_EN};
use boolean::KeySet;
use chrono::NaiveDate;
use collect::{BestPassages, DateCollector, PassageCollector};
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best score first (ties: older first, then id).
    #[default]
    Relevance,
    /// Oldest first; undated last.
    Date,
    /// Newest first; undated last.
    DateDesc,
}

/// A search to run.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query string, in morgue's syntax (see [`query`]).
    pub query: String,
    /// Date, outlet and entity filters.
    pub filters: Filters,
    /// Most articles returned.
    pub limit: usize,
    /// Most passages returned per article.
    pub passages: usize,
    /// Order of the hits.
    pub sort: SortOrder,
}

/// A passage of a hit.
#[derive(Debug, Clone)]
pub struct PassageHit {
    /// Passage number within its article (0-based).
    pub number: u32,
    /// The passage text.
    pub text: String,
    /// BM25 score of the passage.
    pub score: f32,
    /// Byte ranges of `text` to highlight.
    pub highlights: Vec<Range<usize>>,
    /// Character offset of the passage in the article text.
    pub start: u64,
    /// Character offset of the passage's end in the article text.
    pub end: u64,
}

/// One matching article.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// Article id (16 hex digits).
    pub article_id: String,
    /// Title.
    pub title: String,
    /// Byte ranges of `title` to highlight.
    pub title_highlights: Vec<Range<usize>>,
    /// Outlet, when known.
    pub outlet: Option<String>,
    /// Publication date, when known.
    pub date: Option<NaiveDate>,
    /// Where the article was read from (every path it was found at, sorted).
    pub paths: Vec<String>,
    /// URL, when known.
    pub url: Option<String>,
    /// The article's score: its best passage's BM25 score.
    pub score: f32,
    /// The best passages, best first.
    pub passages: Vec<PassageHit>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// The query as understood, with explicit operators.
    pub parsed: String,
    /// Number of matching articles (after filters).
    pub total: usize,
    /// Matching articles left out because they are undated and a date filter was set.
    pub undated: usize,
    /// The hits, at most `limit`.
    pub hits: Vec<Hit>,
}

/// Runs a search.
pub fn search(mi: &MorgueIndex, req: &SearchRequest) -> Result<SearchResults> {
    let expr = query::parse(&req.query)?;
    let reader = mi.index.reader()?;
    let searcher = reader.searcher();
    let f = &mi.fields;
    let mut builder = build::Builder::new(&mi.index, f).with_aliases(req.filters.alias_table());

    let (kept, undated) = kept_articles(&searcher, &mut builder, f, Some(&expr), &req.filters)?;
    let total = kept.len();

    // 3. Rank: best passages for the positive atoms, within the kept articles.
    let keep: Arc<HashSet<u64>> = Arc::new(kept.iter().map(|k| k.0).collect());
    let mut best = match builder.positive(&expr)? {
        Some(q) if !keep.is_empty() => searcher.search(
            build::passages_only(f, q).as_ref(),
            &PassageCollector {
                per_article: req.passages.max(1),
                keep,
            },
        )?,
        _ => Default::default(),
    };
    let mut ranked: Vec<Ranked> = kept
        .into_iter()
        .map(|(key, date_secs)| Ranked {
            key,
            date_secs,
            best: best.remove(&key).unwrap_or_default(),
        })
        .collect();
    sort_ranked(&mut ranked, req.sort);
    ranked.truncate(req.limit);

    let analyzer = mi
        .index
        .tokenizers()
        .get(NEWS_EN)
        .unwrap_or_else(crate::index::news_en_analyzer);
    let mut highlighter = Highlighter::new(&expr, analyzer);
    let mut hits = Vec::with_capacity(ranked.len());
    for (i, r) in ranked.into_iter().enumerate() {
        hits.push(assemble(mi, &searcher, &mut highlighter, i + 1, r)?);
    }
    Ok(SearchResults {
        query: req.query.clone(),
        parsed: expr.to_string(),
        total,
        undated,
        hits,
    })
}

/// An article key and its date (Unix seconds; `None` when undated).
type Dated = (u64, Option<i64>);

/// Articles that satisfy the query's logic (all articles when `expr` is `None`) and the
/// filters, with their dates (Unix seconds); and how many were left out only for being undated.
fn kept_articles(
    searcher: &Searcher,
    builder: &mut build::Builder<'_>,
    f: &crate::index::Fields,
    expr: Option<&Expr>,
    filters: &Filters,
) -> Result<(Vec<Dated>, usize)> {
    // 1. Which articles satisfy the query's logic.
    let matched = match expr {
        None => KeySet::AllBut(HashSet::new()),
        Some(expr) => match boolean::evaluate(expr, builder, searcher, f)? {
            Some(set) => set,
            None => {
                return Err(QueryError {
                    kind: query::QueryErrorKind::Empty,
                    offset: 0,
                    message: "the query has no searchable words".into(),
                }
                .into())
            }
        },
    };
    let matched: HashSet<u64> = match matched {
        KeySet::Only(s) => s,
        KeySet::AllBut(out) => {
            let all = searcher.search(build::all_articles(f).as_ref(), &KeyCollector)?;
            all.into_iter().filter(|k| !out.contains(k)).collect()
        }
    };

    // 2. Article filters and dates.
    let dates = searcher.search(
        build::articles_filtered(f, filters).as_ref(),
        &DateCollector {
            keep: Arc::new(matched),
        },
    )?;
    let mut undated = 0;
    let mut kept: Vec<Dated> = Vec::new();
    for (key, secs) in dates {
        let date = secs.and_then(to_date);
        if filters.date_passes(date) {
            kept.push((key, secs));
        } else if date.is_none() {
            undated += 1;
        }
    }
    Ok((kept, undated))
}

/// A matching article on its way to becoming a [`Hit`].
struct Ranked {
    key: u64,
    date_secs: Option<i64>,
    best: BestPassages,
}

fn to_date(secs: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
}

fn sort_ranked(v: &mut [Ranked], sort: SortOrder) {
    let by_score = |a: &Ranked, b: &Ranked| b.best.score().total_cmp(&a.best.score());
    match sort {
        SortOrder::Relevance => v.sort_by(|a, b| {
            by_score(a, b)
                .then_with(|| a.date_secs.cmp(&b.date_secs))
                .then_with(|| a.key.cmp(&b.key))
        }),
        SortOrder::Date | SortOrder::DateDesc => v.sort_by(|a, b| {
            let dates = match (a.date_secs, b.date_secs) {
                (Some(x), Some(y)) if sort == SortOrder::Date => x.cmp(&y),
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            dates
                .then_with(|| by_score(a, b))
                .then_with(|| a.key.cmp(&b.key))
        }),
    }
}

fn assemble(
    mi: &MorgueIndex,
    searcher: &Searcher,
    highlighter: &mut Highlighter,
    rank: usize,
    r: Ranked,
) -> Result<Hit> {
    let f = &mi.fields;
    let article_id = format!("{:016x}", r.key);
    let mut passages = Vec::new();
    let mut scored = r.best.0.clone();
    if scored.is_empty() {
        // Matched only through a negation: show the article's first passage, unscored.
        if let Some(addr) = first_passage(searcher, mi, &article_id)? {
            scored.push((0.0, addr));
        }
    }
    for (score, addr) in &scored {
        let doc: TantivyDocument = searcher.doc(*addr)?;
        let body = text(&doc, f.body).unwrap_or_default();
        passages.push(PassageHit {
            number: u64_of(&doc, f.passage_no) as u32,
            highlights: highlighter.passage(&body),
            text: body,
            score: *score,
            start: u64_of(&doc, f.start),
            end: u64_of(&doc, f.end),
        });
    }
    let article = docs_of(searcher, mi, KIND_ARTICLE, &article_id)?;
    let article = article.first();
    let title = article
        .and_then(|d| text(d, f.title_text))
        .unwrap_or_default();
    let outlet = article.and_then(|d| text(d, f.outlet));
    let url = article.and_then(|d| text(d, f.url));
    let mut paths: Vec<String> = docs_of(searcher, mi, KIND_PATH, &article_id)?
        .iter()
        .filter_map(|d| text(d, f.path))
        .collect();
    paths.sort();
    paths.dedup();
    Ok(Hit {
        rank,
        title_highlights: highlighter.title(&title),
        title,
        outlet,
        date: r.date_secs.and_then(to_date),
        paths,
        url,
        score: r.best.score(),
        article_id,
        passages,
    })
}

/// The address of an article's first passage.
fn first_passage(
    searcher: &Searcher,
    mi: &MorgueIndex,
    article_id: &str,
) -> Result<Option<DocAddress>> {
    let f = &mi.fields;
    let q = BooleanQuery::new(vec![
        (Occur::Must, text_term(f.kind, crate::index::KIND_PASSAGE)),
        (Occur::Must, text_term(f.article_id, article_id)),
    ]);
    let addrs = searcher.search(&q, &DocSetCollector)?;
    let mut best: Option<(u64, DocAddress)> = None;
    for a in addrs {
        let doc: TantivyDocument = searcher.doc(a)?;
        let n = u64_of(&doc, f.passage_no);
        if best.is_none_or(|(m, _)| n < m) {
            best = Some((n, a));
        }
    }
    Ok(best.map(|b| b.1))
}

fn text_term(field: tantivy::schema::Field, v: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, v),
        IndexRecordOption::Basic,
    ))
}

/// The stored documents of one kind for an article.
fn docs_of(
    searcher: &Searcher,
    mi: &MorgueIndex,
    kind: &str,
    article_id: &str,
) -> Result<Vec<TantivyDocument>> {
    let f = &mi.fields;
    let q = BooleanQuery::new(vec![
        (Occur::Must, text_term(f.kind, kind)),
        (Occur::Must, text_term(f.article_id, article_id)),
    ]);
    let mut addrs: Vec<DocAddress> = searcher.search(&q, &DocSetCollector)?.into_iter().collect();
    addrs.sort();
    addrs
        .into_iter()
        .map(|a| searcher.doc(a).map_err(Into::into))
        .collect()
}

fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

fn u64_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> u64 {
    doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0)
}
