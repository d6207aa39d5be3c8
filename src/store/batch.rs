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
//! On SQLite a batch statement's text changes with the batch's size, so it is not kept
//! in sqlx's per-connection statement cache ([`crate::store::stmt::Stmt::transient`]):
//! cached, the dozens of variants kept evicting one another (and the one-row
//! statements) from its 100 entries, and the signed add ran at 9 k req/s instead of
//! 12 k. On Postgres a batch binds one array per column instead
//! ([`crate::store::stmt::Stmt::push_rows`]): one text for every size, prepared once.
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

use super::{
    db::Writes,
    error::{StoreError, StoreResult},
    exec::{Conn, Exec},
};

/// A batch that waited for its connection and was written in this long or longer is
/// logged (at debug level): where the tail of the write path's latency comes from.
const SLOW: Duration = Duration::from_millis(20);

/// How long a batch waits to grow while another lane's batch is being written (see
/// [`Lanes::gather`]): one or two batches' usual write time on Postgres, so a stalled
/// write (e.g. behind autovacuum or a checkpoint) holds up the others no longer than
/// this.
const STALL: Duration = Duration::from_millis(2);

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
        let gone = || StoreError::Database(sqlx::Error::PoolClosed);
        self.sender
            .send(Pending { job, reply })
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// What the lanes of one queue share: the receiver (held by the lane gathering the next
/// batch) and how many batches are being written.
struct Lanes<J: Job> {
    receiver: Mutex<mpsc::UnboundedReceiver<Pending<J>>>,
    writing: AtomicUsize,
    /// Signalled whenever a batch has been written.
    written: Notify,
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
    async fn gather(
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
struct Writing<'a, J: Job>(&'a Lanes<J>);

impl<'a, J: Job> Writing<'a, J> {
    fn start(lanes: &'a Lanes<J>) -> Self {
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
                            let err = StoreError::timed_out("a batched write", limit);
                            jobs.iter().map(|_| Err(err.copy())).collect()
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
            Err(err) => jobs.iter().map(|_| Err(copy_of(&err))).collect(),
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
    tracing::warn!(error = %err, jobs = jobs.len(), "a batched write failed; writing its jobs one by one");
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs {
        let answer = J::write_all(conn.conn(), std::slice::from_ref(job)).await;
        answers.push(answer.and_then(|mut outs| {
            outs.pop()
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
        }));
    }
    answers
}

/// An error that failed a whole batch, once for each of its jobs (its class kept:
/// `StoreError::copy`).
fn copy_of(err: &StoreError) -> StoreError {
    err.copy()
}

/// How a lane gathers its batch while another is being written, on tokio's paused
/// clock: no real time passes, so nothing here depends on the machine's speed.
#[cfg(test)]
mod tests {
    use std::sync::{atomic::AtomicUsize, Arc};

    use tokio::sync::{mpsc, oneshot, Mutex, Notify};

    use super::{Job, Lanes, Pending, Writing, STALL};
    use crate::store::{error::StoreResult, exec::Conn};

    struct Noop;

    impl Job for Noop {
        type Out = ();
        const MAX: usize = 4;

        async fn write_all(_: Conn<'_>, jobs: &[Self]) -> StoreResult<Vec<()>> {
            Ok(jobs.iter().map(|_| ()).collect())
        }
    }

    fn lanes() -> (Arc<Lanes<Noop>>, mpsc::UnboundedSender<Pending<Noop>>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let lanes = Lanes {
            receiver: Mutex::new(receiver),
            writing: AtomicUsize::new(0),
            written: Notify::new(),
        };
        (Arc::new(lanes), sender)
    }

    fn job() -> Pending<Noop> {
        let (reply, _) = oneshot::channel();
        Pending { job: Noop, reply }
    }

    /// Gathers after a first job, as a lane does; the batch's size and the time it took.
    async fn gather(lanes: &Lanes<Noop>) -> (usize, std::time::Duration) {
        let started = tokio::time::Instant::now();
        let mut pending = lanes.receiver.lock().await;
        let mut batch = vec![job()];
        lanes.gather(&mut pending, &mut batch).await;
        (batch.len(), started.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn with_nothing_being_written_a_batch_starts_at_once() {
        let (lanes, _sender) = lanes();
        assert_eq!(gather(&lanes).await, (1, std::time::Duration::ZERO));
    }

    #[tokio::test(start_paused = true)]
    async fn while_a_batch_is_written_the_next_grows_until_that_write_ends() {
        let (lanes, sender) = lanes();
        let writing = Writing::start(&lanes);
        let other = lanes.clone();
        let gathering = tokio::spawn(async move { gather(&other).await });
        // (The timer's resolution is 1 ms: STALL / 2 is a whole number of them.)
        tokio::time::sleep(STALL / 2).await;
        sender.send(job()).ok();
        sender.send(job()).ok();
        // The gathering lane takes both before the write ends.
        tokio::task::yield_now().await;
        drop(writing);
        let (size, took) = gathering.await.expect("the gathering lane");
        assert_eq!(size, 3);
        assert_eq!(took, STALL / 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_write_holds_the_next_batch_up_no_longer_than_the_stall_limit() {
        let (lanes, sender) = lanes();
        let _writing = Writing::start(&lanes);
        sender.send(job()).ok();
        assert_eq!(gather(&lanes).await, (2, STALL));
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_batch_starts_without_waiting() {
        let (lanes, sender) = lanes();
        let _writing = Writing::start(&lanes);
        for _ in 1..Noop::MAX + 2 {
            sender.send(job()).ok();
        }
        assert_eq!(gather(&lanes).await, (Noop::MAX, std::time::Duration::ZERO));
    }
}
