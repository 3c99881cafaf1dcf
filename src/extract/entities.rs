//! A simple first named-entity extractor based on capitalization.
//!
//! This is a stop-gap until a trained recognizer replaces it. It finds:
//!
//! * runs of two or more capitalized tokens ("Der Spiegel", "Saddam Hussein",
//!   "Los Angeles Times"), with inner connectors ("Department of Defense",
//!   "Council on Foreign Relations", "Deir ez Zor", "Abu Bakr al-Baghdadi");
//! * ALL-CAPS acronyms of 2–6 letters ("ISIS", "NATO", "U.S."), anywhere;
//! * single capitalized words ("Baghdadi", "Iraq") that are not stop-listed;
//!   at the start of a sentence only when the same word also appears
//!   capitalized mid-sentence somewhere in the text.
//!
//! Leading stop words and titles are stripped ("The Islamic State" →
//! "Islamic State", "Senator Rand Paul" → "Rand Paul"), possessives are
//! dropped ("Saddam's" → "Saddam"), and Title Case or ALL-CAPS headline lines
//! are skipped entirely.
//!
//! The text is scanned once, token by token, without regular expressions;
//! a second, cheap pass over the candidate mentions decides the
//! sentence-initial single words.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

/// A set of words.
type WordSet<'a> = HashSet<&'a str>;

/// A named-entity mention found by the capitalization heuristic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Surface form as in the text, e.g. "Abu Bakr al-Baghdadi".
    pub text: String,
    /// Byte range in the input.
    pub span: Range<usize>,
}

/// All mentions in text order.
pub fn find_mentions(text: &str) -> Vec<Mention> {
    let mut builder = Builder::new(text);
    for tok in Scanner::new(text) {
        builder.push(tok);
    }
    builder.flush();
    let Builder { cands, mid, .. } = builder;
    cands
        .into_iter()
        .filter(|c| {
            if !c.single {
                return true;
            }
            let word = &text[c.span.clone()];
            if c.acronym {
                return !stop_acronyms().contains(word);
            }
            !stop_words().contains(word) && (!c.initial || seen_mid(&mid, word))
        })
        .map(|c| Mention {
            text: text[c.span.clone()].to_string(),
            span: c.span,
        })
        .collect()
}

/// Was `word` seen capitalized mid-sentence? A sentence-initial "Al-Qaeda"
/// is also confirmed by a mid-sentence "al-Qaeda".
fn seen_mid(mid: &WordSet<'_>, word: &str) -> bool {
    if mid.contains(word) {
        return true;
    }
    match word.split_once('-') {
        Some((prefix, rest)) if prefix.len() <= 3 => {
            let lowered = format!("{}-{rest}", prefix.to_lowercase());
            ARTICLE_PREFIXES.contains(&lowered.split('-').next().unwrap_or(""))
                && mid.contains(lowered.as_str())
        }
        _ => false,
    }
}

/// Distinct entity names of an article with their mention counts, most
/// frequent first, ties by name; at most `max` names.
///
/// Mentions that differ only in case, dots, hyphens or spacing ("al-Qaeda" /
/// "Al Qaeda", "U.S." / "US") are counted together under their most frequent
/// surface form (the earliest one on ties), with whitespace collapsed.
pub fn extract_entities(text: &str, max: usize) -> Vec<(String, u32)> {
    if max == 0 {
        return Vec::new();
    }
    struct Group<'t> {
        total: u32,
        forms: Vec<(&'t str, u32)>,
    }
    let mentions = find_mentions(text);
    let mut groups: HashMap<String, Group<'_>> = HashMap::new();
    for m in &mentions {
        let surface = &text[m.span.clone()];
        let group = groups.entry(entity_key(surface)).or_insert_with(|| Group {
            total: 0,
            forms: Vec::new(),
        });
        group.total += 1;
        match group.forms.iter_mut().find(|(f, _)| *f == surface) {
            Some((_, n)) => *n += 1,
            None => group.forms.push((surface, 1)),
        }
    }
    let mut out: Vec<(String, u32)> = groups
        .into_values()
        .map(|g| {
            // Most frequent form; `forms` is in first-seen order, and
            // `max_by_key` keeps the last maximum, so iterate reversed.
            let form = g
                .forms
                .iter()
                .rev()
                .max_by_key(|(_, n)| *n)
                .map_or("", |(f, _)| *f);
            (
                form.split_whitespace().collect::<Vec<_>>().join(" "),
                g.total,
            )
        })
        .collect();
    out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(max);
    out
}

/// Grouping key: lowercase, dots dropped, hyphens as spaces, whitespace
/// collapsed.
fn entity_key(surface: &str) -> String {
    let mut key = String::with_capacity(surface.len());
    let mut space = false;
    for c in surface.chars() {
        match c {
            '.' => {}
            '-' => space = true,
            c if c.is_whitespace() => space = true,
            c => {
                if space && !key.is_empty() {
                    key.push(' ');
                }
                space = false;
                key.extend(c.to_lowercase());
            }
        }
    }
    key
}

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

