//! One operation's module: its types, descriptor, `Operation` impl, fluent builder, and
//! tests from the document's own examples and limits.

mod example;
mod limits;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use self::example::{Arg, Mode};
use super::types::{self, Field, OperationTypes, Shape};
use crate::load::{module_name, parse_offset, time_param, type_base};
use crate::spec::{
    AuthScheme, EnvelopeKind, ErrorKind, ErrorRule, Location, OperationSpec, SpanCounting,
};

/// What the vendor-level code needs to know about a rendered operation.
pub struct RenderedOperation {
    pub module: syn::Ident,
    pub marker: syn::Ident,
    pub request: syn::Ident,
    pub response: syn::Ident,
    /// The caller-set parameters as `rtc_usage_core::api::ApiParam` values, for the
    /// vendor's `API` table.
    pub api_params: Vec<TokenStream>,
    /// The rustdoc of the client method that starts a call: summary, limits, example.
    pub client_doc: Vec<String>,
    pub tokens: TokenStream,
}

/// What an operation's module needs to know of its crate.
pub struct CrateContext {
    /// The crate's name as a Rust path segment (`rtc_usage_tencent`), for rustdoc examples.
    pub crate_ident: String,
    /// The crate's stub trait (`TencentStub`), which the generated tests implement.
    pub stub: syn::Ident,
}

/// The private enum a fluent builder holds its input in.
const FLUENT_INPUT: &str = "FluentInput";

