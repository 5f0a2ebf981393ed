//! What can be wrong with a request, in the emulator's words; each shape module
//! ([`crate::shapes`]) words a [`Problem`] as its protocol does, with the codes of the vendor's
//! spec, and the envelope module encodes it.

use std::fmt;

use rtc_usage_core::descriptor::{LookbackLimit, SpanLimit};
use rtc_usage_core::signing::verify::VerifyError;

use crate::stats::Outcome;

#[derive(Debug, Clone)]
pub(crate) enum Problem {
    /// The signature check failed (missing, unknown key, expired, mismatch).
    Auth(VerifyError),
    /// Signed, but for another project than the credentials' (Huawei).
    ProjectMismatch,
    /// A region the operation is not offered in (Tencent's `X-TC-Region`).
    UnsupportedRegion(String),
    /// Over the rate limit (with the wait until a request would be admitted), or a
    /// throttling fault (no wait).
    Throttled(Option<std::time::Duration>),
    UnknownAction(String),
    UnknownVersion(String),
    MissingParameter(String),
    InvalidParameter(String),
    StartAfterEnd {
        start: &'static str,
        end: &'static str,
    },
    SpanTooLong(SpanLimit),
    TooFarBack(LookbackLimit),
    UnknownApp(String),
    BodyTooLarge(usize),
    /// An injected server error with this HTTP status.
    ServerError(u16),
    /// The emulator failed itself (a bug), answered as the vendor's internal error.
    Internal(String),
}

impl Problem {
    /// How the stats count an answer with this problem.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Auth(_) | Self::ProjectMismatch => Outcome::AuthFailed,
            Self::Throttled(_) => Outcome::Throttled,
            Self::ServerError(_) | Self::Internal(_) => Outcome::ServerError,
            _ => Outcome::Rejected,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auth(e) => write!(f, "{e}"),
            Self::ProjectMismatch => {
                f.write_str("the project id in the path is not the credentials' project")
            }
            Self::UnsupportedRegion(r) => write!(f, "the region `{r}` is not supported"),
            Self::Throttled(_) => f.write_str("the request rate is over the limit"),
            Self::UnknownAction(a) => write!(f, "the action `{a}` does not exist"),
            Self::UnknownVersion(v) => write!(f, "the version `{v}` does not exist"),
            Self::MissingParameter(p) => write!(f, "the parameter `{p}` is missing"),
            Self::InvalidParameter(m) => f.write_str(m),
            Self::StartAfterEnd { start, end } => write!(f, "{start} is after {end}"),
            Self::SpanTooLong(l) => write!(
                f,
                "{} to {} spans more than {} days",
                l.start_param, l.end_param, l.max_days
            ),
            Self::TooFarBack(l) => write!(f, "{} is more than {} days back", l.param, l.max_days),
            Self::UnknownApp(app) => write!(f, "the app `{app}` does not exist"),
            Self::BodyTooLarge(max) => write!(f, "the body is larger than {max} bytes"),
            Self::ServerError(status) => write!(f, "internal error (injected, HTTP {status})"),
            Self::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}
