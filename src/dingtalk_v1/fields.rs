//! Reading a JSON body key by key, in the SDK model's order, so that the first fault
//! reported is the first the model would meet (docs/dingtalk-v1.md#envelope-and-errors):
//! a required top-level key absent or null is `Missing<name>`, a required nested key or
//! a value the model's type cannot hold is `param.error` naming its path, and a number
//! where the model types a string (or numeric text where it types a number) is the
//! emulator's guess: refused for strict corps, read for lenient ones with a warning.

use serde_json::{Map, Value};

use super::error::{V1Error, V1Result};
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    store::{over_index_limit, INDEXED_TEXT_MAX},
};

/// A JSON object under validation, with its path and the judge of its request.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
    judge: &'a Judge,
}

impl<'a> Fields<'a> {
    /// The request body, which must be a JSON object.
    pub fn body(value: &'a Value, judge: &'a Judge) -> V1Result<Fields<'a>> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                path: "",
                judge,
            }),
            other => Err(shape(format!(
                "the request body must be a JSON object, got {}",
                type_name(other)
            ))),
        }
    }

    /// `value` as an object at `path`, for a nested object the caller found.
    pub fn nested(value: &'a Value, path: &'a str, judge: &'a Judge) -> V1Result<Fields<'a>> {
        match value {
            Value::Object(map) => Ok(Fields { map, path, judge }),
            other => Err(shape(format!(
                "{path} must be an object, got {}",
                type_name(other)
            ))),
        }
    }

    pub fn judge(&self) -> &'a Judge {
        self.judge
    }

    /// The path of `key` inside this object, e.g. `permission.ownerStaffIds`.
    pub fn path_of(&self, key: &str) -> String {
        match self.path {
            "" => key.to_owned(),
            path => format!("{path}.{key}"),
        }
    }

    /// The value of `key`; `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The value of a key the model marks required.
    pub fn require(&self, key: &str) -> V1Result<&'a Value> {
        match (self.get(key), self.path) {
            (Some(value), _) => Ok(value),
            (None, "") => Err(V1Error::missing(key)),
            (None, _) => Err(shape(format!("{} is required", self.path_of(key)))),
        }
    }

    /// An optional string.
    pub fn string(&self, key: &str) -> V1Result<Option<String>> {
        self.get(key)
            .map(|value| self.text(value, &self.path_of(key)))
            .transpose()
    }

    /// A required string.
    pub fn required_string(&self, key: &str) -> V1Result<String> {
        let value = self.require(key)?;
        self.text(value, &self.path_of(key))
    }

    /// A required user id (at most 500 characters, for every corp).
    pub fn user_id(&self, key: &str) -> V1Result<String> {
        let user_id = self.required_string(key)?;
        storable_user_id(&self.path_of(key), &user_id)?;
        Ok(user_id)
    }

    /// An optional user id.
    pub fn optional_user_id(&self, key: &str) -> V1Result<Option<String>> {
        let user_id = self.string(key)?;
        if let Some(user_id) = &user_id {
            storable_user_id(&self.path_of(key), user_id)?;
        }
        Ok(user_id)
    }

    /// An optional list of strings.
    pub fn strings(&self, key: &str) -> V1Result<Option<Vec<String>>> {
        let path = self.path_of(key);
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.text(item, &format!("{path}[{i}]")))
                .collect::<V1Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(shape(format!(
                "{path} must be an array of strings, got {}",
                type_name(other)
            ))),
        }
    }

    /// A list of user ids (each at most 500 characters).
    pub fn user_ids(&self, key: &str) -> V1Result<Option<Vec<String>>> {
        let user_ids = self.strings(key)?;
        for (i, user_id) in user_ids.iter().flatten().enumerate() {
            storable_user_id(&format!("{}[{i}]", self.path_of(key)), user_id)?;
        }
        Ok(user_ids)
    }

    /// An optional object.
    pub fn object(&self, key: &str) -> V1Result<Option<&'a Map<String, Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(shape(format!(
                "{} must be an object, got {}",
                self.path_of(key),
                type_name(other)
            ))),
        }
    }

    /// An optional list (of anything; the caller reads its items).
    pub fn list(&self, key: &str) -> V1Result<Option<&'a Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(shape(format!(
                "{} must be an array, got {}",
                self.path_of(key),
                type_name(other)
            ))),
        }
    }

    /// An optional boolean.
    pub fn boolean(&self, key: &str) -> V1Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(shape(format!(
                "{} must be a boolean, got {}",
                self.path_of(key),
                type_name(other)
            ))),
        }
    }

    /// An optional whole number; numeric text is the emulator's guess (a lenient corp's
    /// is read).
    pub fn integer(&self, key: &str) -> V1Result<Option<i64>> {
        let path = self.path_of(key);
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(n) => Ok(Some(n)),
                None => Err(shape(format!("{path} must be a whole number, got {n}"))),
            },
            Some(Value::String(text)) => match text.trim().parse::<i64>() {
                Ok(n) => {
                    let detail = format!("{path} must be a number, got the string {text:?}");
                    self.judge.check(&v1::FIELD_NUMBER, detail)?;
                    Ok(Some(n))
                }
                Err(_) => Err(shape(format!("{path} must be a number, got {text:?}"))),
            },
            Some(other) => Err(shape(format!(
                "{path} must be a number, got {}",
                type_name(other)
            ))),
        }
    }

    /// A value the model types string: a string, or (lenient) a number's text.
    pub fn text(&self, value: &Value, path: &str) -> V1Result<String> {
        text(self.judge, value, path)
    }
}

/// A value the model types string: a string, or (lenient) a number's text.
pub fn text(judge: &Judge, value: &Value, path: &str) -> V1Result<String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => {
            let text = number.to_string();
            let detail = format!("{path} must be a string, got the number {text}");
            judge.check(&v1::FIELD_NUMBER, detail)?;
            Ok(text)
        }
        other => Err(shape(format!(
            "{path} must be a string, got {}",
            type_name(other)
        ))),
    }
}

/// A user id is a key of the employee directory and of the followers: one too long to
/// index is refused for every corp.
pub fn storable_user_id(path: &str, user_id: &str) -> V1Result<()> {
    match over_index_limit(user_id) {
        Some(chars) => Err(V1Error::refused(
            &v1::USER_ID_LENGTH,
            format!("{path} is {chars} characters long; the limit is {INDEXED_TEXT_MAX}"),
        )),
        None => Ok(()),
    }
}

/// A value over its column's length limit: refused for strict corps, stored whole for
/// lenient ones. Lengths count characters.
pub fn check_length(judge: &Judge, path: &str, text: &str, max: usize) -> V1Result<()> {
    if text.len() > max {
        let chars = text.chars().count();
        if chars > max {
            let detail = format!("{path} is {chars} characters long; the limit is {max}");
            judge.check(&v1::FIELD_LENGTH, detail)?;
        }
    }
    Ok(())
}

/// `param.error` for a value the model's type cannot hold.
pub fn shape(detail: String) -> V1Error {
    V1Error::refused(&v1::FIELD_SHAPE, detail)
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
