//! The rulebook (`docs/rules.md`). `every_rule_is_broken_in_each_mode_it_has` breaks every rule
//! `GET /_emulator/rules` lists: a rule enforced `always` is refused, and a rule
//! enforced `strict` is refused for a strict tenant and served with its warning (and its
//! lenient behaviour, checked) for a lenient one. [`Seen`] records what each request
//! showed, and the test fails naming any rule, or mode, no request exercised.

mod defects;
mod dingtalk;
mod dingtalk_v1;
mod limits;
mod openapi;
mod second_round;
mod seeds;

use std::{collections::BTreeSet, sync::Mutex};

use crm_emulator::{
    http::head::MAX_HEADER_BYTES,
    runtime::rules::{Answer, Enforced, Provenance, Rule},
};
use serde_json::json;

pub use crate::openapi::{call, Body};
use crate::{both_backends, helpers::*, openapi::Reply};

/// What a request showed of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Refused,
    Warned,
}

/// The rules the requests so far broke, and how they were answered.
#[derive(Default)]
pub struct Seen(Mutex<BTreeSet<(&'static str, Outcome)>>);

impl Seen {
    fn record(&self, rule: &'static Rule, outcome: Outcome) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.insert((rule.id, outcome));
    }

    fn has(&self, id: &str, outcome: Outcome) -> bool {
        let seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.iter().any(|(i, o)| *i == id && *o == outcome)
    }

    /// `reply` is `rule`'s refusal: the rule's answer (a DingTalk errcode with HTTP
    /// 200, or an OpenAPI status in both the HTTP status and `code`), the
    /// `x-emulator-rule` header, and a message containing `needle` — and, for a rule
    /// only strict tenants get, the rule's id.
    pub fn refused(&self, reply: &Reply, rule: &'static Rule, needle: &str) {
        let header = reply.headers.get("x-emulator-rule");
        let header = header.and_then(|h| h.to_str().ok());
        assert_eq!(header, Some(rule.id), "{} ({})", reply.body, rule.id);
        let message = match rule.answer {
            Answer::Errcode(errcode) => {
                assert_eq!(reply.status, 200, "{}", reply.body);
                assert_eq!(reply.body["errcode"], errcode, "{}", reply.body);
                &reply.body["errmsg"]
            }
            Answer::Status(status) => {
                assert_eq!(reply.status, status, "{}", reply.body);
                assert_eq!(reply.body["code"], status.to_string(), "{}", reply.body);
                assert_eq!(reply.body["success"], false, "{}", reply.body);
                &reply.body["message"]
            }
            Answer::Code(status, code) => {
                assert_eq!(reply.status, status, "{}", reply.body);
                let sent = reply.body["code"].as_str().unwrap_or_default();
                // A pattern (`Missing<name>`, `<key>.not.exists`) matches around the key.
                let (before, after) = match code.split_once('<') {
                    Some((before, rest)) => (before, rest.split_once('>').map_or("", |r| r.1)),
                    None => (code, code),
                };
                let matches = match code.contains('<') {
                    true => sent.starts_with(before) && sent.ends_with(after),
                    false => sent == code,
                };
                assert!(matches, "code {sent:?} is not {code:?}: {}", reply.body);
                assert!(reply.body["requestid"].is_string(), "{}", reply.body);
                &reply.body["message"]
            }
        };
        let message = message.as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{needle:?} not in {message:?} ({})",
            rule.id
        );
        if rule.enforced == Enforced::Strict {
            let named = format!("rule {}", rule.id);
            assert!(message.contains(&named), "{named:?} not in {message:?}");
        }
        self.record(rule, Outcome::Refused);
    }

    /// `reply` was served, with an `x-emulator-warning: <rule id>: …` header whose text
    /// (percent-decoded) contains `needle`.
    pub fn warned(&self, reply: &Reply, rule: &'static Rule, needle: &str) {
        // DingTalk's errcode 0, OpenAPI's success, or a v1.0 answer without an error code.
        let served = reply.body["errcode"] == 0
            || reply.body["success"] == true
            || reply.body.get("requestid").is_none() && reply.body.get("errcode").is_none();
        assert!(served, "{} ({} should be served)", reply.body, rule.id);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let prefix = format!("{}: ", rule.id);
        let warnings = warnings(reply);
        let warning = warnings.iter().find(|w| w.starts_with(&prefix));
        let warning = warning.unwrap_or_else(|| panic!("no {} warning in {warnings:?}", rule.id));
        assert!(warning.contains(needle), "{needle:?} not in {warning:?}");
        assert!(
            reply.headers.get("x-emulator-rule").is_none(),
            "a warned request is not refused"
        );
        self.record(rule, Outcome::Warned);
    }
}

/// The `x-emulator-warning` headers of `reply`, percent-decoded as
/// `decodeURIComponent` decodes them (the header is ASCII; its text is UTF-8).
pub fn warnings(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("x-emulator-warning")
        .iter()
        .map(|h| {
            let sent = h.to_str().expect("an ASCII header");
            percent_decoded(sent)
        })
        .collect()
}

/// `%XX` sequences replaced by their bytes, read as UTF-8.
pub fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("percent-encoded UTF-8")
}

