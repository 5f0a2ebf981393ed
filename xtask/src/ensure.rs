//! Writing generated files, or in check mode, reporting the stale ones (rust-analyzer style).

use std::path::{Path, PathBuf};

/// What [`ensure_file`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    UpToDate,
    /// Written (or, in check mode, would have been).
    Stale,
}

/// Writes `contents` to `path` unless it already holds them; in `check` mode writes nothing.
pub fn ensure_file(path: &Path, contents: &str, check: bool) -> std::io::Result<Outcome> {
    let contents = contents.replace("\r\n", "\n");
    match std::fs::read_to_string(path) {
        Ok(old) if old.replace("\r\n", "\n") == contents => return Ok(Outcome::UpToDate),
        _ => {}
    }
    if !check {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, contents)?;
    }
    Ok(Outcome::Stale)
}

/// Files below `dir` (recursively) that the generator did not produce this run.
pub fn leftovers(dir: &Path, produced: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(leftovers(&path, produced));
        } else if !produced.contains(&path) {
            out.push(path);
        }
    }
    out.sort();
    out
}
