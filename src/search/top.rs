//! The best articles of a search by relevance, without scoring every matching passage into a
//! map: a bounded set of the best articles so far, and tantivy's pruning (`for_each_pruning`,
//! block-max WAND for unions of terms) told the score an article has to beat.
//!
//! An article's score is its best passage's (MaxP). The set holds at most `limit` articles, each
//! with its best passage; once it is full, a passage can only matter if it scores at least as
//! much as the worst article kept (an equal score can still win on the tie-breaks: older first,
//! then the smaller key), so the threshold handed to tantivy is just below that score, less the
//! most an article's title adds (titles are scored once per article: `titles.rs`). Passages of
//! articles outside the selection and deleted documents are passed over. The result is the same
//! as scoring every passage and sorting (`rank_top`'s general path), which the tests check.

use super::statistics::LiveStatistics;
use super::table::ArticleTable;
use super::table::Row;
use super::titles::{title_scores, Keep, TitleScores};
use super::{ranked_order, BestPassages, Ranked, SelectedArticles, SortOrder};
use std::cmp::Ordering;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, TERMINATED};

/// Most articles the bounded set is used for; longer pages take the general path.
pub const MAX_LIMIT: usize = 1000;

/// True when the words of `expr`'s positive atoms make a flat union of three or more terms:
/// block-max WAND adds such terms' scores in another order than the union scorer, so a score
/// could differ in its last bit from the general path's and equal passages be ranked by it.
/// Those queries are ranked by the union scorer, without block-max WAND (adding two numbers
/// does not depend on their order). Title words are scored apart, over article documents
/// (`titles.rs`), alike on both paths.
pub(crate) fn flat_term_union(expr: &super::Expr) -> bool {
    let atoms = expr.positive_atoms();
    atoms.iter().filter(|a| in_body(a) && word(a)).count() >= 3
}

/// The atom is a word (not a phrase or a prefix): one term per field it searches.
fn word(a: &super::query::Atom) -> bool {
    matches!(a.kind, super::query::AtomKind::Word(_))
}

/// The atom searches the passages' text (with or without the title).
fn in_body(a: &super::query::Atom) -> bool {
    matches!(
        a.field,
        super::query::Field::Any | super::query::Field::Text
    )
}

/// Per segment, sorted runs of passage documents.
pub(crate) type Runs = Vec<Vec<std::ops::Range<DocId>>>;

/// How many times fewer than the documents a query's words are in the selected articles'
/// passages must be for ranking to read only them: each run costs a seek of every posting
/// list of the query, so a selection with about as many passages as the words' documents
/// ranks faster by one pass over them.
const FEWER: u64 = 3;

/// [`FEWER`] for a query that block-max WAND ranks (a single word, or a union of words of
/// one field): its pass over every document skips the blocks that cannot beat the worst kept
/// article, so it is cheaper than its documents say.
const FEWER_PRUNED: u64 = 16;

/// True when the positive atoms of `expr` are words, so that their passage query is a term or
/// a union of terms, which block-max WAND ranks (unless [`flat_term_union`]).
pub(crate) fn pruned(expr: &super::Expr) -> bool {
    expr.positive_atoms().iter().all(|a| word(a)) && !flat_term_union(expr)
}

/// The passage documents of the selected `articles`, per segment, when ranking should read
/// only them: they are [`FEWER`] times fewer than the documents that the positive query `q`'s
/// words are in ([`FEWER_PRUNED`] when `pruned`: see [`pruned`]), which are the passages it
/// would score otherwise, those of articles outside the selection included; and each
/// article's passages are one run of documents (see `table::Row::passage_docs`). `None` when
/// the query should run over every document.
pub(crate) fn selected_runs(
    searcher: &Searcher,
    table: &ArticleTable,
    matched: u64,
    articles: &SelectedArticles,
    pruned: bool,
) -> crate::Result<Option<Runs>> {
    if articles.is_empty() || table.is_empty() {
        return Ok(None);
    }
    let fewer = if pruned { FEWER_PRUNED } else { FEWER };
    // The commit's documents per article, a first guess before any row is read.
    let per_article = searcher.num_docs() / table.len() as u64;
    if articles.len() as u64 * per_article * fewer >= matched {
        return Ok(None);
    }
    let segments = searcher.segment_readers().len();
    let found = match articles.rows_of(table) {
        // The selection's rows, read when it was made.
        Some(rows) => table.passage_runs(segments, rows.ones()),
        None => {
            let mut rows = Vec::with_capacity(articles.len());
            for key in articles.keys() {
                // Read and checked here: a selection by key was not made from this table.
                match table.find(key)? {
                    Some(i) => {
                        table.row(i)?;
                        rows.push(i);
                    }
                    None => return Ok(None),
                }
            }
            table.passage_runs(segments, rows)
        }
    };
    let Some(found) = found else {
        return Ok(None);
    };
    let passages: u64 = found
        .iter()
        .flatten()
        .map(|(docs, _)| u64::from(docs.end - docs.start))
        .sum();
    if passages * fewer >= matched {
        return Ok(None);
    }
    let runs = found
        .into_iter()
        .map(|segment| segment.into_iter().map(|(docs, _)| docs).collect())
        .collect();
    Ok(Some(runs))
}

