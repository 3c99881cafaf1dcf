//! Researcher lookups: aggregate views over a selection of articles.
//!
//! Owns turning a [`Selection`](crate::search::Selection) (the articles that a query and filters
//! pick) into the shapes researchers ask for: outlets with their article counts and date spans
//! ([`outlets`]), counts per period ([`timeline`]), index-wide figures ([`stats`]) and entities
//! ([`entities`]: the most mentioned, and one entity's sheet). Works on
//! the facts the selection carries; never prints.

pub mod entities;
pub mod entity_columns;
pub mod export;
pub mod outlets;
pub mod stats;
pub mod timeline;
