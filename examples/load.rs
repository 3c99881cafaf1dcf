//! A bounded load run against `morgue serve`: N concurrent clients, each sending the bench query
//! set (`benches/queries.tsv`, with its filters) to `/api/search` in a loop over one keep-alive
//! connection, for a fixed time; prints requests/s and latency percentiles.
//!
//! `cargo run --release --example load -- http://127.0.0.1:7878 benches/queries.tsv 32 30`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One query of the set as an `/api/search` path.
fn paths(tsv: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < 6 {
            continue;
        }
        let mut pairs = vec![("q", cells[1]), ("limit", "10")];
        for (name, cell) in [("from", 2), ("to", 3), ("outlet", 4), ("entity", 5)] {
            if !cells[cell].is_empty() {
                pairs.push((name, cells[cell]));
            }
        }
        out.push(format!(
            "/api/search?{}",
            serde_urlencoded::to_string(&pairs).unwrap()
        ));
    }
    out
}

/// Sends one GET on `conn` and reads the whole response; returns the status.
fn get(conn: &mut BufReader<TcpStream>, host: &str, path: &str) -> std::io::Result<u16> {
    write!(
        conn.get_mut(),
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )?;
    let mut status = 0;
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if conn.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if status == 0 {
            status = l
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
        } else if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body)?;
    Ok(status)
}

/// A connection without Nagle's delay (a request is one small write).
fn connect(host: &str) -> TcpStream {
    let s = TcpStream::connect(host).expect("the server");
    s.set_nodelay(true).expect("TCP_NODELAY");
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("http://127.0.0.1:7878");
    let tsv = std::fs::read_to_string(
        args.get(2)
            .map(String::as_str)
            .unwrap_or("benches/queries.tsv"),
    )
    .expect("the query set");
    let clients: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(30);
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let queries = paths(&tsv);
    let end = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (host, queries) = (host.clone(), queries.clone());
            std::thread::spawn(move || {
                let mut conn = BufReader::new(connect(&host));
                let (mut times, mut errors) = (Vec::new(), 0usize);
                let mut n = i;
                while Instant::now() < end {
                    let t = Instant::now();
                    match get(&mut conn, &host, &queries[n % queries.len()]) {
                        Ok(200) => times.push(t.elapsed()),
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            conn = BufReader::new(connect(&host));
                        }
                    }
                    n += 1;
                }
                (times, errors)
            })
        })
        .collect();
    let (mut times, mut errors) = (Vec::new(), 0);
    for t in threads {
        let (t, e) = t.join().unwrap();
        times.extend(t);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    times.sort();
    let pct = |p: f64| {
        let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len().max(1)) - 1;
        times
            .get(i)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    println!(
        "clients {clients}, {wall:.1} s, {} queries in the set: {} ok, {errors} errors, {:.1} requests/s; latency ms p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        queries.len(),
        times.len(),
        times.len() as f64 / wall,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0),
    );
}
