//! What both databases can store (issue 11, item 1): a NUL character. Each refusal test
//! failed before its fix, with a 500 (errcode -1) on Postgres.

mod nul;
