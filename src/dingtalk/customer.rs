//! Customer writes: `/crm/customer/create`, `/crm/customer/update`,
//! `/crm/customer/delete` (《客户通讯录接口（暂未开放）》 sections 员工新增客户信息, 员工修改客户信息, 员工删除客户).

use axum::extract::State;
use serde_json::Value;
use tracing::instrument;

use super::{
    auth::{warn_added, Caller, UserId, UserIdParam},
    bodies::{CreateCustomerBody, DeleteCustomersBody, UpdateCustomerBody},
    error::{ok, DtError, DtOk, DtReply, DtResult, Empty},
    extract::{DtJson, DtJsonOrForm},
    validate::*,
    wire::{parse_id, parse_ids, CustomerCreated},
};
use crate::http::Json;
use crate::{
    ids::IdGenerator,
    runtime::rules::Judge,
    state::AppState,
    store::dingtalk::{
        ContactExtra, ContactFields, CustomerExtra, CustomerPatch, Duplicates, NewContact,
        NewCustomer,
    },
};

/// `POST /crm/customer/create?access_token=&user_id=` → `customerid`.
///
/// The vendor document: `customer` (name, address, description, telephone: all required),
/// optional `contacts` ({name, mobile, attached}), optional `userIds`, required
/// `create_by`. `customer` is accepted as an object (the vendor document's table) or an
/// array of exactly one (its example); `contacts` as one object or an array. The
/// followers are `userIds ∪ {user_id}`, de-duplicated, in order.
#[utoipa::path(
    post,
    path = "/crm/customer/create",
    tag = "DingTalk",
    params(UserIdParam),
    request_body = CreateCustomerBody,
    responses((status = 200, description = "The new customer's id", body = DtReply<CustomerCreated>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    UserId(user_id): UserId,
    DtJson(body): DtJson<Value>,
) -> DtResult<Json<DtOk<CustomerCreated>>> {
    let now_ms = state.clock.now_ms();
    let new = parse_create(&Fields::body(&body, &judge)?, &user_id, &state.ids, now_ms)?;
    // The caller first, so that a strict corp reports an unknown caller before the rest.
    let mut employees = vec![user_id.clone()];
    employees.extend(new.followers.iter().filter(|u| **u != user_id).cloned());
    let field = |u: &str| if u == user_id { "user_id" } else { "userIds" };
    let added = state
        .store
        .dingtalk()
        .create_customer(caller.scope, &employees, &new, Duplicates::Allow, now_ms)
        .await
        .map_err(|err| DtError::from_store(err, "customer", field))?;
    warn_added(&judge, &added.registered, field)?;
    Ok(ok(CustomerCreated {
        customerid: new.id.to_string(),
    }))
}

/// Reads a create body in the vendor document's order, so the first fault reported is the
/// first one a reader of the vendor document would look for.
fn parse_create(
    root: &Fields<'_>,
    user_id: &str,
    ids: &IdGenerator,
    now_ms: i64,
) -> DtResult<NewCustomer> {
    let customer = root.one_object("customer")?;
    let name = customer.required("name", NAME_MAX)?;
    let address = customer.required("address", ADDRESS_MAX)?;
    let description = customer.required("description", DESCRIPTION_MAX)?;
    let telephone = customer.required("telephone", PHONE_MAX)?;
    let contacts = root
        .objects("contacts")?
        .iter()
        .map(|contact| {
            Ok(ContactFields {
                name: contact.optional("name", NAME_MAX)?.unwrap_or_default(),
                mobile: contact.optional("mobile", PHONE_MAX)?.unwrap_or_default(),
                attached: contact
                    .optional("attached", ATTACHED_MAX)?
                    .unwrap_or_default(),
            })
        })
        .collect::<DtResult<Vec<_>>>()?;
    let user_ids = root.user_ids("userIds")?;
    let create_by = root.required("create_by", STAMP_MAX)?;
    let mut seen = std::collections::HashSet::new();
    let followers: Vec<String> = user_ids
        .into_iter()
        .chain([user_id.to_owned()])
        .filter(|userid| seen.insert(userid.clone()))
        .collect();
    Ok(NewCustomer {
        id: ids.next(now_ms),
        name,
        address,
        description,
        telephone,
        create_by,
        contacts: contacts
            .into_iter()
            .map(|fields| NewContact {
                id: ids.next(now_ms),
                fields,
                extra: ContactExtra::created_by(user_id),
            })
            .collect(),
        followers,
        participants: Vec::new(),
        extra: CustomerExtra::created_by(user_id),
    })
}

/// `POST /crm/customer/update?access_token=&user_id=`.
///
/// The vendor document: `id` required; `name`, `address`, `description`, `telephone`,
/// `modified_by` optional. Absent keys keep their value; a given name, address,
/// description or telephone must not be blank (create requires them, so a record always
/// has them).
#[utoipa::path(
    post,
    path = "/crm/customer/update",
    tag = "DingTalk",
    params(UserIdParam),
    request_body = UpdateCustomerBody,
    responses((status = 200, description = "errcode 0, or the fault", body = DtReply<Empty>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    UserId(user_id): UserId,
    DtJson(body): DtJson<Value>,
) -> DtResult<Json<DtOk<Empty>>> {
    let fields = Fields::body(&body, &judge)?;
    let id_text = fields.required("id", NO_LIMIT)?;
    let patch = CustomerPatch {
        name: fields.optional_not_blank("name", NAME_MAX)?,
        address: fields.optional_not_blank("address", ADDRESS_MAX)?,
        description: fields.optional_not_blank("description", DESCRIPTION_MAX)?,
        telephone: fields.optional_not_blank("telephone", PHONE_MAX)?,
        modified_by: fields.optional("modified_by", STAMP_MAX)?,
    };
    let id = parse_id(&id_text).ok_or_else(|| DtError::no_such("id", "customer", &[&id_text]))?;
    let added = state
        .store
        .dingtalk()
        .update_customer(caller.scope, &[user_id], id, &patch, state.clock.now_ms())
        .await
        .map_err(|err| DtError::from_store(err, "id", |_| "user_id"))?;
    warn_added(&judge, &added, |_| "user_id")?;
    Ok(ok(Empty {}))
}

/// `POST /crm/customer/delete?access_token=&user_id=` with `{"id[]": …}`.
///
/// `id[]` (the vendor document's example) or `id` (its table), each one string or an
/// array of strings. Deletes the customers with their contacts and relations, all or
/// nothing: if any id is unknown, nothing is deleted and the error names the unknown ids.
#[utoipa::path(
    post,
    path = "/crm/customer/delete",
    tag = "DingTalk",
    params(UserIdParam),
    request_body = DeleteCustomersBody,
    responses((status = 200, description = "errcode 0, or the unknown ids", body = DtReply<Empty>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    UserId(user_id): UserId,
    DtJsonOrForm(body): DtJsonOrForm,
) -> DtResult<Json<DtOk<Empty>>> {
    let (field, texts) = Fields::body(&body, &judge)?.id_list(["id[]", "id"])?;
    let ids = parse_ids(field, "customer", &texts)?;
    let added = state
        .store
        .dingtalk()
        .delete_customers(caller.scope, &[user_id], &ids, None, state.clock.now_ms())
        .await
        .map_err(|err| DtError::from_store(err, field, |_| "user_id"))?;
    warn_added(&judge, &added, |_| "user_id")?;
    Ok(ok(Empty {}))
}
