//! Test-only operations, vendors and helpers shared by the client tests.
//!
//! Every operation here is hand-written in the shape the generator emits, one per
//! `AuthScheme`/`Envelope`; clients point at a wiremock server on 127.0.0.1 through the
//! endpoint override, so no test reaches the internet.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rtc_usage_core::credentials::Credentials;
use rtc_usage_core::descriptor::{
    ConstantParam, ContextParam, ContextValue, CredentialEnv, Endpoint, ErrorCodeRule, Limits,
    Location, RateLimit,
};
use rtc_usage_core::operation::WireError;
use rtc_usage_core::validate::TimeRange;
use rtc_usage_core::{
    AuthScheme, Clock, Config, ConfigBuilder, Envelope, ErrorKind, Operation, OperationDescriptor,
    RequestParts, RetryConfig, VendorInfo,
};
use serde::Deserialize;

pub const AK: &str = "AKIDEXAMPLE";
pub const SK: &str = "secret-key-example";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// A clock that moves one second forward every time it is read, so every attempt is signed
/// with a different timestamp.
#[derive(Debug)]
pub struct TickingClock(AtomicI64);

impl TickingClock {
    pub fn starting_at(unix: i64) -> Arc<Self> {
        Arc::new(Self(AtomicI64::new(unix)))
    }
}

impl Clock for TickingClock {
    fn now(&self) -> DateTime<Utc> {
        let t = self.0.fetch_add(1, Ordering::SeqCst);
        DateTime::from_timestamp(t, 0).expect("in range")
    }
}

const fn limits(rate: Option<RateLimit>) -> Limits {
    Limits {
        rate,
        span: None,
        lookback: None,
        data_delay: None,
        day_offset_seconds: 0,
        granularity: None,
    }
}

const fn rule(code: &'static str, kind: ErrorKind) -> ErrorCodeRule {
    ErrorCodeRule {
        code,
        kind,
        explanation: None,
    }
}

// ---- vendors -------------------------------------------------------------------------------

pub static VOLCENGINE: VendorInfo = VendorInfo {
    id: "volcengine",
    display_name: "Volcengine RTC",
    credential_env: CredentialEnv {
        access_key: &["VOLC_ACCESSKEY"],
        secret_key: &["VOLC_SECRETKEY"],
        session_token: &["VOLC_SESSIONTOKEN"],
        project_id: &[],
        region: &["VOLC_REGION"],
    },
    endpoint_env: "RTC_USAGE_ENDPOINT_VOLCENGINE",
    default_region: "cn-north-1",
};

pub static TENCENT: VendorInfo = VendorInfo {
    id: "tencent",
    display_name: "Tencent Cloud TRTC",
    credential_env: CredentialEnv {
        access_key: &["TENCENTCLOUD_SECRET_ID"],
        secret_key: &["TENCENTCLOUD_SECRET_KEY"],
        session_token: &["TENCENTCLOUD_SESSION_TOKEN"],
        project_id: &[],
        region: &["TENCENTCLOUD_REGION"],
    },
    endpoint_env: "RTC_USAGE_ENDPOINT_TENCENT",
    default_region: "ap-guangzhou",
};

pub static HUAWEI: VendorInfo = VendorInfo {
    id: "huawei",
    display_name: "Huawei Cloud RTC",
    credential_env: CredentialEnv {
        access_key: &["HUAWEICLOUD_SDK_AK"],
        secret_key: &["HUAWEICLOUD_SDK_SK"],
        session_token: &["HUAWEICLOUD_SDK_SECURITY_TOKEN"],
        project_id: &["HUAWEICLOUD_SDK_PROJECT_ID"],
        region: &["HUAWEICLOUD_SDK_REGION"],
    },
    endpoint_env: "RTC_USAGE_ENDPOINT_HUAWEI",
    default_region: "cn-north-4",
};

// ---- Volcengine: POST / ?Action&Version, JSON body, ResponseMetadata/Result ---------------

pub static VOLC_LIST_USAGES: OperationDescriptor = OperationDescriptor {
    vendor: "volcengine",
    service: "rtc",
    name: "ListUsages",
    version: "2020-12-01",
    method: "POST",
    path: "/",
    auth: AuthScheme::VolcengineHmacSha256,
    envelope: Envelope::VolcengineResult,
    endpoints: &[
        Endpoint {
            region: "cn-north-1",
            url: "https://rtc.volcengineapi.com",
            failover: &[],
        },
        Endpoint {
            region: "ap-singapore-1",
            url: "https://open-ap-singapore-1.volcengineapi.com",
            failover: &[],
        },
    ],
    default_region: "cn-north-1",
    constants: &[
        rtc_usage_core::descriptor::ConstantParam {
            name: "Action",
            location: Location::Query,
            value: "ListUsages",
        },
        rtc_usage_core::descriptor::ConstantParam {
            name: "Version",
            location: Location::Query,
            value: "2020-12-01",
        },
    ],
    context_params: &[],
    limits: limits(Some(RateLimit {
        requests: 2,
        per: Duration::from_secs(1),
        scope: rtc_usage_core::descriptor::RateScope::Operation,
    })),
    error_codes: &[
        rule("FlowLimitExceeded*", ErrorKind::Throttled),
        rule("InvalidTimestamp", ErrorKind::ClockSkew),
        rule("SignatureDoesNotMatch", ErrorKind::Auth),
        rule("InvalidParameter*", ErrorKind::InvalidParameter),
    ],
    vendor_error_codes: &[],
    usage: None,
};

