//! Parsing of the user's search query string into a small AST.
//!
//! [`parse`] turns what a researcher types after `morgue search` into an
//! [`Expr`] tree of boolean operators over [`Atom`]s (words, phrases and
//! prefixes, each optionally restricted to a [`Field`]). The caller turns the
//! tree into tantivy queries and uses [`Expr::positive_atoms`] for
//! highlighting. The parser is a hand-written recursive descent over a small
//! lexer; it never panics, and every [`QueryError`] carries the byte offset
//! of the problem so the CLI can point at it ([`QueryError::render`]).
//!
//! # Syntax
//!
//! | Query                          | Meaning                                           |
//! |--------------------------------|---------------------------------------------------|
//! | `Baghdadi`                     | the word, in title or body text                   |
//! | `al-Baghdadi` `U.S.` `2017`    | words keep inner punctuation (the analyzer decides) |
//! | `"Der Spiegel"`                | phrase                                            |
//! | `"safe corridors"~2`           | phrase with proximity (slop) 2                    |
//! | `polit*`                       | prefix: politics, political, politician, ...     |
//! | `title:ISIS`                   | restrict to a field                               |
//! | `outlet:"Der Spiegel"`         | field + phrase                                    |
//! | `entity:(Suleimani OR Soleimani)` | field applied to every term of a group         |
//! | `meta.bias:left` `meta.topic:"gun control"` | a record metadata value, whole (any case) |
//! | `a b` / `a AND b` / `a && b`   | both required                                     |
//! | `a OR b` / `a \|\| b`          | either                                            |
//! | `-a` / `NOT a`                 | excluded                                          |
//! | `+a`                           | required (same as `a`; AND is the default)        |
//!
//! Fields (case-insensitive): `title`, `text` (body text only; alias `body`),
//! `outlet`, `entity` (alias `entities`), and `meta.KEY` for any metadata key (`meta.author`,
//! `meta.bias`; see [`Field::Meta`]). Without a field a term searches
//! title and body text ([`Field::Any`]). Operators are recognised only in
//! upper case: `and`, `or` and `not` are ordinary words.
//!
//! # Precedence
//!
//! From tightest to loosest: unary `NOT`/`-`/`+`, then `OR`, then `AND`
//! (explicit or implied by adjacency). This is the convention of Google and
//! of Westlaw/Lexis: `OR` groups synonyms, and everything else is required.
//!
//! ```text
//! ISIS weapons OR arms      =>  (ISIS AND (weapons OR arms))
//! a AND b OR c              =>  (a AND (b OR c))
//! a OR b c                  =>  ((a OR b) AND c)
//! a OR b AND c OR d         =>  ((a OR b) AND (c OR d))
//! NOT a OR b                =>  (NOT a OR b)
//! ISIS NOT Raqqa            =>  (ISIS AND NOT Raqqa)
//! ISIS -"Islamic State" -(Raqqa Mosul)
//!                           =>  (ISIS AND NOT "Islamic State" AND NOT (Raqqa AND Mosul))
//! ```
//!
//! Use parentheses to override: `(a AND b) OR c`.
//!
//! # Grammar
//!
//! ```text
//! query     = and_expr EOF ;
//! and_expr  = or_expr { [ "AND" | "&&" ] or_expr } ;   (* adjacency means AND *)
//! or_expr   = unary { ( "OR" | "||" ) unary } ;
//! unary     = { "NOT" | "-" | "+" } primary ;           (* "-"/"+" glued to what follows *)
//! primary   = [ field ":" ] ( word | prefix | phrase | "(" and_expr ")" ) ;
//! field     = "title" | "text" | "body" | "outlet" | "entity" | "entities" ;  (* any case *)
//! word      = wchar { wchar } ;                         (* not containing "*" *)
//! prefix    = word "*" ;
//! phrase    = '"' { any char but '"' } '"' [ "~" digit { digit } ] ;
//! wchar     = any char except whitespace, "(", ")", '"' ;
//! ```
//!
//! Details:
//!
//! * `name:` starts a field only if `name` is letters only and the colon is
//!   immediately followed by something other than whitespace or `)`. An
//!   unknown name is an error ([`QueryErrorKind::UnknownField`]) unless the
//!   rest looks like a URL (`http://x`); `10:30` and `Note: ...` are plain
//!   words. A known field with nothing after the colon is
//!   [`QueryErrorKind::EmptyField`].
//! * Directly after `field:`, a word is taken literally: `title:AND` searches
//!   the word "AND" and `title:-x` the word "-x".
//! * `field:( ... )` applies the field to every atom of the group that has no
//!   field of its own: `title:(a outlet:b)` is `(title:a AND outlet:b)`.
//! * Phrase text is whitespace-normalised; `~N` is the slop (a `u32`).
//! * `*` is allowed only once, at the end of a word of at least one char.
//!
//! # Limits
//!
//! A query must not exhaust the machine (a server may answer queries from anyone), so each
//! dimension of its cost is capped; going over a cap is a [`QueryErrorKind::TooComplex`] error
//! that names the limit and its value, positioned at the part that went over:
//!
//! | Limit                                   | Value                      |
//! |-----------------------------------------|----------------------------|
//! | query length                            | [`MAX_QUERY_BYTES`] bytes  |
//! | terms (words, phrases, prefixes)        | [`MAX_TERMS`]              |
//! | words in one phrase                     | [`MAX_PHRASE_WORDS`]       |
//! | phrase proximity `~N`                   | [`MAX_SLOP`]               |
//! | nesting of parentheses and AND/OR groups | [`MAX_DEPTH`] levels       |
//! | words one `prefix*` expands to          | [`MAX_PREFIX_EXPANSIONS`]  |
//! | words all prefixes of a query expand to | [`MAX_TOTAL_EXPANSIONS`]   |
//!
//! The first five are checked here; the expansions depend on the index and are checked when
//! the query is run. Nesting counts the groups of the parsed tree (`a b` is one level,
//! `a (b OR c)` two), so the canonical form of every accepted query parses again.
//!
//! # Normalisation
//!
//! The tree is normalised: nested `And`/`And` and `Or`/`Or` are flattened,
//! single-child `And`/`Or` collapse to the child, `+a` is `a`, `-a` and
//! `NOT a` are `Not(a)`, `a NOT b` is `And[a, Not(b)]`, and a double negation
//! such as `NOT -a` cancels out to `a`.
//!
//! # Rejected queries
//!
//! A query whose top level only excludes terms (`NOT a`, `-a -b`, `-(a b)`)
//! is rejected ([`QueryErrorKind::OnlyExcluded`]), as is an `OR` whose every
//! alternative is an exclusion (`a (-b OR -c)`).
//!
//! The [`Display`](fmt::Display) form of an [`Expr`] is canonical (explicit
//! operators and parentheses) and re-parses to the same tree, e.g. for an
//! `--explain` flag.

use std::fmt;
use std::ops::Range;

/// Field names accepted before a colon (case-insensitive), as listed in
/// [`QueryErrorKind::UnknownField`] messages.
pub const KNOWN_FIELDS: [&str; 6] = ["title", "text", "body", "outlet", "entity", "entities"];

/// Most levels of nesting: of parentheses in the query, and of AND/OR groups in the parsed
/// tree. Deeper queries are rejected with [`QueryErrorKind::TooComplex`].
pub const MAX_DEPTH: usize = 64;
/// Longest query, in bytes (UTF-8).
pub const MAX_QUERY_BYTES: usize = 10_000;
/// Most terms (words, phrases and prefixes, excluded ones included) in one query.
pub const MAX_TERMS: usize = 200;
/// Most words in one phrase (as typed, and as the analyzer splits them).
pub const MAX_PHRASE_WORDS: usize = 32;
/// Largest phrase proximity (`"a b"~N`).
pub const MAX_SLOP: u32 = 50;
/// Most distinct index words a single `prefix*` may expand to (per field).
pub const MAX_PREFIX_EXPANSIONS: usize = 5_000;
/// Most index words all the prefixes of one query may expand to together.
pub const MAX_TOTAL_EXPANSIONS: usize = 20_000;

