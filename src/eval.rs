//! Evaluations of extraction quality against gold data: `morgue eval dates`.
//!
//! Owns reading gold files and scoring extractors; like `pipeline`, it calls several stages
//! (the HTML reader, then the same date precedence as ingest via [`pipeline::build_article`]),
//! so what is measured is exactly what ingest does. Returns plain structs; never prints.

use crate::dates;
use crate::error::{Error, Result};
use crate::pipeline;
use crate::read::html::{parse_page_with, DateRules};
use crate::read::Skip;
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One page whose date was not the gold date.
#[derive(Debug, Clone, Serialize)]
pub struct DateMiss {
    /// The page's URL (the gold file's key).
    pub url: String,
    /// The page's file, as the gold file names it.
    pub file: String,
    /// The gold date (`YYYY-MM-DD`), or null when the page has none.
    pub expected: Option<String>,
    /// The date found, or null.
    pub found: Option<String>,
    /// Where it was found (`json-ld`, `meta:…`, `time`, `dateline`, `url`…), or null.
    pub source: Option<String>,
}

/// The result of `eval dates`.
#[derive(Debug, Clone, Serialize)]
pub struct DateEval {
    /// Pages evaluated.
    pub total: usize,
    /// Pages whose date was the gold date (exact day), or undated when the gold has none.
    pub correct: usize,
    /// `correct / total`.
    pub accuracy: f64,
    /// Pages given a date where the gold says they have none (must stay 0).
    pub invented: usize,
    /// Every miss, in gold-file order.
    pub misses: Vec<DateMiss>,
    /// Pages that could not be read (file missing, undecodable).
    pub unreadable: Vec<Skip>,
    /// Accuracy per page language (`<html lang>`, else the script: `und-Cyrl`…), most pages first.
    pub languages: Vec<LanguageScore>,
    /// The cross-validated figure, with `--folds K`.
    pub cross_validation: Option<CrossValidation>,
}

/// The accuracy on the pages of one language.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageScore {
    /// The language tag (`de`, `en`, `und-Arab`…; `unknown` when neither markup nor script tell).
    pub language: String,
    /// Pages.
    pub total: usize,
    /// Pages with the gold date.
    pub correct: usize,
    /// `correct / total`.
    pub accuracy: f64,
}

/// K-fold cross-validation of the choices in [`DateRules`]: pages are split into K folds by a
/// hash of their URL; for each fold, each rule is kept only if turning it off (all others on)
/// loses pages on the other folds, and the rules kept are scored on the held-out fold.
#[derive(Debug, Clone, Serialize)]
pub struct CrossValidation {
    /// K.
    pub folds: usize,
    /// Held-out accuracy of each fold.
    pub held_out: Vec<f64>,
    /// The rules kept on each fold's training folds (names of [`DateRules::NAMES`], or `none`).
    pub chosen: Vec<String>,
    /// Mean held-out accuracy.
    pub mean: f64,
    /// Standard deviation of the held-out accuracies (over folds, n − 1).
    pub sd: f64,
    /// What each rule is worth on all pages: pages right with every rule, minus pages right
    /// with that one turned off.
    pub worth: Vec<RuleWorth>,
}

/// Pages one rule of [`DateRules`] gains (negative: loses) on all pages.
#[derive(Debug, Clone, Serialize)]
pub struct RuleWorth {
    /// The rule's name ([`DateRules::NAMES`]).
    pub rule: &'static str,
    /// Pages right with every rule minus pages right without this one.
    pub pages: i64,
}

/// One gold page.
struct Case {
    url: String,
    file: String,
    expected: Option<chrono::NaiveDate>,
}

/// What the reader gave one page under one set of rules.
struct Outcome {
    found: Option<crate::model::Sourced<chrono::NaiveDate>>,
    language: Option<String>,
}

