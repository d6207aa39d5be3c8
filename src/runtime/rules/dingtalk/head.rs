//! The DingTalk API's rules about the request head: its URI and header fields
//! (`http::head` has the limits; past what the server reads, hyper answers alone).

use super::super::{Answer::Errcode, Enforced::Always, Provenance::Convention, Rule};
use crate::http::Api::DingTalk;

pub static URI_SIZE: Rule = Rule {
    id: "dingtalk.uri.size",
    api: DingTalk,
    scope: &["*"],
    provenance: Convention,
    enforced: Always,
    source: "HTTP lets a server refuse a URI longer than it will read (RFC 9110 \
             §15.5.15; recipients should take at least 8,000 octets, §4.1); 41101 in \
             DingTalk's global codes",
    summary: "A URI (path and query) over 8 KiB: 41101 数据内容过长.",
    lenient: "",
    answer: Errcode(41101),
};

pub static HEADERS_SIZE: Rule = Rule {
    id: "dingtalk.headers.size",
    api: DingTalk,
    scope: &["*"],
    provenance: Convention,
    enforced: Always,
    source: "HTTP lets a server refuse header fields larger than it wishes to process \
             (RFC 9110 §5.4, RFC 6585 §5); 41101 in DingTalk's global codes",
    summary: "More than 100 header fields, or over 64 KiB of them: 41101 数据内容过长.",
    lenient: "",
    answer: Errcode(41101),
};
