//! The ledger: which sources an index has read, so that a re-run skips unchanged ones.
//!
//! A JSON-lines file (`ledger.jsonl`) in the index folder, one entry per source read: path,
//! size, modification time, BLAKE3 hash of its bytes, outcome and counts. Entries are appended
//! only after the index commit that covers the source's articles, so an ingest killed midway
//! never records a source whose articles were lost; the last entry for a path wins. A malformed
//! line (e.g. cut by a crash) is ignored.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// File name of the ledger inside the index folder.
pub const LEDGER_FILE: &str = "ledger.jsonl";

/// What the ledger records about one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Absolute path of the source.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
    /// BLAKE3 hash of the bytes, hex.
    pub hash: String,
    /// `read` (every item read) or `partial` (some items skipped).
    pub outcome: String,
    /// Articles the source gave (new or already present).
    pub articles: u64,
    /// Items skipped.
    pub skipped: u64,
}

/// The ledger of an index folder.
#[derive(Debug, Clone)]
pub struct Ledger {
    file: PathBuf,
    entries: HashMap<String, LedgerEntry>,
}

impl Ledger {
    /// Loads the ledger of the index in `dir` (empty when there is none).
    pub fn open(dir: &Path) -> Result<Ledger> {
        let file = dir.join(LEDGER_FILE);
        let mut entries = HashMap::new();
        match std::fs::File::open(&file) {
            Ok(f) => {
                for line in std::io::BufReader::new(f).lines() {
                    let line = line.map_err(|e| Error::io(&file, e))?;
                    if let Ok(e) = serde_json::from_str::<LedgerEntry>(&line) {
                        entries.insert(e.path.clone(), e);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&file, e)),
        }
        Ok(Ledger { file, entries })
    }

    /// The entry recorded for `path`, if any.
    pub fn get(&self, path: &str) -> Option<&LedgerEntry> {
        self.entries.get(path)
    }

    /// Every source recorded (the last entry of each), in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &LedgerEntry> {
        self.entries.values()
    }

    /// Forgets `path` for this run, so that it is read again (its new entry, appended after
    /// the read, then wins).
    pub fn forget(&mut self, path: &str) {
        self.entries.remove(path);
    }

    /// Appends entries (after the commit that covers them) and syncs the file.
    pub fn append(&mut self, new: Vec<LedgerEntry>) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .map_err(|e| Error::io(&self.file, e))?;
        let mut buf = String::new();
        for e in &new {
            if let Ok(line) = serde_json::to_string(e) {
                buf.push_str(&line);
                buf.push('\n');
            }
        }
        f.write_all(buf.as_bytes())
            .and_then(|_| f.sync_data())
            .map_err(|e| Error::io(&self.file, e))?;
        for e in new {
            self.entries.insert(e.path.clone(), e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_the_last_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |size| LedgerEntry {
            path: "/a.jsonl".into(),
            size,
            mtime: 1,
            hash: "h".into(),
            outcome: "read".into(),
            articles: 2,
            skipped: 0,
        };
        let mut l = Ledger::open(dir.path()).unwrap();
        assert!(l.get("/a.jsonl").is_none());
        l.append(vec![entry(1)]).unwrap();
        l.append(vec![entry(2)]).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(LEDGER_FILE))
            .unwrap()
            .write_all(b"{\"path\": \"/b\", \"si")
            .unwrap();
        let again = Ledger::open(dir.path()).unwrap();
        assert_eq!(again.get("/a.jsonl").map(|e| e.size), Some(2));
        assert!(again.get("/b").is_none());
    }
}
