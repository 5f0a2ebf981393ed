//! Agora's `ListProjects`: one project per demo app of the account, its App ID (`vendor_key`)
//! and the project id the usage operation takes ([`crate::demo_app_key`]), plus the facts a
//! project has (name, status, creation time) and a made-up App Certificate (`sign_key`), the
//! secret a client must never show. Not usage: answered from the apps alone.

use chrono::NaiveDate;
use rtc_usage::agora::ListProjectsResponse;
use rtc_usage::agora::list_projects::DESCRIPTOR;
use serde_json::{Value, json};

use super::{Bespoke, typed_payload};
use crate::data::splitmix64;
use crate::demo::demo_app_key;
use crate::problem::Problem;
use crate::request::Call;

pub(crate) static BESPOKE: Bespoke = Bespoke {
    op: &DESCRIPTOR,
    check: |_| Ok(()),
    answer,
    truth: |_, _, _| Vec::new(),
};

/// The made-up App Certificate of `app`: 32 hex digits, marked so that a test finds it
/// wherever it leaks (`emu5ec7e7` is in every one).
pub(crate) fn sign_key(app: &str) -> String {
    let h = app
        .bytes()
        .fold(0x5ec7_u64, |h, b| splitmix64(h ^ u64::from(b)));
    format!(
        "e0005ec7e7{:016x}{:06x}",
        splitmix64(h),
        splitmix64(!h) & 0xff_ffff
    )
}

fn answer(call: &Call, _days: &[NaiveDate], apps: &[String]) -> Result<Value, Problem> {
    let vendor = call.op.vendor;
    let rows: Vec<Value> = apps
        .iter()
        .enumerate()
        .map(|(i, app)| {
            json!({
                "id": demo_app_key(vendor, app),
                "name": format!("demo-project-{}", i + 1),
                "vendor_key": app,
                "recording_server": null,
                "status": 1,
                "created": 1_700_000_000 + i as i64,
            })
        })
        .collect();
    // Checked against the generated type (which has no `sign_key`: a secret), then the secret
    // is added as Agora sends it.
    let mut payload = typed_payload::<ListProjectsResponse>(json!({ "projects": rows }))?;
    if let Some(Value::Array(projects)) = payload.get_mut("projects") {
        for (project, app) in projects.iter_mut().zip(apps) {
            if let Value::Object(fields) = project {
                fields.insert("sign_key".to_owned(), Value::String(sign_key(app)));
            }
        }
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_keys_are_32_hex_digits_and_distinct() {
        let (a, b) = (sign_key("app-1"), sign_key("app-2"));
        assert_eq!(a.len(), 32, "{a}");
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert!(a.contains("5ec7e7") && a != b);
    }
}
