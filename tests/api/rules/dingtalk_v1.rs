//! Every DingTalk v1.0 rule, broken: the ones enforced `always` on the lenient default
//! corp, the ones enforced `strict` on a strict corp (refused) and on the lenient one
//! (served as docs/dingtalk-v1.md#guesses says, with the warning).

use crm_emulator::{http::head::MAX_URI_BYTES, runtime::rules::dingtalk_v1 as v1};
use reqwest::Method;
use serde_json::{json, Value};

use super::{call, padding_header, Body, Outcome, Seen, MAX_BODY_BYTES};
use crate::{
    dingtalk_v1::{ok, V1},
    helpers::*,
};

const CUSTOMERS: &str = "/v1.0/crm/personalCustomers";

/// A corp with an app key, made through the control plane, with `employees`.
async fn corp<'a>(app: &'a TestApp, corpid: &str, extra: Value, employees: &[&str]) -> V1<'a> {
    let appkey = format!("{corpid}key");
    let mut body = json!({"corpid": corpid, "corpsecret": "s", "appkey": appkey, "appsecret": "s"});
    for (key, value) in extra.as_object().expect("an object") {
        body[key] = value.clone();
    }
    assert_eq!(
        app.post_json("/_emulator/dingtalk/corps", &body)
            .await
            .status(),
        201
    );
    for userid in employees {
        let path = format!("/_emulator/dingtalk/corps/{corpid}/employees");
        let added = app.post_json(&path, &json!({"userid": userid})).await;
        assert_eq!(added.status(), 201);
    }
    V1::of(app, &appkey, "s").await
}

fn add(data: Value) -> Value {
    json!({"creatorUserId": "zhang", "data": data})
}

pub async fn exercise(app: &TestApp, seen: &Seen) {
    let lenient = V1::new(app).await;
    let strict = corp(app, "v1strict", json!({"mode": "strict"}), &["zhang"]).await;
    transport(app, &lenient, seen).await;
    bodies(app, &lenient, seen).await;
    guesses(&lenient, &strict, seen).await;
    paging(&lenient, &strict, seen).await;
    records(&lenient, &strict, seen).await;
    // Last: it moves the clock past every token's expiry, then back.
    expiry(app, &lenient, seen).await;
}

/// Paths, methods, the head, tokens and the rate limit: always refused.
async fn transport(app: &TestApp, lenient: &V1<'_>, seen: &Seen) {
    seen.refused(
        &lenient.get("/v1.0/crm/leads").await,
        &v1::PATH_KNOWN,
        "/v1.0/crm/leads",
    );
    let wrong = lenient.send(Method::PATCH, CUSTOMERS, None).await;
    seen.refused(&wrong, &v1::METHOD_KNOWN, "does not take PATCH");
    let long = format!("{CUSTOMERS}?maxResults=1&pad={}", "a".repeat(MAX_URI_BYTES));
    seen.refused(&lenient.get(&long).await, &v1::URI_SIZE, "URI");
    let headers = [
        padding_header(),
        ("x-acs-dingtalk-access-token", lenient.token.clone()),
    ];
    let padded = call(app, Method::GET, CUSTOMERS, &headers, Body::None).await;
    seen.refused(&padded, &v1::HEADERS_SIZE, "header");
    let none = call(app, Method::GET, CUSTOMERS, &[], Body::None).await;
    seen.refused(&none, &v1::TOKEN_REQUIRED, "x-acs-dingtalk-access-token");
    let unknown = [("x-acs-dingtalk-access-token", "nope".to_owned())];
    let reply = call(app, Method::GET, CUSTOMERS, &unknown, Body::None).await;
    seen.refused(&reply, &v1::TOKEN_KNOWN, "unknown token");
    let wrong = json!({"appKey": "dingemulatorkey", "appSecret": "wrong"});
    let reply = call(
        app,
        Method::POST,
        "/v1.0/oauth2/accessToken",
        &[],
        Body::Json(&wrong),
    )
    .await;
    seen.refused(&reply, &v1::TOKEN_CREDENTIALS, "appSecret");
    let limited = corp(app, "v1limited", json!({"rateLimitPerMinute": 1}), &[]).await;
    limited.get("/v1.0/crm/personalCustomers/objectMeta").await;
    let over = limited.get("/v1.0/crm/personalCustomers/objectMeta").await;
    seen.refused(&over, &v1::RATE_LIMIT, "calls per minute");
    let query = lenient.get(&format!("{CUSTOMERS}?maxResults=ten")).await;
    seen.refused(&query, &v1::QUERY_FORM, "maxResults must be a number");
}

