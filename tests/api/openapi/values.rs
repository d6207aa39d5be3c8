//! Custom field values on add and update (`docs/openapi.md#custom-fields`): every type's
//! accepted and rejected values, `required`, disabled and deleted fields.

use crm_emulator::store::openapi::{
    CascadeNode, CascadeOptions, Choice, CustomFieldUpdate, FieldType, NewCustomField,
};
use serde_json::{json, Value};

use super::*;
use crate::both_backends;

/// One field of every type, ids `f_<type>`.
async fn every_type(oa: &Oa<'_>) {
    for t in FieldType::ALL {
        let id = format!("f_{}", t.as_str());
        let choices = matches!(t, FieldType::Select | FieldType::MultiSelect).then(|| {
            vec![
                Choice {
                    key: "k1".into(),
                    value: "一".into(),
                    is_default: true,
                },
                Choice {
                    key: "k2".into(),
                    value: "二".into(),
                    is_default: false,
                },
            ]
        });
        let options = (t == FieldType::Cascade).then(|| CascadeOptions {
            level: 2,
            fill_level: 2,
            children: vec![CascadeNode {
                key: "zj".into(),
                value: "浙江".into(),
                children: vec![CascadeNode {
                    key: "hz".into(),
                    value: "杭州".into(),
                    children: vec![],
                }],
            }],
        });
        oa.custom_field(NewCustomField {
            field: Some(id.clone()),
            name: id,
            field_type: Some(t),
            choices,
            options,
            ..Default::default()
        })
        .await;
    }
}

