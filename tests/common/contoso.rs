//! The Contoso demo tenant from the seed document "Delegate user management with My Staff",
//! built as fixture JSON (Microsoft Graph field names, `schemaVersion` 1).
//!
//! Deliberately independent of the rest of the crate (only serde_json, sha2 and uuid) so the fixture
//! generator cannot drift with the model; the loader's tests are what keep the two in step.
//! Everything is deterministic: ids are derived from stable names, never random.
//!
//! Seed slips fixed: "ContosoPortlandUser1 through ContosoSeattleUser20" (and the same for
//! managers) means Portland 1–20; the setup script names three locations but the lists and the
//! create-and-populate script use five (Seattle, Portland, Denver, Chicago, Orlando), so all five
//! are built.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const DOMAIN: &str = "contoso.com";

/// (city, area code) of each store, in seed order.
const CITIES: [(&str, &str); 5] = [
    ("Seattle", "206"),
    ("Portland", "503"),
    ("Denver", "303"),
    ("Chicago", "312"),
    ("Orlando", "407"),
];

/// Job titles of location users 1–20, varied so lists and search look like a real store.
const JOB_TITLES: [&str; 20] = [
    "Shift Lead",
    "Sales Associate",
    "Cashier",
    "Stock Associate",
    "Visual Merchandiser",
    "Sales Associate",
    "Cashier",
    "Stock Associate",
    "Sales Associate",
    "Shift Lead",
    "Cashier",
    "Sales Associate",
    "Stock Associate",
    "Visual Merchandiser",
    "Cashier",
    "Sales Associate",
    "Stock Associate",
    "Sales Associate",
    "Cashier",
    "Customer Service Associate",
];

/// Role template ids, kept local so this module needs nothing from the crate.
mod role_ids {
    pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
    pub const PRIVILEGED_ROLE_ADMINISTRATOR: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
    pub const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR: &str =
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
    pub const AUTHENTICATION_ADMINISTRATOR: &str = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
    pub const HELPDESK_ADMINISTRATOR: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
    pub const PASSWORD_ADMINISTRATOR: &str = "966707d0-3269-4727-9be2-8c3a10f19b9d";
    pub const USER_ADMINISTRATOR: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
    pub const GROUPS_ADMINISTRATOR: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
    pub const DIRECTORY_READERS: &str = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";
}
use role_ids::*;

/// A deterministic GUID from a stable name: the first 16 bytes of its SHA-256, stamped as an
/// RFC 9562 version-8 (custom) UUID so it looks like any other Graph id.
pub fn stable_guid(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(b)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Id of a user from the local part of its UPN, e.g. `ContosoSeattleUser1`.
fn user_id(local: &str) -> String {
    stable_guid(&format!("user:{local}"))
}

fn group_id(name: &str) -> String {
    stable_guid(&format!("group:{name}"))
}

fn au_id(name: &str) -> String {
    stable_guid(&format!("administrativeUnit:{name}"))
}

fn sp_id(name: &str) -> String {
    stable_guid(&format!("servicePrincipal:{name}"))
}

fn tenant() -> Value {
    json!({
        "id": stable_guid("tenant:contoso.com"),
        "displayName": "Contoso",
        "defaultDomain": DOMAIN,
    })
}

fn settings() -> Value {
    json!({
        "myStaff": {"access": "all"},
        "phoneSignIn": {"smsSignIn": true, "mfa": true, "selfServicePasswordReset": true},
        "passwordWriteback": true,
        "passwordPolicy": {
            "cloud": {"minLength": 8, "maxLength": 256, "requiredCategories": 3},
            "onPremises": {"minLength": 7, "requiredCategories": 3, "rejectAccountNameTokens": true},
        },
    })
}

/// Fields of one user; everything not listed gets the common default.
struct UserSpec<'a> {
    local: String,
    display_name: String,
    user_type: &'a str,
    job_title: &'a str,
    department: &'a str,
    office: &'a str,
    enabled: bool,
    sam: Option<String>,
    licenses: &'a [&'a str],
    phones: Vec<(&'a str, String)>,
}

impl<'a> UserSpec<'a> {
    fn member(local: &str, display_name: &str, job_title: &'a str, department: &'a str) -> Self {
        Self {
            local: local.to_string(),
            display_name: display_name.to_string(),
            user_type: "Member",
            job_title,
            department,
            office: "Seattle",
            enabled: true,
            sam: None,
            licenses: &[],
            phones: Vec::new(),
        }
    }

