//! CoNLL-format data: reading sentences and conlleval-style entity scoring.
//!
//! A CoNLL file has one token per line (the word first, the NER tag last, other columns
//! ignored), a blank line between sentences and `-DOCSTART-` lines between documents. Tags may
//! be IOB1 (as in CoNLL-2003: `I-` unless two entities of the same type touch) or BIO: both are
//! read into the BIO tags the model uses. Scoring counts entities, not tokens: a predicted entity
//! is correct only when its span and type both match a gold one exactly, as `conlleval` does.

use super::{decode, tag, EntityType, O};
use serde::Serialize;
use std::ops::Range;

/// One sentence: words and gold BIO tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    /// The tokens.
    pub words: Vec<String>,
    /// Gold tags, converted to BIO (see [`super::tag`]).
    pub tags: Vec<usize>,
    /// Index of the document the sentence belongs to (counted from `-DOCSTART-` lines).
    pub doc: usize,
}

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a tag (`O`, `B-PER`, `I-LOC`…) into its type and prefix letter.
fn parse_tag(s: &str) -> Option<Option<(EntityType, char)>> {
    if s == "O" {
        return Some(None);
    }
    let (prefix, kind) = s.split_once('-')?;
    let p = match prefix {
        "B" | "I" | "E" | "S" => prefix.chars().next()?,
        _ => return None,
    };
    Some(Some((EntityType::parse(kind)?, p)))
}

/// Reads CoNLL text into sentences, converting IOB1 tags to BIO.
pub fn parse(text: &str) -> Result<Vec<Sentence>, ParseError> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let mut doc = 0;
    let mut prev: Option<EntityType> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.starts_with("-DOCSTART-") {
            doc += 1;
            continue;
        }
        if line.trim().is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.doc = doc;
            prev = None;
            continue;
        }
        let mut cols = line.split_whitespace();
        let (Some(word), Some(label)) = (cols.next(), cols.next_back()) else {
            return Err(ParseError {
                line: n + 1,
                message: format!("expected 'word … tag', found '{line}'"),
            });
        };
        let parsed = parse_tag(label).ok_or_else(|| ParseError {
            line: n + 1,
            message: format!("unknown tag '{label}'"),
        })?;
        let t = match parsed {
            None => O,
            Some((k, p)) => {
                let begin = p == 'B' || p == 'S' || prev != Some(k);
                tag(k, begin)
            }
        };
        prev = parsed.map(|(k, _)| k);
        cur.doc = doc;
        cur.words.push(word.to_string());
        cur.tags.push(t);
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Reads a CoNLL file (UTF-8 or Latin-1) into sentences.
pub fn read_file(path: &std::path::Path) -> crate::Result<Vec<Sentence>> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    };
    parse(&text).map_err(|e| crate::Error::BadOption {
        option: "CoNLL file".into(),
        message: format!("{}: {e}", path.display()),
    })
}

/// Precision, recall and F1 of one entity type or of all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Score {
    /// Gold entities.
    pub gold: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Predicted entities that match a gold one exactly (span and type).
    pub correct: usize,
    /// correct / predicted.
    pub precision: f64,
    /// correct / gold.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Score {
    fn finish(&mut self) {
        let div = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = div(self.correct, self.predicted);
        self.recall = div(self.correct, self.gold);
        let s = self.precision + self.recall;
        self.f1 = if s == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / s
        };
    }
}

/// An evaluation: overall and per-type scores, and token accuracy.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Sentences read.
    pub sentences: usize,
    /// Tokens read.
    pub tokens: usize,
    /// Share of tokens whose predicted tag equals the gold tag (BIO).
    pub token_accuracy: f64,
    /// All types together.
    pub overall: Score,
    /// One score per type, in [`EntityType::ALL`] order.
    pub per_type: Vec<(EntityType, Score)>,
}

/// Accumulates gold and predicted tag sequences into an [`Evaluation`].
#[derive(Debug, Default)]
pub struct Scorer {
    eval: Evaluation,
    right_tokens: usize,
    types: [Score; 4],
}

impl Scorer {
    /// An empty scorer.
    pub fn new() -> Scorer {
        Scorer::default()
    }

    /// Adds one sentence.
    pub fn add(&mut self, gold: &[usize], predicted: &[usize]) {
        self.eval.sentences += 1;
        self.eval.tokens += gold.len();
        self.right_tokens += gold.iter().zip(predicted).filter(|(a, b)| a == b).count();
        let g: Vec<(EntityType, Range<usize>)> = decode::spans(gold);
        let p: Vec<(EntityType, Range<usize>)> = decode::spans(predicted);
        for (k, _) in &g {
            self.types[k.index()].gold += 1;
        }
        for (k, r) in &p {
            let s = &mut self.types[k.index()];
            s.predicted += 1;
            if g.iter().any(|(gk, gr)| gk == k && gr == r) {
                s.correct += 1;
            }
        }
    }

    /// The final scores.
    pub fn finish(mut self) -> Evaluation {
        let mut overall = Score::default();
        for (k, s) in EntityType::ALL.iter().zip(self.types.iter_mut()) {
            s.finish();
            overall.gold += s.gold;
            overall.predicted += s.predicted;
            overall.correct += s.correct;
            self.eval.per_type.push((*k, *s));
        }
        overall.finish();
        self.eval.overall = overall;
        self.eval.token_accuracy = if self.eval.tokens == 0 {
            0.0
        } else {
            self.right_tokens as f64 / self.eval.tokens as f64
        };
        self.eval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\
German JJ I-NP I-MISC\ncall NN I-NP O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\
Smith NNP I-NP B-PER\n";

    #[test]
    fn reads_iob1_as_bio() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].words, ["EU", "rejects", "German", "call"]);
        assert_eq!(
            s[0].tags,
            [
                tag(EntityType::Org, true),
                O,
                tag(EntityType::Misc, true),
                O
            ]
        );
        // Two persons side by side: the second starts with B- in IOB1.
        let p = |b| tag(EntityType::Person, b);
        assert_eq!(s[1].tags, [p(true), p(false), p(true)]);
        assert_eq!(s[1].doc, 1);
    }

    #[test]
    fn rejects_unknown_tags() {
        let e = parse("a X-FOO\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn scores_exact_spans_only() {
        let per = |b| tag(EntityType::Person, b);
        let loc = |b| tag(EntityType::Location, b);
        let mut s = Scorer::new();
        // gold: PER[0..2], LOC[3..4]; predicted: PER[0..1] (wrong span), LOC[3..4] (right).
        s.add(
            &[per(true), per(false), O, loc(true)],
            &[per(true), O, O, loc(true)],
        );
        let e = s.finish();
        assert_eq!(
            (e.overall.gold, e.overall.predicted, e.overall.correct),
            (2, 2, 1)
        );
        assert!((e.overall.f1 - 0.5).abs() < 1e-9);
        assert_eq!(e.per_type[2].1.f1, 1.0);
        assert_eq!(e.per_type[0].1.correct, 0);
        assert_eq!(e.tokens, 4);
    }
}
