//! Checking an import document and turning it into a [`Snapshot`]. The serde types
//! already reject ill-typed and unknown keys (with their path); these checks catch
//! what types cannot: duplicate keys and ids, followers who are not employees, custom
//! values of unknown fields or of the wrong shape. Every failure names its path.

mod dingtalk;
mod openapi;

use std::{collections::HashSet, fmt};

use super::document::{DingTalkDoc, Document, Id, OpenApiDoc, VERSION};
use crate::{ids::IdGenerator, mode::Mode, runtime::clock::Clock, store::snapshot::Snapshot};
use dingtalk::corp_data;
use openapi::account_data;

/// Why a document was refused: the path of the first bad value and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct DocError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn fail<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, DocError> {
    Err(DocError {
        path: path.into(),
        message: message.into(),
    })
}

/// Allocates what a hand-written document leaves out: ids and times.
struct Fill<'a> {
    ids: &'a IdGenerator,
    clock: &'a Clock,
    now: i64,
    /// The mode of a tenant the document gives none (`--default-mode`).
    mode: Mode,
}

impl Fill<'_> {
    fn id(&self, id: Option<Id>) -> i64 {
        id.map_or_else(|| self.ids.next(self.now), |id| id.0)
    }
    fn time(&self, time: Option<i64>) -> i64 {
        time.unwrap_or(self.now)
    }
}

/// Checks `doc` and converts it; missing ids are allocated from `ids`, missing times
/// are the clock's now, and a tenant without a mode gets `mode`.
pub fn to_snapshot(
    doc: Document,
    clock: &Clock,
    ids: &IdGenerator,
    mode: Mode,
) -> Result<Snapshot, DocError> {
    let Document {
        version,
        dingtalk: DingTalkDoc { corps: corp_docs },
        openapi: OpenApiDoc {
            accounts: account_docs,
        },
    } = doc;
    if version != VERSION {
        return fail(
            "version",
            format!("unsupported version {version}, expected {VERSION}"),
        );
    }
    let fill = Fill {
        ids,
        clock,
        now: clock.now_ms(),
        mode,
    };
    let mut corpids = HashSet::new();
    let mut appkeys = HashSet::new();
    let mut corps = Vec::with_capacity(corp_docs.len());
    for (i, corp) in corp_docs.into_iter().enumerate() {
        let path = format!("dingtalk.corps[{i}]");
        if !corpids.insert(corp.corpid.clone()) {
            return fail(
                format!("{path}.corpid"),
                format!("duplicate corpid {:?}", corp.corpid),
            );
        }
        if let Some(appkey) = &corp.appkey {
            if !appkeys.insert(appkey.clone()) {
                return fail(
                    format!("{path}.appkey"),
                    format!("duplicate appkey {appkey:?}"),
                );
            }
        }
        corps.push(corp_data(&fill, &path, corp)?);
    }
    let mut appids = HashSet::new();
    let mut accounts = Vec::with_capacity(account_docs.len());
    for (i, account) in account_docs.into_iter().enumerate() {
        let path = format!("openapi.accounts[{i}]");
        if !appids.insert(account.appid.clone()) {
            return fail(
                format!("{path}.appid"),
                format!("duplicate appid {:?}", account.appid),
            );
        }
        accounts.push(account_data(&fill, &path, account)?);
    }
    Ok(Snapshot { corps, accounts })
}
