//! Customers: create (with contacts and followers), update, delete (cascading), read one
//! with its contacts and followers, and page through a corp's customers.

use sqlx::FromRow;
use tracing::instrument;

use super::{
    contacts::{self, ContactRow},
    employees,
    followers::{self, FollowerRow},
    missing, Contact, CorpScope, Customer, CustomerDetail, CustomerPage, CustomerPatch,
    DingTalkStore, DtStoreError, DtStoreResult, NewCustomer, Registered, CHUNK,
};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// One `dt_customers` row as written (the create path and the restore).
pub(crate) struct CustomerRow<'a> {
    pub id: i64,
    pub name: &'a str,
    pub address: &'a str,
    pub description: &'a str,
    pub telephone: &'a str,
    pub create_by: &'a str,
    pub modified_by: Option<&'a str>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The one insert of customers, a few hundred rows at most.
pub(crate) fn insert<'a>(
    corp_id: i64,
    rows: impl IntoIterator<Item = CustomerRow<'a>>,
) -> Stmt<'a> {
    let mut stmt = Stmt::new(
        "INSERT INTO dt_customers (corp_id, id, name, address, description, telephone, \
         create_by, modified_by, created_at, updated_at)",
    );
    stmt.push_values(rows, |row, c| {
        row.bind(corp_id)
            .bind(c.id)
            .bind(c.name)
            .bind(c.address)
            .bind(c.description)
            .bind(c.telephone)
            .bind(c.create_by)
            .bind(c.modified_by)
            .bind(c.created_at)
            .bind(c.updated_at);
    });
    stmt
}

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

