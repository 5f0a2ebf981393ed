//! One request, from arrival to answer, in the order a vendor's gateway and service check
//! it: shape and vendor, route, body, signature, project and region, rate, parameters,
//! range, app, faults, data. Nothing here knows a vendor: the shape modules
//! ([`crate::shapes`]) speak the protocols, the descriptors and `usage:` blocks say the rest.

use std::fmt;
use std::sync::Arc;

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::Request;
use hyper::body::{Bytes, Incoming};

use crate::answer;
use crate::auth;
use crate::data;
use crate::demo;
use crate::faults::{Fault, Target};
use crate::limits;
use crate::problem::Problem;
use crate::reply::{self, Reply, RequestHead};
use crate::request::{self, Input};
use crate::server::State;
use crate::shapes::{self, Claim, Meta};
use crate::stats::Outcome;

/// Closes the connection without an answer (a [`Fault::Disconnect`], or a client that went
/// away mid-body).
#[derive(Debug)]
pub(crate) struct Disconnect;

impl fmt::Display for Disconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection closed without an answer")
    }
}

impl std::error::Error for Disconnect {}

/// Why a request gets no data.
enum Stop {
    Problem(Problem),
    Disconnect,
    Malformed,
}

impl From<Problem> for Stop {
    fn from(problem: Problem) -> Self {
        Self::Problem(problem)
    }
}

/// The service of every connection: never panics, answers every request it can read with
/// data or with the vendor's own error.
pub(crate) async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Reply, Disconnect> {
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    let (parts, body) = request.into_parts();
    let head = RequestHead::from_parts(&parts);
    let Some(claim) = shapes::claim(&head, &state.accounts) else {
        state.stats.record(None, Outcome::Rejected, false);
        return Ok(reply::not_emulated());
    };
    let mut meta = Meta {
        request_id: state.next_request_id(),
        vendor: Some(claim.vendor),
        ..Meta::default()
    };
    let mut injected = false;
    let result = serve(&state, &claim, &head, body, &mut meta, &mut injected).await;
    let (outcome, answer) = match result {
        Ok(reply) => (Outcome::Ok, Ok(reply)),
        Err(Stop::Problem(problem)) => {
            tracing::debug!(vendor = %claim.vendor, %problem, "refused");
            let answer = shapes::error(claim.shape, &problem, &meta);
            (problem.outcome(), Ok(reply::encoded(answer)))
        }
        Err(Stop::Disconnect) => (Outcome::Broken, Err(Disconnect)),
        Err(Stop::Malformed) => (Outcome::Broken, Ok(reply::malformed())),
    };
    state.stats.record(meta.op, outcome, injected);
    answer
}

async fn serve(
    state: &State,
    claim: &Claim,
    head: &RequestHead,
    body: Incoming,
    meta: &mut Meta,
    injected: &mut bool,
) -> Result<Reply, Stop> {
    let (shape, vendor) = (claim.shape, claim.vendor);
    let account = &state.accounts[claim.account];
    let op = shape.route(head, &claim.ops)?;
    meta.op = Some(op);
    let body = read_body(body, state.max_body_bytes).await?;
    let now = state.clock.now();
    let verified = auth::check(account, op, head, &body, now, state.max_clock_skew)?;
    meta.region = verified.region;
    shape.authorize(op, head)?;
    shapes::authorize_context(account, op, head)?;
    if let Err(wait) = state.rates.admit(claim.account, op) {
        return Err(Problem::Throttled(Some(wait)).into());
    }
    let mut call = request::parse(vendor, op, head, &body, now)?;
    limits::check_range(op, &call.range, now, state.enforce_unconfirmed)?;
    shape.complete_range(op, &mut call.range, now);
    let days = limits::days(op, &call.range)?;
    let apps = &account.apps;
    // An app named by the key its lookup finds (Agora's project id, never the App ID itself):
    // the demo app of that key.
    if data::usage_spec(op).is_some_and(|u| u.app.lookup.is_some())
        && let Some(key) = call.app.take()
    {
        let app = demo::app_of_key(vendor, apps, &key).ok_or(Problem::UnknownApp(key))?;
        call.app = Some(app);
    }
    if let Some(app) = call
        .apps()
        .into_iter()
        .flatten()
        .find(|app| !apps.iter().any(|a| a == app))
    {
        return Err(Problem::UnknownApp(app.to_owned()).into());
    }
    let target = Target {
        vendor,
        app: call.app.as_deref(),
        days: &days,
    };
    let decision = state.faults.decide(&target);
    if !decision.delay.is_zero() {
        *injected = true;
        tokio::time::sleep(decision.delay).await;
    }
    if let Some(fault) = decision.fault {
        *injected = true;
        match fault {
            Fault::ServerError(status) => return Err(Problem::ServerError(status).into()),
            Fault::Throttle => return Err(Problem::Throttled(None).into()),
            Fault::Disconnect => return Err(Stop::Disconnect),
            Fault::MalformedBody => return Err(Stop::Malformed),
            Fault::Latency(delay) => tokio::time::sleep(delay).await,
        }
    }
    let payload = match &call.input {
        Input::Usage(measure) => {
            let asked: Vec<&str> = match call.apps() {
                Some(listed) => listed,
                None => apps.iter().map(String::as_str).collect(),
            };
            answer::usage(
                measure,
                &asked,
                &days,
                state.provisional_figures.then_some(now),
            )?
        }
        Input::Bespoke(bespoke) => (bespoke.answer)(&call, &days, apps)?,
    };
    Ok(reply::encoded(shapes::success(shape, &payload, meta)))
}

/// The whole body, at most `max` bytes.
async fn read_body(body: Incoming, max: usize) -> Result<Bytes, Stop> {
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Problem::BodyTooLarge(max).into())
        }
        Err(_) => Err(Stop::Disconnect),
    }
}
