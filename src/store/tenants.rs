//! What the two kinds of tenant share: the mode that decides how an unknown employee
//! is treated, and the well-known credentials of the tenants created on first start
//! (SPEC §3). The tenants themselves are the APIs': corps in [`super::dingtalk`],
//! accounts in [`super::openapi`].

use serde::{Deserialize, Serialize};

/// The well-known DingTalk corp created on first start (lenient mode).
pub const DEFAULT_CORPID: &str = "dingemulator";
pub const DEFAULT_CORPSECRET: &str = "emulator-secret";
pub const DEFAULT_APPKEY: &str = "dingemulatorkey";
pub const DEFAULT_APPSECRET: &str = "emulator-secret";
/// The well-known OpenAPI account created on first start.
pub const DEFAULT_APPID: &str = "1090";
pub const DEFAULT_ACCOUNT_SECRET: &str = "emulator-secret";

/// How a corp treats a `user_id` that is not in its employee directory (SPEC §1.4).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum CorpMode {
    /// Unknown employees are added to the directory on first use.
    Lenient,
    /// Unknown employees are rejected with 60121.
    Strict,
}

impl CorpMode {
    /// The mode as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CorpMode::Lenient => "lenient",
            CorpMode::Strict => "strict",
        }
    }
}
