//! The two group-commit jobs driven through the batch writer directly, so that a
//! batch's make-up is chosen, not timed.

use std::sync::Arc;

use super::batch::{self, Job};
use crate::store::{
    error::StoreError,
    exec::Exec,
    openapi::{
        new_customer::NewCustomer,
        nonces::{backfill_key_hashes, key_hash},
        Contact, Customer, NewAccount, NonceUse,
    },
    stmt::Stmt,
    Store,
};

async fn store_and_account() -> (Store, i64) {
    let store = Store::connect("sqlite::memory:")
        .await
        .expect("in-memory store");
    let new = NewAccount {
        appid: "batch".into(),
        secret: "s".into(),
        open_sea_ids: Vec::new(),
        mode: crate::mode::Mode::Strict,
        customer_sources: None,
    };
    let account = store
        .openapi()
        .create_account(&new, 0)
        .await
        .expect("an account");
    (store, account.id)
}

/// Writes `jobs` as one batch in a writer turn, on the store's (only) connection.
async fn write_batch<J: Job>(store: &Store, jobs: &[J]) -> Vec<Result<J::Out, StoreError>> {
    let mut handle = store.0.db.write().await.expect("the writer's turn");
    batch::write(handle.conn(), jobs).await
}

fn new_customer(account_id: i64, id: i64) -> NewCustomer {
    let mut customer = Customer::blank(account_id, id, 1_000);
    customer.customer_name = format!("customer {id}");
    customer.mobile = Some(vec![Contact {
        value: format!("1380000{id}"),
        memo: None,
    }]);
    NewCustomer {
        customer,
        custom: Vec::new(),
    }
}

#[tokio::test]
async fn one_failing_add_fails_alone_and_the_rest_of_its_batch_is_stored() {
    let (store, account) = store_and_account().await;
    let taken = write_batch(&store, &[new_customer(account, 2)]).await;
    assert!(taken[0].is_ok());
    let jobs = [1, 2, 3].map(|id| new_customer(account, id));
    let answers = write_batch(&store, &jobs).await;
    assert_eq!(answers[0].as_ref().map(|c| c.id).ok(), Some(1));
    assert!(
        matches!(answers[1], Err(StoreError::Conflict(_))),
        "{:?}",
        answers[1]
    );
    assert_eq!(answers[2].as_ref().map(|c| c.id).ok(), Some(3));
    for id in [1, 2, 3] {
        let stored = store
            .openapi()
            .customer_by_id(account, id)
            .await
            .expect("a read");
        assert_eq!(
            stored.map(|c| c.customer_name),
            Some(format!("customer {id}"))
        );
    }
}

#[tokio::test]
async fn in_one_nonce_batch_the_first_use_of_a_key_wins() {
    let (store, account) = store_and_account().await;
    let used = |nonce: &str, timestamp: &str| {
        Arc::new(NonceUse {
            account_id: account,
            nonce: nonce.into(),
            timestamp: timestamp.into(),
            expires_at: 10_000,
        })
    };
    let first = write_batch(&store, &[used("a", "1"), used("b", "1"), used("a", "1")]).await;
    let fresh: Vec<bool> = first.into_iter().map(|r| r.expect("recorded")).collect();
    assert_eq!(fresh, [true, true, false]);
    let second = write_batch(&store, &[used("a", "1"), used("a", "2")]).await;
    let fresh: Vec<bool> = second.into_iter().map(|r| r.expect("recorded")).collect();
    assert_eq!(
        fresh,
        [false, true],
        "a key seen in an earlier batch is a replay"
    );
    // Through the store's own queue, on its single in-memory connection.
    assert!(!store
        .openapi()
        .record_nonce(account, "b", "1", 10_000)
        .await
        .expect("recorded"));
    assert!(store
        .openapi()
        .record_nonce(account, "c", "1", 10_000)
        .await
        .expect("recorded"));
}

/// SQLite finds replay records by a hash of their key and checks the whole key: a key
/// sharing another's hash is still a first use, and rows copied without a hash (by the
/// migration) are found once the store has filled it in.
#[tokio::test]
async fn replay_records_are_told_apart_by_their_whole_key() {
    let (store, account) = store_and_account().await;
    let forged = Stmt::new(
        "INSERT INTO oa_nonces (key_hash, account_id, nonce, timestamp, expires_at) \
         VALUES ($1, $2, 'a', '1', 10000), (NULL, $2, 'c', '1', 10000)",
    )
    .bind(key_hash(account, "b", "1"))
    .bind(account);
    let mut handle = store.0.db.write().await.expect("the writer's turn");
    handle.execute(&forged).await.expect("forged rows");
    drop(handle);
    backfill_key_hashes(&store.0.db)
        .await
        .expect("hashes filled in");
    let openapi = store.openapi();
    let record = |nonce: &'static str| openapi.record_nonce(account, nonce, "1", 10_000);
    assert!(
        record("b").await.expect("recorded"),
        "b shares a's hash only"
    );
    assert!(!record("b").await.expect("recorded"), "b is now recorded");
    assert!(
        !record("c").await.expect("recorded"),
        "c was copied without a hash"
    );
}
