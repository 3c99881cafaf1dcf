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

use super::conll::{Evaluation, Scorer, Sentence};
use super::decode::{best_with, valid};
use super::features::{SentenceFeatures, N_DYNAMIC};
use super::gazetteer::Gazetteer;
use super::lexicon::Lexicon;
use super::model::{IdMap, Model, Row};
use super::{decode, N_TAGS};

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

    fn averaged(&self, gazetteer: Gazetteer, lexicon: Lexicon, prune: f32) -> Model {
        let total = f64::from(self.step.max(1));
        let rows = self.index.iter().filter_map(|(k, &i)| {
            let wt = &self.weights[i as usize];
            let mut r = [0f32; N_TAGS];
            for (t, x) in r.iter_mut().enumerate() {
                let acc = wt.acc[t] + f64::from(self.step - wt.stamp[t]) * f64::from(wt.w[t]);
                let a = (acc / total) as f32;
                *x = if a.abs() < prune { 0.0 } else { a };
            }
            r.iter().any(|&x| x != 0.0).then_some((*k, r))
        });
        Model::from_rows(rows, gazetteer, lexicon)
    }
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
            .and_then(|(t, name)| Some((super::EntityType::parse(t)?, name.trim())));
        let Some((kind, name)) = parsed else {
            return Err(super::conll::ParseError {
                line: n + 1,
                message: format!("expected 'TYPE<TAB>name', found '{line}'"),
            });
        };
        let words: Vec<String> = super::tokenize::sentences(name)
            .iter()
            .flat_map(|s| s.tokens.iter().map(|r| name[r.clone()].to_string()))
            .collect();
        if !words.is_empty() {
            out.push((words, kind.index()));
        }
    }
    Ok(out)
}

/// Evaluates a model on gold sentences, tagging them as ingest does
/// ([`super::decode::tag_sentence`]).
pub fn evaluate(model: &Model, sentences: &[Sentence]) -> Evaluation {
    let mut scorer = Scorer::new();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        scorer.add(&s.tags, &super::decode::tag_sentence(model, &words));
    }
    scorer.finish()
}

/// Trains a model; `progress` is called after every epoch.
pub fn train(
    train: &[Sentence],
    dev: Option<&[Sentence]>,
    opts: &TrainOptions,
    mut progress: impl FnMut(&EpochReport),
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
    let mut t = Trainer {
        index: IdMap::default(),
        weights: Vec::new(),
        step: 0,
    };
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut rng = opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut dynamic = [0u32; N_DYNAMIC];
    for epoch in 1..=opts.epochs {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let (mut wrong, mut total) = (0usize, 0usize);
        for &si in &order {
            let (s, f) = (&train[si], &featurized[si]);
            let (mut prev, mut prev2) = (super::O, super::O);
            for (i, &gold) in s.tags.iter().enumerate() {
                t.step += 1;
                f.dynamic(i, prev, prev2, &mut dynamic);
                let mut sc = [0f32; N_TAGS];
                t.score(f.statics(i), &mut sc);
                t.score(&dynamic, &mut sc);
                let guess = best_with(&sc, prev, valid);
                total += 1;
                if guess != gold {
                    wrong += 1;
                    t.update(f.statics(i), gold, 1.0);
                    t.update(&dynamic, gold, 1.0);
                    t.update(f.statics(i), guess, -1.0);
                    t.update(&dynamic, guess, -1.0);
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

/// A cross-validation: one evaluation per fold.
#[derive(Debug, Clone, Default)]
pub struct CrossValidation {
    /// The evaluation of each fold's held-out documents, in fold order.
    pub folds: Vec<Evaluation>,
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
/// modulo `folds`, trains on the others with `opts` (gazetteer from the training documents only)
/// and scores the held-out ones. `progress` gets each fold's number and evaluation.
pub fn cross_validate(
    data: &[Sentence],
    folds: usize,
    opts: &TrainOptions,
    mut progress: impl FnMut(usize, &Evaluation),
) -> CrossValidation {
    let folds = folds.max(2);
    let mut cv = CrossValidation::default();
    for f in 0..folds {
        let (held, rest): (Vec<Sentence>, Vec<Sentence>) =
            data.iter().cloned().partition(|s| s.doc % folds == f);
        let model = train(&rest, None, opts, |_| {});
        let e = evaluate(&model, &held);
        progress(f, &e);
        cv.folds.push(e);
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

    #[test]
    fn learns_a_toy_corpus() {
        let data = toy_corpus(false);
        let opts = TrainOptions {
            epochs: 5,
            folds: 0,
            ..TrainOptions::default()
        };
        let m = train(&data, None, &opts, |_| {});
        let e = evaluate(&m, &data);
        assert_eq!(e.overall.f1, 1.0);
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(evaluate(&back, &data).overall.f1, 1.0);
    }

    #[test]
    fn cross_validation_holds_out_whole_documents() {
        let data = toy_corpus(true);
        let opts = TrainOptions {
            epochs: 3,
            folds: 0,
            ..TrainOptions::default()
        };
        let mut seen = Vec::new();
        let cv = cross_validate(&data, 3, &opts, |f, e| seen.push((f, e.sentences)));
        assert_eq!(
            seen,
            [(0, 3), (1, 3), (2, 3)],
            "each fold holds out one document"
        );
        let (mean, sd) = cv.mean_sd(|e| e.overall.gold as f64);
        assert_eq!((mean, sd), (6.0, 0.0));
        assert_eq!(mean_sd(&[1.0, 3.0]), (2.0, 2f64.sqrt()));
    }
}
