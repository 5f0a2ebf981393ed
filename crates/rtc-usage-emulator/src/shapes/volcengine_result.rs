//! `VolcengineResult` (the Volcengine OpenAPI gateway's): `POST /?Action=..&Version=..` with
//! a JSON body, the operation named by its query constants; errors in
//! `ResponseMetadata.Error` (`Code`, the gateway's numeric `CodeN`, `Message`) with an HTTP
//! 4xx/5xx status.

use rtc_usage_core::descriptor::Location;
use rtc_usage_core::signing::verify::VerifyError;
use rtc_usage_core::{Envelope, ErrorKind as K, OperationDescriptor};

use super::{Routed, Scope, Shape, Wording, check_method, route_by_constants};
use crate::problem::Problem;
use crate::reply::RequestHead;

pub(crate) struct VolcengineResult;

/// The gateway's numeric codes beside its codes.
const CODE_N: &[(&str, u32)] = &[
    ("MissingParameter", 100_002),
    ("MissingAuthenticationToken", 100_003),
    ("InvalidTimestamp", 100_006),
    ("InvalidActionOrVersion", 100_008),
    ("InvalidAccessKey", 100_009),
    ("SignatureDoesNotMatch", 100_010),
    ("AccessDenied", 100_013),
    ("InternalError", 100_014),
];

/// The query constants of `op` (`Action`, `Version`), in spec order.
fn query_constants(op: &'static OperationDescriptor) -> Vec<(&'static str, &'static str)> {
    op.constants
        .iter()
        .filter(|c| c.location == Location::Query)
        .map(|c| (c.name, c.value))
        .collect()
}

impl Shape for VolcengineResult {
    fn envelope(&self) -> Envelope {
        Envelope::VolcengineResult
    }

    /// A request that names the first query constant (the action) of one of the operations.
    fn claims(&self, head: &RequestHead, ops: &[&'static OperationDescriptor]) -> bool {
        let query = head.query_pairs();
        ops.iter().any(|op| {
            query_constants(op)
                .first()
                .is_some_and(|(name, _)| query.iter().any(|(k, _)| k == name))
        })
    }

    /// The operation whose query constants (`Action`, `Version`) all arrived; a known action
    /// at another version is an unknown version.
    fn route(
        &self,
        head: &RequestHead,
        ops: &[&'static OperationDescriptor],
    ) -> Result<&'static OperationDescriptor, Problem> {
        let query = head.query_pairs();
        let sent = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        match route_by_constants(ops, query_constants, sent) {
            Routed::Found(op) => check_method(op, head),
            Routed::OtherConstant { sent, .. } => {
                Err(Problem::UnknownVersion(sent.unwrap_or_default()))
            }
            Routed::Unknown(action) => Err(Problem::UnknownAction(action.unwrap_or_default())),
        }
    }

    fn word(&self, problem: &Problem) -> Wording {
        use Scope::{Gateway, Service};
        let w = |status: u16, kind, code, scope| Wording::new(kind, code, scope).status(status);
        match problem {
            Problem::Auth(VerifyError::MissingAuthorization) => {
                w(401, K::Auth, Some("MissingAuthenticationToken"), Gateway)
            }
            Problem::Auth(VerifyError::UnknownAccessKey(_)) => {
                w(401, K::Auth, Some("InvalidAccessKey"), Gateway)
            }
            Problem::Auth(
                VerifyError::MissingTimestamp(_)
                | VerifyError::MalformedTimestamp(_)
                | VerifyError::Expired { .. },
            ) => w(400, K::ClockSkew, Some("InvalidTimestamp"), Gateway),
            Problem::Auth(_) => w(401, K::Auth, Some("SignatureDoesNotMatch"), Gateway),
            Problem::ProjectMismatch => w(403, K::Auth, Some("AccessDenied"), Gateway),
            Problem::Throttled(_) => w(429, K::Throttled, None, Gateway),
            Problem::UnknownAction(_) | Problem::UnknownVersion(_) => {
                w(404, K::NotFound, Some("InvalidActionOrVersion"), Gateway)
            }
            Problem::MissingParameter(_) => {
                w(400, K::InvalidParameter, Some("MissingParameter"), Gateway)
            }
            Problem::InvalidParameter(_)
            | Problem::UnsupportedRegion(_)
            | Problem::BodyTooLarge(_) => {
                w(400, K::InvalidParameter, Some("InvalidParameter"), Service)
            }
            Problem::StartAfterEnd { .. } => w(
                400,
                K::InvalidParameter,
                Some("InvalidParameter.StartTimeAfterEndTime"),
                Service,
            ),
            Problem::SpanTooLong(_) | Problem::TooFarBack(_) => w(
                400,
                K::InvalidParameter,
                Some("InvalidParameter.OutofTimeRange"),
                Service,
            ),
            Problem::UnknownApp(_) => w(
                400,
                K::NotFound,
                Some("InvalidParameter.NotExistAppId"),
                Service,
            ),
            Problem::ServerError(status) => w(*status, K::Server, Some("InternalError"), Gateway),
            Problem::Internal(_) => w(500, K::Server, Some("InternalError"), Gateway),
        }
    }

    fn code_n(&self, code: &str) -> Option<u32> {
        CODE_N.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
    }
}
