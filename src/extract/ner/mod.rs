//! Named-entity recognition: a greedy averaged-perceptron tagger over BIO tags.
//!
//! The recognizer finds persons, organizations, locations and miscellaneous names (the
//! CoNLL-2003 scheme) in raw text. It runs offline and in pure Rust: the trained model ships in
//! the repository (`data/ner.model`) and is embedded in the binary.
//!
//! - [`tokenize`]: raw text → sentences of tokens with byte spans (possessives, `al-` names,
//!   initialisms, hyphens)
//! - [`features`]: token → hashed feature ids (word, shape, affixes, neighbours, gazetteer…)
//! - [`gazetteer`]: multi-word name lists (the training entities, plus public lists such as
//!   `data/gazetteer/iso-codes.tsv`, country and subdivision names from Debian's iso-codes)
//! - [`lexicon`]: capitalization habits, word clusters and word-vector classes learned from
//!   unlabeled news text (AllSides, the FakeNewsCorpus sample, BBC, the words of eng.train)
//! - [`clusters`]: the cluster tree (top-down exchange clustering on bigram counts; Brown-style
//!   bit-string paths whose 4/6/10/20-bit prefixes are features)
//! - [`model`]: the weights and the compact binary model format
//! - [`decode`]: greedy left-to-right tagging with BIO constraints, twice per document
//! - [`document`]: document-level features for the second pass (how the first pass tagged the
//!   same word elsewhere in the article)
//! - [`train`]: averaged-perceptron training on CoNLL data, and cross-validation by document
//! - [`conll`]: reading CoNLL files and conlleval-style entity scoring
//!
//! Rebuild the shipped model with `scripts/train_ner.sh`; choose features and settings with
//! `morgue ner cv` on eng.train (5 folds by document), and keep eng.testa for the final check.
//! Measured (F1 %, overall / PER / ORG / LOC / MISC): before issue 12, CV 87.93 ± 1.61 /
//! 89.82 / 82.31 / 92.30 / 85.22 and testa 89.86 / 92.40 / 83.88 / 93.81 / 85.24; after, CV
//! 89.06 ± 1.36 / 92.09 / 83.03 / 92.90 / 86.10 and testa 90.25 / 93.01 / 83.75 / 94.77 /
//! 84.87. Speed: about a million tokens/s on one core of a busy machine, 8% slower than before
//! (`cargo bench --bench ner`).
//!
//! Issue 12, item 1, a second, document-level pass ([`document`]): CV (one pass, then two, same
//! folds) 89.10 ± 1.47 → 89.66 ± 1.22 (PER 92.24 → 93.16, ORG 83.10 → 83.74, LOC 92.93 →
//! 93.21, MISC 85.96 → 86.27), testa 90.25 → 90.83 (PER 93.89, ORG 84.28, LOC 95.02, MISC
//! 85.60), for about 10% of the speed.
//!
//! Issue 12, word-vector classes (skip-gram vectors of the same unlabeled text, k-means at 64,
//! 256 and 1,024 classes; `scripts/word_classes.py`): CV by document 89.66 → 90.24, by blocks
//! 88.83 → 89.49, testa 90.83 → 91.23 (ORG 84.28 → 85.74). The shipped model is then trained on
//! eng.train and eng.testa; `TRAIN_ONLY=1 scripts/train_ner.sh` rebuilds the checked one.
//!
//! [`Recognizer::recognize`] adds rules for web text around the tagger (glued words split;
//! handles, URLs and, on headline lines, usually-lowercase words cut out of names; titles left
//! out of persons; lone pronouns, titles and company suffixes dropped); CoNLL scoring (`ner
//! eval`, `ner cv`) tags pre-tokenized sentences and does not use them.