/// Bodies and keys: the shape and type rules always, the guesses for strict corps.
async fn bodies(app: &TestApp, lenient: &V1<'_>, seen: &Seen) {
    let headers = [("x-acs-dingtalk-access-token", lenient.token.clone())];
    let send = |body: Body<'static>| call(app, Method::POST, CUSTOMERS, &headers, body);
    seen.refused(&send(Body::None).await, &v1::BODY_REQUIRED, "no body");
    let broken = Body::Raw(Some("application/json"), b"{\"creatorUserId\":".to_vec());
    seen.refused(&send(broken).await, &v1::BODY_JSON, "EOF");
    let big = format!("{{\"pad\":\"{}\"}}", "a".repeat(MAX_BODY_BYTES));
    seen.refused(
        &send(Body::Raw(Some("application/json"), big.into_bytes())).await,
        &v1::BODY_SIZE,
        "size limit",
    );
    let nul = Body::Raw(
        Some("application/json"),
        br#"{"creatorUserId":"a\u0000"}"#.to_vec(),
    );
    seen.refused(&send(nul).await, &v1::TEXT_NUL, "creatorUserId");
    let missing = lenient.post(CUSTOMERS, &json!({"data": {}})).await;
    seen.refused(&missing, &v1::FIELD_REQUIRED, "creatorUserId is mandatory");
    let shape = lenient
        .post(CUSTOMERS, &json!({"creatorUserId": "zhang", "data": "x"}))
        .await;
    seen.refused(&shape, &v1::FIELD_SHAPE, "data must be an object");
    let long_user = lenient
        .post(
            CUSTOMERS,
            &json!({"creatorUserId": "u".repeat(501), "data": {}}),
        )
        .await;
    seen.refused(&long_user, &v1::USER_ID_LENGTH, "501 characters");
    let id = lenient
        .add_customer(json!({"customer_name": "Empty update"}), "zhang")
        .await;
    let empty = lenient
        .put(
            CUSTOMERS,
            &json!({"instanceId": id, "modifierUserId": "zhang", "data": {}}),
        )
        .await;
    seen.refused(&empty, &v1::UPDATE_EMPTY, "data is empty");
    let typed = lenient.post(CUSTOMERS, &json!({"creatorUserId": "zhang", "data": {"customer_name": "T"}, "relationType": "lead"})).await;
    seen.refused(&typed, &v1::RELATION_TYPE_KNOWN, "lead");
    let item = json!({"operatorUserId": "zhang", "relationList": [{"bizDataList": [{"key": "contact_name", "value": "Orphan"}]}]});
    let reply = lenient.post("/v1.0/crm/contacts/batch", &item).await;
    assert_eq!(
        ok(&reply)["results"][0]["errorCode"],
        "param.error",
        "{}",
        reply.body
    );
    let message = reply.body["results"][0]["errorMsg"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("contact_related_customer"), "{message}");
    // The item is refused, not the request: recorded here, as the test shows it.
    seen.record(&v1::CONTACT_RELATED_CUSTOMER, Outcome::Refused);
}

/// The guesses on keys and values: refused for the strict corp, served with a warning
/// for the lenient one.
async fn guesses(lenient: &V1<'_>, strict: &V1<'_>, seen: &Seen) {
    let number = add(json!({"customer_name": 5}));
    seen.refused(
        &strict.post(CUSTOMERS, &number).await,
        &v1::FIELD_NUMBER,
        "got the number 5",
    );
    let served = lenient.post(CUSTOMERS, &number).await;
    seen.warned(&served, &v1::FIELD_NUMBER, "got the number 5");
    let named = lenient
        .customer(served.body["instanceId"].as_str().unwrap_or_default())
        .await;
    assert_eq!(named.expect("stored")["data"]["customer_name"], "5");
    let long = add(json!({"customer_name": "n".repeat(129)}));
    seen.refused(
        &strict.post(CUSTOMERS, &long).await,
        &v1::FIELD_LENGTH,
        "129 characters",
    );
    seen.warned(
        &lenient.post(CUSTOMERS, &long).await,
        &v1::FIELD_LENGTH,
        "129 characters",
    );
    let create = json!({"creatorUserId": "zhang", "data": {"customer_name": "Typed"}, "objectType": "lead", "saveOption": {}});
    seen.refused(
        &strict.post("/v1.0/crm/customers", &create).await,
        &v1::OBJECT_TYPE_KNOWN,
        "lead",
    );
    let served = lenient.post("/v1.0/crm/customers", &create).await;
    seen.warned(&served, &v1::OBJECT_TYPE_KNOWN, "lead");
    assert_eq!(served.body["objectType"], "crm_customer");
    let unknown = add(json!({"customer_name": "Ghostly"}));
    let mut ghost = unknown.clone();
    ghost["creatorUserId"] = json!("ghost");
    let refused = strict.post(CUSTOMERS, &ghost).await;
    seen.refused(&refused, &v1::EMPLOYEE_KNOWN, "ghost");
    assert_eq!(refused.body["code"], "creatorUserId.not.exists");
    seen.warned(
        &lenient.post(CUSTOMERS, &ghost).await,
        &v1::EMPLOYEE_KNOWN,
        "ghost",
    );
    let first = strict.post(CUSTOMERS, &unknown).await;
    assert_eq!(first.status, 200, "{}", first.body);
    seen.refused(
        &strict.post(CUSTOMERS, &unknown).await,
        &v1::CUSTOMER_DUPLICATE_NAME,
        "customer_name",
    );
    let mut skipped = unknown.clone();
    skipped["skipDuplicateCheck"] = json!(true);
    assert_eq!(
        strict.post(CUSTOMERS, &skipped).await.status,
        200,
        "skipDuplicateCheck"
    );
    lenient.post(CUSTOMERS, &unknown).await;
    seen.warned(
        &lenient.post(CUSTOMERS, &unknown).await,
        &v1::CUSTOMER_DUPLICATE_NAME,
        "customer_name",
    );
    for (corp, user) in [(strict, "zhang"), (lenient, "zhang")] {
        let id = corp
            .add_customer(json!({"customer_name": "Shared"}), user)
            .await;
        let body = json!({"customerIds": [id], "dataAuthUserIds": [user], "operateUserId": user, "roleType": "boss"});
        let reply = corp
            .post("/v1.0/crm/customers/dataAuth/append", &body)
            .await;
        match corp.token == strict.token {
            true => seen.refused(&reply, &v1::ROLE_TYPE_KNOWN, "boss"),
            false => seen.warned(&reply, &v1::ROLE_TYPE_KNOWN, "boss"),
        }
    }
    let empty = strict
        .post("/v1.0/crm/personalCustomers/batchQuery", &json!([]))
        .await;
    seen.refused(&empty, &v1::BATCH_SIZE, "0 items");
    let served = lenient
        .post("/v1.0/crm/personalCustomers/batchQuery", &json!([]))
        .await;
    seen.warned(&served, &v1::BATCH_SIZE, "0 items");
    assert_eq!(served.body["result"], json!([]));
}

