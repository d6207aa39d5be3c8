//! Reading a JSON body field by field, in the seed's order, so that the first missing,
//! ill-typed or over-long field is the one reported, by its path (`customer.name`,
//! `contacts[1].mobile`).
//!
//! Rules (SPEC §1.1, decisions in `docs/dingtalk.md`):
//! - a required field must be a string that is not blank; `null` counts as absent;
//! - an optional field may be absent, `null` or any string (empty included);
//! - lengths are counted in characters, not bytes; over the limit is 41101.

use serde_json::{Map, Value};

use super::error::{DtError, DtResult};

/// Length limits of SPEC §1.1, in characters.
pub const NAME_MAX: usize = 128;
pub const ADDRESS_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 1000;
pub const PHONE_MAX: usize = 32;
pub const ATTACHED_MAX: usize = 500;
/// `create_by` / `modified_by`.
pub const STAMP_MAX: usize = 64;
/// Ids and user ids: no limit of their own (the body size limit bounds them).
pub const NO_LIMIT: usize = usize::MAX;

/// A JSON object under validation, with its path for error messages.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Fields<'a> {
    /// The request body, which must be a JSON object.
    pub fn body(value: &'a Value) -> DtResult<Fields<'a>> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                path: String::new(),
            }),
            other => Err(DtError::InvalidParam(format!(
                "the request body must be a JSON object, got {}",
                type_name(other)
            ))),
        }
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
        match self.optional(key, max)? {
            Some(text) if !text.trim().is_empty() => Ok(text),
            Some(_) => Err(DtError::InvalidParam(format!(
                "{} is required and must not be blank",
                self.path_of(key)
            ))),
            None => Err(DtError::InvalidParam(format!(
                "{} is required",
                self.path_of(key)
            ))),
        }
    }

    /// An optional string of at most `max` characters.
    pub fn optional(&self, key: &str, max: usize) -> DtResult<Option<String>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let path = self.path_of(key);
        let text = as_string(value, &path)?;
        check_length(&path, text, max)?;
        Ok(Some(text.to_owned()))
    }

    /// An optional string that, when given, must not be blank (for fields a record must
    /// always have, such as a customer's name on update).
    pub fn optional_not_blank(&self, key: &str, max: usize) -> DtResult<Option<String>> {
        if self.has(key) {
            self.required(key, max).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A required object, also accepted as an array of exactly one object (the seed's
    /// table says object, its example shows a one-element array).
    pub fn one_object(&self, key: &str) -> DtResult<Fields<'a>> {
        let path = self.path_of(key);
        match self.get(key) {
            None => Err(DtError::InvalidParam(format!("{path} is required"))),
            Some(Value::Object(map)) => Ok(Fields { map, path }),
            Some(Value::Array(items)) => match items.as_slice() {
                [Value::Object(map)] => Ok(Fields {
                    map,
                    path: format!("{path}[0]"),
                }),
                _ => Err(DtError::InvalidParam(format!(
                    "{path} must be an object or an array of exactly one object, got an array of {}",
                    items.len()
                ))),
            },
            Some(other) => Err(DtError::InvalidParam(format!(
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
            Some(Value::Object(map)) => Ok(vec![Fields { map, path }]),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Object(map) => Ok(Fields {
                        map,
                        path: format!("{path}[{i}]"),
                    }),
                    other => Err(DtError::InvalidParam(format!(
                        "{path}[{i}] must be an object, got {}",
                        type_name(other)
                    ))),
                })
                .collect(),
            Some(other) => Err(DtError::InvalidParam(format!(
                "{path} must be an array of objects, got {}",
                type_name(other)
            ))),
        }
    }

    /// An optional array of non-blank strings.
    pub fn strings(&self, key: &str) -> DtResult<Vec<String>> {
        let path = self.path_of(key);
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| non_blank(item, &format!("{path}[{i}]")))
                .collect(),
            Some(other) => Err(DtError::InvalidParam(format!(
                "{path} must be an array of strings, got {}",
                type_name(other)
            ))),
        }
    }

    /// A required list of ids under the first of `keys` present (e.g. `id[]` or `id`),
    /// given as one string or an array of strings. Returns the key used and the ids.
    pub fn id_list(&self, keys: [&'static str; 2]) -> DtResult<(&'static str, Vec<String>)> {
        let [first, second] = keys;
        let key = match (self.has(first), self.has(second)) {
            (true, true) => {
                return Err(DtError::InvalidParam(format!(
                    "give either {first} or {second}, not both"
                )))
            }
            (true, false) => first,
            (false, true) => second,
            (false, false) => return Err(DtError::InvalidParam(format!("{first} is required"))),
        };
        let ids = match self.get(key) {
            Some(Value::Array(items)) if items.is_empty() => {
                return Err(DtError::InvalidParam(format!(
                    "{key} must name at least one id"
                )))
            }
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| non_blank(item, &format!("{key}[{i}]")))
                .collect::<DtResult<Vec<_>>>()?,
            Some(value) => vec![non_blank(value, key)?],
            None => Vec::new(),
        };
        Ok((key, ids))
    }
}

