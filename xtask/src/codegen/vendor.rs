//! One vendor crate: manifest, lib.rs, the client with its stub trait, and one module per
//! operation.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operation::{self, CrateContext, RenderedOperation};
use super::rust::{format_file, header, type_name};
use super::{Error, GeneratedFile};
use crate::load::VendorSpecs;

pub fn render(v: &VendorSpecs) -> Result<Vec<GeneratedFile>, Error> {
    let vendor = &v.vendor;
    let crate_dir = PathBuf::from("crates").join(&vendor.crate_name);
    let src = crate_dir.join("src");
    let vendor_source = v.vendor_file.display().to_string();
    let fail = |file: &PathBuf, message: String| Error::Generate {
        file: file.clone(),
        message,
    };
    let mut files = Vec::new();
    let mut ops = Vec::new();
    let krate = CrateContext {
        crate_ident: vendor.crate_name.replace('-', "_"),
        stub: stub_trait(v),
    };
    for op in &v.operations {
        let rendered = operation::render(&op.spec, &krate).map_err(|m| fail(&op.file, m))?;
        let contents = format_file(
            &header("//", &op.file.display().to_string()),
            rendered.tokens.clone(),
        )
        .map_err(|m| fail(&op.file, m))?;
        files.push(GeneratedFile {
            path: src
                .join("generated")
                .join(format!("{}.rs", rendered.module)),
            contents,
        });
        ops.push(rendered);
    }
    let all_sources = format!("{} and the operation specs beside it", vendor_source);
    let generated_header = header("//", &all_sources);
    for (path, tokens) in [
        ("generated/mod.rs", module_root(v, &ops)),
        ("generated/client.rs", client(v, &ops)),
        ("lib.rs", lib_rs(v, &ops)),
    ] {
        files.push(GeneratedFile {
            path: src.join(path),
            contents: format_file(&generated_header, tokens)
                .map_err(|m| fail(&v.vendor_file, m))?,
        });
    }
    files.push(GeneratedFile {
        path: crate_dir.join("Cargo.toml"),
        contents: manifest(v, crate_version(v)?),
    });
    files.push(GeneratedFile {
        path: crate_dir.join("README.md"),
        contents: readme(v, &ops),
    });
    Ok(files)
}

/// The crate's README (what crates.io shows): what the vendor is, its operations, where its
/// credentials come from, and the first lines of code.
fn readme(v: &VendorSpecs, ops: &[RenderedOperation]) -> String {
    let vendor = &v.vendor;
    let krate = vendor.crate_name.replace('-', "_");
    let source = format!(
        "{} and the operation specs beside it",
        v.vendor_file.display()
    );
    let mut text = format!(
        "{header}\n\n# {name}\n\n{display}: a typed, signed Rust client generated from hand-written specs of \
         the vendor's documents (`specs/{id}/` of the rtc-usage workspace).\n\n{description}\n\n## Operations\n\n\
         | method | operation | version | what it does |\n|---|---|---|---|\n",
        header = header("<!--", &source) + " -->",
        name = vendor.crate_name,
        display = vendor.display_name,
        id = vendor.vendor,
        description = vendor.description.trim(),
    );
    for (op, spec) in ops.iter().zip(&v.operations) {
        text.push_str(&format!(
            "| `Client::{}` | `{}` | {} | {} |\n",
            op.module,
            spec.spec.operation,
            spec.spec.version,
            spec.spec
                .summary
                .trim()
                .replace('|', "\\|")
                .replace('\n', " ")
        ));
    }
    let credentials = &vendor.credentials;
    let names = |list: &[String]| {
        if list.is_empty() {
            "-".to_owned()
        } else {
            list.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        }
    };
    text.push_str(&format!(
        "\n## Credentials\n\n`Client::from_env()` reads the access key from {}, the secret from {}, \
         the session token (temporary credentials) from {}{}{}; `{}` overrides the endpoint.\n",
        names(&credentials.access_key),
        names(&credentials.secret_key),
        names(&credentials.session_token),
        if credentials.project_id.is_empty() {
            String::new()
        } else {
            format!(", the project id from {}", names(&credentials.project_id))
        },
        if credentials.region.is_empty() {
            String::new()
        } else {
            format!(" and the region from {}", names(&credentials.region))
        },
        vendor.endpoint_env,
    ));
    text.push_str(&format!(
        "\n## Example\n\n```rust,no_run\n# async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n\
         let client = {krate}::Client::from_env()?;\n# Ok(()) }}\n```\n\n\
         Every builder setter and method is documented from the spec; see the crate docs. \
         Licensed under MIT or Apache-2.0, at your option.\n"
    ));
    text
}

