//! `rtc-usage sync`, `history` and `usage --store` against an emulator the test starts: a
//! sync killed by SIGKILL mid-run and then resumed ends with the store of an uninterrupted
//! sync; a report from the store makes no call and names the days it lacks; revisions print
//! with their old and new figures.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Utc};
use rtc_usage_emulator::{Emulator, default_apps};
use rtc_usage_store::{DayState, Filter, NewRecord, Scope, Store, Window};

use crate::harness::{self, date, plus_days};

/// Every record of a store, and every day's state, keyed without when they were fetched.
type Held = (
    BTreeMap<(Scope, DateTime<chrono::FixedOffset>, String), (String, f64)>,
    BTreeMap<Scope, (Vec<chrono::NaiveDate>, Vec<chrono::NaiveDate>)>,
);

async fn held(path: &Path, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Held {
    let store = Store::open(&path.display().to_string())
        .await
        .expect("the store opens");
    let records = store
        .records(&Filter::new())
        .await
        .expect("records")
        .into_iter()
        .map(|r| ((r.scope, r.start, r.vendor_tier), (r.tier, r.seconds)))
        .collect();
    let mut days = BTreeMap::new();
    for scope in store.scopes(&Filter::new()).await.expect("scopes") {
        let coverage = store.coverage(&scope, from, to).await.expect("coverage");
        days.insert(scope, (coverage.final_days, coverage.provisional_days));
    }
    (records, days)
}

/// Rows in the store's records table, read without opening it as a store (no lock taken).
fn rows(path: &Path) -> i64 {
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM usage_records", [], |r| r.get(0))
        .unwrap_or(0)
}

fn sync_args<'a>(store: &'a str, from: &'a str, to: &'a str, apps: &'a [String]) -> Vec<&'a str> {
    let mut args = vec!["sync", "--store", store, "--from", from, "--to", to];
    for app in apps {
        args.extend(["--app", app.as_str()]);
    }
    args
}

/// The documented rates (Volcengine: 2 calls a second) make a 120-day sync of three apps a
/// few seconds long: the first run is killed with SIGKILL once its first window is in the
/// store, the second continues; their store equals that of one uninterrupted run.
#[tokio::test(flavor = "multi_thread")]
async fn a_sync_killed_mid_run_then_resumed_equals_an_uninterrupted_one() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let to = Utc::now().date_naive() - Days::new(2);
    let from = to - Days::new(119);
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let apps: Vec<String> = default_apps("volcengine")
        .iter()
        .map(|a| format!("volcengine:{a}"))
        .chain(
            default_apps("tencent")
                .iter()
                .map(|a| format!("tencent:{a}")),
        )
        .collect();
    let dir = tempfile::tempdir().expect("a temp dir");
    let (killed, whole) = (dir.path().join("killed.db"), dir.path().join("whole.db"));
    let killed_text = killed.display().to_string();

    let args = sync_args(&killed_text, &from_text, &to_text, &apps);
    let mut child = harness::command(Some(&emu), &args, &[])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let waited = Instant::now();
    while rows(&killed) == 0 {
        assert!(
            child.try_wait().expect("the child").is_none(),
            "the sync ended before it could be killed"
        );
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "no window written"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        child.try_wait().expect("the child").is_none(),
        "still running"
    );
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("the child ends");
    assert!(!status.success(), "{status:?}");
    let partial = rows(&killed);

    let resumed = harness::run(Some(&emu), &args, &[]).await;
    assert!(resumed.status.success(), "{}", harness::stderr(&resumed));
    let whole_text = whole.display().to_string();
    let full = harness::run(
        Some(&emu),
        &sync_args(&whole_text, &from_text, &to_text, &apps),
        &[],
    )
    .await;
    assert!(full.status.success(), "{}", harness::stderr(&full));

    let (got, expected) = (held(&killed, from, to).await, held(&whole, from, to).await);
    assert!(
        partial > 0 && (partial as usize) < expected.0.len(),
        "{partial} rows when killed"
    );
    let truth: usize = apps
        .iter()
        .map(|app| {
            let (vendor, id) = app.split_once(':').expect("VENDOR:APP");
            harness::truth(vendor, id, from, to).len()
        })
        .sum();
    assert_eq!(expected.0.len(), truth, "records");
    assert!(got.0 == expected.0, "the resumed store's records differ");
    assert!(got.1 == expected.1, "the resumed store's days differ");
    for (scope, (final_days, provisional)) in &got.1 {
        assert_eq!((final_days.len(), provisional.len()), (120, 0), "{scope}");
    }
    // A sync of days all final fetches nothing.
    let again = harness::run(Some(&emu), &args, &[]).await;
    assert!(
        harness::stderr(&again).contains("nothing to sync:"),
        "{}",
        harness::stderr(&again)
    );
    emu.shutdown().await;
}

