//! Operations: each one re-checks the engine, validates its input, and plans a change plus the audit
//! record of the attempt (refused attempts are audited too). Planning only reads the tenant; the
//! session makes the change durable first and applies it after (`Change::apply`), so a failed write
//! never leaves memory ahead of disk.

use crate::model::{AssignmentId, AuId, UserId};
use rand::rngs::StdRng;
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::access;
use crate::audit::{
    Activity, AuditRecord, AuditResult, AuditUser, InitiatedBy, KeyValue, ModifiedProperty,
    TargetResource,
};
use crate::fields;
use crate::model::{
    AdminUnit, Assignment, GroupActivation, MyStaffAccess, PasswordState, PhoneMethod, Principal,
    Scope, Tenant, User, UserTexts, Window,
};
use crate::password;
use crate::permissions::{self, Action, Target};
use crate::phone::{self, PhoneType};
use crate::roles::Role;
use crate::sanitize::cut;
use crate::secret::Secret;

/// Why an operation did not happen. Exit codes: Refused/Policy 1, Invalid 2, Storage 3.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpError {
    /// The engine said no (which role or scope is missing is in the message).
    #[error("{0}")]
    Refused(String),
    /// The request is malformed or names something that does not exist.
    #[error("{0}")]
    Invalid(String),
    /// A tenant policy rejected it; every failed rule is listed.
    #[error("{}", policy_text(.0))]
    Policy(Vec<String>),
    /// A password did not meet `policy` (e.g. "the on-premises password policy"): `failed` holds
    /// exactly the rules it missed, each stated as the rule itself ("At least 7 characters").
    #[error("{}", password_rules_text(.policy, .failed))]
    PasswordRules { policy: String, failed: Vec<String> },
    #[error("{0}")]
    Storage(String),
    /// Live mode: Microsoft Graph refused the change the engine allowed (nothing changed).
    #[error("{0}")]
    Graph(String),
    /// Live mode: the change may or may not have been made (no answer, or a 5xx); it is not
    /// tried again.
    #[error("the outcome is unknown: {0}")]
    Unknown(String),
}

impl OpError {
    pub fn exit_code(&self) -> i32 {
        match self {
            OpError::Refused(_)
            | OpError::Policy(_)
            | OpError::PasswordRules { .. }
            | OpError::Graph(_) => 1,
            OpError::Invalid(_) => 2,
            OpError::Storage(_) | OpError::Unknown(_) => 3,
        }
    }
}

fn policy_text(rules: &[String]) -> String {
    match rules {
        [one] => one.clone(),
        _ => {
            let mut out = format!("{} requirements are not met:", rules.len());
            for r in rules {
                out.push_str(&format!("\n  - {r}"));
            }
            out
        }
    }
}

fn password_rules_text(policy: &str, failed: &[String]) -> String {
    let n = failed.len();
    let (rules, verb) = if n == 1 {
        ("rule", "is")
    } else {
        ("rules", "are")
    };
    let mut out = format!("the password does not meet {policy}: {n} {rules} {verb} not met:");
    for r in failed {
        out.push_str(&format!("\n  ✗ {r}"));
    }
    out
}

/// What gets journaled: a change in terms of stable ids, replayable onto the fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Change {
    #[serde(rename_all = "camelCase")]
    PasswordReset {
        user_id: String,
        /// argon2id PHC string; never the password.
        password_hash: String,
        force_change_next_sign_in: bool,
        at: String,
    },
    #[serde(rename_all = "camelCase")]
    PhoneSet {
        user_id: String,
        phone_type: PhoneType,
        phone_number: String,
    },
    #[serde(rename_all = "camelCase")]
    PhoneRemoved {
        user_id: String,
        phone_type: PhoneType,
    },
    #[serde(rename_all = "camelCase")]
    AuCreated {
        id: String,
        display_name: String,
        description: Option<String>,
        is_member_management_restricted: bool,
    },
    #[serde(rename_all = "camelCase")]
    AuDeleted { id: String },
    #[serde(rename_all = "camelCase")]
    AuMemberAdded { au_id: String, member_id: String },
    #[serde(rename_all = "camelCase")]
    AuMemberRemoved { au_id: String, member_id: String },
    #[serde(rename_all = "camelCase")]
    RoleAssigned {
        id: String,
        role_definition_id: String,
        principal_id: String,
        directory_scope_id: String,
    },
    #[serde(rename_all = "camelCase")]
    RoleUnassigned { id: String },
    /// A PIM activation: an active assignment of an eligible role for a bounded time.
    #[serde(rename_all = "camelCase")]
    RoleActivated {
        id: String,
        role_definition_id: String,
        principal_id: String,
        directory_scope_id: String,
        /// The eligibility activated (the user's own or a role-assignable group's).
        eligibility_id: String,
        start_date_time: String,
        end_date_time: String,
    },
    /// A PIM activation ended by its holder before its end time.
    #[serde(rename_all = "camelCase")]
    RoleDeactivated { id: String },
    /// A PIM for Groups activation: membership (`accessId` "member") or ownership ("owner") of
    /// a group for a bounded time.
    #[serde(rename_all = "camelCase")]
    GroupAccessActivated {
        id: String,
        group_id: String,
        principal_id: String,
        access_id: GroupAccess,
        start_date_time: String,
        end_date_time: String,
    },
    #[serde(rename_all = "camelCase")]
    GroupAccessDeactivated { id: String },
    #[serde(rename_all = "camelCase")]
    MyStaffAccessSet {
        access: MyStaffAccess,
        selected_principal_ids: Vec<String>,
    },
    /// A new user, with everything needed to rebuild it on replay.
    #[serde(rename_all = "camelCase")]
    UserCreated { user: NewUser },
    /// Deletes the user with their AU memberships, group memberships and ownerships, role
    /// assignments and My Staff selection (`Tenant::delete_user`), so replay reproduces all of it.
    #[serde(rename_all = "camelCase")]
    UserDeleted { id: String },
}

