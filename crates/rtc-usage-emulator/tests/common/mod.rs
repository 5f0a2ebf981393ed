//! What the emulator's tests share: clients of every vendor pointed at an emulator, dates
//! relative to today, and raw signed requests (to send what the clients refuse to).

#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, Duration as Days, FixedOffset, NaiveDate, Utc};
use rtc_usage_core::signing::{self, HeaderList, SigningInput};
use rtc_usage_core::{AuthScheme, ConfigBuilder, Credentials, OperationDescriptor, RetryConfig};
use rtc_usage_emulator::{Emulator, demo_credentials};
use serde_json::Value;

/// A client configuration for `vendor` at `emu` with the demo credentials, and retries quick
/// enough for tests.
pub fn config(vendor: &str, emu: &Emulator) -> ConfigBuilder {
    rtc_usage_core::Config::builder()
        .credentials(demo_credentials(vendor).expect("a known vendor"))
        .endpoint_url(emu.url())
        .retry_config(fast_retries())
        .operation_timeout(Duration::from_secs(20))
}

pub fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

pub fn volcengine(config: ConfigBuilder) -> rtc_usage::volcengine::Client {
    rtc_usage::volcengine::Client::new(config.build().expect("a valid config")).expect("a client")
}

pub fn tencent(config: ConfigBuilder) -> rtc_usage::tencent::Client {
    rtc_usage::tencent::Client::new(config.build().expect("a valid config")).expect("a client")
}

pub fn huawei(config: ConfigBuilder) -> rtc_usage::huawei::Client {
    rtc_usage::huawei::Client::new(config.build().expect("a valid config")).expect("a client")
}

pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

/// Today in Beijing.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&beijing()).date_naive()
}

/// `days` days before today (Beijing).
pub fn days_ago(days: i64) -> NaiveDate {
    today() - Days::days(days)
}

/// 00:00 Beijing time of `day`.
pub fn midnight(day: NaiveDate) -> DateTime<FixedOffset> {
    day.and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(beijing())
        .unwrap()
}

/// Seconds per tier key, in the truth's order.
pub fn seconds(truth: &[(&'static str, u64)]) -> Vec<u64> {
    truth.iter().map(|(_, s)| *s).collect()
}

/// An answer to a raw request.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub body: Value,
    pub request_id_header: Option<String>,
}

impl Raw {
    /// The vendor's error code, wherever its envelope puts it.
    pub fn code(&self) -> Option<&str> {
        self.body["ResponseMetadata"]["Error"]["Code"]
            .as_str()
            .or_else(|| self.body["Response"]["Error"]["Code"].as_str())
            .or_else(|| self.body["error_code"].as_str())
            .or_else(|| self.body["Code"].as_str())
    }
}

/// Sends `op` with `query` and `body` as given, signed by `sign` with `credentials` now,
/// exactly as the vendor's SDK would (no local validation).
pub async fn send_raw(
    emu: &Emulator,
    op: &OperationDescriptor,
    credentials: &Credentials,
    path: &str,
    query: &[(&str, &str)],
    body: &str,
) -> Raw {
    let host = emu.addr().to_string();
    let mut headers: HeaderList = vec![
        ("Host".into(), host.clone()),
        ("Content-Type".into(), "application/json".into()),
    ];
    if op.auth == AuthScheme::HuaweiSdkHmacSha256 {
        let project = credentials.project_id().unwrap_or_default();
        headers.push(("X-Project-Id".into(), project.to_owned()));
    }
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let nonce = signing::new_nonce();
    let input = SigningInput {
        method: op.method,
        host: &host,
        path,
        query: &query,
        body: body.as_bytes(),
        region: op.default_region,
        service: op.service,
        action: op.name,
        version: op.version,
        timestamp: Utc::now().timestamp(),
        request_client: None,
        nonce: Some(&nonce),
    };
    let signed = signing::sign(op.auth, &input, &mut headers, credentials).expect("signable");
    let mut url = format!("{}{path}", emu.url());
    if !signed.query_string.is_empty() {
        url = format!("{url}?{}", signed.query_string);
    }
    let mut request = reqwest::Client::new().request(op.method.parse().unwrap(), url);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    if !body.is_empty() {
        request = request.body(body.to_owned());
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let request_id_header = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response.bytes().await.expect("a body");
    Raw {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        request_id_header,
    }
}

/// Huawei's usage path for the demo project.
pub fn huawei_path() -> String {
    format!(
        "/v1/{}/rtc/history/usage",
        rtc_usage_emulator::DEMO_HUAWEI_PROJECT_ID
    )
}

/// Huawei's scale path for the demo project.
pub fn huawei_scale_path() -> String {
    format!(
        "/v1/{}/rtc/history/scale",
        rtc_usage_emulator::DEMO_HUAWEI_PROJECT_ID
    )
}

/// A day of the last 60 whose call usage of `app` is not all zero (the vendor's idle days are
/// idle for every operation).
pub fn busy_day(vendor: &str, app: &str) -> NaiveDate {
    (2..60)
        .map(days_ago)
        .find(|d| {
            rtc_usage_emulator::truth(vendor, app, *d)
                .iter()
                .any(|(_, s)| *s > 0)
        })
        .expect("a busy day")
}
