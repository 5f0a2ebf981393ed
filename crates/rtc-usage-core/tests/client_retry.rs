//! The client against a local mock server: retries, fresh signatures per attempt, timeouts,
//! the retry budget, and the exact headers on the wire.

mod common;

use std::time::Duration;

use common::*;
use rtc_usage_core::signing::{self, HeaderList, SigningInput};
use rtc_usage_core::{Client, ErrorKind, FixedClock, RetryConfig};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn json(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, "application/json")
}

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("header {name} missing"))
        .to_str()
        .expect("ASCII")
}

async fn volc_client(server: &MockServer) -> Client {
    Client::new(&VOLCENGINE, test_config(&server.uri()).build().unwrap()).unwrap()
}

fn volc_input() -> VolcInput {
    VolcInput {
        app_id: "app-1".into(),
    }
}

#[tokio::test]
async fn volcengine_throttled_then_success_is_resigned_with_a_fresh_timestamp() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(
            429,
            volc_error_body("FlowLimitExceeded.QPSOverLimit", "r-throttled"),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(200, volc_ok_body()))
        .mount(&server)
        .await;
    let client = volc_client(&server).await;
    let out = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap();
    assert_eq!(out.usages[0].audio, 12345);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let (d1, d2) = (
        header(&requests[0], "x-date"),
        header(&requests[1], "x-date"),
    );
    assert_ne!(d1, d2, "each attempt is signed at its own time");
    assert_ne!(
        header(&requests[0], "authorization"),
        header(&requests[1], "authorization")
    );
    assert_eq!(requests[0].body, requests[1].body, "the same body bytes");
    assert_eq!(requests[0].url.query(), requests[1].url.query());
}

#[tokio::test]
async fn tencent_throttled_on_http_200_then_success_is_resigned() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(
            200,
            tencent_error_body("RequestLimitExceeded", "tc-r1"),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(200, tencent_ok_body(2)))
        .mount(&server)
        .await;
    let client = Client::new(&TENCENT, test_config(&server.uri()).build().unwrap()).unwrap();
    let out = client
        .execute::<TencentDescribe>(&TencentInput { sdk_app_id: 1400 })
        .await
        .unwrap();
    assert_eq!(out.usage_list.len(), 2);
    assert_eq!(out.request_id, "tc-req-ok");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        header(&requests[0], "x-tc-timestamp"),
        header(&requests[1], "x-tc-timestamp")
    );
    assert_eq!(header(&requests[0], "x-tc-action"), "DescribeTrtcUsage");
    assert_eq!(header(&requests[0], "x-tc-version"), "2019-07-22");
    assert_eq!(header(&requests[0], "x-tc-region"), "ap-guangzhou");
}

#[tokio::test]
async fn huawei_throttled_then_success_is_resigned() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json(
                429,
                r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#.into(),
            )
            .insert_header("X-Request-Id", "hw-r1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(huawei_path()))
        .respond_with(json(200, huawei_ok_body()))
        .mount(&server)
        .await;
    let client = Client::new(&HUAWEI, test_config(&server.uri()).build().unwrap()).unwrap();
    let out = client
        .execute::<HuaweiHistory>(&HuaweiInput { app: "app1".into() })
        .await
        .unwrap();
    assert_eq!(out.usage[0].audio, 4);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        header(&requests[0], "x-sdk-date"),
        header(&requests[1], "x-sdk-date")
    );
    assert_eq!(header(&requests[0], "x-project-id"), PROJECT);
}

#[tokio::test]
async fn persistent_throttling_stops_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(
            429,
            volc_error_body("FlowLimitExceeded.QPSOverLimit", "r-429"),
        ))
        .mount(&server)
        .await;
    let client = volc_client(&server).await;
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.code(), Some("FlowLimitExceeded.QPSOverLimit"));
    assert_eq!(err.request_id(), Some("r-429"));
    assert_eq!(err.http_status(), Some(429));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn max_attempts_is_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let config = test_config(&server.uri())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 5);
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
}

#[tokio::test]
async fn server_error_then_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(500, volc_error_body("InternalError", "r-500")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(200, volc_ok_body()))
        .mount(&server)
        .await;
    let client = volc_client(&server).await;
    client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    // The success refunded the retry's cost.
    assert_eq!(
        client.retry_budget().available(),
        client.retry_budget().capacity()
    );
}

