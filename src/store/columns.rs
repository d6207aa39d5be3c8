//! Lists and nested objects are stored as JSON text; this is the one reader and writer
//! of those columns.

use serde::{de::DeserializeOwned, Serialize};

use super::error::{StoreError, StoreResult};

/// `value` as JSON text. Only this crate's own types are stored, and they always
/// serialize; should one ever fail, the column gets JSON `null` rather than a lost
/// request.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// An optional value as optional JSON text (NULL when never set).
pub fn to_json_opt<T: Serialize>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(to_json)
}

/// Parses a JSON column. Text that does not parse was not written by this crate (a
/// hand-edited database): it is a decode error, never a silently empty value.
pub fn from_json<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// [`from_json`] of a nullable column.
pub fn from_json_opt<T: DeserializeOwned>(text: Option<String>) -> StoreResult<Option<T>> {
    text.as_deref().map(from_json).transpose()
}
