//! `audit`: the audit log, newest first.

use crate::audit::{AuditRecord, AuditResult};
use crate::session::Session;

use super::CliError;
use super::output::{Out, print, print_json};

pub fn run(
    s: &Session,
    json: bool,
    limit: Option<usize>,
    target: Option<&str>,
    out: Out,
) -> Result<i32, CliError> {
    let t = s.tenant();
    // A live user or AU by id; otherwise (e.g. deleted ones) by UPN or display name.
    let id = target.and_then(|k| match t.find_user(k) {
        Some(u) => Some(t.user(u).id().to_string()),
        None => t.find_au(k).ok().map(|a| t.au(a).id.clone()),
    });
    let name = target.map(|k| k.trim().to_lowercase());
    let matches = |r: &&AuditRecord| match (&id, &name) {
        (Some(i), _) => r.concerns(i),
        (None, Some(n)) => r.target_resources.iter().any(|x| {
            x.user_principal_name
                .as_deref()
                .or(x.display_name.as_deref())
                .is_some_and(|v| v.to_lowercase() == *n)
        }),
        (None, None) => true,
    };
    let records: Vec<&AuditRecord> = s
        .audit()
        .iter()
        .rev()
        .filter(matches)
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    if json {
        print_json(out, &records)?;
    } else if records.is_empty() {
        print(out, "no audit records")?;
    } else {
        for r in records {
            let result = match r.result {
                AuditResult::Success => "success",
                AuditResult::Failure => "FAILURE",
            };
            print(
                out,
                format!(
                    "{}  {:<7}  {:<40}  by {}  on {}{}",
                    r.activity_date_time,
                    result,
                    r.activity_display_name,
                    r.initiated_by.user.user_principal_name,
                    r.target_name(),
                    if r.result_reason.is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", r.result_reason.replace('\n', " "))
                    }
                ),
            )?;
        }
    }
    Ok(0)
}
