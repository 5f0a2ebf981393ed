//! The protocols the emulator speaks, one module per envelope shape of the descriptors
//! ([`Envelope`]), never per vendor: how a request of that shape names its operation, what
//! it checks besides the signature, and how it words an error. Every vendor whose operations
//! have that envelope is served by it; a request is told apart from another vendor's of the
//! same shape by the access key it is signed with (every account of every vendor has its
//! own, [`crate::EmulatedAccount`]), so a new vendor with a known shape needs no edit here.
//!
//! The codes an error carries are the spec's where it can say: a shape names the code its
//! protocol uses for a problem (`InvalidAccessKey`, `AuthFailure.SecretIdNotFound`,
//! `APIGW.0301`), sent where the vendor's error table knows it (or its status alone says the
//! problem's kind); otherwise, and where the shape names none (throttling), the first code of
//! the problem's kind in the vendor's table is sent.

use std::fmt;

use chrono::{DateTime, Utc};
use rtc_usage::Vendor;
use rtc_usage_core::descriptor::{ContextValue, ErrorCodeRule, Location};
use rtc_usage_core::envelope::{self, AnswerMeta, Encoded, ErrorAnswer};
use rtc_usage_core::signing::encode::percent_decode_lossy;
use rtc_usage_core::validate::TimeRange;
use rtc_usage_core::{Envelope, ErrorKind, OperationDescriptor};

use crate::accounts::EmulatedAccount;
use crate::problem::Problem;
use crate::reply::RequestHead;

mod agora_plain;
mod alibaba_rpc;
mod huawei_plain;
mod tencent_response;
mod volcengine_result;

/// One envelope shape's wire conventions.
pub(crate) trait Shape: Send + Sync {
    fn envelope(&self) -> Envelope;

