//! spec-diff on pairs of fixture specs: one case per classification rule
//! (`fixtures/spec_diff/cases/<rule>.yaml`), the version and data-risk gates, and the demos
//! on the real specs (Tencent's TimeStampKey, a unit switched from minutes to seconds).
//!
//! A case names edits of the fixture vendor (`fixtures/specs/acme`): `both` builds the pair's
//! common ground, `base` and `head` its two sides; `expect` is every change the pair must
//! give, with its classification written out (not read from the rule table).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use xtask::spec_diff::gate::{self, Status};
use xtask::spec_diff::rules::ChangeKind;
use xtask::spec_diff::{self, Change, Model, Options};
use xtask::version::Bump;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn workspace() -> PathBuf {
    xtask::workspace_root().expect("the tests run inside the workspace")
}

/// A fresh temporary folder, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rtc-usage-spec-diff-test-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The element of `node` a path segment names: a key, an index, or `key=value` in an array.
fn step<'a>(node: &'a mut Value, segment: &str) -> &'a mut Value {
    if let Some((key, want)) = segment.split_once('=') {
        let items = node.as_array_mut().expect("a selector applies to an array");
        return items
            .iter_mut()
            .find(|v| v[key].as_str() == Some(want))
            .unwrap_or_else(|| panic!("no element with {key}={want}"));
    }
    match segment.parse::<usize>() {
        Ok(i) if node.is_array() => &mut node[i],
        _ => {
            if !node.is_object() {
                *node = Value::Object(Default::default());
            }
            node.as_object_mut()
                .unwrap()
                .entry(segment)
                .or_insert(Value::Null)
        }
    }
}

/// Applies one edit (`set`, `append`, `remove`, `rename` at `at`) to a spec document.
fn apply(doc: &mut Value, edit: &Value) {
    let at = edit["at"].as_str().expect("an edit has `at`");
    let (parent, last) = at.rsplit_once('/').unwrap_or(("", at));
    let mut node = doc;
    for segment in parent.split('/').filter(|s| !s.is_empty()) {
        node = step(node, segment);
    }
    if edit.get("remove").is_some() {
        match node {
            Value::Array(items) => {
                let (key, want) = last
                    .split_once('=')
                    .expect("remove from an array by key=value");
                items.retain(|v| v[key].as_str() != Some(want));
            }
            Value::Object(map) => {
                map.shift_remove(last).expect("the key to remove exists");
            }
            _ => panic!("cannot remove {at}"),
        }
    } else if let Some(new) = edit.get("rename").and_then(Value::as_str) {
        let map = node.as_object_mut().expect("rename in an object");
        let value = map.shift_remove(last).expect("the key to rename exists");
        map.insert(new.to_owned(), value);
    } else if let Some(item) = edit.get("append") {
        step(node, last)
            .as_array_mut()
            .expect("append to an array")
            .push(item.clone());
    } else {
        *step(node, last) = edit["set"].clone();
    }
}

