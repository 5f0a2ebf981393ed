//! The facade's vendor registry: every vendor crate the specs make, behind a cargo feature
//! of its own, in the vendors' `order`. The facade's manifest is generated with it, so a new
//! `specs/<vendor>/` needs no hand-written line anywhere.

use std::path::PathBuf;

use quote::{format_ident, quote};

use super::rust::{format_file, header};
use super::{Error, GeneratedFile};
use crate::load::VendorSpecs;

/// The facade crate's folder.
const FACADE: &str = "crates/rtc-usage";

pub fn render(vendors: &[VendorSpecs]) -> Result<Vec<GeneratedFile>, Error> {
    let mut sorted: Vec<&VendorSpecs> = vendors.iter().collect();
    sorted.sort_by_key(|v| (v.vendor.order, v.vendor.vendor.clone()));
    for pair in sorted.windows(2) {
        if pair[0].vendor.order == pair[1].vendor.order {
            return Err(Error::Generate {
                file: pair[1].vendor_file.clone(),
                message: format!(
                    "key `order`: {} is also the order of `{}`",
                    pair[1].vendor.order, pair[0].vendor.vendor
                ),
            });
        }
    }
    let source = "specs/*/vendor.yaml";
    let entries = sorted.iter().map(|v| {
        let (feature, krate) = (&v.vendor.vendor, crate_ident(v));
        quote! {
            #[cfg(feature = #feature)]
            &::#krate::ENTRY
        }
    });
    let reexports = sorted.iter().map(|v| {
        let (feature, krate) = (&v.vendor.vendor, crate_ident(v));
        let alias = format_ident!("{}", v.vendor.vendor);
        let doc = format!(
            "The generated {} client crate (`{}`), with the feature `{feature}`.",
            v.vendor.display_name, v.vendor.crate_name
        );
        quote! {
            #[doc = #doc]
            #[cfg(feature = #feature)]
            pub use ::#krate as #alias;
        }
    });
    let ids = sorted.iter().map(|v| &v.vendor.vendor);
    let tokens = quote! {
        #[doc = "Every vendor of this build (its cargo features), in the specs' `order`."]
        pub static VENDORS: &[&::rtc_usage_core::registry::VendorEntry] = &[#(#entries),*];

        #[doc = "Every vendor id the specs know, whether or not this build has its feature."]
        pub static KNOWN_IDS: &[&str] = &[#(#ids),*];

        #(#reexports)*
    };
    let registry = GeneratedFile {
        path: PathBuf::from(FACADE).join("src/generated/registry.rs"),
        contents: format_file(&header("//", source), tokens).map_err(|message| {
            Error::Generate {
                file: PathBuf::from(source),
                message,
            }
        })?,
    };
    let module = GeneratedFile {
        path: PathBuf::from(FACADE).join("src/generated/mod.rs"),
        contents: format!(
            "{}\n//! Code generated from the specs: the vendor registry.\n\n#[rustfmt::skip]\npub(crate) mod registry;\n",
            header("//", source)
        ),
    };
    Ok(vec![
        module,
        registry,
        GeneratedFile {
            path: PathBuf::from(FACADE).join("Cargo.toml"),
            contents: manifest(&sorted)?,
        },
    ])
}

fn crate_ident(v: &VendorSpecs) -> syn::Ident {
    format_ident!("{}", v.vendor.crate_name.replace('-', "_"))
}

fn manifest(vendors: &[&VendorSpecs]) -> Result<String, Error> {
    let names: Vec<String> = vendors
        .iter()
        .map(|v| format!("\"{}\"", v.vendor.vendor))
        .collect();
    let display: Vec<&str> = vendors
        .iter()
        .map(|v| v.vendor.display_name.as_str())
        .collect();
    let features: String = vendors
        .iter()
        .map(|v| format!("{} = [\"dep:{}\"]\n", v.vendor.vendor, v.vendor.crate_name))
        .collect();
    let mut deps = String::new();
    for v in vendors {
        deps.push_str(&format!(
            "{name} = {{ path = \"../{name}\", version = \"{version}\", default-features = false, optional = true }}\n",
            name = v.vendor.crate_name,
            version = super::vendor::crate_version(v)?,
        ));
    }
    Ok(format!(
        r#"{header}
[package]
name = "rtc-usage"
description = "RTC usage across {display}: one facade over the generated vendor clients."
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[features]
default = [{names}, "rustls"]
# One feature per vendor crate (specs/<vendor>/), so a build pays only for the vendors it asks.
{features}rustls = ["rtc-usage-core/rustls"]
native-tls = ["rtc-usage-core/native-tls"]

[dependencies]
rtc-usage-core.workspace = true
{deps}chrono.workspace = true
serde.workspace = true
serde_json.workspace = true
thiserror.workspace = true
tracing.workspace = true
# `JoinSet` (rt) and the per-vendor in-flight `Semaphore` (sync); timers are core's.
tokio = {{ workspace = true, features = ["rt", "sync"] }}

[dev-dependencies]
rtc-usage-core = {{ workspace = true, features = ["rustls", "test-util"] }}
serde_yaml_ng.workspace = true
tokio = {{ workspace = true, features = ["rt-multi-thread", "macros", "test-util"] }}
# Benchmarks: criterion for the codec, the emulator for the bulk fetch, reqwest (already in
# the tree through core) to build the request the client would send.
criterion.workspace = true
reqwest.workspace = true
rtc-usage-emulator = {{ path = "../rtc-usage-emulator" }}

# Building, signing and serializing a request; decoding and normalizing a 31-day answer.
[[bench]]
name = "codec"
harness = false

# A 95-day reconciliation of 20 apps per vendor against the emulator's enforced rate limits.
[[bench]]
name = "bulk_fetch"
harness = false
"#,
        header = header("#", "specs/*/vendor.yaml"),
        display = list(&display),
        names = names.join(", "),
    ))
}

/// `A, B and C`.
fn list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}
