//! `reset-password`: a temporary password for a cloud-only user, or one read from standard input
//! for a synced user.

use std::io::Read;

use crate::ops::OpError;
use crate::session::Session;

use super::output::{Out, RefusedOut, ResetOut, print, print_json};
use super::{CliError, resolve};

pub fn run(
    s: &mut Session,
    actor: &str,
    target: &str,
    password_stdin: bool,
    json: bool,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    let (a, u) = (resolve::actor(t, actor)?, resolve::user(t, target)?);
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
    let r = match s.reset_password(a, u, pw.as_deref()) {
        Ok(r) => r,
        // A script asking for JSON gets JSON for a refusal too, as from `can --json`.
        Err(e @ (OpError::Refused(_) | OpError::Policy(_) | OpError::PasswordRules { .. }))
            if json =>
        {
            let rules: &[String] = match &e {
                OpError::PasswordRules { failed, .. } => failed,
                _ => &[],
            };
            let reason = e.to_string();
            print_json(
                out,
                &RefusedOut {
                    allowed: false,
                    failed_rules: rules,
                    reason: &reason,
                    user_principal_name: &upn,
                },
            )?;
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        print_json(
            out,
            &ResetOut {
                force_change_password_next_sign_in: r.force_change_next_sign_in,
                temporary_password: r.temporary_password.as_deref(),
                user_principal_name: &upn,
            },
        )?;
        return Ok(0);
    }
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
            format!("Password reset for {upn} (synced from on-premises; written back)."),
        )?,
    }
    Ok(0)
}
