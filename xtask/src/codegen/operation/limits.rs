//! The generated `limits` test module of an operation: what every operation's hand-written wire
//! tests used to repeat, derived from the spec instead.
//!
//! - each required field left out is refused before the call reaches the client's stub;
//! - start after end is refused before any request reaches a mock vendor;
//! - an enforced span: one day over the limit is refused, the limit itself is sent (counted
//!   the spec's way, `inclusive-days` or `elapsed`, in the parameters' `date` or `date-time`
//!   format); an advisory span: one day over is sent;
//! - an enforced look-back: a start one day (or one second) too far back is refused, the
//!   furthest allowed is sent; an advisory one: too far back is sent;
//! - the stub answers the documented request, and `.input(request)` hands it the request the
//!   setters build.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::example::{self, Arg, Mode};
use crate::codegen::types::Field;
use crate::load::parse_offset;
use crate::spec::{OperationSpec, SpanCounting};

/// What the test module is about.
pub struct Subject<'a> {
    pub spec: &'a OperationSpec,
    pub fields: &'a [Field],
    /// The client method (and stub method), the operation's module name.
    pub method: &'a syn::Ident,
    pub request: &'a syn::Ident,
    pub response: &'a syn::Ident,
    pub stub: &'a syn::Ident,
}

const DAY: i64 = 86_400;

