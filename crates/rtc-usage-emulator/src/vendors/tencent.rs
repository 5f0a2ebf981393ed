//! Tencent Cloud API 3.0: `POST /` with the action, version and region in `X-TC-*` headers
//! and a JSON body; answers `{"Response": {.., "RequestId"}}` and errors
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`, both with HTTP 200.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::signing::verify::VerifyError;
use rtc_usage_tencent::DescribeTrtcUsageResponse;
use rtc_usage_tencent::describe_trtc_usage::{DescribeTrtcUsage, TrtcUsage};
use serde::Serialize;
use serde_json::json;

use super::{
    Api, Call, Context, Input, Meta, Vendor, VendorError, decode_call, json_fields, operation,
};
use crate::data;
use crate::limits::day_offset;
use crate::problem::Problem;
use crate::reply::{self, Reply, RequestHead, build};

pub(crate) struct Tencent;

impl Api for Tencent {
    fn vendor(&self) -> Vendor {
        Vendor::Tencent
    }

    fn claims(&self, head: &RequestHead) -> bool {
        head.header("x-tc-action").is_some()
    }

    fn route(&self, head: &RequestHead) -> Result<&'static OperationDescriptor, Problem> {
        let action = head.header("x-tc-action").unwrap_or_default();
        let op = operation(Vendor::Tencent, action)
            .ok_or_else(|| Problem::UnknownAction(action.to_owned()))?;
        match head.header("x-tc-version") {
            None => Err(Problem::MissingParameter("X-TC-Version".to_owned())),
            Some(version) if version != op.version => {
                Err(Problem::UnknownVersion(version.to_owned()))
            }
            Some(_) if head.method != op.method => Err(Problem::InvalidParameter(format!(
                "{} is called with {}",
                op.name, op.method
            ))),
            Some(_) => Ok(op),
        }
    }

    /// The region, when named, must be one the spec lists for the operation.
    fn authorize(
        &self,
        op: &'static OperationDescriptor,
        head: &RequestHead,
    ) -> Result<(), Problem> {
        match head.header("x-tc-region") {
            Some(region) if !op.endpoints.iter().any(|e| e.region == region) => {
                Err(Problem::UnsupportedRegion(region.to_owned()))
            }
            _ => Ok(()),
        }
    }

    fn parse(
        &self,
        _op: &'static OperationDescriptor,
        _head: &RequestHead,
        body: &[u8],
    ) -> Result<Call, Problem> {
        decode_call::<DescribeTrtcUsage>(
            json_fields(body)?,
            |i| i.sdk_app_id.map(|id| id.to_string()),
            Input::DescribeTrtcUsage,
        )
    }

    /// Daily buckets, or the spec's fine buckets (5 minutes) when the range is short enough
    /// (one day); without `SdkAppId`, the sum over every app of the account.
    fn answer(&self, call: &Call, context: &Context<'_>) -> Result<Reply, Problem> {
        let apps: Vec<&str> = match &call.input {
            Input::DescribeTrtcUsage(r) if r.sdk_app_id.is_some() => {
                call.app.iter().map(String::as_str).collect()
            }
            Input::DescribeTrtcUsage(_) => context.apps.iter().map(String::as_str).collect(),
            _ => return Err(Problem::Internal("not a Tencent call".to_owned())),
        };
        let fine = call
            .op
            .limits
            .granularity
            .and_then(|g| g.fine)
            .is_some_and(|f| context.days.len() <= f.max_days as usize);
        let rows = if fine {
            fine_rows(&apps, context.days)
        } else {
            daily_rows(&apps, context.days)
        };
        let offset = day_offset(call.op);
        let usage_list = rows
            .into_iter()
            .map(|(start, seconds)| usage(start, &seconds, offset))
            .collect::<Result<Vec<_>, _>>()?;
        let response: DescribeTrtcUsageResponse = build(
            DescribeTrtcUsageResponse::builder()
                .request_id(context.meta.request_id.clone())
                .usage_key(
                    data::tier_keys(Vendor::Tencent)
                        .into_iter()
                        .map(str::to_owned)
                        .collect::<Vec<_>>(),
                )
                .usage_list(usage_list),
        )?;
        Ok(reply::json(200, wrap(&response)?, &[]))
    }

    fn classify(&self, problem: &Problem) -> VendorError {
        let code = match problem {
            Problem::Auth(
                VerifyError::MissingAuthorization
                | VerifyError::MalformedAuthorization(_)
                | VerifyError::WrongAlgorithm { .. },
            ) => "AuthFailure.InvalidAuthorization",
            Problem::Auth(VerifyError::UnknownAccessKey(_)) => "AuthFailure.SecretIdNotFound",
            Problem::Auth(VerifyError::Expired { .. }) => "AuthFailure.SignatureExpire",
            Problem::Auth(VerifyError::MissingTimestamp(_)) => "MissingParameter",
            Problem::Auth(VerifyError::MalformedTimestamp(_)) => "InvalidParameterValue",
            Problem::Auth(_) => "AuthFailure.SignatureFailure",
            Problem::ProjectMismatch => "AuthFailure.UnauthorizedOperation",
            Problem::UnsupportedRegion(_) => "UnsupportedRegion",
            Problem::Throttled => "RequestLimitExceeded",
            Problem::UnknownAction(_) => "InvalidAction",
            Problem::UnknownVersion(_) => "NoSuchVersion",
            Problem::MissingParameter(_) => "MissingParameter",
            Problem::InvalidParameter(_) => "InvalidParameterValue",
            Problem::StartAfterEnd { .. } => "InvalidParameter",
            Problem::SpanTooLong(_) => "InvalidParameter.QueryScaleOversize",
            Problem::TooFarBack(_) => "InvalidParameter.StartTimeExpire",
            Problem::UnknownApp(_) => "FailedOperation.SdkAppIdNotExist",
            Problem::BodyTooLarge(_) => "RequestSizeLimitExceeded",
            Problem::ServerError(_) | Problem::Internal(_) => "InternalError",
        };
        // API errors come with HTTP 200; an injected server error is a gateway's 5xx.
        let status = match problem {
            Problem::ServerError(status) => *status,
            _ => 200,
        };
        VendorError::new(status, code, problem.to_string())
    }

    fn render_error(&self, error: &VendorError, meta: &Meta) -> Reply {
        let body = json!({
            "Error": {"Code": error.code, "Message": error.message},
            "RequestId": meta.request_id,
        });
        reply::json(error.status, wrap(&body).unwrap_or_default(), &[])
    }
}

/// `{"Response": payload}`.
fn wrap<T: Serialize>(payload: &T) -> Result<Vec<u8>, Problem> {
    #[derive(Serialize)]
    struct Envelope<'a, T> {
        #[serde(rename = "Response")]
        response: &'a T,
    }
    reply::to_json(&Envelope { response: payload })
}

/// One row per day: the day's seconds per tier, summed over `apps`.
fn daily_rows(apps: &[&str], days: &[NaiveDate]) -> Vec<(NaiveDateTime, Vec<u64>)> {
    days.iter()
        .map(|day| {
            let mut sums = Vec::new();
            for app in apps {
                add(&mut sums, &data::usage(Vendor::Tencent, app, *day));
            }
            (day.and_time(chrono::NaiveTime::MIN), sums)
        })
        .collect()
}

/// One row per fine bucket of every day, summed over `apps`.
fn fine_rows(apps: &[&str], days: &[NaiveDate]) -> Vec<(NaiveDateTime, Vec<u64>)> {
    let mut rows: Vec<(NaiveDateTime, Vec<u64>)> = Vec::new();
    for day in days {
        let first = rows.len();
        for app in apps {
            for (i, (start, values)) in data::truth_buckets(app, *day).into_iter().enumerate() {
                match rows.get_mut(first + i) {
                    Some((_, sums)) => add(sums, &values),
                    None => {
                        let mut sums = Vec::new();
                        add(&mut sums, &values);
                        rows.push((start, sums));
                    }
                }
            }
        }
    }
    rows
}

/// Adds `values`' seconds to `sums`, position by position.
fn add(sums: &mut Vec<u64>, values: &[(&'static str, u64)]) {
    sums.resize(sums.len().max(values.len()), 0);
    for (sum, (_, seconds)) in sums.iter_mut().zip(values) {
        *sum += seconds;
    }
}

/// A `UsageList` entry: Beijing `TimeKey`, unix `TimeStampKey`, minutes as floats.
fn usage(start: NaiveDateTime, seconds: &[u64], offset: FixedOffset) -> Result<TrtcUsage, Problem> {
    let instant = start
        .and_local_timezone(offset)
        .single()
        .ok_or_else(|| Problem::Internal(format!("no instant for {start}")))?;
    build(
        TrtcUsage::builder()
            .time_key(start.format("%Y-%m-%d %H:%M:%S").to_string())
            .time_stamp_key(u64::try_from(instant.timestamp()).ok())
            .usage_value(seconds.iter().map(|s| *s as f64 / 60.0).collect::<Vec<_>>()),
    )
}
