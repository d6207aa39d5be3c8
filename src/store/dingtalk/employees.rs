//! The corp's employee directory as the CRM writes see it (SPEC §1.4): a lenient corp
//! registers an unknown employee on first use, a strict corp refuses it.

/// Makes sure every id of `$userids` (a `&[String]`) is an employee of `$corp` (a
/// [`super::CorpScope`]), inside the transaction `$tx`.
///
/// Lenient corps get the unknown ones inserted in the same transaction as the write they
/// come with, so a write that fails registers nobody. Strict corps return
/// [`super::DtStoreError::UnknownEmployee`] naming the first unknown id in `$userids`'
/// order (callers put the calling employee first).
macro_rules! ensure_employees {
    ($tx:ident, $corp:expr, $userids:expr, $now:expr) => {{
        let corp: $crate::store::dingtalk::CorpScope = $corp;
        let userids: &[String] = $userids;
        match corp.mode {
            $crate::store::tenants::CorpMode::Lenient => {
                // Sorted, so that concurrent writes take the row locks in one order and
                // cannot deadlock each other on Postgres.
                let mut sorted: Vec<&String> = userids.iter().collect();
                sorted.sort_unstable();
                sorted.dedup();
                for chunk in sorted.chunks($crate::store::dingtalk::CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO dt_employees (corp_id, userid, created_at) ",
                    );
                    qb.push_values(chunk, |mut row, userid| {
                        row.push_bind(corp.id).push_bind(*userid).push_bind($now);
                    });
                    qb.push(" ON CONFLICT (corp_id, userid) DO NOTHING");
                    qb.build().execute(&mut *$tx).await?;
                }
            }
            $crate::store::tenants::CorpMode::Strict => {
                let mut known = std::collections::HashSet::new();
                for chunk in userids.chunks($crate::store::dingtalk::CHUNK) {
                    let mut qb =
                        sqlx::QueryBuilder::new("SELECT userid FROM dt_employees WHERE corp_id = ");
                    qb.push_bind(corp.id).push(" AND userid");
                    $crate::store::dingtalk::push_in(&mut qb, chunk.iter());
                    let found: Vec<String> = qb.build_query_scalar().fetch_all(&mut *$tx).await?;
                    known.extend(found);
                }
                if let Some(unknown) = userids.iter().find(|u| !known.contains(*u)) {
                    return Err($crate::store::dingtalk::DtStoreError::UnknownEmployee(
                        unknown.clone(),
                    ));
                }
            }
        }
    }};
}

pub(crate) use ensure_employees;
