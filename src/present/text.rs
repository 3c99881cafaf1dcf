//! Human-readable output.

use super::Style;
use crate::pipeline::IngestReport;
use crate::search::{Filters, Hit, PassageHit, SearchResults};
use std::fmt::Write as _;
use std::ops::Range;

pub(crate) const BOLD: &str = "\x1b[1m";
pub(crate) const MATCH: &str = "\x1b[1;31m";
pub(crate) const DIM: &str = "\x1b[2m";
pub(crate) const RESET: &str = "\x1b[0m";
/// Words shown before the first match when a passage is windowed.
const LEAD_WORDS: usize = 20;
/// Words shown in a windowed passage.
const WINDOW_WORDS: usize = 70;

/// Renders search results.
pub fn search(r: &SearchResults, style: &Style) -> String {
    let mut out = String::new();
    let noun = if r.total == 1 { "article" } else { "articles" };
    let _ = writeln!(out, "{} {noun} match {}", r.total, quoted(&r.query));
    if r.copies > 0 {
        let _ = writeln!(
            out,
            "({} near-duplicate {} counted with {} original; --all-copies shows each)",
            r.copies,
            if r.copies == 1 { "copy" } else { "copies" },
            if r.copies == 1 { "its" } else { "their" }
        );
    }
    if r.appearances > 0 {
        let _ = match r.appearances {
            1 => writeln!(
                out,
                "(1 other record of a matching text listed as its copy)"
            ),
            n => writeln!(
                out,
                "({n} other records of matching texts listed as their copies)"
            ),
        };
    }
    if r.undated > 0 {
        let _ = writeln!(
            out,
            "({} undated {} left out by the date filter; add --include-undated to keep them)",
            r.undated,
            if r.undated == 1 {
                "article"
            } else {
                "articles"
            }
        );
    }
    if r.hits.len() < r.total {
        let _ = writeln!(out, "showing the top {}", r.hits.len());
    }
    for hit in &r.hits {
        out.push('\n');
        render_hit(&mut out, hit, style);
    }
    out
}

/// The line that opens a `search --batch` block: where the query starts in the file, the query
/// (when it could be read) and the filters it runs with (when they are valid).
pub fn batch_header(line: u64, query: Option<&str>, filters: Option<&Filters>) -> String {
    let mut out = format!("── line {line}");
    if let Some(q) = query {
        let _ = write!(out, ": {}", quoted(q));
    }
    if let Some(f) = filters {
        let mut parts = Vec::new();
        if let Some(d) = f.from {
            parts.push(format!("from {d}"));
        }
        if let Some(d) = f.to {
            parts.push(format!("to {d}"));
        }
        if f.has_dates() && f.include_undated {
            parts.push("undated kept".to_string());
        }
        if !f.outlets.is_empty() {
            parts.push(format!("outlet {}", f.outlets.join(" or ")));
        }
        if !f.entities.is_empty() {
            parts.push(format!("entity {}", f.entities.join(" and ")));
        }
        for (key, values) in f.meta_groups() {
            parts.push(format!("{key} {}", values.join(" or ")));
        }
        for p in parts {
            let _ = write!(out, " · {p}");
        }
    }
    out.push('\n');
    out
}

/// The body of a `search --batch` block for a query that could not run.
pub fn batch_error(message: &str) -> String {
    format!("error: {message}\n")
}

fn quoted(q: &str) -> String {
    if q.contains('"') {
        format!("[{q}]")
    } else {
        format!("\"{q}\"")
    }
}

fn render_hit(out: &mut String, hit: &Hit, style: &Style) {
    let rank = format!("{:>3}.", hit.rank);
    let s = &hit.summary;
    let title = if s.title.is_empty() {
        "(untitled)"
    } else {
        &s.title
    };
    let title = paint(title, &hit.title_highlights, style, Some(BOLD));
    let _ = writeln!(out, "{rank} {title}");
    let indent = " ".repeat(rank.len() + 1);
    let date = s
        .date
        .map(|d| d.to_string())
        .unwrap_or_else(|| "undated".into());
    let outlet = s.outlet.as_deref().unwrap_or("unknown outlet");
    let by = match hit.authors.is_empty() {
        true => String::new(),
        false => format!(" │ by {}", hit.authors.join("; ")),
    };
    let meta = format!(
        "{date:<10} │ {outlet}{by} │ {} │ score {:.2}",
        s.article_id, hit.score
    );
    let _ = writeln!(out, "{indent}{}", dim(&meta, style));
    let place = s
        .url
        .clone()
        .or_else(|| s.paths.first().cloned())
        .unwrap_or_default();
    let more = match s.paths.len() {
        0 | 1 => String::new(),
        n => format!(
            " (+{} more {})",
            n - 1,
            if n == 2 { "path" } else { "paths" }
        ),
    };
    let _ = writeln!(out, "{indent}{}", dim(&format!("{place}{more}"), style));
    if !hit.copies.is_empty() {
        let _ = writeln!(out, "{indent}{}", dim(&copies_line(&hit.copies), style));
    }
    for p in &hit.passages {
        render_passage(out, p, &indent, style);
    }
}