/// Which field an atom searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Title and body text (the default when no field is given).
    Any,
    /// The article title (`title:`).
    Title,
    /// The body text only (`text:` or `body:`).
    Text,
    /// The publishing outlet (`outlet:`).
    Outlet,
    /// Named entities extracted from the article (`entity:` or `entities:`).
    Entity,
    /// A record metadata value (`meta.KEY:VALUE`); the atom's text is `KEY=VALUE`, the key
    /// lowercased.
    Meta,
}

impl Field {
    /// Looks up a field name as typed before a colon (case-insensitive,
    /// including the aliases `body` and `entities`).
    pub fn from_name(name: &str) -> Option<Field> {
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        if is("title") {
            Some(Field::Title)
        } else if is("text") || is("body") {
            Some(Field::Text)
        } else if is("outlet") {
            Some(Field::Outlet)
        } else if is("entity") || is("entities") {
            Some(Field::Entity)
        } else {
            None
        }
    }

    /// The canonical query-syntax name of the field (`None` for [`Field::Any`]).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Field::Any => None,
            Field::Title => Some("title"),
            Field::Text => Some("text"),
            Field::Outlet => Some("outlet"),
            Field::Entity => Some("entity"),
            Field::Meta => None,
        }
    }
}

/// What kind of term an atom is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtomKind {
    /// A single word, punctuation kept as typed (`al-Baghdadi`, `U.S.`).
    Word(String),
    /// A quoted phrase (whitespace-normalised) with its slop (`~N`, 0 if absent).
    Phrase {
        /// The words between the quotes, separated by single spaces.
        words: String,
        /// Maximum word-position slop; 0 means an exact phrase.
        slop: u32,
    },
    /// A word with a trailing `*`; holds the text before the `*`.
    Prefix(String),
}

/// One searchable unit with where it came from in the query string (byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// The field searched.
    pub field: Field,
    /// The term itself.
    pub kind: AtomKind,
    /// Byte range of the term in the query (the word, `polit*`, or the
    /// quoted phrase including any `~N`), not including a `field:` prefix.
    pub span: Range<usize>,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A single term.
    Atom(Atom),
    /// All children must match (at least two after normalisation).
    And(Vec<Expr>),
    /// At least one child must match (at least two after normalisation).
    Or(Vec<Expr>),
    /// The child must not match.
    Not(Box<Expr>),
}

/// What went wrong while parsing a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryErrorKind {
    /// The query, a phrase (`""`) or a group (`()`) is empty.
    Empty,
    /// A `"` has no closing `"`.
    UnterminatedPhrase,
    /// A `(` without `)` or a `)` without `(`.
    UnbalancedParen,
    /// An operator (`AND`, `OR`, `NOT`, `-`, `+`) misses its operand.
    DanglingOperator,
    /// `name:` with a name that is not one of [`KNOWN_FIELDS`].
    UnknownField,
    /// A known field with nothing after the colon (`title:` or `title: x`).
    EmptyField,
    /// Nothing to search for: only exclusions at the top level or in every
    /// alternative of an `OR`.
    OnlyExcluded,
    /// The `~N` after a phrase is not a whole number.
    BadSlop,
    /// A `*` that is not a single trailing wildcard on a word.
    BadWildcard,
    /// The query goes over one of the [limits](self#limits); the message names it.
    TooComplex,
}

/// A query syntax error, with the position of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The category of error.
    pub kind: QueryErrorKind,
    /// Byte offset in the query where the problem is.
    pub offset: usize,
    /// Human message, one line, no trailing period, e.g.
    /// `unterminated phrase: missing closing "`.
    pub message: String,
}

impl QueryError {
    fn new(kind: QueryErrorKind, offset: usize, message: impl Into<String>) -> Self {
        QueryError {
            kind,
            offset,
            message: message.into(),
        }
    }

    /// A [`QueryErrorKind::TooComplex`] error: `what` (e.g. "the number of terms") went over
    /// `limit`; `hint` says what to do instead.
    pub fn too_complex(offset: usize, what: &str, limit: impl fmt::Display, hint: &str) -> Self {
        QueryError::new(
            QueryErrorKind::TooComplex,
            offset,
            format!("query too complex: {what} is limited to {limit}; {hint}"),
        )
    }

    /// The 1-based character column of [`offset`](Self::offset) in `query`
    /// (the query this error came from; an out-of-range offset is clamped).
    pub fn column(&self, query: &str) -> usize {
        let mut offset = self.offset.min(query.len());
        while !query.is_char_boundary(offset) {
            offset -= 1;
        }
        query[..offset].chars().count() + 1
    }

    /// Two-line rendering: the query, then a caret under the offending column.
    ///
    /// Control characters (tabs, newlines, ...) in the query are shown as
    /// spaces so that the caret lines up for ordinary text.
    pub fn render(&self, query: &str) -> String {
        let line: String = query
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!("{line}\n{}^", " ".repeat(self.column(query) - 1))
    }
}

impl fmt::Display for QueryError {
    /// `<message> at column N`, where N is `offset + 1`.
    ///
    /// The error does not keep the query, so N counts bytes: it is the
    /// 1-based character column whenever the query is ASCII up to the error.
    /// For an exact column in any query use [`QueryError::column`] or
    /// [`QueryError::render`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.offset + 1)
    }
}

impl std::error::Error for QueryError {}

/// Parses a query string.
///
/// See the [module documentation](self) for the syntax, precedence and the
/// errors reported.
pub fn parse(input: &str) -> Result<Expr, QueryError> {
    if input.trim().is_empty() {
        return Err(QueryError::new(
            QueryErrorKind::Empty,
            0,
            "empty query: type a word or phrase to search for",
        ));
    }
    if input.len() > MAX_QUERY_BYTES {
        let mut at = MAX_QUERY_BYTES;
        while !input.is_char_boundary(at) {
            at -= 1;
        }
        return Err(QueryError::too_complex(
            at,
            "the query length in bytes",
            MAX_QUERY_BYTES,
            "shorten the query",
        ));
    }
    let mut parser = Parser {
        src: input,
        toks: lex(input),
        pos: 0,
        depth: 0,
        terms: 0,
    };
    let (expr, start) = parser.parse_and()?;
    let next = parser.peek()?;
    if !matches!(next.tok, Tok::Eof) {
        return Err(QueryError::new(
            QueryErrorKind::UnbalancedParen,
            next.start,
            "unmatched ')': no '(' before it",
        ));
    }
    if expr.is_only_excluded() {
        return Err(QueryError::new(
            QueryErrorKind::OnlyExcluded,
            start,
            "the query only excludes terms; add a term to search for",
        ));
    }
    if let Some(offset) = expr.too_deep(MAX_DEPTH) {
        return Err(QueryError::too_complex(
            offset,
            "the nesting of AND/OR groups",
            MAX_DEPTH,
            "flatten the query",
        ));
    }
    Ok(expr)
}

