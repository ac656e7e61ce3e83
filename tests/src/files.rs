//! Searching a directory tree for a byte string, to prove a secret never reached disk.

use std::io;
use std::path::{Path, PathBuf};

/// Every regular file under `root`, outside the `excluded` directories, whose bytes contain
/// `needle`, sorted.
///
/// Binary-safe: SQLite databases, their `-wal` and `-journal` files and compressed logs are
/// searched as raw bytes (a secret in a SQLite text column is stored verbatim). Symbolic links
/// are not followed, so nothing outside `root` is searched; sockets and FIFOs are skipped.
/// Files that vanish during the walk (the app may be rotating a log) are skipped.
pub(crate) fn files_containing(root: &Path, excluded: &[PathBuf], needle: &[u8]) -> Vec<PathBuf> {
    assert!(
        !needle.is_empty(),
        "files_containing needs a non-empty needle"
    );
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => panic!("listing {}: {e}", dir.display()),
        };
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if !excluded.contains(&path) {
                    dirs.push(path);
                }
            } else if file_type.is_file() {
                match std::fs::read(&path) {
                    Ok(bytes) if contains(&bytes, needle) => found.push(path),
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => panic!("reading {}: {e}", path.display()),
                }
            }
        }
    }
    found.sort();
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bytes_in_binary_files_and_honours_exclusions() {
        let root = tempfile::tempdir().unwrap();
        let hidden = root.path().join("keyrings");
        std::fs::create_dir_all(hidden.join("deep")).unwrap();
        std::fs::write(root.path().join("db.sqlite"), b"\0\x01token-123\xff").unwrap();
        std::fs::write(root.path().join("clean.txt"), b"nothing here").unwrap();
        std::fs::write(hidden.join("deep/login.keyring"), b"token-123").unwrap();

        let found = files_containing(root.path(), &[hidden], b"token-123");

        assert_eq!(
            found,
            vec![root.path().join("db.sqlite")],
            "only the binary file outside the excluded directory"
        );
    }
}
