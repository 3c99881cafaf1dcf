//! Unicode and whitespace normalization of decoded article text.
//!
//! This module owns the canonical form of text that gets indexed: Unicode NFC,
//! one kind of space, ASCII quotes and apostrophes, `\n` line endings, trimmed
//! lines and paragraphs separated by exactly one blank line. It must not decide
//! what is or is not part of an article (that is `boilerplate.rs`), must not
//! deal with bytes or encodings (that is `encoding.rs`), and must not change
//! letters, digits, dashes or other punctuation beyond the foldings listed on
//! [`normalize`].

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Normalizes text for indexing and display.
///
/// * Unicode NFC (`e` + combining acute → `é`).
/// * Every space separator (U+00A0 no-break space, U+202F narrow no-break
///   space, U+2007 figure space, U+2000–U+200A, U+205F, U+1680, U+3000
///   ideographic space) and tab becomes a plain space.
/// * Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and the soft
///   hyphen (U+00AD) are removed, as are control characters other than line
///   breaks.
/// * Quotes are folded to ASCII: `‘ ’ ‚ ‛ ′ ʼ ‹ ›` → `'` and `“ ” „ ‟ ″ « »` →
///   `"`, so `Suleimani’s` and `Suleimani's` are the same word.
/// * Dashes (`–`, `—`) and the ellipsis character (`…`) are kept as they are:
///   they carry meaning in display and the search tokenizer ignores them
///   anyway.
/// * Line breaks become `\n`: `\r\n`, lone `\r`, U+2028, U+2029, and also NEL
///   (U+0085), vertical tab and form feed (removing those would glue the words
///   on either side together).
/// * Runs of spaces collapse to one; each line is trimmed; two or more line
///   breaks with nothing but spaces between them become exactly one blank line
///   (a paragraph break), a single line break is kept; leading and trailing
///   blank lines are removed.
///
/// The result is a fixed point: `normalize(&normalize(s)) == normalize(s)`.
/// Text that is already normalized ASCII is recognised by a few vectorizable
/// byte scans and copied; everything else is rebuilt in one pass (runs of
/// plain ASCII are copied whole), with a further NFC pass only when the result
/// is not already in NFC.
pub fn normalize(s: &str) -> String {
    if is_normalized_ascii(s) {
        return s.to_owned();
    }
    normalize_slow(s)
}

