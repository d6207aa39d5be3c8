//! The store-level form of a customer search (`docs/openapi.md#searching`): typed
//! conditions over columns or the search index, a sort, and a page. The surface parses
//! the wire search language into these; `store::openapi::sql` compiles them to SQL with
//! binds.

/// A scalar column of `oa_customers`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Id,
    CustomerName,
    Owner,
    FirstOwner,
    AssignTime,
    FirstAssignTime,
    CreateMethod,
    VisitorId,
    CreateTime,
    UpdateTime,
    CreateAgent,
    UpdateAgent,
}

impl Column {
    pub(super) fn sql(self) -> &'static str {
        match self {
            Column::Id => "c.id",
            Column::CustomerName => "c.customer_name",
            Column::Owner => "c.owner",
            Column::FirstOwner => "c.first_owner",
            Column::AssignTime => "c.assign_time",
            Column::FirstAssignTime => "c.first_assign_time",
            Column::CreateMethod => "c.create_method",
            Column::VisitorId => "c.visitor_id",
            Column::CreateTime => "c.create_time",
            Column::UpdateTime => "c.update_time",
            Column::CreateAgent => "c.create_agent",
            Column::UpdateAgent => "c.update_agent",
        }
    }

    /// Whether the column is never NULL, so that a sort on it needs no `NULLS` clause
    /// (which keeps Postgres from walking an index in order for a descending sort).
    pub(super) fn not_null(self) -> bool {
        matches!(
            self,
            Column::Id
                | Column::CustomerName
                | Column::CreateMethod
                | Column::CreateTime
                | Column::UpdateTime
                | Column::CreateAgent
                | Column::UpdateAgent
        )
    }

    /// Whether the column holds integers (ids and epoch milliseconds) rather than text.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Column::Id
                | Column::AssignTime
                | Column::FirstAssignTime
                | Column::CreateTime
                | Column::UpdateTime
        )
    }
}

/// What a condition looks at.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A scalar column.
    Column(Column),
    /// A value every customer of the account shares (`accountId`), compared as text.
    Constant(String),
    /// Elements of a list-valued field or a custom value, through the search index.
    /// `numeric` compares the index's number (numbers, dates) instead of its text.
    Values { field: String, numeric: bool },
}

/// A typed operand: text for text, `Int` for integer columns, `Real` for numeric values.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Text(String),
    Int(i64),
    Real(f64),
}

/// An operator with its operands (the count is already checked).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Eq(Operand),
    Ne(Operand),
    In(Vec<Operand>),
    Nin(Vec<Operand>),
    /// Case-sensitive substring.
    Contains(String),
    /// Case-sensitive prefix.
    StartsWith(String),
    /// Unset, `""`, or (for lists) no element.
    Empty,
    NotEmpty,
    Gt(Operand),
    Gte(Operand),
    Lt(Operand),
    Lte(Operand),
    /// Inclusive at both ends.
    Between(Operand, Operand),
}

/// One search condition; a search holds when all of its conditions do.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub target: Target,
    pub op: Op,
}

/// What to sort by. List-valued fields cannot be sort keys.
#[derive(Clone, Debug, PartialEq)]
pub enum SortKey {
    Column(Column),
    /// A single-valued custom field, through the search index.
    Value {
        field: String,
        numeric: bool,
    },
}

/// The order of a page: by `key`, then by `_id` in the same direction. Missing values
/// sort first in ascending order and last in descending order, on both backends.
#[derive(Clone, Debug, PartialEq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    /// The default: `createTime` descending, then `_id` descending.
    fn default() -> Self {
        Sort {
            key: SortKey::Column(Column::CreateTime),
            descending: true,
        }
    }
}

/// The most conditions one search may have. A search is one statement: SQLite refuses
/// an expression tree deeper than 1000 (each condition is one more `AND`; 1000
/// conditions failed where 700 ran), and the bound values of a statement are limited
/// (SQLite 32766, Postgres 65535). 100 conditions of at most
/// [`MAX_CONDITION_VALUES`] values bind at most about 20,100 values and nest about 100
/// deep: inside both, with room to spare.
pub const MAX_CONDITIONS: usize = 100;

/// The most values one condition (`in`, `nin`) may have; see [`MAX_CONDITIONS`].
pub const MAX_CONDITION_VALUES: usize = 200;

/// A page of an account's customers.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerQuery {
    pub conditions: Vec<Condition>,
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
}
