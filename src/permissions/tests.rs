//! Every row and column of the spec's tables and every AU rule, with both outcomes.

use serde_json::{Value, json};

use super::*;
use crate::fixture;
use crate::model::Tenant;

/// Builds small tenants through the real fixture loader.
struct B {
    v: Value,
    n: u32,
}

impl B {
    fn new() -> B {
        B {
            v: json!({
                "schemaVersion": 1,
                "tenant": {"id": "00000000-0000-4000-8000-0000000000aa", "displayName": "T", "defaultDomain": "t.com"},
                "users": [], "groups": [], "servicePrincipals": [], "administrativeUnits": [], "roleAssignments": [], "roleEligibilities": []
            }),
            n: 0,
        }
    }
    fn id(&mut self) -> String {
        self.n += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.n)
    }
    fn push(&mut self, key: &str, item: Value) {
        self.v[key].as_array_mut().unwrap().push(item);
    }
    fn user_typed(&mut self, name: &str, user_type: &str) -> String {
        let id = self.id();
        self.push(
            "users",
            json!({"id": id, "userPrincipalName": format!("{name}@t.com"), "displayName": name, "userType": user_type}),
        );
        id
    }
    fn user(&mut self, name: &str) -> String {
        self.user_typed(name, "Member")
    }
    fn au(&mut self, name: &str, restricted: bool) -> String {
        let id = self.id();
        self.push(
            "administrativeUnits",
            json!({"id": id, "displayName": name, "isMemberManagementRestricted": restricted, "members": []}),
        );
        id
    }
    fn member(&mut self, au: &str, member: &str) {
        for a in self.v["administrativeUnits"].as_array_mut().unwrap() {
            if a["id"] == au {
                a["members"].as_array_mut().unwrap().push(json!(member));
            }
        }
    }
    fn group(&mut self, name: &str, assignable: bool, members: &[&str], owners: &[&str]) -> String {
        let id = self.id();
        self.push(
            "groups",
            json!({"id": id, "displayName": name, "isAssignableToRole": assignable, "members": members, "owners": owners}),
        );
        id
    }
    fn sp(&mut self, name: &str) -> String {
        let id = self.id();
        self.push(
            "servicePrincipals",
            json!({"id": id, "displayName": name, "appId": id}),
        );
        id
    }
    fn assign(&mut self, principal: &str, role: &str, au: Option<&str>) {
        let id = self.id();
        let scope = au.map_or("/".to_string(), |a| format!("/administrativeUnits/{a}"));
        self.push(
            "roleAssignments",
            json!({"id": id, "roleDefinitionId": role, "principalId": principal, "directoryScopeId": scope}),
        );
    }
    fn eligible(&mut self, principal: &str, role: &str, au: Option<&str>) {
        let id = self.id();
        let scope = au.map_or("/".to_string(), |a| format!("/administrativeUnits/{a}"));
        self.push(
            "roleEligibilities",
            json!({"id": id, "roleDefinitionId": role, "principalId": principal, "directoryScopeId": scope}),
        );
    }
    fn my_staff(&mut self, v: Value) {
        self.v["settings"] = json!({"myStaff": v});
    }
    fn build(self) -> Tenant {
        let bytes = serde_json::to_vec(&self.v).unwrap();
        fixture::load("test.json", &bytes).unwrap_or_else(|e| panic!("{e}"))
    }
}

fn u(t: &Tenant, name: &str) -> Principal {
    Principal::User(t.find_user(&format!("{name}@t.com")).unwrap())
}

fn ask(t: &Tenant, actor: &str, action: Action, target: &str) -> Decision {
    let Principal::User(target) = u(t, target) else {
        unreachable!()
    };
    decide(t, u(t, actor), action, Target::User(target))
}

fn allowed(t: &Tenant, actor: &str, action: Action, target: &str) -> bool {
    ask(t, actor, action, target).allowed
}

const COLUMNS: [&str; 6] = [
    "Password Administrator",
    "Helpdesk Administrator",
    "Authentication Administrator",
    "User Administrator",
    "Privileged Authentication Administrator",
    "Global Administrator",
];

/// Spec section 2, transcribed independently of roles.rs: (target role, Y/- per column).
const RESET_TABLE: [(&str, &str); 15] = [
    ("", "YYYYYY"),
    ("Directory Readers", "YYYYYY"),
    ("Guest Inviter", "YYYYYY"),
    ("Password Administrator", "YYYYYY"),
    ("Helpdesk Administrator", "-Y-YYY"),
    ("Message Center Reader", "-YYYYY"),
    ("Reports Reader", "-YYYYY"),
    ("Usage Summary Reports Reader", "-YYYYY"),
    ("User Experience Success Manager", "-YYYYY"),
    ("Authentication Administrator", "--Y-YY"),
    ("Groups Administrator", "---YYY"),
    ("User Administrator", "---YYY"),
    ("Privileged Authentication Administrator", "----YY"),
    ("Privileged Role Administrator", "----YY"),
    ("Global Administrator", "----YY"),
];

/// A tenant with one tenant-scope actor per column and one target per row.
fn table_tenant(extra_rows: &[&str]) -> Tenant {
    let mut b = B::new();
    for (i, col) in COLUMNS.iter().enumerate() {
        let a = b.user(&format!("actor{i}"));
        b.assign(&a, col, None);
    }
    let rows: Vec<&str> = RESET_TABLE
        .iter()
        .map(|r| r.0)
        .chain(extra_rows.iter().copied())
        .collect();
    for (i, role) in rows.iter().enumerate() {
        let t = b.user(&format!("target{i}"));
        if !role.is_empty() {
            b.assign(&t, role, None);
        }
    }
    b.build()
}

#[test]
fn reset_table_every_row_and_column() {
    let t = table_tenant(&[]);
    for (r, (role, expect)) in RESET_TABLE.iter().enumerate() {
        for (c, col) in COLUMNS.iter().enumerate() {
            let want = expect.as_bytes()[c] == b'Y';
            let d = ask(
                &t,
                &format!("actor{c}"),
                Action::ResetPassword,
                &format!("target{r}"),
            );
            assert_eq!(
                d.allowed, want,
                "{col} resetting a holder of '{role}': {}",
                d.reason
            );
            if !want {
                assert!(
                    d.reason.contains(col),
                    "reason names the actor's role: {}",
                    d.reason
                );
            }
        }
    }
}

