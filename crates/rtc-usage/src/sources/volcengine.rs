//! Volcengine `ListUsages`: whole minutes per Beijing day, RFC 3339 bucket starts.

use chrono::{DateTime, Utc};
use rtc_usage_core::{BoxFuture, Error, OperationDescriptor};
use rtc_usage_volcengine::list_usages::DESCRIPTOR;
use rtc_usage_volcengine::{Client, ListUsages, ListUsagesRequest, ListUsagesResponse};

use super::{Fetched, UsageSource, calendar, day_last_second, day_start};
use crate::app::AppId;
use crate::record::{Bucket, Millis, UsageRecord};
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

#[derive(Debug, Clone)]
pub(crate) struct Volcengine(pub Client);

fn request(app: &AppId, window: DayWindow) -> Result<ListUsagesRequest, Error> {
    let AppId::Id(id) = app else {
        return Err(Error::invalid_input(
            &DESCRIPTOR,
            "ListUsages needs an app id",
        ));
    };
    let offset = calendar(&DESCRIPTOR);
    ListUsagesRequest::builder()
        .app_id(id.as_str())
        .start_time(day_start(window.first, offset))
        .end_time(day_last_second(window.last, offset))
        .try_into()
        .map_err(|e| super::build_error(&DESCRIPTOR, e))
}

impl UsageSource for Volcengine {
    fn vendor(&self) -> Vendor {
        Vendor::Volcengine
    }

    fn descriptor(&self) -> &'static OperationDescriptor {
        &DESCRIPTOR
    }

    fn check(&self, app: &AppId, window: DayWindow, now: DateTime<Utc>) -> Result<(), Error> {
        super::check_input::<ListUsages>(&request(app, window)?, now)
    }

    fn fetch(&self, app: AppId, window: DayWindow) -> BoxFuture<'static, Result<Fetched, Error>> {
        let client = self.0.clone();
        Box::pin(async move {
            let input = request(&app, window)?;
            let id = input.app_id.clone();
            let response = client.list_usages().input(input).send().await?;
            Ok(Fetched {
                records: normalize(&id, &response),
                warnings: Vec::new(),
            })
        })
    }
}

/// Records of a `ListUsages` answer: one per day and tier, whole minutes × 60, bucket starts
/// in Beijing time.
pub fn normalize(app: &str, response: &ListUsagesResponse) -> Vec<UsageRecord> {
    let offset = calendar(&DESCRIPTOR);
    let mut records = Vec::with_capacity(response.usages.len() * 4);
    for usage in &response.usages {
        let start = usage.time_stamp.with_timezone(&offset);
        for (name, minutes) in [
            ("Audio", usage.audio),
            ("VideoSDM", usage.video_sdm),
            ("VideoSD", usage.video_sd),
            ("VideoHD", usage.video_hd),
        ] {
            records.push(UsageRecord::new(
                Vendor::Volcengine,
                app,
                start,
                Bucket::Day,
                normalize_tier(Vendor::Volcengine, name),
                name,
                Millis::from_whole_minutes(minutes).seconds(),
            ));
        }
    }
    records
}
