//! An article's entities read from the `entity_fact` column and resolved, without loading its
//! stored document: what the entity lookups count.
//!
//! Each distinct value of the column (an entity or one of its forms, with mentions; see
//! `index::entity_facts`) is decoded once per segment, and each decision of the
//! [`Resolver`](crate::search::resolve::Resolver) (a name's key, its identity, whether a form is
//! split off or dropped) is taken once per distinct name: per article only integer work remains.
//! Strings are interned ([`Interner`]); the results ([`Lite`]) hold their ids. The outcome is the
//! same as [`Resolver::article_entities`](crate::search::resolve::Resolver::article_entities) on
//! the article's entities as extracted (a test compares the two).

use crate::error::Result;
use crate::extract::ner::features::hash_str;
use crate::hashing::PreHashedMap;
use crate::index::{names, parse_entity_fact, unpack_fact_count};
use crate::search::resolve::{entity_key, Resolver};
use std::collections::HashMap;
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, Searcher};

/// Most names [`Interner::find_all`] finds one by one in an unhashed interner.
const FEW: usize = 8;

/// Strings as dense ids, kept end to end in one buffer and found by their 64-bit hash.
#[derive(Debug, Default)]
pub struct Interner {
    text: String,
    ends: Vec<usize>,
    by_hash: PreHashedMap<u64, u32>,
    /// The rare string whose hash another string already has.
    collided: HashMap<Box<str>, u32>,
    /// Strings not yet in `by_hash` (an interner made with [`Interner::from_parts`] hashes them
    /// when a string is first added: finding one before that scans them).
    unhashed: bool,
}

impl Interner {
    /// Distinct strings end to end, and where each ends (as [`Interner::parts`] gives them).
    pub fn from_parts(text: String, ends: Vec<usize>) -> Interner {
        Interner {
            unhashed: !ends.is_empty(),
            text,
            ends,
            ..Interner::default()
        }
    }

    /// The id of `s`, added when new.
    pub fn id(&mut self, s: &str) -> u32 {
        if self.unhashed {
            self.unhashed = false;
            for id in 0..self.ends.len() as u32 {
                let hash = hash_str(self.get(id));
                self.hash(hash, id);
            }
        }
        if let Some(id) = self.find(s) {
            return id;
        }
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        self.hash(hash_str(s), id);
        id
    }

    fn hash(&mut self, hash: u64, id: u32) {
        match self.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                let s: Box<str> = self.get(id).into();
                self.collided.insert(s, id);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(id);
            }
        }
    }

    /// The string of `id`.
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no string was added.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The strings end to end, and where each ends.
    pub fn parts(&self) -> (&str, &[usize]) {
        (&self.text, &self.ends)
    }

    /// The id of `s`, found in the text: each place `s` occurs, until one is a whole string.
    fn search(&self, s: &str) -> Option<u32> {
        let start_of = |id: usize| if id == 0 { 0 } else { self.ends[id - 1] };
        if s.is_empty() {
            return (0..self.ends.len())
                .find(|&id| start_of(id) == self.ends[id])
                .map(|id| id as u32);
        }
        let step = s.chars().next().map_or(1, char::len_utf8);
        let mut from = 0;
        while let Some(i) = self.text.get(from..).and_then(|t| t.find(s)) {
            let at = from + i;
            // The first string ending after `at`: the one `s` is when it starts there.
            let id = self.ends.partition_point(|&e| e <= at);
            if id < self.ends.len() && start_of(id) == at && self.ends[id] == at + s.len() {
                return Some(id as u32);
            }
            from = at + step;
        }
        None
    }

    /// The ids of those of `wanted` that were seen, in increasing order: one pass over the
    /// strings when they are not hashed and many are wanted (a name may mean hundreds of
    /// identities).
    pub fn find_all<'s>(&self, wanted: impl Iterator<Item = &'s str>) -> Vec<u32> {
        let wanted: Vec<&str> = wanted.collect();
        // A few names are found in the text; more in one pass, a string compared only when
        // its length is one of theirs.
        if !self.unhashed || wanted.len() <= FEW {
            let mut ids: Vec<u32> = wanted.into_iter().filter_map(|s| self.find(s)).collect();
            ids.sort_unstable();
            ids.dedup();
            return ids;
        }
        let lengths: std::collections::HashSet<usize> = wanted.iter().map(|s| s.len()).collect();
        let wanted: std::collections::HashSet<&str> = wanted.into_iter().collect();
        let start_of = |id: usize| if id == 0 { 0 } else { self.ends[id - 1] };
        (0..self.ends.len())
            .filter(|&id| lengths.contains(&(self.ends[id] - start_of(id))))
            .filter(|&id| wanted.contains(self.get(id as u32)))
            .map(|id| id as u32)
            .collect()
    }

    /// The id of `s` if it was seen.
    pub fn find(&self, s: &str) -> Option<u32> {
        if self.unhashed {
            return self.search(s);
        }
        match self.by_hash.get(&hash_str(s)) {
            Some(&id) if self.get(id) == s => Some(id),
            Some(_) => self.collided.get(s).copied(),
            None => None,
        }
    }
}

