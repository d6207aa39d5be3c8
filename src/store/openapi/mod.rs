//! Storage of the OpenAPI-style CRM (SPEC §2): custom fields, customers with their
//! search index, and signature replay records. Domain types only; the wire format is
//! the surface's (`crate::openapi`).

pub mod customer;
pub(crate) mod customer_batch;
mod customer_queries;
pub(crate) mod customer_rows;
pub(crate) mod field_queries;
pub mod fields;
pub mod filter;
mod maintenance;
pub(crate) mod nonces;
mod sql;

pub use customer::{
    Contact, CustomChange, Customer, CustomerPatch, IndexEntry, OwnerChange, StoredValue,
};
pub use field_queries::{generate_field_id, CONTROL_PLANE_AGENT, LAST_SYSTEM_SORT};
pub use fields::{
    type_names, CascadeNode, CascadeOptions, Choice, CustomField, CustomFieldUpdate, FieldType,
    NewCustomField, ValidCustomField, STATUS_DELETED, STATUS_OFF, STATUS_ON,
};
pub use filter::{Column, Condition, CustomerQuery, Op, Operand, Sort, SortKey, Target};