/// `usage --store` answers from the store: the ground truth, no request to any vendor (the
/// emulator it could call counts none), and a warning naming the asked days it lacks.
#[tokio::test(flavor = "multi_thread")]
async fn usage_from_the_store_makes_no_call_and_names_missing_days() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let (from, to) = (date("2026-10-01"), date("2026-10-10"));
    let app = default_apps("huawei")[0];
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = dir.path().join("h.db").display().to_string();
    let asked = format!("huawei:{app}");
    let synced = harness::run(
        Some(&emu),
        &[
            "sync",
            "--store",
            &store,
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-10",
            "--app",
            &asked,
        ],
        &[],
    )
    .await;
    assert!(synced.status.success(), "{}", harness::stderr(&synced));
    emu.shutdown().await;

    let idle = Emulator::builder().start().await.expect("emulator");
    let ask = |args: &'static [&'static str]| from_store(&idle, &store, args);
    let out = harness::run(
        Some(&idle),
        &[
            "usage",
            "--store",
            &store,
            "--from",
            "2026-09-29",
            "--to",
            "2026-10-10",
            "--app",
            &asked,
            "--format",
            "json",
        ],
        &[],
    )
    .await;
    let stderr = harness::stderr(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        idle.stats().requests,
        0,
        "a report from the store calls nobody"
    );
    harness::assert_same(
        &harness::keyed(&harness::records(&out)),
        &harness::truth("huawei", app, from, to),
    );
    assert!(
        stderr.contains("lacks 2 of the asked days") && stderr.contains("2026-09-29..=2026-09-30"),
        "{stderr}"
    );
    // By month, and as a pivot, like a live query: October's ten days summed per tier (the
    // store holds this one app).
    let monthly = ask(&["--granularity", "month"]).await;
    assert!(monthly.status.success(), "{}", harness::stderr(&monthly));
    let months = harness::records(&monthly);
    let mut expected: BTreeMap<String, f64> = BTreeMap::new();
    for ((_, _, _, vendor_tier), (_, _, seconds)) in harness::truth("huawei", app, from, to) {
        *expected.entry(vendor_tier).or_default() += seconds;
    }
    let got: BTreeMap<String, f64> = months
        .iter()
        .map(|r| {
            assert_eq!(r["start"], "2026-10-01T00:00:00+00:00", "{r}");
            assert_eq!(r["granularity"], "month", "{r}");
            assert_eq!(r["provisional"], false, "{r}");
            (
                r["vendor_tier"].as_str().unwrap().to_owned(),
                r["seconds"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let pivot = ask(&["--by", "tier"]).await;
    assert!(pivot.status.success(), "{}", harness::stderr(&pivot));
    let pivot: serde_json::Value = serde_json::from_slice(&pivot.stdout).unwrap();
    assert_eq!(pivot["by"], "tier");
    assert_eq!(pivot["periods"].as_array().unwrap().len(), 10);
    let other = ask(&["--app", "tencent:1400000001"]).await;
    assert!(other.status.success(), "{}", harness::stderr(&other));
    assert!(harness::stderr(&other).contains("holds no call usage of tencent:1400000001"));
    assert!(harness::records(&other).is_empty());
    // `--account` selects the store's accounts by name, as a live query selects the config's.
    let held = ask(&["--account", "default"]).await;
    assert!(held.status.success(), "{}", harness::stderr(&held));
    assert_eq!(
        harness::records(&held).len(),
        harness::truth("huawei", app, from, to).len()
    );
    let none = ask(&["--account", "nobody"]).await;
    assert!(none.status.success(), "{}", harness::stderr(&none));
    assert!(harness::records(&none).is_empty());
    assert!(
        harness::stderr(&none).contains("holds no usage of account nobody"),
        "{}",
        harness::stderr(&none)
    );
    assert_eq!(idle.stats().requests, 0);
    idle.shutdown().await;
}

/// `usage --store STORE --from 2026-10-01 --to 2026-10-10 --format json ARGS..`, with
/// `emulator` as the vendors it must not call.
async fn from_store(emulator: &Emulator, store: &str, args: &[&str]) -> std::process::Output {
    let mut argv = vec![
        "usage",
        "--store",
        store,
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-10",
        "--format",
        "json",
    ];
    argv.extend_from_slice(args);
    harness::run(Some(emulator), &argv, &[]).await
}

/// A figure fetched while provisional and changed once final: `history --revisions` prints
/// the old and the new value and when, in JSON and CSV; `history` the days held.
#[tokio::test(flavor = "multi_thread")]
async fn history_prints_revisions_and_days() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("h.db").display().to_string();
    let store = Store::open(&path).await.expect("a store");
    let scope = Scope::new("tencent", "default", "1400000001", "call", "day");
    let day = date("2026-11-01");
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00+08:00").unwrap();
    let at = |h: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 1, h, 0, 0).unwrap();
    for (state, seconds, hour) in [
        (DayState::Provisional, 600.0, 10),
        (DayState::Final, 900.0, 20),
    ] {
        let window = Window::new(scope.clone(), at(hour))
            .day(day, state)
            .day(plus_days(day, 1), DayState::Provisional)
            .record(
                NewRecord::new(start, "audio", "Audio", seconds).request_id(format!("req-{hour}")),
            );
        store.write_window(&window).await.expect("written");
    }
    drop(store);

    let revisions = [
        "history",
        "--store",
        &path,
        "--revisions",
        "--format",
        "json",
    ];
    let out = harness::run(None, &revisions, &[]).await;
    assert!(out.status.success(), "{}", harness::stderr(&out));
    let rows = harness::records(&out);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (row["vendor"].as_str(), row["app"].as_str()),
        (Some("tencent"), Some("1400000001"))
    );
    assert_eq!(
        (row["old_seconds"].as_f64(), row["new_seconds"].as_f64()),
        (Some(600.0), Some(900.0))
    );
    assert_eq!(row["old_fetched_at"], "2026-11-01T10:00:00Z");
    assert_eq!(row["revised_at"], "2026-11-01T20:00:00Z");
    assert_eq!(row["was_final"], false);
    assert_eq!(row["day"], "2026-11-01");
    assert_eq!(
        row["request_id"], "req-20",
        "the answer with the new figure"
    );

    let csv = harness::run(
        None,
        &[
            "history",
            "--store",
            &path,
            "--revisions",
            "--format",
            "csv",
        ],
        &[],
    )
    .await;
    let text = String::from_utf8_lossy(&csv.stdout).into_owned();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .contains("old_seconds,new_seconds,old_fetched_at,revised_at"),
        "{text}"
    );
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .contains(",600,900,2026-11-01T10:00:00Z,2026-11-01T20:00:00Z,false"),
        "{text}"
    );
    // Another app; an account's app, and accounts, by the names the store holds.
    for (selection, expected) in [
        (["--app", "tencent:1400000002"], 0),
        (["--app", "default:1400000001"], 1),
        (["--account", "default"], 1),
        (["--account", "nobody"], 0),
    ] {
        let mut args = revisions.to_vec();
        args.extend(selection);
        let out = harness::run(None, &args, &[]).await;
        assert!(out.status.success(), "{}", harness::stderr(&out));
        assert_eq!(harness::records(&out).len(), expected, "{selection:?}");
        assert_eq!(
            harness::stderr(&out).contains("holds no usage of account nobody"),
            selection[1] == "nobody",
            "{selection:?}: {}",
            harness::stderr(&out)
        );
    }

    let days = harness::run(
        None,
        &["history", "--store", &path, "--format", "json"],
        &[],
    )
    .await;
    let rows = harness::records(&days);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (
            rows[0]["final_days"].as_u64(),
            rows[0]["provisional_days"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(rows[0]["first_day"], "2026-11-01");

    // A store that is not one is refused, exit 2, naming it.
    let bogus = dir.path().join("not-a-store.db");
    std::fs::write(&bogus, b"plain text, not SQLite").expect("written");
    let refused = harness::run(
        None,
        &["history", "--store", &bogus.display().to_string()],
        &[],
    )
    .await;
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        harness::stderr(&refused)
    );
    assert!(harness::stderr(&refused).contains("not-a-store.db"));
}