/// The documents the terms of `q` are in, summed over its terms (a term of a phrase counts
/// whole; the words a prefix stands for are not counted): what a pass of `q` over every
/// document reads, at most.
fn postings(searcher: &Searcher, q: &dyn Query) -> u64 {
    let mut matched = 0u64;
    q.query_terms(&mut |term, _| {
        matched += searcher.doc_freq(term).unwrap_or(0);
    });
    matched
}

/// A kept article: its best passage so far.
#[derive(Debug, Clone, Copy)]
struct Kept {
    key: u64,
    date_secs: Option<i64>,
    score: Score,
    number: u64,
    addr: DocAddress,
}

impl Kept {
    fn ranked(&self) -> Ranked {
        Ranked {
            key: self.key,
            date_secs: self.date_secs,
            best: BestPassages(vec![(self.score, self.number, self.addr)]),
        }
    }
}

/// Article order by relevance (as `ranked_order`): higher score, then older, then smaller key.
fn article_order(a: &Kept, b: &Kept) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.date_secs.cmp(&b.date_secs))
        .then_with(|| a.key.cmp(&b.key))
}

/// Passage order within an article (as `BestPassages`): higher score, then the earlier passage,
/// then the earlier address.
fn passage_better(a: &Kept, b: &Kept) -> bool {
    b.score
        .total_cmp(&a.score)
        .then(a.number.cmp(&b.number))
        .then(a.addr.cmp(&b.addr))
        .is_lt()
}

/// The best articles so far, best first, at most `limit`, with their keys.
struct Best {
    kept: Vec<Kept>,
    members: crate::index::Keys,
    limit: usize,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            kept: Vec::with_capacity(limit + 1),
            members: crate::index::Keys::default(),
            limit,
        }
    }

    /// The score a passage has to exceed to matter.
    fn threshold(&self) -> Score {
        match self.kept.len() == self.limit {
            // An equal score may still win on the tie-breaks: let it through.
            true => self.kept.last().map_or(Score::MIN, |k| k.score.next_down()),
            false => Score::MIN,
        }
    }

    /// Offers an article's passage: it replaces the article's kept passage when better, and
    /// the article takes its place by its score.
    fn offer(&mut self, candidate: Kept) {
        let key = candidate.key;
        if self.members.contains(&key) {
            match self.kept.iter().position(|k| k.key == key) {
                Some(i) if passage_better(&candidate, &self.kept[i]) => {
                    self.kept.remove(i);
                    self.members.remove(&key);
                }
                _ => return,
            }
        }
        let at = self
            .kept
            .partition_point(|k| article_order(k, &candidate).is_lt());
        if at < self.limit {
            self.kept.insert(at, candidate);
            self.members.insert(key);
            if self.kept.len() > self.limit {
                if let Some(out) = self.kept.pop() {
                    self.members.remove(&out.key);
                }
            }
        }
    }
}

/// The `limit` best articles of `articles` for `expr` by relevance, each with its best passage
/// (see [`top_articles`]); `None` when nothing of `expr` scores (the general path lists them).
pub(crate) fn rank(
    mi: &crate::index::MorgueIndex,
    searcher: &Searcher,
    expr: &super::Expr,
    articles: &SelectedArticles,
    limit: usize,
) -> crate::Result<Option<Vec<Ranked>>> {
    let positive = super::build::Builder::new(searcher, &mi.fields).positive(expr)?;
    if positive.is_empty() {
        return Ok(None);
    }
    let table = ArticleTable::cached(mi, searcher)?;
    let live = super::statistics::LiveStatistics::new(searcher, &table);
    let matched = match &positive.titles {
        Some(q) => {
            let selected = |key: u64| articles.contains_key(&key);
            let keep = match articles.rows_of(&table) {
                Some(rows) => Keep::Rows(rows),
                None => Keep::Keys(&selected),
            };
            title_scores(searcher, &table, q.as_ref(), &live, keep)?
        }
        None => Vec::new(),
    };
    let titles = TitleScores::new(table.len(), matched);
    let prune = pruned(expr);
    let (words, runs) = match positive.passages {
        Some(query) => {
            let words = Words::new(searcher, &live, query, prune)?;
            let runs = selected_runs(searcher, &table, words.postings, articles, prune)?;
            (Some(words), runs)
        }
        None => (None, None),
    };
    let ranked = top_articles(
        searcher,
        &table,
        &live,
        &mi.fields,
        words.as_ref(),
        &titles,
        articles,
        limit,
        runs.as_ref(),
    )?;
    Ok(Some(ranked))
}

