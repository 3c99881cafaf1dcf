//! Searching: parse the query, run it over passages, group passages into articles, rank, and
//! highlight.
//!
//! The query's boolean logic holds at the article level (`boolean.rs`): `Mosul -Raqqa` finds
//! articles that mention Mosul and never Raqqa. Filters (outlet, entity, date) are article
//! properties, read from article documents, so the total of matching articles and the number of
//! undated ones left out by a date filter are exact. Ranking is BM25 over passages for the
//! query's positive atoms, plus the article's title score (`titles.rs`); an article's score is
//! its best passage's (MaxP). Returns plain structs ([`SearchResults`], [`Hit`]); the
//! `present` stage renders them. Must not print.

pub mod appearances;
mod boolean;
pub(crate) mod build;
mod collect;
pub mod copies;
mod filters;
mod highlight;
pub mod query;
pub mod resolve;
mod rows;
mod selected;
pub mod statistics;
pub mod suggest;
pub mod table;
mod titles;
mod top;

/// Documents for the collectors' tests, which build small indexes by hand.
#[cfg(test)]
pub(crate) mod testing {
    use super::rows::Rows;
    use crate::index::{Fields, MorgueIndex, KIND_ARTICLE, KIND_PASSAGE};
    use tantivy::indexer::UserOperation;
    use tantivy::{IndexWriter, TantivyDocument};

    /// A new index in a temporary folder (kept while the folder lives) and a writer for it.
    pub fn new_index() -> (tempfile::TempDir, MorgueIndex, IndexWriter<TantivyDocument>) {
        let dir = tempfile::tempdir().unwrap();
        let mi = crate::index::open_or_create(dir.path()).unwrap();
        let w = mi.index.writer::<TantivyDocument>(50_000_000).unwrap();
        (dir, mi, w)
    }

    /// The article document of `key`, in a copy cluster of its own.
    pub fn article(f: &Fields, key: u64) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, KIND_ARTICLE);
        doc.add_u64(f.article_key, key);
        doc.add_u64(f.cluster, key);
        doc
    }

    /// Passage `no` of the article `key`, with `body` as its text.
    pub fn passage(f: &Fields, key: u64, no: u64, body: &str) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, KIND_PASSAGE);
        doc.add_u64(f.article_key, key);
        doc.add_u64(f.passage_no, no);
        doc.add_text(f.body, body);
        doc
    }

    /// Writes `commits` commits (so as many segments) of `per_commit` articles each, keyed
    /// `base + 100 × commit + a`; article `a` has `a % most + 1` passages, written with it as
    /// one run, passage `p`'s text being `text(commit, a, p)` and then `p{key}x{p}`, a word of
    /// its own.
    pub fn write_articles(
        w: &mut IndexWriter<TantivyDocument>,
        f: &Fields,
        (base, commits, per_commit, most): (u64, u64, u64, u64),
        text: impl Fn(u64, u64, u64) -> String,
    ) {
        for commit in 0..commits {
            for a in 0..per_commit {
                let key = base + commit * 100 + a;
                let mut docs = vec![UserOperation::Add(article(f, key))];
                for p in 0..(a % most + 1) {
                    let body = format!("{} p{key}x{p}", text(commit, a, p));
                    docs.push(UserOperation::Add(passage(f, key, p, &body)));
                }
                w.run(docs).unwrap();
            }
            w.commit().unwrap();
        }
    }

    /// Sets of `len` rows to look among: every row, none, one, every third, all but the first.
    pub fn row_sets(len: usize) -> Vec<Rows> {
        let mut every = Rows::with_capacity(len);
        every.insert_range(..);
        let mut one = Rows::with_capacity(len);
        one.insert(len / 2);
        let mut thirds = Rows::with_capacity(len);
        (0..len).step_by(3).for_each(|i| thirds.insert(i));
        let mut all_but_first = every.clone();
        all_but_first.set(0, false);
        vec![every, Rows::with_capacity(len), one, thirds, all_but_first]
    }
}

pub use crate::dates::{parse_bound, Bound};
pub use filters::Filters;
pub use highlight::Highlighter;
pub use query::{parse, Expr, QueryError};

use crate::error::Result;
use crate::index::{load_article_at, stored_docs, KeyMap, Keys, MorgueIndex, Parts};
use crate::model::{ArticleId, ArticleSummary};
use chrono::NaiveDate;
pub use collect::ArticleFacts;
pub use collect::BestPassages;
use collect::PassageCollector;
pub use selected::SelectedArticles;
use serde::Serialize;

