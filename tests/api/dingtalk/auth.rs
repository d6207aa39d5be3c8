//! The access token on `/crm/...` calls: missing, unknown, expired; the refetch pattern
//! of real clients; tokens shared by instances on one database.

use std::time::Duration;

use super::*;
use crate::both_backends;

const CRM_ROUTES: [(&str, &str); 10] = [
    ("POST", "/crm/customer/create"),
    ("POST", "/crm/customer/update"),
    ("POST", "/crm/customer/delete"),
    ("GET", "/crm/customer/get"),
    ("GET", "/crm/customer/list"),
    ("POST", "/crm/contact/create"),
    ("POST", "/crm/contact/update"),
    ("POST", "/crm/contact/delete"),
    ("POST", "/crm/empcustomer/create"),
    ("POST", "/crm/empcustomer/delete"),
];

/// Calls `path` with the route's method (an empty JSON object as a POST body).
async fn call(app: &TestApp, method: &str, path: &str) -> Value {
    if method == "GET" {
        raw_get(app, path).await
    } else {
        raw_post(app, path, &json!({})).await
    }
}

/// A client in the manner of the Python `dingtalk-sdk`: joins paths to the base URL,
/// calls `raise_for_status()`, reads `errcode`, and on 40014/42001 drops its token,
/// fetches a new one and retries once.
struct SdkLikeClient<'a> {
    app: &'a TestApp,
    token: Option<String>,
    fetches: usize,
}

impl SdkLikeClient<'_> {
    async fn get(&mut self, path: &str) -> Value {
        for _ in 0..2 {
            let token = match &self.token {
                Some(token) => token.clone(),
                None => self.fetch_token().await,
            };
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{sep}access_token={token}");
            let response = self.app.get(&url).await;
            let response = response.error_for_status().expect("raise_for_status");
            let body = json_of(response).await;
            match body["errcode"].as_i64() {
                Some(40014 | 42001) => self.token = None,
                _ => return body,
            }
        }
        panic!("still refused after refetching the token");
    }

    async fn fetch_token(&mut self) -> String {
        self.fetches += 1;
        let body = raw_get(
            self.app,
            "/gettoken?corpid=dingemulator&corpsecret=emulator-secret",
        )
        .await;
        let token = body["access_token"].as_str().expect("token").to_owned();
        self.token = Some(token.clone());
        token
    }
}

/// Runs `sql` against the test's database directly (as another instance would).
async fn execute_sql(app: &TestApp, sql: &str) {
    let mut conn = connect_directly(app.database.url()).await;
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

/// A second emulator on the same database as `app`. The guard directory is a fresh,
/// unused one: the database itself stays owned (and dropped) by `app`.
async fn second_instance(app: &TestApp) -> TestApp {
    let shared = TestDatabase::Sqlite {
        url: app.database.url().to_owned(),
        _dir: tempfile::tempdir().unwrap(),
    };
    TestApp::spawn_on(shared, app.backend, |_| {}).await
}

both_backends! {
    async fn every_crm_route_without_access_token_is_41001(app: TestApp) {
        for (method, path) in CRM_ROUTES {
            let body = call(&app, method, path).await;
            assert_err(&body, 41001, "access_token");
            let body = call(&app, method, &format!("{path}?access_token=")).await;
            assert_err(&body, 41001, "access_token");
        }
    }

    async fn every_crm_route_with_an_unknown_token_is_40014(app: TestApp) {
        for (method, path) in CRM_ROUTES {
            let body = call(&app, method, &format!("{path}?access_token=nope&user_id=u")).await;
            assert_err(&body, 40014, "access_token");
        }
    }

    async fn an_expired_token_is_42001_until_a_new_one_is_fetched(app: TestApp) {
        let dt = Dt::new(&app).await;
        assert_ok(&dt.get("/crm/customer/list").await);
        app.state.clock.advance(7201).await.expect("move the clock").expect("within range");
        for (method, path) in CRM_ROUTES {
            let body = call(&app, method, &dt.url(&format!("{path}?user_id=u"))).await;
            assert_err(&body, 42001, "access_token");
        }
        let fresh = Dt::new(&app).await;
        assert_ok(&fresh.get("/crm/customer/list").await);
    }

    async fn an_sdk_style_client_recovers_from_an_expired_token(app: TestApp) {
        let id = Dt::new(&app).await.create_customer("ACME", "zhangsan").await;
        let mut client = SdkLikeClient { app: &app, token: None, fetches: 0 };
        let path = format!("/crm/customer/get?id={id}");
        let first = client.get(&path).await;
        assert_eq!(first["customer"]["name"], "ACME");
        app.state.clock.advance(7201).await.expect("move the clock").expect("within range");
        let again = client.get(&path).await;
        assert_ok(&again);
        assert_eq!(again["customer"]["id"], id.as_str());
        assert_eq!(client.fetches, 2, "the client refetched exactly once");
    }

    async fn a_second_instance_on_the_same_database_accepts_the_token(app: TestApp) {
        let other = second_instance(&app).await;
        let dt = Dt::new(&app).await;
        let id = dt.create_customer("Shared", "zhangsan").await;
        let there = Dt { app: &other, token: dt.token.clone() };
        assert_eq!(there.customer(&id).await["customer"]["name"], "Shared");
        // Asking the other instance for a token gives the same one.
        assert_eq!(Dt::new(&other).await.token, dt.token);
    }

    async fn a_cached_token_stops_working_within_a_second_once_its_corp_is_gone(app: TestApp) {
        let dt = Dt::new(&app).await;
        assert_ok(&dt.get("/crm/customer/list").await);
        // Another instance (here: a direct connection) deletes the corp.
        execute_sql(&app, "DELETE FROM dt_corps WHERE corpid = 'dingemulator'").await;
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_err(&dt.get("/crm/customer/list").await, 40014, "access_token");
    }

    async fn a_cached_token_is_refused_as_soon_as_the_clock_passes_its_expiry(app: TestApp) {
        let dt = Dt::new(&app).await;
        assert_ok(&dt.get("/crm/customer/list").await);
        app.state.clock.advance(7200).await.expect("move the clock").expect("within range");
        assert_err(&dt.get("/crm/customer/list").await, 42001, "access_token");
    }
}
