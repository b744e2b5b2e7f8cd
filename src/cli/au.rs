//! `au …`: administrative units (the UI calls them locations) and their administration.

use crate::model::{AuId, UserId};
use crate::model::{Principal, Scope};
use crate::permissions::{self, Action};
use crate::roles::Role;
use crate::session::Session;

use super::args::AuOp;
use super::output::{
    AuOut, CreatedAuOut, Out, PrincipalOut, ScopedAssignmentOut, print, print_json,
};
use super::roles::print_assignments;
use super::{CliError, resolve};

pub fn run(s: &mut Session, op: AuOp, out: Out) -> Result<i32, CliError> {
    match op {
        AuOp::List { actor, json } => list(s, actor.as_deref(), json.json, out),
        AuOp::Show { au, json } => {
            let t = s.tenant();
            let x = resolve::au(t, &au)?;
            if json.json {
                print_json(out, &AuOut::new(t, x))?;
            } else {
                let a = t.au(x);
                print(out, format!("{} ({})", a.display_name, a.id))?;
                if let Some(d) = &a.description {
                    print(out, format!("  {d}"))?;
                }
                let restricted = if a.restricted {
                    ", restricted management"
                } else {
                    ""
                };
                print(out, format!("  {} members{restricted}", a.members.len()))?;
            }
            Ok(0)
        }
        AuOp::Members { au, json } => {
            let t = s.tenant();
            let x = resolve::au(t, &au)?;
            let members = &t.au(x).members;
            if json.json {
                print_json(out, &PrincipalOut::all(t, members))?;
            } else {
                for &p in members {
                    print(
                        out,
                        format!("{:<6} {}", t.principal_kind(p), t.principal_name(p)),
                    )?;
                }
            }
            Ok(0)
        }
        AuOp::Roles { au, viewer, json } => {
            let t = s.tenant();
            resolve::gate(t, viewer.actor.as_deref(), Action::ListAuRoles)?;
            let x = resolve::au(t, &au)?;
            let list = t.assignments_at(Scope::Au(x));
            if json.json {
                let v: Vec<ScopedAssignmentOut> = list
                    .iter()
                    .map(|&i| {
                        let asg = t.assignment(i);
                        ScopedAssignmentOut {
                            id: &asg.id,
                            role: asg.role.name(),
                            role_id: asg.role.template_id(),
                            role_member_info: PrincipalOut::new(t, asg.principal),
                        }
                    })
                    .collect();
                print_json(out, &v)?;
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
            actor,
            name,
            description,
            restricted,
            json,
        } => {
            let act = resolve::actor(s.tenant(), actor.name())?;
            let id = s.create_au(act, &name, description.as_deref(), restricted)?;
            if json.json {
                print_json(
                    out,
                    &CreatedAuOut {
                        display_name: name.trim(),
                        id: &id,
                    },
                )?;
            } else {
                print(
                    out,
                    format!("Created administrative unit {} ({id}).", name.trim()),
                )?;
            }
            Ok(0)
        }
        AuOp::Delete { actor, au } => {
            let t = s.tenant();
            let (act, x) = (resolve::actor(t, actor.name())?, resolve::au(t, &au)?);
            let name = t.au(x).display_name.clone();
            s.delete_au(act, x)?;
            print(out, format!("Deleted administrative unit {name}."))?;
            Ok(0)
        }
        AuOp::AddMember { actor, au, member } => members(s, actor.name(), &au, &member, true, out),
        AuOp::RemoveMember { actor, au, member } => {
            members(s, actor.name(), &au, &member, false, out)
        }
        AuOp::Assign {
            actor,
            au,
            role,
            principal,
        } => {
            let t = s.tenant();
            let (act, x, r) = (
                resolve::actor(t, actor.name())?,
                resolve::au(t, &au)?,
                resolve::role(&role)?,
            );
            for p in resolve::principals(t, &principal)? {
                let name = s.tenant().principal_name(p).to_string();
                let (_, warnings) = s.assign_scoped_role(act, x, r, p)?;
                for w in warnings {
                    super::output::report("warning: ", &w);
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
            actor,
            au,
            role,
            principal,
        } => {
            let t = s.tenant();
            let (act, x, r) = (
                resolve::actor(t, actor.name())?,
                resolve::au(t, &au)?,
                resolve::role(&role)?,
            );
            for p in resolve::principals(t, &principal)? {
                unassign(s, act, x, r, p, out)?;
            }
            Ok(0)
        }
    }
}

fn list(s: &Session, actor: Option<&str>, json: bool, out: Out) -> Result<i32, CliError> {
    let t = s.tenant();
    let list: Vec<(AuId, Vec<Role>)> = match resolve::gate(t, actor, Action::OpenMyStaff)? {
        Some(p) => permissions::locations(t, p),
        None => t.live_aus().map(|x| (x, Vec::new())).collect(),
    };
    if json {
        let v: Vec<AuOut> = list
            .iter()
            .map(|(x, roles)| AuOut {
                your_roles: actor.map(|_| roles.iter().map(|r| r.name()).collect()),
                ..AuOut::new(t, *x)
            })
            .collect();
        print_json(out, &v)?;
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

fn unassign(
    s: &mut Session,
    act: UserId,
    x: AuId,
    r: Role,
    p: Principal,
    out: Out,
) -> Result<(), CliError> {
    let t = s.tenant();
    let found = t
        .assignments_of(p)
        .iter()
        .copied()
        .find(|&i| t.assignment(i).role == r && t.assignment(i).scope == Scope::Au(x));
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
    )
}

fn members(
    s: &mut Session,
    actor: &str,
    au: &str,
    members: &[String],
    add: bool,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    let (act, x) = (resolve::actor(t, actor)?, resolve::au(t, au)?);
    for p in resolve::principals(t, members)? {
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
