//! `cargo xtask source-check DIR`: which specs' documents changed. DIR holds freshly
//! retrieved documents, laid out like `shared/` (a spec's `source.document`, e.g.
//! `seeds/000_….txt`) or flat (by file name); each is hashed and compared with the spec's
//! `source.sha256`, so a maintainer knows which specs to review.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::load::{self, SpecError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Unchanged,
    /// The fresh document hashes to something else.
    Changed {
        fresh: String,
    },
    /// Pinned, but DIR has no copy.
    Missing,
    /// The spec records no SHA-256 (its document's text was not at hand); `fresh` is the
    /// hash of a copy in DIR, to pin it with.
    NotPinned {
        fresh: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub spec: PathBuf,
    pub document: String,
    pub url: Option<String>,
    pub pinned: Option<String>,
    pub status: Status,
}

/// Lowercase hex SHA-256 of `bytes`, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The fresh copy of `document` in `dir`: at its own path, else by its file name.
fn fresh_copy(dir: &Path, document: &str) -> Option<Vec<u8>> {
    let name = Path::new(document).file_name()?;
    [dir.join(document), dir.join(name)]
        .iter()
        .find_map(|p| std::fs::read(p).ok())
}

/// Every operation spec under `root/specs`, against the documents in `dir`.
pub fn check(root: &Path, dir: &Path) -> Result<Vec<Entry>, SpecError> {
    if !dir.is_dir() {
        return Err(SpecError {
            file: dir.to_owned(),
            message: "not a folder of retrieved documents".into(),
        });
    }
    let mut entries = Vec::new();
    for vendor in load::load_all(root, &root.join("specs"))? {
        for op in vendor.operations {
            let source = op.spec.source;
            let fresh = fresh_copy(dir, &source.document).map(|b| sha256_hex(&b));
            let status = match (&source.sha256, fresh) {
                (None, fresh) => Status::NotPinned { fresh },
                (Some(_), None) => Status::Missing,
                (Some(pinned), Some(fresh)) if *pinned == fresh => Status::Unchanged,
                (Some(_), Some(fresh)) => Status::Changed { fresh },
            };
            entries.push(Entry {
                spec: op.file,
                document: source.document,
                url: source.url,
                pinned: source.sha256,
                status,
            });
        }
    }
    Ok(entries)
}

/// The listing, changed documents first.
pub fn render(dir: &Path, entries: &[Entry]) -> String {
    let mut out = format!(
        "source-check: {} specs against {}\n",
        entries.len(),
        dir.display()
    );
    let rank = |s: &Status| match s {
        Status::Changed { .. } => 0,
        Status::Missing => 1,
        Status::NotPinned { .. } => 2,
        Status::Unchanged => 3,
    };
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| rank(&e.status));
    let (mut changed, mut missing, mut unpinned, mut same) = (0, 0, 0, 0);
    for e in sorted {
        let url = e
            .url
            .as_deref()
            .map(|u| format!(" <{u}>"))
            .unwrap_or_default();
        let line = match &e.status {
            Status::Changed { fresh } => {
                changed += 1;
                format!(
                    "  changed     {} ({}{url}): pinned {}, now {fresh}: review the document against the spec, then update source.sha256 and source.retrieved",
                    e.spec.display(),
                    e.document,
                    e.pinned.as_deref().unwrap_or_default()
                )
            }
            Status::Missing => {
                missing += 1;
                format!(
                    "  missing     {} ({}{url}): no fresh copy in the folder",
                    e.spec.display(),
                    e.document
                )
            }
            Status::NotPinned { fresh } => {
                unpinned += 1;
                let fresh = fresh
                    .as_deref()
                    .map(|f| format!("; the file here hashes to {f} (pin it only if it is the vendor's own document text, not a summary)"))
                    .unwrap_or_default();
                format!(
                    "  not pinned  {} ({}{url}): no source.sha256{fresh}",
                    e.spec.display(),
                    e.document
                )
            }
            Status::Unchanged => {
                same += 1;
                format!("  unchanged   {} ({})", e.spec.display(), e.document)
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "summary: {changed} changed, {same} unchanged, {missing} missing, {unpinned} not pinned"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::sha256_hex;

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
