//! `POST /v1.0/oauth2/accessToken` (docs/dingtalk-v1.md#tokens): the corp's access
//! token for its app key and secret — the same token `/gettoken` hands out, so a token
//! from either works on both APIs.

use std::sync::Arc;

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tracing::instrument;
use utoipa::ToSchema;

use super::{
    error::{V1Error, V1ErrorBody, V1Result},
    extract::V1Json,
    fields::Fields,
};
use crate::http::Json;
use crate::{
    http::Tenant,
    runtime::rules::{dingtalk_v1 as v1, Judge},
    state::AppState,
};

/// The request body (GetAccessTokenRequest).
#[derive(Deserialize, ToSchema)]
#[schema(as = V1TokenRequest)]
#[serde(rename_all = "camelCase")]
#[allow(
    dead_code,
    reason = "only described: the handler reads the body key by key"
)]
pub struct TokenRequest {
    /// The corp's app key (`appkey` of the control plane; the well-known corp's is
    /// `dingemulatorkey`).
    app_key: String,
    /// The app's secret.
    app_secret: String,
}

/// GetAccessTokenResponseBody.
#[derive(Serialize, ToSchema)]
#[schema(as = V1TokenIssued)]
#[serde(rename_all = "camelCase")]
pub struct TokenIssued {
    access_token: String,
    /// Seconds the token stays valid: `--token-ttl`.
    expire_in: u64,
}

/// `POST /v1.0/oauth2/accessToken` with `{"appKey", "appSecret"}` →
/// `{"accessToken", "expireIn"}`.
///
/// The pair is the corp's `appkey`/`appsecret` (a corp without an app key has no v1.0
/// access). While the corp's token is valid, asking again — here or at `/gettoken` —
/// returns it and renews its expiry.
#[utoipa::path(
    post,
    path = "/oauth2/accessToken",
    tag = "DingTalk v1.0",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The token and its lifetime", body = TokenIssued),
        (status = 400, description = "`MissingappKey`, `MissingappSecret`, `Missingbody`, `param.error`, or `invalidClientIdOrSecret`", body = V1ErrorBody),
        (status = 500, description = "`system.error`: internal failure", body = V1ErrorBody),
        (status = 503, description = "`system.error`: the database cannot be reached or cannot write, or the request ran out of time", body = V1ErrorBody),
    )
)]
#[instrument(skip_all)]
pub async fn access_token(
    State(state): State<AppState>,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Response> {
    let fields = Fields::body(&body, &judge)?;
    let app_key = fields.required_string("appKey")?;
    let app_secret = fields.required_string("appSecret")?;
    let corp = state.store.dingtalk().corp_by_appkey(&app_key).await?;
    let refused = || {
        V1Error::refused(
            &v1::TOKEN_CREDENTIALS,
            "no corp has this appKey and appSecret",
        )
    };
    let corp = corp.ok_or_else(refused)?;
    let expected = corp.appsecret.as_deref().unwrap_or_default().as_bytes();
    if corp.appsecret.is_none() || !bool::from(app_secret.as_bytes().ct_eq(expected)) {
        // Refused for the corp the appKey names (its tenant, for the journal and
        // integration coverage).
        let mut response = refused().into_response();
        let tenant = Tenant(Arc::from(corp.corpid.as_str()));
        response.extensions_mut().insert(tenant);
        return Ok(response);
    }
    let ttl_secs = state.config.token_ttl.max(1);
    let now_ms = state.clock.now_ms();
    let ttl_ms = i64::try_from(ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    // 128 random bits as 32 hex digits, the shape of DingTalk's tokens.
    let candidate = uuid::Uuid::new_v4().simple().to_string();
    let issued = state
        .store
        .dingtalk()
        .issue_token(&corp, &candidate, now_ms, now_ms.saturating_add(ttl_ms))
        .await?;
    let mut response = Json(TokenIssued {
        access_token: issued.token,
        expire_in: ttl_secs,
    })
    .into_response();
    response
        .extensions_mut()
        .insert(Tenant(Arc::from(corp.corpid.as_str())));
    Ok(response)
}
