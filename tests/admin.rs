//! Tenant administration end to end through the CLI: the My Staff access setting, user
//! creation and deletion, tenant-wide role assignment, and the seed's scripts in examples/, with
//! the equivalence of the scripted tenant and fixtures/contoso.json.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use mystaff::audit::AuditResult;
use mystaff::model::{Principal, Scope, Tenant};
use mystaff::permissions::{self, Action, OOPS, Target};
use mystaff::session::{OpenOptions, Session};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mystaff");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
fn full_fixture() -> PathBuf {
    root().join("fixtures/contoso.json")
}
fn empty_fixture() -> PathBuf {
    root().join("fixtures/contoso-empty.json")
}

const ADMIN: &str = "ContosoAdmin@contoso.com";
const ROLE_ADMIN: &str = "ContosoRoleAdmin@contoso.com";
/// User Administrator tenant-wide (a store user in the fixture).
const TENANT_UA: &str = "ContosoPortlandUser5@contoso.com";
/// User Administrator tenant-wide, as the seed's Orlando managers.
const ORLANDO: &str = "ContosoOrlandoManager1@contoso.com";
/// User Administrator scoped to Chicago.
const CHICAGO: &str = "ContosoChicagoManager1@contoso.com";
/// Authentication Administrator scoped to Seattle.
const SEATTLE: &str = "ContosoSeattleManager1@contoso.com";

/// A state directory over a fixture; every call is a fresh `mystaff` process.
struct Env {
    dir: tempfile::TempDir,
    tenant: PathBuf,
}