impl Expr {
    /// The atoms that a matching document must or may contain (not under a
    /// NOT), in query order: what gets highlighted.
    pub fn positive_atoms(&self) -> Vec<&Atom> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Atom>) {
            match e {
                Expr::Atom(a) => out.push(a),
                Expr::And(children) | Expr::Or(children) => {
                    children.iter().for_each(|c| walk(c, out));
                }
                Expr::Not(_) => {}
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// True when some atom (under a NOT or not) searches `field`.
    pub fn has_field(&self, field: Field) -> bool {
        match self {
            Expr::Atom(a) => a.field == field,
            Expr::Not(inner) => inner.has_field(field),
            Expr::And(children) | Expr::Or(children) => children.iter().any(|c| c.has_field(field)),
        }
    }

    /// True when no positive clause exists anywhere at the top level (only
    /// exclusions), e.g. `NOT a` or `(NOT a AND NOT b)`; [`parse`] already
    /// rejects such queries. An `And`/`Or` is only-excluded when all of its
    /// children are.
    pub fn is_only_excluded(&self) -> bool {
        match self {
            Expr::Atom(_) => false,
            Expr::Not(_) => true,
            Expr::And(children) | Expr::Or(children) => children.iter().all(Expr::is_only_excluded),
        }
    }

    /// Where the tree nests AND/OR groups more than `limit` levels deep (`a b` is one level,
    /// `a (b OR c)` two): the start of the first atom below the limit, or `None`.
    fn too_deep(&self, limit: usize) -> Option<usize> {
        match self {
            Expr::Atom(_) => None,
            Expr::Not(inner) => inner.too_deep(limit),
            Expr::And(children) | Expr::Or(children) => match limit.checked_sub(1) {
                None => self
                    .positive_atoms()
                    .first()
                    .map(|a| a.span.start)
                    .or(Some(0)),
                Some(rest) => children.iter().find_map(|c| c.too_deep(rest)),
            },
        }
    }

    /// Structural equality that ignores the atoms' [`Atom::span`]s: true when
    /// both trees denote the same query (e.g. `parse(&e.to_string())` vs `e`).
    pub fn eq_ignoring_spans(&self, other: &Expr) -> bool {
        match (self, other) {
            (Expr::Atom(a), Expr::Atom(b)) => a.field == b.field && a.kind == b.kind,
            (Expr::And(a), Expr::And(b)) | (Expr::Or(a), Expr::Or(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignoring_spans(y))
            }
            (Expr::Not(a), Expr::Not(b)) => a.eq_ignoring_spans(b),
            _ => false,
        }
    }
}

impl fmt::Display for Atom {
    /// The atom in query syntax: `title:"a phrase"~2`, `polit*`, `word`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = self.field.name() {
            write!(f, "{name}:")?;
        }
        let unkeyed = |text: &'_ str| -> String {
            match (self.field, text.split_once('=')) {
                (Field::Meta, Some((key, value))) => format!("meta.{key}:{value}"),
                _ => text.to_string(),
            }
        };
        match &self.kind {
            AtomKind::Word(w) => f.write_str(&unkeyed(w)),
            AtomKind::Prefix(p) => write!(f, "{}*", unkeyed(p)),
            AtomKind::Phrase { words, slop } if self.field == Field::Meta => {
                let (key, value) = words.split_once('=').unwrap_or(("", words));
                write!(f, "meta.{key}:\"{value}\"")?;
                if *slop > 0 {
                    write!(f, "~{slop}")?;
                }
                Ok(())
            }
            AtomKind::Phrase { words, slop } => {
                write!(f, "\"{words}\"")?;
                if *slop > 0 {
                    write!(f, "~{slop}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Expr {
    /// Canonical form with explicit operators and parentheses, e.g.
    /// `(ISIS AND (weapons OR arms))`; phrases quoted, fields prefixed.
    /// For trees produced by [`parse`], re-parsing this text gives an equal
    /// tree (up to spans, see [`Expr::eq_ignoring_spans`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, children: &[Expr], op: &str| {
            f.write_str("(")?;
            for (i, child) in children.iter().enumerate() {
                if i > 0 {
                    f.write_str(op)?;
                }
                write!(f, "{child}")?;
            }
            f.write_str(")")
        };
        match self {
            Expr::Atom(a) => write!(f, "{a}"),
            Expr::And(children) => join(f, children, " AND "),
            Expr::Or(children) => join(f, children, " OR "),
            Expr::Not(inner) => write!(f, "NOT {inner}"),
        }
    }
}

// ---------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Minus,
    Plus,
    /// `name:`; the lexer guarantees a `(`, phrase or word follows.
    Field(Field),
    /// `meta.KEY:` with the key lowercased; a `(`, phrase or word follows.
    Meta(String),
    Atom(AtomKind),
    Eof,
    /// Lexing stopped here; reported only if the parser gets this far.
    Error(QueryError),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '(' | ')' | '"'))
}

/// Splits the query into tokens. The result always ends with `Eof` or
/// `Error`, and every other token is non-empty.
fn lex(src: &str) -> Vec<Token> {
    let mut toks = Vec::new();
    let mut pos = 0;
    let mut after_field = false;
    loop {
        let rest = &src[pos..];
        pos += rest.len() - rest.trim_start().len();
        let Some(c) = src[pos..].chars().next() else {
            toks.push(Token {
                tok: Tok::Eof,
                start: pos,
                end: pos,
            });
            return toks;
        };
        let literal = std::mem::take(&mut after_field);
        let result = match c {
            '(' => Ok(Token {
                tok: Tok::LParen,
                start: pos,
                end: pos + 1,
            }),
            ')' => Ok(Token {
                tok: Tok::RParen,
                start: pos,
                end: pos + 1,
            }),
            '"' => lex_phrase(src, pos),
            '-' | '+' if !literal => lex_sign(src, pos, c),
            _ => lex_word(src, pos, literal),
        };
        match result {
            Ok(tok) => {
                after_field = matches!(tok.tok, Tok::Field(_) | Tok::Meta(_));
                pos = tok.end;
                toks.push(tok);
            }
            Err(err) => {
                toks.push(Token {
                    tok: Tok::Error(err),
                    start: pos,
                    end: pos,
                });
                return toks;
            }
        }
    }
}

fn lex_sign(src: &str, pos: usize, c: char) -> Result<Token, QueryError> {
    match src[pos + c.len_utf8()..].chars().next() {
        Some(next) if next != ')' && !next.is_whitespace() => {
            let tok = if c == '-' { Tok::Minus } else { Tok::Plus };
            Ok(Token {
                tok,
                start: pos,
                end: pos + c.len_utf8(),
            })
        }
        _ => Err(QueryError::new(
            QueryErrorKind::DanglingOperator,
            pos,
            format!("'{c}' must be directly followed by a search term, without a space"),
        )),
    }
}

fn lex_phrase(src: &str, start: usize) -> Result<Token, QueryError> {
    let body = start + 1;
    let Some(len) = src[body..].find('"') else {
        return Err(QueryError::new(
            QueryErrorKind::UnterminatedPhrase,
            start,
            "unterminated phrase: missing closing \"",
        ));
    };
    let words = src[body..body + len].split_whitespace().collect::<Vec<_>>();
    if words.len() > MAX_PHRASE_WORDS {
        return Err(QueryError::too_complex(
            start,
            "the number of words in a phrase",
            MAX_PHRASE_WORDS,
            "search for a shorter phrase",
        ));
    }
    let words = words.join(" ");
    if words.is_empty() {
        return Err(QueryError::new(
            QueryErrorKind::Empty,
            start,
            "empty phrase: put words between the quotes",
        ));
    }
    let mut end = body + len + 1;
    let mut slop = 0;
    if src[end..].starts_with('~') {
        let tilde = end;
        let digits_start = tilde + 1;
        let rest = &src[digits_start..];
        let n = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let digits = &rest[..n];
        slop =
            match digits.parse::<u32>() {
                Ok(v) if digits.bytes().all(|b| b.is_ascii_digit()) => v,
                _ => return Err(QueryError::new(
                    QueryErrorKind::BadSlop,
                    tilde,
                    "phrase proximity after '~' must be a whole number, e.g. \"safe corridors\"~2",
                )),
            };
        if slop > MAX_SLOP {
            return Err(QueryError::too_complex(
                tilde,
                "the phrase proximity (~N)",
                MAX_SLOP,
                "use a smaller number",
            ));
        }
        end = digits_start + n;
    }
    Ok(Token {
        tok: Tok::Atom(AtomKind::Phrase { words, slop }),
        start,
        end,
    })
}

