//! The customer writes (docs/dingtalk-v1.md#operations): CreateCustomer,
//! AddCrmPersonalCustomer, UpdateCrmPersonalCustomer, DeleteCrmPersonalCustomer. Each is
//! one transaction on the old API's rows, answered after the commit.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::{duplicate_detail, Caller, Employees},
    error::{V1ErrorBody, V1Result},
    extract::{V1Json, V1Query},
    fields::Fields,
    input::{self, Permission},
    params::{self, RELATION_TYPES},
    schemas::{AddPersonalCustomerRequest, CreateCustomerRequest},
    update::{change_of, unknown_as},
    wire::InstanceId,
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    state::AppState,
    store::dingtalk::{CustomerExtra, Duplicates, NewContact, NewCustomer, Saved},
};

/// CreateCustomerResponseBody: the customer, its type, and one entry per request
/// contact (`{}` for one that could not be saved).
#[derive(Serialize, ToSchema)]
#[schema(as = V1CustomerCreated)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCreated {
    customer_instance_id: String,
    object_type: String,
    contacts: Vec<ContactCreated>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = V1ContactCreated)]
#[serde(rename_all = "camelCase")]
pub struct ContactCreated {
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_instance_id: Option<String>,
}

/// A customer write as both creates read it.
struct Create {
    creator: String,
    creator_nick: Option<String>,
    relation_type: String,
    data: super::data::DataIn,
    extend_data: Option<String>,
    permission: Permission,
    skip_duplicate_check: bool,
    contacts: Vec<Option<NewContact>>,
}

