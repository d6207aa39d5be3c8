//! The customer record on the wire (SPEC §2.4): keys in the spec's order, times in the
//! configured zone, and keys that were never set left out.

use serde_json::{Map, Value};

use crate::{
    clock::Clock,
    store::openapi::{Contact, Customer},
};

/// Renders a stored customer of the account `appid`.
pub fn render(customer: &Customer, appid: &str, clock: &Clock) -> Value {
    let mut record = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            record.insert(key.to_owned(), value);
        }
    };
    let time = |ms: Option<i64>| ms.map(|ms| Value::from(clock.format(ms)));
    let text = |s: &Option<String>| s.as_deref().map(Value::from);
    put("_id", Some(Value::from(customer.id.to_string())));
    put("accountId", Some(Value::from(appid)));
    put(
        "customerName",
        Some(Value::from(customer.customer_name.as_str())),
    );
    put("owner", text(&customer.owner));
    put("firstOwner", text(&customer.first_owner));
    put("assignTime", time(customer.assign_time));
    put("firstAssignTime", time(customer.first_assign_time));
    put(
        "createMethod",
        Some(Value::from(customer.create_method.as_str())),
    );
    put("mobile", contacts(&customer.mobile));
    put("email", contacts(&customer.email));
    put("qq", contacts(&customer.qq));
    put("wechat", contacts(&customer.wechat));
    put("customerSource", strings(&customer.customer_source));
    put("visitorId", text(&customer.visitor_id));
    put("openSeaIds", strings(&customer.open_sea_ids));
    for (field, value) in &customer.custom {
        put(field, Some(value.clone()));
    }
    put("createTime", time(Some(customer.create_time)));
    put("updateTime", time(Some(customer.update_time)));
    put(
        "createAgent",
        Some(Value::from(customer.create_agent.as_str())),
    );
    put(
        "updateAgent",
        Some(Value::from(customer.update_agent.as_str())),
    );
    Value::Object(record)
}

fn contacts(list: &Option<Vec<Contact>>) -> Option<Value> {
    list.as_ref().map(|list| {
        list.iter()
            .map(|c| {
                let mut item = Map::new();
                item.insert("value".into(), Value::from(c.value.as_str()));
                if let Some(memo) = &c.memo {
                    item.insert("memo".into(), Value::from(memo.as_str()));
                }
                Value::Object(item)
            })
            .collect()
    })
}

fn strings(list: &Option<Vec<String>>) -> Option<Value> {
    list.as_ref().map(|l| Value::from(l.clone()))
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
            serde_json::to_string(&render(&customer, "1090", &clock)).unwrap(),
            r#"{"_id":"685775343058800640","accountId":"1090","customerName":"testCustomer","createMethod":"","mobile":[{"value":"333222111","memo":"王哈"}],"text_6ts9_1687316347239":"杭州","createTime":"2023-06-26 23:18:43","updateTime":"2023-06-26 23:18:43","createAgent":"openApi","updateAgent":"openApi"}"#
        );
    }
}
