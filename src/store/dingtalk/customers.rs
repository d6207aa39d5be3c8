//! Customers: create (with contacts and followers), update, delete (cascading), read one
//! with its contacts and followers, and page through a corp's customers.

use sqlx::FromRow;
use tracing::instrument;

use super::{
    contacts, employees, followers, missing, records_write::check_name, Contact, CorpScope,
    Customer, CustomerDetail, CustomerExtra, CustomerPage, CustomerPatch, DingTalkStore,
    DtStoreError, DtStoreResult, Duplicates, NewCustomer, Registered, Saved, CHUNK,
    CUSTOMER_COLUMNS,
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
    /// The v1.0 columns.
    pub extra: &'a CustomerExtra,
}

/// The one insert of customers, a few hundred rows at most.
pub(crate) fn insert<'a>(
    corp_id: i64,
    rows: impl IntoIterator<Item = CustomerRow<'a>>,
) -> Stmt<'a> {
    let mut stmt = Stmt::new(
        "INSERT INTO dt_customers (corp_id, id, name, address, description, telephone, \
         create_by, modified_by, created_at, updated_at, relation_type, creator_userid, \
         creator_nick, data_extra, extend_data)",
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
            .bind(c.updated_at)
            .bind(&c.extra.relation_type)
            .bind(&c.extra.creator_userid)
            .bind(&c.extra.creator_nick)
            .bind(&c.extra.data_extra)
            .bind(&c.extra.extend_data);
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
    /// registering (lenient) or checking (strict) `employees`, and checking the name
    /// against the corp's other customers of its type as `duplicates` says.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = new.id))]
    pub async fn create_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        new: &NewCustomer,
        duplicates: Duplicates,
        now_ms: i64,
    ) -> DtStoreResult<Saved> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let duplicate_of = check_name(
            &mut tx,
            corp.id,
            &new.extra.relation_type,
            &new.name,
            None,
            duplicates,
        )
        .await?;
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
            extra: &new.extra,
        };
        tx.execute(&insert(corp.id, [row])).await?;
        contacts::insert_new(&mut tx, corp.id, new.id, &new.contacts, now_ms).await?;
        let by = Some(new.create_by.as_str());
        followers::insert_new(&mut tx, corp.id, new, by, now_ms).await?;
        self.commit(tx).await?;
        Ok(Saved {
            registered,
            duplicate_of,
        })
    }

    /// Changes the fields `patch` gives and keeps the others. A column written here
    /// loses the v1.0 extendValue of its `data` key (its value is plain again).
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = id))]
    pub async fn update_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        id: i64,
        patch: &CustomerPatch,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let columns = [
            &patch.name,
            &patch.address,
            &patch.telephone,
            &patch.description,
        ];
        let written = CUSTOMER_COLUMNS.iter().zip(columns);
        let written = written.filter_map(|((_, key), value)| value.as_ref().map(|_| *key));
        let data_extra = self.without_keys("data_extra", written);
        let update = Stmt::new(format!(
            "UPDATE dt_customers SET name = COALESCE($3, name), \
             address = COALESCE($4, address), description = COALESCE($5, description), \
             telephone = COALESCE($6, telephone), modified_by = COALESCE($7, modified_by), \
             updated_at = $8, data_extra = {data_extra} WHERE corp_id = $1 AND id = $2"
        ))
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

    /// `column` (JSON object text) without `keys`: the SQL expression.
    pub(super) fn without_keys<'k>(
        &self,
        column: &str,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> String {
        let backend = self.db.backend();
        keys.into_iter().fold(column.to_owned(), |expr, key| {
            backend.json_remove(&expr, key)
        })
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
    /// foreign keys cascade), all or nothing: if any id is unknown (or, given
    /// `relation_type`, of another type), the transaction is rolled back and the error
    /// names every unknown id.
    #[instrument(skip_all, fields(corp_id = corp.id, count = ids.len()))]
    pub async fn delete_customers(
        &self,
        corp: CorpScope,
        employees: &[String],
        ids: &[i64],
        relation_type: Option<&str>,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let only = relation_type.map(|t| ("relation_type", t));
        let unknown = DtStoreError::UnknownCustomers;
        self.delete_all(
            "dt_customers",
            corp,
            employees,
            (ids, only),
            now_ms,
            unknown,
        )
        .await
    }

    /// Deletes the corp's rows `ids` (distinct) of `table` — only those whose column
    /// `only.0` holds `only.1`, when given — after registering `employees`, all or
    /// nothing: if any id is not deleted, the transaction is rolled back and `unknown`
    /// names every such id.
    pub(super) async fn delete_all(
        &self,
        table: &str,
        corp: CorpScope,
        employees: &[String],
        (ids, only): (&[i64], Option<(&str, &str)>),
        now_ms: i64,
        unknown: fn(Vec<i64>) -> DtStoreError,
    ) -> DtStoreResult<Registered> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let mut deleted = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut stmt =
                Stmt::new(format!("DELETE FROM {table} WHERE corp_id = $1")).bind(corp.id);
            if let Some((column, value)) = only {
                stmt.push(&format!(" AND {column} = ")).push_bind(value);
            }
            stmt.push(" AND id")
                .push_in(chunk.iter().copied())
                .push(" RETURNING id");
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
