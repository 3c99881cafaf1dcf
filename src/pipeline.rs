//! The ingest pipeline: read → normalize → extract → split passages → index.
//!
//! The only module that calls several stages. [`build_article`] turns one raw text into an
//! [`Article`]; [`ingest`] walks the inputs, builds articles on all cores (rayon) and feeds them to
//! the single index writer, committing in batches so an interrupted ingest keeps what it
//! committed. Problems with one source are recorded in the report and never stop the run.

use crate::error::Result;
use crate::extract::aliases::{self, AliasTable};
use crate::extract::{date, entities, outlet, title};
use crate::index::{self, ArticleWriter};
use crate::model::{Article, ArticleId, Sourced};
use crate::normalize;
use crate::passages;
use crate::read::{self, RawArticle, Skip};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most entity names kept per article.
pub const MAX_ENTITIES: usize = 64;
/// Files read in parallel before their articles are handed to the writer.
const CHUNK: usize = 256;

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Outlet to record for every article (provenance `option`), overriding signatures.
    pub outlet: Option<String>,
    /// Articles per commit.
    pub batch: usize,
    /// Progress bar to advance (one tick per file); hidden by default.
    pub progress: indicatif::ProgressBar,
    /// Alias table file; by default the index folder's `aliases.tsv` (written from the built-in
    /// table when missing).
    pub aliases: Option<std::path::PathBuf>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            outlet: None,
            batch: 5_000,
            progress: indicatif::ProgressBar::hidden(),
            aliases: None,
        }
    }
}

/// A source that was decoded from a legacy encoding.
#[derive(Debug, Clone, Serialize)]
pub struct Transcoded {
    /// The source.
    pub path: String,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
}

/// What an ingest did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    /// Files found to read.
    pub files: usize,
    /// Files read (decoded) successfully.
    pub files_read: usize,
    /// New articles indexed.
    pub articles_indexed: usize,
    /// Articles whose text was already in the index (same path, or recorded as a new path).
    pub already_present: usize,
    /// Of those, the ones found at a new path (the path was added).
    pub new_paths: usize,
    /// Passages indexed.
    pub passages: u64,
    /// New articles without a publication date.
    pub undated: usize,
    /// Sources skipped, with reasons.
    pub skipped: Vec<Skip>,
    /// Sources decoded from a legacy encoding.
    pub transcoded: Vec<Transcoded>,
    /// Distinct articles in the index after the ingest.
    pub total_articles: usize,
    /// Wall-clock time.
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// What reading one source gave: whether anything decoded, and each item's article (with
/// whether it was transcoded) or the reason it was skipped.
type SourceOutcome = (bool, Vec<std::result::Result<(Article, bool), Skip>>);

/// Turns one raw text into an article with the built-in alias table (see
/// [`build_article_with`]).
pub fn build_article(
    raw: RawArticle,
    outlet_option: Option<&str>,
) -> std::result::Result<Article, Skip> {
    build_article_with(raw, outlet_option, AliasTable::builtin())
}

/// Turns one raw text into an article: normalization, boilerplate removal, title, date, outlet,
/// entities (resolved with `aliases`), passages and id. Fails (with the reason) when no text is
/// left.
pub fn build_article_with(
    raw: RawArticle,
    outlet_option: Option<&str>,
    aliases: &AliasTable,
) -> std::result::Result<Article, Skip> {
    let normalized = normalize::normalize(&raw.text);
    let signed = outlet::find_outlet(&normalized);
    let text = normalize::strip_boilerplate(&normalized).text;
    if text.trim().is_empty() {
        return Err(Skip {
            path: raw.path,
            reason: "no article text (only boilerplate)".into(),
        });
    }
    // Metadata recorded by the format wins over what is guessed from the text.
    let dateline = date::find_dateline(&text);
    let hidden_dateline = dateline
        .as_ref()
        .filter(|d| d.line_is_only_date)
        .map(|d| d.line.clone());
    let mut exclude = Vec::new();
    exclude.extend(hidden_dateline.clone());
    let title = match raw.title.filter(|t| !t.value.trim().is_empty()) {
        Some(t) => t,
        None => match title::find_title(&text, hidden_dateline.as_ref()) {
            Some(t) => {
                if !t.is_prose {
                    exclude.push(t.line.clone());
                }
                Sourced::new(t.title, "first_line")
            }
            None => Sourced::new(String::new(), "none"),
        },
    };
    let mut spans = passages::split(&text, &exclude);
    if spans.is_empty() {
        // A text that is only a title: index the title line as its one passage.
        spans = passages::split(&text, &[]);
    }
    let date = raw
        .date
        .or_else(|| dateline.map(|d| Sourced::new(d.date, "dateline")));
    let outlet = match outlet_option {
        Some(name) => Some(Sourced::new(name.trim().to_string(), "option")),
        None => raw
            .outlet
            .or_else(|| signed.map(|o| Sourced::new(o.name, format!("signature:{}", o.signature)))),
    };
    Ok(Article {
        id: ArticleId::of_text(&text),
        path: raw.path,
        url: raw.url,
        title,
        date,
        outlet,
        entities: entities::extract_entities(&text, aliases, MAX_ENTITIES),
        passages: spans,
        encoding: raw.encoding,
        text,
    })
}

