//! Training: an averaged perceptron over the greedy decoder.
//!
//! Each epoch visits the training sentences in a shuffled (seeded, so reproducible) order and
//! tags them left to right with the current weights; at every wrong tag the features of the
//! token (including the tag-dependent ones, with the tags actually chosen) move towards the gold
//! tag and away from the guess. The final weights are the average over all steps, kept lazily.
//!
//! The gazetteer is built from the training entities. So that the model does not learn to
//! trust it blindly (every training entity is in it), each sentence is featurized during
//! training with a gazetteer built from the *other* documents (jackknife over `folds`).
//!
//! With document-level features ([`TrainOptions::doc_features`], see [`super::document`]) a
//! second stage is stacked on the first: the training documents are split into
//! `stack_folds` parts, a first-stage model is trained without each part and tags it, and the
//! second stage learns the weights of the document-level features from those out-of-fold tags
//! (a perceptron over them alone; its weights, times `doc_weight`, are added to the first
//! stage's). The shipped model is the first stage trained on everything plus these weights, so
//! at tagging time the second pass sees first-pass tags as noisy as it was trained on.

use super::conll::{Evaluation, Scorer, Sentence};
use super::decode::{best_with, valid};
use super::document::DocumentContext;
use super::features::{SentenceFeatures, N_DYNAMIC};
use super::gazetteer::Gazetteer;
use super::lexicon::Lexicon;
use super::model::{IdMap, Model, Row};
use super::{decode, tag_parts, N_TAGS};

/// The document-level feature groups of the shipped model (chosen by 5-fold cross-validation
/// on eng.train; see [`super::document`] for what else was tried).
pub const DOC_FEATURES: u32 = super::document::EXACT
    | super::document::LOWER
    | super::document::LONGER
    | super::document::FIRST;

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Jackknife folds for the gazetteer features (0 or 1: the full gazetteer everywhere; no
    /// gazetteer at all when `use_gazetteer` is false).
    pub folds: usize,
    /// Whether to build and use a gazetteer.
    pub use_gazetteer: bool,
    /// Averaged weights smaller than this (in absolute value) are dropped from the model.
    pub prune: f32,
    /// Lexicon learned from unlabeled text (empty: no lexicon features).
    pub lexicon: Lexicon,
    /// Names from public lists (tokens, type index), added to every gazetteer: the full one
    /// and each jackknife fold's, so that training sees them as the recognizer will.
    pub lists: Vec<(Vec<String>, usize)>,
    /// Document-level feature groups of the second stage (0: no second stage).
    pub doc_features: u32,
    /// Jackknife folds (by document) for the second stage's first-pass tags.
    pub stack_folds: usize,
    /// Passes of the second stage over the training data.
    pub stack_epochs: usize,
    /// Scale of the second stage's weights where they join the first stage's: how much the
    /// document's say counts against the sentence's.
    pub doc_weight: f32,
    /// Models trained with seeds `seed`, `seed + 1`…, whose weights are averaged into one
    /// model (1: a single model). The average is one model of the same size and speed.
    pub ensemble: usize,
    /// Share of a token's features left out at each training step of the first stage
    /// (chosen afresh each time, reproducibly from the seed; 0: none), so that no feature
    /// (the word itself, say) carries a decision alone.
    pub dropout: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            seed: 1,
            folds: 10,
            use_gazetteer: true,
            prune: 0.0,
            lexicon: Lexicon::default(),
            lists: Vec::new(),
            doc_features: DOC_FEATURES,
            stack_folds: 5,
            stack_epochs: 5,
            doc_weight: 3.0,
            ensemble: 1,
            dropout: 0.0,
        }
    }
}

/// What one epoch gave.
#[derive(Debug, Clone)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Share of training tokens tagged wrong during the epoch.
    pub train_error: f64,
    /// Evaluation of the averaged weights on the dev set, when one was given.
    pub dev: Option<Evaluation>,
}

