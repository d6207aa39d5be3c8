//! The contact operations (docs/dingtalk-v1.md#operations): GetContacts, and the two
//! batches, BatchAddContacts and BatchUpdateContacts, whose items are answered one by
//! one — a bad item is `{success: false, errorCode, errorMsg}` and does not stop the
//! others; the good ones commit together before the answer.

use axum::extract::State;
use serde::Serialize;
use serde_json::Value;
use tracing::instrument;
use utoipa::ToSchema;

use super::{
    auth::{Caller, Employees},
    data::{self, DataIn, RELATED_CUSTOMER},
    dsl,
    error::{V1Error, V1ErrorBody, V1Result},
    extract::V1Json,
    fields::Fields,
    params::{self, CRM_CONTACT},
    schemas::{BatchAddContactsRequest, BatchUpdateContactsRequest, GetContactsRequest},
    wire::{BatchResults, Contact, ItemResult},
};
use crate::http::Json;
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    state::AppState,
    store::dingtalk::{
        ContactChange, ContactExtra, ContactFields, ItemOutcome, NewContact, RecordField,
        CONTACT_COLUMNS,
    },
};

/// GetContactsResponseBody.
#[derive(Serialize, ToSchema)]
#[schema(as = V1Contacts)]
pub struct Contacts {
    result: ContactPage,
}

#[derive(Serialize, ToSchema)]
#[schema(as = V1ContactPage)]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    has_more: bool,
    max_results: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    values: Vec<Contact>,
}

/// What a `fieldId` of a contact query names.
fn contact_field(key: &str) -> RecordField {
    if key == RELATED_CUSTOMER {
        return RecordField::CustomerId;
    }
    match CONTACT_COLUMNS.iter().find(|(_, k)| *k == key) {
        Some((column, _)) => RecordField::Column(column),
        None => RecordField::Extra(key.to_owned()),
    }
}

/// `POST /v1.0/crm/customObjects/contacts/datas/query` (GetContacts): a keyset page of
/// the corp's contacts that `queryDsl` admits (`contact_related_customer` EQ an id lists
/// one customer's), oldest first.
#[utoipa::path(post, path = "/crm/customObjects/contacts/datas/query", tag = "DingTalk v1.0",
    request_body = GetContactsRequest,
    responses(
        (status = 200, description = "A page of contacts", body = Contacts),
        (status = 400, description = "`MissingmaxResults`, `Missingbody`, `param.error`, `invalid.objectType` or `currentOperatorUserId.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn get_contacts(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<Contacts>> {
    let fields = Fields::body(&body, &judge)?;
    fields.require("maxResults")?;
    let reader = fields.optional_user_id("currentOperatorUserId")?;
    let max_results = params::max_results(&judge, fields.integer("maxResults")?)?;
    let after = params::next_token(fields.string("nextToken")?.as_deref())?;
    let object_type = params::object_type(
        &judge,
        fields.string("objectType")?,
        &[CRM_CONTACT],
        CRM_CONTACT,
    )?;
    fields.string("providerCorpId")?;
    let query_dsl = fields.string("queryDsl")?;
    let filter = dsl::parse(&judge, query_dsl.as_deref(), contact_field)?;
    if let Some(reader) = reader.filter(|r| !r.is_empty()) {
        let mut employees = Employees::default();
        employees.add("currentOperatorUserId", &reader);
        let now_ms = state.clock.now_ms();
        let registered = state
            .store
            .dingtalk()
            .ensure_employees(caller.scope, &employees.ids(), now_ms)
            .await
            .map_err(|err| employees.store_error(err, "currentOperatorUserId"))?;
        employees.warn(&judge, &registered)?;
    }
    let mut result = ContactPage {
        has_more: false,
        max_results,
        next_token: None,
        values: Vec::new(),
    };
    if object_type.is_some() {
        let page = state
            .store
            .dingtalk()
            .contact_records_page(caller.scope.id, after, max_results, &filter)
            .await?;
        result.has_more = page.has_more;
        result.next_token = params::token_after(page.records.last().map(|r| r.id), page.has_more);
        result.values = page
            .records
            .iter()
            .map(|r| Contact::of(r, &state.clock))
            .collect();
    }
    Ok(Json(Contacts { result }))
}

/// The items of a batch: `relationList`, 1–100 of them (more or none: a strict corp is
/// refused).
fn relation_list<'a>(fields: &Fields<'a>) -> V1Result<&'a Vec<Value>> {
    fields.require("relationList")?;
    let items = fields
        .list("relationList")?
        .ok_or_else(|| V1Error::missing("relationList"))?;
    params::batch_size(fields.judge(), "relationList", items.len())?;
    Ok(items)
}

