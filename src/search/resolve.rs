//! Which entity a name is, and which articles mention it: the one definition that `--entity`,
//! `entity:`, `morgue entities` and `morgue entity` share.
//!
//! At ingest each article keeps its entities as the recognizer and the in-article resolution
//! left them (`extract::entities`): a short name that the article itself resolves ("Pelosi"
//! after "Nancy Pelosi") is a form of the full name; a short name it cannot resolve (no full
//! name, or one written before several) stays an entity of its own. The index has a name term
//! per entity and a form term per (form, name) pair (`index::entity_terms`).
//!
//! At query time a [`Resolver`] reads the form terms of the whole index and decides, for each
//! short name, whether the archive resolves it: a short name left alone in an article becomes
//! the full name that holds at least [`DOMINANT_SHARE`] of the articles in which that short name
//! was resolved (and at least [`MIN_SUPPORT`] of them), of the same type; otherwise it stays an
//! entity of its own, marked ambiguous. For persons the shares are those of people: full names
//! designating one person (`extract::entities::person_core`: given name and surname, titles
//! such as "House Speaker" left out) count together, and names without a given name ("Mrs
//! Pelosi", "anti-Trump") are left out of the shares. Since this is computed from the index when asked, it
//! follows the archive as it grows. Then an entity's *identity* is, in order: nothing when the
//! alias table drops its name (`!drop`), the table's canonical name when the table lists it, the
//! archive's full name for a resolved short name, else its own name. Forms that the table
//! separates from the name (`!separate`) or drops are split off or removed first.
//!
//! An article mentions an identity when one of its entities has that identity. A name asked for
//! means the identity that holds at least [`DOMINANT_SHARE`] of the articles using that name
//! (as a name or a form); otherwise the name is ambiguous and means all of them, and the
//! lookups say so and list them. Must not print.

use crate::error::Result;
use crate::extract::aliases::{canonical_key, AliasTable};
use crate::extract::entities::person_core;
use crate::extract::ner::EntityType;
use crate::index::sidecar;
use crate::index::{
    entity_form_term, entity_name_term, keyword_key, live_doc_freq, live_term_docs,
    parse_entity_form_term, Fields, MorgueIndex, FORM_TERM, NAME_TERM,
};
use crate::model::ArticleEntity;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::directory::OwnedBytes;
use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

/// Share of a short name's resolved uses that one full name must hold for the short name to
/// resolve to it across the archive (and for a name asked for to mean one entity). 0.9: a
/// researcher reading "Pelosi" alone expects Nancy Pelosi when nine articles in ten that spell
/// the name out mean her; below that, one reading in ten or more would be a different person,
/// too many to fold silently. On AllSides it separates the surnames shared by two well-known
/// people (Clinton, Bush, Paul) from those that are not (see `docs/entities.md`).
pub const DOMINANT_SHARE: f64 = 0.9;

/// The resolver's cache file in the index folder (see [`Resolver::cached`]).
pub const RESOLVER_FILE: &str = sidecar::RESOLVER;

/// The first bytes of the cache file; the version changes whenever its layout does.
const RESOLVER_MAGIC: &[u8; 16] = b"morgue-resolver3";

/// The version of the resolution rules (this module's shares, supports and splits, and
/// `extract::entities`' in-article rules they read): part of the key of every cache that holds
/// their decisions (`resolver.bin`, `entities.bin`), so a change of rules builds them again
/// even under the same crate version. (7: counts are of live documents, see
/// [`crate::index::live_doc_freq`].)
const RULES: u32 = 7;

/// What a cache of the resolver's decisions for `searcher`'s commit under `aliases` is keyed
/// by: the commit, the rules and the alias table.
pub fn cache_key(searcher: &Searcher, aliases: &AliasTable) -> String {
    format!(
        "{}rules {RULES}\n{}",
        sidecar::commit_key(searcher),
        aliases.fingerprint()
    )
}

/// Fewest articles in which the dominant full name must have been written out for a short name
/// to resolve to it: one or two articles are no measure of a share.
pub const MIN_SUPPORT: u64 = 3;

/// The key under which an entity name meets the index's terms: its canonical key, folded as
/// the keyword analyzer folds it.
pub fn entity_key(name: &str) -> String {
    let key = canonical_key(name);
    if key.is_ascii() {
        key
    } else {
        keyword_key(&key)
    }
}

/// A stored entity of an article after the corrections and the archive's resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The identity (a key) it counts under.
    pub identity: String,
    /// The name the article gave it.
    pub name: String,
    /// `person`, `org`, `location` or `misc`.
    pub kind: String,
    /// Mentions in the article.
    pub count: u32,
    /// Forms the article used, with their mentions.
    pub forms: Vec<(String, u32)>,
    /// True when it is a short name that the archive cannot resolve (several full names share
    /// it).
    pub ambiguous: bool,
}

/// A short name of the archive's table (see [`Resolver::short_names`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortName {
    /// The short name's key.
    pub form: String,
    /// Its type.
    pub kind: String,
    /// The identities articles resolved it to, with their numbers of articles, most first.
    pub holders: Vec<(String, u64)>,
    /// The identity it resolves to across the archive, if one holds enough of it.
    pub resolved: Option<String>,
}

/// What a name asked for means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameLookup {
    /// The name's key.
    pub key: String,
    /// The identities it means, with the numbers of articles that use the name for each, most
    /// first: one unless ambiguous, none when no article uses it.
    pub identities: Vec<(String, u64)>,
    /// True when several entities share the name and none holds [`DOMINANT_SHARE`] of its uses.
    pub ambiguous: bool,
    /// True when the alias table drops the name.
    pub dropped: bool,
}

/// A short name's (form, kind).
type FormKind = (String, String);

/// Names with their numbers of articles.
type Names = Vec<(String, u64)>;

