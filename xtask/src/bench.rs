//! `cargo xtask bench`: every performance figure of the project in one table.
//!
//! 1. Micro-benchmarks (criterion, `--warm-up-time 1 --measurement-time 2`): signing
//!    (`rtc-usage-core/benches/signing.rs`), building + signing + serializing a full request,
//!    decoding a 31-day answer and normalizing it (`rtc-usage/benches/codec.rs`). Times are
//!    criterion's estimates (`<target>/criterion/<group>/<vendor>/new/estimates.json`: the
//!    slope, else the mean, with its 95% interval); allocations per run come from the
//!    benches' counting allocator (`BENCH_JSON` lines).
//! 2. The bulk fetch against the strict emulator (`rtc-usage/benches/bulk_fetch.rs`), every
//!    vendor at once: at x20 (5 runs and the naive comparison), then at x50 (5 runs), both
//!    gated on 0 throttled answers and wall ≤ 1.05 × the ideal.
//! 3. Codegen: `codegen::render` of all specs in this process (median of 5), the built
//!    `xtask codegen --check` (median of 3), and whether two renders are byte-identical and
//!    equal to the checked-in files.
//! 4. Build footprint: crates in the dependency tree (`cargo tree`) always; with
//!    `--footprint`, clean debug and release builds of `rtc-usage-tencent` and the CLI in a
//!    separate target directory, and the TLS choices. Without `--footprint` the last
//!    measured footprint (kept in `<target>/xtask-bench/footprint.json`) is shown with its date.
//!
//! The table goes to stdout (progress to stderr); `--write` also writes `BENCHMARKS.md`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub const USAGE: &str =
    "  bench             run the benchmarks (a few minutes) and print one table of every figure
  bench --footprint also time clean debug and release builds (several more minutes)
  bench --write     also write BENCHMARKS.md";

const VENDORS: [&str; 3] = ["volcengine", "tencent", "huawei"];
/// Criterion settings: short enough for the whole run to take a few minutes.
const CRITERION_ARGS: [&str; 5] = ["--warm-up-time", "1", "--measurement-time", "2", "--noplot"];
/// The bulk fetch's scales, both gated: the documented rates ×20 (with the naive run beside
/// it) and ×50, where a window of 1 s is 20 ms and every millisecond of arrival jitter shows.
const BULK_SCALE: &str = "20";
const BULK_SCALE_FAST: &str = "50";
/// Runs of each gated bulk fetch; the gate counts the throttled answers of all of them.
const BULK_RUNS: &str = "5";
/// The multi-account fetch at ×20: this many accounts per vendor, each of 20 apps (gated
/// against one account's ideal), and beside it their apps in one account.
const BULK_ACCOUNTS: &str = "3";
const BULK_ACCOUNT_APPS: &str = "60";
const BULK_ACCOUNT_RUNS: &str = "3";
/// Goals of issue #5.
const SIGN_GOAL_NS: f64 = 5_000.0;
const DECODE_GOAL_NS: f64 = 50_000.0;
const BULK_GOAL_RATIO: f64 = 1.05;
/// Packages whose build footprint is measured.
const FOOTPRINT_PACKAGES: [&str; 2] = ["rtc-usage-tencent", "rtc-usage-cli"];

struct Options {
    footprint: bool,
    write: bool,
}

