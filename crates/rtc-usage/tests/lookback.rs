//! A range that starts before a vendor's enforced look-back (Alibaba serves the last 90 days
//! only): refused before any call by default, or, with `UsageQuery::within_lookback`, asked
//! only for the days the vendor keeps, the others named in the plan and the report's
//! warnings, while vendors without an enforced look-back are asked every day.

use chrono::{Days, NaiveDate, Utc};
use rtc_usage::{AppRef, Category, Config, QueryError, UsageClient, UsageQuery, Vendor};
use rtc_usage_emulator::{Emulator, default_apps, demo_credentials, truth};

fn vendor(id: &str) -> Vendor {
    Vendor::get(id).unwrap()
}

fn client(emu: &Emulator, vendors: &[&str]) -> UsageClient {
    vendors
        .iter()
        .fold(UsageClient::builder(), |builder, id| {
            let config = Config::builder()
                .credentials(demo_credentials(id).unwrap())
                .endpoint_url(emu.url())
                .disable_rate_limit()
                .build()
                .unwrap();
            builder.shared_client((vendor(id).entry().connect)(config).unwrap())
        })
        .build()
}

fn app(id: &str) -> AppRef {
    AppRef::new(vendor(id), default_apps(id)[0]).unwrap()
}

fn days_ago(n: u64) -> NaiveDate {
    Utc::now().date_naive() - Days::new(n)
}

#[tokio::test]
async fn days_beyond_the_lookback_are_refused_or_left_out_by_choice() {
    let emu = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let client = client(&emu, &["alibaba", "tencent"]);
    let (first, last) = (days_ago(100), days_ago(2));
    let query = UsageQuery::new(first, last)
        .app(app("alibaba"))
        .app(app("tencent"))
        .categories([Category::Call, Category::Recording]);

    // By default the whole query is refused, naming the vendor, before any call.
    let err = client.plan(&query).unwrap_err();
    assert!(
        matches!(&err, QueryError::OutOfRange { vendor, .. } if vendor.id() == "alibaba"),
        "{err}"
    );
    assert!(err.to_string().contains("90 days"), "{err}");
    assert_eq!(emu.stats().vendor("alibaba").requests, 0);

    let query = query.within_lookback(true);
    let plan = client.plan(&query).unwrap();
    // Alibaba's call minutes leave out the days before its 90; its recording operation
    // documents no look-back (spec note no-lookback) and is asked every day, as is Tencent.
    assert_eq!(plan.beyond_lookback.len(), 1, "{:?}", plan.beyond_lookback);
    let gap = &plan.beyond_lookback[0];
    assert_eq!(
        (gap.app.vendor().id(), gap.category),
        ("alibaba", Category::Call)
    );
    assert_eq!((gap.days.first, gap.max_days), (first, 90));
    assert!(
        gap.days.last >= days_ago(92) && gap.days.last <= days_ago(89),
        "{gap:?}"
    );
    let kept = gap.days.last.succ_opt().unwrap();
    let earliest = |vendor: &str, category: Category| {
        plan.calls
            .iter()
            .filter(|c| c.app.vendor().id() == vendor && c.category == category)
            .map(|c| c.window.first)
            .min()
    };
    assert_eq!(earliest("alibaba", Category::Call), Some(kept));
    assert_eq!(earliest("alibaba", Category::Recording), Some(first));
    assert_eq!(earliest("tencent", Category::Call), Some(first));

    let report = client.usage(&query).await.unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let warnings: Vec<&str> = report.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("keeps call usage for 90 days only")
                && w.contains(&first.to_string())),
        "{warnings:?}"
    );
    // The call minutes fetched are the truth of the days kept, none before.
    let alibaba = app("alibaba");
    let got: f64 = report
        .records
        .iter()
        .filter(|r| r.vendor.id() == "alibaba" && r.category == Category::Call)
        .map(|r| r.seconds)
        .sum();
    let want: f64 = kept
        .iter_days()
        .take_while(|d| *d <= last)
        .flat_map(|d| truth("alibaba", alibaba.app_label(), d))
        .map(|(_, s)| s as f64)
        .sum();
    assert!((got - want).abs() < 1e-6 * want.max(1.0), "{got} vs {want}");

    // A range wholly beyond the look-back: no call at all, the whole range named.
    let old = UsageQuery::new(days_ago(300), days_ago(200))
        .app(app("alibaba"))
        .categories([Category::Call])
        .within_lookback(true);
    let plan = client.plan(&old).unwrap();
    assert!(plan.calls.is_empty(), "{:?}", plan.calls);
    assert_eq!(plan.beyond_lookback[0].days.first, days_ago(300));
    assert_eq!(plan.beyond_lookback[0].days.last, days_ago(200));
    emu.shutdown().await;
}
