//! A limit's number in prose must be the limit's. After `limits.span.max_days` or
//! `limits.rate` is edited, a summary that still says "at most 31 days" or a parameter doc
//! that still says "5 calls per second" would tell users the old limit; this check refuses
//! the spec instead.
//!
//! Only phrases that clearly state the limit are read (conservative on purpose; an unrelated
//! number is never taken for a limit):
//!
//! - span: "at most N days", "longer than N days", "more than N days", "exceed(s) N days",
//!   "maximum of N days", "最多为N天", "跨度最多为 N 天", "不超过 N 天", "最长 N 天";
//! - look-back (only when the spec has `limits.lookback`): "the last N days", "the past N
//!   days", "最近 N 天", "最远可查询时间 N 天", "距今不超过 N 天", a span phrase ending in "ago",
//!   "back" or "前";
//! - rate: "N requests/s", "N calls per second", "N queries per minute", "N QPS",
//!   "QPS 不得超过 N", "QPS of N", "N 次/秒", "每秒 N 次"; compared as a rate, so "120 requests
//!   per minute" agrees with 2 per second.
//!
//! N is digits, an English number word ("five", "thirty-one") or Chinese numerals ("三十一").
//! A phrase that names the fine granularity's day count in a sentence about buckets ("5-minute
//! buckets for periods of at most 1 day") is not taken for the span.
//!
//! Where: the summary, the description and the operation's error messages and notes for every
//! limit; the span's start and end parameters and the look-back parameter for every limit;
//! every other parameter's description for the rate only. Spec notes and `limits.*.source`
//! quote documents (which may be wrong) and are not read; neither are vendor.yaml's errors,
//! which are shared by operations of different limits.

use crate::spec::OperationSpec;

/// A limit stated in prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The longest range one call may ask for, in days.
    Span(u64),
    /// How far back a call may reach, in days.
    Lookback(u64),
    /// `count` requests per `seconds`.
    Rate { count: u64, seconds: u64 },
}

/// A claim and the words that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub claim: Claim,
    pub phrase: String,
}

/// Which limits a piece of prose is read for.
#[derive(Debug, Clone, Copy)]
struct Scope {
    days: bool,
}

/// Checks the limit prose of an operation; the error starts with the path of the prose.
pub fn check_operation(spec: &OperationSpec) -> Result<(), String> {
    let all = Scope { days: true };
    let rate_only = Scope { days: false };
    let mut texts: Vec<(String, &str, Scope)> = vec![
        ("summary".into(), spec.summary.as_str(), all),
        ("description".into(), spec.description.as_str(), all),
    ];
    let mut time_params: Vec<&str> = Vec::new();
    if let Some(span) = &spec.limits.span {
        time_params.extend([span.start.as_str(), span.end.as_str()]);
    }
    if let Some(lookback) = &spec.limits.lookback {
        time_params.push(lookback.param.as_str());
    }
    for p in &spec.parameters {
        let scope = if time_params.contains(&p.name.as_str()) {
            all
        } else {
            rate_only
        };
        if let Some(d) = &p.description {
            texts.push((format!("parameters.{}.description", p.name), d, scope));
        }
        if let Some(d) = p
            .schema
            .as_ref()
            .and_then(|s| s.get("description"))
            .and_then(|d| d.as_str())
        {
            texts.push((
                format!("parameters.{}.schema.description", p.name),
                d,
                scope,
            ));
        }
    }
    for e in &spec.errors {
        for (key, text) in [("message", &e.message), ("note", &e.note)] {
            if let Some(text) = text {
                texts.push((format!("errors.{}.{key}", e.code), text, all));
            }
        }
    }
    for (path, text, scope) in texts {
        check_text(spec, &path, text, scope)?;
    }
    Ok(())
}

