//! Unit tests of the rule set in memory (the shared storage is tested through two
//! instances in `tests/api/instances.rs`).

use serde_json::{json, Value};

use super::*;

fn rule(json: Value) -> NewFault {
    serde_json::from_value(json).unwrap()
}

/// A call of `method` on `path`, which matched no route template.
fn call<'a>(method: &'a str, path: &'a str) -> Call<'a> {
    Call {
        method,
        path,
        route: None,
    }
}

#[test]
fn paths_match_exactly_or_by_prefix() {
    assert!(path_matches("/crm/customer/get", "/crm/customer/get"));
    assert!(!path_matches("/crm/customer/get", "/crm/customer/getx"));
    assert!(path_matches("/crm/*", "/crm/contact/create"));
    assert!(!path_matches("/crm/*", "/gettoken"));
}

#[tokio::test]
async fn rules_fire_the_requested_number_of_times_and_only_where_they_match() {
    let faults = Faults::default();
    faults.add(rule(json!({"api": "dingtalk", "path": "/crm/*", "method": "get", "errcode": 45009, "times": 2}))).await.unwrap();
    assert!(faults
        .fire(Api::Openapi, call("GET", "/crm/x"), None)
        .await
        .is_none());
    assert!(faults
        .fire(Api::Dingtalk, call("POST", "/crm/x"), None)
        .await
        .is_none());
    assert!(faults
        .fire(Api::Dingtalk, call("GET", "/crm/x"), None)
        .await
        .is_some());
    assert!(faults
        .fire(Api::Dingtalk, call("GET", "/crm/y"), None)
        .await
        .is_some());
    assert!(faults
        .fire(Api::Dingtalk, call("GET", "/crm/z"), None)
        .await
        .is_none());
    assert_eq!(faults.list().await.unwrap()[0].fired, 2);
}

#[tokio::test]
async fn tenant_rules_fire_only_for_their_tenant() {
    let faults = Faults::default();
    faults
        .add(rule(
            json!({"api": "openapi", "tenant": "1090", "status": 500}),
        ))
        .await
        .unwrap();
    assert!(faults.needs_tenant(Api::Openapi, call("POST", "/openapi/crm/add")));
    assert!(!faults.needs_tenant(Api::Dingtalk, call("POST", "/crm/customer/create")));
    let add = |tenant| faults.fire(Api::Openapi, call("POST", "/openapi/crm/add"), tenant);
    assert!(add(Some("2000")).await.is_none());
    assert!(add(None).await.is_none());
    assert!(add(Some("1090")).await.is_some());
}

#[tokio::test]
async fn a_path_with_a_parameter_matches_the_route_template_only() {
    let faults = Faults::default();
    let fault = json!({"api": "openapi", "path": "/openapi/crm/{id}", "status": 500});
    faults.add(rule(fault)).await.unwrap();
    let on = |path, route| Call {
        method: "GET",
        path,
        route: Some(route),
    };
    let add = on("/openapi/crm/add", "/openapi/crm/add");
    assert!(faults.fire(Api::Openapi, add, None).await.is_none());
    let literal = call("GET", "/openapi/crm/{id}");
    assert!(faults.fire(Api::Openapi, literal, None).await.is_none());
    let find = on("/openapi/crm/123", "/openapi/crm/{id}");
    assert!(faults.fire(Api::Openapi, find, None).await.is_some());
}

#[test]
fn contradictory_rules_are_refused() {
    for bad in [
        json!({"api": "dingtalk", "errcode": 1, "status": 500}),
        json!({"api": "openapi", "errcode": 1}),
        json!({"api": "openapi"}),
        json!({"api": "openapi", "status": 200}),
        json!({"api": "openapi", "status": 500, "probability": 0}),
        json!({"api": "openapi", "status": 500, "times": 0}),
        json!({"api": "openapi", "status": 500, "path": "crm"}),
    ] {
        assert!(validate(&rule(bad.clone())).is_err(), "{bad}");
    }
}
