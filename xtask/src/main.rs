//! `cargo xtask <command>`: the project's own tooling.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;

const USAGE: &str = "usage: cargo xtask <command>

  codegen          regenerate the vendor crates and specs/spec.schema.json from specs/
  codegen --check  write nothing; fail naming each stale file
  source-check DIR list the specs whose document in DIR (freshly retrieved) differs from the
                   pinned source.sha256; fails when one does";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["bench", options @ ..] => bench::main(options),
        ["spec-diff", options @ ..] => run_spec_diff(options),
        ["source-check", dir] => run_source_check(Path::new(dir)),
        _ => {
            eprintln!("{USAGE}\n{}\n{}", xtask::spec_diff::USAGE, bench::USAGE);
            ExitCode::from(2)
        }
    }
}

fn run_codegen(check: bool) -> ExitCode {
    let root = match xtask::workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("codegen: workspace {}", root.display());
    if let Some(note) = xtask::other_checkout_note(&root) {
        eprintln!("note: {note}");
    }
    match xtask::codegen::generate(&root, check) {
        Ok(report) => {
            if check && !report.stale.is_empty() {
                for file in &report.stale {
                    eprintln!(
                        "error: `{}` is not up to date with specs/; run `cargo xtask codegen` and commit the result",
                        file.display()
                    );
                }
                if std::env::var_os("CI").is_some() {
                    eprintln!(
                        "note: CI checks that the checked-in generated code matches the specs"
                    );
                }
                return ExitCode::FAILURE;
            }
            let verb = if check { "checked" } else { "generated" };
            eprintln!(
                "{verb} {} files from {} specs ({} rewritten)",
                report.files,
                report.specs,
                report.stale.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace, or the error printed.
fn root() -> Result<PathBuf, ExitCode> {
    xtask::workspace_root().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })
}

/// Exit 0 when every gate passes (or without `--check`), 1 when one fails or the specs do
/// not load, 2 on bad input (flags, an unknown `--base`).
fn run_spec_diff(args: &[&str]) -> ExitCode {
    use xtask::spec_diff::{self, Error, Options};
    let options = match Options::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\n\nusage:\n{}", spec_diff::USAGE);
            return ExitCode::from(2);
        }
    };
    if options.rules {
        print!("{}", spec_diff::render::rules());
        return ExitCode::SUCCESS;
    }
    let root = match root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    match spec_diff::run(&root, &options) {
        Ok(report) => {
            print!("{}", spec_diff::render(&report, options.format));
            for file in &report.changelogs {
                eprintln!("wrote {file}");
            }
            if options.check && !report.passed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e @ (Error::Usage(_) | Error::Rev { .. })) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit 1 when a pinned document changed.
fn run_source_check(dir: &Path) -> ExitCode {
    let root = match root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    match xtask::source_check::check(&root, dir) {
        Ok(entries) => {
            print!("{}", xtask::source_check::render(dir, &entries));
            let changed = entries
                .iter()
                .any(|e| matches!(e.status, xtask::source_check::Status::Changed { .. }));
            if changed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
