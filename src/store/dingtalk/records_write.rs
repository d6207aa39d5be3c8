//! Writing records as the DingTalk v1.0 API changes them: a change to one customer (an
//! update, or a create that names an existing customer), and the employees a read
//! names. Creates and deletes are the old API's ([`DingTalkStore::create_customer`],
//! [`DingTalkStore::delete_customers`]), with the v1.0 columns.

use serde_json::{Map, Value};
use sqlx::FromRow;
use tracing::instrument;

use super::{
    contacts, employees,
    roles::{self, Share},
    CorpScope, DingTalkStore, DtStoreError, DtStoreResult, Duplicates, NewContact, RecordPatch,
    Registered, Role, Saved,
};
use crate::store::{exec::Exec, stmt::Stmt};

/// The changes to a JSON object of extras: keys set (to the value given) and removed.
#[derive(Clone, Debug, Default)]
pub struct ExtraChange {
    pub set: Map<String, Value>,
    pub remove: Vec<String>,
}

impl ExtraChange {
    /// `stored` (JSON object text) with the change applied; text that is not an object
    /// counts as empty.
    pub fn apply(&self, stored: &str) -> String {
        let mut object = match serde_json::from_str::<Value>(stored) {
            Ok(Value::Object(object)) => object,
            _ => Map::new(),
        };
        for key in &self.remove {
            object.remove(key);
        }
        for (key, value) in &self.set {
            object.insert(key.clone(), value.clone());
        }
        Value::Object(object).to_string()
    }
}

/// A v1.0 change to one customer: the columns and extras given replace, the rest keep.
#[derive(Clone, Debug)]
pub struct CustomerChange {
    pub id: i64,
    pub columns: RecordPatch,
    pub extra: ExtraChange,
    /// The new `extendData` (JSON object text), replacing the stored one whole.
    pub extend_data: Option<String>,
    /// The new owners and participants, each replacing that role's followers.
    pub owners: Option<Vec<String>>,
    pub participants: Option<Vec<String>>,
    /// Contacts added to the customer.
    pub contacts: Vec<NewContact>,
    pub modified_by: String,
}

/// The id of another customer of the corp with this name and relation type (not
/// `except`), as `duplicates` asks: refused as [`DtStoreError::DuplicateName`],
/// reported, or not looked for. One index range (`dt_customers_by_name`).
pub(super) async fn check_name(
    tx: &mut impl Exec,
    corp_id: i64,
    relation_type: &str,
    name: &str,
    except: Option<i64>,
    duplicates: Duplicates,
) -> DtStoreResult<Option<i64>> {
    if duplicates == Duplicates::Allow {
        return Ok(None);
    }
    let stmt = Stmt::new(
        "SELECT id FROM dt_customers WHERE corp_id = $1 AND relation_type = $2 \
         AND name = $3 AND id <> $4 ORDER BY id LIMIT 1",
    )
    .bind(corp_id)
    .bind(relation_type)
    .bind(name)
    .bind(except.unwrap_or(0));
    let found: Option<(i64,)> = tx.fetch_optional(&stmt).await?;
    match (found, duplicates) {
        (Some((id,)), Duplicates::Refuse) => Err(DtStoreError::DuplicateName(id)),
        (found, _) => Ok(found.map(|(id,)| id)),
    }
}

#[derive(FromRow)]
struct Stored {
    relation_type: String,
    name: String,
    data_extra: String,
}

impl DingTalkStore<'_> {
    /// Applies `change` in one transaction, after registering or checking `employees`;
    /// a new name is checked against the corp's other customers of the type as
    /// `duplicates` says. An unknown customer is [`DtStoreError::UnknownCustomers`].
    #[instrument(skip_all, fields(corp_id = corp.id, customer_id = change.id))]
    pub async fn change_customer(
        &self,
        corp: CorpScope,
        employees: &[String],
        change: &CustomerChange,
        duplicates: Duplicates,
        now_ms: i64,
    ) -> DtStoreResult<Saved> {
        let read = Stmt::new(format!(
            "SELECT relation_type, name, data_extra FROM dt_customers \
             WHERE corp_id = $1 AND id = $2{}",
            self.db.backend().lock_row()
        ))
        .bind(corp.id)
        .bind(change.id);
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, employees, now_ms).await?;
        let Some(stored) = tx.fetch_optional::<Stored>(&read).await? else {
            return Err(DtStoreError::UnknownCustomers(vec![change.id]));
        };
        let columns = &change.columns;
        let duplicate_of = match &columns.name {
            Some(name) if *name != stored.name => {
                let (corp_id, kind) = (corp.id, stored.relation_type.as_str());
                check_name(&mut tx, corp_id, kind, name, Some(change.id), duplicates).await?
            }
            _ => None,
        };
        let update = Stmt::new(
            "UPDATE dt_customers SET name = COALESCE($3, name), \
             address = COALESCE($4, address), description = COALESCE($5, description), \
             telephone = COALESCE($6, telephone), data_extra = $7, \
             extend_data = COALESCE($8, extend_data), modified_by = $9, updated_at = $10 \
             WHERE corp_id = $1 AND id = $2",
        )
        .bind(corp.id)
        .bind(change.id)
        .bind(&columns.name)
        .bind(&columns.address)
        .bind(&columns.description)
        .bind(&columns.telephone)
        .bind(change.extra.apply(&stored.data_extra))
        .bind(&change.extend_data)
        .bind(&change.modified_by)
        .bind(now_ms);
        tx.execute(&update).await?;
        for (role, users) in [
            (Role::Owner, &change.owners),
            (Role::Participant, &change.participants),
        ] {
            if let Some(users) = users {
                roles::share(
                    &mut tx,
                    corp.id,
                    change.id,
                    role,
                    users,
                    Share::Replace,
                    now_ms,
                )
                .await?;
            }
        }
        contacts::insert_new(&mut tx, corp.id, change.id, &change.contacts, now_ms).await?;
        self.commit(tx).await?;
        Ok(Saved {
            registered,
            duplicate_of,
        })
    }

    /// Registers (lenient) or checks (strict) the employees a read names. Known ones
    /// cost one read; only a lenient corp's unknown ones are written.
    #[instrument(skip_all, fields(corp_id = corp.id))]
    pub async fn ensure_employees(
        &self,
        corp: CorpScope,
        userids: &[String],
        now_ms: i64,
    ) -> DtStoreResult<Registered> {
        if userids.is_empty() {
            return Ok(Vec::new());
        }
        let mut known =
            Stmt::new("SELECT COUNT(*) FROM dt_employees WHERE corp_id = $1 AND userid")
                .bind(corp.id);
        known.push_in(userids);
        let (count,): (i64,) = self.db.read().await?.fetch_one(&known).await?;
        let distinct = userids
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len();
        if usize::try_from(count).is_ok_and(|count| count == distinct) {
            return Ok(Vec::new());
        }
        let mut conn = self.db.write().await?;
        let mut tx = conn.begin().await?;
        let registered = employees::ensure(&mut tx, corp, userids, now_ms).await?;
        self.commit(tx).await?;
        Ok(registered)
    }
}
