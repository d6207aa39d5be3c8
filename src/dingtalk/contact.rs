//! Contacts: `/crm/contact/create`, `/crm/contact/update`, `/crm/contact/delete`
//! (《客户通讯录接口（暂未开放）》 sections 员工新增客户联系人, 员工修改客户联系人, 员工删除客户联系人).

use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use serde_json::Value;
use tracing::instrument;

use super::{
    auth::{warn_added, Caller, UserId, UserIdParam},
    bodies::{ContactCreateBody, DeleteContactsBody, UpdateContactBody},
    error::{ok, DtError, DtOk, DtReply, DtResult, Empty},
    extract::{DtJson, DtJsonOrForm},
    validate::*,
    wire::{parse_id, parse_ids, ContactCreated},
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk as dt, Judge},
    state::AppState,
    store::dingtalk::{ContactExtra, ContactFields, NewContact},
};

/// `POST /crm/contact/create?access_token=&user_id=` → `contactid`.
///
/// The vendor document's table has no 必须 column: `customerid` is needed to serve the
/// request (`dingtalk.contact.customer`), a missing or blank `name` is the emulator's
/// guess (`dingtalk.contact.name`: refused for strict corps, stored as sent for lenient
/// ones); `mobile`, `attached`, `create_by` optional. The vendor document has the
/// contact *update* under this same URL, so a body with `contactid` and no `customerid`
/// is an update; a body with both is ambiguous (`dingtalk.contact.create-or-update`:
/// refused for strict corps, a new contact of `customerid` for lenient ones).
#[utoipa::path(
    post,
    path = "/crm/contact/create",
    tag = "DingTalk",
    params(UserIdParam),
    request_body(content = ContactCreateBody, description = "A new contact of `customerid`; or, with `contactid` and no `customerid`, an update"),
    responses((status = 200, description = "The new contact's id (errcode 0 alone for an update)", body = DtReply<ContactCreated>))
)]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    UserId(user_id): UserId,
    DtJson(body): DtJson<Value>,
) -> DtResult<Response> {
    let fields = Fields::body(&body, &judge)?;
    match (fields.has("customerid"), fields.has("contactid")) {
        (false, true) => {
            update_contact(&state, &caller, user_id, &fields).await?;
            return Ok(ok(Empty {}).into_response());
        }
        (true, true) => judge.check(
            &dt::CONTACT_CREATE_OR_UPDATE,
            "give customerid to create a contact, or contactid without customerid to update \
             one, not both",
        )?,
        (true, false) => {}
        (false, false) => {
            return Err(DtError::refused(
                &dt::CONTACT_CUSTOMER,
                "customerid is required: the customer to add the contact to (or contactid, \
                 without customerid, to update a contact)",
            ))
        }
    }
    create_contact(&state, &caller, user_id, &fields)
        .await
        .map(|created| ok(created).into_response())
}

async fn create_contact(
    state: &AppState,
    caller: &Caller,
    user_id: String,
    fields: &Fields<'_>,
) -> DtResult<ContactCreated> {
    let customer_text = fields.required("customerid", NO_LIMIT)?;
    let contact = ContactFields {
        name: contact_name(fields)?,
        mobile: fields.optional("mobile", PHONE_MAX)?.unwrap_or_default(),
        attached: fields
            .optional("attached", ATTACHED_MAX)?
            .unwrap_or_default(),
    };
    let create_by = fields.optional("create_by", STAMP_MAX)?;
    let customer_id = parse_id(&customer_text)
        .ok_or_else(|| DtError::no_such("customerid", "customer", &[&customer_text]))?;
    let now_ms = state.clock.now_ms();
    let new = NewContact {
        id: state.ids.next(now_ms),
        fields: contact,
        extra: ContactExtra::created_by(&user_id),
    };
    let added = state
        .store
        .dingtalk()
        .create_contact(
            caller.scope,
            &[user_id],
            customer_id,
            &new,
            create_by.as_deref(),
            now_ms,
        )
        .await
        .map_err(|err| DtError::from_store(err, "customerid", |_| "user_id"))?;
    warn_added(fields.judge(), &added, |_| "user_id")?;
    Ok(ContactCreated {
        contactid: new.id.to_string(),
    })
}

/// The new contact's `name`: the vendor document's table has no 必须 column, so a
/// missing or blank one is rule `dingtalk.contact.name` (a lenient corp stores it as
/// sent, `""` when missing).
fn contact_name(fields: &Fields<'_>) -> DtResult<String> {
    let name = fields.optional("name", NAME_MAX)?;
    let fault = match &name {
        None => "name is missing".to_owned(),
        Some(blank) if blank.trim().is_empty() => format!("name is blank: {blank:?}"),
        Some(_) => return Ok(name.unwrap_or_default()),
    };
    fields.judge().check(&dt::CONTACT_NAME, fault)?;
    Ok(name.unwrap_or_default())
}

/// `POST /crm/contact/update?access_token=&user_id=`, also reached through
/// `/crm/contact/create` as the vendor document has it.
///
/// The vendor document: `contactid`, `name`, `mobile`, `attached`, `modified_by` all
/// required.
#[utoipa::path(
    post,
    path = "/crm/contact/update",
    tag = "DingTalk",
    params(UserIdParam),
    request_body = UpdateContactBody,
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
    update_contact(&state, &caller, user_id, &fields).await?;
    Ok(ok(Empty {}))
}

async fn update_contact(
    state: &AppState,
    caller: &Caller,
    user_id: String,
    fields: &Fields<'_>,
) -> DtResult<()> {
    let contact_text = fields.required("contactid", NO_LIMIT)?;
    let contact = ContactFields {
        name: fields.required("name", NAME_MAX)?,
        mobile: fields.required("mobile", PHONE_MAX)?,
        attached: fields.required("attached", ATTACHED_MAX)?,
    };
    let modified_by = fields.required("modified_by", STAMP_MAX)?;
    let id = parse_id(&contact_text)
        .ok_or_else(|| DtError::no_such("contactid", "contact", &[&contact_text]))?;
    let added = state
        .store
        .dingtalk()
        .update_contact(
            caller.scope,
            &[user_id],
            id,
            &contact,
            &modified_by,
            state.clock.now_ms(),
        )
        .await
        .map_err(|err| DtError::from_store(err, "contactid", |_| "user_id"))?;
    warn_added(fields.judge(), &added, |_| "user_id")
}

/// `POST /crm/contact/delete?access_token=&user_id=` with `{"contactid[]": …}`.
///
/// `contactid[]` (the vendor document's example) or `contactid` (its table), one string
/// or an array. All or nothing: if any id is unknown, nothing is deleted and the error
/// names the unknown ids.
#[utoipa::path(
    post,
    path = "/crm/contact/delete",
    tag = "DingTalk",
    params(UserIdParam),
    request_body = DeleteContactsBody,
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
    let (field, texts) = Fields::body(&body, &judge)?.id_list(["contactid[]", "contactid"])?;
    let ids = parse_ids(field, "contact", &texts)?;
    let added = state
        .store
        .dingtalk()
        .delete_contacts(caller.scope, &[user_id], &ids, state.clock.now_ms())
        .await
        .map_err(|err| DtError::from_store(err, field, |_| "user_id"))?;
    warn_added(&judge, &added, |_| "user_id")?;
    Ok(ok(Empty {}))
}
