//! Every DingTalk rule, broken: the ones enforced `always` on the lenient default corp
//! (they refuse it too), the ones enforced `strict` on a strict corp (refused) and on
//! the lenient one (served as `docs/rules.md#lenient-behaviour` says, with the warning).

use crm_emulator::{http::head::MAX_URI_BYTES, runtime::rules::dingtalk as dt};
use reqwest::Method;
use serde_json::{json, Value};

use super::{call, padding_header, Body, Seen, MAX_BODY_BYTES};
use crate::{
    dingtalk::{seed_create_body, Dt, CORPID, SECRET},
    helpers::*,
    openapi::Reply,
};

const STRICT: &str = "strictco";

pub(super) async fn get(dt: &Dt<'_>, path: &str) -> Reply {
    call(dt.app, Method::GET, &dt.url(path), &[], Body::None).await
}

pub(super) async fn post(dt: &Dt<'_>, path: &str, body: &Value) -> Reply {
    call(dt.app, Method::POST, &dt.url(path), &[], Body::Json(body)).await
}

async fn send(dt: &Dt<'_>, method: Method, path: &str, body: Body<'_>) -> Reply {
    call(dt.app, method, &dt.url(path), &[], body).await
}

/// A corp made through the control plane, with `employees`.
pub(super) async fn corp<'a>(
    app: &'a TestApp,
    corpid: &str,
    extra: Value,
    employees: &[&str],
) -> Dt<'a> {
    let mut body = json!({"corpid": corpid, "corpsecret": SECRET});
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
        assert_eq!(
            app.post_json(&path, &json!({"userid": userid}))
                .await
                .status(),
            201
        );
    }
    Dt::of(app, corpid, SECRET).await
}

/// The seed's create body, without contacts or followers, its customer changed by
/// `changes` (`null` removes a key).
fn customer_body(changes: Value) -> Value {
    let mut body = seed_create_body();
    body["contacts"] = json!([]);
    body["userIds"] = json!([]);
    let customer = body["customer"][0]
        .as_object_mut()
        .expect("the seed's customer");
    for (key, value) in changes.as_object().expect("an object") {
        match value {
            Value::Null => customer.remove(key),
            _ => customer.insert(key.clone(), value.clone()),
        };
    }
    body
}

pub async fn exercise(app: &TestApp, seen: &Seen) {
    let lenient = Dt::new(app).await;
    let strict = corp(app, STRICT, json!({"mode": "strict"}), &["zhang"]).await;
    transport(app, &lenient, seen).await;
    bodies(&lenient, seen).await;
    guesses(&lenient, &strict, seen).await;
    deletes_and_reads(&lenient, &strict, seen).await;
    limits(app, &lenient, seen).await;
}

/// Paths, methods, tokens and query strings: always refused.
async fn transport(app: &TestApp, lenient: &Dt<'_>, seen: &Seen) {
    seen.refused(&get(lenient, "/crm/nope").await, &dt::PATH_KNOWN, "");
    let long = format!("/crm/customer/list?pad={}", "a".repeat(MAX_URI_BYTES));
    seen.refused(&get(lenient, &long).await, &dt::URI_SIZE, "limit is 8192");
    let (list, padding) = (lenient.url("/crm/customer/list"), padding_header());
    let padded = call(app, Method::GET, &list, &[padding], Body::None).await;
    seen.refused(
        &padded,
        &dt::HEADERS_SIZE,
        "limits are 100 fields and 65536 bytes",
    );
    let post_token = call(app, Method::POST, "/gettoken", &[], Body::Json(&json!({}))).await;
    seen.refused(&post_token, &dt::METHOD_GET, "");
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let wrong = send(
            lenient,
            method,
            "/crm/customer/create?user_id=li",
            Body::None,
        )
        .await;
        seen.refused(&wrong, &dt::METHOD_POST, "");
    }
    let bare = |path: &'static str| call(app, Method::GET, path, &[], Body::None);
    seen.refused(&bare("/gettoken").await, &dt::GETTOKEN_KEY, "");
    seen.refused(&bare("/gettoken?corpid=x").await, &dt::GETTOKEN_SECRET, "");
    seen.refused(
        &bare("/gettoken?corpid=x&corpsecret=y").await,
        &dt::GETTOKEN_CREDENTIALS,
        "",
    );
    seen.refused(&bare("/crm/customer/list").await, &dt::TOKEN_REQUIRED, "");
    seen.refused(
        &bare("/crm/customer/list?access_token=nope").await,
        &dt::TOKEN_KNOWN,
        "",
    );
    let twice = get(lenient, "/crm/customer/list?access_token=again").await;
    seen.refused(&twice, &dt::QUERY_FORM, "access_token");
    let anonymous = post(lenient, "/crm/customer/create", &seed_create_body()).await;
    seen.refused(&anonymous, &dt::USER_ID_REQUIRED, "");
    let unknown = post(
        lenient,
        "/crm/customer/update?user_id=li",
        &json!({"id": "100000000000000001"}),
    )
    .await;
    seen.refused(&unknown, &dt::RECORD_KNOWN, "100000000000000001");
    seen.refused(
        &get(lenient, "/crm/customer/list?offset=abc").await,
        &dt::LIST_NUMBER,
        "offset",
    );
}

