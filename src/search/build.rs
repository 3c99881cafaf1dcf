//! Turning the atoms of a parsed query into tantivy queries.
//!
//! Words and phrases go through the same analyzer as the indexed text; a word that analyzes to
//! several tokens (`al-Baghdadi`, `U.S.`) becomes a phrase. Outlet and entity values are matched
//! whole, case- and accent-insensitively. Filters are zero-score clauses so that they restrict
//! without changing BM25. The boolean structure is evaluated over article sets elsewhere
//! (`boolean.rs`); here each atom becomes queries: its words over passage documents, its title
//! words, outlets, entities and metadata over article documents.

use super::query::{
    Atom, AtomKind, Expr, Field as QField, QueryError, QueryErrorKind, MAX_PHRASE_WORDS,
    MAX_PREFIX_EXPANSIONS, MAX_TOTAL_EXPANSIONS,
};
use super::resolve::Resolver;
use super::Filters;
use crate::index::meta::meta_key_term;
use crate::index::{analyze, keyword_key, Fields, KIND_ARTICLE, NEWS_EN};
use std::collections::HashSet;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

/// Restricts a query to article documents.
pub fn articles_only(fields: &Fields, q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, filter(term(fields.kind, KIND_ARTICLE))),
        (Occur::Must, q),
    ]))
}

/// Article documents that pass `filters`' metadata conditions and mention every entity of
/// `entities` (queries from [`entity_query`]). Outlet and date filters are checked on the
/// article table (`table.rs`), not here.
pub fn articles_filtered(
    fields: &Fields,
    filters: &Filters,
    entities: Vec<Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, filter(term(fields.kind, KIND_ARTICLE)))];
    for q in entities {
        clauses.push((Occur::Must, filter(q)));
    }
    for (key, values) in filters.meta_groups() {
        let any: Vec<(Occur, Box<dyn Query>)> = values
            .iter()
            .map(|v| (Occur::Should, term(fields.meta, &meta_key_term(key, v))))
            .collect();
        clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(any)))));
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

/// One field's query of an atom: the field, and the query over it (see
/// [`Builder::atom_parts`]).
pub type Part = (Field, Box<dyn Query>);

/// The scored part of a query (see [`Builder::positive`]).
pub struct Positive {
    /// Its words, over passage documents; `None` when it has none.
    pub passages: Option<Box<dyn Query>>,
    /// Its title words, over article documents; `None` when it has none.
    pub titles: Option<Box<dyn Query>>,
}

impl Positive {
    /// True when nothing of the query scores.
    pub fn is_empty(&self) -> bool {
        self.passages.is_none() && self.titles.is_none()
    }
}

/// The union of `clauses` (`None` when there are none; the one clause when there is one).
fn union(mut clauses: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 => clauses.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

/// Builds tantivy queries for query atoms, within the query [limits](super::query#limits)
/// that depend on the index (words per analyzed phrase, prefix expansions).
pub struct Builder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    analyzer: TextAnalyzer,
    /// Index words the prefixes built so far expand to.
    expanded: usize,
    /// Resolves `entity:` atoms; without it they match nothing (passage ranking).
    entities: Option<(&'a Searcher, &'a Resolver)>,
}