#[test]
fn other_built_in_roles_are_only_reset_by_priv_auth_and_global() {
    let others = [
        "Security Administrator",
        "Exchange Administrator",
        "Intune Administrator",
        "License Administrator",
    ];
    let t = table_tenant(&others);
    for (k, role) in others.iter().enumerate() {
        let target = format!("target{}", RESET_TABLE.len() + k);
        for (c, col) in COLUMNS.iter().enumerate() {
            let want = c >= 4;
            assert_eq!(
                allowed(&t, &format!("actor{c}"), Action::ResetPassword, &target),
                want,
                "{col} on {role}"
            );
        }
    }
}

#[test]
fn phone_table_auth_column_priv_auth_and_global_only() {
    let t = table_tenant(&[]);
    for (r, (role, expect)) in RESET_TABLE.iter().enumerate() {
        for (c, col) in COLUMNS.iter().enumerate() {
            // Only Auth (its column), PrivAuth and Global manage phones.
            let want = c >= 2 && c != 3 && expect.as_bytes()[c] == b'Y';
            let d = ask(
                &t,
                &format!("actor{c}"),
                Action::ManagePhone,
                &format!("target{r}"),
            );
            assert_eq!(
                d.allowed, want,
                "{col} managing phones of '{role}': {}",
                d.reason
            );
        }
    }
    let d = ask(&t, "actor1", Action::ManagePhone, "target0");
    assert!(
        d.reason.contains("Authentication Administrator")
            && d.reason.contains("Helpdesk Administrator (tenant-wide)"),
        "{}",
        d.reason
    );
}

#[test]
fn role_assignable_group_member_and_owner_rows() {
    let mut b = B::new();
    for (i, col) in COLUMNS.iter().enumerate() {
        let a = b.user(&format!("actor{i}"));
        b.assign(&a, col, None);
    }
    let m = b.user("member");
    let o = b.user("owner");
    let plain = b.user("plain");
    b.group("RAG", true, &[&m], &[&o]);
    b.group("Ordinary", false, &[&plain], &[]);
    let t = b.build();
    for target in ["member", "owner"] {
        for c in 0..6 {
            let d = ask(&t, &format!("actor{c}"), Action::ResetPassword, target);
            assert_eq!(d.allowed, c >= 4, "actor{c} on {target}: {}", d.reason);
            if c < 4 {
                assert!(
                    d.reason.contains("role-assignable group RAG"),
                    "{}",
                    d.reason
                );
            }
        }
    }
    // An ordinary (non-role-assignable) group protects nobody.
    for c in 0..6 {
        assert!(allowed(
            &t,
            &format!("actor{c}"),
            Action::ResetPassword,
            "plain"
        ));
    }
}

#[test]
fn role_scoped_to_a_restricted_au_row() {
    let mut b = B::new();
    for (i, col) in COLUMNS.iter().enumerate() {
        let a = b.user(&format!("actor{i}"));
        b.assign(&a, col, None);
    }
    let r = b.au("Vault", true);
    let ord = b.au("Store", false);
    let x = b.user("x");
    b.assign(&x, "Helpdesk Administrator", Some(&r));
    let y = b.user("y");
    b.assign(&y, "Helpdesk Administrator", Some(&ord));
    let t = b.build();
    for c in 0..6 {
        assert_eq!(
            allowed(&t, &format!("actor{c}"), Action::ResetPassword, "x"),
            c >= 4,
            "actor{c} on x"
        );
    }
    // The same role scoped to an ordinary AU is just a Helpdesk Administrator row.
    assert!(allowed(&t, "actor1", Action::ResetPassword, "y"));
    assert!(!allowed(&t, "actor0", Action::ResetPassword, "y"));
}

#[test]
fn target_with_several_roles_needs_every_role_allowed() {
    let mut b = B::new();
    let hd = b.user("hd");
    b.assign(&hd, "Helpdesk Administrator", None);
    let x = b.user("x");
    b.assign(&x, "Reports Reader", None);
    b.assign(&x, "Authentication Administrator", None);
    let t = b.build();
    // Helpdesk may reset Reports Readers but not Authentication Administrators.
    let d = ask(&t, "hd", Action::ResetPassword, "x");
    assert!(!d.allowed);
    assert!(
        d.reason.contains("an Authentication Administrator"),
        "{}",
        d.reason
    );
}

/// One AU "Store" with an admin of the given role, and targets inside.
struct AuCase {
    t: Tenant,
}

fn au_case(actor_role: &str, target_roles: &[(&str, &[&str])]) -> AuCase {
    let mut b = B::new();
    let store = b.au("Store", false);
    let other = b.au("Other", false);
    let admin = b.user("admin");
    b.assign(&admin, actor_role, Some(&store));
    for (name, roles) in target_roles {
        let t = b.user(name);
        b.member(&store, &t);
        for r in *roles {
            let (role, scope) = match r.strip_prefix("tenant:") {
                Some(role) => (role, None),
                None => (*r, Some(other.as_str())),
            };
            b.assign(&t, role, scope);
        }
    }
    let outside = b.user("outside");
    b.member(&other, &outside);
    AuCase { t: b.build() }
}

