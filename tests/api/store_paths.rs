//! The store's two write paths agree: the same writes, sent at once (so that the fast
//! path batches them) to a store on the plain path (each write its own transaction)
//! and to one on the fast path (group commit), give the same answers and leave the
//! same rows, on both backends. The writes: signed adds of strict and lenient accounts
//! (first uses, replays, a bad one among good ones), replay records alone, unsigned
//! adds and journal entries. (A store test rather than an HTTP one: the paths are
//! chosen when the store connects, and the answers compared are the store's.)

use std::sync::Arc;

use crm_emulator::store::{
    emulator::JournalRow,
    openapi::{
        Contact, CustomChange, CustomerPatch, IndexEntry, NewAccount, NonceUse, OwnerChange,
        StoredValue,
    },
    tenants::Mode,
    Store, StoreError, WritePath,
};
use futures_util::future::join_all;
use serde_json::json;

use crate::{
    both_backends,
    helpers::{connect_directly, Backend, TestDatabase},
};

/// The account ids of the strict and the lenient account.
struct Accounts {
    strict: i64,
    lenient: i64,
}

async fn accounts(store: &Store) -> Accounts {
    let account = |appid: &str, mode| NewAccount {
        appid: appid.into(),
        secret: "s".into(),
        open_sea_ids: vec!["sea".into()],
        mode,
        customer_sources: None,
    };
    let openapi = store.openapi();
    let (strict, lenient) = (
        account("strict", Mode::Strict),
        account("lenient", Mode::Lenient),
    );
    let strict = openapi.create_account(&strict, 1_000).await;
    let lenient = openapi.create_account(&lenient, 1_000).await;
    let (strict, lenient) = (strict.expect("strict").id, lenient.expect("lenient").id);
    Accounts { strict, lenient }
}

/// The vendor document's add: a name, a mobile, a source, an owner and its assign time,
/// and a custom value (indexed).
fn patch(n: i64) -> CustomerPatch {
    CustomerPatch {
        customer_name: Some(format!("customer {n}")),
        owner: Some(match n % 3 {
            0 => OwnerChange::OpenSea("sea".into()),
            _ => OwnerChange::Employee(format!("emp{}", n % 5)),
        }),
        assign_time: Some(Some(1_700_000_000_000 + n)),
        mobile: Some(Some(vec![Contact {
            value: format!("1380000{n:04}"),
            memo: None,
        }])),
        customer_source: Some(Some(vec!["web".into()])),
        custom: vec![CustomChange {
            field: "f_level".into(),
            value: Some(StoredValue {
                json: json!(n % 4),
                index: vec![IndexEntry {
                    text: (n % 4).to_string(),
                    num: Some((n % 4) as f64),
                }],
            }),
        }],
        ..CustomerPatch::default()
    }
}

fn nonce(account_id: i64, nonce: &str) -> Arc<NonceUse> {
    Arc::new(NonceUse {
        account_id,
        nonce: nonce.into(),
        timestamp: "1700000000".into(),
        expires_at: 1_700_000_300_000,
    })
}

/// One write of a round.
enum Write {
    /// A signed add: account, refuse a replay, nonce, customer id.
    Signed(i64, bool, String, i64),
    /// A replay record alone.
    Nonce(i64, String),
    /// An unsigned add: account, customer id.
    Unsigned(i64, i64),
}

/// Every write of `round` at once; each answer as text (an error by its kind only: the
/// two paths word a driver's failure alike, but not necessarily the batch's).
async fn run(store: &Store, round: &[Write]) -> Vec<String> {
    let openapi = store.openapi();
    let answers = round.iter().map(|write| async move {
        let answer = match write {
            Write::Signed(account, refuse, used, id) => openapi
                .add_signed_customer(nonce(*account, used), *refuse, *id, patch(*id), 5_000)
                .await
                .map(|added| format!("{} {:?}", added.fresh, added.customer)),
            Write::Nonce(account, used) => openapi
                .record_nonce_use(nonce(*account, used))
                .await
                .map(|fresh| fresh.to_string()),
            Write::Unsigned(account, id) => openapi
                .add_customer(*account, *id, patch(*id), 5_000)
                .await
                .map(|customer| format!("{customer:?}")),
        };
        match answer {
            Ok(answer) => answer,
            Err(err) => match err.cause() {
                StoreError::Conflict(_) => "conflict".into(),
                other => panic!("unexpected failure: {other}"),
            },
        }
    });
    join_all(answers).await
}