/// The body size limit of the app the rules are exercised on.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A header field that alone is over the head's limit of header bytes.
pub fn padding_header() -> (&'static str, String) {
    ("x-padding", "a".repeat(MAX_HEADER_BYTES))
}

both_backends! {
    async fn every_rule_is_broken_in_each_mode_it_has(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.max_body_bytes = MAX_BODY_BYTES).await;
        let seen = Seen::default();
        dingtalk::exercise(&app, &seen).await;
        openapi::exercise(&app, &seen).await;
        limits::exercise(&app, &seen).await;
        dingtalk_v1::exercise(&app, &seen).await;
        let table = app.get_json("/_emulator/rules").await;
        let mut missing = Vec::new();
        for rule in table["rules"].as_array().expect("rules") {
            let id = rule["id"].as_str().expect("id");
            if !seen.has(id, Outcome::Refused) {
                missing.push(format!("{id} (refused)"));
            }
            if rule["enforced"] == "strict" && !seen.has(id, Outcome::Warned) {
                missing.push(format!("{id} (warned)"));
            }
        }
        assert!(missing.is_empty(), "no request broke these rules: {missing:#?}");
    }

    async fn a_warned_request_lists_its_warnings_in_the_journal(app: TestApp) {
        let dt = crate::dingtalk::Dt::new(&app).await;
        let mut body = crate::dingtalk::seed_create_body();
        body["customer"][0]["telephone"] = json!(13800000000_i64);
        let created = dt.post("/crm/customer/create?user_id=newcomer", &body).await;
        assert_eq!(created["errcode"], 0, "{created}");
        let journal = app.get_json("/_emulator/requests?api=dingtalk").await;
        let entries = journal.as_array().expect("entries");
        let entry = entries.iter().find(|e| e["path"] == "/crm/customer/create").expect("the create");
        let rules: Vec<&str> = entry["warnings"].as_array().expect("warnings").iter()
            .map(|w| w["rule"].as_str().unwrap_or_default()).collect();
        assert!(rules.contains(&"dingtalk.field.number"), "{entry}");
        assert!(rules.contains(&"dingtalk.employee.known"), "{entry}");
        let detail = entry["warnings"][0]["detail"].as_str().unwrap_or_default();
        assert!(!detail.is_empty(), "{entry}");
    }
}

#[tokio::test]
async fn docs_rules_md_is_the_table_the_server_serves() {
    let generated = crm_emulator::runtime::rules::markdown();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(path, &generated).expect("write docs/rules.md");
    }
    let written = std::fs::read_to_string(path).expect("docs/rules.md");
    assert!(
        written == generated,
        "docs/rules.md differs from the rulebook: run `cargo run -- rules > docs/rules.md` \
         (or this test with UPDATE_RULES_DOC=1)"
    );
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served = app.get_json("/_emulator/rules").await;
    let ids: Vec<&str> = served["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().unwrap_or_default())
        .collect();
    let documented: Vec<&str> = crm_emulator::runtime::rules::rules()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        ids, documented,
        "the endpoint serves the table docs/rules.md is made from"
    );
    for id in ids {
        assert!(
            written.contains(&format!("| `{id}` |")),
            "{id} is not in docs/rules.md"
        );
    }
}

#[test]
fn the_readme_lists_every_guess_enforced_for_every_tenant() {
    let generated = crm_emulator::runtime::rules::always_guesses_markdown();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let (start, end) = (
        generated.lines().next().unwrap_or_default(),
        generated.lines().last().unwrap_or_default(),
    );
    let from = readme
        .find(start)
        .expect("the README has the list's opening marker");
    let to = readme[from..]
        .find(end)
        .map(|at| from + at + end.len() + 1)
        .expect("and its end");
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        let updated = format!("{}{generated}{}", &readme[..from], &readme[to..]);
        std::fs::write(path, updated).expect("write README.md");
        return;
    }
    assert!(
        readme[from..to] == generated,
        "the README's always-enforced guesses differ from the rulebook: paste \
         `cargo run -- rules --always` between its markers (or run this test with \
         UPDATE_RULES_DOC=1)"
    );
    let always: Vec<&str> = crm_emulator::runtime::rules::rules()
        .filter(|r| r.provenance == Provenance::Emulator && r.enforced == Enforced::Always)
        .map(|r| r.id)
        .collect();
    assert!(!always.is_empty());
    for id in always {
        assert!(generated.contains(&format!("| `{id}` |")), "{id}");
    }
}