#[derive(Debug, Clone)]
pub struct VolcInput {
    pub app_id: String,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct VolcOutput {
    #[serde(rename = "Usages")]
    pub usages: Vec<VolcUsage>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct VolcUsage {
    #[serde(rename = "TimeStamp")]
    pub time_stamp: String,
    #[serde(rename = "Audio")]
    pub audio: i64,
}

pub struct VolcListUsages;

impl Operation for VolcListUsages {
    type Input = VolcInput;
    type Output = VolcOutput;
    fn descriptor() -> &'static OperationDescriptor {
        &VOLC_LIST_USAGES
    }
    fn write_request(input: &VolcInput, request: &mut RequestParts) -> Result<(), WireError> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            #[serde(rename = "AppId")]
            app_id: &'a str,
        }
        rtc_usage_core::wire::json_body(
            request,
            &Body {
                app_id: &input.app_id,
            },
        )
    }
    fn time_range(_: &VolcInput) -> TimeRange {
        TimeRange::default()
    }
}

pub fn volc_ok_body() -> String {
    r#"{"ResponseMetadata":{"RequestId":"volc-req-1","Action":"ListUsages","Version":"2020-12-01","Service":"rtc","Region":"cn-north-1"},"Result":{"Usages":[{"TimeStamp":"2021-07-24T00:00:00+08:00","Audio":12345}]}}"#.to_owned()
}

pub fn volc_error_body(code: &str, request_id: &str) -> String {
    format!(
        r#"{{"ResponseMetadata":{{"RequestId":"{request_id}","Action":"ListUsages","Version":"2020-12-01","Service":"rtc","Region":"cn-north-1","Error":{{"Code":"{code}","Message":"message for {code}"}}}}}}"#
    )
}

// ---- Tencent: POST /, TC3, {"Response": ...} with errors on HTTP 200 -----------------------

pub static TENCENT_DESCRIBE: OperationDescriptor = OperationDescriptor {
    vendor: "tencent",
    service: "trtc",
    name: "DescribeTrtcUsage",
    version: "2019-07-22",
    method: "POST",
    path: "/",
    auth: AuthScheme::Tc3HmacSha256,
    envelope: Envelope::TencentResponse,
    endpoints: &[Endpoint {
        region: "ap-guangzhou",
        url: "https://trtc.tencentcloudapi.com",
        failover: &[],
    }],
    default_region: "ap-guangzhou",
    constants: &[],
    context_params: &[],
    limits: limits(Some(RateLimit {
        requests: 5,
        per: Duration::from_secs(1),
        scope: rtc_usage_core::descriptor::RateScope::Operation,
    })),
    error_codes: &[
        rule("RequestLimitExceeded", ErrorKind::Throttled),
        rule("AuthFailure.SignatureExpire", ErrorKind::ClockSkew),
        rule("AuthFailure*", ErrorKind::Auth),
        rule("InvalidParameter*", ErrorKind::InvalidParameter),
        rule("InternalError*", ErrorKind::Server),
    ],
    vendor_error_codes: &[],
    usage: None,
};

#[derive(Debug, Clone)]
pub struct TencentInput {
    pub sdk_app_id: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct TencentOutput {
    #[serde(rename = "UsageKey")]
    pub usage_key: Vec<String>,
    #[serde(rename = "UsageList")]
    pub usage_list: Vec<TencentUsage>,
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct TencentUsage {
    #[serde(rename = "TimeKey")]
    pub time_key: String,
    #[serde(rename = "UsageValue")]
    pub usage_value: Vec<f64>,
}

pub struct TencentDescribe;

impl Operation for TencentDescribe {
    type Input = TencentInput;
    type Output = TencentOutput;
    fn descriptor() -> &'static OperationDescriptor {
        &TENCENT_DESCRIBE
    }
    fn write_request(input: &TencentInput, request: &mut RequestParts) -> Result<(), WireError> {
        #[derive(serde::Serialize)]
        struct Body {
            #[serde(rename = "StartTime")]
            start: &'static str,
            #[serde(rename = "EndTime")]
            end: &'static str,
            #[serde(rename = "SdkAppId")]
            sdk_app_id: u64,
        }
        rtc_usage_core::wire::json_body(
            request,
            &Body {
                start: "2022-01-01",
                end: "2022-01-02",
                sdk_app_id: input.sdk_app_id,
            },
        )
    }
    fn time_range(_: &TencentInput) -> TimeRange {
        TimeRange::default()
    }
}

/// A Tencent success answer with `n` usage rows.
pub fn tencent_ok_body(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"TimeKey":"2022-01-{:02}","TimeStampKey":{},"UsageValue":[1.5,2.0,3.25,4.0,5.0,6.0]}}"#,
                i % 28 + 1,
                1_640_966_400 + 86_400 * i
            )
        })
        .collect();
    format!(
        r#"{{"Response":{{"UsageKey":["Audio","SD","HD","FullHD","2K","4K"],"UsageList":[{}],"RequestId":"tc-req-ok"}}}}"#,
        rows.join(",")
    )
}

