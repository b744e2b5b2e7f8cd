//! `phone add|update|remove`: a user's phone authentication methods.

use crate::ops::PhoneMode;
use crate::session::Session;

use super::args::PhoneOp;
use super::output::{Out, PhoneOut, print, print_json};
use super::{CliError, resolve};

pub fn run(s: &mut Session, op: PhoneOp, out: Out) -> Result<i32, CliError> {
    let (a, change) = match op {
        PhoneOp::Add { a, number } => (a, Some((number, PhoneMode::Add))),
        PhoneOp::Update { a, number } => (a, Some((number, PhoneMode::Update))),
        PhoneOp::Remove { a } => (a, None),
    };
    let t = s.tenant();
    let (act, u) = (
        resolve::actor(t, a.actor.name())?,
        resolve::user(t, &a.target)?,
    );
    let upn = t.user(u).upn().to_string();
    match change {
        Some((n, m)) => s.phone(act, u, a.kind, &n, m)?,
        None => s.remove_phone(act, u, a.kind)?,
    }
    let now = s
        .tenant()
        .user(u)
        .phone(a.kind)
        .map(|p| p.phone_number.as_str());
    if a.json.json {
        print_json(
            out,
            &PhoneOut {
                phone_number: now,
                phone_type: a.kind.as_str(),
                user_principal_name: &upn,
            },
        )?;
    } else {
        match now {
            Some(n) => print(out, format!("{upn}: {} phone is now {n}.", a.kind.label()))?,
            None => print(out, format!("{upn}: {} phone removed.", a.kind.label()))?,
        }
    }
    Ok(0)
}
