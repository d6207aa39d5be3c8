//! Reading an add or update body into a [`CustomerPatch`] (SPEC §2.4–2.6): every key
//! is checked, unknown and read-only keys are refused, custom values are validated by
//! their field's type, and required fields are enforced on add.

use serde_json::{Map, Value};

use super::{
    error::ApiError,
    fields::{CUSTOMER_SOURCES, SYSTEM_FIELDS},
    values,
};
use crate::{
    runtime::clock::Clock,
    store::openapi::{
        Account, Contact, CustomChange, CustomField, CustomerPatch, OwnerChange, STATUS_DELETED,
    },
};

/// Keys the emulator sets itself; a body that sends them is refused.
const READ_ONLY: [&str; 7] = [
    "accountId",
    "firstOwner",
    "firstAssignTime",
    "createTime",
    "updateTime",
    "createAgent",
    "updateAgent",
];

/// The keys an add or update body may carry, for the OpenAPI document: `read_key`
/// reads exactly these, plus the account's custom fields by field id. Update bodies add
/// `_id`; `null` clears a value.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordInput {
    /// Required on add.
    pub customer_name: Option<String>,
    /// An employee id, or one of the account's open-sea ids (the customer goes there).
    pub owner: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    pub assign_time: Option<String>,
    pub create_method: Option<String>,
    pub mobile: Option<Vec<Contact>>,
    pub email: Option<Vec<Contact>>,
    pub qq: Option<Vec<Contact>>,
    pub wechat: Option<Vec<Contact>>,
    pub customer_source: Option<Vec<String>>,
    pub visitor_id: Option<String>,
    pub open_sea_ids: Option<Vec<String>>,
}

/// The body of `POST /openapi/crm/update`: `_id` and the keys to change.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RecordUpdate {
    /// The customer's `_id`: a string or an integer.
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(flatten)]
    pub changes: RecordInput,
}

/// Whether the body creates a customer or changes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Add,
    Update,
}

/// What a body is read against: the caller's account and its custom fields.
pub struct Context<'a> {
    pub account: &'a Account,
    pub fields: &'a [CustomField],
    pub clock: &'a Clock,
}

/// Reads `body` (without `_id`, which the update handler takes out first).
pub fn read_patch(
    body: &Map<String, Value>,
    cx: &Context,
    mode: Mode,
) -> Result<CustomerPatch, ApiError> {
    let mut patch = CustomerPatch::default();
    for (key, value) in body {
        read_key(&mut patch, key, value, cx, mode).map_err(ApiError::bad_request)?;
    }
    if mode == Mode::Add && patch.customer_name.is_none() {
        return Err(ApiError::bad_request("`customerName` is required"));
    }
    check_required(&patch, cx, mode).map_err(ApiError::bad_request)?;
    check_owner_and_pools(&patch).map_err(ApiError::bad_request)?;
    Ok(patch)
}

fn read_key(
    patch: &mut CustomerPatch,
    key: &str,
    value: &Value,
    cx: &Context,
    mode: Mode,
) -> Result<(), String> {
    match key {
        "customerName" => patch.customer_name = Some(customer_name(value)?),
        "owner" => patch.owner = Some(owner(value, cx.account)?),
        "assignTime" => patch.assign_time = Some(nullable(value, |v| time(key, v, cx.clock))?),
        "createMethod" => {
            patch.create_method = Some(nullable(value, |v| string(key, v))?.unwrap_or_default())
        }
        "mobile" => patch.mobile = Some(nullable(value, |v| contacts(key, v))?),
        "email" => patch.email = Some(nullable(value, |v| contacts(key, v))?),
        "qq" => patch.qq = Some(nullable(value, |v| contacts(key, v))?),
        "wechat" => patch.wechat = Some(nullable(value, |v| contacts(key, v))?),
        "customerSource" => patch.customer_source = Some(nullable(value, sources)?),
        "visitorId" => patch.visitor_id = Some(nullable(value, |v| string(key, v))?),
        "openSeaIds" => patch.open_sea_ids = Some(nullable(value, |v| pools(v, cx.account))?),
        "_id" => {
            return Err(
                "`_id` is assigned by the emulator; to change a customer use /openapi/crm/update"
                    .into(),
            )
        }
        _ if READ_ONLY.contains(&key) => {
            return Err(format!(
                "`{key}` is set by the emulator and cannot be written"
            ))
        }
        _ => patch.custom.push(custom(key, value, cx, mode)?),
    }
    Ok(())
}

fn nullable<T>(
    value: &Value,
    read: impl FnOnce(&Value) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if value.is_null() {
        Ok(None)
    } else {
        read(value).map(Some)
    }
}

fn customer_name(value: &Value) -> Result<String, String> {
    match value.as_str() {
        Some(name) if !name.trim().is_empty() => Ok(name.to_owned()),
        _ => Err(format!(
            "`customerName` is required and must be a non-empty string, got {value}"
        )),
    }
}

fn string(key: &str, value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("`{key}` must be a string, got {value}"))
}

fn time(key: &str, value: &Value, clock: &Clock) -> Result<i64, String> {
    value
        .as_str()
        .and_then(|s| clock.parse(s))
        .ok_or_else(|| format!("`{key}` must be a time YYYY-MM-DD HH:MM:SS, got {value}"))
}