/// Ingests `paths` (files and folders) into the index in `dir`, creating it when needed.
pub fn ingest(dir: &Path, paths: &[PathBuf], opts: &IngestOptions) -> Result<IngestReport> {
    let started = Instant::now();
    let mi = index::open_or_create(dir)?;
    let table_file = dir.join(aliases::FILE_NAME);
    if opts.aliases.is_none() && !table_file.exists() {
        std::fs::write(&table_file, aliases::DEFAULT_TABLE)
            .map_err(|e| crate::Error::io(&table_file, e))?;
    }
    let table = AliasTable::for_index(dir, opts.aliases.as_deref())?;
    let mut writer = ArticleWriter::open(&mi, dir, opts.batch)?;
    let (inputs, problems) = read::collect_inputs(paths);
    let mut report = IngestReport {
        files: inputs.len(),
        skipped: problems,
        ..IngestReport::default()
    };
    opts.progress.set_length(inputs.len() as u64);
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<SourceOutcome> = chunk
            .par_iter()
            .map(|input| {
                let bytes = match std::fs::read(&input.path) {
                    Ok(b) => b,
                    Err(e) => {
                        return (
                            false,
                            vec![Err(Skip {
                                path: input.path.display().to_string(),
                                reason: e.to_string(),
                            })],
                        )
                    }
                };
                let items = input.reader.read(&input.path, &bytes);
                let any_ok = items.iter().any(|r| r.is_ok());
                let built = items
                    .into_iter()
                    .map(|r| {
                        r.and_then(|raw| {
                            let transcoded = raw.transcoded;
                            build_article_with(raw, opts.outlet.as_deref(), &table)
                                .map(|a| (a, transcoded))
                        })
                    })
                    .collect();
                (any_ok, built)
            })
            .collect();
        for (any_ok, items) in results {
            report.files_read += any_ok as usize;
            for item in items {
                match item {
                    Ok((article, transcoded)) => {
                        if transcoded {
                            report.transcoded.push(Transcoded {
                                path: article.path.clone(),
                                encoding: article.encoding,
                            });
                        }
                        match writer.add(&article)? {
                            index::Added::New => {
                                report.articles_indexed += 1;
                                report.passages += article.passages.len() as u64;
                                report.undated += article.date.is_none() as usize;
                            }
                            index::Added::NewPath => {
                                report.already_present += 1;
                                report.new_paths += 1;
                            }
                            index::Added::AlreadyPresent => report.already_present += 1,
                        }
                    }
                    Err(skip) => report.skipped.push(skip),
                }
            }
            opts.progress.inc(1);
        }
    }
    report.total_articles = writer.article_count();
    writer.finish()?;
    opts.progress.finish_and_clear();
    report.elapsed = started.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn raw(text: &str) -> RawArticle {
        RawArticle {
            path: "a.txt".into(),
            text: text.into(),
            encoding: "UTF-8",
            ..RawArticle::default()
        }
    }

    const TEXT: &str = "18 November 2017\n\nWhy ISIS Fighters Were Allowed to Leave Raqqa?\n\nI have always been curious about why the story was never fully told.\n\nThis piece was reprinted by RINF Alternative News with permission or license.\n\nLeave a Reply\n\nConnecting to %s";

    #[test]
    fn plain_text_gets_dateline_title_signature_and_no_boilerplate() {
        let a = build_article(raw(TEXT), None).unwrap();
        assert_eq!(
            a.title,
            Sourced::new(
                "Why ISIS Fighters Were Allowed to Leave Raqqa?".to_string(),
                "first_line"
            )
        );
        assert_eq!(
            a.date,
            Some(Sourced::new(
                NaiveDate::from_ymd_opt(2017, 11, 18).unwrap(),
                "dateline"
            ))
        );
        assert_eq!(
            a.outlet.as_ref().map(|o| o.source.as_str()),
            Some("signature:reprinted_by")
        );
        assert!(!a.text.contains("Leave a Reply") && !a.text.contains("Connecting"));
        let passages: Vec<&str> = a.passages.iter().map(|p| &a.text[p.start..p.end]).collect();
        assert!(passages
            .iter()
            .all(|p| !p.contains("18 November") && !p.starts_with("Why ISIS")));
        assert_eq!(a.id, build_article(raw(TEXT), None).unwrap().id);
    }

    #[test]
    fn format_metadata_wins_and_the_option_wins_over_everything() {
        let mut r = raw(TEXT);
        r.title = Some(Sourced::new("From the page".into(), "metadata"));
        r.date = Some(Sourced::new(
            NaiveDate::from_ymd_opt(2017, 11, 19).unwrap(),
            "metadata",
        ));
        r.outlet = Some(Sourced::new("Page Outlet".into(), "metadata"));
        let a = build_article(r.clone(), None).unwrap();
        assert_eq!(a.title.value, "From the page");
        assert_eq!(a.date.as_ref().map(|d| d.source.as_str()), Some("metadata"));
        assert_eq!(
            a.outlet.as_ref().map(|o| o.value.as_str()),
            Some("Page Outlet")
        );
        // With a title from metadata, the first line stays in the passages.
        assert!(a
            .passages
            .iter()
            .any(|p| a.text[p.start..p.end].contains("Why ISIS")));
        let b = build_article(r, Some(" Desk ")).unwrap();
        assert_eq!(b.outlet, Some(Sourced::new("Desk".to_string(), "option")));
    }

    #[test]
    fn boilerplate_only_text_is_skipped_with_a_reason() {
        let e = build_article(
            raw("Leave a Reply\n\nShare this:\n\nConnecting to %s"),
            None,
        )
        .unwrap_err();
        assert_eq!(e.path, "a.txt");
        assert!(e.reason.contains("boilerplate"), "{}", e.reason);
    }
}
