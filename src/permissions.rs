//! The permission engine: who may do what to whom. Every rule of `docs/RULES.md` lives here once;
//! the CLI, the operations and the TUI only ask. Pure: no I/O, no clock, no randomness.
//!
//! Decisions for manager actions (open My Staff, view a profile, reset a password, manage phones)
//! start with the My Staff access gate; directory administration (AUs, scoped role members, users,
//! the My Staff setting) is gated by role alone.

use crate::model::{AssignmentId, AuId, GroupId, UserId};
use std::fmt;
use std::str::FromStr;

use crate::model::{MyStaffAccess, Principal, Scope, Tenant, UserType};
use crate::roles::{Column, Role, Row};

/// The text My Staff shows to someone who may not use it.
pub const OOPS: &str = "Oops, seems you're not authorized to see My Staff at this time. Please contact your admin for more information.";

/// The refusal for a member of a restricted management unit, naming the unit (or units) and the
/// only way in. Microsoft's text ("This user is a member of a restricted management
/// administrative unit…") names neither, which leaves a manager guessing.
pub fn restricted_unit_refusal(t: &Tenant, target: UserId) -> String {
    let units: Vec<&str> = t
        .user_aus(target)
        .iter()
        .filter(|&&a| t.au(a).restricted)
        .map(|&a| t.au(a).display_name.as_str())
        .collect();
    let (what, which) = match units.len() {
        1 => ("unit", "that unit"),
        _ => ("units", "one of those units"),
    };
    format!(
        "{} is a member of the restricted {what} {}: only administrators whose role is scoped to {which} can manage them.",
        user_name(t, target),
        units.join(", ")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    OpenMyStaff,
    ViewProfile,
    ResetPassword,
    ManagePhone,
    ListAuRoles,
    ManageAuRoles,
    ManageAuMembers,
    CreateAu,
    DeleteAu,
    ManageSettings,
    CreateUser,
    DeleteUser,
    /// Assign or remove a role at tenant scope (`/`).
    ManageRoles,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::OpenMyStaff,
        Action::ViewProfile,
        Action::ResetPassword,
        Action::ManagePhone,
        Action::ListAuRoles,
        Action::ManageAuRoles,
        Action::ManageAuMembers,
        Action::CreateAu,
        Action::DeleteAu,
        Action::ManageSettings,
        Action::CreateUser,
        Action::DeleteUser,
        Action::ManageRoles,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::OpenMyStaff => "open-my-staff",
            Action::ViewProfile => "view-profile",
            Action::ResetPassword => "reset-password",
            Action::ManagePhone => "manage-phone",
            Action::ListAuRoles => "list-au-roles",
            Action::ManageAuRoles => "manage-au-roles",
            Action::ManageAuMembers => "manage-au-members",
            Action::CreateAu => "create-au",
            Action::DeleteAu => "delete-au",
            Action::ManageSettings => "manage-settings",
            Action::CreateUser => "create-user",
            Action::DeleteUser => "delete-user",
            Action::ManageRoles => "manage-roles",
        }
    }

    /// Does the action need a user target?
    pub fn needs_user(self) -> bool {
        matches!(
            self,
            Action::ViewProfile | Action::ResetPassword | Action::ManagePhone | Action::DeleteUser
        )
    }

    /// Gerund for messages: "resetting passwords".
    fn doing(self) -> &'static str {
        match self {
            Action::OpenMyStaff => "opening My Staff",
            Action::ViewProfile => "viewing profiles",
            Action::ResetPassword => "resetting passwords",
            Action::ManagePhone => "managing phone numbers",
            Action::ListAuRoles => "listing scoped role members",
            Action::ManageAuRoles => "assigning roles scoped to administrative units",
            Action::ManageAuMembers => "changing administrative unit members",
            Action::CreateAu => "creating administrative units",
            Action::DeleteAu => "deleting administrative units",
            Action::ManageSettings => "changing the My Staff access setting",
            Action::CreateUser => "creating users",
            Action::DeleteUser => "deleting users",
            Action::ManageRoles => "assigning roles tenant-wide",
        }
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let all: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
                format!("unknown action `{s}` (expected one of: {})", all.join(", "))
            })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    None,
    User(UserId),
    Au(AuId),
}

/// One role assignment that (would) grant the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub assignment: AssignmentId,
    pub role: Role,
    pub scope: Scope,
    /// The role-assignable group the role reaches the actor through, if any.
    pub via_group: Option<GroupId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
    pub granted_by: Vec<Grant>,
    /// Refused now, but allowed once the actor activates this (PIM); the reason says so.
    pub after_activating: Option<Activatable>,
}

