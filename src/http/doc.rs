//! How the OpenAPI 3.1 document of all three surfaces is described, served at
//! `/_emulator/openapi.json`.
//!
//! Routes and their description share one declaration: each surface builds its routes
//! with `utoipa_axum::routes!` from handlers annotated with `#[utoipa::path]`, whose
//! request and response schemas are the types the handlers read and write. The app
//! assembles the surfaces on [`base`] and splits its router and the document from that
//! one value, so a route cannot be served without being described; [`finish`] makes
//! the served [`ApiDocument`].
//!
//! Authentication and the errors it can answer are attached where each surface puts its
//! auth layer, by [`secured`], so the description cannot miss a guarded route either.

use axum::{
    body::Bytes,
    http::header,
    response::{IntoResponse, Response},
    Router,
};
use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, OpenApi, Ref, RefOr, Response as DocResponse, ResponseBuilder, Schema,
        SecurityRequirement,
    },
    Modify, OpenApi as _, ToSchema,
};
use utoipa_axum::router::OpenApiRouter;

/// Security scheme of the control plane: `Authorization: Bearer <admin token>`.
pub const ADMIN_TOKEN: &str = "adminToken";
/// Security scheme of the DingTalk `/crm/*` calls: the `access_token` query parameter.
pub const ACCESS_TOKEN: &str = "accessToken";
/// Security scheme of the DingTalk v1.0 `/v1.0/crm/*` calls: the token header.
pub const DINGTALK_V1_TOKEN: &str = "dingtalkV1Token";
/// Security schemes of the OpenAPI surface: four headers, all required together.
pub const SIGNATURE_HEADERS: [&str; 4] = ["appid", "nonce", "timestamp", "signature"];

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "crm-emulator",
        description = "A stateful emulator of two CRM HTTP APIs: the DingTalk-style CRM \
                       (`/gettoken`, `/crm/*`, `errcode`/`errmsg` envelopes, always HTTP 200), \
                       the OpenAPI-style CRM (`/openapi/crm/*`, signed headers: HMAC-SHA256, \
                       the emulator's inference from the vendor document's signatures; \
                       `success`/`code`/`message`/`data` envelopes) and the emulator's \
                       control plane (`/_emulator/*`).\n\n\
                       Every check that can refuse a request is a rule of the rulebook \
                       (`GET /_emulator/rules`). A refusal names its rule in the \
                       `x-emulator-rule` response header. Rules that are the emulator's \
                       guesses refuse tenants (corps, accounts) in `strict` mode, except \
                       the few enforced `always`; a `lenient` tenant (the default) is \
                       served and gets one `x-emulator-warning: <rule id>: <detail>` \
                       response header per rule its request broke (non-ASCII text \
                       percent-encoded as UTF-8)."
    ),
    tags(
        (name = "DingTalk", description = "DingTalk-style CRM (docs/dingtalk.md): access-token auth; every answer is HTTP 200 with `errcode` 0 or an error code."),
        (name = "DingTalk v1.0", description = "DingTalk's v1.0 CRM server API as the official SDK `alibabacloud-dingtalk` speaks it (docs/dingtalk-v1.md): the token in the `x-acs-dingtalk-access-token` header; errors are 4xx/5xx with `{\"code\", \"message\", \"requestid\"}`."),
        (name = "OpenAPI", description = "OpenAPI-style CRM (docs/openapi.md): signed with the `appid`, `nonce`, `timestamp` and `signature` headers; the HTTP status equals `code`."),
        (name = "Control plane", description = "The emulator's own endpoints (docs/control-plane.md): bearer admin token when one is configured, otherwise loopback peers only; `/_emulator/health` is always open."),
    ),
    modifiers(&SecuritySchemes)
)]
struct Base;

/// A string a database index holds (a DingTalk user id, an OpenAPI `customerSource` or
/// `openSeaIds` element): at most 500 characters, for every tenant (rules
/// `dingtalk.user-id.length`, `openapi.field.length`).
#[derive(serde::Serialize, ToSchema)]
#[schema(max_length = 500)]
#[allow(dead_code, reason = "only described: handlers read these as strings")]
pub struct IndexedText(String);

/// The document's title, description, tags and security schemes, before any route.
pub fn base() -> OpenApi {
    Base::openapi()
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            ADMIN_TOKEN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `--admin-token`. Without one configured, the control plane \
                         answers loopback peers only and needs no header.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            ACCESS_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "access_token",
                "A token from `GET /gettoken`, valid for `expires_in` seconds.",
            ))),
        );
        components.add_security_scheme(
            DINGTALK_V1_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-acs-dingtalk-access-token",
                "A token from `POST /v1.0/oauth2/accessToken` (or `GET /gettoken`), bare.",
            ))),
        );
        let describe = |header: &str| match header {
            "appid" => "The account's appid.",
            "nonce" => {
                "A value not used by this appid within the signature window; at most 500 \
                 characters."
            }
            "timestamp" => "Unix time in seconds (or milliseconds) within the window.",
            _ => "Base64 of HMAC-SHA256(secret, appid + nonce + timestamp).",
        };
        for header in SIGNATURE_HEADERS {
            components.add_security_scheme(
                header,
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                    header,
                    describe(header),
                ))),
            );
        }
    }
}