pub fn render(spec: &OperationSpec, krate: &CrateContext) -> Result<RenderedOperation, String> {
    if spec
        .definitions
        .keys()
        .any(|name| super::rust::type_name(name) == FLUENT_INPUT)
    {
        return Err(format!(
            "key `definitions`: the name `{FLUENT_INPUT}` is the generated builder's own"
        ));
    }
    let OperationTypes {
        tokens: type_tokens,
        request,
        response,
        fields,
    } = types::build(spec, &format!("crate::generated::{}", module_name(spec)))?;
    let module = format_ident!("{}", module_name(spec));
    let base = type_base(spec);
    let marker = format_ident!("{}", base);
    let builder = format_ident!("{}FluentBuilder", base);
    let fluent_input = format_ident!("{}", FLUENT_INPUT);
    let docs = module_docs(spec);
    let values = example::values(spec, &fields)?;
    let example = doc_example(spec, &fields, &values, krate, &module)?;
    let limits = limit_lines(spec);
    let descriptor = descriptor(spec)?;
    let usage = match &spec.usage {
        Some(usage) => {
            let usage = super::usage::render(spec, usage)?;
            quote! {
                #[doc = "What this operation's answer means as usage, from the spec's `usage:` block."]
                pub static USAGE: ::rtc_usage_core::usage::UsageSpec = #usage;
            }
        }
        None => quote!(),
    };
    let write_request = write_request(&fields);
    // typify writes the empty builder of a request without parameters with a hand-written
    // `Default` (`Self {}`), which clippy would rather see derived.
    let empty_request_allow = if fields.is_empty() {
        quote!(#![allow(clippy::derivable_impls)])
    } else {
        quote!()
    };
    // The setters' helper; an operation without caller-set parameters has no setter.
    let into_fields = if fields.is_empty() {
        quote!()
    } else {
        quote! {
            impl #fluent_input {
                fn into_fields(self) -> builder::#request {
                    match self {
                        Self::Fields(fields) => fields,
                        Self::Request(request) => request.into(),
                    }
                }
            }
        }
    };
    let secret_paths = types::secret_paths(spec)?;
    let secrets = if secret_paths.is_empty() {
        quote!()
    } else {
        quote! {
            #[doc = " The payload's secrets (`x-secret` in the spec), redacted wherever the answer is shown."]
            const SECRETS: &'static [&'static str] = &[#(#secret_paths),*];
        }
    };
    let time_range = time_range(spec, &fields)?;
    let setters = fields.iter().map(|f| setter(spec, f, &fluent_input));
    let tests = example_tests(spec, &marker, &request, &response);
    let limit_tests = limits::tests(&limits::Subject {
        spec,
        fields: &fields,
        method: &module,
        request: &request,
        response: &response,
        stub: &krate.stub,
    })?;
    // Two versions of one operation (`rust_module`) are told apart by their version.
    let at_version = match spec.rust_module {
        Some(_) => format!(" at version {}", spec.version),
        None => String::new(),
    };
    let op_doc = format!(
        "The `{}` operation{at_version}, for [`rtc_usage_core::Client::execute`] and generic code.",
        spec.operation
    );
    let mut builder_doc = vec![
        format!(
            " A `{}` call: {}",
            spec.operation,
            super::rust::doc_text(spec.summary.trim())
        ),
        String::new(),
        " Set the fields (or pass a whole request to [`input`](Self::input)), then [`send`](Self::send). A call missing a required field or outside the limits is refused before any request.".to_owned(),
    ];
    builder_doc.extend(doc_section(&limits, &example));
    let mut client_doc = vec![format!(
        " Starts a [`{}`](crate::{module}) call: {}",
        spec.operation,
        super::rust::doc_text(spec.summary.trim())
    )];
    client_doc.extend(doc_section(&limits, &example));
    let send_doc = format!(
        " Checks the fields, then calls `{}` (signed, rate limited and retried by the client); a request given to [`input`](Self::input) goes to the client as it is.",
        spec.operation
    );
    let tokens = quote! {
        #(#docs)*
        #empty_request_allow
        #type_tokens

        #[doc = "What the runtime knows about this operation, from its spec."]
        pub static DESCRIPTOR: ::rtc_usage_core::OperationDescriptor = #descriptor;

        #usage

        #[doc = #op_doc]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #marker;

        impl ::rtc_usage_core::Operation for #marker {
            type Input = #request;
            type Output = #response;

            fn descriptor() -> &'static ::rtc_usage_core::OperationDescriptor {
                &DESCRIPTOR
            }

            fn write_request(
                input: &Self::Input,
                request: &mut ::rtc_usage_core::RequestParts,
            ) -> ::std::result::Result<(), ::rtc_usage_core::operation::WireError> {
                #write_request
            }

            fn time_range(input: &Self::Input) -> ::rtc_usage_core::validate::TimeRange {
                #time_range
            }

            #secrets
        }

        #(#[doc = #builder_doc])*
        #[derive(Debug, Clone)]
        pub struct #builder {
            client: super::Client,
            inner: #fluent_input,
        }

        #[doc = " What a fluent builder holds: fields set one by one, or a whole request."]
        #[derive(Debug, Clone)]
        enum #fluent_input {
            Fields(builder::#request),
            Request(#request),
        }

        #into_fields

        impl #builder {
            #[doc(hidden)]
            pub(crate) fn new(client: super::Client) -> Self {
                Self { client, inner: #fluent_input::Fields(::std::default::Default::default()) }
            }

            #(#setters)*

            #[doc = " Replaces every field with those of `input`, which `send` passes on as it is (setters called afterwards change a copy of its fields)."]
            pub fn input(mut self, input: #request) -> Self {
                self.inner = #fluent_input::Request(input);
                self
            }

            #[doc = #send_doc]
            pub async fn send(self) -> ::std::result::Result<#response, ::rtc_usage_core::Error> {
                let input = match self.inner {
                    #fluent_input::Request(input) => input,
                    #fluent_input::Fields(fields) => #request::try_from(fields)
                        .map_err(|e| ::rtc_usage_core::Error::invalid_input(&DESCRIPTOR, e.to_string()))?,
                };
                self.client.stub().#module(input).await
            }
        }

        #tests

        #limit_tests
    };
    Ok(RenderedOperation {
        module,
        marker,
        request,
        response,
        api_params: api_params(spec)?,
        client_doc,
        tokens,
    })
}