#[test]
fn au_scoped_helpdesk() {
    let c = au_case(
        "Helpdesk Administrator",
        &[
            ("plain", &[]),
            ("hd", &["Helpdesk Administrator"]),
            ("pw", &["Password Administrator"]),
            ("tenantReader", &["tenant:Directory Readers"]),
        ],
    );
    let t = &c.t;
    assert!(allowed(t, "admin", Action::ResetPassword, "plain"));
    assert!(allowed(t, "admin", Action::ResetPassword, "hd"));
    let d = ask(t, "admin", Action::ResetPassword, "pw");
    assert!(!d.allowed);
    assert_eq!(
        d.reason,
        "Helpdesk Administrator (scoped to Store) cannot reset the password of a Password Administrator (pw holds Password Administrator (scoped to Other))."
    );
    // Any tenant-scope role protects, even one the tenant-scope Helpdesk column allows.
    let d = ask(t, "admin", Action::ResetPassword, "tenantReader");
    assert!(
        !d.allowed && d.reason.contains("tenant-wide"),
        "{}",
        d.reason
    );
    let d = ask(t, "admin", Action::ResetPassword, "outside");
    assert!(!d.allowed);
    assert_eq!(
        d.reason,
        "outside is not in a location you manage (you manage: Store)."
    );
    assert!(!allowed(t, "admin", Action::ManagePhone, "plain"));
}

#[test]
fn au_scoped_password_admin() {
    let c = au_case(
        "Password Administrator",
        &[
            ("plain", &[]),
            ("pw", &["Password Administrator"]),
            ("hd", &["Helpdesk Administrator"]),
        ],
    );
    assert!(allowed(&c.t, "admin", Action::ResetPassword, "plain"));
    assert!(allowed(&c.t, "admin", Action::ResetPassword, "pw"));
    assert!(!allowed(&c.t, "admin", Action::ResetPassword, "hd"));
    assert!(!allowed(&c.t, "admin", Action::ManagePhone, "plain"));
}

#[test]
fn au_scoped_user_admin_resets_limited_admins() {
    let c = au_case(
        "User Administrator",
        &[
            ("plain", &[]),
            ("hd", &["Helpdesk Administrator"]),
            ("pw", &["Password Administrator"]),
            ("grp", &["Groups Administrator"]),
            ("ua", &["User Administrator"]),
            ("auth", &["Authentication Administrator"]),
            ("lic", &["License Administrator"]),
            ("tenantHd", &["tenant:Helpdesk Administrator"]),
        ],
    );
    for ok in ["plain", "hd", "pw", "grp", "ua"] {
        assert!(allowed(&c.t, "admin", Action::ResetPassword, ok), "{ok}");
    }
    for no in ["auth", "lic", "tenantHd"] {
        assert!(!allowed(&c.t, "admin", Action::ResetPassword, no), "{no}");
    }
    assert!(!allowed(&c.t, "admin", Action::ManagePhone, "plain"));
}

#[test]
fn au_scoped_authentication_admin_non_admins_only() {
    let c = au_case(
        "Authentication Administrator",
        &[
            ("plain", &[]),
            ("hd", &["Helpdesk Administrator"]),
            ("auth", &["Authentication Administrator"]),
        ],
    );
    for action in [Action::ResetPassword, Action::ManagePhone] {
        assert!(allowed(&c.t, "admin", action, "plain"));
        assert!(!allowed(&c.t, "admin", action, "hd"));
        assert!(!allowed(&c.t, "admin", action, "auth"));
        assert!(!allowed(&c.t, "admin", action, "outside"));
    }
}

#[test]
fn au_scoped_privileged_authentication_admin() {
    let c = au_case(
        "Privileged Authentication Administrator",
        &[
            ("auth", &["Authentication Administrator"]),
            ("ua", &["User Administrator"]),
            ("tenantReader", &["tenant:Reports Reader"]),
        ],
    );
    for action in [Action::ResetPassword, Action::ManagePhone] {
        assert!(allowed(&c.t, "admin", action, "auth"));
        assert!(allowed(&c.t, "admin", action, "ua"));
        assert!(!allowed(&c.t, "admin", action, "tenantReader"));
    }
}

#[test]
fn members_through_a_group_are_not_in_scope() {
    let mut b = B::new();
    let store = b.au("Store", false);
    let admin = b.user("admin");
    b.assign(&admin, "Helpdesk Administrator", Some(&store));
    let via = b.user("via");
    let g = b.group("Floor", false, &[&via], &[]);
    b.member(&store, &g);
    let direct = b.user("direct");
    b.member(&store, &direct);
    let t = b.build();
    assert!(allowed(&t, "admin", Action::ResetPassword, "direct"));
    let d = ask(&t, "admin", Action::ResetPassword, "via");
    assert!(!d.allowed);
    assert!(
        d.reason.contains("only through the group Floor"),
        "{}",
        d.reason
    );
}

#[test]
fn role_assignable_group_protects_from_every_au_admin() {
    let mut b = B::new();
    let store = b.au("Store", false);
    let admin = b.user("admin");
    b.assign(
        &admin,
        "Privileged Authentication Administrator",
        Some(&store),
    );
    let m = b.user("m");
    let o = b.user("o");
    b.member(&store, &m);
    b.member(&store, &o);
    b.group("RAG", true, &[&m], &[&o]);
    let t = b.build();
    for who in ["m", "o"] {
        let d = ask(&t, "admin", Action::ResetPassword, who);
        assert!(
            !d.allowed && d.reason.contains("role-assignable group RAG"),
            "{}",
            d.reason
        );
    }
}

#[test]
fn restricted_management_au() {
    let mut b = B::new();
    let vault = b.au("Vault", true);
    let store = b.au("Store", false);
    let exec = b.user("exec");
    b.member(&vault, &exec);
    b.member(&store, &exec);
    let ga = b.user("ga");
    b.assign(&ga, "Global Administrator", None);
    let pa = b.user("pa");
    b.assign(&pa, "Privileged Authentication Administrator", None);
    let store_admin = b.user("storeAdmin");
    b.assign(&store_admin, "Authentication Administrator", Some(&store));
    let vault_admin = b.user("vaultAdmin");
    b.assign(&vault_admin, "Authentication Administrator", Some(&vault));
    let t = b.build();
    for who in ["ga", "pa", "storeAdmin"] {
        let d = ask(&t, who, Action::ResetPassword, "exec");
        assert!(!d.allowed, "{who}");
        assert_eq!(
            d.reason,
            "exec is a member of the restricted unit Vault: only administrators whose role is scoped to that unit can manage them.",
            "{who}"
        );
    }
    assert!(allowed(&t, "vaultAdmin", Action::ResetPassword, "exec"));
    assert!(allowed(&t, "vaultAdmin", Action::ManagePhone, "exec"));
}

