//! The whole HTTP surface: the three surfaces mounted where `docs/` puts them (DingTalk
//! at the root, OpenAPI under `/openapi`, the control plane under `/_emulator`), the
//! OpenAPI document made from those same routes, and the middleware every request shares.
//! Each surface brings its own fallback, wrong-method answer and middleware; nothing here
//! looks at a path to decide which surface a request belongs to.

use axum::{extract::DefaultBodyLimit, middleware, Router};
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use utoipa_axum::router::OpenApiRouter;

use crate::{
    admin, dingtalk, dingtalk_v1,
    http::{doc, head::Head, Api, X_REQUEST_ID},
    openapi,
    runtime::coverage::Operation,
    state::{AppState, RouterState},
    telemetry,
};

/// The router of the whole emulator, with its state set.
pub(super) fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    // `nest` hands a surface its prefix and every path below `prefix/`, but not
    // `prefix/` itself (a catch-all never matches an empty tail), which would fall to
    // the root's, i.e. DingTalk's, 404. The surface answers it, as it always has. (Its
    // router is cloned, a reference count; its document is not.)
    let (openapi, openapi_doc) = openapi::routes(&state).split_for_parts();
    let (admin, admin_doc) = admin::routes(&state).split_for_parts();
    let (v1, v1_doc) = dingtalk_v1::routes(&state).split_for_parts();
    let (dingtalk, dingtalk_doc) = dingtalk::routes(&state).split_for_parts();
    // Integration coverage counts the operations of the three APIs, as each describes
    // them.
    let surfaces = [
        (Api::DingTalk, &dingtalk_doc, ""),
        (Api::OpenApi, &openapi_doc, "/openapi"),
        (Api::DingTalkV1, &v1_doc, "/v1.0"),
    ];
    let operations = surfaces.into_iter().flat_map(|(api, doc, prefix)| {
        let routes = doc::operations(doc, prefix).into_iter();
        routes.map(move |(method, route)| Operation { api, method, route })
    });
    state.coverage.set_operations(operations.collect());
    let dingtalk = doc::described(dingtalk, dingtalk_doc);
    let bare_prefixes = [
        ("/openapi/", openapi.clone()),
        ("/_emulator/", admin.clone()),
        ("/v1.0/", v1.clone()),
    ];
    let openapi = doc::described(openapi, openapi_doc);
    let admin = doc::described(admin, admin_doc);
    let v1 = doc::described(v1, v1_doc);
    // DingTalk is mounted at the root, so its fallback answers every path no other
    // surface owns.
    let (routes, api) = OpenApiRouter::with_openapi(doc::base())
        .merge(dingtalk)
        .nest("/openapi", openapi)
        .nest("/v1.0", v1)
        .nest("/_emulator", admin)
        .split_for_parts();
    let state = RouterState {
        app: state,
        document: doc::finish(api),
    };
    let routes = bare_prefixes
        .into_iter()
        .fold(routes, |routes, (path, surface)| {
            routes.route_service(path, surface.with_state(state.clone()))
        });
    #[cfg(test)]
    let routes = super::panic::panicking(routes);
    routes
        .layer(DefaultBodyLimit::max(max_body))
        .layer(
            ServiceBuilder::new()
                // Measured first, as the client sent it: the request id is added next.
                .map_request(Head::measure)
                .layer(SetRequestIdLayer::new(
                    X_REQUEST_ID.clone(),
                    MakeRequestUuid,
                ))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(telemetry::make_request_span)
                        .on_response(telemetry::on_response),
                )
                .layer(PropagateRequestIdLayer::new(X_REQUEST_ID.clone()))
                // Inside the span and the request id, so that a panic's answer is
                // logged and carries the id like any other.
                .layer(middleware::from_fn(super::panic::catch)),
        )
        .with_state(state)
}
