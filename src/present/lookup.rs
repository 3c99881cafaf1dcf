//! Rendering of the lookups: outlets, timeline, stats and one article, as text, JSON and CSV.
//!
//! JSON shapes (stable; fields are only added):
//!
//! - `outlets --json`: `{"query", "total", "undated", "outlets": [{"outlet" (null = unknown),
//!   "articles", "first", "last" (YYYY-MM-DD or null), "undated"}]}`; `undated` at the top counts
//!   matching articles left out by a date filter.
//! - `facet --json`: `{"query", "key" (`outlet`, `author` or a metadata key), "total" (selected
//!   articles), "undated" (left out by a date filter), "values" (distinct values among the
//!   selected articles, before `--top`), "rows": [{"value" (null = the articles without one),
//!   "articles", "first", "last" (YYYY-MM-DD or null), "undated"}]}`; an article with several
//!   values counts under each, so the rows' articles may add up to more than `total`.
//! - `timeline --json`: `{"query", "by", "groups": [names], "rows": [{"period", "start",
//!   "cells": [{"count", "of"?, "share"?}]}], "total", "undated"}`; `of`/`share` only with
//!   `--normalize`, `share` null marks a gap (the group published nothing in that period). Split
//!   by a key, `groups` are the `--top` values (most matches first; values with no match are
//!   zeros), then `other` when more values exist.
//! - `stats --json`: the [`Stats`] fields.
//! - `show --json`: the [`ArticleRecord`] fields (`article_id`, `title`/`outlet`/`date` as
//!   `{"value", "source"}`, `url`, `paths`, `encoding`, `entities` as
//!   `[{"name", "type", "count", "variants"}]`, `words`, `meta` (the record metadata as an
//!   object of lists by key, `{"author": ["Ann Lee"], "bias": ["left"]}`), `appearances` (every
//!   record the text was read from: `[{"path", "outlet"?, "outlet_source"?, "date"?,
//!   "date_source"?, "url"?, "title", "meta"}]`, in the natural order of their paths)),
//!   plus `text` and `passages` (`[{"number", "start", "end", "text"}]`, character offsets).
//!   `furniture` lists the site furniture in the text (`[{"start", "end"}]`, character offsets):
//!   kept in `text`, left out of the passages' `text`.
//! - `copies --json`: see [`cluster_json`].
//! - `furniture --json`: the [`Listing`] fields: `{"outlets": [{"outlet", "articles",
//!   "with_furniture", "stories", "threshold", "items": [{"kind" ("line", "template" or "fragment"),
//!   "text", "articles"}]}]}`, outlets with the most articles with furniture first.
//! - `check --json`: `{"index", "healthy", "segments", "files_checked", "documents_read",
//!   "articles", "ledger_sources", "problems": [{"kind", "file" (or null), "detail"}]}`; `kind`
//!   is `files`, `open`, `checksum`, `read` or `ledger`.

use super::Style;
use crate::index::furniture::Listing;
use crate::index::ArticleRecord;
use crate::lookup::facet::{Facet, FacetRow};
use crate::lookup::outlets::OutletRow;
use crate::lookup::stats::Stats;
use crate::lookup::timeline::Timeline;
use crate::model::ArticleId;
use crate::search::copies::{Cluster, ClusterCopy};
use serde::Serialize;
use std::fmt::Write as _;

fn json<T: Serialize>(v: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

fn date_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// `outlets` as text: an aligned table.
pub fn outlets_text(rows: &[OutletRow], total: usize, undated_left_out: usize) -> String {
    let rows: Vec<FacetRow> = rows
        .iter()
        .map(|r| FacetRow {
            value: r.outlet.clone(),
            articles: r.articles,
            first: r.first,
            last: r.last,
            undated: r.undated,
        })
        .collect();
    let named = rows.iter().filter(|r| r.value.is_some()).count();
    let table = ValueTable {
        header: "outlet",
        plural: "outlets",
        missing: "(unknown outlet)".into(),
    };
    table.render(&rows, named, total, undated_left_out)
}

/// How a table of values with counts and date spans (`outlets`, `facet`) is labelled.
struct ValueTable<'a> {
    /// Column header and singular noun (`outlet`).
    header: &'a str,
    /// Plural noun (`outlets`).
    plural: &'a str,
    /// The row of articles without a value (`(unknown outlet)`).
    missing: String,
}

