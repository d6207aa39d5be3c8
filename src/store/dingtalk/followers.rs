//! Employee–customer relations (the `empcustomer` pair): who follows a customer.

use tracing::instrument;

use super::{
    employees, CorpScope, DingTalkStore, DtStoreError, DtStoreResult, NewCustomer, Registered,
    Role, CHUNK,
};
use crate::store::{error::StoreResult, exec::Exec, stmt::Stmt, tenants::Mode};

/// One `dt_followers` row as written (the create paths and the restore).
#[derive(Clone)]
pub(crate) struct FollowerRow<'a> {
    pub customer_id: i64,
    pub userid: &'a str,
    pub position: i64,
    pub create_by: Option<&'a str>,
    pub created_at: i64,
    pub role: Role,
}

/// The one insert of followers.
pub(crate) fn insert<'a>(
    corp_id: i64,
    rows: impl IntoIterator<Item = FollowerRow<'a>>,
) -> Stmt<'a> {
    let mut stmt = Stmt::new(
        "INSERT INTO dt_followers (corp_id, customer_id, userid, position, create_by, created_at, \
         role)",
    );
    stmt.push_values(rows, |row, f| {
        row.bind(corp_id)
            .bind(f.customer_id)
            .bind(f.userid)
            .bind(f.position)
            .bind(f.create_by)
            .bind(f.created_at)
            .bind(f.role.as_str());
    });
    stmt
}

/// Inserts the followers of a new customer: its owners, then its participants, in
/// positions 1, 2, ….
pub(super) async fn insert_new(
    tx: &mut impl Exec,
    corp_id: i64,
    new: &NewCustomer,
    create_by: Option<&str>,
    now_ms: i64,
) -> StoreResult<()> {
    let owners = new.followers.iter().map(|u| (u, Role::Owner));
    let participants = new.participants.iter().map(|u| (u, Role::Participant));
    let positions: Vec<(i64, (&String, Role))> = (1..).zip(owners.chain(participants)).collect();
    for chunk in positions.chunks(CHUNK) {
        let rows = chunk.iter().map(|(position, (userid, role))| FollowerRow {
            customer_id: new.id,
            userid,
            position: *position,
            create_by,
            created_at: now_ms,
            role: *role,
        });
        tx.execute(&insert(corp_id, rows)).await?;
    }
    Ok(())
}

impl DingTalkStore<'_> {
    /// Makes `userid` a follower of the customer (last in order). An existing relation
    /// is left as it is; an unknown customer is [`DtStoreError::UnknownCustomers`].
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = customer_id))]
    pub async fn add_follower(
        &self,
        corp: CorpScope,
        customer_id: i64,
        userid: &str,
        create_by: &str,
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        // No row when the corp has no such customer; else the position after the last.
        let next = Stmt::new(
            "SELECT COALESCE(MAX(f.position), 0) + 1 FROM dt_customers c \
             LEFT JOIN dt_followers f ON f.corp_id = c.corp_id AND f.customer_id = c.id \
             WHERE c.corp_id = $1 AND c.id = $2 GROUP BY c.id",
        )
        .bind(corp.id)
        .bind(customer_id);
        let employees = [userid.to_owned()];
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, &employees, now_ms).await?;
        let Some((position,)) = tx.fetch_optional::<(i64,)>(&next).await? else {
            return Err(DtStoreError::UnknownCustomers(vec![customer_id]));
        };
        let row = FollowerRow {
            customer_id,
            userid,
            position,
            create_by: Some(create_by),
            created_at: now_ms,
            role: Role::Owner,
        };
        let mut add = insert(corp.id, [row]);
        add.push(" ON CONFLICT (corp_id, customer_id, userid) DO NOTHING");
        tx.execute(&add).await?;
        self.commit(tx).await?;
        Ok(registered)
    }

    /// Ends the relation between `userid` and the customer. In a strict corp an unknown
    /// employee is [`DtStoreError::UnknownEmployee`]; a lenient corp registers nobody
    /// here (a failed delete changes nothing), so there an unknown employee simply has
    /// no relation.
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = customer_id))]
    pub async fn remove_follower(
        &self,
        corp: CorpScope,
        customer_id: i64,
        userid: &str,
        now_ms: i64,
    ) -> DtStoreResult<()> {
        let exists = Stmt::new("SELECT 1 FROM dt_customers WHERE corp_id = $1 AND id = $2")
            .bind(corp.id)
            .bind(customer_id);
        let remove = Stmt::new(
            "DELETE FROM dt_followers WHERE corp_id = $1 AND customer_id = $2 AND userid = $3",
        )
        .bind(corp.id)
        .bind(customer_id)
        .bind(userid);
        let employees = [userid.to_owned()];
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        if corp.mode == Mode::Strict {
            employees::ensure(&mut tx, corp, &employees, now_ms).await?;
        }
        if tx.fetch_optional::<(i32,)>(&exists).await?.is_none() {
            return Err(DtStoreError::UnknownCustomers(vec![customer_id]));
        }
        if tx.execute(&remove).await? == 0 {
            return Err(DtStoreError::UnknownRelation);
        }
        self.commit(tx).await?;
        Ok(())
    }
}