/// What follows an entry's key in a [`Section`].
#[derive(Debug, Clone, Copy)]
enum Value {
    /// The names a short name was resolved to in articles, with their numbers of articles.
    Names,
    /// One identity.
    Id,
    /// Identities.
    Ids,
    /// (form, kind) pairs.
    Pairs,
}

impl Value {
    /// Moves `r` past a value; `None` when its lengths overrun the bytes or a number of
    /// articles is one no index could hold.
    fn skip(self, r: &mut sidecar::Cursor) -> Option<()> {
        if let Value::Id = self {
            return r.str_bytes().map(|_| ());
        }
        for _ in 0..r.word()? {
            r.str_bytes()?;
            match self {
                Value::Names => {
                    stored_count(r)?;
                }
                Value::Pairs => {
                    r.str_bytes()?;
                }
                Value::Id | Value::Ids => {}
            }
        }
        Some(())
    }
}

/// A stored key, as bytes: (form, kind), or (a string, nothing).
type StoredKey<'a> = (&'a [u8], &'a [u8]);

/// A section of the cache file: entries sorted by key, a (form, kind) pair or one string, each
/// followed by its [`Value`], with a table of where each entry starts. Opening the file reads
/// only each section's two counts and checks that its offsets and entries fit the file; an
/// entry is read, and its lengths checked, when a lookup asks for it, so opening costs nothing
/// per entry. A damaged entry is not found (a search compares keys, so it never finds another
/// entry's value); [`Section::damage`] reads every entry, for `morgue check` ([`check`]).
///
/// A process filtering by an entity looks up a handful of entries. Decoding every entry of the
/// short-name table into strings and hash maps was most of the 12 ms that reading the file took
/// in such a process (stop 39); decoding the other sections so was still 70% of its page faults
/// at 4× (stop 46: 8,258 resolved short names and 3,550 ambiguous ones, a number that grows
/// with the archive), and walking every entry to find where each starts 4% of its time.
#[derive(Debug)]
struct Section {
    /// Where each entry starts in `entries`: a little-endian 32-bit offset each, in key order.
    offsets: OwnedBytes,
    /// The entries.
    entries: OwnedBytes,
    /// The keys are (form, kind) pairs; else one string each.
    pairs: bool,
    /// What follows each key.
    value: Value,
}

impl Section {
    /// A section with no entries.
    fn empty(pairs: bool, value: Value) -> Section {
        Section {
            offsets: OwnedBytes::empty(),
            entries: OwnedBytes::empty(),
            pairs,
            value,
        }
    }

    /// The section of `file` at `r` (its number of entries, the entries' length in bytes, the
    /// offsets, the entries), whose values are `value`s; `r` is moved past it. `None` when the
    /// offsets or the entries do not fit the file.
    fn read(
        file: &OwnedBytes,
        r: &mut sidecar::Cursor,
        pairs: bool,
        value: Value,
    ) -> Option<Section> {
        let n = r.word()? as usize;
        let len = r.word()? as usize;
        let offsets_at = r.at;
        r.take(n.checked_mul(4)?)?;
        let entries_at = r.at;
        r.take(len)?;
        Some(Section {
            offsets: file.slice(offsets_at..entries_at),
            entries: file.slice(entries_at..r.at),
            pairs,
            value,
        })
    }

    /// Its number of entries.
    fn len(&self) -> usize {
        self.offsets.len() / 4
    }

    /// The key at `r`, which is moved past it.
    fn key<'a>(r: &mut sidecar::Cursor<'a>, pairs: bool) -> Option<StoredKey<'a>> {
        let first = r.str_bytes()?;
        let second = if pairs { r.str_bytes()? } else { &[][..] };
        Some((first, second))
    }

    /// The key of the `i`th entry, and a reader at its value; `None` past the last entry or
    /// when the key overruns the entries.
    fn entry(&self, i: usize) -> Option<(StoredKey<'_>, sidecar::Cursor<'_>)> {
        let at = self.offsets.as_slice().get(4 * i..4 * i + 4)?;
        let mut r = sidecar::Cursor {
            bytes: &self.entries,
            at: sidecar::word(at, 0) as usize,
        };
        let key = Section::key(&mut r, self.pairs)?;
        Some((key, r))
    }

    /// A reader at the value of the entry whose key is (`first`, `second`) (`second` empty for
    /// one-string keys): a binary search over the keys (a damaged key counts as past any key).
    fn find(&self, first: &str, second: &str) -> Option<sidecar::Cursor<'_>> {
        let wanted = (first.as_bytes(), second.as_bytes());
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.entry(mid) {
                Some((key, r)) if key == wanted => return Some(r),
                Some((key, _)) if key < wanted => low = mid + 1,
                _ => high = mid,
            }
        }
        None
    }

    /// Every entry's key and a reader at its value, in key order (a damaged one is left out).
    fn each(&self) -> impl Iterator<Item = (StoredKey<'_>, sidecar::Cursor<'_>)> + '_ {
        (0..self.len()).filter_map(|i| self.entry(i))
    }

    /// What is wrong with the section, read whole: an entry that does not start where the one
    /// before it ends, a key or value that overruns the entries or is out of order (a search
    /// would miss entries), or bytes after the last entry.
    fn damage(&self) -> Option<String> {
        let mut r = sidecar::Cursor {
            bytes: &self.entries,
            at: 0,
        };
        let mut last: Option<StoredKey<'_>> = None;
        for i in 0..self.len() {
            if sidecar::word(&self.offsets, 4 * i) as usize != r.at {
                return Some(format!(
                    "entry {i} does not start where entry {} ends",
                    i.max(1) - 1
                ));
            }
            let Some(key) = Section::key(&mut r, self.pairs) else {
                return Some(format!("entry {i}'s key overruns the section"));
            };
            if last.is_some_and(|l| l >= key) {
                return Some(format!("entry {i}'s key is out of order"));
            }
            last = Some(key);
            if self.value.skip(&mut r).is_none() {
                return Some(format!("entry {i}'s value overruns the section"));
            }
        }
        (r.at != self.entries.len()).then(|| "bytes follow its last entry".to_string())
    }
}

