//! The page's language: declared in its markup (`<html lang>`, `content-language`, `og:locale`),
//! else the script most of its letters are in.

use crate::dates::SlashOrder;
use dom_query::Document;

/// The primary language subtag (`de` for `de-DE`, lowercase) the page declares, if any.
pub fn declared(doc: &Document) -> Option<String> {
    declared_tag(doc).map(|tag| primary(&tag).to_string())
}

/// The language tag the page declares (`de-de`, `en-gb`: lowercase, `_` as `-`): the first of
/// `<html lang>`, `<html xml:lang>`, `content-language`, `og:locale` whose primary subtag is a
/// language code.
pub fn declared_tag(doc: &Document) -> Option<String> {
    let candidates = [
        ("html", "lang"),
        ("html", "xml:lang"),
        ("meta[http-equiv='content-language' i]", "content"),
        ("meta[property='og:locale']", "content"),
    ];
    candidates.iter().find_map(|(sel, attr)| {
        let v = doc.select(sel).nodes().first()?.attr(attr)?;
        let tag = v.trim().to_ascii_lowercase().replace('_', "-");
        let p = primary(&tag);
        (p.len() >= 2 && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_lowercase())).then_some(tag)
    })
}

/// A tag's primary subtag (`de` of `de-de`).
pub fn primary(tag: &str) -> &str {
    tag.split(['-', ',', ' ']).next().unwrap_or_default()
}

/// How a page declaring the language tag `tag` (see [`declared_tag`]) writes all-numeric
/// slashed dates: US and Philippine English write the month first; other locales the day first
/// (`en-GB`, `de`, `fr-CA`…). Unknown without a declared language, for bare `en` and `en-CA`
/// (either order is common), and for year-first locales (Chinese, Japanese, Korean, Hungarian,
/// Lithuanian, Persian, Mongolian).
pub fn slash_order(tag: Option<&str>) -> SlashOrder {
    let Some(tag) = tag else {
        return SlashOrder::Unknown;
    };
    let mut parts = tag.split(['-', ',', ' ']);
    match (parts.next(), parts.next()) {
        (Some("en"), None | Some("ca")) => SlashOrder::Unknown,
        (Some("en"), Some("us" | "ph")) => SlashOrder::MonthFirst,
        // Locales that write the year first: a day-month-year numeral is no habit of theirs.
        (Some("zh" | "ja" | "ko" | "hu" | "lt" | "fa" | "mn"), _) => SlashOrder::Unknown,
        (Some(_), _) => SlashOrder::DayFirst,
        _ => SlashOrder::Unknown,
    }
}

/// A language tag for the script most letters of `text` are in (`und-Arab`, `und-Cyrl`,
/// `und-Hani`, `und-Latn`…), for pages that declare no language. Persian letters
/// (`پ چ ژ گ ک ی`) make an Arabic-script page `fa`.
pub fn by_script(text: &str) -> Option<String> {
    let mut counts = [0usize; 8];
    const NAMES: [&str; 8] = [
        "und-Latn", "und-Cyrl", "und-Arab", "und-Hani", "und-Hang", "und-Grek", "und-Hebr",
        "und-Thai",
    ];
    let mut persian = 0usize;
    for c in text.chars().take(20_000).filter(|c| c.is_alphabetic()) {
        let i = match c as u32 {
            0x0000..=0x024F | 0x1E00..=0x1EFF => 0,
            0x0400..=0x052F => 1,
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                if matches!(c, 'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی') {
                    persian += 1;
                }
                2
            }
            0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => 3,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => 4,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => 5,
            0x0590..=0x05FF => 6,
            0x0E00..=0x0E7F => 7,
            _ => continue,
        };
        counts[i] += 1;
    }
    let (best, &n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
    if n == 0 {
        return None;
    }
    if best == 2 && persian * 50 > n {
        return Some("fa".into());
    }
    Some(NAMES[best].into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_then_script() {
        let doc = Document::from("<html lang='de-DE'><body>x</body></html>");
        assert_eq!(declared(&doc).as_deref(), Some("de"));
        let doc = Document::from("<html><body>x</body></html>");
        assert_eq!(declared(&doc), None);
        assert_eq!(by_script("Привет, мир").as_deref(), Some("und-Cyrl"));
        assert_eq!(
            by_script("سلام دنیا، این یک پیام است").as_deref(),
            Some("fa")
        );
        assert_eq!(by_script("مرحبا بالعالم").as_deref(), Some("und-Arab"));
        assert_eq!(
            by_script("2017年11月18日の記事").as_deref(),
            Some("und-Hani")
        );
        assert_eq!(by_script("123"), None);
    }
}
