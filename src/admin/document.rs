//! The export document (`docs/control-plane.md#export-and-import`, format in
//! `docs/export-format.md`): every tenant with all of its data, ids as strings, times as
//! epoch milliseconds.
//!
//! Every struct denies unknown keys, so a typo in a hand-written seed is a 400 naming
//! its path rather than a silently dropped value. Everything but a tenant's key and
//! secret and a record's name may be left out of a hand-written document: ids are
//! allocated, times default to the moment of the import.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::store::{
    dingtalk::{Role, CRM_CUSTOMER},
    openapi::{CascadeOptions, Choice, Contact, FieldType},
    tenants::Mode,
};

/// The version of the format this build writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The format's version: 1.
    #[serde(default = "version")]
    #[schema(minimum = 1, maximum = 1)]
    pub version: u32,
    #[serde(default)]
    pub dingtalk: DingTalkDoc,
    #[serde(default)]
    pub openapi: OpenApiDoc,
}

fn version() -> u32 {
    VERSION
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DingTalkDoc {
    #[serde(default)]
    pub corps: Vec<CorpDoc>,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenApiDoc {
    #[serde(default)]
    pub accounts: Vec<AccountDoc>,
}

/// A record id: a string of digits on the wire (18-digit ids exceed what JavaScript
/// numbers hold exactly); a JSON integer is accepted too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Id(pub i64);

impl utoipa::PartialSchema for Id {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .pattern(Some("^[1-9][0-9]*$"))
            .description(Some(
                "A positive id as a string of digits (a JSON integer is accepted too)",
            ))
            .into()
    }
}

impl ToSchema for Id {}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl de::Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a positive integer id, as a string of digits")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Id, E> {
                match crate::ids::parse(s) {
                    Some(id) if id > 0 => Ok(Id(id)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Id, E> {
                i64::try_from(n)
                    .ok()
                    .filter(|id| *id > 0)
                    .map(Id)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Id, E> {
                Err(E::invalid_value(de::Unexpected::Signed(n), &self))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CorpDoc {
    pub corpid: String,
    pub corpsecret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appkey: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appsecret: Option<String>,
    /// Default: `--default-mode`.
    #[serde(default)]
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_minute: Option<i64>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub employees: Vec<EmployeeDoc>,
    #[serde(default)]
    pub customers: Vec<DtCustomerDoc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EmployeeDoc {
    pub userid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DtCustomerDoc {
    #[serde(default)]
    pub id: Option<Id>,
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub telephone: String,
    #[serde(default)]
    pub create_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// DingTalk v1.0: `crm_customer` (the default) or `crm_customer_personal`.
    #[serde(default = "crm_customer", skip_serializing_if = "is_crm_customer")]
    pub relation_type: String,
    /// The user id of the call that created it (absent: none known).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub creator_user_id: String,
    /// The nick a v1.0 create gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_nick: Option<String>,
    /// The v1.0 `data` keys without a column, as sent, and the extendValues of those
    /// with one, by key.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub data_extra: Map<String, Value>,
    /// The v1.0 `extendData`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub extend_data: Map<String, Value>,
    #[serde(default)]
    pub contacts: Vec<DtContactDoc>,
    /// In the order they were added (the order of the customer's `userIds`).
    #[serde(default)]
    pub followers: Vec<FollowerDoc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DtContactDoc {
    #[serde(default)]
    pub id: Option<Id>,
    pub name: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub attached: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// The user id of the call that created it (absent: none known).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub creator_user_id: String,
    /// As the customer's `dataExtra`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub data_extra: Map<String, Value>,
    /// The v1.0 `extendData` (a BatchAddContacts item's `bizExtMap`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub extend_data: Map<String, Value>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FollowerDoc {
    pub userid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_by: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    /// `owner` (the default; every follower of the old API) or `participant`.
    #[serde(default = "owner", skip_serializing_if = "is_owner")]
    pub role: String,
}

fn crm_customer() -> String {
    CRM_CUSTOMER.to_owned()
}

fn is_crm_customer(relation_type: &str) -> bool {
    relation_type == CRM_CUSTOMER
}

fn owner() -> String {
    Role::Owner.as_str().to_owned()
}

fn is_owner(role: &str) -> bool {
    role == Role::Owner.as_str()
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountDoc {
    pub appid: String,
    pub secret: String,
    #[serde(default)]
    pub open_sea_ids: Vec<String>,
    /// Default: `--default-mode`.
    #[serde(default)]
    pub mode: Option<Mode>,
    /// The choices of the system field `customerSource`; absent: the emulator's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_sources: Option<Vec<Choice>>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub fields: Vec<FieldDoc>,
    #[serde(default)]
    pub customers: Vec<OaCustomerDoc>,
}

fn on() -> i64 {
    1
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldDoc {
    /// The field id; generated like the control plane does when absent.
    #[serde(default)]
    pub field: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default = "on")]
    pub status: i64,
    #[serde(default = "yes")]
    pub searchable: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<CascadeOptions>,
    #[serde(default)]
    pub sort: Option<i64>,
    #[serde(default)]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub update_time: Option<i64>,
    #[serde(default)]
    pub create_agent: Option<String>,
    #[serde(default)]
    pub update_agent: Option<String>,
}

/// An OpenAPI customer as stored; absent keys are values never set.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OaCustomerDoc {
    #[serde(default)]
    pub id: Option<Id>,
    pub customer_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_assign_time: Option<i64>,
    #[serde(default)]
    pub create_method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<Vec<Contact>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Vec<Contact>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qq: Option<Vec<Contact>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<Vec<Contact>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_source: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_sea_ids: Option<Vec<String>>,
    /// Custom values by field id, in the order they were first set.
    #[serde(default)]
    pub custom: Map<String, Value>,
    #[serde(default)]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub update_time: Option<i64>,
    #[serde(default)]
    pub create_agent: Option<String>,
    #[serde(default)]
    pub update_agent: Option<String>,
}
