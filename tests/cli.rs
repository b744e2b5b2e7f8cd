//! The CLI end to end through the real binary: the pinned contract (shared/contract/README.md),
//! exit codes, and two processes writing to one state directory at once.

use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

const PORTLAND_MGR: &str = "ContosoPortlandManager1@contoso.com";
const DENVER_MGR: &str = "ContosoDenverManager1@contoso.com";

fn mystaff() -> Command {
    Command::cargo_bin("mystaff").unwrap()
}

fn run(args: &[&str]) -> Output {
    mystaff().args(args).output().unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn global_flags_work_before_and_after_the_subcommand() {
    for args in [
        vec![
            "--ephemeral",
            "can",
            "--as",
            PORTLAND_MGR,
            "--action",
            "reset-password",
            "--target",
            "ContosoPortlandUser2@contoso.com",
            "--json",
        ],
        vec![
            "can",
            "--ephemeral",
            "--as",
            PORTLAND_MGR,
            "--action",
            "reset-password",
            "--target",
            "ContosoPortlandUser2@contoso.com",
            "--json",
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let j = json(&o);
        assert_eq!(j["allowed"], true);
        assert_eq!(j["grantedBy"][0]["role"], "Helpdesk Administrator");
        assert!(
            j["grantedBy"][0]["scope"]
                .as_str()
                .unwrap()
                .starts_with("/administrativeUnits/")
        );
    }
}

#[test]
fn can_refusals_exit_1_with_a_reason() {
    let o = run(&[
        "--ephemeral",
        "can",
        "--as",
        PORTLAND_MGR,
        "--action",
        "manage-phone",
        "--target",
        "ContosoPortlandUser2@contoso.com",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    assert_eq!(j["allowed"], false);
    assert!(
        j["reason"]
            .as_str()
            .unwrap()
            .contains("Authentication Administrator"),
        "{j}"
    );
    let o = run(&[
        "--ephemeral",
        "can",
        "--as",
        PORTLAND_MGR,
        "--action",
        "reset-password",
        "--target",
        "ContosoSeattleUser2@contoso.com",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Human output names the decision too.
    let o = run(&[
        "--ephemeral",
        "can",
        "--as",
        PORTLAND_MGR,
        "--action",
        "reset-password",
        "--target",
        "ContosoPortlandUser5@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("refused: Helpdesk Administrator (scoped to Portland) cannot reset the password of ContosoPortlandUser5, who holds a User Administrator tenant-wide"), "{out}");
}

#[test]
fn a_plain_user_gets_the_oops_message() {
    let o = run(&[
        "--ephemeral",
        "can",
        "--as",
        "ContosoSeattleUser1@contoso.com",
        "--action",
        "open-my-staff",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        json(&o)["reason"]
            .as_str()
            .unwrap()
            .starts_with("Oops, seems you're not authorized to see My Staff at this time.")
    );
}

#[test]
fn reset_password_then_audit() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path().to_str().unwrap();
    let o = run(&[
        "--state",
        s,
        "reset-password",
        "--as",
        PORTLAND_MGR,
        "--target",
        "ContosoPortlandUser1@contoso.com",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&o);
    let pw = j["temporaryPassword"].as_str().unwrap().to_string();
    assert_eq!(j["forceChangePasswordNextSignIn"], true);
    // Refused attempt (out of scope) is audited too.
    let o = run(&[
        "--state",
        s,
        "reset-password",
        "--as",
        PORTLAND_MGR,
        "--target",
        "ContosoSeattleUser1@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not in a location you manage"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--state", s, "audit", "--json", "--limit", "5"]);
    assert_eq!(o.status.code(), Some(0));
    let a = json(&o);
    let a = a.as_array().unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["result"], "failure");
    assert_eq!(a[1]["activityDisplayName"], "Reset password (by admin)");
    assert_eq!(a[1]["result"], "success");
    assert_eq!(
        a[1]["initiatedBy"]["user"]["userPrincipalName"],
        PORTLAND_MGR
    );
    assert_eq!(
        a[1]["targetResources"][0]["userPrincipalName"],
        "ContosoPortlandUser1@contoso.com"
    );
    for k in [
        "id",
        "activityDateTime",
        "category",
        "loggedByService",
        "operationType",
        "resultReason",
        "additionalDetails",
    ] {
        assert!(a[1].get(k).is_some(), "missing {k}");
    }
    let o = run(&["--state", s, "audit", "--json", "--limit", "1"]);
    assert_eq!(json(&o).as_array().unwrap().len(), 1);
    // The password is nowhere on disk.
    for entry in std::fs::read_dir(state.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(&pw));
    }
}

#[test]
fn synced_user_reset_reads_the_password_from_stdin() {
    let o = mystaff()
        .args([
            "--ephemeral",
            "reset-password",
            "--as",
            "ContosoChicagoManager1@contoso.com",
            "--target",
            "ContosoChicagoUser4@contoso.com",
            "--password-stdin",
        ])
        .write_stdin("short\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("At least 7 characters"),
        "{}",
        stderr(&o)
    );
    let o = mystaff()
        .args([
            "--ephemeral",
            "reset-password",
            "--as",
            "ContosoChicagoManager1@contoso.com",
            "--target",
            "ContosoChicagoUser4@contoso.com",
            "--password-stdin",
            "--json",
        ])
        .write_stdin("Harbor-Lights-2026\n")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&o);
    assert!(j.get("temporaryPassword").is_none());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Harbor-Lights-2026"));
}

#[test]
fn phone_add_update_remove() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path().to_str().unwrap();
    let t = "ContosoDenverUser2@contoso.com";
    let o = run(&[
        "--state",
        s,
        "phone",
        "add",
        "--as",
        DENVER_MGR,
        "--target",
        t,
        "--type",
        "mobile",
        "--number",
        "+1 3035559999",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "--state",
        s,
        "phone",
        "add",
        "--as",
        DENVER_MGR,
        "--target",
        t,
        "--type",
        "mobile",
        "--number",
        "+1 3035559998",
    ]);
    assert_eq!(o.status.code(), Some(2), "already has one: use update");
    let o = run(&[
        "--state",
        s,
        "phone",
        "update",
        "--as",
        DENVER_MGR,
        "--target",
        t,
        "--type",
        "mobile",
        "--number",
        "303 555 9998",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("+1 2065555555"),
        "the message shows the format: {}",
        stderr(&o)
    );
    let o = run(&[
        "--state",
        s,
        "phone",
        "update",
        "--as",
        DENVER_MGR,
        "--target",
        t,
        "--type",
        "mobile",
        "--number",
        "+1 3035550101",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "ContosoDenverUser1 already has this mobile"
    );
    assert!(stderr(&o).contains("Someone in the tenant has the same mobile number already"));
    let o = run(&[
        "--state",
        s,
        "phone",
        "remove",
        "--as",
        PORTLAND_MGR,
        "--target",
        t,
        "--type",
        "mobile",
    ]);
    assert_eq!(o.status.code(), Some(1), "Helpdesk cannot manage phones");
    let o = run(&[
        "--state", s, "phone", "remove", "--as", DENVER_MGR, "--target", t, "--type", "mobile",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["phoneNumber"], Value::Null);
}

#[test]
fn search_contract() {
    let o = run(&[
        "--ephemeral",
        "search",
        "portland user 7",
        "--limit",
        "5",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let hits = json(&o);
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5);
    assert_eq!(hits[0]["kind"], "user");
    assert_eq!(
        hits[0]["userPrincipalName"],
        "ContosoPortlandUser7@contoso.com"
    );
    let o = run(&["--ephemeral", "search", "denver", "--json"]);
    assert_eq!(json(&o)[0]["kind"], "administrativeUnit");
    let o = run(&[
        "--ephemeral",
        "search",
        "--as",
        "ContosoSeattleUser1@contoso.com",
        "denver",
    ]);
    assert_eq!(o.status.code(), Some(1), "search is inside My Staff");
}

#[test]
fn check_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"schemaVersion\": 1, \"users\": [").unwrap();
    let o = run(&["--tenant", bad.to_str().unwrap(), "check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.json"), "{}", stderr(&o));
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
    let o = run(&["check"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("211 users"));
    let o = run(&["--tenant", "fixtures/contoso-empty.json", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(run(&["can", "--bogus-flag"]).status.code(), Some(2));
    let o = run(&[
        "--ephemeral",
        "can",
        "--as",
        "nobody@contoso.com",
        "--action",
        "view-profile",
        "--target",
        "ContosoSeattleUser1@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no user has the UPN or id 'nobody@contoso.com'"));
    let o = run(&[
        "--ephemeral",
        "can",
        "--as",
        PORTLAND_MGR,
        "--action",
        "fly",
        "--target",
        "ContosoSeattleUser1@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(2));
    // A broken fixture through any command is exit 2, not a panic.
    let o = run(&["--tenant", bad.to_str().unwrap(), "--ephemeral", "audit"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn storage_failures_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let o = run(&["--state", file.to_str().unwrap(), "audit"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("not-a-dir"));
}

#[test]
fn au_commands_follow_the_seed_scripts() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path().to_str().unwrap();
    let ga = "ContosoAdmin@contoso.com";
    let o = run(&[
        "--state",
        s,
        "au",
        "create",
        "--as",
        PORTLAND_MGR,
        "--name",
        "Boise",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Privileged Role Administrator or Global Administrator"));
    let o = run(&[
        "--state",
        s,
        "au",
        "create",
        "--as",
        ga,
        "--name",
        "Boise",
        "--description",
        "Contoso Boise store",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "--state",
        s,
        "au",
        "add-member",
        "--as",
        "ContosoRoleAdmin@contoso.com",
        "--au",
        "Boise",
        "--member",
        "ContosoSeattleUser3@contoso.com",
        "--member",
        "ContosoSeattleUser5@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "--state",
        s,
        "au",
        "assign",
        "--as",
        ga,
        "--au",
        "Boise",
        "--role",
        "Helpdesk Administrator",
        "--principal",
        PORTLAND_MGR,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "--state",
        s,
        "au",
        "assign",
        "--as",
        ga,
        "--au",
        "Boise",
        "--role",
        "Global Administrator",
        "--principal",
        PORTLAND_MGR,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--state", s, "au", "roles", "Boise", "--json"]);
    let roles = json(&o);
    assert_eq!(roles.as_array().unwrap().len(), 1);
    assert_eq!(
        roles[0]["roleMemberInfo"]["userPrincipalName"],
        PORTLAND_MGR
    );
    let o = run(&[
        "--state",
        s,
        "can",
        "--as",
        PORTLAND_MGR,
        "--action",
        "reset-password",
        "--target",
        "ContosoSeattleUser3@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["--state", s, "au", "members", "Boise", "--json"]);
    assert_eq!(json(&o).as_array().unwrap().len(), 2);
    // Cleanup, as the seed's cleanup script does.
    for args in [
        vec![
            "au",
            "unassign",
            "--as",
            ga,
            "--au",
            "Boise",
            "--role",
            "Helpdesk Administrator",
            "--principal",
            PORTLAND_MGR,
        ],
        vec![
            "au",
            "remove-member",
            "--as",
            ga,
            "--au",
            "Boise",
            "--member",
            "ContosoSeattleUser3@contoso.com",
        ],
        vec!["au", "delete", "--as", ga, "--au", "Boise"],
    ] {
        let mut a = vec!["--state", s];
        a.extend(args);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(0), "{a:?}: {}", stderr(&o));
    }
    let o = run(&[
        "--state",
        s,
        "can",
        "--as",
        PORTLAND_MGR,
        "--action",
        "reset-password",
        "--target",
        "ContosoSeattleUser3@contoso.com",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["--state", s, "au", "list", "--json"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Boise"));
}

#[test]
fn two_processes_each_making_200_changes_lose_nothing() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path().to_str().unwrap().to_string();
    let bin = assert_cmd::cargo::cargo_bin("mystaff");
    let worker = |target: &'static str, number: &'static str| {
        let (s, bin) = (s.clone(), bin.clone());
        std::thread::spawn(move || {
            for i in 0..200 {
                let verb = if i % 2 == 0 { "add" } else { "remove" };
                let mut c = std::process::Command::new(&bin);
                c.args([
                    "--state", &s, "phone", verb, "--as", DENVER_MGR, "--target", target, "--type",
                    "office",
                ]);
                if verb == "add" {
                    c.args(["--number", number]);
                }
                let o = c.output().unwrap();
                assert_eq!(
                    o.status.code(),
                    Some(0),
                    "{verb} #{i}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        })
    };
    let a = worker("ContosoDenverUser2@contoso.com", "+1 3035558802");
    let b = worker("ContosoDenverUser4@contoso.com", "+1 3035558804");
    a.join().unwrap();
    b.join().unwrap();
    let o = run(&["--state", &s, "audit", "--json"]);
    let records = json(&o);
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 400);
    assert!(records.iter().all(|r| r["result"] == "success"));
    let journal = std::fs::read_to_string(state.path().join("journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 401, "header + 400 entries");
    assert!(
        journal
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );
}

#[test]
fn config_path_default_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let f = file.to_str().unwrap();
    // The defaults, written out, are a valid config file.
    let o = run(&["config", "default"]);
    assert!(o.status.success());
    let defaults = String::from_utf8(o.stdout).unwrap();
    assert!(defaults.contains("reset-password = [\"r\"]"), "{defaults}");
    std::fs::write(&file, &defaults).unwrap();
    let o = run(&["--config", f, "config", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["--config", f, "config", "path"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap().trim(), f);
    // A collision names the file and the line.
    std::fs::write(
        &file,
        "theme = \"light\"\n[keys]\nreset-password = [\"a\"]\n",
    )
    .unwrap();
    let o = run(&["--config", f, "config", "check"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(f) && e.contains("line 3") && e.contains("add-phone"),
        "{e}"
    );
    // The UI refuses to start on it, with the same message.
    let o = run(&["--config", f, "--ephemeral"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 3"), "{}", stderr(&o));
    // A file named with --config must exist.
    let o = run(&["--config", "/nonexistent/mystaff.toml", "config", "check"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn numeric_flags_out_of_range_are_usage_errors_not_aborts() {
    for (cmd, limit) in [
        ("search", "4294967296"),
        ("search", "99999999999999999999"),
        ("search", "0"),
        ("audit", "0"),
        ("audit", "18446744073709551616"),
    ] {
        let mut args = vec!["--ephemeral", cmd];
        if cmd == "search" {
            args.push("seattle");
        }
        args.extend(["--limit", limit]);
        let o = run(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{cmd} --limit {limit}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("--limit"), "{}", stderr(&o));
    }
    let o = run(&["--ephemeral", "search", "seattle", "--limit", "10000"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
