//! In-process search latency probe: p50/p95/p99 per query type over a fixed mixed query set,
//! warm, on an existing index. A developer's tool for performance work.
//!
//! ```sh
//! cargo run --release --example perf_probe -- /tmp/perf_ix [rounds] [filter-substring]
//! ```

use morgue::search::{search, Filters, SearchRequest, SortOrder};
use std::time::Instant;

struct Q {
    kind: &'static str,
    query: &'static str,
    from: Option<&'static str>,
    to: Option<&'static str>,
    outlet: Option<&'static str>,
    entity: Option<&'static str>,
}

const fn q(kind: &'static str, query: &'static str) -> Q {
    Q {
        kind,
        query,
        from: None,
        to: None,
        outlet: None,
        entity: None,
    }
}

fn queries() -> Vec<Q> {
    let mut v = vec![
        q("word", "Trump"),
        q("word", "election"),
        q("word", "immigration"),
        q("word", "Kavanaugh"),
        q("word", "climate"),
        q("word", "tariffs"),
        q("words", "health care reform"),
        q("words", "supreme court nominee"),
        q("words", "border wall funding"),
        q("words", "russia investigation mueller"),
        q("phrase", "\"health care\""),
        q("phrase", "\"supreme court\""),
        q("phrase", "\"white house\""),
        q("phrase", "\"climate change\""),
        q("bool", "Kavanaugh AND Ford"),
        q("bool", "immigration -Trump"),
        q("bool", "Brexit OR Russia"),
        q("bool", "(Clinton OR Sanders) AND debate"),
    ];
    for (kind, query) in [
        ("date", "Trump"),
        ("date", "election"),
        ("date", "\"health care\""),
    ] {
        v.push(Q {
            from: Some("2016"),
            to: Some("2017"),
            ..q(kind, query)
        });
    }
    for query in ["Trump", "election", "immigration -Trump"] {
        v.push(Q {
            outlet: Some("Fox News"),
            ..q("outlet", query)
        });
    }
    for query in ["election", "impeachment", "\"health care\""] {
        v.push(Q {
            entity: Some("Donald Trump"),
            ..q("entity", query)
        });
    }
    v
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map(String::as_str).unwrap_or("/tmp/perf_ix");
    let rounds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let only = args.get(3).cloned();
    let t = Instant::now();
    let mi = morgue::index::open(std::path::Path::new(dir)).expect("open index");
    eprintln!("open: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let reqs: Vec<(&'static str, String, SearchRequest)> = queries()
        .into_iter()
        .filter(|q| {
            only.as_ref()
                .is_none_or(|o| q.query.contains(o.as_str()) || q.kind == o)
        })
        .map(|q| {
            let filters = Filters::new(
                q.from,
                q.to,
                false,
                q.outlet.into_iter().map(String::from).collect(),
                q.entity.into_iter().map(String::from).collect(),
            )
            .expect("filters");
            let label = format!(
                "{}{}{}{}",
                q.query,
                q.from.map(|f| format!(" --from {f}")).unwrap_or_default(),
                q.outlet
                    .map(|o| format!(" --outlet {o:?}"))
                    .unwrap_or_default(),
                q.entity
                    .map(|e| format!(" --entity {e:?}"))
                    .unwrap_or_default()
            );
            let req = SearchRequest {
                query: q.query.to_string(),
                filters,
                limit: 10,
                passages: 1,
                sort: SortOrder::Relevance,
                all_copies: false,
            };
            (q.kind, label, req)
        })
        .collect();
    if std::env::var_os("SIZES").is_some() {
        sizes(&mi);
        return;
    }
    if std::env::var_os("PHASES").is_some() {
        phases(&mi, &reqs, rounds);
        return;
    }
    // Warm up: one pass over everything.
    for (_, _, r) in &reqs {
        search(&mi, r).expect("search");
    }
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut all = Vec::new();
    for (kind, label, r) in &reqs {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let res = search(&mi, r).expect("search");
            times.push(t.elapsed().as_secs_f64() * 1e3);
            total = res.total;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{:<8} {:<45} total {:>6}  p50 {:>8.3} ms  max {:>8.3} ms",
            kind,
            label,
            total,
            pct(&times, 0.5),
            times[times.len() - 1]
        );
        by_kind.entry(kind).or_default().extend(&times);
        all.extend(times);
    }
    println!();
    by_kind.insert("ALL", all);
    for (kind, mut t) in by_kind {
        t.sort_by(f64::total_cmp);
        println!(
            "{:<8} n {:>4}  p50 {:>8.3}  p95 {:>8.3}  p99 {:>8.3} ms",
            kind,
            t.len(),
            pct(&t, 0.5),
            pct(&t, 0.95),
            pct(&t, 0.99)
        );
    }
}

/// Median time of each stage of `search` (select, rank) per query.
fn phases(mi: &morgue::index::MorgueIndex, reqs: &[(&str, String, SearchRequest)], rounds: usize) {
    for (_, label, r) in reqs {
        let expr = morgue::search::parse(&r.query).expect("parse");
        let (mut ts, mut tr, mut tt) = (vec![], vec![], vec![]);
        for _ in 0..rounds.max(1) {
            let t0 = Instant::now();
            let searcher = mi.searcher().expect("searcher");
            let sel =
                morgue::search::select(mi, &searcher, Some(&expr), &r.filters).expect("select");
            let t1 = Instant::now();
            let ranked =
                morgue::search::rank(mi, &searcher, &expr, sel.articles, 1, r.sort).expect("rank");
            let t2 = Instant::now();
            std::hint::black_box(ranked);
            let t3 = Instant::now();
            search(mi, r).expect("search");
            ts.push((t1 - t0).as_secs_f64() * 1e3);
            tr.push((t2 - t1).as_secs_f64() * 1e3);
            tt.push(t3.elapsed().as_secs_f64() * 1e3);
        }
        for v in [&mut ts, &mut tr, &mut tt] {
            v.sort_by(f64::total_cmp);
        }
        println!(
            "{:<45} select {:>7.3}  rank {:>7.3}  search {:>7.3} ms",
            label,
            pct(&ts, 0.5),
            pct(&tr, 0.5),
            pct(&tt, 0.5)
        );
    }
}

/// Bytes of each stored field over the whole index (uncompressed).
fn sizes(mi: &morgue::index::MorgueIndex) {
    use tantivy::schema::{document::Document, Value};
    let searcher = mi.searcher().expect("searcher");
    let schema = mi.index.schema();
    let mut by_field: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for seg in searcher.segment_readers() {
        let store = seg.get_store_reader(8).expect("store");
        for doc in store.iter::<tantivy::TantivyDocument>(seg.alive_bitset()) {
            let doc = doc.expect("doc");
            for (field, v) in doc.iter_fields_and_values() {
                let n = v.as_str().map(str::len).unwrap_or(8);
                let e = by_field
                    .entry(schema.get_field_name(field).to_string())
                    .or_default();
                e.0 += 1;
                e.1 += n;
            }
        }
    }
    for (f, (n, b)) in by_field {
        println!("{f:<16} values {n:>8}  bytes {b:>12}");
    }
}