/// The `limit` best articles of `articles`, best first, each with its best passage; articles
/// without a scored passage follow the scored ones when fewer than `limit` scored. A passage
/// scores its words (the passage query `q`) plus its article's title (`titles`).
///
/// `q` runs over every document (or over the selection's `runs`), and tantivy is told the score
/// a passage's words must beat: the worst kept article's, less the best title score (a passage
/// whose words score less cannot win whatever its title). Then the articles whose title alone
/// beats the worst kept one are offered with their opening passage: a passage of theirs that
/// the pass skipped scored too little for that.
#[allow(clippy::too_many_arguments)]
pub(crate) fn top_articles(
    searcher: &Searcher,
    table: &ArticleTable,
    live: &LiveStatistics,
    fields: &crate::index::Fields,
    q: Option<&Words>,
    titles: &TitleScores,
    articles: &SelectedArticles,
    limit: usize,
    runs: Option<&Runs>,
) -> crate::Result<Vec<Ranked>> {
    // Nothing selected (filters that leave no article): no document is worth scoring, where
    // the pass below would still score every match and pass each over.
    if limit == 0 || articles.is_empty() {
        return Ok(Vec::new());
    }
    let mut best = Best::new(limit);
    if let Some(q) = q {
        let weight = q
            .query
            .weight(EnableScoring::enabled_from_statistics_provider(
                live, searcher,
            ))?;
        // The articles with the best titles, scored whole first: the pass starts with a worst
        // kept score near the last one's, not from nothing (its threshold less the best title
        // score would let most passages through until the set fills).
        let mut seeds = Vec::new();
        for (row, title) in titles.top(limit) {
            seeds.push((table.row(row as usize)?, title));
        }
        for k in rescore(searcher, table, fields, weight.as_ref(), &seeds)? {
            best.offer(k);
        }
        let candidates = Candidates {
            searcher,
            table,
            weight: weight.as_ref(),
            titles,
        };
        let enough = match q.bound {
            Some(bound) => candidates.enough(&mut best, bound, q.postings, q.lists)?,
            None => false,
        };
        if !enough {
            let pass = Pass {
                searcher,
                table,
                weight: weight.as_ref(),
                prune: q.prune,
                titles,
                articles,
                runs,
            };
            pass.run(&mut best)?;
        }
    }
    // The articles whose title alone may beat the worst kept one: their opening passage,
    // scored by the title (one whose words matched scores more already, and is kept or beaten).
    let members = &best.members;
    let unkept = |row: u32| !members.contains(&table.key_of(row as usize));
    for (row, title) in titles.above(best.threshold(), limit, &unkept) {
        if title <= best.threshold() {
            break;
        }
        let row = table.row(row as usize)?;
        if let Some(k) = title_only(searcher, table, fields, &row, title)? {
            best.offer(k);
        }
    }
    Ok(finish(best, articles, limit))
}

/// Postings of a pass over every passage that scoring one titled article whole costs about as
/// much as, per posting list of the query (reading its row, seeking each list to its passages,
/// scoring them). Measured on AllSides at 1× and 4× (102 queries): for a single word, the two
/// ways break even with 16 to 32.
const CANDIDATE_POSTINGS: u64 = 32;

/// The posting lists a scorer of `q` seeks: its words, phrases and prefixes.
fn lists(q: &dyn Query) -> u64 {
    match q.downcast_ref::<tantivy::query::BooleanQuery>() {
        Some(b) => b.clauses().iter().map(|(_, c)| lists(c.as_ref())).sum(),
        None => 1,
    }
}

/// The most the words of `q` add to a passage's score: tantivy's BM25 bound (a term at an
/// infinite frequency in the shortest passage) for a word or a phrase, the constant score of a
/// prefix, the sum of the clauses of a union or an intersection; `None` for a query of another
/// kind. Computed with the statistics (`stats`) the pass scores with.
fn words_bound(
    q: &dyn Query,
    stats: &dyn tantivy::query::Bm25StatisticsProvider,
) -> crate::Result<Option<Score>> {
    use tantivy::query::{Bm25Weight, BooleanQuery, Occur, PhraseQuery, RegexQuery, TermQuery};
    if let Some(t) = q.downcast_ref::<TermQuery>() {
        let weight = Bm25Weight::for_terms(stats, std::slice::from_ref(t.term()))?;
        return Ok(Some(weight.max_score()));
    }
    if let Some(p) = q.downcast_ref::<PhraseQuery>() {
        return Ok(Some(
            Bm25Weight::for_terms(stats, &p.phrase_terms())?.max_score(),
        ));
    }
    // Scored as a constant: the boost, 1.
    if q.downcast_ref::<RegexQuery>().is_some() {
        return Ok(Some(1.0));
    }
    let Some(b) = q.downcast_ref::<BooleanQuery>() else {
        return Ok(None);
    };
    let mut sum: Score = 0.0;
    for (occur, clause) in b.clauses() {
        if *occur == Occur::MustNot {
            continue;
        }
        match words_bound(clause.as_ref(), stats)? {
            Some(bound) => sum += bound,
            None => return Ok(None),
        }
    }
    Ok(Some(sum))
}

/// The titled articles that may still enter the bounded set once the words alone cannot (see
/// [`Candidates::enough`]).
struct Candidates<'a> {
    searcher: &'a Searcher,
    table: &'a ArticleTable,
    weight: &'a dyn tantivy::query::Weight,
    titles: &'a TitleScores,
}

