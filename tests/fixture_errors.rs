//! A corpus of broken fixtures, each with the message it must produce.

use mystaff::fixture;
use serde_json::{Value, json};

const T: &str = "00000000-0000-4000-8000-0000000000aa";
const U1: &str = "00000000-0000-4000-8000-000000000001";
const U2: &str = "00000000-0000-4000-8000-000000000002";
const AU: &str = "00000000-0000-4000-8000-000000000010";
const G: &str = "00000000-0000-4000-8000-000000000020";

fn base() -> Value {
    json!({
        "schemaVersion": 1,
        "tenant": {"id": T, "displayName": "T", "defaultDomain": "t.com"},
        "users": [
            {"id": U1, "userPrincipalName": "a@t.com", "displayName": "A"},
            {"id": U2, "userPrincipalName": "b@t.com", "displayName": "B"}
        ],
        "groups": [{"id": G, "displayName": "Plain", "isAssignableToRole": false, "members": [U1], "owners": []}],
        "administrativeUnits": [{"id": AU, "displayName": "Store", "members": [U1]}],
        "roleAssignments": []
    })
}

fn problems(v: &Value) -> Vec<String> {
    let bytes = serde_json::to_vec_pretty(v).unwrap();
    match fixture::load("bad.json", &bytes) {
        Ok(_) => panic!("expected an error for {v}"),
        Err(e) => {
            assert_eq!(e.file, "bad.json");
            assert!(
                e.to_string()
                    .starts_with("bad.json: invalid tenant fixture")
            );
            e.problems
        }
    }
}

fn expect(v: Value, needle: &str) {
    let p = problems(&v);
    assert!(
        p.iter().any(|m| m.contains(needle)),
        "expected a problem containing {needle:?}, got {p:#?}"
    );
}

#[test]
fn the_base_fixture_is_valid() {
    let bytes = serde_json::to_vec(&base()).unwrap();
    assert!(fixture::load("ok.json", &bytes).is_ok());
}

#[test]
fn syntax_error_has_line_and_column() {
    let e = fixture::load(
        "x.json",
        b"{\n  \"schemaVersion\": 1,\n  \"tenant\": {,}\n}",
    )
    .unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert!(
        e.problems[0].starts_with("line 3, column 14:"),
        "{:?}",
        e.problems
    );
}

#[test]
fn truncated_file() {
    let e = fixture::load("x.json", b"{\"schemaVersion\": 1, \"users\": [").unwrap_err();
    assert!(
        e.problems[0].contains("unexpected end of file"),
        "{:?}",
        e.problems
    );
}

#[test]
fn unknown_field_is_an_error_with_position_and_entity() {
    let mut v = base();
    v["users"][1]["userPrincipleName"] = json!("typo");
    let p = problems(&v);
    assert!(p[0].starts_with("line "), "{p:?}");
    assert!(p[0].contains("unknown field `userPrincipleName`"), "{p:?}");
    assert!(
        p.iter()
            .any(|m| m.starts_with("users[1]: unknown field `userPrincipleName`")),
        "{p:?}"
    );
}

#[test]
fn wrong_type_names_the_entity() {
    let mut v = base();
    v["users"][0]["accountEnabled"] = json!("yes");
    expect(
        v,
        "users[0]: invalid type: string \"yes\", expected a boolean",
    );
}

#[test]
fn duplicate_ids_and_upns() {
    let mut v = base();
    v["users"][1]["id"] = json!(U1);
    expect(v, "users[1].id: duplicate id");
    let mut v = base();
    v["users"][1]["userPrincipalName"] = json!("A@T.COM");
    expect(
        v,
        "users[1].userPrincipalName: duplicate UPN `A@T.COM` (also users[0]",
    );
    let mut v = base();
    v["administrativeUnits"][0]["id"] = json!(G);
    expect(v, "administrativeUnits[0].id: duplicate id");
}

#[test]
fn bad_upn() {
    let mut v = base();
    v["users"][0]["userPrincipalName"] = json!("no-at-sign");
    expect(
        v,
        "users[0].userPrincipalName: `no-at-sign` is not a user principal name",
    );
}

