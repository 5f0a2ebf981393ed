//! The spec model: what a hand-written spec in `specs/` may say.
//!
//! Every struct denies unknown keys, so a typo in a spec is an error that names the key.
//! `specs/spec.schema.json` is derived from these types (`cargo xtask codegen` writes it).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `specs/<vendor>/vendor.yaml`: facts shared by every operation of one vendor.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorSpec {
    /// Vendor id: the folder name, the CLI's VENDOR, the crate suffix.
    pub vendor: String,
    pub display_name: String,
    /// The generated crate's name, `rtc-usage-<vendor>`.
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub description: String,
    pub credentials: CredentialsSpec,
    /// Environment variable that overrides every endpoint of this vendor.
    pub endpoint_env: String,
    pub default_region: String,
    /// Position of the vendor in listings and reports (the vendor registry's order).
    pub order: u32,
    /// The generated crate's version (`MAJOR.MINOR.PATCH`), written into its manifest.
    /// `cargo xtask spec-diff --check` fails when the specs changed since `released` by more
    /// than this version moved. Optional only so that trees from before it existed still load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The crate's last release: its version and the git commit whose `specs/` it was
    /// generated from; the base of the version gate and of the changelog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<Released>,
    /// JSON Schema definitions shared by several operations, referenced from an operation
    /// spec as `$ref: "vendor.yaml#/definitions/Name"` (copied into each operation).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub definitions: serde_json::Map<String, Value>,
    /// Error codes every operation of this vendor may return.
    #[serde(default)]
    pub errors: Vec<ErrorRule>,
}

/// A release of a vendor crate: the version and the commit of the specs it was made from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Released {
    pub version: String,
    /// The full git commit id (40 hex digits) whose `specs/` the release was generated from.
    pub rev: String,
}

/// The vendor's conventional credential environment variables, each list tried in order.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialsSpec {
    pub access_key: Vec<String>,
    pub secret_key: Vec<String>,
    pub session_token: Vec<String>,
    pub project_id: Vec<String>,
    pub region: Vec<String>,
    /// Where the names come from.
    pub source: String,
}

/// `specs/<vendor>/<operation>.yaml`: one documented operation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    pub vendor: String,
    /// The vendor's service name, also the signing service.
    pub service: String,
    /// The documented operation name (`ListUsages`).
    pub operation: String,
    pub version: String,
    /// The Rust module name, when the default (snake case of `operation`) would clash,
    /// e.g. the same operation at two versions. It also names the client method and the
    /// operation's types (`list_usages_2023_11_01` → `ListUsages20231101Request`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_module: Option<String>,
    pub summary: String,
    pub description: String,
    pub source: Source,
    pub http: Http,
    pub auth: Auth,
    pub endpoints: Endpoints,
    pub envelope: EnvelopeKind,
    /// UTC offset of the calendar the operation's dates and days are in (`+08:00`, `+00:00`).
    pub day_offset: String,
    pub parameters: Vec<Parameter>,
    pub response: Response,
    /// What the answer means as usage, for an operation that reports usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// JSON Schema definitions shared by parameters and the response (`#/definitions/Name`).
    /// A string definition with `x-known-values` is an open set: known values plus any other.
    #[serde(default)]
    pub definitions: serde_json::Map<String, Value>,
    pub limits: Limits,
    /// Error codes specific to this operation (the vendor's shared ones are in vendor.yaml).
    #[serde(default)]
    pub errors: Vec<ErrorRule>,
    /// The document's examples, verbatim.
    pub examples: Vec<Example>,
    /// Each defect or ambiguity of the source, and the reading this spec takes.
    pub notes: Vec<Note>,
}

