//! The generator's own golden tests: a small fixture spec, its generated code as snapshots.

use std::path::Path;

use xtask::codegen::render_vendor;
use xtask::load::load_vendor;

#[test]
fn fixture_vendor_generates_the_same_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let vendor = load_vendor(&root, &root.join("specs/acme")).expect("the fixture spec loads");
    let files = render_vendor(&vendor).expect("the fixture spec generates");
    for file in &files {
        let name = file.path.display().to_string().replace(['/', '\\'], "__");
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let root = xtask::workspace_root().expect("the tests run inside the workspace");
    let (_, first) = xtask::codegen::render(&root).expect("specs render");
    let (_, second) = xtask::codegen::render(&root).expect("specs render");
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.path, b.path);
        assert!(
            a.contents == b.contents,
            "{} differs between runs",
            a.path.display()
        );
    }
}

/// rust-analyzer's gate: a plain `cargo test` fails when checked-in code is stale.
#[test]
fn checked_in_generated_code_matches_the_specs() {
    let report = xtask::codegen::generate(
        &xtask::workspace_root().expect("inside the workspace"),
        true,
    )
    .expect("specs load");
    assert!(
        report.stale.is_empty(),
        "stale generated files: {:?}; run `cargo xtask codegen` and commit the result",
        report.stale
    );
}
