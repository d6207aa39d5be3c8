//! Every OpenAPI rule, broken: the ones enforced `always` on a lenient account (they
//! refuse it too), the ones enforced `strict` on a strict account (refused) and on a
//! lenient one (served as `docs/rules.md#lenient-behaviour` says, with the warning).

use crm_emulator::{
    http::head::MAX_URI_BYTES,
    runtime::rules::openapi as oa,
    store::openapi::{Choice, CustomFieldUpdate, FieldType, NewCustomField},
};
use reqwest::Method;
use serde_json::{json, Value};

use super::{call, padding_header, Body, Seen, MAX_BODY_BYTES};
use crate::{
    helpers::*,
    openapi::{with, Oa, Reply},
};

const ADD: &str = "/openapi/crm/add";
const UPDATE: &str = "/openapi/crm/update";
const LIST: &str = "/openapi/crm/list";
const DELETE: &str = "/openapi/crm/delete";
const FIELDS: &str = "/openapi/crm/config/field/list";

/// The custom fields every exercised account has: a select, a phone, an unsearchable
/// and a disabled one.
async fn with_fields(oa: &Oa<'_>) {
    let choice = |key: &str| Choice {
        key: key.into(),
        value: key.into(),
        is_default: false,
    };
    oa.custom_field(NewCustomField {
        field: Some("f_select".into()),
        name: "级别".into(),
        field_type: Some(FieldType::Select),
        choices: Some(vec![choice("vip"), choice("normal")]),
        ..Default::default()
    })
    .await;
    oa.field("f_phone", FieldType::Phone).await;
    oa.custom_field(NewCustomField {
        field: Some("f_hidden".into()),
        name: "隐藏".into(),
        field_type: Some(FieldType::Text),
        searchable: Some(false),
        ..Default::default()
    })
    .await;
    oa.field("f_off", FieldType::Text).await;
    let off = CustomFieldUpdate {
        status: Some(0),
        ..Default::default()
    };
    let store = oa.app.state.store.openapi();
    store
        .update_custom_field(oa.account.id, "f_off", &off, 0)
        .await
        .expect("disable f_off");
}

/// Sends `body` to `path` as `oa`, however it is encoded.
async fn raw(oa: &Oa<'_>, path: &str, body: Body<'_>) -> Reply {
    call(oa.app, Method::POST, path, &oa.headers(), body).await
}

/// Adds `body` as a strict and a lenient account: the strict one is refused by `rule`
/// (naming `needle`), the lenient one served with its warning; the lenient record.
async fn guess(
    seen: &Seen,
    accounts: &(Oa<'_>, Oa<'_>),
    rule: &'static crm_emulator::runtime::rules::Rule,
    body: Value,
    needle: &str,
) -> Value {
    let (strict, lenient) = accounts;
    seen.refused(&strict.post(ADD, &body).await, rule, needle);
    let served = lenient.post(ADD, &body).await;
    seen.warned(&served, rule, needle);
    served.data().clone()
}

pub async fn exercise(app: &TestApp, seen: &Seen) {
    let strict = Oa::new_strict(app, "3001", &["pool"]).await;
    let lenient = Oa::new_account(app, "3000", &["pool"]).await;
    assert_eq!(
        app.state.config.default_mode,
        crm_emulator::store::tenants::Mode::Lenient
    );
    with_fields(&strict).await;
    with_fields(&lenient).await;
    transport(app, &lenient, seen).await;
    replays_and_types(&strict, &lenient, seen).await;
    let accounts = (strict, lenient);
    record(app, &accounts, seen).await;
    keys(&accounts, seen).await;
    listing(&accounts, seen).await;
}