pub mod clusters;
pub mod conll;
pub mod decode;
pub mod document;
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

    /// BIO tags (see [`tag`]) of one tokenized sentence, taken as a document of its own.
    pub fn tag_tokens(&self, words: &[&str]) -> Vec<usize> {
        decode::tag_sentence(&self.model, words)
    }

    /// BIO tags of one tokenized document (an article): `words` are its tokens and
    /// `sentences` the token ranges of its sentences (see [`decode::tag_document`]).
    pub fn tag_document(&self, words: &[&str], sentences: &[Range<usize>]) -> Vec<usize> {
        decode::tag_document(&self.model, words, sentences)
    }

    /// Entity mentions in raw text, in text order. The text is one document (an article): the
    /// second pass reads each name in the light of the rest of it.
    ///
    /// Beyond the tagger's spans (see the module doc for the rules): a token glued across an
    /// element boundary ("ClintonGiuliani") is split before tagging; a span never contains a
    /// social-media handle, hashtag or URL, nor, on a headline line, a word that running text
    /// writes in lowercase ("Calls", "More"); a lone pronoun, title or company-form suffix
    /// ("I", "Mr.", "LLC") is not a mention.
    pub fn recognize(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        let lex = &self.model.lexicon;
        let mut lower = String::new();
        // The whole text's tokens, then the sentences' ranges of them and headline flags.
        let mut tokens: Vec<Range<usize>> = Vec::new();
        let mut sentences: Vec<Range<usize>> = Vec::new();
        let mut headlines: Vec<bool> = Vec::new();
        for sentence in tokenize::sentences(text) {
            let start = tokens.len();
            for t in sentence.tokens {
                split_glued(text, t, lex, &mut tokens);
            }
            sentences.push(start..tokens.len());
            headlines.push(sentence.headline);
        }
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.clone()]).collect();
        let tags = self.tag_document(&words, &sentences);
        let mut cuts: Vec<bool> = Vec::new();
        for (r, &headline) in sentences.iter().zip(&headlines) {
            let (words, tokens) = (&words[r.clone()], &tokens[r.clone()]);
            cuts.clear();
            cuts.extend(
                words.iter().map(|w| {
                    never_inside(w) || (headline && usually_lowercase(w, lex, &mut lower))
                }),
            );
            for (kind, range) in join_split_names(words, decode::spans(&tags[r.clone()])) {
                for piece in cut_span(range, &cuts) {
                    for (kind, piece) in without_title(words, kind, piece) {
                        let piece = without_lowercase_end(words, piece);
                        if piece.is_empty() || piece.len() == 1 && never_alone(words[piece.start]) {
                            continue;
                        }
                        let span = tokens[piece.start].start..tokens[piece.end - 1].end;
                        out.push(Mention {
                            text: text[span.clone()].to_string(),
                            kind,
                            span,
                            headline,
                        });
                    }
                }
            }
        }
        out
    }
}

/// A name never ends in a word without a capital or a digit ("the West | of the", "Osama |
/// bin"): such words at the end of a span are left out.
fn without_lowercase_end(words: &[&str], mut piece: Range<usize>) -> Range<usize> {
    while piece.end > piece.start
        && !words[piece.end - 1]
            .chars()
            .any(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        piece.end -= 1;
    }
    piece
}

/// The pieces of a token range left when the tokens marked in `cuts` are taken out.
fn cut_span(range: Range<usize>, cuts: &[bool]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for i in range.clone() {
        if cuts[i] {
            if start < i {
                out.push(start..i);
            }
            start = i + 1;
        }
    }
    if start < range.end {
        out.push(start..range.end);
    }
    out
}

/// Titles that stand before a person's name ("House *Speaker* Nancy Pelosi", "Senate Majority
/// *Leader* Mitch McConnell", "*Sen.* Rand Paul"), each with whether only a person holds it
/// (not "General", "Director", "Attorney": "General Electric Company"). Royal and religious
/// titles are not here: "Prince Harry", "Pope Francis" are how those people are named. Also the
/// base of `entities`' words that are no given name.
const TITLES: &[(&str, bool)] = &[
    ("mr", true),
    ("mrs", true),
    ("ms", true),
    ("sen", true),
    ("rep", true),
    ("gov", true),
    ("president", true),
    ("speaker", true),
    ("chairman", true),
    ("chairwoman", true),
    ("senator", true),
    ("congressman", true),
    ("congresswoman", true),
    ("governor", true),
    ("secretary", true),
    ("leader", true),
    ("mayor", true),
    ("ambassador", true),
    ("minister", true),
    ("spokesman", true),
    ("spokeswoman", true),
    ("adviser", true),
    ("advisor", true),
    ("whip", true),
    ("chancellor", true),
    ("premier", true),
    ("nominee", true),
    ("candidate", true),
    ("judge", true),
    ("ceo", true),
    ("justice", true),
    ("dr", false),
    ("gen", false),
    ("lt", false),
    ("col", false),
    ("sgt", false),
    ("rev", false),
    ("representative", false),
    ("director", false),
    ("attorney", false),
    ("commissioner", false),
    ("administrator", false),
    ("counsel", false),
    ("general", false),
];

