//! Accounts from a config file against the emulator: every account asked at once, records
//! carrying their account, an account with a wrong secret failing alone (one error, the
//! others' records all written), the emulator's own config file and demo accounts, and bad
//! config files refused before any request.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rtc_usage_emulator::{Emulator, Vendor};

use crate::harness::{self, Keyed, assert_same, keyed, records, run, stderr};

/// The secret of the emulator's second Tencent account, replaced by a wrong one.
const WRONG_SECRET: &str = "wrong-secret-e2e";

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

/// `rtc-usage usage --config CONFIG --last LAST --format json EXTRA...`.
async fn usage_json(config: &str, last: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "usage", "--config", config, "--last", last, "--format", "json",
    ];
    args.extend_from_slice(extra);
    run(None, &args, &[]).await
}

/// Every account's records (by name) equal the ground truth of its own apps over `days()`.
fn assert_accounts_equal_truth<'a>(
    all: &[serde_json::Value],
    accounts: impl IntoIterator<Item = &'a rtc_usage_emulator::EmulatedAccount>,
) {
    let (from, to) = days();
    for account in accounts {
        let mine: Vec<_> = all
            .iter()
            .filter(|r| r["account"] == account.name.as_str())
            .cloned()
            .collect();
        let mut expected = Keyed::new();
        for app in &account.apps {
            expected.extend(harness::truth(account.vendor.id(), app, from, to));
        }
        assert!(!mine.is_empty(), "{}: no records", account.name);
        assert_same(&keyed(&mine), &expected);
    }
}