/// Paths, methods, the signature headers, and the body's size, syntax and shape.
async fn transport(app: &TestApp, lenient: &Oa<'_>, seen: &Seen) {
    seen.refused(
        &lenient.post("/openapi/crm/nope/more", &json!({})).await,
        &oa::PATH_KNOWN,
        "/openapi/crm/nope/more",
    );
    let put = call(
        app,
        Method::PUT,
        ADD,
        &lenient.headers(),
        Body::Json(&json!({})),
    )
    .await;
    seen.refused(&put, &oa::METHOD, "PUT");
    let long = format!("{LIST}?pad={}", "a".repeat(MAX_URI_BYTES));
    let long = call(app, Method::POST, &long, &lenient.headers(), Body::None).await;
    seen.refused(&long, &oa::URI_SIZE, "limit is 8192");
    let mut padded = lenient.headers();
    padded.push(padding_header());
    let padded = call(app, Method::POST, LIST, &padded, Body::None).await;
    seen.refused(
        &padded,
        &oa::HEADERS_SIZE,
        "limits are 100 fields and 65536 bytes",
    );
    let bare = call(app, Method::POST, LIST, &[], Body::Json(&json!({}))).await;
    seen.refused(
        &bare,
        &oa::AUTH_HEADERS,
        "missing headers appid, nonce, timestamp, signature",
    );
    let chinese = with(&lenient.headers(), "nonce", "随机");
    seen.refused(
        &call(app, Method::POST, LIST, &chinese, Body::None).await,
        &oa::AUTH_HEADER_TEXT,
        "nonce",
    );
    let stranger = with(&lenient.headers(), "appid", "nope");
    seen.refused(
        &call(app, Method::POST, LIST, &stranger, Body::None).await,
        &oa::AUTH_APPID,
        "\"nope\"",
    );
    let stale = with(&lenient.headers(), "timestamp", "1687792901");
    seen.refused(
        &call(app, Method::POST, LIST, &stale, Body::None).await,
        &oa::AUTH_TIMESTAMP,
        "outside the allowed window",
    );
    let forged = with(&lenient.headers(), "signature", "bogus");
    seen.refused(
        &call(app, Method::POST, LIST, &forged, Body::None).await,
        &oa::AUTH_SIGNATURE,
        "signature mismatch",
    );

    let huge = json!({"customerName": "x".repeat(MAX_BODY_BYTES)});
    seen.refused(
        &lenient.post(ADD, &huge).await,
        &oa::BODY_SIZE,
        "size limit",
    );
    seen.refused(
        &raw(lenient, ADD, Body::None).await,
        &oa::BODY_EMPTY,
        "empty",
    );
    let broken = Body::Raw(Some("application/json"), b"{".to_vec());
    seen.refused(
        &raw(lenient, ADD, broken).await,
        &oa::BODY_JSON,
        "malformed JSON",
    );
    seen.refused(
        &lenient.post(ADD, &json!([])).await,
        &oa::BODY_SHAPE,
        "invalid request body",
    );
}

