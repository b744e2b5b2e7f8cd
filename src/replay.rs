//! What a journal entry must be to be replayed. A line in the journal is only a claim that a
//! change was made; it is applied when it reads as exactly what mystaff writes, carries its audit
//! record, and is a change its recorded actor could have made at that point of the history: the
//! operation is planned again from the recorded request, by the same code that planned it the
//! first time ([`crate::ops`]), and must come out the same. No rule is restated here.
//!
//! Pure: the session hands over the tenant and the entry's bytes.

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::audit::{AuditRecord, AuditResult};
use crate::model::{Object, Principal, Scope, Tenant, UserId};
use crate::ops::{self, Change, Ctx, GroupAccess, OpError, PhoneMode, Planned, UserRequest};
use crate::pim;
use crate::roles::Role;
use crate::sanitize::cut;

/// A journal entry as this mystaff writes it. Anything else on the line is an error: a line
/// this version cannot read in full is not replayed in part.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(default)]
    pub change: Option<Change>,
    #[serde(default)]
    pub audit: Option<AuditRecord>,
    /// The storage layer's chain digest, checked there.
    #[serde(default, rename = "prevSha256")]
    _prev: Option<serde::de::IgnoredAny>,
}

/// Reads an entry's bytes, and checks that its change and audit record agree: every change
/// carries its record, a success has a change and a failure none, and the record's time is real.
pub fn read(bytes: &[u8]) -> Result<(Option<Change>, AuditRecord), String> {
    let entry: Entry =
        serde_json::from_slice(bytes).map_err(|e| format!("not an entry mystaff writes: {e}"))?;
    let Some(record) = entry.audit else {
        return Err(match entry.change {
            Some(_) => "the change has no audit record".to_string(),
            None => "the entry has neither a change nor an audit record".to_string(),
        });
    };
    match (record.result, &entry.change) {
        (AuditResult::Failure, Some(_)) => {
            return Err(
                "the audit record says the change failed, but the entry has a change".into(),
            );
        }
        (AuditResult::Success, None) => {
            return Err("the audit record says a change succeeded, but the entry has none".into());
        }
        _ => {}
    }
    if crate::when::parse(&record.activity_date_time).is_none() {
        return Err(format!(
            "the audit record's activityDateTime `{}` is not an RFC 3339 time",
            cut(&record.activity_date_time)
        ));
    }
    Ok((entry.change, record))
}

/// The user a record says acted: they must be in the tenant at that point, under that name.
pub fn actor(t: &Tenant, record: &AuditRecord) -> Result<UserId, String> {
    let by = &record.initiated_by.user;
    match t.object(&by.id) {
        Some(Object::User(u))
            if t.user(u)
                .upn()
                .eq_ignore_ascii_case(&by.user_principal_name) =>
        {
            Ok(u)
        }
        _ => Err(format!(
            "the audit record's actor {} ({}) is not a user of the tenant at that point",
            cut(&by.user_principal_name),
            cut(&by.id)
        )),
    }
}

