//! The three vendors: which requests each one claims, and how each one words its answers.
//!
//! The pipeline in [`crate::dispatch`] is vendor-neutral; everything a vendor does its own way
//! (routing, request parsing, envelopes, error codes) sits behind [`Api`], one module each.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rtc_usage_core::descriptor::{OperationDescriptor, VendorInfo};
use rtc_usage_core::operation::Operation;
use rtc_usage_core::validate::TimeRange;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::data::{self, Measure};
use crate::problem::Problem;
use crate::reply::{Reply, RequestHead};

mod huawei;
mod tencent;
mod volcengine;

/// One of the emulated vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vendor {
    Volcengine,
    Tencent,
    Huawei,
}

impl Vendor {
    pub const ALL: [Vendor; 3] = [Vendor::Volcengine, Vendor::Tencent, Vendor::Huawei];

    /// The generated crate's vendor-wide facts (credential variables, endpoint override).
    pub fn info(self) -> &'static VendorInfo {
        match self {
            Self::Volcengine => &rtc_usage_volcengine::VENDOR,
            Self::Tencent => &rtc_usage_tencent::VENDOR,
            Self::Huawei => &rtc_usage_huawei::VENDOR,
        }
    }

    /// Every operation the generated crate knows (the emulator answers those it implements).
    pub fn operations(self) -> &'static [&'static OperationDescriptor] {
        match self {
            Self::Volcengine => rtc_usage_volcengine::OPERATIONS,
            Self::Tencent => rtc_usage_tencent::OPERATIONS,
            Self::Huawei => rtc_usage_huawei::OPERATIONS,
        }
    }

    /// `volcengine`, `tencent`, `huawei`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The vendor whose id is `id`.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.id() == id)
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Vendor {
    type Err = UnknownVendor;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_id(s).ok_or_else(|| UnknownVendor(s.to_owned()))
    }
}

/// A vendor id other than `volcengine`, `tencent` and `huawei`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVendor(pub String);

impl fmt::Display for UnknownVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown vendor `{}` (volcengine, tencent, huawei)",
            self.0
        )
    }
}

impl std::error::Error for UnknownVendor {}

/// A parsed call: the operation, the app asked about, the queried range and the typed input.
pub(crate) struct Call {
    pub op: &'static OperationDescriptor,
    /// `None`: every app of the account (Tencent without `SdkAppId`).
    pub app: Option<String>,
    pub range: TimeRange,
    pub input: Input,
}

/// What a call asks for, decoded from the generated request type.
pub(crate) enum Input {
    /// A usage series (Volcengine's `ListUsages` of either version, Tencent's four usage
    /// operations, Huawei's `ListRtcHistoryUsage`) of [`Call::app`] (`None`: every app).
    Usage(Measure),
    ListOperationDistribution(rtc_usage_volcengine::ListOperationDistributionRequest),
    /// Huawei's `ListRtcHistoryScale`: the metrics asked for, in the request's order.
    Scale(Vec<&'static str>),
}

/// What an answer needs besides the call.
pub(crate) struct Context<'a> {
    pub meta: &'a Meta,
    /// The billing days the call covers ([`crate::limits::days`]).
    pub days: &'a [NaiveDate],
    /// The vendor's configured apps (Tencent sums them when no app is named).
    pub apps: &'a [String],
}

/// Facts about the exchange that envelopes repeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meta {
    pub request_id: String,
    pub op: Option<&'static OperationDescriptor>,
    /// The signing region the request named, if any.
    pub region: Option<String>,
}

/// One vendor's wire conventions.
pub(crate) trait Api: Send + Sync {
    fn vendor(&self) -> Vendor;

    /// Whether the request has this vendor's shape (a path, header or query only it uses).
    fn claims(&self, head: &RequestHead) -> bool;

    /// The operation the request asks for.
    fn route(&self, head: &RequestHead) -> Result<&'static OperationDescriptor, Problem>;

    /// Checks after the signature on what the signed request names (region, project).
    fn authorize(
        &self,
        _op: &'static OperationDescriptor,
        _head: &RequestHead,
    ) -> Result<(), Problem> {
        Ok(())
    }