impl Candidates<'_> {
    /// When the words add less to any passage (at most `bound`) than the worst kept article
    /// scored, an article can only enter the set if its title makes up the difference: each
    /// titled article whose title score plus `bound` beats the worst kept one is scored whole
    /// (in document order, passing over those that the rising worst kept score puts out of
    /// reach), and the pass over every passage is not needed. Returns false, having done
    /// nothing, when an untitled article could still enter, or when the candidates would cost
    /// more than the pass over the words' `postings` (see [`CANDIDATE_POSTINGS`]; `lists`: the
    /// query's posting lists).
    ///
    /// This is what ranks a common word: `the` or `said` scores little in a passage (nearly
    /// every passage holds it) and much in a title, so the pass's threshold, the worst kept
    /// score less the best title score, let almost every passage through (492,476 of the
    /// passages holding `the` at 1×, against 13 candidates here).
    fn enough(
        &self,
        best: &mut Best,
        bound: Score,
        postings: u64,
        lists: u64,
    ) -> crate::Result<bool> {
        let (table, titles) = (self.table, self.titles);
        // A margin for the order in which a union adds its terms' scores.
        let bound = bound + bound.abs() * 1e-5 + 1e-6;
        let worst = best.threshold();
        if worst == Score::MIN || bound > worst {
            return Ok(false);
        }
        let reach = |title: Score| title + bound > worst;
        let count = titles.matched().iter().filter(|m| reach(m.1)).count();
        let cost = CANDIDATE_POSTINGS.saturating_mul(lists.max(1));
        if (count as u64).saturating_mul(cost) > postings {
            return Ok(false);
        }
        // The candidates in document order, each with its run of passages (an index whose
        // passages are not runs is ranked by the pass).
        let mut rows = Vec::with_capacity(count);
        for &(i, title) in titles.matched() {
            if !reach(title) {
                continue;
            }
            let row = table.row(i as usize)?;
            // Scored whole already (the seeds).
            if best.members.contains(&row.key) {
                continue;
            }
            let Some(run) = row.passage_docs() else {
                return Ok(false);
            };
            rows.push((row.addr.segment_ord, run, row, title));
        }
        rows.sort_unstable_by_key(|r| (r.0, r.1.start));
        let mut scorers = SegmentScorer::new(self.searcher, self.weight);
        for (segment, run, row, title) in rows {
            if title + bound <= best.threshold() {
                continue;
            }
            let s = scorers.of(segment)?;
            let alive = self.searcher.segment_reader(segment).alive_bitset();
            let mut found: Option<Kept> = None;
            let mut doc = s.doc();
            if doc < run.start {
                doc = s.seek(run.start);
            }
            while doc < run.end {
                let addr = DocAddress::new(segment, doc);
                if !alive.is_some_and(|a| a.is_deleted(doc)) {
                    if let Some(number) = table.number_in(&row, addr)? {
                        keep_better(&mut found, &row, s.score() + title, number, addr);
                    }
                }
                doc = s.advance();
            }
            // One whose words are in no passage is offered by its title afterwards, as after
            // a pass.
            if let Some(k) = found {
                best.offer(k);
            }
        }
        Ok(true)
    }
}

/// A pass of a search's words over the passages (see [`top_articles`]).
struct Pass<'a> {
    searcher: &'a Searcher,
    table: &'a ArticleTable,
    weight: &'a dyn tantivy::query::Weight,
    prune: bool,
    titles: &'a TitleScores,
    articles: &'a SelectedArticles,
    runs: Option<&'a Runs>,
}

