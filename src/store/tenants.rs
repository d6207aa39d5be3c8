//! What the two kinds of tenant share: the mode that decides how the rules the emulator
//! only guesses apply to them (`docs/rules.md#strict-and-lenient`), and the well-known
//! credentials of the tenants created on first start
//! (`docs/control-plane.md#well-known-credentials`). The tenants themselves are the
//! APIs': corps in [`super::dingtalk`], accounts in [`super::openapi`].

/// The well-known DingTalk corp created on first start (in `--default-mode`).
pub const DEFAULT_CORPID: &str = "dingemulator";
pub const DEFAULT_CORPSECRET: &str = "emulator-secret";
pub const DEFAULT_APPKEY: &str = "dingemulatorkey";
pub const DEFAULT_APPSECRET: &str = "emulator-secret";
/// The well-known OpenAPI account created on first start.
pub const DEFAULT_APPID: &str = "1090";
pub const DEFAULT_ACCOUNT_SECRET: &str = "emulator-secret";

pub use crate::mode::Mode;
