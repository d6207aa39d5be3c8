//! The system fields every account starts with (`docs/openapi.md#field-configuration`),
//! as the field list shows them and as writes validate them.

use std::borrow::Cow;

use crate::store::openapi::{Account, Choice, FieldType};

/// A system field: the same for every account, never disabled.
#[derive(Clone, Copy, Debug)]
pub struct SystemField {
    pub field: &'static str,
    pub name: &'static str,
    pub field_type: FieldType,
    pub required: bool,
    /// `false` for fields the emulator fills in itself (`createTime`, `updateTime`):
    /// the vendor document's "editable" filter describes "自动生成的字段不可编辑".
    pub editable: bool,
    /// Position in the field list; custom fields come after the last one.
    pub sort: i64,
}

const fn system(
    sort: i64,
    field: &'static str,
    name: &'static str,
    field_type: FieldType,
) -> SystemField {
    SystemField {
        field,
        name,
        field_type,
        required: false,
        editable: true,
        sort,
    }
}

/// The system fields, in `sort` order.
pub const SYSTEM_FIELDS: [SystemField; 12] = [
    SystemField {
        required: true,
        ..system(1, "customerName", "客户名称", FieldType::Text)
    },
    system(2, "owner", "负责人", FieldType::Text),
    system(3, "assignTime", "分配时间", FieldType::Datetime),
    system(4, "createMethod", "创建方式", FieldType::Text),
    system(5, "mobile", "手机", FieldType::Phone),
    system(6, "email", "邮箱", FieldType::Email),
    system(7, "qq", "QQ", FieldType::Text),
    system(8, "wechat", "微信", FieldType::Text),
    system(9, "customerSource", "客户来源", FieldType::MultiSelect),
    system(10, "visitorId", "访客ID", FieldType::Text),
    SystemField {
        editable: false,
        ..system(11, "createTime", "创建时间", FieldType::Datetime)
    },
    SystemField {
        editable: false,
        ..system(12, "updateTime", "更新时间", FieldType::Datetime)
    },
];

/// The default choices of the system `customerSource` multi-select. The vendor document's
/// example uses `试用申请`; the others are the usual sources of a Chinese CRM. Each choice's
/// key is its value, so a stored source reads the same as it was written. The control
/// plane can give an account its own ([`customer_sources`]).
pub const CUSTOMER_SOURCES: [&str; 7] = [
    "试用申请",
    "官网注册",
    "电话咨询",
    "在线咨询",
    "市场活动",
    "客户推荐",
    "其他",
];

/// The account's `customerSource` choices: its own, else [`CUSTOMER_SOURCES`].
pub fn customer_sources(account: &Account) -> Cow<'_, [Choice]> {
    match &account.customer_sources {
        Some(choices) => Cow::Borrowed(choices),
        None => Cow::Owned(
            CUSTOMER_SOURCES
                .iter()
                .map(|s| Choice {
                    key: (*s).into(),
                    value: (*s).into(),
                    is_default: false,
                })
                .collect(),
        ),
    }
}

/// Who "created" the system fields, as the field list shows it.
pub const SYSTEM_AGENT: &str = "system";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_fields_are_in_sort_order_and_only_customer_name_is_required() {
        for (i, f) in SYSTEM_FIELDS.iter().enumerate() {
            assert_eq!(f.sort, i as i64 + 1, "{}", f.field);
            assert_eq!(f.required, f.field == "customerName");
        }
        assert_eq!(
            SYSTEM_FIELDS.last().map(|f| f.sort),
            Some(crate::store::openapi::LAST_SYSTEM_SORT)
        );
        assert!(CUSTOMER_SOURCES.contains(&"试用申请"));
        assert!(SYSTEM_FIELDS.iter().any(|f| f.field == "customerSource"));
    }
}
