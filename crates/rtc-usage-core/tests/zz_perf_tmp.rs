mod common;
use common::*;
#[test]
fn perf() {
    let body = tencent_ok_body(31);
    let vbody = format!(r#"{{"ResponseMetadata":{{"RequestId":"x"}},"Result":{{"Usages":[{}]}}}}"#, (0..31).map(|_| r#"{"TimeStamp":"2021-07-24T00:00:00+08:00","Audio":12345,"VideoSDM":1,"VideoSD":2,"VideoHD":3}"#).collect::<Vec<_>>().join(","));
    println!("tencent body {} bytes", body.len());
    for _ in 0..3 {
        let n = 20000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            let out: TencentOutput = rtc_usage_core::envelope::decode(&TENCENT_DESCRIBE, 200, None, body.as_bytes()).unwrap();
            std::hint::black_box(out);
        }
        println!("tencent {:?}/decode", t.elapsed() / n);
        let t = std::time::Instant::now();
        for _ in 0..n {
            let out: VolcOutput = rtc_usage_core::envelope::decode(&VOLC_LIST_USAGES, 200, None, vbody.as_bytes()).unwrap();
            std::hint::black_box(out);
        }
        println!("volc {:?}/decode", t.elapsed() / n);
        let t = std::time::Instant::now();
        for _ in 0..n {
            let out: serde_json::Value = serde_json::from_slice(body.as_bytes()).unwrap();
            std::hint::black_box(out);
        }
        println!("tencent as Value {:?}", t.elapsed() / n);
    }
}
