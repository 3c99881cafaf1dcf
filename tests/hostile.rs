//! Hostile input: each case of issue 13 generated at a size that runs in seconds (the bombs as
//! repeated gzip members, so nothing large is committed), ingested by the real binary under an
//! address-space limit (`ulimit -v`, i.e. `setrlimit(RLIMIT_AS)`) and a timeout, next to a good article that must stay
//! searchable. Each test asserts the exit code and the report's reason.
//!
//! The regression corpus of small hostile files is in `tests/hostile/` (see its README).

use assert_cmd::Command;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Address space the binary may use, in KiB: the documented ingest bound, 1 GiB (thread stacks
/// and the index's memory maps included).
const MEMORY_LIMIT_KB: u64 = 1 << 20;
/// Longest a hostile ingest may take (a debug build, on a loaded machine).
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// A word found only in the good article.
const GOOD_WORD: &str = "quokkaville";

struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// A work folder with `in/good.txt`, a good article.
    fn new() -> Workdir {
        let w = Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        w.write("in/good.txt", good_text().as_bytes());
        w
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Runs morgue under the memory and time limits: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {MEMORY_LIMIT_KB} && exec \"$0\" \"$@\""))
            .arg(assert_cmd::cargo::cargo_bin("morgue"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("MALLOC_ARENA_MAX", "2")
            .timeout(TIME_LIMIT)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Ingests `in/` (plus `args`): the exit code must be 1 (something skipped); returns the
    /// report and stderr.
    fn ingest(&self, args: &[&str]) -> (Value, String) {
        let mut all = vec!["ingest", "in", "--json"];
        all.extend_from_slice(args);
        let (code, out, err) = self.run(&all);
        assert_eq!(
            code,
            1,
            "expected exit 1 (items skipped), stderr: {}",
            head(&err)
        );
        let report = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("bad JSON {e}: {} / {}", head(&out), head(&err)));
        (report, err)
    }

    /// Asserts that the good article was indexed and is found.
    fn assert_good_found(&self) {
        let (code, out, err) = self.run(&["search", GOOD_WORD, "--json"]);
        assert_eq!(code, 0, "search: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["total"], 1, "{out}");
    }
}

/// The first 2,000 characters of `s`, for messages.
fn head(s: &str) -> String {
    s.chars().take(2000).collect()
}

fn good_text() -> String {
    format!(
        "The harbour of {GOOD_WORD} reopened\n\n12 March 2019\n\nThe harbour of {GOOD_WORD} \
         reopened on Tuesday after the storm, and the fishing fleet went out again before dawn. \
         Officials said the breakwater held and that repairs to the pier would take a month.\n"
    )
}

/// A JSON record holding the good article.
fn good_record() -> String {
    serde_json::json!({"title": "Harbour", "text": good_text()}).to_string()
}

/// One gzip member holding `bytes`.
fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `bytes` repeated `times` times, as gzip members: a large stream cheaply.
fn gz_repeat(bytes: &[u8], times: usize) -> Vec<u8> {
    gz(bytes).repeat(times)
}

/// The skip whose path is `path`.
fn skip_at<'a>(r: &'a Value, path: &str) -> &'a Value {
    r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == path)
        .unwrap_or_else(|| panic!("no skip at {path}: {}", r["skipped"]))
}

fn reason_at(r: &Value, path: &str) -> String {
    skip_at(r, path)["reason"].as_str().unwrap().to_string()
}

const MB: usize = 1 << 20;

/// 200,000 bad lines and records without text: counted, a few kept, stderr and report small.
#[test]
fn many_bad_records_are_counted_not_kept() {
    let w = Workdir::new();
    let mut dump = String::new();
    for i in 0..200_000 {
        dump.push_str(if i % 2 == 0 {
            "x\n"
        } else {
            "{\"title\": \"t\"}\n"
        });
    }
    w.write("in/b.jsonl", dump.as_bytes());
    let (r, err) = w.ingest(&[]);
    assert_eq!(r["skipped_total"], 200_000);
    assert_eq!(r["skipped"].as_array().unwrap().len(), 10);
    assert_eq!(
        r["skip_counts"],
        serde_json::json!([
            {"source": "in/b.jsonl", "reason": "invalid JSON", "count": 100_000},
            {"source": "in/b.jsonl", "reason": "no text field (text, content, body; or --field text=NAME)", "count": 100_000},
        ])
    );
    assert!(err.len() < 4096, "stderr holds {} bytes", err.len());
    assert!(err.contains("199990 more skipped"), "{err}");
    w.assert_good_found();
}

/// A 2 GB stream from a small `.jsonl.gz` is cut once it expands more than 100 times.
#[test]
fn a_gzip_bomb_ends_its_source_with_the_reason() {
    let w = Workdir::new();
    let line = format!("{}\n", "x".repeat(MB - 1));
    w.write("in/b.jsonl.gz", &gz_repeat(line.as_bytes(), 2048));
    let (r, _) = w.ingest(&[]);
    let bomb = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["reason"]
                .as_str()
                .unwrap()
                .contains("expands more than 100 times")
        })
        .unwrap_or_else(|| panic!("{}", r["skipped"]));
    assert!(bomb["path"].as_str().unwrap().starts_with("in/b.jsonl.gz:"));
    w.assert_good_found();
}

