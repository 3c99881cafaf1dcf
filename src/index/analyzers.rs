//! The named analyzers, registered in one place.
//!
//! - [`NEWS_EN`]: text fields (title, body). Splits on non-alphanumerics, drops tokens over 40
//!   bytes, lowercases, folds to ASCII (`Suleimani’s` = `Suleimani's`, `Khlifawī` = `khlifawi`) and
//!   applies the English (Snowball) stemmer, so `elections` finds `election`.
//! - [`KEYWORD`]: exact-value fields (outlet, entity). The whole value is one token, lowercased and
//!   folded, so `outlet:"rinf alternative news"` matches `RINF Alternative News`.
//!
//! The highlighter runs text through the same [`NEWS_EN`] analyzer, so what is marked is exactly
//! what matched.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};
use tantivy::Index;

/// Name of the English text analyzer.
pub const NEWS_EN: &str = "news_en";
/// Name of the case- and accent-insensitive exact-value analyzer.
pub const KEYWORD: &str = "keyword_ci";

/// Builds the English text analyzer.
pub fn news_en() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Builds the exact-value analyzer.
pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers every analyzer on an index handle.
pub fn register(index: &Index) {
    index.tokenizers().register(NEWS_EN, news_en());
    index.tokenizers().register(KEYWORD, keyword());
}

/// An analyzed token: its normalized text and byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// The token as indexed (lowercased, folded, stemmed).
    pub text: String,
    /// Byte range in the analyzed string.
    pub span: std::ops::Range<usize>,
}

/// Runs `text` through the [`NEWS_EN`] analyzer.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<AnalyzedToken> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        out.push(AnalyzedToken {
            text: t.text.clone(),
            span: t.offset_from..t.offset_to,
        });
    }
    out
}

/// The normalized key of an exact value (outlet or entity name), as the [`KEYWORD`] analyzer
/// indexes it: trimmed, inner spaces collapsed, lowercased, ASCII-folded.
pub fn keyword_key(value: &str) -> String {
    let collapsed = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut a = keyword();
    let mut stream = a.token_stream(&collapsed);
    let mut out = String::new();
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        analyze(&mut news_en(), s)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn curly_and_straight_apostrophes_analyze_alike() {
        assert_eq!(texts("Suleimani’s"), texts("Suleimani's"));
    }

    #[test]
    fn stems_lowercases_and_folds() {
        assert_eq!(texts("Elections CAFÉ"), vec!["elect", "cafe"]);
    }

    #[test]
    fn keyword_keys_are_case_and_space_insensitive() {
        assert_eq!(
            keyword_key("  RINF   Alternative News "),
            "rinf alternative news"
        );
        assert_eq!(keyword_key("Der Spiegel"), keyword_key("der SPIEGEL"));
    }
}