    /// The call's parameters, decoded into the generated request type.
    fn parse(
        &self,
        op: &'static OperationDescriptor,
        head: &RequestHead,
        body: &[u8],
    ) -> Result<Call, Problem>;

    /// Fills in what the vendor defaults in the range (Huawei's optional dates), once the
    /// range as sent has passed the checks.
    fn complete_range(&self, _call: &mut Call, _now: DateTime<Utc>) {}

    /// The successful answer.
    fn answer(&self, call: &Call, context: &Context<'_>) -> Result<Reply, Problem>;

    /// The vendor's status, code and message for `problem`.
    fn classify(&self, problem: &Problem) -> VendorError;

    /// The vendor's error envelope.
    fn render_error(&self, error: &VendorError, meta: &Meta) -> Reply;

    /// The vendor's error answer for `problem`.
    fn error(&self, problem: &Problem, meta: &Meta) -> Reply {
        self.render_error(&self.classify(problem), meta)
    }
}

/// An error as a vendor words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VendorError {
    pub status: u16,
    pub code: &'static str,
    /// Volcengine's numeric gateway code.
    pub code_n: Option<u32>,
    pub message: String,
}

impl VendorError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            code_n: None,
            message: message.into(),
        }
    }
}

/// Every vendor's [`Api`].
pub(crate) fn api(vendor: Vendor) -> &'static dyn Api {
    match vendor {
        Vendor::Volcengine => &volcengine::Volcengine,
        Vendor::Tencent => &tencent::Tencent,
        Vendor::Huawei => &huawei::Huawei,
    }
}

/// The vendor whose shape the request has: Huawei's `/v1/` path first (it may carry any query),
/// then Tencent's `X-TC-Action` header, then Volcengine's `Action` query.
pub(crate) fn claim(head: &RequestHead) -> Option<&'static dyn Api> {
    [Vendor::Huawei, Vendor::Tencent, Vendor::Volcengine]
        .into_iter()
        .map(api)
        .find(|api| api.claims(head))
}

/// Decodes `fields` into `Op`'s generated request type and makes the [`Call`]; a missing
/// field is the vendor's missing-parameter error, any other mismatch an invalid parameter.
pub(crate) fn decode_call<Op: Operation>(
    fields: Value,
    app: impl FnOnce(&Op::Input) -> Option<String>,
    wrap: impl FnOnce(Op::Input) -> Result<Input, Problem>,
) -> Result<Call, Problem>
where
    Op::Input: DeserializeOwned,
{
    let input: Op::Input = serde_json::from_value(fields).map_err(|e| {
        let message = e.to_string();
        match missing_field(&message) {
            Some(name) => Problem::MissingParameter(name.to_owned()),
            None => Problem::InvalidParameter(message),
        }
    })?;
    Ok(Call {
        op: Op::descriptor(),
        app: app(&input),
        range: Op::time_range(&input),
        input: wrap(input)?,
    })
}

/// The usage series `op` answers for a request whose variant parameter (Tencent's `MixType`,
/// Huawei's `metric`; ignored by an operation without one) says `variant`; a value the
/// emulator does not serve is an invalid parameter.
pub(crate) fn usage(op: &OperationDescriptor, variant: Option<&str>) -> Result<Input, Problem> {
    let model = Vendor::from_id(op.vendor)
        .and_then(|vendor| data::model(vendor, op.name))
        .ok_or_else(|| Problem::UnknownAction(op.name.to_owned()))?;
    model.measure(variant).map(Input::Usage).ok_or_else(|| {
        Problem::InvalidParameter(format!(
            "{} `{}` is not supported ({})",
            model.variant.as_ref().map_or("the variant", |p| p.name),
            variant.unwrap_or_default(),
            model.variants().join(", ")
        ))
    })
}

/// Decodes a request's fields into one operation's generated request type.
pub(crate) type Parser = fn(Value) -> Result<Call, Problem>;

