//! `POST /_emulator/reset` (`docs/control-plane.md#reset`): one tenant's data, or everything.

use serde_json::{json, Value};

use crate::both_backends;
use crate::dingtalk::{assert_err, other_corp, Dt, SECRET};
use crate::helpers::*;
use crate::openapi::Oa;

async fn reset(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app.post_json("/_emulator/reset", body).await;
    let status = response.status().as_u16();
    (status, json_of(response).await)
}

fn ids(listed: &Value, key: &str) -> Vec<String> {
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[key].as_str().unwrap().to_owned())
        .collect()
}

/// How many customers the account's list counts.
async fn count(oa: &Oa<'_>) -> i64 {
    oa.list(json!({})).await["count"].as_i64().unwrap()
}

both_backends! {
    async fn a_corp_reset_keeps_credentials_and_employees_and_deletes_only_its_customers(app: TestApp) {
        other_corp(&app, "acme").await;
        let acme = Dt::of(&app, "acme", SECRET).await;
        let gone = acme.create_customer("Gone", "u1").await;
        let default = Dt::new(&app).await;
        let kept = default.create_customer("Kept", "u2").await;

        let (status, body) = reset(&app, &json!({"corpid": "acme"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({"reset": "corp", "corpid": "acme", "deleted": {"customers": 1}}));

        let stale = acme.get(&format!("/crm/customer/get?id={gone}")).await;
        assert_eq!(stale["errcode"], 40014, "the corp's tokens are gone too: {stale}");
        let acme = Dt::of(&app, "acme", SECRET).await;
        assert_err(&acme.get(&format!("/crm/customer/get?id={gone}")).await, 40035, &gone);
        let employees = app.get_json("/_emulator/dingtalk/corps/acme/employees").await;
        assert_eq!(ids(&employees, "userid"), ["u1"]);
        default.customer(&kept).await;
    }

    async fn an_account_reset_deletes_its_customers_and_keeps_its_custom_fields(app: TestApp) {
        let other = Oa::new_account(&app, "2001", &["sea-1"]).await;
        let field = json!({"field": "f_level", "name": "级别", "type": "text"});
        assert_eq!(app.post_json("/_emulator/openapi/accounts/2001/fields", &field).await.status(), 201);
        other.add(json!({"customerName": "Gone", "f_level": "A", "mobile": [{"value": "13800000000"}]})).await;
        other.add(json!({"customerName": "Gone too", "owner": "sea-1"})).await;
        let default = Oa::default(&app).await;
        default.add(json!({"customerName": "Kept"})).await;

        let (status, body) = reset(&app, &json!({"appid": "2001"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({"reset": "account", "appid": "2001", "deleted": {"customers": 2}}));

        assert_eq!(count(&other).await, 0);
        assert_eq!(other.matching("mobile", "eq", json!(["13800000000"])).await, Vec::<String>::new());
        let fields = app.get_json("/_emulator/openapi/accounts/2001/fields").await;
        assert_eq!(ids(&fields, "field"), ["f_level"]);
        let account = app.get_json("/_emulator/openapi/accounts/2001").await;
        assert_eq!(account["openSeaIds"], json!(["sea-1"]));
        other.add(json!({"customerName": "New", "f_level": "B"})).await;
        assert_eq!(count(&default).await, 1);
    }

    async fn a_full_reset_leaves_only_the_empty_well_known_defaults(app: TestApp) {
        other_corp(&app, "acme").await;
        Dt::of(&app, "acme", SECRET).await.create_customer("Acme's", "u1").await;
        let old = Dt::new(&app).await.create_customer("Default's", "u2").await;
        let extra = Oa::new_account(&app, "2001", &[]).await;
        extra.add(json!({"customerName": "Extra's"})).await;
        Oa::default(&app).await.add(json!({"customerName": "Default's"})).await;
        let field = json!({"field": "f1", "name": "x", "type": "text"});
        assert_eq!(app.post_json("/_emulator/openapi/accounts/1090/fields", &field).await.status(), 201);

        let (status, body) = reset(&app, &json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["reset"], "all");
        assert_eq!(body["deleted"], json!({"corps": 2, "accounts": 2}));

        assert_eq!(ids(&app.get_json("/_emulator/dingtalk/corps").await, "corpid"), ["dingemulator"]);
        assert_eq!(ids(&app.get_json("/_emulator/openapi/accounts").await, "appid"), ["1090"]);
        let default = Dt::new(&app).await;
        assert_err(&default.get(&format!("/crm/customer/get?id={old}")).await, 40035, &old);
        let employees = app.get_json("/_emulator/dingtalk/corps/dingemulator/employees").await;
        assert_eq!(employees, json!([]));
        let corp = app.get_json("/_emulator/dingtalk/corps/dingemulator").await;
        assert_eq!(corp["appkey"], "dingemulatorkey");
        assert_eq!(corp["mode"], "lenient");

        let oa = Oa::default(&app).await;
        assert_eq!(count(&oa).await, 0);
        assert_eq!(app.get_json("/_emulator/openapi/accounts/1090/fields").await, json!([]));
        let now = app.state.clock.now_ms();
        assert!(
            !app.state.store.ensure_default_tenants(now, app.state.config.default_mode).await.unwrap(),
            "the first-start marker is set again, so a restart creates nothing"
        );
    }

    async fn reset_refusals_name_the_fault(app: TestApp) {
        for (body, code, needle) in [
            (json!({"corpid": "nope"}), 404, "nope"),
            (json!({"appid": "9999"}), 404, "9999"),
            (json!({"corpid": "dingemulator", "appid": "1090"}), 400, "not both"),
            (json!({"tenant": "x"}), 400, "unknown field `tenant`"),
            (json!({"corpid": 5}), 400, "corpid"),
        ] {
            let (status, answer) = reset(&app, &body).await;
            assert_eq!(status, code, "{body}: {answer}");
            let message = answer["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(needle), "{needle:?} not in {message:?}");
        }
        let empty = app.client.post(app.url("/_emulator/reset")).send().await.unwrap();
        assert_eq!(empty.status(), 400, "an empty POST wipes nothing");
        assert_eq!(app.get_json("/_emulator/dingtalk/corps").await.as_array().unwrap().len(), 1);
    }
}
