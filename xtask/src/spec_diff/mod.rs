//! `cargo xtask spec-diff`: what changed in `specs/` between a git revision and the work
//! tree, what each change breaks (Rust semver of the generated crate, wire risk, data risk)
//! and how to release it (the version gate, the changelog). Both sides go through the
//! generator's own loader, so the diff is of the resolved models, not of YAML text.

pub mod changelog;
pub mod diff;
pub mod gate;
pub mod git;
pub mod model;
pub mod render;
pub mod rules;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::load::{self, SpecError};
pub use diff::{Change, diff, diff_vendor};
pub use model::Model;

pub const USAGE: &str = "  spec-diff [--base REV | --base-dir DIR] [--head-dir DIR] [--format text|json|markdown] [--check] [--changelog]
                   the spec changes from REV (default: the merge base with main, or HEAD for
                   uncommitted edits) to the work tree, classified; --check fails on a version
                   that moved less than the changes since the last release demand, or on an
                   unreviewed data-risk change; --changelog writes each crate's CHANGELOG.md entry
  spec-diff --rules  the classification rules as a Markdown table";

#[derive(Debug)]
pub enum Error {
    /// Bad command-line input.
    Usage(String),
    /// A `--base` that names no commit.
    Rev { rev: String, message: String },
    /// git failed reading a commit's specs.
    Git { rev: String, message: String },
    /// One side's specs do not load.
    Spec { side: String, error: SpecError },
    Io {
        file: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(m) => write!(f, "{m}"),
            Self::Rev { rev, message } => write!(f, "--base `{rev}`: {message}"),
            Self::Git { rev, message } => write!(f, "reading specs/ at {rev}: {message}"),
            Self::Spec { side, error } => write!(f, "the specs of {side} do not load: {error}"),
            Self::Io { file, error } => write!(f, "{}: {error}", file.display()),
        }
    }
}

impl std::error::Error for Error {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Default)]
pub struct Options {
    pub base: Option<String>,
    /// A folder laid out like `specs/` instead of a revision (fixtures, documents at hand).
    pub base_dir: Option<PathBuf>,
    /// A folder laid out like `specs/` instead of the work tree's.
    pub head_dir: Option<PathBuf>,
    pub format: Format,
    pub check: bool,
    pub changelog: bool,
    pub rules: bool,
}

impl Options {
    pub fn parse(args: &[&str]) -> Result<Self, Error> {
        let mut o = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .map(|v| (*v).to_owned())
                    .ok_or_else(|| Error::Usage(format!("{flag} needs a value")))
            };
            match *arg {
                "--base" => o.base = Some(value("--base")?),
                "--base-dir" => o.base_dir = Some(value("--base-dir")?.into()),
                "--head-dir" => o.head_dir = Some(value("--head-dir")?.into()),
                "--format" => {
                    o.format = match value("--format")?.as_str() {
                        "text" => Format::Text,
                        "json" => Format::Json,
                        "markdown" | "md" => Format::Markdown,
                        other => {
                            return Err(Error::Usage(format!(
                                "--format `{other}`: use text, json or markdown"
                            )));
                        }
                    }
                }
                "--check" => o.check = true,
                "--changelog" => o.changelog = true,
                "--rules" => o.rules = true,
                other => return Err(Error::Usage(format!("unknown argument `{other}`"))),
            }
        }
        if o.base.is_some() && o.base_dir.is_some() {
            return Err(Error::Usage("give --base or --base-dir, not both".into()));
        }
        Ok(o)
    }
}

/// What `spec-diff` found; the JSON output is this, field for field.
#[derive(Debug, Serialize)]
pub struct Report {
    /// What the base is (`4b10a535a8 (merge base with main)`).
    pub base: String,
    pub base_rev: Option<String>,
    pub head: String,
    /// Why the comparison is narrower than asked (no git history, a shallow clone).
    pub notes: Vec<String>,
    pub changes: Vec<Change>,
    /// The version gate, one verdict per crate of the head side.
    pub crates: Vec<gate::CrateVerdict>,
    /// The data-risk gate, one verdict per data-risk change.
    pub data: Vec<gate::DataVerdict>,
    /// Every gate passed.
    pub passed: bool,
    /// CHANGELOG.md files written (`--changelog`).
    pub changelogs: Vec<String>,
}

