//! Tencent `DescribeTrtcUsage`: float minutes in parallel `UsageKey`/`UsageValue` arrays, per
//! Beijing day, or per 5 minutes when one day is asked.

use chrono::{DateTime, NaiveDateTime};
use rtc_usage_core::{BoxFuture, Error};
use rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR;
use rtc_usage_tencent::{
    Client, DescribeTrtcUsage, DescribeTrtcUsageRequest, DescribeTrtcUsageResponse,
};

use super::{Fetched, UsageOperation, calendar, decode_error, native_bucket};
use crate::app::{ALL_APPS, AppId};
use crate::record::{Bucket, Millis, UsageRecord};
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

pub(crate) struct Tencent;

impl UsageOperation for Tencent {
    type Op = DescribeTrtcUsage;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Tencent;

    fn request(app: &AppId, window: DayWindow) -> Result<DescribeTrtcUsageRequest, Error> {
        let sdk_app_id = match app {
            AppId::Id(id) => Some(id.parse::<u64>().map_err(|_| {
                Error::invalid_input(&DESCRIPTOR, format!("SdkAppId `{id}` is not an integer"))
            })?),
            AppId::All => None,
        };
        DescribeTrtcUsageRequest::builder()
            .sdk_app_id(sdk_app_id)
            .start_time(window.first)
            .end_time(super::end_date(&DESCRIPTOR, window))
            .try_into()
            .map_err(|e| super::build_error(&DESCRIPTOR, e))
    }

    fn send(
        client: Client,
        input: DescribeTrtcUsageRequest,
    ) -> BoxFuture<'static, Result<DescribeTrtcUsageResponse, Error>> {
        Box::pin(async move { client.describe_trtc_usage().input(input).send().await })
    }

    fn records(
        app: &AppId,
        window: DayWindow,
        output: &DescribeTrtcUsageResponse,
    ) -> Result<Fetched, Error> {
        let label = match app {
            AppId::Id(id) => id.as_str(),
            AppId::All => ALL_APPS,
        };
        Ok(Fetched {
            records: normalize(label, output, native_bucket(&DESCRIPTOR, window))?,
            warnings: Vec::new(),
        })
    }
}

/// Records of a `DescribeTrtcUsage` answer: `UsageKey` and each `UsageValue` zipped by
/// position (a length mismatch is a decode error, never a silent truncation), minutes × 60,
/// bucket starts from `TimeKey` in Beijing time (or `TimeStampKey` when `TimeKey` is not
/// `YYYY-MM-DD HH:MM:SS`). `bucket` is what the request was answered in (5 minutes for one
/// day, else a day).
pub fn normalize(
    app: &str,
    response: &DescribeTrtcUsageResponse,
    bucket: Bucket,
) -> Result<Vec<UsageRecord>, Error> {
    let offset = calendar(&DESCRIPTOR);
    let keys = &response.usage_key;
    let mut records = Vec::with_capacity(response.usage_list.len() * keys.len());
    for (index, usage) in response.usage_list.iter().enumerate() {
        if usage.usage_value.len() != keys.len() {
            return Err(decode_error(
                &DESCRIPTOR,
                format!(
                    "UsageList[{index}] (TimeKey {:?}) has {} values for {} UsageKey entries; refusing to guess which value is which",
                    usage.time_key,
                    usage.usage_value.len(),
                    keys.len()
                ),
            ));
        }
        let start = NaiveDateTime::parse_from_str(&usage.time_key, "%Y-%m-%d %H:%M:%S")
            .ok()
            .and_then(|t| t.and_local_timezone(offset).single())
            .or_else(|| {
                usage
                    .time_stamp_key
                    .and_then(|s| i64::try_from(s).ok())
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                    .map(|t| t.with_timezone(&offset))
            })
            .ok_or_else(|| {
                decode_error(
                    &DESCRIPTOR,
                    format!(
                        "UsageList[{index}]: TimeKey {:?} is not `YYYY-MM-DD HH:MM:SS` and there is no TimeStampKey",
                        usage.time_key
                    ),
                )
            })?;
        for (key, minutes) in keys.iter().zip(&usage.usage_value) {
            if !minutes.is_finite() {
                return Err(decode_error(
                    &DESCRIPTOR,
                    format!("UsageList[{index}]: the value of {key} is not a number"),
                ));
            }
            records.push(UsageRecord::new(
                Vendor::Tencent,
                app,
                start,
                bucket,
                normalize_tier(Vendor::Tencent, key),
                key.as_str(),
                Millis::from_minutes(*minutes).seconds(),
            ));
        }
    }
    Ok(records)
}
