//! The headless CLI: every engine operation for scripts and tests. Shapes and exit codes are a
//! stable contract (README "CLI"): 0 success/allowed, 1 refused, 2 bad input or usage, 3 storage.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use crate::model::{MyStaffAccess, Principal, Scope, Tenant};
use crate::ops::{OpError, PhoneMode, UserRequest};
use crate::permissions::{self, Action, Decision, Target};
use crate::phone::{self, PhoneType};
use crate::roles::Role;
use crate::search::{HitKind, SearchIndex};
use crate::session::{OpenOptions, Session};

#[derive(Parser, Debug)]
#[command(
    name = "mystaff",
    version,
    about = "My Staff in the terminal: firstline managers reset passwords and manage phone numbers for their own staff",
    long_about = "With no subcommand, opens the terminal UI on the tenant (the embedded Contoso demo by default).\n\nExit codes: 0 success/allowed, 1 refused (permission or policy), 2 bad input or usage, 3 storage failure."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Open the UI signed in as this user (UPN or id), skipping the sign-in screen.
    #[arg(long = "as", value_name = "UPN")]
    pub as_user: Option<String>,
    /// Let the UI capture the mouse (clicks and wheel); off by default so text stays selectable.
    #[arg(long)]
    pub mouse: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Tenant fixture (JSON); default: the embedded Contoso demo tenant.
    #[arg(long, global = true, value_name = "FILE")]
    pub tenant: Option<PathBuf>,
    /// State directory (journal, preferences); default: the per-user data directory.
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "ephemeral")]
    pub state: Option<PathBuf>,
    /// Keep nothing: changes last only for this run.
    #[arg(long, global = true)]
    pub ephemeral: bool,
    /// Replay the journal onto a fixture that changed since the journal was started.
    #[arg(long, global = true)]
    pub rebase: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a tenant fixture: a summary on success; every problem and exit 2 otherwise.
    Check,
    /// Write a large deterministic tenant fixture (for scale tests and benchmarks).
    Generate {
        #[arg(long)]
        locations: u32,
        /// Users per location, its managers included.
        #[arg(long)]
        users_per_location: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// May ACTOR do ACTION to TARGET? Exit 0 allowed, 1 refused.
    Can {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        /// view-profile, reset-password, manage-phone, open-my-staff, list-au-roles, manage-au-roles,
        /// manage-au-members, create-au, delete-au, manage-settings, create-user, delete-user,
        /// manage-roles
        #[arg(long)]
        action: Action,
        /// The user acted on (UPN or id).
        #[arg(long)]
        target: Option<String>,
        /// The administrative unit acted on (id or name), for AU actions.
        #[arg(long)]
        au: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Reset a user's password (cloud-only: prints a temporary password once; synced: reads one).
    ResetPassword {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        target: String,
        /// Read the new password from standard input (for users synced from on-premises AD).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Add, update or remove a user's phone number (authentication method).
    Phone {
        #[command(subcommand)]
        op: PhoneOp,
    },
    /// Administrative units: list, show, members, scoped roles, and their administration.
    Au {
        #[command(subcommand)]
        op: AuOp,
    },
    /// Fuzzy search over administrative units and users.
    Search {
        /// Only to check that this person may use My Staff (reading is not scoped).
        #[arg(long = "as", value_name = "UPN")]
        actor: Option<String>,
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The audit log, newest first.
    Audit {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        limit: Option<usize>,
        /// Only records about this user (UPN or id) or administrative unit.
        #[arg(long)]
        target: Option<String>,
    },
    /// Users: show a profile, create, delete.
    User {
        #[command(subcommand)]
        op: UserOp,
    },
    /// Tenant settings: show them, or change who can access My Staff.
    Settings {
        #[command(subcommand)]
        op: SettingsOp,
    },
    /// Tenant-wide (not administrative-unit) role assignments.
    Role {
        #[command(subcommand)]
        op: RoleOp,
    },
}

#[derive(Subcommand, Debug)]
pub enum SettingsOp {
    /// Every tenant setting mystaff uses.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// "Administrators can access My Staff" (User or Global Administrator at tenant scope).
    MyStaff {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        /// all, selected or none
        #[arg(long)]
        access: MyStaffAccess,
        /// With `--access selected`: a user (UPN or id) or group (id or name); repeatable.
        #[arg(long)]
        principal: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RoleOp {
    /// Tenant-wide role assignments.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Assign a role tenant-wide (Privileged Role Administrator or Global Administrator).
    Assign {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        /// Role template id or display name.
        #[arg(long)]
        role: String,
        /// User (UPN or id), role-assignable group or service principal; repeatable.
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
    /// Remove a tenant-wide role assignment.
    Unassign {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        role: String,
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserOp {
    /// A user's profile as My Staff shows it to ACTOR (phones masked unless ACTOR may manage them).
    Show {
        #[arg(long = "as", value_name = "UPN")]
        actor: Option<String>,
        #[arg(long)]
        target: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a member user (User or Global Administrator at tenant scope). Cloud-only users get a
    /// temporary password, printed once. Administrative-unit membership is a separate step:
    /// `au add-member`.
    Create {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        /// name@tenant-domain
        #[arg(long)]
        upn: String,
        #[arg(long)]
        display_name: String,
        #[arg(long)]
        job_title: Option<String>,
        #[arg(long)]
        department: Option<String>,
        /// The profile's office location (a text field, not an administrative unit).
        #[arg(long)]
        office_location: Option<String>,
        /// Licence SKU (e.g. AAD_PREMIUM); repeatable.
        #[arg(long)]
        license: Vec<String>,
        /// Create the account disabled (accountEnabled: false).
        #[arg(long)]
        disabled: bool,
        /// Synced from on-premises AD (needs --sam).
        #[arg(long, requires = "sam")]
        synced: bool,
        /// On-premises sAMAccountName (with --synced).
        #[arg(long)]
        sam: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete users with their administrative-unit and group memberships and role assignments
    /// (User or Global Administrator at tenant scope).
    Delete {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        /// UPN or id; repeatable.
        #[arg(long, required = true)]
        target: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct PhoneArgs {
    #[arg(long = "as", value_name = "UPN")]
    actor: String,
    #[arg(long)]
    target: String,
    /// mobile, alternateMobile or office
    #[arg(long = "type")]
    kind: PhoneType,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
pub enum PhoneOp {
    /// Add a phone number of a type the user does not have yet.
    Add {
        #[command(flatten)]
        a: PhoneArgs,
        /// +{country code} {number}[x{extension}], e.g. +1 2065555555
        #[arg(long)]
        number: String,
    },
    /// Change the user's phone number of this type.
    Update {
        #[command(flatten)]
        a: PhoneArgs,
        #[arg(long)]
        number: String,
    },
    /// Remove the user's phone number of this type.
    Remove {
        #[command(flatten)]
        a: PhoneArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuOp {
    /// Every administrative unit (or, with --as, the ones that person manages).
    List {
        #[arg(long = "as", value_name = "UPN")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One administrative unit: id, description, member count, restriction.
    Show {
        au: String,
        #[arg(long)]
        json: bool,
    },
    /// Direct members (users and groups; groups are not expanded).
    Members {
        au: String,
        #[arg(long)]
        json: bool,
    },
    /// Scoped role members of the unit.
    Roles {
        au: String,
        #[arg(long = "as", value_name = "UPN")]
        actor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Create an administrative unit (Privileged Role or Global Administrator).
    Create {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// A restricted management administrative unit.
        #[arg(long)]
        restricted: bool,
        #[arg(long)]
        json: bool,
    },
    /// Delete an administrative unit with its memberships and scoped role assignments.
    Delete {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        au: String,
    },
    /// Add users or groups to an administrative unit.
    AddMember {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        au: String,
        /// User (UPN or id) or group (id or name); repeatable.
        #[arg(long, required = true)]
        member: Vec<String>,
    },
    /// Remove users or groups from an administrative unit.
    RemoveMember {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        au: String,
        #[arg(long, required = true)]
        member: Vec<String>,
    },
    /// Add a scoped role member.
    Assign {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        au: String,
        /// Role template id or display name.
        #[arg(long)]
        role: String,
        /// User (UPN or id), role-assignable group or service principal; repeatable.
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
    /// Remove a scoped role member.
    Unassign {
        #[arg(long = "as", value_name = "UPN")]
        actor: String,
        #[arg(long)]
        au: String,
        #[arg(long)]
        role: String,
        #[arg(long, required = true)]
        principal: Vec<String>,
    },
}

/// An error with its exit code; printed as one sentence on stderr.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<OpError> for CliError {
    fn from(e: OpError) -> Self {
        let prefix = match e {
            OpError::Refused(_) => "refused: ",
            OpError::Policy(_) => "refused by policy: ",
            _ => "",
        };
        CliError {
            code: e.exit_code(),
            message: format!("{prefix}{e}"),
        }
    }
}

type Out<'a> = &'a mut dyn Write;

/// `mystaff generate`: streams the tenant to FILE or standard output; a summary goes to stderr.
fn run_generate(
    locations: u32,
    users_per_location: u32,
    seed: u64,
    file: Option<PathBuf>,
    out: Out,
) -> Result<i32, CliError> {
    let spec = crate::generate::Spec {
        locations,
        users_per_location,
        seed,
    };
    let fail = |e: std::io::Error| CliError {
        code: 3,
        message: format!("cannot write the tenant: {e}"),
    };
    let summary = match &file {
        Some(path) => {
            let f = std::fs::File::create(path).map_err(|e| CliError {
                code: 3,
                message: format!("cannot create {}: {e}", path.display()),
            })?;
            crate::generate::write_tenant(spec, std::io::BufWriter::with_capacity(1 << 20, f))
                .map_err(fail)?
        }
        None => crate::generate::write_tenant(
            spec,
            std::io::BufWriter::with_capacity(1 << 20, &mut *out),
        )
        .map_err(fail)?,
    };
    if let Some(path) = &file {
        print(
            out,
            format!(
                "{}: {} users, {} locations, {} role assignments, {} bytes",
                path.display(),
                summary.users,
                summary.locations,
                summary.role_assignments,
                summary.bytes
            ),
        )?;
    }
    Ok(0)
}

fn print(out: Out, s: impl AsRef<str>) -> Result<(), CliError> {
    writeln!(out, "{}", s.as_ref()).map_err(|e| CliError {
        code: 3,
        message: format!("cannot write output: {e}"),
    })
}

fn print_json(out: Out, v: &Value) -> Result<(), CliError> {
    let s = serde_json::to_string_pretty(v).unwrap_or_default();
    print(out, s)
}

pub fn open_options(g: &Global) -> OpenOptions {
    OpenOptions {
        tenant_file: g.tenant.clone(),
        state_dir: g.state.clone(),
        ephemeral: g.ephemeral,
        rebase: g.rebase,
    }
}

pub fn open_session(g: &Global, client: &'static str) -> Result<Session, CliError> {
    let s = Session::open(&open_options(g), client).map_err(|e| CliError {
        code: e.exit_code(),
        message: e.to_string(),
    })?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    Ok(s)
}

fn user(t: &Tenant, key: &str) -> Result<u32, CliError> {
    t.find_user(key)
        .ok_or_else(|| CliError::usage(format!("no user has the UPN or id '{}'", key.trim())))
}

/// `--as`: a user, or (for `can`) a service principal, which the engine then refuses.
fn actor_principal(t: &Tenant, key: &str) -> Result<Principal, CliError> {
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
fn actor(t: &Tenant, key: &str) -> Result<u32, CliError> {
    match actor_principal(t, key)? {
        Principal::User(u) => Ok(u),
        p => Err(CliError {
            code: 1,
            message: format!(
                "refused: {} is a service principal; service principals cannot sign in to mystaff",
                t.principal_name(p)
            ),
        }),
    }
}

/// Resolves every name before anything changes, so a typo in the fifth name changes nothing.
fn principals(t: &Tenant, keys: &[String]) -> Result<Vec<Principal>, CliError> {
    keys.iter()
        .map(|k| t.find_principal(k).map_err(CliError::usage))
        .collect()
}

fn au(t: &Tenant, key: &str) -> Result<u32, CliError> {
    t.find_au(key).map_err(CliError::usage)
}

fn role(key: &str) -> Result<Role, CliError> {
    Role::lookup(key).ok_or_else(|| {
        CliError::usage(format!(
            "no built-in role has the template id or name '{}'",
            key.trim()
        ))
    })
}

pub fn decision_json(t: &Tenant, d: &Decision) -> Value {
    json!({
        "allowed": d.allowed,
        "reason": d.reason,
        "grantedBy": d.granted_by.iter().map(|g| {
            let mut o = json!({"role": g.role.name(), "roleDefinitionId": g.role.template_id(), "scope": t.scope_id(g.scope)});
            if let Some(grp) = g.via_group {
                o["viaGroup"] = json!(t.groups[grp as usize].display_name);
            }
            o
        }).collect::<Vec<_>>(),
    })
}

fn gate(t: &Tenant, actor: &Option<String>, action: Action) -> Result<(), CliError> {
    if let Some(a) = actor {
        let p = actor_principal(t, a)?;
        let d = permissions::decide(t, p, action, Target::None);
        if !d.allowed {
            return Err(CliError {
                code: 1,
                message: format!("refused: {}", d.reason),
            });
        }
    }
    Ok(())
}

fn au_json(t: &Tenant, a: u32) -> Value {
    let au = t.au(a);
    json!({
        "id": au.id,
        "displayName": au.display_name,
        "description": au.description,
        "isMemberManagementRestricted": au.restricted,
        "memberCount": au.members.len(),
    })
}

fn principal_json(t: &Tenant, p: Principal) -> Value {
    match p {
        Principal::User(u) => {
            let user = t.user(u);
            json!({"kind": "user", "id": user.id(), "userPrincipalName": user.upn(), "displayName": user.display_name()})
        }
        _ => {
            json!({"kind": t.principal_kind(p), "id": t.principal_id(p), "displayName": t.principal_name(p)})
        }
    }
}

/// Runs a parsed command against an open session. Returns the exit code on success paths
/// (`can` exits 1 when refused without that being an error).
pub fn run(cmd: Command, g: &Global, out: Out) -> Result<i32, CliError> {
    if let Command::Generate {
        locations,
        users_per_location,
        seed,
        out: file,
    } = cmd
    {
        return run_generate(locations, users_per_location, seed, file, out);
    }
    if let Command::Check = cmd {
        let (t, _, name) =
            crate::session::load_fixture(g.tenant.as_deref()).map_err(|e| CliError {
                code: 2,
                message: e.to_string(),
            })?;
        let scoped = t
            .assignments
            .iter()
            .filter(|a| !a.deleted && a.scope != Scope::Tenant)
            .count();
        print(
            out,
            format!(
                "{name}: valid — tenant {} ({}), {} users, {} groups, {} service principals, {} administrative units, {} role assignments ({scoped} scoped to an administrative unit)",
                t.info.display_name,
                t.info.id,
                t.users.len(),
                t.groups.len(),
                t.service_principals.len(),
                t.aus.len(),
                t.assignments.len()
            ),
        )?;
        // Freeing millions of users one by one takes a noticeable part of a second, and the
        // process is about to exit, which gives the memory back at once.
        std::mem::forget(t);
        return Ok(0);
    }
    let mut s = open_session(g, "cli")?;
    match cmd {
        Command::Check | Command::Generate { .. } => unreachable!("handled above"),
        Command::Can {
            actor,
            action,
            target,
            au: au_key,
            json,
        } => {
            let t = s.tenant();
            let a = actor_principal(t, &actor)?;
            let target = match (&target, &au_key) {
                (Some(u), _) => Target::User(user(t, u)?),
                (None, Some(k)) => Target::Au(au(t, k)?),
                (None, None) if action.needs_user() => {
                    return Err(CliError::usage(format!(
                        "--action {action} needs --target UPN"
                    )));
                }
                (None, None) => Target::None,
            };
            let d = permissions::decide(t, a, action, target);
            if json {
                print_json(out, &decision_json(t, &d))?;
            } else {
                print(
                    out,
                    format!(
                        "{}: {}",
                        if d.allowed { "allowed" } else { "refused" },
                        d.reason
                    ),
                )?;
                for gr in &d.granted_by {
                    print(
                        out,
                        format!("  granted by {}", permissions::describe_grant(t, gr)),
                    )?;
                }
            }
            Ok(if d.allowed { 0 } else { 1 })
        }
        Command::ResetPassword {
            actor: a,
            target,
            password_stdin,
            json,
        } => {
            let t = s.tenant();
            let (a, u) = (actor(t, &a)?, user(t, &target)?);
            let pw = if password_stdin {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf).map_err(|e| {
                    CliError::usage(format!("cannot read the password from standard input: {e}"))
                })?;
                // One trailing newline belongs to the shell, not the password.
                let trimmed = buf.strip_suffix('\n').unwrap_or(&buf);
                let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed).to_string();
                Some(trimmed)
            } else {
                None
            };
            let upn = t.user(u).upn().to_string();
            let r = s.reset_password(a, u, pw.as_deref())?;
            if json {
                let mut o = json!({
                    "userPrincipalName": upn,
                    "forceChangePasswordNextSignIn": r.force_change_next_sign_in,
                });
                if let Some(p) = &r.temporary_password {
                    o["temporaryPassword"] = json!(p);
                }
                print_json(out, &o)?;
            } else {
                match &r.temporary_password {
                    Some(p) => {
                        print(out, format!("Password reset for {upn}."))?;
                        print(out, format!("Temporary password: {p}"))?;
                        print(
                            out,
                            "Give it to the user: they must change it the next time they sign in.",
                        )?;
                    }
                    None => print(
                        out,
                        format!(
                            "Password reset for {upn} (synced from on-premises; written back)."
                        ),
                    )?,
                }
            }
            Ok(0)
        }
        Command::Phone { op } => {
            let (a, number, mode) = match op {
                PhoneOp::Add { a, number } => (a, Some(number), Some(PhoneMode::Add)),
                PhoneOp::Update { a, number } => (a, Some(number), Some(PhoneMode::Update)),
                PhoneOp::Remove { a } => (a, None, None),
            };
            let t = s.tenant();
            let (act, u) = (actor(t, &a.actor)?, user(t, &a.target)?);
            let upn = t.user(u).upn().to_string();
            match (number, mode) {
                (Some(n), Some(m)) => s.phone(act, u, a.kind, &n, m)?,
                _ => s.remove_phone(act, u, a.kind)?,
            }
            let now = s
                .tenant()
                .user(u)
                .phone(a.kind)
                .map(|p| p.phone_number.clone());
            if a.json {
                print_json(
                    out,
                    &json!({"userPrincipalName": upn, "phoneType": a.kind.as_str(), "phoneNumber": now}),
                )?;
            } else {
                match now {
                    Some(n) => print(out, format!("{upn}: {} phone is now {n}.", a.kind.label()))?,
                    None => print(out, format!("{upn}: {} phone removed.", a.kind.label()))?,
                }
            }
            Ok(0)
        }
        Command::Au { op } => run_au(&mut s, op, out),
        Command::Search {
            actor,
            query,
            limit,
            json,
        } => {
            let t = s.tenant();
            gate(t, &actor, Action::OpenMyStaff)?;
            let hits = SearchIndex::new(t).search(&query, limit);
            if json {
                let v: Vec<Value> = hits
                    .iter()
                    .map(|h| match h.kind {
                        HitKind::Au(a) => json!({"kind": "administrativeUnit", "id": t.au(a).id, "displayName": t.au(a).display_name, "score": h.score}),
                        HitKind::User(u) => {
                            let user = t.user(u);
                            let locations: Vec<&str> = t.user_aus(u).iter().map(|&a| t.au(a).display_name.as_str()).collect();
                            json!({"kind": "user", "id": user.id(), "displayName": user.display_name(), "userPrincipalName": user.upn(), "locations": locations, "score": h.score})
                        }
                    })
                    .collect();
                print_json(out, &Value::Array(v))?;
            } else if hits.is_empty() {
                print(out, format!("no match for '{query}'"))?;
            } else {
                for h in &hits {
                    let line = match h.kind {
                        HitKind::Au(a) => format!("location  {}", t.au(a).display_name),
                        HitKind::User(u) => {
                            let user = t.user(u);
                            let locs: Vec<&str> = t
                                .user_aus(u)
                                .iter()
                                .map(|&a| t.au(a).display_name.as_str())
                                .collect();
                            format!(
                                "user      {}  <{}>  {}",
                                user.display_name(),
                                user.upn(),
                                locs.join(", ")
                            )
                        }
                    };
                    print(out, line)?;
                }
            }
            Ok(0)
        }
        Command::Audit {
            json,
            limit,
            target,
        } => {
            let t = s.tenant();
            // A live user or AU by id; otherwise (e.g. deleted ones) by UPN or display name.
            let id = match &target {
                None => None,
                Some(k) => match t.find_user(k) {
                    Some(u) => Some(t.user(u).id().to_string()),
                    None => t.find_au(k).ok().map(|a| t.au(a).id.clone()),
                },
            };
            let name = target.as_deref().map(|k| k.trim().to_lowercase());
            let matches = |r: &&crate::audit::AuditRecord| match (&id, &name) {
                (Some(i), _) => r.concerns(i),
                (None, Some(n)) => r.target_resources.iter().any(|x| {
                    x.user_principal_name
                        .as_deref()
                        .or(x.display_name.as_deref())
                        .is_some_and(|v| v.to_lowercase() == *n)
                }),
                (None, None) => true,
            };
            let records: Vec<_> = s
                .audit()
                .iter()
                .rev()
                .filter(matches)
                .take(limit.unwrap_or(usize::MAX))
                .collect();
            if json {
                print_json(out, &serde_json::to_value(&records).unwrap_or(Value::Null))?;
            } else if records.is_empty() {
                print(out, "no audit records")?;
            } else {
                for r in records {
                    let result = match r.result {
                        crate::audit::AuditResult::Success => "success",
                        crate::audit::AuditResult::Failure => "FAILURE",
                    };
                    print(
                        out,
                        format!(
                            "{}  {:<7}  {:<40}  by {}  on {}{}",
                            r.activity_date_time,
                            result,
                            r.activity_display_name,
                            r.initiated_by.user.user_principal_name,
                            r.target_name(),
                            if r.result_reason.is_empty() {
                                String::new()
                            } else {
                                format!("  ({})", r.result_reason.replace('\n', " "))
                            }
                        ),
                    )?;
                }
            }
            Ok(0)
        }
        Command::User {
            op: op @ (UserOp::Create { .. } | UserOp::Delete { .. }),
        } => run_user_admin(&mut s, op, out),
        Command::Settings { op } => run_settings(&mut s, op, out),
        Command::Role { op } => run_role(&mut s, op, out),
        Command::User {
            op:
                UserOp::Show {
                    actor: a,
                    target,
                    json,
                },
        } => {
            let t = s.tenant();
            let u = user(t, &target)?;
            let viewer = match &a {
                Some(k) => {
                    gate(t, &a, Action::ViewProfile)?;
                    Some(actor_principal(t, k)?)
                }
                None => None,
            };
            let show_phones = viewer.is_none_or(|p| {
                permissions::decide(t, p, Action::ManagePhone, Target::User(u)).allowed
            });
            let v = profile_json(t, u, show_phones);
            if json {
                print_json(out, &v)?;
            } else {
                print(out, serde_json::to_string_pretty(&v).unwrap_or_default())?;
            }
            Ok(0)
        }
    }
}

pub fn profile_json(t: &Tenant, u: u32, show_phones: bool) -> Value {
    let user = t.user(u);
    let roles: Vec<Value> = permissions::grants_of(t, Principal::User(u))
        .iter()
        .map(|g| json!({"role": g.role.name(), "scope": t.scope_id(g.scope), "description": permissions::describe_grant(t, g)}))
        .collect();
    let phones: Vec<Value> = user
        .phones
        .iter()
        .map(|p| json!({"phoneType": p.phone_type.as_str(), "phoneNumber": if show_phones { p.phone_number.clone() } else { phone::mask(&p.phone_number) }}))
        .collect();
    json!({
        "id": user.id(),
        "userPrincipalName": user.upn(),
        "displayName": user.display_name(),
        "userType": user.user_type,
        "jobTitle": user.job_title(),
        "department": user.department(),
        "officeLocation": user.office_location(),
        "accountEnabled": user.account_enabled,
        "onPremisesSyncEnabled": user.synced,
        "administrativeUnits": t.user_aus(u).iter().map(|&a| t.au(a).display_name.clone()).collect::<Vec<_>>(),
        "roles": roles,
        "phoneMethods": phones,
        "lastPasswordChangeDateTime": user.password().last_changed,
        "forceChangePasswordNextSignIn": user.password().force_change_next_sign_in,
    })
}

fn run_au(s: &mut Session, op: AuOp, out: Out) -> Result<i32, CliError> {
    match op {
        AuOp::List { actor: a, json } => {
            let t = s.tenant();
            let list: Vec<(u32, Vec<Role>)> = match &a {
                Some(k) => {
                    gate(t, &a, Action::OpenMyStaff)?;
                    permissions::locations(t, actor_principal(t, k)?)
                }
                None => t.live_aus().map(|x| (x, Vec::new())).collect(),
            };
            if json {
                let v: Vec<Value> = list
                    .iter()
                    .map(|(x, roles)| {
                        let mut o = au_json(t, *x);
                        if a.is_some() {
                            o["yourRoles"] =
                                json!(roles.iter().map(|r| r.name()).collect::<Vec<_>>());
                        }
                        o
                    })
                    .collect();
                print_json(out, &Value::Array(v))?;
            } else {
                for (x, roles) in &list {
                    let au = t.au(*x);
                    let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
                    print(
                        out,
                        format!(
                            "{:<24} {:>6} members  {}{}",
                            au.display_name,
                            au.members.len(),
                            if au.restricted { "[restricted] " } else { "" },
                            names.join(", ")
                        ),
                    )?;
                }
            }
            Ok(0)
        }
        AuOp::Show { au: k, json } => {
            let t = s.tenant();
            let x = au(t, &k)?;
            let v = au_json(t, x);
            if json {
                print_json(out, &v)?;
            } else {
                let a = t.au(x);
                print(out, format!("{} ({})", a.display_name, a.id))?;
                if let Some(d) = &a.description {
                    print(out, format!("  {d}"))?;
                }
                print(
                    out,
                    format!(
                        "  {} members{}",
                        a.members.len(),
                        if a.restricted {
                            ", restricted management"
                        } else {
                            ""
                        }
                    ),
                )?;
            }
            Ok(0)
        }
        AuOp::Members { au: k, json } => {
            let t = s.tenant();
            let x = au(t, &k)?;
            let members: Vec<Value> = t
                .au(x)
                .members
                .iter()
                .map(|&p| principal_json(t, p))
                .collect();
            if json {
                print_json(out, &Value::Array(members))?;
            } else {
                for &p in &t.au(x).members {
                    print(
                        out,
                        format!("{:<6} {}", t.principal_kind(p), t.principal_name(p)),
                    )?;
                }
            }
            Ok(0)
        }
        AuOp::Roles {
            au: k,
            actor: a,
            json,
        } => {
            let t = s.tenant();
            gate(t, &a, Action::ListAuRoles)?;
            let x = au(t, &k)?;
            let list = t.assignments_at(Scope::Au(x));
            if json {
                let v: Vec<Value> = list
                    .iter()
                    .map(|&i| {
                        let asg = t.assignment(i);
                        json!({"id": asg.id, "roleId": asg.role.template_id(), "role": asg.role.name(), "roleMemberInfo": principal_json(t, asg.principal)})
                    })
                    .collect();
                print_json(out, &Value::Array(v))?;
            } else if list.is_empty() {
                print(
                    out,
                    format!("no scoped role members in {}", t.au(x).display_name),
                )?;
            } else {
                print_assignments(out, t, list)?;
            }
            Ok(0)
        }
        AuOp::Create {
            actor: a,
            name,
            description,
            restricted,
            json,
        } => {
            let act = actor(s.tenant(), &a)?;
            let id = s.create_au(act, &name, description.as_deref(), restricted)?;
            if json {
                print_json(out, &json!({"id": id, "displayName": name.trim()}))?;
            } else {
                print(
                    out,
                    format!("Created administrative unit {} ({id}).", name.trim()),
                )?;
            }
            Ok(0)
        }
        AuOp::Delete { actor: a, au: k } => {
            let t = s.tenant();
            let (act, x) = (actor(t, &a)?, au(t, &k)?);
            let name = t.au(x).display_name.clone();
            s.delete_au(act, x)?;
            print(out, format!("Deleted administrative unit {name}."))?;
            Ok(0)
        }
        AuOp::AddMember {
            actor: a,
            au: k,
            member,
        } => members_op(s, &a, &k, &member, true, out),
        AuOp::RemoveMember {
            actor: a,
            au: k,
            member,
        } => members_op(s, &a, &k, &member, false, out),
        AuOp::Assign {
            actor: a,
            au: k,
            role: r,
            principal,
        } => {
            let t = s.tenant();
            let (act, x, r) = (actor(t, &a)?, au(t, &k)?, role(&r)?);
            let ps = principals(t, &principal)?;
            for p in ps {
                let name = s.tenant().principal_name(p).to_string();
                let (_, warnings) = s.assign_scoped_role(act, x, r, p)?;
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                print(
                    out,
                    format!(
                        "{name} now holds {} scoped to {}.",
                        r.name(),
                        s.tenant().au(x).display_name
                    ),
                )?;
            }
            Ok(0)
        }
        AuOp::Unassign {
            actor: a,
            au: k,
            role: r,
            principal,
        } => {
            let t = s.tenant();
            let (act, x, r) = (actor(t, &a)?, au(t, &k)?, role(&r)?);
            let ps = principals(t, &principal)?;
            for p in ps {
                let t = s.tenant();
                let found =
                    t.assignments_of(p).iter().copied().find(|&i| {
                        t.assignment(i).role == r && t.assignment(i).scope == Scope::Au(x)
                    });
                let name = t.principal_name(p).to_string();
                let Some(i) = found else {
                    return Err(CliError::usage(format!(
                        "{name} does not hold {} scoped to {}",
                        r.name(),
                        t.au(x).display_name
                    )));
                };
                s.unassign(act, i)?;
                print(
                    out,
                    format!(
                        "{name} no longer holds {} scoped to {}.",
                        r.name(),
                        s.tenant().au(x).display_name
                    ),
                )?;
            }
            Ok(0)
        }
    }
}

fn run_user_admin(s: &mut Session, op: UserOp, out: Out) -> Result<i32, CliError> {
    match op {
        UserOp::Show { .. } => unreachable!("handled by run"),
        UserOp::Create {
            actor: a,
            upn,
            display_name,
            job_title,
            department,
            office_location,
            license,
            disabled,
            synced,
            sam,
            json,
        } => {
            let act = actor(s.tenant(), &a)?;
            let req = UserRequest {
                upn,
                display_name,
                job_title,
                department,
                office_location,
                disabled,
                synced,
                sam,
                licenses: license,
            };
            let c = s.create_user(act, &req)?;
            if json {
                let mut o = json!({"id": c.id, "userPrincipalName": c.upn});
                if let Some(p) = &c.temporary_password {
                    o["temporaryPassword"] = json!(p);
                }
                print_json(out, &o)?;
            } else {
                print(out, format!("Created user {} ({}).", c.upn, c.id))?;
                if let Some(p) = &c.temporary_password {
                    print(out, format!("Temporary password: {p}"))?;
                    print(
                        out,
                        "Give it to the user: they must change it the next time they sign in.",
                    )?;
                }
            }
            Ok(0)
        }
        UserOp::Delete { actor: a, target } => {
            let t = s.tenant();
            let act = actor(t, &a)?;
            // Resolve every name first so a typo in the fifth target changes nothing.
            let targets = target
                .iter()
                .map(|k| user(t, k))
                .collect::<Result<Vec<_>, _>>()?;
            for u in targets {
                let d = s.delete_user(act, u)?;
                let mut line = format!("Deleted user {}.", d.upn);
                if !d.memberships.is_empty() {
                    line.push_str(&format!(" Left: {}.", d.memberships.join(", ")));
                }
                if !d.roles.is_empty() {
                    line.push_str(&format!(" Roles removed: {}.", d.roles.join(", ")));
                }
                print(out, line)?;
            }
            Ok(0)
        }
    }
}

fn run_settings(s: &mut Session, op: SettingsOp, out: Out) -> Result<i32, CliError> {
    match op {
        SettingsOp::Show { json } => {
            let t = s.tenant();
            let st = &t.settings;
            if json {
                let selected: Vec<Value> = st
                    .my_staff
                    .selected
                    .iter()
                    .map(|&p| principal_json(t, p))
                    .collect();
                print_json(
                    out,
                    &json!({
                        "myStaff": {"access": st.my_staff.access.as_str(), "selected": selected},
                        "phoneSignIn": st.phone_sign_in,
                        "passwordWriteback": st.password_writeback,
                    }),
                )?;
            } else {
                let access = match st.my_staff.access {
                    MyStaffAccess::All => "all (every administrator)",
                    MyStaffAccess::Selected => "selected users and groups",
                    MyStaffAccess::None => "none (nobody)",
                };
                print(out, format!("Administrators can access My Staff: {access}"))?;
                for &p in &st.my_staff.selected {
                    print(
                        out,
                        format!("  {:<6} {}", t.principal_kind(p), t.principal_name(p)),
                    )?;
                }
                let on = |b: bool| if b { "on" } else { "off" };
                let ps = &st.phone_sign_in;
                print(
                    out,
                    format!(
                        "Phone numbers can be used for: SMS sign-in {}, MFA {}, self-service password reset {}",
                        on(ps.sms_sign_in),
                        on(ps.mfa),
                        on(ps.self_service_password_reset)
                    ),
                )?;
                print(
                    out,
                    format!("Password writeback: {}", on(st.password_writeback)),
                )?;
            }
            Ok(0)
        }
        SettingsOp::MyStaff {
            actor: a,
            access,
            principal,
            json,
        } => {
            let t = s.tenant();
            let act = actor(t, &a)?;
            let ps = principals(t, &principal)?;
            s.set_my_staff_access(act, access, &ps)?;
            let t = s.tenant();
            let names: Vec<&str> = t
                .settings
                .my_staff
                .selected
                .iter()
                .map(|&p| t.principal_name(p))
                .collect();
            if json {
                print_json(out, &json!({"access": access.as_str(), "selected": names}))?;
            } else if names.is_empty() {
                print(
                    out,
                    format!("Administrators can access My Staff: {}.", access.as_str()),
                )?;
            } else {
                print(
                    out,
                    format!(
                        "Administrators can access My Staff: selected ({}).",
                        names.join(", ")
                    ),
                )?;
            }
            Ok(0)
        }
    }
}

fn run_role(s: &mut Session, op: RoleOp, out: Out) -> Result<i32, CliError> {
    match op {
        RoleOp::List { json } => {
            let t = s.tenant();
            let list = t.assignments_at(Scope::Tenant);
            if json {
                let v: Vec<Value> = list
                    .iter()
                    .map(|&i| {
                        let asg = t.assignment(i);
                        json!({"id": asg.id, "roleId": asg.role.template_id(), "role": asg.role.name(), "directoryScopeId": "/", "principal": principal_json(t, asg.principal)})
                    })
                    .collect();
                print_json(out, &Value::Array(v))?;
            } else {
                print_assignments(out, t, list)?;
            }
            Ok(0)
        }
        RoleOp::Assign {
            actor: a,
            role: r,
            principal,
        } => {
            let t = s.tenant();
            let (act, r) = (actor(t, &a)?, role(&r)?);
            let ps = principals(t, &principal)?;
            for p in ps {
                let name = s.tenant().principal_name(p).to_string();
                s.assign_tenant_role(act, r, p)?;
                print(out, format!("{name} now holds {} tenant-wide.", r.name()))?;
            }
            Ok(0)
        }
        RoleOp::Unassign {
            actor: a,
            role: r,
            principal,
        } => {
            let t = s.tenant();
            let (act, r) = (actor(t, &a)?, role(&r)?);
            let ps = principals(t, &principal)?;
            for p in ps {
                let t = s.tenant();
                let found =
                    t.assignments_of(p).iter().copied().find(|&i| {
                        t.assignment(i).role == r && t.assignment(i).scope == Scope::Tenant
                    });
                let name = t.principal_name(p).to_string();
                let Some(i) = found else {
                    return Err(CliError::usage(format!(
                        "{name} does not hold {} tenant-wide",
                        r.name()
                    )));
                };
                s.unassign_tenant_role(act, i)?;
                print(
                    out,
                    format!("{name} no longer holds {} tenant-wide.", r.name()),
                )?;
            }
            Ok(0)
        }
    }
}

fn members_op(
    s: &mut Session,
    a: &str,
    k: &str,
    members: &[String],
    add: bool,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    let (act, x) = (actor(t, a)?, au(t, k)?);
    let ps = principals(t, members)?;
    for p in ps {
        let name = s.tenant().principal_name(p).to_string();
        if add {
            s.add_au_member(act, x, p)?;
        } else {
            s.remove_au_member(act, x, p)?;
        }
        let au_name = &s.tenant().au(x).display_name;
        let line = if add {
            format!("Added {name} to {au_name}.")
        } else {
            format!("Removed {name} from {au_name}.")
        };
        print(out, line)?;
    }
    Ok(0)
}

/// `mystaff` with no subcommand: the terminal UI.
pub fn run_tui(c: &Cli) -> i32 {
    let s = match open_session(&c.global, "tui") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mystaff: {}", e.message);
            return e.code;
        }
    };
    let as_user = match &c.as_user {
        Some(k) => match s.tenant().find_user(k) {
            Some(u) => Some(u),
            None => {
                eprintln!("mystaff: no user has the UPN or id '{}'", k.trim());
                return 2;
            }
        },
        None => None,
    };
    match crate::tui::run(
        s,
        crate::tui::TuiOptions {
            as_user,
            mouse: c.mouse,
        },
    ) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("mystaff: {e:#}");
            1
        }
    }
}

/// One line per role assignment: role, then who holds it.
fn print_assignments(out: Out, t: &Tenant, list: &[u32]) -> Result<(), CliError> {
    for &i in list {
        let asg = t.assignment(i);
        print(
            out,
            format!(
                "{:<40} {}",
                asg.role.name(),
                t.principal_name(asg.principal)
            ),
        )?;
    }
    Ok(())
}