/// A PIM eligibility of the actor that would grant a refused action once activated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activatable {
    /// An eligible role: the actor's own, or that of a role-assignable group they are a member
    /// of (`via_group`).
    Role {
        role: Role,
        scope: Scope,
        via_group: Option<GroupId>,
    },
    /// Eligible membership of a role-assignable group that holds `role` at `scope`.
    Membership {
        group: GroupId,
        role: Role,
        scope: Scope,
    },
}

impl Activatable {
    /// "Authentication Administrator (scoped to Portland)", or "membership of Contoso Regional
    /// Helpdesk (Helpdesk Administrator, scoped to Seattle)".
    pub fn describe(&self, t: &Tenant) -> String {
        match *self {
            Activatable::Role {
                role,
                scope,
                via_group,
            } => describe_role(t, role, scope, via_group),
            Activatable::Membership { group, role, scope } => format!(
                "membership of {} ({}, {})",
                t.group(group).display_name,
                role.name(),
                t.scope_phrase(scope)
            ),
        }
    }

    /// The role, its scope and the group it would come through.
    pub fn parts(self) -> (Role, Scope, Option<GroupId>) {
        match self {
            Activatable::Role {
                role,
                scope,
                via_group,
            } => (role, scope, via_group),
            Activatable::Membership { group, role, scope } => (role, scope, Some(group)),
        }
    }

    fn grant(self) -> Grant {
        let (role, scope, via_group) = self.parts();
        Grant {
            // A grant that does not exist yet has no assignment; this one is only judged, never
            // returned.
            assignment: AssignmentId::from_index(u32::MAX as usize),
            role,
            scope,
            via_group,
        }
    }
}

/// What `u` could activate that holds a role: their own eligibilities in their window, those of
/// the role-assignable groups they are a member of, and the roles of the role-assignable groups
/// they are an eligible member of.
fn activatable(t: &Tenant, u: UserId) -> Vec<Activatable> {
    let mut out: Vec<Activatable> = t
        .eligibilities_of(Principal::User(u))
        .map(|e| Activatable::Role {
            role: e.role,
            scope: e.scope,
            via_group: None,
        })
        .collect();
    for &g in t.user_groups(u) {
        if t.group(g).role_assignable {
            out.extend(
                t.eligibilities_of(Principal::Group(g))
                    .map(|e| Activatable::Role {
                        role: e.role,
                        scope: e.scope,
                        via_group: Some(g),
                    }),
            );
        }
    }
    for &g in t.user_eligible_groups(u) {
        let group = t.group(g);
        if group.role_assignable && group.eligible_members.contains(&u) {
            out.extend(t.assignments_of(Principal::Group(g)).iter().map(|&a| {
                let asg = t.assignment(a);
                Activatable::Membership {
                    group: g,
                    role: asg.role,
                    scope: asg.scope,
                }
            }));
        }
    }
    out
}

impl Decision {
    fn allow(reason: impl Into<String>, granted_by: Vec<Grant>) -> Decision {
        Decision {
            allowed: true,
            reason: reason.into(),
            granted_by,
            after_activating: None,
        }
    }
    fn refuse(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: false,
            reason: reason.into(),
            granted_by: Vec::new(),
            after_activating: None,
        }
    }
}

