//! `POST /openapi/crm/config/field/list` (《CRM客户管理接口》 6、查询客户字段配置列表;
//! `docs/openapi.md#field-configuration`): the account's fields as CustomerFieldVO,
//! system fields first, in `sort` order.
//!
//! Filters (all optional, ANDed): `name` — substring of the field's name; `category` —
//! `"system"`/`"custom"` or a list of them; `type` — a type or a list of types; `enabled`
//! — status 1 (true) or 0 (false); `editable` — whether a client may write the field
//! (false only for the auto-filled `createTime` and `updateTime`, as the vendor
//! document's "自动生成的字段不可编辑" says). Deleted fields (status -1) are never listed. A
//! category or type the emulator does not know is refused for strict accounts and matches
//! nothing for lenient ones (rule `openapi.field-list.filter`).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    auth::Caller,
    error::{ApiError, ApiOk, ApiResult, Envelope},
    extract::{Body, Keys, OptionalJson},
    fields::{customer_sources, SystemField, SYSTEM_AGENT, SYSTEM_FIELDS},
};
use crate::{
    runtime::{
        clock::Clock,
        rules::{openapi as oa, Judge},
    },
    state::AppState,
    store::openapi::{
        type_names, Account, CascadeNode, CascadeOptions, Choice, CustomField, FieldType,
        STATUS_DELETED, STATUS_ON,
    },
};

/// One string or a list of them: every documented spelling is accepted
/// (docs/README.md#principles).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn items(&self) -> &[String] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }
}

/// The filters.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct FieldFilter {
    name: Option<String>,
    category: Option<OneOrMany>,
    #[serde(rename = "type")]
    types: Option<OneOrMany>,
    enabled: Option<bool>,
    editable: Option<bool>,
}

impl Body for FieldFilter {
    const KEYS: Option<&'static Keys> = Some(&Keys {
        body: &["name", "category", "type", "enabled", "editable"],
        nested: &[],
    });
}

/// CustomerFieldVO, keys in the vendor document's order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldVo {
    account_id: String,
    gl_field_id: String,
    field: String,
    name: String,
    param: String,
    #[serde(rename = "type")]
    field_type: &'static str,
    status: i64,
    searchable: bool,
    oplog: bool,
    choices: Option<Vec<ChoiceVo>>,
    options: Option<OptionsVo>,
    create_time: String,
    update_time: String,
    create_agent: String,
    update_agent: String,
    scenes: Option<Vec<String>>,
    sort: i64,
    is_system: bool,
    required: bool,
    #[serde(skip)]
    editable: bool,
}

/// ChoicesDubbo.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceVo {
    key: String,
    value: String,
    is_default: bool,
}

/// CascadeOptionsDubbo.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptionsVo {
    level: i64,
    fill_level: i64,
    children: Vec<NodeVo>,
}

/// ChildOptionDubbo; `children` is left out on leaves, as in the vendor document's example.
#[derive(Debug, Serialize, ToSchema)]
#[schema(no_recursion)]
pub struct NodeVo {
    key: String,
    value: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<NodeVo>,
}

/// 《CRM客户管理接口》 6、查询客户字段配置列表: `{}` (or no body) lists every field.
#[utoipa::path(
    post,
    path = "/crm/config/field/list",
    tag = "OpenAPI",
    request_body(content = Option<FieldFilter>, description = "Filters, all optional; no body lists every field"),
    responses((status = 200, description = "The account's fields, system and custom (CustomerFieldVO)", body = Envelope<Vec<FieldVo>>))
)]
#[tracing::instrument(skip_all, fields(appid = %account.appid))]
pub async fn list(
    State(state): State<AppState>,
    Caller(account): Caller,
    judge: Judge,
    OptionalJson(filter): OptionalJson<FieldFilter>,
) -> ApiResult<Vec<FieldVo>> {
    let (system, custom) = categories(&judge, filter.category.as_ref())?;
    let types = field_types(&judge, filter.types.as_ref())?;
    let mut all: Vec<FieldVo> = Vec::new();
    if system {
        all.extend(
            SYSTEM_FIELDS
                .iter()
                .map(|f| system_vo(f, &account, &state.clock)),
        );
    }
    if custom {
        let fields = state.store.openapi().custom_fields(account.id).await?;
        all.extend(
            fields
                .iter()
                .filter(|f| f.status != STATUS_DELETED)
                .map(|f| custom_vo(f, &account, &state.clock)),
        );
    }
    all.retain(|f| {
        filter.name.as_deref().is_none_or(|n| f.name.contains(n))
            && types
                .as_ref()
                .is_none_or(|t| t.iter().any(|t| t.as_str() == f.field_type))
            && filter.enabled.is_none_or(|e| e == (f.status == STATUS_ON))
            && filter.editable.is_none_or(|e| e == f.editable)
    });
    all.sort_by_key(|f| f.sort);
    Ok(ApiOk(all))
}