/// Copies `src` (a vendor folder) to `root/specs/<name>` with `edits` applied.
fn vendor_tree(root: &Path, src: &Path, name: &str, edits: &[&Value]) {
    let dir = root.join("specs").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    for edit in edits {
        if edit.get("delete_vendor").is_some() {
            std::fs::remove_dir_all(&dir).unwrap();
            return;
        }
        let file = dir.join(edit["file"].as_str().unwrap_or("get_widget_usage.yaml"));
        if let Some(from) = edit.get("copy_from").and_then(Value::as_str) {
            std::fs::copy(dir.join(from), &file).unwrap();
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let mut doc: Value = serde_yaml_ng::from_str(&text).unwrap();
        apply(&mut doc, edit);
        std::fs::write(&file, serde_yaml_ng::to_string(&doc).unwrap()).unwrap();
    }
}

fn model(root: &Path) -> Model {
    let vendors = xtask::load::load_all(root, &root.join("specs"))
        .unwrap_or_else(|e| panic!("the fixture specs load: {e}"));
    Model::new(&vendors)
}

/// The two sides of a case, loaded.
fn pair(case: &Value) -> (Model, Model) {
    let list = |key: &str| -> Vec<&Value> {
        case.get(key)
            .and_then(Value::as_array)
            .map(|v| v.iter().collect())
            .unwrap_or_default()
    };
    let src = fixtures().join("specs/acme");
    let (base, head) = (Temp::new("base"), Temp::new("head"));
    for (tree, side) in [(&base, "base"), (&head, "head")] {
        let edits: Vec<&Value> = list("both").into_iter().chain(list(side)).collect();
        vendor_tree(&tree.0, &src, "acme", &edits);
    }
    (model(&base.0), model(&head.0))
}

fn case(name: &str) -> Value {
    let path = fixtures().join(format!("spec_diff/cases/{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap()
}

fn summary(c: &Change) -> Value {
    serde_json::json!({
        "kind": c.kind.id(),
        "subject": c.subject,
        "semver": c.semver.to_string(),
        "wire": c.wire.to_string(),
        "data": c.data.to_string(),
    })
}

/// Runs the case of one rule: the pair gives exactly the expected changes.
fn check_case(name: &str) {
    let case = case(name);
    let (base, head) = pair(&case);
    let got: Vec<Value> = spec_diff::diff(&base, &head).iter().map(summary).collect();
    let want = case["expect"].as_array().cloned().unwrap_or_default();
    assert_eq!(got, want, "case {name}");
    assert!(
        want.iter().any(|w| w["kind"] == name),
        "case {name} must show its own rule"
    );
}

macro_rules! rule_cases {
    ($($test:ident)*) => {
        $(
            #[test]
            fn $test() {
                check_case(&stringify!($test).replace('_', "-"));
            }
        )*

        #[test]
        fn every_rule_has_a_fixture_case() {
            let covered = [$(stringify!($test).replace('_', "-")),*];
            for kind in ChangeKind::ALL {
                assert!(covered.iter().any(|c| c == kind.id()), "no test for rule {}", kind.id());
            }
        }
    };
}

rule_cases! {
    vendor_added vendor_removed crate_renamed credential_variable_added
    credential_variable_removed endpoint_override_changed operation_added operation_removed
    operation_version_changed request_shape_changed envelope_changed parameter_added
    parameter_added_required parameter_removed parameter_renamed parameter_became_required
    parameter_became_optional parameter_type_changed parameter_location_changed
    parameter_const_changed parameter_value_added parameter_value_removed
    parameter_bounds_loosened parameter_bounds_tightened field_added field_added_required
    field_removed field_renamed field_became_required field_became_optional field_type_changed
    field_widened field_narrowed field_value_added field_value_removed field_known_value_removed
    field_bounds_loosened field_bounds_tightened unit_changed secret_changed doc_changed
    usage_added usage_removed usage_query_changed bucket_layout_changed time_format_changed
    time_zone_changed tier_mapping_changed span_counting_changed limit_loosened limit_tightened
    data_delay_shortened data_delay_lengthened region_added region_removed endpoint_changed
    error_code_added error_code_removed error_code_changed note_changed example_changed
    source_changed
}

#[test]
fn identical_trees_have_no_changes() {
    let root = fixtures();
    assert!(spec_diff::diff(&model(&root), &model(&root)).is_empty());
}

/// The acme pair with `edits` on the head side and the head's vendor.yaml at `version`,
/// released as 0.1.0.
fn gated(edits: &[Value], version: &str) -> gate::CrateVerdict {
    let released = serde_json::json!({"version": "0.1.0", "rev": "0".repeat(40)});
    let mut all = vec![
        serde_json::json!({"file": "vendor.yaml", "at": "released", "set": released}),
        serde_json::json!({"file": "vendor.yaml", "at": "version", "set": version}),
    ];
    all.extend(edits.iter().cloned());
    let (release, head) = (Temp::new("release"), Temp::new("head"));
    let src = fixtures().join("specs/acme");
    vendor_tree(
        &release.0,
        &src,
        "acme",
        &all[..1].iter().collect::<Vec<_>>(),
    );
    vendor_tree(&head.0, &src, "acme", &all.iter().collect::<Vec<_>>());
    let (release, head) = (model(&release.0), model(&head.0));
    let vendor = &head.vendors["acme"];
    let changes = spec_diff::diff_vendor("acme", release.vendors.get("acme"), Some(vendor));
    gate::version_verdict(vendor, Ok(&changes))
}

fn breaking() -> Vec<Value> {
    vec![serde_json::json!({"at": "parameters/name=X-Trace", "remove": true})]
}

#[test]
fn the_version_gate_fails_a_breaking_edit_without_a_bump() {
    let v = gated(&breaking(), "0.1.0");
    assert_eq!(v.status, Status::Fail, "{}", v.message);
    assert_eq!(v.needed, Bump::Minor);
    assert!(v.message.contains("rtc-usage-acme"), "{}", v.message);
    assert!(
        v.message.contains("needs a minor bump to 0.2.0"),
        "{}",
        v.message
    );
    // A patch-position bump is not enough for a breaking change of a 0.y crate.
    assert_eq!(gated(&breaking(), "0.1.1").status, Status::Fail);
}

#[test]
fn the_version_gate_passes_a_breaking_edit_with_a_bump() {
    let v = gated(&breaking(), "0.2.0");
    assert_eq!(v.status, Status::Ok, "{}", v.message);
}

#[test]
fn the_version_gate_reads_additions_of_a_zero_crate_as_patch_bumps() {
    let added =
        [serde_json::json!({"at": "definitions/Day/properties/epoch", "set": {"type": "integer"}})];
    assert_eq!(gated(&added, "0.1.0").status, Status::Fail);
    assert_eq!(gated(&added, "0.1.1").status, Status::Ok);
    assert_eq!(gated(&[], "0.1.0").status, Status::Ok);
}

#[test]
fn the_version_gate_skips_a_release_it_cannot_read() {
    let head = model(&fixtures());
    let mut vendor_specs = xtask::load::load_all(&fixtures(), &fixtures().join("specs")).unwrap();
    vendor_specs[0].vendor.released = Some(xtask::spec::Released {
        version: "0.1.0".into(),
        rev: "0".repeat(40),
    });
    let with_release = Model::new(&vendor_specs);
    let v = gate::version_verdict(
        &with_release.vendors["acme"],
        Err("not in this checkout".into()),
    );
    assert_eq!(v.status, Status::Skipped);
    // No `released:` at all: not released yet, not checked.
    let v = gate::version_verdict(&head.vendors["acme"], Ok(&[]));
    assert_eq!(v.status, Status::Skipped);
}

/// The data-risk verdicts of the unit case, with `head_note` added on the head side and
/// `base_note` on both.
fn data_verdicts(base_note: Option<Value>, head_note: Option<Value>) -> Vec<gate::DataVerdict> {
    let mut case = case("unit-changed");
    let note = |n: Value| serde_json::json!({"at": "notes", "append": n});
    case["both"] = Value::Array(base_note.into_iter().map(note).collect());
    if let Some(n) = head_note {
        case["head"].as_array_mut().unwrap().push(note(n));
    }
    let (base, head) = pair(&case);
    let changes = spec_diff::diff(&base, &head);
    gate::data_verdicts(&changes, &base, &head)
}

fn review(date: &str) -> Value {
    serde_json::json!({"id": "minutes-now-seconds", "about": "usage", "text": "The vendor reports seconds.", "reading": "Checked against a bill.", "reviewed": date})
}

#[test]
fn a_data_risk_change_fails_without_a_review_note() {
    let verdicts = data_verdicts(None, None);
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0].reviewed_by, None);
}

#[test]
fn a_new_review_note_acknowledges_a_data_risk_change() {
    let verdicts = data_verdicts(None, Some(review("2026-12-03")));
    let by = verdicts[0].reviewed_by.as_deref().expect("acknowledged");
    assert!(by.contains("minutes-now-seconds"), "{by}");
}

#[test]
fn an_old_review_note_does_not_cover_a_new_change() {
    let verdicts = data_verdicts(Some(review("2025-01-01")), None);
    assert_eq!(verdicts[0].reviewed_by, None);
}

#[test]
fn a_bad_review_date_is_refused() {
    let mut case = case("unit-changed");
    case["head"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"at": "notes", "append": review("soon")}));
    let head = Temp::new("bad-date");
    let edits: Vec<&Value> = case["head"].as_array().unwrap().iter().collect();
    vendor_tree(&head.0, &fixtures().join("specs/acme"), "acme", &edits);
    let err = xtask::load::load_all(&head.0, &head.0.join("specs")).unwrap_err();
    assert!(
        err.to_string()
            .contains("notes.minutes-now-seconds.reviewed"),
        "{err}"
    );
}

