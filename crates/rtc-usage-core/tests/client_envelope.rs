//! Response envelopes and error classification: `envelope::decode` directly, and the client
//! end to end against a local mock server (request ids, body excerpts, the body bound).

mod common;

use common::*;
use rtc_usage_core::envelope::decode;
use rtc_usage_core::error::BODY_EXCERPT_LIMIT;
use rtc_usage_core::{Client, ErrorKind};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---- decode, no network --------------------------------------------------------------------

#[test]
fn volcengine_success_and_request_id() {
    let out: VolcOutput = decode(&VOLC_LIST_USAGES, 200, None, volc_ok_body().as_bytes()).unwrap();
    assert_eq!(out.usages.len(), 1);
    assert_eq!(out.usages[0].time_stamp, "2021-07-24T00:00:00+08:00");
}

#[test]
fn volcengine_error_envelope_on_4xx() {
    let body = r#"{"ResponseMetadata":{"RequestId":"v-1","Action":"ListUsages","Version":"2020-12-01","Service":"rtc","Region":"cn-north-1","Error":{"CodeN":100010,"Code":"SignatureDoesNotMatch","Message":"bad signature"}}}"#;
    let err =
        decode::<VolcOutput>(&VOLC_LIST_USAGES, 401, Some("hdr-id"), body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert!(err.message().contains("bad signature"), "{err}");
    assert!(err.message().contains("100010"), "{err}");
    assert_eq!(err.request_id(), Some("v-1"), "the envelope's id wins");
    assert_eq!(err.http_status(), Some(401));
}

#[test]
fn volcengine_error_code_by_table_then_by_status() {
    // In the table.
    let err = decode::<VolcOutput>(
        &VOLC_LIST_USAGES,
        400,
        None,
        volc_error_body("InvalidParameter.OutofTimeRange", "v-2").as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    // Not in the table: by HTTP status.
    for (status, kind) in [
        (429, ErrorKind::Throttled),
        (403, ErrorKind::Auth),
        (404, ErrorKind::NotFound),
        (500, ErrorKind::Server),
        (400, ErrorKind::InvalidParameter),
        (409, ErrorKind::Other),
    ] {
        let err = decode::<VolcOutput>(
            &VOLC_LIST_USAGES,
            status,
            None,
            volc_error_body("SomethingNew", "v-3").as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.kind(), kind, "HTTP {status}");
        assert_eq!(err.code(), Some("SomethingNew"));
    }
    // An error in the envelope even with HTTP 200.
    let err = decode::<VolcOutput>(
        &VOLC_LIST_USAGES,
        200,
        None,
        volc_error_body("FlowLimitExceeded.QPSOverLimit", "v-4").as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
}

#[test]
fn volcengine_non_envelope_error_and_missing_result() {
    let err = decode::<VolcOutput>(
        &VOLC_LIST_USAGES,
        502,
        Some("gw-1"),
        b"<html>Bad Gateway</html>",
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.request_id(), Some("gw-1"));
    assert!(err.message().contains("Bad Gateway"), "{err}");

    let body = r#"{"ResponseMetadata":{"RequestId":"v-5"}}"#;
    let err = decode::<VolcOutput>(&VOLC_LIST_USAGES, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("Result"), "{err}");
    assert_eq!(err.request_id(), Some("v-5"));

    let body = r#"{"ResponseMetadata":{"RequestId":"v-6"},"Result":{"Usages":[{"Audio":1}]}}"#;
    let err = decode::<VolcOutput>(&VOLC_LIST_USAGES, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("missing field `TimeStamp`"), "{err}");
    assert_eq!(err.operation(), "ListUsages");
}

#[test]
fn tencent_error_comes_with_http_200() {
    let body = r#"{"Response":{"Error":{"Code":"InvalidParameter.SdkAppId","Message":"x"},"RequestId":"r1"}}"#;
    let err = decode::<TencentOutput>(&TENCENT_DESCRIBE, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.code(), Some("InvalidParameter.SdkAppId"));
    assert_eq!(err.message(), "x");
    assert_eq!(err.request_id(), Some("r1"));
    assert_eq!(err.vendor(), "tencent");
    assert_eq!(err.operation(), "DescribeTrtcUsage");
}

#[test]
fn tencent_unknown_code_and_non_200() {
    let err = decode::<TencentOutput>(
        &TENCENT_DESCRIBE,
        200,
        None,
        tencent_error_body("FailedOperation.Whatever", "r2").as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    let err = decode::<TencentOutput>(&TENCENT_DESCRIBE, 503, None, b"upstream down").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.http_status(), Some(503));
    assert!(err.message().contains("upstream down"), "{err}");
    let err = decode::<TencentOutput>(&TENCENT_DESCRIBE, 403, None, b"forbidden").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
}

#[test]
fn tencent_success_with_31_rows() {
    let body = tencent_ok_body(31);
    let out: TencentOutput = decode(&TENCENT_DESCRIBE, 200, None, body.as_bytes()).unwrap();
    assert_eq!(out.usage_list.len(), 31);
    assert_eq!(out.usage_key.len(), 6);
    assert_eq!(out.request_id, "tc-req-ok");
}

#[test]
fn tencent_payload_mismatch_names_the_field() {
    let body = r#"{"Response":{"UsageKey":["Audio"],"RequestId":"r3"}}"#;
    let err = decode::<TencentOutput>(&TENCENT_DESCRIBE, 200, None, body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("missing field `UsageList`"), "{err}");
    assert_eq!(err.request_id(), Some("r3"));
}

#[test]
fn html_body_is_a_decode_error_with_a_bounded_excerpt() {
    let html = format!("<html><body>{}</body></html>", "x".repeat(5000));
    for op in [&VOLC_LIST_USAGES, &TENCENT_DESCRIBE, &HUAWEI_HISTORY] {
        let err = match op.vendor {
            "volcengine" => decode::<VolcOutput>(op, 200, None, html.as_bytes()).map(|_| ()),
            "tencent" => decode::<TencentOutput>(op, 200, None, html.as_bytes()).map(|_| ()),
            _ => decode::<HuaweiOutput>(op, 200, None, html.as_bytes()).map(|_| ()),
        }
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{}", op.vendor);
        assert!(err.to_string().contains(op.name), "{err}");
        assert!(err.message().contains("<html><body>"), "{err}");
        assert!(
            err.message().len() < BODY_EXCERPT_LIMIT + 300,
            "the excerpt is bounded: {} bytes",
            err.message().len()
        );
        assert!(err.message().contains("bytes in all"), "{err}");
    }
}

#[test]
fn huawei_error_forms_and_request_id() {
    let err = decode::<HuaweiOutput>(
        &HUAWEI_HISTORY,
        400,
        Some("hw-hdr"),
        br#"{"error_code":"RTC.00001003","error_msg":"invalid app"}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.code(), Some("RTC.00001003"));
    assert_eq!(err.message(), "invalid app");
    assert_eq!(err.request_id(), Some("hw-hdr"));

    let err = decode::<HuaweiOutput>(
        &HUAWEI_HISTORY,
        401,
        None,
        br#"{"code":"APIGW.0301","message":"Incorrect IAM authentication information","request_id":"hw-body"}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.code(), Some("APIGW.0301"));
    assert_eq!(err.request_id(), Some("hw-body"));

    let err = decode::<HuaweiOutput>(
        &HUAWEI_HISTORY,
        500,
        None,
        br#"{"error_code":"RTC.00002001","error_msg":"internal"}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);

    let err = decode::<HuaweiOutput>(&HUAWEI_HISTORY, 404, Some("x"), b"not found").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.code(), None);

    let ok: HuaweiOutput = decode(
        &HUAWEI_HISTORY,
        200,
        Some("hw-ok"),
        huawei_ok_body().as_bytes(),
    )
    .unwrap();
    assert_eq!(ok.usage[0].date, "2022-01-01");
}

// ---- the client end to end ------------------------------------------------------------------

#[tokio::test]
async fn client_tencent_http_200_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"Response":{"Error":{"Code":"InvalidParameter.SdkAppId","Message":"x"},"RequestId":"r1"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::new(&TENCENT, test_config(&server.uri()).build().unwrap()).unwrap();
    let err = client
        .execute::<TencentDescribe>(&TencentInput { sdk_app_id: 1 })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.code(), Some("InvalidParameter.SdkAppId"));
    assert_eq!(err.message(), "x");
    assert_eq!(err.request_id(), Some("r1"));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn client_html_answer_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "<html><head><title>Maintenance</title></head></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let client = Client::new(&VOLCENGINE, test_config(&server.uri()).build().unwrap()).unwrap();
    let err = client
        .execute::<VolcListUsages>(&VolcInput { app_id: "a".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.operation(), "ListUsages");
    assert!(err.message().contains("Maintenance"), "{err}");
    assert_eq!(err.attempts(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn client_huawei_code_message_and_x_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_raw(
                    r#"{"code":"RTC.00001003","message":"InvalidParameterValue"}"#,
                    "application/json",
                )
                .insert_header("X-Request-Id", "hw-req-9"),
        )
        .mount(&server)
        .await;
    let client = Client::new(&HUAWEI, test_config(&server.uri()).build().unwrap()).unwrap();
    let err = client
        .execute::<HuaweiHistory>(&HuaweiInput { app: "a".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.code(), Some("RTC.00001003"));
    assert_eq!(err.message(), "InvalidParameterValue");
    assert_eq!(err.request_id(), Some("hw-req-9"));
    assert_eq!(err.http_status(), Some(400));
}

#[tokio::test]
async fn client_volcengine_4xx_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            volc_error_body("InvalidParameter.StartTimeAfterEndTime", "v-req-4"),
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::new(&VOLCENGINE, test_config(&server.uri()).build().unwrap()).unwrap();
    let err = client
        .execute::<VolcListUsages>(&VolcInput { app_id: "a".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidParameter);
    assert_eq!(err.code(), Some("InvalidParameter.StartTimeAfterEndTime"));
    assert_eq!(err.request_id(), Some("v-req-4"));
    let shown = err.to_string();
    assert!(
        shown.contains("v-req-4") && shown.contains("HTTP 400"),
        "{shown}"
    );
}

#[tokio::test]
async fn client_refuses_a_body_over_the_bound() {
    let server = MockServer::start().await;
    // Valid JSON, just too large.
    let big = format!(
        r#"{{"ResponseMetadata":{{"RequestId":"big"}},"Result":{{"Usages":[],"Pad":"{}"}}}}"#,
        "p".repeat(64 * 1024)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big.clone(), "application/json"))
        .mount(&server)
        .await;
    let config = test_config(&server.uri())
        .max_response_bytes(16 * 1024)
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&VolcInput { app_id: "a".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("16384"), "names the bound: {err}");
    assert_eq!(err.attempts(), 1);

    // The same body under a larger bound is fine.
    let config = test_config(&server.uri())
        .max_response_bytes(big.len())
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let out = client
        .execute::<VolcListUsages>(&VolcInput { app_id: "a".into() })
        .await
        .unwrap();
    assert!(out.usages.is_empty());
}

/// A chunked answer (no Content-Length) is cut off while streaming.
#[tokio::test]
async fn client_refuses_a_streamed_body_over_the_bound() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let _ = socket.read(&mut buf).await.unwrap();
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
            )
            .await
            .unwrap();
        // 64 chunks of 1 KiB; the client should stop long before the end.
        let chunk = vec![b' '; 1024];
        for _ in 0..64 {
            let head = format!("{:x}\r\n", chunk.len());
            if socket.write_all(head.as_bytes()).await.is_err()
                || socket.write_all(&chunk).await.is_err()
                || socket.write_all(b"\r\n").await.is_err()
            {
                return;
            }
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    let config = test_config(&format!("http://{addr}"))
        .max_response_bytes(4096)
        .build()
        .unwrap();
    let client = Client::new(&VOLCENGINE, config).unwrap();
    let err = client
        .execute::<VolcListUsages>(&VolcInput { app_id: "a".into() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("4096"), "{err}");
    server.abort();
}