/// `cargo xtask bench [--footprint] [--write]`.
pub fn main(args: &[&str]) -> ExitCode {
    let mut options = Options {
        footprint: false,
        write: false,
    };
    for arg in args {
        match *arg {
            "--footprint" => options.footprint = true,
            "--write" => options.write = true,
            other => {
                eprintln!("error: unknown option `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let root = xtask::workspace_root().map_err(|e| e.to_string())?;
    progress(&format!("workspace {}", root.display()));
    if let Some(note) = xtask::other_checkout_note(&root) {
        progress(&format!("note: {note}"));
    }
    let env = Env::new(&root)?;
    let started = Instant::now();

    progress("micro-benchmarks: signing (rtc-usage-core)");
    let mut extra = env.cargo_bench("rtc-usage-core", "signing", &CRITERION_ARGS)?;
    progress("micro-benchmarks: request, decode, normalize (rtc-usage)");
    extra.extend(env.cargo_bench("rtc-usage", "codec", &CRITERION_ARGS)?);
    let micro = Micro::collect(&env, &extra)?;

    progress(&format!(
        "bulk fetch at x{BULK_SCALE} ({BULK_RUNS} runs, then naive)"
    ));
    let bulk = env.cargo_bench(
        "rtc-usage",
        "bulk_fetch",
        &["--scale", BULK_SCALE, "--runs", BULK_RUNS],
    )?;
    progress(&format!(
        "bulk fetch at x{BULK_SCALE_FAST} ({BULK_RUNS} runs)"
    ));
    let bulk_fast = env.cargo_bench(
        "rtc-usage",
        "bulk_fetch",
        &[
            "--scale",
            BULK_SCALE_FAST,
            "--runs",
            BULK_RUNS,
            "--no-naive",
        ],
    )?;

    progress(&format!(
        "bulk fetch at x{BULK_SCALE}: {BULK_ACCOUNTS} accounts per vendor ({BULK_ACCOUNT_RUNS} runs), then their apps in one"
    ));
    let bulk_accounts = env.cargo_bench(
        "rtc-usage",
        "bulk_fetch",
        &[
            "--scale",
            BULK_SCALE,
            "--accounts",
            BULK_ACCOUNTS,
            "--runs",
            BULK_ACCOUNT_RUNS,
        ],
    )?;
    let bulk_one_account = env.cargo_bench(
        "rtc-usage",
        "bulk_fetch",
        &[
            "--scale",
            BULK_SCALE,
            "--apps",
            BULK_ACCOUNT_APPS,
            "--runs",
            "1",
            "--no-naive",
        ],
    )?;

    progress("codegen");
    let codegen = Codegen::measure(&root)?;

    let footprint = if options.footprint {
        let footprint = Footprint::measure(&env)?;
        footprint.save(&env)?;
        Some(footprint)
    } else {
        let mut cached = Footprint::load(&env);
        let counts = Footprint::crate_counts(&env)?;
        match &mut cached {
            Some(f) => f.crates = counts,
            None => {
                cached = Some(Footprint {
                    measured: None,
                    crates: counts,
                    builds: Vec::new(),
                    tls: Vec::new(),
                });
            }
        }
        cached
    };

    let machine = Machine::read();
    let mut rows = Vec::new();
    micro.rows(&mut rows);
    bulk_rows(&bulk, BULK_SCALE, true, &mut rows);
    bulk_rows(&bulk_fast, BULK_SCALE_FAST, true, &mut rows);
    bulk_rows(&bulk_accounts, BULK_SCALE, true, &mut rows);
    bulk_rows(&bulk_one_account, BULK_SCALE, false, &mut rows);
    sync_rows(&env, &mut rows)?;
    codegen.rows(&mut rows);
    if let Some(f) = &footprint {
        f.rows(&mut rows);
    }
    let table = render_table(&rows);
    println!("{}\n\n{table}", machine.describe());
    progress(&format!("done in {:.0} s", started.elapsed().as_secs_f64()));
    if options.write {
        let path = root.join("BENCHMARKS.md");
        std::fs::write(&path, benchmarks_md(&machine, &table, &rows))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        progress(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// The history sync (`rtc-usage-store/benches/sync_quarter.rs`): a quarter of 20 apps of every
/// vendor into a fresh SQLite store at x20, the store's write time beside the fetch time.
fn sync_rows(env: &Env, rows: &mut Vec<Row>) -> Result<(), String> {
    progress(&format!("history sync of a quarter at x{BULK_SCALE}"));
    let lines = env.cargo_bench(
        "rtc-usage-store",
        "sync_quarter",
        &["--apps", "20", "--scale", BULK_SCALE],
    )?;
    let line = lines
        .iter()
        .find(|l| l["bench"] == "sync")
        .ok_or("sync_quarter printed no BENCH_JSON line")?;
    let f = |k: &str| line[k].as_f64().unwrap_or(f64::NAN);
    let u = |k: &str| line[k].as_u64().unwrap_or_default();
    rows.push(Row::new(
        "sync",
        format!("history sync x{BULK_SCALE}: 20 apps of every vendor × 95 days into SQLite"),
        format!(
            "{} windows, {} records · fetch {} · store writes {} · wall {} · {} failed · truth {}",
            u("windows"),
            u("records"),
            seconds(f("fetch_ms")),
            seconds(f("write_ms")),
            seconds(f("wall_ms")),
            u("failed"),
            if line["truth_ok"] == true {
                "ok"
            } else {
                "**differs**"
            },
        ),
    ));
    Ok(())
}

fn progress(message: &str) {
    eprintln!("== xtask bench: {message}");
}

// ---------------------------------------------------------------------------------------------
// Running cargo.

struct Env {
    root: PathBuf,
    cargo: String,
    target: PathBuf,
}

impl Env {
    fn new(root: &Path) -> Result<Self, String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(root)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cargo metadata: {e}"))?;
        if !output.status.success() {
            return Err("cargo metadata failed".into());
        }
        let metadata: Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| format!("cargo metadata's output: {e}"))?;
        let target = metadata["target_directory"]
            .as_str()
            .ok_or("cargo metadata gave no target_directory")?;
        Ok(Self {
            root: root.to_owned(),
            cargo,
            target: PathBuf::from(target),
        })
    }

    fn cargo(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        command
            .current_dir(&self.root)
            .env("CARGO_TERM_COLOR", "never");
        command
    }

    fn criterion_home(&self) -> PathBuf {
        self.target.join("criterion")
    }

    /// `cargo bench -p package --bench bench -- args`: its stdout goes to our stderr, except
    /// the `BENCH_JSON` lines, which are returned.
    fn cargo_bench(&self, package: &str, bench: &str, args: &[&str]) -> Result<Vec<Value>, String> {
        let mut command = self.cargo();
        command
            .args(["bench", "-p", package, "--bench", bench, "--"])
            .args(args)
            .env("CRITERION_HOME", self.criterion_home());
        collect_json(command).map_err(|e| format!("cargo bench -p {package} --bench {bench}: {e}"))
    }
}

fn collect_json(mut command: Command) -> Result<Vec<Value>, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut values = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        match line.strip_prefix("BENCH_JSON ") {
            Some(json) => {
                values.push(serde_json::from_str(json).map_err(|e| format!("`{json}`: {e}"))?)
            }
            None => eprintln!("{line}"),
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(values)
    } else {
        Err(format!("failed ({status})"))
    }
}

// ---------------------------------------------------------------------------------------------
// The table.

/// One line of the table.
struct Row {
    area: &'static str,
    what: String,
    figure: String,
    goal: String,
    /// `None`: no goal, a figure to read.
    met: Option<bool>,
}

impl Row {
    fn new(area: &'static str, what: impl Into<String>, figure: impl Into<String>) -> Self {
        Self {
            area,
            what: what.into(),
            figure: figure.into(),
            goal: String::new(),
            met: None,
        }
    }

    fn goal(mut self, goal: impl Into<String>, met: bool) -> Self {
        self.goal = goal.into();
        self.met = Some(met);
        self
    }
}

fn render_table(rows: &[Row]) -> String {
    let mut out = String::from("| area | what | figure | goal | met |\n|---|---|---|---|---|\n");
    for row in rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {met} |",
            row.area, row.what, row.figure, row.goal
        );
    }
    out
}

fn time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn seconds(ms: f64) -> String {
    format!("{:.3} s", ms / 1000.0)
}

// ---------------------------------------------------------------------------------------------
// Micro-benchmarks.

struct Estimate {
    group: &'static str,
    vendor: &'static str,
    ns: f64,
    low: f64,
    high: f64,
    allocs: Option<f64>,
    alloc_bytes: Option<f64>,
}

struct Micro {
    estimates: Vec<Estimate>,
    /// Answer body sizes, per vendor.
    bodies: Vec<(String, u64)>,
}

impl Micro {
    fn collect(env: &Env, lines: &[Value]) -> Result<Self, String> {
        let mut estimates = Vec::new();
        for group in ["sign", "request", "decode", "normalize"] {
            for vendor in VENDORS {
                let path = env
                    .criterion_home()
                    .join(group)
                    .join(vendor)
                    .join("new/estimates.json");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let json: Value =
                    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                // Criterion's headline estimate: the slope when it sampled linearly.
                let estimate = if json["slope"].is_object() {
                    &json["slope"]
                } else {
                    &json["mean"]
                };
                let number =
                    |v: &Value| v.as_f64().ok_or(format!("{}: no estimate", path.display()));
                let line = lines
                    .iter()
                    .find(|l| l["bench"] == group && l["id"] == vendor);
                estimates.push(Estimate {
                    group,
                    vendor,
                    ns: number(&estimate["point_estimate"])?,
                    low: number(&estimate["confidence_interval"]["lower_bound"])?,
                    high: number(&estimate["confidence_interval"]["upper_bound"])?,
                    allocs: line.and_then(|l| l["allocs"].as_f64()),
                    alloc_bytes: line.and_then(|l| l["alloc_bytes"].as_f64()),
                });
            }
        }
        let bodies = lines
            .iter()
            .filter(|l| l["bench"] == "body")
            .filter_map(|l| Some((l["id"].as_str()?.to_owned(), l["bytes"].as_u64()?)))
            .collect();
        Ok(Self { estimates, bodies })
    }

    fn rows(&self, rows: &mut Vec<Row>) {
        for e in &self.estimates {
            let (what, goal) = match e.group {
                "sign" => (format!("sign a request · {}", e.vendor), Some(SIGN_GOAL_NS)),
                "request" => (
                    format!("build + sign + serialize a full request · {}", e.vendor),
                    None,
                ),
                "decode" => {
                    let size = self
                        .bodies
                        .iter()
                        .find(|(v, _)| v == e.vendor)
                        .map(|(_, b)| format!(" ({b} B)"))
                        .unwrap_or_default();
                    (
                        format!("decode a 31-day answer{size} · {}", e.vendor),
                        Some(DECODE_GOAL_NS),
                    )
                }
                _ => (format!("normalize a 31-day answer · {}", e.vendor), None),
            };
            let allocs = match (e.allocs, e.alloc_bytes) {
                (Some(n), Some(b)) => format!("; {n:.0} allocations, {b:.0} B"),
                _ => String::new(),
            };
            let figure = format!("{} ({}–{}){allocs}", time(e.ns), time(e.low), time(e.high));
            let row = Row::new("micro", what, figure);
            rows.push(match goal {
                Some(goal) => row.goal(format!("< {}", time(goal)), e.ns < goal),
                None => row,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The bulk fetch.

fn bulk_rows(lines: &[Value], scale: &str, gated: bool, rows: &mut Vec<Row>) {
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let u = |v: &Value, k: &str| v[k].as_u64().unwrap_or_default();
    for mode in ["limited", "naive"] {
        let of_mode: Vec<&Value> = lines
            .iter()
            .filter(|l| l["bench"] == "bulk" && l["mode"] == mode)
            .collect();
        let Some(all) = of_mode.iter().find(|l| l["vendor"] == "all") else {
            continue;
        };
        let runs = u(all, "runs");
        let accounts = u(all, "accounts").max(1);
        let label = match (mode, accounts) {
            ("limited", 1) => format!("bulk x{scale}"),
            ("limited", n) => format!("bulk x{scale}, {n} accounts"),
            _ => format!("bulk x{scale}, naive"),
        };
        for line in of_mode.iter().filter(|l| l["vendor"] != "all") {
            let mut figure = format!(
                "{} calls ({} requests) · wall {} · ideal {} · ratio {:.3} · {} throttled",
                u(line, "calls"),
                u(line, "requests"),
                seconds(f(line, "wall_ms")),
                seconds(f(line, "ideal_ms")),
                f(line, "ratio"),
                u(line, "throttled"),
            );
            if u(line, "failed") > 0 {
                let _ = write!(figure, " · **{} windows failed**", u(line, "failed"));
            }
            let what = format!(
                "{} · {} per {} s",
                line["vendor"].as_str().unwrap_or("?"),
                u(line, "rate_requests"),
                f(line, "rate_per_ms") / 1000.0
            );
            rows.push(Row::new("bulk", format!("{label} · {what}"), figure));
        }
        let truth = if all["truth_ok"] == true {
            "every record equals the ground truth"
        } else {
            "**records differ from the ground truth (failed windows)**"
        };
        let ratio = f(all, "ratio");
        let throttled = u(all, "throttled");
        let ideal_of = if accounts > 1 {
            "one account of the slowest vendor: the accounts overlap"
        } else {
            "the slowest vendor's"
        };
        let mut figure = format!(
            "{} calls ({} requests) · wall {} · ideal {} ({ideal_of}) · ratio {ratio:.3} · {throttled} throttled · {} windows failed · {truth}",
            u(all, "calls"),
            u(all, "requests"),
            seconds(f(all, "wall_ms")),
            seconds(f(all, "ideal_ms")),
            u(all, "failed"),
        );
        if mode == "limited" {
            let _ = write!(
                figure,
                " (median of {runs} runs; throttled and failed: all runs)"
            );
        }
        let what = match mode {
            "limited" if accounts > 1 => format!(
                "{label} · all vendors and accounts at once, a limiter per account ({accounts} accounts per vendor × {} apps, {} days)",
                u(all, "apps"),
                u(all, "days")
            ),
            "limited" => format!(
                "{label} · all vendors at once, client-side limiter on ({} apps per vendor in one account, {} days)",
                u(all, "apps"),
                u(all, "days")
            ),
            _ => format!("{label} · one vendor after another, one call at a time, no limiter"),
        };
        let row = Row::new("bulk", what, figure);
        rows.push(if mode == "limited" && gated {
            row.goal(
                format!("wall ≤ {BULK_GOAL_RATIO} × ideal, 0 throttled"),
                ratio <= BULK_GOAL_RATIO
                    && throttled == 0
                    && u(all, "failed") == 0
                    && all["truth_ok"] == true,
            )
        } else {
            row
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Codegen.

struct Codegen {
    specs: usize,
    files: usize,
    bytes: usize,
    digest: u64,
    in_process: Duration,
    binary: Duration,
    identical: bool,
    up_to_date: bool,
}

/// What one render produced: (path, contents) of every generated file.
type Rendered = Vec<(PathBuf, String)>;

impl Codegen {
    fn measure(root: &Path) -> Result<Self, String> {
        let render = || -> Result<(Duration, usize, Rendered), String> {
            let started = Instant::now();
            let (specs, files) = xtask::codegen::render(root).map_err(|e| e.to_string())?;
            let elapsed = started.elapsed();
            Ok((
                elapsed,
                specs,
                files.into_iter().map(|f| (f.path, f.contents)).collect(),
            ))
        };
        let (_, specs, first) = render()?;
        let mut times = Vec::new();
        let mut identical = true;
        for _ in 0..5 {
            let (elapsed, _, files) = render()?;
            identical &= files == first;
            times.push(elapsed);
        }
        let up_to_date = xtask::codegen::generate(root, true)
            .map_err(|e| e.to_string())?
            .stale
            .is_empty();

        // The built generator, as `cargo xtask codegen --check` runs it after the build.
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut binary = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let status = Command::new(&exe)
                .args(["codegen", "--check"])
                .current_dir(root)
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("{}: {e}", exe.display()))?;
            binary.push(started.elapsed());
            identical &= status.success();
        }
        let mut digest = Fnv::default();
        let mut bytes = 0;
        for (path, contents) in &first {
            digest.write(path.to_string_lossy().as_bytes());
            digest.write(contents.as_bytes());
            bytes += contents.len();
        }
        Ok(Self {
            specs,
            files: first.len(),
            bytes,
            digest: digest.0,
            in_process: median(times),
            binary: median(binary),
            identical,
            up_to_date,
        })
    }

    fn rows(&self, rows: &mut Vec<Row>) {
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        rows.push(Row::new(
            "codegen",
            format!(
                "render all specs ({} specs → {} files, {} KiB), in process, median of 5",
                self.specs,
                self.files,
                self.bytes / 1024
            ),
            ms(self.in_process),
        ));
        rows.push(Row::new(
            "codegen",
            "`xtask codegen --check`, the built binary (load, validate, generate, format, compare), median of 3",
            ms(self.binary),
        ));
        rows.push(
            Row::new(
                "codegen",
                "determinism: 6 renders in process and 3 runs of the binary",
                format!(
                    "{} (FNV-1a 64 of paths and contents: {:016x}); {}",
                    if self.identical {
                        "byte-identical"
                    } else {
                        "**they differ**"
                    },
                    self.digest,
                    if self.up_to_date {
                        "equal to the checked-in files"
                    } else {
                        "**the checked-in files are stale**"
                    }
                ),
            )
            .goal("identical bytes", self.identical && self.up_to_date),
        );
    }
}

/// FNV-1a, 64 bits: a stable digest without a dependency.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Build footprint.

struct Footprint {
    /// When the builds were measured (`None`: never; only the crate counts are current).
    measured: Option<String>,
    crates: Vec<CrateCount>,
    builds: Vec<Build>,
    tls: Vec<TlsChoice>,
}

/// The packages in one package's dependency tree.
struct CrateCount {
    package: String,
    features: String,
    /// Normal dependencies (proc-macros and their dependencies included), the package too.
    normal: usize,
    /// With build dependencies.
    all: usize,
}

/// One clean build.
struct Build {
    package: String,
    profile: String,
    seconds: f64,
    /// `Compiling` lines: the packages built.
    compiled: usize,
    binary_bytes: Option<u64>,
}

/// One TLS choice of a vendor crate.
struct TlsChoice {
    choice: String,
    builds: bool,
    /// The TLS crates in its tree, comma-separated, or `none`.
    crates: String,
}

impl Footprint {
    fn crate_counts(env: &Env) -> Result<Vec<CrateCount>, String> {
        let count = |package: &str, features: &str, args: &[&str]| -> Result<CrateCount, String> {
            Ok(CrateCount {
                package: package.to_owned(),
                features: features.to_owned(),
                normal: tree(env, package, "normal", args)?.len(),
                all: tree(env, package, "normal,build", args)?.len(),
            })
        };
        let mut counts = Vec::new();
        for package in FOOTPRINT_PACKAGES {
            counts.push(count(package, "default", &[])?);
        }
        counts.push(count(
            "rtc-usage-tencent",
            "native-tls",
            &["--no-default-features", "--features", "native-tls"],
        )?);
        Ok(counts)
    }

    fn measure(env: &Env) -> Result<Self, String> {
        let crates = Self::crate_counts(env)?;
        let dir = env.target.join("footprint");
        let mut builds = Vec::new();
        for package in FOOTPRINT_PACKAGES {
            for release in [false, true] {
                let profile = if release { "release" } else { "debug" };
                progress(&format!(
                    "footprint: clean {profile} build of {package} in {}",
                    dir.display()
                ));
                let (seconds, compiled) = clean_build(env, &dir, package, release, &[])?;
                let binary = (package == "rtc-usage-cli")
                    .then(|| std::fs::metadata(dir.join(profile).join("rtc-usage")).ok())
                    .flatten()
                    .map(|m| m.len());
                builds.push(Build {
                    package: package.to_owned(),
                    profile: profile.to_owned(),
                    seconds,
                    compiled,
                    binary_bytes: binary,
                });
            }
        }

        // The TLS choices of a vendor crate: what each pulls, and that it builds.
        let mut tls = Vec::new();
        let choices: [(&str, &[&str]); 3] = [
            ("default (rustls)", &[]),
            (
                "--no-default-features --features native-tls",
                &["--no-default-features", "--features", "native-tls"],
            ),
            (
                "--no-default-features (no TLS: http only)",
                &["--no-default-features"],
            ),
        ];
        for (label, args) in choices {
            progress(&format!("footprint: rtc-usage-tencent {label}"));
            let names = tree(env, "rtc-usage-tencent", "normal", args)?;
            let tls_crates: Vec<&str> = names
                .iter()
                .map(|n| n.split(' ').next().unwrap_or_default())
                .filter(|n| {
                    [
                        "rustls",
                        "native-tls",
                        "openssl",
                        "ring",
                        "aws-lc",
                        "webpki",
                    ]
                    .iter()
                    .any(|t| n.contains(t))
                })
                .collect();
            let built = env
                .cargo()
                .args(["build", "-p", "rtc-usage-tencent"])
                .args(args)
                .env("CARGO_TARGET_DIR", &dir)
                .stderr(Stdio::null())
                .status()
                .map_err(|e| e.to_string())?
                .success();
            tls.push(TlsChoice {
                choice: label.to_owned(),
                builds: built,
                crates: if tls_crates.is_empty() {
                    "none".to_owned()
                } else {
                    tls_crates.join(", ")
                },
            });
        }
        let _ = std::fs::remove_dir_all(&dir);
        Ok(Self {
            measured: Some(today()),
            crates,
            builds,
            tls,
        })
    }

    fn path(env: &Env) -> PathBuf {
        env.target.join("xtask-bench/footprint.json")
    }

    fn save(&self, env: &Env) -> Result<(), String> {
        let json = json!({
            "measured": self.measured,
            "builds": self.builds.iter().map(|b| json!({
                "package": b.package,
                "profile": b.profile,
                "seconds": b.seconds,
                "compiled": b.compiled,
                "binary_bytes": b.binary_bytes,
            })).collect::<Vec<_>>(),
            "tls": self.tls.iter().map(|t| json!({
                "choice": t.choice,
                "builds": t.builds,
                "crates": t.crates,
            })).collect::<Vec<_>>(),
        });
        let path = Self::path(env);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&json).unwrap_or_default(),
        )
        .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn load(env: &Env) -> Option<Self> {
        let text = std::fs::read_to_string(Self::path(env)).ok()?;
        let json: Value = serde_json::from_str(&text).ok()?;
        let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        Some(Self {
            measured: json["measured"].as_str().map(str::to_owned),
            crates: Vec::new(),
            builds: json["builds"]
                .as_array()?
                .iter()
                .map(|b| Build {
                    package: s(&b["package"]),
                    profile: s(&b["profile"]),
                    seconds: b["seconds"].as_f64().unwrap_or(f64::NAN),
                    compiled: b["compiled"].as_u64().unwrap_or_default() as usize,
                    binary_bytes: b["binary_bytes"].as_u64(),
                })
                .collect(),
            tls: json["tls"]
                .as_array()?
                .iter()
                .map(|t| TlsChoice {
                    choice: s(&t["choice"]),
                    builds: t["builds"] == true,
                    crates: s(&t["crates"]),
                })
                .collect(),
        })
    }

    fn rows(&self, rows: &mut Vec<Row>) {
        for c in &self.crates {
            rows.push(Row::new(
                "footprint",
                format!(
                    "crates in the tree of {} ({} features)",
                    c.package, c.features
                ),
                format!(
                    "{} (normal dependencies, the package included); {} with build dependencies",
                    c.normal, c.all
                ),
            ));
        }
        let when = match &self.measured {
            Some(date) => format!("measured {date} with `--footprint`"),
            None => "not measured: run `cargo xtask bench --footprint`".to_owned(),
        };
        for b in &self.builds {
            let binary = b
                .binary_bytes
                .map(|n| format!("; binary {:.1} MiB", n as f64 / (1024.0 * 1024.0)))
                .unwrap_or_default();
            rows.push(Row::new(
                "footprint",
                format!("clean {} build of {} ({when})", b.profile, b.package),
                format!("{:.1} s, {} crates compiled{binary}", b.seconds, b.compiled),
            ));
        }
        if self.builds.is_empty() {
            rows.push(Row::new("footprint", "clean builds", when.clone()));
        }
        for t in &self.tls {
            rows.push(Row::new(
                "footprint",
                format!("TLS choice of rtc-usage-tencent: {}", t.choice),
                format!(
                    "{}; TLS crates: {}",
                    if t.builds {
                        "builds"
                    } else {
                        "**does not build**"
                    },
                    t.crates
                ),
            ));
        }
    }
}

/// The packages of `package`'s dependency tree (the package included), once each.
fn tree(env: &Env, package: &str, edges: &str, args: &[&str]) -> Result<BTreeSet<String>, String> {
    let output = env
        .cargo()
        .args([
            "tree", "-p", package, "-e", edges, "--prefix", "none", "--format", "{p}",
        ])
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("cargo tree -p {package} failed"));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// A clean build in `dir`: (seconds, crates compiled).
fn clean_build(
    env: &Env,
    dir: &Path,
    package: &str,
    release: bool,
    args: &[&str],
) -> Result<(f64, usize), String> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    }
    let mut command = env.cargo();
    command
        .args(["build", "-p", package])
        .args(release.then_some("--release"))
        .args(args)
        .env("CARGO_TARGET_DIR", dir);
    let started = Instant::now();
    let output = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo build -p {package} failed:\n{stderr}"));
    }
    let compiled = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    Ok((seconds, compiled))
}

// ---------------------------------------------------------------------------------------------
// The machine and BENCHMARKS.md.

struct Machine {
    cpu: String,
    cores: usize,
    memory: String,
    os: String,
    rustc: String,
    date: String,
}

impl Machine {
    fn read() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split(':').nth(1))
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        let memory = std::fs::read_to_string("/proc/meminfo")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
            .map(|kib| format!("{:.0} GiB", kib / (1024.0 * 1024.0)))
            .unwrap_or_else(|| "unknown".to_owned());
        let os = std::fs::read_to_string("/etc/os-release")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|s| s.trim_matches('"').to_owned())
            .unwrap_or_else(|| std::env::consts::OS.to_owned());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
            .arg("-V")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            memory,
            os: format!("{os}, Linux {}", kernel.trim()),
            rustc,
            date: today(),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} · {} cores · {} RAM · {} · {} · {}",
            self.cpu, self.cores, self.memory, self.os, self.rustc, self.date
        )
    }
}

