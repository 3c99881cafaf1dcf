//! The furniture table of an index folder: how many different stories of each outlet hold each
//! line, template and shingle key (see `normalize::furniture`), what was learned from those
//! counts, the override file, and the listing `morgue furniture` prints.
//!
//! Files in the index folder:
//!
//! - `furniture.bin`: the counts, binary (see [`Table::save`]). A story counts once: the writer
//!   observes only articles that are not near-duplicate copies of a story already indexed.
//!   Memory and disk are bounded: when more than [`MAX_ENTRIES`] (outlet, key) counts are held,
//!   the rarest are dropped (first those seen once, then twice…) until a quarter is free, so a
//!   key that recurs at least once in every few thousand articles is never lost.
//! - `furniture.tsv`: overrides a researcher edits (written with its documentation when
//!   missing): `+` forces a text to be furniture, `-` forbids it (see [`OVERRIDES_HEADER`]).
//! - `furniture.json`: what the last ingest found removed, per outlet, with counts.
//!
//! What counts as furniture ([`Table::learn`]): a key held by at least
//! max([`MIN_STORIES`], [`SHARE`] × the outlet's stories) different stories of an outlet, unless
//! it is spread thinly over other outlets too (the stories of outlets where it is not frequent
//! exceed [`SPREAD`] × its count in this one: a quote many outlets repeat stays searchable;
//! articles of no known outlet are not one outlet, so nothing is learned for them alone);
//! and archive-wide, a short line without quotes held by [`ARCHIVE_STORIES`] stories of
//! [`ARCHIVE_OUTLETS`] outlets or more. Link cards (see `normalize::furniture`): a word form
//! without lower-case letters is a card mark of an outlet when it is the last word of a learned
//! fragment in as many stories as make a key furniture there, and in at least [`MARK_SHARE`] of
//! the outlet's stories that hold it (the table keeps these two counts per form, from the
//! end-of-ingest scan); an outlet with card marks has card keys, the shingles held by at least
//! [`CARD_STORIES`] of its stories in card regions (before a card mark; counted exactly by the
//! scan, never pruned) and not spread over other outlets. Must not decide how
//! furniture is removed (that is `normalize::furniture::mark` and the writer).

use crate::error::{Error, Result};
use crate::extract::ner::model::{put, take_varint};
use crate::hashing::PreHashedMap;
use crate::index::sidecar::{long, word};
use crate::normalize::furniture::{outlet_key, Kind, Learned};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// File of the counts in the index folder.
pub const COUNTS_FILE: &str = "furniture.bin";
/// File of the overrides in the index folder.
pub const OVERRIDES_FILE: &str = "furniture.tsv";
/// File of the listing in the index folder.
pub const LISTING_FILE: &str = "furniture.json";

/// Fewest different stories of one outlet that make a key furniture.
pub const MIN_STORIES: u32 = 5;
/// Share of an outlet's stories that a key must reach (when above [`MIN_STORIES`]).
pub const SHARE: f64 = 0.01;
/// A key frequent in an outlet is not furniture when outlets where it is not frequent hold it in
/// more than this share of its stories in that outlet (a quote repeated by many outlets).
pub const SPREAD: f64 = 0.25;
/// Stories of an outlet with card marks that a shingle must be held by to be a card key.
pub const CARD_STORIES: u32 = 2;
/// Share of the stories holding a word form in which it must end a learned fragment to be a
/// card mark.
pub const MARK_SHARE: f64 = 0.5;
/// Outlets a short line must appear in to be furniture archive-wide.
pub const ARCHIVE_OUTLETS: usize = 5;
/// Stories a short line must appear in to be furniture archive-wide.
pub const ARCHIVE_STORIES: u32 = 30;
/// Most (outlet, key) counts held: the map's 2^23 slots of 16 bytes, 136 MB with their control
/// bytes (see [`Pair`]).
pub const MAX_ENTRIES: usize = 4_000_000;
/// Items listed per outlet in the listing.
pub const LISTED_ITEMS: usize = 100;

/// The table's first bytes: entries as fixed 16-byte records (read, no longer written)…
const MAGIC_FIXED: &[u8; 8] = b"MRGFURN1";
/// …or sorted and delta-encoded as varints (read, no longer written)…
const MAGIC_PACKED: &[u8; 8] = b"MRGFURN2";
/// …and followed by the word forms' counts (see [`Table::save`]).
const MAGIC: &[u8; 8] = b"MRGFURN3";

