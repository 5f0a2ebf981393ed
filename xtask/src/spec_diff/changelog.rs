//! `spec-diff --changelog`: each vendor crate's `CHANGELOG.md` entry for the spec changes
//! since its last release. An entry sits between `<!-- spec-diff: VERSION -->` and
//! `<!-- spec-diff: end -->`; rewriting replaces that block only, newest entries first, and
//! text outside the markers is left alone.

use std::path::{Path, PathBuf};

use super::Error;
use super::diff::Change;
use super::model::VendorModel;
use super::render::detail;
use super::rules::{Data, Wire};
use crate::version::Semver;

const END: &str = "<!-- spec-diff: end -->";

fn begin(heading: &str) -> String {
    format!("<!-- spec-diff: {heading} -->")
}

/// The entry for the changes since the release, or `None` when none has a semver impact.
pub fn entry(vendor: &VendorModel, changes: &[Change]) -> Option<(String, String)> {
    let released = vendor.released.as_ref()?;
    let version = vendor.version.as_deref().unwrap_or(&released.version);
    let heading = if version == released.version {
        "Unreleased".to_owned()
    } else {
        version.to_owned()
    };
    let relevant: Vec<&Change> = changes.iter().filter(|c| c.semver > Semver::None).collect();
    if relevant.is_empty() {
        return None;
    }
    let short = &released.rev[..released.rev.len().min(10)];
    let mut text = format!(
        "{}\n## {heading}\n\nSpec changes since {} (specs/ at {short}), written by `cargo xtask spec-diff --changelog`.\n",
        begin(&heading),
        released.version
    );
    for (semver, title) in [
        (Semver::Major, "Breaking"),
        (Semver::Minor, "Added"),
        (Semver::Patch, "Changed"),
    ] {
        let items: Vec<String> = relevant
            .iter()
            .filter(|c| c.semver == semver)
            .map(|c| line(c))
            .collect();
        if !items.is_empty() {
            text.push_str(&format!("\n### {title}\n\n{}\n", items.join("\n")));
        }
    }
    let quiet = changes.len() - relevant.len();
    if quiet > 0 {
        text.push_str(&format!(
            "\n{quiet} further change(s) to notes, sources or examples change no generated API.\n"
        ));
    }
    text.push_str(END);
    text.push('\n');
    Some((heading, text))
}

fn line(c: &Change) -> String {
    let mut risks = Vec::new();
    if c.wire != Wire::None {
        risks.push(format!("wire risk: {}", c.wire));
    }
    if c.data == Data::Risk {
        risks.push("**data risk**".to_owned());
    }
    let risks = if risks.is_empty() {
        String::new()
    } else {
        format!(" ({})", risks.join(", "))
    };
    format!(
        "- `{}`: {} `{}`{}{risks}: {}.",
        c.operation.as_deref().unwrap_or("vendor"),
        c.kind,
        c.subject,
        detail(c, 80).map(|d| format!(" ({d})")).unwrap_or_default(),
        c.why
    )
}

/// A new CHANGELOG.md: what writes it, and the title.
pub fn fresh(crate_name: &str) -> String {
    format!(
        "<!-- The entries between spec-diff markers are written by `cargo xtask spec-diff --changelog` from the spec changes since the last release; text outside them is kept. -->\n# Changelog: {crate_name}\n"
    )
}

/// `CHANGELOG.md` with `entry` in its place.
pub fn merged(existing: &str, heading: &str, entry: &str) -> String {
    let start = begin(heading);
    if let Some(at) = existing.find(&start)
        && let Some(len) = existing[at..].find(END)
    {
        let mut end = at + len + END.len();
        if existing[end..].starts_with('\n') {
            end += 1;
        }
        return format!("{}{entry}{}", &existing[..at], &existing[end..]);
    }
    match existing.find("<!-- spec-diff: ") {
        Some(at) => format!("{}{entry}\n{}", &existing[..at], &existing[at..]),
        None => format!("{}\n{entry}", existing.trim_end()),
    }
}

/// Writes the entry of `vendor` into its crate's CHANGELOG.md; the file written, if any.
pub fn write(
    root: &Path,
    vendor: &VendorModel,
    changes: &[Change],
) -> Result<Option<PathBuf>, Error> {
    let Some((heading, entry)) = entry(vendor, changes) else {
        return Ok(None);
    };
    let path = root
        .join("crates")
        .join(&vendor.crate_name)
        .join("CHANGELOG.md");
    let io = |error| Error::Io {
        file: path.clone(),
        error,
    };
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fresh(&vendor.crate_name),
        Err(e) => return Err(io(e)),
    };
    std::fs::write(&path, merged(&existing, &heading, &entry)).map_err(io)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::merged;

    #[test]
    fn an_entry_replaces_its_own_block_and_goes_above_older_ones() {
        let file = "# Changelog\n\nHand-written intro.\n\n<!-- spec-diff: 0.1.0 -->\n## 0.1.0\nfirst\n<!-- spec-diff: end -->\n";
        let new = "<!-- spec-diff: Unreleased -->\n## Unreleased\nx\n<!-- spec-diff: end -->\n";
        let once = merged(file, "Unreleased", new);
        assert!(
            once.starts_with(
                "# Changelog\n\nHand-written intro.\n\n<!-- spec-diff: Unreleased -->"
            ),
            "{once}"
        );
        assert!(once.contains("## 0.1.0\nfirst"), "{once}");
        let again = merged(&once, "Unreleased", &new.replace('x', "y"));
        assert_eq!(again, once.replace("\nx\n", "\ny\n"));
    }
}