#[test]
fn nobody_acts_on_themself() {
    let mut b = B::new();
    let ga = b.user("ga");
    b.assign(&ga, "Global Administrator", None);
    let t = b.build();
    for action in [Action::ResetPassword, Action::ManagePhone] {
        let d = ask(&t, "ga", action, "ga");
        assert!(!d.allowed);
        assert!(d.reason.contains("your own"), "{}", d.reason);
    }
    // Viewing one's own profile is fine.
    assert!(allowed(&t, "ga", Action::ViewProfile, "ga"));
}

#[test]
fn guest_au_role_needs_tenant_directory_read() {
    let mut b = B::new();
    let store = b.au("Store", false);
    let plain = b.user("plain");
    b.member(&store, &plain);
    let g1 = b.user_typed("guest1", "Guest");
    b.assign(&g1, "Helpdesk Administrator", Some(&store));
    let g2 = b.user_typed("guest2", "Guest");
    b.assign(&g2, "Helpdesk Administrator", Some(&store));
    b.assign(&g2, "Directory Readers", None);
    let t = b.build();
    let d = ask(&t, "guest1", Action::ResetPassword, "plain");
    assert!(!d.allowed);
    assert!(
        d.reason.contains("guest") && d.reason.contains("Directory Readers"),
        "{}",
        d.reason
    );
    assert!(allowed(&t, "guest2", Action::ResetPassword, "plain"));
    assert!(locations(&t, u(&t, "guest1")).is_empty());
    assert_eq!(locations(&t, u(&t, "guest2")).len(), 1);
}

#[test]
fn roles_reach_through_role_assignable_groups() {
    let mut b = B::new();
    let store = b.au("Store", false);
    let lead = b.user("lead");
    let g = b.group("Leads", true, &[&lead], &[]);
    b.assign(&g, "Helpdesk Administrator", Some(&store));
    let plain = b.user("plain");
    b.member(&store, &plain);
    let owner_only = b.user("ownerOnly");
    b.group("Leads2", true, &[], &[&owner_only]);
    let t = b.build();
    let d = ask(&t, "lead", Action::ResetPassword, "plain");
    assert!(d.allowed, "{}", d.reason);
    assert_eq!(d.granted_by[0].via_group, Some(crate::model::GroupId(0)));
    // Owning a group does not give its roles.
    assert!(!decide(&t, u(&t, "ownerOnly"), Action::OpenMyStaff, Target::None).allowed);
}

#[test]
fn my_staff_gate() {
    let mut b = B::new();
    let admin = b.user("admin");
    b.assign(&admin, "Helpdesk Administrator", None);
    let picked = b.user("picked");
    b.assign(&picked, "Helpdesk Administrator", None);
    let in_group = b.user("inGroup");
    b.assign(&in_group, "Helpdesk Administrator", None);
    let grp = b.group("Pilot", false, &[&in_group], &[]);
    b.user("nobody");
    b.my_staff(json!({"access": "selected", "selectedPrincipalIds": [picked, grp]}));
    let sp = b.sp("App");
    b.assign(&sp, "Helpdesk Administrator", None);
    let t = b.build();
    let open = |who: &str| decide(&t, u(&t, who), Action::OpenMyStaff, Target::None);
    assert!(open("picked").allowed);
    assert!(open("inGroup").allowed);
    let d = open("admin");
    assert!(!d.allowed && d.reason.starts_with(OOPS), "{}", d.reason);
    let d = open("nobody");
    assert!(
        !d.allowed && d.reason.starts_with(OOPS) && d.reason.contains("no directory role"),
        "{}",
        d.reason
    );
    // Manager actions start with the gate.
    assert!(!allowed(&t, "admin", Action::ViewProfile, "nobody"));
    assert!(!allowed(&t, "admin", Action::ResetPassword, "nobody"));
    assert!(allowed(&t, "picked", Action::ResetPassword, "nobody"));
    let sp = Principal::ServicePrincipal(crate::model::SpId(0));
    assert!(!decide(&t, sp, Action::OpenMyStaff, Target::None).allowed);
}

#[test]
fn my_staff_setting_none_and_all() {
    for (access, open) in [("none", false), ("all", true)] {
        let mut b = B::new();
        let admin = b.user("admin");
        b.assign(&admin, "Helpdesk Administrator", None);
        b.my_staff(json!({"access": access}));
        let t = b.build();
        assert_eq!(
            decide(&t, u(&t, "admin"), Action::OpenMyStaff, Target::None).allowed,
            open,
            "{access}"
        );
    }
}

#[test]
fn disabled_actor_cannot_sign_in() {
    let mut b = B::new();
    let admin = b.user("admin");
    b.assign(&admin, "Global Administrator", None);
    b.user("x");
    let mut v = b.v.clone();
    v["users"][0]["accountEnabled"] = json!(false);
    let t = fixture::load("t.json", &serde_json::to_vec(&v).unwrap()).unwrap();
    assert!(!decide(&t, u(&t, "admin"), Action::OpenMyStaff, Target::None).allowed);
    assert!(!allowed(&t, "admin", Action::ResetPassword, "x"));
    assert!(!decide(&t, u(&t, "admin"), Action::CreateAu, Target::None).allowed);
}

#[test]
fn reading_is_not_scoped() {
    let c = au_case("Helpdesk Administrator", &[("plain", &[])]);
    assert!(allowed(&c.t, "admin", Action::ViewProfile, "outside"));
    assert!(decide(&c.t, u(&c.t, "admin"), Action::ListAuRoles, Target::None).allowed);
}

