//! Presenting: render results as human-readable text or as JSON.
//!
//! Owns every byte morgue prints on stdout for a result. Takes the plain structs that the
//! library returns; never runs a search or opens the index. Highlights arrive as byte ranges;
//! the text presenter shows them as ANSI colours (only when asked to: the CLI decides from the
//! terminal and `NO_COLOR`), the JSON presenter as character ranges. Archive text is untrusted:
//! whatever is printed passes through [`safe`] (control characters made visible, spreadsheet
//! formulas neutralized) on its way out.

pub mod export;
pub mod json;
pub mod lookup;
pub mod safe;
pub mod text;

/// How to show highlighted spans in text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours and bold.
    pub color: bool,
    /// Print whole passages instead of a window around the first match.
    pub full: bool,
    /// Terminal width to wrap passages at.
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            full: false,
            width: 100,
        }
    }
}