impl Pass<'_> {
    /// Offers the selected articles' passages whose words and title may beat the worst kept
    /// article, telling tantivy that score less the most a title adds.
    fn run(&self, best: &mut Best) -> crate::Result<()> {
        let (table, titles, articles) = (self.table, self.titles, self.articles);
        let title_max = titles.max();
        // The score a passage's words must beat.
        let words_threshold = |best: &Best| {
            let t = best.threshold();
            match t == Score::MIN || title_max == 0.0 {
                true => t,
                // Below the difference, by a margin for its rounding.
                false => {
                    let d = t - title_max;
                    d - d.abs() * 1e-5 - 1e-6
                }
            }
        };
        for (segment, reader) in self.searcher.segment_readers().iter().enumerate() {
            let segment = segment as u32;
            let columns = table.columns(segment)?;
            // A selection of the table's rows is read through the segment's row map: a
            // passage's row, its bit, and the row's key and date.
            let selected = articles
                .rows_of(table)
                .map(|rows| table.row_map(segment).map(|map| (rows, map)))
                .transpose()?;
            // Without a selection of rows, a passage's article is found by its key.
            let keys = match selected {
                None => Some(columns.keys()?),
                Some(_) => None,
            };
            let alive = reader.alive_bitset();
            // A passage number that could not be read (a column of a damaged index).
            let mut failed: Option<tantivy::TantivyError> = None;
            // What the articles scored so far left to beat.
            let start = words_threshold(best);
            let mut callback = |doc: u32, words: Score| -> Score {
                // Deleted documents (an article indexed again) are not the collector's to skip
                // here.
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return words_threshold(best);
                }
                let member = match &selected {
                    Some((rows, map)) => map
                        .passage(doc)
                        .map(|i| i as usize)
                        .filter(|&i| rows.contains(i))
                        .map(|i| (i, None)),
                    None => keys.and_then(|k| k.first(doc)).and_then(|key| {
                        let facts = articles.get(&key)?;
                        let row = table.find(key).ok().flatten()?;
                        Some((row, Some((key, facts.date_secs))))
                    }),
                };
                let Some((row, known)) = member else {
                    return words_threshold(best);
                };
                let title = titles.of(row);
                let score = words + title;
                // Cannot beat the worst kept article (equal may, on the tie-breaks).
                if score <= best.threshold() {
                    return words_threshold(best);
                }
                let number = match table.number_of(row, DocAddress::new(segment, doc)) {
                    Ok(Some(number)) => number,
                    Ok(None) => return words_threshold(best),
                    Err(e) => {
                        failed.get_or_insert(e);
                        return words_threshold(best);
                    }
                };
                let (key, date_secs) =
                    known.unwrap_or_else(|| (table.key_of(row), table.date_of(row)));
                best.offer(Kept {
                    key,
                    date_secs,
                    score,
                    number,
                    addr: DocAddress::new(segment, doc),
                });
                words_threshold(best)
            };
            let every = 0..reader.max_doc();
            let runs = match self.runs.and_then(|r| r.get(segment as usize)) {
                Some(runs) => Some(runs.as_slice()),
                // A union scored as the general path scores it.
                None if !self.prune => Some(std::slice::from_ref(&every)),
                None => None,
            };
            match runs {
                None => self.weight.for_each_pruning(start, reader, &mut callback)?,
                // No selected article here.
                Some([]) => {}
                Some(runs) => {
                    // The matches within the runs only, scored and offered as
                    // `for_each_pruning` would (the same scorer, the same threshold rule).
                    let mut scorer = self.weight.scorer(reader, 1.0)?;
                    let mut threshold = start;
                    for run in runs {
                        let mut doc = scorer.doc();
                        if doc < run.start {
                            doc = scorer.seek(run.start);
                        }
                        while doc < run.end {
                            let score = scorer.score();
                            if score > threshold {
                                threshold = callback(doc, score);
                            }
                            doc = scorer.advance();
                        }
                        if doc == TERMINATED {
                            break;
                        }
                    }
                }
            }
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
        Ok(())
    }
}

/// The passage query of a search's words, and how to rank by it.
pub(crate) struct Words {
    /// The query (`build::Positive::passages`).
    pub query: Box<dyn Query>,
    /// Block-max WAND may rank it (see [`pruned`]).
    pub prune: bool,
    /// The documents its terms are in (see [`postings`]).
    pub postings: u64,
    /// The most it adds to a passage's score (see [`words_bound`]).
    pub bound: Option<Score>,
    /// Its words, phrases and prefixes: each is a posting list the scorer seeks.
    pub lists: u64,
}

impl Words {
    /// The words of `query`, with its postings and its bound among the live documents (`live`).
    pub fn new(
        searcher: &Searcher,
        live: &LiveStatistics,
        query: Box<dyn Query>,
        prune: bool,
    ) -> crate::Result<Words> {
        Ok(Words {
            postings: postings(searcher, query.as_ref()),
            bound: words_bound(query.as_ref(), live)?,
            lists: lists(query.as_ref()),
            query,
            prune,
        })
    }
}

/// Each titled article of `again` (its row and title score) with its best passage, exactly: the
/// best of its passages' words score (`weight`) plus its title score, or its opening passage
/// scored by the title when none has the words.
fn rescore(
    searcher: &Searcher,
    table: &ArticleTable,
    fields: &crate::index::Fields,
    weight: &dyn tantivy::query::Weight,
    again: &[(Row, Score)],
) -> crate::Result<Vec<Kept>> {
    // Every passage of each article, in document order, and whose it is.
    let mut docs: Vec<(DocAddress, usize)> = Vec::new();
    for (i, (row, _)) in again.iter().enumerate() {
        let passages = super::titles::passage_addresses(searcher, fields, row, usize::MAX)?;
        docs.extend(passages.into_iter().map(|a| (a, i)));
    }
    docs.sort_unstable();
    let mut found: Vec<Option<Kept>> = vec![None; again.len()];
    let mut scorers = SegmentScorer::new(searcher, weight);
    for (addr, i) in docs {
        let reader = searcher.segment_reader(addr.segment_ord);
        if reader
            .alive_bitset()
            .is_some_and(|a| a.is_deleted(addr.doc_id))
        {
            continue;
        }
        let s = scorers.of(addr.segment_ord)?;
        let mut doc = s.doc();
        if doc < addr.doc_id {
            doc = s.seek(addr.doc_id);
        }
        if doc != addr.doc_id {
            continue;
        }
        let (row, title) = &again[i];
        let Some(number) = table.number_in(row, addr)? else {
            continue;
        };
        keep_better(&mut found[i], row, s.score() + title, number, addr);
    }
    let mut out = Vec::with_capacity(again.len());
    for ((row, title), found) in again.iter().zip(found) {
        match found {
            Some(k) => out.push(k),
            None => out.extend(title_only(searcher, table, fields, row, *title)?),
        }
    }
    Ok(out)
}

