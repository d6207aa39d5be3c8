//! The last resort: a handler that panics is answered, in the envelope of the API its
//! path belongs to, as the service failing, and the panic is logged — rather than the
//! connection dropped with no answer, which clients report as a network error and
//! retry.
//!
//! By the time a panic reaches this layer it has unwound through the surface's own
//! middleware, so the path is all that is left to tell whose request it was. The
//! prefixes are the mount points `routes` gives the surfaces, and `/v1.0/` for
//! DingTalk's v1.0 API (docs/dingtalk-v1.md#envelope-and-errors).

use std::{any::Any, panic::AssertUnwindSafe};

use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures_util::FutureExt;

use crate::http::Json;
use crate::{
    admin::AdminError, dingtalk::error::DtError, http::X_REQUEST_ID, openapi::error::ApiError,
};

/// The API a path belongs to, for the answer to a panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    DingTalk,
    DingTalkV1,
    OpenApi,
    Admin,
}

impl Owner {
    fn of(path: &str) -> Owner {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/openapi") {
            Owner::OpenApi
        } else if under("/_emulator") {
            Owner::Admin
        } else if under("/v1.0") {
            Owner::DingTalkV1
        } else {
            Owner::DingTalk
        }
    }

    /// The owner's answer for a failure inside the emulator.
    fn failing(self, request_id: Option<HeaderValue>) -> Response {
        match self {
            // HTTP 200 with errcode -1 (系统繁忙), as every DingTalk answer.
            Owner::DingTalk => DtError::Panicked.into_response(),
            Owner::OpenApi => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
            Owner::Admin => {
                AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
            Owner::DingTalkV1 => {
                let requestid = request_id
                    .as_ref()
                    .and_then(|id| id.to_str().ok())
                    .unwrap_or_default();
                let body = serde_json::json!({
                    "code": "system.error",
                    "message": "系统错误",
                    "requestid": requestid,
                });
                (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
            }
        }
    }
}

/// Middleware: runs the rest of the stack, and answers a panic inside it.
pub(super) async fn catch(req: Request, next: Next) -> Response {
    let owner = Owner::of(req.uri().path());
    // Only the v1.0 envelope carries the request id in its body.
    let request_id = match owner {
        Owner::DingTalkV1 => req.headers().get(&X_REQUEST_ID).cloned(),
        _ => None,
    };
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            tracing::error!(
                panic = message(&*panic),
                "a handler panicked: answered as a failure of the service"
            );
            owner.failing(request_id)
        }
    }
}

/// The panic's message, when it has one (`panic!` with a literal or a format string).
fn message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Routes that panic, mounted only in this crate's unit tests, one under each API.
#[cfg(test)]
pub(super) fn panicking<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
) -> axum::Router<S> {
    use axum::routing::get;
    async fn panics() -> Response {
        panic!("the test-only route panics")
    }
    [
        "/crm/test-panic",
        "/openapi/test-panic",
        "/_emulator/test-panic",
        "/v1.0/test-panic",
    ]
    .into_iter()
    .fold(router, |router, path| router.route(path, get(panics)))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use tokio::net::TcpListener;

    use super::*;
    use crate::{config::Config, App};

    #[test]
    fn paths_belong_to_the_api_mounted_at_their_prefix() {
        assert_eq!(Owner::of("/openapi/crm/add"), Owner::OpenApi);
        assert_eq!(Owner::of("/openapi"), Owner::OpenApi);
        assert_eq!(Owner::of("/_emulator/faults"), Owner::Admin);
        assert_eq!(Owner::of("/v1.0/crm/customers"), Owner::DingTalkV1);
        assert_eq!(Owner::of("/crm/customer/get"), Owner::DingTalk);
        assert_eq!(Owner::of("/openapix"), Owner::DingTalk);
    }

    /// Through the real app and serve loop, on an in-memory database: each API's
    /// panicking route is answered, in that API's envelope, on a connection that stays
    /// usable.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_handler_is_answered_in_its_apis_envelope() {
        let config = Config::for_tests("sqlite::memory:");
        let listener = TcpListener::bind(config.bind).await.unwrap();
        let app = App::build(config, listener).await.unwrap();
        let addr = app.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run(async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::new();
        let get = |path: &str| {
            let request = client.get(format!("http://{addr}{path}"));
            async move {
                let response = request
                    .header("x-request-id", "req-1")
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.unwrap())
            }
        };
        let (status, body) = get("/crm/test-panic").await;
        assert_eq!((status, body["errcode"].as_i64()), (200, Some(-1)));
        assert_eq!(body["errmsg"], "系统繁忙");
        let (status, body) = get("/openapi/test-panic").await;
        assert_eq!(
            (status, &body["code"], &body["success"]),
            (500, &"500".into(), &false.into())
        );
        let (status, body) = get("/_emulator/test-panic").await;
        assert_eq!((status, &body["error"]["status"]), (500, &500.into()));
        let (status, body) = get("/v1.0/test-panic").await;
        assert_eq!(status, 500);
        assert_eq!(
            body,
            serde_json::json!({"code": "system.error", "message": "系统错误", "requestid": "req-1"})
        );
        // The same client (and its pooled connection) is served after the panics.
        assert_eq!(get("/_emulator/live").await.0, 200);
        let _ = stop.send(());
        server.await.unwrap();
    }
}
