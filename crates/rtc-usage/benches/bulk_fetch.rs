//! A quarterly reconciliation against the emulator with the documented rate limits enforced:
//! how close `UsageClient` gets to the vendors' rate-limit ceiling.
//!
//! The emulator serves `--apps` apps per vendor (default 20) with every documented rate
//! multiplied by `--scale` (default 10, so a run takes seconds); every vendor client uses the
//! same `rate_limit_scale`. One `UsageClient::usage` call asks a `--days`-day range (default
//! 95, ending the day before yesterday, or from `--from`) of every app of every vendor at once,
//! each vendor the days it keeps (`within_lookback`: Alibaba's 90); the facade splits it at
//! each vendor's span.
//!
//! Per vendor it reports the calls, the wall time (from the start of the fetch to that
//! vendor's last answer, `UsageReport::calls`), the ideal time, their ratio, and the
//! throttled answers the emulator counted. The ideal of C calls under a documented limit of N
//! requests per T is `(ceil(C / N) - 1) * T / scale`: the first N go at once, then every
//! further N needs one more window. The emulator is strict: exactly N per `T / scale` by
//! arrival.
//!
//! The emulator runs on its own tokio runtime (`--emulator-threads`, default 4 worker
//! threads; 0 shares the client's runtime), as a vendor runs on its own machines: its answers
//! cost CPU (a 31-day Tencent answer sums 8,928 five-minute buckets, about 4 ms), and on the
//! client's 2 workers that work would delay both the client's requests and the emulator's
//! admission of other requests.
//!
//! The limited fetch runs `--runs` times (default 3), each against a fresh emulator; the run
//! with the median wall time is reported, with the throttled answers and failed windows of
//! all runs added up. Then the same calls are made naively (unless `--no-naive`): one vendor
//! after another, one call at a time, the client-side limiter off, the emulator still
//! enforcing; throttled calls are retried by the clients' standard retry policy, and calls
//! still throttled after 3 attempts fail.
//!
//! With `--accounts N` (default 1) every vendor has N accounts at the emulator, each holding
//! `--apps` apps of its own and asked by a client of its own (its own limiter, as the
//! vendors count their limits per account), all at once: the ideal is then one account's, as
//! the accounts overlap fully. (The naive fetch is made only with one account.)
//!
//! Every answer is checked against the emulator's ground truth (`rtc_usage_emulator::truth`):
//! the seconds of every vendor must add up.
//!
//! Machine-readable results are printed as `BENCH_JSON {...}` lines (for `cargo xtask bench`).
//! Run: `cargo bench -p rtc-usage --bench bulk_fetch [-- --scale 10 --apps 20 --runs 3]`.
//! Without `--bench` (e.g. `cargo test --benches`) it makes one small smoke run.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use rtc_usage::core::descriptor::RateLimit;
use rtc_usage::{AppRef, Config, Granularity, Plan, UsageClient, UsageQuery, UsageReport, Vendor};
use rtc_usage_emulator::Emulator;

/// What to run.
#[derive(Debug, Clone)]
struct Settings {
    scale: f64,
    apps: usize,
    accounts: usize,
    days: u64,
    first: NaiveDate,
    runs: usize,
    naive: bool,
    emulator_threads: usize,
}

