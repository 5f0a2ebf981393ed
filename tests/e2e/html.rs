//! `--format html` in a real browser: the binary writes the report, headless Chromium
//! (Debian's `chromium`, which `.ci/run` installs) parses it into a DOM and takes a
//! screenshot of it, with every network request sent to a closed port.

use std::path::{Path, PathBuf};
use std::process::Command;

use rtc_usage_emulator::default_apps;

use crate::harness::{self, date, run, stderr};

/// The browser: `RTC_USAGE_TEST_CHROMIUM`, else Debian's `chromium` on the PATH.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("RTC_USAGE_TEST_CHROMIUM") {
        return path.into();
    }
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("no chromium on the PATH: install it (apt-get install chromium), as .ci/run does")
    })
}

/// Runs headless Chromium on `page` with `args`, in a profile of its own, with no network:
/// every request goes to a proxy on a closed port, and no background service is started.
fn browse(page: &Path, profile: &Path, args: &[String]) -> std::process::Output {
    let url = format!("file://{}", page.display());
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--proxy-server=http://127.0.0.1:9",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The `data-seconds` of the all-tiers total in the footer of the table of `app`.
fn table_total(dom: &str, app: &str) -> f64 {
    let table = &dom[dom
        .find(&format!("data-app=\"{app}\""))
        .unwrap_or_else(|| panic!("a table for {app}"))..];
    let table = &table[..table.find("</table>").expect("the table ends")];
    let footer = &table[table.find("<tfoot>").expect("a footer of totals")..];
    let at = footer
        .find("data-tier=\"all\" data-seconds=\"")
        .expect("an all-tiers total");
    let rest = &footer[at + "data-tier=\"all\" data-seconds=\"".len()..];
    rest[..rest.find('"').expect("a closing quote")]
        .parse()
        .expect("seconds")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_html_report_renders_in_chromium_with_charts_tables_and_the_query() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let page = dir.path().join("usage.html");
    let page_arg = page.to_str().expect("a UTF-8 path").to_owned();
    let (from, to) = (date("2026-10-01"), date("2026-10-07"));
    let apps: Vec<(&str, &str)> = [("tencent", 2), ("huawei", 1), ("volcengine", 1)]
        .into_iter()
        .flat_map(|(v, n)| default_apps(v)[..n].iter().map(move |a| (v, *a)))
        .collect();
    let app_args: Vec<String> = apps
        .iter()
        .flat_map(|(v, a)| ["--app".to_owned(), format!("{v}:{a}")])
        .collect();
    let mut argv = vec![
        "usage",
        "--emulator",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-07",
        "--format",
        "html",
        "--by",
        "vendor",
        "-o",
        &page_arg,
    ];
    argv.extend(app_args.iter().map(String::as_str));
    let output = run(None, &argv, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the report went to the file");

    // Self-contained: nothing to load from anywhere.
    let source = std::fs::read_to_string(&page).expect("the report");
    for needle in [
        "http://", "https://", "<script", "<link", "@import", "url(http",
    ] {
        assert!(!source.contains(needle), "the page holds {needle:?}");
    }

    let profile = dir.path().join("profile");
    let dom = browse(&page, &profile, &["--dump-dom".to_owned()]);
    let dom = String::from_utf8(dom.stdout).expect("UTF-8 DOM");
    assert!(dom.contains("<h1>RTC usage</h1>"), "{dom}");
    // One stacked chart per vendor, one across vendors, each with bars the browser parsed.
    for vendor in ["tencent", "huawei", "volcengine"] {
        assert_eq!(
            dom.matches(&format!("data-chart=\"vendor\" data-vendor=\"{vendor}\""))
                .count(),
            1,
            "{vendor}'s chart"
        );
    }
    assert_eq!(dom.matches("data-chart=\"vendor\"").count(), 3);
    assert_eq!(dom.matches("data-chart=\"cross\"").count(), 1);
    assert!(dom.matches("<rect").count() > 4 * 7, "bars are drawn");
    // A table per app, its total the emulator's ground truth for the week.
    assert_eq!(dom.matches("<table class=\"usage\"").count(), apps.len());
    for (vendor, app) in &apps {
        let truth: f64 = harness::truth(vendor, app, from, to)
            .values()
            .map(|(_, _, s)| s)
            .sum();
        assert!(truth > 0.0, "{vendor}:{app} has usage that week");
        assert_eq!(table_total(&dom, app), truth, "{vendor}:{app}");
    }
    // The --by table on top: a row per vendor and the total row.
    let pivot = &dom[dom
        .find("<table class=\"pivot\" data-by=\"vendor\"")
        .expect("the pivot")..];
    let pivot = &pivot[..pivot.find("</table>").expect("the pivot ends")];
    for key in ["tencent", "huawei", "volcengine", "total"] {
        assert!(
            pivot.contains(&format!("data-key=\"{key}\"")),
            "{key} in {pivot}"
        );
    }
    // The query as typed, and the time the report was made.
    let query = &dom[dom.find("id=\"query\"").expect("the query")..];
    let query = &query[..query.find("</code>").expect("the query ends")];
    assert!(
        query.contains(">rtc-usage usage "),
        "the program by its name: {query}"
    );
    for needle in [
        "usage --emulator --from 2026-10-01 --to 2026-10-07",
        "--format html",
    ] {
        assert!(query.contains(needle), "{needle:?} not in {query}");
    }
    let generated = &dom[dom
        .find("<time id=\"generated\" datetime=\"")
        .expect("the time")..];
    let stamp = &generated["<time id=\"generated\" datetime=\"".len()..][..20];
    let made = chrono::DateTime::parse_from_rfc3339(stamp).expect("an RFC 3339 time");
    let age = chrono::Utc::now() - made.to_utc();
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::hours(1),
        "{stamp}"
    );

    // The screenshot, kept under target/ for a person to look at.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = std::fs::remove_file(&shot);
    let (width, height) = (1280u32, 4800u32);
    browse(
        &page,
        &profile,
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={width},{height}"),
        ],
    );
    let file = std::fs::File::open(&shot).expect("a screenshot");
    assert!(
        file.metadata().expect("its size").len() > 20_000,
        "a page of charts is not a tiny PNG"
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a buffer size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!((info.width, info.height), (width, height));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let rgb: Vec<[u8; 3]> = pixels[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    assert!(rgb.iter().any(|p| *p != rgb[0]), "the screenshot is blank");
    // The tier colors of the bars are on screen: audio #0072b2, hd #c75300.
    for (name, color) in [("audio", [0x00, 0x72, 0xb2]), ("hd", [0xc7, 0x53, 0x00])] {
        let near = |p: &[u8; 3]| p.iter().zip(color).all(|(a, b)| a.abs_diff(b) <= 6);
        let count = rgb.iter().filter(|p| near(p)).count();
        assert!(count > 2_000, "{name} bars: {count} pixels of {color:?}");
    }
}
