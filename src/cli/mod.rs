//! The headless CLI: every engine operation for scripts and tests. Shapes and exit codes are a
//! stable contract (README "CLI"): 0 success/allowed, 1 refused, 2 bad input or usage, 3 storage.
//!
//! `args` is the command line, `resolve` turns names into tenant objects, `output` holds the JSON
//! shapes; each command group has its own file.

mod args;
mod au;
mod audit;
mod can;
mod check;
mod config;
mod delegation;
mod graph;
mod live;
mod output;
mod phone;
mod pim;
mod reset;
mod resolve;
mod roles;
mod search;
mod settings;
mod users;

pub use args::{
    Actor, AuOp, Cli, Command, ConfigOp, DelegationOp, Global, GraphOp, Json, PhoneArgs, PhoneOp,
    PimOp, RoleOp, SettingsOp, UserOp, Viewer,
};
pub use output::Out;

use crate::ops::OpError;
use crate::session::{OpenOptions, Session};
pub use output::report;

/// An error with its exit code; printed as one sentence on stderr.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    pub fn refused(reason: impl AsRef<str>) -> CliError {
        CliError {
            code: 1,
            message: format!("refused: {}", reason.as_ref()),
        }
    }

    pub fn storage(message: impl Into<String>) -> CliError {
        CliError {
            code: 3,
            message: message.into(),
        }
    }
}

impl From<OpError> for CliError {
    fn from(e: OpError) -> Self {
        let prefix = match e {
            OpError::Refused(_) => "refused: ",
            OpError::Policy(_) | OpError::PasswordRules { .. } => "refused by policy: ",
            _ => "",
        };
        CliError {
            code: e.exit_code(),
            message: format!("{prefix}{e}"),
        }
    }
}

pub fn open_options(g: &Global) -> OpenOptions {
    OpenOptions {
        tenant_file: g.tenant.clone(),
        state_dir: g.state.clone(),
        ephemeral: g.ephemeral,
        rebase: g.rebase,
        repair: g.repair,
        max_fixture_bytes: Some(g.max_fixture_size),
    }
}

pub fn open_session(g: &Global, client: &'static str) -> Result<Session, CliError> {
    crate::session::clock_now().map_err(CliError::usage)?;
    let mut s = Session::open(&open_options(g), client).map_err(|e| CliError {
        code: e.exit_code(),
        message: match &e {
            crate::session::SessionError::Fixture(f) => f.text(g.all_errors),
            e => e.to_string(),
        },
    })?;
    print_warnings(&mut s);
    Ok(s)
}

/// What the session found the user should know (a torn journal line, a rebase, …), on stderr.
fn print_warnings(s: &mut Session) {
    for w in s.warnings.drain(..) {
        output::report("warning: ", &w);
    }
}

/// Runs a parsed command. Returns the exit code on success paths (`can` and a refused
/// `reset-password --json` exit 1 without that being an error).
pub fn run(cmd: Command, g: &Global, out: Out) -> Result<i32, CliError> {
    match cmd {
        Command::Generate {
            locations,
            users_per_location,
            seed,
            out: file,
        } => return check::generate(locations, users_per_location, seed, file, out),
        Command::Check => return check::check(g, out),
        Command::Graph { op } => return graph::run(op, out),
        cmd if g.live => return live::run(cmd, g, out),
        Command::Config { op } => return config::run(g, op, out),
        Command::Search { query, .. } if query.trim().is_empty() => {
            return Err(CliError::usage(
                "search needs something to look for, e.g. mystaff search \"portland user 7\"",
            ));
        }
        _ => {}
    }
    let mut s = open_session(g, "cli")?;
    let result = dispatch(cmd, &mut s, g, out);
    // Warnings found while the command ran (another writer's torn line) come after its output.
    print_warnings(&mut s);
    result
}

/// Runs a command on an open session (a fixture's, or live mode's).
pub(super) fn dispatch(
    cmd: Command,
    s: &mut Session,
    g: &Global,
    out: Out,
) -> Result<i32, CliError> {
    match cmd {
        Command::Check
        | Command::Generate { .. }
        | Command::Config { .. }
        | Command::Graph { .. } => {
            unreachable!("handled before a session is opened")
        }
        Command::Can {
            actor,
            action,
            target,
            au,
            json,
        } => can::run(
            s,
            actor.name(),
            action,
            target.as_deref(),
            au.as_deref(),
            json.json,
            out,
        ),
        Command::ResetPassword {
            actor,
            target,
            password_stdin,
            json,
        } => reset::run(s, actor.name(), &target, password_stdin, json.json, out),
        Command::Phone { op } => phone::run(s, op, out),
        Command::Au { op } => au::run(s, op, out),
        Command::Search {
            viewer,
            query,
            limit,
            json,
        } => search::run(
            s,
            viewer.actor.as_deref(),
            &query,
            limit as usize,
            json.json,
            out,
        ),
        Command::Audit {
            json,
            limit,
            target,
        } => audit::run(
            s,
            json.json,
            limit.map(|l| l as usize),
            target.as_deref(),
            out,
        ),
        Command::User { op } => users::run(s, op, out),
        Command::Settings { op } => settings::run(s, g, op, out),
        Command::Role { op } => roles::run(s, op, out),
        Command::Pim { op } => pim::run(s, op, out),
        Command::WhoCan {
            action,
            target,
            include_eligible,
            json,
        } => delegation::who_can(s, action, &target, include_eligible, json.json, out),
        Command::Reach {
            actor,
            action,
            count,
            json,
        } => delegation::reach(s, actor.name(), action, count, json.json, out),
        Command::Delegation {
            op: DelegationOp::Report { json },
        } => delegation::report(s, json.json, out),
    }
}

/// `mystaff` with no subcommand: the terminal UI.
pub fn run_tui(c: &Cli) -> i32 {
    if c.global.live {
        output::report(
            "",
            "the terminal UI does not have live mode yet; in a real tenant use the CLI's operations with --live (reset-password, phone add|update|remove, can), or `mystaff graph pull` and open the fixture",
        );
        return 2;
    }
    let s = match open_session(&c.global, "tui") {
        Ok(s) => s,
        Err(e) => {
            output::report("", &e.message);
            return e.code;
        }
    };
    let as_user = match &c.as_user {
        Some(k) => match s.tenant().find_user(k) {
            Some(u) => Some(u),
            None => {
                output::report(
                    "",
                    &format!(
                        "no user has the UPN or id '{}'",
                        crate::sanitize::cut(k.trim())
                    ),
                );
                return 2;
            }
        },
        None => None,
    };
    let config = match config::load(&c.global) {
        Ok(cfg) => cfg,
        Err(e) => {
            output::report("", &e.message);
            return e.code;
        }
    };
    match crate::tui::run(
        s,
        crate::tui::TuiOptions {
            as_user,
            mouse: c.mouse,
            config,
            invocation: crate::tui::Invocation {
                tenant: c.global.tenant.clone(),
                state: c.global.state.clone(),
                ephemeral: c.global.ephemeral,
            },
        },
    ) {
        Ok(()) => 0,
        Err(e) => {
            output::report("", &format!("{e:#}"));
            if e.is::<crate::tui::run::NoTerminal>() {
                2
            } else {
                1
            }
        }
    }
}
