//! Entity tallies over stories, in arrays indexed by identity: what `entities` and `entity`
//! count.
//!
//! An identity is an id of the lookup's [`Interner`], so a tally is a few numbers at a known
//! place: no hashing per mention, and memory bounded by the number of distinct strings, not by
//! the archive. The arrays are allocated zeroed, so the pages of identities never met are never
//! touched. Names and types keep their first value in the arrays and the rare others aside.

use super::entities::EntityCount;
use super::entity_columns::Interner;
use super::entity_table::LiteRow;
use crate::extract::aliases::AliasTable;
use crate::hashing::PreHashedMap;
use crate::search::resolve::entity_key;

/// Grows `v` to `n` zeros (`false`s): a first allocation is made zeroed, so that its pages are
/// touched only when written.
fn grow_zeroed<T: Clone + Default>(v: &mut Vec<T>, n: usize) {
    match v.is_empty() {
        true => *v = vec![T::default(); n],
        false => v.resize(n, T::default()),
    }
}

/// Counts of ids per identity: the first id of each kept in arrays (most identities have one
/// name and one type), the others in a side map.
#[derive(Debug, Default)]
struct Counts {
    /// Per identity, its first id + 1 (0: none yet).
    first: Vec<u32>,
    /// Per identity, the first id's count.
    first_n: Vec<u64>,
    /// Per identity with more than one id, the others with their counts (in order first
    /// added).
    more: PreHashedMap<u32, Vec<(u32, u64)>>,
}

impl Counts {
    fn grow(&mut self, n: usize) {
        grow_zeroed(&mut self.first, n);
        grow_zeroed(&mut self.first_n, n);
    }

    /// Adds `n` to the count of `k` for identity `at` (in bounds).
    fn bump(&mut self, at: u32, k: u32, n: u64) {
        let i = at as usize;
        match self.first[i] {
            0 => {
                self.first[i] = k + 1;
                self.first_n[i] = n;
            }
            f if f == k + 1 => self.first_n[i] += n,
            _ => {
                let more = self.more.entry(at).or_default();
                match more.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, v)) => *v += n,
                    None => more.push((k, n)),
                }
            }
        }
    }

    /// The ids of identity `at` with their counts, in the order they were first added.
    fn iter(&self, at: u32) -> impl Iterator<Item = (u32, u64)> + '_ {
        let i = at as usize;
        let first = match self.first.get(i) {
            Some(&f) if f > 0 => Some((f - 1, self.first_n[i])),
            _ => None,
        };
        first
            .into_iter()
            .chain(self.more.get(&at).into_iter().flatten().copied())
    }
}

/// What a story count needs of one identity, in one place (a mention costs one memory access,
/// not one per field): stories that mention it; the last story that counted it (0: none) in
/// the high half and which of its articles (the one whose mentions count) in the low half;
/// mentions over the stories that count it. Plain numbers, so that the arrays are allocated
/// zeroed and only the pages of identities met are touched.
type Slot = [u64; 3];
const STORIES: usize = 0;
const COUNTED_IN: usize = 1;
const MENTIONS: usize = 2;

/// Tallies identities over stories: names, types and ambiguity seen (over every article), and
/// per story the mentions of the copy that stands for it (the first in story order that
/// mentions it).
#[derive(Debug)]
pub struct Tallies {
    /// Per identity.
    slots: Vec<Slot>,
    names: Counts,
    kinds: Counts,
    /// Per identity: a short name the archive cannot resolve in some article.
    ambiguous: Vec<bool>,
    /// What [`Tallies::add`] counts besides stories and mentions: names and ambiguity ...
    details: bool,
    /// ... and types.
    with_kinds: bool,
    /// Stories added so far (the one being added, while it is).
    story: u32,
    /// Identities counted in a story, in the order first counted.
    seen: Vec<u32>,
}

impl Tallies {
    /// Tallies of the identities `0..n` (more are added as they come).
    pub fn new(n: usize) -> Tallies {
        let mut t = Tallies {
            slots: Vec::new(),
            names: Counts::default(),
            kinds: Counts::default(),
            ambiguous: Vec::new(),
            details: true,
            with_kinds: true,
            story: 0,
            seen: Vec::new(),
        };
        t.grow(n);
        t
    }

    /// Tallies that count only stories and mentions (and types when `with_kinds`) as entities
    /// are added: a listing counts those first, then the details of the few identities it
    /// lists ([`Tallies::add_details`]).
    pub fn counts_only(n: usize, with_kinds: bool) -> Tallies {
        Tallies {
            details: false,
            with_kinds,
            ..Tallies::new(n)
        }
    }

    /// Counts the name and ambiguity of entity `l` (and its type, unless [`Tallies::add`] did),
    /// of any article in any order.
    pub fn add_details(&mut self, l: &LiteRow) {
        self.reach(l.identity);
        self.names.bump(l.identity, l.name, u64::from(l.count));
        if !self.with_kinds {
            self.kinds.bump(l.identity, l.kind, u64::from(l.count));
        }
        self.ambiguous[l.identity as usize] |= l.ambiguous;
    }