/// Today (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn benchmarks_md(machine: &Machine, table: &str, rows: &[Row]) -> String {
    let goals: Vec<&Row> = rows.iter().filter(|r| r.met.is_some()).collect();
    let met = goals.iter().filter(|r| r.met == Some(true)).count();
    format!(
        "# Benchmarks

The latest figures of issue #5's performance evidence, written by `cargo xtask bench --write`
(the clean builds by a run with `--footprint`). Regenerate them on the machine they describe;
do not edit by hand.

- **Machine:** {cpu}, {cores} cores, {memory} RAM; {os}
- **Toolchain:** {rustc}
- **Date:** {date}
- **Goals met:** {met} of {total}

{table}
## What is measured, and how

- **micro**: criterion (`--warm-up-time 1 --measurement-time 2`, 100 samples), release
  profile; the figure is criterion's estimate (the slope of its linear sampling) with its 95%
  interval, then the heap allocations and bytes of one run, counted by the bench binary's
  counting allocator (`crates/rtc-usage-core/benches/signing.rs`,
  `crates/rtc-usage/benches/codec.rs`).
  - *sign*: `signing::sign` of the request the client sends for a 30/31-day usage query,
    including the clone of the prepared header list the client makes for every attempt.
  - *build + sign + serialize*: the typed input from the generated builder, the spec's local
    checks, `operation::prepare` (constants, query, JSON body), endpoint, path and headers,
    the signature and the `reqwest::Request` made of the signed bytes. The client has no
    public build-without-sending entry point, so the bench repeats its private `prepare` and
    `build_request` steps from public parts.
  - *decode*: `envelope::decode` (the envelope check, then the typed payload) of a 31-day
    answer: Volcengine 31 `Usages`, Tencent 31 `UsageList` rows of 6 keys, Huawei 31 `usage`
    rows. *normalize*: `rtc_usage::normalize::<vendor>` of the decoded answer.
- **bulk**: `crates/rtc-usage/benches/bulk_fetch.rs`. A quarterly reconciliation: 20 apps of
  every vendor in the registry over the 95 days that end the day before yesterday (UTC), in one
  `UsageClient::usage` call, against the emulator with every documented rate enforced and
  multiplied by the scale (the clients' limiters by the same factor). The query asks each
  vendor only the days it keeps (`UsageQuery::within_lookback`): Alibaba serves the last 90
  days only, so its apps are asked 90 days (3 calls each), the others 95 (4 calls each; spans
  of 30 or 31 days).
  - *wall*: from the start of the fetch to the vendor's last answer (`UsageReport::calls`);
    the whole: the `usage` call.
  - *ideal* of C calls under a documented limit of N requests per T:
    `(ceil(C / N) - 1) × T / scale` (the first N go at once, every further N needs one more
    window; Huawei at x{gated}: 80 calls, 30 per 60 s → 2 × 3 s = 6 s). The gate compares the
    whole fetch with the slowest vendor's ideal (all vendors run at once, so the slowest sets
    the wall).
  - The emulator is **strict**: exactly N requests in any window of `T / scale`, counted by
    arrival, as a vendor's gateway counts (`crates/rtc-usage-emulator/src/limits.rs`). The
    client's limiter (`SlidingWindow`, `crates/rtc-usage-core/src/rate_limit.rs`) holds a slot
    from the grant until `T / scale` (+ 0.1 %) after the attempt *ended*, the latest moment
    the request can have arrived, so no N + 1 arrivals ever fall within one window whatever
    the delays on the way; the price is one answer's latency per window, which is why a
    vendor of short windows and slow answers (Tencent's 31-day answers sum 8,928 five-minute
    buckets) shows a per-vendor ratio above 1 at high scales.
  - *throttled*: throttling answers the emulator counted (`Stats::vendor`). Each run uses a
    fresh emulator; each gated fetch runs {runs} times and the median run is shown, with the
    throttled answers and failed windows of all runs.
  - The emulator runs on its own tokio runtime (4 worker threads) next to the client's (2),
    as a vendor runs on its own machines.
  - *naive* (at x{gated}): the same calls, one vendor after another and one call at a time,
    with the client-side limiter off and the emulator enforcing; throttled calls are retried
    by the standard policy (3 attempts, full-jitter backoff from 500 ms, at least the wait an
    Alibaba answer asks for), and a call throttled 3 times fails (its window is then missing
    from the report).
  - *{accounts} accounts* (at x{gated}, {account_runs} runs): every vendor has {accounts} accounts at
    the emulator, each of 20 apps of its own and with its own rate windows, asked by one
    `UsageClient` per account (its own limiter), all at once. The ideal is one account's:
    the accounts overlap fully. Beside it, the same {account_apps} apps in one account (one run,
    not gated), whose ideal is {accounts} times as long.
- **sync** (at x{gated}, one run): `rtc_usage_store::sync` of the same 95 days of 20 apps of
  every vendor into a fresh SQLite store (`synchronous=FULL`, one transaction per window),
  against the emulator with its limits and the clients' limiters scaled alike
  (`crates/rtc-usage-store/benches/sync_quarter.rs`). *fetch*: from the start to the last
  answer; *store writes*: every window's transaction, summed (they overlap the fetching);
  *wall*: the whole sync. *truth*: the store equals the emulator's ground truth over the days
  each vendor keeps.
- **codegen**: `xtask::codegen::render` of every spec in the `cargo xtask` binary (debug
  profile, as `cargo xtask codegen` runs), after the build; the built binary's
  `codegen --check` (the same work, compared with the files on disk instead of written).
- **footprint**: `cargo tree -e normal` (and `-e normal,build`) package counts, then clean
  builds (`cargo build -p <package> [--release]` in an empty target directory, 2 jobs on 2
  cores, crates compiled = cargo's `Compiling` lines) timed with `--footprint`, and each TLS
  choice of a vendor crate (`rustls` by default, `native-tls`, or none) built.

Commands: `cargo xtask bench` (all but the clean builds, a few minutes),
`cargo xtask bench --footprint --write` (everything, and this file). One bench alone:
`cargo bench -p rtc-usage-core --bench signing`, `cargo bench -p rtc-usage --bench codec`,
`cargo bench -p rtc-usage --bench bulk_fetch -- --scale 20 --runs 5`. The test suite holds no
timed assertions.
",
        cpu = machine.cpu,
        cores = machine.cores,
        memory = machine.memory,
        os = machine.os,
        rustc = machine.rustc,
        date = machine.date,
        total = goals.len(),
        gated = BULK_SCALE,
        runs = BULK_RUNS,
        accounts = BULK_ACCOUNTS,
        account_runs = BULK_ACCOUNT_RUNS,
        account_apps = BULK_ACCOUNT_APPS,
    )
}
