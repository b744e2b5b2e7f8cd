//! The engine turned around: who may act on a user (`who_can`), whom a user may act on
//! (`reach`), and what a My Staff rollout review needs per location (`report`).
//!
//! Every answer comes from the same decisions as `permissions::decide`: candidates are found
//! from the indices by scope (only assignments at tenant scope or at one of the target's units
//! can reach a target) and by principal, and each candidate is then decided by the engine. No
//! rule is restated here; the report counts tenant-wide reach with `permissions::tenant_columns`,
//! the tenant branch of the engine's own judgement for every column at once.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{AuId, GroupId, Principal, Scope, Tenant, UserId, UserType};
use crate::natural::natural_cmp;
use crate::permissions::{self, Action, Target};
use crate::roles::{Column, Role};

/// One way a principal may (or, after activating, could) do the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helper {
    pub user: UserId,
    pub role: Role,
    pub scope: Scope,
    /// The role-assignable group the role comes through, if any.
    pub via: Option<GroupId>,
    /// Only after activating a PIM eligibility.
    pub eligible: bool,
    /// The engine's reason.
    pub reason: String,
}

/// The actions the reverse questions are asked for.
pub fn supported(action: Action) -> bool {
    matches!(action, Action::ResetPassword | Action::ManagePhone)
}

/// The scopes whose assignments can reach `target`: the tenant, and its direct units.
fn scopes(t: &Tenant, target: UserId) -> Vec<Scope> {
    let mut v = vec![Scope::Tenant];
    v.extend(t.user_aus(target).iter().map(|&a| Scope::Au(a)));
    v
}

/// The users a role held by `p` acts through (the user, or the members of a role-assignable
/// group), with the group; None for a principal no user acts through.
fn holders(t: &Tenant, p: Principal) -> Option<(Vec<UserId>, Option<GroupId>)> {
    match p {
        Principal::User(u) => Some((vec![u], None)),
        Principal::Group(g) if t.group(g).role_assignable => {
            Some((t.group(g).members.clone(), Some(g)))
        }
        _ => None,
    }
}

fn acting_users(t: &Tenant, p: Principal, out: &mut BTreeSet<UserId>) {
    if let Some((users, _)) = holders(t, p) {
        out.extend(users);
    }
}

/// Everyone who may do `action` to `target` now (and with `include_eligible`, who could after
/// activating a PIM eligibility), sorted by UPN then role. Exactly the users `decide` allows.
pub fn who_can(t: &Tenant, action: Action, target: UserId, include_eligible: bool) -> Vec<Helper> {
    let mut active = BTreeSet::new();
    let mut eligible = BTreeSet::new();
    for s in scopes(t, target) {
        for &a in t.assignments_at(s) {
            let asg = t.assignment(a);
            if permissions::power(action, asg.role).is_none() {
                continue;
            }
            acting_users(t, asg.principal, &mut active);
            if include_eligible && let Principal::Group(g) = asg.principal {
                eligible.extend(t.group(g).eligible_members.iter().copied());
            }
        }
        if include_eligible {
            for e in t.eligibilities_at(s) {
                if permissions::power(action, e.role).is_some() {
                    acting_users(t, e.principal, &mut eligible);
                }
            }
        }
    }
    let mut out = Vec::new();
    for &u in active.union(&eligible) {
        let d = permissions::decide(t, Principal::User(u), action, Target::User(target));
        if d.allowed {
            for g in &d.granted_by {
                out.push(Helper {
                    user: u,
                    role: g.role,
                    scope: g.scope,
                    via: g.via_group,
                    eligible: false,
                    reason: d.reason.clone(),
                });
            }
        } else if include_eligible && let Some(a) = d.after_activating {
            let (role, scope, via) = a.parts();
            out.push(Helper {
                user: u,
                role,
                scope,
                via,
                eligible: true,
                reason: d.reason.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        natural_cmp(t.user(a.user).upn(), t.user(b.user).upn())
            .then_with(|| (a.role.name(), a.eligible).cmp(&(b.role.name(), b.eligible)))
    });
    out
}

/// Service principals holding a role with the power for `action` at a scope that covers
/// `target`: Graph would honour such a role for an application, but service principals cannot
/// use My Staff, so the engine (and `who_can`) never allows them. Listed apart for a review.
pub fn service_principals_covering(
    t: &Tenant,
    action: Action,
    target: UserId,
) -> Vec<(Principal, Role, Scope)> {
    let mut out = Vec::new();
    for s in scopes(t, target) {
        for &a in t.assignments_at(s) {
            let asg = t.assignment(a);
            if matches!(asg.principal, Principal::ServicePrincipal(_))
                && permissions::power(action, asg.role).is_some()
            {
                out.push((asg.principal, asg.role, asg.scope));
            }
        }
    }
    out
}

/// The users `actor` may do `action` to, each with the grant that allows it, ascending.
/// Exactly the targets `decide` allows; the actor's side (the My Staff gate, its grants) is
/// worked out once.
pub fn reach(t: &Tenant, actor: UserId, action: Action) -> Vec<(UserId, permissions::Grant)> {
    reached(t, actor, action, |u, g| Some((u, g)))
}

/// How many users [`reach`] would return, without collecting them.
pub fn reach_count(t: &Tenant, actor: UserId, action: Action) -> usize {
    reached(t, actor, action, |_, _| Some(())).len()
}

/// Runs `f` over `0..n` in as many ordered chunks as there are cores, and concatenates. Fewer
/// than `small` items are not worth a thread.
fn par_chunks<T: Send>(
    n: usize,
    small: usize,
    f: impl Fn(std::ops::Range<usize>) -> Vec<T> + Sync,
) -> Vec<T> {
    let k = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .clamp(1, 8);
    if k == 1 || n < small {
        return f(0..n);
    }
    let step = n.div_ceil(k);
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..k)
            .map(|i| {
                let f = &f;
                s.spawn(move || f(i * step..((i + 1) * step).min(n)))
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().expect("a reach worker panicked"))
            .collect()
    })
}

