//! The OpenAPI API's rules about the list (`/openapi/crm/list`: paging, search, sort)
//! and the field list's filters.

use super::super::{
    Answer::Status,
    Enforced::{Always, Strict},
    Provenance::{Emulator, Seed},
    Rule,
};
use crate::http::Api::OpenApi;

pub static LIST_LIMIT: Rule = Rule {
    id: "openapi.list.limit",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's list sends \"limit\": 1 and names no bounds; 1–100 is the \
             emulator's",
    summary: "A list with limit below 1 or above 100: 400.",
    lenient: "clamped into 1–100",
    answer: Status(400),
};

pub static LIST_PAGE: Rule = Rule {
    id: "openapi.list.page",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's list sends \"page\": 1 and never says whether pages count \
             from 0 or 1; the emulator's count from 1",
    summary: "A list with page below 1 (page: 0): 400.",
    lenient: "page 1",
    answer: Status(400),
};

pub static LIST_PAGING: Rule = Rule {
    id: "openapi.list.paging",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Always,
    source: "A page cannot be cut at a size or a position that is not a whole number",
    summary: "A list with limit or page that is not a whole number (1.5, \"abc\", true): \
              400.",
    lenient: "",
    answer: Status(400),
};

pub static LIST_SORT: Rule = Rule {
    id: "openapi.list.sort",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's list has no sort at all; {\"field\", \"order\": \"asc\" | \
             \"desc\"} is the emulator's (docs/openapi.md#searching), and clients written \
             for other APIs send other shapes ({\"createTime\": -1})",
    summary: "A sort that is not an object with a field, or whose order is neither asc nor \
              desc: 400.",
    lenient: "ignored: the default order (createTime desc, then _id desc)",
    answer: Status(400),
};

pub static SEARCH_OPERATOR_CASE: Rule = Rule {
    id: "openapi.search.operator-case",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》 spells operators in lower camel case (\"eq\", \"empty\"); \
             it never says whether case matters",
    summary: "A search operator in another case (EQ, StartsWith): 400.",
    lenient: "matched without regard to case",
    answer: Status(400),
};

pub static SEARCH_OPERATOR: Rule = Rule {
    id: "openapi.search.operator",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Always,
    source: "《CRM客户管理接口》 shows eq and empty; the other operators are the \
             emulator's (docs/openapi.md#searching), and a search with an operator that is \
             none of them has no meaning to run",
    summary: "A search operator that is none of eq, ne, in, nin, contains, \
              startsWith, empty, notEmpty, gt, gte, lt, lte, between: 400.",
    lenient: "",
    answer: Status(400),
};

pub static SEARCH_FIELD: Rule = Rule {
    id: "openapi.search.field",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Always,
    source: "Only the record's keys and the account's custom fields hold values to compare \
             or order by (docs/openapi.md#searching), and a list has no single value to \
             order by",
    summary: "A search or sort on a field that is neither a key of the record nor a \
              custom field of the account, or a sort on a list-valued field: 400.",
    lenient: "",
    answer: Status(400),
};

pub static SEARCH_SEARCHABLE: Rule = Rule {
    id: "openapi.search.searchable",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Seed,
    enforced: Always,
    source: "《CRM客户管理接口》, CustomerFieldVO: \"searchable是否可查询Boolean\"",
    summary: "A search or sort on a custom field whose searchable is false: 400.",
    lenient: "",
    answer: Status(400),
};

pub static SEARCH_VALUE: Rule = Rule {
    id: "openapi.search.value",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Always,
    source: "An operator needs its number of values, of the field's type, to be run \
             (docs/openapi.md#searching)",
    summary: "A search with the wrong number of values, a value that cannot be read as \
              the field's type, or contains/startsWith on a field that is not text: 400.",
    lenient: "",
    answer: Status(400),
};

pub static SEARCH_SIZE: Rule = Rule {
    id: "openapi.search.size",
    api: OpenApi,
    scope: &["POST /openapi/crm/list"],
    provenance: Emulator,
    enforced: Always,
    source: "A search runs as one SQL statement, and the databases bound those (SQLite: an \
             expression tree at most 1000 deep, at most 32766 bound values; Postgres: at \
             most 65535 bound values); these bounds keep every search inside both",
    summary: "A search of more than 100 conditions, or a condition with more than 200 \
              values: 400 naming the limit.",
    lenient: "",
    answer: Status(400),
};

pub static FIELD_LIST_FILTER: Rule = Rule {
    id: "openapi.field-list.filter",
    api: OpenApi,
    scope: &["POST /openapi/crm/config/field/list"],
    provenance: Emulator,
    enforced: Strict,
    source: "《CRM客户管理接口》's field-list filter takes category and type lists but \
             names no values",
    summary: "A field-list category other than system/custom, or a type that is no \
              field type: 400.",
    lenient: "it matches nothing",
    answer: Status(400),
};
