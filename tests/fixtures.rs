//! The checked-in demo fixtures are exactly what the generator writes, and they load.

#[path = "common/contoso.rs"]
mod contoso;

use mystaff::fixture;

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

#[test]
fn checked_in_fixtures_are_up_to_date() {
    // If this fails: `cargo run --example gen_contoso` and commit the result.
    assert!(
        pretty(&contoso::contoso()) == include_str!("../fixtures/contoso.json"),
        "fixtures/contoso.json differs from tests/common/contoso.rs"
    );
    assert!(
        pretty(&contoso::contoso_empty()) == include_str!("../fixtures/contoso-empty.json"),
        "fixtures/contoso-empty.json differs from tests/common/contoso.rs"
    );
}

#[test]
fn demo_fixtures_load() {
    let t = fixture::load("contoso.json", include_bytes!("../fixtures/contoso.json")).unwrap();
    assert_eq!(t.info.display_name, "Contoso");
    let empty = fixture::load(
        "contoso-empty.json",
        include_bytes!("../fixtures/contoso-empty.json"),
    )
    .unwrap();
    assert_eq!(empty.info.id, t.info.id);
    assert_eq!(empty.users.len(), 1);
    // The embedded tenant is this same file.
    assert_eq!(
        mystaff::session::CONTOSO_JSON,
        include_bytes!("../fixtures/contoso.json")
    );
}

#[test]
fn au_members_resolve_in_any_order_and_case() {
    let id = |n: u32| format!("00000000-0000-4000-8000-{n:012x}");
    let users: Vec<_> = (1..=4)
        .map(|n| serde_json::json!({"id": id(n), "userPrincipalName": format!("u{n}@t.com"), "displayName": format!("U{n}")}))
        .collect();
    // In order, backwards, with a gap, in capitals, and a user listed twice in a row.
    let members = [
        vec![id(1), id(2), id(3), id(4)],
        vec![id(4), id(3), id(2), id(1)],
        vec![id(2), id(4), id(1)],
        vec![id(3).to_uppercase(), id(4).to_uppercase()],
    ];
    let aus: Vec<_> = members
        .iter()
        .enumerate()
        .map(|(i, m)| serde_json::json!({"id": id(100 + i as u32), "displayName": format!("AU {i}"), "members": m}))
        .collect();
    let fx = serde_json::json!({
        "schemaVersion": 1,
        "tenant": {"id": id(999), "displayName": "T", "defaultDomain": "t.com"},
        "users": users,
        "administrativeUnits": aus,
    });
    let t = fixture::load("order.json", &serde_json::to_vec(&fx).unwrap()).unwrap();
    let users_of = |a: u32| -> Vec<u32> {
        t.au(mystaff::model::AuId(a))
            .members
            .iter()
            .map(|p| match p {
                mystaff::model::Principal::User(u) => u.0,
                other => panic!("not a user: {other:?}"),
            })
            .collect()
    };
    assert_eq!(users_of(0), [0, 1, 2, 3]);
    assert_eq!(users_of(1), [3, 2, 1, 0]);
    assert_eq!(users_of(2), [1, 3, 0]);
    assert_eq!(users_of(3), [2, 3]);

    let mut twice = fx.clone();
    twice["administrativeUnits"][0]["members"] = serde_json::json!([id(1), id(2), id(2), id(3)]);
    let e = fixture::load("twice.json", &serde_json::to_vec(&twice).unwrap()).unwrap_err();
    assert_eq!(
        e.problems,
        [format!(
            "administrativeUnits[0].members[2]: `{}` is listed twice",
            id(2)
        )]
    );
}

#[test]
fn role_holders_are_the_users_with_grants() {
    let mut json = Vec::new();
    let spec = mystaff::generate::Spec {
        locations: 12,
        users_per_location: 40,
        seed: 9,
    };
    mystaff::generate::write_tenant(spec, &mut json).unwrap();
    for (name, bytes) in [
        (
            "contoso.json",
            include_bytes!("../fixtures/contoso.json").as_slice(),
        ),
        ("generated.json", json.as_slice()),
    ] {
        let t = fixture::load(name, bytes).unwrap();
        let expected: Vec<mystaff::model::UserId> = t
            .live_users()
            .filter(|&u| {
                !mystaff::permissions::grants_of(&t, mystaff::model::Principal::User(u)).is_empty()
            })
            .collect();
        assert!(!expected.is_empty(), "{name}");
        assert_eq!(t.role_holders(), expected, "{name}");
    }
}