    fn grow(&mut self, n: usize) {
        grow_zeroed(&mut self.slots, n);
        self.names.grow(n);
        self.kinds.grow(n);
        grow_zeroed(&mut self.ambiguous, n);
    }

    /// Makes room for identity `id`.
    fn reach(&mut self, id: u32) {
        let n = id as usize + 1;
        if n > self.slots.len() {
            self.grow(n.max(2 * self.slots.len()));
        }
    }

    /// Starts the next story.
    pub fn begin_story(&mut self) {
        self.story += 1;
    }

    /// Adds entity `l` of the current story's `article`-th article (in story order), counting
    /// it for the story when it is the first article to mention its identity.
    pub fn add(&mut self, article: u32, l: &LiteRow) {
        self.reach(l.identity);
        let n = u64::from(l.count);
        if self.details {
            self.names.bump(l.identity, l.name, n);
            self.ambiguous[l.identity as usize] |= l.ambiguous;
        }
        if self.with_kinds {
            self.kinds.bump(l.identity, l.kind, n);
        }
        self.count_in_story(article, l.identity, n);
    }

    /// Adds `count` mentions of `identity` in the current story's `article`-th article: what
    /// [`Tallies::add`] counts of an entity when it counts neither details nor types.
    pub fn add_count(&mut self, article: u32, identity: u32, count: u32) {
        self.reach(identity);
        self.count_in_story(article, identity, u64::from(count));
    }

    /// Counts `n` mentions of `identity` (in bounds) in the current story's `article`-th
    /// article, and the story when it is the first article to mention it.
    fn count_in_story(&mut self, article: u32, identity: u32, n: u64) {
        let this = (u64::from(self.story) << 32) | u64::from(article);
        let slot = &mut self.slots[identity as usize];
        if slot[COUNTED_IN] >> 32 != u64::from(self.story) {
            if slot[STORIES] == 0 {
                self.seen.push(identity);
            }
            slot[COUNTED_IN] = this;
            slot[STORIES] += 1;
            slot[MENTIONS] += n;
        } else if slot[COUNTED_IN] == this {
            slot[MENTIONS] += n;
        }
    }

    /// True when [`Tallies::add_count`] counts all that [`Tallies::add`] would.
    pub fn counts_alone(&self) -> bool {
        !self.details && !self.with_kinds
    }

    /// Adds a tally made elsewhere (another shard's) to identity `id`'s.
    pub fn add_tally(
        &mut self,
        id: u32,
        stories: usize,
        mentions: u64,
        ambiguous: bool,
        names: impl Iterator<Item = (u32, u64)>,
        kinds: impl Iterator<Item = (u32, u64)>,
    ) {
        self.reach(id);
        for (n, c) in names {
            self.names.bump(id, n, c);
        }
        for (k, c) in kinds {
            self.kinds.bump(id, k, c);
        }
        self.ambiguous[id as usize] |= ambiguous;
        let slot = &mut self.slots[id as usize];
        if slot[STORIES] == 0 && stories > 0 {
            self.seen.push(id);
        }
        slot[STORIES] += stories as u64;
        slot[MENTIONS] += mentions;
    }

    /// The identities counted in at least one story, in the order first counted.
    pub fn ids(&self) -> &[u32] {
        &self.seen
    }

    /// Stories that mention `id`.
    pub fn stories(&self, id: u32) -> usize {
        self.slots
            .get(id as usize)
            .map_or(0, |s| s[STORIES] as usize)
    }

    /// Mentions of `id` over the stories that count it.
    pub fn mentions(&self, id: u32) -> u64 {
        self.slots.get(id as usize).map_or(0, |s| s[MENTIONS])
    }

    /// True when `id` was a short name the archive cannot resolve in some article.
    pub fn ambiguous(&self, id: u32) -> bool {
        self.ambiguous.get(id as usize).copied().unwrap_or(false)
    }

