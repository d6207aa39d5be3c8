//! Checks and conversion of an OpenAPI account of an import document.

use std::collections::HashSet;

use serde_json::Map;

use super::{fail, DocError, Fill};
use crate::{
    admin::document::AccountDoc,
    mode::Mode,
    openapi::values,
    runtime::rules::{Judge, Warnings},
    store::{
        openapi::{
            customer::API_AGENT, generate_field_id, CustomField, Customer, NewAccount,
            CONTROL_PLANE_AGENT, LAST_SYSTEM_SORT, STATUS_DELETED, STATUS_OFF, STATUS_ON,
        },
        snapshot::{AccountData, IndexedCustomer},
    },
};

pub(super) fn account_data(
    fill: &Fill,
    path: &str,
    doc: AccountDoc,
) -> Result<AccountData, DocError> {
    if doc.appid.is_empty() {
        return fail(format!("{path}.appid"), "must not be empty");
    }
    let mut fields: Vec<CustomField> = Vec::with_capacity(doc.fields.len());
    let mut last_sort = LAST_SYSTEM_SORT;
    for (j, f) in doc.fields.into_iter().enumerate() {
        let at = format!("{path}.fields[{j}]");
        let field = f
            .field
            .unwrap_or_else(|| generate_field_id(f.field_type, fill.now));
        if fields.iter().any(|known| known.field == field) {
            return fail(
                format!("{at}.field"),
                format!("duplicate field id {field:?}"),
            );
        }
        if ![STATUS_ON, STATUS_OFF, STATUS_DELETED].contains(&f.status) {
            return fail(
                format!("{at}.status"),
                "must be 1 (on), 0 (off) or -1 (deleted)",
            );
        }
        let sort = f.sort.unwrap_or(last_sort + 1);
        last_sort = last_sort.max(sort);
        let create_time = fill.time(f.create_time);
        fields.push(CustomField {
            account_id: 0,
            field,
            name: f.name,
            field_type: f.field_type,
            status: f.status,
            searchable: f.searchable,
            required: f.required,
            choices: f.choices,
            options: f.options,
            sort,
            create_time,
            update_time: f.update_time.unwrap_or(create_time),
            create_agent: f.create_agent.unwrap_or_else(|| CONTROL_PLANE_AGENT.into()),
            update_agent: f.update_agent.unwrap_or_else(|| CONTROL_PLANE_AGENT.into()),
        });
    }
    let mut ids = HashSet::new();
    let mut customers = Vec::with_capacity(doc.customers.len());
    for (k, c) in doc.customers.into_iter().enumerate() {
        let path = format!("{path}.customers[{k}]");
        let id = fill.id(c.id);
        if !ids.insert(id) {
            return fail(format!("{path}.id"), format!("duplicate customer id {id}"));
        }
        // Values are checked and indexed by the same code as the API's writes; what a
        // lenient account may store (an off-list choice, say) imports, so an export
        // always imports again.
        let judge = Judge::new(Mode::Lenient, Warnings::default());
        let mut custom = Map::new();
        let mut custom_index = Vec::new();
        for (key, value) in c.custom {
            let at = format!("{path}.custom.{key}");
            let Some(field) = fields.iter().find(|f| f.field == key) else {
                return fail(at, "unknown custom field (not among the account's fields)");
            };
            match values::validate(field, &value, fill.clock, &judge) {
                Ok(Some(stored)) => {
                    custom.insert(key.clone(), stored.json);
                    custom_index.push((key, stored.index));
                }
                Ok(None) => {}
                Err(refused) => return fail(at, refused.detail),
            }
        }
        let create_time = fill.time(c.create_time);
        let record = Customer {
            id,
            account_id: 0,
            customer_name: c.customer_name,
            owner: c.owner,
            first_owner: c.first_owner,
            assign_time: c.assign_time,
            first_assign_time: c.first_assign_time,
            create_method: c.create_method,
            mobile: c.mobile,
            email: c.email,
            qq: c.qq,
            wechat: c.wechat,
            customer_source: c.customer_source,
            visitor_id: c.visitor_id,
            open_sea_ids: c.open_sea_ids,
            custom,
            create_time,
            update_time: c.update_time.unwrap_or(create_time),
            create_agent: c.create_agent.unwrap_or_else(|| API_AGENT.into()),
            update_agent: c.update_agent.unwrap_or_else(|| API_AGENT.into()),
        };
        customers.push(IndexedCustomer {
            record,
            custom_index,
        });
    }
    Ok(AccountData {
        account: NewAccount {
            appid: doc.appid,
            secret: doc.secret,
            open_sea_ids: doc.open_sea_ids,
            mode: doc.mode.unwrap_or(fill.mode),
            customer_sources: doc.customer_sources,
        },
        created_at: fill.time(doc.created_at),
        fields,
        customers,
    })
}
