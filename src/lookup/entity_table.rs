//! The articles' resolved entities kept in the index folder (`entities.bin`), so that an entity
//! lookup reads integers instead of decoding and resolving the entity column's names again.
//!
//! [`EntityColumns`] reads an article's entities from the `entity_fact` column and resolves each
//! distinct value through the [`Resolver`]; on an archive most of a lookup's time went to that
//! (decoding, interning and resolving about 0.8M distinct values, and building the resolver).
//! What it finds depends only on the commit (the columns, and the form counts the resolver is
//! built from) and on the alias table, so it is written once per commit and alias table and read
//! by the next lookups: per segment and document, the resolved entities (`Lite`s) and their
//! forms, the strings they name, and per identity the number of articles that mention it.
//!
//! The entities are stored by column (identities, names, mentions, types, form ranges), each
//! bit-packed at the width its largest number needs, with a range only for the documents that
//! have entities (AllSides' 37.5k articles: 22 MB, where 32-bit numbers for every document took
//! 52 MB), so a lookup that needs only some of them (`entities` reads neither forms nor their
//! ranges) reads only those. It reads them in blocks through a window per column ([`Blocks`]),
//! not through a memory map: a scan of a mapped file keeps every page it touched resident (at
//! 150k articles the file is 71 MB, 192 MB before it was packed, and `entity` touches nearly
//! all of it), while a window holds 64 KiB. The
//! lookups visit documents in address order wherever a story's count allows (see
//! `lookup::entities`), so the windows move forward.
//!
//! The file is keyed by the commit's segments (ids, documents, deletes) and by the alias table's
//! contents. A lookup that finds it missing, damaged or keyed otherwise (after an ingest, a merge,
//! an edit of `aliases.tsv`, another `--aliases`) builds it from the columns and replaces it,
//! writing it as it is built: the rows that grow with the archive (documents' ranges, columns,
//! forms) are spooled to anonymous temporary files in the folder and read back packed, so the
//! build holds only the strings and per-identity counts (at 150k articles its peak RSS went from
//! 620 to 286 MB). When the folder cannot be written the table is built and used in memory. It is a cache: deleting it
//! changes no answer, and `stats` leaves it out of the index's size. Must not print.

use super::entity_columns::{ArticleEntities, EntityColumns, Interner, Lite};
use crate::error::Result;
use crate::extract::aliases::AliasTable;
use crate::index::sidecar::{self, width, Blocks, Packed, Packer};
use crate::index::MorgueIndex;
use crate::search::resolve::Resolver;
use std::io::{self, BufRead, Read, Seek, Write};
use tantivy::{DocAddress, Searcher};

/// The table's file in the index folder.
pub const TABLE_FILE: &str = sidecar::ENTITY_TABLE;

/// The first bytes of the file; the version changes whenever the resolution rules or the layout
/// do (the key holds the crate version too).
const MAGIC: &[u8; 16] = b"morgue-entities5";

/// The columns of the entities, in the file's order: one number per entity each, bit-packed.
const IDENTITY: usize = 0;
const NAME: usize = 1;
const COUNT: usize = 2;
/// The type's string id shifted left by one, with [`AMBIGUOUS`] set for a short name the
/// archive cannot resolve.
const KIND: usize = 3;
/// Where the entity's forms start among the forms, and how many there are.
const FORMS_START: usize = 4;
const FORMS_LEN: usize = 5;
const COLUMNS: usize = 6;

/// The bit of the [`KIND`] column that marks an ambiguous entity.
const AMBIGUOUS: u32 = 1;

/// A type's string id as its [`KIND`] column holds it, the low bit left for [`AMBIGUOUS`]; an
/// error past 2^31 strings.
fn kind_word(kind: u32) -> io::Result<u32> {
    kind.checked_mul(2).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "entity table: too many names for a type's id",
        )
    })
}

/// An entity of the table as [`EntityTable::lites`] reads it: the columns a tally needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiteRow {
    /// The identity (a key) it counts under.
    pub identity: u32,
    /// The name the article gave it.
    pub name: u32,
    /// Its type.
    pub kind: u32,
    /// Mentions in the article.
    pub count: u32,
    /// A short name that the archive cannot resolve.
    pub ambiguous: bool,
}

impl From<&Lite> for LiteRow {
    fn from(l: &Lite) -> LiteRow {
        LiteRow {
            identity: l.identity,
            name: l.name,
            kind: l.kind,
            count: l.count,
            ambiguous: l.ambiguous,
        }
    }
}

impl LiteRow {
    /// The entity stored as these columns' numbers.
    fn read(identity: u32, name: u32, count: u32, kind: u32) -> LiteRow {
        LiteRow {
            identity,
            name,
            kind: kind >> 1,
            count,
            ambiguous: kind & AMBIGUOUS != 0,
        }
    }
}

