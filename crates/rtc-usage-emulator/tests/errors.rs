//! The vendors' own errors: bad credentials and clocks through the real clients, and requests
//! the clients refuse to send (too long, swapped, missing), sent raw and signed.

mod common;

use std::sync::Arc;

use chrono::{Duration, Utc};
use common::*;
use rtc_usage::huawei::list_rtc_history_usage::Metric;
use rtc_usage_core::{Credentials, ErrorKind, FixedClock};
use rtc_usage_emulator::{DEMO_HUAWEI_PROJECT_ID, Emulator, default_apps, demo_credentials};

/// Calls each vendor's usage operation for its first default app with `credentials(vendor)`
/// and returns the three errors (Volcengine, Tencent, Huawei).
async fn call_all(
    emu: &Emulator,
    credentials: impl Fn(&str) -> Credentials,
) -> [rtc_usage_core::Error; 3] {
    let cfg = |vendor: &str| config(vendor, emu).credentials(credentials(vendor));
    let day = days_ago(2);
    let volc = volcengine(cfg("volcengine"))
        .list_usages()
        .app_id(default_apps("volcengine")[0])
        .start_time(midnight(day))
        .end_time(midnight(day))
        .send()
        .await;
    let tc = tencent(cfg("tencent"))
        .describe_trtc_usage()
        .sdk_app_id(1_400_000_001u64)
        .start_time(day)
        .end_time(day)
        .send()
        .await;
    let hw = huawei(cfg("huawei"))
        .list_rtc_history_usage()
        .app(default_apps("huawei")[0])
        .metric(Metric::CommunicationDuration)
        .start_date(day)
        .end_date(day)
        .send()
        .await;
    [volc.unwrap_err(), tc.unwrap_err(), hw.unwrap_err()]
}

fn codes(errors: &[rtc_usage_core::Error; 3]) -> [(ErrorKind, Option<&str>); 3] {
    errors.each_ref().map(|e| (e.kind(), e.code()))
}

#[tokio::test]
async fn a_wrong_secret_is_each_vendors_auth_error() {
    let emu = Emulator::start().await.unwrap();
    let errors = call_all(&emu, |vendor| {
        let demo = demo_credentials(vendor).unwrap();
        let wrong = Credentials::new(demo.access_key_id(), "not-the-secret");
        match demo.project_id() {
            Some(p) => wrong.with_project_id(p),
            None => wrong,
        }
    })
    .await;
    assert_eq!(
        codes(&errors),
        [
            (ErrorKind::Auth, Some("SignatureDoesNotMatch")),
            (ErrorKind::Auth, Some("AuthFailure.SignatureFailure")),
            (ErrorKind::Auth, Some("APIGW.0301")),
        ]
    );
    assert_eq!(errors[0].http_status(), Some(401));
    assert!(
        errors[0].message().contains("100010"),
        "CodeN: {}",
        errors[0].message()
    );
    assert_eq!(errors[2].http_status(), Some(401));
    assert!(errors[2].request_id().is_some(), "Huawei's X-Request-Id");
    for e in &errors {
        assert_eq!(e.attempts(), 1, "auth errors are not retried");
        assert!(!e.to_string().contains("not-the-secret"));
    }
    let stats = emu.stats();
    assert_eq!((stats.requests, stats.signature_failures), (3, 3));
}

#[tokio::test]
async fn an_unknown_access_key_is_named_as_such() {
    let emu = Emulator::start().await.unwrap();
    let errors = call_all(&emu, |_| {
        Credentials::new("AKunknown", "secret").with_project_id(DEMO_HUAWEI_PROJECT_ID)
    })
    .await;
    assert_eq!(
        codes(&errors),
        [
            (ErrorKind::Auth, Some("InvalidAccessKey")),
            (ErrorKind::Auth, Some("AuthFailure.SecretIdNotFound")),
            (ErrorKind::Auth, Some("APIGW.0301")),
        ]
    );
}

