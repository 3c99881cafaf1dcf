//! Passages: split an article's text into the units that get indexed and ranked.
//!
//! Owns paragraph detection, sentence splitting and the merge/split policy: paragraphs become
//! passages; short ones (under [`MIN_WORDS`]) are merged with their neighbours and long ones
//! (over [`MAX_WORDS`]) are split on sentence boundaries (found by [`crate::sentences`], the
//! splitter the recognizer uses too). Passages are byte spans of the text, in
//! order, never overlapping, and never cut a word. Must not change the text itself.

use crate::model::PassageSpan;
use std::ops::Range;

/// A passage shorter than this (in words) is merged with a neighbour when possible.
pub const MIN_WORDS: usize = 40;
/// A passage longer than this (in words) is split on sentence boundaries.
pub const MAX_WORDS: usize = 200;

/// Splits `text` into passages, leaving out the byte ranges in `exclude` (e.g. the title and
/// dateline lines).
pub fn split(text: &str, exclude: &[Range<usize>]) -> Vec<PassageSpan> {
    let paragraphs: Vec<Range<usize>> = paragraphs(text)
        .into_iter()
        .filter(|p| !exclude.iter().any(|x| p.start >= x.start && p.end <= x.end))
        .collect();
    // Split long paragraphs into sentence groups.
    let mut pieces: Vec<(Range<usize>, usize)> = Vec::new();
    for p in paragraphs {
        let words = word_count(&text[p.clone()]);
        if words <= MAX_WORDS {
            pieces.push((p, words));
        } else {
            pieces.extend(split_long(text, p));
        }
    }
    // Merge short pieces forward, and a short tail backward.
    let mut merged: Vec<(Range<usize>, usize)> = Vec::new();
    for (range, words) in pieces {
        match merged.last_mut() {
            Some((last, n)) if *n < MIN_WORDS && *n + words <= MAX_WORDS => {
                last.end = range.end;
                *n += words;
            }
            _ => merged.push((range, words)),
        }
    }
    if merged.len() >= 2 {
        let (tail, tail_words) = merged[merged.len() - 1].clone();
        let prev_words = merged[merged.len() - 2].1;
        if tail_words < MIN_WORDS && prev_words + tail_words <= MAX_WORDS {
            merged.pop();
            if let Some((prev, n)) = merged.last_mut() {
                prev.end = tail.end;
                *n += tail_words;
            }
        }
    }
    merged
        .into_iter()
        .enumerate()
        .map(|(i, (r, _))| PassageSpan {
            number: i as u32,
            start: r.start,
            end: r.end,
        })
        .collect()
}

/// Number of whitespace-separated words.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Paragraph byte ranges (trimmed). Blank lines separate blocks; inside a block each line is a
/// paragraph, unless the block looks hard-wrapped (several lines, most of them not ending a
/// sentence), in which case the whole block is one paragraph.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut block: Vec<Range<usize>> = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let start = offset + (line.len() - line.trim_start().len());
        let end = offset + line.trim_end().len();
        offset += line.len() + 1;
        if start >= end {
            flush_block(&mut block, text, &mut out);
        } else {
            block.push(start..end);
        }
    }
    flush_block(&mut block, text, &mut out);
    out
}

fn flush_block(block: &mut Vec<Range<usize>>, text: &str, out: &mut Vec<Range<usize>>) {
    if block.is_empty() {
        return;
    }
    let wrapped = block.len() >= 3 && {
        let open = block[..block.len() - 1]
            .iter()
            .filter(|l| !ends_sentence(&text[(*l).clone()]))
            .count();
        open * 2 > block.len() - 1
    };
    if wrapped {
        out.push(block[0].start..block[block.len() - 1].end);
    } else {
        out.append(block);
    }
    block.clear();
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(['"', '\'', ')', ']'])
        .ends_with(['.', '!', '?', ':'])
}

