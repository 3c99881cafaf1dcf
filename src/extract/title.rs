//! Titles: the first real line of a plain-text article.
//!
//! Owns choosing the title line. Must not invent a title: an article with no text has none.

use std::ops::Range;

/// Longest title kept, in characters; longer first lines are cut at a word boundary.
pub const MAX_TITLE_CHARS: usize = 300;

/// The title of an article and the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTitle {
    /// The title text (trimmed, at most [`MAX_TITLE_CHARS`] characters plus `…`).
    pub title: String,
    /// Byte range of the title line in the input.
    pub line: Range<usize>,
    /// True when the line reads as a sentence of prose rather than a headline, in which case it
    /// also stays in the article's passages.
    pub is_prose: bool,
}

/// Finds the first non-empty line of `text` that is not inside `skip` (the dateline).
pub fn find_title(text: &str, skip: Option<&Range<usize>>) -> Option<FoundTitle> {
    let mut offset = 0;
    for line in text.split('\n') {
        let range = offset..offset + line.len();
        offset += line.len() + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(s) = skip {
            if range.start >= s.start && range.end <= s.end {
                continue;
            }
        }
        let words = trimmed.split_whitespace().count();
        let is_prose = words > 12 && trimmed.ends_with(['.', '!']);
        return Some(FoundTitle {
            title: shorten(trimmed, MAX_TITLE_CHARS),
            line: range,
            is_prose,
        });
    }
    None
}

/// Cuts `s` to at most `max` characters at a word boundary, adding `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut = s.char_indices().nth(max).map(|(i, _)| i).unwrap_or(s.len());
    let head = &s[..cut];
    let head = head.rfind(' ').map(|i| &head[..i]).unwrap_or(head);
    format!("{}…", head.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_the_title() {
        let t = "Why ISIS Fighters Were Allowed to Leave Raqqa?\n\nBody text.";
        let f = find_title(t, None).unwrap();
        assert_eq!(f.title, "Why ISIS Fighters Were Allowed to Leave Raqqa?");
        assert_eq!(f.line, 0..46);
        assert!(!f.is_prose);
    }

    #[test]
    fn dateline_above_is_skipped() {
        let t = "18 November 2017\n\nWhy ISIS Fighters Were Allowed to Leave Raqqa?\n\nBody.";
        let f = find_title(t, Some(&(0..16))).unwrap();
        assert_eq!(f.title, "Why ISIS Fighters Were Allowed to Leave Raqqa?");
        assert_eq!(&t[f.line.clone()], f.title);
    }

    #[test]
    fn prose_first_line_is_flagged() {
        let t = "The U.S. has a peculiar relationship with ISIS in Syria, which may be explained as follows.\n\nMore.";
        assert!(find_title(t, None).unwrap().is_prose);
    }

    #[test]
    fn long_lines_are_cut_and_empty_text_has_no_title() {
        let long = "word ".repeat(200);
        let f = find_title(&long, None).unwrap();
        assert!(f.title.chars().count() <= MAX_TITLE_CHARS + 1);
        assert!(f.title.ends_with('…'));
        assert_eq!(find_title("\n\n", None), None);
    }
}
