//! The rulebook (`docs/rules.md`): every check that can refuse a request is a [`Rule`]
//! with a stable id, the API it belongs to, where it comes from (the vendor document, the
//! vendor platform's public conventions, or the emulator's own guess) and when it is
//! enforced.
//!
//! A rule enforced `always` refuses every tenant. A rule enforced `strict` — a guess
//! where the vendor is silent — refuses strict tenants only; a lenient tenant is served
//! the way the real service most plausibly would, and the request carries a
//! [`Warning`] naming the rule (an `x-emulator-warning` header, the journal entry).
//! The surfaces decide with a [`Judge`] and answer a [`Broken`] rule in their own
//! envelope. `GET /_emulator/rules` serves [`rules()`]; `docs/rules.md` is rendered from
//! it by [`markdown`] (`crm-emulator rules`), and a test keeps the two equal.

pub mod dingtalk;
pub mod dingtalk_v1;
mod judge;
pub mod openapi;

use serde::Serialize;
use utoipa::ToSchema;

pub use judge::{Judge, RefusedBy, Warned, Warning, Warnings, X_EMULATOR_RULE};

use crate::http::Api;

/// Where a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// The vendor document of the rule's API states it (the seed).
    Seed,
    /// The vendor platform's public conventions (DingTalk's global errcodes, HTTP).
    Convention,
    /// The emulator's choice where the vendor documents are silent.
    Emulator,
}

/// When a rule refuses a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Enforced {
    /// For every tenant.
    Always,
    /// For strict tenants; lenient tenants are served and warned.
    Strict,
}

/// What a refusal answers: a DingTalk `errcode` (HTTP 200), an OpenAPI HTTP status, or
/// a DingTalk v1.0 HTTP status with its `code` (a pattern where the code names the key
/// at fault: `Missing<name>`, `<key>.not.exists`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Errcode(i64),
    Status(u16),
    Code(u16, &'static str),
}

/// The operations a rule can refuse, as `METHOD PATH` patterns over the route
/// templates (`POST /crm/customer/create`, `* /openapi/crm/{id}`): `*` alone for every
/// operation, a `*` method for any method, a path ending in `*` for a prefix. Integration
/// coverage's catalogue is made from it (docs/coverage.md), so a rule names its scope
/// where it is declared.
pub type Scope = &'static [&'static str];

/// The scope of a rule that refuses calls of no operation: an unknown path, a known path
/// with a method it does not take.
pub const NO_OPERATION: Scope = &[];

/// A check that can refuse a request.
#[derive(Debug)]
pub struct Rule {
    /// Stable, dotted, lowercase: `dingtalk.field.blank`.
    pub id: &'static str,
    pub api: Api,
    /// The operations of `api` it can refuse.
    pub scope: Scope,
    pub provenance: Provenance,
    pub enforced: Enforced,
    /// The vendor document's line quoted, the convention and where it is documented, or
    /// why the emulator guesses so.
    pub source: &'static str,
    /// What the rule refuses.
    pub summary: &'static str,
    /// For a rule enforced `strict`: what a lenient tenant gets instead (empty for
    /// `always`). It ends every warning of the rule.
    pub lenient: &'static str,
    pub answer: Answer,
}

impl Rule {
    /// The summary, and for a `strict` rule what a lenient tenant gets.
    pub fn described(&self) -> String {
        match self.lenient {
            "" => self.summary.to_owned(),
            lenient => format!("{} Lenient: {lenient}.", self.summary),
        }
    }

    /// Whether the rule can refuse `method` on the route template `route`.
    pub fn can_refuse(&self, method: &str, route: &str) -> bool {
        self.scope.iter().any(|pattern| {
            let (want_method, want_path) = pattern.split_once(' ').unwrap_or(("*", pattern));
            (want_method == "*" || want_method == method)
                && match want_path.strip_suffix('*') {
                    Some(prefix) => route.starts_with(prefix),
                    None => want_path == route,
                }
        })
    }

