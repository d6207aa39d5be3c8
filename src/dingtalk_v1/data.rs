//! `data` ↔ columns (docs/dingtalk-v1.md#records). A `data` value is a string or
//! `{"value": "<string>", "extendValue": …}`; a key with a column (`customer_name` →
//! `name`, …) fills the column and keeps its extendValue in `data_extra`, any other key
//! is kept in `data_extra` as sent. `contact_related_customer` names a contact's
//! customer: `"[\"<id>\"]"`, `"<id>"`, or an extendValue `{"list":[{"instanceId"}]}`.

use serde_json::{json, Map, Value};

use super::{
    error::V1Result,
    fields::{check_length, shape, text},
};
use crate::{
    dingtalk::validate::{ADDRESS_MAX, ATTACHED_MAX, DESCRIPTION_MAX, NAME_MAX, PHONE_MAX},
    runtime::rules::Judge,
    store::dingtalk::{ExtraChange, CONTACT_COLUMNS, CUSTOMER_COLUMNS},
};

/// The contact's customer key.
pub const RELATED_CUSTOMER: &str = "contact_related_customer";

/// One `data` entry as sent: its key, its path for messages, its value and extendValue.
pub struct Entry {
    pub key: String,
    pub path: String,
    value: Value,
    extend: Option<Value>,
}

/// The entries of a `data` object at `path`.
pub fn entries(data: &Map<String, Value>, path: &str) -> Vec<Entry> {
    data.iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| {
            let (value, extend) = match value {
                Value::Object(object) if object.contains_key("value") => (
                    object.get("value").cloned().unwrap_or(Value::Null),
                    object.get("extendValue").filter(|v| !v.is_null()).cloned(),
                ),
                other => (other.clone(), None),
            };
            Entry {
                key: key.clone(),
                path: format!("{path}.{key}"),
                value,
                extend,
            }
        })
        .collect()
}

/// An entry of a `bizDataList` (`{key, value, extendValue}`), at `path`.
pub fn biz_entry(key: String, path: String, value: Value, extend: Option<Value>) -> Entry {
    Entry {
        key,
        path,
        value,
        extend,
    }
}

impl Entry {
    /// The value as `data` sends it: the string, or the object form.
    fn as_sent(&self) -> Value {
        match &self.extend {
            None => self.value.clone(),
            Some(extend) => json!({"value": self.value, "extendValue": extend}),
        }
    }
}

/// What a `data` (or `bizDataList`) gives: the columns' new values, keyed by column,
/// and the change to `data_extra`.
#[derive(Default)]
pub struct DataIn {
    pub columns: Vec<(&'static str, String)>,
    pub extra: ExtraChange,
    /// The customer a contact's `contact_related_customer` names: its id, or the text
    /// that names none.
    pub customer: Option<Result<i64, String>>,
}

impl DataIn {
    /// The new value of `column`, if given.
    pub fn column(&self, column: &str) -> Option<String> {
        let found = self.columns.iter().find(|(c, _)| *c == column);
        found.map(|(_, value)| value.clone())
    }

    /// Whether nothing is given.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
            && self.extra.set.is_empty()
            && self.extra.remove.is_empty()
            && self.customer.is_none()
    }
}

/// Reads customer `data` entries.
pub fn customer_data(judge: &Judge, entries: Vec<Entry>) -> V1Result<DataIn> {
    read(judge, entries, &CUSTOMER_COLUMNS, false)
}

/// Reads contact `data` entries, `contact_related_customer` among them.
pub fn contact_data(judge: &Judge, entries: Vec<Entry>) -> V1Result<DataIn> {
    read(judge, entries, &CONTACT_COLUMNS, true)
}

fn read(
    judge: &Judge,
    entries: Vec<Entry>,
    columns: &[(&'static str, &'static str)],
    contact: bool,
) -> V1Result<DataIn> {
    let mut data = DataIn::default();
    for entry in entries {
        if contact && entry.key == RELATED_CUSTOMER {
            data.customer = Some(related_customer(judge, &entry)?);
            continue;
        }
        let Some((column, _)) = columns.iter().find(|(_, key)| *key == entry.key) else {
            data.extra.set.insert(entry.key.clone(), entry.as_sent());
            continue;
        };
        if entry.value.is_null() {
            return Err(shape(format!("{}.value is required", entry.path)));
        }
        let value = text(judge, &entry.value, &entry.path)?;
        check_length(judge, &entry.path, &value, limit(column))?;
        match &entry.extend {
            Some(extend) => data.extra.set.insert(entry.key.clone(), extend.clone()),
            None => {
                data.extra.remove.push(entry.key.clone());
                None
            }
        };
        data.columns.push((column, value));
    }
    Ok(data)
}

/// The length limit of a column (the old API's).
fn limit(column: &str) -> usize {
    match column {
        "name" => NAME_MAX,
        "address" => ADDRESS_MAX,
        "description" => DESCRIPTION_MAX,
        "attached" => ATTACHED_MAX,
        _ => PHONE_MAX,
    }
}

/// The customer `contact_related_customer` names, from its value or its extendValue.
fn related_customer(judge: &Judge, entry: &Entry) -> V1Result<Result<i64, String>> {
    let value = match &entry.value {
        Value::Null => String::new(),
        other => text(judge, other, &entry.path)?,
    };
    let from_value = match serde_json::from_str::<Value>(&value) {
        Ok(Value::Array(items)) => items.first().map(id_text),
        _ => Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
    };
    let from_extend = || {
        let extend = entry.extend.as_ref()?;
        let parsed = match extend {
            Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
            other => other.clone(),
        };
        parsed.pointer("/list/0/instanceId").map(id_text)
    };
    let Some(named) = from_value.or_else(from_extend) else {
        return Err(shape(format!("{} names no customer", entry.path)));
    };
    Ok(crate::ids::parse(&named).ok_or(named))
}

fn id_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A record's `data`: each column with a key, when not empty (with its extendValue
/// when one is kept), then the other keys as sent.
pub fn render(
    columns: &[(&str, &str)],
    value_of: impl Fn(&str) -> String,
    data_extra: &str,
) -> Map<String, Value> {
    let mut extra = match serde_json::from_str::<Value>(data_extra) {
        Ok(Value::Object(object)) => object,
        _ => Map::new(),
    };
    let mut data = Map::new();
    for (column, key) in columns {
        let extend = extra.remove(*key);
        let value = value_of(column);
        if value.is_empty() {
            continue;
        }
        let rendered = match extend {
            Some(extend) => json!({"value": value, "extendValue": extend}),
            None => Value::String(value),
        };
        data.insert((*key).to_owned(), rendered);
    }
    data.extend(extra);
    data
}

/// `contact_related_customer` as a contact's `data` shows it: the public samples' form.
pub fn related_customer_value(customer_id: i64) -> Value {
    let list = json!({"list": [{"instanceId": customer_id.to_string()}]});
    json!({
        "value": json!([customer_id.to_string()]).to_string(),
        "extendValue": list.to_string(),
    })
}

/// A JSON object text as a map (a stored `extendData`); anything else is empty.
pub fn object_of(text: &str) -> Map<String, Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        _ => Map::new(),
    }
}
