//! Machine-readable output: the stable JSON shapes.
//!
//! # `morgue search --json`
//!
//! One object:
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `query` | string | the query as given |
//! | `parsed` | string | the query as understood, with explicit operators |
//! | `total` | integer | number of matching stories (after filters): near-duplicate copies of one story count once, unless `--all-copies` |
//! | `copies` | integer | matching articles folded into another hit as its copies (0 with `--all-copies`) |
//! | `undated` | integer | matching articles left out because they are undated and a date filter was set (0 with `--include-undated`) |
//! | `appearances` | integer | records of matching texts besides the one each hit shows (the same text read from several records, e.g. a wire story run by two outlets, passing the filters); listed with each hit's `copies` |
//! | `hits` | array | the best articles, best first (see below) |
//!
//! Each hit: `rank` (1-based), `article_id` (16 hex digits), `title`, `outlet` (string or null),
//! `authors` (list of names, the `author` metadata), `meta` (the record's metadata as an object
//! of lists by key, e.g. `{"author": ["Ann Lee"], "bias": ["left"]}`, authors included), `date` (`YYYY-MM-DD` or null), `path` (first path the article was found at), `paths` (all of
//! them), `url` (string or null), `score` (the best passage's BM25 score), and `passages`, best
//! first, each with `number` (1-based passage number in the article, as `show` and `export`
//! number them), `text`, `score`, `start`
//! and `end` (character offsets of the passage in the article's normalized text) and
//! `highlights`: `[start, end)` **character** (Unicode scalar) offsets into `text` of what
//! matched. `title_highlights` gives the same for the title. `copies` lists the story's other
//! matching copies (near-duplicates, none with `--all-copies`; the hit itself is the original,
//! the earliest dated copy; and the other records the same text was read from that pass the
//! filters, with the hit's `article_id`), each `{article_id, outlet, date, path, paths}`.
//!
//! # `morgue ingest --json`
//!
//! The [`IngestReport`] fields: `files`, `files_read`, `unchanged`, `bytes_read`,
//! `articles_read`, `articles_indexed`, `already_present`, `new_paths`, `passages`, `undated`,
//! `copies` (new articles that are near-duplicates of a story already indexed),
//! `skipped` (`[{path, reason}]`, `path` being `file:LINE` or `file#RECORD` for one record: the
//! first 10 of each source, 1000 at most, in natural order), `skipped_total` (all of them),
//! `skip_counts` (`[{source, reason, count}]`: skips per source and reason, the reason without
//! its details), `warnings` (same shape as `skipped`), `warnings_total`, `transcoded`
//! (`[{path, encoding}]`), `total_articles`, `furniture` (articles in the index with site
//! furniture removed after the ingest), `reindexed` (articles re-indexed at the end because the
//! furniture learned changed), `elapsed`
//! (seconds), `stages` (seconds per stage summed over threads: `read`, `normalize`, `dates`,
//! `metadata`, `entities`, `dedup`, `passages`, `index`).
//!
//! # `took_ms`
//!
//! Every `--json` object (search, each `search --batch` line, the lookups, `show`, `copies`,
//! `stats`, `check`, `furniture`, `ingest`, `eval`, `ner eval`/`ner cv`) has `took_ms`: the
//! time spent in the library call that produced the answer, in milliseconds as a number with
//! three decimals (microsecond resolution: warm queries take well under a millisecond), as
//! Elasticsearch reports `took`. It leaves out parsing the command line, opening the index and
//! printing. Outputs that are not one object have none: `ner tag --json` (an array), `entity
//! --json` when nothing is found (`null`), and `export`'s rows (their provenance has the row
//! count). In pretty-printed objects it is the first key.
//!
//! # `morgue search --batch FILE --json`
//!
//! One JSON object per line and per query, in the file's order, printed as each query ends:
//! `line` (the file's 1-based line number where the query, or the CSV record, starts),
//! `took_ms`, `filters` (the filters the query ran with, the command's options merged with the
//! record's cells: `{from, to}` as `YYYY-MM-DD` or null, `include_undated`, `outlets`,
//! `entities`, `meta` (`["KEY=VALUE", …]`)), then the `search --json` fields (`query`, `parsed`, `total`, `copies`,
//! `undated`, `hits`). A query that cannot run gives `{"line", "query" (null when the record
//! could not be read), "filters" (null when they are what failed), "error": {"kind", "message",
//! "column"}}` instead: `kind` is `query` (a syntax error or a query limit; `column` is the
//! 1-based character column), `filters` (a bad `from`/`to`/`outlet`/`entity`/`meta` cell) or
//! `record` (a line that is not UTF-8 or too long, a
//! malformed CSV record); `column` is null except for `query`.
//!
//! Fields are only ever added, never renamed or removed, within a major version.

