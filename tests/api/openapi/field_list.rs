//! `POST /openapi/crm/config/field/list` (《CRM客户管理接口》 6;
//! `docs/openapi.md#field-configuration`): the system fields, custom fields as
//! CustomerFieldVO, and the filters.

use crm_emulator::store::openapi::{
    CascadeNode, CascadeOptions, Choice, CustomFieldUpdate, FieldType, NewCustomField,
};
use serde_json::{json, Value};

use super::*;
use crate::both_backends;

const PATH: &str = "/openapi/crm/config/field/list";

fn fields(reply: &Reply) -> Vec<String> {
    reply
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn with_custom_fields(oa: &Oa<'_>) {
    oa.custom_field(NewCustomField {
        field: Some("text_6ts9_1687316347239".into()),
        name: "详细地址".into(),
        field_type: Some(FieldType::Text),
        searchable: Some(false),
        ..Default::default()
    })
    .await;
    oa.custom_field(NewCustomField {
        field: Some("level".into()),
        name: "客户级别".into(),
        field_type: Some(FieldType::Select),
        required: true,
        choices: Some(vec![Choice {
            key: "vip".into(),
            value: "重要".into(),
            is_default: true,
        }]),
        ..Default::default()
    })
    .await;
    let options = CascadeOptions {
        level: 2,
        fill_level: 1,
        children: vec![CascadeNode {
            key: "zj".into(),
            value: "浙江".into(),
            children: vec![CascadeNode {
                key: "hz".into(),
                value: "杭州".into(),
                children: vec![],
            }],
        }],
    };
    oa.custom_field(NewCustomField {
        field: Some("region".into()),
        name: "地区".into(),
        field_type: Some(FieldType::Cascade),
        options: Some(options),
        ..Default::default()
    })
    .await;
}

const SYSTEM: [&str; 12] = [
    "customerName",
    "owner",
    "assignTime",
    "createMethod",
    "mobile",
    "email",
    "qq",
    "wechat",
    "customerSource",
    "visitorId",
    "createTime",
    "updateTime",
];

both_backends! {
    async fn a_new_account_lists_the_system_fields(app: TestApp) {
        let oa = Oa::default(&app).await;
        let reply = oa.post(PATH, &json!({})).await;
        assert_eq!(fields(&reply), SYSTEM);
        let name = &reply.data()[0];
        let keys: Vec<&str> = name.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["accountId", "glFieldId", "field", "name", "param", "type", "status", "searchable", "oplog", "choices", "options", "createTime", "updateTime", "createAgent", "updateAgent", "scenes", "sort", "isSystem", "required"]);
        assert_eq!(name["accountId"], "1090");
        assert_eq!((name["glFieldId"].clone(), name["param"].clone()), (json!("customerName"), json!("customerName")));
        assert_eq!((name["type"].clone(), name["status"].clone(), name["isSystem"].clone(), name["required"].clone()), (json!("text"), json!(1), json!(true), json!(true)));
        assert!(name["choices"].is_null() && name["options"].is_null() && name["scenes"].is_null());
        let source = &reply.data()[8];
        assert_eq!(source["type"], "multiSelect");
        assert!(source["choices"].as_array().unwrap().contains(&json!({"key": "试用申请", "value": "试用申请", "isDefault": false})), "{source}");
        let empty = send(&app, reqwest::Method::POST, PATH, &oa.headers(), None).await;
        assert_eq!(fields(&empty), SYSTEM, "no body lists everything too");
    }

    async fn custom_fields_follow_with_the_seed_shape(app: TestApp) {
        let oa = Oa::default(&app).await;
        with_custom_fields(&oa).await;
        let reply = oa.post(PATH, &json!({})).await;
        let all = reply.data().as_array().unwrap();
        assert_eq!(all.len(), 15);
        let text = &all[12];
        let created = text["createTime"].clone();
        assert_now(&app, &created);
        assert_eq!(text, &json!({ "accountId": "1090", "glFieldId": "text_6ts9_1687316347239", "field": "text_6ts9_1687316347239", "name": "详细地址", "param": "text_6ts9_1687316347239", "type": "text", "status": 1, "searchable": false, "oplog": false, "choices": null, "options": null, "createTime": created, "updateTime": created, "createAgent": "emulator", "updateAgent": "emulator", "scenes": null, "sort": 13, "isSystem": false, "required": false }));
        assert_eq!(all[13]["choices"], json!([{"key": "vip", "value": "重要", "isDefault": true}]));
        assert_eq!(all[13]["required"], true);
        assert_eq!(all[14]["options"], json!({"level": 2, "fillLevel": 1, "children": [{"key": "zj", "value": "浙江", "children": [{"key": "hz", "value": "杭州"}]}]}));
    }

    async fn filters_narrow_the_list(app: TestApp) {
        let oa = Oa::default(&app).await;
        with_custom_fields(&oa).await;
        let now = app.state.clock.now_ms();
        let off = CustomFieldUpdate { status: Some(0), ..Default::default() };
        app.state.store.openapi().update_custom_field(oa.account.id, "region", &off, now).await.unwrap();
        let custom = ["text_6ts9_1687316347239", "level", "region"];
        let cases: [(Value, Vec<&str>); 10] = [
            (json!({"category": "custom"}), custom.to_vec()),
            (json!({"category": ["system"]}), SYSTEM.to_vec()),
            (json!({"category": ["system", "custom"]}), [&SYSTEM[..], &custom[..]].concat()),
            (json!({"name": "地"}), vec!["text_6ts9_1687316347239", "region"]),
            (json!({"type": ["select", "cascade"]}), vec!["level", "region"]),
            (json!({"type": "datetime"}), vec!["assignTime", "createTime", "updateTime"]),
            (json!({"enabled": false}), vec!["region"]),
            (json!({"enabled": true, "category": "custom"}), vec!["text_6ts9_1687316347239", "level"]),
            (json!({"editable": false}), vec!["createTime", "updateTime"]),
            (json!({"editable": true, "type": ["text"], "category": "system"}), vec!["customerName", "owner", "createMethod", "qq", "wechat", "visitorId"]),
        ];
        for (filter, expected) in cases {
            assert_eq!(fields(&oa.post(PATH, &filter).await), expected, "{filter}");
        }
        let gone = CustomFieldUpdate { status: Some(-1), ..Default::default() };
        app.state.store.openapi().update_custom_field(oa.account.id, "level", &gone, now).await.unwrap();
        assert_eq!(fields(&oa.post(PATH, &json!({"category": "custom"})).await), ["text_6ts9_1687316347239", "region"], "deleted fields are not listed");
    }

    async fn bad_filters_are_400s_naming_them_for_a_strict_account(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let filter = "openapi.field-list.filter";
        oa.post(PATH, &json!({"category": "builtin"})).await.assert_refused(400, filter, &["`category`", "\"builtin\""]);
        oa.post(PATH, &json!({"type": ["string"]})).await.assert_refused(400, filter, &["`type` \"string\" is not a field type", "multiSelect"]);
        oa.post(PATH, &json!({"enabled": "yes"})).await.assert_refused(400, "openapi.body.shape", &["`enabled`"]);
        oa.post(PATH, &json!({"status": 1})).await
            .assert_refused(400, "openapi.request.unknown-key", &["unknown key `status`", "valid keys are name, category, type, enabled, editable"]);
    }
}
