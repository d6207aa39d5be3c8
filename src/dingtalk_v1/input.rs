//! The body parts the customer writes share: `data`, `extendData`, `permission`, and a
//! contact of CreateCustomer's `contacts` (docs/dingtalk-v1.md#operations).

use serde_json::Value;

use super::{
    data::{self, DataIn},
    error::V1Result,
    fields::Fields,
};
use crate::{
    ids::IdGenerator,
    runtime::rules::Judge,
    store::dingtalk::{ContactExtra, ContactFields, NewContact},
};

/// `data` (required, an object) read as a customer's.
pub fn customer_data(fields: &Fields<'_>) -> V1Result<DataIn> {
    let path = fields.path_of("data");
    let object = fields.object("data")?.cloned().unwrap_or_default();
    data::customer_data(fields.judge(), data::entries(&object, &path))
}

/// `extendData`, when given, as the JSON object text to store.
pub fn extend_data(fields: &Fields<'_>) -> V1Result<Option<String>> {
    let object = fields.object("extendData")?;
    Ok(object.map(|object| Value::Object(object.clone()).to_string()))
}

/// `permission`: the owners and participants given, each list only when present; the
/// participants less the owners.
pub struct Permission {
    pub owners: Option<Vec<String>>,
    pub participants: Option<Vec<String>>,
}

pub fn permission(fields: &Fields<'_>) -> V1Result<Permission> {
    let Some(value) = fields.get("permission") else {
        return Ok(Permission {
            owners: None,
            participants: None,
        });
    };
    let path = fields.path_of("permission");
    let permission = Fields::nested(value, &path, fields.judge())?;
    let owners = permission.user_ids("ownerStaffIds")?.map(distinct);
    let participants = permission.user_ids("participantStaffIds")?.map(|users| {
        let owners = owners.as_deref().unwrap_or_default();
        distinct(users)
            .into_iter()
            .filter(|u| !owners.contains(u))
            .collect()
    });
    Ok(Permission {
        owners,
        participants,
    })
}

/// `users` without repeats, in order.
pub fn distinct(users: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    users
        .into_iter()
        .filter(|u| seen.insert(u.clone()))
        .collect()
}

/// The `i`th of CreateCustomer's `contacts`: `{data*, extendData}`, created by
/// `creator`; its `contact_related_customer`, if any, is ignored (the contact belongs
/// to the customer created with it).
pub fn new_contact(
    judge: &Judge,
    item: &Value,
    path: &str,
    creator: &str,
    ids: &IdGenerator,
    now_ms: i64,
) -> V1Result<NewContact> {
    let contact = Fields::nested(item, path, judge)?;
    contact.require("data")?;
    let data_path = contact.path_of("data");
    let object = contact.object("data")?.cloned().unwrap_or_default();
    let data = data::contact_data(judge, data::entries(&object, &data_path))?;
    let extend_data = extend_data(&contact)?;
    Ok(NewContact {
        id: ids.next(now_ms),
        fields: ContactFields {
            name: data.column("name").unwrap_or_default(),
            mobile: data.column("mobile").unwrap_or_default(),
            attached: data.column("attached").unwrap_or_default(),
        },
        extra: ContactExtra {
            creator_userid: creator.to_owned(),
            data_extra: data.extra.apply("{}"),
            extend_data: extend_data.unwrap_or_else(|| "{}".to_owned()),
        },
    })
}