use crate::model::{ArticleId, CharOffsets};
use crate::pipeline::IngestReport;
use crate::search::{Filters, Hit, SearchResults};
use serde::Serialize;
use std::ops::Range;
use std::time::Duration;

/// The `search --json` document.
#[derive(Debug, Serialize)]
pub struct SearchJson<'a> {
    /// The query as given.
    pub query: &'a str,
    /// The query as understood.
    pub parsed: &'a str,
    /// Matching stories.
    pub total: usize,
    /// Matching articles folded into a hit as its copies.
    pub copies: usize,
    /// Matching undated articles left out by a date filter.
    pub undated: usize,
    /// Other records of matching texts, listed with the hits' copies.
    pub appearances: usize,
    /// The hits.
    pub hits: Vec<HitJson<'a>>,
}

/// One hit of [`SearchJson`].
#[derive(Debug, Serialize)]
pub struct HitJson<'a> {
    /// 1-based rank.
    pub rank: usize,
    /// Article id.
    pub article_id: ArticleId,
    /// Title.
    pub title: &'a str,
    /// Title highlights, character ranges.
    pub title_highlights: Vec<[usize; 2]>,
    /// Outlet or null.
    pub outlet: Option<&'a str>,
    /// Authors.
    pub authors: &'a [String],
    /// Record metadata, an object of lists by key.
    #[serde(serialize_with = "crate::index::meta::serialize_meta")]
    pub meta: &'a crate::model::Meta,
    /// `YYYY-MM-DD` or null.
    pub date: Option<String>,
    /// First path.
    pub path: Option<&'a str>,
    /// All paths.
    pub paths: &'a [String],
    /// URL or null.
    pub url: Option<&'a str>,
    /// Best passage's score.
    pub score: f32,
    /// Passages, best first.
    pub passages: Vec<PassageJson<'a>>,
    /// The story's other matching copies.
    pub copies: Vec<CopyJson<'a>>,
}

/// One copy of [`HitJson`].
#[derive(Debug, Serialize)]
pub struct CopyJson<'a> {
    /// Article id.
    pub article_id: ArticleId,
    /// Outlet or null.
    pub outlet: Option<&'a str>,
    /// `YYYY-MM-DD` or null.
    pub date: Option<String>,
    /// First path.
    pub path: Option<&'a str>,
    /// All paths.
    pub paths: &'a [String],
}

/// One passage of [`HitJson`].
#[derive(Debug, Serialize)]
pub struct PassageJson<'a> {
    /// 1-based passage number.
    pub number: u32,
    /// Passage text.
    pub text: &'a str,
    /// Passage score.
    pub score: f32,
    /// Character offset in the article text.
    pub start: u64,
    /// Character end offset in the article text.
    pub end: u64,
    /// Highlighted character ranges in `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// Byte ranges of `text` as character ranges, as the JSON gives highlights.
pub fn char_ranges(text: &str, ranges: &[Range<usize>]) -> Vec<[usize; 2]> {
    let mut chars = CharOffsets::new(text);
    ranges
        .iter()
        .map(|r| [chars.at(r.start), chars.at(r.end)])
        .collect()
}

fn hit(h: &Hit) -> HitJson<'_> {
    let s = &h.summary;
    HitJson {
        rank: h.rank,
        article_id: s.article_id,
        title: &s.title,
        title_highlights: char_ranges(&s.title, &h.title_highlights),
        outlet: s.outlet.as_deref(),
        authors: &h.authors,
        meta: &h.meta,
        date: s.date.map(|d| d.format("%Y-%m-%d").to_string()),
        path: s.paths.first().map(String::as_str),
        paths: &s.paths,
        url: s.url.as_deref(),
        score: h.score,
        passages: h
            .passages
            .iter()
            .map(|p| PassageJson {
                number: p.number,
                text: &p.text,
                score: p.score,
                start: p.start,
                end: p.end,
                highlights: char_ranges(&p.text, &p.highlights),
            })
            .collect(),
        copies: h
            .copies
            .iter()
            .map(|c| CopyJson {
                article_id: c.article_id,
                outlet: c.outlet.as_deref(),
                date: c.date.map(|d| d.format("%Y-%m-%d").to_string()),
                path: c.paths.first().map(String::as_str),
                paths: &c.paths,
            })
            .collect(),
    }
}

