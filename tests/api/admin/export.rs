//! `GET /_emulator/export`, `POST /_emulator/import` and `--seed`
//! (`docs/control-plane.md#export-and-import`).

use serde_json::{json, Value};

use crate::both_backends;
use crate::dingtalk::{assert_ok, Dt, SECRET};
use crate::helpers::*;
use crate::openapi::{names, Oa};

async fn export(app: &TestApp) -> Value {
    let response = app.get("/_emulator/export").await;
    assert_eq!(response.status(), 200);
    json_of(response).await
}

async fn import(app: &TestApp, doc: &Value) -> (u16, Value) {
    let response = app.post_json("/_emulator/import", doc).await;
    let status = response.status().as_u16();
    (status, json_of(response).await)
}

async fn created(app: &TestApp, path: &str, body: Value) {
    let response = app.post_json(path, &body).await;
    assert_eq!(
        response.status(),
        201,
        "POST {path}: {}",
        json_of(response).await
    );
}

/// Every kind of record, made through the APIs.
async fn populate(app: &TestApp) {
    let dt = Dt::new(app).await;
    let customer = dt.create_customer("ACME", "zhangsan").await;
    let follow = json!({"customerId": customer, "userId": "lisi", "create_by": "x"});
    assert_ok(&dt.post("/crm/empcustomer/create", &follow).await);
    let contact = json!({"customerid": customer, "name": "王五", "mobile": "139", "attached": "a", "create_by": "x"});
    assert_ok(
        &dt.post("/crm/contact/create?user_id=zhangsan", &contact)
            .await,
    );
    let update = json!({"id": customer, "telephone": "110", "modified_by": "m"});
    assert_ok(
        &dt.post("/crm/customer/update?user_id=zhangsan", &update)
            .await,
    );

    let corp = json!({"corpid": "strict", "corpsecret": SECRET, "appkey": "k", "appsecret": "s",
                      "mode": "strict", "rateLimitPerMinute": 600});
    created(app, "/_emulator/dingtalk/corps", corp).await;
    let employee = json!({"userid": "emp1", "name": "员工一"});
    created(app, "/_emulator/dingtalk/corps/strict/employees", employee).await;
    Dt::of(app, "strict", SECRET)
        .await
        .create_customer("Strict's", "emp1")
        .await;

    created(
        app,
        "/_emulator/openapi/accounts",
        json!({"appid": "2001", "secret": "s2", "openSeaIds": ["sea-1"]}),
    )
    .await;
    let fields = [
        json!({"field": "f_number", "name": "金额", "type": "number"}),
        json!({"field": "f_date", "name": "生日", "type": "date"}),
        json!({"field": "f_select", "name": "级别", "type": "select",
               "choices": [{"key": "vip", "value": "重要", "isDefault": true}, {"key": "std", "value": "普通"}]}),
        json!({"field": "f_multi", "name": "标签", "type": "multiSelect",
               "choices": [{"key": "a", "value": "甲"}, {"key": "b", "value": "乙"}]}),
        json!({"field": "f_text", "name": "备注", "type": "text", "required": false}),
    ];
    for field in fields {
        created(app, "/_emulator/openapi/accounts/1090/fields", field).await;
    }
    let oa = Oa::default(app).await;
    oa.add(json!({"customerName": "Owned", "owner": "emp-7", "mobile": [{"value": "13800000000", "memo": "work"}],
                  "email": [{"value": "a@b.cn"}], "customerSource": ["官网注册"], "f_number": 12.5,
                  "f_date": "2024-01-02", "f_select": "重要", "f_multi": ["a", "b"], "f_text": "hello"})).await;
    Oa::new_account(app, "2002", &["sea-9"]).await;
    let other = Oa {
        app,
        account: app
            .state
            .store
            .openapi()
            .account_by_appid("2001")
            .await
            .unwrap()
            .unwrap(),
        secret: "s2".into(),
    };
    other
        .add(json!({"customerName": "Pooled", "owner": "sea-1", "qq": [{"value": "10001"}]}))
        .await;
}