/// A [`Section`] as it is written: entries in key order, each one's start recorded.
#[derive(Default)]
struct SectionWriter {
    offsets: Vec<u8>,
    entries: Vec<u8>,
}

impl SectionWriter {
    /// Where to write the next entry (its start is recorded).
    fn entry(&mut self) -> &mut Vec<u8> {
        put_count(&mut self.offsets, self.entries.len());
        &mut self.entries
    }

    /// Writes the section into `w`, as [`Section::read`] reads it.
    fn finish(self, w: &mut Vec<u8>) {
        put_count(w, self.offsets.len() / 4);
        put_count(w, self.entries.len());
        w.extend_from_slice(&self.offsets);
        w.extend_from_slice(&self.entries);
    }
}

/// The [`Value::Names`] at `r`.
fn stored_names(r: &mut sidecar::Cursor) -> Option<Names> {
    let n = r.word()? as usize;
    let mut names = Vec::with_capacity(n.min(r.bytes.len() / 12));
    for _ in 0..n {
        names.push((r.string()?, stored_count(r)?));
    }
    Some(names)
}

/// The [`Value::Pairs`] at `r`.
fn stored_pairs(r: &mut sidecar::Cursor) -> Option<Vec<FormKind>> {
    let n = r.word()? as usize;
    let mut pairs = Vec::with_capacity(n.min(r.bytes.len() / 8));
    for _ in 0..n {
        pairs.push((r.string()?, r.string()?));
    }
    Some(pairs)
}

/// A number of articles: a count no index could hold is a damaged file.
fn stored_count(r: &mut sidecar::Cursor) -> Option<u64> {
    r.long().filter(|&n| n <= u64::from(u32::MAX))
}

/// Writes a (form, kind) key.
fn put_pair(w: &mut Vec<u8>, (form, kind): &FormKind) {
    sidecar::put_str(w, form);
    sidecar::put_str(w, kind);
}

/// Writes a number of entries or items.
fn put_count(w: &mut Vec<u8>, n: usize) {
    w.extend_from_slice(&(n as u32).to_le_bytes());
}

/// The archive's decisions, as [`Resolver::from_pairs`] makes them.
#[derive(Default)]
struct Decisions {
    holders: BTreeMap<FormKind, Names>,
    split_uses: HashMap<FormKind, u64>,
    split_pairs: Vec<(String, String, String)>,
    resolved: BTreeMap<FormKind, String>,
    ambiguous: BTreeMap<FormKind, Vec<String>>,
}

impl Decisions {
    /// The body of the cache file (after its header; see [`Resolver::encode`]): the holders,
    /// the split uses and pairs, the resolved short names, the ambiguous ones, and each
    /// identity's resolved short names. Maps are written in key order, so one table always
    /// gives the same bytes.
    fn body(&self) -> Vec<u8> {
        let mut w = Vec::new();
        let mut holders = SectionWriter::default();
        for (k, names) in &self.holders {
            let e = holders.entry();
            put_pair(e, k);
            put_count(e, names.len());
            for (name, n) in names {
                sidecar::put_str(e, name);
                e.extend_from_slice(&n.to_le_bytes());
            }
        }
        holders.finish(&mut w);
        let mut split_uses: Vec<_> = self.split_uses.iter().collect();
        split_uses.sort();
        put_count(&mut w, split_uses.len());
        for (k, n) in split_uses {
            put_pair(&mut w, k);
            w.extend_from_slice(&n.to_le_bytes());
        }
        put_count(&mut w, self.split_pairs.len());
        for (form, kind, name) in &self.split_pairs {
            for part in [form, kind, name] {
                sidecar::put_str(&mut w, part);
            }
        }
        let mut resolved = SectionWriter::default();
        for (k, id) in &self.resolved {
            let e = resolved.entry();
            put_pair(e, k);
            sidecar::put_str(e, id);
        }
        resolved.finish(&mut w);
        let mut ambiguous = SectionWriter::default();
        for (k, ids) in &self.ambiguous {
            let e = ambiguous.entry();
            put_pair(e, k);
            put_count(e, ids.len());
            for id in ids {
                sidecar::put_str(e, id);
            }
        }
        ambiguous.finish(&mut w);
        // Short names in key order, so each identity's come sorted.
        let mut by_identity: BTreeMap<&str, Vec<&FormKind>> = BTreeMap::new();
        for (k, id) in &self.resolved {
            by_identity.entry(id).or_default().push(k);
        }
        let mut resolved_to = SectionWriter::default();
        for (id, pairs) in by_identity {
            let e = resolved_to.entry();
            sidecar::put_str(e, id);
            put_count(e, pairs.len());
            for k in pairs {
                put_pair(e, k);
            }
        }
        resolved_to.finish(&mut w);
        w
    }
}

/// The archive's short-name table and the alias table, applied to entities and names.
#[derive(Debug)]
pub struct Resolver {
    aliases: AliasTable,
    /// The cache file's bytes after its header (see [`Decisions::body`]): what the sections
    /// below are read from, and what [`Resolver::encode`] writes again.
    body: OwnedBytes,
    /// (form, kind) → the names it was resolved to in articles, with numbers of articles.
    holders: Section,
    /// (form, kind) → articles in which the form is split from a name (see [`Resolver::splits`]).
    split_uses: HashMap<FormKind, u64>,
    /// The (form, kind, name) triples of the index that are split.
    split_pairs: Vec<(String, String, String)>,
    /// (short name, kind) → the identity it resolves to across the archive.
    resolved: Section,
    /// (short name, kind) pairs several full names share → those names.
    ambiguous: Section,
    /// Identity → the (short name, kind) pairs resolved to it, sorted.
    resolved_to: Section,
    keys: Mutex<HashMap<String, String>>,
}

