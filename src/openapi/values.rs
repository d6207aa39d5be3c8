//! Validation of custom field values by type (`docs/openapi.md#custom-fields`), producing
//! the canonical value to store and its search-index entries.
//!
//! | type | accepts | stored as |
//! |---|---|---|
//! | text, textarea | a string | the string |
//! | phone | a string of digits, optionally `+` first and spaces/`-`/parentheses, 3–20 digits | the string |
//! | email | a string `local@domain.tld` without spaces | the string |
//! | number | a JSON number, or a string holding one | the number |
//! | date | `YYYY-MM-DD` | the string (indexed as epoch ms of midnight, configured zone) |
//! | datetime | `YYYY-MM-DD HH:MM:SS` | the string (indexed as epoch ms) |
//!
//! A date or datetime in another form (ISO 8601, epoch milliseconds) is rule
//! `openapi.field.time-format`: read and kept in the wire form for a lenient account
//! (`openapi::times`).
//! | select | a choice key, or a choice value | the key |
//! | multiSelect | a list of keys or values | the list of keys, without repeats |
//! | cascade | a list of keys (or values) along a path from the top, `fillLevel` to `level` long | the keys |
//!
//! `null` clears a value. A value of another JSON type is refused (rule
//! `openapi.value.type`), except where the emulator guesses and a lenient account is
//! served with a warning: a JSON number for a string type (`openapi.field.number`, its
//! text is stored), a phone or email of another form (`openapi.value.format`) and a
//! select value outside the choices (`openapi.select.choice`), stored as sent.

use std::borrow::Cow;

use serde_json::{Number, Value};

use super::times::{self, Precision};
use crate::{
    runtime::{
        clock::Clock,
        rules::{openapi as oa, Broken, Judge},
    },
    store::openapi::{CascadeNode, Choice, CustomField, FieldType, IndexEntry, StoredValue},
};

/// Checks `value` against the field; `Ok(None)` for `null` (clear). The refusal names
/// the field and what was expected.
pub fn validate(
    field: &CustomField,
    value: &Value,
    clock: &Clock,
    judge: &Judge,
) -> Result<Option<StoredValue>, Broken> {
    if value.is_null() {
        return Ok(None);
    }
    let path = field.field.as_str();
    let fault = |expected: &str| {
        oa::VALUE_TYPE.broken(format!(
            "`{}` ({}, {}) expects {expected}, got {value}",
            field.field,
            field.name,
            field.field_type.as_str()
        ))
    };
    let text = |expected: &str| match string_or_number(judge, path, value)? {
        Some(text) => Ok(text),
        None => Err(fault(expected)),
    };
    let stored = match field.field_type {
        FieldType::Text | FieldType::Textarea => single(&text("a string")?),
        FieldType::Phone | FieldType::Email => {
            let text = text("a string")?;
            check_format(judge, path, field.field_type, &text)?;
            single(&text)
        }
        FieldType::Number => number(value).ok_or_else(|| fault("a number"))?,
        FieldType::Date => moment(judge, field, value, clock, Precision::Day)
            .and_then(|t| t.ok_or_else(|| fault("a date YYYY-MM-DD")))?,
        FieldType::Datetime => moment(judge, field, value, clock, Precision::Second)
            .and_then(|t| t.ok_or_else(|| fault("a time YYYY-MM-DD HH:MM:SS")))?,
        FieldType::Select => {
            let text = text(&format!("one of the choices {}", choice_list(field)))?;
            single(&choice(judge, field, path, &text)?)
        }
        FieldType::MultiSelect => {
            let items = one_or_list(judge, path, value)?
                .ok_or_else(|| fault(&format!("a list of choices from {}", choice_list(field))))?;
            let mut keys: Vec<String> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                let Some(text) = string_or_number(judge, &at, item)? else {
                    return Err(fault(&format!(
                        "a list of choices from {} ({item} is not one)",
                        choice_list(field)
                    )));
                };
                let key = choice(judge, field, &at, &text)?;
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            StoredValue {
                json: Value::from(keys.clone()),
                index: keys.into_iter().map(IndexEntry::text).collect(),
            }
        }
        FieldType::Cascade => cascade(field, value).map_err(|why| fault(&why))?,
    };
    Ok(Some(stored))
}

/// A value the vendor document types String: a string, or a JSON number's decimal text
/// (rule `openapi.field.number`). `None` for another JSON type.
pub fn string_or_number(
    judge: &Judge,
    path: &str,
    value: &Value,
) -> Result<Option<String>, Broken> {
    match value {
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => {
            judge.check_instead(
                &oa::FIELD_NUMBER,
                format!("`{path}` must be a string, got the number {n}"),
                oa::DECIMAL_TEXT,
            )?;
            Ok(Some(n.to_string()))
        }
        _ => Ok(None),
    }
}

/// The items of a list-valued field (`customerSource`, `openSeaIds`, a multiSelect
/// value); one string for a list is rule `openapi.field.one-value` (a lenient account
/// gets a list of it). `None` for another JSON type.
pub fn one_or_list<'v>(
    judge: &Judge,
    path: &str,
    value: &'v Value,
) -> Result<Option<Cow<'v, [Value]>>, Broken> {
    match value {
        Value::Array(items) => Ok(Some(Cow::Borrowed(items))),
        Value::String(text) => {
            judge.check(
                &oa::FIELD_ONE_VALUE,
                format!("`{path}` must be a list, got the string {text:?}"),
            )?;
            Ok(Some(Cow::Owned(vec![value.clone()])))
        }
        _ => Ok(None),
    }
}

