//! Reading the whole state: a handful of ordered scans in one transaction, grouped by
//! owner in memory (no query per tenant or per customer).

use std::collections::HashMap;

use sqlx::FromRow;

use super::{
    AccountData, CorpData, DtContactData, DtCustomerData, FollowerData, IndexedCustomer, Snapshot,
};
use crate::store::{
    db::Db,
    dingtalk::{corps, Corp, CustomerExtra, Employee, NewCorp},
    error::StoreResult,
    exec::Exec,
    openapi::{
        accounts::{self, AccountRow},
        customer_rows, field_rows, NewAccount,
    },
    stmt::Stmt,
};

#[derive(FromRow)]
struct EmployeeRow {
    corp_id: i64,
    #[sqlx(flatten)]
    employee: Employee,
}

#[derive(FromRow)]
struct DtCustomerRow {
    corp_id: i64,
    id: i64,
    name: String,
    address: String,
    description: String,
    telephone: String,
    create_by: String,
    modified_by: Option<String>,
    created_at: i64,
    updated_at: i64,
    relation_type: String,
    creator_userid: String,
    creator_nick: Option<String>,
    data_extra: String,
    extend_data: String,
}

#[derive(FromRow)]
struct ContactRow {
    corp_id: i64,
    customer_id: i64,
    #[sqlx(flatten)]
    contact: DtContactData,
}

#[derive(FromRow)]
struct FollowerRow {
    corp_id: i64,
    customer_id: i64,
    #[sqlx(flatten)]
    follower: FollowerData,
}

/// Everything read, before grouping.
struct Rows {
    corps: Vec<Corp>,
    employees: Vec<EmployeeRow>,
    customers: Vec<DtCustomerRow>,
    contacts: Vec<ContactRow>,
    followers: Vec<FollowerRow>,
    accounts: Vec<AccountRow>,
    fields: Vec<field_rows::FieldRow>,
    oa_customers: Vec<customer_rows::CustomerRow>,
}

/// Groups `items` by the key `key` gives, keeping their order within a group.
fn group<K: std::hash::Hash + Eq, T>(items: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut groups: HashMap<K, Vec<T>> = HashMap::new();
    for item in items {
        groups.entry(key(&item)).or_default().push(item);
    }
    groups
}

/// Every tenant and all of its data, read in one transaction.
#[tracing::instrument(skip_all)]
pub(crate) async fn snapshot(db: &Db) -> StoreResult<Snapshot> {
    let oa_customers = Stmt::new(format!(
        "SELECT {} FROM oa_customers c ORDER BY c.account_id, c.id",
        customer_rows::COLUMNS
    ));
    let mut conn = db.read().await?;
    let mut tx = conn.begin().await?;
    let rows = Rows {
        corps: tx.fetch_all(&corps::all()).await?,
        employees: tx
            .fetch_all(&Stmt::new(
                "SELECT corp_id, userid, name, created_at FROM dt_employees \
                 ORDER BY corp_id, userid",
            ))
            .await?,
        customers: tx
            .fetch_all(&Stmt::new(
                "SELECT corp_id, id, name, address, description, telephone, create_by, \
                 modified_by, created_at, updated_at, relation_type, creator_userid, \
                 creator_nick, data_extra, extend_data FROM dt_customers ORDER BY corp_id, id",
            ))
            .await?,
        contacts: tx
            .fetch_all(&Stmt::new(
                "SELECT corp_id, customer_id, id, name, mobile, attached, create_by, \
                 modified_by, created_at, updated_at, creator_userid, data_extra, extend_data \
                 FROM dt_contacts ORDER BY corp_id, customer_id, id",
            ))
            .await?,
        followers: tx
            .fetch_all(&Stmt::new(
                "SELECT corp_id, customer_id, userid, create_by, created_at, role \
                 FROM dt_followers ORDER BY corp_id, customer_id, position",
            ))
            .await?,
        accounts: tx.fetch_all(&accounts::all()).await?,
        fields: tx.fetch_all(&field_rows::all()).await?,
        oa_customers: tx.fetch_all(&oa_customers).await?,
    };
    drop(tx); // read only: nothing to commit
    rows.into_snapshot()
}

impl Rows {
    fn into_snapshot(self) -> StoreResult<Snapshot> {
        let corps = dingtalk(
            self.corps,
            self.employees,
            self.customers,
            self.contacts,
            self.followers,
        );
        let mut fields = group(self.fields, |f| f.account_id);
        let mut customers = group(self.oa_customers, |c| c.account_id);
        let mut accounts = Vec::with_capacity(self.accounts.len());
        for row in self.accounts {
            let account = row.into_account()?;
            let fields = fields.remove(&account.id).unwrap_or_default();
            let customers = customers.remove(&account.id).unwrap_or_default();
            accounts.push(AccountData {
                created_at: account.created_at,
                fields: fields.into_iter().filter_map(|f| f.into_field()).collect(),
                customers: customers
                    .into_iter()
                    .map(|c| {
                        Ok(IndexedCustomer {
                            record: c.into_customer()?,
                            custom_index: Vec::new(),
                        })
                    })
                    .collect::<StoreResult<_>>()?,
                account: NewAccount {
                    appid: account.appid,
                    secret: account.secret,
                    open_sea_ids: account.open_sea_ids,
                    mode: account.mode,
                    customer_sources: account.customer_sources,
                },
            });
        }
        Ok(Snapshot { corps, accounts })
    }
}

fn dingtalk(
    corps: Vec<Corp>,
    employees: Vec<EmployeeRow>,
    customers: Vec<DtCustomerRow>,
    contacts: Vec<ContactRow>,
    followers: Vec<FollowerRow>,
) -> Vec<CorpData> {
    let mut employees = group(employees, |e| e.corp_id);
    let mut customers = group(customers, |c| c.corp_id);
    let mut contacts = group(contacts, |c| (c.corp_id, c.customer_id));
    let mut followers = group(followers, |f| (f.corp_id, f.customer_id));
    corps
        .into_iter()
        .map(|corp| {
            let customers = customers.remove(&corp.id).unwrap_or_default();
            let customers = customers
                .into_iter()
                .map(|c| {
                    let key = (c.corp_id, c.id);
                    DtCustomerData {
                        id: c.id,
                        name: c.name,
                        address: c.address,
                        description: c.description,
                        telephone: c.telephone,
                        create_by: c.create_by,
                        modified_by: c.modified_by,
                        created_at: c.created_at,
                        updated_at: c.updated_at,
                        extra: CustomerExtra {
                            relation_type: c.relation_type,
                            creator_userid: c.creator_userid,
                            creator_nick: c.creator_nick,
                            data_extra: c.data_extra,
                            extend_data: c.extend_data,
                        },
                        contacts: contacts
                            .remove(&key)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|r| r.contact)
                            .collect(),
                        followers: followers
                            .remove(&key)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|r| r.follower)
                            .collect(),
                    }
                })
                .collect();
            CorpData {
                employees: employees
                    .remove(&corp.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| r.employee)
                    .collect(),
                customers,
                created_at: corp.created_at,
                corp: NewCorp {
                    corpid: corp.corpid,
                    corpsecret: corp.corpsecret,
                    appkey: corp.appkey,
                    appsecret: corp.appsecret,
                    mode: corp.mode,
                    rate_limit_per_minute: corp.rate_limit_per_minute,
                },
            }
        })
        .collect()
}
