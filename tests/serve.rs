//! `morgue serve`: the JSON API against the real binary on an ephemeral port, and the page in a
//! real headless Chromium (module `browser`).
//!
//! Most tests share one fixture index (the seeds, `people.jsonl`, `copies/feeds.jsonl` and
//! `serve/xss.jsonl`), which they only read, each through its own server.

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary in `dir`; returns (exit code, stdout, stderr).
fn morgue(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("morgue")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Copies fixture files (paths under `tests/fixtures`, or `seeds/`) into `dir/in/`.
fn copy_inputs(dir: &Path, names: &[&str]) {
    let dest = dir.join("in");
    std::fs::create_dir_all(&dest).unwrap();
    for n in names {
        let from = match n.strip_prefix("seeds/") {
            Some(_) => repo().join(n),
            None => repo().join("tests/fixtures").join(n),
        };
        let name = n.replace('/', "_");
        std::fs::copy(&from, dest.join(name)).unwrap();
    }
}

/// The fixture folder with its index (`idx/`), built once per test binary under cargo's
/// temporary folder for integration tests (replaced at each run).
fn fixture() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-fixture");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut inputs: Vec<String> = std::fs::read_dir(repo().join("seeds"))
            .unwrap()
            .map(|e| format!("seeds/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        inputs.sort();
        inputs.extend(["people.jsonl", "copies/feeds.jsonl", "serve/xss.jsonl"].map(String::from));
        let names: Vec<&str> = inputs.iter().map(String::as_str).collect();
        copy_inputs(&dir, &names);
        let (code, _, err) = morgue(&dir, &["--index", "idx", "ingest", "in"]);
        assert_eq!(code, 0, "ingest failed: {err}");
        dir
    })
}

/// A running `morgue serve`, stopped when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    base: String,
}

