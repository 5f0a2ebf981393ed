//! Huawei's `ListRtcHistoryScale`: per UTC day, the metrics asked for (counts, and durations
//! in seconds), derived from the vendor's call seconds of the day. Not usage: answered from
//! its own model.

use chrono::NaiveDate;
use rtc_usage::Vendor;
use rtc_usage::huawei::ListRtcHistoryScaleResponse;
use rtc_usage::huawei::list_rtc_history_scale::{DESCRIPTOR, ListRtcHistoryScaleRequest, Metric};
use rtc_usage_core::usage::Tier;
use serde_json::{Map, Value, json};

use super::{Bespoke, typed_payload};
use crate::data::{Measure, unit_hash};
use crate::problem::Problem;
use crate::request::Call;

pub(crate) static BESPOKE: Bespoke = Bespoke {
    op: &DESCRIPTOR,
    check,
    answer,
    truth: |app, day, variant| {
        let mut all = scale(app, day);
        if let Some(metric) = variant {
            all.retain(|(k, _)| *k == metric);
        }
        all
    },
};

/// The metrics asked for, in the request's order.
fn metrics(fields: &Value) -> Result<Vec<Metric>, Problem> {
    serde_json::from_value::<ListRtcHistoryScaleRequest>(fields.clone())
        .map(|request| request.metric)
        .map_err(|e| Problem::InvalidParameter(e.to_string()))
}

/// Each metric asked for must be one the emulator serves (an open set on the wire).
fn check(fields: &Value) -> Result<(), Problem> {
    for metric in metrics(fields)? {
        if !Metric::KNOWN.contains(&metric.as_str()) {
            return Err(Problem::InvalidParameter(format!(
                "metric `{metric}` is not supported ({})",
                Metric::KNOWN.join(", ")
            )));
        }
    }
    Ok(())
}

/// One `scale[]` entry per day: the date and the metrics asked for, each under its field (the
/// metric in snake case), the others absent.
fn answer(call: &Call, days: &[NaiveDate], _apps: &[String]) -> Result<Value, Problem> {
    let asked = metrics(&call.fields)?;
    let app = call.app.as_deref().unwrap_or_default();
    let entries: Vec<Value> = days
        .iter()
        .map(|day| Value::Object(entry(app, *day, &asked)))
        .collect();
    typed_payload::<ListRtcHistoryScaleResponse>(json!({ "scale": entries }))
}

fn entry(app: &str, day: NaiveDate, asked: &[Metric]) -> Map<String, Value> {
    let mut entry = Map::new();
    entry.insert("date".to_owned(), json!(day));
    for (metric, value) in scale(app, day) {
        if asked.iter().any(|m| m.as_str() == metric) {
            entry.insert(snake_case(metric), json!(value));
        }
    }
    entry
}

/// `MaxOnlineUserCount` → `max_online_user_count`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every `ListRtcHistoryScale` metric of `app` on the UTC `day`, in the spec's order ([`Metric::KNOWN`]).
/// The durations are the day's call seconds ([`crate::truth`]: the total, its video tiers,
/// its audio tier); the counts follow from them (sessions of 15 to 45 minutes, users, rooms of 2 to 5
/// users, a peak of 2 to 4 times the mean concurrency); an idle day is all zero.
pub(crate) fn scale(app: &str, day: NaiveDate) -> Vec<(&'static str, u64)> {
    let Some(measure) = Vendor::get(DESCRIPTOR.vendor).and_then(Measure::calls) else {
        return Vec::new();
    };
    let calls = measure.day(app, day);
    let total: u64 = calls.iter().map(|(_, s)| s).sum();
    // The audio seconds: the call operation's tiers of the common tier `audio`.
    let audio: u64 = calls
        .iter()
        .filter(|(k, _)| measure.spec.tier(k) == Tier::Audio)
        .map(|(_, s)| *s)
        .sum();
    let day_key = day.to_string();
    let seed = format!("{}/scale", DESCRIPTOR.vendor);
    let h = |what: &str| unit_hash(&[&seed, app, &day_key, what]);
    let counts = if total == 0 {
        [0; 5]
    } else {
        let sessions = (total as f64 / (900.0 + 1_800.0 * h("session"))).ceil();
        let users = (sessions * (0.55 + 0.3 * h("users"))).ceil();
        let rooms = (users / (2.0 + 3.0 * h("rooms"))).ceil();
        let peak_users = (total as f64 / 86_400.0 * (2.0 + 2.0 * h("peak"))).ceil();
        let peak_rooms = (peak_users / (2.0 + 3.0 * h("peak rooms")))
            .ceil()
            .min(rooms);
        [sessions, users, rooms, peak_users, peak_rooms].map(|n| n.max(1.0) as u64)
    };
    let [sessions, users, rooms, peak_users, peak_rooms] = counts;
    let values = [
        users,
        sessions,
        rooms,
        peak_users,
        peak_rooms,
        total,
        total - audio,
        audio,
    ];
    Metric::KNOWN.iter().copied().zip(values).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scale_metric_has_its_field() {
        let day: NaiveDate = "2026-11-02".parse().unwrap();
        let all: Vec<Metric> = Metric::KNOWN
            .iter()
            .map(|m| serde_json::from_value(json!(m)).unwrap())
            .collect();
        let full = entry("app", day, &all);
        let typed: rtc_usage::huawei::list_rtc_history_scale::RtcHistoryScale =
            serde_json::from_value(Value::Object(full)).unwrap();
        let json = serde_json::to_value(&typed).unwrap();
        assert_eq!(
            json.as_object().unwrap().len(),
            1 + Metric::KNOWN.len(),
            "{json}"
        );
        assert_eq!(snake_case("MaxOnlineUserCount"), "max_online_user_count");
        let one = entry("app", day, &[Metric::RoomCount]);
        assert!(one.contains_key("room_count") && !one.contains_key("user_count"));
    }
}
