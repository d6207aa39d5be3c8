//! Replacing the whole state with a [`Snapshot`], in one transaction: everything is
//! deleted (children first, as a full reset does), then written back with multi-row
//! statements. Tenants get new internal keys; every record keeps its id and times.

use sqlx::QueryBuilder;

use super::{AccountData, CorpData, Snapshot, ROWS};
use crate::store::{
    openapi::{
        customer_rows::{self, bind_customer, index_rows, insert_index},
        field_queries,
    },
    reset::EVERYTHING,
    tenants::json_list,
    with_tx, Store, StoreResult,
};

impl Store {
    /// Replaces every tenant and all data with `snapshot`. Runtime state (tokens, rate
    /// windows, replay records) goes too. The first-start marker stays set, so that a
    /// restart does not add the default tenants back.
    #[tracing::instrument(skip_all, fields(corps = snapshot.corps.len(), accounts = snapshot.accounts.len()))]
    pub async fn restore(&self, snapshot: &Snapshot, now_ms: i64) -> StoreResult<()> {
        let oa_customers = customer_rows::insert_columns();
        with_tx!(self, |tx| {
            for sql in EVERYTHING {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM dt_corps")
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM oa_accounts")
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO emulator_meta (key, value) VALUES ('initialized', $1) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(now_ms.to_string())
            .execute(&mut *tx)
            .await?;
            for data in &snapshot.corps {
                write_corp!(tx, data);
            }
            for data in &snapshot.accounts {
                write_account!(tx, data, &oa_customers);
            }
        });
        Ok(())
    }
}

/// Writes one corp with its employees, customers, contacts and followers.
macro_rules! write_corp {
    ($tx:ident, $data:expr) => {{
        let data: &CorpData = $data;
        let corp = &data.corp;
        let corp_id: i64 = sqlx::query_scalar(
            "INSERT INTO dt_corps (corpid, corpsecret, appkey, appsecret, mode, \
             rate_limit_per_minute, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&corp.corpid)
        .bind(&corp.corpsecret)
        .bind(&corp.appkey)
        .bind(&corp.appsecret)
        .bind(corp.mode)
        .bind(corp.rate_limit_per_minute)
        .bind(data.created_at)
        .fetch_one(&mut *$tx)
        .await?;
        for chunk in data.employees.chunks(ROWS) {
            let mut qb =
                QueryBuilder::new("INSERT INTO dt_employees (corp_id, userid, name, created_at) ");
            qb.push_values(chunk, |mut row, e| {
                row.push_bind(corp_id)
                    .push_bind(&e.userid)
                    .push_bind(&e.name)
                    .push_bind(e.created_at);
            });
            qb.build().execute(&mut *$tx).await?;
        }
        for chunk in data.customers.chunks(ROWS) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO dt_customers (corp_id, id, name, address, description, telephone, \
                 create_by, modified_by, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut row, c| {
                row.push_bind(corp_id)
                    .push_bind(c.id)
                    .push_bind(&c.name)
                    .push_bind(&c.address)
                    .push_bind(&c.description)
                    .push_bind(&c.telephone)
                    .push_bind(&c.create_by)
                    .push_bind(&c.modified_by)
                    .push_bind(c.created_at)
                    .push_bind(c.updated_at);
            });
            qb.build().execute(&mut *$tx).await?;
        }
        let contacts: Vec<_> = data
            .customers
            .iter()
            .flat_map(|c| c.contacts.iter().map(move |k| (c.id, k)))
            .collect();
        for chunk in contacts.chunks(ROWS) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO dt_contacts (corp_id, id, customer_id, name, mobile, attached, \
                 create_by, modified_by, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut row, (customer_id, k)| {
                row.push_bind(corp_id)
                    .push_bind(k.id)
                    .push_bind(*customer_id)
                    .push_bind(&k.name)
                    .push_bind(&k.mobile)
                    .push_bind(&k.attached)
                    .push_bind(&k.create_by)
                    .push_bind(&k.modified_by)
                    .push_bind(k.created_at)
                    .push_bind(k.updated_at);
            });
            qb.build().execute(&mut *$tx).await?;
        }
        // Positions are renumbered 1.. in the document's order, which is all they mean.
        let followers: Vec<_> = data
            .customers
            .iter()
            .flat_map(|c| {
                c.followers
                    .iter()
                    .enumerate()
                    .map(move |(i, f)| (c.id, i as i64 + 1, f))
            })
            .collect();
        for chunk in followers.chunks(ROWS) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO dt_followers (corp_id, customer_id, userid, position, create_by, \
                 created_at) ",
            );
            qb.push_values(chunk, |mut row, (customer_id, position, f)| {
                row.push_bind(corp_id)
                    .push_bind(*customer_id)
                    .push_bind(&f.userid)
                    .push_bind(*position)
                    .push_bind(&f.create_by)
                    .push_bind(f.created_at);
            });
            qb.build().execute(&mut *$tx).await?;
        }
    }};
}

/// Writes one account with its custom fields, customers and their search index.
macro_rules! write_account {
    ($tx:ident, $data:expr, $customers_sql:expr) => {{
        let data: &AccountData = $data;
        let account_id: i64 = sqlx::query_scalar(
            "INSERT INTO oa_accounts (appid, secret, open_sea_ids, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&data.account.appid)
        .bind(&data.account.secret)
        .bind(json_list(&data.account.open_sea_ids))
        .bind(data.created_at)
        .fetch_one(&mut *$tx)
        .await?;
        for chunk in data.fields.chunks(ROWS) {
            let mut qb = QueryBuilder::new(format!(
                "INSERT INTO oa_custom_fields ({}) ",
                field_queries::COLUMNS
            ));
            qb.push_values(chunk, |mut row, f| {
                row.push_bind(account_id)
                    .push_bind(&f.field)
                    .push_bind(&f.name)
                    .push_bind(f.field_type.as_str())
                    .push_bind(f.status as i32)
                    .push_bind(f.searchable)
                    .push_bind(f.required)
                    .push_bind(field_queries::to_json(&f.choices))
                    .push_bind(field_queries::to_json(&f.options))
                    .push_bind(f.sort as i32)
                    .push_bind(f.create_time)
                    .push_bind(f.update_time)
                    .push_bind(&f.create_agent)
                    .push_bind(&f.update_agent);
            });
            qb.build().execute(&mut *$tx).await?;
        }
        let records: Vec<_> = data
            .customers
            .iter()
            .map(|c| {
                let mut record = c.record.clone();
                record.account_id = account_id;
                record
            })
            .collect();
        for chunk in records.chunks(ROWS) {
            let mut qb = QueryBuilder::new($customers_sql);
            qb.push_values(chunk, |mut row, c| {
                bind_customer!(row, c, push_bind);
            });
            qb.build().execute(&mut *$tx).await?;
        }
        // The same index rows the API's write path makes: list fields and custom values.
        let lists: Vec<_> = data
            .customers
            .iter()
            .map(|c| c.record.list_index())
            .collect();
        let rows: Vec<_> = data
            .customers
            .iter()
            .zip(&lists)
            .flat_map(|(c, lists)| index_rows(c.record.id, lists, &c.custom_index))
            .collect();
        insert_index!($tx, account_id, &rows);
    }};
}

use {write_account, write_corp};
