//! `graph import`: saved Microsoft Graph responses (in the documented response shapes, with
//! paging, `@odata` annotations, properties mystaff does not use, a device in a unit, a custom
//! role and a failed `$batch` sub-request) become a fixture that `check` accepts and that decides
//! exactly as the equivalent hand-written fixture does; the same responses give the same bytes;
//! what could not be mapped is reported; a directory that is not one is refused in one sentence.

use std::path::Path;
use std::process::Command;

use serde_json::json;

#[path = "common/graph_tenant.rs"]
mod graph_tenant;
use graph_tenant::{by_hand, decisions, responses};

const BIN: &str = env!("CARGO_BIN_EXE_mystaff");
fn save(dir: &Path) {
    let mut entries = Vec::new();
    for (i, (resource, key, body)) in responses().into_iter().enumerate() {
        let file = format!("{:04}-{resource}.json", i + 1);
        std::fs::write(dir.join(&file), serde_json::to_vec(&body).unwrap()).unwrap();
        entries.push(json!({"file": file, "resource": resource, "key": key}));
    }
    let manifest = json!({"format": "mystaff graph responses", "version": 1, "responses": entries});
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
}

fn run(args: &[&std::ffi::OsStr]) -> (i32, Vec<u8>, String) {
    let o = Command::new(BIN).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        o.stdout,
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn import_makes_a_fixture_that_decides_as_the_hand_written_one() {
    let tmp = tempfile::tempdir().unwrap();
    let raw = tmp.path().join("raw");
    std::fs::create_dir(&raw).unwrap();
    save(&raw);
    let out = tmp.path().join("fabrikam.json");
    let (code, stdout, err) = run(&[
        "graph".as_ref(),
        "import".as_ref(),
        raw.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("imported 6 users, 1 groups, 1 service principals, 2 administrative units, 4 role assignments, 1 role eligibilities"), "{err}");
    for want in [
        "not mapped: 1 AU members that are devices (first: 00000000-0000-4000-8000-0000000002bc)",
        "not mapped: 1 role assignments of custom roles (no built-in powers) (first: ra-3)",
        "not mapped: 1 users whose phone methods could not be read (first: 00000000-0000-4000-8000-000000000005)",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    // check accepts it.
    let (code, stdout, err) = run(&["--tenant".as_ref(), out.as_os_str(), "check".as_ref()]);
    assert_eq!(code, 0, "{err}");
    assert!(String::from_utf8_lossy(&stdout).contains("6 users"));
    // Decides as the hand-written fixture does, on every pair and both actions.
    let imported = mystaff::fixture::load("imported", &std::fs::read(&out).unwrap()).unwrap();
    let hand = mystaff::fixture::load("hand", &serde_json::to_vec(&by_hand()).unwrap()).unwrap();
    assert_eq!(decisions(&imported), decisions(&hand));
    // The same responses give the same bytes, to a file or to standard output.
    let (code, again, _) = run(&["graph".as_ref(), "import".as_ref(), raw.as_os_str()]);
    assert_eq!(code, 0);
    assert_eq!(again, std::fs::read(&out).unwrap());
}

#[test]
fn a_directory_that_is_not_one_is_refused_in_one_sentence() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["graph".as_ref(), "import".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "holds no manifest.json: it is not a directory written by `graph pull --save-raw`"
        ),
        "{err}"
    );
    // A manifest cannot send the reader outside the directory.
    std::fs::write(
        tmp.path().join("manifest.json"),
        r#"{"format": "mystaff graph responses", "version": 1, "responses": [{"file": "../etc/passwd", "resource": "users"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(&["graph".as_ref(), "import".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`../etc/passwd` is not a file name in the directory"),
        "{err}"
    );
    // A response that is not JSON names its file, line and column.
    std::fs::write(tmp.path().join("1.json"), "{\"value\": [\n oops]}").unwrap();
    std::fs::write(
        tmp.path().join("manifest.json"),
        r#"{"format": "mystaff graph responses", "version": 1, "responses": [{"file": "1.json", "resource": "users"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(&["graph".as_ref(), "import".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("1.json:2:2: not JSON"), "{err}");
    // An unknown resource, and no organization.
    std::fs::write(tmp.path().join("1.json"), r#"{"value": []}"#).unwrap();
    std::fs::write(
        tmp.path().join("manifest.json"),
        r#"{"format": "mystaff graph responses", "version": 1, "responses": [{"file": "1.json", "resource": "devices"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(&["graph".as_ref(), "import".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`devices` is not a Graph resource mystaff reads"),
        "{err}"
    );
    std::fs::write(
        tmp.path().join("manifest.json"),
        r#"{"format": "mystaff graph responses", "version": 1, "responses": [{"file": "1.json", "resource": "users"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(&["graph".as_ref(), "import".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("no organization was read"), "{err}");
}