fn as_string<'v>(value: &'v Value, path: &str) -> DtResult<&'v str> {
    value.as_str().ok_or_else(|| {
        DtError::InvalidParam(format!("{path} must be a string, got {}", type_name(value)))
    })
}

fn non_blank(value: &Value, path: &str) -> DtResult<String> {
    let text = as_string(value, path)?;
    if text.trim().is_empty() {
        return Err(DtError::InvalidParam(format!("{path} must not be blank")));
    }
    Ok(text.to_owned())
}

fn check_length(path: &str, text: &str, max: usize) -> DtResult<()> {
    // Only count characters when the byte length could exceed the limit.
    if text.len() > max {
        let chars = text.chars().count();
        if chars > max {
            return Err(DtError::TooLong(format!(
                "{path} is {chars} characters long; the limit is {max}"
            )));
        }
    }
    Ok(())
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
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_blank_and_ill_typed_fields_name_their_path() {
        let body = json!({"customer": [{"name": " ", "address": 5}]});
        let root = Fields::body(&body).unwrap();
        let customer = root.one_object("customer").unwrap();
        let err = customer.required("name", NAME_MAX).unwrap_err();
        assert_eq!(err.errcode(), 40035);
        assert!(
            err.errmsg().contains("customer[0].name"),
            "{}",
            err.errmsg()
        );
        let err = customer.required("address", ADDRESS_MAX).unwrap_err();
        assert!(err
            .errmsg()
            .contains("customer[0].address must be a string, got a number"));
        let err = customer.required("telephone", PHONE_MAX).unwrap_err();
        assert!(err.errmsg().ends_with("customer[0].telephone is required"));
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        let body = json!({"name": "客".repeat(128), "mobile": "1".repeat(33)});
        let root = Fields::body(&body).unwrap();
        assert!(root.required("name", NAME_MAX).is_ok());
        let err = root.optional("mobile", PHONE_MAX).unwrap_err();
        assert_eq!(err.errcode(), 41101);
        assert!(err
            .errmsg()
            .contains("mobile is 33 characters long; the limit is 32"));
    }

    #[test]
    fn id_lists_take_a_string_or_an_array_under_either_key() {
        let body = json!({"id[]": "1"});
        assert_eq!(
            Fields::body(&body)
                .unwrap()
                .id_list(["id[]", "id"])
                .unwrap(),
            ("id[]", vec!["1".to_owned()])
        );
        let body = json!({"id": ["1", "2"]});
        assert_eq!(
            Fields::body(&body)
                .unwrap()
                .id_list(["id[]", "id"])
                .unwrap()
                .1,
            vec!["1".to_owned(), "2".to_owned()]
        );
        let body = json!({"id[]": []});
        assert!(Fields::body(&body)
            .unwrap()
            .id_list(["id[]", "id"])
            .is_err());
        let body = json!({"id[]": ["1", 2]});
        let err = Fields::body(&body)
            .unwrap()
            .id_list(["id[]", "id"])
            .unwrap_err();
        assert!(err.errmsg().contains("id[][1] must be a string"));
    }

    #[test]
    fn a_customer_array_must_hold_exactly_one_object() {
        let body = json!({"customer": [{}, {}]});
        let err = Fields::body(&body)
            .unwrap()
            .one_object("customer")
            .err()
            .unwrap();
        assert!(err.errmsg().contains("exactly one object"));
    }
}
