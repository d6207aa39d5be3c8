//! `GET /_emulator/export` and `POST /_emulator/import`
//! (`docs/control-plane.md#export-and-import`): the whole state as one document, and
//! back. The export is the one control-plane answer that carries secrets: without them it
//! could not be restored.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    document::{
        AccountDoc, CorpDoc, DingTalkDoc, Document, DtContactDoc, DtCustomerDoc, EmployeeDoc,
        FieldDoc, FollowerDoc, Id, OaCustomerDoc, OpenApiDoc, VERSION,
    },
    extract::{parse_blocking, AdminBody},
    import::to_snapshot,
    AdminError, AdminResult,
};
use crate::http::Json;
use crate::{
    state::AppState,
    store::{
        dingtalk::{CustomerExtra, Employee, NewCorp},
        openapi::{CustomField, Customer, NewAccount},
        snapshot::{
            AccountData, CorpData, DtContactData, DtCustomerData, FollowerData, IndexedCustomer,
            Snapshot,
        },
    },
};

/// The body limit of an import, instead of `--max-body-bytes`: a whole state is large.
pub const IMPORT_LIMIT_BYTES: usize = 512 * 1024 * 1024;

/// `GET /_emulator/export`
#[utoipa::path(get, path = "/export", tag = "Control plane",
    responses((status = 200, description = "Every tenant and all of its data, secrets included (docs/export-format.md)", body = Document)))]
pub async fn export(State(state): State<AppState>) -> AdminResult<Json<Document>> {
    let snapshot = state.store.snapshot().await?;
    Ok(Json(document(snapshot)))
}

/// What an import restored.
#[derive(Serialize, ToSchema)]
pub struct Imported {
    imported: ImportCounts,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportCounts {
    corps: usize,
    accounts: usize,
    dingtalk_customers: usize,
    openapi_customers: usize,
}

/// `POST /_emulator/import`: replaces the whole state with the document's, in one
/// transaction. A document that fails a check changes nothing.
#[utoipa::path(post, path = "/import", tag = "Control plane", request_body = Document,
    responses((status = 200, description = "The whole state replaced by the document's", body = Imported)))]
pub async fn import(
    State(state): State<AppState>,
    AdminBody(body): AdminBody,
) -> AdminResult<Json<Imported>> {
    let (clock, ids, mode) = (
        state.clock.clone(),
        state.ids.clone(),
        state.config.default_mode,
    );
    let snapshot = parse_blocking(body, move |doc: Document| {
        to_snapshot(doc, &clock, &ids, mode)
            .map_err(|e| AdminError::bad_request(format!("invalid document: {e}")))
    })
    .await?;
    state.store.restore(&snapshot, state.clock.now_ms()).await?;
    Ok(Json(Imported {
        imported: ImportCounts {
            corps: snapshot.corps.len(),
            accounts: snapshot.accounts.len(),
            dingtalk_customers: snapshot.corps.iter().map(|c| c.customers.len()).sum(),
            openapi_customers: snapshot.accounts.iter().map(|a| a.customers.len()).sum(),
        },
    }))
}

/// The wire document of a snapshot. Every conversion here takes its source apart
/// field by field (no `..`), and builds its target with every field named: a field
/// added on either side and not carried is a compile error, not a silent loss (the
/// import, `super::import`, does the same the other way).
pub fn document(snapshot: Snapshot) -> Document {
    let Snapshot { corps, accounts } = snapshot;
    Document {
        version: VERSION,
        dingtalk: DingTalkDoc {
            corps: corps.into_iter().map(corp).collect(),
        },
        openapi: OpenApiDoc {
            accounts: accounts.into_iter().map(account).collect(),
        },
    }
}

fn corp(data: CorpData) -> CorpDoc {
    let CorpData {
        corp,
        created_at,
        employees,
        customers,
    } = data;
    let NewCorp {
        corpid,
        corpsecret,
        appkey,
        appsecret,
        mode,
        rate_limit_per_minute,
    } = corp;
    CorpDoc {
        corpid,
        corpsecret,
        appkey,
        appsecret,
        mode: Some(mode),
        rate_limit_per_minute,
        created_at: Some(created_at),
        employees: employees.into_iter().map(employee).collect(),
        customers: customers.into_iter().map(dt_customer).collect(),
    }
}

