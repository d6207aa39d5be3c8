//! Customers: create (with contacts and followers), update, delete (cascading), read one
//! with its contacts and followers, and page through a corp's customers.

use sqlx::{FromRow, QueryBuilder};
use tracing::instrument;

use super::{
    employees::ensure_employees, missing, push_in, Contact, CorpScope, Customer, CustomerDetail,
    CustomerPage, CustomerPatch, DtStoreError, DtStoreResult, NewCustomer, CHUNK,
};
use crate::store::{with_pool, with_tx, Backend, Store, StoreResult};

const CUSTOMER_COLUMNS: &str = "id, name, address, description, telephone, create_by";

/// The customer (`part` 0), its contacts (1) and its followers (2) in one result, each
/// in a row shape all three fit: `num` is the id (the position for followers).
const DETAIL_SQL: &str = "\
    SELECT 0 AS part, id AS num, name AS a, address AS b, description AS c, \
           telephone AS d, create_by AS e \
      FROM dt_customers WHERE corp_id = $1 AND id = $2 \
    UNION ALL \
    SELECT 1, id, name, mobile, attached, '', '' \
      FROM dt_contacts WHERE corp_id = $1 AND customer_id = $2 \
    UNION ALL \
    SELECT 2, position, userid, '', '', '', '' \
      FROM dt_followers WHERE corp_id = $1 AND customer_id = $2 \
    ORDER BY part, num, a";

#[derive(FromRow)]
struct DetailRow {
    part: i32,
    num: i64,
    a: String,
    b: String,
    c: String,
    d: String,
    e: String,
}

