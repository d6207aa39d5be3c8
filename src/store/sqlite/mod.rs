//! Machinery that exists only on SQLite, where this process is the only writer it
//! knows of: the writer turn ([`writer`]), the WAL checkpoints ([`checkpoint`]), and
//! which URLs name a database in memory ([`in_memory`]).

pub mod checkpoint;
pub mod writer;

pub use writer::{WriteTurn, Writer};

/// Whether the SQLite `url` names a database in memory, not a file.
pub fn in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}