impl Settings {
    fn from_args() -> Result<Self, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let bench = args.iter().any(|a| a == "--bench");
        let from_given = args.iter().any(|a| a == "--from");
        let mut settings = if bench {
            Self {
                scale: 10.0,
                apps: 20,
                accounts: 1,
                days: 95,
                first: default_first(95),
                runs: 3,
                naive: true,
                emulator_threads: 4,
            }
        } else {
            // A smoke run: one app per vendor, every call in the first burst.
            Self {
                scale: 10.0,
                apps: 1,
                accounts: 1,
                days: 95,
                first: default_first(95),
                runs: 1,
                naive: false,
                emulator_threads: 1,
            }
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match arg.as_str() {
                "--scale" => {
                    settings.scale = value("--scale")?
                        .parse()
                        .map_err(|e| format!("--scale: {e}"))?
                }
                "--apps" => {
                    settings.apps = value("--apps")?
                        .parse()
                        .map_err(|e| format!("--apps: {e}"))?
                }
                "--accounts" => {
                    settings.accounts = value("--accounts")?
                        .parse()
                        .map_err(|e| format!("--accounts: {e}"))?
                }
                "--days" => {
                    settings.days = value("--days")?
                        .parse()
                        .map_err(|e| format!("--days: {e}"))?
                }
                "--from" => {
                    settings.first = value("--from")?
                        .parse()
                        .map_err(|e| format!("--from: {e}"))?
                }
                "--runs" => {
                    settings.runs = value("--runs")?
                        .parse()
                        .map_err(|e| format!("--runs: {e}"))?
                }
                "--emulator-threads" => {
                    settings.emulator_threads = value("--emulator-threads")?
                        .parse()
                        .map_err(|e| format!("--emulator-threads: {e}"))?
                }
                "--no-naive" => settings.naive = false,
                "--naive" => settings.naive = true,
                // `--bench` and whatever else cargo passes.
                _ => {}
            }
        }
        if !(settings.scale.is_finite() && settings.scale > 0.0) {
            return Err("--scale must be positive".into());
        }
        settings.apps = settings.apps.max(1);
        settings.accounts = settings
            .accounts
            .clamp(1, rtc_usage_emulator::MAX_ACCOUNTS_PER_VENDOR);
        if settings.accounts > 1 {
            settings.naive = false;
        }
        settings.runs = settings.runs.max(1);
        settings.days = settings.days.max(1);
        if !from_given {
            settings.first = default_first(settings.days);
        }
        Ok(settings)
    }

    fn last(&self) -> NaiveDate {
        self.first
            .checked_add_days(Days::new(self.days - 1))
            .expect("a date")
    }
}

/// `days` days ending the day before yesterday (UTC): recent enough for every vendor's
/// look-back to start inside them, whatever the date the bench runs.
fn default_first(days: u64) -> NaiveDate {
    let last = chrono::Utc::now().date_naive() - Days::new(2);
    last - Days::new(days.max(1) - 1)
}

/// The apps of each vendor's `account`-th account (from 0), shaped as the vendor's ids are.
fn apps(vendor: Vendor, n: usize, account: usize) -> Vec<String> {
    rtc_usage_emulator::numbered_apps(vendor, account * 10_000, n)
}

/// The call-minutes operation's documented rate limit.
fn rate(vendor: Vendor) -> RateLimit {
    let (op, _) = vendor.call_operation().expect("a call-minutes operation");
    op.limits
        .rate
        .expect("every usage operation documents a rate")
}

/// `(ceil(calls / N) - 1) * T / scale`.
fn ideal(vendor: Vendor, calls: usize, scale: f64) -> Duration {
    let rate = rate(vendor);
    let windows = calls
        .div_ceil(rate.requests.max(1) as usize)
        .saturating_sub(1);
    rate.per.div_f64(scale) * windows as u32
}

/// The emulator's own runtime, when it has one.
static EMULATOR_RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// A fresh emulator (fresh rate windows and counters), on its own runtime unless
/// `--emulator-threads 0`.
async fn emulator(settings: &Settings) -> Emulator {
    let mut builder = Emulator::builder().rate_scale(settings.scale);
    for vendor in Vendor::all() {
        builder = builder.apps(vendor.as_str(), apps(vendor, settings.apps, 0));
        for account in 1..settings.accounts {
            builder = builder.account(vendor.as_str(), apps(vendor, settings.apps, account));
        }
    }
    let started = if settings.emulator_threads == 0 {
        builder.start().await
    } else {
        let runtime = EMULATOR_RUNTIME.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(settings.emulator_threads)
                .thread_name("emulator")
                .enable_all()
                .build()
                .expect("the emulator's runtime")
        });
        runtime
            .spawn(builder.start())
            .await
            .expect("the emulator's start task")
    };
    started.expect("the emulator starts")
}

