//! Loading a fixture file through the mapped fast path (`fixture::load_mapped`, used by
//! `session::load_fixture`) gives the same tenant, digest and problems as the plain `fixture::load`.

use mystaff::generate::{Spec, write_tenant};
use mystaff::storage::{FixtureBytes, fixture_digest};
use mystaff::{fixture, session};

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn mapped_load_matches_plain_load() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    // More users than one batch (1,024), so pages are given back while parsing.
    let spec = Spec {
        locations: 30,
        users_per_location: 200,
        seed: 7,
    };
    write_tenant(spec, &mut bytes).unwrap();
    let path = write(dir.path(), "t.json", &bytes);

    let plain = fixture::load("t.json", &bytes).unwrap();
    let fb = FixtureBytes::open(&path, mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES).unwrap();
    let (mapped, digest) = fixture::load_mapped("t.json", &fb).unwrap();
    assert_eq!(digest, fixture_digest(&bytes));
    assert_eq!(
        fb.as_slice(),
        &bytes[..],
        "given-back pages read the same again"
    );
    assert_eq!(mapped.users, plain.users);
    assert_eq!(mapped.aus, plain.aus);
    assert_eq!(mapped.assignments, plain.assignments);
    for u in [0u32, 1, 2999, 5999].map(mystaff::model::UserId) {
        let upn = plain.user(u).upn().to_uppercase();
        assert_eq!(mapped.find_user(&upn), Some(u));
        assert_eq!(mapped.find_user(plain.user(u).id()), Some(u));
    }
    for u in plain.live_users() {
        if let Some(m) = plain.user(u).phone(mystaff::phone::PhoneType::Mobile) {
            assert_eq!(mapped.mobile_owner(&m.phone_number), Some(u));
        }
    }

    let (t, d, name) =
        session::load_fixture(Some(&path), mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES).unwrap();
    let want = (plain.users.len(), digest, path.display().to_string());
    assert_eq!((t.users.len(), d, name), want);
}

#[test]
fn mapped_load_reports_the_same_problems() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    let spec = Spec {
        locations: 8,
        users_per_location: 200,
        seed: 3,
    };
    write_tenant(spec, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let cases = [
        // A syntax error late in the users.
        text.replacen("\"displayName\":\"", "\"displayName\":", 1500),
        // A shape error in one user.
        text.replacen("\"jobTitle\"", "\"jobTitel\"", 1200),
        // Rule problems: a duplicate UPN, a bad mobile.
        text.replacen("@nwtraders.com\"", "@NWTRADERS.COM\"", 1)
            .replacen("\"admin@", "\"roleadmin@", 1)
            .replacen("+1 4255550100", "12", 1),
        // Cut off.
        text[..text.len() / 2].to_string(),
    ];
    for (i, case) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("bad{i}.json"), case.as_bytes());
        let plain = fixture::load("f.json", case.as_bytes()).unwrap_err();
        let fb = FixtureBytes::open(&path, mystaff::storage::DEFAULT_MAX_FIXTURE_BYTES).unwrap();
        let mapped = fixture::load_mapped("f.json", &fb).unwrap_err();
        assert!(!plain.problems.is_empty(), "case {i}");
        assert_eq!(mapped, plain, "case {i}");
    }
}

#[test]
fn phone_problems_keep_their_order_with_many_phones() {
    let mut phones = vec![
        serde_json::json!({"phoneType": "mobile", "phoneNumber": "+1 2065550100"}),
        serde_json::json!({"phoneType": "mobile", "phoneNumber": "+1 2065550101"}),
    ];
    for j in 2..70 {
        // Valid office numbers at 40 and 66 (past the 64 checked on the parsing thread).
        let number = if j == 40 || j == 66 {
            "+1 2065550199"
        } else {
            "12"
        };
        phones.push(serde_json::json!({"phoneType": "office", "phoneNumber": number}));
    }
    let v = serde_json::json!({
        "schemaVersion": 1,
        "tenant": {"id": "00000000-0000-4000-8000-0000000000aa", "displayName": "T", "defaultDomain": "t.com"},
        "users": [
            {"id": "00000000-0000-4000-8000-000000000001", "userPrincipalName": "a@t.com",
             "displayName": "A", "phoneMethods": phones},
            {"id": "00000000-0000-4000-8000-000000000002", "userPrincipalName": "b@t.com",
             "displayName": "B", "phoneMethods": [{"phoneType": "mobile", "phoneNumber": " +1 2065550100 "}]}
        ]
    });
    let p = fixture::load("p.json", &serde_json::to_vec(&v).unwrap())
        .unwrap_err()
        .problems;
    let at = |needle: &str| {
        p.iter()
            .position(|m| m.starts_with(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {p:#?}"))
    };
    let second = at("users[0].phoneMethods[1].phoneType: a second `mobile` phone");
    let bad2 = at("users[0].phoneMethods[2].phoneNumber: `12` is not a valid phone number");
    let second66 = at("users[0].phoneMethods[66].phoneType: a second `office` phone");
    let bad69 = at("users[0].phoneMethods[69].phoneNumber: `12` is not a valid phone number");
    let taken = at(
        "users[1].phoneMethods[0].phoneNumber: mobile `+1 2065550100` is already registered to users[0]",
    );
    assert!(second < bad2 && bad2 < second66 && second66 < bad69 && bad69 < taken);
    assert!(
        !p.iter()
            .any(|m| m.starts_with("users[0].phoneMethods[40].phoneNumber"))
    );
    // 66 numbers of 70 are invalid; 40 is the first office phone, 66 the second.
    let invalid = p
        .iter()
        .filter(|m| m.contains("is not a valid phone number"))
        .count();
    assert_eq!(invalid, 66, "{p:#?}");
}