    fn to_json(&self) -> Value {
        let phones: Vec<Value> = self
            .phones
            .iter()
            .map(|(kind, number)| json!({"phoneType": kind, "phoneNumber": number}))
            .collect();
        json!({
            "id": user_id(&self.local),
            "userPrincipalName": format!("{}@{DOMAIN}", self.local),
            "displayName": self.display_name,
            "userType": self.user_type,
            "jobTitle": self.job_title,
            "department": self.department,
            "officeLocation": self.office,
            "accountEnabled": self.enabled,
            // Graph reports null, not false, for accounts that were never synced.
            "onPremisesSyncEnabled": if self.sam.is_some() { json!(true) } else { Value::Null },
            "onPremisesSamAccountName": self.sam,
            "assignedLicenses": self.licenses,
            "phoneMethods": phones,
        })
    }
}

fn location_user(city: &'static str, area: &str, n: usize) -> UserSpec<'static> {
    let mut phones = Vec::new();
    if n % 2 == 1 {
        phones.push(("mobile", format!("+1 {area}55501{n:02}")));
    }
    if n == 5 {
        // 0150+n stays clear of the 0101–0119 mobiles.
        phones.push(("alternateMobile", format!("+1 {area}55501{:02}", 50 + n)));
    }
    if n.is_multiple_of(3) {
        // One switchboard number per store; the extension makes each desk unique.
        phones.push(("office", format!("+1 {area}5550200x1{n:02}")));
    }
    let synced = n.is_multiple_of(4) && n <= 16;
    UserSpec {
        local: format!("Contoso{city}User{n}"),
        display_name: format!("Contoso {city} User {n}"),
        user_type: "Member",
        job_title: JOB_TITLES[(n - 1) % JOB_TITLES.len()],
        department: "Retail",
        office: city,
        enabled: !(n == 20 && (city == "Seattle" || city == "Denver")),
        sam: synced.then(|| format!("{}u{n}", city.to_lowercase())),
        licenses: &["O365_F3"],
        phones,
    }
}

fn manager(city: &'static str, area: &str, n: usize) -> UserSpec<'static> {
    UserSpec {
        local: format!("Contoso{city}Manager{n}"),
        display_name: format!("Contoso {city} Manager {n}"),
        user_type: "Member",
        job_title: "Store Manager",
        department: "Retail",
        office: city,
        enabled: true,
        sam: None,
        licenses: &["AAD_PREMIUM"],
        phones: vec![("mobile", format!("+1 {area}55503{n:02}"))],
    }
}

fn global_admin() -> UserSpec<'static> {
    UserSpec {
        licenses: &["AAD_PREMIUM_P2"],
        phones: vec![("mobile", "+1 4255550100".to_string())],
        ..UserSpec::member(
            "ContosoAdmin",
            "Contoso Global Admin",
            "IT Administrator",
            "IT",
        )
    }
}

fn guest(local: &str, display_name: &str) -> UserSpec<'static> {
    UserSpec {
        user_type: "Guest",
        office: "Orlando",
        ..UserSpec::member(
            local,
            display_name,
            "Support Consultant",
            "Fabrikam Support",
        )
    }
}

fn users() -> Vec<UserSpec<'static>> {
    let mut users = vec![global_admin()];
    users.push(UserSpec {
        licenses: &["AAD_PREMIUM_P2"],
        ..UserSpec::member(
            "ContosoRoleAdmin",
            "Contoso Role Admin",
            "IT Administrator",
            "IT",
        )
    });
    users.push(UserSpec {
        licenses: &["AAD_PREMIUM_P2"],
        ..UserSpec::member(
            "ContosoPrivAuthAdmin",
            "Contoso Privileged Authentication Admin",
            "Identity Administrator",
            "IT",
        )
    });
    users.push(UserSpec {
        licenses: &["AAD_PREMIUM"],
        ..UserSpec::member(
            "ContosoAuditor",
            "Contoso Auditor",
            "Internal Auditor",
            "Finance",
        )
    });
    for (city, area) in CITIES {
        for n in 1..=20 {
            users.push(location_user(city, area, n));
        }
    }
    for (city, area) in CITIES {
        for n in 1..=20 {
            users.push(manager(city, area, n));
        }
    }
    users.push(UserSpec {
        licenses: &["AAD_PREMIUM"],
        phones: vec![("mobile", "+1 2065550401".to_string())],
        ..UserSpec::member(
            "ContosoRegionalLead1",
            "Contoso Regional Lead 1",
            "Regional Helpdesk Lead",
            "Retail",
        )
    });
    let executives = [
        "Chief Executive Officer",
        "Chief Financial Officer",
        "Chief Operating Officer",
    ];
    for (i, title) in executives.into_iter().enumerate() {
        let n = i + 1;
        users.push(UserSpec {
            licenses: &["O365_E3"],
            phones: vec![("mobile", format!("+1 20655505{n:02}"))],
            ..UserSpec::member(
                &format!("ContosoExecutive{n}"),
                &format!("Contoso Executive {n}"),
                title,
                "Executive",
            )
        });
    }
    users.push(UserSpec {
        licenses: &["AAD_PREMIUM"],
        phones: vec![("mobile", "+1 2065550510".to_string())],
        ..UserSpec::member(
            "ContosoExecAssistant",
            "Contoso Executive Assistant",
            "Executive Assistant",
            "Executive",
        )
    });
    users.push(guest("ava.fabrikam.com#EXT#", "Ava (Fabrikam)"));
    users.push(guest("ben.fabrikam.com#EXT#", "Ben (Fabrikam)"));
    users
}

