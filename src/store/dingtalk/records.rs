//! The records as the DingTalk v1.0 API sees them (docs/dingtalk-v1.md#records): the
//! same rows as the old API's, with the columns it lacks — the relation type, the
//! creator, the `data` keys without a column, `extendData`, and each follower's role.

use sqlx::FromRow;

/// The relation type of every customer the old API creates, and v1.0's default.
pub const CRM_CUSTOMER: &str = "crm_customer";

/// The relation types a customer may have (v1.0's `relationType`).
pub const RELATION_TYPES: [&str; 2] = [CRM_CUSTOMER, "crm_customer_personal"];

/// The customer columns a v1.0 `data` key names (docs/dingtalk-v1.md#records): the
/// extendValue of such a key is kept in `data_extra` under the key, and a write of the
/// column through the old API drops it.
pub const CUSTOMER_COLUMNS: [(&str, &str); 4] = [
    ("name", "customer_name"),
    ("address", "customer_address"),
    ("telephone", "customer_phone"),
    ("description", "customer_description"),
];

/// The contact columns a v1.0 `data` key names, as [`CUSTOMER_COLUMNS`].
pub const CONTACT_COLUMNS: [(&str, &str); 3] = [
    ("name", "contact_name"),
    ("mobile", "contact_phone"),
    ("attached", "contact_position"),
];

/// A follower's role: owner (负责人, the old API's followers) or participant (协同人).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Owner,
    Participant,
}

impl Role {
    /// The stored spelling: `owner`, `participant`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Participant => "participant",
        }
    }

    /// The role a stored spelling names.
    pub fn parse(text: &str) -> Option<Role> {
        [Role::Owner, Role::Participant]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

/// The v1.0 columns of a customer. The old API writes [`CustomerExtra::created_by`].
#[derive(Clone, Debug)]
pub struct CustomerExtra {
    pub relation_type: String,
    pub creator_userid: String,
    pub creator_nick: Option<String>,
    /// A JSON object: the `data` keys without a column as sent, and the extendValues
    /// of those with one.
    pub data_extra: String,
    /// A JSON object: the record's `extendData`.
    pub extend_data: String,
}

impl CustomerExtra {
    /// A `crm_customer` created by `userid`, with nothing beyond its columns.
    pub fn created_by(userid: &str) -> Self {
        CustomerExtra {
            relation_type: CRM_CUSTOMER.to_owned(),
            creator_userid: userid.to_owned(),
            creator_nick: None,
            data_extra: "{}".to_owned(),
            extend_data: "{}".to_owned(),
        }
    }
}

/// The v1.0 columns of a contact. The old API writes [`ContactExtra::created_by`].
#[derive(Clone, Debug)]
pub struct ContactExtra {
    pub creator_userid: String,
    /// As [`CustomerExtra::data_extra`].
    pub data_extra: String,
    pub extend_data: String,
}

impl ContactExtra {
    /// A contact created by `userid`, with nothing beyond its columns.
    pub fn created_by(userid: &str) -> Self {
        ContactExtra {
            creator_userid: userid.to_owned(),
            data_extra: "{}".to_owned(),
            extend_data: "{}".to_owned(),
        }
    }
}

/// A customer with everything v1.0 shows of it.
#[derive(Clone, Debug, FromRow)]
pub struct CustomerRecord {
    pub id: i64,
    pub relation_type: String,
    pub creator_userid: String,
    /// The stored nick, else the creator's name in the directory, else `""`.
    pub creator_nick: String,
    pub name: String,
    pub address: String,
    pub description: String,
    pub telephone: String,
    pub data_extra: String,
    pub extend_data: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Followers holding each role, in position order.
    #[sqlx(skip)]
    pub owners: Vec<String>,
    #[sqlx(skip)]
    pub participants: Vec<String>,
}

/// A contact with everything v1.0 shows of it.
#[derive(Clone, Debug, FromRow)]
pub struct ContactRecord {
    pub id: i64,
    pub customer_id: i64,
    pub creator_userid: String,
    pub name: String,
    pub mobile: String,
    pub attached: String,
    pub data_extra: String,
    pub extend_data: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A v1.0 change to a customer: the columns given replace, the others keep; the extra
/// JSON is the whole new value (the caller merged it with the stored one).
#[derive(Clone, Debug, Default)]
pub struct RecordPatch {
    pub name: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub telephone: Option<String>,
}

/// One page of a keyset walk: the records after the cursor, and whether more follow.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub records: Vec<T>,
    pub has_more: bool,
}

/// How a create or update treats another customer of the same name and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicates {
    /// Not checked.
    Allow,
    /// Refused: [`super::DtStoreError::DuplicateName`], nothing written.
    Refuse,
    /// Written, and the other customer's id reported.
    Report,
}

/// What a create or update did: the employees it registered, and the other customer of
/// the same name and type when one exists and [`Duplicates::Report`] asked.
#[derive(Clone, Debug)]
pub struct Saved {
    pub registered: super::Registered,
    pub duplicate_of: Option<i64>,
}
