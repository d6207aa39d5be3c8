//! Fault injection rules: which API calls to answer with an error, or to delay, so an
//! app can be tested against 45009, -1, 42001 or slow responses without touching the
//! real service. Rules are runtime state (not exported). Each instance matches calls
//! against its own copy of the rules; on SQLite that copy is the rule set, on Postgres
//! the rules live in the database (`store::emulator`), a firing is spent there (so a
//! `times` budget is spent across instances), and the copy is reloaded whenever
//! another instance announces a change (`runtime::sync`).
//!
//! This is the rule set and its application. Each surface asks [`Faults::apply`] from
//! its own middleware, telling it how to find the caller's tenant, and answers a fault
//! in its own envelope (`dingtalk::faults`, `openapi::faults`); the control plane adds,
//! lists and removes rules (`admin::faults`).

use std::{
    future::Future,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        RwLock,
    },
    time::Duration,
};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    http::Call,
    store::{Store, StoreError, StoreResult},
};

// The API a rule applies to, as rules spell it; the control plane is never faulted.
// (A `//` comment: a doc comment would become the schema's description.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Dingtalk,
    Openapi,
    #[serde(rename = "dingtalk-v1")]
    DingtalkV1,
}

/// Left in the extensions of an answer a fault rule fired on (its error, or the real
/// answer after its latency), for the metrics; `answered` when the rule's error is the
/// answer (integration coverage counts it as `injected`).
#[derive(Clone, Copy, Debug)]
pub struct FaultFired {
    pub answered: bool,
}

impl FaultFired {
    /// `response`, marked as an answer a fault rule fired on: its error (`answered`), or
    /// the real answer it delayed.
    pub fn mark(
        mut response: axum::response::Response,
        answered: bool,
    ) -> axum::response::Response {
        response.extensions_mut().insert(FaultFired { answered });
        response
    }
}

/// A rule as posted to `POST /_emulator/faults`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewFault {
    api: Api,
    method: Option<String>,
    /// Starts with `/`; a trailing `*` matches a prefix; with a `{name}` segment, a route
    /// template (`/openapi/crm/{id}`) matching that route's calls only.
    #[schema(pattern = "^/")]
    path: Option<String>,
    tenant: Option<String>,
    errcode: Option<i64>,
    #[schema(minimum = 400, maximum = 599)]
    status: Option<u16>,
    /// The error `code` of a `dingtalk-v1` fault (with or instead of `status`).
    code: Option<String>,
    latency_ms: Option<u64>,
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    probability: Option<f64>,
    #[schema(minimum = 1)]
    times: Option<u64>,
}

/// A stored rule, as listed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    id: u64,
    api: Api,
    method: Option<String>,
    path: Option<String>,
    tenant: Option<String>,
    errcode: Option<i64>,
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    latency_ms: Option<u64>,
    probability: f64,
    times: Option<u64>,
    /// How often the rule has fired.
    fired: u64,
}

impl Fault {
    /// The rule's id, for the log.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The DingTalk `errcode` to answer with, if the rule names one.
    pub fn errcode(&self) -> Option<i64> {
        self.errcode
    }

    /// The DingTalk v1.0 `code` to answer with, if the rule names one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The HTTP status to answer with, if the rule names one.
    pub fn status(&self) -> Option<StatusCode> {
        self.status.and_then(|s| StatusCode::from_u16(s).ok())
    }

    /// How long to hold the call before answering it, if at all.
    pub fn latency(&self) -> Option<Duration> {
        self.latency_ms.map(Duration::from_millis)
    }

    /// Whether the rule answers the call with an error (rather than only delaying it).
    pub fn answers(&self) -> bool {
        self.errcode.is_some() || self.status.is_some() || self.code.is_some()
    }

