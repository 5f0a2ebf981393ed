//! Tencent's `DescribeRelayUsage`: DescribeTrtcUsage's answer shape (the specs give the two
//! the same response) with one key, `Bandwidth`, whose unit no source states. Its spec has no
//! `usage:` block (the facade does not read it), so the emulator supplies one: TRTC usage's,
//! with that one tier and its figures answered as they are (plain numbers, as floats).

use rtc_usage_core::OperationDescriptor;
use rtc_usage_core::usage::{Tier, TierName, Unit, UsageSpec};

/// The operations answered with [`USAGE`].
pub(crate) static OPERATIONS: [&OperationDescriptor; 1] =
    [&rtc_usage::tencent::describe_relay_usage::DESCRIPTOR];

/// The answer read as usage: DescribeTrtcUsage's layout, app parameter and times; a figure
/// "in seconds", not whole, is the number as it is.
pub(crate) static USAGE: UsageSpec = UsageSpec {
    unit: Unit::Seconds,
    whole: false,
    tiers: &[TierName {
        name: "Bandwidth",
        tier: Tier::Other,
    }],
    facade: false,
    ..rtc_usage::tencent::describe_trtc_usage::USAGE
};
