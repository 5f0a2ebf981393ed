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
    let root = xtask::workspace_root().expect("the tests run inside the workspace");
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

// --- The JSON Schemas inside a spec (M2) ------------------------------------------------------

#[test]
fn a_typo_in_a_parameter_schema_is_named_with_its_path() {
    let msg = error_for("fromat", |t| {
        t.replace(
            "schema: {type: string, format: date-time}",
            "schema: {type: string, fromat: date-time}",
        )
    });
    assert_eq!(
        msg,
        "specs/acme/get_widget_usage.yaml: parameters.Since.schema.fromat: unknown schema keyword `fromat` (did you mean `format`?)"
    );
}

#[test]
fn a_typo_on_a_time_parameter_is_named_before_the_span_rule() {
    // Without `format`, `From` is no time parameter; the typo is the error worth reading.
    let msg = error_for("fromat-span", |t| {
        t.replace(
            "required: true\n    schema: {type: string, format: date}",
            "required: true\n    schema: {type: string, fromat: date}",
        )
    });
    assert!(
        msg.starts_with(
            "specs/acme/get_widget_usage.yaml: parameters.From.schema.fromat: unknown schema keyword `fromat`"
        ),
        "{msg}"
    );
}

#[test]
fn a_typo_in_a_response_field_is_named_with_its_path() {
    let msg = error_for("x-unti-response", |t| {
        t.replace(
            "days: {type: array, items: {$ref: \"#/definitions/Day\"}}",
            "days: {type: array, items: {$ref: \"#/definitions/Day\"}, x-unti: minutes}",
        )
    });
    assert_eq!(
        msg,
        "specs/acme/get_widget_usage.yaml: response.schema.properties.days.x-unti: unknown schema keyword `x-unti` (did you mean `x-unit`?)"
    );
    let msg = error_for("x-unti-definition", |t| {
        t.replace(
            "minutes: {type: number, format: double, default: 0, x-unit: minutes}",
            "minutes: {type: number, format: double, default: 0, x-unti: minutes}",
        )
    });
    assert_eq!(
        msg,
        "specs/acme/get_widget_usage.yaml: definitions.Day.properties.minutes.x-unti: unknown schema keyword `x-unti` (did you mean `x-unit`?)"
    );
}

#[test]
fn an_unknown_format_is_refused() {
    let msg = error_for("format-value", |t| {
        t.replace(
            "schema: {type: string, format: date-time}",
            "schema: {type: string, format: datetime}",
        )
    });
    assert!(
        msg.starts_with(
            "specs/acme/get_widget_usage.yaml: parameters.Since.schema.format: unknown format `datetime` (did you mean `date-time`?); the generator supports date, date-time (string)"
        ),
        "{msg}"
    );
    let msg = error_for("format-type", |t| {
        t.replace(
            "minutes: {type: number, format: double, default: 0, x-unit: minutes}",
            "minutes: {type: number, format: int64, default: 0, x-unit: minutes}",
        )
    });
    assert!(
        msg.contains(
            "definitions.Day.properties.minutes.format: format `int64` is a format of type `integer`, not of type `number`"
        ),
        "{msg}"
    );
}

#[test]
fn an_unknown_unit_is_refused() {
    let msg = error_for("x-unit-value", |t| {
        t.replace(
            "minutes: {type: number, format: double, default: 0, x-unit: minutes}",
            "minutes: {type: number, format: double, default: 0, x-unit: minuts}",
        )
    });
    assert!(
        msg.starts_with(
            "specs/acme/get_widget_usage.yaml: definitions.Day.properties.minutes.x-unit: unknown unit `minuts` (did you mean `minutes`?); one of milliseconds, seconds, minutes, hours"
        ),
        "{msg}"
    );
}

#[test]
fn a_known_unit_passes() {
    let (root, dir) = fixture_with("x-unit-ok", |t| {
        t.replace("x-unit: minutes}", "x-unit: seconds}")
    });
    let loaded = load_vendor(&root, &dir);
    let _ = std::fs::remove_dir_all(&root);
    loaded.expect("a known unit is accepted");
}

