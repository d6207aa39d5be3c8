//! The catalogue of an operation (docs/coverage.md#the-catalogue): the outcomes a client
//! of it should be ready for, made from the rulebook (each rule names the operations it
//! can refuse, `Rule::scope`) and the routes the app serves, so a new rule or route is in
//! it without another edit; and for each, how to make the emulator answer it (`howTo`).

use serde_json::{json, Value};

use crate::{
    http::Api,
    mode::Mode,
    runtime::rules::{
        dingtalk as dt, dingtalk_v1 as v1, openapi as oa, rules, Answer, Enforced, Rule,
    },
};

/// One operation of a surface: its method and route template, as metrics name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub api: Api,
    /// Upper case: `POST`.
    pub method: String,
    /// The full template: `/openapi/crm/findById/{id}`.
    pub route: String,
}

impl Operation {
    /// `POST /crm/customer/create`.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.route)
    }

    /// The routes that issue tokens, which no token names a tenant on.
    fn issues_tokens(&self) -> bool {
        [dt::GETTOKEN_KEY.id, v1::TOKEN_CREDENTIALS.id]
            .iter()
            .any(|id| rule(id).is_some_and(|r| r.can_refuse(&self.method, &self.route)))
    }
}

fn rule(id: &str) -> Option<&'static Rule> {
    rules().find(|r| r.id == id)
}

/// What decides a tenant's catalogue.
#[derive(Clone, Debug)]
pub struct Traits {
    pub mode: Mode,
    /// The corp has a rate limit (`rateLimitPerMinute`).
    pub rate_limited: bool,
}

/// The clock changes that answer token expiry and stale timestamps.
#[derive(Clone, Copy, Debug)]
pub struct Clocks {
    pub token_ttl: u64,
    pub signature_window: u64,
}

/// One outcome of the catalogue.
#[derive(Clone, Debug)]
pub struct Expected {
    /// `ok`, `errcode 42001`, `status 401`, `code InvalidAuthentication`, or a pattern
    /// (`code Missing<name>`, `code <key>.not.exists`).
    pub outcome: String,
    pub why: String,
    pub how_to: Option<Value>,
}

impl Expected {
    /// Whether a counted `outcome` is this one (an instance of it, for a pattern).
    pub fn met_by(&self, outcome: &str) -> bool {
        match self.outcome.split_once('<') {
            None => self.outcome == outcome,
            Some((prefix, rest)) => {
                let suffix = rest.split_once('>').map_or("", |(_, s)| s);
                outcome.len() > prefix.len() + suffix.len()
                    && outcome.starts_with(prefix)
                    && outcome.ends_with(suffix)
            }
        }
    }
}

/// A rule about the HTTP head itself, which no catalogue lists.
fn about_the_head(rule: &Rule) -> bool {
    [".uri.size", ".headers.size", ".body.size"]
        .iter()
        .any(|end| rule.id.ends_with(end))
}

