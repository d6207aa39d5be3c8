//! The OpenAPI API's rules (`docs/openapi.md`, after 《CRM客户管理接口》): the request's
//! transport, signature and body here, the request head's in `head`, the record's in
//! `record`, the list's and the search's in `list`.

mod head;
mod list;
mod record;

pub use head::*;
pub use list::*;
pub use record::*;

use super::{
    Answer::Status,
    Enforced::{Always, Strict},
    Provenance::{Convention, Emulator, Seed},
    Rule, NO_OPERATION,
};
use crate::http::Api::OpenApi;

const HTTP: &str =
    "HTTP's own status codes (RFC 9110), which the `code` of 《CRM客户管理接口》's envelope mirrors";

pub static PATH_KNOWN: Rule = Rule {
    id: "openapi.path.known",
    api: OpenApi,
    scope: NO_OPERATION,
    provenance: Convention,
    enforced: Always,
    source: HTTP,
    summary: "A path under /openapi/ the API does not have: 404.",
    lenient: "",
    answer: Status(404),
};

pub static METHOD: Rule = Rule {
    id: "openapi.method",
    api: OpenApi,
    scope: NO_OPERATION,
    provenance: Convention,
    enforced: Always,
    source: HTTP,
    summary: "A method the endpoint does not take (every one takes POST; the find by \
              id takes GET too): 405.",
    lenient: "",
    answer: Status(405),
};

pub static AUTH_HEADERS: Rule = Rule {
    id: "openapi.auth.headers",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Every request of 《CRM客户管理接口》 sends \"--header 'appid: 1090' --header 'nonce: \
             123456' --header 'timestamp: 1687792901' --header 'signature: …'\"; it never \
             says they are required, but a request without them cannot be authenticated, \
             and every signed API refuses such a request",
    summary: "A request without appid, nonce, timestamp or signature (with \
              --signature-mode off, without appid): 401.",
    lenient: "",
    answer: Status(401),
};

pub static AUTH_HEADER_TEXT: Rule = Rule {
    id: "openapi.auth.header-text",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "A header that is not visible ASCII cannot be part of the string-to-sign as sent",
    summary: "A signature header that is not visible ASCII text: 401.",
    lenient: "",
    answer: Status(401),
};

pub static AUTH_APPID: Rule = Rule {
    id: "openapi.auth.appid",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "The emulator infers that the appid names the account (《CRM客户管理接口》's \
             answers to \"appid: 1090\" carry \"accountId\": \"1090\"); an appid no \
             account has leaves no secret to check the signature with, and every signed \
             API refuses an unknown caller",
    summary: "An appid no account has: 401.",
    lenient: "",
    answer: Status(401),
};

pub static AUTH_TIMESTAMP: Rule = Rule {
    id: "openapi.auth.timestamp",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "《CRM客户管理接口》's timestamps are Unix seconds (1687792901); the window is the \
             emulator's (--signature-window, default 300 s), and every signed API refuses a \
             timestamp outside its window. Like the signature it is governed by \
             --signature-mode (off skips it), not by the tenant's mode",
    summary: "A timestamp that is not 10-digit seconds or 13-digit milliseconds, or \
              lies outside the window of the emulator's clock: 401.",
    lenient: "",
    answer: Status(401),
};

pub static AUTH_SIGNATURE: Rule = Rule {
    id: "openapi.auth.signature",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "《CRM客户管理接口》 never names its signing scheme: its signatures are 44 \
             characters of Base64 (32 bytes, the size of an HMAC-SHA256), and it shows one \
             signature for different paths and bodies with the same appid, nonce and \
             timestamp, so the emulator signs those three (docs/openapi.md#authentication). \
             Every signed API refuses a signature that does not verify. Governed by \
             --signature-mode, not by the tenant's mode: lenient serves a mismatch with \
             this rule's warning, off checks nothing",
    summary: "A signature that is not Base64(HMAC-SHA256(secret, appid + nonce + \
              timestamp)); the message shows the string-to-sign: 401.",
    lenient: "",
    answer: Status(401),
};

pub static NONCE_ONCE: Rule = Rule {
    id: "openapi.nonce.once",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 says nothing of replays, and its own examples reuse \"nonce: \
             123456\" with one timestamp on different endpoints",
    summary: "An (appid, nonce, timestamp) used before within the window: 401.",
    lenient: "served",
    answer: Status(401),
};

