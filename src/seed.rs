//! `--seed FILE` (`docs/running.md#start-up`): an export document (or a hand-written
//! subset of one) imported at start-up into an empty database.
//!
//! The file is read and checked before the database is first touched, so a bad seed
//! stops the first start without leaving the database initialised: once the file is
//! fixed, the next start still finds it empty and imports it.

use std::path::Path;

use crate::{
    admin::{document::Document, import::to_snapshot},
    ids::IdGenerator,
    json::BodyError,
    mode::Mode,
    runtime::clock::Clock,
    store::{snapshot::Snapshot, Store, StoreError},
};

/// A seed file that cannot be read or is not a valid export document.
#[derive(Debug, thiserror::Error)]
#[error("seed file {file}: {detail}")]
pub struct SeedError {
    /// The file, as given.
    pub file: String,
    /// What is wrong with it, naming the first bad path.
    pub detail: String,
}

/// Reads and checks the seed file; the error names the file and the first bad path.
pub fn load(
    file: &Path,
    clock: &Clock,
    ids: &IdGenerator,
    mode: Mode,
) -> Result<Snapshot, SeedError> {
    let fault = |detail: String| SeedError {
        file: file.display().to_string(),
        detail,
    };
    let bytes = std::fs::read(file).map_err(|e| fault(format!("cannot read it: {e}")))?;
    let doc: Document = crate::json::parse(&bytes).map_err(|e| {
        fault(match e {
            BodyError::Shape { path, message } => BodyError::shape_detail(&path, &message),
            BodyError::Syntax(message) => format!("malformed JSON: {message}"),
            BodyError::Empty => "the file is empty: expected a JSON object".into(),
            other => format!("{other:?}"),
        })
    })?;
    to_snapshot(doc, clock, ids, mode).map_err(|e| fault(e.to_string()))
}

/// Imports a loaded seed into a database that was empty until this start (the default
/// tenants were just created; the seed replaces them, as an import does).
pub async fn import(
    store: &Store,
    file: &Path,
    snapshot: &Snapshot,
    now_ms: i64,
) -> Result<(), StoreError> {
    store.restore(snapshot, now_ms).await?;
    tracing::info!(
        seed = %file.display(),
        corps = snapshot.corps.len(),
        accounts = snapshot.accounts.len(),
        "seed file imported"
    );
    Ok(())
}