impl ValueTable<'_> {
    /// The summary line, then one aligned row per value; `values` distinct values in all.
    fn render(&self, rows: &[FacetRow], values: usize, total: usize, undated: usize) -> String {
        let mut out = String::new();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let _ = writeln!(
            out,
            "{}, {}",
            plural(values, self.header, self.plural),
            plural(total, "article", "articles")
        );
        if undated > 0 {
            let _ = writeln!(out, "({undated} undated articles left out by the date filter; add --include-undated to keep them)");
        }
        let name = |r: &FacetRow| -> String { r.value.clone().unwrap_or(self.missing.clone()) };
        let width = rows
            .iter()
            .map(|r| name(r).chars().count())
            .max()
            .unwrap_or(6)
            .max(self.header.chars().count());
        let _ = writeln!(
            out,
            "\n{:<width$}  {:>8}  {:<10}  {:<10}  {:>7}",
            self.header, "articles", "first", "last", "undated"
        );
        for r in rows {
            let name = name(r);
            let pad = width.saturating_sub(name.chars().count());
            let _ = writeln!(
                out,
                "{name}{}  {:>8}  {:<10}  {:<10}  {:>7}",
                " ".repeat(pad),
                r.articles,
                date_or_dash(r.first),
                date_or_dash(r.last),
                r.undated
            );
        }
        out
    }
}

/// `facet` as text: a summary line (values, articles; how many values `--top` left out), then
/// the values as `outlets` shows outlets.
pub fn facet_text(f: &Facet, total: usize, undated_left_out: usize) -> String {
    let table = ValueTable {
        header: &f.key,
        plural: "values",
        missing: format!("(no {})", f.key),
    };
    let mut out = table.render(&f.rows, f.values, total, undated_left_out);
    let shown = f.rows.iter().filter(|r| r.value.is_some()).count();
    if shown < f.values {
        let _ = writeln!(out, "({} more values; --top shows more)", f.values - shown);
    }
    out
}

/// `facet --json`: `{took_ms, query, key, total, undated, values, rows}` (see the module docs).
pub fn facet_json(query: Option<&str>, f: &Facet, total: usize, undated: usize) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        query: Option<&'a str>,
        key: &'a str,
        total: usize,
        undated: usize,
        values: usize,
        rows: &'a [FacetRow],
    }
    json(&Doc {
        query,
        key: &f.key,
        total,
        undated,
        values: f.values,
        rows: &f.rows,
    })
}

/// `outlets --json`.
pub fn outlets_json(
    query: Option<&str>,
    rows: &[OutletRow],
    total: usize,
    undated: usize,
) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        query: Option<&'a str>,
        total: usize,
        undated: usize,
        outlets: &'a [OutletRow],
    }
    json(&Doc {
        query,
        total,
        undated,
        outlets: rows,
    })
}