/// One client per vendor at `emu` for each vendor's `account`-th account (from 0), with the
/// client-side limiter scaled like the emulator's, or off.
fn usage_client(emu: &Emulator, account: usize, scale: f64, limiter: bool) -> UsageClient {
    let config = |vendor: Vendor| {
        let credentials = emu
            .accounts()
            .iter()
            .filter(|a| a.vendor == vendor)
            .nth(account)
            .expect("the emulator has the account")
            .credentials
            .clone();
        let builder = Config::builder()
            .credentials(credentials)
            .endpoint_url(emu.url());
        let builder = if limiter {
            builder.rate_limit_scale(scale)
        } else {
            builder.disable_rate_limit()
        };
        builder.build().expect("a valid configuration")
    };
    Vendor::all()
        .fold(UsageClient::builder(), |builder, vendor| {
            builder.shared_client((vendor.entry().connect)(config(vendor)).expect("a client"))
        })
        .build()
}

/// Every app of every vendor's `account`-th account over the days asked; a vendor whose
/// look-back is shorter than the range (Alibaba keeps 90 days) is asked the days it keeps.
fn query(settings: &Settings, account: usize) -> UsageQuery {
    let mut query = UsageQuery::new(settings.first, settings.last()).within_lookback(true);
    for vendor in Vendor::all() {
        for app in apps(vendor, settings.apps, account) {
            query = query.app(AppRef::new(vendor, app).expect("a valid app"));
        }
    }
    query
}

/// Per vendor: (sum of the records' seconds, the ground truth's of the days planned).
fn seconds(report: &UsageReport, plan: &Plan, vendor: Vendor) -> (f64, f64) {
    let got = report
        .records
        .iter()
        .filter(|r| r.vendor == vendor)
        .map(|r| r.seconds)
        .sum();
    let mut truth = 0.0;
    for call in plan.calls.iter().filter(|c| c.app.vendor() == vendor) {
        for day in call
            .window
            .first
            .iter_days()
            .take(call.window.days() as usize)
        {
            truth += rtc_usage_emulator::truth(vendor.as_str(), call.app.app_label(), day)
                .iter()
                .map(|(_, s)| *s as f64)
                .sum::<f64>();
        }
    }
    (got, truth)
}

/// One vendor's figures of one fetch.
#[derive(Debug, Clone, Default)]
struct VendorFigures {
    calls: usize,
    requests: u64,
    throttled: u64,
    failed: usize,
    wall: Duration,
    ideal: Duration,
    records: usize,
    truth_ok: bool,
}

/// One fetch: per vendor, and the whole.
#[derive(Debug, Clone, Default)]
struct Fetch {
    vendors: Vec<(Vendor, VendorFigures)>,
    wall: Duration,
}

impl Fetch {
    fn ideal(&self) -> Duration {
        self.vendors
            .iter()
            .map(|(_, f)| f.ideal)
            .max()
            .unwrap_or_default()
    }

    fn throttled(&self) -> u64 {
        self.vendors.iter().map(|(_, f)| f.throttled).sum()
    }

    fn failed(&self) -> usize {
        self.vendors.iter().map(|(_, f)| f.failed).sum()
    }
}

fn figures(
    emu: &Emulator,
    settings: &Settings,
    plan: &Plan,
    report: &UsageReport,
    calls: &[(Vendor, usize)],
    walls: &[(Vendor, Duration)],
) -> Vec<(Vendor, VendorFigures)> {
    let stats = emu.stats();
    calls
        .iter()
        .map(|&(vendor, calls)| {
            let counted = stats.vendor(vendor.as_str());
            let (got, truth) = seconds(report, plan, vendor);
            let failed = report
                .failures
                .iter()
                .filter(|f| f.app.vendor() == vendor)
                .count();
            (
                vendor,
                VendorFigures {
                    calls,
                    requests: counted.requests,
                    throttled: counted.throttled,
                    failed,
                    wall: walls
                        .iter()
                        .find(|(v, _)| *v == vendor)
                        .map(|(_, w)| *w)
                        .unwrap_or_default(),
                    // The accounts overlap: the ideal is one account's.
                    ideal: ideal(vendor, calls.div_ceil(settings.accounts), settings.scale),
                    records: report.records.iter().filter(|r| r.vendor == vendor).count(),
                    truth_ok: failed == 0 && (got - truth).abs() <= 1e-6 * truth.max(1.0),
                },
            )
        })
        .collect()
}

