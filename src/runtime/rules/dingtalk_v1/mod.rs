//! The DingTalk v1.0 API's rules (docs/dingtalk-v1.md): the request's path, method,
//! token and head here, its body, fields and records in `body`, the emulator's guesses
//! where the SDK's models are silent in `guesses`. Each answers an HTTP status with the
//! v1.0 `code`.

mod body;
mod guesses;

pub use body::*;
pub use guesses::*;

use super::{
    Answer::Code,
    Enforced::Always,
    Provenance::{Convention, Emulator},
    Rule, NO_OPERATION,
};
use crate::http::Api::DingTalkV1;

/// Where the codes come from, for the rules whose only source is the code table.
pub(super) const CODES: &str = "The v1.0 error codes of DingTalk's server API \
                                (docs/dingtalk-v1.md#envelope-and-errors)";

pub static PATH_KNOWN: Rule = Rule {
    id: "dingtalk-v1.path.known",
    api: DingTalkV1,
    scope: NO_OPERATION,
    provenance: Convention,
    enforced: Always,
    source: "resource.not.found in DingTalk's global error codes (服务端API错误码); its \
             status, 404, is the emulator's choice",
    summary: "A path under /v1.0/ the emulator does not have: 404 resource.not.found.",
    lenient: "",
    answer: Code(404, "resource.not.found"),
};

pub static METHOD_KNOWN: Rule = Rule {
    id: "dingtalk-v1.method.known",
    api: DingTalkV1,
    scope: NO_OPERATION,
    provenance: Emulator,
    enforced: Always,
    source: "No public source shows the answer to a wrong method; the emulator answers \
             it as an unknown path (the gateway routes by method and path)",
    summary: "A known path under /v1.0/ called with another method: 404 \
              resource.not.found.",
    lenient: "",
    answer: Code(404, "resource.not.found"),
};

pub static URI_SIZE: Rule = Rule {
    id: "dingtalk-v1.uri.size",
    api: DingTalkV1,
    scope: &["*"],
    provenance: Emulator,
    enforced: Always,
    source: "HTTP lets a server refuse a URI longer than it will read (RFC 9110 \
             §15.5.15); the v1.0 codes have none for it, so param.error",
    summary: "A URI (path and query) over 8 KiB: 400 param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static HEADERS_SIZE: Rule = Rule {
    id: "dingtalk-v1.headers.size",
    api: DingTalkV1,
    scope: &["*"],
    provenance: Emulator,
    enforced: Always,
    source: "HTTP lets a server refuse header fields larger than it wishes to process \
             (RFC 9110 §5.4); the v1.0 codes have none for it, so param.error",
    summary: "More than 100 header fields, or over 64 KiB of them: 400 param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static TOKEN_REQUIRED: Rule = Rule {
    id: "dingtalk-v1.token.required",
    api: DingTalkV1,
    scope: &["* /v1.0/crm/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Every v1.0 CRM call sends x-acs-dingtalk-access-token (the SDK's Headers \
             models); the code for its absence is a guess after the unknown token's",
    summary: "A /v1.0/crm/ call without the x-acs-dingtalk-access-token header: 400 \
              InvalidAuthentication.",
    lenient: "",
    answer: Code(400, "InvalidAuthentication"),
};

pub static TOKEN_KNOWN: Rule = Rule {
    id: "dingtalk-v1.token.known",
    api: DingTalkV1,
    scope: &["* /v1.0/crm/*"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's v1.0 gateway answers an unknown or JSON-quoted token with \
             InvalidAuthentication 不合法的access_token, as public SDK issues show",
    summary: "A token no corp was given, or one sent JSON-quoted (\"\\\"abc\\\"\"): 400 \
              InvalidAuthentication.",
    lenient: "",
    answer: Code(400, "InvalidAuthentication"),
};

pub static TOKEN_FRESH: Rule = Rule {
    id: "dingtalk-v1.token.fresh",
    api: DingTalkV1,
    scope: &["* /v1.0/crm/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Tokens expire after expireIn seconds; no public source shows the code for \
             an expired one, so the unknown token's",
    summary: "A token past its expiry (the emulator's clock): 400 InvalidAuthentication.",
    lenient: "",
    answer: Code(400, "InvalidAuthentication"),
};

pub static TOKEN_CREDENTIALS: Rule = Rule {
    id: "dingtalk-v1.token.credentials",
    api: DingTalkV1,
    scope: &["POST /v1.0/oauth2/accessToken"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's POST /v1.0/oauth2/accessToken, in public captures: \
             invalidClientIdOrSecret 无效的clientId或者clientSecret",
    summary: "/v1.0/oauth2/accessToken with an appKey no corp has, or a wrong appSecret: \
              400 invalidClientIdOrSecret.",
    lenient: "",
    answer: Code(400, "invalidClientIdOrSecret"),
};

pub static RATE_LIMIT: Rule = Rule {
    id: "dingtalk-v1.rate-limit",
    api: DingTalkV1,
    scope: &["* /v1.0/crm/*"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's per-app call limits (the old API's 45009); the v1.0 code \
             Forbidden.AccessDenied.QpsLimitForApi 请求过于频繁, as public client code handles it",
    summary: "More calls of one route in a minute than the corp's rateLimitPerMinute \
              (only for corps that have one): 403 Forbidden.AccessDenied.QpsLimitForApi.",
    lenient: "",
    answer: Code(403, "Forbidden.AccessDenied.QpsLimitForApi"),
};

/// Every DingTalk v1.0 rule, in the order `GET /_emulator/rules` lists them (the order
/// the checks run in).
pub static RULES: &[&Rule] = &[
    &PATH_KNOWN,
    &METHOD_KNOWN,
    &URI_SIZE,
    &HEADERS_SIZE,
    &TOKEN_REQUIRED,
    &TOKEN_KNOWN,
    &TOKEN_FRESH,
    &TOKEN_CREDENTIALS,
    &RATE_LIMIT,
    &QUERY_FORM,
    &BODY_REQUIRED,
    &BODY_JSON,
    &BODY_SIZE,
    &TEXT_NUL,
    &FIELD_REQUIRED,
    &FIELD_SHAPE,
    &FIELD_NUMBER,
    &FIELD_LENGTH,
    &USER_ID_LENGTH,
    &UPDATE_EMPTY,
    &RELATION_TYPE_KNOWN,
    &OBJECT_TYPE_KNOWN,
    &ROLE_TYPE_KNOWN,
    &MAX_RESULTS_RANGE,
    &NEXT_TOKEN_FORM,
    &QUERY_DSL_FORM,
    &QUERY_DSL_FILTER_TYPE,
    &BATCH_SIZE,
    &CONTACT_RELATED_CUSTOMER,
    &EMPLOYEE_KNOWN,
    &RECORD_KNOWN,
    &CUSTOMER_DUPLICATE_NAME,
];
