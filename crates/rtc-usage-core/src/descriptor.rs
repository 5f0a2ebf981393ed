//! What a generated crate tells the runtime about one operation.
//!
//! Every value here comes from a spec in `specs/` via `cargo xtask codegen`; the runtime
//! never knows a vendor by name, only the schemes and rules a descriptor names.

use std::time::Duration;

use crate::error::ErrorKind;

/// Everything the runtime needs to call one documented operation.
///
/// Built only by generated code, which is regenerated with the runtime it targets; so its
/// fields are public and the struct is not `#[non_exhaustive]`.
#[derive(Debug, Clone, Copy)]
pub struct OperationDescriptor {
    /// Vendor id as used in specs, env variables and the CLI (`volcengine`, `tencent`, `huawei`).
    pub vendor: &'static str,
    /// The vendor's service name (`rtc`, `trtc`), also the signing service.
    pub service: &'static str,
    /// The operation's documented name, e.g. `ListUsages`.
    pub name: &'static str,
    /// The API version, e.g. `2020-12-01`.
    pub version: &'static str,
    /// HTTP method in upper case.
    pub method: &'static str,
    /// Path template with `{name}` placeholders, e.g. `/v1/{project_id}/rtc/history/usage`.
    pub path: &'static str,
    pub auth: AuthScheme,
    pub envelope: Envelope,
    pub endpoints: &'static [Endpoint],
    /// Region used when the client names none.
    pub default_region: &'static str,
    /// Parameters with a fixed value (e.g. Volcengine's `Action` and `Version` query).
    pub constants: &'static [ConstantParam],
    /// Parameters filled from the client's context (e.g. Huawei's project id).
    pub context_params: &'static [ContextParam],
    pub limits: Limits,
    /// The operation's own error codes and what they mean, most specific first.
    pub error_codes: &'static [ErrorCodeRule],
    /// The vendor-wide codes (gateway, auth, throttling), shared by every operation of the
    /// vendor and tried after the operation's own.
    pub vendor_error_codes: &'static [ErrorCodeRule],
    /// What the answer means as usage (the spec's `usage:` block), for usage operations.
    pub usage: Option<&'static crate::usage::UsageSpec>,
}

impl OperationDescriptor {
    /// The endpoint URL for `region`, if the spec lists one.
    pub fn endpoint(&self, region: &str) -> Option<&'static str> {
        self.endpoints
            .iter()
            .find(|e| e.region == region)
            .map(|e| e.url)
    }

    /// Every error code rule of the operation: its own first, then the vendor's.
    pub fn error_rules(&self) -> impl Iterator<Item = &'static ErrorCodeRule> + use<> {
        self.error_codes.iter().chain(self.vendor_error_codes)
    }

    /// The spec's rule for a vendor error code, by exact match or a `prefix*` rule.
    pub fn error_rule(&self, code: &str) -> Option<&'static ErrorCodeRule> {
        self.error_rules()
            .find(|rule| match rule.code.strip_suffix('*') {
                Some(prefix) => code.starts_with(prefix),
                None => code == rule.code,
            })
    }

    /// The kind a vendor error code maps to, by exact match or a `prefix*` rule.
    pub fn classify_code(&self, code: &str) -> Option<ErrorKind> {
        self.error_rule(code).map(|rule| rule.kind)
    }
}

/// How a request is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// Volcengine `HMAC-SHA256` (V4 style, `X-Date`, scope `date/region/service/request`).
    VolcengineHmacSha256,
    /// Tencent Cloud API 3.0 `TC3-HMAC-SHA256`.
    Tc3HmacSha256,
    /// Huawei Cloud APIG `SDK-HMAC-SHA256`.
    HuaweiSdkHmacSha256,
    /// Alibaba Cloud V3 `ACS3-HMAC-SHA256` (`x-acs-*` headers, no scope, raw secret).
    Acs3HmacSha256,
    /// HTTP Basic (RFC 7617): `Authorization: Basic base64(id:secret)`, nothing signed
    /// (Agora's Customer ID and Customer Secret).
    HttpBasic,
}

