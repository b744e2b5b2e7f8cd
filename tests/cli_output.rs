//! The CLI's output for people and scripts: JSON for every outcome a script must tell apart,
//! text unless `--json`, usage errors for input that cannot mean anything.

use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

const PORTLAND_MGR: &str = "ContosoPortlandManager1@contoso.com";

fn run(args: &[&str]) -> Output {
    Command::cargo_bin("mystaff")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout(o),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn a_refused_reset_password_json_prints_an_object_and_exits_1() {
    let o = run(&[
        "--ephemeral",
        "reset-password",
        "--as",
        PORTLAND_MGR,
        "--target",
        "ContosoPortlandUser5@contoso.com",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    assert_eq!(j["allowed"], false);
    assert!(
        j["reason"]
            .as_str()
            .unwrap()
            .contains("who holds a User Administrator tenant-wide"),
        "{j}"
    );
    assert_eq!(j["userPrincipalName"], "ContosoPortlandUser5@contoso.com");
    assert!(j.get("temporaryPassword").is_none());
}

#[test]
fn an_empty_search_is_a_usage_error() {
    for q in ["", "   ", "\t"] {
        let o = run(&["--ephemeral", "search", q, "--json"]);
        assert_eq!(o.status.code(), Some(2), "{q:?}");
        assert!(o.stdout.is_empty());
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("search needs something to look for"),
            "{q:?}"
        );
    }
}

#[test]
fn user_show_prints_text_unless_json() {
    let args = [
        "--ephemeral",
        "user",
        "show",
        "--as",
        PORTLAND_MGR,
        "--target",
        "ContosoPortlandUser1@contoso.com",
    ];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        text.starts_with("Contoso Portland User 1 <ContosoPortlandUser1@contoso.com>\n"),
        "{text}"
    );
    assert!(text.contains("  Locations   Portland\n"), "{text}");
    assert!(
        text.contains("  Phones      Mobile: +1 ••••••0101 (masked)\n"),
        "{text}"
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());
    let o = run(&[&args[..], &["--json"]].concat());
    assert_eq!(json(&o)["phoneMethods"][0]["phoneNumber"], "+1 ••••••0101");
}

#[test]
fn every_flag_has_help_in_the_real_binary() {
    let o = run(&["phone", "add", "--help"]);
    let help = stdout(&o);
    for flag in ["--as", "--target", "--type", "--number", "--json"] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} missing:\n{help}"));
        let after = line.trim_start()[flag.len()..].trim_start();
        // "--as <UPN>  Who is acting…": something beyond the value name.
        let words = after
            .split_whitespace()
            .filter(|w| !w.starts_with('<'))
            .count();
        assert!(words > 0, "{flag} has no help: {line:?}");
    }
}

#[test]
fn audit_text_shows_local_time_in_fixed_columns_and_json_keeps_utc() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path().to_str().unwrap();
    for target in [
        "ContosoPortlandUser1@contoso.com",
        "ContosoSeattleUser1@contoso.com",
    ] {
        run(&[
            "--state",
            s,
            "reset-password",
            "--as",
            PORTLAND_MGR,
            "--target",
            target,
        ]);
    }
    let j = json(&run(&["--state", s, "audit", "--json"]));
    let at = j[0]["activityDateTime"].as_str().unwrap().to_string();
    assert!(at.ends_with('Z') && at.contains('T'), "{at}");
    // A POSIX zone seven hours west of UTC, which needs no zone database.
    let o = Command::cargo_bin("mystaff")
        .unwrap()
        .env("TZ", "XST7")
        .args(["--state", s, "audit"])
        .output()
        .unwrap();
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let hour: u32 = at[11..13].parse().unwrap();
    let local = format!("{:02}:{}", (hour + 24 - 7) % 24, &at[14..16]);
    assert!(
        lines[0].starts_with(&format!("today {local}"))
            || lines[0].starts_with(&format!("yesterday {local}")),
        "{local}: {text}"
    );
    let col = |l: &str| l.find("success").or(l.find("FAILURE")).unwrap();
    assert_eq!(col(lines[0]), col(lines[1]), "{text}");
    assert_eq!(col(lines[0]), 17, "{text}");
}

fn synced_reset(password: &str, json: bool) -> Output {
    let mut args = vec![
        "--ephemeral",
        "reset-password",
        "--as",
        "ContosoChicagoManager1@contoso.com",
        "--target",
        "ContosoChicagoUser4@contoso.com",
        "--password-stdin",
    ];
    if json {
        args.push("--json");
    }
    Command::cargo_bin("mystaff")
        .unwrap()
        .args(args)
        .write_stdin(format!("{password}\n"))
        .output()
        .unwrap()
}

#[test]
fn a_synced_reset_lists_exactly_the_failed_rules_and_counts_them() {
    // "short": too short and only lowercase; it contains neither the account nor a name part.
    let o = synced_reset("short", false);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.starts_with(
            "mystaff: refused by policy: the password does not meet the on-premises password policy: 2 rules are not met:\n"
        ),
        "{err}"
    );
    let listed: Vec<&str> = err.lines().filter_map(|l| l.strip_prefix("  ✗ ")).collect();
    assert_eq!(
        listed,
        [
            "At least 7 characters",
            "Characters from at least 3 of: uppercase, lowercase, digits, symbols, other letters"
        ],
        "{err}"
    );
    assert_eq!(err.lines().count(), 3, "{err}");
    // One rule: singular, and the JSON refusal carries the same list.
    let o = synced_reset("Chicago-Lights-2026", true);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    assert_eq!(j["allowed"], false);
    assert_eq!(
        j["failedRules"],
        serde_json::json!(["Does not contain a part of the display name (Contoso, Chicago, User)"])
    );
    assert!(
        j["reason"].as_str().unwrap().contains("1 rule is not met"),
        "{j}"
    );
    assert!(!stdout(&o).contains("Chicago-Lights-2026"));
}