/// The body: its type, size, syntax and shape, and the seed's required fields.
async fn bodies(lenient: &Dt<'_>, seen: &Seen) {
    let create = "/crm/customer/create?user_id=li";
    let text = Body::Raw(Some("text/plain"), b"{}".to_vec());
    seen.refused(
        &send(lenient, Method::POST, create, text).await,
        &dt::BODY_CONTENT_TYPE,
        "text/plain",
    );
    let empty = Body::Raw(Some("application/json"), Vec::new());
    seen.refused(
        &send(lenient, Method::POST, create, empty).await,
        &dt::BODY_EMPTY,
        "",
    );
    let broken = Body::Raw(Some("application/json"), b"{".to_vec());
    seen.refused(
        &send(lenient, Method::POST, create, broken).await,
        &dt::BODY_JSON,
        "",
    );
    let huge = json!({"customer": [{"name": "x".repeat(MAX_BODY_BYTES)}]});
    seen.refused(&post(lenient, create, &huge).await, &dt::BODY_SIZE, "");
    seen.refused(
        &post(lenient, create, &json!([])).await,
        &dt::BODY_SHAPE,
        "",
    );
    let nameless = customer_body(json!({"name": null}));
    seen.refused(
        &post(lenient, create, &nameless).await,
        &dt::FIELD_REQUIRED,
        "customer[0].name",
    );
    let object = customer_body(json!({"name": {"first": "x"}}));
    seen.refused(
        &post(lenient, create, &object).await,
        &dt::FIELD_TYPE,
        "customer[0].name",
    );
}

/// The emulator's guesses about fields and employees: refused for the strict corp,
/// served as docs/rules.md#lenient-behaviour says for the lenient one.
async fn guesses(lenient: &Dt<'_>, strict: &Dt<'_>, seen: &Seen) {
    let ghost = post(
        strict,
        "/crm/customer/create?user_id=ghost",
        &customer_body(json!({"name": "n"})),
    )
    .await;
    seen.refused(&ghost, &dt::EMPLOYEE_KNOWN, "user_id ghost");
    let newcomer = post(
        lenient,
        "/crm/customer/create?user_id=newcomer",
        &customer_body(json!({"name": "n"})),
    )
    .await;
    seen.warned(&newcomer, &dt::EMPLOYEE_KNOWN, "newcomer");
    let employees = lenient
        .app
        .get_json(&format!("/_emulator/dingtalk/corps/{CORPID}/employees"))
        .await;
    assert!(
        employees.to_string().contains("newcomer"),
        "registered: {employees}"
    );

    let create = |corp: &'static str| format!("/crm/customer/create?user_id={corp}");
    let number = customer_body(json!({"name": "n", "telephone": 13800000000_i64}));
    seen.refused(
        &post(strict, &create("zhang"), &number).await,
        &dt::FIELD_NUMBER,
        "customer[0].telephone",
    );
    let served = post(lenient, &create("li"), &number).await;
    seen.warned(&served, &dt::FIELD_NUMBER, "customer[0].telephone");
    let id = served.body["customerid"].as_str().expect("customerid");
    assert_eq!(
        lenient.customer(id).await["customer"]["telephone"],
        "13800000000"
    );

    let blank = customer_body(json!({"name": " "}));
    seen.refused(
        &post(strict, &create("zhang"), &blank).await,
        &dt::FIELD_BLANK,
        "customer[0].name",
    );
    let served = post(lenient, &create("li"), &blank).await;
    seen.warned(&served, &dt::FIELD_BLANK, "customer[0].name");
    let id = served.body["customerid"].as_str().expect("customerid");
    assert_eq!(lenient.customer(id).await["customer"]["name"], " ");

    let blanks = json!({"name": "n"});
    let mut with_blanks = customer_body(blanks);
    with_blanks["userIds"] = json!(["li", " "]);
    seen.refused(
        &post(strict, &create("zhang"), &with_blanks).await,
        &dt::USER_IDS_BLANK,
        "userIds[1]",
    );
    let served = post(lenient, &create("li"), &with_blanks).await;
    seen.warned(&served, &dt::USER_IDS_BLANK, "userIds[1]");
    let id = served.body["customerid"].as_str().expect("customerid");
    assert_eq!(lenient.customer(id).await["userIds"], json!(["li"]));

    for (corp, user) in [(strict, "zhang"), (lenient, "li")] {
        let customerid = corp.create_customer("n", user).await;
        let path = format!("/crm/contact/create?user_id={user}");
        let reply = post(corp, &path, &json!({"customerid": customerid})).await;
        if corp.token == strict.token {
            seen.refused(&reply, &dt::CONTACT_NAME, "name is missing");
        } else {
            seen.warned(&reply, &dt::CONTACT_NAME, "name is missing");
        }
    }
    let orphan = post(
        lenient,
        "/crm/contact/create?user_id=li",
        &json!({"name": "n"}),
    )
    .await;
    seen.refused(&orphan, &dt::CONTACT_CUSTOMER, "customerid");

    let long = "长".repeat(200);
    let over = customer_body(json!({"name": long}));
    seen.refused(
        &post(strict, &create("zhang"), &over).await,
        &dt::FIELD_LENGTH,
        "customer[0].name",
    );
    let served = post(lenient, &create("li"), &over).await;
    seen.warned(&served, &dt::FIELD_LENGTH, "customer[0].name");
    let id = served.body["customerid"].as_str().expect("customerid");
    assert_eq!(
        lenient.customer(id).await["customer"]["name"],
        long.as_str()
    );
}

