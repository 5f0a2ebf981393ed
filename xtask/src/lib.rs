//! The rtc-usage generator: hand-written specs in `specs/` become the checked-in vendor
//! crates under `crates/`. Run `cargo xtask codegen`; `--check` only reports stale files.

pub mod codegen;
pub mod ensure;
pub mod load;
pub mod spec;

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_owned()
}
