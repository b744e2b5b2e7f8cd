//! `who-can`, `reach` and `delegation report`: the engine's decisions turned around.

use serde::Serialize;

use crate::delegation::{self, Coverage, Helper, Report};
use crate::model::{GroupId, Principal, Scope, Tenant};
use crate::permissions::{self, Action};
use crate::session::Session;

use super::output::{Out, print, print_json};
use super::{CliError, resolve};

fn check_action(action: Action) -> Result<(), CliError> {
    if delegation::supported(action) {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "--action {action}: this answers reset-password or manage-phone"
        )))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrincipalRef<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_principal_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
}

fn principal_ref(t: &Tenant, p: Principal) -> PrincipalRef<'_> {
    match p {
        Principal::User(u) => PrincipalRef {
            id: t.user(u).id(),
            kind: "user",
            user_principal_name: Some(t.user(u).upn()),
            display_name: None,
        },
        _ => PrincipalRef {
            id: t.principal_id(p),
            kind: t.principal_kind(p),
            user_principal_name: None,
            display_name: Some(t.principal_name(p)),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupRef<'a> {
    display_name: &'a str,
    id: &'a str,
}

fn group_ref(t: &Tenant, g: Option<GroupId>) -> Option<GroupRef<'_>> {
    g.map(|g| GroupRef {
        display_name: &t.group(g).display_name,
        id: &t.group(g).id,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HelperOut<'a> {
    eligible: bool,
    principal: PrincipalRef<'a>,
    reason: &'a str,
    role: &'static str,
    scope: String,
    via: Option<GroupRef<'a>>,
}

fn role_text(t: &Tenant, role: crate::roles::Role, scope: Scope, via: Option<GroupId>) -> String {
    permissions::describe_role(t, role, scope, via)
}

pub fn who_can(
    s: &Session,
    action: Action,
    target: &str,
    include_eligible: bool,
    json: bool,
    out: Out,
) -> Result<i32, CliError> {
    check_action(action)?;
    let t = s.tenant();
    let u = resolve::user(t, target)?;
    let helpers = delegation::who_can(t, action, u, include_eligible);
    if json {
        let v: Vec<HelperOut> = helpers
            .iter()
            .map(|h: &Helper| HelperOut {
                eligible: h.eligible,
                principal: principal_ref(t, Principal::User(h.user)),
                reason: &h.reason,
                role: h.role.name(),
                scope: t.scope_id(h.scope),
                via: group_ref(t, h.via),
            })
            .collect();
        return print_json(out, &v).map(|()| 0);
    }
    let upn = t.user(u).upn();
    let helper_line = |h: &Helper, tail: &str| {
        format!(
            "  {:<44} {}{tail}",
            t.user(h.user).upn(),
            role_text(t, h.role, h.scope, h.via)
        )
    };
    let (now, later): (Vec<&Helper>, Vec<&Helper>) = helpers.iter().partition(|h| !h.eligible);
    if now.is_empty() {
        print(out, format!("No one may {} {upn} now.", verb(action)))?;
    } else {
        print(
            out,
            format!("{} may {} {upn}:", count_people(&now), verb(action)),
        )?;
        for h in &now {
            print(out, helper_line(h, ""))?;
        }
    }
    let sps = delegation::service_principals_covering(t, action, u);
    if !sps.is_empty() {
        let v: Vec<String> = sps
            .iter()
            .map(|&(p, role, scope)| {
                format!(
                    "{} ({})",
                    t.principal_name(p),
                    role_text(t, role, scope, None)
                )
            })
            .collect();
        print(
            out,
            format!(
                "Also covered by a service principal's role, which Graph honours but My Staff does not: {}",
                v.join(", ")
            ),
        )?;
    }
    if include_eligible {
        if later.is_empty() {
            print(out, "No one else could after activating a PIM eligibility.")?;
        } else {
            print(out, "After activating a PIM eligibility:")?;
            for h in &later {
                print(out, helper_line(h, " (eligible)"))?;
            }
        }
    }
    Ok(0)
}

fn count_people(hs: &[&Helper]) -> String {
    let mut users: Vec<_> = hs.iter().map(|h| h.user).collect();
    users.dedup();
    match users.len() {
        1 => "1 person".to_string(),
        n => format!("{n} people"),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::ManagePhone => "manage the phone numbers of",
        _ => "reset the password of",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReachedOut<'a> {
    role: &'static str,
    scope: String,
    user: PrincipalRef<'a>,
    via: Option<GroupRef<'a>>,
}

pub fn reach(
    s: &Session,
    actor: &str,
    action: Action,
    count: bool,
    json: bool,
    out: Out,
) -> Result<i32, CliError> {
    check_action(action)?;
    let t = s.tenant();
    let a = resolve::actor(t, actor)?;
    if count {
        let n = delegation::reach_count(t, a, action);
        if json {
            print_json(out, &serde_json::json!({ "count": n }))?;
        } else {
            print(out, n.to_string())?;
        }
        return Ok(0);
    }
    let reached = delegation::reach(t, a, action);
    if json {
        let v: Vec<ReachedOut> = reached
            .iter()
            .map(|(u, g)| ReachedOut {
                role: g.role.name(),
                scope: t.scope_id(g.scope),
                user: principal_ref(t, Principal::User(*u)),
                via: group_ref(t, g.via_group),
            })
            .collect();
        return print_json(out, &v).map(|()| 0);
    }
    let upn = t.user(a).upn();
    if reached.is_empty() {
        print(out, format!("{upn} may {} no one.", verb(action)))?;
        return Ok(0);
    }
    print(
        out,
        format!("{upn} may {} {} users:", verb(action), reached.len()),
    )?;
    for (u, g) in &reached {
        print(
            out,
            format!(
                "  {:<44} {}",
                t.user(*u).upn(),
                permissions::describe_grant(t, g)
            ),
        )?;
    }
    Ok(0)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReacherOut<'a> {
    count: usize,
    principal: PrincipalRef<'a>,
    role: &'static str,
    via: Option<GroupRef<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TenantRoleOut {
    people: usize,
    reach: usize,
    role: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CoverageOut<'a> {
    scoped: Vec<ReacherOut<'a>>,
    scoped_reach: usize,
    tenant_wide: Vec<TenantRoleOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HardOut<'a> {
    user: PrincipalRef<'a>,
    why: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationOut<'a> {
    display_name: &'a str,
    hard_to_help: Vec<HardOut<'a>>,
    id: &'a str,
    manage_phone: CoverageOut<'a>,
    members: usize,
    reset_password: CoverageOut<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TenantReachOut<'a> {
    manage_phone: usize,
    principal: PrincipalRef<'a>,
    reset_password: usize,
    role: &'static str,
    via: Option<GroupRef<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdleOut<'a> {
    eligible: bool,
    principal: PrincipalRef<'a>,
    role: &'static str,
    scope: String,
    why: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GapsOut<'a> {
    manage_phone: Vec<&'a str>,
    reset_password: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportOut<'a> {
    idle: Vec<IdleOut<'a>>,
    locations: Vec<LocationOut<'a>>,
    only_central_it: GapsOut<'a>,
    tenant_wide: Vec<TenantReachOut<'a>>,
}

/// How many members a location's own scoped admins reach together.
fn scoped_reach(c: &Coverage) -> usize {
    c.scoped.iter().map(|r| r.count).max().unwrap_or(0)
}

fn coverage_out<'a>(t: &'a Tenant, c: &'a Coverage) -> CoverageOut<'a> {
    CoverageOut {
        scoped: c
            .scoped
            .iter()
            .map(|r| ReacherOut {
                count: r.count,
                principal: principal_ref(t, Principal::User(r.user)),
                role: r.role.name(),
                via: group_ref(t, r.via),
            })
            .collect(),
        scoped_reach: scoped_reach(c),
        tenant_wide: c
            .tenant_wide
            .iter()
            .map(|&(role, people, reach)| TenantRoleOut {
                people,
                reach,
                role: role.name(),
            })
            .collect(),
    }
}

pub fn report(s: &Session, json: bool, out: Out) -> Result<i32, CliError> {
    let t = s.tenant();
    let r = delegation::report(t);
    if json {
        let names = |phone| -> Vec<&str> {
            r.gaps(phone)
                .into_iter()
                .map(|a| t.au(a).display_name.as_str())
                .collect()
        };
        let v = ReportOut {
            idle: r
                .idle
                .iter()
                .map(|i| IdleOut {
                    eligible: i.eligible,
                    principal: principal_ref(t, i.principal),
                    role: i.role.name(),
                    scope: t.scope_id(i.scope),
                    why: &i.why,
                })
                .collect(),
            locations: r
                .locations
                .iter()
                .map(|l| LocationOut {
                    display_name: &t.au(l.au).display_name,
                    hard_to_help: l
                        .hard_to_help
                        .iter()
                        .map(|(u, why)| HardOut {
                            user: principal_ref(t, Principal::User(*u)),
                            why,
                        })
                        .collect(),
                    id: &t.au(l.au).id,
                    manage_phone: coverage_out(t, &l.phone),
                    members: l.members,
                    reset_password: coverage_out(t, &l.reset),
                })
                .collect(),
            only_central_it: GapsOut {
                manage_phone: names(true),
                reset_password: names(false),
            },
            tenant_wide: r
                .tenant_wide
                .iter()
                .map(|x| TenantReachOut {
                    manage_phone: x.phone,
                    principal: principal_ref(t, Principal::User(x.user)),
                    reset_password: x.reset,
                    role: x.role.name(),
                    via: group_ref(t, x.via),
                })
                .collect(),
        };
        return print_json(out, &v).map(|()| 0);
    }
    print_report(out, t, &r)?;
    Ok(0)
}

/// At most this many names on a line, then "and N more".
const NAMES: usize = 3;

fn names_line(names: &[String]) -> String {
    if names.len() <= NAMES {
        names.join(", ")
    } else {
        format!(
            "{}, and {} more",
            names[..NAMES].join(", "),
            names.len() - NAMES
        )
    }
}

fn print_coverage(
    out: Out,
    t: &Tenant,
    what: &str,
    c: &Coverage,
    members: usize,
) -> Result<(), CliError> {
    let mut helpers: Vec<String> = c
        .scoped
        .iter()
        .filter(|r| r.count > 0)
        .map(|r| {
            t.user(r.user)
                .upn()
                .split('@')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    helpers.dedup();
    let people = &helpers;
    let scoped = if people.is_empty() {
        "no scoped admin".to_string()
    } else {
        format!(
            "{} scoped admin{} reach {} of {members} ({})",
            people.len(),
            if people.len() == 1 { "" } else { "s" },
            scoped_reach(c),
            names_line(&helpers)
        )
    };
    let central: Vec<String> = c
        .tenant_wide
        .iter()
        .map(|(role, n, reach)| format!("{} ×{n} reach {reach}", role.name()))
        .collect();
    print(
        out,
        format!(
            "  {what:<15} {scoped}; central IT: {}",
            if central.is_empty() {
                "none".to_string()
            } else {
                central.join(", ")
            }
        ),
    )
}

fn print_report(out: Out, t: &Tenant, r: &Report) -> Result<(), CliError> {
    for l in &r.locations {
        print(
            out,
            format!("{} ({} members)", t.au(l.au).display_name, l.members),
        )?;
        print_coverage(out, t, "passwords:", &l.reset, l.members)?;
        print_coverage(out, t, "phones:", &l.phone, l.members)?;
        if !l.hard_to_help.is_empty() {
            print(
                out,
                format!(
                    "  no one below Privileged Authentication or Global Administrator can help {} of them:",
                    l.hard_to_help.len()
                ),
            )?;
            for (u, why) in l.hard_to_help.iter().take(5) {
                print(out, format!("    {}: {why}", t.user(*u).upn()))?;
            }
            if l.hard_to_help.len() > 5 {
                print(out, format!("    and {} more", l.hard_to_help.len() - 5))?;
            }
        }
    }
    print(out, "")?;
    for (phone, what) in [(false, "reset passwords"), (true, "manage phones")] {
        let gaps: Vec<String> = r
            .gaps(phone)
            .into_iter()
            .map(|a| t.au(a).display_name.clone())
            .collect();
        if gaps.is_empty() {
            print(
                out,
                format!("Every location has a scoped admin who can {what}."),
            )?;
        } else {
            print(
                out,
                format!(
                    "Only central IT can {what} in {} location{}: {}",
                    gaps.len(),
                    if gaps.len() == 1 { "" } else { "s" },
                    names_line(&gaps)
                ),
            )?;
        }
    }
    print(out, "")?;
    print(out, "Tenant-wide roles (central IT), by reach:")?;
    for x in &r.tenant_wide {
        print(
            out,
            format!(
                "  {:<44} {:<48} passwords {:>8}  phones {:>8}",
                t.user(x.user).upn(),
                role_text(t, x.role, Scope::Tenant, x.via),
                x.reset,
                x.phone
            ),
        )?;
    }
    if !r.idle.is_empty() {
        print(out, "")?;
        print(out, "Assignments that grant nothing:")?;
        for i in &r.idle {
            print(
                out,
                format!(
                    "  {:<44} {}{}: {}",
                    t.principal_name(i.principal),
                    role_text(t, i.role, i.scope, None),
                    if i.eligible { " (eligible)" } else { "" },
                    i.why
                ),
            )?;
        }
    }
    Ok(())
}
