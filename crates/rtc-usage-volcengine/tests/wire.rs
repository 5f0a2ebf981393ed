//! Hand-written tests of the generated Volcengine client, against the documented examples of
//! `specs/volcengine/list_usages.yaml` and `specs/volcengine/list_operation_distribution.yaml`:
//!
//! 1. the documented answers decode with every value checked;
//! 2. the fluent builders put exactly the documented request on the wire (to a local mock
//!    server), and the `Authorization` it carries is recomputed from what the server received;
//! 3. bad input is refused before any network call;
//! 4. a stub client stands in for the vendor.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use rtc_usage_core::signing;
use rtc_usage_core::testing::wire::{
    SigningContext, answering, assert_refused, auth_part, header, received, single_request,
};
use rtc_usage_core::{AuthScheme, BoxFuture, FixedClock};
use rtc_usage_volcengine::list_operation_distribution::{
    self as lod, DataItem, Dimension, Indicator,
};
use rtc_usage_volcengine::list_usages::{self as lu, Usage};
use rtc_usage_volcengine::{
    Client, Config, Credentials, Error, ErrorKind, ListOperationDistributionResponse,
    ListUsagesRequest, ListUsagesResponse, stub,
};
use serde_json::Value;
use wiremock::{MockServer, Request};

const AK: &str = "AKLTEXAMPLEACCESSKEYID";
const SK: &str = "EXAMPLESECRETACCESSKEY";
/// 2023-11-14T22:13:20Z.
const NOW: i64 = 1_700_000_000;

// ---- the documented examples, verbatim --------------------------------------------------------

/// `specs/volcengine/list_usages.yaml`, example `documented`, `request.body`.
const LIST_USAGES_REQUEST: &str = r#"{
"AppId" : "Your_AppId",
"StartTime" : "2021-07-24T08:00:00+08:00",
"EndTime" : "2021-07-28T08:00:00+08:00"
}
"#;

/// `specs/volcengine/list_usages.yaml`, example `documented`, `response.body` (status 200).
const LIST_USAGES_RESPONSE: &str = r#"{
    "ResponseMetadata":{
        "RequestId":"Your_RequestId",
        "Action":"ListUsages",
        "Version":"2020-12-01",
        "Service":"rtc",
        "Region":"cn-north-1"
    },
    "Result":{
        "Usages":[
            {
                "TimeStamp":"2021-07-24T00:00:00+08:00",
                "Audio":12345,
                "VideoSDM":123456,
                "VideoSD":11111,
                "VideoHD":12321
            },
            {
                "TimeStamp":"2021-07-25T00:00:00+08:00",
                "Audio":12345,
                "VideoSDM":123456,
                "VideoSD":11111,
                "VideoHD":12321
            }
        ]
    }
}
"#;

/// `specs/volcengine/list_operation_distribution.yaml`, example `documented`, `request.body`.
const LOD_REQUEST: &str = r#"{
    "AppId" : "Your_AppId",
    "StartTime" : "2021-07-24T00:00:00+08:00",
    "EndTime" : "2021-07-26T00:00:00+08:00",
    "Indicator":"user_count",
    "Dimension": "province"
}
"#;

/// `specs/volcengine/list_operation_distribution.yaml`, example `documented`, `response.body`
/// (status 200).
const LOD_RESPONSE: &str = r#"{
    "ResponseMetadata":{
        "RequestId":"Your_RequestId",
        "Action":"ListOperationDistribution",
        "Version":"2020-12-01",
        "Service":"rtc",
        "Region":"cn-north-1"
    },
    "Result":{
        "Name":"user_num",
        "Dimension": "province",
        "Data":[
            {
                "DistributionName":"上海",
                "Value":666.00,
                "Proportion":66.66
            },
            {
                "DistributionName":"北京",
                "Value":123.00,
                "Proportion":12.31
            }
        ]
    }
}
"#;

// ---- helpers ----------------------------------------------------------------------------------

fn t(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(AK, SK)
}