#[tokio::test]
async fn another_project_is_refused_by_huawei() {
    let emu = Emulator::start().await.unwrap();
    let demo = demo_credentials("huawei").unwrap();
    let other = Credentials::new(
        demo.access_key_id(),
        demo.secret_access_key().expose_secret(),
    )
    .with_project_id("another-project");
    let err = huawei(config("huawei", &emu).credentials(other))
        .list_rtc_history_usage()
        .app(default_apps("huawei")[0])
        .metric(Metric::CommunicationDuration)
        .start_date(days_ago(2))
        .end_date(days_ago(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Auth, Some("APIGW.0301"))
    );
}

#[tokio::test]
async fn a_clock_off_by_ten_minutes_is_refused() {
    let ahead = Utc::now() + Duration::minutes(10);
    let emu = Emulator::builder()
        .clock(Arc::new(FixedClock(ahead)))
        .start()
        .await
        .unwrap();
    let errors = call_all(&emu, |vendor| demo_credentials(vendor).unwrap()).await;
    assert_eq!(
        codes(&errors),
        [
            (ErrorKind::ClockSkew, Some("InvalidTimestamp")),
            (ErrorKind::ClockSkew, Some("AuthFailure.SignatureExpire")),
            (ErrorKind::Auth, Some("APIGW.0301")),
        ]
    );
}

#[tokio::test]
async fn ranges_the_clients_refuse_get_the_vendors_invalid_parameter_errors() {
    let emu = Emulator::start().await.unwrap();
    let volc = &rtc_usage::volcengine::list_usages::DESCRIPTOR;
    let volc_query = [("Action", "ListUsages"), ("Version", "2020-12-01")];
    let volc_body = |start: chrono::NaiveDate, end: chrono::NaiveDate| {
        format!(
            r#"{{"AppId":"{}","StartTime":"{}","EndTime":"{}"}}"#,
            default_apps("volcengine")[0],
            midnight(start).to_rfc3339(),
            midnight(end).to_rfc3339()
        )
    };
    let creds = demo_credentials("volcengine").unwrap();
    let too_long = send_raw(
        &emu,
        volc,
        &creds,
        "/",
        &volc_query,
        &volc_body(days_ago(40), days_ago(1)),
    )
    .await;
    assert_eq!(
        (too_long.status, too_long.code()),
        (400, Some("InvalidParameter.OutofTimeRange"))
    );
    let swapped = send_raw(
        &emu,
        volc,
        &creds,
        "/",
        &volc_query,
        &volc_body(days_ago(1), days_ago(2)),
    )
    .await;
    assert_eq!(
        (swapped.status, swapped.code()),
        (400, Some("InvalidParameter.StartTimeAfterEndTime"))
    );
    assert_eq!(swapped.body["ResponseMetadata"]["Action"], "ListUsages");

    let tc = &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR;
    let creds = demo_credentials("tencent").unwrap();
    let too_long = format!(
        r#"{{"StartTime":"{}","EndTime":"{}","SdkAppId":1400000001}}"#,
        days_ago(40),
        days_ago(9)
    );
    let answer = send_raw(&emu, tc, &creds, "/", &[], &too_long).await;
    assert_eq!(
        (answer.status, answer.code()),
        (200, Some("InvalidParameter.QueryScaleOversize"))
    );
    // The document's own example, with its dates swapped.
    let documented =
        r#"{"EndTime": "2022-01-01", "StartTime": "2022-01-02", "SdkAppId": 1400000001}"#;
    let answer = send_raw(&emu, tc, &creds, "/", &[], documented).await;
    assert_eq!(
        (answer.status, answer.code()),
        (200, Some("InvalidParameter"))
    );
    assert!(answer.body["Response"]["RequestId"].is_string());

    let hw = &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR;
    let creds = demo_credentials("huawei").unwrap();
    let (start, end) = (days_ago(1).to_string(), days_ago(2).to_string());
    let query = [
        ("app", default_apps("huawei")[0]),
        ("metric", "CommunicationDuration"),
        ("start_date", start.as_str()),
        ("end_date", end.as_str()),
    ];
    let answer = send_raw(&emu, hw, &creds, &huawei_path(), &query, "").await;
    assert_eq!((answer.status, answer.code()), (400, Some("RTC.00001003")));
    assert!(answer.request_id_header.is_some());
    assert_eq!(emu.stats().rejected, 5);
}

