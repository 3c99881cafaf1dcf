//! The named entities of an article: recognized mentions → typed, canonical, counted entities.
//!
//! 1. The trained recognizer ([`super::ner`]) finds the mentions.
//! 2. Mentions are grouped by [`canonical_key`]; a group's type is its mentions' majority type
//!    (so one stray tag does not split "Raqqa" into a place and an organization).
//! 3. Within the article, a short name resolves to a longer one of the same type: a person's
//!    one-word surname or given name to the full name ("Pelosi" → "Nancy Pelosi", "Maliki" →
//!    "Nouri Al-Maliki"; a longer person name is never folded into another, so "Donald Trump"
//!    stays apart from "Donald Trump Jr."), other names to one that ends with them or whose
//!    initials they are ("SDF" → "Syrian Democratic Forces"). When several longer names fit
//!    (an article naming Bill and Hillary Clinton), each mention goes to the one written in full
//!    most recently before it; a mention before all of them stays a name of its own. Across
//!    the archive, such a leftover short name is resolved at query time (`search::resolve`).
//! 4. The alias table maps known variants to one canonical entity (and its type).
//!    Multi-word names of the table found in the text replace the recognizer's mentions they
//!    overlap ("Islamic" + "State" → "Islamic State").
//! 5. One-word names found only where a capital says nothing (opening a sentence or a line, on
//!    a headline line) that the article also writes in lowercase are ordinary words ("Again"),
//!    and are dropped; a word also capitalized mid-sentence stays a name ("Twitter" in an
//!    article that also quotes "twitter is").
//! 6. Names found only in headline-like lines (ALL CAPS or Title Case) are dropped unless the
//!    body mentions them too: headline case defeats the recognizer's capitalization cues.

use super::aliases::{canonical_key, AliasTable};
use super::ner::{EntityType, Mention, Recognizer};
use crate::model::ArticleEntity;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// One mention of a group: the form written, where, in the body or a headline, its type.
#[derive(Debug, Clone)]
struct Occurrence {
    form: String,
    pos: usize,
    body: bool,
    kind: EntityType,
}

/// A group of mentions that share a key.
#[derive(Debug, Clone)]
struct Group {
    key: String,
    mentions: Vec<Occurrence>,
    /// Set by the alias table.
    canonical: Option<String>,
    fixed_kind: Option<EntityType>,
}

impl Group {
    fn kind(&self) -> EntityType {
        if let Some(k) = self.fixed_kind {
            return k;
        }
        let mut votes = [0u32; 4];
        for m in &self.mentions {
            votes[m.kind.index()] += 1;
        }
        // Ties go to the type of the first mention.
        let mut best = self.mentions.first().map_or(0, |m| m.kind.index());
        for i in 0..4 {
            if votes[i] > votes[best] {
                best = i;
            }
        }
        EntityType::ALL[best]
    }

    /// The forms written, with their numbers of mentions, in order of first use.
    fn forms(&self) -> Vec<(String, u32)> {
        let mut forms: Vec<(String, u32)> = Vec::new();
        for m in &self.mentions {
            match forms.iter_mut().find(|(f, _)| *f == m.form) {
                Some((_, n)) => *n += 1,
                None => forms.push((m.form.clone(), 1)),
            }
        }
        forms
    }

    /// Where the article wrote this group's own name in full.
    fn full_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.mentions
            .iter()
            .filter(|m| canonical_key(&m.form) == self.key)
            .map(|m| m.pos)
    }

    /// The name to show: the most frequent form whose key is the group's own (a name the
    /// article wrote in full), preferring one that is not ALL CAPS.
    fn display(&self) -> String {
        if let Some(c) = &self.canonical {
            return c.clone();
        }
        let full = |f: &str| canonical_key(f) == self.key;
        let caps = |f: &str| !f.chars().any(char::is_lowercase);
        self.forms()
            .into_iter()
            .max_by_key(|(f, n)| {
                (
                    full(f),
                    !caps(f) || f.len() <= 5,
                    *n,
                    std::cmp::Reverse(f.len()),
                )
            })
            .map(|(f, _)| f)
            .unwrap_or_default()
    }
}

