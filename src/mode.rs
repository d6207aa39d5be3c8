//! The tenant mode (`docs/rules.md#strict-and-lenient`): how a DingTalk corp or an
//! OpenAPI account meets the rules the emulator only guesses. A leaf: the store keeps it,
//! the configuration defaults it (`--default-mode`), the rulebook reads it.

use serde::{Deserialize, Serialize};

/// How a tenant meets the rules the emulator only guesses: refused (strict),
/// or served the way the real service most plausibly would, with a warning (lenient).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    sqlx::Type,
    utoipa::ToSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum Mode {
    /// Served and warned where the vendor is silent (e.g. an unknown employee is added
    /// to the directory on first use).
    Lenient,
    /// Refused by every rule, guesses included (e.g. an unknown employee is 60121).
    Strict,
}

impl Mode {
    /// The mode as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Lenient => "lenient",
            Mode::Strict => "strict",
        }
    }
}
