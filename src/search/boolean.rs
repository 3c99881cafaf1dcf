//! Boolean logic over articles.
//!
//! A researcher's `Mosul -Raqqa` means *articles* that mention Mosul and never Raqqa, and
//! `Baghdadi AND Mosul` means articles that mention both, in any paragraphs. Passages are the
//! unit of ranking, not of truth: each atom is run over passages (and titles over article
//! documents) and yields the set of articles with a matching passage or title, and the query's
//! AND/OR/NOT are evaluated on those sets: bitsets over
//! the article table's rows (`rows.rs`), so a negation is a complement over every article of
//! the commit.

use super::build::{articles_only, Builder, EvalError};
use super::query::Expr;
use super::rows::{Rows, RowsCollector};
use crate::index::Fields;
use tantivy::Searcher;

/// Evaluates `expr` over the articles `collector`'s table numbers; `None` when no atom has
/// searchable words.
pub fn evaluate(
    expr: &Expr,
    builder: &mut Builder<'_>,
    searcher: &Searcher,
    fields: &Fields,
    collector: &RowsCollector,
) -> Result<Option<Rows>, EvalError> {
    Ok(match expr {
        Expr::Atom(a) => {
            // Each field's query runs alone and their articles are joined: walking a word's
            // body and title postings through a union cost more than both walks.
            let mut acc: Option<Rows> = None;
            for (field, q) in builder.atom_parts(a)? {
                // Words live in passages (`passage_rows` counts passages only: no intersection
                // with every passage); titles are indexed on article documents, and outlets,
                // entities and metadata are article properties.
                let set = if field == fields.body {
                    collector.passage_rows(searcher, q.as_ref())?
                } else if field == fields.title {
                    searcher.search(q.as_ref(), collector)?
                } else {
                    searcher.search(articles_only(fields, q).as_ref(), collector)?
                };
                acc = Some(join(acc, set, false));
            }
            acc
        }
        Expr::Not(inner) => {
            evaluate(inner, builder, searcher, fields, collector)?.map(|mut set| {
                set.toggle_range(..);
                set
            })
        }
        Expr::And(children) | Expr::Or(children) => {
            let is_and = matches!(expr, Expr::And(_));
            let mut acc: Option<Rows> = None;
            for c in children {
                let Some(set) = evaluate(c, builder, searcher, fields, collector)? else {
                    continue; // an atom with nothing searchable is neutral
                };
                acc = Some(join(acc, set, is_and));
            }
            acc
        }
    })
}

/// `set` joined to the articles found so far: their intersection when `and`, else their union.
fn join(acc: Option<Rows>, set: Rows, and: bool) -> Rows {
    match acc {
        None => set,
        Some(mut prev) => {
            match and {
                true => prev.intersect_with(&set),
                false => prev.union_with(&set),
            }
            prev
        }
    }
}
