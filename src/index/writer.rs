//! Writing articles: documents, de-duplication by id, batched commits.

use super::clusters::ClusterFinder;
use super::schema::{Fields, KIND_ARTICLE, KIND_PASSAGE, KIND_PATH};
use super::MorgueIndex;
use crate::error::Result;
use crate::model::Article;
use crate::normalize::furniture::{encode_ranges, without};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tantivy::collector::Count;
use tantivy::indexer::UserOperation;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

/// Total indexing memory budget, shared by the writer threads.
const MEMORY_BUDGET: usize = 256 << 20;

/// What [`ArticleWriter::add`] did with an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new article: its passages, metadata and path were indexed; `copy` when it is a
    /// near-duplicate copy of a story already indexed.
    New {
        /// The article joined the copy cluster of an earlier one.
        copy: bool,
    },
    /// The same text was already indexed from another path; this path was recorded.
    NewPath,
    /// The same text was already added by this ingest from a record that comes later in input
    /// order: this path was recorded and the article built again from it (see
    /// [`ArticleWriter::add`]).
    Rebuilt {
        /// The article as first built was undated.
        was_undated: bool,
        /// The outlet of the record it was first built from (`""` when unknown).
        was_outlet: Box<str>,
        /// The article is a near-duplicate copy of a story indexed before it.
        copy: bool,
    },
    /// The same text from the same path was already indexed: nothing was added.
    AlreadyPresent,
}

/// Counts kept by the writer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Passage documents added.
    pub passages: u64,
    /// Commits made.
    pub commits: u64,
    /// New articles found to be near-duplicate copies of an indexed story.
    pub copies: u64,
    /// Time spent finding copy clusters, in nanoseconds.
    pub cluster_nanos: u64,
}

/// The input order of two records' path labels: by file, as the reader sorts the files it is
/// given (`Path` order, component by component), then by the record's number within it: a line
/// (`dump.jsonl:9` before `dump.jsonl:10`) or an element of a JSON array or WARC file
/// (`feed.json#2` before `feed.json#10`). A label without a number comes before the numbered
/// records of the same file.
pub fn record_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(label: &str) -> (&Path, Option<u64>) {
        let numbered = label
            .rfind([':', '#'])
            .and_then(|at| Some((&label[..at], label[at + 1..].parse::<u64>().ok()?)));
        match numbered {
            Some((file, n)) => (Path::new(file), Some(n)),
            None => (Path::new(label), None),
        }
    }
    split(a).cmp(&split(b))
}

/// An article a writer added: what building it again from another record needs.
struct AddedArticle {
    /// The label of the record it was built from.
    path: String,
    /// Its copy cluster.
    cluster: u64,
    /// It joined the cluster of a story indexed before it.
    copy: bool,
    /// Its outlet (`""` when unknown).
    outlet: Box<str>,
    /// It is undated.
    undated: bool,
    /// Its passages as last indexed.
    passages: u64,
}

impl AddedArticle {
    fn of(a: &Article, cluster: u64, copy: bool) -> AddedArticle {
        AddedArticle {
            path: a.path.clone(),
            cluster,
            copy,
            outlet: a.outlet.as_ref().map_or("", |o| o.value.as_str()).into(),
            undated: a.date.is_none(),
            passages: a.passages.len() as u64,
        }
    }
}

/// Adds articles to an index, once each, committing in batches.
pub struct ArticleWriter {
    fields: Fields,
    writer: IndexWriter,
    searcher: Searcher,
    known: super::Keys,
    known_paths: HashSet<(u64, String)>,
    /// The articles this writer added, by key (see [`ArticleWriter::add`] on which record a
    /// text's article is built from).
    added: HashMap<u64, AddedArticle>,
    /// The passages of each article this writer built again ([`ArticleWriter::replace`]).
    replaced: HashMap<u64, u64>,
    clusters: ClusterFinder,
    pending: usize,
    batch: usize,
    stats: WriterStats,
    /// The index folder and the mode new files get there (see [`super::directory::FileMode`]).
    mode: super::directory::FileMode,
}