both_backends! {
    async fn every_type_accepts_its_values_and_stores_them_canonically(app: TestApp) {
        let oa = Oa::default(&app).await;
        every_type(&oa).await;
        let cases: [(&str, Value, Value); 14] = [
            ("f_text", json!("杭州市西湖区"), json!("杭州市西湖区")),
            ("f_textarea", json!("line 1\nline 2"), json!("line 1\nline 2")),
            ("f_number", json!(12.5), json!(12.5)),
            ("f_number", json!("42"), json!(42)),
            ("f_date", json!("2024-11-14"), json!("2024-11-14")),
            ("f_datetime", json!("2024-11-14 09:46:17"), json!("2024-11-14 09:46:17")),
            ("f_select", json!("k2"), json!("k2")),
            ("f_select", json!("一"), json!("k1")),
            ("f_multiSelect", json!(["二", "k1", "k2"]), json!(["k2", "k1"])),
            ("f_multiSelect", json!([]), json!([])),
            ("f_cascade", json!(["zj", "hz"]), json!(["zj", "hz"])),
            ("f_cascade", json!(["浙江", "杭州"]), json!(["zj", "hz"])),
            ("f_phone", json!("+86 138-0000-0000"), json!("+86 138-0000-0000")),
            ("f_email", json!("sales@example.com"), json!("sales@example.com")),
        ];
        for (field, given, stored) in cases {
            let record = oa.add(json!({"customerName": "x", field: given})).await;
            assert_eq!(record[field], stored, "{field} given {given}");
            let found = oa.get(&format!("/openapi/crm/{}", record["_id"].as_str().unwrap())).await;
            assert_eq!(found.data()[field], stored, "{field} as stored");
        }
    }

    async fn every_type_rejects_values_of_the_wrong_shape_naming_the_field(app: TestApp) {
        let oa = Oa::strict(&app).await;
        every_type(&oa).await;
        let (wrong, choice, format) = ("openapi.value.type", "openapi.select.choice", "openapi.value.format");
        let cases = [
            ("f_text", json!(5), "openapi.field.number", "must be a string, got the number 5"),
            ("f_textarea", json!({"a": 1}), wrong, "a string"),
            ("f_number", json!("twelve"), wrong, "a number"),
            ("f_number", json!([1]), wrong, "a number"),
            ("f_date", json!("2024/11/14"), wrong, "a date YYYY-MM-DD"),
            ("f_date", json!("2024-02-30"), wrong, "a date YYYY-MM-DD"),
            ("f_datetime", json!("2024-11-14T09:46:17"), "openapi.field.time-format", "the wire form is YYYY-MM-DD HH:MM:SS"),
            ("f_datetime", json!("2024-11-14T25:00:00"), wrong, "a time YYYY-MM-DD HH:MM:SS"),
            ("f_select", json!("k3"), choice, "is not one of the choices [k1=一, k2=二]"),
            ("f_select", json!(["k1"]), wrong, "one of the choices"),
            ("f_multiSelect", json!("k1"), "openapi.field.one-value", "must be a list, got the string \"k1\""),
            ("f_multiSelect", json!(7), wrong, "a list of choices"),
            ("f_multiSelect", json!(["k1", "k9"]), choice, "\"k9\" is not one of the choices"),
            ("f_cascade", json!(["zj"]), wrong, "a list of 2–2 option keys"),
            ("f_cascade", json!(["zj", "nb"]), wrong, "level 2 has no option \"nb\""),
            ("f_cascade", json!("zj"), wrong, "option keys"),
            ("f_phone", json!("call me"), format, "a phone number"),
            ("f_email", json!("not-an-email"), format, "an email address"),
        ];
        for (field, given, rule, needle) in cases {
            let reply = oa.post("/openapi/crm/add", &json!({"customerName": "x", field: given})).await;
            reply.assert_refused(400, rule, &[&format!("`{field}"), needle]);
        }
        assert_eq!(oa.list(json!({})).await["count"], 0, "nothing was stored");
    }

    async fn update_validates_custom_values_and_null_clears_them(app: TestApp) {
        let oa = Oa::default(&app).await;
        every_type(&oa).await;
        let record = oa.add(json!({"customerName": "x", "f_number": 1, "f_text": "t"})).await;
        let id = record["_id"].clone();
        let keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys[4..6], ["f_number", "f_text"], "custom values in the order they were set: {keys:?}");
        oa.post("/openapi/crm/update", &json!({"_id": id, "f_number": "x"})).await.assert_error(400, &["`f_number`", "a number"]);
        let updated = oa.post("/openapi/crm/update", &json!({"_id": id, "f_number": null, "f_select": "k1"})).await;
        assert!(updated.data().get("f_number").is_none(), "{}", updated.body);
        assert_eq!(updated.data()["f_select"], "k1");
        assert_eq!(oa.matching("f_number", "empty", json!([])).await, names(&["x"]));
    }

    async fn required_custom_fields_are_required_on_add_and_cannot_be_blanked(app: TestApp) {
        let oa = Oa::default(&app).await;
        oa.custom_field(NewCustomField { field: Some("industry".into()), name: "行业".into(), field_type: Some(FieldType::Text), required: true, ..Default::default() }).await;
        oa.post("/openapi/crm/add", &json!({"customerName": "x"})).await.assert_error(400, &["`industry` (行业) is required"]);
        oa.post("/openapi/crm/add", &json!({"customerName": "x", "industry": ""})).await.assert_error(400, &["`industry` (行业) is required"]);
        let record = oa.add(json!({"customerName": "x", "industry": "IT"})).await;
        oa.post("/openapi/crm/update", &json!({"_id": record["_id"], "industry": null})).await.assert_error(400, &["`industry` (行业) is required"]);
        let renamed = oa.post("/openapi/crm/update", &json!({"_id": record["_id"], "customerName": "y"})).await;
        assert_eq!(renamed.data()["industry"], "IT", "absent on update is fine");
    }

    async fn disabled_fields_cannot_be_written_and_deleted_ones_are_unknown(app: TestApp) {
        let oa = Oa::strict(&app).await;
        oa.field("off_field", FieldType::Text).await;
        oa.field("gone_field", FieldType::Text).await;
        let record = oa.add(json!({"customerName": "x", "off_field": "v"})).await;
        let store = &app.state.store;
        let now = app.state.clock.now_ms();
        let off = CustomFieldUpdate { status: Some(0), ..Default::default() };
        assert_eq!(store.openapi().update_custom_field(oa.account.id, "off_field", &off, now).await.unwrap().unwrap().status, 0);
        let gone = CustomFieldUpdate { status: Some(-1), ..Default::default() };
        store.openapi().update_custom_field(oa.account.id, "gone_field", &gone, now).await.unwrap().unwrap();
        let disabled = "openapi.field.disabled";
        oa.post("/openapi/crm/add", &json!({"customerName": "x", "off_field": "v"})).await.assert_refused(400, disabled, &["`off_field`", "is disabled (status 0)"]);
        oa.post("/openapi/crm/update", &json!({"_id": record["_id"], "off_field": "w"})).await.assert_refused(400, disabled, &["is disabled"]);
        let reply = oa.post("/openapi/crm/add", &json!({"customerName": "x", "gone_field": "v"})).await;
        reply.assert_refused(400, "openapi.record.unknown-key", &["unknown key `gone_field`"]);
        assert!(!reply.body["message"].as_str().unwrap().contains("off_field"), "disabled fields are not listed as valid");
        assert_eq!(oa.matching("off_field", "eq", json!(["v"])).await, names(&["x"]), "disabled values stay searchable");
        assert!(store.openapi().update_custom_field(oa.account.id, "nope", &off, now).await.unwrap().is_none());
    }

    async fn field_ids_are_generated_like_the_seed_and_unique_per_account(app: TestApp) {
        let oa = Oa::default(&app).await;
        let field = oa.custom_field(NewCustomField { name: "详细地址".into(), field_type: Some(FieldType::Text), ..Default::default() }).await;
        let parts: Vec<&str> = field.field.split('_').collect();
        assert_eq!((parts.len(), parts[0], parts[1].len(), parts[2].len()), (3, "text", 4, 13), "{}", field.field);
        assert_eq!(field.sort, 13, "after the twelve system fields");
        assert!(field.searchable);
        let again = NewCustomField { field: Some(field.field.clone()), name: "x".into(), field_type: Some(FieldType::Text), ..Default::default() };
        let clash = app.state.store.openapi().create_custom_field(oa.account.id, again.clone().validate().unwrap(), 0).await;
        assert!(matches!(clash, Err(crm_emulator::store::StoreError::Conflict(_))), "{clash:?}");
        let other = Oa::new_account(&app, "5001", &[]).await;
        assert_eq!(other.custom_field(again).await.sort, 13, "ids and sort are per account");
    }
}
