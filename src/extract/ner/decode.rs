//! Decoding: greedy left-to-right tagging under BIO constraints (twice per document when the
//! model has document-level weights), and tags → entity spans.
//!
//! Each token gets the best-scoring tag given its static features and the two tags already
//! chosen before it (a beam search over the same greedily trained weights scored far worse): an `I-X` tag is allowed only after `B-X` or `I-X`, and `B-X` not right after
//! them (two names of one type next to each other are rare; a split name is a common error).

use super::document::DocumentContext;
use super::features::{SentenceFeatures, TokenKeys, N_DYNAMIC};
use super::model::{Model, Row};
use super::{tag_parts, EntityType, N_TAGS, O};
use std::cell::RefCell;
use std::ops::Range;

/// May tag `t` follow tag `prev` in BIO? (`I-X` only after `B-X` or `I-X`.)
pub fn valid(prev: usize, t: usize) -> bool {
    match tag_parts(t) {
        Some((k, false)) => matches!(tag_parts(prev), Some((pk, _)) if pk == k),
        _ => true,
    }
}

/// May tag `t` follow tag `prev` when decoding? Stricter than [`valid`]: no `B-X` right after
/// `X` either. (Training uses [`valid`]: the strict rule helps only at decoding time.)
pub fn allowed(prev: usize, t: usize) -> bool {
    match (tag_parts(prev), tag_parts(t)) {
        // Two entities of one type never touch: `B-X` after `X` would split a name.
        (Some((pk, _)), Some((k, begin))) => (pk == k) != begin,
        (None, Some((_, begin))) => begin,
        _ => true,
    }
}

/// The best tag for these scores after `prev` that `ok` allows.
pub fn best_with(scores: &Row, prev: usize, ok: fn(usize, usize) -> bool) -> usize {
    let mut best = O;
    let mut best_score = f32::NEG_INFINITY;
    for (t, &s) in scores.iter().enumerate() {
        if s > best_score && ok(prev, t) {
            best = t;
            best_score = s;
        }
    }
    best
}

/// The best [`allowed`] tag for these scores after `prev`.
pub fn best(scores: &Row, prev: usize) -> usize {
    best_with(scores, prev, allowed)
}

