//! The search language of `/openapi/crm/list` (`docs/openapi.md#searching`), parsed from
//! the wire into the store's [`Condition`]s and [`Sort`](crate::store::openapi::Sort).
//! Pure: no I/O, unit-tested here.
//!
//! Operand types follow the field: text fields take strings (numbers are read as their
//! text); `_id` takes ids; `assignTime`, `firstAssignTime`, `createTime`, `updateTime`
//! and datetime fields take `YYYY-MM-DD HH:MM:SS`; date fields take `YYYY-MM-DD`;
//! number fields take numbers. `contains` and `startsWith` apply to text fields only.
//! On select, multi-select and cascade fields a choice's value is read as its key
//! (see `operands`). Each fault is the rule it is (`runtime::rules::openapi`): an
//! unknown or unsearchable field `openapi.search.field`, an unknown operator
//! `openapi.search.operator`, an operand of the wrong number or type
//! `openapi.search.value`, a search too large to run as one statement
//! `openapi.search.size`; an operator in another case (`EQ`) and a number for a text
//! field are the emulator's guesses, served to lenient accounts with a warning.

mod operands;
mod sort;

use serde::Deserialize;
use serde_json::Value;

pub use self::sort::SortSpec;

use crate::{
    runtime::{
        clock::Clock,
        rules::{openapi as oa, Broken, Judge, Rule},
    },
    store::openapi::{
        Column, Condition, CustomField, FieldType, Target, MAX_CONDITIONS, MAX_CONDITION_VALUES,
        STATUS_DELETED,
    },
};

/// One element of `search`: `field` `operator` `value` (docs/openapi.md#searching).
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct SearchItem {
    pub field: String,
    /// One of [`OPERATORS`], as spelled there (another case is served to lenient
    /// accounts, with a warning).
    #[schema(value_type = Operator)]
    pub operator: String,
    /// At most 200 values (`in`, `nin`).
    #[serde(default)]
    #[schema(max_items = 200)]
    pub value: Option<Vec<Value>>,
}

/// The operators, for the document only: the handler matches the string against
/// [`OPERATORS`], whose spelling this repeats.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(
    dead_code,
    reason = "only described: the handler reads operators as strings"
)]
pub enum Operator {
    Eq,
    Ne,
    In,
    Nin,
    Contains,
    StartsWith,
    Empty,
    NotEmpty,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
}

/// Every operator, for error messages.
pub const OPERATORS: [&str; 13] = [
    "eq",
    "ne",
    "in",
    "nin",
    "contains",
    "startsWith",
    "empty",
    "notEmpty",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
];

/// The system keys that can be searched: every key of the record.
pub use crate::store::openapi::fields::RECORD_KEYS as SYSTEM_KEYS;

/// How operands of a field are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Id,
    Time,
    Number,
    Date,
}

/// A searchable field, resolved.
struct Resolved<'a> {
    target: Target,
    kind: Kind,
    list: bool,
    custom: Option<&'a CustomField>,
}

/// What search fields are resolved against, and the request's judge.
pub struct Catalog<'a> {
    pub appid: &'a str,
    pub fields: &'a [CustomField],
    pub clock: &'a Clock,
    pub judge: &'a Judge,
}

/// A parse result; the refusal names the element and what is wrong with it.
type Parsed<T> = Result<T, Broken>;

/// Whether resolving these needs the account's custom fields (any non-system key).
pub fn needs_custom_fields(items: &[SearchItem], sort: Option<&Value>) -> bool {
    let custom = |f: &str| !SYSTEM_KEYS.contains(&f);
    let sort_field = sort.and_then(|s| s.get("field")).and_then(Value::as_str);
    items.iter().any(|i| custom(&i.field)) || sort_field.is_some_and(custom)
}