/// Lexes a word starting at `start` (which holds a word char). Unless
/// `literal` (the word directly follows `field:`), recognises operators and
/// `field:` prefixes.
fn lex_word(src: &str, start: usize, literal: bool) -> Result<Token, QueryError> {
    let rest = &src[start..];
    let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
    let word = &rest[..len];
    if !literal {
        let op = match word {
            "AND" | "&&" => Some(Tok::And),
            "OR" | "||" => Some(Tok::Or),
            "NOT" => Some(Tok::Not),
            _ => None,
        };
        if let Some(tok) = op {
            return Ok(Token {
                tok,
                start,
                end: start + len,
            });
        }
        if let Some(colon) = word.find(':') {
            let name = &word[..colon];
            if let Some(key) = meta_field_key(name) {
                let after = &rest[colon + 1..];
                if after
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c == ')')
                {
                    return Err(QueryError::new(
                        QueryErrorKind::EmptyField,
                        start,
                        format!(
                            "'{name}:' must be directly followed by a word, \"phrase\" or (group)"
                        ),
                    ));
                }
                return Ok(Token {
                    tok: Tok::Meta(key),
                    start,
                    end: start + colon + 1,
                });
            }
            if !name.is_empty() && name.chars().all(char::is_alphabetic) {
                let after = &rest[colon + 1..];
                let known = Field::from_name(name);
                let missing = after
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c == ')');
                if missing {
                    if known.is_some() {
                        return Err(QueryError::new(QueryErrorKind::EmptyField, start,
                            format!(
                                "'{name}:' must be directly followed by a word, \"phrase\" or (group)"
                            ),
                        ));
                    }
                    // e.g. "Note:" at the end of a clause: a plain word.
                } else if !after.starts_with("//") {
                    return match known {
                        Some(field) => Ok(Token {
                            tok: Tok::Field(field),
                            start,
                            end: start + colon + 1,
                        }),
                        None => Err(QueryError::new(
                            QueryErrorKind::UnknownField,
                            start,
                            format!(
                                "unknown field '{name}'; known fields are {} and meta.KEY",
                                KNOWN_FIELDS.join(", ")
                            ),
                        )),
                    };
                }
                // else a URL such as http://example.com: a plain word.
            }
        }
    }
    let kind = match word.find('*') {
        None => AtomKind::Word(word.to_string()),
        Some(i) if i > 0 && i + 1 == word.len() => AtomKind::Prefix(word[..i].to_string()),
        Some(i) => {
            let message = if word == "*" {
                "a lone '*' is not a search term; put it at the end of a word, e.g. polit*"
            } else {
                "'*' is only allowed once, at the end of a word, e.g. polit*"
            };
            return Err(QueryError::new(
                QueryErrorKind::BadWildcard,
                start + i,
                message,
            ));
        }
    };
    Ok(Token {
        tok: Tok::Atom(kind),
        start,
        end: start + len,
    })
}

// ---------------------------------------------------------------------------
// Parser

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Terms (atoms) parsed so far.
    terms: usize,
}

fn is_operand_start(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Atom(_)
            | Tok::Field(_)
            | Tok::Meta(_)
            | Tok::LParen
            | Tok::Not
            | Tok::Minus
            | Tok::Plus
    )
}

impl Parser<'_> {
    /// The current token; a lexer error is returned once the parser reaches it.
    fn peek(&self) -> Result<&Token, QueryError> {
        match self.toks.get(self.pos).or(self.toks.last()) {
            Some(Token {
                tok: Tok::Error(err),
                ..
            }) => Err(err.clone()),
            Some(token) => Ok(token),
            None => Err(QueryError::new(QueryErrorKind::Empty, 0, "empty query")),
        }
    }

    fn bump(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn error(&self, kind: QueryErrorKind, offset: usize, message: impl Into<String>) -> QueryError {
        QueryError::new(kind, offset, message)
    }

    fn op_text(&self, token: &Token) -> &str {
        self.src.get(token.start..token.end).unwrap_or("?")
    }

    /// Consumes the operator `op` and checks that an operand follows it.
    fn operator_needs_operand(&mut self, op: &Token) -> Result<(), QueryError> {
        self.bump();
        self.expect_operand_after(op)
    }

    /// Checks that the current token can start an operand of `op`.
    fn expect_operand_after(&self, op: &Token) -> Result<(), QueryError> {
        if is_operand_start(&self.peek()?.tok) {
            Ok(())
        } else {
            Err(self.error(
                QueryErrorKind::DanglingOperator,
                op.start,
                format!("'{}' must be followed by a search term", self.op_text(op)),
            ))
        }
    }

    /// Returns the expression and the byte offset where it starts.
    fn parse_and(&mut self) -> Result<(Expr, usize), QueryError> {
        let (first, start) = self.parse_or()?;
        let mut items = vec![first];
        loop {
            let token = self.peek()?.clone();
            match token.tok {
                Tok::Eof | Tok::RParen => break,
                Tok::And => self.operator_needs_operand(&token)?,
                _ => {}
            }
            items.push(self.parse_or()?.0);
        }
        Ok((combine(items, true), start))
    }

    fn parse_or(&mut self) -> Result<(Expr, usize), QueryError> {
        let (first, start) = self.parse_unary()?;
        let mut items = vec![first];
        while matches!(self.peek()?.tok, Tok::Or) {
            let op = self.peek()?.clone();
            self.operator_needs_operand(&op)?;
            items.push(self.parse_unary()?.0);
        }
        let expr = combine(items, false);
        if matches!(expr, Expr::Or(_)) && expr.is_only_excluded() {
            return Err(self.error(
                QueryErrorKind::OnlyExcluded,
                start,
                "every alternative of this OR only excludes terms; add a term to search for",
            ));
        }
        Ok((expr, start))
    }

    fn parse_unary(&mut self) -> Result<(Expr, usize), QueryError> {
        let mut negate = false;
        let mut first_op: Option<usize> = None;
        let mut last_op: Option<Token> = None;
        loop {
            let token = self.peek()?;
            match token.tok {
                Tok::Not | Tok::Minus => negate = !negate,
                Tok::Plus => {}
                _ => break,
            }
            first_op.get_or_insert(token.start);
            last_op = Some(token.clone());
            self.bump();
        }
        if let Some(op) = last_op {
            self.expect_operand_after(&op)?;
        }
        let (expr, start) = self.parse_primary()?;
        let expr = if negate { negated(expr) } else { expr };
        Ok((expr, first_op.unwrap_or(start)))
    }

    fn parse_primary(&mut self) -> Result<(Expr, usize), QueryError> {
        let token = self.peek()?.clone();
        match token.tok {
            Tok::Atom(kind) => {
                self.terms += 1;
                if self.terms > MAX_TERMS {
                    return Err(QueryError::too_complex(
                        token.start,
                        "the number of terms",
                        MAX_TERMS,
                        "split it into several searches",
                    ));
                }
                self.bump();
                let atom = Atom {
                    field: Field::Any,
                    kind,
                    span: token.start..token.end,
                };
                Ok((Expr::Atom(atom), token.start))
            }
            Tok::Field(field) => {
                self.bump();
                let (mut expr, _) = self.parse_primary()?;
                apply_field(&mut expr, field);
                Ok((expr, token.start))
            }
            Tok::Meta(key) => {
                self.bump();
                let (mut expr, _) = self.parse_primary()?;
                apply_meta(&mut expr, &key);
                Ok((expr, token.start))
            }
            Tok::LParen => self.parse_group(token.start),
            Tok::RParen => Err(self.error(
                QueryErrorKind::UnbalancedParen,
                token.start,
                "unmatched ')': no '(' before it",
            )),
            Tok::And | Tok::Or => Err(self.error(
                QueryErrorKind::DanglingOperator,
                token.start,
                format!("'{}' needs a search term before it", self.op_text(&token)),
            )),
            Tok::Not | Tok::Minus | Tok::Plus => self.parse_unary(),
            Tok::Eof | Tok::Error(_) => Err(self.error(
                QueryErrorKind::Empty,
                token.start,
                "expected a word, \"phrase\" or (group)",
            )),
        }
    }

    fn parse_group(&mut self, open: usize) -> Result<(Expr, usize), QueryError> {
        let unclosed = "unclosed '(': missing ')'";
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::too_complex(
                open,
                "the nesting of parentheses",
                MAX_DEPTH,
                "flatten the query",
            ));
        }
        self.bump();
        match self.peek()?.tok {
            Tok::RParen => {
                return Err(self.error(QueryErrorKind::Empty, open, "empty parentheses"));
            }
            Tok::Eof => return Err(self.error(QueryErrorKind::UnbalancedParen, open, unclosed)),
            _ => {}
        }
        self.depth += 1;
        let (expr, _) = self.parse_and()?;
        self.depth -= 1;
        if !matches!(self.peek()?.tok, Tok::RParen) {
            return Err(self.error(QueryErrorKind::UnbalancedParen, open, unclosed));
        }
        self.bump();
        Ok((expr, open))
    }
}

