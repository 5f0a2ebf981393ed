//! The fault matrix: every fault a vendor, a proxy or the network can produce (the [`CASES`]
//! table), against every operation of every vendor of the registry
//! (`rtc_usage::registry::VENDORS`), each called through its vendor's generic client with its
//! fixture ([`FIXTURES`], by operation name and version), each vendor's answers written by the
//! runtime's envelope encoders with the codes of the vendor's spec.
//!
//! `fault_matrix.rs` checks each cell's outcome; `secrets.rs` runs the same cells with
//! distinctive secrets and checks that no outcome and no log line shows them. Servers are
//! wiremock or raw tokio listeners on 127.0.0.1; nothing reaches the internet.

#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use chrono::DateTime;
use rtc_usage_core::envelope::{self, AnswerMeta, Encoded, ErrorAnswer};
use rtc_usage_core::registry::VendorEntry;
use rtc_usage_core::{
    Config, Credentials, Error, ErrorKind, FixedClock, OperationDescriptor, RetryConfig, VendorInfo,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Attempts per call (the first included).
pub const MAX_ATTEMPTS: u32 = 3;
/// `ConfigBuilder::max_response_bytes` of every call; real answers here are far smaller.
pub const BODY_BOUND: usize = 16 * 1024;
/// The attempt timeout of the slow-server case; the server waits [`SLOW_DELAY`].
pub const SHORT_ATTEMPT: Duration = Duration::from_millis(300);
pub const SLOW_DELAY: Duration = Duration::from_secs(5);
/// The pause between two bytes of [`Server::Trickle`]'s body: each byte is quick, the whole
/// body takes far longer than [`SHORT_ATTEMPT`].
pub const TRICKLE_PAUSE: Duration = Duration::from_millis(20);
/// The attempt timeout of every other case: generous, so a loaded machine never times out.
pub const LONG_ATTEMPT: Duration = Duration::from_secs(10);
/// The hang guard around a whole call: a call that has not ended by then is a failure.
/// The length of the string of [`Body::ListIsLongString`].
pub const LONG_STRING: usize = 12 * 1024;
/// What a decode error message may take at most: far less than [`LONG_STRING`].
pub const MESSAGE_LIMIT: usize = 2 * 1024;
pub const HANG_GUARD: Duration = Duration::from_secs(60);
/// The time the clients' clock reads (so the spec's look-back checks pass for the inputs).
pub const NOW: &str = "2026-11-10T00:00:00Z";
/// The request id in every vendor error answer (and in the `X-Request-Id` header).
pub const ERROR_REQUEST_ID: &str = "req-error-1";

// ---- the operations -------------------------------------------------------------------------

type CallFuture = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send>>;

/// One operation of the registry: how to call it (its vendor's generic client, with its
/// fixture's input) and its answers' payloads.
pub struct Op {
    /// The vendor's facts (`op.vendor.id`).
    pub vendor: &'static VendorInfo,
    /// The operation's name, with `@version` for a later version of a name.
    pub name: &'static str,
    pub descriptor: &'static OperationDescriptor,
    /// Builds the vendor's client with `config` and makes one call; the output as JSON.
    pub call: Box<dyn Fn(Config) -> CallFuture + Send + Sync>,
    /// A success payload with every field; the output serializes back to exactly this.
    pub full: fn() -> Value,
    /// A success payload with only the required fields.
    pub minimal: fn() -> Value,
    /// A required field: (JSON pointer of the object in `full` that holds it, its name);
    /// `None` for a response without one.
    pub required: Option<(&'static str, &'static str)>,
    /// JSON pointer of the payload's list in `full`.
    pub list: &'static str,
}

/// An operation's test data, by operation name and version: a vendor with the same operation
/// (BytePlus's `ListUsages`, Volcengine's shape) shares it.
pub struct Fixture {
    pub name: &'static str,
    pub version: &'static str,
    /// The call's input, keyed by wire name (the generated request type's).
    pub input: fn() -> Value,
    pub full: fn() -> Value,
    pub minimal: fn() -> Value,
    pub required: Option<(&'static str, &'static str)>,
    pub list: &'static str,
}

/// Every operation of the registry with a fixture, in the registry's order (vendors in the
/// specs' order, each vendor's operations in spec order).
pub struct Ops(LazyLock<Vec<Op>>);

impl std::ops::Deref for Ops {
    type Target = [Op];
    fn deref(&self) -> &[Op] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Ops {
    type Item = &'a Op;
    type IntoIter = std::slice::Iter<'a, Op>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

pub static OPS: Ops = Ops(LazyLock::new(|| {
    registry_operations()
        .filter_map(|(entry, descriptor)| {
            let fixture = fixture(descriptor)?;
            let first_of_name = entry
                .operations
                .iter()
                .find(|o| o.name == descriptor.name)
                .is_some_and(|o| std::ptr::eq(*o, descriptor));
            let name = if first_of_name {
                descriptor.name
            } else {
                Box::leak(format!("{}@{}", descriptor.name, descriptor.version).into_boxed_str())
            };
            let (connect, input) = (entry.connect, fixture.input);
            Some(Op {
                vendor: entry.info,
                name,
                descriptor,
                call: Box::new(move |config| {
                    Box::pin(async move {
                        let client = connect(config).expect("the client builds");
                        client.call_json(descriptor, input()).await
                    })
                }),
                full: fixture.full,
                minimal: fixture.minimal,
                required: fixture.required,
                list: fixture.list,
            })
        })
        .collect()
}));

/// Every operation of every vendor of the registry.
pub fn registry_operations()
-> impl Iterator<Item = (&'static VendorEntry, &'static OperationDescriptor)> {
    rtc_usage::registry::VENDORS
        .iter()
        .flat_map(|entry| entry.operations.iter().map(move |op| (*entry, *op)))
}

/// The fixture of `op`'s name and version.
pub fn fixture(op: &OperationDescriptor) -> Option<&'static Fixture> {
    FIXTURES
        .iter()
        .find(|f| (f.name, f.version) == (op.name, op.version))
}

pub fn volcengine_client(config: Config) -> rtc_usage_volcengine::Client {
    rtc_usage_volcengine::Client::new(config).expect("the client builds")
}

pub fn tencent_client(config: Config) -> rtc_usage_tencent::Client {
    rtc_usage_tencent::Client::new(config).expect("the client builds")
}

pub fn huawei_client(config: Config) -> rtc_usage_huawei::Client {
    rtc_usage_huawei::Client::new(config).expect("the client builds")
}

/// A Tencent-style usage answer (`UsageKey`, `UsageList` of `TimeKey`, `TimeStampKey`,
/// `UsageValue`), the shape of all four of its usage operations.
fn key_value_full() -> Value {
    json!({"RequestId": "req-ok-1", "UsageKey": ["Audio", "SD", "2K"], "UsageList": [
        {"TimeKey": "2026-11-01 00:00:00", "TimeStampKey": 1_793_462_400u64, "UsageValue": [1.5, 2.0, 0.0]},
        {"TimeKey": "2026-11-02 00:00:00", "TimeStampKey": 1_793_548_800u64, "UsageValue": [3.0, 0.0, 4.25]},
    ]})
}

/// Its required fields: `RequestId`, `UsageKey` (required by the specs since spec-audit.md's
/// corrections), `UsageList[].TimeKey`.
fn key_value_minimal() -> Value {
    json!({"RequestId": "req-ok-1", "UsageKey": [], "UsageList": [{"TimeKey": "2026-11-01 00:00:00"}]})
}

pub static FIXTURES: [Fixture; 13] = [
    Fixture {
        name: "ListUsages",
        version: "2020-12-01",
        input: || json!({"AppId": "app-1", "StartTime": "2026-11-01T00:00:00+08:00", "EndTime": "2026-11-08T00:00:00+08:00"}),
        full: || {
            json!({"Usages": [
                {"TimeStamp": "2026-11-01T00:00:00+08:00", "Audio": 12345, "VideoSDM": 1, "VideoSD": 2, "VideoHD": 3},
                {"TimeStamp": "2026-11-02T00:00:00+08:00", "Audio": 1, "VideoSDM": 0, "VideoSD": 0, "VideoHD": 7},
            ]})
        },
        minimal: || json!({"Usages": [{"TimeStamp": "2026-11-01T00:00:00+08:00"}]}),
        required: Some(("/Usages/0", "TimeStamp")),
        list: "/Usages",
    },
    Fixture {
        name: "ListOperationDistribution",
        version: "2020-12-01",
        input: || {
            json!({
                "AppId": "app-1",
                "StartTime": "2026-11-01T00:00:00+08:00",
                "EndTime": "2026-11-07T00:00:00+08:00",
                "Indicator": "user_num",
                "Dimension": "province",
            })
        },
        full: || {
            json!({"Name": "user_num", "Dimension": "province", "Data": [
                {"DistributionName": "上海", "Value": 666.0, "Proportion": 66.66},
                {"DistributionName": "北京", "Value": 123.0, "Proportion": 12.31},
            ]})
        },
        minimal: || json!({"Name": "user_num", "Dimension": "province"}),
        // Every field of the answer is optional, as both official Go SDK versions declare
        // them (the spec's note result-fields-optional): nothing to leave out.
        required: None,
        list: "/Data",
    },
    Fixture {
        name: "DescribeTrtcUsage",
        version: "2019-07-22",
        input: || json!({"SdkAppId": 1_400_000_001u64, "StartTime": "2026-11-01", "EndTime": "2026-11-02"}),
        full: key_value_full,
        minimal: key_value_minimal,
        required: Some(("/UsageList/0", "TimeKey")),
        list: "/UsageList",
    },
    Fixture {
        name: "ListRtcHistoryUsage",
        version: "v1",
        input: || json!({"app": "app-1", "metric": "CommunicationDuration", "start_date": "2026-11-01", "end_date": "2026-11-02"}),
        full: || {
            json!({"usage": [
                {"date": "2026-11-01", "video_sd": 1, "video_hd": 2, "video_hdp": 3, "audio": 4, "total_duration": 10},
                {"date": "2026-11-02", "video_sd": 0, "video_hd": 0, "video_hdp": 0, "audio": 60, "total_duration": 60},
            ]})
        },
        minimal: || json!({"usage": [{"date": "2026-11-01"}]}),
        required: Some(("/usage/0", "date")),
        list: "/usage",
    },
    // The operations added as specs only (issue 7): the same matrix, no new code paths.
    Fixture {
        name: "ListUsages",
        version: "2023-11-01",
        input: || json!({"AppId": "app-1", "StartTime": "2026-11-01T00:00:00+08:00", "EndTime": "2026-11-08T00:00:00+08:00"}),
        full: || {
            json!({"Usages": [
                {"TimeStamp": "2026-11-01T00:00:00+08:00", "Audio": 12345, "VideoSDM": 1, "VideoSD": 2, "VideoHD": 3},
            ]})
        },
        minimal: || json!({"Usages": [{"TimeStamp": "2026-11-01T00:00:00+08:00"}]}),
        required: Some(("/Usages/0", "TimeStamp")),
        list: "/Usages",
    },
    Fixture {
        name: "DescribeRecordingUsage",
        version: "2019-07-22",
        input: || json!({"SdkAppId": 1_400_000_001u64, "MixType": "multi", "StartTime": "2026-11-01", "EndTime": "2026-11-02"}),
        full: key_value_full,
        minimal: key_value_minimal,
        required: Some(("/UsageList/0", "TimeKey")),
        list: "/UsageList",
    },
    Fixture {
        name: "DescribeMixTranscodingUsage",
        version: "2019-07-22",
        input: || json!({"StartTime": "2026-11-01", "EndTime": "2026-11-02"}),
        full: key_value_full,
        minimal: key_value_minimal,
        required: Some(("/UsageList/0", "TimeKey")),
        list: "/UsageList",
    },
    Fixture {
        name: "DescribeRelayUsage",
        version: "2019-07-22",
        input: || json!({"SdkAppId": 1_400_000_001u64, "StartTime": "2026-11-01", "EndTime": "2026-11-02"}),
        full: key_value_full,
        minimal: key_value_minimal,
        required: Some(("/UsageList/0", "TimeKey")),
        list: "/UsageList",
    },
    Fixture {
        name: "ListRtcHistoryScale",
        version: "v1",
        input: || {
            // Its 31-day look-back is enforced: ask about the last two days.
            let today = chrono::Utc::now().date_naive();
            json!({
                "app": "app-1",
                "metric": ["UserCount", "RoomCount"],
                "start_date": (today - chrono::Days::new(2)).to_string(),
                "end_date": (today - chrono::Days::new(1)).to_string(),
            })
        },
        full: || {
            json!({"scale": [
                {"date": "2026-11-01", "user_count": 12, "room_count": 3},
                {"date": "2026-11-02", "user_count": 0, "room_count": 0},
            ]})
        },
        minimal: || json!({"scale": [{"date": "2026-11-01"}]}),
        required: Some(("/scale/0", "date")),
        list: "/scale",
    },
    // Alibaba Cloud ARTC (ACS3, the alibaba-rpc envelope): the payload bare with its
    // RequestId; times as the typed answer writes them back.
    Fixture {
        name: "DescribeLiveGrtnDuration",
        version: "2016-11-01",
        input: || json!({"AppId": "app-1", "Interval": "86400", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-08T00:00:00Z"}),
        full: || {
            json!({"RequestId": "req-ok-1", "StreamDetailData": {"StreamData": [
                {"AppId": "app-1", "Duration": 120, "MediaProfile": "0", "MediaType": "audio", "TimeStamp": "2026-11-01T00:00:00Z"},
                {"AppId": "app-1", "Duration": 7, "MediaProfile": "720P", "MediaType": "video", "TimeStamp": "2026-11-02T00:00:00Z"},
            ]}})
        },
        minimal: || json!({"StreamDetailData": {"StreamData": [{"MediaProfile": "0", "TimeStamp": "2026-11-01T00:00:00Z"}]}}),
        required: Some(("/StreamDetailData/StreamData/0", "TimeStamp")),
        list: "/StreamDetailData/StreamData",
    },
    Fixture {
        name: "DescribeLiveRtcRecordUsageData",
        version: "2016-11-01",
        input: || json!({"AppId": "app-1", "RecordMode": "1", "Interval": "86400", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-08T00:00:00Z"}),
        full: || {
            json!({"RequestId": "req-ok-1", "AppId": "app-1", "RecordMode": "1",
                "TotalSummaryDuration": 151.5, "AudioSummaryDuration": 21.5, "V480SummaryDuration": 30.0,
                "V720SummaryDuration": 40.0, "V1080SummaryDuration": 10.0, "Data": [
                {"Timestamp": "2026-11-01T00:00:00Z", "TotalDuration": 150.0, "AudioDuration": 20.0,
                 "V480Duration": 30.0, "V720Duration": 40.0, "V1080Duration": 10.0},
                {"Timestamp": "2026-11-02T00:00:00Z", "TotalDuration": 1.5, "AudioDuration": 1.5,
                 "V480Duration": 0.0, "V720Duration": 0.0, "V1080Duration": 0.0},
            ]})
        },
        minimal: || json!({"Data": [{"Timestamp": "2026-11-01T00:00:00Z"}]}),
        required: Some(("/Data/0", "Timestamp")),
        list: "/Data",
    },
    Fixture {
        name: "GetUsage",
        version: "v3",
        input: || json!({"project_id": "rxxxxxxj5u", "from_date": "2026-11-01", "to_date": "2026-11-02", "business": "default"}),
        // As the typed answer writes it back: figures as numbers of seconds (floats), the
        // date as a string or, as Agora's field table has it, a number.
        full: || {
            json!({"usages": [
                {"date": "2026-11-01T00:00:00Z", "usage": {
                    "durationAudioAll": 36000.0, "durationVideoHd": 7200.0, "durationVideoHdp": 0.0,
                    "durationVideo1080P": 1800.0, "durationVideo2K": 60.0, "durationVideo4K": 0.0}},
                {"date": 1_793_577_600u64, "usage": {
                    "durationAudioAll": 1.5, "durationVideoHd": 0.0, "durationVideoHdp": 2.0,
                    "durationVideo1080P": 0.0, "durationVideo2K": 0.0, "durationVideo4K": 30.0}},
            ]})
        },
        minimal: || json!({"usages": [{"date": "2026-11-01T00:00:00Z", "usage": {}}]}),
        required: Some(("/usages/0", "date")),
        list: "/usages",
    },
    Fixture {
        name: "ListProjects",
        version: "v1",
        input: || json!({}),
        full: || {
            json!({"projects": [
                {"id": "rxxxxxxj5u", "name": "project1", "vendor_key": "app-1",
                 "recording_server": "10.0.0.1:4000", "status": 1, "created": 1_545_796_369},
                {"id": "ryyyyyyk6v", "name": "project2", "vendor_key": "app-2", "status": 0,
                 "created": 1_545_796_370},
            ]})
        },
        minimal: || json!({"projects": [{"id": "rxxxxxxj5u", "vendor_key": "app-1"}]}),
        required: Some(("/projects/0", "vendor_key")),
        list: "/projects",
    },
];

// ---- the vendors' answers -------------------------------------------------------------------
//
// Written by the runtime's own encoders (`rtc_usage_core::envelope`, one module per envelope
// shape), with the codes of each vendor's spec: no vendor is named here.

/// The request id of every success answer (also inside each Tencent-style payload).
pub const OK_REQUEST_ID: &str = "req-ok-1";

/// The first code of `kind` in `op`'s vendor's error table (the vendor-wide rules first, as
/// a gateway answers; a `prefix*` rule as its prefix), with the status its envelope answers
/// that kind with.
fn vendor_code(op: &Op, kind: ErrorKind) -> Option<(u16, String)> {
    let d = op.descriptor;
    d.vendor_error_codes
        .iter()
        .chain(d.error_codes)
        .find(|rule| rule.kind == kind)
        .map(|rule| {
            let code = rule.code.trim_end_matches('*').to_owned();
            (envelope::error_status(d.envelope, kind), code)
        })
}

/// (HTTP status, code) of the vendor's throttling answer (Tencent's comes with HTTP 200).
pub fn throttle(op: &Op) -> (u16, String) {
    vendor_code(op, ErrorKind::Throttled).expect("every spec maps a throttling code")
}

/// (HTTP status, code) of the vendor's internal error.
pub fn internal(op: &Op) -> (u16, String) {
    vendor_code(op, ErrorKind::Server).expect("every spec maps a server error code")
}

/// (HTTP status, code) of the vendor's answer to a request signed with a skewed clock, if
/// its spec maps one.
pub fn clock_skew(op: &Op) -> Option<(u16, String)> {
    vendor_code(op, ErrorKind::ClockSkew)
}

/// The success answer around `payload`, as the vendor's envelope writes it.
pub fn success(op: &Op, payload: &Value) -> Encoded {
    let meta = AnswerMeta {
        request_id: OK_REQUEST_ID,
        op: Some(op.descriptor),
        ..AnswerMeta::default()
    };
    envelope::encode_success(op.descriptor.envelope, payload, &meta)
}

/// The vendor's error answer with `code`, at `status`.
pub fn vendor_error(op: &Op, kind: ErrorKind, (status, code): (u16, String)) -> Encoded {
    let message = format!("{code} happened");
    let error = ErrorAnswer {
        kind,
        code: &code,
        code_n: None,
        message: &message,
    };
    let meta = AnswerMeta {
        request_id: ERROR_REQUEST_ID,
        op: Some(op.descriptor),
        ..AnswerMeta::default()
    };
    envelope::encode_error(op.descriptor.envelope, &error, Some(status), &meta)
}

// ---- the cases ------------------------------------------------------------------------------

/// One fault, what the server does, and what the caller must get.
pub struct Case {
    pub name: &'static str,
    pub server: Server,
    pub attempt_timeout: Duration,
    pub expect: Expect,
}

pub enum Server {
    /// A wiremock server answering `first` (at most `times` times, when given), then `then`.
    Mock {
        first: Option<(Answer, u64)>,
        then: Answer,
    },
    /// Nothing listens on the port.
    Refused,
    /// A raw listener that accepts each connection and drops it at once.
    Reset,
    /// A raw HTTP/1.1 server whose 200 has a chunked body (no length announced) that passes
    /// the bound and then stalls without ending.
    ChunkedPastBound,
    /// A raw HTTP/1.1 server whose 200 announces more bytes than it sends, then closes.
    CutOff,
    /// A raw HTTP/1.1 server whose 200 body comes a byte at a time, slower than the attempt
    /// timeout allows for the whole of it.
    Trickle,
}

#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// The vendor's throttling answer.
    Throttle,
    /// The vendor's throttling answer asking for a wait of this many seconds, in HTTP's
    /// `Retry-After` and in the vendor's own header where it has one.
    ThrottleAsking(u64),
    /// The vendor's internal-error answer.
    Internal,
    /// The vendor's answer to a skewed clock.
    ClockSkew,
    /// The vendor's throttling body, but with HTTP 200.
    ThrottleWith200,
    /// A bare status with a plain-text body (a gateway's answer).
    Status(u16),
    /// A proxy's HTML error page with this status.
    Html(u16),
    /// HTTP 200 with this body.
    Body(Body),
    /// The full success answer, after [`SLOW_DELAY`].
    Slow,
}

#[derive(Debug, Clone, Copy)]
pub enum Body {
    Full,
    /// The full answer with unknown fields added to every object.
    UnknownFields,
    /// Only the required fields.
    Minimal,
    /// The full answer less one required field.
    MissingRequired,
    /// The first half of the full answer.
    Truncated,
    Empty,
    /// The envelope around a JSON string instead of the payload object.
    StringPayload,
    /// The envelope around an empty JSON array instead of the payload object.
    ArrayPayload,
    /// The full answer with its list replaced by a string.
    ListIsString,
    /// The full answer with its list replaced by a long string (within the bound).
    ListIsLongString,
    /// The full answer padded past [`BODY_BOUND`] (its length announced).
    Oversized,
}

pub enum Expect {
    /// Success after `requests` requests, taking at least `waits`; the output is `value`.
    Ok {
        requests: usize,
        value: Expected,
        waits: Duration,
    },
    /// An error of `kind` after `attempts` attempts, its message naming `mentions`.
    Err {
        kind: ErrorKind,
        attempts: u32,
        mentions: &'static [Mention],
    },
}

#[derive(Debug, Clone, Copy)]
pub enum Expected {
    /// Exactly the full payload.
    Full,
    /// The minimal payload, plus defaults.
    Minimal,
}

#[derive(Debug, Clone, Copy)]
pub enum Mention {
    /// This text, in the message.
    Text(&'static str),
    /// The missing required field's name, in the message.
    RequiredField,
    /// The bound and the setting that sets it, in the message.
    Bound,
    /// The vendor's own code of the last answer, as `Error::code`.
    VendorCode(Answer),
    /// This text, in `Error::hint`.
    Hint(&'static str),
    /// A message of at most this many bytes.
    AtMost(usize),
}

const fn mock(first: Option<(Answer, u64)>, then: Answer) -> Server {
    Server::Mock { first, then }
}

const fn ok(requests: usize, value: Expected) -> Expect {
    ok_after(requests, value, Duration::ZERO)
}

const fn ok_after(requests: usize, value: Expected, waits: Duration) -> Expect {
    Expect::Ok {
        requests,
        value,
        waits,
    }
}

const fn err(kind: ErrorKind, attempts: u32, mentions: &'static [Mention]) -> Expect {
    Expect::Err {
        kind,
        attempts,
        mentions,
    }
}

const fn case(name: &'static str, server: Server, expect: Expect) -> Case {
    Case {
        name,
        server,
        attempt_timeout: LONG_ATTEMPT,
        expect,
    }
}

const FULL: Answer = Answer::Body(Body::Full);
const ONCE: u64 = 1;
const N: u32 = MAX_ATTEMPTS;

/// The fault matrix's rows.
pub static CASES: &[Case] = &[
    case(
        "throttled_then_ok",
        mock(Some((Answer::Throttle, ONCE)), FULL),
        ok(2, Expected::Full),
    ),
    case(
        "throttled_forever",
        mock(None, Answer::Throttle),
        err(
            ErrorKind::Throttled,
            N,
            &[
                Mention::VendorCode(Answer::Throttle),
                Mention::Hint("rate limit"),
            ],
        ),
    ),
    // A wait the server asks for is waited out (here 1 s, beyond the matrix's 10 ms backoff
    // cap); one beyond the bound (RetryConfig::max_retry_after, 20 s) ends the call at once.
    case(
        "throttled_asking_to_wait_then_ok",
        mock(Some((Answer::ThrottleAsking(1), ONCE)), FULL),
        ok_after(2, Expected::Full, Duration::from_secs(1)),
    ),
    case(
        "throttled_asking_to_wait_an_hour",
        mock(None, Answer::ThrottleAsking(3600)),
        err(
            ErrorKind::Throttled,
            1,
            &[Mention::VendorCode(Answer::Throttle)],
        ),
    ),
    case(
        "throttling_body_with_http_200",
        mock(None, Answer::ThrottleWith200),
        err(
            ErrorKind::Throttled,
            N,
            &[Mention::VendorCode(Answer::ThrottleWith200)],
        ),
    ),
    case(
        "vendor_internal_error_then_ok",
        mock(Some((Answer::Internal, ONCE)), FULL),
        ok(2, Expected::Full),
    ),
    case(
        "http_500_then_ok",
        mock(Some((Answer::Status(500), ONCE)), FULL),
        ok(2, Expected::Full),
    ),
    case(
        "http_502_then_ok",
        mock(Some((Answer::Status(502), ONCE)), FULL),
        ok(2, Expected::Full),
    ),
    case(
        "http_503_twice_then_ok",
        mock(Some((Answer::Status(503), 2)), FULL),
        ok(3, Expected::Full),
    ),
    case(
        "html_error_page_502_forever",
        mock(None, Answer::Html(502)),
        err(ErrorKind::Server, N, &[Mention::Text("502 Bad Gateway")]),
    ),
    case(
        "html_page_with_200",
        mock(None, Answer::Html(200)),
        err(ErrorKind::Decode, 1, &[Mention::Text("<html>")]),
    ),
    case(
        "empty_200",
        mock(None, Answer::Body(Body::Empty)),
        err(ErrorKind::Decode, 1, &[Mention::Text("<empty>")]),
    ),
    case(
        "truncated_json",
        mock(None, Answer::Body(Body::Truncated)),
        err(ErrorKind::Decode, 1, &[Mention::Text("EOF")]),
    ),
    case(
        "wrong_shape_string_payload",
        mock(None, Answer::Body(Body::StringPayload)),
        err(ErrorKind::Decode, 1, &[Mention::Text("invalid type")]),
    ),
    case(
        "wrong_shape_array_payload",
        mock(None, Answer::Body(Body::ArrayPayload)),
        err(ErrorKind::Decode, 1, &[]),
    ),
    case(
        "wrong_shape_list_is_a_string",
        mock(None, Answer::Body(Body::ListIsString)),
        err(ErrorKind::Decode, 1, &[Mention::Text("invalid type")]),
    ),
    case(
        "wrong_shape_long_string_not_quoted_whole",
        mock(None, Answer::Body(Body::ListIsLongString)),
        err(ErrorKind::Decode, 1, &[Mention::AtMost(MESSAGE_LIMIT)]),
    ),
    case(
        "unknown_fields_accepted",
        mock(None, Answer::Body(Body::UnknownFields)),
        ok(1, Expected::Full),
    ),
    case(
        "missing_optional_fields_accepted",
        mock(None, Answer::Body(Body::Minimal)),
        ok(1, Expected::Minimal),
    ),
    case(
        "missing_required_field",
        mock(None, Answer::Body(Body::MissingRequired)),
        err(ErrorKind::Decode, 1, &[Mention::RequiredField]),
    ),
    case(
        "body_over_the_bound_announced",
        mock(None, Answer::Body(Body::Oversized)),
        err(ErrorKind::Decode, 1, &[Mention::Bound]),
    ),
    case(
        "body_over_the_bound_chunked_and_stalling",
        Server::ChunkedPastBound,
        err(ErrorKind::Decode, 1, &[Mention::Bound]),
    ),
    Case {
        name: "slow_server",
        server: mock(None, Answer::Slow),
        attempt_timeout: SHORT_ATTEMPT,
        expect: err(ErrorKind::Timeout, N, &[Mention::Text("attempt timeout")]),
    },
    Case {
        name: "body_trickles",
        server: Server::Trickle,
        attempt_timeout: SHORT_ATTEMPT,
        expect: err(ErrorKind::Timeout, N, &[Mention::Text("attempt timeout")]),
    },
    case(
        "connection_refused",
        Server::Refused,
        err(ErrorKind::Transport, N, &[Mention::Text("onnect")]),
    ),
    case(
        "connection_reset",
        Server::Reset,
        err(ErrorKind::Transport, N, &[]),
    ),
    case(
        "body_cut_off",
        Server::CutOff,
        err(ErrorKind::Transport, N, &[]),
    ),
    case(
        "clock_skew",
        mock(None, Answer::ClockSkew),
        err(
            ErrorKind::ClockSkew,
            1,
            &[
                Mention::VendorCode(Answer::ClockSkew),
                Mention::Hint("clock"),
            ],
        ),
    ),
];

pub fn case_named(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case `{name}` in CASES"))
}

// ---- running a cell -------------------------------------------------------------------------

/// What one (case, operation) cell produced.
pub struct Cell {
    pub op: &'static Op,
    pub case: &'static Case,
    /// `None` when the case does not apply to the operation (no clock-skew code in its
    /// vendor's spec, no required field in its answer).
    pub result: Option<Result<Value, Error>>,
    /// Requests (wiremock) or connections (raw servers) the server saw; `None` when nothing
    /// listens.
    pub requests: Option<usize>,
    /// How long the call took.
    pub took: Duration,
}

impl Cell {
    pub fn label(&self) -> String {
        format!(
            "{} × {} {}",
            self.case.name, self.op.vendor.id, self.op.name
        )
    }
}

/// Credentials with no special content.
pub fn plain_credentials() -> Credentials {
    Credentials::new("AKIDFAULTMATRIX", "fault-matrix-secret-key")
        .with_session_token("fault-matrix-session-token")
        .with_project_id("0123456789abcdef0123456789abcdef")
}

pub fn config(endpoint: &str, credentials: &Credentials, attempt_timeout: Duration) -> Config {
    let now = DateTime::parse_from_rfc3339(NOW)
        .expect("RFC 3339")
        .to_utc();
    Config::builder()
        .credentials(credentials.clone())
        .endpoint_url(endpoint)
        .clock(Arc::new(FixedClock(now)))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(10)),
        )
        .connect_timeout(Duration::from_secs(5))
        .attempt_timeout(attempt_timeout)
        .max_response_bytes(BODY_BOUND)
        .disable_rate_limit()
        .build()
        .expect("the test configuration is valid")
}

/// Runs one cell: starts its server, makes the call, and reports what happened.
pub async fn run(op: &'static Op, case: &'static Case, credentials: &Credentials) -> Cell {
    let mut cell = Cell {
        op,
        case,
        result: None,
        requests: None,
        took: Duration::ZERO,
    };
    let started = std::time::Instant::now();
    let call = |endpoint: String| {
        let config = config(&endpoint, credentials, case.attempt_timeout);
        async move {
            match tokio::time::timeout(HANG_GUARD, (op.call)(config)).await {
                Ok(result) => result,
                Err(_) => panic!("{} × {}: the call did not end", case.name, op.name),
            }
        }
    };
    match &case.server {
        Server::Mock { first, then } => {
            let mut templates = Vec::new();
            if let Some((answer, times)) = first {
                templates.push((template(op, *answer), Some(*times)));
            }
            templates.push((template(op, *then), None));
            if templates.iter().any(|(t, _)| t.is_none()) {
                return cell;
            }
            let server = MockServer::start().await;
            for (priority, (template, times)) in templates.into_iter().enumerate() {
                let mock = Mock::given(any())
                    .respond_with(template.expect("checked above"))
                    .with_priority(priority as u8 + 1);
                match times {
                    Some(n) => mock.up_to_n_times(n).mount(&server).await,
                    None => mock.mount(&server).await,
                }
            }
            cell.result = Some(call(server.uri()).await);
            cell.took = started.elapsed();
            cell.requests = server.received_requests().await.map(|r| r.len());
        }
        Server::Refused => {
            let port = {
                let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
                listener.local_addr().expect("bound").port()
            };
            cell.result = Some(call(format!("http://127.0.0.1:{port}")).await);
        }
        Server::Reset | Server::ChunkedPastBound | Server::CutOff | Server::Trickle => {
            let raw = RawServer::start(&case.server).await;
            cell.result = Some(call(raw.uri()).await);
            cell.requests = Some(raw.connections());
        }
    }
    cell
}

/// Runs one case against every operation at once; the cells in the order they end.
pub async fn run_row(case: &'static Case, credentials: &Credentials) -> Vec<Cell> {
    let mut cells = tokio::task::JoinSet::new();
    for op in &OPS {
        let credentials = credentials.clone();
        cells.spawn(async move { run(op, case, &credentials).await });
    }
    let mut out = Vec::with_capacity(OPS.len());
    while let Some(cell) = cells.join_next().await {
        out.push(cell.expect("a cell panicked"));
    }
    out
}

/// The wiremock answer; `None` when the vendor has no such answer (no clock-skew code in its
/// spec, no required field in its answer, no error body with HTTP 200).
fn template(op: &Op, answer: Answer) -> Option<ResponseTemplate> {
    let vendor_error = |kind, status_code| {
        let answer = vendor_error(op, kind, status_code);
        let has_id = answer
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("x-request-id"));
        let template = respond(answer);
        if has_id {
            template
        } else {
            template.insert_header("X-Request-Id", ERROR_REQUEST_ID)
        }
    };
    Some(match answer {
        Answer::Throttle => vendor_error(ErrorKind::Throttled, throttle(op)),
        Answer::ThrottleAsking(seconds) => {
            let wait = Duration::from_secs(seconds);
            let mut answer = self::vendor_error(op, ErrorKind::Throttled, throttle(op));
            answer.headers.retain(|(name, _)| {
                !name.eq_ignore_ascii_case("x-request-id") && !name.contains("retry-after")
            });
            answer.headers.push(("Retry-After", seconds.to_string()));
            answer.headers.push(("X-Request-Id", ERROR_REQUEST_ID.to_owned()));
            answer.headers.extend(envelope::retry_after_header(
                op.descriptor.envelope,
                wait,
            ));
            respond(answer)
        }
        Answer::Internal => vendor_error(ErrorKind::Server, internal(op)),
        Answer::ClockSkew => vendor_error(ErrorKind::ClockSkew, clock_skew(op)?),
        // A shape whose errors are their HTTP status (Agora's) has no throttling body to send
        // with 200: its 200 is a success whatever it carries.
        Answer::ThrottleWith200
            if op.descriptor.envelope == rtc_usage_core::Envelope::AgoraPlain =>
        {
            return None;
        }
        Answer::ThrottleWith200 => vendor_error(ErrorKind::Throttled, (200, throttle(op).1)),
        Answer::Status(status) => {
            ResponseTemplate::new(status).set_body_raw("upstream failure", "text/plain")
        }
        Answer::Html(status) => ResponseTemplate::new(status).set_body_raw(
            "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
            "text/html",
        ),
        Answer::Body(Body::MissingRequired) if op.required.is_none() => return None,
        Answer::Body(body) => answer_200(op, body),
        Answer::Slow => answer_200(op, Body::Full).set_delay(SLOW_DELAY),
    })
}

/// An encoded answer as a wiremock template: its status, headers and JSON body.
fn respond(answer: Encoded) -> ResponseTemplate {
    let mut template =
        ResponseTemplate::new(answer.status).set_body_raw(answer.body, "application/json");
    for (name, value) in answer.headers {
        template = template.insert_header(name, value.as_str());
    }
    template
}

/// A 200 answer with `body`, and the headers of the vendor's success answer.
fn answer_200(op: &Op, body: Body) -> ResponseTemplate {
    let mut template =
        ResponseTemplate::new(200).set_body_raw(body_bytes(op, body), "application/json");
    for (name, value) in success(op, &json!({})).headers {
        template = template.insert_header(name, value.as_str());
    }
    template
}

/// The bytes of a 200 answer's body.
pub fn body_bytes(op: &Op, body: Body) -> Vec<u8> {
    let wrap = |payload: Value| success(op, &payload).body;
    match body {
        Body::Full => wrap((op.full)()),
        Body::UnknownFields => {
            let mut value: Value =
                serde_json::from_slice(&wrap((op.full)())).expect("the encoder writes JSON");
            add_unknown_fields(&mut value);
            serde_json::to_vec(&value).expect("JSON")
        }
        Body::Minimal => wrap((op.minimal)()),
        Body::MissingRequired => {
            let mut payload = (op.full)();
            let (parent, field) = op.required.expect("an operation with a required field");
            payload
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .and_then(|o| o.remove(field))
                .expect("the required field is in the full payload");
            wrap(payload)
        }
        Body::Truncated => {
            let bytes = wrap((op.full)());
            bytes[..bytes.len() / 2].to_vec()
        }
        Body::Empty => Vec::new(),
        Body::StringPayload => wrap(json!("unexpected")),
        Body::ArrayPayload => wrap(json!([])),
        Body::ListIsString | Body::ListIsLongString => {
            let text = match body {
                Body::ListIsString => "not a list".to_owned(),
                _ => "A".repeat(LONG_STRING),
            };
            let mut payload = (op.full)();
            *payload.pointer_mut(op.list).expect("the list") = Value::String(text);
            wrap(payload)
        }
        Body::Oversized => {
            let mut payload = (op.full)();
            payload
                .as_object_mut()
                .expect("payloads are objects")
                .insert("Padding".into(), json!("x".repeat(BODY_BOUND * 4)));
            wrap(payload)
        }
    }
}

/// Adds an unknown member (of every JSON kind) to every object in `value`.
fn add_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                add_unknown_fields(v);
            }
            map.insert(
                "UnknownFieldAddedLater".into(),
                json!({"nested": [1, "two", null, true, {"deeper": 3.5}]}),
            );
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_fields),
        _ => {}
    }
}