/// An employee id, or one of the account's open-sea ids; `null`/`""` clears the owner.
fn owner(value: &Value, account: &Account) -> Result<OwnerChange, String> {
    match value {
        Value::Null => Ok(OwnerChange::Clear),
        Value::String(s) if s.is_empty() => Ok(OwnerChange::Clear),
        Value::String(s) if account.open_sea_ids.contains(s) => Ok(OwnerChange::OpenSea(s.clone())),
        Value::String(s) => Ok(OwnerChange::Employee(s.clone())),
        _ => Err(format!(
            "`owner` must be a string (an employee id or an open-sea id), got {value}"
        )),
    }
}

/// A list of `{value, memo}` (PhoneProperty, EmailProperty, QqProperty, WechatProperty).
fn contacts(key: &str, value: &Value) -> Result<Vec<Contact>, String> {
    let items = value.as_array().ok_or_else(|| {
        format!("`{key}` must be a list of {{\"value\", \"memo\"}} objects, got {value}")
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| contact(&format!("{key}[{i}]"), item))
        .collect()
}

fn contact(path: &str, item: &Value) -> Result<Contact, String> {
    let object = item
        .as_object()
        .ok_or_else(|| format!("`{path}` must be an object {{\"value\", \"memo\"}}, got {item}"))?;
    if let Some(extra) = object
        .keys()
        .find(|k| !["value", "memo"].contains(&k.as_str()))
    {
        return Err(format!(
            "`{path}` has an unknown key `{extra}`; valid keys are value, memo"
        ));
    }
    let value = match object.get("value") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(format!(
                "`{path}.value` is required and must be a non-empty string"
            ))
        }
    };
    let memo = match object.get("memo") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(format!("`{path}.memo` must be a string, got {other}")),
    };
    Ok(Contact { value, memo })
}

/// `customerSource`: a multi-select over [`CUSTOMER_SOURCES`] (keys are the values).
fn sources(value: &Value) -> Result<Vec<String>, String> {
    let bad = |v: &Value| {
        format!("`customerSource` must be a list of choices from {CUSTOMER_SOURCES:?}, got {v}")
    };
    let items = value.as_array().ok_or_else(|| bad(value))?;
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        match item.as_str() {
            Some(s) if CUSTOMER_SOURCES.contains(&s) => {
                if !out.iter().any(|o| o == s) {
                    out.push(s.to_owned());
                }
            }
            _ => return Err(bad(item)),
        }
    }
    Ok(out)
}

fn pools(value: &Value, account: &Account) -> Result<Vec<String>, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("`openSeaIds` must be a list of open-sea ids, got {value}"))?;
    items
        .iter()
        .map(|item| match item.as_str() {
            Some(s) if account.open_sea_ids.iter().any(|p| p == s) => Ok(s.to_owned()),
            _ => Err(format!(
                "`openSeaIds` element {item} is not an open sea of this account; its open seas are {:?}",
                account.open_sea_ids
            )),
        })
        .collect()
}

fn custom(key: &str, value: &Value, cx: &Context, mode: Mode) -> Result<CustomChange, String> {
    let field = cx
        .fields
        .iter()
        .find(|f| f.field == key && f.status != STATUS_DELETED)
        .ok_or_else(|| unknown_key(key, cx, mode))?;
    if !field.is_enabled() {
        return Err(format!(
            "`{key}` ({}) is disabled (status {}) and cannot be written",
            field.name, field.status
        ));
    }
    let value = values::validate(field, value, cx.clock)?;
    Ok(CustomChange {
        field: key.to_owned(),
        value,
    })
}

fn unknown_key(key: &str, cx: &Context, mode: Mode) -> String {
    let mut valid: Vec<&str> = Vec::new();
    if mode == Mode::Update {
        valid.push("_id");
    }
    valid.extend(SYSTEM_FIELDS.iter().filter(|f| f.editable).map(|f| f.field));
    valid.push("openSeaIds");
    valid.extend(
        cx.fields
            .iter()
            .filter(|f| f.is_enabled())
            .map(|f| f.field.as_str()),
    );
    format!("unknown key `{key}`; valid keys are: {}", valid.join(", "))
}

/// Required custom fields must be given on add and may not be blanked on update.
fn check_required(patch: &CustomerPatch, cx: &Context, mode: Mode) -> Result<(), String> {
    for field in cx.fields.iter().filter(|f| f.required && f.is_enabled()) {
        let change = patch.custom.iter().find(|c| c.field == field.field);
        let blank = match change {
            Some(c) => c.value.as_ref().is_none_or(|v| values::is_blank(&v.json)),
            None => mode == Mode::Add,
        };
        if blank {
            return Err(format!("`{}` ({}) is required", field.field, field.name));
        }
    }
    Ok(())
}

/// `owner` and `openSeaIds` must agree: an employee-owned customer is in no pool, and
/// an open-sea owner puts the customer in exactly that pool.
fn check_owner_and_pools(patch: &CustomerPatch) -> Result<(), String> {
    let pools: Option<&[String]> = match &patch.open_sea_ids {
        Some(Some(pools)) => Some(pools),
        Some(None) => Some(&[]),
        None => None,
    };
    match (&patch.owner, pools) {
        (Some(OwnerChange::Employee(_)), Some(pools)) if !pools.is_empty() => Err(
            "`owner` is an employee but `openSeaIds` is not empty: a customer in an open sea has no owner".into(),
        ),
        (Some(OwnerChange::OpenSea(pool)), Some(pools)) if pools != std::slice::from_ref(pool) => Err(format!(
            "`owner` puts the customer in open sea {pool:?}, so `openSeaIds` must be [{pool:?}] or absent"
        )),
        _ => Ok(()),
    }
}
