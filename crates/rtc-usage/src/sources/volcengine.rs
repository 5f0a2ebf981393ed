//! Volcengine `ListUsages`: whole minutes per Beijing day, RFC 3339 bucket starts.

use rtc_usage_core::{BoxFuture, Error};
use rtc_usage_volcengine::list_usages::DESCRIPTOR;
use rtc_usage_volcengine::{Client, ListUsages, ListUsagesRequest, ListUsagesResponse};

use super::{Fetched, UsageOperation, app_id, calendar, day_last_second, day_start};
use crate::app::AppId;
use crate::record::{Bucket, Category, Millis, UsageRecord};
use crate::tiers::normalize_tier;
use crate::vendor::Vendor;
use crate::window::DayWindow;

pub(crate) struct Volcengine;

impl UsageOperation for Volcengine {
    type Op = ListUsages;
    type Client = Client;
    const VENDOR: Vendor = Vendor::Volcengine;
    const CATEGORY: Category = Category::Call;

    fn request(app: &AppId, window: DayWindow) -> Result<ListUsagesRequest, Error> {
        let offset = calendar(&DESCRIPTOR);
        ListUsagesRequest::builder()
            .app_id(app_id(&DESCRIPTOR, app)?)
            .start_time(day_start(window.first, offset))
            .end_time(day_last_second(window.last, offset))
            .try_into()
            .map_err(|e| super::build_error(&DESCRIPTOR, e))
    }

    fn send(
        client: Client,
        input: ListUsagesRequest,
    ) -> BoxFuture<'static, Result<ListUsagesResponse, Error>> {
        Box::pin(async move { client.list_usages().input(input).send().await })
    }

    fn records(
        app: &AppId,
        _window: DayWindow,
        output: &ListUsagesResponse,
    ) -> Result<Fetched, Error> {
        Ok(Fetched {
            records: normalize(app_id(&DESCRIPTOR, app)?, output),
            warnings: Vec::new(),
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