    /// This rule, broken as `detail` says.
    pub fn broken(&'static self, detail: impl Into<String>) -> Broken {
        Broken {
            rule: self,
            detail: detail.into(),
        }
    }
}

/// Every rule, DingTalk's first, then OpenAPI's and DingTalk v1.0's, each in a stable
/// order.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    let all = [dingtalk::RULES, openapi::RULES, dingtalk_v1::RULES];
    all.into_iter().flat_map(|rules| rules.iter().copied())
}

/// A rule a request broke, refused: the surface answers it in its envelope.
#[derive(Debug)]
pub struct Broken {
    pub rule: &'static Rule,
    /// What was wrong, naming the field or header at fault and what was expected.
    pub detail: String,
}

impl Broken {
    /// The detail, and for a refusal only a strict tenant gets, the rule that says so.
    pub fn message(&self) -> String {
        match self.rule.enforced {
            Enforced::Always => self.detail.clone(),
            Enforced::Strict => format!(
                "{} (rule {}: the tenant is strict; a lenient tenant is served with a warning)",
                self.detail, self.rule.id
            ),
        }
    }
}

/// A rule as `GET /_emulator/rules` lists it.
#[derive(Serialize, ToSchema)]
pub struct RuleView {
    id: &'static str,
    api: &'static str,
    provenance: Provenance,
    enforced: Enforced,
    source: &'static str,
    /// What the rule refuses, and for a `strict` rule what a lenient tenant gets.
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errcode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    /// A DingTalk v1.0 rule's `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
}

impl From<&Rule> for RuleView {
    fn from(rule: &Rule) -> Self {
        let (errcode, status, code) = match rule.answer {
            Answer::Errcode(errcode) => (Some(errcode), None, None),
            Answer::Status(status) => (None, Some(status), None),
            Answer::Code(status, code) => (None, Some(status), Some(code)),
        };
        RuleView {
            id: rule.id,
            api: rule.api.as_str(),
            provenance: rule.provenance,
            enforced: rule.enforced,
            source: rule.source,
            summary: rule.described(),
            errcode,
            status,
            code,
        }
    }
}

/// `docs/rules.md`: the page's prose (`page.md`), what a lenient tenant gets instead of
/// each refusal only strict tenants get, and every rule, by API.
pub fn markdown() -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut page = String::from(include_str!("page.md"));
    page.push_str(
        "\n## Lenient behaviour\n\n\
         What a lenient tenant gets instead of the refusal, for every rule enforced \
         `strict` (the tables below say what each rule refuses):\n\n\
         | rule | a lenient tenant |\n|---|---|\n",
    );
    for rule in rules().filter(|r| r.enforced == Enforced::Strict) {
        page.push_str(&format!("| `{}` | {} |\n", rule.id, cell(rule.lenient)));
    }
    let apis = [
        (Api::DingTalk, "DingTalk"),
        (Api::OpenApi, "OpenAPI"),
        (Api::DingTalkV1, "DingTalk v1.0"),
    ];
    for (api, title) in apis {
        page.push_str(&format!(
            "\n## {title}\n\n| rule | provenance | enforced | answer | summary | source |\n\
             |---|---|---|---|---|---|\n"
        ));
        for rule in rules().filter(|r| r.api == api) {
            let answer = match rule.answer {
                Answer::Errcode(code) => format!("errcode {code}"),
                Answer::Status(status) => format!("HTTP {status}"),
                Answer::Code(status, code) => format!("HTTP {status} `{code}`"),
            };
            page.push_str(&format!(
                "| `{}` | {:?} | {:?} | {answer} | {} | {} |\n",
                rule.id,
                rule.provenance,
                rule.enforced,
                cell(&rule.described()),
                cell(rule.source),
            ));
        }
    }
    page.replace("| Seed |", "| seed |")
        .replace("| Convention |", "| convention |")
        .replace("| Emulator |", "| emulator |")
        .replace("| Always |", "| always |")
        .replace("| Strict |", "| strict |")
}