impl DingTalkStore<'_> {
    /// Creates a customer with its contacts and followers in one transaction, after
    /// registering (lenient) or checking (strict) `employees`.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = new.id))]
    pub async fn create_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        new: &NewCustomer,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let row = CustomerRow {
            id: new.id,
            name: &new.name,
            address: &new.address,
            description: &new.description,
            telephone: &new.telephone,
            create_by: &new.create_by,
            modified_by: None,
            created_at: now_ms,
            updated_at: now_ms,
        };
        tx.execute(&insert(corp.id, [row])).await?;
        for chunk in new.contacts.chunks(CHUNK) {
            let rows = chunk.iter().map(|contact| ContactRow {
                id: contact.id,
                customer_id: new.id,
                name: &contact.fields.name,
                mobile: &contact.fields.mobile,
                attached: &contact.fields.attached,
                create_by: None,
                modified_by: None,
                created_at: now_ms,
                updated_at: now_ms,
            });
            tx.execute(&contacts::insert(corp.id, rows)).await?;
        }
        let positions: Vec<(i64, &String)> = (1i64..).zip(&new.followers).collect();
        for chunk in positions.chunks(CHUNK) {
            let rows = chunk.iter().map(|(position, userid)| FollowerRow {
                customer_id: new.id,
                userid: userid.as_str(),
                position: *position,
                create_by: Some(new.create_by.as_str()),
                created_at: now_ms,
            });
            tx.execute(&followers::insert(corp.id, rows)).await?;
        }
        self.commit(tx).await?;
        Ok(registered)
    }

    /// Changes the fields `patch` gives and keeps the others.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = id))]
    pub async fn update_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        id: i64,
        patch: &CustomerPatch,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let update = Stmt::new(
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
        .bind(now_ms);
        let unknown = DtStoreError::UnknownCustomers(vec![id]);
        self.update_one(corp, employees, &update, now_ms, unknown)
            .await
    }

    /// Runs `update`, which changes one row of the corp, after registering or checking
    /// `employees`, in one transaction; `unknown` when it changed none.
    pub(super) async fn update_one(
        &self,
        corp: CorpScope,
        employees: &[String],
        update: &Stmt<'_>,
        now_ms: i64,
        unknown: DtStoreError,
    ) -> DtStoreResult<Registered> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        if tx.execute(update).await? == 0 {
            return Err(unknown);
        }
        self.commit(tx).await?;
        Ok(registered)
    }

    /// Deletes the customers `ids` (distinct) with their contacts and relations (the
    /// foreign keys cascade), all or nothing: if any id is unknown, the transaction is
    /// rolled back and the error names every unknown id.
    #[instrument(skip_all, fields(corp_id = corp.id, count = ids.len()))]
    pub async fn delete_customers(
        &self,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        self.delete_all(
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
    pub(super) async fn delete_all(
        &self,
        table: &str,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        now_ms: i64,
        unknown: fn(Vec<i64>) -> DtStoreError,
    ) -> DtStoreResult<Registered> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let mut deleted = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut stmt =
                Stmt::new(format!("DELETE FROM {table} WHERE corp_id = $1 AND id")).bind(corp.id);
            stmt.push_in(chunk.iter().copied()).push(" RETURNING id");
            deleted.extend(tx.fetch_column::<i64>(&stmt).await?);
        }
        let absent = missing(ids, &deleted);
        if !absent.is_empty() {
            return Err(unknown(absent));
        }
        self.commit(tx).await?;
        Ok(registered)
    }

    /// One customer with its contacts (oldest first) and followers (in order added).
    ///
    /// This is the hottest read of the API, so the three indexed lookups (customer by
    /// key, contacts and followers by customer) go to the database as one statement:
    /// one round trip, one consistent snapshot. A repeated read is answered
    /// from the read cache until DingTalk data may have changed (`Db::generation`).
    #[instrument(level = "debug", skip_all, fields(corp_id = corp_id, customer_id = id))]
    pub async fn customer(&self, corp_id: i64, id: i64) -> StoreResult<Option<CustomerDetail>> {
        // Read before the database is, so a write that overlaps the read invalidates it.
        let generation = self.db.generation();
        if let Some(cached) = self.state.details.get(&(corp_id, id), generation) {
            return Ok(cached);
        }
        let detail = self.read_customer(corp_id, id).await?;
        self.state
            .details
            .put((corp_id, id), generation, detail.clone());
        Ok(detail)
    }

    async fn read_customer(&self, corp_id: i64, id: i64) -> StoreResult<Option<CustomerDetail>> {
        let stmt = Stmt::new(DETAIL_SQL).bind(corp_id).bind(id);
        let rows: Vec<DetailRow> = self.db.read().await?.fetch_all(&stmt).await?;
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
    /// `size` (every one, without a size); one query (one row more than asked tells
    /// whether more follow).
    #[instrument(level = "debug", skip_all, fields(corp_id = corp_id, offset = offset))]
    pub async fn customer_page(
        &self,
        corp_id: i64,
        offset: i64,
        size: Option<i64>,
    ) -> StoreResult<CustomerPage> {
        let stmt = Stmt::new(
            "SELECT id, name, address, description, telephone, create_by FROM dt_customers \
             WHERE corp_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(corp_id)
        // No size is no limit: the largest one both engines take.
        .bind(size.map_or(i64::MAX, |size| size.saturating_add(1)))
        .bind(offset);
        let mut customers: Vec<Customer> = self.db.read().await?.fetch_all(&stmt).await?;
        let size = size.unwrap_or(i64::MAX);
        let has_more = customers.len() as i64 > size;
        customers.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        Ok(CustomerPage {
            customers,
            has_more,
        })
    }

    /// The corp's customers whose name or telephone contains `text` (every one for
    /// `""`), newest first, `offset` skipped and at most `limit` of them; and how many
    /// match in all. The control plane's console searches with it.
    #[instrument(skip_all, fields(corp_id))]
    pub async fn search_customers(
        &self,
        corp_id: i64,
        text: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<Customer>, i64)> {
        let position = self.db.backend().position_function();
        let filter = format!(
            "corp_id = $1 AND ($2 = '' OR {position}(name, $2) > 0 \
             OR {position}(telephone, $2) > 0)"
        );
        let count = Stmt::new(format!("SELECT COUNT(*) FROM dt_customers WHERE {filter}"))
            .bind(corp_id)
            .bind(text);
        let page = Stmt::new(format!(
            "SELECT id, name, address, description, telephone, create_by FROM dt_customers \
             WHERE {filter} ORDER BY id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(corp_id)
        .bind(text)
        .bind(limit)
        .bind(offset);
        let mut conn = self.db.read().await?;
        let (total,): (i64,) = conn.fetch_one(&count).await?;
        let customers: Vec<Customer> = conn.fetch_all(&page).await?;
        Ok((customers, total))
    }
}