pub static NONCE_LENGTH: Rule = Rule {
    id: "openapi.nonce.length",
    api: OpenApi,
    scope: &["* /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Replay records are keyed by the nonce, and a database index holds at most \
             about 2700 bytes of a key (Postgres's B-tree); 《CRM客户管理接口》's nonce is 6 \
             digits",
    summary: "A nonce over 500 characters, which the replay records cannot index: 401.",
    lenient: "",
    answer: Status(401),
};

pub static BODY_SIZE: Rule = Rule {
    id: "openapi.body.size",
    api: OpenApi,
    scope: &["POST /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "The emulator's --max-body-bytes (default 1 MiB)",
    summary: "A body over the size limit: 413.",
    lenient: "",
    answer: Status(413),
};

pub static BODY_EMPTY: Rule = Rule {
    id: "openapi.body.empty",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/add",
        "POST /openapi/crm/update",
        "POST /openapi/crm/delete",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "An add, update or delete without a body has nothing to do",
    summary: "An add, update or delete without a body: 400.",
    lenient: "",
    answer: Status(400),
};

pub static BODY_JSON: Rule = Rule {
    id: "openapi.body.json",
    api: OpenApi,
    scope: &["POST /openapi/*"],
    provenance: Seed,
    enforced: Always,
    source: "《CRM客户管理接口》 sends every body as JSON: \"--header 'Content-Type: \
             application/json' --data '{ \"_id\": \"685775898716000256\", \"customerName\": \
             \"testCustomer\" }'\"",
    summary: "A body that is not well-formed JSON: 400.",
    lenient: "",
    answer: Status(400),
};

pub static TEXT_NUL: Rule = Rule {
    id: "openapi.text.nul",
    api: OpenApi,
    scope: &["POST /openapi/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Postgres cannot store a NUL character in text, and SQLite can: refusing it \
             from every account keeps the two backends alike",
    summary: "A NUL character (\\u0000) in a string or key of the body: 400 naming the \
              field.",
    lenient: "",
    answer: Status(400),
};

pub static BODY_CONTENT_TYPE: Rule = Rule {
    id: "openapi.body.content-type",
    api: OpenApi,
    scope: &["POST /openapi/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 sends \"Content-Type: application/json\" but never says \
             what another type gets",
    summary: "A body sent with a Content-Type other than application/json (or \
              +json): 415.",
    lenient: "parsed as JSON",
    answer: Status(415),
};

pub static BODY_SHAPE: Rule = Rule {
    id: "openapi.body.shape",
    api: OpenApi,
    scope: &["POST /openapi/*"],
    provenance: Seed,
    enforced: Always,
    source: "《CRM客户管理接口》's bodies are JSON objects of these shapes: \"--data '{ \
             \"limit\": 1, \"page\": 1, \"search\": [ { \"field\": \"openSeaIds\", \"value\": \
             [], \"operator\": \"empty\" } ] }'\"; the field list's filters \"name字段名称String\", \
             \"category字段分类List<String>\", \"type字段类型List<String>\", \
             \"enabled停用/启用状态Boolean\", \"editable…Boolean\"",
    summary: "A body that is not a JSON object, a search that is not a list of \
              {field, operator, value[]} objects, or a field-list filter of the wrong JSON \
              type: 400.",
    lenient: "",
    answer: Status(400),
};

pub static REQUEST_UNKNOWN_KEY: Rule = Rule {
    id: "openapi.request.unknown-key",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/list",
        "POST /openapi/crm/delete",
        "POST /openapi/crm/config/field/list",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 lists the keys of the list, delete and field-list bodies; \
             it never says what another key gets",
    summary: "A key the list, delete or field-list body does not have (or a search \
              item or sort key it does not have): 400.",
    lenient: "ignored",
    answer: Status(400),
};

/// Every OpenAPI rule, in the order `GET /_emulator/rules` lists them.
pub static RULES: &[&Rule] = &[
    &PATH_KNOWN,
    &METHOD,
    &URI_SIZE,
    &HEADERS_SIZE,
    &AUTH_HEADERS,
    &AUTH_HEADER_TEXT,
    &AUTH_APPID,
    &AUTH_TIMESTAMP,
    &AUTH_SIGNATURE,
    &NONCE_ONCE,
    &NONCE_LENGTH,
    &BODY_SIZE,
    &BODY_EMPTY,
    &BODY_JSON,
    &TEXT_NUL,
    &BODY_CONTENT_TYPE,
    &BODY_SHAPE,
    &REQUEST_UNKNOWN_KEY,
    &RECORD_UNKNOWN_KEY,
    &ADD_READ_ONLY_KEY,
    &UPDATE_READ_ONLY_KEY,
    &DELETE_ID_KEY,
    &RECORD_ID_REQUIRED,
    &RECORD_KNOWN,
    &CUSTOMER_NAME_REQUIRED,
    &FIELD_TYPE,
    &FIELD_NUMBER,
    &FIELD_TIME_FORMAT,
    &FIELD_ONE_VALUE,
    &FIELD_BLANK,
    &FIELD_LENGTH,
    &CUSTOMER_SOURCE_CHOICE,
    &OPEN_SEA_KNOWN,
    &OWNER_OPEN_SEA,
    &ASSIGN_TIME_OWNER,
    &VALUE_TYPE,
    &VALUE_FORMAT,
    &SELECT_CHOICE,
    &FIELD_REQUIRED,
    &FIELD_DISABLED,
    &LIST_LIMIT,
    &LIST_PAGE,
    &LIST_PAGING,
    &LIST_SORT,
    &SEARCH_OPERATOR_CASE,
    &SEARCH_OPERATOR,
    &SEARCH_FIELD,
    &SEARCH_SEARCHABLE,
    &SEARCH_VALUE,
    &SEARCH_SIZE,
    &FIELD_LIST_FILTER,
];
