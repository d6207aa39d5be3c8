//! Machinery that exists only on SQLite, where this process is the only writer it
//! knows of: the writer turn ([`writer`]) and the WAL checkpoints ([`checkpoint`]).

pub mod checkpoint;
pub mod writer;

pub use writer::{WriteTurn, Writer};