/// A created user as journaled (Graph field names). Always a member account: guests are invited,
/// not created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub office_location: Option<String>,
    pub account_enabled: bool,
    #[serde(default)]
    pub on_premises_sync_enabled: bool,
    #[serde(default)]
    pub on_premises_sam_account_name: Option<String>,
    #[serde(default)]
    pub assigned_licenses: Vec<String>,
    /// argon2id PHC string of the initial temporary password (cloud-only users); never the password.
    #[serde(default)]
    pub password_hash: Option<String>,
    #[serde(default)]
    pub force_change_password_next_sign_in: bool,
    pub created_date_time: String,
}

fn user_ix(t: &Tenant, id: &str) -> Result<UserId, String> {
    t.find_user(id)
        .ok_or_else(|| format!("user {id} no longer exists"))
}

impl Change {
    /// Applies the change to the tenant. Fails (without changing anything) when the change no
    /// longer fits, e.g. replayed onto a changed fixture.
    pub fn apply(&self, t: &mut Tenant) -> Result<(), String> {
        match self {
            Change::PasswordReset {
                user_id,
                password_hash,
                force_change_next_sign_in,
                at,
            } => {
                let u = user_ix(t, user_id)?;
                t.set_password_state(
                    u,
                    PasswordState {
                        last_changed: Some(at.clone()),
                        force_change_next_sign_in: *force_change_next_sign_in,
                        hash: Some(password_hash.clone()),
                    },
                );
            }
            Change::PhoneSet {
                user_id,
                phone_type,
                phone_number,
            } => {
                let u = user_ix(t, user_id)?;
                if *phone_type == PhoneType::Mobile
                    && let Some(other) = t.mobile_owner(phone_number)
                    && other != u
                {
                    return Err(format!("mobile {phone_number} belongs to another user"));
                }
                t.set_phone(
                    u,
                    PhoneMethod {
                        phone_type: *phone_type,
                        phone_number: phone_number.clone(),
                    },
                );
            }
            Change::PhoneRemoved {
                user_id,
                phone_type,
            } => {
                let u = user_ix(t, user_id)?;
                t.remove_phone(u, *phone_type);
            }
            Change::AuCreated {
                id,
                display_name,
                description,
                is_member_management_restricted,
            } => {
                if t.object(id).is_some() {
                    return Err(format!("id {id} is already in use"));
                }
                t.create_au(AdminUnit {
                    id: id.clone(),
                    display_name: display_name.clone(),
                    description: description.clone(),
                    restricted: *is_member_management_restricted,
                    members: Vec::new(),
                    deleted: false,
                });
            }
            Change::AuDeleted { id } => {
                let a = au_ix(t, id)?;
                t.delete_au(a);
            }
            Change::AuMemberAdded { au_id, member_id } => {
                let a = au_ix(t, au_id)?;
                let m = t.find_principal(member_id)?;
                if !t.au(a).members.contains(&m) {
                    t.add_au_member(a, m);
                }
            }
            Change::AuMemberRemoved { au_id, member_id } => {
                let a = au_ix(t, au_id)?;
                let m = t.find_principal(member_id)?;
                t.remove_au_member(a, m);
            }
            Change::RoleAssigned {
                id,
                role_definition_id,
                principal_id,
                directory_scope_id,
            } => {
                let asg = assignment(
                    t,
                    id,
                    role_definition_id,
                    principal_id,
                    directory_scope_id,
                    Window::ALWAYS,
                )?;
                t.add_assignment(asg);
            }
            Change::RoleActivated {
                id,
                role_definition_id,
                principal_id,
                directory_scope_id,
                eligibility_id: _,
                start_date_time,
                end_date_time,
            } => {
                let window = window_of(start_date_time, end_date_time)?;
                let asg = assignment(
                    t,
                    id,
                    role_definition_id,
                    principal_id,
                    directory_scope_id,
                    window,
                )?;
                t.add_assignment(asg);
            }
            Change::RoleDeactivated { id } => match t.object(id) {
                Some(crate::model::Object::Assignment(a))
                    if !t.assignment(a).window.is_always() =>
                {
                    t.remove_assignment(a)
                }
                _ => return Err(format!("role activation {id} no longer exists")),
            },
            Change::GroupAccessActivated {
                id,
                group_id,
                principal_id,
                access_id,
                start_date_time,
                end_date_time,
            } => {
                let group = match t.object(group_id) {
                    Some(crate::model::Object::Group(g)) => g,
                    _ => return Err(format!("group {group_id} no longer exists")),
                };
                let user = user_ix(t, principal_id)?;
                if t.group_activation(id).is_some() {
                    return Err(format!("id {id} is already in use"));
                }
                let window = window_of(start_date_time, end_date_time)?;
                t.add_group_activation(GroupActivation {
                    id: id.clone(),
                    group,
                    user,
                    owner: *access_id == GroupAccess::Owner,
                    window,
                    deleted: false,
                    lapsed: false,
                });
            }
            Change::GroupAccessDeactivated { id } => match t.group_activation(id) {
                Some(i) => t.remove_group_activation(i),
                None => return Err(format!("group activation {id} no longer exists")),
            },
            Change::RoleUnassigned { id } => match t.object(id) {
                Some(crate::model::Object::Assignment(a)) => t.remove_assignment(a),
                _ => return Err(format!("role assignment {id} no longer exists")),
            },
            Change::MyStaffAccessSet {
                access,
                selected_principal_ids,
            } => {
                let mut selected = Vec::new();
                for id in selected_principal_ids {
                    selected.push(t.find_principal(id)?);
                }
                t.settings.my_staff.access = *access;
                t.settings.my_staff.selected = selected;
            }
            Change::UserCreated { user } => {
                if t.object(&user.id).is_some() {
                    return Err(format!("id {} is already in use", user.id));
                }
                if t.find_user(&user.user_principal_name).is_some() {
                    return Err(format!(
                        "a user named {} already exists",
                        user.user_principal_name
                    ));
                }
                let mut u = User::new(UserTexts {
                    id: &user.id,
                    upn: &user.user_principal_name,
                    display_name: &user.display_name,
                    job_title: user.job_title.as_deref(),
                    department: user.department.as_deref(),
                    office_location: user.office_location.as_deref(),
                    sam_account_name: user.on_premises_sam_account_name.as_deref(),
                });
                u.account_enabled = user.account_enabled;
                u.synced = user.on_premises_sync_enabled;
                u.licenses = user.assigned_licenses.clone();
                u.set_password(PasswordState {
                    last_changed: Some(user.created_date_time.clone()),
                    force_change_next_sign_in: user.force_change_password_next_sign_in,
                    hash: user.password_hash.clone(),
                });
                t.add_user(u);
            }
            Change::UserDeleted { id } => {
                let u = user_ix(t, id)?;
                t.delete_user(u);
            }
        }
        Ok(())
    }
}

