//! `--live`: the CLI's operations in a real tenant. Sign in (device code, or `--token-stdin`),
//! read what the command needs from Graph, decide with the engine, then make the change in Graph
//! and keep a local audit record. `--as` is refused: you act as the person who signed in.

use crate::graph::client::Client;
use crate::graph::import::ImportSettings;
use crate::graph::live::Live;
use crate::graph::signin;
use crate::model::MyStaffAccess;
use crate::session::Session;
use crate::storage;

use super::args::{Command, Global, PhoneOp};
use super::output::Out;
use super::{CliError, graph};

const WHICH: &str = "--live works with reset-password, phone add|update|remove and can; the other commands work on a fixture (`mystaff graph pull` makes one)";

pub fn run(mut cmd: Command, g: &Global, out: Out) -> Result<i32, CliError> {
    let (slot, target, phones) = match &mut cmd {
        Command::ResetPassword { actor, target, .. } => (actor, Some(target.clone()), false),
        Command::Phone {
            op: PhoneOp::Add { a, .. } | PhoneOp::Update { a, .. } | PhoneOp::Remove { a },
        } => (&mut a.actor, Some(a.target.clone()), true),
        Command::Can { actor, target, .. } => (actor, target.clone(), false),
        _ => return Err(CliError::usage(WHICH)),
    };
    if slot.actor.is_some() {
        return Err(CliError::usage(
            "--as is not used with --live: you act as the person who signs in",
        ));
    }
    let c = &g.connect;
    let tenant_id = c.tenant_id.as_deref().ok_or_else(|| {
        CliError::usage("--live needs --tenant-id (the tenant's id or a verified domain)")
    })?;
    crate::session::clock_now().map_err(CliError::usage)?;
    let cloud = c.cloud.unwrap_or(signin::Cloud::Global);
    let token = if c.token_stdin {
        graph::read_token()?
    } else {
        graph::sign_in(
            tenant_id,
            c.client_id.as_deref().unwrap_or(signin::DEFAULT_CLIENT_ID),
            c.authority_url.as_deref().unwrap_or(cloud.authority()),
            &signin::live_scopes(cloud.graph()),
        )?
    };
    let default_base = format!("{}/v1.0", cloud.graph());
    let base = c.graph_url.as_deref().unwrap_or(&default_base);
    let client = Client::new(base, token).map_err(CliError::usage)?;
    let settings = ImportSettings {
        my_staff_access: MyStaffAccess::All,
        password_writeback: !c.no_writeback,
    };
    let mut live = Live::open(client, settings).map_err(CliError::storage)?;
    if let Some(key) = &target {
        let id = live
            .ensure_user(key)
            .map_err(CliError::storage)?
            .ok_or_else(|| {
                CliError::usage(format!(
                    "no user has the UPN or id '{}' in this tenant",
                    crate::sanitize::cut(key.trim())
                ))
            })?;
        if phones {
            live.read_phones(&id).map_err(CliError::storage)?;
        }
    }
    slot.actor = Some(live.me().to_string());
    let tenant = live.tenant().map_err(CliError::storage)?;
    let dir = match &g.state {
        Some(d) => Some(d.clone()),
        None => storage::default_state_dir(&tenant.info.id),
    };
    let audit = dir.map(|d| d.join(storage::LIVE_AUDIT_FILE));
    let mut s = Session::live(tenant, Box::new(live), audit, "cli");
    let result = super::dispatch(cmd, &mut s, g, out);
    for w in s.warnings.drain(..) {
        super::output::report("note: ", &w);
    }
    result
}