/// Deletes naming ids twice, a contact create that is also an update, an empty get
/// id, and paging out of range.
async fn deletes_and_reads(lenient: &Dt<'_>, strict: &Dt<'_>, seen: &Seen) {
    let (a, b) = (
        strict.create_customer("a", "zhang").await,
        strict.create_customer("b", "zhang").await,
    );
    let both = json!({"id[]": [a], "id": b});
    let refused = post(strict, "/crm/customer/delete?user_id=zhang", &both).await;
    seen.refused(&refused, &dt::IDS_ONE_KEY, "id");
    let (a, b) = (
        lenient.create_customer("a", "li").await,
        lenient.create_customer("b", "li").await,
    );
    let both = json!({"id[]": [a], "id": b});
    seen.warned(
        &post(lenient, "/crm/customer/delete?user_id=li", &both).await,
        &dt::IDS_ONE_KEY,
        "id",
    );
    let gone = get(lenient, &format!("/crm/customer/get?id={a}")).await;
    assert_eq!(
        gone.body["errcode"], 40035,
        "the id[] list was used: {}",
        gone.body
    );
    lenient.customer(&b).await;

    for (corp, user) in [(strict, "zhang"), (lenient, "li")] {
        let id = corp.create_customer("c", user).await;
        let contact = corp.customer(&id).await;
        let contactid = contact["contactList"][0]["contactid"].clone();
        let body = json!({"customerid": id, "contactid": contactid, "name": "new"});
        let reply = post(corp, &format!("/crm/contact/create?user_id={user}"), &body).await;
        if corp.token == strict.token {
            seen.refused(&reply, &dt::CONTACT_CREATE_OR_UPDATE, "contactid");
        } else {
            seen.warned(&reply, &dt::CONTACT_CREATE_OR_UPDATE, "contactid");
            let contacts = &corp.customer(&id).await["contactList"];
            assert_eq!(
                contacts.as_array().map(Vec::len),
                Some(2),
                "a new contact: {contacts}"
            );
        }
    }

    seen.refused(
        &get(strict, "/crm/customer/get?id=").await,
        &dt::GET_ID,
        "id",
    );
    let listed = get(lenient, "/crm/customer/get?id=").await;
    seen.warned(&listed, &dt::GET_ID, "id");
    assert!(
        listed.body["customerlist"].is_array(),
        "the list: {}",
        listed.body
    );

    seen.refused(
        &get(strict, "/crm/customer/list?size=5000").await,
        &dt::LIST_PAGING,
        "size",
    );
    let clamped = get(lenient, "/crm/customer/list?offset=-1&size=5000").await;
    seen.warned(&clamped, &dt::LIST_PAGING, "size");
}

/// A rate limit, and a token past its expiry (this moves the emulator's clock).
async fn limits(app: &TestApp, lenient: &Dt<'_>, seen: &Seen) {
    let limited = corp(app, "limitedco", json!({"rateLimitPerMinute": 1}), &[]).await;
    // Three calls: whatever minute boundary falls between them, two share a minute.
    let mut replies = Vec::new();
    for _ in 0..3 {
        replies.push(get(&limited, "/crm/customer/list").await);
    }
    let refused = replies
        .iter()
        .find(|r| r.body["errcode"] != 0)
        .expect("a call over the limit");
    seen.refused(refused, &dt::RATE_LIMIT, "/crm/customer/list");
    app.state
        .clock
        .advance(app.state.config.token_ttl as i64 + 1)
        .await
        .expect("move the clock")
        .expect("within range");
    seen.refused(
        &get(lenient, "/crm/customer/list").await,
        &dt::TOKEN_FRESH,
        "",
    );
}
