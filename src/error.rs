//! The library's error type.
//!
//! Library code returns [`Error`]; only the CLI layer (`cli/`, `main.rs`) uses `anyhow`. Each
//! variant carries what a user needs to fix the problem, and [`Error::exit_code`] maps it to the
//! process exit code documented in the README.

use std::path::PathBuf;

/// Everything that can go wrong in morgue's library code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// There is no index at the given place.
    #[error("no index at {path}: build one with `morgue ingest PATH... --index {path}`")]
    NoIndex {
        /// The index folder that was looked for.
        path: PathBuf,
    },
    /// The folder holds an index that this version of morgue cannot read.
    #[error("the index at {path} was built by another version of morgue ({reason}); rebuild it with `morgue ingest`")]
    IncompatibleIndex {
        /// The index folder.
        path: PathBuf,
        /// What does not match.
        reason: String,
    },
    /// The index files are damaged: a checksum fails, a file is missing or cut short, or the
    /// folder holds segments without the `meta.json` that lists them.
    #[error("the index at {path} is damaged: {reason}; rebuild it: move {path} away and run `morgue ingest SOURCES --index {path}` (`morgue check` lists what is damaged)")]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What is damaged.
        reason: String,
    },
    /// The index folder cannot be written (to ingest): it or its files are read-only.
    #[error("the index at {path} cannot be written ({reason}); is it read-only? Searching it needs no write access")]
    ReadOnly {
        /// The index folder.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// Another process is writing to the index.
    #[error("the index at {path} is being written by another morgue process; try again when it has finished")]
    Locked {
        /// The index folder.
        path: PathBuf,
    },
    /// The query string could not be parsed.
    #[error("invalid query: {0}")]
    Query(#[from] crate::search::QueryError),
    /// A command-line filter or option value is malformed.
    #[error("invalid {option}: {message}")]
    BadOption {
        /// The option, as the user typed it (`--from`, `--outlet`…).
        option: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// tantivy reported an error.
    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True when the error comes from what the user typed (query, options), not from the system.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Query(_) | Error::BadOption { .. })
    }
}

/// `Result` with morgue's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
