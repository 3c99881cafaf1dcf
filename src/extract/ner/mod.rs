//! Named-entity recognition: a greedy averaged-perceptron tagger over BIO tags.
//!
//! The recognizer finds persons, organizations, locations and miscellaneous names (the
//! CoNLL-2003 scheme) in raw text. It runs offline and in pure Rust: the trained model ships in
//! the repository (`data/ner.model`) and is embedded in the binary.
//!
//! - [`tokenize`]: raw text → sentences of tokens with byte spans (possessives, `al-` names,
//!   initialisms, hyphens)
//! - [`features`]: token → hashed feature ids (word, shape, affixes, neighbours, gazetteer…)
//! - [`gazetteer`]: multi-word name lists (built from the training data) and their matches
//! - [`model`]: the weights and the compact binary model format
//! - [`decode`]: greedy left-to-right tagging with BIO constraints
//! - [`train`]: averaged-perceptron training on CoNLL data
//! - [`conll`]: reading CoNLL files and conlleval-style entity scoring
//!
//! Train again with `morgue ner train --train eng.train --dev eng.testa --out data/ner.model`.

pub mod conll;
pub mod decode;
pub mod features;
pub mod gazetteer;
pub mod lexicon;
pub mod model;
pub mod tokenize;
pub mod train;

use serde::Serialize;
use std::ops::Range;
use std::sync::OnceLock;

pub use model::Model;

/// An entity type of the CoNLL-2003 scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    /// A person ("Abu Bakr al-Baghdadi").
    Person,
    /// An organization ("Islamic State", "Reuters").
    Org,
    /// A location ("Deir ez Zor", "Iraq").
    Location,
    /// Other names: nationalities, events, works ("American", "World Cup").
    Misc,
}

impl EntityType {
    /// Every type, in tag order.
    pub const ALL: [EntityType; 4] = [
        EntityType::Person,
        EntityType::Org,
        EntityType::Location,
        EntityType::Misc,
    ];

    /// The CoNLL label: `PER`, `ORG`, `LOC`, `MISC`.
    pub fn conll(self) -> &'static str {
        match self {
            EntityType::Person => "PER",
            EntityType::Org => "ORG",
            EntityType::Location => "LOC",
            EntityType::Misc => "MISC",
        }
    }

    /// The user-facing name: `person`, `org`, `location`, `misc`.
    pub fn name(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Org => "org",
            EntityType::Location => "location",
            EntityType::Misc => "misc",
        }
    }

    /// Parses a CoNLL label or a user-facing name (any case; `per`, `organization`, `loc` too).
    pub fn parse(s: &str) -> Option<EntityType> {
        match s.to_ascii_lowercase().as_str() {
            "per" | "person" | "persons" | "people" => Some(EntityType::Person),
            "org" | "organization" | "organisation" | "orgs" => Some(EntityType::Org),
            "loc" | "location" | "locations" | "place" => Some(EntityType::Location),
            "misc" => Some(EntityType::Misc),
            _ => None,
        }
    }

    /// Position in [`EntityType::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Number of BIO tags: `O` plus `B-`/`I-` for each of the four types.
pub const N_TAGS: usize = 9;

/// The `O` (outside) tag.
pub const O: usize = 0;

/// The tag index of `B-kind` (`begin`) or `I-kind`.
pub fn tag(kind: EntityType, begin: bool) -> usize {
    1 + 2 * kind.index() + usize::from(!begin)
}

/// The type of a tag (`None` for `O`) and whether it begins an entity.
pub fn tag_parts(t: usize) -> Option<(EntityType, bool)> {
    if t == O || t >= N_TAGS {
        return None;
    }
    Some((EntityType::ALL[(t - 1) / 2], (t - 1).is_multiple_of(2)))
}

/// The tag's text: `O`, `B-PER`, `I-LOC`…
pub fn tag_name(t: usize) -> String {
    match tag_parts(t) {
        None => "O".into(),
        Some((k, b)) => format!("{}-{}", if b { "B" } else { "I" }, k.conll()),
    }
}