/// The document a spec is transcribed from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Path below `shared/` of the source document.
    pub document: String,
    pub title: String,
    pub language: String,
    /// The document's own date (`YYYY-MM-DD`), or null when it carries none.
    pub published: Option<String>,
    /// When this spec was written from it (`YYYY-MM-DD`).
    pub retrieved: String,
    /// Where the vendor publishes the document, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SHA-256 (lowercase hex, as `sha256sum` prints it) of the bytes of the document file
    /// named by `document`, as retrieved; absent when that text is not at hand, which
    /// `cargo xtask source-check` reports as not pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Other sources a spec relies on.
    #[serde(default)]
    pub also: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Http {
    pub method: Method,
    /// Path template; `{name}` placeholders are `in: path` parameters.
    pub path: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub scheme: AuthScheme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthScheme {
    /// Volcengine `HMAC-SHA256`.
    VolcengineHmacSha256,
    /// Tencent Cloud `TC3-HMAC-SHA256`.
    Tc3HmacSha256,
    /// Huawei Cloud `SDK-HMAC-SHA256`.
    HuaweiSdkHmacSha256,
    /// Alibaba Cloud `ACS3-HMAC-SHA256`.
    Acs3HmacSha256,
    /// HTTP Basic (RFC 7617) with a user id and secret (Agora's Customer ID and Secret).
    HttpBasic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EnvelopeKind {
    /// `{"ResponseMetadata": .., "Result": payload}`.
    VolcengineResult,
    /// `{"Response": payload}`, errors inside with HTTP 200.
    TencentResponse,
    /// The payload bare; `{error_code, error_msg}` on errors.
    HuaweiPlain,
    /// Alibaba Cloud RPC: the payload bare; `{RequestId, HostId, Code, Message, Recommend}` on
    /// errors.
    AlibabaRpc,
    /// The payload bare on any 2xx; errors by HTTP status with `{"message"}` (Agora).
    AgoraPlain,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    pub default_region: String,
    pub regions: Vec<RegionEndpoint>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionEndpoint {
    pub region: String,
    pub url: String,
    /// The vendor's documented fail-over hosts (URLs) for this endpoint, in the order tried:
    /// a retry after a connection failure goes to the next.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failover: Vec<String>,
}

/// One request parameter: a constant, a value from the client's context, or a typed value
/// the caller sets (exactly one of `const`, `from`, `schema`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: Location,
    #[serde(default)]
    pub required: bool,
    #[serde(rename = "const", default, skip_serializing_if = "Option::is_none")]
    pub constant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ContextValue>,
    /// JSON Schema of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Path,
    Query,
    Header,
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContextValue {
    /// The project id the client is configured with (Huawei).
    ProjectId,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// JSON Schema of the payload inside the envelope.
    pub schema: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Rate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookback: Option<Lookback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_delay_hours: Option<u32>,
    pub granularity: Granularity,
}

/// `requests` calls per `per_seconds`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub requests: u32,
    pub per_seconds: u32,
    /// Who shares the window: this operation (the default) or the whole account (every
    /// operation of the vendor whose limit says `account`).
    #[serde(default, skip_serializing_if = "RateScope::is_operation")]
    pub scope: RateScope,
    pub source: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RateScope {
    /// Each operation has its own window.
    #[default]
    Operation,
    /// One window per account, shared by the vendor's account-scoped operations.
    Account,
}

impl RateScope {
    fn is_operation(&self) -> bool {
        *self == Self::Operation
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// The parameter holding the start of the range.
    pub start: String,
    pub end: String,
    pub max_days: u32,
    pub counting: SpanCounting,
    /// Whether the vendor includes the end (the reading the notes justify).
    pub end_inclusive: bool,
    /// Whether a source confirms the limit, so that it is checked before a call.
    pub enforce: bool,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SpanCounting {
    /// Whole calendar days, both ends included.
    InclusiveDays,
    /// Time elapsed from start to end.
    Elapsed,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lookback {
    pub param: String,
    pub max_days: u32,
    pub enforce: bool,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Granularity {
    pub bucket_minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<FineGranularity>,
}

/// Ranges of at most `max_days` days come in `bucket_minutes` buckets.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FineGranularity {
    pub bucket_minutes: u32,
    pub max_days: u32,
    pub source: String,
}

/// A vendor error code (or `Prefix*`) and what it means.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    pub code: String,
    pub kind: ErrorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// A clearer message for the caller than the vendor's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    Throttled,
    Auth,
    ClockSkew,
    InvalidParameter,
    NotFound,
    Server,
    Other,
}

/// A documented example, verbatim.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    pub source: String,
    pub request: ExampleRequest,
    /// The request as it must be sent, where the document's own is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<Correction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ExampleResponse>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    /// The URL or request line, verbatim (path and query are compared).
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The id of the note that explains the defect.
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    pub status: u16,
    pub body: String,
}

/// A defect or ambiguity of the source and the reading the spec takes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: String,
    /// The part of the spec it concerns (`limits.span`, `examples`...).
    pub about: String,
    pub text: String,
    pub reading: String,
    /// The date (`YYYY-MM-DD`) a maintainer reviewed the normalization after a change that
    /// risks silently wrong figures (a unit, a time zone, a bucket layout): a note that adds
    /// or moves this date acknowledges the data-risk changes of its spec in `spec-diff --check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<String>,
}

/// An operation's `usage:` block: how its answer becomes normalized usage. The unit is not
/// repeated here: it is the `x-unit` of the value fields the layout names.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// The category of every call; a variant may set its own instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    pub app: UsageApp,
    /// The parameter that splits the operation; each value is asked once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<UsageVariants>,
    /// Parameters the usage question always sets, by wire name, as JSON values.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub fixed: serde_json::Map<String, Value>,
    pub layout: UsageLayout,
    pub time: UsageTime,
    /// Each vendor tier name and its common tier, in the order answers list them.
    pub tiers: Vec<UsageTier>,
    /// Where the tier mapping comes from.
    pub tiers_source: String,
    /// Whether the facade asks this operation; false for a second version of one it asks.
    #[serde(default = "yes")]
    pub facade: bool,
}

fn yes() -> bool {
    true
}

/// The parameter that names the app.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageApp {
    pub param: String,
    /// Whether leaving the parameter out asks for every app of the account.
    #[serde(default)]
    pub all_when_omitted: bool,
    /// An app id of the right shape, for messages.
    pub example: String,
    /// A string parameter that takes several ids separated by commas.
    #[serde(default)]
    pub comma_separated: bool,
    /// The parameter takes another key than the app id a user names: the value is looked up,
    /// once per run, in the answer of another operation of the vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<UsageAppLookup>,
}

/// Where the app parameter's value is found from an app id: the answer of `operation` (an
/// operation of the same vendor without required parameters) lists the apps in the array
/// `rows`; the row whose `key` is the app id has the value to send in `value`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageAppLookup {
    /// The documented name of the listing operation.
    pub operation: String,
    /// The dotted path of the array of apps in its payload.
    pub rows: String,
    /// The member of a row holding the app id a user names.
    pub key: String,
    /// The member of a row holding the value to send.
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageVariants {
    pub param: String,
    /// Whether records name the variant in front of the tier (`single/HD`).
    #[serde(default)]
    pub tier_prefix: bool,
    pub values: Vec<UsageVariant>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageVariant {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
}

/// Where the answer keeps its buckets; member paths are dotted (`StreamDetailData.StreamData`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum UsageLayout {
    /// An array of buckets with a member per tier (the tier names are the member names).
    Fields {
        rows: String,
        time: String,
        /// A member that should equal the sum of the tiers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
    },
    /// Tier names as data in `keys`, each bucket's figures by position in `values`.
    KeyValue {
        keys: String,
        rows: String,
        time: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time_epoch: Option<String>,
        values: String,
    },
    /// One row per bucket and tier.
    Rows {
        rows: String,
        time: String,
        tier: String,
        value: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageTime {
    pub format: TimeFormat,
    /// The zone of times written without an offset; the operation's `day_offset` if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TimeFormat {
    /// RFC 3339 with an offset.
    Rfc3339,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD HH:MM:SS` without an offset.
    LocalDateTime,
    /// Unix seconds.
    EpochSeconds,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageTier {
    /// The vendor's name (a member name, or a key value).
    pub name: String,
    pub tier: Tier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Call,
    Recording,
    Transcoding,
}

/// The common tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Tier {
    #[serde(rename = "audio")]
    Audio,
    #[serde(rename = "sd")]
    Sd,
    #[serde(rename = "hd")]
    Hd,
    #[serde(rename = "fhd")]
    Fhd,
    #[serde(rename = "2k")]
    TwoK,
    #[serde(rename = "4k")]
    FourK,
    #[serde(rename = "other")]
    Other,
}

/// Either kind of spec file: what `specs/spec.schema.json` validates.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SpecFile {
    Operation(Box<OperationSpec>),
    Vendor(Box<VendorSpec>),
}
