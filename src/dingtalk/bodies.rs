//! The request bodies of the `/crm/*` writes, as the OpenAPI document describes them.
//!
//! The handlers read bodies key by key (`validate::Fields`) so that the first fault
//! reported is the first one the vendor document's tables would name; these types state
//! the same rules for the document. Keep the two together: every key here is one a
//! handler reads.
//!
//! The `maxLength`s are `validate`'s: user ids ([`IndexedText`], `userId`) are refused
//! over 500 characters for every corp, as the database cannot index longer ones; the
//! other limits are rule `dingtalk.field.length`, refused for strict corps and stored
//! whole, with a warning, for lenient ones.

use serde::Serialize;
use utoipa::ToSchema;

use crate::http::doc::IndexedText;

/// `customer` of `/crm/customer/create`: an object, or an array of exactly one (the
/// vendor document's example). Every key is required and must not be blank.
#[derive(Serialize, ToSchema)]
pub struct NewCustomerBody {
    #[schema(max_length = 128)]
    pub name: String,
    #[schema(max_length = 256)]
    pub address: String,
    #[schema(max_length = 1000)]
    pub description: String,
    #[schema(max_length = 32)]
    pub telephone: String,
}

/// A contact given with a new customer: one object or an array of them.
#[derive(Serialize, ToSchema)]
pub struct NewContactBody {
    #[schema(max_length = 128)]
    pub name: Option<String>,
    #[schema(max_length = 32)]
    pub mobile: Option<String>,
    #[schema(max_length = 500)]
    pub attached: Option<String>,
}

/// `POST /crm/customer/create`.
#[derive(Serialize, ToSchema)]
pub struct CreateCustomerBody {
    pub customer: NewCustomerBody,
    pub contacts: Option<Vec<NewContactBody>>,
    /// Followers besides the caller (`user_id`), who always follows.
    #[serde(rename = "userIds")]
    pub user_ids: Option<Vec<IndexedText>>,
    #[schema(max_length = 64)]
    pub create_by: String,
}

/// `POST /crm/customer/update`: absent keys keep their value; given ones must not be blank.
#[derive(Serialize, ToSchema)]
pub struct UpdateCustomerBody {
    pub id: String,
    #[schema(max_length = 128)]
    pub name: Option<String>,
    #[schema(max_length = 256)]
    pub address: Option<String>,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    #[schema(max_length = 32)]
    pub telephone: Option<String>,
    #[schema(max_length = 64)]
    pub modified_by: Option<String>,
}

/// `POST /crm/customer/delete`: `id[]` (the vendor document's example) or `id` (its
/// table), one id or an array of them. All or nothing.
#[derive(Serialize, ToSchema)]
pub struct DeleteCustomersBody {
    #[serde(rename = "id[]")]
    pub ids: Vec<String>,
}

/// `POST /crm/contact/create` creates with `customerid`, or updates with `contactid`
/// and no `customerid` (the vendor document has the update under this URL too).
#[derive(Serialize, ToSchema)]
pub struct CreateContactBody {
    pub customerid: String,
    #[schema(max_length = 128)]
    pub name: String,
    #[schema(max_length = 32)]
    pub mobile: Option<String>,
    #[schema(max_length = 500)]
    pub attached: Option<String>,
    #[schema(max_length = 64)]
    pub create_by: Option<String>,
}

/// The body of `POST /crm/contact/create`: a new contact, or an update.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(
    dead_code,
    reason = "only described: the handler reads the body key by key"
)]
pub enum ContactCreateBody {
    Create(CreateContactBody),
    Update(UpdateContactBody),
}

/// `POST /crm/contact/update`: every key required.
#[derive(Serialize, ToSchema)]
pub struct UpdateContactBody {
    pub contactid: String,
    #[schema(max_length = 128)]
    pub name: String,
    #[schema(max_length = 32)]
    pub mobile: String,
    #[schema(max_length = 500)]
    pub attached: String,
    #[schema(max_length = 64)]
    pub modified_by: String,
}

/// `POST /crm/contact/delete`: `contactid[]` or `contactid`, one id or an array.
#[derive(Serialize, ToSchema)]
pub struct DeleteContactsBody {
    #[serde(rename = "contactid[]")]
    pub ids: Vec<String>,
}

/// `POST /crm/empcustomer/create`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateRelationBody {
    pub customer_id: String,
    #[schema(max_length = 500)]
    pub user_id: String,
    #[serde(rename = "create_by")]
    #[schema(max_length = 64)]
    pub create_by: String,
}

/// `POST /crm/empcustomer/delete`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteRelationBody {
    pub customer_id: String,
    #[schema(max_length = 500)]
    pub user_id: String,
    #[serde(rename = "modified_by")]
    #[schema(max_length = 64)]
    pub modified_by: String,
}
