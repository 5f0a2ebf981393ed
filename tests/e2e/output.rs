//! Output conventions: `-o FILE` picks the format from its extension unless `--format` says
//! otherwise, an extension it cannot read is refused before any request, `-o -` is stdout.

use rtc_usage_emulator::{Emulator, default_apps};

use crate::harness::{run, stderr};

fn usage_args<'a>(app: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut argv = vec![
        "usage",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-03",
        "--app",
        app,
    ];
    argv.extend(extra);
    argv
}

#[tokio::test(flavor = "multi_thread")]
async fn the_extension_of_the_output_file_chooses_the_format() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let app = format!("tencent:{}", default_apps("tencent")[1]);
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for (name, starts) in [
        (
            "usage.csv",
            "vendor,account,app,start,granularity,category,tier,vendor_tier,seconds,minutes,provisional\n",
        ),
        ("usage.json", "[{\"vendor\":\"tencent\""),
        ("report.HTML", "<!DOCTYPE html>"),
        (
            "usage.txt",
            "account default, granularity day, category call\n",
        ),
    ] {
        let file = path(name);
        let output = run(Some(&emu), &usage_args(&app, &["-o", &file]), &[]).await;
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        assert!(
            output.stdout.is_empty(),
            "{name}: the data went to the file"
        );
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.starts_with(starts), "{name}: {written:.200}");
    }
    let json = std::fs::read_to_string(path("usage.json")).unwrap();
    let records: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert!(records.iter().all(|r| r["minutes"].is_f64()));
    let table = std::fs::read_to_string(path("usage.txt")).unwrap();
    assert!(table.contains("\nTotals\n"), "{table}");

    // --format wins over the extension.
    let file = path("data.txt");
    let output = run(
        Some(&emu),
        &usage_args(&app, &["-o", &file, "--format", "json"]),
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&file).unwrap().starts_with('['));

    // An extension that names no format, or none, is refused before any request.
    let requests = emu.requests();
    for name in ["usage.xlsx", "usage"] {
        let file = path(name);
        let output = run(Some(&emu), &usage_args(&app, &["-o", &file]), &[]).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{name}: {err}");
        for needle in ["--output", name, ".csv, .json, .html or .txt", "--format"] {
            assert!(err.contains(needle), "{name}: {needle:?} not in {err}");
        }
        assert!(!dir.path().join(name).exists(), "{name}: no file");
        assert!(output.stdout.is_empty());
    }
    assert_eq!(
        emu.requests(),
        requests,
        "nothing sent for a refused extension"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dash_is_stdout() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let app = format!("tencent:{}", default_apps("tencent")[0]);
    // Piped stdout: CSV, as without -o.
    let output = run(Some(&emu), &usage_args(&app, &["-o", "-"]), &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let csv = String::from_utf8(output.stdout).unwrap();
    assert!(csv.starts_with("vendor,account,app,"), "{csv}");
    assert!(csv.lines().count() > 3);
    let output = run(
        Some(&emu),
        &usage_args(&app, &["--output", "-", "--format", "json"]),
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!records.is_empty());
    // No file named `-` appears where the binary ran (the test's directory).
    assert!(!std::path::Path::new("-").exists());
}
