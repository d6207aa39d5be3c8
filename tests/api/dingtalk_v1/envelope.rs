//! The v1.0 error format and what every answer carries (docs/dingtalk-v1.md#envelope-and-errors):
//! statuses, codes, `requestid`, the headers, the fallback, tokens, the rate limit,
//! the order of checks, faults, the journal and metrics.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::{both_backends, dingtalk::set_default_corp};
use crm_emulator::store::tenants::Mode;

both_backends! {
    async fn every_answer_is_json_with_the_acs_headers(app: TestApp) {
        let v1 = V1::new(&app).await;
        for reply in [v1.get("/v1.0/crm/personalCustomers/objectMeta").await, v1.get("/v1.0/nowhere").await] {
            let header = |name: &str| reply.headers.get(name).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
            assert_eq!(header("content-type"), "application/json;charset=utf-8");
            let request_id = header("x-acs-request-id");
            assert_eq!(request_id.len(), 36, "{request_id}");
            assert_eq!(request_id, request_id.to_uppercase());
            assert!(!header("x-acs-trace-id").is_empty());
        }
    }

    async fn unknown_paths_and_wrong_methods_are_resource_not_found(app: TestApp) {
        for (method, path) in [
            (Method::GET, "/v1.0/crm/nothing"),
            (Method::GET, "/v1.0/oauth2/dingemulator/token"),
            (Method::GET, "/v1.0"),
            (Method::GET, "/v1.0/"),
            (Method::PATCH, "/v1.0/crm/personalCustomers"),
            (Method::DELETE, "/v1.0/crm/personalCustomers/objectMeta"),
            (Method::GET, "/v1.0/crm/personalCustomers/123"),
            (Method::GET, "/v1.0/oauth2/accessToken"),
        ] {
            // No token: the path and method are checked first.
            let reply = call(&app, method.clone(), path, &[], Body::None).await;
            assert_error(&reply, 404, "resource.not.found", "资源不存在");
            assert!(reply.body["message"].as_str().unwrap_or_default().contains("/v1.0"), "{method} {path}: {}", reply.body);
        }
    }

    async fn the_token_header_is_checked_before_the_body(app: TestApp) {
        let path = "/v1.0/crm/personalCustomers";
        let reply = call(&app, Method::POST, path, &[], Body::None).await;
        assert_error(&reply, 400, "InvalidAuthentication", "x-acs-dingtalk-access-token");
        let unknown = [("x-acs-dingtalk-access-token", "nope".to_owned())];
        assert_error(&call(&app, Method::POST, path, &unknown, Body::None).await, 400, "InvalidAuthentication", "unknown token");
        let token = V1::new(&app).await.token;
        let quoted = [("X-Acs-Dingtalk-Access-Token", format!("\"{token}\""))];
        assert_error(&call(&app, Method::POST, path, &quoted, Body::None).await, 400, "InvalidAuthentication", "JSON-quoted");
        let bare = [("X-Acs-Dingtalk-Access-Token", token)];
        assert_error(&call(&app, Method::POST, path, &bare, Body::None).await, 400, "Missingbody", "no body");
    }

    async fn an_expired_token_is_invalid_authentication(app: TestApp) {
        let v1 = V1::new(&app).await;
        let advanced = app.post_json("/_emulator/clock", &json!({"advanceSeconds": 7201})).await;
        assert_eq!(advanced.status(), 200);
        let reply = v1.get("/v1.0/crm/personalCustomers/objectMeta").await;
        assert_error(&reply, 400, "InvalidAuthentication", "expired");
    }

    async fn the_checks_run_in_the_documented_order(app: TestApp) {
        let v1 = V1::new(&app).await;
        set_default_corp(&app, Mode::Strict, None).await;
        let path = "/v1.0/crm/personalCustomers";
        // Required keys in the model's order, before any type.
        let reply = v1.put(path, &json!({"instanceId": 5, "modifierUserId": "ghost"})).await;
        assert_error(&reply, 400, "Missingdata", "data is mandatory");
        let reply = v1.put(path, &json!({"data": {}, "modifierUserId": 5})).await;
        assert_error(&reply, 400, "MissinginstanceId", "instanceId");
        // Types and closed lists before employees.
        let body = json!({"data": {"customer_name": ["x"]}, "instanceId": "1", "modifierUserId": "ghost"});
        assert_error(&v1.put(path, &body).await, 400, "param.error", "data.customer_name must be a string");
        let body = json!({"data": {"customer_name": "x"}, "instanceId": "1", "modifierUserId": "ghost", "relationType": "lead"});
        assert_error(&v1.put(path, &body).await, 400, "relationType.not.exists", "lead");
        // Employees before records.
        let body = json!({"data": {"customer_name": "x"}, "instanceId": "1", "modifierUserId": "ghost"});
        assert_error(&v1.put(path, &body).await, 400, "modifierUserId.not.exists", "ghost");
        let body = json!({"data": {"customer_name": "x"}, "instanceId": "not-an-id", "modifierUserId": "ghost"});
        assert_error(&v1.put(path, &body).await, 400, "modifierUserId.not.exists", "ghost");
    }

    async fn a_read_checks_the_employee_it_names_too(app: TestApp) {
        let v1 = V1::new(&app).await;
        let path = "/v1.0/crm/personalCustomers?maxResults=1&currentOperatorUserId=reader";
        let served = v1.get(path).await;
        ok(&served);
        let warned = served.warnings();
        assert!(warned.iter().any(|w| w.starts_with("dingtalk-v1.employee.known: currentOperatorUserId reader")), "{warned:?}");
        let directory = app.get_json("/_emulator/dingtalk/corps/dingemulator/employees").await;
        assert!(directory.to_string().contains("\"reader\""), "added: {directory}");
        set_default_corp(&app, Mode::Strict, None).await;
        let refused = v1.get("/v1.0/crm/personalCustomers?maxResults=1&currentOperatorUserId=stranger").await;
        assert_error(&refused, 400, "currentOperatorUserId.not.exists", "stranger");
        ok(&v1.get(path).await);
    }

    async fn a_corp_over_its_rate_limit_is_403(app: TestApp) {
        let v1 = V1::new(&app).await;
        set_default_corp(&app, Mode::Lenient, Some(1)).await;
        ok(&v1.get("/v1.0/crm/personalCustomers/objectMeta").await);
        let reply = v1.get("/v1.0/crm/personalCustomers/objectMeta").await;
        assert_error(&reply, 403, "Forbidden.AccessDenied.QpsLimitForApi", "1 calls per minute");
    }

    async fn faults_answer_in_the_v1_format(app: TestApp) {
        let v1 = V1::new(&app).await;
        for (fault, status, code) in [
            (json!({"api": "dingtalk-v1", "path": "/v1.0/crm/*", "status": 503, "times": 1}), 503, "system.error"),
            (json!({"api": "dingtalk-v1", "code": "InvalidAuthentication", "times": 1}), 400, "InvalidAuthentication"),
            (json!({"api": "dingtalk-v1", "status": 429, "code": "Throttled", "tenant": "dingemulator", "times": 1}), 429, "Throttled"),
        ] {
            let added = app.post_json("/_emulator/faults", &fault).await;
            assert_eq!(added.status(), 201, "{fault}");
            let reply = v1.get("/v1.0/crm/personalCustomers/objectMeta").await;
            assert_error(&reply, status, code, "injected fault");
        }
        ok(&v1.get("/v1.0/crm/personalCustomers/objectMeta").await);
        let refused = app.post_json("/_emulator/faults", &json!({"api": "dingtalk", "code": "x"})).await;
        assert_eq!(refused.status(), 400, "code is for dingtalk-v1 faults");
        let refused = app.post_json("/_emulator/faults", &json!({"api": "dingtalk-v1", "errcode": 1})).await;
        assert_eq!(refused.status(), 400, "errcode is for dingtalk faults");
    }

    async fn the_journal_and_metrics_name_the_api_dingtalk_v1(app: TestApp) {
        let v1 = V1::new(&app).await;
        ok(&v1.get("/v1.0/crm/personalCustomers/objectMeta").await);
        v1.get("/v1.0/crm/nothing").await;
        let journal = app.get_json("/_emulator/requests?api=dingtalk-v1").await;
        let entries = journal.as_array().expect("entries");
        let meta = entries.iter().find(|e| e["path"] == "/v1.0/crm/personalCustomers/objectMeta").expect("meta");
        assert_eq!(meta["code"], "0");
        assert_eq!(meta["tenant"], "dingemulator");
        let missing = entries.iter().find(|e| e["path"] == "/v1.0/crm/nothing").expect("404");
        assert_eq!(missing["code"], "resource.not.found");
        let metrics = app.get("/_emulator/metrics").await.text().await.expect("metrics");
        let counted = "api=\"dingtalk-v1\",code=\"0\",route=\"/v1.0/crm/personalCustomers/objectMeta\",status=\"200\"";
        assert!(metrics.contains(counted), "{counted} not in the metrics");
        assert!(metrics.contains("api=\"dingtalk-v1\",code=\"resource.not.found\",route=\"unmatched\",status=\"404\""), "{metrics}");
    }

    async fn the_api_document_describes_every_v1_route(app: TestApp) {
        let doc = app.get_json("/_emulator/openapi.json").await;
        let paths = doc["paths"].as_object().expect("paths");
        for (path, method) in [
            ("/v1.0/oauth2/accessToken", "post"),
            ("/v1.0/crm/customers", "post"),
            ("/v1.0/crm/personalCustomers", "post"),
            ("/v1.0/crm/personalCustomers", "put"),
            ("/v1.0/crm/personalCustomers", "get"),
            ("/v1.0/crm/personalCustomers/{dataId}", "delete"),
            ("/v1.0/crm/personalCustomers/batchQuery", "post"),
            ("/v1.0/crm/customerInstances", "post"),
            ("/v1.0/crm/personalCustomers/objectMeta", "get"),
            ("/v1.0/crm/customObjects/contacts/datas/query", "post"),
            ("/v1.0/crm/contacts/batch", "post"),
            ("/v1.0/crm/contacts/batch", "put"),
            ("/v1.0/crm/customers/dataAuth/append", "post"),
            ("/v1.0/crm/customers/dataAuth/overrideUpdate", "put"),
        ] {
            let operation = &paths.get(path).unwrap_or_else(|| panic!("{path} undocumented"))[method];
            assert!(operation.is_object(), "{method} {path} undocumented");
            assert_eq!(operation["tags"][0], "DingTalk v1.0", "{method} {path}");
        }
    }
}
