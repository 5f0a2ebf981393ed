//! `AgoraPlain` (Agora's Console RESTful API): `GET /dev/v<n>/...` routed by method and path,
//! the parameters in the query, HTTP Basic (checked by the core verifier like every scheme)
//! and `Content-Type: application/json` on every request (415 otherwise); the bare payload,
//! errors `{"message"}` with their HTTP status (the core encoder), the request id in
//! `X-Request-Id`.

use rtc_usage_core::{Envelope, ErrorKind as K, OperationDescriptor};

use super::{Scope, Shape, Wording, path_params};
use crate::problem::Problem;
use crate::reply::RequestHead;

pub(crate) struct AgoraPlain;

/// The start of [`Problem::InvalidParameter`]'s message for a request without
/// `Content-Type: application/json`, which this shape answers with 415.
const NOT_JSON: &str = "Content-Type must be application/json";

/// A path template up to its last `/` (`/dev/v3/`): the API's own prefix.
fn prefix(template: &str) -> &str {
    template.rsplit_once('/').map_or(template, |(p, _)| p)
}

impl Shape for AgoraPlain {
    fn envelope(&self) -> Envelope {
        Envelope::AgoraPlain
    }

    /// A path under one of the operations' own prefixes (`/dev/v1/`, `/dev/v3/`), so that an
    /// unknown path of the API gets the API's 404.
    fn claims(&self, head: &RequestHead, ops: &[&'static OperationDescriptor]) -> bool {
        ops.iter().any(|op| {
            let prefix = prefix(op.path);
            path_params(op.path, &head.path).is_some()
                || (prefix.len() > 1 && head.path.starts_with(&format!("{prefix}/")))
        })
    }

    /// The operation whose method and path match.
    fn route(
        &self,
        head: &RequestHead,
        ops: &[&'static OperationDescriptor],
    ) -> Result<&'static OperationDescriptor, Problem> {
        ops.iter()
            .copied()
            .find(|op| op.method == head.method && path_params(op.path, &head.path).is_some())
            .ok_or_else(|| Problem::UnknownAction(format!("{} {}", head.method, head.path)))
    }

    /// Every request carries `Content-Type: application/json`, GET included.
    fn authorize(
        &self,
        _op: &'static OperationDescriptor,
        head: &RequestHead,
    ) -> Result<(), Problem> {
        let json = head.header("content-type").is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
        if json {
            Ok(())
        } else {
            Err(Problem::InvalidParameter(format!(
                "{NOT_JSON}, not {:?}",
                head.header("content-type").unwrap_or_default()
            )))
        }
    }

    /// Errors are their status: the code the spec's table reads is the status itself.
    fn word(&self, problem: &Problem) -> Wording {
        use Scope::{Gateway, Service};
        let w =
            |status: u16, kind, code, scope| Wording::new(kind, Some(code), scope).status(status);
        match problem {
            Problem::Auth(e) => w(401, K::Auth, "401", Gateway)
                .message(format_args!("Invalid authentication credentials: {e}")),
            Problem::ProjectMismatch => {
                w(401, K::Auth, "401", Gateway).message("Invalid authentication credentials")
            }
            Problem::Throttled(_) => {
                w(429, K::Throttled, "429", Gateway).message("Too Many Requests")
            }
            Problem::UnknownAction(_) | Problem::UnknownVersion(_) => {
                w(404, K::NotFound, "404", Gateway).message("Not Found")
            }
            Problem::InvalidParameter(m) if m.starts_with(NOT_JSON) => {
                w(415, K::InvalidParameter, "415", Gateway).message(m)
            }
            Problem::BodyTooLarge(_) => {
                w(413, K::Other, "413", Gateway).message("Payload Too Large")
            }
            Problem::ServerError(status) => w(*status, K::Server, "500", Service),
            Problem::Internal(_) => w(500, K::Server, "500", Service),
            Problem::UnknownApp(app) => w(400, K::InvalidParameter, "400", Service)
                .message(format_args!("invalid project_id: no project `{app}`")),
            Problem::MissingParameter(_)
            | Problem::InvalidParameter(_)
            | Problem::UnsupportedRegion(_)
            | Problem::StartAfterEnd { .. }
            | Problem::SpanTooLong(_)
            | Problem::TooFarBack(_) => w(400, K::InvalidParameter, "400", Service),
        }
    }
}
