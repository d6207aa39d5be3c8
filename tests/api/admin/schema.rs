//! A check of JSON values against the schemas of the served OpenAPI document: the
//! subset of JSON Schema the document uses (`$ref`, `type`, `enum`, `properties`,
//! `required`, `items`, `allOf`, `oneOf`), plus one rule of its own: an object may hold
//! only keys its schema declares, unless the schema allows more.

use serde_json::{json, Value};

/// Checks `value` against `schema` (the JSON Schema subset the document uses). An
/// object with a key its schema does not declare fails: that is how a response grows
/// away from its documented type.
pub fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(parts) = schema["allOf"].as_array() {
        // allOf[A, oneOf[B, C]] is oneOf[allOf[A, B], allOf[A, C]]: the keys of A and of
        // the matching option together are what the value may hold.
        let choice = parts.iter().enumerate().find_map(|(i, part)| {
            resolve(doc, part)["oneOf"]
                .as_array()
                .map(|options| (i, options))
        });
        if let Some((i, options)) = choice {
            let alternatives: Vec<Value> = options
                .iter()
                .map(|option| {
                    let mut parts = parts.clone();
                    parts[i] = option.clone();
                    json!({ "allOf": parts })
                })
                .collect();
            return validate(doc, &json!({ "oneOf": alternatives }), value, at);
        }
        for part in parts {
            validate_shallow(doc, part, value, at)?;
        }
        return check_declared(doc, schema, value, at);
    }
    if let Some(options) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        let faults: Vec<String> = options
            .iter()
            .filter_map(|option| validate(doc, option, value, at).err())
            .collect();
        return if faults.len() < options.len() {
            Ok(())
        } else {
            Err(faults.join(" / "))
        };
    }
    validate_shallow(doc, schema, value, at)?;
    check_declared(doc, schema, value, at)
}

/// The checks of one schema, without the undeclared-key check (which for `allOf` needs
/// every part's keys at once).
fn validate_shallow(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if schema.get("allOf").is_some() || schema.get("oneOf").is_some() {
        return validate(doc, schema, value, at);
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !ok {
            return Err(format!("{at}: {actual}, documented {types:?}"));
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let (Some(object), Some(properties)) = (value.as_object(), schema["properties"].as_object())
    {
        for required in schema["required"].as_array().into_iter().flatten() {
            let key = required.as_str().unwrap();
            if !object.contains_key(key) {
                return Err(format!("{at}: required key {key} is missing"));
            }
        }
        for (key, property) in properties {
            if let Some(item) = object.get(key) {
                validate(doc, property, item, &format!("{at}.{key}"))?;
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(doc, schema, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// Every key of an object must be declared, unless the schema allows more.
fn check_declared(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let Some(object) = value.as_object() else {
        return Ok(());
    };
    let mut declared = Vec::new();
    if !declared_keys(doc, schema, &mut declared) {
        return Ok(());
    }
    match object.keys().find(|k| !declared.contains(k)) {
        Some(key) => Err(format!("{at}: key {key} is not in the documented schema")),
        None => Ok(()),
    }
}

/// Collects the keys `schema` declares; false if it allows any key.
fn declared_keys(doc: &Value, schema: &Value, keys: &mut Vec<String>) -> bool {
    let schema = resolve(doc, schema);
    if let Some(parts) = schema["allOf"].as_array() {
        return parts.iter().all(|part| declared_keys(doc, part, keys));
    }
    if schema.get("oneOf").is_some() || schema.get("additionalProperties").is_some() {
        return false;
    }
    if schema["type"] != "object" {
        return false;
    }
    keys.extend(
        schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys().cloned()),
    );
    true
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "dangling reference {reference}");
            resolve(doc, target)
        }
        None => schema,
    }
}
