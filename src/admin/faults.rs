//! Fault injection: rules that answer matching API calls with that API's own error
//! envelope, or delay them, so an app can be tested against 45009, -1, 42001 or slow
//! responses without touching the real service. Rules are runtime state, kept in memory
//! per instance (not exported).

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        RwLock,
    },
    time::Duration,
};

use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::AdminJson, AdminError, AdminResult};
use crate::{app::Surface, dingtalk, openapi, state::AppState};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Dingtalk,
    Openapi,
}

/// A rule as posted to `POST /_emulator/faults`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewFault {
    api: Api,
    method: Option<String>,
    path: Option<String>,
    tenant: Option<String>,
    errcode: Option<i64>,
    status: Option<u16>,
    latency_ms: Option<u64>,
    probability: Option<f64>,
    times: Option<u64>,
}

/// A stored rule, as listed.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    id: u64,
    api: Api,
    method: Option<String>,
    path: Option<String>,
    tenant: Option<String>,
    errcode: Option<i64>,
    status: Option<u16>,
    latency_ms: Option<u64>,
    probability: f64,
    times: Option<u64>,
    /// How often the rule has fired.
    fired: u64,
}

impl Fault {
    /// Whether the rule applies to this call, tenant aside (resolving the tenant may
    /// cost a lookup, so it is asked only when everything else matches).
    fn matches(&self, api: Api, method: &str, path: &str) -> bool {
        self.api == api
            && self.times.is_none_or(|t| self.fired < t)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| path_matches(p, path))
    }
}

/// `/crm/customer/get` matches itself; `/crm/*` matches everything under `/crm/`.
fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// The rule set. Reads (every API call) take a shared lock only while rules exist.
#[derive(Debug, Default)]
pub struct Faults {
    rules: RwLock<Vec<Fault>>,
    next_id: AtomicU64,
    any: AtomicBool,
}

impl Faults {
    fn add(&self, new: NewFault) -> Fault {
        let fault = Fault {
            id: self.next_id.fetch_add(1, Ordering::Relaxed) + 1,
            api: new.api,
            method: new.method.map(|m| m.to_ascii_uppercase()),
            path: new.path,
            tenant: new.tenant,
            errcode: new.errcode,
            status: new.status,
            latency_ms: new.latency_ms,
            probability: new.probability.unwrap_or(1.0),
            times: new.times,
            fired: 0,
        };
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        rules.push(fault.clone());
        self.any.store(true, Ordering::Release);
        fault
    }

    pub fn list(&self) -> Vec<Fault> {
        self.rules.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Removes one rule (`Some(id)`) or all; returns how many were removed.
    fn remove(&self, id: Option<u64>) -> usize {
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        let before = rules.len();
        rules.retain(|r| id.is_some_and(|id| r.id != id));
        self.any.store(!rules.is_empty(), Ordering::Release);
        before - rules.len()
    }

    /// Whether a rule that names a tenant could fire for this call, i.e. whether the
    /// caller's tenant must be resolved first.
    fn needs_tenant(&self, api: Api, method: &str, path: &str) -> bool {
        let rules = self.rules.read().unwrap_or_else(|p| p.into_inner());
        rules
            .iter()
            .any(|r| r.tenant.is_some() && r.matches(api, method, path))
    }

    /// Picks the first rule that fires for this call, counting it as fired.
    fn fire(&self, api: Api, method: &str, path: &str, tenant: Option<&str>) -> Option<Fault> {
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        for rule in rules.iter_mut() {
            if !rule.matches(api, method, path)
                || rule.tenant.as_deref().is_some_and(|t| Some(t) != tenant)
            {
                continue;
            }
            if rule.probability < 1.0 && rand::random::<f64>() >= rule.probability {
                continue;
            }
            rule.fired += 1;
            return Some(rule.clone());
        }
        None
    }
}

/// The tenant a call acts for, as a fault rule names it: the `appid` header (OpenAPI),
/// the `corpid`/`appkey` of `/gettoken`, or the corp owning the `access_token`
/// (DingTalk; one indexed lookup, made only when a tenant rule could fire).
async fn tenant_of(
    state: &AppState,
    api: Api,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Option<String> {
    if api == Api::Openapi {
        return headers
            .get("appid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
    }
    let param = |name: &str| {
        query?
            .split('&')
            .find_map(|pair| match pair.split_once('=') {
                Some((key, value)) if key == name => Some(value.to_owned()),
                _ => None,
            })
    };
    if let Some(named) = param("corpid").or_else(|| param("appkey")) {
        return Some(named);
    }
    let token = param("access_token")?;
    match state.store.dt_token_owner(&token).await {
        Ok(owner) => owner.map(|o| o.corp.corpid),
        Err(err) => {
            tracing::warn!(error = %err, "fault injection could not resolve the caller's corp");
            None
        }
    }
}

/// Middleware applying the rules to every API call.
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = match Surface::of(req.uri().path()) {
        Surface::DingTalk => Api::Dingtalk,
        Surface::OpenApi => Api::Openapi,
        Surface::Admin => return next.run(req).await,
    };
    if !state.faults.any.load(Ordering::Acquire) {
        return next.run(req).await;
    }
    let (method, path) = (req.method().as_str(), req.uri().path());
    let tenant = if state.faults.needs_tenant(api, method, path) {
        tenant_of(&state, api, req.headers(), req.uri().query()).await
    } else {
        None
    };
    let Some(fault) = state.faults.fire(api, method, path, tenant.as_deref()) else {
        return next.run(req).await;
    };
    tracing::info!(fault = fault.id, "injecting fault");
    if let Some(ms) = fault.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let status = fault.status.and_then(|s| StatusCode::from_u16(s).ok());
    match (api, fault.errcode, status) {
        (_, None, None) => next.run(req).await,
        (Api::Dingtalk, errcode, status) => dingtalk::injected::response(errcode, status),
        (Api::Openapi, _, status) => openapi::injected::response(status),
    }
}

fn validate(new: &NewFault) -> Result<(), AdminError> {
    let bad = |m: &str| Err(AdminError::bad_request(m));
    if new.errcode.is_some() && new.status.is_some() {
        return bad("give errcode or status, not both");
    }
    if new.errcode.is_some() && new.api == Api::Openapi {
        return bad("errcode is for api \"dingtalk\"; OpenAPI faults take status");
    }
    if new.errcode.is_none() && new.status.is_none() && new.latency_ms.is_none() {
        return bad("a fault needs errcode, status or latencyMs");
    }
    if new.status.is_some_and(|s| !(400..=599).contains(&s)) {
        return bad("status must be an HTTP error status, 400 to 599");
    }
    if new.probability.is_some_and(|p| !(p > 0.0 && p <= 1.0)) {
        return bad("probability must be greater than 0 and at most 1");
    }
    if new.times == Some(0) {
        return bad("times must be at least 1 (omit it for no limit)");
    }
    if new.path.as_deref().is_some_and(|p| !p.starts_with('/')) {
        return bad("path must start with / (a trailing * matches a prefix)");
    }
    Ok(())
}

/// `POST /_emulator/faults`
#[utoipa::path(post, path = "/_emulator/faults", tag = "Control plane", request_body = NewFault,
    responses((status = 201, description = "The stored rule", body = Fault)))]
