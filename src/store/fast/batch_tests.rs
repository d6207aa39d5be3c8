//! How a lane gathers its batch while another is being written, on tokio's paused
//! clock: no real time passes, so nothing here depends on the machine's speed.

use std::sync::{atomic::AtomicUsize, Arc};

use tokio::sync::{mpsc, oneshot, Mutex, Notify};

use super::batch::{Job, Lanes, Pending, Writing, STALL};
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
