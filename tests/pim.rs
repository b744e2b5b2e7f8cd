//! PIM end to end through the CLI on Contoso: `pim list|activate|deactivate`, the clock
//! (`MYSTAFF_NOW`), expiry, the refusal that names the eligibility, audit records, and replay.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mystaff");
/// Helpdesk Administrator (Portland), eligible for Authentication Administrator (Portland).
const MANAGER: &str = "ContosoPortlandManager2@contoso.com";
const TARGET: &str = "ContosoPortlandUser2@contoso.com";
/// An eligible member of the role-assignable group Contoso Regional Helpdesk.
const ELIGIBLE_MEMBER: &str = "ContosoSeattleUser15@contoso.com";
const AT_6: &str = "2026-12-02T06:00:00Z";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }
    /// Runs at `now` and checks the exit code; returns (stdout, stderr).
    fn at(&self, now: &str, code: i32, args: &[&str]) -> (String, String) {
        let o = Command::new(BIN)
            .env("MYSTAFF_NOW", now)
            .arg("--tenant")
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/contoso.json"))
            .arg("--state")
            .arg(self.state())
            .args(args)
            .output()
            .unwrap();
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        );
        assert_eq!(
            o.status.code(),
            Some(code),
            "MYSTAFF_NOW={now} mystaff {args:?}\nstdout: {out}\nstderr: {err}"
        );
        (out, err)
    }
    fn phone_add(&self, now: &str, code: i32, number: &str) -> String {
        let args = [
            "phone", "add", "--as", MANAGER, "--target", TARGET, "--type", "mobile", "--number",
            number,
        ];
        self.at(now, code, &args).1
    }
    fn activate(&self, now: &str, code: i32, duration: &str, why: &str) -> (String, String) {
        self.at(
            now,
            code,
            &[
                "pim",
                "activate",
                "--as",
                MANAGER,
                "--role",
                "Authentication Administrator",
                "--au",
                "Portland",
                "--duration",
                duration,
                "--justification",
                why,
            ],
        )
    }
    fn json(&self, now: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.at(now, 0, args).0).unwrap()
    }
}

