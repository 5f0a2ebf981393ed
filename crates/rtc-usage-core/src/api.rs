//! Any generated operation, called with JSON: the entry behind `rtc-usage api`.
//!
//! Every generated vendor crate has a `pub static API: &[ApiOperation]`, one entry per spec,
//! generated from the specs like the rest of the crate. An entry names the operation's
//! caller-set parameters (wire name, place, JSON type) and has two functions instantiated for
//! its [`Operation`]: [`check`] and [`call`]. Both deserialize the typed request from a JSON
//! object keyed by wire names, so required fields, types and the spec's enforced limits are
//! checked exactly as the typed client checks them, before any network call; [`call`] then
//! runs [`Client::execute_json`] (paced, signed, retried) and returns the vendor's payload as
//! raw JSON.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::BoxFuture;
use crate::client::Client;
use crate::descriptor::{Location, OperationDescriptor};
use crate::error::Error;
use crate::operation::Operation;

/// One operation of a generated crate, callable with JSON.
pub struct ApiOperation {
    pub descriptor: &'static OperationDescriptor,
    /// The generated module (and client method) name, e.g. `list_usages_2023_11_01`.
    pub module: &'static str,
    /// The parameters a caller sets, in spec order (constants and context values excluded).
    pub params: &'static [ApiParam],
    /// [`check`] for this operation: the input is the typed request and within the enforced
    /// limits at the given time. Unknown keys are not looked at; see [`ApiOperation::check_input`].
    pub check: fn(&Value, DateTime<Utc>) -> Result<(), Error>,
    /// [`call`] for this operation. Unknown keys are not looked at; see [`ApiOperation::invoke`].
    pub call: for<'a> fn(&'a Client, Value) -> BoxFuture<'a, Result<Value, Error>>,
}

impl fmt::Debug for ApiOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiOperation")
            .field("vendor", &self.descriptor.vendor)
            .field("name", &self.descriptor.name)
            .field("version", &self.descriptor.version)
            .field("module", &self.module)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// A parameter a caller sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiParam {
    /// The wire name, the key in the JSON input (`StartTime`, `start_date`).
    pub name: &'static str,
    pub location: Location,
    pub required: bool,
    pub kind: ValueKind,
}

/// The JSON type of a parameter's value, from its spec's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A string, including dates, date-times and open sets of vendor values.
    String,
    Integer,
    Number,
    Boolean,
    Object,
    /// A list of values of the given kind.
    Array(&'static ValueKind),
    /// Whatever the schema allows.
    Any,
}

impl ApiOperation {
    /// `ListUsages@2023-11-01`.
    pub fn qualified_name(&self) -> String {
        format!("{}@{}", self.descriptor.name, self.descriptor.version)
    }

    /// The parameter whose wire name is `name`.
    pub fn param(&self, name: &str) -> Option<&'static ApiParam> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Refuses keys that are none of the operation's parameters (the typed request would
    /// ignore them silently).
    pub fn check_keys(&self, input: &Value) -> Result<(), Error> {
        if let Value::Object(map) = input {
            if let Some(key) = map.keys().find(|k| self.param(k).is_none()) {
                return Err(self.unknown_key(key));
            }
        }
        Ok(())
    }

    /// Checks `input` as a call would, at `now`, without calling: known keys, then [`check`].
    pub fn check_input(&self, input: &Value, now: DateTime<Utc>) -> Result<(), Error> {
        self.check_keys(input)?;
        (self.check)(input, now)
    }

    /// Calls the operation with `input`: known keys, then [`call`] (checked like the typed
    /// client, then paced, signed and retried); the vendor's payload as raw JSON.
    pub async fn invoke(&self, client: &Client, input: Value) -> Result<Value, Error> {
        self.check_keys(&input)?;
        (self.call)(client, input).await
    }

    /// The error for `key`, which is none of the operation's parameters: it names them all
    /// and the closest spelling.
    pub fn unknown_key(&self, key: &str) -> Error {
        let names: Vec<&str> = self.params.iter().map(|p| p.name).collect();
        let close = names
            .iter()
            .find(|n| {
                n.eq_ignore_ascii_case(key)
                    || n.replace('_', "")
                        .eq_ignore_ascii_case(&key.replace('_', ""))
            })
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        Error::invalid_input(
            self.descriptor,
            format!(
                "`{key}` is not a parameter of {}{close}; its parameters are {}",
                self.qualified_name(),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ),
        )
    }
}

/// `a string`, `an array`...: a JSON value's type for messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The typed request of `Op` from a JSON object keyed by wire names; a value that does not fit
/// (missing required field, wrong type, bad date) is `InvalidInput`.
pub fn input<Op: Operation>(value: Value) -> Result<Op::Input, Error>
where
    Op::Input: DeserializeOwned,
{
    let op = Op::descriptor();
    if !value.is_object() {
        return Err(Error::invalid_input(
            op,
            format!(
                "the input must be a JSON object of {}'s parameters, not {}",
                op.name,
                json_type(&value)
            ),
        ));
    }
    from_json(op, value)
}

/// A typed value from JSON; an error names the parameter (its wire name, and the element or
/// member inside it) where serde stopped: `SdkAppId: invalid type: string "abc", expected u64`.
pub fn from_json<T: DeserializeOwned>(
    op: &'static OperationDescriptor,
    value: Value,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        Error::invalid_input(
            op,
            format!(
                "the parameters do not fit {} {}: {at}{inner}",
                op.name, op.version
            ),
        )
    })
}

