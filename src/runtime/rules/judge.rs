//! How the rules apply to one request: a [`Judge`] refuses or warns, [`Warnings::report`]
//! turns a request's warnings into headers and a journal field, and [`RefusedBy`] marks a
//! refusal for the same.

use std::{
    convert::Infallible,
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    extract::{FromRequestParts, Request},
    http::{request::Parts, Extensions, HeaderName, HeaderValue},
    response::Response,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Broken, Enforced, Rule};
use crate::mode::Mode;

/// One per rule a lenient tenant's request broke: `<rule id>: <detail>`.
pub static X_EMULATOR_WARNING: HeaderName = HeaderName::from_static("x-emulator-warning");
/// The rule that refused a request, on every refusal.
pub static X_EMULATOR_RULE: HeaderName = HeaderName::from_static("x-emulator-rule");

/// A rule a request broke and was served anyway (a lenient tenant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Warning {
    /// The rule's id.
    pub rule: String,
    /// What was wrong, and what the emulator did instead of refusing.
    pub detail: String,
}

impl Warning {
    /// The `x-emulator-warning` header: `<rule id>: <detail>`, with every byte outside
    /// printable ASCII, and `%` itself, percent-encoded as UTF-8 (RFC 3986), so
    /// `decodeURIComponent` or `urllib.parse.unquote` gives the text back.
    pub fn header(&self) -> HeaderValue {
        let text = format!("{}: {}", self.rule, self.detail);
        let mut encoded = String::with_capacity(text.len());
        for byte in text.bytes() {
            match byte {
                b' '..=b'~' if byte != b'%' => encoded.push(char::from(byte)),
                _ => encoded.push_str(&format!("%{byte:02X}")),
            }
        }
        HeaderValue::from_str(&encoded).unwrap_or(HeaderValue::from_static("invalid warning"))
    }
}

/// The warnings of one request, shared by everything that handles it: the surface
/// middleware puts it in the request's extensions, the checks add to it, and the
/// middleware turns it into headers and the journal's `warnings`.
#[derive(Clone, Debug, Default)]
pub struct Warnings(Arc<Mutex<Vec<Warning>>>);

impl Warnings {
    /// Adds a warning; a rule broken again adds its detail to the rule's one warning.
    fn push(&self, warning: Warning) {
        let mut warnings = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match warnings.iter_mut().find(|w| w.rule == warning.rule) {
            Some(same) if same.detail.contains(&warning.detail) => {}
            Some(same) => {
                same.detail.push_str("; ");
                same.detail.push_str(&warning.detail);
            }
            None => warnings.push(warning),
        }
    }

    /// Every warning so far, in the order they were given.
    pub fn take(&self) -> Vec<Warning> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// How the rules apply to one request: its tenant's mode, and where its warnings go.
#[derive(Clone, Debug)]
pub struct Judge {
    mode: Mode,
    warnings: Warnings,
}

impl Judge {
    pub fn new(mode: Mode, warnings: Warnings) -> Self {
        Judge { mode, warnings }
    }

    /// The judge of a request of a tenant in `mode`, warning into the request's
    /// [`Warnings`] (a fresh list when the surface middleware gave none).
    pub fn of(mode: Mode, extensions: &Extensions) -> Self {
        let warnings = extensions.get::<Warnings>().cloned().unwrap_or_default();
        Judge::new(mode, warnings)
    }

    /// The judge the surface's authentication put in a request's extensions; a request
    /// without one (a route before authentication) is judged as a strict tenant's.
    pub fn of_request(extensions: &Extensions) -> Self {
        let judge = extensions.get::<Judge>().cloned();
        judge.unwrap_or_else(|| Judge::of(Mode::Strict, extensions))
    }

    /// Whether breaking `rule` refuses the request (rather than warning): decided before
    /// a write that must not happen for a refused request.
    pub fn refuses(&self, rule: &'static Rule) -> bool {
        rule.enforced == Enforced::Always || self.mode == Mode::Strict
    }

    /// The request broke `rule` as `detail` says: refused when the rule is enforced
    /// always or the tenant is strict; otherwise warned (the detail, then the rule's
    /// lenient behaviour), and the caller serves the request as that behaviour says.
    pub fn check(&self, rule: &'static Rule, detail: impl Into<String>) -> Result<(), Broken> {
        self.check_instead(rule, detail, rule.lenient)
    }

    /// [`Judge::check`], with what a lenient tenant gets said for this request
    /// (`instead`: "read as the number 5") rather than as the rule says it in general.
    pub fn check_instead(
        &self,
        rule: &'static Rule,
        detail: impl Into<String>,
        instead: &str,
    ) -> Result<(), Broken> {
        let detail = detail.into();
        if self.refuses(rule) {
            return Err(rule.broken(detail));
        }
        self.warn(rule, format!("{detail}; {instead}"));
        Ok(())
    }

    /// Warns that the request broke `rule` and was served, whatever the tenant's mode:
    /// for a rule a flag governs rather than the mode (a signature that does not verify
    /// under `--signature-mode lenient`). `detail` says what was wrong and what was done.
    pub fn warn(&self, rule: &'static Rule, detail: impl Into<String>) {
        self.warnings.push(Warning {
            rule: rule.id.to_owned(),
            detail: detail.into(),
        });
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Judge {
    type Rejection = Infallible;

    /// See [`Judge::of_request`].
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Judge::of_request(&parts.extensions))
    }
}

/// The warnings a response carries, left in its extensions for the journal.
#[derive(Clone, Debug, Default)]
pub struct Warned(pub Vec<Warning>);

/// The rule that refused a request, left in the response's extensions by the
/// surface's error type for the journal (which also sends it as `x-emulator-rule`).
#[derive(Clone, Copy, Debug)]
pub struct RefusedBy(pub &'static Rule);

impl RefusedBy {
    /// The `x-emulator-rule` header value.
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(self.0.id)
    }
}

impl Warnings {
    /// A fresh collection of warnings, put in `req`'s extensions for its checks.
    pub fn attach(req: &mut Request) -> Warnings {
        let warnings = Warnings::default();
        req.extensions_mut().insert(warnings.clone());
        warnings
    }

    /// Sends what was warned while `response` was made as `x-emulator-warning` headers
    /// and leaves it as [`Warned`] for the journal.
    pub fn report(self, mut response: Response) -> Response {
        let warned = self.take();
        if !warned.is_empty() {
            let headers = response.headers_mut();
            for warning in &warned {
                headers.append(X_EMULATOR_WARNING.clone(), warning.header());
            }
            response.extensions_mut().insert(Warned(warned));
        }
        response
    }
}