fn check_text(spec: &OperationSpec, path: &str, text: &str, scope: Scope) -> Result<(), String> {
    let limits = &spec.limits;
    for found in claims(text) {
        let phrase = &found.phrase;
        match found.claim {
            Claim::Span(days) if scope.days => {
                let Some(span) = &limits.span else { continue };
                let fine = limits
                    .granularity
                    .fine
                    .as_ref()
                    .map(|f| u64::from(f.max_days));
                if days != u64::from(span.max_days) && !(fine == Some(days) && about_buckets(text))
                {
                    return Err(format!(
                        "{path}: \"{phrase}\" names {days} days, but `limits.span.max_days` is {}",
                        span.max_days
                    ));
                }
            }
            Claim::Lookback(days) if scope.days => {
                let Some(lookback) = &limits.lookback else {
                    continue;
                };
                if days != u64::from(lookback.max_days) {
                    return Err(format!(
                        "{path}: \"{phrase}\" names {days} days back, but `limits.lookback.max_days` is {}",
                        lookback.max_days
                    ));
                }
            }
            Claim::Rate { count, seconds } => {
                let Some(rate) = &limits.rate else { continue };
                if count.saturating_mul(u64::from(rate.per_seconds))
                    != u64::from(rate.requests).saturating_mul(seconds)
                {
                    return Err(format!(
                        "{path}: \"{phrase}\" names {count} requests per {}, but `limits.rate` is {} per {}",
                        period(seconds),
                        rate.requests,
                        period(u64::from(rate.per_seconds))
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn period(seconds: u64) -> String {
    match seconds {
        1 => "second".into(),
        60 => "minute".into(),
        3600 => "hour".into(),
        n => format!("{n} seconds"),
    }
}

/// Whether a text is about the fine granularity's buckets.
fn about_buckets(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "minute",
        "bucket",
        "granularity",
        "daily",
        "分钟",
        "粒度",
        "按天",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Every limit a text states, in order.
pub fn claims(text: &str) -> Vec<Found> {
    let toks = tokenize(text);
    let mut found = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        let Kind::Num(n) = tok.kind else { continue };
        let (before, after) = (&toks[..i], &toks[i + 1..]);
        let claim = day_claim(n, before, after).or_else(|| rate_claim(n, before, after));
        if let Some((claim, first, last)) = claim {
            let (start, end) = (toks[first].start, toks[i + last].end);
            found.push(Found {
                claim,
                phrase: text[start..end].to_owned(),
            });
        }
    }
    found
}

/// A claim with the index of its first token and the offset (from the number) of its last.
type Match = (Claim, usize, usize);

const SPAN_BEFORE: &[&str] = &[
    "at most",
    "longer than",
    "more than",
    "exceed",
    "exceeds",
    "exceeding",
    "maximum of",
    "最多为",
    "最多",
    "超过",
    "最长为",
    "最长",
    "跨度为",
    "跨度是",
];
const LOOKBACK_BEFORE: &[&str] = &[
    "the last",
    "the past",
    "最近",
    "最远可查询时间",
    "最远可查询",
    "距今",
];
const DAYS: &[&str] = &[
    "days",
    "day",
    "calendar days",
    "natural days",
    "whole days",
    "consecutive days",
    "天",
];
/// After "N days": the phrase reaches back from now.
const BACK: &[&str] = &["ago", "back", "前"];
/// After "N days": a phrase about something else (the age of data, an offset).
const OTHER: &[&str] = &["before", "earlier", "old", "older", "prior", "later"];

fn day_claim(n: u64, before: &[Tok], after: &[Tok]) -> Option<Match> {
    let days = longest_head(after, DAYS)?;
    let rest = &after[days..];
    if longest_head(rest, OTHER).is_some() {
        return None;
    }
    let last = days;
    if let Some(start) = longest_tail(before, SPAN_BEFORE) {
        let back =
            longest_head(rest, BACK).is_some() || clause_has(before, &["距今", "最远", "最近"]);
        let claim = if back {
            Claim::Lookback(n)
        } else {
            Claim::Span(n)
        };
        return Some((claim, start, last));
    }
    let start = longest_tail(before, LOOKBACK_BEFORE)?;
    Some((Claim::Lookback(n), start, last))
}

const RATE_UNITS: &[&str] = &[
    "requests", "request", "calls", "call", "queries", "query", "times", "req",
];
const PER: &[&str] = &["/", "per", "a", "each", "every", "每"];
const PERIODS: &[(&str, u64)] = &[
    ("s", 1),
    ("sec", 1),
    ("second", 1),
    ("秒", 1),
    ("秒钟", 1),
    ("min", 60),
    ("minute", 60),
    ("分", 60),
    ("分钟", 60),
    ("h", 3600),
    ("hour", 3600),
    ("小时", 3600),
];
/// Between "QPS" (or "每秒") and the number.
const CONNECTORS: &[&str] = &[
    "不得超过",
    "不能超过",
    "不可超过",
    "不超过",
    "最多为",
    "最多",
    "最大为",
    "最大",
    "上限为",
    "上限",
    "为",
    "是",
    ":",
    "：",
    "=",
    "<=",
    "≤",
    "of",
    "is",
    "at most",
    "up to",
    "limit of",
    "limit is",
    "limit",
    "not exceed",
    "cannot exceed",
    "must not exceed",
];

fn rate_claim(n: u64, before: &[Tok], after: &[Tok]) -> Option<Match> {
    // "N requests/s", "N calls per second", "N 次/秒".
    let units = longest_head(after, RATE_UNITS).or_else(|| longest_head(after, &["次"]));
    if let Some(units) = units {
        let rest = &after[units..];
        if let Some(per) = longest_head(rest, PER)
            && let Some((len, seconds)) = period_head(&rest[per..])
        {
            let start = before.len();
            return Some((Claim::Rate { count: n, seconds }, start, units + per + len));
        }
    }
    // "N QPS".
    if longest_head(after, &["qps"]).is_some() {
        return Some((
            Claim::Rate {
                count: n,
                seconds: 1,
            },
            before.len(),
            1,
        ));
    }
    // "QPS 不得超过 N", "QPS of N", "每秒 N 次", "每分钟最多 N 次".
    let mut end = before.len();
    for _ in 0..3 {
        match longest_tail(&before[..end], CONNECTORS) {
            Some(start) => end = start,
            None => break,
        }
    }
    let head = &before[..end];
    if let Some(start) = longest_tail(head, &["qps"]) {
        return Some((
            Claim::Rate {
                count: n,
                seconds: 1,
            },
            start,
            0,
        ));
    }
    if let Some(times) = longest_head(after, &["次"]) {
        for (word, seconds) in PERIODS {
            if let Some(start) = longest_tail(head, &[&format!("每{word}")]) {
                return Some((
                    Claim::Rate {
                        count: n,
                        seconds: *seconds,
                    },
                    start,
                    times,
                ));
            }
        }
    }
    None
}

fn period_head(toks: &[Tok]) -> Option<(usize, u64)> {
    PERIODS
        .iter()
        .filter_map(|(word, seconds)| head_len(toks, word).map(|len| (len, *seconds)))
        .max_by_key(|(len, _)| *len)
}

// ---------------------------------------------------------------------------------------------
// Tokens: ASCII words (lowercased), numbers, and every other character on its own (so Chinese
// phrases match character by character, with or without spaces).

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Word(String),
    Num(u64),
    Sym(char),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    /// Byte range in the text.
    start: usize,
    end: usize,
    /// A number spelled as a word ("five"), which may join the next ("thirty-one").
    spelled: bool,
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |(i, _)| *i);
    let mut toks: Vec<Tok> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        let run = |pred: &dyn Fn(char) -> bool| {
            let mut j = k;
            while j < chars.len() && pred(chars[j].1) {
                j += 1;
            }
            j
        };
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        let (kind, next, spelled) = if c.is_ascii_digit() {
            let j = run(&|c| c.is_ascii_digit());
            let n = text[start..end_of(j)].bytes().fold(0u64, |n, b| {
                n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
            });
            (Kind::Num(n), j, false)
        } else if c.is_ascii_alphabetic() {
            let j = run(&|c| c.is_ascii_alphabetic());
            let word = text[start..end_of(j)].to_ascii_lowercase();
            match english_number(&word) {
                Some(n) => (Kind::Num(n), j, true),
                None => (Kind::Word(word), j, false),
            }
        } else if chinese_digit(c).is_some() {
            let j = run(&|c| chinese_digit(c).is_some());
            match chinese_number(&text[start..end_of(j)]) {
                Some(n) => (Kind::Num(n), j, false),
                None => (Kind::Sym(c), k + 1, false),
            }
        } else {
            (Kind::Sym(c), k + 1, false)
        };
        toks.push(Tok {
            kind,
            start,
            end: end_of(next),
            spelled,
        });
        k = next;
    }
    join_spelled_numbers(toks)
}

/// "thirty-one", "twenty one" → 31, 21.
fn join_spelled_numbers(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut k = 0;
    while k < toks.len() {
        let tok = &toks[k];
        if let Kind::Num(tens) = tok.kind
            && tok.spelled
            && tens >= 20
            && tens % 10 == 0
        {
            let hyphen = matches!(toks.get(k + 1).map(|t| &t.kind), Some(Kind::Sym('-')));
            let unit_at = k + 1 + usize::from(hyphen);
            if let Some(unit) = toks.get(unit_at)
                && let Kind::Num(u) = unit.kind
                && unit.spelled
                && (1..10).contains(&u)
            {
                out.push(Tok {
                    kind: Kind::Num(tens + u),
                    start: tok.start,
                    end: unit.end,
                    spelled: true,
                });
                k = unit_at + 1;
                continue;
            }
        }
        out.push(tok.clone());
        k += 1;
    }
    out
}

fn english_number(word: &str) -> Option<u64> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(n) = ONES.iter().position(|w| *w == word) {
        return Some(n as u64);
    }
    TENS.iter()
        .position(|w| *w == word)
        .map(|n| (n as u64 + 2) * 10)
}

fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        '百' => 100,
        _ => return None,
    })
}

