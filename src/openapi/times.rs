//! Times sent to the OpenAPI surface: `assignTime`, date and datetime custom values, and
//! search operands on time and date fields.
//!
//! The wire form is `YYYY-MM-DD HH:MM:SS` (`YYYY-MM-DD` for a date) in the configured
//! zone, as the vendor document writes times. ISO 8601 (`2024-11-14T09:46:17+08:00`,
//! `…Z`, or without an offset, in the configured zone) and epoch milliseconds (13
//! digits, a JSON integer or a string) are rule `openapi.field.time-format`: refused for
//! strict accounts, read for lenient ones and kept in the wire form, whole seconds in
//! the configured zone. Text that is none of these cannot be a time, and the caller
//! refuses it for every account under its own rule.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use serde_json::Value;

use crate::runtime::{
    clock::Clock,
    rules::{openapi as oa, Broken, Judge},
};

/// What a field holds: a date and time to the second, or a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    Second,
    Day,
}

/// A time as stored: epoch milliseconds (a date's midnight in the configured zone) and
/// its wire text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Time {
    pub ms: i64,
    pub text: String,
}

/// Reads `value` (at `path`) as a time of `precision`: the wire form as it is; another
/// form judged (`openapi.field.time-format`) and converted. `Ok(None)` when it cannot be
/// a time, for the caller to refuse.
pub fn read(
    judge: &Judge,
    path: &str,
    value: &Value,
    clock: &Clock,
    precision: Precision,
) -> Result<Option<Time>, Broken> {
    if let Some(time) = value.as_str().and_then(|s| wire(s, clock, precision)) {
        return Ok(Some(time));
    }
    let Some((ms, form)) = other_form(value, clock) else {
        return Ok(None);
    };
    let Some(time) = from_ms(ms, clock, precision) else {
        return Ok(None);
    };
    let expected = match precision {
        Precision::Second => "YYYY-MM-DD HH:MM:SS",
        Precision::Day => "YYYY-MM-DD",
    };
    judge.check_instead(
        &oa::FIELD_TIME_FORMAT,
        format!("`{path}` is {form} ({value}); the wire form is {expected}"),
        &format!("read as {:?} in the configured zone", time.text),
    )?;
    Ok(Some(time))
}

/// `text` in the wire form of `precision`.
fn wire(text: &str, clock: &Clock, precision: Precision) -> Option<Time> {
    let ms = match precision {
        // Zero-padded, as the emulator writes it: chrono alone would read "9:46:17".
        Precision::Second => clock.parse(text).filter(|ms| clock.format(*ms) == text)?,
        Precision::Day => parse_date(text, clock)?,
    };
    Some(Time {
        ms,
        text: text.to_owned(),
    })
}

/// Midnight of `text` (`YYYY-MM-DD`) in the configured zone, as epoch milliseconds.
pub fn parse_date(text: &str, clock: &Clock) -> Option<i64> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    // Reject lenient spellings such as "2024-1-2": the wire format is zero-padded.
    if date.format("%Y-%m-%d").to_string() != text {
        return None;
    }
    let midnight = date.and_hms_opt(0, 0, 0)?;
    let local = clock.zone().from_local_datetime(&midnight).single()?;
    Some(local.timestamp_millis())
}

/// The instant `value` names in a form other than the wire's, and that form's name.
fn other_form(value: &Value, clock: &Clock) -> Option<(i64, &'static str)> {
    let epoch = |n: i64| (1_000_000_000_000..10_000_000_000_000).contains(&n);
    match value {
        Value::Number(n) => n
            .as_i64()
            .filter(|n| epoch(*n))
            .map(|n| (n, "epoch milliseconds")),
        Value::String(s) if s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok().map(|n| (n, "epoch milliseconds"))
        }
        Value::String(s) => iso_8601(s, clock).map(|ms| (ms, "ISO 8601")),
        _ => None,
    }
}

/// ISO 8601 with an offset (`+08:00`, `+0800`, `Z`), or without one in the configured
/// zone; a `T` or a space between date and time; fractions of a second allowed. A
/// date's wire text with a time (`2024-11-14 09:46:17` for a date) is read too.
fn iso_8601(text: &str, clock: &Clock) -> Option<i64> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(at) = DateTime::parse_from_str(text, format) {
            return Some(at.timestamp_millis());
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            let local = clock.zone().from_local_datetime(&naive).single()?;
            return Some(local.timestamp_millis());
        }
    }
    None
}

/// The wire time of the instant `ms`, to the whole second or the day in the configured
/// zone; `None` outside the years the wire form holds (0–9999).
fn from_ms(ms: i64, clock: &Clock, precision: Precision) -> Option<Time> {
    let text = clock.format(ms.div_euclid(1000) * 1000);
    let text = match precision {
        Precision::Second => text,
        Precision::Day => text.get(..10)?.to_owned(),
    };
    wire(&text, clock, precision)
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;
    use serde_json::json;

    use super::*;
    use crate::{mode::Mode, runtime::rules::Warnings};

    fn clock() -> Clock {
        Clock::new(FixedOffset::east_opt(8 * 3600).unwrap())
    }

    fn lenient(value: Value, precision: Precision) -> Option<String> {
        let judge = Judge::new(Mode::Lenient, Warnings::default());
        read(&judge, "t", &value, &clock(), precision)
            .unwrap()
            .map(|t| t.text)
    }

    #[test]
    fn other_forms_are_read_into_the_configured_zone() {
        let second = |v: Value| lenient(v, Precision::Second);
        let at = Some("2024-11-14 09:46:17".to_owned());
        assert_eq!(second(json!("2024-11-14 09:46:17")), at);
        assert_eq!(second(json!("2024-11-14T09:46:17+08:00")), at);
        assert_eq!(second(json!("2024-11-14T01:46:17Z")), at);
        assert_eq!(second(json!("2024-11-14T01:46:17.999Z")), at);
        assert_eq!(second(json!("2024-11-14T09:46:17+0800")), at);
        assert_eq!(second(json!("2024-11-14T09:46:17")), at);
        assert_eq!(second(json!("2024-11-14 9:46:17")), at);
        assert_eq!(second(json!(1731548777000_i64)), at);
        assert_eq!(second(json!("1731548777000")), at);
        let day = |v: Value| lenient(v, Precision::Day);
        let date = Some("2024-11-14".to_owned());
        assert_eq!(day(json!("2024-11-14")), date);
        assert_eq!(day(json!("2024-11-13T16:00:00Z")), date);
        assert_eq!(day(json!(1731548777000_i64)), date);
    }

    #[test]
    fn text_that_cannot_be_a_time_is_none() {
        for value in [
            json!("tomorrow"),
            json!("2024-13-01 00:00:00"),
            json!(17),
            json!("1731548777"),
            json!(true),
            json!("99999-01-01T00:00:00Z"),
        ] {
            assert_eq!(lenient(value.clone(), Precision::Second), None, "{value}");
        }
        assert_eq!(lenient(json!("2024-1-2"), Precision::Day), None);
    }

    #[test]
    fn a_strict_account_is_refused_another_form() {
        let judge = Judge::new(Mode::Strict, Warnings::default());
        let value = json!("2024-11-14T09:46:17+08:00");
        let refused = read(&judge, "assignTime", &value, &clock(), Precision::Second);
        let refused = refused.unwrap_err();
        assert_eq!(refused.rule.id, "openapi.field.time-format");
        assert!(
            refused.detail.contains("`assignTime` is ISO 8601"),
            "{}",
            refused.detail
        );
    }
}
