//! Volcengine RTC OpenAPI: `POST /?Action=..&Version=..` with a JSON body; answers
//! `{"ResponseMetadata": {..}, "Result": ..}`, errors in `ResponseMetadata.Error`
//! (`Code`, gateway `CodeN`, `Message`) with an HTTP 4xx/5xx status.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::descriptor::Location;
use rtc_usage_core::signing::verify::VerifyError;
use rtc_usage_volcengine::list_operation_distribution::{
    DataItem, Dimension, Indicator, ListOperationDistribution, ListOperationDistributionRequest,
};
use rtc_usage_volcengine::list_usages::{ListUsages, Usage};
use rtc_usage_volcengine::list_usages_2023_11_01::ListUsages20231101;
use rtc_usage_volcengine::{ListOperationDistributionResponse, ListUsagesResponse};
use serde::Serialize;

use super::{
    Api, Call, Context, Input, Meta, Parser, Vendor, VendorError, decode_call, json_fields, parser,
    usage,
};
use crate::data::{self, Measure};
use crate::limits::{day_offset, local};
use crate::problem::Problem;
use crate::reply::{self, Reply, RequestHead, build};

pub(crate) struct Volcengine;

/// The operations the emulator answers: `ListUsages` at both versions (one request and answer
/// shape, each version with its own descriptor, so its own limits and `Version`) and
/// `ListOperationDistribution`.
static PARSERS: [(&OperationDescriptor, Parser); 3] = [
    (&rtc_usage_volcengine::list_usages::DESCRIPTOR, |fields| {
        decode_call::<ListUsages>(
            fields,
            |i| Some(i.app_id.clone()),
            |_| usage(&rtc_usage_volcengine::list_usages::DESCRIPTOR, None),
        )
    }),
    (
        &rtc_usage_volcengine::list_usages_2023_11_01::DESCRIPTOR,
        |fields| {
            decode_call::<ListUsages20231101>(
                fields,
                |i| Some(i.app_id.clone()),
                |_| {
                    usage(
                        &rtc_usage_volcengine::list_usages_2023_11_01::DESCRIPTOR,
                        None,
                    )
                },
            )
        },
    ),
    (
        &rtc_usage_volcengine::list_operation_distribution::DESCRIPTOR,
        |fields| {
            decode_call::<ListOperationDistribution>(
                fields,
                |i| Some(i.app_id.clone()),
                |request| {
                    check_distribution(&request)?;
                    Ok(Input::ListOperationDistribution(request))
                },
            )
        },
    ),
];

impl Api for Volcengine {
    fn vendor(&self) -> Vendor {
        Vendor::Volcengine
    }

    fn claims(&self, head: &RequestHead) -> bool {
        head.query_value("Action").is_some()
    }

    /// The operation whose constant query parameters (`Action`, `Version`) all arrived.
    fn route(&self, head: &RequestHead) -> Result<&'static OperationDescriptor, Problem> {
        let query = head.query_pairs();
        let sent = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let matches = |op: &&OperationDescriptor, names: &[&str]| {
            op.constants
                .iter()
                .filter(|c| c.location == Location::Query && names.contains(&c.name))
                .all(|c| sent(c.name) == Some(c.value))
        };
        let ops = Vendor::Volcengine.operations();
        let action = sent("Action").unwrap_or_default();
        match ops.iter().find(|op| matches(op, &["Action", "Version"])) {
            Some(op) if op.method == head.method => Ok(op),
            Some(op) => Err(Problem::InvalidParameter(format!(
                "{} is called with {}",
                op.name, op.method
            ))),
            None if ops.iter().any(|op| matches(op, &["Action"])) => Err(Problem::UnknownVersion(
                sent("Version").unwrap_or_default().to_owned(),
            )),
            None => Err(Problem::UnknownAction(action.to_owned())),
        }
    }

    fn parse(
        &self,
        op: &'static OperationDescriptor,
        _head: &RequestHead,
        body: &[u8],
    ) -> Result<Call, Problem> {
        parser(&PARSERS, op)?(json_fields(body)?)
    }

    /// `ListUsages` (either version: the same `Result`, in the envelope of the version called)
    /// or `ListOperationDistribution`.
    fn answer(&self, call: &Call, context: &Context<'_>) -> Result<Reply, Problem> {
        let offset = day_offset(call.op);
        let body = match &call.input {
            Input::Usage(measure) => envelope(
                context.meta,
                Some(&usages(
                    measure,
                    call.app.as_deref().unwrap_or_default(),
                    context.days,
                    offset,
                )?),
                None,
            ),
            Input::ListOperationDistribution(request) => {
                envelope(context.meta, Some(&distribution(request, offset)?), None)
            }
            _ => return Err(Problem::Internal("not a Volcengine call".to_owned())),
        }?;
        Ok(reply::json(200, body, &[]))
    }

    fn classify(&self, problem: &Problem) -> VendorError {
        let (status, code, code_n) = match problem {
            Problem::Auth(VerifyError::MissingAuthorization) => {
                (401, "MissingAuthenticationToken", Some(100_003))
            }
            Problem::Auth(VerifyError::UnknownAccessKey(_)) => {
                (401, "InvalidAccessKey", Some(100_009))
            }
            Problem::Auth(
                VerifyError::MissingTimestamp(_)
                | VerifyError::MalformedTimestamp(_)
                | VerifyError::Expired { .. },
            ) => (400, "InvalidTimestamp", Some(100_006)),
            Problem::Auth(_) => (401, "SignatureDoesNotMatch", Some(100_010)),
            Problem::ProjectMismatch => (403, "AccessDenied", Some(100_013)),
            Problem::Throttled => (429, "FlowLimitExceeded.QPSOverLimit", None),
            Problem::UnknownAction(_) | Problem::UnknownVersion(_) => {
                (404, "InvalidActionOrVersion", Some(100_008))
            }
            Problem::MissingParameter(_) => (400, "MissingParameter", Some(100_002)),
            Problem::InvalidParameter(_)
            | Problem::UnsupportedRegion(_)
            | Problem::BodyTooLarge(_) => (400, "InvalidParameter", None),
            Problem::StartAfterEnd { .. } => (400, "InvalidParameter.StartTimeAfterEndTime", None),
            Problem::SpanTooLong(_) | Problem::TooFarBack(_) => {
                (400, "InvalidParameter.OutofTimeRange", None)
            }
            Problem::UnknownApp(_) => (400, "InvalidParameter.NotExistAppId", None),
            Problem::ServerError(status) => (*status, "InternalError", Some(100_014)),
            Problem::Internal(_) => (500, "InternalError", Some(100_014)),
        };
        VendorError {
            code_n,
            ..VendorError::new(status, code, problem.to_string())
        }
    }

    fn render_error(&self, error: &VendorError, meta: &Meta) -> Reply {
        let body = envelope::<()>(meta, None, Some(error)).unwrap_or_default();
        reply::json(error.status, body, &[])
    }
}

