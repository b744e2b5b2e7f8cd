//! Operations through a durable session: audit records, journal replay, torn lines, fixture changes.

use std::path::Path;

use mystaff::audit::AuditResult;
use mystaff::model::Principal;
use mystaff::ops::OpError;
use mystaff::phone::PhoneType;
use mystaff::roles::Role;
use mystaff::session::{OpenOptions, Session};
use serde_json::json;

fn tenant_json() -> serde_json::Value {
    json!({
        "schemaVersion": 1,
        "tenant": {"id": "00000000-0000-4000-8000-0000000000aa", "displayName": "T", "defaultDomain": "t.com"},
        "users": [
            {"id": "00000000-0000-4000-8000-000000000001", "userPrincipalName": "mgr@t.com", "displayName": "Store Manager", "assignedLicenses": ["AAD_PREMIUM"]},
            {"id": "00000000-0000-4000-8000-000000000002", "userPrincipalName": "cloud@t.com", "displayName": "Cloud User",
             "phoneMethods": [{"phoneType": "mobile", "phoneNumber": "+1 2065550100"}]},
            {"id": "00000000-0000-4000-8000-000000000003", "userPrincipalName": "synced@t.com", "displayName": "Sam Synced",
             "onPremisesSyncEnabled": true, "onPremisesSamAccountName": "ssynced"},
            {"id": "00000000-0000-4000-8000-000000000004", "userPrincipalName": "ga@t.com", "displayName": "Global Admin"},
            {"id": "00000000-0000-4000-8000-000000000005", "userPrincipalName": "out@t.com", "displayName": "Out Side"}
        ],
        "administrativeUnits": [{"id": "00000000-0000-4000-8000-000000000010", "displayName": "Store",
            "members": ["00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"]}],
        "roleAssignments": [
            {"id": "00000000-0000-4000-8000-000000000020", "roleDefinitionId": "Authentication Administrator",
             "principalId": "00000000-0000-4000-8000-000000000001", "directoryScopeId": "/administrativeUnits/00000000-0000-4000-8000-000000000010"},
            {"id": "00000000-0000-4000-8000-000000000021", "roleDefinitionId": "Global Administrator",
             "principalId": "00000000-0000-4000-8000-000000000004", "directoryScopeId": "/"}
        ]
    })
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.json"),
            serde_json::to_vec_pretty(&tenant_json()).unwrap(),
        )
        .unwrap();
        Env { dir }
    }
    fn fixture(&self) -> std::path::PathBuf {
        self.dir.path().join("t.json")
    }
    fn state(&self) -> std::path::PathBuf {
        self.dir.path().join("state")
    }
    fn open(&self) -> Session {
        self.open_with(false).unwrap()
    }
    fn open_with(&self, rebase: bool) -> Result<Session, mystaff::session::SessionError> {
        Session::open(
            &OpenOptions {
                tenant_file: Some(self.fixture()),
                state_dir: Some(self.state()),
                ephemeral: false,
                rebase,
                repair: false,
                max_fixture_bytes: None,
            },
            "cli",
        )
    }
}

fn ix(s: &Session, upn: &str) -> mystaff::model::UserId {
    s.tenant().find_user(upn).unwrap()
}

#[test]
fn cloud_reset_returns_a_temporary_password_once_and_stores_only_a_hash() {
    let env = Env::new();
    let mut s = env.open();
    let (m, c) = (ix(&s, "mgr@t.com"), ix(&s, "cloud@t.com"));
    let r = s.reset_password(m, c, None).unwrap();
    let pw = r.temporary_password.clone().unwrap();
    let pw = pw.as_str();
    assert!(r.force_change_next_sign_in);
    assert!(pw.len() >= 8);
    let state = &s.tenant().user(c).password();
    assert!(state.force_change_next_sign_in);
    assert!(state.hash.as_deref().unwrap().starts_with("$argon2id$"));
    assert!(mystaff::password::verify(
        pw,
        state.hash.as_deref().unwrap()
    ));
    let journal = std::fs::read_to_string(env.state().join("journal.jsonl")).unwrap();
    assert!(
        !journal.contains(pw),
        "the plaintext password must never reach the disk"
    );
    let audit = s.audit().last().unwrap();
    assert_eq!(audit.activity_display_name, "Reset password (by admin)");
    assert_eq!(audit.result, AuditResult::Success);
    assert_eq!(audit.initiated_by.user.user_principal_name, "mgr@t.com");
    assert_eq!(audit.target_name(), "cloud@t.com");
    drop(s);
    // Survives a restart.
    let s = env.open();
    assert!(s.tenant().user(c).password().force_change_next_sign_in);
    assert_eq!(s.audit().len(), 1);
}

