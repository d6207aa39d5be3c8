//! Custom field definitions of an account (`docs/openapi.md#custom-fields`): their domain
//! types and the validation of a definition before it is stored.

use serde::{Deserialize, Serialize};

/// The type of a field; decides which values it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Datetime,
    Select,
    MultiSelect,
    Cascade,
    Phone,
    Email,
}

impl FieldType {
    /// Every type, in the documented order.
    pub const ALL: [FieldType; 10] = [
        FieldType::Text,
        FieldType::Textarea,
        FieldType::Number,
        FieldType::Date,
        FieldType::Datetime,
        FieldType::Select,
        FieldType::MultiSelect,
        FieldType::Cascade,
        FieldType::Phone,
        FieldType::Email,
    ];

    /// The type's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Textarea => "textarea",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Select => "select",
            FieldType::MultiSelect => "multiSelect",
            FieldType::Cascade => "cascade",
            FieldType::Phone => "phone",
            FieldType::Email => "email",
        }
    }

    /// The type named `name` (exact spelling), if any.
    pub fn parse(name: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Whether a value of this type is a list (a condition holds when any element does).
    pub fn is_list(self) -> bool {
        matches!(self, FieldType::MultiSelect | FieldType::Cascade)
    }

    /// Whether values of this type are compared as numbers (dates as epoch ms).
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Number | FieldType::Date | FieldType::Datetime
        )
    }
}

/// One choice of a select or multi-select field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub is_default: bool,
}

/// The options tree of a cascade field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CascadeOptions {
    /// How deep the tree is.
    pub level: i64,
    /// How many levels a value must fill at least.
    pub fill_level: i64,
    pub children: Vec<CascadeNode>,
}

/// A node of a cascade options tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(no_recursion)]
pub struct CascadeNode {
    pub key: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CascadeNode>,
}

/// Field status: 1 on, 0 off (kept, not writable), -1 deleted (hidden).
pub const STATUS_ON: i64 = 1;
pub const STATUS_OFF: i64 = 0;
pub const STATUS_DELETED: i64 = -1;

/// A custom field of an account, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomField {
    pub account_id: i64,
    /// The field id (`glFieldId`, `field` and `param` on the wire).
    pub field: String,
    pub name: String,
    pub field_type: FieldType,
    pub status: i64,
    pub searchable: bool,
    pub required: bool,
    pub choices: Option<Vec<Choice>>,
    pub options: Option<CascadeOptions>,
    pub sort: i64,
    pub create_time: i64,
    pub update_time: i64,
    pub create_agent: String,
    pub update_agent: String,
}

impl CustomField {
    pub fn is_enabled(&self) -> bool {
        self.status == STATUS_ON
    }
}

/// What the control plane gives to create a custom field.
#[derive(Clone, Debug, Default)]
pub struct NewCustomField {
    /// The field id; generated as `{type}_{4 alnum}_{epoch ms}` when absent.
    pub field: Option<String>,
    pub name: String,
    pub field_type: Option<FieldType>,
    pub required: bool,
    /// Custom fields are searchable unless created with `searchable: false`.
    pub searchable: Option<bool>,
    pub choices: Option<Vec<Choice>>,
    pub options: Option<CascadeOptions>,
}

/// A [`NewCustomField`] that passed [`NewCustomField::validate`]; only these are stored.
#[derive(Clone, Debug)]
pub struct ValidCustomField(pub(super) NewCustomField, pub(super) FieldType);

/// A change to a custom field's switches or choices (the control plane's PATCH).
#[derive(Clone, Debug, Default)]
pub struct CustomFieldUpdate {
    pub name: Option<String>,
    pub status: Option<i64>,
    pub required: Option<bool>,
    pub searchable: Option<bool>,
    /// For select and multiSelect fields; checked with [`check_choices`].
    pub choices: Option<Vec<Choice>>,
}