/// A sync while another holds the store's sync lock is refused (exit 1) with the reason and
/// nothing fetched; a PostgreSQL URL in a build without the feature is bad input (exit 2),
/// its password never printed.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_sync_is_refused_and_passwords_never_print() {
    let emu = Emulator::builder().start().await.expect("emulator");
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("h.db").display().to_string();
    let store = Store::open(&path).await.expect("a store");
    let held = store.lock_sync().await.expect("the sync lock");
    let args = [
        "sync",
        "--store",
        &path,
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-02",
        "--app",
        "tencent:1400000001",
    ];
    let refused = harness::run(Some(&emu), &args, &[]).await;
    let stderr = harness::stderr(&refused);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another rtc-usage sync is running"),
        "{stderr}"
    );
    assert_eq!(emu.stats().requests, 0, "refused before any call");
    store.unlock_sync(held).await.expect("released");
    let runs = harness::run(Some(&emu), &args, &[]).await;
    assert!(runs.status.success(), "{}", harness::stderr(&runs));
    emu.shutdown().await;

    if cfg!(not(feature = "postgres")) {
        let url = "postgres://alice:s3cret-pw@127.0.0.1:1/usage";
        for args in [
            vec!["history", "--store", url],
            vec![
                "usage",
                "--store",
                url,
                "--last",
                "2d",
                "--app",
                "tencent:1400000001",
            ],
        ] {
            let out = harness::run(None, &args, &[]).await;
            let stderr = harness::stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert!(
                !stderr.contains("s3cret-pw") && stderr.contains("alice:***@"),
                "{stderr}"
            );
        }
    }
}
