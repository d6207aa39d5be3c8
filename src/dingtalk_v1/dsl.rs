//! `queryDsl` (docs/dingtalk-v1.md#paging-and-queries): a JSON string,
//! `{"queryGroupList":[{"logicType":"AND"|"OR","queryObjectList":[{"fieldId",
//! "filterType","value"}]}]}`, the shape of the public topapi sample. Groups are ANDed;
//! `fieldId` is any `data` key; `EQ` is the one filter type (another is the rule
//! `dingtalk-v1.query-dsl.filter-type`).

use serde_json::Value;

use super::error::{V1Error, V1Result};
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    store::dingtalk::{Condition, Group, RecordField, RecordFilter},
};

/// Reads `text` into the store's filter; `field` says what a `fieldId` names.
pub fn parse(
    judge: &Judge,
    text: Option<&str>,
    field: impl Fn(&str) -> RecordField,
) -> V1Result<RecordFilter> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(RecordFilter::default());
    };
    let dsl: Value =
        serde_json::from_str(text).map_err(|e| form(format!("queryDsl is not JSON: {e}")))?;
    let Some(dsl) = dsl.as_object() else {
        return Err(form("queryDsl must be a JSON object".to_owned()));
    };
    let groups = match dsl.get("queryGroupList") {
        None | Some(Value::Null) => return Ok(RecordFilter::default()),
        Some(Value::Array(groups)) => groups,
        Some(_) => return Err(form("queryDsl.queryGroupList must be an array".to_owned())),
    };
    let groups = groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            read_group(
                judge,
                group,
                &format!("queryDsl.queryGroupList[{i}]"),
                &field,
            )
        })
        .collect::<V1Result<Vec<_>>>()?;
    Ok(RecordFilter { groups })
}

fn read_group(
    judge: &Judge,
    group: &Value,
    path: &str,
    field: &impl Fn(&str) -> RecordField,
) -> V1Result<Group> {
    let Some(group) = group.as_object() else {
        return Err(form(format!("{path} must be an object")));
    };
    let any = match group.get("logicType").and_then(Value::as_str) {
        None => false,
        Some(logic) if logic.eq_ignore_ascii_case("AND") => false,
        Some(logic) if logic.eq_ignore_ascii_case("OR") => true,
        Some(logic) => return Err(form(format!("{path}.logicType {logic:?} is not AND or OR"))),
    };
    let conditions = match group.get("queryObjectList") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                read_condition(judge, item, &format!("{path}.queryObjectList[{i}]"), field)
            })
            .collect::<V1Result<Vec<_>>>()?,
        Some(_) => return Err(form(format!("{path}.queryObjectList must be an array"))),
    };
    Ok(Group { any, conditions })
}

fn read_condition(
    judge: &Judge,
    item: &Value,
    path: &str,
    field: &impl Fn(&str) -> RecordField,
) -> V1Result<Condition> {
    let text = |key: &str| match item.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    let field_id = text("fieldId").ok_or_else(|| form(format!("{path}.fieldId is required")))?;
    let value = match item.get("value") {
        Some(Value::Array(values)) => values.first().and_then(|v| v.as_str().map(str::to_owned)),
        _ => text("value"),
    };
    let value = value.ok_or_else(|| form(format!("{path}.value is required")))?;
    let filter_type = text("filterType").unwrap_or_else(|| "EQ".to_owned());
    let value = match filter_type.as_str() {
        "EQ" => Some(value),
        other => {
            let detail = format!("{path}.filterType {other:?}: the emulator filters with EQ only");
            judge.check(&v1::QUERY_DSL_FILTER_TYPE, detail)?;
            None
        }
    };
    let field = field(&field_id);
    // A customer may be named the way a contact's data shows it: `["<id>"]`.
    let value = match (&field, value) {
        (RecordField::CustomerId, Some(v)) => match serde_json::from_str::<Vec<String>>(&v) {
            Ok(ids) => ids.into_iter().next(),
            Err(_) => Some(v),
        },
        (_, value) => value,
    };
    Ok(Condition { field, value })
}

fn form(detail: String) -> V1Error {
    V1Error::refused(&v1::QUERY_DSL_FORM, detail)
}
