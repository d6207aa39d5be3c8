//! Reading an add or update body into a [`CustomerPatch`] (`docs/openapi.md`): every key
//! is checked against its rule (`runtime::rules::openapi`). What the vendor document
//! states — `customerName` on add, the field table's types, required custom fields — is
//! refused for every account; the emulator's guesses (unknown and read-only keys, numbers
//! for strings, blanks, closed choice lists, formats, other spellings of a time, one
//! string for a list, disabled fields, owner, pool and assignTime combinations) are
//! refused for strict accounts and served with a warning for lenient ones
//! (`docs/rules.md#strict-and-lenient`). A value its field cannot hold (text that is no
//! time, an object for `owner`) is refused for every account, and a string the search
//! index holds must fit it ([`fits_index`]).

mod lists;
mod owner;

use serde_json::{Map, Value};

use self::{
    lists::{contacts, pools, sources},
    owner::{check_owner_and_pools, owner, owner_after},
};
use super::{
    error::ApiError,
    fields::SYSTEM_FIELDS,
    times::{self, Precision},
    values::{self, string_or_number},
};
use crate::{
    http::doc::IndexedText,
    runtime::{
        clock::Clock,
        rules::{openapi as oa, Judge, Rule},
    },
    store::{
        openapi::{Account, CustomChange, CustomField, CustomerPatch, STATUS_DELETED},
        over_index_limit, INDEXED_TEXT_MAX,
    },
};
pub use owner::{check_assign_time, needs_owner_check};

/// Keys the emulator sets itself, besides `_id`.
const READ_ONLY: [&str; 7] = [
    "accountId",
    "firstOwner",
    "firstAssignTime",
    "createTime",
    "updateTime",
    "createAgent",
    "updateAgent",
];

/// The body of `POST /openapi/crm/add`, for the OpenAPI document: `read_key` reads
/// exactly these keys, plus the account's custom fields by field id. A string the search
/// index holds (`customerName`, `owner`, `visitorId`, list elements, a custom field's
/// text) has at most 500 characters, for every account (rule `openapi.field.length`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordInput {
    #[schema(max_length = 500)]
    pub customer_name: String,
    #[serde(flatten)]
    pub fields: RecordFields,
}

/// The keys of an add or update body besides `customerName` (and `_id`); `null` clears
/// a value on update.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordFields {
    /// An employee id, or one of the account's open-sea ids (the customer goes there).
    #[schema(max_length = 500)]
    pub owner: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`, a real date and time in the emulator's zone (ISO 8601 or
    /// epoch milliseconds: refused for strict accounts, read for lenient ones,
    /// `docs/openapi.md#times`). Without an employee owner: refused for strict accounts,
    /// stored as sent for lenient ones.
    #[schema(
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
    )]
    pub assign_time: Option<String>,
    pub create_method: Option<String>,
    pub mobile: Option<Vec<ContactInput>>,
    pub email: Option<Vec<ContactInput>>,
    pub qq: Option<Vec<ContactInput>>,
    pub wechat: Option<Vec<ContactInput>>,
    /// The account's source choices (one string for the list: refused for strict
    /// accounts, a list of it for lenient ones).
    pub customer_source: Option<Vec<IndexedText>>,
    #[schema(max_length = 500)]
    pub visitor_id: Option<String>,
    pub open_sea_ids: Option<Vec<IndexedText>>,
}

/// One element of `mobile`, `email`, `qq` or `wechat` as sent.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ContactInput {
    #[schema(max_length = 500)]
    pub value: String,
    pub memo: Option<String>,
}

/// The body of `POST /openapi/crm/update`: `_id` and the keys to change.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RecordUpdate {
    /// The customer's `_id`: a string or an integer.
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "customerName")]
    #[schema(max_length = 500)]
    pub customer_name: Option<String>,
    #[serde(flatten)]
    pub fields: RecordFields,
}

/// Whether the body creates a customer or changes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Add,
    Update,
}

/// What a body is read against: the caller's account, its custom fields, and the
/// request's judge.
pub struct Context<'a> {
    pub account: &'a Account,
    pub fields: &'a [CustomField],
    pub clock: &'a Clock,
    pub judge: &'a Judge,
}

pub(super) type Read<T> = Result<T, ApiError>;

