//! `can`: the engine's answer, without changing anything.

use crate::permissions::{self, Action, Target};
use crate::session::Session;

use super::output::{DecisionOut, Out, print, print_json};
use super::{CliError, resolve};

pub fn run(
    s: &Session,
    actor: &str,
    action: Action,
    target: Option<&str>,
    au: Option<&str>,
    json: bool,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    let a = resolve::actor_principal(t, actor)?;
    let target = match (target, au) {
        (Some(u), _) => Target::User(resolve::user(t, u)?),
        (None, Some(k)) => Target::Au(resolve::au(t, k)?),
        (None, None) if action.needs_user() => {
            return Err(CliError::usage(format!(
                "--action {action} needs --target UPN"
            )));
        }
        (None, None) => Target::None,
    };
    let d = permissions::decide(t, a, action, target);
    if json {
        print_json(out, &DecisionOut::new(t, &d))?;
    } else {
        let verdict = if d.allowed { "allowed" } else { "refused" };
        print(out, format!("{verdict}: {}", d.reason))?;
        for gr in &d.granted_by {
            print(
                out,
                format!("  granted by {}", permissions::describe_grant(t, gr)),
            )?;
        }
    }
    Ok(if d.allowed { 0 } else { 1 })
}
