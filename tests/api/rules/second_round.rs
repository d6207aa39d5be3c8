//! What the rulebook's second review found (issue 22), one test each: guesses that
//! refused lenient tenants, labels their sources did not give, warnings a person could
//! not read. Each lenient answer is served, warned with the rule's id and stored as
//! `docs/rules.md#lenient-behaviour` says; each strict refusal names the same rule.

use crm_emulator::{
    config::SignatureMode,
    runtime::rules::{dingtalk as dt, openapi as oa},
    store::openapi::{Choice, FieldType, NewCustomField},
};
use reqwest::Method;
use serde_json::{json, Value};

use super::{
    call,
    dingtalk::{corp, get, post},
    warnings, Body, Seen,
};
use crate::{
    both_backends,
    dingtalk::{keys, seed_create_body, Dt, CORPID},
    helpers::*,
    openapi::{with, Oa, Reply},
};

const ADD: &str = "/openapi/crm/add";
const UPDATE: &str = "/openapi/crm/update";
const LIST: &str = "/openapi/crm/list";

/// The lenient default corp, and a strict corp whose directory has `li`.
async fn corps(app: &TestApp) -> (Dt<'_>, Dt<'_>) {
    let strict = corp(
        app,
        "strictco",
        json!({"mode": "strict"}),
        &["li", "user01"],
    )
    .await;
    (Dt::new(app).await, strict)
}

/// A lenient and a strict account, each with a datetime, a date and a multi-select
/// custom field.
async fn accounts(app: &TestApp) -> (Oa<'_>, Oa<'_>) {
    let (lenient, strict) = (
        Oa::new_account(app, "5000", &["pool"]).await,
        Oa::new_strict(app, "5001", &["pool"]).await,
    );
    for oa in [&lenient, &strict] {
        oa.field("f_when", FieldType::Datetime).await;
        oa.field("f_day", FieldType::Date).await;
        let choice = |key: &str| Choice {
            key: key.into(),
            value: key.into(),
            is_default: false,
        };
        oa.custom_field(NewCustomField {
            field: Some("f_tags".into()),
            name: "标签".into(),
            field_type: Some(FieldType::MultiSelect),
            choices: Some(vec![choice("vip"), choice("new")]),
            ..Default::default()
        })
        .await;
    }
    (lenient, strict)
}

/// A page of the repository (`README.md`, `docs/dingtalk.md`).
fn page(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The ```json blocks of `text` that contain `needle`, parsed.
fn json_examples(text: &str, needle: &str) -> Vec<Value> {
    text.split("```json\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.contains(needle))
        .map(|block| serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}")))
        .collect()
}