impl Resolver {
    /// Reads the form terms of the index and builds the archive's short-name table.
    pub fn new(searcher: &Searcher, fields: &Fields, aliases: &AliasTable) -> Result<Resolver> {
        Ok(Resolver::from_pairs(
            form_counts(searcher, fields)?,
            aliases,
        ))
    }

    /// The resolver of `searcher`'s commit under `aliases`, built once per commit and alias
    /// table: kept on the index handle, and in the index folder (`resolver.bin`) for the next
    /// process. Building it reads every form term of the index, which would otherwise be most
    /// of the time of a lookup or of a query with an entity filter. The file is a cache keyed
    /// like the entity table (commit and alias table): one missing, damaged or keyed otherwise
    /// is built again and replaced, and a folder that cannot be written only costs the build.
    pub fn cached(
        mi: &MorgueIndex,
        searcher: &Searcher,
        aliases: &AliasTable,
    ) -> Result<Arc<Resolver>> {
        mi.derived(searcher, aliases, || {
            let key = cache_key(searcher, aliases);
            if let Some(r) = sidecar::read(mi.dir(), RESOLVER_FILE)
                .and_then(|bytes| Resolver::decode(bytes, &key, aliases))
            {
                return Ok(r);
            }
            let r = Resolver::new(searcher, &mi.fields, aliases)?;
            let _ = sidecar::write(mi.dir(), RESOLVER_FILE, &r.encode(&key));
            Ok(r)
        })
    }

    /// The table as the cache file holds it (see [`Resolver::cached`]): a header with `key`,
    /// then the body (see [`Decisions::body`]).
    fn encode(&self, key: &str) -> Vec<u8> {
        let mut w = Vec::with_capacity(self.body.len() + key.len() + 32);
        sidecar::write_header(&mut w, RESOLVER_MAGIC, key);
        w.extend_from_slice(&self.body);
        w
    }

    /// The table [`Resolver::encode`] wrote under `key`; `None` for another key or version,
    /// or damaged bytes.
    fn decode(file: OwnedBytes, key: &str, aliases: &AliasTable) -> Option<Resolver> {
        let at = sidecar::after_header(file.as_slice(), RESOLVER_MAGIC, key)?.at;
        Resolver::read_body(file.slice(at..file.len()), aliases)
    }

    /// The table whose body (see [`Decisions::body`]) is `body`; `None` when damaged.
    fn read_body(body: OwnedBytes, aliases: &AliasTable) -> Option<Resolver> {
        let bytes = body.as_slice();
        let mut r = sidecar::Cursor { bytes, at: 0 };
        let pair = |r: &mut sidecar::Cursor| Some((r.string()?, r.string()?));
        let holders = Section::read(&body, &mut r, true, Value::Names)?;
        let n = r.word()?;
        // Room for the entries said (no more than the bytes could hold).
        let mut split_uses = HashMap::with_capacity((n as usize).min(bytes.len() / 16));
        for _ in 0..n {
            let k = pair(&mut r)?;
            split_uses.insert(k, stored_count(&mut r)?);
        }
        let mut split_pairs = Vec::new();
        for _ in 0..r.word()? {
            let (form, kind) = pair(&mut r)?;
            split_pairs.push((form, kind, r.string()?));
        }
        let resolved = Section::read(&body, &mut r, true, Value::Id)?;
        let ambiguous = Section::read(&body, &mut r, true, Value::Ids)?;
        let resolved_to = Section::read(&body, &mut r, false, Value::Pairs)?;
        if r.at != bytes.len() {
            return None;
        }
        Some(Resolver {
            aliases: aliases.clone(),
            body: body.clone(),
            holders,
            split_uses,
            split_pairs,
            resolved,
            ambiguous,
            resolved_to,
            keys: Mutex::new(HashMap::new()),
        })
    }

    /// What is wrong with the table's sections, read whole (see [`Section::damage`]).
    fn damage(&self) -> Option<String> {
        [
            ("short names' holders", &self.holders),
            ("resolved short names", &self.resolved),
            ("ambiguous short names", &self.ambiguous),
            ("short names by identity", &self.resolved_to),
        ]
        .into_iter()
        .find_map(|(name, section)| Some(format!("its table of {name}: {}", section.damage()?)))
    }