/// Indicator and Dimension are open sets on the wire; the emulator serves the known ones
/// (the dimension in any case, as the 2023-11-01 SDK spells it `Province`).
fn check_distribution(request: &ListOperationDistributionRequest) -> Result<(), Problem> {
    if !request.indicator.is_known() {
        return Err(Problem::InvalidParameter(format!(
            "Indicator `{}` is not supported ({})",
            request.indicator,
            Indicator::KNOWN.join(", ")
        )));
    }
    let dimension = request.dimension.as_str();
    if !Dimension::KNOWN
        .iter()
        .any(|k| k.eq_ignore_ascii_case(dimension))
    {
        return Err(Problem::InvalidParameter(format!(
            "Dimension `{dimension}` is not supported ({})",
            Dimension::KNOWN.join(", ")
        )));
    }
    Ok(())
}

/// One `Usages[]` entry per day, in whole minutes.
fn usages(
    measure: &Measure,
    app: &str,
    days: &[NaiveDate],
    offset: FixedOffset,
) -> Result<ListUsagesResponse, Problem> {
    let usages = days
        .iter()
        .map(|day| {
            let truth = measure.day(app, *day);
            let minutes = |key: &str| {
                truth
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or(0, |(_, seconds)| (seconds / 60) as i64)
            };
            build::<_, Usage>(
                Usage::builder()
                    .time_stamp(day_start(*day, offset)?)
                    .audio(minutes("Audio"))
                    .video_sdm(minutes("VideoSDM"))
                    .video_sd(minutes("VideoSD"))
                    .video_hd(minutes("VideoHD")),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    build(ListUsagesResponse::builder().usages(usages))
}

/// The distinct users of the app over the calendar days of `StartTime..=EndTime`.
fn distribution(
    request: &ListOperationDistributionRequest,
    offset: FixedOffset,
) -> Result<ListOperationDistributionResponse, Problem> {
    let first = local(request.start_time, offset)?.date();
    let last = local(request.end_time, offset)?.date();
    let rows = data::distribution(&request.app_id, first, last, request.dimension.as_str())
        .into_iter()
        .map(|(name, users, percent)| {
            build::<_, DataItem>(
                DataItem::builder()
                    .distribution_name(name)
                    .value(users)
                    .proportion(percent),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    build(
        ListOperationDistributionResponse::builder()
            .name(Indicator::UserNum)
            .dimension(request.dimension.clone())
            .data(rows),
    )
}

/// 00:00 of `day` in the operation's calendar.
fn day_start(day: NaiveDate, offset: FixedOffset) -> Result<DateTime<FixedOffset>, Problem> {
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(offset)
        .single()
        .ok_or_else(|| Problem::Internal(format!("no 00:00 on {day}")))
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    #[serde(rename = "ResponseMetadata")]
    metadata: Metadata<'a>,
    #[serde(rename = "Result", skip_serializing_if = "Option::is_none")]
    result: Option<&'a T>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata<'a> {
    request_id: &'a str,
    action: &'a str,
    version: &'a str,
    service: &'a str,
    region: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorBody<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    code: &'a str,
    #[serde(rename = "CodeN", skip_serializing_if = "Option::is_none")]
    code_n: Option<u32>,
    message: &'a str,
}

/// The `{"ResponseMetadata", "Result"}` envelope, with the operation's action, version,
/// service and the region the request was signed for.
fn envelope<T: Serialize>(
    meta: &Meta,
    result: Option<&T>,
    error: Option<&VendorError>,
) -> Result<Vec<u8>, Problem> {
    let op = meta.op;
    let metadata = Metadata {
        request_id: &meta.request_id,
        action: op.map_or("", |op| op.name),
        version: op.map_or("", |op| op.version),
        service: op.map_or("rtc", |op| op.service),
        region: meta
            .region
            .as_deref()
            .unwrap_or(op.map_or("cn-north-1", |op| op.default_region)),
        error: error.map(|e| ErrorBody {
            code: e.code,
            code_n: e.code_n,
            message: &e.message,
        }),
    };
    reply::to_json(&Envelope { metadata, result })
}