/// How a response body wraps its payload and its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Envelope {
    /// `{"ResponseMetadata": {.., "Error"?}, "Result": payload}`; errors arrive with HTTP 4xx/5xx.
    VolcengineResult,
    /// `{"Response": payload | {"Error", "RequestId"}}`; errors arrive with HTTP 200.
    TencentResponse,
    /// The payload bare on 2xx; `{error_code, error_msg}` or `{code, message}` otherwise.
    HuaweiPlain,
    /// Alibaba Cloud RPC: the payload bare (with its `RequestId`) on 2xx; `{RequestId, HostId,
    /// Code, Message, Recommend}` otherwise, and a `Code` on 2xx is an error too.
    AlibabaRpc,
    /// Agora's Console RESTful API: the payload bare on any 2xx (201 included); errors by
    /// HTTP status, the reason in `{"message"}`.
    AgoraPlain,
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub region: &'static str,
    pub url: &'static str,
    /// The vendor's documented fail-over hosts for this endpoint, in the order tried: a retry
    /// after a connection failure (not an HTTP error) on one goes to the next
    /// ([`crate::Client`]). Empty for most vendors.
    pub failover: &'static [&'static str],
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Body,
}

#[derive(Debug, Clone, Copy)]
pub struct ConstantParam {
    pub name: &'static str,
    pub location: Location,
    pub value: &'static str,
}

/// A value the client supplies from its own configuration rather than from the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContextValue {
    /// The project id from the credentials (Huawei).
    ProjectId,
}

#[derive(Debug, Clone, Copy)]
pub struct ContextParam {
    pub name: &'static str,
    pub location: Location,
    pub value: ContextValue,
}

/// A documented limit is enforced before a call only when a source confirms it;
/// an unconfirmed one is still used to size windows, but the vendor has the last word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    /// Checked before any network call.
    Enforced,
    /// Recorded (and used to split ranges) but left to the vendor to reject.
    Advisory,
}

/// The documented limits of one operation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub rate: Option<RateLimit>,
    pub span: Option<SpanLimit>,
    pub lookback: Option<LookbackLimit>,
    /// How long after the fact the vendor's data is complete.
    pub data_delay: Option<Duration>,
    /// UTC offset, in seconds, of the calendar the operation's dates and days are in.
    pub day_offset_seconds: i32,
    /// The vendor's native bucket sizes.
    pub granularity: Option<Granularity>,
}

/// `requests` calls per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per: Duration,
    /// What shares the window: the operation alone, or every operation of the vendor whose
    /// limit is account-wide.
    pub scope: RateScope,
}

/// Who shares a [`RateLimit`]'s window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RateScope {
    /// Each operation (and version) has its own window.
    #[default]
    Operation,
    /// One window per account: every operation of the vendor with an account-scoped limit
    /// counts against it (Agora's 10 requests/s).
    Account,
}

/// How a span between a start and an end parameter is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanCounting {
    /// Calendar days counted with both ends included (`2022-01-01..=2022-01-31` is 31 days).
    InclusiveDays,
    /// Elapsed time from start to end.
    Elapsed,
}

#[derive(Debug, Clone, Copy)]
pub struct SpanLimit {
    pub start_param: &'static str,
    pub end_param: &'static str,
    pub max_days: u32,
    pub counting: SpanCounting,
    /// Whether the vendor includes the bucket at (or the day of) the end (the spec's reading).
    pub end_inclusive: bool,
    pub enforcement: Enforcement,
}

#[derive(Debug, Clone, Copy)]
pub struct LookbackLimit {
    pub param: &'static str,
    pub max_days: u32,
    pub enforcement: Enforcement,
}

#[derive(Debug, Clone, Copy)]
pub struct Granularity {
    /// The usual bucket.
    pub bucket: Duration,
    /// A finer bucket the vendor uses for short ranges.
    pub fine: Option<FineGranularity>,
}

/// Ranges of at most `max_days` days (counted inclusively) come in `bucket`s.
#[derive(Debug, Clone, Copy)]
pub struct FineGranularity {
    pub bucket: Duration,
    pub max_days: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct ErrorCodeRule {
    /// An exact code, or a prefix ending in `*`.
    pub code: &'static str,
    pub kind: ErrorKind,
    /// What the code means for the caller, where the vendor's own message is not enough.
    pub explanation: Option<&'static str>,
}

/// Vendor-wide facts shared by every operation of one generated crate.
#[derive(Debug)]
pub struct VendorInfo {
    /// `volcengine`, `tencent`, `huawei`.
    pub id: &'static str,
    pub display_name: &'static str,
    /// Environment variables credentials are read from, first match wins.
    pub credential_env: CredentialEnv,
    /// Environment variable that overrides every endpoint of this vendor.
    pub endpoint_env: &'static str,
    /// Region used when neither code nor environment names one.
    pub default_region: &'static str,
}

/// Conventional environment variable names, each list tried in order.
#[derive(Debug)]
pub struct CredentialEnv {
    pub access_key: &'static [&'static str],
    pub secret_key: &'static [&'static str],
    pub session_token: &'static [&'static str],
    pub project_id: &'static [&'static str],
    pub region: &'static [&'static str],
}
