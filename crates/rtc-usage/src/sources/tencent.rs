//! Tencent's usage operations: float minutes in parallel `UsageKey`/`UsageValue` arrays, per
//! Beijing day, or per 5 minutes when one day is asked. Calls (`DescribeTrtcUsage`), cloud
//! recording (`DescribeRecordingUsage`, per `MixType`) and mix-transcoding
//! (`DescribeMixTranscodingUsage`) answer in the same shape.

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime};
use rtc_usage_core::{BoxFuture, Error, Operation, OperationDescriptor};
use rtc_usage_tencent::describe_recording_usage::MixType;
use rtc_usage_tencent::{
    Client, DescribeMixTranscodingUsage, DescribeMixTranscodingUsageRequest,
    DescribeMixTranscodingUsageResponse, DescribeRecordingUsage, DescribeRecordingUsageRequest,
    DescribeRecordingUsageResponse, DescribeTrtcUsage, DescribeTrtcUsageRequest,
    DescribeTrtcUsageResponse,
};

use super::{Fetched, UsageOperation, calendar, decode_error, native_bucket};
use crate::app::{ALL_APPS, AppId};
use crate::record::{Bucket, Category, Millis, UsageRecord};
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

/// `SdkAppId`: the app's integer id, or none for every app of the account.
fn sdk_app_id(op: &OperationDescriptor, app: &AppId) -> Result<Option<u64>, Error> {
    match app {
        AppId::Id(id) => id
            .parse::<u64>()
            .map(Some)
            .map_err(|_| Error::invalid_input(op, format!("SdkAppId `{id}` is not an integer"))),
        AppId::All => Ok(None),
    }
}

/// The records of a window's answer, each tier name prefixed with `variant/` when one
/// operation is asked once per variant (recording's `MixType`).
fn fetched(
    op: &OperationDescriptor,
    app: &AppId,
    window: DayWindow,
    output: &impl TencentUsage,
    variant: Option<&str>,
) -> Result<Fetched, Error> {
    let label = match app {
        AppId::Id(id) => id.as_str(),
        AppId::All => ALL_APPS,
    };
    let mut records = normalize(label, output, native_bucket(op, window))?;
    if let Some(variant) = variant {
        for record in &mut records {
            record.vendor_tier = format!("{variant}/{}", record.vendor_tier);
        }
    }
    Ok(Fetched {
        records,
        warnings: Vec::new(),
    })
}

pub(crate) struct Tencent;

impl UsageOperation for Tencent {
    type Op = DescribeTrtcUsage;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Tencent;
    const CATEGORY: Category = Category::Call;

    fn request(app: &AppId, window: DayWindow) -> Result<DescribeTrtcUsageRequest, Error> {
        let op = DescribeTrtcUsage::descriptor();
        DescribeTrtcUsageRequest::builder()
            .sdk_app_id(sdk_app_id(op, app)?)
            .start_time(window.first)
            .end_time(super::end_date(op, window))
            .try_into()
            .map_err(|e| super::build_error(op, e))
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
        fetched(DescribeTrtcUsage::descriptor(), app, window, output, None)
    }
}

/// Recording usage of one `MixType`; the facade asks for each, so tiers read `single/HD`,
/// `multi/HD`.
pub(crate) trait MixKind: 'static {
    const MIX_TYPE: &'static str;
}

pub(crate) struct Single;
pub(crate) struct Multi;

impl MixKind for Single {
    const MIX_TYPE: &'static str = "single";
}

impl MixKind for Multi {
    const MIX_TYPE: &'static str = "multi";
}

pub(crate) struct TencentRecording<K>(PhantomData<K>);

impl<K: MixKind> UsageOperation for TencentRecording<K> {
    type Op = DescribeRecordingUsage;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Tencent;
    const CATEGORY: Category = Category::Recording;

    fn request(app: &AppId, window: DayWindow) -> Result<DescribeRecordingUsageRequest, Error> {
        let op = DescribeRecordingUsage::descriptor();
        DescribeRecordingUsageRequest::builder()
            .sdk_app_id(sdk_app_id(op, app)?)
            .mix_type(MixType::from(K::MIX_TYPE))
            .start_time(window.first)
            .end_time(super::end_date(op, window))
            .try_into()
            .map_err(|e| super::build_error(op, e))
    }

