//! Phrase-aware highlighting.
//!
//! tantivy's `SnippetGenerator` marks every query term wherever it occurs, so for `"Der Spiegel"`
//! it would mark a lone "Spiegel". Here the passage is run through the same analyzer as the index
//! and only what matched is marked: single words wherever their stem occurs, phrases only where
//! their tokens follow each other (within the phrase's slop), prefixes by the matcher's rule
//! (`build::prefix_stem`): a word whose analyzed form (its stem) starts with the prefix's.
//! Negated parts of the query are never marked. Returns byte ranges; presenters decide how to
//! show them (ANSI colours, JSON character ranges).

use super::build::prefix_stem;
use super::query::{AtomKind, Expr, Field as QField};
use crate::index::{analyze, AnalyzedToken, PooledAnalyzer};
use std::ops::Range;
use tantivy::tokenizer::TextAnalyzer;

/// What to look for, already analyzed.
#[derive(Debug, Clone)]
enum Pattern {
    /// Consecutive tokens (one token = a single word), allowing `slop` extra positions.
    Sequence(Vec<String>, u32),
    /// Tokens whose analyzed form (the indexed stem) starts with this stem, as the matcher
    /// expands a prefix.
    Prefix(String),
}

/// Marks what a query matched in passage and title texts.
pub struct Highlighter {
    analyzer: PooledAnalyzer,
    body: Vec<Pattern>,
    title: Vec<Pattern>,
}

impl Highlighter {
    /// Prepares the patterns of the positive (not negated) atoms of `expr`.
    pub fn new(expr: &Expr, mut analyzer: PooledAnalyzer) -> Highlighter {
        let mut body = Vec::new();
        let mut title = Vec::new();
        for atom in expr.positive_atoms() {
            let pattern = match &atom.kind {
                AtomKind::Word(w) => seq(&mut analyzer, w, 0),
                AtomKind::Phrase { words, slop } => seq(&mut analyzer, words, *slop),
                AtomKind::Prefix(p) => prefix_stem(&mut analyzer, p).map(Pattern::Prefix),
            };
            let Some(pattern) = pattern else { continue };
            match atom.field {
                QField::Any => {
                    body.push(pattern.clone());
                    title.push(pattern);
                }
                QField::Text => body.push(pattern),
                QField::Title => title.push(pattern),
                QField::Outlet | QField::Entity | QField::Meta => {}
            }
        }
        Highlighter {
            analyzer,
            body,
            title,
        }
    }

    /// Byte ranges to mark in a passage text, sorted and merged.
    pub fn passage(&mut self, text: &str) -> Vec<Range<usize>> {
        let tokens = analyze(&mut self.analyzer, text);
        mark(&tokens, &self.body)
    }

    /// Byte ranges to mark in a title, sorted and merged.
    pub fn title(&mut self, text: &str) -> Vec<Range<usize>> {
        let tokens = analyze(&mut self.analyzer, text);
        mark(&tokens, &self.title)
    }
}

fn seq(analyzer: &mut TextAnalyzer, text: &str, slop: u32) -> Option<Pattern> {
    let tokens: Vec<String> = analyze(analyzer, text)
        .into_iter()
        .map(|t| t.text)
        .collect();
    (!tokens.is_empty()).then_some(Pattern::Sequence(tokens, slop))
}

fn mark(tokens: &[AnalyzedToken], patterns: &[Pattern]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for p in patterns {
        match p {
            Pattern::Sequence(words, slop) => {
                for start in 0..tokens.len() {
                    if tokens[start].text != words[0] {
                        continue;
                    }
                    if let Some(end) = match_from(tokens, start, words, *slop) {
                        ranges.push(tokens[start].span.start..tokens[end].span.end);
                    }
                }
            }
            Pattern::Prefix(prefix) => {
                for t in tokens {
                    if t.text.starts_with(prefix.as_str()) {
                        ranges.push(t.span.clone());
                    }
                }
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Index of the last token of an in-order match of `words` starting at `start`, with at most
/// `slop` tokens skipped in total.
fn match_from(
    tokens: &[AnalyzedToken],
    start: usize,
    words: &[String],
    slop: u32,
) -> Option<usize> {
    let mut pos = start;
    let mut budget = slop as usize;
    for w in &words[1..] {
        let mut next = pos + 1;
        loop {
            let t = tokens.get(next)?;
            if &t.text == w {
                break;
            }
            if budget == 0 {
                return None;
            }
            budget -= 1;
            next += 1;
        }
        pos = next;
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{news_en_analyzer, AnalyzerPool};
    use crate::search::query::parse;

    fn marked(query: &str, text: &str) -> Vec<String> {
        let expr = parse(query).unwrap();
        let mut h = Highlighter::new(&expr, AnalyzerPool::default().take(news_en_analyzer));
        h.passage(text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn phrases_mark_only_adjacent_pairs() {
        let text = "The Der Spiegel report. Spiegel alone. Der Spiegel again.";
        assert_eq!(
            marked("\"Der Spiegel\"", text),
            vec!["Der Spiegel", "Der Spiegel"]
        );
    }

    #[test]
    fn words_mark_stemmed_forms_and_apostrophes() {
        assert_eq!(
            marked("elections", "Electing the Elections or Elect"),
            vec!["Electing", "Elections", "Elect"]
        );
        assert!(marked("elections", "electrical elects").len() == 1);
        assert_eq!(
            marked("Suleimani's", "Qassem Suleimani’s force"),
            vec!["Suleimani’s"]
        );
    }

    #[test]
    fn negated_terms_are_not_marked() {
        assert_eq!(marked("ISIS -Raqqa", "ISIS left Raqqa"), vec!["ISIS"]);
    }

    #[test]
    fn slop_and_prefix() {
        assert_eq!(
            marked("\"safe corridors\"~1", "safe humanitarian corridors"),
            vec!["safe humanitarian corridors"]
        );
        assert!(marked("\"safe corridors\"", "safe humanitarian corridors").is_empty());
        assert_eq!(
            marked("Bagh*", "al-Baghdadi and Baghdad"),
            vec!["Baghdadi", "Baghdad"]
        );
    }

    #[test]
    fn prefixes_mark_what_the_matcher_matches_by_stem() {
        // `politic*` stands for the stem `polit`: "polite" matches, so it is marked.
        assert_eq!(
            marked(
                "politic*",
                "A polite politician talks politics, not policy."
            ),
            vec!["polite", "politician", "politics"]
        );
        // A word that starts with the typed prefix but whose stem does not start with the
        // prefix's stem is not matched, so not marked: `happy*` is `happi`, "happyness" is
        // indexed as `happy`.
        assert_eq!(
            marked("happy*", "happy happiness happyness"),
            vec!["happy", "happiness"]
        );
    }

    #[test]
    fn outlet_atoms_do_not_mark_the_text() {
        assert!(marked("outlet:Reuters", "Reuters said").is_empty());
    }
}
