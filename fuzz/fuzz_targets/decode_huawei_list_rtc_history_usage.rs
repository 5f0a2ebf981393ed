//! `envelope::decode` of any status and body as a `ListRtcHistoryUsage` answer.
#![no_main]

#[path = "../common/mod.rs"]
#[macro_use]
mod common;

decode_target!(
    rtc_usage_huawei::list_rtc_history_usage::DESCRIPTOR,
    rtc_usage_huawei::ListRtcHistoryUsageResponse
);
