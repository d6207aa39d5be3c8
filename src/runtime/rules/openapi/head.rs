//! The OpenAPI API's rules about the request head: its URI and header fields
//! (`http::head` has the limits; past what the server reads, hyper answers alone).

use super::super::{Answer::Status, Enforced::Always, Provenance::Convention, Rule};
use crate::http::Api::OpenApi;

pub static URI_SIZE: Rule = Rule {
    id: "openapi.uri.size",
    api: OpenApi,
    scope: &["*"],
    provenance: Convention,
    enforced: Always,
    source: "HTTP's 414 URI Too Long (RFC 9110 §15.5.15); recipients should take at \
             least 8,000 octets (§4.1)",
    summary: "A URI (path and query) over 8 KiB: 414.",
    lenient: "",
    answer: Status(414),
};

pub static HEADERS_SIZE: Rule = Rule {
    id: "openapi.headers.size",
    api: OpenApi,
    scope: &["*"],
    provenance: Convention,
    enforced: Always,
    source: "HTTP's 431 Request Header Fields Too Large (RFC 6585 §5, RFC 9110 §5.4)",
    summary: "More than 100 header fields, or over 64 KiB of them: 431.",
    lenient: "",
    answer: Status(431),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{http::head::*, runtime::rules::dingtalk};

    #[test]
    fn the_summaries_state_the_limits_the_check_applies() {
        let uri = format!("over {} KiB", MAX_URI_BYTES / 1024);
        let headers = format!(
            "More than {MAX_HEADER_FIELDS} header fields, or over {} KiB",
            MAX_HEADER_BYTES / 1024
        );
        for rule in [&URI_SIZE, &dingtalk::URI_SIZE] {
            assert!(rule.summary.contains(&uri), "{}", rule.summary);
        }
        for rule in [&HEADERS_SIZE, &dingtalk::HEADERS_SIZE] {
            assert!(rule.summary.contains(&headers), "{}", rule.summary);
        }
    }
}
