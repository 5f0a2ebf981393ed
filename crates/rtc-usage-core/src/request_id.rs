//! The request ids of the answers a piece of code received, for callers whose path returns
//! only the payload: the typed stubs and [`crate::registry::DynClient`] give the answer as
//! the vendor's schema has it, and only some schemas carry the id in the payload (Tencent's
//! `RequestId`); the others send it in their envelope's metadata or a response header.
//!
//! Every successful [`crate::Client`] call notes the id of its answer (when the vendor gave
//! one) in the innermost [`capture`] around it; outside any `capture` nothing is kept. A
//! failed call's id is on its [`crate::Error`] instead.
//!
//! ```
//! # async fn run() {
//! use rtc_usage_core::request_id;
//!
//! let (result, ids) = request_id::capture(async { 42 }).await;
//! assert_eq!((result, ids.len()), (42, 0)); // no call made, no id noted
//! # }
//! ```

use std::cell::RefCell;
use std::future::Future;

use crate::error::printable;

tokio::task_local! {
    static NOTED: RefCell<Vec<String>>;
}

/// Runs `future` and returns its output with the request ids of the successful answers it
/// received, in the order they arrived. The calls must be awaited within `future` itself (a
/// call spawned on another task notes its id there).
pub async fn capture<F: Future>(future: F) -> (F::Output, Vec<String>) {
    NOTED
        .scope(RefCell::new(Vec::new()), async move {
            let output = future.await;
            let ids = NOTED.with(|noted| noted.take());
            (output, ids)
        })
        .await
}

/// Notes `id` in the enclosing [`capture`], if there is one, made [`printable`] as an
/// error's request id is: the server wrote it.
pub(crate) fn note(id: Option<&str>) {
    if let Some(id) = id {
        // Outside a `capture` there is no list to add to, and nobody asked.
        let _ = NOTED.try_with(|noted| noted.borrow_mut().push(printable(id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ids_noted_inside_a_capture_are_returned_in_order_and_nowhere_else() {
        note(Some("outside"));
        let ((), ids) = capture(async {
            note(Some("a"));
            note(None);
            let ((), inner) = capture(async { note(Some("inner")) }).await;
            assert_eq!(inner, ["inner"], "the innermost capture keeps its own");
            note(Some("b\u{1b}[2J"));
        })
        .await;
        assert_eq!(
            ids,
            ["a", "b\\u{1b}[2J"],
            "a server's control characters are escaped"
        );
    }
}
