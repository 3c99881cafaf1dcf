//! Near-duplicate report over an index: candidate pairs, similarity distribution, clusters, and
//! a random sample of detected pairs to check by hand.
//!
//! ```sh
//! cargo run --release --example near_dups -- INDEX_DIR [SAMPLE] [SEED] > report.txt
//! ```
//!
//! Signatures are recomputed from the stored texts exactly as ingest computes them. For every
//! pair sharing an LSH band key it prints the estimated and the exact Jaccard similarity of word
//! 5-grams; then the clusters as stored at ingest; then `SAMPLE` (default 50) detected pairs
//! (same cluster) drawn at random, each with both titles, outlets, dates and openings, and the
//! words that differ, for a human to judge.

use morgue::dedup::{compact_similarity, exact_similarity, Signature, THRESHOLD};
use morgue::index::{self, stored_str, stored_u64};
use std::collections::{BTreeMap, HashMap, HashSet};
use tantivy::schema::Value;
use tantivy::TantivyDocument;

struct Doc {
    id: String,
    title: String,
    outlet: String,
    date: String,
    text: String,
    cluster: u64,
    sig: Option<Signature>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .ok_or("usage: near_dups INDEX_DIR [SAMPLE] [SEED]")?;
    let sample: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let mut seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(7);

    let mi = index::open(std::path::Path::new(dir))?;
    let f = mi.fields;
    let searcher = mi.index.reader()?.searcher();
    let mut docs: Vec<Doc> = Vec::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        for d in seg.doc_ids_alive() {
            let doc: TantivyDocument = searcher.doc(tantivy::DocAddress::new(ord as u32, d))?;
            if doc.get_first(f.text).is_none() {
                continue; // not an article document
            }
            let text = stored_str(&doc, f.text).unwrap_or_default();
            let date = doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0))
                .map(|d| d.date_naive().to_string())
                .unwrap_or_else(|| "undated".into());
            docs.push(Doc {
                id: stored_str(&doc, f.article_id).unwrap_or_default(),
                title: stored_str(&doc, f.title_text).unwrap_or_default(),
                outlet: stored_str(&doc, f.outlet).unwrap_or_else(|| "?".into()),
                date,
                sig: Signature::of(&text),
                cluster: stored_u64(&doc, f.cluster),
                text,
            });
        }
    }
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    println!("articles: {}", docs.len());
    println!(
        "with a signature: {}",
        docs.iter().filter(|d| d.sig.is_some()).count()
    );

    // Candidate pairs: sharing a loose band key (32 bands of 4 minima: a pair at J = 0.5 is
    // found with probability 0.87, at 0.4 with 0.56), far looser than ingest's 16 × 8, to see
    // what lies below the threshold and what ingest's banding misses.
    let mut bands: HashMap<(usize, Vec<u64>), Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        if let Some(s) = &d.sig {
            for (b, rows) in s.0.chunks(4).enumerate() {
                bands.entry((b, rows.to_vec())).or_default().push(i);
            }
        }
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    for members in bands.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    let mut scored: Vec<(usize, usize, f64, f64)> = pairs
        .into_iter()
        .map(|(i, j)| {
            let (a, b) = (&docs[i], &docs[j]);
            let (sa, sb) = (a.sig.as_ref().unwrap(), b.sig.as_ref().unwrap());
            let est = compact_similarity(&sa.compact(), &sb.compact()).unwrap_or(0.0);
            (i, j, est, exact_similarity(&a.text, &b.text))
        })
        .collect();
    scored.sort_by_key(|p| (p.0, p.1));
    scored.retain(|p| p.2 >= 0.3 || p.3 >= 0.3);
    println!("candidate pairs (loose banding, J ≥ 0.3): {}", scored.len());
    let mut hist: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for (_, _, est, exact) in &scored {
        hist.entry((exact * 10.0).floor().min(9.0) as u32)
            .or_default()
            .0 += 1;
        hist.entry((est * 10.0).floor().min(9.0) as u32)
            .or_default()
            .1 += 1;
    }
    println!("similarity of candidate pairs:   exact J   estimated J");
    for (bin, (exact, est)) in &hist {
        println!(
            "  {:.1}–{:.1}                     {:>7}   {:>11}",
            *bin as f64 / 10.0,
            (*bin + 1) as f64 / 10.0,
            exact,
            est
        );
    }
    for t in [0.5, 0.6, 0.7, 0.8, 0.9] {
        let est = scored.iter().filter(|p| p.2 >= t).count();
        let exact = scored.iter().filter(|p| p.3 >= t).count();
        let both = scored.iter().filter(|p| p.2 >= t && p.3 >= t).count();
        println!("  threshold {t:.1}: estimated ≥ t {est}, exact ≥ t {exact}, both {both}");
    }
    let exact_pairs: Vec<_> = scored.iter().filter(|p| p.3 >= THRESHOLD).collect();
    let caught = exact_pairs
        .iter()
        .filter(|p| docs[p.0].cluster == docs[p.1].cluster)
        .count();
    println!(
        "  pairs with exact J ≥ {THRESHOLD} put in one cluster at ingest: {caught} of {}",
        exact_pairs.len()
    );
    let errors: Vec<f64> = scored.iter().map(|p| (p.2 - p.3).abs()).collect();
    if !errors.is_empty() {
        let mean = errors.iter().sum::<f64>() / errors.len() as f64;
        let max = errors.iter().cloned().fold(0.0, f64::max);
        println!("  |estimated − exact|: mean {mean:.3}, max {max:.3}");
    }

    // What lies just below the threshold, to judge where it should be.
    println!("pairs with exact J in 0.45–0.70 (below the threshold):");
    for (i, j, est, exact) in scored.iter().filter(|p| (0.45..THRESHOLD).contains(&p.3)) {
        let (a, b) = (&docs[*i], &docs[*j]);
        println!(
            "  J {exact:.2} (est {est:.2})  [{} {}] {}  ||  [{} {}] {}",
            a.date, a.outlet, a.title, b.date, b.outlet, b.title
        );
    }

    // Clusters as stored at ingest.
    let mut clusters: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        clusters.entry(d.cluster).or_default().push(i);
    }
    let multi: Vec<&Vec<usize>> = clusters.values().filter(|m| m.len() > 1).collect();
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for m in &multi {
        *sizes.entry(m.len()).or_default() += 1;
    }
    println!(
        "clusters with copies: {} ({} articles); sizes {:?}",
        multi.len(),
        multi.iter().map(|m| m.len()).sum::<usize>(),
        sizes
    );
    let cross_outlet = multi
        .iter()
        .filter(|m| {
            let o: HashSet<&str> = m.iter().map(|&i| docs[i].outlet.as_str()).collect();
            o.len() > 1
        })
        .count();
    println!("  spanning more than one outlet: {cross_outlet}");

    // Detected pairs: same cluster.
    let mut detected: Vec<(usize, usize)> = Vec::new();
    for m in &multi {
        for (x, &i) in m.iter().enumerate() {
            for &j in &m[x + 1..] {
                detected.push((i.min(j), i.max(j)));
            }
        }
    }
    detected.sort();
    println!(
        "detected pairs: {} (threshold {THRESHOLD} on estimated J)",
        detected.len()
    );
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut chosen = detected.clone();
    for k in (1..chosen.len()).rev() {
        chosen.swap(k, next() % (k + 1));
    }
    chosen.truncate(sample);
    for (n, (i, j)) in chosen.iter().enumerate() {
        let (a, b) = (&docs[*i], &docs[*j]);
        println!(
            "\n=== pair {} — exact J {:.2}",
            n + 1,
            exact_similarity(&a.text, &b.text)
        );
        for d in [a, b] {
            println!(
                "  [{}] {} | {} | {} words",
                d.date,
                d.outlet,
                d.id,
                d.text.split_whitespace().count()
            );
            println!("    title: {}", d.title);
            let opening: String = d.text.chars().take(220).collect();
            println!("    text:  {}", opening.replace('\n', " ¶ "));
        }
        let wa: HashSet<&str> = a.text.split_whitespace().collect();
        let wb: HashSet<&str> = b.text.split_whitespace().collect();
        let only_a: Vec<&str> = a
            .text
            .split_whitespace()
            .filter(|w| !wb.contains(w))
            .take(25)
            .collect();
        let only_b: Vec<&str> = b
            .text
            .split_whitespace()
            .filter(|w| !wa.contains(w))
            .take(25)
            .collect();
        println!("  only in first:  {}", only_a.join(" "));
        println!("  only in second: {}", only_b.join(" "));
    }
    Ok(())
}
