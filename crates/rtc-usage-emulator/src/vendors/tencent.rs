//! Tencent Cloud API 3.0: `POST /` with the action, version and region in `X-TC-*` headers
//! and a JSON body; answers `{"Response": {.., "RequestId"}}` and errors
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`, both with HTTP 200.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::operation::Operation;
use rtc_usage_core::signing::verify::VerifyError;
use rtc_usage_tencent::describe_mix_transcoding_usage::DescribeMixTranscodingUsage;
use rtc_usage_tencent::describe_recording_usage::DescribeRecordingUsage;
use rtc_usage_tencent::describe_relay_usage::DescribeRelayUsage;
use rtc_usage_tencent::describe_trtc_usage::{DescribeTrtcUsage, TrtcUsage};
use rtc_usage_tencent::{
    DescribeMixTranscodingUsageRequest, DescribeRecordingUsageRequest, DescribeRelayUsageRequest,
    DescribeTrtcUsageRequest, DescribeTrtcUsageResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{
    Api, Call, Context, Input, Meta, Parser, Vendor, VendorError, decode_call, json_fields,
    operation, parser, usage,
};
use crate::data::{Measure, Unit};
use crate::limits::day_offset;
use crate::problem::Problem;
use crate::reply::{self, Reply, RequestHead, build};

/// Tencent's usage operations: one request shape (dates, an optional `SdkAppId`, for recording
/// a `MixType`) and one answer shape; what each one counts is its row of the data table
/// ([`crate::data`]).
static PARSERS: [(&OperationDescriptor, Parser); 4] = [
    (
        &rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR,
        parse_as::<DescribeTrtcUsage>,
    ),
    (
        &rtc_usage_tencent::describe_recording_usage::DESCRIPTOR,
        parse_as::<DescribeRecordingUsage>,
    ),
    (
        &rtc_usage_tencent::describe_mix_transcoding_usage::DESCRIPTOR,
        parse_as::<DescribeMixTranscodingUsage>,
    ),
    (
        &rtc_usage_tencent::describe_relay_usage::DESCRIPTOR,
        parse_as::<DescribeRelayUsage>,
    ),
];

/// What the emulator reads of a Tencent usage request.
trait UsageRequest {
    fn sdk_app_id(&self) -> Option<u64>;
    /// The value of the variant parameter (`MixType`), if the operation has one.
    fn variant(&self) -> Option<&str>;
}

macro_rules! usage_requests {
    ($($request:ty $(=> $variant:ident)?),* $(,)?) => {$(
        impl UsageRequest for $request {
            fn sdk_app_id(&self) -> Option<u64> {
                self.sdk_app_id
            }
            fn variant(&self) -> Option<&str> {
                None$(.or(Some(self.$variant.as_str())))?
            }
        }
    )*};
}

usage_requests!(
    DescribeTrtcUsageRequest,
    DescribeRecordingUsageRequest => mix_type,
    DescribeMixTranscodingUsageRequest,
    DescribeRelayUsageRequest,
);

/// Decodes `Op`'s request; a `MixType` the emulator does not serve is an invalid value.
fn parse_as<Op: Operation>(fields: Value) -> Result<Call, Problem>
where
    Op::Input: DeserializeOwned + UsageRequest,
{
    decode_call::<Op>(
        fields,
        |i| i.sdk_app_id().map(|id| id.to_string()),
        |i| usage(Op::descriptor(), i.variant()),
    )
}

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
        op: &'static OperationDescriptor,
        _head: &RequestHead,
        body: &[u8],
    ) -> Result<Call, Problem> {
        parser(&PARSERS, op)?(json_fields(body)?)
    }

    /// Daily buckets, or the spec's fine buckets (5 minutes) when the range is short enough
    /// (one day); without `SdkAppId`, the sum over every app of the account. Every usage
    /// operation answers DescribeTrtcUsage's shape (the specs give them all the same), with its
    /// own keys and figures.
    fn answer(&self, call: &Call, context: &Context<'_>) -> Result<Reply, Problem> {
        let Input::Usage(measure) = &call.input else {
            return Err(Problem::Internal("not a Tencent usage call".to_owned()));
        };
        let apps: Vec<&str> = match &call.app {
            Some(app) => vec![app.as_str()],
            None => context.apps.iter().map(String::as_str).collect(),
        };
        let fine = call
            .op
            .limits
            .granularity
            .and_then(|g| g.fine)
            .is_some_and(|f| context.days.len() <= f.max_days as usize);
        let rows = if fine {
            fine_rows(measure, &apps, context.days)
        } else {
            daily_rows(measure, &apps, context.days)
        };
        let offset = day_offset(call.op);
        let usage_list = rows
            .into_iter()
            .map(|(start, values)| usage_entry(start, &values, measure.unit(), offset))
            .collect::<Result<Vec<_>, _>>()?;
        let response: DescribeTrtcUsageResponse = build(
            DescribeTrtcUsageResponse::builder()
                .request_id(context.meta.request_id.clone())
                .usage_key(
                    measure
                        .keys()
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

/// One row per day: the day's figures per key, summed over `apps`.
fn daily_rows(
    measure: &Measure,
    apps: &[&str],
    days: &[NaiveDate],
) -> Vec<(NaiveDateTime, Vec<u64>)> {
    days.iter()
        .map(|day| {
            let mut sums = Vec::new();
            for app in apps {
                add(&mut sums, &measure.day(app, *day));
            }
            (day.and_time(chrono::NaiveTime::MIN), sums)
        })
        .collect()
}

/// One row per fine bucket of every day, summed over `apps`.
fn fine_rows(
    measure: &Measure,
    apps: &[&str],
    days: &[NaiveDate],
) -> Vec<(NaiveDateTime, Vec<u64>)> {
    let mut rows: Vec<(NaiveDateTime, Vec<u64>)> = Vec::new();
    for day in days {
        let first = rows.len();
        for app in apps {
            for (i, (start, values)) in measure.buckets(app, *day).into_iter().enumerate() {
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

/// A `UsageList` entry: Beijing `TimeKey`, unix `TimeStampKey`, the values as floats (seconds
/// as minutes; a plain number as it is).
fn usage_entry(
    start: NaiveDateTime,
    values: &[u64],
    unit: Unit,
    offset: FixedOffset,
) -> Result<TrtcUsage, Problem> {
    let per = match unit {
        Unit::Seconds => 60.0,
        Unit::Plain => 1.0,
    };
    let instant = start
        .and_local_timezone(offset)
        .single()
        .ok_or_else(|| Problem::Internal(format!("no instant for {start}")))?;
    build(
        TrtcUsage::builder()
            .time_key(start.format("%Y-%m-%d %H:%M:%S").to_string())
            .time_stamp_key(u64::try_from(instant.timestamp()).ok())
            .usage_value(values.iter().map(|v| *v as f64 / per).collect::<Vec<_>>()),
    )
}
