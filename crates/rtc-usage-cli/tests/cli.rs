//! The built `rtc-usage` binary: bad input exits 2 naming the flag before any call, a failed
//! call exits 1 after writing what was fetched, and `--emulator` produces parseable data.
//! Every run has an empty environment, so no real credentials are ever used.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Days, Utc};

const BIN: &str = env!("CARGO_BIN_EXE_rtc-usage");

/// One demo app per vendor of the emulator.
const DEMO_APPS: [&str; 3] = [
    "volcengine:65f1a2b3c4d5e6f708192a3b",
    "tencent:1400000001",
    "huawei:5fa682b34a974f7ad24d223b",
];

/// The keys of a JSON record, in order: also the CSV header.
const JSON_KEYS: &str =
    "vendor,account,app,start,granularity,category,tier,vendor_tier,seconds,minutes,provisional";

fn rtc_usage(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Three days that every vendor can serve: recent, but past the vendors' data delays.
fn recent_days() -> (String, String) {
    let today = Utc::now().date_naive();
    let day = |n| today.checked_sub_days(Days::new(n)).unwrap().to_string();
    (day(12), day(10))
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const TENCENT_KEYS: [(&str, &str); 2] = [
    ("TENCENTCLOUD_SECRET_ID", "AKIDtest"),
    ("TENCENTCLOUD_SECRET_KEY", "test-secret"),
];

/// `args` (split at spaces) exit 2 with every needle in the message, and print no data.
fn assert_bad_input(args: &str, env: &[(&str, &str)], needles: &[&str]) {
    let args: Vec<&str> = args.split_whitespace().collect();
    let out = rtc_usage(&args, env);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {message}");
    assert!(out.stdout.is_empty(), "{args:?} printed data");
    for needle in needles {
        assert!(
            message.contains(needle),
            "{args:?}: `{needle}` not in: {message}"
        );
    }
}

#[test]
fn bad_flags_exit_2_naming_the_flag_before_any_call() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().display();
    let usage = "usage --from 2026-11-01 --to 2026-11-03";
    let cases: Vec<(String, &[&str])> = vec![
        (format!("{usage} --app aws:1"), &["--app", "unknown vendor"]),
        (
            format!("{usage} --app tencent:abc"),
            &["--app", "positive integer"],
        ),
        (format!("{usage} --app volcengine:"), &["--app", "empty"]),
        (
            format!("{usage} --app huawei:*"),
            &["--app", "only tencent, alibaba"],
        ),
        (
            format!("{usage} --app tencent:1 --endpoint tencent=ftp://example"),
            &["--endpoint", "scheme"],
        ),
        (
            format!("{usage} --app tencent:1 --endpoint aws=http://127.0.0.1:1"),
            &["--endpoint", "unknown vendor"],
        ),
        (
            format!("{usage} --app tencent:1 --endpoint tencent"),
            &["--endpoint", "VENDOR=URL"],
        ),
        (
            format!("{usage} --app tencent:1 --format xml"),
            &["--format", "table, csv, json"],
        ),
        (
            format!("{usage} --app tencent:1 --granularity hour"),
            &["--granularity", "day, month, native"],
        ),
        (
            format!("{usage} --app tencent:1 --output {dir}/no/such/dir/out.csv"),
            &["--output", "does not exist"],
        ),
        (
            format!("{usage} --app tencent:1 --output {dir}"),
            &["--output", "directory"],
        ),
        (
            format!("{usage} --app tencent:1 --emulator --endpoint tencent=http://127.0.0.1:1"),
            &["--emulator", "--endpoint"],
        ),
        (
            "usage --app tencent:1 --from 2026-13-01 --to 2026-11-03".into(),
            &["--from", "YYYY-MM-DD"],
        ),
        (
            "usage --app tencent:1 --from 2026-11-01 --to 03.11.2026".into(),
            &["--to", "YYYY-MM-DD"],
        ),
        (
            "usage --app tencent:1 --from 2026-11-05 --to 2026-11-01".into(),
            &["--from", "--to", "swap"],
        ),
        ("usage --app tencent:1 --to 2026-11-01".into(), &["--from"]),
        // Before Alibaba's 90-day look-back (January is always more than 90 days back now).
        (
            "usage --emulator --from 2026-01-01 --to 2026-01-05 --app alibaba:*".into(),
            &["--from/--to", "90 days", "--within-lookback"],
        ),
        (
            format!("{usage} --emulator --app alibaba:* --category recording"),
            &[
                "--app",
                "DescribeLiveRtcRecordUsageData",
                "needs an app id in AppId",
            ],
        ),
    ];
    for (args, needles) in &cases {
        assert_bad_input(args, &TENCENT_KEYS, needles);
    }
    let out = rtc_usage(
        &[
            "usage",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-03",
            "--app",
            "",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("VENDOR:APP_ID"));
    assert!(entries(scratch.path()).is_empty(), "no file is left behind");
}

#[test]
fn bad_environment_exits_2_naming_the_variable() {
    let usage = "usage --from 2026-11-01 --to 2026-11-03";
    let tencent = format!("{usage} --app tencent:1");
    // Missing or incomplete credentials.
    assert_bad_input(
        &tencent,
        &[],
        &[
            "TENCENTCLOUD_SECRET_ID",
            "TENCENTCLOUD_SECRET_KEY",
            "--app",
            "--emulator",
        ],
    );
    assert_bad_input(
        &format!("{usage} --app volcengine:x"),
        &[("VOLC_ACCESSKEY", "AK")],
        &["VOLC_SECRETKEY"],
    );
    assert_bad_input(
        &format!("{usage} --app huawei:x"),
        &[("HUAWEICLOUD_SDK_AK", "AK"), ("HUAWEICLOUD_SDK_SK", "SK")],
        &["HUAWEICLOUD_SDK_PROJECT_ID"],
    );
    // The tool's own variables, beside valid credentials.
    let [id, key] = TENCENT_KEYS;
    for (name, value) in [
        ("RTC_USAGE_ENDPOINT_TENCENT", "not a url"),
        ("RTC_USAGE_RATE_LIMIT_SCALE", "fast"),
        ("RTC_USAGE_RATE_LIMIT_SCALE", "-1"),
        ("RTC_USAGE_LOG", "loud"),
    ] {
        assert_bad_input(&tencent, &[(name, value), id, key], &[name]);
    }
}

/// Distribution: the documented 30-day look-back, the vendor, the dimension; an existing
/// `--output` file is untouched.
#[test]
fn bad_distribution_queries_exit_2_and_leave_the_output_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let existing = scratch.path().join("keep.csv");
    std::fs::write(&existing, "old").unwrap();
    let head = format!("distribution --output {}", existing.display());
    let env = [
        ("VOLC_ACCESSKEY", "AK"),
        ("VOLC_SECRETKEY", "SK"),
        ("RTC_USAGE_ENDPOINT_VOLCENGINE", "http://127.0.0.1:1"),
    ];
    let cases: [(&str, &[&str]); 4] = [
        (
            "--app volcengine:x --from 2020-01-01 --to 2020-01-02 --dimension province",
            &["--from", "30 days"],
        ),
        (
            "--app volcengine:x --from 2026-11-01 --to 2026-11-12 --dimension province",
            &["--from", "7 days"],
        ),
        (
            "--app tencent:1 --from 2026-11-01 --to 2026-11-02 --dimension province",
            &["--app", "volcengine:APP_ID"],
        ),
        (
            "--app volcengine:x --from 2026-11-01 --to 2026-11-02 --dimension city",
            &["--dimension", "province, country"],
        ),
    ];
    for (args, needles) in cases {
        assert_bad_input(&format!("{head} {args}"), &env, needles);
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "old");
    assert_eq!(
        entries(scratch.path()),
        ["keep.csv"],
        "no temporary file is left"
    );
}

#[test]
fn help_and_version_exit_0() {
    let version = rtc_usage(&["--version"], &[]);
    assert_eq!(version.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("rtc-usage "));
    for args in [
        &["--help"][..],
        &["usage", "--help"],
        &["distribution", "--help"],
        &["emulator", "--help"],
    ] {
        let out = rtc_usage(args, &[]);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: rtc-usage"));
    }
    let help = String::from_utf8_lossy(&rtc_usage(&["--help"], &[]).stdout).into_owned();
    for needle in [
        "VOLC_ACCESSKEY",
        "TENCENTCLOUD_SECRET_ID",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "--emulator",
        "Exit status",
    ] {
        assert!(help.contains(needle), "`{needle}` not in the help");
    }
}

/// `rtc-usage usage` of one Tencent app over [`recent_days`] with test credentials, its calls
/// sent to `url`, with `extra` arguments (split at spaces).
fn tencent_usage_at(url: &str, extra: &str) -> Command {
    let (from, to) = recent_days();
    let args = format!("usage --from {from} --to {to} --app tencent:1400000001 {extra}");
    let mut command = Command::new(BIN);
    command
        .args(args.split_whitespace())
        .env_clear()
        .envs(TENCENT_KEYS)
        .env("RTC_USAGE_ENDPOINT_TENCENT", url);
    command
}

#[test]
fn a_failed_call_exits_1_and_names_vendor_and_operation() {
    // Nothing listens on port 1: the connection is refused at once.
    let out = tencent_usage_at("http://127.0.0.1:1", "--format json")
        .output()
        .unwrap();
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(message.contains("tencent DescribeTrtcUsage"), "{message}");
    assert!(message.contains("1 of 1 calls failed"), "{message}");
    assert!(!message.contains("test-secret"), "a secret was printed");
    // What was fetched (nothing) is still written, as valid JSON.
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(records.is_empty());
}

fn check_records(json: &[u8], days: usize) {
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(json).expect("a JSON array of objects");
    assert!(!records.is_empty());
    for record in &records {
        // serde_json keeps the keys in the order they were written (the CLI enables its
        // `preserve_order`): the documented order.
        let keys: Vec<&str> = record.keys().map(String::as_str).collect();
        let expected: Vec<&str> = JSON_KEYS.split(',').collect();
        assert_eq!(keys, expected, "{record:?}");
        assert_eq!(record["granularity"], "day");
        assert!(record["seconds"].as_f64().is_some_and(|s| s >= 0.0));
    }
    for vendor in ["volcengine", "tencent", "huawei"] {
        let starts: std::collections::BTreeSet<&str> = records
            .iter()
            .filter(|r| r["vendor"] == vendor)
            .filter_map(|r| r["start"].as_str())
            .collect();
        assert_eq!(starts.len(), days, "{vendor}: {starts:?}");
    }
}

/// `rtc-usage COMMAND --emulator` over [`recent_days`] for `apps`, with `extra` arguments
/// (split at spaces).
fn emulated(command: &str, apps: &[&str], extra: &str) -> Output {
    let (from, to) = recent_days();
    let mut args = format!("{command} --emulator --from {from} --to {to} {extra}");
    for app in apps {
        args.push_str(&format!(" --app {app}"));
    }
    rtc_usage(&args.split_whitespace().collect::<Vec<_>>(), &[])
}

#[test]
fn emulator_usage_of_one_app_per_vendor_is_json_with_the_documented_keys() {
    let out = emulated("usage", &DEMO_APPS, "--format json");
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{message}");
    assert!(message.contains("synthetic"), "{message}");
    check_records(&out.stdout, 3);
}

#[test]
fn emulator_output_file_is_replaced_whole_and_csv_is_the_default_off_a_terminal() {
    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("usage.json");
    std::fs::write(&target, "old").unwrap();
    let extra = format!("--format json -o {}", target.display());
    let out = emulated("usage", &DEMO_APPS, &extra);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "data went to the file only");
    check_records(&std::fs::read(&target).unwrap(), 3);
    assert_eq!(entries(scratch.path()), ["usage.json"]);

    // Piped stdout and no --format: CSV with the JSON keys as header.
    let out = emulated("usage", &[DEMO_APPS[1]], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().next(), Some(JSON_KEYS));
    assert!(csv.lines().count() > 3);
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.starts_with("tencent,tencent-1,1400000001,"))
    );
}

