//! The base side of a diff from git: which revision, and its `specs/` written to a
//! temporary folder so the ordinary loader reads it exactly like the work tree.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::Error;

/// The branch whose merge base is the default base.
const MAIN: [&str; 3] = ["main", "origin/main", "upstream/main"];

/// Runs git in `root`; its trimmed stdout, or why not.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// The full commit id `rev` names, or `None` when this checkout lacks it.
pub fn commit(root: &Path, rev: &str) -> Option<String> {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .ok()
}

/// `rev` as a commit, or an error naming it (a bad `--base`).
pub fn resolve(root: &Path, rev: &str) -> Result<String, Error> {
    if rev.starts_with('-') {
        return Err(Error::Rev {
            rev: rev.to_owned(),
            message: "not a revision".into(),
        });
    }
    commit(root, rev).ok_or_else(|| Error::Rev {
        rev: rev.to_owned(),
        message: "no such commit in this checkout (see `git log`; a shallow clone may lack it)"
            .into(),
    })
}

/// The default base: the merge base of HEAD with main, HEAD itself when HEAD is on main
/// (the diff is then the uncommitted edits), or when there is no main or no common
/// history. `None` without any git history: nothing to compare with. The note says which.
pub fn default_base(root: &Path) -> (Option<String>, String, Option<String>) {
    let Some(head) = commit(root, "HEAD") else {
        return (
            None,
            "none".into(),
            Some("no git history here: nothing to compare with, so the diff is empty".into()),
        );
    };
    let Some(main) = MAIN.iter().find(|m| commit(root, m).is_some()) else {
        return (
            Some(head),
            "HEAD".into(),
            Some(
                "no `main` branch in this checkout: comparing with HEAD (uncommitted edits only)"
                    .into(),
            ),
        );
    };
    match git(root, &["merge-base", "HEAD", main]) {
        Ok(base) if base == head => (
            Some(head),
            format!("HEAD (on {main}: uncommitted edits)"),
            None,
        ),
        Ok(base) => (Some(base), format!("merge base with {main}"), None),
        Err(_) => (
            Some(head),
            "HEAD".into(),
            Some(format!(
                "no merge base with {main} in this checkout (a shallow clone?): comparing with HEAD"
            )),
        ),
    }
}

/// `specs/` of a commit, in a temporary folder removed on drop.
pub struct Tree {
    pub root: PathBuf,
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

static TREES: AtomicUsize = AtomicUsize::new(0);

/// Writes every file of `specs/` at `commit` below a fresh temporary root.
pub fn specs_at(root: &Path, commit: &str) -> Result<Tree, Error> {
    let fail = |message: String| Error::Git {
        rev: commit.to_owned(),
        message,
    };
    let tree = Tree {
        root: std::env::temp_dir().join(format!(
            "rtc-usage-spec-diff-{}-{}",
            std::process::id(),
            TREES.fetch_add(1, Ordering::Relaxed)
        )),
    };
    let _ = std::fs::remove_dir_all(&tree.root);
    std::fs::create_dir_all(tree.root.join("specs")).map_err(|e| fail(e.to_string()))?;
    let files = git(
        root,
        &["ls-tree", "-r", "--name-only", commit, "--", "specs/"],
    )
    .map_err(fail)?;
    for file in files
        .lines()
        .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml"))
    {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["cat-file", "blob", &format!("{commit}:{file}")])
            .output()
            .map_err(|e| fail(format!("cannot run git: {e}")))?;
        if !out.status.success() {
            return Err(fail(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
        }
        let path = tree.root.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        }
        std::fs::write(&path, out.stdout).map_err(|e| fail(e.to_string()))?;
    }
    Ok(tree)
}
