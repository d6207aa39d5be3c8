//! The signed add's one write (`POST /openapi/crm/add`), batched: the request's replay
//! record and its new customer together, in one transaction shared with the other
//! signed adds pending (see [`super::batch`]; the plain twin is
//! `openapi::writes::Plain::add_signed`).
//!
//! Before, an add waited for two batches in turn (its replay record's, then its
//! customer's), each with its own wait for the writer and its own hand-offs. Now one
//! batch records every nonce (one statement returning the keys it recorded, as
//! [`super::nonces`] does) and inserts the customers of the requests that may go on:
//! a first use, or a replay the account is lenient about. A replay that is refused
//! adds nothing, and its nonce stays recorded as before.
//!
//! On SQLite that is one transaction on the writer turn: the nonces, then the
//! customers and their index rows. On Postgres it is one statement, its own
//! transaction, committed synchronously (the nonce commits with the customer, so it
//! costs no commit of its own): the nonces' insert, and inside the same `WITH` the
//! customers' insert filtered on what it returned and the index rows' insert filtered
//! on the customers inserted.

use super::{
    batch::Job,
    customers::{insert_sqlite, inserts_sqlite, lists, rows},
    nonces::{first_uses, fresh, record},
    sql::{chain, columns, push_unnest},
};
use crate::store::{
    error::StoreResult,
    exec::{Begin, Conn, Exec},
    openapi::{
        customer_rows::{index_values, values, INDEX_TYPES, INSERT, INSERT_INDEX, TYPES},
        new_customer::NewCustomer,
        nonces::Key,
        writes::{SignedAdd, SignedAdded},
    },
    stmt::{Arg, Stmt},
};
use crate::telemetry::chain as chain_of;

/// How a customer's insert depends on its nonce (a column of the Postgres statement).
#[derive(Clone, Copy)]
enum Gate {
    /// Added whatever the nonce: a replay is served.
    Always = 0,
    /// Added if the nonce was not recorded before.
    IfFresh = 1,
    /// Not added: a refused replay of a nonce used earlier in the same batch.
    Never = 2,
}

impl Job for SignedAdd {
    type Out = SignedAdded;
    /// 20 binds per customer and 4 per nonce: far below SQLite's 32 766.
    const MAX: usize = 64;

    async fn write_all(mut conn: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<SignedAdded>> {
        let first = first_uses(jobs);
        let fresh = if conn.binds_arrays() {
            let recorded: Vec<Key> = conn.fetch_all(&postgres(jobs, &first)).await?;
            fresh(jobs, &first, &recorded)
        } else {
            sqlite(conn, jobs, &first).await?
        };
        Ok(jobs
            .iter()
            .zip(fresh)
            .map(|(job, fresh)| job.added(fresh))
            .collect())
    }
}

/// The SQLite batch, in one or two hand-offs to the connection's thread where a
/// transaction of three statements took five (`BEGIN`, nonces, customers, index rows,
/// `COMMIT`): one text that opens the transaction, records the nonces and inserts the
/// customer of every job that may go on unless its nonce turns out to be a replay.
/// When no job's fate hangs on that (no first use of a nonce by an account that
/// refuses replays: lenient accounts, the default), the same text commits. Otherwise
/// `COMMIT` follows once the nonces are known to be fresh; should a refused replay be
/// among them (its nonce recorded by an earlier batch: a client's bug, rare), that is
/// rolled back and the batch written again, knowing which nonces were fresh.
async fn sqlite(mut conn: Conn<'_>, jobs: &[SignedAdd], first: &[bool]) -> StoreResult<Vec<bool>> {
    let hopeful = admitted(jobs, first);
    let hanging = jobs
        .iter()
        .zip(first)
        .any(|(job, first)| *first && job.refuse_replay);
    let lists = lists(&hopeful);
    let rows = rows(&hopeful, &lists);
    let mut stmt = chain(
        Stmt::new("BEGIN IMMEDIATE; "),
        "",
        record(jobs, first, false),
    );
    if !hopeful.is_empty() {
        stmt = chain(stmt, "; ", inserts_sqlite(&hopeful, &rows));
    }
    if !hanging {
        stmt.push("; COMMIT");
    }
    let written = conn.fetch_all::<Key>(&stmt).await;
    let recorded = match written {
        Ok(recorded) => recorded,
        Err(err) => {
            rollback(&mut conn).await;
            return Err(err);
        }
    };
    let hoped = fresh(jobs, first, &recorded);
    if !hanging {
        return Ok(hoped);
    }
    let refused = jobs
        .iter()
        .zip(first.iter().zip(&hoped))
        .any(|(job, (first, fresh))| *first && !fresh && job.refuse_replay);
    if !refused {
        if let Err(err) = conn.execute(&Stmt::new("COMMIT")).await {
            rollback(&mut conn).await;
            return Err(err);
        }
        return Ok(hoped);
    }
    rollback(&mut conn).await;
    let mut tx = conn.begin(Begin::Write).await?;
    let recorded: Vec<Key> = tx.fetch_all(&record(jobs, first, false)).await?;
    let fresh = fresh(jobs, first, &recorded);
    let admitted = admitted(jobs, &fresh);
    if !admitted.is_empty() {
        insert_sqlite(&mut tx, &admitted).await?;
    }
    tx.commit().await?;
    Ok(fresh)
}

/// The customers of the jobs that go on, given for each job whether its nonce is (or is
/// taken to be) fresh: those, and the replays their account is lenient about.
fn admitted<'a>(jobs: &'a [SignedAdd], fresh: &[bool]) -> Vec<&'a NewCustomer> {
    jobs.iter()
        .zip(fresh)
        .filter(|(job, fresh)| job.admitted(**fresh))
        .map(|(job, _)| &job.add)
        .collect()
}

