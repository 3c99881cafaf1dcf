//! Source paths as text, losslessly: the label a path is reported, indexed and recorded in the
//! ledger under, and the way back from a label to the path.
//!
//! A file name is bytes on Unix and need not be UTF-8. Its label keeps valid UTF-8 as it is,
//! except that a backslash is written `\\`, and writes every byte of an invalid sequence and
//! every control character as `\xNN`; [`label_path`] undoes it. So two names that differ only
//! in bytes that are not UTF-8 never get the same label, and a label shows no raw control
//! characters. On other systems the label is the path as text.

use std::path::{Path, PathBuf};

/// The label of `path` (see the module docs).
pub fn path_label(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c => out.push(c),
                }
            }
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// The path a label (from [`path_label`]) stands for. A backslash not followed by `\` or
/// `xNN` is kept as it is.
pub fn label_path(label: &str) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let bytes = label.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\\' {
                if bytes.get(i + 1) == Some(&b'\\') {
                    out.push(b'\\');
                    i += 2;
                    continue;
                }
                if bytes.get(i + 1) == Some(&b'x') {
                    let hex = bytes
                        .get(i + 2..i + 4)
                        .and_then(|h| std::str::from_utf8(h).ok());
                    if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        out.push(b);
                        i += 4;
                        continue;
                    }
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        PathBuf::from(std::ffi::OsString::from_vec(out))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(label)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn labels_are_lossless_and_escaped() {
        let cases: [&[u8]; 6] = [
            b"plain/dir/a.txt",
            b"caf\xe9.txt",
            b"caf\xef\xbf\xbd.txt",
            b"back\\slash\\x41.txt",
            b"new\nline\x1b[2J.html",
            "d\u{e9}j\u{e0}.json".as_bytes(),
        ];
        let mut labels = Vec::new();
        for bytes in cases {
            let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
            let label = path_label(path);
            assert!(!label.chars().any(|c| c.is_control()), "{label}");
            assert_eq!(label_path(&label).as_os_str().as_bytes(), bytes, "{label}");
            labels.push(label);
        }
        assert_eq!(labels[1], "caf\\xe9.txt");
        assert_eq!(labels[2], "caf\u{fffd}.txt");
        assert_eq!(labels[3], "back\\\\slash\\\\x41.txt");
        assert_eq!(labels[5], "d\u{e9}j\u{e0}.json");
    }
}
