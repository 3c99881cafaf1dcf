//! Searching the shards of a root held by separate processes (the Ray actors of
//! `python/morgue/ray.py`, or any other transport): Elasticsearch's `dfs_query_then_fetch`,
//! with one more round because the records a text was read from may sit in several shards.
//!
//! A [`Group`] is what one process holds: some shards of a root opened as one index
//! ([`crate::index::open_shards`]). A [`Driver`] runs one search over every group in rounds;
//! between rounds the caller carries each group's answer to the driver (the wire types are
//! plain serde structs):
//!
//! 0. once per opened root, [`Group::setup`]: each group's entity form counts and its *stray*
//!    records (path documents of texts whose article document another group holds), added up
//!    into [`Globals`] that every group and the driver keep;
//! 1. dfs, [`Group::statistics`]: the BM25 statistics of the query's terms, added up;
//! 2. query, [`Group::query`], scored with the global statistics: one row per selected article
//!    (date, outlet, copy cluster, best passage's score, records held) and the undated count.
//!    The driver folds copy clusters over every group's rows, counts, ranks and picks the page;
//! 3. appearances, [`Group::appearances`]: the records of the texts the answer needs (those
//!    read from several records, the page's hits and their copies), from the groups holding
//!    them;
//! 4. fetch, [`Group::fetch`]: the page's hits, passages scored with the global statistics,
//!    assembled by the groups holding their articles.
//!
//! [`Driver::finish`] then gives the [`SearchResults`] that [`super::search_page`] gives on
//! one index holding every shard: the same totals, ids, scores and passages (the test
//! `distributed_search_answers_as_one_index` holds them equal). [`search`] runs the rounds in
//! one process: the reference for any transport.

use crate::error::Result;
use crate::extract::aliases::AliasTable;
use crate::index::{sort_appearances, Appearance, KeyMap, Keys, MorgueIndex};
use crate::lookup::appearances::Runs;
use crate::lookup::entities::{EntitiesPart, EntitiesRequest, EntitiesResult};
use crate::lookup::facet::ValuesOf;
use crate::search::appearances::path_counts;
use crate::search::build::{all_articles, Builder};
use crate::search::statistics::{LiveStatistics, Scoring};
use crate::search::table::ArticleTable;
use crate::search::{
    assemble, best_passages, copies, highlighter, parse, ranked_order, resolve, select_resolved,
    ArticleFacts, BestPassages, Expr, Filters, Hit, Ranked, SearchRequest, SearchResults,
    Selection,
};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tantivy::query::{Bm25StatisticsProvider, Query};
use tantivy::schema::Field;
use tantivy::{DocAddress, Term};

/// What one group tells the driver once: see [`Globals`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Setup {
    /// Entity form terms: (form, kind, name, articles).
    pub forms: Vec<(String, String, String, u64)>,
    /// Texts whose article document another group holds, with the number of their records
    /// (path documents) this group holds.
    pub strays: Vec<(u64, u32)>,
    /// The metadata keys its articles have.
    pub meta_keys: Vec<String>,
}

/// What every group's [`Setup`] adds up to: the entity form counts of the whole root (entity
/// names resolve as on one index) and which groups hold records of texts held elsewhere.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Globals {
    /// Entity form terms of every shard: (form, kind, name, articles).
    pub forms: Vec<(String, String, String, u64)>,
    /// Stray records: text key, group, number of its records that group holds.
    pub strays: Vec<(u64, u32, u32)>,
    /// The metadata keys of every group's articles.
    pub meta_keys: Vec<String>,
}

impl Globals {
    /// Adds up the groups' setups, in group order.
    pub fn merge(setups: Vec<Setup>) -> Globals {
        let mut forms: resolve::FormCounts = Default::default();
        let mut strays = Vec::new();
        let mut meta_keys = Vec::new();
        for (g, s) in setups.into_iter().enumerate() {
            meta_keys.extend(s.meta_keys);
            for (form, kind, name, n) in s.forms {
                *forms.entry((form, kind, name)).or_default() += n;
            }
            strays.extend(s.strays.into_iter().map(|(k, n)| (k, g as u32, n)));
        }
        let mut forms: Vec<_> = forms
            .into_iter()
            .map(|((form, kind, name), n)| (form, kind, name, n))
            .collect();
        forms.sort_unstable();
        strays.sort_unstable();
        meta_keys.sort_unstable();
        meta_keys.dedup();
        Globals {
            forms,
            strays,
            meta_keys,
        }
    }

    fn form_counts(&self) -> resolve::FormCounts {
        self.forms
            .iter()
            .map(|(f, k, n, c)| ((f.clone(), k.clone(), n.clone()), *c))
            .collect()
    }
}

/// BM25 statistics of a query's terms over live documents (`search::statistics`): of one
/// group, or added up over every group (then they are those of one index holding every shard).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    /// Live documents.
    pub docs: u64,
    /// Live articles (what titles are scored among: `search::titles`).
    #[serde(default)]
    pub articles: u64,
    /// Tokens per field id.
    pub tokens: BTreeMap<u32, u64>,
    /// Documents holding each term, by field id and the hex of the term's type and value.
    pub doc_freqs: BTreeMap<String, u64>,
}