#[test]
fn an_invalid_type_is_refused() {
    let msg = error_for("type-value", |t| {
        t.replace(
            "schema: {type: array, items: {type: string}}",
            "schema: {type: array, items: {type: strng}}",
        )
    });
    assert!(
        msg.starts_with(
            "specs/acme/get_widget_usage.yaml: parameters.Tags.schema.items.type: `strng` is not a JSON Schema type (did you mean `string`?)"
        ),
        "{msg}"
    );
}

// --- Limit prose against the limits (M3) ----------------------------------------------------

#[test]
fn a_span_in_prose_that_contradicts_the_limit_is_refused() {
    // The fixture's span is `max_days: 10`.
    let msg = error_for("prose-span", |t| {
        t.replace(
            "  - name: To\n    in: body\n",
            "  - name: To\n    in: body\n    description: The last day, at most 11 days after From.\n",
        )
    });
    assert_eq!(
        msg,
        "specs/acme/get_widget_usage.yaml: parameters.To.description: \"at most 11 days\" names 11 days, but `limits.span.max_days` is 10"
    );
    let msg = error_for("prose-span-zh", |t| {
        t.replace(
            "summary: Widget minutes per day.",
            "summary: 每天的小部件分钟数，起止时间的跨度最多为 31 天。",
        )
    });
    assert!(
        msg.starts_with(
            "specs/acme/get_widget_usage.yaml: summary: \"最多为 31 天\" names 31 days, but `limits.span.max_days` is 10"
        ),
        "{msg}"
    );
    let msg = error_for("prose-span-error", |t| {
        t.replace(
            "message: no such widget}",
            "message: no such widget}\n  - {code: Widget.Oversize, kind: invalid-parameter, message: the period cannot be longer than 30 days}",
        )
    });
    assert!(
        msg.contains("errors.Widget.Oversize.message: \"longer than 30 days\" names 30 days"),
        "{msg}"
    );
}

#[test]
fn a_span_like_the_one_in_the_limit_is_accepted() {
    let (root, dir) = fixture_with("prose-span-ok", |t| {
        t.replace(
            "  - name: To\n    in: body\n",
            "  - name: To\n    in: body\n    description: The last day, at most ten days after From (5-minute buckets for at most 1 day); kept for 90 days.\n",
        )
    });
    let loaded = load_vendor(&root, &dir);
    let _ = std::fs::remove_dir_all(&root);
    loaded.expect("the prose agrees with the limits");
}

#[test]
fn a_rate_in_prose_that_contradicts_the_limit_is_refused() {
    // The fixture's rate is 3 requests per 60 seconds.
    let msg = error_for("prose-rate", |t| {
        t.replace(
            "description: The widget.",
            "description: The widget. The rate limit of this API is five calls per second.",
        )
    });
    assert_eq!(
        msg,
        "specs/acme/get_widget_usage.yaml: parameters.widget.description: \"five calls per second\" names 5 requests per second, but `limits.rate` is 3 per minute"
    );
    let msg = error_for("prose-rate-zh", |t| {
        t.replace(
            "summary: Widget minutes per day.",
            "summary: \"Widget minutes per day (接口限制: QPS 不得超过 2).\"",
        )
    });
    assert!(
        msg.contains("summary: \"QPS 不得超过 2\" names 2 requests per second"),
        "{msg}"
    );
    let (root, dir) = fixture_with("prose-rate-ok", |t| {
        t.replace(
            "summary: Widget minutes per day.",
            "summary: Widget minutes per day, at most 3 requests per minute (3 次/分钟).",
        )
    });
    let loaded = load_vendor(&root, &dir);
    let _ = std::fs::remove_dir_all(&root);
    loaded.expect("the prose agrees with the rate");
}