use std::ops::Range;
use std::sync::Arc;
use tantivy::Searcher;

/// `morgue check`'s look at the caches this stage keeps beside the index (see
/// `index::health::check_with`): the article table ([`table::check`]) and the short-name table
/// ([`resolve::check`]).
pub fn check_caches(mi: &MorgueIndex) -> Vec<crate::index::health::Problem> {
    let mut problems = table::check(mi);
    problems.extend(resolve::check(mi));
    problems
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
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

impl SortOrder {
    /// `relevance`, `date` (oldest first) or `-date` (newest first).
    pub fn parse(s: &str) -> Option<SortOrder> {
        match s {
            "relevance" => Some(SortOrder::Relevance),
            "date" => Some(SortOrder::Date),
            "-date" => Some(SortOrder::DateDesc),
            _ => None,
        }
    }
}

/// A search to run (serializable for the processes of a distributed search, without the
/// filters' alias table: each process applies its index's).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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
    /// Count and show every near-duplicate copy as its own hit, instead of one hit per story.
    pub all_copies: bool,
}

/// A passage of a hit.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct PassageHit {
    /// Passage number within its article (1-based).
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
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// Id, title, outlet, date, URL, and every path the article was found at (sorted), the
    /// shown appearance's first.
    pub summary: ArticleSummary,
    /// Byte ranges of the summary's title to highlight.
    pub title_highlights: Vec<Range<usize>>,
    /// Authors (the `author` metadata values), in record order.
    pub authors: Vec<String>,
    /// Record metadata (see `model::Meta`), authors included.
    pub meta: crate::model::Meta,
    /// The article's score: its best passage's BM25 score.
    pub score: f32,
    /// The best passages, best first.
    pub passages: Vec<PassageHit>,
    /// The story's other matching copies, original first: near-duplicates (none with
    /// `all_copies`), and the other records the same text was read from that pass the filters.
    pub copies: Vec<copies::CopyRef>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// The query as understood, with explicit operators.
    pub parsed: String,
    /// Number of matching stories (after filters): articles, with near-duplicate copies counted
    /// once unless `all_copies` was asked.
    pub total: usize,
    /// Matching articles folded into another hit as its copies (0 with `all_copies`).
    pub copies: usize,
    /// Matching articles left out because they are undated and a date filter was set.
    pub undated: usize,
    /// Records of matching texts besides the one each hit shows (the same text read from
    /// several records, passing the filters), listed with the hit's copies.
    pub appearances: usize,
    /// The hits, at most `limit`.
    pub hits: Vec<Hit>,
}

/// The articles a query and filters select, with what lookups need to know of each.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Selected articles (after every filter) and their facts.
    pub articles: SelectedArticles,
    /// Articles that matched but were left out because they are undated and a date bound is set.
    pub undated: usize,
    /// After [`Selection::fold_copies`]: the other selected copies of each kept article.
    pub copies: crate::index::KeyMap<Vec<(u64, ArticleFacts)>>,
}

/// Selects the articles matching `expr` (every article when `None`) that pass `filters`.
///
/// Boolean logic holds at the article level (see `boolean.rs`); outlet, entity and date
/// filters are article properties.
pub fn select(
    mi: &MorgueIndex,
    searcher: &Searcher,
    expr: Option<&Expr>,
    filters: &Filters,
) -> Result<Selection> {
    let needed =
        !filters.entities.is_empty() || expr.is_some_and(|e| e.has_field(query::Field::Entity));
    let resolver = match needed {
        true => Some(resolve::Resolver::cached(
            mi,
            searcher,
            filters.alias_table(),
        )?),
        false => None,
    };
    select_resolved(mi, searcher, expr, filters, resolver.as_deref())
}

