//! A missing outcome's `howTo`, followed verbatim, makes the next matching call answer
//! it: a fault (counted as `injected`) or a clock change.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::both_backends;

both_backends! {
    async fn a_fault_how_to_followed_verbatim_is_met_and_marked_injected(app: TestApp) {
        corp(&app, "covcorp", "lenient", None).await;
        let token = token(&app, "covcorp").await;
        let report = report(&app, "?api=dingtalk&tenant=covcorp").await;
        let create = entry(&report, Some("covcorp"), "POST /crm/customer/create");
        let failed = missing_one(create, "errcode -1");
        assert_eq!(failed["why"], "the service failed");
        let fault = &failed["howTo"]["fault"];
        assert_eq!(
            *fault,
            json!({"api": "dingtalk", "method": "POST", "path": "/crm/customer/create",
                   "tenant": "covcorp", "errcode": -1, "times": 1})
        );
        assert_eq!(app.post_json("/_emulator/faults", fault).await.status(), 201);
        let path = format!("/crm/customer/create?access_token={token}&user_id=u1");
        let answer = json_of(app.post_json(&path, &json!({})).await).await;
        assert_eq!(answer["errcode"], -1, "{answer}");
        let report = super::report(&app, "?api=dingtalk&tenant=covcorp").await;
        let create = entry(&report, Some("covcorp"), "POST /crm/customer/create");
        assert_eq!(counted(create), [("errcode -1".to_owned(), 1, 1)]);
        assert!(!missing(create).contains(&"errcode -1".to_owned()));

        // A route with a parameter: the fault's path is the template, which no other
        // route's call matches.
        account(&app, "covacct").await;
        let _ = signed(&app, "covacct", Method::POST, "/openapi/crm/list", json!({})).await;
        let report = super::report(&app, "?api=openapi&tenant=covacct").await;
        let find = entry(&report, Some("covacct"), "GET /openapi/crm/findById/{id}");
        let fault = &missing_one(find, "status 500")["howTo"]["fault"];
        assert_eq!(fault["path"], "/openapi/crm/findById/{id}");
        assert_eq!(app.post_json("/_emulator/faults", fault).await.status(), 201);
        let other = signed(&app, "covacct", Method::GET, "/openapi/crm/123", json!({})).await;
        assert_eq!(other, 404, "GET /openapi/crm/{{id}} is another operation");
        let found = signed(&app, "covacct", Method::GET, "/openapi/crm/findById/123", json!({})).await;
        assert_eq!(found, 500);
        let report = super::report(&app, "?api=openapi&tenant=covacct").await;
        let find = entry(&report, Some("covacct"), "GET /openapi/crm/findById/{id}");
        assert_eq!(counted(find), [("status 500".to_owned(), 1, 1)]);
        let by_id = entry(&report, Some("covacct"), "GET /openapi/crm/{id}");
        assert_eq!(counted(by_id), [("status 404".to_owned(), 1, 0)]);

        // v1.0: status and code.
        let report = super::report(&app, "?api=dingtalk-v1&tenant=covcorp").await;
        let meta = "GET /v1.0/crm/personalCustomers/objectMeta";
        let fault = &missing_one(entry(&report, Some("covcorp"), meta), "code system.error")["howTo"]["fault"];
        assert_eq!(fault["status"], 500);
        assert_eq!(fault["code"], "system.error");
        assert_eq!(app.post_json("/_emulator/faults", fault).await.status(), 201);
        let path = "/v1.0/crm/personalCustomers/objectMeta";
        assert_eq!(v1(&app, &token, Method::GET, path, None).await, 500);
        let report = super::report(&app, "?api=dingtalk-v1&tenant=covcorp").await;
        let counted_meta = counted(entry(&report, Some("covcorp"), meta));
        assert_eq!(counted_meta, [("code system.error".to_owned(), 1, 1)]);
    }

    async fn a_clock_how_to_followed_verbatim_expires_the_token(app: TestApp) {
        corp(&app, "covcorp", "lenient", None).await;
        let token = token(&app, "covcorp").await;
        let report = report(&app, "?api=dingtalk&tenant=covcorp").await;
        let list = entry(&report, Some("covcorp"), "GET /crm/customer/list");
        let expired = missing_one(list, "errcode 42001");
        assert_eq!(expired["why"], "the access_token expired");
        let clock = &expired["howTo"]["clock"];
        assert_eq!(*clock, json!({"advanceSeconds": 7201}));
        assert_eq!(app.post_json("/_emulator/clock", clock).await.status(), 200);
        let answer = app.get_json(&format!("/crm/customer/list?access_token={token}")).await;
        assert_eq!(answer["errcode"], 42001);
        let report = super::report(&app, "?api=dingtalk&tenant=covcorp").await;
        let list = entry(&report, Some("covcorp"), "GET /crm/customer/list");
        assert_eq!(
            counted(list),
            [("errcode 42001".to_owned(), 1, 0)],
            "an expired token is counted for its corp, and is no injected answer"
        );
    }

    async fn a_token_route_fault_counts_for_the_corp_its_credentials_name(app: TestApp) {
        corp(&app, "covcorp", "lenient", None).await;
        let _ = token(&app, "covcorp").await;
        let report = report(&app, "?api=dingtalk&tenant=covcorp").await;
        let gettoken = entry(&report, Some("covcorp"), "GET /gettoken");
        let fault = &missing_one(gettoken, "errcode 40089")["howTo"]["fault"];
        assert!(fault.get("tenant").is_none(), "a /gettoken carries no token: {fault}");
        assert_eq!(app.post_json("/_emulator/faults", fault).await.status(), 201);
        let answer = app.get_json("/gettoken?appkey=k-covcorp&appsecret=s-covcorp").await;
        assert_eq!(answer["errcode"], 40089, "{answer}");
        let report = super::report(&app, "?api=dingtalk&tenant=covcorp").await;
        let gettoken = entry(&report, Some("covcorp"), "GET /gettoken");
        assert_eq!(
            counted(gettoken),
            [("ok".to_owned(), 1, 0), ("errcode 40089".to_owned(), 1, 1)]
        );
    }

    async fn a_clock_how_to_makes_a_signed_call_stale(app: TestApp) {
        account(&app, "covacct").await;
        assert_eq!(signed(&app, "covacct", Method::POST, "/openapi/crm/list", json!({})).await, 200);
        let report = report(&app, "?api=openapi&tenant=covacct").await;
        let list = entry(&report, Some("covacct"), "POST /openapi/crm/list");
        let refused = missing_one(list, "status 401");
        let clock = &refused["howTo"]["clock"];
        assert_eq!(*clock, json!({"advanceSeconds": 301}));
        assert_eq!(app.post_json("/_emulator/clock", clock).await.status(), 200);
        // A real client signs with its own (real) time, now outside the window.
        let now = crm_emulator::clock::real_now_secs().to_string();
        let signature = crm_emulator::signature::sign("s-covacct", "covacct", "n1", &now);
        let headers = [
            ("appid", "covacct".to_owned()),
            ("nonce", "n1".to_owned()),
            ("timestamp", now),
            ("signature", signature),
        ];
        let reply = crate::openapi::send(&app, Method::POST, "/openapi/crm/list", &headers, Some(&json!({}))).await;
        assert_eq!(reply.status, 401, "{}", reply.body);
        let report = super::report(&app, "?api=openapi&tenant=covacct").await;
        let list = entry(&report, Some("covacct"), "POST /openapi/crm/list");
        assert_eq!(counted(list), [("ok".to_owned(), 1, 0), ("status 401".to_owned(), 1, 0)]);
    }
}