/// The resolved entities of every document of a commit (see the module doc), read from the
/// file in blocks (one window per part a lookup reads in turn: the documents' ranges, each
/// column, the forms, the articles per identity), so that a lookup's memory is its windows and
/// tallies, not the pages of the file it has read.
#[derive(Debug, Default)]
pub struct EntityTable {
    /// The identities, names, kinds and forms the entities name.
    pub strings: Interner,
    blocks: Blocks,
    /// Per segment, which of its documents have entities or forms, and their ranges.
    docs: Vec<SegmentDocs>,
    /// Bits of the first entity in a document's pair.
    lites_width: u32,
    /// The columns of the entities (`COLUMNS` of them, `n_lites` numbers each).
    columns: [Packed; COLUMNS],
    /// The forms' string ids.
    forms: Packed,
    /// The articles per string id (one number per string).
    articles: Packed,
    /// Entities and forms in all.
    n_lites: u32,
    n_forms: u32,
}

/// The documents of one segment that have entities or forms (articles; passages and path
/// documents have none): a bit per document, 64 to a word, the number of marked documents
/// before each word, and the marked documents' (first entity, first form) pairs in order,
/// one more than them (a marked document's range ends where the next one's starts). Each pair
/// is one number, the entity in the low [`EntityTable::lites_width`] bits. At 37.5k articles in
/// 647k documents: 0.3 MB instead of 3.4 MB of pairs for every document.
#[derive(Debug, Clone, Copy, Default)]
struct SegmentDocs {
    docs: u32,
    marks: Packed,
    ranks: Packed,
    pairs: Packed,
}

impl SegmentDocs {
    /// The index of document `doc`'s pair, `None` when it is not marked (or cannot be read).
    fn pair_of(&self, blocks: &Blocks, doc: u32) -> Option<u64> {
        if doc >= self.docs {
            return None;
        }
        let word = self.marks.get(blocks, MARKS, u64::from(doc / 64))?;
        let bit = 1u64 << (doc % 64);
        if word & bit == 0 {
            return None;
        }
        let before = self.ranks.get(blocks, RANKS, u64::from(doc / 64))?;
        Some(before + u64::from((word & (bit - 1)).count_ones()))
    }
}

/// The windows of [`Blocks`] the table reads through: the columns' are `0..COLUMNS`.
const PAIRS: usize = COLUMNS;
const FORMS: usize = COLUMNS + 1;
const ARTICLES: usize = COLUMNS + 2;
const MARKS: usize = COLUMNS + 3;
const RANKS: usize = COLUMNS + 4;
const WINDOWS: usize = COLUMNS + 5;

/// Builds the table of `mi`'s latest commit under `aliases` unless its folder has it: what an
/// ingest leaves for the next lookup.
pub fn prepare(mi: &MorgueIndex, aliases: &AliasTable) -> Result<()> {
    EntityTable::load(mi, &mi.searcher()?, aliases).map(drop)
}

/// The table as it is built, before it is laid out in bytes: what stays in memory (strings,
/// per-identity counts, the segments' sizes); the rows that grow with the archive are in its
/// [`Rows`].
#[derive(Default)]
struct Built {
    strings: Interner,
    /// Per segment, its documents and which have entities or forms (a bit each, 64 to a word),
    /// and how many do.
    segments: Vec<(u32, Vec<u64>, u32)>,
    /// Articles per string id (of those that are identities).
    articles: Vec<u32>,
    /// Entities and forms in all.
    lites: u32,
    forms: u32,
    /// The largest number of each column: its width.
    max: [u32; COLUMNS],
}

/// Where a build puts what grows with the archive: each marked document's (first entity, first
/// form) pair, the entities' columns and the forms; then gives them back in the file's order.
/// Spooled to temporary files ([`SpooledRows`]) when the table is written to the index folder,
/// so that building the table of a large archive holds only its strings and counts (at 150k
/// articles the spooled rows are about 180 MB); in memory ([`MemoryRows`]) otherwise.
trait Rows {
    fn doc(&mut self, lites: u32, forms: u32);
    fn entity(&mut self, row: [u32; COLUMNS]);
    fn form(&mut self, form: u32);
    /// Gives the next `n` documents' (first entity, first form) to `f`, in turn.
    fn read_docs(
        &mut self,
        n: u32,
        f: &mut dyn FnMut(u32, u32) -> io::Result<()>,
    ) -> io::Result<()>;
    /// Gives column `c`'s numbers to `f`, in turn.
    fn read_column(&mut self, c: usize, f: &mut dyn FnMut(u64) -> io::Result<()>)
        -> io::Result<()>;
    /// Gives the forms to `f`, in turn.
    fn read_forms(&mut self, f: &mut dyn FnMut(u64) -> io::Result<()>) -> io::Result<()>;
}

fn put(out: &mut dyn Write, xs: impl IntoIterator<Item = u32>) -> io::Result<()> {
    xs.into_iter()
        .try_for_each(|x| out.write_all(&x.to_le_bytes()))
}

/// Packs the `n` numbers of `width` bits that `numbers` gives into `out`; an error when it
/// gives another number of them (a reader finds each array by its count: a short one would
/// shift every later array).
fn pack(
    out: &mut dyn Write,
    width: u32,
    n: u64,
    numbers: impl FnOnce(&mut dyn FnMut(u64) -> io::Result<()>) -> io::Result<()>,
) -> io::Result<()> {
    let mut packer = Packer::new(width);
    let mut given = 0u64;
    numbers(&mut |x| {
        given += 1;
        packer.put(x, out)
    })?;
    if given != n {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("entity table: {given} numbers where {n} were counted"),
        ));
    }
    packer.finish(out)
}