/// A replayed nonce, and a body sent as another type.
async fn replays_and_types(strict: &Oa<'_>, lenient: &Oa<'_>, seen: &Seen) {
    for (oa, refused) in [(strict, true), (lenient, false)] {
        let headers = oa.headers();
        let first = call(oa.app, Method::POST, LIST, &headers, Body::None).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let again = call(oa.app, Method::POST, FIELDS, &headers, Body::None).await;
        if refused {
            seen.refused(&again, &oa::NONCE_ONCE, "replayed request");
        } else {
            seen.warned(&again, &oa::NONCE_ONCE, "replayed request");
        }
    }
    let text = || {
        Body::Raw(
            Some("text/plain"),
            br#"{"customerName": "as text"}"#.to_vec(),
        )
    };
    seen.refused(
        &raw(strict, ADD, text()).await,
        &oa::BODY_CONTENT_TYPE,
        "got text/plain",
    );
    let served = raw(lenient, ADD, text()).await;
    seen.warned(&served, &oa::BODY_CONTENT_TYPE, "got text/plain");
    assert_eq!(served.data()["customerName"], "as text");
    let untyped = Body::Raw(None, br#"{"customerName": "no type"}"#.to_vec());
    seen.warned(
        &raw(lenient, ADD, untyped).await,
        &oa::BODY_CONTENT_TYPE,
        "got none",
    );
}

/// The record's fields and values.
async fn record(app: &TestApp, accounts: &(Oa<'_>, Oa<'_>), seen: &Seen) {
    let (strict, lenient) = accounts;
    seen.refused(
        &lenient.post(ADD, &json!({"owner": "e1"})).await,
        &oa::CUSTOMER_NAME_REQUIRED,
        "`customerName` is required",
    );
    seen.refused(
        &lenient.post(ADD, &json!({"customerName": {"a": 1}})).await,
        &oa::FIELD_TYPE,
        "`customerName` must be a string",
    );
    let wrong = json!({"customerName": "x", "f_phone": true});
    seen.refused(
        &lenient.post(ADD, &wrong).await,
        &oa::VALUE_TYPE,
        "`f_phone`",
    );
    let reply = lenient.post(UPDATE, &json!({"customerName": "x"})).await;
    seen.refused(&reply, &oa::RECORD_ID_REQUIRED, "`_id` is required");
    seen.refused(
        &lenient.get("/openapi/crm/100000000000000001").await,
        &oa::RECORD_KNOWN,
        "100000000000000001",
    );

    let number = json!({"customerName": "n", "mobile": [{"value": 13800000000_i64}]});
    let stored = guess(
        seen,
        accounts,
        &oa::FIELD_NUMBER,
        number,
        "`mobile[0].value` must be a string, got the number",
    )
    .await;
    assert_eq!(stored["mobile"], json!([{"value": "13800000000"}]));
    let blank = json!({"customerName": " "});
    assert_eq!(
        guess(
            seen,
            accounts,
            &oa::FIELD_BLANK,
            blank,
            "`customerName` is blank"
        )
        .await["customerName"],
        " "
    );
    let source = json!({"customerName": "s", "customerSource": ["广告"]});
    let stored = guess(
        seen,
        accounts,
        &oa::CUSTOMER_SOURCE_CHOICE,
        source,
        "`customerSource[0]`",
    )
    .await;
    assert_eq!(stored["customerSource"], json!(["广告"]));
    let pool = json!({"customerName": "p", "openSeaIds": ["nope"]});
    assert_eq!(
        guess(seen, accounts, &oa::OPEN_SEA_KNOWN, pool, "`openSeaIds[0]`").await["openSeaIds"],
        json!(["nope"])
    );
    let both = json!({"customerName": "o", "owner": "e1", "openSeaIds": ["pool"]});
    let stored = guess(
        seen,
        accounts,
        &oa::OWNER_OPEN_SEA,
        both,
        "`owner` is an employee",
    )
    .await;
    assert_eq!(stored["owner"], "e1", "the owner decides: {stored}");
    assert!(stored.get("openSeaIds").is_none(), "{stored}");
    let unowned = json!({"customerName": "t", "assignTime": "2024-11-14 09:46:17"});
    let stored = guess(
        seen,
        accounts,
        &oa::ASSIGN_TIME_OWNER,
        unowned,
        "`assignTime`",
    )
    .await;
    assert_eq!(
        stored["assignTime"], "2024-11-14 09:46:17",
        "stored as sent"
    );
    let iso =
        json!({"customerName": "i", "owner": "e1", "assignTime": "2024-11-14T09:46:17+08:00"});
    let stored = guess(seen, accounts, &oa::FIELD_TIME_FORMAT, iso, "`assignTime`").await;
    assert_eq!(stored["assignTime"], "2024-11-14 09:46:17");
    let one = json!({"customerName": "s", "customerSource": "试用申请"});
    let stored = guess(
        seen,
        accounts,
        &oa::FIELD_ONE_VALUE,
        one,
        "`customerSource`",
    )
    .await;
    assert_eq!(stored["customerSource"], json!(["试用申请"]));
    let email = json!({"customerName": "e", "email": [{"value": "not-an-email"}]});
    let stored = guess(
        seen,
        accounts,
        &oa::VALUE_FORMAT,
        email,
        "`email[0].value` must be an email address",
    )
    .await;
    assert_eq!(stored["email"], json!([{"value": "not-an-email"}]));
    let gold = json!({"customerName": "g", "f_select": "gold"});
    assert_eq!(
        guess(seen, accounts, &oa::SELECT_CHOICE, gold, "`f_select`").await["f_select"],
        "gold"
    );
    let off = json!({"customerName": "d", "f_off": "v"});
    assert!(guess(seen, accounts, &oa::FIELD_DISABLED, off, "`f_off`")
        .await
        .get("f_off")
        .is_none());

    let required = Oa::new_account(app, "3002", &[]).await;
    required
        .custom_field(NewCustomField {
            field: Some("f_req".into()),
            name: "必填".into(),
            field_type: Some(FieldType::Text),
            required: true,
            ..Default::default()
        })
        .await;
    seen.refused(
        &required.post(ADD, &json!({"customerName": "r"})).await,
        &oa::FIELD_REQUIRED,
        "`f_req`",
    );
    assert!(
        strict.list(json!({})).await["count"].as_i64() == Some(0),
        "a strict account stored nothing"
    );
}

/// Keys of add, update and delete the record does not have or the emulator sets.
async fn keys(accounts: &(Oa<'_>, Oa<'_>), seen: &Seen) {
    let (strict, lenient) = accounts;
    let phone = json!({"customerName": "k", "phone": "1"});
    assert!(guess(
        seen,
        accounts,
        &oa::RECORD_UNKNOWN_KEY,
        phone,
        "unknown key `phone`"
    )
    .await
    .get("phone")
    .is_none());
    let dated = json!({"customerName": "k", "createTime": "2020-01-01 00:00:00"});
    let stored = guess(
        seen,
        accounts,
        &oa::ADD_READ_ONLY_KEY,
        dated,
        "`createTime`",
    )
    .await;
    assert_ne!(stored["createTime"], "2020-01-01 00:00:00");

    for (oa, is_strict) in [(strict, true), (lenient, false)] {
        let read = oa.add(json!({"customerName": "read back"})).await;
        let mut sent = read.clone();
        sent["customerName"] = json!("sent back");
        sent["accountId"] = json!("someone else");
        let reply = oa.post(UPDATE, &sent).await;
        let id = read["_id"].as_str().expect("_id");
        if is_strict {
            seen.refused(&reply, &oa::UPDATE_READ_ONLY_KEY, "`accountId`");
            strict.post(DELETE, &json!({"id": id})).await.data();
        } else {
            seen.warned(&reply, &oa::UPDATE_READ_ONLY_KEY, "`accountId`");
            assert_eq!(reply.data()["customerName"], "sent back");
            assert_eq!(
                reply.data()["accountId"],
                lenient.account.appid.as_str(),
                "the stored value stays"
            );
        }
        let reply = oa.post(DELETE, &json!({"_id": id})).await;
        if is_strict {
            seen.refused(&reply, &oa::DELETE_ID_KEY, "`_id`");
        } else {
            seen.warned(&reply, &oa::DELETE_ID_KEY, "`_id`");
            oa.get(&format!("/openapi/crm/{id}"))
                .await
                .assert_error(404, &["no customer"]);
        }
    }
}

/// The list and the field list: paging, search and filters.
async fn listing(accounts: &(Oa<'_>, Oa<'_>), seen: &Seen) {
    let (strict, lenient) = accounts;
    let both = |body: Value| async move {
        (
            strict.post(LIST, &body).await,
            lenient.post(LIST, &body).await,
        )
    };

    seen.refused(
        &lenient.post(LIST, &json!({"page": 1.5})).await,
        &oa::LIST_PAGING,
        "`page`",
    );
    let (refused, served) = both(json!({"page": 0})).await;
    seen.refused(&refused, &oa::LIST_PAGE, "`page`");
    seen.warned(&served, &oa::LIST_PAGE, "`page`");
    let (refused, served) = both(json!({"sort": {"createTime": -1}})).await;
    seen.refused(&refused, &oa::LIST_SORT, "`sort`");
    seen.warned(&served, &oa::LIST_SORT, "`sort`");
    let search = |field: &str, operator: &str, value: Value| json!({"search": [{"field": field, "operator": operator, "value": value}]});
    let hidden = search("f_hidden", "eq", json!(["x"]));
    seen.refused(
        &lenient.post(LIST, &hidden).await,
        &oa::SEARCH_SEARCHABLE,
        "`f_hidden` is not searchable",
    );
    seen.refused(
        &lenient
            .post(LIST, &search("owner", "like", json!(["x"])))
            .await,
        &oa::SEARCH_OPERATOR,
        "\"like\"",
    );
    seen.refused(
        &lenient
            .post(LIST, &search("nope", "eq", json!(["x"])))
            .await,
        &oa::SEARCH_FIELD,
        "`nope`",
    );
    seen.refused(
        &lenient
            .post(LIST, &search("owner", "between", json!(["x"])))
            .await,
        &oa::SEARCH_VALUE,
        "exactly 2 values",
    );

    let (refused, served) = both(json!({"limit": 500})).await;
    seen.refused(&refused, &oa::LIST_LIMIT, "`limit`");
    seen.warned(&served, &oa::LIST_LIMIT, "`limit`");
    let (refused, served) = both(json!({"limit": "5", "page": "1"})).await;
    seen.refused(&refused, &oa::FIELD_NUMBER, "`limit`");
    seen.warned(&served, &oa::FIELD_NUMBER, "`limit`");
    let (refused, served) = both(json!({"pageSize": 5})).await;
    seen.refused(&refused, &oa::REQUEST_UNKNOWN_KEY, "`pageSize`");
    seen.warned(&served, &oa::REQUEST_UNKNOWN_KEY, "`pageSize`");
    let (refused, served) = both(search("customerName", "EQ", json!(["g"]))).await;
    seen.refused(&refused, &oa::SEARCH_OPERATOR_CASE, "\"EQ\"");
    seen.warned(&served, &oa::SEARCH_OPERATOR_CASE, "\"EQ\"");
    assert_eq!(served.data()["count"], 1, "matched as eq: {}", served.body);

    let builtin = json!({"category": "builtin"});
    seen.refused(
        &strict.post(FIELDS, &builtin).await,
        &oa::FIELD_LIST_FILTER,
        "\"builtin\"",
    );
    let nothing = lenient.post(FIELDS, &builtin).await;
    seen.warned(&nothing, &oa::FIELD_LIST_FILTER, "\"builtin\"");
    assert_eq!(nothing.data(), &json!([]), "matches nothing");
}