/// The targets `actor` may act on, mapped by `f` (None drops one), ascending.
fn reached<T: Send>(
    t: &Tenant,
    actor: UserId,
    action: Action,
    f: impl Fn(UserId, permissions::Grant) -> Option<T> + Sync,
) -> Vec<T> {
    let who = Principal::User(actor);
    let Ok(grants) = permissions::my_staff_gate(t, who, None) else {
        return Vec::new();
    };
    let mut tenant_wide = false;
    let mut units = BTreeSet::new();
    for g in &grants {
        if permissions::power(action, g.role).is_none() {
            continue;
        }
        match g.scope {
            Scope::Tenant => tenant_wide = true,
            Scope::Au(a) => {
                units.insert(a);
            }
        }
    }
    let judge = |u: UserId| {
        let d = permissions::decide_on_user(t, who, &grants, action, u);
        if d.allowed {
            f(u, d.granted_by[0])
        } else {
            None
        }
    };
    if tenant_wide {
        return par_chunks(t.users.len(), 50_000, |r| {
            r.map(UserId::from_index)
                .filter(|&u| !t.user(u).deleted)
                .filter_map(judge)
                .collect()
        });
    }
    let mut targets = BTreeSet::new();
    for a in units {
        for m in &t.au(a).members {
            if let Principal::User(u) = *m {
                targets.insert(u);
            }
        }
    }
    targets.into_iter().filter_map(judge).collect()
}

/// A helper of a location, with how many of its members they may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reacher {
    pub user: UserId,
    pub role: Role,
    pub via: Option<GroupId>,
    pub count: usize,
}

/// Per action (reset password, manage phones): the location's own scoped admins, and the
/// tenant-wide roles that also reach it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub scoped: Vec<Reacher>,
    /// Tenant-wide helpers by role: (role, how many people hold it usable, members they reach).
    pub tenant_wide: Vec<(Role, usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationReport {
    pub au: AuId,
    pub members: usize,
    pub reset: Coverage,
    pub phone: Coverage,
    /// Members no one below Privileged Authentication or Global Administrator can help, and why.
    pub hard_to_help: Vec<(UserId, String)>,
}

/// An assignment or eligibility that grants nothing usable, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idle {
    pub principal: Principal,
    pub role: Role,
    pub scope: Scope,
    pub eligible: bool,
    pub why: String,
}

/// A tenant-wide assignment and how many users it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantReach {
    pub user: UserId,
    pub role: Role,
    pub via: Option<GroupId>,
    pub reset: usize,
    pub phone: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub locations: Vec<LocationReport>,
    pub tenant_wide: Vec<TenantReach>,
    pub idle: Vec<Idle>,
}

