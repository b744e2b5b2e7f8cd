//! Hostile fixtures, arguments and files through the real binary. Nothing from them may reach
//! the terminal as a control sequence: every command's standard output and error are scanned for
//! C0 controls other than the line breaks the format puts there, DEL, C1 and bidi controls. A
//! fixture holding such names is refused (exit 2) with each problem located and escaped; a name
//! given as an argument is refused the same way; files that are not regular fixtures are refused
//! at once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

const ADMIN: &str = "ContosoAdmin@contoso.com";
const SEATTLE_MGR: &str = "ContosoSeattleManager1@contoso.com";
const SEATTLE_USER4: &str = "ContosoSeattleUser4@contoso.com";

/// Names that would drive a terminal or forge a line: OSC 52 (write the clipboard) with BEL,
/// a forged audit line, a bidi override, DEL with C1 CSI, NEL, a tab, CR with an erase, an
/// isolate, and OSC 0 (set the window title).
const HOSTILE: [&str; 9] = [
    "Bo\u{1b}]52;c;ZXZpbA==\u{7}ise",
    "Boise\n2026-12-01T09:00:00Z  success  Reset password",
    "abc\u{202e}fed",
    "x\u{7f}\u{9b}2J",
    "next\u{85}line",
    "tab\there",
    "\r\u{1b}[2K\u{1b}[1A",
    "\u{2066}isolated\u{2069}",
    "\u{1b}]0;pwned\u{1b}\\",
];

