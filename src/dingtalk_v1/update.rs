//! `PUT /v1.0/crm/personalCustomers` (UpdateCrmPersonalCustomer), and the change to
//! one customer it shares with CreateCustomer's merge.

use axum::extract::State;
use tracing::instrument;

use super::{
    auth::{Caller, Employees},
    customers::{duplicates, warn_duplicate},
    data::DataIn,
    error::{V1Error, V1ErrorBody, V1Result},
    extract::V1Json,
    fields::Fields,
    input::{self, Permission},
    params,
    schemas::UpdatePersonalCustomerRequest,
    wire::InstanceId,
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    state::AppState,
    store::dingtalk::{CustomerChange, NewContact, RecordPatch},
};

/// `PUT /v1.0/crm/personalCustomers` (UpdateCrmPersonalCustomer).
///
/// `data` keys given replace, absent keys keep their value; `extendData` given replaces
/// the stored map whole; each `permission` list given replaces that role's followers.
/// `modifierNick`, `action` and `relationType` are read (the type against its values)
/// and otherwise ignored.
#[utoipa::path(put, path = "/crm/personalCustomers", tag = "DingTalk v1.0",
    request_body = UpdatePersonalCustomerRequest,
    responses(
        (status = 200, description = "The customer's id", body = InstanceId),
        (status = 400, description = "`Missing<name>`, `param.error`, `no.valid.parameter`, `relationType.not.exists`, `<key>.not.exists`, `data.not.exists` or `same.data.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn update_personal_customer(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<InstanceId>> {
    let fields = Fields::body(&body, &judge)?;
    for key in ["data", "instanceId", "modifierUserId"] {
        fields.require(key)?;
    }
    fields.string("action")?;
    let data = input::customer_data(&fields)?;
    let extend_data = input::extend_data(&fields)?;
    let instance = fields.required_string("instanceId")?;
    fields.string("modifierNick")?;
    let modifier = fields.user_id("modifierUserId")?;
    let permission = input::permission(&fields)?;
    params::relation_type("relationType", fields.string("relationType")?)?;
    let skip = fields.boolean("skipDuplicateCheck")?.unwrap_or(false);
    let names_nothing = permission.owners.is_none() && permission.participants.is_none();
    if data.is_empty() && extend_data.is_none() && names_nothing {
        let detail = "data is empty and neither extendData nor permission is given";
        return Err(V1Error::refused(&v1::UPDATE_EMPTY, detail));
    }
    let mut employees = Employees::default();
    employees.add("modifierUserId", &modifier);
    employees.add_all("ownerStaffIds", permission.owners.iter().flatten());
    employees.add_all(
        "participantStaffIds",
        permission.participants.iter().flatten(),
    );
    let now_ms = state.clock.now_ms();
    let id = crate::ids::parse(&instance).unwrap_or(0);
    let change = change_of(
        id,
        &data,
        extend_data,
        permission,
        Vec::new(),
        state.clock.format(now_ms),
    );
    let how = duplicates(&judge, skip);
    let saved = state
        .store
        .dingtalk()
        .change_customer(caller.scope, &employees.ids(), &change, how, now_ms)
        .await
        .map_err(|err| {
            unknown_as(
                employees.store_error(err, "instanceId"),
                "instanceId",
                &instance,
            )
        })?;
    employees.warn(&judge, &saved.registered)?;
    warn_duplicate(&judge, &saved)?;
    Ok(Json(InstanceId {
        instance_id: instance,
    }))
}

/// The change to customer `id` that `data`, `extendData`, `permission` and new contacts
/// make, stamped `modified_by`.
pub fn change_of(
    id: i64,
    data: &DataIn,
    extend_data: Option<String>,
    permission: Permission,
    contacts: Vec<NewContact>,
    modified_by: String,
) -> CustomerChange {
    CustomerChange {
        id,
        columns: RecordPatch {
            name: data.column("name"),
            address: data.column("address"),
            description: data.column("description"),
            telephone: data.column("telephone"),
        },
        extra: data.extra.clone(),
        extend_data,
        owners: permission.owners,
        participants: permission.participants,
        contacts,
        modified_by,
    }
}

/// A `data.not.exists` for the id sent as `text` (which may not be an id at all),
/// named as sent.
pub fn unknown_as(err: V1Error, key: &str, text: &str) -> V1Error {
    match &err {
        V1Error::Refused { broken, .. } if broken.rule.id == v1::RECORD_KNOWN.id => {
            V1Error::no_such(key, "customer", &[text])
        }
        _ => err,
    }
}
