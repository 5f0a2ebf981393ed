//! One operation's module: its types, descriptor, `Operation` impl, fluent builder, and
//! tests from the document's own examples.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

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
    pub tokens: TokenStream,
}

pub fn render(spec: &OperationSpec) -> Result<RenderedOperation, String> {
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
    let docs = module_docs(spec);
    let descriptor = descriptor(spec)?;
    let write_request = write_request(&fields);
    let time_range = time_range(spec, &fields)?;
    let setters = fields.iter().map(setter);
    let tests = example_tests(spec, &marker, &request, &response);
    // Two versions of one operation (`rust_module`) are told apart by their version.
    let at_version = match spec.rust_module {
        Some(_) => format!(" at version {}", spec.version),
        None => String::new(),
    };
    let op_doc = format!(
        "The `{}` operation{at_version}, for [`rtc_usage_core::Client::execute`] and generic code.",
        spec.operation
    );
    let builder_doc = format!(
        "Builds and sends a `{}` call: set the fields, then `send()`. Required fields and the spec's limits are checked before any network call.",
        spec.operation
    );
    let send_doc = format!(
        "Checks the fields, then calls `{}` (signed, rate limited and retried by the client).",
        spec.operation
    );
    let tokens = quote! {
        #(#docs)*
        #type_tokens

        #[doc = "What the runtime knows about this operation, from its spec."]
        pub static DESCRIPTOR: ::rtc_usage_core::OperationDescriptor = #descriptor;

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
        }

        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        pub struct #builder {
            client: super::Client,
            inner: builder::#request,
        }

        impl #builder {
            pub(crate) fn new(client: super::Client) -> Self {
                Self { client, inner: ::std::default::Default::default() }
            }

            #(#setters)*

            #[doc = "Replaces every field with those of `input`."]
            pub fn input(mut self, input: #request) -> Self {
                self.inner = input.into();
                self
            }

            #[doc = #send_doc]
            pub async fn send(self) -> ::std::result::Result<#response, ::rtc_usage_core::Error> {
                let input = #request::try_from(self.inner)
                    .map_err(|e| ::rtc_usage_core::Error::invalid_input(&DESCRIPTOR, e.to_string()))?;
                self.client.stub().#module(input).await
            }
        }

        #tests
    };
    Ok(RenderedOperation {
        module,
        marker,
        request,
        response,
        api_params: api_params(spec)?,
        tokens,
    })
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
    lines.into_iter().map(|l| quote! { #![doc = #l] }).collect()
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
    };
    let envelope = match spec.envelope {
        EnvelopeKind::VolcengineResult => quote!(VolcengineResult),
        EnvelopeKind::TencentResponse => quote!(TencentResponse),
        EnvelopeKind::HuaweiPlain => quote!(HuaweiPlain),
    };
    let endpoints = spec.endpoints.regions.iter().map(|r| {
        let (region, url) = (&r.region, &r.url);
        quote!(#d::Endpoint { region: #region, url: #url })
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
        quote!(#d::RateLimit { requests: #n, per: ::std::time::Duration::from_secs(#per) })
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
            None => quote!(::rtc_usage_core::validate::TimeRange::default()),
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

fn setter(f: &Field) -> TokenStream {
    let (ident, ty, name) = (&f.ident, &f.ty, &f.param);
    let doc = format!("Sets `{name}`.");
    quote! {
        #[doc = #doc]
        pub fn #ident<T>(mut self, value: T) -> Self
        where
            T: ::std::convert::TryInto<#ty>,
            T::Error: ::std::fmt::Display,
        {
            self.inner = self.inner.#ident(value);
            self
        }
    }
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
