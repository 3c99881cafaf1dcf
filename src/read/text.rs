//! The plain-text reader: one article per `.txt` file.

use super::{decode, slurp, Input, Items, RawArticle, ReadOptions, Reader, Skip};

/// Reads a plain-text file as one article, decoding legacy encodings.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextReader;

impl TextReader {
    /// Decodes one text document's bytes into an article.
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<RawArticle, Skip> {
        match decode(bytes) {
            Ok(d) => Ok(RawArticle {
                path: path.to_string(),
                text: d.text,
                encoding: d.encoding,
                transcoded: d.transcoded,
                ..RawArticle::default()
            }),
            Err(e) => Err(Skip::new(path, e.to_string())),
        }
    }
}

impl Reader for TextReader {
    fn name(&self) -> &'static str {
        "text"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["txt", "text"]
    }

    fn read(&self, path: &str, input: Input, opts: &ReadOptions) -> Items {
        let item = slurp(path, input, opts).and_then(|bytes| TextReader::from_bytes(path, &bytes));
        Box::new(std::iter::once(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &'static [u8]) -> Result<RawArticle, Skip> {
        let mut items = TextReader.read("a.txt", Box::new(bytes), &ReadOptions::default());
        items.next().unwrap()
    }

    #[test]
    fn reads_utf8_and_rejects_binary_and_empty() {
        assert_eq!(
            read(b"Title\n\nBody").map(|a| a.text).ok().as_deref(),
            Some("Title\n\nBody")
        );
        assert!(read(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
        assert_eq!(read(b"").err().map(|s| s.path), Some("a.txt".to_string()));
    }
}