/// `timeline` as text: one bar per period (counts), or a table when split by outlet.
pub fn timeline_text(t: &Timeline, style: &Style) -> String {
    let mut out = String::new();
    let normalized = t
        .rows
        .iter()
        .any(|r| r.cells.iter().any(|c| c.share.is_some()));
    let _ = writeln!(
        out,
        "{} dated articles by {}",
        t.total,
        serde_json::to_value(t.by)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    );
    if t.undated > 0 {
        let _ = writeln!(out, "({} undated articles not shown)", t.undated);
    }
    out.push('\n');
    let label_w = t.rows.iter().map(|r| r.period.len()).max().unwrap_or(4);
    let cell = |c: &crate::lookup::timeline::Cell| -> String {
        match c.share {
            Some(None) => "gap".into(),
            Some(Some(s)) => format!("{:.1}%", s * 100.0),
            None => c.count.to_string(),
        }
    };
    if t.groups.len() == 1 {
        let max = t
            .rows
            .iter()
            .map(|r| {
                r.cells[0]
                    .share
                    .flatten()
                    .unwrap_or(r.cells[0].count as f64)
            })
            .fold(0.0_f64, f64::max);
        let bar_w = style.width.saturating_sub(label_w + 14).clamp(10, 60) as f64;
        for r in &t.rows {
            let c = &r.cells[0];
            let v = if normalized {
                c.share.flatten().unwrap_or(0.0)
            } else {
                c.count as f64
            };
            let n = if max > 0.0 {
                (v / max * bar_w).round() as usize
            } else {
                0
            };
            let _ = writeln!(
                out,
                "{:<label_w$}  {:>7}  {}",
                r.period,
                cell(c),
                "█".repeat(n)
            );
        }
        return out;
    }
    let widths: Vec<usize> = t
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            t.rows
                .iter()
                .map(|r| cell(&r.cells[i]).len())
                .max()
                .unwrap_or(1)
                .max(g.chars().count())
        })
        .collect();
    let _ = write!(out, "{:<label_w$}", "period");
    for (g, w) in t.groups.iter().zip(&widths) {
        let _ = write!(out, "  {g:>w$}");
    }
    out.push('\n');
    for r in &t.rows {
        let _ = write!(out, "{:<label_w$}", r.period);
        for (c, w) in r.cells.iter().zip(&widths) {
            let _ = write!(out, "  {:>w$}", cell(c));
        }
        out.push('\n');
    }
    out
}

/// `timeline --json`.
pub fn timeline_json(query: &str, t: &Timeline) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        query: &'a str,
        #[serde(flatten)]
        timeline: &'a Timeline,
    }
    json(&Doc { query, timeline: t })
}

/// `timeline --csv`: `period,start,group,count[,of,share]`, one line per cell.
pub fn timeline_csv(t: &Timeline) -> String {
    let normalized = t
        .rows
        .iter()
        .any(|r| r.cells.iter().any(|c| c.of.is_some()));
    let mut w = csv_writer();
    let mut header = vec!["period", "start", "group", "count"];
    if normalized {
        header.extend(["of", "share"]);
    }
    let _ = w.write_record(&header);
    for r in &t.rows {
        for (g, c) in t.groups.iter().zip(&r.cells) {
            let mut rec = vec![
                r.period.clone(),
                r.start.to_string(),
                g.clone(),
                c.count.to_string(),
            ];
            if normalized {
                rec.push(c.of.map(|o| o.to_string()).unwrap_or_default());
                rec.push(
                    c.share
                        .flatten()
                        .map(|s| format!("{s:.6}"))
                        .unwrap_or_default(),
                );
            }
            let _ = w.write_record(
                rec.iter()
                    .map(|c| super::safe::csv_cell(c, false).into_owned()),
            );
        }
    }
    csv_string(w)
}

/// A CSV writer into memory.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

