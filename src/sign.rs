//! `crm-emulator sign`: prints the four OpenAPI auth headers for a request, and a ready
//! `curl` command, so any client can be tried by hand (`docs/running.md#subcommands`).

use clap::Args;

use crate::signature;

#[derive(Args, Debug, Clone)]
pub struct SignArgs {
    /// The account's appid.
    #[arg(long, default_value = "1090")]
    pub appid: String,
    /// The account's secret.
    #[arg(long, default_value = "emulator-secret", hide_default_value = true)]
    pub secret: String,
    /// The nonce (default: 16 random hex digits).
    #[arg(long)]
    pub nonce: Option<String>,
    /// Unix seconds (default: now). Must be within the server's window of its clock.
    #[arg(long)]
    pub timestamp: Option<String>,
    /// URL for the printed curl command.
    #[arg(long, default_value = "http://127.0.0.1:8080/openapi/crm/list")]
    pub url: String,
    /// JSON body for the printed curl command.
    #[arg(long, default_value = "{}")]
    pub data: String,
}

/// The headers as `(name, value)` pairs, in the order the vendor document's examples send
/// them.
pub fn headers(args: &SignArgs, now_secs: i64) -> Vec<(&'static str, String)> {
    let nonce = args
        .nonce
        .clone()
        .unwrap_or_else(|| format!("{:016x}", rand::random::<u64>()));
    let timestamp = args
        .timestamp
        .clone()
        .unwrap_or_else(|| now_secs.to_string());
    let signature = signature::sign(&args.secret, &args.appid, &nonce, &timestamp);
    vec![
        ("appid", args.appid.clone()),
        ("nonce", nonce),
        ("timestamp", timestamp),
        ("signature", signature),
    ]
}

/// The text `crm-emulator sign` prints: one `name: value` line per header, a blank
/// line, and a curl command that sends them.
pub fn render(args: &SignArgs, now_secs: i64) -> String {
    let headers = headers(args, now_secs);
    let mut out = String::new();
    for (name, value) in &headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push_str(&format!("\ncurl -sS -X POST {}", shell_quote(&args.url)));
    for (name, value) in &headers {
        out.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("{name}: {value}"))
        ));
    }
    out.push_str(" \\\n  -H 'Content-Type: application/json'");
    out.push_str(&format!(" \\\n  --data {}\n", shell_quote(&args.data)));
    out
}

/// Single-quotes `s` for POSIX shells.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> SignArgs {
        SignArgs {
            appid: "1090".into(),
            secret: "emulator-secret".into(),
            nonce: Some("123456".into()),
            timestamp: Some("1687792901".into()),
            url: "http://127.0.0.1:8080/openapi/crm/list".into(),
            data: r#"{"name":"it's"}"#.into(),
        }
    }

    #[test]
    fn prints_the_four_headers_and_a_quoted_curl_line() {
        let text = render(&args(), 0);
        assert!(text.starts_with(
            "appid: 1090\nnonce: 123456\ntimestamp: 1687792901\nsignature: m6eyk68cAHHxAzVVjhk6diewO1tl6Sl/fltf21jfsyg=\n"
        ));
        assert!(text.contains(r#"--data '{"name":"it'\''s"}'"#), "{text}");
    }

    #[test]
    fn defaults_are_a_fresh_nonce_and_now() {
        let mut a = args();
        a.nonce = None;
        a.timestamp = None;
        let h = headers(&a, 1_700_000_000);
        assert_eq!(h[1].1.len(), 16);
        assert_eq!(h[2].1, "1700000000");
        assert_ne!(headers(&a, 0)[1].1, h[1].1);
    }
}
