//! The DingTalk API's rules (SPEC §1, `seeds/dingtalk-crm-api.md`): the request head's
//! in `head`, the others here.

mod head;

pub use head::*;

use super::{
    Answer::Errcode,
    Enforced::{Always, Strict},
    Provenance::{Convention, Emulator, Seed},
    Rule,
};
use crate::http::Api::DingTalk;

const GLOBAL_CODES: &str = "DingTalk's global error codes (服务端API错误码), which SPEC §1.1 lists";

pub static PATH_KNOWN: Rule = Rule {
    id: "dingtalk.path.known",
    api: DingTalk,
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
    provenance: Seed,
    enforced: Always,
    source: "\"access_token | String | 是 | 调用接口凭证\" (every /crm/ call)",
    summary: "A /crm/ call without the access_token query parameter: 41001.",
    lenient: "",
    answer: Errcode(41001),
};

pub static TOKEN_KNOWN: Rule = Rule {
    id: "dingtalk.token.known",
    api: DingTalk,
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
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's access tokens expire after 7200 s (SPEC §1.2); 42001 in the global codes",
    summary: "An access_token past its expiry (the emulator's clock): 42001 \
              access_token超时.",
    lenient: "",
    answer: Errcode(42001),
};

pub static RATE_LIMIT: Rule = Rule {
    id: "dingtalk.rate-limit",
    api: DingTalk,
    provenance: Convention,
    enforced: Always,
    source: "DingTalk limits calls per app and endpoint (default 1500 a minute); 45009 in \
             the global codes",
    summary: "More calls of one endpoint in a minute than the corp's \
              rateLimitPerMinute (only for corps that have one): 45009.",
    lenient: "",
    answer: Errcode(45009),
};

pub static QUERY_FORM: Rule = Rule {
    id: "dingtalk.query.form",
    api: DingTalk,
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "A query string that cannot be read: 40035 不合法的参数.",
    lenient: "",
    answer: Errcode(40035),
};

pub static USER_ID_REQUIRED: Rule = Rule {
    id: "dingtalk.user-id.required",
    api: DingTalk,
    provenance: Seed,
    enforced: Always,
    source: "\"user_id | String | 是 | 员工在企业内的userid\" (every customer and contact write)",
    summary: "A customer or contact write without user_id: 41009 缺少UserID.",
    lenient: "",
    answer: Errcode(41009),
};

pub static EMPLOYEE_KNOWN: Rule = Rule {
    id: "dingtalk.employee.known",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed never says what an unknown user_id or userId does; CRM apps are \
             often tried before the corp's directory is synced (SPEC §1.4)",
    summary: "A user_id or userId not in the corp's employee directory: 60121 \
              找不到该用户.",
    lenient: "the employee is added to the directory",
    answer: Errcode(60121),
};

pub static BODY_CONTENT_TYPE: Rule = Rule {
    id: "dingtalk.body.content-type",
    api: DingTalk,
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's server APIs take JSON bodies; 43004 in the global codes",
    summary: "A POST body not sent as application/json (the deletes also take \
              application/x-www-form-urlencoded): 43004.",
    lenient: "",
    answer: Errcode(43004),
};

pub static BODY_EMPTY: Rule = Rule {
    id: "dingtalk.body.empty",
    api: DingTalk,
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "A POST without a body: 44002 POST的数据包为空.",
    lenient: "",
    answer: Errcode(44002),
};

pub static BODY_JSON: Rule = Rule {
    id: "dingtalk.body.json",
    api: DingTalk,
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "A body that is not well-formed JSON: 47001 解析JSON/XML内容错误.",
    lenient: "",
    answer: Errcode(47001),
};

pub static BODY_SIZE: Rule = Rule {
    id: "dingtalk.body.size",
    api: DingTalk,
    provenance: Emulator,
    enforced: Always,
    source: "The emulator's --max-body-bytes (default 1 MiB)",
    summary: "A body over the size limit: 41101 数据内容过长.",
    lenient: "",
    answer: Errcode(41101),
};

pub static BODY_SHAPE: Rule = Rule {
    id: "dingtalk.body.shape",
    api: DingTalk,
    provenance: Seed,
    enforced: Always,
    source: "\"customer | JSONObject\", \"contacts | JSONObject\", \"userIds | String[]\", \
             \"id | String[]\": the seed's bodies are JSON objects of these shapes",
    summary: "A body that is not a JSON object, a customer that is not one object \
              (or an array of exactly one), contacts that are not objects, userIds \
              or ids that are not strings: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static FIELD_REQUIRED: Rule = Rule {
    id: "dingtalk.field.required",
    api: DingTalk,
    provenance: Seed,
    enforced: Always,
    source: "The seed's parameter tables: \"必须 | 是\" (e.g. customer.name, create_by, \
             id, contactid, customerId, userId, modified_by)",
    summary: "A field the seed requires is missing or null: 40035 不合法的参数.",
    lenient: "",
    answer: Errcode(40035),
};

