//! The parameters several operations share: relation and object types, `maxResults`,
//! `nextToken`, instance ids (docs/dingtalk-v1.md#paging-and-queries).

use super::error::{V1Error, V1Result};
pub use crate::store::dingtalk::RELATION_TYPES;
use crate::{
    runtime::rules::{dingtalk_v1 as v1, Judge},
    store::dingtalk::CRM_CUSTOMER,
};

/// The object type of contacts.
pub const CRM_CONTACT: &str = "crm_contact";

/// The default and the largest `maxResults`.
pub const MAX_RESULTS: usize = 100;

/// `relationType`, `crm_customer` when absent; another value is refused for every corp.
pub fn relation_type(key: &str, given: Option<String>) -> V1Result<String> {
    match given.filter(|t| !t.is_empty()) {
        None => Ok(CRM_CUSTOMER.to_owned()),
        Some(t) if RELATION_TYPES.contains(&t.as_str()) => Ok(t),
        Some(t) => Err(V1Error::refused(
            &v1::RELATION_TYPE_KNOWN,
            format!("{key} {t:?} is not one of {}", RELATION_TYPES.join(", ")),
        )),
    }
}

/// `objectType` among `known` (`default` when absent). A strict corp is refused another;
/// a lenient one gets `None` (the caller stores `crm_customer` or answers an empty
/// page) and a warning.
pub fn object_type(
    judge: &Judge,
    given: Option<String>,
    known: &[&str],
    default: &str,
) -> V1Result<Option<String>> {
    match given.filter(|t| !t.is_empty()) {
        None => Ok(Some(default.to_owned())),
        Some(t) if known.contains(&t.as_str()) => Ok(Some(t)),
        Some(t) => {
            let detail = format!("objectType {t:?} is not one of {}", known.join(", "));
            judge.check(&v1::OBJECT_TYPE_KNOWN, detail)?;
            Ok(None)
        }
    }
}

/// `maxResults`, 1–100 (the default when absent): outside it, a strict corp is refused
/// and a lenient one clamped.
pub fn max_results(judge: &Judge, given: Option<i64>) -> V1Result<usize> {
    let Some(n) = given else {
        return Ok(MAX_RESULTS);
    };
    let limit = i64::try_from(MAX_RESULTS).unwrap_or(i64::MAX);
    if (1..=limit).contains(&n) {
        return Ok(usize::try_from(n).unwrap_or(MAX_RESULTS));
    }
    let detail = format!("maxResults is {n}; it must be 1 to {MAX_RESULTS}");
    judge.check(&v1::MAX_RESULTS_RANGE, detail)?;
    Ok(MAX_RESULTS)
}

/// A `maxResults` sent in the query string: a whole number, else refused.
pub fn query_number(key: &str, given: Option<&str>) -> V1Result<Option<i64>> {
    given
        .filter(|v| !v.is_empty())
        .map(|text| {
            text.trim().parse::<i64>().map_err(|_| {
                V1Error::refused(
                    &v1::QUERY_FORM,
                    format!("{key} must be a number, got {text:?}"),
                )
            })
        })
        .transpose()
}

/// The id after which a page starts: absent, `""` and `"0"` start at the beginning; any
/// other text must be one of the emulator's tokens (1–19 digits).
pub fn next_token(given: Option<&str>) -> V1Result<i64> {
    match given.map(str::trim) {
        None | Some("") | Some("0") => Ok(0),
        Some(text) => crate::ids::parse(text).ok_or_else(|| {
            V1Error::refused(
                &v1::NEXT_TOKEN_FORM,
                format!("nextToken {text:?} is not a token this emulator gave"),
            )
        }),
    }
}

/// The `nextToken` of a page: the last record's id when more follow.
pub fn token_after(last: Option<i64>, has_more: bool) -> Option<String> {
    last.filter(|_| has_more).map(|id| id.to_string())
}

/// A batch of `count` items: 1–100, else a strict corp is refused.
pub fn batch_size(judge: &Judge, key: &str, count: usize) -> V1Result<()> {
    if (1..=MAX_RESULTS).contains(&count) {
        return Ok(());
    }
    let detail = format!("{key} has {count} items; it must have 1 to {MAX_RESULTS}");
    judge.check(&v1::BATCH_SIZE, detail).map_err(V1Error::from)
}
