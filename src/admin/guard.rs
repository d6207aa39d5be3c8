//! Who may call the control plane (`docs/control-plane.md#access`): with an admin token
//! configured, callers must send `Authorization: Bearer <token>`; without one, only
//! loopback peers are served. `/_emulator/health` is outside the guard (container health
//! checks call it).

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header::AUTHORIZATION, HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq;

use super::AdminError;
use crate::state::AppState;

pub async fn require_admin(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let token = state.config.admin_token.as_ref().map(|t| t.expose());
    match check(token, req.headers(), peer) {
        Ok(()) => next.run(req).await,
        Err(err) => {
            tracing::warn!(%peer, reason = %err.message, "control-plane call refused");
            err.into_response()
        }
    }
}

/// The console's page and assets (`admin::console`) hold no data: they are served to
/// whoever may reach the control plane — loopback peers only without an admin token,
/// anyone with one (the page then asks for the token before it shows anything).
pub async fn require_network(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let reachable = match state.config.admin_token {
        Some(_) => Ok(()),
        None => loopback_only(peer),
    };
    match reachable {
        Ok(()) => next.run(req).await,
        Err(err) => err.into_response(),
    }
}

/// The guard's decision, separate from the middleware so it can be tested for peers a
/// test cannot be (non-loopback addresses).
pub fn check(
    admin_token: Option<&str>,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<(), AdminError> {
    let Some(expected) = admin_token else {
        return loopback_only(peer);
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            AdminError::new(
                StatusCode::UNAUTHORIZED,
                "missing header Authorization: Bearer <admin token>",
            )
        })?;
    if bool::from(given.trim().as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(AdminError::new(
            StatusCode::UNAUTHORIZED,
            "wrong admin token",
        ))
    }
}

/// Without an admin token, the control plane serves loopback peers only.
fn loopback_only(peer: SocketAddr) -> Result<(), AdminError> {
    // Bound to `[::]`, the listener sees IPv4 callers as IPv4-mapped IPv6 addresses
    // (`::ffff:127.0.0.1`), which `is_loopback` alone does not count as loopback.
    if peer.ip().to_canonical().is_loopback() {
        return Ok(());
    }
    Err(AdminError::new(
        StatusCode::FORBIDDEN,
        "the control plane is served to loopback peers only; start the emulator \
         with --admin-token and send Authorization: Bearer <token> to call it remotely",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn peer(ip: [u8; 4]) -> SocketAddr {
        SocketAddr::from((ip, 40000))
    }

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers
    }

    #[test]
    fn without_a_token_only_loopback_peers_pass() {
        assert!(check(None, &HeaderMap::new(), peer([127, 0, 0, 1])).is_ok());
        let err = check(None, &HeaderMap::new(), peer([10, 1, 2, 3])).unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN);
        assert!(err.message.contains("--admin-token"));
    }

    #[test]
    fn ipv4_mapped_peers_are_judged_by_their_ipv4_address() {
        let mapped = |ip: [u8; 4]| {
            let v6 = std::net::Ipv4Addr::from(ip).to_ipv6_mapped();
            SocketAddr::from((v6, 40000))
        };
        assert!(check(None, &HeaderMap::new(), mapped([127, 0, 0, 1])).is_ok());
        assert!(check(None, &HeaderMap::new(), "[::1]:40000".parse().unwrap()).is_ok());
        let err = check(None, &HeaderMap::new(), mapped([10, 1, 2, 3])).unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN);
    }

    #[test]
    fn with_a_token_every_peer_must_send_it() {
        for ip in [[127, 0, 0, 1], [10, 1, 2, 3]] {
            assert!(check(Some("t0k"), &bearer("t0k"), peer(ip)).is_ok());
            let missing = check(Some("t0k"), &HeaderMap::new(), peer(ip)).unwrap_err();
            assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
            assert!(missing.message.contains("Authorization"));
            let wrong = check(Some("t0k"), &bearer("nope"), peer(ip)).unwrap_err();
            assert_eq!(wrong.message, "wrong admin token");
        }
    }
}
