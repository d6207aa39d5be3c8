//! Checks and conversion of a DingTalk corp of an import document.

use std::collections::HashSet;

use serde_json::Value;

use super::{fail, DocError, Fill};
use crate::{
    admin::document::CorpDoc,
    store::{
        dingtalk::{CustomerExtra, Employee, NewCorp, Role, RELATION_TYPES},
        snapshot::{CorpData, DtContactData, DtCustomerData, FollowerData},
    },
};

pub(super) fn corp_data(fill: &Fill, path: &str, doc: CorpDoc) -> Result<CorpData, DocError> {
    if doc.corpid.is_empty() {
        return fail(format!("{path}.corpid"), "must not be empty");
    }
    if doc.rate_limit_per_minute.is_some_and(|n| n <= 0) {
        return fail(
            format!("{path}.rateLimitPerMinute"),
            "must be a positive integer",
        );
    }
    let mut userids = HashSet::new();
    let mut employees = Vec::with_capacity(doc.employees.len());
    for (j, e) in doc.employees.into_iter().enumerate() {
        if !userids.insert(e.userid.clone()) {
            let message = format!("duplicate employee {:?}", e.userid);
            return fail(format!("{path}.employees[{j}].userid"), message);
        }
        let created_at = fill.time(e.created_at);
        employees.push(Employee {
            userid: e.userid,
            name: e.name,
            created_at,
        });
    }
    let mut customer_ids = HashSet::new();
    let mut contact_ids = HashSet::new();
    let mut customers = Vec::with_capacity(doc.customers.len());
    for (k, c) in doc.customers.into_iter().enumerate() {
        let path = format!("{path}.customers[{k}]");
        let id = fill.id(c.id);
        if !customer_ids.insert(id) {
            return fail(format!("{path}.id"), format!("duplicate customer id {id}"));
        }
        let mut contacts = Vec::with_capacity(c.contacts.len());
        for (n, k) in c.contacts.into_iter().enumerate() {
            let id = fill.id(k.id);
            if !contact_ids.insert(id) {
                return fail(
                    format!("{path}.contacts[{n}].id"),
                    format!("duplicate contact id {id}"),
                );
            }
            let created_at = fill.time(k.created_at);
            contacts.push(DtContactData {
                id,
                name: k.name,
                mobile: k.mobile,
                attached: k.attached,
                create_by: k.create_by,
                modified_by: k.modified_by,
                created_at,
                updated_at: k.updated_at.unwrap_or(created_at),
                creator_userid: k.creator_user_id,
                data_extra: Value::Object(k.data_extra).to_string(),
                extend_data: Value::Object(k.extend_data).to_string(),
            });
        }
        let mut following = HashSet::new();
        let mut followers = Vec::with_capacity(c.followers.len());
        for (n, f) in c.followers.into_iter().enumerate() {
            let at = format!("{path}.followers[{n}].userid");
            if !userids.contains(&f.userid) {
                let message = format!(
                    "{:?} is not an employee of the corp (list it under employees)",
                    f.userid
                );
                return fail(at, message);
            }
            if !following.insert(f.userid.clone()) {
                return fail(at, format!("{:?} follows the customer twice", f.userid));
            }
            if Role::parse(&f.role).is_none() {
                let message = format!("{:?} is not owner or participant", f.role);
                return fail(format!("{path}.followers[{n}].role"), message);
            }
            let created_at = fill.time(f.created_at);
            followers.push(FollowerData {
                userid: f.userid,
                create_by: f.create_by,
                created_at,
                role: f.role,
            });
        }
        if !RELATION_TYPES.contains(&c.relation_type.as_str()) {
            let message = format!(
                "{:?} is not one of {}",
                c.relation_type,
                RELATION_TYPES.join(", ")
            );
            return fail(format!("{path}.relationType"), message);
        }
        let created_at = fill.time(c.created_at);
        customers.push(DtCustomerData {
            id,
            name: c.name,
            address: c.address,
            description: c.description,
            telephone: c.telephone,
            create_by: c.create_by,
            modified_by: c.modified_by,
            created_at,
            updated_at: c.updated_at.unwrap_or(created_at),
            extra: CustomerExtra {
                relation_type: c.relation_type,
                creator_userid: c.creator_user_id,
                creator_nick: c.creator_nick,
                data_extra: Value::Object(c.data_extra).to_string(),
                extend_data: Value::Object(c.extend_data).to_string(),
            },
            contacts,
            followers,
        });
    }
    Ok(CorpData {
        corp: NewCorp {
            corpid: doc.corpid,
            corpsecret: doc.corpsecret,
            appkey: doc.appkey,
            appsecret: doc.appsecret,
            mode: doc.mode.unwrap_or(fill.mode),
            rate_limit_per_minute: doc.rate_limit_per_minute,
        },
        created_at: fill.time(doc.created_at),
        employees,
        customers,
    })
}