    /// The names written for `id`, with their mentions.
    pub fn names(&self, id: u32) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.names.iter(id)
    }

    /// The types given to `id`, with their mentions.
    pub fn kinds(&self, id: u32) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.kinds.iter(id)
    }

    /// The most counted of `m` (ties: the smallest string), preferring those `prefer` accepts.
    fn best(
        m: impl Iterator<Item = (u32, u64)>,
        strings: &Interner,
        prefer: impl Fn(&str) -> bool,
    ) -> String {
        m.map(|(id, n)| (strings.get(id), n))
            .max_by(|a, b| {
                (prefer(a.0), a.1)
                    .cmp(&(prefer(b.0), b.1))
                    .then_with(|| b.0.cmp(a.0))
            })
            .map(|(k, _)| k.to_string())
            .unwrap_or_default()
    }

    /// The type of `id`: the alias table's when it gives one (a correction takes effect at once,
    /// without re-indexing), else the type most mentions of `id` were given.
    pub fn kind(&self, id: u32, strings: &Interner, aliases: &AliasTable) -> String {
        match aliases.lookup_key(strings.get(id)).and_then(|g| g.kind) {
            Some(k) => k.name().to_string(),
            None => Tallies::best(self.kinds(id), strings, |_| false),
        }
    }

    /// The listing row of identity `id`: the alias table's name, else the most mentioned name
    /// written in full (whose key is the identity).
    pub fn count(&self, id: u32, strings: &Interner, aliases: &AliasTable) -> EntityCount {
        let key = strings.get(id);
        let name = match aliases.lookup_key(key) {
            Some(g) => g.canonical.clone(),
            None => Tallies::best(self.names(id), strings, |n| entity_key(n) == key),
        };
        EntityCount {
            name,
            kind: self.kind(id, strings, aliases),
            articles: self.stories(id),
            mentions: self.mentions(id),
            ambiguous: self.ambiguous(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An interner of `words`, and their ids.
    fn interned(words: &[&str]) -> (Interner, Vec<u32>) {
        let mut strings = Interner::default();
        let ids = words.iter().map(|s| strings.id(s)).collect();
        (strings, ids)
    }

    fn lite(identity: u32, name: u32, kind: u32, count: u32) -> LiteRow {
        LiteRow {
            identity,
            name,
            kind,
            count,
            ambiguous: false,
        }
    }

    #[test]
    fn a_story_counts_once_with_the_mentions_of_its_first_article_that_names_it() {
        let mut strings = Interner::default();
        let (obama, barack, person) = (
            strings.id("barack obama"),
            strings.id("Barack Obama"),
            strings.id("person"),
        );
        let short = strings.id("Obama");
        let mut t = Tallies::new(2);
        // Story 1: two copies; the second copy's mentions do not count.
        t.begin_story();
        t.add(0, &lite(obama, barack, person, 2));
        t.add(0, &lite(obama, short, person, 1));
        t.add(1, &lite(obama, barack, person, 5));
        // Story 2: only its second article names him.
        t.begin_story();
        t.add(1, &lite(obama, short, person, 4));
        assert_eq!(t.ids(), &[obama]);
        assert_eq!((t.stories(obama), t.mentions(obama)), (2, 7));
        // Names and types over every article.
        let names: Vec<_> = t.names(obama).collect();
        assert_eq!(names, vec![(barack, 7), (short, 5)]);
        let row = t.count(obama, &strings, &AliasTable::default());
        assert_eq!(row.name, "Barack Obama");
        assert_eq!(row.kind, "person");
        assert!(!row.ambiguous);
        assert_eq!(t.stories(9999), 0);
    }

    #[test]
    fn names_left_for_later_are_counted_for_the_identities_asked() {
        let (strings, ids) = interned(&["a", "A", "b", "B", "person"]);
        let entities = [
            lite(ids[0], ids[1], ids[4], 2),
            lite(ids[2], ids[3], ids[4], 1),
        ];
        let mut t = Tallies::counts_only(5, true);
        t.begin_story();
        for l in &entities {
            t.add(0, l);
        }
        assert_eq!(t.names(ids[0]).count(), 0);
        assert_eq!(t.stories(ids[2]), 1);
        for l in entities.iter().filter(|l| l.identity == ids[0]) {
            t.add_details(l);
        }
        let names: Vec<_> = t.names(ids[0]).collect();
        assert_eq!(names, vec![(ids[1], 2)]);
        assert_eq!(t.count(ids[0], &strings, &AliasTable::default()).name, "A");
        assert_eq!(t.names(ids[2]).count(), 0);
        // Without types up front (what co-mentions use), the details add them, once.
        let mut t = Tallies::counts_only(5, false);
        t.begin_story();
        for l in &entities {
            t.add_count(0, l.identity, l.count);
        }
        assert_eq!(t.kinds(ids[0]).count(), 0);
        t.add_details(&entities[0]);
        let kinds: Vec<_> = t.kinds(ids[0]).collect();
        assert_eq!(kinds, vec![(ids[4], 2)]);
        assert_eq!((t.stories(ids[0]), t.mentions(ids[0])), (1, 2));
    }

    #[test]
    fn tallies_grow_for_identities_past_their_size_and_add_up_other_tallies() {
        let (strings, ids) = interned(&["a", "b", "c", "org", "location"]);
        let mut t = Tallies::new(0);
        t.add_tally(ids[2], 3, 9, true, [(ids[0], 9)].into_iter(), {
            [(ids[3], 5), (ids[4], 4)].into_iter()
        });
        t.begin_story();
        t.add(0, &lite(ids[2], ids[1], ids[4], 2));
        assert_eq!((t.stories(ids[2]), t.mentions(ids[2])), (4, 11));
        assert!(t.ambiguous(ids[2]));
        // Location 6 against org 5; names a 9, b 2.
        assert_eq!(t.kind(ids[2], &strings, &AliasTable::default()), "location");
        let names: Vec<_> = t.names(ids[2]).collect();
        assert_eq!(names, vec![(ids[0], 9), (ids[1], 2)]);
    }
}