impl Statistics {
    /// The statistics of the terms of `queries` on `searcher`'s live documents (`live`, see
    /// `search::statistics`), and its number of live documents and articles.
    fn of(live: &LiveStatistics, queries: &[&dyn Query]) -> Result<Statistics> {
        let mut terms: Vec<Term> = Vec::new();
        for query in queries {
            query.query_terms(&mut |t, _| terms.push(t.clone()));
        }
        let mut s = Statistics {
            docs: live.total_num_docs()?,
            articles: live.articles()?,
            ..Statistics::default()
        };
        for t in terms {
            let field = t.field();
            if let std::collections::btree_map::Entry::Vacant(e) = s.tokens.entry(field.field_id())
            {
                e.insert(live.total_num_tokens(field)?);
            }
            s.doc_freqs.insert(term_key(&t), live.doc_freq(&t)?);
        }
        Ok(s)
    }

    /// Adds another group's statistics.
    pub fn add(&mut self, other: &Statistics) {
        self.docs += other.docs;
        self.articles += other.articles;
        for (f, n) in &other.tokens {
            *self.tokens.entry(*f).or_default() += n;
        }
        for (t, n) in &other.doc_freqs {
            *self.doc_freqs.entry(t.clone()).or_default() += n;
        }
    }
}

/// Scores with the added-up statistics; a term they lack (one that only filters, never
/// scores) falls back to the group's own.
struct Provider<'a> {
    global: &'a Statistics,
    local: LiveStatistics<'a>,
}

impl Bm25StatisticsProvider for Provider<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.global.tokens.get(&field.field_id()) {
            Some(n) => Ok(*n),
            None => self.local.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.global.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        match self.global.doc_freqs.get(&term_key(term)) {
            Some(n) => Ok(*n),
            None => self.local.doc_freq(term),
        }
    }
}

impl Scoring for Provider<'_> {
    fn articles(&self) -> tantivy::Result<u64> {
        Ok(self.global.articles)
    }
}

/// A term as the statistics name it: field id, then the hex of its type and value bytes.
fn term_key(t: &Term) -> String {
    let mut key = format!("{}:{:02x}", t.field().field_id(), t.typ().to_code());
    for b in t.serialized_value_bytes() {
        key.push_str(&format!("{b:02x}"));
    }
    key
}

/// A selected article, as a group reports it in the query round.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// Article key.
    pub key: u64,
    /// Address of its article document in the group (segment, document).
    pub addr: (u32, u32),
    /// Publication date (Unix seconds), `None` when undated.
    pub date_secs: Option<i64>,
    /// Outlet as stored.
    pub outlet: Option<String>,
    /// Copy cluster, as the root maps it.
    pub cluster: u64,
    /// Its best passage's BM25 score under the global statistics (0 when none scores).
    pub score: f32,
    /// Records of its text (path documents) the group holds.
    pub records: u32,
}

/// A group's answer to the query round.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QueryPart {
    /// The selected articles.
    pub rows: Vec<Row>,
    /// Matching articles left out because undated while a date bound is set.
    pub undated: usize,
}

/// A hit for the group holding its article to assemble in the fetch round.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FetchItem {
    /// 1-based rank.
    pub rank: usize,
    /// Article key.
    pub key: u64,
    /// Publication date (Unix seconds).
    pub date_secs: Option<i64>,
    /// Every record of its text, from every group.
    pub appearances: Vec<Appearance>,
}

/// A resolver built once per alias table (the driver's and each group's).
#[derive(Default)]
struct ResolverCache(Mutex<Option<(AliasTable, Arc<resolve::Resolver>)>>);

impl ResolverCache {
    /// The resolver for `aliases`, built by `build` when the cached one is for another table.
    fn get(
        &self,
        aliases: &AliasTable,
        build: impl FnOnce() -> Result<Arc<resolve::Resolver>>,
    ) -> Result<Arc<resolve::Resolver>> {
        if let Some((a, r)) = lock(&self.0).as_ref() {
            if a == aliases {
                return Ok(Arc::clone(r));
            }
        }
        let r = build()?;
        *lock(&self.0) = Some((aliases.clone(), Arc::clone(&r)));
        Ok(r)
    }

    fn clear(&self) {
        *lock(&self.0) = None;
    }
}

/// Some shards of a root, opened by one process, answering the rounds of a search.
pub struct Group {
    mi: MorgueIndex,
    aliases: Arc<AliasTable>,
    forms: Mutex<Option<Arc<resolve::FormCounts>>>,
    resolver: ResolverCache,
}

impl Group {
    /// A group over the opened shards `mi` (see [`crate::index::open_shards`]); entity names
    /// resolve through `aliases` (the root's table).
    pub fn new(mi: MorgueIndex, aliases: AliasTable) -> Group {
        Group {
            mi,
            aliases: Arc::new(aliases),
            forms: Mutex::new(None),
            resolver: ResolverCache::default(),
        }
    }