#[derive(Clone, Copy)]
struct Weight {
    w: Row,
    acc: [f64; N_TAGS],
    stamp: [u32; N_TAGS],
}

struct Trainer {
    index: IdMap<u32>,
    weights: Vec<Weight>,
    step: u32,
}

impl Trainer {
    fn score(&self, feats: &[u32], s: &mut Row) {
        for f in feats {
            if let Some(&i) = self.index.get(f) {
                for (x, w) in s.iter_mut().zip(&self.weights[i as usize].w) {
                    *x += w;
                }
            }
        }
    }

    fn update(&mut self, feats: &[u32], t: usize, v: f32) {
        for f in feats {
            let n = self.weights.len() as u32;
            let i = *self.index.entry(*f).or_insert(n);
            if i == n {
                self.weights.push(Weight {
                    w: [0.0; N_TAGS],
                    acc: [0.0; N_TAGS],
                    stamp: [0; N_TAGS],
                });
            }
            let wt = &mut self.weights[i as usize];
            wt.acc[t] += f64::from(self.step - wt.stamp[t]) * f64::from(wt.w[t]);
            wt.stamp[t] = self.step;
            wt.w[t] += v;
        }
    }

    fn averaged_rows(&self, prune: f32) -> impl Iterator<Item = (u32, Row)> + '_ {
        let total = f64::from(self.step.max(1));
        self.index.iter().filter_map(move |(k, &i)| {
            let wt = &self.weights[i as usize];
            let mut r = [0f32; N_TAGS];
            for (t, x) in r.iter_mut().enumerate() {
                let acc = wt.acc[t] + f64::from(self.step - wt.stamp[t]) * f64::from(wt.w[t]);
                let a = (acc / total) as f32;
                *x = if a.abs() < prune { 0.0 } else { a };
            }
            r.iter().any(|&x| x != 0.0).then_some((*k, r))
        })
    }

    fn averaged(&self, gazetteer: Gazetteer, lexicon: Lexicon, prune: f32) -> Model {
        Model::from_rows(self.averaged_rows(prune), gazetteer, lexicon)
    }

    fn new() -> Trainer {
        Trainer {
            index: IdMap::default(),
            weights: Vec::new(),
            step: 0,
        }
    }
}

/// Shuffles `order` in place (xorshift, so reproducible from the state `rng`).
fn shuffle(order: &mut [usize], rng: &mut u64) {
    for i in (1..order.len()).rev() {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        order.swap(i, (*rng % (i as u64 + 1)) as usize);
    }
}

/// The documents of `sentences`: ranges of consecutive sentences with the same `doc`.
pub fn documents(sentences: &[Sentence]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        match out.last_mut() {
            Some(r) if sentences[r.start].doc == s.doc => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// Tags a run of sentences as one document; returns the tags of each sentence.
fn tag_sentences(model: &Model, sentences: &[Sentence]) -> Vec<Vec<usize>> {
    let mut words: Vec<&str> = Vec::new();
    let mut ranges = Vec::with_capacity(sentences.len());
    for s in sentences {
        let start = words.len();
        words.extend(s.words.iter().map(String::as_str));
        ranges.push(start..words.len());
    }
    let tags = super::decode::tag_document(model, &words, &ranges);
    ranges.into_iter().map(|r| tags[r].to_vec()).collect()
}

/// A gazetteer of the entities in `sentences` (those for which `keep` is true).
pub fn build_gazetteer(sentences: &[Sentence], keep: impl Fn(&Sentence) -> bool) -> Gazetteer {
    let mut g = Gazetteer::new();
    for s in sentences.iter().filter(|s| keep(s)) {
        for (k, r) in decode::spans(&s.tags) {
            let words: Vec<&str> = s.words[r].iter().map(String::as_str).collect();
            g.add(&words, k.index());
        }
    }
    g
}

/// Reads a name list: one `TYPE<TAB>name` per line (`PER`, `ORG`, `LOC`, `MISC`; `#` starts a
/// comment line), each name tokenized as the recognizer tokenizes text.
pub fn read_list(text: &str) -> Result<Vec<(Vec<String>, usize)>, super::conll::ParseError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let parsed = line
            .split_once('\t')
            .and_then(|(t, name)| Some((super::gazetteer::parse_kind(t)?, name.trim())));
        let Some((kind, name)) = parsed else {
            return Err(super::conll::ParseError {
                line: n + 1,
                message: format!("expected 'KIND<TAB>name' (KIND: PER, ORG, LOC, MISC, FIRST, LAST, CITY or BRAND), found '{line}'"),
            });
        };
        let words: Vec<String> = super::tokenize::sentences(name)
            .iter()
            .flat_map(|s| s.tokens.iter().map(|r| name[r.clone()].to_string()))
            .collect();
        if !words.is_empty() {
            out.push((words, kind));
        }
    }
    Ok(out)
}