/// Builds an `And`/`Or` from `items`, flattening children of the same kind
/// and collapsing a single child.
fn combine(items: Vec<Expr>, is_and: bool) -> Expr {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Expr::And(children) if is_and => flat.extend(children),
            Expr::Or(children) if !is_and => flat.extend(children),
            other => flat.push(other),
        }
    }
    match (flat.len(), is_and) {
        (1, _) => flat.pop().unwrap_or(Expr::And(Vec::new())),
        (_, true) => Expr::And(flat),
        (_, false) => Expr::Or(flat),
    }
}

/// `Not(expr)`, cancelling a double negation.
fn negated(expr: Expr) -> Expr {
    match expr {
        Expr::Not(inner) => *inner,
        other => Expr::Not(Box::new(other)),
    }
}

/// The key of a `meta.KEY` field name (any case; the key lowercased), when `name` is one: the
/// key is letters, digits, `_`, `-` and `.`.
fn meta_field_key(name: &str) -> Option<String> {
    let (meta, key) = name.split_once('.')?;
    let ok = meta.eq_ignore_ascii_case("meta")
        && !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then(|| key.to_lowercase())
}

/// Makes every atom without a field of its own a `meta.KEY:` atom (its text `KEY=text`).
fn apply_meta(expr: &mut Expr, key: &str) {
    match expr {
        Expr::Atom(atom) => {
            if atom.field == Field::Any {
                atom.field = Field::Meta;
                match &mut atom.kind {
                    AtomKind::Word(t) | AtomKind::Prefix(t) => *t = format!("{key}={t}"),
                    AtomKind::Phrase { words, .. } => *words = format!("{key}={words}"),
                }
            }
        }
        Expr::And(children) | Expr::Or(children) => {
            children.iter_mut().for_each(|c| apply_meta(c, key));
        }
        Expr::Not(inner) => apply_meta(inner, key),
    }
}