    /// Whether the request has this shape: a path, header or query the operations `ops`
    /// (every registry operation with this envelope) are called with.
    fn claims(&self, head: &RequestHead, ops: &[&'static OperationDescriptor]) -> bool;

    /// The operation of `ops` (one vendor's, with this envelope) the request asks for.
    fn route(
        &self,
        head: &RequestHead,
        ops: &[&'static OperationDescriptor],
    ) -> Result<&'static OperationDescriptor, Problem>;

    /// Checks after the signature on what the signed request names (its region).
    fn authorize(
        &self,
        _op: &'static OperationDescriptor,
        _head: &RequestHead,
    ) -> Result<(), Problem> {
        Ok(())
    }

    /// Fills in what the protocol defaults in the range (optional dates), once the range as
    /// sent has passed the checks.
    fn complete_range(
        &self,
        _op: &'static OperationDescriptor,
        _range: &mut TimeRange,
        _now: DateTime<Utc>,
    ) {
    }

    /// How the protocol words `problem`.
    fn word(&self, problem: &Problem) -> Wording;

    /// The numeric code the protocol sends beside `code`, if it has one.
    fn code_n(&self, _code: &str) -> Option<u32> {
        None
    }
}

/// An error as a protocol words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wording {
    /// The HTTP status; `None`: the envelope's status for the kind.
    pub status: Option<u16>,
    /// What the error means to a client.
    pub kind: ErrorKind,
    /// The protocol's own code for it, if it has one (else the spec's first of the kind).
    pub code: Option<&'static str>,
    /// Whether the vendor's gateway (auth, throttling, routing) answers it, or the service:
    /// which error table is read first.
    pub scope: Scope,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Gateway,
    Service,
}

impl Wording {
    pub fn new(kind: ErrorKind, code: Option<&'static str>, scope: Scope) -> Self {
        Self {
            status: None,
            kind,
            code,
            scope,
            message: String::new(),
        }
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn message(mut self, message: impl fmt::Display) -> Self {
        self.message = message.to_string();
        self
    }
}

/// Every shape, in the order requests are tried: path-routed shapes first (their requests
/// may carry any query and header), then header-routed, then query-routed.
static SHAPES: [&dyn Shape; 5] = [
    &huawei_plain::HuaweiPlain,
    &agora_plain::AgoraPlain,
    &tencent_response::TencentResponse,
    &alibaba_rpc::AlibabaRpc,
    &volcengine_result::VolcengineResult,
];

/// Who a request is for: its shape, its vendor and account, and that vendor's operations of
/// the shape.
pub(crate) struct Claim {
    pub shape: &'static dyn Shape,
    pub vendor: Vendor,
    /// The index of its account in `accounts` as given to [`claim`].
    pub account: usize,
    pub ops: Vec<&'static OperationDescriptor>,
}

/// The shape, vendor and account of a request: the first shape that claims it, and among the
/// `accounts` of the vendors with that envelope the one whose access key the `Authorization`
/// names (else the first vendor's demo account: its signature check then refuses the key).
pub(crate) fn claim(head: &RequestHead, accounts: &[EmulatedAccount]) -> Option<Claim> {
    for shape in SHAPES {
        let vendors: Vec<(Vendor, Vec<&'static OperationDescriptor>)> = Vendor::all()
            .map(|v| (v, operations(v, shape.envelope())))
            .filter(|(_, ops)| !ops.is_empty())
            .collect();
        let all: Vec<&'static OperationDescriptor> = vendors
            .iter()
            .flat_map(|(_, ops)| ops.iter().copied())
            .collect();
        if all.is_empty() || !shape.claims(head, &all) {
            continue;
        }
        let authorization = head.header("authorization").unwrap_or_default();
        let of_shape = |a: &EmulatedAccount| vendors.iter().any(|(v, _)| *v == a.vendor);
        let account = accounts
            .iter()
            .position(|a| {
                of_shape(a) && names_access_key(authorization, a.credentials.access_key_id())
            })
            .or_else(|| accounts.iter().position(of_shape))?;
        let vendor = accounts[account].vendor;
        let (_, ops) = vendors.into_iter().find(|(v, _)| *v == vendor)?;
        return Some(Claim {
            shape,
            vendor,
            account,
            ops,
        });
    }
    None
}

/// `vendor`'s operations with `envelope`, in spec order.
fn operations(vendor: Vendor, envelope: Envelope) -> Vec<&'static OperationDescriptor> {
    vendor
        .entry()
        .operations
        .iter()
        .copied()
        .filter(|op| op.envelope == envelope)
        .collect()
}

/// Whether an `Authorization` value names `access_key` as one of its parts (every scheme
/// writes it between `=`, `/`, `,` or spaces: `Credential=AK/...`, `Access=AK, ...`).
fn names_access_key(authorization: &str, access_key: &str) -> bool {
    // HTTP Basic names it inside its base64 credential.
    let basic = authorization
        .split_once(' ')
        .and_then(|(_, credential)| rtc_usage_core::signing::agora::credential_id(credential));
    !access_key.is_empty()
        && (authorization
            .split([' ', ',', '=', '/'])
            .any(|part| part == access_key)
            || basic.as_deref() == Some(access_key))
}

/// The vendor's error table as `scope` reads it: the gateway's (vendor-wide) codes first, or
/// the operation's own first.
fn rules(
    vendor: Vendor,
    op: Option<&'static OperationDescriptor>,
    envelope: Envelope,
    scope: Scope,
) -> Vec<&'static ErrorCodeRule> {
    let op = op.or_else(|| operations(vendor, envelope).first().copied());
    let Some(op) = op else {
        return Vec::new();
    };
    match scope {
        Scope::Gateway => op.vendor_error_codes.iter().chain(op.error_codes).collect(),
        Scope::Service => op.error_rules().collect(),
    }
}

/// The rule of the vendor's table that reads `code` (exactly, or by a `prefix*` rule).
fn rule_for<'r>(rules: &[&'r ErrorCodeRule], code: &str) -> Option<&'r ErrorCodeRule> {
    rules
        .iter()
        .copied()
        .find(|rule| match rule.code.strip_suffix('*') {
            Some(prefix) => code.starts_with(prefix),
            None => code == rule.code,
        })
}

/// The code sent for `wording`: the protocol's, where the vendor's table knows it (a client
/// then reads it as the table says) or its status alone reads as the kind; else the table's
/// first code of the kind (a `prefix*` rule as its prefix); else the protocol's anyway.
fn code(wording: &Wording, rules: &[&ErrorCodeRule], status: u16) -> String {
    if let Some(code) = wording.code.filter(|c| {
        rule_for(rules, c).is_some() || envelope::kind_by_status(status) == wording.kind
    }) {
        return code.to_owned();
    }
    rules
        .iter()
        .find(|rule| rule.kind == wording.kind)
        .map(|rule| rule.code.trim_end_matches('*').to_owned())
        .or_else(|| wording.code.map(str::to_owned))
        .unwrap_or_else(|| format!("{:?}", wording.kind))
}

/// Facts about the exchange that answers repeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meta {
    pub request_id: String,
    pub vendor: Option<Vendor>,
    pub op: Option<&'static OperationDescriptor>,
    /// The signing region the request named, if any.
    pub region: Option<String>,
}

impl Meta {
    fn answer_meta(&self, envelope: Envelope) -> AnswerMeta<'_> {
        let fallback = self
            .vendor
            .and_then(|v| operations(v, envelope).first().copied());
        AnswerMeta {
            request_id: &self.request_id,
            op: self.op,
            region: self.region.as_deref().or(match self.op {
                Some(_) => None,
                None => fallback.map(|op| op.default_region),
            }),
            service: fallback.map(|op| op.service),
        }
    }
}

