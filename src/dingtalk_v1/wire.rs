//! The answers' shapes: each the SDK model's body exactly (docs/dingtalk-v1.md#records),
//! keys in the model's order, a `result` wrapper where the model has one and nowhere
//! else. A shape the model cannot read would reach the SDK's caller as `body = None`.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::data::{object_of, related_customer_value, render, RELATED_CUSTOMER};
use crate::{
    runtime::clock::Clock,
    store::dingtalk::{ContactRecord, CustomerRecord, CONTACT_COLUMNS, CUSTOMER_COLUMNS},
};

/// The approval pair of every record: no approvals are emulated.
const COMPLETED: &str = "COMPLETED";
const AGREE: &str = "agree";
/// `appUuid` of the batch query's records.
const APP_UUID: &str = "crm-emulator";

/// Who holds a customer.
#[derive(Serialize, ToSchema)]
#[schema(as = V1Permission)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    owner_staff_ids: Vec<String>,
    participant_staff_ids: Vec<String>,
}

/// A customer as QueryCrmPersonalCustomer lists it (ListCrmPersonalCustomers adds
/// `appUuid` and `formCode`: [`CustomerPlus`]).
#[derive(Serialize, ToSchema)]
#[schema(as = V1Customer)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    instance_id: String,
    object_type: String,
    creator_user_id: String,
    creator_nick: String,
    #[schema(value_type = Object)]
    data: Map<String, Value>,
    #[schema(value_type = Object)]
    extend_data: Map<String, Value>,
    permission: Permission,
    gmt_create: String,
    gmt_modified: String,
    proc_inst_status: &'static str,
    proc_out_result: &'static str,
}

/// A customer as ListCrmPersonalCustomers answers it.
#[derive(Serialize, ToSchema)]
#[schema(as = V1CustomerPlus)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPlus {
    #[serde(flatten)]
    customer: Customer,
    app_uuid: &'static str,
    form_code: String,
}

/// A customer as QueryAllCustomer lists it.
#[derive(Serialize, ToSchema)]
#[schema(as = V1CustomerAll)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAll {
    instance_id: String,
    object_type: String,
    creator_user_id: String,
    creator_nick: String,
    #[schema(value_type = Object)]
    data: Map<String, Value>,
    #[schema(value_type = Object)]
    extend_data: Map<String, Value>,
    permission: Permission,
    create_time: String,
    modify_time: String,
    process_instance_status: &'static str,
    process_out_result: &'static str,
}

/// Who holds a contact: its creator.
#[derive(Serialize, ToSchema)]
#[schema(as = V1ContactPermission)]
#[serde(rename_all = "camelCase")]
pub struct ContactPermission {
    owner_user_ids: Vec<String>,
    participant_user_ids: Vec<String>,
}

/// A contact as GetContacts lists it.
#[derive(Serialize, ToSchema)]
#[schema(as = V1Contact)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    instance_id: String,
    object_type: &'static str,
    creator_user_id: String,
    #[schema(value_type = Object)]
    data: Map<String, Value>,
    #[schema(value_type = Object)]
    extend_data: Map<String, Value>,
    gmt_create: String,
    gmt_modified: String,
    permission: ContactPermission,
}

impl Customer {
    pub fn of(record: &CustomerRecord, clock: &Clock) -> Customer {
        Customer {
            instance_id: record.id.to_string(),
            object_type: record.relation_type.clone(),
            creator_user_id: record.creator_userid.clone(),
            creator_nick: record.creator_nick.clone(),
            data: customer_data(record),
            extend_data: object_of(&record.extend_data),
            permission: permission(record),
            gmt_create: clock.format(record.created_at),
            gmt_modified: clock.format(record.updated_at),
            proc_inst_status: COMPLETED,
            proc_out_result: AGREE,
        }
    }
}

impl CustomerPlus {
    pub fn of(record: &CustomerRecord, clock: &Clock) -> CustomerPlus {
        CustomerPlus {
            customer: Customer::of(record, clock),
            app_uuid: APP_UUID,
            form_code: record.relation_type.clone(),
        }
    }
}

impl CustomerAll {
    pub fn of(record: &CustomerRecord, clock: &Clock) -> CustomerAll {
        CustomerAll {
            instance_id: record.id.to_string(),
            object_type: record.relation_type.clone(),
            creator_user_id: record.creator_userid.clone(),
            creator_nick: record.creator_nick.clone(),
            data: customer_data(record),
            extend_data: object_of(&record.extend_data),
            permission: permission(record),
            create_time: clock.format(record.created_at),
            modify_time: clock.format(record.updated_at),
            process_instance_status: COMPLETED,
            process_out_result: AGREE,
        }
    }
}

impl Contact {
    pub fn of(record: &ContactRecord, clock: &Clock) -> Contact {
        let value_of = |column: &str| match column {
            "name" => record.name.clone(),
            "mobile" => record.mobile.clone(),
            _ => record.attached.clone(),
        };
        let mut data = render(&CONTACT_COLUMNS, value_of, &record.data_extra);
        data.insert(
            RELATED_CUSTOMER.to_owned(),
            related_customer_value(record.customer_id),
        );
        let owners = match record.creator_userid.as_str() {
            "" => Vec::new(),
            creator => vec![creator.to_owned()],
        };
        Contact {
            instance_id: record.id.to_string(),
            object_type: super::params::CRM_CONTACT,
            creator_user_id: record.creator_userid.clone(),
            data,
            extend_data: object_of(&record.extend_data),
            gmt_create: clock.format(record.created_at),
            gmt_modified: clock.format(record.updated_at),
            permission: ContactPermission {
                owner_user_ids: owners,
                participant_user_ids: Vec::new(),
            },
        }
    }
}

fn customer_data(record: &CustomerRecord) -> Map<String, Value> {
    let value_of = |column: &str| match column {
        "name" => record.name.clone(),
        "address" => record.address.clone(),
        "telephone" => record.telephone.clone(),
        _ => record.description.clone(),
    };
    render(&CUSTOMER_COLUMNS, value_of, &record.data_extra)
}

fn permission(record: &CustomerRecord) -> Permission {
    Permission {
        owner_staff_ids: record.owners.clone(),
        participant_staff_ids: record.participants.clone(),
    }
}

/// The answer of the writes that name one instance.
#[derive(Serialize, ToSchema)]
#[schema(as = V1InstanceId)]
#[serde(rename_all = "camelCase")]
pub struct InstanceId {
    pub instance_id: String,
}

/// The answer of the data-authorisation calls: `result` true.
#[derive(Serialize, ToSchema)]
#[schema(as = V1Done)]
pub struct Done {
    pub result: bool,
}

/// One item of a contact batch's answer.
#[derive(Serialize, ToSchema)]
#[schema(as = V1ItemResult)]
#[serde(rename_all = "camelCase")]
pub struct ItemResult {
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

/// The answer of the contact batches: one result per item, in order.
#[derive(Serialize, ToSchema)]
#[schema(as = V1BatchResults)]
pub struct BatchResults {
    pub results: Vec<ItemResult>,
}
