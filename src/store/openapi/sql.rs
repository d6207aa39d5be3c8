//! Compiles a [`CustomerQuery`](super::filter::CustomerQuery) into SQL with numbered
//! binds, the same text for both backends except where noted.
//!
//! Conditions on list-valued fields and custom values go through the search index
//! `oa_customer_values`: a positive condition is `c.id IN (SELECT customer_id … WHERE
//! account_id = $1 AND field = $f AND <predicate>)`, which both engines answer from the
//! `(account_id, field, value)` / `(account_id, field, num)` indexes; `ne`, `nin` and
//! `empty` ("no element matches") are `NOT EXISTS` over the customer's own index rows.
//! Text comparisons are case-sensitive byte order on both backends (SQLite's default,
//! `COLLATE "C"` columns on Postgres).

use super::filter::{Column, Condition, Op, Operand, Sort, SortKey, Target};
use crate::store::{
    db::Backend,
    stmt::{Arg, Stmt},
};

/// A `WHERE` clause being built: its text and binds, `$1` being the first. Other
/// clauses of the query add their binds after these.
#[derive(Clone, Debug, Default)]
pub(super) struct Sql {
    pub text: String,
    binds: Vec<Operand>,
    /// Whether the statement must be planned for its own values each time rather than
    /// with a prepared statement's generic plan (a trigram `LIKE` on Postgres).
    pub plan_per_call: bool,
}

impl Sql {
    /// Adds a bind and returns its placeholder.
    pub fn bind(&mut self, operand: Operand) -> String {
        self.binds.push(operand);
        format!("${}", self.binds.len())
    }

    fn bind_text(&mut self, text: &str) -> String {
        self.bind(Operand::Text(text.to_owned()))
    }

    /// The statement whose text `query` makes of this clause's text, with every bind.
    pub fn to_stmt(&self, query: impl FnOnce(&str) -> String) -> Stmt<'static> {
        let args = self.binds.iter().cloned().map(Arg::from).collect();
        Stmt::with_args(query(&self.text), args)
    }
}

impl From<Operand> for Arg<'static> {
    fn from(operand: Operand) -> Self {
        match operand {
            Operand::Text(text) => text.into(),
            Operand::Int(i) => i.into(),
            Operand::Real(f) => f.into(),
        }
    }
}

/// `c.account_id = $1 AND …` for the account's customers matching every condition.
pub(super) fn where_clause(backend: Backend, account_id: i64, conditions: &[Condition]) -> Sql {
    let mut sql = Sql::default();
    let account = sql.bind(Operand::Int(account_id));
    let mut text = format!("c.account_id = {account}");
    for condition in conditions {
        let predicate = compile(&mut sql, backend, condition);
        text.push_str(" AND (");
        text.push_str(&predicate);
        text.push(')');
    }
    sql.text = text;
    sql
}

/// The join a sort needs (possibly empty) and the `ORDER BY` list.
pub(super) fn order_by(sql: &mut Sql, sort: &Sort) -> (String, String) {
    let dir = if sort.descending { "DESC" } else { "ASC" };
    let nulls = if sort.descending {
        "NULLS LAST"
    } else {
        "NULLS FIRST"
    };
    match &sort.key {
        // Without a NULL the order is the same; Postgres then walks an index for it.
        SortKey::Column(column) if column.not_null() => {
            (String::new(), format!("{} {dir}, c.id {dir}", column.sql()))
        }
        SortKey::Column(column) => (
            String::new(),
            format!("{} {dir} {nulls}, c.id {dir}", column.sql()),
        ),
        SortKey::Value { field, numeric } => {
            let f = sql.bind_text(field);
            let join = format!(
                " LEFT JOIN oa_customer_values s ON s.account_id = c.account_id \
                 AND s.customer_id = c.id AND s.field = {f}"
            );
            let key = if *numeric { "s.num" } else { "s.value" };
            (join, format!("{key} {dir} {nulls}, c.id {dir}"))
        }
    }
}

fn compile(sql: &mut Sql, backend: Backend, condition: &Condition) -> String {
    match &condition.target {
        Target::Column(Column::CustomerName) => match &condition.op {
            Op::Contains(s) if s.chars().count() >= TRIGRAM => name_contains(sql, backend, s),
            op => scalar(sql, backend, Column::CustomerName.sql(), true, op),
        },
        Target::Column(column) => scalar(
            sql,
            backend,
            column.sql(),
            !column.is_integer(),
            &condition.op,
        ),
        Target::Constant(value) => {
            let p = sql.bind_text(value);
            let expr = backend.text_param(&p);
            scalar(sql, backend, &expr, true, &condition.op)
        }
        Target::Values { field, numeric } => values(sql, backend, field, *numeric, &condition.op),
    }
}

