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

/// Makes `path` a symbolic link to `target` (relative to `path`'s directory) unless it is
/// one already; in `check` mode changes nothing. Used for the license files every crate
/// carries (`cargo package` archives what a link points to). Where links cannot be made (not
/// Unix), a copy of the target is written instead.
pub fn ensure_link(path: &Path, target: &Path, check: bool) -> std::io::Result<Outcome> {
    if std::fs::read_link(path).is_ok_and(|t| t == target) {
        return Ok(Outcome::UpToDate);
    }
    if !check {
        if std::fs::symlink_metadata(path).is_ok() {
            std::fs::remove_file(path)?;
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, path)?;
        #[cfg(not(unix))]
        {
            let resolved = path.parent().unwrap_or(Path::new(".")).join(target);
            std::fs::copy(resolved, path)?;
        }
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