/// The parser of `op` in a vendor's table; an operation the generated crate knows but the
/// emulator does not answer is an unknown action.
pub(crate) fn parser(
    table: &[(&'static OperationDescriptor, Parser)],
    op: &OperationDescriptor,
) -> Result<Parser, Problem> {
    table
        .iter()
        .find(|(known, _)| (known.name, known.version) == (op.name, op.version))
        .map(|(_, parse)| *parse)
        .ok_or_else(|| Problem::UnknownAction(op.name.to_owned()))
}

/// The field serde names in "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name)
}

/// A JSON body as an object of fields: an empty body is no fields; anything but an object
/// is an invalid parameter.
pub(crate) fn json_fields(body: &[u8]) -> Result<Value, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(Problem::InvalidParameter(
            "the body is not a JSON object".to_owned(),
        )),
        Err(e) => Err(Problem::InvalidParameter(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// The descriptor of `vendor`'s operation `name`.
pub(crate) fn operation(vendor: Vendor, name: &str) -> Option<&'static OperationDescriptor> {
    vendor
        .operations()
        .iter()
        .copied()
        .find(|op| op.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_ids_round_trip() {
        for vendor in Vendor::ALL {
            assert_eq!(vendor.id().parse::<Vendor>(), Ok(vendor));
            assert_eq!(vendor.to_string(), vendor.id());
        }
        assert!("aws".parse::<Vendor>().is_err());
    }

    /// Every error the emulator words, read back by the client's own envelope decoding and
    /// the spec's error table, is of the kind a client must see.
    #[tokio::test]
    async fn every_error_decodes_to_the_kind_a_client_expects() {
        use http_body_util::BodyExt;
        use rtc_usage_core::ErrorKind as K;
        use rtc_usage_core::signing::verify::VerifyError as V;

        let tencent = &rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR;
        let span = tencent.limits.span.unwrap();
        let lookback = rtc_usage_huawei::list_rtc_history_usage::DESCRIPTOR
            .limits
            .lookback
            .unwrap();
        for vendor in Vendor::ALL {
            let huawei = vendor == Vendor::Huawei;
            let cases = [
                (Problem::Auth(V::MissingAuthorization), K::Auth),
                (Problem::Auth(V::UnknownAccessKey("AK".into())), K::Auth),
                (Problem::Auth(V::HeaderMismatch("X-Date".into())), K::Auth),
                (
                    Problem::Auth(V::Expired {
                        timestamp: 0,
                        now: 600,
                        skew_seconds: -600,
                        max_skew_seconds: 300,
                    }),
                    if huawei { K::Auth } else { K::ClockSkew },
                ),
                (Problem::Throttled, K::Throttled),
                (
                    Problem::MissingParameter("AppId".into()),
                    K::InvalidParameter,
                ),
                (Problem::InvalidParameter("bad".into()), K::InvalidParameter),
                (
                    Problem::StartAfterEnd {
                        start: "a",
                        end: "b",
                    },
                    K::InvalidParameter,
                ),
                (Problem::SpanTooLong(span), K::InvalidParameter),
                (Problem::TooFarBack(lookback), K::InvalidParameter),
                (
                    Problem::UnknownApp("x".into()),
                    if huawei {
                        K::InvalidParameter
                    } else {
                        K::NotFound
                    },
                ),
                (Problem::UnknownAction("x".into()), K::NotFound),
                (Problem::ServerError(503), K::Server),
            ];
            for op in vendor.operations() {
                let meta = Meta {
                    request_id: "req-1".into(),
                    op: Some(op),
                    region: None,
                };
                for (problem, kind) in &cases {
                    let reply = api(vendor).error(problem, &meta);
                    let status = reply.status().as_u16();
                    let header = reply
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let body = reply.into_body().collect().await.unwrap().to_bytes();
                    let err = rtc_usage_core::envelope::check(op, status, header.as_deref(), &body)
                        .err()
                        .unwrap_or_else(|| panic!("{vendor} {problem}: not an error: {body:?}"));
                    assert_eq!(
                        err.kind(),
                        *kind,
                        "{vendor} {}: {problem} -> {err}",
                        op.name
                    );
                    assert_eq!(err.request_id(), Some("req-1"), "{vendor}: {problem}");
                    assert!(err.code().is_some(), "{vendor}: {problem}");
                }
            }
        }
    }

    #[test]
    fn serde_missing_field_names_the_field() {
        assert_eq!(
            missing_field("missing field `AppId` at line 1"),
            Some("AppId")
        );
        assert_eq!(missing_field("invalid type: integer"), None);
    }
}
