//! The one table from each vendor's tier names to the common tiers.
//!
//! From `vendor-facts.md` ("Billing tiers side by side"). Mind the trap: Volcengine's
//! `VideoSD` is 720p and its `VideoHD` 1080p; Huawei's `video_hdp` (UHD) is read as 1080p.

use crate::record::Tier;
use crate::vendor::Vendor;

/// (vendor, vendor tier, common tier). Tencent's recording answers use its call names;
/// its mix-transcoding answers name the codec too (`HDH264`, `HDH265`: both `hd`).
pub const TIER_TABLE: &[(Vendor, &str, Tier)] = &[
    (Vendor::Volcengine, "Audio", Tier::Audio),
    (Vendor::Volcengine, "VideoSDM", Tier::Sd),
    (Vendor::Volcengine, "VideoSD", Tier::Hd),
    (Vendor::Volcengine, "VideoHD", Tier::Fhd),
    (Vendor::Tencent, "Audio", Tier::Audio),
    (Vendor::Tencent, "SD", Tier::Sd),
    (Vendor::Tencent, "HD", Tier::Hd),
    (Vendor::Tencent, "FullHD", Tier::Fhd),
    (Vendor::Tencent, "2K", Tier::TwoK),
    (Vendor::Tencent, "4K", Tier::FourK),
    (Vendor::Tencent, "SDH264", Tier::Sd),
    (Vendor::Tencent, "HDH264", Tier::Hd),
    (Vendor::Tencent, "FullHDH264", Tier::Fhd),
    (Vendor::Tencent, "2KH264", Tier::TwoK),
    (Vendor::Tencent, "4KH264", Tier::FourK),
    (Vendor::Tencent, "SDH265", Tier::Sd),
    (Vendor::Tencent, "HDH265", Tier::Hd),
    (Vendor::Tencent, "FullHDH265", Tier::Fhd),
    (Vendor::Tencent, "2KH265", Tier::TwoK),
    (Vendor::Tencent, "4KH265", Tier::FourK),
    (Vendor::Huawei, "audio", Tier::Audio),
    (Vendor::Huawei, "video_sd", Tier::Sd),
    (Vendor::Huawei, "video_hd", Tier::Hd),
    (Vendor::Huawei, "video_hdp", Tier::Fhd),
];

/// The common tier of `vendor_tier`; [`Tier::Other`] for a name the table does not know
/// (Tencent's keys are data and may grow).
pub fn normalize_tier(vendor: Vendor, vendor_tier: &str) -> Tier {
    // A recording variant keeps its MixType in front: `single/HD`.
    let vendor_tier = vendor_tier.rsplit('/').next().unwrap_or(vendor_tier);
    TIER_TABLE
        .iter()
        .find(|(v, name, _)| *v == vendor && *name == vendor_tier)
        .map_or(Tier::Other, |(_, _, tier)| *tier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volcengine_names_are_one_step_below_their_tier() {
        assert_eq!(normalize_tier(Vendor::Volcengine, "VideoSD"), Tier::Hd);
        assert_eq!(normalize_tier(Vendor::Volcengine, "VideoHD"), Tier::Fhd);
        assert_eq!(normalize_tier(Vendor::Tencent, "HD"), Tier::Hd);
        assert_eq!(normalize_tier(Vendor::Tencent, "8K"), Tier::Other);
        assert_eq!(normalize_tier(Vendor::Huawei, "Audio"), Tier::Other);
        assert_eq!(normalize_tier(Vendor::Tencent, "FullHDH265"), Tier::Fhd);
        assert_eq!(normalize_tier(Vendor::Tencent, "multi/2K"), Tier::TwoK);
    }
}