/// Loads a folder laid out like `specs/`, naming files relative to its parent.
fn load_dir(dir: &Path, side: &str) -> Result<Model, Error> {
    let root = dir.parent().unwrap_or(dir);
    load::load_all(root, dir)
        .map(|v| Model::new(&v))
        .map_err(|error| Error::Spec {
            side: side.to_owned(),
            error,
        })
}

/// The model of `specs/` at a commit.
fn load_rev(root: &Path, commit: &str) -> Result<Model, Error> {
    let tree = git::specs_at(root, commit)?;
    load_dir(
        &tree.root.join("specs"),
        &format!("commit {}", short(commit)),
    )
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

/// Runs spec-diff in the workspace at `root`.
pub fn run(root: &Path, options: &Options) -> Result<Report, Error> {
    let head_dir = options
        .head_dir
        .clone()
        .unwrap_or_else(|| root.join("specs"));
    let head_label = match &options.head_dir {
        Some(d) => d.display().to_string(),
        None => "work tree".to_owned(),
    };
    let head = load_dir(&head_dir, &head_label)?;
    let mut notes = Vec::new();
    let (base, base_label, base_rev) = match (&options.base, &options.base_dir) {
        (_, Some(dir)) => (
            Some(load_dir(dir, &dir.display().to_string())?),
            dir.display().to_string(),
            None,
        ),
        (Some(rev), None) => {
            let commit = git::resolve(root, rev)?;
            let label = format!("{} ({rev})", short(&commit));
            (Some(load_rev(root, &commit)?), label, Some(commit))
        }
        (None, None) => {
            let (commit, how, note) = git::default_base(root);
            notes.extend(note);
            match commit {
                Some(c) => (
                    Some(load_rev(root, &c)?),
                    format!("{} ({how})", short(&c)),
                    Some(c),
                ),
                None => (None, how, None),
            }
        }
    };
    let changes = base.as_ref().map(|b| diff(b, &head)).unwrap_or_default();
    let data = base
        .as_ref()
        .map(|b| gate::data_verdicts(&changes, b, &head))
        .unwrap_or_default();

    // The version gate and the changelog compare each crate with its own last release.
    let mut releases: BTreeMap<String, Result<Model, String>> = BTreeMap::new();
    let mut crates = Vec::new();
    let mut changelogs = Vec::new();
    for vendor in head.vendors.values() {
        let since = match &vendor.released {
            None => Err("no release".to_owned()),
            Some(r) => {
                let model = releases.entry(r.rev.clone()).or_insert_with(|| {
                    match git::commit(root, &r.rev) {
                        None => Err(format!(
                            "its release commit {} is not in this checkout (a shallow clone?)",
                            short(&r.rev)
                        )),
                        Some(c) => load_rev(root, &c).map_err(|e| e.to_string()),
                    }
                });
                model
                    .as_ref()
                    .map(|m| diff_vendor(&vendor.id, m.vendors.get(&vendor.id), Some(vendor)))
                    .map_err(Clone::clone)
            }
        };
        crates.push(gate::version_verdict(
            vendor,
            since.as_deref().map_err(String::clone),
        ));
        if options.changelog
            && let Ok(since) = &since
            && let Some(file) = changelog::write(root, vendor, since)?
        {
            changelogs.push(
                file.strip_prefix(root)
                    .unwrap_or(&file)
                    .display()
                    .to_string(),
            );
        }
    }
    let passed = crates.iter().all(|c| c.status != gate::Status::Fail)
        && data.iter().all(|d| d.reviewed_by.is_some());
    Ok(Report {
        base: base_label,
        base_rev,
        head: head_label,
        notes,
        changes,
        crates,
        data,
        passed,
        changelogs,
    })
}

/// The report in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => render::text(report),
        Format::Json => render::json(report),
        Format::Markdown => render::markdown(report),
    }
}