pub fn tencent_error_body(code: &str, request_id: &str) -> String {
    format!(
        r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"message for {code}"}},"RequestId":"{request_id}"}}}}"#
    )
}

// ---- Huawei: GET /v1/{project_id}/..., query, bare JSON, {error_code, error_msg} -----------

pub static HUAWEI_HISTORY: OperationDescriptor = OperationDescriptor {
    vendor: "huawei",
    service: "rtc",
    name: "ListRtcHistoryUsage",
    version: "v1",
    method: "GET",
    path: "/v1/{project_id}/rtc/history/usage",
    auth: AuthScheme::HuaweiSdkHmacSha256,
    envelope: Envelope::HuaweiPlain,
    endpoints: &[Endpoint {
        region: "cn-north-4",
        url: "https://rtc-api.myhuaweicloud.com",
        failover: &[],
    }],
    default_region: "cn-north-4",
    // As the Huawei specs have it: the SDK sends this Content-Type even on GET.
    constants: &[ConstantParam {
        name: "Content-Type",
        location: Location::Header,
        value: "application/json",
    }],
    context_params: &[
        ContextParam {
            name: "project_id",
            location: Location::Path,
            value: ContextValue::ProjectId,
        },
        ContextParam {
            name: "X-Project-Id",
            location: Location::Header,
            value: ContextValue::ProjectId,
        },
    ],
    limits: limits(Some(RateLimit {
        requests: 30,
        per: Duration::from_secs(60),
        scope: rtc_usage_core::descriptor::RateScope::Operation,
    })),
    error_codes: &[
        rule("APIGW.0308", ErrorKind::Throttled),
        rule("APIG.0308", ErrorKind::Throttled),
        rule("APIGW.0301", ErrorKind::Auth),
        rule("APIG.0301", ErrorKind::Auth),
        rule("RTC.00001003", ErrorKind::InvalidParameter),
        rule("RTC.00002*", ErrorKind::Server),
    ],
    vendor_error_codes: &[],
    usage: None,
};

#[derive(Debug, Clone)]
pub struct HuaweiInput {
    pub app: String,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct HuaweiOutput {
    pub usage: Vec<HuaweiUsage>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct HuaweiUsage {
    pub date: String,
    pub audio: i64,
}

pub struct HuaweiHistory;

impl Operation for HuaweiHistory {
    type Input = HuaweiInput;
    type Output = HuaweiOutput;
    fn descriptor() -> &'static OperationDescriptor {
        &HUAWEI_HISTORY
    }
    fn write_request(input: &HuaweiInput, request: &mut RequestParts) -> Result<(), WireError> {
        rtc_usage_core::wire::push_query(request, "app", &input.app)?;
        rtc_usage_core::wire::push_query(request, "metric", "CommunicationDuration")?;
        rtc_usage_core::wire::push_query(request, "start_date", "2022-01-01")?;
        rtc_usage_core::wire::push_query(request, "end_date", "2022-01-02")
    }
    fn time_range(_: &HuaweiInput) -> TimeRange {
        TimeRange::default()
    }
}

pub fn huawei_ok_body() -> String {
    r#"{"usage":[{"date":"2022-01-01","video_sd":1,"video_hd":2,"video_hdp":3,"audio":4,"total_duration":10}]}"#.to_owned()
}

pub fn huawei_path() -> String {
    format!("/v1/{PROJECT}/rtc/history/usage")
}

// ---- configuration helpers -----------------------------------------------------------------

pub fn credentials() -> Credentials {
    Credentials::new(AK, SK).with_project_id(PROJECT)
}

/// A configuration for tests: the mock server as endpoint, a ticking clock, short backoffs,
/// no client-side rate limit, short timeouts.
pub fn test_config(endpoint: &str) -> ConfigBuilder {
    Config::builder()
        .credentials(credentials())
        .endpoint_url(endpoint)
        .clock(TickingClock::starting_at(1_641_081_600))
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .disable_rate_limit()
        .attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(20))
}
