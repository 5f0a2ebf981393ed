//! The contract between a generated operation and the runtime.

use serde::de::DeserializeOwned;

use crate::descriptor::OperationDescriptor;
use crate::validate::TimeRange;

/// One documented operation: generated per spec, executed by [`crate::Client`].
pub trait Operation: Send + Sync + 'static {
    /// The typed request a caller builds.
    type Input: Send + Sync + 'static;
    /// The typed payload of a successful answer (inside the vendor's envelope).
    type Output: DeserializeOwned + Send + 'static;

    fn descriptor() -> &'static OperationDescriptor;

    /// Writes the call's own parameters; constants and context values are the runtime's job.
    /// Generated code implements it and the runtime calls it.
    #[doc(hidden)]
    fn write_request(input: &Self::Input, request: &mut RequestParts) -> Result<(), WireError>;

    /// The queried range, for the spec's span and look-back rules.
    fn time_range(input: &Self::Input) -> TimeRange;
}

/// A request before endpoint resolution and signing: what generated `write_request` functions
/// write (plumbing between generated code and the runtime).
#[doc(hidden)]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RequestParts {
    /// Values for the `{name}` placeholders of the path template (raw, not encoded).
    pub path_params: Vec<(&'static str, String)>,
    /// Query pairs in the order written (raw, not encoded).
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// The JSON body, when the operation has one.
    pub body: Option<Vec<u8>>,
}

/// A parameter value that cannot be put on the wire (plumbing between generated code and the
/// runtime; a caller sees it as an `InvalidInput` error).
#[doc(hidden)]
#[derive(Debug, thiserror::Error)]
#[error("parameter `{param}` cannot be encoded: {reason}")]
pub struct WireError {
    pub param: &'static str,
    pub reason: String,
}

/// The request parts of a call: the spec's constants first (as the documents list them),
/// then the call's own parameters. Context values (project id) are the client's to add.
///
/// Plumbing: [`crate::Client::prepare`] is the public step that includes it.
#[doc(hidden)]
pub fn prepare<Op: Operation>(input: &Op::Input) -> Result<RequestParts, WireError> {
    use crate::descriptor::Location;
    let mut parts = RequestParts::default();
    for c in Op::descriptor().constants {
        let pair = (c.name.to_owned(), c.value.to_owned());
        match c.location {
            Location::Query => parts.query.push(pair),
            Location::Header => parts.headers.push(pair),
            Location::Path => parts.path_params.push((c.name, c.value.to_owned())),
            Location::Body => {
                return Err(WireError {
                    param: c.name,
                    reason: "constant body parameters are not supported".into(),
                });
            }
        }
    }
    Op::write_request(input, &mut parts)?;
    Ok(parts)
}