/// The override file as first written: its documentation.
pub const OVERRIDES_HEADER: &str = "\
# morgue furniture overrides: lines, fragments or templates to force in or out of the site
# furniture learned from this index (see `morgue furniture`). One rule a line, TAB-separated:
#
#   ACTION<TAB>OUTLET<TAB>TEXT
#
# ACTION  + (TEXT is furniture wherever it appears) or - (TEXT is never learned as furniture)
# OUTLET  an outlet name as `morgue outlets` prints it (any case), or * for every outlet
# TEXT    a line or fragment, compared word by word, ignoring case, digits' values and the
#         punctuation at the edges of words
#
# The next ingest applies changes and re-indexes only the articles they concern.
";

/// A key of an outlet, as the counts hold it: 12 bytes, so with its count an entry takes 16
/// bytes where a `(u64, u32)` tuple took 24 (210 MB of slots at [`MAX_ENTRIES`], 315 MB while
/// the map grew to them: the largest single part of an ingest's memory at 37,500 AllSides
/// articles). Hashed as that tuple is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, packed(4))]
struct Pair {
    key: u64,
    outlet: u32,
}

impl Pair {
    fn new(key: u64, outlet: u32) -> Pair {
        Pair { key, outlet }
    }
}

/// Per-outlet counts of the stories holding each key.
#[derive(Debug, Default)]
pub struct Table {
    outlets: Vec<String>,
    ids: HashMap<String, u32>,
    stories: Vec<u32>,
    counts: PreHashedMap<Pair, u32>,
    /// Per (word form, outlet): the stories holding the form, and those where it ends a learned
    /// fragment (only forms that end one).
    forms: PreHashedMap<(u64, u32), (u32, u32)>,
    /// Per (shingle key, outlet): the stories holding it in a card region (exact, never pruned;
    /// see `normalize::furniture::Forms::regions`).
    cards: PreHashedMap<(u64, u32), u32>,
    /// Read from a table of an earlier format, without word forms or card counts.
    unscanned: bool,
    /// The override file as last applied to the index's articles.
    overrides: String,
}

/// Reads a section of the table: its record count (u64), then that many `N`-byte records, each
/// given to `each`, which says whether it is sound.
fn read_records<const N: usize>(
    r: &mut impl Read,
    path: &Path,
    what: &str,
    mut each: impl FnMut(&[u8; N]) -> bool,
) -> Result<()> {
    let io = |e| Error::io(path, e);
    let mut count = [0u8; 8];
    r.read_exact(&mut count).map_err(io)?;
    if u64::from_le_bytes(count) > MAX_ENTRIES as u64 {
        return Err(bad(path, &format!("corrupt {what}s")));
    }
    let mut record = [0u8; N];
    for _ in 0..u64::from_le_bytes(count) {
        r.read_exact(&mut record).map_err(io)?;
        if !each(&record) {
            return Err(bad(path, &format!("corrupt {what}")));
        }
    }
    Ok(())
}

/// Writes a section that [`read_records`] reads: the number of `records`, then each.
fn write_records(
    w: &mut impl Write,
    path: &Path,
    records: impl ExactSizeIterator<Item = Vec<u8>>,
) -> Result<()> {
    let io = |e| Error::io(path, e);
    w.write_all(&(records.len() as u64).to_le_bytes())
        .map_err(io)?;
    for record in records {
        w.write_all(&record).map_err(io)?;
    }
    Ok(())
}

fn bad(path: &Path, what: &str) -> Error {
    Error::io(
        path,
        std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string()),
    )
}

