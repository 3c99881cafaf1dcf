//! The alias table: known variants of an entity's name mapped to one canonical entity.
//!
//! A plain, user-editable, TAB-separated file (the default one ships as `data/aliases.tsv` and
//! documents the format in its header): `canonical name`, `type` (or `-`), then variants.
//! Names are compared by [`canonical_key`]. The table is applied at ingest (variants are counted
//! under the canonical name) and at search time ([`AliasTable::expand`]: a name matches every
//! variant of its line), so editing the table changes searches without re-indexing.
//!
//! Two directives correct the recognizer and the resolution, at query time like the merges:
//! `!drop<TAB>name<TAB>name…` declares names that are not entities (they are left out of every
//! count, lookup and filter), and `!separate<TAB>name<TAB>other…` declares the first name a
//! different entity from each of the others (a short form is then never resolved to the other
//! name, in an article or across the archive, and a merge of the table between them is undone).
//!
//! Which table applies ([`AliasTable::for_index`]): the file given with `--aliases`, else
//! `aliases.tsv` in the index folder (written there from the default when the index is
//! created), else the built-in default.

use super::ner::EntityType;
use std::collections::HashMap;
use std::path::Path;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The default table, shipped with morgue.
pub const DEFAULT_TABLE: &str = include_str!("../../data/aliases.tsv");

/// File name of the table in an index folder.
pub const FILE_NAME: &str = "aliases.tsv";

/// The key under which names meet: accents removed, lowercase, hyphens, slashes and underscores
/// as spaces, dots and apostrophes dropped, spaces collapsed, and a leading `al-`/`el-` (or a
/// lowercase `al `) dropped when something follows: "Al-Baghdadi", "al Baghdadi" and
/// "BAGHDADI" all give `baghdadi`, "U.S." gives `us`.
pub fn canonical_key(name: &str) -> String {
    let trimmed = name.trim();
    let article = ["al-", "Al-", "AL-", "el-", "El-", "EL-", "al ", "el "]
        .iter()
        .any(|p| trimmed.starts_with(p));
    let mut out = String::with_capacity(trimmed.len());
    // ASCII is its own decomposition, without combining marks: most names skip the tables.
    let chars: Box<dyn Iterator<Item = char>> = if trimmed.is_ascii() {
        Box::new(trimmed.chars())
    } else {
        Box::new(trimmed.nfd().filter(|&c| !is_combining_mark(c)))
    };
    for c in chars {
        match c {
            '.' | '\'' | '’' | '‘' | '`' | '"' | ',' => {}
            '-' | '‐' | '–' | '—' | '_' | '/' | '|' | '=' | '~' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
    }
    let mut words: Vec<&str> = out.split_whitespace().collect();
    if article && words.len() > 1 && matches!(words[0], "al" | "el") {
        words.remove(0);
    }
    words.join(" ")
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasGroup {
    /// The name variants are shown and counted under.
    pub canonical: String,
    /// The type the entity gets, when the table says.
    pub kind: Option<EntityType>,
    /// The other names (as written in the table).
    pub variants: Vec<String>,
}

/// A line of the table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct AliasError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// An alias table.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    groups: Vec<AliasGroup>,
    by_key: HashMap<String, usize>,
    /// Keys of names declared not to be entities (`!drop`).
    dropped: std::collections::HashSet<String>,
    /// Pairs of keys declared to be different entities (`!separate`), both orders.
    separated: std::collections::HashSet<(String, String)>,
    /// Finds multi-word names of the table in text (built on first use).
    matcher: std::sync::Arc<std::sync::OnceLock<Matcher>>,
}

impl PartialEq for AliasTable {
    fn eq(&self, other: &Self) -> bool {
        self.groups == other.groups
            && self.dropped == other.dropped
            && self.separated == other.separated
    }
}

impl Eq for AliasTable {}

/// The multi-word names of a table and their groups.
#[derive(Debug)]
struct Matcher {
    ac: Option<aho_corasick::AhoCorasick>,
    group_of: Vec<usize>,
}

/// A name of the table found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableMatch {
    /// Byte range in the text.
    pub span: std::ops::Range<usize>,
    /// The group it names.
    pub group: AliasGroup,
}