/// Is `w` a title of [`TITLES`] (any case, a final period ignored), and one only a person holds?
pub fn title(w: &str) -> Option<bool> {
    let w = w.trim_end_matches('.');
    TITLES
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(w))
        .map(|&(_, person_only)| person_only)
}

/// Words that qualify a title before it ("Senate | Majority Leader", "White House | Press
/// Secretary", "DOJ | Inspector General"): left out of a name together with the title.
const TITLE_QUALIFIERS: &[&str] = &[
    "majority",
    "minority",
    "deputy",
    "vice",
    "assistant",
    "associate",
    "acting",
    "chief",
    "executive",
    "press",
    "interim",
    "senior",
    "former",
    "special",
    "inspector",
    "lieutenant",
    "maj",
    "prime",
    "foreign",
    "republican",
    "democratic",
];

/// Is `w` a title or a word that qualifies one ([`TITLES`], [`TITLE_QUALIFIERS`]; any case, a
/// final period ignored)? Such words are left out of names, and are no one's given name.
pub fn title_word(w: &str) -> bool {
    title(w).is_some() || {
        let w = w.trim_end_matches('.');
        TITLE_QUALIFIERS.iter().any(|q| q.eq_ignore_ascii_case(w))
    }
}

/// A span without its titles, as CoNLL-2003 annotates names (the pieces left, in order).
///
/// A person's span starts after its last title when a capitalized word follows ("House Speaker
/// | Nancy Pelosi", "Attorney General | Bill Barr", "President | Trump"; a lone title is left to
/// [`never_alone`]). A span of another type that the tagger let a title into ("House Speaker
/// Nancy Pelosi" as one organization) is the person named after its last person-only title,
/// when two or more words follow it, all capitalized, and before the title the name the title
/// belongs to ("House"). A name of two or more words that ends in a title loses the title and
/// its qualifiers ("FBI | Director", "Twitter | CEO", "Senate | Majority Leader"), unless a
/// lowercase word precedes the title ("Department of Justice"); titles alone are no name ("Vice
/// President").
fn without_title(
    words: &[&str],
    kind: EntityType,
    piece: Range<usize>,
) -> Vec<(EntityType, Range<usize>)> {
    let capitalized = |w: &&str| w.starts_with(char::is_uppercase);
    if kind == EntityType::Person {
        let last = (piece.start..piece.end.saturating_sub(1))
            .rev()
            .find(|&i| title(words[i]).is_some());
        return match last {
            Some(i) if capitalized(&words[i + 1]) => vec![(kind, i + 1..piece.end)],
            _ => vec![(kind, piece)],
        };
    }
    // Where the name before titles ending at `end` ends (`end` when no title ends there).
    let before_titles = |end: usize| {
        let titled = end > piece.start + 1
            && title(words[end - 1]).is_some()
            && capitalized(&words[end - 2]);
        if !titled {
            return end;
        }
        let mut e = end;
        while e > piece.start && title_word(words[e - 1]) {
            e -= 1;
        }
        e
    };
    let person_only = |w: &str| title(w) == Some(true);
    let name = (piece.start..piece.end)
        .rev()
        .find(|&i| person_only(words[i]))
        .map(|i| i + 1..piece.end)
        .filter(|name| {
            name.len() >= 2
                && words[name.clone()]
                    .iter()
                    .all(|w| capitalized(w) && !person_only(w))
        });
    let (head, person) = match name {
        Some(name) => (piece.start..name.start, Some(name)),
        None => (piece.clone(), None),
    };
    let mut out = Vec::with_capacity(2);
    let head_end = match (before_titles(head.end), &person) {
        // The title before the person goes in any case.
        (e, Some(_)) if e == head.end => head.end - 1,
        (e, _) => e,
    };
    if head_end > head.start {
        out.push((kind, head.start..head_end));
    }
    if let Some(name) = person {
        out.push((EntityType::Person, name));
    }
    out
}

