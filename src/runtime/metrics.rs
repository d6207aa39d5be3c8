//! Prometheus metrics (`docs/control-plane.md#metrics`), served as text at
//! `GET /_emulator/metrics`. Each app has its own registry (several apps share a test
//! process). Every API call is counted once, by [`Observed`] in the surface's middleware,
//! from what its answer carries: the status, the envelope's code ([`ErrorCode`]), the
//! rule warnings ([`Warned`]), the rule that refused it ([`RefusedBy`]) and whether a
//! fault fired ([`FaultFired`]). The route is the matched template, never the raw path.
//! Counting costs a hashed lookup and an atomic add per family, with no lock held across
//! the request.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request},
    response::Response,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use super::{
    faults::FaultFired,
    rules::{dingtalk as dt, dingtalk_v1 as v1, openapi as oa, RefusedBy, Rule, Warned},
};
use crate::http::{Api, ErrorCode};

/// The content type of the text exposition.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The route label of a path no route matches.
const UNMATCHED: &str = "unmatched";

/// Request durations, in seconds: 0.5 ms to 30 s.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0,
];

/// The refusals counted as authentication failures, and their `reason`.
static AUTH_FAILURES: [(&Rule, &str); 16] = [
    (&dt::TOKEN_REQUIRED, "missing"),
    (&dt::GETTOKEN_KEY, "missing"),
    (&dt::GETTOKEN_SECRET, "missing"),
    (&dt::GETTOKEN_CREDENTIALS, "credentials"),
    (&dt::TOKEN_KNOWN, "token_unknown"),
    (&dt::TOKEN_FRESH, "token_expired"),
    (&oa::AUTH_HEADERS, "missing"),
    (&oa::AUTH_HEADER_TEXT, "missing"),
    (&oa::AUTH_APPID, "unknown_tenant"),
    (&oa::AUTH_TIMESTAMP, "stale"),
    (&oa::AUTH_SIGNATURE, "signature"),
    (&oa::NONCE_ONCE, "replay"),
    (&v1::TOKEN_REQUIRED, "missing"),
    (&v1::TOKEN_KNOWN, "token_unknown"),
    (&v1::TOKEN_FRESH, "token_expired"),
    (&v1::TOKEN_CREDENTIALS, "credentials"),
];

/// The metric families of one app.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    warnings: IntCounterVec,
    refusals: IntCounterVec,
    faults: IntCounterVec,
    auth_failures: IntCounterVec,
    db_connections: IntGaugeVec,
}

impl Metrics {
    /// The families, registered, with `crm_emulator_build_info` set for this build and
    /// `backend` (`sqlite` or `postgres`).
    pub fn new(backend: &str) -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let family = IntCounterVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(family.clone()))?;
            Ok::<_, prometheus::Error>(family)
        };
        let requests = counter(
            "crm_emulator_requests_total",
            "API and control-plane requests by route template, HTTP status and envelope code.",
            &["api", "route", "status", "code"],
        )?;
        let warnings = counter(
            "crm_emulator_rule_warnings_total",
            "Rules requests broke and were served anyway: lenient tenants, and signatures \
             under --signature-mode lenient (docs/rules.md#strict-and-lenient).",
            &["rule"],
        )?;
        let refusals = counter(
            "crm_emulator_rule_refusals_total",
            "Requests a rule refused, by rule (docs/rules.md#strict-and-lenient).",
            &["rule"],
        )?;
        let faults = counter(
            "crm_emulator_faults_injected_total",
            "Requests a fault rule fired on.",
            &["api"],
        )?;
        let auth_failures = counter(
            "crm_emulator_auth_failures_total",
            "Requests refused by authentication, by reason.",
            &["api", "reason"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "crm_emulator_request_duration_seconds",
                "Time to answer, injected latency included.",
            )
            .buckets(BUCKETS.to_vec()),
            &["api", "route"],
        )?;
        registry.register(Box::new(duration.clone()))?;
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            let family = IntGaugeVec::new(Opts::new(name, help), labels)?;
            registry.register(Box::new(family.clone()))?;
            Ok::<_, prometheus::Error>(family)
        };
        let db_connections = gauge(
            "crm_emulator_db_connections",
            "Database connections of this instance's pools.",
            &["state"],
        )?;
        let build_info = gauge(
            "crm_emulator_build_info",
            "The running build: its version and database backend.",
            &["version", "backend"],
        )?;
        build_info
            .get_metric_with_label_values(&[env!("CARGO_PKG_VERSION"), backend])?
            .set(1);
        Ok(Metrics {
            registry,
            requests,
            duration,
            warnings,
            refusals,
            faults,
            auth_failures,
            db_connections,
        })
    }

    /// Counts one answer of `api` on `route`, `elapsed` after the request arrived.
    fn count(&self, api: Api, route: &str, response: &Response, elapsed: f64) {
        let api_label = api.as_str();
        let status = response.status();
        let code = response
            .extensions()
            .get::<ErrorCode>()
            .map(|c| c.0.as_str());
        let code = code.unwrap_or(match api {
            Api::DingTalk | Api::DingTalkV1 if status.is_success() => "0",
            _ => status.as_str(),
        });
        let mut failed = self
            .requests
            .get_metric_with_label_values(&[api_label, route, status.as_str(), code])
            .map(|c| c.inc())
            .is_err();
        failed |= self
            .duration
            .get_metric_with_label_values(&[api_label, route])
            .map(|h| h.observe(elapsed))
            .is_err();
        let extensions = response.extensions();
        for warning in extensions.get::<Warned>().map_or(&[][..], |w| &w.0) {
            failed |= self
                .warnings
                .get_metric_with_label_values(&[warning.rule.as_str()])
                .map(|c| c.inc())
                .is_err();
        }
        if extensions.get::<FaultFired>().is_some() {
            failed |= self
                .faults
                .get_metric_with_label_values(&[api_label])
                .map(|c| c.inc())
                .is_err();
        }
        let refused_by = extensions.get::<RefusedBy>().map(|r| r.0.id);
        if let Some(rule) = refused_by {
            failed |= self
                .refusals
                .get_metric_with_label_values(&[rule])
                .map(|c| c.inc())
                .is_err();
        }
        let reason = AUTH_FAILURES
            .iter()
            .find(|(rule, _)| Some(rule.id) == refused_by);
        if let Some((_, reason)) = reason {
            failed |= self
                .auth_failures
                .get_metric_with_label_values(&[api_label, reason])
                .map(|c| c.inc())
                .is_err();
        }
        if failed {
            tracing::warn!(api = api_label, route, "a request could not be counted");
        }
    }

    /// The text exposition, with the database pools' `idle` and `in_use` connections.
    pub fn render(&self, idle: i64, in_use: i64) -> Result<String, prometheus::Error> {
        self.db_connections
            .get_metric_with_label_values(&["idle"])?
            .set(idle);
        self.db_connections
            .get_metric_with_label_values(&["in_use"])?
            .set(in_use);
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut text)?;
        String::from_utf8(text).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

/// One call being observed: the route template the router matched, and when the call
/// arrived.
pub struct Observed {
    route: Option<MatchedPath>,
    started: Instant,
}

impl Observed {
    /// Starts observing `req`.
    pub fn start(req: &Request) -> Observed {
        Observed {
            route: req.extensions().get::<MatchedPath>().cloned(),
            started: Instant::now(),
        }
    }

    /// Counts `response` as `api`'s answer, under the route (`unmatched` for none).
    pub fn count(self, metrics: &Metrics, api: Api, response: &Response) {
        let route = self.route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
        metrics.count(api, route, response, self.started.elapsed().as_secs_f64());
    }
}