/// The text written by a [`csv_writer`].
pub fn csv_string(w: csv::Writer<Vec<u8>>) -> String {
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// `stats` as text.
pub fn stats_text(s: &Stats) -> String {
    let mut out = String::new();
    let span = match (s.first_date, s.last_date) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "—".into(),
    };
    let rows = [
        ("articles", s.articles.to_string()),
        ("passages", s.passages.to_string()),
        (
            "outlets",
            format!(
                "{} (+{} articles with unknown outlet)",
                s.outlets, s.unknown_outlet
            ),
        ),
        ("dates", span),
        (
            "undated",
            format!("{} ({:.1}%)", s.undated, s.undated_share * 100.0),
        ),
        ("entities", s.entities.to_string()),
        ("sources", s.sources.to_string()),
        (
            "index size",
            format!(
                "{:.1} MB ({} bytes)",
                s.index_bytes as f64 / 1e6,
                s.index_bytes
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "{k:<11} {v}");
    }
    out
}

/// `check` as text: what was verified, then each problem.
pub fn health_text(h: &crate::index::health::Health) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "index {}: {}",
        h.index,
        if h.healthy {
            "healthy"
        } else {
            "PROBLEMS FOUND"
        }
    );
    let _ = writeln!(
        out,
        "  {} segments, {} files checksummed, {} stored documents read, {} articles, {} ledger sources",
        h.segments, h.files_checked, h.documents_read, h.articles, h.ledger_sources
    );
    for p in &h.problems {
        match &p.file {
            Some(f) => {
                let _ = writeln!(out, "  {:<8}  {f}: {}", p.kind, p.detail);
            }
            None => {
                let _ = writeln!(out, "  {:<8}  {}", p.kind, p.detail);
            }
        }
    }
    // A damaged cache has been built again already: the index itself needs nothing.
    if h.problems.iter().any(|p| p.kind != "cache") {
        let _ = writeln!(
            out,
            "rebuild it: move {} away and run `morgue ingest SOURCES --index {}`",
            h.index, h.index
        );
    }
    out
}

/// `check --json`: the [`Health`](crate::index::health::Health) fields.
pub fn health_json(h: &crate::index::health::Health) -> String {
    json(h)
}

/// `shard list` and `shard add` as text: one line per shard; after an add, what the join found.
pub fn shards_text(
    shards: &[crate::index::shards::ShardInfo],
    joined: Option<&crate::index::shards::Joined>,
    merged: Option<&crate::index::shards::Merged>,
) -> String {
    let mut out = String::new();
    let width = shards
        .iter()
        .map(|s| s.folder.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<width$}  {:>9}  {:>8}",
        "shard", "articles", "sources"
    );
    for s in shards {
        let _ = writeln!(
            out,
            "{:<width$}  {:>9}  {:>8}",
            s.folder, s.articles, s.sources
        );
    }
    if let Some(j) = joined {
        let _ = writeln!(
            out,
            "joined: {} texts already in an earlier shard kept there, {} copy clusters joined across shards",
            j.duplicates, j.clusters_joined
        );
    }
    if let Some(m) = merged {
        let _ = writeln!(out, "merged {} into {}", m.merged.join(", "), m.into);
    }
    out
}

/// `shard list --json`, `shard add --json` and `shard merge --json`: `{"shards": [{"folder",
/// "articles", "sources"}], "joined"?: {"duplicates", "clusters_joined"}, "merged"?: {"into",
/// "merged"}}`.
pub fn shards_json(
    shards: &[crate::index::shards::ShardInfo],
    joined: Option<&crate::index::shards::Joined>,
    merged: Option<&crate::index::shards::Merged>,
) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        shards: &'a [crate::index::shards::ShardInfo],
        #[serde(skip_serializing_if = "Option::is_none")]
        joined: Option<&'a crate::index::shards::Joined>,
        #[serde(skip_serializing_if = "Option::is_none")]
        merged: Option<&'a crate::index::shards::Merged>,
    }
    json(&Out {
        shards,
        joined,
        merged,
    })
}

/// `stats --json`.
pub fn stats_json(s: &Stats) -> String {
    json(s)
}

