//! Journal entries appended with one statement (the plain twin, one insert per entry:
//! `emulator::journal::Plain`).

use super::sql::push_rows;
use crate::store::{
    db::Db,
    emulator::journal::{trim, values, JournalWrites, INSERT, TYPES},
    emulator::JournalRow,
    error::StoreFuture,
    exec::Exec,
    stmt::Stmt,
};

/// Appends with one multi-row insert (Postgres: one array per column), then trims.
#[derive(Debug)]
pub(crate) struct FastJournal;

impl JournalWrites for FastJournal {
    fn append<'a>(
        &'a self,
        db: &'a Db,
        rows: &'a [JournalRow],
        keep: i64,
        trimmed: i64,
    ) -> StoreFuture<'a, i64> {
        Box::pin(async move {
            let mut conn = db.relaxed().handle().await?;
            let arrays = conn.conn().binds_arrays();
            let mut insert = Stmt::new(INSERT);
            push_rows(
                &mut insert,
                rows.iter().map(values).collect(),
                TYPES,
                arrays,
            );
            insert.push(" RETURNING seq");
            let written: Vec<i64> = conn.fetch_column(&insert).await?;
            let newest = written.into_iter().max().unwrap_or(0);
            trim(&mut conn, newest, keep, trimmed).await
        })
    }
}
