//! BM25 statistics of a commit's live documents.
//!
//! tantivy scores with statistics that count deleted documents until a merge drops them: the
//! number of documents (`max_doc`), how many documents hold a term, and the tokens of a field.
//! An article indexed again (its furniture changed) leaves its old documents deleted, and which
//! of them a commit has merged away depends on thread timing, so two ingests of the same files
//! scored the same passages differently, and near-ties swapped (hits 43 and 44 of
//! `search Trump --limit 50` on 4,000 AllSides articles). [`LiveStatistics`] counts live
//! documents only: a score depends on what the index holds, not on how it got there. A sharded
//! index's shards add theirs up (`crate::distributed`) to the figures of one index holding them
//! all.

use super::table::ArticleTable;
use crate::index::{live_term_docs, live_tokens};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// The BM25 statistics of `searcher`'s live documents: their number, how many of them hold a
/// term (`index::live_term_docs`), and the tokens of each scored field (kept in the commit's
/// article table, see `index::live_tokens`).
pub struct LiveStatistics<'a> {
    searcher: &'a Searcher,
    table: &'a ArticleTable,
    /// The terms counted so far: counting a term's live documents walks its postings in a
    /// segment with deleted documents (549,000 for `the` at 1×), and a search asks for a term
    /// more than once (the bound of its words, then their weight).
    counted: std::sync::Mutex<std::collections::HashMap<Term, u64>>,
}

impl<'a> LiveStatistics<'a> {
    /// The statistics of `searcher`'s commit; `table` is its article table.
    pub fn new(searcher: &'a Searcher, table: &'a ArticleTable) -> LiveStatistics<'a> {
        LiveStatistics {
            searcher,
            table,
            counted: Default::default(),
        }
    }
}

impl Bm25StatisticsProvider for LiveStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.table.live_tokens(field) {
            Some(n) => Ok(n),
            None => live_tokens(self.searcher, field).map_err(into_tantivy),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let known = match self.counted.lock() {
            Ok(counted) => counted.get(term).copied(),
            Err(_) => None,
        };
        if let Some(n) = known {
            return Ok(n);
        }
        let n = live_term_docs(self.searcher, term).map_err(into_tantivy)?;
        if let Ok(mut counted) = self.counted.lock() {
            counted.insert(term.clone(), n);
        }
        Ok(n)
    }
}

impl Scoring for LiveStatistics<'_> {
    fn articles(&self) -> tantivy::Result<u64> {
        Ok(self.table.len() as u64)
    }
}

/// BM25 statistics of both kinds of scored documents: passages, which hold the words, and
/// articles, which hold the title (see `search::titles`).
pub trait Scoring: Bm25StatisticsProvider {
    /// The number of live articles: the documents a title is scored among.
    fn articles(&self) -> tantivy::Result<u64>;
}

/// The statistics a title is scored with: those of `0`, among its articles (their number is
/// the documents' for the inverse document frequency and the average title length).
pub struct OverArticles<'a>(pub &'a dyn Scoring);

impl Bm25StatisticsProvider for OverArticles<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.0.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.0.articles()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.0.doc_freq(term)
    }
}

fn into_tantivy(e: crate::Error) -> tantivy::TantivyError {
    match e {
        crate::Error::Index(e) => e,
        other => tantivy::TantivyError::InternalError(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use crate::search::testing::{article, passage};
    use crate::search::{parse, rank_top, select, Filters, SortOrder};
    use tantivy::{TantivyDocument, Term};

    /// (key, best passage's score and number) of each ranked article for `query`.
    fn ranked(dir: &std::path::Path, query: &str) -> Vec<(u64, Option<(f32, u64)>)> {
        let mi = crate::index::open(dir).unwrap();
        let searcher = mi.searcher().unwrap();
        let expr = parse(query).unwrap();
        let articles = select(&mi, &searcher, Some(&expr), &Filters::default())
            .unwrap()
            .articles;
        rank_top(
            &mi,
            &searcher,
            &expr,
            articles,
            1,
            SortOrder::Relevance,
            100,
        )
        .unwrap()
        .iter()
        .map(|r| (r.key, r.best.0.first().map(|&(s, n, _)| (s, n))))
        .collect()
    }

    /// Indexes six articles; with `churn`, also documents deleted later, as an article indexed
    /// again leaves them until a merge.
    fn build(dir: &std::path::Path, churn: bool) {
        let mi = crate::index::open_or_create(dir).unwrap();
        let f = mi.fields;
        let mut w = mi.index.writer::<TantivyDocument>(50_000_000).unwrap();
        let bodies = [
            "pier harbor ferry",
            "pier pier council budget storm",
            "harbor storm orchard pier",
            "ferry ferry ferry council",
            "budget orchard pier pier pier",
            "storm storm harbor",
        ];
        let outlet = |key: u64| match key % 3 {
            0 => "Harbor Times",
            _ => "Ferry News",
        };
        for (a, body) in bodies.iter().enumerate() {
            let key = 100 + a as u64;
            let mut doc = article(&f, key);
            doc.add_text(f.outlet, outlet(key));
            w.add_document(doc).unwrap();
            w.add_document(passage(&f, key, 0, body)).unwrap();
            if churn && a % 2 == 0 {
                // The earlier version of this article: more of "pier", longer passages.
                let old = format!("{body} pier pier zzold zzold zzold zzold zzold zzold");
                w.add_document(passage(&f, key, 1, &old)).unwrap();
            }
        }
        if churn {
            // And an article since gone, with its outlet and passage.
            let mut doc = article(&f, 999);
            doc.add_text(f.outlet, outlet(999));
            w.add_document(doc).unwrap();
            w.add_document(passage(&f, 999, 0, "pier pier pier ferry"))
                .unwrap();
        }
        w.commit().unwrap();
        if churn {
            w.delete_term(Term::from_field_text(f.body, "zzold"));
            w.delete_term(Term::from_field_u64(f.article_key, 999));
            w.commit().unwrap();
        }
    }

    #[test]
    fn scores_depend_on_the_live_documents_only() {
        let (fresh, churned) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        build(fresh.path(), false);
        build(churned.path(), true);
        // A keyword atom has statistics too (its field has no norms), though passages, which
        // ranking scores, do not hold it.
        for query in [
            "pier",
            "pier OR ferry",
            "harbor storm",
            "pier OR outlet:\"Harbor Times\"",
        ] {
            let want = ranked(fresh.path(), query);
            assert!(want.len() >= 2, "{query}: {want:?}");
            let scored = want.iter().filter(|(_, best)| best.is_some()).count();
            assert!(scored >= 2, "{query}: {want:?}");
            // Bit for bit: the deleted passages change no document count, term count or
            // average length.
            assert_eq!(ranked(churned.path(), query), want, "{query}");
        }
    }
}