#[test]
fn directory_administration_is_gated_by_tenant_role() {
    let mut b = B::new();
    let store = b.au("Store", false);
    for (name, role, scope) in [
        ("ga", "Global Administrator", None),
        ("pra", "Privileged Role Administrator", None),
        ("ua", "User Administrator", None),
        ("auUa", "User Administrator", Some(store.as_str())),
    ] {
        let x = b.user(name);
        b.assign(&x, role, scope);
    }
    b.my_staff(json!({"access": "none"}));
    let t = b.build();
    let can =
        |who: &str, a: Action| decide(&t, u(&t, who), a, Target::Au(crate::model::AuId(0))).allowed;
    for a in [
        Action::CreateAu,
        Action::DeleteAu,
        Action::ManageAuMembers,
        Action::ManageAuRoles,
    ] {
        assert!(can("ga", a), "ga {a}");
        assert!(
            can("pra", a),
            "pra {a} (not blocked by the My Staff setting)"
        );
        assert!(!can("ua", a), "ua {a}");
        assert!(!can("auUa", a), "auUa {a}");
    }
    for a in [Action::ManageSettings, Action::CreateUser] {
        assert!(can("ga", a));
        assert!(can("ua", a));
        assert!(!can("pra", a));
        assert!(
            !can("auUa", a),
            "AU-scoped User Administrator is not tenant scope"
        );
    }
    let d = decide(&t, u(&t, "ua"), Action::CreateAu, Target::None);
    assert_eq!(
        d.reason,
        "Creating administrative units takes Privileged Role Administrator or Global Administrator at tenant scope; you hold User Administrator (tenant-wide)."
    );
}

#[test]
fn delete_user_follows_the_user_column() {
    let mut b = B::new();
    let ua = b.user("ua");
    b.assign(&ua, "User Administrator", None);
    let ga = b.user("ga");
    b.assign(&ga, "Global Administrator", None);
    b.user("plain");
    let t = b.build();
    assert!(allowed(&t, "ua", Action::DeleteUser, "plain"));
    assert!(!allowed(&t, "ua", Action::DeleteUser, "ga"));
    assert!(allowed(&t, "ga", Action::DeleteUser, "ua"));
    assert!(!allowed(&t, "ga", Action::DeleteUser, "ga"));
}

#[test]
fn locations_lists_managed_units_or_all_for_tenant_scope() {
    let mut b = B::new();
    let a1 = b.au("Beta", false);
    b.au("Alpha", false);
    let m = b.user("m");
    b.assign(&m, "Helpdesk Administrator", Some(&a1));
    b.assign(&m, "Authentication Administrator", Some(&a1));
    let o = b.user("o");
    b.assign(&o, "User Administrator", None);
    let t = b.build();
    let l = locations(&t, u(&t, "m"));
    assert_eq!(l.len(), 1);
    assert_eq!(t.au(l[0].0).display_name, "Beta");
    assert_eq!(l[0].1.len(), 2);
    let l = locations(&t, u(&t, "o"));
    let names: Vec<_> = l
        .iter()
        .map(|(a, _)| t.au(*a).display_name.as_str())
        .collect();
    assert_eq!(names, ["Alpha", "Beta"]);
}

#[test]
fn tenant_role_assignment_takes_a_privileged_role_or_global_administrator() {
    let mut b = B::new();
    let store = b.au("Store", false);
    for (name, role, scope) in [
        ("ga", "Global Administrator", None),
        ("pra", "Privileged Role Administrator", None),
        ("ua", "User Administrator", None),
        ("pAuth", "Privileged Authentication Administrator", None),
        ("auUa", "User Administrator", Some(store.as_str())),
    ] {
        let x = b.user(name);
        b.assign(&x, role, scope);
    }
    b.user("plain");
    // Gated by role alone: My Staff switched off changes nothing.
    b.my_staff(json!({"access": "none"}));
    let t = b.build();
    let d = |who: &str| decide(&t, u(&t, who), Action::ManageRoles, Target::None);
    assert!(d("ga").allowed);
    assert!(d("pra").allowed);
    assert_eq!(
        d("pra").reason,
        "Privileged Role Administrator (tenant-wide) allows assigning roles tenant-wide."
    );
    for who in ["ua", "pAuth", "auUa", "plain"] {
        assert!(!d(who).allowed, "{who}");
    }
    assert_eq!(
        d("ua").reason,
        "Assigning roles tenant-wide takes Privileged Role Administrator or Global Administrator at tenant scope; you hold User Administrator (tenant-wide)."
    );
    assert_eq!(
        d("plain").reason,
        "Assigning roles tenant-wide takes Privileged Role Administrator or Global Administrator at tenant scope; you hold no directory role."
    );
    assert_eq!("manage-roles".parse::<Action>(), Ok(Action::ManageRoles));
}

#[test]
fn my_staff_setting_and_user_creation_refusals_name_the_missing_role() {
    let mut b = B::new();
    let store = b.au("Store", false);
    let x = b.user("auUa");
    b.assign(&x, "User Administrator", Some(&store));
    let y = b.user("pra");
    b.assign(&y, "Privileged Role Administrator", None);
    let t = b.build();
    let d = decide(&t, u(&t, "auUa"), Action::ManageSettings, Target::None);
    assert_eq!(
        d.reason,
        "Changing the My Staff access setting takes User Administrator or Global Administrator at tenant scope; you hold User Administrator (scoped to Store)."
    );
    let d = decide(&t, u(&t, "pra"), Action::CreateUser, Target::None);
    assert_eq!(
        d.reason,
        "Creating users takes User Administrator or Global Administrator at tenant scope; you hold Privileged Role Administrator (tenant-wide)."
    );
    let Principal::User(target) = u(&t, "auUa") else {
        unreachable!()
    };
    let d = decide(&t, u(&t, "pra"), Action::DeleteUser, Target::User(target));
    assert!(!d.allowed);
    assert!(
        d.reason.starts_with(
            "Deleting users takes User Administrator or Global Administrator at tenant scope"
        ),
        "{}",
        d.reason
    );
}

