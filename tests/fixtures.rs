//! The checked-in demo fixtures are exactly what the generator writes, and they load.

use mystaff::{contoso, fixture};

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

#[test]
fn checked_in_fixtures_are_up_to_date() {
    // If this fails: `cargo run --example gen_contoso` and commit the result.
    assert!(
        pretty(&contoso::contoso()) == include_str!("../fixtures/contoso.json"),
        "fixtures/contoso.json differs from src/contoso.rs"
    );
    assert!(
        pretty(&contoso::contoso_empty()) == include_str!("../fixtures/contoso-empty.json"),
        "fixtures/contoso-empty.json differs from src/contoso.rs"
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