/// The operation's limits as rustdoc list items: rate, span, look-back, data delay.
fn limit_lines(spec: &OperationSpec) -> Vec<String> {
    let checked = |enforce: bool| {
        if enforce {
            "checked before the call"
        } else {
            "advisory (unconfirmed), not checked"
        }
    };
    let mut lines = Vec::new();
    if let Some(r) = &spec.limits.rate {
        let per = match r.per_seconds {
            1 => "second".to_owned(),
            60 => "minute".to_owned(),
            n => format!("{n} s"),
        };
        lines.push(format!(
            " - Rate: {} requests per {per}, paced by the client.",
            r.requests
        ));
    }
    if let Some(s) = &spec.limits.span {
        lines.push(format!(
            " - Span: `{}` to `{}` at most {} days ({}), {}.",
            s.start,
            s.end,
            s.max_days,
            counted(s.counting),
            checked(s.enforce)
        ));
    }
    if let Some(l) = &spec.limits.lookback {
        lines.push(format!(
            " - Look-back: `{}` at most {} days back, {}.",
            l.param,
            l.max_days,
            checked(l.enforce)
        ));
    }
    if let Some(h) = spec.limits.data_delay_hours {
        lines.push(format!(" - Data arrive about {h} h late."));
    }
    lines
}

fn counted(c: SpanCounting) -> &'static str {
    match c {
        SpanCounting::InclusiveDays => "calendar days, both counted",
        SpanCounting::Elapsed => "elapsed",
    }
}

/// A blank line, the limit lines, and the example under `# Example`.
fn doc_section(limits: &[String], example: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    if !limits.is_empty() {
        lines.push(String::new());
        lines.extend(limits.iter().cloned());
    }
    lines.push(String::new());
    lines.push(" # Example".to_owned());
    lines.push(String::new());
    lines.extend(example.iter().cloned());
    lines
}

