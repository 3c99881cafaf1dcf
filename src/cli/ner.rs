//! `morgue ner train|eval|tag`: train, score and try the named-entity recognizer.

use super::common::{print_json, print_text, print_timed, timed, Ctx};
use super::exit;
use morgue::extract::ner::{conll, lexicon, model, train, Recognizer};
use morgue::present;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// Train, evaluate or try the named-entity recognizer.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: NerCommand,
}

/// `morgue ner` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum NerCommand {
    /// Train a model on CoNLL data (reproducible: same data and options, same model).
    Train(TrainArgs),
    /// Score the recognizer on a CoNLL file: entity-level precision, recall and F1 (exact span
    /// and type, as conlleval), overall and per type.
    Eval(EvalArgs),
    /// Read text on stdin and print the entities found, one per line (or JSON).
    Tag(TagArgs),
    /// Cross-validate training options on a CoNLL file, by document: per-type precision,
    /// recall and F1 of each fold, and their mean ± standard deviation.
    Cv(CvArgs),
    /// Learn a lexicon (capitalization habits, word clusters, word-vector classes) from
    /// unlabeled plain text, for `ner train --lexicon`.
    Lexicon(LexiconArgs),
}

/// `morgue ner lexicon`.
#[derive(Debug, clap::Args)]
pub struct LexiconArgs {
    /// Plain-text files (UTF-8) of running text.
    #[arg(required_unless_present = "base", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Where to write the lexicon.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Words kept, most frequent first.
    #[arg(long, default_value_t = 80_000, conflicts_with = "base")]
    pub vocabulary: usize,
    /// Word classes from word vectors to add (TAB-separated: word, then a class number per
    /// granularity, coarsest first; `scripts/word_classes.py` writes them).
    #[arg(long, value_name = "FILE")]
    pub classes: Option<PathBuf>,
    /// Also write FILEs' sentences here, one per line, as the lexicon's lowercase word forms
    /// (the text `scripts/word_classes.py` learns word vectors from).
    #[arg(long, value_name = "FILE", conflicts_with = "base")]
    pub sentences: Option<PathBuf>,
    /// Start from this lexicon instead of learning one from FILEs (to add `--classes` to it).
    #[arg(
        long,
        value_name = "LEXICON",
        conflicts_with = "files",
        requires = "classes"
    )]
    pub base: Option<PathBuf>,
}

/// `morgue ner train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Training data (CoNLL format, IOB1 or BIO tags).
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,
    /// Development data, scored after every epoch.
    #[arg(long, value_name = "FILE")]
    pub dev: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub options: TrainingOptions,
}

/// Options shared by `ner train` and `ner cv`.
#[derive(Debug, clap::Args)]
pub struct TrainingOptions {
    /// Passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Shuffling seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Train without the gazetteer features.
    #[arg(long)]
    pub no_gazetteer: bool,
    /// Jackknife folds for the gazetteer features while training.
    #[arg(long = "gazetteer-folds", default_value_t = 10)]
    pub gazetteer_folds: usize,
    /// Drop averaged weights smaller than this.
    #[arg(long, default_value_t = 0.0)]
    pub prune: f32,
    /// Lexicon from `morgue ner lexicon` (stored in the model).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Name lists (`TYPE<TAB>name` per line, e.g. data/gazetteer/iso-codes.tsv) added to the
    /// gazetteer built from the training data.
    #[arg(long = "gazetteer", value_name = "FILE")]
    pub lists: Vec<PathBuf>,
    /// Document-level feature groups of a second stage, comma-separated: exact, lower, longer,
    /// first (see `src/extract/ner/document.rs`); `none` trains the sentence tagger only.
    #[arg(long = "doc-features", value_name = "GROUPS", default_value = "exact,lower,longer,first",
          value_parser = morgue::extract::ner::document::parse_groups)]
    pub doc_features: u32,
    /// Jackknife folds (by document) that give the second stage its first-pass tags.
    #[arg(long = "stack-folds", default_value_t = 5)]
    pub stack_folds: usize,
    /// Passes of the second stage over the training data.
    #[arg(long = "stack-epochs", default_value_t = 5)]
    pub stack_epochs: usize,
    /// Scale of the second stage's weights where they join the first stage's.
    #[arg(long = "doc-weight", default_value_t = 3.0)]
    pub doc_weight: f32,
    /// Train this many models with seeds SEED, SEED+1… and average their weights into one
    /// (the same size and speed as one model).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub ensemble: u64,
    /// Share of a token's features left out at each training step of the sentence tagger, chosen
    /// afresh at each step (0 to 1; 0: none).
    #[arg(long, default_value_t = 0.0)]
    pub dropout: f32,
}

