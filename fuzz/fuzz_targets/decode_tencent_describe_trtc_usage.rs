//! `envelope::decode` of any status and body as a `DescribeTrtcUsage` answer.
#![no_main]

#[path = "../common/mod.rs"]
#[macro_use]
mod common;

decode_target!(
    rtc_usage_tencent::describe_trtc_usage::DESCRIPTOR,
    rtc_usage_tencent::DescribeTrtcUsageResponse
);