/// What an AU-scoped holder of a reset role may act on inside its unit (following the seed
/// document "Assign scoped roles to an administrative unit").
enum AuTargets {
    /// Only users with no admin role at all.
    NonAdminsOnly,
    /// Non-admins, and users whose only roles are AU-scoped roles from this list.
    NonAdminsAnd(&'static [Role]),
    /// Anyone in the unit who holds no tenant-scope role.
    Anyone,
}

fn au_targets(column: Column) -> AuTargets {
    match column {
        Column::Helpdesk => AuTargets::NonAdminsAnd(&[Role::HELPDESK_ADMINISTRATOR]),
        Column::Password => AuTargets::NonAdminsAnd(&[Role::PASSWORD_ADMINISTRATOR]),
        // "Limited admins": the AU-scopable roles of the User column.
        Column::User => AuTargets::NonAdminsAnd(&[
            Role::HELPDESK_ADMINISTRATOR,
            Role::PASSWORD_ADMINISTRATOR,
            Role::GROUPS_ADMINISTRATOR,
            Role::USER_ADMINISTRATOR,
        ]),
        Column::Auth => AuTargets::NonAdminsOnly,
        Column::PrivAuth | Column::Global => AuTargets::Anyone,
    }
}

/// Every role that reaches a principal, directly or (for users) through role-assignable groups.
pub fn grants_of(t: &Tenant, p: Principal) -> Vec<Grant> {
    let pairs: Vec<(AssignmentId, Option<GroupId>)> = match p {
        Principal::User(u) => t.effective_assignments(u),
        _ => t.assignments_of(p).iter().map(|&a| (a, None)).collect(),
    };
    let mut out: Vec<Grant> = pairs
        .into_iter()
        .map(|(a, via_group)| {
            let asg = t.assignment(a);
            Grant {
                assignment: a,
                role: asg.role,
                scope: asg.scope,
                via_group,
            }
        })
        .collect();
    out.sort_by_key(|g| (g.role, g.scope, g.via_group));
    out
}

/// Whether `actor` holds one of `roles` at a scope that covers `target` (tenant-wide, or a unit
/// `target` is in), directly or through a group: live mode's test for Graph's `passwordProfile`
/// fallback, which Microsoft documents for some roles and not others.
pub fn holds_role_over(t: &Tenant, actor: UserId, target: UserId, roles: &[Role]) -> bool {
    grants_of(t, Principal::User(actor)).iter().any(|g| {
        roles.contains(&g.role)
            && match g.scope {
                Scope::Tenant => true,
                Scope::Au(a) => t.user_aus(target).contains(&a),
            }
    })
}

/// [`grants_of`], with one more that activation would add.
fn grants_with(t: &Tenant, p: Principal, extra: Option<Grant>) -> Vec<Grant> {
    let mut grants = grants_of(t, p);
    grants.extend(extra);
    grants
}

/// "Helpdesk Administrator (scoped to Portland)".
pub fn describe_grant(t: &Tenant, g: &Grant) -> String {
    describe_role(t, g.role, g.scope, g.via_group)
}

/// "Helpdesk Administrator (scoped to Portland, through group Store leads)".
pub fn describe_role(t: &Tenant, role: Role, scope: Scope, via_group: Option<GroupId>) -> String {
    let mut s = format!("{} ({}", role.name(), t.scope_phrase(scope));
    if let Some(group) = via_group {
        s.push_str(&format!(", through group {}", t.group(group).display_name));
    }
    s.push(')');
    s
}

fn describe_grants(t: &Tenant, grants: &[Grant]) -> String {
    if grants.is_empty() {
        return "no directory role".to_string();
    }
    let v: Vec<String> = grants.iter().map(|g| describe_grant(t, g)).collect();
    v.join(", ")
}

fn article(name: &str) -> &'static str {
    match name.chars().next() {
        // "a User Administrator", "an Authentication Administrator".
        Some('A' | 'E' | 'I' | 'O') => "an",
        _ => "a",
    }
}

fn user_name(t: &Tenant, u: UserId) -> &str {
    let upn = &t.user(u).upn();
    upn.split('@').next().unwrap_or(upn)
}

/// The My Staff access gate: a user holding at least one directory role, enabled by the
/// tenant setting. Returns the actor's roles when open.
pub(crate) fn my_staff_gate(
    t: &Tenant,
    actor: Principal,
    extra: Option<Grant>,
) -> Result<Vec<Grant>, Decision> {
    let Principal::User(u) = actor else {
        return Err(Decision::refuse(format!(
            "{OOPS} ({} is not a user; service principals cannot sign in to My Staff.)",
            t.principal_name(actor)
        )));
    };
    let user = t.user(u);
    if !user.account_enabled {
        return Err(Decision::refuse(format!(
            "{} is disabled (accountEnabled: false) and cannot sign in to My Staff.",
            user.upn()
        )));
    }
    let grants = grants_with(t, actor, extra);
    if grants.is_empty() {
        return Err(Decision::refuse(format!(
            "{OOPS} ({} holds no directory role; only administrators can use My Staff.)",
            user.upn()
        )));
    }
    let setting = &t.settings.my_staff;
    match setting.access {
        MyStaffAccess::All => Ok(grants),
        MyStaffAccess::None => Err(Decision::refuse(format!(
            "{OOPS} (The tenant setting \"Administrators can access My Staff\" is set to no one.)"
        ))),
        MyStaffAccess::Selected => {
            let selected = setting.selected.iter().any(|p| match *p {
                Principal::User(s) => s == u,
                Principal::Group(g) => t.user_groups(u).contains(&g),
                Principal::ServicePrincipal(_) => false,
            });
            if selected {
                Ok(grants)
            } else {
                Err(Decision::refuse(format!(
                    "{OOPS} (The tenant setting \"Administrators can access My Staff\" is limited to selected users and groups, and {} is not among them.)",
                    user.upn()
                )))
            }
        }
    }
}