    /// Whether the rule applies to this call, tenant aside (resolving the tenant may
    /// cost a lookup, so it is asked only when everything else matches). A path with a
    /// `{name}` segment is a route template, matched against the call's.
    fn matches(&self, api: Api, call: Call<'_>) -> bool {
        self.api == api
            && self.times.is_none_or(|t| self.fired < t)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(call.method))
            && self.path.as_deref().is_none_or(|p| match p.contains('{') {
                true => call.route == Some(p),
                false => path_matches(p, call.path),
            })
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
    /// Where the rules live when instances share them (Postgres).
    shared: Option<Store>,
}

impl Faults {
    /// The rules shared by every instance using `store`, loaded now.
    pub async fn shared(store: Store) -> StoreResult<Self> {
        let faults = Faults {
            shared: Some(store),
            ..Faults::default()
        };
        faults.reload().await?;
        Ok(faults)
    }

    /// Reads the shared rules again (after another instance changed them).
    pub async fn reload(&self) -> StoreResult<()> {
        let Some(store) = &self.shared else {
            return Ok(());
        };
        let rows = store.emulator().faults().await?;
        let rules = rows
            .into_iter()
            .map(|row| {
                let mut fault: Fault = serde_json::from_str(&row.rule)
                    .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?;
                fault.id = u64::try_from(row.id).unwrap_or_default();
                fault.fired = u64::try_from(row.fired).unwrap_or_default();
                Ok(fault)
            })
            .collect::<StoreResult<Vec<Fault>>>()?;
        self.replace(rules);
        Ok(())
    }

    fn replace(&self, new: Vec<Fault>) {
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        self.any.store(!new.is_empty(), Ordering::Release);
        *rules = new;
    }

    /// Stores a rule (checked with [`validate`] first) and returns it with its id.
    pub async fn add(&self, new: NewFault) -> StoreResult<Fault> {
        let mut fault = Fault {
            id: 0,
            api: new.api,
            method: new.method.map(|m| m.to_ascii_uppercase()),
            path: new.path,
            tenant: new.tenant,
            errcode: new.errcode,
            status: new.status,
            code: new.code,
            latency_ms: new.latency_ms,
            probability: new.probability.unwrap_or(1.0),
            times: new.times,
            fired: 0,
        };
        if let Some(store) = &self.shared {
            let json = serde_json::to_string(&fault).unwrap_or_default();
            let times = fault.times.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
            let id = store.emulator().insert_fault(&json, times).await?;
            fault.id = u64::try_from(id).unwrap_or_default();
            self.reload().await?;
            return Ok(fault);
        }
        fault.id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        rules.push(fault.clone());
        self.any.store(true, Ordering::Release);
        Ok(fault)
    }

    /// Every rule, with how often it fired (on any instance).
    pub async fn list(&self) -> StoreResult<Vec<Fault>> {
        self.reload().await?;
        Ok(self.rules.read().unwrap_or_else(|p| p.into_inner()).clone())
    }

    /// Removes one rule (`Some(id)`) or all; returns how many were removed.
    pub async fn remove(&self, id: Option<u64>) -> StoreResult<usize> {
        if let Some(store) = &self.shared {
            let id = id.map(|id| i64::try_from(id).unwrap_or(-1));
            let removed = store.emulator().delete_faults(id).await?;
            self.reload().await?;
            return Ok(usize::try_from(removed).unwrap_or_default());
        }
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        let before = rules.len();
        rules.retain(|r| id.is_some_and(|id| r.id != id));
        self.any.store(!rules.is_empty(), Ordering::Release);
        Ok(before - rules.len())
    }

    /// The rule that fires for this call of `api`, if any, after its latency has passed:
    /// the caller answers with the rule's error, or goes on when it has none. `tenant`
    /// finds the caller's tenant; it is asked only when a rule naming one could fire.
    /// While no rule exists this is one atomic load.
    pub async fn apply<T>(
        &self,
        api: Api,
        call: Call<'_>,
        tenant: impl FnOnce() -> T,
    ) -> Option<Fault>
    where
        T: Future<Output = Option<String>>,
    {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let tenant = match self.needs_tenant(api, call) {
            true => tenant().await,
            false => None,
        };
        let fault = self.fire(api, call, tenant.as_deref()).await?;
        tracing::info!(fault = fault.id, "injecting fault");
        if let Some(latency) = fault.latency() {
            tokio::time::sleep(latency).await;
        }
        Some(fault)
    }