/// The vendor's error answer for `problem`, in `shape`'s words and envelope.
pub(crate) fn error(shape: &dyn Shape, problem: &Problem, meta: &Meta) -> Encoded {
    let wording = shape.word(problem);
    let envelope = shape.envelope();
    let status = wording
        .status
        .unwrap_or_else(|| envelope::error_status(envelope, wording.kind));
    let rules = match meta.vendor {
        Some(vendor) => rules(vendor, meta.op, envelope, wording.scope),
        None => Vec::new(),
    };
    let code = code(&wording, &rules, status);
    let message = if wording.message.is_empty() {
        problem.to_string()
    } else {
        wording.message.clone()
    };
    let answer = ErrorAnswer {
        kind: wording.kind,
        code: &code,
        code_n: shape.code_n(&code),
        message: &message,
    };
    let mut encoded =
        envelope::encode_error(envelope, &answer, Some(status), &meta.answer_meta(envelope));
    // Over the rate: the true wait, in the vendor's own header where it has one.
    if let Problem::Throttled(Some(wait)) = problem
        && let Some((name, value)) = envelope::retry_after_header(envelope, *wait)
    {
        encoded
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        encoded.headers.push((name, value));
    }
    encoded
}

/// The success answer around `payload`.
pub(crate) fn success(shape: &dyn Shape, payload: &serde_json::Value, meta: &Meta) -> Encoded {
    let envelope = shape.envelope();
    envelope::encode_success(envelope, payload, &meta.answer_meta(envelope))
}

/// The project named in the path and headers (every context parameter of the operation that
/// carries the project id) must be the account's project.
pub(crate) fn authorize_context(
    account: &EmulatedAccount,
    op: &'static OperationDescriptor,
    head: &RequestHead,
) -> Result<(), Problem> {
    let credentials = &account.credentials;
    let params = path_params(op.path, &head.path).unwrap_or_default();
    for param in op.context_params {
        let sent = match (param.value, param.location) {
            (ContextValue::ProjectId, Location::Path) => params
                .iter()
                .find(|(name, _)| *name == param.name)
                .map(|(_, v)| v.as_str()),
            (ContextValue::ProjectId, Location::Header) => head.header(param.name),
            _ => continue,
        };
        if sent.is_none() || sent != credentials.project_id() {
            return Err(Problem::ProjectMismatch);
        }
    }
    Ok(())
}