#[test]
fn dangling_references() {
    let mut v = base();
    v["administrativeUnits"][0]["members"] = json!(["00000000-0000-4000-8000-00000000dead"]);
    expect(
        v,
        "administrativeUnits[0].members[0]: no user or group has the id",
    );
    let mut v = base();
    v["groups"][0]["members"] = json!(["nobody"]);
    expect(v, "groups[0].members[0]: no user has the id `nobody`");
    let mut v = base();
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "Helpdesk Administrator", "principalId": "ghost", "directoryScopeId": "/"}]);
    expect(
        v,
        "roleAssignments[0].principalId: no user, group or service principal has the id `ghost`",
    );
    let mut v = base();
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "Helpdesk Administrator", "principalId": U1, "directoryScopeId": "/administrativeUnits/nope"}]);
    expect(
        v,
        "roleAssignments[0].directoryScopeId: no administrative unit has the id `nope`",
    );
    let mut v = base();
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "Helpdesk Administrator", "principalId": U1, "directoryScopeId": "/groups/x"}]);
    expect(v, "is not `/` or `/administrativeUnits/<id>`");
}

#[test]
fn role_rules() {
    let mut v = base();
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "Coffee Administrator", "principalId": U1, "directoryScopeId": "/"}]);
    expect(
        v,
        "roleAssignments[0].roleDefinitionId: `Coffee Administrator` is not a built-in role",
    );
    let mut v = base();
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10", "principalId": U1, "directoryScopeId": format!("/administrativeUnits/{AU}")}]);
    expect(
        v,
        "roleAssignments[0]: Global Administrator cannot be assigned at administrative-unit scope",
    );
    let mut v = base();
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "Helpdesk Administrator", "principalId": G, "directoryScopeId": "/"}]);
    expect(v, "group `Plain` is not role-assignable");
    let mut v = base();
    v["roleAssignments"] = json!([
        {"id": "r1", "roleDefinitionId": "Helpdesk Administrator", "principalId": U1, "directoryScopeId": "/"},
        {"id": "r2", "roleDefinitionId": "729827e3-9c14-49f7-bb1b-9608f156bbb8", "principalId": U1, "directoryScopeId": "/"}
    ]);
    expect(v, "roleAssignments[1]: duplicate of roleAssignments[0]");
}

#[test]
fn phone_rules() {
    let mut v = base();
    v["users"][0]["phoneMethods"] = json!([{"phoneType": "mobile", "phoneNumber": "206-555-0100"}]);
    expect(
        v,
        "users[0].phoneMethods[0].phoneNumber: `206-555-0100` is not a valid phone number",
    );
    let mut v = base();
    v["users"][0]["phoneMethods"] = json!([
        {"phoneType": "office", "phoneNumber": "+1 2065550100"},
        {"phoneType": "office", "phoneNumber": "+1 2065550101"}
    ]);
    expect(
        v,
        "users[0].phoneMethods[1].phoneType: a second `office` phone",
    );
    let mut v = base();
    v["users"][0]["phoneMethods"] =
        json!([{"phoneType": "alternateMobile", "phoneNumber": "+1 2065550100"}]);
    expect(v, "an alternateMobile needs a mobile first");
    let mut v = base();
    v["users"][0]["phoneMethods"] =
        json!([{"phoneType": "mobile", "phoneNumber": "+1 2065550100"}]);
    v["users"][1]["phoneMethods"] =
        json!([{"phoneType": "mobile", "phoneNumber": "+1 2065550100"}]);
    expect(
        v,
        "users[1].phoneMethods[0].phoneNumber: mobile `+1 2065550100` is already registered to users[0]",
    );
    let mut v = base();
    v["users"][0]["phoneMethods"] = json!([{"phoneType": "pager", "phoneNumber": "+1 2065550100"}]);
    expect(v, "users[0]: unknown variant `pager`");
}