/// The rows in memory.
#[derive(Default)]
struct MemoryRows {
    docs: Vec<(u32, u32)>,
    /// The documents' pairs written so far.
    docs_written: usize,
    columns: [Vec<u32>; COLUMNS],
    forms: Vec<u32>,
}

impl Rows for MemoryRows {
    fn doc(&mut self, lites: u32, forms: u32) {
        self.docs.push((lites, forms));
    }

    fn entity(&mut self, row: [u32; COLUMNS]) {
        for (column, value) in self.columns.iter_mut().zip(row) {
            column.push(value);
        }
    }

    fn form(&mut self, form: u32) {
        self.forms.push(form);
    }

    fn read_docs(
        &mut self,
        n: u32,
        f: &mut dyn FnMut(u32, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        let end = self.docs_written + n as usize;
        let pairs = self.docs.get(self.docs_written..end).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "entity table: fewer documents than counted",
            )
        })?;
        self.docs_written = end;
        pairs.iter().try_for_each(|&(lites, forms)| f(lites, forms))
    }

    fn read_column(
        &mut self,
        c: usize,
        f: &mut dyn FnMut(u64) -> io::Result<()>,
    ) -> io::Result<()> {
        self.columns[c].iter().try_for_each(|&x| f(x.into()))
    }

    fn read_forms(&mut self, f: &mut dyn FnMut(u64) -> io::Result<()>) -> io::Result<()> {
        self.forms.iter().try_for_each(|&x| f(x.into()))
    }
}

/// The rows spooled to anonymous temporary files in the index folder (removed by the system
/// when closed, whatever happens): one for the documents' pairs, one per column, one for the
/// forms.
struct SpooledRows {
    spools: Vec<Spool>,
    /// The first write that failed: the build goes on, and writing the table reports it.
    failed: Option<io::Error>,
}

/// One spool file: written in turn, then read back in turn.
enum Spool {
    Writing(io::BufWriter<std::fs::File>),
    Reading(io::BufReader<std::fs::File>),
}

const DOC_SPOOL: usize = COLUMNS;
const FORM_SPOOL: usize = COLUMNS + 1;

impl SpooledRows {
    fn new(dir: &std::path::Path) -> io::Result<SpooledRows> {
        let spools = (0..COLUMNS + 2)
            .map(|_| {
                tempfile::tempfile_in(dir)
                    .map(|f| Spool::Writing(io::BufWriter::with_capacity(1 << 16, f)))
            })
            .collect::<io::Result<_>>()?;
        Ok(SpooledRows {
            spools,
            failed: None,
        })
    }

    fn push(&mut self, spool: usize, words: &[u32]) {
        if self.failed.is_some() {
            return;
        }
        if let Spool::Writing(w) = &mut self.spools[spool] {
            if let Err(e) = put(w, words.iter().copied()) {
                self.failed = Some(e);
            }
        }
    }

    /// Gives `words` (all when `None`) 32-bit numbers of spool `spool` to `f`, from where the
    /// last read stopped.
    fn read(
        &mut self,
        spool: usize,
        words: Option<u64>,
        f: &mut dyn FnMut(u32) -> io::Result<()>,
    ) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let slot = &mut self.spools[spool];
        if let Spool::Writing(w) = slot {
            w.flush()?;
            let mut file = w.get_ref().try_clone()?;
            file.seek(io::SeekFrom::Start(0))?;
            *slot = Spool::Reading(io::BufReader::with_capacity(1 << 16, file));
        }
        let Spool::Reading(r) = slot else {
            unreachable!("a spool is read once written")
        };
        let mut word = [0u8; 4];
        for _ in 0..words.unwrap_or(u64::MAX) {
            // All of it asked for: up to the end, which falls between words (a partial word
            // fails `read_exact`).
            if words.is_none() && r.fill_buf()?.is_empty() {
                break;
            }
            r.read_exact(&mut word)?;
            f(u32::from_le_bytes(word))?;
        }
        Ok(())
    }
}

impl Rows for SpooledRows {
    fn doc(&mut self, lites: u32, forms: u32) {
        self.push(DOC_SPOOL, &[lites, forms]);
    }

    fn entity(&mut self, row: [u32; COLUMNS]) {
        for (c, value) in row.into_iter().enumerate() {
            self.push(c, &[value]);
        }
    }

    fn form(&mut self, form: u32) {
        self.push(FORM_SPOOL, &[form]);
    }

