//! `morgue ner train|eval|tag`: train, score and try the named-entity recognizer.

use super::common::{print_json, print_text, Ctx};
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
    /// Learn a lexicon (capitalization habits and word clusters) from unlabeled plain text,
    /// for `ner train --lexicon`.
    Lexicon(LexiconArgs),
}

/// `morgue ner lexicon`.
#[derive(Debug, clap::Args)]
pub struct LexiconArgs {
    /// Plain-text files (UTF-8) of running text.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Where to write the lexicon.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Words kept, most frequent first.
    #[arg(long, default_value_t = 80_000)]
    pub vocabulary: usize,
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
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
    /// Drop averaged weights smaller than this.
    #[arg(long, default_value_t = 0.0)]
    pub prune: f32,
    /// Lexicon from `morgue ner lexicon` (stored in the model).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
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
            let lexicon = match &a.lexicon {
                Some(p) => {
                    let bytes = std::fs::read(p).map_err(|e| morgue::Error::io(p, e))?;
                    model::lexicon_from_bytes(&bytes).map_err(|e| morgue::Error::BadOption {
                        option: "--lexicon".into(),
                        message: format!("{}: {e}", p.display()),
                    })?
                }
                None => Default::default(),
            };
            let opts = train::TrainOptions {
                lexicon,
                epochs: a.epochs,
                seed: a.seed,
                folds: a.folds,
                use_gazetteer: !a.no_gazetteer,
                prune: a.prune,
            };
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
        NerCommand::Lexicon(a) => {
            let mut texts = Vec::new();
            for p in &a.files {
                let b = std::fs::read(p).map_err(|e| morgue::Error::io(p, e))?;
                texts.push(String::from_utf8_lossy(&b).into_owned());
            }
            let opts = lexicon::LexiconOptions {
                vocabulary: a.vocabulary,
                ..Default::default()
            };
            let lex = lexicon::Lexicon::build(texts.iter().map(String::as_str), &opts);
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
            let e = train::evaluate(rec.model(), &data);
            if a.json {
                print_json(&present::json::ner_eval(&e))?;
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