/// The scorer of a weight in the segment of the documents being scored, made again when they
/// move to another segment (they come in document order): what scoring a few articles whole
/// reads, instead of a pass over every match.
struct SegmentScorer<'a> {
    searcher: &'a Searcher,
    weight: &'a dyn tantivy::query::Weight,
    at: Option<(SegmentOrdinal, Box<dyn tantivy::query::Scorer>)>,
}

impl<'a> SegmentScorer<'a> {
    fn new(searcher: &'a Searcher, weight: &'a dyn tantivy::query::Weight) -> Self {
        SegmentScorer {
            searcher,
            weight,
            at: None,
        }
    }

    /// The scorer in `segment`, where the last one was left when it is the same segment.
    fn of(
        &mut self,
        segment: SegmentOrdinal,
    ) -> tantivy::Result<&mut Box<dyn tantivy::query::Scorer>> {
        let scorer = match self.at.take() {
            Some((at, s)) if at == segment => s,
            _ => self
                .weight
                .scorer(self.searcher.segment_reader(segment), 1.0)?,
        };
        Ok(&mut self.at.insert((segment, scorer)).1)
    }
}

/// Keeps passage `number` (at `addr`) of the article of `row`, scoring `score`, in `found` when
/// it is better than the one found before.
fn keep_better(found: &mut Option<Kept>, row: &Row, score: Score, number: u64, addr: DocAddress) {
    let candidate = Kept {
        key: row.key,
        date_secs: row.date_secs,
        score,
        number,
        addr,
    };
    if found.is_none_or(|f| passage_better(&candidate, &f)) {
        *found = Some(candidate);
    }
}

/// The article of `row` with its opening passage, scored by its title alone (`None` when it
/// has no passage).
fn title_only(
    searcher: &Searcher,
    table: &ArticleTable,
    fields: &crate::index::Fields,
    row: &Row,
    title: Score,
) -> crate::Result<Option<Kept>> {
    let opening = super::titles::opening(searcher, table, fields, row, 1)?;
    Ok(opening.first().map(|&(number, addr)| Kept {
        key: row.key,
        date_secs: row.date_secs,
        score: title,
        number,
        addr,
    }))
}

