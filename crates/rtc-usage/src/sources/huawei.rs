//! Huawei `ListRtcHistoryUsage`: seconds per UTC date, with a `total_duration` to check. One
//! operation for three categories, chosen by `metric`.

use std::marker::PhantomData;

use rtc_usage_core::{BoxFuture, Error};
use rtc_usage_huawei::list_rtc_history_usage::{DESCRIPTOR, Metric};
use rtc_usage_huawei::{
    Client, ListRtcHistoryUsage, ListRtcHistoryUsageRequest, ListRtcHistoryUsageResponse,
};

use super::{Fetched, UsageOperation, app_id, calendar, day_start};
use crate::app::AppId;
use crate::record::{Bucket, Category, Millis, UsageRecord};
use crate::report::Warning;
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

/// The `metric` of one category. `RecordDuration` and `TranscodeDuration` come from the SDK's
/// comment only, and that they answer in the same fields is UNCONFIRMED (the spec's
/// `metric-open-set` note).
pub(crate) trait HuaweiMetric: 'static {
    const METRIC: &'static str;
    const CATEGORY: Category;
}

pub(crate) struct Communication;
pub(crate) struct Recording;
pub(crate) struct Transcoding;

impl HuaweiMetric for Communication {
    const METRIC: &'static str = "CommunicationDuration";
    const CATEGORY: Category = Category::Call;
}

impl HuaweiMetric for Recording {
    const METRIC: &'static str = "RecordDuration";
    const CATEGORY: Category = Category::Recording;
}

impl HuaweiMetric for Transcoding {
    const METRIC: &'static str = "TranscodeDuration";
    const CATEGORY: Category = Category::Transcoding;
}

pub(crate) struct Huawei<M>(PhantomData<M>);

impl<M: HuaweiMetric> UsageOperation for Huawei<M> {
    type Op = ListRtcHistoryUsage;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Huawei;
    const CATEGORY: Category = M::CATEGORY;

    fn request(app: &AppId, window: DayWindow) -> Result<ListRtcHistoryUsageRequest, Error> {
        ListRtcHistoryUsageRequest::builder()
            .app(app_id(&DESCRIPTOR, app)?)
            .metric(Metric::from(M::METRIC))
            .start_date(window.first)
            .end_date(super::end_date(&DESCRIPTOR, window))
            .try_into()
            .map_err(|e| super::build_error(&DESCRIPTOR, e))
    }

    fn send(
        client: Client,
        input: ListRtcHistoryUsageRequest,
    ) -> BoxFuture<'static, Result<ListRtcHistoryUsageResponse, Error>> {
        Box::pin(async move { client.list_rtc_history_usage().input(input).send().await })
    }

    fn records(
        app: &AppId,
        _window: DayWindow,
        output: &ListRtcHistoryUsageResponse,
    ) -> Result<Fetched, Error> {
        let (records, warnings) = normalize(app_id(&DESCRIPTOR, app)?, output);
        Ok(Fetched { records, warnings })
    }
}

/// Records of a `ListRtcHistoryUsage` answer: one per UTC date and tier, seconds as given;
/// plus a warning for each day whose `total_duration` is not the sum of its tiers (the
/// records keep the tiers as sent).
pub fn normalize(
    app: &str,
    response: &ListRtcHistoryUsageResponse,
) -> (Vec<UsageRecord>, Vec<Warning>) {
    let offset = calendar(&DESCRIPTOR);
    let mut records = Vec::with_capacity(response.usage.len() * 4);
    let mut warnings = Vec::new();
    for usage in &response.usage {
        let start = day_start(usage.date, offset);
        let tiers = [
            ("audio", usage.audio),
            ("video_sd", usage.video_sd),
            ("video_hd", usage.video_hd),
            ("video_hdp", usage.video_hdp),
        ];
        let sum = tiers
            .iter()
            .fold(0i64, |sum, (_, s)| sum.saturating_add(*s));
        if sum != usage.total_duration {
            warnings.push(Warning {
                vendor: Vendor::Huawei,
                app: app.to_owned(),
                message: format!(
                    "{}: total_duration is {} s but its tiers add up to {sum} s; the tiers are reported as sent",
                    usage.date, usage.total_duration
                ),
            });
        }
        for (name, seconds) in tiers {
            records.push(UsageRecord::new(
                Vendor::Huawei,
                app,
                start,
                Bucket::Day,
                normalize_tier(Vendor::Huawei, name),
                name,
                Millis::from_seconds(seconds).seconds(),
            ));
        }
    }
    (records, warnings)
}
