//! # morgue
//!
//! Turns an archive of news articles into a full-text search index that researchers can
//! interrogate: which articles say "Haji Bakr", which outlets pushed a claim between 2015 and
//! 2017, where exactly the phrase "safe corridors" occurs.
//!
//! The modules follow the data's journey:
//!
//! - [`dates`]: the one date module (year range, recorded values, text dates in many
//!   languages and scripts, query bounds, time zones), used by every stage below
//! - [`read`]: files → decoded raw texts (format readers, encoding detection)
//! - [`normalize`]: Unicode, whitespace, quotes, boilerplate removal
//! - [`sentences`]: the one sentence splitter (used by the recognizer and by passages)
//! - [`extract`]: title, publication date, outlet, named entities (with provenance)
//! - [`passages`]: paragraphs → passages of roughly 40–200 words
//! - [`dedup`]: near-duplicate signatures (MinHash, LSH band keys)
//! - [`index`]: the tantivy schema, analyzers and writer
//! - [`pipeline`]: the ingest that ties the stages above together
//! - [`eval`]: extraction quality against gold data (`morgue eval dates`)
//! - [`search`]: query parsing, filters, ranking, highlighting
//! - [`lookup`]: outlets, timelines, stats, export over a selection of articles
//! - [`distributed`]: search and lookups over shards held by separate processes (Ray actors)
//! - [`present`]: text and JSON rendering
//! - [`server`]: `morgue serve`, the local web app and JSON API over the stages above
//!
//! ```no_run
//! use morgue::{index, pipeline, search};
//! use std::path::Path;
//!
//! let dir = Path::new("index");
//! pipeline::ingest(dir, &["seeds".into()], &pipeline::IngestOptions::default())?;
//! let mi = index::open(dir)?;
//! let req = search::SearchRequest {
//!     query: "\"Der Spiegel\"".into(),
//!     filters: search::Filters::default(),
//!     limit: 10,
//!     passages: 1,
//!     sort: search::SortOrder::Relevance,
//!     all_copies: false,
//! };
//! let results = search::search(&mi, &req)?;
//! println!("{}", morgue::present::json::search(&results));
//! # Ok::<(), morgue::Error>(())
//! ```

pub mod dates;
pub mod dedup;
pub mod distributed;
pub mod error;
pub mod eval;
pub mod extract;
pub mod furnish;
pub mod hashing;
pub mod index;
pub mod lookup;
pub mod model;
pub mod normalize;
pub mod passages;
pub mod pipeline;
pub mod present;
pub mod read;
pub mod search;
pub mod sentences;
pub mod server;

pub use error::{Error, Result};