    fn read_docs(
        &mut self,
        n: u32,
        f: &mut dyn FnMut(u32, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut lites = None;
        self.read(
            DOC_SPOOL,
            Some(2 * u64::from(n)),
            &mut |x| match lites.take() {
                None => {
                    lites = Some(x);
                    Ok(())
                }
                Some(l) => f(l, x),
            },
        )
    }

    fn read_column(
        &mut self,
        c: usize,
        f: &mut dyn FnMut(u64) -> io::Result<()>,
    ) -> io::Result<()> {
        self.read(c, None, &mut |x| f(x.into()))
    }

    fn read_forms(&mut self, f: &mut dyn FnMut(u64) -> io::Result<()>) -> io::Result<()> {
        self.read(FORM_SPOOL, None, &mut |x| f(x.into()))
    }
}

impl EntityTable {
    /// The table of `searcher`'s commit under `aliases`: read from the index folder when it is
    /// there and current, else built (with the resolver the index handle keeps, see
    /// [`Resolver::cached`]) and written for the next lookup.
    pub fn load(
        mi: &MorgueIndex,
        searcher: &Searcher,
        aliases: &AliasTable,
    ) -> Result<EntityTable> {
        let key = key(searcher, aliases);
        if let Some(table) = Blocks::open(mi.dir(), TABLE_FILE, WINDOWS)
            .and_then(|blocks| decode(blocks, &key, searcher))
        {
            return Ok(table);
        }
        let resolver = Resolver::cached(mi, searcher, aliases)?;
        // Written as it is built, its rows spooled beside it: a large archive's table is never
        // held in memory.
        if let Ok(mut rows) = SpooledRows::new(mi.dir()) {
            let built = EntityTable::build(searcher, &resolver, &mut rows)?;
            let written =
                sidecar::write_with(mi.dir(), TABLE_FILE, |w| built.encode(&key, &mut rows, w));
            if written.is_ok() {
                if let Some(table) = Blocks::open(mi.dir(), TABLE_FILE, WINDOWS)
                    .and_then(|blocks| decode(blocks, &key, searcher))
                {
                    return Ok(table);
                }
            }
        }
        // A cache: a folder that cannot be written only costs the next lookup the build, and
        // this one the table in memory.
        let mut rows = MemoryRows::default();
        let bytes = EntityTable::build(searcher, &resolver, &mut rows)?.bytes(&key, &mut rows);
        Ok(decode(Blocks::memory(bytes, WINDOWS), &key, searcher).unwrap_or_default())
    }

    /// Resolves the entities of every live document of `searcher`, its rows into `rows`.
    fn build(searcher: &Searcher, resolver: &Resolver, rows: &mut dyn Rows) -> Result<Built> {
        let mut cols = EntityColumns::open(searcher, resolver)?;
        let mut table = Built::default();
        // Ids of `cols.strings` → ids of `table.strings` (`u32::MAX`: not yet met).
        let mut ids: Vec<u32> = Vec::new();
        let mut remap = |id: u32, cols: &EntityColumns, strings: &mut Interner| -> u32 {
            let i = id as usize;
            if i >= ids.len() {
                ids.resize(i + 1, u32::MAX);
            }
            if ids[i] == u32::MAX {
                ids[i] = strings.id(cols.strings.get(id));
            }
            ids[i]
        };
        let mut found = ArticleEntities::default();
        // The last document (+1) that counted each identity.
        let mut counted: Vec<u32> = Vec::new();
        let mut live = 0u32;
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let mut marks = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
            let mut marked = 0u32;
            for doc in 0..reader.max_doc() {
                if reader.is_deleted(doc) {
                    continue;
                }
                live += 1;
                cols.article(DocAddress::new(seg as u32, doc), &mut found)?;
                if found.lites.is_empty() && found.forms.is_empty() {
                    continue;
                }
                rows.doc(table.lites, table.forms);
                marks[doc as usize / 64] |= 1 << (doc % 64);
                marked += 1;
                let base = table.forms;
                for &(form, _) in &found.forms {
                    let form = remap(form, &cols, &mut table.strings);
                    rows.form(form);
                    table.forms += 1;
                }
                for l in &found.lites {
                    let identity = remap(l.identity, &cols, &mut table.strings);
                    let name = remap(l.name, &cols, &mut table.strings);
                    let kind = remap(l.kind, &cols, &mut table.strings);
                    let row = [
                        identity,
                        name,
                        l.count,
                        kind_word(kind).map_err(|e| crate::error::Error::io(TABLE_FILE, e))?
                            | if l.ambiguous { AMBIGUOUS } else { 0 },
                        base + l.forms.start,
                        l.forms.end.saturating_sub(l.forms.start),
                    ];
                    for (max, x) in table.max.iter_mut().zip(row) {
                        *max = (*max).max(x);
                    }
                    rows.entity(row);
                    table.lites += 1;
                    let i = identity as usize;
                    if i >= counted.len() {
                        counted.resize(i + 1, 0);
                        table.articles.resize(i + 1, 0);
                    }
                    if counted[i] != live {
                        counted[i] = live;
                        table.articles[i] += 1;
                    }
                }
            }
            rows.doc(table.lites, table.forms);
            table.segments.push((reader.max_doc(), marks, marked));
        }
        table.articles.resize(table.strings.len(), 0);
        Ok(table)
    }