/// Capitalized sentence starters, determiners, pronouns and auxiliaries:
/// never an entity on their own, stripped from the front of a run
/// ("The Islamic State" → "Islamic State", "One of Iraq" → "Iraq"), and
/// never followed by a connector ("October of ISIS" is two mentions).
const SENTENCE_STOPS: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "Of",
    "To",
    "With",
    "Without",
    "Within",
    "Into",
    "Onto",
    "Upon",
    "Under",
    "Over",
    "Through",
    "Against",
    "Among",
    "Between",
    "Beyond",
    "Across",
    "Around",
    "About",
    "Above",
    "Below",
    "After",
    "Before",
    "During",
    "Despite",
    "Since",
    "Until",
    "Unless",
    "Because",
    "Like",
    "Unlike",
    "Following",
    "Given",
    "But",
    "And",
    "Or",
    "Nor",
    "So",
    "Yet",
    "Though",
    "Although",
    "While",
    "Whilst",
    "When",
    "Whenever",
    "Where",
    "Wherever",
    "If",
    "Then",
    "Than",
    "Thus",
    "Hence",
    "Therefore",
    "Moreover",
    "Furthermore",
    "Besides",
    "Otherwise",
    "Instead",
    "Meanwhile",
    "However",
    "Indeed",
    "Still",
    "Also",
    "Just",
    "Only",
    "Even",
    "Ever",
    "Never",
    "Always",
    "Often",
    "Sometimes",
    "Again",
    "Too",
    "Very",
    "Really",
    "Well",
    "Perhaps",
    "Maybe",
    "Clearly",
    "Surely",
    "Apparently",
    "Sadly",
    "Unfortunately",
    "Fortunately",
    "Interestingly",
    "Ironically",
    "Obviously",
    "Finally",
    "Equally",
    "Similarly",
    "Likewise",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Now",
    "Here",
    "There",
    "Recently",
    "Later",
    "Earlier",
    "Once",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "It's",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "Me",
    "Us",
    "Him",
    "Them",
    "My",
    "Our",
    "Their",
    "His",
    "Her",
    "Your",
    "What",
    "Why",
    "How",
    "Who",
    "Whom",
    "Whose",
    "Which",
    "Whatever",
    "Whoever",
    "Whether",
    "Do",
    "Does",
    "Did",
    "Don't",
    "Is",
    "Are",
    "Was",
    "Were",
    "Be",
    "Been",
    "Being",
    "Has",
    "Have",
    "Had",
    "Can",
    "Could",
    "Will",
    "Would",
    "Shall",
    "Should",
    "Might",
    "Must",
    "Isn't",
    "Let",
    "Please",
    "Yes",
    "No",
    "Not",
    "Oh",
    "Previous",
    "According",
    "More",
    "Less",
    "Much",
    "Nobody",
    "None",
    "Nothing",
    "Everyone",
    "Everybody",
    "Everything",
    "Someone",
    "Somebody",
    "Something",
    "Anyone",
    "Anything",
    "Next",
    "Last",
    "First",
    "Second",
    "Third",
    "Another",
    "Other",
    "Others",
    "Various",
    "Several",
    "Some",
    "Many",
    "Most",
    "Few",
    "All",
    "Any",
    "Both",
    "Each",
    "Every",
    "Either",
    "Neither",
    "Such",
    "Same",
    "One",
    "Two",
    "Three",
    "Former",
    "Video",
    "Watch",
    "Read",
    "See",
    "Note",
    "Click",
    "Share",
    "Follow",
    "Update",
    "Related",
    "Source",
    "Sources",
    "Photo",
    "Image",
];

/// Months and weekdays: never an entity on their own, stripped from the
/// front of a run, but allowed inside one ("Theresa May").
const CALENDAR_WORDS: &[&str] = &[
    "January",
    "May",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Titles: never an entity on their own, stripped in front of a name
/// ("Senator Rand Paul" → "Rand Paul") but kept before a connector
/// ("Secretary of State").
const TITLES: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Dr",
    "Prof",
    "Professor",
    "President",
    "Vice",
    "Senator",
    "Sen",
    "Rep",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Governor",
    "Gov",
    "Col",
    "Colonel",
    "Co",
    "Gen",
    "Lt",
    "Lieutenant",
    "Sgt",
    "Sergeant",
    "Capt",
    "Captain",
    "Maj",
    "Adm",
    "Admiral",
    "Cmdr",
    "Commander",
    "Brig",
    "Rev",
    "Reverend",
    "Imam",
    "Sheikh",
    "Shaikh",
    "Ayatollah",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Crown",
    "Pope",
    "Judge",
    "Chancellor",
    "Prime",
    "Minister",
    "Secretary",
    "Ambassador",
    "Chairman",
    "Mayor",
    "Jr",
    "Sr",
];

