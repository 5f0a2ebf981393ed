//! A file that is replaced only by a complete new version: written to a temporary file in
//! the same directory (so the rename cannot cross file systems), synced, then renamed over
//! the target. Until then the old file is untouched; a temporary file never outlives a
//! failure, an early return or Ctrl-C, since dropping the writer removes it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The pending new version of `target`.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
    committed: bool,
    /// Whether `target` was a file when this was created.
    replaces: bool,
}

impl AtomicFile {
    /// Creates the temporary file now, so a missing or read-only directory is found before
    /// any work is done. The new file keeps the permissions of the file it replaces.
    pub fn create(target: &Path) -> io::Result<Self> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        if target.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a directory, not a file",
            ));
        }
        let dir = directory_of(target);
        for attempt in 0u32..100 {
            let temp = dir.join(format!(
                ".{}.{}-{attempt}.tmp",
                name.to_string_lossy(),
                std::process::id()
            ));
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    let old = fs::metadata(target).ok();
                    if let Some(old) = &old {
                        // Best effort: a new file with default permissions is still correct.
                        let _ = file.set_permissions(old.permissions());
                    }
                    return Ok(Self {
                        target: target.to_owned(),
                        temp,
                        file: Some(file),
                        committed: false,
                        replaces: old.is_some(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "could not find a free temporary file name",
        ))
    }

    /// The file being replaced.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether a file existed at the target when this was created (a commit replaces it).
    pub fn replaces_a_file(&self) -> bool {
        self.replaces
    }

    /// Writes the new content with `write`, then syncs and renames it over the target. When
    /// `write` or any step fails, the target is as it was and the temporary file is gone.
    pub fn commit_with(
        mut self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("the temporary file is already closed"))?;
        let mut buffered = BufWriter::new(file);
        write(&mut buffered)?;
        let file = buffered
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        // Makes the rename itself durable where directories can be synced (not on Windows).
        if let Ok(dir) = File::open(directory_of(&self.target)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            self.file = None;
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// The directory a path's file is in: `.` for a bare file name.
pub fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_complete_write_replaces_the_file() {
        let scratch = tempfile::tempdir().unwrap();
        let target = scratch.path().join("usage.csv");
        fs::write(&target, "old").unwrap();
        let file = AtomicFile::create(&target).unwrap();
        assert_eq!(
            entries(scratch.path()).len(),
            2,
            "the temporary file is made up front"
        );
        file.commit_with(|w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(scratch.path()), ["usage.csv"]);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temporary_file() {
        let scratch = tempfile::tempdir().unwrap();
        let target = scratch.path().join("usage.csv");
        fs::write(&target, "old").unwrap();
        let file = AtomicFile::create(&target).unwrap();
        let err = file
            .commit_with(|w| {
                w.write_all(b"half of the")?;
                Err(io::Error::other("disk full"))
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(entries(scratch.path()), ["usage.csv"]);
    }

    #[test]
    fn dropping_without_commit_creates_nothing() {
        let scratch = tempfile::tempdir().unwrap();
        let target = scratch.path().join("new.json");
        drop(AtomicFile::create(&target).unwrap());
        assert!(entries(scratch.path()).is_empty());
    }

    #[test]
    fn missing_directories_and_directories_are_refused_up_front() {
        let scratch = tempfile::tempdir().unwrap();
        assert_eq!(
            AtomicFile::create(&scratch.path().join("no/such/dir/x.csv"))
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
        assert!(AtomicFile::create(scratch.path()).is_err());
        assert!(entries(scratch.path()).is_empty());
    }
}
