//! [`Backend`]: which database engine runs, and the few SQL fragments the two
//! dialects spell differently.

/// Which database engine the store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// What follows a `SELECT` that reads a row it will update in the same
    /// transaction. SQLite's `BEGIN IMMEDIATE` already holds the write lock.
    pub fn lock_row(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// The database's clock in epoch milliseconds, real time: leases are timed by it,
    /// so instances on hosts whose clocks differ still agree on when one expires.
    pub fn now_ms(self) -> &'static str {
        match self {
            Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            Backend::Postgres => "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)",
        }
    }

    /// What follows the `SELECT` of a row to claim among many, so that concurrent
    /// claimers each take a different one (SQLite has one writer at a time).
    pub fn skip_locked(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The function giving the 1-based position of a substring (0 when absent).
    pub fn position_function(self) -> &'static str {
        match self {
            Backend::Sqlite => "instr",
            Backend::Postgres => "strpos",
        }
    }

    /// A text parameter compared like the schema's text columns: byte order
    /// (SQLite's default; `COLLATE "C"` on Postgres).
    pub fn text_param(self, placeholder: &str) -> String {
        match self {
            Backend::Sqlite => format!("CAST({placeholder} AS TEXT)"),
            Backend::Postgres => format!("(CAST({placeholder} AS TEXT) COLLATE \"C\")"),
        }
    }

    /// The JSON object text `expr` without its key `key` (a constant of the store's,
    /// never a client's text). Postgres gives the rest back re-serialized.
    pub fn json_remove(self, expr: &str, key: &str) -> String {
        match self {
            Backend::Sqlite => format!("json_remove({expr}, '$.{key}')"),
            Backend::Postgres => format!("((({expr})::jsonb) - '{key}')::text"),
        }
    }

    /// The text of the value under the key bound at `key` in the JSON object text
    /// `column`: a string as itself, an object's `value` member (a v1.0 `data` value in
    /// its object form), anything else as its JSON text; NULL where the key is absent.
    /// `key` is bound twice, as `first` and `second` (SQLite reads a path: `$."<key>"`).
    pub fn json_text(self, column: &str, first: &str, second: &str) -> String {
        match self {
            Backend::Sqlite => format!(
                "COALESCE(CAST(json_extract({column}, {first} || '.value') AS TEXT), \
                 CAST(json_extract({column}, {second}) AS TEXT))"
            ),
            Backend::Postgres => format!(
                "COALESCE(({column})::jsonb -> {first} ->> 'value', ({column})::jsonb ->> {second})"
            ),
        }
    }
}
