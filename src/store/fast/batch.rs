//! Group commit: the writes of many requests in one statement or transaction.
//!
//! sqlx runs each SQLite statement on the connection's worker thread, so a statement
//! costs two thread hand-offs whatever it does; on Postgres each costs a network round
//! trip and each commit a WAL flush. Next to that, the database's own work is small.
//! Writes that come often are therefore queued to lanes that each take everything
//! pending (up to [`Job::MAX`]), take a connection once (on SQLite the writer turn,
//! one lane; on Postgres a pooled connection, a few lanes: one batch fills while
//! another is written, and starts beside it only if that write stalls), write it all
//! with multi-row statements, and answer each request after the commit, so nothing
//! acknowledged is lost. A batch of N then costs a handful of round trips instead of a
//! handful per request. If a batch fails, it is rolled back and its jobs are written
//! one at a time, so one bad job fails alone, with its own error.
//!
//! On SQLite a batch's statements are written for a power of two of rows, padded with
//! rows of NULLs that they skip ([`super::sql::slots`]): their texts take a few shapes,
//! each kept prepared in the connection's statement cache. (Written for the exact
//! number of rows, the texts were dozens, which evicted one another and the one-row
//! statements from its 100 entries: the signed add ran at 9 k req/s instead of 12 k,
//! so they bypassed the cache and were parsed and compiled for every batch.) On
//! Postgres a batch binds one array per column instead ([`super::sql::push_unnest`]):
//! one text for every size, prepared once.
//!
//! The queue is generic: it knows its jobs only through [`Job`]. A lane holds the
//! [`Writes`], never a sender, so it ends when the last [`Queue`] handle is dropped.

use std::{
    fmt,
    future::Future,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use tokio::sync::{mpsc, oneshot, Mutex, Notify};

use crate::{
    store::{
        db::Writes,
        error::{StoreError, StoreResult},
        exec::{Conn, Exec},
    },
    telemetry::chain,
};

/// A batch that waited for its connection and was written in this long or longer is
/// logged (at debug level): where the tail of the write path's latency comes from.
const SLOW: Duration = Duration::from_millis(20);

/// How long a batch waits to grow while another lane's batch is being written (see
/// [`Lanes::gather`]): one or two batches' usual write time on Postgres, so a stalled
/// write (e.g. behind autovacuum or a checkpoint) holds up the others no longer than
/// this.
pub(super) const STALL: Duration = Duration::from_millis(2);

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

pub(super) struct Pending<J: Job> {
    pub(super) job: J,
    pub(super) reply: oneshot::Sender<StoreResult<J::Out>>,
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
    /// Starts the lanes that write the jobs sent here.
    pub fn spawn(writes: &Writes) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        let lanes = Arc::new(Lanes {
            receiver: Mutex::new(receiver),
            writing: AtomicUsize::new(0),
            written: Notify::new(),
        });
        for _ in 0..writes.lanes() {
            tokio::spawn(lane(writes.clone(), lanes.clone()));
        }
        Queue { sender }
    }

    /// Queues `job` and waits until its batch is committed (or has failed).
    pub async fn write(&self, job: J) -> StoreResult<J::Out> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Pending { job, reply })
            .map_err(|_| StoreError::Closing)?;
        answer.await.map_err(|_| StoreError::Closing)?
    }
}

/// What the lanes of one queue share: the receiver (held by the lane gathering the next
/// batch) and how many batches are being written.
pub(super) struct Lanes<J: Job> {
    pub(super) receiver: Mutex<mpsc::UnboundedReceiver<Pending<J>>>,
    pub(super) writing: AtomicUsize,
    /// Signalled whenever a batch has been written.
    pub(super) written: Notify,
}

impl<J: Job> Lanes<J> {
    /// While another lane's batch is being written, the next one grows instead of
    /// starting with whatever single job came first: it starts when that write ends,
    /// when it is full, or after [`STALL`]. Measured on Postgres (signed adds at 32
    /// connections), batches written side by side as soon as a job arrived were small,
    /// and each batch's fixed cost (its executor start-up, its commit and WAL flush,
    /// its round trip) with their contention on the same index pages came to ~130 µs
    /// of the database's CPU per add against ~80 µs with one batch at a time; one lane
    /// alone, though, let a single stalled write hold up every request.
    pub(super) async fn gather(
        &self,
        pending: &mut mpsc::UnboundedReceiver<Pending<J>>,
        batch: &mut Vec<Pending<J>>,
    ) {
        let deadline = tokio::time::Instant::now() + STALL;
        loop {
            // Created before `writing` is read, so the end of a write in between wakes it.
            let written = self.written.notified();
            if batch.len() >= J::MAX || self.writing.load(Ordering::Acquire) == 0 {
                return;
            }
            tokio::select! {
                job = pending.recv() => match job {
                    Some(job) => batch.push(job),
                    None => return,
                },
                () = written => {}
                () = tokio::time::sleep_until(deadline) => return,
            }
        }
    }
}