    /// The identities of the document at `addr`'s entities (an identity may come twice).
    pub fn identities(&self, addr: DocAddress) -> impl Iterator<Item = u32> + '_ {
        self.column_in(IDENTITY, self.entities_of(addr))
            .into_iter()
            .filter(|&id| self.known(id))
    }

    /// The number of live articles with an entity of the identity `id` (every copy counted).
    /// Cheapest asked in increasing `id`s (the numbers are read in turn).
    pub fn articles_with(&self, id: u32) -> u32 {
        match self.known(id) {
            true => (self.articles)
                .get(&self.blocks, ARTICLES, id.into())
                .map_or(0, |n| n as u32),
            false => 0,
        }
    }

    /// The first error met reading the file: a lookup that met one reports it rather than
    /// counts from a part of the table.
    pub fn failed(&self) -> Result<()> {
        self.blocks.failed()
    }

    /// True when `id` is one of the table's strings (a damaged row may name another).
    fn known(&self, id: u32) -> bool {
        (id as usize) < self.strings.len()
    }

    /// Entity `l`'s number in column `column` (0 when it cannot be read: `layout` checked the
    /// columns' size, so only a failing file does that; `range` checks each document's
    /// entities lie within the columns).
    fn column(&self, column: usize, l: u32) -> u32 {
        self.columns[column]
            .get(&self.blocks, column, l.into())
            .map_or(0, |x| x as u32)
    }

    /// The document at `addr`'s entities and forms: (first, end) of each.
    fn range(&self, addr: DocAddress) -> Option<((u32, u32), (u32, u32))> {
        let segment = self.docs.get(addr.segment_ord as usize)?;
        // A document that is not marked has no entities nor forms.
        let pair = segment.pair_of(&self.blocks, addr.doc_id)?;
        let mut both = [(0, 0); 2];
        let low = (1u64 << self.lites_width) - 1;
        (segment.pairs).range(&self.blocks, PAIRS, pair, pair + 2, |i, x| {
            both[i] = ((x & low) as u32, (x >> self.lites_width) as u32)
        })?;
        let [(l0, f0), (l1, f1)] = both;
        let (lites, forms) = ((l0, l1), (f0, f1));
        // A damaged range reads as none.
        let whole = lites.0 <= lites.1 && lites.1 <= self.n_lites;
        (whole && forms.0 <= forms.1 && forms.1 <= self.n_forms).then_some((lites, forms))
    }

    /// The document at `addr`'s entities: (first, end); none for a document the table lacks.
    fn entities_of(&self, addr: DocAddress) -> (u32, u32) {
        self.range(addr).map_or((0, 0), |(l, _)| l)
    }

    /// The numbers of column `c` of the entities `first..end`.
    fn column_in(&self, c: usize, range: (u32, u32)) -> Vec<u32> {
        let mut out = Vec::with_capacity((range.1 - range.0) as usize);
        self.read_column(c, range, |_, x| out.push(x));
        out
    }

    /// The entities of the document at `addr` without their forms: only the columns a tally
    /// reads are read. A damaged entity (an id out of bounds) is left out.
    pub fn lites(&self, addr: DocAddress) -> impl Iterator<Item = LiteRow> + '_ {
        let range = self.entities_of(addr);
        let mut rows: Vec<LiteRow> = Vec::with_capacity((range.1 - range.0) as usize);
        self.read_column(IDENTITY, range, |_, identity| {
            rows.push(LiteRow::read(identity, 0, 0, 0))
        });
        // A column that failed to read leaves `rows` short: the next ones fill what is there.
        let mut fill = |c: usize, set: fn(&mut LiteRow, u32)| {
            self.read_column(c, range, |i, x| {
                if let Some(row) = rows.get_mut(i) {
                    set(row, x)
                }
            })
        };
        fill(NAME, |r, name| r.name = name);
        fill(COUNT, |r, count| r.count = count);
        fill(KIND, |r, kind| {
            *r = LiteRow::read(r.identity, r.name, r.count, kind);
        });
        rows.retain(|l| self.known(l.identity) && self.known(l.name) && self.known(l.kind));
        rows.into_iter()
    }

    /// The (identity, mentions) of the entities of the document at `addr`: the two columns a
    /// count of stories reads. A damaged entity (an id out of bounds) is left out.
    pub fn counts(&self, addr: DocAddress) -> impl Iterator<Item = (u32, u32)> + '_ {
        let range = self.entities_of(addr);
        let mut rows: Vec<(u32, u32)> = Vec::with_capacity((range.1 - range.0) as usize);
        self.read_column(IDENTITY, range, |_, id| rows.push((id, 0)));
        self.read_column(COUNT, range, |i, n| {
            if let Some(row) = rows.get_mut(i) {
                row.1 = n
            }
        });
        rows.retain(|&(id, _)| self.known(id));
        rows.into_iter()
    }

    /// Calls `f` with the index (from 0) and number of each of the entities `first..end` in
    /// column `c`; none when they cannot be read.
    fn read_column(&self, c: usize, (first, end): (u32, u32), mut f: impl FnMut(usize, u32)) {
        (self.columns[c]).range(&self.blocks, c, first.into(), end.into(), |i, x| {
            f(i, x as u32)
        });
    }

    /// The entities of the document at `addr` whose identity `wanted` accepts: the identity
    /// column read, the others only for those.
    pub fn lites_of<'a>(
        &'a self,
        addr: DocAddress,
        wanted: impl Fn(u32) -> bool + 'a,
    ) -> impl Iterator<Item = LiteRow> + 'a {
        self.wanted(addr, wanted).filter_map(|(l, identity)| {
            let (name, count) = (self.column(NAME, l), self.column(COUNT, l));
            let row = LiteRow::read(identity, name, count, self.column(KIND, l));
            (self.known(row.name) && self.known(row.kind)).then_some(row)
        })
    }

    /// The forms (ids) of those of the document at `addr`'s entities whose identity `wanted`
    /// accepts, into `out` (cleared first; a form may come twice). Forms out of bounds are left
    /// out.
    pub fn forms_of(&self, addr: DocAddress, wanted: impl Fn(u32) -> bool, out: &mut Vec<u32>) {
        out.clear();
        let Some((_, (f0, f1))) = self.range(addr) else {
            return;
        };
        for (l, _) in self.wanted(addr, wanted) {
            let start = self.column(FORMS_START, l);
            let end = start.saturating_add(self.column(FORMS_LEN, l));
            // Within the document's own forms, whatever a damaged row says.
            let (start, end) = (start.max(f0), end.min(f1));
            if start < end {
                (self.forms).range(&self.blocks, FORMS, start.into(), end.into(), |_, form| {
                    if self.known(form as u32) {
                        out.push(form as u32)
                    }
                });
            }
        }
    }

    /// The (entity, identity) of the document at `addr`'s entities whose identity is known
    /// and `wanted` accepts, found by reading the identity column alone.
    fn wanted<'a>(
        &'a self,
        addr: DocAddress,
        wanted: impl Fn(u32) -> bool + 'a,
    ) -> impl Iterator<Item = (u32, u32)> + 'a {
        let range = self.entities_of(addr);
        (range.0..range.1)
            .zip(self.column_in(IDENTITY, range))
            .filter(move |&(_, id)| self.known(id) && wanted(id))
    }

    /// The table of `searcher`'s commit under `resolver`, written and read back as a lookup
    /// reads it (for tests, without an index folder).
    #[cfg(test)]
    pub fn of_commit(searcher: &Searcher, resolver: &Resolver) -> EntityTable {
        let mut rows = MemoryRows::default();
        let bytes = EntityTable::build(searcher, resolver, &mut rows)
            .unwrap()
            .bytes("key", &mut rows);
        // Spooled to disk, the build writes the same bytes.
        let dir = tempfile::tempdir().unwrap();
        let mut spooled = SpooledRows::new(dir.path()).unwrap();
        let built = EntityTable::build(searcher, resolver, &mut spooled).unwrap();
        let mut written = Vec::new();
        built.encode("key", &mut spooled, &mut written).unwrap();
        assert!(
            written == bytes,
            "the spooled build differs from the one in memory"
        );
        decode(Blocks::memory(bytes, WINDOWS), "key", searcher).expect("its own bytes")
    }

    /// [`EntityTable::of_commit`] with the start of the entities of document `doc` (of the
    /// first segment) past their end: the ranges of `doc - 1` and `doc` are damaged.
    #[cfg(test)]
    pub fn of_commit_damaged(searcher: &Searcher, resolver: &Resolver, doc: u32) -> EntityTable {
        let mut rows = MemoryRows::default();
        let mut bytes = EntityTable::build(searcher, resolver, &mut rows)
            .unwrap()
            .bytes("key", &mut rows);
        let blocks = Blocks::memory(bytes.clone(), WINDOWS);
        let table = layout(&blocks, "key", searcher).unwrap();
        // Every bit of the document's first entity set: past the entities' end.
        assert!((1u64 << table.lites_width) - 1 > u64::from(table.n_lites));
        let segment = table.docs[0];
        let pair = segment
            .pair_of(&blocks, doc)
            .expect("a document with entities");
        let pairs = segment.pairs;
        let first = 8 * pairs.at + pair * u64::from(pairs.width);
        for bit in first..first + u64::from(table.lites_width) {
            bytes[(bit / 8) as usize] |= 1 << (bit % 8);
        }
        decode(Blocks::memory(bytes, WINDOWS), "key", searcher).expect("read as whole")
    }
}

