//! The request bodies as the API document describes them: the SDK's request models
//! (`alibabacloud-dingtalk`, `crm_1_0`), keys and types as the SDK sends them. Only
//! described: the handlers read bodies key by key ([`super::fields`]), so that a fault
//! is named in the model's order.
#![allow(dead_code, reason = "only described")]

use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A customer's or contact's `data`: each key a string or `{"value", "extendValue"}`.
/// `customer_name` (required for a new customer), `customer_address`, `customer_phone`,
/// `customer_description`; for contacts `contact_name`, `contact_phone`,
/// `contact_position`, `contact_related_customer`; any other key is kept as sent.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1Data)]
#[schema(value_type = Object, example = json!({"customer_name": "杭州某某科技", "customer_phone": "0571-8888"}))]
pub struct Data(Map<String, Value>);

/// `permission`: the owners (负责人) and participants (协同人).
#[derive(Deserialize, ToSchema)]
#[schema(as = V1PermissionIn)]
#[serde(rename_all = "camelCase")]
pub struct PermissionIn {
    owner_staff_ids: Option<Vec<String>>,
    participant_staff_ids: Option<Vec<String>>,
}

/// `saveOption` of CreateCustomer.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1SaveOption)]
#[serde(rename_all = "camelCase")]
pub struct SaveOption {
    customer_existed_policy: Option<String>,
    skip_duplicate_check: Option<bool>,
    subscribe_policy: Option<i64>,
    throw_exception_while_saving_contact_failed: Option<bool>,
}

/// A contact of CreateCustomer.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1ContactIn)]
#[serde(rename_all = "camelCase")]
pub struct ContactIn {
    data: Data,
    #[schema(value_type = Option<Object>)]
    extend_data: Option<Map<String, Value>>,
}

/// CreateCustomerRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1CreateCustomerRequest)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomerRequest {
    contacts: Option<Vec<ContactIn>>,
    creator_user_id: String,
    data: Data,
    #[schema(value_type = Option<Object>)]
    extend_data: Option<Map<String, Value>>,
    /// An existing customer to merge into.
    instance_id: Option<String>,
    /// `crm_customer` (default) or `crm_customer_personal`.
    object_type: Option<String>,
    permission: Option<PermissionIn>,
    save_option: SaveOption,
}

/// AddCrmPersonalCustomerRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1AddPersonalCustomerRequest)]
#[serde(rename_all = "camelCase")]
pub struct AddPersonalCustomerRequest {
    action: Option<String>,
    creator_nick: Option<String>,
    creator_user_id: String,
    data: Data,
    #[schema(value_type = Option<Object>)]
    extend_data: Option<Map<String, Value>>,
    permission: Option<PermissionIn>,
    /// `crm_customer` (default) or `crm_customer_personal`.
    relation_type: Option<String>,
    skip_duplicate_check: Option<bool>,
}

/// UpdateCrmPersonalCustomerRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1UpdatePersonalCustomerRequest)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePersonalCustomerRequest {
    action: Option<String>,
    data: Data,
    #[schema(value_type = Option<Object>)]
    extend_data: Option<Map<String, Value>>,
    instance_id: String,
    modifier_nick: Option<String>,
    modifier_user_id: String,
    permission: Option<PermissionIn>,
    relation_type: Option<String>,
    skip_duplicate_check: Option<bool>,
}

/// QueryAllCustomerRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1QueryAllRequest)]
#[serde(rename_all = "camelCase")]
pub struct QueryAllRequest {
    /// 1 to 100 (default 100).
    max_results: Option<i64>,
    next_token: Option<String>,
    /// `crm_customer` (default) or `crm_customer_personal`.
    object_type: Option<String>,
    operator_user_id: Option<String>,
}

/// GetContactsRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1GetContactsRequest)]
#[serde(rename_all = "camelCase")]
pub struct GetContactsRequest {
    current_operator_user_id: Option<String>,
    /// 1 to 100.
    max_results: i64,
    next_token: Option<String>,
    /// `crm_contact` (default).
    object_type: Option<String>,
    provider_corp_id: Option<String>,
    /// A JSON string; `contact_related_customer` EQ a customer id lists its contacts.
    query_dsl: Option<String>,
}

/// An entry of `bizDataList`.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1BizData)]
#[serde(rename_all = "camelCase")]
pub struct BizData {
    key: String,
    value: String,
    extend_value: Option<String>,
}

/// An item of BatchAddContacts.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1AddItem)]
#[serde(rename_all = "camelCase")]
pub struct AddItem {
    /// Must include `contact_related_customer`.
    biz_data_list: Vec<BizData>,
    biz_ext_map: Option<std::collections::BTreeMap<String, String>>,
    source_data_id: Option<String>,
}

/// BatchAddContactsRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1BatchAddContactsRequest)]
#[serde(rename_all = "camelCase")]
pub struct BatchAddContactsRequest {
    operator_user_id: String,
    /// 1 to 100 items.
    relation_list: Vec<AddItem>,
}

/// An item of BatchUpdateContacts.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1UpdateItem)]
#[serde(rename_all = "camelCase")]
pub struct UpdateItem {
    biz_data_list: Option<Vec<BizData>>,
    biz_ext_map: Option<std::collections::BTreeMap<String, String>>,
    relation_id: String,
}

/// BatchUpdateContactsRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1BatchUpdateContactsRequest)]
#[serde(rename_all = "camelCase")]
pub struct BatchUpdateContactsRequest {
    operator_user_id: String,
    /// 1 to 100 items.
    relation_list: Vec<UpdateItem>,
}

/// AppendCustomerDataAuthRequest and OverrideUpdateCustomerDataAuthRequest.
#[derive(Deserialize, ToSchema)]
#[schema(as = V1DataAuthRequest)]
#[serde(rename_all = "camelCase")]
pub struct DataAuthRequest {
    /// 1 to 100 customer ids.
    customer_ids: Vec<String>,
    data_auth_user_ids: Vec<String>,
    form_code: Option<String>,
    operate_user_id: String,
    relation_type: Option<String>,
    /// `owner` or `participant`.
    role_type: String,
}