#[test]
fn synced_user_needs_sam_account_name() {
    let mut v = base();
    v["users"][0]["onPremisesSyncEnabled"] = json!(true);
    expect(v, "users[0].onPremisesSamAccountName: a synced user");
}

#[test]
fn settings_rules() {
    let mut v = base();
    v["settings"] = json!({"myStaff": {"access": "selected"}});
    expect(
        v,
        "settings.myStaff: access `selected` needs at least one id",
    );
    let mut v = base();
    v["settings"] = json!({"myStaff": {"access": "selected", "selectedPrincipalIds": ["ghost"]}});
    expect(
        v,
        "settings.myStaff.selectedPrincipalIds[0]: no user or group has the id `ghost`",
    );
    let mut v = base();
    v["settings"] = json!({"myStaff": {"access": "sometimes"}});
    expect(v, "unknown variant `sometimes`");
}

#[test]
fn schema_version_and_tenant() {
    let mut v = base();
    v["schemaVersion"] = json!(2);
    expect(v, "schemaVersion: 2 is not supported");
    let mut v = base();
    v["tenant"]["id"] = json!("contoso");
    expect(v, "tenant.id: `contoso` is not a GUID");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut v = base();
    v["users"][1]["userPrincipalName"] = json!("a@t.com");
    v["administrativeUnits"][0]["members"] = json!(["ghost"]);
    v["roleAssignments"] = json!([{"id": "r1", "roleDefinitionId": "Nope", "principalId": U1, "directoryScopeId": "/"}]);
    v["users"][0]["phoneMethods"] = json!([{"phoneType": "mobile", "phoneNumber": "12"}]);
    let p = problems(&v);
    assert_eq!(p.len(), 4, "{p:#?}");
}

#[test]
fn role_eligibilities_are_validated_like_assignments() {
    let elig = |role: &str, principal: &str, scope: &str, extra: Value| {
        let mut e = json!({"id": "7d2f4a7e-0000-4000-8000-0000000000e1", "roleDefinitionId": role,
            "principalId": principal, "directoryScopeId": scope});
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        let mut v = base();
        v["roleEligibilities"] = json!([e]);
        v
    };
    let none = json!({});
    expect(
        elig(
            "Global Administrator",
            "00000000-0000-4000-8000-00000000dead",
            "/",
            none.clone(),
        ),
        "roleEligibilities[0].principalId: no user, group or service principal has the id",
    );
    expect(
        elig("No Such Role", U1, "/", none.clone()),
        "roleEligibilities[0].roleDefinitionId: `No Such Role` is not a built-in role",
    );
    expect(
        elig(
            "Global Administrator",
            U1,
            "/administrativeUnits/nope",
            none.clone(),
        ),
        "roleEligibilities[0].directoryScopeId: no administrative unit has the id `nope`",
    );
    expect(
        elig(
            "Global Administrator",
            U1,
            "/",
            json!({"startDateTime": "soon"}),
        ),
        "roleEligibilities[0].startDateTime: `soon` is not an RFC 3339 date and time",
    );
    expect(
        elig(
            "Global Administrator",
            U1,
            "/",
            json!({"startDateTime": "2026-12-02T10:00:00Z", "endDateTime": "2026-12-01T10:00:00Z"}),
        ),
        "roleEligibilities[0].endDateTime: must be after startDateTime",
    );
    expect(
        elig("Global Administrator", U1, "/", json!({"until": "x"})),
        "unknown field `until`",
    );
    // A valid one loads.
    let v = elig(
        "Global Administrator",
        U1,
        "/",
        json!({"startDateTime": "2026-12-01T10:00:00Z", "endDateTime": "2027-12-01T10:00:00Z"}),
    );
    let t = fixture::load("ok.json", &serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(t.eligibilities.len(), 1);
    let mut v = base();
    v["groups"] = json!([{"id": "7d2f4a7e-0000-4000-8000-0000000000e2", "displayName": "G",
        "isAssignableToRole": true, "eligibleMembers": ["00000000-0000-4000-8000-00000000dead"]}]);
    expect(v, "groups[0].eligibleMembers[0]: no user has the id");
}
