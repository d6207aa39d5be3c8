//! The emulator's clock: real time plus an offset the control plane can move.
//!
//! Nothing else in the crate reads the OS clock for anything a client can observe
//! (token expiry, the signature window, stored times), so advancing this clock lets a
//! user test expiry and window handling in seconds instead of hours.
//!
//! The offset is read on every request, so each instance keeps it in an atomic. On
//! SQLite that is the whole story; on Postgres the offset lives in the database, a move
//! is made there (so moves through different instances add up) and announced, and
//! every instance reloads it when it hears of one (`runtime::sync`).

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeZone, Timelike, Utc};

use crate::store::{Store, StoreResult};

/// The wire format of every time in both APIs: `YYYY-MM-DD HH:MM:SS`.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// The farthest the clock can be moved from real time, either way: 100 years of 365
/// days. Any further and the emulator's now would leave the years every wire format and
/// both databases can hold (and, at the extreme, the integer it is kept in).
pub const MAX_OFFSET_SECS: i64 = 100 * 365 * 86_400;

/// A move that would take the clock further than [`MAX_OFFSET_SECS`] from real time.
#[derive(Debug, PartialEq, Eq)]
pub struct OutOfRange;

/// Real Unix seconds, for client-side tools (`crm-emulator sign`) that have no access to
/// a server's clock offset.
pub fn real_now_secs() -> i64 {
    Utc::now().timestamp()
}

#[derive(Clone, Debug)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    zone: FixedOffset,
    /// Where the offset is kept when instances share it (Postgres).
    shared: Option<Store>,
}

impl Clock {
    /// A clock of this process alone, on real time.
    pub fn new(zone: FixedOffset) -> Self {
        Clock {
            offset_ms: Arc::new(AtomicI64::new(0)),
            zone,
            shared: None,
        }
    }

    /// A clock whose offset is kept in `store` and shared with every instance using it
    /// (Postgres); starts with the stored offset.
    pub async fn shared(zone: FixedOffset, store: Store) -> StoreResult<Self> {
        let offset = store.emulator().clock_offset().await?;
        Ok(Clock {
            offset_ms: Arc::new(AtomicI64::new(offset)),
            zone,
            shared: Some(store),
        })
    }

