//! The named entities of an article: recognized mentions → typed, canonical, counted entities.
//!
//! 1. The trained recognizer ([`super::ner`]) finds the mentions.
//! 2. Mentions are grouped by [`canonical_key`]; a group's type is its mentions' majority type
//!    (so one stray tag does not split "Raqqa" into a place and an organization).
//! 3. Within the article, a short name resolves to a longer one of the same type that ends with
//!    it (or, for persons, starts with it), or whose initials it is: "Baghdadi" → "Abu Bakr
//!    al-Baghdadi", "Maliki" → "Nouri Al-Maliki", "SDF" → "Syrian Democratic Forces". When
//!    several longer names fit, the most mentioned wins.
//! 4. The alias table maps known variants to one canonical entity (and its type).
//!    Multi-word names of the table found in the text replace the recognizer's mentions they
//!    overlap ("Islamic" + "State" → "Islamic State").
//! 5. One-word names that the article also writes in lowercase are ordinary words capitalized
//!    at the start of a sentence ("Again"), and are dropped.
//! 6. Names found only in headline-like lines (ALL CAPS or Title Case) are dropped unless the
//!    body mentions them too: headline case defeats the recognizer's capitalization cues.

use super::aliases::{canonical_key, AliasTable};
use super::ner::{EntityType, Mention, Recognizer};
use crate::model::ArticleEntity;
use std::collections::{HashMap, HashSet};

/// A group of mentions that share a key.
#[derive(Debug, Clone)]
struct Group {
    key: String,
    count: u32,
    body: u32,
    votes: [u32; 4],
    forms: Vec<(String, u32)>,
    /// Type of the first mention (breaks ties of the vote).
    first: EntityType,
    /// Set by the alias table.
    canonical: Option<String>,
    fixed_kind: Option<EntityType>,
}

impl Group {
    fn kind(&self) -> EntityType {
        if let Some(k) = self.fixed_kind {
            return k;
        }
        let mut best = self.first.index();
        for i in 0..4 {
            if self.votes[i] > self.votes[best] {
                best = i;
            }
        }
        EntityType::ALL[best]
    }

    fn absorb(&mut self, other: Group) {
        self.count += other.count;
        self.body += other.body;
        for (v, o) in self.votes.iter_mut().zip(other.votes) {
            *v += o;
        }
        for (f, n) in other.forms {
            match self.forms.iter_mut().find(|(g, _)| *g == f) {
                Some((_, m)) => *m += n,
                None => self.forms.push((f, n)),
            }
        }
    }