/// The fewest characters a `contains` pattern needs to narrow the search by trigrams.
const TRIGRAM: usize = 3;

/// `contains` on `customerName` through the trigram index of migration 0012: the index
/// finds candidates (SQLite: FTS5 `GLOB` over `oa_customer_names`; Postgres: `LIKE`,
/// which pg_trgm's GIN index answers), and the exact substring test decides, so the
/// answer is the same as without the index. The pattern's wildcards are escaped.
fn name_contains(sql: &mut Sql, backend: Backend, pattern: &str) -> String {
    let (candidates, escaped) = match backend {
        Backend::Sqlite => (
            "c.rowid IN (SELECT rowid FROM oa_customer_names \
             WHERE oa_customer_names.customer_name GLOB {}) AND",
            glob_pattern(pattern),
        ),
        Backend::Postgres => {
            sql.plan_per_call = true;
            ("c.customer_name LIKE {} AND", like_pattern(pattern))
        }
    };
    let candidates = candidates.replace("{}", &sql.bind_text(&escaped));
    let exact = scalar(
        sql,
        backend,
        Column::CustomerName.sql(),
        true,
        &Op::Contains(pattern.to_owned()),
    );
    format!("{candidates} {exact}")
}

/// `*pattern*` for GLOB, each of `*`, `?` and `[` matching only itself.
fn glob_pattern(pattern: &str) -> String {
    let mut glob = String::from("*");
    for ch in pattern.chars() {
        match ch {
            '*' | '?' | '[' => {
                glob.push('[');
                glob.push(ch);
                glob.push(']');
            }
            _ => glob.push(ch),
        }
    }
    glob.push('*');
    glob
}

/// `%pattern%` for Postgres's LIKE (whose escape character is `\`).
fn like_pattern(pattern: &str) -> String {
    let mut like = String::from("%");
    for ch in pattern.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            like.push('\\');
        }
        like.push(ch);
    }
    like.push('%');
    like
}

/// A predicate on one scalar expression. Unset values satisfy `ne`/`nin`/`empty`.
fn scalar(sql: &mut Sql, backend: Backend, expr: &str, text: bool, op: &Op) -> String {
    match op {
        Op::Eq(v) => format!("{expr} = {}", sql.bind(v.clone())),
        Op::Ne(v) => format!("({expr} IS NULL OR {expr} <> {})", sql.bind(v.clone())),
        Op::In(vs) => format!("{expr} IN ({})", list(sql, vs)),
        Op::Nin(vs) => format!("({expr} IS NULL OR {expr} NOT IN ({}))", list(sql, vs)),
        Op::Contains(s) => {
            let p = sql.bind_text(s);
            format!("{}({expr}, {p}) > 0", backend.position_function())
        }
        Op::StartsWith(prefix) => starts_with(sql, expr, prefix),
        Op::Empty if text => format!("({expr} IS NULL OR {expr} = '')"),
        Op::Empty => format!("{expr} IS NULL"),
        Op::NotEmpty if text => format!("({expr} IS NOT NULL AND {expr} <> '')"),
        Op::NotEmpty => format!("{expr} IS NOT NULL"),
        Op::Gt(v) => format!("{expr} > {}", sql.bind(v.clone())),
        Op::Gte(v) => format!("{expr} >= {}", sql.bind(v.clone())),
        Op::Lt(v) => format!("{expr} < {}", sql.bind(v.clone())),
        Op::Lte(v) => format!("{expr} <= {}", sql.bind(v.clone())),
        Op::Between(low, high) => {
            let low = sql.bind(low.clone());
            let high = sql.bind(high.clone());
            format!("{expr} BETWEEN {low} AND {high}")
        }
    }
}

fn list(sql: &mut Sql, values: &[Operand]) -> String {
    let placeholders: Vec<String> = values.iter().map(|v| sql.bind(v.clone())).collect();
    placeholders.join(", ")
}

/// A prefix test as a range, `prefix <= x < successor(prefix)`, which is exact in
/// code-point order and lets an index narrow the scan. Without a successor (an empty
/// prefix, or one ending in U+10FFFF) it falls back to comparing the first characters.
fn starts_with(sql: &mut Sql, expr: &str, prefix: &str) -> String {
    let low = sql.bind_text(prefix);
    match successor(prefix) {
        Some(next) => {
            let high = sql.bind_text(&next);
            format!("({expr} >= {low} AND {expr} < {high})")
        }
        None => format!("({expr} >= {low} AND substr({expr}, 1, length({low})) = {low})"),
    }
}

/// The smallest string greater than every string that starts with `prefix`.
fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = (u32::from(last) + 1..=0x10FFFF).find_map(char::from_u32)?;
    chars.push(next);
    Some(chars.into_iter().collect())
}