fn mystaff(args: &[&str]) -> Output {
    Command::cargo_bin("mystaff")
        .unwrap()
        .args(args)
        .timeout(Duration::from_secs(60))
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

/// The first byte of `out` a terminal could act on, with its offset: a C0 control other than
/// newline, DEL, a C1 control (U+0080–U+009F, `C2 80`–`C2 9F` in UTF-8), or a bidi override or
/// isolate.
fn unsafe_byte(out: &[u8]) -> Option<(usize, String)> {
    (0..out.len()).find_map(|i| {
        let (b, next) = (out[i], out.get(i + 1).copied().unwrap_or(0));
        let bidi = match out.get(i..i + 3) {
            Some([0xe2, 0x80, c]) => (0xaa..=0xae).contains(c),
            Some([0xe2, 0x81, c]) => (0xa6..=0xa9).contains(c),
            _ => false,
        };
        if (b < 0x20 && b != b'\n') || b == 0x7f {
            Some((i, format!("control byte {b:#04x}")))
        } else if b == 0xc2 && (0x80..=0x9f).contains(&next) {
            Some((i, format!("C1 control U+00{next:02X}")))
        } else if bidi {
            Some((i, format!("bidi control {:02x?}", &out[i..i + 3])))
        } else {
            None
        }
    })
}

fn assert_clean(args: &[&str], o: &Output) {
    for (name, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        if let Some((at, what)) = unsafe_byte(bytes) {
            let from = at.saturating_sub(40);
            panic!(
                "mystaff {args:?}: {what} at byte {at} of {name}: {:?}",
                String::from_utf8_lossy(&bytes[from..(at + 40).min(bytes.len())])
            );
        }
    }
    assert_ne!(
        o.status.code(),
        Some(101),
        "mystaff {args:?} panicked: {}",
        text(o)
    );
}

fn contoso() -> Value {
    serde_json::from_slice(include_bytes!("../fixtures/contoso.json")).unwrap()
}

/// Contoso with a hostile text in every kind of field: users' names, titles and departments,
/// locations' names and descriptions, groups, the service principal, the tenant, a role id, and
/// one name of a million characters.
fn hostile_fixture(dir: &Path) -> PathBuf {
    let mut v = contoso();
    let h = |k: usize| HOSTILE[k % HOSTILE.len()].to_string();
    for (k, u) in v["users"].as_array_mut().unwrap().iter_mut().enumerate() {
        u["displayName"] = h(k).into();
        u["jobTitle"] = h(k + 1).into();
        u["department"] = h(k + 2).into();
    }
    v["users"][3]["displayName"] =
        format!("{}{}", "\u{1b}[2J".repeat(10), "y".repeat(1_000_000)).into();
    v["users"][4]["displayName"] = "y".repeat(1_000_000).into();
    for (k, a) in v["administrativeUnits"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        a["displayName"] = h(k).into();
        a["description"] = h(k + 4).into();
    }
    for (k, g) in v["groups"].as_array_mut().unwrap().iter_mut().enumerate() {
        g["displayName"] = h(k + 5).into();
    }
    v["servicePrincipals"][0]["displayName"] = h(6).into();
    v["tenant"]["displayName"] = h(0).into();
    v["roleAssignments"][0]["roleDefinitionId"] = h(1).into();
    let path = dir.join("hostile.json");
    fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    path
}

/// Every command, with arguments that would act if the fixture loaded.
fn every_command() -> Vec<Vec<&'static str>> {
    let cmds: &[&[&str]] = &[
        &[],
        &["check"],
        &[
            "can",
            "--as",
            SEATTLE_MGR,
            "--action",
            "reset-password",
            "--target",
            SEATTLE_USER4,
        ],
        &[
            "can",
            "--as",
            SEATTLE_MGR,
            "--action",
            "reset-password",
            "--target",
            SEATTLE_USER4,
            "--json",
        ],
        &[
            "reset-password",
            "--as",
            SEATTLE_MGR,
            "--target",
            SEATTLE_USER4,
        ],
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
            "+1 2065550123",
        ],
        &[
            "phone",
            "remove",
            "--as",
            SEATTLE_MGR,
            "--target",
            SEATTLE_USER4,
            "--type",
            "mobile",
        ],
        &["au", "list"],
        &["au", "list", "--json"],
        &["au", "show", "Seattle"],
        &["au", "members", "Seattle"],
        &["au", "roles", "Seattle"],
        &["au", "create", "--as", ADMIN, "--name", "Boise"],
        &["au", "delete", "--as", ADMIN, "--au", "Seattle"],
        &[
            "au",
            "add-member",
            "--as",
            ADMIN,
            "--au",
            "Seattle",
            "--member",
            SEATTLE_USER4,
        ],
        &[
            "au",
            "remove-member",
            "--as",
            ADMIN,
            "--au",
            "Seattle",
            "--member",
            SEATTLE_USER4,
        ],
        &[
            "au",
            "assign",
            "--as",
            ADMIN,
            "--au",
            "Seattle",
            "--role",
            "Helpdesk Administrator",
            "--principal",
            SEATTLE_USER4,
        ],
        &[
            "au",
            "unassign",
            "--as",
            ADMIN,
            "--au",
            "Seattle",
            "--role",
            "Helpdesk Administrator",
            "--principal",
            SEATTLE_USER4,
        ],
        &["search", "seattle"],
        &["search", "seattle", "--json"],
        &["audit"],
        &["audit", "--json"],
        &[
            "user",
            "show",
            "--as",
            SEATTLE_MGR,
            "--target",
            SEATTLE_USER4,
        ],
        &[
            "user",
            "create",
            "--as",
            ADMIN,
            "--upn",
            "new@contoso.com",
            "--display-name",
            "New",
        ],
        &["user", "delete", "--as", ADMIN, "--target", SEATTLE_USER4],
        &["settings", "show"],
        &["settings", "show", "--json"],
        &["settings", "my-staff", "--as", ADMIN, "--access", "all"],
        &[
            "who-can",
            "--action",
            "reset-password",
            "--target",
            SEATTLE_USER4,
            "--include-eligible",
        ],
        &["reach", "--as", SEATTLE_MGR, "--action", "manage-phone"],
        &["delegation", "report"],
        &["delegation", "report", "--json"],
        &["pim", "list", "--as", SEATTLE_MGR],
        &[
            "pim",
            "activate",
            "--as",
            SEATTLE_MGR,
            "--role",
            "Helpdesk Administrator",
            "--au",
            "Seattle",
            "--duration",
            "1h",
            "--justification",
            "x",
        ],
        &["role", "list"],
        &[
            "role",
            "assign",
            "--as",
            ADMIN,
            "--role",
            "Helpdesk Administrator",
            "--principal",
            SEATTLE_USER4,
        ],
        &[
            "role",
            "unassign",
            "--as",
            ADMIN,
            "--role",
            "Helpdesk Administrator",
            "--principal",
            SEATTLE_USER4,
        ],
    ];
    cmds.iter().map(|c| c.to_vec()).collect()
}