/// Evaluates a model on gold sentences, tagging each document as ingest tags an article
/// ([`super::decode::tag_document`]).
pub fn evaluate(model: &Model, sentences: &[Sentence]) -> Evaluation {
    let mut scorer = Scorer::new();
    for d in documents(sentences) {
        let doc = &sentences[d];
        for (s, tags) in doc.iter().zip(tag_sentences(model, doc)) {
            scorer.add(&s.tags, &tags);
        }
    }
    scorer.finish()
}

/// Trains a model (both stages when `opts.doc_features` is set); `progress` is called after
/// every epoch of each stage.
pub fn train(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    progress: impl FnMut(&EpochReport),
) -> Model {
    train_stages(train, dev, opts, progress).1
}

/// Trains the first stage and, when `opts.doc_features` is set, the second: returns the first
/// stage alone and the final model (the same when there is no second stage).
pub fn train_stages(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    mut progress: impl FnMut(&EpochReport),
) -> (Model, Model) {
    if opts.ensemble > 1 {
        let members: Vec<(Model, Model)> = (0..opts.ensemble as u64)
            .map(|i| {
                let one = TrainOptions {
                    seed: opts.seed + i,
                    ensemble: 1,
                    ..opts.clone()
                };
                train_one(train, dev, &one, &mut progress)
            })
            .collect();
        return (
            Model::average(members.iter().map(|m| &m.0)),
            Model::average(members.iter().map(|m| &m.1)),
        );
    }
    train_one(train, dev, opts, &mut progress)
}

/// [`train_stages`] of one model (`opts.ensemble` left aside).
fn train_one(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    mut progress: &mut dyn FnMut(&EpochReport),
) -> (Model, Model) {
    let first = train_first_stage(train, dev, opts, &mut progress);
    if opts.doc_features == 0 {
        return (first.clone(), first);
    }
    let second = train_second_stage(train, dev, opts, &first, &mut progress);
    (first, second)
}

/// Jackknifes the first stage over `opts.stack_folds` parts of the documents: the
/// document-level features of every training token (in sentence order, concatenated; `ends`
/// says where each token's end), computed from the tags of a first-stage model that did not see
/// its document.
fn stack(train: &[Sentence], opts: &TrainOptions) -> (Vec<u32>, Vec<usize>) {
    let docs = documents(train);
    let folds = opts.stack_folds.max(2);
    let single = TrainOptions {
        doc_features: 0,
        ..opts.clone()
    };
    let mut start = Vec::with_capacity(train.len());
    let mut n = 0;
    for s in train {
        start.push(n);
        n += s.words.len();
    }
    let mut per_token: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut sf = SentenceFeatures::new();
    let mut ctx = DocumentContext::new();
    let (mut keys, mut tags, mut ranges) = (Vec::new(), Vec::new(), Vec::new());
    for f in 0..folds {
        let rest: Vec<Sentence> = docs
            .iter()
            .enumerate()
            .filter(|(d, _)| d % folds != f)
            .flat_map(|(_, r)| train[r.clone()].iter().cloned())
            .collect();
        let m = train_first_stage(&rest, None, &single, &mut |_: &EpochReport| {});
        for (_, r) in docs.iter().enumerate().filter(|(d, _)| d % folds == f) {
            let doc = &train[r.clone()];
            keys.clear();
            tags.clear();
            ranges.clear();
            for (s, t) in doc.iter().zip(tag_sentences(&m, doc)) {
                let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
                sf.compute_tokens(&words, &m.gazetteer, &m.lexicon);
                keys.extend((0..words.len()).map(|i| sf.keys(i)));
                ranges.push(tags.len()..tags.len() + t.len());
                tags.extend(t);
            }
            ctx.fill(&keys, &tags, &ranges);
            let offset = start[r.start];
            for (i, k) in keys.iter().enumerate() {
                ctx.features(i, k, opts.doc_features, &mut per_token[offset + i]);
            }
        }
    }
    let mut feats = Vec::new();
    let mut ends = Vec::with_capacity(n);
    for f in per_token {
        feats.extend(f);
        ends.push(feats.len());
    }
    (feats, ends)
}

