//! SIGKILL under load (`docs/README.md#principles`: nothing acknowledged is lost): the
//! binary is killed while concurrent signed adds and DingTalk creates are in flight;
//! after a restart on the same database (in process: the `App::build` the binary runs, so
//! the store can be read) every acknowledged write is there, and no customer is
//! half-written — every DingTalk customer has its contacts and followers, every OpenAPI
//! record its search-index rows.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

use super::Emulator;
use crate::{both_backends, dingtalk::Dt, helpers::*, openapi::Oa};

/// Writers per API.
const WRITERS: usize = 4;
/// Acknowledged writes per API before the kill; the writers are still writing then.
const BEFORE_KILL: usize = 60;
const FOLLOWERS: [&str; 2] = ["crash-follower", "crash-writer"];

/// Acknowledged writes: OpenAPI record ids with their mobile, DingTalk customer ids.
#[derive(Default)]
struct Acknowledged {
    openapi: Mutex<BTreeMap<String, String>>,
    dingtalk: Mutex<BTreeSet<String>>,
}

impl Acknowledged {
    fn counts(&self) -> (usize, usize) {
        let openapi = self.openapi.lock().map_or(0, |m| m.len());
        (openapi, self.dingtalk.lock().map_or(0, |s| s.len()))
    }
}

both_backends! {
    async fn sigkill_under_load_loses_no_acknowledged_write_and_leaves_none_half_done(backend: Backend) {
        let database = TestDatabase::create(backend).await.expect("a database");
        let emulator = Arc::new(Emulator::start(database.url(), &[]).await);
        let token = Arc::new(emulator.dingtalk_token().await);
        let acked = Arc::new(Acknowledged::default());
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            writers.push(tokio::spawn(add_records(emulator.clone(), writer, acked.clone())));
            writers.push(tokio::spawn(create_customers(emulator.clone(), token.clone(), writer, acked.clone())));
        }
        let started = Instant::now();
        while acked.counts().0 < BEFORE_KILL || acked.counts().1 < BEFORE_KILL {
            assert!(started.elapsed() < Duration::from_secs(60), "only {:?} writes acknowledged", acked.counts());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        emulator.signal("KILL");
        for writer in writers {
            writer.await.expect("a writer failed");
        }
        drop(emulator);

        let app = TestApp::spawn_on(database, backend, |_| {}).await;
        dingtalk_customers_are_whole(&app, &acked).await;
        openapi_records_are_indexed(&app, &acked).await;
    }
}

/// Adds OpenAPI records, each with a mobile of its own, until the server is gone.
async fn add_records(emulator: Arc<Emulator>, writer: usize, acked: Arc<Acknowledged>) {
    for i in 0.. {
        let mobile = format!("1{writer:02}{i:08}");
        let body = json!({
            "customerName": format!("crash {writer}-{i}"),
            "mobile": [{"value": mobile, "memo": ""}],
            "customerSource": ["试用申请"],
        });
        let Some(reply) = answer(emulator.signed_post("/openapi/crm/add", &body)).await else {
            return;
        };
        assert_eq!(reply["success"], true, "{reply}");
        let id = reply["data"]["_id"].as_str().expect("_id").to_owned();
        acked.openapi.lock().expect("lock").insert(id, mobile);
    }
}

/// Creates DingTalk customers with two contacts and two followers until the server is
/// gone.
async fn create_customers(
    emulator: Arc<Emulator>,
    token: Arc<String>,
    writer: usize,
    acked: Arc<Acknowledged>,
) {
    let path = format!(
        "/crm/customer/create?user_id={}&access_token={token}",
        FOLLOWERS[1]
    );
    for i in 0.. {
        let contact =
            |n: u8| json!({"name": format!("contact {n}"), "mobile": "138", "attached": ""});
        let body = json!({
            "customer": [{"name": format!("crash {writer}-{i}"), "address": "a", "description": "d", "telephone": "t"}],
            "contacts": [contact(1), contact(2)],
            "userIds": [FOLLOWERS[0]],
            "create_by": "crash",
        });
        let request = emulator.client.post(emulator.url(&path)).json(&body);
        let Some(reply) = answer(request).await else {
            return;
        };
        assert_eq!(reply["errcode"], 0, "{reply}");
        let id = reply["customerid"].as_str().expect("customerid").to_owned();
        acked.dingtalk.lock().expect("lock").insert(id);
    }
}

/// The JSON answer to `request`, or `None` once the server is gone (no answer, or half
/// of one).
async fn answer(request: reqwest::RequestBuilder) -> Option<Value> {
    request.send().await.ok()?.json().await.ok()
}

async fn dingtalk_customers_are_whole(app: &TestApp, acked: &Acknowledged) {
    let dt = Dt::new(app).await;
    let list = dt.get("/crm/customer/list").await;
    let stored: BTreeSet<String> = list["customerlist"]
        .as_array()
        .expect("customerlist")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    let acked = acked.dingtalk.lock().expect("lock").clone();
    let lost: Vec<_> = acked.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "acknowledged DingTalk customers lost: {lost:?}"
    );
    for id in &stored {
        let customer = dt.customer(id).await;
        assert_eq!(
            customer["contactList"].as_array().map(Vec::len),
            Some(2),
            "{customer}"
        );
        let followers: BTreeSet<&str> = customer["userIds"]
            .as_array()
            .expect("userIds")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(followers, BTreeSet::from(FOLLOWERS), "{customer}");
    }
}

async fn openapi_records_are_indexed(app: &TestApp, acked: &Acknowledged) {
    let oa = Oa::default(app).await;
    let mut stored = BTreeMap::new();
    for page in 1.. {
        let reply = oa
            .post("/openapi/crm/list", &json!({"limit": 100, "page": page}))
            .await;
        let records = reply.data()["list"].as_array().expect("list").clone();
        for record in &records {
            let id = record["_id"].as_str().expect("_id").to_owned();
            stored.insert(id, record["mobile"][0]["value"].clone());
        }
        if records.len() < 100 {
            break;
        }
    }
    for (id, mobile) in acked.openapi.lock().expect("lock").iter() {
        assert_eq!(
            stored.get(id),
            Some(&json!(mobile)),
            "acknowledged record {id} lost or changed"
        );
    }
    for field in ["mobile", "customerSource"] {
        let search =
            json!({"limit": 1, "search": [{"field": field, "operator": "notEmpty", "value": []}]});
        let indexed = oa.post("/openapi/crm/list", &search).await;
        assert_eq!(
            indexed.data()["count"],
            stored.len(),
            "records without {field} index rows"
        );
    }
}