/// A refusal with how specific it is: the most specific one explains a decision best.
struct Refusal {
    rank: u8,
    reason: String,
}

const RANK_OUT_OF_SCOPE: u8 = 2;
const RANK_GUEST: u8 = 3;
const RANK_RESTRICTED: u8 = 4;
const RANK_IN_SCOPE: u8 = 5;

/// A role that protects a target user: held, directly or through a role-assignable group, or
/// only eligible for (PIM), which protects its holder exactly as if it were active.
struct TargetRole {
    role: Role,
    scope: Scope,
    eligible: bool,
    via_group: Option<GroupId>,
}

impl TargetRole {
    /// "a Global Administrator", "someone eligible for Global Administrator".
    fn who(&self) -> String {
        if self.eligible {
            format!("someone eligible for {}", self.role.name())
        } else {
            format!("{} {}", article(self.role.name()), self.role.name())
        }
    }

    /// "holds Helpdesk Administrator (scoped to Portland)", "is eligible for …".
    fn holds_where(&self, t: &Tenant) -> String {
        let s = describe_role(t, self.role, self.scope, self.via_group);
        if self.eligible {
            format!("is eligible for {s}")
        } else {
            format!("holds {s}")
        }
    }

    /// "holds a User Administrator", "is eligible for User Administrator".
    fn holds(&self) -> String {
        if self.eligible {
            format!("is eligible for {}", self.role.name())
        } else {
            format!("holds {} {}", article(self.role.name()), self.role.name())
        }
    }
}

/// Every role that protects `u`: active grants, the user's own eligibilities, eligibilities of
/// the role-assignable groups the user is in, and the roles (active or eligible) of the
/// role-assignable groups the user is only eligible to join or own.
fn target_roles(t: &Tenant, u: UserId) -> Vec<TargetRole> {
    let mut out: Vec<TargetRole> = grants_of(t, Principal::User(u))
        .into_iter()
        .map(|g| TargetRole {
            role: g.role,
            scope: g.scope,
            eligible: false,
            via_group: g.via_group,
        })
        .collect();
    let eligible = |via_group: Option<GroupId>| {
        move |e: &crate::model::Eligibility| TargetRole {
            role: e.role,
            scope: e.scope,
            eligible: true,
            via_group,
        }
    };
    out.extend(t.eligibilities_of(Principal::User(u)).map(eligible(None)));
    for &g in t.user_groups(u) {
        if t.group(g).role_assignable {
            out.extend(
                t.eligibilities_of(Principal::Group(g))
                    .map(eligible(Some(g))),
            );
        }
    }
    for &g in t.user_eligible_groups(u) {
        if t.group(g).role_assignable {
            out.extend(
                t.assignments_of(Principal::Group(g))
                    .iter()
                    .map(|&a| TargetRole {
                        role: t.assignment(a).role,
                        scope: t.assignment(a).scope,
                        eligible: true,
                        via_group: Some(g),
                    }),
            );
            out.extend(
                t.eligibilities_of(Principal::Group(g))
                    .map(eligible(Some(g))),
            );
        }
    }
    // Active before eligible, so a refusal names what the target really holds when it can.
    out.sort_by_key(|r| (r.eligible, r.role, r.scope, r.via_group));
    out
}

/// The rows of the reset table a target falls in, each with how to name it in a refusal.
pub(crate) fn target_rows(t: &Tenant, target: UserId) -> Vec<(Row, String)> {
    let mut rows = Vec::new();
    for r in target_roles(t, target) {
        let restricted = matches!(r.scope, Scope::Au(a) if t.au(a).restricted);
        if restricted {
            rows.push((
                Row::RoleScopedToRestrictedAu,
                format!(
                    "{} scoped to the restricted management unit {}",
                    r.who(),
                    t.scope_phrase(r.scope).trim_start_matches("scoped to ")
                ),
            ));
        } else {
            rows.push((r.role.def().row, r.who()));
        }
    }
    if let Some((g, eligible)) = protecting_group(t, target) {
        rows.push((
            Row::RoleAssignableGroupMemberOrOwner,
            format!(
                "{} of the role-assignable group {g}",
                member_or_owner(eligible)
            ),
        ));
    }
    if rows.is_empty() {
        rows.push((Row::NoAdminRole, "a user without an admin role".to_string()));
    }
    rows
}

/// A role-assignable group the user is a member or owner of (false) or only eligible to be
/// (true): either protects them.
fn protecting_group(t: &Tenant, u: UserId) -> Option<(&str, bool)> {
    let held = t.user_groups(u).iter().chain(t.user_owned_groups(u));
    held.map(|&g| (g, false))
        .chain(t.user_eligible_groups(u).iter().map(|&g| (g, true)))
        .map(|(g, eligible)| (t.group(g), eligible))
        .find(|(g, _)| g.role_assignable)
        .map(|(g, eligible)| (g.display_name.as_str(), eligible))
}

