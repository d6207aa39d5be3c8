//! Response payloads of the DingTalk surface: key names and order as in the vendor
//! document's examples, plus the `id`/`contactid`/`customerid` keys
//! `docs/dingtalk.md#endpoints` adds (a client cannot work without them).
//! `errcode`/`errmsg` come first through [`super::ok`].

use serde::Serialize;
use utoipa::ToSchema;

use super::error::{DtError, DtResult};
use crate::store::dingtalk::{Contact, Customer, CustomerDetail, CustomerPage};

/// The number an id string names, read by the crate's one id parser: anything but 1–19
/// ASCII digits names no record, so callers report it as an unknown id.
pub use crate::ids::parse as parse_id;

/// Parses a list of id strings from the request field `field`, dropping repeats. Text
/// that cannot be an id is reported as unknown right away, like an id of no record.
pub fn parse_ids(field: &str, what: &str, texts: &[String]) -> DtResult<Vec<i64>> {
    let bad: Vec<&String> = texts.iter().filter(|t| parse_id(t).is_none()).collect();
    if !bad.is_empty() {
        return Err(DtError::no_such(field, what, &bad));
    }
    let mut seen = std::collections::HashSet::new();
    Ok(texts
        .iter()
        .filter_map(|t| parse_id(t))
        .filter(|id| seen.insert(*id))
        .collect())
}

/// `POST /crm/customer/create` → `customerid`.
#[derive(Serialize, ToSchema)]
pub struct CustomerCreated {
    pub customerid: String,
}

/// `POST /crm/contact/create` → `contactid` (the vendor document's example omits it).
#[derive(Serialize, ToSchema)]
pub struct ContactCreated {
    pub contactid: String,
}

/// A customer as `customer` of the detail and as an entry of `customerlist`.
#[derive(Serialize, ToSchema)]
pub struct CustomerView {
    pub id: String,
    pub name: String,
    pub address: String,
    pub description: String,
    pub telephone: String,
}

/// An entry of `contactList`.
#[derive(Clone, Serialize, ToSchema)]
pub struct ContactView {
    pub contactid: String,
    pub name: String,
    pub mobile: String,
    pub attached: String,
}

/// `GET /crm/customer/get?id=`.
#[derive(Serialize, ToSchema)]
pub struct CustomerDetailView {
    pub customer: CustomerView,
    #[serde(rename = "contactList")]
    pub contact_list: Vec<ContactView>,
    /// The same list again: the vendor document's example calls it `contactList`, its table
    /// `contacts`, so clients written from either find it.
    pub contacts: Vec<ContactView>,
    #[serde(rename = "userIds")]
    pub user_ids: Vec<String>,
    pub create_by: String,
}

/// `GET /crm/customer/get` without `id`, and `GET /crm/customer/list`.
#[derive(Serialize, ToSchema)]
pub struct CustomerListView {
    pub customerlist: Vec<CustomerView>,
    #[serde(rename = "hasMore")]
    pub has_more: bool,
}

/// `GET /crm/customer/get`: the detail with `id`, the list without.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum CustomerRead {
    Detail(CustomerDetailView),
    List(CustomerListView),
}

impl From<Customer> for CustomerView {
    fn from(c: Customer) -> Self {
        CustomerView {
            id: c.id.to_string(),
            name: c.name,
            address: c.address,
            description: c.description,
            telephone: c.telephone,
        }
    }
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> Self {
        ContactView {
            contactid: c.id.to_string(),
            name: c.name,
            mobile: c.mobile,
            attached: c.attached,
        }
    }
}

impl From<CustomerDetail> for CustomerDetailView {
    fn from(detail: CustomerDetail) -> Self {
        let create_by = detail.customer.create_by.clone();
        let contacts: Vec<ContactView> = detail.contacts.into_iter().map(Into::into).collect();
        CustomerDetailView {
            customer: detail.customer.into(),
            contact_list: contacts.clone(),
            contacts,
            user_ids: detail.followers,
            create_by,
        }
    }
}

impl From<CustomerPage> for CustomerListView {
    fn from(page: CustomerPage) -> Self {
        CustomerListView {
            customerlist: page.customers.into_iter().map(Into::into).collect(),
            has_more: page.has_more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_digit_strings() {
        assert_eq!(
            parse_id("100123456789012345"),
            Some(100_123_456_789_012_345)
        );
        assert_eq!(parse_id("+1"), None);
        assert_eq!(parse_id(" 1"), None);
        assert_eq!(parse_id("99999999999999999999"), None);
        assert_eq!(parse_id(""), None);
    }

    #[test]
    fn id_lists_drop_repeats_and_reject_non_ids() {
        let texts = ["2".to_owned(), "1".to_owned(), "2".to_owned()];
        assert_eq!(parse_ids("id[]", "customer", &texts).unwrap(), vec![2, 1]);
        let err = parse_ids("id[]", "customer", &["x".to_owned()]).unwrap_err();
        assert_eq!(err.errmsg(), "不合法的参数: id[]: no such customer: x");
    }
}