// ---- raw servers ----------------------------------------------------------------------------

/// A raw TCP server on 127.0.0.1 that misbehaves below HTTP; stopped on drop.
struct RawServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    async fn start(kind: &Server) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        let behaviour = match kind {
            Server::Reset => Raw::Reset,
            Server::ChunkedPastBound => Raw::ChunkedPastBound,
            Server::CutOff => Raw::CutOff,
            Server::Trickle => Raw::Trickle,
            _ => unreachable!("not a raw server"),
        };
        let task = tokio::spawn(async move {
            let mut handlers = tokio::task::JoinSet::new();
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                if let Raw::Reset = behaviour {
                    drop(stream);
                    continue;
                }
                handlers.spawn(async move {
                    // The request is small; read its first segment, answer, misbehave.
                    let mut buf = vec![0u8; 64 * 1024];
                    let _ = stream.read(&mut buf).await;
                    match behaviour {
                        Raw::ChunkedPastBound => {
                            let _ = stream
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                                .await;
                            let chunk = format!("1000\r\n{}\r\n", " ".repeat(0x1000));
                            for _ in 0..(BODY_BOUND / 0x1000 + 2) {
                                if stream.write_all(chunk.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                            let _ = stream.flush().await;
                            // Never end the body: a client that reads on waits for ever.
                            std::future::pending::<()>().await;
                        }
                        Raw::CutOff => {
                            let _ = stream
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"Result\":{\"Usa")
                                .await;
                            let _ = stream.shutdown().await;
                        }
                        Raw::Trickle => {
                            let _ = stream
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n")
                                .await;
                            for _ in 0..1000 {
                                tokio::time::sleep(TRICKLE_PAUSE).await;
                                if stream.write_all(b" ").await.is_err() {
                                    return;
                                }
                            }
                        }
                        Raw::Reset => {}
                    }
                });
            }
        });
        Self {
            port,
            connections,
            task,
        }
    }

    fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every handler.
        self.task.abort();
    }
}

#[derive(Clone, Copy)]
enum Raw {
    Reset,
    ChunkedPastBound,
    CutOff,
    Trickle,
}
