//! The OpenAPI API's rules about the customer record: its keys, fields and values.

use super::super::{
    Answer::Status,
    Enforced::{Always, Strict},
    Provenance::{Emulator, Seed},
    Rule,
};
use crate::http::Api::OpenApi;

const FIELD_TABLE: &str = "《CRM客户管理接口》's field table (1.2) types each field it lists: \
                           \"customerName客户名字StringY\", \"assignTime归属时间StringN\", \
                           \"createMethod创建方式StringN\", \"mobile手机List<PhoneProperty>N\" \
                           (email, qq, wechat alike), \"visitorId访客进线idStringN\", and a \
                           PhoneProperty's \"valueString\", \"memo备注String\"";

pub static RECORD_UNKNOWN_KEY: Rule = Rule {
    id: "openapi.record.unknown-key",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's own add example sends keys its field table does not list \
             (customerSource, owner), so the table is not the whole record",
    summary: "A key of an add or update that is neither a field of the record nor a \
              custom field of the account, or an unknown key of a \
              mobile/email/qq/wechat item: 400 naming the valid keys.",
    lenient: "ignored, not stored",
    answer: Status(400),
};

pub static ADD_READ_ONLY_KEY: Rule = Rule {
    id: "openapi.add.read-only-key",
    api: OpenApi,
    scope: &["POST /openapi/crm/add"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's add answers _id, accountId, createTime, updateTime, \
             createAgent and updateAgent, which the server sets; it never says what sending \
             them does",
    summary: "An add that sends _id, accountId, firstOwner, firstAssignTime, \
              createTime, updateTime, createAgent or updateAgent: 400.",
    lenient: "ignored",
    answer: Status(400),
};

pub static UPDATE_READ_ONLY_KEY: Rule = Rule {
    id: "openapi.update.read-only-key",
    api: OpenApi,
    scope: &["POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's update takes _id \"plus the fields to change\"; a client \
             that reads a record and sends it back sends the server's keys too",
    summary: "An update that sends accountId, firstOwner, firstAssignTime, \
              createTime, updateTime, createAgent or updateAgent: 400.",
    lenient: "ignored, the stored value stays",
    answer: Status(400),
};

pub static DELETE_ID_KEY: Rule = Rule {
    id: "openapi.delete.id-key",
    api: OpenApi,
    scope: &["POST /openapi/crm/delete"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's delete sends {\"id\": …}; its update names the customer \
             by _id",
    summary: "A delete that names the customer by _id: 400.",
    lenient: "_id is used as id",
    answer: Status(400),
};

pub static RECORD_ID_REQUIRED: Rule = Rule {
    id: "openapi.record.id-required",
    api: OpenApi,
    scope: &["POST /openapi/crm/update", "POST /openapi/crm/delete"],
    provenance: Seed,
    enforced: Always,
    source: "《CRM客户管理接口》: \"_id必传,修改客户资料需要用到\" (update); \"删除客户资料接口,\
             提供id即可进行删除\" (delete)",
    summary: "An update without _id, or a delete without id: 400.",
    lenient: "",
    answer: Status(400),
};

pub static RECORD_KNOWN: Rule = Rule {
    id: "openapi.record.known",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/update",
        "POST /openapi/crm/delete",
        "* /openapi/crm/findById/{id}",
        "* /openapi/crm/{id}",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "A request about a customer the account does not have cannot be served",
    summary: "An id that names no customer of the account (another account's \
              included): 404.",
    lenient: "",
    answer: Status(404),
};

pub static CUSTOMER_NAME_REQUIRED: Rule = Rule {
    id: "openapi.customer-name.required",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Seed,
    enforced: Always,
    source: "《CRM客户管理接口》's field table (1.2): \"customerName客户名字StringY\"",
    summary: "An add without customerName, or an add or update that sets it to null: \
              400.",
    lenient: "",
    answer: Status(400),
};

pub static FIELD_TYPE: Rule = Rule {
    id: "openapi.field.type",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Seed,
    enforced: Always,
    source: FIELD_TABLE,
    summary: "A field of the vendor document's field table given the wrong JSON type: an \
              object, a list or a boolean for customerName, assignTime, createMethod, \
              visitorId or an item's value or memo, or a mobile, email, qq or wechat that \
              is not a list of {value, memo} objects: 400.",
    lenient: "",
    answer: Status(400),
};

/// What a lenient account gets for a JSON number where a String is typed: each warning
/// of `openapi.field.number` says this, or for `limit` and `page` the number read.
pub const DECIMAL_TEXT: &str = "its decimal text is used";

pub static FIELD_NUMBER: Rule = Rule {
    id: "openapi.field.number",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/add",
        "POST /openapi/crm/update",
        "POST /openapi/crm/list",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 types these fields String; the real server is a Java \
             service that converts a JSON number to its text, and a numeric string to the \
             number the list's limit and page are",
    summary: "A JSON number where the vendor document types a String (customerName, owner, a \
              mobile[].value, an _id, a text custom value or search operand, …), or a \
              numeric string for list's limit or page: 400.",
    lenient: "its decimal text is used (for a numeric limit or page string, its number)",
    answer: Status(400),
};

pub static FIELD_TIME_FORMAT: Rule = Rule {
    id: "openapi.field.time-format",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/add",
        "POST /openapi/crm/update",
        "POST /openapi/crm/list",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 types assignTime \"String\" and writes times \"2024-11-14 \
             09:46:17\"; it never says whether another spelling of a time is read, and \
             clients often send ISO 8601 or epoch milliseconds",
    summary: "An assignTime, a date or datetime custom value, or a time search operand, \
              given as ISO 8601 (2024-11-14T09:46:17+08:00, …Z) or as epoch milliseconds \
              rather than YYYY-MM-DD HH:MM:SS (YYYY-MM-DD for a date): 400.",
    lenient: "read, and stored and answered as YYYY-MM-DD HH:MM:SS (YYYY-MM-DD) in the \
              configured zone",
    answer: Status(400),
};

pub static FIELD_ONE_VALUE: Rule = Rule {
    id: "openapi.field.one-value",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source:
        "《CRM客户管理接口》's add example sends \"customerSource\": [ \"试用申请\" ], a list, \
             and its field table does not list customerSource, openSeaIds or multi-select \
             values; a client may send the one value it has as a string",
    summary: "A customerSource, openSeaIds or multiSelect value given as one string rather \
              than a list: 400.",
    lenient: "a list of that one value",
    answer: Status(400),
};

pub static FIELD_BLANK: Rule = Rule {
    id: "openapi.field.blank",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 requires customerName (\"customerName客户名字StringY\") and \
             types each item's value String (\"valueString\"), but never says whether \"\" \
             or a missing value counts",
    summary: "A customerName, or a mobile/email/qq/wechat value, that is empty or \
              only white space, or an item without its value: 400.",
    lenient: "stored as sent (a missing item value as \"\")",
    answer: Status(400),
};

pub static FIELD_LENGTH: Rule = Rule {
    id: "openapi.field.length",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/add",
        "POST /openapi/crm/update",
        "POST /openapi/crm/list",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "These strings are keys of the search index, and a database index holds at \
             most about 2700 bytes of a key (Postgres's B-tree); 500 characters fit in any \
             script (4 bytes a character at most). Other strings (createMethod, memos) \
             have no limit but the body's",
    summary: "A string the search index holds over 500 characters: customerName, owner, \
              visitorId, a mobile/email/qq/wechat value, a customerSource or openSeaIds \
              element, or a custom field's text, textarea, phone, email, select or \
              multiSelect value: 400 naming the field and the limit.",
    lenient: "",
    answer: Status(400),
};

pub static CUSTOMER_SOURCE_CHOICE: Rule = Rule {
    id: "openapi.customer-source.choice",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 shows one source (\"试用申请\"); the account's choices are the \
             emulator's, editable through the control plane",
    summary: "A customerSource that is not one of the account's choices: 400.",
    lenient: "stored as sent",
    answer: Status(400),
};

pub static OPEN_SEA_KNOWN: Rule = Rule {
    id: "openapi.open-sea.known",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 shows openSeaIds only empty; which pools an account has is \
             the emulator's (docs/openapi.md#accounts)",
    summary: "An openSeaIds element that is not one of the account's open seas: 400.",
    lenient: "stored as sent",
    answer: Status(400),
};

pub static OWNER_OPEN_SEA: Rule = Rule {
    id: "openapi.owner.open-sea",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "A customer in an open sea has no owner (docs/openapi.md#the-customer-record); \
             《CRM客户管理接口》 never sends both",
    summary: "An employee owner with a non-empty openSeaIds, or an open-sea owner \
              with another openSeaIds: 400.",
    lenient: "the owner decides",
    answer: Status(400),
};

pub static ASSIGN_TIME_OWNER: Rule = Rule {
    id: "openapi.assign-time.owner",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "assignTime (归属时间) is when the owner got the customer; 《CRM客户管理接口》 lists \
             it as an ordinary optional field (\"assignTime归属时间StringN\") and never \
             mentions owner with it",
    summary: "An assignTime for a customer left without an employee owner (an add \
              without owner, an open-sea or cleared owner, an update of an unowned \
              customer that names no owner): 400.",
    lenient: "stored as sent",
    answer: Status(400),
};

pub static VALUE_TYPE: Rule = Rule {
    id: "openapi.value.type",
    api: OpenApi,
    scope: &[
        "POST /openapi/crm/add",
        "POST /openapi/crm/update",
        "POST /openapi/crm/list",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "A value that cannot be read as its field's type (a number, a time, a date, a \
             choice list, a cascade path, an id) cannot be stored or searched as one. \
             《CRM客户管理接口》's field table types only the fields it lists; its add example \
             sends owner as a string and customerSource as a list of strings",
    summary: "A value its field cannot hold: a custom value of the wrong type for its \
              field (text that is no number, no date or no time, a cascade path that is \
              not one); an assignTime that is no time; an owner, customerSource, openSeaIds \
              element or customer id that is not text: 400 naming the field.",
    lenient: "",
    answer: Status(400),
};

pub static VALUE_FORMAT: Rule = Rule {
    id: "openapi.value.format",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "No vendor document says what a phone or an email must look like",
    summary: "A phone (a mobile value, a phone custom field) that is not 3–20 \
              digits (with +, spaces, - and parentheses), or an email (an email \
              value, an email custom field) that is not local@domain.tld: 400.",
    lenient: "stored as sent",
    answer: Status(400),
};

pub static SELECT_CHOICE: Rule = Rule {
    id: "openapi.select.choice",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's select fields have choices (ChoicesDubbo) but it never \
             says what another value gets",
    summary: "A select or multiSelect value that is neither a choice's key nor its \
              value: 400.",
    lenient: "stored as sent",
    answer: Status(400),
};

pub static FIELD_REQUIRED: Rule = Rule {
    id: "openapi.field.required",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Seed,
    enforced: Always,
    source: "《CRM客户管理接口》, CustomerFieldVO: \"required是否必填Boolean\"",
    summary: "An add without a required custom field, or an update that clears one: \
              400.",
    lenient: "",
    answer: Status(400),
};

pub static FIELD_DISABLED: Rule = Rule {
    id: "openapi.field.disabled",
    api: OpenApi,
    scope: &["POST /openapi/crm/add", "POST /openapi/crm/update"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》, CustomerFieldVO: \"status状态, 0: 停用; 1: 启用; -1: 删除int\"; \
             it never says what writing a disabled field does",
    summary: "A value for a disabled custom field (status 0): 400.",
    lenient: "ignored",
    answer: Status(400),
};
