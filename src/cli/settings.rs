//! `settings show|my-staff`: the tenant settings mystaff uses.

use crate::model::MyStaffAccess;
use crate::session::Session;

use super::args::SettingsOp;
use super::output::{MyStaffOut, MyStaffSetOut, Out, PrincipalOut, SettingsOut, print, print_json};
use super::{CliError, resolve};

pub fn run(s: &mut Session, op: SettingsOp, out: Out) -> Result<i32, CliError> {
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
            Ok(0)
        }
        SettingsOp::MyStaff {
            actor,
            access,
            principal,
            json,
        } => {
            let t = s.tenant();
            let act = resolve::actor(t, &actor.actor)?;
            let ps = resolve::principals(t, &principal)?;
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
            Ok(0)
        }
    }
}
