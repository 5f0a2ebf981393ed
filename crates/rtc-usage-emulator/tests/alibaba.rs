//! Alibaba Cloud ARTC against the emulator (the `AlibabaRpc` shape): the generated client's
//! calls verify (ACS3, a nonce per attempt), are routed by `x-acs-action` and `x-acs-version`,
//! and answer the ground truth (call minutes per media profile in long rows, recording seconds
//! per tier for each RecordMode, one app, a comma-separated list, or every app); errors are
//! Alibaba's envelope with the spec's codes.

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate};
use common::*;
use rtc_usage::alibaba::describe_live_grtn_duration::DESCRIPTOR as DESCRIBE_LIVE_GRTN_DURATION;
use rtc_usage::alibaba::describe_live_grtn_duration::{Interval, MediaProfile};
use rtc_usage::alibaba::describe_live_rtc_record_usage_data::DESCRIPTOR as DESCRIBE_LIVE_RTC_RECORD_USAGE_DATA;
use rtc_usage::alibaba::describe_live_rtc_record_usage_data::{self as rec, RecordMode};
use rtc_usage_core::Credentials;
use rtc_usage_core::envelope::alibaba_rpc::RETRY_AFTER_HEADER;
use rtc_usage_emulator::{
    DEMO_ALIBABA_ACCESS_KEY_ID, Emulator, FaultRule, default_apps, demo_credentials, truth_for,
};

