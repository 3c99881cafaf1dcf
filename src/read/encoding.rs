//! Bytes → text: byte-order marks, UTF-8 validation, charset detection and
//! decoding, and refusal of empty or binary files.
//!
//! This module owns only the question "what text do these bytes hold?". It
//! must not change the text it decodes (no whitespace, quote or Unicode
//! normalization: that is `text.rs`), must not look at what the text says
//! (that is `boilerplate.rs` and the extractors), and must not touch the file
//! system: callers hand it bytes.

use std::fmt;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How many leading bytes are inspected when deciding whether a file is binary.
const SNIFF_LEN: usize = 8 * 1024;

/// A file is binary when more than `1 / CONTROL_RATIO` of its sniffed bytes are
/// C0 control bytes other than tab, line feed, carriage return and form feed.
const CONTROL_RATIO: usize = 10;

/// Input that is not valid UTF-8 is still read as (damaged) UTF-8 rather than
/// handed to charset detection when it holds at least this many valid
/// multi-byte UTF-8 characters per malformed sequence. Text in a legacy
/// single-byte charset (Latin-1, windows-1252…) almost never forms valid
/// multi-byte UTF-8 sequences, so this only catches UTF-8 with a few bad bytes.
const UTF8_DAMAGE_RATIO: usize = 4;

/// How a file's bytes were turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text, without any byte-order mark.
    pub text: String,
    /// Encoding name as `encoding_rs` spells it (`"UTF-8"`, `"windows-1252"`,
    /// `"UTF-16LE"`…).
    pub encoding: &'static str,
    /// True when the input was not UTF-8 and had to be detected and decoded
    /// from another encoding (callers report it).
    pub transcoded: bool,
    /// True if malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Why bytes could not be read as an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Zero bytes, or only whitespace once decoded.
    Empty,
    /// Looks like binary data (NUL bytes, many control characters), with a
    /// short human-readable reason such as `"contains NUL bytes"`.
    Binary(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("empty file"),
            DecodeError::Binary(reason) => write!(f, "binary file ({reason})"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Turns a file's bytes into text.
///
/// * A UTF-8 byte-order mark is stripped; the rest is read as UTF-8 (malformed
///   sequences become U+FFFD and set `had_errors`).
/// * A UTF-16 LE or BE byte-order mark selects that encoding.
/// * Otherwise valid UTF-8 is taken as is; UTF-8 with only a few malformed
///   sequences is read as UTF-8 with replacement characters; anything else has
///   its encoding guessed by `chardetng` and is decoded with `encoding_rs`.
///
/// # Errors
///
/// [`DecodeError::Empty`] for zero bytes or text that is only whitespace;
/// [`DecodeError::Binary`] when the first 8 KiB hold a NUL byte (unless the
/// file starts with a UTF-16 byte-order mark) or more than 10% C0 control bytes
/// other than `\t`, `\n`, `\r` and `\x0c`.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }

    let decoded = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) if enc == UTF_16LE || enc == UTF_16BE => {
            let body = bytes.get(bom_len..).unwrap_or_default();
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            Decoded {
                text: text.into_owned(),
                encoding: enc.name(),
                transcoded: true,
                had_errors,
            }
        }
        Some((_, bom_len)) => {
            // UTF-8 BOM: the file says it is UTF-8, so believe it.
            let body = bytes.get(bom_len..).unwrap_or_default();
            check_not_binary(body)?;
            decode_utf8(body)
        }
        None => {
            check_not_binary(bytes)?;
            if looks_like_utf8(bytes) {
                decode_utf8(bytes)
            } else {
                decode_detected(bytes)
            }
        }
    };

    if is_blank(&decoded.text) {
        return Err(DecodeError::Empty);
    }
    Ok(decoded)
}

/// Decodes bytes as UTF-8, replacing malformed sequences.
fn decode_utf8(bytes: &[u8]) -> Decoded {
    let (text, had_errors) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    };
    Decoded {
        text,
        encoding: UTF_8.name(),
        transcoded: false,
        had_errors,
    }
}

/// A top-level domain that `chardetng` classifies as Western European; used to
/// ask it for its Western reading of the bytes (see [`decode_detected`]).
const WESTERN_TLD: &[u8] = b"uk";

/// Guesses the encoding of non-UTF-8 bytes and decodes them.
///
/// `chardetng` is asked twice: with no hint, and as if the text came from a
/// Western European domain. When the two answers are different single-byte
/// encodings (typically windows-1250 against windows-1252), the bytes are read
/// both ways and the reading with fewer implausible characters wins, ties
/// going to the unhinted guess (see [`implausible_chars`]). Without this,
/// English text whose only non-ASCII byte is a pound sign (`\xa3`, as in the
/// BBC corpus) is read as windows-1250 and `£15m` comes out as `Ł15m`.
fn decode_detected(bytes: &[u8]) -> Decoded {
    // Archived articles are not scripts, so ISO-2022-JP is a fair guess. The
    // bytes are known not to be valid UTF-8, but allowing the UTF-8 guess
    // keeps a damaged UTF-8 file from being read as some legacy charset.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    let generic = detector.guess(None, Utf8Detection::Allow);
    let western = detector.guess(Some(WESTERN_TLD), Utf8Detection::Allow);

    let (enc, text, had_errors) =
        if generic != western && generic.is_single_byte() && western.is_single_byte() {
            let (g_text, g_errors) = generic.decode_without_bom_handling(bytes);
            let (w_text, w_errors) = western.decode_without_bom_handling(bytes);
            let g_chars: Vec<char> = g_text.chars().collect();
            let w_chars: Vec<char> = w_text.chars().collect();
            if implausible_chars(&w_chars, &g_chars) < implausible_chars(&g_chars, &w_chars) {
                (western, w_text, w_errors)
            } else {
                (generic, g_text, g_errors)
            }
        } else {
            let (text, had_errors) = generic.decode_without_bom_handling(bytes);
            (generic, text, had_errors)
        };
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        transcoded: enc != UTF_8,
        had_errors,
    }
}