/// The rounds, given the accounts: first uses; then replays of some, new uses, a
/// taken id among good adds, replay records alone and unsigned adds.
fn rounds(a: &Accounts) -> Vec<Vec<Write>> {
    let signed = |account, refuse, n: i64, id| Write::Signed(account, refuse, format!("n{n}"), id);
    let mut first = Vec::new();
    for n in 0..24 {
        let (account, refuse) = match n % 2 {
            0 => (a.strict, true),
            _ => (a.lenient, false),
        };
        first.push(signed(account, refuse, n, 100 + n));
    }
    let mut second = vec![
        // Replays: refused for the strict account, served for the lenient one.
        signed(a.strict, true, 0, 200),
        signed(a.lenient, false, 1, 201),
        signed(a.strict, true, 2, 202),
        signed(a.lenient, false, 3, 203),
        // A taken id between good adds: it fails alone.
        signed(a.strict, true, 50, 204),
        signed(a.strict, true, 51, 100),
        signed(a.lenient, false, 52, 206),
        signed(a.lenient, false, 53, 205),
        Write::Nonce(a.strict, "n4".into()),
        Write::Nonce(a.strict, "alone".into()),
        Write::Nonce(a.lenient, "n5".into()),
        Write::Unsigned(a.lenient, 300),
        Write::Unsigned(a.strict, 102),
        Write::Unsigned(a.strict, 301),
    ];
    for n in 60..80 {
        second.push(signed(a.lenient, false, n, 400 + n));
    }
    // What the bad add left: its nonce is free again (its transaction rolled back).
    let third = vec![
        signed(a.strict, true, 51, 500),
        Write::Nonce(a.lenient, "n52".into()),
    ];
    vec![first, second, third]
}

/// Journal entries appended in three calls, keeping the newest 5.
async fn journal(store: &Store) -> Vec<i64> {
    let row = |n: i64| JournalRow {
        instance: 1,
        answered_at: 10_000 + n,
        api: "openapi".into(),
        tenant: (n % 2 == 0).then(|| "strict".into()),
        status: 200,
        entry: format!("{{\"n\":{n}}}"),
    };
    let mut marks = Vec::new();
    let mut trimmed = 0;
    for calls in [0..3, 3..4, 4..12] {
        let rows: Vec<JournalRow> = calls.map(row).collect();
        let appended = store.emulator().append_journal(&rows, 5, trimmed).await;
        trimmed = appended.unwrap_or_else(|e| panic!("journal appended: {e}"));
        marks.push(trimmed);
    }
    marks
}

/// Every row of the tables the writes touch, as text, in key order.
async fn rows(url: &str) -> Vec<String> {
    let tables = [
        "SELECT CAST(id AS TEXT) || '|' || CAST(account_id AS TEXT) || '|' || customer_name \
         || '|' || COALESCE(owner, '-') || '|' || COALESCE(first_owner, '-') || '|' || \
         COALESCE(CAST(assign_time AS TEXT), '-') || '|' || COALESCE(mobile, '-') || '|' || \
         COALESCE(customer_source, '-') || '|' || COALESCE(open_sea_ids, '-') || '|' || \
         custom_values || '|' || CAST(create_time AS TEXT) FROM oa_customers ORDER BY id",
        "SELECT CAST(account_id AS TEXT) || '|' || CAST(customer_id AS TEXT) || '|' || field \
         || '|' || value || '|' || COALESCE(CAST(num AS TEXT), '-') FROM oa_customer_values \
         ORDER BY account_id, customer_id, field, value",
        "SELECT CAST(account_id AS TEXT) || '|' || nonce || '|' || timestamp || '|' || \
         CAST(expires_at AS TEXT) FROM oa_nonces ORDER BY account_id, nonce",
        "SELECT CAST(seq AS TEXT) || '|' || CAST(answered_at AS TEXT) || '|' || \
         COALESCE(tenant, '-') || '|' || entry FROM emulator_journal ORDER BY seq",
        "SELECT CAST(account_id AS TEXT) || '|' || CAST(SUM(customers) AS TEXT) FROM \
         oa_customer_counts GROUP BY account_id ORDER BY account_id",
    ];
    let mut conn = connect_directly(url).await;
    let mut all = Vec::new();
    for sql in tables {
        let found: Vec<String> = sqlx::query_scalar(sql)
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        all.push(format!("-- {} rows", found.len()));
        all.extend(found);
    }
    all
}

