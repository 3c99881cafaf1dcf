//! `morgue search --batch FILE`: many queries against one opened index.
//!
//! The file is read as a stream, one query at a time, and each query's answer is printed as soon
//! as it is found, so memory does not grow with the file. Two forms:
//!
//! - a text file (any name not ending in `.csv`, or `-` for stdin): one query per line; blank
//!   lines and lines whose first non-blank character is `#` are skipped (a query that starts
//!   with `#` goes in the CSV form). Lines are at most [`MAX_QUERY_BYTES`] long.
//! - a `.csv` file: a header naming columns among `query` (required), `from`, `to`, `outlet`,
//!   `entity` and `meta`, in any order and case. `outlet`, `entity` and `meta` cells may hold
//!   several values separated by `;` (a `meta` value is `KEY=VALUE`, as for `--meta`).
//!
//! A record's cells and the command's options combine: a `from`, `to` or `outlet` cell replaces
//! the option for that query (an outlet cell names the outlets it may come from), an `entity`
//! cell adds to `--entity` (every entity is required), a `meta` cell adds to `--meta` and
//! `--author`; `--include-undated`, `--limit`, `--passages`, `--sort` and `--all-copies` apply
//! to every query.
//!
//! A query that cannot run (a syntax error, a query limit, a bad filter cell, a line that is not
//! UTF-8, a malformed CSV record) gets an error block and the others still run.

use super::common::{print_json, print_text, stdout_closed, timed, Ctx};
use super::exit;
use super::search::Args;
use anyhow::Context as _;
use morgue::present::json::{batch_error, batch_hit, BatchError};
use morgue::present::{self, Style};
use morgue::read::limits::{read_line_capped, Line};
use morgue::search::query::MAX_QUERY_BYTES;
use morgue::search::{Filters, SearchRequest};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// The columns a batch CSV may have.
const COLUMNS: [&str; 6] = ["query", "from", "to", "outlet", "entity", "meta"];

/// One query of the batch file, as written there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Row {
    query: String,
    from: Option<String>,
    to: Option<String>,
    outlets: Vec<String>,
    entities: Vec<String>,
    meta: Vec<String>,
}

/// A query read from the file, or why its line or record could not be read; `line` is where it
/// starts in the file (1-based).
#[derive(Debug)]
struct Item {
    line: u64,
    row: Result<Row, String>,
}

/// Where the queries come from.
enum Source {
    Lines {
        input: Box<dyn BufRead>,
        line: u64,
        buf: Vec<u8>,
    },
    Csv {
        reader: Box<csv::Reader<Box<dyn Read>>>,
        /// Header column → index in [`COLUMNS`].
        columns: Vec<usize>,
        record: csv::StringRecord,
    },
}