    fn send(
        client: Client,
        input: DescribeRecordingUsageRequest,
    ) -> BoxFuture<'static, Result<DescribeRecordingUsageResponse, Error>> {
        Box::pin(async move { client.describe_recording_usage().input(input).send().await })
    }

    fn records(
        app: &AppId,
        window: DayWindow,
        output: &DescribeRecordingUsageResponse,
    ) -> Result<Fetched, Error> {
        let op = DescribeRecordingUsage::descriptor();
        fetched(op, app, window, output, Some(K::MIX_TYPE))
    }
}

pub(crate) struct TencentTranscoding;

impl UsageOperation for TencentTranscoding {
    type Op = DescribeMixTranscodingUsage;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Tencent;
    const CATEGORY: Category = Category::Transcoding;

    fn request(
        app: &AppId,
        window: DayWindow,
    ) -> Result<DescribeMixTranscodingUsageRequest, Error> {
        let op = DescribeMixTranscodingUsage::descriptor();
        DescribeMixTranscodingUsageRequest::builder()
            .sdk_app_id(sdk_app_id(op, app)?)
            .start_time(window.first)
            .end_time(super::end_date(op, window))
            .try_into()
            .map_err(|e| super::build_error(op, e))
    }

    fn send(
        client: Client,
        input: DescribeMixTranscodingUsageRequest,
    ) -> BoxFuture<'static, Result<DescribeMixTranscodingUsageResponse, Error>> {
        Box::pin(async move {
            client
                .describe_mix_transcoding_usage()
                .input(input)
                .send()
                .await
        })
    }

    fn records(
        app: &AppId,
        window: DayWindow,
        output: &DescribeMixTranscodingUsageResponse,
    ) -> Result<Fetched, Error> {
        fetched(
            DescribeMixTranscodingUsage::descriptor(),
            app,
            window,
            output,
            None,
        )
    }
}

/// The shape Tencent's usage answers share: keys, and rows of values by position.
pub trait TencentUsage {
    fn usage_key(&self) -> &[String];
    /// Each row's `TimeKey`, `TimeStampKey` and `UsageValue`.
    fn rows(&self) -> Vec<(&str, Option<u64>, &[f64])>;
}

macro_rules! tencent_usage {
    ($($response:ty),*) => {$(
        impl TencentUsage for $response {
            fn usage_key(&self) -> &[String] {
                &self.usage_key
            }
            fn rows(&self) -> Vec<(&str, Option<u64>, &[f64])> {
                self.usage_list
                    .iter()
                    .map(|u| (u.time_key.as_str(), u.time_stamp_key, u.usage_value.as_slice()))
                    .collect()
            }
        }
    )*};
}

tencent_usage!(
    DescribeTrtcUsageResponse,
    DescribeRecordingUsageResponse,
    DescribeMixTranscodingUsageResponse
);

/// Records of a Tencent usage answer (`DescribeTrtcUsage` and its siblings): `UsageKey` and each `UsageValue` zipped by
/// position (a length mismatch is a decode error, never a silent truncation), minutes × 60,
/// bucket starts from `TimeKey` in Beijing time (or `TimeStampKey` when `TimeKey` is not
/// `YYYY-MM-DD HH:MM:SS`). `bucket` is what the request was answered in (5 minutes for one
/// day, else a day).
pub fn normalize(
    app: &str,
    response: &impl TencentUsage,
    bucket: Bucket,
) -> Result<Vec<UsageRecord>, Error> {
    let op = DescribeTrtcUsage::descriptor();
    let offset = calendar(op);
    let keys = response.usage_key();
    let rows = response.rows();
    let mut records = Vec::with_capacity(rows.len() * keys.len());
    for (index, (time_key, time_stamp_key, values)) in rows.into_iter().enumerate() {
        if values.len() != keys.len() {
            return Err(decode_error(
                op,
                format!(
                    "UsageList[{index}] (TimeKey {time_key:?}) has {} values for {} UsageKey entries; refusing to guess which value is which",
                    values.len(),
                    keys.len()
                ),
            ));
        }
        let start = NaiveDateTime::parse_from_str(time_key, "%Y-%m-%d %H:%M:%S")
            .ok()
            .and_then(|t| t.and_local_timezone(offset).single())
            .or_else(|| {
                time_stamp_key
                    .and_then(|s| i64::try_from(s).ok())
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                    .map(|t| t.with_timezone(&offset))
            })
            .ok_or_else(|| {
                decode_error(
                    op,
                    format!(
                        "UsageList[{index}]: TimeKey {time_key:?} is not `YYYY-MM-DD HH:MM:SS` and there is no TimeStampKey"
                    ),
                )
            })?;
        for (key, minutes) in keys.iter().zip(values) {
            if !minutes.is_finite() {
                return Err(decode_error(
                    op,
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
