//! Huawei Cloud RTC: `GET /v1/{project_id}/rtc/history/usage?app=..&metric=..&start_date=..&end_date=..`
//! with `X-Project-Id`; answers the bare payload, errors `{error_code, error_msg}` with an
//! HTTP 4xx/5xx status, and the request id in the `X-Request-Id` header.

use chrono::NaiveDate;
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::descriptor::{ContextValue, Location};
use rtc_usage_core::signing::encode::percent_decode_lossy;
use rtc_usage_huawei::ListRtcHistoryUsageResponse;
use rtc_usage_huawei::list_rtc_history_usage::{ListRtcHistoryUsage, Metric, RtcHistoryUsage};
use serde_json::{Map, Value, json};

use super::{Api, Call, Context, Input, Meta, Vendor, VendorError, decode_call};
use crate::data;
use crate::demo::DEMO_HUAWEI_PROJECT_ID;
use crate::problem::Problem;
use crate::reply::{self, Reply, RequestHead, build};

pub(crate) struct Huawei;

impl Api for Huawei {
    fn vendor(&self) -> Vendor {
        Vendor::Huawei
    }

    fn claims(&self, head: &RequestHead) -> bool {
        head.path.starts_with("/v1/")
    }

    /// The operation whose method and path template match (an API is its method and path).
    fn route(&self, head: &RequestHead) -> Result<&'static OperationDescriptor, Problem> {
        Vendor::Huawei
            .operations()
            .iter()
            .copied()
            .find(|op| op.method == head.method && path_params(op.path, &head.path).is_some())
            .ok_or_else(|| Problem::UnknownAction(format!("{} {}", head.method, head.path)))
    }

    /// The project in the path (and in `X-Project-Id`, which the signature check compares
    /// with the credentials) must be the demo project.
    fn authorize(
        &self,
        op: &'static OperationDescriptor,
        head: &RequestHead,
    ) -> Result<(), Problem> {
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
            if sent != Some(DEMO_HUAWEI_PROJECT_ID) {
                return Err(Problem::ProjectMismatch);
            }
        }
        Ok(())
    }

    fn parse(
        &self,
        _op: &'static OperationDescriptor,
        head: &RequestHead,
        _body: &[u8],
    ) -> Result<Call, Problem> {
        let mut fields = Map::new();
        for (name, value) in head.query_pairs() {
            fields.entry(name).or_insert(Value::String(value));
        }
        let call = decode_call::<ListRtcHistoryUsage>(
            Value::Object(fields),
            |i| Some(i.app.clone()),
            Input::ListRtcHistoryUsage,
        )?;
        if let Input::ListRtcHistoryUsage(request) = &call.input {
            if !request.metric.is_known() {
                return Err(Problem::InvalidParameter(format!(
                    "metric `{}` is not supported ({})",
                    request.metric,
                    Metric::KNOWN.join(", ")
                )));
            }
        }
        Ok(call)
    }

    /// One entry per UTC day; only `CommunicationDuration` has usage (the SDK-only
    /// transcoding and recording metrics answer zeros).
    fn answer(&self, call: &Call, context: &Context<'_>) -> Result<Reply, Problem> {
        let (app, communication) = match &call.input {
            Input::ListRtcHistoryUsage(r) => (&r.app, r.metric == Metric::CommunicationDuration),
            _ => return Err(Problem::Internal("not a Huawei call".to_owned())),
        };
        let usage = context
            .days
            .iter()
            .map(|day| day_usage(app, *day, communication))
            .collect::<Result<Vec<_>, _>>()?;
        let response: ListRtcHistoryUsageResponse =
            build(ListRtcHistoryUsageResponse::builder().usage(usage))?;
        let body = reply::to_json(&response)?;
        Ok(reply::json(
            200,
            body,
            &[("x-request-id", &context.meta.request_id)],
        ))
    }

    fn classify(&self, problem: &Problem) -> VendorError {
        match problem {
            Problem::Auth(e) => VendorError::new(
                401,
                "APIGW.0301",
                format!("Incorrect IAM authentication information: {e}"),
            ),
            Problem::ProjectMismatch => VendorError::new(
                401,
                "APIGW.0301",
                format!("Incorrect IAM authentication information: {problem}"),
            ),
            Problem::Throttled => VendorError::new(
                429,
                "APIGW.0308",
                "The throttling threshold has been reached",
            ),
            Problem::UnknownAction(_) | Problem::UnknownVersion(_) => VendorError::new(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
            ),
            Problem::MissingParameter(name) => VendorError::new(
                400,
                "DATA.100011001",
                format!("Required String parameter '{name}' is not present"),
            ),
            Problem::BodyTooLarge(_) => {
                VendorError::new(413, "APIGW.0201", "Request entity too large")
            }
            Problem::ServerError(status) => {
                VendorError::new(*status, "RTC.00002001", problem.to_string())
            }
            Problem::Internal(_) => VendorError::new(500, "RTC.00002001", problem.to_string()),
            Problem::InvalidParameter(_)
            | Problem::UnsupportedRegion(_)
            | Problem::StartAfterEnd { .. }
            | Problem::SpanTooLong(_)
            | Problem::TooFarBack(_)
            | Problem::UnknownApp(_) => VendorError::new(400, "RTC.00001003", problem.to_string()),
        }
    }

    fn render_error(&self, error: &VendorError, meta: &Meta) -> Reply {
        let body = json!({"error_code": error.code, "error_msg": error.message});
        reply::json(
            error.status,
            reply::to_json(&body).unwrap_or_default(),
            &[("x-request-id", &meta.request_id)],
        )
    }
}

fn day_usage(app: &str, day: NaiveDate, communication: bool) -> Result<RtcHistoryUsage, Problem> {
    let truth = if communication {
        data::usage(Vendor::Huawei, app, day)
    } else {
        Vec::new()
    };
    let seconds = |key: &str| {
        truth
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, s)| *s as i64)
    };
    let tiers = ["audio", "video_sd", "video_hd", "video_hdp"].map(seconds);
    build(
        RtcHistoryUsage::builder()
            .date(day)
            .audio(tiers[0])
            .video_sd(tiers[1])
            .video_hd(tiers[2])
            .video_hdp(tiers[3])
            .total_duration(tiers.iter().sum::<i64>()),
    )
}

/// The values of `template`'s `{name}` segments in `path` (decoded), if the path fits it.
fn path_params<'t>(template: &'t str, path: &str) -> Option<Vec<(&'t str, String)>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