impl Built {
    /// Writes the table under `key` as the file holds it, its rows from `rows`.
    fn encode(&self, key: &str, rows: &mut dyn Rows, w: &mut dyn Write) -> io::Result<()> {
        let mut header = Vec::new();
        sidecar::write_header(&mut header, MAGIC, key);
        w.write_all(&header)?;
        let (text, ends) = self.strings.parts();
        put(w, [ends.len() as u32])?;
        put(w, ends.iter().map(|&e| e as u32))?;
        w.write_all(text.as_bytes())?;
        let widths = self.widths();
        put(w, [self.lites, self.forms])?;
        put(w, widths)?;
        let [lites_width, pair_width, ..] = widths;
        put(w, [self.segments.len() as u32])?;
        for (docs, marks, marked) in &self.segments {
            let rank_width = width((*marked).into());
            put(w, [*docs, *marked, rank_width])?;
            let words = marks.len() as u64;
            pack(w, 64, words, |f| marks.iter().try_for_each(|&m| f(m)))?;
            pack(w, rank_width, words, |f| {
                let mut before = 0u64;
                marks.iter().try_for_each(|&m| {
                    let r = f(before);
                    before += u64::from(m.count_ones());
                    r
                })
            })?;
            let pairs = marked + 1;
            pack(w, pair_width, pairs.into(), |f| {
                rows.read_docs(pairs, &mut |lites, forms| {
                    f(u64::from(lites) | u64::from(forms) << lites_width)
                })
            })?;
        }
        for c in 0..COLUMNS {
            pack(w, widths[2 + c], self.lites.into(), |f| {
                rows.read_column(c, f)
            })?;
        }
        pack(w, widths[2 + COLUMNS], self.forms.into(), |f| {
            rows.read_forms(f)
        })?;
        let strings = self.articles.len() as u64;
        pack(w, widths[3 + COLUMNS], strings, |f| {
            self.articles.iter().try_for_each(|&n| f(n.into()))
        })
    }

