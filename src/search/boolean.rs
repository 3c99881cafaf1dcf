//! Boolean logic over articles.
//!
//! A researcher's `Mosul -Raqqa` means *articles* that mention Mosul and never Raqqa, and
//! `Baghdadi AND Mosul` means articles that mention both, in any paragraphs. Passages are the
//! unit of ranking, not of truth: each atom is run over passages and yields the set of articles
//! with a matching passage, and the query's AND/OR/NOT are evaluated on those sets. Negations are
//! kept as complements ([`KeySet::AllBut`]) so no pass over every article is needed unless the
//! whole query is a complement.

use super::build::{articles_only, passages_only, Builder, EvalError};
use super::query::{Expr, Field as QField};
use crate::index::{Fields, KeyCollector, Keys};
use tantivy::Searcher;

/// A set of article keys, or the complement of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySet {
    /// Exactly these articles.
    Only(Keys),
    /// Every article except these.
    AllBut(Keys),
}

impl KeySet {
    fn not(self) -> KeySet {
        match self {
            KeySet::Only(s) => KeySet::AllBut(s),
            KeySet::AllBut(s) => KeySet::Only(s),
        }
    }

    fn and(self, other: KeySet) -> KeySet {
        use KeySet::*;
        match (self, other) {
            (Only(a), Only(b)) => Only(intersect(a, b)),
            (Only(a), AllBut(b)) | (AllBut(b), Only(a)) => {
                Only(a.into_iter().filter(|k| !b.contains(k)).collect())
            }
            (AllBut(mut a), AllBut(b)) => {
                a.extend(b);
                AllBut(a)
            }
        }
    }

    fn or(self, other: KeySet) -> KeySet {
        use KeySet::*;
        match (self, other) {
            (Only(mut a), Only(b)) => {
                a.extend(b);
                Only(a)
            }
            (Only(a), AllBut(b)) | (AllBut(b), Only(a)) => {
                AllBut(b.into_iter().filter(|k| !a.contains(k)).collect())
            }
            (AllBut(a), AllBut(b)) => AllBut(intersect(a, b)),
        }
    }
}

fn intersect(a: Keys, b: Keys) -> Keys {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.into_iter().filter(|k| large.contains(k)).collect()
}

/// Evaluates `expr` over articles; `None` when no atom has searchable words.
pub fn evaluate(
    expr: &Expr,
    builder: &mut Builder<'_>,
    searcher: &Searcher,
    fields: &Fields,
) -> Result<Option<KeySet>, EvalError> {
    Ok(match expr {
        Expr::Atom(a) => match builder.atom(a)? {
            None => None,
            Some(q) => {
                // Outlet and entity are article properties; words live in passages.
                let q = match a.field {
                    QField::Outlet | QField::Entity | QField::Meta => articles_only(fields, q),
                    _ => passages_only(fields, q),
                };
                Some(KeySet::Only(searcher.search(q.as_ref(), &KeyCollector)?))
            }
        },
        Expr::Not(inner) => evaluate(inner, builder, searcher, fields)?.map(KeySet::not),
        Expr::And(children) | Expr::Or(children) => {
            let is_and = matches!(expr, Expr::And(_));
            let mut acc: Option<KeySet> = None;
            for c in children {
                let Some(set) = evaluate(c, builder, searcher, fields)? else {
                    continue; // an atom with nothing searchable is neutral
                };
                acc = Some(match acc {
                    None => set,
                    Some(prev) if is_and => prev.and(set),
                    Some(prev) => prev.or(set),
                });
            }
            acc
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[u64]) -> Keys {
        v.iter().copied().collect()
    }

    #[test]
    fn set_algebra_with_complements() {
        use KeySet::*;
        let a = Only(set(&[1, 2, 3]));
        let not_b = Only(set(&[2])).not();
        assert_eq!(a.clone().and(not_b.clone()), Only(set(&[1, 3])));
        assert_eq!(a.clone().or(not_b.clone()), AllBut(set(&[])));
        assert_eq!(Only(set(&[1])).or(AllBut(set(&[1, 2]))), AllBut(set(&[2])));
        assert_eq!(
            AllBut(set(&[1, 2])).and(AllBut(set(&[3]))),
            AllBut(set(&[1, 2, 3]))
        );
        assert_eq!(
            AllBut(set(&[1, 2])).or(AllBut(set(&[2, 3]))),
            AllBut(set(&[2]))
        );
        assert_eq!(Only(set(&[1, 2])).and(Only(set(&[2, 3]))), Only(set(&[2])));
    }
}
