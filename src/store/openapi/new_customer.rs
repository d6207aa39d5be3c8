//! A new customer ready to store, and the one way to store it inside a transaction:
//! the customer's row, then its search-index rows (per [`INDEX_CHUNK`]).

use super::{
    customer::{Customer, IndexEntry},
    customer_rows::{index_rows, insert, insert_index, IndexRow, INDEX_CHUNK},
};
use crate::store::{
    error::StoreResult,
    exec::{Exec, Tx},
};

/// A customer ready to store, with the search-index entries of its custom values.
pub(crate) struct NewCustomer {
    pub(crate) customer: Customer,
    pub(crate) custom: Vec<(String, Vec<IndexEntry>)>,
}

impl NewCustomer {
    /// The list-valued system fields' index entries.
    pub(crate) fn lists(&self) -> Vec<(&'static str, Vec<IndexEntry>)> {
        self.customer.list_index()
    }

    /// Its index rows, `lists` being [`NewCustomer::lists`].
    pub(crate) fn index_rows<'a>(
        &'a self,
        lists: &'a [(&'static str, Vec<IndexEntry>)],
    ) -> Vec<IndexRow<'a>> {
        index_rows(&self.customer, lists, &self.custom)
    }
}

/// Inserts `new` and its index rows inside the caller's transaction.
pub(crate) async fn insert_new(tx: &mut Tx<'_>, new: &NewCustomer) -> StoreResult<()> {
    tx.execute(&insert([&new.customer])).await?;
    let lists = new.lists();
    let rows = new.index_rows(&lists);
    for chunk in rows.chunks(INDEX_CHUNK) {
        tx.execute(&insert_index(chunk).transient()).await?;
    }
    Ok(())
}
