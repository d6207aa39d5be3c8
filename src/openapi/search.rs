//! The search language of `/openapi/crm/list` (SPEC §2.5), parsed from the wire into
//! the store's [`Condition`]s and [`Sort`]. Pure: no I/O, unit-tested here.
//!
//! Operand types follow the field: text fields take strings (numbers are read as their
//! text); `_id` takes ids; `assignTime`, `firstAssignTime`, `createTime`, `updateTime`
//! and datetime fields take `YYYY-MM-DD HH:MM:SS`; date fields take `YYYY-MM-DD`;
//! number fields take numbers. `contains` and `startsWith` apply to text fields only.
//! On select, multi-select and cascade fields a choice's value is read as its key.

use serde::Deserialize;
use serde_json::Value;

use super::values::{choice_key, parse_date};
use crate::{
    clock::Clock,
    store::openapi::{
        Column, Condition, CustomField, FieldType, Op, Operand, Sort, SortKey, Target,
        STATUS_DELETED,
    },
};

/// One element of `search`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchItem {
    pub field: String,
    pub operator: String,
    #[serde(default)]
    pub value: Option<Vec<Value>>,
}

/// `sort`: a field and `asc`/`desc` (default `desc`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortSpec {
    pub field: String,
    #[serde(default)]
    pub order: Option<String>,
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

/// The system keys that can be searched, in the order of SPEC §2.4.
pub const SYSTEM_KEYS: [&str; 19] = [
    "_id",
    "accountId",
    "customerName",
    "owner",
    "firstOwner",
    "assignTime",
    "firstAssignTime",
    "createMethod",
    "mobile",
    "email",
    "qq",
    "wechat",
    "customerSource",
    "visitorId",
    "openSeaIds",
    "createTime",
    "updateTime",
    "createAgent",
    "updateAgent",
];

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

/// What search fields are resolved against.
pub struct Catalog<'a> {
    pub appid: &'a str,
    pub fields: &'a [CustomField],
    pub clock: &'a Clock,
}

/// Whether resolving these needs the account's custom fields (any non-system key).
pub fn needs_custom_fields(items: &[SearchItem], sort: Option<&SortSpec>) -> bool {
    let custom = |f: &str| !SYSTEM_KEYS.contains(&f);
    items.iter().any(|i| custom(&i.field)) || sort.is_some_and(|s| custom(&s.field))
}

impl Catalog<'_> {
    /// Parses `search`; the error names the element and what is wrong with it.
    pub fn conditions(&self, items: &[SearchItem]) -> Result<Vec<Condition>, String> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                self.condition(item)
                    .map_err(|e| format!("search[{i}]: {e}"))
            })
            .collect()
    }

    /// Parses `sort`; absent means `createTime` descending.
    pub fn sort(&self, spec: Option<&SortSpec>) -> Result<Sort, String> {
        let Some(spec) = spec else {
            return Ok(Sort::default());
        };
        let descending = match spec
            .order
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(other) => {
                return Err(format!(
                    "sort.order must be \"asc\" or \"desc\", got {other:?}"
                ))
            }
        };
        let resolved = self
            .resolve(&spec.field)
            .map_err(|e| format!("sort.field: {e}"))?;
        if resolved.list {
            return Err(format!(
                "sort.field: `{}` holds a list and cannot be sorted by",
                spec.field
            ));
        }
        let key = match resolved.target {
            Target::Column(column) => SortKey::Column(column),
            // Every customer of the account has the same accountId: sort by id.
            Target::Constant(_) => SortKey::Column(Column::Id),
            Target::Values { field, numeric } => SortKey::Value { field, numeric },
        };
        Ok(Sort { key, descending })
    }

    fn condition(&self, item: &SearchItem) -> Result<Condition, String> {
        let name = item.operator.as_str();
        if !OPERATORS.contains(&name) {
            return Err(format!(
                "unknown operator {name:?}; operators are {}",
                OPERATORS.join(", ")
            ));
        }
        let field = self.resolve(&item.field)?;
        if matches!(name, "contains" | "startsWith") && field.kind != Kind::Text {
            return Err(format!(
                "operator {name} applies to text fields; `{}` is not one",
                item.field
            ));
        }
        let operands = item
            .value
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|v| self.operand(&field, &item.field, v))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Condition {
            target: field.target,
            op: op(name, &operands)?,
        })
    }

    fn resolve(&self, key: &str) -> Result<Resolved<'_>, String> {
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

    fn resolve_custom(&self, key: &str) -> Result<Resolved<'_>, String> {
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
            let why = if field.is_some() {
                "is not searchable"
            } else {
                "is not a field"
            };
            return Err(format!(
                "`{key}` {why}; searchable fields are: {}",
                valid.join(", ")
            ));
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

    fn operand(&self, field: &Resolved, key: &str, value: &Value) -> Result<Operand, String> {
        let numeric = matches!(field.target, Target::Values { numeric: true, .. });
        let text = match value {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        };
        let bad = |expected: &str| format!("`{key}` values must be {expected}, got {value}");
        match field.kind {
            Kind::Text => {
                let s = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(bad("strings")),
                };
                Ok(Operand::Text(self.as_key(field, s)))
            }
            Kind::Id => match value {
                Value::Number(n) => n.as_i64().map(Operand::Int).ok_or_else(|| bad("ids")),
                _ => text
                    .and_then(|s| s.parse().ok())
                    .map(Operand::Int)
                    .ok_or_else(|| bad("ids")),
            },
            Kind::Time => {
                let ms = text
                    .and_then(|s| self.clock.parse(s))
                    .ok_or_else(|| bad("times YYYY-MM-DD HH:MM:SS"))?;
                Ok(if numeric {
                    Operand::Real(ms as f64)
                } else {
                    Operand::Int(ms)
                })
            }
            Kind::Date => text
                .and_then(|s| parse_date(s, self.clock))
                .map(Operand::Real)
                .ok_or_else(|| bad("dates YYYY-MM-DD")),
            Kind::Number => {
                let n = match value {
                    Value::Number(n) => n.as_f64(),
                    _ => text.and_then(|s| s.trim().parse().ok()),
                };
                n.filter(|f: &f64| f.is_finite())
                    .map(Operand::Real)
                    .ok_or_else(|| bad("numbers"))
            }
        }
    }

    /// On select-like custom fields, a choice's value stands for its key.
    fn as_key(&self, field: &Resolved, text: String) -> String {
        match field.custom {
            Some(f) if matches!(f.field_type, FieldType::Select | FieldType::MultiSelect) => {
                choice_key(f, &text).map_or(text, str::to_owned)
            }
            Some(f) if f.field_type == FieldType::Cascade => cascade_key(f, text),
            _ => text,
        }
    }
}

