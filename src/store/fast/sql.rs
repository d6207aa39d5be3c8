//! The SQL the fast path writes by hand: statements chained into one text (one hand-off
//! or round trip instead of several), and rows bound so that a text serves many batches
//! and stays prepared instead of being parsed for every one: on Postgres one array per
//! column (`UNNEST`: one text for any number of rows), on SQLite rows padded to a power
//! of two ([`slots`]: a text per size class).

use std::borrow::Cow;

use crate::store::stmt::{placeholder, Arg, Stmt};

/// `first`, then `separator`, then `next` with its placeholders renumbered to follow
/// `first`'s: two statements made one (e.g. in a `WITH`, or `;`-separated on SQLite).
pub(super) fn chain<'a>(mut first: Stmt<'a>, separator: &str, next: Stmt<'a>) -> Stmt<'a> {
    let offset = first.args.len();
    first
        .sql
        .reserve(separator.len() + next.sql.len() + next.args.len());
    first.sql.push_str(separator);
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = placeholder(&next.sql, from) {
        from = found.end;
        if let Some(n) = found.number {
            first.sql.push_str(&next.sql[copied..=found.at]);
            first.sql.push_str(itoa::Buffer::new().format(n + offset));
            copied = found.end;
        }
    }
    first.sql.push_str(&next.sql[copied..]);
    first.args.extend(next.args);
    first.persistent &= next.persistent;
    first
}

/// An empty list of the Postgres element type `ty`.
fn empty_list(ty: &str) -> Arg<'static> {
    match ty {
        "bigint" => Arg::Ints(Vec::new()),
        "float8" => Arg::Reals(Vec::new()),
        _ => Arg::Texts(Vec::new()),
    }
}

/// The list of each column of `rows` (rows of scalar values, one type per column), or
/// empty lists of `types` when there are no rows: the binds of `UNNEST($1::…[], …)`.
/// `None` for a value that is itself a list, or a column of booleans.
pub(super) fn columns<const N: usize>(
    rows: Vec<[Arg<'_>; N]>,
    types: &[&str; N],
) -> Option<Vec<Arg<'static>>> {
    if rows.is_empty() {
        return Some(types.iter().map(|ty| empty_list(ty)).collect());
    }
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

/// Appends `UNNEST($n::type[], …)`: one array per column (Postgres only), whose
/// element types `types` names.
pub(super) fn push_unnest<'a>(stmt: &mut Stmt<'a>, columns: Vec<Arg<'a>>, types: &[&str]) {
    stmt.push("UNNEST(");
    for (i, (column, ty)) in columns.into_iter().zip(types).enumerate() {
        if i > 0 {
            stmt.push(", ");
        }
        stmt.push_bind(column);
        stmt.push(&format!("::{ty}[]"));
    }
    stmt.push(")");
}

/// `rows` followed by rows of NULLs up to the next power of two (at least one row):
/// SQLite's multi-row statements then take one of a few texts (1, 2, 4, … rows), each
/// parsed and compiled once and kept in the connection's statement cache, instead of a
/// new text for every batch (parsing and compiling each batch's text, with its
/// triggers' programs, was a fifth of the instructions of a signed add). Statements
/// over such rows skip the rows of NULLs ([`Stmt::push_select_rows`]).
pub(super) fn slots<'a, const N: usize>(mut rows: Vec<[Arg<'a>; N]>) -> Vec<[Arg<'a>; N]> {
    let slots = rows.len().next_power_of_two();
    rows.resize_with(slots, || std::array::from_fn(|_| Arg::Text(None)));
    rows
}

/// Appends the rows an `INSERT INTO t (…)` inserts: with `arrays` (Postgres) ` SELECT *
/// FROM UNNEST($n::type[], …)` with one array per column, whose element types `types`
/// names (one text for any number of rows); else the rows padded to [`slots`], as
/// ` SELECT * FROM (VALUES (…), …) AS v WHERE v.column1 IS NOT NULL` (a text for each
/// power of two).
pub(super) fn push_rows<'a, const N: usize>(
    stmt: &mut Stmt<'a>,
    rows: Vec<[Arg<'a>; N]>,
    types: [&str; N],
    arrays: bool,
) {
    if !arrays {
        stmt.push_select_rows(slots(rows));
        return;
    }
    match columns(rows.clone(), &types).filter(|c| c.len() == N) {
        Some(columns) => {
            stmt.push(" SELECT * FROM ");
            push_unnest(stmt, columns, &types);
        }
        None => {
            stmt.push_rows(rows);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_values_or_one_array_per_column() {
        let rows = || {
            vec![
                [Arg::from(1), Arg::from("a")],
                [Arg::from(2), Arg::Text(None)],
            ]
        };
        let mut values = Stmt::new("INSERT INTO t (a, b)");
        push_rows(&mut values, rows(), ["bigint", "text"], false);
        assert_eq!(
            values.sql(),
            "INSERT INTO t (a, b) SELECT * FROM (VALUES ($1, $2), ($3, $4)) AS v \
             WHERE v.column1 IS NOT NULL"
        );
        let mut three = Stmt::new("INSERT INTO t (a, b)");
        let mut rows3 = rows();
        rows3.push([Arg::from(3), Arg::from("c")]);
        push_rows(&mut three, rows3, ["bigint", "text"], false);
        assert!(
            three.sql().contains("($5, $6), ($7, $8)) AS v"),
            "three rows take the text of four: {}",
            three.sql()
        );
        assert_eq!(three.args[6..], [Arg::Text(None), Arg::Text(None)]);
        let mut arrays = Stmt::new("INSERT INTO t (a, b)");
        push_rows(&mut arrays, rows(), ["bigint", "text"], true);
        assert_eq!(
            arrays.sql(),
            "INSERT INTO t (a, b) SELECT * FROM UNNEST($1::bigint[], $2::text[])"
        );
        assert_eq!(arrays.args[0], Arg::Ints(vec![Some(1), Some(2)]));
        assert_eq!(arrays.args[1], Arg::Texts(vec![Some("a".into()), None]));
        let mut none = Stmt::new("INSERT INTO t (a, b)");
        push_rows(&mut none, Vec::new(), ["bigint", "text"], true);
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
        let both = chain(first, ") ", second);
        assert_eq!(
            both.sql(),
            "INSERT INTO a VALUES ($1, $2)) INSERT INTO b VALUES ($3)"
        );
        assert_eq!(both.args.len(), 3);
        // Numbers past one digit, and a `$` that is no placeholder.
        let mut nine = Stmt::new("SELECT ");
        for i in 1..=9 {
            nine.push_bind(i64::from(i)).push(", ");
        }
        let second = Stmt::new("SELECT '$', $1").bind(10);
        let both = chain(nine, "; ", second);
        assert!(both.sql().starts_with("SELECT $1, $2, "));
        assert!(both.sql().ends_with("$9, ; SELECT '$', $10"));
    }
}
