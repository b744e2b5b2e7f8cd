//! Privileged Identity Management: what a user is eligible for, and activating or ending it.
//!
//! An eligible role grants nothing until its holder activates it. Activation is an active
//! assignment of the same role and scope with an end time (a PIM for Groups activation: a
//! membership or ownership with an end time); it ends by itself at that time or when its holder
//! deactivates it. Planning only reads the tenant, like every operation in `ops.rs`; the clock is
//! `Ctx::now`, which the session also set on the tenant.

use crate::audit::{Activity, KeyValue};
use crate::fields;
use crate::model::{GroupId, Principal, Scope, Tenant, UserId, Window};
use crate::ops::{
    self, Change, Ctx, GroupAccess, OpError, Planned, au_resource, principal_resource, prop,
};
use crate::roles::Role;
use crate::when;

/// PIM's default role setting: an activation lasts at least 30 minutes and at most 8 hours.
pub const MIN_SECONDS: i64 = 30 * 60;
pub const MAX_SECONDS: i64 = 8 * 3600;

/// "1h", "90m", "1h30m", "2:30" or ISO 8601 "PT1H30M" to seconds, within PIM's bounds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let s = text.trim().to_ascii_lowercase();
    let bad = || {
        format!(
            "`{}` is not a duration: write it like 1h, 90m, 1h30m or PT1H30M",
            crate::sanitize::cut(text)
        )
    };
    let body = s.strip_prefix("pt").unwrap_or(&s);
    let mut minutes: i64 = 0;
    if let Some((h, m)) = body.split_once(':') {
        let (h, m) = (h.parse::<i64>(), m.parse::<i64>());
        match (h, m) {
            (Ok(h), Ok(m)) if (0..60).contains(&m) && (0..=99).contains(&h) => minutes = h * 60 + m,
            _ => return Err(bad()),
        }
    } else {
        let mut digits = String::new();
        let mut units = 0;
        for c in body.chars() {
            match c {
                '0'..='9' if digits.len() < 4 => digits.push(c),
                'h' | 'm' if !digits.is_empty() => {
                    let n: i64 = digits.parse().map_err(|_| bad())?;
                    minutes += if c == 'h' { n * 60 } else { n };
                    digits.clear();
                    units += 1;
                }
                _ => return Err(bad()),
            }
        }
        if !digits.is_empty() || units == 0 {
            return Err(bad());
        }
    }
    let seconds = minutes * 60;
    check_duration(seconds)?;
    Ok(seconds)
}

/// PIM's bounds on an activation's length.
fn check_duration(seconds: i64) -> Result<(), String> {
    if (MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
        Ok(())
    } else {
        Err(format!(
            "an activation lasts from 30 minutes to 8 hours (PIM's default role setting), not {}",
            human_duration(seconds)
        ))
    }
}

/// "1 h 30 min", "45 min", "8 h".
pub fn human_duration(seconds: i64) -> String {
    let m = seconds.max(0) / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Something a user may activate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligible {
    /// An eligible role: `eligibility` indexes `Tenant::eligibilities`; it is the user's own or
    /// that of a role-assignable group they are a member of (`via_group`).
    Role {
        eligibility: usize,
        via_group: Option<GroupId>,
    },
    /// Eligible membership or ownership of a group (PIM for Groups).
    Group { group: GroupId, access: GroupAccess },
}

/// Where an eligibility stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// May be activated now.
    Ready,
    /// Already active, until this time (Unix seconds); None: permanently (not through PIM).
    Active(Option<i64>),
    /// Its window opens at this time.
    Opens(i64),
    /// Its window closed at this time.
    Closed(i64),
}

impl Standing {
    /// "can be activated", "active until …", "opens …", "ended …", with times as `at` shows them.
    pub fn describe(self, at: impl Fn(i64) -> String) -> String {
        match self {
            Standing::Ready => "can be activated".to_string(),
            Standing::Active(Some(end)) => format!("active until {}", at(end)),
            Standing::Active(None) => "held permanently".to_string(),
            Standing::Opens(start) => format!("opens {}", at(start)),
            Standing::Closed(end) => format!("ended {}", at(end)),
        }
    }
}

/// One line of `pim list`: what the user may activate, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct EligibleItem {
    pub what: Eligible,
    /// "Helpdesk Administrator (scoped to Portland)" or "member of Store leads".
    pub name: String,
    pub window: Window,
    pub standing: Standing,
}