    /// Builds the table from (form, kind, name) pairs and their numbers of articles.
    pub fn from_pairs(
        pairs: HashMap<(String, String, String), u64>,
        aliases: &AliasTable,
    ) -> Resolver {
        // The decisions apply the alias table's rules (`splits`, `base`): an empty table's.
        let r = Resolver {
            aliases: aliases.clone(),
            body: OwnedBytes::empty(),
            holders: Section::empty(true, Value::Names),
            split_uses: HashMap::new(),
            split_pairs: Vec::new(),
            resolved: Section::empty(true, Value::Id),
            ambiguous: Section::empty(true, Value::Ids),
            resolved_to: Section::empty(false, Value::Pairs),
            keys: Mutex::new(HashMap::new()),
        };
        let mut d = Decisions::default();
        let mut sorted: Vec<_> = pairs.into_iter().collect();
        sorted.sort();
        for ((form, kind, name), n) in sorted {
            if aliases.is_dropped(&form) || aliases.is_dropped(&name) {
                continue;
            }
            if r.splits(&form, &kind, &name) {
                *d.split_uses
                    .entry((form.clone(), kind.clone()))
                    .or_default() += n;
                d.split_pairs.push((form, kind, name));
                continue;
            }
            d.holders.entry((form, kind)).or_default().push((name, n));
        }
        for ((form, kind), names) in &d.holders {
            // Shares are those of *people*: for persons, full names that designate one person
            // count together ("Nancy Pelosi", "House Speaker Nancy Pelosi"), and names that
            // give no given name ("Mrs Pelosi", "anti-Trump") say nothing about which person.
            type People = HashMap<String, (u64, HashMap<String, u64>)>;
            let mut by_person: People = HashMap::new();
            for (name, n) in names {
                let Some(id) = r.base(name) else { continue };
                let person = match kind.as_str() {
                    "person" => match person_core(&id) {
                        Some(core) => core,
                        None => continue,
                    },
                    _ => id.clone(),
                };
                let e = by_person.entry(person).or_default();
                e.0 += n;
                *e.1.entry(id).or_default() += n;
            }
            let total: u64 = by_person.values().map(|e| e.0).sum();
            let mut ranked: Vec<_> = by_person.into_iter().collect();
            ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
            let Some((_, (n, ids))) = ranked.first() else {
                continue;
            };
            // The person's most used full name stands for it.
            let top = ids
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(id, _)| id.clone())
                .unwrap_or_default();
            if dominant(*n, total) {
                d.resolved.insert((form.clone(), kind.clone()), top);
            } else if ranked.len() > 1 && kind == "person" {
                // Marked for persons only: a place or organization's short name ("Washington",
                // "Congress") is a name of its own more often than a piece of a longer one.
                let ids = ranked.into_iter().map(|(person, _)| person).collect();
                d.ambiguous.insert((form.clone(), kind.clone()), ids);
            }
        }
        Resolver::read_body(OwnedBytes::new(d.body()), aliases)
            .expect("a table reads back from the bytes it was written as")
    }

    /// The names (form, kind) was resolved to in articles, with their numbers of articles.
    fn holder_names(&self, form: &str, kind: &str) -> Option<Names> {
        stored_names(&mut self.holders.find(form, kind)?)
    }

    /// The identity the short name (form, kind) resolves to across the archive, if any.
    fn resolved_id(&self, form: &str, kind: &str) -> Option<String> {
        self.resolved.find(form, kind)?.string()
    }

    /// The (short name, kind) pairs resolved to the identity `id`, sorted.
    fn resolved_names(&self, id: &str) -> Vec<FormKind> {
        self.resolved_to
            .find(id, "")
            .and_then(|mut r| stored_pairs(&mut r))
            .unwrap_or_default()
    }

    /// The archive's short-name table, for inspection: per (short name, type), the identities
    /// it was resolved to in articles with their numbers of articles (most first), and the
    /// identity it resolves to across the archive, if any.
    pub fn short_names(&self) -> Vec<ShortName> {
        let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_string);
        let mut out: Vec<ShortName> = self
            .holders
            .each()
            // A damaged entry is left out.
            .filter_map(|((form, kind), mut r)| {
                Some(((text(form)?, text(kind)?), stored_names(&mut r)?))
            })
            .map(|((form, kind), names)| {
                let mut by: HashMap<String, u64> = HashMap::new();
                for (name, n) in &names {
                    if let Some(id) = self.base(name) {
                        *by.entry(id).or_default() += n;
                    }
                }
                let mut holders: Vec<(String, u64)> = by.into_iter().collect();
                holders.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                ShortName {
                    resolved: self.resolved_id(&form, &kind),
                    form,
                    kind,
                    holders,
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.form, &a.kind).cmp(&(&b.form, &b.kind)));
        out
    }

    /// The alias table in force.
    pub fn aliases(&self) -> &AliasTable {
        &self.aliases
    }

    /// Is the form `form` of an entity `name` of type `kind` (keys) a different entity under
    /// the table in force? When the table separates them, or when the form was merged into the
    /// name by the alias table at ingest (in-article resolution cannot explain it) and the
    /// table in force no longer puts them on one line.
    pub fn splits(&self, form: &str, kind: &str, name: &str) -> bool {
        if self.aliases.are_separated(form, name) {
            return true;
        }
        let explained = EntityType::parse(kind)
            .is_some_and(|k| crate::extract::entities::resolvable(form, name, k));
        !explained && !self.aliases.same_group(form, name)
    }

    /// The key of a name (cached: names recur across thousands of articles).
    pub fn key(&self, name: &str) -> String {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = keys.get(name) {
            return k.clone();
        }
        let k = entity_key(name);
        keys.insert(name.to_string(), k.clone());
        k
    }

    /// The identity of a name key without the archive's step: `None` when dropped, the alias
    /// table's canonical key, else the key.
    fn base(&self, key: &str) -> Option<String> {
        if self.aliases.is_dropped(key) {
            return None;
        }
        Some(match self.aliases.lookup_key(key) {
            Some(g) => self.key(&g.canonical),
            None => key.to_string(),
        })
    }

    /// The identity of an entity named by `key` with type `kind` (see the module doc).
    pub fn identity(&self, key: &str, kind: &str) -> Option<String> {
        let base = self.base(key)?;
        if base != key {
            return Some(base);
        }
        Some(self.resolved_id(key, kind).unwrap_or(base))
    }

    /// True when `key` (of type `kind`) is a short name several full names share.
    pub fn is_ambiguous(&self, key: &str, kind: &str) -> bool {
        self.aliases.lookup_key(key).is_none() && self.ambiguous.find(key, kind).is_some()
    }

    /// An article's entities (as extracted, or as `index::entities_at` reads them back) after
    /// the corrections and the archive's resolution.
    pub fn article_entities(&self, entities: &[ArticleEntity]) -> Vec<Resolved> {
        let mut out: Vec<Resolved> = Vec::with_capacity(entities.len());
        for e in entities {
            let key = self.key(&e.name);
            if self.aliases.is_dropped(&key) {
                continue;
            }
            let mut kept: Vec<(String, u32)> = Vec::new();
            let mut split: Vec<(String, Vec<(String, u32)>)> = Vec::new();
            for (i, v) in e.variants.iter().enumerate() {
                let n = e.variant_counts.get(i).copied().unwrap_or(0);
                let fk = self.key(v);
                if fk == key {
                    kept.push((v.clone(), n));
                } else if self.aliases.is_dropped(&fk) {
                    continue;
                } else if self.splits(&fk, &e.kind, &key) {
                    match split.iter_mut().find(|(k, _)| *k == fk) {
                        Some((_, forms)) => forms.push((v.clone(), n)),
                        None => split.push((fk, vec![(v.clone(), n)])),
                    }
                } else {
                    kept.push((v.clone(), n));
                }
            }
            let removed: u32 =
                e.variant_counts.iter().sum::<u32>() - kept.iter().map(|(_, n)| n).sum::<u32>();
            for (fk, forms) in split {
                let Some(identity) = self.identity(&fk, &e.kind) else {
                    continue;
                };
                out.push(Resolved {
                    ambiguous: self.is_ambiguous(&fk, &e.kind) && identity == fk,
                    identity,
                    name: forms[0].0.clone(),
                    kind: e.kind.clone(),
                    count: forms.iter().map(|(_, n)| n).sum(),
                    forms,
                });
            }
            if kept.is_empty() && !e.variants.is_empty() {
                continue;
            }
            let Some(identity) = self.identity(&key, &e.kind) else {
                continue;
            };
            out.push(Resolved {
                ambiguous: self.is_ambiguous(&key, &e.kind) && identity == key,
                identity,
                name: e.name.clone(),
                kind: e.kind.clone(),
                count: e.count.saturating_sub(removed),
                forms: kept,
            });
        }
        out
    }

    /// What the name asked for means (see the module doc).
    pub fn lookup(&self, searcher: &Searcher, fields: &Fields, name: &str) -> Result<NameLookup> {
        let key = self.key(name);
        let mut out = NameLookup {
            key: key.clone(),
            ..NameLookup::default()
        };
        if self.aliases.is_dropped(&key) {
            out.dropped = true;
            return Ok(out);
        }
        if self.aliases.lookup_key(&key).is_some() {
            if let Some(id) = self.base(&key) {
                out.identities.push((id, 0));
            }
            return Ok(out);
        }
        let mut uses: HashMap<String, u64> = HashMap::new();
        for kind in EntityType::ALL.map(EntityType::name) {
            let term = Term::from_field_text(fields.entity, &entity_name_term(&key, kind));
            let own = live_term_docs(searcher, &term)?
                + self
                    .split_uses
                    .get(&(key.clone(), kind.to_string()))
                    .copied()
                    .unwrap_or(0);
            if let Some(id) = self.resolved_id(&key, kind) {
                // The archive resolves the short name: every use of it of this type means the
                // person it resolves to.
                let all: u64 = own
                    + self
                        .holder_names(&key, kind)
                        .into_iter()
                        .flatten()
                        .map(|h| h.1)
                        .sum::<u64>();
                *uses.entry(id).or_default() += all;
                continue;
            }
            if own > 0 {
                if let Some(id) = self.identity(&key, kind) {
                    *uses.entry(id).or_default() += own;
                }
            }
            for (holder, n) in self.holder_names(&key, kind).into_iter().flatten() {
                if let Some(id) = self.identity(&holder, kind) {
                    *uses.entry(id).or_default() += n;
                }
            }
        }
        let total: u64 = uses.values().sum();
        let mut ranked: Vec<(String, u64)> = uses.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if let Some(top) = ranked.first().filter(|t| dominant(t.1, total)) {
            out.identities = vec![top.clone()];
        } else {
            out.ambiguous = ranked.len() > 1;
            out.identities = ranked;
        }
        Ok(out)
    }

    /// Article documents with an entity of one of these identities.
    pub fn query(&self, fields: &Fields, identities: &[String]) -> Box<dyn Query> {
        let mut terms: Vec<String> = Vec::new();
        let kinds = EntityType::ALL.map(EntityType::name);
        for id in identities {
            let mut names: Vec<(String, Option<String>)> = vec![(id.clone(), None)];
            if let Some(g) = self.aliases.lookup_key(id) {
                for n in std::iter::once(&g.canonical).chain(&g.variants) {
                    names.push((self.key(n), None));
                }
            }
            for (short, kind) in self.resolved_names(id) {
                names.push((short, Some(kind)));
            }
            for (name, only) in &names {
                for kind in kinds {
                    if only.as_deref().is_some_and(|k| k != kind) {
                        continue;
                    }
                    if self.identity(name, kind).as_ref() == Some(id) {
                        terms.push(entity_name_term(name, kind));
                    }
                }
            }
            for (form, kind, name) in &self.split_pairs {
                if self.identity(form, kind).as_ref() == Some(id) {
                    terms.push(entity_form_term(form, kind, name));
                }
            }
        }
        terms.sort();
        terms.dedup();
        if terms.is_empty() {
            return Box::new(EmptyQuery);
        }
        Box::new(BooleanQuery::new(
            terms
                .iter()
                .map(|t| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(fields.entity, &keyword_key(t)),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect(),
        ))
    }
}