/// A resolved entity of an article (ids of an [`Interner`]); see
/// [`Resolved`](crate::search::resolve::Resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lite {
    /// The identity (a key) it counts under.
    pub identity: u32,
    /// The name the article gave it.
    pub name: u32,
    /// Its type.
    pub kind: u32,
    /// Mentions in the article.
    pub count: u32,
    /// Its forms with their mentions: a range of [`ArticleEntities::forms`].
    pub forms: std::ops::Range<u32>,
    /// A short name that the archive cannot resolve.
    pub ambiguous: bool,
}

/// The resolved entities of one article; reused from article to article.
#[derive(Debug, Clone, Default)]
pub struct ArticleEntities {
    /// The entities.
    pub lites: Vec<Lite>,
    /// The forms of every entity (form, mentions), each entity's a range.
    pub forms: Vec<(u32, u32)>,
}

impl ArticleEntities {
    /// The forms of `lite`.
    pub fn forms_of(&self, lite: &Lite) -> &[(u32, u32)] {
        &self.forms[lite.forms.start as usize..lite.forms.end as usize]
    }
}

/// What the resolver says of an entity (its identity and ambiguity; `None`: it has none).
type Identity = Option<(u32, bool)>;

/// A column value as read: interned type, name and form (`NO_FORM` for an entity).
#[derive(Debug, Clone, Copy)]
struct Raw {
    kind: u32,
    name: u32,
    form: u32,
}

/// The `form` of a [`Raw`] entity value (and of a malformed value's, with `name` `NO_FORM`).
const NO_FORM: u32 = u32::MAX;

/// What the resolver says of a column value.
#[derive(Debug, Clone, Copy)]
enum Value {
    /// Malformed (never written by this version).
    Bad,
    /// An entity: `dropped` when the alias table drops its name.
    Entity { dropped: bool, identity: Identity },
    /// One of an entity's forms.
    Form(Fate),
}

/// What becomes of a form of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Kept,
    Dropped,
    /// Split off as its own entity, under the form's key, with that key's identity.
    Split(u32, Identity),
}

/// A segment's column, its dictionary read in one pass (one sequential read: looking values up
/// one by one costs a block decode each), and its values, resolved when first met.
struct Segment {
    column: Option<StrColumn>,
    counts: Option<Column<u64>>,
    /// Per value (dictionary ordinal): its parts, and what the resolver says of it.
    raws: Vec<Raw>,
    values: Vec<Option<Value>>,
}

/// Reads and resolves articles' entities from the column (see the module doc).
pub struct EntityColumns<'r> {
    resolver: &'r Resolver,
    /// Interned names, forms, kinds and identities.
    pub strings: Interner,
    segments: Vec<Segment>,
    keys: PreHashedMap<u32, u32>,
    identities: PreHashedMap<(u32, u32), Identity>,
    dropped: PreHashedMap<u32, bool>,
    fates: PreHashedMap<(u32, u32, u32), Fate>,
    values_buf: Vec<u64>,
    counts_buf: Vec<(u32, u32)>,
    entities: Vec<(u32, u32, u32, bool, Identity)>,
    found: Vec<FormRef>,
}

/// A form met in an article.
#[derive(Debug, Clone, Copy)]
struct FormRef {
    name: u32,
    kind: u32,
    position: u32,
    form: u32,
    fate: Fate,
    count: u32,
}

