//! What the CLI prints: the JSON shapes (a stable contract for scripts) as `Serialize` structs,
//! and the helpers that write text and JSON.
//!
//! JSON goes through `serde_json::Value` before printing, so keys come out sorted whatever the
//! field order: the shapes stay byte-for-byte what scripts already read. Fields are also declared
//! in that order, so a struct reads like its output.

use crate::model::{AuId, UserId};
use std::io::Write;

use serde::Serialize;

use crate::model::{PhoneSignIn, Principal, Tenant, UserType};
use crate::password;
use crate::permissions::{self, Decision, Grant};
use crate::phone;
use crate::sanitize;
use crate::search::{Hit, HitKind};
use crate::secret::Secret;
use crate::when;

use super::CliError;

pub type Out<'a> = &'a mut dyn Write;

/// One line of text output. Everything unsafe in it is escaped, line breaks included, so a name
/// can neither drive the terminal nor forge a line (a fake audit record).
pub fn print(out: Out, s: impl AsRef<str>) -> Result<(), CliError> {
    write_line(out, &sanitize::clean(s.as_ref()))
}

/// Several lines of text, each escaped as by [`print`].
pub fn print_lines(out: Out, s: impl AsRef<str>) -> Result<(), CliError> {
    write_line(out, &sanitize::clean_lines(s.as_ref()))
}

fn write_line(out: Out, s: &str) -> Result<(), CliError> {
    writeln!(out, "{s}").map_err(|e| CliError::storage(format!("cannot write output: {e}")))
}

/// An error or a warning on standard error, its lines escaped as by [`print`].
pub fn report(prefix: &str, message: &str) {
    eprintln!("mystaff: {prefix}{}", sanitize::clean_lines(message));
}

/// A temporary password, shown once: as typed, in groups, and spelled for a phone call.
pub fn print_temporary(out: Out, p: &Secret) -> Result<(), CliError> {
    let pw = p.as_str();
    print(out, format!("Temporary password: {pw}"))?;
    print(out, format!("  in groups:  {}", password::grouped(pw)))?;
    print(out, format!("  spelled:    {}", password::phonetic(pw)))?;
    print(
        out,
        "Give it to the user: they must change it the next time they sign in.",
    )
}

/// A stored timestamp as people read it here: local, human ("today 04:25").
pub fn local_time(at: &str) -> String {
    let now = crate::session::clock_now().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let offset = when::local_offset_at(when::parse(at).unwrap_or(now));
    when::human(at, now, offset)
}

pub fn print_json<T: Serialize + ?Sized>(out: Out, v: &T) -> Result<(), CliError> {
    let s = serde_json::to_value(v)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .map_err(|e| CliError::storage(format!("cannot write output: {e}")))?;
    write_line(out, &sanitize::json(s))
}

/// `can --json`: the engine's decision.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionOut<'a> {
    pub allowed: bool,
    pub granted_by: Vec<GrantOut<'a>>,
    pub reason: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantOut<'a> {
    pub role: &'static str,
    pub role_definition_id: &'static str,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_group: Option<&'a str>,
}

impl<'a> DecisionOut<'a> {
    pub fn new(t: &'a Tenant, d: &'a Decision) -> Self {
        DecisionOut {
            allowed: d.allowed,
            granted_by: d
                .granted_by
                .iter()
                .map(|g| GrantOut {
                    role: g.role.name(),
                    role_definition_id: g.role.template_id(),
                    scope: t.scope_id(g.scope),
                    via_group: g.via_group.map(|grp| t.group(grp).display_name.as_str()),
                })
                .collect(),
            reason: &d.reason,
        }
    }
}

/// `reset-password --json` and `user create --json` when the change happened.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetOut<'a> {
    pub force_change_password_next_sign_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<&'a str>,
    pub user_principal_name: &'a str,
}

/// A change that was refused (exit 1), in the shape of `can --json`'s refusal. `failedRules` lists
/// each password rule that was not met, when a policy said no.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedOut<'a> {
    pub allowed: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub failed_rules: &'a [String],
    pub reason: &'a str,
    pub user_principal_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneOut<'a> {
    pub phone_number: Option<&'a str>,
    pub phone_type: &'static str,
    pub user_principal_name: &'a str,
}

/// A user, group or service principal. `userPrincipalName` only for users.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalOut<'a> {
    pub display_name: &'a str,
    pub id: &'a str,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<&'a str>,
}

impl<'a> PrincipalOut<'a> {
    pub fn new(t: &'a Tenant, p: Principal) -> Self {
        match p {
            Principal::User(u) => {
                let user = t.user(u);
                PrincipalOut {
                    display_name: user.display_name(),
                    id: user.id(),
                    kind: "user",
                    user_principal_name: Some(user.upn()),
                }
            }
            _ => PrincipalOut {
                display_name: t.principal_name(p),
                id: t.principal_id(p),
                kind: t.principal_kind(p),
                user_principal_name: None,
            },
        }
    }