/// The catalogue of `op` for a tenant with `traits`, named `tenant`: `ok`, each distinct
/// answer of the rules that can refuse it in the tenant's mode (a rate limit only where
/// the corp has one), and the service failing.
pub fn catalogue(op: &Operation, tenant: &str, traits: &Traits, clocks: Clocks) -> Vec<Expected> {
    let mut found: Vec<(String, Answer, Vec<&'static Rule>)> = Vec::new();
    let rate_limits = [dt::RATE_LIMIT.id, v1::RATE_LIMIT.id];
    let refusing = rules().filter(|r| {
        r.api == op.api
            && r.can_refuse(&op.method, &op.route)
            && !about_the_head(r)
            && (r.enforced == Enforced::Always || traits.mode == Mode::Strict)
            && (traits.rate_limited || !rate_limits.contains(&r.id))
    });
    for rule in refusing {
        let outcome = spelled(rule.answer);
        match found.iter_mut().find(|(o, ..)| *o == outcome) {
            Some((.., rules)) => rules.push(rule),
            None => found.push((outcome, rule.answer, vec![rule])),
        }
    }
    let failed = match op.api {
        Api::DingTalk => Answer::Errcode(-1),
        Api::OpenApi => Answer::Status(500),
        _ => Answer::Code(500, "system.error"),
    };
    let mut list = vec![Expected {
        outcome: "ok".to_owned(),
        why: "a successful answer".to_owned(),
        how_to: None,
    }];
    for (outcome, answer, rules) in found {
        let how_to = how_to(op, tenant, answer, &rules, clocks);
        list.push(Expected {
            why: why(&rules),
            outcome,
            how_to,
        });
    }
    list.push(Expected {
        outcome: spelled(failed),
        why: "the service failed".to_owned(),
        how_to: fault(op, tenant, failed),
    });
    list
}

/// An answer as an outcome.
fn spelled(answer: Answer) -> String {
    match answer {
        Answer::Errcode(errcode) => format!("errcode {errcode}"),
        Answer::Status(status) => format!("status {status}"),
        Answer::Code(_, code) => format!("code {code}"),
    }
}

fn why(rules: &[&'static Rule]) -> String {
    let is = |rule: &Rule| rules.iter().any(|r| r.id == rule.id);
    let text = if is(&dt::TOKEN_FRESH) {
        "the access_token expired"
    } else if is(&dt::TOKEN_KNOWN) {
        "the access_token is unknown"
    } else if is(&v1::TOKEN_FRESH) {
        "the token is missing, unknown or expired"
    } else if is(&oa::AUTH_SIGNATURE) {
        "a signature header is missing, stale, replayed or wrong"
    } else if is(&dt::RATE_LIMIT) || is(&v1::RATE_LIMIT) {
        "the corp's rate limit was exceeded"
    } else {
        ""
    };
    match (text, rules) {
        ("", [rule]) => format!("rule {}: {}", rule.id, rule.summary),
        ("", rules) => {
            let ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
            format!("refused by one of the rules {}", ids.join(", "))
        }
        (text, _) => text.to_owned(),
    }
}

/// How to make the emulator answer `answer`: a clock change past the token's life (token
/// expiry) or the signature window (a stale timestamp), else a fault; none for a
/// pattern, whose code names a key.
fn how_to(
    op: &Operation,
    tenant: &str,
    answer: Answer,
    rules: &[&'static Rule],
    clocks: Clocks,
) -> Option<Value> {
    let is = |rule: &Rule| rules.iter().any(|r| r.id == rule.id);
    let advance = if is(&dt::TOKEN_FRESH) || is(&v1::TOKEN_FRESH) {
        Some(clocks.token_ttl.saturating_add(1))
    } else if is(&oa::AUTH_TIMESTAMP) {
        Some(clocks.signature_window.saturating_add(1))
    } else {
        None
    };
    match advance {
        Some(seconds) => Some(json!({"clock": {"advanceSeconds": seconds}})),
        None => fault(op, tenant, answer),
    }
}

/// The body of `POST /_emulator/faults` that answers `answer` on the tenant's next call
/// of `op`, once. The token routes' fault names no tenant: a fault's tenant is matched
/// by the token a call carries, and theirs carry none.
fn fault(op: &Operation, tenant: &str, answer: Answer) -> Option<Value> {
    let mut fault = json!({"api": op.api.as_str(), "method": op.method, "path": op.route});
    if !op.issues_tokens() {
        fault["tenant"] = json!(tenant);
    }
    match answer {
        Answer::Errcode(errcode) => fault["errcode"] = json!(errcode),
        Answer::Status(status) => fault["status"] = json!(status),
        Answer::Code(_, code) if code.contains('<') => return None,
        Answer::Code(status, code) => {
            fault["status"] = json!(status);
            fault["code"] = json!(code);
        }
    }
    fault["times"] = json!(1);
    Some(json!({ "fault": fault }))
}