fn client_at(server: &MockServer, now: i64) -> Client {
    Client::new(
        Config::builder()
            .credentials(credentials())
            .endpoint_url(server.uri())
            .clock(Arc::new(FixedClock::from_unix(now).unwrap()))
            .build()
            .unwrap(),
    )
    .unwrap()
}

/// Headers a Volcengine request may carry without signing them: `Accept` and `User-Agent`
/// (which the SDK also sends unsigned, see `reference/signing.md`), the signature itself, and
/// what the HTTP layer adds.
const UNSIGNED_ALLOWED: &[&str] = &[
    "authorization",
    "content-length",
    "accept-encoding",
    "connection",
    "user-agent",
    "accept",
];

/// The Authorization that arrived is recomputed from what the server received, at `timestamp`.
fn assert_signature_recomputes(request: &Request, timestamp: i64) {
    let context = SigningContext {
        scheme: AuthScheme::VolcengineHmacSha256,
        credentials: &credentials(),
        region: "cn-north-1",
        service: "rtc",
        action: "",
        version: "",
        timestamp,
        request_client: None,
    };
    rtc_usage_core::testing::wire::assert_signature_recomputes(request, context, UNSIGNED_ALLOWED);
}

fn assert_documented_usages(out: &ListUsagesResponse) {
    assert_eq!(out.usages.len(), 2);
    for (usage, day) in out.usages.iter().zip(["2021-07-24", "2021-07-25"]) {
        assert_eq!(usage.time_stamp, t(&format!("{day}T00:00:00+08:00")));
        assert_eq!(usage.time_stamp.offset().local_minus_utc(), 8 * 3600);
        assert_eq!(usage.audio, 12345);
        assert_eq!(usage.video_sdm, 123456);
        assert_eq!(usage.video_sd, 11111);
        assert_eq!(usage.video_hd, 12321);
    }
}

fn assert_documented_distribution(out: &ListOperationDistributionResponse) {
    assert_eq!(out.name, Some(Indicator::UserNum));
    assert_eq!(out.name.as_ref().map(Indicator::as_str), Some("user_num"));
    assert_eq!(out.dimension, Some(Dimension::Province));
    assert_eq!(
        out.dimension.as_ref().map(Dimension::as_str),
        Some("province")
    );
    assert_eq!(out.data.len(), 2);
    assert_eq!(out.data[0].distribution_name.as_deref(), Some("上海"));
    assert_eq!(out.data[0].value, Some(666.0));
    assert_eq!(out.data[0].proportion, Some(66.66));
    assert_eq!(out.data[1].distribution_name.as_deref(), Some("北京"));
    assert_eq!(out.data[1].value, Some(123.0));
    assert_eq!(out.data[1].proportion, Some(12.31));
}

// ---- 1. documented answers ----------------------------------------------------------------------

#[test]
fn list_usages_documented_response_decodes_every_value() {
    let out: ListUsagesResponse = rtc_usage_core::envelope::decode(
        &lu::DESCRIPTOR,
        200,
        None,
        LIST_USAGES_RESPONSE.as_bytes(),
    )
    .unwrap();
    assert_documented_usages(&out);
}

#[test]
fn list_operation_distribution_documented_response_decodes_every_value() {
    let out: ListOperationDistributionResponse =
        rtc_usage_core::envelope::decode(&lod::DESCRIPTOR, 200, None, LOD_RESPONSE.as_bytes())
            .unwrap();
    assert_documented_distribution(&out);
}

// ---- 2. the request on the wire -----------------------------------------------------------------