/// The kept articles, best first, then (when fewer than `limit` scored) the selected ones
/// that scored nothing.
fn finish(best: Best, articles: &SelectedArticles, limit: usize) -> Vec<Ranked> {
    let members = best.members;
    let mut ranked: Vec<Ranked> = best.kept.iter().map(Kept::ranked).collect();
    if ranked.len() < limit {
        // Every matching passage was seen (nothing was pruned): the rest matched only through
        // their article's boolean logic (a negation) and score nothing.
        let mut rest: Vec<Ranked> = articles
            .iter()
            .filter(|(k, _)| !members.contains(k))
            .map(|(key, facts)| Ranked {
                key,
                date_secs: facts.date_secs,
                best: BestPassages::default(),
            })
            .collect();
        let room = limit - ranked.len();
        if rest.len() > room {
            rest.select_nth_unstable_by(room - 1, |a, b| ranked_order(a, b, SortOrder::Relevance));
            rest.truncate(room);
        }
        rest.sort_by(|a, b| ranked_order(a, b, SortOrder::Relevance));
        ranked.extend(rest);
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::super::{parse, rank_top, select, Filters};
    use super::*;
    use crate::search::testing::{article, passage};
    use tantivy::indexer::UserOperation;
    use tantivy::{DateTime, Term};

    /// A ranked article's best passage: score, number, address.
    type Passage = (Score, u64, DocAddress);

    /// Each ranked article with its best passage.
    fn best_of(ranked: &[Ranked]) -> Vec<(u64, Option<Passage>)> {
        ranked
            .iter()
            .map(|r| (r.key, r.best.0.first().copied()))
            .collect()
    }

    /// The ranking of the path that scores every passage into a map (two passages per article
    /// take it), the best 500.
    fn by_every_passage(
        mi: &crate::index::MorgueIndex,
        searcher: &Searcher,
        expr: &crate::search::Expr,
        articles: &SelectedArticles,
    ) -> Vec<(u64, Option<Passage>)> {
        let every = rank_top(
            mi,
            searcher,
            expr,
            articles.clone(),
            2,
            SortOrder::Relevance,
            500,
        );
        best_of(&every.unwrap())
    }

    /// What a [`Counted`] query saw: the weights built from it (each is a pass over its
    /// matches) and the passages its scorers scored.
    #[derive(Debug, Default)]
    struct Counts {
        weights: std::sync::atomic::AtomicUsize,
        scored: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Counts {
        fn reset(&self) {
            self.weights.store(0, std::sync::atomic::Ordering::Relaxed);
            self.scored.store(0, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// A query that counts what is done with it (see [`Counts`]).
    #[derive(Debug)]
    struct Counted(Box<dyn Query>, std::sync::Arc<Counts>);

    impl Clone for Counted {
        fn clone(&self) -> Counted {
            Counted(self.0.box_clone(), std::sync::Arc::clone(&self.1))
        }
    }

    impl Query for Counted {
        fn weight(
            &self,
            scoring: EnableScoring<'_>,
        ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
            self.1
                .weights
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let inner = self.0.weight(scoring)?;
            Ok(Box::new(ScoredWeight(
                inner,
                std::sync::Arc::clone(&self.1.scored),
            )))
        }
    }

    /// Filters that leave no article (`pier --to 1969`: every article is later or undated)
    /// rank nothing and score no passage, however many the words match.
    #[test]
    fn an_empty_selection_scores_nothing() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        for key in 1..=20u64 {
            let mut a = article(&f, key);
            a.add_date(f.date, DateTime::from_timestamp_secs(86_400 * key as i64));
            w.run([
                UserOperation::Add(a),
                UserOperation::Add(passage(&f, key, 0, "pier harbor pier")),
            ])
            .unwrap();
        }
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        let expr = parse("pier").unwrap();
        let q = crate::search::build::Builder::new(&searcher, &f)
            .positive(&expr)
            .unwrap()
            .passages
            .unwrap();
        let counts = std::sync::Arc::new(Counts::default());
        let counted = Counted(q, std::sync::Arc::clone(&counts));
        for (to, hits, scored) in [("1970-01-05", 4, 1), ("1969", 0, 0)] {
            counts.reset();
            let filters = Filters::new(None, Some(to), false, vec![], vec![]).unwrap();
            let articles = select(&mi, &searcher, Some(&expr), &filters)
                .unwrap()
                .articles;
            let none = crate::search::titles::TitleScores::new(table.len(), Vec::new());
            let words = Words {
                query: Box::new(counted.clone()),
                prune: true,
                postings: 0,
                bound: None,
                lists: 1,
            };
            let top = top_articles(
                &searcher,
                &table,
                &LiveStatistics::new(&searcher, &table),
                &f,
                Some(&words),
                &none,
                &articles,
                10,
                None,
            )
            .unwrap();
            assert_eq!(top.len(), hits, "--to {to}");
            let weights = counts.weights.load(std::sync::atomic::Ordering::Relaxed);
            assert_eq!(weights, scored);
        }
    }

    struct ScoredWeight(
        Box<dyn tantivy::query::Weight>,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    );

    impl tantivy::query::Weight for ScoredWeight {
        fn scorer(
            &self,
            reader: &tantivy::SegmentReader,
            boost: Score,
        ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
            let inner = self.0.scorer(reader, boost)?;
            Ok(Box::new(CountingScorer(
                inner,
                std::sync::Arc::clone(&self.1),
            )))
        }

        fn explain(
            &self,
            reader: &tantivy::SegmentReader,
            doc: DocId,
        ) -> tantivy::Result<tantivy::query::Explanation> {
            self.0.explain(reader, doc)
        }
    }

    struct CountingScorer(
        Box<dyn tantivy::query::Scorer>,
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
    );

    impl DocSet for CountingScorer {
        fn advance(&mut self) -> DocId {
            self.0.advance()
        }
        fn seek(&mut self, target: DocId) -> DocId {
            self.0.seek(target)
        }
        fn doc(&self) -> DocId {
            self.0.doc()
        }
        fn size_hint(&self) -> u32 {
            self.0.size_hint()
        }
    }

    impl tantivy::query::Scorer for CountingScorer {
        fn score(&mut self) -> Score {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.0.score()
        }
    }

    /// A word in every passage and in a few titles (`the`, `said`) scores little in a passage
    /// and much in a title: once the best titled articles fill the set, only a titled article
    /// can enter it, so those are scored whole and the passages of the others are not scored.
    /// The ranking is the one that scores every passage.
    #[test]
    fn a_common_word_ranks_its_titled_articles_without_scoring_every_passage() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        let filler = ["harbor", "ferry", "council", "budget", "storm", "orchard"];
        for key in 1..=300u64 {
            let mut a = article(&f, key);
            // Twelve titled alike: their passages decide their order.
            if key % 25 == 0 {
                a.add_text(f.title, "pier harbor");
            }
            let mut docs = vec![UserOperation::Add(a)];
            for p in 0..2u64 {
                let words: Vec<&str> =
                    std::iter::repeat_n("pier", ((key * 7 + p) % 4 + 1) as usize)
                        .chain((0..((key + p) % 9 + 3) as usize).map(|i| filler[i % filler.len()]))
                        .collect();
                docs.push(UserOperation::Add(passage(&f, key, p, &words.join(" "))));
            }
            w.run(docs).unwrap();
        }
        w.commit().unwrap();
        let searcher = mi.searcher().unwrap();
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        let expr = parse("pier").unwrap();
        let articles = select(&mi, &searcher, Some(&expr), &Filters::default())
            .unwrap()
            .articles;
        let positive = crate::search::build::Builder::new(&searcher, &f)
            .positive(&expr)
            .unwrap();
        let live = crate::search::statistics::LiveStatistics::new(&searcher, &table);
        let all = |_: u64| true;
        let titled = crate::search::titles::title_scores(
            &searcher,
            &table,
            positive.titles.unwrap().as_ref(),
            &live,
            crate::search::titles::Keep::Keys(&all),
        )
        .unwrap();
        assert_eq!(titled.len(), 12);
        let titles = TitleScores::new(table.len(), titled);
        let every = by_every_passage(&mi, &searcher, &expr, &articles);
        let passages = positive.passages.unwrap();
        let counts = std::sync::Arc::new(Counts::default());
        let q = Counted(passages.box_clone(), std::sync::Arc::clone(&counts));
        for limit in [1, 3, 5, 10] {
            counts.reset();
            // The bound and postings of the word itself (the counting wrapper hides them).
            let words = Words::new(&searcher, &live, passages.box_clone(), true).unwrap();
            let words = Words {
                query: Box::new(q.clone()),
                ..words
            };
            let top = top_articles(
                &searcher,
                &table,
                &live,
                &f,
                Some(&words),
                &titles,
                &articles,
                limit,
                None,
            )
            .unwrap();
            let top = best_of(&top);
            let want: Vec<_> = every.iter().take(limit).copied().collect();
            assert_eq!(top, want, "limit {limit}");
            assert!(top.iter().all(|(key, _)| key % 25 == 0), "limit {limit}");
            // The twelve titled articles' 24 passages, not the 600 that hold the word.
            let n = counts.scored.load(std::sync::atomic::Ordering::Relaxed);
            assert!(n <= 24, "limit {limit}: {n} passages scored");
        }
    }

    #[test]
    fn the_bounded_set_ranks_as_scoring_every_passage_does() {
        let (_dir, mi, mut w) = crate::search::testing::new_index();
        let f = mi.fields;
        let filler = ["harbor", "ferry", "council", "budget", "storm", "orchard"];
        for a in 0..60u64 {
            let key = 1000 + a;
            let mut article = article(&f, key);
            if a % 5 != 0 {
                // Few distinct dates: equal scores are told apart by date, then key.
                article.add_date(
                    f.date,
                    DateTime::from_timestamp_secs((a % 3) as i64 * 86_400),
                );
            }
            // Some titles have the words: a title word adds to every passage of its article,
            // and an article may match in its title only.
            match a % 4 {
                1 => article.add_text(f.title, "pier pier"),
                2 if a % 3 == 0 => article.add_text(f.title, "harbor jetty"),
                _ => {}
            }
            // One batch per article, as the ingest writes them: its passages are one run.
            let mut docs = vec![UserOperation::Add(article)];
            for p in 0..(a % 4 + 1) {
                let piers = (a * 7 + p * 3) % 5;
                // A rare word in a few articles: `pier AND quay` selects few of many.
                let quay = (a % 13 == 0 && p == 0).then_some("quay");
                let words: Vec<&str> = (0..(a % 6 + 2) as usize)
                    .map(|i| filler[i % filler.len()])
                    .chain(std::iter::repeat_n("pier", piers as usize))
                    .chain(quay)
                    .collect();
                docs.push(UserOperation::Add(passage(&f, key, p, &words.join(" "))));
            }
            w.run(docs).unwrap();
        }
        // A passage scoring above every other, deleted (an article indexed again leaves such).
        let gone = passage(&f, 1001, 9, "pier pier pier pier pier pier zzgone");
        w.add_document(gone).unwrap();
        w.commit().unwrap();
        w.delete_term(Term::from_field_text(f.body, "zzgone"));
        w.commit().unwrap();

        let searcher = mi.searcher().unwrap();
        let table = crate::search::table::ArticleTable::cached(&mi, &searcher).unwrap();
        for query in [
            "pier",
            "pier OR harbor",
            "pier -storm",
            "text:pier OR text:harbor OR text:ferry",
            "pier AND quay",
            "pier AND quay*",
            "jetty",
            "title:pier OR text:ferry",
            "jetty OR quay",
            "title:pier OR text:quay",
            "title:pier",
            "pier* OR ferry",
        ] {
            let expr = parse(query).unwrap();
            let articles = select(&mi, &searcher, Some(&expr), &Filters::default())
                .unwrap()
                .articles;
            // Few articles of many matches are ranked from their passages' runs only.
            let q = crate::search::build::Builder::new(&searcher, &f)
                .positive(&expr)
                .unwrap()
                .passages;
            let runs = match &q {
                Some(q) => {
                    let matched = postings(&searcher, q.as_ref());
                    selected_runs(&searcher, &table, matched, &articles, pruned(&expr)).unwrap()
                }
                None => None,
            };
            match query {
                "pier" => assert!(runs.is_none(), "{query}"),
                "pier AND quay*" => assert!(runs.is_some(), "{query}"),
                _ => {}
            }
            let every = by_every_passage(&mi, &searcher, &expr, &articles);
            for limit in [1, 2, 5, 7, 17, 40, 500] {
                let top = rank_top(
                    &mi,
                    &searcher,
                    &expr,
                    articles.clone(),
                    1,
                    SortOrder::Relevance,
                    limit,
                )
                .unwrap();
                let top = best_of(&top);
                let want: Vec<_> = every.iter().take(limit).copied().collect();
                assert_eq!(top, want, "{query} limit {limit}");
            }
        }
    }
}
