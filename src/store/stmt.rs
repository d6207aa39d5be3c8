//! Statements written once for both backends: SQL text with `$n` placeholders (SQLite
//! and Postgres both read them) and its binds as [`Arg`]s, values of the four column
//! types the schema uses. [`super::exec`] runs them. (Statements chained into one text
//! and rows bound as arrays are the fast path's: `super::fast::sql`.)

use std::borrow::Cow;

/// A `$` in statement text, and the number after it (`None` without digits, or past
/// `usize`): found by [`placeholder`].
pub(crate) struct Placeholder {
    /// Where the `$` is.
    pub at: usize,
    /// Where its digits end.
    pub end: usize,
    pub number: Option<usize>,
}

/// The first `$` of `sql` at or after `from`. A byte loop: a batch's text holds a
/// placeholder every few bytes, and `str::find` set up a search for each (with the
/// digits parsed and written back, ~400 instructions a placeholder in `callgrind`).
pub(crate) fn placeholder(sql: &str, from: usize) -> Option<Placeholder> {
    let bytes = sql.as_bytes();
    let at = from + bytes.get(from..)?.iter().position(|&b| b == b'$')?;
    let mut end = at + 1;
    let mut number = Some(0usize);
    while let Some(digit) = bytes.get(end).filter(|b| b.is_ascii_digit()) {
        number = number.and_then(|n| n.checked_mul(10)?.checked_add(usize::from(digit - b'0')));
        end += 1;
    }
    let number = number.filter(|_| end > at + 1);
    Some(Placeholder { at, end, number })
}

/// A bound value. Nulls are typed, because Postgres types every parameter. The lists
/// are Postgres arrays (`$1::bigint[]`), which only the fast path binds (`UNNEST`:
/// `super::fast::sql`); SQLite has no arrays and refuses them.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<Cow<'a, str>>),
    Bool(Option<bool>),
    Ints(Vec<Option<i64>>),
    Reals(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

impl From<f64> for Arg<'_> {
    fn from(v: f64) -> Self {
        Arg::Real(Some(v))
    }
}

impl From<Option<f64>> for Arg<'_> {
    fn from(v: Option<f64>) -> Self {
        Arg::Real(v)
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}

impl From<Option<bool>> for Arg<'_> {
    fn from(v: Option<bool>) -> Self {
        Arg::Bool(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(Some(Cow::Borrowed(v)))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::Text(v.as_deref().map(Cow::Borrowed))
    }
}

impl From<String> for Arg<'_> {
    fn from(v: String) -> Self {
        Arg::Text(Some(Cow::Owned(v)))
    }
}

impl From<Option<String>> for Arg<'_> {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v.map(Cow::Owned))
    }
}

/// SQL text and its binds, `$1` being the first.
#[derive(Clone, Debug)]
pub struct Stmt<'a> {
    pub(super) sql: String,
    pub(super) args: Vec<Arg<'a>>,
    pub(super) persistent: bool,
}

impl<'a> Stmt<'a> {
    pub fn new(sql: impl Into<String>) -> Self {
        Stmt {
            sql: sql.into(),
            args: Vec::new(),
            persistent: true,
        }
    }

    /// A statement whose text already holds the placeholders of `args`.
    pub fn with_args(sql: String, args: Vec<Arg<'a>>) -> Self {
        Stmt {
            sql,
            args,
            persistent: true,
        }
    }

    /// Binds the next placeholder of the text.
    pub fn bind(mut self, arg: impl Into<Arg<'a>>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `arg`.
    pub fn push_bind(&mut self, arg: impl Into<Arg<'a>>) -> &mut Self {
        self.args.push(arg.into());
        self.sql.push('$');
        self.sql
            .push_str(itoa::Buffer::new().format(self.args.len()));
        self
    }

    /// Appends ` VALUES (…), (…)`: one tuple per item, whose values `row` binds.
    pub fn push_values<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        self.sql.push_str(" VALUES ");
        self.push_tuples(items, row)
    }

    /// Appends `(…), (…)`: one tuple per item, whose values `row` binds.
    fn push_tuples<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.sql.push('(');
            row(
                &mut Tuple {
                    stmt: self,
                    first: true,
                },
                item,
            );
            self.sql.push(')');
        }
        self
    }

    /// Appends the rows an `INSERT INTO t (…)` inserts: ` VALUES (…), (…)`.
    pub fn push_rows<const N: usize>(&mut self, rows: Vec<[Arg<'a>; N]>) -> &mut Self {
        self.push_values(rows, |tuple, row| tuple.bind_all(row))
    }

    /// Appends ` SELECT * FROM (VALUES (…), …) AS v WHERE v.column1 IS NOT NULL`: the
    /// rows an `INSERT INTO t (…)` inserts (at least one), as a query that an `AND …`
    /// can filter further and that rows of NULLs can pad (SQLite: the fast path's
    /// fixed shapes, `super::fast::sql`). The first column must be NOT NULL.
    pub fn push_select_rows<const N: usize>(&mut self, rows: Vec<[Arg<'a>; N]>) -> &mut Self {
        self.sql.push_str(" SELECT * FROM (VALUES ");
        self.push_tuples(rows, |tuple, row| tuple.bind_all(row));
        self.sql.push_str(") AS v WHERE v.column1 IS NOT NULL");
        self
    }

    /// Appends ` IN ($n, …)` over `values` (at least one).
    pub fn push_in<A: Into<Arg<'a>>>(&mut self, values: impl IntoIterator<Item = A>) -> &mut Self {
        self.sql.push_str(" IN (");
        let mut tuple = Tuple {
            stmt: self,
            first: true,
        };
        for value in values {
            tuple.bind(value);
        }
        self.sql.push(')');
        self
    }

    /// Keeps the statement out of the connection's statement cache: for text that
    /// varies with the data (a multi-row insert), which would otherwise evict the
    /// statements that repeat.
    pub fn transient(mut self) -> Self {
        self.persistent = false;
        self
    }

    #[cfg(test)]
    pub(super) fn sql(&self) -> &str {
        &self.sql
    }

    /// The text prefixed with `prefix` (e.g. `EXPLAIN `), binds unchanged.
    pub fn prefixed(&self, prefix: &str) -> Stmt<'a> {
        Stmt {
            sql: format!("{prefix}{}", self.sql),
            args: self.args.clone(),
            persistent: false,
        }
    }
}

/// The values of one tuple of [`Stmt::push_values`] or [`Stmt::push_in`].
pub struct Tuple<'s, 'a> {
    stmt: &'s mut Stmt<'a>,
    first: bool,
}

impl<'a> Tuple<'_, 'a> {
    /// Appends a placeholder bound to `arg`.
    pub fn bind(&mut self, arg: impl Into<Arg<'a>>) -> &mut Self {
        if !self.first {
            self.stmt.sql.push_str(", ");
        }
        self.first = false;
        self.stmt.push_bind(arg);
        self
    }

    /// Binds each of `row`'s values in turn (a row of [`Stmt::push_rows`]).
    fn bind_all<const N: usize>(&mut self, row: [Arg<'a>; N]) {
        for value in row {
            self.bind(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_binds() {
        let mut stmt = Stmt::new("INSERT INTO t (a, b)");
        stmt.push_values([(1, "x"), (2, "y")], |row, (a, b)| {
            row.bind(a as i64).bind(b);
        });
        stmt.push(" WHERE c");
        stmt.push_in([7i64, 8]);
        assert_eq!(
            stmt.sql(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) WHERE c IN ($5, $6)"
        );
        assert_eq!(stmt.args.len(), 6);
        assert_eq!(stmt.args[1], Arg::from("x"));
    }
}