/// Which categories to list: (system, custom). An unknown one matches nothing.
fn categories(judge: &Judge, category: Option<&OneOrMany>) -> Result<(bool, bool), ApiError> {
    let Some(category) = category else {
        return Ok((true, true));
    };
    let mut wanted = (false, false);
    for item in category.items() {
        match item.as_str() {
            "system" => wanted.0 = true,
            "custom" => wanted.1 = true,
            other => judge.check(
                &oa::FIELD_LIST_FILTER,
                format!("`category` values are \"system\" and \"custom\", got {other:?}"),
            )?,
        }
    }
    Ok(wanted)
}

/// The types to list; an unknown one matches nothing.
fn field_types(
    judge: &Judge,
    types: Option<&OneOrMany>,
) -> Result<Option<Vec<FieldType>>, ApiError> {
    let Some(types) = types else { return Ok(None) };
    let mut parsed = Vec::new();
    for name in types.items() {
        match FieldType::parse(name) {
            Some(field_type) => parsed.push(field_type),
            None => judge.check(
                &oa::FIELD_LIST_FILTER,
                format!(
                    "`type` {name:?} is not a field type; types are {}",
                    type_names()
                ),
            )?,
        }
    }
    Ok(Some(parsed))
}

fn system_vo(f: &SystemField, account: &Account, clock: &Clock) -> FieldVo {
    let choices = (f.field == "customerSource")
        .then(|| customer_sources(account).iter().map(choice_vo).collect());
    FieldVo {
        account_id: account.appid.clone(),
        gl_field_id: f.field.into(),
        field: f.field.into(),
        name: f.name.into(),
        param: f.field.into(),
        field_type: f.field_type.as_str(),
        status: STATUS_ON,
        searchable: true,
        oplog: false,
        choices,
        options: None,
        create_time: clock.format(account.created_at),
        update_time: clock.format(account.created_at),
        create_agent: SYSTEM_AGENT.into(),
        update_agent: SYSTEM_AGENT.into(),
        scenes: None,
        sort: f.sort,
        is_system: true,
        required: f.required,
        editable: f.editable,
    }
}

/// The system field `customerSource` of the account, with its choices, as
/// CustomerFieldVO (the control plane answers a change of its choices with this).
pub(crate) fn customer_source_vo(account: &Account, clock: &Clock) -> FieldVo {
    let source = SYSTEM_FIELDS.iter().find(|f| f.field == "customerSource");
    // SYSTEM_FIELDS has customerSource (a unit test in `fields` checks it).
    let source = source.unwrap_or(&SYSTEM_FIELDS[0]);
    system_vo(source, account, clock)
}

/// A custom field as CustomerFieldVO (the control plane answers with this too).
pub(crate) fn custom_vo(f: &CustomField, account: &Account, clock: &Clock) -> FieldVo {
    FieldVo {
        account_id: account.appid.clone(),
        gl_field_id: f.field.clone(),
        field: f.field.clone(),
        name: f.name.clone(),
        param: f.field.clone(),
        field_type: f.field_type.as_str(),
        status: f.status,
        searchable: f.searchable,
        oplog: false,
        choices: f
            .choices
            .as_deref()
            .map(|c| c.iter().map(choice_vo).collect()),
        options: f.options.as_ref().map(options_vo),
        create_time: clock.format(f.create_time),
        update_time: clock.format(f.update_time),
        create_agent: f.create_agent.clone(),
        update_agent: f.update_agent.clone(),
        scenes: None,
        sort: f.sort,
        is_system: false,
        required: f.required,
        editable: true,
    }
}

fn choice_vo(c: &Choice) -> ChoiceVo {
    ChoiceVo {
        key: c.key.clone(),
        value: c.value.clone(),
        is_default: c.is_default,
    }
}

fn options_vo(o: &CascadeOptions) -> OptionsVo {
    OptionsVo {
        level: o.level,
        fill_level: o.fill_level,
        children: o.children.iter().map(node_vo).collect(),
    }
}

fn node_vo(n: &CascadeNode) -> NodeVo {
    NodeVo {
        key: n.key.clone(),
        value: n.value.clone(),
        children: n.children.iter().map(node_vo).collect(),
    }
}