fn employee(employee: Employee) -> EmployeeDoc {
    let Employee {
        userid,
        name,
        created_at,
    } = employee;
    EmployeeDoc {
        userid,
        name,
        created_at: Some(created_at),
    }
}

fn dt_customer(customer: DtCustomerData) -> DtCustomerDoc {
    let DtCustomerData {
        id,
        name,
        address,
        description,
        telephone,
        create_by,
        modified_by,
        created_at,
        updated_at,
        extra,
        contacts,
        followers,
    } = customer;
    let CustomerExtra {
        relation_type,
        creator_userid,
        creator_nick,
        data_extra,
        extend_data,
    } = extra;
    DtCustomerDoc {
        id: Some(Id(id)),
        name,
        address,
        description,
        telephone,
        create_by,
        modified_by,
        created_at: Some(created_at),
        updated_at: Some(updated_at),
        relation_type,
        creator_user_id: creator_userid,
        creator_nick,
        data_extra: object(&data_extra),
        extend_data: object(&extend_data),
        contacts: contacts.into_iter().map(dt_contact).collect(),
        followers: followers.into_iter().map(follower).collect(),
    }
}

fn dt_contact(contact: DtContactData) -> DtContactDoc {
    let DtContactData {
        id,
        name,
        mobile,
        attached,
        create_by,
        modified_by,
        created_at,
        updated_at,
        creator_userid,
        data_extra,
        extend_data,
    } = contact;
    DtContactDoc {
        id: Some(Id(id)),
        name,
        mobile,
        attached,
        create_by,
        modified_by,
        created_at: Some(created_at),
        updated_at: Some(updated_at),
        creator_user_id: creator_userid,
        data_extra: object(&data_extra),
        extend_data: object(&extend_data),
    }
}

fn follower(follower: FollowerData) -> FollowerDoc {
    let FollowerData {
        userid,
        create_by,
        created_at,
        role,
    } = follower;
    FollowerDoc {
        userid,
        create_by,
        created_at: Some(created_at),
        role,
    }
}

/// A stored JSON object (text) as the document's object; anything else is empty.
fn object(text: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => serde_json::Map::new(),
    }
}

fn account(data: AccountData) -> AccountDoc {
    let AccountData {
        account,
        created_at,
        fields,
        customers,
    } = data;
    let NewAccount {
        appid,
        secret,
        open_sea_ids,
        mode,
        customer_sources,
    } = account;
    AccountDoc {
        appid,
        secret,
        open_sea_ids,
        mode: Some(mode),
        customer_sources,
        created_at: Some(created_at),
        fields: fields.into_iter().map(field).collect(),
        customers: customers.into_iter().map(oa_customer).collect(),
    }
}

fn field(field: CustomField) -> FieldDoc {
    let CustomField {
        account_id: _,
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
    } = field;
    FieldDoc {
        field: Some(field),
        name,
        field_type,
        status,
        searchable,
        required,
        choices,
        options,
        sort: Some(sort),
        create_time: Some(create_time),
        update_time: Some(update_time),
        create_agent: Some(create_agent),
        update_agent: Some(update_agent),
    }
}

/// A customer as read: its index is the database's own (a read leaves it empty).
fn oa_customer(customer: IndexedCustomer) -> OaCustomerDoc {
    let IndexedCustomer {
        record,
        custom_index: _,
    } = customer;
    let Customer {
        id,
        account_id: _,
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
        update_time,
        create_agent,
        update_agent,
    } = record;
    OaCustomerDoc {
        id: Some(Id(id)),
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
        create_time: Some(create_time),
        update_time: Some(update_time),
        create_agent: Some(create_agent),
        update_agent: Some(update_agent),
    }
}