fn alibaba(config: rtc_usage_core::ConfigBuilder) -> rtc_usage::alibaba::Client {
    rtc_usage::alibaba::Client::new(config.build().expect("a valid config")).expect("a client")
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

/// 00:00 UTC of `day` (Alibaba's days are UTC days).
fn utc_midnight(day: NaiveDate) -> DateTime<FixedOffset> {
    day.and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(utc())
        .unwrap()
}

/// The truth of the call minutes of `apps` on `day`, per media profile, in seconds.
fn grtn_truth(apps: &[&str], day: NaiveDate) -> Vec<(&'static str, u64)> {
    let mut sums: Vec<(&'static str, u64)> = Vec::new();
    for app in apps {
        for (key, seconds) in truth_for("alibaba", "DescribeLiveGrtnDuration", app, day, None) {
            match sums.iter_mut().find(|(k, _)| *k == key) {
                Some((_, sum)) => *sum += seconds,
                None => sums.push((key, seconds)),
            }
        }
    }
    sums
}

/// The rows of `out` for `day` as (profile, seconds), in answer order.
fn rows_of(
    out: &rtc_usage::alibaba::DescribeLiveGrtnDurationResponse,
    day: NaiveDate,
) -> Vec<(String, u64)> {
    out.stream_detail_data
        .stream_data
        .iter()
        .filter(|row| row.time_stamp == utc_midnight(day))
        .map(|row| {
            let seconds = u64::try_from(row.duration).unwrap() * 60;
            (row.media_profile.as_str().to_owned(), seconds)
        })
        .collect()
}

fn owned(truth: &[(&'static str, u64)]) -> Vec<(String, u64)> {
    truth.iter().map(|(k, s)| ((*k).to_owned(), *s)).collect()
}

#[tokio::test]
async fn grtn_is_the_truth_for_one_app_a_list_and_every_app() {
    let emu = Emulator::start().await.unwrap();
    let client = alibaba(config("alibaba", &emu));
    let apps = default_apps("alibaba");
    assert_eq!(apps[0], "4346289a-a790-4869-9e23-22766d5e0001");
    let (first, last) = (days_ago(9), days_ago(3));
    let call = |app: Option<String>| {
        let mut builder = client
            .describe_live_grtn_duration()
            .start_time(utc_midnight(first))
            .end_time(utc_midnight(last.succ_opt().unwrap()))
            .interval(Interval::V86400);
        if let Some(app) = app {
            builder = builder.app_id(app);
        }
        builder.send()
    };
    let one = call(Some(apps[0].to_owned())).await.unwrap();
    let two = call(Some(format!("{},{}", apps[0], apps[2])))
        .await
        .unwrap();
    let all = call(None).await.unwrap();
    for day in first.iter_days().take_while(|d| *d <= last) {
        assert_eq!(
            rows_of(&one, day),
            owned(&grtn_truth(&apps[..1], day)),
            "{day}"
        );
        assert_eq!(
            rows_of(&two, day),
            owned(&grtn_truth(&[apps[0], apps[2]], day)),
            "{day}"
        );
        assert_eq!(rows_of(&all, day), owned(&grtn_truth(apps, day)), "{day}");
    }
    // Four profiles a day, the audio one the string "0"; no bucket outside the range (the
    // end is exclusive).
    assert_eq!(one.stream_detail_data.stream_data.len(), 7 * 4);
    assert_eq!(
        one.stream_detail_data.stream_data[0].media_profile,
        MediaProfile::V0
    );
    assert!(one.request_id.is_some());
}

#[tokio::test]
async fn recording_is_the_truth_per_record_mode() {
    let emu = Emulator::start().await.unwrap();
    let client = alibaba(config("alibaba", &emu));
    let app = default_apps("alibaba")[1];
    let (first, last) = (days_ago(6), days_ago(2));
    for (mode, variant) in [(RecordMode::V0, "0"), (RecordMode::V1, "1")] {
        let out = client
            .describe_live_rtc_record_usage_data()
            .app_id(app)
            .record_mode(mode)
            .interval(rec::Interval::V86400)
            .start_time(utc_midnight(first))
            .end_time(utc_midnight(last.succ_opt().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(out.data.len(), 5, "{variant}");
        for (row, day) in out.data.iter().zip(first.iter_days()) {
            assert_eq!(row.timestamp, utc_midnight(day));
            let got = [
                row.audio_duration,
                row.v480_duration,
                row.v720_duration,
                row.v1080_duration,
            ]
            .map(|s| s as u64);
            let truth = truth_for(
                "alibaba",
                "DescribeLiveRtcRecordUsageData",
                app,
                day,
                Some(variant),
            );
            assert_eq!(got.to_vec(), seconds(&truth), "{variant} {day}");
            assert_eq!(row.total_duration as u64, got.iter().sum::<u64>());
        }
    }
}

#[tokio::test]
async fn errors_are_alibabas_envelope_and_codes() {
    let emu = Emulator::start().await.unwrap();
    let creds = demo_credentials("alibaba").unwrap();
    let app = default_apps("alibaba")[0];
    let start = utc_midnight(days_ago(3)).to_rfc3339();
    let end = utc_midnight(days_ago(2)).to_rfc3339();
    let query = |extra: &[(&'static str, &'static str)]| {
        let mut q: Vec<(&str, String)> = vec![
            ("StartTime", start.clone()),
            ("EndTime", end.clone()),
            ("AppId", app.to_owned()),
        ];
        q.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        q
    };
    let send = |op, creds: Credentials, q: Vec<(&'static str, String)>| {
        let emu = &emu;
        async move {
            let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send_raw(emu, op, &creds, "/", &q, "").await
        }
    };

    // A good request, raw: the bare payload with its RequestId.
    let ok = send(&DESCRIBE_LIVE_GRTN_DURATION, creds.clone(), query(&[])).await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    assert!(ok.body["RequestId"].is_string());
    assert!(ok.body["StreamDetailData"]["StreamData"].is_array());

    // A wrong secret; an unknown access key.
    let wrong = Credentials::new(DEMO_ALIBABA_ACCESS_KEY_ID, "not-the-secret");
    let answer = send(&DESCRIBE_LIVE_GRTN_DURATION, wrong, query(&[])).await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("SignatureDoesNotMatch"))
    );
    for member in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
        assert!(
            answer.body[member].is_string(),
            "{member}: {:?}",
            answer.body
        );
    }
    let unknown = Credentials::new("LTAI5tSomebodyElse", "secret");
    let answer = send(&DESCRIBE_LIVE_GRTN_DURATION, unknown, query(&[])).await;
    // Told apart by its access key from no other vendor: routed to Alibaba by its shape.
    assert_eq!(answer.status, 404, "{:?}", answer.body);
    assert_eq!(answer.code(), Some("InvalidAccessKeyId.NotFound"));

    // An app not in the account, in a list.
    let answer = send(
        &DESCRIBE_LIVE_GRTN_DURATION,
        creds.clone(),
        vec![
            ("StartTime", start.clone()),
            ("EndTime", end.clone()),
            ("AppId", format!("{app},no-such-app")),
        ],
    )
    .await;
    assert_eq!(
        (answer.status, answer.code()),
        (404, Some("InvalidAppId.NotFound"))
    );

    // RecordMode: missing, and not one the spec knows.
    let answer = send(
        &DESCRIBE_LIVE_RTC_RECORD_USAGE_DATA,
        creds.clone(),
        query(&[]),
    )
    .await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("MissingParameter"))
    );
    let answer = send(
        &DESCRIBE_LIVE_RTC_RECORD_USAGE_DATA,
        creds.clone(),
        query(&[("RecordMode", "2")]),
    )
    .await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("InvalidParameter"))
    );

    // Over the span.
    let answer = send(
        &DESCRIBE_LIVE_GRTN_DURATION,
        creds.clone(),
        vec![
            ("StartTime", utc_midnight(days_ago(40)).to_rfc3339()),
            ("EndTime", utc_midnight(days_ago(2)).to_rfc3339()),
        ],
    )
    .await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("InvalidParameter"))
    );
}

