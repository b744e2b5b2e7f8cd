//! `graph import`: a fixture from saved Microsoft Graph responses, and what could not be mapped.

use crate::graph::import::{self, ImportSettings, Resource, Response};
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
            let settings = ImportSettings {
                my_staff_access,
                password_writeback: !no_writeback,
            };
            let (fixture, summary) =
                import::build(&responses, &settings).map_err(CliError::usage)?;
            let bytes = import::to_bytes(&fixture);
            match &file {
                Some(path) => {
                    storage::write_file_atomically(path, &bytes).map_err(CliError::storage)?
                }
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
    }
}
