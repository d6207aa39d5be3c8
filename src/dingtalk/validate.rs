//! Reading a JSON body field by field, in the vendor document's order, so that the first
//! missing, ill-typed or over-long field is the one reported, by its path
//! (`customer.name`, `contacts[1].mobile`), and each check is the rule it is
//! (`runtime::rules::dingtalk`):
//!
//! - the body and its parts must have the vendor document's shapes, required fields must
//!   be there, and a String field must not be an object, array or boolean (always
//!   refused);
//! - a JSON number where the vendor document types a String, a blank required field and a
//!   field over the emulator's length limit are the emulator's guesses: refused for
//!   strict corps, served (the number's text, the blank or long value as sent) with a
//!   warning for lenient ones. Lengths count characters, not bytes; `null` counts as
//!   absent;
//! - a user id too long to index (over 500 characters) is always refused.

use serde_json::{Map, Value};

use super::error::{DtError, DtResult};
use crate::{
    runtime::rules::{dingtalk as dt, Judge},
    store::{over_index_limit, INDEXED_TEXT_MAX},
};

/// Length limits, in characters (docs/dingtalk.md#endpoints).
pub const NAME_MAX: usize = 128;
pub const ADDRESS_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 1000;
pub const PHONE_MAX: usize = 32;
pub const ATTACHED_MAX: usize = 500;
/// `create_by` / `modified_by`.
pub const STAMP_MAX: usize = 64;
/// Ids and user ids: no limit of their own in the rule `dingtalk.field.length` (the body
/// size limit bounds ids; see [`storable_user_id`] for user ids).
pub const NO_LIMIT: usize = usize::MAX;

/// A user id (`user_id`, an element of `userIds`, `userId`) is a key of the employee
/// directory and of the followers: one too long to index is refused for every corp
/// (rule `dingtalk.user-id.length`).
pub fn storable_user_id(path: &str, user_id: &str) -> DtResult<()> {
    match over_index_limit(user_id) {
        Some(chars) => Err(DtError::refused(
            &dt::USER_ID_LENGTH,
            format!("{path} is {chars} characters long; the limit is {INDEXED_TEXT_MAX}"),
        )),
        None => Ok(()),
    }
}

/// A JSON object under validation, with its path for error messages and the judge of
/// the request it belongs to.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
    judge: &'a Judge,
}