/// Stop words that cannot sit inside a name: a run is split before them
/// ("U.S. Has A Special Relationship With ISIS" → "U.S.", "Special
/// Relationship", "ISIS"). Each one is also in [`SENTENCE_STOPS`].
const MID_BREAKERS: &[&str] = &[
    "The", "A", "An", "And", "Or", "But", "So", "Yet", "If", "Than", "Then", "When", "While",
    "Where", "What", "Why", "How", "Who", "Which", "Whose", "This", "That", "These", "Those", "It",
    "Its", "He", "She", "They", "We", "I", "You", "Me", "Us", "Him", "Them", "My", "Our", "Their",
    "His", "Her", "Your", "Is", "Are", "Was", "Were", "Be", "Been", "Being", "Has", "Have", "Had",
    "Do", "Does", "Did", "Can", "Could", "Will", "Would", "Shall", "Should", "Might", "Must",
    "Not", "With", "To", "From", "At", "By", "In", "Into", "Also", "Just", "Only", "Even", "Now",
];

/// ALL-CAPS words that are not entities: shouted function words and common
/// non-entity abbreviations.
const STOP_ACRONYMS: &[&str] = &[
    "AN", "AND", "ARE", "AS", "AT", "BE", "BUT", "BY", "DO", "FOR", "FROM", "GO", "HE", "HAS",
    "HAVE", "HIS", "HER", "HOW", "IF", "IN", "IT", "ITS", "ME", "MY", "NO", "NOT", "NOW", "OF",
    "ON", "OR", "OUR", "OUT", "SO", "THE", "THIS", "THAT", "THEY", "TO", "UP", "WAS", "WE", "WHAT",
    "WHY", "WILL", "WITH", "YOU", "ALL", "NEW", "CAN", "JUST", "ONLY", "MORE", "ALSO", "YES",
    "SEE", "READ", "NOTE", "LIVE", "NEWS", "VIDEO", "WATCH", "OK", "AM", "PM", "TV", "PS", "FYI",
    "ASAP", "ID", "IQ", "DIY", "FAQ", "LOL", "OMG", "RIP", "PDF", "URL", "HTML", "HTTP", "HTTPS",
    "WWW", "CEO", "CFO", "PR", "AD", "BC", "BCE", "CE", "UTC", "GMT", "NB", "ETC", "AKA", "VIP",
    "PC", "DVD", "CD", "HD", "HDTV", "GDP", "MP", "SMS", "GPS", "LCD", "USB", "CPU", "DJ", "VAT",
    "PIN", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII",
];

/// Nouns after which "on" / "for" may continue a name ("Council on Foreign
/// Relations", "Center for Strategic Studies").
const INSTITUTION_NOUNS: &[&str] = &[
    "Council",
    "Committee",
    "Commission",
    "Center",
    "Centre",
    "Institute",
    "Institution",
    "Foundation",
    "Society",
    "Alliance",
    "Association",
    "Coalition",
    "Campaign",
    "Fund",
    "Office",
    "Project",
    "Network",
    "Agency",
    "Conference",
    "Union",
    "Movement",
    "Organization",
    "Organisation",
    "Bureau",
    "Department",
    "Ministry",
    "Forum",
    "Group",
    "Board",
    "Panel",
    "Court",
    "Party",
    "Federation",
    "League",
    "Front",
    "Program",
    "Programme",
    "Initiative",
    "Service",
    "Services",
    "Secretary",
    "Minister",
    "Tribunal",
    "Mission",
    "Authority",
    "Trust",
    "Congress",
    "Assembly",
    "Caucus",
    "Partnership",
    "Consortium",
    "Academy",
    "School",
    "College",
    "University",
    "Museum",
    "Bank",
    "Watch",
    "Corps",
    "Citizens",
    "Journalists",
    "Physicians",
    "Doctors",
    "Lawyers",
    "Veterans",
    "Friends",
    "Americans",
];

/// Lowercase particles allowed inside a name when another capitalized token
/// follows ("Deir ez Zor", "Salah al Din", "Ludwig van Beethoven").
const PARTICLES: &[&str] = &[
    "de", "del", "della", "da", "das", "dos", "du", "di", "van", "von", "der", "den", "ter", "la",
    "le", "bin", "bint", "ibn", "ben", "al", "el", "ez", "az", "as", "ad", "ud", "ul", "y",
];

/// Lowercase Arabic article prefixes that make a token capitalized when a
/// capital follows the hyphen ("al-Baghdadi", "el-Sisi", "ash-Sham").
const ARTICLE_PREFIXES: &[&str] = &[
    "al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ez", "ud", "ul",
];

/// Titles and abbreviations whose following dot does not end a sentence.
const DOT_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Co", "Col", "Gen", "Lt", "Sgt", "Capt", "Maj", "Gov", "Sen",
    "Rep", "Rev", "Prof", "Jr", "Sr", "Mt", "Ft", "Adm", "Cmdr", "Brig", "Inc", "Ltd", "Corp",
    "No", "vs", "Messrs",
];