const REGIONAL_HELPDESK: &str = "Contoso Regional Helpdesk";
const FLOOR_STAFF: &str = "Seattle Floor Staff";
const EXECUTIVE_OFFICE: &str = "Executive Office";
const PROVISIONING: &str = "Contoso Provisioning";

fn groups() -> Vec<Value> {
    vec![
        json!({
            "id": group_id(REGIONAL_HELPDESK),
            "displayName": REGIONAL_HELPDESK,
            "isAssignableToRole": true,
            "members": [user_id("ContosoRegionalLead1"), user_id("ContosoSeattleUser19")],
            "owners": [user_id("ContosoSeattleUser18")],
            // PIM for Groups: protected as a member would be; can activate membership.
            "eligibleMembers": [user_id("ContosoSeattleUser15")],
        }),
        json!({
            "id": group_id(FLOOR_STAFF),
            "displayName": FLOOR_STAFF,
            "isAssignableToRole": false,
            "members": [user_id("ContosoPortlandUser20"), user_id("ContosoSeattleUser17")],
            "owners": [],
        }),
    ]
}

fn service_principals() -> Vec<Value> {
    vec![json!({
        "id": sp_id(PROVISIONING),
        "displayName": PROVISIONING,
        "appId": stable_guid(&format!("application:{PROVISIONING}")),
    })]
}

fn administrative_units() -> Vec<Value> {
    let mut aus: Vec<Value> = CITIES
        .iter()
        .map(|(city, _)| {
            let mut members: Vec<String> = (1..=20)
                .map(|n| user_id(&format!("Contoso{city}User{n}")))
                .collect();
            if *city == "Seattle" {
                // Shows that users reached only through a group are not in scope.
                members.push(group_id(FLOOR_STAFF));
            }
            json!({
                "id": au_id(city),
                "displayName": city,
                "description": format!("Contoso {city} store"),
                "isMemberManagementRestricted": false,
                "members": members,
            })
        })
        .collect();
    aus.push(json!({
        "id": au_id(EXECUTIVE_OFFICE),
        "displayName": EXECUTIVE_OFFICE,
        "description": "Contoso executive team (restricted management)",
        "isMemberManagementRestricted": true,
        "members": [
            user_id("ContosoExecutive1"),
            user_id("ContosoExecutive2"),
            user_id("ContosoExecutive3"),
            user_id("ContosoSeattleUser2"),
        ],
    }));
    aus
}

/// Scope of an assignment: tenant-wide, or one administrative unit by name.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Tenant,
    Au(&'a str),
}

/// One role assignment; `principal` is the stable name the principal's id came from.
fn assignment(principal: &str, principal_id: &str, role: &str, scope: Scope<'_>) -> Value {
    let (scope_name, scope_id) = match scope {
        Scope::Tenant => ("/".to_string(), "/".to_string()),
        Scope::Au(name) => (
            name.to_string(),
            format!("/administrativeUnits/{}", au_id(name)),
        ),
    };
    json!({
        "id": stable_guid(&format!("roleAssignment:{principal}:{role}:{scope_name}")),
        "roleDefinitionId": role,
        "principalId": principal_id,
        "directoryScopeId": scope_id,
    })
}

fn user_assignment(local: &str, role: &str, scope: Scope<'_>) -> Value {
    assignment(&format!("user:{local}"), &user_id(local), role, scope)
}

