//! `settings show|my-staff`: the tenant settings mystaff uses.

use crate::access;
use crate::model::MyStaffAccess;
use crate::session::Session;

use super::args::SettingsOp;
use super::output::{MyStaffOut, MyStaffSetOut, Out, PrincipalOut, SettingsOut, print, print_json};
use super::{CliError, Global, resolve};

pub fn run(s: &mut Session, g: &Global, op: SettingsOp, out: Out) -> Result<i32, CliError> {
    match op {
        SettingsOp::Show { json } => {
            let t = s.tenant();
            let st = &t.settings;
            if json.json {
                return print_json(
                    out,
                    &SettingsOut {
                        my_staff: MyStaffOut {
                            access: st.my_staff.access.as_str(),
                            selected: PrincipalOut::all(t, &st.my_staff.selected),
                        },
                        password_writeback: st.password_writeback,
                        phone_sign_in: &st.phone_sign_in,
                    },
                )
                .map(|()| 0);
            }
            let a = st.my_staff.access;
            print(
                out,
                format!(
                    "Administrators can access My Staff: {} — {}",
                    a.as_str(),
                    access::effect(a)
                ),
            )?;
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
            Ok(0)
        }
        SettingsOp::MyStaff {
            actor,
            access,
            principal,
            json,
        } => {
            let t = s.tenant();
            let act = resolve::actor(t, actor.name())?;
            let ps = resolve::principals(t, &principal)?;
            let before = t.settings.my_staff.clone();
            let undo = access::undo_command(
                t,
                access::Invocation {
                    tenant: g.tenant.as_deref(),
                    state: g.state.as_deref(),
                    ephemeral: g.ephemeral,
                },
                t.user(act).upn(),
                before.access,
                &before.selected,
            );
            s.set_my_staff_access(act, access, &ps)?;
            let t = s.tenant();
            let names: Vec<&str> = t
                .settings
                .my_staff
                .selected
                .iter()
                .map(|&p| t.principal_name(p))
                .collect();
            if json.json {
                print_json(
                    out,
                    &MyStaffSetOut {
                        access: access.as_str(),
                        selected: names,
                    },
                )?;
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
            // Shutting everyone out is the change people most need a way back from.
            if !json.json
                && access == MyStaffAccess::None
                && before.access != MyStaffAccess::None
                && let Some(undo) = undo
            {
                print(out, format!("To undo it: {undo}"))?;
            }
            Ok(0)
        }
    }
}