/// [`select`] with a resolver already built (needed when the query or filters name entities).
pub fn select_resolved(
    mi: &MorgueIndex,
    searcher: &Searcher,
    expr: Option<&Expr>,
    filters: &Filters,
    resolver: Option<&resolve::Resolver>,
) -> Result<Selection> {
    let f = &mi.fields;
    let table = table::ArticleTable::cached(mi, searcher)?;
    let rows = rows::RowsCollector::new(table.clone());
    // Entity and metadata filters are queries over the article documents: the rows they let
    // through (outlet filters are checked on the table's outlet numbers). The query's words are
    // looked for among those.
    let mut entities = Vec::with_capacity(filters.entities.len());
    for name in &filters.entities {
        let r = resolver.ok_or_else(|| crate::Error::BadOption {
            option: "--entity".into(),
            message: "entity filters need a resolver".into(),
        })?;
        entities.push(build::entity_query(searcher, f, r, name)?);
    }
    let passing: Option<rows::Rows> = match entities.is_empty() && filters.meta.is_empty() {
        true => None,
        false => Some(searcher.search(
            build::articles_filtered(f, filters, entities).as_ref(),
            &rows,
        )?),
    };
    let keep = match expr {
        None => None,
        Some(expr) => {
            let mut builder = build::Builder::new(searcher, f);
            if let Some(r) = resolver {
                builder = builder.with_resolver(searcher, r);
            }
            let matched =
                boolean::evaluate(expr, &mut builder, searcher, f, &rows, passing.as_ref())?;
            Some(matched.ok_or_else(|| QueryError {
                kind: query::QueryErrorKind::Empty,
                offset: 0,
                message: "the query has no searchable words".into(),
            })?)
        }
    };
    let outlets = (!filters.outlets.is_empty()).then(|| table.outlets_matching(&filters.outlets));
    // Without date bounds every article passes, dated or not: no date is worked out.
    let dated = filters.has_dates();
    let window = filters.seconds_window();
    // The query's articles are among the filters' already.
    let mut chosen = match keep.or(passing) {
        Some(set) => set,
        None => {
            let mut all = rows::Rows::with_capacity(table.len());
            all.insert_range(..);
            all
        }
    };
    // Every selected row is read once, so a damaged one is an error here and not where its
    // facts are read later; those an outlet or date filter leaves out are cleared.
    let mut undated = 0;
    let mut out = rows::Rows::with_capacity(table.len());
    let mut marks = selected::Marks::new(table.len());
    let clusters = mi.cluster_map();
    for i in chosen.ones() {
        let row = table.row(i)?;
        marks.note(i, row.key, clusters.canonical(row.cluster), row.records);
        if outlets
            .as_ref()
            .is_some_and(|o| !table::ArticleTable::outlet_allowed(&row, o))
        {
            out.insert(i);
        } else if dated && !window.passes(row.date_secs) {
            out.insert(i);
            undated += usize::from(!row.date_secs.is_some_and(has_day));
        }
    }
    chosen.difference_with(&out);
    Ok(Selection {
        articles: SelectedArticles::from_rows(table, chosen, clusters, marks),
        undated,
        copies: KeyMap::default(),
    })
}

/// Runs a search.
pub fn search(mi: &MorgueIndex, req: &SearchRequest) -> Result<SearchResults> {
    search_page(mi, req, 0)
}

/// Runs a search and returns the page of hits that starts after the first `offset`: hits
/// ranked `offset + 1` to `offset + limit` (the ranks stay those of the whole result list), the
/// totals as [`search`] gives them. Only the page's hits are loaded and highlighted.
pub fn search_page(mi: &MorgueIndex, req: &SearchRequest, offset: usize) -> Result<SearchResults> {
    let expr = query::parse(&req.query)?;
    let searcher = mi.searcher()?;
    let mut selection = select(mi, &searcher, Some(&expr), &req.filters)?;
    let folded = if req.all_copies {
        0
    } else {
        selection.fold_copies()
    };
    let total = selection.articles.len();
    // The other records of texts read from several (each listed as a copy of its hit).
    let other_records = appearances::other_records(mi, &searcher, &selection, &req.filters)?;
    let mut folded_copies = std::mem::take(&mut selection.copies);

    let mut ranked = rank_top(
        mi,
        &searcher,
        &expr,
        selection.articles,
        req.passages,
        req.sort,
        offset.saturating_add(req.limit),
    )?;
    let skipped = offset.min(ranked.len());
    ranked.drain(..skipped);

    let mut highlighter = highlighter(mi, &expr);
    let mut hits = Vec::with_capacity(ranked.len());
    for (i, r) in ranked.into_iter().enumerate() {
        let copies = match folded_copies.remove(&r.key) {
            Some(c) => copies::copy_refs(&searcher, mi, &c)?,
            None => Vec::new(),
        };
        let (mut hit, appearances) =
            assemble(mi, &searcher, &mut highlighter, skipped + i + 1, r, None)?;
        let others = copies::earliest_appearance(&mut hit, &appearances, &req.filters, |t| {
            highlighter.title(t)
        });
        hit.copies = others;
        copies::add_copies(&mut hit, copies);
        hits.push(hit);
    }
    Ok(SearchResults {
        query: req.query.clone(),
        parsed: expr.to_string(),
        total,
        copies: folded,
        undated: selection.undated,
        appearances: other_records,
        hits,
    })
}