impl Table {
    /// Loads the table of the index in `dir` (empty when there is none).
    pub fn open(dir: &Path) -> Result<Table> {
        let path = dir.join(COUNTS_FILE);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Table::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut r = BufReader::new(file);
        let mut buf8 = [0u8; 8];
        let mut buf4 = [0u8; 4];
        let io = |e| Error::io(&path, e);
        r.read_exact(&mut buf8).map_err(io)?;
        let with_forms = &buf8 == MAGIC;
        let packed = with_forms || &buf8 == MAGIC_PACKED;
        if !packed && &buf8 != MAGIC_FIXED {
            return Err(bad(
                &path,
                "not a morgue furniture table (delete it and re-ingest)",
            ));
        }
        let mut t = Table {
            unscanned: !with_forms,
            ..Table::default()
        };
        r.read_exact(&mut buf4).map_err(io)?;
        let n = u32::from_le_bytes(buf4);
        for _ in 0..n {
            r.read_exact(&mut buf4).map_err(io)?;
            let len = u32::from_le_bytes(buf4) as usize;
            if len > 1 << 16 {
                return Err(bad(&path, "corrupt outlet name"));
            }
            let mut name = vec![0u8; len];
            r.read_exact(&mut name).map_err(io)?;
            r.read_exact(&mut buf4).map_err(io)?;
            let name = String::from_utf8(name).map_err(|_| bad(&path, "corrupt outlet name"))?;
            t.ids.insert(name.clone(), t.outlets.len() as u32);
            t.outlets.push(name);
            t.stories.push(u32::from_le_bytes(buf4));
        }
        r.read_exact(&mut buf8).map_err(io)?;
        let entries = u64::from_le_bytes(buf8) as usize;
        t.counts.reserve(entries.min(MAX_ENTRIES));
        let mut insert = |key: u64, outlet: u64, count: u64| {
            let (Ok(outlet), Ok(count)) = (u32::try_from(outlet), u32::try_from(count)) else {
                return false;
            };
            if outlet as usize >= t.outlets.len() {
                return false;
            }
            t.counts.insert(Pair::new(key, outlet), count);
            true
        };
        if packed {
            r.read_exact(&mut buf8).map_err(io)?;
            let len = u64::from_le_bytes(buf8) as usize;
            if entries > MAX_ENTRIES || len > entries * 20 {
                return Err(bad(&path, "corrupt entries"));
            }
            let mut bytes = vec![0u8; len];
            r.read_exact(&mut bytes).map_err(io)?;
            let (mut pos, mut key) = (0usize, 0u64);
            for _ in 0..entries {
                let mut next = || take_varint(&bytes, &mut pos);
                let (Some(delta), Some(outlet), Some(count)) = (next(), next(), next()) else {
                    return Err(bad(&path, "corrupt entry"));
                };
                key = key.wrapping_add(delta);
                if !insert(key, outlet, count) {
                    return Err(bad(&path, "corrupt entry"));
                }
            }
        } else {
            let mut entry = [0u8; 16];
            for _ in 0..entries {
                r.read_exact(&mut entry).map_err(io)?;
                let key = u64::from_le_bytes(entry[..8].try_into().unwrap_or_default());
                let outlet = u32::from_le_bytes(entry[8..12].try_into().unwrap_or_default());
                let count = u32::from_le_bytes(entry[12..].try_into().unwrap_or_default());
                if !insert(key, u64::from(outlet), u64::from(count)) {
                    return Err(bad(&path, "corrupt entry"));
                }
            }
        }
        if with_forms {
            let outlets = t.outlets.len();
            let forms = &mut t.forms;
            read_records(&mut r, &path, "form", |rec: &[u8; 20]| {
                let (form, outlet) = (long(rec, 0), word(rec, 8));
                forms.insert((form, outlet), (word(rec, 12), word(rec, 16)));
                (outlet as usize) < outlets
            })?;
            let cards = &mut t.cards;
            read_records(&mut r, &path, "card count", |rec: &[u8; 16]| {
                let (key, outlet) = (long(rec, 0), word(rec, 8));
                cards.insert((key, outlet), word(rec, 12));
                (outlet as usize) < outlets
            })?;
        }
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).map_err(io)?;
        t.overrides = String::from_utf8_lossy(&rest).into_owned();
        Ok(t)
    }

    /// Writes the table into `dir` (through a temporary file, so a crash leaves the old one):
    /// [`MAGIC`], the outlets (count u32; per outlet its name's length u32, the name, its
    /// stories u32), the entries (count u64, byte length u64, then per (key, outlet) in order
    /// the key's difference from the previous key, the outlet and the count as LEB128 varints:
    /// about half the size of fixed records), the word forms' counts (count u64, then per
    /// (form, outlet) in order the form u64, the outlet u32, the stories holding it u32 and
    /// those where it ends a fragment u32), the card counts (count u64, then per (key, outlet)
    /// in order the key u64, the outlet u32 and the count u32), and the override file last
    /// applied. Integers are
    /// little-endian.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(COUNTS_FILE);
        let tmp = dir.join(format!("{COUNTS_FILE}.tmp"));
        let io = |e| Error::io(&tmp, e);
        let mut w = BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
        w.write_all(MAGIC).map_err(io)?;
        w.write_all(&(self.outlets.len() as u32).to_le_bytes())
            .map_err(io)?;
        for (name, stories) in self.outlets.iter().zip(&self.stories) {
            w.write_all(&(name.len() as u32).to_le_bytes())
                .map_err(io)?;
            w.write_all(name.as_bytes()).map_err(io)?;
            w.write_all(&stories.to_le_bytes()).map_err(io)?;
        }
        let entries = self.sorted_counts();
        let mut bytes = Vec::with_capacity(entries.len() * 9);
        let mut last = 0u64;
        for (key, outlet, count) in entries {
            put(&mut bytes, key.wrapping_sub(last));
            put(&mut bytes, u64::from(outlet));
            put(&mut bytes, u64::from(count));
            last = key;
        }
        w.write_all(&(self.counts.len() as u64).to_le_bytes())
            .map_err(io)?;
        w.write_all(&(bytes.len() as u64).to_le_bytes())
            .map_err(io)?;
        w.write_all(&bytes).map_err(io)?;
        let mut forms: Vec<_> = self.forms.iter().collect();
        forms.sort_unstable();
        write_records(
            &mut w,
            &path,
            forms.into_iter().map(|(&(form, o), &(seen, ends))| {
                [
                    &form.to_le_bytes()[..],
                    &o.to_le_bytes(),
                    &seen.to_le_bytes(),
                    &ends.to_le_bytes(),
                ]
                .concat()
            }),
        )?;
        let mut cards: Vec<_> = self.cards.iter().collect();
        cards.sort_unstable();
        write_records(
            &mut w,
            &path,
            cards.into_iter().map(|(&(key, o), &count)| {
                [
                    &key.to_le_bytes()[..],
                    &o.to_le_bytes(),
                    &count.to_le_bytes(),
                ]
                .concat()
            }),
        )?;
        w.write_all(self.overrides.as_bytes()).map_err(io)?;
        w.into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    /// Counts one story of `outlet` (`""` when unknown) holding `keys` (distinct).
    pub fn observe(&mut self, outlet: &str, keys: &[u64]) {
        let id = self.id(&outlet_key(outlet));
        self.stories[id as usize] += 1;
        for &k in keys {
            *self.counts.entry(Pair::new(k, id)).or_insert(0) += 1;
        }
        if self.counts.len() > MAX_ENTRIES {
            self.prune();
        }
    }

    /// Takes back one story of `outlet` holding `keys` that [`Table::observe`] counted: when
    /// the record a story is indexed from changes to another outlet's, its counts move there.
    /// A count pruned meanwhile stays pruned; one pruned and then counted again by other
    /// stories loses this story all the same (pruning keeps the counts approximate).
    pub fn forget(&mut self, outlet: &str, keys: &[u64]) {
        let Some(&id) = self.ids.get(&outlet_key(outlet)) else {
            return;
        };
        let stories = &mut self.stories[id as usize];
        *stories = stories.saturating_sub(1);
        for &k in keys {
            let pair = Pair::new(k, id);
            if let Some(c) = self.counts.get_mut(&pair) {
                *c -= 1;
                if *c == 0 {
                    self.counts.remove(&pair);
                }
            }
        }
    }

    /// The id of the outlet `name` (lower case), added when new.
    fn id(&mut self, name: &str) -> u32 {
        match self.ids.get(name) {
            Some(&id) => id,
            None => {
                let id = self.outlets.len() as u32;
                self.ids.insert(name.to_string(), id);
                self.outlets.push(name.to_string());
                self.stories.push(0);
                id
            }
        }
    }

    /// Replaces the word forms' counts of `outlet` (see [`Table::learn`]) by `forms`: per
    /// form, the stories holding it and those where it ends a learned fragment.
    pub fn set_forms(&mut self, outlet: &str, forms: &HashMap<u64, (u32, u32)>) {
        let id = self.id(&outlet_key(outlet));
        self.forms.retain(|&(_, o), _| o != id);
        for (&form, &counts) in forms.iter().filter(|(_, c)| c.1 > 0) {
            self.forms.insert((form, id), counts);
        }
    }

    /// Replaces the card counts of `outlet` by `cards`: per shingle key, the stories holding it
    /// in a card region.
    pub fn set_card_counts(&mut self, outlet: &str, cards: &HashMap<u64, u32>) {
        let id = self.id(&outlet_key(outlet));
        self.cards.retain(|&(_, o), _| o != id);
        for (&key, &count) in cards {
            self.cards.insert((key, id), count);
        }
    }

    /// Drops the rarest counts until a quarter of [`MAX_ENTRIES`] is free.
    fn prune(&mut self) {
        let mut floor = 1;
        while self.counts.len() > MAX_ENTRIES / 4 * 3 {
            self.counts.retain(|_, c| *c > floor);
            floor += 1;
        }
    }

    /// Adds the counts of `other` (another shard's table) to these: the stories of an outlet
    /// and of each key add up, so a sharded root learns what one table over all of it would.
    pub fn absorb(&mut self, other: &Table) {
        let mut ids = Vec::with_capacity(other.outlets.len());
        for (name, &stories) in other.outlets.iter().zip(&other.stories) {
            let id = self.id(name);
            self.stories[id as usize] += stories;
            ids.push(id);
        }
        for (p, &c) in &other.counts {
            let pair = Pair::new(p.key, ids[p.outlet as usize]);
            *self.counts.entry(pair).or_insert(0) += c;
        }
        for (&(form, o), &(seen, ends)) in &other.forms {
            let mine = self.forms.entry((form, ids[o as usize])).or_insert((0, 0));
            mine.0 += seen;
            mine.1 += ends;
        }
        for (&(k, o), &c) in &other.cards {
            *self.cards.entry((k, ids[o as usize])).or_insert(0) += c;
        }
        if self.counts.len() > MAX_ENTRIES {
            self.prune();
        }
    }

    /// True when the table was read from an earlier format, without the word forms and card
    /// counts that a scan of every outlet's articles finds.
    pub fn unscanned(&self) -> bool {
        self.unscanned
    }

    /// The override file as last applied to the index's articles ("" when never).
    pub fn applied_overrides(&self) -> &str {
        &self.overrides
    }

    /// Records the override file applied to the index's articles.
    pub fn set_applied_overrides(&mut self, text: String) {
        self.overrides = text;
    }

    /// Stories counted for `outlet`.
    pub fn stories(&self, outlet: &str) -> u32 {
        self.ids
            .get(&outlet_key(outlet))
            .map_or(0, |&id| self.stories[id as usize])
    }

    /// Stories of an outlet that make a key furniture there.
    pub fn threshold(&self, outlet: &str) -> u32 {
        threshold(self.stories(outlet))
    }

    /// The counts as (key, outlet, stories), sorted: what the file stores and learning reads.
    fn sorted_counts(&self) -> Vec<(u64, u32, u32)> {
        let mut entries: Vec<(u64, u32, u32)> = self
            .counts
            .iter()
            .map(|(p, &c)| (p.key, p.outlet, c))
            .collect();
        entries.sort_unstable();
        entries
    }

    /// What the counts say is furniture (see the module documentation), before overrides.
    pub fn learn(&self) -> Learned {
        let entries = self.sorted_counts();
        let mut learned = Learned::default();
        let mut carded = vec![false; self.outlets.len()];
        let mut forms: Vec<_> = self.forms.iter().collect();
        forms.sort_unstable();
        for (&(form, o), &(seen, ends)) in forms {
            let o = o as usize;
            if !self.outlets[o].is_empty()
                && ends >= threshold(self.stories[o])
                && f64::from(ends) >= MARK_SHARE * f64::from(seen)
            {
                learned.insert_card_mark(&self.outlets[o], form);
                carded[o] = true;
            }
        }
        for group in entries.chunk_by(|a, b| a.0 == b.0) {
            let key = group[0].0;
            let total: u64 = group.iter().map(|e| u64::from(e.2)).sum();
            let frequent = || {
                group
                    .iter()
                    .filter(|e| e.2 >= threshold(self.stories[e.1 as usize]))
            };
            let thin = total - frequent().map(|e| u64::from(e.2)).sum::<u64>();
            for e in frequent() {
                // Articles of no known outlet come from any number of sites: they are no
                // outlet whose furniture could be learned, only evidence for the archive-wide rule.
                let unknown = self.outlets[e.1 as usize].is_empty();
                if !unknown && thin as f64 <= SPREAD * f64::from(e.2) {
                    learned.insert(Some(&self.outlets[e.1 as usize]), key);
                }
            }

            if Kind::of(key) == Kind::ShortLine
                && group.len() >= ARCHIVE_OUTLETS
                && total >= u64::from(ARCHIVE_STORIES)
            {
                learned.insert(None, key);
            }
        }
        // Card keys: frequent enough in an outlet's card regions, and not spread thinly over
        // other outlets (its stories elsewhere in the counts, pruned, so at least these).
        let mut cards: Vec<(u64, u32, u32)> = self
            .cards
            .iter()
            .filter(|(&(_, o), &c)| carded[o as usize] && c >= CARD_STORIES)
            .map(|(&(k, o), &c)| (k, o, c))
            .collect();
        cards.sort_unstable();
        let mut spread: PreHashedMap<u64, u64> = cards.iter().map(|c| (c.0, 0)).collect();
        if !spread.is_empty() {
            for (p, &c) in &self.counts {
                if let Some(n) = spread.get_mut(&{ p.key }) {
                    *n += u64::from(c);
                }
            }
        }
        for (key, o, count) in cards {
            let all = spread.get(&key).copied().unwrap_or(0);
            let own = self.counts.get(&Pair::new(key, o)).copied().unwrap_or(0);
            let elsewhere = all.saturating_sub(u64::from(own));
            if elsewhere as f64 <= SPREAD * f64::from(count) {
                learned.insert_card_key(&self.outlets[o as usize], key);
            }
        }
        learned
    }
}

