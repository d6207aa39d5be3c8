//! Black-box HTTP tests, one binary (one link step in CI). Each storage-touching test is
//! written once and runs on SQLite and on Postgres (see `helpers::both_backends!`).

#[allow(dead_code)]
mod helpers;

mod admin;
mod architecture;
mod dingtalk;
mod docs;
mod dingtalk_v1;
mod foundation;
mod instances;
mod lifecycle;
mod limits;
mod openapi;
mod rules;
mod serving;
