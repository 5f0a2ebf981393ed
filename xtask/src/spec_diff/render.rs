//! The report as text (people), JSON (tools; field names are stable) or Markdown (pull
//! request comments), and the rule table.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Report;
use super::diff::Change;
use super::gate::Status;
use super::rules::{Data, RULES, Wire};
use crate::version::Semver;

/// `before → after`, `+ after` or `- before`, each value cut to `max` characters.
pub fn detail(c: &Change, max: usize) -> Option<String> {
    let cut = |s: &String| {
        let s = s.replace('\n', " ");
        if s.chars().count() > max {
            format!("{}…", s.chars().take(max).collect::<String>())
        } else {
            s
        }
    };
    match (&c.before, &c.after) {
        (Some(b), Some(a)) => Some(format!("{} → {}", cut(b), cut(a))),
        (None, Some(a)) => Some(format!("+ {}", cut(a))),
        (Some(b), None) => Some(format!("- {}", cut(b))),
        (None, None) => None,
    }
}

/// Per crate, the highest semver impact of the changes.
fn impacts(report: &Report) -> BTreeMap<String, Semver> {
    let mut out: BTreeMap<String, Semver> = BTreeMap::new();
    for c in &report.changes {
        let e = out.entry(c.vendor.clone()).or_insert(Semver::None);
        *e = (*e).max(c.semver);
    }
    out
}

fn summary(report: &Report) -> String {
    let wire = report
        .changes
        .iter()
        .filter(|c| c.wire != Wire::None)
        .count();
    let data = report
        .changes
        .iter()
        .filter(|c| c.data == Data::Risk)
        .count();
    let crates: Vec<String> = impacts(report)
        .iter()
        .filter(|(_, s)| **s > Semver::None)
        .map(|(vendor, s)| format!("{vendor} {s}"))
        .collect();
    let crates = if crates.is_empty() {
        "none".to_owned()
    } else {
        crates.join(", ")
    };
    format!(
        "{} change(s); semver: {crates}; wire risk: {wire}; data risk: {data}",
        report.changes.len()
    )
}

fn verdict_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Fail => "FAIL",
        Status::Skipped => "skip",
    }
}

const REVIEW_HINT: &str = "add a note to that spec with `reviewed: YYYY-MM-DD` (the day the normalization was checked) and say what was checked";

pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "spec-diff: {} → {}", report.base, report.head);
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let mut vendor = None;
    for c in &report.changes {
        if vendor != Some(&c.vendor) {
            vendor = Some(&c.vendor);
            let _ = writeln!(out, "\n{}", c.vendor);
        }
        let _ = writeln!(
            out,
            "  {:<5}  wire:{:<8}  data:{:<4}  {}  {}  {}{}",
            c.semver,
            c.wire,
            c.data,
            c.operation.as_deref().unwrap_or("(vendor)"),
            c.kind,
            c.subject,
            detail(c, 60).map(|d| format!(": {d}")).unwrap_or_default()
        );
    }
    let _ = writeln!(out, "\nsummary: {}", summary(report));
    if !report.crates.is_empty() {
        let _ = writeln!(out, "versions (changes since each crate's last release):");
        for v in &report.crates {
            let _ = writeln!(out, "  {:<4}  {}", verdict_word(v.status), v.message);
        }
    }
    if !report.data.is_empty() {
        let _ = writeln!(out, "data risk (needs a review note):");
        for d in &report.data {
            let c = &report.changes[d.change];
            match &d.reviewed_by {
                Some(by) => {
                    let _ = writeln!(
                        out,
                        "  ok    {} {} ({}): reviewed in {by}",
                        c.file, c.subject, c.kind
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  FAIL  {} {} ({}): not reviewed; {REVIEW_HINT}",
                        c.file, c.subject, c.kind
                    );
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "result: {}",
        if report.passed { "pass" } else { "FAIL" }
    );
    out
}

pub fn json(report: &Report) -> String {
    let mut text =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// `|` would end a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Spec changes: {} → {}\n", report.base, report.head);
    for note in &report.notes {
        let _ = writeln!(out, "> {note}\n");
    }
    let _ = writeln!(out, "**{}**\n", summary(report));
    if !report.changes.is_empty() {
        let _ = writeln!(
            out,
            "| semver | wire | data | vendor | operation | change | subject | detail |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        for c in &report.changes {
            let data = match c.data {
                Data::Risk => "**risk**",
                Data::None => "none",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {data} | {} | {} | `{}` | `{}` | {} |",
                c.semver,
                c.wire,
                c.vendor,
                c.operation.as_deref().unwrap_or("—"),
                c.kind,
                cell(&c.subject),
                cell(&detail(c, 60).unwrap_or_default())
            );
        }
        out.push('\n');
    }
    if !report.crates.is_empty() {
        let _ = writeln!(out, "Versions (changes since each crate's last release):\n");
        for v in &report.crates {
            let _ = writeln!(out, "- **{}** {}", verdict_word(v.status), cell(&v.message));
        }
        out.push('\n');
    }
    if !report.data.is_empty() {
        let _ = writeln!(out, "Data risk:\n");
        for d in &report.data {
            let c = &report.changes[d.change];
            let verdict = match &d.reviewed_by {
                Some(by) => format!("**ok**, reviewed in {by}"),
                None => format!("**FAIL**, not reviewed: {REVIEW_HINT}"),
            };
            let _ = writeln!(
                out,
                "- `{}` `{}` ({}): {verdict}",
                c.file, c.subject, c.kind
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Result: **{}**",
        if report.passed { "pass" } else { "FAIL" }
    );
    out
}

/// Every rule as a Markdown table (`cargo xtask spec-diff --rules`).
pub fn rules() -> String {
    let mut out =
        String::from("| change | semver | wire risk | data risk | why |\n|---|---|---|---|---|\n");
    for r in RULES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            r.kind, r.semver, r.wire, r.data, r.why
        );
    }
    out
}
