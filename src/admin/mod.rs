//! The control plane under `/_emulator/` (`docs/control-plane.md`): health, and
//! everything an emulator user needs around the two APIs.

mod accounts;
mod api_doc;
mod browse;
mod clock;
mod console;
mod corps;
mod coverage;
pub mod document;
pub mod error;
pub mod export;
mod extract;
pub mod faults;
mod fields;
pub mod guard;
mod health;
pub mod import;
mod instances;
pub mod journal;
mod live;
mod metrics_text;
mod reset;
mod rules;

use axum::{
    extract::{DefaultBodyLimit, OriginalUri, Request, State},
    http::{Method, StatusCode, Uri},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    http::{
        doc::{self, Guard},
        head::Head,
        time_limited, Api,
    },
    runtime::metrics::Observed,
    state::{AppState, RouterState},
};
pub use error::{AdminError, AdminErrorBody};

pub type AdminResult<T> = Result<T, AdminError>;

/// The control plane, nested at `/_emulator`: everything behind the admin guard, then
/// health and live, which stay open for container health checks; its answers to unknown paths
/// and wrong methods; and the request timeout around all of them (control-plane calls
/// are neither journaled nor faulted).
pub fn routes(state: &AppState) -> OpenApiRouter<RouterState> {
    // An export grows with the data, far past the request limit of the APIs; the import
    // of one must still fit.
    let (schemas, paths, import) = routes!(export::import);
    let import = (
        schemas,
        paths,
        import.layer(DefaultBodyLimit::max(export::IMPORT_LIMIT_BYTES)),
    );
    let guarded = OpenApiRouter::new()
        .routes(routes!(clock::get, clock::change))
        .routes(routes!(faults::list, faults::create, faults::clear))
        .routes(routes!(faults::delete))
        .routes(routes!(journal::list, journal::clear))
        .routes(routes!(instances::list))
        .routes(routes!(coverage::report))
        .routes(routes!(coverage::reset))
        .routes(routes!(corps::list, corps::create))
        .routes(routes!(corps::get, corps::patch, corps::delete))
        .routes(routes!(corps::list_employees, corps::add_employee))
        .routes(routes!(browse::corp_customers))
        .routes(routes!(browse::corp_customer))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::get, accounts::patch, accounts::delete))
        .routes(routes!(fields::list, fields::create))
        .routes(routes!(fields::patch))
        .routes(routes!(browse::account_customers))
        .routes(routes!(reset::reset))
        .routes(routes!(rules::list))
        .routes(routes!(metrics_text::serve))
        .routes(routes!(export::export))
        .routes(import)
        .routes(routes!(api_doc::serve));
    let guard = Guard::new(&[doc::ADMIN_TOKEN])
        .answers::<AdminErrorBody>("400", "A malformed body or query; `message` names the key")
        .answers::<AdminErrorBody>(
            "401",
            "An admin token is configured and not given, or wrong",
        )
        .answers::<AdminErrorBody>(
            "403",
            "No admin token is configured and the peer is off loopback",
        )
        .answers::<AdminErrorBody>("404", "No such tenant, field or rule")
        .answers::<AdminErrorBody>("409", "Another tenant or field already has that key")
        .answers::<AdminErrorBody>(
            "413",
            "The body is larger than `--max-body-bytes` (default 1 MiB; an import: 512 MiB)",
        )
        .answers::<AdminErrorBody>("414", "The URI is over 8 KiB")
        .answers::<AdminErrorBody>("431", "More than 100 header fields, or over 64 KiB of them")
        .answers::<AdminErrorBody>("500", "Internal failure");
    let console = OpenApiRouter::new()
        .routes(routes!(console::redirect))
        .routes(routes!(console::page))
        .routes(routes!(console::asset))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_network,
        ));
    let routes = doc::secured(guarded, &guard)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_admin,
        ))
        .routes(routes!(health::health))
        .routes(routes!(live::live))
        .merge(console);
    doc::map_router(routes, |router| {
        router
            .method_not_allowed_fallback(method_not_allowed)
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(state.clone(), around))
    })
}

/// Around every control-plane call, known path or not: the head's size, a NUL
/// character in the path or query, and the request timeout.
async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let observed = Observed::start(&req);
    let (uri, headers) = (
        StatusCode::URI_TOO_LONG,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    );
    let response = if let Some((status, message)) = Head::oversized(&req, uri, headers) {
        AdminError::new(status, message).into_response()
    } else if let Some(at) = nul_in(req.uri()) {
        let message =
            format!("{at} holds a NUL character (%00), which no tenant, id or name holds");
        AdminError::bad_request(message).into_response()
    } else {
        time_limited(state.config.request_timeout(), next.run(req), timed_out).await
    };
    observed.count(&state.metrics, Api::Admin, &response);
    response
}

/// Where `uri` holds a NUL character: "the path" or "query parameter NAME". Postgres
/// cannot compare text with one, so it is refused before any lookup.
fn nul_in(uri: &Uri) -> Option<String> {
    if uri.path().contains("%00") {
        return Some("the path".to_owned());
    }
    let query = uri.query()?.as_bytes();
    form_urlencoded::parse(query)
        .find(|(name, value)| name.contains('\0') || value.contains('\0'))
        .map(|(name, _)| format!("query parameter {}", name.replace('\0', "%00")))
}

/// Answer for an unknown path under `/_emulator/`, naming the path as sent.
async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    AdminError::not_found(format!("no such control-plane endpoint: {}", uri.path())).into_response()
}

/// Answer for a known path called with a method it does not take.
async fn method_not_allowed(method: Method) -> Response {
    AdminError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed: this endpoint does not take {method}"),
    )
    .into_response()
}

/// Answer for a request that ran past the configured timeout.
fn timed_out() -> Response {
    AdminError::new(StatusCode::SERVICE_UNAVAILABLE, "request timed out").into_response()
}