#[test]
fn synced_reset_checks_the_on_premises_policy() {
    let env = Env::new();
    let mut s = env.open();
    let (m, y) = (ix(&s, "mgr@t.com"), ix(&s, "synced@t.com"));
    assert!(matches!(
        s.reset_password(m, y, None),
        Err(OpError::Invalid(_))
    ));
    match s.reset_password(m, y, Some("abc")) {
        Err(OpError::PasswordRules { failed, .. }) => assert_eq!(
            failed,
            [
                "At least 7 characters",
                "Characters from at least 3 of: uppercase, lowercase, digits, symbols, other letters"
            ]
        ),
        other => panic!("expected a policy refusal, got {other:?}"),
    }
    let r = s.reset_password(m, y, Some("Blue-Harbor-42")).unwrap();
    assert_eq!(r.temporary_password, None);
    let failures = s
        .audit()
        .iter()
        .filter(|a| a.result == AuditResult::Failure)
        .count();
    assert_eq!(failures, 2, "refused attempts are audited too");
    assert!(
        !serde_json::to_string(s.audit())
            .unwrap()
            .contains("Blue-Harbor-42")
    );
}

#[test]
fn synced_reset_needs_writeback() {
    let env = Env::new();
    let mut v = tenant_json();
    v["settings"] = json!({"passwordWriteback": false});
    std::fs::write(env.fixture(), serde_json::to_vec(&v).unwrap()).unwrap();
    let mut s = env.open();
    let (m, y) = (ix(&s, "mgr@t.com"), ix(&s, "synced@t.com"));
    let e = s.reset_password(m, y, Some("Blue-Harbor-42")).unwrap_err();
    assert!(
        e.to_string()
            .contains("on-premises password writeback is not configured for this tenant")
    );
}

#[test]
fn refused_reset_is_audited_with_the_reason() {
    let env = Env::new();
    let mut s = env.open();
    let (m, o) = (ix(&s, "mgr@t.com"), ix(&s, "out@t.com"));
    let e = s.reset_password(m, o, None).unwrap_err();
    assert_eq!(e.exit_code(), 1);
    let a = s.audit().last().unwrap();
    assert_eq!(a.result, AuditResult::Failure);
    assert!(a.result_reason.contains("not in a location you manage"));
}