#[test]
fn emulator_distribution_is_one_row_per_province() {
    let out = emulated(
        "distribution",
        &[DEMO_APPS[0]],
        "--dimension province --format json",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(row["dimension"], "province");
        assert!(row["value"].as_f64().is_some() && row["name"].as_str().is_some());
    }
}

/// `sync --emulator` needs its own `--store`: synthetic figures never enter the default store
/// (the platform's data directory), which is not even created.
#[test]
fn an_emulated_sync_needs_a_store_of_its_own() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["sync", "--emulator", "--last", "2d"])
        .env_clear()
        .env("HOME", home.path())
        .output()
        .unwrap();
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(message.contains("--store PATH"), "{message}");
    assert_eq!(
        entries(home.path()),
        Vec::<String>::new(),
        "nothing written"
    );
}

/// HTML is a usage report: `distribution` refuses it, by flag or by extension, before any
/// call (nothing listens on port 1: a call would fail with exit 1) and writes no file.
#[test]
fn distribution_refuses_html_before_any_call() {
    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("users.html");
    let (from, to) = recent_days();
    for extra in [
        format!("--output {}", target.display()),
        "--format html".to_owned(),
    ] {
        let args = format!(
            "distribution --from {from} --to {to} --app volcengine:661e4f8a2b3c4d5e6f708192 --dimension province {extra}"
        );
        let out = Command::new(BIN)
            .args(args.split_whitespace())
            .env_clear()
            .env("VOLC_ACCESSKEY", "AKLTtest")
            .env("VOLC_SECRETKEY", "test-secret")
            .env("RTC_USAGE_ENDPOINT_VOLCENGINE", "http://127.0.0.1:1")
            .output()
            .unwrap();
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{extra}: {message}");
        assert!(
            message.contains("html") && message.contains("usage reports"),
            "{message}"
        );
        assert!(out.stdout.is_empty());
    }
    assert_eq!(
        entries(scratch.path()),
        Vec::<String>::new(),
        "no file written"
    );
}

