//! How a command ends when it does not succeed: an exit status and the message for stderr.
//!
//! Exit statuses are part of the interface scripts rely on, so every failure path picks one
//! of these constructors instead of a number.

use std::fmt;

/// Bad input, refused before any network call (clap's own usage errors use 2 as well).
pub const BAD_INPUT: u8 = 2;
/// A vendor call failed (after whatever was fetched was written), or output failed.
pub const FAILED: u8 = 1;

/// A command that ended without success.
#[derive(Debug)]
pub struct ExitError {
    pub code: u8,
    /// Printed to stderr after `error: `; empty when everything was already said.
    pub message: String,
}

impl ExitError {
    /// Input the user can fix: exit 2. The message names the flag and the fix.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self {
            code: BAD_INPUT,
            message: message.into(),
        }
    }

    /// A call or the output failed: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: FAILED,
            message: message.into(),
        }
    }

    /// Ended by a signal: exit 128 + its number, as shells report it (130 for Ctrl-C, 143
    /// for SIGTERM).
    pub fn signalled(signal: crate::interrupt::Signal, message: impl Into<String>) -> Self {
        Self {
            code: signal.exit_code(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ExitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A query the facade refused before any call, worded with the flags that fix it.
pub fn refused(error: rtc_usage::QueryError) -> ExitError {
    use rtc_usage::QueryError;
    let message = match &error {
        QueryError::DatesSwapped { from, to } => {
            format!("--from {from} is after --to {to}: swap the two dates")
        }
        QueryError::OutOfRange { source, .. } if source.message().contains("days back") => {
            format!(
                "--from/--to: {error}; choose later days, or pass --within-lookback to ask each vendor only the days it keeps"
            )
        }
        QueryError::OutOfRange { .. } => {
            format!("--from/--to: {error}; choose days within that limit")
        }
        QueryError::NoApps
        | QueryError::MalformedApp(_)
        | QueryError::InvalidApp { .. }
        | QueryError::UnknownVendor(_) => format!("--app: {error}"),
        _ => error.to_string(),
    };
    ExitError::bad_input(message)
}

/// `--from` must not be after `--to`; checked before anything starts.
pub fn check_order(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<(), ExitError> {
    if from > to {
        return Err(refused(rtc_usage::QueryError::DatesSwapped { from, to }));
    }
    Ok(())
}
