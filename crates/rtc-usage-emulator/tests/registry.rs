//! Every usage operation of every vendor of the registry answers the ground truth, called
//! through the vendor's generic client (`VendorEntry::connect`, JSON in and out) with inputs
//! made from its spec's `usage:` block: a vendor added as specs only (BytePlus, which signs
//! and answers like Volcengine) is served with no emulator code of its own, and told apart
//! from the vendor of the same shape by its demo credentials.

mod common;

use chrono::{FixedOffset, NaiveDate, Utc};
use common::fast_retries;
use rtc_usage::Vendor;
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::usage::{AppKind, Layout, TimeFormat, UsageSpec, member};
use rtc_usage_emulator::{Emulator, default_apps, demo_credentials, truth_for};
use serde_json::{Map, Value, json};

fn calendar(op: &OperationDescriptor) -> FixedOffset {
    FixedOffset::east_opt(op.limits.day_offset_seconds).unwrap()
}

/// A request of `op` for `app` over `first..=last` (its calendar), `variant` and the spec's
/// fixed parameters set.
fn input(
    op: &OperationDescriptor,
    spec: &UsageSpec,
    app: &str,
    (first, last): (NaiveDate, NaiveDate),
    variant: Option<&str>,
) -> Value {
    let span = op.limits.span.expect("a usage operation has a span");
    let time = |day: NaiveDate| match spec.range {
        TimeFormat::Date => json!(day.to_string()),
        _ => json!(
            day.and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(calendar(op))
                .unwrap()
                .to_rfc3339()
        ),
    };
    let mut input = Map::new();
    // An app parameter that takes a looked-up key (Agora's project id) takes the app's key.
    let key = spec
        .app
        .lookup
        .map(|_| rtc_usage_emulator::demo_app_key(op.vendor, app));
    let app = key.as_deref().unwrap_or(app);
    input.insert(
        spec.app.param.to_owned(),
        match spec.app.kind {
            AppKind::Integer => json!(app.parse::<u64>().unwrap()),
            AppKind::List => json!([app]),
            _ => json!(app),
        },
    );
    input.insert(span.start_param.to_owned(), time(first));
    // A date-time end the spec reads as exclusive is the start of the day after the last.
    let end = match spec.range {
        TimeFormat::Rfc3339 if !span.end_inclusive => last.succ_opt().unwrap(),
        _ => last,
    };
    input.insert(span.end_param.to_owned(), time(end));
    if let (Some(param), Some(variant)) = (spec.variant_param, variant) {
        input.insert(param.to_owned(), json!(variant));
    }
    for fixed in spec.fixed {
        input.insert(
            fixed.name.to_owned(),
            serde_json::from_str(fixed.json).unwrap(),
        );
    }
    Value::Object(input)
}

/// Each bucket of a payload: its day and its figures per vendor tier, in seconds (the spec's
/// unit), as the spec's layout lays them out.
fn read(
    op: &OperationDescriptor,
    spec: &UsageSpec,
    payload: &Value,
) -> Vec<(NaiveDate, Vec<(String, u64)>)> {
    let seconds = |v: &Value| {
        let units = v.as_f64().expect("a figure is a number");
        (units * spec.unit.millis() as f64 / 1_000.0).round() as u64
    };
    let day = |row: &Value, time: &str| {
        spec.parse_time(member(row, time).expect("a bucket time"))
            .expect("a readable time")
            .with_timezone(&calendar(op))
            .date_naive()
    };
    let rows = |path: &str| {
        member(payload, path)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    match spec.layout {
        Layout::Fields { rows: at, time, .. } => rows(at)
            .iter()
            .map(|row| {
                let figures = spec
                    .tiers
                    .iter()
                    .map(|t| (t.name.to_owned(), member(row, t.name).map_or(0, seconds)))
                    .collect();
                (day(row, time), figures)
            })
            .collect(),
        Layout::KeyValue {
            keys,
            rows: at,
            time,
            values,
            ..
        } => {
            let keys: Vec<String> = member(payload, keys)
                .and_then(Value::as_array)
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_owned())
                .collect();
            rows(at)
                .iter()
                .map(|row| {
                    let figures = member(row, values).and_then(Value::as_array).unwrap();
                    assert_eq!(figures.len(), keys.len());
                    let figures = keys
                        .iter()
                        .cloned()
                        .zip(figures.iter().map(seconds))
                        .collect();
                    (day(row, time), figures)
                })
                .collect()
        }
        Layout::Rows {
            rows: at,
            time,
            tier,
            value,
        } => {
            let mut out: Vec<(NaiveDate, Vec<(String, u64)>)> = Vec::new();
            for row in rows(at) {
                let d = day(&row, time);
                let name = member(&row, tier)
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_owned();
                let figure = seconds(member(&row, value).unwrap());
                match out.last_mut() {
                    Some((last, figures)) if *last == d => figures.push((name, figure)),
                    _ => out.push((d, vec![(name, figure)])),
                }
            }
            out
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_usage_operation_of_every_vendor_answers_the_truth() {
    let emu = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let mut calls = 0;
    for vendor in Vendor::all() {
        let config = rtc_usage_core::Config::builder()
            .credentials(demo_credentials(vendor.id()).expect("demo credentials"))
            .endpoint_url(emu.url())
            .retry_config(fast_retries())
            .disable_rate_limit()
            .build()
            .unwrap();
        let client = (vendor.entry().connect)(config).expect("a client");
        let app = default_apps(vendor.id())[0];
        let before = emu.stats().vendor(vendor.id()).ok;
        for op in vendor.entry().operations.iter().copied() {
            let Some(spec) = op.usage else {
                continue;
            };
            let today = Utc::now().with_timezone(&calendar(op)).date_naive();
            let days = (today - chrono::Days::new(6), today - chrono::Days::new(2));
            for (variant, _) in spec.calls() {
                let payload = client
                    .call_json(op, input(op, spec, app, days, variant))
                    .await
                    .unwrap_or_else(|e| panic!("{vendor} {} {variant:?}: {e}", op.name));
                let got = read(op, spec, &payload);
                let expected: Vec<(NaiveDate, Vec<(String, u64)>)> = days
                    .0
                    .iter_days()
                    .take_while(|d| *d <= days.1)
                    .map(|d| {
                        let truth = truth_for(vendor.id(), op.name, app, d, variant);
                        (
                            d,
                            truth.into_iter().map(|(k, s)| (k.to_owned(), s)).collect(),
                        )
                    })
                    .collect();
                assert_eq!(got, expected, "{vendor} {} {variant:?}", op.name);
                calls += 1;
            }
        }
        // Every call was counted for this vendor, whichever vendor shares its shape.
        let ok = emu.stats().vendor(vendor.id()).ok - before;
        assert!(ok > 0, "{vendor}: no call answered as this vendor");
    }
    assert!(calls >= 9, "{calls} calls");
}