/// Evaluates publication-date extraction on a gold file in htmldate's format: an object mapping
/// each page's URL to `{"file": NAME, "date": "YYYY-MM-DD" | null | "NaN"}`. Page files are
/// looked for in `pages` and its immediate subfolders (htmldate ships `eval/` and `cache/`).
/// With `folds`, also cross-validates the reader's [`DateRules`] (each rule is ablated: see
/// [`CrossValidation`]).
pub fn dates(gold: &Path, pages: &Path, folds: Option<usize>) -> Result<DateEval> {
    let cases = read_gold(gold)?;
    let dirs = page_dirs(pages);
    // The rules as ingest uses them, then (with folds) each with one rule turned off.
    let mut variants = vec![DateRules::default()];
    if folds.is_some() {
        variants.extend((0..DateRules::NAMES.len()).map(|i| DateRules::default().with(i, false)));
    }
    let read = |case: &Case| -> std::result::Result<Vec<u8>, Skip> {
        let path = dirs
            .iter()
            .map(|d| d.join(&case.file))
            .find(|p| p.is_file())
            .ok_or_else(|| Skip::new(case.file.clone(), "page file not found"))?;
        std::fs::read(&path).map_err(|e| Skip::new(case.file.clone(), e.to_string()))
    };
    let run =
        |case: &Case, bytes: &[u8], rules: &DateRules| -> std::result::Result<Outcome, Skip> {
            let page = parse_page_with(bytes, Some(&case.url), None, rules)
                .map_err(|r| Skip::new(case.file.clone(), r))?;
            let language = page.language.clone();
            Ok(Outcome {
                found: page_date(page, &case.file),
                language,
            })
        };
    // outcomes[page][variant]
    let outcomes: Vec<std::result::Result<Vec<Outcome>, Skip>> = cases
        .par_iter()
        .map(|case| {
            let bytes = read(case)?;
            variants
                .iter()
                .map(|rules| run(case, &bytes, rules))
                .collect()
        })
        .collect();
    let default = variants
        .iter()
        .position(|v| *v == DateRules::default())
        .unwrap_or(0);
    let right = |case: &Case, o: &Outcome| o.found.as_ref().map(|d| d.value) == case.expected;

    let total = cases.len();
    let mut misses = Vec::new();
    let mut unreadable = Vec::new();
    let mut by_language: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for (case, outcome) in cases.iter().zip(&outcomes) {
        let o = match outcome {
            Ok(o) => &o[default],
            Err(s) => {
                unreadable.push(s.clone());
                continue;
            }
        };
        let ok = right(case, o);
        let entry = by_language
            .entry(o.language.clone().unwrap_or_else(|| "unknown".into()))
            .or_default();
        entry.0 += 1;
        entry.1 += ok as usize;
        if !ok {
            misses.push(DateMiss {
                url: case.url.clone(),
                file: case.file.clone(),
                expected: case.expected.map(|d| d.to_string()),
                found: o.found.as_ref().map(|d| d.value.to_string()),
                source: o.found.as_ref().map(|d| d.source.clone()),
            });
        }
    }
    let mut languages: Vec<LanguageScore> = by_language
        .into_iter()
        .map(|(language, (total, correct))| LanguageScore {
            language,
            total,
            correct,
            accuracy: ratio(correct, total),
        })
        .collect();
    languages.sort_by(|a, b| b.total.cmp(&a.total).then(a.language.cmp(&b.language)));

    let cross_validation = folds.map(|k| {
        let k = k.max(2);
        let fold_of = |url: &str| {
            let h = blake3::hash(url.as_bytes());
            let b = h.as_bytes();
            u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as usize % k
        };
        let folds: Vec<usize> = cases.iter().map(|c| fold_of(&c.url)).collect();
        // Unreadable pages count as misses under every rule.
        let score = |v: usize, keep: &dyn Fn(usize) -> bool| -> (usize, usize) {
            let mut n = 0;
            let mut ok = 0;
            for (i, (case, outcome)) in cases.iter().zip(&outcomes).enumerate() {
                if !keep(folds[i]) {
                    continue;
                }
                n += 1;
                ok += outcome.as_ref().is_ok_and(|o| right(case, &o[v])) as usize;
            }
            (ok, n)
        };
        let mut held_out = Vec::with_capacity(k);
        let mut chosen = Vec::with_capacity(k);
        for fold in 0..k {
            let train = |v: usize| score(v, &|f| f != fold).0;
            let all_on = train(0);
            // Keep a rule when the training folds lose pages without it.
            let mut rules = DateRules::default();
            for i in 0..DateRules::NAMES.len() {
                if train(i + 1) >= all_on {
                    rules = rules.with(i, false);
                }
            }
            let ok = match variants.iter().position(|v| *v == rules) {
                Some(v) => score(v, &|f| f == fold).0,
                // Another combination: run it on the held-out fold's pages.
                None => cases
                    .par_iter()
                    .zip(&folds)
                    .filter(|(_, f)| **f == fold)
                    .filter(|(case, _)| {
                        read(case)
                            .and_then(|bytes| run(case, &bytes, &rules))
                            .is_ok_and(|o| right(case, &o))
                    })
                    .count(),
            };
            let n = folds.iter().filter(|f| **f == fold).count();
            held_out.push(ratio(ok, n));
            chosen.push(rules.to_string());
        }
        let everywhere = |v: usize| score(v, &|_| true).0 as i64;
        let worth = DateRules::NAMES
            .iter()
            .enumerate()
            .map(|(i, rule)| RuleWorth {
                rule,
                pages: everywhere(0) - everywhere(i + 1),
            })
            .collect();
        let mean = held_out.iter().sum::<f64>() / k as f64;
        let var = held_out.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
        CrossValidation {
            folds: k,
            held_out,
            chosen,
            mean,
            sd: var.sqrt(),
            worth,
        }
    });

    let correct = total - misses.len() - unreadable.len();
    Ok(DateEval {
        total,
        correct,
        accuracy: ratio(correct, total),
        invented: misses
            .iter()
            .filter(|m| m.expected.is_none() && m.found.is_some())
            .count(),
        misses,
        unreadable,
        languages,
        cross_validation,
    })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Reads a gold file in htmldate's format.
fn read_gold(gold: &Path) -> Result<Vec<Case>> {
    let text = std::fs::read_to_string(gold).map_err(|e| Error::io(gold, e))?;
    let bad = |message: String| Error::BadOption {
        option: "GOLD".into(),
        message: format!("{}: {message}", gold.display()),
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    let map = value
        .as_object()
        .ok_or_else(|| bad("expected an object mapping URLs to {\"file\", \"date\"}".into()))?;
    Ok(map
        .iter()
        .map(|(url, entry)| Case {
            url: url.clone(),
            file: entry
                .get("file")
                .and_then(|f| f.as_str())
                .unwrap_or_default()
                .to_string(),
            expected: entry
                .get("date")
                .and_then(|v| dates::parse_value(v).ok().flatten()),
        })
        .collect())
}

/// The date ingest would give this page: markup, then a dateline in the main text, then the URL.
fn page_date(
    page: crate::read::html::Page,
    file: &str,
) -> Option<crate::model::Sourced<chrono::NaiveDate>> {
    let markup = page.date.clone();
    let url = page.url_date.clone().or(page.last_resort.clone());
    match page.into_article(file) {
        Ok(raw) => pipeline::build_article(raw, None).ok().and_then(|a| a.date),
        Err(_) => None,
    }
    .or(markup)
    .or(url)
}

fn page_dirs(pages: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![pages.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(pages) {
        let mut subs: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        subs.sort();
        dirs.extend(subs);
    }
    dirs
}