/// A phone or email value (a custom field's, or the record's `mobile`/`email`) must look
/// like one (rule `openapi.value.format`); other types take any text.
pub fn check_format(
    judge: &Judge,
    path: &str,
    field_type: FieldType,
    text: &str,
) -> Result<(), Broken> {
    let (ok, what) = match field_type {
        FieldType::Phone => (
            is_phone(text),
            "a phone number: 3–20 digits, optionally + first, with spaces, - and parentheses",
        ),
        FieldType::Email => (is_email(text), "an email address local@domain.tld"),
        _ => return Ok(()),
    };
    if ok {
        return Ok(());
    }
    judge.check(
        &oa::VALUE_FORMAT,
        format!("`{path}` must be {what}, got {text:?}"),
    )
}

/// The key of the choice `text` is (its key or its value); another text is refused
/// (rule `openapi.select.choice`) or, for a lenient account, kept as sent.
fn choice(judge: &Judge, field: &CustomField, path: &str, text: &str) -> Result<String, Broken> {
    if let Some(key) = choice_key(field, text) {
        return Ok(key.to_owned());
    }
    judge.check(
        &oa::SELECT_CHOICE,
        format!(
            "`{path}` ({}) {text:?} is not one of the choices {}",
            field.name,
            choice_list(field)
        ),
    )?;
    Ok(text.to_owned())
}

/// Whether a value counts as absent for `required`: `null`, `""` or `[]`.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn single(text: &str) -> StoredValue {
    StoredValue {
        json: Value::from(text),
        index: vec![IndexEntry::text(text)],
    }
}

fn numeric(json: Value, text: &str, num: f64) -> StoredValue {
    StoredValue {
        json,
        index: vec![IndexEntry {
            text: text.to_owned(),
            num: Some(num),
        }],
    }
}

fn is_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    allowed && (3..=20).contains(&digits)
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.split('.').filter(|part| !part.is_empty()).count() >= 2
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

fn number(value: &Value) -> Option<StoredValue> {
    let json = match value {
        Value::Number(n) => Value::Number(n.clone()),
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => Value::Number(Number::from_f64(s.parse::<f64>().ok()?)?),
            }
        }
        _ => return None,
    };
    let num = json.as_f64().filter(|f| f.is_finite())?;
    let text = json.to_string();
    Some(numeric(json, &text, num))
}

/// A date or datetime value, kept in its wire form (`openapi::times`); `Ok(None)` when
/// it cannot be a time.
fn moment(
    judge: &Judge,
    field: &CustomField,
    value: &Value,
    clock: &Clock,
    precision: Precision,
) -> Result<Option<StoredValue>, Broken> {
    let time = times::read(judge, &field.field, value, clock, precision)?;
    Ok(time.map(|t| numeric(Value::from(t.text.as_str()), &t.text, t.ms as f64)))
}

/// The key of the choice whose key (first) or value is `text`.
pub fn choice_key<'a>(field: &'a CustomField, text: &str) -> Option<&'a str> {
    let choices: &[Choice] = field.choices.as_deref().unwrap_or_default();
    choices
        .iter()
        .find(|c| c.key == text)
        .or_else(|| choices.iter().find(|c| c.value == text))
        .map(|c| c.key.as_str())
}

fn choice_list(field: &CustomField) -> String {
    let choices: &[Choice] = field.choices.as_deref().unwrap_or_default();
    let keys: Vec<String> = choices
        .iter()
        .map(|c| format!("{}={}", c.key, c.value))
        .collect();
    format!("[{}]", keys.join(", "))
}

/// The keys of a cascade value along one path of the options tree.
fn cascade(field: &CustomField, value: &Value) -> Result<StoredValue, String> {
    let options = field
        .options
        .as_ref()
        .ok_or_else(|| "a value, but the field has no options".to_owned())?;
    let shape = format!(
        "a list of {}–{} option keys along one path of the options tree",
        options.fill_level, options.level
    );
    let items = value.as_array().ok_or_else(|| shape.clone())?;
    let depth = items.len() as i64;
    if depth < options.fill_level || depth > options.level {
        return Err(shape);
    }
    let mut level: &[CascadeNode] = &options.children;
    let mut keys = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = item.as_str().ok_or_else(|| shape.clone())?;
        let node = level
            .iter()
            .find(|n| n.key == text)
            .or_else(|| level.iter().find(|n| n.value == text))
            .ok_or_else(|| {
                let here: Vec<&str> = level.iter().map(|n| n.key.as_str()).collect();
                format!(
                    "{shape}; level {} has no option {text:?} (options: {here:?})",
                    i + 1
                )
            })?;
        keys.push(node.key.clone());
        level = &node.children;
    }
    Ok(StoredValue {
        json: Value::from(keys.clone()),
        index: keys.into_iter().map(IndexEntry::text).collect(),
    })
}

#[cfg(test)]
#[path = "values_tests.rs"]
mod tests;