fn set(words: &'static [&'static str]) -> WordSet<'static> {
    words.iter().copied().collect()
}

/// Union of [`SENTENCE_STOPS`], [`CALENDAR_WORDS`] and [`TITLES`].
fn stop_words() -> &'static WordSet<'static> {
    static SET: OnceLock<WordSet<'static>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut all = set(SENTENCE_STOPS);
        all.extend(CALENDAR_WORDS.iter().copied());
        all.extend(TITLES.iter().copied());
        all
    })
}

fn titles() -> &'static WordSet<'static> {
    static SET: OnceLock<WordSet<'static>> = OnceLock::new();
    SET.get_or_init(|| set(TITLES))
}

fn sentence_stops() -> &'static WordSet<'static> {
    static SET: OnceLock<WordSet<'static>> = OnceLock::new();
    SET.get_or_init(|| set(SENTENCE_STOPS))
}

fn mid_breakers() -> &'static WordSet<'static> {
    static SET: OnceLock<WordSet<'static>> = OnceLock::new();
    SET.get_or_init(|| set(MID_BREAKERS))
}

fn stop_acronyms() -> &'static WordSet<'static> {
    static SET: OnceLock<WordSet<'static>> = OnceLock::new();
    SET.get_or_init(|| set(STOP_ACRONYMS))
}

fn is_stop(word: &str) -> bool {
    stop_words().contains(word) || stop_acronyms().contains(word)
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

/// What a token can contribute to a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Capitalized word ("Baghdad", "al-Baghdadi", "M16", "F.").
    Cap,
    /// ALL-CAPS word of 2–6 letters ("ISIS", "U.S.").
    Acronym,
    /// Lowercase connector: "of", "on", "for", "the" or a name particle.
    Connector,
    /// Anything else; breaks a run.
    Other,
}

/// One token of the scan.
#[derive(Debug, Clone, Copy)]
struct Tok {
    /// Byte range of the token's usable text (possessive and hyphenated
    /// lowercase tail removed).
    start: usize,
    end: usize,
    kind: Kind,
    /// Starts a sentence (after ". ", ":", a quote, a line break, …).
    initial: bool,
    /// Separated from the previous token by spaces only.
    joined: bool,
    /// Nothing may follow it in a run (possessive, "Kurdish-led").
    ends_run: bool,
}

/// Single-pass tokenizer over the text.
struct Scanner<'t> {
    text: &'t str,
    pos: usize,
    /// The next token starts a sentence even without a gap (start of text).
    carry_boundary: bool,
    /// The current line is a headline and produces no tokens.
    headline: bool,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Scanner {
            text,
            pos: 0,
            carry_boundary: true,
            headline: is_headline(line_at(text, 0)),
        }
    }

    /// The char at byte `i`, if any.
    fn char_at(&self, i: usize) -> Option<char> {
        match self.text.as_bytes().get(i) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.text.get(i..).and_then(|s| s.chars().next()),
            None => None,
        }
    }

    /// Skips to the next whitespace (rest of a URL, handle or e-mail).
    fn skip_to_whitespace(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.find(char::is_whitespace).unwrap_or(rest.len());
    }
}