impl<'a> Builder<'a> {
    /// A builder over `searcher`'s index, using its registered analyzer.
    pub fn new(searcher: &'a Searcher, fields: &'a Fields) -> Builder<'a> {
        Builder {
            fields,
            searcher,
            analyzer: searcher
                .index()
                .tokenizers()
                .get(NEWS_EN)
                .unwrap_or_else(crate::index::news_en_analyzer),
            expanded: 0,
            entities: None,
        }
    }

    /// Resolves `entity:` atoms with this resolver.
    pub fn with_resolver(mut self, searcher: &'a Searcher, resolver: &'a Resolver) -> Builder<'a> {
        self.entities = Some((searcher, resolver));
        self
    }

    /// The positive atoms of `expr` as the two queries that score a passage (what ranks and
    /// what gets highlighted): its words over passage documents, and its article's title over
    /// article documents (the title is indexed there only). Outlet, entity and metadata atoms
    /// select articles and score nothing.
    pub fn positive(&mut self, expr: &Expr) -> Result<Positive, EvalError> {
        let (mut passages, mut titles) = (Vec::new(), Vec::new());
        for atom in expr.positive_atoms() {
            for (field, q) in self.atom_parts(atom)? {
                if field == self.fields.title {
                    titles.push(q);
                } else if field == self.fields.body {
                    passages.push(q);
                }
            }
        }
        Ok(Positive {
            passages: union(passages),
            titles: union(titles),
        })
    }

    /// The queries whose matches together are an atom's, each with the field it searches: body
    /// and title for a word of any field; empty when the atom has no searchable words. Body
    /// queries match passage documents; title, outlet, entity and metadata queries match
    /// article documents. Finding which articles match, each runs alone: a union's merging
    /// costs more than the postings it merges.
    pub fn atom_parts(&mut self, a: &Atom) -> Result<Vec<Part>, EvalError> {
        let f = self.fields;
        let text_fields: &[Field] = match a.field {
            QField::Any => &[f.body, f.title],
            QField::Text => &[f.body],
            QField::Title => &[f.title],
            QField::Outlet | QField::Entity | QField::Meta => {
                let field = match a.field {
                    QField::Outlet => f.outlet,
                    QField::Meta => f.meta,
                    _ => f.entity,
                };
                let value = match &a.kind {
                    AtomKind::Word(w) => w.as_str(),
                    AtomKind::Phrase { words, .. } => words.as_str(),
                    AtomKind::Prefix(p) => {
                        let key = keyword_key(p);
                        return Ok(vec![(field, self.prefix(field, &key, a)?)]);
                    }
                };
                let key = match a.field {
                    QField::Outlet => keyword_key(&crate::extract::outlet::normalize_outlet(value)),
                    _ => keyword_key(value),
                };
                if key.is_empty() {
                    return Ok(Vec::new());
                }
                if a.field == QField::Entity {
                    let Some((searcher, resolver)) = self.entities else {
                        return Ok(Vec::new());
                    };
                    return entity_query(searcher, f, resolver, value)
                        .map(|q| vec![(field, q)])
                        .map_err(|e| {
                            EvalError::Query(QueryError {
                                kind: QueryErrorKind::Empty,
                                offset: a.span.start,
                                message: format!("cannot look the entity up: {e}"),
                            })
                        });
                }
                return Ok(vec![(field, term(field, &key))]);
            }
        };
        let per_field: Vec<Box<dyn Query>> = match &a.kind {
            AtomKind::Word(w) => self.words(text_fields, w, 0, a)?,
            AtomKind::Phrase { words, slop } => self.words(text_fields, words, *slop, a)?,
            AtomKind::Prefix(p) => {
                let Some(stem) = prefix_stem(&mut self.analyzer, p) else {
                    return Ok(Vec::new());
                };
                let mut out = Vec::new();
                for &field in text_fields {
                    out.push(self.prefix(field, &stem, a)?);
                }
                out
            }
        };
        Ok(text_fields.iter().copied().zip(per_field).collect())
    }

    fn words(
        &mut self,
        fields: &[Field],
        text: &str,
        slop: u32,
        a: &Atom,
    ) -> Result<Vec<Box<dyn Query>>, EvalError> {
        let tokens = analyze(&mut self.analyzer, text);
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        // A word such as `a-b-c-…` analyzes to a phrase: the same limit as a typed phrase.
        if tokens.len() > MAX_PHRASE_WORDS {
            return Err(QueryError::too_complex(
                a.span.start,
                "the number of words in a phrase",
                MAX_PHRASE_WORDS,
                "search for a shorter phrase",
            )
            .into());
        }
        Ok(fields
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
            .collect())
    }

    /// The words of `field` that start with `prefix`, as one query; refused when they are more
    /// than [`MAX_PREFIX_EXPANSIONS`], or when the query's prefixes together expand to more than
    /// [`MAX_TOTAL_EXPANSIONS`].
    fn prefix(
        &mut self,
        field: Field,
        prefix: &str,
        a: &Atom,
    ) -> Result<Box<dyn Query>, EvalError> {
        let n = self.expansions(field, prefix, MAX_PREFIX_EXPANSIONS)?;
        if n > MAX_PREFIX_EXPANSIONS {
            return Err(QueryError::too_complex(
                a.span.start,
                &format!("the number of index words '{a}' stands for"),
                MAX_PREFIX_EXPANSIONS,
                "make the prefix longer",
            )
            .into());
        }
        self.expanded += n;
        if self.expanded > MAX_TOTAL_EXPANSIONS {
            return Err(QueryError::too_complex(
                a.span.start,
                "the number of index words the query's prefixes stand for",
                MAX_TOTAL_EXPANSIONS,
                "use fewer or longer prefixes",
            )
            .into());
        }
        let pattern = format!("{}.*", regex_escape(prefix));
        Ok(self.regex(field, &pattern, a)?)
    }

    /// Distinct words of `field` that start with `prefix`, counted up to `cap + 1`.
    fn expansions(&self, field: Field, prefix: &str, cap: usize) -> Result<usize, EvalError> {
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while terms.advance() {
                let key = terms.key();
                if !key.starts_with(prefix.as_bytes()) {
                    break;
                }
                if seen.insert(key.to_vec()) && seen.len() > cap {
                    return Ok(seen.len());
                }
            }
        }
        Ok(seen.len())
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

/// What a text `prefix*` stands for: the indexed words (stems) that start with the analyzed form
/// of its first word (`politic*` → `polit`, so it finds "politics", "political" and "polite").
/// The matcher expands it over the index's terms and the highlighter marks a word iff its
/// analyzed form starts with it, so a hit found through a prefix always shows what matched, and
/// nothing else. `None` when the prefix has no searchable word.
pub fn prefix_stem(analyzer: &mut TextAnalyzer, prefix: &str) -> Option<String> {
    analyze(analyzer, prefix).into_iter().next().map(|t| t.text)
}

fn regex_escape(s: &str) -> String {
    regex::escape(s)
}

/// What can fail while evaluating.
#[derive(Debug)]
pub enum EvalError {
    /// An atom could not be turned into a query.
    Query(QueryError),
    /// The index failed.
    Index(tantivy::TantivyError),
}

impl From<QueryError> for EvalError {
    fn from(e: QueryError) -> Self {
        EvalError::Query(e)
    }
}

impl From<tantivy::TantivyError> for EvalError {
    fn from(e: tantivy::TantivyError) -> Self {
        EvalError::Index(e)
    }
}

impl From<EvalError> for crate::Error {
    fn from(e: EvalError) -> Self {
        match e {
            EvalError::Query(q) => crate::Error::Query(q),
            EvalError::Index(i) => crate::Error::Index(i),
        }
    }
}