impl AliasTable {
    /// Parses a table (see the module doc for the format).
    pub fn parse(text: &str) -> Result<AliasTable, AliasError> {
        let mut t = AliasTable::default();
        let mut directed: Vec<(String, String)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let err = |message: String| AliasError {
                line: n + 1,
                message,
            };
            if !line.contains('\t') {
                return Err(err(
                    "no TAB: fields (name, type, variants) are separated by TABs".into(),
                ));
            }
            let mut cols = line.split('\t').map(str::trim);
            let canonical = cols.next().unwrap_or_default().to_string();
            if let Some(directive) = canonical.strip_prefix('!') {
                let names: Vec<String> =
                    cols.map(canonical_key).filter(|k| !k.is_empty()).collect();
                match directive {
                    "drop" if !names.is_empty() => t.dropped.extend(names),
                    "separate" if names.len() >= 2 => {
                        for other in &names[1..] {
                            directed.push((names[0].clone(), other.clone()));
                            t.separated.insert((names[0].clone(), other.clone()));
                            t.separated.insert((other.clone(), names[0].clone()));
                        }
                    }
                    "drop" | "separate" => {
                        return Err(err(format!(
                            "!{directive} needs {} name(s) after it, separated by TABs",
                            if directive == "drop" {
                                "one or more"
                            } else {
                                "two or more"
                            }
                        )))
                    }
                    _ => {
                        return Err(err(format!(
                            "unknown directive '!{directive}' (!drop or !separate)"
                        )))
                    }
                }
                continue;
            }
            if canonical_key(&canonical).is_empty() {
                return Err(err("the canonical name is empty".into()));
            }
            let kind = match cols.next().unwrap_or("-") {
                "-" | "" => None,
                k => Some(EntityType::parse(k).ok_or_else(|| {
                    err(format!(
                        "unknown type '{k}' (person, org, location, misc or -); fields are separated by TABs"
                    ))
                })?),
            };
            let variants: Vec<String> = cols
                .filter(|v| !canonical_key(v).is_empty())
                .map(str::to_string)
                .collect();
            let i = t.groups.len();
            for name in std::iter::once(&canonical).chain(&variants) {
                t.by_key.entry(canonical_key(name)).or_insert(i);
            }
            t.groups.push(AliasGroup {
                canonical,
                kind,
                variants,
            });
        }
        // A separation wins over a merge of the table: the first name of the directive leaves
        // the line it shares with the other (the other does, when the first is the line's
        // canonical name).
        for (a, b) in std::mem::take(&mut directed) {
            let (Some(&ga), Some(&gb)) = (t.by_key.get(&a), t.by_key.get(&b)) else {
                continue;
            };
            if ga != gb {
                continue;
            }
            let leaving = if canonical_key(&t.groups[ga].canonical) == a {
                b
            } else {
                a
            };
            t.by_key.remove(&leaving);
            t.groups[ga]
                .variants
                .retain(|v| canonical_key(v) != leaving);
        }
        Ok(t)
    }

    /// The table as one text that two tables share only when they are equal (`==`): what a
    /// cache derived under a table is keyed by.
    pub fn fingerprint(&self) -> String {
        let mut dropped: Vec<&String> = self.dropped.iter().collect();
        dropped.sort();
        let mut separated: Vec<&(String, String)> = self.separated.iter().collect();
        separated.sort();
        format!("{:?}\n{dropped:?}\n{separated:?}", self.groups)
    }

    /// True when the table declares the name of this key not to be an entity (`!drop`).
    pub fn is_dropped(&self, key: &str) -> bool {
        self.dropped.contains(key)
    }

    /// True when the table declares the names of these two keys different entities
    /// (`!separate`).
    pub fn are_separated(&self, a: &str, b: &str) -> bool {
        !self.separated.is_empty() && self.separated.contains(&(a.to_string(), b.to_string()))
    }

    /// True when the table puts the names of these two keys on one line.
    pub fn same_group(&self, a: &str, b: &str) -> bool {
        matches!((self.by_key.get(a), self.by_key.get(b)), (Some(x), Some(y)) if x == y)
    }

    /// The built-in default table.
    pub fn builtin() -> &'static AliasTable {
        static CELL: std::sync::OnceLock<AliasTable> = std::sync::OnceLock::new();
        CELL.get_or_init(|| AliasTable::parse(DEFAULT_TABLE).unwrap_or_default())
    }

    /// Reads a table file.
    pub fn load(path: &Path) -> crate::Result<AliasTable> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
        AliasTable::parse(&text).map_err(|e| crate::Error::BadOption {
            option: "--aliases".into(),
            message: format!("{}: {e}", path.display()),
        })
    }

    /// The table that applies to the index in `dir`: `explicit` (from `--aliases`), else the
    /// index folder's `aliases.tsv`, else the built-in one.
    pub fn for_index(dir: &Path, explicit: Option<&Path>) -> crate::Result<AliasTable> {
        if let Some(p) = explicit {
            return AliasTable::load(p);
        }
        let own = dir.join(FILE_NAME);
        if own.is_file() {
            return AliasTable::load(&own);
        }
        Ok(AliasTable::builtin().clone())
    }

    /// The group a name belongs to.
    pub fn lookup(&self, name: &str) -> Option<&AliasGroup> {
        self.lookup_key(&canonical_key(name))
    }

    /// The group of a canonical key.
    pub fn lookup_key(&self, key: &str) -> Option<&AliasGroup> {
        self.by_key.get(key).and_then(|&i| self.groups.get(i))
    }

    /// Every canonical key a search for `name` should match: its own, and those of the
    /// canonical name and every variant of its group.
    pub fn expand(&self, name: &str) -> Vec<String> {
        let key = canonical_key(name);
        let mut out = vec![key.clone()];
        if let Some(g) = self.lookup_key(&key) {
            for n in std::iter::once(&g.canonical).chain(&g.variants) {
                let k = canonical_key(n);
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
        out
    }

    /// Occurrences in `text` of the table's multi-word names (as written in the table, on word
    /// boundaries, longest first), e.g. "Islamic State" or "Deir ez Zor": the recognizer
    /// sometimes splits such names, and the table knows better.
    pub fn find_names(&self, text: &str) -> Vec<TableMatch> {
        let m = self.matcher.get_or_init(|| {
            let mut pats = Vec::new();
            let mut group_of = Vec::new();
            for (i, g) in self.groups.iter().enumerate() {
                for n in std::iter::once(&g.canonical).chain(&g.variants) {
                    if n.contains(' ') {
                        pats.push(n.clone());
                        group_of.push(i);
                    }
                }
            }
            let ac = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&pats)
                .ok();
            Matcher { ac, group_of }
        });
        let Some(ac) = &m.ac else {
            return Vec::new();
        };
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
        ac.find_iter(text)
            .filter(|x| {
                !word(text[..x.start()].chars().next_back())
                    && !word(text[x.end()..].chars().next())
            })
            .filter_map(|x| {
                let g = self.groups.get(*m.group_of.get(x.pattern().as_usize())?)?;
                Some(TableMatch {
                    span: x.start()..x.end(),
                    group: g.clone(),
                })
            })
            .collect()
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_accents_hyphens_and_al() {
        assert_eq!(
            canonical_key("Abu Bakr al-Baghdadi"),
            "abu bakr al baghdadi"
        );
        assert_eq!(canonical_key("Al-Baghdadi"), "baghdadi");
        assert_eq!(canonical_key("al Baghdadi"), "baghdadi");
        assert_eq!(canonical_key("BAGHDADI"), "baghdadi");
        assert_eq!(
            canonical_key("Nouri Al-Maliki"),
            canonical_key("Nouri al Maliki")
        );
        assert_eq!(canonical_key("U.S."), "us");
        assert_eq!(canonical_key("Deir ez-Zor"), canonical_key("Deir Ez Zor"));
        assert_eq!(canonical_key("Qasem Soleimānī"), "qasem soleimani");
        assert_eq!(
            canonical_key("Al Gore"),
            "al gore",
            "a capitalized 'Al ' is a name"
        );
        assert_eq!(canonical_key("al-"), "al");
    }

    #[test]
    fn the_default_table_parses_and_expands() {
        let t = AliasTable::parse(DEFAULT_TABLE).unwrap();
        assert!(t.len() > 10);
        let g = t.lookup("ISIL").unwrap();
        assert_eq!(g.canonical, "Islamic State");
        assert_eq!(g.kind, Some(EntityType::Org));
        let keys = t.expand("Daesh");
        for k in ["daesh", "isis", "isil", "islamic state"] {
            assert!(keys.contains(&k.to_string()), "{k} not in {keys:?}");
        }
        assert_eq!(t.expand("Nobody Known"), ["nobody known"]);
        let text = "Fighters of the Islamic State fled Deir ez Zor; the Islamic States did not.";
        let found: Vec<&str> = t
            .find_names(text)
            .iter()
            .map(|m| &text[m.span.clone()])
            .collect();
        assert_eq!(found, ["Islamic State", "Deir ez Zor"]);
        assert_eq!(
            t.lookup("Deir Ezzor").map(|g| g.canonical.as_str()),
            Some("Deir ez-Zor")
        );
    }

    #[test]
    fn bad_lines_are_reported() {
        let e = AliasTable::parse("# ok\nISIS  org  ISIL\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = AliasTable::parse("Foo\tplanet\tBar\n").unwrap_err();
        assert!(e.message.contains("planet"));
        let t = AliasTable::parse("Foo\t-\tBar\n\n").unwrap();
        assert_eq!(t.lookup("bar").map(|g| g.kind), Some(None));
        let e = AliasTable::parse("!separate\tPaul\n").unwrap_err();
        assert!(e.message.contains("two or more"), "{e}");
        let e = AliasTable::parse("!merge\tA\tB\n").unwrap_err();
        assert!(e.message.contains("unknown directive"), "{e}");
    }

    #[test]
    fn directives_drop_and_separate_names() {
        let t = AliasTable::parse(
            "United States\tlocation\tUS\tU.S.\tUSA\n!drop\tI'm\tLLC\n!separate\tUS\tUnited States\tUSA\n",
        )
        .unwrap();
        assert!(t.is_dropped("im") && t.is_dropped("llc") && !t.is_dropped("us"));
        assert!(t.are_separated("us", "united states") && t.are_separated("united states", "us"));
        assert!(t.are_separated("usa", "us") && !t.are_separated("usa", "united states"));
        assert!(t.lookup("US").is_none(), "the separation undoes the merge");
        assert!(t.lookup("U.S.").is_none(), "the same key as US");
        assert!(t.lookup("USA").is_some());
        assert_eq!(t.expand("United States"), ["united states", "usa"]);
    }
}