impl Iterator for Scanner<'_> {
    type Item = Tok;

    fn next(&mut self) -> Option<Tok> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut boundary = std::mem::take(&mut self.carry_boundary);
        let mut broken = boundary;

        // Gap up to the next alphanumeric char.
        let start = loop {
            let c = self.char_at(self.pos)?;
            if c.is_alphanumeric() {
                break self.pos;
            }
            match c {
                '\n' => {
                    boundary = true;
                    broken = true;
                    self.headline = is_headline(line_at(text, self.pos + 1));
                }
                c if c.is_whitespace() => {}
                '.' | '!' | '?' | ':' | '"' | '\'' | '“' | '”' | '‘' | '’' | '•' => {
                    boundary = true;
                    broken = true;
                }
                _ => broken = true,
            }
            self.pos += c.len_utf8();
        };

        // Token: alphanumerics, with inner - ' ’ . between alphanumerics.
        let mut end = start;
        while let Some(c) = self.char_at(end) {
            let inner_joiner = matches!(c, '-' | '\'' | '’' | '.')
                && self
                    .char_at(end + c.len_utf8())
                    .is_some_and(char::is_alphanumeric);
            if !(c.is_alphanumeric() || inner_joiner) {
                break;
            }
            end += c.len_utf8();
        }
        self.pos = end;

        let mut tok = Tok {
            start,
            end,
            kind: Kind::Other,
            initial: boundary,
            joined: !broken,
            ends_run: false,
        };
        if self.headline {
            return Some(tok);
        }

        // URLs, handles, hashtags, e-mail addresses.
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        if matches!(before, Some(b'@' | b'#'))
            || after == Some(b'@')
            || text[end..].starts_with("://")
        {
            self.skip_to_whitespace();
            return Some(tok);
        }

        // Possessive: "Saddam's" → "Saddam".
        let word = &text[start..end];
        for suffix in ["'s", "’s"] {
            if word.len() > suffix.len() && word.ends_with(suffix) {
                tok.end -= suffix.len();
                tok.ends_run = true;
                break;
            }
        }

        // Hyphenated lowercase tail: "Kurdish-led" → "Kurdish".
        let word = &text[tok.start..tok.end];
        if word.contains('-') {
            let mut offset = 0;
            for (i, seg) in word.split('-').enumerate() {
                let lower_start = seg.starts_with(|c: char| !c.is_uppercase());
                let article = i == 0 && ARTICLE_PREFIXES.contains(&seg);
                if lower_start && !article {
                    if i > 0 {
                        tok.end = tok.start + offset - 1;
                        tok.ends_run = true;
                    }
                    break;
                }
                offset += seg.len() + 1;
            }
        }

        // A dot right after the token that does not end a sentence.
        let word = &text[tok.start..tok.end];
        if tok.end == end && after == Some(b'.') {
            if is_dotted_abbreviation(word) {
                tok.end += 1; // "U.S." keeps its dot
                self.pos += 1;
            } else if DOT_ABBREVIATIONS.contains(&word) {
                self.pos += 1; // "Mr." / "Co.": dot dropped, run continues
            }
        }

        tok.kind = classify(&text[tok.start..tok.end]);
        if is_contraction(&text[tok.start..tok.end]) {
            tok.kind = Kind::Other; // "I'm", "We'll", "Don't"
        }
        Some(tok)
    }
}

/// "I'm", "They're", "We've", "You'll", "I'd", "Don't".
fn is_contraction(word: &str) -> bool {
    match word.rfind(['\'', '’']) {
        Some(i) => {
            let tail = word[i..].trim_start_matches(['\'', '’']);
            matches!(tail, "m" | "re" | "ve" | "ll" | "d" | "t")
        }
        None => false,
    }
}

/// The line of `text` starting at byte `start`.
fn line_at(text: &str, start: usize) -> &str {
    let rest = text.get(start..).unwrap_or("");
    rest.split('\n').next().unwrap_or("")
}

/// Headline-case line: at least 4 words, more than 60% capitalized, a single
/// sentence, and not a comma-separated list of names.
fn is_headline(line: &str) -> bool {
    let several_sentences = line.as_bytes().windows(3).any(|w| {
        w[2] == b' ' && (matches!(w[1], b'?' | b'!') || (w[1] == b'.' && w[0].is_ascii_lowercase()))
    });
    if several_sentences {
        return false;
    }
    let (mut words, mut caps, mut commas) = (0usize, 0usize, 0usize);
    for w in line.split_whitespace() {
        let Some(first) = w.chars().find(|c| c.is_alphabetic()) else {
            continue;
        };
        words += 1;
        if first.is_uppercase() {
            caps += 1;
        }
        if w.ends_with(',') {
            commas += 1;
        }
    }
    words >= 4 && caps * 10 > words * 6 && commas * 2 < caps
}

/// "U.S", "U.K", "D.C", or a single capital letter (an initial).
fn is_dotted_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c.is_uppercase(),
        _ => {
            word.contains('.')
                && word.split('.').all(|seg| {
                    let mut cs = seg.chars();
                    matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
                })
        }
    }
}

/// Decides what a token can contribute to a name.
fn classify(word: &str) -> Kind {
    let Some(first) = word.chars().next() else {
        return Kind::Other;
    };
    if first.is_uppercase() {
        let mut letters = 0usize;
        let mut lower = 0usize;
        let mut second_upper = None;
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            if c.is_lowercase() {
                lower += 1;
            }
            if letters == 2 {
                second_upper = Some(c.is_uppercase());
            }
        }
        if lower == 0 {
            return match letters {
                0 | 1 => Kind::Cap,
                2..=6 => Kind::Acronym,
                _ => Kind::Other, // shouting
            };
        }
        if second_upper == Some(true) {
            return Kind::Other; // "MRAPs", "SUVs"
        }
        return Kind::Cap;
    }
    if let Some((prefix, rest)) = word.split_once('-') {
        if ARTICLE_PREFIXES.contains(&prefix) && rest.starts_with(char::is_uppercase) {
            return Kind::Cap;
        }
        return Kind::Other;
    }
    if word.len() <= 5 && (matches!(word, "of" | "on" | "for" | "the") || PARTICLES.contains(&word))
    {
        return Kind::Connector;
    }
    Kind::Other
}

// ---------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------

/// A candidate mention before the sentence-initial check.
struct Cand {
    span: Range<usize>,
    /// A single token (not a multi-word name).
    single: bool,
    /// The single token starts a sentence.
    initial: bool,
    /// The single token is an ALL-CAPS acronym.
    acronym: bool,
}

