//! `TencentResponse` (Tencent Cloud API 3.0): `POST /` with the action, version and region in
//! the TC3 scheme's `X-TC-*` headers and a JSON body; every API error, whatever its kind, is
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` with HTTP 200.

use rtc_usage_core::signing::tencent::{ACTION_HEADER, REGION_HEADER, VERSION_HEADER};
use rtc_usage_core::signing::verify::VerifyError;
use rtc_usage_core::{Envelope, ErrorKind as K, OperationDescriptor};

use super::{Routed, Scope, Shape, Wording, check_method, route_by_constants};
use crate::problem::Problem;
use crate::reply::RequestHead;

pub(crate) struct TencentResponse;

/// An operation's action and version, as its headers carry them.
fn headers(op: &'static OperationDescriptor) -> Vec<(&'static str, &'static str)> {
    vec![(ACTION_HEADER, op.name), (VERSION_HEADER, op.version)]
}

impl Shape for TencentResponse {
    fn envelope(&self) -> Envelope {
        Envelope::TencentResponse
    }

    fn claims(&self, head: &RequestHead, _ops: &[&'static OperationDescriptor]) -> bool {
        head.header(ACTION_HEADER).is_some()
    }

    /// The operation named by the action header, at the version header's version (missing:
    /// a missing parameter; another: an unknown version).
    fn route(
        &self,
        head: &RequestHead,
        ops: &[&'static OperationDescriptor],
    ) -> Result<&'static OperationDescriptor, Problem> {
        let sent = |name: &str| head.header(name).map(str::to_owned);
        match route_by_constants(ops, headers, sent) {
            Routed::Found(op) => check_method(op, head),
            Routed::OtherConstant { name, sent: None } => {
                Err(Problem::MissingParameter(name.to_owned()))
            }
            Routed::OtherConstant {
                sent: Some(version),
                ..
            } => Err(Problem::UnknownVersion(version)),
            Routed::Unknown(action) => Err(Problem::UnknownAction(action.unwrap_or_default())),
        }
    }

    /// The region, when named, must be one the spec lists for the operation.
    fn authorize(
        &self,
        op: &'static OperationDescriptor,
        head: &RequestHead,
    ) -> Result<(), Problem> {
        match head.header(REGION_HEADER) {
            Some(region) if !op.endpoints.iter().any(|e| e.region == region) => {
                Err(Problem::UnsupportedRegion(region.to_owned()))
            }
            _ => Ok(()),
        }
    }

    /// API errors come with HTTP 200 (the envelope's status for every kind); an injected
    /// server error is a gateway's 5xx.
    fn word(&self, problem: &Problem) -> Wording {
        use Scope::{Gateway, Service};
        let w = |kind, code: &'static str, scope| Wording::new(kind, Some(code), scope);
        match problem {
            Problem::Auth(
                VerifyError::MissingAuthorization
                | VerifyError::MalformedAuthorization(_)
                | VerifyError::WrongAlgorithm { .. },
            ) => w(K::Auth, "AuthFailure.InvalidAuthorization", Gateway),
            Problem::Auth(VerifyError::UnknownAccessKey(_)) => {
                w(K::Auth, "AuthFailure.SecretIdNotFound", Gateway)
            }
            Problem::Auth(VerifyError::Expired { .. }) => {
                w(K::ClockSkew, "AuthFailure.SignatureExpire", Gateway)
            }
            Problem::Auth(VerifyError::MissingTimestamp(_)) => {
                w(K::InvalidParameter, "MissingParameter", Gateway)
            }
            Problem::Auth(VerifyError::MalformedTimestamp(_)) => {
                w(K::InvalidParameter, "InvalidParameterValue", Gateway)
            }
            Problem::Auth(_) => w(K::Auth, "AuthFailure.SignatureFailure", Gateway),
            Problem::ProjectMismatch => w(K::Auth, "AuthFailure.UnauthorizedOperation", Gateway),
            Problem::UnsupportedRegion(_) => w(K::InvalidParameter, "UnsupportedRegion", Gateway),
            Problem::Throttled(_) => Wording::new(K::Throttled, None, Gateway),
            Problem::UnknownAction(_) => w(K::NotFound, "InvalidAction", Gateway),
            Problem::UnknownVersion(_) => w(K::NotFound, "NoSuchVersion", Gateway),
            Problem::MissingParameter(_) => w(K::InvalidParameter, "MissingParameter", Service),
            Problem::InvalidParameter(_) => {
                w(K::InvalidParameter, "InvalidParameterValue", Service)
            }
            Problem::StartAfterEnd { .. } => w(K::InvalidParameter, "InvalidParameter", Service),
            Problem::SpanTooLong(_) => w(
                K::InvalidParameter,
                "InvalidParameter.QueryScaleOversize",
                Service,
            ),
            Problem::TooFarBack(_) => w(
                K::InvalidParameter,
                "InvalidParameter.StartTimeExpire",
                Service,
            ),
            Problem::UnknownApp(_) => w(K::NotFound, "FailedOperation.SdkAppIdNotExist", Service),
            // No rule in the table: read as the status's kind (other, at 200).
            Problem::BodyTooLarge(_) => w(K::Other, "RequestSizeLimitExceeded", Gateway),
            Problem::ServerError(status) => w(K::Server, "InternalError", Gateway).status(*status),
            Problem::Internal(_) => w(K::Server, "InternalError", Gateway),
        }
    }
}