/// A handle, hashtag or URL: never part of a name.
fn never_inside(w: &str) -> bool {
    (w.len() > 1 && w.starts_with(['@', '#'])) || w.contains("://") || w.starts_with("www.")
}

/// Words that are never a mention by themselves: pronouns, titles, company-form suffixes.
const NEVER_ALONE: &[&str] = &[
    "i", "me", "we", "you", "he", "she", "it", "they", "mr", "mrs", "ms", "dr", "sir", "llc",
    "inc", "ltd", "corp", "co", "plc", "llp", "lp",
];

fn never_alone(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    NEVER_ALONE.iter().any(|n| n.eq_ignore_ascii_case(w))
}

/// True when unlabeled running text writes this word capitalized at most a fifth of the time
/// inside sentences ("Calls", "Replay", "Videos"): on a headline line, where every word is
/// capitalized, such a word is not part of a name.
fn usually_lowercase(w: &str, lex: &lexicon::Lexicon, lower: &mut String) -> bool {
    if !w.starts_with(char::is_uppercase) {
        return false;
    }
    features::lower_form(w, lower);
    lex.get(lexicon::key(lower)).is_some_and(|e| e.caps <= 2)
}

/// Pushes `t` as one token, or as two when it is two capitalized words glued together across an
/// element boundary ("ClintonGiuliani"): one inner capital after a lowercase letter, a first
/// half of at least four letters, and both halves words that running text writes capitalized
/// at least half the time ("WikiLeaks", "BlackRock", "ObamaCare" and "McConnell" stay whole).
/// (The glued form itself may be frequent: page furniture repeats it.)
fn split_glued(text: &str, t: Range<usize>, lex: &lexicon::Lexicon, out: &mut Vec<Range<usize>>) {
    let w = &text[t.clone()];
    let cut = (|| {
        if lex.is_empty() || !w.starts_with(|c: char| c.is_ascii_uppercase()) || w.len() < 6 {
            return None;
        }
        let bytes = w.as_bytes();
        if !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let inner: Vec<usize> = (1..bytes.len())
            .filter(|&i| bytes[i].is_ascii_uppercase())
            .collect();
        let &[i] = inner.as_slice() else { return None };
        if i < 4 || bytes.len() - i < 3 || !bytes[i - 1].is_ascii_lowercase() {
            return None;
        }
        let known = |s: &str| lex.get(lexicon::key(&s.to_ascii_lowercase()));
        let capitalized = |s: &str| known(s).is_some_and(|e| (5..=10).contains(&e.caps));
        (capitalized(&w[..i]) && capitalized(&w[i..])).then_some(i)
    })();
    match cut {
        Some(i) => {
            out.push(t.start..t.start + i);
            out.push(t.start + i..t.end);
        }
        None => out.push(t),
    }
}

/// Words that begin Arabic names (kunya, patronymic): "Abu Bakr", "Umm Sayyaf", "Ibn Saud".
const NAME_PREFIXES: &[&str] = &["abu", "umm", "ibn", "bin", "bint", "abd"];

/// Name particles that may stand lowercase inside a name ("Deir ez Zor", "Osama bin Laden").
const PARTICLES: &[&str] = &[
    "al", "el", "ez", "az", "as", "ad", "ar", "an", "ash", "bin", "ibn", "bint", "abu", "abd",
    "de", "del", "della", "der", "di", "da", "du", "van", "von", "la", "le", "dos", "das",
];