/// Reads `body` (without `_id`, which the update handler takes out first). An update
/// that sets `assignTime` without naming the owner leaves [`needs_owner_check`] to the
/// handler, which knows the stored owner.
pub fn read_patch(body: &Map<String, Value>, cx: &Context, mode: Mode) -> Read<CustomerPatch> {
    let mut patch = CustomerPatch::default();
    for (key, value) in body {
        read_key(&mut patch, key, value, cx, mode)?;
    }
    if mode == Mode::Add && patch.customer_name.is_none() {
        return Err(ApiError::refused(
            &oa::CUSTOMER_NAME_REQUIRED,
            "`customerName` is required",
        ));
    }
    check_required(&patch, cx, mode)?;
    check_owner_and_pools(&mut patch, cx.judge)?;
    match (owner_after(&patch), mode) {
        (Some(owned), _) => check_assign_time(&patch, cx.judge, owned)?,
        (None, Mode::Add) => check_assign_time(&patch, cx.judge, false)?,
        (None, Mode::Update) => {}
    }
    Ok(patch)
}

fn read_key(
    patch: &mut CustomerPatch,
    key: &str,
    value: &Value,
    cx: &Context,
    mode: Mode,
) -> Read<()> {
    let judge = cx.judge;
    match key {
        "customerName" => patch.customer_name = Some(customer_name(judge, value)?),
        "owner" => patch.owner = Some(owner(judge, value, cx.account)?),
        "assignTime" => {
            patch.assign_time = Some(nullable(value, |v| time(judge, key, v, cx.clock))?)
        }
        "createMethod" => {
            patch.create_method =
                Some(nullable(value, |v| string(judge, key, v))?.unwrap_or_default())
        }
        "mobile" => patch.mobile = Some(nullable(value, |v| contacts(judge, key, v))?),
        "email" => patch.email = Some(nullable(value, |v| contacts(judge, key, v))?),
        "qq" => patch.qq = Some(nullable(value, |v| contacts(judge, key, v))?),
        "wechat" => patch.wechat = Some(nullable(value, |v| contacts(judge, key, v))?),
        "customerSource" => {
            patch.customer_source = Some(nullable(value, |v| sources(judge, v, cx.account))?)
        }
        "visitorId" => patch.visitor_id = Some(nullable(value, |v| indexed(judge, key, v))?),
        "openSeaIds" => {
            patch.open_sea_ids = Some(nullable(value, |v| pools(judge, v, cx.account))?)
        }
        "_id" => judge.check(
            &oa::ADD_READ_ONLY_KEY,
            "`_id` is assigned by the emulator; to change a customer use /openapi/crm/update",
        )?,
        _ if READ_ONLY.contains(&key) => {
            let rule = match mode {
                Mode::Add => &oa::ADD_READ_ONLY_KEY,
                Mode::Update => &oa::UPDATE_READ_ONLY_KEY,
            };
            judge.check(
                rule,
                format!("`{key}` is set by the emulator and cannot be written"),
            )?
        }
        _ => {
            if let Some(change) = custom(key, value, cx, mode)? {
                patch.custom.push(change);
            }
        }
    }
    Ok(())
}

fn nullable<T>(value: &Value, read: impl FnOnce(&Value) -> Read<T>) -> Read<Option<T>> {
    if value.is_null() {
        Ok(None)
    } else {
        read(value).map(Some)
    }
}

/// A String of the vendor document's field table: a string, or a number's text (warned);
/// another JSON type is refused (`openapi.field.type`).
pub(super) fn string(judge: &Judge, path: &str, value: &Value) -> Read<String> {
    typed(judge, path, value, &oa::FIELD_TYPE)
}

/// A string of a key the field table does not list (`owner`, a `customerSource` or
/// `openSeaIds` element): as [`string`], but another JSON type is `openapi.value.type`.
pub(super) fn text(judge: &Judge, path: &str, value: &Value) -> Read<String> {
    typed(judge, path, value, &oa::VALUE_TYPE)
}

fn typed(judge: &Judge, path: &str, value: &Value, rule: &'static Rule) -> Read<String> {
    string_or_number(judge, path, value)?
        .ok_or_else(|| ApiError::refused(rule, format!("`{path}` must be a string, got {value}")))
}