#[tokio::test]
async fn auth_error_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(401, volc_error_body("SignatureDoesNotMatch", "r-401")))
        .mount(&server)
        .await;
    let client = volc_client(&server).await;
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.attempts(), 1);
    assert!(err.hint().is_some());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn tencent_clock_skew_and_invalid_parameter_are_not_retried() {
    for (code, kind) in [
        ("AuthFailure.SignatureExpire", ErrorKind::ClockSkew),
        ("InvalidParameter.SdkAppId", ErrorKind::InvalidParameter),
        ("AuthFailure.SecretIdNotFound", ErrorKind::Auth),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json(200, tencent_error_body(code, "tc-r")))
            .mount(&server)
            .await;
        let client = Client::new(&TENCENT, test_config(&server.uri()).build().unwrap()).unwrap();
        let err = client
            .execute::<TencentDescribe>(&TencentInput { sdk_app_id: 1 })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{code}");
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{code}");
    }
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, volc_ok_body()).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let config = test_config(&server.uri())
        .attempt_timeout(Duration::from_millis(100))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 1);
    assert!(err.message().contains("attempt timeout"), "{err}");
}

#[tokio::test]
async fn timeouts_are_retried_until_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, volc_ok_body()).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let config = test_config(&server.uri())
        .attempt_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 3);
    // Timeout retries cost 10 tokens each.
    assert_eq!(
        client.retry_budget().available(),
        client.retry_budget().capacity() - 20
    );
}

#[tokio::test]
async fn the_operation_timeout_bounds_all_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, volc_ok_body()).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let config = test_config(&server.uri())
        .attempt_timeout(Duration::from_secs(2))
        .operation_timeout(Duration::from_millis(300))
        .retry_config(RetryConfig::standard().with_max_attempts(10))
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.attempts(), 1, "{err}");
    assert!(err.message().contains("operation timeout"), "{err}");
}

#[tokio::test]
async fn an_exhausted_retry_budget_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .mount(&server)
        .await;
    // Room for exactly one retry (cost 5).
    let config = test_config(&server.uri())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(1))
                .with_budget_capacity(5),
        )
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.attempts(), 2);
    assert_eq!(client.retry_budget().available(), 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A clone shares the budget: no retry at all now.
    let err = client
        .clone()
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind a port, then free it: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = test_config(&format!("http://127.0.0.1:{port}"))
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(std::error::Error::source(&err).is_some());
    // The URL (and its query) is not in the message.
    assert!(!err.to_string().contains("Action="), "{err}");
}

/// The request on the wire is exactly the signed one: every header the signer produced, with
/// the same value; the signed query string verbatim; the signed body; nothing else signed.
#[tokio::test]
async fn the_client_sends_exactly_the_headers_it_signed() {
    const T: i64 = 1_641_081_600;
    for vendor in ["volcengine", "tencent", "huawei"] {
        let server = MockServer::start().await;
        let body = match vendor {
            "volcengine" => volc_ok_body(),
            "tencent" => tencent_ok_body(1),
            _ => huawei_ok_body(),
        };
        Mock::given(wiremock::matchers::any())
            .respond_with(json(200, body))
            .mount(&server)
            .await;
        let config = test_config(&server.uri())
            .clock(std::sync::Arc::new(FixedClock::from_unix(T).unwrap()))
            .credentials(credentials().with_session_token("session-token-secret"))
            .build()
            .unwrap();
        let host = server.uri().trim_start_matches("http://").to_owned();
        let ua = format!("rtc-usage/{}", env!("CARGO_PKG_VERSION"));
        let mut headers: HeaderList = vec![
            ("Host".into(), host.clone()),
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
            ("User-Agent".into(), ua.clone()),
        ];
        let (scheme, op_path, query, sent_body, region, service, action, version);
        match vendor {
            "volcengine" => {
                let client = Client::new(&VOLCENGINE, config).unwrap();
                client
                    .execute::<VolcListUsages>(&volc_input())
                    .await
                    .unwrap();
                scheme = VOLC_LIST_USAGES.auth;
                op_path = "/".to_owned();
                query = vec![
                    ("Action".to_owned(), "ListUsages".to_owned()),
                    ("Version".to_owned(), "2020-12-01".to_owned()),
                ];
                sent_body = br#"{"AppId":"app-1"}"#.to_vec();
                (region, service, action, version) =
                    ("cn-north-1", "rtc", "ListUsages", "2020-12-01");
            }
            "tencent" => {
                let client = Client::new(&TENCENT, config).unwrap();
                client
                    .execute::<TencentDescribe>(&TencentInput { sdk_app_id: 1400 })
                    .await
                    .unwrap();
                scheme = TENCENT_DESCRIBE.auth;
                op_path = "/".to_owned();
                query = vec![];
                sent_body = br#"{"StartTime":"2022-01-01","EndTime":"2022-01-02","SdkAppId":1400}"#
                    .to_vec();
                (region, service, action, version) =
                    ("ap-guangzhou", "trtc", "DescribeTrtcUsage", "2019-07-22");
            }
            _ => {
                let client = Client::new(&HUAWEI, config).unwrap();
                client
                    .execute::<HuaweiHistory>(&HuaweiInput {
                        app: "a b/c".into(),
                    })
                    .await
                    .unwrap();
                scheme = HUAWEI_HISTORY.auth;
                op_path = huawei_path();
                query = vec![
                    ("app".to_owned(), "a b/c".to_owned()),
                    ("metric".to_owned(), "CommunicationDuration".to_owned()),
                    ("start_date".to_owned(), "2022-01-01".to_owned()),
                    ("end_date".to_owned(), "2022-01-02".to_owned()),
                ];
                sent_body = vec![];
                headers.push(("X-Project-Id".into(), PROJECT.into()));
                (region, service, action, version) =
                    ("cn-north-4", "rtc", "ListRtcHistoryUsage", "v1");
            }
        }
        let input = SigningInput {
            method: if vendor == "huawei" { "GET" } else { "POST" },
            host: &host,
            path: &op_path,
            query: &query,
            body: &sent_body,
            region,
            service,
            action,
            version,
            timestamp: T,
            request_client: Some(&ua),
            nonce: None,
        };
        let signed = signing::sign(
            scheme,
            &input,
            &mut headers,
            &credentials().with_session_token("session-token-secret"),
        )
        .unwrap();

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1);
        let wire = &requests[0];
        assert_eq!(wire.url.path(), op_path, "{vendor}");
        assert_eq!(
            wire.url.query().unwrap_or(""),
            signed.query_string,
            "{vendor}"
        );
        assert_eq!(wire.body, sent_body, "{vendor}");
        assert_eq!(
            header(wire, "authorization"),
            signed.authorization,
            "{vendor}"
        );
        for (name, value) in &headers {
            let sent: Vec<_> = wire.headers.get_all(name.as_str()).iter().collect();
            assert_eq!(sent.len(), 1, "{vendor}: {name} sent once");
            assert_eq!(sent[0].to_str().unwrap(), value, "{vendor}: {name}");
        }
        // Nothing but the signed list (and the body's length) went out.
        for name in wire.headers.keys() {
            let known = headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name.as_str()));
            assert!(
                known || name == "content-length",
                "{vendor}: unexpected header {name}"
            );
        }
        let content_types: Vec<_> = wire.headers.get_all("content-type").iter().collect();
        assert_eq!(content_types.len(), 1);
        assert_eq!(content_types[0], "application/json", "{vendor}");
        assert_eq!(header(wire, "accept"), "application/json");
        assert_eq!(header(wire, "user-agent"), ua);
        assert!(wire.headers.get("accept-encoding").is_none());
    }
}

