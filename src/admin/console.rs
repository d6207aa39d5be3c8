//! The web console (`docs/control-plane.md#console`) at `/_emulator/ui/`: one page and
//! its script and style, compiled into the binary (`console/`), with no request to
//! another host. The files hold no data: everything the console shows comes from
//! control-plane calls made with the admin token the page asks for, so they are served to
//! whoever may reach the control plane's network (`guard::require_network`), token or
//! not.

use axum::{
    extract::Path,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::{AdminError, AdminErrorBody};

/// The page, its scripts (JavaScript modules) and its style.
const ASSETS: [(&str, &str, &str); 11] = [
    ("", HTML, include_str!("console/index.html")),
    ("app.css", CSS, include_str!("console/app.css")),
    ("app.js", JS, include_str!("console/app.js")),
    ("core.js", JS, include_str!("console/core.js")),
    ("connect.js", JS, include_str!("console/connect.js")),
    ("tenants.js", JS, include_str!("console/tenants.js")),
    ("customers.js", JS, include_str!("console/customers.js")),
    ("journal.js", JS, include_str!("console/journal.js")),
    ("rules.js", JS, include_str!("console/rules.js")),
    ("coverage.js", JS, include_str!("console/coverage.js")),
    ("faults.js", JS, include_str!("console/faults.js")),
];

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// Scripts, styles, fonts and calls from this origin only; no frames, no plugins.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `GET /_emulator/ui`: to the page, so that its relative asset paths resolve.
#[utoipa::path(get, path = "/ui", tag = "Control plane", security(()),
    responses((status = 308, description = "Redirects to `/_emulator/ui/`")))]
pub async fn redirect() -> Redirect {
    Redirect::permanent("/_emulator/ui/")
}

/// `GET /_emulator/ui/`: the console's page.
#[utoipa::path(get, path = "/ui/", tag = "Control plane", security(()),
    responses((status = 200, description = "The console's page", content_type = "text/html", body = String)))]
pub async fn page() -> Response {
    asset_response("")
}

/// `GET /_emulator/ui/{asset}`: the console's scripts (`app.js` and the modules it
/// imports) and style (`app.css`).
#[utoipa::path(get, path = "/ui/{asset}", tag = "Control plane", security(()),
    params(("asset" = String, Path, description = "`app.css`, `app.js` or a module it imports (`core.js`, …)")),
    responses(
        (status = 200, description = "The asset", content(
            (String = "text/javascript"),
            (String = "text/css"),
        )),
        (status = 404, description = "No such asset", body = AdminErrorBody),
    ))]
pub async fn asset(Path(name): Path<String>) -> Response {
    asset_response(&name)
}

fn asset_response(name: &str) -> Response {
    let Some((_, content_type, body)) = ASSETS.iter().find(|(n, _, _)| *n == name) else {
        return AdminError::not_found(format!("no console asset {name:?}")).into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    (StatusCode::OK, headers, *body).into_response()
}
