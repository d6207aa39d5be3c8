//! What both databases can store and run (issue 11, items 1, 2, 4 and 5): a NUL
//! character, strings too long to index, searches too large for one statement, and a
//! body declared larger than the limit. Each refusal test failed before its fix — with
//! a 500 (errcode -1) on Postgres for NUL characters and long strings, on SQLite for
//! 1,000 conditions, after the 30 s timeout for the declared length; the tests that
//! store or search the most allowed keep each limit from being tighter than needed.

mod content_length;
mod lengths;
mod nul;
mod search;

use crm_emulator::{
    dingtalk::validate::NAME_MAX,
    store::{
        openapi::{MAX_CONDITIONS, MAX_CONDITION_VALUES},
        INDEXED_TEXT_MAX,
    },
};
use serde_json::Value;

use crate::helpers::*;

/// The served document states the limits the server enforces, as `maxLength` and
/// `maxItems` of the request schemas.
#[tokio::test]
async fn the_served_document_states_the_limits() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = app.get_json("/_emulator/openapi.json").await;
    // A property of a component, also inside an `allOf` (a flattened struct).
    let schema = |name: &str, property: &str| {
        let component = &doc["components"]["schemas"][name];
        std::iter::once(component)
            .chain(component["allOf"].as_array().into_iter().flatten())
            .map(|part| part["properties"][property].clone())
            .find(|found| !found.is_null())
            .unwrap_or_default()
    };
    let indexed = Value::from(INDEXED_TEXT_MAX);
    assert_eq!(schema("RecordInput", "customerName")["maxLength"], indexed);
    assert_eq!(schema("RecordUpdate", "customerName")["maxLength"], indexed);
    for property in ["owner", "visitorId"] {
        assert_eq!(
            schema("RecordFields", property)["maxLength"],
            indexed,
            "{property}"
        );
    }
    assert_eq!(schema("ContactInput", "value")["maxLength"], indexed);
    assert_eq!(
        doc["components"]["schemas"]["IndexedText"]["maxLength"],
        indexed
    );
    assert_eq!(schema("CreateRelationBody", "userId")["maxLength"], indexed);
    assert_eq!(schema("NewCustomerBody", "name")["maxLength"], NAME_MAX);
    assert_eq!(schema("ListRequest", "search")["maxItems"], MAX_CONDITIONS);
    assert_eq!(
        schema("SearchItem", "value")["maxItems"],
        MAX_CONDITION_VALUES
    );
    // Bounds found missing by fuzzing (tests/fuzz).
    assert_eq!(schema("ListRequest", "limit")["maximum"], 100);
    assert_eq!(schema("ListRequest", "limit")["minimum"], 1);
    assert_eq!(schema("ListRequest", "page")["minimum"], 1);
    assert_eq!(
        schema("ClockChange", "advanceSeconds")["maximum"],
        crm_emulator::runtime::clock::MAX_OFFSET_SECS
    );
    assert_eq!(schema("NewFault", "status")["maximum"], 599);
    let read = &doc["paths"]["/crm/customer/list"]["get"]["parameters"];
    let size = read
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "size"));
    assert_eq!(
        size.map(|p| p["schema"]["maximum"].clone()),
        Some(1000.into())
    );
    assert!(schema("RecordFields", "assignTime")["pattern"].is_string());
    let responses = |path: &str, method: &str| doc["paths"][path][method]["responses"].clone();
    assert!(responses("/openapi/crm/add", "post")["415"].is_object());
    assert!(responses("/_emulator/clock", "post")["413"].is_object());
    let create = &doc["paths"]["/crm/customer/create"]["post"]["parameters"];
    let user_id = create
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "user_id"));
    assert_eq!(
        user_id.map(|p| p["schema"]["maxLength"].clone()),
        Some(indexed)
    );
    let text = doc.to_string();
    for refs in [
        "#/components/schemas/IndexedText",
        "#/components/schemas/ContactInput",
    ] {
        assert!(text.contains(refs), "{refs} is used");
    }
}
