//! Hostile journals through the real binary: forged, edited, reordered and deleted lines, lines a
//! person could write but mystaff would not, links and shared state directories. Each case
//! expects exit 3, the line, and what is wrong; `--repair` sets the bad part aside.
//!
//! The forgeries are re-chained (each line's `prevSha256` recomputed) unless the case is about
//! the chain: someone who edits the journal can recompute it, so the replay checks must hold on
//! their own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ADMIN: &str = "ContosoAdmin@contoso.com";
const SEATTLE_MGR: &str = "ContosoSeattleManager1@contoso.com";
const SEATTLE_USER4: &str = "ContosoSeattleUser4@contoso.com";
const PORTLAND_MGR: &str = "ContosoPortlandManager1@contoso.com";
const PORTLAND_USER2: &str = "ContosoPortlandUser2@contoso.com";
const PLAIN_USER: &str = "ContosoSeattleUser1@contoso.com";
const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

fn mystaff(state: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("mystaff")
        .unwrap()
        .arg("--state")
        .arg(state)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

/// A state directory with a real history: line 2 a phone added, line 3 an AU created, line 4 a
/// password reset, line 5 a refused attempt.
fn history() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state");
    ok(mystaff(
        &state,
        &[
            "phone",
            "add",
            "--as",
            SEATTLE_MGR,
            "--target",
            SEATTLE_USER4,
            "--type",
            "mobile",
            "--number",
            "+1 2065550199",
        ],
    ));
    ok(mystaff(
        &state,
        &["au", "create", "--as", ADMIN, "--name", "Boise"],
    ));
    ok(mystaff(
        &state,
        &[
            "reset-password",
            "--as",
            PORTLAND_MGR,
            "--target",
            PORTLAND_USER2,
        ],
    ));
    let refused = mystaff(
        &state,
        &[
            "reset-password",
            "--as",
            PLAIN_USER,
            "--target",
            PORTLAND_USER2,
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert_eq!(lines(&state).len(), 5);
    (tmp, state)
}

fn journal(state: &Path) -> PathBuf {
    state.join("journal.jsonl")
}

fn lines(state: &Path) -> Vec<Value> {
    fs::read_to_string(journal(state))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Writes `lines`, recomputing every `prevSha256` when `rechain`, as a careful forger would.
fn write(state: &Path, mut lines: Vec<Value>, rechain: bool) {
    let mut out = String::new();
    let mut prev: Option<String> = None;
    for l in &mut lines {
        if rechain && let (Some(p), Some(o)) = (&prev, l.as_object_mut()) {
            o.insert("prevSha256".into(), json!(p));
        }
        let s = serde_json::to_string(l).unwrap();
        prev = Some(format!("{:x}", Sha256::digest(s.as_bytes())));
        out.push_str(&s);
        out.push('\n');
    }
    fs::write(journal(state), out).unwrap();
}

fn contoso() -> Value {
    serde_json::from_slice(include_bytes!("../fixtures/contoso.json").as_slice()).unwrap()
}

fn user_id(upn: &str) -> String {
    let fx = contoso();
    fx["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["userPrincipalName"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case(upn)
        })
        .map(|u| u["id"].as_str().unwrap().to_string())
        .unwrap()
}

fn au_id(name: &str) -> String {
    let fx = contoso();
    fx["administrativeUnits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["displayName"] == name)
        .map(|a| a["id"].as_str().unwrap().to_string())
        .unwrap()
}

/// A role assignment as the line of a careful forger: the shape and audit record mystaff writes.
fn role_line(by: &str, principal: &str, scope: &str) -> Value {
    json!({
        "change": {
            "type": "roleAssigned",
            "id": "11111111-2222-4333-8444-555555555555",
            "roleDefinitionId": GLOBAL_ADMINISTRATOR,
            "principalId": user_id(principal),
            "directoryScopeId": scope,
        },
        "audit": {
            "id": "0f0f0f0f-0000-4000-8000-000000000001",
            "activityDateTime": "2026-12-01T09:00:00Z",
            "activityDisplayName": "Add member to role",
            "category": "RoleManagement",
            "loggedByService": "Core Directory",
            "operationType": "Assign",
            "result": "success",
            "resultReason": "",
            "initiatedBy": {"user": {"id": user_id(by), "userPrincipalName": by}},
            "targetResources": [],
            "additionalDetails": [],
        },
    })
}

type Tamper = fn(&mut Vec<Value>);

/// (what, how, re-chained, the bad line, words the message must hold)
fn cases() -> Vec<(&'static str, Tamper, bool, usize, &'static str)> {
    vec![
        (
            "a plain user makes themselves Global Administrator",
            |l| l.push(role_line(PLAIN_USER, PLAIN_USER, "/")),
            true,
            6,
            "could not have made this change",
        ),
        (
            "Global Administrator at AU scope",
            |l| {
                let scope = format!("/administrativeUnits/{}", au_id("Seattle"));
                l.push(role_line(ADMIN, PLAIN_USER, &scope))
            },
            true,
            6,
            "mystaff would not make it",
        ),
        (
            "a failure record that still changes a phone",
            |l| l[1]["audit"]["result"] = json!("failure"),
            true,
            2,
            "says the change failed",
        ),
        (
            "a malformed phone number",
            |l| l[1]["change"]["phoneNumber"] = json!("+1 555"),
            true,
            2,
            "mystaff would not make it",
        ),
        (
            "a plaintext password hash",
            |l| l[3]["change"]["passwordHash"] = json!("hunter2"),
            true,
            4,
            "not an argon2id hash",
        ),
        (
            "a reset at a time that is not a date",
            |l| l[3]["change"]["at"] = json!("not a date"),
            true,
            4,
            "not an RFC 3339 time",
        ),
        (
            "an empty object",
            |l| l.insert(2, json!({})),
            true,
            3,
            "neither a change nor an audit record",
        ),
        (
            "an object that is no entry",
            |l| l.insert(2, json!({"garbage": 1})),
            true,
            3,
            "not an entry mystaff writes",
        ),
        (
            "a change with no audit record",
            |l| {
                l[2].as_object_mut().unwrap().remove("audit");
            },
            true,
            3,
            "has no audit record",
        ),
        (
            "a forged refusal by someone who is not in the tenant",
            |l| {
                let mut r = l[4].clone();
                r["audit"]["initiatedBy"]["user"]["id"] =
                    json!("9e6a1a56-0000-4000-8000-000000000000");
                l.push(r);
            },
            true,
            6,
            "is not a user of the tenant",
        ),
        (
            "an edited line, not re-chained",
            |l| l[1]["change"]["phoneNumber"] = json!("+1 2065550188"),
            false,
            2,
            "line 2 was edited",
        ),
        (
            "a deleted line",
            |l| drop(l.remove(2)),
            false,
            2,
            "does not follow line 2",
        ),
        (
            "two lines swapped",
            |l| l.swap(2, 3),
            false,
            2,
            "does not follow line 2",
        ),
    ]
}

#[test]
fn every_tampered_journal_is_refused_with_its_line_and_reason() {
    let (_tmp, state) = history();
    let good = lines(&state);
    for (what, tamper, rechain, line, words) in cases() {
        let mut l = good.clone();
        tamper(&mut l);
        write(&state, l, rechain);
        for args in [&["audit"][..], &["--as", PLAIN_USER][..]] {
            // The CLI, and the TUI (which opens the same session before it draws anything).
            let o = mystaff(&state, args);
            let msg = text(&o);
            assert_eq!(o.status.code(), Some(3), "{what}: {msg}");
            assert!(
                msg.contains(&format!("line {line}:")) && msg.contains(words),
                "{what}: expected line {line} and `{words}`: {msg}"
            );
            assert!(msg.contains("--repair"), "{what}: {msg}");
        }
    }
    // The real history still opens.
    write(&state, good, false);
    ok(mystaff(&state, &["audit"]));
}

#[test]
fn repair_sets_the_bad_line_and_the_rest_aside_and_says_what_it_dropped() {
    let (_tmp, state) = history();
    let mut l = lines(&state);
    l.insert(3, role_line(PLAIN_USER, PLAIN_USER, "/"));
    write(&state, l, true);
    let before = fs::read_to_string(journal(&state)).unwrap();

    let o = ok(mystaff(&state, &["--repair", "audit", "--json"]));
    let msg = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        msg.contains("line 4") && msg.contains("3 lines holding 2 changes"),
        "{msg}"
    );
    let records: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        records.as_array().unwrap().len(),
        2,
        "only lines 2 and 3 remain"
    );
    let side: Vec<PathBuf> = fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("journal.rejected-"))
        .collect();
    assert_eq!(side.len(), 1);
    let kept = fs::read_to_string(journal(&state)).unwrap();
    assert_eq!(kept + &fs::read_to_string(&side[0]).unwrap(), before);

    // What is left opens, and new changes chain on from it.
    ok(mystaff(
        &state,
        &["au", "create", "--as", ADMIN, "--name", "Reno"],
    ));
    let o = ok(mystaff(&state, &["audit", "--json"]));
    let records: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 3);
}