/// Checks a JSON input of `Op` at `now` without calling: the typed request, the spec's
/// enforced limits, and that every value can be put on the wire.
pub fn check<Op: Operation>(value: &Value, now: DateTime<Utc>) -> Result<(), Error>
where
    Op::Input: DeserializeOwned,
{
    let op = Op::descriptor();
    let typed = input::<Op>(value.clone())?;
    crate::validate::check(op, &Op::time_range(&typed), now)?;
    crate::operation::prepare::<Op>(&typed).map_err(|e| Error::invalid_input(op, e.to_string()))?;
    Ok(())
}

/// Calls `Op` with a JSON input: the typed request from it ([`input`]), then
/// [`Client::execute_json`].
pub fn call<'a, Op: Operation>(
    client: &'a Client,
    value: Value,
) -> BoxFuture<'a, Result<Value, Error>>
where
    Op::Input: DeserializeOwned,
{
    Box::pin(async move {
        let typed = input::<Op>(value)?;
        client.execute_json::<Op>(&typed).await
    })
}

/// Why [`find`] found no single operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// No operation has this name or module name.
    Unknown {
        name: String,
        /// Every operation of the table, as `Name@version`.
        known: Vec<String>,
    },
    /// The name has several versions and none was chosen.
    Ambiguous {
        name: String,
        versions: Vec<&'static str>,
    },
    /// The name exists, but not at this version.
    UnknownVersion {
        name: String,
        version: String,
        versions: Vec<&'static str>,
    },
}

impl fmt::Display for FindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown { name, known } => write!(
                f,
                "no operation `{name}`; known: {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ),
            Self::Ambiguous { name, versions } => write!(
                f,
                "`{name}` exists at versions {}: name one, as {name}@{}",
                versions.join(" and "),
                versions.last().copied().unwrap_or_default()
            ),
            Self::UnknownVersion {
                name,
                version,
                versions,
            } => write!(
                f,
                "`{name}` has no version {version}; its versions: {}",
                versions.join(", ")
            ),
        }
    }
}

impl std::error::Error for FindError {}