/// A highlighter for `expr` with the index's analyzer (what search hits are marked with).
pub fn highlighter(mi: &MorgueIndex, expr: &Expr) -> Highlighter {
    Highlighter::new(expr, mi.news_en())
}

/// A selected article with its best passages, in rank order.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// Article key.
    pub key: u64,
    /// Publication date (Unix seconds), `None` when undated.
    pub date_secs: Option<i64>,
    /// Best passages for the query's positive atoms, best first (empty when the article matched
    /// only through a negation).
    pub best: BestPassages,
}

impl Ranked {
    /// The article id.
    pub fn article_id(&self) -> ArticleId {
        ArticleId(self.key)
    }
}

/// Ranks selected articles: BM25 over passages for the positive atoms of `expr`, keeping the
/// best `per_article` passages of each article (`usize::MAX` keeps every matching passage).
pub fn rank(
    mi: &MorgueIndex,
    searcher: &Searcher,
    expr: &Expr,
    articles: SelectedArticles,
    per_article: usize,
    sort: SortOrder,
) -> Result<Vec<Ranked>> {
    rank_top(mi, searcher, expr, articles, per_article, sort, usize::MAX)
}

/// [`rank`], returning only the first `limit` articles: the rest are never sorted.
pub fn rank_top(
    mi: &MorgueIndex,
    searcher: &Searcher,
    expr: &Expr,
    articles: SelectedArticles,
    per_article: usize,
    sort: SortOrder,
    limit: usize,
) -> Result<Vec<Ranked>> {
    if limit == 0 || articles.is_empty() {
        return Ok(Vec::new());
    }
    if sort == SortOrder::Relevance && per_article <= 1 && limit <= top::MAX_LIMIT {
        if let Some(ranked) = top::rank(mi, searcher, expr, &articles, limit)? {
            return Ok(ranked);
        }
    }
    let keep: Arc<Keys> = Arc::new(articles.keys().collect());
    let mut best = best_passages(mi, searcher, expr, keep, per_article, None)?;
    let mut ranked: Vec<Ranked> = articles
        .into_iter()
        .map(|(key, facts)| Ranked {
            key,
            date_secs: facts.date_secs,
            best: best.remove(&key).unwrap_or_default(),
        })
        .collect();
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit - 1, |a, b| ranked_order(a, b, sort));
        ranked.truncate(limit);
    }
    ranked.sort_by(|a, b| ranked_order(a, b, sort));
    Ok(ranked)
}

/// The best `per_article` passages of each article in `keep` for the positive atoms of `expr`:
/// a passage scores its words plus its article's title (see `titles`), with BM25 over the
/// statistics of `searcher`'s live documents ([`statistics::LiveStatistics`]), or over
/// `statistics` when given (those of every shard, when this searcher holds only some: see
/// `crate::distributed`). An article that matches in its title only has its opening passages.
pub(crate) fn best_passages(
    mi: &MorgueIndex,
    searcher: &Searcher,
    expr: &Expr,
    keep: Arc<Keys>,
    per_article: usize,
    statistics: Option<&dyn statistics::Scoring>,
) -> Result<KeyMap<BestPassages>> {
    let f = &mi.fields;
    let positive = build::Builder::new(searcher, f).positive(expr)?;
    if positive.is_empty() || keep.is_empty() {
        return Ok(KeyMap::default());
    }
    let per_article = per_article.max(1);
    let table = table::ArticleTable::cached(mi, searcher)?;
    let live = statistics::LiveStatistics::new(searcher, &table);
    let statistics: &dyn statistics::Scoring = statistics.unwrap_or(&live);
    let mut best = match &positive.passages {
        // Words are indexed on passage documents only.
        Some(q) => {
            let collector = PassageCollector {
                per_article,
                keep: Arc::clone(&keep),
                table: Arc::clone(&table),
            };
            searcher.search_with_statistics_provider(q.as_ref(), &collector, statistics)?
        }
        None => KeyMap::default(),
    };
    if let Some(q) = &positive.titles {
        let selected = |key: u64| keep.contains(&key);
        let keep = titles::Keep::Keys(&selected);
        for (row, title) in titles::title_scores(searcher, &table, q.as_ref(), statistics, keep)? {
            let key = table.key_of(row as usize);
            match best.get_mut(&key) {
                Some(passages) => passages.add_title(title),
                None => {
                    let row = table.row(row as usize)?;
                    let opening = titles::opening(searcher, &table, f, &row, per_article)?;
                    if !opening.is_empty() {
                        let scored = opening.into_iter().map(|(n, a)| (title, n, a)).collect();
                        best.insert(key, BestPassages(scored));
                    }
                }
            }
        }
    }
    Ok(best)
}

