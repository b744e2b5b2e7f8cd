//! `reset-password`: a temporary password for a cloud-only user, or one read from standard input
//! for a synced user.

use std::io::Read;

use zeroize::Zeroize;

use crate::ops::OpError;
use crate::session::Session;

use crate::secret::Secret;

use super::output::{Out, RefusedOut, ResetOut, print, print_json, print_temporary};
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
        Some(read_password()?)
    } else {
        None
    };
    let upn = t.user(u).upn().to_string();
    let r = match s.reset_password(a, u, pw.as_ref().map(Secret::as_str)) {
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
                temporary_password: r.temporary_password.as_ref().map(Secret::as_str),
                user_principal_name: &upn,
            },
        )?;
        return Ok(0);
    }
    match &r.temporary_password {
        Some(p) => {
            print(out, format!("Password reset for {upn}."))?;
            print_temporary(out, p)?;
        }
        None => print(
            out,
            format!("Password reset for {upn} (synced from on-premises; written back)."),
        )?,
    }
    Ok(0)
}

/// Entra's longest password, in characters.
const MAX_PASSWORD_CHARS: usize = 256;
/// The most bytes those characters and a line ending take: more on standard input is refused
/// without reading it all (`< /dev/zero` must not fill memory).
const MAX_PASSWORD_BYTES: u64 = MAX_PASSWORD_CHARS as u64 * 4 + 2;

/// The password on standard input, read into wiped buffers. One trailing newline belongs to the
/// shell, not the password.
fn read_password() -> Result<Secret, CliError> {
    let mut buf = Secret::default();
    let mut chunk = [0u8; 256];
    let mut bytes = Vec::new();
    let stdin = &mut std::io::stdin().take(MAX_PASSWORD_BYTES + 1);
    let result = loop {
        match stdin.read(&mut chunk) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                // Grown by hand for the same reason as `Secret::push`.
                if bytes.len() + n > bytes.capacity() {
                    let mut bigger = Vec::with_capacity((bytes.capacity() * 2).max(n + 256));
                    bigger.extend_from_slice(&bytes);
                    bytes.zeroize();
                    bytes = bigger;
                }
                bytes.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    chunk.zeroize();
    let too_long =
        format!("the password on standard input is longer than {MAX_PASSWORD_CHARS} characters");
    let text = match (result, std::str::from_utf8(&bytes)) {
        (Err(e), _) => Err(format!("cannot read the password from standard input: {e}")),
        _ if bytes.len() as u64 > MAX_PASSWORD_BYTES => Err(too_long),
        (Ok(()), Err(_)) => Err("the password on standard input is not UTF-8 text".to_string()),
        (Ok(()), Ok(text)) => {
            let t = text.strip_suffix('\n').unwrap_or(text);
            let t = t.strip_suffix('\r').unwrap_or(t);
            if t.chars().count() > MAX_PASSWORD_CHARS {
                Err(too_long)
            } else {
                buf.push_str(t);
                Ok(())
            }
        }
    };
    bytes.zeroize();
    text.map(|()| buf).map_err(CliError::usage)
}
