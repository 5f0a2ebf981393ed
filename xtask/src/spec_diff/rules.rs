//! The classification: one rule per kind of change, giving its Rust semver impact on the
//! generated crate, its wire risk and its data risk. The generated types are
//! `#[non_exhaustive]` (structs and enums), so adding a member or a value is minor; changing
//! a member's Rust type (`T` ↔ `Option<T>`, `u32` → `u64`) is major. The table is the
//! single source: `cargo xtask spec-diff --rules` prints it.

use std::fmt;

use serde::Serialize;

use crate::version::Semver;

/// Requests the vendor would refuse, or answers that would not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Wire {
    None,
    /// A request built as before may be refused (or throttled) by the vendor.
    Request,
    /// An answer the vendor sends may no longer decode.
    Response,
}

/// Figures that may be silently wrong: nothing fails, the numbers change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Data {
    None,
    Risk,
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Request => "request",
            Self::Response => "response",
        })
    }
}

impl fmt::Display for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Risk => "risk",
        })
    }
}

/// A classification rule.
#[derive(Debug)]
pub struct Rule {
    pub kind: ChangeKind,
    pub semver: Semver,
    pub wire: Wire,
    pub data: Data,
    /// Why, in a few words (shown beside each change).
    pub why: &'static str,
}

macro_rules! rules {
    ($($variant:ident $id:literal => $semver:ident, $wire:ident, $data:ident, $why:literal;)*) => {
        /// What changed. Its id (`field-added`) is the JSON spelling and the fixture's name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ChangeKind { $($variant),* }

        impl ChangeKind {
            pub const ALL: &[ChangeKind] = &[$(ChangeKind::$variant),*];

            pub fn id(self) -> &'static str {
                match self { $(ChangeKind::$variant => $id),* }
            }
        }

        /// Every rule, in the order of the table.
        pub static RULES: &[Rule] = &[$(Rule {
            kind: ChangeKind::$variant,
            semver: Semver::$semver,
            wire: Wire::$wire,
            data: Data::$data,
            why: $why,
        }),*];
    };
}

