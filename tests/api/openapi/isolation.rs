//! Accounts never see each other (`docs/README.md#principles`): another account's `_id`
//! behaves exactly like an id that does not exist, on every endpoint.

use crm_emulator::store::openapi::FieldType;
use serde_json::json;

use super::*;
use crate::both_backends;

both_backends! {
    async fn another_accounts_id_is_a_404_everywhere(app: TestApp) {
        let mine = Oa::default(&app).await;
        let theirs = Oa::new_account(&app, "8001", &[]).await;
        let record = theirs.add(json!({"customerName": "theirs", "mobile": [{"value": "555"}]})).await;
        let id = record["_id"].as_str().unwrap();
        let unknown = "100000000000000001";
        for probe in [id, unknown] {
            let message = format!("no customer with _id {probe}");
            mine.get(&format!("/openapi/crm/{probe}")).await.assert_error(404, &[&message]);
            mine.post(&format!("/openapi/crm/findById/{probe}"), &json!({})).await.assert_error(404, &[&message]);
            mine.post("/openapi/crm/update", &json!({"_id": probe, "customerName": "stolen"})).await.assert_error(404, &[&message]);
            mine.post("/openapi/crm/delete", &json!({"id": probe})).await.assert_error(404, &[&message]);
        }
        assert_eq!(theirs.get(&format!("/openapi/crm/{id}")).await.data(), &record, "untouched");
        assert_eq!(mine.list(json!({})).await["count"], 0);
        assert_eq!(mine.matching("_id", "eq", json!([id])).await, names(&[]));
        assert_eq!(mine.matching("mobile", "eq", json!(["555"])).await, names(&[]));
        assert_eq!(theirs.matching("mobile", "eq", json!(["555"])).await, names(&["theirs"]));
    }

    async fn custom_fields_belong_to_their_account(app: TestApp) {
        let mine = Oa::strict(&app).await;
        let theirs = Oa::new_account(&app, "8002", &[]).await;
        theirs.field("grade", FieldType::Text).await;
        theirs.add(json!({"customerName": "t", "grade": "A"})).await;
        mine.post("/openapi/crm/add", &json!({"customerName": "m", "grade": "A"})).await
            .assert_refused(400, "openapi.record.unknown-key", &["unknown key `grade`"]);
        mine.post("/openapi/crm/list", &json!({"search": [{"field": "grade", "operator": "eq", "value": ["A"]}]})).await
            .assert_refused(400, "openapi.search.field", &["`grade` is not a field"]);
        let listed = mine.post("/openapi/crm/config/field/list", &json!({"category": "custom"})).await;
        assert_eq!(listed.data(), &json!([]));
        assert_eq!(theirs.matching("grade", "eq", json!(["A"])).await, names(&["t"]));
    }

    async fn a_signature_with_another_accounts_secret_is_refused(app: TestApp) {
        let theirs = Oa::new_account(&app, "8003", &[]).await;
        let forged = signed_headers(&app, "1090", &theirs.secret);
        send(&app, reqwest::Method::POST, "/openapi/crm/list", &forged, Some(&json!({}))).await.assert_error(401, &["signature mismatch"]);
    }
}