impl Report {
    /// Locations where no scoped admin can do `phone`'s or reset's work: only central IT can.
    pub fn gaps(&self, phone: bool) -> Vec<AuId> {
        self.locations
            .iter()
            .filter(|l| {
                let c = if phone { &l.phone } else { &l.reset };
                l.members > 0 && c.scoped.iter().all(|r| r.count == 0)
            })
            .map(|l| l.au)
            .collect()
    }
}

const ACTIONS: [Action; 2] = [Action::ResetPassword, Action::ManagePhone];

/// The columns below Privileged Authentication and Global Administrator.
const LOWER: [Column; 4] = [
    Column::Password,
    Column::Helpdesk,
    Column::Auth,
    Column::User,
];

/// The delegation report over the whole tenant.
pub fn report(t: &Tenant) -> Report {
    // Tenant-wide reach: the columns each user may be acted on with from tenant scope.
    let columns: Vec<u8> = par_chunks(t.users.len(), 50_000, |r| {
        r.map(|i| {
            let u = UserId::from_index(i);
            if t.user(u).deleted {
                0
            } else {
                permissions::tenant_columns(t, u)
            }
        })
        .collect()
    });
    let tenant_helpers = tenant_helpers(t);
    let mut tenant_wide: Vec<TenantReach> = tenant_helpers
        .iter()
        .map(|h| {
            let count = |action: Action| {
                let Some(col) = permissions::power(action, h.role) else {
                    return 0;
                };
                let bit = 1u8 << col.index();
                columns
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| *m & bit != 0 && *i != h.user.index())
                    .count()
            };
            TenantReach {
                user: h.user,
                role: h.role,
                via: h.via,
                reset: count(Action::ResetPassword),
                phone: count(Action::ManagePhone),
            }
        })
        .collect();
    tenant_wide.sort_by(|a, b| {
        b.reset
            .cmp(&a.reset)
            .then_with(|| natural_cmp(t.user(a.user).upn(), t.user(b.user).upn()))
            .then_with(|| a.role.name().cmp(b.role.name()))
    });

    let aus: Vec<AuId> = t.live_aus().collect();
    let location = |a: AuId| {
        let members: Vec<UserId> = t
            .au(a)
            .members
            .iter()
            .filter_map(|m| match *m {
                Principal::User(u) => Some(u),
                _ => None,
            })
            .collect();
        let mut cover = [Coverage::default(), Coverage::default()];
        for (k, &action) in ACTIONS.iter().enumerate() {
            cover[k].scoped = scoped_reach(t, a, action, &members);
            // Tenant-wide roles: by role, people and the members they reach.
            let mut by_role: BTreeMap<Role, (BTreeSet<UserId>, usize)> = BTreeMap::new();
            for h in &tenant_helpers {
                let Some(col) = permissions::power(action, h.role) else {
                    continue;
                };
                let bit = 1u8 << col.index();
                let n = members
                    .iter()
                    .filter(|m| columns[m.index()] & bit != 0 && **m != h.user)
                    .count();
                let e = by_role.entry(h.role).or_default();
                e.0.insert(h.user);
                e.1 = e.1.max(n);
            }
            cover[k].tenant_wide = by_role
                .into_iter()
                .map(|(r, (people, n))| (r, people.len(), n))
                .collect();
        }
        // Members no tenant-wide role below the top two may act on: the few whose helpers are
        // then worked out one by one, to see whether a scoped admin (of a restricted unit, say)
        // still can.
        let below = LOWER.iter().fold(0u8, |m, c| m | 1 << c.index());
        let hard_to_help = members
            .iter()
            .filter(|m| columns[m.index()] & below == 0)
            .filter(|&&m| {
                ACTIONS.iter().all(|&action| {
                    who_can(t, action, m, false).iter().all(|h| {
                        permissions::power(action, h.role).is_none_or(|c| !LOWER.contains(&c))
                    })
                })
            })
            .map(|&m| (m, permissions::why_protected(t, m)))
            .collect();
        let [reset, phone] = cover;
        LocationReport {
            au: a,
            members: members.len(),
            reset,
            phone,
            hard_to_help,
        }
    };
    // Per location, a few scoped admins times its members: in chunks of locations.
    let mut locations = par_chunks(aus.len(), 200, |r| r.map(|i| location(aus[i])).collect());
    locations.sort_by(|x, y| natural_cmp(&t.au(x.au).display_name, &t.au(y.au).display_name));
    Report {
        locations,
        tenant_wide,
        idle: idle(t),
    }
}