#[test]
fn an_activation_grants_its_role_until_its_end() {
    let env = Env::new();
    let err = env.phone_add(AT_6, 1, "+1 5035550999");
    assert!(
        err.contains("You are eligible for Authentication Administrator (scoped to Portland): activating it would allow this."),
        "{err}"
    );
    let (out, _) = env.activate(AT_6, 0, "1h", "Store opening: phones");
    assert_eq!(
        out.trim(),
        "Authentication Administrator (scoped to Portland) is active until 2026-12-02 07:00:00 UTC."
    );
    env.phone_add("2026-12-02T06:59:59Z", 0, "+1 5035550999");
    let list = env.json(
        "2026-12-02T06:30:00Z",
        &["pim", "list", "--as", MANAGER, "--json"],
    );
    let eligible = list["eligible"].as_array().unwrap();
    assert_eq!(eligible.len(), 1);
    assert_eq!(eligible[0]["state"], "active");
    assert_eq!(eligible[0]["activeUntil"], "2026-12-02T07:00:00Z");
    let active: Vec<(&str, &Value)> = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["role"].as_str().unwrap(), &a["endDateTime"]))
        .collect();
    assert!(active.contains(&(
        "Authentication Administrator",
        &Value::from("2026-12-02T07:00:00Z")
    )));
    assert!(active.contains(&("Helpdesk Administrator", &Value::Null)));

    // At its end it lapses: refused again, and the list says it can be activated again.
    let err = env.phone_add("2026-12-02T07:00:00Z", 1, "+1 5035550998");
    assert!(err.contains("activating it would allow this"), "{err}");
    let list = env.json(
        "2026-12-02T07:00:00Z",
        &["pim", "list", "--as", MANAGER, "--json"],
    );
    assert_eq!(list["eligible"][0]["state"], "ready");
    assert_eq!(list["active"].as_array().unwrap().len(), 1);

    // The audit record is PIM's, with the justification and the window.
    let audit = env.json("2026-12-02T07:00:00Z", &["audit", "--json"]);
    let rec = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["activityDisplayName"] == "Add member to role completed (PIM activation)")
        .expect("activation audited");
    assert_eq!(rec["category"], "RoleManagement");
    assert_eq!(rec["loggedByService"], "PIM");
    assert_eq!(rec["operationType"], "ActivateRole");
    assert_eq!(rec["result"], "success");
    let details: Vec<(String, String)> = rec["additionalDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|kv| {
            (
                kv["key"].as_str().unwrap().into(),
                kv["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    for want in [
        ("Justification", "Store opening: phones"),
        ("StartDateTime", "2026-12-02T06:00:00Z"),
        ("EndDateTime", "2026-12-02T07:00:00Z"),
    ] {
        assert!(
            details.contains(&(want.0.to_string(), want.1.to_string())),
            "{details:?}"
        );
    }
    // The phone change made inside the window replays at its own time, after the window.
    let user = env.json(
        "2026-12-03T00:00:00Z",
        &["user", "show", "--target", TARGET, "--json"],
    );
    assert!(user.to_string().contains("+1 5035550999"), "{user}");
}

#[test]
fn deactivation_ends_it_early_and_is_audited() {
    let env = Env::new();
    env.activate(AT_6, 0, "2h", "cover");
    let end = [
        "pim",
        "deactivate",
        "--as",
        MANAGER,
        "--role",
        "Authentication Administrator",
        "--au",
        "Portland",
    ];
    let (out, _) = env.at("2026-12-02T06:10:00Z", 0, &end);
    assert_eq!(
        out.trim(),
        "Authentication Administrator (scoped to Portland) is no longer active."
    );
    env.phone_add("2026-12-02T06:11:00Z", 1, "+1 5035550999");
    let (_, err) = env.at("2026-12-02T06:12:00Z", 2, &end);
    assert!(
        err.contains(
            "has no activation of Authentication Administrator (scoped to Portland) in force"
        ),
        "{err}"
    );
    let audit = env.json("2026-12-02T06:13:00Z", &["audit", "--json"]);
    let names: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["activityDisplayName"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Remove member from role completed (PIM deactivate)"),
        "{names:?}"
    );
    // Activating again after the deactivation works.
    env.activate("2026-12-02T06:20:00Z", 0, "30m", "again");
}

#[test]
fn bad_requests_exit_2_refusals_exit_1() {
    let env = Env::new();
    let (_, err) = env.activate(AT_6, 2, "10h", "x");
    assert!(err.contains("from 30 minutes to 8 hours"), "{err}");
    let (_, err) = env.activate(AT_6, 2, "soon", "x");
    assert!(err.contains("is not a duration"), "{err}");
    let (_, err) = env.activate(AT_6, 2, "1h", " ");
    assert!(err.contains("justification is required"), "{err}");
    // Not eligible, and an eligibility whose window ended.
    let (_, err) = env.at(
        AT_6,
        1,
        &[
            "pim",
            "activate",
            "--as",
            MANAGER,
            "--role",
            "Global Administrator",
            "--duration",
            "1h",
            "--justification",
            "x",
        ],
    );
    assert!(err.contains("is not eligible for Global Administrator (tenant-wide); eligible for: Authentication Administrator (scoped to Portland)"), "{err}");
    let (_, err) = env.at(
        AT_6,
        1,
        &[
            "pim",
            "activate",
            "--as",
            "ContosoRegionalLead1@contoso.com",
            "--role",
            "Helpdesk Administrator",
            "--au",
            "Denver",
            "--duration",
            "1h",
            "--justification",
            "x",
        ],
    );
    assert!(err.contains("ended at 2026-06-30 00:00:00 UTC"), "{err}");
    // --role and --group together, and neither.
    env.at(
        AT_6,
        2,
        &[
            "pim",
            "activate",
            "--as",
            MANAGER,
            "--role",
            "Helpdesk Administrator",
            "--group",
            "x",
            "--duration",
            "1h",
            "--justification",
            "x",
        ],
    );
    env.at(AT_6, 2, &["pim", "deactivate", "--as", MANAGER]);
    // A clock that is not a time.
    let (_, err) = env.at("yesterday", 2, &["pim", "list", "--as", MANAGER]);
    assert!(
        err.contains("MYSTAFF_NOW is `yesterday`, which is not an RFC 3339 time"),
        "{err}"
    );
    // Nothing was activated by any of it.
    let list = env.json(AT_6, &["pim", "list", "--as", MANAGER, "--json"]);
    assert_eq!(list["eligible"][0]["state"], "ready");
}

#[test]
fn eligible_group_membership_activates_into_the_groups_role() {
    let env = Env::new();
    let reset = [
        "can",
        "--as",
        ELIGIBLE_MEMBER,
        "--action",
        "reset-password",
        "--target",
        "ContosoSeattleUser3@contoso.com",
    ];
    let (out, _) = env.at(AT_6, 1, &reset);
    assert!(out.contains("You are eligible for membership of Contoso Regional Helpdesk (Helpdesk Administrator, scoped to Seattle)"), "{out}");
    let (out, _) = env.at(
        AT_6,
        0,
        &[
            "pim",
            "activate",
            "--as",
            ELIGIBLE_MEMBER,
            "--group",
            "Contoso Regional Helpdesk",
            "--duration",
            "90m",
            "--justification",
            "cover the lead",
        ],
    );
    assert_eq!(
        out.trim(),
        "Member of Contoso Regional Helpdesk is active until 2026-12-02 07:30:00 UTC."
    );
    env.at("2026-12-02T07:29:59Z", 0, &reset);
    let list = env.json(
        "2026-12-02T07:00:00Z",
        &["pim", "list", "--as", ELIGIBLE_MEMBER, "--json"],
    );
    let roles: Vec<String> = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{} {} {}", a["kind"], a["via"], a["endDateTime"]))
        .collect();
    assert_eq!(
        roles,
        [
            r#""role" "Contoso Regional Helpdesk" "2026-12-02T07:30:00Z""#,
            r#""group" null "2026-12-02T07:30:00Z""#
        ]
    );
    env.at("2026-12-02T07:30:00Z", 1, &reset);
}

/// Rewrites the journal with `edit` applied to each line, recomputing the hash chain as a
/// careful forger would, so only replay's re-planning can catch it.
fn forge(env: &Env, edit: impl Fn(&mut Value)) {
    use sha2::{Digest, Sha256};
    let journal = env.state().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let (mut out, mut prev) = (String::new(), None::<String>);
    for line in text.lines() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        edit(&mut v);
        if let (Some(p), Some(o)) = (&prev, v.as_object_mut())
            && o.contains_key("prevSha256")
        {
            o.insert("prevSha256".into(), Value::from(p.as_str()));
        }
        let s = serde_json::to_string(&v).unwrap();
        prev = Some(format!("{:x}", Sha256::digest(s.as_bytes())));
        out.push_str(&s);
        out.push('\n');
    }
    std::fs::write(&journal, out).unwrap();
}