#[tokio::test]
async fn local_refusals_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(json(200, huawei_ok_body()))
        .mount(&server)
        .await;

    // No project id for an operation that needs one.
    let config = test_config(&server.uri())
        .credentials(rtc_usage_core::credentials::Credentials::new(AK, SK))
        .build()
        .unwrap();
    let client = Client::new(&HUAWEI, config).unwrap();
    let err = client
        .execute::<HuaweiHistory>(&HuaweiInput { app: "a".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.attempts(), 0);
    assert!(
        err.message().contains("HUAWEICLOUD_SDK_PROJECT_ID"),
        "{err}"
    );
    assert!(err.message().contains("with_project_id"), "{err}");

    // A region the spec has no endpoint for (and no override).
    let config = rtc_usage_core::Config::builder()
        .credentials(credentials())
        .region("eu-west-9")
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("eu-west-9"), "{err}");
    assert!(
        err.message().contains("cn-north-1, ap-singapore-1"),
        "{err}"
    );

    // An operation of another vendor.
    let client = Client::new(&TENCENT, test_config(&server.uri()).build().unwrap()).unwrap();
    let err = client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn execute_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::new(
        &VOLCENGINE,
        rtc_usage_core::Config::builder()
            .credentials(credentials())
            .build()
            .unwrap(),
    )
    .unwrap();
    let input = volc_input();
    let future = client.execute::<VolcListUsages>(&input);
    assert_send(&future);
}

/// HTTP's `Retry-After` on a throttling answer is honoured: the retry waits at least that
/// long (beyond the configured backoff); a wait beyond the bound is not waited out: the error is final and carries it.
#[tokio::test]
async fn retry_after_is_honoured_within_its_bound() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json(
                429,
                volc_error_body("FlowLimitExceeded.QPSOverLimit", "r-1"),
            )
            .insert_header("Retry-After", "1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(200, volc_ok_body()))
        .mount(&server)
        .await;
    let client = volc_client(&server).await;
    let started = std::time::Instant::now();
    client
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json(
                429,
                volc_error_body("FlowLimitExceeded.QPSOverLimit", "r-2"),
            )
            .insert_header("Retry-After", "3600"),
        )
        .mount(&server)
        .await;
    let err = volc_client(&server)
        .await
        .execute::<VolcListUsages>(&volc_input())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.attempts(), 1, "not waited out");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
