//! The articles' resolved entities kept in the index folder (`entities.bin`), so that an entity
//! lookup reads integers instead of decoding and resolving the entity column's names again.
//!
//! [`EntityColumns`] reads an article's entities from the `entity_fact` column and resolves each
//! distinct value through the [`Resolver`]; on an archive most of a lookup's time went to that
//! (decoding, interning and resolving about 0.8M distinct values, and building the resolver).
//! What it finds depends only on the commit (the columns, and the form counts the resolver is
//! built from) and on the alias table, so it is written once per commit and alias table and read
//! by the next lookups: per segment and document, the resolved entities ([`Lite`]s) and their
//! forms, and the strings they name.
//!
//! The file is keyed by the commit's segments (ids, documents, deletes) and by the alias table's
//! contents. A lookup that finds it missing, damaged or keyed otherwise (after an ingest, a merge,
//! an edit of `aliases.tsv`, another `--aliases`) builds it from the columns and replaces it;
//! when the folder cannot be written the table is only used in memory. It is a cache: deleting it
//! changes no answer, and `stats` leaves it out of the index's size. Must not print.

use super::entity_columns::{ArticleEntities, EntityColumns, Interner, Lite};
use crate::error::Result;
use crate::extract::aliases::AliasTable;
use crate::index::sidecar::{self, word};
use crate::index::MorgueIndex;
use crate::search::resolve::Resolver;
use tantivy::directory::OwnedBytes;
use tantivy::{DocAddress, Searcher};

/// The table's file in the index folder.
pub const TABLE_FILE: &str = sidecar::ENTITY_TABLE;

/// The first bytes of the file; the version changes whenever the resolution rules or the layout
/// do (the key holds the crate version too).
const MAGIC: &[u8; 16] = b"morgue-entities1";

/// Numbers per [`Lite`] in the file: identity, name, kind, count, ambiguous, forms start, end.
const LITE_WORDS: usize = 7;

/// The resolved entities of every document of a commit (see the module doc), read in place
/// from the file's bytes.
#[derive(Debug)]
pub struct EntityTable {
    /// The identities, names, kinds and forms the entities name.
    pub strings: Interner,
    bytes: OwnedBytes,
    /// Per segment, where its documents' (first entity, first form) pairs start in `bytes`;
    /// one pair more than documents.
    docs: Vec<(usize, u32)>,
    /// Where the entities (`LITE_WORDS` numbers each) and the (form, mentions) pairs start.
    lites: usize,
    forms: usize,
}

impl Default for EntityTable {
    fn default() -> EntityTable {
        EntityTable {
            strings: Interner::default(),
            bytes: OwnedBytes::empty(),
            docs: Vec::new(),
            lites: 0,
            forms: 0,
        }
    }
}

/// Builds the table of `mi`'s latest commit under `aliases` unless its folder has it: what an
/// ingest leaves for the next lookup.
pub fn prepare(mi: &MorgueIndex, aliases: &AliasTable) -> Result<()> {
    EntityTable::load(mi, &mi.searcher()?, aliases).map(drop)
}