#[test]
fn the_changelog_entry_lists_changes_by_impact() {
    let mut case = case("parameter-removed");
    case["head"].as_array_mut().unwrap().extend([
        serde_json::json!({"file": "vendor.yaml", "at": "version", "set": "0.2.0"}),
        serde_json::json!({"file": "vendor.yaml", "at": "released", "set": {"version": "0.1.0", "rev": "a".repeat(40)}}),
        serde_json::json!({"at": "definitions/Day/properties/minutes/x-unit", "set": "seconds"}),
    ]);
    let (base, head) = pair(&case);
    let vendor = &head.vendors["acme"];
    let changes = spec_diff::diff_vendor("acme", base.vendors.get("acme"), Some(vendor));
    let (heading, entry) = spec_diff::changelog::entry(vendor, &changes).expect("an entry");
    assert_eq!(heading, "0.2.0");
    assert!(
        entry.starts_with("<!-- spec-diff: 0.2.0 -->\n## 0.2.0\n"),
        "{entry}"
    );
    assert!(
        entry.contains("### Breaking\n\n- `GetWidgetUsage`: parameter-removed `parameter X-Trace`"),
        "{entry}"
    );
    assert!(entry.contains("### Changed\n\n- `GetWidgetUsage`: unit-changed `response days[].minutes` (minutes → seconds) (**data risk**)"), "{entry}");
}