/// "+N copies (outlet, outlet, …)": the other copies' outlets, each once, in original-first order.
fn copies_line(copies: &[crate::search::copies::CopyRef]) -> String {
    const SHOWN: usize = 4;
    let mut outlets: Vec<&str> = Vec::new();
    for c in copies {
        let o = c.outlet.as_deref().unwrap_or("unknown outlet");
        if !outlets.contains(&o) {
            outlets.push(o);
        }
    }
    let mut list = outlets[..outlets.len().min(SHOWN)].join(", ");
    if outlets.len() > SHOWN {
        let _ = write!(list, ", +{} more", outlets.len() - SHOWN);
    }
    let n = copies.len();
    format!("+{n} {} ({list})", if n == 1 { "copy" } else { "copies" })
}

fn render_passage(out: &mut String, p: &PassageHit, indent: &str, style: &Style) {
    let (text, highlights) = if style.full {
        (p.text.clone(), p.highlights.clone())
    } else {
        window(&p.text, &p.highlights)
    };
    let label = format!("¶{} ", p.number);
    let body = paint(&text, &highlights, style, None);
    let width = style.width.saturating_sub(indent.len()).max(40);
    let wrapped = wrap(&body, width.saturating_sub(label.chars().count()));
    let pad = " ".repeat(label.chars().count());
    for (i, line) in wrapped.iter().enumerate() {
        let head = if i == 0 { label.as_str() } else { pad.as_str() };
        let _ = writeln!(out, "{indent}{head}{line}");
    }
}

/// A window of the passage around its first highlight, with `…` where it was cut; runs of
/// whitespace become one space, and the highlight ranges follow.
pub fn window(text: &str, highlights: &[Range<usize>]) -> (String, Vec<Range<usize>>) {
    // Each word's byte range in `text`, and where it starts in the collapsed text.
    let mut words: Vec<(Range<usize>, usize)> = Vec::new();
    let mut flat_len = 0;
    for word in text.split_whitespace() {
        // The word is a slice of `text`: its offset is exact whatever whitespace preceded it.
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        let sep = usize::from(!words.is_empty());
        words.push((start..start + word.len(), flat_len + sep));
        flat_len += sep + word.len();
    }
    // A text offset in the collapsed text: inside (or at the end of) a word, or at the next word.
    let to_flat = |at: usize, end: bool| -> usize {
        match words
            .iter()
            .position(|(r, _)| if end { at <= r.end } else { at < r.end })
        {
            Some(i) if at >= words[i].0.start => words[i].1 + (at - words[i].0.start),
            Some(i) if end && i > 0 => words[i - 1].1 + words[i - 1].0.len(),
            Some(i) => words[i].1,
            None => flat_len,
        }
    };
    let hl: Vec<Range<usize>> = highlights
        .iter()
        .map(|r| to_flat(r.start, false)..to_flat(r.end, true))
        .filter(|r| r.start < r.end)
        .collect();
    let (from, to) = if words.len() <= WINDOW_WORDS {
        (0, words.len())
    } else {
        let first = hl.first().map_or(0, |r| r.start);
        let hit = words
            .iter()
            .position(|(r, f)| f + r.len() > first)
            .unwrap_or(0);
        let from = hit
            .saturating_sub(LEAD_WORDS)
            .min(words.len() - WINDOW_WORDS);
        (from, from + WINDOW_WORDS)
    };
    let Some(last) = to.checked_sub(1) else {
        return (String::new(), Vec::new());
    };
    let prefix = if from > 0 { "… " } else { "" };
    let suffix = if to < words.len() { " …" } else { "" };
    let (a, b) = (words[from].1, words[last].1 + words[last].0.len());
    let body: Vec<&str> = words[from..to]
        .iter()
        .map(|(r, _)| &text[r.clone()])
        .collect();
    let shifted = hl
        .into_iter()
        .filter(|r| r.start >= a && r.end <= b)
        .map(|r| r.start - a + prefix.len()..r.end - a + prefix.len())
        .collect();
    (format!("{prefix}{}{suffix}", body.join(" ")), shifted)
}

