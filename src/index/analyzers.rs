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

use std::sync::{Arc, Mutex};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
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
        .filter(RememberedStems)
        .build()
}

/// [`NEWS_EN`] analyzers kept on an index handle for the next search: each remembers the stems
/// of the words it has seen ([`RememberedStems`]), so a process that runs many searches (a
/// batch, the server) stems a word of its hits once, not in every search. At most
/// [`POOLED_ANALYZERS`] are kept (one per search running at once).
#[derive(Clone, Default)]
pub struct AnalyzerPool(Arc<Mutex<Vec<TextAnalyzer>>>);

/// Most analyzers an [`AnalyzerPool`] keeps.
const POOLED_ANALYZERS: usize = 8;

impl AnalyzerPool {
    /// An analyzer from the pool, or `fresh()` when none is free; it goes back on drop.
    pub fn take(&self, fresh: impl FnOnce() -> TextAnalyzer) -> PooledAnalyzer {
        let kept = self.0.lock().ok().and_then(|mut v| v.pop());
        PooledAnalyzer {
            analyzer: Some(kept.unwrap_or_else(fresh)),
            pool: self.clone(),
        }
    }
}

/// An analyzer that goes back to its [`AnalyzerPool`] when dropped.
pub struct PooledAnalyzer {
    /// `None` only once dropped.
    analyzer: Option<TextAnalyzer>,
    pool: AnalyzerPool,
}

impl std::ops::Deref for PooledAnalyzer {
    type Target = TextAnalyzer;

    fn deref(&self) -> &TextAnalyzer {
        self.analyzer.as_ref().expect("an analyzer until dropped")
    }
}

impl std::ops::DerefMut for PooledAnalyzer {
    fn deref_mut(&mut self) -> &mut TextAnalyzer {
        self.analyzer.as_mut().expect("an analyzer until dropped")
    }
}

impl Drop for PooledAnalyzer {
    fn drop(&mut self) {
        let Some(analyzer) = self.analyzer.take() else {
            return;
        };
        if let Ok(mut kept) = self.pool.0.lock() {
            if kept.len() < POOLED_ANALYZERS {
                kept.push(analyzer);
            }
        }
    }
}

/// Words whose stems one analyzer remembers; past this, it forgets them all and starts again.
const REMEMBERED_STEMS: usize = 100_000;

/// tantivy's English (Snowball) stemmer, remembering the stems of the words it has seen: news
/// text repeats a small vocabulary (the title of every passage of an article, too), so most
/// words are stemmed once per indexing thread and segment instead of at every occurrence.
/// The stems are exactly the stemmer's. The words are hashed with foldhash (hashbrown's
/// hasher, randomly seeded) rather than SipHash: a word is a few bytes, hashed once per
/// token indexed or highlighted.
#[derive(Clone, Copy, Debug, Default)]
pub struct RememberedStems;

impl TokenFilter for RememberedStems {
    type Tokenizer<T: Tokenizer> = RememberedStemsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RememberedStemsFilter<T> {
        RememberedStemsFilter {
            inner: tokenizer,
            stemmer: stemmer(),
            stems: foldhash::HashMap::default(),
        }
    }
}

/// One word through the stemmer.
fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// See [`RememberedStems`].
pub struct RememberedStemsFilter<T> {
    inner: T,
    stemmer: TextAnalyzer,
    stems: foldhash::HashMap<String, String>,
}

impl<T: Clone> Clone for RememberedStemsFilter<T> {
    /// A copy starts with nothing remembered (analyzers are copied per field and thread).
    fn clone(&self) -> Self {
        RememberedStemsFilter {
            inner: self.inner.clone(),
            stemmer: stemmer(),
            stems: foldhash::HashMap::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for RememberedStemsFilter<T> {
    type TokenStream<'a> = RememberedStemsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberedStemsStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            stems: &mut self.stems,
        }
    }
}

/// See [`RememberedStems`].
pub struct RememberedStemsStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
    stems: &'a mut foldhash::HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for RememberedStemsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let mut stream = self.stemmer.token_stream(&token.text);
        let stem = if stream.advance() {
            stream.token().text.clone()
        } else {
            token.text.clone()
        };
        drop(stream);
        if self.stems.len() >= REMEMBERED_STEMS {
            self.stems.clear();
        }
        self.stems
            .insert(std::mem::replace(&mut token.text, stem.clone()), stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
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

/// The term the [`KEYWORD`] analyzer indexes for `value` as written (no collapsing of inner
/// spaces: what a document's field holds, where [`keyword_key`] is what a filter asks for).
pub fn keyword_term(value: &str) -> String {
    let mut a = keyword();
    let mut stream = a.token_stream(value);
    let mut out = String::new();
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
    out
}

/// The normalized key of an exact value (outlet or entity name), as the [`KEYWORD`] analyzer
/// indexes it: trimmed, inner spaces collapsed, lowercased, ASCII-folded.
pub fn keyword_key(value: &str) -> String {
    keyword_term(&value.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_lends_analyzers_back_and_keeps_a_few() {
        let pool = AnalyzerPool::default();
        let kept = |pool: &AnalyzerPool| pool.0.lock().unwrap().len();
        let mut first = pool.take(news_en);
        let words = |a: &mut TextAnalyzer| -> Vec<String> {
            analyze(a, "Elections electing")
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        assert_eq!(words(&mut first), ["elect", "elect"]);
        drop(first);
        assert_eq!(kept(&pool), 1);
        // The analyzer lent again remembers the stems and gives the same tokens.
        let mut again = pool.take(|| unreachable!("one is free"));
        assert_eq!(kept(&pool), 0);
        assert_eq!(words(&mut again), ["elect", "elect"]);
        drop(again);
        // Searches at once each get one; no more than POOLED_ANALYZERS are kept.
        let many: Vec<PooledAnalyzer> = (0..POOLED_ANALYZERS + 3)
            .map(|_| pool.take(news_en))
            .collect();
        assert_eq!(kept(&pool), 0);
        drop(many);
        assert_eq!(kept(&pool), POOLED_ANALYZERS);
        // One of another pool goes back to that one.
        drop(AnalyzerPool::default().take(news_en));
        assert_eq!(kept(&pool), POOLED_ANALYZERS);
    }

    fn texts(s: &str) -> Vec<String> {
        analyze(&mut news_en(), s)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn remembered_stems_are_the_stemmers() {
        let plain = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(Stemmer::new(Language::English))
                .build()
        };
        let text = "Elections: the elected electors elect. Running runners ran; Khlifawī's \
                    elections, running again and again, generously generous.";
        let mut remembering = news_en();
        // Twice through the same analyzer: the second time every stem is remembered.
        for _ in 0..2 {
            assert_eq!(analyze(&mut remembering, text), analyze(&mut plain(), text));
        }
        assert_eq!(
            analyze(&mut remembering.clone(), text),
            analyze(&mut plain(), text)
        );
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