#[test]
fn delete_user_respects_restricted_units_and_role_assignable_groups() {
    let mut b = B::new();
    let ua = b.user("ua");
    b.assign(&ua, "User Administrator", None);
    let ga = b.user("ga");
    b.assign(&ga, "Global Administrator", None);
    let exec = b.user("exec");
    let vault = b.au("Vault", true);
    b.member(&vault, &exec);
    let gm = b.user("gm");
    b.group("Admins", true, &[&gm], &[]);
    let helpdesk = b.user("helpdesk");
    b.assign(&helpdesk, "Helpdesk Administrator", None);
    let t = b.build();
    assert!(
        ask(&t, "ga", Action::DeleteUser, "exec")
            .reason
            .starts_with("exec is a member of the restricted unit Vault:")
    );
    assert!(!allowed(&t, "ua", Action::DeleteUser, "gm"));
    assert!(allowed(&t, "ga", Action::DeleteUser, "gm"));
    assert!(allowed(&t, "ua", Action::DeleteUser, "helpdesk"));
    assert_eq!(
        ask(&t, "ua", Action::DeleteUser, "ua").reason,
        "You cannot delete your own account."
    );
}

/// PIM: a role the target is only eligible for protects them exactly as an active one would, and
/// so does eligible membership or ownership of a role-assignable group; an eligible role grants
/// its holder nothing.
mod eligibility {
    use super::*;

    /// A tenant-wide and a Portland-scoped Helpdesk Administrator, and a Portland member `target`.
    fn base() -> (B, String) {
        let mut b = B::new();
        let portland = b.au("Portland", false);
        let central = b.user("central");
        b.assign(&central, "Helpdesk Administrator", None);
        let manager = b.user("manager");
        b.assign(&manager, "Helpdesk Administrator", Some(&portland));
        for name in ["target", "plain"] {
            let id = b.user(name);
            b.member(&portland, &id);
        }
        (b, portland)
    }

    fn target_id(b: &B) -> String {
        b.v["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["displayName"] == "target")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn without_eligibility_both_helpdesks_may_reset() {
        let (b, _) = base();
        let t = b.build();
        assert!(allowed(&t, "central", Action::ResetPassword, "target"));
        assert!(allowed(&t, "manager", Action::ResetPassword, "target"));
    }

    #[test]
    fn eligible_global_administrator_is_protected_from_a_tenant_wide_helpdesk() {
        let (mut b, _) = base();
        let target = target_id(&b);
        b.eligible(&target, "Global Administrator", None);
        let t = b.build();
        let d = ask(&t, "central", Action::ResetPassword, "target");
        assert!(!d.allowed);
        assert!(
            d.reason
                .contains("someone eligible for Global Administrator"),
            "{}",
            d.reason
        );
        // The same role eligible for someone else protects only them.
        assert!(allowed(&t, "central", Action::ResetPassword, "plain"));
    }

    #[test]
    fn eligible_tenant_wide_role_is_protected_from_a_scoped_admin() {
        let (mut b, _) = base();
        let target = target_id(&b);
        b.eligible(&target, "User Administrator", None);
        let t = b.build();
        let d = ask(&t, "manager", Action::ResetPassword, "target");
        assert!(!d.allowed);
        assert!(
            d.reason
                .contains("who is eligible for User Administrator tenant-wide"),
            "{}",
            d.reason
        );
    }

    #[test]
    fn an_eligible_role_the_column_allows_does_not_protect() {
        // A Helpdesk Administrator may reset another Helpdesk Administrator (the reset table):
        // eligibility for it changes nothing.
        let (mut b, _) = base();
        let target = target_id(&b);
        b.eligible(&target, "Helpdesk Administrator", None);
        let t = b.build();
        assert!(allowed(&t, "central", Action::ResetPassword, "target"));
    }

    #[test]
    fn an_eligible_scoped_role_decides_as_the_active_one_does() {
        // Helpdesk may reset a Helpdesk Administrator of its unit, not an Authentication one.
        for (role, may) in [
            ("Authentication Administrator", false),
            ("Helpdesk Administrator", true),
        ] {
            let mut decisions = Vec::new();
            for eligible in [false, true] {
                let (mut b, portland) = base();
                let target = target_id(&b);
                if eligible {
                    b.eligible(&target, role, Some(&portland));
                } else {
                    b.assign(&target, role, Some(&portland));
                }
                let t = b.build();
                decisions.push(ask(&t, "manager", Action::ResetPassword, "target"));
            }
            assert_eq!(decisions[0].allowed, may, "{role}: {}", decisions[0].reason);
            assert_eq!(
                decisions[1].allowed, may,
                "{role} eligible: {}",
                decisions[1].reason
            );
            if !may {
                assert!(
                    decisions[1]
                        .reason
                        .contains(&format!("is eligible for {role} (scoped to Portland)")),
                    "{}",
                    decisions[1].reason
                );
            }
        }
    }

    #[test]
    fn eligible_membership_or_ownership_of_a_role_assignable_group_protects() {
        for (members, owners) in [
            ("eligibleMembers", "eligibleOwners"),
            ("eligibleOwners", "eligibleMembers"),
        ] {
            let (mut b, _) = base();
            let target = target_id(&b);
            let g = b.group("Tier0", true, &[], &[]);
            b.assign(&g, "Global Administrator", None);
            let group = b.v["groups"].as_array_mut().unwrap().last_mut().unwrap();
            group[members] = json!([target]);
            group[owners] = json!([]);
            let t = b.build();
            let d = ask(&t, "central", Action::ResetPassword, "target");
            assert!(!d.allowed, "{members}");
            assert!(
                d.reason
                    .contains("someone eligible for Global Administrator")
                    || d.reason
                        .contains("an eligible member or owner of the role-assignable group Tier0"),
                "{}",
                d.reason
            );
            let d = ask(&t, "manager", Action::ResetPassword, "target");
            assert!(!d.allowed, "{members}");
            assert!(
                d.reason
                    .contains("who is eligible for Global Administrator tenant-wide"),
                "{}",
                d.reason
            );
            // Without the group's role, the group alone still protects.
            let (mut b, _) = base();
            let target = target_id(&b);
            b.group("Tier0", true, &[], &[]);
            b.v["groups"].as_array_mut().unwrap().last_mut().unwrap()[members] = json!([target]);
            let t = b.build();
            let d = ask(&t, "manager", Action::ResetPassword, "target");
            assert!(!d.allowed, "{members}");
            assert!(
                d.reason
                    .contains("an eligible member or owner of the role-assignable group Tier0"),
                "{}",
                d.reason
            );
            assert!(
                !allowed(&t, "central", Action::ResetPassword, "target"),
                "{members}"
            );
        }
    }

    #[test]
    fn eligible_membership_of_a_group_that_is_not_role_assignable_does_not_protect() {
        let (mut b, _) = base();
        let target = target_id(&b);
        b.group("Shift leads", false, &[], &[]);
        let group = b.v["groups"].as_array_mut().unwrap().last_mut().unwrap();
        group["eligibleMembers"] = json!([target]);
        let t = b.build();
        assert!(allowed(&t, "central", Action::ResetPassword, "target"));
        assert!(allowed(&t, "manager", Action::ResetPassword, "target"));
    }

    #[test]
    fn a_role_eligible_for_a_group_protects_its_members() {
        let (mut b, _) = base();
        let target = target_id(&b);
        let g = b.group("Tier0", true, &[&target], &[]);
        b.eligible(&g, "Global Administrator", None);
        let t = b.build();
        assert!(!allowed(&t, "central", Action::ResetPassword, "target"));
        assert!(allowed(&t, "central", Action::ResetPassword, "plain"));
    }

    #[test]
    fn an_eligible_role_grants_its_holder_nothing() {
        let (mut b, _) = base();
        let helper = b.user("eligible-only");
        b.eligible(&helper, "Helpdesk Administrator", None);
        let t = b.build();
        assert!(!allowed(
            &t,
            "eligible-only",
            Action::ResetPassword,
            "plain"
        ));
    }
}

/// PIM activation: windows, lapsing, and the refusal that names what to activate.
mod activation {
    use super::*;
    use crate::ops::{Ctx, GroupAccess, OpError};
    use crate::pim::{self, Request};
    use rand::SeedableRng;