/// The tags of `t`'s type: `O` alone, or `B-X` and `I-X`.
fn same_type(t: usize) -> Vec<usize> {
    match tag_parts(t) {
        None => vec![super::O],
        Some((k, _)) => vec![super::tag(k, true), super::tag(k, false)],
    }
}

/// Learns the weights of the document-level features (see the module doc) and returns them,
/// times `opts.doc_weight`, added to `first`.
///
/// They are learned by a perceptron of their own that sees only them, not on top of the
/// first stage's scores: stacked on those, they learned corrections (the first pass's majority
/// for a word counting *against* its type, since they changed weights only where the first
/// stage erred, mostly with the majority), which scored better by CV but found wrong types on
/// web text (the `ner_precision` fixture: 0.67, under its floor). Alone, "the other
/// occurrences are persons" means a person. The document says what a word is, not where its
/// name starts: an update moves `B-X` and `I-X` together, and none is made when only the
/// boundary is wrong.
fn train_second_stage(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    first: &Model,
    progress: &mut impl FnMut(&EpochReport),
) -> Model {
    let (feats, ends) = stack(train, opts);
    let token = |g: usize| &feats[if g == 0 { 0 } else { ends[g - 1] }..ends[g]];
    let gold: Vec<usize> = train.iter().flat_map(|s| s.tags.iter().copied()).collect();
    let mut t = Trainer::new();
    let mut order: Vec<usize> = (0..gold.len()).filter(|&g| !token(g).is_empty()).collect();
    let mut rng = opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let with_weights = |t: &Trainer| {
        let mut m = first.clone();
        m.add_rows(t.averaged_rows(opts.prune).map(|(k, mut r)| {
            r.iter_mut().for_each(|x| *x *= opts.doc_weight);
            (k, r)
        }));
        m.doc_features = opts.doc_features;
        m
    };
    for epoch in 1..=opts.stack_epochs {
        shuffle(&mut order, &mut rng);
        let mut wrong = 0usize;
        for &g in &order {
            let f = token(g);
            t.step += 1;
            let mut sc = [0f32; N_TAGS];
            t.score(f, &mut sc);
            let mut guess = super::O;
            for (k, &x) in sc.iter().enumerate() {
                if x > sc[guess] {
                    guess = k;
                }
            }
            if tag_parts(gold[g]).map(|(k, _)| k) != tag_parts(guess).map(|(k, _)| k) {
                wrong += 1;
                for x in same_type(gold[g]) {
                    t.update(f, x, 1.0);
                }
                for x in same_type(guess) {
                    t.update(f, x, -1.0);
                }
            }
        }
        let dev_eval = dev.map(|d| evaluate(&with_weights(&t), d));
        progress(&EpochReport {
            epoch: opts.epochs + epoch,
            train_error: wrong as f64 / order.len().max(1) as f64,
            dev: dev_eval,
        });
    }
    with_weights(&t)
}

