//! Names on the command line to tenant objects. Every miss is a usage error (exit 2) that
//! repeats what was typed.

use crate::model::{AuId, UserId};
use crate::model::{Principal, Tenant};
use crate::permissions::{self, Action, Target};
use crate::roles::Role;

use super::CliError;

pub fn user(t: &Tenant, key: &str) -> Result<UserId, CliError> {
    t.find_user(key)
        .ok_or_else(|| CliError::usage(format!("no user has the UPN or id '{}'", key.trim())))
}

/// `--as`: a user, or (for `can`) a service principal, which the engine then refuses.
pub fn actor_principal(t: &Tenant, key: &str) -> Result<Principal, CliError> {
    // clap cannot require --as only without --live, so its absence is caught here.
    if key.is_empty() {
        return Err(CliError::usage(
            "this command needs --as UPN: who is acting (or --live, to act as yourself in a real tenant)",
        ));
    }
    match t.find_principal(key) {
        Ok(p @ (Principal::User(_) | Principal::ServicePrincipal(_))) => Ok(p),
        Ok(Principal::Group(_)) => Err(CliError::usage(format!(
            "'{}' is a group; --as takes a user",
            key.trim()
        ))),
        Err(_) => Err(CliError::usage(format!(
            "no user has the UPN or id '{}'",
            key.trim()
        ))),
    }
}

/// The actor of a change: must be a user who can sign in.
pub fn actor(t: &Tenant, key: &str) -> Result<UserId, CliError> {
    match actor_principal(t, key)? {
        Principal::User(u) => Ok(u),
        p => Err(CliError::refused(format!(
            "{} is a service principal; service principals cannot sign in to mystaff",
            t.principal_name(p)
        ))),
    }
}

/// Resolves every name before anything changes, so a typo in the fifth name changes nothing.
pub fn principals(t: &Tenant, keys: &[String]) -> Result<Vec<Principal>, CliError> {
    keys.iter()
        .map(|k| t.find_principal(k).map_err(CliError::usage))
        .collect()
}

/// Like [`principals`], for users only (`user delete --target …`).
pub fn users(t: &Tenant, keys: &[String]) -> Result<Vec<UserId>, CliError> {
    keys.iter().map(|k| user(t, k)).collect()
}

pub fn au(t: &Tenant, key: &str) -> Result<AuId, CliError> {
    t.find_au(key).map_err(CliError::usage)
}

pub fn group(t: &Tenant, key: &str) -> Result<crate::model::GroupId, CliError> {
    match t.find_principal(key) {
        Ok(Principal::Group(g)) => Ok(g),
        _ => Err(CliError::usage(format!(
            "no group has the id or name '{}'",
            key.trim()
        ))),
    }
}

pub fn role(key: &str) -> Result<Role, CliError> {
    Role::lookup(key).ok_or_else(|| {
        CliError::usage(format!(
            "no built-in role has the template id or name '{}'",
            key.trim()
        ))
    })
}

/// With `--as`, refuses (exit 1) unless that person may do `action`; without it, nothing to check.
/// Returns the viewer, if any.
pub fn gate(
    t: &Tenant,
    actor: Option<&str>,
    action: Action,
) -> Result<Option<Principal>, CliError> {
    let Some(a) = actor else {
        return Ok(None);
    };
    let p = actor_principal(t, a)?;
    let d = permissions::decide(t, p, action, Target::None);
    if !d.allowed {
        return Err(CliError::refused(d.reason));
    }
    Ok(Some(p))
}