/// The documented example request as a `no_run` rustdoc example: the setters it calls.
fn doc_example(
    spec: &OperationSpec,
    fields: &[Field],
    values: &BTreeMap<String, Value>,
    krate: &CrateContext,
    module: &syn::Ident,
) -> Result<Vec<String>, String> {
    let module_path = format!("{}::{module}", krate.crate_ident);
    let arg = Arg {
        spec,
        mode: Mode::Doc,
        module_path: &module_path,
    };
    let mut uses = Vec::new();
    let setters: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let value = values.get(&f.param)?;
            let (ident, arg) = (&f.ident, arg.setter(f, value, &mut uses));
            Some(quote!(.#ident(#arg)))
        })
        .collect();
    let uses = uses
        .iter()
        .map(|u| syn::parse_str::<syn::Path>(u).map(|p| quote!(use #p;)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the example's `use` paths do not parse: {e}"))?;
    let krate_ident = format_ident!("{}", krate.crate_ident);
    let tokens = quote! {
        #(#uses)*
        async fn example() -> Result<(), Box<dyn std::error::Error>> {
            let client = #krate_ident::Client::from_env()?;
            let answer = client.#module() #(#setters)* .send().await?;
            println!("{answer:?}");
            Ok(())
        }
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the generated example does not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    let mut lines = vec![" ```no_run".to_owned()];
    for line in text.lines() {
        let line = if line.starts_with("async fn") || line == "}" || line.trim() == "Ok(())" {
            format!(" # {}", line.trim_start())
        } else {
            format!(" {}", line.strip_prefix("    ").unwrap_or(line))
        };
        lines.push(line.trim_end().to_owned());
    }
    lines.push(" ```".to_owned());
    Ok(lines)
}

/// Each caller-set parameter as an `ApiParam`: wire name, place, whether required, and the
/// JSON type of its value (`$ref`s resolved), so generic callers can turn text into values.
fn api_params(spec: &OperationSpec) -> Result<Vec<TokenStream>, String> {
    let api = quote!(::rtc_usage_core::api);
    let mut params = Vec::new();
    for p in &spec.parameters {
        let Some(schema) = &p.schema else { continue };
        let (name, required, loc) = (&p.name, p.required, location(p.location));
        let kind = value_kind(spec, schema, 0)
            .map_err(|e| format!("key `parameters.{name}.schema`: {e}"))?;
        params.push(quote!(#api::ApiParam {
            name: #name, location: #loc, required: #required, kind: #kind,
        }));
    }
    Ok(params)
}

/// The `rtc_usage_core::api::ValueKind` of a parameter's JSON Schema.
fn value_kind(
    spec: &OperationSpec,
    schema: &serde_json::Value,
    depth: usize,
) -> Result<TokenStream, String> {
    let kind = quote!(::rtc_usage_core::api::ValueKind);
    if depth > 16 {
        return Err("the schema's `$ref`s do not end".into());
    }
    if let Some(r) = schema.get("$ref").and_then(serde_json::Value::as_str) {
        let name = r.strip_prefix("#/definitions/").unwrap_or(r);
        let def = spec
            .definitions
            .get(name)
            .ok_or_else(|| format!("no definition named `{name}`"))?;
        return value_kind(spec, def, depth + 1);
    }
    let ty = schema.get("type").and_then(serde_json::Value::as_str);
    Ok(match ty {
        Some("string") => quote!(#kind::String),
        Some("integer") => quote!(#kind::Integer),
        Some("number") => quote!(#kind::Number),
        Some("boolean") => quote!(#kind::Boolean),
        Some("object") => quote!(#kind::Object),
        Some("array") => {
            let items = match schema.get("items") {
                Some(items) => value_kind(spec, items, depth + 1)?,
                None => quote!(#kind::Any),
            };
            quote!(#kind::Array(&#items))
        }
        _ => quote!(#kind::Any),
    })
}

fn module_docs(spec: &OperationSpec) -> Vec<TokenStream> {
    let mut lines = vec![
        format!(
            " `{}` ({} {}, version {}): {}",
            spec.operation, spec.vendor, spec.service, spec.version, spec.summary
        ),
        String::new(),
        format!(" {}", spec.description.trim()),
        String::new(),
        format!(
            " Source: {} (`{}`){}.",
            spec.source.title,
            spec.source.document,
            spec.source
                .published
                .as_deref()
                .map(|d| format!(", dated {d}"))
                .unwrap_or_else(|| ", undated".into())
        ),
        String::new(),
        " # Limits".into(),
    ];
    if let Some(r) = &spec.limits.rate {
        lines.push(format!(
            " - {} requests per {} s ({})",
            r.requests, r.per_seconds, r.source
        ));
    }
    if let Some(s) = &spec.limits.span {
        lines.push(format!(
            " - `{}` to `{}`: at most {} days, {} ({})",
            s.start,
            s.end,
            s.max_days,
            if s.enforce {
                "checked before the call"
            } else {
                "not checked locally (unconfirmed)"
            },
            s.source
        ));
    }
    if let Some(l) = &spec.limits.lookback {
        lines.push(format!(
            " - `{}` at most {} days back, {} ({})",
            l.param,
            l.max_days,
            if l.enforce {
                "checked before the call"
            } else {
                "not checked locally (unconfirmed)"
            },
            l.source
        ));
    }
    if let Some(h) = spec.limits.data_delay_hours {
        lines.push(format!(" - data arrives about {h} h late"));
    }
    if !spec.notes.is_empty() {
        lines.push(String::new());
        lines.push(" # Notes on the source document".into());
        for n in &spec.notes {
            lines.push(format!(
                " - **{}** (`{}`): {} *Reading:* {}",
                n.id,
                n.about,
                n.text.trim(),
                n.reading.trim()
            ));
        }
    }
    lines
        .into_iter()
        .map(|l| {
            let l = super::rust::doc_text(&l);
            quote! { #![doc = #l] }
        })
        .collect()
}

fn location(l: Location) -> TokenStream {
    match l {
        Location::Path => quote!(::rtc_usage_core::descriptor::Location::Path),
        Location::Query => quote!(::rtc_usage_core::descriptor::Location::Query),
        Location::Header => quote!(::rtc_usage_core::descriptor::Location::Header),
        Location::Body => quote!(::rtc_usage_core::descriptor::Location::Body),
    }
}

fn error_kind(k: ErrorKind) -> TokenStream {
    let variant = match k {
        ErrorKind::Throttled => quote!(Throttled),
        ErrorKind::Auth => quote!(Auth),
        ErrorKind::ClockSkew => quote!(ClockSkew),
        ErrorKind::InvalidParameter => quote!(InvalidParameter),
        ErrorKind::NotFound => quote!(NotFound),
        ErrorKind::Server => quote!(Server),
        ErrorKind::Other => quote!(Other),
    };
    quote!(::rtc_usage_core::ErrorKind::#variant)
}

fn enforcement(enforce: bool) -> TokenStream {
    if enforce {
        quote!(::rtc_usage_core::descriptor::Enforcement::Enforced)
    } else {
        quote!(::rtc_usage_core::descriptor::Enforcement::Advisory)
    }
}

fn option<T>(value: Option<T>, f: impl FnOnce(T) -> TokenStream) -> TokenStream {
    match value.map(f) {
        Some(tokens) => quote!(::std::option::Option::Some(#tokens)),
        None => quote!(::std::option::Option::None),
    }
}

fn minutes(m: u32) -> TokenStream {
    let secs = u64::from(m) * 60;
    quote!(::std::time::Duration::from_secs(#secs))
}

fn descriptor(spec: &OperationSpec) -> Result<TokenStream, String> {
    let d = quote!(::rtc_usage_core::descriptor);
    let (vendor_id, service, name, version, path) = (
        &spec.vendor,
        &spec.service,
        &spec.operation,
        &spec.version,
        &spec.http.path,
    );
    let method = format!("{:?}", spec.http.method).to_uppercase();
    let auth = match spec.auth.scheme {
        AuthScheme::VolcengineHmacSha256 => quote!(VolcengineHmacSha256),
        AuthScheme::Tc3HmacSha256 => quote!(Tc3HmacSha256),
        AuthScheme::HuaweiSdkHmacSha256 => quote!(HuaweiSdkHmacSha256),
        AuthScheme::Acs3HmacSha256 => quote!(Acs3HmacSha256),
        AuthScheme::HttpBasic => quote!(HttpBasic),
    };
    let envelope = match spec.envelope {
        EnvelopeKind::VolcengineResult => quote!(VolcengineResult),
        EnvelopeKind::TencentResponse => quote!(TencentResponse),
        EnvelopeKind::HuaweiPlain => quote!(HuaweiPlain),
        EnvelopeKind::AlibabaRpc => quote!(AlibabaRpc),
        EnvelopeKind::AgoraPlain => quote!(AgoraPlain),
    };
    let endpoints = spec.endpoints.regions.iter().map(|r| {
        let (region, url, failover) = (&r.region, &r.url, &r.failover);
        quote!(#d::Endpoint { region: #region, url: #url, failover: &[#(#failover),*] })
    });
    let default_region = &spec.endpoints.default_region;
    let constants = spec.parameters.iter().filter_map(|p| {
        let value = p.constant.as_ref()?;
        let (name, loc) = (&p.name, location(p.location));
        Some(quote!(#d::ConstantParam { name: #name, location: #loc, value: #value }))
    });
    let context = spec.parameters.iter().filter_map(|p| {
        let from = p.from?;
        let value = match from {
            crate::spec::ContextValue::ProjectId => quote!(#d::ContextValue::ProjectId),
        };
        let (name, loc) = (&p.name, location(p.location));
        Some(quote!(#d::ContextParam { name: #name, location: #loc, value: #value }))
    });
    let limits = &spec.limits;
    let rate = option(limits.rate.as_ref(), |r| {
        let (n, per) = (r.requests, u64::from(r.per_seconds));
        let scope = match r.scope {
            crate::spec::RateScope::Operation => quote!(#d::RateScope::Operation),
            crate::spec::RateScope::Account => quote!(#d::RateScope::Account),
        };
        quote!(#d::RateLimit {
            requests: #n, per: ::std::time::Duration::from_secs(#per), scope: #scope,
        })
    });
    let span = option(limits.span.as_ref(), |s| {
        let (start, end, max, inclusive) = (&s.start, &s.end, s.max_days, s.end_inclusive);
        let counting = match s.counting {
            SpanCounting::InclusiveDays => quote!(#d::SpanCounting::InclusiveDays),
            SpanCounting::Elapsed => quote!(#d::SpanCounting::Elapsed),
        };
        let enforcement = enforcement(s.enforce);
        quote!(#d::SpanLimit {
            start_param: #start, end_param: #end, max_days: #max, counting: #counting,
            end_inclusive: #inclusive, enforcement: #enforcement,
        })
    });
    let lookback = option(limits.lookback.as_ref(), |l| {
        let (param, max) = (&l.param, l.max_days);
        let enforcement = enforcement(l.enforce);
        quote!(#d::LookbackLimit { param: #param, max_days: #max, enforcement: #enforcement })
    });
    let delay = option(limits.data_delay_hours, |h| {
        let secs = u64::from(h) * 3600;
        quote!(::std::time::Duration::from_secs(#secs))
    });
    let offset = parse_offset(&spec.day_offset).ok_or("key `day_offset` is invalid")?;
    let bucket = minutes(limits.granularity.bucket_minutes);
    let fine = option(limits.granularity.fine.as_ref(), |f| {
        let (bucket, max) = (minutes(f.bucket_minutes), f.max_days);
        quote!(#d::FineGranularity { bucket: #bucket, max_days: #max })
    });
    let error_codes = error_code_rules(&spec.errors);
    let usage = match spec.usage {
        Some(_) => quote!(::std::option::Option::Some(&USAGE)),
        None => quote!(::std::option::Option::None),
    };
    Ok(quote! {
        ::rtc_usage_core::OperationDescriptor {
            vendor: #vendor_id,
            service: #service,
            name: #name,
            version: #version,
            method: #method,
            path: #path,
            auth: ::rtc_usage_core::AuthScheme::#auth,
            envelope: ::rtc_usage_core::Envelope::#envelope,
            endpoints: &[#(#endpoints),*],
            default_region: #default_region,
            constants: &[#(#constants),*],
            context_params: &[#(#context),*],
            limits: #d::Limits {
                rate: #rate,
                span: #span,
                lookback: #lookback,
                data_delay: #delay,
                day_offset_seconds: #offset,
                granularity: ::std::option::Option::Some(#d::Granularity { bucket: #bucket, fine: #fine }),
            },
            error_codes: &[#(#error_codes),*],
            vendor_error_codes: &super::VENDOR_ERROR_CODES,
            usage: #usage,
        }
    })
}

/// `ErrorCodeRule` values of `rules`, in order: an operation's own (in its descriptor) or the
/// vendor's (once per crate, in `VENDOR_ERROR_CODES`).
pub(super) fn error_code_rules(rules: &[ErrorRule]) -> Vec<TokenStream> {
    let d = quote!(::rtc_usage_core::descriptor);
    rules
        .iter()
        .map(|r| {
            let (code, kind) = (&r.code, error_kind(r.kind));
            let explanation = option(r.message.as_ref(), |m| quote!(#m));
            quote!(#d::ErrorCodeRule { code: #code, kind: #kind, explanation: #explanation })
        })
        .collect()
}

fn write_request(fields: &[Field]) -> TokenStream {
    let wire = quote!(::rtc_usage_core::wire);
    let mut statements = Vec::new();
    for f in fields {
        let (name, ident) = (&f.param, &f.ident);
        let push = match f.location {
            Location::Path => quote!(push_path),
            // A UTC date-time goes in the query as `...Z`, as the vendors write it.
            Location::Query
                if f.schema.get("format").and_then(Value::as_str) == Some("date-time") =>
            {
                quote!(push_query_time)
            }
            Location::Query => quote!(push_query),
            Location::Header => quote!(push_header),
            Location::Body => continue,
        };
        statements.push(quote!(#wire::#push(request, #name, &input.#ident)?;));
    }
    let body: Vec<&Field> = fields
        .iter()
        .filter(|f| f.location == Location::Body)
        .collect();
    if !body.is_empty() {
        let decls = body.iter().map(|f| {
            let (name, ident, ty, inner) = (&f.param, &f.ident, &f.ty, &f.inner);
            match f.shape {
                Shape::Plain => quote! { #[serde(rename = #name)] #ident: &'a #ty },
                Shape::Optional => quote! {
                    #[serde(rename = #name, skip_serializing_if = "::std::option::Option::is_none")]
                    #ident: ::std::option::Option<&'a #inner>
                },
                Shape::List => quote! {
                    #[serde(rename = #name, skip_serializing_if = "::rtc_usage_core::wire::is_empty_slice")]
                    #ident: &'a #ty
                },
            }
        });
        let inits = body.iter().map(|f| {
            let ident = &f.ident;
            match f.shape {
                Shape::Optional => quote!(#ident: input.#ident.as_ref()),
                _ => quote!(#ident: &input.#ident),
            }
        });
        statements.push(quote! {
            #[derive(::serde::Serialize)]
            struct Body<'a> { #(#decls,)* }
            #wire::json_body(request, &Body { #(#inits,)* })?;
        });
    }
    if statements.is_empty() {
        // Nothing of the call's own goes on the wire.
        return quote! { let _ = (input, request); Ok(()) };
    }
    quote! { #(#statements)* Ok(()) }
}

fn time_range(spec: &OperationSpec, fields: &[Field]) -> Result<TokenStream, String> {
    let Some(span) = &spec.limits.span else {
        let start = spec.limits.lookback.as_ref().map(|l| l.param.as_str());
        return Ok(match start {
            Some(p) => {
                let start = time_point(spec, fields, p)?;
                quote!(::rtc_usage_core::validate::TimeRange { start: #start, end: ::std::option::Option::None })
            }
            None => quote!({
                let _ = input;
                ::rtc_usage_core::validate::TimeRange::default()
            }),
        });
    };
    let start = time_point(spec, fields, &span.start)?;
    let end = time_point(spec, fields, &span.end)?;
    Ok(quote!(::rtc_usage_core::validate::TimeRange { start: #start, end: #end }))
}

fn time_point(spec: &OperationSpec, fields: &[Field], param: &str) -> Result<TokenStream, String> {
    time_param(spec, param)?;
    let f = fields
        .iter()
        .find(|f| f.param == param)
        .ok_or_else(|| format!("time parameter `{param}` is not set by the caller"))?;
    let ident = &f.ident;
    Ok(match f.shape {
        Shape::Optional => {
            quote!(input.#ident.as_ref().map(::rtc_usage_core::validate::TimePoint::from))
        }
        _ => {
            quote!(::std::option::Option::Some(::rtc_usage_core::validate::TimePoint::from(&input.#ident)))
        }
    })
}

fn setter(spec: &OperationSpec, f: &Field, fluent_input: &syn::Ident) -> TokenStream {
    let (ident, ty) = (&f.ident, &f.ty);
    let docs = setter_doc(spec, f);
    quote! {
        #(#[doc = #docs])*
        pub fn #ident<T>(mut self, value: T) -> Self
        where
            T: ::std::convert::TryInto<#ty>,
            T::Error: ::std::fmt::Display,
        {
            self.inner = #fluent_input::Fields(self.inner.into_fields().#ident(value));
            self
        }
    }
}

/// A setter's rustdoc: the description, where the value goes and whether it is required,
/// and the limits that concern it.
fn setter_doc(spec: &OperationSpec, f: &Field) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(d) = &f.description {
        lines.extend(
            d.trim()
                .lines()
                .map(|l| format!(" {}", super::rust::doc_text(l))),
        );
        lines.push(String::new());
    }
    let place = match f.location {
        Location::Path => "in the path",
        Location::Query => "in the query",
        Location::Header => "as a header",
        Location::Body => "in the JSON body",
    };
    let need = match (f.required, &f.shape) {
        (true, _) => "required",
        (false, Shape::List) => "optional, left out when empty",
        (false, _) => "optional, left out when unset",
    };
    let mut facts = format!(" Sent as `{}` {place}; {need}.", f.param);
    let checked = |enforce: bool| {
        if enforce {
            "checked before the call"
        } else {
            "advisory (unconfirmed), not checked"
        }
    };
    if let Some(s) = &spec.limits.span {
        let other = if f.param == s.start {
            Some(format!("Start of the range to `{}`", s.end))
        } else if f.param == s.end {
            let included = if s.end_inclusive {
                "included"
            } else {
                "excluded"
            };
            Some(format!("End of the range from `{}` ({included})", s.start))
        } else {
            None
        };
        if let Some(other) = other {
            facts.push_str(&format!(
                " {other}: at most {} days ({}), {}.",
                s.max_days,
                counted(s.counting),
                checked(s.enforce)
            ));
        }
    }
    if let Some(l) = &spec.limits.lookback
        && f.param == l.param
    {
        facts.push_str(&format!(
            " At most {} days back, {}.",
            l.max_days,
            checked(l.enforce)
        ));
    }
    lines.push(facts);
    lines
}

fn example_tests(
    spec: &OperationSpec,
    marker: &syn::Ident,
    request: &syn::Ident,
    response: &syn::Ident,
) -> TokenStream {
    let testing = quote!(::rtc_usage_core::testing);
    let mut tests = Vec::new();
    for ex in &spec.examples {
        let base = crate::codegen::rust::field_name(&ex.name);
        let (url, body) = match &ex.corrected {
            Some(c) => (
                c.url.as_deref().unwrap_or(&ex.request.url),
                c.body.as_deref().or(ex.request.body.as_deref()),
            ),
            None => (ex.request.url.as_str(), ex.request.body.as_deref()),
        };
        let body = option(body, |b| quote!(#b));
        let name = format_ident!("{}_request_is_what_the_client_sends", base);
        let doc = format!("The request of example `{}` ({}).", ex.name, ex.source);
        tests.push(quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                #testing::assert_example_request::<#marker>(#url, #body);
            }
        });
        if let Some(c) = &ex.corrected {
            let name = format_ident!("{}_uncorrected_request_is_refused", base);
            let (url, body) = (
                &ex.request.url,
                option(ex.request.body.as_deref(), |b| quote!(#b)),
            );
            let doc = format!(
                "The document's own request is wrong (note `{}`): it is refused before any call.",
                c.note
            );
            tests.push(quote! {
                #[doc = #doc]
                #[test]
                fn #name() {
                    #testing::assert_example_refused::<#marker>(#url, #body);
                }
            });
        }
        if let Some(r) = &ex.response {
            let name = format_ident!("{}_response_decodes", base);
            let (status, body) = (r.status, &r.body);
            tests.push(quote! {
                #[test]
                fn #name() {
                    #testing::assert_example_response::<#marker>(#status, #body);
                }
            });
        }
    }
    let _ = (request, response);
    quote! {
        #[cfg(test)]
        mod documented_examples {
            use super::*;
            #(#tests)*
        }
    }
}
