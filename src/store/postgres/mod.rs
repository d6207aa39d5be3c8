//! Machinery that exists only on Postgres, where other instances share the database:
//! the listener that hears their changes ([`listen`]).

pub mod listen;
