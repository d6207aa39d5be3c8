//! The v1.0 contact batches: up to a hundred contacts added or changed in one
//! transaction, each item answered on its own — an item naming an unknown customer or
//! contact is left out and reported, and does not stop the others.

use sqlx::FromRow;
use tracing::instrument;

use super::{
    contacts::{self, ContactRow},
    employees,
    records_write::ExtraChange,
    CorpScope, DingTalkStore, DtStoreResult, NewContact, Registered, CHUNK,
};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// How one item of a batch went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemOutcome {
    Done,
    /// The customer it names is not the corp's.
    UnknownCustomer(i64),
    /// The contact it changes is not the corp's.
    UnknownContact(i64),
}

/// A v1.0 change to one contact: the columns and extras given replace, the rest keep.
#[derive(Clone, Debug, Default)]
pub struct ContactChange {
    pub id: i64,
    /// Moves the contact to this customer.
    pub customer_id: Option<i64>,
    pub name: Option<String>,
    pub mobile: Option<String>,
    pub attached: Option<String>,
    pub extra: ExtraChange,
    pub extend_data: Option<String>,
}

#[derive(FromRow)]
struct Stored {
    data_extra: String,
}

impl DingTalkStore<'_> {
    /// Adds each contact to its customer (`(customer id, contact)`), after registering
    /// or checking `employees`; a contact whose customer the corp does not have is not
    /// added. The outcomes are in `contacts`' order.
    #[instrument(skip_all, fields(corp_id = corp.id, count = contacts.len()))]
    pub async fn add_contacts(
        &self,
        corp: CorpScope,
        employees: &[String],
        contacts: &[(i64, NewContact)],
        now_ms: i64,
    ) -> DtStoreResult<(Registered, Vec<ItemOutcome>)> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let wanted: Vec<i64> = contacts.iter().map(|(customer, _)| *customer).collect();
        let found = self.existing_customers(&mut tx, corp.id, &wanted).await?;
        let mut outcomes = Vec::with_capacity(contacts.len());
        let mut rows = Vec::with_capacity(contacts.len());
        for (customer_id, contact) in contacts {
            if !found.contains(customer_id) {
                outcomes.push(ItemOutcome::UnknownCustomer(*customer_id));
                continue;
            }
            outcomes.push(ItemOutcome::Done);
            rows.push(ContactRow {
                id: contact.id,
                customer_id: *customer_id,
                name: &contact.fields.name,
                mobile: &contact.fields.mobile,
                attached: &contact.fields.attached,
                create_by: None,
                modified_by: None,
                created_at: now_ms,
                updated_at: now_ms,
                extra: &contact.extra,
            });
        }
        for chunk in rows.chunks(CHUNK) {
            tx.execute(&contacts::insert(corp.id, chunk.iter().cloned()))
                .await?;
        }
        self.commit(tx).await?;
        Ok((registered, outcomes))
    }

    /// Applies each change, after registering or checking `employees`; a change of a
    /// contact the corp does not have, or moving one to a customer it does not have,
    /// is not applied. The outcomes are in `changes`' order.
    #[instrument(skip_all, fields(corp_id = corp.id, count = changes.len()))]
    pub async fn change_contacts(
        &self,
        corp: CorpScope,
        employees: &[String],
        changes: &[ContactChange],
        modified_by: &str,
        now_ms: i64,
    ) -> DtStoreResult<(Registered, Vec<ItemOutcome>)> {
        let lock = self.db.backend().lock_row();
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let wanted: Vec<i64> = changes.iter().filter_map(|c| c.customer_id).collect();
        let found = self.existing_customers(&mut tx, corp.id, &wanted).await?;
        let mut outcomes = Vec::with_capacity(changes.len());
        for change in changes {
            if let Some(customer) = change.customer_id.filter(|c| !found.contains(c)) {
                outcomes.push(ItemOutcome::UnknownCustomer(customer));
                continue;
            }
            let read = Stmt::new(format!(
                "SELECT data_extra FROM dt_contacts WHERE corp_id = $1 AND id = $2{lock}"
            ))
            .bind(corp.id)
            .bind(change.id);
            let Some(stored) = tx.fetch_optional::<Stored>(&read).await? else {
                outcomes.push(ItemOutcome::UnknownContact(change.id));
                continue;
            };
            let update = Stmt::new(
                "UPDATE dt_contacts SET customer_id = COALESCE($3, customer_id), \
                 name = COALESCE($4, name), mobile = COALESCE($5, mobile), \
                 attached = COALESCE($6, attached), data_extra = $7, \
                 extend_data = COALESCE($8, extend_data), modified_by = $9, \
                 updated_at = $10 WHERE corp_id = $1 AND id = $2",
            )
            .bind(corp.id)
            .bind(change.id)
            .bind(change.customer_id)
            .bind(&change.name)
            .bind(&change.mobile)
            .bind(&change.attached)
            .bind(change.extra.apply(&stored.data_extra))
            .bind(&change.extend_data)
            .bind(modified_by)
            .bind(now_ms);
            tx.execute(&update).await?;
            outcomes.push(ItemOutcome::Done);
        }
        self.commit(tx).await?;
        Ok((registered, outcomes))
    }

    /// Which of `ids` are customers of the corp, locked until the transaction ends so
    /// that none goes before the contacts naming it are written.
    async fn existing_customers(
        &self,
        tx: &mut impl Exec,
        corp_id: i64,
        ids: &[i64],
    ) -> StoreResult<std::collections::HashSet<i64>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut found = std::collections::HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let mut stmt =
                Stmt::new("SELECT id FROM dt_customers WHERE corp_id = $1 AND id").bind(corp_id);
            stmt.push_in(chunk.iter().copied())
                .push(self.db.backend().lock_row());
            found.extend(tx.fetch_column::<i64>(&stmt).await?);
        }
        Ok(found)
    }
}
