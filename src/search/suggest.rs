//! The closest existing values to one that matches nothing (`--outlet Fox` → "Fox News", "Fox
//! Online News"), so a typo or a partial name is not silently an empty result.
//!
//! Compared case- and accent-insensitively (`keyword_key`): values that start with what was
//! typed come first, then values that contain it, then the rest by Jaro-Winkler similarity
//! (`strsim`); a value too unlike what was typed is not suggested.

use crate::index::keyword_key;

/// Least Jaro-Winkler similarity for a value that neither starts with nor contains what was
/// typed to be suggested.
const MIN_SIMILARITY: f64 = 0.8;

/// At most `n` of `candidates` closest to `typed`, closest first (ties by the candidate).
pub fn closest<S: AsRef<str>>(typed: &str, candidates: &[S], n: usize) -> Vec<String> {
    let want = keyword_key(typed);
    let mut scored: Vec<(u8, f64, &str)> = candidates
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|c| {
            let key = keyword_key(c);
            let sim = strsim::jaro_winkler(&want, &key);
            let rank = if key.starts_with(&want) {
                0
            } else if !want.is_empty() && key.contains(&want) {
                1
            } else if sim >= MIN_SIMILARITY {
                2
            } else {
                return None;
            };
            Some((rank, sim, c))
        })
        .collect();
    scored.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| a.2.cmp(b.2))
    });
    let mut out: Vec<String> = Vec::new();
    for (_, _, c) in scored {
        if out.len() >= n {
            break;
        }
        if !out.iter().any(|o| keyword_key(o) == keyword_key(c)) {
            out.push(c.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_then_contained_then_similar() {
        let outlets = [
            "Fox News",
            "Fox Online News",
            "The Foxhole",
            "Reuters",
            "REUTERS",
            "Reuter",
            "BBC",
        ];
        assert_eq!(
            closest("fox", &outlets, 5),
            ["Fox News", "Fox Online News", "The Foxhole"]
        );
        // One spelling per value: the first in order.
        assert_eq!(closest("Reuterz", &outlets, 5), ["Reuter", "REUTERS"]);
        assert!(closest("Al Jazeera", &outlets, 5).is_empty());
    }
}