/// An entity mention found in raw text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Surface form as in the text ("Abu Bakr al-Baghdadi").
    pub text: String,
    /// The entity type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Byte range in the text.
    pub span: Range<usize>,
    /// True when the mention's line looks like a headline (all caps or Title Case): such
    /// mentions are less reliable.
    pub headline: bool,
}

/// A trained recognizer: the model plus the tokenizer.
#[derive(Debug, Clone)]
pub struct Recognizer {
    model: Model,
}

/// The model shipped with morgue (empty when the repository was built without one).
static EMBEDDED: &[u8] = include_bytes!("../../../data/ner.model");

impl Recognizer {
    /// A recognizer from a model.
    pub fn new(model: Model) -> Recognizer {
        Recognizer { model }
    }

    /// The model shipped with morgue, loaded once.
    pub fn embedded() -> crate::Result<&'static Recognizer> {
        static CELL: OnceLock<std::result::Result<Recognizer, String>> = OnceLock::new();
        CELL.get_or_init(|| {
            Model::from_bytes(EMBEDDED)
                .map(Recognizer::new)
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| crate::Error::BadOption {
            option: "embedded NER model".into(),
            message: e.clone(),
        })
    }

    /// Reads a model file written by `morgue ner train`.
    pub fn load(path: &std::path::Path) -> crate::Result<Recognizer> {
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        Model::from_bytes(&bytes)
            .map(Recognizer::new)
            .map_err(|e| crate::Error::BadOption {
                option: "model".into(),
                message: format!("{}: {e}", path.display()),
            })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// BIO tags (see [`tag`]) of one tokenized sentence.
    pub fn tag_tokens(&self, words: &[&str]) -> Vec<usize> {
        decode::tag_sentence(&self.model, words)
    }

    /// Entity mentions in raw text, in text order.
    pub fn recognize(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut words: Vec<&str> = Vec::new();
        for sentence in tokenize::sentences(text) {
            words.clear();
            words.extend(sentence.tokens.iter().map(|t| &text[t.clone()]));
            let tags = self.tag_tokens(&words);
            for (kind, range) in join_split_names(&words, decode::spans(&tags)) {
                let (Some(first), Some(last)) = (
                    sentence.tokens.get(range.start),
                    sentence.tokens.get(range.end - 1),
                ) else {
                    continue;
                };
                let span = first.start..last.end;
                out.push(Mention {
                    text: text[span.clone()].to_string(),
                    kind,
                    span,
                    headline: sentence.headline,
                });
            }
        }
        out
    }
}

/// Name particles that may stand lowercase inside a name ("Deir ez Zor", "Osama bin Laden").
const PARTICLES: &[&str] = &[
    "al", "el", "ez", "az", "as", "ad", "ar", "an", "ash", "bin", "ibn", "bint", "abu", "abd",
    "de", "del", "della", "der", "di", "da", "du", "van", "von", "la", "le", "dos", "das",
];

/// Joins two entities of one type separated by one token that is a capitalized word or a name
/// particle ("Samir | Abd | Muhammad al-Khlifawi", "Deir | ez | Zor"), and a person's name with
/// an `al-` surname right after it whatever its tag ("Nouri | Al-Maliki"): the greedy tagger
/// sometimes breaks long foreign names there.
fn join_split_names(
    words: &[&str],
    spans: Vec<(EntityType, Range<usize>)>,
) -> Vec<(EntityType, Range<usize>)> {
    let mut out: Vec<(EntityType, Range<usize>)> = Vec::with_capacity(spans.len());
    for (k, r) in spans {
        if let Some((pk, pr)) = out.last_mut() {
            // An Arabic surname right after a person's name: "Nouri | Al-Maliki".
            let nisba = *pk == EntityType::Person
                && pr.end == r.start
                && r.len() == 1
                && words.get(r.start).is_some_and(|w| {
                    let lw = w.to_lowercase();
                    (lw.starts_with("al-") || lw.starts_with("el-")) && lw.len() > 4
                });
            if nisba {
                pr.end = r.end;
                continue;
            }
            let gap = pr.end..r.start;
            let joins = *pk == k
                && gap.len() <= 1
                && gap.clone().all(|i| {
                    words.get(i).is_some_and(|w| {
                        let lw = w.to_ascii_lowercase();
                        PARTICLES.contains(&lw.as_str())
                            || (w.chars().next().is_some_and(char::is_uppercase)
                                && w.chars().all(char::is_alphabetic))
                    })
                });
            if joins {
                pr.end = r.end;
                continue;
            }
        }
        out.push((k, r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &'static str)> {
        Recognizer::embedded()
            .unwrap()
            .recognize(text)
            .into_iter()
            .map(|m| (m.text, m.kind.conll()))
            .collect()
    }

    fn has(text: &str, name: &str, kind: &str) {
        let f = found(text);
        assert!(
            f.iter().any(|(n, k)| n == name && *k == kind),
            "{name} ({kind}) not found in {text:?}: {f:?}"
        );
    }

    #[test]
    fn seed_sentences() {
        // Hand-checked sentences from the seeds.
        let s = "According to documents unearthed by Der Spiegel, ISIS was created by Samir Abd \
                 Muhammad al-Khlifawi, a colonel in Saddam's Mukhabarat.";
        has(s, "Samir Abd Muhammad al-Khlifawi", "PER");
        has(s, "ISIS", "ORG");
        has(s, "Saddam", "PER");
        let s = "According to Suleimani's backroom deal, he favored Nouri Al-Maliki and was \
                 determined that Ayad Allawi must not become the Prime Minister.";
        has(s, "Suleimani", "PER");
        has(s, "Nouri Al-Maliki", "PER");
        has(s, "Ayad Allawi", "PER");
        let s = "The US plays a role in arming the ISIL, an Iraqi security source told FNA.";
        has(s, "ISIL", "ORG");
        has(s, "Iraqi", "MISC");
        let s = "Fighters fled to Deir ez Zor after Abu Bakr al-Baghdadi's speech in Mosul.";
        has(s, "Abu Bakr al-Baghdadi", "PER");
        has(s, "Mosul", "LOC");
        assert!(
            found(s).iter().any(|(n, _)| n == "Deir ez Zor"),
            "{:?}",
            found(s)
        );
        let s = "The Kurdish-led SDF cleared the city with the help of American officers.";
        has(s, "SDF", "ORG");
        let s = "Hundreds of fighters left under a deal with the Syrian Democratic Forces and the \
                 Pentagon, officials in Washington said.";
        has(s, "Washington", "LOC");
    }

    #[test]
    fn possessives_stay_out_of_names() {
        let f = found("Baghdadi's men met Obama's envoy in Baghdad.");
        assert!(f.iter().all(|(n, _)| !n.contains('\'')), "{f:?}");
        has(
            "Baghdadi's men met Obama's envoy in Baghdad.",
            "Baghdad",
            "LOC",
        );
    }

    #[test]
    fn split_names_are_joined() {
        let per = EntityType::Person;
        let loc = EntityType::Location;
        let words = ["Nouri", "Al-Maliki", "in", "Al-Anbar"];
        let spans = vec![(per, 0..1), (loc, 1..2), (loc, 3..4)];
        assert_eq!(
            join_split_names(&words, spans),
            vec![(per, 0..2), (loc, 3..4)]
        );
        let words = [
            "Samir", "Abd", "Muhammad", "said", "Deir", "ez", "Zor", "and", "Bob",
        ];
        let spans = vec![
            (per, 0..1),
            (per, 2..3),
            (per, 4..5),
            (per, 6..7),
            (per, 8..9),
        ];
        assert_eq!(
            join_split_names(&words, spans),
            vec![(per, 0..3), (per, 4..7), (per, 8..9)]
        );
    }

    #[test]
    fn tags_round_trip() {
        for k in EntityType::ALL {
            for b in [true, false] {
                assert_eq!(tag_parts(tag(k, b)), Some((k, b)));
            }
        }
        assert_eq!(tag_parts(O), None);
        assert_eq!(tag_name(tag(EntityType::Location, false)), "I-LOC");
    }
}