/// Which side of a group a PIM for Groups activation is for (Graph's `accessId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GroupAccess {
    Member,
    Owner,
}

impl GroupAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupAccess::Member => "member",
            GroupAccess::Owner => "owner",
        }
    }
}

/// A journaled assignment (ordinary, or an activation with its window), checked against the
/// tenant it is applied to.
fn assignment(
    t: &Tenant,
    id: &str,
    role_definition_id: &str,
    principal_id: &str,
    directory_scope_id: &str,
    window: Window,
) -> Result<Assignment, String> {
    let role = Role::lookup(role_definition_id)
        .ok_or_else(|| format!("unknown role {role_definition_id}"))?;
    let principal = t.find_principal(principal_id)?;
    let scope = match directory_scope_id.strip_prefix("/administrativeUnits/") {
        Some(au) => Scope::Au(au_ix(t, au)?),
        None => Scope::Tenant,
    };
    if t.object(id).is_some() {
        return Err(format!("id {id} is already in use"));
    }
    Ok(Assignment {
        id: id.to_string(),
        role,
        principal,
        scope,
        window,
        deleted: false,
        lapsed: false,
    })
}

/// A journaled activation's window; its end must come after its start.
fn window_of(start: &str, end: &str) -> Result<Window, String> {
    let parse = |s: &str| {
        crate::when::parse(s)
            .map(|t| t.unix_timestamp())
            .ok_or_else(|| format!("`{}` is not an RFC 3339 time", cut(s)))
    };
    let (start, end) = (parse(start)?, parse(end)?);
    if end <= start {
        return Err("endDateTime must come after startDateTime".to_string());
    }
    Ok(Window::bounded(start, end))
}

fn au_ix(t: &Tenant, id: &str) -> Result<AuId, String> {
    match t.object(id) {
        Some(crate::model::Object::Au(a)) => Ok(a),
        _ => Err(format!("administrative unit {id} no longer exists")),
    }
}

/// Everything an operation needs from outside: the clock, randomness, and who is calling.
pub struct Ctx {
    /// Now, UTC RFC 3339.
    pub now: String,
    pub rng: StdRng,
    /// "cli" or "tui": recorded in the audit record's additionalDetails.
    pub client: &'static str,
    /// Re-deciding a journaled change ([`crate::replay`]): no password is asked for, checked,
    /// generated or hashed (the journal holds the hash), so every other rule is checked alone.
    pub replay: bool,
}

impl Ctx {
    pub fn new_id(&mut self) -> String {
        guid(&mut self.rng)
    }
}

/// A random (version 4) GUID, from `rng` so a seeded test session gets the same ids.
pub fn guid<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    uuid::Builder::from_random_bytes(b)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// The plan of one attempted operation.
pub struct Planned<T> {
    /// None when refused or invalid (nothing changes).
    pub change: Option<Change>,
    /// None only when the attempt names nothing that exists (nothing to audit against).
    pub audit: Option<AuditRecord>,
    pub result: Result<T, OpError>,
}

pub(crate) fn user_resource(t: &Tenant, u: UserId, props: Vec<ModifiedProperty>) -> TargetResource {
    let user = t.user(u);
    TargetResource {
        id: user.id().to_string(),
        kind: "User".to_string(),
        user_principal_name: Some(user.upn().to_string()),
        display_name: Some(user.display_name().to_string()),
        modified_properties: props,
    }
}

pub(crate) fn principal_resource(t: &Tenant, p: Principal) -> TargetResource {
    match p {
        Principal::User(u) => user_resource(t, u, Vec::new()),
        _ => TargetResource {
            id: t.principal_id(p).to_string(),
            kind: match p {
                Principal::Group(_) => "Group",
                _ => "ServicePrincipal",
            }
            .to_string(),
            user_principal_name: None,
            display_name: Some(t.principal_name(p).to_string()),
            modified_properties: Vec::new(),
        },
    }
}

pub(crate) fn au_resource(t: &Tenant, a: AuId) -> TargetResource {
    let au = t.au(a);
    TargetResource {
        id: au.id.clone(),
        kind: "AdministrativeUnit".to_string(),
        user_principal_name: None,
        display_name: Some(au.display_name.clone()),
        modified_properties: Vec::new(),
    }
}

pub(crate) fn prop(name: &str, old: Option<String>, new: Option<String>) -> ModifiedProperty {
    ModifiedProperty {
        display_name: name.to_string(),
        old_value: old,
        new_value: new,
    }
}