/// The operation of `table` named `name`: its documented name (any case, `ListUsages`) or
/// its module name (`list_usages_2023_11_01`), optionally followed by `@VERSION`, or with
/// `version` given. A name with several versions needs one.
pub fn find<'t>(
    table: &'t [ApiOperation],
    name: &str,
    version: Option<&str>,
) -> Result<&'t ApiOperation, FindError> {
    let (name, at) = match name.split_once('@') {
        Some((name, at)) => (name.trim(), Some(at.trim())),
        None => (name.trim(), None),
    };
    let by_module: Vec<&ApiOperation> = table
        .iter()
        .filter(|o| o.module.eq_ignore_ascii_case(name))
        .collect();
    let matches: Vec<&ApiOperation> = if by_module.is_empty() {
        table
            .iter()
            .filter(|o| o.descriptor.name.eq_ignore_ascii_case(name))
            .collect()
    } else {
        by_module
    };
    let versions: Vec<&'static str> = matches.iter().map(|o| o.descriptor.version).collect();
    let version = match (at, version) {
        (Some(a), Some(v)) if a != v => {
            return Err(FindError::UnknownVersion {
                name: name.to_owned(),
                version: format!("{a} and {v} at once"),
                versions,
            });
        }
        (a, v) => a.or(v),
    };
    match (matches.as_slice(), version) {
        ([], _) => Err(FindError::Unknown {
            name: name.to_owned(),
            known: table.iter().map(ApiOperation::qualified_name).collect(),
        }),
        (_, Some(v)) => matches
            .iter()
            .find(|o| o.descriptor.version == v)
            .copied()
            .ok_or_else(|| FindError::UnknownVersion {
                name: name.to_owned(),
                version: v.to_owned(),
                versions,
            }),
        ([one], None) => Ok(one),
        (_, None) => Err(FindError::Ambiguous {
            name: name.to_owned(),
            versions,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{Enforcement, Limits, SpanCounting, SpanLimit};
    use crate::error::ErrorKind;
    use crate::operation::{RequestParts, WireError};
    use crate::validate::{TimePoint, TimeRange};
    use crate::{AuthScheme, Envelope};

    static DESCRIPTOR: OperationDescriptor = OperationDescriptor {
        vendor: "test",
        service: "svc",
        name: "GetThings",
        version: "2024-01-01",
        method: "POST",
        path: "/",
        auth: AuthScheme::Tc3HmacSha256,
        envelope: Envelope::TencentResponse,
        endpoints: &[],
        default_region: "r",
        constants: &[],
        context_params: &[],
        limits: Limits {
            rate: None,
            span: Some(SpanLimit {
                start_param: "From",
                end_param: "To",
                max_days: 3,
                counting: SpanCounting::InclusiveDays,
                end_inclusive: true,
                enforcement: Enforcement::Enforced,
            }),
            lookback: None,
            data_delay: None,
            day_offset_seconds: 0,
            granularity: None,
        },
        error_codes: &[],
        vendor_error_codes: &[],
        usage: None,
    };

    #[derive(Debug, serde::Deserialize)]
    struct Input {
        #[serde(rename = "From")]
        from: chrono::NaiveDate,
        #[serde(rename = "To")]
        to: chrono::NaiveDate,
        #[serde(rename = "Id", default)]
        id: Option<u64>,
        #[serde(rename = "tag", default)]
        tags: Vec<String>,
    }

    struct GetThings;

    impl Operation for GetThings {
        type Input = Input;
        type Output = Value;
        fn descriptor() -> &'static OperationDescriptor {
            &DESCRIPTOR
        }
        fn write_request(input: &Input, request: &mut RequestParts) -> Result<(), WireError> {
            crate::wire::push_query(request, "tag", &input.tags)?;
            crate::wire::json_body(request, &(input.from, input.to, input.id))
        }
        fn time_range(input: &Input) -> TimeRange {
            TimeRange {
                start: Some(TimePoint::from(&input.from)),
                end: Some(TimePoint::from(&input.to)),
            }
        }
    }

    const PARAMS: &[ApiParam] = &[
        ApiParam {
            name: "From",
            location: Location::Body,
            required: true,
            kind: ValueKind::String,
        },
        ApiParam {
            name: "To",
            location: Location::Body,
            required: true,
            kind: ValueKind::String,
        },
        ApiParam {
            name: "Id",
            location: Location::Body,
            required: false,
            kind: ValueKind::Integer,
        },
        ApiParam {
            name: "tag",
            location: Location::Query,
            required: false,
            kind: ValueKind::Array(&ValueKind::String),
        },
    ];

    static TABLE: &[ApiOperation] = &[
        ApiOperation {
            descriptor: &DESCRIPTOR,
            module: "get_things",
            params: PARAMS,
            check: check::<GetThings>,
            call: call::<GetThings>,
        },
        ApiOperation {
            descriptor: &DESCRIPTOR,
            module: "get_things_v2",
            params: PARAMS,
            check: check::<GetThings>,
            call: call::<GetThings>,
        },
    ];

    fn now() -> DateTime<Utc> {
        "2024-06-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn unknown_keys_bad_bodies_and_bad_values_are_invalid_input() {
        let op = &TABLE[0];
        let err = op
            .check_input(&serde_json::json!({"from": "x"}), now())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("did you mean `From`?"), "{err}");
        let err = op
            .check_input(
                &serde_json::json!({"From": "2024-01-01", "To": "2024-01-02", "Nope": 1}),
                now(),
            )
            .unwrap_err();
        assert!(err.message().contains("`Nope` is not a parameter"), "{err}");
        let err = op
            .check_input(&serde_json::json!({"From": "2024-01-01"}), now())
            .unwrap_err();
        assert!(err.message().contains("missing field `To`"), "{err}");
        let err = op
            .check_input(
                &serde_json::json!({"From": "2024-01-01", "To": "2024-01-02", "Id": "x"}),
                now(),
            )
            .unwrap_err();
        assert!(err.message().contains("invalid type"), "{err}");
        // The parameter is named, with the element of a list.
        assert!(err.message().contains("Id: invalid type"), "{err}");
        let err = op
            .check_input(
                &serde_json::json!({"From": "2024-01-01", "To": "2024-01-02", "tag": ["a", 7]}),
                now(),
            )
            .unwrap_err();
        assert!(err.message().contains("tag[1]: invalid type"), "{err}");
        let err = op
            .check_input(
                &serde_json::json!({"From": "2024-13-01", "To": "2024-01-02"}),
                now(),
            )
            .unwrap_err();
        assert!(err.message().contains("From: "), "{err}");
        let err = op
            .check_input(
                &serde_json::json!({"From": "2024-01-01", "To": "2024-01-04"}),
                now(),
            )
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("3 days"), "{err}");
    }

    #[tokio::test]
    async fn a_refused_input_makes_no_call() {
        let client = Client::new(
            &TEST_VENDOR,
            crate::Config::builder()
                .credentials(crate::Credentials::new("ak", "sk"))
                .endpoint_url("http://127.0.0.1:9")
                .build()
                .unwrap(),
        )
        .unwrap();
        let err = TABLE[0]
            .invoke(
                &client,
                serde_json::json!({"From": "2024-01-02", "To": "2024-01-01"}),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(err.attempts(), 0);
    }

    static TEST_VENDOR: crate::VendorInfo = crate::VendorInfo {
        id: "test",
        display_name: "Test",
        credential_env: crate::descriptor::CredentialEnv {
            access_key: &[],
            secret_key: &[],
            session_token: &[],
            project_id: &[],
            region: &[],
        },
        endpoint_env: "RTC_USAGE_ENDPOINT_TEST",
        default_region: "r",
    };

    #[test]
    fn operations_are_found_by_name_module_and_version() {
        let found = |name, version| find(TABLE, name, version).map(|o| o.module);
        assert_eq!(found("get_things_v2", None), Ok("get_things_v2"));
        assert_eq!(found("GET_THINGS", None), Ok("get_things"));
        let ambiguous = found("getthings", None).unwrap_err();
        assert!(matches!(ambiguous, FindError::Ambiguous { .. }));
        assert_eq!(
            ambiguous.to_string(),
            "`getthings` exists at versions 2024-01-01 and 2024-01-01: name one, as getthings@2024-01-01"
        );
        assert_eq!(found("GetThings@2024-01-01", None), Ok("get_things"));
        assert_eq!(found("GetThings", Some("2024-01-01")), Ok("get_things"));
        assert!(matches!(
            found("GetThings@2020-01-01", None),
            Err(FindError::UnknownVersion { .. })
        ));
        assert!(matches!(
            found("GetThings@2024-01-01", Some("2020-01-01")),
            Err(FindError::UnknownVersion { .. })
        ));
        let unknown = found("Nothing", None).unwrap_err();
        assert!(
            unknown.to_string().contains("GetThings@2024-01-01"),
            "{unknown}"
        );
    }
}
