//! `user show|create|delete`.

use crate::model::UserId;
use crate::model::{Tenant, UserType};
use crate::ops::UserRequest;
use crate::permissions::{self, Action};
use crate::session::Session;

use super::args::UserOp;
use crate::secret::Secret;

use super::output::{
    CreatedUserOut, Out, ProfileOut, local_time, print, print_json, print_temporary,
};
use super::{CliError, resolve};

pub fn run(s: &mut Session, op: UserOp, out: Out) -> Result<i32, CliError> {
    match op {
        UserOp::Show {
            viewer,
            target,
            json,
        } => show(s, viewer.actor.as_deref(), &target, json.json, out),
        UserOp::Create {
            actor,
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
            let act = resolve::actor(s.tenant(), actor.name())?;
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
            if json.json {
                print_json(
                    out,
                    &CreatedUserOut {
                        id: &c.id,
                        temporary_password: c.temporary_password.as_ref().map(Secret::as_str),
                        user_principal_name: &c.upn,
                    },
                )?;
            } else {
                print(out, format!("Created user {} ({}).", c.upn, c.id))?;
                if let Some(p) = &c.temporary_password {
                    print_temporary(out, p)?;
                }
            }
            Ok(0)
        }
        UserOp::Delete { actor, target } => {
            let t = s.tenant();
            let act = resolve::actor(t, actor.name())?;
            // Resolve every name first so a typo in the fifth target changes nothing.
            let targets = resolve::users(t, &target)?;
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

fn show(
    s: &Session,
    actor: Option<&str>,
    target: &str,
    json: bool,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    let u = resolve::user(t, target)?;
    let viewer = resolve::gate(t, actor, Action::ViewProfile)?;
    // Without --as nobody is looking through My Staff: the CLI user reads the tenant file itself.
    let show_phones = viewer.is_none_or(|p| permissions::may_see_phone_numbers(t, p, u));
    let profile = ProfileOut::new(t, u, show_phones);
    if json {
        print_json(out, &profile)?;
    } else {
        for line in profile_text(t, u, &profile, show_phones) {
            print(out, line)?;
        }
    }
    Ok(0)
}

/// The profile as lines of text, labels aligned.
fn profile_text(t: &Tenant, u: UserId, p: &ProfileOut, show_phones: bool) -> Vec<String> {
    let user = t.user(u);
    let mut lines = vec![format!("{} <{}>", p.display_name, p.user_principal_name)];
    let mut row = |label: &str, value: &str| lines.push(format!("  {label:<11} {value}"));
    row("Id", p.id);
    if user.user_type == UserType::Guest {
        row("Type", "guest");
    }
    for (label, value) in [
        ("Job title", p.job_title),
        ("Department", p.department),
        ("Office", p.office_location),
    ] {
        if let Some(v) = value {
            row(label, v);
        }
    }
    row(
        "Account",
        if p.account_enabled {
            "enabled"
        } else {
            "disabled"
        },
    );
    row(
        "Source",
        if p.on_premises_sync_enabled {
            "synced from on-premises AD"
        } else {
            "cloud-only"
        },
    );
    let password = match p.last_password_change_date_time {
        None => "never reset".to_string(),
        Some(at) => format!("last changed {}", local_time(at)),
    };
    let must_change = if p.force_change_password_next_sign_in {
        " (must change it at next sign-in)"
    } else {
        ""
    };
    row("Password", &format!("{password}{must_change}"));
    let locations = if p.administrative_units.is_empty() {
        "none".to_string()
    } else {
        p.administrative_units.join(", ")
    };
    row("Locations", &locations);
    if p.roles.is_empty() {
        row("Roles", "no admin role");
    } else {
        for (i, r) in p.roles.iter().enumerate() {
            row(if i == 0 { "Roles" } else { "" }, &r.description);
        }
    }
    if p.phone_methods.is_empty() {
        row("Phones", "none");
    } else {
        for (i, m) in user.phones.iter().zip(&p.phone_methods).enumerate() {
            let masked = if show_phones { "" } else { " (masked)" };
            row(
                if i == 0 { "Phones" } else { "" },
                &format!("{}: {}{masked}", m.0.phone_type.label(), m.1.phone_number),
            );
        }
    }
    lines
}
