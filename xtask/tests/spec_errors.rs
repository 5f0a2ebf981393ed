//! A bad spec is refused with a message that names the file and the key.

use std::path::{Path, PathBuf};

use xtask::load::load_vendor;

/// A copy of the fixture vendor in a fresh temporary folder, with `edit` applied to its
/// operation spec.
fn fixture_with(test: &str, edit: impl Fn(String) -> String) -> (PathBuf, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs/acme");
    let root = std::env::temp_dir().join(format!("rtc-usage-spec-{test}-{}", std::process::id()));
    let dir = root.join("specs/acme");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["vendor.yaml", "get_widget_usage.yaml"] {
        let text = std::fs::read_to_string(src.join(name)).unwrap();
        let text = if name == "get_widget_usage.yaml" {
            edit(text)
        } else {
            text
        };
        std::fs::write(dir.join(name), text).unwrap();
    }
    (root, dir)
}

fn error_for(test: &str, edit: impl Fn(String) -> String) -> String {
    let (root, dir) = fixture_with(test, edit);
    let err = load_vendor(&root, &dir).expect_err("the edited spec must be refused");
    let _ = std::fs::remove_dir_all(&root);
    err.to_string()
}

#[test]
fn unknown_key_is_named_with_the_file() {
    let msg = error_for("unknown", |t| t.replace("summary:", "sumary:"));
    assert!(
        msg.starts_with("specs/acme/get_widget_usage.yaml: "),
        "{msg}"
    );
    assert!(msg.contains("unknown field `sumary`"), "{msg}");
}

#[test]
fn missing_required_key_is_named() {
    let msg = error_for("missing", |t| t.replace("version: \"2025-01-01\"\n", ""));
    assert!(msg.contains("specs/acme/get_widget_usage.yaml"), "{msg}");
    assert!(msg.contains("missing field `version`"), "{msg}");
}

#[test]
fn dangling_reference_is_named() {
    let msg = error_for("dangling", |t| {
        t.replace("#/definitions/Kind", "#/definitions/Knd")
    });
    assert!(msg.contains("no definition named `Knd`"), "{msg}");
}

#[test]
fn span_on_a_non_time_parameter_is_refused() {
    let msg = error_for("span", |t| {
        t.replace("span: {start: From", "span: {start: widget")
    });
    assert!(msg.contains("limits.span.start"), "{msg}");
}

#[test]
fn path_placeholder_without_parameter_is_refused() {
    let msg = error_for("path", |t| {
        t.replace("/widgets/{widget}", "/widgets/{gadget}")
    });
    assert!(msg.contains("http.path"), "{msg}");
}

#[test]
fn parameter_with_two_sources_is_refused() {
    let msg = error_for("sources", |t| {
        t.replace(
            "{name: Action, in: query, const: GetWidgetUsage}",
            "{name: Action, in: query, const: GetWidgetUsage, from: project_id}",
        )
    });
    assert!(msg.contains("exactly one of"), "{msg}");
}

#[test]
fn every_checked_in_spec_matches_the_schema_model() {
    // The schema is derived from the model that parses the specs; this checks the file.
    let root = xtask::workspace_root();
    let schema = std::fs::read_to_string(root.join("specs/spec.schema.json")).unwrap();
    assert_eq!(
        schema,
        xtask::codegen::spec_schema(),
        "run `cargo xtask codegen`"
    );
    let vendors = xtask::load::load_all(&root, &root.join("specs")).expect("every spec loads");
    assert!(vendors.iter().map(|v| v.operations.len()).sum::<usize>() >= 1);
}

/// The fixture plus a second spec of the same operation at another version, edited by `edit`.
fn two_versions(test: &str, edit: impl Fn(String) -> String) -> (PathBuf, PathBuf) {
    let (root, dir) = fixture_with(test, |t| t);
    let text = std::fs::read_to_string(dir.join("get_widget_usage.yaml")).unwrap();
    let second = edit(text.replace("version: \"2025-01-01\"", "version: \"2026-01-01\""));
    std::fs::write(dir.join("get_widget_usage_2026.yaml"), second).unwrap();
    (root, dir)
}

#[test]
fn the_same_operation_at_two_versions_needs_a_rust_module() {
    let (root, dir) = two_versions("versions", |t| t);
    let err = load_vendor(&root, &dir).expect_err("two specs cannot share a module");
    let _ = std::fs::remove_dir_all(&root);
    let msg = err.to_string();
    assert!(msg.contains("get_widget_usage_2026.yaml"), "{msg}");
    assert!(msg.contains("set key `rust_module`"), "{msg}");
}

#[test]
fn rust_module_names_the_module_the_method_and_the_types() {
    let (root, dir) = two_versions("rust-module", |t| {
        t.replace(
            "version: \"2026-01-01\"\n",
            "version: \"2026-01-01\"\nrust_module: get_widget_usage_2026\n",
        )
    });
    let vendor = load_vendor(&root, &dir).expect("a rust_module tells the two apart");
    let files = xtask::codegen::render_vendor(&vendor).expect("both versions generate");
    let _ = std::fs::remove_dir_all(&root);
    let file = |name: &str| {
        files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("no {name}"))
            .contents
            .clone()
    };
    let module = file("get_widget_usage_2026.rs");
    assert!(
        module.contains("pub struct GetWidgetUsage2026;"),
        "{module}"
    );
    assert!(module.contains("pub struct GetWidgetUsage2026Request {"));
    assert!(module.contains("pub struct GetWidgetUsage2026FluentBuilder {"));
    assert!(module.contains("The `GetWidgetUsage` operation at version 2026-01-01"));
    let root_mod = file("generated/mod.rs");
    assert!(
        root_mod.contains("pub use get_widget_usage::{"),
        "{root_mod}"
    );
    assert!(
        root_mod.contains("GetWidgetUsage2026, GetWidgetUsage2026Request"),
        "{root_mod}"
    );
    assert!(
        root_mod.contains("module: \"get_widget_usage_2026\""),
        "{root_mod}"
    );
    let client = file("generated/client.rs");
    assert!(client.contains("pub fn get_widget_usage_2026("), "{client}");
    assert!(
        client.contains("GetWidgetUsage2026FluentBuilder"),
        "{client}"
    );
}