#[test]
fn a_bad_base_revision_is_a_clear_error() {
    let options = Options::parse(&["--base", "no-such-revision-anywhere"]).unwrap();
    let err = spec_diff::run(&workspace(), &options).unwrap_err();
    assert!(matches!(err, spec_diff::Error::Rev { .. }), "{err}");
    assert!(
        err.to_string().contains("no-such-revision-anywhere"),
        "{err}"
    );
    assert!(Options::parse(&["--format", "yaml"]).is_err());
    assert!(Options::parse(&["--base"]).is_err());
}

#[test]
fn the_current_specs_pass_the_gates() {
    let options = Options::parse(&["--check"]).unwrap();
    let report = spec_diff::run(&workspace(), &options).expect("spec-diff runs");
    assert!(
        report.passed,
        "{}",
        spec_diff::render(&report, spec_diff::Format::Text)
    );
}

/// The real specs of `vendor`, with `base` edits on one side and `head` edits on the other,
/// as the report `spec-diff --base-dir --head-dir` prints.
fn demo(
    vendor: &str,
    base: &[Value],
    head: &[Value],
    format: spec_diff::Format,
) -> spec_diff::Report {
    let src = workspace().join("specs").join(vendor);
    let (b, h) = (Temp::new("demo-base"), Temp::new("demo-head"));
    vendor_tree(&b.0, &src, vendor, &base.iter().collect::<Vec<_>>());
    vendor_tree(&h.0, &src, vendor, &head.iter().collect::<Vec<_>>());
    let options = Options {
        base_dir: Some(b.0.join("specs")),
        head_dir: Some(h.0.join("specs")),
        format,
        check: true,
        ..Options::default()
    };
    spec_diff::run(&workspace(), &options).expect("spec-diff runs")
}

/// The report with the temporary folders' names made stable, for the snapshot.
fn stable(report: &spec_diff::Report) -> String {
    let mut text = spec_diff::render(report, spec_diff::Format::Text);
    for (label, name) in [(&report.base, "BASE/specs"), (&report.head, "HEAD/specs")] {
        text = text.replace(label.as_str(), name);
    }
    text
}