rules! {
    VendorAdded "vendor-added" => Minor, None, None, "a new crate";
    VendorRemoved "vendor-removed" => Major, None, None, "the crate is no longer generated";
    CrateRenamed "crate-renamed" => Major, None, None, "dependents name the old crate";
    CredentialVariableAdded "credential-variable-added" => Minor, None, None, "one more variable is read";
    CredentialVariableRemoved "credential-variable-removed" => Major, None, None, "environments that set it no longer configure the client";
    EndpointOverrideChanged "endpoint-override-changed" => Major, None, None, "the old override variable is ignored";
    OperationAdded "operation-added" => Minor, None, None, "a new method and types";
    OperationRemoved "operation-removed" => Major, None, None, "its method and types are gone";
    OperationVersionChanged "operation-version-changed" => Patch, Request, None, "requests go to another API version";
    RequestShapeChanged "request-shape-changed" => Patch, Request, None, "name, service, method, path or signature of the request";
    EnvelopeChanged "envelope-changed" => Patch, Response, None, "answers are unwrapped differently";
    ParameterAdded "parameter-added" => Minor, None, None, "an optional setter";
    ParameterAddedRequired "parameter-added-required" => Major, Request, None, "callers must set it; requests without it are refused";
    ParameterRemoved "parameter-removed" => Major, Request, None, "its setter is gone; the vendor no longer takes it";
    ParameterRenamed "parameter-renamed" => Major, Request, None, "the setter and the wire name change";
    ParameterBecameRequired "parameter-became-required" => Major, Request, None, "Option<T> becomes T; requests without it are refused";
    ParameterBecameOptional "parameter-became-optional" => Major, None, None, "T becomes Option<T>";
    ParameterTypeChanged "parameter-type-changed" => Major, Request, None, "the Rust type and the value sent change";
    ParameterLocationChanged "parameter-location-changed" => Patch, Request, None, "sent in another place (query, body, header, path)";
    ParameterConstChanged "parameter-const-changed" => Patch, Request, None, "another fixed value is sent";
    ParameterValueAdded "parameter-value-added" => Minor, None, None, "a new enum variant (non_exhaustive)";
    ParameterValueRemoved "parameter-value-removed" => Major, Request, None, "a variant is gone; the vendor refuses it";
    ParameterBoundsLoosened "parameter-bounds-loosened" => Patch, Request, None, "values the vendor may refuse pass the local check";
    ParameterBoundsTightened "parameter-bounds-tightened" => Patch, None, None, "more values are refused before sending";
    FieldAdded "field-added" => Minor, None, None, "a new optional member (non_exhaustive)";
    FieldAddedRequired "field-added-required" => Minor, Response, None, "answers without it no longer decode";
    FieldRemoved "field-removed" => Major, None, None, "readers of the member break";
    FieldRenamed "field-renamed" => Major, None, None, "the Rust member and the wire name change";
    FieldBecameRequired "field-became-required" => Major, Response, None, "Option<T> becomes T; answers without it no longer decode";
    FieldBecameOptional "field-became-optional" => Major, None, None, "T becomes Option<T>";
    FieldTypeChanged "field-type-changed" => Major, Response, None, "the Rust type changes; answers of the old type no longer decode";
    FieldWidened "field-widened" => Major, None, None, "a wider Rust number type (u32 to u64); every old answer still decodes";
    FieldNarrowed "field-narrowed" => Major, Response, None, "a narrower Rust number type; large values no longer decode";
    FieldValueAdded "field-value-added" => Minor, None, None, "a new enum variant (non_exhaustive)";
    FieldValueRemoved "field-value-removed" => Major, Response, None, "a variant is gone; a closed enum no longer decodes it";
    FieldKnownValueRemoved "field-known-value-removed" => Major, None, None, "a variant of an open set is gone; the value still decodes as unknown";
    FieldBoundsLoosened "field-bounds-loosened" => Patch, None, None, "more answers are accepted";
    FieldBoundsTightened "field-bounds-tightened" => Patch, Response, None, "answers out of the new bounds no longer decode";
    UnitChanged "unit-changed" => Patch, None, Risk, "the same number now means another unit (minutes, seconds)";
    SecretChanged "secret-changed" => Major, None, None, "the member appears in or disappears from the typed answer";
    DocChanged "doc-changed" => Patch, None, None, "documentation only";
    UsageAdded "usage-added" => Minor, None, None, "the facade reads a new operation";
    UsageRemoved "usage-removed" => Major, None, Risk, "the facade stops reading these figures; totals drop";
    UsageQueryChanged "usage-query-changed" => Patch, None, Risk, "the usage question asks something else (app, variants, category, fixed values)";
    BucketLayoutChanged "bucket-layout-changed" => Patch, None, Risk, "buckets are read from other members or have another length";
    TimeFormatChanged "time-format-changed" => Patch, None, Risk, "bucket times are read in another format";
    TimeZoneChanged "time-zone-changed" => Patch, None, Risk, "days and bucket times move to another offset";
    TierMappingChanged "tier-mapping-changed" => Patch, None, Risk, "figures land in other common tiers";
    SpanCountingChanged "span-counting-changed" => Patch, None, Risk, "windows are counted differently: gaps or double counting at their edges";
    LimitLoosened "limit-loosened" => Patch, Request, None, "more or larger requests: the vendor may refuse or throttle them";
    LimitTightened "limit-tightened" => Patch, None, None, "fewer or smaller requests";
    DataDelayShortened "data-delay-shortened" => Patch, None, Risk, "figures are read sooner, possibly before they are final";
    DataDelayLengthened "data-delay-lengthened" => Patch, None, None, "figures are read later";
    RegionAdded "region-added" => Minor, None, None, "a new region";
    RegionRemoved "region-removed" => Major, None, None, "configurations naming it fail";
    EndpointChanged "endpoint-changed" => Patch, Request, None, "requests go to another host or default region";
    ErrorCodeAdded "error-code-added" => Patch, None, None, "one more code is classified";
    ErrorCodeRemoved "error-code-removed" => Patch, None, None, "the code falls back to a wider rule";
    ErrorCodeChanged "error-code-changed" => Patch, None, None, "the code is classified or explained differently";
    NoteChanged "note-changed" => None, None, None, "a note of the spec";
    ExampleChanged "example-changed" => None, None, None, "a documented example (the generated tests)";
    SourceChanged "source-changed" => None, None, None, "where the spec comes from";
}

impl ChangeKind {
    /// The macro writes `RULES` in the order of the variants.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.id() == id)
    }
}

impl Serialize for ChangeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_rule() {
        for kind in ChangeKind::ALL {
            assert_eq!(RULES.iter().filter(|r| r.kind == *kind).count(), 1);
            assert_eq!(kind.rule().kind, *kind);
            assert_eq!(ChangeKind::from_id(kind.id()), Some(*kind));
        }
    }
}
