//! Issue 11, item 2: a string too long for a database index. Postgres answered 500
//! (`index row size … exceeds btree maximum`) for a `customerName`, `mobile[].value` or
//! `visitorId` over ~2.7 KB where SQLite took 100,000 characters. Every string an index
//! holds is now at most 500 characters on both backends; 500 of the widest characters
//! (4 bytes each) still fit; strings no index holds keep no limit but the body's.

use crm_emulator::store::openapi::FieldType;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_backends,
    dingtalk::{assert_err, assert_ok, seed_create_body, Dt},
    helpers::*,
    openapi::{call, signed_with_nonce, Body, Oa},
};

/// 4 bytes in UTF-8: the widest a character gets.
const WIDE: &str = "😀";

fn wide(chars: usize) -> String {
    WIDE.repeat(chars)
}

/// `chars` different CJK ideographs, 3 bytes each: text Postgres cannot compress into an
/// index key, as it can a repeated character. 1000 of them (3000 bytes) answered 500
/// on Postgres before the limit.
fn distinct(chars: u32) -> String {
    (0..chars)
        .filter_map(|i| char::from_u32(0x4E00 + i))
        .collect()
}

both_backends! {
    async fn openapi_refuses_an_indexed_string_over_500_characters(app: TestApp) {
        let oa = Oa::new_account(&app, "4000", &[]).await;
        oa.field("f_text", FieldType::Textarea).await;
        let over = wide(501);
        let bodies: [(Value, &str); 7] = [
            (json!({"customerName": over}), "`customerName`"),
            (json!({"customerName": "a", "owner": over}), "`owner`"),
            (json!({"customerName": "a", "visitorId": over}), "`visitorId`"),
            (json!({"customerName": "a", "mobile": [{"value": "1"}, {"value": over}]}), "`mobile[1].value`"),
            (json!({"customerName": "a", "customerSource": [over]}), "`customerSource[0]`"),
            (json!({"customerName": "a", "openSeaIds": [over]}), "`openSeaIds[0]`"),
            (json!({"customerName": "a", "f_text": over}), "`f_text`"),
        ];
        for (body, field) in bodies {
            let reply = oa.post("/openapi/crm/add", &body).await;
            let needles = [field, "is 501 characters long; the limit is 500"];
            reply.assert_refused(400, "openapi.field.length", &needles);
        }
        let long = distinct(1000);
        let bodies: [(Value, &str); 3] = [
            (json!({"customerName": long}), "`customerName`"),
            (json!({"customerName": "a", "mobile": [{"value": long}]}), "`mobile[0].value`"),
            (json!({"customerName": "a", "visitorId": long}), "`visitorId`"),
        ];
        for (body, field) in bodies {
            let reply = oa.post("/openapi/crm/add", &body).await;
            reply.assert_refused(400, "openapi.field.length", &[field, "is 1000 characters long"]);
        }
        let id = oa.add(json!({"customerName": "a"})).await["_id"].clone();
        let reply = oa.post("/openapi/crm/update", &json!({"_id": id, "customerName": over})).await;
        reply.assert_refused(400, "openapi.field.length", &["`customerName`"]);
        assert_eq!(oa.list(json!({})).await["count"], 1, "nothing else was stored");
    }

    async fn openapi_stores_500_of_the_widest_characters_wherever_an_index_holds_them(app: TestApp) {
        let oa = Oa::new_account(&app, "4001", &[]).await;
        oa.field("f_text", FieldType::Text).await;
        let most = wide(500);
        let body = json!({
            "customerName": most, "owner": most, "visitorId": most,
            "mobile": [{"value": most}], "customerSource": [most], "f_text": most,
        });
        let stored = oa.add(body).await;
        assert_eq!(stored["customerName"], most.as_str());
        assert_eq!(stored["f_text"], most.as_str());
        let found = oa.matching("mobile", "eq", json!([most])).await;
        assert_eq!(found, vec![most.clone()]);
        // A search operand is not stored: a longer one is looked up, and finds nothing.
        assert!(oa.matching("customerName", "eq", json!([wide(5000)])).await.is_empty());
        assert!(oa.matching("f_text", "startsWith", json!([wide(5000)])).await.is_empty());
        // Strings no index holds have no limit but the body's.
        let memo = wide(20_000);
        let body = json!({"customerName": "m", "createMethod": memo, "mobile": [{"value": "1", "memo": memo}]});
        let stored = oa.add(body).await;
        assert_eq!(stored["mobile"][0]["memo"], memo.as_str());
    }

    async fn openapi_refuses_a_nonce_over_500_characters(app: TestApp) {
        let oa = Oa::default(&app).await;
        let signed = |nonce: &str| signed_with_nonce(&app, &oa.account.appid, &oa.secret, nonce);
        // Random hex: 3200 bytes Postgres cannot compress into a key of the replay records.
        let long: String = (0..100).map(|_| uuid::Uuid::new_v4().simple().to_string()).collect();
        let reply = call(&app, Method::POST, "/openapi/crm/list", &signed(&long), Body::None).await;
        reply.assert_refused(401, "openapi.nonce.length", &["header nonce is 3200 characters long; the limit is 500"]);
        let most = &long[..500];
        let reply = call(&app, Method::POST, "/openapi/crm/list", &signed(most), Body::None).await;
        assert_eq!(reply.data()["count"], 0);
    }

    async fn dingtalk_refuses_a_user_id_over_500_characters_for_every_corp(app: TestApp) {
        let dt = Dt::new(&app).await;
        let over = wide(501);
        let reply = dt.post(&format!("/crm/customer/create?user_id={over}"), &seed_create_body()).await;
        assert_err(&reply, 41101, "user_id is 501 characters long; the limit is 500");
        let mut body = seed_create_body();
        body["userIds"] = json!(["li", over]);
        let reply = dt.post("/crm/customer/create?user_id=li", &body).await;
        assert_err(&reply, 41101, "userIds[1] is 501 characters long");
        let id = dt.create_customer("c", "li").await;
        let relation = json!({"customerId": id, "userId": distinct(1000), "create_by": "x"});
        let reply = dt.post("/crm/empcustomer/create", &relation).await;
        assert_err(&reply, 41101, "userId is 1000 characters long");
        let strict = Dt::strict(&app, &[]).await;
        let reply = strict.post(&format!("/crm/customer/update?user_id={over}"), &json!({"id": "1"})).await;
        assert_err(&reply, 41101, "user_id is 501 characters long");
    }

    async fn a_lenient_corp_stores_500_wide_user_ids_and_long_fields_whole(app: TestApp) {
        let dt = Dt::new(&app).await;
        let most = wide(500);
        let mut body = seed_create_body();
        body["userIds"] = json!([most]);
        // Over the strict limits (rule dingtalk.field.length), which no index needs.
        body["customer"][0]["name"] = json!(wide(5000));
        body["customer"][0]["description"] = json!(wide(50_000));
        let created = dt.post(&format!("/crm/customer/create?user_id={most}"), &body).await;
        assert_ok(&created);
        let id = created["customerid"].as_str().expect("customerid");
        let customer = dt.customer(id).await;
        assert_eq!(customer["userIds"], json!([most]));
        assert_eq!(customer["customer"]["name"], wide(5000).as_str());
        let relation = json!({"customerId": id, "userId": wide(499) + "a", "create_by": "x"});
        assert_ok(&dt.post("/crm/empcustomer/create", &relation).await);
    }
}
