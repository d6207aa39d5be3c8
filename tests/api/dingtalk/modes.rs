//! Corp settings: lenient and strict employee directories (`docs/dingtalk.md#employees`)
//! and the optional per-corp, per-endpoint rate limit (`docs/dingtalk.md#rate-limits`).

use super::*;
use crate::both_backends;
use crm_emulator::store::tenants::Mode;

both_backends! {
    async fn a_lenient_corp_registers_unknown_employees_on_first_use(app: TestApp) {
        let dt = Dt::new(&app).await;
        let mut body = seed_create_body();
        body["userIds"] = json!(["wang"]);
        let created = dt.post("/crm/customer/create?user_id=newcomer", &body).await;
        assert_ok(&created);
        let id = created["customerid"].as_str().unwrap().to_owned();
        assert_ok(&dt.post("/crm/empcustomer/create", &json!({"customerId": id, "userId": "li", "create_by": "x"})).await);
        // Once strict, the employees registered above are known; others are not.
        set_default_corp(&app, Mode::Strict, None).await;
        for user in ["newcomer", "wang", "li"] {
            assert_ok(&dt.post(&format!("/crm/customer/update?user_id={user}"), &json!({"id": id})).await);
        }
        let refused = dt.post("/crm/customer/update?user_id=stranger", &json!({"id": id})).await;
        assert_err(&refused, 60121, "user_id stranger");
    }

    async fn a_strict_corp_refuses_unknown_employees_with_60121_naming_them(app: TestApp) {
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("ACME", "zhangsan").await;
        let contact = dt.customer(&id).await["contactList"][0]["contactid"].as_str().unwrap().to_owned();
        set_default_corp(&app, Mode::Strict, None).await;
        let mut create = seed_create_body();
        create["userIds"] = json!([]);
        assert_err(&dt.post("/crm/customer/create?user_id=ghost", &create).await, 60121, "user_id ghost");
        create["userIds"] = json!(["zhangsan", "phantom"]);
        assert_err(&dt.post("/crm/customer/create?user_id=zhangsan", &create).await, 60121, "userIds phantom");
        assert_err(&dt.post("/crm/customer/update?user_id=ghost", &json!({"id": id})).await, 60121, "user_id ghost");
        assert_err(&dt.post("/crm/customer/delete?user_id=ghost", &json!({"id[]": id})).await, 60121, "user_id ghost");
        assert_err(&dt.post("/crm/contact/create?user_id=ghost", &json!({"customerid": id, "name": "n"})).await, 60121, "user_id ghost");
        let update = json!({"contactid": contact, "name": "n", "mobile": "m", "attached": "a", "modified_by": "x"});
        assert_err(&dt.post("/crm/contact/update?user_id=ghost", &update).await, 60121, "user_id ghost");
        assert_err(&dt.post("/crm/contact/delete?user_id=ghost", &json!({"contactid[]": contact})).await, 60121, "user_id ghost");
        assert_err(&dt.post("/crm/empcustomer/create", &json!({"customerId": id, "userId": "ghost", "create_by": "x"})).await, 60121, "userId ghost");
        assert_err(&dt.post("/crm/empcustomer/delete", &json!({"customerId": id, "userId": "ghost", "modified_by": "x"})).await, 60121, "userId ghost");
        // Nothing above changed anything.
        let list = dt.get("/crm/customer/list").await;
        assert_eq!(list["customerlist"].as_array().unwrap().len(), 1);
        let got = dt.customer(&id).await;
        assert_eq!(got["contactList"].as_array().unwrap().len(), 1);
        assert_eq!(got["userIds"], json!(["zhangsan"]));
        // A known employee still works.
        assert_ok(&dt.post("/crm/customer/update?user_id=zhangsan", &json!({"id": id, "name": "Known"})).await);
    }

    async fn a_failed_write_in_a_lenient_corp_registers_nobody(app: TestApp) {
        let dt = Dt::new(&app).await;
        let unknown = json!({"customerid": "100000000000000001", "name": "n"});
        assert_err(&dt.post("/crm/contact/create?user_id=drifter", &unknown).await, 40035, "customerid");
        let id = dt.create_customer("ACME", "zhangsan").await;
        set_default_corp(&app, Mode::Strict, None).await;
        let refused = dt.post("/crm/customer/update?user_id=drifter", &json!({"id": id})).await;
        assert_err(&refused, 60121, "user_id drifter");
    }

    async fn past_the_rate_limit_a_corp_gets_45009_per_endpoint_per_minute(app: TestApp) {
        let dt = Dt::new(&app).await;
        set_default_corp(&app, Mode::Lenient, Some(3)).await;
        // Line the clock up with the start of a window so the test cannot straddle two.
        let now = app.state.clock.now_ms();
        app.state.clock.advance((60_000 - now.rem_euclid(60_000)) / 1000 + 1).await.expect("move the clock").expect("within range");
        for _ in 0..3 {
            assert_ok(&dt.get("/crm/customer/list").await);
        }
        let limited = dt.get("/crm/customer/list").await;
        assert_err(&limited, 45009, "/crm/customer/list allows 3 calls per minute");
        assert_ok(&dt.get("/crm/customer/get").await);
        let other = other_corp(&app, "otherco").await;
        let other_dt = Dt::of(&app, &other.corpid, SECRET).await;
        assert_ok(&other_dt.get("/crm/customer/list").await);
        app.state.clock.advance(60).await.expect("move the clock").expect("within range");
        assert_ok(&dt.get("/crm/customer/list").await);
    }

    async fn without_a_rate_limit_calls_are_never_counted_out(app: TestApp) {
        let dt = Dt::new(&app).await;
        for _ in 0..30 {
            assert_ok(&dt.get("/crm/customer/list").await);
        }
    }
}
