//! Word clusters learned from unlabeled text: a binary tree over the vocabulary, built top down
//! by exchange, whose paths ("bit strings") serve as Brown-style cluster features.
//!
//! Each word is a vector of left and right neighbour counts. The tree is grown one level at a
//! time: every node with two or more words is split in two by the exchange algorithm (Kneser &
//! Ney; Martin, Liermann & Ney 1998), which moves one word at a time to whichever child makes the
//! two-sided class bigram model likelier,
//!
//! ```text
//! L = Σ_{v,c} f(N(v,c)) + Σ_{c,u} f(N(c,u)) − 2 Σ_c f(N(c)),   f(x) = x ln x
//! ```
//!
//! where `N(v,c)` counts a word `v` followed by a word of class `c`, `N(c,u)` the reverse, and
//! `N(c)` the class's tokens. Only the two children's counts change when a word moves, so a split
//! costs a few passes over the node's words' neighbour lists, and the whole tree about
//! `depth × iterations` passes over the distinct bigrams. Words that share a long path prefix
//! occur in similar contexts ("Mosul", "Aleppo", "Raqqa"); prefixes of 4, 6 and 10 bits give
//! coarser classes, as Brown clusters do in Ratinov & Roth (2009).
//!
//! Deterministic: words are visited in frequency order (ties by id), the initial split
//! alternates, ties keep a word where it is.

/// Settings of [`build`].
#[derive(Debug, Clone, Copy)]
pub struct ClusterOptions {
    /// Depth of the tree (path length in bits, at most 20).
    pub depth: u32,
    /// Exchange passes per split.
    pub iterations: usize,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            depth: 16,
            iterations: 6,
        }
    }
}

/// Bigram counts over a vocabulary of `n` words (ids `0..n`, most frequent first) plus ids for
/// unknown words and sentence boundaries.
#[derive(Debug, Default)]
pub struct Bigrams {
    n: usize,
    counts: std::collections::HashMap<u64, u32>,
}

impl Bigrams {
    /// Empty counts for a vocabulary of `n` words; ids `n` (unknown word) and `n + 1`
    /// (boundary) may be used as context.
    pub fn new(n: usize) -> Bigrams {
        Bigrams {
            n,
            counts: Default::default(),
        }
    }

    /// The id of an unknown word.
    pub fn unknown(&self) -> u32 {
        self.n as u32
    }

    /// The id of a sentence boundary.
    pub fn boundary(&self) -> u32 {
        self.n as u32 + 1
    }

    /// Counts the bigrams of one sentence of ids (boundaries added at both ends).
    pub fn add_sentence(&mut self, ids: &[u32]) {
        let b = self.boundary();
        let mut prev = b;
        for &w in ids.iter().chain(std::iter::once(&b)) {
            if prev < self.n as u32 || w < self.n as u32 {
                *self
                    .counts
                    .entry((u64::from(prev) << 32) | u64::from(w))
                    .or_default() += 1;
            }
            prev = w;
        }
    }
}

/// One word's neighbours: (context id, count), sorted by id.
type Neighbours = Vec<(u32, u32)>;

/// x ln x for counts, from a table for small ones.
struct XLogX {
    table: Vec<f64>,
}

impl XLogX {
    fn new() -> XLogX {
        XLogX {
            table: (0..1 << 16)
                .map(|x: u32| {
                    let x = f64::from(x);
                    if x > 0.0 {
                        x * x.ln()
                    } else {
                        0.0
                    }
                })
                .collect(),
        }
    }
    #[inline]
    fn f(&self, x: u64) -> f64 {
        match self.table.get(x as usize) {
            Some(&v) => v,
            None => {
                let x = x as f64;
                x * x.ln()
            }
        }
    }
    /// f(m + n) − f(m).
    #[inline]
    fn delta(&self, m: u64, n: u64) -> f64 {
        self.f(m + n) - self.f(m)
    }
}

/// Counts of the two children of the node being split, over context ids.
struct Split {
    left: [Vec<u64>; 2],
    right: [Vec<u64>; 2],
    size: [u64; 2],
    touched: Vec<u32>,
}

impl Split {
    fn add(&mut self, side: usize, pred: &Neighbours, succ: &Neighbours, count: u64, sign: i64) {
        for &(v, n) in pred {
            let m = &mut self.left[side][v as usize];
            if *m == 0 && sign > 0 {
                self.touched.push(v);
            }
            *m = m.wrapping_add_signed(sign * i64::from(n));
        }
        for &(u, n) in succ {
            let m = &mut self.right[side][u as usize];
            if *m == 0 && sign > 0 {
                self.touched.push(u);
            }
            *m = m.wrapping_add_signed(sign * i64::from(n));
        }
        self.size[side] = self.size[side].wrapping_add_signed(sign * count as i64);
    }

