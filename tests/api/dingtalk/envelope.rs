//! What every DingTalk route shares: HTTP 200 with the errcode envelope for body,
//! content-type, method and path faults (`docs/dingtalk.md#envelope-and-errors`).

use super::*;
use crate::both_backends;

const POST_ROUTES: [&str; 8] = [
    "/crm/customer/create",
    "/crm/customer/update",
    "/crm/customer/delete",
    "/crm/contact/create",
    "/crm/contact/update",
    "/crm/contact/delete",
    "/crm/empcustomer/create",
    "/crm/empcustomer/delete",
];
const GET_ROUTES: [&str; 3] = ["/crm/customer/get", "/crm/customer/list", "/gettoken"];

/// POSTs `body` with `content_type` to `path` (with token and user_id) and parses the
/// answer, asserting HTTP 200.
async fn post_raw(
    dt: &Dt<'_>,
    path: &str,
    content_type: Option<&str>,
    body: &'static str,
) -> Value {
    let mut request = dt
        .app
        .client
        .post(dt.app.url(&dt.url(&format!("{path}?user_id=zhangsan"))));
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.body(body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    json_of(response).await
}

both_backends! {
    async fn every_post_route_refuses_a_non_json_content_type_with_43004(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in POST_ROUTES {
            let body = post_raw(&dt, path, Some("text/plain"), "{}").await;
            assert_err(&body, 43004, "无效的HTTP HEADER Content-Type: expected application/json");
            assert_err(&body, 43004, "got text/plain");
            assert_eq!(body["errmsg"].as_str().unwrap_or_default().matches("Content-Type").count(), 1, "{body}");
            let body = post_raw(&dt, path, None, "{}").await;
            assert_err(&body, 43004, "got none");
        }
    }

    async fn every_post_route_refuses_an_empty_body_with_44002(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in POST_ROUTES {
            assert_err(&post_raw(&dt, path, Some("application/json"), "").await, 44002, "POST的数据包为空");
            assert_err(&post_raw(&dt, path, Some("application/json"), "  \n").await, 44002, "POST的数据包为空");
        }
    }

    async fn every_post_route_refuses_malformed_json_with_47001(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in POST_ROUTES {
            let body = post_raw(&dt, path, Some("application/json; charset=utf-8"), "{\"customer\":").await;
            assert_err(&body, 47001, "解析JSON/XML内容错误");
        }
    }

    async fn a_body_that_is_not_an_object_is_40035(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in POST_ROUTES {
            let body = post_raw(&dt, path, Some("application/json"), "[1]").await;
            assert_err(&body, 40035, "the request body must be a JSON object, got an array");
        }
    }

    async fn every_route_takes_exactly_one_method(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in POST_ROUTES {
            assert_err(&dt.get(path).await, 43002, "需要POST请求");
        }
        for path in GET_ROUTES {
            assert_err(&dt.post(path, &json!({})).await, 43001, "需要GET请求");
        }
    }

    async fn unknown_crm_paths_are_404_with_or_without_a_token(app: TestApp) {
        let dt = Dt::new(&app).await;
        for path in ["/crm/customer/nope", "/crm/contact", "/crm/empcustomer/update"] {
            assert_err(&raw_get(&app, path).await, 404, "请求的URI地址不存在");
            assert_err(&dt.post(path, &json!({})).await, 404, "请求的URI地址不存在");
        }
    }
}

both_backends! {
    async fn a_body_over_the_size_limit_is_41101(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.max_body_bytes = 1024).await;
        let dt = Dt::new(&app).await;
        let mut body = seed_create_body();
        body["customer"][0]["description"] = json!("x".repeat(2000));
        let refused = dt.post("/crm/customer/create?user_id=zhangsan", &body).await;
        assert_err(&refused, 41101, "request body exceeds the size limit");
    }
}