#[tokio::test]
async fn unknown_actions_and_versions_are_not_found() {
    let emu = Emulator::start().await.unwrap();
    let creds = demo_credentials("alibaba").unwrap();
    // An operation of the same shape the specs do not have, and one at another version.
    let mut other = DESCRIBE_LIVE_GRTN_DURATION;
    other.name = "DescribeLiveSomethingElse";
    let other: &'static _ = Box::leak(Box::new(other));
    let answer = send_raw(&emu, other, &creds, "/", &[], "").await;
    assert_eq!(
        (answer.status, answer.code()),
        (404, Some("InvalidAction.NotFound"))
    );
    let mut older = DESCRIBE_LIVE_GRTN_DURATION;
    older.version = "2014-01-01";
    let older: &'static _ = Box::leak(Box::new(older));
    let answer = send_raw(&emu, older, &creds, "/", &[], "").await;
    assert_eq!(
        (answer.status, answer.code()),
        (404, Some("InvalidAction.NotFound"))
    );
}

/// Over the documented rate (10 per second, exactly, by arrival), the throttling answer's
/// `x-acs-retry-after` is the true wait until a request would be admitted.
#[tokio::test]
async fn over_the_rate_the_answer_says_how_long_to_wait() {
    let emu = Emulator::builder().start().await.unwrap();
    let creds = demo_credentials("alibaba").unwrap();
    let start = utc_midnight(days_ago(3)).to_rfc3339();
    let end = utc_midnight(days_ago(2)).to_rfc3339();
    let q = [("StartTime", start.as_str()), ("EndTime", end.as_str())];
    let rate = DESCRIBE_LIVE_GRTN_DURATION.limits.rate.unwrap();
    let began = std::time::Instant::now();
    let mut answers = Vec::new();
    for _ in 0..=rate.requests {
        answers.push(reqwest_raw(&emu, &creds, &q).await);
    }
    if began.elapsed() >= rate.per {
        eprintln!("note: the burst took longer than one window; nothing to check");
        return;
    }
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    assert!(
        statuses[..rate.requests as usize].iter().all(|s| *s == 200),
        "{statuses:?}"
    );
    let last = answers.last().unwrap();
    assert_eq!(
        (last.0, &last.1["Code"]),
        (429, &serde_json::json!("Throttling.User"))
    );
    // The window opens `per` after the first admission, which came after `began`.
    let wait: u64 = last.2.as_deref().unwrap().parse().unwrap();
    let per = rate.per.as_millis() as u64;
    let at_least = per.saturating_sub(began.elapsed().as_millis() as u64 + 1);
    assert!(
        (at_least..=per).contains(&wait),
        "waits {wait} ms; between {at_least} and {per} ms are left"
    );
}

#[tokio::test]
async fn throttling_is_answered_with_a_throttling_code_and_retried_by_the_client() {
    let emu = Emulator::builder()
        .fault(
            FaultRule::new(rtc_usage_emulator::Fault::Throttle)
                .vendor("alibaba".parse().unwrap())
                .times(1),
        )
        .start()
        .await
        .unwrap();
    let creds = demo_credentials("alibaba").unwrap();
    let start = utc_midnight(days_ago(3)).to_rfc3339();
    let end = utc_midnight(days_ago(2)).to_rfc3339();
    let q = [("StartTime", start.as_str()), ("EndTime", end.as_str())];
    let raw = reqwest_raw(&emu, &creds, &q).await;
    assert_eq!(raw.0, 429);
    assert_eq!(raw.1["Code"], "Throttling.User");
    assert_eq!(raw.2.as_deref(), Some("1000"), "{RETRY_AFTER_HEADER}");
    // The rule is spent: the client's call goes through.
    let client = alibaba(config("alibaba", &emu));
    client
        .describe_live_grtn_duration()
        .start_time(utc_midnight(days_ago(3)))
        .end_time(utc_midnight(days_ago(2)))
        .send()
        .await
        .unwrap();
}

/// A raw signed Grtn request: status, body and the `x-acs-retry-after` header.
async fn reqwest_raw(
    emu: &Emulator,
    creds: &Credentials,
    query: &[(&str, &str)],
) -> (u16, serde_json::Value, Option<String>) {
    use rtc_usage_core::signing::{self, HeaderList, SigningInput};
    let op = &DESCRIBE_LIVE_GRTN_DURATION;
    let host = emu.addr().to_string();
    let mut headers: HeaderList = vec![("Host".into(), host.clone())];
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let nonce = signing::new_nonce();
    let input = SigningInput {
        method: op.method,
        host: &host,
        path: "/",
        query: &query,
        service: op.service,
        action: op.name,
        version: op.version,
        timestamp: chrono::Utc::now().timestamp(),
        nonce: Some(&nonce),
        ..SigningInput::default()
    };
    let signed = signing::sign(op.auth, &input, &mut headers, creds).unwrap();
    let url = format!("{}/?{}", emu.url(), signed.query_string);
    let mut request = reqwest::Client::new().post(url);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (status, body, retry_after)
}
