//! The indexes and counters that keep searches flat at a million customers (migration
//! 0012) answer exactly as a scan would: `contains` on `customerName` through the
//! trigram index (long, short, Chinese and wildcard patterns, after renames and
//! deletes), and an unfiltered list's `count` from the kept count (after adds, deletes,
//! a tenant reset and an import).

use serde_json::{json, Value};

use super::*;
use crate::both_backends;

const NAMES: [&str; 10] = [
    "Alice Cooper",
    "alice cooper",
    "客户甲乙丙公司",
    "甲乙",
    "50% off_now",
    "a*b?c[d]",
    r"back\slash",
    "ab",
    "Trading Co 北京",
    "trading co 北京分公司",
];

const PATTERNS: [&str; 24] = [
    "Ali",
    "ali",
    "ALI",
    "Cooper",
    "ce co",
    "客户甲",
    "甲乙",
    "乙丙公司",
    "甲",
    "50%",
    "% o",
    "f_n",
    "_",
    "%",
    "*b?",
    "c[d",
    "[d]",
    r"\s",
    r"k\s",
    "ab",
    "a",
    "Co",
    "北京",
    "co 北京分",
];

/// The names of `names` containing `pattern`, sorted: what a scan answers.
fn scan(names: &[&str], pattern: &str) -> Vec<String> {
    let mut found: Vec<String> = names
        .iter()
        .filter(|n| n.contains(pattern))
        .map(|n| (*n).to_owned())
        .collect();
    found.sort();
    found
}

async fn check_contains(oa: &Oa<'_>, names: &[&str]) {
    for pattern in PATTERNS {
        let found = oa
            .matching("customerName", "contains", json!([pattern]))
            .await;
        assert_eq!(found, scan(names, pattern), "contains {pattern:?}");
    }
}

async fn count(oa: &Oa<'_>) -> i64 {
    let data = oa.list(json!({"limit": 1})).await;
    data["count"].as_i64().unwrap()
}

async fn delete(oa: &Oa<'_>, id: &Value) {
    let reply = oa.post("/openapi/crm/delete", &json!({"id": id})).await;
    reply.data();
}

/// A client for an account that exists already (after an import).
async fn existing<'a>(app: &'a TestApp, appid: &str) -> Oa<'a> {
    Oa::existing(app, appid, &format!("secret-of-{appid}")).await
}

both_backends! {
    async fn contains_on_customer_names_answers_exactly_through_the_trigram_index(app: TestApp) {
        let oa = Oa::default(&app).await;
        let other = Oa::new_account(&app, "scale-other", &[]).await;
        other.add(json!({"customerName": "Alice Cooper of another account"})).await;
        let mut ids = Vec::new();
        for name in NAMES {
            ids.push(oa.add(json!({"customerName": name})).await["_id"].clone());
        }
        check_contains(&oa, &NAMES).await;

        // A rename and a delete reach the index too.
        let renamed = oa.post("/openapi/crm/update", &json!({"_id": ids[0], "customerName": "Zed Zebra"})).await;
        assert_eq!(renamed.data()["customerName"], "Zed Zebra");
        delete(&oa, &ids[2]).await;
        let mut now: Vec<&str> = NAMES.to_vec();
        now[0] = "Zed Zebra";
        now.remove(2);
        check_contains(&oa, &now).await;
        assert_eq!(oa.matching("customerName", "contains", json!(["Zebra"])).await, names(&["Zed Zebra"]));
        // An update that keeps the name keeps it findable.
        oa.post("/openapi/crm/update", &json!({"_id": ids[3], "owner": "e1"})).await.data();
        assert_eq!(oa.matching("customerName", "contains", json!(["甲乙"])).await, names(&["甲乙"]));
    }

    async fn an_unfiltered_count_follows_adds_deletes_resets_and_imports(app: TestApp) {
        let oa = Oa::default(&app).await;
        let other = Oa::new_account(&app, "scale-other", &[]).await;
        assert_eq!(count(&oa).await, 0);
        let mut ids = Vec::new();
        // One by one (on Postgres, one delta row each: more than a read folds) ...
        for i in 0..70 {
            ids.push(oa.add(json!({"customerName": format!("c{i}")})).await["_id"].clone());
        }
        assert_eq!(count(&oa).await, 70);
        // ... and concurrently (batches of several in one statement).
        let mut running = tokio::task::JoinSet::new();
        for i in 0..40 {
            let mut request = app.client.post(app.url("/openapi/crm/add")).json(&json!({"customerName": format!("d{i}")}));
            for (name, value) in oa.headers() {
                request = request.header(name, value);
            }
            running.spawn(async move { request.send().await.expect("request").status().as_u16() });
        }
        while let Some(status) = running.join_next().await {
            assert_eq!(status.expect("a request task"), 200);
        }
        other.add(json!({"customerName": "elsewhere"})).await;
        assert_eq!(count(&oa).await, 110);
        assert_eq!(count(&other).await, 1);
        for id in &ids[..25] {
            delete(&oa, id).await;
        }
        let again = oa.post("/openapi/crm/delete", &json!({"id": ids[0]})).await;
        again.assert_error(404, &["no customer"]); // already gone: counted once
        assert_eq!(count(&oa).await, 85);
        // The count agrees with a filtered count over the same customers.
        let all = oa.list(json!({"limit": 1, "search": [{"field": "customerName", "operator": "notEmpty", "value": []}]})).await;
        assert_eq!(all["count"], 85);

        // An export and an import keep it; a tenant reset empties it.
        let doc = json_of(app.get("/_emulator/export").await).await;
        assert_eq!(app.post_json("/_emulator/import", &doc).await.status(), 200);
        let oa = Oa::default(&app).await;
        let other = existing(&app, "scale-other").await;
        assert_eq!(count(&oa).await, 85);
        assert_eq!(count(&other).await, 1);
        let reset = app.post_json("/_emulator/reset", &json!({"appid": "scale-other"})).await;
        assert_eq!(reset.status(), 200);
        assert_eq!(count(&other).await, 0);
        assert_eq!(count(&oa).await, 85);
        other.add(json!({"customerName": "again"})).await;
        assert_eq!(count(&other).await, 1);

        // A deleted account's count does not reach a new account.
        let gone = app.client.delete(app.url("/_emulator/openapi/accounts/scale-other")).send().await.unwrap();
        assert!(gone.status().is_success(), "{}", gone.status());
        let fresh = Oa::new_account(&app, "scale-fresh", &[]).await;
        assert_eq!(count(&fresh).await, 0);
    }

    async fn an_exact_mobile_finds_its_customer_after_an_import(app: TestApp) {
        let oa = Oa::default(&app).await;
        for i in 0..50 {
            oa.add(json!({"customerName": format!("m{i}"), "mobile": [{"value": format!("1380000{i:04}")}]})).await;
        }
        let doc = json_of(app.get("/_emulator/export").await).await;
        assert_eq!(app.post_json("/_emulator/import", &doc).await.status(), 200);
        let oa = Oa::default(&app).await;
        let found = oa.list(json!({"search": [{"field": "mobile", "operator": "eq", "value": ["13800000007"]}]})).await;
        assert_eq!(found["count"], 1);
        assert_eq!(found["list"][0]["customerName"], "m7");
    }
}