    /// The opened shards.
    pub fn index(&self) -> &MorgueIndex {
        &self.mi
    }

    /// Round 0: this group's entity form counts and stray records.
    pub fn setup(&self) -> Result<Setup> {
        let searcher = self.mi.searcher()?;
        let f = &self.mi.fields;
        let mut forms: Vec<_> = resolve::form_counts(&searcher, f)?
            .into_iter()
            .map(|((form, kind, name), n)| (form, kind, name, n))
            .collect();
        forms.sort_unstable();
        let articles: Keys = searcher
            .search(all_articles(f).as_ref(), &crate::index::KeyCollector)?
            .into_iter()
            .collect();
        // Sorted by key, as `path_counts` gives them.
        let strays: Vec<(u64, u32)> = path_counts(&searcher, f)?
            .into_iter()
            .filter(|(k, _)| !articles.contains(k))
            .collect();
        let meta_keys = crate::index::meta::meta_keys(&searcher)?
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        Ok(Setup {
            forms,
            strays,
            meta_keys,
        })
    }

    /// Keeps what every group's setup added up to (entity names then resolve as on one index).
    pub fn set_globals(&self, globals: &Globals) {
        *lock(&self.forms) = Some(Arc::new(globals.form_counts()));
        self.resolver.clear();
    }

    fn resolver(&self, aliases: &AliasTable) -> Result<Arc<resolve::Resolver>> {
        self.resolver.get(aliases, || {
            let forms = lock(&self.forms).clone();
            Ok(match forms {
                Some(forms) => Arc::new(resolve::Resolver::from_pairs((*forms).clone(), aliases)),
                // Without globals, the group's own names (a group holding every shard).
                None => resolve::Resolver::cached(&self.mi, &self.mi.searcher()?, aliases)?,
            })
        })
    }

    /// Round 1: the statistics of the query's scored terms in this group.
    pub fn statistics(&self, req: &SearchRequest) -> Result<Statistics> {
        let expr = parse(&req.query)?;
        let searcher = self.mi.searcher()?;
        let f = &self.mi.fields;
        let table = ArticleTable::cached(&self.mi, &searcher)?;
        let live = LiveStatistics::new(&searcher, &table);
        let mut builder = Builder::new(&searcher, f);
        let positive = builder.positive(&expr)?;
        // The query's own terms, of its words and of its titles.
        let queries: Vec<&dyn Query> = [&positive.passages, &positive.titles]
            .into_iter()
            .flatten()
            .map(|q| q.as_ref())
            .collect();
        Statistics::of(&live, &queries)
    }

