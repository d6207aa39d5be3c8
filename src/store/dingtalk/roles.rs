//! Who holds a customer and in which role (v1.0's `permission` and data authorisation,
//! docs/dingtalk-v1.md#employees): the followers of the old API, each an owner or a
//! participant, in one position order whatever the role.

use tracing::instrument;

use super::{
    employees,
    followers::{self, FollowerRow},
    missing, CorpScope, DingTalkStore, DtStoreError, DtStoreResult, Registered, Role, CHUNK,
};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt};

/// How [`DingTalkStore::share_customers`] changes each customer's followers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// The users are appended with the role; a follower already there keeps its place
    /// and takes the role.
    Append,
    /// The followers holding the role become exactly the users, in their order.
    Replace,
}

/// Makes `users` followers of the customer with `role`, as `share` says. The customer
/// must exist (the caller checked it in this transaction).
pub(super) async fn share(
    tx: &mut impl Exec,
    corp_id: i64,
    customer_id: i64,
    role: Role,
    users: &[String],
    share: Share,
    now_ms: i64,
) -> StoreResult<()> {
    if share == Share::Replace {
        let mut clear = Stmt::new(
            "DELETE FROM dt_followers WHERE corp_id = $1 AND customer_id = $2 \
             AND (role = $3",
        )
        .bind(corp_id)
        .bind(customer_id)
        .bind(role.as_str());
        if !users.is_empty() {
            clear.push(" OR userid").push_in(users);
        }
        clear.push(")");
        tx.execute(&clear).await?;
    }
    let next = Stmt::new(
        "SELECT COALESCE(MAX(position), 0) + 1 FROM dt_followers \
         WHERE corp_id = $1 AND customer_id = $2",
    )
    .bind(corp_id)
    .bind(customer_id);
    let (next,): (i64,) = tx.fetch_one(&next).await?;
    let positions: Vec<(i64, &String)> = (next..).zip(users).collect();
    for chunk in positions.chunks(CHUNK) {
        let rows = chunk.iter().map(|(position, userid)| FollowerRow {
            customer_id,
            userid,
            position: *position,
            create_by: None,
            created_at: now_ms,
            role,
        });
        let mut insert = followers::insert(corp_id, rows);
        insert
            .push(" ON CONFLICT (corp_id, customer_id, userid) DO UPDATE SET role = excluded.role");
        tx.execute(&insert).await?;
    }
    Ok(())
}

impl DingTalkStore<'_> {
    /// Gives `users` the `role` on each of `customers` (distinct), as `how` says, after
    /// registering or checking `employees`; all or nothing: an unknown customer rolls
    /// everything back and the error names every unknown one.
    #[instrument(skip_all, fields(corp_id = corp.id, customers = customers.len()))]
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per part of the request"
    )]
    pub async fn share_customers(
        &self,
        corp: CorpScope,
        employees: &[String],
        customers: &[i64],
        users: &[String],
        role: Role,
        how: Share,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let lock = self.db.backend().lock_row();
        let mut found = Vec::with_capacity(customers.len());
        for chunk in customers.chunks(CHUNK) {
            let mut stmt =
                Stmt::new("SELECT id FROM dt_customers WHERE corp_id = $1 AND id").bind(corp.id);
            stmt.push_in(chunk.iter().copied()).push(lock);
            found.extend(tx.fetch_column::<i64>(&stmt).await?);
        }
        let absent = missing(customers, &found);
        if !absent.is_empty() {
            return Err(DtStoreError::UnknownCustomers(absent));
        }
        for customer_id in customers {
            share(&mut tx, corp.id, *customer_id, role, users, how, now_ms).await?;
        }
        self.commit(tx).await?;
        Ok(registered)
    }
}