/// A 40 MB JSON line is skipped without being held; the line after it is read.
#[test]
fn a_huge_json_line_is_skipped_and_the_next_one_read() {
    let w = Workdir::new();
    let mut file = gz(b"{\"text\": \"");
    file.extend(gz_repeat(&vec![b'x'; MB], 40));
    file.extend(gz(format!("\"}}\n{}\n", good_record()).as_bytes()));
    std::fs::remove_file(w.path("in/good.txt")).unwrap();
    w.write("in/dump.jsonl.gz", &file);
    let (r, _) = w.ingest(&[]);
    assert_eq!(
        reason_at(&r, "in/dump.jsonl.gz:1"),
        "record larger than 16 MB (--max-record-size)"
    );
    assert_eq!(r["articles_indexed"], 1);
    w.assert_good_found();
    // The cap is an option.
    let w = Workdir::new();
    w.write("in/dump.jsonl", format!("{}\n", good_record()).as_bytes());
    std::fs::remove_file(w.path("in/good.txt")).unwrap();
    let (r, _) = w.ingest(&["--max-record-size", "100"]);
    assert_eq!(
        reason_at(&r, "in/dump.jsonl:1"),
        "record larger than 100 bytes (--max-record-size)"
    );
}

/// A JSON array streams: an oversized element is skipped, the ones around it are read.
#[test]
fn json_arrays_stream_element_by_element() {
    let w = Workdir::new();
    let mut file = gz(format!("[{}, {{\"text\": [", good_record()).as_bytes());
    file.extend(gz_repeat("1,".repeat(MB / 2).as_bytes(), 40));
    file.extend(gz(
        b"1]}, {\"body\": \"the second harbour story, read after the big one\"}, 7]",
    ));
    std::fs::remove_file(w.path("in/good.txt")).unwrap();
    w.write("in/a.json.gz", &file);
    let (r, _) = w.ingest(&[]);
    assert_eq!(
        reason_at(&r, "in/a.json.gz#2"),
        "record larger than 16 MB (--max-record-size)"
    );
    assert_eq!(
        reason_at(&r, "in/a.json.gz#4"),
        "not an object but a number"
    );
    assert_eq!(r["articles_indexed"], 2);
    w.assert_good_found();
}

/// An unclosed quote in a CSV file cannot swallow more than the cap.
#[test]
fn an_unclosed_csv_quote_is_cut_at_the_cap() {
    let w = Workdir::new();
    let mut file = gz(b"title,text\nFirst,\"a first story that is fine\"\nBad,\"");
    file.extend(gz_repeat(&vec![b'y'; MB], 100));
    w.write("in/d.csv.gz", &file);
    let (r, _) = w.ingest(&[]);
    assert_eq!(
        reason_at(&r, "in/d.csv.gz:3"),
        "record larger than 16 MB (--max-record-size), rest of the source lost (an unclosed quote?)"
    );
    assert_eq!(r["articles_indexed"], 2);
    w.assert_good_found();
}

/// A WARC record whose gzip HTTP body expands to 256 MB.
#[test]
fn a_warc_body_bomb_is_skipped() {
    let w = Workdir::new();
    let page = format!(
        "<html><body><p>{}</p></body></html>",
        "word ".repeat(MB / 5)
    );
    let body = gz_repeat(&page.as_bytes()[..MB], 256);
    let mut http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    http.extend(&body);
    let mut warc = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/a\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    warc.extend(&http);
    warc.extend(b"\r\n\r\n");
    w.write("in/bomb.warc", &warc);
    let (r, _) = w.ingest(&[]);
    assert_eq!(
        reason_at(&r, "in/bomb.warc#1"),
        "HTTP body (gzip) expands beyond 16 MB (--max-record-size): a decompression bomb?"
    );
    w.assert_good_found();
}

/// An `.html` file of NUL bytes is binary, not HTML.
#[test]
fn html_of_nul_bytes_is_binary() {
    let w = Workdir::new();
    w.write("in/nul.html.gz", &gz_repeat(&vec![0u8; MB], 15));
    let (r, _) = w.ingest(&[]);
    assert_eq!(
        reason_at(&r, "in/nul.html.gz"),
        "binary file (15728640 NUL bytes in 15 MB), not HTML"
    );
    w.assert_good_found();
}

/// 100,000 nested `<div>`s are refused by a linear scan before readability (quadratic) runs.
#[test]
fn deeply_nested_html_is_refused_quickly() {
    let w = Workdir::new();
    let n = 100_000;
    let page = format!(
        "<html><body>{}<p>{}</p>{}</body></html>",
        "<div>".repeat(n),
        "word ".repeat(300),
        "</div>".repeat(n)
    );
    w.write("in/deep.html", page.as_bytes());
    let (r, _) = w.ingest(&[]);
    assert_eq!(
        reason_at(&r, "in/deep.html"),
        "HTML nested more than 1000 elements deep"
    );
    w.assert_good_found();
}

