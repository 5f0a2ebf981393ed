//! The two gates of `spec-diff --check`. Versions: each crate's version (vendor.yaml
//! `version`) must have moved from its last release (`released`) at least as far as the spec
//! changes since that release demand. Data risk: a change that may silently change figures
//! passes only when its spec gains a note with `reviewed: YYYY-MM-DD` in the same diff, so an
//! old review never covers a new change.

use serde::Serialize;

use super::diff::Change;
use super::model::{Model, OperationModel, VendorModel};
use super::rules::Data;
use crate::version::{Bump, Semver, Version};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
    /// Not checked (no release recorded, or its commit is not in this checkout).
    Skipped,
}

/// The version gate's verdict on one crate.
#[derive(Debug, Clone, Serialize)]
pub struct CrateVerdict {
    pub vendor: String,
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub version: Option<String>,
    pub released_version: Option<String>,
    pub released_rev: Option<String>,
    /// The highest semver impact among the changes since the release.
    pub impact: Semver,
    /// The bump that impact needs after the released version.
    pub needed: Bump,
    /// The bump from the released version to `version`.
    pub shown: Bump,
    /// Changes since the release with a semver impact.
    pub changes: usize,
    pub status: Status,
    pub message: String,
}

/// The verdict on `vendor`, given its changes since its release (or why they are unknown).
pub fn version_verdict(
    vendor: &VendorModel,
    since_release: Result<&[Change], String>,
) -> CrateVerdict {
    let mut verdict = CrateVerdict {
        vendor: vendor.id.clone(),
        crate_name: vendor.crate_name.clone(),
        version: vendor.version.clone(),
        released_version: vendor.released.as_ref().map(|r| r.version.clone()),
        released_rev: vendor.released.as_ref().map(|r| r.rev.clone()),
        impact: Semver::None,
        needed: Bump::None,
        shown: Bump::None,
        changes: 0,
        status: Status::Skipped,
        message: String::new(),
    };
    let name = &vendor.crate_name;
    let (Some(current), Some(released)) = (&vendor.version, &vendor.released) else {
        verdict.message = match vendor.version {
            None => {
                verdict.status = Status::Fail;
                format!("{name}: {} has no `version`", vendor.file)
            }
            Some(_) => format!(
                "{name}: not released yet (no `released:` in {}); not checked",
                vendor.file
            ),
        };
        return verdict;
    };
    let (current, base) = match (Version::parse(current), Version::parse(&released.version)) {
        (Ok(c), Ok(b)) => (c, b),
        (Err(e), _) | (_, Err(e)) => {
            verdict.status = Status::Fail;
            verdict.message = format!("{name}: {e}");
            return verdict;
        }
    };
    let short = &released.rev[..released.rev.len().min(10)];
    let changes = match since_release {
        Ok(changes) => changes,
        Err(why) => {
            verdict.message = format!("{name}: not checked: {why}");
            return verdict;
        }
    };
    let relevant: Vec<&Change> = changes.iter().filter(|c| c.semver > Semver::None).collect();
    verdict.changes = relevant.len();
    verdict.impact = relevant
        .iter()
        .map(|c| c.semver)
        .max()
        .unwrap_or(Semver::None);
    verdict.needed = base.bump_for(verdict.impact);
    verdict.shown = base.bump_to(current);
    let since = format!("since {base} ({short})");
    if current < base {
        verdict.status = Status::Fail;
        verdict.message = format!("{name}: version {current} is older than the released {base}");
    } else if verdict.shown >= verdict.needed {
        verdict.status = Status::Ok;
        verdict.message = match verdict.impact {
            Semver::None => {
                format!("{name} {current}: no spec change with a semver impact {since}")
            }
            impact => format!(
                "{name} {current}: {} {impact}-level change(s) {since}; {base} → {current} is enough",
                verdict.changes
            ),
        };
    } else {
        verdict.status = Status::Fail;
        let example = relevant
            .iter()
            .find(|c| c.semver == verdict.impact)
            .map(|c| {
                format!(
                    " (e.g. {}: {} {})",
                    c.operation.as_deref().unwrap_or("vendor"),
                    c.kind,
                    c.subject
                )
            })
            .unwrap_or_default();
        let zero = if base.major == 0 && verdict.impact == Semver::Major {
            " (a breaking change of a 0.y crate bumps y)"
        } else {
            ""
        };
        verdict.message = format!(
            "{name}: the specs changed {since} in a {}-level way{example}: needs a {} to {}{zero}, but vendor.yaml says {current}; set `version: \"{}\"` in {} and run `cargo xtask codegen`",
            verdict.impact,
            verdict.needed,
            base.bumped(verdict.needed),
            base.bumped(verdict.needed),
            vendor.file,
        );
    }
    verdict
}

/// The data-risk gate's verdict on one change.
#[derive(Debug, Clone, Serialize)]
pub struct DataVerdict {
    /// Its index in the report's `changes`.
    pub change: usize,
    pub file: String,
    pub subject: String,
    /// The note whose new `reviewed` date acknowledges it.
    pub reviewed_by: Option<String>,
}

/// A verdict for every data-risk change of `base` → `head`.
pub fn data_verdicts(changes: &[Change], base: &Model, head: &Model) -> Vec<DataVerdict> {
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.data == Data::Risk)
        .map(|(i, c)| DataVerdict {
            change: i,
            file: c.file.clone(),
            subject: c.subject.clone(),
            reviewed_by: new_review(c, base, head),
        })
        .collect()
}

fn operations<'a>(model: &'a Model, vendor: &str) -> Vec<&'a OperationModel> {
    model
        .vendors
        .get(vendor)
        .map(|v| v.operations.values().collect())
        .unwrap_or_default()
}

/// A review note of the change's spec that the base lacks; for a removed operation, of any
/// spec of the vendor.
fn new_review(change: &Change, base: &Model, head: &Model) -> Option<String> {
    let (base_ops, head_ops) = (
        operations(base, &change.vendor),
        operations(head, &change.vendor),
    );
    let own: Vec<&OperationModel> = head_ops
        .iter()
        .copied()
        .filter(|o| o.file == change.file)
        .collect();
    let candidates = if own.is_empty() { head_ops } else { own };
    candidates.iter().find_map(|op| {
        let before = base_ops.iter().find(|b| b.file == op.file);
        op.reviews
            .iter()
            .find(|r| before.is_none_or(|b| !b.reviews.contains(*r)))
            .map(|(id, date)| format!("{} note {id} (reviewed {date})", op.file))
    })
}
