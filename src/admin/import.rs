//! Checking an import document and turning it into a [`Snapshot`]. The serde types
//! already reject ill-typed and unknown keys (with their path); these checks catch
//! what types cannot: duplicate keys and ids, followers who are not employees, custom
//! values of unknown fields or of the wrong shape. Every failure names its path.

use std::{collections::HashSet, fmt};

use serde_json::Map;

use super::document::{AccountDoc, CorpDoc, Document, Id, VERSION};
use crate::{
    clock::Clock,
    ids::IdGenerator,
    openapi::values,
    store::{
        openapi::{
            customer::API_AGENT, generate_field_id, CustomField, Customer, CONTROL_PLANE_AGENT,
            LAST_SYSTEM_SORT, STATUS_DELETED, STATUS_OFF, STATUS_ON,
        },
        snapshot::{
            AccountData, CorpData, DtContactData, DtCustomerData, FollowerData, IndexedCustomer,
            Snapshot,
        },
        tenants::{Employee, NewAccount, NewCorp},
    },
};

/// Why a document was refused: the path of the first bad value and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct DocError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn fail<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, DocError> {
    Err(DocError {
        path: path.into(),
        message: message.into(),
    })
}

/// Allocates what a hand-written document leaves out: ids and times.
struct Fill<'a> {
    ids: &'a IdGenerator,
    clock: &'a Clock,
    now: i64,
}

impl Fill<'_> {
    fn id(&self, id: Option<Id>) -> i64 {
        id.map_or_else(|| self.ids.next(self.now), |id| id.0)
    }
    fn time(&self, time: Option<i64>) -> i64 {
        time.unwrap_or(self.now)
    }
}

/// Checks `doc` and converts it; missing ids are allocated from `ids` and missing
/// times are the clock's now.
pub fn to_snapshot(doc: Document, clock: &Clock, ids: &IdGenerator) -> Result<Snapshot, DocError> {
    if doc.version != VERSION {
        return fail(
            "version",
            format!("unsupported version {}, expected {VERSION}", doc.version),
        );
    }
    let fill = Fill {
        ids,
        clock,
        now: clock.now_ms(),
    };
    let mut corpids = HashSet::new();
    let mut appkeys = HashSet::new();
    let mut corps = Vec::with_capacity(doc.dingtalk.corps.len());
    for (i, corp) in doc.dingtalk.corps.into_iter().enumerate() {
        let path = format!("dingtalk.corps[{i}]");
        if !corpids.insert(corp.corpid.clone()) {
            return fail(
                format!("{path}.corpid"),
                format!("duplicate corpid {:?}", corp.corpid),
            );
        }
        if let Some(appkey) = &corp.appkey {
            if !appkeys.insert(appkey.clone()) {
                return fail(
                    format!("{path}.appkey"),
                    format!("duplicate appkey {appkey:?}"),
                );
            }
        }
        corps.push(corp_data(&fill, &path, corp)?);
    }
    let mut appids = HashSet::new();
    let mut accounts = Vec::with_capacity(doc.openapi.accounts.len());
    for (i, account) in doc.openapi.accounts.into_iter().enumerate() {
        let path = format!("openapi.accounts[{i}]");
        if !appids.insert(account.appid.clone()) {
            return fail(
                format!("{path}.appid"),
                format!("duplicate appid {:?}", account.appid),
            );
        }
        accounts.push(account_data(&fill, &path, account)?);
    }
    Ok(Snapshot { corps, accounts })
}

fn corp_data(fill: &Fill, path: &str, doc: CorpDoc) -> Result<CorpData, DocError> {
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
            let created_at = fill.time(f.created_at);
            followers.push(FollowerData {
                userid: f.userid,
                create_by: f.create_by,
                created_at,
            });
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
            mode: doc.mode,
            rate_limit_per_minute: doc.rate_limit_per_minute,
        },
        created_at: fill.time(doc.created_at),
        employees,
        customers,
    })
}

fn account_data(fill: &Fill, path: &str, doc: AccountDoc) -> Result<AccountData, DocError> {
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
        // Values are checked and indexed by the same code as the API's writes.
        let mut custom = Map::new();
        let mut custom_index = Vec::new();
        for (key, value) in c.custom {
            let at = format!("{path}.custom.{key}");
            let Some(field) = fields.iter().find(|f| f.field == key) else {
                return fail(at, "unknown custom field (not among the account's fields)");
            };
            match values::validate(field, &value, fill.clock) {
                Ok(Some(stored)) => {
                    custom.insert(key.clone(), stored.json);
                    custom_index.push((key, stored.index));
                }
                Ok(None) => {}
                Err(message) => return fail(at, message),
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
        },
        created_at: fill.time(doc.created_at),
        fields,
        customers,
    })
}
