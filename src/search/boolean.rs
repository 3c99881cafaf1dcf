//! Boolean logic over articles.
//!
//! A researcher's `Mosul -Raqqa` means *articles* that mention Mosul and never Raqqa, and
//! `Baghdadi AND Mosul` means articles that mention both, in any paragraphs. Passages are the
//! unit of ranking, not of truth: each atom is run over passages (and titles over article
//! documents) and yields the set of articles with a matching passage or title, and the query's
//! AND/OR/NOT are evaluated on those sets: bitsets over
//! the article table's rows (`rows.rs`), so a negation is a complement over every article of
//! the commit.

use super::build::{articles_only, Builder, EvalError, Part};
use super::query::Expr;
use super::rows::{Rows, RowsCollector};
use crate::index::Fields;
use tantivy::{Searcher, Term};

/// How many times fewer than the passages a word is in must the articles it is looked for in
/// be, for it to be looked for article by article: each such article costs a seek of the
/// word's postings to its passages (often into another block, decoded), where walking every
/// passage costs a step each, and a seek to the next article after a match.
const FEWER: u64 = 4;

/// Evaluates `expr` over the articles `collector`'s table numbers, as the set of the articles
/// it matches among `within` (among every article when `None`); `None` when no atom has
/// searchable words.
///
/// An `AND` evaluates its children from the rarest, each among the articles the ones before
/// left (`Kavanaugh AND Ford` looks for Ford only in the articles with Kavanaugh), and its
/// negations last; the articles a child is looked in are the ones it can still change, so
/// the set is the same as evaluating every child over every article.
pub fn evaluate(
    expr: &Expr,
    builder: &mut Builder<'_>,
    searcher: &Searcher,
    fields: &Fields,
    collector: &RowsCollector,
    within: Option<&Rows>,
) -> Result<Option<Rows>, EvalError> {
    let plan = plan(expr, builder, searcher)?;
    let ctx = Context {
        searcher,
        fields,
        collector,
        fewer: FEWER,
    };
    ctx.run(&plan, within)
}

/// What running a [`Plan`] needs.
struct Context<'a> {
    searcher: &'a Searcher,
    fields: &'a Fields,
    collector: &'a RowsCollector,
    /// A word is looked for article by article when the articles are this many times fewer
    /// than its passages ([`FEWER`]; 0: always; `u64::MAX`: never).
    fewer: u64,
}

/// An expression with each atom's queries built and its cost guessed.
enum Plan {
    /// An atom's queries (see [`Builder::atom_parts`]), each with the documents its words are
    /// in (for a phrase, its rarest word's; `None` when not known, as for a prefix).
    Atom(Vec<(Part, Option<u64>)>),
    And(Vec<Plan>),
    Or(Vec<Plan>),
    Not(Box<Plan>),
}

impl Plan {
    /// The documents evaluating the plan walks, guessed from its words' document counts: an
    /// `AND` costs about its cheapest child (the others are looked for among its articles).
    fn cost(&self) -> u64 {
        match self {
            Plan::Atom(parts) => parts
                .iter()
                .map(|(_, docs)| docs.unwrap_or(u64::MAX / 4))
                .fold(0, u64::saturating_add),
            Plan::And(children) => children
                .iter()
                .filter(|c| !matches!(c, Plan::Not(_)))
                .map(Plan::cost)
                .min()
                .unwrap_or(u64::MAX / 4),
            Plan::Or(children) => children.iter().map(Plan::cost).fold(0, u64::saturating_add),
            Plan::Not(inner) => inner.cost(),
        }
    }
}

fn plan(expr: &Expr, builder: &mut Builder<'_>, searcher: &Searcher) -> Result<Plan, EvalError> {
    Ok(match expr {
        Expr::Atom(a) => Plan::Atom(
            builder
                .atom_parts(a)?
                .into_iter()
                .map(|part| {
                    let docs = documents(searcher, &part);
                    (part, docs)
                })
                .collect(),
        ),
        Expr::Not(inner) => Plan::Not(Box::new(plan(inner, builder, searcher)?)),
        Expr::And(children) | Expr::Or(children) => {
            let plans = children
                .iter()
                .map(|c| plan(c, builder, searcher))
                .collect::<Result<Vec<_>, _>>()?;
            match expr {
                Expr::And(_) => Plan::And(plans),
                _ => Plan::Or(plans),
            }
        }
    })
}

/// The documents holding a part's rarest word: what walking its matches costs, about (a word
/// or a phrase; `None` for a query without terms to count, such as a prefix's).
fn documents(searcher: &Searcher, (_, q): &Part) -> Option<u64> {
    let mut terms: Vec<Term> = Vec::new();
    q.query_terms(&mut |term, _| terms.push(term.clone()));
    terms
        .iter()
        .map(|t| searcher.doc_freq(t).ok())
        .try_fold(u64::MAX, |min, docs| docs.map(|d| min.min(d)))
        .filter(|_| !terms.is_empty())
}

