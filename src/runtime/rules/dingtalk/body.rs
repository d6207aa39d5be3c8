//! The DingTalk API's rules about the request body and its fields, the records it
//! names, and the list's paging.

use super::super::{
    Answer::Errcode,
    Enforced::{Always, Strict},
    Provenance::{Convention, Emulator, Seed},
    Rule,
};
use super::GLOBAL_CODES;
use crate::http::Api::DingTalk;

pub static BODY_CONTENT_TYPE: Rule = Rule {
    id: "dingtalk.body.content-type",
    api: DingTalk,
    scope: &["POST /crm/*"],
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
    scope: &["POST /crm/*"],
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
    scope: &["POST /crm/*"],
    provenance: Convention,
    enforced: Always,
    source: GLOBAL_CODES,
    summary: "A body that is not well-formed JSON: 47001 解析JSON/XML内容错误.",
    lenient: "",
    answer: Errcode(47001),
};

pub static TEXT_NUL: Rule = Rule {
    id: "dingtalk.text.nul",
    api: DingTalk,
    scope: &["* /crm/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Postgres cannot store a NUL character in text, and SQLite can: refusing it \
             from every corp keeps the two backends alike",
    summary: "A NUL character (\\u0000, %00) in a string of the body, a form body or \
              the query string: 40035 naming the field.",
    lenient: "",
    answer: Errcode(40035),
};

pub static BODY_SIZE: Rule = Rule {
    id: "dingtalk.body.size",
    api: DingTalk,
    scope: &["POST /crm/*"],
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
    scope: &["POST /crm/*"],
    provenance: Seed,
    enforced: Always,
    source: "《客户通讯录接口（暂未开放）》: \"customer | JSONObject\", \"contacts | \
             JSONObject\", \"userIds | String[]\", \"id | String[]\": its bodies are JSON \
             objects of these shapes",
    summary: "A body that is not a JSON object, a customer that is not one object \
              (or an array of exactly one), contacts that are not objects, userIds \
              or ids that are not strings: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static FIELD_REQUIRED: Rule = Rule {
    id: "dingtalk.field.required",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Seed,
    enforced: Always,
    source: "《客户通讯录接口（暂未开放）》's parameter tables mark these \"必须 | 是\": \
             \"customer | JSONObject | 是\", \"name | String | 是 |  客户名称\" (and address, \
             description, telephone), \"create_by | String | 是\", \"id | String | 是\", \
             \"contactid |String | 是\" (and the contact update's name, mobile, attached, \
             modified_by), \"customerId |String | 是\", \"userId  |String | 是\"",
    summary: "A field its parameter table marks 必须 (customer and its name, address, \
              description, telephone; create_by; the update's and the deletes' id; the \
              contact update's contactid, name, mobile, attached and modified_by; the \
              relations' customerId, userId, create_by and modified_by) is missing or \
              null: 40035 不合法的参数.",
    lenient: "",
    answer: Errcode(40035),
};

pub static CONTACT_CUSTOMER: Rule = Rule {
    id: "dingtalk.contact.customer",
    api: DingTalk,
    scope: &["POST /crm/contact/create"],
    provenance: Emulator,
    enforced: Always,
    source: "《客户通讯录接口（暂未开放）》's contact-create table has no 必须 column, but a \
             contact is a customer's: without customerid (and without contactid, which \
             makes the body an update) there is no customer to add it to, so the request \
             cannot be served",
    summary: "/crm/contact/create with neither customerid nor contactid: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static CONTACT_NAME: Rule = Rule {
    id: "dingtalk.contact.name",
    api: DingTalk,
    scope: &["POST /crm/contact/create"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》's contact-create table has no 必须 column, and the \
             contacts of a customer create mark name \"否\"; a contact is still expected \
             to have a name",
    summary: "/crm/contact/create without a name, or with a blank one: 40035.",
    lenient: "stored as sent (\"\" when absent)",
    answer: Errcode(40035),
};

pub static FIELD_TYPE: Rule = Rule {
    id: "dingtalk.field.type",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Seed,
    enforced: Always,
    source: "《客户通讯录接口（暂未开放）》 types every field \"String\"",
    summary: "A String field given an object, an array or a boolean: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static FIELD_NUMBER: Rule = Rule {
    id: "dingtalk.field.number",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》 types every field \"String\"; the real servers \
             are Java services that convert a JSON number to its text",
    summary: "A JSON number where the vendor document types a String (telephone: 13800000000, \
              an epoch-ms create_by): 40035.",
    lenient: "its decimal text is used",
    answer: Errcode(40035),
};

pub static FIELD_BLANK: Rule = Rule {
    id: "dingtalk.field.blank",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》 marks fields required but never says whether \
             \"\" counts",
    summary: "A required field, a customer field given on update, or an id of a delete, \
              that is empty or only white space: 40035.",
    lenient: "stored as sent",
    answer: Errcode(40035),
};

pub static USER_IDS_BLANK: Rule = Rule {
    id: "dingtalk.user-ids.blank",
    api: DingTalk,
    scope: &["POST /crm/customer/create"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》 types userIds \"String[]\" (跟进客户的员工信息) and \
             never says what a blank element means; no employee has the id \"\"",
    summary: "A userIds element that is empty or only white space: 40035.",
    lenient: "left out: no employee and no follower is made of it",
    answer: Errcode(40035),
};

pub static FIELD_LENGTH: Rule = Rule {
    id: "dingtalk.field.length",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "No vendor document states lengths; the emulator's limits (names 128, address \
             256, description 1000, telephone and mobile 32, attached 500, create_by and \
             modified_by 64 characters) are listed in docs/dingtalk.md#endpoints",
    summary: "A field over the emulator's length limit: 41101 数据内容过长.",
    lenient: "stored whole",
    answer: Errcode(41101),
};

pub static USER_ID_LENGTH: Rule = Rule {
    id: "dingtalk.user-id.length",
    api: DingTalk,
    scope: &["POST /crm/*"],
    provenance: Emulator,
    enforced: Always,
    source: "User ids are keys of the employee directory and of the followers, and a \
             database index holds at most about 2700 bytes of a key (Postgres's B-tree); \
             500 characters fit in any script (4 bytes a character at most)",
    summary: "A user_id, userIds element or userId over 500 characters, which the \
              database cannot index: 41101 数据内容过长.",
    lenient: "",
    answer: Errcode(41101),
};

pub static RECORD_KNOWN: Rule = Rule {
    id: "dingtalk.record.known",
    api: DingTalk,
    scope: &[
        "POST /crm/customer/update",
        "POST /crm/customer/delete",
        "GET /crm/customer/get",
        "POST /crm/contact/*",
        "POST /crm/empcustomer/*",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "A request about a record the corp does not have cannot be served; \
             《客户通讯录接口（暂未开放）》 names no code for it, and 40035 is DingTalk's for \
             an invalid parameter (docs/dingtalk.md#envelope-and-errors)",
    summary: "An id that names no customer, contact or employee-customer relation of \
              the corp (another corp's id included); a delete naming one deletes \
              nothing: 40035.",
    lenient: "",
    answer: Errcode(40035),
};

pub static IDS_ONE_KEY: Rule = Rule {
    id: "dingtalk.ids.one-key",
    api: DingTalk,
    scope: &["POST /crm/customer/delete", "POST /crm/contact/delete"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》's example sends \"id[]\", its table \"id\" (\"contactid[]\" and \
             \"contactid\" for contacts); it never sends both",
    summary: "A delete with both id[] and id (or contactid[] and contactid): 40035.",
    lenient: "the id[] (contactid[]) list is used",
    answer: Errcode(40035),
};

pub static CONTACT_CREATE_OR_UPDATE: Rule = Rule {
    id: "dingtalk.contact.create-or-update",
    api: DingTalk,
    scope: &["POST /crm/contact/create"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》 documents the contact update under the create URL \
             (/crm/contact/create with contactid); a body with customerid and contactid \
             could be either",
    summary: "/crm/contact/create with both customerid and contactid: 40035.",
    lenient: "a new contact of customerid",
    answer: Errcode(40035),
};

pub static GET_ID: Rule = Rule {
    id: "dingtalk.get.id",
    api: DingTalk,
    scope: &["GET /crm/customer/get"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》's /crm/customer/get is the detail with id and the \
             list without; it says nothing of an empty id",
    summary: "/crm/customer/get with id= (empty): 40035.",
    lenient: "the list",
    answer: Errcode(40035),
};

pub static LIST_PAGING: Rule = Rule {
    id: "dingtalk.list.paging",
    api: DingTalk,
    scope: &["GET /crm/customer/get", "GET /crm/customer/list"],
    provenance: Emulator,
    enforced: Strict,
    source: "《客户通讯录接口（暂未开放）》's list has no paging; offset and size are the \
             emulator's, with size at most 1000 (docs/dingtalk.md#endpoints)",
    summary: "A list with offset below 0 or size outside 1–1000: 40035.",
    lenient: "clamped into range",
    answer: Errcode(40035),
};

pub static LIST_NUMBER: Rule = Rule {
    id: "dingtalk.list.number",
    api: DingTalk,
    scope: &["GET /crm/customer/get", "GET /crm/customer/list"],
    provenance: Emulator,
    enforced: Always,
    source: "A page cannot be cut at a position that is not a whole number",
    summary: "A list with offset or size that is not a whole number: 40035.",
    lenient: "",
    answer: Errcode(40035),
};