/// Counts the characters of one single-byte reading (`text`) that look wrong,
/// looking only where it differs from another reading (`other`) of the same
/// bytes, so both have one character per byte.
///
/// A character looks wrong when it is a letter standing alone (not next to
/// another letter: `Ł15m`), a control character (a byte the encoding leaves
/// undefined), or a symbol glued to the end of a word (`powiedzia³`, which is
/// `powiedział` read as windows-1252), trademark-like signs excepted.
fn implausible_chars(text: &[char], other: &[char]) -> usize {
    let at = |i: Option<usize>| i.and_then(|i| text.get(i)).copied().unwrap_or(' ');
    text.iter()
        .zip(other)
        .enumerate()
        .filter(|&(_, (a, b))| a != b)
        .filter(|&(i, (&c, _))| {
            let prev = at(i.checked_sub(1));
            let next = at(i.checked_add(1));
            if c.is_alphabetic() {
                !prev.is_alphabetic() && !next.is_alphabetic()
            } else if c.is_control() {
                true
            } else {
                prev.is_alphabetic() && !matches!(c, '™' | '®' | '©')
            }
        })
        .count()
}

/// True for valid UTF-8, and for UTF-8 damaged by only a few malformed
/// sequences (see [`UTF8_DAMAGE_RATIO`]).
fn looks_like_utf8(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_ok() {
        return true;
    }
    let mut multibyte = 0usize;
    let mut malformed = 0usize;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            malformed += 1;
        }
    }
    multibyte >= malformed.saturating_mul(UTF8_DAMAGE_RATIO)
}

/// Refuses bytes whose first [`SNIFF_LEN`] bytes look like binary data.
fn check_not_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    let head = bytes.get(..SNIFF_LEN).unwrap_or(bytes);
    if head.contains(&0) {
        return Err(DecodeError::Binary("contains NUL bytes".to_owned()));
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    if controls * CONTROL_RATIO > head.len() {
        let percent = controls * 100 / head.len().max(1);
        return Err(DecodeError::Binary(format!(
            "{percent}% of the first bytes are control characters"
        )));
    }
    Ok(())
}