/// Checks that `actor` could have made `change` on `t` at `at`: plans it again and compares.
pub fn verify(
    t: &Tenant,
    actor: UserId,
    change: &Change,
    record: &AuditRecord,
) -> Result<(), String> {
    let mut ctx = Ctx {
        now: record.activity_date_time.clone(),
        // Ids and secrets the new plan draws are not kept: the recorded ones are compared apart.
        rng: StdRng::seed_from_u64(0),
        client: "replay",
        replay: true,
    };
    let ctx = &mut ctx;
    let user = |id: &str| match t.object(id) {
        Some(Object::User(u)) => Ok(u),
        _ => Err(format!("no user has the id {}", cut(id))),
    };
    let au = |id: &str| match t.object(id) {
        Some(Object::Au(a)) => Ok(a),
        _ => Err(format!("no administrative unit has the id {}", cut(id))),
    };
    let principal = |id: &str| match t.object(id) {
        Some(Object::User(u)) => Ok(Principal::User(u)),
        Some(Object::Group(g)) => Ok(Principal::Group(g)),
        Some(Object::ServicePrincipal(s)) => Ok(Principal::ServicePrincipal(s)),
        _ => Err(format!(
            "no user, group or service principal has the id {}",
            cut(id)
        )),
    };
    // A new object's id is drawn by the plan; the recorded one must be a fresh GUID.
    let new_id = |id: &str| {
        if !crate::fixture::is_guid(id) {
            Err(format!("`{}` is not a GUID", cut(id)))
        } else if t.object(id).is_some() {
            Err(format!("the id {id} is already in use"))
        } else {
            Ok(())
        }
    };
    // The id a plan drew for a new object, which its audit record names too.
    let mut planned_id: Option<String> = None;
    let planned: Planned<()> = match change {
        Change::PasswordReset {
            user_id,
            password_hash,
            at,
            ..
        } => {
            if !crate::password::is_hash(password_hash) {
                return Err("passwordHash is not an argon2id hash".into());
            }
            if crate::when::parse(at).is_none() {
                return Err(format!("`{}` is not an RFC 3339 time", cut(at)));
            }
            let target = user(user_id)?;
            let p = ops::reset_password(t, ctx, actor, target, None);
            same_except(p, &mut planned_id, |c| {
                if let Change::PasswordReset {
                    password_hash: h,
                    at: a,
                    ..
                } = c
                {
                    h.clone_from(password_hash);
                    a.clone_from(at);
                }
            })
        }
        Change::PhoneSet {
            user_id,
            phone_type,
            phone_number,
        } => ops::set_phone(
            t,
            ctx,
            actor,
            user(user_id)?,
            *phone_type,
            phone_number,
            PhoneMode::Set,
        ),
        Change::PhoneRemoved {
            user_id,
            phone_type,
        } => ops::remove_phone(t, ctx, actor, user(user_id)?, *phone_type),
        Change::AuCreated {
            id,
            display_name,
            description,
            is_member_management_restricted,
        } => {
            new_id(id)?;
            let p = ops::create_au(
                t,
                ctx,
                actor,
                display_name,
                description.as_deref(),
                *is_member_management_restricted,
            );
            same_except(p, &mut planned_id, |c| {
                if let Change::AuCreated { id: i, .. } = c {
                    i.clone_from(id);
                }
            })
        }
        Change::AuDeleted { id } => ops::delete_au(t, ctx, actor, au(id)?),
        Change::AuMemberAdded { au_id, member_id } => {
            ops::add_au_member(t, ctx, actor, au(au_id)?, principal(member_id)?)
        }
        Change::AuMemberRemoved { au_id, member_id } => {
            ops::remove_au_member(t, ctx, actor, au(au_id)?, principal(member_id)?)
        }
        Change::RoleAssigned {
            id,
            role_definition_id,
            principal_id,
            directory_scope_id,
        } => {
            new_id(id)?;
            let role = Role::lookup(role_definition_id)
                .ok_or_else(|| format!("unknown role {}", cut(role_definition_id)))?;
            let p = principal(principal_id)?;
            let planned = match directory_scope_id.as_str() {
                "/" => drop_value(ops::assign_tenant_role(t, ctx, actor, role, p)),
                s => match s.strip_prefix("/administrativeUnits/") {
                    Some(a) => drop_value(ops::assign_scoped_role(t, ctx, actor, au(a)?, role, p)),
                    None => return Err(format!("`{}` is not a directory scope", cut(s))),
                },
            };
            same_except(planned, &mut planned_id, |c| {
                if let Change::RoleAssigned { id: i, .. } = c {
                    i.clone_from(id);
                }
            })
        }
        Change::RoleUnassigned { id } => match t.object(id) {
            Some(Object::Assignment(a)) => match t.assignment(a).scope {
                Scope::Au(_) => ops::unassign(t, ctx, actor, a),
                Scope::Tenant => ops::unassign_tenant_role(t, ctx, actor, a),
            },
            _ => return Err(format!("no role assignment has the id {}", cut(id))),
        },
        Change::MyStaffAccessSet {
            access,
            selected_principal_ids,
        } => {
            let selected = selected_principal_ids
                .iter()
                .map(|id| principal(id))
                .collect::<Result<Vec<_>, _>>()?;
            ops::set_my_staff_access(t, ctx, actor, *access, &selected)
        }
        Change::UserCreated { user: u } => {
            new_id(&u.id)?;
            if let Some(h) = &u.password_hash
                && !crate::password::is_hash(h)
            {
                return Err("passwordHash is not an argon2id hash".into());
            }
            if crate::when::parse(&u.created_date_time).is_none() {
                return Err(format!(
                    "`{}` is not an RFC 3339 time",
                    cut(&u.created_date_time)
                ));
            }
            let req = UserRequest {
                upn: u.user_principal_name.clone(),
                display_name: u.display_name.clone(),
                job_title: u.job_title.clone(),
                department: u.department.clone(),
                office_location: u.office_location.clone(),
                disabled: !u.account_enabled,
                synced: u.on_premises_sync_enabled,
                sam: u.on_premises_sam_account_name.clone(),
                licenses: u.assigned_licenses.clone(),
            };
            let p = drop_value(ops::create_user(t, ctx, actor, &req));
            // A cloud-only user's first password is generated, so it has a hash and must be
            // changed; a synced user's lives on-premises.
            if u.on_premises_sync_enabled == u.password_hash.is_some()
                || u.force_change_password_next_sign_in != u.password_hash.is_some()
            {
                return Err("the new user's password fields do not fit the kind of user".into());
            }
            same_except(p, &mut planned_id, |c| {
                if let Change::UserCreated { user: n } = c {
                    n.id.clone_from(&u.id);
                    n.password_hash.clone_from(&u.password_hash);
                    n.force_change_password_next_sign_in = u.force_change_password_next_sign_in;
                    n.created_date_time.clone_from(&u.created_date_time);
                }
            })
        }
        Change::UserDeleted { id } => drop_value(ops::delete_user(t, ctx, actor, user(id)?)),
        Change::RoleActivated {
            id,
            role_definition_id,
            directory_scope_id,
            start_date_time,
            end_date_time,
            ..
        } => {
            new_id(id)?;
            let role = Role::lookup(role_definition_id)
                .ok_or_else(|| format!("unknown role {}", cut(role_definition_id)))?;
            let scope = match directory_scope_id.as_str() {
                "/" => Scope::Tenant,
                s => match s.strip_prefix("/administrativeUnits/") {
                    Some(a) => Scope::Au(au(a)?),
                    None => return Err(format!("`{}` is not a directory scope", cut(s))),
                },
            };
            let seconds = recorded_seconds(start_date_time, end_date_time)?;
            let justification = pim::recorded_justification(record).unwrap_or("");
            let p = pim::activate_role(t, ctx, actor, role, scope, seconds, justification);
            same_except(p, &mut planned_id, |c| {
                if let Change::RoleActivated { id: i, .. } = c {
                    i.clone_from(id);
                }
            })
        }
        Change::RoleDeactivated { id } => match t.object(id) {
            Some(Object::Assignment(a)) => {
                let a = t.assignment(a);
                pim::deactivate_role(t, ctx, actor, a.role, a.scope)
            }
            _ => return Err(format!("no role activation has the id {}", cut(id))),
        },
        Change::GroupAccessActivated {
            id,
            group_id,
            access_id,
            start_date_time,
            end_date_time,
            ..
        } => {
            new_id(id)?;
            if t.group_activation(id).is_some() {
                return Err(format!("the id {id} is already in use"));
            }
            let g = match t.object(group_id) {
                Some(Object::Group(g)) => g,
                _ => return Err(format!("no group has the id {}", cut(group_id))),
            };
            let seconds = recorded_seconds(start_date_time, end_date_time)?;
            let justification = pim::recorded_justification(record).unwrap_or("");
            let p = pim::activate_group(t, ctx, actor, g, *access_id, seconds, justification);
            same_except(p, &mut planned_id, |c| {
                if let Change::GroupAccessActivated { id: i, .. } = c {
                    i.clone_from(id);
                }
            })
        }
        Change::GroupAccessDeactivated { id } => match t.group_activation(id) {
            Some(i) => {
                let a = &t.group_activations[i];
                let access = if a.owner {
                    GroupAccess::Owner
                } else {
                    GroupAccess::Member
                };
                pim::deactivate_group(t, ctx, actor, a.group, access)
            }
            None => return Err(format!("no group activation has the id {}", cut(id))),
        },
    };
    if let Err(e) = planned.result {
        return Err(refusal(&e, &record.initiated_by.user.user_principal_name));
    }
    if planned.change.as_ref() != Some(change) {
        return Err("the change is not the one mystaff makes for that request".into());
    }
    let Some(a) = planned.audit else {
        return Err("mystaff records no such change".into());
    };
    if a.activity_display_name != record.activity_display_name {
        return Err(format!(
            "the audit record's activity `{}` is not this change's",
            cut(&record.activity_display_name)
        ));
    }
    // What the record says was changed must be what the change changed (a renamed target or a
    // made-up old value is a forged record). Each plan draws its own ids: compare past them.
    let same = |x: &crate::audit::TargetResource, y: &crate::audit::TargetResource| {
        (x.id == y.id
            || (planned_id.as_deref() == Some(x.id.as_str())
                && new_object_id(change) == Some(y.id.as_str())))
            && x.kind == y.kind
            && x.user_principal_name == y.user_principal_name
            && x.display_name == y.display_name
            && x.modified_properties == y.modified_properties
    };
    let targets_agree = a.target_resources.len() == record.target_resources.len()
        && a.target_resources
            .iter()
            .zip(&record.target_resources)
            .all(|(x, y)| same(x, y));
    if !targets_agree || a.category != record.category || a.operation_type != record.operation_type
    {
        return Err("the audit record does not describe this change".into());
    }
    Ok(())
}

