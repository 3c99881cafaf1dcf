//! Turning the atoms of a parsed query into tantivy queries.
//!
//! Words and phrases go through the same analyzer as the indexed text; a word that analyzes to
//! several tokens (`al-Baghdadi`, `U.S.`) becomes a phrase. Outlet and entity values are matched
//! whole, case- and accent-insensitively. Filters are zero-score clauses so that they restrict
//! without changing BM25. The boolean structure is evaluated over article sets elsewhere
//! (`boolean.rs`); here each atom becomes one passage query.

use super::query::{Atom, AtomKind, Expr, Field as QField, QueryError, QueryErrorKind};
use super::resolve::Resolver;
use super::Filters;
use crate::index::{analyze, keyword_key, Fields, KIND_ARTICLE, KIND_PASSAGE, NEWS_EN};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, Searcher, Term};

/// Restricts a query to passage documents.
pub fn passages_only(fields: &Fields, q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, filter(term(fields.kind, KIND_PASSAGE))),
        (Occur::Must, q),
    ]))
}

/// Restricts a query to article documents.
pub fn articles_only(fields: &Fields, q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, filter(term(fields.kind, KIND_ARTICLE))),
        (Occur::Must, q),
    ]))
}

/// Article documents that pass the outlet filter and the `entities` queries (each already
/// resolved, see [`super::resolve`]).
pub fn articles_filtered(
    fields: &Fields,
    filters: &Filters,
    entities: Vec<Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, filter(term(fields.kind, KIND_ARTICLE)))];
    if !filters.outlets.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> = filters
            .outlets
            .iter()
            .map(|o| (Occur::Should, term(fields.outlet, &keyword_key(o))))
            .collect();
        clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(any)))));
    }
    for q in entities {
        clauses.push((Occur::Must, filter(q)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Article documents that mention the entity `name` (every identity it means, when ambiguous).
pub fn entity_query(
    searcher: &Searcher,
    fields: &Fields,
    resolver: &Resolver,
    name: &str,
) -> crate::Result<Box<dyn Query>> {
    let found = resolver.lookup(searcher, fields, name)?;
    let ids: Vec<String> = found.identities.into_iter().map(|(id, _)| id).collect();
    Ok(resolver.query(fields, &ids))
}

/// All article documents.
pub fn all_articles(fields: &Fields) -> Box<dyn Query> {
    term(fields.kind, KIND_ARTICLE)
}

fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Builds tantivy queries for query atoms.
pub struct Builder<'a> {
    fields: &'a Fields,
    analyzer: TextAnalyzer,
    /// Resolves `entity:` atoms; without it they match nothing (passage ranking).
    entities: Option<(&'a Searcher, &'a Resolver)>,
}

impl<'a> Builder<'a> {
    /// A builder using the index's registered analyzer.
    pub fn new(index: &Index, fields: &'a Fields) -> Builder<'a> {
        Builder {
            fields,
            analyzer: index
                .tokenizers()
                .get(NEWS_EN)
                .unwrap_or_else(crate::index::news_en_analyzer),
            entities: None,
        }
    }

    /// Resolves `entity:` atoms with this resolver.
    pub fn with_resolver(mut self, searcher: &'a Searcher, resolver: &'a Resolver) -> Builder<'a> {
        self.entities = Some((searcher, resolver));
        self
    }

    /// One query matching passages that contain any positive atom of `expr` (what ranks and
    /// what gets highlighted); `None` when no positive atom has searchable words.
    pub fn positive(&mut self, expr: &Expr) -> Result<Option<Box<dyn Query>>, QueryError> {
        let mut clauses = Vec::new();
        for atom in expr.positive_atoms() {
            if let Some(q) = self.atom(atom)? {
                clauses.push((Occur::Should, q));
            }
        }
        Ok(match clauses.len() {
            0 => None,
            1 => clauses.pop().map(|c| c.1),
            _ => Some(Box::new(BooleanQuery::new(clauses))),
        })
    }

    /// The passage query for one atom; `None` when it has no searchable words.
    pub fn atom(&mut self, a: &Atom) -> Result<Option<Box<dyn Query>>, QueryError> {
        let f = self.fields;
        let text_fields: &[Field] = match a.field {
            QField::Any => &[f.body, f.title],
            QField::Text => &[f.body],
            QField::Title => &[f.title],
            QField::Outlet | QField::Entity => {
                let field = if a.field == QField::Outlet {
                    f.outlet
                } else {
                    f.entity
                };
                let value = match &a.kind {
                    AtomKind::Word(w) => w.as_str(),
                    AtomKind::Phrase { words, .. } => words.as_str(),
                    AtomKind::Prefix(p) => {
                        let pattern = format!("{}.*", regex_escape(&keyword_key(p)));
                        return Ok(Some(self.regex(field, &pattern, a)?));
                    }
                };
                let key = keyword_key(value);
                if key.is_empty() {
                    return Ok(None);
                }
                if a.field == QField::Entity {
                    let Some((searcher, resolver)) = self.entities else {
                        return Ok(None);
                    };
                    return entity_query(searcher, f, resolver, value)
                        .map(Some)
                        .map_err(|e| QueryError {
                            kind: QueryErrorKind::Empty,
                            offset: a.span.start,
                            message: format!("cannot look the entity up: {e}"),
                        });
                }
                return Ok(Some(term(field, &key)));
            }
        };
        let per_field: Vec<Box<dyn Query>> = match &a.kind {
            AtomKind::Word(w) => self.words(text_fields, w, 0),
            AtomKind::Phrase { words, slop } => self.words(text_fields, words, *slop),
            AtomKind::Prefix(p) => {
                let tokens = analyze(&mut self.analyzer, p);
                let Some(first) = tokens.first() else {
                    return Ok(None);
                };
                // Compare against stems: "politic*" must find "polit" (politics).
                let pattern = format!("{}.*", regex_escape(&first.text));
                let mut out = Vec::new();
                for &field in text_fields {
                    out.push(self.regex(field, &pattern, a)?);
                }
                out
            }
        };
        Ok(match per_field.len() {
            0 => None,
            1 => per_field.into_iter().next(),
            _ => Some(Box::new(BooleanQuery::new(
                per_field.into_iter().map(|q| (Occur::Should, q)).collect(),
            ))),
        })
    }

    fn words(&mut self, fields: &[Field], text: &str, slop: u32) -> Vec<Box<dyn Query>> {
        let tokens = analyze(&mut self.analyzer, text);
        if tokens.is_empty() {
            return Vec::new();
        }
        fields
            .iter()
            .map(|&field| -> Box<dyn Query> {
                if tokens.len() == 1 {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &tokens[0].text),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    let terms = tokens
                        .iter()
                        .map(|t| Term::from_field_text(field, &t.text))
                        .collect();
                    let mut pq = PhraseQuery::new(terms);
                    pq.set_slop(slop);
                    Box::new(pq)
                }
            })
            .collect()
    }

    fn regex(&self, field: Field, pattern: &str, a: &Atom) -> Result<Box<dyn Query>, QueryError> {
        RegexQuery::from_pattern(pattern, field)
            .map(|q| Box::new(q) as Box<dyn Query>)
            .map_err(|e| QueryError {
                kind: QueryErrorKind::BadWildcard,
                offset: a.span.start,
                message: format!("cannot use this wildcard: {e}"),
            })
    }
}

fn regex_escape(s: &str) -> String {
    regex::escape(s)
}
