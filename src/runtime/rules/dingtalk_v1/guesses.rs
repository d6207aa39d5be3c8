//! The DingTalk v1.0 API's rules where the SDK's models and the public pages are
//! silent: the emulator's guesses, which refuse strict corps only (or every corp where
//! the request cannot be served otherwise).

use super::super::{
    Answer::Code,
    Enforced::{Always, Strict},
    Provenance::Emulator,
    Rule,
};
use crate::http::Api::DingTalkV1;

pub static OBJECT_TYPE_KNOWN: Rule = Rule {
    id: "dingtalk-v1.object-type.known",
    api: DingTalkV1,
    scope: &[
        "POST /v1.0/crm/customers",
        "POST /v1.0/crm/customerInstances",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "invalid.objectType is a public code, but no page lists the object types; \
             the emulator knows crm_customer, crm_customer_personal (crm_contact for \
             GetContacts)",
    summary: "An objectType the emulator does not know: 400 invalid.objectType.",
    lenient: "a write stores crm_customer; a query answers an empty page",
    answer: Code(400, "invalid.objectType"),
};

pub static ROLE_TYPE_KNOWN: Rule = Rule {
    id: "dingtalk-v1.role-type.known",
    api: DingTalkV1,
    scope: &["* /v1.0/crm/customers/dataAuth/*"],
    provenance: Emulator,
    enforced: Strict,
    source: "The data-authorisation pages do not list roleType's values; the emulator \
             takes owner (负责人) and participant (协同人), in any case",
    summary: "A roleType other than owner or participant: 400 param.error naming the \
              values.",
    lenient: "treated as participant",
    answer: Code(400, "param.error"),
};

pub static MAX_RESULTS_RANGE: Rule = Rule {
    id: "dingtalk-v1.max-results.range",
    api: DingTalkV1,
    scope: &[
        "GET /v1.0/crm/personalCustomers",
        "POST /v1.0/crm/customerInstances",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "The SDK documents maxResults as \"最多一次可获取100条数据\" without saying \
             what more (or less than 1) does",
    summary: "A maxResults outside 1–100: 400 param.error.",
    lenient: "above 100 is 100; below 1 is the default, 100",
    answer: Code(400, "param.error"),
};

pub static NEXT_TOKEN_FORM: Rule = Rule {
    id: "dingtalk-v1.next-token.form",
    api: DingTalkV1,
    scope: &[
        "GET /v1.0/crm/personalCustomers",
        "POST /v1.0/crm/customerInstances",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "A page cannot start after a cursor the emulator never gave (its nextTokens \
             are 1–19 digits)",
    summary: "A nextToken that is not empty, \"0\" or 1–19 digits: 400 param.error.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static QUERY_DSL_FORM: Rule = Rule {
    id: "dingtalk-v1.query-dsl.form",
    api: DingTalkV1,
    scope: &[
        "GET /v1.0/crm/personalCustomers",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
    ],
    provenance: Emulator,
    enforced: Always,
    source: "A query the emulator cannot read cannot be run; the shape is the public \
             topapi sample's",
    summary: "A queryDsl that is not {\"queryGroupList\":[{\"logicType\", \
              \"queryObjectList\":[{\"fieldId\",\"filterType\",\"value\"}]}]}: 400 \
              param.error naming the part.",
    lenient: "",
    answer: Code(400, "param.error"),
};

pub static QUERY_DSL_FILTER_TYPE: Rule = Rule {
    id: "dingtalk-v1.query-dsl.filter-type",
    api: DingTalkV1,
    scope: &[
        "GET /v1.0/crm/personalCustomers",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "The one public sample filters with EQ; no page lists the others",
    summary: "A queryDsl condition whose filterType is not EQ: 400 param.error.",
    lenient: "the condition matches nothing",
    answer: Code(400, "param.error"),
};

pub static BATCH_SIZE: Rule = Rule {
    id: "dingtalk-v1.batch.size",
    api: DingTalkV1,
    scope: &[
        "POST /v1.0/crm/personalCustomers/batchQuery",
        "* /v1.0/crm/contacts/batch",
        "* /v1.0/crm/customers/dataAuth/*",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "The batch pages cap a call at 100 items without saying what more does",
    summary: "A batch (relationList, the ids of batchQuery, customerIds) of no items or \
              of more than 100: 400 param.error.",
    lenient: "served",
    answer: Code(400, "param.error"),
};

pub static EMPLOYEE_KNOWN: Rule = Rule {
    id: "dingtalk-v1.employee.known",
    api: DingTalkV1,
    // Every CRM operation but the object meta, which names no employee.
    scope: &[
        "POST /v1.0/crm/customers",
        "* /v1.0/crm/personalCustomers",
        "DELETE /v1.0/crm/personalCustomers/{dataId}",
        "POST /v1.0/crm/personalCustomers/batchQuery",
        "POST /v1.0/crm/customerInstances",
        "POST /v1.0/crm/customObjects/contacts/datas/query",
        "* /v1.0/crm/contacts/batch",
        "* /v1.0/crm/customers/dataAuth/*",
    ],
    provenance: Emulator,
    enforced: Strict,
    source: "creatorUserId.not.exists and modifierUserId.not.exists are public codes; \
             CRM apps are often tried before the corp's directory is synced (as the old \
             API's dingtalk.employee.known)",
    summary: "A user id (creatorUserId, operatorUserId, ownerStaffIds, …) not in the \
              corp's employee directory: 400 <key>.not.exists.",
    lenient: "the employee is added to the directory",
    answer: Code(400, "<key>.not.exists"),
};

pub static CUSTOMER_DUPLICATE_NAME: Rule = Rule {
    id: "dingtalk-v1.customer.duplicate-name",
    api: DingTalkV1,
    scope: &["POST /v1.0/crm/customers", "* /v1.0/crm/personalCustomers"],
    provenance: Emulator,
    enforced: Strict,
    source: "same.data.exists is a public code; which duplicates the real service \
             refuses depends on the corp's settings (relationUkSettings)",
    summary: "A v1.0 create or rename to the customer_name of another customer of the \
              same relation type, without skipDuplicateCheck: 400 same.data.exists.",
    lenient: "created (renamed) all the same",
    answer: Code(400, "same.data.exists"),
};