impl<'r> EntityColumns<'r> {
    /// Opens the column of every segment.
    pub fn open(searcher: &Searcher, resolver: &'r Resolver) -> Result<EntityColumns<'r>> {
        let mut strings = Interner::default();
        let mut segments = Vec::new();
        for reader in searcher.segment_readers() {
            let column = reader.fast_fields().str(names::ENTITY_FACT)?;
            let counts = reader
                .fast_fields()
                .u64(names::ENTITY_FACT_N)
                .ok()
                .filter(|_| column.is_some());
            let mut raws = Vec::new();
            if let Some(c) = &column {
                let mut terms = c
                    .dictionary()
                    .stream()
                    .map_err(tantivy::TantivyError::from)?;
                while terms.advance() {
                    let value = std::str::from_utf8(terms.key()).ok();
                    raws.push(match value.and_then(parse_entity_fact) {
                        Some(f) => Raw {
                            kind: strings.id(f.kind),
                            name: strings.id(f.name),
                            form: f.form.map_or(NO_FORM, |x| strings.id(x)),
                        },
                        None => Raw {
                            kind: NO_FORM,
                            name: NO_FORM,
                            form: NO_FORM,
                        },
                    });
                }
            }
            segments.push(Segment {
                column,
                counts,
                values: vec![None; raws.len()],
                raws,
            });
        }
        Ok(EntityColumns {
            resolver,
            strings,
            segments,
            keys: PreHashedMap::default(),
            identities: PreHashedMap::default(),
            dropped: PreHashedMap::default(),
            fates: PreHashedMap::default(),
            values_buf: Vec::new(),
            counts_buf: Vec::new(),
            entities: Vec::new(),
            found: Vec::new(),
        })
    }

    /// The interned key of the interned name `name`.
    fn key(&mut self, name: u32) -> u32 {
        if let Some(&k) = self.keys.get(&name) {
            return k;
        }
        let key = entity_key(self.strings.get(name));
        let k = self.strings.id(&key);
        self.keys.insert(name, k);
        k
    }

    /// Identity and ambiguity of a key of type `kind` (`None`: dropped).
    fn identity(&mut self, key: u32, kind: u32) -> Identity {
        if let Some(&i) = self.identities.get(&(key, kind)) {
            return i;
        }
        let (k, t) = (self.strings.get(key), self.strings.get(kind));
        let found = self
            .resolver
            .identity(k, t)
            .map(|id| (self.resolver.is_ambiguous(k, t) && id == k, id));
        let found = found.map(|(ambiguous, id)| (self.strings.id(&id), ambiguous));
        self.identities.insert((key, kind), found);
        found
    }

    fn dropped(&mut self, key: u32) -> bool {
        if let Some(&d) = self.dropped.get(&key) {
            return d;
        }
        let d = self.resolver.aliases().is_dropped(self.strings.get(key));
        self.dropped.insert(key, d);
        d
    }

    /// Decodes and resolves the value `ord` of segment `seg`.
    fn value(&mut self, seg: usize, ord: u64) -> (Raw, Value) {
        let ord = ord as usize;
        let Some(&raw) = self.segments[seg].raws.get(ord) else {
            return (
                Raw {
                    kind: NO_FORM,
                    name: NO_FORM,
                    form: NO_FORM,
                },
                Value::Bad,
            );
        };
        if let Some(Some(v)) = self.segments[seg].values.get(ord) {
            return (raw, *v);
        }
        let value = if raw.name == NO_FORM {
            Value::Bad
        } else if raw.form == NO_FORM {
            let key = self.key(raw.name);
            let dropped = self.dropped(key);
            Value::Entity {
                dropped,
                identity: if dropped {
                    None
                } else {
                    self.identity(key, raw.kind)
                },
            }
        } else {
            let key = self.key(raw.name);
            let fk = self.key(raw.form);
            Value::Form(self.fate(fk, raw.kind, key))
        };
        if let Some(slot) = self.segments[seg].values.get_mut(ord) {
            *slot = Some(value);
        }
        (raw, value)
    }

    /// What becomes of a form whose key is `fk` of an entity whose key is `key`.
    fn fate(&mut self, fk: u32, kind: u32, key: u32) -> Fate {
        if let Some(&f) = self.fates.get(&(fk, kind, key)) {
            return f;
        }
        let fate = if fk == key {
            Fate::Kept
        } else if self.dropped(fk) {
            Fate::Dropped
        } else if self.resolver.splits(
            self.strings.get(fk),
            self.strings.get(kind),
            self.strings.get(key),
        ) {
            Fate::Split(fk, self.identity(fk, kind))
        } else {
            Fate::Kept
        };
        self.fates.insert((fk, kind, key), fate);
        fate
    }

    /// The resolved entities of the article at `addr`, into `out` (cleared first): the same
    /// as [`Resolver::article_entities`] on its entities as extracted.
    pub fn article(&mut self, addr: DocAddress, out: &mut ArticleEntities) -> Result<()> {
        out.lites.clear();
        out.forms.clear();
        let seg = addr.segment_ord as usize;
        // The values and their numbers, paired by position (see `index::entity_facts`).
        let mut values = std::mem::take(&mut self.values_buf);
        let mut counts = std::mem::take(&mut self.counts_buf);
        values.clear();
        counts.clear();
        let segment = &self.segments[seg];
        if let (Some(c), Some(n)) = (&segment.column, &segment.counts) {
            values.extend(c.term_ords(addr.doc_id));
            counts.extend(n.values_for_doc(addr.doc_id).map(unpack_fact_count));
        }
        let mut entities = std::mem::take(&mut self.entities);
        let mut forms = std::mem::take(&mut self.found);
        entities.clear();
        forms.clear();
        for (&ord, &(position, count)) in values.iter().zip(&counts) {
            match self.value(seg, ord) {
                (_, Value::Bad) => {}
                (raw, Value::Entity { dropped, identity }) => {
                    entities.push((raw.name, raw.kind, count, dropped, identity))
                }
                (raw, Value::Form(fate)) => forms.push(FormRef {
                    name: raw.name,
                    kind: raw.kind,
                    position,
                    form: raw.form,
                    fate,
                    count,
                }),
            }
        }
        forms.sort_unstable_by_key(|f| (f.name, f.kind, f.position));
        for &(name, kind, count, dropped, identity) in &entities {
            if dropped {
                continue;
            }
            let start = forms.partition_point(|f| (f.name, f.kind) < (name, kind));
            let mine = forms[start..]
                .iter()
                .take_while(|f| (f.name, f.kind) == (name, kind));
            let (mut all, mut kept_n, mut any) = (0u32, 0u32, false);
            let kept_from = out.forms.len() as u32;
            for f in mine.clone() {
                any = true;
                all += f.count;
                if f.fate == Fate::Kept {
                    kept_n += f.count;
                    out.forms.push((f.form, f.count));
                }
            }
            let kept_to = out.forms.len() as u32;
            // Split forms, grouped by the form's key in order of first appearance.
            let mut done: Vec<u32> = Vec::new();
            for f in mine.clone() {
                let Fate::Split(fk, split_identity) = f.fate else {
                    continue;
                };
                if done.contains(&fk) {
                    continue;
                }
                done.push(fk);
                let from = out.forms.len() as u32;
                for g in mine.clone() {
                    if matches!(g.fate, Fate::Split(k, _) if k == fk) {
                        out.forms.push((g.form, g.count));
                    }
                }
                let range = from..out.forms.len() as u32;
                let Some((identity, ambiguous)) = split_identity else {
                    continue;
                };
                let taken = &out.forms[range.start as usize..range.end as usize];
                out.lites.push(Lite {
                    identity,
                    name: taken[0].0,
                    kind,
                    count: taken.iter().map(|(_, n)| n).sum(),
                    forms: range,
                    ambiguous,
                });
            }
            if kept_from == kept_to && any {
                continue;
            }
            let Some((identity, ambiguous)) = identity else {
                continue;
            };
            out.lites.push(Lite {
                identity,
                name,
                kind,
                count: count.saturating_sub(all - kept_n),
                forms: kept_from..kept_to,
                ambiguous,
            });
        }
        self.values_buf = values;
        self.counts_buf = counts;
        self.entities = entities;
        self.found = forms;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::aliases::AliasTable;
    use crate::index::entity_facts;

    use crate::model::ArticleEntity;

    type Flat = (String, String, String, u32, Vec<(String, u32)>, bool);

    #[test]
    fn column_entities_resolve_as_the_stored_entities_do() {
        let articles = [
            vec![
                ArticleEntity::with_forms(
                    "Nancy Pelosi",
                    "person",
                    5,
                    &[("Pelosi", 3), ("Nancy Pelosi", 1), ("I'm", 1)],
                ),
                ArticleEntity::with_forms("Getty Images", "org", 1, &[]),
            ],
            vec![
                ArticleEntity::with_forms(
                    "Barack Obama",
                    "person",
                    4,
                    &[("Obama", 3), ("Barack Obama", 1)],
                ),
                ArticleEntity::with_forms("Hillary Clinton", "person", 2, &[("Clinton", 2)]),
                ArticleEntity::with_forms("Clinton", "person", 3, &[]),
                ArticleEntity::with_forms("I'm", "person", 2, &[("I'm", 2)]),
            ],
            vec![],
        ];
        // One segment per article, then merged: values and numbers are paired by their order,
        // which the merge (remapping each segment's dictionary) must keep.
        let searcher = crate::index::entities_index(&articles);
        let doc_of = |article: usize| DocAddress::new(0, article as u32);
        let aliases = AliasTable::parse("!drop\tI'm\n!separate\tPelosi\tNancy Pelosi\n").unwrap();
        let pairs = [
            ("pelosi", "nancy pelosi", 50),
            ("clinton", "hillary clinton", 60),
            ("clinton", "bill clinton", 40),
        ]
        .iter()
        .map(|&(f, n, c)| ((f.to_string(), "person".to_string(), n.to_string()), c))
        .collect();
        let resolver = Resolver::from_pairs(pairs, &aliases);
        let mut cols = EntityColumns::open(&searcher, &resolver).unwrap();
        let mut found = ArticleEntities::default();
        for (doc, stored) in articles.iter().enumerate() {
            cols.article(doc_of(doc), &mut found).unwrap();
            let s = &cols.strings;
            let mut got: Vec<Flat> = found
                .lites
                .iter()
                .map(|l| {
                    let forms = found.forms_of(l).iter().map(|&(f, n)| (s.get(f).into(), n));
                    let (id, name, kind) = (s.get(l.identity), s.get(l.name), s.get(l.kind));
                    (
                        id.into(),
                        name.into(),
                        kind.into(),
                        l.count,
                        forms.collect(),
                        l.ambiguous,
                    )
                })
                .collect();
            let mut want: Vec<Flat> = resolver
                .article_entities(stored)
                .into_iter()
                .map(|r| (r.identity, r.name, r.kind, r.count, r.forms, r.ambiguous))
                .collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "article {doc}");
        }
        // The cases the table exercises.
        cols.article(doc_of(0), &mut found).unwrap();
        let counts: Vec<(&str, u32)> = found
            .lites
            .iter()
            .map(|l| (cols.strings.get(l.identity), l.count))
            .collect();
        assert!(counts.contains(&("pelosi", 3)) && counts.contains(&("nancy pelosi", 1)));
        cols.article(doc_of(1), &mut found).unwrap();
        assert!(found
            .lites
            .iter()
            .all(|l| cols.strings.get(l.identity) != "im"));
        assert!(found
            .lites
            .iter()
            .any(|l| cols.strings.get(l.identity) == "clinton" && l.ambiguous));
        // The commit's table, written and read back, says what the columns say: the entities
        // by column, the forms of the entities asked for, and the articles per identity.
        let table = crate::lookup::entity_table::EntityTable::of_commit(&searcher, &resolver);
        let t = &table.strings;
        let mut per_identity: std::collections::HashMap<String, u32> = Default::default();
        for doc in 0..articles.len() as u32 {
            let addr = DocAddress::new(0, doc);
            cols.article(addr, &mut found).unwrap();
            let s = &cols.strings;
            let mut want: Vec<(String, String, String, u32, bool)> = Vec::new();
            let mut want_forms: Vec<String> = Vec::new();
            for l in &found.lites {
                let (id, name, kind) = (s.get(l.identity), s.get(l.name), s.get(l.kind));
                want.push((id.into(), name.into(), kind.into(), l.count, l.ambiguous));
                if id == "hillary clinton" || id == "pelosi" {
                    want_forms.extend(found.forms_of(l).iter().map(|&(f, _)| s.get(f).into()));
                }
            }
            let mut got: Vec<(String, String, String, u32, bool)> = table
                .lites(addr)
                .map(|l| {
                    let (id, name, kind) = (t.get(l.identity), t.get(l.name), t.get(l.kind));
                    (id.into(), name.into(), kind.into(), l.count, l.ambiguous)
                })
                .collect();
            let mut seen: Vec<&String> = want.iter().map(|w| &w.0).collect();
            seen.sort();
            seen.dedup();
            for id in seen {
                *per_identity.entry(id.clone()).or_default() += 1;
            }
            let counts: Vec<(String, u32)> = table
                .counts(addr)
                .map(|(id, n)| (t.get(id).to_string(), n))
                .collect();
            let wanted = |id: u32| ["hillary clinton", "pelosi"].contains(&t.get(id));
            let mut forms = Vec::new();
            table.forms_of(addr, wanted, &mut forms);
            let mut got_forms: Vec<String> = forms.iter().map(|&f| t.get(f).into()).collect();
            assert_eq!(
                counts,
                want.iter().map(|w| (w.0.clone(), w.3)).collect::<Vec<_>>()
            );
            got.sort();
            want.sort();
            got_forms.sort();
            want_forms.sort();
            assert_eq!((got, got_forms), (want, want_forms), "article {doc}");
        }
        for (id, n) in per_identity {
            assert_eq!(table.articles_with(t.find(&id).unwrap()), n, "{id}");
        }
        assert_eq!(table.articles_with(u32::MAX), 0);
        // A damaged range reads as a document without entities; the others read as before.
        let damaged =
            crate::lookup::entity_table::EntityTable::of_commit_damaged(&searcher, &resolver, 1);
        let names = |table: &crate::lookup::entity_table::EntityTable, doc: u32| {
            let addr = DocAddress::new(0, doc);
            let lites: Vec<String> = table
                .lites(addr)
                .map(|l| table.strings.get(l.identity).to_string())
                .collect();
            let mut forms = Vec::new();
            table.forms_of(addr, |_| true, &mut forms);
            (lites, table.counts(addr).count(), forms.len())
        };
        assert_eq!(names(&damaged, 0), (vec![], 0, 0));
        assert_eq!(names(&damaged, 1), (vec![], 0, 0));
        assert_eq!(names(&table, 2), names(&damaged, 2));
        assert!(!names(&table, 1).0.is_empty());
        damaged.failed().unwrap();
    }

    #[test]
    fn strings_read_back_are_found_before_and_after_hashing() {
        let mut made = Interner::default();
        for s in ["ab", "aba", "", "é", "obama", "barack obama"] {
            made.id(s);
        }
        let (text, ends) = made.parts();
        let mut read = Interner::from_parts(text.to_string(), ends.to_vec());
        // "aba" first occurs across "ab" and "aba": the search goes on to the whole string.
        for (id, s) in ["ab", "aba", "", "é", "obama", "barack obama"]
            .iter()
            .enumerate()
        {
            assert_eq!(read.find(s), Some(id as u32), "{s:?}");
        }
        assert_eq!(read.find("ba"), None);
        assert_eq!(read.find("bama"), None);
        let wanted = ["obama", "nobody", "ab"];
        assert_eq!(read.find_all(wanted.iter().copied()), vec![0, 4]);
        assert_eq!(read.id("new"), 6);
        assert_eq!(read.id("aba"), 1);
        assert_eq!(read.find_all(wanted.iter().copied()), vec![0, 4]);
        // Many names, unhashed: the one pass gives the same.
        let many: Vec<String> = (0..20).map(|i| format!("x{i}")).collect();
        let mut read = Interner::from_parts(text.to_string(), ends.to_vec());
        let asked = many.iter().map(String::as_str).chain(["barack obama", "é"]);
        assert_eq!(read.find_all(asked.clone()), vec![3, 5]);
        read.id("hashed now");
        assert_eq!(read.find_all(asked), vec![3, 5]);
    }

    #[test]
    fn counts_follow_their_values_and_saturate() {
        use crate::index::{pack_fact_count, parse_entity_fact, unpack_fact_count, MAX_FACT_BYTES};
        let big = ArticleEntity::with_forms("A\u{1f}B", "person", u32::MAX, &[("B", 7)]);
        let facts = entity_facts(&[big]);
        assert_eq!(
            facts[0].0, "person\u{1f}A B",
            "the separator never enters a name"
        );
        assert_eq!(unpack_fact_count(facts[0].1), (0, u32::MAX));
        assert_eq!(unpack_fact_count(facts[1].1), (0, 7));
        assert_eq!(unpack_fact_count(pack_fact_count(300, 1)), (255, 1));
        assert!(
            pack_fact_count(3, 2) < 1 << 10,
            "small counts are small numbers"
        );
        let f = parse_entity_fact(&facts[1].0).unwrap();
        assert_eq!((f.kind, f.name, f.form), ("person", "A B", Some("B")));
        assert_eq!(parse_entity_fact("person"), None);
        assert_eq!(parse_entity_fact("a\u{1f}b\u{1f}c\u{1f}d"), None);
        // A value tantivy would drop is not written, nor its number.
        let long = "x".repeat(MAX_FACT_BYTES);
        let facts = entity_facts(&[
            ArticleEntity::with_forms(&long, "person", 2, &[("x", 1)]),
            ArticleEntity::with_forms("C", "org", 3, &[(long.as_str(), 1), ("C", 2)]),
        ]);
        let values: Vec<&str> = facts.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, ["org\u{1f}C", "org\u{1f}C\u{1f}C"]);
        assert_eq!(unpack_fact_count(facts[1].1), (1, 2));
    }
}