/// The keys of the customer record's system fields, in the record's order.
pub const RECORD_KEYS: [&str; 19] = [
    "_id",
    "accountId",
    "customerName",
    "owner",
    "firstOwner",
    "assignTime",
    "firstAssignTime",
    "createMethod",
    "mobile",
    "email",
    "qq",
    "wechat",
    "customerSource",
    "visitorId",
    "openSeaIds",
    "createTime",
    "updateTime",
    "createAgent",
    "updateAgent",
];

/// Whether a custom field id would clash with a key of the record (or with `id`, the
/// key of `/openapi/crm/delete`).
fn is_reserved(id: &str) -> bool {
    id == "id" || RECORD_KEYS.contains(&id)
}

impl NewCustomField {
    /// Checks the definition; the message names the key at fault.
    pub fn validate(self) -> Result<ValidCustomField, String> {
        let field_type = self
            .field_type
            .ok_or_else(|| format!("`type` is required; one of: {}", type_names()))?;
        if self.name.trim().is_empty() {
            return Err("`name` is required and must not be blank".into());
        }
        if let Some(id) = &self.field {
            check_field_id(id)?;
        }
        match field_type {
            FieldType::Select | FieldType::MultiSelect => check_choices(self.choices.as_deref())?,
            _ if self.choices.is_some() => {
                return Err(format!(
                    "`choices` applies to select and multiSelect fields, not {}",
                    field_type.as_str()
                ))
            }
            _ => {}
        }
        match (field_type, &self.options) {
            (FieldType::Cascade, Some(options)) => check_options(options)?,
            (FieldType::Cascade, None) => return Err("a cascade field needs `options`".into()),
            (_, Some(_)) => return Err("`options` applies to cascade fields only".into()),
            (_, None) => {}
        }
        Ok(ValidCustomField(self, field_type))
    }
}

/// The names of every type, for error messages.
pub fn type_names() -> String {
    FieldType::ALL.map(FieldType::as_str).join(", ")
}

fn check_field_id(id: &str) -> Result<(), String> {
    let mut chars = id.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 64;
    if !well_formed {
        return Err(format!(
            "`field` {id:?} must start with a letter and hold only letters, digits and _ (at most 64)"
        ));
    }
    if is_reserved(id) {
        return Err(format!("`field` {id:?} is a key of the customer record"));
    }
    Ok(())
}

/// A select's choices: at least one, each with a key and a value, keys unique.
pub fn check_choices(choices: Option<&[Choice]>) -> Result<(), String> {
    let choices = match choices {
        Some(c) if !c.is_empty() => c,
        _ => return Err("a select or multiSelect field needs a non-empty `choices` list".into()),
    };
    for (i, choice) in choices.iter().enumerate() {
        if choice.key.is_empty() || choice.value.is_empty() {
            return Err(format!("`choices[{i}]` needs a non-empty key and value"));
        }
        if choices[..i].iter().any(|c| c.key == choice.key) {
            return Err(format!("`choices[{i}].key` {:?} is repeated", choice.key));
        }
    }
    Ok(())
}

fn check_options(options: &CascadeOptions) -> Result<(), String> {
    if options.level < 1 || options.level > 10 {
        return Err("`options.level` must be between 1 and 10".into());
    }
    if options.fill_level < 1 || options.fill_level > options.level {
        return Err(format!(
            "`options.fillLevel` must be between 1 and level ({})",
            options.level
        ));
    }
    if options.children.is_empty() {
        return Err("`options.children` must not be empty".into());
    }
    check_nodes(&options.children, 1, options.level, "options.children")
}

fn check_nodes(nodes: &[CascadeNode], depth: i64, level: i64, path: &str) -> Result<(), String> {
    if depth > level && !nodes.is_empty() {
        return Err(format!("`{path}` is deeper than `options.level` ({level})"));
    }
    for (i, node) in nodes.iter().enumerate() {
        let here = format!("{path}[{i}]");
        if node.key.is_empty() || node.value.is_empty() {
            return Err(format!("`{here}` needs a non-empty key and value"));
        }
        if nodes[..i].iter().any(|n| n.key == node.key) {
            return Err(format!("`{here}.key` {:?} is repeated", node.key));
        }
        check_nodes(
            &node.children,
            depth + 1,
            level,
            &format!("{here}.children"),
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
