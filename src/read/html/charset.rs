//! Charsets: declared and real charsets may disagree. Valid UTF-8 is taken as UTF-8 whatever the
//! page declares; otherwise a declared charset (HTTP header, meta, XML declaration) that decodes
//! cleanly; otherwise detection by `read::decode`.

use crate::read::decode;
use std::sync::LazyLock;

/// Decodes page bytes: valid UTF-8 as such; else a declared charset (meta or XML declaration)
/// that decodes without errors; else detection.
pub fn decode_page(bytes: &[u8]) -> Result<(String, &'static str, bool), String> {
    decode_page_hinted(bytes, None)
}

/// [`decode_page`] with a charset declared outside the page (an HTTP `Content-Type` header),
/// tried before the page's own declaration.
pub fn decode_page_hinted(
    bytes: &[u8],
    hint: Option<&str>,
) -> Result<(String, &'static str, bool), String> {
    if let Ok(s) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        return Ok((s.to_string(), "UTF-8", false));
    }
    let hinted = hint.and_then(|h| encoding_rs::Encoding::for_label(h.trim().as_bytes()));
    for enc in hinted.into_iter().chain(declared_charset(bytes)) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return Ok((text.into_owned(), enc.name(), true));
            }
        }
    }
    decode(bytes)
        .map(|d| (d.text, d.encoding, d.transcoded))
        .map_err(|e| e.to_string())
}

static CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)(?:charset|encoding)\s*=\s*["']?([a-z0-9_.:-]+)"#)
        .expect("valid charset regex")
});

fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let label = CHARSET.captures(head)?.get(1)?.as_bytes();
    encoding_rs::Encoding::for_label(label)
}
