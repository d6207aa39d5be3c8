//! Storing and reading custom fields (`oa_custom_fields`).

use rand::Rng;
use sqlx::FromRow;

use super::fields::{
    CustomField, CustomFieldUpdate, FieldType, ValidCustomField, STATUS_DELETED, STATUS_OFF,
    STATUS_ON,
};
use crate::store::{with_pool, with_write, Store, StoreError, StoreResult};

/// Who the control plane records as the creator of custom fields.
pub const CONTROL_PLANE_AGENT: &str = "emulator";
/// The last `sort` taken by the system fields; custom fields follow them.
pub const LAST_SYSTEM_SORT: i64 = 12;

pub(crate) const COLUMNS: &str =
    "account_id, field, name, type, status, searchable, required, choices, \
                       options, sort, create_time, update_time, create_agent, update_agent";

#[derive(FromRow)]
pub(crate) struct FieldRow {
    pub(crate) account_id: i64,
    field: String,
    name: String,
    #[sqlx(rename = "type")]
    field_type: String,
    status: i32,
    searchable: bool,
    required: bool,
    choices: Option<String>,
    options: Option<String>,
    sort: i32,
    create_time: i64,
    update_time: i64,
    create_agent: String,
    update_agent: String,
}

impl FieldRow {
    /// Rows are written only by this module, so their JSON and type always parse; a
    /// row that does not (edited by hand) is skipped with a warning rather than failing
    /// every request of the account.
    pub(crate) fn into_field(self) -> Option<CustomField> {
        let Some(field_type) = FieldType::parse(&self.field_type) else {
            tracing::warn!(field = %self.field, r#type = %self.field_type, "custom field with an unknown type skipped");
            return None;
        };
        Some(CustomField {
            account_id: self.account_id,
            field: self.field,
            name: self.name,
            field_type,
            status: i64::from(self.status),
            searchable: self.searchable,
            required: self.required,
            choices: parse_json(self.choices),
            options: parse_json(self.options),
            sort: i64::from(self.sort),
            create_time: self.create_time,
            update_time: self.update_time,
            create_agent: self.create_agent,
            update_agent: self.update_agent,
        })
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(text: Option<String>) -> Option<T> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &Option<T>) -> Option<String> {
    value.as_ref().and_then(|v| serde_json::to_string(v).ok())
}

/// A new field id: `{type}_{4 lowercase alnum}_{epoch ms}`, like the seed's
/// `text_6ts9_1687316347239`.
pub fn generate_field_id(field_type: FieldType, now_ms: i64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let tag: String = (0..4)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("{}_{tag}_{now_ms}", field_type.as_str())
}

impl Store {
    /// Creates a custom field (the operation behind the control plane's POST). A taken
    /// field id is a [`crate::store::StoreError::Conflict`]. The new field sorts after
    /// every existing one.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn create_custom_field(
        &self,
        account_id: i64,
        def: ValidCustomField,
        now_ms: i64,
    ) -> StoreResult<CustomField> {
        let ValidCustomField(def, field_type) = def;
        let field = def
            .field
            .clone()
            .unwrap_or_else(|| generate_field_id(field_type, now_ms));
        let sql = format!(
            "INSERT INTO oa_custom_fields ({COLUMNS}) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, \
                    COALESCE(MAX(sort), {LAST_SYSTEM_SORT}) + 1, $10, $10, $11, $11 \
             FROM oa_custom_fields WHERE account_id = $1 RETURNING {COLUMNS}"
        );
        let row: FieldRow = with_write!(self, |pool| sqlx::query_as(&sql)
            .bind(account_id)
            .bind(&field)
            .bind(def.name.trim())
            .bind(field_type.as_str())
            .bind(STATUS_ON as i32)
            .bind(def.searchable.unwrap_or(true))
            .bind(def.required)
            .bind(to_json(&def.choices))
            .bind(to_json(&def.options))
            .bind(now_ms)
            .bind(CONTROL_PLANE_AGENT)
            .fetch_one(pool)
            .await)?;
        row.into_field().ok_or_else(|| {
            StoreError::Database(sqlx::Error::Decode("stored field unreadable".into()))
        })
    }

    /// Changes a custom field's name, status or switches (the control plane's PATCH).
    /// `None` when the account has no such field. A status other than 1, 0 or -1 is
    /// ignored: callers validate it and name the fault in their own envelope.
    #[tracing::instrument(skip_all, fields(account_id, field))]
    pub async fn update_custom_field(
        &self,
        account_id: i64,
        field: &str,
        update: &CustomFieldUpdate,
        now_ms: i64,
    ) -> StoreResult<Option<CustomField>> {
        let status = update
            .status
            .filter(|s| [STATUS_ON, STATUS_OFF, STATUS_DELETED].contains(s))
            .map(|s| s as i32);
        let sql = format!(
            "UPDATE oa_custom_fields SET name = COALESCE($3, name), \
             status = COALESCE($4, status), required = COALESCE($5, required), \
             searchable = COALESCE($6, searchable), update_time = $7, update_agent = $8 \
             WHERE account_id = $1 AND field = $2 RETURNING {COLUMNS}"
        );
        let row: Option<FieldRow> = with_write!(self, |pool| sqlx::query_as(&sql)
            .bind(account_id)
            .bind(field)
            .bind(update.name.as_deref())
            .bind(status)
            .bind(update.required)
            .bind(update.searchable)
            .bind(now_ms)
            .bind(CONTROL_PLANE_AGENT)
            .fetch_optional(pool)
            .await)?;
        Ok(row.and_then(FieldRow::into_field))
    }

    /// Every custom field of the account (deleted ones included), in `sort` order.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn custom_fields(&self, account_id: i64) -> StoreResult<Vec<CustomField>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM oa_custom_fields WHERE account_id = $1 ORDER BY sort, field"
        );
        let rows: Vec<FieldRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(account_id)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().filter_map(FieldRow::into_field).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_look_like_the_seed() {
        let id = generate_field_id(FieldType::Text, 1_687_316_347_239);
        let parts: Vec<&str> = id.split('_').collect();
        assert_eq!(parts.len(), 3, "{id}");
        assert_eq!(parts[0], "text");
        assert_eq!(parts[1].len(), 4);
        assert!(parts[1]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_eq!(parts[2], "1687316347239");
    }
}
