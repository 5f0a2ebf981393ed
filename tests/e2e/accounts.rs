//! Accounts from a config file against the emulator: every account asked at once, records
//! carrying their account, an account with a wrong secret failing alone (one error, the
//! others' records all written), and bad config files refused before any request.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rtc_usage_emulator::{Emulator, Vendor, default_apps, demo_credentials};

use crate::harness::{self, Keyed, assert_same, keyed, records, run, stderr};

/// One account of every vendor with the emulator's demo credentials, named `VENDOR-good`,
/// plus `extra`.
fn config_text(emu: &Emulator, extra: &str) -> String {
    let mut text = String::new();
    for vendor in Vendor::all().map(Vendor::id) {
        let credentials = demo_credentials(vendor).unwrap();
        let apps: Vec<String> = default_apps(vendor)
            .iter()
            .map(|a| format!("{a:?}"))
            .collect();
        let project = credentials
            .project_id()
            .map(|p| format!(", project_id = {p:?}"))
            .unwrap_or_default();
        write!(
            text,
            "[accounts.{vendor}-good]\nvendor = {vendor:?}\nendpoint = {:?}\napps = [{}]\n\
             labels = {{ team = \"e2e\" }}\n\
             credentials = {{ access_key = {:?}, secret_key = {:?}{project} }}\n\n",
            emu.url(),
            apps.join(", "),
            credentials.access_key_id(),
            credentials.secret_access_key().expose_secret(),
        )
        .unwrap();
    }
    text.push_str(extra);
    text
}

/// `text` as a config file only its owner can read (or with `mode`).
fn write_config(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}

fn days() -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = chrono::Local::now().date_naive();
    (today - chrono::Days::new(5), today - chrono::Days::new(1))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_account_at_once_and_a_wrong_secret_fails_alone() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let scratch = tempfile::tempdir().unwrap();
    let tencent = demo_credentials("tencent").unwrap();
    let bad = format!(
        "[accounts.tencent-bad]\nvendor = \"tencent\"\nendpoint = {:?}\napps = [\"1400000001\"]\n\
         credentials = {{ access_key = {:?}, secret_key = \"wrong-secret-e2e\" }}\n",
        emu.url(),
        tencent.access_key_id()
    );
    let config = write_config(scratch.path(), &config_text(&emu, &bad), 0o600);
    let config_arg = config.display().to_string();
    let output = run(
        None,
        &[
            "usage",
            "--config",
            &config_arg,
            "--last",
            "5d",
            "--format",
            "json",
        ],
        &[],
    )
    .await;
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    // One error for the bad account, naming it; no secret anywhere.
    let errors: Vec<&str> = message
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    let bad_lines: Vec<&&str> = errors
        .iter()
        .filter(|l| l.contains("tencent-bad"))
        .collect();
    assert_eq!(bad_lines.len(), 1, "{message}");
    assert!(
        bad_lines[0].contains("refused the credentials"),
        "{message}"
    );
    assert_eq!(
        errors.len(),
        2,
        "the bad account's error and the summary: {message}"
    );
    assert!(
        !message.contains("wrong-secret-e2e")
            && !message.contains(tencent.secret_access_key().expose_secret())
    );
    // Every good account's records, labelled with it, equal the ground truth.
    let all = records(&output);
    assert!(all.iter().all(|r| r["account"] != "tencent-bad"));
    let (from, to) = days();
    for vendor in Vendor::all().map(Vendor::id) {
        let account = format!("{vendor}-good");
        let mine: Vec<_> = all
            .iter()
            .filter(|r| r["account"] == *account)
            .cloned()
            .collect();
        let mut expected = Keyed::new();
        for app in default_apps(vendor) {
            expected.extend(harness::truth(vendor, app, from, to));
        }
        assert_same(&keyed(&mine), &expected);
    }

    // `--account` narrows to one; `--app ACCOUNT:APP` names an account's app.
    let output = run(
        None,
        &[
            "usage",
            "--config",
            &config_arg,
            "--last",
            "2d",
            "--format",
            "json",
            "--account",
            "huawei-good",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        records(&output)
            .iter()
            .all(|r| r["account"] == "huawei-good")
    );
    let output = run(
        None,
        &[
            "usage",
            "--config",
            &config_arg,
            "--last",
            "2d",
            "--format",
            "json",
            "--app",
            "tencent-good:1400000002",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let got = records(&output);
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|r| r["account"] == "tencent-good" && r["app"] == "1400000002")
    );
    // `--app tencent:APP` with two tencent accounts and no default: ambiguous, refused.
    let output = run(
        None,
        &[
            "usage",
            "--config",
            &config_arg,
            "--last",
            "2d",
            "--app",
            "tencent:1400000001",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("tencent-bad, tencent-good"),
        "{}",
        stderr(&output)
    );

    // `accounts` lists them, never a secret; `--check` says which work.
    let output = run(None, &["accounts", "--config", &config_arg, "--check"], &[]).await;
    let listing = String::from_utf8_lossy(&output.stdout);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(listing.contains("tencent-bad") && listing.contains("inline (in the config file)"));
    assert!(!listing.contains("wrong-secret-e2e") && !message.contains("wrong-secret-e2e"));
    assert!(
        message.contains("failed: account `tencent-bad`"),
        "{message}"
    );
    assert!(message.contains("ok: account `agora-good`"), "{message}");
}

/// Bad config files: exit 2 naming the file and line, before any request.
#[tokio::test(flavor = "multi_thread")]
async fn bad_config_files_are_refused_before_any_request() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let scratch = tempfile::tempdir().unwrap();
    let cases: [(&str, u32, &str); 6] = [
        (
            "[accounts.x]\nvendor = \"tencent\"\nteam = \"a\"\ncredentials = { env = { access_key = \"A\", secret_key = \"B\" } }\n",
            0o600,
            "unknown field `team`",
        ),
        (
            "[accounts.x]\nvendor = \"aws\"\ncredentials = { env = { access_key = \"A\", secret_key = \"B\" } }\n",
            0o600,
            "unknown vendor `aws`",
        ),
        (
            "[accounts.x]\nvendor = \"tencent\"\ncredentials = { env = { access_key = \"A\", secret_key = \"B\" } }\n[accounts.x]\nvendor = \"huawei\"\n",
            0o600,
            "duplicate",
        ),
        (
            "[accounts.x]\nvendor = \"tencent\"\ncredentials = { file = \"/nonexistent/creds.toml\" }\n",
            0o600,
            "does not exist",
        ),
        (
            "[accounts.x]\nvendor = \"tencent\"\napps = [\"not-a-number\"]\ncredentials = { env = { access_key = \"A\", secret_key = \"B\" } }\n",
            0o600,
            "positive integer",
        ),
        (
            "[accounts.x]\nvendor = \"tencent\"\napps = [\"1400000001\"]\ncredentials = { access_key = \"A\", secret_key = \"B\" }\n",
            0o644,
            "chmod 600",
        ),
    ];
    for (text, mode, needle) in cases {
        let config = write_config(scratch.path(), text, mode);
        let config_arg = config.display().to_string();
        let output = run(
            None,
            &["usage", "--config", &config_arg, "--last", "2d"],
            &[],
        )
        .await;
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{needle}: {message}");
        assert!(message.contains(needle), "`{needle}` not in: {message}");
        assert!(
            message.contains(&format!("{config_arg}:")),
            "file and line: {message}"
        );
    }
    assert_eq!(emu.stats().requests, 0, "no request was made");
}
