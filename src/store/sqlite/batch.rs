//! Group commit on SQLite: the writes of many requests in one writer turn.
//!
//! sqlx runs each SQLite statement on the connection's worker thread, so a statement
//! costs two thread hand-offs whatever it does; next to that, SQLite's own work is
//! small. Writes that come often are therefore queued to a task that takes everything
//! pending (up to [`Job::MAX`]), takes the writer turn once, writes it all with
//! multi-row statements, and answers each request after the commit, so nothing
//! acknowledged is lost. A batch of N then costs a handful of hand-offs instead of a
//! handful per request. If a batch fails, it is rolled back and its jobs are written
//! one at a time, so one bad job fails alone, with its own error.
//!
//! A batch statement's text changes with the batch's size, so it is not kept in sqlx's
//! per-connection statement cache ([`crate::store::stmt::Stmt::transient`]): cached,
//! the dozens of variants kept evicting one another (and the one-row statements) from
//! its 100 entries, and the signed add ran at 9 k req/s instead of 12 k.
//!
//! The queue is generic: it knows its jobs only through [`Job`]. A task holds the
//! writer, never a sender, so it ends when the last [`Queue`] handle is dropped.

use std::{fmt, future::Future, sync::Arc};

use sqlx::SqliteConnection;
use tokio::sync::{mpsc, oneshot};

use super::Writer;
use crate::store::{
    error::{StoreError, StoreResult},
    exec::Conn,
};

/// A write that can be done together with others of its kind.
pub trait Job: Send + Sync + Sized + 'static {
    /// What the requester gets back.
    type Out: Send + 'static;
    /// Most jobs per batch.
    const MAX: usize;
    /// Writes all of `jobs` (at least one) or none; one answer per job, in order.
    fn write_all(
        conn: Conn<'_>,
        jobs: &[Self],
    ) -> impl Future<Output = StoreResult<Vec<Self::Out>>> + Send;
}

struct Pending<J: Job> {
    job: J,
    reply: oneshot::Sender<StoreResult<J::Out>>,
}

/// The way to one batching task.
pub struct Queue<J: Job> {
    sender: mpsc::UnboundedSender<Pending<J>>,
}

impl<J: Job> fmt::Debug for Queue<J> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Queue")
    }
}

impl<J: Job> Queue<J> {
    /// Starts the task that writes the jobs sent here.
    pub fn spawn(writer: Arc<Writer>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(writer, receiver));
        Queue { sender }
    }

    /// Queues `job` and waits until its batch is committed (or has failed).
    pub async fn write(&self, job: J) -> StoreResult<J::Out> {
        let (reply, answer) = oneshot::channel();
        let gone = || StoreError::Database(sqlx::Error::PoolClosed);
        self.sender
            .send(Pending { job, reply })
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

async fn run<J: Job>(writer: Arc<Writer>, mut receiver: mpsc::UnboundedReceiver<Pending<J>>) {
    let mut batch = Vec::with_capacity(J::MAX);
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        let turn = writer.turn().await;
        // What arrived while the previous writer had the turn joins this batch.
        while batch.len() < J::MAX {
            match receiver.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        // A requester that gave up (timed out) must not have its write done.
        batch.retain(|pending| !pending.reply.is_closed());
        let (jobs, replies): (Vec<J>, Vec<_>) = batch.drain(..).map(|p| (p.job, p.reply)).unzip();
        if jobs.is_empty() {
            continue;
        }
        let answers = match turn {
            Ok(mut turn) => {
                let answers = write(turn.connection(), &jobs).await;
                // The turn ends (and the write generation moves) before anyone is
                // answered, so a read made after the answer never trusts a cached
                // entry from before the write.
                drop(turn);
                answers
            }
            Err(err) => jobs.iter().map(|_| Err(copy_of(&err).into())).collect(),
        };
        for (reply, answer) in replies.into_iter().zip(answers) {
            let _ = reply.send(answer);
        }
    }
}

/// Writes `jobs` as one batch, or one by one if the batch fails.
pub async fn write<J: Job>(conn: &mut SqliteConnection, jobs: &[J]) -> Vec<StoreResult<J::Out>> {
    let err = match J::write_all(Conn::Sqlite(conn), jobs).await {
        Ok(outs) => return outs.into_iter().map(Ok).collect(),
        Err(err) if jobs.len() == 1 => return vec![Err(err)],
        Err(err) => err,
    };
    tracing::warn!(error = %err, jobs = jobs.len(), "a batched write failed; writing its jobs one by one");
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        let answer = J::write_all(Conn::Sqlite(conn), std::slice::from_ref(job)).await;
        answers.push(answer.and_then(|mut outs| {
            outs.pop()
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
        }));
    }
    answers
}

/// An error that failed a whole batch, once for each of its jobs.
fn copy_of(err: &sqlx::Error) -> sqlx::Error {
    match err {
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}