impl Env {
    fn full() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            tenant: full_fixture(),
        }
    }
    fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--tenant")
            .arg(&self.tenant)
            .arg("--state")
            .arg(self.state())
            .args(args)
            .output()
            .unwrap()
    }
    /// Runs and checks the exit code; returns (stdout, stderr).
    fn expect(&self, code: i32, args: &[&str]) -> (String, String) {
        let o = self.run(args);
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        );
        assert_eq!(
            o.status.code(),
            Some(code),
            "mystaff {args:?}\nstdout: {out}\nstderr: {err}"
        );
        (out, err)
    }
    fn json(&self, args: &[&str]) -> Value {
        let (out, _) = self.expect(0, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }
    fn session(&self) -> Session {
        Session::open(
            &OpenOptions {
                tenant_file: Some(self.tenant.clone()),
                state_dir: Some(self.state()),
                ephemeral: false,
                rebase: false,
                repair: false,
                max_fixture_bytes: None,
            },
            "cli",
        )
        .unwrap()
    }
    fn audit_names(&self) -> Vec<(String, String)> {
        let v = self.json(&["audit", "--json"]);
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["activityDisplayName"].as_str().unwrap().to_string(),
                    r["result"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

fn my_staff<'a>(who: &'a str, access: &'a str) -> Vec<&'a str> {
    vec!["settings", "my-staff", "--as", who, "--access", access]
}

// ---- the My Staff access setting --------------------------------------------------------------

#[test]
fn my_staff_setting_is_for_user_and_global_administrators_at_tenant_scope() {
    let env = Env::full();
    for who in [SEATTLE, ROLE_ADMIN, CHICAGO, "ContosoAuditor@contoso.com"] {
        let (_, err) = env.expect(1, &my_staff(who, "none"));
        assert!(
            err.contains("Changing the My Staff access setting takes User Administrator or Global Administrator at tenant scope; you hold"),
            "{who}: {err}"
        );
    }
    let (_, err) = env.expect(1, &my_staff(CHICAGO, "none"));
    assert!(
        err.contains("User Administrator (scoped to Chicago)"),
        "{err}"
    );
    assert_eq!(
        env.json(&["settings", "show", "--json"])["myStaff"]["access"],
        "all"
    );

    let (out, _) = env.expect(0, &my_staff(TENANT_UA, "none"));
    assert_eq!(
        out.lines().next(),
        Some("Administrators can access My Staff: none.")
    );
    assert!(out.contains("To undo it: mystaff --tenant "), "{out}");
    env.expect(0, &my_staff(ADMIN, "all"));
    let audit = env.audit_names();
    let settings: Vec<_> = audit
        .iter()
        .filter(|(n, _)| n == "Update MyStaff feature value")
        .collect();
    assert_eq!(settings.len(), 7, "{audit:?}");
    assert_eq!(settings.iter().filter(|(_, r)| r == "success").count(), 2);
    // The audit record names old and new values.
    let last = &env.json(&["audit", "--json", "--limit", "1"])[0];
    assert_eq!(last["category"], "UserManagement");
    let props = &last["targetResources"][0]["modifiedProperties"][0];
    assert_eq!(props["displayName"], "access");
    assert_eq!(props["oldValue"], "none");
    assert_eq!(props["newValue"], "all");
}

#[test]
fn my_staff_setting_input_errors_exit_2() {
    let env = Env::full();
    let (_, err) = env.expect(2, &my_staff(ADMIN, "selected"));
    assert!(err.contains("needs at least one user or group"), "{err}");
    let mut a = my_staff(ADMIN, "selected");
    a.extend(["--principal", "nobody@contoso.com"]);
    let (_, err) = env.expect(2, &a);
    assert!(err.contains("nobody@contoso.com"), "{err}");
    let mut a = my_staff(ADMIN, "all");
    a.extend(["--principal", SEATTLE]);
    let (_, err) = env.expect(2, &a);
    assert!(err.contains("only with access `selected`"), "{err}");
    let mut a = my_staff(ADMIN, "selected");
    a.extend(["--principal", "Contoso Provisioning"]);
    let (_, err) = env.expect(2, &a);
    assert!(err.contains("service principal"), "{err}");
    env.expect(2, &my_staff(ADMIN, "some"));
    // Nothing changed.
    assert_eq!(
        env.json(&["settings", "show", "--json"])["myStaff"]["access"],
        "all"
    );
}

#[test]
fn none_shuts_every_manager_out_at_once_and_an_admin_can_reopen() {
    let env = Env::full();
    let can = [
        "can",
        "--as",
        SEATTLE,
        "--action",
        "reset-password",
        "--target",
        "ContosoSeattleUser1@contoso.com",
    ];
    env.expect(0, &can);
    env.expect(0, &my_staff(ADMIN, "none"));
    let (out, _) = env.expect(1, &can);
    assert!(out.starts_with(&format!("refused: {OOPS}")), "{out}");
    assert!(out.contains("set to no one"), "{out}");
    let (out, _) = env.expect(1, &["can", "--as", ADMIN, "--action", "open-my-staff"]);
    assert!(out.contains(OOPS), "{out}");
    let (out, _) = env.expect(0, &["settings", "show"]);
    assert!(
        out.contains("Administrators can access My Staff: none"),
        "{out}"
    );
    // Directory administration is gated by role alone, so the admin is not locked out.
    env.expect(0, &my_staff(ADMIN, "all"));
    env.expect(0, &can);
}

#[test]
fn selected_users_and_groups_open_my_staff_and_nobody_else() {
    let env = Env::full();
    let mut a = my_staff(TENANT_UA, "selected");
    a.extend([
        "--principal",
        SEATTLE,
        "--principal",
        "Contoso Regional Helpdesk",
    ]);
    let (out, _) = env.expect(0, &a);
    assert!(
        out.contains("selected (ContosoSeattleManager1@contoso.com, Contoso Regional Helpdesk)"),
        "{out}"
    );
    let open = |who: &str| {
        env.run(&["can", "--as", who, "--action", "open-my-staff"])
            .status
            .code()
    };
    assert_eq!(open(SEATTLE), Some(0));
    assert_eq!(
        open("ContosoRegionalLead1@contoso.com"),
        Some(0),
        "group member"
    );
    assert_eq!(open("ContosoSeattleManager2@contoso.com"), Some(1));
    let (out, _) = env.expect(
        1,
        &[
            "can",
            "--as",
            "ContosoSeattleManager2@contoso.com",
            "--action",
            "open-my-staff",
        ],
    );
    assert!(out.contains("is not among them"), "{out}");
    let v = env.json(&["settings", "show", "--json"]);
    assert_eq!(v["myStaff"]["access"], "selected");
    let kinds: Vec<&str> = v["myStaff"]["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["user", "group"]);
    // Replayed from the journal in-process too.
    let s = env.session();
    let t = s.tenant();
    assert_eq!(t.settings.my_staff.selected.len(), 2);
    let m2 = t.find_user("ContosoSeattleManager2@contoso.com").unwrap();
    assert!(
        !permissions::decide(t, Principal::User(m2), Action::OpenMyStaff, Target::None).allowed
    );
}

// ---- users ------------------------------------------------------------------------------------

fn create<'a>(who: &'a str, upn: &'a str) -> Vec<&'a str> {
    vec![
        "user",
        "create",
        "--as",
        who,
        "--upn",
        upn,
        "--display-name",
        "New Person",
    ]
}

#[test]
fn user_create_is_for_user_and_global_administrators_at_tenant_scope() {
    let env = Env::full();
    for who in [
        SEATTLE,
        CHICAGO,
        ROLE_ADMIN,
        "ContosoSeattleUser1@contoso.com",
    ] {
        let (_, err) = env.expect(1, &create(who, "new1@contoso.com"));
        assert!(
            err.contains(
                "Creating users takes User Administrator or Global Administrator at tenant scope"
            ),
            "{who}: {err}"
        );
    }
    let mut a = create(ADMIN, "new1@contoso.com");
    a.extend([
        "--job-title",
        "Cashier",
        "--department",
        "Retail",
        "--office-location",
        "Seattle",
        "--license",
        "O365_F3",
        "--json",
    ]);
    let v = env.json(&a);
    assert_eq!(v["userPrincipalName"], "new1@contoso.com");
    let pw = v["temporaryPassword"].as_str().unwrap().to_string();
    assert!(pw.len() >= 8);
    let (out, _) = env.expect(0, &create(ORLANDO, "new2@contoso.com"));
    assert!(out.contains("Temporary password: "), "{out}");
    let mut a = create(TENANT_UA, "new3@contoso.com");
    a.extend(["--synced", "--sam", "new3", "--disabled", "--json"]);
    let v = env.json(&a);
    assert!(
        v.get("temporaryPassword").is_none(),
        "synced: password lives on-premises"
    );

    let p = env.json(&["user", "show", "--target", "new1@contoso.com", "--json"]);
    assert_eq!(p["displayName"], "New Person");
    assert_eq!(p["jobTitle"], "Cashier");
    assert_eq!(p["officeLocation"], "Seattle");
    assert_eq!(p["forceChangePasswordNextSignIn"], true);
    assert_eq!(p["administrativeUnits"], serde_json::json!([]));
    let p = env.json(&["user", "show", "--target", "new3@contoso.com", "--json"]);
    assert_eq!(p["onPremisesSyncEnabled"], true);
    assert_eq!(p["accountEnabled"], false);

    // Durable, and only a hash is kept.
    let journal = std::fs::read_to_string(env.state().join("journal.jsonl")).unwrap();
    assert!(!journal.contains(&pw));
    let s = env.session();
    let t = s.tenant();
    let u = t.find_user("new1@contoso.com").unwrap();
    assert!(mystaff::password::verify(
        &pw,
        t.user(u).password().hash.as_deref().unwrap()
    ));
    assert_eq!(t.user(u).licenses, ["O365_F3"]);
    let adds: Vec<_> = s
        .audit()
        .iter()
        .filter(|r| r.activity_display_name == "Add user")
        .collect();
    assert_eq!(adds.len(), 7);
    assert_eq!(
        adds.iter()
            .filter(|r| r.result == AuditResult::Success)
            .count(),
        3
    );
}

#[test]
fn user_create_input_errors_exit_2() {
    let env = Env::full();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (create(ADMIN, "no-at-sign"), "not a user principal name"),
        (
            create(ADMIN, "x@fabrikam.com"),
            "the tenant's domain contoso.com",
        ),
        (create(ADMIN, "a b@contoso.com"), "is not allowed before @"),
        (create(ADMIN, ".x@contoso.com"), "period"),
        (
            create(ADMIN, "contososeattleuser1@CONTOSO.com"),
            "already exists",
        ),
        (
            vec![
                "user",
                "create",
                "--as",
                ADMIN,
                "--upn",
                "y@contoso.com",
                "--display-name",
                " ",
            ],
            "needs a display name",
        ),
        (
            {
                let mut a = create(ADMIN, "y@contoso.com");
                a.extend(["--sam", "yy"]);
                a
            },
            "only for users synced",
        ),
        (
            {
                let mut a = create(ADMIN, "y@contoso.com");
                a.extend(["--synced", "--sam", "seattleu4"]);
                a
            },
            "already belongs to ContosoSeattleUser4@contoso.com",
        ),
        (
            {
                let mut a = create(ADMIN, "y@contoso.com");
                a.extend(["--synced", "--sam", "bad/name"]);
                a
            },
            "cannot contain",
        ),
        (
            {
                let mut a = create(ADMIN, "y@contoso.com");
                a.push("--synced");
                a
            },
            "--sam",
        ),
        (
            create("nobody@contoso.com", "y@contoso.com"),
            "no user has the UPN",
        ),
    ];
    for (args, want) in cases {
        let (_, err) = env.expect(2, &args);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    assert!(env.session().tenant().find_user("y@contoso.com").is_none());
}

#[test]
fn user_delete_removes_memberships_and_roles_and_replays() {
    let env = Env::full();
    let del = |who: &'static str, target: &'static str| {
        vec!["user", "delete", "--as", who, "--target", target]
    };
    // Refusals: the role is missing, or the target is out of the actor's column.
    for who in [SEATTLE, CHICAGO, ROLE_ADMIN] {
        let (_, err) = env.expect(1, &del(who, "ContosoSeattleUser9@contoso.com"));
        assert!(
            err.contains(
                "Deleting users takes User Administrator or Global Administrator at tenant scope"
            ),
            "{who}: {err}"
        );
    }
    let (_, err) = env.expect(1, &del(ORLANDO, ADMIN));
    assert!(
        err.contains("cannot delete a Global Administrator"),
        "{err}"
    );
    let (_, err) = env.expect(1, &del(ADMIN, "ContosoExecutive1@contoso.com"));
    assert!(
        err.contains("is a member of the restricted unit Executive Office"),
        "{err}"
    );
    let (_, err) = env.expect(1, &del(ADMIN, ADMIN));
    assert!(err.contains("your own account"), "{err}");
    env.expect(2, &del(ADMIN, "nobody@contoso.com"));

    // A store user with an AU-scoped role, a member of a role-assignable group, a plain user.
    let (out, _) = env.expect(0, &del(ADMIN, "ContosoSeattleUser9@contoso.com"));
    assert!(out.contains("Left: Seattle."), "{out}");
    assert!(
        out.contains("Roles removed: Groups Administrator (scoped to Seattle)."),
        "{out}"
    );
    let (out, _) = env.expect(0, &del(ADMIN, "ContosoSeattleUser19@contoso.com"));
    assert!(out.contains("Contoso Regional Helpdesk"), "{out}");
    env.expect(0, &del(ORLANDO, "ContosoPortlandUser1@contoso.com"));
    env.expect(
        2,
        &[
            "user",
            "show",
            "--target",
            "ContosoSeattleUser9@contoso.com",
        ],
    );
    let (out, _) = env.expect(0, &["au", "members", "Seattle"]);
    assert!(!out.contains("ContosoSeattleUser9@"), "{out}");
    let (out, _) = env.expect(0, &["au", "roles", "Seattle"]);
    assert!(!out.contains("ContosoSeattleUser9@"), "{out}");

    // Replay rebuilds the same tenant.
    let s = env.session();
    let t = s.tenant();
    assert!(t.find_user("ContosoSeattleUser9@contoso.com").is_none());
    let seattle = t.find_au("Seattle").unwrap();
    assert_eq!(
        t.au(seattle).members.len(),
        21 - 2,
        "20 users + Floor Staff, minus users 9 and 19"
    );
    let helpdesk = t
        .groups
        .iter()
        .find(|g| g.display_name == "Contoso Regional Helpdesk")
        .unwrap();
    assert_eq!(
        helpdesk.members.len(),
        1,
        "only ContosoRegionalLead1 is left"
    );
    assert!(
        !t.assignments.iter().any(|a| !a.deleted
            && t.user(match a.principal {
                Principal::User(u) => u,
                _ => return false,
            })
            .deleted),
        "no live role assignment of a deleted user"
    );
    let deletes: Vec<_> = s
        .audit()
        .iter()
        .filter(|r| r.activity_display_name == "Delete user")
        .collect();
    assert_eq!(deletes.len(), 9);
    assert_eq!(
        deletes
            .iter()
            .filter(|r| r.result == AuditResult::Success)
            .count(),
        3
    );
    drop(s);
    // The UPN is free again.
    env.expect(0, &create(ADMIN, "ContosoSeattleUser9@contoso.com"));
    let (out, _) = env.expect(0, &["audit", "--target", "ContosoSeattleUser9@contoso.com"]);
    assert!(out.contains("Add user"), "{out}");
}

// ---- tenant-wide roles ------------------------------------------------------------------------

#[test]
fn tenant_role_assignment_is_for_privileged_role_and_global_administrators() {
    let env = Env::full();
    let assign = |who: &'static str, role: &'static str, p: &'static str| {
        vec![
            "role",
            "assign",
            "--as",
            who,
            "--role",
            role,
            "--principal",
            p,
        ]
    };
    let unassign = |who: &'static str, role: &'static str, p: &'static str| {
        vec![
            "role",
            "unassign",
            "--as",
            who,
            "--role",
            role,
            "--principal",
            p,
        ]
    };
    const P1: &str = "ContosoPortlandUser1@contoso.com";
    const P3: &str = "ContosoPortlandUser3@contoso.com";
    for who in [ORLANDO, CHICAGO, TENANT_UA] {
        let (_, err) = env.expect(1, &assign(who, "Helpdesk Administrator", P1));
        assert!(err.contains("Assigning roles tenant-wide takes Privileged Role Administrator or Global Administrator at tenant scope"), "{who}: {err}");
    }
    env.expect(1, &["can", "--as", P1, "--action", "open-my-staff"]);
    let (out, _) = env.expect(0, &assign(ADMIN, "Helpdesk Administrator", P1));
    assert_eq!(
        out.trim(),
        format!("{P1} now holds Helpdesk Administrator tenant-wide.")
    );
    env.expect(0, &["can", "--as", P1, "--action", "open-my-staff"]);
    env.expect(0, &assign(ROLE_ADMIN, "User Administrator", P3));
    let (_, err) = env.expect(2, &assign(ADMIN, "Helpdesk Administrator", P1));
    assert!(err.contains("already holds"), "{err}");
    let (_, err) = env.expect(
        2,
        &assign(ADMIN, "Helpdesk Administrator", "Seattle Floor Staff"),
    );
    assert!(err.contains("not role-assignable"), "{err}");
    env.expect(2, &assign(ADMIN, "No Such Role", P1));
    let v = env.json(&["role", "list", "--json"]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|a| a["principal"]["userPrincipalName"] == P1)
    );

    let (_, err) = env.expect(1, &unassign(ORLANDO, "Helpdesk Administrator", P1));
    assert!(err.contains("Assigning roles tenant-wide takes"), "{err}");
    env.expect(0, &unassign(ROLE_ADMIN, "Helpdesk Administrator", P1));
    env.expect(2, &unassign(ADMIN, "Helpdesk Administrator", P1));
    // A scoped role is not a tenant-wide one.
    env.expect(2, &unassign(ADMIN, "Authentication Administrator", SEATTLE));
    env.expect(1, &["can", "--as", P1, "--action", "open-my-staff"]);
    let audit = env.audit_names();
    let count = |name: &str, result: &str| {
        audit
            .iter()
            .filter(|(n, r)| n == name && r == result)
            .count()
    };
    assert_eq!(count("Add member to role", "success"), 2);
    assert_eq!(count("Add member to role", "failure"), 5);
    assert_eq!(count("Remove member from role", "success"), 1);
    assert_eq!(count("Remove member from role", "failure"), 1);
}

// ---- the seed's scripts -----------------------------------------------------------------------

const CITIES: [&str; 5] = ["Seattle", "Portland", "Denver", "Chicago", "Orlando"];

fn script(name: &str, state: &Path) {
    let o = std::process::Command::new("bash")
        .arg(root().join("examples").join(name))
        .env("MYSTAFF", BIN)
        .env("STATE", state)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{name}: {}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn open_state(state: &Path) -> Session {
    let s = Session::open(
        &OpenOptions {
            tenant_file: Some(empty_fixture()),
            state_dir: Some(state.to_path_buf()),
            ephemeral: false,
            rebase: false,
            repair: false,
            max_fixture_bytes: None,
        },
        "cli",
    )
    .unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    s
}

/// A decision in terms that do not depend on ids: allowed, reason, and (role, scope name) grants.
fn decision(t: &Tenant, actor: &str, action: Action, target: &str) -> (bool, String, Vec<String>) {
    let a = t.find_user(actor).unwrap_or_else(|| panic!("{actor}"));
    let u = t.find_user(target).unwrap_or_else(|| panic!("{target}"));
    let d = permissions::decide(t, Principal::User(a), action, Target::User(u));
    let grants = d
        .granted_by
        .iter()
        .map(|g| permissions::describe_grant(t, g))
        .collect();
    (d.allowed, d.reason, grants)
}

/// Store users to whom contoso.json gives nothing beyond their store: no role (direct or through a
/// group), no group membership or ownership, no restricted unit.
fn plain_store_users(full: &Tenant) -> Vec<String> {
    let mut out = Vec::new();
    for city in CITIES {
        for n in 1..=20 {
            let upn = format!("Contoso{city}User{n}@contoso.com");
            let u = full.find_user(&upn).unwrap();
            let plain = permissions::grants_of(full, Principal::User(u)).is_empty()
                && full.user_groups(u).is_empty()
                && full.user_owned_groups(u).is_empty()
                && full.user_eligible_groups(u).is_empty()
                && full
                    .all_eligibilities_of(Principal::User(u))
                    .next()
                    .is_none()
                && full.user_aus(u).iter().all(|&a| !full.au(a).restricted);
            if plain {
                out.push(upn);
            }
        }
    }
    out
}

#[test]
fn seed_scripts_build_the_contoso_decisions_and_clean_up_after_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    script("contoso-setup.sh", &state);
    script("contoso-create-and-populate.sh", &state);

    let full_bytes = std::fs::read(full_fixture()).unwrap();
    let full = mystaff::fixture::load("contoso.json", &full_bytes).unwrap();
    let s = open_state(&state);
    let t = s.tenant();

    // Every store account matches the fixture's profile.
    for city in CITIES {
        for kind in ["User", "Manager"] {
            for n in 1..=20 {
                let upn = format!("Contoso{city}{kind}{n}@contoso.com");
                let (a, b) = (
                    full.user(full.find_user(&upn).unwrap()),
                    t.user(
                        t.find_user(&upn)
                            .unwrap_or_else(|| panic!("{upn} not created")),
                    ),
                );
                assert_eq!(
                    (
                        &a.display_name(),
                        &a.job_title(),
                        &a.department(),
                        &a.office_location(),
                        a.account_enabled,
                        a.synced,
                        &a.sam_account_name(),
                        &a.licenses,
                        &a.phones,
                    ),
                    (
                        &b.display_name(),
                        &b.job_title(),
                        &b.department(),
                        &b.office_location(),
                        b.account_enabled,
                        b.synced,
                        &b.sam_account_name(),
                        &b.licenses,
                        &b.phones,
                    ),
                    "{upn}"
                );
            }
        }
    }

    // The equivalence: every seed manager × action × plain store user decides the same way.
    let targets = plain_store_users(&full);
    // 100 store users less 10 with a role or a group (and 2 with a PIM eligibility).
    assert_eq!(targets.len(), 88, "{targets:?}");
    let (mut allowed, mut refused, mut managers) = (0, 0, 0);
    for city in CITIES {
        for n in 1..=20 {
            let manager = format!("Contoso{city}Manager{n}@contoso.com");
            // The seed scripts make no PIM eligibilities: a refusal's activation hint differs.
            let m = full.find_user(&manager).unwrap();
            if full
                .all_eligibilities_of(Principal::User(m))
                .next()
                .is_some()
            {
                continue;
            }
            managers += 1;
            for action in [
                Action::ViewProfile,
                Action::ResetPassword,
                Action::ManagePhone,
            ] {
                for target in &targets {
                    let want = decision(&full, &manager, action, target);
                    let got = decision(t, &manager, action, target);
                    assert_eq!(got, want, "{manager} {action} {target}");
                    if want.0 {
                        allowed += 1;
                    } else {
                        refused += 1;
                    }
                }
            }
        }
    }
    assert_eq!(
        managers, 98,
        "ContosoPortlandManager2 and ContosoChicagoManager1 are eligible"
    );
    assert_eq!(allowed + refused, managers * 3 * 88);
    assert!(
        allowed > 0 && refused > 0,
        "{allowed} allowed, {refused} refused"
    );
    drop(s);

    script("contoso-cleanup.sh", &state);
    let s = open_state(&state);
    let t = s.tenant();
    let live: Vec<&str> = t.live_users().map(|u| t.user(u).upn()).collect();
    assert_eq!(live, [ADMIN], "only the Global Administrator is left");
    assert_eq!(t.live_aus().count(), 0);
    let roles: Vec<_> = t
        .assignments
        .iter()
        .filter(|a| !a.deleted)
        .map(|a| (a.role.name(), a.scope))
        .collect();
    assert_eq!(roles, [("Global Administrator", Scope::Tenant)]);

    // The audit log shows every step, all successful.
    let count = |name: &str| {
        s.audit()
            .iter()
            .filter(|r| r.activity_display_name == name)
            .inspect(|r| assert_eq!(r.result, AuditResult::Success, "{r:?}"))
            .count()
    };
    assert_eq!(count("Add user"), 200);
    assert_eq!(count("Admin registered security info"), 185);
    assert_eq!(count("Add administrative unit"), 5);
    assert_eq!(count("Add member to administrative unit"), 100);
    assert_eq!(count("Add scoped member to role"), 100);
    assert_eq!(count("Add member to role"), 20);
    assert_eq!(count("Remove scoped member from role"), 100);
    assert_eq!(count("Remove member from role"), 20);
    assert_eq!(count("Delete administrative unit"), 5);
    assert_eq!(count("Delete user"), 200);
    assert_eq!(
        s.audit().len(),
        200 + 185 + 5 + 100 + 100 + 20 + 100 + 20 + 5 + 200
    );
}

#[test]
fn scripts_refuse_to_run_without_a_state_directory() {
    let o = std::process::Command::new("bash")
        .arg(root().join("examples/contoso-setup.sh"))
        .env("MYSTAFF", BIN)
        .env_remove("STATE")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("usage:"));
}