    const T0: i64 = 1_796_000_000; // 2026-11-29

    fn ctx(now: i64) -> Ctx {
        Ctx {
            now: crate::when::rfc3339(now),
            rng: rand::rngs::StdRng::seed_from_u64(7),
            client: "test",
            replay: false,
        }
    }

    /// `helper` (Helpdesk, Portland) is eligible for Authentication Administrator (Portland)
    /// inside `window`; `target` is a plain Portland member.
    fn tenant(window: (Option<i64>, Option<i64>)) -> Tenant {
        let mut b = B::new();
        let portland = b.au("Portland", false);
        let helper = b.user("helper");
        b.assign(&helper, "Helpdesk Administrator", Some(&portland));
        let target = b.user("target");
        b.member(&portland, &target);
        b.eligible(&helper, "Authentication Administrator", Some(&portland));
        let e = b.v["roleEligibilities"]
            .as_array_mut()
            .unwrap()
            .last_mut()
            .unwrap();
        if let Some(s) = window.0 {
            e["startDateTime"] = json!(crate::when::rfc3339(s));
        }
        if let Some(end) = window.1 {
            e["endDateTime"] = json!(crate::when::rfc3339(end));
        }
        let mut t = b.build();
        t.set_now(T0);
        t
    }

    fn auth_portland(t: &Tenant) -> Request {
        let a = t.find_au("Portland").unwrap();
        Request::Role(Role::AUTHENTICATION_ADMINISTRATOR, Scope::Au(a))
    }

    fn helper(t: &Tenant) -> UserId {
        t.find_user("helper@t.com").unwrap()
    }

    /// Plans and applies an activation; the planned value or the error.
    fn activate(t: &mut Tenant, seconds: i64, why: &str) -> Result<pim::Activation, OpError> {
        let (who, what) = (helper(t), auth_portland(t));
        let p = pim::activate(t, &mut ctx(t.now().unwrap()), who, what, seconds, why);
        if let Some(c) = &p.change {
            c.apply(t).unwrap();
        }
        assert!(p.audit.is_some(), "every attempt is audited");
        p.result
    }

    #[test]
    fn a_refusal_that_activation_lifts_names_the_eligibility() {
        let t = tenant((None, None));
        let d = ask(&t, "helper", Action::ManagePhone, "target");
        assert!(!d.allowed);
        assert!(
            d.reason.ends_with(
                "You are eligible for Authentication Administrator (scoped to Portland): activating it would allow this."
            ),
            "{}",
            d.reason
        );
        assert!(matches!(
            d.after_activating,
            Some(Activatable::Role {
                role: Role::AUTHENTICATION_ADMINISTRATOR,
                ..
            })
        ));
        // Resetting is already allowed through Helpdesk: nothing to hint.
        assert!(allowed(&t, "helper", Action::ResetPassword, "target"));
        // Activation would not help on oneself: no hint.
        let d = ask(&t, "helper", Action::ManagePhone, "helper");
        assert!(d.after_activating.is_none(), "{}", d.reason);
        assert!(!d.reason.contains("eligible"), "{}", d.reason);
    }

    #[test]
    fn an_eligibility_outside_its_window_neither_hints_nor_protects() {
        for (window, open) in [
            ((Some(T0 + 60), None), false),
            ((None, Some(T0)), false),
            ((Some(T0 - 60), Some(T0 + 60)), true),
        ] {
            let t = tenant(window);
            let d = ask(&t, "helper", Action::ManagePhone, "target");
            assert_eq!(
                d.after_activating.is_some(),
                open,
                "{window:?}: {}",
                d.reason
            );
        }
        // Protection follows the window too: a target eligible for Global Administrator
        // only from tomorrow is not protected today.
        let mut b = B::new();
        let central = b.user("central");
        b.assign(&central, "Helpdesk Administrator", None);
        let target = b.user("target");
        b.eligible(&target, "Global Administrator", None);
        b.v["roleEligibilities"][0]["startDateTime"] = json!(crate::when::rfc3339(T0 + 86400));
        let mut t = b.build();
        t.set_now(T0);
        assert!(allowed(&t, "central", Action::ResetPassword, "target"));
        t.set_now(T0 + 86400);
        assert!(!allowed(&t, "central", Action::ResetPassword, "target"));
    }