fn search_doc(r: &SearchResults) -> SearchJson<'_> {
    SearchJson {
        query: &r.query,
        parsed: &r.parsed,
        total: r.total,
        copies: r.copies,
        undated: r.undated,
        appearances: r.appearances,
        hits: r.hits.iter().map(hit).collect(),
    }
}

/// Renders search results as one JSON object (pretty-printed, newline-terminated).
pub fn search(r: &SearchResults) -> String {
    to_string(&search_doc(r))
}

/// A duration as `took_ms`: milliseconds, rounded to the microsecond.
pub fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// `doc` (one JSON object, as the renderers here write it) with `took_ms` as its first key;
/// anything that is not an object (`null`, an array) is returned unchanged.
pub fn timed(doc: &str, took: Duration) -> String {
    let body = doc.trim_start();
    let Some(rest) = body.strip_prefix('{') else {
        return doc.to_string();
    };
    let value = serde_json::to_string(&millis(took)).unwrap_or_else(|_| "null".into());
    let key = match rest.starts_with('\n') {
        true => "\n  \"took_ms\": ",
        false => "\"took_ms\":",
    };
    let sep = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    format!("{{{key}{value}{sep}{rest}")
}

/// The filters a batch query ran with, as `batch_hit` shows them.
#[derive(Debug, Serialize)]
pub struct FiltersJson<'a> {
    /// First day, `YYYY-MM-DD`, or null.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, or null.
    pub to: Option<String>,
    /// Undated articles kept despite date bounds.
    pub include_undated: bool,
    /// Outlets (any of them).
    pub outlets: &'a [String],
    /// Entities (all of them).
    pub entities: &'a [String],
    /// Metadata conditions as `KEY=VALUE` (values of one key: any; keys: all).
    pub meta: Vec<String>,
}

impl<'a> FiltersJson<'a> {
    /// The JSON form of `f`.
    pub fn new(f: &'a Filters) -> FiltersJson<'a> {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        FiltersJson {
            from: day(f.from),
            to: day(f.to),
            include_undated: f.include_undated,
            outlets: &f.outlets,
            entities: &f.entities,
            meta: f
                .meta
                .iter()
                .map(|(k, v)| crate::index::meta::meta_term(k, v))
                .collect(),
        }
    }
}

/// One `search --batch --json` line for a query that ran (see the module docs), with its
/// newline.
pub fn batch_hit(line: u64, filters: &Filters, r: &SearchResults, took: Duration) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        line: u64,
        took_ms: f64,
        filters: FiltersJson<'a>,
        #[serde(flatten)]
        search: SearchJson<'a>,
    }
    one_line(&Doc {
        line,
        took_ms: millis(took),
        filters: FiltersJson::new(filters),
        search: search_doc(r),
    })
}

/// Why a batch query did not run.
#[derive(Debug, Clone, Serialize)]
pub struct BatchError {
    /// `query`, `filters`, `meta` or `record`.
    pub kind: &'static str,
    /// One line, for people.
    pub message: String,
    /// For `query`: the 1-based character column of the problem.
    pub column: Option<usize>,
}

/// One `search --batch --json` line for a query that could not run, with its newline.
pub fn batch_error(
    line: u64,
    query: Option<&str>,
    filters: Option<&Filters>,
    error: &BatchError,
) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        line: u64,
        query: Option<&'a str>,
        filters: Option<FiltersJson<'a>>,
        error: &'a BatchError,
    }
    one_line(&Doc {
        line,
        query,
        filters: filters.map(FiltersJson::new),
        error,
    })
}

fn one_line<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// The `eval dates --json` document: `total`, `correct`, `accuracy`, `invented` (dates given
/// where the gold has none), `misses` (`[{url, file, expected, found, source}]`), `unreadable`,
/// `languages` (`[{language, total, correct, accuracy}]`, most pages first) and
/// `cross_validation` (`null`, or with `--folds K`: `{folds, held_out: [accuracy per fold],
/// chosen: [rules kept per fold], mean, sd, worth: [{rule, pages}]}`, `pages` being what each
/// rule gains on all pages).
pub fn date_eval(r: &crate::eval::DateEval) -> String {
    to_string(r)
}

/// Renders an ingest report as JSON.
pub fn ingest(r: &IngestReport) -> String {
    to_string(r)
}