/// All vendors and accounts at once, each paced by its client's limiter.
async fn limited(settings: &Settings) -> Fetch {
    let emu = emulator(settings).await;
    let runs: Vec<(UsageClient, UsageQuery, Plan)> = (0..settings.accounts)
        .map(|account| {
            let client = usage_client(&emu, account, settings.scale, true);
            let query = query(settings, account);
            let plan = client.plan(&query).expect("the query plans");
            (client, query, plan)
        })
        .collect();
    let mut plan = runs[0].2.clone();
    plan.calls = runs.iter().flat_map(|(_, _, p)| p.calls.clone()).collect();
    let calls: Vec<(Vendor, usize)> = Vendor::all().map(|v| (v, plan.calls_of(v))).collect();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (client, query, _) in &runs {
        let (client, query) = (client.clone(), query.clone());
        tasks.spawn(async move { client.usage(&query).await });
    }
    let reports = tasks.join_all().await;
    let wall = started.elapsed();
    let mut report = UsageReport::default();
    let mut walls: Vec<(Vendor, Duration)> = Vec::new();
    for one in reports {
        let one = one.expect("the query runs");
        for call in &one.calls {
            match walls.iter_mut().find(|(v, _)| *v == call.vendor) {
                Some((_, w)) => *w = (*w).max(call.elapsed),
                None => walls.push((call.vendor, call.elapsed)),
            }
        }
        report.records.extend(one.records);
        report.failures.extend(one.failures);
    }
    let vendors = figures(&emu, settings, &plan, &report, &calls, &walls);
    emu.shutdown().await;
    Fetch { vendors, wall }
}

