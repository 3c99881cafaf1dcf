//! Normalizing: turning decoded article text into clean text, in two steps that callers run in
//! order (decoding bytes to text is the reading stage's job, `read::decode`):
//!
//! 1. [`normalize`] (`text.rs`): Unicode NFC, one kind of space, ASCII quotes,
//!    `\n` line breaks, trimmed lines, paragraphs separated by one blank line.
//! 2. [`strip_boilerplate`] (`boilerplate.rs`): removes whole short lines that
//!    are share bars, comment forms, blog navigation or ad labels, reporting
//!    each removed line and the rule that removed it.
//!
//! 3. [`furniture`] (`furniture.rs`): the keys of a text's lines, and the site furniture an
//!    index learned from them (lines, templates, inline fragments an outlet repeats), marked
//!    as byte ranges without changing the text.
//!
//! This module owns text clean-up only. It must not read files, extract
//! titles, dates or other metadata, or know about the index: it takes text
//! and returns text.

mod boilerplate;
pub mod furniture;
mod text;

pub use boilerplate::{strip_boilerplate, Removed, Stripped};
pub use text::normalize;