#[test]
fn every_real_spec_passes_the_schema_and_prose_checks() {
    let root = xtask::workspace_root().expect("the tests run inside the workspace");
    let vendors =
        xtask::load::load_all(&root, &root.join("specs")).unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for op in vendors.iter().flat_map(|v| &v.operations) {
        let file = op.file.display();
        xtask::schema_check::check_operation(&op.spec).unwrap_or_else(|e| panic!("{file}: {e}"));
        xtask::prose_check::check_operation(&op.spec).unwrap_or_else(|e| panic!("{file}: {e}"));
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} specs");
}

// --- The workspace root, found at run time (M1) ---------------------------------------------

fn temp_tree(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rtc-usage-root-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_root_is_found_from_a_nested_directory() {
    let ws = temp_tree("nested");
    std::fs::write(
        ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"xtask\"]\n",
    )
    .unwrap();
    for dir in ["specs/acme", "xtask/src", "crates/a/src/deep"] {
        std::fs::create_dir_all(ws.join(dir)).unwrap();
    }
    // A member crate's manifest (no [workspace]) and a nested workspace without specs/ (like
    // fuzz/) are passed over.
    std::fs::write(ws.join("crates/a/Cargo.toml"), "[package]\nname = \"a\"\n").unwrap();
    std::fs::create_dir_all(ws.join("fuzz/src")).unwrap();
    std::fs::write(
        ws.join("fuzz/Cargo.toml"),
        "[package]\nname = \"f\"\n[workspace]\n",
    )
    .unwrap();
    let found = [
        xtask::find_workspace_root(&ws.join("crates/a/src/deep")),
        xtask::find_workspace_root(&ws.join("fuzz/src")),
        xtask::find_workspace_root(&ws),
    ];
    let _ = std::fs::remove_dir_all(&ws);
    for found in found {
        assert_eq!(found.expect("the temp workspace is found"), ws);
    }
}

#[test]
fn no_workspace_is_an_error_naming_the_start() {
    let dir = temp_tree("none");
    let start = dir.join("a/b");
    std::fs::create_dir_all(&start).unwrap();
    // specs/ and xtask/ without a workspace manifest are not a workspace either.
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    std::fs::create_dir_all(dir.join("xtask")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    let err = xtask::find_workspace_root(&start);
    let _ = std::fs::remove_dir_all(&dir);
    let err = err.expect_err("there is no workspace");
    assert_eq!(err.start, start);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "no rtc-usage workspace at or above {}",
            start.display()
        )),
        "{msg}"
    );
    assert!(msg.contains("[workspace]"), "{msg}");
}

#[test]
fn the_run_time_root_is_this_checkout_and_another_gets_a_note() {
    // `cargo test` runs in xtask/, so the walk-up finds the checkout the test was built from.
    let root = xtask::workspace_root().expect("the tests run inside the workspace");
    assert_eq!(
        root,
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
    );
    assert_eq!(xtask::other_checkout_note(&root), None);
    let other = Path::new("/elsewhere/rtc-usage");
    let note = xtask::other_checkout_note(other).expect("another checkout gets a note");
    assert!(
        note.contains(&format!("built from {}", root.display())),
        "{note}"
    );
    assert!(note.contains("using /elsewhere/rtc-usage"), "{note}");
}

/// The generated operation module of the fixture as edited by `edit`.
fn generated_module(test: &str, edit: impl Fn(String) -> String) -> String {
    let (root, dir) = fixture_with(test, edit);
    let vendor = load_vendor(&root, &dir).expect("the edited spec loads");
    let _ = std::fs::remove_dir_all(&root);
    let files = xtask::codegen::render_vendor(&vendor).expect("the fixture renders");
    files
        .into_iter()
        .find(|f| f.path.ends_with("generated/get_widget_usage.rs"))
        .expect("the operation's module")
        .contents
}

#[test]
fn the_value_fields_x_unit_is_the_generated_unit() {
    let minutes = generated_module("unit-minutes", |t| t);
    assert!(
        minutes.contains("unit: ::rtc_usage_core::usage::Unit::Minutes"),
        "{minutes}"
    );
    let seconds = generated_module("unit-seconds", |t| {
        t.replace("x-unit: minutes", "x-unit: seconds")
    });
    assert!(
        seconds.contains("unit: ::rtc_usage_core::usage::Unit::Seconds"),
        "{seconds}"
    );
    assert!(!seconds.contains("Unit::Minutes"));
}

