//! The folder an index lives in: tantivy's memory-mapped directory, readable without write access,
//! and the diagnosis of damaged or unwritable index files.
//!
//! tantivy takes a lock file (`.tantivy-meta.lock`) while it opens the segments of a reader, to
//! keep a concurrent writer's garbage collection from deleting them midway. On a folder morgue
//! may not write (a read-only share, a snapshot), creating that file fails and tantivy refuses to
//! search. [`Folder`] takes the lock whenever it can, and reads without it when the lock file
//! cannot be created: a folder nobody can write has no writer to guard against. Every other lock
//! (the writer's) is taken as tantivy does.

use crate::error::Error;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, META_LOCK,
};
use tantivy::TantivyError;

/// A memory-mapped index folder that can be read without write access.
#[derive(Debug, Clone)]
pub struct Folder(MmapDirectory);

impl Folder {
    /// Opens the folder `dir` (which must exist).
    pub fn open(dir: &Path) -> crate::Result<Folder> {
        MmapDirectory::open(dir)
            .map(Folder)
            .map_err(|e: OpenDirectoryError| Error::Io {
                path: dir.to_path_buf(),
                source: io::Error::other(e.to_string()),
            })
    }
}

impl Directory for Folder {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            // The lock file cannot be created: nobody can write here, so nothing to guard.
            Err(LockError::IoError(_)) if lock.filepath == META_LOCK.filepath => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
}

/// What is damaged, when `e` says that index files are missing, cut short or corrupted (as
/// opposed to a system problem such as a full disk or missing permissions).
pub fn damage(e: &TantivyError) -> Option<String> {
    let broken = |io: &io::Error| {
        matches!(
            io.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        )
    };
    let what = |io: &io::Error| {
        let text = io.to_string();
        if text.contains("Footer") || text.contains("footer") {
            "cut short or overwritten (its footer is invalid)".to_string()
        } else {
            format!("unreadable ({text})")
        }
    };
    match e {
        TantivyError::DataCorruption(d) => Some(format!("{d:?}")),
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
            Some(format!("{} is missing", p.display()))
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath })
            if broken(io_error) =>
        {
            Some(format!("{} is {}", filepath.display(), what(io_error)))
        }
        TantivyError::IoError(io) if broken(io) => Some(format!("a file is {}", what(io))),
        _ => None,
    }
}

/// The library error for a tantivy error about the index in `dir`: [`Error::Damaged`] when
/// files are damaged, [`Error::ReadOnly`] when the writer's lock file cannot be created,
/// [`Error::Locked`] when another process holds it.
pub fn classify(dir: &Path, e: TantivyError) -> Error {
    let path = dir.to_path_buf();
    if let Some(reason) = damage(&e) {
        return Error::Damaged { path, reason };
    }
    match e {
        TantivyError::LockFailure(LockError::IoError(io), _) => Error::ReadOnly {
            path,
            reason: format!("cannot create its lock file: {io}"),
        },
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked { path },
        e => Error::Index(e),
    }
}

/// The permissions the process gives new files in an index folder (`0666` less the umask), so
/// that the files tantivy writes atomically (`meta.json`, `.managed.json`), which it creates
/// `0600`, can be given the same: an index built for a group stays readable by the group.
#[derive(Debug, Clone)]
pub struct FileMode {
    dir: PathBuf,
    #[cfg(unix)]
    mode: u32,
}

/// Files tantivy replaces atomically, with private permissions.
const ATOMIC_FILES: [&str; 2] = ["meta.json", ".managed.json"];

impl FileMode {
    /// Finds the mode by creating (and removing) a probe file in `dir`.
    pub fn of_new_files(dir: &Path) -> crate::Result<FileMode> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let probe = dir.join(".morgue-mode-probe");
            let made = std::fs::File::create(&probe).and_then(|f| f.metadata());
            let _ = std::fs::remove_file(&probe);
            let mode = made.map_err(|e| Error::io(&probe, e))?.permissions().mode() & 0o777;
            Ok(FileMode {
                dir: dir.to_path_buf(),
                mode,
            })
        }
        #[cfg(not(unix))]
        Ok(FileMode {
            dir: dir.to_path_buf(),
        })
    }

    /// Gives `meta.json` and `.managed.json` the mode of new files.
    pub fn apply(&self) -> crate::Result<()> {
        #[cfg(unix)]
        for name in ATOMIC_FILES {
            use std::os::unix::fs::PermissionsExt;
            let path = self.dir.join(name);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.permissions().mode() & 0o777 != self.mode {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(self.mode))
                    .map_err(|e| Error::io(&path, e))?;
            }
        }
        Ok(())
    }
}

/// Files in `dir` that an index leaves behind (segment files, tantivy's bookkeeping, morgue's
/// ledger): a folder holding any of them but no `meta.json` is a damaged index, not a new one.
pub fn leftovers(dir: &Path) -> Vec<PathBuf> {
    const SEGMENT_EXTENSIONS: [&str; 8] = [
        "idx",
        "pos",
        "term",
        "store",
        "fast",
        "fieldnorm",
        "del",
        "terminfo",
    ];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            name == ".managed.json"
                || name == super::ledger::LEDGER_FILE
                || SEGMENT_EXTENSIONS.contains(&ext)
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_footer_is_damage_not_an_old_version() {
        let io = io::Error::new(
            io::ErrorKind::InvalidData,
            "Footer magic byte mismatch. File corrupted or index was created using old an tantivy version",
        );
        let e = TantivyError::OpenReadError(OpenReadError::wrap_io_error(io, "x.idx".into()));
        assert_eq!(
            damage(&e).as_deref(),
            Some("x.idx is cut short or overwritten (its footer is invalid)")
        );
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        let e = TantivyError::OpenReadError(OpenReadError::wrap_io_error(denied, "x.idx".into()));
        assert_eq!(damage(&e), None);
    }

    #[test]
    fn leftovers_are_segment_files_and_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        assert!(leftovers(dir.path()).is_empty());
        std::fs::write(dir.path().join("aliases.tsv"), "").unwrap();
        assert!(leftovers(dir.path()).is_empty());
        std::fs::write(dir.path().join("0123.store"), "").unwrap();
        std::fs::write(dir.path().join("ledger.jsonl"), "").unwrap();
        assert_eq!(leftovers(dir.path()).len(), 2);
    }
}
