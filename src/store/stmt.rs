//! Statements written once for both backends: SQL text with `$n` placeholders (SQLite
//! and Postgres both read them) and its binds as [`Arg`]s, values of the four column
//! types the schema uses. [`super::exec`] runs them.

use std::borrow::Cow;

/// A bound value. Nulls are typed, because Postgres types every parameter. The lists
/// are Postgres arrays (`$1::bigint[]`), for statements whose text must not grow with
/// the number of rows (`UNNEST`); SQLite has no arrays and refuses them.
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

impl Arg<'_> {
    /// An empty list of the Postgres element type `ty`.
    fn empty_list(ty: &str) -> Arg<'static> {
        match ty {
            "bigint" => Arg::Ints(Vec::new()),
            "float8" => Arg::Reals(Vec::new()),
            _ => Arg::Texts(Vec::new()),
        }
    }

    /// The list of each column of `rows` (rows of scalar values, one type per column):
    /// the binds of `SELECT * FROM UNNEST($1::…[], …)`. `None` for a value that is
    /// itself a list, or a column of booleans.
    pub fn columns<const N: usize>(rows: Vec<[Arg<'_>; N]>) -> Option<Vec<Arg<'static>>> {
        let mut columns: Vec<Arg<'static>> = Vec::with_capacity(N);
        for (i, row) in rows.into_iter().enumerate() {
            for (c, value) in row.into_iter().enumerate() {
                if i == 0 {
                    columns.push(match &value {
                        Arg::Int(_) => Arg::Ints(Vec::new()),
                        Arg::Real(_) => Arg::Reals(Vec::new()),
                        Arg::Text(_) => Arg::Texts(Vec::new()),
                        _ => return None,
                    });
                }
                match (columns.get_mut(c)?, value) {
                    (Arg::Ints(list), Arg::Int(v)) => list.push(v),
                    (Arg::Reals(list), Arg::Real(v)) => list.push(v),
                    (Arg::Texts(list), Arg::Text(v)) => list.push(v.map(Cow::into_owned)),
                    _ => return None,
                }
            }
        }
        Some(columns)
    }
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
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// Appends ` VALUES (…), (…)`: one tuple per item, whose values `row` binds.
    pub fn push_values<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut row: impl FnMut(&mut Tuple<'_, 'a>, T),
    ) -> &mut Self {
        self.sql.push_str(" VALUES ");
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

    /// Appends the rows an `INSERT INTO t (…)` inserts: ` VALUES (…), (…)`, or with
    /// `arrays` (where [`crate::store::exec::Conn::binds_arrays`]) ` SELECT * FROM
    /// UNNEST($n::type[], …)` with one array per column, whose Postgres element types
    /// `types` names: one text for any number of rows.
    pub fn push_rows<const N: usize>(
        &mut self,
        rows: Vec<[Arg<'a>; N]>,
        types: [&str; N],
        arrays: bool,
    ) -> &mut Self {
        let columns = match arrays {
            true if rows.is_empty() => Some(types.map(Arg::empty_list).to_vec()),
            true => Arg::columns(rows.clone()).filter(|c| c.len() == N),
            false => None,
        };
        let Some(columns) = columns else {
            return self.push_values(rows, |tuple, row| {
                for value in row {
                    tuple.bind(value);
                }
            });
        };
        self.sql.push_str(" SELECT * FROM ");
        self.push_unnest(columns, &types)
    }

    /// Appends `UNNEST($n::type[], …)`: one array per column (Postgres only), whose
    /// element types `types` names.
    pub fn push_unnest(&mut self, columns: Vec<Arg<'a>>, types: &[&str]) -> &mut Self {
        self.sql.push_str("UNNEST(");
        for (i, (column, ty)) in columns.into_iter().zip(types).enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_bind(column);
            self.sql.push_str("::");
            self.sql.push_str(ty);
            self.sql.push_str("[]");
        }
        self.sql.push(')');
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

    /// `self`, then `separator`, then `next` with its placeholders renumbered to
    /// follow this statement's: two statements made one (e.g. in a `WITH`).
    pub fn chain(mut self, separator: &str, next: Stmt<'a>) -> Stmt<'a> {
        let offset = self.args.len();
        self.sql.push_str(separator);
        let mut rest = next.sql.as_str();
        while let Some(at) = rest.find('$') {
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            self.sql.push_str(&rest[..=at]);
            match rest[at + 1..at + 1 + digits].parse::<usize>() {
                Ok(n) => self.sql.push_str(&(n + offset).to_string()),
                Err(_) => self.sql.push_str(&rest[at + 1..at + 1 + digits]),
            }
            rest = &rest[at + 1 + digits..];
        }
        self.sql.push_str(rest);
        self.args.extend(next.args);
        self.persistent &= next.persistent;
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
    fn sql(&self) -> &str {
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

    #[test]
    fn rows_become_values_or_one_array_per_column() {
        let rows = || {
            vec![
                [Arg::from(1), Arg::from("a")],
                [Arg::from(2), Arg::Text(None)],
            ]
        };
        let mut values = Stmt::new("INSERT INTO t (a, b)");
        values.push_rows(rows(), ["bigint", "text"], false);
        assert_eq!(
            values.sql(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        let mut arrays = Stmt::new("INSERT INTO t (a, b)");
        arrays.push_rows(rows(), ["bigint", "text"], true);
        assert_eq!(
            arrays.sql(),
            "INSERT INTO t (a, b) SELECT * FROM UNNEST($1::bigint[], $2::text[])"
        );
        assert_eq!(arrays.args[0], Arg::Ints(vec![Some(1), Some(2)]));
        assert_eq!(arrays.args[1], Arg::Texts(vec![Some("a".into()), None]));
        let mut none = Stmt::new("INSERT INTO t (a, b)");
        none.push_rows(Vec::new(), ["bigint", "text"], true);
        assert_eq!(
            none.sql(),
            arrays.sql(),
            "no rows: empty arrays, the same text"
        );
        assert_eq!(none.args, [Arg::Ints(vec![]), Arg::Texts(vec![])]);
    }

    #[test]
    fn chained_statements_number_their_placeholders_in_order() {
        let first = Stmt::new("INSERT INTO a VALUES ($1, $2)").bind(1).bind(2);
        let second = Stmt::new("INSERT INTO b VALUES ($1)").bind(3);
        let both = first.chain(") ", second);
        assert_eq!(
            both.sql(),
            "INSERT INTO a VALUES ($1, $2)) INSERT INTO b VALUES ($3)"
        );
        assert_eq!(both.args.len(), 3);
    }
}
