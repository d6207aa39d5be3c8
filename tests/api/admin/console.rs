//! The web console's files (`docs/control-plane.md#console`) and the control-plane reads
//! it shows tenants' data with. The console itself is driven in a real browser by
//! `tests/browser/console.py` (run by `.ci/run`).

use serde_json::json;

use crate::both_backends;
use crate::dingtalk::Dt;
use crate::helpers::*;
use crate::openapi::Oa;

both_backends! {
    async fn the_console_is_served_from_the_binary_and_fetches_nothing_elsewhere(app: TestApp) {
        let redirect = app.client.get(app.url("/_emulator/ui")).send().await.unwrap();
        assert_eq!(redirect.status(), 200, "followed to the page");
        assert!(redirect.url().path().ends_with("/_emulator/ui/"));
        for (path, content_type) in [("", "text/html"), ("app.js", "text/javascript"), ("app.css", "text/css")] {
            let response = app.get(&format!("/_emulator/ui/{path}")).await;
            assert_eq!(response.status(), 200, "{path}");
            let headers = response.headers().clone();
            assert!(headers["content-type"].to_str().unwrap().starts_with(content_type), "{path}");
            assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
            let body = response.text().await.unwrap();
            assert!(!body.contains("http://") && !body.contains("https://") && !body.contains("//cdn"), "{path} names another host");
        }
        // Every module a served script imports is served too.
        let mut modules = vec!["app.js".to_owned()];
        let mut seen = std::collections::HashSet::new();
        while let Some(module) = modules.pop() {
            if !seen.insert(module.clone()) {
                continue;
            }
            let response = app.get(&format!("/_emulator/ui/{module}")).await;
            assert_eq!(response.status(), 200, "{module} is imported and not served");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"), "{module}");
            let body = response.text().await.unwrap();
            assert!(!body.contains("http://") && !body.contains("https://"), "{module} names another host");
            for (_, rest) in body.match_indices(" from './").map(|(i, _)| ((), &body[i + 9..])) {
                modules.push(rest[..rest.find('\'').unwrap()].to_owned());
            }
        }
        assert!(seen.len() > 5, "the modules: {seen:?}");
        let missing = app.get("/_emulator/ui/nope.js").await;
        assert_eq!(missing.status(), 404);
        assert_eq!(json_of(missing).await["error"]["status"], 404);
    }

    async fn with_an_admin_token_the_page_is_open_and_the_data_is_not(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.admin_token = Some("t0k".parse().unwrap())).await;
        assert_eq!(app.get("/_emulator/ui/").await.status(), 200, "the page holds no data");
        let data = app.get("/_emulator/dingtalk/corps/dingemulator/customers").await;
        assert_eq!(data.status(), 401);
        let with_token = app.client.get(app.url("/_emulator/dingtalk/corps/dingemulator/customers"))
            .bearer_auth("t0k").send().await.unwrap();
        assert_eq!(with_token.status(), 200);
    }

    async fn a_corps_customers_are_searched_by_name_or_telephone_newest_first(app: TestApp) {
        let dt = Dt::new(&app).await;
        let first = dt.create_customer("杭州某某科技", "zhangsan").await;
        let second = dt.create_customer("上海另一家", "zhangsan").await;
        let all = app.get_json("/_emulator/dingtalk/corps/dingemulator/customers").await;
        assert_eq!(all["total"], 2);
        assert_eq!(all["customers"][0]["id"], second.as_str(), "newest first");
        let found = app.get_json("/_emulator/dingtalk/corps/dingemulator/customers?q=%E6%9D%AD%E5%B7%9E").await;
        assert_eq!((found["total"].clone(), found["customers"][0]["id"].clone()), (json!(1), json!(first)));
        let page = app.get_json("/_emulator/dingtalk/corps/dingemulator/customers?offset=1&limit=1").await;
        assert_eq!((page["total"].clone(), page["customers"][0]["id"].clone()), (json!(2), json!(first)));
        let detail = app.get_json(&format!("/_emulator/dingtalk/corps/dingemulator/customers/{first}")).await;
        assert_eq!(detail["customer"]["name"], "杭州某某科技");
        assert_eq!(detail["contactList"][0]["name"], "姓名");
        assert_eq!(detail["userIds"], json!(["zhangsan"]));
        let bad = app.get("/_emulator/dingtalk/corps/dingemulator/customers?limit=0").await;
        assert_eq!(bad.status(), 400);
        assert!(json_of(bad).await["error"]["message"].as_str().unwrap().contains("limit"));
        crate::dingtalk::other_corp(&app, "otherco").await;
        let foreign = app.get(&format!("/_emulator/dingtalk/corps/otherco/customers/{first}")).await;
        assert_eq!(foreign.status(), 404, "another corp's id is unknown");
        assert_eq!(app.get("/_emulator/dingtalk/corps/nope/customers").await.status(), 404);
    }

    async fn an_accounts_customers_are_searched_by_name_newest_first(app: TestApp) {
        let oa = Oa::default(&app).await;
        let first = oa.add(json!({"customerName": "杭州某某科技"})).await;
        let second = oa.add(json!({"customerName": "上海另一家"})).await;
        let all = app.get_json("/_emulator/openapi/accounts/1090/customers").await;
        assert_eq!(all["count"], 2);
        assert_eq!(all["list"][0], second, "the record as the API answers it, newest first");
        let found = app.get_json("/_emulator/openapi/accounts/1090/customers?q=%E6%9D%AD%E5%B7%9E").await;
        assert_eq!(found["list"], json!([first]));
        assert_eq!(app.get("/_emulator/openapi/accounts/nope/customers").await.status(), 404);
    }
}