/// Sets `field` on every atom that has no field of its own.
fn apply_field(expr: &mut Expr, field: Field) {
    match expr {
        Expr::Atom(atom) => {
            if atom.field == Field::Any {
                atom.field = field;
            }
        }
        Expr::And(children) | Expr::Or(children) => {
            children.iter_mut().for_each(|c| apply_field(c, field));
        }
        Expr::Not(inner) => apply_field(inner, field),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(field: Field, kind: AtomKind) -> Expr {
        Expr::Atom(Atom {
            field,
            kind,
            span: 0..0,
        })
    }
    fn w(s: &str) -> Expr {
        atom(Field::Any, AtomKind::Word(s.into()))
    }
    fn fw(field: Field, s: &str) -> Expr {
        atom(field, AtomKind::Word(s.into()))
    }
    fn ph(field: Field, s: &str, slop: u32) -> Expr {
        atom(
            field,
            AtomKind::Phrase {
                words: s.into(),
                slop,
            },
        )
    }
    fn and(v: Vec<Expr>) -> Expr {
        Expr::And(v)
    }
    fn or(v: Vec<Expr>) -> Expr {
        Expr::Or(v)
    }
    fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    #[track_caller]
    fn ok(input: &str) -> Expr {
        match parse(input) {
            Ok(e) => e,
            Err(err) => panic!("{input:?} failed: {err}\n{}", err.render(input)),
        }
    }

    #[track_caller]
    fn same(input: &str, expected: Expr) {
        let got = ok(input);
        assert!(
            got.eq_ignoring_spans(&expected),
            "{input:?}\n got: {got}\nwant: {expected}"
        );
    }

    #[track_caller]
    fn err(input: &str, kind: QueryErrorKind, offset: usize) -> QueryError {
        match parse(input) {
            Ok(e) => panic!("{input:?} parsed as {e}, expected {kind:?}"),
            Err(e) => {
                assert_eq!((e.kind, e.offset), (kind, offset), "{input:?}: {e}");
                e
            }
        }
    }

    #[test]
    fn meta_fields_carry_their_key_and_print_back() {
        let e = parse("meta.Bias:Left").unwrap();
        assert_eq!(
            e,
            Expr::Atom(Atom {
                field: Field::Meta,
                kind: AtomKind::Word("bias=Left".into()),
                span: 10..14,
            })
        );
        for (q, canonical) in [
            ("meta.bias:left", "meta.bias:left"),
            (
                "meta.topic:\"gun control\" x",
                "(meta.topic:\"gun control\" AND x)",
            ),
            (
                "meta.author:(Ann OR Bo*) -meta.bias:right",
                "((meta.author:Ann OR meta.author:Bo*) AND NOT meta.bias:right)",
            ),
        ] {
            let e = parse(q).unwrap();
            assert_eq!(e.to_string(), canonical);
            assert!(parse(canonical).unwrap().eq_ignoring_spans(&e));
        }
        assert_eq!(
            parse("meta.bias: left").unwrap_err().kind,
            QueryErrorKind::EmptyField
        );
        // Without a key it is a plain word, like `e.g.:x`.
        assert!(parse("meta.:x").unwrap().eq_ignoring_spans(&w("meta.:x")));
    }

    #[test]
    fn single_words_keep_punctuation() {
        for word in [
            "Baghdadi",
            "al-Baghdadi",
            "U.S.",
            "Suleimani's",
            "2017",
            "a~2",
            "C++",
        ] {
            same(word, w(word));
        }
        assert_eq!(
            ok("Suleimani's"),
            Expr::Atom(Atom {
                field: Field::Any,
                kind: AtomKind::Word("Suleimani's".into()),
                span: 0..11
            })
        );
    }

    #[test]
    fn phrases() {
        assert_eq!(
            ok("\"Der Spiegel\""),
            Expr::Atom(Atom {
                field: Field::Any,
                kind: AtomKind::Phrase {
                    words: "Der Spiegel".into(),
                    slop: 0
                },
                span: 0..13
            })
        );
        assert_eq!(
            ok("x \"safe corridors\"~2 y"),
            and(vec![
                Expr::Atom(Atom {
                    field: Field::Any,
                    kind: AtomKind::Word("x".into()),
                    span: 0..1
                }),
                Expr::Atom(Atom {
                    field: Field::Any,
                    kind: AtomKind::Phrase {
                        words: "safe corridors".into(),
                        slop: 2
                    },
                    span: 2..20
                }),
                Expr::Atom(Atom {
                    field: Field::Any,
                    kind: AtomKind::Word("y".into()),
                    span: 21..22
                }),
            ])
        );
        same("\"  Der \t Spiegel \"", ph(Field::Any, "Der Spiegel", 0));
        same("\"x\"~0", ph(Field::Any, "x", 0));
        same(
            "\"a\"\"b\"",
            and(vec![ph(Field::Any, "a", 0), ph(Field::Any, "b", 0)]),
        );
        same("\"polit* x\"", ph(Field::Any, "polit* x", 0));
    }

    #[test]
    fn fields() {
        same(
            "title:ISIS outlet:\"RINF Alternative News\"",
            and(vec![
                fw(Field::Title, "ISIS"),
                ph(Field::Outlet, "RINF Alternative News", 0),
            ]),
        );
        same("entity:\"Haji Bakr\"", ph(Field::Entity, "Haji Bakr", 0));
        same(
            "entity:\"Abu Bakr al-Baghdadi\"",
            ph(Field::Entity, "Abu Bakr al-Baghdadi", 0),
        );
        same("outlet:Reuters", fw(Field::Outlet, "Reuters"));
        same("text:word", fw(Field::Text, "word"));
        same("body:word", fw(Field::Text, "word"));
        same("entities:x", fw(Field::Entity, "x"));
        same(
            "TITLE:x Outlet:y",
            and(vec![fw(Field::Title, "x"), fw(Field::Outlet, "y")]),
        );
        same("title:\"a b\"~3", ph(Field::Title, "a b", 3));
        // the field prefix is not part of the span
        let e = ok("title:ISIS");
        assert_eq!(e.positive_atoms()[0].span, 6..10);
        // literal word after field:
        same("title:AND", fw(Field::Title, "AND"));
        same("title:-x", fw(Field::Title, "-x"));
        same("title:foo:bar", fw(Field::Title, "foo:bar"));
    }

    #[test]
    fn field_groups() {
        same(
            "title:(a OR b)",
            or(vec![fw(Field::Title, "a"), fw(Field::Title, "b")]),
        );
        same(
            "title:(a outlet:b -c)",
            and(vec![
                fw(Field::Title, "a"),
                fw(Field::Outlet, "b"),
                not(fw(Field::Title, "c")),
            ]),
        );
        same(
            "x -entity:(a b)",
            and(vec![
                w("x"),
                not(and(vec![fw(Field::Entity, "a"), fw(Field::Entity, "b")])),
            ]),
        );
    }

    #[test]
    fn colon_words_that_are_not_fields() {
        same("http://example.com/a", w("http://example.com/a"));
        same("title://x", w("title://x"));
        same("10:30", w("10:30"));
        same("Note: x", and(vec![w("Note:"), w("x")]));
        same("(a Note:)", and(vec![w("a"), w("Note:")]));
        same(":x", w(":x"));
        same("U.S.:x", w("U.S.:x"));
    }

    #[test]
    fn prefixes() {
        same("polit*", atom(Field::Any, AtomKind::Prefix("polit".into())));
        same(
            "title:polit*",
            atom(Field::Title, AtomKind::Prefix("polit".into())),
        );
        same(
            "a -x*",
            and(vec![
                w("a"),
                not(atom(Field::Any, AtomKind::Prefix("x".into()))),
            ]),
        );
    }

    #[test]
    fn boolean_basics() {
        same(
            "Baghdadi AND (Raqqa OR Mosul)",
            and(vec![w("Baghdadi"), or(vec![w("Raqqa"), w("Mosul")])]),
        );
        let excluded = and(vec![w("ISIS"), not(w("Raqqa"))]);
        same("ISIS -Raqqa", excluded.clone());
        same("ISIS NOT Raqqa", excluded.clone());
        same("ISIS AND NOT Raqqa", excluded);
        same("+ISIS +Iraq", and(vec![w("ISIS"), w("Iraq")]));
        same(
            "ISIS -\"Islamic State\"",
            and(vec![w("ISIS"), not(ph(Field::Any, "Islamic State", 0))]),
        );
        same(
            "a -(b c)",
            and(vec![w("a"), not(and(vec![w("b"), w("c")]))]),
        );
        same("a && b || c", and(vec![w("a"), or(vec![w("b"), w("c")])]));
        same(
            "a and b or not c",
            and(vec![w("a"), w("and"), w("b"), w("or"), w("not"), w("c")]),
        );
        same("ANDroid ORacle", and(vec![w("ANDroid"), w("ORacle")]));
    }

    #[test]
    fn precedence() {
        same(
            "ISIS weapons OR arms",
            and(vec![w("ISIS"), or(vec![w("weapons"), w("arms")])]),
        );
        same("a AND b OR c", and(vec![w("a"), or(vec![w("b"), w("c")])]));
        same("a OR b c", and(vec![or(vec![w("a"), w("b")]), w("c")]));
        same(
            "a OR b AND c OR d",
            and(vec![or(vec![w("a"), w("b")]), or(vec![w("c"), w("d")])]),
        );
        same("NOT a OR b", or(vec![not(w("a")), w("b")]));
        same(
            "(a AND b) OR c",
            or(vec![and(vec![w("a"), w("b")]), w("c")]),
        );
        same("-a OR b", or(vec![not(w("a")), w("b")]));
    }

    #[test]
    fn normalisation() {
        same("a (b (c d))", and(vec![w("a"), w("b"), w("c"), w("d")]));
        same(
            "a OR (b OR (c OR d))",
            or(vec![w("a"), w("b"), w("c"), w("d")]),
        );
        same("((a))", w("a"));
        same("+a", w("a"));
        same("NOT -a", w("a"));
        same("x -(NOT a)", and(vec![w("x"), w("a")]));
        same("x NOT NOT NOT a", and(vec![w("x"), not(w("a"))]));
        same("a NOT b", and(vec![w("a"), not(w("b"))]));
    }

    #[test]
    fn empty_errors() {
        err("", QueryErrorKind::Empty, 0);
        err("  \t\n", QueryErrorKind::Empty, 0);
        err("a \"\"", QueryErrorKind::Empty, 2);
        err("a \"   \"", QueryErrorKind::Empty, 2);
        err("a ()", QueryErrorKind::Empty, 2);
    }

    #[test]
    fn dangling_operator_errors() {
        use QueryErrorKind::DanglingOperator as D;
        err("a AND", D, 2);
        err("OR b", D, 0);
        err("a AND OR b", D, 2);
        err("NOT", D, 0);
        err("a NOT", D, 2);
        err("a OR", D, 2);
        err("a OR OR b", D, 2);
        err("(a OR)", D, 3);
        err("NOT AND a", D, 0);
        err("a -", D, 2);
        err("- a", D, 0);
        err("+", D, 0);
        err("(a -)", D, 3);
        err("a ||", D, 2);
        let e = err("a AND", D, 2);
        assert_eq!(e.message, "'AND' must be followed by a search term");
    }

    #[test]
    fn paren_errors() {
        use QueryErrorKind::UnbalancedParen as U;
        err("(a", U, 0);
        err("a)", U, 1);
        err("((a)", U, 0);
        err("a))", U, 1);
        err(")", U, 0);
        err("(", U, 0);
        err("title:(", U, 6);
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let e = err(&deep, QueryErrorKind::TooComplex, MAX_DEPTH);
        assert_eq!(
            e.message,
            "query too complex: the nesting of parentheses is limited to 64; flatten the query"
        );
        let fine = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        same(&fine, w("a"));
    }

    /// `w0 OR (w1 (w2 OR (w3 …)))`: `levels` nested groups, alternately OR and AND.
    fn alternating(levels: usize) -> String {
        let op = |k: usize| if k.is_multiple_of(2) { " OR " } else { " " };
        let mut q = String::new();
        for k in 0..levels - 1 {
            q.push_str(&format!("w{k}{}(", op(k)));
        }
        let k = levels - 1;
        q.push_str(&format!("w{k}{}w{}", op(k), k + 1));
        q.push_str(&")".repeat(levels - 1));
        q
    }

    #[test]
    fn the_canonical_form_of_the_deepest_query_parses_again() {
        let deepest = ok(&alternating(MAX_DEPTH));
        assert_round_trip("deepest", &deepest);
        // One more level of groups is refused, in the query as in its canonical form.
        let q = alternating(MAX_DEPTH + 1);
        let e = err(&q, QueryErrorKind::TooComplex, q.find("w64").unwrap());
        assert_eq!(
            e.message,
            "query too complex: the nesting of AND/OR groups is limited to 64; flatten the query"
        );
    }

    #[test]
    fn limits_name_the_limit_and_where_it_was_hit() {
        use QueryErrorKind::TooComplex as T;
        let long = "a ".repeat(MAX_QUERY_BYTES);
        let e = err(&long, T, MAX_QUERY_BYTES);
        assert_eq!(
            e.message,
            "query too complex: the query length in bytes is limited to 10000; shorten the query"
        );
        // Cut inside a multi-byte character: the offset stays on a boundary.
        err(&"é".repeat(MAX_QUERY_BYTES), T, MAX_QUERY_BYTES);
        let terms: Vec<String> = (0..=MAX_TERMS).map(|i| format!("t{i}")).collect();
        let q = terms.join(" ");
        let e = err(&q, T, q.find(&format!("t{MAX_TERMS}")).unwrap());
        assert_eq!(
            e.message,
            "query too complex: the number of terms is limited to 200; split it into several searches"
        );
        let q = terms[..MAX_TERMS].join(" OR ");
        assert!(parse(&q).is_ok());
        let phrase = format!("x \"{}\"", vec!["ISIS"; MAX_PHRASE_WORDS + 1].join(" "));
        let e = err(&phrase, T, 2);
        assert_eq!(
            e.message,
            "query too complex: the number of words in a phrase is limited to 32; search for a shorter phrase"
        );
        same(
            &format!("\"{}\"", vec!["a"; MAX_PHRASE_WORDS].join(" ")),
            ph(Field::Any, &vec!["a"; MAX_PHRASE_WORDS].join(" "), 0),
        );
        let e = err("\"a b\"~51", T, 5);
        assert_eq!(
            e.message,
            "query too complex: the phrase proximity (~N) is limited to 50; use a smaller number"
        );
        same("\"a b\"~50", ph(Field::Any, "a b", 50));
    }

    #[test]
    fn phrase_and_slop_errors() {
        let e = err("\"abc", QueryErrorKind::UnterminatedPhrase, 0);
        assert_eq!(e.message, "unterminated phrase: missing closing \"");
        err("a \"b c", QueryErrorKind::UnterminatedPhrase, 2);
        err("\"x\"~abc", QueryErrorKind::BadSlop, 3);
        err("\"x\"~", QueryErrorKind::BadSlop, 3);
        err("\"x\"~ a", QueryErrorKind::BadSlop, 3);
        err("\"x\"~-1", QueryErrorKind::BadSlop, 3);
        err("\"x\"~+1", QueryErrorKind::BadSlop, 3);
        err("\"x\"~2.5", QueryErrorKind::BadSlop, 3);
        err("\"x\"~99999999999", QueryErrorKind::BadSlop, 3);
    }

    #[test]
    fn field_errors() {
        let e = err("foo:bar", QueryErrorKind::UnknownField, 0);
        assert_eq!(
            e.message,
            "unknown field 'foo'; known fields are title, text, body, outlet, entity, entities and meta.KEY"
        );
        err("a Foo:\"x y\"", QueryErrorKind::UnknownField, 2);
        err("a:(", QueryErrorKind::UnknownField, 0);
        err("source:Reuters", QueryErrorKind::UnknownField, 0);
        err("title:", QueryErrorKind::EmptyField, 0);
        err("a title: b", QueryErrorKind::EmptyField, 2);
        err("(title:)", QueryErrorKind::EmptyField, 1);
    }

    #[test]
    fn wildcard_errors() {
        use QueryErrorKind::BadWildcard as B;
        err("*", B, 0);
        err("a *", B, 2);
        err("a*b", B, 1);
        err("*a", B, 0);
        err("a**", B, 1);
        err("title:*", B, 6);
    }

    #[test]
    fn only_excluded_errors() {
        use QueryErrorKind::OnlyExcluded as O;
        let e = err("NOT a", O, 0);
        assert_eq!(
            e.message,
            "the query only excludes terms; add a term to search for"
        );
        err("-a -b", O, 0);
        err("  -(a b)", O, 2);
        err("-a AND NOT b", O, 0);
        err("a (-b OR -c)", O, 3);
        err("-b OR NOT c", O, 0);
        err("(-b -c)", O, 0);
        // a mixed OR is accepted
        same("a OR -b", or(vec![w("a"), not(w("b"))]));
    }

    #[test]
    fn earliest_error_wins() {
        err("OR \"abc", QueryErrorKind::DanglingOperator, 0);
        err("a AND \"abc", QueryErrorKind::UnterminatedPhrase, 6);
        err("a) \"abc", QueryErrorKind::UnbalancedParen, 1);
    }

    #[test]
    fn positive_atoms_skip_negations() {
        let e = ok("ISIS -Raqqa (Mosul OR NOT Aleppo) title:\"Der Spiegel\"");
        let words: Vec<String> = e.positive_atoms().iter().map(|a| a.to_string()).collect();
        assert_eq!(words, ["ISIS", "Mosul", "title:\"Der Spiegel\""]);
        let spans: Vec<_> = e.positive_atoms().iter().map(|a| a.span.clone()).collect();
        assert_eq!(spans, [0..4, 13..18, 40..53]);
    }

    #[test]
    fn is_only_excluded_on_trees() {
        assert!(not(w("a")).is_only_excluded());
        assert!(and(vec![not(w("a")), not(w("b"))]).is_only_excluded());
        assert!(!and(vec![w("a"), not(w("b"))]).is_only_excluded());
        assert!(!or(vec![w("a"), not(w("b"))]).is_only_excluded());
        assert!(!w("a").is_only_excluded());
    }

    #[test]
    fn display_canonical_form() {
        let cases = [
            ("ISIS weapons OR arms", "(ISIS AND (weapons OR arms))"),
            ("a", "a"),
            ("\"safe corridors\"~2", "\"safe corridors\"~2"),
            ("\"x\"~0", "\"x\""),
            ("ISIS -Raqqa", "(ISIS AND NOT Raqqa)"),
            ("x -(a b)", "(x AND NOT (a AND b))"),
            ("BODY:(a OR b*)", "(text:a OR text:b*)"),
            ("entities:\"Haji  Bakr\"", "entity:\"Haji Bakr\""),
            ("a && b || c", "(a AND (b OR c))"),
        ];
        for (input, want) in cases {
            assert_eq!(ok(input).to_string(), want, "{input:?}");
        }
    }

    #[track_caller]
    fn assert_round_trip(input: &str, e: &Expr) {
        let text = e.to_string();
        let again = parse(&text).unwrap_or_else(|err| panic!("{input:?} -> {text:?}: {err}"));
        assert!(
            e.eq_ignoring_spans(&again),
            "{input:?} -> {text:?} -> {again}"
        );
        assert_eq!(again.to_string(), text);
    }

    #[test]
    fn display_round_trips() {
        let inputs = [
            "Baghdadi AND (Raqqa OR Mosul)",
            "ISIS -Raqqa",
            "ISIS NOT Raqqa",
            "+ISIS +Iraq",
            "title:ISIS outlet:\"RINF Alternative News\"",
            "entity:\"Haji Bakr\"",
            "\"safe corridors\"~2",
            "ISIS weapons OR arms",
            "a AND b OR c",
            "a OR b AND c OR d",
            "NOT a OR b",
            "Suleimani's U.S. al-Baghdadi 2017",
            "title:(a OR outlet:b) -entity:(c d*)",
            "http://x.com Note: 10:30 title:AND title:-x title:http://y",
            "(a Note:) OR b",
            "ünïcödé a\u{0}b",
            "x -(-(y OR z) OR w)",
            "title:foo:bar",
        ];
        for input in inputs {
            assert_round_trip(input, &ok(input));
        }
    }

    #[test]
    fn error_display_and_render() {
        let q = "ünï foo:bar";
        let e = err(q, QueryErrorKind::UnknownField, 6);
        assert_eq!(e.column(q), 5);
        // Display has no query, so it counts bytes (exact for ASCII prefixes)
        assert!(e.to_string().ends_with(" at column 7"), "{e}");
        assert_eq!(e.render(q), "ünï foo:bar\n    ^");
        let q = "a\tAND";
        let e = err(q, QueryErrorKind::DanglingOperator, 2);
        assert_eq!(e.render(q), "a AND\n  ^");
        assert_eq!(
            e.to_string(),
            "'AND' must be followed by a search term at column 3"
        );
        // end-of-input offset and a mismatched query do not panic
        let e = err("(a", QueryErrorKind::UnbalancedParen, 0);
        assert_eq!(e.render(""), "\n^");
        let _ = QueryError { offset: 1, ..e }.render("é");
        // callers build their own errors from the three public fields
        let mine = QueryError {
            kind: QueryErrorKind::Empty,
            offset: 0,
            message: "the query has no searchable words".into(),
        };
        assert_eq!(
            mine.to_string(),
            "the query has no searchable words at column 1"
        );
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    #[track_caller]
    fn check_invariants(input: &str) {
        match parse(input) {
            Ok(e) => {
                assert!(!e.is_only_excluded(), "{input:?}");
                assert!(!e.positive_atoms().is_empty(), "{input:?}");
                for a in e.positive_atoms() {
                    assert!(input.get(a.span.clone()).is_some(), "{input:?} {a:?}");
                }
                assert_round_trip(input, &e);
            }
            Err(err) => {
                assert!(
                    err.offset <= input.len() && input.is_char_boundary(err.offset),
                    "{input:?} {err:?}"
                );
                assert_eq!(err.column(input), input[..err.offset].chars().count() + 1);
                assert!(
                    !err.message.is_empty() && !err.message.contains('\n'),
                    "{err:?}"
                );
                assert!(!err.message.ends_with('.'), "{err:?}");
                assert_eq!(err.render(input).lines().count(), 2, "{input:?}");
            }
        }
    }

    #[test]
    fn never_panics() {
        let edge = [
            "",
            "(",
            ")",
            "\"",
            "AND",
            "a AND",
            "OR b",
            "NOT",
            "a:(",
            "title:",
            ":x",
            "((a)",
            "a))",
            "\"unterminated",
            "-",
            "+",
            "a -",
            "ünïcödé",
            "a\u{0}b",
            "*",
            "**",
            "~",
            "\"a\"~",
            "&&",
            "||",
            "-+-a",
            "+-",
            "NOT -",
            "title:title:",
            "TITLE:\"",
            "x:",
            "é:x",
            "a\u{300}:b",
            "\u{feff}",
            "\r\n",
            "a\u{2003}b",
            "()",
            "(())",
            "(-a)",
            "-(a)",
            "a OR (NOT b)",
            "\"\"~2",
        ];
        for input in edge {
            check_invariants(input);
        }
        let long = [
            "a ".repeat(100_000),
            "(".repeat(100_000),
            ")".repeat(100_000),
            "\"".repeat(100_001),
            "-".repeat(100_000) + "a",
            "NOT ".repeat(50_000) + "a",
            "a OR ".repeat(50_000) + "b",
            "(a OR (b ".repeat(1_000),
            "x".repeat(1_000_000),
            "é*".repeat(10_000),
        ];
        for input in &long {
            check_invariants(input);
        }
        let pieces = [
            "a", "b", "ISIS", " ", " ", " ", "(", ")", "\"", "AND", "OR", "NOT", "-", "+", "*",
            ":", "title:", "foo:", "~", "2", "&&", "||", "ü", "\u{0}", "\t", "http://", "x*",
            "\"a b\"", "~x", "outlet:", "é", "body:", "10:30",
        ];
        let mut rng = Lcg(0x5eed);
        let mut input = String::new();
        for _ in 0..30_000 {
            input.clear();
            for _ in 0..rng.next(12) {
                input.push_str(pieces[rng.next(pieces.len())]);
                if rng.next(3) == 0 {
                    input.push(' ');
                }
            }
            check_invariants(&input);
        }
    }

    /// Property tests: generated queries (from the grammar) and arbitrary strings.
    mod props {
        use super::*;
        use proptest::prelude::*;

        fn word() -> impl Strategy<Value = String> {
            "[a-zé][a-z0-9é'.-]{0,6}"
        }

        fn atom() -> impl Strategy<Value = String> {
            let field = prop_oneof![
                Just(String::new()),
                Just("title:".to_string()),
                Just("outlet:".to_string()),
                Just("Entity:".to_string()),
                Just("body:".to_string()),
            ];
            let term = prop_oneof![
                4 => word(),
                1 => word().prop_map(|w| format!("{w}*")),
                2 => (prop::collection::vec(word(), 1..5), prop::option::of(0u32..150))
                    .prop_map(|(ws, slop)| match slop {
                        Some(n) => format!("\"{}\"~{n}", ws.join(" ")),
                        None => format!("\"{}\"", ws.join("  ")),
                    }),
            ];
            (field, term).prop_map(|(f, t)| format!("{f}{t}"))
        }

        fn query() -> impl Strategy<Value = String> {
            atom().prop_recursive(6, 48, 4, |inner| {
                prop_oneof![
                    (
                        inner.clone(),
                        prop::sample::select(vec![" ", " AND ", " OR ", " && ", " || "]),
                        inner.clone()
                    )
                        .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
                    (
                        prop::sample::select(vec!["-", "+", "NOT ", "NOT -"]),
                        inner.clone()
                    )
                        .prop_map(|(op, e)| format!("{op}({e})")),
                    inner.clone().prop_map(|e| format!("({e})")),
                    (
                        prop::sample::select(vec!["title:", "text:", "entity:"]),
                        inner
                    )
                        .prop_map(|(f, e)| format!("x {f}({e})")),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// parse(print(parse(q))) == parse(q) for every query the grammar generates.
            #[test]
            fn printing_a_parsed_query_parses_to_the_same_tree(q in query()) {
                if let Ok(e) = parse(&q) {
                    let printed = e.to_string();
                    let again = parse(&printed);
                    prop_assert!(again.is_ok(), "{q:?} -> {printed:?}: {:?}", again);
                    let again = again.unwrap();
                    prop_assert!(e.eq_ignoring_spans(&again), "{q:?} -> {printed:?} -> {again}");
                    prop_assert_eq!(again.to_string(), printed);
                }
                check_invariants(&q);
            }

            /// Arbitrary text never panics, and errors point inside the query.
            #[test]
            fn arbitrary_strings_never_panic(q in any::<String>()) {
                check_invariants(&q);
            }

            /// Query-like noise: the parser's special characters, mixed.
            #[test]
            fn query_like_noise_never_panics(q in "[a-c \"()*:~+\\-&|ANDORTtile0-9é]{0,80}") {
                check_invariants(&q);
            }
        }
    }
}
