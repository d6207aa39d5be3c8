//! Checks and conversion of a DingTalk corp of an import document.

use std::collections::HashSet;

use serde_json::Value;

use super::{fail, DocError, Fill};
use crate::{
    admin::document::{CorpDoc, DtContactDoc, DtCustomerDoc, EmployeeDoc, FollowerDoc},
    store::{
        dingtalk::{CustomerExtra, Employee, NewCorp, Role, RELATION_TYPES},
        snapshot::{CorpData, DtContactData, DtCustomerData, FollowerData},
    },
};

/// Every document type is taken apart field by field (no `..`), so a field added to
/// the document and not imported is a compile error (the export does the same).
pub(super) fn corp_data(fill: &Fill, path: &str, doc: CorpDoc) -> Result<CorpData, DocError> {
    let CorpDoc {
        corpid,
        corpsecret,
        appkey,
        appsecret,
        mode,
        rate_limit_per_minute,
        created_at,
        employees: employee_docs,
        customers: customer_docs,
    } = doc;
    if corpid.is_empty() {
        return fail(format!("{path}.corpid"), "must not be empty");
    }
    if rate_limit_per_minute.is_some_and(|n| n <= 0) {
        return fail(
            format!("{path}.rateLimitPerMinute"),
            "must be a positive integer",
        );
    }
    let mut userids = HashSet::new();
    let mut employees = Vec::with_capacity(employee_docs.len());
    for (j, e) in employee_docs.into_iter().enumerate() {
        let EmployeeDoc {
            userid,
            name,
            created_at,
        } = e;
        if !userids.insert(userid.clone()) {
            let message = format!("duplicate employee {userid:?}");
            return fail(format!("{path}.employees[{j}].userid"), message);
        }
        employees.push(Employee {
            userid,
            name,
            created_at: fill.time(created_at),
        });
    }
    let mut customer_ids = HashSet::new();
    let mut contact_ids = HashSet::new();
    let mut customers = Vec::with_capacity(customer_docs.len());
    for (k, c) in customer_docs.into_iter().enumerate() {
        let path = format!("{path}.customers[{k}]");
        let DtCustomerDoc {
            id,
            name,
            address,
            description,
            telephone,
            create_by,
            modified_by,
            created_at,
            updated_at,
            relation_type,
            creator_user_id,
            creator_nick,
            data_extra,
            extend_data,
            contacts: contact_docs,
            followers: follower_docs,
        } = c;
        let id = fill.id(id);
        if !customer_ids.insert(id) {
            return fail(format!("{path}.id"), format!("duplicate customer id {id}"));
        }
        let mut contacts = Vec::with_capacity(contact_docs.len());
        for (n, k) in contact_docs.into_iter().enumerate() {
            contacts.push(contact(
                fill,
                &format!("{path}.contacts[{n}]"),
                k,
                &mut contact_ids,
            )?);
        }
        let mut following = HashSet::new();
        let mut followers = Vec::with_capacity(follower_docs.len());
        for (n, f) in follower_docs.into_iter().enumerate() {
            let FollowerDoc {
                userid,
                create_by,
                created_at,
                role,
            } = f;
            let at = format!("{path}.followers[{n}].userid");
            if !userids.contains(&userid) {
                let message =
                    format!("{userid:?} is not an employee of the corp (list it under employees)");
                return fail(at, message);
            }
            if !following.insert(userid.clone()) {
                return fail(at, format!("{userid:?} follows the customer twice"));
            }
            if Role::parse(&role).is_none() {
                let message = format!("{role:?} is not owner or participant");
                return fail(format!("{path}.followers[{n}].role"), message);
            }
            followers.push(FollowerData {
                userid,
                create_by,
                created_at: fill.time(created_at),
                role,
            });
        }
        if !RELATION_TYPES.contains(&relation_type.as_str()) {
            let message = format!(
                "{relation_type:?} is not one of {}",
                RELATION_TYPES.join(", ")
            );
            return fail(format!("{path}.relationType"), message);
        }
        let created_at = fill.time(created_at);
        customers.push(DtCustomerData {
            id,
            name,
            address,
            description,
            telephone,
            create_by,
            modified_by,
            created_at,
            updated_at: updated_at.unwrap_or(created_at),
            extra: CustomerExtra {
                relation_type,
                creator_userid: creator_user_id,
                creator_nick,
                data_extra: Value::Object(data_extra).to_string(),
                extend_data: Value::Object(extend_data).to_string(),
            },
            contacts,
            followers,
        });
    }
    Ok(CorpData {
        corp: NewCorp {
            corpid,
            corpsecret,
            appkey,
            appsecret,
            mode: mode.unwrap_or(fill.mode),
            rate_limit_per_minute,
        },
        created_at: fill.time(created_at),
        employees,
        customers,
    })
}

/// A contact of a customer; its id must be new among the corp's (`ids`).
fn contact(
    fill: &Fill,
    path: &str,
    doc: DtContactDoc,
    ids: &mut HashSet<i64>,
) -> Result<DtContactData, DocError> {
    let DtContactDoc {
        id,
        name,
        mobile,
        attached,
        create_by,
        modified_by,
        created_at,
        updated_at,
        creator_user_id,
        data_extra,
        extend_data,
    } = doc;
    let id = fill.id(id);
    if !ids.insert(id) {
        return fail(format!("{path}.id"), format!("duplicate contact id {id}"));
    }
    let created_at = fill.time(created_at);
    Ok(DtContactData {
        id,
        name,
        mobile,
        attached,
        create_by,
        modified_by,
        created_at,
        updated_at: updated_at.unwrap_or(created_at),
        creator_userid: creator_user_id,
        data_extra: Value::Object(data_extra).to_string(),
        extend_data: Value::Object(extend_data).to_string(),
    })
}
