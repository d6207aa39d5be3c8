//! The schema's migrations, and the texts some of them were first released with.
//!
//! sqlx refuses to start on a database whose applied migration's checksum (the SHA-384
//! of its text) differs from the file's. Comments in a few migrations were reworded
//! after release without changing what they do; [`run`] first moves the checksums those
//! databases recorded for the old texts to the new ones, then migrates as usual.

use sqlx::{
    migrate::{Migrate, MigrateError, Migrator},
    Connection, Database, Encode, Executor, IntoArguments, Pool, Type,
};

use super::error::StoreResult;

/// One backend's migrations, and the (version, SHA-384 of the text first released) of
/// those reworded since.
pub(super) struct Schema {
    migrator: Migrator,
    retired: &'static [(i64, &'static str)],
}

pub(super) static SQLITE: Schema = Schema {
    migrator: sqlx::migrate!("migrations/sqlite"),
    retired: &SQLITE_RETIRED,
};

pub(super) static POSTGRES: Schema = Schema {
    migrator: sqlx::migrate!("migrations/postgres"),
    retired: &POSTGRES_RETIRED,
};

const SQLITE_RETIRED: [(i64, &str); 4] = [
    (2, "445bee322fc4e16a63182dc0b263a2cb462a114eccaea50779f5aa6fd487dd8bb909a65d23c6130c7cfa5b878e915ff5"),
    (3, "03cc8f55c286e1abb9a5528146474eb15732e1802e95c047fa9adb2e9f9143ef26cb058c4075f6ff8a670be9ed39519c"),
    (4, "f96ab460bb600a30f9a8b794edfd00c40265c6d4c9b5e73b901e3e37a95bce8317ac0302c2a428be138a5e7e88c17ef3"),
    (10, "6dbbdf6b10602725d50a6cb2a848a61015003a2caa313e4edb224fd88652793ed05df3362a31df06cec04f5bda661dc5"),
];

const POSTGRES_RETIRED: [(i64, &str); 4] = [
    (2, "7687b13e6e27bc74261b70848be9adf185f095373fe61bef7b2aab2aa4eb766951eeab7f7ad01eb26eac09d4b2b13ace"),
    (3, "a49c29bc357b14c6d4ee96864f46451d53fe505f57505f37cba2655b4280eb2b226b713ee51c2f3f386c15186ae3db1b"),
    (4, "f96ab460bb600a30f9a8b794edfd00c40265c6d4c9b5e73b901e3e37a95bce8317ac0302c2a428be138a5e7e88c17ef3"),
    (10, "fc0562eb4395f4c021242cce0734151730d907e2b04e12f89b2662c0b2b14591080720cd15c00e978809a070079ef52f"),
];

impl Schema {
    /// Brings the schema of `pool` up to date, first accepting the texts `retired`
    /// names as earlier spellings of their migrations. Holds the migration lock
    /// (Postgres: an advisory lock) throughout, so several instances may start at once.
    pub(super) async fn run<DB>(&self, pool: &Pool<DB>) -> StoreResult<()>
    where
        DB: Database,
        DB::Connection: Migrate,
        for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
        for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
        for<'q> Vec<u8>: Encode<'q, DB> + Type<DB>,
        for<'q> i64: Encode<'q, DB> + Type<DB>,
    {
        let mut conn = pool.acquire().await?;
        conn.lock().await?;
        let migrated: StoreResult<()> = async {
            conn.ensure_migrations_table().await?;
            for &(version, released) in self.retired {
                let current = self
                    .migrator
                    .iter()
                    .find(|migration| migration.version == version)
                    .ok_or(MigrateError::VersionMissing(version))?;
                sqlx::query::<DB>(
                    "UPDATE _sqlx_migrations SET checksum = $1 WHERE version = $2 AND checksum = $3",
                )
                .bind(current.checksum.to_vec())
                .bind(version)
                .bind(from_hex(released))
                .execute(&mut *conn)
                .await?;
            }
            Ok(self.migrator.run_direct(&mut *conn).await?)
        }
        .await;
        // A connection that failed mid-way is closed rather than pooled with the lock held.
        match migrated {
            Ok(()) => Ok(conn.unlock().await?),
            Err(err) => {
                let _closed = conn.detach().close().await;
                Err(err)
            }
        }
    }
}

/// The bytes `hex` spells (two lowercase hex digits a byte; the constants above).
fn from_hex(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_checksums_are_sha384_in_hex() {
        for (_, hex) in SQLITE_RETIRED.iter().chain(&POSTGRES_RETIRED) {
            assert_eq!(from_hex(hex).len(), 48, "{hex}");
        }
    }

    #[test]
    fn the_current_texts_differ_from_the_released_ones() {
        for schema in [&SQLITE, &POSTGRES] {
            for (version, hex) in schema.retired {
                let current = schema.migrator.iter().find(|m| m.version == *version);
                let current = current.map(|m| m.checksum.to_vec());
                assert!(current.is_some(), "migration {version} exists");
                assert_ne!(current, Some(from_hex(hex)), "migration {version}");
            }
        }
    }
}