pub(crate) fn record(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    activity: Activity,
    targets: Vec<TargetResource>,
    outcome: Result<(), &OpError>,
) -> AuditRecord {
    let (name, category, service, op) = activity.names();
    let actor = t.user(actor);
    let (result, reason) = match outcome {
        Ok(()) => (AuditResult::Success, String::new()),
        Err(e) => (AuditResult::Failure, e.to_string()),
    };
    AuditRecord {
        id: ctx.new_id(),
        activity_date_time: ctx.now.clone(),
        activity_display_name: name.to_string(),
        category: category.to_string(),
        logged_by_service: service.to_string(),
        operation_type: op.to_string(),
        result,
        result_reason: reason,
        initiated_by: InitiatedBy {
            user: AuditUser {
                id: actor.id().to_string(),
                user_principal_name: actor.upn().to_string(),
            },
        },
        target_resources: targets,
        additional_details: vec![
            KeyValue {
                key: "AppId".to_string(),
                value: "My Staff".to_string(),
            },
            KeyValue {
                key: "Client".to_string(),
                value: format!("mystaff {}", ctx.client),
            },
        ],
    }
}

/// Turns a checked result into a plan with its audit record.
pub(crate) fn finish<T>(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    activity: Activity,
    targets: Vec<TargetResource>,
    result: Result<(Change, T), OpError>,
) -> Planned<T> {
    match result {
        Ok((change, value)) => Planned {
            audit: Some(record(t, ctx, actor, activity, targets, Ok(()))),
            change: Some(change),
            result: Ok(value),
        },
        Err(e) => Planned {
            audit: Some(record(t, ctx, actor, activity, targets, Err(&e))),
            change: None,
            result: Err(e),
        },
    }
}

