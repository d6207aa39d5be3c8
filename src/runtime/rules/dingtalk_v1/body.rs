//! The DingTalk v1.0 API's rules about the query, the body and its keys, and the
//! records a request names.

use super::super::{
    Answer::Code,
    Enforced::{Always, Strict},
    Provenance::{Convention, Emulator},
    Rule, NO_OPERATION,
};
use super::CODES;
use crate::http::Api::DingTalkV1;

pub static QUERY_FORM: Rule = Rule {
    id: "dingtalk-v1.query.form",
    api: DingTalkV1,
    scope: &["* /v1.0/*"],
    provenance: Convention,
    enforced: Always,
    source: CODES,
    summary: "A query string that cannot be read, or a query parameter the model types \
              a number that is not one: 400 param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static BODY_REQUIRED: Rule = Rule {
    id: "dingtalk-v1.body.required",
    api: DingTalkV1,
    scope: &["POST /v1.0/*", "PUT /v1.0/*"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's v1.0 gateway answers a call without its JSON body Missingbody \
             \"body is mandatory for this action.\" (aliyun/alibabacloud-php-sdk#36)",
    summary: "A call that takes a body sent without one, or with one not sent as \
              application/json: 400 Missingbody.",
    lenient: "",
    answer: Code(400, "Missingbody"),
};

pub static BODY_JSON: Rule = Rule {
    id: "dingtalk-v1.body.json",
    api: DingTalkV1,
    scope: &["POST /v1.0/*", "PUT /v1.0/*"],
    provenance: Convention,
    enforced: Always,
    source: CODES,
    summary: "A body that is not well-formed JSON: 400 param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static BODY_SIZE: Rule = Rule {
    id: "dingtalk-v1.body.size",
    api: DingTalkV1,
    scope: &["POST /v1.0/*", "PUT /v1.0/*"],
    provenance: Emulator,
    enforced: Always,
    source: "The emulator's --max-body-bytes (default 1 MiB)",
    summary: "A body over the size limit: 400 param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static TEXT_NUL: Rule = Rule {
    id: "dingtalk-v1.text.nul",
    api: DingTalkV1,
    scope: &["* /v1.0/*"],
    provenance: Emulator,
    enforced: Always,
    source: "Postgres cannot store a NUL character in text, and SQLite can: refusing it \
             from every corp keeps the two backends alike",
    summary: "A NUL character (\\u0000, %00) in a string of the body or the query: 400 \
              param.error naming the key.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static FIELD_REQUIRED: Rule = Rule {
    id: "dingtalk-v1.field.required",
    api: DingTalkV1,
    // Every operation whose model marks a key required: not the object meta, nor
    // QueryAllCustomer, nor batchQuery (its body itself is required: `Missingbody`).
    scope: &[
        "POST /v1.0/oauth2/accessToken",
        "POST /v1.0/crm/customers",
        "* /v1.0/crm/personalCustomers",
        "DELETE /v1.0/crm/personalCustomers/{dataId}",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
        "* /v1.0/crm/contacts/batch",
        "* /v1.0/crm/customers/dataAuth/*",
    ],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's official SDK models mark the key required; the gateway answers \
             Missing<name> (MissingappKey, Missingbody in public captures, the other \
             names by the same pattern)",
    summary: "A top-level key the SDK model marks required, absent or null: 400 \
              Missing<name> (e.g. MissingcreatorUserId).",
    lenient: "",
    answer: Code(400, "Missing<name>"),
};

pub static FIELD_SHAPE: Rule = Rule {
    id: "dingtalk-v1.field.shape",
    api: DingTalkV1,
    scope: &["* /v1.0/*"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's official SDK models' types (alibabacloud-dingtalk, crm_1_0 and oauth2_1_0)",
    summary: "A nested key the model marks required, absent; a value the model's type \
              cannot hold (an object for a string, a string for a list, a body that \
              is not the model's object or array): 400 param.error naming the key.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static FIELD_NUMBER: Rule = Rule {
    id: "dingtalk-v1.field.number",
    api: DingTalkV1,
    scope: &["* /v1.0/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "The models type each key; the real servers are Java services that convert \
             a JSON number to text and numeric text to a number",
    summary: "A JSON number where the model types a string, or a string where it types \
              a number (maxResults: \"10\"): 400 param.error.",
    lenient: "the number's text, or the string's number, is used",
    answer: Code(400, "param.error"),
};

pub static FIELD_LENGTH: Rule = Rule {
    id: "dingtalk-v1.field.length",
    api: DingTalkV1,
    scope: &[
        "POST /v1.0/crm/customers",
        "* /v1.0/crm/personalCustomers",
        "* /v1.0/crm/contacts/batch",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "No vendor document states lengths; the emulator's are the old API's (names \
             128, address 256, description 1000, phones 32, position 500 characters)",
    summary: "A data value over the length limit of its column: 400 param.error.",
    lenient: "stored whole",
    answer: Code(400, "param.error"),
};

pub static USER_ID_LENGTH: Rule = Rule {
    id: "dingtalk-v1.user-id.length",
    api: DingTalkV1,
    scope: &["* /v1.0/crm/*"],
    provenance: Emulator,
    enforced: Always,
    source: "User ids are keys of the employee directory and of the followers, and a \
             database index holds at most about 2700 bytes of a key",
    summary: "A user id over 500 characters, which the database cannot index: 400 \
              param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static UPDATE_EMPTY: Rule = Rule {
    id: "dingtalk-v1.update.empty",
    api: DingTalkV1,
    scope: &["PUT /v1.0/crm/personalCustomers"],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's UpdateCrmPersonalCustomer page (a public mirror): \
             no.valid.parameter \"no valid parameter, can not update\"",
    summary: "An update whose data is {} and that gives no extendData or permission: \
              400 no.valid.parameter.",
    lenient: "",
    answer: Code(400, "no.valid.parameter"),
};

pub static RELATION_TYPE_KNOWN: Rule = Rule {
    id: "dingtalk-v1.relation-type.known",
    api: DingTalkV1,
    scope: &[
        "* /v1.0/crm/personalCustomers*",
        "* /v1.0/crm/customers/dataAuth/*",
    ],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's official pages (public mirrors): relationType.not.exists; the values \
             crm_customer and crm_customer_personal (the AddCrmPersonalCustomer page)",
    summary: "A relationType other than crm_customer or crm_customer_personal: 400 \
              relationType.not.exists.",
    lenient: "",
    answer: Code(400, "relationType.not.exists"),
};

pub static CONTACT_RELATED_CUSTOMER: Rule = Rule {
    id: "dingtalk-v1.contact.related-customer",
    api: DingTalkV1,
    scope: NO_OPERATION,
    provenance: Emulator,
    enforced: Always,
    source: "A contact of the old API belongs to one customer, so a contact cannot be \
             stored without contact_related_customer",
    summary: "A BatchAddContacts item without contact_related_customer: that item's \
              result is success false, errorCode param.error (the others are saved).",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static RECORD_KNOWN: Rule = Rule {
    id: "dingtalk-v1.record.known",
    api: DingTalkV1,
    scope: &[
        "POST /v1.0/crm/customers",
        "PUT /v1.0/crm/personalCustomers",
        "DELETE /v1.0/crm/personalCustomers/{dataId}",
        "* /v1.0/crm/customers/dataAuth/*",
    ],
    provenance: Convention,
    enforced: Always,
    source: "DingTalk's UpdateCrmPersonalCustomer page (a public mirror): data.not.exists",
    summary: "An id that names no customer or contact of the corp (another corp's id, \
              an id that is not 1–19 digits, a customer of another relationType on \
              delete): 400 data.not.exists naming it; a batch item's result for one.",
    lenient: "",
    answer: Code(400, "data.not.exists"),
};