/// What a surface's auth layer adds to every operation behind it: the security
/// requirement, and the answers the layer and the surface's extractors can give.
pub struct Guard {
    requirement: SecurityRequirement,
    responses: Vec<(&'static str, DocResponse)>,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Guard {
    /// A guard needing all of `schemes` at once.
    pub fn new(schemes: &[&str]) -> Guard {
        let requirement = schemes.iter().fold(SecurityRequirement::default(), |r, s| {
            r.add::<_, [&str; 0], &str>(*s, [])
        });
        Guard {
            requirement,
            responses: Vec::new(),
            schemas: Vec::new(),
        }
    }

    /// An answer with a `T` body that any operation behind the guard can give.
    pub fn answers<T: ToSchema>(mut self, status: &'static str, description: &str) -> Guard {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(T::name())))
            .build();
        let response = ResponseBuilder::new()
            .description(description)
            .content("application/json", content)
            .build();
        self.responses.push((status, response));
        self.schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(&mut self.schemas);
        self
    }
}

/// Marks every operation of `router` as guarded by `guard`. Call it where the auth
/// layer is added, on the same routes.
pub fn secured<S>(mut router: OpenApiRouter<S>, guard: &Guard) -> OpenApiRouter<S>
where
    S: Send + Sync + Clone + 'static,
{
    let doc = router.get_openapi_mut();
    for item in doc.paths.paths.values_mut() {
        for method in METHODS {
            if let Some(operation) = operation_mut(item, method) {
                operation
                    .security
                    .get_or_insert_with(Vec::new)
                    .push(guard.requirement.clone());
                for (status, response) in &guard.responses {
                    operation
                        .responses
                        .responses
                        .entry((*status).to_owned())
                        .or_insert_with(|| response.clone().into());
                }
            }
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.extend(guard.schemas.iter().cloned());
    router
}

/// The methods the emulator serves, as the document spells them.
pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operation_mut<'a>(
    item: &'a mut utoipa::openapi::PathItem,
    method: &str,
) -> Option<&'a mut utoipa::openapi::path::Operation> {
    match method {
        "get" => item.get.as_mut(),
        "post" => item.post.as_mut(),
        "put" => item.put.as_mut(),
        "patch" => item.patch.as_mut(),
        "delete" => item.delete.as_mut(),
        _ => None,
    }
}

/// Every operation `doc` describes, as (method in upper case, `prefix` + path template):
/// the route table a surface serves, for integration coverage.
pub fn operations(doc: &OpenApi, prefix: &str) -> Vec<(String, String)> {
    let mut doc = doc.clone();
    let mut found = Vec::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        for method in METHODS {
            if operation_mut(item, method).is_some() {
                found.push((method.to_ascii_uppercase(), format!("{prefix}{path}")));
            }
        }
    }
    found
}

/// The document as served: the routes' description, with this build's version and an
/// `operationId` made of each operation's method and path (unique, as they are),
/// serialized once (the description's own types always serialize).
pub fn finish(mut doc: OpenApi) -> ApiDocument {
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    for (path, item) in doc.paths.paths.iter_mut() {
        for method in METHODS {
            if let Some(operation) = operation_mut(item, method) {
                operation.operation_id = Some(operation_id(method, path));
            }
        }
    }
    ApiDocument(Bytes::from(serde_json::to_vec(&doc).unwrap_or_default()))
}

/// The served document: JSON made once when the app is built, shared by every request
/// through the router's state.
#[derive(Clone, Debug)]
pub struct ApiDocument(Bytes);

impl IntoResponse for ApiDocument {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// Applies `f` to the axum router inside `router`, keeping its description: for what
/// `OpenApiRouter` does not pass through (`method_not_allowed_fallback`), and for the
/// layers that must wrap the fallbacks too.
pub fn map_router<S>(
    router: OpenApiRouter<S>,
    f: impl FnOnce(Router<S>) -> Router<S>,
) -> OpenApiRouter<S>
where
    S: Send + Sync + Clone + 'static,
{
    let (routes, doc) = router.split_for_parts();
    described(f(routes), doc)
}

/// `router` with `doc` as its description (the two halves of a split `OpenApiRouter`).
pub fn described<S>(router: Router<S>, doc: OpenApi) -> OpenApiRouter<S>
where
    S: Send + Sync + Clone + 'static,
{
    let mut described = OpenApiRouter::from(router);
    *described.get_openapi_mut() = doc;
    described
}

/// `post` + `/crm/customer/create` → `postCrmCustomerCreate`; a path ending in `/` ends
/// in `Index` (`/_emulator/ui/` beside `/_emulator/ui`).
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for word in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    if path.len() > 1 && path.ends_with('/') {
        id.push_str("Index");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_spell_method_and_path() {
        assert_eq!(
            operation_id("post", "/crm/customer/create"),
            "postCrmCustomerCreate"
        );
        assert_eq!(
            operation_id("get", "/_emulator/dingtalk/corps/{corpid}"),
            "getEmulatorDingtalkCorpsCorpid"
        );
        assert_eq!(operation_id("get", "/_emulator/ui/"), "getEmulatorUiIndex");
    }
}