#[tokio::test]
async fn list_usages_documented_request_on_the_wire() {
    let server = answering(200, LIST_USAGES_RESPONSE, &[]).await;
    let out = client_at(&server, NOW)
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-24T08:00:00+08:00"))
        .end_time(t("2021-07-28T08:00:00+08:00"))
        .send()
        .await
        .unwrap();
    assert_documented_usages(&out);

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        query,
        [
            ("Action".to_owned(), "ListUsages".to_owned()),
            ("Version".to_owned(), "2020-12-01".to_owned()),
        ]
    );
    assert_eq!(
        request.url.query(),
        Some("Action=ListUsages&Version=2020-12-01")
    );
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let documented: Value = serde_json::from_str(LIST_USAGES_REQUEST).unwrap();
    assert_eq!(body, documented);
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        r#"{"AppId":"Your_AppId","StartTime":"2021-07-24T08:00:00+08:00","EndTime":"2021-07-28T08:00:00+08:00"}"#
    );
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "host"), server.address().to_string());
    assert_eq!(header(&request, "x-date"), "20231114T221320Z");
    assert_eq!(
        header(&request, "x-content-sha256"),
        signing::sha256_hex(&request.body)
    );
    let authorization = header(&request, "authorization");
    assert!(authorization.starts_with("HMAC-SHA256 "), "{authorization}");
    assert_eq!(
        auth_part(authorization, "Credential"),
        format!("{AK}/20231114/cn-north-1/rtc/request")
    );
    assert_eq!(
        auth_part(authorization, "SignedHeaders"),
        "content-type;host;x-content-sha256;x-date"
    );
    assert_signature_recomputes(&request, NOW);
}

/// The documented request asks about July 2021; the operation serves only the last 30 days, so
/// the client's clock is set just after the documented range (2021-07-26T16:00:00Z) instead of
/// the other tests' 2023-11-14 (where the look-back refuses it, see
/// `list_operation_distribution_refuses_a_start_beyond_the_look_back`).
#[tokio::test]
async fn list_operation_distribution_documented_request_on_the_wire() {
    const EXAMPLE_NOW: i64 = 1_627_315_200;
    let server = answering(200, LOD_RESPONSE, &[]).await;
    let out = client_at(&server, EXAMPLE_NOW)
        .list_operation_distribution()
        .app_id("Your_AppId")
        .start_time(t("2021-07-24T00:00:00+08:00"))
        .end_time(t("2021-07-26T00:00:00+08:00"))
        .indicator(Indicator::UserCount)
        .dimension(Dimension::Province)
        .send()
        .await
        .unwrap();
    assert_documented_distribution(&out);

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        query,
        [
            ("Action".to_owned(), "ListOperationDistribution".to_owned()),
            ("Version".to_owned(), "2020-12-01".to_owned()),
        ]
    );
    assert_eq!(
        request.url.query(),
        Some("Action=ListOperationDistribution&Version=2020-12-01")
    );
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let documented: Value = serde_json::from_str(LOD_REQUEST).unwrap();
    assert_eq!(body, documented);
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        r#"{"AppId":"Your_AppId","StartTime":"2021-07-24T00:00:00+08:00","EndTime":"2021-07-26T00:00:00+08:00","Indicator":"user_count","Dimension":"province"}"#
    );
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "host"), server.address().to_string());
    assert_eq!(header(&request, "x-date"), "20210726T160000Z");
    assert_eq!(
        header(&request, "x-content-sha256"),
        signing::sha256_hex(&request.body)
    );
    let authorization = header(&request, "authorization");
    assert!(authorization.starts_with("HMAC-SHA256 "), "{authorization}");
    assert_eq!(
        auth_part(authorization, "Credential"),
        format!("{AK}/20210726/cn-north-1/rtc/request")
    );
    assert_eq!(
        auth_part(authorization, "SignedHeaders"),
        "content-type;host;x-content-sha256;x-date"
    );
    assert_signature_recomputes(&request, EXAMPLE_NOW);
}

// ---- 3. refused before any network call ---------------------------------------------------------

