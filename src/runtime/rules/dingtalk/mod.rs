//! The DingTalk API's rules (`docs/dingtalk.md`, after 《客户通讯录接口（暂未开放）》): the request's
//! path, method, token and query here, its head (URI and header fields) in `head`, its
//! body and fields in `body`.

mod body;
mod head;

pub use body::*;
pub use head::*;

use super::{
    Answer::Errcode,
    Enforced::{Always, Strict},
    Provenance::{Convention, Emulator, Seed},
    Rule, NO_OPERATION,
};
use crate::http::Api::DingTalk;

pub(super) const GLOBAL_CODES: &str =
    "DingTalk's global error codes (服务端API错误码); docs/dingtalk.md#envelope-and-errors \
     lists those the emulator answers";

pub static PATH_KNOWN: Rule = Rule {
    id: "dingtalk.path.known",
    api: DingTalk,
    scope: NO_OPERATION,
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "A path the API does not have: 404 请求的URI地址不存在.",
    lenient: "",
    answer: Errcode(404),
};

pub static METHOD_GET: Rule = Rule {
    id: "dingtalk.method.get",
    api: DingTalk,
    scope: NO_OPERATION,
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "Any method but GET on a GET endpoint (/gettoken, /crm/customer/get, \
              /crm/customer/list): 43001 需要GET请求.",
    lenient: "",
    answer: Errcode(43001),
};

pub static METHOD_POST: Rule = Rule {
    id: "dingtalk.method.post",
    api: DingTalk,
    scope: NO_OPERATION,
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "Any method but POST on a POST endpoint: 43002 需要POST请求.",
    lenient: "",
    answer: Errcode(43002),
};

pub static GETTOKEN_KEY: Rule = Rule {
    id: "dingtalk.gettoken.key",
    api: DingTalk,
    scope: &["GET /gettoken"],
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "/gettoken without corpid (or appkey): 41002 缺少corpid参数.",
    lenient: "",
    answer: Errcode(41002),
};

pub static GETTOKEN_SECRET: Rule = Rule {
    id: "dingtalk.gettoken.secret",
    api: DingTalk,
    scope: &["GET /gettoken"],
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "/gettoken with corpid but no corpsecret (or appkey but no appsecret): \
              41004.",
    lenient: "",
    answer: Errcode(41004),
};

pub static GETTOKEN_CREDENTIALS: Rule = Rule {
    id: "dingtalk.gettoken.credentials",
    api: DingTalk,
    scope: &["GET /gettoken"],
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "/gettoken with a key and secret no corp has: 40089 \
              不合法的corpid或corpsecret.",
    lenient: "",
    answer: Errcode(40089),
};

pub static TOKEN_REQUIRED: Rule = Rule {
    id: "dingtalk.token.required",
    api: DingTalk,
    scope: &["* /crm/*"],
    provenance: Seed,
    enforced: Always,
    source: "《客户通讯录接口（暂未开放）》: \"access_token | String | 是 | 调用接口凭证\" \
             (every /crm/ call)",
    summary: "A /crm/ call without the access_token query parameter: 41001.",
    lenient: "",
    answer: Errcode(41001),
};

pub static TOKEN_KNOWN: Rule = Rule {
    id: "dingtalk.token.known",
    api: DingTalk,
    scope: &["* /crm/*"],
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "An access_token no corp was given: 40014 不合法的access_token.",
    lenient: "",
    answer: Errcode(40014),
};

pub static TOKEN_FRESH: Rule = Rule {
    id: "dingtalk.token.fresh",
    api: DingTalk,
    scope: &["* /crm/*"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's 获取企业内部应用的access_token (服务端开发文档): a token is valid for \
             7200 s and fetching it again within that time returns it renewed \
             (docs/dingtalk.md#tokens); 42001 access_token超时 in the global error codes",
    summary: "An access_token past its expiry (the emulator's clock): 42001 \
              access_token超时.",
    lenient: "",
    answer: Errcode(42001),
};

pub static RATE_LIMIT: Rule = Rule {
    id: "dingtalk.rate-limit",
    api: DingTalk,
    scope: &["* /crm/*"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's 调用频率限制 (服务端开发文档) limits the calls of one app to one \
             endpoint per minute (1500 by default); 45009 接口调用超过限制 in the global error \
             codes",
    summary: "More calls of one endpoint in a minute than the corp's \
              rateLimitPerMinute (only for corps that have one): 45009.",
    lenient: "",
    answer: Errcode(45009),
};

pub static QUERY_FORM: Rule = Rule {
    id: "dingtalk.query.form",
    api: DingTalk,
    scope: &["*"],
    provenance: Emulator,
    enforced: Always,
    source: "A parameter given twice (access_token=a&access_token=b) names two values where \
             the endpoint takes one, and servers differ on which they take (the first, the \
             last, or both joined), so the request cannot be served as meant; DingTalk's \
             documents never send one twice, and 40035 is its code for an invalid parameter",
    summary: "A query string that cannot be read, such as a parameter given twice: 40035 \
              不合法的参数 naming it.",
    lenient: "",
    answer: Errcode(40035),
};

pub static USER_ID_REQUIRED: Rule = Rule {
    id: "dingtalk.user-id.required",
    api: DingTalk,
    scope: &["POST /crm/customer/*", "POST /crm/contact/*"],
    provenance: Seed,
    enforced: Always,
    source: "《客户通讯录接口（暂未开放）》: \"user_id | String | 是 | 员工在企业内的userid\" \
             (every customer and contact write)",
    summary: "A customer or contact write without user_id: 41009 缺少UserID.",
    lenient: "",
    answer: Errcode(41009),
};

pub static EMPLOYEE_KNOWN: Rule = Rule {
    id: "dingtalk.employee.known",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》 never says what an unknown user_id or userId \
             does; CRM apps are often tried before the corp's directory is synced \
             (docs/dingtalk.md#employees)",
    summary: "A user_id or userId not in the corp's employee directory: 60121 \
              找不到该用户.",
    lenient: "the employee is added to the directory",
    answer: Errcode(60121),
};

/// Every DingTalk rule, in the order `GET /_emulator/rules` lists them.
pub static RULES: &[&Rule] = &[
    &PATH_KNOWN,
    &METHOD_GET,
    &METHOD_POST,
    &URI_SIZE,
    &HEADERS_SIZE,
    &GETTOKEN_KEY,
    &GETTOKEN_SECRET,
    &GETTOKEN_CREDENTIALS,
    &TOKEN_REQUIRED,
    &TOKEN_KNOWN,
    &TOKEN_FRESH,
    &RATE_LIMIT,
    &QUERY_FORM,
    &USER_ID_REQUIRED,
    &EMPLOYEE_KNOWN,
    &BODY_CONTENT_TYPE,
    &BODY_EMPTY,
    &BODY_JSON,
    &TEXT_NUL,
    &BODY_SIZE,
    &BODY_SHAPE,
    &FIELD_REQUIRED,
    &CONTACT_CUSTOMER,
    &CONTACT_NAME,
    &FIELD_TYPE,
    &FIELD_NUMBER,
    &FIELD_BLANK,
    &USER_IDS_BLANK,
    &FIELD_LENGTH,
    &USER_ID_LENGTH,
    &RECORD_KNOWN,
    &IDS_ONE_KEY,
    &CONTACT_CREATE_OR_UPDATE,
    &GET_ID,
    &LIST_PAGING,
    &LIST_NUMBER,
];
