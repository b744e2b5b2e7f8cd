//! `audit`: the audit log, newest first. Text has fixed-width columns with local, human times;
//! `--json` keeps the records as stored (exact UTC).

use time::{OffsetDateTime, UtcOffset};

use crate::audit::{AuditRecord, AuditResult};
use crate::session::Session;
use crate::when;

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
        return print_json(out, &records).map(|()| 0);
    }
    if records.is_empty() {
        print(out, "no audit records")?;
        return Ok(0);
    }
    let now = crate::session::clock_now().unwrap_or_else(|_| OffsetDateTime::now_utc());
    for r in records {
        // The offset of each record's own moment, so daylight saving does not shift old ones.
        let offset = when::local_offset_at(when::parse(&r.activity_date_time).unwrap_or(now));
        print(out, line(r, now, offset))?;
    }
    Ok(0)
}

/// One record as a line: time, result and activity in fixed-width columns, then who, on what,
/// and why.
fn line(r: &AuditRecord, now: OffsetDateTime, offset: UtcOffset) -> String {
    let result = match r.result {
        AuditResult::Success => "success",
        AuditResult::Failure => "FAILURE",
    };
    let reason = if r.result_reason.is_empty() {
        String::new()
    } else {
        format!("  ({})", r.result_reason.replace('\n', " "))
    };
    format!(
        "{:<w$}  {result:<7}  {:<40}  by {}  on {}{reason}",
        when::human(&r.activity_date_time, now, offset),
        r.activity_display_name,
        r.initiated_by.user.user_principal_name,
        r.target_name(),
        w = when::HUMAN_WIDTH,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditUser, InitiatedBy};
    use time::macros::datetime;

    fn record(at: &str, result: AuditResult) -> AuditRecord {
        AuditRecord {
            id: "1".into(),
            activity_date_time: at.into(),
            activity_display_name: "Reset password (by admin)".into(),
            category: "UserManagement".into(),
            logged_by_service: "Self-service Password Management".into(),
            operation_type: "Update".into(),
            result,
            result_reason: String::new(),
            initiated_by: InitiatedBy {
                user: AuditUser {
                    id: "2".into(),
                    user_principal_name: "mgr@contoso.com".into(),
                },
            },
            target_resources: Vec::new(),
            additional_details: Vec::new(),
        }
    }

    #[test]
    fn columns_do_not_drift_with_the_fraction_or_the_form() {
        let now = datetime!(2026-12-02 10:00:00 UTC);
        let lines: Vec<String> = [
            ("2026-12-02T04:25:27.62440635Z", AuditResult::Success),
            ("2026-12-02T04:25:27.6Z", AuditResult::Failure),
            ("2026-12-02T04:25:27Z", AuditResult::Success),
            ("2026-12-01T23:10:00.123Z", AuditResult::Success),
            ("2025-03-09T01:00:00Z", AuditResult::Success),
        ]
        .iter()
        .map(|(at, res)| line(&record(at, *res), now, UtcOffset::UTC))
        .collect();
        assert!(
            lines[0].starts_with("today 04:25      success  Reset password"),
            "{lines:#?}"
        );
        assert!(
            lines[3].starts_with("yesterday 23:10  success"),
            "{lines:#?}"
        );
        assert!(
            lines[4].starts_with("9 Mar 2025       success"),
            "{lines:#?}"
        );
        let col = |l: &str, word: &str| l.find(word).unwrap();
        for l in &lines {
            let result = l.find("success").or(l.find("FAILURE")).unwrap();
            assert_eq!(result, when::HUMAN_WIDTH + 2, "{l}");
            assert_eq!(col(l, "by "), col(&lines[0], "by "), "{l}");
        }
    }
}
