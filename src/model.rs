//! Plain data that moves between the stages: articles, passages, provenance, hits.
//!
//! Nothing here does I/O or knows about tantivy or the command line; every stage may use these
//! types. Byte offsets are used internally; presenters convert them to character offsets.

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A value together with how it was found (its provenance), e.g. a date from a `dateline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sourced<T> {
    /// The value itself.
    pub value: T,
    /// How it was found: `dateline`, `first_line`, `signature:reprinted_by`, `option`,
    /// later `metadata`, `url`…
    pub source: String,
}

impl<T> Sourced<T> {
    /// Pairs a value with its provenance.
    pub fn new(value: T, source: impl Into<String>) -> Sourced<T> {
        Sourced {
            value,
            source: source.into(),
        }
    }
}

/// A stable article identifier: the first 64 bits of the BLAKE3 hash of the normalized text.
///
/// Written as 16 lowercase hex digits: displayed, parsed ([`FromStr`](std::str::FromStr), any
/// case, exactly 16 digits) and (de)serialized in that form, so JSON outputs show the same
/// string. Re-ingesting the same text gives the same id. A copy cluster is identified by the id
/// of the article that started it, so cluster ids are `ArticleId`s too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub u64);

impl ArticleId {
    /// Computes the id of a normalized article text.
    pub fn of_text(text: &str) -> ArticleId {
        let hash = blake3::hash(text.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        ArticleId(u64::from_be_bytes(first))
    }

    /// Parses the 16-hex-digit form; `None` for anything else.
    pub fn parse(s: &str) -> Option<ArticleId> {
        s.parse().ok()
    }

    /// The id as the index's `article_key` (and copy cluster) number.
    pub fn key(self) -> u64 {
        self.0
    }
}

impl From<u64> for ArticleId {
    fn from(key: u64) -> ArticleId {
        ArticleId(key)
    }
}

/// Why a string is not an [`ArticleId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadArticleId;

impl fmt::Display for BadArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an article id is 16 hex digits")
    }
}

impl std::error::Error for BadArticleId {}

impl std::str::FromStr for ArticleId {
    type Err = BadArticleId;

    fn from_str(s: &str) -> Result<ArticleId, BadArticleId> {
        // `from_str_radix` alone would take a sign (`+123…`).
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadArticleId);
        }
        u64::from_str_radix(s, 16)
            .map(ArticleId)
            .map_err(|_| BadArticleId)
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for ArticleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ArticleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ArticleId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What every listing of an article shows of it: id, title, outlet, date, URL and paths.
///
/// The one summary type: a search hit ([`Hit`](crate::search::Hit)), a hit's copy
/// ([`CopyRef`](crate::search::copies::CopyRef)), a copy cluster's entry
/// ([`ClusterCopy`](crate::search::copies::ClusterCopy)) and an export row
/// ([`ExportRow`](crate::lookup::export::ExportRow)) hold one;
/// [`ArticleRecord`](crate::index::ArticleRecord), which keeps each value's provenance, gives
/// one. The JSON shapes that show these fields are declared by the presenters (and
/// `ArticleRecord`), so the summary itself has none: its serde derives are the wire format
/// between shard processes (`distributed`), not a documented shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleSummary {
    /// Article id.
    pub article_id: ArticleId,
    /// Title.
    pub title: String,
    /// Outlet, when known.
    pub outlet: Option<String>,
    /// Publication date, when known.
    pub date: Option<NaiveDate>,
    /// URL, when known.
    pub url: Option<String>,
    /// The paths it was found at: every one in natural order, or the one record a listing
    /// entry stands for.
    pub paths: Vec<String>,
}

/// One passage of an article: a span of its normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageSpan {
    /// 0-based passage number within the article.
    pub number: u32,
    /// Byte offset where the passage starts in the article text.
    pub start: usize,
    /// Byte offset where it ends (exclusive).
    pub end: usize,
}

/// A named entity of an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleEntity {
    /// Canonical name ("Abu Bakr al-Baghdadi", or the alias table's name).
    pub name: String,
    /// `person`, `org`, `location` or `misc`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Mentions in the article (short forms and aliases included).
    pub count: u32,
    /// The forms the article used, most frequent first.
    pub variants: Vec<String>,
    /// Mentions of each form of `variants`, in the same order.
    pub variant_counts: Vec<u32>,
}

#[cfg(test)]
impl ArticleEntity {
    /// An entity with its forms and their mentions, for tests.
    pub(crate) fn with_forms(
        name: &str,
        kind: &str,
        count: u32,
        forms: &[(&str, u32)],
    ) -> ArticleEntity {
        ArticleEntity {
            name: name.into(),
            kind: kind.into(),
            count,
            variants: forms.iter().map(|f| f.0.to_string()).collect(),
            variant_counts: forms.iter().map(|f| f.1).collect(),
        }
    }
}