#[test]
fn demo_tencent_adds_timestampkey_to_trtcusage() {
    let base = [
        serde_json::json!({"file": "vendor.yaml", "at": "definitions/TrtcUsage/properties/TimeStampKey", "remove": true}),
    ];
    let report = demo("tencent", &base, &[], spec_diff::Format::Text);
    let text = stable(&report);
    println!("{text}");
    assert!(report.passed, "{text}");
    assert_eq!(report.changes.len(), 3, "{text}");
    for c in &report.changes {
        assert_eq!(
            (c.kind, c.subject.as_str()),
            (ChangeKind::FieldAdded, "response UsageList[].TimeStampKey")
        );
    }
    insta::assert_snapshot!("demo_tencent_timestampkey", text);
}

#[test]
fn demo_a_usage_unit_switches_from_minutes_to_seconds() {
    let head: Vec<Value> = ["Audio", "VideoSDM", "VideoSD", "VideoHD"]
        .iter()
        .map(|f| serde_json::json!({"file": "list_usages.yaml", "at": format!("definitions/Usage/properties/{f}/x-unit"), "set": "seconds"}))
        .collect();
    let report = demo("volcengine", &[], &head, spec_diff::Format::Text);
    let text = stable(&report);
    println!("{text}");
    assert!(!report.passed, "{text}");
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.kind == ChangeKind::UnitChanged),
        "{text}"
    );
    insta::assert_snapshot!("demo_minutes_to_seconds", text);

    // Reviewed, and released with a patch bump (a unit change is patch-level): both gates pass.
    let mut reviewed = head.clone();
    reviewed.push(serde_json::json!({"file": "list_usages.yaml", "at": "notes", "append": review("2026-12-03")}));
    reviewed.push(serde_json::json!({"file": "vendor.yaml", "at": "version", "set": "0.1.1"}));
    let report = demo("volcengine", &[], &reviewed, spec_diff::Format::Text);
    assert!(report.passed, "{}", stable(&report));
}

#[test]
fn json_output_has_stable_field_names() {
    let base = [
        serde_json::json!({"file": "vendor.yaml", "at": "definitions/TrtcUsage/properties/TimeStampKey", "remove": true}),
    ];
    let report = demo("tencent", &base, &[], spec_diff::Format::Json);
    let json: Value =
        serde_json::from_str(&spec_diff::render(&report, spec_diff::Format::Json)).unwrap();
    let change = &json["changes"][0];
    for key in [
        "vendor",
        "operation",
        "file",
        "kind",
        "subject",
        "before",
        "after",
        "semver",
        "wire",
        "data",
        "why",
    ] {
        assert!(change.get(key).is_some(), "changes[0].{key} in {change}");
    }
    assert_eq!(change["kind"], "field-added");
    assert_eq!(change["semver"], "minor");
    for key in [
        "base", "base_rev", "head", "notes", "changes", "crates", "data", "passed",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    let md = spec_diff::render(&report, spec_diff::Format::Markdown);
    assert!(
        md.contains("| minor | none | none | tencent | DescribeTrtcUsage | `field-added` |"),
        "{md}"
    );
}

#[test]
fn source_check_lists_changed_missing_and_unpinned_documents() {
    use xtask::source_check::{Status, check, sha256_hex};
    let pinned = sha256_hex(b"the document\n");
    let specs = Temp::new("sources");
    let edit = serde_json::json!({"at": "source/sha256", "set": pinned});
    vendor_tree(&specs.0, &fixtures().join("specs/acme"), "acme", &[&edit]);
    let docs = Temp::new("documents");
    let status = |docs: &Path| check(&specs.0, docs).unwrap()[0].status.clone();
    assert_eq!(status(&docs.0), Status::Missing);
    std::fs::write(docs.0.join("fixture"), "the document\n").unwrap();
    assert_eq!(status(&docs.0), Status::Unchanged);
    std::fs::write(docs.0.join("fixture"), "the document, edited\n").unwrap();
    assert!(matches!(status(&docs.0), Status::Changed { .. }));
    let unpinned = check(&fixtures(), &docs.0).unwrap();
    assert!(matches!(
        unpinned[0].status,
        Status::NotPinned { fresh: Some(_) }
    ));
}