/// Splits a long paragraph into groups of whole sentences of at most [`MAX_WORDS`] words; a
/// single sentence longer than that is cut between words.
fn split_long(text: &str, p: Range<usize>) -> Vec<(Range<usize>, usize)> {
    let mut sentences: Vec<(Range<usize>, usize)> = Vec::new();
    for s in crate::sentences::split(&text[p.clone()]) {
        let r = p.start + s.start..p.start + s.end;
        let n = word_count(&text[r.clone()]);
        if n > MAX_WORDS {
            sentences.extend(cut_words(text, r, MAX_WORDS));
        } else {
            sentences.push((r, n));
        }
    }
    // Greedy packing, aiming at even groups.
    let total: usize = sentences.iter().map(|s| s.1).sum();
    let groups = total.div_ceil(MAX_WORDS).max(1);
    let target = total.div_ceil(groups);
    let mut out: Vec<(Range<usize>, usize)> = Vec::new();
    for (r, n) in sentences {
        match out.last_mut() {
            Some((last, m)) if *m + n <= MAX_WORDS && *m < target => {
                last.end = r.end;
                *m += n;
            }
            _ => out.push((r, n)),
        }
    }
    out
}

/// Cuts a range into chunks of at most `max` words, at whitespace.
fn cut_words(text: &str, r: Range<usize>, max: usize) -> Vec<(Range<usize>, usize)> {
    let mut out = Vec::new();
    let s = &text[r.clone()];
    let mut chunk_start: Option<usize> = None;
    let mut chunk_end = 0;
    let mut n = 0;
    let mut pos = 0;
    for word in s.split_whitespace() {
        let at = pos + s[pos..].find(word).unwrap_or(0);
        pos = at + word.len();
        if n == max {
            if let Some(cs) = chunk_start {
                out.push((r.start + cs..r.start + chunk_end, n));
            }
            chunk_start = None;
            n = 0;
        }
        chunk_start.get_or_insert(at);
        chunk_end = pos;
        n += 1;
    }
    if let Some(cs) = chunk_start {
        out.push((r.start + cs..r.start + chunk_end, n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, spans: &[PassageSpan]) -> Vec<String> {
        spans
            .iter()
            .map(|p| text[p.start..p.end].to_string())
            .collect()
    }

    #[test]
    fn short_paragraphs_are_merged_and_long_ones_split() {
        let short = "One short line here.";
        let long_sentence = "This sentence has exactly ten words in it for testing. ";
        let long = long_sentence.repeat(45); // 450 words
        let text = format!("{short}\n\n{short}\n\n{}\n\n{short}", long.trim_end());
        let spans = split(&text, &[]);
        for (i, p) in spans.iter().enumerate() {
            assert_eq!(p.number as usize, i);
            let n = word_count(&text[p.start..p.end]);
            assert!(n <= MAX_WORDS, "passage {i} has {n} words");
        }
        // Everything is covered, in order, without overlap.
        for w in spans.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
        let joined: usize = spans
            .iter()
            .map(|p| word_count(&text[p.start..p.end]))
            .sum();
        assert_eq!(joined, word_count(&text));
        assert!(spans.len() >= 3);
        // Splits fall on sentence ends.
        for t in texts(&text, &spans) {
            assert!(t.ends_with('.'), "{t:?}");
        }
    }

    #[test]
    fn excluded_lines_are_left_out() {
        let text = "Title line\n\nA body paragraph with some words.";
        let spans = split(text, std::slice::from_ref(&(0..10)));
        assert_eq!(
            texts(text, &spans),
            vec!["A body paragraph with some words."]
        );
    }

    #[test]
    fn hard_wrapped_blocks_are_one_paragraph() {
        let text = "This is a hard wrapped paragraph that goes on\nacross several lines of the file because\nthe author wrapped it at a fixed width, as\nold archives do.";
        assert_eq!(paragraphs(text).len(), 1);
        let lines = "First paragraph ends here.\nSecond paragraph ends here.\nThird one too.";
        assert_eq!(paragraphs(lines).len(), 3);
    }

    #[test]
    fn a_giant_sentence_is_cut_between_words() {
        let text = "word ".repeat(450);
        let spans = split(text.trim_end(), &[]);
        assert_eq!(spans.len(), 3);
        assert!(spans
            .iter()
            .all(|p| word_count(&text[p.start..p.end]) <= MAX_WORDS));
    }

    #[test]
    fn empty_text_has_no_passages() {
        assert!(split("", &[]).is_empty());
        assert!(split("\n\n\n", &[]).is_empty());
    }
}
