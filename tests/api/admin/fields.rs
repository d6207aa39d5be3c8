//! Custom fields through the control plane (`docs/control-plane.md#tenants`,
//! `docs/openapi.md#custom-fields`), seen by the OpenAPI surface.

use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;
use crate::openapi::Oa;

const FIELDS: &str = "/_emulator/openapi/accounts/1090/fields";

async fn patch(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(path))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Status and the control plane's error message.
async fn refusal(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body = json_of(response).await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    (status, message.to_owned())
}

/// One field of each type (docs/openapi.md#custom-fields), with the given ids.
fn one_of_each_type() -> Vec<Value> {
    vec![
        json!({"field": "f_text", "name": "备注", "type": "text", "required": true}),
        json!({"field": "f_textarea", "name": "详情", "type": "textarea"}),
        json!({"field": "f_number", "name": "金额", "type": "number"}),
        json!({"field": "f_date", "name": "生日", "type": "date"}),
        json!({"field": "f_datetime", "name": "到访", "type": "datetime", "searchable": false}),
        json!({"field": "f_select", "name": "级别", "type": "select",
               "choices": [{"key": "vip", "value": "重要", "isDefault": true}, {"key": "std", "value": "普通"}]}),
        json!({"field": "f_multi", "name": "标签", "type": "multiSelect",
               "choices": [{"key": "a", "value": "甲"}, {"key": "b", "value": "乙"}]}),
        json!({"field": "f_cascade", "name": "地区", "type": "cascade",
               "options": {"level": 2, "fillLevel": 2, "children": [
                   {"key": "zj", "value": "浙江", "children": [{"key": "hz", "value": "杭州"}]}]}}),
        json!({"field": "f_phone", "name": "座机", "type": "phone"}),
        json!({"field": "f_email", "name": "工作邮箱", "type": "email"}),
    ]
}