/// Trains the first stage (sentence features only); `progress` is called after every epoch.
fn train_first_stage(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    progress: &mut impl FnMut(&EpochReport),
) -> Model {
    let with_lists = |mut g: Gazetteer| {
        for (words, kind) in &opts.lists {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            g.add(&words, *kind);
        }
        g
    };
    let full = if opts.use_gazetteer {
        with_lists(build_gazetteer(train, |_| true))
    } else {
        Gazetteer::new()
    };
    let folds = if opts.use_gazetteer { opts.folds } else { 0 };
    let fold_gaz: Vec<Gazetteer> = (0..folds.max(1))
        .map(|f| {
            if folds <= 1 {
                full.clone()
            } else {
                with_lists(build_gazetteer(train, |s| s.doc % folds != f))
            }
        })
        .collect();
    let featurized: Vec<SentenceFeatures> = train
        .iter()
        .map(|s| {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            let mut f = SentenceFeatures::new();
            f.compute(&words, &fold_gaz[s.doc % fold_gaz.len()], &opts.lexicon);
            f
        })
        .collect();
    let mut t = Trainer::new();
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut rng = opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut dynamic = [0u32; N_DYNAMIC];
    let mut kept: Vec<u32> = Vec::new();
    // Features are dropped when a hash of (seed, step, feature) falls under this.
    let drop_below = (f64::from(opts.dropout.clamp(0.0, 1.0)) * u64::MAX as f64) as u64;
    let seed = opts.seed.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    for epoch in 1..=opts.epochs {
        shuffle(&mut order, &mut rng);
        let (mut wrong, mut total) = (0usize, 0usize);
        for &si in &order {
            let (s, f) = (&train[si], &featurized[si]);
            let (mut prev, mut prev2) = (super::O, super::O);
            for (i, &gold) in s.tags.iter().enumerate() {
                t.step += 1;
                f.dynamic(i, prev, prev2, &mut dynamic);
                let mut feats = f.statics(i);
                let mut dynamic: &[u32] = &dynamic;
                if drop_below > 0 {
                    // Static and tag features alike, so that the weights keep their balance
                    // when every feature is used at tagging time.
                    let step = u64::from(t.step).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed;
                    let keep = |x: &&u32| super::features::mix(step ^ u64::from(**x)) >= drop_below;
                    kept.clear();
                    kept.extend(feats.iter().filter(keep));
                    let n = kept.len();
                    kept.extend(dynamic.iter().filter(keep));
                    (feats, dynamic) = kept.split_at(n);
                }
                let mut sc = [0f32; N_TAGS];
                t.score(feats, &mut sc);
                t.score(dynamic, &mut sc);
                let guess = best_with(&sc, prev, valid);
                total += 1;
                if guess != gold {
                    wrong += 1;
                    t.update(feats, gold, 1.0);
                    t.update(dynamic, gold, 1.0);
                    t.update(feats, guess, -1.0);
                    t.update(dynamic, guess, -1.0);
                }
                prev2 = prev;
                prev = guess;
            }
        }
        let dev_eval = dev.map(|d| {
            evaluate(
                &t.averaged(full.clone(), opts.lexicon.clone(), opts.prune),
                d,
            )
        });
        progress(&EpochReport {
            epoch,
            train_error: wrong as f64 / total.max(1) as f64,
            dev: dev_eval,
        });
    }
    t.averaged(full, opts.lexicon.clone(), opts.prune)
}

/// The fold of document `doc` of `docs`: `doc mod folds`, or with `blocks` the run of consecutive
/// documents it falls in.
fn fold_of(doc: usize, docs: usize, folds: usize, blocks: bool) -> usize {
    if blocks {
        doc * folds / docs.max(1)
    } else {
        doc % folds
    }
}

