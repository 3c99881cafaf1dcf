//! Making untrusted archive text safe to print: the one place that decides what reaches a
//! terminal, a JSON reader or a spreadsheet.
//!
//! Articles come from scraped, untrusted sources; their titles, text, outlets and file names may
//! hold terminal escape sequences (`ESC[2J` clears the screen, OSC 52 writes the clipboard) or
//! spreadsheet formulas (`=HYPERLINK(…)`). Every text rendering goes through [`terminal`] on its
//! way out, JSON through [`json`], and every CSV cell through [`csv_cell`]. Renderers never
//! sanitize field by field.
//!
//! - Text: control characters are shown as their Unicode *control pictures* (ESC as `␛`, BEL as
//!   `␇`, DEL as `␡`), one visible character each, so columns stay aligned; C1 controls
//!   (U+0080–U+009F, which some terminals obey as escapes) and the bidirectional overrides and
//!   isolates (U+202A–U+202E, U+2066–U+2069, which reorder what is shown) become `�`. Newlines and
//!   tabs stay. With colours on, morgue's own colour codes (and only those) pass.
//! - JSON: serde escapes C0 controls; DEL and C1 controls are escaped as `\u00XX` too, so the
//!   value is unchanged and nothing raw reaches a terminal.
//! - CSV: a cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`,
//!   a tab or a carriage return, and is not a plain number) gets a leading `'`, as OWASP
//!   recommends; `export --raw-cells` turns this off.
//!
//! ```
//! use morgue::present::safe;
//! assert_eq!(safe::terminal("a\u{1b}[2Jb", false), "a␛[2Jb");
//! assert_eq!(safe::csv_cell("=1+1", false), "'=1+1");
//! assert_eq!(safe::csv_cell("-3.5", false), "-3.5");
//! ```

use super::text;
use std::borrow::Cow;

/// The colour codes morgue itself writes (see `text.rs`); only these pass [`terminal`] when
/// colours are on.
const OWN_CODES: [&str; 4] = [text::RESET, text::BOLD, text::DIM, text::MATCH];

/// What `c` must be shown as on a terminal, or `None` when it can be shown as it is.
fn visible(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        // C0 controls: the control pictures U+2400–U+241F.
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Some(char::REPLACEMENT_CHARACTER)
        }
        _ => None,
    }
}

/// `s` with every control character made visible (see the module docs); with `keep_colors`,
/// morgue's own colour codes are kept. Borrows when there is nothing to change.
pub fn terminal(s: &str, keep_colors: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| visible(c).is_some()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if keep_colors && c == '\x1b' {
            if let Some(code) = OWN_CODES.iter().find(|code| rest.starts_with(*code)) {
                out.push_str(code);
                rest = &rest[code.len()..];
                continue;
            }
        }
        out.push(visible(c).unwrap_or(c));
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Serialized JSON with DEL and C1 controls escaped as `\u00XX` (serde leaves them raw); the
/// values it denotes are unchanged, since outside strings JSON is ASCII.
pub fn json(s: &str) -> Cow<'_, str> {
    let raw = |c: char| matches!(c, '\x7f'..='\u{9f}');
    if !s.chars().any(raw) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A CSV cell that a spreadsheet will not run as a formula: a leading `'` when the cell starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number (OWASP's
/// advice against CSV injection). `raw` returns the cell unchanged.
pub fn csv_cell(cell: &str, raw: bool) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if raw || !risky || cell.trim().parse::<f64>().is_ok_and(f64::is_finite) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(format!("'{cell}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_controls_as_pictures_and_keeps_layout() {
        assert_eq!(terminal("plain\ttext\n", false), "plain\ttext\n");
        assert!(matches!(terminal("plain", false), Cow::Borrowed(_)));
        assert_eq!(
            terminal("\x1b]52;c;ZXZpbA==\x07x\r\x7f", false),
            "␛]52;c;ZXZpbA==␇x␍␡"
        );
        assert_eq!(terminal("\u{9b}2J \u{202e}cba", false), "�2J �cba");
        // One visible character per control: widths computed before stay right.
        let s = "a\x1b[2Jb";
        assert_eq!(terminal(s, false).chars().count(), s.chars().count());
    }

    #[test]
    fn only_our_own_colour_codes_pass() {
        let ours = format!("{}x{}", OWN_CODES[3], OWN_CODES[0]);
        assert_eq!(terminal(&ours, true), ours);
        assert_eq!(terminal(&ours, false), "␛[1;31mx␛[0m");
        assert_eq!(terminal("\x1b[2J\x1b[31m", true), "␛[2J␛[31m");
    }

    #[test]
    fn json_escapes_what_serde_leaves_raw() {
        let v = serde_json::to_string("a\u{1b}b\u{9b}c\u{7f}").unwrap();
        assert_eq!(json(&v), r#""a\u001bb\u009bc\u007f""#);
        let back: String = serde_json::from_str(&json(&v)).unwrap();
        assert_eq!(back, "a\u{1b}b\u{9b}c\u{7f}");
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_get_a_quote() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1+cmd", "'+1+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("plain = text", "plain = text"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell, false), want, "{cell:?}");
            assert_eq!(csv_cell(cell, true), cell);
        }
    }
}