#[tokio::test]
async fn missing_parameters_and_unknown_apps() {
    // Many calls of one operation, none about the rate.
    let emu = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let volc = &rtc_usage::volcengine::list_usages::DESCRIPTOR;
    let creds = demo_credentials("volcengine").unwrap();
    let query = [("Action", "ListUsages"), ("Version", "2020-12-01")];
    let answer = send_raw(&emu, volc, &creds, "/", &query, "{}").await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("MissingParameter"))
    );
    assert_eq!(answer.body["ResponseMetadata"]["Error"]["CodeN"], 100_002);
    let answer = send_raw(&emu, volc, &creds, "/", &query, "{not json").await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("InvalidParameter"))
    );
    let unknown = [("Action", "ListRooms"), ("Version", "2020-12-01")];
    let answer = send_raw(&emu, volc, &creds, "/", &unknown, "{}").await;
    assert_eq!(
        (answer.status, answer.code()),
        (404, Some("InvalidActionOrVersion"))
    );

    let hw = &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR;
    let creds = demo_credentials("huawei").unwrap();
    let query = [
        ("metric", "CommunicationDuration"),
        ("start_date", "2026-01-01"),
        ("end_date", "2026-01-02"),
    ];
    let answer = send_raw(&emu, hw, &creds, &huawei_path(), &query, "").await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("DATA.100011001"))
    );
    assert_eq!(
        answer.body["error_msg"],
        "Required String parameter 'app' is not present"
    );

    let day = days_ago(2);
    let volc_err = volcengine(config("volcengine", &emu))
        .list_usages()
        .app_id("000000000000000000000000")
        .start_time(midnight(day))
        .end_time(midnight(day))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (volc_err.kind(), volc_err.code()),
        (ErrorKind::NotFound, Some("InvalidParameter.NotExistAppId"))
    );
    let tc_err = tencent(config("tencent", &emu))
        .describe_trtc_usage()
        .sdk_app_id(1_499_999_999u64)
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (tc_err.kind(), tc_err.code()),
        (
            ErrorKind::NotFound,
            Some("FailedOperation.SdkAppIdNotExist")
        )
    );
}