/// Everything `u` is eligible to activate, where each stands at the tenant's clock, roles first
/// (by role and scope), then groups (by name).
pub fn eligible_items(t: &Tenant, u: UserId) -> Vec<EligibleItem> {
    let now = t.now();
    let mut out = Vec::new();
    let mut sources = vec![(Principal::User(u), None)];
    for &g in t.user_groups(u) {
        if t.group(g).role_assignable {
            sources.push((Principal::Group(g), Some(g)));
        }
    }
    for (p, via_group) in sources {
        for &i in t.eligibility_indices_of(p) {
            let e = &t.eligibilities[i];
            let standing = match active_role(t, u, e.role, e.scope) {
                Some(end) => Standing::Active(end),
                None => window_standing(e.window, now),
            };
            out.push(EligibleItem {
                what: Eligible::Role {
                    eligibility: i,
                    via_group,
                },
                name: role_name(t, e.role, e.scope, via_group),
                window: e.window,
                standing,
            });
        }
    }
    let mut groups: Vec<EligibleItem> = Vec::new();
    for &g in t.user_eligible_groups(u) {
        let group = t.group(g);
        for (access, list) in [
            (GroupAccess::Member, &group.eligible_members),
            (GroupAccess::Owner, &group.eligible_owners),
        ] {
            if !list.contains(&u) {
                continue;
            }
            let standing = match active_group(t, u, g, access) {
                Some(end) => Standing::Active(end),
                None => Standing::Ready,
            };
            groups.push(EligibleItem {
                what: Eligible::Group { group: g, access },
                name: request_name(t, Request::Group(g, access)),
                window: Window::ALWAYS,
                standing,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(groups);
    out
}

/// Where a window stands at `now`; inside it (`Window::contains`, so no clock counts as inside)
/// it is ready.
fn window_standing(w: Window, now: Option<i64>) -> Standing {
    if w.contains(now) {
        return Standing::Ready;
    }
    match (w.start, now) {
        (Some(s), Some(n)) if n < s => Standing::Opens(s),
        _ => w.end.map_or(Standing::Ready, Standing::Closed),
    }
}

fn role_name(t: &Tenant, role: Role, scope: Scope, via_group: Option<GroupId>) -> String {
    crate::permissions::describe_role(t, role, scope, via_group)
}

/// Is `u` holding `role` at `scope` now, directly? Some(None): permanently; Some(Some(end)):
/// through an activation ending then.
fn active_role(t: &Tenant, u: UserId, role: Role, scope: Scope) -> Option<Option<i64>> {
    t.assignments_of(Principal::User(u))
        .iter()
        .map(|&a| t.assignment(a))
        .find(|a| a.role == role && a.scope == scope)
        .map(|a| a.window.end)
}

/// Is `u` a member (owner) of `g` now? Some(None): permanently; Some(Some(end)): activated.
fn active_group(t: &Tenant, u: UserId, g: GroupId, access: GroupAccess) -> Option<Option<i64>> {
    let owner = access == GroupAccess::Owner;
    if let Some((_, a)) = t
        .group_activations_of(u)
        .find(|(_, a)| a.group == g && a.owner == owner)
    {
        return Some(a.window.end);
    }
    let group = t.group(g);
    let list = if owner { &group.owners } else { &group.members };
    list.contains(&u).then_some(None)
}

/// What to activate or end: a role at a scope, or access to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Role(Role, Scope),
    Group(GroupId, GroupAccess),
}

impl Eligible {
    /// The request that activates it.
    pub fn request(self, t: &Tenant) -> Request {
        match self {
            Eligible::Role { eligibility, .. } => {
                let e = &t.eligibilities[eligibility];
                Request::Role(e.role, e.scope)
            }
            Eligible::Group { group, access } => Request::Group(group, access),
        }
    }
}

/// Activates `what` for `actor`: [`activate_role`] or [`activate_group`].
pub fn activate(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    what: Request,
    seconds: i64,
    justification: &str,
) -> Planned<Activation> {
    match what {
        Request::Role(role, scope) => {
            activate_role(t, ctx, actor, role, scope, seconds, justification)
        }
        Request::Group(g, access) => {
            activate_group(t, ctx, actor, g, access, seconds, justification)
        }
    }
}

/// Ends `actor`'s activation of `what`: [`deactivate_role`] or [`deactivate_group`].
pub fn deactivate(t: &Tenant, ctx: &mut Ctx, actor: UserId, what: Request) -> Planned<()> {
    match what {
        Request::Role(role, scope) => deactivate_role(t, ctx, actor, role, scope),
        Request::Group(g, access) => deactivate_group(t, ctx, actor, g, access),
    }
}

/// "Authentication Administrator (scoped to Portland)" or "Member of Store leads".
pub fn request_name(t: &Tenant, r: Request) -> String {
    match r {
        Request::Role(role, scope) => role_name(t, role, scope, None),
        Request::Group(g, access) => format!(
            "{} of {}",
            match access {
                GroupAccess::Member => "Member",
                GroupAccess::Owner => "Owner",
            },
            t.group(g).display_name
        ),
    }
}

/// What an activation planned: its id and window, and whether the eligibility's own end cut it
/// short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    pub id: String,
    pub start: i64,
    pub end: i64,
    pub cut_by_eligibility: bool,
}

fn now_of(ctx: &Ctx) -> Result<i64, OpError> {
    when::parse(&ctx.now)
        .map(|t| t.unix_timestamp())
        .ok_or_else(|| OpError::Storage(format!("the clock reads `{}`", ctx.now)))
}

/// What every activation needs: an account that can sign in, PIM's bounds on the duration, and
/// a justification.
fn check_request(
    t: &Tenant,
    actor: UserId,
    seconds: i64,
    justification: &str,
) -> Result<(), OpError> {
    let user = t.user(actor);
    if !user.account_enabled {
        return Err(OpError::Refused(format!(
            "{} is disabled (accountEnabled: false) and cannot sign in to activate a role",
            user.upn()
        )));
    }
    check_duration(seconds).map_err(OpError::Invalid)?;
    if justification.trim().is_empty() {
        return Err(OpError::Invalid(
            "a justification is required (PIM's default role setting): say why you need it"
                .to_string(),
        ));
    }
    fields::check(fields::JUSTIFICATION, justification).map_err(OpError::Invalid)
}

fn pim_details(planned: &mut Planned<impl Sized>, justification: &str, window: Option<(i64, i64)>) {
    let Some(a) = planned.audit.as_mut() else {
        return;
    };
    let kv = |k: &str, v: String| KeyValue {
        key: k.to_string(),
        value: v,
    };
    a.additional_details
        .push(kv("Justification", justification.trim().to_string()));
    if let Some((start, end)) = window {
        a.additional_details
            .push(kv("StartDateTime", when::rfc3339(start)));
        a.additional_details
            .push(kv("EndDateTime", when::rfc3339(end)));
    }
}

/// The justification an activation's audit record holds (for replay).
pub fn recorded_justification(record: &crate::audit::AuditRecord) -> Option<&str> {
    record
        .additional_details
        .iter()
        .find(|kv| kv.key == "Justification")
        .map(|kv| kv.value.as_str())
}

/// Activates `actor`'s eligibility for `role` at `scope` for `seconds` (within PIM's bounds),
/// with a justification. The activation is an assignment to the actor; it ends at the
/// eligibility's own end if that comes first.
pub fn activate_role(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    role: Role,
    scope: Scope,
    seconds: i64,
    justification: &str,
) -> Planned<Activation> {
    let id = ctx.new_id();
    let result = (|| {
        let now = now_of(ctx)?;
        check_request(t, actor, seconds, justification)?;
        let items = eligible_items(t, actor);
        let found = items.iter().find(|it| match it.what {
            Eligible::Role { eligibility, .. } => {
                let e = &t.eligibilities[eligibility];
                e.role == role && e.scope == scope
            }
            Eligible::Group { .. } => false,
        });
        let upn = t.user(actor).upn();
        let wanted = role_name(t, role, scope, None);
        let Some(item) = found else {
            let roles: Vec<&str> = items
                .iter()
                .filter(|it| matches!(it.what, Eligible::Role { .. }))
                .map(|it| it.name.as_str())
                .collect();
            return Err(OpError::Refused(if roles.is_empty() {
                format!("{upn} is not eligible for {wanted}, nor for any other role")
            } else {
                format!(
                    "{upn} is not eligible for {wanted}; eligible for: {}",
                    roles.join(", ")
                )
            }));
        };
        match item.standing {
            Standing::Ready => {}
            Standing::Active(Some(end)) => {
                return Err(OpError::Invalid(format!(
                    "{wanted} is already active for {upn} until {} (deactivate it first to start again)",
                    when::exact_utc(&when::rfc3339(end))
                )));
            }
            Standing::Active(None) => {
                return Err(OpError::Invalid(format!(
                    "{upn} already holds {wanted} permanently: there is nothing to activate"
                )));
            }
            Standing::Opens(at) => {
                return Err(OpError::Refused(format!(
                    "{upn}'s eligibility for {wanted} starts at {}; it cannot be activated before then",
                    when::exact_utc(&when::rfc3339(at))
                )));
            }
            Standing::Closed(at) => {
                return Err(OpError::Refused(format!(
                    "{upn}'s eligibility for {wanted} ended at {}; it can no longer be activated",
                    when::exact_utc(&when::rfc3339(at))
                )));
            }
        }
        let Eligible::Role { eligibility, .. } = item.what else {
            unreachable!("filtered to roles above");
        };
        let e = &t.eligibilities[eligibility];
        let mut end = now + seconds;
        let cut = e.window.end.is_some_and(|closes| closes < end);
        if let Some(closes) = e.window.end {
            end = end.min(closes);
        }
        Ok((
            Change::RoleActivated {
                id: id.clone(),
                role_definition_id: role.template_id().to_string(),
                principal_id: t.user(actor).id().to_string(),
                directory_scope_id: t.scope_id(scope),
                eligibility_id: e.id.clone(),
                start_date_time: when::rfc3339(now),
                end_date_time: when::rfc3339(end),
            },
            Activation {
                id: id.clone(),
                start: now,
                end,
                cut_by_eligibility: cut,
            },
        ))
    })();
    let window = result.as_ref().ok().map(|(_, a)| (a.start, a.end));
    let targets = role_targets(t, actor, role, scope, true);
    let mut planned = ops::finish(t, ctx, actor, Activity::PimRoleActivated, targets, result);
    pim_details(&mut planned, justification, window);
    planned
}

fn role_targets(
    t: &Tenant,
    actor: UserId,
    role: Role,
    scope: Scope,
    adding: bool,
) -> Vec<crate::audit::TargetResource> {
    let v = |s: String| {
        if adding {
            (None, Some(s))
        } else {
            (Some(s), None)
        }
    };
    let mut user = principal_resource(t, Principal::User(actor));
    let (o1, n1) = v(role.name().to_string());
    let (o2, n2) = v(role.template_id().to_string());
    let (o3, n3) = v(t.scope_id(scope));
    user.modified_properties = vec![
        prop("Role.DisplayName", o1, n1),
        prop("Role.TemplateId", o2, n2),
        prop("Scope", o3, n3),
    ];
    let mut targets = vec![user];
    if let Scope::Au(a) = scope {
        targets.push(au_resource(t, a));
    }
    targets
}

/// Ends `actor`'s activation of `role` at `scope` before its end time.
pub fn deactivate_role(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    role: Role,
    scope: Scope,
) -> Planned<()> {
    let result = {
        let upn = t.user(actor).upn();
        let wanted = role_name(t, role, scope, None);
        let held = t
            .assignments_of(Principal::User(actor))
            .iter()
            .map(|&a| t.assignment(a))
            .find(|a| a.role == role && a.scope == scope);
        match held {
            Some(a) if !a.window.is_always() => {
                Ok((Change::RoleDeactivated { id: a.id.clone() }, ()))
            }
            Some(_) => Err(OpError::Invalid(format!(
                "{upn} holds {wanted} permanently, not through an activation; an administrator removes it with `role unassign`"
            ))),
            None => Err(OpError::Invalid(format!(
                "{upn} has no activation of {wanted} in force"
            ))),
        }
    };
    let targets = role_targets(t, actor, role, scope, false);
    ops::finish(t, ctx, actor, Activity::PimRoleDeactivated, targets, result)
}

fn group_targets(
    t: &Tenant,
    actor: UserId,
    g: GroupId,
    access: GroupAccess,
) -> Vec<crate::audit::TargetResource> {
    let mut user = principal_resource(t, Principal::User(actor));
    user.modified_properties = vec![prop("AccessId", None, Some(access.as_str().to_string()))];
    vec![user, principal_resource(t, Principal::Group(g))]
}

fn group_activity(access: GroupAccess, activate: bool) -> Activity {
    match (access, activate) {
        (GroupAccess::Member, true) => Activity::PimGroupMemberActivated,
        (GroupAccess::Owner, true) => Activity::PimGroupOwnerActivated,
        (GroupAccess::Member, false) => Activity::PimGroupMemberDeactivated,
        (GroupAccess::Owner, false) => Activity::PimGroupOwnerDeactivated,
    }
}

/// Activates `actor`'s eligible membership or ownership of `g` (PIM for Groups).
pub fn activate_group(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    g: GroupId,
    access: GroupAccess,
    seconds: i64,
    justification: &str,
) -> Planned<Activation> {
    let id = ctx.new_id();
    let result = (|| {
        let now = now_of(ctx)?;
        check_request(t, actor, seconds, justification)?;
        let upn = t.user(actor).upn();
        let group = t.group(g);
        let list = match access {
            GroupAccess::Member => &group.eligible_members,
            GroupAccess::Owner => &group.eligible_owners,
        };
        if !list.contains(&actor) {
            return Err(OpError::Refused(format!(
                "{upn} is not eligible to be {} of {}",
                match access {
                    GroupAccess::Member => "a member",
                    GroupAccess::Owner => "an owner",
                },
                group.display_name
            )));
        }
        match active_group(t, actor, g, access) {
            Some(Some(end)) => {
                return Err(OpError::Invalid(format!(
                    "{upn} is already {} of {} until {} (deactivate it first to start again)",
                    access.as_str(),
                    group.display_name,
                    when::exact_utc(&when::rfc3339(end))
                )));
            }
            Some(None) => {
                return Err(OpError::Invalid(format!(
                    "{upn} is already {} of {}: there is nothing to activate",
                    access.as_str(),
                    group.display_name
                )));
            }
            None => {}
        }
        let end = now + seconds;
        Ok((
            Change::GroupAccessActivated {
                id: id.clone(),
                group_id: group.id.clone(),
                principal_id: t.user(actor).id().to_string(),
                access_id: access,
                start_date_time: when::rfc3339(now),
                end_date_time: when::rfc3339(end),
            },
            Activation {
                id: id.clone(),
                start: now,
                end,
                cut_by_eligibility: false,
            },
        ))
    })();
    let window = result.as_ref().ok().map(|(_, a)| (a.start, a.end));
    let targets = group_targets(t, actor, g, access);
    let activity = group_activity(access, true);
    let mut planned = ops::finish(t, ctx, actor, activity, targets, result);
    pim_details(&mut planned, justification, window);
    planned
}

/// Ends `actor`'s activated membership or ownership of `g` before its end time.
pub fn deactivate_group(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    g: GroupId,
    access: GroupAccess,
) -> Planned<()> {
    let result = {
        let owner = access == GroupAccess::Owner;
        let upn = t.user(actor).upn();
        let group = t.group(g);
        match t
            .group_activations_of(actor)
            .find(|(_, a)| a.group == g && a.owner == owner)
        {
            Some((_, a)) => Ok((Change::GroupAccessDeactivated { id: a.id.clone() }, ())),
            None => Err(OpError::Invalid(format!(
                "{upn} has no activated {} of {} in force",
                if owner { "ownership" } else { "membership" },
                group.display_name
            ))),
        }
    };
    let targets = group_targets(t, actor, g, access);
    ops::finish(
        t,
        ctx,
        actor,
        group_activity(access, false),
        targets,
        result,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Ok(3600));
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration(" PT8H "), Ok(8 * 3600));
        assert_eq!(parse_duration("2:30"), Ok(9000));
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert!(parse_duration("29m").unwrap_err().contains("29 min"));
        assert!(parse_duration("8h1m").unwrap_err().contains("8 h 1 min"));
        for bad in [
            "", "h", "1", "1x", "1.5h", "-1h", "1h 30m", "99999h", "1:60",
        ] {
            assert!(
                parse_duration(bad).unwrap_err().contains("not a duration"),
                "{bad}"
            );
        }
    }
}