/// A batch being written, from when its lane let go of the receiver until its write
/// ended (or failed): counted in [`Lanes::writing`] while it lives.
pub(super) struct Writing<'a, J: Job>(&'a Lanes<J>);

impl<'a, J: Job> Writing<'a, J> {
    pub(super) fn start(lanes: &'a Lanes<J>) -> Self {
        lanes.writing.fetch_add(1, Ordering::AcqRel);
        Writing(lanes)
    }
}

impl<J: Job> Drop for Writing<'_, J> {
    fn drop(&mut self) {
        self.0.writing.fetch_sub(1, Ordering::AcqRel);
        self.0.written.notify_waiters();
    }
}

/// One lane: takes the receiver, waits for a job (and, while another batch is being
/// written, for more: [`Lanes::gather`]), takes a connection, takes whatever else is
/// pending, lets the next lane take the receiver, writes the batch, answers.
async fn lane<J: Job>(writes: Writes, lanes: Arc<Lanes<J>>) {
    let mut batch = Vec::with_capacity(J::MAX);
    loop {
        let mut pending = lanes.receiver.lock().await;
        let Some(first) = pending.recv().await else {
            return;
        };
        batch.push(first);
        lanes.gather(&mut pending, &mut batch).await;
        let asked = Instant::now();
        let handle = writes.handle().await;
        let waited = asked.elapsed();
        // What arrived while waiting for the connection joins this batch.
        while batch.len() < J::MAX {
            match pending.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // Counted as being written before the next lane may take the receiver.
        let writing = Writing::start(&lanes);
        drop(pending);
        // A requester that gave up (timed out) must not have its write done.
        batch.retain(|pending| !pending.reply.is_closed());
        let (jobs, replies): (Vec<J>, Vec<_>) = batch.drain(..).map(|p| (p.job, p.reply)).unzip();
        if jobs.is_empty() {
            continue;
        }
        let answers = match handle {
            Ok(mut handle) => {
                let started = Instant::now();
                let answers = match writes.limit() {
                    // A dead connection must not hold the lane (docs/instances.md#when-the-database-fails).
                    Some(limit) => tokio::time::timeout(limit, write(handle.conn(), &jobs))
                        .await
                        .unwrap_or_else(|_| {
                            let what = "a batched write";
                            let err = Arc::new(StoreError::Abandoned { what, limit });
                            jobs.iter()
                                .map(|_| Err(StoreError::Batch(err.clone())))
                                .collect()
                        }),
                    None => write(handle.conn(), &jobs).await,
                };
                if started.elapsed() + waited >= SLOW {
                    tracing::debug!(jobs = jobs.len(), ?waited, took = ?started.elapsed(), "a slow batch");
                }
                // The turn ends (and on SQLite the write generation moves) before anyone
                // is answered, so a read made after the answer never trusts a cached
                // entry from before the write.
                drop(handle);
                answers
            }
            Err(err) => {
                let err = Arc::new(err);
                jobs.iter()
                    .map(|_| Err(StoreError::Batch(err.clone())))
                    .collect()
            }
        };
        drop(writing);
        for (reply, answer) in replies.into_iter().zip(answers) {
            let _ = reply.send(answer);
        }
    }
}

/// Writes `jobs` as one batch, or one by one if the batch fails.
pub async fn write<J: Job>(mut conn: Conn<'_>, jobs: &[J]) -> Vec<StoreResult<J::Out>> {
    let err = match J::write_all(conn.conn(), jobs).await {
        Ok(outs) => return outs.into_iter().map(Ok).collect(),
        Err(err) if jobs.len() == 1 => return vec![Err(err)],
        Err(err) => err,
    };
    tracing::warn!(error = %chain(&err), jobs = jobs.len(), "a batched write failed; writing its jobs one by one");
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        let answer = J::write_all(conn.conn(), std::slice::from_ref(job)).await;
        answers.push(answer.and_then(|outs| {
            outs.into_iter().next().ok_or(StoreError::Unanswered {
                asked: 1,
                answered: 0,
            })
        }));
    }
    answers
}