    /// Round 2: the articles of this group the query and filters select, scored with the
    /// global statistics `stats`.
    pub fn query(&self, req: &SearchRequest, stats: &Statistics) -> Result<QueryPart> {
        let expr = parse(&req.query)?;
        let searcher = self.mi.searcher()?;
        let needed =
            !req.filters.entities.is_empty() || expr.has_field(crate::search::query::Field::Entity);
        let resolver = match needed {
            true => Some(self.resolver(req.filters.alias_table())?),
            false => None,
        };
        let selection = select_resolved(
            &self.mi,
            &searcher,
            Some(&expr),
            &req.filters,
            resolver.as_deref(),
        )?;
        let keep: Arc<Keys> = Arc::new(selection.articles.keys().collect());
        let table = ArticleTable::cached(&self.mi, &searcher)?;
        let provider = Provider {
            global: stats,
            local: LiveStatistics::new(&searcher, &table),
        };
        let best = best_passages(&self.mi, &searcher, &expr, keep, 1, Some(&provider))?;
        let mut rows: Vec<Row> = selection
            .articles
            .into_iter()
            .map(|(key, facts)| Row {
                key,
                addr: (facts.addr.segment_ord, facts.addr.doc_id),
                date_secs: facts.date_secs,
                outlet: facts.outlet.as_deref().map(String::from),
                cluster: facts.cluster,
                score: best.get(&key).map_or(0.0, BestPassages::score),
                records: facts.records,
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.key);
        Ok(QueryPart {
            rows,
            undated: selection.undated,
        })
    }

    /// Round 3: the records of the texts `keys` this group holds.
    pub fn appearances(&self, keys: &[u64]) -> Result<Records> {
        let searcher = self.mi.searcher()?;
        let mut out = Vec::with_capacity(keys.len());
        let table = ArticleTable::cached(&self.mi, &searcher)?;
        for &key in keys {
            let found = crate::search::appearances::appearances_of(
                &table,
                &searcher,
                &self.mi.fields,
                key,
            )?;
            if !found.is_empty() {
                out.push((key, found));
            }
        }
        Ok(out)
    }

    /// Round 4: the hits `items` (articles this group holds), their passages scored with the
    /// global statistics `stats`; each shows the earliest of its records that pass the filters
    /// and lists the others as copies (the near-duplicates are the driver's to add).
    pub fn fetch(
        &self,
        req: &SearchRequest,
        stats: &Statistics,
        items: Vec<FetchItem>,
    ) -> Result<Vec<Hit>> {
        let expr = parse(&req.query)?;
        let searcher = self.mi.searcher()?;
        let keep: Arc<Keys> = Arc::new(items.iter().map(|i| i.key).collect());
        let table = ArticleTable::cached(&self.mi, &searcher)?;
        let provider = Provider {
            global: stats,
            local: LiveStatistics::new(&searcher, &table),
        };
        let mut best = best_passages(
            &self.mi,
            &searcher,
            &expr,
            keep,
            req.passages,
            Some(&provider),
        )?;
        let mut highlighter = highlighter(&self.mi, &expr);
        let mut hits = Vec::with_capacity(items.len());
        for item in items {
            let r = Ranked {
                key: item.key,
                date_secs: item.date_secs,
                best: best.remove(&item.key).unwrap_or_default(),
            };
            let (mut hit, appearances) = assemble(
                &self.mi,
                &searcher,
                &mut highlighter,
                item.rank,
                r,
                Some(item.appearances),
            )?;
            hit.copies = copies::earliest_appearance(&mut hit, &appearances, &req.filters, |t| {
                highlighter.title(t)
            });
            hits.push(hit);
        }
        Ok(hits)
    }
}

impl Group {
    /// Answers one question of a round: what a process holding this group does with each
    /// message of the driver. Filters take this group's alias table.
    pub fn answer(&self, ask: Ask) -> Result<Answer> {
        let mine = |mut req: SearchRequest| {
            req.filters.aliases = Some(Arc::clone(&self.aliases));
            req
        };
        Ok(match ask {
            Ask::Setup => Answer::Setup(self.setup()?),
            Ask::Globals(g) => {
                self.set_globals(&g);
                Answer::Done
            }
            Ask::Statistics(req) => Answer::Statistics(self.statistics(&mine(req))?),
            Ask::Query(req, stats) => Answer::Query(self.query(&mine(req), &stats)?),
            Ask::Appearances(keys) => Answer::Appearances(self.appearances(&keys)?),
            Ask::Fetch(req, stats, items) => Answer::Hits(self.fetch(&mine(req), &stats, items)?),
            Ask::Entities {
                query,
                mut filters,
                all_copies,
                split,
            } => {
                filters.aliases = Some(Arc::clone(&self.aliases));
                let resolver = self.resolver(filters.alias_table())?;
                let split = split.into_iter().collect();
                Answer::Entities(crate::lookup::entities::entities_part(
                    &self.mi,
                    query.as_deref(),
                    &filters,
                    all_copies,
                    &resolver,
                    &split,
                )?)
            }
            Ask::Select {
                query,
                mut filters,
                values,
            } => {
                filters.aliases = Some(Arc::clone(&self.aliases));
                Answer::Select(self.select(query.as_deref(), &filters, values.as_deref())?)
            }
        })
    }

    /// The articles of this group that `query` (every article when `None`) and `filters`
    /// select, each with its values of the key `values`.
    pub fn select(
        &self,
        query: Option<&str>,
        filters: &Filters,
        values: Option<&str>,
    ) -> Result<SelectPart> {
        let expr = query.map(parse).transpose()?;
        let searcher = self.mi.searcher()?;
        let needed = !filters.entities.is_empty()
            || expr
                .as_ref()
                .is_some_and(|e| e.has_field(crate::search::query::Field::Entity));
        let resolver = match needed {
            true => Some(self.resolver(filters.alias_table())?),
            false => None,
        };
        let selection = select_resolved(
            &self.mi,
            &searcher,
            expr.as_ref(),
            filters,
            resolver.as_deref(),
        )?;
        let values_of = match values {
            Some(key) => crate::lookup::facet::values_of(&searcher, key)?,
            None => None,
        };
        let mut rows: Vec<FactRow> = selection
            .articles
            .into_iter()
            .map(|(key, facts)| FactRow {
                key,
                records: facts.records,
                values: values_of.as_ref().map(|v| v(&facts)).unwrap_or_default(),
                date_secs: facts.date_secs,
                outlet: facts.outlet.as_deref().map(String::from),
                cluster: facts.cluster,
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.key);
        Ok(SelectPart {
            rows,
            undated: selection.undated,
        })
    }
}

/// Texts' records held by one group: (text key, its records there).
pub type Records = Vec<(u64, Vec<Appearance>)>;

/// A question of the driver to one group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Ask {
    /// Round 0: [`Group::setup`].
    Setup,
    /// Keep what the setups added up to ([`Group::set_globals`]).
    Globals(Globals),
    /// Search round 1: [`Group::statistics`].
    Statistics(SearchRequest),
    /// Search round 2: [`Group::query`] with the global statistics.
    Query(SearchRequest, Statistics),
    /// The records of these texts held here ([`Group::appearances`]).
    Appearances(Vec<u64>),
    /// Search round 4: [`Group::fetch`].
    Fetch(SearchRequest, Statistics, Vec<FetchItem>),
    /// This group's part of `entities` (`lookup::entities::entities_part`): the stories of
    /// the clusters in `split` are sent article by article.
    Entities {
        /// The query; `None` for every article.
        query: Option<String>,
        /// The filters.
        filters: Filters,
        /// Count every copy.
        all_copies: bool,
        /// Clusters whose copies several groups hold.
        split: Vec<u64>,
    },
    /// A lookup's selection ([`Group::select`]).
    Select {
        /// The query, in morgue's syntax; `None` for every article.
        query: Option<String>,
        /// The filters.
        filters: Filters,
        /// The key whose values each row carries (`outlet` or a metadata key).
        values: Option<String>,
    },
}

/// A group's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Answer {
    /// To [`Ask::Setup`].
    Setup(Setup),
    /// To [`Ask::Globals`].
    Done,
    /// To [`Ask::Statistics`].
    Statistics(Statistics),
    /// To [`Ask::Query`].
    Query(QueryPart),
    /// To [`Ask::Appearances`].
    Appearances(Records),
    /// To [`Ask::Fetch`].
    Hits(Vec<Hit>),
    /// To [`Ask::Select`].
    Select(SelectPart),
    /// To [`Ask::Entities`].
    Entities(EntitiesPart),
}