/// The one warning of `rule` on a served `reply`, decoded.
fn warning(reply: &Reply, rule: &str) -> String {
    let prefix = format!("{rule}: ");
    let found: Vec<String> = warnings(reply)
        .into_iter()
        .filter(|w| w.starts_with(&prefix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {rule} warning in {:?}",
        warnings(reply)
    );
    found[0].clone()
}

both_backends! {
    async fn a_contact_create_without_a_name_is_a_guess_stored_as_empty_for_a_lenient_corp(app: TestApp) {
        let seen = Seen::default();
        let (lenient, strict) = corps(&app).await;
        for (corp, user) in [(&lenient, "li"), (&strict, "li")] {
            let id = corp.create_customer("c", user).await;
            let path = format!("/crm/contact/create?user_id={user}");
            let reply = post(corp, &path, &json!({"customerid": id, "mobile": "138"})).await;
            if corp.token == strict.token {
                seen.refused(&reply, &dt::CONTACT_NAME, "name is missing");
                continue;
            }
            seen.warned(&reply, &dt::CONTACT_NAME, "name is missing");
            let contactid = reply.body["contactid"].as_str().expect("contactid").to_owned();
            let contacts = corp.customer(&id).await["contactList"].clone();
            let added = contacts.as_array().expect("contacts").iter()
                .find(|c| c["contactid"] == contactid.as_str()).expect("the new contact").clone();
            assert_eq!(added["name"], "", "stored as \"\": {added}");
            assert_eq!(added["mobile"], "138");
            let blank = post(corp, &path, &json!({"customerid": id, "name": " "})).await;
            assert!(warning(&blank, "dingtalk.contact.name").contains("name is blank"));
        }
        let nothing = post(&lenient, "/crm/contact/create?user_id=li", &json!({"name": "n"})).await;
        seen.refused(&nothing, &dt::CONTACT_CUSTOMER, "customerid is required");
    }

    async fn blank_user_ids_are_left_out_for_a_lenient_corp_and_refused_for_a_strict_one(app: TestApp) {
        let seen = Seen::default();
        let (lenient, strict) = corps(&app).await;
        let mut body = seed_create_body();
        body["userIds"] = json!(["user01", "", "  "]);
        let refused = post(&strict, "/crm/customer/create?user_id=li", &body).await;
        seen.refused(&refused, &dt::USER_IDS_BLANK, "userIds[1] is blank");
        let served = post(&lenient, "/crm/customer/create?user_id=li", &body).await;
        seen.warned(&served, &dt::USER_IDS_BLANK, "userIds[1] is blank: \"\"");
        assert!(warning(&served, "dingtalk.user-ids.blank").contains("userIds[2] is blank: \"  \""));
        let id = served.body["customerid"].as_str().expect("customerid");
        assert_eq!(lenient.customer(id).await["userIds"], json!(["user01", "li"]));
        let employees = app.get_json(&format!("/_emulator/dingtalk/corps/{CORPID}/employees")).await;
        let blank = |e: &Value| e["userid"].as_str().is_some_and(|u| u.trim().is_empty());
        let listed = employees.as_array().expect("employees").iter().any(blank);
        assert!(!listed, "no blank employee: {employees}");
    }

    async fn an_assign_time_without_an_owner_is_stored_as_sent_for_a_lenient_account(app: TestApp) {
        let seen = Seen::default();
        let (lenient, strict) = accounts(&app).await;
        let at = "2024-11-14 09:46:17";
        let body = json!({"customerName": "a", "assignTime": at});
        seen.refused(&strict.post(ADD, &body).await, &oa::ASSIGN_TIME_OWNER, "`assignTime`");
        let added = lenient.post(ADD, &body).await;
        seen.warned(&added, &oa::ASSIGN_TIME_OWNER, "`assignTime`");
        assert_eq!(added.data()["assignTime"], at);
        assert!(added.data().get("owner").is_none(), "{}", added.body);
        let id = added.data()["_id"].as_str().expect("_id").to_owned();
        assert_eq!(lenient.get(&format!("/openapi/crm/{id}")).await.data()["assignTime"], at);
        let later = "2024-11-15 10:00:00";
        let moved = lenient.post(UPDATE, &json!({"_id": id, "assignTime": later})).await;
        seen.warned(&moved, &oa::ASSIGN_TIME_OWNER, "no owner");
        assert_eq!(moved.data()["assignTime"], later);
        let pooled = lenient.post(ADD, &json!({"customerName": "p", "owner": "pool", "assignTime": at})).await;
        assert_eq!(pooled.data()["assignTime"], at, "{}", pooled.body);
    }

    async fn times_in_iso_8601_or_epoch_milliseconds_are_read_for_a_lenient_account(app: TestApp) {
        let seen = Seen::default();
        let (lenient, strict) = accounts(&app).await;
        let at = "2024-11-14 09:46:17";
        for sent in [json!("2024-11-14T09:46:17+08:00"), json!("2024-11-14T01:46:17Z"), json!(1731548777000_i64)] {
            let body = json!({"customerName": "t", "owner": "e1", "assignTime": sent, "f_when": sent, "f_day": sent});
            seen.refused(&strict.post(ADD, &body).await, &oa::FIELD_TIME_FORMAT, "`assignTime`");
            let added = lenient.post(ADD, &body).await;
            seen.warned(&added, &oa::FIELD_TIME_FORMAT, "`assignTime`");
            let text = warning(&added, "openapi.field.time-format");
            assert!(text.contains("`f_when`") && text.contains("`f_day`"), "{text}");
            assert!(text.contains(&format!("read as {at:?}")), "{text}");
            let data = added.data();
            assert_eq!((&data["assignTime"], &data["firstAssignTime"]), (&json!(at), &json!(at)));
            assert_eq!((&data["f_when"], &data["f_day"]), (&json!(at), &json!("2024-11-14")));
        }
        let found = lenient.post(LIST, &json!({"search": [{"field": "f_when", "operator": "eq", "value": [at]}]})).await;
        assert_eq!(found.data()["count"], 3, "stored as the wire's time: {}", found.body);
        let iso = json!({"search": [{"field": "assignTime", "operator": "gte", "value": ["2024-11-14T01:46:17Z"]}]});
        let searched = lenient.post(LIST, &iso).await;
        seen.warned(&searched, &oa::FIELD_TIME_FORMAT, "search[0].value[0]");
        assert_eq!(searched.data()["count"], 3, "{}", searched.body);
        for account in [&lenient, &strict] {
            let never = json!({"customerName": "n", "owner": "e1", "assignTime": "tomorrow"});
            seen.refused(&account.post(ADD, &never).await, &oa::VALUE_TYPE, "`assignTime` must be a time");
            let never = json!({"customerName": "n", "f_day": "2024-11-14T99:00:00Z"});
            seen.refused(&account.post(ADD, &never).await, &oa::VALUE_TYPE, "`f_day`");
        }
    }

    async fn one_string_for_a_list_is_a_one_element_list_for_a_lenient_account(app: TestApp) {
        let seen = Seen::default();
        let (lenient, strict) = accounts(&app).await;
        let body = json!({"customerName": "s", "customerSource": "试用申请", "f_tags": "vip", "openSeaIds": "pool"});
        seen.refused(&strict.post(ADD, &body).await, &oa::FIELD_ONE_VALUE, "`customerSource` must be a list");
        let added = lenient.post(ADD, &body).await;
        seen.warned(&added, &oa::FIELD_ONE_VALUE, "`customerSource` must be a list, got the string \"试用申请\"");
        let data = added.data();
        assert_eq!(data["customerSource"], json!(["试用申请"]));
        assert_eq!(data["f_tags"], json!(["vip"]));
        assert_eq!(data["openSeaIds"], json!(["pool"]));
        let text = warning(&added, "openapi.field.one-value");
        assert!(text.contains("`f_tags`") && text.ends_with("; a list of that one value"), "{text}");
        let object = json!({"customerName": "o", "customerSource": {"试用申请": true}});
        seen.refused(&lenient.post(ADD, &object).await, &oa::VALUE_TYPE, "`customerSource`");
    }

    async fn page_zero_limit_zero_and_another_sort_shape_are_served_for_a_lenient_account(app: TestApp) {
        let seen = Seen::default();
        let (lenient, strict) = accounts(&app).await;
        for name in ["first", "second"] {
            lenient.add(json!({"customerName": name})).await;
        }
        let page = json!({"page": 0});
        seen.refused(&strict.post(LIST, &page).await, &oa::LIST_PAGE, "`page` must be at least 1, got 0");
        let served = lenient.post(LIST, &page).await;
        seen.warned(&served, &oa::LIST_PAGE, "`page` must be at least 1, got 0; page 1");
        assert_eq!(served.data()["list"].as_array().map(Vec::len), Some(2));

        let limit = json!({"limit": 0});
        seen.refused(&strict.post(LIST, &limit).await, &oa::LIST_LIMIT, "`limit` must be at least 1");
        let served = lenient.post(LIST, &limit).await;
        seen.warned(&served, &oa::LIST_LIMIT, "got 0; clamped to 1");
        assert_eq!(served.data()["list"].as_array().map(Vec::len), Some(1));

        let sort = json!({"sort": {"createTime": -1}});
        let refused = strict.post(LIST, &sort).await;
        seen.refused(&refused, &oa::LIST_SORT, "`sort`");
        assert!(warnings(&refused).is_empty(), "a refusal, not also a warning: {:?}", warnings(&refused));
        let served = lenient.post(LIST, &sort).await;
        seen.warned(&served, &oa::LIST_SORT, "the default order");
        assert_eq!(warnings(&served).len(), 1, "one warning for one fault: {:?}", warnings(&served));
        let names: Vec<&str> = served.data()["list"].as_array().expect("list").iter()
            .filter_map(|c| c["customerName"].as_str()).collect();
        assert_eq!(names, ["second", "first"], "createTime desc, then _id desc");
        let order = json!({"sort": {"field": "customerName", "order": "up"}});
        seen.refused(&strict.post(LIST, &order).await, &oa::LIST_SORT, "`sort.order`");
        seen.warned(&lenient.post(LIST, &order).await, &oa::LIST_SORT, "`sort.order`");
    }

    async fn every_label_is_one_its_source_gives(app: TestApp) {
        let table = app.get_json("/_emulator/rules").await;
        let rules = table["rules"].as_array().expect("rules");
        let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no {id}")).clone();
        let body_json = rule("openapi.body.json");
        assert_eq!(body_json["provenance"], "seed");
        assert!(body_json["source"].as_str().unwrap_or_default().contains("Content-Type: application/json"));
        for id in ["openapi.auth.appid", "openapi.auth.headers", "dingtalk.query.form", "dingtalk.contact.customer"] {
            assert_eq!((rule(id)["provenance"].clone(), rule(id)["enforced"].clone()), (json!("emulator"), json!("always")), "{id}");
        }
        assert_eq!(rule("dingtalk.contact.name")["enforced"], "strict");
        let required = rule("dingtalk.field.required")["summary"].as_str().unwrap_or_default().to_owned();
        assert!(!required.contains("contact create") && !required.contains("customerid"), "{required}");
        assert!(rule("openapi.auth.signature")["source"].as_str().unwrap_or_default().contains("44"));
        for rule in rules {
            let source = rule["source"].as_str().unwrap_or_default();
            match rule["provenance"].as_str() {
                // A seed rule quotes the vendor document's line.
                Some("seed") => assert!(source.contains('《') && source.contains('"'), "{rule}"),
                // A convention names where the platform documents it.
                Some("convention") => assert!(["DingTalk's", "HTTP", "RFC"].iter().any(|d| source.contains(d)), "{rule}"),
                _ => {}
            }
            if rule["provenance"] != "emulator" {
                assert_eq!(rule["enforced"], "always", "{rule}");
            }
        }
    }

    async fn warnings_are_percent_encoded_utf8_and_say_what_was_done_for_the_field(app: TestApp) {
        let (lenient, _) = accounts(&app).await;
        let added = lenient.post(ADD, &json!({"customerName": 5, "展会": "x"})).await;
        let raw: Vec<&str> = added.headers.get_all("x-emulator-warning").iter().filter_map(|h| h.to_str().ok()).collect();
        let unknown = raw.iter().find(|w| w.starts_with("openapi.record.unknown-key: ")).expect("the unknown key");
        assert!(unknown.contains("`%E5%B1%95%E4%BC%9A`"), "{unknown}");
        assert!(warning(&added, "openapi.record.unknown-key").contains("unknown key `展会`"));
        let number = warning(&added, "openapi.field.number");
        assert!(number.ends_with("`customerName` must be a string, got the number 5; its decimal text is used"), "{number}");
        assert_eq!(added.data()["customerName"], "5");
        let listed = lenient.post(LIST, &json!({"limit": "5"})).await;
        let number = warning(&listed, "openapi.field.number");
        assert!(number.ends_with("got the string \"5\"; read as the number 5"), "{number}");
        let journal = app.get_json("/_emulator/requests?api=openapi").await;
        let entry = journal.as_array().expect("entries").iter()
            .find(|e| e["path"] == ADD && e["status"] == 200).expect("the add").clone();
        let details: Vec<&str> = entry["warnings"].as_array().expect("warnings").iter()
            .filter_map(|w| w["detail"].as_str()).collect();
        assert!(details.iter().any(|d| d.contains("`展会`")), "the journal has the text: {entry}");
    }

    async fn a_signature_that_does_not_verify_under_lenient_signature_mode_is_a_rule_warning(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.signature_mode = SignatureMode::Lenient).await;
        let oa = Oa::default(&app).await;
        let forged = with(&oa.headers(), "signature", "bogus");
        let reply = call(&app, Method::POST, LIST, &forged, Body::Json(&json!({}))).await;
        Seen::default().warned(&reply, &oa::AUTH_SIGNATURE, "signature mismatch");
        assert!(warning(&reply, "openapi.auth.signature").ends_with("served: --signature-mode is lenient"));
        let kept = reply.headers.get("x-emulator-signature-warning").and_then(|h| h.to_str().ok());
        assert!(kept.is_some_and(|w| w.starts_with("signature mismatch")), "{kept:?}");
        let journal = app.get_json("/_emulator/requests?api=openapi").await;
        let entry = journal.as_array().expect("entries").iter().find(|e| e["path"] == LIST).expect("the list");
        assert_eq!(entry["warnings"][0]["rule"], "openapi.auth.signature", "{entry}");
        let metrics = app.get("/_emulator/metrics").await.text().await.unwrap_or_default();
        assert!(metrics.contains("crm_emulator_rule_warnings_total{rule=\"openapi.auth.signature\"} 1"), "{metrics}");

        let strict = TestApp::spawn(backend).await;
        let oa = Oa::default(&strict).await;
        let forged = with(&oa.headers(), "signature", "bogus");
        let refused = call(&strict, Method::POST, LIST, &forged, Body::Json(&json!({}))).await;
        Seen::default().refused(&refused, &oa::AUTH_SIGNATURE, "signature mismatch");
    }

    async fn refusals_are_counted_by_rule(app: TestApp) {
        let (_, strict) = accounts(&app).await;
        for _ in 0..2 {
            strict.post(LIST, &json!({"page": 0})).await.assert_refused(400, "openapi.list.page", &["`page`"]);
        }
        let dt = Dt::new(&app).await;
        get(&dt, "/crm/nope").await;
        let metrics = app.get("/_emulator/metrics").await.text().await.unwrap_or_default();
        for sample in [
            "crm_emulator_rule_refusals_total{rule=\"openapi.list.page\"} 2",
            "crm_emulator_rule_refusals_total{rule=\"dingtalk.path.known\"} 1",
        ] {
            assert!(metrics.contains(sample), "{sample} in {metrics}");
        }
    }

    async fn the_43004_message_names_the_content_type_once(app: TestApp) {
        let dt = Dt::new(&app).await;
        let text = Body::Raw(Some("text/plain"), b"{}".to_vec());
        let reply = call(&app, Method::POST, &dt.url("/crm/customer/create?user_id=li"), &[], text).await;
        assert_eq!(reply.body["errmsg"], "无效的HTTP HEADER Content-Type: expected application/json, got text/plain");
    }

    async fn the_detail_examples_show_every_key_the_server_sends(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("x", "zhangsan").await;
        let detail = dt.customer(&id).await;
        assert_eq!(detail["contacts"], detail["contactList"]);
        for path in ["README.md", "docs/dingtalk.md"] {
            let examples = json_examples(&page(path), "\"contactList\"");
            assert!(!examples.is_empty(), "{path} shows the detail");
            for example in examples {
                assert_eq!(keys(&example), keys(&detail), "{path}: {example}");
                assert_eq!(example["contacts"], example["contactList"], "{path}");
            }
        }
    }
}

#[test]
fn the_docs_say_the_signing_scheme_is_the_emulators_inference() {
    let readme = page("README.md");
    let opening = readme.split("\n## ").next().unwrap_or_default();
    let scheme = opening
        .find("HMAC-SHA256")
        .expect("the opening names the scheme");
    assert!(
        opening[scheme..].starts_with("HMAC-SHA256 is the emulator's inference"),
        "{opening}"
    );
    assert!(opening.contains("44-character"), "{opening}");
    let openapi = page("docs/openapi.md");
    assert!(openapi.contains("HMAC-SHA256 is the emulator's inference"));
}

#[test]
fn the_lenient_signature_mode_is_documented_as_a_rule_warning_that_leaves_replays_to_the_mode() {
    let openapi = page("docs/openapi.md");
    let at = openapi
        .find("- `lenient`:")
        .expect("the lenient signature mode");
    let item: String = openapi[at..]
        .split("\n- ")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        item.contains("the warning of rule `openapi.auth.signature`"),
        "{item}"
    );
    assert!(
        item.contains("`openapi.nonce.once`: a lenient account is served"),
        "{item}"
    );
    assert!(
        !item.contains("single use of nonces are still enforced"),
        "{item}"
    );
}
