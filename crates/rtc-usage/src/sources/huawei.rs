//! Huawei `ListRtcHistoryUsage`: seconds per UTC date, with a `total_duration` to check.

use chrono::{DateTime, Utc};
use rtc_usage_core::{BoxFuture, Error, OperationDescriptor};
use rtc_usage_huawei::list_rtc_history_usage::{DESCRIPTOR, Metric};
use rtc_usage_huawei::{
    Client, ListRtcHistoryUsage, ListRtcHistoryUsageRequest, ListRtcHistoryUsageResponse,
};

use super::{Fetched, UsageSource, calendar, day_start};
use crate::app::AppId;
use crate::record::{Bucket, Millis, UsageRecord};
use crate::report::Warning;
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

#[derive(Debug, Clone)]
pub(crate) struct Huawei(pub Client);

fn request(app: &AppId, window: DayWindow) -> Result<ListRtcHistoryUsageRequest, Error> {
    let AppId::Id(id) = app else {
        return Err(Error::invalid_input(
            &DESCRIPTOR,
            "ListRtcHistoryUsage needs an app id",
        ));
    };
    ListRtcHistoryUsageRequest::builder()
        .app(id.as_str())
        .metric(Metric::CommunicationDuration)
        .start_date(window.first)
        .end_date(super::end_date(&DESCRIPTOR, window))
        .try_into()
        .map_err(|e| super::build_error(&DESCRIPTOR, e))
}

impl UsageSource for Huawei {
    fn vendor(&self) -> Vendor {
        Vendor::Huawei
    }

    fn descriptor(&self) -> &'static OperationDescriptor {
        &DESCRIPTOR
    }

    fn check(&self, app: &AppId, window: DayWindow, now: DateTime<Utc>) -> Result<(), Error> {
        super::check_input::<ListRtcHistoryUsage>(&request(app, window)?, now)
    }

    fn fetch(&self, app: AppId, window: DayWindow) -> BoxFuture<'static, Result<Fetched, Error>> {
        let client = self.0.clone();
        Box::pin(async move {
            let input = request(&app, window)?;
            let id = input.app.clone();
            let response = client.list_rtc_history_usage().input(input).send().await?;
            let (records, warnings) = normalize(&id, &response);
            Ok(Fetched { records, warnings })
        })
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
