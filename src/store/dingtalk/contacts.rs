//! Customer contacts: create under a customer, update, delete.

use tracing::instrument;

use super::{
    employees, ContactExtra, ContactFields, CorpScope, DingTalkStore, DtStoreError, DtStoreResult,
    NewContact, Registered, CHUNK, CONTACT_COLUMNS,
};
use crate::store::{
    error::{StoreError, StoreResult},
    exec::Exec,
    stmt::Stmt,
};

/// One `dt_contacts` row as written (the create paths and the restore).
#[derive(Clone)]
pub(crate) struct ContactRow<'a> {
    pub id: i64,
    pub customer_id: i64,
    pub name: &'a str,
    pub mobile: &'a str,
    pub attached: &'a str,
    pub create_by: Option<&'a str>,
    pub modified_by: Option<&'a str>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The v1.0 columns.
    pub extra: &'a ContactExtra,
}

/// The one insert of contacts. A contact names its customer by a foreign key, so the
/// database refuses one whose customer is not the corp's.
pub(crate) fn insert<'a>(corp_id: i64, rows: impl IntoIterator<Item = ContactRow<'a>>) -> Stmt<'a> {
    let mut stmt = Stmt::new(
        "INSERT INTO dt_contacts (corp_id, id, customer_id, name, mobile, attached, \
         create_by, modified_by, created_at, updated_at, creator_userid, data_extra, \
         extend_data)",
    );
    stmt.push_values(rows, |row, k| {
        row.bind(corp_id)
            .bind(k.id)
            .bind(k.customer_id)
            .bind(k.name)
            .bind(k.mobile)
            .bind(k.attached)
            .bind(k.create_by)
            .bind(k.modified_by)
            .bind(k.created_at)
            .bind(k.updated_at)
            .bind(&k.extra.creator_userid)
            .bind(&k.extra.data_extra)
            .bind(&k.extra.extend_data);
    });
    stmt
}

/// Inserts `contacts` of the customer `customer_id` (created with it, or added by a
/// v1.0 merge), a few hundred a statement.
pub(super) async fn insert_new(
    tx: &mut impl Exec,
    corp_id: i64,
    customer_id: i64,
    contacts: &[NewContact],
    now_ms: i64,
) -> StoreResult<()> {
    for chunk in contacts.chunks(CHUNK) {
        let rows = chunk.iter().map(|contact| ContactRow {
            id: contact.id,
            customer_id,
            name: &contact.fields.name,
            mobile: &contact.fields.mobile,
            attached: &contact.fields.attached,
            create_by: None,
            modified_by: None,
            created_at: now_ms,
            updated_at: now_ms,
            extra: &contact.extra,
        });
        tx.execute(&insert(corp_id, rows)).await?;
    }
    Ok(())
}

impl DingTalkStore<'_> {
    /// Adds a contact to the customer `customer_id` of the corp; an unknown customer is
    /// [`DtStoreError::UnknownCustomers`].
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = customer_id, contact_id = contact.id))]
    pub async fn create_contact(
        &self,
        corp: CorpScope,
        employees: &[String],
        customer_id: i64,
        contact: &NewContact,
        create_by: Option<&str>,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let row = ContactRow {
            id: contact.id,
            customer_id,
            name: &contact.fields.name,
            mobile: &contact.fields.mobile,
            attached: &contact.fields.attached,
            create_by,
            modified_by: None,
            created_at: now_ms,
            updated_at: now_ms,
            extra: &contact.extra,
        };
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        // The foreign key keeps the contact inside the caller's corp: another corp's
        // customer id is refused exactly like an unknown one.
        match tx.execute(&insert(corp.id, [row])).await {
            Err(StoreError::MissingReference(_)) => {
                return Err(DtStoreError::UnknownCustomers(vec![customer_id]))
            }
            other => other?,
        };
        self.commit(tx).await?;
        Ok(registered)
    }

    /// Replaces a contact's fields; an unknown contact is
    /// [`DtStoreError::UnknownContacts`].
    #[instrument(skip_all, fields(corp_id = corp.id, contact_id = id))]
    pub async fn update_contact(
        &self,
        corp: CorpScope,
        employees: &[String],
        id: i64,
        fields: &ContactFields,
        modified_by: &str,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        // Every column is written, so every extendValue of a column's key goes.
        let data_extra = self.without_keys("data_extra", CONTACT_COLUMNS.map(|(_, key)| key));
        let update = Stmt::new(format!(
            "UPDATE dt_contacts SET name = $3, mobile = $4, attached = $5, \
             modified_by = $6, updated_at = $7, data_extra = {data_extra} \
             WHERE corp_id = $1 AND id = $2"
        ))
        .bind(corp.id)
        .bind(id)
        .bind(&fields.name)
        .bind(&fields.mobile)
        .bind(&fields.attached)
        .bind(modified_by)
        .bind(now_ms);
        let unknown = DtStoreError::UnknownContacts(vec![id]);
        self.update_one(corp, employees, &update, now_ms, unknown)
            .await
    }

    /// Deletes the contacts `ids` (distinct), all or nothing: if any is unknown, the
    /// transaction is rolled back and the error names every unknown id.
    #[instrument(skip_all, fields(corp_id = corp.id, count = ids.len()))]
    pub async fn delete_contacts(
        &self,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let unknown = DtStoreError::UnknownContacts;
        self.delete_all("dt_contacts", corp, employees, (ids, None), now_ms, unknown)
            .await
    }
}
