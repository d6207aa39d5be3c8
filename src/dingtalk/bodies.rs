//! The request bodies of the `/crm/*` writes, as the OpenAPI document describes them.
//!
//! The handlers read bodies key by key (`validate::Fields`) so that the first fault
//! reported is the first one the seed's tables would name; these types state the same
//! rules for the document. Keep the two together: every key here is one a handler reads.

use serde::Serialize;
use utoipa::ToSchema;

/// `customer` of `/crm/customer/create`: an object, or an array of exactly one (the seed's
/// example). Every key is required and must not be blank.
#[derive(Serialize, ToSchema)]
pub struct NewCustomerBody {
    /// At most 128 characters.
    pub name: String,
    /// At most 256 characters.
    pub address: String,
    /// At most 1000 characters.
    pub description: String,
    /// At most 32 characters.
    pub telephone: String,
}

/// A contact given with a new customer: one object or an array of them.
#[derive(Serialize, ToSchema)]
pub struct NewContactBody {
    pub name: Option<String>,
    pub mobile: Option<String>,
    /// At most 500 characters.
    pub attached: Option<String>,
}

/// `POST /crm/customer/create`.
#[derive(Serialize, ToSchema)]
pub struct CreateCustomerBody {
    pub customer: NewCustomerBody,
    pub contacts: Option<Vec<NewContactBody>>,
    /// Followers besides the caller (`user_id`), who always follows.
    #[serde(rename = "userIds")]
    pub user_ids: Option<Vec<String>>,
    pub create_by: String,
}

/// `POST /crm/customer/update`: absent keys keep their value; given ones must not be blank.
#[derive(Serialize, ToSchema)]
pub struct UpdateCustomerBody {
    pub id: String,
    pub name: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub telephone: Option<String>,
    pub modified_by: Option<String>,
}

/// `POST /crm/customer/delete`: `id[]` (the seed's example) or `id` (its table), one id
/// or an array of them. All or nothing.
#[derive(Serialize, ToSchema)]
pub struct DeleteCustomersBody {
    #[serde(rename = "id[]")]
    pub ids: Vec<String>,
}

/// `POST /crm/contact/create` creates with `customerid`, or updates with `contactid`
/// and no `customerid` (the seed documents the update under this URL too).
#[derive(Serialize, ToSchema)]
pub struct CreateContactBody {
    pub customerid: String,
    /// At most 128 characters.
    pub name: String,
    pub mobile: Option<String>,
    pub attached: Option<String>,
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
    pub name: String,
    pub mobile: String,
    pub attached: String,
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
    pub user_id: String,
    #[serde(rename = "create_by")]
    pub create_by: String,
}

/// `POST /crm/empcustomer/delete`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteRelationBody {
    pub customer_id: String,
    pub user_id: String,
    #[serde(rename = "modified_by")]
    pub modified_by: String,
}
