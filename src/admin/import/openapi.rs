//! Checks and conversion of an OpenAPI account of an import document.

use std::collections::HashSet;

use serde_json::Map;

use super::{fail, DocError, Fill};
use crate::{
    admin::document::{AccountDoc, FieldDoc, OaCustomerDoc},
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

/// Every document type is taken apart field by field (no `..`), so a field added to
/// the document and not imported is a compile error (the export does the same).
pub(super) fn account_data(
    fill: &Fill,
    path: &str,
    doc: AccountDoc,
) -> Result<AccountData, DocError> {
    let AccountDoc {
        appid,
        secret,
        open_sea_ids,
        mode,
        customer_sources,
        created_at,
        fields: field_docs,
        customers: customer_docs,
    } = doc;
    if appid.is_empty() {
        return fail(format!("{path}.appid"), "must not be empty");
    }
    let mut fields: Vec<CustomField> = Vec::with_capacity(field_docs.len());
    let mut last_sort = LAST_SYSTEM_SORT;
    for (j, f) in field_docs.into_iter().enumerate() {
        let at = format!("{path}.fields[{j}]");
        let FieldDoc {
            field,
            name,
            field_type,
            status,
            searchable,
            required,
            choices,
            options,
            sort,
            create_time,
            update_time,
            create_agent,
            update_agent,
        } = f;
        let field = field.unwrap_or_else(|| generate_field_id(field_type, fill.now));
        if fields.iter().any(|known| known.field == field) {
            return fail(
                format!("{at}.field"),
                format!("duplicate field id {field:?}"),
            );
        }
        if ![STATUS_ON, STATUS_OFF, STATUS_DELETED].contains(&status) {
            return fail(
                format!("{at}.status"),
                "must be 1 (on), 0 (off) or -1 (deleted)",
            );
        }
        let sort = sort.unwrap_or(last_sort + 1);
        last_sort = last_sort.max(sort);
        let create_time = fill.time(create_time);
        fields.push(CustomField {
            account_id: 0,
            field,
            name,
            field_type,
            status,
            searchable,
            required,
            choices,
            options,
            sort,
            create_time,
            update_time: update_time.unwrap_or(create_time),
            create_agent: create_agent.unwrap_or_else(|| CONTROL_PLANE_AGENT.into()),
            update_agent: update_agent.unwrap_or_else(|| CONTROL_PLANE_AGENT.into()),
        });
    }
    let mut ids = HashSet::new();
    let mut customers = Vec::with_capacity(customer_docs.len());
    for (k, c) in customer_docs.into_iter().enumerate() {
        let path = format!("{path}.customers[{k}]");
        let OaCustomerDoc {
            id,
            customer_name,
            owner,
            first_owner,
            assign_time,
            first_assign_time,
            create_method,
            mobile,
            email,
            qq,
            wechat,
            customer_source,
            visitor_id,
            open_sea_ids,
            custom: custom_doc,
            create_time,
            update_time,
            create_agent,
            update_agent,
        } = c;
        let id = fill.id(id);
        if !ids.insert(id) {
            return fail(format!("{path}.id"), format!("duplicate customer id {id}"));
        }
        // Values are checked and indexed by the same code as the API's writes; what a
        // lenient account may store (an off-list choice, say) imports, so an export
        // always imports again.
        let judge = Judge::new(Mode::Lenient, Warnings::default());
        let mut custom = Map::new();
        let mut custom_index = Vec::new();
        for (key, value) in custom_doc {
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
        let create_time = fill.time(create_time);
        let record = Customer {
            id,
            account_id: 0,
            customer_name,
            owner,
            first_owner,
            assign_time,
            first_assign_time,
            create_method,
            mobile,
            email,
            qq,
            wechat,
            customer_source,
            visitor_id,
            open_sea_ids,
            custom,
            create_time,
            update_time: update_time.unwrap_or(create_time),
            create_agent: create_agent.unwrap_or_else(|| API_AGENT.into()),
            update_agent: update_agent.unwrap_or_else(|| API_AGENT.into()),
        };
        customers.push(IndexedCustomer {
            record,
            custom_index,
        });
    }
    Ok(AccountData {
        account: NewAccount {
            appid,
            secret,
            open_sea_ids,
            mode: mode.unwrap_or(fill.mode),
            customer_sources,
        },
        created_at: fill.time(created_at),
        fields,
        customers,
    })
}
