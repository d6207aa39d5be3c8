//! `--seed FILE` (SPEC §3): an export document (or a hand-written subset of one)
//! imported at start-up into an empty database.

use std::path::Path;

use crate::{
    admin::{document::Document, import::to_snapshot},
    app::{AppState, StartupError},
    json::BodyError,
};

/// Imports the seed file into a database that was empty until this start (where the
/// default tenants were just created; the seed replaces them, as an import does).
pub async fn import(state: &AppState, file: &Path) -> Result<(), StartupError> {
    let fault = |detail: String| StartupError::Seed {
        file: file.display().to_string(),
        detail,
    };
    let bytes = std::fs::read(file).map_err(|e| fault(format!("cannot read it: {e}")))?;
    let doc: Document = crate::json::parse(&bytes).map_err(|e| {
        fault(match e {
            BodyError::Shape { path, message } => BodyError::shape_detail(&path, &message),
            BodyError::Syntax(message) => format!("malformed JSON: {message}"),
            other => format!("{other:?}"),
        })
    })?;
    let snapshot = to_snapshot(doc, &state.clock, &state.ids).map_err(|e| fault(e.to_string()))?;
    state.store.restore(&snapshot, state.clock.now_ms()).await?;
    tracing::info!(
        seed = %file.display(),
        corps = snapshot.corps.len(),
        accounts = snapshot.accounts.len(),
        "seed file imported"
    );
    Ok(())
}
