//! Customer contacts: create under a customer, update, delete.

use tracing::instrument;

use super::{
    employees::ensure_employees, ContactFields, CorpScope, DtStoreError, DtStoreResult, NewContact,
};
use crate::store::{with_tx, Store};

impl Store {
    /// Adds a contact to the customer `customer_id` of the corp; an unknown customer is
    /// [`DtStoreError::UnknownCustomers`].
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = customer_id, contact_id = contact.id))]
    pub async fn dt_create_contact(
        &self,
        corp: CorpScope,
        employees: &[String],
        customer_id: i64,
        contact: &NewContact,
        create_by: Option<&str>,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        let fields = &contact.fields;
        with_tx!(self, |tx| {
            ensure_employees!(tx, corp, employees, now_ms);
            // The WHERE clause keeps the contact inside the caller's corp: another corp's
            // customer id inserts nothing, exactly like an unknown one.
            let inserted = sqlx::query(
                "INSERT INTO dt_contacts (corp_id, id, customer_id, name, mobile, attached, \
                 create_by, created_at, updated_at) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $8 WHERE EXISTS \
                 (SELECT 1 FROM dt_customers WHERE corp_id = $1 AND id = $3)",
            )
            .bind(corp.id)
            .bind(contact.id)
            .bind(customer_id)
            .bind(&fields.name)
            .bind(&fields.mobile)
            .bind(&fields.attached)
            .bind(create_by)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Err(DtStoreError::UnknownCustomers(vec![customer_id]));
            }
            Ok(())
        })
    }

    /// Replaces a contact's fields; an unknown contact is
    /// [`DtStoreError::UnknownContacts`].
    #[instrument(skip_all, fields(corp_id = corp.id, contact_id = id))]
    pub async fn dt_update_contact(
        &self,
        corp: CorpScope,
        employees: &[String],
        id: i64,
        fields: &ContactFields,
        modified_by: &str,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        with_tx!(self, |tx| {
            ensure_employees!(tx, corp, employees, now_ms);
            let updated = sqlx::query(
                "UPDATE dt_contacts SET name = $3, mobile = $4, attached = $5, \
                 modified_by = $6, updated_at = $7 WHERE corp_id = $1 AND id = $2",
            )
            .bind(corp.id)
            .bind(id)
            .bind(&fields.name)
            .bind(&fields.mobile)
            .bind(&fields.attached)
            .bind(modified_by)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(DtStoreError::UnknownContacts(vec![id]));
            }
            Ok(())
        })
    }

    /// Deletes the contacts `ids` (distinct), all or nothing: if any is unknown, the
    /// transaction is rolled back and the error names every unknown id.
    #[instrument(skip_all, fields(corp_id = corp.id, count = ids.len()))]
    pub async fn dt_delete_contacts(
        &self,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        now_ms: i64,
    ) -> DtStoreResult<()> {
        self.dt_delete_all(
            "dt_contacts",
            corp,
            employees,
            ids,
            now_ms,
            DtStoreError::UnknownContacts,
        )
        .await
    }
}
