//! Envelopes for faults injected through the control plane (`/_emulator/faults`).

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::DtError;

/// Every error the emulator produces, one of each code, to find the vendor message of
/// an injected `errcode`.
fn known() -> [DtError; 18] {
    let detail = || "injected fault".to_owned();
    [
        DtError::Timeout,
        DtError::UnknownPath,
        DtError::InvalidToken,
        DtError::MissingToken,
        DtError::TokenExpired,
        DtError::BadCredentials(detail()),
        DtError::MissingCorpid,
        DtError::MissingSecret(detail()),
        DtError::MissingUserId,
        DtError::UnknownUser(detail()),
        DtError::InvalidParam(detail()),
        DtError::TooLong(detail()),
        DtError::NeedGet,
        DtError::NeedPost,
        DtError::BadContentType(detail()),
        DtError::EmptyBody,
        DtError::BadJson(detail()),
        DtError::RateLimited(detail()),
    ]
}

/// The answer to a call hit by an injected fault: the given `errcode` (default -1) with
/// its vendor message (or "injected fault" for a code the emulator does not know), with
/// HTTP 200 like every DingTalk answer unless the rule asks for another HTTP status.
pub fn response(errcode: Option<i64>, status: Option<StatusCode>) -> Response {
    let errcode = errcode.unwrap_or(-1);
    let errmsg = if errcode == -1 {
        "系统繁忙".to_owned()
    } else {
        known()
            .into_iter()
            .find(|e| e.errcode() == errcode)
            .map_or_else(|| "injected fault".to_owned(), |e| e.errmsg())
    };
    let mut response = DtError::Injected { errcode, errmsg }.into_response();
    if let Some(status) = status {
        *response.status_mut() = status;
    }
    response
}
