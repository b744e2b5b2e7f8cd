//! A small tenant as Microsoft Graph answers for it, in the documented response shapes (paging,
//! `@odata` annotations, properties mystaff does not use, a device in a unit, a custom role, a
//! failed `$batch` sub-request), and the same tenant written by hand as a fixture. Shared by the
//! `graph import` and `graph pull` tests.
#![allow(dead_code)]

use mystaff::model::{Principal, Tenant, UserId};
use mystaff::permissions::{self, Action, Target};
use serde_json::{Value, json};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const AUTH: &str = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
const GLOBAL: &str = "62e90394-69f5-4237-9190-012177145e10";
const USER_ADMIN: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const CUSTOM: &str = "d5d8d2e5-0000-4000-8000-00000000c0de";
const P1: &str = "078d2b04-f1bd-4111-bbd4-b4b1b354cef4";

pub fn g(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

fn user(n: u32, upn: &str, name: &str, extra: Value) -> Value {
    let mut u = json!({
        "@odata.type": "#microsoft.graph.user",
        "id": g(n), "userPrincipalName": upn, "displayName": name,
        "userType": "Member", "jobTitle": null, "department": "Retail", "officeLocation": null,
        "accountEnabled": true, "onPremisesSyncEnabled": null, "onPremisesSamAccountName": null,
        "assignedLicenses": [], "businessPhones": [], "mail": upn, "givenName": name,
    });
    for (k, v) in extra.as_object().unwrap() {
        u[k] = v.clone();
    }
    u
}

/// The saved responses: (resource, key, body), in the order `graph pull` would ask.
pub fn responses() -> Vec<(&'static str, Option<String>, Value)> {
    let ctx = "https://graph.microsoft.com/v1.0/$metadata#users";
    vec![
        (
            "organization",
            None,
            json!({"@odata.context": "…", "value": [{
            "id": g(999), "displayName": "Fabrikam", "tenantType": "AAD",
            "verifiedDomains": [
                {"name": "fabrikam.onmicrosoft.com", "isDefault": false, "isInitial": true},
                {"name": "fabrikam.com", "isDefault": true, "isInitial": false}
            ]}]}),
        ),
        (
            "subscribedSkus",
            None,
            json!({"value": [{"skuId": P1, "skuPartNumber": "AAD_PREMIUM", "capabilityStatus": "Enabled"}]}),
        ),
        (
            "users",
            None,
            json!({"@odata.context": ctx,
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X",
            "value": [
                user(1, "admin@fabrikam.com", "Admin", json!({"assignedLicenses": [{"skuId": P1, "disabledPlans": []}]})),
                user(2, "manager@fabrikam.com", "Store Manager", json!({"assignedLicenses": [{"skuId": P1, "disabledPlans": []}], "jobTitle": "Store Manager"})),
                user(3, "staff1@fabrikam.com", "Staff One", json!({})),
            ]}),
        ),
        ("users", None, json!({"@odata.context": ctx, "value": []})),
        (
            "users",
            None,
            json!({"@odata.context": ctx, "value": [
                user(4, "staff2@fabrikam.com", "Staff Two", json!({"onPremisesSyncEnabled": true, "onPremisesSamAccountName": "staff2"})),
                user(5, "lead@fabrikam.com", "Shift Lead", json!({})),
                user(6, "guest_x.com#EXT#@fabrikam.com", "Guest", json!({"userType": "Guest", "accountEnabled": false})),
            ]}),
        ),
        (
            "administrativeUnits",
            None,
            json!({"value": [
                {"id": g(100), "displayName": "Store 1", "description": "Fabrikam store 1", "isMemberManagementRestricted": null, "visibility": null},
                {"id": g(101), "displayName": "Board", "description": null, "isMemberManagementRestricted": true},
            ]}),
        ),
        (
            "administrativeUnitMembers",
            Some(g(100)),
            json!({"value": [
                {"@odata.type": "#microsoft.graph.user", "id": g(3)},
                {"@odata.type": "#microsoft.graph.user", "id": g(4)},
                {"@odata.type": "#microsoft.graph.user", "id": g(5)},
                {"@odata.type": "#microsoft.graph.device", "id": g(700)},
            ]}),
        ),
        (
            "administrativeUnitMembers",
            Some(g(101)),
            json!({"value": [
                {"@odata.type": "#microsoft.graph.user", "id": g(1)},
            ]}),
        ),
        (
            "roleDefinitions",
            None,
            json!({"value": [
                {"id": HELPDESK, "templateId": HELPDESK, "displayName": "Helpdesk Administrator", "isBuiltIn": true},
                {"id": CUSTOM, "templateId": CUSTOM, "displayName": "Store Support", "isBuiltIn": false},
            ]}),
        ),
        (
            "roleAssignments",
            None,
            json!({"value": [
                {"id": "ra-1", "roleDefinitionId": GLOBAL, "principalId": g(1), "directoryScopeId": "/"},
                {"id": "ra-2", "roleDefinitionId": HELPDESK, "principalId": g(2), "directoryScopeId": format!("/administrativeUnits/{}", g(100))},
                {"id": "ra-3", "roleDefinitionId": CUSTOM, "principalId": g(2), "directoryScopeId": "/"},
                {"id": "ra-4", "roleDefinitionId": USER_ADMIN, "principalId": g(800), "directoryScopeId": format!("/administrativeUnits/{}", g(100))},
                {"id": "ra-5", "roleDefinitionId": HELPDESK, "principalId": g(200), "directoryScopeId": format!("/administrativeUnits/{}", g(100))},
            ]}),
        ),
        (
            "roleEligibilityScheduleInstances",
            None,
            json!({"value": [
                {"id": "re-1", "roleDefinitionId": AUTH, "principalId": g(2), "directoryScopeId": format!("/administrativeUnits/{}", g(100)),
                 "appScopeId": null, "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": null, "memberType": "Direct", "roleEligibilityScheduleId": "x"},
            ]}),
        ),
        (
            "groups",
            None,
            json!({"value": [
                {"id": g(200), "displayName": "Shift Leads", "isAssignableToRole": true, "securityEnabled": true, "mailEnabled": false},
            ]}),
        ),
        (
            "groupMembers",
            Some(g(200)),
            json!({"value": [
                {"@odata.type": "#microsoft.graph.user", "id": g(5)},
            ]}),
        ),
        ("groupOwners", Some(g(200)), json!({"value": []})),
        (
            "groupEligibilityScheduleInstances",
            Some(g(200)),
            json!({"value": [
                {"id": "ge-1", "groupId": g(200), "principalId": g(3), "accessId": "member", "memberType": "direct"},
            ]}),
        ),
        (
            "servicePrincipal",
            Some(g(800)),
            json!({"@odata.context": "…", "id": g(800), "displayName": "Provisioning", "appId": g(801), "servicePrincipalType": "Application"}),
        ),
        (
            "phoneMethods",
            None,
            json!({"responses": [
                {"id": g(3), "status": 200, "headers": {}, "body": {"value": [
                    {"id": "3179e48a-750b-4051-897c-87b9720928f7", "phoneNumber": "+1 2065550101", "phoneType": "mobile", "smsSignInState": "notAllowedByPolicy"}
                ]}},
                {"id": g(4), "status": 200, "body": {"value": [
                    {"id": "e37fc753-ff3b-4958-9484-eaa9425c82bc", "phoneNumber": "+1 2065550200x104", "phoneType": "office"}
                ]}},
                {"id": g(5), "status": 403, "body": {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}},
            ]}),
        ),
    ]
}

/// The same tenant written by hand in the fixture format.
pub fn by_hand() -> Value {
    let u = |n: u32, upn: &str, name: &str| json!({"id": g(n), "userPrincipalName": upn, "displayName": name, "department": "Retail"});
    let mut users = vec![
        u(1, "admin@fabrikam.com", "Admin"),
        u(2, "manager@fabrikam.com", "Store Manager"),
        u(3, "staff1@fabrikam.com", "Staff One"),
        u(4, "staff2@fabrikam.com", "Staff Two"),
        u(5, "lead@fabrikam.com", "Shift Lead"),
        u(6, "guest_x.com#EXT#@fabrikam.com", "Guest"),
    ];
    users[0]["assignedLicenses"] = json!(["AAD_PREMIUM"]);
    users[1]["assignedLicenses"] = json!(["AAD_PREMIUM"]);
    users[1]["jobTitle"] = json!("Store Manager");
    users[2]["phoneMethods"] = json!([{"phoneType": "mobile", "phoneNumber": "+1 2065550101"}]);
    users[3]["onPremisesSyncEnabled"] = json!(true);
    users[3]["onPremisesSamAccountName"] = json!("staff2");
    users[3]["phoneMethods"] = json!([{"phoneType": "office", "phoneNumber": "+1 2065550200x104"}]);
    users[5]["userType"] = json!("Guest");
    users[5]["accountEnabled"] = json!(false);
    json!({
        "schemaVersion": 1,
        "tenant": {"id": g(999), "displayName": "Fabrikam", "defaultDomain": "fabrikam.com"},
        "users": users,
        "groups": [{"id": g(200), "displayName": "Shift Leads", "isAssignableToRole": true, "members": [g(5)], "owners": [], "eligibleMembers": [g(3)]}],
        "servicePrincipals": [{"id": g(800), "displayName": "Provisioning", "appId": g(801)}],
        "administrativeUnits": [
            {"id": g(100), "displayName": "Store 1", "description": "Fabrikam store 1", "members": [g(3), g(4), g(5)]},
            {"id": g(101), "displayName": "Board", "isMemberManagementRestricted": true, "members": [g(1)]},
        ],
        "roleAssignments": [
            {"id": "ra-1", "roleDefinitionId": GLOBAL, "principalId": g(1), "directoryScopeId": "/"},
            {"id": "ra-2", "roleDefinitionId": HELPDESK, "principalId": g(2), "directoryScopeId": format!("/administrativeUnits/{}", g(100))},
            {"id": "ra-4", "roleDefinitionId": USER_ADMIN, "principalId": g(800), "directoryScopeId": format!("/administrativeUnits/{}", g(100))},
            {"id": "ra-5", "roleDefinitionId": HELPDESK, "principalId": g(200), "directoryScopeId": format!("/administrativeUnits/{}", g(100))},
        ],
        "roleEligibilities": [
            {"id": "re-1", "roleDefinitionId": AUTH, "principalId": g(2), "directoryScopeId": format!("/administrativeUnits/{}", g(100)), "startDateTime": "2026-01-01T00:00:00Z"},
        ],
    })
}

/// Every decision of the tenant (both reset and phone, every pair), for comparing two tenants.
pub fn decisions(t: &Tenant) -> Vec<(String, String, &'static str, bool, String)> {
    let mut out = Vec::new();
    let all: Vec<UserId> = (0..t.users.len()).map(UserId::from_index).collect();
    for &a in &all {
        for &b in &all {
            for action in [Action::ResetPassword, Action::ManagePhone] {
                let d = permissions::decide(t, Principal::User(a), action, Target::User(b));
                out.push((
                    t.user(a).upn().to_string(),
                    t.user(b).upn().to_string(),
                    action.as_str(),
                    d.allowed,
                    d.reason,
                ));
            }
        }
    }
    out.sort();
    out
}
