//! UTC date and time, formatted and parsed by hand (years 1970..=9999 only when signing, like
//! Python's `datetime`), so that signing needs no clock and no time zone database.

use chrono::NaiveDate;

use super::SigningError;

/// The largest timestamp signed: 9999-12-31T23:59:59Z.
pub const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// A UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UtcTime {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl UtcTime {
    pub(crate) fn from_unix(timestamp: i64) -> Result<Self, SigningError> {
        if !(0..=MAX_TIMESTAMP).contains(&timestamp) {
            return Err(SigningError::TimestampOutOfRange(timestamp));
        }
        let days = timestamp / 86_400;
        let secs = timestamp % 86_400;
        // Howard Hinnant's civil_from_days, for days >= 0.
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // All values are in range by construction (timestamp <= MAX_TIMESTAMP).
        let small = |v: i64| u32::try_from(v).unwrap_or(0);
        Ok(Self {
            year: small(year),
            month: small(month),
            day: small(day),
            hour: small(secs / 3_600),
            minute: small(secs % 3_600 / 60),
            second: small(secs % 60),
        })
    }

    /// Parses exactly `YYYYMMDDTHHMMSSZ` (what `strftime("%Y%m%dT%H%M%SZ")` writes), with a
    /// valid date and time and a four-digit year of at least 1000.
    pub(crate) fn parse_basic(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let t = Self {
            year: num(0..4)?,
            month: num(4..6)?,
            day: num(6..8)?,
            hour: num(9..11)?,
            minute: num(11..13)?,
            second: num(13..15)?,
        };
        let valid = t.year >= 1000
            && (1..=12).contains(&t.month)
            && t.day >= 1
            && t.day <= days_in_month(t.year, t.month)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60;
        valid.then_some(t)
    }

    /// `YYYYMMDD`.
    pub(crate) fn push_compact_date(&self, out: &mut String) {
        push_digits(out, self.year, 4);
        push_digits(out, self.month, 2);
        push_digits(out, self.day, 2);
    }

    /// `YYYY-MM-DD`.
    pub(crate) fn push_dashed_date(&self, out: &mut String) {
        push_digits(out, self.year, 4);
        out.push('-');
        push_digits(out, self.month, 2);
        out.push('-');
        push_digits(out, self.day, 2);
    }

    /// `YYYYMMDDTHHMMSSZ`.
    pub(crate) fn push_basic(&self, out: &mut String) {
        self.push_compact_date(out);
        out.push('T');
        push_digits(out, self.hour, 2);
        push_digits(out, self.minute, 2);
        push_digits(out, self.second, 2);
        out.push('Z');
    }

    pub(crate) fn basic(&self) -> String {
        let mut out = String::with_capacity(16);
        self.push_basic(&mut out);
        out
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (`strftime("%Y-%m-%dT%H:%M:%SZ")`).
    pub(crate) fn extended(&self) -> String {
        let mut out = String::with_capacity(20);
        self.push_dashed_date(&mut out);
        out.push('T');
        push_digits(&mut out, self.hour, 2);
        out.push(':');
        push_digits(&mut out, self.minute, 2);
        out.push(':');
        push_digits(&mut out, self.second, 2);
        out.push('Z');
        out
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`, with the checks of [`Self::parse_basic`].
    pub(crate) fn parse_extended(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
        if b.len() != 20 || separators.iter().any(|&(i, c)| b[i] != c) {
            return None;
        }
        // Without its separators it is the basic form.
        let basic: String = s
            .char_indices()
            .filter(|(i, _)| !separators.iter().any(|&(at, _)| at == *i))
            .map(|(_, c)| c)
            .collect();
        Self::parse_basic(&basic)
    }

    /// Unix seconds of this time.
    pub(crate) fn unix(&self) -> Option<i64> {
        let date = NaiveDate::from_ymd_opt(i32::try_from(self.year).ok()?, self.month, self.day)?;
        let time = date.and_hms_opt(self.hour, self.minute, self.second)?;
        Some(time.and_utc().timestamp())
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Appends `value` in decimal, zero-padded to `width` digits (`value` has at most `width`).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut div = 10u32.pow(width.saturating_sub(1));
    while div > 0 {
        let digit = (value / div % 10) as u8;
        out.push(char::from(b'0' + digit));
        div /= 10;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Datelike, Timelike};

    use super::*;

    #[test]
    fn utc_time_matches_chrono() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut stamps = vec![
            0,
            1,
            86_399,
            86_400,
            951_782_400,
            1_641_081_600,
            MAX_TIMESTAMP,
        ];
        for _ in 0..2_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            stamps.push(((x >> 11) % (MAX_TIMESTAMP as u64 + 1)) as i64);
        }
        for ts in stamps {
            let ours = UtcTime::from_unix(ts).unwrap();
            let dt = DateTime::from_timestamp(ts, 0).unwrap();
            let expected = UtcTime {
                year: dt.year() as u32,
                month: dt.month(),
                day: dt.day(),
                hour: dt.hour(),
                minute: dt.minute(),
                second: dt.second(),
            };
            assert_eq!(ours, expected, "{ts}");
            assert_eq!(ours.basic(), dt.format("%Y%m%dT%H%M%SZ").to_string());
            assert_eq!(UtcTime::parse_basic(&ours.basic()), Some(ours));
            assert_eq!(ours.extended(), dt.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            assert_eq!(UtcTime::parse_extended(&ours.extended()), Some(ours));
            let mut dashed = String::new();
            ours.push_dashed_date(&mut dashed);
            assert_eq!(dashed, dt.format("%Y-%m-%d").to_string());
        }
        assert_eq!(
            UtcTime::from_unix(-1),
            Err(SigningError::TimestampOutOfRange(-1))
        );
        assert!(UtcTime::from_unix(MAX_TIMESTAMP + 1).is_err());
        assert!(UtcTime::from_unix(i64::MIN).is_err());
    }

    #[test]
    fn parse_basic_rejects_malformed() {
        for bad in [
            "",
            "20220102T000000",
            "20220102 000000Z",
            "20221302T000000Z",
            "20220230T000000Z",
            "20220102T240000Z",
            "20220102T006000Z",
            "20220102T000060Z",
            "09990102T000000Z",
            "2022010２T00000Z",
            "+0220102T000000Z",
            " 20220102T000000Z",
        ] {
            assert_eq!(UtcTime::parse_basic(bad), None, "{bad:?}");
        }
        assert!(UtcTime::parse_basic("20240229T235959Z").is_some());
        assert!(UtcTime::parse_basic("20230229T000000Z").is_none());
        for bad in [
            "",
            "2022-01-02T00:00:00",
            "2022-01-02 00:00:00Z",
            "2022-01-02T00:00:00+00:00",
            "20220102T000000Z",
            "2022-13-02T00:00:00Z",
            "2022-01-02T24:00:00Z",
            "2022/01/02T00:00:00Z",
            "2022-01-0２T00:00:0Z",
        ] {
            assert_eq!(UtcTime::parse_extended(bad), None, "{bad:?}");
        }
        assert!(UtcTime::parse_extended("2024-02-29T23:59:59Z").is_some());
    }

    #[test]
    fn unix_inverts_from_unix() {
        for ts in [0, 1, 86_399, 951_782_400, 1_641_081_600, MAX_TIMESTAMP] {
            assert_eq!(UtcTime::from_unix(ts).unwrap().unix(), Some(ts));
        }
    }
}