fn threshold(stories: u32) -> u32 {
    MIN_STORIES.max((SHARE * f64::from(stories)).ceil() as u32)
}

/// Reads the override file of `dir` (writing the documented empty one when missing, whole or
/// not at all).
pub fn read_overrides(dir: &Path) -> Result<String> {
    let path = dir.join(OVERRIDES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            super::sidecar::write(dir, OVERRIDES_FILE, OVERRIDES_HEADER.as_bytes())
                .map_err(|e| Error::io(&path, e))?;
            Ok(OVERRIDES_HEADER.to_string())
        }
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Applies the override file's `text` (see [`OVERRIDES_HEADER`]) to `learned`; a malformed
/// line is an error naming `dir`'s file and the line.
pub fn apply_overrides(dir: &Path, text: &str, learned: &mut Learned) -> Result<()> {
    let path = dir.join(OVERRIDES_FILE);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (action, outlet, body) = (parts.next(), parts.next(), parts.next());
        let (Some(action), Some(outlet), Some(body)) = (action, outlet, body) else {
            return Err(Error::BadOption {
                option: format!("{}:{}", path.display(), n + 1),
                message: "expected ACTION<TAB>OUTLET<TAB>TEXT".into(),
            });
        };
        let outlet = match outlet.trim() {
            "*" => None,
            o => Some(o),
        };
        match action.trim() {
            "+" => learned.force_text(outlet, body),
            "-" => learned.unlearn_text(outlet, body),
            other => {
                return Err(Error::BadOption {
                    option: format!("{}:{}", path.display(), n + 1),
                    message: format!("action `{other}` is neither + nor -"),
                })
            }
        }
    }
    Ok(())
}

