//! The schema and the field handles.

use super::analyzers::{KEYWORD, NEWS_EN};
use tantivy::schema::{
    BytesOptions, DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, STORED,
};

/// Version of the layout below; bump it when a change needs a re-index.
pub const SCHEMA_VERSION: u64 = 12;

/// What changed in [`SCHEMA_VERSION`], said to whoever opens an index of an older version.
pub const SCHEMA_CHANGE: &str =
    "version 12 keeps each passage's place in its article on the article document instead of in \
     two columns of the passage documents: a search opens no column whose header grows with the \
     archive to show its hits";

/// Name of the metadata field (see [`Fields::meta`]).
pub const META_FIELD: &str = "meta";

/// `kind` of a passage document.
pub const KIND_PASSAGE: &str = "passage";
/// `kind` of an article document.
pub const KIND_ARTICLE: &str = "article";
/// `kind` of a path document.
pub const KIND_PATH: &str = "path";

/// Names of the fields that columnar readers (collectors, lookups) open by name.
pub mod names {
    /// See [`super::Fields::article_key`].
    pub const ARTICLE_KEY: &str = "article_key";
    /// See [`super::Fields::passage_no`].
    pub const PASSAGE_NO: &str = "passage_no";
    /// See [`super::Fields::date`].
    pub const DATE: &str = "date";
    /// See [`super::Fields::cluster`].
    pub const CLUSTER: &str = "cluster";
    /// See [`super::Fields::outlet`].
    pub const OUTLET: &str = "outlet";
    /// See [`super::Fields::entity_fact`].
    pub const ENTITY_FACT: &str = "entity_fact";
    /// See [`super::Fields::entity_fact_n`].
    pub const ENTITY_FACT_N: &str = "entity_fact_n";
    /// See [`super::Fields::band`].
    pub const BAND: &str = "band";
}

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `passage`, `article` or `path` (exact, indexed).
    pub kind: Field,
    /// Article id, 16 hex digits (exact, indexed, stored) on article and path documents.
    pub article_id: Field,
    /// Article id as a u64 (indexed, fast) on every document: groups passages into articles
    /// and finds an article's documents.
    pub article_key: Field,
    /// Passage number within its article (fast).
    pub passage_no: Field,
    /// Title (English analyzer with positions, not stored) on article documents only: a title
    /// word ranks every passage of its article alike (see `search::titles`).
    pub title: Field,
    /// Title as shown (stored, article documents).
    pub title_text: Field,
    /// Passage text (English analyzer with positions; not stored: the text is a span of the
    /// article's stored `text`).
    pub body: Field,
    /// Where each passage is in `text`, in passage order (stored, article documents; see
    /// `records::encode_bounds`): showing a hit reads it with the text, from the block it
    /// decompresses anyway.
    pub passage_bounds: Field,
    /// The article's normalized text (stored, article documents).
    pub text: Field,
    /// Outlet name (case-insensitive exact match, stored, fast; article documents).
    pub outlet: Field,
    /// Entities of the article, multi-valued (exact match, indexed only; article documents): the
    /// canonical keys (see `extract::aliases::canonical_key`) of every entity name and form the
    /// article used; per entity a name term `=name|type`; per form other than the name a form
    /// term `~form|type|name` (see `records::entity_terms`). Name and form terms let
    /// `search::resolve` decide at query time which articles mention an entity.
    pub entity: Field,
    /// Publication date, midnight UTC (indexed, stored, fast; article documents); absent when
    /// undated.
    pub date: Field,
    /// Provenance of the title (stored).
    pub title_source: Field,
    /// Provenance of the date (stored).
    pub date_source: Field,
    /// Provenance of the outlet (stored).
    pub outlet_source: Field,
    /// Source path (exact, stored) on path documents.
    pub path: Field,
    /// Article URL (stored).
    pub url: Field,
    /// Encoding the source was decoded from (stored, article documents).
    pub encoding: Field,
    /// The article's entities (fast only, multi-valued; article documents): one value per
    /// entity and one per form, in the article's order (see `records::entity_facts`). Lookups
    /// count entities from this column and `entity_fact_n`, and `show` reads them back from the
    /// two (`records::entities_at`): they are not stored.
    pub entity_fact: Field,
    /// The mentions of each `entity_fact` value, in the same order (fast only, multi-valued;
    /// see `records::pack_fact_count`).
    pub entity_fact_n: Field,
    /// Number of passages (stored, article documents).
    pub passages: Field,
    /// Number of words (stored, article documents).
    pub words: Field,
    /// Length of the article text in characters (stored, article documents).
    pub chars: Field,
    /// Copy cluster: the key of the first article ingested of the story this article is a copy
    /// of, or its own key (indexed, fast, stored; article documents). See `dedup`.
    pub cluster: Field,
    /// LSH band keys of the article's MinHash signature, 32-bit values, multi-valued (fast only:
    /// read into `index::clusters::BandTable` when an ingest looks for copies; article documents
    /// with a signature): near-duplicate candidates share one.
    pub band: Field,
    /// The compact (b-bit) MinHash signature, 128 bytes (stored; article documents with a
    /// signature).
    pub minhash: Field,
    /// Site furniture in `text`: `start-end` byte ranges, comma-separated (stored, article
    /// documents; see `normalize::furniture`). Left out of passages, counts and entities.
    pub furniture: Field,
    /// Record metadata, multi-valued `key=value` terms (see `model::Meta` and `index::meta`):
    /// indexed whole, case- and accent-insensitively, so a filter is a term query; fast as
    /// written, so a facet is a column scan; stored (article documents).
    pub meta: Field,
    /// The appearance's own record (stored, path documents): JSON `{"outlet", "outlet_source",
    /// "date", "date_source", "url", "title", "meta"}` (see `records::Appearance`), so the same
    /// text found in several records (a wire story run by several outlets) keeps who ran it,
    /// when and where, each time.
    pub appearance: Field,
}

