//! `cargo xtask <command>`: the project's own tooling.

use std::process::ExitCode;

mod bench;

const USAGE: &str = "usage: cargo xtask <command>

  codegen          regenerate the vendor crates and specs/spec.schema.json from specs/
  codegen --check  write nothing; fail naming each stale file";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["bench", options @ ..] => bench::main(options),
        _ => {
            eprintln!("{USAGE}\n{}", bench::USAGE);
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
