//! Options shared by several commands, and the context every command gets.

use clap::ValueEnum;
use std::io::{IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::PathBuf;

/// Default index folder, relative to the working directory.
pub const DEFAULT_INDEX: &str = "index";
/// Folder of bundled articles used to build the default index on first use.
pub const SEEDS: &str = "seeds";

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// What every command needs besides its own arguments.
pub struct Ctx {
    /// Index folder.
    pub index: PathBuf,
    /// True when `--index` was left at its default.
    pub default_index: bool,
    /// Colours on stdout.
    pub color: bool,
    /// Whether stderr is a terminal (progress bars).
    pub stderr_tty: bool,
    /// `--aliases`.
    pub aliases: Option<PathBuf>,
}

impl Ctx {
    /// Builds the context from the parsed command line and the environment.
    pub fn new(cli: &super::Cli) -> Ctx {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        Ctx {
            index: cli.index.clone(),
            default_index: cli.index.as_os_str() == DEFAULT_INDEX,
            color,
            stderr_tty: std::io::stderr().is_terminal(),
            aliases: cli.aliases.clone(),
        }
    }

    /// Opens the index; on first use of the default index, builds it from the bundled seeds.
    ///
    /// The handle is never dropped: a command opens it once and its process ends when the
    /// command has printed, and the kernel frees the handle's memory maps and caches at once.
    /// Dropping them one by one (the entity resolver's maps, each segment file's map) cost a
    /// command up to 5 ms after its answer was printed.
    pub fn open_index(&self) -> anyhow::Result<ManuallyDrop<morgue::index::MorgueIndex>> {
        let seeds = std::path::Path::new(SEEDS);
        if self.default_index && !morgue::index::exists(&self.index) && seeds.is_dir() {
            eprintln!(
                "morgue: no index at {} yet; building it from {}/ first",
                self.index.display(),
                SEEDS
            );
            let opts = morgue::pipeline::IngestOptions {
                progress: self.progress(),
                ..morgue::pipeline::IngestOptions::default()
            };
            let report = morgue::pipeline::ingest(&self.index, &[seeds.to_path_buf()], &opts)?;
            eprintln!(
                "morgue: indexed {} articles ({} passages) in {:.2}s",
                report.articles_indexed,
                report.passages,
                report.elapsed.as_secs_f64()
            );
        }
        Ok(ManuallyDrop::new(morgue::index::open(&self.index)?))
    }

    /// Opens the index and says on stderr which `--outlet`, `--entity`, `--meta` or `--author`
    /// value matches no article of it, with the closest values it has.
    pub fn open_checked(
        &self,
        filters: &morgue::search::Filters,
    ) -> anyhow::Result<ManuallyDrop<morgue::index::MorgueIndex>> {
        let mi = self.open_index()?;
        let searcher = mi.searcher()?;
        for u in morgue::search::suggest::unmatched(&mi, &searcher, filters)? {
            let hint = match u.closest.is_empty() {
                true => "no close value in the index".to_string(),
                false => format!("closest: {}", u.closest.join(", ")),
            };
            warn(&format!(
                "{} {:?} matches no article; {hint}",
                u.option, u.value
            ));
        }
        Ok(mi)
    }

    /// Validates the shared filters and attaches the alias table (the index's, `--aliases`, or
    /// the built-in one) so that `--entity` and `entity:` match every variant.
    pub fn filters(&self, args: &FilterArgs) -> anyhow::Result<morgue::search::Filters> {
        Ok(args.to_filters()?.with_aliases(self.alias_table()?))
    }

    /// The alias table in force: `--aliases`, else the index's `aliases.tsv`, else the built-in.
    pub fn alias_table(&self) -> morgue::Result<morgue::extract::aliases::AliasTable> {
        morgue::extract::aliases::AliasTable::for_index(&self.index, self.aliases.as_deref())
    }

    /// The text style for stdout.
    pub fn style(&self) -> morgue::present::Style {
        morgue::present::Style {
            color: self.color,
            ..morgue::present::Style::default()
        }
    }

    /// A progress bar on stderr (bytes read, rate, ETA; files and articles in its message),
    /// hidden when stderr is not a terminal.
    pub fn progress(&self) -> indicatif::ProgressBar {
        if !self.stderr_tty {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {bar:30} {binary_bytes}/{binary_total_bytes}  {binary_bytes_per_sec}  eta {eta}  {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    }
}

/// Filters shared by search and the lookups.
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// Only articles published on or after this date: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles published on or before this date (inclusive): YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// With --from/--to, keep undated articles too (they are left out and counted otherwise).
    #[arg(long)]
    pub include_undated: bool,
    /// Only articles from this outlet (case-insensitive); repeat for any of several.
    #[arg(long, value_name = "NAME")]
    pub outlet: Vec<String>,
    /// Only articles that mention this entity (any variant in the alias table, ignoring case
    /// and accents); repeat to require several.
    #[arg(long, value_name = "NAME")]
    pub entity: Vec<String>,
    /// Only articles whose record has this metadata value (`bias=left`; the whole value,
    /// ignoring case); repeat: values of one key are alternatives, different keys all required.
    #[arg(long, value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Only articles by this author (the `author` metadata, from a record's `authors`, `author`
    /// or `byline` field or a page's author tags); repeat for any of several.
    #[arg(long, value_name = "NAME")]
    pub author: Vec<String>,
}

impl FilterArgs {
    /// Validates into library filters (without the alias table, which depends on the index).
    pub fn to_filters(&self) -> morgue::Result<morgue::search::Filters> {
        morgue::search::Filters::new(
            self.from.as_deref(),
            self.to.as_deref(),
            self.include_undated,
            self.outlet.clone(),
            self.entity.clone(),
        )?
        .with_meta(&self.meta, &self.author)
    }
}

/// Parses an optional query, printing a one-line error (exit 2) when it is malformed.
pub fn parse_query(
    query: Option<&str>,
    ctx: &Ctx,
) -> Result<Option<morgue::search::Expr>, std::process::ExitCode> {
    match query.map(morgue::search::parse).transpose() {
        Ok(e) => Ok(e),
        Err(e) => Err(query_error(&e, query.unwrap_or(""), ctx)),
    }
}

/// Prints a query error on one line (with the column); on a terminal, the query and a caret
/// under the problem follow. Exit code 2.
pub fn query_error(
    e: &morgue::search::QueryError,
    query: &str,
    ctx: &Ctx,
) -> std::process::ExitCode {
    eprintln!(
        "morgue: invalid query: {} at column {}",
        e.message,
        e.column(query)
    );
    if ctx.stderr_tty {
        for line in e.render(query).lines() {
            eprintln!("  {line}");
        }
    }
    std::process::ExitCode::from(super::exit::ERROR)
}

/// Writes text output to stdout with archive control characters made visible (morgue's own
/// colours kept when they are on); see `morgue::present::safe`.
pub fn print_text(s: &str, ctx: &Ctx) -> anyhow::Result<()> {
    print(&morgue::present::safe::terminal(s, ctx.color))
}

/// Writes serialized JSON to stdout, with the control characters serde leaves raw escaped.
pub fn print_json(s: &str) -> anyhow::Result<()> {
    print(&morgue::present::safe::json(s))
}

/// [`print_json`] of a command's JSON object with its `took_ms` (see `morgue::present::json`).
pub fn print_timed(s: &str, took: std::time::Duration) -> anyhow::Result<()> {
    print_json(&morgue::present::json::timed(s, took))
}

/// Runs `f` (a library call) and says how long it took, for `took_ms`.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, std::time::Duration) {
    let started = std::time::Instant::now();
    let out = f();
    (out, started.elapsed())
}

/// A one-line message on stderr after `morgue: `, control characters made visible (it may quote
/// file names and archive text).
pub fn warn(message: &str) {
    eprintln!(
        "morgue: {}",
        morgue::present::safe::terminal(message, false)
    );
}

/// Set once a write to stdout found the pipe closed.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether stdout's reader has gone (`morgue search --batch … | head`): a command that prints as
/// it goes can stop.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes to stdout as it is (CSV data); a closed pipe (`morgue search … | head`) is not an
/// error (see [`stdout_closed`]). Text and JSON go through [`print_text`] and [`print_json`].
pub fn print(s: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
        r => Ok(r?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_args_validate_dates() {
        let f = FilterArgs {
            from: Some("2016-13".into()),
            to: None,
            include_undated: false,
            outlet: vec![],
            entity: vec![],
            meta: vec![],
            author: vec![],
        };
        assert!(f.to_filters().unwrap_err().to_string().contains("--from"));
    }
}