/// Groups tokens into runs of capitalized words and collects candidates.
struct Builder<'t> {
    text: &'t str,
    run: Vec<Tok>,
    pending: Vec<Tok>,
    cands: Vec<Cand>,
    /// Capitalized words seen in a non-sentence-initial position.
    mid: WordSet<'t>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            run: Vec::new(),
            pending: Vec::new(),
            cands: Vec::new(),
            mid: WordSet::default(),
        }
    }

    fn word(&self, tok: &Tok) -> &'t str {
        &self.text[tok.start..tok.end]
    }

    fn push(&mut self, tok: Tok) {
        let word = self.word(&tok);
        let continues = tok.joined && self.run.last().is_some_and(|last| !last.ends_run);
        match tok.kind {
            Kind::Cap | Kind::Acronym => {
                if self.run.is_empty() && !self.pending.is_empty() && tok.joined {
                    // Lowercase leading article: "al Qaeda".
                    self.run.append(&mut self.pending);
                    self.run.push(tok);
                } else if continues
                    && !mid_breakers().contains(word)
                    && (self.pending.is_empty() || self.connectors_allowed(&tok))
                {
                    self.run.append(&mut self.pending);
                    self.run.push(tok);
                } else {
                    self.flush();
                    self.run.push(tok);
                }
                if tok.ends_run {
                    self.flush();
                }
            }
            Kind::Connector => {
                if continues && self.pending.len() < 2 {
                    self.pending.push(tok);
                } else {
                    self.flush();
                    if matches!(word, "al" | "el") {
                        self.pending.push(tok);
                    }
                }
            }
            Kind::Other => self.flush(),
        }
    }

    /// May the pending connectors join the run to `next`?
    fn connectors_allowed(&self, next: &Tok) -> bool {
        if is_stop(self.word(next)) {
            return false;
        }
        let Some(prev) = self.run.last() else {
            return false;
        };
        let prev = self.word(prev);
        if sentence_stops().contains(prev) || CALENDAR_WORDS.contains(&prev) {
            return false;
        }
        let first = self.word(&self.pending[0]);
        let first_ok = match first {
            "of" => true,
            "on" | "for" => INSTITUTION_NOUNS.contains(&prev),
            "the" => false,
            _ => true, // particle
        };
        let second_ok = match self.pending.get(1).map(|t| self.word(t)) {
            None => true,
            Some("the") => matches!(first, "of" | "on" | "for"),
            Some(w) => PARTICLES.contains(&w) && PARTICLES.contains(&first),
        };
        first_ok && second_ok
    }

    /// Ends the current run and records its candidate, if any.
    fn flush(&mut self) {
        self.pending.clear();
        if self.run.is_empty() {
            return;
        }
        let text = self.text;
        for (i, tok) in self.run.iter().enumerate() {
            if (i > 0 || !tok.initial) && tok.kind != Kind::Connector {
                self.mid.insert(&text[tok.start..tok.end]);
            }
        }
        // Strip leading stop words and titles (a title not before a
        // connector, so "Secretary of State" stays whole), then connectors
        // left in front, and a trailing "I".
        let word = |t: &Tok| &text[t.start..t.end];
        let mut lo = 0;
        let mut hi = self.run.len();
        while hi - lo > 1
            && self.run[lo].kind != Kind::Connector
            && is_stop(word(&self.run[lo]))
            && (self.run[lo + 1].kind != Kind::Connector || !titles().contains(word(&self.run[lo])))
        {
            lo += 1;
        }
        if lo > 0 {
            while hi - lo > 1 && self.run[lo].kind == Kind::Connector {
                lo += 1;
            }
        }
        while hi - lo > 1 && word(&self.run[hi - 1]) == "I" {
            hi -= 1;
        }
        let kept = &self.run[lo..hi];
        let first = kept[0];
        let last = kept[kept.len() - 1];
        if kept.len() == 1 {
            let word = &text[first.start..first.end];
            if word.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                self.cands.push(Cand {
                    span: first.start..first.end,
                    single: true,
                    initial: lo == 0 && first.initial,
                    acronym: first.kind == Kind::Acronym,
                });
            }
        } else {
            self.cands.push(Cand {
                span: first.start..last.end,
                single: false,
                initial: false,
                acronym: false,
            });
        }
        self.run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        find_mentions(text).into_iter().map(|m| m.text).collect()
    }

    fn assert_has(found: &[String], want: &[&str]) {
        for w in want {
            assert!(found.iter().any(|f| f == w), "missing {w:?} in {found:?}");
        }
    }

    fn assert_lacks(found: &[String], unwanted: &[&str]) {
        for w in unwanted {
            assert!(
                !found.iter().any(|f| f == w),
                "unexpected {w:?} in {found:?}"
            );
        }
    }

    #[test]
    fn seed_000_architect_sentence() {
        let found = texts("The Der Spiegel report named Samir Abd Muhammad al-Khlifawi other wise known Haji Bakr as the architect of the Islamic State.");
        assert_eq!(
            found,
            [
                "Der Spiegel",
                "Samir Abd Muhammad al-Khlifawi",
                "Haji Bakr",
                "Islamic State"
            ]
        );
    }

    #[test]
    fn seed_000_baghdadi_sentence() {
        let text = "\"In 2010, Bakr and a small group of former Iraqi intelligence officers made Abu Bakr al-Baghdadi, the emir and later 'caliph,' the official leader of the Islamic State. They reasoned that Baghdadi, an educated cleric, would give the group a religious face.\"";
        let found = texts(text);
        assert_has(
            &found,
            &[
                "Abu Bakr al-Baghdadi",
                "Bakr",
                "Iraqi",
                "Islamic State",
                "Baghdadi",
            ],
        );
        assert_lacks(&found, &["In", "They"]);
    }

    #[test]
    fn seed_004_deir_ez_zor_and_cfr() {
        let found = texts("The U.S. has also avoided attacking ISIS columns as they headed out to attack and take Palmyra and continue the attacks on Deir ez Zor and other Syrian held towns and villages.");
        assert_has(
            &found,
            &["U.S.", "ISIS", "Palmyra", "Deir ez Zor", "Syrian"],
        );

        let found = texts("1. ISIS was a vicious force and it's fanatical attacks on the Syrians weakened the Syrian defence forces. The Council on Foreign Relations (CFR) - the U.S. government's leading thinktank on foreign policy, endorsed al-Qaeda's role in the Syrian battlefield for this reason.");
        assert_has(
            &found,
            &[
                "Council on Foreign Relations",
                "CFR",
                "U.S.",
                "al-Qaeda",
                "ISIS",
            ],
        );
        assert_lacks(&found, &["The Council on Foreign Relations", "Council"]);
    }

    #[test]
    fn headlines_are_skipped() {
        for line in [
            "Why ISIS Fighters Were Allowed to Leave Raqqa?",
            "IRAQ: Sectarianism / Salafiism / Shiiaism / Saudi Arabia / Qatar / Iran / and the West",
            "Why is the Iraqi Government Supplying ISIS with Humanitarian Aid?",
            "The US Inadvertantly Lent Help to ISIS Under Obama",
        ] {
            assert_eq!(texts(line), Vec::<String>::new(), "{line}");
        }
        let text = "Why ISIS Fighters Were Allowed to Leave Raqqa?\n\nI have always been curious about why the ISIS story was never fully told.";
        assert_eq!(texts(text), ["ISIS"]);
        // A comma-separated list of names is not a headline.
        let found = texts("There was a huge number of foreigners. France, Turkey, Azerbaijan, Pakistan, Yemen, Saudi, China, Tunisia, Egypt...\"");
        assert_has(&found, &["Turkey", "Azerbaijan", "Egypt"]);
    }

    #[test]
    fn spans_and_possessives() {
        let text = "It was Saddam's army. Iraq's oil went to Qatar's allies in Iraq.";
        let mentions = find_mentions(text);
        for m in &mentions {
            assert_eq!(&text[m.span.clone()], m.text);
        }
        let found: Vec<_> = mentions.into_iter().map(|m| m.text).collect();
        // "Saddam" is mid-sentence; sentence-initial "Iraq" is confirmed by
        // the later mid-sentence "Iraq"; "Qatar" is mid-sentence.
        assert_eq!(found, ["Saddam", "Iraq", "Qatar", "Iraq"]);
    }

    #[test]
    fn sentence_initial_single_words() {
        // "Apparently" is not confirmed elsewhere; "Syria" is.
        let found = texts("Apparently nothing happened. Syria was calm. Troops left Syria.");
        assert_eq!(found, ["Syria", "Syria"]);
        // Unconfirmed common word at sentence start.
        assert_eq!(texts("Footage emerged later."), Vec::<String>::new());
        // Acronyms count anywhere.
        assert_eq!(
            texts("NATO forces moved. SDF fighters followed."),
            ["NATO", "SDF"]
        );
    }

    #[test]
    fn stop_words_and_titles() {
        let found = texts("Meanwhile, president Obama doesn't seem alarmed. In September, a study by Conflict Armament Research was published. But Saddam Hussein ruled.");
        assert_eq!(
            found,
            ["Obama", "Conflict Armament Research", "Saddam Hussein"]
        );
        let found = texts("Senator Rand Paul has repeatedly called Obama out. According to Col Ryan Dillon they were reluctant, and Co. Ryan Dillon agreed with President Assad on Monday.");
        assert_eq!(
            found,
            ["Rand Paul", "Obama", "Ryan Dillon", "Ryan Dillon", "Assad"]
        );
        let found = texts(
            "He met the Secretary of State and the Department of Defense in the White House.",
        );
        assert_eq!(
            found,
            ["Secretary of State", "Department of Defense", "White House"]
        );
    }

    #[test]
    fn acronym_rules() {
        let found = texts(
            "They drove US tanks, MRAPs, Humvees and SUVs. The U.S.-backed SDF and ISIL met OK.",
        );
        assert_eq!(found, ["US", "Humvees", "U.S.", "SDF", "ISIL"]);
        // Shouted long words and roman numerals are not entities.
        assert_eq!(
            texts("this is BREAKING stuff from part II"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn hyphens_and_arabic_articles() {
        let found = texts("the London-based group and the Kurdish-led SDF met Al-Maliki, el-Sisi and Bashar al-Asad near Salah al Din with pro-American forces.");
        assert_eq!(
            found,
            [
                "London",
                "Kurdish",
                "SDF",
                "Al-Maliki",
                "el-Sisi",
                "Bashar al-Asad",
                "Salah al Din"
            ]
        );
    }

    #[test]
    fn connectors_need_a_following_capital() {
        let found = texts("attacks by ISIS on Raqqa and Obama for Syria and the Islamic State of Iraq and the Levant");
        assert_eq!(
            found,
            [
                "ISIS",
                "Raqqa",
                "Obama",
                "Syria",
                "Islamic State of Iraq",
                "Levant"
            ]
        );
        assert_eq!(texts("known as Haji Bakr as the architect"), ["Haji Bakr"]);
    }

    #[test]
    fn title_case_runs_split_at_function_words() {
        let found = texts("This article (The U.S. Has A Special Relationship With ISIS) was written for Theresa May and One of Iraq's men in October of ISIS rule, said al Qaeda.");
        assert_eq!(
            found,
            [
                "U.S.",
                "Special Relationship",
                "ISIS",
                "Theresa May",
                "Iraq",
                "ISIS",
                "al Qaeda"
            ]
        );
    }

    #[test]
    fn word_lists_are_consistent() {
        for w in MID_BREAKERS {
            assert!(sentence_stops().contains(w), "{w}");
        }
        for w in TITLES {
            assert!(stop_words().contains(w), "{w}");
        }
    }

    #[test]
    fn urls_and_handles_are_ignored() {
        let found = texts("Follow us on Facebook: https://www.facebook.com/TVsLeaking/ and @TVsLeaking or mail Foo.Bar@Example.com today.");
        assert_eq!(found, ["Facebook"]);
    }

    #[test]
    fn extract_entities_counts() {
        let text = "ISIS took Mosul. Later ISIS lost Mosul, and ISIS fled to Raqqa. Al-Qaeda and al-Qaeda differ; the U.S. and the US too.";
        let ents = extract_entities(text, 10);
        assert_eq!(ents[0], ("ISIS".to_string(), 3));
        assert!(ents.contains(&("Mosul".to_string(), 2)));
        // Case/hyphen/dot variants are merged; tie on count → earliest form.
        assert!(ents.contains(&("Al-Qaeda".to_string(), 2)), "{ents:?}");
        assert!(ents.contains(&("U.S.".to_string(), 2)), "{ents:?}");
        // Ties are ordered by name.
        let names: Vec<_> = ents
            .iter()
            .filter(|(_, n)| *n == 2)
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(names, ["Al-Qaeda", "Mosul", "U.S."]);
        assert_eq!(extract_entities(text, 1), [("ISIS".to_string(), 3)]);
        assert!(extract_entities(text, 0).is_empty());
        assert!(extract_entities("", 5).is_empty());
    }

    #[test]
    fn non_ascii_text_does_not_panic() {
        let text = "Der Spiegel zitiert heute den Bürgermeister Jürgen Müller aus der Stadt Köln, sagte man uns — in einem langen Satz über Émile Zola und İstanbul… ‘ja’ “nein”.";
        let found = texts(text);
        assert_eq!(
            found,
            [
                "Der Spiegel",
                "Bürgermeister Jürgen Müller",
                "Stadt Köln",
                "Satz",
                "Émile Zola",
                "İstanbul"
            ]
        );
        for m in find_mentions(text) {
            assert_eq!(&text[m.span.clone()], m.text);
        }
    }

    /// Whole seed articles, when the shared seed folder is present: spans are
    /// consistent and no headline junk comes out.
    #[test]
    fn seed_files() {
        let Ok(dir) = std::fs::read_dir("/work/shared/seeds") else {
            return;
        };
        for entry in dir.flatten() {
            let Ok(raw) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let text = raw
                .replace(['\u{2019}', '\u{2018}'], "'")
                .replace(['\u{201c}', '\u{201d}'], "\"");
            let mentions = find_mentions(&text);
            for m in &mentions {
                assert_eq!(&text[m.span.clone()], m.text);
                assert!(!m.text.starts_with("Why "), "{}", m.text);
                assert!(!m.text.contains("Were Allowed"), "{}", m.text);
            }
            assert!(!extract_entities(&text, 20).is_empty());
        }
    }
}
