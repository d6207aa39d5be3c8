//! DingTalk's global error table (`docs/dingtalk.md#envelope-and-errors`), as far as the
//! emulator answers it: each `errcode` with the vendor's message. The errors the emulator
//! makes ([`DtError::errmsg`](super::DtError::errmsg)) and the faults injected through
//! the control plane ([`injected_errmsg`]) both read their messages here.

/// What the emulator adds after DingTalk's message for a code.
#[derive(Clone, Copy)]
pub(super) enum Detail {
    /// Nothing: the message says it all.
    None,
    /// Always this hint.
    Hint(&'static str),
    /// The field, value or header at fault, which each error names itself.
    Named,
}

impl Detail {
    /// The fixed hint, if the code has one.
    pub(super) fn hint(self) -> Option<&'static str> {
        match self {
            Detail::Hint(hint) => Some(hint),
            Detail::None | Detail::Named => None,
        }
    }
}

/// Each `errcode`, the vendor's message (基础消息), and what the emulator adds after
/// it: the one place that knows a code's message, as
/// [`DtError::errcode`](super::DtError::errcode) is the one place that picks codes.
const ERRCODES: [(i64, &str, Detail); 18] = [
    (-1, "系统繁忙", Detail::None),
    (404, "请求的URI地址不存在", Detail::None),
    (
        40014,
        "不合法的access_token",
        Detail::Hint("unknown access_token; fetch one from /gettoken"),
    ),
    (
        41001,
        "缺少access_token参数",
        Detail::Hint("the access_token query parameter is required"),
    ),
    (
        42001,
        "access_token超时",
        Detail::Hint("the access_token has expired; fetch a new one from /gettoken"),
    ),
    (40089, "不合法的corpid或corpsecret", Detail::Named),
    (
        41002,
        "缺少corpid参数",
        Detail::Hint("give corpid and corpsecret, or appkey and appsecret"),
    ),
    (41004, "缺少secret参数", Detail::Named),
    (
        41009,
        "缺少UserID",
        Detail::Hint("the user_id query parameter is required"),
    ),
    (60121, "找不到该用户", Detail::Named),
    (40035, "不合法的参数", Detail::Named),
    (41101, "数据内容过长", Detail::Named),
    (43001, "需要GET请求", Detail::None),
    (43002, "需要POST请求", Detail::None),
    (43004, "无效的HTTP HEADER Content-Type", Detail::Named),
    (44002, "POST的数据包为空", Detail::None),
    (47001, "解析JSON/XML内容错误", Detail::Named),
    (45009, "接口调用超过限制", Detail::Named),
];

/// The message of `errcode` and what follows it, if the table has the code.
pub(super) fn entry(errcode: i64) -> Option<(&'static str, Detail)> {
    ERRCODES
        .iter()
        .find(|(code, ..)| *code == errcode)
        .map(|&(_, message, detail)| (message, detail))
}

/// `message: detail`, or the message alone.
pub(super) fn compose(message: &str, detail: Option<&str>) -> String {
    match detail {
        Some(detail) => format!("{message}: {detail}"),
        None => message.to_owned(),
    }
}

/// DingTalk's message for `errcode`, if the emulator knows the code.
pub fn vendor_message(errcode: i64) -> Option<&'static str> {
    entry(errcode).map(|(message, _)| message)
}

/// The `errmsg` of a fault injected with `errcode`: the code's message as the emulator
/// answers it, with "injected fault" where an error would name what is at fault, or
/// just "injected fault" for a code the emulator does not know.
pub fn injected_errmsg(errcode: i64) -> String {
    match entry(errcode) {
        Some((message, Detail::Named)) => compose(message, Some("injected fault")),
        Some((message, detail)) => compose(message, detail.hint()),
        None => "injected fault".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_codes_carry_the_vendor_message() {
        assert_eq!(injected_errmsg(-1), "系统繁忙");
        assert_eq!(injected_errmsg(43001), "需要GET请求");
        assert_eq!(injected_errmsg(45009), "接口调用超过限制: injected fault");
        assert_eq!(
            injected_errmsg(42001),
            "access_token超时: the access_token has expired; fetch a new one from /gettoken"
        );
        assert_eq!(injected_errmsg(12345), "injected fault");
    }
}