fn text() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NEWS_EN)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// A field whose values are matched whole through `tokenizer` (one term per value: `"raw"` as
/// written, [`KEYWORD`] case- and accent-insensitively) and never scored, so without length
/// norms (a byte per document each). Callers add `.set_stored()` and `.set_fast("raw")`.
fn whole(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// Builds the schema.
pub fn build() -> Schema {
    let mut sb = Schema::builder();
    sb.add_text_field("kind", whole("raw"));
    sb.add_text_field("article_id", whole("raw").set_stored());
    // Passage documents store nothing: their places in the text are stored on the article
    // document (`passage_bounds`), so showing a hit never decompresses a doc-store block for a
    // passage. Character offsets are counted from the byte offsets when a passage is shown.
    sb.add_u64_field(
        names::ARTICLE_KEY,
        // No fieldnorms: the key is never scored.
        NumericOptions::default().set_indexed().set_fast(),
    );
    sb.add_u64_field(names::PASSAGE_NO, FAST);
    sb.add_text_field("title", text());
    sb.add_text_field("title_text", STORED);
    sb.add_text_field("body", text());
    sb.add_text_field("text", STORED);
    sb.add_bytes_field("passage_bounds", BytesOptions::default().set_stored());
    sb.add_text_field(names::OUTLET, whole(KEYWORD).set_stored().set_fast("raw"));
    // Indexed only: the names a suggestion lists and the forms the resolver counts are read
    // from its term dictionary (a column of the same values took 2.6% of the index).
    sb.add_text_field("entity", whole(KEYWORD));
    sb.add_date_field(
        names::DATE,
        DateOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    sb.add_text_field("title_source", STORED);
    sb.add_text_field("date_source", STORED);
    sb.add_text_field("outlet_source", STORED);
    sb.add_text_field("path", whole("raw").set_stored());
    sb.add_text_field("url", STORED);
    sb.add_text_field("encoding", STORED);
    sb.add_text_field(names::ENTITY_FACT, TextOptions::default().set_fast("raw"));
    sb.add_u64_field(names::ENTITY_FACT_N, FAST);
    sb.add_u64_field("passages", STORED);
    sb.add_u64_field("words", STORED);
    sb.add_u64_field("chars", STORED);
    sb.add_u64_field(
        names::CLUSTER,
        NumericOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored(),
    );
    sb.add_u64_field(names::BAND, FAST);
    sb.add_bytes_field("minhash", BytesOptions::default().set_stored());
    sb.add_text_field("furniture", STORED);
    sb.add_text_field(META_FIELD, whole(KEYWORD).set_stored().set_fast("raw"));
    sb.add_text_field("appearance", STORED);
    sb.add_u64_field(&format!("schema_v{SCHEMA_VERSION}"), STORED);
    sb.build()
}

impl Fields {
    /// Looks up every field; an error names the first one missing (an index from another
    /// version of morgue).
    pub fn from_schema(schema: &Schema) -> Result<Fields, String> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("field `{name}` is missing"))
        };
        f(&format!("schema_v{SCHEMA_VERSION}"))
            .map_err(|_| format!("schema version {SCHEMA_VERSION} expected: {SCHEMA_CHANGE}"))?;
        Ok(Fields {
            kind: f("kind")?,
            article_id: f("article_id")?,
            article_key: f(names::ARTICLE_KEY)?,
            passage_no: f(names::PASSAGE_NO)?,
            title: f("title")?,
            title_text: f("title_text")?,
            body: f("body")?,
            passage_bounds: f("passage_bounds")?,
            text: f("text")?,
            outlet: f(names::OUTLET)?,
            entity: f("entity")?,
            date: f(names::DATE)?,
            title_source: f("title_source")?,
            date_source: f("date_source")?,
            outlet_source: f("outlet_source")?,
            path: f("path")?,
            url: f("url")?,
            encoding: f("encoding")?,
            entity_fact: f(names::ENTITY_FACT)?,
            entity_fact_n: f(names::ENTITY_FACT_N)?,
            passages: f("passages")?,
            words: f("words")?,
            chars: f("chars")?,
            cluster: f(names::CLUSTER)?,
            band: f(names::BAND)?,
            minhash: f("minhash")?,
            furniture: f("furniture")?,
            meta: f(META_FIELD)?,
            appearance: f("appearance")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_layout_is_refused_saying_what_changed() {
        let mut sb = Schema::builder();
        sb.add_u64_field("schema_v7", STORED);
        let e = Fields::from_schema(&sb.build()).unwrap_err();
        assert_eq!(
            e,
            format!("schema version {SCHEMA_VERSION} expected: {SCHEMA_CHANGE}")
        );
        assert!(e.contains("passage's place in its article"), "{e}");
        assert!(Fields::from_schema(&build()).is_ok());
    }
}