    /// Whether a rule that names a tenant could fire for this call, i.e. whether the
    /// caller's tenant must be resolved first.
    fn needs_tenant(&self, api: Api, call: Call<'_>) -> bool {
        let rules = self.rules.read().unwrap_or_else(|p| p.into_inner());
        rules
            .iter()
            .any(|r| r.tenant.is_some() && r.matches(api, call))
    }

    /// The first rule that fires for this call, counted as fired: in memory, or spent in
    /// the database, where a rule whose budget another instance spent is passed over.
    async fn fire(&self, api: Api, call: Call<'_>, tenant: Option<&str>) -> Option<Fault> {
        let Some(store) = &self.shared else {
            return self.pick(api, call, tenant, true);
        };
        loop {
            let fault = self.pick(api, call, tenant, false)?;
            let spent = store
                .emulator()
                .spend_fault(i64::try_from(fault.id).ok()?)
                .await;
            let fired = match spent {
                Ok(fired) => fired.and_then(|f| u64::try_from(f).ok()),
                Err(err) => {
                    tracing::warn!(error = %crate::telemetry::chain(&err), fault = fault.id, "could not spend a fault; not injecting it");
                    return None;
                }
            };
            self.note(fault.id, fired);
            if let Some(fired) = fired {
                return Some(Fault { fired, ..fault });
            }
        }
    }

    /// Picks the first rule that fires for this call (counting it as fired when
    /// `count`).
    fn pick(&self, api: Api, call: Call<'_>, tenant: Option<&str>, count: bool) -> Option<Fault> {
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        for rule in rules.iter_mut() {
            if !rule.matches(api, call) || rule.tenant.as_deref().is_some_and(|t| Some(t) != tenant)
            {
                continue;
            }
            if rule.probability < 1.0 && rand::random::<f64>() >= rule.probability {
                continue;
            }
            if count {
                rule.fired += 1;
            }
            return Some(rule.clone());
        }
        None
    }

    /// Records in this instance's copy how often rule `id` has fired: `None` when its
    /// budget is spent.
    fn note(&self, id: u64, fired: Option<u64>) {
        let mut rules = self.rules.write().unwrap_or_else(|p| p.into_inner());
        if let Some(rule) = rules.iter_mut().find(|r| r.id == id) {
            rule.fired = fired.unwrap_or_else(|| rule.times.unwrap_or(u64::MAX));
        }
    }
}

/// Refuses a rule that contradicts itself or could never fire, naming why.
pub fn validate(new: &NewFault) -> Result<(), &'static str> {
    if new.errcode.is_some() && new.status.is_some() {
        return Err("give errcode or status, not both");
    }
    if new.errcode.is_some() && new.api != Api::Dingtalk {
        return Err("errcode is for api \"dingtalk\"; the other APIs' faults take status");
    }
    if new.code.is_some() && new.api != Api::DingtalkV1 {
        return Err("code is for api \"dingtalk-v1\"");
    }
    if new.code.as_deref().is_some_and(|c| c.trim().is_empty()) {
        return Err("code must not be blank");
    }
    let answers = new.errcode.is_some() || new.status.is_some() || new.code.is_some();
    if !answers && new.latency_ms.is_none() {
        return Err("a fault needs errcode, status, code or latencyMs");
    }
    if new.status.is_some_and(|s| !(400..=599).contains(&s)) {
        return Err("status must be an HTTP error status, 400 to 599");
    }
    if new.probability.is_some_and(|p| !(p > 0.0 && p <= 1.0)) {
        return Err("probability must be greater than 0 and at most 1");
    }
    if new.times == Some(0) {
        return Err("times must be at least 1 (omit it for no limit)");
    }
    if new.path.as_deref().is_some_and(|p| !p.starts_with('/')) {
        return Err("path must start with / (a trailing * matches a prefix)");
    }
    Ok(())
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod tests;
