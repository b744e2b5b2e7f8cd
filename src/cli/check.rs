//! `check` (validate a fixture) and `generate` (write a large one): commands on tenant files,
//! which open no session.

use std::path::PathBuf;

use crate::model::Scope;

use super::output::{Out, print};
use super::{CliError, Global};

pub fn check(g: &Global, out: Out) -> Result<i32, CliError> {
    let (t, _, name) = crate::session::load_fixture(g.tenant.as_deref(), g.max_fixture_size)
        .map_err(|e| CliError::usage(e.text(g.all_errors)))?;
    let scoped = t
        .assignments
        .iter()
        .filter(|a| !a.deleted && a.scope != Scope::Tenant)
        .count();
    print(
        out,
        format!(
            "{name}: valid — tenant {} ({}), {} users, {} groups, {} service principals, {} administrative units, {} role assignments ({scoped} scoped to an administrative unit), {} role eligibilities (PIM)",
            t.info.display_name,
            t.info.id,
            t.users.len(),
            t.groups.len(),
            t.service_principals.len(),
            t.aus.len(),
            t.assignments.len(),
            t.eligibilities.len()
        ),
    )?;
    // Freeing millions of users one by one takes a noticeable part of a second, and the
    // process is about to exit, which gives the memory back at once.
    std::mem::forget(t);
    Ok(0)
}

/// Ten times the benchmark tenant: enough for any scale test, and a typo cannot fill the disk.
const MAX_GENERATED_USERS: u64 = 20_000_000;

/// Streams the tenant to FILE or standard output; with FILE, a summary goes to standard output.
pub fn generate(
    locations: u32,
    users_per_location: u32,
    seed: u64,
    file: Option<PathBuf>,
    out: Out,
) -> Result<i32, CliError> {
    if u64::from(locations) * u64::from(users_per_location) > MAX_GENERATED_USERS {
        return Err(CliError::usage(format!(
            "{locations} locations of {users_per_location} users is more than {MAX_GENERATED_USERS} users"
        )));
    }
    let spec = crate::generate::Spec {
        locations,
        users_per_location,
        seed,
    };
    let fail = |e: std::io::Error| CliError::storage(format!("cannot write the tenant: {e}"));
    let summary = match &file {
        Some(path) => {
            let f = std::fs::File::create(path)
                .map_err(|e| CliError::storage(format!("cannot create {}: {e}", path.display())))?;
            crate::generate::write_tenant(spec, std::io::BufWriter::with_capacity(1 << 20, f))
                .map_err(fail)?
        }
        None => crate::generate::write_tenant(
            spec,
            std::io::BufWriter::with_capacity(1 << 20, &mut *out),
        )
        .map_err(fail)?,
    };
    if let Some(path) = &file {
        print(
            out,
            format!(
                "{}: {} users, {} locations, {} role assignments, {} bytes",
                path.display(),
                summary.users,
                summary.locations,
                summary.role_assignments,
                summary.bytes
            ),
        )?;
    }
    Ok(0)
}