/// Ends the transaction [`sqlite`] opened by hand, after a failure (a no-op if a failed
/// statement already ended it).
async fn rollback(conn: &mut Conn<'_>) {
    if let Err(err) = conn.execute(&Stmt::new("ROLLBACK")).await {
        tracing::debug!(error = %chain_of(&err), "rolling back a signed add batch");
    }
}

/// The Postgres statement: one text for every batch size, prepared once.
fn postgres<'a>(jobs: &'a [SignedAdd], first: &[bool]) -> Stmt<'a> {
    let gates = jobs.iter().zip(first).map(|(job, first)| match job {
        SignedAdd {
            refuse_replay: false,
            ..
        } => Gate::Always,
        _ if *first => Gate::IfFresh,
        _ => Gate::Never,
    });
    let mut customers = columns(
        jobs.iter().map(|job| values(&job.add.customer)).collect(),
        &TYPES,
    )
    .unwrap_or_default();
    customers.push(Arg::Texts(
        jobs.iter().map(|j| Some(j.nonce.nonce.clone())).collect(),
    ));
    customers.push(Arg::Texts(
        jobs.iter()
            .map(|j| Some(j.nonce.timestamp.clone()))
            .collect(),
    ));
    customers.push(Arg::Ints(gates.map(|g| Some(g as i64)).collect()));
    let mut types = TYPES.to_vec();
    types.extend(["text", "text", "bigint"]);

    let added: Vec<&NewCustomer> = jobs.iter().map(|job| &job.add).collect();
    let lists = lists(&added);
    let index_rows = rows(&added, &lists);
    let index =
        columns(index_rows.iter().map(index_values).collect(), &INDEX_TYPES).unwrap_or_default();

    let mut stmt = chain(
        Stmt::new("WITH recorded AS ("),
        "",
        record(jobs, first, true),
    );
    let names: Vec<String> = (1..=TYPES.len()).map(|i| format!("u.c{i}")).collect();
    let bare: Vec<String> = (1..=TYPES.len()).map(|i| format!("c{i}")).collect();
    stmt.push(&format!(
        "), added AS ({} SELECT {} FROM ",
        INSERT.as_str(),
        names.join(", ")
    ));
    push_unnest(&mut stmt, customers, &types);
    stmt.push(&format!(
        " AS u({}, nonce, ts, gate) WHERE u.gate = 0 OR (u.gate = 1 AND EXISTS (\
         SELECT 1 FROM recorded r WHERE r.account_id = u.c2 AND r.nonce = u.nonce \
         AND r.timestamp = u.ts)) RETURNING id), indexed AS ({INSERT_INDEX} SELECT * FROM ",
        bare.join(", ")
    ));
    push_unnest(&mut stmt, index, &INDEX_TYPES);
    stmt.push(
        " AS v(a, c, f, t, n) WHERE v.c IN (SELECT id FROM added) ON CONFLICT DO NOTHING) \
         SELECT account_id, nonce, timestamp FROM recorded",
    );
    stmt
}