/// The words of a key that count for initials ("of", "the", "and" do not).
fn initials(key: &str) -> String {
    key.split(' ')
        .filter(|w| !matches!(*w, "of" | "the" | "and" | "for" | "in" | "de" | "al"))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Generational suffixes: "Donald Trump Jr." is not "Donald Trump", but his surname is Trump.
const SUFFIXES: [&str; 5] = ["jr", "sr", "ii", "iii", "iv"];

/// The surname of a person's full name (its last word before a generational suffix); `None`
/// for a one-word name.
fn surname<'a>(words: &[&'a str]) -> Option<&'a str> {
    let mut end = words.len();
    while end > 1 && SUFFIXES.contains(&words[end - 1]) {
        end -= 1;
    }
    (end >= 2).then(|| words[end - 1])
}

/// The public lists of names in `data/gazetteer/` that the recognizer also learned from, other
/// than persons: countries and subdivisions, WordNet's places, groups and events, brands.
const PUBLIC_LISTS: [&str; 3] = [
    include_str!("../../data/gazetteer/iso-codes.tsv"),
    include_str!("../../data/gazetteer/wordnet.tsv"),
    include_str!("../../data/gazetteer/brands.tsv"),
];

/// Is the key (split into words) a name of its own in a public list ([`PUBLIC_LISTS`])?
fn listed(words: &[&str]) -> bool {
    static KEYS: LazyLock<HashSet<String>> = LazyLock::new(|| {
        PUBLIC_LISTS
            .iter()
            .flat_map(|list| list.lines())
            .filter_map(|line| line.split_once('\t'))
            .filter(|(kind, _)| *kind != "PER" && !kind.starts_with('#'))
            .map(|(_, name)| canonical_key(name))
            .collect()
    });
    KEYS.contains(&words.join(" "))
}

/// Can the short key (split into words `s`) name the long one (words `l`, same type)?
///
/// A person's one-word form is a surname or a given name ("Pelosi", "Hillary"); a person's
/// longer form is a name of its own, never a part of another ("Donald Trump" is not "Donald
/// Trump Jr."). Other names resolve to a longer name ending with them ("Baghdadi" → "Abu Bakr
/// al-Baghdadi") unless a public list has them as names of their own ("Korea" is not "North
/// Korea", "Virginia" not "West Virginia", "Twitter" not "Conservative Twitter"), or to a
/// longer name whose initials they are ("SDF").
fn names(s: &[&str], short_form_caps: bool, l: &[&str], kind: EntityType) -> bool {
    if s.len() >= l.len() {
        return false;
    }
    if kind == EntityType::Person {
        return s.len() == 1 && (surname(l) == Some(s[0]) || l[0] == s[0]);
    }
    if l.ends_with(s) {
        // "The New York Times" is "New York Times"; "North Korea" is not "Korea".
        return l.len() == s.len() + 1 && l[0] == "the" || !listed(s);
    }
    let acronym = short_form_caps && s.len() == 1 && s[0].len() >= 2;
    acronym && initials(&l.join(" ")) == s[0]
}

/// Words that stand before a person's name without being a given name: titles and their
/// qualifiers (the recognizer's, [`super::ner::title_word`]) and these honorifics, royal titles
/// and prefixes the recognizer leaves in a span ("Mr Trump", "Prince Harry", "anti-Trump").
const NOT_GIVEN_NAMES: [&str; 14] = [
    "miss",
    "sir",
    "agent",
    "professor",
    "prof",
    "pope",
    "king",
    "queen",
    "prince",
    "anti",
    "team",
    "pro",
    "first",
    "lady",
];

/// Is `w` (a key's word) a word that is no given name ([`NOT_GIVEN_NAMES`] or a title word)?
fn not_given_name(w: &str) -> bool {
    NOT_GIVEN_NAMES.contains(&w) || super::ner::title_word(w)
}