    #[test]
    fn activation_grants_until_its_end_and_lapses_after() {
        let mut t = tenant((None, None));
        let a = activate(&mut t, 3600, "store opening").unwrap();
        assert_eq!(
            (a.start, a.end, a.cut_by_eligibility),
            (T0, T0 + 3600, false)
        );
        assert!(allowed(&t, "helper", Action::ManagePhone, "target"));
        t.set_now(T0 + 3599);
        assert!(allowed(&t, "helper", Action::ManagePhone, "target"));
        t.set_now(T0 + 3600);
        let d = ask(&t, "helper", Action::ManagePhone, "target");
        assert!(!d.allowed && d.after_activating.is_some(), "{}", d.reason);
        // A clock set back (another process's view) brings it back: state follows the clock.
        t.set_now(T0 + 10);
        assert!(allowed(&t, "helper", Action::ManagePhone, "target"));
    }

    #[test]
    fn activation_is_refused_or_invalid_with_the_reason() {
        let mut t = tenant((None, Some(T0 + 1800 + 600)));
        let e = activate(&mut t, 1799, "x").unwrap_err();
        assert!(
            matches!(&e, OpError::Invalid(m) if m.contains("29 min")),
            "{e}"
        );
        let e = activate(&mut t, 3600, "  ").unwrap_err();
        assert!(
            matches!(&e, OpError::Invalid(m) if m.contains("justification is required")),
            "{e}"
        );
        let e = activate(&mut t, 3600, "a\u{1b}[2Jb").unwrap_err();
        assert!(matches!(&e, OpError::Invalid(_)), "{e}");
        // Capped at the eligibility's end.
        let a = activate(&mut t, 3600, "ok").unwrap();
        assert_eq!(a.end, T0 + 2400);
        assert!(a.cut_by_eligibility);
        let e = activate(&mut t, 3600, "again").unwrap_err();
        assert!(
            matches!(&e, OpError::Invalid(m) if m.contains("already active")),
            "{e}"
        );
        // After the eligibility's end it cannot be activated.
        t.set_now(T0 + 2400);
        let e = activate(&mut t, 3600, "late").unwrap_err();
        assert!(
            matches!(&e, OpError::Refused(m) if m.contains("ended at")),
            "{e}"
        );
        // Before its start neither.
        let mut t = tenant((Some(T0 + 60), None));
        let e = activate(&mut t, 3600, "early").unwrap_err();
        assert!(
            matches!(&e, OpError::Refused(m) if m.contains("starts at")),
            "{e}"
        );
        // A role one is not eligible for.
        let (who, a) = (helper(&t), t.find_au("Portland").unwrap());
        let p = pim::activate(
            &t,
            &mut ctx(T0),
            who,
            Request::Role(Role::GLOBAL_ADMINISTRATOR, Scope::Au(a)),
            3600,
            "x",
        );
        assert!(
            matches!(&p.result, Err(OpError::Refused(m)) if m.contains("eligible for: Authentication Administrator (scoped to Portland)")),
            "{:?}",
            p.result
        );
        assert!(p.change.is_none());
    }

    #[test]
    fn deactivation_ends_it_and_only_an_activation_can_be_ended() {
        let mut t = tenant((None, None));
        let (who, what) = (helper(&t), auth_portland(&t));
        let p = pim::deactivate(&t, &mut ctx(T0), who, what);
        assert!(matches!(&p.result, Err(OpError::Invalid(m)) if m.contains("no activation")));
        activate(&mut t, 3600, "x").unwrap();
        let p = pim::deactivate(&t, &mut ctx(T0 + 60), who, what);
        p.change.unwrap().apply(&mut t).unwrap();
        assert!(!allowed(&t, "helper", Action::ManagePhone, "target"));
        // The permanent Helpdesk role is not PIM's to end.
        let a = t.find_au("Portland").unwrap();
        let p = pim::deactivate(
            &t,
            &mut ctx(T0),
            who,
            Request::Role(Role::HELPDESK_ADMINISTRATOR, Scope::Au(a)),
        );
        assert!(matches!(&p.result, Err(OpError::Invalid(m)) if m.contains("permanently")));
    }

    #[test]
    fn eligible_group_membership_activates_into_the_groups_roles() {
        let mut b = B::new();
        let portland = b.au("Portland", false);
        let lead = b.user("lead");
        let target = b.user("target");
        b.member(&portland, &target);
        let g = b.group("Leads", true, &[], &[]);
        b.assign(&g, "Helpdesk Administrator", Some(&portland));
        b.v["groups"][0]["eligibleMembers"] = json!([lead]);
        let mut t = b.build();
        t.set_now(T0);
        let d = ask(&t, "lead", Action::ResetPassword, "target");
        assert!(!d.allowed);
        assert!(
            d.reason.contains("You are eligible for membership of Leads (Helpdesk Administrator, scoped to Portland)"),
            "{}",
            d.reason
        );
        let (who, grp) = (
            t.find_user("lead@t.com").unwrap(),
            match t.find_principal("Leads").unwrap() {
                Principal::Group(g) => g,
                _ => unreachable!(),
            },
        );
        let p = pim::activate(
            &t,
            &mut ctx(T0),
            who,
            Request::Group(grp, GroupAccess::Member),
            1800,
            "cover",
        );
        p.change.unwrap().apply(&mut t).unwrap();
        assert!(allowed(&t, "lead", Action::ResetPassword, "target"));
        assert!(t.group(grp).members.contains(&who));
        // Owner is a different eligibility, which the lead does not have.
        let p = pim::activate(
            &t,
            &mut ctx(T0),
            who,
            Request::Group(grp, GroupAccess::Owner),
            1800,
            "x",
        );
        assert!(
            matches!(&p.result, Err(OpError::Refused(m)) if m.contains("not eligible to be an owner"))
        );
        t.set_now(T0 + 1800);
        assert!(!t.group(grp).members.contains(&who));
        assert!(!allowed(&t, "lead", Action::ResetPassword, "target"));
    }
}
