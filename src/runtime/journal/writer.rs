//! The journal's writer on Postgres: requests hand their entries to a queue and go on;
//! one task per instance takes what is queued (up to [`BATCH`]) and appends it with
//! one statement, so journaling costs a request no database round trip, and a busy
//! instance writes one insert per batch rather than one per request. The task lingers
//! [`LINGER`] after the first entry of a batch for others to join it: without that,
//! batches under load held two or three entries and the journal cost Postgres ~70 µs
//! of CPU per request, most of it per-statement overhead. A listing flushes at once.
//!
//! The journal is a debugging aid, not data: when the database falls so far behind that
//! [`BACKLOG`] entries wait, new ones are dropped (and counted in a warning) rather
//! than holding requests up or growing without bound.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use tokio::{
    sync::{mpsc, oneshot},
    time::{timeout_at, Instant},
};

use super::Entry;
use crate::store::{emulator::JournalRow, Store};

/// Most entries appended by one statement.
const BATCH: usize = 256;
/// Most entries waiting to be written.
const BACKLOG: usize = 10_000;
/// Longest an append may take (a connection that died silently must not stop the
/// writer); its entries are dropped then.
const WRITE_LIMIT: Duration = Duration::from_secs(5);
/// How long a batch waits for more entries after its first.
const LINGER: Duration = Duration::from_millis(10);

enum Message {
    /// An entry, and when it was queued (real epoch ms).
    Entry(Box<Entry>, i64),
    /// Answered once every entry queued before it is written.
    Flush(oneshot::Sender<()>),
}

/// The way to this instance's writer task.
#[derive(Debug)]
pub(super) struct Writer {
    sender: mpsc::Sender<Message>,
    dropped: AtomicU64,
}

impl Writer {
    /// Starts the task appending to `store`'s journal, which it keeps to `capacity`.
    pub(super) fn spawn(store: Store, capacity: usize) -> Self {
        let (sender, receiver) = mpsc::channel(BACKLOG);
        let keep = i64::try_from(capacity).unwrap_or(i64::MAX);
        tokio::spawn(run(store, keep, receiver));
        Writer {
            sender,
            dropped: AtomicU64::new(0),
        }
    }

    /// Queues `entry` without waiting.
    pub(super) fn push(&self, entry: Entry) {
        let answered_at = chrono::Utc::now().timestamp_millis();
        let message = Message::Entry(Box::new(entry), answered_at);
        if self.sender.try_send(message).is_err() {
            let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped.is_power_of_two() {
                tracing::warn!(dropped, "the journal's writer is behind: entries dropped");
            }
        }
    }

    /// Waits until every entry queued so far is written (or failed to be).
    pub(super) async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

async fn run(store: Store, keep: i64, mut receiver: mpsc::Receiver<Message>) {
    let mut rows = Vec::with_capacity(BATCH);
    let mut flushes = Vec::new();
    let mut trimmed = 0;
    while let Some(first) = receiver.recv().await {
        let deadline = Instant::now() + LINGER;
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Entry(entry, answered_at) => rows.push(row(&entry, answered_at)),
                Message::Flush(done) => flushes.push(done),
            }
            if rows.len() < BATCH && flushes.is_empty() {
                next = timeout_at(deadline, receiver.recv()).await.ok().flatten();
            } else if rows.len() < BATCH {
                next = receiver.try_recv().ok();
            }
        }
        let emulator = store.emulator();
        let append = emulator.append_journal(&rows, keep, trimmed);
        match tokio::time::timeout(WRITE_LIMIT, append).await {
            Ok(Ok(mark)) => trimmed = mark,
            Ok(Err(err)) => {
                tracing::warn!(error = %crate::telemetry::chain(&err), entries = rows.len(), "journal entries were not written")
            }
            Err(_) => {
                tracing::warn!(
                    entries = rows.len(),
                    "journal entries were not written in time: dropped"
                )
            }
        }
        rows.clear();
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

fn row(entry: &Entry, answered_at: i64) -> JournalRow {
    JournalRow {
        instance: entry.instance,
        answered_at,
        api: entry.api.clone(),
        tenant: entry.tenant.clone(),
        status: i64::from(entry.status),
        entry: serde_json::to_string(entry).unwrap_or_default(),
    }
}