    /// Reads the shared offset again (after another instance moved it).
    pub async fn reload(&self) -> StoreResult<()> {
        if let Some(store) = &self.shared {
            let offset = store.emulator().clock_offset().await?;
            self.offset_ms.store(offset, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Milliseconds since the Unix epoch, as the emulator sees them.
    pub fn now_ms(&self) -> i64 {
        Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Seconds since the Unix epoch, as the emulator sees them.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward (or back, with a negative value) by `secs`, on every
    /// instance sharing it; refused, leaving the clock as it was, if the offset would
    /// end up more than [`MAX_OFFSET_SECS`] from real time.
    pub async fn advance(&self, secs: i64) -> StoreResult<Result<(), OutOfRange>> {
        if !(-MAX_OFFSET_SECS..=MAX_OFFSET_SECS).contains(&secs) {
            return Ok(Err(OutOfRange));
        }
        self.move_by(Some(secs * 1000)).await
    }

    /// Puts the clock back on real time, on every instance sharing it.
    pub async fn reset(&self) -> StoreResult<()> {
        // Moving to real time is always within range.
        self.move_by(None).await.map(|_| ())
    }

    async fn move_by(&self, by_ms: Option<i64>) -> StoreResult<Result<(), OutOfRange>> {
        let limit_ms = MAX_OFFSET_SECS * 1000;
        let offset = match &self.shared {
            Some(store) => store.emulator().move_clock(by_ms, limit_ms).await?,
            None => Some(by_ms.map_or(0, |ms| self.offset_ms.load(Ordering::Relaxed) + ms))
                .filter(|offset| (-limit_ms..=limit_ms).contains(offset)),
        };
        let Some(offset) = offset else {
            return Ok(Err(OutOfRange));
        };
        self.offset_ms.store(offset, Ordering::Relaxed);
        Ok(Ok(()))
    }

    /// The current offset from real time, in whole seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed) / 1000
    }

    /// The configured zone of every time on the wire.
    pub fn zone(&self) -> FixedOffset {
        self.zone
    }

    /// Formats epoch milliseconds as `YYYY-MM-DD HH:MM:SS` in the configured zone.
    /// Written field by field: chrono's `format` parses [`TIME_FORMAT`] again on every
    /// call, and every journal entry and stored time is formatted. Years outside
    /// 0–9999, which `%Y` writes with a sign, go through chrono.
    pub fn format(&self, epoch_ms: i64) -> String {
        let local = DateTime::from_timestamp_millis(epoch_ms)
            .unwrap_or_default()
            .with_timezone(&self.zone);
        if !(0..=9999).contains(&local.year()) {
            return local.format(TIME_FORMAT).to_string();
        }
        let mut text = String::with_capacity(19);
        let mut digits = itoa::Buffer::new();
        let year = u32::try_from(local.year()).unwrap_or_default();
        for (separator, value, width) in [
            ("", year, 4_usize),
            ("-", local.month(), 2),
            ("-", local.day(), 2),
            (" ", local.hour(), 2),
            (":", local.minute(), 2),
            (":", local.second(), 2),
        ] {
            let value = digits.format(value);
            text.push_str(separator);
            text.extend(std::iter::repeat_n('0', width.saturating_sub(value.len())));
            text.push_str(value);
        }
        text
    }

    /// Parses `YYYY-MM-DD HH:MM:SS` in the configured zone into epoch milliseconds.
    pub fn parse(&self, text: &str) -> Option<i64> {
        let naive = NaiveDateTime::parse_from_str(text, TIME_FORMAT).ok()?;
        let local = self.zone.from_local_datetime(&naive).single()?;
        Some(local.timestamp_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock::new(FixedOffset::east_opt(8 * 3600).unwrap())
    }

    #[test]
    fn format_and_parse_round_trip_in_the_configured_zone() {
        let c = clock();
        // 2023-06-26 23:18:43 +08:00 is 15:18:43 UTC.
        let ms = c.parse("2023-06-26 23:18:43").unwrap();
        assert_eq!(ms, 1_687_792_723_000);
        assert_eq!(c.format(ms), "2023-06-26 23:18:43");
        assert_eq!(c.parse("2023-06-26T23:18:43"), None);
    }

    #[test]
    fn format_writes_what_chrono_writes_for_any_time() {
        let c = clock();
        let mut ms = -80_000_000_000_000_i64; // before year 0
        while ms < 300_000_000_000_000 {
            let chrono = DateTime::from_timestamp_millis(ms)
                .unwrap()
                .with_timezone(&c.zone)
                .format(TIME_FORMAT)
                .to_string();
            assert_eq!(c.format(ms), chrono, "{ms}");
            ms += 7_777_777_777_777;
        }
        assert_eq!(c.format(-28_800_000), "1970-01-01 00:00:00");
        assert_eq!(c.format(253_402_271_999_000), "9999-12-31 23:59:59");
        assert_eq!(c.format(253_402_272_000_000), "+10000-01-01 00:00:00");
    }

    #[tokio::test]
    async fn advancing_moves_now_and_reset_restores_it() {
        let c = clock();
        let before = c.now_secs();
        c.advance(7201).await.unwrap().unwrap();
        assert!(c.now_secs() - before >= 7201);
        assert_eq!(c.offset_secs(), 7201);
        c.reset().await.unwrap();
        assert_eq!(c.offset_secs(), 0);
    }

    #[tokio::test]
    async fn the_offset_stays_within_a_hundred_years() {
        let c = clock();
        assert_eq!(c.advance(i64::MAX).await.unwrap(), Err(OutOfRange));
        c.advance(MAX_OFFSET_SECS).await.unwrap().unwrap();
        assert_eq!(c.advance(1).await.unwrap(), Err(OutOfRange));
        assert_eq!(c.offset_secs(), MAX_OFFSET_SECS);
        c.advance(-MAX_OFFSET_SECS).await.unwrap().unwrap();
        c.advance(-MAX_OFFSET_SECS).await.unwrap().unwrap();
        assert_eq!(c.offset_secs(), -MAX_OFFSET_SECS);
    }
}
