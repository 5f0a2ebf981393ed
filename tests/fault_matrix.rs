//! The fault matrix: every case of `faults::CASES` (throttling, 5xx, HTML pages, bad bodies,
//! bounds, timeouts, refused and reset connections, clock skew) against every operation of
//! every vendor of the registry, through the generated clients.
//!
//! One test per case, named after it; each runs the case against every operation (`faults::OPS`) at once
//! and reports every cell that went wrong, not only the first.

mod faults;

use faults::*;
use rtc_usage_core::{Error, ErrorKind};
use serde_json::Value;

/// Cells where the runtime is known to be wrong: (case, operation, what goes wrong). Each is
/// checked to still go wrong, so a fix shows up as a failure asking to remove its entry.
const KNOWN_BROKEN: &[(&str, &str, &str)] = &[
    // Empty: the three defects this matrix found (a JSON array read as an empty answer, a
    // Huawei error with a 2xx status read as success, unbounded serde messages) are fixed in
    // rtc-usage-core's envelope and error modules.
];

macro_rules! rows {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                check_row(stringify!($name)).await;
            }
        )*

        /// Every row of the table has its test, in the table's order.
        #[test]
        fn every_case_has_a_test() {
            let tested = [$(stringify!($name)),*];
            let cases: Vec<&str> = CASES.iter().map(|c| c.name).collect();
            assert_eq!(tested.to_vec(), cases);
        }
    };
}

rows!(
    throttled_then_ok,
    throttled_forever,
    throttled_asking_to_wait_then_ok,
    throttled_asking_to_wait_an_hour,
    throttling_body_with_http_200,
    vendor_internal_error_then_ok,
    http_500_then_ok,
    http_502_then_ok,
    http_503_twice_then_ok,
    html_error_page_502_forever,
    html_page_with_200,
    empty_200,
    truncated_json,
    wrong_shape_string_payload,
    wrong_shape_array_payload,
    wrong_shape_list_is_a_string,
    wrong_shape_long_string_not_quoted_whole,
    unknown_fields_accepted,
    missing_optional_fields_accepted,
    missing_required_field,
    body_over_the_bound_announced,
    body_over_the_bound_chunked_and_stalling,
    slow_server,
    body_trickles,
    connection_refused,
    connection_reset,
    body_cut_off,
    clock_skew,
);

/// The matrix covers every operation of the registry (each has a fixture), the nine it was
/// written for among them.
#[test]
fn every_registry_operation_is_in_the_matrix() {
    let missing: Vec<String> = registry_operations()
        .filter(|(_, op)| fixture(op).is_none())
        .map(|(entry, op)| format!("{} {}@{}", entry.id(), op.name, op.version))
        .collect();
    assert!(
        missing.is_empty(),
        "no fixture in faults::FIXTURES for {}",
        missing.join(", ")
    );
    assert_eq!(OPS.len(), registry_operations().count());
    let covered: Vec<(&str, &str)> = OPS.iter().map(|op| (op.vendor.id, op.name)).collect();
    for expected in [
        ("volcengine", "ListUsages"),
        ("volcengine", "ListOperationDistribution"),
        ("volcengine", "ListUsages@2023-11-01"),
        ("tencent", "DescribeTrtcUsage"),
        ("tencent", "DescribeRecordingUsage"),
        ("tencent", "DescribeMixTranscodingUsage"),
        ("tencent", "DescribeRelayUsage"),
        ("huawei", "ListRtcHistoryUsage"),
        ("huawei", "ListRtcHistoryScale"),
    ] {
        assert!(
            covered.contains(&expected),
            "{expected:?} is not in the matrix"
        );
    }
}