pub(crate) fn check(
    t: &Tenant,
    actor: UserId,
    action: Action,
    target: Target,
) -> Result<(), OpError> {
    let d = permissions::decide(t, Principal::User(actor), action, target);
    if d.allowed {
        Ok(())
    } else {
        Err(OpError::Refused(d.reason))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetOutcome {
    /// Shown once, for cloud-only users; never stored.
    pub temporary_password: Option<Secret>,
    pub force_change_next_sign_in: bool,
}

/// Reset password: cloud-only users get a generated temporary password; synced users need
/// a caller-supplied one that meets the on-premises policy, and password writeback.
pub fn reset_password(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    target: UserId,
    password: Option<&str>,
) -> Planned<ResetOutcome> {
    let result = (|| {
        check(t, actor, Action::ResetPassword, Target::User(target))?;
        let user = t.user(target);
        let settings = &t.settings;
        if user.synced && !settings.password_writeback {
            return Err(OpError::Policy(vec![
                "on-premises password writeback is not configured for this tenant, so a synced user's password cannot be reset here".to_string(),
            ]));
        }
        if ctx.replay {
            let change = Change::PasswordReset {
                user_id: user.id().to_string(),
                password_hash: String::new(),
                force_change_next_sign_in: !user.synced,
                at: ctx.now.clone(),
            };
            let outcome = ResetOutcome {
                temporary_password: None,
                force_change_next_sign_in: !user.synced,
            };
            return Ok((change, outcome));
        }
        let (pw, temporary) = if user.synced {
            let Some(pw) = password else {
                return Err(OpError::Invalid(format!(
                    "{} is synced from on-premises Active Directory: supply a password that meets the on-premises policy (--password-stdin)",
                    user.upn()
                )));
            };
            let checks = password::check_on_prem(
                pw,
                &settings.password_policy.on_premises,
                user.sam_account_name(),
                user.display_name(),
            );
            let failed: Vec<String> = password::failures(&checks)
                .into_iter()
                .map(|s| s.to_string())
                .collect();
            if !failed.is_empty() {
                return Err(OpError::PasswordRules {
                    policy: "the on-premises password policy".to_string(),
                    failed,
                });
            }
            (Secret::copy_of(pw), false)
        } else {
            if password.is_some() {
                return Err(OpError::Invalid(format!(
                    "{} is a cloud-only user: My Staff generates a temporary password for them; do not supply one",
                    user.upn()
                )));
            }
            (
                password::generate_temporary(&settings.password_policy.cloud, &mut ctx.rng),
                true,
            )
        };
        let hash = password::hash(pw.as_str(), &mut ctx.rng)
            .map_err(|e| OpError::Storage(format!("cannot hash the new password: {e}")))?;
        let change = Change::PasswordReset {
            user_id: user.id().to_string(),
            password_hash: hash,
            force_change_next_sign_in: temporary,
            at: ctx.now.clone(),
        };
        Ok((
            change,
            ResetOutcome {
                temporary_password: temporary.then_some(pw),
                force_change_next_sign_in: temporary,
            },
        ))
    })();
    let force = matches!(&result, Ok((_, r)) if r.force_change_next_sign_in);
    let props = if result.is_ok() {
        vec![prop(
            "forceChangePasswordNextSignIn",
            None,
            Some(force.to_string()),
        )]
    } else {
        Vec::new()
    };
    let targets = vec![user_resource(t, target, props)];
    finish(t, ctx, actor, Activity::ResetPassword, targets, result)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneMode {
    Add,
    Update,
    /// Add or update, whichever applies (the TUI's edit dialog).
    Set,
}

/// Add or change a phone method.
pub fn set_phone(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    target: UserId,
    kind: PhoneType,
    number: &str,
    mode: PhoneMode,
) -> Planned<()> {
    let user = t.user(target);
    let existing = user.phone(kind).map(|p| p.phone_number.clone());
    let adding = existing.is_none();
    let result = (|| {
        check(t, actor, Action::ManagePhone, Target::User(target))?;
        let n = phone::validate_number(number).map_err(OpError::Invalid)?;
        phone::check_extension(kind, &n).map_err(OpError::Invalid)?;
        let change = match (mode, &existing) {
            (PhoneMode::Add, _) | (PhoneMode::Set, None) => phone::PhoneChange::Add,
            (PhoneMode::Update, _) | (PhoneMode::Set, Some(_)) => phone::PhoneChange::Edit,
        };
        phone::check_change(&user.phones, kind, change).map_err(|r| phone_rule(r, user.upn()))?;
        if kind == PhoneType::Mobile
            && let Some(owner) = t.mobile_owner(&n)
            && owner != target
        {
            return Err(OpError::Policy(vec![
                "Someone in the tenant has the same mobile number already".to_string(),
            ]));
        }
        if existing.as_deref() == Some(n.as_str()) {
            return Err(OpError::Invalid(format!(
                "{} already has {n} as their {} number",
                user.upn(),
                kind.label().to_lowercase()
            )));
        }
        Ok((
            Change::PhoneSet {
                user_id: user.id().to_string(),
                phone_type: kind,
                phone_number: n,
            },
            (),
        ))
    })();
    // Numbers are masked in the audit log: it is widely readable, the journal's change is not.
    let new = match &result {
        Ok((Change::PhoneSet { phone_number, .. }, _)) => Some(phone::mask(phone_number)),
        _ => None,
    };
    let props = vec![prop(
        kind.as_str(),
        existing.as_deref().map(phone::mask),
        new,
    )];
    let activity = if adding {
        Activity::PhoneAdded
    } else {
        Activity::PhoneUpdated
    };
    let targets = vec![user_resource(t, target, props)];
    finish(t, ctx, actor, activity, targets, result)
}

pub fn remove_phone(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    target: UserId,
    kind: PhoneType,
) -> Planned<()> {
    let user = t.user(target);
    let existing = user.phone(kind).map(|p| p.phone_number.clone());
    let result = (|| {
        check(t, actor, Action::ManagePhone, Target::User(target))?;
        phone::check_change(&user.phones, kind, phone::PhoneChange::Remove)
            .map_err(|r| phone_rule(r, user.upn()))?;
        Ok((
            Change::PhoneRemoved {
                user_id: user.id().to_string(),
                phone_type: kind,
            },
            (),
        ))
    })();
    let props = vec![prop(
        kind.as_str(),
        existing.as_deref().map(phone::mask),
        None,
    )];
    let targets = vec![user_resource(t, target, props)];
    finish(t, ctx, actor, Activity::PhoneDeleted, targets, result)
}

/// A phone rule as an operation's error: policy rules refuse (exit 1), the rest are bad input.
fn phone_rule(r: phone::PhoneRule, upn: &str) -> OpError {
    if r.is_policy() {
        OpError::Policy(vec![r.sentence(upn)])
    } else {
        OpError::Invalid(r.sentence(upn))
    }
}

/// Creates an administrative unit. Display names must be unique so scripts can use them.
pub fn create_au(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    display_name: &str,
    description: Option<&str>,
    restricted: bool,
) -> Planned<String> {
    let id = ctx.new_id();
    let name = display_name.trim().to_string();
    let result = (|| {
        check(t, actor, Action::CreateAu, Target::None)?;
        fields::check(fields::DISPLAY_NAME, &name).map_err(OpError::Invalid)?;
        if let Some(d) = description {
            fields::check(fields::DESCRIPTION, d).map_err(OpError::Invalid)?;
        }
        if name.is_empty() {
            return Err(OpError::Invalid(
                "an administrative unit needs a display name".to_string(),
            ));
        }
        if let Ok(a) = t.find_au(&name) {
            return Err(OpError::Invalid(format!(
                "an administrative unit named {name} already exists (id {})",
                t.au(a).id
            )));
        }
        Ok((
            Change::AuCreated {
                id: id.clone(),
                display_name: name.clone(),
                description: description.map(|d| d.to_string()),
                is_member_management_restricted: restricted,
            },
            id.clone(),
        ))
    })();
    let targets = vec![TargetResource {
        id: id.clone(),
        kind: "AdministrativeUnit".to_string(),
        user_principal_name: None,
        display_name: Some(name.clone()),
        modified_properties: vec![prop(
            "isMemberManagementRestricted",
            None,
            Some(restricted.to_string()),
        )],
    }];
    finish(t, ctx, actor, Activity::AuCreated, targets, result)
}

pub fn delete_au(t: &Tenant, ctx: &mut Ctx, actor: UserId, au: AuId) -> Planned<()> {
    let result = check(t, actor, Action::DeleteAu, Target::Au(au)).map(|()| {
        (
            Change::AuDeleted {
                id: t.au(au).id.clone(),
            },
            (),
        )
    });
    let targets = vec![au_resource(t, au)];
    finish(t, ctx, actor, Activity::AuDeleted, targets, result)
}

pub fn add_au_member(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    au: AuId,
    member: Principal,
) -> Planned<()> {
    let result = (|| {
        check(t, actor, Action::ManageAuMembers, Target::Au(au))?;
        if let Principal::ServicePrincipal(_) = member {
            return Err(OpError::Invalid(format!(
                "{} is a service principal; administrative unit members are users or groups",
                t.principal_name(member)
            )));
        }
        if t.au(au).members.contains(&member) {
            return Err(OpError::Invalid(format!(
                "{} is already a member of {}",
                t.principal_name(member),
                t.au(au).display_name
            )));
        }
        Ok((
            Change::AuMemberAdded {
                au_id: t.au(au).id.clone(),
                member_id: t.principal_id(member).to_string(),
            },
            (),
        ))
    })();
    let targets = vec![au_resource(t, au), principal_resource(t, member)];
    finish(t, ctx, actor, Activity::AuMemberAdded, targets, result)
}

pub fn remove_au_member(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    au: AuId,
    member: Principal,
) -> Planned<()> {
    let result = (|| {
        check(t, actor, Action::ManageAuMembers, Target::Au(au))?;
        if !t.au(au).members.contains(&member) {
            return Err(OpError::Invalid(format!(
                "{} is not a member of {}",
                t.principal_name(member),
                t.au(au).display_name
            )));
        }
        Ok((
            Change::AuMemberRemoved {
                au_id: t.au(au).id.clone(),
                member_id: t.principal_id(member).to_string(),
            },
            (),
        ))
    })();
    let targets = vec![au_resource(t, au), principal_resource(t, member)];
    finish(t, ctx, actor, Activity::AuMemberRemoved, targets, result)
}

/// Adds a scoped role member. Success may carry warnings (missing P1/P2 licence).
pub fn assign_scoped_role(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    au: AuId,
    role: Role,
    principal: Principal,
) -> Planned<(String, Vec<String>)> {
    let id = ctx.new_id();
    let result = (|| {
        check(t, actor, Action::ManageAuRoles, Target::Au(au))?;
        if !role.def().au_scopable {
            return Err(OpError::Invalid(format!(
                "{} cannot be assigned at administrative-unit scope (The given built-in role is not supported to be assigned to a single resource scope.)",
                role.name()
            )));
        }
        if let Some(why) = permissions::role_holder_refusal(t, principal) {
            return Err(OpError::Invalid(why));
        }
        let dup = t.assignments_of(principal).iter().any(|&a| {
            let asg = t.assignment(a);
            asg.role == role && asg.scope == Scope::Au(au)
        });
        if dup {
            return Err(OpError::Invalid(format!(
                "{} already holds {} scoped to {}",
                t.principal_name(principal),
                role.name(),
                t.au(au).display_name
            )));
        }
        let mut warnings = Vec::new();
        if let Principal::User(u) = principal
            && !t.user(u).has_premium_license()
        {
            warnings.push(format!(
                "{} has no Microsoft Entra ID P1 or P2 licence, which administrative-unit admins need",
                t.user(u).upn()
            ));
        }
        Ok((
            Change::RoleAssigned {
                id: id.clone(),
                role_definition_id: role.template_id().to_string(),
                principal_id: t.principal_id(principal).to_string(),
                directory_scope_id: t.scope_id(Scope::Au(au)),
            },
            (id.clone(), warnings),
        ))
    })();
    let mut role_target = principal_resource(t, principal);
    role_target.modified_properties = vec![
        prop("Role.DisplayName", None, Some(role.name().to_string())),
        prop(
            "Role.TemplateId",
            None,
            Some(role.template_id().to_string()),
        ),
        prop("Scope", None, Some(t.scope_id(Scope::Au(au)))),
    ];
    let targets = vec![role_target, au_resource(t, au)];
    finish(t, ctx, actor, Activity::ScopedMemberAdded, targets, result)
}

/// Removes a scoped role member, by assignment.
pub fn unassign(t: &Tenant, ctx: &mut Ctx, actor: UserId, assignment: AssignmentId) -> Planned<()> {
    let asg = t.assignment(assignment).clone();
    let au = match asg.scope {
        Scope::Au(a) => Some(a),
        Scope::Tenant => None,
    };
    let result = (|| {
        check(
            t,
            actor,
            Action::ManageAuRoles,
            au.map_or(Target::None, Target::Au),
        )?;
        if au.is_none() {
            return Err(OpError::Invalid(format!(
                "role assignment {} is tenant-wide, not scoped to an administrative unit",
                asg.id
            )));
        }
        Ok((Change::RoleUnassigned { id: asg.id.clone() }, ()))
    })();
    let mut role_target = principal_resource(t, asg.principal);
    role_target.modified_properties = vec![
        prop("Role.DisplayName", Some(asg.role.name().to_string()), None),
        prop("Scope", Some(t.scope_id(asg.scope)), None),
    ];
    let mut targets = vec![role_target];
    if let Some(a) = au {
        targets.push(au_resource(t, a));
    }
    finish(
        t,
        ctx,
        actor,
        Activity::ScopedMemberRemoved,
        targets,
        result,
    )
}

// ---- tenant administration: the My Staff setting, users, tenant-scope roles ---------------------

fn principal_names(t: &Tenant, ps: &[Principal]) -> Option<String> {
    if ps.is_empty() {
        return None;
    }
    let v: Vec<&str> = ps.iter().map(|&p| t.principal_name(p)).collect();
    Some(v.join(", "))
}

/// "Administrators can access My Staff": all, selected users and groups, or none. Takes
/// effect for every later decision.
pub fn set_my_staff_access(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    access: MyStaffAccess,
    selected: &[Principal],
) -> Planned<()> {
    let mut chosen: Vec<Principal> = Vec::new();
    for &p in selected {
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    let result = (|| {
        check(t, actor, Action::ManageSettings, Target::None)?;
        if let Some(&sp) = chosen.iter().find(|&&p| !access::may_be_selected(p)) {
            return Err(OpError::Invalid(format!(
                "{} is a service principal; My Staff access can be given to users and groups only",
                t.principal_name(sp)
            )));
        }
        access::check_selection(access, chosen.len())
            .map_err(|r| OpError::Invalid(r.sentence()))?;
        Ok((
            Change::MyStaffAccessSet {
                access,
                selected_principal_ids: chosen
                    .iter()
                    .map(|&p| t.principal_id(p).to_string())
                    .collect(),
            },
            (),
        ))
    })();
    let current = &t.settings.my_staff;
    let target = TargetResource {
        id: t.info.id.clone(),
        kind: "Policy".to_string(),
        user_principal_name: None,
        display_name: Some("Administrators can access My Staff".to_string()),
        modified_properties: vec![
            prop(
                "access",
                Some(current.access.as_str().to_string()),
                Some(access.as_str().to_string()),
            ),
            prop(
                "selected",
                principal_names(t, &current.selected),
                principal_names(t, &chosen),
            ),
        ],
    };
    finish(
        t,
        ctx,
        actor,
        Activity::MyStaffSetting,
        vec![target],
        result,
    )
}

/// What `create_user` is asked to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserRequest {
    pub upn: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub office_location: Option<String>,
    /// Create the account disabled (`accountEnabled: false`).
    pub disabled: bool,
    /// Synced from on-premises AD (`onPremisesSyncEnabled: true`); needs `sam`.
    pub synced: bool,
    pub sam: Option<String>,
    pub licenses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    pub id: String,
    pub upn: String,
    /// Cloud-only users get a generated temporary password, shown once (never stored).
    pub temporary_password: Option<Secret>,
}

/// Characters Entra allows in the local part of a UPN.
fn upn_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'.-_!#^~".contains(c)
}

/// A UPN in the tenant's domain: `name@domain`, at most 64 characters before the `@`.
pub fn validate_upn(t: &Tenant, upn: &str) -> Result<String, String> {
    let upn = upn.trim();
    let Some((local, domain)) = upn.split_once('@') else {
        return Err(format!(
            "`{upn}` is not a user principal name (expected name@{})",
            t.info.default_domain
        ));
    };
    let problem = if local.is_empty() {
        Some("the part before @ is empty".to_string())
    } else if local.len() > 64 {
        Some("the part before @ is longer than 64 characters".to_string())
    } else if let Some(c) = local.chars().find(|&c| !upn_local_char(c)) {
        Some(format!(
            "`{c}` is not allowed before @ (letters, digits and ' . - _ ! # ^ ~ are)"
        ))
    } else if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        Some("the part before @ cannot start or end with a period or hold two in a row".to_string())
    } else if !domain.eq_ignore_ascii_case(&t.info.default_domain) {
        Some(format!(
            "the domain must be the tenant's domain {}",
            t.info.default_domain
        ))
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!("`{upn}` is not a valid user principal name: {p}")),
        None => Ok(upn.to_string()),
    }
}