/// An article after reading, normalizing and extraction: what gets indexed.
#[derive(Debug, Clone)]
pub struct Article {
    /// Stable id (hash of `text`).
    pub id: ArticleId,
    /// Where it was read from (a file path, or later an archive member).
    pub path: String,
    /// The article's URL, when known.
    pub url: Option<String>,
    /// Title with provenance.
    pub title: Sourced<String>,
    /// Publication date with provenance; `None` when undated.
    pub date: Option<Sourced<NaiveDate>>,
    /// Outlet with provenance; `None` when unknown.
    pub outlet: Option<Sourced<String>>,
    /// Named entities, most mentioned first.
    pub entities: Vec<ArticleEntity>,
    /// The normalized text, boilerplate removed.
    pub text: String,
    /// The passages that get indexed, in text order.
    pub passages: Vec<PassageSpan>,
    /// The text encoding the source was decoded from.
    pub encoding: &'static str,
    /// Site furniture in `text` (sorted, disjoint byte ranges; see `normalize::furniture`): kept
    /// in the stored text, left out of passages, counts and entities.
    pub furniture: Vec<std::ops::Range<usize>>,
    /// MinHash signature of `text` for near-duplicate detection; `None` when the text is too
    /// short to judge.
    pub minhash: Option<crate::dedup::Signature>,
    /// The record's other fields (see [`Meta`]): authors first, then by field name.
    pub meta: Meta,
}

/// Metadata of a record beyond title, text, date, outlet and URL: `(key, value)` pairs, the key
/// lowercased (`bias`, `topic`, [`AUTHOR`]…), the value trimmed and never empty; a key may have
/// several values (a list field, several authors).
pub type Meta = Vec<(String, String)>;

/// The metadata key of an article's authors (from a record's `authors`, `author` or `byline`
/// field, or a page's author tags).
pub const AUTHOR: &str = "author";

/// Converts a byte offset in `text` to a character (Unicode scalar) offset: the characters
/// that start before it.
pub fn char_offset(text: &str, byte: usize) -> usize {
    CharOffsets::new(text).at(byte)
}

/// [`char_offset`] of many byte offsets of one text: offsets asked in ascending order are
/// counted on from the one before, in one walk along the text (a text's passages, its
/// furniture, a passage's highlights), where counting each from the start walks the text once
/// per offset.
pub struct CharOffsets<'a> {
    text: &'a str,
    /// The last offset counted to (on a character boundary), and its characters.
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> CharOffsets<'a> {
        CharOffsets {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of `byte` (see [`char_offset`]).
    pub fn at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte < self.byte {
            (self.byte, self.chars) = (0, 0);
        }
        let rest = &self.text[self.byte..];
        match rest.get(..byte - self.byte) {
            Some(s) => {
                self.chars += s.chars().count();
                self.byte = byte;
                self.chars
            }
            // Inside a character: the characters that start before it, not remembered.
            None => {
                let before = rest
                    .char_indices()
                    .take_while(|(i, _)| self.byte + i < byte);
                self.chars + before.count()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_id_is_stable_and_round_trips() {
        let a = ArticleId::of_text("Hello world");
        assert_eq!(a, ArticleId::of_text("Hello world"));
        assert_ne!(a, ArticleId::of_text("Hello world!"));
        assert_eq!(ArticleId::parse(&a.to_string()), Some(a));
        assert_eq!(a.to_string().len(), 16);
        assert_eq!(ArticleId::parse("xyz"), None);
    }

    #[test]
    fn article_id_serializes_as_its_hex_form() {
        let a = ArticleId(0x00ab_cdef_0123_4567);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"00abcdef01234567\"");
        assert_eq!(serde_json::from_str::<ArticleId>(&json).unwrap(), a);
        let upper: ArticleId = serde_json::from_str("\"00ABCDEF01234567\"").unwrap();
        assert_eq!(upper, a);
        assert!(serde_json::from_str::<ArticleId>("\"abc\"").is_err());
        assert!(serde_json::from_str::<ArticleId>("12").is_err());
    }

    #[test]
    fn bad_article_ids_are_refused() {
        for bad in [
            "",
            "xyz",
            "0123456789abcde",
            "0123456789abcdef0",
            "+123456789abcdef",
        ] {
            assert_eq!(bad.parse::<ArticleId>(), Err(BadArticleId), "{bad:?}");
        }
        assert_eq!(" 0123456789abcdef".parse::<ArticleId>(), Err(BadArticleId));
        assert_eq!(BadArticleId.to_string(), "an article id is 16 hex digits");
        assert_eq!(
            "0123456789ABCDEF".parse(),
            Ok(ArticleId(0x0123_4567_89ab_cdef))
        );
    }

    #[test]
    fn char_offsets_count_scalars() {
        let t = "é a’b";
        assert_eq!(char_offset(t, 0), 0);
        assert_eq!(char_offset(t, 2), 1);
        assert_eq!(char_offset(t, t.len()), 5);
    }

    #[test]
    fn char_offsets_counted_on_agree_with_counting_from_the_start() {
        let t = "é a’b — «Haji» Bakr";
        // Ascending, repeated, inside a character, past the end, then back again.
        let asked = [
            0,
            1,
            2,
            2,
            3,
            5,
            6,
            7,
            9,
            12,
            13,
            4,
            8,
            t.len(),
            t.len() + 4,
            0,
            3,
        ];
        let mut offsets = CharOffsets::new(t);
        for byte in asked {
            assert_eq!(offsets.at(byte), char_offset(t, byte), "byte {byte}");
        }
    }
}
