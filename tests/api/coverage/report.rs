//! The report after a known mix of calls on fresh tenants: counts, missing outcomes and
//! summary, exactly; the tenant each answer is counted for; the catalogue of every route.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use super::*;
use crate::both_backends;

/// The outcomes of an entry, counted or missing: its whole catalogue and beyond.
fn all_outcomes(entry: &Value) -> BTreeSet<String> {
    let counted = counted(entry).into_iter().map(|(o, ..)| o);
    counted.chain(missing(entry)).collect()
}

/// The summary's outcomes must be the sum of the entries' (no pattern is met twice in
/// these tests), and its operations those with an `ok`.
fn assert_summary_adds_up(report: &Value) {
    let entries = report["operations"].as_array().expect("operations");
    let tenants = entries.iter().filter(|e| !e["tenant"].is_null());
    let (mut ops, mut covered_ops, mut outcomes, mut covered) = (0, 0, 0, 0);
    for entry in tenants {
        ops += 1;
        let counted = counted(entry);
        if counted.iter().any(|(o, ..)| o == "ok") {
            covered_ops += 1;
        }
        covered += counted.len();
        outcomes += counted.len() + missing(entry).len();
    }
    let summary = &report["summary"];
    assert_eq!(
        summary["operations"],
        json!({"covered": covered_ops, "total": ops})
    );
    assert_eq!(
        summary["outcomes"],
        json!({"covered": covered, "total": outcomes})
    );
}