/// The new operations' own checks, sent raw where the clients refuse locally: Tencent's
/// required `MixType`, Huawei's scale metrics, span and look-back, Volcengine 2023-11-01's span.
#[tokio::test]
async fn the_new_operations_check_their_own_parameters_and_limits() {
    let emu = Emulator::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let recording = &rtc_usage::tencent::describe_recording_usage::DESCRIPTOR;
    let creds = demo_credentials("tencent").unwrap();
    let day = days_ago(2);
    let body = |mix: &str| {
        format!(r#"{{"StartTime":"{day}","EndTime":"{day}","SdkAppId":1400000001{mix}}}"#)
    };
    let missing = send_raw(&emu, recording, &creds, "/", &[], &body("")).await;
    assert_eq!(
        (missing.status, missing.code()),
        (200, Some("MissingParameter"))
    );
    let message = missing.body["Response"]["Error"]["Message"]
        .as_str()
        .unwrap();
    assert!(message.contains("MixType"), "{message}");
    let unknown = send_raw(
        &emu,
        recording,
        &creds,
        "/",
        &[],
        &body(r#","MixType":"both""#),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (200, Some("InvalidParameterValue"))
    );
    let ok = send_raw(
        &emu,
        recording,
        &creds,
        "/",
        &[],
        &body(r#","MixType":"multi""#),
    )
    .await;
    assert_eq!(
        ok.body["Response"]["UsageList"].as_array().map(Vec::len),
        Some(288)
    );
    // The client refuses a missing MixType before sending anything.
    let requests = emu.requests();
    let local = tencent(config("tencent", &emu))
        .describe_recording_usage()
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .unwrap_err();
    assert_eq!(local.kind(), ErrorKind::InvalidInput);
    assert_eq!(emu.requests(), requests);

    let scale = &rtc_usage::huawei::list_rtc_history_scale::DESCRIPTOR;
    let creds = demo_credentials("huawei").unwrap();
    let app = default_apps("huawei")[0];
    let (long_ago, recent) = (days_ago(40).to_string(), days_ago(2).to_string());
    type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);
    let cases: [Case; 5] = [
        (
            &[("app", app), ("metric", "UserCount"), ("metric", "Nothing")],
            400,
            "RTC.00001003",
        ),
        (
            &[("app", app), ("start_date", &recent)],
            400,
            "DATA.100011001",
        ),
        (
            &[
                ("app", app),
                ("metric", "RoomCount"),
                ("start_date", &long_ago),
                ("end_date", &recent),
            ],
            400,
            "RTC.00001003",
        ),
        (
            &[
                ("app", app),
                ("metric", "RoomCount"),
                ("start_date", &long_ago),
            ],
            400,
            "RTC.00001003",
        ),
        (
            &[
                ("app", app),
                ("metric", "RoomCount"),
                ("start_date", &recent),
            ],
            200,
            "",
        ),
    ];
    for (query, status, code) in cases {
        let answer = send_raw(&emu, scale, &creds, &huawei_scale_path(), query, "").await;
        assert_eq!(answer.status, status, "{query:?}: {answer:?}");
        assert_eq!(answer.code().unwrap_or_default(), code, "{query:?}");
    }

    let usages = &rtc_usage::volcengine::list_usages_2023_11_01::DESCRIPTOR;
    let creds = demo_credentials("volcengine").unwrap();
    let body = format!(
        r#"{{"AppId":"{}","StartTime":"{}","EndTime":"{}"}}"#,
        default_apps("volcengine")[0],
        midnight(days_ago(40)).to_rfc3339(),
        midnight(days_ago(1)).to_rfc3339()
    );
    let query = [("Action", "ListUsages"), ("Version", "2023-11-01")];
    let answer = send_raw(&emu, usages, &creds, "/", &query, &body).await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("InvalidParameter.OutofTimeRange"))
    );
    assert_eq!(answer.body["ResponseMetadata"]["Version"], "2023-11-01");
    let missing = send_raw(&emu, usages, &creds, "/", &query, r#"{"AppId":"x"}"#).await;
    assert_eq!(missing.code(), Some("MissingParameter"));
}

/// Unconfirmed limits are left to the vendor by the clients; on request the emulator enforces
/// them, and the client maps the vendor's refusal.
#[tokio::test]
async fn enforce_unconfirmed_refuses_what_the_clients_let_through() {
    let lenient = Emulator::start().await.unwrap();
    let strict = Emulator::builder()
        .enforce_unconfirmed(true)
        .start()
        .await
        .unwrap();
    let (start, end) = (days_ago(40), days_ago(35));
    for (emu, ok) in [(&lenient, true), (&strict, false)] {
        let volc = volcengine(config("volcengine", emu))
            .list_usages()
            .app_id(default_apps("volcengine")[0])
            .start_time(midnight(start))
            .end_time(midnight(end))
            .send()
            .await;
        let hw = huawei(config("huawei", emu))
            .list_rtc_history_usage()
            .app(default_apps("huawei")[0])
            .metric(Metric::CommunicationDuration)
            .start_date(days_ago(45))
            .end_date(days_ago(1))
            .send()
            .await;
        if ok {
            assert_eq!(volc.unwrap().usages.len(), 6);
            assert_eq!(hw.unwrap().usage.len(), 45);
        } else {
            let volc = volc.unwrap_err();
            assert_eq!(
                (volc.kind(), volc.code()),
                (
                    ErrorKind::InvalidParameter,
                    Some("InvalidParameter.OutofTimeRange")
                )
            );
            assert!(volc.message().contains("look-back"), "{volc}");
            let hw = hw.unwrap_err();
            assert_eq!(
                (hw.kind(), hw.code()),
                (ErrorKind::InvalidParameter, Some("RTC.00001003"))
            );
        }
    }
}

/// Junk of every kind gets an answer (or a closed connection), never a crash: the emulator
/// still serves afterwards.
#[tokio::test]
async fn junk_never_stops_the_emulator() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let emu = Emulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = emu.url();
    let big = "x".repeat(200 * 1024);
    let sends = [
        http.get(format!("{url}/")),
        http.get(format!("{url}/v1/")),
        http.get(format!(
            "{url}/v1/p/rtc/history/usage?app=%FF%FE&&=&start_date=.."
        )),
        http.post(format!("{url}/?Action=ListUsages&Version=2020-12-01"))
            .body("{\"AppId\":"),
        http.post(format!("{url}/?Action=ListUsages"))
            .body(big.clone()),
        http.post(format!("{url}/"))
            .header("X-TC-Action", "DescribeTrtcUsage")
            .body(big),
        http.post(format!("{url}/"))
            .header("X-TC-Action", "DescribeTrtcUsage")
            .header("X-TC-Version", "2019-07-22")
            .header(
                "Authorization",
                "TC3-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=;, Signature=",
            )
            .header("X-TC-Timestamp", "-99999999999999999999")
            .body("[]"),
        http.post(format!("{url}/?Action=ListUsages&Version=2020-12-01"))
            .header(
                "Authorization",
                "HMAC-SHA256 Credential=AKLTemulatorDemoVolcengine/x/y/rtc/request",
            )
            .header("X-Date", "20991301T000000Z")
            .body("\u{0}"),
    ];
    for send in sends {
        let answer = send.send().await.unwrap();
        assert!(answer.status().as_u16() < 500, "{}", answer.status());
    }
    for raw in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\nX-TC-Action: \xff\r\nConnection: close\r\n\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
        stream.write_all(raw).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
    }
    // Signed requests at the ends of the calendar.
    let (max_time, max_date, min_date) =
        ("+262142-12-31T23:00:00Z", "+262142-12-31", "-262143-01-01");
    let volc_query = |action| [("Action", action), ("Version", "2020-12-01")];
    let volc_body = format!(
        r#"{{"AppId":"{}","StartTime":"{max_time}","EndTime":"{max_time}","Indicator":"user_num","Dimension":"province"}}"#,
        default_apps("volcengine")[0]
    );
    let creds = demo_credentials("volcengine").unwrap();
    for op in rtc_usage::volcengine::OPERATIONS {
        let answer = send_raw(&emu, op, &creds, "/", &volc_query(op.name), &volc_body).await;
        assert!(answer.status < 500, "{}: {answer:?}", op.name);
    }
    let creds = demo_credentials("tencent").unwrap();
    let tc = &rtc_usage::tencent::describe_trtc_usage::DESCRIPTOR;
    for date in [max_date, min_date] {
        let body = format!(r#"{{"StartTime":"{date}","EndTime":"{date}"}}"#);
        let answer = send_raw(&emu, tc, &creds, "/", &[], &body).await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    let creds = demo_credentials("huawei").unwrap();
    let hw = &rtc_usage::huawei::list_rtc_history_usage::DESCRIPTOR;
    for (start, end) in [(max_date, max_date), (min_date, max_date)] {
        let query = [
            ("app", default_apps("huawei")[0]),
            ("metric", "CommunicationDuration"),
            ("start_date", start),
            ("end_date", end),
        ];
        let answer = send_raw(&emu, hw, &creds, &huawei_path(), &query, "").await;
        assert!(answer.status < 500, "{answer:?}");
    }

    let day = days_ago(2);
    let out = tencent(config("tencent", &emu))
        .describe_trtc_usage()
        .sdk_app_id(1_400_000_001u64)
        .start_time(day)
        .end_time(day)
        .send()
        .await
        .unwrap();
    assert_eq!(out.usage_list.len(), 288);
    assert!(emu.requests() >= 9);
}