#[test]
fn phone_rules_and_uniqueness() {
    let env = Env::new();
    let mut s = env.open();
    let (m, c, y) = (
        ix(&s, "mgr@t.com"),
        ix(&s, "cloud@t.com"),
        ix(&s, "synced@t.com"),
    );
    // Same mobile as another user.
    let e = s
        .set_phone(m, y, PhoneType::Mobile, "+1 2065550100")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Someone in the tenant has the same mobile number already"
    );
    // Alternate needs a mobile first.
    assert!(
        s.set_phone(m, y, PhoneType::AlternateMobile, "+1 2065550111")
            .is_err()
    );
    // Malformed number names the expected format.
    let e = s
        .set_phone(m, y, PhoneType::Mobile, "555-0100")
        .unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("+1 2065555555"), "{e}");
    s.set_phone(m, y, PhoneType::Mobile, "+1 2065550199")
        .unwrap();
    s.set_phone(m, y, PhoneType::AlternateMobile, "+1 2065550111")
        .unwrap();
    // Removing the mobile while an alternate exists is refused.
    assert!(s.remove_phone(m, y, PhoneType::Mobile).is_err());
    s.remove_phone(m, y, PhoneType::AlternateMobile).unwrap();
    s.remove_phone(m, c, PhoneType::Mobile).unwrap();
    // The freed number can now be used by someone else.
    s.remove_phone(m, y, PhoneType::Mobile).unwrap();
    s.set_phone(m, y, PhoneType::Mobile, "+1 2065550100")
        .unwrap();
    let names: Vec<_> = s
        .audit()
        .iter()
        .map(|a| a.activity_display_name.as_str())
        .collect();
    assert!(names.contains(&"Admin registered security info"));
    assert!(names.contains(&"Admin deleted security info"));
    // The audit log masks numbers.
    assert!(
        !serde_json::to_string(s.audit())
            .unwrap()
            .contains("2065550199")
    );
    drop(s);
    let s = env.open();
    assert_eq!(
        s.tenant()
            .user(y)
            .phone(PhoneType::Mobile)
            .unwrap()
            .phone_number,
        "+1 2065550100"
    );
    assert!(s.tenant().user(c).phone(PhoneType::Mobile).is_none());
}

#[test]
fn administrative_units_and_scoped_roles_round_trip() {
    let env = Env::new();
    let mut s = env.open();
    let (ga, m, o) = (ix(&s, "ga@t.com"), ix(&s, "mgr@t.com"), ix(&s, "out@t.com"));
    assert!(matches!(
        s.create_au(m, "Depot", None, false),
        Err(OpError::Refused(_))
    ));
    s.create_au(ga, "Depot", Some("The depot"), false).unwrap();
    assert!(matches!(
        s.create_au(ga, "depot", None, false),
        Err(OpError::Invalid(_))
    ));
    let depot = s.tenant().find_au("Depot").unwrap();
    s.add_au_member(ga, depot, Principal::User(o)).unwrap();
    let (_, warnings) = s
        .assign_scoped_role(ga, depot, Role::HELPDESK_ADMINISTRATOR, Principal::User(m))
        .unwrap();
    assert!(warnings.is_empty(), "mgr has a P1 licence");
    let (_, warnings) = s
        .assign_scoped_role(ga, depot, Role::HELPDESK_ADMINISTRATOR, Principal::User(ga))
        .unwrap();
    assert_eq!(warnings.len(), 1, "no licence: a warning");
    assert!(
        s.assign_scoped_role(ga, depot, Role::GLOBAL_ADMINISTRATOR, Principal::User(m))
            .is_err()
    );
    assert!(
        s.reset_password(m, o, None).is_ok(),
        "mgr now manages Depot"
    );
    drop(s);
    let mut s = env.open();
    let depot = s.tenant().find_au("Depot").unwrap();
    assert_eq!(s.tenant().au(depot).members.len(), 1);
    assert!(
        s.reset_password(m, o, None).is_ok(),
        "replayed assignment still works"
    );
    s.delete_au(ga, depot).unwrap();
    assert!(
        s.reset_password(m, o, None).is_err(),
        "the AU's scoped roles went with it"
    );
    drop(s);
    let s = env.open();
    assert!(s.tenant().find_au("Depot").is_err());
    assert!(
        s.audit()
            .iter()
            .any(|a| a.activity_display_name == "Delete administrative unit")
    );
}

fn journal(env: &Env) -> std::path::PathBuf {
    env.state().join("journal.jsonl")
}

fn append_raw(p: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
    f.write_all(bytes).unwrap();
}

