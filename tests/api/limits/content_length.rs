//! Issue 11, item 5: a request declaring `Content-Length: 10000000000` with a short body
//! waited for `--request-timeout` (30 s) and answered 500. A declared length over the
//! route's limit is now answered at once, before the body is read: 413 (OpenAPI, the
//! control plane, whose import has its own bigger limit) or 41101 (DingTalk).

use std::time::Duration;

use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{dingtalk::Dt, helpers::*, openapi::Oa};

/// Far over every limit, the import's 512 MiB included.
const DECLARED: u64 = 10_000_000_000;

/// Sends `POST path` declaring [`DECLARED`] bytes but sending only `{}`, and reads the
/// answer, which must come well before the request timeout: its status and JSON body.
async fn declare_too_much(app: &TestApp, path: &str, headers: &[(&str, String)]) -> (u16, Value) {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         content-length: {DECLARED}\r\nconnection: close\r\n",
        app.addr
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n{}");
    let exchange = async {
        let mut stream = TcpStream::connect(app.addr).await.expect("connect");
        stream.write_all(head.as_bytes()).await.expect("send");
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .expect("read the answer");
        answer
    };
    let answer = tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .unwrap_or_else(|_| panic!("POST {path}: no answer within 5 s"));
    let answer = String::from_utf8(answer).expect("a UTF-8 answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
    (status, body)
}

#[tokio::test]
async fn a_body_declared_over_the_limit_is_refused_at_once_on_every_surface() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.request_timeout = 60).await;

    let oa = Oa::default(&app).await;
    let (status, body) = declare_too_much(&app, "/openapi/crm/add", &oa.headers()).await;
    assert_eq!(
        (status, &body["code"]),
        (413, &Value::from("413")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("size limit"),
        "{body}"
    );

    let dt = Dt::new(&app).await;
    let (status, body) =
        declare_too_much(&app, &dt.url("/crm/customer/create?user_id=li"), &[]).await;
    assert_eq!(
        (status, &body["errcode"]),
        (200, &Value::from(41101)),
        "{body}"
    );

    for path in ["/_emulator/dingtalk/corps", "/_emulator/import"] {
        let (status, body) = declare_too_much(&app, path, &[]).await;
        assert_eq!(status, 413, "{path}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("size limit"),
            "{body}"
        );
    }
}