fn to_string<T: Serialize>(v: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// `morgue ner eval --json`: `sentences`, `tokens`, `token_accuracy`, `overall` and `per_type`
/// (an object keyed by `PER`, `ORG`, `LOC`, `MISC`), each score with `gold`, `predicted`,
/// `correct`, `precision`, `recall`, `f1`.
pub fn ner_eval(e: &crate::extract::ner::conll::Evaluation) -> String {
    let per_type: serde_json::Map<String, serde_json::Value> = e
        .per_type
        .iter()
        .map(|(k, s)| (k.conll().to_string(), serde_json::json!(s)))
        .collect();
    let v = serde_json::json!({
        "sentences": e.sentences,
        "tokens": e.tokens,
        "token_accuracy": e.token_accuracy,
        "overall": e.overall,
        "per_type": per_type,
    });
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// `morgue ner cv --json`: `{"folds": [evaluation…], "mean": {"overall": {precision, recall,
/// f1}, "per_type": {"PER": …}}, "sd": {same shape}}`, each evaluation as in `ner eval --json`.
pub fn ner_cv(cv: &crate::extract::ner::train::CrossValidation) -> String {
    use crate::extract::ner::conll::{Evaluation, Score};
    let stat = |which: usize, pick: &dyn Fn(&Evaluation) -> Score| {
        let pr = |f: &dyn Fn(&Score) -> f64| {
            let (m, s) = cv.mean_sd(|e| f(&pick(e)));
            if which == 0 {
                m
            } else {
                s
            }
        };
        serde_json::json!({
            "precision": pr(&|s| s.precision),
            "recall": pr(&|s| s.recall),
            "f1": pr(&|s| s.f1),
        })
    };
    let summary = |which: usize| {
        let per_type: serde_json::Map<String, serde_json::Value> =
            crate::extract::ner::EntityType::ALL
                .iter()
                .enumerate()
                .map(|(i, k)| (k.conll().to_string(), stat(which, &|e| e.per_type[i].1)))
                .collect();
        serde_json::json!({"overall": stat(which, &|e| e.overall), "per_type": per_type})
    };
    let folds: Vec<serde_json::Value> = cv
        .folds
        .iter()
        .map(|e| serde_json::from_str(&ner_eval(e)).unwrap_or_default())
        .collect();
    let v = serde_json::json!({"folds": folds, "mean": summary(0), "sd": summary(1)});
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// `morgue ner tag --json`: an array of `{text, type, start, end, headline}` (byte offsets).
pub fn mentions(m: &[crate::extract::ner::Mention]) -> String {
    let v: Vec<serde_json::Value> = m
        .iter()
        .map(|x| {
            serde_json::json!({
                "text": x.text,
                "type": x.kind,
                "start": x.span.start,
                "end": x.span.end,
                "headline": x.headline,
            })
        })
        .collect();
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// `morgue entities --json`: `query` (string or null), `articles` (stories looked at), `copies`
/// (near-duplicate copies counted with their story), `distinct` (entities found), `entities`:
/// `[{name, type, articles, mentions, ambiguous}]`, best first; `articles` counts stories (as
/// `search --entity NAME` counts its `total`), `ambiguous` marks a short name several entities
/// share.
pub fn entities(r: &crate::lookup::entities::EntitiesResult) -> String {
    to_string(r)
}

/// `morgue entity NAME --json`: `query`, `name`, `type` (`ambiguous` when the name is),
/// `ambiguous` (bool), `candidates` (`[{name, type, articles, mentions, ambiguous}]`: the
/// entities the name means, one unless ambiguous), `variants` (`[{name, articles}]`, at most
/// `--variants`), `variants_total`, `articles` (stories), `copies`, `mentions`, `outlets`
/// (`[{outlet, articles}]`), `first_date`, `last_date` (`YYYY-MM-DD` or null), `co_mentioned`
/// (`[{name, type, articles, score}]`, by log-likelihood ratio `score`) and `article_list`
/// (`[{article_id, title, outlet, date, mentions}]`, newest first, at most `--limit`).
pub fn entity(r: &crate::lookup::entities::EntityReport) -> String {
    to_string(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_puts_took_ms_first_in_objects_only() {
        let took = Duration::from_nanos(1_234_567);
        let pretty = to_string(&serde_json::json!({"total": 3}));
        let v = timed(&pretty, took);
        assert_eq!(v, "{\n  \"took_ms\": 1.235,\n  \"total\": 3\n}\n");
        assert_eq!(timed("{}", took), "{\"took_ms\":1.235}");
        assert_eq!(timed("{\"a\":1}", took), "{\"took_ms\":1.235,\"a\":1}");
        assert_eq!(timed("null\n", took), "null\n");
        assert_eq!(timed("[1]", took), "[1]");
        assert_eq!(millis(Duration::from_micros(412)), 0.412);
    }
}