/// `morgue check`'s look at the short-name table cached in `mi`'s folder (`resolver.bin`, see
/// [`Resolver::cached`]). Opening it reads no entry (see [`Section`]), so a damaged entry only
/// goes unfound; this reads them all. A damaged file is removed, for the next entity filter or
/// lookup to build again, and reported as a `cache` problem. A file of another version is
/// not read (it is built again when used), and neither is a missing one.
pub fn check(mi: &MorgueIndex) -> Vec<crate::index::health::Problem> {
    let Some(file) = sidecar::read(mi.dir(), RESOLVER_FILE) else {
        return Vec::new();
    };
    if !file.as_slice().starts_with(RESOLVER_MAGIC) {
        return Vec::new();
    }
    let mut r = sidecar::Cursor {
        bytes: file.as_slice(),
        at: RESOLVER_MAGIC.len(),
    };
    // The header's key (the commit and alias table it was built for).
    let damage = match r.str_bytes().map(|_| r.at) {
        None => Some("its header is cut".to_string()),
        Some(at) => match Resolver::read_body(file.slice(at..file.len()), &AliasTable::default()) {
            None => Some("a table does not fit the file".to_string()),
            Some(table) => table.damage(),
        },
    };
    let Some(damage) = damage else {
        return Vec::new();
    };
    drop(file);
    let path = mi.dir().join(RESOLVER_FILE);
    let outcome = match std::fs::remove_file(&path) {
        Ok(()) => "removed: the next entity search builds it again".to_string(),
        Err(e) => format!("removing it failed: {e}"),
    };
    vec![crate::index::health::Problem::new(
        "cache",
        Some(RESOLVER_FILE.to_string()),
        format!("{damage}; {outcome}"),
    )]
}

