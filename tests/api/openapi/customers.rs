//! Add, update, find by id and delete (《CRM客户管理接口》 1, 2, 4, 5;
//! `docs/openapi.md#the-customer-record`), starting from the seed's own example requests.

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::both_backends;

fn keys(record: &Value) -> Vec<&str> {
    record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn seed_add_example() -> Value {
    json!({ "customerName": "test", "mobile": [ { "value": "333222111", "memo": "王哈" } ], "customerSource": [ "试用申请" ], "owner": "8310", "assignTime": "2024-11-14 09:46:17" })
}

both_backends! {
    async fn the_seed_add_example_returns_the_stored_record(app: TestApp) {
        let oa = Oa::default(&app).await;
        let record = oa.add(seed_add_example()).await;
        assert_eq!(keys(&record), ["_id", "accountId", "customerName", "owner", "firstOwner", "assignTime", "firstAssignTime", "createMethod", "mobile", "customerSource", "createTime", "updateTime", "createAgent", "updateAgent"]);
        let id = record["_id"].as_str().unwrap();
        assert!(id.len() == 18 && id.bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert_eq!(record["accountId"], "1090");
        assert_eq!(record["customerName"], "test");
        assert_eq!(record["owner"], "8310");
        assert_eq!(record["firstOwner"], "8310");
        assert_eq!(record["assignTime"], "2024-11-14 09:46:17");
        assert_eq!(record["firstAssignTime"], "2024-11-14 09:46:17");
        assert_eq!(record["createMethod"], "");
        assert_eq!(record["mobile"], json!([{"value": "333222111", "memo": "王哈"}]));
        assert_eq!(record["customerSource"], json!(["试用申请"]));
        assert_eq!(record["createAgent"], "openApi");
        assert_eq!(record["updateAgent"], "openApi");
        assert_now(&app, &record["createTime"]);
        assert_eq!(record["createTime"], record["updateTime"]);
    }

    async fn a_minimal_add_has_exactly_the_seed_response_keys(app: TestApp) {
        let oa = Oa::default(&app).await;
        let record = oa.add(json!({"customerName": "testCustomer"})).await;
        assert_eq!(keys(&record), ["_id", "accountId", "customerName", "createMethod", "createTime", "updateTime", "createAgent", "updateAgent"]);
    }

    async fn add_without_customer_name_is_a_400_naming_it(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let required = "openapi.customer-name.required";
        oa.post("/openapi/crm/add", &json!({"owner": "8310"})).await.assert_refused(400, required, &["`customerName` is required"]);
        oa.post("/openapi/crm/add", &json!({"customerName": " "})).await.assert_refused(400, "openapi.field.blank", &["`customerName` is blank"]);
        oa.post("/openapi/crm/add", &json!({"customerName": null})).await.assert_refused(400, required, &["`customerName`"]);
    }

    async fn unknown_and_read_only_keys_are_400s_for_a_strict_account(app: TestApp) {
        let oa = Oa::strict(&app).await;
        oa.post("/openapi/crm/add", &json!({"customerName": "x", "phone": "1"})).await
            .assert_refused(400, "openapi.record.unknown-key", &["unknown key `phone`", "valid keys are: customerName, owner, assignTime, createMethod, mobile, email, qq, wechat, customerSource, visitorId, openSeaIds"]);
        for key in ["createTime", "firstOwner", "accountId", "updateAgent"] {
            oa.post("/openapi/crm/add", &json!({"customerName": "x", key: "v"})).await
                .assert_refused(400, "openapi.add.read-only-key", &[&format!("`{key}` is set by the emulator")]);
        }
        oa.post("/openapi/crm/add", &json!({"customerName": "x", "_id": "1"})).await
            .assert_refused(400, "openapi.add.read-only-key", &["`_id` is assigned by the emulator"]);
        assert_eq!(oa.list(json!({})).await["count"], 0, "nothing was stored");
    }

    async fn ill_formed_system_values_are_400s_naming_them(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let cases = [
            (json!({"mobile": "138"}), "openapi.field.type", "`mobile` must be a list"),
            (json!({"email": [{"memo": "x"}]}), "openapi.field.blank", "`email[0].value` is missing"),
            (json!({"qq": [{"value": "1", "nick": "x"}]}), "openapi.record.unknown-key", "`qq[0]` has an unknown key `nick`"),
            (json!({"wechat": [{"value": "w", "memo": 5}]}), "openapi.field.number", "`wechat[0].memo` must be a string, got the number 5"),
            (json!({"customerSource": ["广告"]}), "openapi.customer-source.choice", "`customerSource[0]` \"广告\" is not one of the account's sources"),
            (json!({"assignTime": "2024-11-14"}), "openapi.value.type", "`assignTime` must be a time YYYY-MM-DD HH:MM:SS"),
            (json!({"owner": 8310}), "openapi.field.number", "`owner` must be a string, got the number 8310"),
            (json!({"visitorId": ["v"]}), "openapi.field.type", "`visitorId` must be a string"),
            (json!({"openSeaIds": ["nope"]}), "openapi.open-sea.known", "`openSeaIds[0]` \"nope\" is not an open sea"),
            (json!({"email": [{"value": "not-an-email"}]}), "openapi.value.format", "`email[0].value` must be an email address"),
        ];
        for (extra, rule, needle) in cases {
            let mut body = extra.clone();
            body["customerName"] = json!("x");
            oa.post("/openapi/crm/add", &body).await.assert_refused(400, rule, &[needle]);
        }
    }

    async fn the_seed_update_example_changes_the_name_and_the_update_time(app: TestApp) {
        let oa = Oa::default(&app).await;
        let added = oa.add(json!({"customerName": "before", "visitorId": "v1"})).await;
        app.state.clock.advance(60).await.expect("move the clock").expect("within range");
        let reply = oa.post("/openapi/crm/update", &json!({ "_id": added["_id"], "customerName": "testCustomer" })).await;
        let updated = reply.data();
        assert_eq!(updated["_id"], added["_id"]);
        assert_eq!(updated["customerName"], "testCustomer");
        assert_eq!(updated["visitorId"], "v1", "absent keys keep their values");
        assert_eq!(updated["createTime"], added["createTime"]);
        assert_ne!(updated["updateTime"], added["updateTime"]);
        assert_eq!(keys(updated), ["_id", "accountId", "customerName", "createMethod", "visitorId", "createTime", "updateTime", "createAgent", "updateAgent"]);
        let found = oa.get(&format!("/openapi/crm/{}", added["_id"].as_str().unwrap())).await;
        assert_eq!(found.data(), updated);
    }

    async fn update_replaces_lists_whole_and_null_clears(app: TestApp) {
        let oa = Oa::default(&app).await;
        let added = oa.add(json!({"customerName": "x", "mobile": [{"value": "1"}, {"value": "2"}], "email": [{"value": "a@b.cn"}]})).await;
        let updated = oa.post("/openapi/crm/update", &json!({"_id": added["_id"], "mobile": [{"value": "3"}], "email": null})).await;
        assert_eq!(updated.data()["mobile"], json!([{"value": "3"}]));
        assert!(updated.data().get("email").is_none(), "{}", updated.body);
        assert_eq!(oa.matching("mobile", "eq", json!(["1"])).await, names(&[]), "the index follows the record");
        assert_eq!(oa.matching("mobile", "eq", json!(["3"])).await, names(&["x"]));
    }

    async fn a_new_owner_moves_assign_time_but_not_the_first_owner(app: TestApp) {
        let oa = Oa::default(&app).await;
        let added = oa.add(seed_add_example()).await;
        let updated = oa.post("/openapi/crm/update", &json!({"_id": added["_id"], "owner": "9001"})).await;
        let data = updated.data();
        assert_eq!(data["owner"], "9001");
        assert_eq!(data["firstOwner"], "8310");
        assert_eq!(data["firstAssignTime"], "2024-11-14 09:46:17");
        assert_now(&app, &data["assignTime"]);
        let same = oa.post("/openapi/crm/update", &json!({"_id": added["_id"], "owner": "9001", "customerName": "y"})).await;
        assert_eq!(same.data()["assignTime"], data["assignTime"], "re-sending the owner changes nothing");
    }

    async fn an_open_sea_owner_puts_the_customer_in_that_pool(app: TestApp) {
        let oa = Oa::new_strict(&app, "2001", &["pool-a", "pool-b"]).await;
        let pooled = oa.add(json!({"customerName": "p", "owner": "pool-a"})).await;
        assert!(pooled.get("owner").is_none(), "{pooled}");
        assert!(pooled.get("assignTime").is_none(), "{pooled}");
        assert_eq!(pooled["openSeaIds"], json!(["pool-a"]));
        let owned = oa.post("/openapi/crm/update", &json!({"_id": pooled["_id"], "owner": "e1"})).await;
        assert_eq!(owned.data()["owner"], "e1");
        assert_eq!(owned.data()["firstOwner"], "e1");
        assert_eq!(owned.data()["openSeaIds"], json!([]));
        let back = oa.post("/openapi/crm/update", &json!({"_id": pooled["_id"], "openSeaIds": ["pool-b"]})).await;
        assert!(back.data().get("owner").is_none(), "{}", back.body);
        assert_eq!(back.data()["firstOwner"], "e1");
        oa.post("/openapi/crm/add", &json!({"customerName": "c", "owner": "e1", "openSeaIds": ["pool-a"]})).await
            .assert_refused(400, "openapi.owner.open-sea", &["a customer in an open sea has no owner"]);
        oa.post("/openapi/crm/add", &json!({"customerName": "c", "owner": "pool-a", "openSeaIds": ["pool-b"]})).await
            .assert_refused(400, "openapi.owner.open-sea", &["`openSeaIds` must be [\"pool-a\"] or absent"]);
        let agreed = oa.add(json!({"customerName": "c", "owner": "pool-a", "openSeaIds": ["pool-a"]})).await;
        assert_eq!(agreed["openSeaIds"], json!(["pool-a"]));
    }

    async fn update_needs_a_known_id_and_a_failed_update_changes_nothing(app: TestApp) {
        let oa = Oa::default(&app).await;
        let added = oa.add(json!({"customerName": "keep"})).await;
        oa.post("/openapi/crm/update", &json!({"customerName": "x"})).await.assert_error(400, &["`_id` is required"]);
        oa.post("/openapi/crm/update", &json!({"_id": "100000000000000001", "customerName": "x"})).await.assert_error(404, &["no customer with _id 100000000000000001"]);
        oa.post("/openapi/crm/update", &json!({"_id": "abc"})).await.assert_error(404, &["no customer"]);
        oa.post("/openapi/crm/update", &json!({"_id": added["_id"], "customerName": "changed", "mobile": "bad"})).await.assert_error(400, &["`mobile`"]);
        let found = oa.get(&format!("/openapi/crm/findById/{}", added["_id"].as_str().unwrap())).await;
        assert_eq!(found.data(), &added);
    }

    async fn find_by_id_answers_on_both_paths_and_both_methods(app: TestApp) {
        let oa = Oa::default(&app).await;
        let added = oa.add(seed_add_example()).await;
        let id = added["_id"].as_str().unwrap();
        for path in [format!("/openapi/crm/{id}"), format!("/openapi/crm/findById/{id}")] {
            assert_eq!(oa.get(&path).await.data(), &added, "GET {path}");
            assert_eq!(oa.post(&path, &json!({})).await.data(), &added, "POST {path}");
            let empty = send(&app, Method::POST, &path, &oa.headers(), None).await;
            assert_eq!(empty.data(), &added, "POST {path} without a body");
        }
        oa.get("/openapi/crm/100000000000000001").await.assert_error(404, &["no customer with _id 100000000000000001"]);
        oa.get("/openapi/crm/findById/nope").await.assert_error(404, &["no customer with _id nope"]);
    }

    async fn delete_removes_the_customer_and_answers_null(app: TestApp) {
        let oa = Oa::default(&app).await;
        let added = oa.add(seed_add_example()).await;
        let kept = oa.add(json!({"customerName": "kept", "mobile": [{"value": "333222111"}]})).await;
        let reply = oa.post("/openapi/crm/delete", &json!({ "id": added["_id"] })).await;
        assert!(reply.data().is_null());
        oa.get(&format!("/openapi/crm/{}", added["_id"].as_str().unwrap())).await.assert_error(404, &["no customer"]);
        oa.post("/openapi/crm/delete", &json!({ "id": added["_id"] })).await.assert_error(404, &["no customer"]);
        oa.post("/openapi/crm/delete", &json!({})).await.assert_refused(400, "openapi.record.id-required", &["`id` is required"]);
        let strict = Oa::strict(&app).await;
        strict.post("/openapi/crm/delete", &json!({"_id": "1"})).await.assert_refused(400, "openapi.delete.id-key", &["`_id`", "takes `id`"]);
        assert_eq!(oa.matching("mobile", "eq", json!(["333222111"])).await, names(&["kept"]));
        assert_eq!(oa.get(&format!("/openapi/crm/{}", kept["_id"].as_str().unwrap())).await.data(), &kept);
    }
}