/// A predicate on a field of the search index: any element matches, except `ne`,
/// `nin` and `empty`, which hold when no element matches.
fn values(sql: &mut Sql, backend: Backend, field: &str, numeric: bool, op: &Op) -> String {
    let f = sql.bind_text(field);
    let column = if numeric { "v.num" } else { "v.value" };
    let none_where = |predicate: String| {
        format!(
            "NOT EXISTS (SELECT 1 FROM oa_customer_values v WHERE v.account_id = c.account_id \
             AND v.customer_id = c.id AND v.field = {f} AND {predicate})"
        )
    };
    let any_where = |predicate: String| {
        format!(
            "c.id IN (SELECT v.customer_id FROM oa_customer_values v \
             WHERE v.account_id = $1 AND v.field = {f} AND {predicate})"
        )
    };
    match op {
        Op::Ne(v) => none_where(format!("{column} = {}", sql.bind(v.clone()))),
        Op::Nin(vs) => none_where(format!("{column} IN ({})", list(sql, vs))),
        Op::Empty => none_where("v.value <> ''".to_owned()),
        Op::NotEmpty => any_where("v.value <> ''".to_owned()),
        positive => any_where(scalar(sql, backend, column, !numeric, positive)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Operand {
        Operand::Text(s.into())
    }

    #[test]
    fn successors_bound_every_string_with_the_prefix() {
        assert_eq!(successor("abc").as_deref(), Some("abd"));
        assert_eq!(successor("13").as_deref(), Some("14"));
        assert_eq!(successor(""), None);
        assert_eq!(successor("a\u{10FFFF}"), None);
        assert_eq!(successor("\u{D7FF}").as_deref(), Some("\u{E000}"));
    }

    #[test]
    fn conditions_are_anded_after_the_account() {
        let conditions = vec![
            Condition {
                target: Target::Column(Column::CustomerName),
                op: Op::Eq(text("x")),
            },
            Condition {
                target: Target::Values {
                    field: "mobile".into(),
                    numeric: false,
                },
                op: Op::Ne(text("1")),
            },
        ];
        let sql = where_clause(Backend::Sqlite, 7, &conditions);
        assert_eq!(
            sql.text,
            "c.account_id = $1 AND (c.customer_name = $2) AND (NOT EXISTS (SELECT 1 FROM \
             oa_customer_values v WHERE v.account_id = c.account_id AND v.customer_id = c.id \
             AND v.field = $3 AND v.value = $4))"
        );
        assert_eq!(
            sql.binds,
            vec![Operand::Int(7), text("x"), text("mobile"), text("1")]
        );
    }

    #[test]
    fn contains_uses_each_dialects_substring_function() {
        let cond = [Condition {
            target: Target::Column(Column::Owner),
            op: Op::Contains("83".into()),
        }];
        assert!(where_clause(Backend::Sqlite, 1, &cond)
            .text
            .contains("instr(c.owner, $2) > 0"));
        assert!(where_clause(Backend::Postgres, 1, &cond)
            .text
            .contains("strpos(c.owner, $2) > 0"));
    }

    #[test]
    fn name_patterns_escape_their_wildcards() {
        assert_eq!(glob_pattern("a*b?[c]"), "*a[*]b[?][[]c]*");
        assert_eq!(glob_pattern("客户0"), "*客户0*");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn long_name_patterns_ask_the_trigram_index_and_short_ones_scan() {
        let cond = |s: &str| {
            [Condition {
                target: Target::Column(Column::CustomerName),
                op: Op::Contains(s.into()),
            }]
        };
        let sqlite = where_clause(Backend::Sqlite, 1, &cond("abc")).text;
        assert!(
            sqlite.contains("oa_customer_names.customer_name GLOB $2"),
            "{sqlite}"
        );
        assert!(
            sqlite.contains("instr(c.customer_name, $3) > 0"),
            "{sqlite}"
        );
        let postgres = where_clause(Backend::Postgres, 1, &cond("客户x")).text;
        assert!(
            postgres.contains("c.customer_name LIKE $2 AND strpos(c.customer_name, $3) > 0"),
            "{postgres}"
        );
        let short = where_clause(Backend::Sqlite, 1, &cond("ab")).text;
        assert_eq!(
            short,
            "c.account_id = $1 AND (instr(c.customer_name, $2) > 0)"
        );
    }

    #[test]
    fn custom_sorts_join_the_index() {
        let mut sql = where_clause(Backend::Sqlite, 1, &[]);
        let sort = Sort {
            key: SortKey::Value {
                field: "number_ab12_1".into(),
                numeric: true,
            },
            descending: false,
        };
        let (join, order) = order_by(&mut sql, &sort);
        assert!(join.contains("s.field = $2"), "{join}");
        assert_eq!(order, "s.num ASC NULLS FIRST, c.id ASC");
    }
}