fn member_or_owner(eligible: bool) -> &'static str {
    if eligible {
        "an eligible member or owner"
    } else {
        "a member or owner"
    }
}

pub(crate) fn in_restricted_au(t: &Tenant, u: UserId) -> bool {
    t.user_aus(u).iter().any(|&a| t.au(a).restricted)
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::ManagePhone => "manage the phone numbers of",
        Action::DeleteUser => "delete",
        _ => "reset the password of",
    }
}

/// The column an actor's grant acts with for this action, if the role has the power at all.
pub(crate) fn power(action: Action, role: Role) -> Option<Column> {
    let column = role.def().column?;
    match action {
        Action::ResetPassword => Some(column),
        Action::ManagePhone => column.manages_phones().then_some(column),
        // Deleting users: Microsoft's "sensitive actions" table uses the same columns; only the
        // User and Global Administrator roles can delete users at all.
        Action::DeleteUser => matches!(column, Column::User | Column::Global).then_some(column),
        _ => None,
    }
}

fn roles_with_power(action: Action) -> String {
    // Least privileged first: the role to ask for comes first.
    let names: Vec<&str> = Role::all()
        .filter(|r| power(action, *r).is_some())
        .map(|r| r.name())
        .rev()
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}

/// Judges one grant of the actor against a target user.
fn judge(
    t: &Tenant,
    action: Action,
    g: &Grant,
    column: Column,
    target: UserId,
) -> Result<(), Refusal> {
    // Named only in a refusal: an allowed decision (most of them, at scale) builds no text.
    let who = || describe_grant(t, g);
    let name = user_name(t, target);
    let in_restricted = in_restricted_au(t, target);
    match g.scope {
        Scope::Tenant => {
            if in_restricted {
                return Err(Refusal {
                    rank: RANK_RESTRICTED,
                    reason: restricted_unit_refusal(t, target),
                });
            }
            if let Some((_, desc)) = blocking_row(column, &target_rows(t, target)) {
                return Err(Refusal {
                    rank: RANK_IN_SCOPE,
                    reason: format!("{} cannot {} {desc}.", who(), verb(action)),
                });
            }
            Ok(())
        }
        Scope::Au(au) => {
            if !t.is_direct_member(target, au) {
                let through = t
                    .user_groups(target)
                    .iter()
                    .find(|&&grp| t.group_aus(grp).contains(&au));
                let reason = match through {
                    Some(&grp) => format!(
                        "{name} is in {} only through the group {}; roles scoped to a location cover its direct members only.",
                        t.au(au).display_name,
                        t.group(grp).display_name
                    ),
                    None => String::new(),
                };
                return Err(Refusal {
                    rank: RANK_OUT_OF_SCOPE,
                    reason,
                });
            }
            if in_restricted && !t.au(au).restricted {
                return Err(Refusal {
                    rank: RANK_RESTRICTED,
                    reason: restricted_unit_refusal(t, target),
                });
            }
            let target_grants = target_roles(t, target);
            if let Some(tg) = target_grants.iter().find(|tg| tg.scope == Scope::Tenant) {
                return Err(Refusal {
                    rank: RANK_IN_SCOPE,
                    reason: format!(
                        "{} cannot {} {name}, who {} tenant-wide; admins scoped to a location never manage tenant-wide admins.",
                        who(),
                        verb(action),
                        tg.holds()
                    ),
                });
            }
            if let Some((group, eligible)) = protecting_group(t, target) {
                return Err(Refusal {
                    rank: RANK_IN_SCOPE,
                    reason: format!(
                        "{} cannot {} {name}, {} of the role-assignable group {group}; only tenant-wide Privileged Authentication or Global Administrators can.",
                        who(),
                        verb(action),
                        member_or_owner(eligible)
                    ),
                });
            }
            let blocked = match au_targets(column) {
                AuTargets::Anyone => None,
                AuTargets::NonAdminsOnly => target_grants.first(),
                AuTargets::NonAdminsAnd(ok) => target_grants.iter().find(|tg| {
                    let restricted = matches!(tg.scope, Scope::Au(a) if t.au(a).restricted);
                    restricted || !ok.contains(&tg.role)
                }),
            };
            if let Some(tg) = blocked {
                return Err(Refusal {
                    rank: RANK_IN_SCOPE,
                    reason: format!(
                        "{} cannot {} {} {} ({name} {}).",
                        who(),
                        verb(action),
                        article(tg.role.name()),
                        tg.role.name(),
                        tg.holds_where(t)
                    ),
                });
            }
            Ok(())
        }
    }
}