/// A String of the field table the search index holds: [`string`], and [`fits_index`].
pub(super) fn indexed(judge: &Judge, path: &str, value: &Value) -> Read<String> {
    let text = string(judge, path, value)?;
    fits_index(path, &text)?;
    Ok(text)
}

/// A string the search index holds (`customerName`, `owner`, `visitorId`, list
/// elements, custom text values) has at most [`INDEXED_TEXT_MAX`] characters, for every
/// account: a longer one cannot be indexed (rule `openapi.field.length`).
pub(super) fn fits_index(path: &str, text: &str) -> Read<()> {
    match over_index_limit(text) {
        Some(chars) => Err(ApiError::refused(
            &oa::FIELD_LENGTH,
            format!("`{path}` is {chars} characters long; the limit is {INDEXED_TEXT_MAX}"),
        )),
        None => Ok(()),
    }
}

/// A String that should not be blank: a blank one is refused or stored as sent.
pub(super) fn not_blank(judge: &Judge, path: &str, text: String) -> Read<String> {
    if text.trim().is_empty() {
        judge.check(&oa::FIELD_BLANK, format!("`{path}` is blank: {text:?}"))?;
    }
    Ok(text)
}

fn customer_name(judge: &Judge, value: &Value) -> Read<String> {
    if value.is_null() {
        return Err(ApiError::refused(
            &oa::CUSTOMER_NAME_REQUIRED,
            "`customerName` is required and cannot be cleared",
        ));
    }
    let name = indexed(judge, "customerName", value)?;
    not_blank(judge, "customerName", name)
}

/// `assignTime`: a String of the vendor document's field table holding a time; another
/// JSON type is refused as the table's, text that cannot be a time as the emulator's.
fn time(judge: &Judge, key: &str, value: &Value, clock: &Clock) -> Read<i64> {
    if !matches!(value, Value::String(_) | Value::Number(_)) {
        return Err(ApiError::refused(
            &oa::FIELD_TYPE,
            format!("`{key}` must be a string, a time YYYY-MM-DD HH:MM:SS, got {value}"),
        ));
    }
    let time = times::read(judge, key, value, clock, Precision::Second)?;
    let time = time.ok_or_else(|| {
        ApiError::refused(
            &oa::VALUE_TYPE,
            format!("`{key}` must be a time YYYY-MM-DD HH:MM:SS, got {value}"),
        )
    })?;
    Ok(time.ms)
}

/// A custom field's value; `None` when a lenient account's unknown or disabled key is
/// ignored.
fn custom(key: &str, value: &Value, cx: &Context, mode: Mode) -> Read<Option<CustomChange>> {
    let field = cx
        .fields
        .iter()
        .find(|f| f.field == key && f.status != STATUS_DELETED);
    let Some(field) = field else {
        cx.judge
            .check(&oa::RECORD_UNKNOWN_KEY, unknown_key(key, cx, mode))?;
        return Ok(None);
    };
    if !field.is_enabled() {
        cx.judge.check(
            &oa::FIELD_DISABLED,
            format!(
                "`{key}` ({}) is disabled (status {}) and cannot be written",
                field.name, field.status
            ),
        )?;
        return Ok(None);
    }
    let value = values::validate(field, value, cx.clock, cx.judge)?;
    if let Some(stored) = &value {
        for (i, entry) in stored.index.iter().enumerate() {
            match stored.json.is_array() {
                true => fits_index(&format!("{key}[{i}]"), &entry.text)?,
                false => fits_index(key, &entry.text)?,
            }
        }
    }
    Ok(Some(CustomChange {
        field: key.to_owned(),
        value,
    }))
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
fn check_required(patch: &CustomerPatch, cx: &Context, mode: Mode) -> Read<()> {
    for field in cx.fields.iter().filter(|f| f.required && f.is_enabled()) {
        let change = patch.custom.iter().find(|c| c.field == field.field);
        let blank = match change {
            Some(c) => c.value.as_ref().is_none_or(|v| values::is_blank(&v.json)),
            None => mode == Mode::Add,
        };
        if blank {
            return Err(ApiError::refused(
                &oa::FIELD_REQUIRED,
                format!("`{}` ({}) is required", field.field, field.name),
            ));
        }
    }
    Ok(())
}