/// An item's `bizDataList` (`[{key*, value*, extendValue}]`) read as contact data.
fn biz_data(item: &Fields<'_>, required: bool) -> V1Result<DataIn> {
    if required {
        item.require("bizDataList")?;
    }
    let path = item.path_of("bizDataList");
    let mut entries = Vec::new();
    for (i, entry) in item.list("bizDataList")?.into_iter().flatten().enumerate() {
        let entry_path = format!("{path}[{i}]");
        let entry = Fields::nested(entry, &entry_path, item.judge())?;
        let key = entry.required_string("key")?;
        let value = entry.require("value")?.clone();
        let extend = entry.get("extendValue").cloned();
        entries.push(data::biz_entry(
            key.clone(),
            format!("{entry_path}({key})"),
            value,
            extend,
        ));
    }
    data::contact_data(item.judge(), entries)
}

/// An item's `bizExtMap`, as the contact's `extendData`.
fn biz_ext(item: &Fields<'_>) -> V1Result<Option<String>> {
    let object = item.object("bizExtMap")?;
    Ok(object.map(|object| Value::Object(object.clone()).to_string()))
}

/// The result of an item refused before it reached the store.
fn failed(relation_id: Option<String>, err: &V1Error) -> ItemResult {
    ItemResult {
        success: false,
        relation_id,
        error_code: Some(err.code().to_owned()),
        error_msg: Some(err.message()),
    }
}

/// The result of an item the store answered; `relation_id` is echoed on a failure when
/// `echo` (an update names an existing contact; a failed add made none).
fn outcome(relation_id: String, outcome: ItemOutcome, echo: bool) -> ItemResult {
    let err = match outcome {
        ItemOutcome::Done => {
            return ItemResult {
                success: true,
                relation_id: Some(relation_id),
                error_code: None,
                error_msg: None,
            }
        }
        ItemOutcome::UnknownCustomer(id) => V1Error::no_such(RELATED_CUSTOMER, "customer", &[id]),
        ItemOutcome::UnknownContact(id) => V1Error::no_such("relationId", "contact", &[id]),
    };
    failed(echo.then_some(relation_id), &err)
}

/// `POST /v1.0/crm/contacts/batch` (BatchAddContacts): each item one contact of the
/// customer its `contact_related_customer` names.
#[utoipa::path(post, path = "/crm/contacts/batch", tag = "DingTalk v1.0",
    request_body = BatchAddContactsRequest,
    responses(
        (status = 200, description = "One result per item, in order", body = BatchResults),
        (status = 400, description = "`Missing<name>`, `Missingbody`, `param.error` or `operatorUserId.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn batch_add(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<BatchResults>> {
    let fields = Fields::body(&body, &judge)?;
    fields.require("operatorUserId")?;
    let items = relation_list(&fields)?;
    let operator = fields.user_id("operatorUserId")?;
    let now_ms = state.clock.now_ms();
    let mut results: Vec<Option<ItemResult>> = Vec::with_capacity(items.len());
    let mut contacts = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("relationList[{i}]");
        match new_contact(&judge, item, &path, &operator, &state, now_ms) {
            Ok(contact) => {
                results.push(None);
                contacts.push(contact);
            }
            Err(err) => results.push(Some(failed(None, &err))),
        }
    }
    let mut employees = Employees::default();
    employees.add("operatorUserId", &operator);
    let (registered, outcomes) = state
        .store
        .dingtalk()
        .add_contacts(caller.scope, &employees.ids(), &contacts, now_ms)
        .await
        .map_err(|err| employees.store_error(err, "relationList"))?;
    employees.warn(&judge, &registered)?;
    // The store answers each contact it was given, in order: the items not refused here.
    let mut stored = contacts.iter().zip(outcomes);
    let results = results
        .into_iter()
        .filter_map(|result| {
            result.or_else(|| {
                let ((_, contact), done) = stored.next()?;
                Some(outcome(contact.id.to_string(), done, false))
            })
        })
        .collect();
    Ok(Json(BatchResults { results }))
}