/// Empty WARC files, empty gzip streams, an empty JSON array and FIFOs are reported.
#[test]
fn sources_that_yield_nothing_are_reported() {
    let w = Workdir::new();
    w.write("in/empty.warc", b"");
    w.write("in/empty.warc.gz", b"");
    w.write("in/nothing.warc.gz", &gz(b""));
    w.write("in/none.json", b"  []\n");
    let fifo = w.path("in/pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (r, _) = w.ingest(&[]);
    assert_eq!(reason_at(&r, "in/empty.warc"), "empty file");
    assert_eq!(reason_at(&r, "in/empty.warc.gz"), "empty file");
    assert_eq!(
        reason_at(&r, "in/nothing.warc.gz"),
        "empty after decompression (an empty gzip stream)"
    );
    assert_eq!(reason_at(&r, "in/none.json"), "no json records found");
    assert_eq!(
        reason_at(&r, "in/pipe.txt"),
        "not a regular file: a FIFO (named pipe), not read"
    );
    // Named explicitly, too.
    let (code, _, err) = w.run(&["ingest", "in/pipe.txt"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("skipped in/pipe.txt: not a regular file: a FIFO"),
        "{err}"
    );
    w.assert_good_found();
}

/// The skip list is in natural order: `file:2` before `file:10`.
#[test]
fn skips_are_in_natural_order() {
    let w = Workdir::new();
    let mut lines = vec![good_record(); 12];
    lines[1] = "{bad".into();
    lines[9] = "{bad".into();
    w.write("in/d.jsonl", (lines.join("\n") + "\n").as_bytes());
    let (r, _) = w.ingest(&[]);
    let paths: Vec<&str> = r["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["in/d.jsonl:2", "in/d.jsonl:10"]);
}

/// File names that are not UTF-8 are kept losslessly and shown escaped: two names with the
/// same lossy form are two sources, and `show --raw` reads each again.
#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_kept_losslessly() {
    use std::os::unix::ffi::OsStrExt;
    let w = Workdir::new();
    std::fs::remove_file(w.path("in/good.txt")).unwrap();
    let name = |b: &[u8]| w.path("in").join(std::ffi::OsStr::from_bytes(b));
    std::fs::write(name(b"caf\xe9.txt"), good_text()).unwrap();
    let other = good_text().replace(GOOD_WORD, "wallabytown");
    std::fs::write(name(b"caf\xe8.txt"), other).unwrap();
    let (code, out, err) = w.run(&["ingest", "--json", "in"]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["articles_indexed"], 2, "{out}");
    let (code, out, err) = w.run(&["show", "--raw", "in/caf\\xe8.txt"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wallabytown"), "{out}");
    let (code, out, err) = w.run(&["show", "--raw", "in/caf\\xe9.txt"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(GOOD_WORD), "{out}");
    let (_, out, _) = w.run(&["search", "wallabytown", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["hits"][0]["path"], "in/caf\\xe8.txt");
}

/// Two names with the same lossy form, ingested one after the other: the second is read, not
/// taken for the first (unchanged) by the ledger.
#[cfg(unix)]
#[test]
fn the_ledger_tells_apart_names_with_the_same_lossy_form() {
    use std::os::unix::ffi::OsStrExt;
    let w = Workdir::new();
    let name = |b: &[u8]| w.path("in").join(std::ffi::OsStr::from_bytes(b));
    let first = good_text();
    let second = good_text().replace(GOOD_WORD, "wallabytown");
    std::fs::write(name(b"x\xe9.txt"), &first).unwrap();
    std::fs::write(name(b"x\xe8.txt"), &second).unwrap();
    let time = std::fs::metadata(name(b"x\xe9.txt"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(name(b"x\xe8.txt"))
        .unwrap()
        .set_modified(time)
        .unwrap();
    let first_path = name(b"x\xe9.txt");
    let second_path = name(b"x\xe8.txt");
    let out = Command::new(assert_cmd::cargo::cargo_bin("morgue"))
        .current_dir(w.dir.path())
        .arg("ingest")
        .arg(&first_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = Command::new(assert_cmd::cargo::cargo_bin("morgue"))
        .current_dir(w.dir.path())
        .args(["ingest", "--json"])
        .arg(&second_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (r["unchanged"].clone(), r["articles_indexed"].clone()),
        (0.into(), 1.into())
    );
}

/// The files of `tests/hostile/` (small hostile inputs kept as a regression corpus) are each
/// skipped with the reason their README gives, and never crash the ingest.
#[test]
fn the_regression_corpus_is_skipped_with_reasons() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let w = Workdir::new();
    let expected = std::fs::read_to_string(corpus.join("EXPECTED.tsv")).unwrap();
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (file, _) = line.split_once('\t').unwrap();
        let from = corpus.join(file);
        std::fs::copy(&from, w.path("in").join(file)).unwrap();
    }
    let (r, _) = w.ingest(&[]);
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (file, reason) = line.split_once('\t').unwrap();
        let (at, reason) = reason.split_once('\t').unwrap();
        assert_eq!(reason_at(&r, &format!("in/{file}{at}")), reason, "{file}");
    }
    w.assert_good_found();
}
