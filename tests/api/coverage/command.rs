//! `crm-emulator coverage`, the real binary, against a running emulator: thresholds,
//! `--require`, the three formats (JUnit parsed as XML) and the exit codes 0, 1 and 2.

use std::process::{Command, Output};

use serde_json::Value;

use super::*;
use crate::both_backends;

/// Runs `crm-emulator coverage` with `args` to its end.
async fn coverage(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_crm-emulator"))
            .arg("coverage")
            .args(&args)
            .env_remove("CRM_EMULATOR_ADMIN_TOKEN")
            .output()
            .expect("run crm-emulator coverage")
    })
    .await
    .expect("the command's thread")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A corp with a known mix: its token fetched, one wrong secret, one list.
async fn mix(app: &TestApp) {
    corp(app, "covcorp", "lenient", None).await;
    let token = token(app, "covcorp").await;
    let _ = app
        .get_json("/gettoken?corpid=covcorp&corpsecret=wrong")
        .await;
    let _ = app
        .get_json(&format!("/crm/customer/list?access_token={token}"))
        .await;
}

both_backends! {
    async fn thresholds_and_required_outcomes_decide_the_exit_code(app: TestApp) {
        mix(&app).await;
        let url = app.url("");
        let base = ["--url", url.as_str(), "--api", "dingtalk"];
        let run = |extra: &'static [&'static str]| {
            let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
            async move { coverage(&args).await }
        };
        let passed = run(&[]).await;
        assert_eq!(code(&passed), 0, "{}", stderr(&passed));
        let text = stdout(&passed);
        assert!(text.contains("✓ GET /crm/customer/list"), "{text}");
        assert!(text.contains("✗ POST /crm/customer/create"), "{text}");
        assert!(text.contains("missing errcode 42001: the access_token expired"), "{text}");
        assert!(text.contains(r#"how: {"clock":{"advanceSeconds":7201}}"#), "{text}");
        assert!(text.contains("operations covered: 2 of 11"), "{text}");

        // 2 of 11 operations is 18.2 %.
        assert_eq!(code(&run(&["--min-operations", "18"]).await), 0);
        let below = run(&["--min-operations", "100"]).await;
        assert_eq!(code(&below), 1);
        assert!(stderr(&below).contains("--min-operations 100"), "{}", stderr(&below));
        assert_eq!(code(&run(&["--min-outcomes", "100"]).await), 1);
        assert_eq!(code(&run(&["--min-outcomes", "1"]).await), 0);

        let required = run(&["--require", "errcode 42001"]).await;
        assert_eq!(code(&required), 1);
        assert!(stderr(&required).contains("\"errcode 42001\" was never met"), "{}", stderr(&required));
        assert_eq!(code(&run(&["--require", "errcode 40089,ok"]).await), 0);
        assert_eq!(code(&run(&["--require", "ok,errcode -1"]).await), 1);
    }

    async fn json_is_the_report_and_junit_has_a_testcase_per_operation(app: TestApp) {
        mix(&app).await;
        let url = app.url("");
        let json = coverage(&["--url", &url, "--api", "dingtalk", "--format", "json"]).await;
        assert_eq!(code(&json), 0);
        let printed: Value = serde_json::from_str(&stdout(&json)).expect("JSON");
        let served = report(&app, "?api=dingtalk").await;
        assert_eq!(printed["summary"], served["summary"]);
        assert_eq!(printed["operations"], served["operations"]);

        let junit = coverage(&["--url", &url, "--format", "junit", "--min-operations", "50"]).await;
        assert_eq!(code(&junit), 1, "{}", stderr(&junit));
        let root = xml::parse(&stdout(&junit)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&junit)));
        assert_eq!(root.name, "testsuites");
        let cases: Vec<&xml::Element> = root.children.iter()
            .flat_map(|suite| suite.children.iter()).collect();
        let operations: Vec<&Value> = served["operations"].as_array().unwrap().iter().collect();
        assert_eq!(cases.len(), operations.len(), "one testcase per operation");
        for (case, operation) in cases.iter().zip(&operations) {
            assert_eq!(case.name, "testcase");
            assert_eq!(case.attribute("name"), operation["operation"].as_str());
            let covered = counted(operation).iter().any(|(o, ..)| o == "ok");
            let failure = case.children.iter().find(|c| c.name == "failure");
            assert_eq!(failure.is_some(), !covered, "{:?}", case.attribute("name"));
        }
        assert_eq!(root.attribute("tests"), Some("11"));
        assert_eq!(root.attribute("failures"), Some("9"));
        let suite = &root.children[0];
        assert_eq!((suite.name.as_str(), suite.attribute("name")), ("testsuite", Some("dingtalk")));
        let create = cases.iter().find(|c| c.attribute("name") == Some("POST /crm/customer/create")).unwrap();
        let text = &create.children[0].text;
        assert!(text.contains("missing errcode -1: the service failed"), "{text}");
        assert!(text.contains(r#""path":"/crm/customer/create""#), "{text}");
    }

    async fn an_unreachable_or_refusing_server_exits_2(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| c.admin_token = Some("t0k".parse().unwrap())).await;
        let url = app.url("");
        let refused = coverage(&["--url", &url]).await;
        assert_eq!(code(&refused), 2);
        assert!(stderr(&refused).contains("401"), "{}", stderr(&refused));
        let admitted = coverage(&["--url", &url, "--admin-token", "t0k"]).await;
        assert_eq!(code(&admitted), 0, "{}", stderr(&admitted));
        let bad_api = coverage(&["--url", &url, "--admin-token", "t0k", "--api", "admin"]).await;
        assert_eq!(code(&bad_api), 2);
        assert!(stderr(&bad_api).contains("api must be"), "{}", stderr(&bad_api));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let unreachable = coverage(&["--url", &format!("http://127.0.0.1:{port}")]).await;
        assert_eq!(code(&unreachable), 2);
        assert!(stderr(&unreachable).contains("cannot connect"), "{}", stderr(&unreachable));
    }
}