/// A signal while a call is in flight (Ctrl-C, timeout(1)'s SIGTERM, a closed terminal's
/// SIGHUP): exit 128 + its number, the old file intact, no temporary file left.
#[cfg(unix)]
#[test]
fn a_signal_ends_the_run_and_leaves_the_output_file_alone() {
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        ended_by(signal, code);
    }
}

#[cfg(unix)]
fn ended_by(signal: &str, code: i32) {
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::time::Duration;

    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("usage.csv");
    std::fs::write(&target, "old").unwrap();
    // A server that accepts and never answers: the call hangs until interrupted.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (accepted, first_call) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept() {
            held.push(stream);
            let _ = accepted.send(());
        }
    });
    let child = tencent_usage_at(&url, &format!("--output {}", target.display()))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    first_call
        .recv_timeout(Duration::from_secs(30))
        .expect("the call reaches the server");
    assert_eq!(
        entries(scratch.path()).len(),
        2,
        "the temporary file exists during the run"
    );
    let kill = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "SIG{signal}: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains(&format!("interrupted (SIG{signal})")),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(entries(scratch.path()), ["usage.csv"], "SIG{signal}");
}

/// `--output` naming a file that is not a regular file: a FIFO and a character device are
/// written to in place (never replaced by a regular file), a socket is refused naming what it
/// is, a directory that takes no new files (`/proc`) is refused for that reason, and a
/// symbolic link stays a link to the file it names.
#[cfg(unix)]
#[test]
fn special_files_as_output_are_written_in_place_or_refused() {
    use std::os::unix::fs::FileTypeExt;

    let tencent = [DEMO_APPS[1]];
    // /dev/null stays the device.
    let out = emulated("usage", &tencent, "-o /dev/null");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    // A FIFO: the reader gets the CSV, the FIFO stays a FIFO, no temporary file beside it.
    let scratch = tempfile::tempdir().unwrap();
    let fifo = scratch.path().join("usage.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = emulated("usage", &tencent, &format!("-o {}", fifo.display()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read = reader.join().unwrap();
    assert_eq!(read.lines().next(), Some(JSON_KEYS), "{read}");
    assert!(read.lines().count() > 3);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(entries(scratch.path()), ["usage.fifo"]);

    // A socket is refused before any call.
    let socket = scratch.path().join("usage.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let (from, to) = recent_days();
    assert_bad_input(
        &format!(
            "usage --emulator --from {from} --to {to} --app tencent:1400000001 -o {}",
            socket.display()
        ),
        &[],
        &["--output", "a socket"],
    );
    // /proc takes no new files: said so, not "does not exist".
    if Path::new("/proc/self").exists() {
        assert_bad_input(
            &format!(
                "usage --emulator --from {from} --to {to} --app tencent:1400000001 -o /proc/rtc-usage.csv"
            ),
            &[],
            &["--output /proc/rtc-usage.csv", "does not accept new files"],
        );
    }

    // A symbolic link: the file it names is replaced, the link stays.
    let real = scratch.path().join("real.csv");
    let link = scratch.path().join("link.csv");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = emulated("usage", &tencent, &format!("-o {}", link.display()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&real).unwrap();
    assert_eq!(written.lines().next(), Some(JSON_KEYS));
}

/// A run whose calls failed never replaces an existing `--output` file: when nothing was
/// fetched, nothing is written (and no file is created); when some calls succeeded, the
/// records fetched go beside it, in `NAME.partial.EXT`.
#[test]
fn a_failed_run_never_replaces_the_output_file() {
    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("usage.csv");
    std::fs::write(&target, "old").unwrap();
    // Nothing listens on port 1: every call fails.
    let out = tencent_usage_at("http://127.0.0.1:1", &format!("-o {}", target.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was fetched"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(entries(scratch.path()), ["usage.csv"]);
    // No file to keep: none is created either.
    let absent = scratch.path().join("new.json");
    let out = tencent_usage_at("http://127.0.0.1:1", &format!("-o {}", absent.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(entries(scratch.path()), ["usage.csv"]);

    // One app of two fails at the server: the other's records go beside the old file.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(async {
        rtc_usage_emulator::Emulator::builder()
            .fault(
                rtc_usage_emulator::FaultRule::new(rtc_usage_emulator::Fault::ServerError(500))
                    .app("1400000002"),
            )
            .start()
            .await
            .unwrap()
    });
    let (from, to) = recent_days();
    let out = Command::new(BIN)
        .args([
            "usage",
            "--from",
            &from,
            "--to",
            &to,
            "--app",
            "tencent:1400000001",
            "--app",
            "tencent:1400000002",
            "-o",
        ])
        .arg(&target)
        .env_clear()
        .env(
            "TENCENTCLOUD_SECRET_ID",
            rtc_usage_emulator::DEMO_TENCENT_SECRET_ID,
        )
        .env(
            "TENCENTCLOUD_SECRET_KEY",
            rtc_usage_emulator::DEMO_TENCENT_SECRET_KEY,
        )
        .env("RTC_USAGE_ENDPOINT_TENCENT", emu.url())
        .output()
        .unwrap();
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert!(message.contains("usage.partial.csv"), "{message}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    assert_eq!(entries(scratch.path()), ["usage.csv", "usage.partial.csv"]);
    let partial = std::fs::read_to_string(scratch.path().join("usage.partial.csv")).unwrap();
    assert_eq!(partial.lines().next(), Some(JSON_KEYS));
    assert!(partial.lines().count() > 1);
    assert!(
        partial
            .lines()
            .skip(1)
            .all(|l| l.starts_with("tencent,default,1400000001,")),
        "{partial}"
    );
    runtime.block_on(emu.shutdown());
}

/// Days as people say them: `--last 3d` is the 3 days before today, `--from yesterday` runs
/// to today, a future day is refused before any call, and an app inside its vendor's `*` is
/// counted once, with a warning.
#[test]
fn relative_days_and_apps_named_twice() {
    let today = chrono::Local::now().date_naive();
    let day = |n| today.checked_sub_days(Days::new(n)).unwrap().to_string();
    let json = |args: &str| {
        let out = rtc_usage(
            &format!("usage --emulator --format json {args}")
                .split_whitespace()
                .collect::<Vec<_>>(),
            &[],
        );
        assert_eq!(out.status.code(), Some(0), "{args}: {}", stderr(&out));
        (
            serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap(),
            stderr(&out),
        )
    };
    let app = "--app tencent:1400000001";
    let (last, _) = json(&format!("--last 3d {app}"));
    let (explicit, _) = json(&format!("--from {} --to {} {app}", day(3), day(1)));
    assert!(!last.is_empty());
    assert_eq!(last, explicit, "--last 3d is the three days before today");
    let (yesterday, _) = json(&format!("--from yesterday {app}"));
    let (explicit, _) = json(&format!("--from {} --to {} {app}", day(1), day(0)));
    assert_eq!(yesterday, explicit);

    // Twice the same app, and an app inside tencent:*: each counted once.
    let (once, warnings) =
        json("--last 2d --app tencent:* --app tencent:1400000001 --app tencent:01400000001");
    assert!(
        warnings.contains("already in --app tencent:*; counted once"),
        "{warnings}"
    );
    let (all, _) = json("--last 2d --app tencent:*");
    assert_eq!(once, all);

    let tomorrow = today.succ_opt().unwrap();
    assert_bad_input(
        &format!("usage --emulator --from {} --to {tomorrow} {app}", day(1)),
        &[],
        &["in the future"],
    );
    assert_bad_input(
        &format!("usage --emulator --last 0d {app}"),
        &[],
        &["--last", "number of days"],
    );
    assert_bad_input(
        &format!("usage --emulator --last 3d --from {} {app}", day(1)),
        &[],
        &["--last", "--from"],
    );
}

/// Shell completions and the manual page come from the command itself: every subcommand and
/// flag is in them.
#[test]
fn completions_and_the_manual_page_name_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = rtc_usage(&["completions", shell], &[]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = String::from_utf8(out.stdout).unwrap();
        for needle in ["usage", "accounts", "within-lookback", "last", "config"] {
            assert!(script.contains(needle), "{shell}: `{needle}` missing");
        }
    }
    let out = rtc_usage(&["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = rtc_usage(&["man"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH rtc-usage 1"),
        "{page}"
    );
    for needle in [
        "rtc\\-usage\\-usage",
        "rtc\\-usage\\-accounts",
        "completions",
    ] {
        assert!(page.contains(needle), "`{needle}` not in the manual page");
    }
}