fn paint(text: &str, ranges: &[Range<usize>], style: &Style, base: Option<&str>) -> String {
    if !style.color {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16 * ranges.len());
    let base_on = base.unwrap_or("");
    out.push_str(base_on);
    let mut pos = 0;
    for r in ranges {
        let (Some(before), Some(marked)) = (text.get(pos..r.start), text.get(r.start..r.end))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str(MATCH);
        out.push_str(marked);
        out.push_str(RESET);
        out.push_str(base_on);
        pos = r.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    if base.is_some() {
        out.push_str(RESET);
    }
    out
}

/// `s` in bold when `on` and colours are on.
pub(crate) fn bold(s: &str, style: &Style, on: bool) -> String {
    if on && style.color {
        format!("{BOLD}{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn dim(s: &str, style: &Style) -> String {
    if style.color {
        format!("{DIM}{s}{RESET}")
    } else {
        s.to_string()
    }
}

/// Wraps text (which may contain ANSI escapes) at `width` visible characters.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut visible = 0;
    for word in s.split(' ') {
        let w = visible_len(word);
        if visible > 0 && visible + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            visible = 0;
        }
        if visible > 0 {
            line.push(' ');
            visible += 1;
        }
        line.push_str(word);
        visible += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// Renders a date evaluation: one line per miss, then the accuracy.
pub fn date_eval(r: &crate::eval::DateEval) -> String {
    let mut out = String::new();
    for m in &r.misses {
        let _ = writeln!(
            out,
            "miss  {}  expected {}  found {}{}  {}",
            m.file,
            m.expected.as_deref().unwrap_or("none"),
            m.found.as_deref().unwrap_or("none"),
            m.source
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default(),
            m.url
        );
    }
    for s in &r.unreadable {
        let _ = writeln!(out, "unreadable  {}: {}", s.path, s.reason);
    }
    for l in &r.languages {
        let _ = writeln!(
            out,
            "language {:<9} {:.3}  ({} of {})",
            l.language, l.accuracy, l.correct, l.total
        );
    }
    if let Some(cv) = &r.cross_validation {
        for (i, (acc, rules)) in cv.held_out.iter().zip(&cv.chosen).enumerate() {
            let _ = writeln!(out, "fold {}  held-out {acc:.3}  rules {rules}", i + 1);
        }
        for w in &cv.worth {
            let _ = writeln!(out, "rule {:<28} {:+} pages", w.rule, w.pages);
        }
        let _ = writeln!(
            out,
            "cross-validated accuracy {:.3} ± {:.3}  ({} folds, rules kept on the others)",
            cv.mean, cv.sd, cv.folds
        );
    }
    let _ = writeln!(
        out,
        "accuracy {:.3}  ({} of {} pages; {} misses, {} dates where the gold has none)",
        r.accuracy,
        r.correct,
        r.total,
        r.misses.len(),
        r.invented
    );
    out
}

/// Renders an ingest report.
pub fn ingest(r: &IngestReport) -> String {
    let mut out = String::new();
    let secs = r.elapsed.as_secs_f64();
    let _ = writeln!(out, "files read        {:>8} of {}", r.files_read, r.files);
    if r.unchanged > 0 {
        let _ = writeln!(
            out,
            "unchanged         {:>8}  (already read, per the index's ledger)",
            r.unchanged
        );
    }
    let _ = writeln!(
        out,
        "articles indexed  {:>8}  ({} passages)",
        r.articles_indexed, r.passages
    );
    let _ = writeln!(
        out,
        "already present   {:>8}{}",
        r.already_present,
        if r.new_paths > 0 {
            format!("  ({} found at a new path, path recorded)", r.new_paths)
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "undated           {:>8}", r.undated);
    if r.copies > 0 {
        let _ = writeln!(
            out,
            "near-duplicates   {:>8}  (copies of a story already indexed: see `morgue copies ID`)",
            r.copies
        );
    }
    if r.furniture > 0 || r.reindexed > 0 {
        let _ = writeln!(
            out,
            "furniture         {:>8}  (articles with site furniture removed; {} re-indexed; see `morgue furniture`)",
            r.furniture, r.reindexed
        );
    }
    if let Some(sh) = &r.sharded {
        let per: Vec<String> = sh.articles_indexed.iter().map(|n| n.to_string()).collect();
        let _ = writeln!(
            out,
            "shards            {:>8}  (new articles per shard: {})",
            sh.shards,
            per.join(", ")
        );
    }
    let _ = writeln!(out, "skipped           {:>8}", r.skipped_total);
    for s in &r.skipped {
        let _ = writeln!(out, "  {}: {}", s.path, s.reason);
    }
    if r.skipped_total > r.skipped.len() as u64 {
        let _ = writeln!(
            out,
            "  … {} more, not listed; per source and reason:",
            r.skipped_total - r.skipped.len() as u64
        );
        for c in &r.skip_counts {
            let _ = writeln!(out, "  {}: {} × {}", c.source, c.count, c.reason);
        }
    }
    if r.warnings_total > 0 {
        let _ = writeln!(out, "warnings          {:>8}", r.warnings_total);
        for w in &r.warnings {
            let _ = writeln!(out, "  {}: {}", w.path, w.reason);
        }
        if r.warnings_total > r.warnings.len() as u64 {
            let _ = writeln!(
                out,
                "  … {} more, not listed",
                r.warnings_total - r.warnings.len() as u64
            );
        }
    }
    if !r.transcoded.is_empty() {
        let _ = writeln!(
            out,
            "decoded from a legacy encoding: {}",
            r.transcoded.len()
        );
        for t in &r.transcoded {
            let _ = writeln!(out, "  {}: {}", t.path, t.encoding);
        }
    }
    let rate = if secs > 0.0 {
        r.articles_indexed as f64 / secs
    } else {
        0.0
    };
    let _ = writeln!(out, "index now holds   {:>8} articles", r.total_articles);
    let _ = writeln!(
        out,
        "elapsed           {secs:>8.2}s  ({rate:.0} articles/s)"
    );
    out
}

/// One line of training progress.
pub fn ner_epoch(
    r: &crate::extract::ner::train::EpochReport,
    elapsed: std::time::Duration,
) -> String {
    let mut s = format!("epoch {:>2}  train error {:.4}", r.epoch, r.train_error);
    if let Some(d) = &r.dev {
        let _ = write!(s, "  dev F1 {:.4}", d.overall.f1);
        for (k, sc) in &d.per_type {
            let _ = write!(s, " {} {:.4}", k.conll(), sc.f1);
        }
    }
    let _ = write!(s, "  ({:.1}s)", elapsed.as_secs_f64());
    s
}

/// A conlleval-style table of an evaluation.
pub fn ner_eval(e: &crate::extract::ner::conll::Evaluation) -> String {
    let mut out = String::new();
    let o = &e.overall;
    let _ = writeln!(
        out,
        "processed {} tokens with {} phrases; found: {} phrases; correct: {}.",
        e.tokens, o.gold, o.predicted, o.correct
    );
    let _ = writeln!(out, "token accuracy: {:6.2}%", 100.0 * e.token_accuracy);
    let row = |name: &str, s: &crate::extract::ner::conll::Score| {
        format!(
            "{name:>8}: precision {:6.2}%  recall {:6.2}%  F1 {:6.2}   ({} gold, {} found, {} correct)\n",
            100.0 * s.precision,
            100.0 * s.recall,
            100.0 * s.f1,
            s.gold,
            s.predicted,
            s.correct
        )
    };
    out.push_str(&row("overall", o));
    for (k, s) in &e.per_type {
        out.push_str(&row(k.conll(), s));
    }
    out
}

/// A cross-validation: per-type precision, recall and F1 as mean ± standard deviation over the
/// folds, then each fold's F1.
pub fn ner_cv(cv: &crate::extract::ner::train::CrossValidation) -> String {
    use crate::extract::ner::conll::{Evaluation, Score};
    let mut out = format!("{}-fold cross-validation by document\n", cv.folds.len());
    let row = |name: &str, pick: &dyn Fn(&Evaluation) -> Score| {
        let p = cv.mean_sd(|e| pick(e).precision);
        let r = cv.mean_sd(|e| pick(e).recall);
        let f = cv.mean_sd(|e| pick(e).f1);
        format!(
            "{name:>8}: precision {:6.2} ± {:4.2}  recall {:6.2} ± {:4.2}  F1 {:6.2} ± {:4.2}\n",
            100.0 * p.0,
            100.0 * p.1,
            100.0 * r.0,
            100.0 * r.1,
            100.0 * f.0,
            100.0 * f.1
        )
    };
    out.push_str(&row("overall", &|e| e.overall));
    for (i, k) in crate::extract::ner::EntityType::ALL.iter().enumerate() {
        out.push_str(&row(k.conll(), &|e| e.per_type[i].1));
    }
    let folds: Vec<String> = cv
        .folds
        .iter()
        .map(|e| format!("{:.2}", 100.0 * e.overall.f1))
        .collect();
    let _ = writeln!(out, "fold F1: {}", folds.join(" "));
    if !cv.first_stage.is_empty() {
        // The same folds' first stage alone: the second stage's gain, fold by fold.
        let f1 = |pick: &dyn Fn(&Evaluation) -> f64| {
            let xs: Vec<f64> = cv.first_stage.iter().map(|e| 100.0 * pick(e)).collect();
            crate::extract::ner::train::mean_sd(&xs)
        };
        let (m, sd) = f1(&|e| e.overall.f1);
        let _ = write!(out, "first stage alone: F1 {m:.2} ± {sd:.2}");
        for (i, k) in crate::extract::ner::EntityType::ALL.iter().enumerate() {
            let _ = write!(out, "  {} {:.2}", k.conll(), f1(&|e| e.per_type[i].1.f1).0);
        }
        let folds: Vec<String> = cv
            .first_stage
            .iter()
            .map(|e| format!("{:.2}", 100.0 * e.overall.f1))
            .collect();
        let _ = writeln!(out, "\nfirst stage fold F1: {}", folds.join(" "));
    }
    out
}

/// Entity mentions, one per line: type, text, byte range.
pub fn mentions(m: &[crate::extract::ner::Mention]) -> String {
    let mut out = String::new();
    for x in m {
        let _ = writeln!(
            out,
            "{:<8} {}\t{}..{}{}",
            x.kind.conll(),
            x.text,
            x.span.start,
            x.span.end,
            if x.headline { "\theadline" } else { "" }
        );
    }
    out
}

/// `morgue entities`: a ranked table.
pub fn entities(r: &crate::lookup::entities::EntitiesResult) -> String {
    let mut out = String::new();
    let scope = match &r.query {
        Some(q) => format!("the {} stories matching {}", r.articles, quoted(q)),
        None => format!("all {} stories", r.articles),
    };
    let _ = writeln!(
        out,
        "{} distinct entities in {scope}; top {}:",
        r.distinct,
        r.entities.len()
    );
    if r.copies > 0 {
        let _ = writeln!(
            out,
            "({} near-duplicate copies counted once, with their stories; --all-copies counts each)",
            r.copies
        );
    }
    let width = r
        .entities
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0);
    for (i, e) in r.entities.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {:<width$}  {:<8}  {:>5} articles  {:>6} mentions{}",
            i + 1,
            e.name,
            e.kind,
            e.articles,
            e.mentions,
            if e.ambiguous {
                "  (ambiguous short name)"
            } else {
                ""
            }
        );
    }
    if r.entities.iter().any(|e| e.ambiguous) {
        let _ = writeln!(
            out,
            "(an ambiguous short name is one several entities share, left unresolved; `morgue entity NAME` lists them)"
        );
    }
    out
}

/// `morgue entity NAME`: the researcher's sheet.
pub fn entity(r: &crate::lookup::entities::EntityReport) -> String {
    let mut out = String::new();
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let d = |x: Option<chrono::NaiveDate>| x.map_or("-".to_string(), |d| d.to_string());
    if r.ambiguous {
        let _ = writeln!(
            out,
            "{} is ambiguous: {} entities share the name; ask for one by its full name.",
            quoted(&r.query),
            r.candidates.len()
        );
        let width = r
            .candidates
            .iter()
            .map(|e| e.name.chars().count())
            .max()
            .unwrap_or(0);
        for c in &r.candidates {
            let _ = writeln!(
                out,
                "  {:<width$}  {:<8}  {:>5} articles{}",
                c.name,
                c.kind,
                c.articles,
                if c.ambiguous {
                    "  (the short name alone, unresolved)"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(
            out,
            "articles:   {} mention one of them ({} mentions)",
            r.articles, r.mentions
        );
    } else {
        let _ = writeln!(out, "{} ({})", r.name, r.kind);
        let more = r.variants_total.saturating_sub(r.variants.len());
        let _ = writeln!(
            out,
            "variants:   {}{}",
            list(
                r.variants
                    .iter()
                    .map(|v| format!("{} ({})", v.name, v.articles))
                    .collect()
            ),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        let _ = writeln!(out, "articles:   {} ({} mentions)", r.articles, r.mentions);
    }
    if r.copies > 0 {
        let _ = writeln!(
            out,
            "            ({} near-duplicate copies counted once; --all-copies counts each)",
            r.copies
        );
    }
    let _ = writeln!(
        out,
        "outlets:    {}",
        list(
            r.outlets
                .iter()
                .take(10)
                .map(|o| format!("{} ({})", o.outlet, o.articles))
                .collect()
        )
    );
    let _ = writeln!(out, "first:      {}", d(r.first_date));
    let _ = writeln!(out, "last:       {}", d(r.last_date));
    if !r.ambiguous {
        let _ = writeln!(
            out,
            "with:       {}",
            list(
                r.co_mentioned
                    .iter()
                    .map(|e| format!("{} ({})", e.name, e.articles))
                    .collect()
            )
        );
    }
    out.push('\n');
    for a in &r.article_list {
        let _ = writeln!(
            out,
            "{}  {:<10}  {:<10}  {}  [{} mentions]",
            a.article_id,
            d(a.date),
            a.outlet.as_deref().unwrap_or("-"),
            a.title,
            a.mentions
        );
    }
    if r.article_list.len() < r.articles {
        let _ = writeln!(
            out,
            "… {} more (--limit N lists more)",
            r.articles - r.article_list.len()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_highlights_on_the_same_words() {
        let text = format!("{} target {}", "pre ".repeat(50), "post ".repeat(100));
        let at = text.find("target").unwrap();
        let (w, hl) = window(&text, std::slice::from_ref(&(at..at + 6)));
        assert_eq!(&w[hl[0].clone()], "target");
        assert!(w.starts_with("… ") && w.ends_with(" …"));
    }

    #[test]
    fn window_maps_phrases_across_collapsed_whitespace() {
        let text = format!(
            "{}Der \n\n  Spiegel café {}",
            "pré ".repeat(30),
            "post ".repeat(100)
        );
        let a = text.find("Der").unwrap();
        let b = text.find("Spiegel").unwrap() + "Spiegel".len();
        let c = text.find("café").unwrap();
        let (w, hl) = window(&text, &[a..b, c..c + "café".len()]);
        assert_eq!(&w[hl[0].clone()], "Der Spiegel");
        assert_eq!(&w[hl[1].clone()], "café");
        assert!(w.starts_with("… pré ") && w.ends_with(" …"));
        // Short passages are only collapsed.
        let (w, hl) = window("a  b\n c", std::slice::from_ref(&(3..4)));
        assert_eq!((w.as_str(), &w[hl[0].clone()]), ("a b c", "b"));
        // Multi-byte whitespace (NBSP, ideographic space) between words.
        let t = "x\u{a0}\u{3000}target y";
        let at = t.find("target").unwrap();
        let (w, hl) = window(t, std::slice::from_ref(&(at..at + 6)));
        assert_eq!((w.as_str(), &w[hl[0].clone()]), ("x target y", "target"));
    }

    #[test]
    fn wrap_counts_only_visible_characters() {
        let s = format!("{MATCH}aaaa{RESET} bbbb cccc");
        assert_eq!(wrap(&s, 9).len(), 2);
    }

    #[test]
    fn paint_without_color_is_plain() {
        let st = Style::default();
        assert_eq!(
            paint("a b", std::slice::from_ref(&(0..1)), &st, None),
            "a b"
        );
        let st = Style {
            color: true,
            ..Style::default()
        };
        assert!(paint("a b", std::slice::from_ref(&(0..1)), &st, None).contains(MATCH));
    }
}
