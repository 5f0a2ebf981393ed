//! `envelope::decode` of any status and body as a `ListOperationDistribution` answer.
#![no_main]

#[path = "../common/mod.rs"]
#[macro_use]
mod common;

decode_target!(
    rtc_usage_volcengine::list_operation_distribution::DESCRIPTOR,
    rtc_usage_volcengine::ListOperationDistributionResponse
);