impl Server {
    /// Starts `morgue serve --port 0` in `dir` with `extra` arguments and waits for its URL.
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut args = vec!["--index", "idx", "serve", "--port", "0"];
        args.extend_from_slice(extra);
        let mut child = Command::cargo_bin("morgue")
            .unwrap()
            .current_dir(dir)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let start = line.find("http://").expect("the URL is printed");
        let url = line[start..].split_whitespace().next().unwrap();
        Server {
            child,
            base: url.trim_end_matches('/').to_string(),
        }
    }

    /// GET `path` (HTTP/1.0, so the body ends with the connection): (status, headers, body).
    fn get(&self, path: &str) -> (u16, String, String) {
        let host = self.base.trim_start_matches("http://");
        let mut s = TcpStream::connect(host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP response");
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    /// GET a JSON document, checking the status.
    fn json(&self, path: &str, status: u16) -> Value {
        let (got, _, body) = self.get(path);
        assert_eq!(got, status, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: bad JSON {e}: {body}"))
    }
}

impl Server {
    /// Stops the server; returns what it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server over the shared fixture index (one per test, so that each is stopped).
fn server() -> Server {
    Server::start(fixture(), &[])
}

/// `v` without its `took_ms` (the one field that differs between two runs).
fn untimed(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("took_ms");
    }
    v
}

/// The id of the first hit of `q`.
fn first_id(s: &Server, q: &str) -> String {
    let v = s.json(&format!("/api/search?q={q}"), 200);
    v["hits"][0]["article_id"].as_str().unwrap().to_string()
}

mod api {
    use super::*;

    /// Each endpoint answers exactly what the CLI's `--json` prints for the same options.
    #[test]
    fn the_api_gives_the_clis_json() {
        let s = server();
        let id = first_id(&s, "Pelosi");
        let cases: Vec<(Vec<&str>, String)> = vec![
            (
                vec!["search", "lighthouse", "-n", "3", "--passages", "2"],
                "/api/search?q=lighthouse&limit=3&passages=2".into(),
            ),
            (
                vec!["search", "Clinton OR Pelosi", "--outlet", "Denver Daily", "--outlet", "Arkansas Wire", "--from", "2016-05", "--sort", "-date", "--all-copies"],
                "/api/search?q=Clinton+OR+Pelosi&outlet=Denver+Daily&outlet=Arkansas%20Wire&from=2016-05&sort=-date&all_copies=true".into(),
            ),
            (
                vec!["search", "lighthouse", "--to", "2016", "--include-undated"],
                "/api/search?q=lighthouse&to=2016&include_undated=1".into(),
            ),
            (vec!["outlets"], "/api/outlets".into()),
            (vec!["outlets", "lighthouse", "--from", "2016"], "/api/outlets?q=lighthouse&from=2016".into()),
            (
                vec!["timeline", "lighthouse", "--by", "month", "--split-by", "outlet", "--normalize"],
                "/api/timeline?q=lighthouse&by=month&split_by=outlet&normalize=1".into(),
            ),
            (vec!["entities", "--top", "5"], "/api/entities?top=5".into()),
            (vec!["entities", "Clinton", "--type", "person"], "/api/entities?q=Clinton&type=person".into()),
            (vec!["entity", "Nancy Pelosi", "--limit", "2"], "/api/entity?name=Nancy+Pelosi&limit=2".into()),
            (vec!["show", &id], format!("/api/article/{id}")),
            (vec!["copies", &id], format!("/api/copies/{id}")),
            (vec!["stats"], "/api/stats".into()),
            (vec!["facet", "desk", "lighthouse"], "/api/facet?key=desk&q=lighthouse".into()),
            (vec!["facet", "Outlet", "--top", "2"], "/api/facet?key=Outlet&top=2".into()),
            (
                vec!["timeline", "lighthouse", "--split-by", "desk"],
                "/api/timeline?q=lighthouse&split_by=desk".into(),
            ),
            (
                vec!["search", "lighthouse", "--meta", "desk=north"],
                "/api/search?q=lighthouse&meta=desk%3Dnorth".into(),
            ),
        ];
        for (args, path) in cases {
            let mut all = vec!["--index", "idx"];
            all.extend_from_slice(&args);
            all.push("--json");
            let (code, out, err) = morgue(fixture(), &all);
            assert!(code == 0 || code == 1, "{args:?}: {err}");
            let cli: Value = serde_json::from_str(&out).unwrap();
            let api = s.json(&path, 200);
            assert!(api.get("took_ms").is_some(), "{path} has took_ms");
            assert_eq!(untimed(api), untimed(cli), "{path} against {args:?}");
        }
    }

    /// The export streams the same rows as `morgue export`, and its sidecar is the CLI's.
    #[test]
    fn the_export_is_the_clis() {
        let s = server();
        let dir = fixture();
        for (format, unit) in [("csv", "article"), ("jsonl", "passage")] {
            let (code, cli, _) = morgue(
                dir,
                &[
                    "--index",
                    "idx",
                    "export",
                    "lighthouse OR Clinton",
                    "--format",
                    format,
                    "--unit",
                    unit,
                    "--outlet",
                    "Coast Courier",
                    "--outlet",
                    "Denver Daily",
                ],
            );
            assert_eq!(code, 0);
            let path = format!(
                "/api/export?q=lighthouse+OR+Clinton&format={format}&unit={unit}&outlet=Coast+Courier&outlet=Denver+Daily"
            );
            let (status, head, api) = s.get(&path);
            assert_eq!(status, 200);
            assert!(head.contains("content-disposition: attachment"), "{head}");
            assert_eq!(api, cli, "{format}");
            assert!(cli.lines().count() >= 3, "{cli}");
        }
        let side = dir.join("out.csv");
        let (code, _, _) = morgue(
            dir,
            &[
                "--index",
                "idx",
                "export",
                "lighthouse",
                "--from",
                "2016",
                "-o",
                side.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 0);
        let cli: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("out.csv.meta.json")).unwrap())
                .unwrap();
        let api = s.json("/api/export/meta?q=lighthouse&from=2016", 200);
        assert_eq!(untimed(api), cli);
        assert_eq!(cli["rows"], 3);
    }

    /// With `q`, the article's passages also get the query's highlights; nothing else changes.
    #[test]
    fn an_article_with_a_query_has_highlighted_passages() {
        let s = server();
        let id = s.json("/api/search?q=pier", 200)["hits"][0]["article_id"]
            .as_str()
            .unwrap()
            .to_string();
        let plain = s.json(&format!("/api/article/{id}"), 200);
        let mut marked = s.json(&format!("/api/article/{id}?q=storm+OR+repairs"), 200);
        let passage = &mut marked["passages"][0];
        let text: Vec<char> = passage["text"].as_str().unwrap().chars().collect();
        let words: Vec<String> = passage["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
                    .iter()
                    .collect()
            })
            .collect();
        assert_eq!(words, ["storm", "repairs"]);
        passage.as_object_mut().unwrap().remove("highlights");
        assert_eq!(untimed(marked), untimed(plain));
        let e = s.json(&format!("/api/article/{id}?q=%22pier"), 400);
        assert_eq!(e["error"]["column"], 1);
    }

    #[test]
    fn paging_goes_through_every_match_with_the_ranks_of_the_whole_list() {
        let s = server();
        let all = s.json("/api/search?q=lighthouse&limit=100", 200);
        let total = all["total"].as_u64().unwrap() as usize;
        assert!(total >= 4, "{all}");
        let mut ids = Vec::new();
        for offset in (0..total).step_by(2) {
            let page = s.json(
                &format!("/api/search?q=lighthouse&limit=2&offset={offset}"),
                200,
            );
            assert_eq!(page["total"].as_u64().unwrap() as usize, total);
            for (i, h) in page["hits"].as_array().unwrap().iter().enumerate() {
                assert_eq!(h["rank"].as_u64().unwrap() as usize, offset + i + 1);
                ids.push(h["article_id"].clone());
            }
        }
        let whole: Vec<Value> = all["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["article_id"].clone())
            .collect();
        assert_eq!(ids, whole);
        let past = s.json(
            &format!("/api/search?q=lighthouse&offset={}", total + 5),
            200,
        );
        assert_eq!(past["hits"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn bad_input_is_a_400_or_404_with_a_json_error_never_a_500() {
        let s = server();
        let cases = [
            ("/api/search?q=%22safe+corridors", 400, Some(1)),
            ("/api/search?q=Mosul+AND+(Raqqa", 400, Some(11)),
            ("/api/search", 400, None),
            ("/api/search?q=a&limit=0", 400, None),
            ("/api/search?q=a&limit=101", 400, None),
            ("/api/search?q=a&limit=ten", 400, None),
            ("/api/search?q=a&offset=-1", 400, None),
            ("/api/search?q=a&sort=newest", 400, None),
            ("/api/search?q=a&from=2016-13", 400, None),
            ("/api/search?q=a&from=2017&to=2016", 400, None),
            ("/api/search?q=a&outlet=", 400, None),
            ("/api/search?q=a&q=b", 400, None),
            ("/api/search?q=a&colour=red", 400, None),
            ("/api/search?q=a&all_copies=maybe", 400, None),
            ("/api/timeline?q=a&by=decade", 400, None),
            ("/api/timeline?q=a&split_by=entity", 400, None),
            ("/api/facet", 400, None),
            ("/api/facet?key=dsek", 400, None),
            ("/api/search?q=a&meta=desk", 400, None),
            ("/api/entities?type=animal", 400, None),
            ("/api/entity", 400, None),
            ("/api/entity?name=Nobody+Atall", 404, None),
            ("/api/export?q=(", 400, Some(1)),
            ("/api/export?q=a&format=xlsx", 400, None),
            ("/api/article/0000000000000000", 404, None),
            ("/api/article/..%2F..%2Fetc%2Fpasswd", 404, None),
            ("/api/article/seeds%2F000_e72452d668057a8e.txt", 404, None),
            ("/api/copies/zz", 404, None),
            ("/api/nothing", 404, None),
            ("/assets/..%2F..%2FCargo.toml", 404, None),
        ];
        for (path, status, column) in cases {
            let v = s.json(path, status);
            let message = v["error"]["message"]
                .as_str()
                .unwrap_or_else(|| panic!("{path}: {v}"));
            assert!(!message.is_empty());
            assert_eq!(
                v["error"].get("column").and_then(Value::as_u64),
                column.map(|c| c as u64),
                "{path}: {v}"
            );
        }
        let long = "a+".repeat(6000);
        s.json(&format!("/api/search?q={long}"), 400);
    }

    #[test]
    fn every_response_has_the_security_headers() {
        let s = server();
        for path in [
            "/",
            "/api/stats",
            "/api/search?q=(",
            "/assets/app.js",
            "/article/0000000000000000",
        ] {
            let (_, head, _) = s.get(path);
            assert!(
                head.contains("content-security-policy: default-src 'none'; script-src 'self';"),
                "{path}: {head}"
            );
            assert!(!head.contains("unsafe-inline"), "{head}");
            assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        }
        let (_, head, _) = s.get("/assets/app.js");
        assert!(head.contains("content-type: text/javascript"), "{head}");
    }

    /// Archive text comes back as JSON strings, escaped by the serializer, whatever it holds.
    #[test]
    fn hostile_titles_and_outlets_are_plain_json_strings() {
        let s = server();
        let v = s.json("/api/search?q=lighthouse&limit=10&sort=date", 200);
        let titles: Vec<&str> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap())
            .collect();
        assert!(
            titles.contains(&"<script>window.__xss='title'</script> Lighthouse keepers strike"),
            "{titles:?}"
        );
        let (_, _, body) = s.get("/api/outlets?q=lighthouse");
        assert!(
            body.contains(r#""outlet": "<img src=x onerror=\"window.__xss='outlet'\">""#),
            "{body}"
        );
    }

    #[test]
    fn a_request_over_the_time_limit_is_a_503() {
        let server = Server::start(fixture(), &["--time-limit", "0"]);
        let v = server.json("/api/search?q=lighthouse", 503);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("longer than"),
            "{v}"
        );
        // The page itself is not a library call.
        assert_eq!(server.get("/").0, 200);
    }

    /// New commits of an ingest running in another process show up without a restart.
    #[test]
    fn an_ingest_in_another_process_is_picked_up() {
        let dir = tempfile::tempdir().unwrap();
        copy_inputs(dir.path(), &["people.jsonl"]);
        assert_eq!(morgue(dir.path(), &["--index", "idx", "ingest", "in"]).0, 0);
        let server = Server::start(dir.path(), &[]);
        assert_eq!(server.json("/api/search?q=lighthouse", 200)["total"], 0);
        std::fs::remove_dir_all(dir.path().join("in")).unwrap();
        copy_inputs(dir.path(), &["serve/xss.jsonl"]);
        assert_eq!(morgue(dir.path(), &["--index", "idx", "ingest", "in"]).0, 0);
        assert_eq!(server.json("/api/search?q=lighthouse", 200)["total"], 4);
        let pelosi = server.json("/api/search?q=Pelosi", 200);
        assert!(pelosi["total"].as_u64().unwrap() > 0, "{pelosi}");
    }

    #[test]
    fn a_host_other_than_loopback_is_warned_about() {
        let dir = fixture();
        let server = Server::start(dir, &["--host", "0.0.0.0"]);
        assert!(
            server.base.starts_with("http://127.0.0.1:"),
            "{}",
            server.base
        );
        let err = server.stop();
        assert!(err.contains("warning: listening on 0.0.0.0"), "{err}");
        let (code, _, err) = morgue(dir, &["--index", "nowhere", "serve", "--port", "0"]);
        assert_eq!(code, 2);
        assert!(err.contains("no index at nowhere"), "{err}");
    }
}

/// The page in a real headless Chromium driven through WebDriver (`chromedriver`). Skips with a
/// message when no chromedriver or Chromium is installed, unless `MORGUE_REQUIRE_BROWSER=1`
/// (CI sets it), where that is a failure. Screenshots of the main views are written to
/// `target/serve-screenshots/`.
mod browser {
    use super::*;
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    use fantoccini::{Client, ClientBuilder, Locator};

    /// The first of `names` found on PATH.
    fn on_path(names: &[&str]) -> Option<PathBuf> {
        let path = std::env::var_os("PATH")?;
        names.iter().find_map(|n| {
            std::env::split_paths(&path)
                .map(|d| d.join(n))
                .find(|p| p.is_file())
        })
    }

    /// chromedriver and the browser, or the reason the test cannot run.
    fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
        let driver = on_path(&["chromedriver"]).ok_or("no chromedriver on PATH")?;
        let chrome = on_path(&["chromium", "chromium-browser", "google-chrome"])
            .ok_or("no chromium on PATH")?;
        Ok((driver, chrome))
    }

    /// A running chromedriver, stopped when dropped.
    struct Driver(Child, u16);

    impl Driver {
        fn start(path: &Path) -> Driver {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new(path)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            for _ in 0..200 {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Driver(child, port)
        }
    }

    impl Drop for Driver {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Waits until the JavaScript expression `cond` is true (10 s at most).
    async fn until(c: &Client, cond: &str) {
        let script = format!("return !!({cond});");
        for _ in 0..200 {
            if c.execute(&script, vec![]).await.ok() == Some(Value::Bool(true)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let url = c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        panic!("timed out waiting for {cond} on {url}");
    }

    async fn js(c: &Client, expr: &str) -> Value {
        c.execute(&format!("return {expr};"), vec![]).await.unwrap()
    }

    async fn count(c: &Client, css: &str) -> u64 {
        let expr = format!("document.querySelectorAll({css:?}).length");
        js(c, &expr).await.as_u64().unwrap()
    }

    /// Nothing of the XSS fixture ran, and it injected no element.
    async fn nothing_ran(c: &Client, view: &str) {
        assert_eq!(js(c, "typeof window.__xss").await, "undefined", "{view}");
        assert_eq!(count(c, "img, iframe, object, embed").await, 0, "{view}");
        assert_eq!(
            count(c, "svg").await,
            count(c, ".timeline svg").await,
            "{view}"
        );
        assert_eq!(count(c, "script").await, 1, "{view}: only app.js");
        assert_eq!(count(c, "[onerror], [onload]").await, 0, "{view}");
        assert_eq!(count(c, "a[href^='javascript:' i]").await, 0, "{view}");
    }

    async fn screenshot(c: &Client, name: &str) {
        let dir = repo().join("target/serve-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    #[test]
    fn the_page_works_in_a_real_browser() {
        let required = std::env::var("MORGUE_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        let (driver, chrome) = match browser_tools() {
            Ok(t) => t,
            Err(why) if required => panic!("MORGUE_REQUIRE_BROWSER=1 but {why}"),
            Err(why) => {
                eprintln!(
                    "SKIPPED the_page_works_in_a_real_browser: {why} (install chromium and \
                     chromium-driver; MORGUE_REQUIRE_BROWSER=1 makes this a failure)"
                );
                return;
            }
        };
        let server = server();
        let driver = Driver::start(&driver);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chrome,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1000"],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let c = rt
            .block_on(
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{}", driver.1)),
            )
            .expect("a WebDriver session");
        // The browser is closed whether the scenario passes or fails.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(scenario(&c, &server))
        }));
        let _ = rt.block_on(c.close());
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }

    async fn scenario(c: &Client, server: &Server) {
        let base = &server.base;
        // Search: hits, highlights, the hostile fixture shown as text and never run.
        c.goto(&format!("{base}/?q=lighthouse")).await.unwrap();
        until(c, "document.querySelectorAll('.hit').length == 4").await;
        until(c, "document.querySelector('.timeline rect.bar')").await;
        until(c, "document.querySelector('#outlets li')").await;
        let marks = js(
            c,
            "[...document.querySelectorAll('.hit mark')].map(m => m.textContent.toLowerCase())",
        )
        .await;
        assert!(
            marks.as_array().unwrap().iter().all(|m| m == "lighthouse"),
            "{marks}"
        );
        assert!(marks.as_array().unwrap().len() >= 8, "{marks}");
        let titles = js(
            c,
            "[...document.querySelectorAll('.hit h3')].map(h => h.textContent)",
        )
        .await;
        assert!(
            titles
                .to_string()
                .contains("<script>window.__xss='title'</script> Lighthouse keepers strike"),
            "{titles}"
        );
        let page = js(c, "document.body.textContent").await;
        assert!(page
            .as_str()
            .unwrap()
            .contains("<img src=x onerror=window.__xss='text'>"));
        nothing_ran(c, "search").await;
        screenshot(c, "search").await;

        // Outlet facet: only that outlet's stories.
        c.find(Locator::XPath(
            "//section[@id='outlets']//a[text()='Coast Courier']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        until(c, "location.search.includes('outlet=Coast+Courier')").await;
        until(c, "document.querySelectorAll('.hit').length == 2").await;
        until(c, "document.querySelector('.chip')").await;
        let outlets = js(
            c,
            "[...document.querySelectorAll('.hit .meta')].map(m => m.textContent.split(' · ')[0])",
        )
        .await;
        assert_eq!(
            outlets,
            serde_json::json!(["Coast Courier", "Coast Courier"])
        );

        // A metadata facet (the fixture's `desk` field): counts for the query, the hostile value
        // shown as text, a click filters on the value.
        c.goto(&format!("{base}/?q=lighthouse")).await.unwrap();
        until(
            c,
            "document.querySelector(\"section.meta-facet[data-key='desk'] li\")",
        )
        .await;
        let desk = js(
            c,
            "[...document.querySelectorAll(\"section.meta-facet[data-key='desk'] li\")].map(li => li.querySelector('.name').textContent + '=' + li.querySelector('.count').textContent)",
        )
        .await;
        assert_eq!(
            desk,
            serde_json::json!(["north=2", "<svg onload=window.__xss='meta'>=1", "south=1"]),
        );
        nothing_ran(c, "metadata facet").await;
        c.find(Locator::XPath(
            "//section[@data-key='desk']//a[text()='north']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        until(
            c,
            "new URLSearchParams(location.search).get('meta') == 'desk=north'",
        )
        .await;
        until(c, "document.querySelectorAll('.hit').length == 2").await;
        until(c, "[...document.querySelectorAll('.chip')].some(c => c.textContent.includes('meta: desk=north'))").await;

        // Excluding an outlet adds it to the query.
        c.goto(&format!("{base}/?q=lighthouse")).await.unwrap();
        until(c, "document.querySelector('#outlets a.x')").await;
        c.find(Locator::Css(
            "#outlets a.x[aria-label='Exclude Harbor Gazette']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        until(c, "new URLSearchParams(location.search).get('q') == 'lighthouse -outlet:\"Harbor Gazette\"'").await;
        until(c, "document.querySelectorAll('.hit').length == 3").await;

        // Timeline: a click on 2016 sets the dates to that year.
        c.goto(&format!("{base}/?q=lighthouse&by=year"))
            .await
            .unwrap();
        until(
            c,
            "document.querySelector(\".timeline rect.bar[data-period='2016']\")",
        )
        .await;
        c.find(Locator::Css(".timeline rect.bar[data-period='2016']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        until(c, "location.search.includes('from=2016&to=2016')").await;
        until(c, "document.querySelectorAll('.hit').length == 2").await;
        let dates = js(
            c,
            "[...document.querySelectorAll('.hit time')].map(t => t.textContent).sort()",
        )
        .await;
        assert_eq!(dates, serde_json::json!(["2016-03-01", "2016-04-12"]));
        let summary = js(c, "document.querySelector('.summary').textContent").await;
        assert!(
            summary
                .as_str()
                .unwrap()
                .contains("1 undated article left out"),
            "{summary}"
        );

        // Dragging from March to April 2016 sets both ends.
        c.goto(&format!("{base}/?q=lighthouse&by=month"))
            .await
            .unwrap();
        until(
            c,
            "document.querySelector(\".timeline rect.bar[data-period='2016-04']\")",
        )
        .await;
        let bar = |p: &'static str| c.find(Locator::Css(p));
        let (march, april) = (
            bar(".timeline rect.bar[data-period='2016-03']")
                .await
                .unwrap(),
            bar(".timeline rect.bar[data-period='2016-04']")
                .await
                .unwrap(),
        );
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: march,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveToElement {
                element: april,
                duration: Some(Duration::from_millis(100)),
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        c.perform_actions(drag).await.unwrap();
        until(c, "location.search.includes('from=2016-03&to=2016-04')").await;
        until(c, "document.querySelectorAll('.hit').length == 2").await;

        // A query error is shown inline with its column.
        let q = c.find(Locator::Id("q")).await.unwrap();
        q.clear().await.unwrap();
        q.send_keys("lighthouse AND (pier").await.unwrap();
        c.find(Locator::Css("#search button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        until(c, "!document.getElementById('query-error').hidden").await;
        let err = js(c, "document.getElementById('query-error').textContent").await;
        assert!(err.as_str().unwrap().contains("column 16"), "{err}");

        // Paging through every match, two per page.
        c.goto(&format!("{base}/?q=lighthouse&limit=2"))
            .await
            .unwrap();
        until(c, "document.querySelectorAll('.hit').length == 2").await;
        let first = js(
            c,
            "[...document.querySelectorAll('.hit h3')].map(h => h.textContent)",
        )
        .await;
        c.find(Locator::Css(".pager a[rel=next]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        until(c, "location.search.includes('page=2')").await;
        until(c, "document.querySelectorAll('.hit').length == 2").await;
        let second = js(
            c,
            "[...document.querySelectorAll('.hit h3')].map(h => h.textContent)",
        )
        .await;
        assert_ne!(first, second);
        assert_eq!(count(c, ".pager a[rel=next]").await, 0, "two pages of two");
        let all = server.json("/api/search?q=lighthouse", 200);
        let want: Vec<Value> = all["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].clone())
            .collect();
        let got: Vec<Value> = [first, second]
            .iter()
            .flat_map(|v| v.as_array().unwrap().clone())
            .collect();
        assert_eq!(got, want);

        // Export: the link gives what `morgue export` gives.
        c.goto(&format!("{base}/?q=lighthouse")).await.unwrap();
        until(c, "document.getElementById('export-csv')").await;
        let href = c
            .find(Locator::Id("export-csv"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let (status, _, csv) = server.get(&href);
        assert_eq!(status, 200);
        let (_, cli, _) = morgue(fixture(), &["--index", "idx", "export", "lighthouse"]);
        assert_eq!(csv, cli);

        // Article view: provenance, highlighted passages, no link for a javascript: URL.
        until(c, "document.querySelectorAll('.hit').length == 4").await;
        c.find(Locator::XPath(
            "//li[@class='hit'][.//h3[contains(., 'keepers strike')]]//h3/a",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        until(c, "location.pathname.startsWith('/article/')").await;
        until(c, "document.querySelector('ol.passages li')").await;
        let h1 = js(c, "document.querySelector('h1').textContent").await;
        assert_eq!(
            h1,
            "<script>window.__xss='title'</script> Lighthouse keepers strike"
        );
        let table = js(c, "document.querySelector('table.kv').textContent").await;
        assert!(
            table.as_str().unwrap().contains("2016-03-01from metadata"),
            "{table}"
        );
        assert!(
            table
                .as_str()
                .unwrap()
                .contains("javascript:window.__xss='url'"),
            "{table}"
        );
        assert!(count(c, "ol.passages mark").await >= 1);
        nothing_ran(c, "article").await;
        screenshot(c, "article").await;

        // The other hostile article: an https URL is a link, the outlet is text.
        let id = server.json("/api/search?q=pier", 200)["hits"][0]["article_id"]
            .as_str()
            .unwrap()
            .to_string();
        c.goto(&format!("{base}/article/{id}?q=pier"))
            .await
            .unwrap();
        until(c, "document.querySelector('ol.passages li')").await;
        assert_eq!(
            js(c, "document.querySelector('table.kv a').href").await,
            "https://example.org/storm-pier"
        );
        nothing_ran(c, "article 2").await;

        // Entity view.
        c.goto(&format!("{base}/entity?name=Nancy%20Pelosi"))
            .await
            .unwrap();
        until(c, "document.querySelector('h1') && document.querySelector('h1').textContent == 'Nancy Pelosi'").await;
        assert!(count(c, "main ul li a[href^='/article/']").await >= 3);
        screenshot(c, "entity").await;

        // A phone-width screen.
        c.set_window_size(390, 844).await.unwrap();
        c.goto(&format!("{base}/?q=Pelosi")).await.unwrap();
        until(c, "document.querySelectorAll('.hit').length > 0").await;
        let overflow = js(
            c,
            "document.documentElement.scrollWidth <= window.innerWidth",
        )
        .await;
        assert_eq!(
            overflow,
            Value::Bool(true),
            "no sideways scrolling at phone width"
        );
        screenshot(c, "search-phone").await;
    }
}