pub fn tests(s: &Subject<'_>) -> Result<TokenStream, String> {
    let spec = s.spec;
    let values = example::values(spec, s.fields)?;
    let missing: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.required && !values.contains_key(&f.param))
        .collect();
    if let Some(f) = missing.first() {
        return Err(format!(
            "key `examples.{}`: the example sets no value of required parameter `{}`; the generated tests call the operation with the example's values",
            spec.examples[0].name, f.param
        ));
    }
    let call = Call { s, values: &values };
    let (method, request, response, stub) = (s.method, s.request, s.response, s.stub);
    let testing = quote!(::rtc_usage_core::testing::wire);
    let answer = spec.examples.iter().find_map(|e| {
        e.response
            .as_ref()
            .filter(|r| (200..300).contains(&r.status) && !r.body.contains("\"Error\""))
    });
    let (status, answer_body) = match answer {
        Some(r) => (r.status, r.body.as_str()),
        None => (200, "{}"),
    };
    let answer_fn = match answer {
        Some(_) => quote! {
            ::rtc_usage_core::envelope::decode::<#response>(&DESCRIPTOR, STATUS, ::std::option::Option::None, ANSWER.as_bytes())
        },
        None => quote!(::std::result::Result::Err(
            ::rtc_usage_core::Error::unimplemented(&DESCRIPTOR)
        )),
    };
    let answer_doc = match answer {
        Some(_) => "The documented answer, decoded.",
        None => "The spec documents no successful answer: the stub answers `Unimplemented`.",
    };

    let mut tests = Vec::new();
    for f in s
        .fields
        .iter()
        .filter(|f| f.required && f.schema.get("default").is_none())
    {
        let name = format_ident!("missing_{}_is_refused_before_any_call", f.ident);
        let doc = format!(
            " `{}` is required: a call without it is refused before it reaches the stub.",
            f.param
        );
        let without = call.fluent(quote!(client), &[], Some(&f.param));
        let needle = f.ident.to_string();
        tests.push(quote! {
            #[doc = #doc]
            #[tokio::test]
            async fn #name() {
                let (client, seen) = stub_client();
                let err = #without.send().await.unwrap_err();
                #testing::assert_refused(&err, &[#needle]);
                assert!(seen.lock().unwrap().is_empty(), "no call reaches the stub");
            }
        });
    }

    let start = spec
        .limits
        .span
        .as_ref()
        .map(|sp| sp.start.as_str())
        .or(spec.limits.lookback.as_ref().map(|l| l.param.as_str()));
    let origin = match start {
        Some(p) => match values.get(p).and_then(Value::as_str) {
            Some(text) => Some((p, point(spec, s.fields, p, text)?)),
            None => None,
        },
        None => None,
    };
    let day_offset = i64::from(parse_offset(&spec.day_offset).unwrap_or(0));
    let before_mock = tests.len();
    let none_received = quote! {
        let requests = #testing::received(&server).await;
        assert!(requests.is_empty(), "no request reaches the vendor");
    };
    let one_received = quote! {
        let requests = #testing::received(&server).await;
        assert_eq!(requests.len(), 1, "one request reaches the vendor");
    };
    let mut mock_vendor = false;
    if let Some((start_param, start)) = &origin {
        // The clock is a day after the example's start, so that the look-back admits it.
        let now = start.instant(day_offset) + DAY;
        if let Some(span) = &spec.limits.span {
            let (start_name, end_name) = (span.start.as_str(), span.end.as_str());
            let end_format = point_format(spec, s.fields, end_name)?;
            let end_at = |days: i64, seconds: i64| {
                Value::String(start.shift(days, seconds).with_format(end_format).text())
            };
            let range = |start_value: Value, end_value: Value| {
                call.fluent(
                    quote!(client),
                    &[(start_name, start_value), (end_name, end_value)],
                    None,
                )
            };
            let swapped = range(
                Value::String(start.shift(1, 0).text()),
                Value::String(start.with_format(end_format).text()),
            );
            let doc = format!(" `{start_name}` after `{end_name}` is refused before any request.");
            tests.push(quote! {
                #[doc = #doc]
                #[tokio::test]
                async fn start_after_end_is_refused() {
                    let (server, client) = mock_vendor().await;
                    let err = #swapped.send().await.unwrap_err();
                    #testing::assert_refused(&err, &[#start_name, #end_name]);
                    #none_received
                }
            });
            let n = i64::from(span.max_days);
            // The end of a range of `days` days (`inclusive-days`: both ends counted).
            let within = match span.counting {
                SpanCounting::InclusiveDays => n - 1,
                SpanCounting::Elapsed => n,
            };
            let start_value = Value::String(start.text());
            let limit = range(start_value.clone(), end_at(within, 0));
            let over = range(start_value.clone(), end_at(within + 1, 0));
            let counted = match span.counting {
                SpanCounting::InclusiveDays => "calendar days, both counted",
                SpanCounting::Elapsed => "elapsed",
            };
            let n1 = n + 1;
            if span.enforce {
                let name = format_ident!(
                    "a_span_of_{}_days_is_refused_and_{}_days_are_sent",
                    span.max_days + 1,
                    span.max_days
                );
                let doc = format!(
                    " `{start_name}` to `{end_name}` spans at most {n} days ({counted}): {n1} are refused before any request, {n} are sent."
                );
                let needle = format!("{n} days");
                // Elapsed time between two date-times: one second over is already too long.
                let second_over = (span.counting == SpanCounting::Elapsed
                    && matches!(end_format, Format::DateTime))
                .then(|| {
                    let over = range(start_value.clone(), end_at(within, 1));
                    quote! {
                        let err = #over.send().await.unwrap_err();
                        #testing::assert_refused(&err, &[#needle]);
                    }
                });
                let sent = sent_check(answer.is_some(), &limit);
                tests.push(quote! {
                    #[doc = #doc]
                    #[tokio::test]
                    async fn #name() {
                        let (server, client) = mock_vendor().await;
                        let err = #over.send().await.unwrap_err();
                        #testing::assert_refused(&err, &[#needle]);
                        #second_over
                        #none_received
                        #sent
                        #one_received
                    }
                });
            } else {
                let name = format_ident!(
                    "a_span_of_{}_days_is_sent_the_limit_being_advisory",
                    span.max_days + 1
                );
                let doc = format!(
                    " The {n}-day span of `{start_name}` to `{end_name}` is advisory (unconfirmed): {n1} days are sent and the vendor decides."
                );
                tests.push(quote! {
                    #[doc = #doc]
                    #[tokio::test]
                    async fn #name() {
                        let (server, client) = mock_vendor().await;
                        let _ = #over.send().await;
                        #one_received
                    }
                });
            }
        }
        if let Some(lookback) = &spec.limits.lookback
            && lookback.param == *start_param
        {
            let l = i64::from(lookback.max_days);
            // The furthest start allowed, and one step further: a day for dates (counted from
            // today in the operation's calendar), a second for date-times.
            let (furthest, beyond) = match start {
                Point::Date(_) => (start.shift(1 - l, 0), start.shift(-l, 0)),
                Point::DateTime { .. } => {
                    let furthest = start.at_instant(now - l * DAY);
                    (furthest, furthest.shift(0, -1))
                }
            };
            // The end, if the operation has one, equals the start: a one-point range.
            let at = |p: Point| {
                let mut set = vec![(lookback.param.as_str(), Value::String(p.text()))];
                if let Some(span) = &spec.limits.span {
                    let end_format =
                        point_format(spec, s.fields, &span.end).unwrap_or(Format::Date);
                    set.push((
                        span.end.as_str(),
                        Value::String(p.with_format(end_format).text()),
                    ));
                }
                call.fluent(quote!(client), &set, None)
            };
            let param = lookback.param.as_str();
            let (allowed, refused) = (at(furthest), at(beyond));
            if lookback.enforce {
                let name = format_ident!(
                    "a_start_over_{}_days_back_is_refused_and_{}_days_back_is_sent",
                    lookback.max_days,
                    lookback.max_days
                );
                let doc = format!(
                    " `{param}` may be at most {l} days back: {} is refused before any request, {} is sent (the clock reads {}).",
                    beyond.text(),
                    furthest.text(),
                    clock_text(*start, now, day_offset)
                );
                let needle = format!("{l} days");
                let sent = sent_check(answer.is_some(), &allowed);
                tests.push(quote! {
                    #[doc = #doc]
                    #[tokio::test]
                    async fn #name() {
                        let (server, client) = mock_vendor().await;
                        let err = #refused.send().await.unwrap_err();
                        #testing::assert_refused(&err, &[#param, #needle]);
                        #none_received
                        #sent
                        #one_received
                    }
                });
            } else {
                let name = format_ident!(
                    "a_start_over_{}_days_back_is_sent_the_limit_being_advisory",
                    lookback.max_days
                );
                let doc = format!(
                    " The {l}-day look-back of `{param}` is advisory (unconfirmed): {} is sent and the vendor decides.",
                    beyond.text()
                );
                tests.push(quote! {
                    #[doc = #doc]
                    #[tokio::test]
                    async fn #name() {
                        let (server, client) = mock_vendor().await;
                        let _ = #refused.send().await;
                        #one_received
                    }
                });
            }
        }
        mock_vendor = tests.len() > before_mock;
        let clock_doc = format!(
            " A client of a mock vendor on 127.0.0.1 that answers every request with the documented answer; its clock reads {}, a day after the example's start.",
            clock_text(*start, now, day_offset)
        );
        let project = spec
            .parameters
            .iter()
            .any(|p| p.from.is_some())
            .then(|| quote!(.with_project_id("project")));
        if mock_vendor {
            tests.push(quote! {
                #[doc = #clock_doc]
                async fn mock_vendor() -> (::wiremock::MockServer, super::super::Client) {
                    let server = #testing::answering(STATUS, ANSWER, &[]).await;
                    let config = ::rtc_usage_core::Config::builder()
                        .credentials(::rtc_usage_core::Credentials::new("AK", "SK") #project)
                        .endpoint_url(server.uri())
                        .clock(::std::sync::Arc::new(::rtc_usage_core::FixedClock::from_unix(#now).unwrap()))
                        .disable_rate_limit()
                        .build()
                        .unwrap();
                    (server, super::super::Client::new(config).unwrap())
                }
            });
        }
    }

    let setters = call.fluent(quote!(client), &[], None);
    let built = call.builder(request);
    let stub_check = match answer {
        Some(_) => quote! {
            let out = #setters.send().await.unwrap();
            let (out, documented) = (::serde_json::to_value(out).unwrap(), ::serde_json::to_value(answer().unwrap()).unwrap());
            assert_eq!(out, documented, "the stub's answer comes back");
            client.#method().input(request.clone()).send().await.unwrap();
        },
        None => quote! {
            let _ = #setters.send().await;
            let _ = client.#method().input(request.clone()).send().await;
        },
    };
    tests.push(quote! {
        #[doc = " The stub answers the documented request, and `.input(request)` hands it the very request the setters build."]
        #[tokio::test]
        async fn the_stub_answers_and_input_passes_the_request_through() {
            let (client, seen) = stub_client();
            let request: #request = #built.try_into().unwrap();
            #stub_check
            let seen: ::std::vec::Vec<::serde_json::Value> = seen.lock().unwrap().iter().map(|r| ::serde_json::to_value(r).unwrap()).collect();
            let request = ::serde_json::to_value(request).unwrap();
            assert_eq!(seen, [request.clone(), request], "both calls reach the stub with the same request");
        }
    });

    // The mock vendor answers with the documented answer, or `{}` when there is none.
    let consts = (answer.is_some() || mock_vendor).then(|| {
        quote! {
            const STATUS: u16 = #status;
            #[doc = " The documented answer (the first successful one of the spec's examples)."]
            const ANSWER: &str = #answer_body;
        }
    });
    Ok(quote! {
        #[cfg(test)]
        mod limits {
            use super::*;

            #consts

            #[doc = #answer_doc]
            fn answer() -> ::std::result::Result<#response, ::rtc_usage_core::Error> {
                #answer_fn
            }

            #[doc = " Records every request that reaches it and answers with [`answer`]."]
            #[derive(Debug, Default)]
            struct Recording(::std::sync::Arc<::std::sync::Mutex<::std::vec::Vec<#request>>>);

            impl super::super::stub::#stub for Recording {
                fn #method(&self, input: #request) -> ::rtc_usage_core::BoxFuture<'_, ::std::result::Result<#response, ::rtc_usage_core::Error>> {
                    self.0.lock().unwrap().push(input);
                    ::std::boxed::Box::pin(async { answer() })
                }
            }

            #[doc = " A client whose calls go to a [`Recording`] stub, and what the stub records."]
            fn stub_client() -> (super::super::Client, ::std::sync::Arc<::std::sync::Mutex<::std::vec::Vec<#request>>>) {
                let stub = Recording::default();
                let seen = ::std::sync::Arc::clone(&stub.0);
                (super::super::Client::from_stub(stub), seen)
            }

            #(#tests)*
        }
    })
}