/// What `morgue furniture` lists: per outlet, the furniture found removed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Listing {
    /// Outlets with furniture, most articles with furniture first.
    pub outlets: Vec<OutletFurniture>,
}

/// The furniture of one outlet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutletFurniture {
    /// Outlet name as stored ("" for articles without an outlet).
    pub outlet: String,
    /// Articles of the outlet in the index.
    pub articles: usize,
    /// Of those, articles with furniture removed.
    pub with_furniture: usize,
    /// Different stories counted for the outlet (copies counted once).
    pub stories: u32,
    /// Stories a key needed to be learned as furniture of this outlet.
    pub threshold: u32,
    /// Distinct furniture texts, most frequent first (at most [`LISTED_ITEMS`]).
    pub items: Vec<FurnitureItem>,
}

impl OutletFurniture {
    /// Adds another shard's furniture of the same outlet: counts add up, items by text.
    fn absorb(&mut self, o: OutletFurniture) {
        self.articles += o.articles;
        self.with_furniture += o.with_furniture;
        self.stories += o.stories;
        self.threshold = self.threshold.max(o.threshold);
        for item in o.items {
            match self
                .items
                .iter_mut()
                .find(|i| i.kind == item.kind && i.text == item.text)
            {
                Some(i) => i.articles += item.articles,
                None => self.items.push(item),
            }
        }
        self.items.sort_by(|x, y| {
            y.articles
                .cmp(&x.articles)
                .then_with(|| x.text.cmp(&y.text))
        });
        self.items.truncate(LISTED_ITEMS);
    }
}

