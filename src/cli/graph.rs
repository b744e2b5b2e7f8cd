//! `graph pull` and `graph import`: a fixture from a tenant's Microsoft Graph responses, read live
//! or from a `--save-raw` directory, and what could not be mapped.

use std::io::{IsTerminal, Read};

use crate::graph::client::{Client, Progress};
use crate::graph::import::{self, ImportSettings, Resource, Response};
use crate::graph::pull::{self, PullOptions};
use crate::graph::signin::{self, SignIn};
use crate::model::MyStaffAccess;
use crate::secret::Secret;
use crate::storage;

use super::CliError;
use super::args::GraphOp;
use super::output::{Out, report};

pub fn run(op: GraphOp, out: Out) -> Result<i32, CliError> {
    match op {
        GraphOp::Import {
            dir,
            out: file,
            my_staff_access,
            no_writeback,
        } => {
            let saved = storage::read_graph_responses(&dir).map_err(CliError::usage)?;
            let mut responses = Vec::with_capacity(saved.len());
            for s in saved {
                let resource = Resource::from_name(&s.resource, s.key.as_deref())
                    .map_err(|e| CliError::usage(format!("{}: {e}", dir.display())))?;
                responses.push(Response {
                    resource,
                    body: s.body,
                });
            }
            finish(
                &responses,
                my_staff_access,
                no_writeback,
                file.as_deref(),
                out,
            )
        }
        GraphOp::Pull {
            tenant_id,
            token_stdin,
            client_id,
            cloud,
            authority_url,
            graph_url,
            out: file,
            save_raw,
            phone_methods,
            my_staff_access,
            no_writeback,
        } => {
            let token = if token_stdin {
                read_token()?
            } else {
                sign_in(
                    &tenant_id,
                    client_id.as_deref().unwrap_or(signin::DEFAULT_CLIENT_ID),
                    authority_url.as_deref().unwrap_or(cloud.authority()),
                    &signin::pull_scopes(cloud.graph()),
                )?
            };
            let default_base = format!("{}/v1.0", cloud.graph());
            let base = graph_url.as_deref().unwrap_or(&default_base);
            let mut client = Client::new(base, token).map_err(CliError::usage)?;
            let live = std::io::stderr().is_terminal();
            client.on_progress = Box::new(move |p: &Progress| {
                if live {
                    eprint!("\r{}", progress_line(p));
                }
            });
            let mut raw = match &save_raw {
                Some(d) => Some(storage::RawDir::create(d).map_err(CliError::usage)?),
                None => None,
            };
            let mut keep = |r: &Resource, body: &serde_json::Value| match raw.as_mut() {
                Some(dir) => {
                    let (name, key) = r.name_and_key();
                    dir.save(name, key, body)
                }
                None => Ok(()),
            };
            let responses = pull::pull(&mut client, PullOptions { phone_methods }, &mut keep);
            if live {
                eprintln!();
            }
            let responses = responses.map_err(CliError::storage)?;
            report("", &progress_line(&client.progress));
            if let Some(dir) = raw {
                dir.finish().map_err(CliError::storage)?;
            }
            finish(
                &responses,
                my_staff_access,
                no_writeback,
                file.as_deref(),
                out,
            )
        }
    }
}

/// The device-code sign-in: Microsoft's sentence (URL and code) on stderr, then wait for it.
pub(super) fn sign_in(
    tenant: &str,
    client_id: &str,
    authority: &str,
    scopes: &str,
) -> Result<Secret, CliError> {
    let s = SignIn::new(authority, tenant, client_id).map_err(CliError::usage)?;
    let code = s.start(scopes).map_err(CliError::refused)?;
    report("", &code.message);
    let tokens = s
        .wait(&code, &|d| std::thread::sleep(d))
        .map_err(CliError::refused)?;
    Ok(tokens.access)
}

fn progress_line(p: &Progress) -> String {
    format!(
        "read {} objects in {} pages ({} requests); waited {} times, {:.1} s, for Graph's throttling",
        p.objects,
        p.pages,
        p.requests,
        p.waits,
        p.waited.as_secs_f64()
    )
}

/// One line from standard input, at most 16 KiB (Graph's tokens are a few KiB).
pub(super) fn read_token() -> Result<Secret, CliError> {
    let mut buf = String::new();
    // One line only, from the shared buffered stdin: a password for --password-stdin may follow.
    std::io::BufRead::read_line(&mut std::io::stdin().lock().take(16 * 1024), &mut buf)
        .map_err(|e| CliError::usage(format!("cannot read the token from standard input: {e}")))?;
    let token = buf.lines().next().unwrap_or("").trim().to_string();
    buf.clear();
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CliError::usage(
            "--token-stdin: standard input holds no access token (one line, no spaces)",
        ));
    }
    Ok(Secret::new(token))
}

fn finish(
    responses: &[Response],
    my_staff_access: MyStaffAccess,
    no_writeback: bool,
    file: Option<&std::path::Path>,
    out: Out,
) -> Result<i32, CliError> {
    let settings = ImportSettings {
        my_staff_access,
        password_writeback: !no_writeback,
    };
    let (fixture, summary) = import::build(responses, &settings).map_err(CliError::usage)?;
    let bytes = import::to_bytes(&fixture);
    match file {
        Some(path) => storage::write_file_atomically(path, &bytes).map_err(CliError::storage)?,
        None => out
            .write_all(&bytes)
            .map_err(|e| CliError::storage(format!("cannot write output: {e}")))?,
    }
    report(
        "",
        &format!(
            "imported {} users, {} groups, {} service principals, {} administrative units, {} role assignments, {} role eligibilities",
            fixture.users.len(),
            fixture.groups.len(),
            fixture.service_principals.len(),
            fixture.administrative_units.len(),
            fixture.role_assignments.len(),
            fixture.role_eligibilities.len()
        ),
    );
    for line in summary.lines() {
        report("not mapped: ", &line);
    }
    Ok(0)
}