/// Runs one row against every operation at once and checks every cell.
async fn check_row(name: &str) {
    let case = case_named(name);
    let cells = run_row(case, &plain_credentials()).await;
    assert_eq!(cells.len(), OPS.len());
    let mut problems = Vec::new();
    for cell in cells {
        // Shown with `--nocapture`: what each cell produced.
        match &cell.result {
            Some(Ok(out)) => println!("{}: ok {}", cell.label(), short(&out.to_string())),
            Some(Err(e)) => println!("{}: {}", cell.label(), short(&e.to_string())),
            None => println!("{}: not applicable", cell.label()),
        }
        let known = KNOWN_BROKEN
            .iter()
            .find(|(c, o, _)| *c == case.name && *o == cell.op.name);
        match (verdict(&cell), known) {
            (Ok(()), None) => {}
            (Err(problem), None) => problems.push(format!("{}: {problem}", cell.label())),
            (Err(problem), Some((_, _, what))) => {
                eprintln!("known broken, {}: {what} ({problem})", cell.label());
            }
            (Ok(()), Some(_)) => problems.push(format!(
                "{}: passes now; remove it from KNOWN_BROKEN",
                cell.label()
            )),
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Whether a cell's outcome is what its case expects.
fn verdict(cell: &Cell) -> Result<(), String> {
    let op = cell.op;
    let Some(result) = &cell.result else {
        // The clock-skew row may not apply, only to a vendor whose spec maps no code to
        // ClockSkew (so that a spec adding one makes this row demand its answer).
        let maps_skew = op
            .descriptor
            .error_rules()
            .any(|rule| rule.kind == ErrorKind::ClockSkew);
        // Likewise the missing-field row, only for an answer whose spec requires no field.
        // And the throttling-with-200 row, for a shape whose errors are their status.
        let status_errors = op.descriptor.envelope == rtc_usage_core::Envelope::AgoraPlain;
        return if (cell.case.name == "clock_skew" && !maps_skew)
            || (cell.case.name == "missing_required_field" && op.required.is_none())
            || (cell.case.name == "throttling_body_with_http_200" && status_errors)
        {
            Ok(())
        } else {
            Err("not run: the vendor has no answer for this case".into())
        };
    };
    match (&cell.case.expect, result) {
        (
            Expect::Ok {
                requests,
                value,
                waits,
            },
            Ok(out),
        ) => {
            expect_requests(cell, *requests)?;
            if cell.took < *waits {
                return Err(format!(
                    "took {:?}, less than the {waits:?} the server asked to wait",
                    cell.took
                ));
            }
            check_output(op, *value, out)
        }
        (
            Expect::Err {
                kind,
                attempts,
                mentions,
            },
            Err(error),
        ) => check_error(cell, error, *kind, *attempts, mentions),
        (Expect::Ok { .. }, Err(error)) => Err(format!(
            "expected success, got: {}",
            short(&error.to_string())
        )),
        (Expect::Err { kind, .. }, Ok(out)) => Err(format!(
            "expected a {kind:?} error, got success: {}",
            short(&out.to_string())
        )),
    }
}

fn expect_requests(cell: &Cell, expected: usize) -> Result<(), String> {
    match cell.requests {
        Some(n) if n != expected => Err(format!(
            "the server saw {n} requests (or connections), expected {expected}"
        )),
        _ => Ok(()),
    }
}

fn check_output(op: &Op, expected: Expected, out: &Value) -> Result<(), String> {
    let ok = match expected {
        Expected::Full => *out == (op.full)(),
        Expected::Minimal => is_subset(&(op.minimal)(), out),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "decoded {}, expected {expected:?}",
            short(&out.to_string())
        ))
    }
}

/// Every member of `part` is in `whole` with the same value (arrays item by item).
fn is_subset(part: &Value, whole: &Value) -> bool {
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .all(|(k, v)| w.get(k).is_some_and(|wv| is_subset(v, wv))),
        (Value::Array(p), Value::Array(w)) => {
            p.len() == w.len() && p.iter().zip(w).all(|(a, b)| is_subset(a, b))
        }
        _ => part == whole,
    }
}

fn check_error(
    cell: &Cell,
    error: &Error,
    kind: ErrorKind,
    attempts: u32,
    mentions: &[Mention],
) -> Result<(), String> {
    let op = cell.op;
    let mut problems = Vec::new();
    if error.kind() != kind {
        problems.push(format!("kind {:?}, expected {kind:?}", error.kind()));
    }
    if error.attempts() != attempts {
        problems.push(format!(
            "{} attempts, expected {attempts}",
            error.attempts()
        ));
    }
    if let Err(p) = expect_requests(cell, attempts as usize) {
        problems.push(p);
    }
    // `op.name` may carry a version (`ListUsages@2023-11-01`); errors name the operation.
    if (error.vendor(), error.operation()) != (op.vendor.id, op.descriptor.name) {
        problems.push(format!(
            "names {} {}, expected {} {}",
            error.vendor(),
            error.operation(),
            op.vendor.id,
            op.descriptor.name
        ));
    }
    let message = error.message();
    for mention in mentions {
        let missing = match *mention {
            Mention::Text(text) => (!message.contains(text)).then(|| format!("{text:?}")),
            Mention::RequiredField => {
                let field = op.required.map_or("", |(_, field)| field);
                (!message.contains(&format!("`{field}`"))).then(|| format!("the field `{field}`"))
            }
            Mention::Bound => (!(message.contains(&BODY_BOUND.to_string())
                && message.contains("max_response_bytes")))
            .then(|| format!("the bound {BODY_BOUND} and max_response_bytes")),
            Mention::VendorCode(answer) => {
                let code = match answer {
                    Answer::Throttle | Answer::ThrottleWith200 => Some(faults::throttle(op).1),
                    Answer::ClockSkew => faults::clock_skew(op).map(|(_, c)| c),
                    Answer::Internal => Some(faults::internal(op).1),
                    _ => None,
                };
                (error.code() != code.as_deref())
                    .then(|| format!("the code {code:?} (has {:?})", error.code()))
            }
            Mention::AtMost(limit) => (message.len() > limit)
                .then(|| format!("at most {limit} bytes (has {})", message.len())),
            Mention::Hint(text) => (!error.hint().is_some_and(|h| h.contains(text)))
                .then(|| format!("a hint naming {text:?} (has {:?})", error.hint())),
        };
        if let Some(missing) = missing {
            problems.push(format!("does not mention {missing}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}; error: {}",
            problems.join("; "),
            short(&error.to_string())
        ))
    }
}

/// `text`, cut to a readable length for reports.
fn short(text: &str) -> String {
    const MAX: usize = 600;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
        None => text.to_owned(),
    }
}