/// `POST /v1.0/crm/customers` (CreateCustomer).
///
/// A new customer with its contacts and owners; `instanceId` naming one of the corp's
/// customers merges into it instead (data keys given replace, contacts are appended).
/// An invalid contact fails the call when `saveOption.throwExceptionWhileSavingContactFailed`
/// is true, else its entry is `{}`; `customerExistedPolicy` and `subscribePolicy` are
/// read and ignored.
#[utoipa::path(post, path = "/crm/customers", tag = "DingTalk v1.0",
    request_body = CreateCustomerRequest,
    responses(
        (status = 200, description = "The customer's id and type, and its contacts'", body = CustomerCreated),
        (status = 400, description = "`Missing<name>`, `param.error`, `invalid.objectType`, `<key>.not.exists`, `data.not.exists` (an unknown `instanceId`) or `same.data.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn create_customer(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<CustomerCreated>> {
    let fields = Fields::body(&body, &judge)?;
    for key in ["creatorUserId", "data", "saveOption"] {
        fields.require(key)?;
    }
    let now_ms = state.clock.now_ms();
    let creator = fields.user_id("creatorUserId")?;
    let save = Fields::nested(fields.require("saveOption")?, "saveOption", &judge)?;
    save.string("customerExistedPolicy")?;
    save.integer("subscribePolicy")?;
    let throw = save
        .boolean("throwExceptionWhileSavingContactFailed")?
        .unwrap_or(false);
    let mut contacts = Vec::new();
    for (i, item) in fields.list("contacts")?.into_iter().flatten().enumerate() {
        let path = format!("contacts[{i}]");
        match input::new_contact(&judge, item, &path, &creator, &state.ids, now_ms) {
            Ok(contact) => contacts.push(Some(contact)),
            Err(err) if throw => return Err(err),
            Err(_) => contacts.push(None),
        }
    }
    let data = input::customer_data(&fields)?;
    let extend_data = input::extend_data(&fields)?;
    let instance = fields.string("instanceId")?;
    let known = params::object_type(
        &judge,
        fields.string("objectType")?,
        &RELATION_TYPES,
        RELATION_TYPES[0],
    )?;
    let create = Create {
        creator,
        creator_nick: None,
        relation_type: known.unwrap_or_else(|| RELATION_TYPES[0].to_owned()),
        data,
        extend_data,
        permission: input::permission(&fields)?,
        skip_duplicate_check: save.boolean("skipDuplicateCheck")?.unwrap_or(false),
        contacts,
    };
    let ids = match instance.filter(|i| !i.is_empty()) {
        Some(instance) => merge(&state, &caller, &judge, create, &instance, now_ms).await?,
        None => insert(&state, &caller, &judge, create, now_ms).await?,
    };
    Ok(Json(ids))
}

/// `POST /v1.0/crm/personalCustomers` (AddCrmPersonalCustomer): a customer of the
/// `relationType` (default `crm_customer`); `action` (public seas) is read and ignored.
#[utoipa::path(post, path = "/crm/personalCustomers", tag = "DingTalk v1.0",
    request_body = AddPersonalCustomerRequest,
    responses(
        (status = 200, description = "The new customer's id", body = InstanceId),
        (status = 400, description = "`Missing<name>`, `param.error`, `relationType.not.exists`, `<key>.not.exists` or `same.data.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn add_personal_customer(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<InstanceId>> {
    let fields = Fields::body(&body, &judge)?;
    for key in ["creatorUserId", "data"] {
        fields.require(key)?;
    }
    fields.string("action")?;
    let create = Create {
        creator_nick: fields.string("creatorNick")?,
        creator: fields.user_id("creatorUserId")?,
        data: input::customer_data(&fields)?,
        extend_data: input::extend_data(&fields)?,
        permission: input::permission(&fields)?,
        relation_type: params::relation_type("relationType", fields.string("relationType")?)?,
        skip_duplicate_check: fields.boolean("skipDuplicateCheck")?.unwrap_or(false),
        contacts: Vec::new(),
    };
    let now_ms = state.clock.now_ms();
    let created = insert(&state, &caller, &judge, create, now_ms).await?;
    Ok(Json(InstanceId {
        instance_id: created.customer_instance_id,
    }))
}

/// How a write treats a duplicate name: not checked when the request skips the check,
/// else refused for a strict corp and reported (to warn) for a lenient one.
pub(super) fn duplicates(judge: &Judge, skip: bool) -> Duplicates {
    match (skip, judge.refuses(&v1::CUSTOMER_DUPLICATE_NAME)) {
        (true, _) => Duplicates::Allow,
        (false, true) => Duplicates::Refuse,
        (false, false) => Duplicates::Report,
    }
}

/// Warns of a duplicate name a lenient corp's write was let through with.
pub(super) fn warn_duplicate(judge: &Judge, saved: &Saved) -> V1Result<()> {
    if let Some(id) = saved.duplicate_of {
        judge.check(&v1::CUSTOMER_DUPLICATE_NAME, duplicate_detail(id))?;
    }
    Ok(())
}

/// A new customer: its owners are `ownerStaffIds`, or the creator when none are given.
async fn insert(
    state: &AppState,
    caller: &Caller,
    judge: &Judge,
    create: Create,
    now_ms: i64,
) -> V1Result<CustomerCreated> {
    let name = create.data.column("name").ok_or_else(|| {
        super::fields::shape("data.customer_name is required for a new customer".to_owned())
    })?;
    let owners = match create.permission.owners {
        Some(owners) if !owners.is_empty() => owners,
        _ => vec![create.creator.clone()],
    };
    let participants: Vec<String> = create.permission.participants.unwrap_or_default();
    let participants = participants
        .into_iter()
        .filter(|u| !owners.contains(u))
        .collect();
    let mut employees = Employees::default();
    employees.add("creatorUserId", &create.creator);
    employees.add_all("ownerStaffIds", &owners);
    employees.add_all("participantStaffIds", &participants);
    let saved: Vec<&NewContact> = create.contacts.iter().flatten().collect();
    let new = NewCustomer {
        id: state.ids.next(now_ms),
        address: create.data.column("address").unwrap_or_default(),
        description: create.data.column("description").unwrap_or_default(),
        telephone: create.data.column("telephone").unwrap_or_default(),
        name,
        create_by: state.clock.format(now_ms),
        contacts: saved.into_iter().cloned().collect(),
        followers: owners,
        participants,
        extra: CustomerExtra {
            relation_type: create.relation_type.clone(),
            creator_userid: create.creator.clone(),
            creator_nick: create.creator_nick.clone(),
            data_extra: create.data.extra.apply("{}"),
            extend_data: create.extend_data.unwrap_or_else(|| "{}".to_owned()),
        },
    };
    let how = duplicates(judge, create.skip_duplicate_check);
    let saved = state
        .store
        .dingtalk()
        .create_customer(caller.scope, &employees.ids(), &new, how, now_ms)
        .await
        .map_err(|err| employees.store_error(err, "data"))?;
    employees.warn(judge, &saved.registered)?;
    warn_duplicate(judge, &saved)?;
    Ok(created(new.id, create.relation_type, &create.contacts))
}

/// CreateCustomer naming an existing customer: the data given replaces, the contacts
/// are appended, the permission lists given replace.
async fn merge(
    state: &AppState,
    caller: &Caller,
    judge: &Judge,
    create: Create,
    instance: &str,
    now_ms: i64,
) -> V1Result<CustomerCreated> {
    let id = crate::ids::parse(instance).unwrap_or(0);
    let mut employees = Employees::default();
    employees.add("creatorUserId", &create.creator);
    employees.add_all("ownerStaffIds", create.permission.owners.iter().flatten());
    employees.add_all(
        "participantStaffIds",
        create.permission.participants.iter().flatten(),
    );
    let change = change_of(
        id,
        &create.data,
        create.extend_data.clone(),
        create.permission,
        create.contacts.iter().flatten().cloned().collect(),
        state.clock.format(now_ms),
    );
    let how = duplicates(judge, create.skip_duplicate_check);
    let saved = state
        .store
        .dingtalk()
        .change_customer(caller.scope, &employees.ids(), &change, how, now_ms)
        .await
        .map_err(|err| {
            unknown_as(
                employees.store_error(err, "instanceId"),
                "instanceId",
                instance,
            )
        })?;
    employees.warn(judge, &saved.registered)?;
    warn_duplicate(judge, &saved)?;
    Ok(created(id, create.relation_type, &create.contacts))
}

fn created(id: i64, object_type: String, contacts: &[Option<NewContact>]) -> CustomerCreated {
    CustomerCreated {
        customer_instance_id: id.to_string(),
        object_type,
        contacts: contacts
            .iter()
            .map(|c| ContactCreated {
                contact_instance_id: c.as_ref().map(|c| c.id.to_string()),
            })
            .collect(),
    }
}

/// The query of DeleteCrmPersonalCustomer.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DeleteQuery {
    /// The employee deleting (required).
    #[param(required = true)]
    current_operator_user_id: Option<String>,
    /// Only a customer of this type is deleted (`crm_customer`, `crm_customer_personal`).
    relation_type: Option<String>,
}

/// `DELETE /v1.0/crm/personalCustomers/{dataId}` (DeleteCrmPersonalCustomer): the
/// customer with its contacts and followers, in one transaction.
#[utoipa::path(delete, path = "/crm/personalCustomers/{dataId}", tag = "DingTalk v1.0",
    params(("dataId" = String, Path, description = "The customer's instance id"), DeleteQuery),
    responses(
        (status = 200, description = "The deleted customer's id", body = InstanceId),
        (status = 400, description = "`MissingcurrentOperatorUserId`, `relationType.not.exists`, `currentOperatorUserId.not.exists` or `data.not.exists`", body = V1ErrorBody),
        (status = 404, description = "`resource.not.found`: a `dataId` that names another route (`objectMeta`, `batchQuery`) or is empty", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn delete_personal_customer(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    Path(data_id): Path<String>,
    V1Query(query): V1Query<DeleteQuery>,
) -> V1Result<Json<InstanceId>> {
    let operator = query
        .current_operator_user_id
        .filter(|u| !u.is_empty())
        .ok_or_else(|| super::error::V1Error::missing("currentOperatorUserId"))?;
    super::fields::storable_user_id("currentOperatorUserId", &operator)?;
    let relation_type = match query.relation_type.filter(|t| !t.is_empty()) {
        Some(given) => Some(params::relation_type("relationType", Some(given))?),
        None => None,
    };
    let mut employees = Employees::default();
    employees.add("currentOperatorUserId", &operator);
    let id = crate::ids::parse(&data_id).unwrap_or(0);
    let now_ms = state.clock.now_ms();
    let registered = state
        .store
        .dingtalk()
        .delete_customers(
            caller.scope,
            &employees.ids(),
            &[id],
            relation_type.as_deref(),
            now_ms,
        )
        .await
        .map_err(|err| unknown_as(employees.store_error(err, "dataId"), "dataId", &data_id))?;
    employees.warn(&judge, &registered)?;
    Ok(Json(InstanceId {
        instance_id: data_id,
    }))
}