/// 三十一 → 31, 十五 → 15, 一百二十 → 120, 五 → 5.
fn chinese_number(text: &str) -> Option<u64> {
    let (mut total, mut digit) = (0u64, None::<u64>);
    for c in text.chars() {
        match chinese_digit(c)? {
            unit @ (10 | 100) => {
                total += digit.take().unwrap_or(1) * unit;
            }
            d => {
                if digit.is_some() {
                    return None; // 三三: not a number
                }
                digit = Some(d);
            }
        }
    }
    Some(total + digit.unwrap_or(0))
}

fn phrase_tokens(phrase: &str) -> Vec<Kind> {
    tokenize(phrase).into_iter().map(|t| t.kind).collect()
}

fn head_len(toks: &[Tok], phrase: &str) -> Option<usize> {
    let want = phrase_tokens(phrase);
    (toks.len() >= want.len() && toks.iter().zip(&want).all(|(t, w)| t.kind == *w))
        .then_some(want.len())
}

/// The length of the longest phrase `toks` starts with.
fn longest_head(toks: &[Tok], phrases: &[&str]) -> Option<usize> {
    phrases.iter().filter_map(|p| head_len(toks, p)).max()
}

/// The index where the longest phrase `toks` ends with starts.
fn longest_tail(toks: &[Tok], phrases: &[&str]) -> Option<usize> {
    phrases
        .iter()
        .filter_map(|p| {
            let want = phrase_tokens(p);
            let start = toks.len().checked_sub(want.len())?;
            toks[start..]
                .iter()
                .zip(&want)
                .all(|(t, w)| t.kind == *w)
                .then_some(start)
        })
        .min()
}