/// The general path of [`normalize`]: folds characters and lays out lines in
/// one pass, then applies NFC if needed.
///
/// Folding comes before NFC because removing an invisible character can bring
/// a base letter and a combining mark together; NFC never produces a
/// character that folding or layout would change, so the result stays a fixed
/// point.
fn normalize_slow(s: &str) -> String {
    let mut out = Layout::with_capacity(s.len());
    let mut after_cr = false;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if is_plain_ascii(c) {
            // Copy a whole run of visible ASCII and single spaces between
            // visible ASCII at once: it needs no mapping and no layout.
            let (run, tail) = rest
                .split_at_checked(plain_run_len(rest.as_bytes()))
                .unwrap_or((rest, ""));
            out.push_str(run);
            rest = tail;
            after_cr = false;
            continue;
        }
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
        let was_cr = std::mem::replace(&mut after_cr, false);
        match c {
            '\n' if was_cr => {}
            '\r' => {
                after_cr = true;
                out.newline();
            }
            '\n' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.newline(),
            ' '
            | '\t'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => out.space(),
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2bc}'
            | '\u{2039}' | '\u{203a}' => out.push('\''),
            '\u{201c}'..='\u{201f}' | '\u{2033}' | '\u{ab}' | '\u{bb}' => out.push('"'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let out = out.finish();
    if out.is_ascii() || is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// Visible ASCII (`!` to `~`): copied to the output unchanged.
fn is_plain_ascii(c: char) -> bool {
    matches!(c, '!'..='~')
}

/// Length of the leading run of `b` made of visible ASCII and of single spaces
/// that have visible ASCII on both sides. `b` must start with visible ASCII.
fn plain_run_len(b: &[u8]) -> usize {
    let visible = |i: usize| b.get(i).is_some_and(|&x| matches!(x, b'!'..=b'~'));
    let mut end = 0;
    loop {
        if visible(end) {
            end += 1;
        } else if b.get(end) == Some(&b' ') && visible(end + 1) {
            end += 2;
        } else {
            return end;
        }
    }
}

/// True when `s` is ASCII that [`normalize`] would return unchanged: printable
/// characters, single spaces between words, `\n` line breaks, no space at a
/// line's start or end, at most one blank line in a row, and no blank line at
/// the start or end.
fn is_normalized_ascii(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true;
    };
    !matches!(first, b' ' | b'\n')
        && !matches!(last, b' ' | b'\n')
        && b.iter().all(|&c| c == b'\n' || (b' '..=b'~').contains(&c))
        && !s.contains("  ")
        && !s.contains(" \n")
        && !s.contains("\n ")
        && !s.contains("\n\n\n")
}

/// Output buffer that collapses spaces and blank lines as characters arrive.
struct Layout {
    /// Text written so far; never ends in a space or line break.
    out: String,
    /// A space is owed before the next character on this line.
    space: bool,
    /// Line breaks seen since the last character.
    newlines: u32,
}

impl Layout {
    fn with_capacity(capacity: usize) -> Self {
        Layout {
            out: String::with_capacity(capacity),
            space: false,
            newlines: 0,
        }
    }

    /// A space: kept only between two characters of the same line.
    fn space(&mut self) {
        if self.newlines == 0 && !self.out.is_empty() {
            self.space = true;
        }
    }

    /// A line break: drops any owed space (trailing spaces) and is written
    /// only when more text follows.
    fn newline(&mut self) {
        self.space = false;
        if !self.out.is_empty() {
            self.newlines = self.newlines.saturating_add(1);
        }
    }

    /// A non-empty run of visible characters with no space or line break.
    fn push_str(&mut self, run: &str) {
        self.flush();
        self.out.push_str(run);
    }

    /// A visible character, preceded by the space or line breaks owed.
    fn push(&mut self, c: char) {
        self.flush();
        self.out.push(c);
    }

    /// Writes the space or line breaks owed before the next visible text.
    fn flush(&mut self) {
        match self.newlines {
            0 if self.space => self.out.push(' '),
            0 => {}
            1 => self.out.push('\n'),
            _ => self.out.push_str("\n\n"),
        }
        self.space = false;
        self.newlines = 0;
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Excerpts of real scraped articles (seeds), with their NBSPs, curly
    /// quotes, double spaces and stray blank lines.
    const SEEDS: &[&str] = &[
        "Why is the Iraqi Government Supplying ISIS with Humanitarian Aid?\n\nBasNews, a Kurdish magazine reports that the Iraqi government is tranferring, \u{201c}thousands of tons of medicine are being transferred to the Islamic jihadists.\u{201d}\n\nThe answer is simple, the Iraqi government has always functioned on two levels.\u{a0} On the national level it is run by a Shia who heads a secularist Sunni party.\n\nWhat ever the reason behind the shipments of supplies one thing is clear: If we don\u{2019}t stop the desire\u{a0} to create chaos in order to establish neo-fascist controlthen the region will continue to experience war and instability.",
        "Iraqi Intelligence: USA Is Supplying ISIS with Weapons, Food\n\nReuters / FBI / Handout via Reuters\n\n\nIn a report that has gone virtually unnoticed, Iraqi intelligence sources have claimed that the US is supplying ISIS terrorists with resources under the guise of air raids on militants\u{2019} positions.\n\nSenator Rand Paul has repeatedly called Obama out on the shocking situation, noting that \u{201c}They never would have grown this strong without \u{2026} their allies getting weapons from both us.\u{201d}\n\nHow comforting.\n\nThis piece was reprinted by RINF Alternative News with permission or license.",
        "IRAQ: Sectarianism / Salafiism / Shiiaism / Saudi Arabia / Qatar / Iran / and the West\n\nWith an amalgam of participants, sectarian violence in Iraq is probably\u{a0} at its worst at the moment.\u{a0} It might have exceeded a similar situation between\u{a0} 2005-2007 when Sunni and Shiia death squads virtually ruled the streets\u{a0} of all major Iraqi cities.\u{a0}\u{a0}\n\nThat could be the only\u{a0} situation when NATO might want to jump in and fight ....\u{a0} fight the rivals of\u{a0} Al Qaeda .... with some lame cover story. \n\nThink of it now.",
        "18 November 2017\n\nWhy ISIS Fighters Were Allowed to Leave Raqqa?\n\nThe costs range from $4,000 (\u{a3}3,000) per fighter to $20,000 for a large family.\nAccording to the spokesman of coalition forces Co. Ryan Dillon they were reluctant to let them go. But they did.\n\u{201c}We didn\u{2019}t want anyone to leave,\u{201d} says Col Ryan Dillon.\n\n\u{201c}But this goes to the heart of our strategy, \u{2018}by, with and through\u{2019} local leaders on the ground. It comes down to Syrians \u{2013} they are the ones fighting,\u{201d} he says.\n\nNo comments:\n\nPost a Comment",
        "12 December, 2016\n\n\nThe U.S. has a peculiar relationship with ISIS in Syria.\n\n\u{a0} 1. ISIS was a vicious force and it\u{2019}s fanatical attacks on the Syrians weakened the Syrian defence forces. The Council on Foreign Relations (CFR) \u{2013} the U.S. government\u{2019}s think tank.\n\nFollow us on Facebook: https://www.facebook.com/TVsLeaking/ \n\nLeave a Reply\n\nYou are commenting using your WordPress.com account. Log Out /\u{a0} Change )\n\nConnecting to %s",
    ];

    #[test]
    fn nbsp_becomes_space() {
        assert_eq!(normalize("a\u{a0}b"), "a b");
        assert_eq!(normalize("levels.\u{a0} On"), "levels. On");
        assert_eq!(
            normalize("x\u{202f}y\u{2007}z\u{2003}w\u{3000}v\u{2009}u"),
            "x y z w v u"
        );
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(normalize("a\tb\t\tc"), "a b c");
    }

    #[test]
    fn curly_apostrophes_fold() {
        assert_eq!(normalize("Suleimani\u{2019}s"), normalize("Suleimani's"));
        assert_eq!(normalize("Suleimani\u{2019}s"), "Suleimani's");
        assert_eq!(
            normalize(
                "\u{2018}a\u{2019} \u{201a}b\u{201b} 5\u{2032} ma\u{2bc}am \u{2039}c\u{203a}"
            ),
            "'a' 'b' 5' ma'am 'c'"
        );
    }

    #[test]
    fn curly_double_quotes_fold() {
        assert_eq!(
            normalize("\u{201c}a\u{201d} \u{201e}b\u{201f} 6\u{2033} \u{ab}c\u{bb}"),
            "\"a\" \"b\" 6\" \"c\""
        );
    }

    #[test]
    fn dashes_and_ellipsis_are_kept() {
        assert_eq!(
            normalize("Syrians \u{2013} they \u{2014} wait\u{2026} here"),
            "Syrians \u{2013} they \u{2014} wait\u{2026} here"
        );
        assert_eq!(normalize("wait..."), "wait...");
    }

    #[test]
    fn line_endings() {
        assert_eq!(normalize("a\r\nb\r\n\r\nc"), "a\nb\n\nc");
        assert_eq!(normalize("a\rb\r\rc"), "a\nb\n\nc");
        assert_eq!(normalize("a\r\r\nb"), "a\n\nb");
        assert_eq!(normalize("a\u{2028}b\u{2029}c"), "a\nb\nc");
        assert_eq!(normalize("a\u{85}b\u{0c}c\u{0b}d"), "a\nb\nc\nd");
    }

    #[test]
    fn spaces_collapse_and_lines_trim() {
        assert_eq!(normalize("  a   b  \n   c  "), "a b\nc");
        assert_eq!(normalize("a \u{a0} \t b"), "a b");
    }

    #[test]
    fn paragraphs_are_kept() {
        assert_eq!(normalize("one\ntwo\n\nthree"), "one\ntwo\n\nthree");
        assert_eq!(normalize("one\n\n\n\nthree"), "one\n\nthree");
        assert_eq!(normalize("one\n  \n \t\n\u{a0}\nthree"), "one\n\nthree");
        assert_eq!(normalize("\n\n  \nfirst\n\nlast\n\n \n"), "first\n\nlast");
    }

    #[test]
    fn nfc() {
        assert_eq!(normalize("caf\u{65}\u{301}"), "caf\u{e9}");
        assert_eq!(normalize("A\u{30a}ngstr\u{f6}m"), "\u{c5}ngstr\u{f6}m");
        // A removed invisible character must not leave a decomposed pair.
        assert_eq!(normalize("e\u{200b}\u{301}"), "\u{e9}");
        assert_eq!(normalize("e\u{ad}\u{301}"), "\u{e9}");
    }

    #[test]
    fn zero_width_and_soft_hyphen_removed() {
        assert_eq!(
            normalize("ze\u{200b}ro\u{200c}wi\u{200d}dth\u{2060}\u{feff}"),
            "zerowidth"
        );
        assert_eq!(normalize("\u{feff}Title"), "Title");
        assert_eq!(normalize("hy\u{ad}phen"), "hyphen");
    }

    #[test]
    fn control_characters_removed() {
        assert_eq!(normalize("a\u{7}b\u{1b}c\u{7f}d\u{9b}e"), "abcde");
        assert_eq!(normalize("a\0b"), "ab");
    }

    #[test]
    fn empty_and_blank() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n\t\r\n\u{a0}"), "");
    }

    #[test]
    fn already_normalized_ascii_is_unchanged() {
        let s = "Title\n\nFirst line\nsecond line.\n\nLast paragraph.";
        assert!(is_normalized_ascii(s));
        assert_eq!(normalize(s), s);
    }

    #[test]
    fn fast_path_agrees_with_slow_path() {
        let cases = [
            "",
            "a",
            "a b",
            "a\nb",
            "a\n\nb",
            "a\n\n\nb",
            "a  b",
            " a",
            "a ",
            "a \nb",
            "a\n b",
            "\na",
            "a\n",
            "a\tb",
            "a\r\nb",
            "a\x7fb",
            "it's \"quoted\"",
        ];
        for case in cases {
            let slow = normalize_slow(case);
            if is_normalized_ascii(case) {
                assert_eq!(case, slow, "fast path accepted {case:?}");
            }
            assert_eq!(normalize(case), slow, "{case:?}");
        }
    }

    #[test]
    fn seed_excerpts_normalize() {
        let out = normalize(SEEDS[0]);
        assert!(out.contains("two levels. On the national level"));
        assert!(out.contains("If we don't stop the desire to create chaos"));
        assert!(out.contains("tranferring, \"thousands of tons"));

        let out = normalize(SEEDS[1]);
        assert!(out.contains("Reuters / FBI / Handout via Reuters\n\nIn a report"));
        assert!(out.contains("without \u{2026} their allies"));

        let out = normalize(SEEDS[2]);
        assert!(out.contains("cities.\n\nThat could"));
        assert!(out.contains("fight .... fight the rivals of Al Qaeda ...."));

        let out = normalize(SEEDS[3]);
        assert!(out.contains("family.\nAccording to"));
        assert!(out.contains("\"We didn't want anyone to leave,\" says"));
        assert!(out.contains("'by, with and through'"));

        let out = normalize(SEEDS[4]);
        assert!(out.starts_with("12 December, 2016\n\nThe U.S."));
        assert!(out.contains("\n\n1. ISIS was"));
        assert!(out.contains("Log Out / Change )"));
        assert!(out.contains("https://www.facebook.com/TVsLeaking/\n\nLeave a Reply"));
    }

    #[test]
    fn idempotent_on_seeds() {
        for seed in SEEDS {
            let once = normalize(seed);
            assert_eq!(normalize(&once), once);
            assert!(!once.contains("\n\n\n"));
            assert!(!once.contains("  "));
            assert!(!once.contains('\u{a0}'));
            assert!(!once.contains('\u{2019}'));
            assert!(is_normalized_ascii(&once) || !once.is_ascii());
        }
    }

    #[test]
    fn idempotent_on_awkward_input() {
        let cases = [
            "\u{feff}  a\u{a0}\u{a0}b \r\n\r\n\r\n c\u{2029}\u{2029}d\t",
            "e\u{301}\u{200b}\u{301} x\u{316}\u{ad}\u{301}",
            " \u{301}leading mark\n \u{308}next",
            "\u{5d0}\u{5b1}\u{ad}\u{5b0}",
            "\u{2000}\u{2001}quad\u{2001}\u{2000}",
        ];
        for case in cases {
            let once = normalize(case);
            assert_eq!(normalize(&once), once, "{case:?}");
        }
    }
}