pub async fn create(
    State(state): State<AppState>,
    AdminJson(new): AdminJson<NewFault>,
) -> AdminResult<impl IntoResponse> {
    validate(&new)?;
    let fault = state.faults.add(new);
    Ok((StatusCode::CREATED, Json(fault)))
}

/// `GET /_emulator/faults`
#[utoipa::path(get, path = "/_emulator/faults", tag = "Control plane",
    responses((status = 200, description = "Every rule, with how often it fired", body = Vec<Fault>)))]
pub async fn list(State(state): State<AppState>) -> Json<Vec<Fault>> {
    Json(state.faults.list())
}

/// The answer of the deletes: how many rules went.
#[derive(Serialize, ToSchema)]
pub struct Removed {
    removed: usize,
}

/// `DELETE /_emulator/faults`
#[utoipa::path(delete, path = "/_emulator/faults", tag = "Control plane",
    responses((status = 200, description = "Every rule removed", body = Removed)))]
pub async fn clear(State(state): State<AppState>) -> Json<Removed> {
    Json(Removed {
        removed: state.faults.remove(None),
    })
}

/// `DELETE /_emulator/faults/{id}`
#[utoipa::path(delete, path = "/_emulator/faults/{id}", tag = "Control plane",
    params(("id" = u64, Path, description = "The rule's id")),
    responses((status = 200, description = "The rule removed", body = Removed)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AdminResult<Json<Removed>> {
    let removed = id.parse().map_or(0, |id| state.faults.remove(Some(id)));
    if removed == 0 {
        return Err(AdminError::not_found(format!("no fault with id {id:?}")));
    }
    Ok(Json(Removed { removed }))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn rule(json: Value) -> NewFault {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn paths_match_exactly_or_by_prefix() {
        assert!(path_matches("/crm/customer/get", "/crm/customer/get"));
        assert!(!path_matches("/crm/customer/get", "/crm/customer/getx"));
        assert!(path_matches("/crm/*", "/crm/contact/create"));
        assert!(!path_matches("/crm/*", "/gettoken"));
    }

    #[test]
    fn rules_fire_the_requested_number_of_times_and_only_where_they_match() {
        let faults = Faults::default();
        faults.add(rule(json!({"api": "dingtalk", "path": "/crm/*", "method": "get", "errcode": 45009, "times": 2})));
        assert!(faults.fire(Api::Openapi, "GET", "/crm/x", None).is_none());
        assert!(faults.fire(Api::Dingtalk, "POST", "/crm/x", None).is_none());
        assert!(faults.fire(Api::Dingtalk, "GET", "/crm/x", None).is_some());
        assert!(faults.fire(Api::Dingtalk, "GET", "/crm/y", None).is_some());
        assert!(faults.fire(Api::Dingtalk, "GET", "/crm/z", None).is_none());
        assert_eq!(faults.list()[0].fired, 2);
    }

    #[test]
    fn tenant_rules_fire_only_for_their_tenant() {
        let faults = Faults::default();
        faults.add(rule(
            json!({"api": "openapi", "tenant": "1090", "status": 500}),
        ));
        assert!(faults.needs_tenant(Api::Openapi, "POST", "/openapi/crm/add"));
        assert!(!faults.needs_tenant(Api::Dingtalk, "POST", "/crm/customer/create"));
        let add = |tenant| faults.fire(Api::Openapi, "POST", "/openapi/crm/add", tenant);
        assert!(add(Some("2000")).is_none());
        assert!(add(None).is_none());
        assert!(add(Some("1090")).is_some());
    }

    #[test]
    fn contradictory_rules_are_refused() {
        for bad in [
            json!({"api": "dingtalk", "errcode": 1, "status": 500}),
            json!({"api": "openapi", "errcode": 1}),
            json!({"api": "openapi"}),
            json!({"api": "openapi", "status": 200}),
            json!({"api": "openapi", "status": 500, "probability": 0}),
            json!({"api": "openapi", "status": 500, "times": 0}),
            json!({"api": "openapi", "status": 500, "path": "crm"}),
        ] {
            assert!(validate(&rule(bad.clone())).is_err(), "{bad}");
        }
    }
}