fn cascade_key(field: &CustomField, text: String) -> String {
    fn find<'a>(nodes: &'a [crate::store::openapi::CascadeNode], text: &str) -> Option<&'a str> {
        nodes.iter().find_map(|n| {
            (n.key == text)
                .then_some(n.key.as_str())
                .or_else(|| find(&n.children, text))
        })
    }
    fn by_value<'a>(
        nodes: &'a [crate::store::openapi::CascadeNode],
        text: &str,
    ) -> Option<&'a str> {
        nodes.iter().find_map(|n| {
            (n.value == text)
                .then_some(n.key.as_str())
                .or_else(|| by_value(&n.children, text))
        })
    }
    let nodes = field
        .options
        .as_ref()
        .map(|o| o.children.as_slice())
        .unwrap_or_default();
    match find(nodes, &text).or_else(|| by_value(nodes, &text)) {
        Some(key) => key.to_owned(),
        None => text,
    }
}

/// The operator `name` (known) over its operands, checking how many it takes.
fn op(name: &str, operands: &[Operand]) -> Result<Op, String> {
    let wrong = |wanted: &str| {
        format!(
            "operator {name} takes {wanted} in `value`, got {}",
            operands.len()
        )
    };
    let text = |o: &Operand| match o {
        Operand::Text(s) => s.clone(),
        Operand::Int(i) => i.to_string(),
        Operand::Real(f) => f.to_string(),
    };
    Ok(match (name, operands) {
        ("empty", []) => Op::Empty,
        ("notEmpty", []) => Op::NotEmpty,
        ("empty" | "notEmpty", _) => return Err(wrong("no values")),
        ("in", [_, ..]) => Op::In(operands.to_vec()),
        ("nin", [_, ..]) => Op::Nin(operands.to_vec()),
        ("in" | "nin", []) => return Err(wrong("at least one value")),
        ("between", [low, high]) => Op::Between(low.clone(), high.clone()),
        ("between", _) => return Err(wrong("exactly 2 values")),
        ("eq", [v]) => Op::Eq(v.clone()),
        ("ne", [v]) => Op::Ne(v.clone()),
        ("gt", [v]) => Op::Gt(v.clone()),
        ("gte", [v]) => Op::Gte(v.clone()),
        ("lt", [v]) => Op::Lt(v.clone()),
        ("lte", [v]) => Op::Lte(v.clone()),
        ("contains", [v]) => Op::Contains(text(v)),
        ("startsWith", [v]) => Op::StartsWith(text(v)),
        _ => return Err(wrong("exactly 1 value")),
    })
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