/// An item of BatchAddContacts as the contact to add, with its customer.
fn new_contact(
    judge: &Judge,
    item: &Value,
    path: &str,
    operator: &str,
    state: &AppState,
    now_ms: i64,
) -> V1Result<(i64, NewContact)> {
    let item = Fields::nested(item, path, judge)?;
    let data = biz_data(&item, true)?;
    let extend_data = biz_ext(&item)?;
    item.string("sourceDataId")?;
    let customer = match data.customer.clone() {
        None => {
            let detail = format!("{path}.bizDataList has no {RELATED_CUSTOMER}");
            return Err(V1Error::refused(&v1::CONTACT_RELATED_CUSTOMER, detail));
        }
        Some(Err(text)) => return Err(V1Error::no_such(RELATED_CUSTOMER, "customer", &[text])),
        Some(Ok(id)) => id,
    };
    let contact = NewContact {
        id: state.ids.next(now_ms),
        fields: ContactFields {
            name: data.column("name").unwrap_or_default(),
            mobile: data.column("mobile").unwrap_or_default(),
            attached: data.column("attached").unwrap_or_default(),
        },
        extra: ContactExtra {
            creator_userid: operator.to_owned(),
            data_extra: data.extra.apply("{}"),
            extend_data: extend_data.unwrap_or_else(|| "{}".to_owned()),
        },
    };
    Ok((customer, contact))
}

/// `PUT /v1.0/crm/contacts/batch` (BatchUpdateContacts): each item changes the contact
/// `relationId`; keys given replace, the others keep; a `contact_related_customer`
/// naming another customer moves the contact.
#[utoipa::path(put, path = "/crm/contacts/batch", tag = "DingTalk v1.0",
    request_body = BatchUpdateContactsRequest,
    responses(
        (status = 200, description = "One result per item, in order, `relationId` echoed", body = BatchResults),
        (status = 400, description = "`Missing<name>`, `Missingbody`, `param.error` or `operatorUserId.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn batch_update(
    State(state): State<AppState>,
    caller: Caller,
    judge: Judge,
    V1Json(body): V1Json,
) -> V1Result<Json<BatchResults>> {
    let fields = Fields::body(&body, &judge)?;
    fields.require("operatorUserId")?;
    let items = relation_list(&fields)?;
    let operator = fields.user_id("operatorUserId")?;
    let mut results: Vec<Result<String, ItemResult>> = Vec::with_capacity(items.len());
    let mut changes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("relationList[{i}]");
        match change(&judge, item, &path) {
            Ok((relation_id, change)) => {
                results.push(Ok(relation_id));
                changes.push(change);
            }
            Err((relation_id, err)) => results.push(Err(failed(relation_id, &err))),
        }
    }
    let mut employees = Employees::default();
    employees.add("operatorUserId", &operator);
    let now_ms = state.clock.now_ms();
    let (registered, outcomes) = state
        .store
        .dingtalk()
        .change_contacts(
            caller.scope,
            &employees.ids(),
            &changes,
            &state.clock.format(now_ms),
            now_ms,
        )
        .await
        .map_err(|err| employees.store_error(err, "relationList"))?;
    employees.warn(&judge, &registered)?;
    let mut outcomes = outcomes.into_iter();
    let results = results
        .into_iter()
        .map(|result| match result {
            Err(result) => result,
            Ok(relation_id) => {
                let done = outcomes.next().unwrap_or(ItemOutcome::UnknownContact(0));
                outcome(relation_id, done, true)
            }
        })
        .collect();
    Ok(Json(BatchResults { results }))
}

/// An item of BatchUpdateContacts as the change to make, with its `relationId` as sent.
fn change(
    judge: &Judge,
    item: &Value,
    path: &str,
) -> Result<(String, ContactChange), (Option<String>, V1Error)> {
    let relation_id = item
        .get("relationId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let read = || -> V1Result<(String, ContactChange)> {
        let item = Fields::nested(item, path, judge)?;
        let relation_id = item.required_string("relationId")?;
        let data = biz_data(&item, false)?;
        let extend_data = biz_ext(&item)?;
        let customer_id = match data.customer.clone() {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(text)) => return Err(V1Error::no_such(RELATED_CUSTOMER, "customer", &[text])),
        };
        let Some(id) = crate::ids::parse(&relation_id) else {
            return Err(V1Error::no_such("relationId", "contact", &[&relation_id]));
        };
        let change = ContactChange {
            id,
            customer_id,
            name: data.column("name"),
            mobile: data.column("mobile"),
            attached: data.column("attached"),
            extra: data.extra,
            extend_data,
        };
        Ok((relation_id, change))
    };
    read().map_err(|err| (relation_id, err))
}