impl Source {
    /// Opens `path` (`-` is stdin, read as lines); a `.csv` file's header is read and checked.
    fn open(path: &Path) -> anyhow::Result<Source> {
        let input: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(std::io::stdin())
        } else {
            Box::new(std::fs::File::open(path).map_err(|e| morgue::Error::io(path, e))?)
        };
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if !is_csv {
            return Ok(Source::Lines {
                input: Box::new(BufReader::new(input)),
                line: 0,
                buf: Vec::new(),
            });
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(input);
        let mut header = csv::StringRecord::new();
        let read = reader
            .read_record(&mut header)
            .with_context(|| format!("{}: cannot read the CSV header", path.display()))?;
        if !read {
            anyhow::bail!(
                "{}: the CSV file is empty: it needs a header",
                path.display()
            );
        }
        let columns = columns(&header).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Source::Csv {
            reader: Box::new(reader),
            columns,
            record: csv::StringRecord::new(),
        })
    }

    /// The next query, `None` at the end; `Err` only when the file cannot be read any more.
    fn next_item(&mut self) -> anyhow::Result<Option<Item>> {
        match self {
            Source::Lines { input, line, buf } => loop {
                let read = read_line_capped(&mut **input, buf, MAX_QUERY_BYTES as u64 + 2)
                    .context("cannot read the batch file")?;
                *line += 1;
                let row = match read {
                    Line::End => return Ok(None),
                    Line::TooLong => Err(format!(
                        "the line is longer than {MAX_QUERY_BYTES} bytes, the longest query"
                    )),
                    Line::Whole => match std::str::from_utf8(buf) {
                        Err(_) => Err("the line is not UTF-8 text".to_string()),
                        Ok(text) => {
                            let text = if *line == 1 {
                                text.trim_start_matches('\u{feff}')
                            } else {
                                text
                            };
                            let q = text.trim();
                            if q.is_empty() || q.starts_with('#') {
                                continue;
                            }
                            Ok(Row {
                                query: q.to_string(),
                                ..Row::default()
                            })
                        }
                    },
                };
                return Ok(Some(Item { line: *line, row }));
            },
            Source::Csv {
                reader,
                columns,
                record,
            } => loop {
                let line_of = |p: Option<&csv::Position>| p.map_or(0, |p| p.line());
                match reader.read_record(record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {
                        if record.iter().all(|c| c.trim().is_empty()) {
                            continue;
                        }
                        let line = line_of(record.position());
                        return Ok(Some(Item {
                            line,
                            row: row(columns, record),
                        }));
                    }
                    Err(e) if e.is_io_error() => {
                        return Err(e).context("cannot read the batch file");
                    }
                    Err(e) => {
                        let line = line_of(e.position());
                        let message = match e.kind() {
                            csv::ErrorKind::Utf8 { .. } => "the record is not UTF-8 text".into(),
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => format!("the record has {len} fields, the header {expected_len}"),
                            _ => format!("malformed CSV record: {e}"),
                        };
                        return Ok(Some(Item {
                            line,
                            row: Err(message),
                        }));
                    }
                }
            },
        }
    }
}

/// The header's columns as indexes into [`COLUMNS`]: an unknown, repeated or missing `query`
/// column is an error.
fn columns(header: &csv::StringRecord) -> Result<Vec<usize>, String> {
    let mut out = Vec::with_capacity(header.len());
    for (i, cell) in header.iter().enumerate() {
        let name = if i == 0 {
            cell.trim_start_matches('\u{feff}')
        } else {
            cell
        };
        let name = name.trim().to_lowercase();
        let Some(k) = COLUMNS.iter().position(|c| *c == name) else {
            let hint = match name.contains([';', '\t']) {
                true => "; cells must be separated by commas",
                false => "",
            };
            return Err(format!(
                "unknown column {name:?} in the CSV header (columns: {}){hint}",
                COLUMNS.join(", ")
            ));
        };
        if out.contains(&k) {
            return Err(format!("column {name:?} appears twice in the CSV header"));
        }
        out.push(k);
    }
    if !out.contains(&0) {
        return Err(format!(
            "the CSV header has no \"query\" column (columns: {})",
            COLUMNS.join(", ")
        ));
    }
    Ok(out)
}

