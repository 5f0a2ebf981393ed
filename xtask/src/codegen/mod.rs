//! From loaded specs to file contents, and from file contents to the disk.

mod operation;
mod registry;
mod rust;
mod types;
mod usage;
mod vendor;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::ensure::{Outcome, ensure_file, ensure_link, leftovers};
use crate::load::{self, SpecError, VendorSpecs};
use crate::spec::SpecFile;

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub specs: usize,
    pub files: usize,
    /// Files that differ from what the specs produce (rewritten unless checking).
    pub stale: Vec<PathBuf>,
}

#[derive(Debug)]
pub enum Error {
    Spec(SpecError),
    /// A spec the generator cannot turn into Rust, naming the spec file.
    Generate {
        file: PathBuf,
        message: String,
    },
    Io {
        file: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spec(e) => write!(f, "{e}"),
            Self::Generate { file, message } => write!(f, "{}: {message}", file.display()),
            Self::Io { file, error } => write!(f, "{}: {error}", file.display()),
        }
    }
}

impl std::error::Error for Error {}

impl From<SpecError> for Error {
    fn from(e: SpecError) -> Self {
        Self::Spec(e)
    }
}

/// A generated file: path relative to the workspace root, and its contents.
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Everything the specs under `root/specs` produce, without touching the disk.
pub fn render(root: &Path) -> Result<(usize, Vec<GeneratedFile>), Error> {
    let vendors = load::load_all(root, &root.join("specs"))?;
    let mut files = vec![GeneratedFile {
        path: PathBuf::from("specs/spec.schema.json"),
        contents: spec_schema(),
    }];
    let mut specs = 0;
    for v in &vendors {
        specs += 1 + v.operations.len();
        files.extend(render_vendor(v)?);
    }
    files.extend(registry::render(&vendors)?);
    Ok((specs, files))
}

/// Renders one vendor crate.
pub fn render_vendor(v: &VendorSpecs) -> Result<Vec<GeneratedFile>, Error> {
    vendor::render(v)
}

/// The JSON Schema of spec files, derived from the spec model.
pub fn spec_schema() -> String {
    let schema = schemars::schema_for!(SpecFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

/// Regenerates everything; with `check`, writes nothing and lists what is stale.
pub fn generate(root: &Path, check: bool) -> Result<Report, Error> {
    let (specs, files) = render(root)?;
    let mut report = Report {
        specs,
        files: files.len(),
        stale: Vec::new(),
    };
    let mut produced = Vec::new();
    let mut generated_dirs = Vec::new();
    for file in &files {
        let path = root.join(&file.path);
        if let Some(dir) = generated_dir(&path).filter(|d| !generated_dirs.contains(d)) {
            generated_dirs.push(dir);
        }
        let outcome = ensure_file(&path, &file.contents, check).map_err(|error| Error::Io {
            file: file.path.clone(),
            error,
        })?;
        if outcome == Outcome::Stale {
            report.stale.push(file.path.clone());
        }
        produced.push(path);
    }
    // Every generated crate carries the workspace's license files (links to them).
    for manifest in files.iter().filter(|f| f.path.ends_with("Cargo.toml")) {
        let Some(dir) = manifest.path.parent() else {
            continue;
        };
        for license in LICENSE_FILES {
            let path = dir.join(license);
            let target = Path::new("../..").join(license);
            let outcome =
                ensure_link(&root.join(&path), &target, check).map_err(|error| Error::Io {
                    file: path.clone(),
                    error,
                })?;
            if outcome == Outcome::Stale {
                report.stale.push(path);
            }
        }
    }
    // A generated file whose spec is gone is stale too.
    for dir in generated_dirs {
        for extra in leftovers(&dir, &produced) {
            if !check {
                std::fs::remove_file(&extra).map_err(|error| Error::Io {
                    file: extra.clone(),
                    error,
                })?;
            }
            report
                .stale
                .push(extra.strip_prefix(root).unwrap_or(&extra).to_owned());
        }
    }
    Ok(report)
}

/// The workspace's license files, linked into every generated crate.
const LICENSE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// The `src/generated` folder a path is in, if any.
fn generated_dir(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "generated"))
        .map(Path::to_owned)
}