/// sAMAccountName: 1–20 characters, none of `" / \ [ ] : ; | = , + * ? < > @`, not ending with
/// a period. (Control characters are refused for every text by `fields::check`, first.)
fn validate_sam(sam: &str) -> Result<(), String> {
    let bad = |c: char| "\"/\\[]:;|=,+*?<>@".contains(c);
    if sam.is_empty() || sam.chars().count() > 20 {
        return Err(format!(
            "sAMAccountName `{sam}` must be 1 to 20 characters long"
        ));
    }
    if let Some(c) = sam.chars().find(|&c| bad(c)) {
        return Err(format!("sAMAccountName `{sam}` cannot contain `{c}`"));
    }
    if sam.ends_with('.') {
        return Err(format!("sAMAccountName `{sam}` cannot end with a period"));
    }
    Ok(())
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Creates a member user ("Add user"). Cloud-only users get a temporary password they must change
/// at first sign-in; synced users' passwords live on-premises.
pub fn create_user(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    req: &UserRequest,
) -> Planned<CreatedUser> {
    let id = ctx.new_id();
    let display_name = req.display_name.trim().to_string();
    let result = (|| {
        check(t, actor, Action::CreateUser, Target::None)?;
        let texts = [
            (fields::USER_PRINCIPAL_NAME, Some(req.upn.trim())),
            (fields::DISPLAY_NAME, Some(display_name.as_str())),
            (fields::JOB_TITLE, req.job_title.as_deref().map(str::trim)),
            (fields::DEPARTMENT, req.department.as_deref().map(str::trim)),
            (
                fields::OFFICE_LOCATION,
                req.office_location.as_deref().map(str::trim),
            ),
            (fields::SAM_ACCOUNT_NAME, req.sam.as_deref().map(str::trim)),
        ];
        for (f, v) in texts {
            if let Some(v) = v {
                fields::check(f, v).map_err(OpError::Invalid)?;
            }
        }
        for l in &req.licenses {
            fields::check(fields::LICENSE, l).map_err(OpError::Invalid)?;
        }
        let upn = validate_upn(t, &req.upn).map_err(OpError::Invalid)?;
        if let Some(u) = t.find_user(&upn) {
            return Err(OpError::Invalid(format!(
                "a user with the UPN {} already exists (id {})",
                t.user(u).upn(),
                t.user(u).id()
            )));
        }
        if display_name.is_empty() {
            return Err(OpError::Invalid("a user needs a display name".to_string()));
        }
        let sam = opt(&req.sam);
        match (req.synced, &sam) {
            (true, None) => {
                return Err(OpError::Invalid(
                    "a synced user needs an on-premises sAMAccountName".to_string(),
                ));
            }
            (false, Some(_)) => {
                return Err(OpError::Invalid(
                    "a sAMAccountName is only for users synced from on-premises AD".to_string(),
                ));
            }
            (true, Some(s)) => {
                validate_sam(s).map_err(OpError::Invalid)?;
                let taken = t.live_users().find(|&u| {
                    t.user(u)
                        .sam_account_name()
                        .is_some_and(|x| x.eq_ignore_ascii_case(s))
                });
                if let Some(u) = taken {
                    return Err(OpError::Invalid(format!(
                        "sAMAccountName {s} already belongs to {}",
                        t.user(u).upn()
                    )));
                }
            }
            (false, None) => {}
        }
        let mut licenses: Vec<String> = Vec::new();
        for l in &req.licenses {
            let l = l.trim();
            if l.is_empty() {
                return Err(OpError::Invalid(
                    "a licence name cannot be empty".to_string(),
                ));
            }
            if !licenses.iter().any(|x| x.eq_ignore_ascii_case(l)) {
                licenses.push(l.to_string());
            }
        }
        let (temporary, hash) = if req.synced || ctx.replay {
            (None, None)
        } else {
            let pw = password::generate_temporary(&t.settings.password_policy.cloud, &mut ctx.rng);
            let hash = password::hash(pw.as_str(), &mut ctx.rng)
                .map_err(|e| OpError::Storage(format!("cannot hash the password: {e}")))?;
            (Some(pw), Some(hash))
        };
        let user = NewUser {
            id: id.clone(),
            user_principal_name: upn.clone(),
            display_name: display_name.clone(),
            job_title: opt(&req.job_title),
            department: opt(&req.department),
            office_location: opt(&req.office_location),
            account_enabled: !req.disabled,
            on_premises_sync_enabled: req.synced,
            on_premises_sam_account_name: sam,
            assigned_licenses: licenses,
            force_change_password_next_sign_in: temporary.is_some(),
            password_hash: hash,
            created_date_time: ctx.now.clone(),
        };
        Ok((
            Change::UserCreated { user },
            CreatedUser {
                id: id.clone(),
                upn,
                temporary_password: temporary,
            },
        ))
    })();
    let props = vec![
        prop("displayName", None, Some(display_name.clone())),
        prop("accountEnabled", None, Some((!req.disabled).to_string())),
        prop("onPremisesSyncEnabled", None, Some(req.synced.to_string())),
    ];
    let target = TargetResource {
        id: id.clone(),
        kind: "User".to_string(),
        user_principal_name: Some(req.upn.trim().to_string()),
        display_name: Some(display_name.clone()),
        modified_properties: props,
    };
    finish(t, ctx, actor, Activity::UserAdded, vec![target], result)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedUser {
    pub upn: String,
    /// Administrative units and groups the user left, by name.
    pub memberships: Vec<String>,
    /// Role assignments removed with the user: "Role (scope)".
    pub roles: Vec<String>,
}

/// Deletes a user ("Delete user") with their AU and group memberships, group ownerships and role
/// assignments.
pub fn delete_user(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    target: UserId,
) -> Planned<DeletedUser> {
    let user = t.user(target);
    let aus: Vec<String> = t
        .user_aus(target)
        .iter()
        .map(|&a| t.au(a).display_name.clone())
        .collect();
    let groups: Vec<String> = t
        .user_groups(target)
        .iter()
        .chain(t.user_owned_groups(target))
        .map(|&g| t.group(g).display_name.clone())
        .collect();
    let roles: Vec<String> = t
        .assignments_of(Principal::User(target))
        .iter()
        .map(|&a| {
            let asg = t.assignment(a);
            format!("{} ({})", asg.role.name(), t.scope_phrase(asg.scope))
        })
        .collect();
    let result = check(t, actor, Action::DeleteUser, Target::User(target)).map(|()| {
        (
            Change::UserDeleted {
                id: user.id().to_string(),
            },
            DeletedUser {
                upn: user.upn().to_string(),
                memberships: aus.iter().chain(&groups).cloned().collect(),
                roles: roles.clone(),
            },
        )
    });
    let join = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
    let props = if result.is_ok() {
        vec![
            prop("administrativeUnits", join(&aus), None),
            prop("groups", join(&groups), None),
            prop("roleAssignments", join(&roles), None),
        ]
    } else {
        Vec::new()
    };
    let targets = vec![user_resource(t, target, props)];
    finish(t, ctx, actor, Activity::UserDeleted, targets, result)
}

/// Assigns a role at tenant scope (`/`): "Add member to role".
pub fn assign_tenant_role(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    role: Role,
    principal: Principal,
) -> Planned<String> {
    let id = ctx.new_id();
    let result = (|| {
        check(t, actor, Action::ManageRoles, Target::None)?;
        if let Some(why) = permissions::role_holder_refusal(t, principal) {
            return Err(OpError::Invalid(why));
        }
        let dup = t.assignments_of(principal).iter().any(|&a| {
            let asg = t.assignment(a);
            asg.role == role && asg.scope == Scope::Tenant
        });
        if dup {
            return Err(OpError::Invalid(format!(
                "{} already holds {} tenant-wide",
                t.principal_name(principal),
                role.name()
            )));
        }
        Ok((
            Change::RoleAssigned {
                id: id.clone(),
                role_definition_id: role.template_id().to_string(),
                principal_id: t.principal_id(principal).to_string(),
                directory_scope_id: t.scope_id(Scope::Tenant),
            },
            id.clone(),
        ))
    })();
    let mut target = principal_resource(t, principal);
    target.modified_properties = vec![
        prop("Role.DisplayName", None, Some(role.name().to_string())),
        prop(
            "Role.TemplateId",
            None,
            Some(role.template_id().to_string()),
        ),
        prop("Scope", None, Some(t.scope_id(Scope::Tenant))),
    ];
    finish(
        t,
        ctx,
        actor,
        Activity::RoleMemberAdded,
        vec![target],
        result,
    )
}

/// Removes a tenant-scope role assignment: "Remove member from role". (Scoped ones: `unassign`.)
pub fn unassign_tenant_role(
    t: &Tenant,
    ctx: &mut Ctx,
    actor: UserId,
    assignment: AssignmentId,
) -> Planned<()> {
    let asg = t.assignment(assignment).clone();
    let result = (|| {
        check(t, actor, Action::ManageRoles, Target::None)?;
        if asg.scope != Scope::Tenant {
            return Err(OpError::Invalid(format!(
                "role assignment {} is {}, not tenant-wide",
                asg.id,
                t.scope_phrase(asg.scope)
            )));
        }
        Ok((Change::RoleUnassigned { id: asg.id.clone() }, ()))
    })();
    let mut target = principal_resource(t, asg.principal);
    target.modified_properties = vec![
        prop("Role.DisplayName", Some(asg.role.name().to_string()), None),
        prop("Scope", Some(t.scope_id(asg.scope)), None),
    ];
    finish(
        t,
        ctx,
        actor,
        Activity::RoleMemberRemoved,
        vec![target],
        result,
    )
}