/// Paging and queries.
async fn paging(lenient: &V1<'_>, strict: &V1<'_>, seen: &Seen) {
    let over = format!("{CUSTOMERS}?maxResults=101");
    seen.refused(&strict.get(&over).await, &v1::MAX_RESULTS_RANGE, "101");
    let served = lenient.get(&over).await;
    seen.warned(&served, &v1::MAX_RESULTS_RANGE, "101");
    assert_eq!(served.body["maxResults"], 100);
    let token = lenient
        .get(&format!("{CUSTOMERS}?maxResults=1&nextToken=-1"))
        .await;
    seen.refused(&token, &v1::NEXT_TOKEN_FORM, "nextToken");
    let dsl = lenient
        .get(&format!("{CUSTOMERS}?maxResults=1&queryDsl=%5B%5D"))
        .await;
    seen.refused(&dsl, &v1::QUERY_DSL_FORM, "JSON object");
    let like = r#"{"queryGroupList":[{"queryObjectList":[{"fieldId":"customer_name","filterType":"LIKE","value":"S"}]}]}"#;
    let encoded: String = form_urlencoded::byte_serialize(like.as_bytes()).collect();
    let path = format!("{CUSTOMERS}?maxResults=10&queryDsl={encoded}");
    seen.refused(&strict.get(&path).await, &v1::QUERY_DSL_FILTER_TYPE, "LIKE");
    let served = lenient.get(&path).await;
    seen.warned(&served, &v1::QUERY_DSL_FILTER_TYPE, "LIKE");
    assert_eq!(
        served.body["values"],
        json!([]),
        "the condition matches nothing"
    );
    let all = json!({"objectType": "lead"});
    seen.refused(
        &strict.post("/v1.0/crm/customerInstances", &all).await,
        &v1::OBJECT_TYPE_KNOWN,
        "lead",
    );
    let served = lenient.post("/v1.0/crm/customerInstances", &all).await;
    assert_eq!(
        served.body["result"]["values"],
        json!([]),
        "an empty page: {}",
        served.body
    );
}

/// Records the corp does not have.
async fn records(lenient: &V1<'_>, _strict: &V1<'_>, seen: &Seen) {
    let path = format!("{CUSTOMERS}/404404404404404404?currentOperatorUserId=zhang");
    seen.refused(
        &lenient.delete(&path).await,
        &v1::RECORD_KNOWN,
        "404404404404404404",
    );
}

/// A token past its expiry; the clock is put back afterwards.
async fn expiry(app: &TestApp, lenient: &V1<'_>, seen: &Seen) {
    let advanced = app
        .post_json("/_emulator/clock", &json!({"advanceSeconds": 7201}))
        .await;
    assert_eq!(advanced.status(), 200);
    let reply = lenient.get("/v1.0/crm/personalCustomers/objectMeta").await;
    seen.refused(&reply, &v1::TOKEN_FRESH, "expired");
    let reset = app
        .post_json("/_emulator/clock", &json!({"reset": true}))
        .await;
    assert_eq!(reset.status(), 200);
}
