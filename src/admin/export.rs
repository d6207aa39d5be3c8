//! `GET /_emulator/export` and `POST /_emulator/import`
//! (`docs/control-plane.md#export-and-import`): the whole state as one document, and
//! back. The export is the one control-plane answer that carries secrets: without them it
//! could not be restored.

use axum::{extract::State, Json};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    document::{
        AccountDoc, CorpDoc, DingTalkDoc, Document, DtContactDoc, DtCustomerDoc, EmployeeDoc,
        FieldDoc, FollowerDoc, Id, OaCustomerDoc, OpenApiDoc, VERSION,
    },
    extract::AdminJson,
    import::to_snapshot,
    AdminError, AdminResult,
};
use crate::{
    state::AppState,
    store::snapshot::{AccountData, CorpData, Snapshot},
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
    AdminJson(doc): AdminJson<Document>,
) -> AdminResult<Json<Imported>> {
    let snapshot = to_snapshot(doc, &state.clock, &state.ids, state.config.default_mode)
        .map_err(|e| AdminError::bad_request(format!("invalid document: {e}")))?;
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

/// The wire document of a snapshot.
pub fn document(snapshot: Snapshot) -> Document {
    Document {
        version: VERSION,
        dingtalk: DingTalkDoc {
            corps: snapshot.corps.into_iter().map(corp).collect(),
        },
        openapi: OpenApiDoc {
            accounts: snapshot.accounts.into_iter().map(account).collect(),
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
    CorpDoc {
        corpid: corp.corpid,
        corpsecret: corp.corpsecret,
        appkey: corp.appkey,
        appsecret: corp.appsecret,
        mode: Some(corp.mode),
        rate_limit_per_minute: corp.rate_limit_per_minute,
        created_at: Some(created_at),
        employees: employees
            .into_iter()
            .map(|e| EmployeeDoc {
                userid: e.userid,
                name: e.name,
                created_at: Some(e.created_at),
            })
            .collect(),
        customers: customers
            .into_iter()
            .map(|c| DtCustomerDoc {
                id: Some(Id(c.id)),
                name: c.name,
                address: c.address,
                description: c.description,
                telephone: c.telephone,
                create_by: c.create_by,
                modified_by: c.modified_by,
                created_at: Some(c.created_at),
                updated_at: Some(c.updated_at),
                relation_type: c.extra.relation_type,
                creator_user_id: c.extra.creator_userid,
                creator_nick: c.extra.creator_nick,
                data_extra: object(&c.extra.data_extra),
                extend_data: object(&c.extra.extend_data),
                contacts: c
                    .contacts
                    .into_iter()
                    .map(|k| DtContactDoc {
                        id: Some(Id(k.id)),
                        name: k.name,
                        mobile: k.mobile,
                        attached: k.attached,
                        create_by: k.create_by,
                        modified_by: k.modified_by,
                        created_at: Some(k.created_at),
                        updated_at: Some(k.updated_at),
                        creator_user_id: k.creator_userid,
                        data_extra: object(&k.data_extra),
                        extend_data: object(&k.extend_data),
                    })
                    .collect(),
                followers: c
                    .followers
                    .into_iter()
                    .map(|f| FollowerDoc {
                        userid: f.userid,
                        create_by: f.create_by,
                        created_at: Some(f.created_at),
                        role: f.role,
                    })
                    .collect(),
            })
            .collect(),
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
    AccountDoc {
        appid: data.account.appid,
        secret: data.account.secret,
        open_sea_ids: data.account.open_sea_ids,
        mode: Some(data.account.mode),
        customer_sources: data.account.customer_sources,
        created_at: Some(data.created_at),
        fields: data
            .fields
            .into_iter()
            .map(|f| FieldDoc {
                field: Some(f.field),
                name: f.name,
                field_type: f.field_type,
                status: f.status,
                searchable: f.searchable,
                required: f.required,
                choices: f.choices,
                options: f.options,
                sort: Some(f.sort),
                create_time: Some(f.create_time),
                update_time: Some(f.update_time),
                create_agent: Some(f.create_agent),
                update_agent: Some(f.update_agent),
            })
            .collect(),
        customers: data
            .customers
            .into_iter()
            .map(|c| {
                let c = c.record;
                OaCustomerDoc {
                    id: Some(Id(c.id)),
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
                    custom: c.custom,
                    create_time: Some(c.create_time),
                    update_time: Some(c.update_time),
                    create_agent: Some(c.create_agent),
                    update_agent: Some(c.update_agent),
                }
            })
            .collect(),
    }
}