/// Users holding a tenant-wide role with power over users, usable (they pass the My Staff
/// gate), directly or through a role-assignable group.
fn tenant_helpers(t: &Tenant) -> Vec<Reacher> {
    let mut out = Vec::new();
    for &a in t.assignments_at(Scope::Tenant) {
        let asg = t.assignment(a);
        if permissions::power(Action::ResetPassword, asg.role).is_none() {
            continue;
        }
        let Some((users, via)) = holders(t, asg.principal) else {
            continue;
        };
        for u in users {
            if permissions::my_staff_gate(t, Principal::User(u), None).is_ok() {
                out.push(Reacher {
                    user: u,
                    role: asg.role,
                    via,
                    count: 0,
                });
            }
        }
    }
    out
}

/// The unit's own scoped admins for `action`, each with how many of `members` they may help.
fn scoped_reach(t: &Tenant, a: AuId, action: Action, members: &[UserId]) -> Vec<Reacher> {
    let mut out: Vec<Reacher> = Vec::new();
    for &i in t.assignments_at(Scope::Au(a)) {
        let asg = t.assignment(i);
        if permissions::power(action, asg.role).is_none() {
            continue;
        }
        let Some((users, via)) = holders(t, asg.principal) else {
            continue;
        };
        for u in users {
            let who = Principal::User(u);
            let count = match permissions::my_staff_gate(t, who, None) {
                Ok(grants) => members
                    .iter()
                    .filter(|&&m| {
                        let d = permissions::decide_on_user(t, who, &grants, action, m);
                        d.allowed && d.granted_by.iter().any(|g| g.scope == Scope::Au(a))
                    })
                    .count(),
                Err(_) => 0,
            };
            out.push(Reacher {
                user: u,
                role: asg.role,
                via,
                count,
            });
        }
    }
    out.sort_by(|x, y| {
        natural_cmp(t.user(x.user).upn(), t.user(y.user).upn())
            .then_with(|| x.role.name().cmp(y.role.name()))
    });
    out
}

/// Scoped assignments and eligibilities that grant nothing usable.
fn idle(t: &Tenant) -> Vec<Idle> {
    let mut out = Vec::new();
    for a in t.live_aus() {
        let empty = !t
            .au(a)
            .members
            .iter()
            .any(|m| matches!(m, Principal::User(_)));
        for &i in t.assignments_at(Scope::Au(a)) {
            let asg = t.assignment(i);
            let why = match asg.principal {
                Principal::User(u) if t.user(u).user_type == UserType::Guest => {
                    let grants = permissions::grants_of(t, asg.principal);
                    let reads = grants
                        .iter()
                        .any(|g| g.scope == Scope::Tenant && g.role.def().reads_directory);
                    (!reads).then(|| {
                        "a guest without a tenant-wide directory-read role: the scoped role is not usable"
                            .to_string()
                    })
                }
                Principal::User(u) if !t.user(u).account_enabled => {
                    Some("the account is disabled".to_string())
                }
                _ => None,
            }
            .or_else(|| empty.then(|| "the unit has no user members".to_string()));
            if let Some(why) = why {
                out.push(Idle {
                    principal: asg.principal,
                    role: asg.role,
                    scope: asg.scope,
                    eligible: false,
                    why,
                });
            }
        }
    }
    for e in &t.eligibilities {
        // Activations are assignments with a window, to the user who activated.
        let activated = t.timed_assignments().any(|a| {
            let Principal::User(u) = a.principal else {
                return false;
            };
            a.role == e.role
                && a.scope == e.scope
                && match e.principal {
                    Principal::User(h) => h == u,
                    Principal::Group(g) => t.group(g).members.contains(&u),
                    Principal::ServicePrincipal(_) => false,
                }
        });
        if !activated {
            out.push(Idle {
                principal: e.principal,
                role: e.role,
                scope: e.scope,
                eligible: true,
                why: "eligible only, never activated".to_string(),
            });
        }
    }
    out
}