pub static FIELD_TYPE: Rule = Rule {
    id: "dingtalk.field.type",
    api: DingTalk,
    provenance: Seed,
    enforced: Always,
    source: "The seed types every field \"String\"",
    summary: "A String field given an object, an array or a boolean: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static FIELD_NUMBER: Rule = Rule {
    id: "dingtalk.field.number",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed types every field \"String\"; the real servers are Java services \
             that convert a JSON number to its text",
    summary: "A JSON number where the seed types a String (telephone: 13800000000, \
              an epoch-ms create_by): 40035.",
    lenient: "its decimal text is used",
    answer: Errcode(40035),
};

pub static FIELD_BLANK: Rule = Rule {
    id: "dingtalk.field.blank",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed marks fields required but never says whether \"\" counts",
    summary: "A required field, or a customer field given on update, that is empty \
              or only white space: 40035.",
    lenient: "stored as sent",
    answer: Errcode(40035),
};

pub static FIELD_LENGTH: Rule = Rule {
    id: "dingtalk.field.length",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "No vendor document states lengths; the emulator's limits (names 128, address \
             256, description 1000, telephone and mobile 32, attached 500, create_by and \
             modified_by 64 characters) are SPEC §1.1's",
    summary: "A field over the emulator's length limit: 41101 数据内容过长.",
    lenient: "stored whole",
    answer: Errcode(41101),
};

pub static RECORD_KNOWN: Rule = Rule {
    id: "dingtalk.record.known",
    api: DingTalk,
    provenance: Emulator,
    enforced: Always,
    source: "A request about a record the corp does not have cannot be served; the seed \
             names no code for it, SPEC §1.1 uses 40035",
    summary: "An id that names no customer, contact or employee-customer relation of \
              the corp (another corp's id included); a delete naming one deletes \
              nothing: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static IDS_ONE_KEY: Rule = Rule {
    id: "dingtalk.ids.one-key",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed's example sends \"id[]\", its table \"id\" (\"contactid[]\" and \
             \"contactid\" for contacts); it never sends both",
    summary: "A delete with both id[] and id (or contactid[] and contactid): 40035.",
    lenient: "the id[] (contactid[]) list is used",
    answer: Errcode(40035),
};

pub static CONTACT_CREATE_OR_UPDATE: Rule = Rule {
    id: "dingtalk.contact.create-or-update",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed documents the contact update under the create URL \
             (/crm/contact/create with contactid); a body with customerid and contactid \
             could be either",
    summary: "/crm/contact/create with both customerid and contactid: 40035.",
    lenient: "a new contact of customerid",
    answer: Errcode(40035),
};

pub static GET_ID: Rule = Rule {
    id: "dingtalk.get.id",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed's /crm/customer/get is the detail with id and the list without; it \
             says nothing of an empty id",
    summary: "/crm/customer/get with id= (empty): 40035.",
    lenient: "the list",
    answer: Errcode(40035),
};

pub static LIST_PAGING: Rule = Rule {
    id: "dingtalk.list.paging",
    api: DingTalk,
    provenance: Emulator,
    enforced: Strict,
    source: "The seed's list has no paging; offset and size are the emulator's, with \
             size at most 1000 (SPEC §1.3)",
    summary: "A list with offset below 0 or size outside 1–1000: 40035.",
    lenient: "clamped into range",
    answer: Errcode(40035),
};

pub static LIST_NUMBER: Rule = Rule {
    id: "dingtalk.list.number",
    api: DingTalk,
    provenance: Emulator,
    enforced: Always,
    source: "A page cannot be cut at a position that is not a whole number",
    summary: "A list with offset or size that is not a whole number: 40035.",
    lenient: "",
    answer: Errcode(40035),
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
    &BODY_SIZE,
    &BODY_SHAPE,
    &FIELD_REQUIRED,
    &FIELD_TYPE,
    &FIELD_NUMBER,
    &FIELD_BLANK,
    &FIELD_LENGTH,
    &RECORD_KNOWN,
    &IDS_ONE_KEY,
    &CONTACT_CREATE_OR_UPDATE,
    &GET_ID,
    &LIST_PAGING,
    &LIST_NUMBER,
];