both_backends! {
    async fn fields_of_every_type_are_created_and_listed_as_the_openapi_renders_them(app: TestApp) {
        let mut created = Vec::new();
        for body in one_of_each_type() {
            let response = app.post_json(FIELDS, &body).await;
            assert_eq!(response.status(), 201, "{body}");
            created.push(json_of(response).await);
        }
        assert_eq!(created[0]["type"], "text");
        assert_eq!(created[0]["required"], true);
        assert_eq!(created[0]["isSystem"], false);
        assert_eq!(created[0]["status"], 1);
        assert_eq!(created[4]["searchable"], false);
        assert_eq!(created[5]["choices"][0], json!({"key": "vip", "value": "重要", "isDefault": true}));
        assert_eq!(created[7]["options"]["children"][0]["children"][0], json!({"key": "hz", "value": "杭州"}));

        let oa = Oa::default(&app).await;
        let listed = oa.post("/openapi/crm/config/field/list", &json!({"category": "custom"})).await;
        assert_eq!(listed.data(), &json!(created), "the control plane answers with the field list's VO");
        assert_eq!(app.get_json(FIELDS).await, json!(created));
    }

    async fn created_fields_are_validated_by_crm_add(app: TestApp) {
        for body in one_of_each_type() {
            assert_eq!(app.post_json(FIELDS, &body).await.status(), 201);
        }
        let oa = Oa::strict(&app).await;
        let record = oa.add(json!({
            "customerName": "Acme", "f_text": "x", "f_textarea": "long", "f_number": 12.5,
            "f_date": "2024-01-02", "f_datetime": "2024-01-02 03:04:05", "f_select": "重要",
            "f_multi": ["a", "b"], "f_cascade": ["zj", "hz"], "f_phone": "+86 571-1234",
            "f_email": "a@b.cn"
        })).await;
        assert_eq!(record["f_select"], "vip");
        assert_eq!(record["f_cascade"], json!(["zj", "hz"]));

        let missing = oa.post("/openapi/crm/add", &json!({"customerName": "B"})).await;
        missing.assert_refused(400, "openapi.field.required", &["f_text", "required"]);
        let bad = oa.post("/openapi/crm/add", &json!({"customerName": "B", "f_text": "x", "f_select": "gold"})).await;
        bad.assert_refused(400, "openapi.select.choice", &["f_select"]);
        let shallow = oa.post("/openapi/crm/add", &json!({"customerName": "B", "f_text": "x", "f_cascade": ["zj"]})).await;
        shallow.assert_refused(400, "openapi.value.type", &["f_cascade"]);
    }

    async fn patching_status_0_makes_a_field_unwritable_and_1_restores_it(app: TestApp) {
        let created = app.post_json(FIELDS, &json!({"name": "来源渠道", "type": "text"})).await;
        assert_eq!(created.status(), 201);
        let field = json_of(created).await["field"].as_str().unwrap().to_owned();
        let parts: Vec<&str> = field.split('_').collect();
        assert_eq!(parts.len(), 3, "{field} is in the seed's format");
        assert_eq!(parts[0], "text");
        assert_eq!(parts[1].len(), 4);
        assert_eq!(parts[2].len(), 13);

        let path = format!("{FIELDS}/{field}");
        let off = json_of(patch(&app, &path, &json!({"status": 0, "name": "渠道"})).await).await;
        assert_eq!(off["status"], 0);
        assert_eq!(off["name"], "渠道");
        assert_eq!(off["searchable"], true, "absent keys keep their value");

        let oa = Oa::strict(&app).await;
        let refused = oa.post("/openapi/crm/add", &json!({"customerName": "A", field.as_str(): "web"})).await;
        refused.assert_refused(400, "openapi.field.disabled", &[field.as_str(), "disabled"]);

        assert_eq!(patch(&app, &path, &json!({"status": 1})).await.status(), 200);
        let record = oa.add(json!({"customerName": "A", field.as_str(): "web"})).await;
        assert_eq!(record[field.as_str()], "web");
    }

    async fn unknown_accounts_and_fields_are_404s_naming_them(app: TestApp) {
        let body = json!({"name": "x", "type": "text"});
        let (status, message) = refusal(app.post_json("/_emulator/openapi/accounts/9999/fields", &body).await).await;
        assert_eq!(status, 404);
        assert!(message.contains("9999"), "{message}");
        assert_eq!(app.get("/_emulator/openapi/accounts/9999/fields").await.status(), 404);
        let (status, message) = refusal(patch(&app, &format!("{FIELDS}/nope"), &json!({"status": 0})).await).await;
        assert_eq!(status, 404);
        assert!(message.contains("nope"), "{message}");
        let (status, _) = refusal(patch(&app, "/_emulator/openapi/accounts/9999/fields/nope", &json!({})).await).await;
        assert_eq!(status, 404);
    }

    async fn bad_field_bodies_are_400s_naming_the_fault(app: TestApp) {
        let cases = [
            (json!({"type": "text"}), "missing field `name`"),
            (json!({"name": "x"}), "missing field `type`"),
            (json!({"name": "x", "type": "colour"}), "type"),
            (json!({"name": "x", "type": "text", "colour": 1}), "unknown field `colour`"),
            (json!({"name": " ", "type": "text"}), "name"),
            (json!({"name": "x", "type": "select"}), "choices"),
            (json!({"name": "x", "type": "select", "choices": [{"key": "a", "value": "A", "extra": 1}]}), "unknown field `extra`"),
            (json!({"name": "x", "type": "text", "choices": [{"key": "a", "value": "A"}]}), "choices"),
            (json!({"name": "x", "type": "cascade"}), "options"),
            (json!({"name": "x", "type": "cascade", "options": {"level": 1, "fillLevel": 2, "children": [{"key": "a", "value": "A"}]}}), "fillLevel"),
            (json!({"name": "x", "type": "text", "field": "customerName"}), "field"),
            (json!({"name": "x", "type": "text", "field": "9lives"}), "field"),
        ];
        for (body, needle) in cases {
            let (status, message) = refusal(app.post_json(FIELDS, &body).await).await;
            assert_eq!(status, 400, "{body}: {message}");
            assert!(message.contains(needle), "{needle:?} not in {message:?}");
        }
        assert_eq!(app.get_json(FIELDS).await, json!([]));

        assert_eq!(app.post_json(FIELDS, &json!({"field": "f1", "name": "x", "type": "text"})).await.status(), 201);
        let path = format!("{FIELDS}/f1");
        for (body, needle) in [
            (json!({"status": 2}), "status must be 1 (on), 0 (off) or -1 (deleted)"),
            (json!({"name": ""}), "name"),
            (json!({"type": "number"}), "unknown field `type`"),
            (json!({"required": "yes"}), "required"),
        ] {
            let (status, message) = refusal(patch(&app, &path, &body).await).await;
            assert_eq!(status, 400, "{body}: {message}");
            assert!(message.contains(needle), "{needle:?} not in {message:?}");
        }
    }

    async fn a_taken_field_id_is_409_naming_it(app: TestApp) {
        let body = json!({"field": "f1", "name": "x", "type": "text"});
        assert_eq!(app.post_json(FIELDS, &body).await.status(), 201);
        let (status, message) = refusal(app.post_json(FIELDS, &body).await).await;
        assert_eq!(status, 409);
        assert!(message.contains("f1"), "{message}");
        // Field ids are per account: another account may take the same one.
        let other = app.post_json("/_emulator/openapi/accounts", &json!({"appid": "2001", "secret": "s"})).await;
        assert_eq!(other.status(), 201);
        assert_eq!(app.post_json("/_emulator/openapi/accounts/2001/fields", &body).await.status(), 201);
    }

    async fn customer_source_choices_are_edited_like_a_custom_fields(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let body = json!({"customerName": "a", "customerSource": ["广告", "试用申请"]});
        oa.post("/openapi/crm/add", &body).await.assert_refused(400, "openapi.customer-source.choice", &["广告"]);
        let choices = json!([{"key": "ad", "value": "广告", "isDefault": false}, {"key": "试用申请", "value": "试用申请", "isDefault": true}]);
        let changed = patch(&app, &format!("{FIELDS}/customerSource"), &json!({"choices": choices})).await;
        assert_eq!(changed.status(), 200);
        let vo = json_of(changed).await;
        assert_eq!((vo["field"].clone(), vo["isSystem"].clone(), vo["type"].clone()), (json!("customerSource"), json!(true), json!("multiSelect")));
        assert_eq!(vo["choices"], choices);
        assert_eq!(oa.add(body).await["customerSource"], json!(["ad", "试用申请"]), "a choice's value is stored as its key");
        let listed = oa.post("/openapi/crm/config/field/list", &json!({"name": "客户来源"})).await;
        assert_eq!(listed.data()[0], vo, "the field list shows the account's choices");
        let exported = app.get_json("/_emulator/export").await;
        let account = exported["openapi"]["accounts"].as_array().unwrap().iter().find(|a| a["appid"] == "1090").unwrap().clone();
        assert_eq!(account["customerSources"], choices, "an export keeps them");

        let (status, message) = refusal(patch(&app, &format!("{FIELDS}/customerSource"), &json!({"name": "来源"})).await).await;
        assert_eq!((status, message.contains("only its `choices`")), (400, true), "{message}");
        let (status, message) = refusal(patch(&app, &format!("{FIELDS}/customerSource"), &json!({"choices": []})).await).await;
        assert_eq!((status, message.contains("non-empty `choices`")), (400, true), "{message}");
    }

    async fn a_select_fields_choices_can_be_replaced(app: TestApp) {
        for body in one_of_each_type() {
            assert_eq!(app.post_json(FIELDS, &body).await.status(), 201);
        }
        let choices = json!([{"key": "gold", "value": "金牌", "isDefault": false}]);
        let changed = patch(&app, &format!("{FIELDS}/f_select"), &json!({"choices": choices})).await;
        assert_eq!(changed.status(), 200);
        assert_eq!(json_of(changed).await["choices"], choices);
        let oa = Oa::strict(&app).await;
        let added = oa.add(json!({"customerName": "a", "f_text": "t", "f_select": "金牌"})).await;
        assert_eq!(added["f_select"], "gold");
        oa.post("/openapi/crm/add", &json!({"customerName": "b", "f_text": "t", "f_select": "vip"})).await
            .assert_refused(400, "openapi.select.choice", &["f_select"]);
        let (status, message) = refusal(patch(&app, &format!("{FIELDS}/f_text"), &json!({"choices": choices})).await).await;
        assert_eq!((status, message.contains("not text")), (400, true), "{message}");
    }
}
