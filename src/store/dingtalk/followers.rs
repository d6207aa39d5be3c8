//! Employee–customer relations (the `empcustomer` pair): who follows a customer.

use tracing::instrument;

use super::{employees::ensure_employees, CorpScope, DtStoreError, DtStoreResult};
use crate::store::{tenants::CorpMode, with_tx, Store};

/// Returns `UnknownCustomers` from the enclosing function unless the corp has the
/// customer (inside the caller's transaction, so the answer holds until it commits).
macro_rules! ensure_customer {
    ($tx:ident, $corp_id:expr, $customer_id:expr) => {{
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM dt_customers WHERE corp_id = $1 AND id = $2")
                .bind($corp_id)
                .bind($customer_id)
                .fetch_optional(&mut *$tx)
                .await?;
        if exists.is_none() {
            return Err(DtStoreError::UnknownCustomers(vec![$customer_id]));
        }
    }};
}

impl Store {
    /// Makes `userid` a follower of the customer (last in order). An existing relation
    /// is left as it is; an unknown customer is [`DtStoreError::UnknownCustomers`].
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = customer_id))]
    pub async fn dt_add_follower(
        &self,
        corp: CorpScope,
        customer_id: i64,
        userid: &str,
        create_by: &str,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        let employees = [userid.to_owned()];
        with_tx!(self, |tx| {
            ensure_employees!(tx, corp, &employees, now_ms);
            ensure_customer!(tx, corp.id, customer_id);
            sqlx::query(
                "INSERT INTO dt_followers (corp_id, customer_id, userid, position, create_by, \
                 created_at) SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1, $4, $5 \
                 FROM dt_followers WHERE corp_id = $1 AND customer_id = $2 \
                 ON CONFLICT (corp_id, customer_id, userid) DO NOTHING",
            )
            .bind(corp.id)
            .bind(customer_id)
            .bind(userid)
            .bind(create_by)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }

    /// Ends the relation between `userid` and the customer. In a strict corp an unknown
    /// employee is [`DtStoreError::UnknownEmployee`]; a lenient corp registers nobody
    /// here (a failed delete changes nothing), so there an unknown employee simply has
    /// no relation.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = customer_id))]
    pub async fn dt_remove_follower(
        &self,
        corp: CorpScope,
        customer_id: i64,
        userid: &str,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        let employees = [userid.to_owned()];
        with_tx!(self, |tx| {
            if corp.mode == CorpMode::Strict {
                ensure_employees!(tx, corp, &employees, now_ms);
            }
            ensure_customer!(tx, corp.id, customer_id);
            let removed = sqlx::query(
                "DELETE FROM dt_followers WHERE corp_id = $1 AND customer_id = $2 AND userid = $3",
            )
            .bind(corp.id)
            .bind(customer_id)
            .bind(userid)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if removed == 0 {
                return Err(DtStoreError::UnknownRelation);
            }
            Ok(())
        })
    }
}
