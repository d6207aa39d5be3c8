//! The rules that keep a request inside what both databases can store (SPEC §5: a NUL
//! character), broken on the well-known lenient tenants: they are enforced `always`, so
//! those are refused too.

use crm_emulator::runtime::rules::{dingtalk as dt, openapi as oa};
use reqwest::Method;
use serde_json::json;

use super::{call, Body, Seen};
use crate::{dingtalk::Dt, helpers::*, openapi::Oa};

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

    let oa = Oa::default(app).await;
    let reply = oa
        .post("/openapi/crm/add", &json!({"customerName": "a\u{0}b"}))
        .await;
    seen.refused(&reply, &oa::TEXT_NUL, "`customerName`");
}