fn stub_trait(v: &VendorSpecs) -> syn::Ident {
    format_ident!("{}Stub", type_name(&v.vendor.vendor))
}

fn lib_rs(v: &VendorSpecs, ops: &[RenderedOperation]) -> TokenStream {
    let vendor = &v.vendor;
    let mut docs = vec![
        format!(
            " {}: a typed, signed client generated from the specs in `specs/{}/`.",
            vendor.display_name, vendor.vendor
        ),
        String::new(),
        format!(" {}", super::rust::doc_text(vendor.description.trim())),
        String::new(),
        " # Operations".to_string(),
    ];
    for (op, spec) in ops.iter().zip(&v.operations) {
        docs.push(format!(
            " - [`Client::{}`]: `{}` ({}) — {}",
            op.module,
            spec.spec.operation,
            spec.spec.version,
            super::rust::doc_text(&spec.spec.summary)
        ));
    }
    docs.extend([
        String::new(),
        " # Example".into(),
        " ```no_run".into(),
        " # async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_string(),
        format!(
            " let client = {}::Client::from_env()?;",
            vendor.crate_name.replace('-', "_")
        ),
        " # Ok(()) }".into(),
        " ```".into(),
    ]);
    let docs = docs.iter().map(|d| quote!(#![doc = #d]));
    quote! {
        #(#docs)*
        #![forbid(unsafe_code)]
        // prettyplease formats generated code; rustfmt leaves it alone.
        #[rustfmt::skip]
        mod generated;
        pub use generated::*;
    }
}

fn module_root(v: &VendorSpecs, ops: &[RenderedOperation]) -> TokenStream {
    let vendor = &v.vendor;
    let modules = ops.iter().map(|o| {
        let m = &o.module;
        quote!(pub mod #m;)
    });
    let reexports = ops.iter().map(|o| {
        let (m, marker, req, resp) = (&o.module, &o.marker, &o.request, &o.response);
        quote!(pub use #m::{#marker, #req, #resp};)
    });
    let descriptors = ops.iter().map(|o| {
        let m = &o.module;
        quote!(&#m::DESCRIPTOR)
    });
    let api_entries = ops.iter().map(|o| {
        let (m, marker, params) = (&o.module, &o.marker, &o.api_params);
        let module = m.to_string();
        quote! {
            ::rtc_usage_core::api::ApiOperation {
                descriptor: &#m::DESCRIPTOR,
                module: #module,
                params: &[#(#params),*],
                check: ::rtc_usage_core::api::check::<#m::#marker>,
                call: ::rtc_usage_core::api::call::<#m::#marker>,
            }
        }
    });
    let (id, display, endpoint_env, default_region) = (
        &vendor.vendor,
        &vendor.display_name,
        &vendor.endpoint_env,
        &vendor.default_region,
    );
    let vendor_error_codes = super::operation::error_code_rules(&vendor.errors);
    let vendor_error_count = vendor_error_codes.len();
    let c = &vendor.credentials;
    let (ak, sk, token, project, region) = (
        &c.access_key,
        &c.secret_key,
        &c.session_token,
        &c.project_id,
        &c.region,
    );
    quote! {
        #(#modules)*
        mod client;

        #[doc = " The error every builder of this crate fails with."]
        pub mod error {
            #[doc = " Why a builder could not build its value: a required field is missing, or a value does not convert (every `TryFrom` and `FromStr` of this crate's types)."]
            #[derive(Clone)]
            pub struct ConversionError(::std::borrow::Cow<'static, str>);

            impl ::std::error::Error for ConversionError {}

            impl ::std::fmt::Display for ConversionError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(&self.0, f)
                }
            }

            impl ::std::fmt::Debug for ConversionError {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Debug::fmt(&self.0, f)
                }
            }

            impl ::std::convert::From<&'static str> for ConversionError {
                fn from(value: &'static str) -> Self {
                    Self(value.into())
                }
            }

            impl ::std::convert::From<::std::string::String> for ConversionError {
                fn from(value: ::std::string::String) -> Self {
                    Self(value.into())
                }
            }
        }

        pub use client::{Client, stub};
        #(#reexports)*
        pub use ::rtc_usage_core::{Config, Credentials, Error, ErrorKind};

        #[doc = "Vendor-wide facts from vendor.yaml: credential variables, endpoint override, default region."]
        pub static VENDOR: ::rtc_usage_core::VendorInfo = ::rtc_usage_core::VendorInfo {
            id: #id,
            display_name: #display,
            credential_env: ::rtc_usage_core::descriptor::CredentialEnv {
                access_key: &[#(#ak),*],
                secret_key: &[#(#sk),*],
                session_token: &[#(#token),*],
                project_id: &[#(#project),*],
                region: &[#(#region),*],
            },
            endpoint_env: #endpoint_env,
            default_region: #default_region,
        };

        #[doc = "The vendor-wide error codes of vendor.yaml, shared by every operation's descriptor (tried after the operation's own)."]
        #[doc(hidden)]
        pub static VENDOR_ERROR_CODES: [::rtc_usage_core::descriptor::ErrorCodeRule; #vendor_error_count] = [#(#vendor_error_codes),*];

        #[doc = "Every operation of this crate, in spec order."]
        pub static OPERATIONS: &[&::rtc_usage_core::OperationDescriptor] = &[#(#descriptors),*];

        #[doc = "Every operation of this crate as a generic entry, in spec order: its parameters, and calls that take and return JSON keyed by wire names (the `rtc-usage api` command's dispatch table)."]
        pub static API: &[::rtc_usage_core::api::ApiOperation] = &[#(#api_entries),*];

        #[doc = "This crate for generic code (the facade's vendor registry): its facts, operations, `API` table and a JSON client."]
        pub static ENTRY: ::rtc_usage_core::registry::VendorEntry = ::rtc_usage_core::registry::VendorEntry {
            info: &VENDOR,
            operations: OPERATIONS,
            api: API,
            connect: client::connect,
        };
    }
}

fn client(v: &VendorSpecs, ops: &[RenderedOperation]) -> TokenStream {
    let stub = stub_trait(v);
    let display = &v.vendor.display_name;
    let client_doc = format!(
        "A {display} client: cheap to clone; every clone shares its rate limiters and retry budget."
    );
    let stub_doc = format!(
        "The calls a {display} client makes, as a trait, so tests can stand in for the vendor with [`Client::from_stub`](super::Client::from_stub). Every method defaults to an `Unimplemented` error."
    );
    let builders = ops.iter().map(|o| {
        let (m, spec_name) = (&o.module, o.marker.to_string());
        let b = format_ident!("{}FluentBuilder", spec_name);
        let doc = &o.client_doc;
        quote! {
            #(#[doc = #doc])*
            pub fn #m(&self) -> super::#m::#b {
                super::#m::#b::new(self.clone())
            }
        }
    });
    let stub_methods = ops.iter().map(|o| {
        let (m, req, resp) = (&o.module, &o.request, &o.response);
        quote! {
            fn #m(&self, input: super::super::#req) -> ::rtc_usage_core::BoxFuture<'_, ::std::result::Result<super::super::#resp, ::rtc_usage_core::Error>> {
                let _ = input;
                ::std::boxed::Box::pin(async { ::std::result::Result::Err(::rtc_usage_core::Error::unimplemented(&super::super::#m::DESCRIPTOR)) })
            }
        }
    });
    let json_arms = ops.iter().map(|o| {
        let (m, req) = (&o.module, &o.request);
        quote! {
            if ::std::ptr::eq(op, &super::#m::DESCRIPTOR) {
                let input = ::rtc_usage_core::registry::typed_input::<super::#req>(op, input)?;
                let output = self.stub().#m(input).await?;
                return ::rtc_usage_core::registry::json_output(op, &output);
            }
        }
    });
    let transport_methods = ops.iter().map(|o| {
        let (m, req, resp, marker) = (&o.module, &o.request, &o.response, &o.marker);
        quote! {
            fn #m(&self, input: super::#req) -> ::rtc_usage_core::BoxFuture<'_, ::std::result::Result<super::#resp, ::rtc_usage_core::Error>> {
                ::std::boxed::Box::pin(async move { self.0.execute::<super::#marker>(&input).await })
            }
        }
    });
    quote! {
        use ::std::sync::Arc;

        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: Arc<dyn stub::#stub>,
        }

        impl Client {
            #[doc = "A client that calls the vendor over HTTP with `config`."]
            pub fn new(config: ::rtc_usage_core::Config) -> ::std::result::Result<Self, ::rtc_usage_core::config::ConfigError> {
                let core = ::rtc_usage_core::Client::new(&super::VENDOR, config)?;
                ::std::result::Result::Ok(Self::from_stub(Http(core)))
            }

            #[doc = "A client configured from the vendor's conventional environment variables."]
            pub fn from_env() -> ::std::result::Result<Self, ::rtc_usage_core::config::ConfigError> {
                let core = ::rtc_usage_core::Client::from_env(&super::VENDOR)?;
                ::std::result::Result::Ok(Self::from_stub(Http(core)))
            }

            #[doc = "A client whose calls go to `stub` instead of the network, for tests."]
            pub fn from_stub(stub: impl stub::#stub + 'static) -> Self {
                Self { inner: Arc::new(stub) }
            }

            #[doc(hidden)]
            pub(crate) fn stub(&self) -> &dyn stub::#stub {
                &*self.inner
            }

            #(#builders)*
        }

        pub mod stub {
            #[doc = #stub_doc]
            pub trait #stub: ::std::fmt::Debug + ::std::marker::Send + ::std::marker::Sync {
                #(#stub_methods)*
            }
        }

        #[doc(hidden)]
        impl ::rtc_usage_core::registry::DynClient for Client {
            fn vendor(&self) -> &'static ::rtc_usage_core::VendorInfo {
                &super::VENDOR
            }

            fn call_json(
                &self,
                op: &'static ::rtc_usage_core::OperationDescriptor,
                input: ::serde_json::Value,
            ) -> ::rtc_usage_core::BoxFuture<'_, ::std::result::Result<::serde_json::Value, ::rtc_usage_core::Error>> {
                ::std::boxed::Box::pin(async move {
                    #(#json_arms)*
                    let _ = input;
                    ::std::result::Result::Err(::rtc_usage_core::Error::unimplemented(op))
                })
            }
        }

        #[doc(hidden)]
        pub(crate) fn connect(
            config: ::rtc_usage_core::Config,
        ) -> ::std::result::Result<::std::sync::Arc<dyn ::rtc_usage_core::registry::DynClient>, ::rtc_usage_core::config::ConfigError> {
            ::std::result::Result::Ok(::std::sync::Arc::new(Client::new(config)?))
        }

        #[doc = " The transport stub: calls go to the vendor over HTTP through the runtime's client."]
        #[doc(hidden)]
        #[derive(Debug)]
        struct Http(::rtc_usage_core::Client);

        impl stub::#stub for Http {
            #(#transport_methods)*
        }
    }
}

/// The crate's version: vendor.yaml's `version`, which the release gate of
/// `cargo xtask spec-diff --check` compares with the spec changes since `released`.
pub fn crate_version(v: &VendorSpecs) -> Result<&str, Error> {
    v.vendor.version.as_deref().ok_or_else(|| Error::Generate {
        file: v.vendor_file.clone(),
        message: "key `version`: missing; the crate's version (e.g. \"0.1.0\") lives here".into(),
    })
}

fn manifest(v: &VendorSpecs, version: &str) -> String {
    let vendor = &v.vendor;
    let source = format!(
        "{} and the operation specs beside it",
        v.vendor_file.display()
    );
    format!(
        r#"{header}
[package]
name = "{name}"
description = "{display}: typed, signed usage client generated from hand-written specs."
version = "{version}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
keywords = ["rtc", "usage", "{vendor}"]

[features]
default = ["rustls"]
# TLS is a choice; rustls (no OpenSSL) is the default.
rustls = ["rtc-usage-core/rustls"]
native-tls = ["rtc-usage-core/native-tls"]

[dependencies]
rtc-usage-core.workspace = true
serde.workspace = true
serde_json.workspace = true
chrono.workspace = true

[dev-dependencies]
rtc-usage-core = {{ workspace = true, features = ["rustls", "test-util"] }}
tokio = {{ workspace = true, features = ["macros", "rt-multi-thread"] }}
wiremock.workspace = true
"#,
        header = header("#", &source),
        name = vendor.crate_name,
        display = vendor.display_name,
        version = version,
        vendor = vendor.vendor,
    )
}