/// One vendor after another, one call at a time, no client-side limiter.
async fn naive(settings: &Settings) -> Fetch {
    let emu = emulator(settings).await;
    let client = usage_client(&emu, 0, settings.scale, false);
    let query = query(settings, 0);
    let plan = client.plan(&query).expect("the query plans");
    let mut merged = UsageReport::default();
    let mut calls = Vec::new();
    let mut walls = Vec::new();
    let started = Instant::now();
    for vendor in Vendor::all() {
        let vendor_started = Instant::now();
        let mut n = 0;
        for call in plan.calls.iter().filter(|c| c.app.vendor() == vendor) {
            let mut one = plan.clone();
            one.calls = vec![call.clone()];
            let report = client.run(&one, Granularity::Day, |_| {}).await;
            merged.records.extend(report.records);
            merged.failures.extend(report.failures);
            n += 1;
        }
        calls.push((vendor, n));
        walls.push((vendor, vendor_started.elapsed()));
    }
    let wall = started.elapsed();
    let vendors = figures(&emu, settings, &plan, &merged, &calls, &walls);
    emu.shutdown().await;
    Fetch { vendors, wall }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(wall: Duration, ideal: Duration) -> f64 {
    if ideal.is_zero() {
        f64::NAN
    } else {
        wall.as_secs_f64() / ideal.as_secs_f64()
    }
}

fn print_table(title: &str, fetch: &Fetch) {
    println!("\n{title}");
    println!(
        "{:<11} {:>6} {:>9} {:>11} {:>11} {:>7} {:>9} {:>7} {:>8} {:>6}",
        "vendor",
        "calls",
        "requests",
        "wall ms",
        "ideal ms",
        "ratio",
        "throttled",
        "failed",
        "records",
        "truth"
    );
    for (vendor, f) in &fetch.vendors {
        println!(
            "{:<11} {:>6} {:>9} {:>11.1} {:>11.1} {:>7.3} {:>9} {:>7} {:>8} {:>6}",
            vendor.as_str(),
            f.calls,
            f.requests,
            ms(f.wall),
            ms(f.ideal),
            ratio(f.wall, f.ideal),
            f.throttled,
            f.failed,
            f.records,
            if f.truth_ok { "ok" } else { "WRONG" }
        );
    }
    println!(
        "{:<11} {:>6} {:>9} {:>11.1} {:>11.1} {:>7.3} {:>9} {:>7}",
        "all",
        fetch.vendors.iter().map(|(_, f)| f.calls).sum::<usize>(),
        fetch.vendors.iter().map(|(_, f)| f.requests).sum::<u64>(),
        ms(fetch.wall),
        ms(fetch.ideal()),
        ratio(fetch.wall, fetch.ideal()),
        fetch.throttled(),
        fetch.failed()
    );
}

/// `BENCH_JSON` lines: one per vendor and one for the whole fetch. `throttled` and `failed`
/// of the whole are those of every run.
fn print_json(mode: &str, settings: &Settings, fetch: &Fetch, throttled: u64, failed: usize) {
    for (vendor, f) in &fetch.vendors {
        let rate = rate(*vendor);
        println!(
            "BENCH_JSON {{\"bench\":\"bulk\",\"mode\":\"{mode}\",\"vendor\":\"{}\",\"calls\":{},\"requests\":{},\"throttled\":{},\"failed\":{},\"wall_ms\":{:.3},\"ideal_ms\":{:.3},\"ratio\":{:.4},\"records\":{},\"truth_ok\":{},\"rate_requests\":{},\"rate_per_ms\":{:.3}}}",
            vendor.as_str(),
            f.calls,
            f.requests,
            f.throttled,
            f.failed,
            ms(f.wall),
            ms(f.ideal),
            ratio(f.wall, f.ideal),
            f.records,
            f.truth_ok,
            rate.requests,
            ms(rate.per),
        );
    }
    println!(
        "BENCH_JSON {{\"bench\":\"bulk\",\"mode\":\"{mode}\",\"vendor\":\"all\",\"calls\":{},\"requests\":{},\"throttled\":{throttled},\"failed\":{failed},\"wall_ms\":{:.3},\"ideal_ms\":{:.3},\"ratio\":{:.4},\"truth_ok\":{},\"runs\":{},\"scale\":{},\"apps\":{},\"accounts\":{},\"days\":{},\"emulator_threads\":{}}}",
        fetch.vendors.iter().map(|(_, f)| f.calls).sum::<usize>(),
        fetch.vendors.iter().map(|(_, f)| f.requests).sum::<u64>(),
        ms(fetch.wall),
        ms(fetch.ideal()),
        ratio(fetch.wall, fetch.ideal()),
        fetch.vendors.iter().all(|(_, f)| f.truth_ok),
        if mode == "limited" { settings.runs } else { 1 },
        settings.scale,
        settings.apps,
        settings.accounts,
        settings.days,
        settings.emulator_threads,
    );
}

fn main() {
    let settings = match Settings::from_args() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bulk_fetch: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!(
        "bulk fetch: {} account(s) per vendor of {} apps each, {} days ({}..={}), documented rates x{} on the emulator and the clients, emulator on {}",
        settings.accounts,
        settings.apps,
        settings.days,
        settings.first,
        settings.last(),
        settings.scale,
        match settings.emulator_threads {
            0 => "the client's runtime".to_owned(),
            n => format!("its own runtime ({n} threads)"),
        }
    );

    let mut runs = Vec::with_capacity(settings.runs);
    for run in 1..=settings.runs {
        let fetch = runtime.block_on(limited(&settings));
        println!(
            "run {run}: wall {:.1} ms, ideal {:.1} ms, ratio {:.3}, throttled {}, failed {}",
            ms(fetch.wall),
            ms(fetch.ideal()),
            ratio(fetch.wall, fetch.ideal()),
            fetch.throttled(),
            fetch.failed()
        );
        runs.push(fetch);
    }
    let throttled = runs.iter().map(Fetch::throttled).sum();
    let failed = runs.iter().map(Fetch::failed).sum();
    runs.sort_by_key(|f| f.wall);
    let median = runs[runs.len() / 2].clone();
    print_table(
        &format!(
            "with the client-side limiter, all vendors at once (median of {} runs; throttled and failed: all runs)",
            settings.runs
        ),
        &median,
    );
    print_json("limited", &settings, &median, throttled, failed);

    if settings.naive {
        let fetch = runtime.block_on(naive(&settings));
        print_table(
            "naive: one vendor after another, one call at a time, no client-side limiter (retries on)",
            &fetch,
        );
        let (throttled, failed) = (fetch.throttled(), fetch.failed());
        print_json("naive", &settings, &fetch, throttled, failed);
    }
}
