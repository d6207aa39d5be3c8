//! Storing and reading custom fields (`oa_custom_fields`). The signed calls read an
//! account's fields on every add and update, so they are also kept for a moment in this
//! process; every change to them forgets that.

use std::sync::Arc;

use sqlx::FromRow;

use super::{
    fields::{
        CustomField, CustomFieldUpdate, FieldType, ValidCustomField, STATUS_DELETED, STATUS_OFF,
        STATUS_ON,
    },
    OpenApiStore,
};
use crate::{
    ids::random_tag,
    store::{
        columns::{from_json_opt, to_json_opt},
        error::{StoreError, StoreResult},
        exec::Exec,
        stmt::Stmt,
    },
};

/// Who the control plane records as the creator of custom fields.
pub const CONTROL_PLANE_AGENT: &str = "emulator";
/// The last `sort` taken by the system fields; custom fields follow them.
pub const LAST_SYSTEM_SORT: i64 = 12;

pub(crate) const COLUMNS: &str = "account_id, field, name, type, status, searchable, required, \
    choices, options, sort, create_time, update_time, create_agent, update_agent";

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
    /// Rows are written only by this module, so their type and JSON always parse; a
    /// row that does not (edited by hand) is skipped with a warning rather than failing
    /// every request of the account.
    pub(crate) fn into_field(self) -> Option<CustomField> {
        let field = self.field.clone();
        match self.decode() {
            Ok(decoded) => Some(decoded),
            Err(err) => {
                tracing::warn!(%field, error = %crate::telemetry::chain(&err), "unreadable custom field skipped");
                None
            }
        }
    }

    fn decode(self) -> StoreResult<CustomField> {
        let field_type = FieldType::parse(&self.field_type).ok_or_else(|| {
            let message = format!("unknown field type {:?}", self.field_type);
            StoreError::Database(sqlx::Error::Decode(message.into()))
        })?;
        Ok(CustomField {
            account_id: self.account_id,
            field: self.field,
            name: self.name,
            field_type,
            status: i64::from(self.status),
            searchable: self.searchable,
            required: self.required,
            choices: from_json_opt(self.choices)?,
            options: from_json_opt(self.options)?,
            sort: i64::from(self.sort),
            create_time: self.create_time,
            update_time: self.update_time,
            create_agent: self.create_agent,
            update_agent: self.update_agent,
        })
    }
}

/// The one insert of custom fields, into the account `account_id` (whatever the
/// fields' own `account_id`); returns the rows.
pub(crate) fn insert<'a>(
    account_id: i64,
    fields: impl IntoIterator<Item = &'a CustomField>,
) -> Stmt<'a> {
    let mut stmt = Stmt::new(format!("INSERT INTO oa_custom_fields ({COLUMNS})"));
    stmt.push_values(fields, |row, f| {
        row.bind(account_id)
            .bind(&f.field)
            .bind(&f.name)
            .bind(f.field_type.as_str())
            .bind(f.status)
            .bind(f.searchable)
            .bind(f.required)
            .bind(to_json_opt(&f.choices))
            .bind(to_json_opt(&f.options))
            .bind(f.sort)
            .bind(f.create_time)
            .bind(f.update_time)
            .bind(&f.create_agent)
            .bind(&f.update_agent);
    });
    stmt.push(" RETURNING ").push(COLUMNS);
    stmt
}

/// Every custom field of every account, by account and `sort` (for the export).
pub(crate) fn all() -> Stmt<'static> {
    Stmt::new(format!(
        "SELECT {COLUMNS} FROM oa_custom_fields ORDER BY account_id, sort, field"
    ))
}

/// A new field id: `{type}_{4 lowercase alnum}_{epoch ms}`, like the vendor document's
/// `text_6ts9_1687316347239`.
pub fn generate_field_id(field_type: FieldType, now_ms: i64) -> String {
    format!("{}_{}_{now_ms}", field_type.as_str(), random_tag(4))
}

fn unreadable() -> StoreError {
    StoreError::Database(sqlx::Error::Decode("stored field unreadable".into()))
}

impl OpenApiStore<'_> {
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
        let last_sort = Stmt::new(format!(
            "SELECT COALESCE(MAX(sort), {LAST_SYSTEM_SORT}) FROM oa_custom_fields \
             WHERE account_id = $1"
        ))
        .bind(account_id);
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let (last,): (i32,) = tx.fetch_one(&last_sort).await?;
        let field = CustomField {
            account_id,
            field: def
                .field
                .unwrap_or_else(|| generate_field_id(field_type, now_ms)),
            name: def.name.trim().to_owned(),
            field_type,
            status: STATUS_ON,
            searchable: def.searchable.unwrap_or(true),
            required: def.required,
            choices: def.choices,
            options: def.options,
            sort: i64::from(last) + 1,
            create_time: now_ms,
            update_time: now_ms,
            create_agent: CONTROL_PLANE_AGENT.into(),
            update_agent: CONTROL_PLANE_AGENT.into(),
        };
        let row: FieldRow = tx.fetch_one(&insert(account_id, [&field])).await?;
        tx.commit().await?;
        self.state.clear();
        self.db.tenants_changed().await;
        row.into_field().ok_or_else(unreadable)
    }

    /// Changes a custom field's name, status, switches or choices (the control plane's
    /// PATCH). `None` when the account has no such field. A status other than 1, 0 or
    /// -1 is ignored: callers validate it, and the choices, and name the fault in their
    /// own envelope.
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
            .filter(|s| [STATUS_ON, STATUS_OFF, STATUS_DELETED].contains(s));
        let stmt = Stmt::new(format!(
            "UPDATE oa_custom_fields SET name = COALESCE($3, name), \
             status = COALESCE($4, status), required = COALESCE($5, required), \
             searchable = COALESCE($6, searchable), choices = COALESCE($9, choices), \
             update_time = $7, update_agent = $8 \
             WHERE account_id = $1 AND field = $2 RETURNING {COLUMNS}"
        ))
        .bind(account_id)
        .bind(field)
        .bind(update.name.as_deref())
        .bind(status)
        .bind(update.required)
        .bind(update.searchable)
        .bind(now_ms)
        .bind(CONTROL_PLANE_AGENT)
        .bind(to_json_opt(&update.choices));
        let row: Option<FieldRow> = self.db.write().await?.fetch_optional(&stmt).await?;
        self.state.clear();
        self.db.tenants_changed().await;
        Ok(row.and_then(FieldRow::into_field))
    }

    /// Every custom field of the account (deleted ones included), in `sort` order:
    /// from this process's recent answers, or one indexed read.
    #[tracing::instrument(skip_all, fields(account_id))]
    pub async fn custom_fields(&self, account_id: i64) -> StoreResult<Arc<Vec<CustomField>>> {
        if let Some(fields) = self.state.fields.get(&account_id) {
            return Ok(fields);
        }
        let stmt = Stmt::new(format!(
            "SELECT {COLUMNS} FROM oa_custom_fields WHERE account_id = $1 ORDER BY sort, field"
        ))
        .bind(account_id);
        let rows: Vec<FieldRow> = self.db.read().await?.fetch_all(&stmt).await?;
        let fields = Arc::new(rows.into_iter().filter_map(FieldRow::into_field).collect());
        self.state.fields.put(account_id, Arc::clone(&fields));
        Ok(fields)
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
