//! Huawei Cloud RTC: `GET /v1/{project_id}/rtc/history/usage?app=..&metric=..&start_date=..&end_date=..`
//! and `GET /v1/{project_id}/rtc/history/scale?app=..&metric=..&metric=..[&start_date=..&end_date=..]`
//! with `X-Project-Id`; answers the bare payload, errors `{error_code, error_msg}` with an
//! HTTP 4xx/5xx status, and the request id in the `X-Request-Id` header.

use chrono::{DateTime, NaiveDate, Utc};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::api::ValueKind;
use rtc_usage_core::descriptor::{ContextValue, Location};
use rtc_usage_core::signing::encode::percent_decode_lossy;
use rtc_usage_core::validate::{TimePoint, TimeRange};
use rtc_usage_huawei::list_rtc_history_scale::{
    ListRtcHistoryScale, Metric as ScaleMetric, RtcHistoryScale,
};
use rtc_usage_huawei::list_rtc_history_usage::{ListRtcHistoryUsage, RtcHistoryUsage};
use rtc_usage_huawei::{ListRtcHistoryScaleResponse, ListRtcHistoryUsageResponse};
use serde_json::{Map, Value, json};

use super::{
    Api, Call, Context, Input, Meta, Parser, Vendor, VendorError, decode_call, parser, usage,
};
use crate::data::{self, Measure, SCALE_METRICS};
use crate::demo::DEMO_HUAWEI_PROJECT_ID;
use crate::limits::day_offset;
use crate::problem::Problem;
use crate::reply::{self, Reply, RequestHead, build};

pub(crate) struct Huawei;

/// The operations the emulator answers: the usage of one metric, and the scale metrics.
static PARSERS: [(&OperationDescriptor, Parser); 2] = [
    (
        &rtc_usage_huawei::list_rtc_history_usage::DESCRIPTOR,
        |fields| {
            decode_call::<ListRtcHistoryUsage>(
                fields,
                |i| Some(i.app.clone()),
                |i| {
                    usage(
                        &rtc_usage_huawei::list_rtc_history_usage::DESCRIPTOR,
                        Some(i.metric.as_str()),
                    )
                },
            )
        },
    ),
    (
        &rtc_usage_huawei::list_rtc_history_scale::DESCRIPTOR,
        |fields| {
            decode_call::<ListRtcHistoryScale>(
                fields,
                |i| Some(i.app.clone()),
                |i| scale_metrics(&i.metric),
            )
        },
    ),
];

/// The scale metrics asked for, each one the emulator serves (an open set on the wire).
fn scale_metrics(asked: &[ScaleMetric]) -> Result<Input, Problem> {
    asked
        .iter()
        .map(|metric| {
            SCALE_METRICS
                .into_iter()
                .find(|known| *known == metric.as_str())
                .ok_or_else(|| {
                    Problem::InvalidParameter(format!(
                        "metric `{metric}` is not supported ({})",
                        SCALE_METRICS.join(", ")
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Input::Scale)
}

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

    /// The query as the request type's fields: a list parameter (the scale's `metric`) from
    /// every pair of its name, any other from its first pair.
    fn parse(
        &self,
        op: &'static OperationDescriptor,
        head: &RequestHead,
        _body: &[u8],
    ) -> Result<Call, Problem> {
        let lists: Vec<&str> = rtc_usage_huawei::API
            .iter()
            .filter(|api| (api.descriptor.name, api.descriptor.version) == (op.name, op.version))
            .flat_map(|api| api.params)
            .filter(|p| p.location == Location::Query && matches!(p.kind, ValueKind::Array(_)))
            .map(|p| p.name)
            .collect();
        let mut fields = Map::new();
        for (name, value) in head.query_pairs() {
            if lists.contains(&name.as_str()) {
                let list = fields
                    .entry(name)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(Value::String(value));
                }
            } else {
                fields.entry(name).or_insert(Value::String(value));
            }
        }
        parser(&PARSERS, op)?(Value::Object(fields))
    }

    /// Optional dates read as the SDK says (不写默认读取过去1天数据, the past day): without
    /// `end_date`, yesterday (UTC), or `start_date` if that is later; without `start_date`,
    /// `end_date`'s day.
    fn complete_range(&self, call: &mut Call, now: DateTime<Utc>) {
        let date = |point: Option<TimePoint>| match point {
            Some(TimePoint::Date(d)) => Some(d),
            _ => None,
        };
        let (start, end) = (date(call.range.start), date(call.range.end));
        if start.is_some() && end.is_some() {
            return;
        }
        let today = now.with_timezone(&day_offset(call.op)).date_naive();
        let yesterday = today.pred_opt().unwrap_or(today);
        let end = end.unwrap_or_else(|| start.map_or(yesterday, |s| s.max(yesterday)));
        let start = start.unwrap_or(end);
        call.range = TimeRange {
            start: Some(TimePoint::Date(start)),
            end: Some(TimePoint::Date(end)),
        };
    }

    /// One entry per UTC day: the metric's seconds per tier (usage), or the metrics asked for
    /// (scale).
    fn answer(&self, call: &Call, context: &Context<'_>) -> Result<Reply, Problem> {
        let app = call.app.as_deref().unwrap_or_default();
        let body = match &call.input {
            Input::Usage(measure) => {
                let usage = context
                    .days
                    .iter()
                    .map(|day| day_usage(measure, app, *day))
                    .collect::<Result<Vec<_>, _>>()?;
                let response: ListRtcHistoryUsageResponse =
                    build(ListRtcHistoryUsageResponse::builder().usage(usage))?;
                reply::to_json(&response)?
            }
            Input::Scale(metrics) => {
                let scale = context
                    .days
                    .iter()
                    .map(|day| day_scale(app, *day, metrics))
                    .collect::<Result<Vec<_>, _>>()?;
                let response: ListRtcHistoryScaleResponse =
                    build(ListRtcHistoryScaleResponse::builder().scale(scale))?;
                reply::to_json(&response)?
            }
            Input::ListOperationDistribution(_) => {
                return Err(Problem::Internal("not a Huawei call".to_owned()));
            }
        };
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

fn day_usage(measure: &Measure, app: &str, day: NaiveDate) -> Result<RtcHistoryUsage, Problem> {
    let truth = measure.day(app, day);
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

/// One `scale[]` entry: the date and the metrics asked for, each under its field (the metric
/// in snake case), the others absent.
fn day_scale(app: &str, day: NaiveDate, metrics: &[&str]) -> Result<RtcHistoryScale, Problem> {
    let mut entry = Map::new();
    entry.insert("date".to_owned(), json!(day));
    for (metric, value) in data::scale(app, day) {
        if metrics.contains(&metric) {
            entry.insert(snake_case(metric), json!(value));
        }
    }
    serde_json::from_value(Value::Object(entry))
        .map_err(|e| Problem::Internal(format!("building the answer: {e}")))
}

/// `MaxOnlineUserCount` → `max_online_user_count`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
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
    fn every_scale_metric_has_its_field() {
        let day: NaiveDate = "2026-11-02".parse().unwrap();
        let entry = day_scale("app", day, &SCALE_METRICS).unwrap();
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(
            json.as_object().unwrap().len(),
            1 + SCALE_METRICS.len(),
            "{json}"
        );
        assert_eq!(snake_case("MaxOnlineUserCount"), "max_online_user_count");
        let one = day_scale("app", day, &["RoomCount"]).unwrap();
        assert!(one.room_count.is_some() && one.user_count.is_none());
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
}