impl Context<'_> {
    fn run(&self, plan: &Plan, within: Option<&Rows>) -> Result<Option<Rows>, EvalError> {
        Ok(match plan {
            Plan::Atom(parts) => {
                // Each field's query runs alone and their articles are joined: walking a word's
                // body and title postings through a union cost more than both walks.
                let mut acc: Option<Rows> = None;
                for ((field, q), docs) in parts {
                    // Words live in passages (`passage_rows` counts passages only: no intersection
                    // with every passage); titles are indexed on article documents, and outlets,
                    // entities and metadata are article properties.
                    let (searcher, collector) = (self.searcher, self.collector);
                    let mut set = if *field == self.fields.body {
                        let runs = within
                            .filter(|w| few(w, *docs, self.fewer))
                            .and_then(|w| collector.passage_runs(searcher, w));
                        match runs {
                            Some(runs) => collector.passage_rows_in(searcher, q.as_ref(), &runs)?,
                            None => collector.passage_rows(searcher, q.as_ref())?,
                        }
                    } else if *field == self.fields.title {
                        searcher.search(q.as_ref(), collector)?
                    } else {
                        let q = articles_only(self.fields, q.box_clone());
                        searcher.search(q.as_ref(), collector)?
                    };
                    if let Some(w) = within {
                        set.intersect_with(w);
                    }
                    acc = Some(union(acc, set));
                }
                acc
            }
            Plan::Not(inner) => self.run(inner, within)?.map(|set| match within {
                Some(w) => {
                    let mut out = w.clone();
                    out.difference_with(&set);
                    out
                }
                None => {
                    let mut out = set;
                    out.toggle_range(..);
                    out
                }
            }),
            Plan::And(children) => {
                // The rarest first, negations last: each child is looked for only among the
                // articles the children before it kept.
                let mut order: Vec<&Plan> = children.iter().collect();
                order.sort_by_cached_key(|c| (matches!(c, Plan::Not(_)), c.cost()));
                let mut acc: Option<Rows> = None;
                for c in order {
                    let Some(set) = self.run(c, acc.as_ref().or(within))? else {
                        continue; // an atom with nothing searchable is neutral
                    };
                    // `set` is among the articles kept so far.
                    acc = Some(set);
                }
                acc
            }
            Plan::Or(children) => {
                let mut acc: Option<Rows> = None;
                for c in children {
                    let Some(set) = self.run(c, within)? else {
                        continue; // an atom with nothing searchable is neutral
                    };
                    acc = Some(union(acc, set));
                }
                acc
            }
        })
    }
}

/// True when the articles of `within` are `fewer` times fewer than the passages a part's
/// words are in ([`FEWER`]), so that looking for it article by article is cheaper than walking
/// it.
fn few(within: &Rows, docs: Option<u64>, fewer: u64) -> bool {
    docs.is_some_and(|docs| (within.count_ones(..) as u64).saturating_mul(fewer) < docs)
}

/// `set` joined to the articles found so far (their union).
fn union(acc: Option<Rows>, set: Rows) -> Rows {
    match acc {
        None => set,
        Some(mut prev) => {
            prev.union_with(&set);
            prev
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;
    use crate::search::testing::{row_sets, write_articles};

    /// Looking for words article by article, among the articles an `AND`'s rarer children or
    /// the filters left, finds the same articles as walking every match: every query below,
    /// among several sets of articles, with words looked for article by article always, never
    /// and by the threshold; across segments, an article indexed again (deleted whole) and one
    /// deleted passage.
    #[test]
    fn looking_among_fewer_articles_selects_the_same_articles() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        // "harbor" is in every passage, "ferry" in many, "council" in some, "budget" in few.
        write_articles(&mut w, &f, (3000, 3, 30, 4), |batch, a, p| {
            let mut body = "harbor".to_string();
            if (a + p) % 2 == 0 {
                body.push_str(" ferry");
            }
            if (a + p + batch) % 5 == 0 {
                body.push_str(" council meeting");
            }
            if (a * 7 + p) % 11 == 0 {
                body.push_str(" budget");
            }
            body
        });
        w.delete_term(tantivy::Term::from_field_u64(f.article_key, 3107));
        w.delete_term(tantivy::Term::from_field_text(f.body, "p3204x1"));
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        assert!(searcher.segment_readers().len() > 1);
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        let collector = RowsCollector::new(table.clone());
        let withins: Vec<Option<Rows>> = std::iter::once(None)
            .chain(row_sets(table.len()).into_iter().map(Some))
            .collect();
        let mut matched = 0;
        for query in [
            "harbor",
            "budget",
            "harbor ferry budget",
            "ferry AND council AND budget",
            "harbor -budget",
            "ferry -council -budget",
            "(council OR budget) AND ferry",
            "budget OR (ferry AND council)",
            "-(ferry AND council) AND harbor",
            "\"council meeting\" ferry",
            "harbor AND absent",
            "ferry AND -absent",
            "p3204x1 OR p3204x2",
        ] {
            let expr = parse(query).unwrap();
            let plan = plan(&expr, &mut Builder::new(&searcher, &f), &searcher).unwrap();
            let ctx = |fewer| Context {
                searcher: &searcher,
                fields: &f,
                collector: &collector,
                fewer,
            };
            let every = ctx(u64::MAX).run(&plan, None).unwrap().unwrap();
            matched += every.count_ones(..);
            for within in &withins {
                let mut want = every.clone();
                if let Some(w) = within {
                    want.intersect_with(w);
                }
                for fewer in [0, FEWER, u64::MAX] {
                    let got = ctx(fewer).run(&plan, within.as_ref()).unwrap().unwrap();
                    assert_eq!(got, want, "{query} among {within:?}, fewer {fewer}");
                }
            }
        }
        assert!(matched > 100, "{matched}");
    }
}