/// The person a full name (a key) designates, as given name and surname (with a generational
/// suffix): "house speaker nancy pelosi" and "nancy pelosi" are `nancy pelosi`, "donald j
/// trump" is `donald trump`, "donald trump jr" stays `donald trump jr`. `None` when the name
/// gives no given name ("mr trump", "anti trump", "j trump").
pub fn person_core(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut end = words.len();
    while end > 1 && SUFFIXES.contains(&words[end - 1]) {
        end -= 1;
    }
    if end < 2 {
        return None;
    }
    let surname = words[end - 1];
    let given = words[..end - 1]
        .iter()
        .rev()
        .find(|w| w.chars().count() > 1)?;
    if not_given_name(given) {
        return None;
    }
    let mut core = format!("{given} {surname}");
    for w in &words[end..] {
        core.push(' ');
        core.push_str(w);
    }
    Some(core)
}

/// Can in-article resolution have made `short` (a key) a form of `long` (a key) of type `kind`?
/// A form of an entity that this does not explain was merged by the alias table.
pub fn resolvable(short: &str, long: &str, kind: EntityType) -> bool {
    let s: Vec<&str> = short.split(' ').collect();
    let l: Vec<&str> = long.split(' ').collect();
    names(&s, true, &l, kind)
        || (s.len() == 1
            && surname(&l) == Some(s[0])
            && (kind == EntityType::Person || !listed(&s)))
}

/// The article's entities, most mentioned first (ties by name), at most `max`.
pub fn extract_entities(text: &str, aliases: &AliasTable, max: usize) -> Vec<ArticleEntity> {
    let Ok(r) = Recognizer::embedded() else {
        return Vec::new();
    };
    let lowercase: HashSet<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.starts_with(char::is_lowercase))
        .collect();
    let recognized = r.recognize(text);
    let says_nothing: Vec<bool> = recognized
        .iter()
        .map(|m| capital_says_nothing(text, m))
        .collect();
    // Words the article writes with a capital where the capital means a name.
    let named: HashSet<&str> = recognized
        .iter()
        .zip(&says_nothing)
        .filter(|(_, &nothing)| !nothing)
        .map(|(m, _)| m.text.as_str())
        .collect();
    let keep: Vec<bool> = recognized
        .iter()
        .zip(&says_nothing)
        .map(|(m, &nothing)| !(nothing && common_word(&m.text, &lowercase, &named)))
        .collect();
    let mentions: Vec<Mention> = recognized
        .into_iter()
        .zip(keep)
        .filter_map(|(m, keep)| keep.then_some(m))
        .collect();
    let mentions = with_table_names(text, mentions, aliases);
    from_mentions(&mentions, aliases, max)
}

/// Adds the alias table's multi-word names found in the text, replacing the recognizer's
/// mentions they overlap ("Islamic" + "State" → "Islamic State").
fn with_table_names(text: &str, mentions: Vec<Mention>, aliases: &AliasTable) -> Vec<Mention> {
    let found = aliases.find_names(text);
    if found.is_empty() {
        return mentions;
    }
    let overlaps =
        |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| a.start < b.end && b.start < a.end;
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len() + found.len());
    for t in &found {
        let covered: Vec<&Mention> = mentions
            .iter()
            .filter(|m| overlaps(&m.span, &t.span))
            .collect();
        let kind = t
            .group
            .kind
            .or_else(|| covered.first().map(|m| m.kind))
            .unwrap_or(EntityType::Misc);
        out.push(Mention {
            text: text[t.span.clone()].to_string(),
            kind,
            span: t.span.clone(),
            headline: covered.iter().any(|m| m.headline),
        });
    }
    out.extend(
        mentions
            .into_iter()
            .filter(|m| !found.iter().any(|t| overlaps(&m.span, &t.span))),
    );
    out.sort_by_key(|m| m.span.start);
    out
}

/// Does the mention stand where a capital says nothing about a word: opening a sentence or a
/// line, or on a headline line?
fn capital_says_nothing(text: &str, m: &Mention) -> bool {
    m.headline || crate::sentences::starts_sentence(text, m.span.start)
}