#[test]
fn torn_last_line_is_reported_and_skipped_without_losing_earlier_entries() {
    let env = Env::new();
    let mut s = env.open();
    let (m, c) = (ix(&s, "mgr@t.com"), ix(&s, "cloud@t.com"));
    s.reset_password(m, c, None).unwrap();
    drop(s);
    append_raw(&journal(&env), b"{\"change\": {\"type\": \"phoneRem");
    let mut s = env.open();
    assert_eq!(s.audit().len(), 1);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("torn") || w.contains("incomplete")),
        "{:?}",
        s.warnings
    );
    s.reset_password(m, c, None).unwrap();
    drop(s);
    let s = env.open();
    assert_eq!(s.audit().len(), 2);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn a_torn_line_another_writer_leaves_while_this_session_runs_reaches_the_user() {
    let env = Env::new();
    let mut s = env.open();
    let (m, c) = (ix(&s, "mgr@t.com"), ix(&s, "cloud@t.com"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    // Another process crashed mid-write after this session opened the journal.
    append_raw(&journal(&env), b"{\"change\": {\"type\": \"phoneRem");
    s.reset_password(m, c, None).unwrap();
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("torn") || w.contains("incomplete")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn a_torn_line_found_by_a_cli_change_is_printed_as_a_warning() {
    let env = Env::new();
    let s = env.open();
    drop(s);
    append_raw(&journal(&env), b"{\"change\": {\"type\": \"phoneRem");
    let o = assert_cmd::Command::cargo_bin("mystaff")
        .unwrap()
        .args([
            "--tenant",
            env.fixture().to_str().unwrap(),
            "--state",
            env.state().to_str().unwrap(),
            "audit",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("mystaff: warning: "), "{err}");
}

#[test]
fn a_changed_fixture_is_refused_unless_rebased() {
    let env = Env::new();
    let mut s = env.open();
    let (m, c) = (ix(&s, "mgr@t.com"), ix(&s, "cloud@t.com"));
    s.reset_password(m, c, None).unwrap();
    drop(s);
    let mut v = tenant_json();
    v["users"][4]["displayName"] = json!("Renamed");
    std::fs::write(env.fixture(), serde_json::to_vec(&v).unwrap()).unwrap();
    let e = env.open_with(false).err().expect("must refuse");
    assert_eq!(e.exit_code(), 3);
    assert!(e.to_string().contains("--rebase"), "{e}");
    let s = env.open_with(true).unwrap();
    assert_eq!(s.audit().len(), 1);
    assert!(s.tenant().user(c).password().force_change_next_sign_in);
    drop(s);
    assert!(
        env.open_with(false).is_ok(),
        "after a rebase the new fixture is the base"
    );
}

#[test]
fn ephemeral_sessions_write_nothing() {
    let env = Env::new();
    let mut s = Session::open(
        &OpenOptions {
            tenant_file: Some(env.fixture()),
            state_dir: Some(env.state()),
            ephemeral: true,
            rebase: false,
            repair: false,
            max_fixture_bytes: None,
        },
        "cli",
    )
    .unwrap();
    let (m, c) = (ix(&s, "mgr@t.com"), ix(&s, "cloud@t.com"));
    s.reset_password(m, c, None).unwrap();
    assert!(!env.state().exists());
}

#[test]
fn two_sessions_see_each_others_changes_before_deciding() {
    let env = Env::new();
    let mut a = env.open();
    let mut b = env.open();
    let (ga, m, o) = (ix(&a, "ga@t.com"), ix(&a, "mgr@t.com"), ix(&a, "out@t.com"));
    a.create_au(ga, "Depot", None, false).unwrap();
    // b has not refreshed, but its next change catches up first: the duplicate name is refused.
    assert!(matches!(
        b.create_au(ga, "Depot", None, false),
        Err(OpError::Invalid(_))
    ));
    let depot = b.tenant().find_au("Depot").unwrap();
    b.add_au_member(ga, depot, Principal::User(o)).unwrap();
    b.assign_scoped_role(
        ga,
        depot,
        Role::AUTHENTICATION_ADMINISTRATOR,
        Principal::User(m),
    )
    .unwrap();
    // a decides on fresh state: the manager can now act on `out`.
    a.set_phone(m, o, PhoneType::Mobile, "+1 2065550177")
        .unwrap();
    assert_eq!(a.refresh().unwrap(), 0);
    assert_eq!(b.refresh().unwrap(), 1);
    assert_eq!(a.audit().len(), b.audit().len());
}
