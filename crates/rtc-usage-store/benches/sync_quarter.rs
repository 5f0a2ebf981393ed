//! A quarter of history in one sync: 95 days (ending the day before yesterday) of `--apps`
//! apps (default 20) of every vendor, synced into a fresh SQLite store against the emulator
//! with every documented rate multiplied by `--scale` (default 20, the clients' limiters
//! scaled alike), as `crates/rtc-usage/benches/bulk_fetch.rs` fetches it.
//!
//! Reports the fetch time (from the start of the sync to the last answer: the limiters set
//! it), the store's write time (every window's transaction, summed: they overlap the
//! fetching), the wall time, the windows and the records, and checks the store against the
//! emulator's ground truth over the days each vendor keeps. One `BENCH_JSON {...}` line for
//! `cargo xtask bench`. Run: `cargo bench -p rtc-usage-store --bench sync_quarter [-- --apps
//! 20 --scale 20]`; without `--bench` (`cargo test --benches`) a one-app smoke run.

use std::time::Instant;

use chrono::{Days, Utc};
use rtc_usage::{AppRef, Config, UsageClient, UsageQuery, Vendor};
use rtc_usage_emulator::{Emulator, demo_credentials, truth};
use rtc_usage_store::{Filter, Store, sync};

/// The apps of each vendor, shaped as its ids are.
fn apps(vendor: Vendor, n: usize) -> Vec<String> {
    rtc_usage_emulator::numbered_apps(vendor, 0, n)
}

fn value(args: &[String], name: &str, default: f64) -> f64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let n = value(&args, "--apps", if bench { 20.0 } else { 1.0 }).max(1.0) as usize;
    let scale = value(&args, "--scale", 20.0);
    let last = Utc::now().date_naive() - Days::new(2);
    let first = last - Days::new(94);

    // The emulator on a runtime of its own, as a vendor runs on its own machines.
    let emulator_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(if bench { 4 } else { 1 })
        .enable_all()
        .build()
        .expect("the emulator's runtime");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut builder = Emulator::builder().rate_scale(scale);
        for vendor in Vendor::all() {
            builder = builder.apps(vendor.id(), apps(vendor, n));
        }
        let emulator = emulator_runtime
            .spawn(builder.start())
            .await
            .expect("the start task")
            .expect("the emulator starts");
        let client = Vendor::all()
            .fold(UsageClient::builder(), |builder, vendor| {
                let config = Config::builder()
                    .credentials(demo_credentials(vendor.id()).expect("demo credentials"))
                    .endpoint_url(emulator.url())
                    .rate_limit_scale(scale)
                    .build()
                    .expect("a configuration");
                builder.shared_client((vendor.entry().connect)(config).expect("a client"))
            })
            .build();
        let mut selection = UsageQuery::new(first, last);
        for vendor in Vendor::all() {
            for app in apps(vendor, n) {
                selection = selection.app(AppRef::new(vendor, app).expect("an app id"));
            }
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("history.db").display().to_string();
        let store = Store::open(&path).await.expect("a fresh store");
        let started = Instant::now();
        let report = sync::sync(&client, &selection, &store, |_| {})
            .await
            .expect("the sync runs");
        let wall = started.elapsed();

        // The store against the ground truth, over the days each scope holds.
        let mut truth_ok = report.is_complete();
        let mut records = 0usize;
        for scope in store.scopes(&Filter::new()).await.expect("scopes") {
            let coverage = store.coverage(&scope, first, last).await.expect("coverage");
            let stored = store
                .records(&Filter::new().vendor(&scope.vendor).app(&scope.app))
                .await
                .expect("records");
            records += stored.len();
            let expected: u64 = coverage
                .final_days
                .iter()
                .flat_map(|day| truth(&scope.vendor, &scope.app, *day))
                .map(|(_, seconds)| seconds)
                .sum();
            let got: f64 = stored.iter().map(|r| r.seconds).sum();
            truth_ok &= (got - expected as f64).abs() < 0.5;
        }
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "BENCH_JSON {{\"bench\":\"sync\",\"apps\":{n},\"days\":95,\"scale\":{scale},\"windows\":{},\"failed\":{},\"records\":{records},\"fetch_ms\":{:.3},\"write_ms\":{:.3},\"wall_ms\":{:.3},\"truth_ok\":{truth_ok}}}",
            report.windows,
            report.failed,
            ms(report.fetch_time),
            ms(report.write_time),
            ms(wall),
        );
        assert!(truth_ok, "the store differs from the emulator's ground truth");
        emulator.shutdown().await;
    });
}