/// A selected article as a group reports it for a lookup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FactRow {
    /// Article key.
    pub key: u64,
    /// Publication date (Unix seconds), `None` when undated.
    pub date_secs: Option<i64>,
    /// Outlet as stored.
    pub outlet: Option<String>,
    /// Copy cluster, as the root maps it.
    pub cluster: u64,
    /// Records of its text (path documents) the group holds.
    pub records: u32,
    /// Its values of the key asked for.
    pub values: Vec<String>,
}

/// A group's answer to a lookup's selection.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SelectPart {
    /// The selected articles.
    pub rows: Vec<FactRow>,
    /// Matching articles left out because undated while a date bound is set.
    pub undated: usize,
}

/// How the driver reaches the groups: one question per group (in group order; `None` for a
/// group with nothing to do), their answers in the same order. In one process it calls
/// [`Group::answer`] ([`local`]); `morgue.ray` sends the questions to Ray actors.
pub type Transport<'t> = dyn FnMut(Vec<Option<Ask>>) -> Result<Vec<Option<Answer>>> + 't;

/// The transport to groups held by this process.
pub fn local(groups: &[Group]) -> impl FnMut(Vec<Option<Ask>>) -> Result<Vec<Option<Answer>>> + '_ {
    move |asks| {
        groups
            .iter()
            .zip(asks)
            .map(|(g, ask)| ask.map(|a| g.answer(a)).transpose())
            .collect()
    }
}

/// The driver's side of a root whose shards other processes hold: searches and lookups over
/// them through a [`Transport`], with the answers one index holding every shard gives.
pub struct Remote<'t> {
    groups: usize,
    globals: Globals,
    /// The root's alias table (entity names in the driver's listings).
    aliases: AliasTable,
    /// The driver's resolver (over every group's form counts).
    resolver: ResolverCache,
    /// The groups holding stray records of each text, with how many.
    strays: KeyMap<Vec<(u32, u32)>>,
    transport: RefCell<Box<Transport<'t>>>,
    /// What the lookups' selections learned: each text's group, and the values of the key asked
    /// for by row (a driver-side article's address is (group, row)). A text's records, strays
    /// included, are in its selected facts.
    owners: RefCell<KeyMap<u32>>,
    values: RefCell<Vec<Vec<String>>>,
    values_key: RefCell<Option<String>>,
}