impl Store {
    /// Creates a customer with its contacts and followers in one transaction, after
    /// registering (lenient) or checking (strict) `employees`.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = new.id))]
    pub async fn dt_create_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        new: &NewCustomer,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        with_tx!(self, |tx| {
            ensure_employees!(tx, corp, employees, now_ms);
            sqlx::query(
                "INSERT INTO dt_customers (corp_id, id, name, address, description, telephone, \
                 create_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(corp.id)
            .bind(new.id)
            .bind(&new.name)
            .bind(&new.address)
            .bind(&new.description)
            .bind(&new.telephone)
            .bind(&new.create_by)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            for chunk in new.contacts.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO dt_contacts (corp_id, id, customer_id, name, mobile, attached, \
                     created_at, updated_at) ",
                );
                qb.push_values(chunk, |mut row, contact| {
                    row.push_bind(corp.id)
                        .push_bind(contact.id)
                        .push_bind(new.id)
                        .push_bind(&contact.fields.name)
                        .push_bind(&contact.fields.mobile)
                        .push_bind(&contact.fields.attached)
                        .push_bind(now_ms)
                        .push_bind(now_ms);
                });
                qb.build().execute(&mut *tx).await?;
            }
            let positions = (1i64..).zip(&new.followers).collect::<Vec<_>>();
            for chunk in positions.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO dt_followers (corp_id, customer_id, userid, position, create_by, \
                     created_at) ",
                );
                qb.push_values(chunk, |mut row, (position, userid)| {
                    row.push_bind(corp.id)
                        .push_bind(new.id)
                        .push_bind(*userid)
                        .push_bind(*position)
                        .push_bind(&new.create_by)
                        .push_bind(now_ms);
                });
                qb.build().execute(&mut *tx).await?;
            }
            Ok(())
        })
    }

    /// Changes the fields `patch` gives and keeps the others.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = id))]
    pub async fn dt_update_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        id: i64,
        patch: &CustomerPatch,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        with_tx!(self, |tx| {
            ensure_employees!(tx, corp, employees, now_ms);
            let updated = sqlx::query(
                "UPDATE dt_customers SET name = COALESCE($3, name), \
                 address = COALESCE($4, address), description = COALESCE($5, description), \
                 telephone = COALESCE($6, telephone), modified_by = COALESCE($7, modified_by), \
                 updated_at = $8 WHERE corp_id = $1 AND id = $2",
            )
            .bind(corp.id)
            .bind(id)
            .bind(&patch.name)
            .bind(&patch.address)
            .bind(&patch.description)
            .bind(&patch.telephone)
            .bind(&patch.modified_by)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(DtStoreError::UnknownCustomers(vec![id]));
            }
            Ok(())
        })
    }

    /// Deletes the customers `ids` (distinct) with their contacts and relations (the
    /// foreign keys cascade), all or nothing: if any id is unknown, the transaction is
    /// rolled back and the error names every unknown id.
    #[instrument(skip_all, fields(corp_id = corp.id, count = ids.len()))]
    pub async fn dt_delete_customers(
        &self,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        now_ms: i64,
    ) -> DtStoreResult<()> {
        self.dt_delete_all(
            "dt_customers",
            corp,
            employees,
            ids,
            now_ms,
            DtStoreError::UnknownCustomers,
        )
        .await
    }

    /// Deletes the corp's rows `ids` (distinct) of `table` after registering
    /// `employees`, all or nothing: if any id is unknown, the transaction is rolled back
    /// and `unknown` names every unknown id.
    pub(super) async fn dt_delete_all(
        &self,
        table: &str,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        now_ms: i64,
        unknown: fn(Vec<i64>) -> DtStoreError,
    ) -> DtStoreResult<()> {
        with_tx!(self, |tx| {
            ensure_employees!(tx, corp, employees, now_ms);
            let mut deleted = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(format!("DELETE FROM {table} WHERE corp_id = "));
                qb.push_bind(corp.id).push(" AND id");
                push_in(&mut qb, chunk.iter().copied());
                qb.push(" RETURNING id");
                let gone: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
                deleted.extend(gone);
            }
            let absent = missing(ids, &deleted);
            if !absent.is_empty() {
                return Err(unknown(absent));
            }
            Ok(())
        })
    }

    /// One customer with its contacts (oldest first) and followers (in order added).
    ///
    /// This is the hottest read of the API, so the three indexed lookups (customer by
    /// key, contacts and followers by customer) go to the database as one statement:
    /// one round trip, one consistent snapshot. On SQLite a repeated read is answered
    /// from the detail cache until this process writes anything (see `store::cache`).
    #[instrument(level = "debug", skip_all, fields(corp_id = corp_id, customer_id = id))]
    pub async fn dt_customer(&self, corp_id: i64, id: i64) -> StoreResult<Option<CustomerDetail>> {
        if self.backend() != Backend::Sqlite {
            return self.dt_customer_read(corp_id, id).await;
        }
        // Read before the database is, so a write that overlaps the read invalidates it.
        let generation = self.sqlite_writer.generation();
        if let Some(cached) = self.details.get((corp_id, id), generation) {
            return Ok(cached);
        }
        let detail = self.dt_customer_read(corp_id, id).await?;
        self.details.put((corp_id, id), generation, detail.clone());
        Ok(detail)
    }

    async fn dt_customer_read(&self, corp_id: i64, id: i64) -> StoreResult<Option<CustomerDetail>> {
        let rows: Vec<DetailRow> = with_pool!(self, |pool| sqlx::query_as(DETAIL_SQL)
            .bind(corp_id)
            .bind(id)
            .fetch_all(pool)
            .await)?;
        let mut rows = rows.into_iter();
        // Contacts and followers cannot outlive their customer (foreign keys), so no
        // customer row means no rows at all.
        let Some(head) = rows.next().filter(|row| row.part == 0) else {
            return Ok(None);
        };
        let mut detail = CustomerDetail {
            customer: Customer {
                id: head.num,
                name: head.a,
                address: head.b,
                description: head.c,
                telephone: head.d,
                create_by: head.e,
            },
            contacts: Vec::new(),
            followers: Vec::new(),
        };
        for row in rows {
            if row.part == 1 {
                detail.contacts.push(Contact {
                    id: row.num,
                    customer_id: id,
                    name: row.a,
                    mobile: row.b,
                    attached: row.c,
                });
            } else {
                detail.followers.push(row.a);
            }
        }
        Ok(Some(detail))
    }

    /// The corp's customers, oldest first, skipping `offset` and returning at most
    /// `size`; one query (one row more than asked tells whether more follow).
    #[instrument(level = "debug", skip_all, fields(corp_id = corp_id, offset = offset, size = size))]
    pub async fn dt_customer_page(
        &self,
        corp_id: i64,
        offset: i64,
        size: i64,
    ) -> StoreResult<CustomerPage> {
        let sql = format!(
            "SELECT {CUSTOMER_COLUMNS} FROM dt_customers WHERE corp_id = $1 \
             ORDER BY id LIMIT $2 OFFSET $3"
        );
        let mut customers: Vec<Customer> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(corp_id)
            .bind(size.saturating_add(1))
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        let has_more = customers.len() as i64 > size;
        customers.truncate(usize::try_from(size).unwrap_or(0));
        Ok(CustomerPage {
            customers,
            has_more,
        })
    }
}