/// A strict reader of the XML the command prints: a prolog, elements with quoted
/// attributes, text, the five entities; anything else is an error.
mod xml {
    #[derive(Debug, Default)]
    pub struct Element {
        pub name: String,
        pub attributes: Vec<(String, String)>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn attribute(&self, name: &str) -> Option<&str> {
            self.attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    pub fn parse(text: &str) -> Result<Element, String> {
        let rest = text
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .ok_or("no prolog")?;
        let (root, rest) = element(rest.trim_start())?;
        match rest.trim().is_empty() {
            true => Ok(root),
            false => Err(format!("text after the root: {rest:?}")),
        }
    }

    fn unescape(text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            let end = rest[at..].find(';').ok_or("an unterminated entity")? + at;
            out.push(match &rest[at + 1..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                other => return Err(format!("unknown entity &{other};")),
            });
            rest = &rest[end + 1..];
        }
        if rest.contains('<') {
            return Err("a raw < in text".into());
        }
        out.push_str(rest);
        Ok(out)
    }

    fn name_end(text: &str) -> usize {
        text.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(text.len())
    }

    fn element(text: &str) -> Result<(Element, &str), String> {
        let rest = text.strip_prefix('<').ok_or("expected <")?;
        let end = name_end(rest);
        let mut node = Element {
            name: rest[..end].to_owned(),
            ..Element::default()
        };
        if node.name.is_empty() {
            return Err("an element without a name".into());
        }
        let mut rest = &rest[end..];
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix("/>") {
                return Ok((node, after));
            }
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let end = name_end(rest);
            let name = rest[..end].to_owned();
            let value = rest[end..]
                .strip_prefix("=\"")
                .ok_or(format!("attribute {name} unquoted"))?;
            let close = value.find('"').ok_or("an unterminated attribute")?;
            node.attributes.push((name, unescape(&value[..close])?));
            rest = &value[close + 1..];
        }
        loop {
            let next = rest.find('<').ok_or(format!("</{}> missing", node.name))?;
            node.text.push_str(&unescape(&rest[..next])?);
            rest = &rest[next..];
            if let Some(after) = rest.strip_prefix("</") {
                let after = after
                    .strip_prefix(node.name.as_str())
                    .ok_or("a mismatched end tag")?;
                let after = after.strip_prefix('>').ok_or("a malformed end tag")?;
                return Ok((node, after));
            }
            let (child, after) = element(rest)?;
            node.children.push(child);
            rest = after;
        }
    }
}