impl<'t> Remote<'t> {
    /// Sets the groups up (round 0: their setups added up and handed back to each) and keeps
    /// the transport for what follows; `aliases` is the root's alias table.
    pub fn connect(
        groups: usize,
        mut transport: Box<Transport<'t>>,
        aliases: AliasTable,
    ) -> Result<Remote<'t>> {
        let setups = transport((0..groups).map(|_| Some(Ask::Setup)).collect())?
            .into_iter()
            .map(|a| match a {
                Some(Answer::Setup(s)) => Ok(s),
                other => Err(unexpected("setup", &other)),
            })
            .collect::<Result<Vec<_>>>()?;
        let globals = Globals::merge(setups);
        transport(
            (0..groups)
                .map(|_| Some(Ask::Globals(globals.clone())))
                .collect(),
        )?;
        let mut strays: KeyMap<Vec<(u32, u32)>> = KeyMap::default();
        for &(key, g, n) in &globals.strays {
            strays.entry(key).or_default().push((g, n));
        }
        Ok(Remote {
            groups,
            globals,
            aliases,
            resolver: ResolverCache::default(),
            strays,
            transport: RefCell::new(transport),
            owners: RefCell::default(),
            values: RefCell::default(),
            values_key: RefCell::default(),
        })
    }

    /// What the groups' setups added up to.
    pub fn globals(&self) -> &Globals {
        &self.globals
    }

    fn ask(&self, asks: Vec<Option<Ask>>) -> Result<Vec<Option<Answer>>> {
        (self.transport.borrow_mut())(asks)
    }

    fn all(&self, ask: Ask) -> Vec<Option<Ask>> {
        (0..self.groups).map(|_| Some(ask.clone())).collect()
    }

    /// A search over every group, as [`crate::search::search_page`] on one index holding
    /// every shard: the rounds of the module's documentation.
    pub fn search(&self, req: &SearchRequest, offset: usize) -> Result<SearchResults> {
        let mut driver = Driver::new(req.clone(), offset, &self.globals, self.groups)?;
        let parts = self.ask(self.all(Ask::Statistics(req.clone())))?;
        let parts = answers(parts, "statistics", |a| match a {
            Answer::Statistics(s) => Ok(s),
            other => Err(other),
        })?;
        let stats = driver.statistics(&parts).clone();
        let parts = self.ask(self.all(Ask::Query(req.clone(), stats.clone())))?;
        let parts = answers(parts, "query", |a| match a {
            Answer::Query(q) => Ok(q),
            other => Err(other),
        })?;
        let asks = driver.query(parts);
        let found = self.appearances(asks)?;
        let items = driver.appearances(found);
        let asks = items
            .into_iter()
            .map(|it| (!it.is_empty()).then(|| Ask::Fetch(req.clone(), stats.clone(), it)))
            .collect();
        let hits = answers(self.ask(asks)?, "fetch", |a| match a {
            Answer::Hits(h) => Ok(h),
            other => Err(other),
        })?;
        Ok(driver.finish(hits))
    }

    /// The most mentioned entities over every group, as `lookup::entities::entities` on one
    /// index holding every shard: each group tallies the stories it holds whole; the stories
    /// whose copies several groups hold are sent article by article and tallied here.
    pub fn entities(&self, req: &EntitiesRequest) -> Result<EntitiesResult> {
        use crate::lookup::Articles;
        let expr = req.query.as_deref().map(parse).transpose()?;
        let mut split: Vec<u64> = Vec::new();
        if !req.all_copies {
            let selection = self.select(expr.as_ref(), &req.filters)?;
            let mut held: KeyMap<(u32, bool)> = KeyMap::default();
            for facts in selection.articles.values() {
                let g = facts.addr.segment_ord;
                held.entry(facts.cluster)
                    .and_modify(|h| h.1 |= h.0 != g)
                    .or_insert((g, false));
            }
            split = held
                .into_iter()
                .filter(|(_, h)| h.1)
                .map(|(c, _)| c)
                .collect();
            split.sort_unstable();
        }
        let ask = Ask::Entities {
            query: req.query.clone(),
            filters: req.filters.clone(),
            all_copies: req.all_copies,
            split,
        };
        let parts = answers(self.ask(self.all(ask))?, "entities", |a| match a {
            Answer::Entities(p) => Ok(p),
            other => Err(other),
        })?;
        let aliases = req.filters.aliases.as_deref().unwrap_or(&self.aliases);
        let resolver = self.resolver.get(aliases, || {
            Ok(Arc::new(resolve::Resolver::from_pairs(
                self.globals.form_counts(),
                aliases,
            )))
        })?;
        Ok(crate::lookup::entities::entities_merged(
            parts, req, &resolver,
        ))
    }

    /// The records of the texts each group is asked for (none asked: none answered).
    fn appearances(&self, asks: Vec<Vec<u64>>) -> Result<Vec<Records>> {
        let asks = asks
            .into_iter()
            .map(|keys| (!keys.is_empty()).then_some(Ask::Appearances(keys)))
            .collect();
        answers(self.ask(asks)?, "appearances", |a| match a {
            Answer::Appearances(found) => Ok(found),
            other => Err(other),
        })
    }
}