#[tokio::test]
async fn list_usages_refuses_a_missing_required_field() {
    let server = answering(200, LIST_USAGES_RESPONSE, &[]).await;
    let client = client_at(&server, NOW);
    let err = client
        .list_usages()
        .start_time(t("2021-07-24T08:00:00+08:00"))
        .end_time(t("2021-07-28T08:00:00+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["app_id"]);
    let err = client
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-24T08:00:00+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["end_time"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_usages_refuses_start_after_end() {
    let server = answering(200, LIST_USAGES_RESPONSE, &[]).await;
    let err = client_at(&server, NOW)
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-28T08:00:00+08:00"))
        .end_time(t("2021-07-24T08:00:00+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "EndTime"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_usages_refuses_a_span_over_30_days_and_sends_exactly_30() {
    let server = answering(200, LIST_USAGES_RESPONSE, &[]).await;
    let client = client_at(&server, NOW);
    // 31 days elapsed.
    let err = client
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-01T00:00:00+08:00"))
        .end_time(t("2021-08-01T00:00:00+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["30 days"]);
    // One second over 30 days.
    let err = client
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-01T00:00:00+08:00"))
        .end_time(t("2021-07-31T00:00:01+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["30 days"]);
    assert!(received(&server).await.is_empty());
    // Exactly 30 days is allowed.
    client
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-01T00:00:00+08:00"))
        .end_time(t("2021-07-31T00:00:00+08:00"))
        .send()
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn list_operation_distribution_refuses_a_missing_required_field() {
    let server = answering(200, LOD_RESPONSE, &[]).await;
    let err = client_at(&server, NOW)
        .list_operation_distribution()
        .app_id("Your_AppId")
        .start_time(t("2023-11-10T00:00:00+08:00"))
        .end_time(t("2023-11-12T00:00:00+08:00"))
        .dimension(Dimension::Province)
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["indicator"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_operation_distribution_refuses_start_after_end() {
    let server = answering(200, LOD_RESPONSE, &[]).await;
    let err = client_at(&server, NOW)
        .list_operation_distribution()
        .app_id("Your_AppId")
        .start_time(t("2023-11-12T00:00:00+08:00"))
        .end_time(t("2023-11-10T00:00:00+08:00"))
        .indicator(Indicator::UserCount)
        .dimension(Dimension::Province)
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "EndTime"]);
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_operation_distribution_refuses_a_span_over_7_days_and_sends_exactly_7() {
    let server = answering(200, LOD_RESPONSE, &[]).await;
    let client = client_at(&server, NOW);
    let call = |start: &str, end: &str| {
        client
            .list_operation_distribution()
            .app_id("Your_AppId")
            .start_time(t(start))
            .end_time(t(end))
            .indicator(Indicator::UserCount)
            .dimension(Dimension::Province)
            .send()
    };
    // 8 days.
    let err = call("2023-11-01T00:00:00+08:00", "2023-11-09T00:00:00+08:00")
        .await
        .unwrap_err();
    assert_refused(&err, &["7 days"]);
    assert!(received(&server).await.is_empty());
    // Exactly 7 days is allowed.
    call("2023-11-01T00:00:00+08:00", "2023-11-08T00:00:00+08:00")
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn list_operation_distribution_refuses_a_start_beyond_the_look_back() {
    let server = answering(200, LOD_RESPONSE, &[]).await;
    let client = client_at(&server, NOW);
    let call = |start: &str, end: &str| {
        client
            .list_operation_distribution()
            .app_id("Your_AppId")
            .start_time(t(start))
            .end_time(t(end))
            .indicator(Indicator::UserCount)
            .dimension(Dimension::Province)
            .send()
    };
    // The documented request, at the clock's 2023-11-14T22:13:20Z.
    let err = call("2021-07-24T00:00:00+08:00", "2021-07-26T00:00:00+08:00")
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "30 days"]);
    // now - 30 days = 2023-10-15T22:13:20Z = 2023-10-16T06:13:20+08:00; one second earlier.
    let err = call("2023-10-16T06:13:19+08:00", "2023-10-17T00:00:00+08:00")
        .await
        .unwrap_err();
    assert_refused(&err, &["StartTime", "30 days"]);
    assert!(received(&server).await.is_empty());
    // Exactly 30 days back is allowed.
    call("2023-10-16T06:13:20+08:00", "2023-10-17T00:00:00+08:00")
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 1);
}

// ---- 4. a stub client ---------------------------------------------------------------------------

/// Implements only `ListUsages`, recording what it is asked.
#[derive(Debug, Default)]
struct UsagesOnly {
    seen: Arc<Mutex<Vec<ListUsagesRequest>>>,
}

fn canned_usages() -> ListUsagesResponse {
    let day: Usage = Usage::builder()
        .time_stamp(t("2021-07-24T00:00:00+08:00"))
        .audio(1_i64)
        .video_sdm(2_i64)
        .video_sd(3_i64)
        .video_hd(4_i64)
        .try_into()
        .unwrap();
    ListUsagesResponse::builder()
        .usages(vec![day])
        .try_into()
        .unwrap()
}

impl stub::VolcengineStub for UsagesOnly {
    fn list_usages(
        &self,
        input: ListUsagesRequest,
    ) -> BoxFuture<'_, Result<ListUsagesResponse, Error>> {
        self.seen.lock().unwrap().push(input);
        Box::pin(async { Ok(canned_usages()) })
    }
}

#[tokio::test]
async fn stub_client_returns_the_canned_answer_and_unimplemented_otherwise() {
    let stub = UsagesOnly::default();
    let seen = Arc::clone(&stub.seen);
    let client = Client::from_stub(stub);
    let out = client
        .list_usages()
        .app_id("Your_AppId")
        .start_time(t("2021-07-24T08:00:00+08:00"))
        .end_time(t("2021-07-28T08:00:00+08:00"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        serde_json::json!({"Usages": [{
            "TimeStamp": "2021-07-24T00:00:00+08:00",
            "Audio": 1, "VideoSDM": 2, "VideoSD": 3, "VideoHD": 4,
        }]})
    );
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        serde_json::to_value(canned_usages()).unwrap()
    );
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].app_id, "Your_AppId");
        assert_eq!(seen[0].start_time, t("2021-07-24T08:00:00+08:00"));
        assert_eq!(seen[0].end_time, t("2021-07-28T08:00:00+08:00"));
    }

    let err = client
        .list_operation_distribution()
        .app_id("Your_AppId")
        .start_time(t("2021-07-24T00:00:00+08:00"))
        .end_time(t("2021-07-26T00:00:00+08:00"))
        .indicator(Indicator::UserCount)
        .dimension(Dimension::Province)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unimplemented, "{err}");
    assert_eq!(err.operation(), "ListOperationDistribution");
    assert_eq!(err.vendor(), "volcengine");

    // A canned distribution builds through the generated builders too.
    let item: DataItem = DataItem::builder()
        .distribution_name("上海".to_owned())
        .value(666.0)
        .proportion(66.66)
        .try_into()
        .unwrap();
    let canned: ListOperationDistributionResponse = ListOperationDistributionResponse::builder()
        .name(Indicator::UserNum)
        .dimension(Dimension::Province)
        .data(vec![item])
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&canned).unwrap(),
        serde_json::json!({"Name": "user_num", "Dimension": "province",
            "Data": [{"DistributionName": "上海", "Value": 666.0, "Proportion": 66.66}]})
    );
}

// ---- 5. ListUsages at Version 2023-11-01 --------------------------------------------------------
//
// `specs/volcengine/list_usages_2023_11_01.yaml`: its (constructed) example request on the wire
// under the other Version, its answer decoded, the same checks as 2020-12-01, and the generic
// `API` entry sending the very same request.

/// `specs/volcengine/list_usages_2023_11_01.yaml`, example `documented`, `response.body`.
const LIST_USAGES_2023_RESPONSE: &str = r#"{
    "ResponseMetadata":{
        "RequestId":"Your_RequestId",
        "Action":"ListUsages",
        "Version":"2023-11-01",
        "Service":"rtc",
        "Region":"cn-north-1"
    },
    "Result":{
        "Usages":[
            {
                "TimeStamp":"2021-07-24T00:00:00+08:00",
                "Audio":12345,
                "VideoSDM":123456,
                "VideoSD":11111,
                "VideoHD":12321
            },
            {
                "TimeStamp":"2021-07-25T00:00:00+08:00",
                "Audio":12345,
                "VideoSDM":123456,
                "VideoSD":11111,
                "VideoHD":12321
            }
        ]
    }
}
"#;

/// The one request `server` received is the example's (the same body as 2020-12-01's, under
/// `Version=2023-11-01`), signed.
async fn assert_list_usages_2023_request(server: &MockServer) {
    let request = single_request(server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/");
    assert_eq!(
        request.url.query(),
        Some("Action=ListUsages&Version=2023-11-01")
    );
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    let documented: Value = serde_json::from_str(LIST_USAGES_REQUEST).unwrap();
    assert_eq!(body, documented);
    assert_eq!(
        std::str::from_utf8(&request.body).unwrap(),
        r#"{"AppId":"Your_AppId","StartTime":"2021-07-24T08:00:00+08:00","EndTime":"2021-07-28T08:00:00+08:00"}"#
    );
    assert_eq!(
        header(&request, "x-content-sha256"),
        signing::sha256_hex(&request.body)
    );
    assert_signature_recomputes(&request, NOW);
}

#[tokio::test]
async fn list_usages_2023_11_01_example_request_on_the_wire() {
    let server = answering(200, LIST_USAGES_2023_RESPONSE, &[]).await;
    let out: rtc_usage_volcengine::ListUsages20231101Response = client_at(&server, NOW)
        .list_usages_2023_11_01()
        .app_id("Your_AppId")
        .start_time(t("2021-07-24T08:00:00+08:00"))
        .end_time(t("2021-07-28T08:00:00+08:00"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.usages.len(), 2);
    for (usage, day) in out.usages.iter().zip(["2021-07-24", "2021-07-25"]) {
        assert_eq!(usage.time_stamp, t(&format!("{day}T00:00:00+08:00")));
        assert_eq!(
            (usage.audio, usage.video_sdm, usage.video_sd, usage.video_hd),
            (12345, 123456, 11111, 12321)
        );
    }
    assert_list_usages_2023_request(&server).await;
}

#[tokio::test]
async fn list_usages_2023_11_01_refuses_a_missing_field_and_a_span_over_30_days() {
    let server = answering(200, LIST_USAGES_2023_RESPONSE, &[]).await;
    let client = client_at(&server, NOW);
    let err = client
        .list_usages_2023_11_01()
        .start_time(t("2021-07-24T08:00:00+08:00"))
        .end_time(t("2021-07-28T08:00:00+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["app_id"]);
    let err = client
        .list_usages_2023_11_01()
        .app_id("Your_AppId")
        .start_time(t("2021-07-01T00:00:00+08:00"))
        .end_time(t("2021-07-31T00:00:01+08:00"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&err, &["30 days"]);
    assert!(received(&server).await.is_empty());
}

/// The generated `API` table tells the two versions apart and calls 2023-11-01 with JSON keyed
/// by wire names: the same request as the typed client, and the `Result` as it came.
#[tokio::test]
async fn the_generic_api_entry_sends_what_the_typed_client_sends() {
    use rtc_usage_core::api::{FindError, find};
    let table = rtc_usage_volcengine::API;
    assert!(matches!(
        find(table, "ListUsages", None),
        Err(FindError::Ambiguous { .. })
    ));
    assert_eq!(
        find(table, "ListUsages@2020-12-01", None).unwrap().module,
        "list_usages"
    );
    let op = find(table, "list_usages_2023_11_01", None).unwrap();
    assert_eq!(op.descriptor.version, "2023-11-01");
    assert_eq!(
        find(table, "listusages", Some("2023-11-01"))
            .unwrap()
            .module,
        op.module
    );
    let server = answering(200, LIST_USAGES_2023_RESPONSE, &[]).await;
    let core = rtc_usage_core::Client::new(
        &rtc_usage_volcengine::VENDOR,
        Config::builder()
            .credentials(credentials())
            .endpoint_url(server.uri())
            .clock(Arc::new(FixedClock::from_unix(NOW).unwrap()))
            .build()
            .unwrap(),
    )
    .unwrap();
    let input: Value = serde_json::from_str(LIST_USAGES_REQUEST).unwrap();
    let payload = op.invoke(&core, input).await.unwrap();
    let documented: Value = serde_json::from_str(LIST_USAGES_2023_RESPONSE).unwrap();
    assert_eq!(payload, documented["Result"]);
    assert_list_usages_2023_request(&server).await;
}