#[test]
fn a_fixture_full_of_escape_sequences_is_refused_and_nothing_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = hostile_fixture(dir.path());
    let fixture = fixture.to_str().unwrap();
    for cmd in every_command() {
        let mut args = vec!["--tenant", fixture, "--ephemeral"];
        args.extend(&cmd);
        let o = mystaff(&args);
        assert_clean(&args, &o);
        assert_eq!(o.status.code(), Some(2), "mystaff {args:?}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("invalid tenant fixture ("), "{err}");
        // The first 20 problems, each on one line, then how many more.
        assert!(err.contains("more; --all-errors to see them"), "{err}");
        assert_eq!(err.lines().count(), 1 + 20 + 1, "{err}");
        // A million-character name is cut where it is echoed.
        assert!(err.len() < 20_000, "{} bytes of errors", err.len());
    }

    let o = mystaff(&["--tenant", fixture, "check", "--all-errors"]);
    assert_clean(&["check", "--all-errors"], &o);
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        r"users[0].displayName: holds a control character (\e at character 3)",
        r"users[1].displayName: holds a line break (\n at character 6)",
        r"users[2].displayName: holds a bidirectional-text control (\u{202e} at character 4)",
        r"users[3].displayName: holds a control character (\e at character 1)",
        "users[4].displayName: 1000000 characters, more than the 256 Graph allows",
        r"users[0].jobTitle: holds a line break (\n at character 6)",
        r"administrativeUnits[0].displayName: holds a control character (\e at character 3)",
        r"administrativeUnits[0].description: holds a control character (\u{85} at character 5)",
        r"groups[0].displayName: holds a control character (\t at character 4)",
        r"servicePrincipals[0].displayName: holds a line break (\r at character 1)",
        r"tenant.displayName: holds a control character (\e at character 3)",
        r"roleAssignments[0].roleDefinitionId: `Boise\n2026-12-01T09:00:00Z  success  Reset password` is not",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(!err.contains("--all-errors to see them"), "{err}");
    let problems = err.lines().count() - 1;
    assert!(problems > 600, "{problems} problems listed");
}

#[test]
fn hostile_arguments_are_refused_or_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let mut seen_refusal = 0;
    for h in HOSTILE {
        let cmds: Vec<Vec<&str>> = vec![
            vec!["search", h],
            vec!["search", h, "--json"],
            vec![
                "can",
                "--as",
                h,
                "--action",
                "reset-password",
                "--target",
                SEATTLE_USER4,
            ],
            vec![
                "can",
                "--as",
                SEATTLE_MGR,
                "--action",
                "reset-password",
                "--target",
                h,
            ],
            vec!["user", "show", "--as", SEATTLE_MGR, "--target", h],
            vec!["au", "show", h],
            vec!["au", "members", h],
            vec!["au", "create", "--as", ADMIN, "--name", h],
            vec![
                "au",
                "create",
                "--as",
                ADMIN,
                "--name",
                "Boise",
                "--description",
                h,
            ],
            vec![
                "user",
                "create",
                "--as",
                ADMIN,
                "--upn",
                "hostile@contoso.com",
                "--display-name",
                h,
            ],
            vec![
                "user",
                "create",
                "--as",
                ADMIN,
                "--upn",
                "hostile2@contoso.com",
                "--display-name",
                "Ok",
                "--job-title",
                h,
            ],
            vec![
                "phone",
                "add",
                "--as",
                SEATTLE_MGR,
                "--target",
                SEATTLE_USER4,
                "--type",
                "office",
                "--number",
                h,
            ],
            vec!["audit", "--target", h],
            vec!["who-can", "--action", "reset-password", "--target", h],
            vec!["reach", "--as", h, "--action", "reset-password"],
            vec![
                "pim",
                "activate",
                "--as",
                "ContosoPortlandManager2@contoso.com",
                "--role",
                "Authentication Administrator",
                "--au",
                "Portland",
                "--duration",
                "1h",
                "--justification",
                h,
            ],
            vec![
                "pim",
                "activate",
                "--as",
                SEATTLE_MGR,
                "--group",
                h,
                "--duration",
                "1h",
                "--justification",
                "x",
            ],
            vec![
                "role",
                "assign",
                "--as",
                ADMIN,
                "--role",
                h,
                "--principal",
                SEATTLE_USER4,
            ],
        ];
        for cmd in cmds {
            let mut args = vec!["--state", state];
            args.extend(&cmd);
            let o = mystaff(&args);
            assert_clean(&args, &o);
            let code = o.status.code();
            if cmd[0] == "search" || cmd[0] == "audit" {
                assert_eq!(code, Some(0), "{args:?}: {}", text(&o));
            } else {
                assert!(
                    matches!(code, Some(1 | 2)),
                    "{args:?} exit {code:?}: {}",
                    text(&o)
                );
            }
            if cmd.contains(&"create") && code == Some(2) {
                let err = String::from_utf8_lossy(&o.stderr);
                assert!(
                    err.contains("cannot hold control characters, line breaks or bidi controls"),
                    "{args:?}: {err}"
                );
                seen_refusal += 1;
            }
        }
    }
    assert_eq!(
        seen_refusal,
        4 * HOSTILE.len(),
        "every hostile name is refused on create"
    );
    // Nothing hostile was created.
    let o = mystaff(&["--state", state, "au", "list", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let aus: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        aus.as_array().unwrap().len(),
        contoso()["administrativeUnits"].as_array().unwrap().len()
    );
}

#[test]
fn a_malformed_fixture_with_escapes_in_its_keys_and_values_is_located_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = contoso();
    v[HOSTILE[0]] = 1.into();
    v["users"][0]["userType"] = HOSTILE[1].into();
    v["users"][1][HOSTILE[8]] = true.into();
    let path = dir.path().join("shape.json");
    fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let o = mystaff(&["--tenant", path.to_str().unwrap(), "check"]);
    assert_clean(&["check"], &o);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        r"unknown top-level field `Bo\e]52;c;ZXZpbA==\u{7}ise`",
        r"users[0]: unknown variant `Boise\n2026-12-01T09:00:00Z  success  Reset password`",
        r"users[1]: unknown field `\e]0;pwned\e\`",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
}