/// `show` as text: metadata with provenance, entities, then the text with passages numbered.
pub fn article_text(a: &ArticleRecord, style: &Style) -> String {
    let mut out = String::new();
    let bold = |s: &str| {
        if style.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let _ = writeln!(
        out,
        "{}",
        bold(if a.title.value.is_empty() {
            "(untitled)"
        } else {
            &a.title.value
        })
    );
    let field = |out: &mut String, k: &str, v: String| {
        let _ = writeln!(out, "  {k:<9} {v}");
    };
    field(&mut out, "id", a.article_id.to_string());
    field(&mut out, "title", format!("from {}", a.title.source));
    field(
        &mut out,
        "date",
        a.date
            .as_ref()
            .map(|d| format!("{}  (from {})", d.value, d.source))
            .unwrap_or_else(|| "undated".into()),
    );
    field(
        &mut out,
        "outlet",
        a.outlet
            .as_ref()
            .map(|o| format!("{}  (from {})", o.value, o.source))
            .unwrap_or_else(|| "unknown".into()),
    );
    let grouped = crate::index::meta::group(&a.meta);
    if let Some((_, authors)) = grouped.iter().find(|(k, _)| *k == crate::model::AUTHOR) {
        field(&mut out, "author", authors.join("; "));
    }
    let others = grouped.iter().filter(|(k, _)| *k != crate::model::AUTHOR);
    for (i, (k, values)) in others.enumerate() {
        field(
            &mut out,
            if i == 0 { "meta" } else { "" },
            format!("{k}: {}", values.join("; ")),
        );
    }
    if let Some(u) = &a.url {
        field(&mut out, "url", u.clone());
    }
    for (i, p) in a.paths.iter().enumerate() {
        field(&mut out, if i == 0 { "path" } else { "" }, p.clone());
    }
    if a.appearances.len() > 1 {
        // The same text in several records: each with its own outlet and date.
        for (i, ap) in a.appearances.iter().enumerate() {
            let date = ap.date.map_or("undated".to_string(), |d| d.to_string());
            let outlet = ap.outlet.as_deref().unwrap_or("unknown outlet");
            field(
                &mut out,
                if i == 0 { "appears" } else { "" },
                format!("{date:<10}  {outlet}  {}", ap.path),
            );
        }
    }
    field(&mut out, "encoding", a.encoding.clone());
    field(&mut out, "words", a.words.to_string());
    let ents: Vec<String> = a
        .entities
        .iter()
        .map(|e| format!("{} [{}] ({})", e.name, e.kind, e.count))
        .collect();
    field(
        &mut out,
        "entities",
        if ents.is_empty() {
            "—".into()
        } else {
            ents.join(", ")
        },
    );
    out.push('\n');
    let mut pos = 0;
    for p in &a.passages() {
        let before = marked(a, pos..p.bytes.start.max(pos));
        let before = before.trim();
        if !before.is_empty() {
            let _ = writeln!(out, "     {}\n", before.replace('\n', "\n     "));
        }
        let _ = writeln!(
            out,
            "{:>4} {}\n",
            format!("¶{}", p.number),
            marked(a, p.bytes.clone()).replace('\n', "\n     ")
        );
        pos = p.bytes.end.max(pos);
    }
    let rest = marked(a, pos..a.text.len().max(pos));
    let rest = rest.trim();
    if !rest.is_empty() {
        let _ = writeln!(out, "     {}", rest.replace('\n', "\n     "));
    }
    out
}

/// The text of `span` with its site furniture shown as `[furniture: …]`.
fn marked(a: &ArticleRecord, span: std::ops::Range<usize>) -> String {
    let mut out = String::new();
    let mut pos = span.start;
    for r in &a.furniture {
        if r.end <= pos || r.start >= span.end {
            continue;
        }
        out.push_str(a.text.get(pos..r.start.max(pos)).unwrap_or(""));
        let _ = write!(
            out,
            "[furniture: {}]",
            a.text
                .get(r.start.max(pos)..r.end.min(span.end))
                .unwrap_or("")
        );
        pos = r.end.min(span.end);
    }
    out.push_str(a.text.get(pos..span.end).unwrap_or(""));
    out
}

/// `show --json`.
pub fn article_json(a: &ArticleRecord) -> String {
    #[derive(Serialize)]
    struct P<'a> {
        number: u32,
        start: u64,
        end: u64,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        #[serde(flatten)]
        record: &'a ArticleRecord,
        text: &'a str,
        #[serde(rename = "passages")]
        passage_texts: Vec<P<'a>>,
    }
    let passages = a
        .passages()
        .into_iter()
        .map(|p| P {
            number: p.number,
            start: p.start,
            end: p.end,
            text: a.slice(&p.bytes),
        })
        .collect();
    json(&Doc {
        record: a,
        text: &a.text,
        passage_texts: passages,
    })
}