/// The duration an activation was asked for, as far as its record shows: its length, or PIM's
/// shortest when the eligibility's end cut it shorter (planning again then reaches the same end).
fn recorded_seconds(start: &str, end: &str) -> Result<i64, String> {
    let at = |s: &str| {
        crate::when::parse(s)
            .map(|t| t.unix_timestamp())
            .ok_or_else(|| format!("`{}` is not an RFC 3339 time", cut(s)))
    };
    Ok((at(end)? - at(start)?).max(pim::MIN_SECONDS))
}

fn refusal(e: &OpError, actor: &str) -> String {
    match e {
        // The engine speaks to the actor ("you hold …").
        OpError::Refused(why) => format!("{} could not have made this change: {why}", cut(actor)),
        e => format!("mystaff would not make it: {e}"),
    }
}

/// The id of the object a change creates.
fn new_object_id(c: &Change) -> Option<&str> {
    match c {
        Change::AuCreated { id, .. } | Change::RoleAssigned { id, .. } => Some(id),
        Change::UserCreated { user } => Some(&user.id),
        _ => None,
    }
}

fn drop_value<T>(p: Planned<T>) -> Planned<()> {
    Planned {
        change: p.change,
        audit: p.audit,
        result: p.result.map(|_| ()),
    }
}

/// `p` with the fields its plan drew fresh (ids, hashes, times) set to the recorded ones, so the
/// comparison is of everything the request decided.
fn same_except<T>(
    p: Planned<T>,
    planned_id: &mut Option<String>,
    fix: impl FnOnce(&mut Change),
) -> Planned<()> {
    let mut p = drop_value(p);
    if let Some(c) = p.change.as_mut() {
        *planned_id = new_object_id(c).map(str::to_string);
        fix(c);
    }
    p
}