/// A one-word name, found where a capital says nothing about a word (opening a sentence or a
/// line, on a headline line), that the article also writes in lowercase ("Again",
/// "Relationship") is an ordinary word, unless the article also writes it with a capital
/// mid-sentence (`named`): "Twitter" in an article that quotes "twitter is", "Trump" next to
/// "trump card".
fn common_word(word: &str, lowercase: &HashSet<&str>, named: &HashSet<&str>) -> bool {
    !word.contains(' ')
        && word.chars().any(char::is_lowercase)
        && !named.contains(word)
        && lowercase.contains(word.to_lowercase().as_str())
}

/// Groups, resolves and counts recognized mentions (see the module doc).
pub fn from_mentions(mentions: &[Mention], aliases: &AliasTable, max: usize) -> Vec<ArticleEntity> {
    // 1–2. Group by key; names the table drops go.
    let mut by_key: HashMap<String, Group> = HashMap::new();
    for m in mentions {
        let surface = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !surface.chars().any(char::is_alphabetic) {
            continue;
        }
        let key = canonical_key(&surface);
        if key.is_empty() || aliases.is_dropped(&key) {
            continue;
        }
        by_key
            .entry(key.clone())
            .or_insert_with(|| Group {
                key,
                mentions: Vec::new(),
                canonical: None,
                fixed_kind: None,
            })
            .mentions
            .push(Occurrence {
                form: surface,
                pos: m.span.start,
                body: !m.headline,
                kind: m.kind,
            });
    }
    let mut groups: Vec<Group> = by_key.into_values().collect();
    groups.sort_by(|a, b| {
        let words = |g: &Group| g.key.split(' ').count();
        words(a).cmp(&words(b)).then_with(|| a.key.cmp(&b.key))
    });
    resolve_short_names(&mut groups, aliases);
    // 4. The alias table: merge variants under their canonical name.
    let mut merged: Vec<Group> = Vec::new();
    let mut by_canonical: HashMap<String, usize> = HashMap::new();
    for g in groups.into_iter().filter(|g| !g.mentions.is_empty()) {
        let group = std::iter::once(g.key.clone())
            .chain(g.forms().iter().map(|(f, _)| canonical_key(f)))
            .find_map(|k| aliases.lookup_key(&k));
        let Some(a) = group else {
            merged.push(g);
            continue;
        };
        let ck = canonical_key(&a.canonical);
        match by_canonical.get(&ck) {
            Some(&i) => merged[i].mentions.extend(g.mentions),
            None => {
                let mut g = g;
                g.key = ck.clone();
                g.canonical = Some(a.canonical.clone());
                g.fixed_kind = a.kind;
                by_canonical.insert(ck, merged.len());
                merged.push(g);
            }
        }
    }
    // 5. Headline-only names go.
    let mut out: Vec<ArticleEntity> = merged
        .into_iter()
        .filter(|g| g.mentions.iter().any(|m| m.body))
        .map(|g| {
            let mut forms = g.forms();
            forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let (variants, variant_counts) = forms.into_iter().unzip();
            ArticleEntity {
                name: g.display(),
                kind: g.kind().name().to_string(),
                count: g.mentions.len() as u32,
                variants,
                variant_counts,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out.truncate(max);
    out
}

/// 3. Short names → longer names of the same type (`groups` sorted by number of words).
///
/// When the article has one longer name the short one can stand for, every mention resolves to
/// it. When it has several ("Bill Clinton" and "Hillary Clinton" for "Clinton"), each mention
/// resolves to the one written in full most recently before it, and a mention before any of
/// them stays a name of its own: never a fixed or most frequent choice. Names the table
/// separates are never resolved to each other.
fn resolve_short_names(groups: &mut [Group], aliases: &AliasTable) {
    let keys: Vec<String> = groups.iter().map(|g| g.key.clone()).collect();
    let words: Vec<Vec<&str>> = keys.iter().map(|k| k.split(' ').collect()).collect();
    for i in 0..groups.len() {
        if groups[i].mentions.is_empty() || aliases.lookup_key(&keys[i]).is_some() {
            continue;
        }
        let kind = groups[i].kind();
        let caps = groups[i]
            .mentions
            .iter()
            .all(|m| !m.form.chars().any(char::is_lowercase));
        // Groups are sorted by word count: only later ones can be longer.
        // A surname the recognizer reads as a person makes the full name it ends a person's,
        // whatever type the recognizer gave the full name ("Nancy Pelosi" read as an
        // organization at the start of a sentence).
        let person_surname = |j: usize| {
            kind == EntityType::Person
                && groups[j].fixed_kind.is_none()
                && words[i].len() == 1
                && surname(&words[j]) == Some(words[i][0])
        };
        let targets: Vec<usize> = (i + 1..groups.len())
            .filter(|&j| words[j].len() > words[i].len() && !groups[j].mentions.is_empty())
            .filter(|&j| groups[j].kind() == kind || person_surname(j))
            .filter(|&j| names(&words[i], caps, &words[j], kind))
            .filter(|&j| !aliases.are_separated(&keys[i], &keys[j]))
            .collect();
        match targets.as_slice() {
            [] => {}
            [j] => {
                let moved = std::mem::take(&mut groups[i].mentions);
                groups[*j].mentions.extend(moved);
                if kind == EntityType::Person {
                    groups[*j].fixed_kind = Some(EntityType::Person);
                }
            }
            _ => {
                let full: Vec<(usize, usize)> = targets
                    .iter()
                    .flat_map(|&j| groups[j].full_positions().map(move |p| (p, j)))
                    .collect();
                let mentions = std::mem::take(&mut groups[i].mentions);
                for m in mentions {
                    let nearest = full
                        .iter()
                        .filter(|(p, _)| *p < m.pos)
                        .max_by_key(|(p, _)| *p)
                        .map(|&(_, j)| j);
                    match nearest {
                        Some(j) => {
                            groups[j].mentions.push(m);
                            if kind == EntityType::Person {
                                groups[j].fixed_kind = Some(EntityType::Person);
                            }
                        }
                        None => groups[i].mentions.push(m),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str, kind: EntityType) -> Mention {
        Mention {
            text: text.into(),
            kind,
            span: 0..0,
            headline: false,
        }
    }

    fn get<'a>(e: &'a [ArticleEntity], name: &str) -> &'a ArticleEntity {
        e.iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("{name} not in {e:?}"))
    }

    #[test]
    fn short_names_resolve_to_full_names_of_the_same_type() {
        use EntityType::*;
        let ms = [
            m("Abu Bakr al-Baghdadi", Person),
            m("Baghdadi", Person),
            m("al-Baghdadi", Person),
            m("Nouri Al-Maliki", Person),
            m("Maliki", Person),
            m("Maliki", Person),
            m("Syrian Democratic Forces", Org),
            m("SDF", Org),
            m("Saddam Hussein", Person),
            m("Saddam", Person),
            m("Hussein", Location), // another type: not merged
        ];
        let none = AliasTable::default();
        let e = from_mentions(&ms, &none, 64);
        assert_eq!(get(&e, "Abu Bakr al-Baghdadi").count, 3);
        assert_eq!(get(&e, "Nouri Al-Maliki").count, 3);
        assert_eq!(get(&e, "Syrian Democratic Forces").count, 2);
        assert_eq!(get(&e, "Saddam Hussein").count, 2);
        assert_eq!(get(&e, "Hussein").kind, "location");
        let b = get(&e, "Abu Bakr al-Baghdadi");
        assert_eq!(b.kind, "person");
        assert!(b.variants.contains(&"Baghdadi".to_string()));
        assert_eq!(e[0].count, 3, "most mentioned first");
    }

    #[test]
    fn a_listed_name_is_not_folded_into_a_longer_one() {
        use EntityType::*;
        let ms = [
            m("North Korea", Location),
            m("Korea", Location),
            m("West Virginia", Location),
            m("Virginia", Location),
            m("Conservative Twitter", Org),
            m("Twitter", Org),
            m("Washington Times", Org),
            m("Times", Org),
        ];
        let e = from_mentions(&ms, &AliasTable::default(), 64);
        for name in [
            "North Korea",
            "Korea",
            "West Virginia",
            "Virginia",
            "Twitter",
        ] {
            assert_eq!(get(&e, name).count, 1, "{name}: {e:?}");
        }
        assert_eq!(
            get(&e, "Washington Times").count,
            2,
            "not a name of its own"
        );
        assert!(!resolvable("korea", "north korea", Location));
        assert!(resolvable("times", "washington times", Org));
    }

    fn at(text: &str, kind: EntityType, pos: usize) -> Mention {
        Mention {
            span: pos..pos + text.len(),
            ..m(text, kind)
        }
    }

    #[test]
    fn a_short_name_goes_to_the_nearest_full_name_before_it() {
        use EntityType::Person;
        let ms = [
            at("Clinton", Person, 0), // before any full name: stays a name of its own
            at("Bill Clinton", Person, 10),
            at("Hillary Clinton", Person, 30),
            at("Clinton", Person, 50),
            at("Hillary", Person, 60),
            at("Bill Clinton", Person, 70),
            at("Clinton", Person, 90),
            at("Clinton", Person, 95),
        ];
        let e = from_mentions(&ms, &AliasTable::default(), 64);
        let got: Vec<(&str, u32, &[String], &[u32])> = e
            .iter()
            .map(|x| {
                (
                    x.name.as_str(),
                    x.count,
                    x.variants.as_slice(),
                    x.variant_counts.as_slice(),
                )
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            [
                (
                    "Bill Clinton",
                    4,
                    &s(&["Bill Clinton", "Clinton"])[..],
                    &[2, 2][..]
                ),
                (
                    "Hillary Clinton",
                    3,
                    &s(&["Clinton", "Hillary", "Hillary Clinton"])[..],
                    &[1, 1, 1][..]
                ),
                ("Clinton", 1, &s(&["Clinton"])[..], &[1][..]),
            ]
        );
    }

    #[test]
    fn full_names_are_never_folded_into_longer_ones() {
        use EntityType::Person;
        let ms = [
            at("Donald Trump Jr.", Person, 0),
            at("Donald Trump", Person, 20),
            at("Trump", Person, 40),
            at("Mitt Romney", Person, 50),
            at("Barack Obama Mitt Romney", Person, 70),
        ];
        let e = from_mentions(&ms, &AliasTable::default(), 64);
        let mut names: Vec<(&str, u32)> = e.iter().map(|x| (x.name.as_str(), x.count)).collect();
        names.sort();
        assert_eq!(
            names,
            [
                ("Barack Obama Mitt Romney", 1),
                ("Donald Trump", 2),
                ("Donald Trump Jr.", 1),
                ("Mitt Romney", 1)
            ]
        );
    }

    #[test]
    fn corrections_drop_names_and_keep_separated_ones_apart() {
        use EntityType::Person;
        let table = AliasTable::parse("!drop\tI'm\n!separate\tPelosi\tNancy Pelosi\n").unwrap();
        let ms = [
            at("Nancy Pelosi", Person, 0),
            at("Pelosi", Person, 20),
            at("I'm", Person, 30),
        ];
        let e = from_mentions(&ms, &table, 64);
        let mut names: Vec<(&str, u32)> = e.iter().map(|x| (x.name.as_str(), x.count)).collect();
        names.sort();
        assert_eq!(names, [("Nancy Pelosi", 1), ("Pelosi", 1)]);
    }

    #[test]
    fn a_full_name_designates_a_person_by_given_name_and_surname() {
        assert_eq!(
            person_core("house speaker nancy pelosi").as_deref(),
            Some("nancy pelosi")
        );
        assert_eq!(
            person_core("donald j trump").as_deref(),
            Some("donald trump")
        );
        assert_eq!(
            person_core("donald trump jr").as_deref(),
            Some("donald trump jr")
        );
        assert_eq!(person_core("mrs pelosi"), None);
        assert_eq!(person_core("anti trump"), None);
        // The recognizer's titles are no given names either.
        assert_eq!(person_core("candidate sanders"), None);
        assert_eq!(person_core("sen paul"), None);
        assert_eq!(person_core("j trump"), None);
        assert_eq!(person_core("pelosi"), None);
    }

    #[test]
    fn majority_type_and_case_variants() {
        use EntityType::*;
        let ms = [m("Raqqa", Location), m("RAQQA", Location), m("Raqqa", Org)];
        let e = from_mentions(&ms, &AliasTable::default(), 64);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].name, "Raqqa");
        assert_eq!(e[0].kind, "location");
        assert_eq!(e[0].count, 3);
    }

    #[test]
    fn alias_table_merges_variants_and_sets_the_type() {
        use EntityType::*;
        let ms = [
            m("ISIS", Org),
            m("ISIL", Misc),
            m("Islamic State", Misc),
            m("Daesh", Person),
        ];
        let e = from_mentions(&ms, AliasTable::builtin(), 64);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].name, "Islamic State");
        assert_eq!(e[0].kind, "org");
        assert_eq!(e[0].count, 4);
    }

    #[test]
    fn headline_only_names_are_dropped() {
        let mut h = m("Supplying", EntityType::Misc);
        h.headline = true;
        let mut r = m("Raqqa", EntityType::Location);
        r.headline = true;
        let ms = [h, r, m("Raqqa", EntityType::Location)];
        let e = from_mentions(&ms, &AliasTable::default(), 64);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].count, 2);
    }

    #[test]
    fn table_names_replace_split_mentions() {
        let text = "Hundreds of Islamic State fighters left Deir ez Zor.";
        let mut islamic = m("Islamic", EntityType::Misc);
        islamic.span = 12..19;
        let mut deir = m("Deir", EntityType::Person);
        deir.span = 40..44;
        let out = with_table_names(text, vec![islamic, deir], AliasTable::builtin());
        let got: Vec<(&str, EntityType)> = out.iter().map(|x| (x.text.as_str(), x.kind)).collect();
        assert_eq!(
            got,
            [
                ("Islamic State", EntityType::Org),
                ("Deir ez Zor", EntityType::Location)
            ]
        );
    }

    #[test]
    fn capitalized_common_words_are_not_names() {
        let text = "Again Twitter said.\nAGAIN. Again Raqqa. Then again, twitter is Twitter.";
        let low: HashSet<&str> = ["again", "twitter"].into_iter().collect();
        let at_with = |w: &str, n: usize, named: &HashSet<&str>| {
            let start = text.match_indices(w).nth(n).unwrap().0;
            let m = Mention {
                text: w.to_string(),
                kind: EntityType::Org,
                span: start..start + w.len(),
                headline: false,
            };
            capital_says_nothing(text, &m) && common_word(&m.text, &low, named)
        };
        let at = |w: &str, n: usize| at_with(w, n, &HashSet::new());
        assert!(at("Again", 0), "opening the text");
        assert!(
            !at("Twitter", 0) && !at("Twitter", 1),
            "mid-sentence: a name"
        );
        assert!(!at("AGAIN", 0), "acronyms stay");
        assert!(!at("Again Raqqa", 0), "several words");
        assert!(at("Again", 1), "opening a sentence");
        let named: HashSet<&str> = ["Again"].into_iter().collect();
        assert!(
            !at_with("Again", 1, &named),
            "also written with a capital mid-sentence"
        );
    }

    #[test]
    fn recognizes_and_resolves_in_raw_text() {
        let text = "ABU BAKR AL-BAGHDADI SPEAKS\n\nAbu Bakr al-Baghdadi spoke in Mosul on Friday. \
                    Later Baghdadi left Mosul for Raqqa.";
        let e = extract_entities(text, AliasTable::builtin(), 64);
        let b = get(&e, "Abu Bakr al-Baghdadi");
        assert!(b.count >= 2, "{e:?}");
        assert_eq!(get(&e, "Mosul").kind, "location");
    }

    #[test]
    fn a_lowercase_quote_does_not_hide_a_name() {
        // Every "Twitter" was dropped when the article also quoted someone writing "twitter".
        let text = "Twitter banned political ads on Wednesday. The decision by Twitter drew \
                    praise. \"Candidates know that twitter is important,\" one critic said. \
                    Investors in Twitter were calm.";
        let e = extract_entities(text, AliasTable::builtin(), 64);
        let t = get(&e, "Twitter");
        assert_eq!((t.kind.as_str(), t.count), ("org", 3), "{e:?}");
    }
}