/// The call of a range the limit allows: it succeeds when the spec documents an answer to
/// give back, else it is only sent.
fn sent_check(answered: bool, call: &TokenStream) -> TokenStream {
    if answered {
        quote!(#call.send().await.unwrap();)
    } else {
        quote!(let _ = #call.send().await;)
    }
}

/// The clock's time in a test's doc: like the start if it is a date-time, else in the
/// operation's calendar.
fn clock_text(start: Point, now: i64, day_offset: i64) -> String {
    match start {
        Point::DateTime { .. } => start.at_instant(now).text(),
        Point::Date(_) => Point::DateTime {
            unix: now,
            offset: day_offset,
            zulu: day_offset == 0,
        }
        .text(),
    }
}

/// The example's values as setter calls.
struct Call<'a> {
    s: &'a Subject<'a>,
    values: &'a BTreeMap<String, Value>,
}

impl Call<'_> {
    fn args(&self, overrides: &[(&str, Value)], skip: Option<&str>) -> Vec<TokenStream> {
        let arg = Arg {
            spec: self.s.spec,
            mode: Mode::Test,
            module_path: "",
        };
        let mut uses = Vec::new();
        self.s
            .fields
            .iter()
            .filter(|f| Some(f.param.as_str()) != skip)
            .filter_map(|f| {
                let value = overrides
                    .iter()
                    .find(|(p, _)| *p == f.param)
                    .map(|(_, v)| v)
                    .or_else(|| self.values.get(&f.param))?;
                let (ident, arg) = (&f.ident, arg.setter(f, value, &mut uses));
                Some(quote!(.#ident(#arg)))
            })
            .collect()
    }

    /// `client.method().a(..).b(..)`, the example's values with `overrides`, without `skip`.
    fn fluent(
        &self,
        client: TokenStream,
        overrides: &[(&str, Value)],
        skip: Option<&str>,
    ) -> TokenStream {
        let method = self.s.method;
        let args = self.args(overrides, skip);
        quote!(#client.#method() #(#args)*)
    }

    /// `Request::builder().a(..).b(..)` with the example's values.
    fn builder(&self, request: &syn::Ident) -> TokenStream {
        let args = self.args(&[], None);
        quote!(#request::builder() #(#args)*)
    }
}

/// How a time parameter is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Date,
    DateTime,
}

fn point_format(spec: &OperationSpec, fields: &[Field], param: &str) -> Result<Format, String> {
    let f = fields
        .iter()
        .find(|f| f.param == param)
        .ok_or_else(|| format!("time parameter `{param}` is not set by the caller"))?;
    match example::format(spec, &f.schema) {
        Some("date") => Ok(Format::Date),
        Some("date-time") => Ok(Format::DateTime),
        _ => Err(format!(
            "parameter `{param}` is not a string of format date or date-time"
        )),
    }
}

fn point(spec: &OperationSpec, fields: &[Field], param: &str, text: &str) -> Result<Point, String> {
    let parsed = match point_format(spec, fields, param)? {
        Format::Date => parse_date(text).map(Point::Date),
        Format::DateTime => parse_date_time(text),
    };
    parsed.ok_or_else(|| {
        format!(
            "key `examples.{}`: `{param}` is `{text}`, not a time the generator reads",
            spec.examples[0].name
        )
    })
}

/// A start or end value: a calendar day, or an instant with the offset it is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Point {
    /// Days since 1970-01-01.
    Date(i64),
    DateTime {
        /// Unix seconds.
        unix: i64,
        /// Seconds east of UTC; written `Z` when `zulu`.
        offset: i64,
        zulu: bool,
    },
}

impl Point {
    /// The instant the point starts at, reading a date in the calendar `day_offset` seconds
    /// east of UTC.
    fn instant(self, day_offset: i64) -> i64 {
        match self {
            Self::Date(days) => days * DAY - day_offset,
            Self::DateTime { unix, .. } => unix,
        }
    }

    fn shift(self, days: i64, seconds: i64) -> Self {
        match self {
            Self::Date(d) => Self::Date(d + days),
            Self::DateTime { unix, offset, zulu } => Self::DateTime {
                unix: unix + days * DAY + seconds,
                offset,
                zulu,
            },
        }
    }

    /// The same day (at midnight) or instant, written as `format`.
    fn with_format(self, format: Format) -> Self {
        match (self, format) {
            (Self::Date(d), Format::DateTime) => Self::DateTime {
                unix: d * DAY,
                offset: 0,
                zulu: true,
            },
            (Self::DateTime { unix, offset, .. }, Format::Date) => {
                Self::Date((unix + offset).div_euclid(DAY))
            }
            (p, _) => p,
        }
    }

    /// The instant `unix`, written like this point.
    fn at_instant(self, unix: i64) -> Self {
        match self {
            Self::Date(_) => Self::DateTime {
                unix,
                offset: 0,
                zulu: true,
            },
            Self::DateTime { offset, zulu, .. } => Self::DateTime { unix, offset, zulu },
        }
    }

    fn text(self) -> String {
        match self {
            Self::Date(days) => {
                let (y, m, d) = civil_from_days(days);
                format!("{y:04}-{m:02}-{d:02}")
            }
            Self::DateTime { unix, offset, zulu } => {
                let local = unix + offset;
                let (y, m, d) = civil_from_days(local.div_euclid(DAY));
                let secs = local.rem_euclid(DAY);
                let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
                let zone = if zulu && offset == 0 {
                    "Z".to_owned()
                } else {
                    let sign = if offset < 0 { '-' } else { '+' };
                    let o = offset.abs();
                    format!("{sign}{:02}:{:02}", o / 3600, o % 3600 / 60)
                };
                format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{zone}")
            }
        }
    }
}

/// `YYYY-MM-DD` as days since 1970-01-01.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d))
        .then(|| days_from_civil(y, m, d))
}

/// RFC 3339 (`2021-07-24T08:00:00+08:00`, `...Z`); fractions of a second are dropped.
fn parse_date_time(text: &str) -> Option<Point> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let days = parse_date(date)?;
    let (time, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => return None,
    };
    let time = time.split('.').next()?;
    let mut hms = time.split(':');
    let (h, m, s): (i64, i64, i64) = (
        hms.next()?.parse().ok()?,
        hms.next()?.parse().ok()?,
        hms.next()?.parse().ok()?,
    );
    let (offset, zulu) = match zone {
        "Z" | "z" => (0, true),
        _ => (i64::from(parse_offset(zone)?), false),
    };
    Some(Point::DateTime {
        unix: days * DAY + h * 3600 + m * 60 + s - offset,
        offset,
        zulu,
    })
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_shift() {
        let d = parse_date("2022-01-01").unwrap();
        assert_eq!(d, 18_993);
        assert_eq!(Point::Date(d).shift(30, 0).text(), "2022-01-31");
        assert_eq!(Point::Date(d).shift(31, 0).text(), "2022-02-01");
        assert_eq!(
            Point::Date(parse_date("2024-02-28").unwrap())
                .shift(1, 0)
                .text(),
            "2024-02-29"
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2023-1-01").is_none());
    }

    #[test]
    fn date_times_keep_their_offset() {
        let p = parse_date_time("2021-07-24T08:00:00+08:00").unwrap();
        assert_eq!(p.instant(0), 1_627_084_800);
        assert_eq!(p.shift(7, 0).text(), "2021-07-31T08:00:00+08:00");
        assert_eq!(p.shift(0, -1).text(), "2021-07-24T07:59:59+08:00");
        assert_eq!(p.with_format(Format::Date).text(), "2021-07-24");
        let z = parse_date_time("2021-07-24T00:00:00.5Z").unwrap();
        assert_eq!(z.shift(-1, 0).text(), "2021-07-23T00:00:00Z");
        assert!(parse_date_time("2021-07-24").is_none());
    }
}
