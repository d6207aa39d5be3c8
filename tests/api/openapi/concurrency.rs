//! Signed writes arriving together: on SQLite they are committed in batches, and each
//! request must still get its own answer, and a nonce must still be single-use.

use serde_json::json;

use super::*;
use crate::both_backends;

const ADD: &str = "/openapi/crm/add";

/// Sends every (headers, body) to `/openapi/crm/add` at once; (status, body) in order.
async fn add_all(
    app: &TestApp,
    requests: Vec<(Vec<(&'static str, String)>, Value)>,
) -> Vec<(u16, Value)> {
    let mut running = tokio::task::JoinSet::new();
    for (i, (headers, body)) in requests.into_iter().enumerate() {
        let mut request = app.client.post(app.url(ADD)).json(&body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        running.spawn(async move {
            let response = request.send().await.expect("request");
            (i, response.status().as_u16(), json_of(response).await)
        });
    }
    let mut replies = Vec::new();
    while let Some(done) = running.join_next().await {
        replies.push(done.expect("a request task"));
    }
    replies.sort_by_key(|(i, _, _)| *i);
    replies
        .into_iter()
        .map(|(_, status, body)| (status, body))
        .collect()
}

both_backends! {
    async fn concurrent_adds_are_all_stored_each_answered_with_its_own_record(app: TestApp) {
        let oa = Oa::default(&app).await;
        let requests = (0..100)
            .map(|i| (oa.headers(), json!({ "customerName": format!("together {i}") })))
            .collect();
        let replies = add_all(&app, requests).await;
        let mut ids = std::collections::HashSet::new();
        for (i, (status, body)) in replies.iter().enumerate() {
            assert_eq!(*status, 200, "{body}");
            assert_eq!(body["data"]["customerName"], format!("together {i}"), "{body}");
            assert!(ids.insert(body["data"]["_id"].as_str().unwrap().to_owned()), "{body}");
        }
        let data = oa.list(json!({ "limit": 100 })).await;
        assert_eq!(data["count"], 100, "{data}");
        let mut listed: Vec<String> = data["list"].as_array().unwrap().iter()
            .map(|c| c["_id"].as_str().unwrap().to_owned())
            .collect();
        listed.sort();
        let mut answered: Vec<String> = ids.into_iter().collect();
        answered.sort();
        assert_eq!(listed, answered);
    }

    async fn of_concurrent_requests_reusing_one_nonce_a_strict_account_accepts_exactly_one(app: TestApp) {
        let oa = Oa::strict(&app).await;
        let headers = oa.headers();
        let requests = (0..20)
            .map(|i| (headers.clone(), json!({ "customerName": format!("replayed {i}") })))
            .collect();
        let replies = add_all(&app, requests).await;
        let accepted = replies.iter().filter(|(status, _)| *status == 200).count();
        assert_eq!(accepted, 1, "{replies:?}");
        for (status, body) in replies.iter().filter(|(status, _)| *status != 200) {
            assert_eq!(*status, 401, "{body}");
            assert!(body["message"].as_str().unwrap().contains("replayed request"), "{body}");
        }
        let data = oa.list(json!({})).await;
        assert_eq!(data["count"], 1, "{data}");
    }
}
