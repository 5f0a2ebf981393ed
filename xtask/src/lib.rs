//! The rtc-usage generator: hand-written specs in `specs/` become the checked-in vendor
//! crates under `crates/`. Run `cargo xtask codegen`; `--check` only reports stale files.

pub mod codegen;
pub mod ensure;
pub mod load;
pub mod prose_check;
pub mod schema_check;
pub mod source_check;
pub mod spec;
pub mod spec_diff;
pub mod version;

use std::fmt;
use std::path::{Path, PathBuf};

/// No rtc-usage workspace at or above the directory the search started from.
#[derive(Debug)]
pub struct RootError {
    /// Where the search started (the current directory).
    pub start: PathBuf,
    pub message: String,
}

impl fmt::Display for RootError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for RootError {}

/// The workspace the current directory is in: see [`find_workspace_root`]. Found at run
/// time, so a binary built from another checkout (a shared `CARGO_TARGET_DIR`) still reads
/// and writes the tree it is run in.
pub fn workspace_root() -> Result<PathBuf, RootError> {
    let start = std::env::current_dir().map_err(|e| RootError {
        start: PathBuf::new(),
        message: format!("cannot read the current directory to find the rtc-usage workspace: {e}"),
    })?;
    find_workspace_root(&start)
}

/// The first of `start` and its ancestors that is the rtc-usage workspace: its `Cargo.toml`
/// has a `[workspace]` table and it holds `specs/` and `xtask/`. A nested workspace without
/// them (such as `fuzz/`) is passed over.
pub fn find_workspace_root(start: &Path) -> Result<PathBuf, RootError> {
    for dir in start.ancestors() {
        if is_workspace_root(dir) {
            return Ok(dir.to_owned());
        }
    }
    Err(RootError {
        start: start.to_owned(),
        message: format!(
            "no rtc-usage workspace at or above {}: looked in it and every parent directory for a \
             Cargo.toml with a [workspace] table beside specs/ and xtask/; run cargo xtask inside a checkout",
            start.display()
        ),
    })
}

fn is_workspace_root(dir: &Path) -> bool {
    dir.join("specs").is_dir()
        && dir.join("xtask").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| has_workspace_table(&t))
}

/// Whether a `Cargo.toml` declares a workspace (`[workspace]`, or a `[workspace.*]` table,
/// which implies one).
fn has_workspace_table(manifest: &str) -> bool {
    manifest.lines().any(|line| {
        let line = line.split('#').next().unwrap_or_default().trim();
        line == "[workspace]" || (line.starts_with("[workspace.") && line.ends_with(']'))
    })
}

/// The checkout this binary was built from (compile time); only to warn about a mismatch,
/// never to read or write.
pub fn build_checkout() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_owned()
}

/// A note when `root` (found at run time) is not the checkout this binary was built from.
pub fn other_checkout_note(root: &Path) -> Option<String> {
    let built = build_checkout();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    (!same(&built, root)).then(|| {
        format!(
            "this xtask was built from {}, not from {}; using {} (the workspace of the current directory)",
            built.display(),
            root.display(),
            root.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::has_workspace_table;

    #[test]
    fn a_workspace_table_is_recognized() {
        assert!(has_workspace_table("[workspace]\nmembers = []\n"));
        assert!(has_workspace_table(
            "[package]\n\n  [workspace.dependencies]\n"
        ));
        assert!(!has_workspace_table(
            "[package]\nname = \"x\"\nworkspace = \"..\"\n"
        ));
        assert!(!has_workspace_table("# [workspace]\n[package]\n"));
        assert!(!has_workspace_table("[workspaces]\n"));
    }
}