#[cfg(unix)]
#[test]
fn links_and_state_others_can_write_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, state) = history();
    let moved = tmp.path().join("elsewhere.jsonl");
    fs::rename(journal(&state), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, journal(&state)).unwrap();
    let o = mystaff(&state, &["audit"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("symbolic link"), "{}", text(&o));
    fs::remove_file(journal(&state)).unwrap();
    fs::rename(&moved, journal(&state)).unwrap();

    fs::set_permissions(&state, fs::Permissions::from_mode(0o770)).unwrap();
    let o = mystaff(&state, &["audit"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("writable by its group") && text(&o).contains("chmod go-w"),
        "{}",
        text(&o)
    );
    fs::set_permissions(&state, fs::Permissions::from_mode(0o700)).unwrap();
    ok(mystaff(&state, &["audit"]));
}

/// As root the checks below cannot be made by permissions alone, so the cases run as `nobody`
/// through setpriv when it is there.
#[cfg(unix)]
#[test]
fn another_users_state_is_refused_and_a_read_only_one_is_read() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let (tmp, state) = history();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("mystaff");
    let as_nobody = |args: &[&str]| -> Output {
        let mut c = std::process::Command::new(if root {
            "setpriv"
        } else {
            bin.to_str().unwrap()
        });
        if root {
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
        }
        c.env("HOME", tmp.path())
            .arg("--state")
            .arg(&state)
            .args(args)
            .output()
            .unwrap()
    };
    if root {
        if std::process::Command::new("setpriv")
            .arg("--help")
            .output()
            .is_err()
        {
            return;
        }
        let o = as_nobody(&["audit"]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert!(text(&o).contains("owned by another user"), "{}", text(&o));
        for p in [state.clone(), journal(&state), state.join("journal.lock")] {
            std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
        }
    }
    assert_ne!(fs::metadata(&state).unwrap().uid(), u32::MAX);
    for f in ["journal.jsonl", "journal.lock"] {
        fs::set_permissions(state.join(f), fs::Permissions::from_mode(0o400)).unwrap();
    }
    fs::set_permissions(&state, fs::Permissions::from_mode(0o500)).unwrap();
    let o = as_nobody(&["audit", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let records: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 4);
    let o = as_nobody(&["au", "create", "--as", ADMIN, "--name", "Reno"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("read-only"), "{}", text(&o));
    fs::set_permissions(&state, fs::Permissions::from_mode(0o700)).unwrap();
}

mod fuzz {
    use super::*;
    use mystaff::session::{OpenOptions, Session};
    use proptest::prelude::*;

    /// A real history's bytes, made once.
    fn real_journal() -> &'static [u8] {
        static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        BYTES.get_or_init(|| {
            let (_tmp, state) = history();
            fs::read(journal(&state)).unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        /// Whatever the journal's bytes become (flipped, cut, spliced with garbage), opening it
        /// gives a session or an error, never a panic, and an error names the journal.
        #[test]
        fn a_mangled_journal_never_panics(
            edits in proptest::collection::vec((any::<u16>(), any::<u8>(), 0u8..3), 1..6),
            tail in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut bytes = real_journal().to_vec();
            for (at, b, how) in edits {
                let i = usize::from(at) % (bytes.len() + 1);
                match how {
                    0 if i < bytes.len() => bytes[i] = b,
                    1 => bytes.insert(i, b),
                    _ if i < bytes.len() => drop(bytes.remove(i)),
                    _ => {}
                }
            }
            bytes.extend(tail);
            let tmp = tempfile::tempdir().unwrap();
            let state = tmp.path().join("state");
            fs::create_dir_all(&state).unwrap();
            fs::write(journal(&state), &bytes).unwrap();
            let opts = OpenOptions { state_dir: Some(state.clone()), ..OpenOptions::default() };
            if let Err(e) = Session::open(&opts, "cli") {
                let msg = e.to_string();
                prop_assert!(msg.contains("journal"), "{msg}");
                prop_assert_eq!(e.exit_code(), 3);
            }
        }
    }
}