/// Whether the clause the tokens end in (back to the last punctuation) holds a phrase.
fn clause_has(toks: &[Tok], phrases: &[&str]) -> bool {
    let start = toks
        .iter()
        .rposition(|t| matches!(t.kind, Kind::Sym(c) if "，,。.；;：:（()）、!?！？".contains(c)))
        .map_or(0, |i| i + 1);
    let clause = &toks[start..];
    phrases.iter().any(|p| {
        let want = phrase_tokens(p);
        clause
            .windows(want.len())
            .any(|w| w.iter().zip(&want).all(|(t, w)| t.kind == *w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Claim, String) {
        let found = claims(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        (found[0].claim, found[0].phrase.clone())
    }

    #[test]
    fn span_phrases() {
        assert_eq!(
            one("end of the range; at most 30 days after the start"),
            (Claim::Span(30), "at most 30 days".into())
        );
        assert_eq!(
            one("The period queried per request cannot be longer than 31 days."),
            (Claim::Span(31), "longer than 31 days".into())
        );
        assert_eq!(
            one("查询数据的结束时间，RFC 3339；起止时间的跨度最多为 30 天"),
            (Claim::Span(30), "最多为 30 天".into())
        );
        assert_eq!(one("起止时间的跨度最多为30天").0, Claim::Span(30));
        assert_eq!(one("单次查询统计区间最多不能超过31天").0, Claim::Span(31));
        assert_eq!(one("单次查询时间范围 不超过 七 天").0, Claim::Span(7));
        assert_eq!(one("at most thirty-one days").0, Claim::Span(31));
        assert_eq!(one("spans of at most 31 calendar days").0, Claim::Span(31));
    }

    #[test]
    fn lookback_phrases() {
        let both: Vec<Claim> = claims("for at most 31 days within the last 31 days")
            .into_iter()
            .map(|f| f.claim)
            .collect();
        assert_eq!(both, [Claim::Span(31), Claim::Lookback(31)]);
        assert_eq!(
            claims("for at most 31 days within the last 30 days")[1].claim,
            Claim::Lookback(30)
        );
        assert_eq!(one("Within the last 30 days.").0, Claim::Lookback(30));
        assert_eq!(one("StartTime at most 30 days ago").0, Claim::Lookback(30));
        assert_eq!(one("开始时间距今不超过 30 天").0, Claim::Lookback(30));
        assert_eq!(one("可查询时间范围 最近 30 天").0, Claim::Lookback(30));
    }

    #[test]
    fn rate_phrases() {
        let rate = |count, seconds| Claim::Rate { count, seconds };
        assert_eq!(
            one("The rate limit of this API is five calls per second."),
            (rate(5, 1), "five calls per second".into())
        );
        assert_eq!(one("5 requests/s").0, rate(5, 1));
        assert_eq!(one("30 requests per minute").0, rate(30, 60));
        assert_eq!(one("接口限制: QPS 不得超过 2").0, rate(2, 1));
        assert_eq!(one("QPS 不得超过 2").1, "QPS 不得超过 2");
        assert_eq!(one("最大请求次数 2 次/秒").0, rate(2, 1));
        assert_eq!(one("默认接口请求频率限制：5次/秒").0, rate(5, 1));
        assert_eq!(one("每秒最多 5 次").0, rate(5, 1));
        assert_eq!(one("up to 20 QPS").0, rate(20, 1));
    }

    #[test]
    fn unrelated_numbers_are_not_limits() {
        for text in [
            "minutes of Audio and of SD, HD, FullHD, 2K and 4K video",
            "in 5-minute buckets when one day is queried, else per day",
            "(or every 5 minutes for one day)",
            "data more than 90 days old is deleted",
            "the request timestamp differs by more than 5 minutes",
            "YYYY-MM-DD (e.g. 2020-04-23)",
            "a share of the total, in percent with two decimals: 66.66 means 66.66 %",
            "2022-01-01 to 2022-01-02 gives two daily buckets",
            "the Go SDK's opt-in retry waits 2^i s between tries",
            "查询时间小于等于1天时，返回每5分钟粒度的数据",
            "an RFC 3339 date-time to the second",
            "一级行政区（包括港澳台地区）",
        ] {
            assert_eq!(claims(text), [], "{text}");
        }
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("三十一"), Some(31));
        assert_eq!(chinese_number("十五"), Some(15));
        assert_eq!(chinese_number("一百二十"), Some(120));
        assert_eq!(chinese_number("两"), Some(2));
        assert_eq!(chinese_number("三三"), None);
    }
}
