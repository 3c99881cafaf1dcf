//! Accounting for skipped items in bounded memory: every skip is counted per source and per
//! reason, and only the first few are kept as examples (plus the one that ended a source), so
//! two million bad lines cost a few counters, not two million messages. Examples and counts come out in natural order
//! (`file:2` before `file:10`).
//!
//! Must not decide what is skipped: readers and the pipeline do.

use super::Skip;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Examples kept per source.
pub const EXAMPLES_PER_SOURCE: usize = 10;
/// Examples kept in all.
pub const MAX_EXAMPLES: usize = 1000;
/// Distinct (source, reason) counts kept; further ones are added to one row with the source
/// [`OTHER_SOURCES`].
pub const MAX_COUNTS: usize = 10_000;
/// The source of the row that counts the skips beyond [`MAX_COUNTS`] rows.
pub const OTHER_SOURCES: &str = "(other sources)";

/// How many items of one source were skipped for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkipCount {
    /// The source file.
    pub source: String,
    /// The reason, without its details (the text before the first `:`).
    pub reason: String,
    /// Items skipped.
    pub count: u64,
}

/// Skips (or warnings) counted, with the first ones kept as examples.
#[derive(Debug, Clone, Default)]
pub struct SkipLog {
    examples: Vec<Skip>,
    kept_per_source: HashMap<String, usize>,
    counts: HashMap<(String, String), u64>,
    total: u64,
}

impl SkipLog {
    /// Records `skip`, an item of `source`.
    pub fn add(&mut self, source: &str, skip: Skip) {
        self.total += 1;
        let kind = reason_kind(&skip.reason);
        let key = (source.to_string(), kind.to_string());
        if let Some(n) = self.counts.get_mut(&key) {
            *n += 1;
        } else if self.counts.len() < MAX_COUNTS {
            self.counts.insert(key, 1);
        } else {
            *self
                .counts
                .entry((OTHER_SOURCES.to_string(), String::new()))
                .or_default() += 1;
        }
        if self.examples.len() < MAX_EXAMPLES {
            let kept = self.kept_per_source.entry(source.to_string()).or_default();
            if *kept < EXAMPLES_PER_SOURCE {
                *kept += 1;
                self.examples.push(skip);
                return;
            }
        }
        // The skip that ended a source (a read error, a decompression bomb) is always listed.
        if ends_source(&skip.reason) && self.examples.len() < 2 * MAX_EXAMPLES {
            self.examples.push(skip);
        }
    }

    /// Items recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The examples kept, in natural order of their paths.
    pub fn examples(&self) -> Vec<Skip> {
        let mut v = self.examples.clone();
        v.sort_by(|a, b| natural_cmp(&a.path, &b.path).then_with(|| a.reason.cmp(&b.reason)));
        v
    }

    /// The counts per source and reason, in natural order of the sources.
    pub fn counts(&self) -> Vec<SkipCount> {
        let mut v: Vec<SkipCount> = self
            .counts
            .iter()
            .map(|((source, reason), &count)| SkipCount {
                source: source.clone(),
                reason: reason.clone(),
                count,
            })
            .collect();
        v.sort_by(|a, b| natural_cmp(&a.source, &b.source).then_with(|| a.reason.cmp(&b.reason)));
        v
    }
}

/// True for the reason of a skip that ended its source (nothing after it was read).
pub fn ends_source(reason: &str) -> bool {
    reason.contains("rest of the source lost") || reason.contains("rest of the file lost")
}

/// A reason without its details: the text before the first `:` (`invalid JSON: expected value
/// at line 1 column 1` → `invalid JSON`).
pub fn reason_kind(reason: &str) -> &str {
    reason.split(':').next().unwrap_or(reason).trim()
}

/// Compares two strings with runs of ASCII digits compared as numbers: `a:2` < `a:10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (&a[..da], &b[..db]);
                let (ta, tb) = (trim_zeros(na), trim_zeros(nb));
                let order = ta
                    .len()
                    .cmp(&tb.len())
                    .then_with(|| ta.cmp(tb))
                    .then_with(|| na.len().cmp(&nb.len()));
                if order != Ordering::Equal {
                    return order;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&d| d == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut v = vec![
            "f.jsonl:10",
            "f.jsonl:2",
            "f.jsonl#1",
            "e.csv:100",
            "f.jsonl:02",
            "f",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "e.csv:100",
                "f",
                "f.jsonl#1",
                "f.jsonl:2",
                "f.jsonl:02",
                "f.jsonl:10"
            ]
        );
    }

    #[test]
    fn only_the_first_examples_are_kept_and_everything_is_counted() {
        let mut log = SkipLog::default();
        for line in (1..=100_000).rev() {
            log.add(
                "d/b.jsonl",
                Skip::new(format!("d/b.jsonl:{line}"), "invalid JSON: expected value"),
            );
        }
        log.add("d/a.txt", Skip::new("d/a.txt", "empty file"));
        log.add(
            "d/b.jsonl",
            Skip::new(
                "d/b.jsonl:100001",
                "read error, rest of the source lost: cut",
            ),
        );
        assert_eq!(log.total(), 100_002);
        let examples = log.examples();
        assert_eq!(examples.len(), EXAMPLES_PER_SOURCE + 2);
        assert_eq!(examples.last().unwrap().path, "d/b.jsonl:100001");
        assert_eq!(examples[0].path, "d/a.txt");
        assert_eq!(examples[1].path, "d/b.jsonl:99991");
        assert_eq!(
            log.counts(),
            [
                SkipCount {
                    source: "d/a.txt".into(),
                    reason: "empty file".into(),
                    count: 1
                },
                SkipCount {
                    source: "d/b.jsonl".into(),
                    reason: "invalid JSON".into(),
                    count: 100_000
                },
                SkipCount {
                    source: "d/b.jsonl".into(),
                    reason: "read error, rest of the source lost".into(),
                    count: 1
                }
            ]
        );
    }
}