/// Why a tenant-wide User Administrator (the broadest role below Privileged Authentication and
/// Global Administrator) cannot help `target`, as a sentence; empty when it can.
pub fn why_protected(t: &Tenant, target: UserId) -> String {
    if in_restricted_au(t, target) {
        return restricted_unit_refusal(t, target);
    }
    let name = user_name(t, target);
    for r in target_roles(t, target) {
        let row = match r.scope {
            Scope::Au(a) if t.au(a).restricted => Row::RoleScopedToRestrictedAu,
            _ => r.role.def().row,
        };
        if !Column::User.allows(row) {
            return format!("{name} {}.", r.holds_where(t));
        }
    }
    match protecting_group(t, target) {
        Some((g, eligible)) => format!(
            "{name} is {} of the role-assignable group {g}.",
            member_or_owner(eligible)
        ),
        None => String::new(),
    }
}

/// The first of a target's rows a tenant-scope grant acting with `column` may not act on.
pub(crate) fn blocking_row(column: Column, rows: &[(Row, String)]) -> Option<&(Row, String)> {
    rows.iter().find(|(row, _)| !column.allows(*row))
}

/// The columns a tenant-scope grant may act on `target` with (bit `Column::index`): none in a
/// restricted unit, else those no row of the target blocks. The tenant branch of [`judge`] for
/// every column at once, for counting at scale.
pub(crate) fn tenant_columns(t: &Tenant, target: UserId) -> u8 {
    if in_restricted_au(t, target) {
        return 0;
    }
    let rows = target_rows(t, target);
    Column::ALL
        .iter()
        .filter(|c| blocking_row(**c, &rows).is_none())
        .fold(0, |m, c| m | 1 << c.index())
}

/// A guest's AU-scoped role works only if the guest also reads the directory at tenant scope.
pub(crate) fn guest_without_directory_read(t: &Tenant, actor: Principal, grants: &[Grant]) -> bool {
    let Principal::User(u) = actor else {
        return false;
    };
    t.user(u).user_type == UserType::Guest
        && !grants
            .iter()
            .any(|g| g.scope == Scope::Tenant && g.role.def().reads_directory)
}

/// Why [`locations`] is empty for `actor`, in a sentence for them (`None` when it is not).
pub fn no_locations_reason(t: &Tenant, actor: Principal) -> Option<String> {
    if !locations(t, actor).is_empty() {
        return None;
    }
    let grants = grants_of(t, actor);
    if guest_without_directory_read(t, actor, &grants)
        && let Some(g) = grants.iter().find(|g| matches!(g.scope, Scope::Au(_)))
    {
        return Some(format!(
            "You are a guest: your {} works only together with a directory-read role (such as Directory Readers) at tenant scope, so you manage no location.",
            describe_grant(t, g)
        ));
    }
    Some(if grants.is_empty() {
        "You hold no admin role, so you manage no location.".to_string()
    } else {
        format!(
            "None of your roles ({}) is scoped to a location or held tenant-wide with powers over users, so you manage no location. Search (/) still finds people, read-only.",
            describe_grants(t, &grants)
        )
    })
}

