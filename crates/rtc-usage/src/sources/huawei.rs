//! Huawei `ListRtcHistoryUsage`: seconds per UTC date, with a `total_duration` to check.

use rtc_usage_core::{BoxFuture, Error};
use rtc_usage_huawei::list_rtc_history_usage::{DESCRIPTOR, Metric};
use rtc_usage_huawei::{
    Client, ListRtcHistoryUsage, ListRtcHistoryUsageRequest, ListRtcHistoryUsageResponse,
};

use super::{Fetched, UsageOperation, app_id, calendar, day_start};
use crate::app::AppId;
use crate::record::{Bucket, Millis, UsageRecord};
use crate::report::Warning;
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

pub(crate) struct Huawei;

impl UsageOperation for Huawei {
    type Op = ListRtcHistoryUsage;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Huawei;

    fn request(app: &AppId, window: DayWindow) -> Result<ListRtcHistoryUsageRequest, Error> {
        ListRtcHistoryUsageRequest::builder()
            .app(app_id(&DESCRIPTOR, app)?)
            .metric(Metric::CommunicationDuration)
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
