//! Every command mystaff shows to a user runs as shown: the undo hint after shutting My Staff
//! off, run through a real shell, and the domain function the UI uses to build it.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;

const ADMIN: &str = "ContosoAdmin@contoso.com";

fn run_in(home: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("mystaff")
        .unwrap()
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .output()
        .unwrap()
}

/// Runs a line through `sh -c` with mystaff on the PATH, as a user pasting it would.
fn sh(home: &Path, line: &str) -> Output {
    let bin = cargo_bin("mystaff");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .env("PATH", path)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap()
}

fn access(home: &Path, globals: &[&str]) -> String {
    let o = run_in(home, &[globals, &["settings", "show", "--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["myStaff"]["access"].as_str().unwrap().to_string()
}

fn undo_line(out: &[u8]) -> String {
    String::from_utf8_lossy(out)
        .lines()
        .find_map(|l| l.strip_prefix("To undo it: "))
        .unwrap_or_else(|| panic!("no undo hint in {}", String::from_utf8_lossy(out)))
        .to_string()
}

#[test]
fn the_undo_hint_after_access_none_runs_as_shown() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A state directory with a space, so the hint must quote it.
    let state = dir.path().join("my state");
    let state = state.to_str().unwrap();
    let g = ["--state", state];
    let o = run_in(
        home.path(),
        &[
            &g[..],
            &["settings", "my-staff", "--as", ADMIN, "--access", "none"],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(access(home.path(), &g), "none");
    let line = undo_line(&o.stdout);
    assert_eq!(
        line,
        format!("mystaff --state '{state}' settings my-staff --as {ADMIN} --access all")
    );
    let o = sh(home.path(), &line);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{line}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(access(home.path(), &g), "all");
}

#[test]
fn the_undo_hint_brings_back_the_selected_users_and_groups() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_str().unwrap();
    let g = ["--state", state];
    let set = |access: &str, extra: &[&str]| {
        run_in(
            home.path(),
            &[
                &g[..],
                &["settings", "my-staff", "--as", ADMIN, "--access", access],
                extra,
            ]
            .concat(),
        )
    };
    let o = set(
        "selected",
        &[
            "--principal",
            ADMIN,
            "--principal",
            "ContosoSeattleManager1@contoso.com",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let before = run_in(
        home.path(),
        &[&g[..], &["settings", "show", "--json"]].concat(),
    )
    .stdout;
    let o = set("none", &[]);
    let line = undo_line(&o.stdout);
    assert!(line.contains("--access selected --principal"), "{line}");
    assert_eq!(sh(home.path(), &line).status.code(), Some(0), "{line}");
    let after = run_in(
        home.path(),
        &[&g[..], &["settings", "show", "--json"]].concat(),
    )
    .stdout;
    assert_eq!(after, before);
}

#[test]
fn the_domain_undo_command_runs_with_the_default_state_directory() {
    let home = tempfile::tempdir().unwrap();
    // Everything default: the embedded tenant, the per-user state directory (under HOME here).
    let o = run_in(
        home.path(),
        &["settings", "my-staff", "--as", ADMIN, "--access", "none"],
    );
    assert_eq!(o.status.code(), Some(0));
    let (t, _, _) =
        mystaff::session::load_fixture(None, mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES).unwrap();
    let inv = mystaff::access::Invocation::default();
    let args = mystaff::access::undo_args(&t, inv, ADMIN, mystaff::model::MyStaffAccess::All, &[])
        .unwrap();
    assert_eq!(args[0], "mystaff");
    let strs: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    assert_eq!(run_in(home.path(), &strs).status.code(), Some(0));
    assert_eq!(access(home.path(), &[]), "all");
    // And the same command as a shell line.
    let line =
        mystaff::access::undo_command(&t, inv, ADMIN, mystaff::model::MyStaffAccess::None, &[])
            .unwrap();
    assert_eq!(sh(home.path(), &line).status.code(), Some(0), "{line}");
    assert_eq!(access(home.path(), &[]), "none");
    // An ephemeral run keeps nothing, so there is nothing to undo from another command.
    let eph = mystaff::access::Invocation {
        ephemeral: true,
        ..inv
    };
    assert!(
        mystaff::access::undo_args(&t, eph, ADMIN, mystaff::model::MyStaffAccess::All, &[])
            .is_none()
    );
}

/// The README's CLI tour: each line without a placeholder (`…`, `[…]`, `a|b`) runs as shown.
#[test]
fn the_readme_cli_tour_runs_as_shown() {
    let readme = include_str!("../README.md");
    let tour = readme
        .split("## CLI tour")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the README has a CLI tour code block");
    // Join continued lines, drop comments.
    let mut lines: Vec<String> = Vec::new();
    let mut cont = String::new();
    for raw in tour.lines() {
        let code = raw.split(" # ").next().unwrap_or("").trim_end();
        if let Some(head) = code.strip_suffix('\\') {
            cont.push_str(head);
            continue;
        }
        cont.push_str(code);
        lines.push(std::mem::take(&mut cont));
    }
    let runnable: Vec<&String> = lines
        .iter()
        .filter(|l| {
            let l = l.trim_start();
            (l.starts_with("mystaff ") || l.starts_with("echo "))
                && !l.contains('…')
                && !l.contains('[')
                && !l.contains("|all")
                && !l.contains("generate")
        })
        .collect();
    assert!(runnable.len() >= 8, "{runnable:#?}");
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    for line in runnable {
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(work.path())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    cargo_bin("mystaff").parent().unwrap().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("HOME", home.path())
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        // `can` answers a refusal with exit 1, as the tour's comment shows.
        let expected = if line.starts_with("mystaff can ") {
            1
        } else {
            0
        };
        assert_eq!(
            o.status.code(),
            Some(expected),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