/// The values of `template`'s `{name}` segments in `path` (decoded), if the path fits it.
pub(crate) fn path_params<'t>(template: &'t str, path: &str) -> Option<Vec<(&'t str, String)>> {
    let (mut expected, mut got) = (template.split('/'), path.split('/'));
    let mut params = Vec::new();
    loop {
        match (expected.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(t), Some(p)) => match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !p.is_empty() => {
                    params.push((name, percent_decode_lossy(p).into_owned()))
                }
                Some(_) => return None,
                None if t == p => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// An operation whose constants at `location` all arrived, as `sent` reads them; else the
/// one whose first constant (the action) arrived with another of its constants (the version)
/// missing or different; else none.
pub(crate) enum Routed {
    Found(&'static OperationDescriptor),
    /// The action is known; `name` (a further constant) was `sent` as something else.
    OtherConstant {
        name: &'static str,
        sent: Option<String>,
    },
    /// No operation has this first constant; what was sent for it.
    Unknown(Option<String>),
}

/// [`Routed`] for the constants `constants(op)` (name and value) and `sent(name)`.
pub(crate) fn route_by_constants(
    ops: &[&'static OperationDescriptor],
    constants: impl Fn(&'static OperationDescriptor) -> Vec<(&'static str, &'static str)>,
    sent: impl Fn(&str) -> Option<String>,
) -> Routed {
    let all_match = |op: &&'static OperationDescriptor| {
        let wanted = constants(op);
        !wanted.is_empty()
            && wanted
                .iter()
                .all(|(name, value)| sent(name).as_deref() == Some(*value))
    };
    if let Some(op) = ops.iter().find(|op| all_match(op)) {
        return Routed::Found(op);
    }
    for op in ops {
        let wanted = constants(op);
        let Some(((first, value), rest)) = wanted.split_first() else {
            continue;
        };
        if sent(first).as_deref() == Some(*value) {
            if let Some((name, _)) = rest
                .iter()
                .find(|(name, value)| sent(name).as_deref() != Some(*value))
            {
                return Routed::OtherConstant {
                    name,
                    sent: sent(name),
                };
            }
        }
    }
    let first = ops
        .iter()
        .find_map(|op| constants(op).first().map(|(n, _)| *n));
    Routed::Unknown(first.and_then(&sent))
}

/// An operation called with another method than its own.
pub(crate) fn check_method(
    op: &'static OperationDescriptor,
    head: &RequestHead,
) -> Result<&'static OperationDescriptor, Problem> {
    if op.method == head.method {
        Ok(op)
    } else {
        Err(Problem::InvalidParameter(format!(
            "{} is called with {}",
            op.name, op.method
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_are_found_in_every_scheme() {
        let cases = [
            "HMAC-SHA256 Credential=AKLT1/20260101/cn-north-1/rtc/request, SignedHeaders=x, Signature=y",
            "TC3-HMAC-SHA256 Credential=AKLT1/2026-01-01/trtc/tc3_request, SignedHeaders=x, Signature=y",
            "SDK-HMAC-SHA256 Access=AKLT1, SignedHeaders=x, Signature=y",
            "Basic QUtMVDE6c2VjcmV0", // base64("AKLT1:secret")
        ];
        for authorization in cases {
            assert!(names_access_key(authorization, "AKLT1"), "{authorization}");
            assert!(!names_access_key(authorization, "AKLT"), "{authorization}");
        }
        assert!(!names_access_key("", ""));
    }

    #[test]
    fn path_templates_match_segment_by_segment() {
        let t = "/v1/{project_id}/rtc/history/usage";
        assert_eq!(
            path_params(t, "/v1/p%201/rtc/history/usage"),
            Some(vec![("project_id", "p 1".to_owned())])
        );
        for bad in [
            "/v1//rtc/history/usage",
            "/v1/p/rtc/history/usage/",
            "/v1/p/rtc/history",
            "/v2/p/rtc/history/usage",
        ] {
            assert_eq!(path_params(t, bad), None, "{bad}");
        }
    }

    /// Every error the emulator words, for every operation of every vendor, read back by the
    /// client's own envelope decoding and the spec's error table, is of the kind a client
    /// must see, with a code and the request id.
    #[test]
    fn every_error_decodes_to_the_kind_a_client_expects() {
        use rtc_usage_core::ErrorKind as K;
        use rtc_usage_core::descriptor::{LookbackLimit, SpanLimit};
        use rtc_usage_core::signing::verify::VerifyError as V;

        let any_op = Vendor::all()
            .flat_map(|v| v.entry().operations.iter().copied())
            .collect::<Vec<_>>();
        let span: SpanLimit = any_op.iter().find_map(|op| op.limits.span).unwrap();
        let lookback: LookbackLimit = any_op.iter().find_map(|op| op.limits.lookback).unwrap();
        for vendor in Vendor::all() {
            for op in vendor.entry().operations {
                let shape = SHAPES
                    .iter()
                    .copied()
                    .find(|s| s.envelope() == op.envelope)
                    .expect("a shape for every envelope");
                // What the spec reads a skewed clock and an unknown app as: the kinds a
                // client must see where the vendor's table maps them.
                let maps_skew = op.error_rules().any(|r| r.kind == K::ClockSkew);
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
                        if maps_skew { K::ClockSkew } else { K::Auth },
                    ),
                    (Problem::ProjectMismatch, K::Auth),
                    (Problem::Throttled(None), K::Throttled),
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
                    (Problem::UnknownAction("x".into()), K::NotFound),
                    (Problem::ServerError(503), K::Server),
                    (Problem::Internal("bug".into()), K::Server),
                ];
                let meta = Meta {
                    request_id: "req-1".into(),
                    vendor: Some(vendor),
                    op: Some(op),
                    region: None,
                };
                for (problem, kind) in &cases {
                    let answer = error(shape, problem, &meta);
                    let header = answer
                        .headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case("x-request-id"))
                        .map(|(_, v)| v.as_str());
                    let err = envelope::check(op, answer.status, header, &answer.body)
                        .err()
                        .unwrap_or_else(|| panic!("{vendor} {problem}: not an error"));
                    assert_eq!(
                        err.kind(),
                        *kind,
                        "{vendor} {}: {problem} -> {err}",
                        op.name
                    );
                    assert_eq!(err.request_id(), Some("req-1"), "{vendor}: {problem}");
                    assert!(err.code().is_some(), "{vendor}: {problem}");
                }
                // An unknown app: the protocol's code, read as the vendor's table says (a
                // not-found for Volcengine and Tencent, an invalid parameter for Huawei).
                let unknown_app = Problem::UnknownApp("x".into());
                let answer = error(shape, &unknown_app, &meta);
                let header = answer.headers.first().map(|(_, v)| v.as_str());
                let err = envelope::check(op, answer.status, header, &answer.body).unwrap_err();
                let expected = match vendor.id() {
                    "huawei" => K::InvalidParameter,
                    "volcengine" | "tencent" => K::NotFound,
                    _ => err.kind(),
                };
                assert_eq!(err.kind(), expected, "{vendor}: {err}");
                assert!(
                    matches!(err.kind(), K::NotFound | K::InvalidParameter),
                    "{vendor}: {err}"
                );
            }
        }
    }
}
