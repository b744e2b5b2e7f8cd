//! `role list|assign|unassign`: tenant-wide role assignments.

use crate::model::AssignmentId;
use crate::model::{Scope, Tenant};
use crate::session::Session;

use super::args::RoleOp;
use super::output::{Out, PrincipalOut, TenantAssignmentOut, print, print_json};
use super::{CliError, resolve};

pub fn run(s: &mut Session, op: RoleOp, out: Out) -> Result<i32, CliError> {
    match op {
        RoleOp::List { json } => {
            let t = s.tenant();
            let list = t.assignments_at(Scope::Tenant);
            if json.json {
                let v: Vec<TenantAssignmentOut> = list
                    .iter()
                    .map(|&i| {
                        let asg = t.assignment(i);
                        TenantAssignmentOut {
                            directory_scope_id: "/",
                            id: &asg.id,
                            principal: PrincipalOut::new(t, asg.principal),
                            role: asg.role.name(),
                            role_id: asg.role.template_id(),
                        }
                    })
                    .collect();
                print_json(out, &v)?;
            } else {
                print_assignments(out, t, list)?;
            }
            Ok(0)
        }
        RoleOp::Assign {
            actor,
            role,
            principal,
        } => {
            let t = s.tenant();
            let (act, r) = (resolve::actor(t, actor.name())?, resolve::role(&role)?);
            for p in resolve::principals(t, &principal)? {
                let name = s.tenant().principal_name(p).to_string();
                s.assign_tenant_role(act, r, p)?;
                print(out, format!("{name} now holds {} tenant-wide.", r.name()))?;
            }
            Ok(0)
        }
        RoleOp::Unassign {
            actor,
            role,
            principal,
        } => {
            let t = s.tenant();
            let (act, r) = (resolve::actor(t, actor.name())?, resolve::role(&role)?);
            for p in resolve::principals(t, &principal)? {
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

/// One line per role assignment: role, then who holds it.
pub fn print_assignments(out: Out, t: &Tenant, list: &[AssignmentId]) -> Result<(), CliError> {
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