/// A cross-validation: one evaluation per fold.
#[derive(Debug, Clone, Default)]
pub struct CrossValidation {
    /// The evaluation of each fold's held-out documents, in fold order.
    pub folds: Vec<Evaluation>,
    /// With a second stage, the evaluation of each fold's first stage alone.
    pub first_stage: Vec<Evaluation>,
}

/// Mean and sample standard deviation.
pub fn mean_sd(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

impl CrossValidation {
    /// Mean and standard deviation over the folds of one figure of their evaluations.
    pub fn mean_sd(&self, figure: impl Fn(&Evaluation) -> f64) -> (f64, f64) {
        mean_sd(&self.folds.iter().map(figure).collect::<Vec<_>>())
    }
}

/// K-fold cross-validation by document: fold `f` holds out the documents whose index is `f`
/// modulo `folds`, trains on the others with `opts` (gazetteer from the training documents only;
/// the second stage's jackknife, too, within them) and scores the held-out ones. `progress` gets
/// each fold's number, evaluation and, with a second stage, the first stage's.
/// With `blocks`, fold `f` is instead the `f`-th of `folds` runs of consecutive documents: the
/// stories of a few days stay on one side, as they do for a test set written later, so the
/// estimate is not helped by names that neighbouring documents share.
pub fn cross_validate(
    data: &[Sentence],
    folds: usize,
    blocks: bool,
    opts: &TrainOptions,
    mut progress: impl FnMut(usize, &Evaluation, Option<&Evaluation>),
) -> CrossValidation {
    let folds = folds.max(2);
    let docs = data.iter().map(|s| s.doc + 1).max().unwrap_or(1);
    let fold_of = |doc: usize| fold_of(doc, docs, folds, blocks);
    let mut cv = CrossValidation::default();
    for f in 0..folds {
        let (held, rest): (Vec<Sentence>, Vec<Sentence>) =
            data.iter().cloned().partition(|s| fold_of(s.doc) == f);
        let (first, model) = train_stages(&rest, None, opts, |_| {});
        let e = evaluate(&model, &held);
        let e1 = (opts.doc_features != 0).then(|| evaluate(&first, &held));
        progress(f, &e, e1.as_ref());
        cv.folds.push(e);
        cv.first_stage.extend(e1);
    }
    cv
}

#[cfg(test)]
mod tests {
    use super::super::conll::parse;
    use super::*;

    /// Three documents (with `-DOCSTART-` lines when `docs`) of three sentences each.
    fn toy_corpus(docs: bool) -> Vec<Sentence> {
        let mut text = String::new();
        for (name, place) in [("Smith", "Paris"), ("Jones", "Rome"), ("Brown", "Oslo")] {
            if docs {
                text.push_str("-DOCSTART- O\n\n");
            }
            for _ in 0..3 {
                text.push_str(&format!(
                    "Mr O\n{name} I-PER\nflew O\nto O\n{place} I-LOC\n. O\n\n"
                ));
            }
        }
        parse(&text).unwrap()
    }

    /// Options for the sentence tagger alone, with the full gazetteer: `epochs` epochs.
    fn sentence_tagger(epochs: usize) -> TrainOptions {
        TrainOptions {
            epochs,
            folds: 0,
            doc_features: 0,
            ..TrainOptions::default()
        }
    }

    #[test]
    fn learns_a_toy_corpus() {
        let data = toy_corpus(false);
        let opts = sentence_tagger(5);
        let m = train(&data, None, &opts, |_| {});
        let e = evaluate(&m, &data);
        assert_eq!(e.overall.f1, 1.0);
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(evaluate(&back, &data).overall.f1, 1.0);
    }

    #[test]
    fn dropout_is_reproducible_and_still_learns() {
        let data = toy_corpus(false);
        let opts = TrainOptions {
            dropout: 0.2,
            ..sentence_tagger(8)
        };
        let m = train(&data, None, &opts, |_| {});
        assert_eq!(evaluate(&m, &data).overall.f1, 1.0);
        let again = train(&data, None, &opts, |_| {});
        assert_eq!(m.to_bytes(), again.to_bytes(), "same seed, same model");
        let plain = train(
            &data,
            None,
            &TrainOptions {
                dropout: 0.0,
                ..opts
            },
            |_| {},
        );
        assert_ne!(m.to_bytes(), plain.to_bytes(), "features were left out");
    }

    #[test]
    fn the_second_stage_is_trained_and_kept_reproducibly() {
        let data = toy_corpus(true);
        assert_eq!(documents(&data), vec![0..3, 3..6, 6..9]);
        let opts = TrainOptions {
            epochs: 3,
            folds: 0,
            doc_features: super::super::document::EXACT | super::super::document::LONGER,
            stack_folds: 3,
            stack_epochs: 2,
            ..TrainOptions::default()
        };
        let mut epochs = Vec::new();
        let (first, m) = train_stages(&data, None, &opts, |r| epochs.push(r.epoch));
        assert_eq!(
            epochs,
            [1, 2, 3, 4, 5],
            "three first-stage epochs, then two"
        );
        assert_eq!(first.doc_features, 0);
        assert_eq!(m.doc_features, opts.doc_features);
        assert_eq!(evaluate(&m, &data).overall.f1, 1.0);
        let bytes = m.to_bytes();
        assert_eq!(train(&data, None, &opts, |_| {}).to_bytes(), bytes);
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.doc_features, opts.doc_features);
        assert_eq!(evaluate(&back, &data).overall.f1, 1.0);
    }

    #[test]
    fn an_ensemble_is_the_average_of_its_seeds_models() {
        let data = toy_corpus(true);
        let opts = TrainOptions {
            epochs: 2,
            folds: 0,
            doc_features: super::super::document::EXACT,
            stack_folds: 3,
            stack_epochs: 1,
            ..TrainOptions::default()
        };
        let seeded = |seed| {
            let one = TrainOptions {
                seed,
                ..opts.clone()
            };
            train(&data, None, &one, |_| {})
        };
        let members = [seeded(5), seeded(6), seeded(7)];
        let three = TrainOptions {
            seed: 5,
            ensemble: 3,
            ..opts.clone()
        };
        let mut epochs = 0;
        let (first, m) = train_stages(&data, None, &three, |_| epochs += 1);
        assert_eq!(epochs, 3 * 3, "each member's epochs, both stages");
        assert_eq!(m.to_bytes(), Model::average(&members).to_bytes());
        assert_eq!(m.doc_features, opts.doc_features);
        assert_eq!(first.doc_features, 0);
        assert_eq!(evaluate(&m, &data).overall.f1, 1.0);
        // The members differ (their seeds shuffle differently), so the average is none of them.
        assert!(members.iter().all(|x| x.to_bytes() != m.to_bytes()));
        assert_eq!(train(&data, None, &three, |_| {}).to_bytes(), m.to_bytes());
    }

    #[test]
    fn cross_validation_holds_out_whole_documents() {
        let data = toy_corpus(true);
        let opts = sentence_tagger(3);
        let mut seen = Vec::new();
        let cv = cross_validate(&data, 3, false, &opts, |f, e, _| {
            seen.push((f, e.sentences))
        });
        assert_eq!(
            seen,
            [(0, 3), (1, 3), (2, 3)],
            "each fold holds out one document"
        );
        let (mean, sd) = cv.mean_sd(|e| e.overall.gold as f64);
        assert_eq!((mean, sd), (6.0, 0.0));
        assert_eq!(mean_sd(&[1.0, 3.0]), (2.0, 2f64.sqrt()));
    }

    #[test]
    fn blocked_folds_are_runs_of_consecutive_documents() {
        let folds = |blocks| -> Vec<usize> { (0..7).map(|d| fold_of(d, 7, 3, blocks)).collect() };
        assert_eq!(folds(false), [0, 1, 2, 0, 1, 2, 0]);
        assert_eq!(folds(true), [0, 0, 0, 1, 1, 2, 2]);
    }
}