#[test]
fn a_fixture_path_with_escapes_is_echoed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t\u{1b}]0;title\u{7}\nx.json");
    fs::write(&path, include_bytes!("../fixtures/contoso.json")).unwrap();
    let p = path.to_str().unwrap();
    let o = mystaff(&["--tenant", p, "check"]);
    assert_clean(&["check"], &o);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(r"t\e]0;title\u{7}\nx.json: valid"), "{out}");
    // The same path, missing: the error names it escaped.
    let gone = dir.path().join("gone\u{1b}[2J.json");
    let o = mystaff(&["--tenant", gone.to_str().unwrap(), "check"]);
    assert_clean(&["check"], &o);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains(r"gone\e[2J.json"), "{}", text(&o));
}

#[test]
fn only_regular_files_of_bounded_size_are_read_as_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo = fifo.to_str().unwrap();
    let dirpath = dir.path().to_str().unwrap();
    for (tenant, want) in [
        ("/dev/zero", "it is a device, not a regular file"),
        (fifo, "it is a FIFO (named pipe), not a regular file"),
        (dirpath, "it is a directory, not a regular file"),
    ] {
        // With no writer, a FIFO must not block: the timeout of `mystaff` would fail the test.
        for cmd in [&["check"][..], &["au", "list"], &[]] {
            let mut args = vec!["--tenant", tenant, "--ephemeral"];
            args.extend(cmd);
            let o = mystaff(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
            assert!(text(&o).contains(want), "{args:?}: {}", text(&o));
        }
    }

    let small = dir.path().join("contoso.json");
    fs::write(&small, include_bytes!("../fixtures/contoso.json")).unwrap();
    let small = small.to_str().unwrap();
    let o = mystaff(&["--tenant", small, "check", "--max-fixture-size", "100K"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("bytes, more than the limit of 102400 (--max-fixture-size raises it)"),
        "{}",
        text(&o)
    );
    let o = mystaff(&["--tenant", small, "check", "--max-fixture-size", "1M"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for bad in ["0", "1", "2P", "-5", "12x", "99999999999T"] {
        let o = mystaff(&["check", &format!("--max-fixture-size={bad}")]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "--max-fixture-size {bad}: {}",
            text(&o)
        );
        assert!(text(&o).contains("--max-fixture-size"), "{}", text(&o));
    }
}

#[test]
fn a_byte_order_mark_is_read_past() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.json");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(include_bytes!("../fixtures/contoso.json"));
    fs::write(&path, bytes).unwrap();
    let o = mystaff(&["--tenant", path.to_str().unwrap(), "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("valid"), "{}", text(&o));
}

#[test]
fn numeric_flags_hold_their_ranges() {
    for args in [
        &["generate", "--locations", "0", "--users-per-location", "5"][..],
        &[
            "generate",
            "--locations",
            "100001",
            "--users-per-location",
            "5",
        ],
        &[
            "generate",
            "--locations",
            "5",
            "--users-per-location",
            "10001",
        ],
        &[
            "generate",
            "--locations",
            "4294967296",
            "--users-per-location",
            "5",
        ],
        &[
            "generate",
            "--locations",
            "100000",
            "--users-per-location",
            "10000",
        ],
        &["search", "x", "--limit", "0"],
        &["search", "x", "--limit", "18446744073709551616"],
        &["audit", "--limit", "1000001"],
    ] {
        let o = mystaff(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
    let o = mystaff(&["generate", "--locations", "2", "--users-per-location", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// A synced user's reset, which reads the new password from standard input.
const RESET_SYNCED: [&str; 7] = [
    "--ephemeral",
    "reset-password",
    "--as",
    "ContosoChicagoManager1@contoso.com",
    "--target",
    "ContosoChicagoUser4@contoso.com",
    "--password-stdin",
];

#[test]
fn a_password_on_standard_input_is_at_most_256_characters() {
    let reset = |stdin: Vec<u8>| {
        Command::cargo_bin("mystaff")
            .unwrap()
            .args(RESET_SYNCED)
            .write_stdin(stdin)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    };
    let ok = format!("Aa1-{}\n", "é".repeat(252));
    let o = reset(ok.into_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = reset(format!("Aa1-{}\n", "é".repeat(253)).into_bytes());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("longer than 256 characters"),
        "{}",
        text(&o)
    );
    // An endless stream is not read to its end (nor by this test: `pipe_stdin` would read it).
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("mystaff"))
        .args(RESET_SYNCED)
        .stdin(fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("longer than 256 characters"),
        "{}",
        text(&o)
    );
}

#[test]
fn phone_look_alikes_in_a_fixture_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = contoso();
    let phone = |t: &str, n: &str| serde_json::json!([{ "phoneType": t, "phoneNumber": n }]);
    let cases = [
        ("mobile", "+1 4255550142"),
        ("mobile", "+14 255550142"),
        ("mobile", "+142 55550142"),
        ("mobile", "+1 04255550142"),
        ("mobile", "+1 4255550142x1"),
        ("alternateMobile", "+1 4255550143x1"),
        ("mobile", "+999 12345678"),
        ("mobile", "+1 4255550142"),
        ("office", "+1 4255550142x1"),
    ];
    for (k, (t, n)) in cases.iter().enumerate() {
        v["users"][20 + k]["phoneMethods"] = phone(t, n);
    }
    // An alternate mobile needs a mobile first.
    v["users"][25]["phoneMethods"] = serde_json::json!([
        { "phoneType": "mobile", "phoneNumber": "+1 4255550149" },
        { "phoneType": "alternateMobile", "phoneNumber": "+1 4255550143x1" },
    ]);
    let path = dir.path().join("phones.json");
    fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let o = mystaff(&["--tenant", path.to_str().unwrap(), "check"]);
    assert_clean(&["check"], &o);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        "users[21].phoneMethods[0].phoneNumber: `+14 255550142` is not a valid phone number (+14 is not a country calling code; did you mean +1 4255550142?)",
        "users[22].phoneMethods[0].phoneNumber: `+142 55550142` is not a valid phone number (+142 is not a country calling code; did you mean +1 4255550142?)",
        "users[23].phoneMethods[0].phoneNumber: `+1 04255550142` is not a valid phone number (numbers under +1 have 7 or 10 digits after the country code, not 11)",
        "users[24].phoneMethods[0].phoneNumber: `+1 4255550142x1`: only an office phone can have an extension (x…), not the mobile phone",
        "users[25].phoneMethods[1].phoneNumber: `+1 4255550143x1`: only an office phone can have an extension (x…), not the alternate mobile phone",
        "users[26].phoneMethods[0].phoneNumber: `+999 12345678` is not a valid phone number (+999 is not a country calling code)",
        "users[27].phoneMethods[0].phoneNumber: mobile `+1 4255550142` is already registered to users[20]",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(
        !err.contains("users[28]"),
        "an office number with an extension is fine: {err}"
    );
    assert!(!err.contains("users[20]."), "{err}");
}

#[test]
fn the_terminal_ui_without_a_terminal_is_a_usage_error() {
    let o = mystaff(&["--ephemeral"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("mystaff: the terminal UI needs an interactive terminal"),
        "{err}"
    );
}
