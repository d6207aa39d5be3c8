//! `GET /_emulator/coverage` and `POST /_emulator/coverage/reset`
//! (docs/coverage.md#the-report): integration coverage (`runtime::coverage`) as the
//! control plane shows it.

use axum::extract::{rejection::QueryRejection, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::AdminJson, AdminError, AdminResult};
use crate::http::Json;
use crate::{
    http::Api,
    runtime::{
        clock::real_now_secs,
        coverage::{api_named, CoverageReport, ReportQuery},
    },
    state::AppState,
};

/// The API a query or body names, if any; a 400 naming `api` for another value.
fn api(name: Option<&str>) -> AdminResult<Option<Api>> {
    name.map(|name| {
        api_named(name).ok_or_else(|| {
            AdminError::bad_request(format!(
                "api must be dingtalk, openapi or dingtalk-v1, not {name:?}"
            ))
        })
    })
    .transpose()
}

/// `GET /_emulator/coverage?api=&tenant=`
#[utoipa::path(get, path = "/coverage", tag = "Control plane", params(ReportQuery),
    responses((status = 200, description = "Per API, tenant and operation: the outcomes \
        counted and the missing ones of its catalogue, with how to produce them \
        (docs/coverage.md)", body = CoverageReport)))]
pub async fn report(
    State(state): State<AppState>,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> AdminResult<Json<CoverageReport>> {
    let Query(query) = query.map_err(|e| AdminError::bad_request(e.body_text()))?;
    let api = api(query.api.as_deref())?;
    let now_ms = real_now_secs().saturating_mul(1000);
    let (config, clock) = (&state.config, &state.clock);
    let tenant = query.tenant.as_deref();
    let report = state
        .coverage
        .report(api, tenant, config, clock, now_ms)
        .await?;
    Ok(Json(report))
}

/// The body of `POST /_emulator/coverage/reset`: `{}` for everything.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetCoverage {
    /// `dingtalk`, `openapi` or `dingtalk-v1`: only that API's counts.
    api: Option<String>,
    /// A corpid or appid: only that tenant's counts.
    tenant: Option<String>,
}

/// What a reset did.
#[derive(Serialize, ToSchema)]
pub struct CoverageReset {
    reset: bool,
    /// The new start of counting, in the configured zone.
    since: String,
}

/// `POST /_emulator/coverage/reset`
#[utoipa::path(post, path = "/coverage/reset", tag = "Control plane",
    request_body = ResetCoverage,
    responses((status = 200, description = "The counts forgotten", body = CoverageReset)))]
pub async fn reset(
    State(state): State<AppState>,
    AdminJson(body): AdminJson<ResetCoverage>,
) -> AdminResult<Json<CoverageReset>> {
    let api = api(body.api.as_deref())?;
    let now_ms = real_now_secs().saturating_mul(1000);
    let tenant = body.tenant.as_deref();
    state.coverage.reset(api, tenant, now_ms).await?;
    Ok(Json(CoverageReset {
        reset: true,
        since: state.clock.format(now_ms),
    }))
}