impl<'a> Fields<'a> {
    /// The request body, which must be a JSON object.
    pub fn body(value: &'a Value, judge: &'a Judge) -> DtResult<Fields<'a>> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                path: String::new(),
                judge,
            }),
            other => Err(shape(format!(
                "the request body must be a JSON object, got {}",
                type_name(other)
            ))),
        }
    }

    fn child(&self, map: &'a Map<String, Value>, path: String) -> Fields<'a> {
        Fields {
            map,
            path,
            judge: self.judge,
        }
    }

    /// The judge of the request the body belongs to.
    pub fn judge(&self) -> &'a Judge {
        self.judge
    }

    /// The path of `key` inside this object, e.g. `customer.name`.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`; `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Whether `key` is present and not `null`.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A required string: present, a string, not blank, at most `max` characters.
    pub fn required(&self, key: &str, max: usize) -> DtResult<String> {
        let Some(text) = self.optional(key, max)? else {
            let path = self.path_of(key);
            return Err(DtError::refused(
                &dt::FIELD_REQUIRED,
                format!("{path} is required"),
            ));
        };
        self.not_blank(
            &self.path_of(key),
            text,
            "is required and must not be blank",
        )
    }

    /// An optional string of at most `max` characters.
    pub fn optional(&self, key: &str, max: usize) -> DtResult<Option<String>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let path = self.path_of(key);
        let text = self.string(value, &path)?;
        self.check_length(&path, &text, max)?;
        Ok(Some(text))
    }

    /// An optional string that, when given, must not be blank (for fields a record must
    /// always have, such as a customer's name on update).
    pub fn optional_not_blank(&self, key: &str, max: usize) -> DtResult<Option<String>> {
        match self.optional(key, max)? {
            Some(text) => {
                let path = self.path_of(key);
                self.not_blank(&path, text, "must not be blank when given")
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    /// A required object, also accepted as an array of exactly one object (the vendor
    /// document's table says object, its example shows a one-element array).
    pub fn one_object(&self, key: &str) -> DtResult<Fields<'a>> {
        let path = self.path_of(key);
        match self.get(key) {
            None => Err(DtError::refused(
                &dt::FIELD_REQUIRED,
                format!("{path} is required"),
            )),
            Some(Value::Object(map)) => Ok(self.child(map, path)),
            Some(Value::Array(items)) => match items.as_slice() {
                [Value::Object(map)] => Ok(self.child(map, format!("{path}[0]"))),
                _ => Err(shape(format!(
                    "{path} must be an object or an array of exactly one object, got an array of {}",
                    items.len()
                ))),
            },
            Some(other) => Err(shape(format!(
                "{path} must be an object or an array of exactly one object, got {}",
                type_name(other)
            ))),
        }
    }

    /// An optional list of objects, also accepted as one object.
    pub fn objects(&self, key: &str) -> DtResult<Vec<Fields<'a>>> {
        let path = self.path_of(key);
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Object(map)) => Ok(vec![self.child(map, path)]),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Object(map) => Ok(self.child(map, format!("{path}[{i}]"))),
                    other => Err(shape(format!(
                        "{path}[{i}] must be an object, got {}",
                        type_name(other)
                    ))),
                })
                .collect(),
            Some(other) => Err(shape(format!(
                "{path} must be an array of objects, got {}",
                type_name(other)
            ))),
        }
    }

    /// An optional array of user ids. A blank element is rule `dingtalk.user-ids.blank`:
    /// refused for strict corps, left out for lenient ones (no employee `""`).
    pub fn user_ids(&self, key: &str) -> DtResult<Vec<String>> {
        let path = self.path_of(key);
        let items = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(shape(format!(
                    "{path} must be an array of strings, got {}",
                    type_name(other)
                )))
            }
        };
        let mut user_ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = format!("{path}[{i}]");
            let user_id = self.string(item, &at)?;
            if user_id.trim().is_empty() {
                let detail = format!("{at} is blank: {user_id:?}");
                self.judge.check(&dt::USER_IDS_BLANK, detail)?;
                continue;
            }
            storable_user_id(&at, &user_id)?;
            user_ids.push(user_id);
        }
        Ok(user_ids)
    }

    /// A required user id.
    pub fn user_id(&self, key: &str) -> DtResult<String> {
        let user_id = self.required(key, NO_LIMIT)?;
        storable_user_id(&self.path_of(key), &user_id)?;
        Ok(user_id)
    }

    /// A required list of ids under the first of `keys` present (e.g. `id[]` or `id`),
    /// given as one string or an array of strings. Returns the key used and the ids.
    pub fn id_list(&self, keys: [&'static str; 2]) -> DtResult<(&'static str, Vec<String>)> {
        let [first, second] = keys;
        let key = match (self.has(first), self.has(second)) {
            (true, true) => {
                let detail = format!("give either {first} or {second}, not both");
                self.judge.check(&dt::IDS_ONE_KEY, detail)?;
                first
            }
            (true, false) => first,
            (false, true) => second,
            (false, false) => {
                return Err(DtError::refused(
                    &dt::FIELD_REQUIRED,
                    format!("{first} is required"),
                ))
            }
        };
        let ids = match self.get(key) {
            Some(Value::Array(items)) if items.is_empty() => {
                return Err(DtError::refused(
                    &dt::FIELD_REQUIRED,
                    format!("{key} must name at least one id"),
                ))
            }
            Some(Value::Array(items)) => self.items(items, key)?,
            Some(value) => vec![self.non_blank(value, key)?],
            None => Vec::new(),
        };
        Ok((key, ids))
    }

    fn items(&self, items: &[Value], path: &str) -> DtResult<Vec<String>> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.non_blank(item, &format!("{path}[{i}]")))
            .collect()
    }

    /// A value the vendor document types String: a string, or (lenient) a number's text.
    fn string(&self, value: &Value, path: &str) -> DtResult<String> {
        match value {
            Value::String(text) => Ok(text.clone()),
            Value::Number(number) => {
                let text = number.to_string();
                self.judge.check(
                    &dt::FIELD_NUMBER,
                    format!("{path} must be a string, got the number {text}"),
                )?;
                Ok(text)
            }
            other => Err(DtError::refused(
                &dt::FIELD_TYPE,
                format!("{path} must be a string, got {}", type_name(other)),
            )),
        }
    }

    fn non_blank(&self, value: &Value, path: &str) -> DtResult<String> {
        let text = self.string(value, path)?;
        self.not_blank(path, text, "must not be blank")
    }

    fn not_blank(&self, path: &str, text: String, rule: &str) -> DtResult<String> {
        if text.trim().is_empty() {
            self.judge
                .check(&dt::FIELD_BLANK, format!("{path} {rule}"))?;
        }
        Ok(text)
    }

    fn check_length(&self, path: &str, text: &str, max: usize) -> DtResult<()> {
        // Only count characters when the byte length could exceed the limit.
        if text.len() > max {
            let chars = text.chars().count();
            if chars > max {
                self.judge.check(
                    &dt::FIELD_LENGTH,
                    format!("{path} is {chars} characters long; the limit is {max}"),
                )?;
            }
        }
        Ok(())
    }
}

fn shape(detail: String) -> DtError {
    DtError::refused(&dt::BODY_SHAPE, detail)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
