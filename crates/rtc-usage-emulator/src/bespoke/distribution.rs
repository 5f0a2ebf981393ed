//! Volcengine's `ListOperationDistribution`: the distinct users of an app over a range, by
//! province or by country. Not usage: answered from its own model, seeded by the vendor id.

use chrono::NaiveDate;
use rtc_usage::volcengine::ListOperationDistributionResponse;
use rtc_usage::volcengine::list_operation_distribution::{
    DESCRIPTOR, Dimension, Indicator, ListOperationDistributionRequest,
};
use serde_json::{Value, json};

use super::{Bespoke, typed_payload};
use crate::data::{app_size, is_idle, unit_hash};
use crate::limits::{day_offset, local};
use crate::problem::Problem;
use crate::request::Call;

/// The vendor whose apps the distribution counts (its seeds are the vendor id's).
const VENDOR: &str = DESCRIPTOR.vendor;

pub(crate) static BESPOKE: Bespoke = Bespoke {
    op: &DESCRIPTOR,
    check,
    answer,
    truth: |_, _, _| Vec::new(),
};

fn request(fields: &Value) -> Result<ListOperationDistributionRequest, Problem> {
    serde_json::from_value(fields.clone()).map_err(|e| Problem::InvalidParameter(e.to_string()))
}

/// Indicator and Dimension are open sets on the wire; the emulator serves the known ones
/// (the dimension in any case, as the 2023-11-01 SDK spells it `Province`).
fn check(fields: &Value) -> Result<(), Problem> {
    let request = request(fields)?;
    if !request.indicator.is_known() {
        return Err(Problem::InvalidParameter(format!(
            "Indicator `{}` is not supported ({})",
            request.indicator,
            Indicator::KNOWN.join(", ")
        )));
    }
    let dimension = request.dimension.as_str();
    if !Dimension::KNOWN
        .iter()
        .any(|k| k.eq_ignore_ascii_case(dimension))
    {
        return Err(Problem::InvalidParameter(format!(
            "Dimension `{dimension}` is not supported ({})",
            Dimension::KNOWN.join(", ")
        )));
    }
    Ok(())
}

/// The distinct users of the app over the calendar days of `StartTime..=EndTime`.
fn answer(call: &Call, _days: &[NaiveDate], _apps: &[String]) -> Result<Value, Problem> {
    let request = request(&call.fields)?;
    let offset = day_offset(call.op);
    let first = local(request.start_time, offset)?.date();
    let last = local(request.end_time, offset)?.date();
    let rows: Vec<Value> = distribution(&request.app_id, first, last, request.dimension.as_str())
        .into_iter()
        .map(|(name, users, percent)| {
            json!({"DistributionName": name, "Value": users, "Proportion": percent})
        })
        .collect();
    typed_payload::<ListOperationDistributionResponse>(json!({
        "Name": Indicator::UserNum,
        "Dimension": request.dimension,
        "Data": rows,
    }))
}

/// Provinces (一级行政区) and their weights, for `ListOperationDistribution`.
const PROVINCES: &[(&str, f64)] = &[
    ("广东", 12.0),
    ("北京", 10.0),
    ("上海", 9.0),
    ("浙江", 8.0),
    ("江苏", 8.0),
    ("四川", 6.0),
    ("山东", 6.0),
    ("湖北", 5.0),
    ("河南", 5.0),
    ("福建", 4.0),
    ("湖南", 4.0),
    ("陕西", 3.0),
    ("重庆", 3.0),
    ("天津", 2.0),
    ("辽宁", 2.0),
    ("香港", 1.0),
    ("台湾", 1.0),
    ("澳门", 0.3),
];

/// Countries (国家) and their weights.
const COUNTRIES: &[(&str, f64)] = &[
    ("中国", 60.0),
    ("美国", 8.0),
    ("日本", 6.0),
    ("新加坡", 5.0),
    ("韩国", 4.0),
    ("印度尼西亚", 4.0),
    ("马来西亚", 3.0),
    ("泰国", 3.0),
    ("英国", 2.0),
    ("德国", 2.0),
    ("巴西", 2.0),
    ("澳大利亚", 1.0),
];

/// Volcengine's distinct users of `app` over the Beijing days `first..=last`, by province
/// (or by country when `dimension` is `country`, in any case): `(name, users, percent)`,
/// most users first. Empty when every day of the range is idle.
pub fn distribution(
    app: &str,
    first: NaiveDate,
    last: NaiveDate,
    dimension: &str,
) -> Vec<(&'static str, f64, f64)> {
    let active = first
        .iter_days()
        .take_while(|d| *d <= last)
        .take(crate::limits::MAX_DAYS_PER_ANSWER)
        .filter(|d| !is_idle(VENDOR, app, *d))
        .count();
    if active == 0 {
        return Vec::new();
    }
    let regions = if dimension.eq_ignore_ascii_case("country") {
        COUNTRIES
    } else {
        PROVINCES
    };
    let range_key = format!("{first}..{last}");
    let weights: Vec<f64> = regions
        .iter()
        .map(|(name, w)| w * (0.7 + 0.6 * unit_hash(&[VENDOR, app, &range_key, name])))
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let total = app_size(VENDOR, app) * 800.0 * (active as f64).powf(0.6);
    let mut rows: Vec<(&'static str, f64)> = regions
        .iter()
        .zip(&weights)
        .map(|((name, _), w)| (*name, (total * w / weight_sum).round()))
        .filter(|(_, users)| *users > 0.0)
        .collect();
    let users_sum: f64 = rows.iter().map(|(_, u)| u).sum();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.into_iter()
        .map(|(name, users)| (name, users, (users / users_sum * 10_000.0).round() / 100.0))
        .collect()
}
