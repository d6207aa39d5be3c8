//! The customer record on the wire (`docs/openapi.md#the-customer-record`): keys in the
//! documented order, times in the configured zone, and keys that were never set left out.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::{
    runtime::clock::Clock,
    store::openapi::{Contact, Customer},
};

/// A customer record as answered: the system keys in the documented order, the account's
/// custom fields (keyed by field id) after `openSeaIds`, and keys never set left out.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// 18 digits.
    #[serde(rename = "_id")]
    id: String,
    /// The account's appid.
    account_id: String,
    customer_name: String,
    /// An employee id; absent while the customer is in an open sea.
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_owner: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss` in the configured zone, like every time.
    #[serde(skip_serializing_if = "Option::is_none")]
    assign_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_assign_time: Option<String>,
    create_method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile: Option<Vec<Contact>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<Vec<Contact>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qq: Option<Vec<Contact>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wechat: Option<Vec<Contact>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_source: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    visitor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open_sea_ids: Option<Vec<String>>,
    /// Custom field values by field id (see `/openapi/crm/config/field/list`).
    #[serde(flatten)]
    custom: Map<String, Value>,
    create_time: String,
    update_time: String,
    create_agent: String,
    update_agent: String,
}

impl Record {
    /// A stored customer of the account `appid`.
    pub fn new(customer: Customer, appid: &str, clock: &Clock) -> Record {
        let time = |ms: Option<i64>| ms.map(|ms| clock.format(ms));
        Record {
            id: customer.id.to_string(),
            account_id: appid.to_owned(),
            customer_name: customer.customer_name,
            owner: customer.owner,
            first_owner: customer.first_owner,
            assign_time: time(customer.assign_time),
            first_assign_time: time(customer.first_assign_time),
            create_method: customer.create_method,
            mobile: customer.mobile,
            email: customer.email,
            qq: customer.qq,
            wechat: customer.wechat,
            customer_source: customer.customer_source,
            visitor_id: customer.visitor_id,
            open_sea_ids: customer.open_sea_ids,
            custom: customer.custom,
            create_time: clock.format(customer.create_time),
            update_time: clock.format(customer.update_time),
            create_agent: customer.create_agent,
            update_agent: customer.update_agent,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;

    #[test]
    fn keys_follow_the_spec_order_and_unset_keys_are_omitted() {
        let clock = Clock::new(FixedOffset::east_opt(8 * 3600).unwrap());
        let created = clock.parse("2023-06-26 23:18:43").unwrap();
        let mut customer = Customer::blank(1, 685_775_343_058_800_640, created);
        customer.customer_name = "testCustomer".into();
        customer.mobile = Some(vec![Contact {
            value: "333222111".into(),
            memo: Some("王哈".into()),
        }]);
        customer
            .custom
            .insert("text_6ts9_1687316347239".into(), Value::from("杭州"));
        assert_eq!(
            serde_json::to_string(&Record::new(customer, "1090", &clock)).unwrap(),
            r#"{"_id":"685775343058800640","accountId":"1090","customerName":"testCustomer","createMethod":"","mobile":[{"value":"333222111","memo":"王哈"}],"text_6ts9_1687316347239":"杭州","createTime":"2023-06-26 23:18:43","updateTime":"2023-06-26 23:18:43","createAgent":"openApi","updateAgent":"openApi"}"#
        );
    }
}
