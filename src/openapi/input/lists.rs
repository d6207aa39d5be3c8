//! The record's list-valued system fields: `mobile`, `email`, `qq`, `wechat` (lists of
//! `{value, memo}`), `customerSource` and `openSeaIds`.

use serde_json::Value;

use super::{fits_index, indexed, not_blank, string, text, Read};
use crate::{
    openapi::{error::ApiError, fields::customer_sources, values},
    runtime::rules::{openapi as oa, Judge},
    store::openapi::{Account, Contact, FieldType},
};

/// A list of `{value, memo}` (PhoneProperty, EmailProperty, QqProperty, WechatProperty).
pub(super) fn contacts(judge: &Judge, key: &str, value: &Value) -> Read<Vec<Contact>> {
    let items = value.as_array().ok_or_else(|| {
        ApiError::refused(
            &oa::FIELD_TYPE,
            format!("`{key}` must be a list of {{\"value\", \"memo\"}} objects, got {value}"),
        )
    })?;
    let format = match key {
        "mobile" => FieldType::Phone,
        "email" => FieldType::Email,
        _ => FieldType::Text,
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| contact(judge, &format!("{key}[{i}]"), item, format))
        .collect()
}

fn contact(judge: &Judge, path: &str, item: &Value, format: FieldType) -> Read<Contact> {
    let object = item.as_object().ok_or_else(|| {
        ApiError::refused(
            &oa::FIELD_TYPE,
            format!("`{path}` must be an object {{\"value\", \"memo\"}}, got {item}"),
        )
    })?;
    for extra in object
        .keys()
        .filter(|k| !["value", "memo"].contains(&k.as_str()))
    {
        judge.check(
            &oa::RECORD_UNKNOWN_KEY,
            format!("`{path}` has an unknown key `{extra}`; valid keys are value, memo"),
        )?;
    }
    let value_path = format!("{path}.value");
    let value = match object.get("value") {
        None | Some(Value::Null) => {
            judge.check(&oa::FIELD_BLANK, format!("`{value_path}` is missing"))?;
            String::new()
        }
        Some(value) => not_blank(judge, &value_path, indexed(judge, &value_path, value)?)?,
    };
    if !value.trim().is_empty() {
        values::check_format(judge, &value_path, format, &value)?;
    }
    let memo = match object.get("memo") {
        None | Some(Value::Null) => None,
        Some(memo) => Some(string(judge, &format!("{path}.memo"), memo)?),
    };
    Ok(Contact { value, memo })
}

/// `customerSource`: a multi-select over the account's source choices; a choice's value
/// is stored as its key, and repeats are dropped.
pub(super) fn sources(judge: &Judge, value: &Value, account: &Account) -> Read<Vec<String>> {
    let choices = customer_sources(account);
    let listed = || {
        let keys: Vec<&str> = choices.iter().map(|c| c.key.as_str()).collect();
        format!("{keys:?}")
    };
    let items = values::one_or_list(judge, "customerSource", value)?.ok_or_else(|| {
        ApiError::refused(
            &oa::VALUE_TYPE,
            format!(
                "`customerSource` must be a list of choices from {}, got {value}",
                listed()
            ),
        )
    })?;
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("customerSource[{i}]");
        let sent = text(judge, &path, item)?;
        let known = choices
            .iter()
            .find(|c| c.key == sent)
            .or_else(|| choices.iter().find(|c| c.value == sent));
        let key = match known {
            Some(choice) => choice.key.clone(),
            None => {
                judge.check(
                    &oa::CUSTOMER_SOURCE_CHOICE,
                    format!(
                        "`{path}` {sent:?} is not one of the account's sources {}",
                        listed()
                    ),
                )?;
                sent
            }
        };
        fits_index(&path, &key)?;
        if !out.contains(&key) {
            out.push(key);
        }
    }
    Ok(out)
}

pub(super) fn pools(judge: &Judge, value: &Value, account: &Account) -> Read<Vec<String>> {
    let items = values::one_or_list(judge, "openSeaIds", value)?.ok_or_else(|| {
        ApiError::refused(
            &oa::VALUE_TYPE,
            format!("`openSeaIds` must be a list of open-sea ids, got {value}"),
        )
    })?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("openSeaIds[{i}]");
        let pool = text(judge, &path, item)?;
        fits_index(&path, &pool)?;
        if !account.open_sea_ids.contains(&pool) {
            judge.check(
                &oa::OPEN_SEA_KNOWN,
                format!(
                    "`{path}` {pool:?} is not an open sea of this account; its open seas are {:?}",
                    account.open_sea_ids
                ),
            )?;
        }
        out.push(pool);
    }
    Ok(out)
}