both_backends! {
    async fn a_known_mix_of_dingtalk_calls_is_counted_exactly(app: TestApp) {
        corp(&app, "covcorp", "lenient", None).await;
        let token = token(&app, "covcorp").await;
        let _ = super::token(&app, "covcorp").await;
        let wrong = app.get_json("/gettoken?corpid=covcorp&corpsecret=wrong").await;
        assert_eq!(wrong["errcode"], 40089);
        let list = app.get_json(&format!("/crm/customer/list?access_token={token}")).await;
        assert_eq!(list["errcode"], 0);
        let get = format!("/crm/customer/get?access_token={token}&id=123");
        assert_eq!(app.get_json(&get).await["errcode"], 40035);
        let unknown = app.get_json("/crm/customer/list?access_token=nope").await;
        assert_eq!(unknown["errcode"], 40014);
        // The control plane is not counted.
        assert_eq!(app.get("/_emulator/rules").await.status(), 200);

        let report = report(&app, "?api=dingtalk&tenant=covcorp").await;
        let entries = report["operations"].as_array().unwrap();
        assert_eq!(entries.len(), 11, "every DingTalk operation, called or not");
        assert!(entries.iter().all(|e| e["api"] == "dingtalk" && e["tenant"] == "covcorp"));
        let gettoken = entry(&report, Some("covcorp"), "GET /gettoken");
        assert_eq!(gettoken["calls"], 3);
        assert_eq!(
            counted(gettoken),
            [("ok".to_owned(), 2, 0), ("errcode 40089".to_owned(), 1, 0)]
        );
        assert_eq!(
            missing(gettoken),
            sorted(&["errcode 41002", "errcode 41004", "errcode 40035", "errcode -1"])
        );
        let list = entry(&report, Some("covcorp"), "GET /crm/customer/list");
        assert_eq!((list["calls"].clone(), counted(list)), (json!(1), vec![("ok".to_owned(), 1, 0)]));
        assert_eq!(
            missing(list),
            sorted(&["errcode 41001", "errcode 40014", "errcode 42001", "errcode 40035", "errcode -1"])
        );
        let get = entry(&report, Some("covcorp"), "GET /crm/customer/get");
        assert_eq!(counted(get), [("errcode 40035".to_owned(), 1, 0)]);
        assert_eq!(
            missing(get),
            sorted(&["ok", "errcode 41001", "errcode 40014", "errcode 42001", "errcode -1"])
        );
        let create = entry(&report, Some("covcorp"), "POST /crm/customer/create");
        assert_eq!((create["calls"].clone(), counted(create)), (json!(0), vec![]));
        assert_eq!(
            missing(create),
            sorted(&[
                "ok", "errcode 41001", "errcode 40014", "errcode 42001", "errcode 40035",
                "errcode 41009", "errcode 43004", "errcode 44002", "errcode 47001",
                "errcode 41101", "errcode -1",
            ]),
            "a lenient corp's catalogue has no guess of the emulator's (60121) and no rate limit"
        );
        assert_eq!(report["summary"]["operations"], json!({"covered": 2, "total": 11}));
        assert_eq!(report["summary"]["outcomes"]["covered"], 4);
        assert_summary_adds_up(&report);
        assert!(report["since"].as_str().unwrap().len() == 19, "{}", report["since"]);

        // Without a tenant: every tenant seen, and the calls of none in an entry of
        // their own, left out of the summary.
        let all = super::report(&app, "?api=dingtalk").await;
        let nobody = entry(&all, None, "GET /crm/customer/list");
        assert_eq!(counted(nobody), [("errcode 40014".to_owned(), 1, 0)]);
        assert_eq!(missing(nobody), Vec::<String>::new());
        let tenants: BTreeSet<&str> = all["operations"].as_array().unwrap().iter()
            .filter_map(|e| e["tenant"].as_str()).collect();
        assert_eq!(tenants, BTreeSet::from(["covcorp"]));
        assert_eq!(all["summary"], report["summary"]);
    }

    async fn the_catalogue_follows_the_tenants_mode_and_rate_limit(app: TestApp) {
        corp(&app, "covstrict", "strict", None).await;
        corp(&app, "covlimit", "lenient", Some(100)).await;
        let _ = token(&app, "covstrict").await;
        let _ = token(&app, "covlimit").await;
        let report = report(&app, "?api=dingtalk").await;
        let strict = all_outcomes(entry(&report, Some("covstrict"), "POST /crm/customer/create"));
        assert!(strict.contains("errcode 60121"), "{strict:?}");
        assert!(!strict.contains("errcode 45009"), "{strict:?}");
        let limited = all_outcomes(entry(&report, Some("covlimit"), "POST /crm/customer/create"));
        assert!(limited.contains("errcode 45009"), "{limited:?}");
        assert!(!limited.contains("errcode 60121"), "{limited:?}");
        let get = all_outcomes(entry(&report, Some("covstrict"), "GET /crm/customer/get"));
        assert!(!get.contains("errcode 41101"), "no head rule (*.uri.size, …): {get:?}");
    }

    async fn openapi_and_v1_answers_are_counted_for_the_tenant_they_name(app: TestApp) {
        account(&app, "covacct").await;
        assert_eq!(signed(&app, "covacct", Method::POST, "/openapi/crm/list", json!({})).await, 200);
        assert_eq!(badly_signed(&app, "covacct", "/openapi/crm/list").await, 401);
        assert_eq!(badly_signed(&app, "nobody", "/openapi/crm/list").await, 401);
        let report = report(&app, "?api=openapi").await;
        let list = entry(&report, Some("covacct"), "POST /openapi/crm/list");
        assert_eq!(
            counted(list),
            [("ok".to_owned(), 1, 0), ("status 401".to_owned(), 1, 0)],
            "a signature that fails is counted for the account of its appid"
        );
        assert_eq!(missing(list), sorted(&["status 400", "status 500"]));
        let nobody = entry(&report, None, "POST /openapi/crm/list");
        assert_eq!(counted(nobody), [("status 401".to_owned(), 1, 0)]);
        let find = entry(&report, Some("covacct"), "GET /openapi/crm/findById/{id}");
        assert_eq!(missing(find), sorted(&["ok", "status 401", "status 404", "status 500"]));
        assert_summary_adds_up(&report);

        corp(&app, "covcorp", "lenient", None).await;
        let issued = app
            .post_json("/v1.0/oauth2/accessToken", &json!({"appKey": "k-covcorp", "appSecret": "s-covcorp"}))
            .await;
        let token = json_of(issued).await["accessToken"].as_str().unwrap().to_owned();
        let meta = "/v1.0/crm/personalCustomers/objectMeta";
        assert_eq!(v1(&app, &token, Method::GET, meta, None).await, 200);
        let add = "/v1.0/crm/personalCustomers";
        assert_eq!(v1(&app, &token, Method::POST, add, Some(json!({}))).await, 400);
        let report = super::report(&app, "?api=dingtalk-v1&tenant=covcorp").await;
        let token_op = entry(&report, Some("covcorp"), "POST /v1.0/oauth2/accessToken");
        assert_eq!(counted(token_op), [("ok".to_owned(), 1, 0)]);
        assert_eq!(counted(entry(&report, Some("covcorp"), &format!("GET {meta}"))), [("ok".to_owned(), 1, 0)]);
        let add = entry(&report, Some("covcorp"), &format!("POST {add}"));
        assert_eq!(counted(add), [("code MissingcreatorUserId".to_owned(), 1, 0)]);
        let add_missing = missing(add);
        assert!(!add_missing.contains(&"code Missing<name>".to_owned()), "met by MissingcreatorUserId: {add_missing:?}");
        assert!(add_missing.contains(&"code InvalidAuthentication".to_owned()), "{add_missing:?}");
        assert!(add_missing.contains(&"code system.error".to_owned()), "{add_missing:?}");
        assert_eq!(report["summary"]["operations"]["covered"], 2);
    }

    async fn every_route_of_the_three_apis_has_a_catalogue(app: TestApp) {
        corp(&app, "covcorp", "strict", Some(10)).await;
        account(&app, "covacct").await;
        let _ = token(&app, "covcorp").await;
        let _ = signed(&app, "covacct", Method::POST, "/openapi/crm/list", json!({})).await;
        let document = app.get_json("/_emulator/openapi.json").await;
        let mut operations = Vec::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in ["get", "post", "put", "patch", "delete"] {
                if item.get(method).is_some() && !path.starts_with("/_emulator") {
                    operations.push(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        assert!(operations.len() >= 34, "{operations:?}");
        let corp_report = report(&app, "?tenant=covcorp").await;
        let account_report = report(&app, "?tenant=covacct").await;
        for operation in &operations {
            let (report, tenant, failed) = match operation.contains("/openapi/") {
                true => (&account_report, "covacct", "status 500"),
                false if operation.contains("/v1.0/") => (&corp_report, "covcorp", "code system.error"),
                false => (&corp_report, "covcorp", "errcode -1"),
            };
            let outcomes = all_outcomes(entry(report, Some(tenant), operation));
            assert!(outcomes.contains("ok") && outcomes.contains(failed), "{operation}: {outcomes:?}");
            assert!(outcomes.len() >= 3, "{operation} has no rule in its catalogue: {outcomes:?}");
        }
        let listed = corp_report["operations"].as_array().unwrap().len()
            + account_report["operations"].as_array().unwrap().len();
        assert_eq!(listed, operations.len(), "no operation beyond the document's");
    }

    async fn a_report_query_names_what_is_wrong(app: TestApp) {
        let response = app.get("/_emulator/coverage?api=admin").await;
        assert_eq!(response.status(), 400);
        let body = json_of(response).await;
        assert!(body.to_string().contains("api must be"), "{body}");
        let response = app.get("/_emulator/coverage?apis=dingtalk").await;
        assert_eq!(response.status(), 400);
        let response = app.get("/_emulator/coverage?tenant=a%00b").await;
        assert_eq!(response.status(), 400);
        assert!(json_of(response).await.to_string().contains("tenant"));
        let response = app.post_json("/_emulator/coverage/reset", &json!({"api": "nope"})).await;
        assert_eq!(response.status(), 400);
        let document = app.get_json("/_emulator/openapi.json").await;
        assert!(document["paths"]["/_emulator/coverage"]["get"].is_object());
        assert!(document["paths"]["/_emulator/coverage/reset"]["post"].is_object());
    }
}
