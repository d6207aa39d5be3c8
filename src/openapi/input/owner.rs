//! The owner of a customer (`docs/openapi.md#the-customer-record`): an employee, or an
//! open sea of the account; how `owner`, `openSeaIds` and `assignTime` must agree.

use serde_json::Value;

use super::{fits_index, text, Read};
use crate::{
    runtime::rules::{openapi as oa, Judge},
    store::openapi::{Account, CustomerPatch, OwnerChange},
};

/// An employee id, or one of the account's open-sea ids; `null`/`""` clears the owner.
pub(super) fn owner(judge: &Judge, value: &Value, account: &Account) -> Read<OwnerChange> {
    if value.is_null() {
        return Ok(OwnerChange::Clear);
    }
    let owner = text(judge, "owner", value)?;
    fits_index("owner", &owner)?;
    Ok(if owner.is_empty() {
        OwnerChange::Clear
    } else if account.open_sea_ids.contains(&owner) {
        OwnerChange::OpenSea(owner)
    } else {
        OwnerChange::Employee(owner)
    })
}

/// `owner` and `openSeaIds` must agree: an employee-owned customer is in no pool, and
/// an open-sea owner puts the customer in exactly that pool. For a lenient account the
/// owner decides: the `openSeaIds` sent with it is ignored.
pub(super) fn check_owner_and_pools(patch: &mut CustomerPatch, judge: &Judge) -> Read<()> {
    let pools: Option<&[String]> = match &patch.open_sea_ids {
        Some(Some(pools)) => Some(pools),
        Some(None) => Some(&[]),
        None => None,
    };
    let conflict = match (&patch.owner, pools) {
        (Some(OwnerChange::Employee(_)), Some(pools)) if !pools.is_empty() => Some(
            "`owner` is an employee but `openSeaIds` is not empty: a customer in an open sea has no owner".to_owned(),
        ),
        (Some(OwnerChange::OpenSea(pool)), Some(pools)) if pools != std::slice::from_ref(pool) => Some(format!(
            "`owner` puts the customer in open sea {pool:?}, so `openSeaIds` must be [{pool:?}] or absent"
        )),
        _ => None,
    };
    if let Some(conflict) = conflict {
        judge.check(&oa::OWNER_OPEN_SEA, conflict)?;
        patch.open_sea_ids = None;
    }
    Ok(())
}

/// Whether the customer has an employee owner once `patch` is applied, when the patch
/// alone decides it: an employee `owner` yes; an open-sea or cleared owner, or a
/// non-empty `openSeaIds`, no.
pub(super) fn owner_after(patch: &CustomerPatch) -> Option<bool> {
    let to_pool = matches!(&patch.open_sea_ids, Some(Some(pools)) if !pools.is_empty());
    match &patch.owner {
        Some(OwnerChange::Employee(_)) => Some(true),
        Some(OwnerChange::OpenSea(_) | OwnerChange::Clear) => Some(false),
        None if to_pool => Some(false),
        None => None,
    }
}

/// Whether an update's `assignTime` needs the stored owner to be judged (it names no
/// owner itself): then the handler calls [`check_assign_time`].
pub fn needs_owner_check(patch: &CustomerPatch) -> bool {
    matches!(patch.assign_time, Some(Some(_))) && owner_after(patch).is_none()
}

/// `assignTime` is when the owner got the customer: one for a customer left without an
/// employee owner (`owned` false) is refused, or for a lenient account stored as sent
/// (the vendor document lists it as an ordinary optional field).
pub fn check_assign_time(patch: &CustomerPatch, judge: &Judge, owned: bool) -> Read<()> {
    if owned || !matches!(patch.assign_time, Some(Some(_))) {
        return Ok(());
    }
    Ok(judge.check(
        &oa::ASSIGN_TIME_OWNER,
        "`assignTime` is set but the customer has no owner: send an employee `owner` with it",
    )?)
}