    /// The widths of the file's packed arrays: a document's first entity (the low bits of its
    /// pair), the pair, each column, the forms' string ids, the articles per string.
    fn widths(&self) -> [u32; WIDTHS] {
        let mut widths = [0; WIDTHS];
        widths[0] = width(self.lites.into());
        widths[1] = width(u64::from(self.lites) | u64::from(self.forms) << widths[0]);
        for c in 0..COLUMNS {
            widths[2 + c] = width(self.max[c].into());
        }
        widths[2 + COLUMNS] = width(self.strings.len().saturating_sub(1) as u64);
        widths[3 + COLUMNS] = width(self.articles.iter().copied().max().unwrap_or(0).into());
        widths
    }

    /// [`Built::encode`] into memory.
    fn bytes(&self, key: &str, rows: &mut MemoryRows) -> Vec<u8> {
        let mut bytes = Vec::new();
        // Writing to memory cannot fail, and memory rows hold every row they were given.
        let _ = self.encode(key, rows, &mut bytes);
        bytes
    }
}

/// The packed arrays' widths the file holds (see [`Built::widths`]).
const WIDTHS: usize = COLUMNS + 4;

/// What the table of `searcher`'s commit under `aliases` is keyed by: what the resolver's
/// decisions are (see [`crate::search::resolve::cache_key`]).
fn key(searcher: &Searcher, aliases: &AliasTable) -> String {
    crate::search::resolve::cache_key(searcher, aliases)
}

/// The table in `blocks` when it is whole and keyed by `key` (and fits `searcher`'s segments).
fn decode(blocks: Blocks, key: &str, searcher: &Searcher) -> Option<EntityTable> {
    let table = layout(&blocks, key, searcher)?;
    Some(EntityTable { blocks, ..table })
}