/// The README's list of the guesses enforced for every tenant (provenance `emulator`,
/// enforced `always`), between its markers: `crm-emulator rules --always` prints it,
/// and a test keeps the README's copy equal.
pub fn always_guesses_markdown() -> String {
    let mut block = String::from(
        "<!-- always-enforced guesses: generated by `crm-emulator rules --always`; a test \
         keeps this list equal to the rulebook -->\n\
         | rule | refuses, for every tenant |\n|---|---|\n",
    );
    let always = |r: &&Rule| r.provenance == Provenance::Emulator && r.enforced == Enforced::Always;
    for rule in rules().filter(always) {
        let summary = rule.summary.replace('|', "\\|");
        block.push_str(&format!("| `{}` | {summary} |\n", rule.id));
    }
    block.push_str("<!-- end of the always-enforced guesses -->\n");
    block
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mode::Mode;

    #[test]
    fn rule_ids_are_unique_dotted_and_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for rule in rules() {
            assert!(seen.insert(rule.id), "{} twice", rule.id);
            assert!(rule.id.starts_with(rule.api.as_str()), "{}", rule.id);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'),
                "{}",
                rule.id
            );
            let answers_in_own_envelope = matches!(
                (rule.api, rule.answer),
                (Api::DingTalk, Answer::Errcode(_))
                    | (Api::OpenApi, Answer::Status(_))
                    | (Api::DingTalkV1, Answer::Code(..))
            );
            assert!(answers_in_own_envelope, "{}", rule.id);
        }
    }

    #[test]
    fn scopes_are_method_and_path_patterns() {
        let methods = ["*", "GET", "POST", "PUT", "DELETE"];
        for rule in rules() {
            for pattern in rule.scope {
                let well_formed = *pattern == "*"
                    || pattern.split_once(' ').is_some_and(|(method, path)| {
                        methods.contains(&method) && path.starts_with('/')
                    });
                assert!(well_formed, "{}: {pattern:?}", rule.id);
            }
        }
        assert!(dingtalk::TOKEN_FRESH.can_refuse("GET", "/crm/customer/get"));
        assert!(!dingtalk::TOKEN_FRESH.can_refuse("GET", "/gettoken"));
        assert!(openapi::RECORD_KNOWN.can_refuse("GET", "/openapi/crm/{id}"));
        assert!(!dingtalk::PATH_KNOWN.can_refuse("GET", "/crm/customer/get"));
    }

    #[test]
    fn a_lenient_tenant_is_warned_where_a_strict_one_is_refused() {
        let warnings = Warnings::default();
        let lenient = Judge::new(Mode::Lenient, warnings.clone());
        assert!(lenient
            .check(&dingtalk::FIELD_BLANK, "name is blank")
            .is_ok());
        assert!(lenient
            .check(&dingtalk::FIELD_REQUIRED, "name is missing")
            .is_err());
        let strict = Judge::new(Mode::Strict, Warnings::default());
        let refused = strict
            .check(&dingtalk::FIELD_BLANK, "name is blank")
            .unwrap_err();
        assert!(refused.message().contains("rule dingtalk.field.blank"));
        let taken = warnings.take();
        assert_eq!(taken.len(), 1);
        assert_eq!(
            taken[0].header(),
            "dingtalk.field.blank: name is blank; stored as sent"
        );
        let chinese = Warning {
            rule: "r".into(),
            detail: "客户".into(),
        };
        assert_eq!(chinese.header(), "r: %E5%AE%A2%E6%88%B7");
        let percent = Warning {
            rule: "r".into(),
            detail: "50% \u{7}".into(),
        };
        assert_eq!(percent.header(), "r: 50%25 %07");
    }
}
