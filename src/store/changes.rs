//! Changes other instances must hear of: what was changed, announced on Postgres with
//! `NOTIFY` (see [`super::postgres::listen`]) and heard by every instance sharing the
//! database, and a generation that moves whenever DingTalk data may have changed.
//!
//! A change is announced inside the transaction that makes it (`pg_notify` is
//! delivered at commit, and not at all on a rollback), or right after a single-statement
//! change. This process applies its own changes at once; the listener applies the
//! others' as they arrive (the measured delay is in `tests/api/instances.rs` and
//! `docs/performance.md`). On SQLite there is no one to tell: a process on the same file
//! is covered by the caches' one-second trust window, as before.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast;

use super::stmt::Stmt;

/// The channel every instance listens on.
pub const CHANNEL: &str = "crm_emulator";

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// A tenant, its credentials, mode, custom fields, or a reset or import: every cache
    /// of tenants and data is stale.
    Tenants,
    /// DingTalk customers, contacts or followers: cached customer details are stale.
    DingTalk,
    /// Fault rules (added, removed, or a `times` budget spent).
    Faults,
    /// The clock offset.
    Clock,
    /// Notifications may have been missed (the listener reconnected): everything is
    /// stale. Never sent; made by the listener.
    Everything,
}

impl Topic {
    fn as_str(self) -> &'static str {
        match self {
            Topic::Tenants => "tenants",
            Topic::DingTalk => "dingtalk",
            Topic::Faults => "faults",
            Topic::Clock => "clock",
            Topic::Everything => "everything",
        }
    }

    fn parse(text: &str) -> Option<Topic> {
        [Topic::Tenants, Topic::DingTalk, Topic::Faults, Topic::Clock]
            .into_iter()
            .find(|t| t.as_str() == text)
    }
}

/// This process's side of the change channel: who it is (so it can skip its own
/// announcements), the DingTalk data generation, and the subscribers (the runtime
/// services whose state is shared: faults, clock).
#[derive(Debug)]
pub struct Changes {
    origin: u64,
    generation: AtomicU64,
    subscribers: broadcast::Sender<Topic>,
}

impl Default for Changes {
    fn default() -> Self {
        Changes {
            origin: rand::random(),
            generation: AtomicU64::new(0),
            subscribers: broadcast::channel(64).0,
        }
    }
}

impl Changes {
    /// The statement that announces `topic` to the other instances (Postgres).
    pub fn announcement(&self, topic: Topic) -> Stmt<'static> {
        let payload = format!("{}:{}", self.origin, topic.as_str());
        Stmt::new("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
    }

    /// Reads a payload heard on the channel: the topic, or `None` for this process's
    /// own announcement (already applied) or a payload it does not know.
    pub fn heard(&self, payload: &str) -> Option<Topic> {
        let (origin, topic) = payload.split_once(':')?;
        if origin.parse() == Ok(self.origin) {
            return None;
        }
        Topic::parse(topic)
    }

    /// The DingTalk data generation: moves on every DingTalk write of this process and
    /// every one announced by another.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Moves the generation (after a DingTalk write committed).
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Tells the subscribers (the runtime services) of a change.
    pub fn publish(&self, topic: Topic) {
        // No subscriber is fine: nothing to reload.
        let _ = self.subscribers.send(topic);
    }

    /// A receiver of every change heard from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Topic> {
        self.subscribers.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_announcements_are_skipped_and_others_are_read() {
        let mine = Changes::default();
        let theirs = Changes::default();
        let stmt = theirs.announcement(Topic::Faults);
        let super::super::stmt::Arg::Text(Some(payload)) = &stmt.args[1] else {
            panic!("a text payload");
        };
        assert_eq!(mine.heard(payload), Some(Topic::Faults));
        assert_eq!(theirs.heard(payload), None);
        assert_eq!(mine.heard("1:nonsense"), None);
    }
}