/// Joins two entities separated by one lowercase name particle ("Deir | ez | Zor", whatever
/// the two types), or of one type separated by one capitalized word ("Samir | Abd | Muhammad
/// al-Khlifawi"), a person's name with an `al-` surname right after it whatever its tag
/// ("Nouri | Al-Maliki"), and a kunya or patronymic word right before a person's name whatever
/// its tag ("Abu | Bakr al-Baghdadi"): the greedy tagger sometimes breaks long foreign names
/// there.
fn join_split_names(
    words: &[&str],
    spans: Vec<(EntityType, Range<usize>)>,
) -> Vec<(EntityType, Range<usize>)> {
    let mut out: Vec<(EntityType, Range<usize>)> = Vec::with_capacity(spans.len());
    for (k, r) in spans {
        if let Some((pk, pr)) = out.last_mut() {
            // A kunya or patronymic word tagged apart, right before a person's name, is the
            // start of it whatever its tag: "Abu | Bakr al-Baghdadi", "Umm | Sayyaf", "Bin |
            // Laden". ("Abu Dhabi" stays a place: "Dhabi" is no person.)
            let kunya = k == EntityType::Person
                && pr.end == r.start
                && pr.len() == 1
                && words
                    .get(pr.start)
                    .is_some_and(|w| NAME_PREFIXES.contains(&w.to_lowercase().as_str()));
            if kunya {
                *pk = EntityType::Person;
                pr.end = r.end;
                continue;
            }
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
            // A lowercase particle between two names joins them whatever their types (the
            // first name's type is kept): "Deir | ez | Zor", "Osama | bin | Laden".
            let particle = gap.len() == 1 && words.get(gap.start).is_some_and(lowercase_particle);
            let joins = particle
                || (*pk == k
                    && gap.len() <= 1
                    && gap.clone().all(|i| {
                        words.get(i).is_some_and(|w| {
                            let lw = w.to_ascii_lowercase();
                            PARTICLES.contains(&lw.as_str())
                                || (w.chars().next().is_some_and(char::is_uppercase)
                                    && w.chars().all(char::is_alphabetic))
                        })
                    }));
            if joins {
                pr.end = r.end;
                continue;
            }
        }
        out.push((k, r));
    }
    // A name followed by a lowercase particle and a capitalized word that no span holds goes
    // on over both: "Deir | ez Zor", "Osama | bin Laden" when the tagger left the last word out.
    // (Not over particles that are also English words: "Obama as President".)
    for i in 0..out.len() {
        let next_start = out.get(i + 1).map_or(usize::MAX, |(_, r)| r.start);
        let r = &mut out[i].1;
        let (Some(p), Some(w)) = (words.get(r.end), words.get(r.end + 1)) else {
            continue;
        };
        let goes_on = r.end + 1 < next_start
            && lowercase_particle(p)
            && !matches!(*p, "as" | "an" | "ad")
            && w.starts_with(char::is_uppercase)
            && w.chars().all(char::is_alphabetic);
        if goes_on {
            r.end += 2;
        }
    }
    out
}