fn role_assignments() -> Vec<Value> {
    use Scope::{Au, Tenant};
    let mut out = vec![
        user_assignment("ContosoAdmin", GLOBAL_ADMINISTRATOR, Tenant),
        user_assignment("ContosoRoleAdmin", PRIVILEGED_ROLE_ADMINISTRATOR, Tenant),
        user_assignment(
            "ContosoPrivAuthAdmin",
            PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
            Tenant,
        ),
        user_assignment("ContosoAuditor", DIRECTORY_READERS, Tenant),
    ];
    // The seed's create-and-populate script: every manager of a city gets the same roles.
    let manager_roles: [(&str, &[&str], Scope<'_>); 5] = [
        ("Seattle", &[AUTHENTICATION_ADMINISTRATOR], Au("Seattle")),
        ("Portland", &[HELPDESK_ADMINISTRATOR], Au("Portland")),
        (
            "Denver",
            &[AUTHENTICATION_ADMINISTRATOR, HELPDESK_ADMINISTRATOR],
            Au("Denver"),
        ),
        ("Chicago", &[USER_ADMINISTRATOR], Au("Chicago")),
        ("Orlando", &[USER_ADMINISTRATOR], Tenant),
    ];
    for (city, roles, scope) in manager_roles {
        for n in 1..=20 {
            for role in roles {
                out.push(user_assignment(
                    &format!("Contoso{city}Manager{n}"),
                    role,
                    scope,
                ));
            }
        }
    }
    out.extend([
        user_assignment("ContosoPortlandUser5", USER_ADMINISTRATOR, Tenant),
        user_assignment(
            "ContosoPortlandUser6",
            HELPDESK_ADMINISTRATOR,
            Au("Portland"),
        ),
        user_assignment("ContosoDenverUser7", HELPDESK_ADMINISTRATOR, Au("Denver")),
        user_assignment("ContosoChicagoUser8", PASSWORD_ADMINISTRATOR, Au("Chicago")),
        user_assignment("ContosoSeattleUser9", GROUPS_ADMINISTRATOR, Au("Seattle")),
        assignment(
            &format!("group:{REGIONAL_HELPDESK}"),
            &group_id(REGIONAL_HELPDESK),
            HELPDESK_ADMINISTRATOR,
            Au("Seattle"),
        ),
        user_assignment(
            "ava.fabrikam.com#EXT#",
            HELPDESK_ADMINISTRATOR,
            Au("Orlando"),
        ),
        user_assignment(
            "ben.fabrikam.com#EXT#",
            HELPDESK_ADMINISTRATOR,
            Au("Orlando"),
        ),
        user_assignment("ben.fabrikam.com#EXT#", DIRECTORY_READERS, Tenant),
        user_assignment(
            "ContosoExecAssistant",
            HELPDESK_ADMINISTRATOR,
            Au(EXECUTIVE_OFFICE),
        ),
        user_assignment(
            "ContosoExecAssistant",
            AUTHENTICATION_ADMINISTRATOR,
            Au(EXECUTIVE_OFFICE),
        ),
        assignment(
            &format!("servicePrincipal:{PROVISIONING}"),
            &sp_id(PROVISIONING),
            USER_ADMINISTRATOR,
            Au("Chicago"),
        ),
    ]);
    out
}

/// One PIM eligibility, with an optional window.
fn eligibility(
    local: &str,
    role: &str,
    scope: Scope<'_>,
    window: (Option<&str>, Option<&str>),
) -> Value {
    let mut v = assignment(
        &format!("eligible:user:{local}"),
        &user_id(local),
        role,
        scope,
    );
    if let Some(start) = window.0 {
        v["startDateTime"] = json!(start);
    }
    if let Some(end) = window.1 {
        v["endDateTime"] = json!(end);
    }
    v
}

/// PIM eligibilities (see fixtures/README.md, "PIM").
fn role_eligibilities() -> Vec<Value> {
    use Scope::{Au, Tenant};
    vec![
        // A Helpdesk manager who can add the phone powers for an hour when needed.
        eligibility(
            "ContosoPortlandManager2",
            AUTHENTICATION_ADMINISTRATOR,
            Au("Portland"),
            (None, None),
        ),
        // Only eligible, yet protected as a Global Administrator is.
        eligibility(
            "ContosoOrlandoUser11",
            GLOBAL_ADMINISTRATOR,
            Tenant,
            (None, None),
        ),
        // Windows: one that ended, one that has not opened yet.
        eligibility(
            "ContosoRegionalLead1",
            HELPDESK_ADMINISTRATOR,
            Au("Denver"),
            (Some("2026-01-01T00:00:00Z"), Some("2026-06-30T00:00:00Z")),
        ),
        eligibility(
            "ContosoChicagoManager1",
            AUTHENTICATION_ADMINISTRATOR,
            Au("Chicago"),
            (Some("2030-01-01T00:00:00Z"), None),
        ),
    ]
}

/// The full Contoso demo tenant.
pub fn contoso() -> Value {
    let users: Vec<Value> = users().iter().map(UserSpec::to_json).collect();
    json!({
        "schemaVersion": 1,
        "tenant": tenant(),
        "settings": settings(),
        "users": users,
        "groups": groups(),
        "servicePrincipals": service_principals(),
        "administrativeUnits": administrative_units(),
        "roleAssignments": role_assignments(),
        "roleEligibilities": role_eligibilities(),
    })
}

/// The same tenant with nothing in it but its Global Administrator: a starting point for doing
/// the seed's create-and-populate work by hand.
pub fn contoso_empty() -> Value {
    json!({
        "schemaVersion": 1,
        "tenant": tenant(),
        "settings": settings(),
        "users": [global_admin().to_json()],
        "groups": [],
        "servicePrincipals": [],
        "administrativeUnits": [],
        "roleAssignments": [user_assignment("ContosoAdmin", GLOBAL_ADMINISTRATOR, Scope::Tenant)],
        "roleEligibilities": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn arr<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
        v[key].as_array().expect(key)
    }

    fn s<'a>(v: &'a Value, key: &str) -> &'a str {
        v[key].as_str().expect(key)
    }

    fn user<'a>(t: &'a Value, local: &str) -> &'a Value {
        let upn = format!("{local}@contoso.com");
        arr(t, "users")
            .iter()
            .find(|u| s(u, "userPrincipalName") == upn)
            .expect(local)
    }

    /// (role, scope display) pairs held by a principal id, scope being "/" or the AU's name.
    fn roles_of(t: &Value, id: &str) -> Vec<(String, String)> {
        let au_names: HashMap<String, String> = arr(t, "administrativeUnits")
            .iter()
            .map(|a| {
                (
                    format!("/administrativeUnits/{}", s(a, "id")),
                    s(a, "displayName").to_string(),
                )
            })
            .collect();
        arr(t, "roleAssignments")
            .iter()
            .filter(|r| s(r, "principalId") == id)
            .map(|r| {
                let scope = s(r, "directoryScopeId");
                let scope = au_names.get(scope).cloned().unwrap_or(scope.to_string());
                (s(r, "roleDefinitionId").to_string(), scope)
            })
            .collect()
    }

    fn is_guid(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && s.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
    }

    /// The phone.rs format, checked locally so this module stays independent.
    fn valid_phone(n: &str) -> bool {
        let Some((cc, rest)) = n.strip_prefix('+').and_then(|r| r.split_once(' ')) else {
            return false;
        };
        let (sub, ext) = match rest.split_once('x') {
            Some((sub, ext)) => (sub, Some(ext)),
            None => (rest, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(cc)
            && cc.len() <= 3
            && !cc.starts_with('0')
            && digits(sub)
            && (4..=15).contains(&sub.len())
            && cc.len() + sub.len() <= 15
            && ext.is_none_or(|e| digits(e) && e.len() <= 10)
    }

    #[test]
    fn stable_guid_is_deterministic_and_well_formed() {
        assert_eq!(stable_guid("user:x"), stable_guid("user:x"));
        assert_ne!(stable_guid("user:x"), stable_guid("user:y"));
        let g = stable_guid("user:ContosoSeattleUser1");
        assert!(is_guid(&g), "{g}");
        assert_eq!(&g[14..15], "8", "version nibble");
    }

    #[test]
    fn deterministic() {
        assert_eq!(contoso(), contoso());
        assert_eq!(contoso_empty(), contoso_empty());
        assert_eq!(contoso()["tenant"], contoso_empty()["tenant"]);
        assert_eq!(contoso()["settings"], contoso_empty()["settings"]);
    }

    #[test]
    fn top_level_keys_are_exactly_the_schema() {
        for t in [contoso(), contoso_empty()] {
            let keys: Vec<&String> = t.as_object().expect("object").keys().collect();
            let mut expected = [
                "schemaVersion",
                "tenant",
                "settings",
                "users",
                "groups",
                "servicePrincipals",
                "administrativeUnits",
                "roleAssignments",
                "roleEligibilities",
            ];
            expected.sort_unstable();
            assert_eq!(keys, expected);
            assert_eq!(t["schemaVersion"], 1);
            for u in arr(&t, "users") {
                assert_eq!(u.as_object().expect("user").len(), 12, "{u}");
            }
        }
    }

    #[test]
    fn counts() {
        let t = contoso();
        let aus = arr(&t, "administrativeUnits");
        let names: Vec<&str> = aus.iter().map(|a| s(a, "displayName")).collect();
        assert_eq!(
            names,
            [
                "Seattle",
                "Portland",
                "Denver",
                "Chicago",
                "Orlando",
                "Executive Office"
            ]
        );
        let users = arr(&t, "users");
        let upns: Vec<&str> = users.iter().map(|u| s(u, "userPrincipalName")).collect();
        let location = upns
            .iter()
            .filter(|u| u.contains("User") && u.starts_with("Contoso"))
            .count();
        let managers = upns.iter().filter(|u| u.contains("Manager")).count();
        assert_eq!(location, 100);
        assert_eq!(managers, 100);
        let guests: Vec<&str> = users
            .iter()
            .filter(|u| s(u, "userType") == "Guest")
            .map(|u| s(u, "userPrincipalName"))
            .collect();
        assert_eq!(
            guests,
            [
                "ava.fabrikam.com#EXT#@contoso.com",
                "ben.fabrikam.com#EXT#@contoso.com"
            ]
        );
        // 200 store accounts + admin, role admin, priv auth admin, auditor, regional lead,
        // 3 executives, exec assistant, 2 guests.
        assert_eq!(users.len(), 211);
        assert_eq!(arr(&t, "groups").len(), 2);
        assert_eq!(arr(&t, "servicePrincipals").len(), 1);
        for a in &aus[..5] {
            assert_eq!(
                arr(a, "members").len(),
                if s(a, "displayName") == "Seattle" {
                    21
                } else {
                    20
                }
            );
            assert_eq!(a["isMemberManagementRestricted"], false);
        }
        assert_eq!(aus[5]["isMemberManagementRestricted"], true);
        assert_eq!(arr(&aus[5], "members").len(), 4);
    }

    #[test]
    fn every_id_unique_and_well_formed() {
        let t = contoso();
        let mut seen = HashSet::new();
        let mut upns = HashSet::new();
        for key in [
            "users",
            "groups",
            "servicePrincipals",
            "administrativeUnits",
            "roleAssignments",
        ] {
            for o in arr(&t, key) {
                let id = s(o, "id");
                assert!(is_guid(id), "{id}");
                assert!(seen.insert(id.to_string()), "duplicate id {id}");
            }
        }
        for sp in arr(&t, "servicePrincipals") {
            assert!(is_guid(s(sp, "appId")));
            assert!(seen.insert(s(sp, "appId").to_string()));
        }
        assert!(is_guid(s(&t["tenant"], "id")));
        assert!(seen.insert(s(&t["tenant"], "id").to_string()));
        for u in arr(&t, "users") {
            assert!(upns.insert(s(u, "userPrincipalName").to_lowercase()));
        }
    }

    #[test]
    fn every_reference_resolves() {
        for t in [contoso(), contoso_empty()] {
            let ids = |key: &str| -> HashSet<String> {
                arr(&t, key)
                    .iter()
                    .map(|o| s(o, "id").to_string())
                    .collect()
            };
            let users = ids("users");
            let groups = ids("groups");
            let sps = ids("servicePrincipals");
            let aus = ids("administrativeUnits");
            for g in arr(&t, "groups") {
                for m in arr(g, "members").iter().chain(arr(g, "owners")) {
                    assert!(users.contains(m.as_str().expect("id")), "{m}");
                }
            }
            for a in arr(&t, "administrativeUnits") {
                for m in arr(a, "members") {
                    let m = m.as_str().expect("id");
                    assert!(users.contains(m) || groups.contains(m), "{m}");
                }
            }
            let scopable = [
                PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
                AUTHENTICATION_ADMINISTRATOR,
                HELPDESK_ADMINISTRATOR,
                PASSWORD_ADMINISTRATOR,
                USER_ADMINISTRATOR,
                GROUPS_ADMINISTRATOR,
            ];
            let mut pairs = HashSet::new();
            for r in arr(&t, "roleAssignments") {
                let p = s(r, "principalId");
                assert!(
                    users.contains(p) || groups.contains(p) || sps.contains(p),
                    "{p}"
                );
                let role = s(r, "roleDefinitionId");
                let scope = s(r, "directoryScopeId");
                if scope != "/" {
                    let au = scope.strip_prefix("/administrativeUnits/").expect(scope);
                    assert!(aus.contains(au), "{scope}");
                    assert!(scopable.contains(&role), "{role} cannot be AU-scoped");
                }
                if groups.contains(p) {
                    let g = arr(&t, "groups")
                        .iter()
                        .find(|g| s(g, "id") == p)
                        .expect("group");
                    assert_eq!(g["isAssignableToRole"], true);
                }
                assert!(pairs.insert((p, role, scope)), "duplicate assignment");
            }
        }
    }

    #[test]
    fn phone_numbers_unique_and_well_formed() {
        let t = contoso();
        let mut seen = HashSet::new();
        for u in arr(&t, "users") {
            let mut kinds = HashSet::new();
            for m in arr(u, "phoneMethods") {
                let kind = s(m, "phoneType");
                assert!(["mobile", "alternateMobile", "office"].contains(&kind));
                assert!(kinds.insert(kind), "one of each type");
                let n = s(m, "phoneNumber");
                assert!(valid_phone(n), "{n}");
                assert!(seen.insert(n.to_string()), "duplicate {n}");
            }
            if kinds.contains("alternateMobile") {
                assert!(kinds.contains("mobile"), "alternate needs a mobile");
            }
        }
        assert!(!valid_phone("206-555-0100"));
        assert!(!valid_phone("+1 2065550100x"));
    }

    #[test]
    fn location_user_variety() {
        let t = contoso();
        let u1 = user(&t, "ContosoSeattleUser1");
        assert_eq!(s(u1, "displayName"), "Contoso Seattle User 1");
        assert_eq!(s(u1, "officeLocation"), "Seattle");
        assert_eq!(s(u1, "department"), "Retail");
        assert_eq!(u1["assignedLicenses"], json!(["O365_F3"]));
        assert_eq!(
            u1["phoneMethods"],
            json!([{"phoneType": "mobile", "phoneNumber": "+1 2065550101"}])
        );
        assert_eq!(u1["onPremisesSyncEnabled"], Value::Null);
        assert_eq!(u1["onPremisesSamAccountName"], Value::Null);
        let u4 = user(&t, "ContosoSeattleUser4");
        assert_eq!(u4["onPremisesSyncEnabled"], true);
        assert_eq!(u4["onPremisesSamAccountName"], "seattleu4");
        assert_eq!(arr(u4, "phoneMethods").len(), 0);
        let kinds = |local: &str| -> Vec<String> {
            arr(user(&t, local), "phoneMethods")
                .iter()
                .map(|m| s(m, "phoneType").to_string())
                .collect()
        };
        assert_eq!(kinds("ContosoPortlandUser5"), ["mobile", "alternateMobile"]);
        assert_eq!(kinds("ContosoDenverUser6"), ["office"]);
        assert_eq!(kinds("ContosoChicagoUser9"), ["mobile", "office"]);
        assert_eq!(
            s(
                &arr(user(&t, "ContosoOrlandoUser3"), "phoneMethods")[1],
                "phoneNumber"
            ),
            "+1 4075550200x103"
        );
        assert_eq!(
            s(
                &arr(user(&t, "ContosoDenverManager7"), "phoneMethods")[0],
                "phoneNumber"
            ),
            "+1 3035550307"
        );
        let users = arr(&t, "users");
        let synced: Vec<&str> = users
            .iter()
            .filter(|u| u["onPremisesSyncEnabled"] == true)
            .map(|u| s(u, "userPrincipalName"))
            .collect();
        assert_eq!(synced.len(), 20);
        assert!(
            users.iter().all(|u| (u["onPremisesSyncEnabled"] == true)
                == u["onPremisesSamAccountName"].is_string())
        );
        let disabled: Vec<&str> = users
            .iter()
            .filter(|u| u["accountEnabled"] == false)
            .map(|u| s(u, "userPrincipalName"))
            .collect();
        assert_eq!(
            disabled,
            [
                "ContosoSeattleUser20@contoso.com",
                "ContosoDenverUser20@contoso.com"
            ]
        );
        let mgr = user(&t, "ContosoChicagoManager20");
        assert_eq!(s(mgr, "jobTitle"), "Store Manager");
        assert_eq!(mgr["assignedLicenses"], json!(["AAD_PREMIUM"]));
    }

    #[test]
    fn role_assignments_follow_the_seed_and_the_variety_list() {
        let t = contoso();
        let id = |local: &str| s(user(&t, local), "id").to_string();
        let r = |local: &str| roles_of(&t, &id(local));
        let pair = |role: &str, scope: &str| (role.to_string(), scope.to_string());
        assert_eq!(
            r("ContosoSeattleManager3"),
            [pair(AUTHENTICATION_ADMINISTRATOR, "Seattle")]
        );
        assert_eq!(
            r("ContosoPortlandManager1"),
            [pair(HELPDESK_ADMINISTRATOR, "Portland")]
        );
        assert_eq!(
            r("ContosoDenverManager20"),
            [
                pair(AUTHENTICATION_ADMINISTRATOR, "Denver"),
                pair(HELPDESK_ADMINISTRATOR, "Denver")
            ]
        );
        assert_eq!(
            r("ContosoChicagoManager1"),
            [pair(USER_ADMINISTRATOR, "Chicago")]
        );
        assert_eq!(r("ContosoOrlandoManager1"), [pair(USER_ADMINISTRATOR, "/")]);
        assert_eq!(r("ContosoPortlandUser5"), [pair(USER_ADMINISTRATOR, "/")]);
        assert_eq!(
            r("ContosoPortlandUser6"),
            [pair(HELPDESK_ADMINISTRATOR, "Portland")]
        );
        assert_eq!(
            r("ContosoDenverUser7"),
            [pair(HELPDESK_ADMINISTRATOR, "Denver")]
        );
        assert_eq!(
            r("ContosoChicagoUser8"),
            [pair(PASSWORD_ADMINISTRATOR, "Chicago")]
        );
        assert_eq!(
            r("ContosoSeattleUser9"),
            [pair(GROUPS_ADMINISTRATOR, "Seattle")]
        );
        assert_eq!(r("ContosoAdmin"), [pair(GLOBAL_ADMINISTRATOR, "/")]);
        assert_eq!(
            r("ContosoRoleAdmin"),
            [pair(PRIVILEGED_ROLE_ADMINISTRATOR, "/")]
        );
        assert_eq!(
            r("ContosoPrivAuthAdmin"),
            [pair(PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, "/")]
        );
        assert_eq!(r("ContosoAuditor"), [pair(DIRECTORY_READERS, "/")]);
        assert_eq!(
            r("ava.fabrikam.com#EXT#"),
            [pair(HELPDESK_ADMINISTRATOR, "Orlando")]
        );
        assert_eq!(
            r("ben.fabrikam.com#EXT#"),
            [
                pair(HELPDESK_ADMINISTRATOR, "Orlando"),
                pair(DIRECTORY_READERS, "/")
            ]
        );
        assert_eq!(
            r("ContosoExecAssistant"),
            [
                pair(HELPDESK_ADMINISTRATOR, "Executive Office"),
                pair(AUTHENTICATION_ADMINISTRATOR, "Executive Office")
            ]
        );
        assert!(r("ContosoSeattleUser1").is_empty());
        assert!(
            r("ContosoRegionalLead1").is_empty(),
            "holds its role through the group"
        );
        let group = |name: &str| {
            arr(&t, "groups")
                .iter()
                .find(|g| s(g, "displayName") == name)
                .expect(name)
                .clone()
        };
        let helpdesk = group("Contoso Regional Helpdesk");
        assert_eq!(helpdesk["isAssignableToRole"], true);
        assert_eq!(
            helpdesk["members"],
            json!([id("ContosoRegionalLead1"), id("ContosoSeattleUser19")])
        );
        assert_eq!(helpdesk["owners"], json!([id("ContosoSeattleUser18")]));
        assert_eq!(
            roles_of(&t, s(&helpdesk, "id")),
            [pair(HELPDESK_ADMINISTRATOR, "Seattle")]
        );
        let floor = group("Seattle Floor Staff");
        assert_eq!(floor["isAssignableToRole"], false);
        assert_eq!(
            floor["members"],
            json!([id("ContosoPortlandUser20"), id("ContosoSeattleUser17")])
        );
        let sp = &arr(&t, "servicePrincipals")[0];
        assert_eq!(s(sp, "displayName"), "Contoso Provisioning");
        assert_eq!(
            roles_of(&t, s(sp, "id")),
            [pair(USER_ADMINISTRATOR, "Chicago")]
        );
        // 4 tenant admins + 120 manager assignments + 12 variety assignments.
        assert_eq!(arr(&t, "roleAssignments").len(), 136);
    }

    #[test]
    fn au_membership() {
        let t = contoso();
        let id = |local: &str| s(user(&t, local), "id").to_string();
        let aus = arr(&t, "administrativeUnits");
        let seattle = &aus[0];
        assert_eq!(s(seattle, "description"), "Contoso Seattle store");
        let members: Vec<&str> = arr(seattle, "members")
            .iter()
            .map(|m| m.as_str().expect("id"))
            .collect();
        assert!(members.contains(&id("ContosoSeattleUser1").as_str()));
        assert!(
            !members.contains(&id("ContosoSeattleManager1").as_str()),
            "managers are not members"
        );
        assert!(
            !members.contains(&id("ContosoPortlandUser20").as_str()),
            "only through the group"
        );
        let floor = arr(&t, "groups")[1]["id"].as_str().expect("id").to_string();
        assert_eq!(members.last(), Some(&floor.as_str()));
        let exec = &aus[5];
        assert_eq!(
            exec["members"],
            json!([
                id("ContosoExecutive1"),
                id("ContosoExecutive2"),
                id("ContosoExecutive3"),
                id("ContosoSeattleUser2")
            ])
        );
        for n in 1..=3 {
            let e = user(&t, &format!("ContosoExecutive{n}"));
            assert_eq!(s(e, "department"), "Executive");
            assert_eq!(s(e, "officeLocation"), "Seattle");
            assert_eq!(arr(e, "phoneMethods").len(), 1);
        }
    }

    #[test]
    fn empty_tenant_has_only_the_global_admin() {
        let e = contoso_empty();
        let full = contoso();
        let users = arr(&e, "users");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0], *user(&full, "ContosoAdmin"));
        assert!(arr(&e, "groups").is_empty());
        assert!(arr(&e, "servicePrincipals").is_empty());
        assert!(arr(&e, "administrativeUnits").is_empty());
        assert_eq!(arr(&e, "roleAssignments").len(), 1);
        assert_eq!(
            arr(&e, "roleAssignments")[0],
            arr(&full, "roleAssignments")[0]
        );
    }
}