/// The table as it is built, before it is laid out in bytes.
#[derive(Default)]
struct Built {
    strings: Interner,
    docs: Vec<Vec<(u32, u32)>>,
    lites: Vec<u32>,
    forms: Vec<(u32, u32)>,
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
        if let Some(table) =
            sidecar::read(mi.dir(), TABLE_FILE).and_then(|bytes| decode(bytes, &key, searcher))
        {
            return Ok(table);
        }
        let resolver = Resolver::cached(mi, searcher, aliases)?;
        let bytes = EntityTable::build(searcher, &resolver)?.encode(&key);
        // A cache: a folder that cannot be written only costs the next lookup the build.
        let _ = sidecar::write(mi.dir(), TABLE_FILE, &bytes);
        Ok(decode(OwnedBytes::new(bytes), &key, searcher).unwrap_or_default())
    }

    /// Resolves the entities of every live document of `searcher`.
    fn build(searcher: &Searcher, resolver: &Resolver) -> Result<Built> {
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
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let mut docs = Vec::with_capacity(reader.max_doc() as usize + 1);
            for doc in 0..reader.max_doc() {
                docs.push((
                    (table.lites.len() / LITE_WORDS) as u32,
                    table.forms.len() as u32,
                ));
                if reader.is_deleted(doc) {
                    continue;
                }
                cols.article(DocAddress::new(seg as u32, doc), &mut found)?;
                let base = table.forms.len() as u32;
                for &(form, n) in &found.forms {
                    let form = remap(form, &cols, &mut table.strings);
                    table.forms.push((form, n));
                }
                for l in &found.lites {
                    let identity = remap(l.identity, &cols, &mut table.strings);
                    let name = remap(l.name, &cols, &mut table.strings);
                    let kind = remap(l.kind, &cols, &mut table.strings);
                    table.lites.extend([
                        identity,
                        name,
                        kind,
                        l.count,
                        u32::from(l.ambiguous),
                        base + l.forms.start,
                        base + l.forms.end,
                    ]);
                }
            }
            docs.push((
                (table.lites.len() / LITE_WORDS) as u32,
                table.forms.len() as u32,
            ));
            table.docs.push(docs);
        }
        Ok(table)
    }

    /// The identities of the document at `addr`'s entities (an identity may come twice).
    pub fn identities(&self, addr: DocAddress) -> impl Iterator<Item = u32> + '_ {
        let (l0, l1) = self.range(addr).map_or((0, 0), |(l, _)| l);
        (l0..l1)
            .map(|l| word(&self.bytes, self.lites + 4 * LITE_WORDS * l as usize))
            .filter(|&id| (id as usize) < self.strings.len())
    }

    /// The document at `addr`'s entities and forms: (first, end) of each.
    fn range(&self, addr: DocAddress) -> Option<((u32, u32), (u32, u32))> {
        let &(at, n) = self.docs.get(addr.segment_ord as usize)?;
        if addr.doc_id >= n {
            return None;
        }
        let pair = at + 8 * addr.doc_id as usize;
        let (l0, f0) = (word(&self.bytes, pair), word(&self.bytes, pair + 4));
        let (l1, f1) = (word(&self.bytes, pair + 8), word(&self.bytes, pair + 12));
        Some(((l0, l1), (f0, f1)))
    }

    /// The resolved entities of the document at `addr`, into `out` (cleared first): what
    /// [`EntityColumns::article`] gives.
    pub fn article(&self, addr: DocAddress, out: &mut ArticleEntities) {
        out.lites.clear();
        out.forms.clear();
        let Some(((l0, l1), (f0, f1))) = self.range(addr) else {
            return;
        };
        let ok = |id: u32| (id as usize) < self.strings.len();
        for f in f0..f1 {
            let at = self.forms + 8 * f as usize;
            out.forms
                .push((word(&self.bytes, at), word(&self.bytes, at + 4)));
        }
        let lites = &self.bytes
            [self.lites + 4 * LITE_WORDS * l0 as usize..self.lites + 4 * LITE_WORDS * l1 as usize];
        out.lites
            .extend(lites.chunks_exact(4 * LITE_WORDS).map(|w| {
                let w = |i: usize| word(w, 4 * i);
                Lite {
                    identity: w(0),
                    name: w(1),
                    kind: w(2),
                    count: w(3),
                    ambiguous: w(4) != 0,
                    forms: w(5).wrapping_sub(f0)..w(6).wrapping_sub(f0),
                }
            }));
        // A damaged document (ids or forms out of bounds) reads as one without entities.
        let n = out.forms.len() as u32;
        let damaged = out.forms.iter().any(|&(f, _)| !ok(f))
            || out.lites.iter().any(|l| {
                !(ok(l.identity) && ok(l.name) && ok(l.kind))
                    || l.forms.start > l.forms.end
                    || l.forms.end > n
            });
        if damaged {
            out.lites.clear();
            out.forms.clear();
        }
    }
}