impl crate::lookup::Articles for Remote<'_> {
    fn select(&self, expr: Option<&Expr>, filters: &Filters) -> Result<Selection> {
        let ask = Ask::Select {
            query: expr.map(|e| e.to_string()),
            filters: filters.clone(),
            values: self.values_key.borrow().clone(),
        };
        let parts = answers(self.ask(self.all(ask))?, "select", |a| match a {
            Answer::Select(s) => Ok(s),
            other => Err(other),
        })?;
        let mut selection = Selection::default();
        let (mut owners, mut values) = (self.owners.borrow_mut(), self.values.borrow_mut());
        for (g, part) in parts.into_iter().enumerate() {
            selection.undated += part.undated;
            for row in part.rows {
                owners.insert(row.key, g as u32);
                let held: u32 = self
                    .strays
                    .get(&row.key)
                    .map_or(0, |h| h.iter().map(|s| s.1).sum());
                let addr = DocAddress::new(g as u32, values.len() as u32);
                values.push(row.values);
                selection.articles.insert(
                    row.key,
                    ArticleFacts {
                        addr,
                        date_secs: row.date_secs,
                        outlet: row.outlet.map(std::sync::Arc::from),
                        cluster: row.cluster,
                        records: row.records + held,
                    },
                );
            }
        }
        Ok(selection)
    }

    fn runs(&self, selection: &Selection, filters: &Filters) -> Result<Runs> {
        let several: Vec<u64> = {
            let mut keys = selection.articles.several_records();
            keys.sort_unstable();
            keys
        };
        let mut asks = vec![Vec::new(); self.groups];
        {
            let owners = self.owners.borrow();
            for &key in &several {
                let mut at: Vec<u32> = owners.get(&key).copied().into_iter().collect();
                at.extend(self.strays.get(&key).into_iter().flatten().map(|s| s.0));
                at.sort_unstable();
                at.dedup();
                for g in at {
                    asks[g as usize].push(key);
                }
            }
        }
        let mut all: KeyMap<Vec<Appearance>> = KeyMap::default();
        for part in self.appearances(asks)? {
            for (key, mut found) in part {
                all.entry(key).or_default().append(&mut found);
            }
        }
        let mut runs = Runs::default();
        for key in several {
            let mut found = all.remove(&key).unwrap_or_default();
            sort_appearances(&mut found);
            runs.insert(
                key,
                found.into_iter().filter(|a| filters.passes(a)).collect(),
            );
        }
        Ok(runs)
    }

    fn values_of(&self, key: &str) -> Result<Option<ValuesOf<'_>>> {
        let known = key == crate::lookup::facet::OUTLET
            || self
                .globals
                .meta_keys
                .binary_search(&key.to_string())
                .is_ok();
        if !known {
            return Ok(None);
        }
        *self.values_key.borrow_mut() = Some(key.to_string());
        Ok(Some(Box::new(move |facts: &ArticleFacts| {
            self.values
                .borrow()
                .get(facts.addr.doc_id as usize)
                .cloned()
                .unwrap_or_default()
        })))
    }
}

/// Each group's answer of the expected kind (an empty list for a group not asked).
fn answers<T: Default>(
    got: Vec<Option<Answer>>,
    round: &str,
    pick: impl Fn(Answer) -> std::result::Result<T, Answer>,
) -> Result<Vec<T>> {
    got.into_iter()
        .map(|a| match a {
            None => Ok(T::default()),
            Some(a) => pick(a).map_err(|other| unexpected(round, &Some(other))),
        })
        .collect()
}