/// Does `n` of `total` uses make a dominant reading?
fn dominant(n: u64, total: u64) -> bool {
    n >= MIN_SUPPORT && total > 0 && n as f64 >= DOMINANT_SHARE * total as f64
}

/// The number of articles of each (form, kind, name) the index's entity terms record: what a
/// [`Resolver`] is built from. Shards' counts add up to those of the index holding them all.
pub fn form_counts(searcher: &Searcher, fields: &Fields) -> Result<FormCounts> {
    let mut pairs: FormCounts = HashMap::new();
    each_entity_term(searcher, fields, FORM_TERM, |term, n| {
        if let Some((form, kind, name)) = parse_entity_form_term(term) {
            *pairs
                .entry((form.to_string(), kind.to_string(), name.to_string()))
                .or_default() += n;
        }
    })?;
    Ok(pairs)
}

/// The distinct entity names (canonical keys, as the `entity` terms hold them) of the live
/// articles of `searcher`, sorted: what a name that matches nothing is compared with.
pub fn entity_names(searcher: &Searcher, fields: &Fields) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    each_entity_term(searcher, fields, NAME_TERM, |term, _| {
        let name = term[NAME_TERM.len_utf8()..].split('|').next();
        names.extend(name.filter(|n| !n.is_empty()).map(str::to_string));
    })?;
    names.sort_unstable();
    names.dedup();
    Ok(names)
}

/// Each `entity` term starting with `tag` held by live articles, with their number, segment by
/// segment.
fn each_entity_term(
    searcher: &Searcher,
    fields: &Fields,
    tag: char,
    mut visit: impl FnMut(&str, u64),
) -> Result<()> {
    let lower = tag.to_string();
    let upper = char::from_u32(tag as u32 + 1).unwrap_or(tag).to_string();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.entity)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(lower.as_bytes())
            .lt(upper.as_bytes())
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let n = live_doc_freq(segment, &inverted, stream.value())?;
            if n > 0 {
                visit(term, n);
            }
        }
    }
    Ok(())
}

