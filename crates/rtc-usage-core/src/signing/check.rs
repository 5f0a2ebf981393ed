//! What every scheme checks before it touches the header list: HTTP tokens, header values
//! that can be sent as signed, credentials and signing parameters.

use super::SigningError;
use crate::credentials::Credentials;

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// An HTTP token (method or header name).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

pub(crate) fn check_method(method: &str) -> Result<(), SigningError> {
    if is_token(method) {
        Ok(())
    } else {
        Err(SigningError::InvalidMethod(method.to_owned()))
    }
}

/// Why `value` cannot be sent as a header value, if it cannot: a control character other
/// than a tab (this includes CR and LF), or DEL.
pub(crate) fn value_problem(value: &str) -> Option<&'static str> {
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        Some("contains a control character")
    } else {
        None
    }
}

/// Like [`value_problem`], and also refuses leading or trailing spaces or tabs, which a server
/// drops before it checks a value that is signed verbatim.
pub(crate) fn verbatim_value_problem(value: &str) -> Option<&'static str> {
    value_problem(value).or_else(|| {
        let trimmed = value.trim_matches([' ', '\t']);
        (trimmed.len() != value.len()).then_some("has leading or trailing whitespace")
    })
}

pub(crate) fn check_value(
    name: &str,
    value: &str,
    problem: fn(&str) -> Option<&'static str>,
) -> Result<(), SigningError> {
    match problem(value) {
        None => Ok(()),
        Some(reason) => Err(SigningError::InvalidHeaderValue {
            name: name.to_owned(),
            reason,
        }),
    }
}

/// Checks the caller's headers: every name a token, no name twice (case-insensitively), and
/// every value acceptable to `problem`, which is given the name.
pub(crate) fn check_headers(
    headers: &[(String, String)],
    mut problem: impl FnMut(&str, &str) -> Option<&'static str>,
) -> Result<(), SigningError> {
    for (i, (name, value)) in headers.iter().enumerate() {
        if !is_token(name) {
            return Err(SigningError::InvalidHeaderName(name.clone()));
        }
        if headers[..i]
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            return Err(SigningError::DuplicateHeader(name.clone()));
        }
        if let Some(reason) = problem(name, value) {
            return Err(SigningError::InvalidHeaderValue {
                name: name.clone(),
                reason,
            });
        }
    }
    Ok(())
}

/// The access key id goes into `Authorization`; the secret key only needs to be non-empty.
pub(crate) fn check_credentials(credentials: &Credentials) -> Result<(), SigningError> {
    let ak = credentials.access_key_id();
    if ak.is_empty() {
        return Err(SigningError::InvalidCredentials(
            "the access key id is empty",
        ));
    }
    if verbatim_value_problem(ak).is_some() {
        return Err(SigningError::InvalidCredentials(
            "the access key id contains a control character or surrounding whitespace",
        ));
    }
    if credentials.secret_access_key().expose_secret().is_empty() {
        return Err(SigningError::InvalidCredentials(
            "the secret access key is empty",
        ));
    }
    Ok(())
}

pub(crate) fn check_host(host: &str) -> Result<(), SigningError> {
    if host.is_empty() {
        return Err(SigningError::EmptyHost);
    }
    check_value("Host", host, verbatim_value_problem)
}

/// A parameter that ends up in a header value or in `Authorization`.
pub(crate) fn check_parameter(what: &'static str, value: &str) -> Result<(), SigningError> {
    match verbatim_value_problem(value) {
        None => Ok(()),
        Some(reason) => Err(SigningError::InvalidParameter { what, reason }),
    }
}