both_backends! {
    async fn an_export_imported_into_a_fresh_emulator_exports_identically(backend: Backend) {
        let source = TestApp::spawn(backend).await;
        populate(&source).await;
        let exported = export(&source).await;
        assert_eq!(exported["version"], 1);
        assert_eq!(exported["dingtalk"]["corps"].as_array().unwrap().len(), 2);
        assert_eq!(exported["openapi"]["accounts"][0]["secret"], "emulator-secret", "exports carry secrets");

        let target = TestApp::spawn(backend).await;
        let (status, body) = import(&target, &exported).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(export(&target).await, exported);

        let oa = Oa::default(&target).await;
        assert_eq!(oa.matching("mobile", "eq", json!(["13800000000"])).await, names(&["Owned"]));
        assert_eq!(oa.matching("f_select", "eq", json!(["vip"])).await, names(&["Owned"]));
        assert_eq!(oa.matching("f_number", "gt", json!([10])).await, names(&["Owned"]));
        let dt = Dt::of(&target, "strict", SECRET).await;
        let listed = dt.get("/crm/customer/list?offset=0&size=10").await;
        assert_eq!(listed["errcode"], 0, "{listed}");
    }

    async fn a_bad_document_is_a_400_naming_the_path_and_changes_nothing(app: TestApp) {
        populate(&app).await;
        let before = export(&app).await;
        let mut missing = before.clone();
        missing["dingtalk"]["corps"][0]["customers"][0].as_object_mut().unwrap().remove("name");
        let mut stranger = before.clone();
        stranger["dingtalk"]["corps"][0]["customers"][0]["followers"][0]["userid"] = json!("nobody");
        let mut unknown_field = before.clone();
        unknown_field["openapi"]["accounts"][0]["customers"][0]["custom"]["f_nope"] = json!("x");
        let mut duplicate = before.clone();
        let corp = duplicate["dingtalk"]["corps"][0].clone();
        duplicate["dingtalk"]["corps"].as_array_mut().unwrap().push(corp);
        for (doc, needle) in [
            (missing, "dingtalk.corps[0].customers[0]: missing field `name`"),
            (stranger, "dingtalk.corps[0].customers[0].followers[0].userid: \"nobody\" is not an employee"),
            (unknown_field, "openapi.accounts[0].customers[0].custom.f_nope: unknown custom field"),
            (duplicate, "dingtalk.corps[2].corpid: duplicate corpid"),
            (json!({"version": 1, "extra": true}), "unknown field `extra`"),
        ] {
            let (status, body) = import(&app, &doc).await;
            assert_eq!(status, 400, "{body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(needle), "expected {needle:?} in {message:?}");
        }
        assert_eq!(export(&app).await, before);
    }

    async fn an_import_may_exceed_the_request_body_limit(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.max_body_bytes = 2_000).await;
        let customers: Vec<Value> = (0..100).map(|i| json!({"name": format!("customer {i}")})).collect();
        let doc = json!({"dingtalk": {"corps": [{"corpid": "big", "corpsecret": "s", "customers": customers}]}});
        assert!(doc.to_string().len() > 2_000);
        let (status, body) = import(&app, &doc).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["imported"]["dingtalkCustomers"], 100);
        let big = app.post_json("/_emulator/reset", &json!({"corpid": "x".repeat(3_000)})).await;
        assert_eq!(big.status(), 413, "other control-plane calls keep the limit");
    }

    async fn a_seed_file_is_loaded_into_an_empty_database(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.json");
        let seed = json!({
            "dingtalk": {"corps": [{"corpid": "seeded", "corpsecret": "s",
                "employees": [{"userid": "u1"}],
                "customers": [{"name": "Seeded Co", "contacts": [{"name": "C"}], "followers": [{"userid": "u1"}]}]}]},
            "openapi": {"accounts": [{"appid": "3001", "secret": "s3",
                "fields": [{"field": "f_level", "name": "级别", "type": "text"}],
                "customers": [{"customerName": "Seeded", "mobile": [{"value": "13900000000"}], "custom": {"f_level": "A"}}]}]}
        });
        std::fs::write(&path, seed.to_string()).unwrap();
        let app = TestApp::spawn_with(backend, |c| c.seed = Some(path.clone())).await;
        let dt = Dt::of(&app, "seeded", "s").await;
        let listed = dt.get("/crm/customer/list?offset=0&size=10").await;
        assert_eq!(listed["errcode"], 0, "{listed}");
        let exported = export(&app).await;
        let customer = &exported["dingtalk"]["corps"][0]["customers"][0];
        assert_eq!(customer["name"], "Seeded Co");
        assert_eq!(customer["followers"][0]["userid"], "u1");
        let oa = Oa { app: &app, account: app.state.store.openapi().account_by_appid("3001").await.unwrap().unwrap(), secret: "s3".into() };
        assert_eq!(oa.matching("mobile", "eq", json!(["13900000000"])).await, names(&["Seeded"]));
        assert_eq!(oa.matching("f_level", "eq", json!(["A"])).await, names(&["Seeded"]));

        // A restart on the same database skips the seed: the data stays as it is.
        let database = app.stop().await;
        let app = TestApp::spawn_on(database, backend, |c| c.seed = Some(path.clone())).await;
        assert_eq!(export(&app).await, exported);
    }

    async fn a_bad_seed_file_stops_start_up_naming_the_file_and_the_path(backend: Backend) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad-seed.json");
        std::fs::write(&path, r#"{"dingtalk": {"corps": [{"corpid": "x"}]}}"#).unwrap();
        let database = TestDatabase::create(backend).await.unwrap();
        let mut config = crm_emulator::Config::for_tests(database.url());
        config.seed = Some(path.clone());
        let listener = tokio::net::TcpListener::bind(config.bind).await.unwrap();
        let error = match crm_emulator::App::build(config, listener).await {
            Ok(_) => panic!("a bad seed must stop start-up"),
            Err(e) => e.to_string(),
        };
        assert!(error.contains(&path.display().to_string()), "{error}");
        assert!(error.contains("dingtalk.corps[0]"), "{error}");
        assert!(error.contains("corpsecret"), "{error}");
        assert!(!error.contains('\n'), "{error}");

        // The failed start left the database uninitialised: the fixed seed still loads.
        std::fs::write(&path, r#"{"dingtalk": {"corps": [{"corpid": "x", "corpsecret": "s"}]}}"#).unwrap();
        let app = TestApp::spawn_on(database, backend, |c| c.seed = Some(path.clone())).await;
        let corps = app.get_json("/_emulator/dingtalk/corps").await;
        assert_eq!(corps.as_array().unwrap().len(), 1, "{corps}");
        assert_eq!(corps[0]["corpid"], "x");
    }
}