impl Built {
    /// The table under `key`, laid out as the file holds it.
    fn encode(&self, key: &str) -> Vec<u8> {
        let mut w: Vec<u8> = Vec::new();
        let put = |w: &mut Vec<u8>, xs: &mut dyn Iterator<Item = u32>| {
            xs.for_each(|x| w.extend_from_slice(&x.to_le_bytes()))
        };
        sidecar::write_header(&mut w, MAGIC, key);
        let (text, ends) = self.strings.parts();
        put(&mut w, &mut std::iter::once(ends.len() as u32));
        put(&mut w, &mut ends.iter().map(|&e| e as u32));
        w.extend_from_slice(text.as_bytes());
        put(&mut w, &mut std::iter::once(self.docs.len() as u32));
        for docs in &self.docs {
            put(&mut w, &mut std::iter::once(docs.len() as u32));
            put(&mut w, &mut docs.iter().flat_map(|&(l, f)| [l, f]));
        }
        put(
            &mut w,
            &mut std::iter::once((self.lites.len() / LITE_WORDS) as u32),
        );
        put(&mut w, &mut self.lites.iter().copied());
        put(&mut w, &mut std::iter::once(self.forms.len() as u32));
        put(&mut w, &mut self.forms.iter().flat_map(|&(f, n)| [f, n]));
        w
    }
}

/// What the table of `searcher`'s commit under `aliases` is keyed by.
fn key(searcher: &Searcher, aliases: &AliasTable) -> String {
    sidecar::commit_key(searcher) + &aliases.fingerprint()
}

/// The table in `bytes` when it is whole and keyed by `key` (and fits `searcher`'s segments).
fn decode(bytes: OwnedBytes, key: &str, searcher: &Searcher) -> Option<EntityTable> {
    let table = layout(&bytes, key, searcher)?;
    Some(EntityTable { bytes, ..table })
}

/// Where [`EntityTable`]'s parts are in `bytes` (see [`decode`]), the strings read; `bytes`
/// themselves left out.
fn layout(bytes: &[u8], key: &str, searcher: &Searcher) -> Option<EntityTable> {
    let mut r = sidecar::after_header(bytes, MAGIC, key)?;
    let n = r.word()? as usize;
    let ends: Vec<usize> = r.words(n)?.map(|e| e as usize).collect();
    if ends.windows(2).any(|w| w[0] > w[1]) {
        return None;
    }
    let text = std::str::from_utf8(r.take(ends.last().copied().unwrap_or(0))?).ok()?;
    let mut start = 0;
    for &end in &ends {
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return None;
        }
        start = end;
    }
    let strings = Interner::from_parts(text.to_string(), ends);
    let segments = searcher.segment_readers();
    if r.word()? as usize != segments.len() {
        return None;
    }
    let mut docs = Vec::with_capacity(segments.len());
    let mut pairs = Vec::new();
    for reader in segments {
        let n = r.word()? as usize;
        if n != reader.max_doc() as usize + 1 {
            return None;
        }
        docs.push((r.at, reader.max_doc()));
        let mut words = r.words(2 * n)?;
        while let (Some(l), Some(f)) = (words.next(), words.next()) {
            pairs.push((l, f));
        }
    }
    let n_lites = r.word()? as usize;
    let lites = r.at;
    r.take(n_lites.checked_mul(4 * LITE_WORDS)?)?;
    let n_forms = r.word()? as usize;
    let forms = r.at;
    r.take(n_forms.checked_mul(8)?)?;
    if r.at != bytes.len() {
        return None;
    }
    // Every document's range within bounds; the entities themselves are checked as they are
    // read (a scan reads only the pages of the documents it selects).
    let mut last = (0, 0);
    for &(l, f) in &pairs {
        if l < last.0 || f < last.1 || l as usize > n_lites || f as usize > n_forms {
            return None;
        }
        last = (l, f);
    }
    Some(EntityTable {
        strings,
        bytes: OwnedBytes::empty(),
        docs,
        lites,
        forms,
    })
}