impl Catalog<'_> {
    /// Parses `search`.
    pub fn conditions(&self, items: &[SearchItem]) -> Parsed<Vec<Condition>> {
        if items.len() > MAX_CONDITIONS {
            return Err(oa::SEARCH_SIZE.broken(format!(
                "search has {} conditions; the limit is {MAX_CONDITIONS}",
                items.len()
            )));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.condition(&format!("search[{i}]"), item))
            .collect()
    }

    /// The search item at `at` (`search[0]`).
    fn condition(&self, at: &str, item: &SearchItem) -> Parsed<Condition> {
        let name = self.operator(at, &item.operator)?;
        let field = self.resolve(at, &item.field)?;
        if matches!(name, "contains" | "startsWith") && field.kind != Kind::Text {
            return Err(oa::SEARCH_VALUE.broken(format!(
                "{at}: operator {name} applies to text fields; `{}` is not one",
                item.field
            )));
        }
        let values = item.value.as_deref().unwrap_or_default();
        if values.len() > MAX_CONDITION_VALUES {
            return Err(oa::SEARCH_SIZE.broken(format!(
                "{at}.value has {} values; the limit is {MAX_CONDITION_VALUES}",
                values.len()
            )));
        }
        let operands = values
            .iter()
            .enumerate()
            .map(|(i, v)| self.operand(&format!("{at}.value[{i}]"), &field, &item.field, v))
            .collect::<Result<Vec<_>, _>>()?;
        let op = operands::op(name, &operands)
            .map_err(|why| oa::SEARCH_VALUE.broken(format!("{at}: {why}")))?;
        Ok(Condition {
            target: field.target,
            op,
        })
    }

    /// The operator as spelled in [`OPERATORS`]; another case is served to lenient
    /// accounts.
    fn operator(&self, at: &str, sent: &str) -> Parsed<&'static str> {
        if let Some(name) = OPERATORS.iter().find(|op| **op == sent) {
            return Ok(name);
        }
        let Some(name) = OPERATORS.iter().find(|op| op.eq_ignore_ascii_case(sent)) else {
            return Err(oa::SEARCH_OPERATOR.broken(format!(
                "{at}: unknown operator {sent:?}; operators are {}",
                OPERATORS.join(", ")
            )));
        };
        self.judge.check(
            &oa::SEARCH_OPERATOR_CASE,
            format!("{at}.operator {sent:?} is spelled {name:?}"),
        )?;
        Ok(name)
    }

    /// The field `key` named at `at` (`search[0]`, `sort.field`).
    fn resolve(&self, at: &str, key: &str) -> Parsed<Resolved<'_>> {
        self.resolve_key(key)
            .map_err(|(rule, why)| rule.broken(format!("{at}: {why}")))
    }

    fn resolve_key(&self, key: &str) -> Result<Resolved<'_>, (&'static Rule, String)> {
        let column = |column, kind| Resolved {
            target: Target::Column(column),
            kind,
            list: false,
            custom: None,
        };
        let list = |field: &str| Resolved {
            target: Target::Values {
                field: field.to_owned(),
                numeric: false,
            },
            kind: Kind::Text,
            list: true,
            custom: None,
        };
        Ok(match key {
            "_id" => column(Column::Id, Kind::Id),
            "accountId" => Resolved {
                target: Target::Constant(self.appid.to_owned()),
                kind: Kind::Text,
                list: false,
                custom: None,
            },
            "customerName" => column(Column::CustomerName, Kind::Text),
            "owner" => column(Column::Owner, Kind::Text),
            "firstOwner" => column(Column::FirstOwner, Kind::Text),
            "assignTime" => column(Column::AssignTime, Kind::Time),
            "firstAssignTime" => column(Column::FirstAssignTime, Kind::Time),
            "createMethod" => column(Column::CreateMethod, Kind::Text),
            "visitorId" => column(Column::VisitorId, Kind::Text),
            "createTime" => column(Column::CreateTime, Kind::Time),
            "updateTime" => column(Column::UpdateTime, Kind::Time),
            "createAgent" => column(Column::CreateAgent, Kind::Text),
            "updateAgent" => column(Column::UpdateAgent, Kind::Text),
            "mobile" | "email" | "qq" | "wechat" | "customerSource" | "openSeaIds" => list(key),
            _ => return self.resolve_custom(key),
        })
    }

    /// A custom field: unknown is `openapi.search.field`, not searchable (the vendor
    /// document's `searchable`) `openapi.search.searchable`.
    fn resolve_custom(&self, key: &str) -> Result<Resolved<'_>, (&'static Rule, String)> {
        let field = self
            .fields
            .iter()
            .find(|f| f.field == key && f.status != STATUS_DELETED);
        let Some(field) = field.filter(|f| f.searchable) else {
            let mut valid: Vec<&str> = SYSTEM_KEYS.to_vec();
            valid.extend(
                self.fields
                    .iter()
                    .filter(|f| f.searchable && f.status != STATUS_DELETED)
                    .map(|f| f.field.as_str()),
            );
            let (rule, why) = match field {
                Some(_) => (&oa::SEARCH_SEARCHABLE, "is not searchable"),
                None => (&oa::SEARCH_FIELD, "is not a field"),
            };
            let why = format!("`{key}` {why}; searchable fields are: {}", valid.join(", "));
            return Err((rule, why));
        };
        let kind = match field.field_type {
            FieldType::Number => Kind::Number,
            FieldType::Date => Kind::Date,
            FieldType::Datetime => Kind::Time,
            _ => Kind::Text,
        };
        Ok(Resolved {
            target: Target::Values {
                field: key.to_owned(),
                numeric: field.field_type.is_numeric(),
            },
            kind,
            list: field.field_type.is_list(),
            custom: Some(field),
        })
    }
}

#[cfg(test)]
mod tests;
