//! The plain-text reader: one article per `.txt` file.

use super::{decode, RawArticle, Reader, Skip};
use std::path::Path;

/// Reads a plain-text file as one article, decoding legacy encodings.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextReader;

impl Reader for TextReader {
    fn name(&self) -> &'static str {
        "text"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["txt", "text"]
    }

    fn read(&self, path: &Path, bytes: &[u8]) -> Vec<Result<RawArticle, Skip>> {
        let path = path.display().to_string();
        vec![match decode(bytes) {
            Ok(d) => Ok(RawArticle {
                path,
                text: d.text,
                encoding: d.encoding,
                transcoded: d.transcoded,
                ..RawArticle::default()
            }),
            Err(e) => Err(Skip {
                path,
                reason: e.to_string(),
            }),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utf8_and_rejects_binary_and_empty() {
        let r = TextReader;
        let ok = r.read(Path::new("a.txt"), "Title\n\nBody".as_bytes());
        assert_eq!(
            ok[0].as_ref().map(|a| a.text.as_str()).ok(),
            Some("Title\n\nBody")
        );
        let bin = r.read(Path::new("b.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert!(bin[0].is_err());
        let empty = r.read(Path::new("c.txt"), b"");
        assert_eq!(
            empty[0].as_ref().err().map(|s| s.path.as_str()),
            Some("c.txt")
        );
    }
}