impl ArticleWriter {
    /// Opens the single writer of the index in `dir`; commits every `batch` articles.
    ///
    /// `root`, for a shard, is a searcher over every shard of its sharded root (this one
    /// included): a text another shard holds is then recorded as a new path of that article,
    /// and a near-duplicate of another shard's story joins its copy cluster, so the shards hold
    /// what one index would.
    pub fn open(
        mi: &MorgueIndex,
        dir: &Path,
        batch: usize,
        root: Option<Searcher>,
    ) -> Result<ArticleWriter> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .clamp(1, 8);
        let writer = mi
            .index
            .writer_with_num_threads(threads, MEMORY_BUDGET.max(threads * (16 << 20)))
            .map_err(|e| super::directory::classify(dir, e))?;
        let reader = mi
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let kind_article = TermQuery::new(
            Term::from_field_text(mi.fields.kind, KIND_ARTICLE),
            IndexRecordOption::Basic,
        );
        // The root's searcher covers this shard too.
        let prior = root.unwrap_or_else(|| searcher.clone());
        let known: super::Keys = prior.search(&kind_article, &super::KeyCollector)?;
        Ok(ArticleWriter {
            fields: mi.fields,
            writer,
            clusters: ClusterFinder::new(mi.fields, prior),
            searcher,
            known,
            known_paths: HashSet::new(),
            added: HashMap::new(),
            replaced: HashMap::new(),
            pending: 0,
            batch: batch.max(1),
            stats: WriterStats::default(),
            mode: super::directory::FileMode::of_new_files(dir)?,
        })
    }

    /// Counts so far (passages added, commits made).
    pub fn stats(&self) -> WriterStats {
        self.stats
    }

    /// The passages of the articles this writer added, as last indexed: after an article was
    /// built again ([`ArticleWriter::replace`]: from an earlier record, or because its
    /// furniture changed), its new passages, not its first ones.
    pub fn added_passages(&self) -> u64 {
        self.added.values().map(|a| a.passages).sum()
    }

    /// The passages of each article this writer added, by key, as last indexed (see
    /// [`ArticleWriter::added_passages`]).
    pub fn added_passage_counts(&self) -> HashMap<u64, u64> {
        self.added.iter().map(|(&k, a)| (k, a.passages)).collect()
    }

    /// The passages of each article this writer built again, by key: what another writer's
    /// [`ArticleWriter::added_passage_counts`] become when this one re-indexes its articles.
    pub fn replaced_passages(&self) -> &HashMap<u64, u64> {
        &self.replaced
    }

    /// Number of distinct articles in the index, including those added so far.
    pub fn article_count(&self) -> usize {
        self.known.len()
    }

    /// Adds an article unless the same text is already indexed; records a new path either way.
    ///
    /// A text read from several records in one ingest is built from the record that comes
    /// first in input order ([`record_order`]), not from the first to arrive: workers finish
    /// in any order, and the article's record gives its title, outlet and date, which filters
    /// and counts read. When an earlier record of a text this writer added arrives later, the
    /// article is built again from it ([`ArticleWriter::replace`]); its path documents stay.
    /// An article of an earlier ingest keeps its record (ingests run one after the other).
    pub fn add(&mut self, a: &Article) -> Result<Added> {
        let key = a.id.0;
        if self.known.contains(&key) {
            if self.has_path(a) {
                return Ok(Added::AlreadyPresent);
            }
            self.writer.add_document(self.path_doc(a))?;
            self.known_paths.insert((key, a.path.clone()));
            let earlier = self
                .added
                .get(&key)
                .filter(|was| record_order(&a.path, &was.path).is_lt())
                .map(|was| (was.cluster, was.copy, was.undated, was.outlet.clone()));
            return match earlier {
                Some((cluster, copy, was_undated, was_outlet)) => {
                    self.added.insert(key, AddedArticle::of(a, cluster, copy));
                    self.replace(a, cluster, None)?;
                    Ok(Added::Rebuilt {
                        was_undated,
                        was_outlet,
                        copy,
                    })
                }
                None => {
                    self.bump()?;
                    Ok(Added::NewPath)
                }
            };
        }
        let started = std::time::Instant::now();
        let assigned = self.clusters.assign(key, a.minhash.as_ref())?;
        self.stats.cluster_nanos += started.elapsed().as_nanos() as u64;
        let copy = assigned.copy_of.is_some();
        self.stats.copies += u64::from(copy);
        self.add_article(a, assigned.cluster, vec![self.path_doc(a)])?;
        self.known.insert(key);
        self.known_paths.insert((key, a.path.clone()));
        self.added
            .insert(key, AddedArticle::of(a, assigned.cluster, copy));
        self.bump()?;
        Ok(Added::New { copy })
    }

    /// Replaces the passages and article document of an indexed article (same id) by those of
    /// `a`, in copy cluster `cluster`: re-indexing one article when what is known of its
    /// furniture changed, or when an earlier record of it arrived.
    ///
    /// With `records` (its path documents as stored, every one of them, read from a searcher of
    /// a commit that has all of the article's records, such as the one the furniture pass takes
    /// after committing), the path documents are written again just before the new article
    /// document, where a new article's go (see `add_article`), each keeping what it stored (its
    /// path and appearance). Without them the path documents stay where they are: an article
    /// built again during an ingest may have records not committed yet.
    pub fn replace(
        &mut self,
        a: &Article,
        cluster: u64,
        records: Option<Vec<TantivyDocument>>,
    ) -> Result<()> {
        let f = &self.fields;
        let kinds: &[&str] = match records {
            Some(_) => &[KIND_PASSAGE, KIND_PATH, KIND_ARTICLE],
            None => &[KIND_PASSAGE, KIND_ARTICLE],
        };
        for &kind in kinds {
            let q = BooleanQuery::new(vec![
                (Occur::Must, term(f.kind, kind)),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.article_key, a.id.0),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            self.writer.delete_query(Box::new(q))?;
        }
        let records = records
            .unwrap_or_default()
            .into_iter()
            .map(|mut doc| {
                // The kind and key are indexed, not stored.
                doc.add_text(f.kind, KIND_PATH);
                doc.add_u64(f.article_key, a.id.0);
                doc
            })
            .collect();
        self.add_article(a, cluster, records)?;
        let passages = a.passages.len() as u64;
        if let Some(added) = self.added.get_mut(&a.id.0) {
            added.passages = passages;
        }
        self.replaced.insert(a.id.0, passages);
        self.bump()
    }

    /// Adds `a`'s passages and article document (and `records`, its path documents), as one
    /// batch: one indexing thread writes them side by side in one segment, which merges keep,
    /// so the article table finds an article's passages as one run of documents (ranking a few
    /// articles reads their runs only; see `search::table`).
    ///
    /// The records' documents go just before the article document. The document store closes
    /// a block after the document that takes it past its size, so they nearly always share the
    /// article document's block: a search hit reads both (its fields and its appearances) and
    /// decompresses one block, not two. Decompressing blocks is the largest cost of a search
    /// whose documents are not in the store's cache (with the records after the article, 8 of
    /// the 10 hits of `search impeachment` at AllSides 1× decompressed two blocks).
    fn add_article(
        &mut self,
        a: &Article,
        cluster: u64,
        records: Vec<TantivyDocument>,
    ) -> Result<()> {
        let mut ops: Vec<UserOperation<TantivyDocument>> = self
            .passage_docs(a)
            .into_iter()
            .map(UserOperation::Add)
            .collect();
        self.stats.passages += ops.len() as u64;
        ops.extend(records.into_iter().map(UserOperation::Add));
        ops.push(UserOperation::Add(self.article_doc(a, cluster)));
        self.writer.run(ops)?;
        Ok(())
    }

    fn bump(&mut self) -> Result<()> {
        self.pending += 1;
        if self.pending >= self.batch {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits what was added so far: after this, an interrupted ingest keeps it.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending > 0 {
            self.writer.commit()?;
            self.stats.commits += 1;
            self.pending = 0;
            self.mode.apply()?;
        }
        Ok(())
    }

    /// Commits and waits for background merges to finish.
    pub fn finish(mut self) -> Result<WriterStats> {
        self.commit()?;
        self.writer.wait_merging_threads()?;
        self.mode.apply()?;
        Ok(self.stats)
    }

    fn has_path(&self, a: &Article) -> bool {
        if self.known_paths.contains(&(a.id.0, a.path.clone())) {
            return true;
        }
        let f = &self.fields;
        let q = BooleanQuery::new(vec![
            (Occur::Must, term(f.kind, KIND_PATH)),
            (Occur::Must, term(f.article_id, &a.id.to_string())),
            (Occur::Must, term(f.path, &a.path)),
        ]);
        self.searcher
            .search(&q, &Count)
            .map(|n| n > 0)
            .unwrap_or(false)
    }

    fn common(&self, doc: &mut TantivyDocument, a: &Article, kind: &str) {
        let f = &self.fields;
        doc.add_text(f.kind, kind);
        if kind != KIND_PASSAGE {
            doc.add_text(f.article_id, a.id.to_string());
        }
        doc.add_u64(f.article_key, a.id.0);
    }

    fn passage_docs(&self, a: &Article) -> Vec<TantivyDocument> {
        let f = &self.fields;
        a.passages
            .iter()
            .map(|p| {
                let mut doc = TantivyDocument::default();
                self.common(&mut doc, a, KIND_PASSAGE);
                doc.add_u64(f.passage_no, p.number as u64);
                let body = if a.furniture.is_empty() {
                    a.text[p.start..p.end].to_string()
                } else {
                    without(&a.text, p.start..p.end, &a.furniture)
                };
                doc.add_text(f.body, &body);
                doc
            })
            .collect()
    }

    fn article_doc(&self, a: &Article, cluster: u64) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        self.common(&mut doc, a, KIND_ARTICLE);
        doc.add_u64(f.cluster, cluster);
        if let Some(sig) = &a.minhash {
            for b in sig.bands() {
                doc.add_u64(f.band, b);
            }
            doc.add_bytes(f.minhash, &sig.compact());
        }
        doc.add_text(f.title, &a.title.value);
        doc.add_text(f.title_text, &a.title.value);
        doc.add_text(f.title_source, &a.title.source);
        doc.add_text(f.text, &a.text);
        if let Some(d) = &a.date {
            doc.add_date(f.date, date_value(d.value));
            doc.add_text(f.date_source, &d.source);
        }
        if let Some(o) = &a.outlet {
            doc.add_text(f.outlet, &o.value);
            doc.add_text(f.outlet_source, &o.source);
        }
        // Every name the article used, keyed canonically, with name and form terms: searches
        // resolve a name through the current alias table and the archive at query time, so
        // neither needs a re-index.
        for k in super::entity_terms(&a.entities) {
            doc.add_text(f.entity, k);
        }
        if let Some(u) = &a.url {
            doc.add_text(f.url, u);
        }
        doc.add_text(f.encoding, a.encoding);
        for (k, v) in &a.meta {
            doc.add_text(f.meta, super::meta::meta_term(k, v));
        }
        super::records::add_entity_facts(&mut doc, f, &a.entities);
        doc.add_u64(f.passages, a.passages.len() as u64);
        doc.add_bytes(
            f.passage_bounds,
            &super::records::encode_bounds(a.passages.iter().map(|p| p.start..p.end)),
        );
        if !a.furniture.is_empty() {
            doc.add_text(f.furniture, encode_ranges(&a.furniture));
        }
        let words = a.text.split_whitespace().count()
            - a.furniture
                .iter()
                .map(|r| a.text[r.clone()].split_whitespace().count())
                .sum::<usize>();
        doc.add_u64(f.words, words as u64);
        doc.add_u64(f.chars, a.text.chars().count() as u64);
        doc
    }

    fn path_doc(&self, a: &Article) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        self.common(&mut doc, a, KIND_PATH);
        doc.add_text(self.fields.path, &a.path);
        let appearance = super::records::Appearance::of(a);
        if let Ok(json) = serde_json::to_string(&appearance) {
            doc.add_text(self.fields.appearance, json);
        }
        doc
    }
}

/// A date as the index stores it: midnight UTC of that day.
pub fn date_value(d: chrono::NaiveDate) -> DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or(0);
    DateTime::from_timestamp_secs(secs)
}

fn term(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

#[cfg(test)]
mod tests {
    use super::record_order;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn records_are_ordered_by_file_then_number() {
        assert_eq!(record_order("dump.jsonl:9", "dump.jsonl:10"), Less);
        assert_eq!(record_order("a.jsonl:41", "b.jsonl:1"), Less);
        assert_eq!(record_order("b.jsonl:1", "a.jsonl:41"), Greater);
        assert_eq!(record_order("page.html", "page.html:1"), Less);
        assert_eq!(record_order("x.csv:7", "x.csv:7"), Equal);
        // Elements of a JSON array or records of a WARC file.
        assert_eq!(record_order("feed.json#2", "feed.json#10"), Less);
        assert_eq!(record_order("crawl.warc#12", "crawl.warc#3"), Greater);
        // Files as the reader sorts them: component by component.
        assert_eq!(record_order("d/2019/a.jsonl:5", "d/2019.jsonl:1"), Less);
        // Not a record number: the whole label is the file's.
        assert_eq!(record_order("c:/dir/a.html", "c:/dir/b.html"), Less);
    }
}