    fn gain(
        &self,
        side: usize,
        pred: &Neighbours,
        succ: &Neighbours,
        count: u64,
        f: &XLogX,
    ) -> f64 {
        let mut g = 0.0;
        for &(v, n) in pred {
            g += f.delta(self.left[side][v as usize], u64::from(n));
        }
        for &(u, n) in succ {
            g += f.delta(self.right[side][u as usize], u64::from(n));
        }
        g - 2.0 * f.delta(self.size[side], count)
    }

    fn clear(&mut self) {
        for &i in &self.touched {
            for s in 0..2 {
                self.left[s][i as usize] = 0;
                self.right[s][i as usize] = 0;
            }
        }
        self.touched.clear();
        self.size = [0, 0];
    }
}

/// Builds the cluster tree; returns each vocabulary word's path: a leading 1 bit followed by the
/// path's bits, root first (so `1` is the root, `0b10` and `0b11` its children).
pub fn build(bigrams: Bigrams, opts: &ClusterOptions) -> Vec<u32> {
    let n = bigrams.n;
    let contexts = n + 2;
    let mut pred: Vec<Neighbours> = vec![Vec::new(); n];
    let mut succ: Vec<Neighbours> = vec![Vec::new(); n];
    let mut pairs: Vec<(u64, u32)> = bigrams.counts.into_iter().collect();
    pairs.sort_unstable();
    for (k, c) in pairs {
        let (a, b) = ((k >> 32) as u32, k as u32);
        if (b as usize) < n {
            pred[b as usize].push((a, c));
        }
        if (a as usize) < n {
            succ[a as usize].push((b, c));
        }
    }
    let count: Vec<u64> = pred
        .iter()
        .map(|p| p.iter().map(|&(_, c)| u64::from(c)).sum())
        .collect();
    let f = XLogX::new();
    let mut split = Split {
        left: [vec![0; contexts], vec![0; contexts]],
        right: [vec![0; contexts], vec![0; contexts]],
        size: [0, 0],
        touched: Vec::new(),
    };
    let mut path = vec![1u32; n];
    // Nodes of the current level: lists of word ids, in id (frequency) order.
    let mut level: Vec<Vec<u32>> = vec![(0..n as u32).collect()];
    for _ in 0..opts.depth.min(20) {
        let mut next = Vec::with_capacity(level.len() * 2);
        for node in level {
            if node.len() < 2 {
                continue;
            }
            let mut side: Vec<usize> = (0..node.len()).map(|i| i % 2).collect();
            for (&w, &s) in node.iter().zip(&side) {
                let w = w as usize;
                split.add(s, &pred[w], &succ[w], count[w], 1);
            }
            for _ in 0..opts.iterations {
                let mut moved = 0;
                for (&w, s) in node.iter().zip(side.iter_mut()) {
                    let w = w as usize;
                    split.add(*s, &pred[w], &succ[w], count[w], -1);
                    let g0 = split.gain(0, &pred[w], &succ[w], count[w], &f);
                    let g1 = split.gain(1, &pred[w], &succ[w], count[w], &f);
                    let best = if g0 > g1 {
                        0
                    } else if g1 > g0 {
                        1
                    } else {
                        *s
                    };
                    if best != *s {
                        moved += 1;
                        *s = best;
                    }
                    split.add(*s, &pred[w], &succ[w], count[w], 1);
                }
                if moved == 0 {
                    break;
                }
            }
            split.clear();
            let mut children = [Vec::new(), Vec::new()];
            for (&w, &s) in node.iter().zip(&side) {
                path[w as usize] = (path[w as usize] << 1) | s as u32;
                children[s].push(w);
            }
            next.extend(children);
        }
        level = next;
    }
    path
}

/// The first `bits` bits of a path from [`build`] (the whole path when it is shorter), with its
/// leading 1 bit.
pub fn prefix(path: u32, bits: u32) -> u32 {
    let len = 31u32.saturating_sub(path.leading_zeros());
    if len <= bits {
        path
    } else {
        path >> (len - bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_a_path() {
        // 0..3: cities after "to"/"in"; 3..6: verbs after "they". Context ids 6, 7 are "to", "they".
        let mut b = Bigrams::new(8);
        for round in 0..5 {
            for city in 0..3u32 {
                b.add_sentence(&[6, city, (round % 2) as u32 + 3]);
            }
            for verb in 3..6u32 {
                b.add_sentence(&[7, verb, 6]);
            }
        }
        let paths = build(b, &ClusterOptions::default());
        let top = |w: usize| prefix(paths[w], 2);
        assert_eq!(top(0), top(1));
        assert_eq!(top(1), top(2));
        assert_ne!(top(0), top(5));
        assert_eq!(prefix(0b1_0110, 2), 0b101);
        assert_eq!(prefix(0b1_01, 4), 0b101);
    }
}