/// A record's cells as a [`Row`]; an empty `query` cell is the record's error.
fn row(columns: &[usize], record: &csv::StringRecord) -> Result<Row, String> {
    let mut row = Row::default();
    let names = |cell: &str| -> Vec<String> {
        cell.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    for (&k, cell) in columns.iter().zip(record.iter()) {
        let trimmed = cell.trim();
        let some = (!trimmed.is_empty()).then(|| trimmed.to_string());
        match COLUMNS[k] {
            "query" => row.query = trimmed.to_string(),
            "from" => row.from = some,
            "to" => row.to = some,
            "outlet" => row.outlets = names(cell),
            "entity" => row.entities = names(cell),
            _ => row.meta = names(cell),
        }
    }
    if row.query.is_empty() {
        return Err("the query cell is empty".into());
    }
    Ok(row)
}

/// The filters one query runs with: the command's options with the record's cells merged in (see
/// the module docs), validated, sharing the command's alias table.
fn merge(
    args: &Args,
    row: &Row,
    aliases: &Arc<morgue::extract::aliases::AliasTable>,
) -> morgue::Result<Filters> {
    let mut f = args.filters.clone();
    if row.from.is_some() {
        f.from.clone_from(&row.from);
    }
    if row.to.is_some() {
        f.to.clone_from(&row.to);
    }
    if !row.outlets.is_empty() {
        f.outlet.clone_from(&row.outlets);
    }
    f.entity.extend(row.entities.iter().cloned());
    f.meta.extend(row.meta.iter().cloned());
    let mut filters = f.to_filters()?;
    filters.aliases = Some(Arc::clone(aliases));
    Ok(filters)
}

/// A filter error worded for the record when its cells gave the value (the command's own
/// options were checked before the batch started).
fn cell_error(e: morgue::Error, row: &Row) -> String {
    let morgue::Error::BadOption { option, message } = e else {
        return e.to_string();
    };
    let cell = match option.as_str() {
        "--from" if row.from.is_some() => "from cell",
        "--to" if row.to.is_some() => "to cell",
        "--outlet" if !row.outlets.is_empty() => "outlet cell",
        "--entity" if !row.entities.is_empty() => "entity cell",
        "--meta" if !row.meta.is_empty() => "meta cell",
        "--from/--to" if row.from.is_some() || row.to.is_some() => "from/to cells",
        _ => option.as_str(),
    };
    format!("invalid {cell}: {message}")
}

/// What one query gave.
enum Outcome {
    Ran {
        filters: Filters,
        results: morgue::search::SearchResults,
        took: std::time::Duration,
    },
    Failed {
        query: Option<String>,
        filters: Option<Filters>,
        error: BatchError,
    },
}

/// Runs one query; an error that concerns only this query is its [`Outcome::Failed`], anything
/// else (the index) is returned.
fn run_one(
    mi: &morgue::index::MorgueIndex,
    args: &Args,
    row: Row,
    aliases: &Arc<morgue::extract::aliases::AliasTable>,
) -> morgue::Result<Outcome> {
    let failed = |query: String, filters: Option<Filters>, kind, message, column| Outcome::Failed {
        query: Some(query),
        filters,
        error: BatchError {
            kind,
            message,
            column,
        },
    };
    let filters = match merge(args, &row, aliases) {
        Ok(f) => f,
        Err(e) => {
            let message = cell_error(e, &row);
            return Ok(failed(row.query, None, "filters", message, None));
        }
    };
    let req = SearchRequest {
        query: row.query,
        filters,
        limit: args.limit,
        passages: args.passages as usize,
        sort: args.sort,
        all_copies: args.all_copies,
    };
    let (results, took) = timed(|| morgue::search::search(mi, &req));
    match results {
        Ok(results) => Ok(Outcome::Ran {
            filters: req.filters,
            results,
            took,
        }),
        Err(morgue::Error::Query(e)) => {
            let column = e.column(&req.query);
            let message = format!("invalid query: {} at column {column}", e.message);
            Ok(failed(
                req.query,
                Some(req.filters),
                "query",
                message,
                Some(column),
            ))
        }
        Err(e @ morgue::Error::BadOption { .. }) => Ok(failed(
            req.query,
            Some(req.filters),
            "filters",
            e.to_string(),
            None,
        )),
        Err(e) => Err(e),
    }
}

/// Runs every query of `file` (see the module docs).
///
/// Exit code: 0 when every query ran (whether it matched or not: its total says), 1 when some
/// could not (their error blocks say why; the others ran), 2 when the batch could not run at
/// all (unreadable file, bad CSV header, bad options, no index).
pub fn run(args: &Args, file: &Path, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    // The command's own filters are checked before anything is read.
    ctx.filters(&args.filters)?;
    let aliases = Arc::new(ctx.alias_table()?);
    let mut source = Source::open(file)?;
    let mi = ctx.open_index()?;
    let style = Style {
        color: ctx.color,
        full: args.full,
        ..Style::default()
    };
    let (mut ran, mut failed_lines) = (0u64, Vec::new());
    // A closed pipe (`… | head`) ends the batch quietly: nobody reads the other answers.
    while !stdout_closed() {
        let next = source.next_item();
        let Some(item) = next.with_context(|| file.display().to_string())? else {
            break;
        };
        let outcome = match item.row {
            Ok(row) => run_one(&mi, args, row, &aliases)?,
            Err(message) => Outcome::Failed {
                query: None,
                filters: None,
                error: BatchError {
                    kind: "record",
                    message,
                    column: None,
                },
            },
        };
        let line = item.line;
        let first = ran + failed_lines.len() as u64 == 0;
        match &outcome {
            Outcome::Ran { .. } => ran += 1,
            Outcome::Failed { .. } => failed_lines.push(line),
        }
        if args.json {
            print_json(&match &outcome {
                Outcome::Ran {
                    filters,
                    results,
                    took,
                } => batch_hit(line, filters, results, *took),
                Outcome::Failed {
                    query,
                    filters,
                    error,
                } => batch_error(line, query.as_deref(), filters.as_ref(), error),
            })?;
            continue;
        }
        let mut block = String::new();
        if !first {
            block.push('\n');
        }
        match &outcome {
            Outcome::Ran {
                filters, results, ..
            } => {
                block += &present::text::batch_header(line, Some(&results.query), Some(filters));
                block += &present::text::search(results, &style);
            }
            Outcome::Failed {
                query,
                filters,
                error,
            } => {
                block += &present::text::batch_header(line, query.as_deref(), filters.as_ref());
                block += &present::text::batch_error(&error.message);
            }
        }
        print_text(&block, ctx)?;
    }
    if failed_lines.is_empty() {
        return Ok(ExitCode::from(exit::OK));
    }
    let shown: Vec<String> = failed_lines.iter().take(10).map(u64::to_string).collect();
    let more = if failed_lines.len() > 10 { ", …" } else { "" };
    eprintln!(
        "morgue: {} of {} queries could not run (line {}{more})",
        failed_lines.len(),
        ran + failed_lines.len() as u64,
        shown.join(", ")
    );
    Ok(ExitCode::from(exit::PARTIAL))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    #[test]
    fn header_columns_are_checked() {
        assert_eq!(
            columns(&record(&["\u{feff}Query", " outlet ", "META"])).unwrap(),
            vec![0, 3, 5]
        );
        let e = columns(&record(&["query", "source"])).unwrap_err();
        assert!(e.contains("unknown column \"source\""), "{e}");
        let e = columns(&record(&["query;from"])).unwrap_err();
        assert!(e.ends_with("; cells must be separated by commas"), "{e}");
        let e = columns(&record(&["from", "to"])).unwrap_err();
        assert!(e.contains("no \"query\" column"), "{e}");
        let e = columns(&record(&["query", "to", "To"])).unwrap_err();
        assert!(e.contains("\"to\" appears twice"), "{e}");
    }

    #[test]
    fn cells_split_names_and_an_empty_query_is_an_error() {
        let cols = columns(&record(&["entity", "query", "outlet", "from"])).unwrap();
        let r = row(
            &cols,
            &record(&["Donald Trump; Paul Ryan", " tax ", "", "2016"]),
        )
        .unwrap();
        assert_eq!(r.query, "tax");
        assert_eq!(r.entities, vec!["Donald Trump", "Paul Ryan"]);
        assert!(r.outlets.is_empty());
        assert_eq!(r.from.as_deref(), Some("2016"));
        assert!(row(&cols, &record(&["x", " ", "", ""])).is_err());
    }
}
