//! `AlibabaRpc` (Alibaba Cloud RPC-style OpenAPI): `POST /` with every parameter in the query
//! and an empty body, the operation named by the ACS3 scheme's `x-acs-action` and
//! `x-acs-version` headers (or, as the older RPC clients send them, the `Action` and `Version`
//! query parameters); errors `{RequestId, HostId, Code, Message, Recommend}` with a 4xx/5xx
//! status, and `x-acs-retry-after` on throttling (the core encoder,
//! [`rtc_usage_core::envelope::alibaba_rpc`]).
//!
//! The codes are those of the vendor's table (`specs/alibaba/vendor.yaml`) with their
//! documented statuses. No source names Alibaba's codes for an unknown action, a refused
//! operation or an unknown app: `InvalidAction.NotFound` (404), `Forbidden.RAM` (403) and
//! `InvalidAppId.NotFound` (404) are this emulator's choice, read by their status.

use rtc_usage_core::signing::alibaba::{ACTION_HEADER, VERSION_HEADER};
use rtc_usage_core::signing::verify::VerifyError;
use rtc_usage_core::{Envelope, ErrorKind as K, OperationDescriptor};

use super::{Routed, Scope, Shape, Wording, check_method, route_by_constants};
use crate::problem::Problem;
use crate::reply::RequestHead;

pub(crate) struct AlibabaRpc;

/// The query parameters that name the operation where the headers do not.
const ACTION_QUERY: &str = "Action";
const VERSION_QUERY: &str = "Version";

/// An operation's action and version, under the header names.
fn names(op: &'static OperationDescriptor) -> Vec<(&'static str, &'static str)> {
    vec![(ACTION_HEADER, op.name), (VERSION_HEADER, op.version)]
}

/// What the request names as `name` (a header of [`names`]): the header, else its query
/// parameter.
fn sent(head: &RequestHead, name: &str) -> Option<String> {
    if let Some(value) = head.header(name) {
        return Some(value.to_owned());
    }
    let query = match name {
        ACTION_HEADER => ACTION_QUERY,
        VERSION_HEADER => VERSION_QUERY,
        _ => return None,
    };
    head.query_pairs()
        .into_iter()
        .find(|(k, _)| k == query)
        .map(|(_, v)| v)
}

impl Shape for AlibabaRpc {
    fn envelope(&self) -> Envelope {
        Envelope::AlibabaRpc
    }

    /// A request with the action header, or whose `Action` query names one of the operations
    /// (so that another shape's `Action` query is not taken).
    fn claims(&self, head: &RequestHead, ops: &[&'static OperationDescriptor]) -> bool {
        head.header(ACTION_HEADER).is_some()
            || head
                .query_pairs()
                .iter()
                .any(|(k, v)| k == ACTION_QUERY && ops.iter().any(|op| op.name == v))
    }

    /// The operation named by the action, at the version named (missing: a missing
    /// parameter; another: an unknown version).
    fn route(
        &self,
        head: &RequestHead,
        ops: &[&'static OperationDescriptor],
    ) -> Result<&'static OperationDescriptor, Problem> {
        match route_by_constants(ops, names, |name| sent(head, name)) {
            Routed::Found(op) => check_method(op, head),
            Routed::OtherConstant { sent: None, .. } => {
                Err(Problem::MissingParameter(VERSION_HEADER.to_owned()))
            }
            Routed::OtherConstant {
                sent: Some(version),
                ..
            } => Err(Problem::UnknownVersion(version)),
            Routed::Unknown(action) => Err(Problem::UnknownAction(action.unwrap_or_default())),
        }
    }

    fn word(&self, problem: &Problem) -> Wording {
        use Scope::{Gateway, Service};
        let w =
            |status: u16, kind, code, scope| Wording::new(kind, Some(code), scope).status(status);
        match problem {
            Problem::Auth(
                VerifyError::MissingAuthorization
                | VerifyError::MalformedAuthorization(_)
                | VerifyError::WrongAlgorithm { .. }
                | VerifyError::MissingSignedHeader(_),
            ) => w(400, K::Auth, "IncompleteSignature", Gateway),
            Problem::Auth(VerifyError::UnknownAccessKey(_)) => {
                w(404, K::Auth, "InvalidAccessKeyId.NotFound", Gateway)
                    .message("Specified access key is not found.")
            }
            Problem::Auth(
                VerifyError::Expired { .. }
                | VerifyError::MissingTimestamp(_)
                | VerifyError::MalformedTimestamp(_),
            ) => w(400, K::ClockSkew, "InvalidTimeStamp.Expired", Gateway),
            Problem::Auth(_) => w(400, K::Auth, "SignatureDoesNotMatch", Gateway)
                .message("Specified signature is not matched with our calculation."),
            Problem::ProjectMismatch => w(403, K::Auth, "Forbidden.RAM", Gateway),
            // The table's first throttling code, with the envelope's status for throttling.
            Problem::Throttled(_) => Wording::new(K::Throttled, None, Gateway)
                .message("Request was denied due to user flow control."),
            Problem::UnknownAction(_) | Problem::UnknownVersion(_) => {
                w(404, K::NotFound, "InvalidAction.NotFound", Gateway)
                    .message(format_args!("Specified api is not found: {problem}"))
            }
            Problem::MissingParameter(_) => {
                w(400, K::InvalidParameter, "MissingParameter", Gateway)
            }
            Problem::InvalidParameter(_)
            | Problem::UnsupportedRegion(_)
            | Problem::StartAfterEnd { .. }
            | Problem::SpanTooLong(_)
            | Problem::TooFarBack(_)
            | Problem::BodyTooLarge(_) => w(400, K::InvalidParameter, "InvalidParameter", Service),
            Problem::UnknownApp(_) => w(404, K::NotFound, "InvalidAppId.NotFound", Service),
            Problem::ServerError(503) => w(503, K::Server, "ServiceUnavailable", Gateway),
            Problem::ServerError(status) => w(*status, K::Server, "InternalError", Gateway),
            Problem::Internal(_) => w(500, K::Server, "InternalError", Gateway),
        }
    }
}