/// `copies` as text: the cluster's articles, original first, in aligned columns.
pub fn cluster_text(c: &Cluster, style: &Style) -> String {
    let mut out = String::new();
    let others = c.copies.len().saturating_sub(1);
    let _ = writeln!(
        out,
        "{} {} of the story of {}; the original is the earliest dated copy",
        c.copies.len(),
        if c.copies.len() == 1 {
            "copy"
        } else {
            "copies"
        },
        c.article_id,
    );
    if others == 0 {
        let _ = writeln!(out, "(no near-duplicate copies in the index)");
    }
    let outlet = |x: &ClusterCopy| {
        let outlet = x.summary.outlet.clone();
        outlet.unwrap_or_else(|| "unknown outlet".into())
    };
    let width = c
        .copies
        .iter()
        .map(|x| outlet(x).chars().count())
        .max()
        .unwrap_or(0);
    for x in &c.copies {
        let sim = match x.similarity {
            _ if x.original => "original".to_string(),
            Some(s) => format!("J≈{s:.2}"),
            None => "J n/a".to_string(),
        };
        let s = &x.summary;
        let place = s.url.clone().or_else(|| s.paths.first().cloned());
        let line = format!(
            "{:<10}  {:<width$}  {:<8}  {}  {:>6} words",
            date_or_dash(s.date),
            outlet(x),
            sim,
            s.article_id,
            x.words,
        );
        let _ = writeln!(out, "{}", super::text::bold(&line, style, x.original));
        let _ = writeln!(out, "    {}", s.title);
        if let Some(p) = place {
            let _ = writeln!(out, "    {p}");
        }
    }
    out
}

/// `copies --json`: `{"article_id", "cluster", "copies": [{"article_id", "original", "title",
/// "outlet", "date", "url", "paths", "words", "similarity"}]}`, original first.
pub fn cluster_json(c: &Cluster) -> String {
    #[derive(Serialize)]
    struct Copy<'a> {
        article_id: ArticleId,
        original: bool,
        title: &'a str,
        outlet: Option<&'a str>,
        date: Option<chrono::NaiveDate>,
        url: Option<&'a str>,
        paths: &'a [String],
        words: u64,
        similarity: Option<f64>,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        article_id: ArticleId,
        cluster: ArticleId,
        copies: Vec<Copy<'a>>,
    }
    let copies = c.copies.iter().map(|x| {
        let s = &x.summary;
        Copy {
            article_id: s.article_id,
            original: x.original,
            title: &s.title,
            outlet: s.outlet.as_deref(),
            date: s.date,
            url: s.url.as_deref(),
            paths: &s.paths,
            words: x.words,
            similarity: x.similarity,
        }
    });
    json(&Doc {
        article_id: c.article_id,
        cluster: c.cluster,
        copies: copies.collect(),
    })
}

/// `furniture` as text: per outlet, the furniture removed with the number of articles.
pub fn furniture_text(l: &Listing) -> String {
    let mut out = String::new();
    if l.outlets.is_empty() {
        out.push_str("no site furniture learned\n");
    }
    for (i, o) in l.outlets.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let name = if o.outlet.is_empty() {
            "(unknown outlet)"
        } else {
            &o.outlet
        };
        let _ = writeln!(
            out,
            "{name}: furniture removed from {} of {} articles ({} stories; learned at {} stories)",
            o.with_furniture, o.articles, o.stories, o.threshold
        );
        for item in &o.items {
            let text = item.text.replace('\n', " ⏎ ");
            let _ = writeln!(out, "  {:>6}  {:<8}  {text}", item.articles, item.kind);
        }
    }
    out
}

/// `furniture --json`.
pub fn furniture_json(l: &Listing) -> String {
    json(l)
}