/// Where [`EntityTable`]'s parts are in `blocks` (see [`decode`]), the strings read; the
/// blocks themselves left out.
fn layout(blocks: &Blocks, key: &str, searcher: &Searcher) -> Option<EntityTable> {
    // The header and the strings' ends, as far as the end of the ends.
    let head = |n: usize| blocks.read(0, n.min(blocks.len() as usize));
    let mut at = MAGIC.len() + 4;
    let key_len = sidecar::Cursor {
        bytes: &head(at)?,
        at: MAGIC.len(),
    }
    .word()? as usize;
    at = at.checked_add(key_len)?;
    let first = head(at + 4)?;
    let mut r = sidecar::after_header(&first, MAGIC, key)?;
    let n = r.word()? as usize;
    let bytes = head(at.checked_add(4 + n.checked_mul(4)?)?)?;
    let mut r = sidecar::Cursor {
        bytes: &bytes,
        at: at + 4,
    };
    let ends: Vec<usize> = r.words(n)?.map(|e| e as usize).collect();
    if ends.windows(2).any(|w| w[0] > w[1]) {
        return None;
    }
    let mut at = r.at as u64;
    let text = blocks.read(at, ends.last().copied().unwrap_or(0))?;
    at += text.len() as u64;
    let text = String::from_utf8(text).ok()?;
    let mut start = 0;
    for &end in &ends {
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return None;
        }
        start = end;
    }
    let strings = Interner::from_parts(text, ends);
    let next = |at: &mut u64| -> Option<u32> {
        let w = blocks.word(PAIRS, *at)?;
        *at += 4;
        Some(w)
    };
    let n_lites = next(&mut at)?;
    let n_forms = next(&mut at)?;
    let mut widths = [0; WIDTHS];
    for w in &mut widths {
        *w = next(&mut at)?;
    }
    // Numbers of 32 bits at most, pairs of two (a width the unpacker cannot read is refused
    // as the pairs are read).
    let [lites_width, pair_width, ..] = widths;
    let mut numbers = std::iter::once(&lites_width).chain(&widths[2..]);
    if numbers.any(|&w| w > 32) || !(lites_width..=64).contains(&pair_width) {
        return None;
    }
    // An array at `at` of `n` numbers of `width` bits; `at` moved past it.
    let array = |at: &mut u64, n: u64, width: u32| -> Option<Packed> {
        let packed = Packed { at: *at, width, n };
        *at = at.checked_add(packed.len())?;
        Some(packed)
    };
    let segments = searcher.segment_readers();
    if next(&mut at)? as usize != segments.len() {
        return None;
    }
    let mut docs = Vec::with_capacity(segments.len());
    for reader in segments {
        let (n, marked, rank_width) = (next(&mut at)?, next(&mut at)?, next(&mut at)?);
        if n != reader.max_doc() || marked > n || rank_width > 32 {
            return None;
        }
        let words = u64::from(n.div_ceil(64));
        docs.push(SegmentDocs {
            docs: n,
            marks: array(&mut at, words, 64)?,
            ranks: array(&mut at, words, rank_width)?,
            pairs: array(&mut at, u64::from(marked) + 1, pair_width)?,
        });
    }
    let mut columns = [Packed::default(); COLUMNS];
    for (c, column) in columns.iter_mut().enumerate() {
        *column = array(&mut at, n_lites.into(), widths[2 + c])?;
    }
    let forms = array(&mut at, n_forms.into(), widths[2 + COLUMNS])?;
    let articles = array(&mut at, strings.len() as u64, widths[3 + COLUMNS])?;
    let end = at;
    // Whole; each document's range is checked as it is read (a scan reads only the documents
    // it selects).
    if end != blocks.len() {
        return None;
    }
    Some(EntityTable {
        strings,
        blocks: Blocks::default(),
        docs,
        lites_width,
        columns,
        forms,
        articles,
        n_lites,
        n_forms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_is_written_only_with_as_many_numbers_as_counted() {
        let mut out = Vec::new();
        pack(&mut out, 5, 3, |f| {
            [1, 2, 3].into_iter().try_for_each(&mut *f)
        })
        .unwrap();
        assert_eq!(out.len(), 2);
        for given in [&[1u64, 2][..], &[1, 2, 3, 4]] {
            let err = pack(&mut Vec::new(), 5, 3, |f| {
                given.iter().try_for_each(|&x| f(x))
            })
            .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        }
        // Rows in memory give no fewer documents than asked for.
        let mut rows = MemoryRows::default();
        rows.doc(0, 0);
        assert!(rows.read_docs(2, &mut |_, _| Ok(())).is_err());
    }

    #[test]
    fn a_spool_ending_in_part_of_a_number_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut rows = SpooledRows::new(dir.path()).unwrap();
        rows.entity([7; COLUMNS]);
        rows.entity([8; COLUMNS]);
        let mut got = Vec::new();
        rows.read_column(IDENTITY, &mut |x| {
            got.push(x);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, [7, 8]);
        // A byte more than whole numbers in the name column's spool.
        if let Spool::Writing(w) = &mut rows.spools[NAME] {
            w.write_all(&[1]).unwrap();
        }
        let read = rows.read_column(NAME, &mut |_| Ok(()));
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn only_documents_with_entities_keep_a_range_and_each_reads_its_own() {
        // 150 documents (three words of marks), one in seven with entities, of one to three.
        let articles: Vec<Vec<crate::model::ArticleEntity>> = (0..150)
            .map(|i| match i % 7 {
                3 => (0..=i % 3)
                    .map(|k| {
                        let name = format!("Person{i} Name{k}");
                        crate::model::ArticleEntity::with_forms(&name, "person", k + 1, &[])
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let searcher = crate::index::entities_index(&articles);
        let resolver = Resolver::from_pairs(Default::default(), &AliasTable::default());
        let table = EntityTable::of_commit(&searcher, &resolver);
        assert_eq!(table.docs.len(), 1);
        let pairs = table.docs[0].pairs;
        let with = articles.iter().filter(|e| !e.is_empty()).count() as u64;
        assert_eq!(
            pairs.n,
            with + 1,
            "a pair per document with entities, and an end"
        );
        for (i, entities) in articles.iter().enumerate() {
            let addr = DocAddress::new(0, i as u32);
            let mut got: Vec<(String, u32)> = table
                .lites(addr)
                .map(|l| (table.strings.get(l.name).to_string(), l.count))
                .collect();
            let mut want: Vec<(String, u32)> =
                entities.iter().map(|e| (e.name.clone(), e.count)).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "document {i}");
        }
        // Past the segment's documents: nothing.
        assert_eq!(table.lites(DocAddress::new(0, 150)).count(), 0);
        table.failed().unwrap();
    }

    #[test]
    fn widths_fit_the_largest_numbers_and_pairs_stay_readable() {
        let built = Built {
            lites: 1_000,
            forms: 5,
            max: [3, 4, 300, 9, 0, 6],
            articles: vec![2, 17, 0],
            ..Built::default()
        };
        let w = built.widths();
        // 1,000 entities take 10 bits; the pair adds 5 forms above them.
        assert_eq!(w[..2], [10, 13]);
        assert_eq!(w[2..2 + COLUMNS], [2, 3, 9, 4, 0, 3]);
        assert_eq!(w[3 + COLUMNS], 5);
        // Past 2^28 entities and forms a pair would be 58 bits: it takes 64.
        let huge = Built {
            lites: 1 << 28,
            forms: 1 << 28,
            ..Built::default()
        };
        assert_eq!(huge.widths()[..2], [29, 64]);
        assert!(kind_word(1 << 30).is_ok());
        assert!(kind_word(1 << 31).is_err());
    }
}