/// Articles per (form, kind, name) entity term (see [`form_counts`]).
pub type FormCounts = HashMap<(String, String, String), u64>;

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, &str, &str, u64)], aliases: &AliasTable) -> Resolver {
        let pairs = rows
            .iter()
            .map(|&(f, k, n, c)| ((f.to_string(), k.to_string(), n.to_string()), c))
            .collect();
        Resolver::from_pairs(pairs, aliases)
    }

    fn id(r: &Resolver, key: &str, kind: &str) -> Option<String> {
        r.identity(key, kind)
    }

    #[test]
    fn short_names_resolve_only_to_a_dominant_full_name_of_their_type() {
        let r = table(
            &[
                ("pelosi", "person", "nancy pelosi", 60),
                ("pelosi", "person", "house speaker nancy pelosi", 37),
                ("pelosi", "person", "mrs pelosi", 30),
                ("pelosi", "person", "paul pelosi", 3),
                ("clinton", "person", "hillary clinton", 60),
                ("clinton", "person", "bill clinton", 40),
                ("jordan", "person", "jim jordan", 10),
                ("obama", "person", "barack obama", 2),
            ],
            &AliasTable::default(),
        );
        assert_eq!(id(&r, "pelosi", "person").as_deref(), Some("nancy pelosi"));
        assert_eq!(id(&r, "clinton", "person").as_deref(), Some("clinton"));
        assert!(r.is_ambiguous("clinton", "person"));
        assert!(!r.is_ambiguous("pelosi", "person"));
        assert_eq!(id(&r, "jordan", "location").as_deref(), Some("jordan"));
        assert_eq!(id(&r, "jordan", "person").as_deref(), Some("jim jordan"));
        assert_eq!(
            id(&r, "obama", "person").as_deref(),
            Some("obama"),
            "two articles are no measure of a share"
        );
    }

    #[test]
    fn corrections_apply_to_the_table_and_to_stored_entities() {
        let aliases = AliasTable::parse("!drop\tI'm\n!separate\tPelosi\tNancy Pelosi\n").unwrap();
        let r = table(&[("pelosi", "person", "nancy pelosi", 50)], &aliases);
        assert_eq!(id(&r, "pelosi", "person").as_deref(), Some("pelosi"));
        assert_eq!(id(&r, "im", "person"), None);
        let stored = ArticleEntity {
            name: "Nancy Pelosi".into(),
            kind: "person".into(),
            count: 5,
            variants: vec!["Pelosi".into(), "Nancy Pelosi".into(), "I'm".into()],
            variant_counts: vec![3, 1, 1],
        };
        let got: Vec<(String, u32)> = r
            .article_entities(&[stored])
            .into_iter()
            .map(|x| (x.identity, x.count))
            .collect();
        assert_eq!(
            got,
            [("pelosi".to_string(), 3), ("nancy pelosi".to_string(), 1)]
        );
    }

    #[test]
    fn the_cached_table_reads_back_as_the_table_written_and_refuses_other_bytes() {
        let aliases = AliasTable::parse("!separate\tPelosi\tNancy Pelosi\n").unwrap();
        let r = table(
            &[
                ("pelosi", "person", "nancy pelosi", 60),
                ("pelosi", "person", "paul pelosi", 3),
                ("clinton", "person", "hillary clinton", 60),
                ("clinton", "person", "bill clinton", 40),
                ("bush", "person", "george w bush", 30),
                ("bush", "person", "jeb bush", 31),
                ("obama", "person", "barack obama", 90),
                ("obama", "org", "obama foundation", 4),
            ],
            &aliases,
        );
        let bytes = r.encode("key");
        let read =
            |b: &[u8], key: &str| Resolver::decode(OwnedBytes::new(b.to_vec()), key, &aliases);
        let back = read(&bytes, "key").expect("its own bytes");
        let short = r.short_names();
        assert!(short.len() > 2);
        assert_eq!(back.short_names(), short);
        // Each entry is found by its key, and only those.
        for s in &short {
            let (form, kind) = (s.form.as_str(), s.kind.as_str());
            assert!(back.holder_names(form, kind).is_some_and(|n| !n.is_empty()));
            assert_eq!(back.holder_names(form, kind), r.holder_names(form, kind));
            assert_eq!(back.holder_names(form, "nokind"), None);
            assert_eq!(back.holder_names(&format!("{form}~"), kind), None);
            assert_eq!(back.resolved_id(form, kind), s.resolved);
        }
        assert_eq!(back.holder_names("", ""), None);
        assert_eq!(back.split_pairs, r.split_pairs);
        assert_eq!(back.split_uses, r.split_uses);
        assert_eq!(
            back.resolved_id("obama", "person").as_deref(),
            Some("barack obama")
        );
        assert_eq!(back.resolved_id("obama", "org"), None, "4 of 4 is too few");
        assert_eq!(
            back.resolved_names("barack obama"),
            [("obama".to_string(), "person".to_string())]
        );
        assert_eq!(back.resolved_names("obama"), []);
        assert_eq!(back.resolved_names(""), []);
        // The people who share an ambiguous short name, most used first.
        let ambiguous = back.ambiguous.find("bush", "person").map(|mut r| {
            let ids: Option<Vec<String>> = (0..r.word().unwrap_or(0)).map(|_| r.string()).collect();
            ids
        });
        assert_eq!(
            ambiguous,
            Some(Some(vec![
                "jeb bush".to_string(),
                "george bush".to_string()
            ]))
        );
        for (key, kind) in [
            ("obama", "person"),
            ("clinton", "person"),
            ("pelosi", "person"),
            ("bush", "person"),
        ] {
            assert_eq!(back.identity(key, kind), r.identity(key, kind));
            assert_eq!(back.is_ambiguous(key, kind), r.is_ambiguous(key, kind));
        }
        assert!(back.is_ambiguous("bush", "person"));
        assert_eq!(r.encode("key"), bytes, "one table, one file");
        // Another commit's key, a cut file or trailing bytes: built again, never half read.
        assert!(read(&bytes, "other key").is_none());
        assert!(read(&bytes[..bytes.len() - 3], "key").is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(read(&longer, "key").is_none());
        // Keys out of order would hide entries from the search. Opening reads no entry, so
        // such a file opens and finds no other entry's value; `morgue check` finds the damage.
        let body = |forms: [&[u8]; 2]| {
            let mut w = Vec::new();
            let mut holders = SectionWriter::default();
            for form in forms {
                let e = holders.entry();
                put_count(e, form.len());
                e.extend_from_slice(form);
                sidecar::put_str(e, "person");
                put_count(e, 0);
            }
            holders.finish(&mut w);
            // Split uses, split pairs; resolved, ambiguous, by identity: no entries, no bytes.
            for _ in 0..2 + 3 * 2 {
                put_count(&mut w, 0);
            }
            Resolver::read_body(OwnedBytes::new(w), &aliases)
        };
        let sorted = body([b"a", b"b"]).expect("keys in order");
        assert_eq!(sorted.holder_names("b", "person"), Some(vec![]));
        assert_eq!(sorted.short_names().len(), 2);
        assert_eq!(sorted.damage(), None);
        for forms in [[b"b".as_slice(), b"a"], [b"a", b"a"]] {
            let unsorted = body(forms).expect("opens: its entries are not read");
            assert_eq!(
                unsorted.damage().as_deref(),
                Some("its table of short names' holders: entry 1's key is out of order")
            );
            assert_eq!(unsorted.holder_names("c", "person"), None);
        }
        assert_eq!(back.damage(), None, "a table as written is sound");
        // An entry's start that is not where the one before ends, and one past the entries:
        // damage, and a search that never reads another entry's value.
        let mut w = Vec::new();
        put_count(&mut w, 2);
        let entries: Vec<u8> = [b"a".as_slice(), b"b"]
            .iter()
            .flat_map(|f| {
                let mut e = Vec::new();
                put_pair(
                    &mut e,
                    &(String::from_utf8_lossy(f).into(), "person".into()),
                );
                put_count(&mut e, 0);
                e
            })
            .collect();
        put_count(&mut w, entries.len());
        put_count(&mut w, 0);
        put_count(&mut w, entries.len() + 7);
        w.extend_from_slice(&entries);
        for _ in 0..2 + 3 * 2 {
            put_count(&mut w, 0);
        }
        let bad = Resolver::read_body(OwnedBytes::new(w), &aliases).expect("fits the file");
        assert_eq!(
            bad.damage().as_deref(),
            Some("its table of short names' holders: entry 1 does not start where entry 0 ends")
        );
        assert_eq!(bad.holder_names("a", "person"), Some(vec![]));
        assert_eq!(bad.holder_names("b", "person"), None);
        // A key that is not UTF-8 is a damaged entry: listed nowhere, the others still are.
        let damaged = body([b"a", b"\xff"]).expect("keys in order");
        let listed: Vec<String> = damaged.short_names().into_iter().map(|s| s.form).collect();
        assert_eq!(listed, ["a"]);
    }
}
