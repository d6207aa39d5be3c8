//! `sort` of `/openapi/crm/list`: `{"field", "order": "asc" | "desc"}`, the emulator's
//! own (the vendor document's list has no sort; `docs/openapi.md#searching`). A sort of
//! another shape (`{"createTime": -1}`) or order is rule `openapi.list.sort`: refused
//! for strict accounts, the default order for lenient ones.

use serde_json::{Map, Value};

use super::{Catalog, Parsed};
use crate::{
    runtime::rules::openapi as oa,
    store::openapi::{Column, Sort, SortKey, Target},
};

/// `sort`, as the OpenAPI document describes it: a field and `asc`/`desc` (default
/// `desc`). The handler reads the JSON itself ([`Catalog::sort`]).
#[derive(Clone, Debug, utoipa::ToSchema)]
#[allow(dead_code, reason = "only described: the handler reads `sort` as JSON")]
pub struct SortSpec {
    pub field: String,
    /// `asc` or `desc`, in any case.
    #[schema(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])$")]
    pub order: Option<String>,
}

const KEYS: [&str; 2] = ["field", "order"];

impl Catalog<'_> {
    /// Parses `sort`; absent, `null` or (for a lenient account) of another shape means
    /// `createTime` descending, then `_id`.
    pub fn sort(&self, sent: Option<&Value>) -> Parsed<Sort> {
        let Some((field, descending)) = self.sort_shape(sent)? else {
            return Ok(Sort::default());
        };
        let resolved = self.resolve("sort.field", field)?;
        if resolved.list {
            return Err(oa::SEARCH_FIELD.broken(format!(
                "sort.field: `{field}` holds a list and cannot be sorted by"
            )));
        }
        let key = match resolved.target {
            Target::Column(column) => SortKey::Column(column),
            // Every customer of the account has the same accountId: sort by id.
            Target::Constant(_) => SortKey::Column(Column::Id),
            Target::Values { field, numeric } => SortKey::Value { field, numeric },
        };
        Ok(Sort { key, descending })
    }

    /// The field and direction `sent` names, or `None` for the default order.
    fn sort_shape<'v>(&self, sent: Option<&'v Value>) -> Parsed<Option<(&'v str, bool)>> {
        let object = match sent {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(object)) => object,
            Some(other) => {
                return self.default_order(format!("`sort` must be an object, got {other}"))
            }
        };
        let Some(Value::String(field)) = object.get("field") else {
            return self.default_order(format!(
                "`sort` must be {{\"field\", \"order\"}} with a field name, got {}",
                Value::Object(object.clone())
            ));
        };
        self.known_sort_keys(object)?;
        let descending = match object.get("order") {
            None | Some(Value::Null) => true,
            Some(Value::String(order)) if order.eq_ignore_ascii_case("desc") => true,
            Some(Value::String(order)) if order.eq_ignore_ascii_case("asc") => false,
            Some(other) => {
                return self.default_order(format!(
                    "`sort.order` must be \"asc\" or \"desc\", got {other}"
                ))
            }
        };
        Ok(Some((field, descending)))
    }

    /// A sort the emulator cannot read: refused, or (lenient) the default order.
    fn default_order<T>(&self, detail: String) -> Parsed<Option<T>> {
        self.judge.check(&oa::LIST_SORT, detail)?;
        Ok(None)
    }

    /// The keys of a sort besides `field` and `order` (rule `openapi.request.unknown-key`).
    fn known_sort_keys(&self, object: &Map<String, Value>) -> Parsed<()> {
        for key in object.keys().filter(|k| !KEYS.contains(&k.as_str())) {
            self.judge.check(
                &oa::REQUEST_UNKNOWN_KEY,
                format!("unknown key `sort.{key}`; valid keys are field, order"),
            )?;
        }
        Ok(())
    }
}