/// `morgue ner cv`.
#[derive(Debug, clap::Args)]
pub struct CvArgs {
    /// Training data (CoNLL format); documents are split by `-DOCSTART-` lines.
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,
    /// Number of folds (document `d` is held out in fold `d mod N`).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Folds of consecutive documents instead (fold `f` holds the `f`-th of N runs): names that
    /// neighbouring stories share stay on one side, as for a test set written later.
    #[arg(long)]
    pub blocks: bool,
    #[command(flatten)]
    pub options: TrainingOptions,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `morgue ner eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// CoNLL file to score (word first, gold tag last on each line).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Use this model file instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `morgue ner tag`.
#[derive(Debug, clap::Args)]
pub struct TagArgs {
    /// Use this model file instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The lexicon file `path`, given as `option`.
fn read_lexicon(path: &std::path::Path, option: &str) -> morgue::Result<lexicon::Lexicon> {
    let bytes = std::fs::read(path).map_err(|e| morgue::Error::io(path, e))?;
    model::lexicon_from_bytes(&bytes).map_err(|e| morgue::Error::BadOption {
        option: option.into(),
        message: format!("{}: {e}", path.display()),
    })
}

impl TrainingOptions {
    fn to_options(&self) -> anyhow::Result<train::TrainOptions> {
        let lexicon = match &self.lexicon {
            Some(p) => read_lexicon(p, "--lexicon")?,
            None => Default::default(),
        };
        let mut lists = Vec::new();
        for p in &self.lists {
            let text = std::fs::read_to_string(p).map_err(|e| morgue::Error::io(p, e))?;
            lists.extend(
                train::read_list(&text).map_err(|e| morgue::Error::BadOption {
                    option: "--gazetteer".into(),
                    message: format!("{}: {e}", p.display()),
                })?,
            );
        }
        Ok(train::TrainOptions {
            lexicon,
            lists,
            epochs: self.epochs,
            seed: self.seed,
            folds: self.gazetteer_folds,
            use_gazetteer: !self.no_gazetteer,
            prune: self.prune,
            doc_features: self.doc_features,
            stack_folds: self.stack_folds,
            stack_epochs: self.stack_epochs,
            doc_weight: self.doc_weight,
            ensemble: self.ensemble as usize,
            dropout: self.dropout,
        })
    }
}

fn recognizer(model: &Option<PathBuf>) -> anyhow::Result<std::borrow::Cow<'static, Recognizer>> {
    Ok(match model {
        Some(p) => std::borrow::Cow::Owned(Recognizer::load(p)?),
        None => std::borrow::Cow::Borrowed(Recognizer::embedded()?),
    })
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match args.command {
        NerCommand::Train(a) => {
            let data = conll::read_file(&a.train)?;
            let dev = a.dev.as_deref().map(conll::read_file).transpose()?;
            let opts = a.options.to_options()?;
            let started = std::time::Instant::now();
            let model = train::train(&data, dev.as_deref(), &opts, |r| {
                eprintln!("{}", present::text::ner_epoch(r, started.elapsed()));
            });
            let bytes = model.to_bytes();
            std::fs::write(&a.out, &bytes).map_err(|e| morgue::Error::io(&a.out, e))?;
            eprintln!(
                "wrote {} ({} features, {} gazetteer phrases, {} lexicon words, {} bytes)",
                a.out.display(),
                model.n_features(),
                model.gazetteer.len(),
                model.lexicon.len(),
                bytes.len()
            );
            Ok(ExitCode::from(exit::OK))
        }
        NerCommand::Cv(a) => {
            let data = conll::read_file(&a.train)?;
            let opts = a.options.to_options()?;
            let started = std::time::Instant::now();
            let cv = train::cross_validate(&data, a.folds, a.blocks, &opts, |f, e, first| {
                let first = first
                    .map(|e1| format!(", first stage {:.4}", e1.overall.f1))
                    .unwrap_or_default();
                eprintln!(
                    "fold {}: F1 {:.4}{first} ({:.1}s)",
                    f + 1,
                    e.overall.f1,
                    started.elapsed().as_secs_f64()
                );
            });
            if a.json {
                print_timed(&present::json::ner_cv(&cv), started.elapsed())?;
            } else {
                print_text(&present::text::ner_cv(&cv), ctx)?;
            }
            Ok(ExitCode::from(exit::OK))
        }
        NerCommand::Lexicon(a) => {
            let mut lex = if let Some(base) = &a.base {
                read_lexicon(base, "--base")?
            } else {
                let mut texts = Vec::new();
                for p in &a.files {
                    let b = std::fs::read(p).map_err(|e| morgue::Error::io(p, e))?;
                    texts.push(String::from_utf8_lossy(&b).into_owned());
                }
                let opts = lexicon::LexiconOptions {
                    vocabulary: a.vocabulary,
                    ..Default::default()
                };
                if let Some(p) = &a.sentences {
                    let f = std::fs::File::create(p).map_err(|e| morgue::Error::io(p, e))?;
                    let mut w = std::io::BufWriter::new(f);
                    lexicon::Lexicon::write_sentences(texts.iter().map(String::as_str), &mut w)
                        .and_then(|_| std::io::Write::flush(&mut w))
                        .map_err(|e| morgue::Error::io(p, e))?;
                }
                lexicon::Lexicon::build(texts.iter().map(String::as_str), &opts)
            };
            if let Some(p) = &a.classes {
                let text = std::fs::read_to_string(p).map_err(|e| morgue::Error::io(p, e))?;
                let (with, new) =
                    lex.add_classes(&text)
                        .map_err(|reason| morgue::Error::BadOption {
                            option: "--classes".into(),
                            message: format!("{}: {reason}", p.display()),
                        })?;
                eprintln!("{with} words got classes, {new} of them new to the lexicon");
                if with == new {
                    eprintln!(
                        "warning: no word of {} is in the lexicon (were its words written by \
                         `morgue ner lexicon --sentences`?)",
                        p.display()
                    );
                }
            }
            let bytes = model::lexicon_to_bytes(&lex);
            std::fs::write(&a.out, &bytes).map_err(|e| morgue::Error::io(&a.out, e))?;
            eprintln!(
                "wrote {} ({} words, {} bytes)",
                a.out.display(),
                lex.len(),
                bytes.len()
            );
            Ok(ExitCode::from(exit::OK))
        }
        NerCommand::Eval(a) => {
            let rec = recognizer(&a.model)?;
            let data = conll::read_file(&a.file)?;
            let (e, took) = timed(|| train::evaluate(rec.model(), &data));
            if a.json {
                print_timed(&present::json::ner_eval(&e), took)?;
            } else {
                print_text(&present::text::ner_eval(&e), ctx)?;
            }
            Ok(ExitCode::from(exit::OK))
        }
        NerCommand::Tag(a) => {
            let rec = recognizer(&a.model)?;
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| morgue::Error::io("<stdin>", e))?;
            let mentions = rec.recognize(&text);
            if a.json {
                print_json(&present::json::mentions(&mentions))?;
            } else {
                print_text(&present::text::mentions(&mentions), ctx)?;
            }
            Ok(ExitCode::from(if mentions.is_empty() {
                exit::PARTIAL
            } else {
                exit::OK
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use clap::Parser;

    fn training(args: &[&str]) -> super::TrainingOptions {
        let mut all = vec!["morgue", "ner", "cv", "--train", "eng.train"];
        all.extend(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Ner(super::Args {
                command: super::NerCommand::Cv(a),
            }) => a.options,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn document_level_options_parse() {
        let o = training(&[]);
        assert_eq!(o.doc_features, morgue::extract::ner::train::DOC_FEATURES);
        assert_eq!((o.stack_folds, o.stack_epochs, o.doc_weight), (5, 5, 3.0));
        let o = training(&["--doc-features", "none", "--doc-weight", "2"]);
        assert_eq!((o.doc_features, o.doc_weight), (0, 2.0));
        let o = training(&["--doc-features", "exact,first"]);
        assert_eq!(o.doc_features, 1 | 8);
        let mut bad = vec![
            "morgue",
            "ner",
            "cv",
            "--train",
            "x",
            "--doc-features",
            "nope",
        ];
        assert!(Cli::try_parse_from(&bad).is_err());
        bad.truncate(5);
        bad.extend(["--stack-folds", "many"]);
        assert!(Cli::try_parse_from(&bad).is_err());
        assert_eq!(training(&[]).ensemble, 1);
        assert_eq!(training(&["--ensemble", "6"]).ensemble, 6);
        for n in ["0", "65"] {
            bad.truncate(5);
            bad.extend(["--ensemble", n]);
            assert!(Cli::try_parse_from(&bad).is_err(), "--ensemble {n}");
        }
    }

    #[test]
    fn lexicon_options_parse() {
        let lexicon = |args: &[&str]| {
            let mut all = vec!["morgue", "ner", "lexicon", "--out", "lex.bin"];
            all.extend(args);
            Cli::try_parse_from(all).map(|c| match c.command {
                Command::Ner(super::Args {
                    command: super::NerCommand::Lexicon(a),
                }) => a,
                other => panic!("{other:?}"),
            })
        };
        let a = lexicon(&["--sentences", "s.txt", "a.txt", "b.txt"]).unwrap();
        assert_eq!((a.files.len(), a.vocabulary), (2, 80_000));
        assert_eq!(a.sentences.unwrap().to_str(), Some("s.txt"));
        let a = lexicon(&["--base", "old.bin", "--classes", "c.tsv"]).unwrap();
        assert_eq!(a.base.unwrap().to_str(), Some("old.bin"));
        assert!(a.files.is_empty());
        assert!(lexicon(&[]).is_err(), "text or a base lexicon is needed");
        assert!(
            lexicon(&["--base", "old.bin"]).is_err(),
            "a base needs classes"
        );
        assert!(lexicon(&["--base", "old.bin", "--classes", "c.tsv", "a.txt"]).is_err());
        assert!(lexicon(&["--base", "o", "--classes", "c", "--sentences", "s"]).is_err());
        assert!(lexicon(&["--base", "o", "--classes", "c", "--vocabulary", "5"]).is_err());
    }
}
