//! Custom fields of an OpenAPI account (`docs/openapi.md#field-configuration`,
//! `docs/control-plane.md#tenants`). Answers are the CustomerFieldVO exactly as
//! `POST /openapi/crm/config/field/list` renders it.
//!
//! Unlike the field list, the control plane also shows deleted fields (status -1): it is
//! where an emulator user restores them. The system field `customerSource` is patched
//! here too, for its choices only.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::IntoResponse,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{corps::conflict_names, extract::AdminJson, AdminError, AdminResult};
use crate::http::Json;
use crate::{
    openapi::{custom_vo, customer_source_vo, FieldVo},
    state::AppState,
    store::openapi::{
        check_choices, Account, AccountPatch, CascadeNode, CascadeOptions, Choice,
        CustomFieldUpdate, FieldType, NewCustomField, STATUS_DELETED, STATUS_OFF, STATUS_ON,
    },
};

/// The system field whose choices the control plane can change.
const CUSTOMER_SOURCE: &str = "customerSource";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateField {
    /// Not blank.
    #[schema(pattern = r"\S")]
    name: String,
    #[serde(rename = "type")]
    field_type: FieldType,
    #[serde(default)]
    required: bool,
    choices: Option<Vec<ChoiceBody>>,
    options: Option<OptionsBody>,
    field: Option<String>,
    searchable: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChoiceBody {
    #[schema(min_length = 1)]
    key: String,
    #[schema(min_length = 1)]
    value: String,
    #[serde(default)]
    is_default: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OptionsBody {
    level: i64,
    fill_level: i64,
    children: Vec<NodeBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(no_recursion)]
pub struct NodeBody {
    #[schema(min_length = 1)]
    key: String,
    #[schema(min_length = 1)]
    value: String,
    #[serde(default)]
    children: Vec<NodeBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchField {
    /// Not blank.
    #[schema(pattern = r"\S")]
    name: Option<String>,
    /// 1 on, 0 off (values kept, writes refused), -1 deleted (hidden).
    #[schema(minimum = -1, maximum = 1)]
    status: Option<i64>,
    required: Option<bool>,
    searchable: Option<bool>,
    /// A select or multiSelect field's choices, replaced whole (the only key
    /// `customerSource` takes).
    choices: Option<Vec<ChoiceBody>>,
}

impl From<ChoiceBody> for Choice {
    fn from(c: ChoiceBody) -> Self {
        Choice {
            key: c.key,
            value: c.value,
            is_default: c.is_default,
        }
    }
}

impl From<NodeBody> for CascadeNode {
    fn from(n: NodeBody) -> Self {
        CascadeNode {
            key: n.key,
            value: n.value,
            children: n.children.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<OptionsBody> for CascadeOptions {
    fn from(o: OptionsBody) -> Self {
        CascadeOptions {
            level: o.level,
            fill_level: o.fill_level,
            children: o.children.into_iter().map(Into::into).collect(),
        }
    }
}

async fn account(state: &AppState, appid: &str) -> AdminResult<Account> {
    let account = state.store.openapi().account_by_appid(appid).await?;
    account.ok_or_else(|| AdminError::not_found(format!("no account with appid {appid:?}")))
}

/// `POST /_emulator/openapi/accounts/{appid}/fields`: the id is generated in the vendor
/// document's `{type}_{4 alnum}_{epoch ms}` format unless `field` gives one.
#[utoipa::path(post, path = "/openapi/accounts/{appid}/fields", tag = "Control plane", params(("appid" = String, Path, description = "The account's appid")), request_body = CreateField,
    responses((status = 201, description = "The new field, as CustomerFieldVO", body = FieldVo)))]
pub async fn create(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    AdminJson(body): AdminJson<CreateField>,
) -> AdminResult<impl IntoResponse> {
    let account = account(&state, &appid).await?;
    let def = NewCustomField {
        field: body.field,
        name: body.name,
        field_type: Some(body.field_type),
        required: body.required,
        searchable: body.searchable,
        choices: body
            .choices
            .map(|c| c.into_iter().map(Into::into).collect()),
        options: body.options.map(Into::into),
    };
    let wanted = def.field.clone();
    let valid = def.validate().map_err(AdminError::bad_request)?;
    let field = state
        .store
        .openapi()
        .create_custom_field(account.id, valid, state.clock.now_ms())
        .await
        .map_err(|e| {
            let message = match &wanted {
                Some(id) => format!("account {appid:?} already has a field {id:?}"),
                None => "the generated field id is taken; try again".to_owned(),
            };
            conflict_names(e, &message)
        })?;
    let vo = custom_vo(&field, &account, &state.clock);
    Ok((StatusCode::CREATED, Json(vo)))
}

/// `GET /_emulator/openapi/accounts/{appid}/fields`: every custom field, in `sort` order.
#[utoipa::path(get, path = "/openapi/accounts/{appid}/fields", tag = "Control plane", params(("appid" = String, Path, description = "The account's appid")),
    responses((status = 200, description = "The account's custom fields, in sort order", body = Vec<FieldVo>)))]
pub async fn list(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> AdminResult<Json<Vec<FieldVo>>> {
    let account = account(&state, &appid).await?;
    let fields = state.store.openapi().custom_fields(account.id).await?;
    Ok(Json(
        fields
            .iter()
            .map(|f| custom_vo(f, &account, &state.clock))
            .collect(),
    ))
}

/// `PATCH /_emulator/openapi/accounts/{appid}/fields/{field}`: absent keys keep their
/// value. Status 0 keeps the field (and stored values) but refuses writes; -1 hides it.
/// `choices` replaces a select's choices whole; stored values outside them stay. The
/// system field `customerSource` takes `choices` only.
#[utoipa::path(patch, path = "/openapi/accounts/{appid}/fields/{field}", tag = "Control plane",
    params(("appid" = String, Path, description = "The account's appid"), ("field" = String, Path, description = "The field id")),
    request_body = PatchField,
    responses((status = 200, description = "The field after the change", body = FieldVo)))]
pub async fn patch(
    State(state): State<AppState>,
    Path((appid, field)): Path<(String, String)>,
    AdminJson(body): AdminJson<PatchField>,
) -> AdminResult<Json<FieldVo>> {
    let choices: Option<Vec<Choice>> = body
        .choices
        .map(|c| c.into_iter().map(Into::into).collect());
    if let Some(choices) = &choices {
        check_choices(Some(choices)).map_err(AdminError::bad_request)?;
    }
    if field == CUSTOMER_SOURCE {
        let switches = [
            body.name.is_some(),
            body.status.is_some(),
            body.required.is_some(),
            body.searchable.is_some(),
        ];
        if switches.contains(&true) || choices.is_none() {
            return Err(AdminError::bad_request(
                "customerSource is a system field: only its `choices` can be changed",
            ));
        }
        return patch_customer_sources(&state, &appid, choices).await;
    }
    if body.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(AdminError::bad_request("name must not be blank"));
    }
    if let Some(status) = body.status {
        if ![STATUS_ON, STATUS_OFF, STATUS_DELETED].contains(&status) {
            return Err(AdminError::bad_request(format!(
                "status must be 1 (on), 0 (off) or -1 (deleted), got {status}"
            )));
        }
    }
    let account = account(&state, &appid).await?;
    if choices.is_some() {
        let fields = state.store.openapi().custom_fields(account.id).await?;
        let select = fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.field_type);
        if let Some(other) =
            select.filter(|t| !matches!(t, FieldType::Select | FieldType::MultiSelect))
        {
            return Err(AdminError::bad_request(format!(
                "`choices` applies to select and multiSelect fields, not {}",
                other.as_str()
            )));
        }
    }
    let update = CustomFieldUpdate {
        name: body.name.map(|n| n.trim().to_owned()),
        status: body.status,
        required: body.required,
        searchable: body.searchable,
        choices,
    };
    let updated = state
        .store
        .openapi()
        .update_custom_field(account.id, &field, &update, state.clock.now_ms())
        .await?;
    let updated = updated.ok_or_else(|| {
        AdminError::not_found(format!("account {appid:?} has no custom field {field:?}"))
    })?;
    Ok(Json(custom_vo(&updated, &account, &state.clock)))
}

/// The account's `customerSource` choices, replaced whole.
async fn patch_customer_sources(
    state: &AppState,
    appid: &str,
    choices: Option<Vec<Choice>>,
) -> AdminResult<Json<FieldVo>> {
    let patch = AccountPatch {
        customer_sources: Some(choices),
        ..Default::default()
    };
    let account = state.store.openapi().update_account(appid, &patch).await?;
    let account =
        account.ok_or_else(|| AdminError::not_found(format!("no account with appid {appid:?}")))?;
    Ok(Json(customer_source_vo(&account, &state.clock)))
}