/// One furniture text as it was removed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FurnitureItem {
    /// `line` (a whole line), `template` (whole lines sharing first two words and last word,
    /// shown as `FIRST SECOND … LAST`) or `fragment` (part of a line).
    pub kind: String,
    /// The text removed (for a template, its label).
    pub text: String,
    /// Articles it was removed from.
    pub articles: usize,
}

impl Listing {
    /// Reads the listing of the index in `dir` (empty when there is none). For a sharded root,
    /// the shards' listings added up: each shard learns its own furniture, so an outlet's counts
    /// and items are the sums over the shards that hold it.
    pub fn open(dir: &Path) -> Result<Listing> {
        if super::shards::is_root(dir) {
            let manifest = super::shards::Manifest::read(dir)?;
            return Listing::added_up(&manifest.folders(dir));
        }
        let path = dir.join(LISTING_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                bad(
                    &path,
                    &format!("unreadable furniture listing: {e}; re-ingest"),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Listing::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// The listings of the indexes in `folders` added up (an outlet's counts and items summed
    /// over the folders that hold it).
    pub fn added_up(folders: &[std::path::PathBuf]) -> Result<Listing> {
        let mut by_outlet: Vec<OutletFurniture> = Vec::new();
        for folder in folders {
            for o in Listing::open(folder)?.outlets {
                match by_outlet.iter_mut().find(|b| b.outlet == o.outlet) {
                    None => by_outlet.push(o),
                    Some(b) => b.absorb(o),
                }
            }
        }
        let mut listing = Listing::default();
        listing.merge(by_outlet);
        Ok(listing)
    }

    /// Writes the listing into `dir`, replacing the file in one step (a new file renamed over
    /// it): an interrupted write leaves the previous listing, and a folder copied with hard
    /// links keeps its own.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(LISTING_FILE);
        let json = serde_json::to_vec_pretty(self).unwrap_or_default();
        super::sidecar::write(dir, LISTING_FILE, &json).map_err(|e| Error::io(&path, e))
    }

    /// Replaces the outlets of `fresh` (by name, any case) and keeps the others; sorts.
    pub fn merge(&mut self, fresh: Vec<OutletFurniture>) {
        let names: Vec<String> = fresh.iter().map(|o| o.outlet.to_lowercase()).collect();
        self.outlets
            .retain(|o| !names.contains(&o.outlet.to_lowercase()));
        self.outlets.extend(fresh);
        self.outlets.retain(|o| o.with_furniture > 0);
        self.outlets.sort_by(|a, b| {
            b.with_furniture
                .cmp(&a.with_furniture)
                .then_with(|| a.outlet.cmp(&b.outlet))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::furniture::{keys, mark};

    #[test]
    fn a_listing_replaces_its_file_and_leaves_a_hard_link_alone() {
        let dir = tempfile::tempdir().unwrap();
        let listing = |outlet: &str, articles: usize| Listing {
            outlets: vec![OutletFurniture {
                outlet: outlet.into(),
                articles,
                with_furniture: 1,
                stories: 1,
                threshold: 5,
                items: Vec::new(),
            }],
        };
        listing("Times", 3).save(dir.path()).unwrap();
        // A copy of the folder made with hard links, as `cp -al` makes it.
        let copy = dir.path().join("copy.json");
        std::fs::hard_link(dir.path().join(LISTING_FILE), &copy).unwrap();
        listing("Herald", 7).save(dir.path()).unwrap();
        let now = Listing::open(dir.path()).unwrap();
        assert_eq!(
            (now.outlets[0].outlet.as_str(), now.outlets[0].articles),
            ("Herald", 7)
        );
        let kept: Listing = serde_json::from_slice(&std::fs::read(&copy).unwrap()).unwrap();
        assert_eq!(
            (kept.outlets[0].outlet.as_str(), kept.outlets[0].articles),
            ("Times", 3)
        );
        // No temporary file is left behind.
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["copy.json", LISTING_FILE]);
    }

    #[test]
    fn learns_per_outlet_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Table::default();
        for i in 0..6 {
            let text =
                format!("Story number {i} says something.\n\nClick here for reprint permission.");
            t.observe("Times", &keys(&text));
        }
        let l = t.learn();
        assert_eq!(
            mark("Click here for reprint permission.", "times", &l),
            vec![0..34]
        );
        assert!(mark("Click here for reprint permission.", "Other", &l).is_empty());
        t.set_applied_overrides("-\t*\tx\n".into());
        t.save(dir.path()).unwrap();
        let again = Table::open(dir.path()).unwrap();
        assert_eq!(again.learn(), l);
        assert_eq!(again.applied_overrides(), "-\t*\tx\n");
        assert_eq!(again.stories("TIMES"), 6);
    }

    #[test]
    fn shards_tables_added_up_learn_what_one_table_learns() {
        // Three stories of the Times in one shard, three in another: neither shard alone
        // reaches the five stories furniture needs; together they do, as in one table.
        let story = |i: usize| {
            format!("Story number {i} says something.\n\nClick here for reprint permission.")
        };
        let (mut a, mut b, mut one) = (Table::default(), Table::default(), Table::default());
        for i in 0..6 {
            let shard = if i % 2 == 0 { &mut a } else { &mut b };
            shard.observe("Times", &keys(&story(i)));
            one.observe("Times", &keys(&story(i)));
        }
        b.observe("Post", &keys("Another outlet's story."));
        assert!(mark("Click here for reprint permission.", "times", &a.learn()).is_empty());
        let mut all = Table::default();
        all.absorb(&a);
        all.absorb(&b);
        one.observe("Post", &keys("Another outlet's story."));
        assert_eq!(all.learn(), one.learn());
        assert_eq!((all.stories("times"), all.stories("post")), (6, 1));
        assert_eq!(
            mark("Click here for reprint permission.", "times", &all.learn()),
            vec![0..34]
        );
    }

    #[test]
    fn a_story_forgotten_under_one_outlet_counts_under_another_as_if_seen_there() {
        // Five stories of the Times carry its reprint line, and a sixth is first counted as
        // the Post's, then moved to the Times (its record changed).
        let story = |i: usize| {
            format!("Story number {i} says something.\n\nClick here for reprint permission.")
        };
        let (mut moved, mut direct) = (Table::default(), Table::default());
        for i in 0..5 {
            moved.observe("Times", &keys(&story(i)));
            direct.observe("Times", &keys(&story(i)));
        }
        moved.observe("Post", &keys(&story(5)));
        moved.observe("Post", &keys("Another outlet's story."));
        moved.forget("POST ", &keys(&story(5)));
        moved.observe("Times", &keys(&story(5)));
        direct.observe("Times", &keys(&story(5)));
        direct.observe("Post", &keys("Another outlet's story."));
        assert_eq!(moved.sorted_counts(), direct.sorted_counts());
        assert_eq!((moved.stories("times"), moved.stories("post")), (6, 1));
        assert_eq!(moved.learn(), direct.learn());
        // An outlet never seen changes nothing; keys never counted only take the story back.
        moved.forget("Herald", &keys(&story(1)));
        moved.forget("Post", &keys("Words never counted before, for no outlet."));
        assert_eq!(moved.stories("post"), 0);
        assert_eq!(moved.sorted_counts(), direct.sorted_counts());
    }

    #[test]
    fn the_table_is_stored_packed_and_the_fixed_format_is_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Table::default();
        for i in 0..20u8 {
            // Letters, not digits: digits fold to 0 in keys.
            let words: Vec<String> = (0..30u8)
                .map(|j| format!("w{}{}", char::from(b'a' + i), char::from(b'a' + j % 26)))
                .collect();
            let text = format!("{}\n\nSign up for our newsletter.", words.join(" "));
            t.observe(if i % 2 == 0 { "A" } else { "B" }, &keys(&text));
        }
        t.save(dir.path()).unwrap();
        let size = std::fs::metadata(dir.path().join(COUNTS_FILE))
            .unwrap()
            .len();
        let fixed = 16 * t.counts.len() as u64;
        assert!(
            size < fixed * 3 / 4,
            "{size} bytes for {} entries",
            t.counts.len()
        );
        let again = Table::open(dir.path()).unwrap();
        assert_eq!(again.counts, t.counts);
        // The fixed 16-byte records of the first format.
        let mut old = MAGIC_FIXED.to_vec();
        old.extend(1u32.to_le_bytes());
        old.extend(1u32.to_le_bytes());
        old.extend(b"a");
        old.extend(7u32.to_le_bytes());
        old.extend(1u64.to_le_bytes());
        old.extend(42u64.to_le_bytes());
        old.extend(0u32.to_le_bytes());
        old.extend(6u32.to_le_bytes());
        old.extend(b"-\t*\tx\n");
        std::fs::write(dir.path().join(COUNTS_FILE), old).unwrap();
        let old = Table::open(dir.path()).unwrap();
        assert_eq!(old.stories("A"), 7);
        assert_eq!(old.counts.get(&Pair::new(42, 0)), Some(&6));
        // Counts as the map holds them: 16 bytes with their count (a tuple key took 24).
        assert_eq!(std::mem::size_of::<(Pair, u32)>(), 16);
        assert_eq!(old.applied_overrides(), "-\t*\tx\n");
    }

    #[test]
    fn articles_of_no_known_outlet_are_not_one_outlet() {
        let mut t = Table::default();
        let line = "The harbor was closed on Tuesday after the storm broke two moorings.";
        for i in 0..8 {
            t.observe(
                "",
                &keys(&format!("Story {i} of a site nobody named.\n\n{line}")),
            );
        }
        assert!(mark(line, "", &t.learn()).is_empty());
    }

    #[test]
    fn a_quote_spread_over_many_outlets_is_not_learned() {
        let mut t = Table::default();
        let quote = "\"We will not back down from this fight, not now and not ever,\" she said.";
        for i in 0..6 {
            t.observe("A", &keys(&format!("A story {i}.\n\n{quote}")));
        }
        for o in 0..4 {
            t.observe(&format!("B{o}"), &keys(&format!("B story {o}.\n\n{quote}")));
        }
        assert!(mark(quote, "A", &t.learn()).is_empty());
    }

    #[test]
    fn overrides_force_in_and_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Learned::default();
        let text = read_overrides(dir.path()).unwrap();
        apply_overrides(dir.path(), &text, &mut l).unwrap();
        assert!(l.is_empty());
        let written = std::fs::read_to_string(dir.path().join(OVERRIDES_FILE)).unwrap();
        assert_eq!(written, OVERRIDES_HEADER);
        let text = format!("{OVERRIDES_HEADER}+\t*\tPhoto: AP\n");
        apply_overrides(dir.path(), &text, &mut l).unwrap();
        assert_eq!(mark("x\nPhoto: AP", "any", &l), vec![2..11]);
        let e = apply_overrides(dir.path(), "? * x\n", &mut l)
            .unwrap_err()
            .to_string();
        assert!(e.contains("furniture.tsv:1"), "{e}");
    }
}