/// A run's errors are two: the refusal of `account`'s credentials (first, the only line
/// naming the account) and the summary.
fn assert_one_refusal(message: &str, account: &str) {
    let errors: Vec<&str> = message
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(
        errors.len(),
        2,
        "the bad account's error and the summary: {message}"
    );
    let naming: Vec<&&str> = errors.iter().filter(|l| l.contains(account)).collect();
    assert_eq!(naming, [&errors[0]], "{message}");
    assert!(
        errors[0].contains(&format!(
            "account `{account}`: the vendor refused the credentials"
        )),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_account_at_once_and_a_wrong_secret_fails_alone() {
    // Two accounts of every vendor, from the emulator's own config file; one has a wrong
    // secret.
    let emu = Emulator::builder()
        .accounts_per_vendor(2)
        .start()
        .await
        .expect("emulator");
    let bad = emu
        .accounts()
        .iter()
        .find(|a| a.name == "tencent-2")
        .expect("a second tencent account");
    let bad_secret = bad
        .credentials
        .secret_access_key()
        .expose_secret()
        .to_owned();
    let text = emu.config_toml();
    assert!(text.contains(&bad_secret));
    let text = text.replace(&bad_secret, WRONG_SECRET);
    let scratch = tempfile::tempdir().unwrap();
    let config = write_config(scratch.path(), &text, 0o600);
    let config_arg = config.display().to_string();
    let output = usage_json(&config_arg, "5d", &[]).await;
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    // One error for the bad account, naming it; no secret anywhere.
    assert_one_refusal(&message, "tencent-2");
    assert!(!message.contains(WRONG_SECRET) && !message.contains(&bad_secret));
    // Every good account's records, labelled with it, equal the ground truth.
    let all = records(&output);
    assert!(all.iter().all(|r| r["account"] != "tencent-2"));
    assert_accounts_equal_truth(
        &all,
        emu.accounts().iter().filter(|a| a.name != "tencent-2"),
    );
    let accounts: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|r| r["account"].as_str()).collect();
    assert_eq!(
        accounts.len(),
        2 * Vendor::all().count() - 1,
        "{accounts:?}"
    );

    // A sync of the same accounts: one error for the bad account, and the others' windows
    // in the store.
    let store = scratch.path().join("history.db").display().to_string();
    let synced = run(
        None,
        &[
            "sync",
            "--config",
            &config_arg,
            "--store",
            &store,
            "--last",
            "40d",
        ],
        &[],
    )
    .await;
    let message = stderr(&synced);
    assert_eq!(synced.status.code(), Some(1), "{message}");
    assert_one_refusal(&message, "tencent-2");
    assert!(!message.contains(WRONG_SECRET) && !message.contains(&bad_secret));
    let held = run(
        None,
        &["history", "--store", &store, "--format", "json"],
        &[],
    )
    .await;
    let held: std::collections::BTreeSet<String> = records(&held)
        .iter()
        .filter_map(|r| r["account"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(held.len(), 2 * Vendor::all().count() - 1, "{held:?}");
    assert!(!held.contains("tencent-2"), "{held:?}");

    // `--account` narrows to one; `--app ACCOUNT:APP` names an account's app.
    let output = usage_json(&config_arg, "2d", &["--account", "huawei-2"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(records(&output).iter().all(|r| r["account"] == "huawei-2"));
    let output = usage_json(&config_arg, "2d", &["--app", "tencent-1:1400000002"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let got = records(&output);
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|r| r["account"] == "tencent-1" && r["app"] == "1400000002")
    );
    // `--app tencent:APP` means the default account; without one it is ambiguous, refused.
    let output = usage_json(&config_arg, "2d", &["--app", "tencent:1400000001"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(records(&output).iter().all(|r| r["account"] == "tencent-1"));
    let no_defaults = write_config(scratch.path(), &text.replace("default = true\n", ""), 0o600);
    let no_defaults = no_defaults.display().to_string();
    let output = run(
        None,
        &[
            "usage",
            "--config",
            &no_defaults,
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
        stderr(&output).contains("tencent-1, tencent-2"),
        "{}",
        stderr(&output)
    );

    // `accounts` lists them, never a secret; `--check` says which work.
    let config = write_config(scratch.path(), &text, 0o600);
    let config_arg = config.display().to_string();
    let output = run(None, &["accounts", "--config", &config_arg, "--check"], &[]).await;
    let listing = String::from_utf8_lossy(&output.stdout);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(listing.contains("tencent-2") && listing.contains("inline (in the config file)"));
    assert!(!listing.contains(WRONG_SECRET) && !message.contains(WRONG_SECRET));
    assert!(!listing.contains(&bad_secret) && !message.contains(&bad_secret));
    assert!(message.contains("failed: account `tencent-2`"), "{message}");
    assert!(message.contains("ok: account `agora-2`"), "{message}");
    assert_eq!(
        message.matches("ok: account").count(),
        2 * Vendor::all().count() - 1
    );
}

/// `rtc-usage emulator --accounts 3 --write-config FILE`, a real process, then a usage run of
/// that file from another: every account of every vendor answers with its own apps.
#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_writes_a_config_file_of_its_accounts() {
    let scratch = tempfile::tempdir().unwrap();
    let config = scratch.path().join("emulator.toml");
    let mut emulator = Command::new(env!("CARGO_BIN_EXE_rtc-usage"))
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--accounts",
            "3",
            "--write-config",
        ])
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator starts");
    // Its first line says where it listens, once the file is written.
    let mut first = String::new();
    BufReader::new(emulator.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("listening on http://127.0.0.1:"), "{first}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only: {mode:o}");
    }
    let config_arg = config.display().to_string();
    let output = usage_json(&config_arg, "5d", &[]).await;
    let _ = emulator.kill();
    let _ = emulator.wait();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The same accounts as an in-test emulator of 3 per vendor: names, credentials and apps
    // are made the same way.
    let twin = Emulator::builder()
        .accounts_per_vendor(3)
        .start()
        .await
        .expect("emulator");
    assert_eq!(twin.accounts().len(), 3 * Vendor::all().count());
    assert_accounts_equal_truth(&records(&output), twin.accounts());
}

/// `--emulator` asks the emulator's demo accounts like a config file's: all of them without
/// `--app`, one with `--account`, and `VENDOR:APP` means the vendor's first.
#[tokio::test(flavor = "multi_thread")]
async fn the_embedded_emulator_has_demo_accounts() {
    let output = run(
        None,
        &["usage", "--emulator", "--last", "5d", "--format", "json"],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let twin = Emulator::builder()
        .accounts_per_vendor(2)
        .start()
        .await
        .expect("emulator");
    assert_accounts_equal_truth(&records(&output), twin.accounts());
    let output = run(
        None,
        &[
            "usage",
            "--emulator",
            "--last",
            "2d",
            "--format",
            "json",
            "--account",
            "huawei-2",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let got = records(&output);
    assert!(!got.is_empty() && got.iter().all(|r| r["account"] == "huawei-2"));
    let output = run(
        None,
        &[
            "usage",
            "--emulator",
            "--last",
            "2d",
            "--format",
            "json",
            "--app",
            "tencent:1400000001",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(records(&output).iter().all(|r| r["account"] == "tencent-1"));
    // A config file beside --emulator: refused, before anything is asked.
    let output = run(
        None,
        &[
            "usage",
            "--emulator",
            "--last",
            "2d",
            "--config",
            "/nonexistent.toml",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--write-config"),
        "{}",
        stderr(&output)
    );
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
