//! `GET /v1.0/crm/personalCustomers/objectMeta` (DescribeCrmPersonalCustomerObjectMeta):
//! the fields of a relation type's customers, constant (docs/dingtalk-v1.md#guesses).

use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::Caller,
    error::{V1ErrorBody, V1Result},
    extract::V1Query,
    params,
};
use crate::http::Json;

/// The query: the relation type.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MetaQuery {
    /// `crm_customer` (the default) or `crm_customer_personal`.
    relation_type: Option<String>,
}

/// DescribeCrmPersonalCustomerObjectMetaResponseBody.
#[derive(Serialize, ToSchema)]
#[schema(as = V1ObjectMeta)]
pub struct ObjectMeta {
    code: String,
    name: &'static str,
    customized: bool,
    status: &'static str,
    fields: Vec<MetaField>,
}

/// One field of the object meta.
#[derive(Serialize, ToSchema)]
#[schema(as = V1MetaField)]
pub struct MetaField {
    name: &'static str,
    label: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    nillable: bool,
    customized: bool,
    quote: bool,
}

/// The four `data` keys with a column: id, label, type, whether it may be empty.
const FIELDS: [(&str, &str, &str, bool); 4] = [
    ("customer_name", "客户名称", "text", false),
    ("customer_address", "客户地址", "address", true),
    ("customer_phone", "客户电话", "phone", true),
    ("customer_description", "客户描述", "textarea", true),
];

/// `GET /v1.0/crm/personalCustomers/objectMeta?relationType=` → the type's meta.
#[utoipa::path(get, path = "/crm/personalCustomers/objectMeta", tag = "DingTalk v1.0",
    params(MetaQuery),
    responses(
        (status = 200, description = "The relation type's fields", body = ObjectMeta),
        (status = 400, description = "`relationType.not.exists`", body = V1ErrorBody),
    ))]
#[instrument(skip_all, fields(corp = %caller.corpid))]
pub async fn object_meta(
    caller: Caller,
    V1Query(query): V1Query<MetaQuery>,
) -> V1Result<Json<ObjectMeta>> {
    let code = params::relation_type("relationType", query.relation_type)?;
    let name = match code.as_str() {
        "crm_customer_personal" => "个人客户",
        _ => "企业客户",
    };
    let fields = FIELDS
        .iter()
        .map(|&(name, label, kind, nillable)| MetaField {
            name,
            label,
            kind,
            nillable,
            customized: false,
            quote: false,
        })
        .collect();
    Ok(Json(ObjectMeta {
        code,
        name,
        customized: false,
        status: "PUBLISHED",
        fields,
    }))
}