/// Everything one path answered and stored.
async fn outcome(backend: Backend, path: WritePath) -> (Vec<Vec<String>>, Vec<i64>, Vec<String>) {
    let database = TestDatabase::create(backend).await.expect("a database");
    let store = Store::connect_with(database.url(), path)
        .await
        .expect("store");
    let accounts = accounts(&store).await;
    let mut answers = Vec::new();
    for round in rounds(&accounts) {
        answers.push(run(&store, &round).await);
    }
    let marks = journal(&store).await;
    store.close().await;
    let stored = rows(database.url()).await;
    (answers, marks, stored)
}

both_backends! {
    async fn the_plain_and_the_fast_path_answer_and_store_alike(backend: Backend) {
        let plain = outcome(backend, WritePath::Plain).await;
        let fast = outcome(backend, WritePath::Fast).await;
        for (round, (plain, fast)) in plain.0.iter().zip(&fast.0).enumerate() {
            for (i, (plain, fast)) in plain.iter().zip(fast).enumerate() {
                assert_eq!(plain, fast, "round {round}, write {i}");
            }
        }
        assert_eq!(plain.1, fast.1, "the journal's trim marks");
        assert_eq!(plain.2, fast.2, "the stored rows");
        // The cases the rounds were written for happened.
        let second = &plain.0[1];
        assert!(second[0].starts_with("false None"), "a strict replay refused: {}", second[0]);
        assert!(second[1].starts_with("false Some"), "a lenient replay served: {}", second[1]);
        assert_eq!(second[5], "conflict", "the taken id");
        assert!(second[4].starts_with("true Some") && second[6].starts_with("true Some"));
        assert_eq!(second[12], "conflict", "the unsigned add of a taken id");
        assert_eq!(&second[8..11], ["false", "true", "false"]);
        assert!(plain.0[2][0].starts_with("true Some"), "a failed add's nonce is free");
        assert_eq!(plain.0[2][1], "false");
        assert_eq!(plain.2[0], "-- 52 rows", "the customers stored");
    }
}

/// Two stores on one database (two instances), on both paths at once, racing to
/// record the same nonces: each is recorded once, whichever wins.
async fn raced(backend: Backend) {
    let database = TestDatabase::create(backend).await.expect("a database");
    let plain = Store::connect_with(database.url(), WritePath::Plain).await;
    let plain = plain.expect("a plain store");
    let fast = Store::connect_with(database.url(), WritePath::Fast).await;
    let fast = fast.expect("a fast store");
    let accounts = accounts(&plain).await;
    for round in 0..4 {
        let used = format!("raced{round}");
        let attempts = (0..16).map(|i| {
            let store = if i % 2 == 0 { &plain } else { &fast };
            let nonce = nonce(accounts.strict, &used);
            async move {
                match i % 4 < 2 {
                    true => store.openapi().record_nonce_use(nonce).await,
                    false => {
                        let id = 1_000 + round * 100 + i;
                        let openapi = store.openapi();
                        let added = openapi.add_signed_customer(nonce, true, id, patch(id), 5_000);
                        added.await.map(|added| added.fresh)
                    }
                }
            }
        });
        let fresh: Vec<bool> = join_all(attempts)
            .await
            .into_iter()
            .map(|answer| answer.unwrap_or_else(|e| panic!("recorded: {e}")))
            .collect();
        assert_eq!(
            fresh.iter().filter(|f| **f).count(),
            1,
            "round {round}: {fresh:?}"
        );
    }
    plain.close().await;
    fast.close().await;
}

both_backends! {
    async fn a_nonce_raced_by_two_instances_is_recorded_once(backend: Backend) {
        raced(backend).await;
    }
}
