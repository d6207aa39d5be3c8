//! Replacing the whole state with a [`Snapshot`], in one transaction: everything is
//! deleted (as a full reset does), then written back with the same inserts the APIs
//! use, a few hundred rows per statement. Tenants get new internal keys; every record
//! keeps its id and times.

use super::{AccountData, CorpData, DtContactData, Snapshot, ROWS};
use crate::store::{
    db::Db,
    dingtalk::{
        contacts::{self, ContactRow},
        corps,
        customers::{self, CustomerRow},
        employees,
        followers::{self, FollowerRow},
        ContactExtra, Corp, Role,
    },
    error::StoreResult,
    exec::Exec,
    openapi::{
        accounts::{self, AccountRow},
        customer_rows::{self, index_rows, insert_index, INDEX_CHUNK},
        field_rows, Customer,
    },
    reset,
    stmt::Stmt,
};

/// Replaces every tenant and all data with `snapshot`. Runtime state (tokens, rate
/// windows, replay records) goes too. The first-start marker is set, so that a restart
/// does not add the default tenants back.
#[tracing::instrument(skip_all, fields(corps = snapshot.corps.len(), accounts = snapshot.accounts.len()))]
pub(crate) async fn restore(db: &Db, snapshot: &Snapshot, now_ms: i64) -> StoreResult<()> {
    let mut conn = db.write().await?;
    let mut tx = conn.begin().await?;
    reset::delete_everything(&mut tx).await?;
    reset::claim_first_start(&mut tx, now_ms).await?;
    for data in &snapshot.corps {
        write_corp(&mut tx, data).await?;
    }
    for data in &snapshot.accounts {
        write_account(&mut tx, data).await?;
    }
    tx.commit().await
}

/// Runs a multi-row statement, whose text varies with its row count.
async fn insert_rows(tx: &mut impl Exec, stmt: Stmt<'_>) -> StoreResult<()> {
    tx.execute(&stmt.transient()).await.map(drop)
}

/// Writes one corp with its employees, customers, contacts and followers.
async fn write_corp(tx: &mut impl Exec, data: &CorpData) -> StoreResult<()> {
    let corp: Corp = tx
        .fetch_one(&corps::insert(&data.corp, data.created_at))
        .await?;
    for chunk in data.employees.chunks(ROWS) {
        let rows = chunk
            .iter()
            .map(|e| (e.userid.as_str(), e.name.as_deref(), e.created_at));
        insert_rows(tx, employees::insert(corp.id, rows)).await?;
    }
    for chunk in data.customers.chunks(ROWS) {
        let rows = chunk.iter().map(|c| CustomerRow {
            id: c.id,
            name: &c.name,
            address: &c.address,
            description: &c.description,
            telephone: &c.telephone,
            create_by: &c.create_by,
            modified_by: c.modified_by.as_deref(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            extra: &c.extra,
        });
        insert_rows(tx, customers::insert(corp.id, rows)).await?;
    }
    let extras: Vec<Vec<ContactExtra>> = data
        .customers
        .iter()
        .map(|c| c.contacts.iter().map(contact_extra).collect())
        .collect();
    let contacts: Vec<ContactRow> = data
        .customers
        .iter()
        .zip(&extras)
        .flat_map(|(c, extras)| {
            c.contacts
                .iter()
                .zip(extras)
                .map(move |(k, extra)| ContactRow {
                    id: k.id,
                    customer_id: c.id,
                    name: &k.name,
                    mobile: &k.mobile,
                    attached: &k.attached,
                    create_by: k.create_by.as_deref(),
                    modified_by: k.modified_by.as_deref(),
                    created_at: k.created_at,
                    updated_at: k.updated_at,
                    extra,
                })
        })
        .collect();
    for chunk in contacts.chunks(ROWS) {
        insert_rows(tx, contacts::insert(corp.id, chunk.iter().cloned())).await?;
    }
    // Positions are renumbered 1.. in the document's order, which is all they mean.
    let followers: Vec<FollowerRow> = data
        .customers
        .iter()
        .flat_map(|c| {
            (1..)
                .zip(&c.followers)
                .map(move |(position, f)| FollowerRow {
                    customer_id: c.id,
                    userid: &f.userid,
                    position,
                    create_by: f.create_by.as_deref(),
                    created_at: f.created_at,
                    role: Role::parse(&f.role).unwrap_or(Role::Owner),
                })
        })
        .collect();
    for chunk in followers.chunks(ROWS) {
        insert_rows(tx, followers::insert(corp.id, chunk.iter().cloned())).await?;
    }
    Ok(())
}

/// The v1.0 columns of a contact, as the row builder takes them.
fn contact_extra(contact: &DtContactData) -> ContactExtra {
    ContactExtra {
        creator_userid: contact.creator_userid.clone(),
        data_extra: contact.data_extra.clone(),
        extend_data: contact.extend_data.clone(),
    }
}

/// Writes one account with its custom fields, customers and their search index.
async fn write_account(tx: &mut impl Exec, data: &AccountData) -> StoreResult<()> {
    let account: AccountRow = tx
        .fetch_one(&accounts::insert(&data.account, data.created_at))
        .await?;
    let account_id = account.into_account()?.id;
    for chunk in data.fields.chunks(ROWS) {
        insert_rows(tx, field_rows::insert(account_id, chunk)).await?;
    }
    let records: Vec<Customer> = data
        .customers
        .iter()
        .map(|c| Customer {
            account_id,
            ..c.record.clone()
        })
        .collect();
    for chunk in records.chunks(ROWS) {
        insert_rows(tx, customer_rows::insert(chunk)).await?;
    }
    // The same index rows the API's write path makes: list fields and custom values.
    let lists: Vec<_> = records.iter().map(Customer::list_index).collect();
    let rows: Vec<_> = records
        .iter()
        .zip(&lists)
        .zip(&data.customers)
        .flat_map(|((record, lists), c)| index_rows(record, lists, &c.custom_index))
        .collect();
    for chunk in rows.chunks(INDEX_CHUNK) {
        insert_rows(tx, insert_index(chunk)).await?;
    }
    Ok(())
}