/// A name particle written lowercase ("ez", "bin"; see [`PARTICLES`]).
fn lowercase_particle(w: &&str) -> bool {
    w.starts_with(char::is_lowercase) && PARTICLES.contains(w)
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
    fn a_name_is_read_in_the_light_of_the_article() {
        // Alone, "said Washington" reads as a place; after the full name earlier in the
        // article, the second pass makes it the person (and keeps "Aziz" one).
        let quote = "\"I think he got a little tight at a couple of moments,\" said Washington.";
        has(quote, "Washington", "LOC");
        let article = format!("MaliVai Washington beat Jim Courier on Tuesday.\n{quote}");
        has(&article, "Washington", "PER");
        assert!(found(&article).iter().all(|(_, k)| *k == "PER"));
        let headline = "Iraq's Aziz says Baghdad is aiding the KDP.";
        has(
            &format!("Deputy Prime Minister Tariq Aziz met the envoy.\n{headline}"),
            "Aziz",
            "PER",
        );
    }

    #[test]
    fn one_pass_models_tag_sentence_by_sentence() {
        let rec = Recognizer::embedded().unwrap();
        assert_ne!(
            rec.model().doc_features,
            0,
            "the shipped model has a second pass"
        );
        let mut one = rec.model().clone();
        one.doc_features = 0;
        let one = Recognizer::new(one);
        let text = "MaliVai Washington beat Jim Courier on Tuesday.\n\"I think he got a little \
                    tight at a couple of moments,\" said Washington.";
        let mut words = Vec::new();
        let mut sentences = Vec::new();
        for s in tokenize::sentences(text) {
            let start = words.len();
            words.extend(s.tokens.into_iter().map(|t| &text[t]));
            sentences.push(start..words.len());
        }
        assert_eq!(sentences.len(), 2);
        let mut alone = Vec::new();
        for r in &sentences {
            alone.extend(one.tag_tokens(&words[r.clone()]));
        }
        assert_eq!(one.tag_document(&words, &sentences), alone);
        let last = sentences[1].end - 2;
        assert_eq!(words[last], "Washington");
        let per = tag(EntityType::Person, true);
        assert_ne!(alone[last], per);
        assert_eq!(rec.tag_document(&words, &sentences)[last], per);
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
    fn titles_are_left_out_of_persons() {
        let w = [
            "House",
            "Speaker",
            "Nancy",
            "Pelosi",
            "and",
            "Sen.",
            "Rand",
            "Paul",
            "Secretary",
            "of",
            "State",
            "Prince",
            "Harry",
        ];
        let (per, org) = (EntityType::Person, EntityType::Org);
        let t = |w: &[&str], kind, r: Range<usize>| without_title(w, kind, r);
        assert_eq!(t(&w, per, 0..4), [(per, 2..4)]);
        assert_eq!(t(&w, per, 5..8), [(per, 6..8)]);
        assert_eq!(t(&w, per, 2..4), [(per, 2..4)]);
        // A title not followed by a capitalized word stays: it is no name's start.
        assert_eq!(t(&w, per, 8..11), [(per, 8..11)]);
        assert_eq!(t(&w, per, 11..13), [(per, 11..13)]);
        // The organization the title belongs to, then the person.
        assert_eq!(t(&w, org, 0..4), [(org, 0..1), (per, 2..4)]);
        assert_eq!(t(&w, org, 5..8), [(per, 6..8)]);
        let w = [
            "General",
            "Electric",
            "Company",
            "Senate",
            "Majority",
            "Leader",
            "Speaker",
            "Ryan",
            "Vice",
            "President",
            "Department",
            "of",
            "Justice",
            "Twitter",
            "CEO",
            "Justice",
        ];
        assert_eq!(t(&w, org, 0..3), [(org, 0..3)]);
        assert_eq!(t(&w, org, 3..6), [(org, 3..4)], "Senate | Majority Leader");
        assert_eq!(t(&w, org, 6..8), [(org, 6..8)], "one word: no sure name");
        assert_eq!(t(&w, org, 8..10), [], "titles alone");
        assert_eq!(t(&w, org, 10..13), [(org, 10..13)], "a title after 'of'");
        assert_eq!(t(&w, org, 13..15), [(org, 13..14)], "Twitter | CEO");
        assert_eq!(
            t(&w, org, 15..16),
            [(org, 15..16)],
            "one word is left alone"
        );
        assert_eq!(title("Sen."), Some(true));
        assert_eq!(title("General"), Some(false));
        assert_eq!(title("Prince"), None);
        let f = found("Senate Majority Leader Mitch McConnell met House Speaker Nancy Pelosi.");
        assert!(
            f.iter().any(|(n, k)| n == "Mitch McConnell" && *k == "PER"),
            "{f:?}"
        );
        assert!(
            f.iter().any(|(n, k)| n == "Nancy Pelosi" && *k == "PER"),
            "{f:?}"
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
        assert_eq!(
            join_split_names(&words, vec![(loc, 4..5), (per, 6..7)]),
            vec![(loc, 4..7)]
        );
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
        // A kunya tagged as a place before the person's name (seen with the word-vector
        // classes' model), and a real place that starts the same way.
        let words = [
            "after",
            "Abu",
            "Bakr",
            "al-Baghdadi",
            "left",
            "Abu",
            "Dhabi",
            "Abu",
        ];
        assert_eq!(
            join_split_names(
                &words,
                vec![(loc, 1..2), (per, 2..4), (loc, 5..7), (per, 7..8)]
            ),
            vec![(per, 1..4), (loc, 5..7), (per, 7..8)]
        );
        // The last word left out by the tagger, after a particle; not after "as", nor into the
        // next name.
        let words = [
            "to",
            "Deir",
            "ez",
            "Zor",
            "with",
            "Obama",
            "as",
            "President",
        ];
        assert_eq!(
            join_split_names(&words, vec![(loc, 1..2), (per, 5..6)]),
            vec![(loc, 1..4), (per, 5..6)]
        );
        let words = ["Osama", "bin", "Laden", "and", "Deir", "ez", "Zor", "."];
        assert_eq!(
            join_split_names(&words, vec![(per, 0..1), (per, 2..3), (loc, 4..5)]),
            vec![(per, 0..3), (loc, 4..7)]
        );
    }

    #[test]
    fn web_text_does_not_make_names() {
        let f = found("I'm told @realDonaldTrump (Saudi/U.S. talks) went on, LLC said.");
        assert!(
            f.iter()
                .all(|(n, _)| !n.contains(['\'', '@', '/', '(', ')']) && n != "LLC" && n != "I"),
            "{f:?}"
        );
        assert_eq!(
            cut_span(0..5, &[false, true, false, false, true]),
            vec![0..1, 2..4]
        );
        assert!(never_alone("Inc.") && never_alone("I") && !never_alone("Intel"));
        let words = [
            "the", "West", "of", "the", "threat", "Apollo", "11", "de", "Blasio",
        ];
        assert_eq!(without_lowercase_end(&words, 1..4), 1..2);
        assert_eq!(without_lowercase_end(&words, 5..7), 5..7);
        assert_eq!(without_lowercase_end(&words, 7..9), 7..9);
        assert_eq!(without_lowercase_end(&words, 2..4), 2..2);
        assert!(never_inside("@AP") && never_inside("#MeToo") && !never_inside("#"));
    }

    #[test]
    fn platforms_are_organizations_and_capitol_hill_a_place() {
        // Names after CoNLL-2003's 1996 news, known from the public lists (data/gazetteer/).
        // (A lone "on Instagram" with nothing else about it is still read as a place, as "on"
        // reads in the training data; a second mention settles it for the article.)
        let text = "The governor wrote on Twitter that the vote was rigged. Twitter later \
                    flagged his post as misleading.";
        assert_eq!(
            found(text),
            [
                ("Twitter".to_string(), "ORG"),
                ("Twitter".to_string(), "ORG")
            ]
        );
        has("She announced her run on Facebook.", "Facebook", "ORG");
        has("Instagram said it removed the videos.", "Instagram", "ORG");
        has(
            "Republicans on Capitol Hill rejected the budget.",
            "Capitol Hill",
            "LOC",
        );
    }

    #[test]
    fn glued_names_are_split_and_headline_words_cut() {
        let rec = Recognizer::embedded().unwrap();
        let lex = &rec.model().lexicon;
        let text = "ClintonGiuliani McConnell WikiLeaks ObamaCare";
        let mut out = Vec::new();
        for t in [0..15, 16..25, 26..35, 36..45] {
            split_glued(text, t, lex, &mut out);
        }
        assert_eq!(out, vec![0..7, 7..15, 16..25, 26..35, 36..45]);
        let mut buf = String::new();
        assert!(usually_lowercase("Calls", lex, &mut buf));
        assert!(!usually_lowercase("Clinton", lex, &mut buf));
        let f = found("Donald Trump Calls Hillary Clinton A Liar\nThe rest.");
        assert!(f.iter().all(|(n, _)| !n.contains("Calls")), "{f:?}");
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