/// Reset a password, manage phones, delete a user: the per-target rules (the reset table at tenant
/// scope, the unit rules inside an administrative unit; both in docs/RULES.md).
pub(crate) fn decide_on_user(
    t: &Tenant,
    actor: Principal,
    grants: &[Grant],
    action: Action,
    target: UserId,
) -> Decision {
    if actor == Principal::User(target) {
        return Decision::refuse(match action {
            Action::ManagePhone => "You cannot change your own phone numbers in My Staff; use your own security info page (self-service).".to_string(),
            Action::DeleteUser => "You cannot delete your own account.".to_string(),
            _ => "You cannot reset your own password in My Staff; use self-service password reset.".to_string(),
        });
    }
    let guest_blocked = guest_without_directory_read(t, actor, grants);
    let mut granted = Vec::new();
    let mut best: Option<Refusal> = None;
    let mut managed_aus: Vec<String> = Vec::new();
    let consider = |r: Refusal, best: &mut Option<Refusal>| {
        if best.as_ref().is_none_or(|b| r.rank > b.rank) {
            *best = Some(r);
        }
    };
    for g in grants {
        let Some(column) = power(action, g.role) else {
            continue;
        };
        if action == Action::DeleteUser && g.scope != Scope::Tenant {
            continue;
        }
        if let Scope::Au(a) = g.scope {
            managed_aus.push(t.au(a).display_name.clone());
            if guest_blocked {
                consider(
                    Refusal {
                        rank: RANK_GUEST,
                        reason: format!(
                            "{} is a guest: its {} works only together with a directory-read role (such as Directory Readers) at tenant scope.",
                            user_name(
                                t,
                                match actor {
                                    Principal::User(u) => u,
                                    _ => target,
                                }
                            ),
                            describe_grant(t, g)
                        ),
                    },
                    &mut best,
                );
                continue;
            }
        }
        match judge(t, action, g, column, target) {
            Ok(()) => granted.push(*g),
            Err(r) => consider(r, &mut best),
        }
    }
    if !granted.is_empty() {
        let first = describe_grant(t, &granted[0]);
        return Decision::allow(
            format!("{first} may {} {}.", verb(action), user_name(t, target)),
            granted,
        );
    }
    match best {
        Some(r) if !r.reason.is_empty() => Decision::refuse(r.reason),
        Some(_) => {
            managed_aus.sort();
            managed_aus.dedup();
            Decision::refuse(format!(
                "{} is not in a location you manage (you manage: {}).",
                user_name(t, target),
                managed_aus.join(", ")
            ))
        }
        None => {
            let scope_note = if action == Action::DeleteUser {
                " at tenant scope"
            } else {
                ""
            };
            Decision::refuse(format!(
                "{} takes {}{scope_note}; you hold {}.",
                capitalize(action.doing()),
                roles_with_power(action),
                describe_grants(t, grants)
            ))
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Actions gated by holding one of `roles` at tenant scope.
fn decide_by_tenant_role(
    t: &Tenant,
    actor: Principal,
    action: Action,
    roles: &[Role],
    extra: Option<Grant>,
) -> Decision {
    if let Principal::User(u) = actor
        && !t.user(u).account_enabled
    {
        return Decision::refuse(format!(
            "{} is disabled (accountEnabled: false) and cannot sign in.",
            t.user(u).upn()
        ));
    }
    let grants = grants_with(t, actor, extra);
    let granted: Vec<Grant> = grants
        .iter()
        .filter(|g| g.scope == Scope::Tenant && roles.contains(&g.role))
        .copied()
        .collect();
    let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
    if granted.is_empty() {
        Decision::refuse(format!(
            "{} takes {} at tenant scope; you hold {}.",
            capitalize(action.doing()),
            names.join(" or "),
            describe_grants(t, &grants)
        ))
    } else {
        Decision::allow(
            format!(
                "{} allows {}.",
                describe_grant(t, &granted[0]),
                action.doing()
            ),
            granted,
        )
    }
}

/// The one question everything asks: may `actor` do `action` to `target`? A refusal that
/// activating one of the actor's PIM eligibilities would lift says so, naming it.
pub fn decide(t: &Tenant, actor: Principal, action: Action, target: Target) -> Decision {
    let mut d = decide_with(t, actor, action, target, None);
    if d.allowed {
        return d;
    }
    let Principal::User(u) = actor else {
        return d;
    };
    for a in activatable(t, u) {
        if decide_with(t, actor, action, target, Some(a.grant())).allowed {
            d.reason = format!("{} {}", d.reason, activation_note(t, &a));
            d.after_activating = Some(a);
            break;
        }
    }
    d
}

/// The sentence a refusal ends with when activating `a` would allow it.
fn activation_note(t: &Tenant, a: &Activatable) -> String {
    format!(
        "You are eligible for {}: activating it would allow this.",
        a.describe(t)
    )
}

impl Decision {
    /// The reason without the activation sentence [`decide`] adds (for a UI that shows that
    /// part as an action of its own).
    pub fn reason_alone(&self, t: &Tenant) -> &str {
        match &self.after_activating {
            Some(a) => self
                .reason
                .strip_suffix(&activation_note(t, a))
                .map_or(self.reason.as_str(), str::trim_end),
            None => &self.reason,
        }
    }
}

/// [`decide`] as if the actor also held `extra`.
fn decide_with(
    t: &Tenant,
    actor: Principal,
    action: Action,
    target: Target,
    extra: Option<Grant>,
) -> Decision {
    match action {
        Action::OpenMyStaff | Action::ViewProfile | Action::ListAuRoles => {
            match my_staff_gate(t, actor, extra) {
                Err(d) => d,
                Ok(grants) => Decision::allow(
                    match action {
                        Action::OpenMyStaff => "You can open My Staff.",
                        Action::ViewProfile => {
                            "Anyone who can open My Staff can view every profile; only changes are scoped."
                        }
                        _ => "Anyone who can open My Staff can list scoped role members.",
                    },
                    grants,
                ),
            }
        }
        Action::ResetPassword | Action::ManagePhone => {
            let grants = match my_staff_gate(t, actor, extra) {
                Ok(g) => g,
                Err(d) => return d,
            };
            match target {
                Target::User(u) => decide_on_user(t, actor, &grants, action, u),
                _ => Decision::refuse(format!("{} needs a user as the target.", action)),
            }
        }
        Action::ManageAuRoles
        | Action::ManageAuMembers
        | Action::CreateAu
        | Action::DeleteAu
        | Action::ManageRoles => decide_by_tenant_role(
            t,
            actor,
            action,
            &[
                Role::PRIVILEGED_ROLE_ADMINISTRATOR,
                Role::GLOBAL_ADMINISTRATOR,
            ],
            extra,
        ),
        Action::ManageSettings | Action::CreateUser => decide_by_tenant_role(
            t,
            actor,
            action,
            &[Role::USER_ADMINISTRATOR, Role::GLOBAL_ADMINISTRATOR],
            extra,
        ),
        Action::DeleteUser => {
            let gate = decide_by_tenant_role(
                t,
                actor,
                action,
                &[Role::USER_ADMINISTRATOR, Role::GLOBAL_ADMINISTRATOR],
                extra,
            );
            match (gate.allowed, target) {
                (false, _) => gate,
                (true, Target::User(u)) => {
                    let grants = grants_with(t, actor, extra);
                    decide_on_user(t, actor, &grants, action, u)
                }
                (true, _) => Decision::refuse("delete-user needs a user as the target."),
            }
        }
    }
}

/// May `viewer` see `target`'s phone numbers in full? Only someone who may manage them; everyone
/// else sees them masked ([`crate::phone::mask`]).
pub fn may_see_phone_numbers(t: &Tenant, viewer: Principal, target: UserId) -> bool {
    decide(t, viewer, Action::ManagePhone, Target::User(target)).allowed
}

/// Can `p` hold a directory role (at any scope)? Users and service principals can; a group only
/// if it is role-assignable. Offer only these in a picker; [`role_holder_refusal`] says why not.
pub fn may_hold_role(t: &Tenant, p: Principal) -> bool {
    match p {
        Principal::Group(g) => t.group(g).may_hold_role(),
        Principal::User(_) | Principal::ServicePrincipal(_) => true,
    }
}

/// Why `p` cannot hold a role, or None if it can ([`may_hold_role`]).
pub fn role_holder_refusal(t: &Tenant, p: Principal) -> Option<String> {
    match p {
        Principal::Group(g) if !may_hold_role(t, p) => {
            Some(not_role_assignable(&t.group(g).display_name))
        }
        _ => None,
    }
}

/// The sentence for a group that is not role-assignable; `group` is its name as the caller
/// shows it.
pub fn not_role_assignable(group: &str) -> String {
    format!(
        "group {group} is not role-assignable (isAssignableToRole: false) and cannot hold a role"
    )
}

/// The AUs a person works in, for the locations list: AUs where they hold a usable scoped role,
/// or every AU for someone holding a tenant-scope role. Each with the roles that apply there.
pub fn locations(t: &Tenant, actor: Principal) -> Vec<(AuId, Vec<Role>)> {
    let grants = grants_of(t, actor);
    let guest_blocked = guest_without_directory_read(t, actor, &grants);
    let tenant_roles: Vec<Role> = grants
        .iter()
        .filter(|g| g.scope == Scope::Tenant)
        .map(|g| g.role)
        .collect();
    let mut out: Vec<(AuId, Vec<Role>)> = Vec::new();
    let push = |au: AuId, role: Role, out: &mut Vec<(AuId, Vec<Role>)>| match out
        .iter_mut()
        .find(|(a, _)| *a == au)
    {
        Some((_, roles)) => {
            if !roles.contains(&role) {
                roles.push(role)
            }
        }
        None => out.push((au, vec![role])),
    };
    for g in &grants {
        if let Scope::Au(a) = g.scope
            && !guest_blocked
        {
            push(a, g.role, &mut out);
        }
    }
    if !tenant_roles.is_empty() {
        for a in t.live_aus() {
            for &r in &tenant_roles {
                push(a, r, &mut out);
            }
        }
    }
    out.sort_by(|x, y| {
        t.au(x.0)
            .display_name
            .to_lowercase()
            .cmp(&t.au(y.0).display_name.to_lowercase())
    });
    out
}

#[cfg(test)]
mod tests;