    pub fn all(t: &'a Tenant, ps: &[Principal]) -> Vec<Self> {
        ps.iter().map(|&p| PrincipalOut::new(t, p)).collect()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuOut<'a> {
    pub description: Option<&'a str>,
    pub display_name: &'a str,
    pub id: &'a str,
    pub is_member_management_restricted: bool,
    pub member_count: usize,
    /// With `au list --as`: the roles that person holds there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_roles: Option<Vec<&'static str>>,
}

impl<'a> AuOut<'a> {
    pub fn new(t: &'a Tenant, a: AuId) -> Self {
        let au = t.au(a);
        AuOut {
            description: au.description.as_deref(),
            display_name: &au.display_name,
            id: &au.id,
            is_member_management_restricted: au.restricted,
            member_count: au.members.len(),
            your_roles: None,
        }
    }
}

/// `au create --json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedAuOut<'a> {
    pub display_name: &'a str,
    pub id: &'a str,
}

/// `user create --json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUserOut<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<&'a str>,
    pub user_principal_name: &'a str,
}

/// One scoped role member (`au roles --json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopedAssignmentOut<'a> {
    pub id: &'a str,
    pub role: &'static str,
    pub role_id: &'static str,
    pub role_member_info: PrincipalOut<'a>,
}

/// One tenant-wide role assignment (`role list --json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantAssignmentOut<'a> {
    pub directory_scope_id: &'static str,
    pub id: &'a str,
    pub principal: PrincipalOut<'a>,
    pub role: &'static str,
    pub role_id: &'static str,
}

/// `settings show --json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsOut<'a> {
    pub my_staff: MyStaffOut<'a>,
    pub password_writeback: bool,
    pub phone_sign_in: &'a PhoneSignIn,
}

#[derive(Serialize)]
pub struct MyStaffOut<'a> {
    pub access: &'static str,
    pub selected: Vec<PrincipalOut<'a>>,
}

/// `settings my-staff --json`: the setting as it now is, selected principals by name.
#[derive(Serialize)]
pub struct MyStaffSetOut<'a> {
    pub access: &'static str,
    pub selected: Vec<&'a str>,
}

/// One search hit, best first (`search --json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HitOut<'a> {
    pub display_name: &'a str,
    pub id: &'a str,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locations: Option<Vec<&'a str>>,
    pub score: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<&'a str>,
}

impl<'a> HitOut<'a> {
    pub fn new(t: &'a Tenant, h: &Hit) -> Self {
        match h.kind {
            HitKind::Au(a) => HitOut {
                display_name: &t.au(a).display_name,
                id: &t.au(a).id,
                kind: "administrativeUnit",
                locations: None,
                score: h.score,
                user_principal_name: None,
            },
            HitKind::User(u) => {
                let user = t.user(u);
                HitOut {
                    display_name: user.display_name(),
                    id: user.id(),
                    kind: "user",
                    locations: Some(location_names(t, u)),
                    score: h.score,
                    user_principal_name: Some(user.upn()),
                }
            }
        }
    }
}

pub fn location_names(t: &Tenant, u: UserId) -> Vec<&str> {
    t.user_aus(u)
        .iter()
        .map(|&a| t.au(a).display_name.as_str())
        .collect()
}

/// A profile as My Staff shows it (`user show`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileOut<'a> {
    pub account_enabled: bool,
    pub administrative_units: Vec<&'a str>,
    pub department: Option<&'a str>,
    pub display_name: &'a str,
    pub force_change_password_next_sign_in: bool,
    pub id: &'a str,
    pub job_title: Option<&'a str>,
    pub last_password_change_date_time: Option<&'a str>,
    pub office_location: Option<&'a str>,
    pub on_premises_sync_enabled: bool,
    pub phone_methods: Vec<PhoneMethodOut>,
    pub roles: Vec<RoleOut>,
    pub user_principal_name: &'a str,
    pub user_type: UserType,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneMethodOut {
    pub phone_number: String,
    pub phone_type: &'static str,
}

#[derive(Serialize)]
pub struct RoleOut {
    pub description: String,
    pub role: &'static str,
    pub scope: String,
}

impl RoleOut {
    pub fn new(t: &Tenant, g: &Grant) -> Self {
        RoleOut {
            description: permissions::describe_grant(t, g),
            role: g.role.name(),
            scope: t.scope_id(g.scope),
        }
    }
}

impl<'a> ProfileOut<'a> {
    /// `show_phones`: whether the viewer may see the numbers in full (otherwise they are masked).
    pub fn new(t: &'a Tenant, u: UserId, show_phones: bool) -> Self {
        let user = t.user(u);
        ProfileOut {
            account_enabled: user.account_enabled,
            administrative_units: location_names(t, u),
            department: user.department(),
            display_name: user.display_name(),
            force_change_password_next_sign_in: user.password().force_change_next_sign_in,
            id: user.id(),
            job_title: user.job_title(),
            last_password_change_date_time: user.password().last_changed.as_deref(),
            office_location: user.office_location(),
            on_premises_sync_enabled: user.synced,
            phone_methods: user
                .phones
                .iter()
                .map(|p| PhoneMethodOut {
                    phone_number: if show_phones {
                        p.phone_number.clone()
                    } else {
                        phone::mask(&p.phone_number)
                    },
                    phone_type: p.phone_type.as_str(),
                })
                .collect(),
            roles: permissions::grants_of(t, Principal::User(u))
                .iter()
                .map(|g| RoleOut::new(t, g))
                .collect(),
            user_principal_name: user.upn(),
            user_type: user.user_type,
        }
    }
}
