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
use crate::index::{analyze, PooledAnalyzer};
use std::ops::Range;
use tantivy::tokenizer::TextAnalyzer;

/// What to look for, already analyzed: sequences of words by their number in
/// [`Patterns::words`], so a passage's tokens are matched by number without keeping their text.
#[derive(Debug, Clone, Default)]
struct Patterns {
    /// The distinct analyzed words of the sequences.
    words: Vec<String>,
    /// Consecutive tokens (one token = a single word), allowing `slop` extra positions.
    sequences: Vec<(Vec<u32>, u32)>,
    /// Tokens whose analyzed form (the indexed stem) starts with one of these stems, as the
    /// matcher expands a prefix.
    prefixes: Vec<String>,
}

/// A token that is none of the patterns' words.
const OTHER: u32 = u32::MAX;

impl Patterns {
    fn add_sequence(&mut self, tokens: Vec<String>, slop: u32) {
        let ids = tokens.into_iter().map(|t| self.word_id_or_add(t)).collect();
        self.sequences.push((ids, slop));
    }

    fn word_id_or_add(&mut self, word: String) -> u32 {
        match self.words.iter().position(|w| *w == word) {
            Some(i) => i as u32,
            None => {
                self.words.push(word);
                (self.words.len() - 1) as u32
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.sequences.is_empty() && self.prefixes.is_empty()
    }
}

/// Marks what a query matched in passage and title texts.
pub struct Highlighter {
    analyzer: PooledAnalyzer,
    body: Patterns,
    title: Patterns,
    /// Each token of the text being marked: its byte range and word number ([`OTHER`] for
    /// none), kept between texts for its allocation.
    tokens: Vec<(Range<usize>, u32)>,
}

impl Highlighter {
    /// Prepares the patterns of the positive (not negated) atoms of `expr`.
    pub fn new(expr: &Expr, mut analyzer: PooledAnalyzer) -> Highlighter {
        let mut body = Patterns::default();
        let mut title = Patterns::default();
        for atom in expr.positive_atoms() {
            let targets: &mut [&mut Patterns] = match atom.field {
                QField::Any => &mut [&mut body, &mut title],
                QField::Text => &mut [&mut body],
                QField::Title => &mut [&mut title],
                QField::Outlet | QField::Entity | QField::Meta => continue,
            };
            match &atom.kind {
                AtomKind::Word(w) => add_sequence(&mut analyzer, targets, w, 0),
                AtomKind::Phrase { words, slop } => {
                    add_sequence(&mut analyzer, targets, words, *slop)
                }
                AtomKind::Prefix(p) => {
                    if let Some(stem) = prefix_stem(&mut analyzer, p) {
                        for t in targets.iter_mut() {
                            t.prefixes.push(stem.clone());
                        }
                    }
                }
            }
        }
        Highlighter {
            analyzer,
            body,
            title,
            tokens: Vec::new(),
        }
    }

    /// Byte ranges to mark in a passage text, sorted and merged.
    pub fn passage(&mut self, text: &str) -> Vec<Range<usize>> {
        mark(&mut self.analyzer, &mut self.tokens, &self.body, text)
    }

    /// Byte ranges to mark in a title, sorted and merged.
    pub fn title(&mut self, text: &str) -> Vec<Range<usize>> {
        mark(&mut self.analyzer, &mut self.tokens, &self.title, text)
    }
}

/// Adds the analyzed `text` as a sequence to each of `targets` (nothing when it has no token).
fn add_sequence(analyzer: &mut TextAnalyzer, targets: &mut [&mut Patterns], text: &str, slop: u32) {
    let tokens: Vec<String> = analyze(analyzer, text)
        .into_iter()
        .map(|t| t.text)
        .collect();
    if tokens.is_empty() {
        return;
    }
    for t in targets.iter_mut() {
        t.add_sequence(tokens.clone(), slop);
    }
}

/// The byte ranges of `text` that `patterns` match, sorted and merged: the text is analyzed
/// once, each token kept as its range and word number in `tokens`.
fn mark(
    analyzer: &mut TextAnalyzer,
    tokens: &mut Vec<(Range<usize>, u32)>,
    patterns: &Patterns,
    text: &str,
) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    if patterns.is_empty() {
        return ranges;
    }
    tokens.clear();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        let span = t.offset_from..t.offset_to;
        if patterns
            .prefixes
            .iter()
            .any(|p| t.text.starts_with(p.as_str()))
        {
            ranges.push(span.clone());
        }
        let id = patterns.words.iter().position(|w| *w == t.text);
        tokens.push((span, id.map_or(OTHER, |i| i as u32)));
    }
    drop(stream);
    for (words, slop) in &patterns.sequences {
        for start in 0..tokens.len() {
            if tokens[start].1 != words[0] {
                continue;
            }
            if let Some(end) = match_from(tokens, start, words, *slop) {
                ranges.push(tokens[start].0.start..tokens[end].0.end);
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
    tokens: &[(Range<usize>, u32)],
    start: usize,
    words: &[u32],
    slop: u32,
) -> Option<usize> {
    let mut pos = start;
    let mut budget = slop as usize;
    for &w in &words[1..] {
        let mut next = pos + 1;
        loop {
            let t = tokens.get(next)?;
            if t.1 == w {
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