/// The `author` values of an article's metadata.
pub fn authors(meta: &crate::model::Meta) -> Vec<String> {
    meta.iter()
        .filter(|(k, _)| k == crate::model::AUTHOR)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A stored date (Unix seconds at midnight UTC) as a calendar date.
pub fn to_date(secs: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
}

/// True when [`to_date`] gives the timestamp `secs` a day (chrono's range), without working
/// the day out.
pub fn has_day(secs: i64) -> bool {
    const FIRST: i64 = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp();
    const LAST: i64 = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp();
    (FIRST..=LAST).contains(&secs)
}

/// The order of hits: a total order (ties end on the article key).
pub(crate) fn ranked_order(a: &Ranked, b: &Ranked, sort: SortOrder) -> std::cmp::Ordering {
    let by_score = |a: &Ranked, b: &Ranked| b.best.score().total_cmp(&a.best.score());
    match sort {
        SortOrder::Relevance => by_score(a, b)
            .then_with(|| a.date_secs.cmp(&b.date_secs))
            .then_with(|| a.key.cmp(&b.key)),
        SortOrder::Date | SortOrder::DateDesc => {
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
        }
    }
}

pub(crate) fn assemble(
    mi: &MorgueIndex,
    searcher: &Searcher,
    highlighter: &mut Highlighter,
    rank: usize,
    r: Ranked,
    appearances: Option<Vec<crate::index::Appearance>>,
) -> Result<(Hit, Vec<crate::index::Appearance>)> {
    let f = &mi.fields;
    let table = table::ArticleTable::cached(mi, searcher)?;
    let article_id = r.article_id();
    // The table knows where the article document is: no query for it.
    let row = table.get(r.key)?.ok_or_else(|| {
        crate::Error::Index(tantivy::TantivyError::InternalError(format!(
            "article {article_id} has passages but no article document"
        )))
    })?;
    // A hit shows no entities: their columns are not read. Its records' appearances are
    // read only when there are several, to show the earliest (`copies::earliest_appearance`).
    let parts = Parts {
        entities: false,
        appearances: row.records >= 2,
    };
    let records = match &appearances {
        // Every shard's records are given: this searcher's are not read.
        Some(_) => Vec::new(),
        None => stored_docs(searcher, &table.records(&row)?)?,
    };
    let mut article = load_article_at(searcher, f, article_id, row.addr, Some(&records), parts)?;
    if let Some(all) = appearances {
        // Every shard's records of the text, not only this searcher's.
        article.paths = all.iter().map(|a| a.path.clone()).collect();
        article.appearances = all;
    }
    let mut scored: Vec<(f32, u64)> = r.best.0.iter().map(|&(s, n, _)| (s, n)).collect();
    if scored.is_empty() && !article.bounds.is_empty() {
        // Matched only through a negation: show the article's first passage, unscored (its
        // span is stored with the text: no passage document is looked for).
        scored.push((0.0, 0));
    }
    let mut passages = Vec::with_capacity(scored.len());
    for (score, number) in scored {
        let p = article.passage(number)?;
        let text = article.clean_slice(&p.bytes);
        passages.push(PassageHit {
            number: p.number,
            highlights: highlighter.passage(&text),
            text,
            score,
            start: p.start,
            end: p.end,
        });
    }
    let title_highlights = highlighter.title(&article.title.value);
    let summary = ArticleSummary {
        date: r.date_secs.and_then(to_date),
        ..article.summary()
    };
    let appearances = article.appearances;
    let hit = Hit {
        rank,
        title_highlights,
        summary,
        authors: authors(&article.meta),
        meta: article.meta,
        score: r.best.score(),
        passages,
        copies: Vec::new(),
    };
    Ok((hit, appearances))
}
