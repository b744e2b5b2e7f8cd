//! Smoke run of `mystaff generate` + `mystaff check` on a small tenant (issue 5). No timings here:
//! the benchmarks (`cargo bench`) measure; this only checks the output is valid and deterministic.

use assert_cmd::Command;

fn mystaff() -> Command {
    Command::cargo_bin("mystaff").unwrap()
}

fn generate(dir: &std::path::Path, name: &str, seed: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let o = mystaff()
        .args([
            "generate",
            "--locations",
            "25",
            "--users-per-location",
            "80",
            "--seed",
            seed,
            "--out",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    path
}

#[test]
fn generated_tenant_passes_check_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "a.json", "7");
    let o = mystaff()
        .arg("check")
        .arg("--tenant")
        .arg(&a)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("valid"), "{out}");
    // 25 × 80 location users + head office.
    assert!(out.contains("2008 users"), "{out}");
    assert!(out.contains("25 administrative units"), "{out}");

    let b = generate(dir.path(), "b.json", "7");
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let c = generate(dir.path(), "c.json", "8");
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
}

#[test]
fn generate_to_stdout_is_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "a.json", "3");
    let o = mystaff()
        .args([
            "generate",
            "--locations",
            "25",
            "--users-per-location",
            "80",
            "--seed",
            "3",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(o.stdout, std::fs::read(&a).unwrap());
}

#[test]
fn generated_tenant_searches_and_decides() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "a.json", "1");
    let o = mystaff()
        .arg("--ephemeral")
        .arg("--tenant")
        .arg(&a)
        .args(["search", "seattle", "--limit", "3", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(hits.as_array().map(Vec::len), Some(3));
    let o = mystaff()
        .arg("--ephemeral")
        .arg("--tenant")
        .arg(&a)
        .args([
            "can",
            "--as",
            "admin@nwtraders.com",
            "--action",
            "open-my-staff",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
