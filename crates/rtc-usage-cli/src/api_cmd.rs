//! `rtc-usage api`: one call of any operation in the specs, through the generated `API` table
//! of its vendor crate (so a new spec is callable here without code), or `--list` of them all.
//!
//! The input is checked like a typed call (parameter names, required fields, types, the spec's
//! enforced limits) before credentials are looked at or anything is sent; then the call is
//! signed, paced and retried like every other, and the vendor's payload is printed as JSON.

use std::io::Write;

use rtc_usage::Vendor;
use rtc_usage::core::api::{self, ApiOperation};
use rtc_usage::core::descriptor::{Enforcement, Location, OperationDescriptor};
use rtc_usage::core::{Error, ErrorKind};
use serde_json::Value;

use crate::cli::ApiArgs;
use crate::clients;
use crate::emulated;
use crate::exit::ExitError;

pub async fn run(args: ApiArgs) -> Result<(), ExitError> {
    if args.list {
        return list(args.vendor);
    }
    let (Some(vendor), Some(name)) = (args.vendor, args.operation.as_deref()) else {
        return Err(ExitError::bad_input(
            "name a VENDOR and an OPERATION, or pass --list",
        ));
    };
    let table = clients::api_table(vendor);
    let op = api::find(table, name, args.version.as_deref())
        .map_err(|e| ExitError::bad_input(format!("{vendor}: {e}")))?;
    let body = args.body.as_deref().map(read_body).transpose()?;
    let input = crate::api_input::input(op, body, &args.params).map_err(refused)?;
    op.check_input(&input, chrono::Utc::now())
        .map_err(refused)?;

    let (emulator, target) = emulated::open(
        &args.source,
        None,
        |v| v == vendor,
        |_| format!("the call goes to {vendor}"),
    )
    .await?;
    let for_what = format!("rtc-usage api {vendor}");
    let answer = match clients::core_client(vendor, op.descriptor, &target, &for_what) {
        Ok(client) => Ok(op.invoke(&client, input).await),
        Err(e) => Err(e),
    };
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    match answer? {
        Ok(payload) => print_json(&payload),
        Err(e) => Err(refused(e)),
    }
}

/// A call's error with its exit status: refused locally (bad input) exits 2, anything the
/// vendor or the network did exits 1.
fn refused(error: Error) -> ExitError {
    if error.kind() == ErrorKind::InvalidInput {
        ExitError::bad_input(error.to_string())
    } else {
        ExitError::failed(error.to_string())
    }
}

/// `--body JSON`, or `--body @FILE`.
fn read_body(text: &str) -> Result<Value, ExitError> {
    let (text, from) = match text.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| {
                ExitError::bad_input(format!("--body @{path}: cannot read it: {e}"))
            })?,
            format!(" (from {path})"),
        ),
        None => (text.to_owned(), String::new()),
    };
    serde_json::from_str(&text)
        .map_err(|e| ExitError::bad_input(format!("--body{from}: not JSON: {e}")))
}

fn print_json(value: &Value) -> Result<(), ExitError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| ExitError::failed(format!("could not print the answer: {e}")))?;
    text.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| ExitError::failed(format!("could not write the answer: {e}")))
}

/// `--list`: one row per operation of every vendor (or of `only`), from the generated tables.
fn list(only: Option<Vendor>) -> Result<(), ExitError> {
    const HEADER: [&str; 7] = [
        "VENDOR",
        "OPERATION",
        "VERSION",
        "REQUEST",
        "RATE LIMIT",
        "MAX SPAN",
        "LOOK-BACK",
    ];
    let mut rows: Vec<[String; 7]> = Vec::new();
    for vendor in Vendor::all() {
        if only.is_some_and(|v| v != vendor) {
            continue;
        }
        for op in clients::api_table(vendor) {
            rows.push(row(vendor, op));
        }
    }
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = HEADER.map(str::to_owned);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = width - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| ExitError::failed(format!("could not write the list: {e}")))
}

fn row(vendor: Vendor, op: &ApiOperation) -> [String; 7] {
    let d = op.descriptor;
    [
        vendor.to_string(),
        d.name.to_owned(),
        d.version.to_owned(),
        request_line(d),
        d.limits.rate.map_or_else(
            || "-".to_owned(),
            |r| {
                let per = r.per.as_secs();
                match per {
                    1 => format!("{}/s", r.requests),
                    60 => format!("{}/min", r.requests),
                    n => format!("{}/{n}s", r.requests),
                }
            },
        ),
        d.limits
            .span
            .map_or_else(|| "-".to_owned(), |s| limit(s.max_days, s.enforcement)),
        d.limits
            .lookback
            .map_or_else(|| "-".to_owned(), |l| limit(l.max_days, l.enforcement)),
    ]
}

/// `POST /?Action=ListUsages&Version=2020-12-01`: the method, the path template and the
/// spec's constant query parameters.
fn request_line(d: &OperationDescriptor) -> String {
    let query: Vec<String> = d
        .constants
        .iter()
        .filter(|c| c.location == Location::Query)
        .map(|c| format!("{}={}", c.name, c.value))
        .collect();
    if query.is_empty() {
        format!("{} {}", d.method, d.path)
    } else {
        format!("{} {}?{}", d.method, d.path, query.join("&"))
    }
}

fn limit(days: u32, enforcement: Enforcement) -> String {
    match enforcement {
        Enforcement::Enforced => format!("{days} days (enforced)"),
        Enforcement::Advisory => format!("{days} days (unconfirmed)"),
    }
}