#[test]
fn a_usage_block_must_name_what_the_schema_has() {
    for (test, edit, needle) in [
        (
            "usage-no-unit",
            ("x-unit: minutes}", "}"),
            "the value field `days[].minutes` has no x-unit",
        ),
        (
            "usage-rows",
            ("rows: days,", "rows: dayz,"),
            "key `usage.layout.rows`: the payload has no member `dayz`",
        ),
        (
            "usage-tier",
            (
                "{name: minutes, tier: audio}",
                "{name: minutes, tier: ultra}",
            ),
            "unknown variant `ultra`",
        ),
        (
            "usage-time",
            ("time: {format: date}", "time: {format: rfc3339}"),
            "key `usage.time.format`",
        ),
        (
            "usage-rows-optional",
            ("    required: [days]\n", ""),
            "`days` of `days` must be `required` in the response schema",
        ),
        (
            "usage-app",
            ("app: {param: widget,", "app: {param: gadget,"),
            "key `usage.app.param`: no caller-set parameter named `gadget`",
        ),
    ] {
        let (root, dir) = fixture_with(test, |t| t.replace(edit.0, edit.1));
        let result = load_vendor(&root, &dir)
            .map_err(|e| e.to_string())
            .and_then(|v| {
                xtask::codegen::render_vendor(&v)
                    .map(drop)
                    .map_err(|e| e.to_string())
            });
        let _ = std::fs::remove_dir_all(&root);
        let msg = result.expect_err(test);
        assert!(
            msg.contains("specs/acme/get_widget_usage.yaml"),
            "{test}: {msg}"
        );
        assert!(msg.contains(needle), "{test}: {msg}");
    }
}

#[test]
fn a_shared_definition_vendor_yaml_lacks_is_named() {
    let msg = error_for("shared-missing", |t| {
        t.replace(
            "items: {$ref: \"#/definitions/Day\"}",
            "items: {$ref: \"vendor.yaml#/definitions/Day\"}",
        )
    });
    assert!(
        msg.contains("`vendor.yaml#/definitions/Day`: vendor.yaml has no shared definition `Day`"),
        "{msg}"
    );
}

#[test]
fn a_lookup_of_an_operation_the_vendor_lacks_is_named() {
    let msg = error_for("lookup", |t| {
        t.replace(
            "app: {param: widget, example: w}",
            "app: {param: widget, example: w, lookup: {operation: ListThings, rows: things, key: app, value: id}}",
        )
    });
    assert!(
        msg.contains("key `usage.app.lookup.operation`: the vendor has no operation `ListThings`"),
        "{msg}"
    );
}

#[test]
fn a_failover_host_must_be_another_http_url() {
    for (failover, test) in [
        ("ftp://x.example", "failover-ftp"),
        ("https://api.moon.example", "failover-self"),
    ] {
        let msg = error_for(test, |t| {
            t.replace(
                "{region: moon-1, url: \"https://api.moon.example\"}",
                &format!("{{region: moon-1, url: \"https://api.moon.example\", failover: [\"{failover}\"]}}"),
            )
        });
        assert!(
            msg.contains("key `endpoints.regions.failover`"),
            "{test}: {msg}"
        );
    }
}

#[test]
fn a_secret_is_a_string_marked_true() {
    for (edit, test) in [
        (
            "date: {type: string, format: date, x-secret: false}",
            "secret-false",
        ),
        (
            "date: {type: string, format: date}\n      n: {type: integer, x-secret: true}",
            "secret-int",
        ),
    ] {
        let msg = error_for(test, |t| {
            t.replace("date: {type: string, format: date}", edit)
        });
        assert!(
            msg.contains("`x-secret` is `true` on a string schema"),
            "{test}: {msg}"
        );
    }
}
