//! Extracting: the article's title, publication date, outlet and named entities.
//!
//! Each submodule owns one kind of metadata and works on normalized text; each returns what it
//! found together with where it found it, so the caller can record provenance and keep the
//! found lines out of the indexed passages. Nothing here reads files or touches the index.

pub mod aliases;
pub mod date;
pub mod entities;
pub mod ner;
pub mod outlet;
pub mod title;