/// True when the text holds nothing but whitespace and invisible characters.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8]) -> Decoded {
        match decode(bytes) {
            Ok(d) => d,
            Err(e) => panic!("decode failed: {e}"),
        }
    }

    #[test]
    fn utf8_is_taken_as_is() {
        let d = ok("Suleimani’s café\n".as_bytes());
        assert_eq!(d.text, "Suleimani’s café\n");
        assert_eq!(d.encoding, "UTF-8");
        assert!(!d.transcoded);
        assert!(!d.had_errors);
    }

    #[test]
    fn ascii_is_utf8() {
        let d = ok(b"Plain ASCII text.");
        assert_eq!(d.encoding, "UTF-8");
        assert!(!d.transcoded);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = ok(b"\xef\xbb\xbfHello \xc3\xa9t\xc3\xa9");
        assert_eq!(d.text, "Hello été");
        assert_eq!(d.encoding, "UTF-8");
        assert!(!d.transcoded);
        assert!(!d.had_errors);
    }

    #[test]
    fn latin1_is_detected_and_transcoded() {
        let d = ok(b"Caf\xe9 au lait, na\xefve");
        assert_eq!(d.text, "Café au lait, naïve");
        assert!(d.transcoded);
        assert!(!d.had_errors);
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn latin1_pound_sign_in_longer_text() {
        // As in BBC sport/199.txt: "a \xa315.8m signing from Parma".
        let d = ok(b"Chelsea sack Mutu\n\nMutu, a \xa315.8m signing from Parma last season, may face a ban.");
        assert!(d.text.contains("a £15.8m signing"), "{}", d.text);
        assert!(d.transcoded);
    }

    #[test]
    fn pound_sign_is_not_read_as_central_european() {
        // chardetng alone guesses windows-1250 here and yields "Ł15m".
        let d = ok(b"Mutu, a \xa315.8m signing from Parma last season, may face a ban.");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.text,
            "Mutu, a £15.8m signing from Parma last season, may face a ban."
        );
        let d = ok(b"He scored 1\xbd goals per game, earning \xa32m a year.");
        assert_eq!(d.text, "He scored 1½ goals per game, earning £2m a year.");
    }

    #[test]
    fn central_european_and_turkish_are_still_detected() {
        let d = ok(b"Minister powiedzia\xb3, \xbfe sytuacja jest trudna.");
        assert_eq!(d.encoding, "windows-1250");
        assert_eq!(d.text, "Minister powiedział, że sytuacja jest trudna.");
        let d = ok(b"V\xe8era se v Praze se\x9ali minist\xf8i zahrani\xe8\xed, kte\xf8\xed jednali o situaci na Bl\xedzk\xe9m v\xfdchod\xec a o humanit\xe1rn\xed pomoci uprchl\xedk\xf9m.");
        assert_eq!(d.encoding, "windows-1250");
        assert!(d
            .text
            .starts_with("Včera se v Praze sešli ministři zahraničí"));
        let d = ok(b"D\xfcn \xddstanbul'da d\xfd\xfei\xfeleri bakanlar\xfd bir araya gelerek Orta Do\xf0u'daki durumu g\xf6r\xfc\xfet\xfc.");
        assert_eq!(d.encoding, "windows-1254");
        assert!(d.text.starts_with("Dün İstanbul'da dışişleri bakanları"));
    }

    #[test]
    fn cyrillic_is_detected() {
        let d = ok(b"\xc2\xf7\xe5\xf0\xe0 \xe2 \xcc\xee\xf1\xea\xe2\xe5 \xef\xf0\xee\xf8\xeb\xe0 \xe2\xf1\xf2\xf0\xe5\xf7\xe0 \xec\xe8\xed\xe8\xf1\xf2\xf0\xee\xe2.");
        assert_eq!(d.encoding, "windows-1251");
        assert_eq!(d.text, "Вчера в Москве прошла встреча министров.");
    }

    #[test]
    fn windows_1252_curly_quotes() {
        let d = ok(b"He said \x93no\x94 and it\x92s over\x85 for now.");
        assert_eq!(d.text, "He said “no” and it’s over… for now.");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.transcoded);
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let d = ok(b"Caf\xc3\xa9, cr\xc3\xa8me, na\xc3\xafve, \xc3\xa0 la carte \xff and more");
        assert_eq!(d.encoding, "UTF-8");
        assert!(d
            .text
            .starts_with("Café, crème, naïve, à la carte \u{fffd}"));
        assert!(d.had_errors);
        assert!(!d.transcoded);
    }

    #[test]
    fn utf8_bom_with_malformed_bytes_reports_errors() {
        let d = ok(b"\xef\xbb\xbfbad \xff byte");
        assert_eq!(d.text, "bad \u{fffd} byte");
        assert!(d.had_errors);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16le_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "Café\nnaïve".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = ok(&bytes);
        assert_eq!(d.text, "Café\nnaïve");
        assert_eq!(d.encoding, "UTF-16LE");
        assert!(d.transcoded);
        assert!(!d.had_errors);
    }

    #[test]
    fn utf16be_with_bom() {
        let mut bytes = vec![0xfe, 0xff];
        for unit in "Héllo".encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        let d = ok(&bytes);
        assert_eq!(d.text, "Héllo");
        assert_eq!(d.encoding, "UTF-16BE");
    }

    #[test]
    fn utf16_bom_only_is_empty() {
        assert_eq!(decode(&[0xff, 0xfe]), Err(DecodeError::Empty));
        assert_eq!(
            decode(&[0xff, 0xfe, b' ', 0, b'\n', 0]),
            Err(DecodeError::Empty)
        );
    }

    #[test]
    fn png_is_binary() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
        assert_eq!(
            decode(png),
            Err(DecodeError::Binary("contains NUL bytes".to_owned()))
        );
    }

    #[test]
    fn nul_bytes_are_binary() {
        assert!(matches!(
            decode(b"text\0more text"),
            Err(DecodeError::Binary(_))
        ));
    }

    #[test]
    fn many_control_bytes_are_binary() {
        let bytes: Vec<u8> = b"ab\x01\x02\x03cd\x1b\x7f\x05".to_vec();
        let err = decode(&bytes);
        assert!(matches!(err, Err(DecodeError::Binary(_))), "{err:?}");
    }

    #[test]
    fn few_control_bytes_are_text() {
        let mut bytes = b"A form feed\x0c and a tab\t are fine; ".repeat(5);
        bytes.push(0x1b);
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn binary_sniff_looks_only_at_the_head() {
        let mut bytes = vec![b'a'; SNIFF_LEN];
        bytes.push(0);
        assert!(decode(&bytes).is_ok());
    }

    #[test]
    fn empty_and_whitespace_only() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n "), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xef\xbb\xbf \r\n\t"), Err(DecodeError::Empty));
        assert_eq!(
            decode("\u{a0}\u{200b}\n".as_bytes()),
            Err(DecodeError::Empty)
        );
    }

    #[test]
    fn display_messages() {
        assert_eq!(DecodeError::Empty.to_string(), "empty file");
        assert_eq!(
            DecodeError::Binary("contains NUL bytes".to_owned()).to_string(),
            "binary file (contains NUL bytes)"
        );
    }
}