/// Reusable per-thread buffers for [`tag_document`].
#[derive(Default)]
struct Buffers {
    feats: SentenceFeatures,
    statics: Vec<u32>,
    lower: String,
    /// Per token of the document: keys, static scores, whether those were computed.
    keys: Vec<TokenKeys>,
    scores: Vec<Row>,
    scored: Vec<bool>,
    context: DocumentContext,
    doc_feats: Vec<u32>,
    first: Vec<usize>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// BIO tags of one tokenized sentence, taken as a document of its own.
pub fn tag_sentence(model: &Model, words: &[&str]) -> Vec<usize> {
    tag_document(model, words, std::slice::from_ref(&(0..words.len())))
}

/// BIO tags of one tokenized document: `words` are its tokens and `sentences` the token ranges
/// of its sentences, in order.
///
/// Each token is scored on its static and dynamic features and gets the best allowed tag,
/// except that a *plain* token (no
/// capital letter, in no gazetteer entry: punctuation, numbers, lowercase words) after `O` is
/// tagged `O` without being scored, and its features are never computed. In running news text
/// most tokens are plain; an entity almost never starts with one (`von Braun`, `de Gaulle`
/// would), and inside an entity (`Bank of America`) the token follows a non-`O` tag and is
/// scored as usual. On CoNLL-2003 dev this changes no F1 digit (see the test below).
///
/// When the model has document-level weights ([`Model::doc_features`]), the document is tagged
/// twice: the second pass adds the features of [`super::document`] computed from the first
/// pass's tags. It reuses the first pass's static scores, so it costs a few lookups per
/// capitalized token.
pub fn tag_document(model: &Model, words: &[&str], sentences: &[Range<usize>]) -> Vec<usize> {
    let mut out = Vec::with_capacity(words.len());
    BUFFERS.with(|b| {
        let b = &mut *b.borrow_mut();
        let Buffers {
            feats,
            statics,
            lower,
            keys,
            scores,
            scored,
            context,
            doc_feats,
            first,
        } = b;
        keys.clear();
        scores.clear();
        scored.clear();
        let second = model.doc_features != 0;
        let tags = if second { &mut *first } else { &mut out };
        tags.clear();
        for r in sentences {
            let ws = &words[r.clone()];
            feats.compute_tokens(ws, &model.gazetteer, &model.lexicon);
            let (mut prev, mut prev2) = (O, O);
            for i in 0..ws.len() {
                let k = feats.keys(i);
                keys.push(k);
                let t = if prev == O && k.plain {
                    scores.push([0.0; N_TAGS]);
                    scored.push(false);
                    O
                } else {
                    statics.clear();
                    feats.token_features(ws, i, &model.lexicon, lower, statics);
                    let mut s = [0f32; N_TAGS];
                    model.add_scores(statics, &mut s);
                    scores.push(s);
                    scored.push(true);
                    let mut dynamic = [0u32; N_DYNAMIC];
                    k.dynamic(prev, prev2, &mut dynamic);
                    model.add_scores(&dynamic, &mut s);
                    best(&s, prev)
                };
                tags.push(t);
                prev2 = prev;
                prev = t;
            }
        }
        if !second {
            return;
        }
        context.fill(keys, first, sentences);
        for r in sentences {
            let mut computed = false;
            let (mut prev, mut prev2) = (O, O);
            for g in r.clone() {
                let k = keys[g];
                let t = if prev == O && k.plain {
                    O
                } else {
                    if !scored[g] {
                        // A plain token the first pass skipped now follows a name.
                        let ws = &words[r.clone()];
                        if !computed {
                            feats.compute_tokens(ws, &model.gazetteer, &model.lexicon);
                            computed = true;
                        }
                        statics.clear();
                        feats.token_features(ws, g - r.start, &model.lexicon, lower, statics);
                        let mut s = [0f32; N_TAGS];
                        model.add_scores(statics, &mut s);
                        scores[g] = s;
                        scored[g] = true;
                    }
                    let mut s = scores[g];
                    let mut dynamic = [0u32; N_DYNAMIC];
                    k.dynamic(prev, prev2, &mut dynamic);
                    model.add_scores(&dynamic, &mut s);
                    doc_feats.clear();
                    context.features(g, &k, model.doc_features, doc_feats);
                    model.add_scores(doc_feats, &mut s);
                    best(&s, prev)
                };
                out.push(t);
                prev2 = prev;
                prev = t;
            }
        }
    });
    out
}

/// Entity spans (token ranges) of a tag sequence, as conlleval reads them: an entity starts at
/// `B-X`, or at `I-X` after `O` or another type, and goes on over `I-X`.
pub fn spans(tags: &[usize]) -> Vec<(EntityType, Range<usize>)> {
    let mut out = Vec::new();
    let mut cur: Option<(EntityType, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let parts = tag_parts(t);
        let continues = matches!((cur, parts), (Some((ck, _)), Some((k, false))) if ck == k);
        if continues {
            continue;
        }
        if let Some((k, s)) = cur.take() {
            out.push((k, s..i));
        }
        if let Some((k, _)) = parts {
            cur = Some((k, i));
        }
    }
    if let Some((k, s)) = cur {
        out.push((k, s..tags.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tag;
    use super::*;

    #[test]
    fn spans_follow_conlleval() {
        let per = |b| tag(EntityType::Person, b);
        let org = |b| tag(EntityType::Org, b);
        let t = [per(false), per(false), per(true), O, org(false), per(false)];
        assert_eq!(
            spans(&t),
            vec![
                (EntityType::Person, 0..2),
                (EntityType::Person, 2..3),
                (EntityType::Org, 4..5),
                (EntityType::Person, 5..6),
            ]
        );
    }

    #[test]
    fn inside_needs_same_type_before() {
        let per = |b| tag(EntityType::Person, b);
        assert!(!allowed(O, per(false)));
        assert!(allowed(per(true), per(false)));
        assert!(!allowed(tag(EntityType::Org, true), per(false)));
        assert!(!allowed(per(false), per(true)));
        assert!(valid(per(false), per(true)));
        assert!(allowed(per(false), tag(EntityType::Org, true)));
        let mut s = [0f32; N_TAGS];
        s[per(false)] = 5.0;
        s[per(true)] = 1.0;
        assert_eq!(best(&s, O), per(true));
    }
}
