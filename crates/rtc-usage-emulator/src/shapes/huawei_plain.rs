//! `HuaweiPlain` (Huawei Cloud APIG): `GET /v1/{project_id}/...?..` routed by method and path
//! template, the parameters in the query; the bare payload, errors `{error_code, error_msg}`
//! with an HTTP 4xx/5xx status and the request id in `X-Request-Id`.

use chrono::{DateTime, Utc};
use rtc_usage_core::validate::{TimePoint, TimeRange};
use rtc_usage_core::{Envelope, ErrorKind as K, OperationDescriptor};

use super::{Scope, Shape, Wording, path_params};
use crate::limits::day_offset;
use crate::problem::Problem;
use crate::reply::RequestHead;

pub(crate) struct HuaweiPlain;

/// The literal start of a path template, up to its first `{name}` (`/v1/`).
fn literal_prefix(template: &str) -> &str {
    template.split('{').next().unwrap_or(template)
}

impl Shape for HuaweiPlain {
    fn envelope(&self) -> Envelope {
        Envelope::HuaweiPlain
    }

    /// A path under the literal start of one of the operations' templates (`/v1/`), or one
    /// that fits a template.
    fn claims(&self, head: &RequestHead, ops: &[&'static OperationDescriptor]) -> bool {
        ops.iter().any(|op| {
            let prefix = literal_prefix(op.path);
            (prefix.len() > 1 && head.path.starts_with(prefix))
                || path_params(op.path, &head.path).is_some()
        })
    }

    /// The operation whose method and path template match (an API is its method and path).
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

    /// Optional dates read as the SDK says (不写默认读取过去1天数据, the past day): without
    /// an end date, yesterday (in the operation's calendar), or the start date if that is
    /// later; without a start date, the end date's day.
    fn complete_range(
        &self,
        op: &'static OperationDescriptor,
        range: &mut TimeRange,
        now: DateTime<Utc>,
    ) {
        let date = |point: Option<TimePoint>| match point {
            Some(TimePoint::Date(d)) => Some(d),
            _ => None,
        };
        let (start, end) = (date(range.start), date(range.end));
        if start.is_some() && end.is_some() {
            return;
        }
        let today = now.with_timezone(&day_offset(op)).date_naive();
        let yesterday = today.pred_opt().unwrap_or(today);
        let end = end.unwrap_or_else(|| start.map_or(yesterday, |s| s.max(yesterday)));
        let start = start.unwrap_or(end);
        *range = TimeRange {
            start: Some(TimePoint::Date(start)),
            end: Some(TimePoint::Date(end)),
        };
    }

    fn word(&self, problem: &Problem) -> Wording {
        use Scope::{Gateway, Service};
        let w = |status: u16, kind, code, scope| Wording::new(kind, code, scope).status(status);
        match problem {
            Problem::Auth(e) => w(401, K::Auth, Some("APIGW.0301"), Gateway).message(format_args!(
                "Incorrect IAM authentication information: {e}"
            )),
            Problem::ProjectMismatch => w(401, K::Auth, Some("APIGW.0301"), Gateway).message(
                format_args!("Incorrect IAM authentication information: {problem}"),
            ),
            Problem::Throttled(_) => w(429, K::Throttled, None, Gateway)
                .message("The throttling threshold has been reached"),
            Problem::UnknownAction(_) | Problem::UnknownVersion(_) => {
                w(404, K::NotFound, Some("APIGW.0101"), Gateway)
                    .message("The API does not exist or has not been published in the environment")
            }
            Problem::MissingParameter(name) => {
                w(400, K::InvalidParameter, Some("DATA.100011001"), Service).message(format_args!(
                    "Required String parameter '{name}' is not present"
                ))
            }
            Problem::BodyTooLarge(_) => {
                w(413, K::Other, Some("APIGW.0201"), Gateway).message("Request entity too large")
            }
            Problem::ServerError(status) => w(*status, K::Server, Some("RTC.00002001"), Service),
            Problem::Internal(_) => w(500, K::Server, Some("RTC.00002001"), Service),
            Problem::InvalidParameter(_)
            | Problem::UnsupportedRegion(_)
            | Problem::StartAfterEnd { .. }
            | Problem::SpanTooLong(_)
            | Problem::TooFarBack(_)
            | Problem::UnknownApp(_) => w(400, K::InvalidParameter, Some("RTC.00001003"), Service),
        }
    }
}
