//! Reading records as the DingTalk v1.0 API shows them: customers by id, keyset pages of
//! customers and contacts (`id > cursor ORDER BY id`, so records written between pages
//! are neither skipped nor repeated), and how many customers match.

use std::collections::HashMap;

use sqlx::FromRow;
use tracing::instrument;

use super::{
    counts, query::RecordFilter, ContactRecord, CustomerRecord, DingTalkStore, Page, Role, CHUNK,
};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// A customer's columns, and its creator's nick: the stored one, else the creator's
/// name in the directory.
const CUSTOMERS: &str = "\
    SELECT c.id, c.relation_type, c.creator_userid, \
           COALESCE(c.creator_nick, e.name, '') AS creator_nick, c.name, c.address, \
           c.description, c.telephone, c.data_extra, c.extend_data, c.created_at, \
           c.updated_at \
      FROM dt_customers c \
      LEFT JOIN dt_employees e ON e.corp_id = c.corp_id AND e.userid = c.creator_userid \
     WHERE c.corp_id = $1";

const CONTACTS: &str = "\
    SELECT k.id, k.customer_id, k.creator_userid, k.name, k.mobile, k.attached, \
           k.data_extra, k.extend_data, k.created_at, k.updated_at \
      FROM dt_contacts k WHERE k.corp_id = $1";

#[derive(FromRow)]
struct RoleRow {
    customer_id: i64,
    userid: String,
    role: String,
}

impl DingTalkStore<'_> {
    /// The corp's customers among `ids` (of `relation_type` when given), oldest first.
    #[instrument(level = "debug", skip_all, fields(corp_id, count = ids.len()))]
    pub async fn customer_records(
        &self,
        corp_id: i64,
        ids: &[i64],
        relation_type: Option<&str>,
    ) -> StoreResult<Vec<CustomerRecord>> {
        let mut conn = self.db.read().await?;
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut stmt = Stmt::new(CUSTOMERS).bind(corp_id);
            if let Some(relation_type) = relation_type {
                stmt.push(" AND c.relation_type = ")
                    .push_bind(relation_type);
            }
            stmt.push(" AND c.id").push_in(chunk.iter().copied());
            records.extend(conn.fetch_all::<CustomerRecord>(&stmt).await?);
        }
        records.sort_by_key(|r| r.id);
        with_roles(&mut conn, corp_id, &mut records).await?;
        Ok(records)
    }

    /// Up to `limit` of the corp's customers of `relation_type` that `filter` admits,
    /// with ids above `after`, oldest first; one row more than asked tells whether more
    /// follow. One range of `dt_customers_by_type` (or `_by_name` for a name).
    #[instrument(level = "debug", skip_all, fields(corp_id, after))]
    pub async fn customer_records_page(
        &self,
        corp_id: i64,
        relation_type: &str,
        after: i64,
        limit: usize,
        filter: &RecordFilter,
    ) -> StoreResult<Page<CustomerRecord>> {
        let mut stmt = Stmt::new(CUSTOMERS).bind(corp_id);
        stmt.push(" AND c.relation_type = ")
            .push_bind(relation_type);
        stmt.push(" AND c.id > ").push_bind(after);
        filter.push(&mut stmt, "c", self.db.backend());
        stmt.push(" ORDER BY c.id LIMIT ")
            .push_bind(page_limit(limit));
        let mut conn = self.db.read().await?;
        let mut page = cut(conn.fetch_all::<CustomerRecord>(&stmt).await?, limit);
        with_roles(&mut conn, corp_id, &mut page.records).await?;
        Ok(page)
    }

    /// How many of the corp's customers of `relation_type` `filter` admits: without a
    /// filter, the kept count (one row, however many customers).
    #[instrument(level = "debug", skip_all, fields(corp_id))]
    pub async fn customer_total(
        &self,
        corp_id: i64,
        relation_type: &str,
        filter: &RecordFilter,
    ) -> StoreResult<i64> {
        let mut conn = self.db.read().await?;
        if filter.is_empty() {
            return counts::customer_count(&mut conn, corp_id, relation_type).await;
        }
        let mut stmt =
            Stmt::new("SELECT COUNT(*) FROM dt_customers c WHERE c.corp_id = $1").bind(corp_id);
        stmt.push(" AND c.relation_type = ")
            .push_bind(relation_type);
        filter.push(&mut stmt, "c", self.db.backend());
        let (total,): (i64,) = conn.fetch_one(&stmt).await?;
        Ok(total)
    }

    /// Up to `limit` of the corp's contacts that `filter` admits, with ids above
    /// `after`, oldest first (the primary key, or `dt_contacts_by_customer` for one
    /// customer's).
    #[instrument(level = "debug", skip_all, fields(corp_id, after))]
    pub async fn contact_records_page(
        &self,
        corp_id: i64,
        after: i64,
        limit: usize,
        filter: &RecordFilter,
    ) -> StoreResult<Page<ContactRecord>> {
        let mut stmt = Stmt::new(CONTACTS).bind(corp_id);
        stmt.push(" AND k.id > ").push_bind(after);
        filter.push(&mut stmt, "k", self.db.backend());
        stmt.push(" ORDER BY k.id LIMIT ")
            .push_bind(page_limit(limit));
        let rows = self.db.read().await?.fetch_all(&stmt).await?;
        Ok(cut(rows, limit))
    }
}

/// The rows to ask for: one more than the page holds.
fn page_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1)
}

/// `rows` cut to a page of `limit`.
fn cut<T>(mut rows: Vec<T>, limit: usize) -> Page<T> {
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    Page {
        records: rows,
        has_more,
    }
}

/// Fills in each record's owners and participants, in position order.
async fn with_roles(
    conn: &mut impl Exec,
    corp_id: i64,
    records: &mut [CustomerRecord],
) -> StoreResult<()> {
    let mut roles: HashMap<i64, Vec<RoleRow>> = HashMap::new();
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(CHUNK) {
        let mut stmt = Stmt::new(
            "SELECT customer_id, userid, role FROM dt_followers WHERE corp_id = $1 \
             AND customer_id",
        )
        .bind(corp_id);
        stmt.push_in(chunk.iter().copied())
            .push(" ORDER BY customer_id, position");
        for row in conn.fetch_all::<RoleRow>(&stmt).await? {
            roles.entry(row.customer_id).or_default().push(row);
        }
    }
    for record in records {
        for row in roles.remove(&record.id).unwrap_or_default() {
            match row.role == Role::Participant.as_str() {
                true => record.participants.push(row.userid),
                false => record.owners.push(row.userid),
            }
        }
    }
    Ok(())
}
