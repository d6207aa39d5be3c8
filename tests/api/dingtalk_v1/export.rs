//! Export and import carry the v1.0 columns (docs/export-format.md): a v1.0 customer,
//! its contacts and its followers' roles come back identical after a round trip.

use serde_json::json;

use super::*;
use crate::both_backends;

both_backends! {
    async fn an_export_imported_again_keeps_the_v1_columns(app: TestApp) {
        let v1 = V1::new(&app).await;
        let body = json!({
            "creatorUserId": "zhangsan",
            "objectType": "crm_customer_personal",
            "data": {"customer_name": "ACME", "customer_phone": {"value": "1", "extendValue": "e"}, "level": "A"},
            "extendData": {"source": "export"},
            "permission": {"participantStaffIds": ["lisi"]},
            "contacts": [{"data": {"contact_name": "Li", "hobby": "go"}, "extendData": {"x": "y"}}],
            "saveOption": {}
        });
        let created = v1.post("/v1.0/crm/customers", &body).await;
        let id = ok(&created)["customerInstanceId"].as_str().expect("id").to_owned();
        let before = v1.customer(&id).await.expect("found");
        let contacts_query = json!({"maxResults": 10});
        let contacts_before = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &contacts_query).await;
        let exported = app.get_json("/_emulator/export").await;
        let customer = &exported["dingtalk"]["corps"][0]["customers"][0];
        assert_eq!(customer["relationType"], "crm_customer_personal", "{customer}");
        assert_eq!(customer["dataExtra"], json!({"customer_phone": "e", "level": "A"}));
        assert_eq!(customer["followers"][1]["userid"], "lisi");
        assert_eq!(customer["followers"][1]["role"], "participant");
        assert!(customer["followers"][0].get("role").is_none(), "owner is the default: {customer}");
        let imported = app.post_json("/_emulator/import", &exported).await;
        assert_eq!(imported.status(), 200);
        let v1 = V1::new(&app).await;
        let after = v1.customer(&id).await.expect("found");
        assert_eq!(after, before);
        let contacts_after = v1.post("/v1.0/crm/customObjects/contacts/datas/query", &contacts_query).await;
        assert_eq!(ok(&contacts_after), ok(&contacts_before));
        let mut bad = exported.clone();
        bad["dingtalk"]["corps"][0]["customers"][0]["relationType"] = json!("lead");
        let refused = app.post_json("/_emulator/import", &bad).await;
        assert_eq!(refused.status(), 400);
        let message = refused.text().await.unwrap_or_default();
        assert!(message.contains("relationType"), "{message}");
    }
}
