//! The rules that keep a request inside what both databases can store and run
//! (`docs/rules.md#strict-and-lenient`: a NUL character, a string or nonce too long to
//! index, a search too large to run), broken on the well-known lenient tenants: they are
//! enforced `always`, so those are refused too.

use crm_emulator::runtime::rules::{dingtalk as dt, openapi as oa};
use reqwest::Method;
use serde_json::json;

use super::{call, Body, Seen};
use crate::{
    dingtalk::{seed_create_body, Dt},
    helpers::*,
    openapi::{signed_with_nonce, Oa},
};

pub async fn exercise(app: &TestApp, seen: &Seen) {
    let dt = Dt::new(app).await;
    let nul = json!({"customerId": "1", "userId": "li\u{0}", "create_by": "x"});
    let reply = call(
        app,
        Method::POST,
        &dt.url("/crm/empcustomer/create"),
        &[],
        Body::Json(&nul),
    )
    .await;
    seen.refused(&reply, &dt::TEXT_NUL, "userId");
    let long = "员".repeat(501);
    let create = dt.url(&format!("/crm/customer/create?user_id={long}"));
    let body = seed_create_body();
    let reply = call(app, Method::POST, &create, &[], Body::Json(&body)).await;
    seen.refused(&reply, &dt::USER_ID_LENGTH, "user_id is 501 characters");

    let oa = Oa::default(app).await;
    let reply = oa
        .post("/openapi/crm/add", &json!({"customerName": "a\u{0}b"}))
        .await;
    seen.refused(&reply, &oa::TEXT_NUL, "`customerName`");
    let reply = oa
        .post("/openapi/crm/add", &json!({"customerName": long}))
        .await;
    seen.refused(&reply, &oa::FIELD_LENGTH, "the limit is 500");
    let nonce = "n".repeat(501);
    let headers = signed_with_nonce(app, &oa.account.appid, &oa.secret, &nonce);
    let reply = call(app, Method::POST, "/openapi/crm/list", &headers, Body::None).await;
    seen.refused(
        &reply,
        &oa::NONCE_LENGTH,
        "header nonce is 501 characters long",
    );
    let condition = json!({"field": "customerName", "operator": "eq", "value": ["x"]});
    let search = json!({"search": vec![condition; 101]});
    let reply = oa.post("/openapi/crm/list", &search).await;
    seen.refused(&reply, &oa::SEARCH_SIZE, "the limit is 100");
}
