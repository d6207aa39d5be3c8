//! Snowflake-style id generator for customer and contact ids
//! (`docs/README.md#principles`), and [`parse`](crate::ids::parse), the one reader of an
//! id sent as text.
//!
//! Ids are 18-digit decimal numbers, time-ordered, and unique across processes that
//! share one database: each process leases an 8-bit worker number from the database
//! (`runtime::instances`), which no live process shares, and starts above the last
//! millisecond the number's previous holder used.
//!
//! Layout: `10^17 + (ms since 2023-01-01 << 20 | worker << 12 | sequence)`. The constant
//! keeps every id at exactly 18 digits (the vendor documents' ids are 18 digits) for the
//! next ~27 years; 12 sequence bits allow 4096 ids per millisecond per process.

use std::sync::Mutex;

const BASE: i64 = 100_000_000_000_000_000;
/// 2023-01-01T00:00:00Z in Unix milliseconds.
const EPOCH_MS: i64 = 1_672_531_200_000;
const WORKER_BITS: u32 = 8;
const SEQUENCE_BITS: u32 = 12;
const MAX_SEQUENCE: i64 = (1 << SEQUENCE_BITS) - 1;

/// The record id `text` names: 1–19 ASCII digits that fit in an `i64`. Anything else
/// (a sign, a space, a fraction, an overflow) names no record; callers answer it as an
/// unknown id, or refuse it where any id is refused.
pub fn parse(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `len` random lowercase letters and digits: the tag of a generated custom field id
/// (`text_6ts9_…`), a DingTalk `request_id`.
pub fn random_tag(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Hands out new ids for this process.
#[derive(Debug)]
pub struct IdGenerator {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    worker: i64,
    /// The last millisecond used (since [`EPOCH_MS`]) and the last sequence number in
    /// it. Never goes backwards, even when the emulator's clock is moved back, so ids
    /// stay unique and ordered.
    last_ms: i64,
    last_seq: i64,
}

impl IdGenerator {
    /// A generator for the worker number the database gave this process.
    pub fn new(worker: i64) -> Self {
        Self::above(worker, 0)
    }

    /// A generator for `worker` whose ids all lie after `floor_ms` (epoch ms): the last
    /// millisecond the number's previous holder used.
    pub fn above(worker: i64, floor_ms: i64) -> Self {
        IdGenerator {
            state: Mutex::new(State {
                worker: worker.rem_euclid(1 << WORKER_BITS),
                last_ms: (floor_ms - EPOCH_MS).max(0),
                last_seq: MAX_SEQUENCE,
            }),
        }
    }

    /// Switches to another worker number (the lease of the old one was lost), above
    /// `floor_ms` as in [`IdGenerator::above`].
    pub fn switch(&self, worker: i64, floor_ms: i64) {
        let mut state = self.lock();
        state.worker = worker.rem_euclid(1 << WORKER_BITS);
        let floor = (floor_ms - EPOCH_MS).max(0);
        if floor >= state.last_ms {
            (state.last_ms, state.last_seq) = (floor, MAX_SEQUENCE);
        }
    }

    /// The last millisecond used for an id (epoch ms), to pass on with the number.
    pub fn last_ms(&self) -> i64 {
        self.lock().last_ms + EPOCH_MS
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new id for a record created at `now_ms` (epoch milliseconds).
    pub fn next(&self, now_ms: i64) -> i64 {
        let ms = (now_ms - EPOCH_MS).max(0);
        let mut state = self.lock();
        let (last_ms, last_seq) = (state.last_ms, state.last_seq);
        let (ms, seq) = if ms > last_ms {
            (ms, 0)
        } else if last_seq < MAX_SEQUENCE {
            (last_ms, last_seq + 1)
        } else {
            // This millisecond is used up: borrow the next one rather than wait.
            (last_ms + 1, 0)
        };
        (state.last_ms, state.last_seq) = (ms, seq);
        BASE + ((ms << (WORKER_BITS + SEQUENCE_BITS)) | (state.worker << SEQUENCE_BITS) | seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_18_digits_unique_and_increasing() {
        let generator = IdGenerator::new(3);
        let now = 1_763_700_000_000; // 2025-11
        let mut last = 0;
        for _ in 0..10_000 {
            let id = generator.next(now);
            assert_eq!(id.to_string().len(), 18);
            assert!(id > last);
            last = id;
        }
        // Still 18 digits decades from now, and at the epoch itself.
        assert_eq!(
            generator
                .next(EPOCH_MS + 25 * 365 * 86_400_000)
                .to_string()
                .len(),
            18
        );
        assert_eq!(IdGenerator::new(0).next(0).to_string().len(), 18);
    }

    #[test]
    fn workers_never_collide_in_the_same_millisecond() {
        let a = IdGenerator::new(1);
        let b = IdGenerator::new(2);
        let now = 1_763_700_000_000;
        assert_ne!(a.next(now), b.next(now));
    }

    #[test]
    fn only_plain_digit_strings_that_fit_are_ids() {
        assert_eq!(parse("100123456789012345"), Some(100_123_456_789_012_345));
        assert_eq!(parse("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse("0"), Some(0));
        for text in [
            "",
            "+5",
            "-5",
            " 5",
            "5 ",
            "5.0",
            "9223372036854775808",
            "00000000000000000001",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_number_taken_over_starts_above_its_previous_holder() {
        let before = IdGenerator::new(9);
        let old = before.next(1_763_700_000_000);
        let after = IdGenerator::above(9, before.last_ms());
        assert!(
            after.next(1_763_000_000_000) > old,
            "the clock was moved back meanwhile"
        );
        let switched = IdGenerator::new(1);
        switched.switch(9, before.last_ms());
        assert!(switched.next(0) > old);
    }

    #[test]
    fn moving_the_clock_back_keeps_ids_increasing() {
        let generator = IdGenerator::new(0);
        let first = generator.next(1_763_700_000_000);
        assert!(generator.next(1_763_000_000_000) > first);
    }
}