    /// The name to show: the most frequent form whose key is the group's own (a name the
    /// article wrote in full), preferring one that is not ALL CAPS.
    fn display(&self) -> String {
        if let Some(c) = &self.canonical {
            return c.clone();
        }
        let full = |f: &str| canonical_key(f) == self.key;
        let caps = |f: &str| !f.chars().any(char::is_lowercase);
        self.forms
            .iter()
            .max_by_key(|(f, n)| {
                (
                    full(f),
                    !caps(f) || f.len() <= 5,
                    *n,
                    std::cmp::Reverse(f.len()),
                )
            })
            .map(|(f, _)| f.clone())
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

/// Does the short key (split into words `s`) name the long one (words `l`, same type)?
fn names(s: &[&str], short_form_caps: bool, l: &[&str], kind: EntityType) -> bool {
    if s.len() >= l.len() {
        return false;
    }
    if l.ends_with(s) || (kind == EntityType::Person && l.starts_with(s)) {
        return true;
    }
    // "al" inside the long name is folded for the suffix test: "baghdadi" ~ "abu bakr al baghdadi".
    let acronym = short_form_caps && s.len() == 1 && s[0].len() >= 2;
    acronym && kind != EntityType::Person && initials(&l.join(" ")) == s[0]
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
    let mentions: Vec<Mention> = r
        .recognize(text)
        .into_iter()
        .filter(|m| !common_word(&m.text, &lowercase))
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

/// A one-word mention that the article also writes in lowercase ("Again", "Relationship" at
/// the start of a sentence) is an ordinary word, not a name.
fn common_word(mention: &str, lowercase: &HashSet<&str>) -> bool {
    if mention.contains(' ') || !mention.chars().any(char::is_lowercase) {
        return false;
    }
    lowercase.contains(mention.to_lowercase().as_str())
}

/// Groups, resolves and counts recognized mentions (see the module doc).
pub fn from_mentions(mentions: &[Mention], aliases: &AliasTable, max: usize) -> Vec<ArticleEntity> {
    // 1–2. Group by key.
    let mut by_key: HashMap<String, Group> = HashMap::new();
    for m in mentions {
        let surface = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !surface.chars().any(char::is_alphabetic) {
            continue;
        }
        let key = canonical_key(&surface);
        if key.is_empty() {
            continue;
        }
        let g = by_key.entry(key.clone()).or_insert_with(|| Group {
            key,
            count: 0,
            body: 0,
            votes: [0; 4],
            forms: Vec::new(),
            first: m.kind,
            canonical: None,
            fixed_kind: None,
        });
        g.count += 1;
        g.body += u32::from(!m.headline);
        g.votes[m.kind.index()] += 1;
        match g.forms.iter_mut().find(|(f, _)| *f == surface) {
            Some((_, n)) => *n += 1,
            None => g.forms.push((surface, 1)),
        }
    }
    let mut groups: Vec<Group> = by_key.into_values().collect();
    groups.sort_by(|a, b| {
        let words = |g: &Group| g.key.split(' ').count();
        words(a).cmp(&words(b)).then_with(|| a.key.cmp(&b.key))
    });
    // 3. Short names → longer names of the same type (shortest first, so chains carry over).
    let mut alive = vec![true; groups.len()];
    let keys: Vec<String> = groups.iter().map(|g| g.key.clone()).collect();
    let words: Vec<Vec<&str>> = keys.iter().map(|k| k.split(' ').collect()).collect();
    for i in 0..groups.len() {
        if aliases.lookup_key(&groups[i].key).is_some() {
            continue;
        }
        let kind = groups[i].kind();
        let caps = groups[i]
            .forms
            .iter()
            .all(|(f, _)| !f.chars().any(char::is_lowercase));
        // Groups are sorted by word count: only later ones can be longer.
        let target = (i + 1..groups.len())
            .filter(|&j| alive[j] && words[j].len() > words[i].len())
            .filter(|&j| groups[j].kind() == kind)
            .filter(|&j| names(&words[i], caps, &words[j], kind))
            .max_by_key(|&j| (groups[j].count, std::cmp::Reverse(j)));
        if let Some(j) = target {
            let g = groups[i].clone();
            groups[j].absorb(g);
            alive[i] = false;
        }
    }
    // 4. The alias table: merge variants under their canonical name.
    let mut merged: Vec<Group> = Vec::new();
    let mut by_canonical: HashMap<String, usize> = HashMap::new();
    for (g, _) in groups.into_iter().zip(alive).filter(|(_, a)| *a) {
        let group = std::iter::once(g.key.clone())
            .chain(g.forms.iter().map(|(f, _)| canonical_key(f)))
            .find_map(|k| aliases.lookup_key(&k));
        let Some(a) = group else {
            merged.push(g);
            continue;
        };
        let ck = canonical_key(&a.canonical);
        match by_canonical.get(&ck) {
            Some(&i) => merged[i].absorb(g),
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
        .filter(|g| g.body > 0)
        .map(|g| {
            let mut forms = g.forms.clone();
            forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            ArticleEntity {
                name: g.display(),
                kind: g.kind().name().to_string(),
                count: g.count,
                variants: forms.into_iter().map(|(f, _)| f).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out.truncate(max);
    out
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
        let low: HashSet<&str> = ["again", "the"].into_iter().collect();
        assert!(common_word("Again", &low));
        assert!(!common_word("Raqqa", &low));
        assert!(!common_word("AGAIN", &low), "acronyms stay");
        assert!(!common_word("Again Raqqa", &low));
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
}