fn unexpected(round: &str, got: &dyn std::fmt::Debug) -> crate::Error {
    let mut shown = format!("{got:?}");
    shown.truncate(80);
    crate::Error::Index(tantivy::TantivyError::InternalError(format!(
        "a shard group answered the {round} round with {shown}"
    )))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One search over every group, round by round (see the module's documentation).
pub struct Driver {
    req: SearchRequest,
    offset: usize,
    /// Which groups hold stray records of which texts.
    strays: KeyMap<Vec<(u32, u32)>>,
    groups: usize,
    stats: Statistics,
    selection: Selection,
    owners: KeyMap<u32>,
    folded: usize,
    page: Vec<(usize, u64, Option<i64>)>,
    appearances: KeyMap<Vec<Appearance>>,
    other_records: usize,
    expr_text: String,
}

impl Driver {
    /// A search of `groups` groups whose setups added up to `globals`; `offset` skips the
    /// first hits as [`crate::search::search_page`] does. Checks the query first.
    pub fn new(
        req: SearchRequest,
        offset: usize,
        globals: &Globals,
        groups: usize,
    ) -> Result<Driver> {
        let expr = parse(&req.query)?;
        let mut strays: KeyMap<Vec<(u32, u32)>> = KeyMap::default();
        for &(key, g, n) in &globals.strays {
            strays.entry(key).or_default().push((g, n));
        }
        Ok(Driver {
            req,
            offset,
            strays,
            groups,
            stats: Statistics::default(),
            selection: Selection::default(),
            owners: KeyMap::default(),
            folded: 0,
            page: Vec::new(),
            appearances: KeyMap::default(),
            other_records: 0,
            expr_text: expr.to_string(),
        })
    }

    /// The request.
    pub fn request(&self) -> &SearchRequest {
        &self.req
    }

    /// After round 1: adds up the groups' statistics (in group order); send them with round 2
    /// and 4.
    pub fn statistics(&mut self, parts: &[Statistics]) -> &Statistics {
        self.stats = Statistics::default();
        for p in parts {
            self.stats.add(p);
        }
        &self.stats
    }

    /// After round 2: folds, counts and ranks every group's rows; returns, per group, the
    /// texts whose records round 3 asks it for.
    pub fn query(&mut self, parts: Vec<QueryPart>) -> Vec<Vec<u64>> {
        let mut scores: KeyMap<f32> = KeyMap::default();
        for (g, part) in parts.into_iter().enumerate() {
            self.selection.undated += part.undated;
            for row in part.rows {
                // A text's records add up over the groups that send it.
                let before = self
                    .selection
                    .articles
                    .get(&row.key)
                    .map_or(0, |f| f.records);
                self.owners.insert(row.key, g as u32);
                scores.insert(row.key, row.score);
                self.selection.articles.insert(
                    row.key,
                    ArticleFacts {
                        addr: DocAddress::new(row.addr.0, row.addr.1),
                        date_secs: row.date_secs,
                        outlet: row.outlet.map(std::sync::Arc::from),
                        cluster: row.cluster,
                        records: before + row.records,
                    },
                );
            }
        }
        for (key, held) in &self.strays {
            if let Some(facts) = self.selection.articles.get_mut(key) {
                facts.records += held.iter().map(|h| h.1).sum::<u32>();
            }
        }
        if !self.req.all_copies {
            self.folded = self.selection.fold_copies();
        }
        let mut ranked: Vec<Ranked> = self
            .selection
            .articles
            .iter()
            .map(|(key, facts)| Ranked {
                key,
                date_secs: facts.date_secs,
                best: BestPassages(vec![(
                    scores.get(&key).copied().unwrap_or(0.0),
                    0,
                    facts.addr,
                )]),
            })
            .collect();
        let limit = self.offset.saturating_add(self.req.limit);
        let sort = self.req.sort;
        if limit == 0 {
            ranked.clear();
        } else if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, |a, b| ranked_order(a, b, sort));
            ranked.truncate(limit);
        }
        ranked.sort_by(|a, b| ranked_order(a, b, sort));
        let skipped = self.offset.min(ranked.len());
        self.page = ranked
            .into_iter()
            .enumerate()
            .skip(skipped)
            .map(|(i, r)| (i + 1, r.key, r.date_secs))
            .collect();
        // Texts read from several records (counted), the page's hits and their copies (shown).
        let mut wanted: Vec<u64> = self.selection.articles.several_records();
        for (_, key, _) in &self.page {
            wanted.push(*key);
            if let Some(c) = self.selection.copies.get(key) {
                wanted.extend(c.iter().map(|(k, _)| *k));
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut asks = vec![Vec::new(); self.groups];
        for key in wanted {
            if let Some(&g) = self.owners.get(&key) {
                asks[g as usize].push(key);
            }
            for &(g, _) in self.strays.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                if self.owners.get(&key) != Some(&g) {
                    asks[g as usize].push(key);
                }
            }
        }
        asks
    }

    /// After round 3: gathers every text's records and counts the other records of the
    /// selected texts; returns, per group, the hits round 4 asks it to assemble.
    pub fn appearances(&mut self, parts: Vec<Records>) -> Vec<Vec<FetchItem>> {
        for part in parts {
            for (key, mut found) in part {
                self.appearances.entry(key).or_default().append(&mut found);
            }
        }
        for found in self.appearances.values_mut() {
            sort_appearances(found);
        }
        self.other_records = self
            .selection
            .articles
            .several_records()
            .into_iter()
            .map(|k| {
                let all = self.appearances.get(&k).map(Vec::as_slice).unwrap_or(&[]);
                let kept = all.iter().filter(|a| self.req.filters.passes(a)).count();
                kept.saturating_sub(1)
            })
            .sum();
        let mut items = vec![Vec::new(); self.groups];
        for &(rank, key, date_secs) in &self.page {
            let g = self.owners.get(&key).copied().unwrap_or(0) as usize;
            items[g].push(FetchItem {
                rank,
                key,
                date_secs,
                appearances: self.appearances.get(&key).cloned().unwrap_or_default(),
            });
        }
        items
    }

    /// After round 4: the answer, each hit with its near-duplicate copies added.
    pub fn finish(mut self, parts: Vec<Vec<Hit>>) -> SearchResults {
        let mut hits: Vec<Hit> = parts.into_iter().flatten().collect();
        hits.sort_by_key(|h| h.rank);
        for hit in &mut hits {
            let key = hit.summary.article_id.0;
            let near = self
                .selection
                .copies
                .remove(&key)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, facts)| {
                    let found = self.appearances.get(&k).cloned().unwrap_or_default();
                    copies::copy_ref(k, &facts, found)
                })
                .collect();
            copies::add_copies(hit, near);
        }
        SearchResults {
            query: self.req.query,
            parsed: self.expr_text,
            total: self.selection.articles.len(),
            copies: self.folded,
            undated: self.selection.undated,
            appearances: self.other_records,
            hits,
        }
    }
}

/// Opens each group of shards of the root `root` in this process: `groups[i]` lists the
/// manifest positions of group i's shards. Drive them with [`Remote::connect`] over
/// [`local`].
pub fn open_groups(root: &std::path::Path, groups: &[Vec<usize>]) -> Result<Vec<Group>> {
    let aliases = AliasTable::for_index(root, None)?;
    groups
        .iter()
        .map(|g| crate::index::open_shards(root, g).map(|mi| Group::new(mi, aliases.clone())))
        .collect()
}
