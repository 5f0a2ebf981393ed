//! Tencent's parallel arrays (`UsageKey` × each `UsageValue`) normalized into records, for any
//! `DescribeTrtcUsage` answer that decodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtc_usage::Bucket;
use rtc_usage_tencent::DescribeTrtcUsageResponse;

fuzz_target!(|data: &[u8]| {
    let Ok(response) = serde_json::from_slice::<DescribeTrtcUsageResponse>(data) else {
        return;
    };
    for bucket in [Bucket::Day, Bucket::Minutes(5)] {
        match rtc_usage::normalize::tencent("1400000001", &response, bucket) {
            Ok(records) => {
                // One record per key and bucket: nothing dropped, nothing invented.
                assert_eq!(
                    records.len(),
                    response.usage_key.len() * response.usage_list.len()
                );
                for record in &records {
                    assert!(record.seconds.is_finite(), "{record:?}");
                    assert_eq!(record.granularity, bucket);
                }
            }
            Err(error) => {
                let _ = (error.to_string(), format!("{error:?}"));
            }
        }
    }
});
