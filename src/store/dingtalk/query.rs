//! The conditions of a v1.0 query (`queryDsl`, docs/dingtalk-v1.md#paging-and-queries)
//! as the store runs them: groups ANDed, each a list of equalities joined by AND or OR,
//! compiled to bound SQL. A condition that can match nothing (a filter type the
//! emulator does not know, a key SQLite cannot name) is `1 = 0`, not an error.

use crate::store::{
    backend::Backend,
    stmt::{Arg, Stmt},
};

/// What a condition compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordField {
    /// A text column of the record: one of the columns of
    /// [`CUSTOMER_COLUMNS`](super::CUSTOMER_COLUMNS) or
    /// [`CONTACT_COLUMNS`](super::CONTACT_COLUMNS).
    Column(&'static str),
    /// A contact's customer (its decimal id).
    CustomerId,
    /// A key of the record's `data_extra`: its string, the `value` of its object form,
    /// or its JSON text.
    Extra(String),
}

/// `field` equals `value` as text; `value` `None` matches nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub field: RecordField,
    pub value: Option<String>,
}

/// Conditions joined by OR (`any`) or AND.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    pub any: bool,
    pub conditions: Vec<Condition>,
}

/// Groups that must all hold; none at all matches every record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordFilter {
    pub groups: Vec<Group>,
}

impl RecordFilter {
    /// Whether the filter holds for every record.
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.conditions.is_empty())
    }

    /// Appends ` AND (…)` for each group to `stmt`, the record being `alias`.
    pub(super) fn push<'a>(&'a self, stmt: &mut Stmt<'a>, alias: &str, backend: Backend) {
        for group in self.groups.iter().filter(|g| !g.conditions.is_empty()) {
            let joiner = if group.any { " OR " } else { " AND " };
            stmt.push(" AND (");
            for (i, condition) in group.conditions.iter().enumerate() {
                if i > 0 {
                    stmt.push(joiner);
                }
                push_condition(stmt, condition, alias, backend);
            }
            stmt.push(")");
        }
    }
}

fn push_condition<'a>(
    stmt: &mut Stmt<'a>,
    condition: &'a Condition,
    alias: &str,
    backend: Backend,
) {
    let Some(value) = &condition.value else {
        stmt.push("1 = 0");
        return;
    };
    match &condition.field {
        RecordField::Column(column) => {
            stmt.push(&format!("{alias}.{column} = ")).push_bind(value);
        }
        RecordField::CustomerId => match crate::ids::parse(value) {
            Some(id) => {
                stmt.push(&format!("{alias}.customer_id = ")).push_bind(id);
            }
            None => {
                stmt.push("1 = 0");
            }
        },
        RecordField::Extra(key) => {
            let path = match backend {
                // A JSON path names a key in double quotes, with no escape for one.
                Backend::Sqlite if key.contains(['"', '\\']) => {
                    stmt.push("1 = 0");
                    return;
                }
                Backend::Sqlite => format!("$.\"{key}\""),
                Backend::Postgres => key.clone(),
            };
            // The key is bound twice, its placeholders in order like every other.
            let first = stmt.args.len() + 1;
            stmt.args.push(Arg::from(path.clone()));
            stmt.args.push(Arg::from(path));
            let column = format!("{alias}.data_extra");
            let (first, second) = (format!("${first}"), format!("${}", first + 1));
            stmt.push(&backend.json_text(&column, &first, &second));
            stmt.push(" = ").push_bind(value);
        }
    }
}
