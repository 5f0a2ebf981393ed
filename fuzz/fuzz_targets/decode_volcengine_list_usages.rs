//! `envelope::decode` of any status and body as a `ListUsages` answer.
#![no_main]

#[path = "../common/mod.rs"]
#[macro_use]
mod common;

decode_target!(
    rtc_usage_volcengine::list_usages::DESCRIPTOR,
    rtc_usage_volcengine::ListUsagesResponse
);
