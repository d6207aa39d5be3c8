//! Black-box HTTP tests, one binary (one link step in CI). Each storage-touching test is
//! written once and runs on SQLite and on Postgres (see `helpers::both_backends!`).

#[allow(dead_code)]
mod helpers;

mod admin;
mod architecture;
mod coverage;
mod dingtalk;
mod dingtalk_v1;
mod docs;
mod foundation;
mod https;
mod instances;
mod lifecycle;
mod limits;
mod openapi;
mod outage;
mod repository;
mod rules;
mod serving;
mod startup;
mod store_paths;