#[test]
fn a_forged_activation_in_the_journal_is_not_replayed() {
    for (what, edit, want) in [
        (
            "stretched to 12 hours",
            (|v: &mut Value| {
                if v["change"]["type"] == "roleActivated" {
                    v["change"]["endDateTime"] = "2026-12-02T18:00:00Z".into();
                }
            }) as fn(&mut Value),
            "from 30 minutes to 8 hours",
        ),
        (
            "without its justification",
            |v: &mut Value| {
                if let Some(d) = v["audit"]["additionalDetails"].as_array_mut() {
                    d.retain(|kv| kv["key"] != "Justification");
                }
            },
            "justification is required",
        ),
        (
            "for a role it is not eligible for",
            |v: &mut Value| {
                if v["change"]["type"] == "roleActivated" {
                    // Global Administrator's template id.
                    v["change"]["roleDefinitionId"] = "62e90394-69f5-4237-9190-012177145e10".into();
                }
            },
            "could not have made this change",
        ),
    ] {
        let env = Env::new();
        env.activate(AT_6, 0, "1h", "ok");
        forge(&env, edit);
        let (_, err) = env.at(AT_6, 3, &["pim", "list", "--as", MANAGER]);
        assert!(
            err.contains("line 1") || err.contains("line 2"),
            "{what}: {err}"
        );
        assert!(err.contains(want), "{what}: {err}");
    }
}
