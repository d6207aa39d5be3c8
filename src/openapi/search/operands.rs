//! Reading operands by the type of the field they are compared with, and building the
//! operator from them.

use serde_json::Value;

use super::{Catalog, Kind, Parsed, Resolved};
use crate::{
    ids,
    openapi::{
        times::{self, Precision},
        values::{choice_key, string_or_number},
    },
    runtime::rules::openapi as oa,
    store::openapi::{CascadeNode, CustomField, FieldType, Op, Operand, Target},
};

impl Catalog<'_> {
    /// The operand at `at` (`search[0].value[1]`) of a condition on `field` (`key`).
    pub(super) fn operand(
        &self,
        at: &str,
        field: &Resolved,
        key: &str,
        value: &Value,
    ) -> Parsed<Operand> {
        let numeric = matches!(field.target, Target::Values { numeric: true, .. });
        let text = match value {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        };
        let bad = |expected: &str| {
            oa::SEARCH_VALUE.broken(format!(
                "{at}: `{key}` values must be {expected}, got {value}"
            ))
        };
        match field.kind {
            Kind::Text => {
                let s = string_or_number(self.judge, at, value)?.ok_or_else(|| bad("strings"))?;
                Ok(Operand::Text(self.as_key(field, s)))
            }
            Kind::Id => {
                let s = string_or_number(self.judge, at, value)?;
                s.as_deref()
                    .and_then(ids::parse)
                    .map(Operand::Int)
                    .ok_or_else(|| bad("ids"))
            }
            Kind::Time => {
                let time = times::read(self.judge, at, value, self.clock, Precision::Second)?;
                let ms = time.ok_or_else(|| bad("times YYYY-MM-DD HH:MM:SS"))?.ms;
                Ok(if numeric {
                    Operand::Real(ms as f64)
                } else {
                    Operand::Int(ms)
                })
            }
            Kind::Date => times::read(self.judge, at, value, self.clock, Precision::Day)?
                .map(|t| Operand::Real(t.ms as f64))
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
    fn find<'a>(nodes: &'a [CascadeNode], text: &str) -> Option<&'a str> {
        nodes.iter().find_map(|n| {
            (n.key == text)
                .then_some(n.key.as_str())
                .or_else(|| find(&n.children, text))
        })
    }
    fn by_value<'a>(nodes: &'a [CascadeNode], text: &str) -> Option<&'a str> {
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
pub(super) fn op(name: &str, operands: &[Operand]) -> Result<Op, String> {
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
