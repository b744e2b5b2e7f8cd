//! Microsoft Graph responses to a tenant fixture: the mapping `graph pull` and `graph import` share,
//! so the same responses always give the same bytes. Pure: the responses come in (from the
//! network or from a `--save-raw` directory read by `storage.rs`), a fixture and a summary of what
//! could not be mapped come out.
//!
//! Graph's field names already are the fixture's. A Graph reader tolerates what a hand-written
//! fixture may not: `@odata.*` annotations and properties mystaff does not use are ignored, `null`
//! means "not set". What cannot be represented is counted in the summary, never dropped silently.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::fixture::{
    FixtureFile, FxAdminUnit, FxGroup, FxMyStaff, FxRoleAssignment, FxRoleEligibility,
    FxServicePrincipal, FxSettings, FxTenant, FxUser, SCHEMA_VERSION,
};
use crate::model::{MyStaffAccess, PhoneMethod};
use crate::phone::PhoneType;
use crate::roles::Role;
use crate::sanitize::cut;

/// What a response body answers, as `graph pull` asked for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    /// `GET /organization`
    Organization,
    /// `GET /subscribedSkus`: licence ids to part numbers (`AAD_PREMIUM`).
    SubscribedSkus,
    /// `GET /users`
    Users,
    /// `GET /directory/administrativeUnits`
    AdministrativeUnits,
    /// `GET /directory/administrativeUnits/{id}/members`
    AuMembers(String),
    /// `GET /roleManagement/directory/roleDefinitions`
    RoleDefinitions,
    /// `GET /roleManagement/directory/roleAssignments`
    RoleAssignments,
    /// `GET /roleManagement/directory/roleEligibilityScheduleInstances`
    RoleEligibilities,
    /// `GET /groups?$filter=isAssignableToRole eq true`
    Groups,
    GroupMembers(String),
    GroupOwners(String),
    /// `GET /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '{id}'`
    GroupEligibilities(String),
    /// `GET /servicePrincipals/{id}`: one object, not a page.
    ServicePrincipal(String),
    /// `POST /$batch` of `GET /users/{id}/authentication/phoneMethods`, 20 users at a time.
    PhoneMethods,
}

impl Resource {
    /// Its name in a `--save-raw` manifest, and the key (an object id) it was asked for.
    pub fn name_and_key(&self) -> (&'static str, Option<&str>) {
        use Resource::*;
        match self {
            Organization => ("organization", None),
            SubscribedSkus => ("subscribedSkus", None),
            Users => ("users", None),
            AdministrativeUnits => ("administrativeUnits", None),
            AuMembers(k) => ("administrativeUnitMembers", Some(k)),
            RoleDefinitions => ("roleDefinitions", None),
            RoleAssignments => ("roleAssignments", None),
            RoleEligibilities => ("roleEligibilityScheduleInstances", None),
            Groups => ("groups", None),
            GroupMembers(k) => ("groupMembers", Some(k)),
            GroupOwners(k) => ("groupOwners", Some(k)),
            GroupEligibilities(k) => ("groupEligibilityScheduleInstances", Some(k)),
            ServicePrincipal(k) => ("servicePrincipal", Some(k)),
            PhoneMethods => ("phoneMethods", None),
        }
    }

    /// The inverse of [`name_and_key`](Self::name_and_key).
    pub fn from_name(name: &str, key: Option<&str>) -> Result<Resource, String> {
        use Resource::*;
        let keyed = |f: fn(String) -> Resource| {
            key.map(|k| f(k.to_string()))
                .ok_or_else(|| format!("`{name}` needs the id it was asked for (`key`)"))
        };
        Ok(match name {
            "organization" => Organization,
            "subscribedSkus" => SubscribedSkus,
            "users" => Users,
            "administrativeUnits" => AdministrativeUnits,
            "administrativeUnitMembers" => keyed(AuMembers)?,
            "roleDefinitions" => RoleDefinitions,
            "roleAssignments" => RoleAssignments,
            "roleEligibilityScheduleInstances" => RoleEligibilities,
            "groups" => Groups,
            "groupMembers" => keyed(GroupMembers)?,
            "groupOwners" => keyed(GroupOwners)?,
            "groupEligibilityScheduleInstances" => keyed(GroupEligibilities)?,
            "servicePrincipal" => keyed(ServicePrincipal)?,
            "phoneMethods" => PhoneMethods,
            other => {
                return Err(format!(
                    "`{}` is not a Graph resource mystaff reads",
                    cut(other)
                ));
            }
        })
    }
}

/// One response body, in the order it was received.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub resource: Resource,
    pub body: Value,
}

/// The settings Graph does not expose, from flags or a settings file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSettings {
    /// Today's Entra no longer applies the My Staff access setting: access follows role
    /// assignments alone, so `all` is the default.
    pub my_staff_access: MyStaffAccess,
    /// Graph itself refuses a synced user's reset when writeback is off; on by default.
    pub password_writeback: bool,
}

impl Default for ImportSettings {
    fn default() -> Self {
        ImportSettings {
            my_staff_access: MyStaffAccess::All,
            password_writeback: true,
        }
    }
}

/// What could not be mapped, by kind: how many, and the first few ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub skipped: BTreeMap<&'static str, (usize, Vec<String>)>,
}

impl Summary {
    fn skip(&mut self, what: &'static str, id: &str) {
        let e = self.skipped.entry(what).or_default();
        e.0 += 1;
        if e.1.len() < 3 {
            e.1.push(id.to_string());
        }
    }

    /// One line per kind: "3 AU members that are devices (first: a, b, c)".
    pub fn lines(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|(what, (n, first))| {
                let ids: Vec<String> = first.iter().map(|i| cut(i)).collect();
                format!("{n} {what} (first: {})", ids.join(", "))
            })
            .collect()
    }
}

/// The objects of a page (`value`), or nothing.
fn page(body: &Value) -> &[Value] {
    body.get("value")
        .and_then(Value::as_array)
        .map_or(&[][..], |v| v.as_slice())
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn id(v: &Value) -> String {
    text(v, "id").unwrap_or_default()
}

fn odata_type(v: &Value) -> &str {
    v.get("@odata.type").and_then(Value::as_str).unwrap_or("")
}

/// Builds the fixture. Err only when the responses cannot make a tenant at all (no organization).
pub fn build(
    responses: &[Response],
    settings: &ImportSettings,
) -> Result<(FixtureFile, Summary), String> {
    let mut sum = Summary::default();
    let of = |r: &Resource| -> Vec<&Value> {
        responses
            .iter()
            .filter(|x| &x.resource == r)
            .flat_map(|x| page(&x.body))
            .collect()
    };
    let keyed = |f: fn(&Response) -> Option<&str>| -> BTreeMap<String, Vec<&Value>> {
        let mut m: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for r in responses {
            if let Some(k) = f(r) {
                m.entry(k.to_string()).or_default().extend(page(&r.body));
            }
        }
        m
    };

    let org = of(&Resource::Organization)
        .into_iter()
        .next()
        .ok_or("no organization was read: the tenant's id and name come from GET /organization")?;
    let default_domain = org
        .get("verifiedDomains")
        .and_then(Value::as_array)
        .and_then(|d| {
            d.iter()
                .find(|x| x.get("isDefault") == Some(&Value::Bool(true)))
                .and_then(|x| text(x, "name"))
        })
        .unwrap_or_default();
    let tenant = FxTenant {
        id: id(org),
        display_name: text(org, "displayName").unwrap_or_default(),
        default_domain,
    };

    let skus: HashMap<String, String> = of(&Resource::SubscribedSkus)
        .into_iter()
        .filter_map(|s| Some((text(s, "skuId")?.to_lowercase(), text(s, "skuPartNumber")?)))
        .collect();

    // Phone methods by user id, from the $batch sub-responses.
    let mut phones: HashMap<String, Vec<PhoneMethod>> = HashMap::new();
    // A sub-request that failed (throttled, say) may have been asked again and answered later.
    let mut unread: BTreeSet<String> = BTreeSet::new();
    for r in responses
        .iter()
        .filter(|r| r.resource == Resource::PhoneMethods)
    {
        let subs = r.body.get("responses").and_then(Value::as_array);
        for sub in subs.map_or(&[][..], |v| v.as_slice()) {
            let user = text(sub, "id").unwrap_or_default();
            if sub.get("status").and_then(Value::as_u64) != Some(200) {
                if !phones.contains_key(&user) {
                    unread.insert(user);
                }
                continue;
            }
            unread.remove(&user);
            let list = phones.entry(user.clone()).or_default();
            for m in sub.get("body").map(page).unwrap_or(&[]) {
                let kind = match m.get("phoneType").and_then(Value::as_str) {
                    Some("mobile") => PhoneType::Mobile,
                    Some("alternateMobile") => PhoneType::AlternateMobile,
                    Some("office") => PhoneType::Office,
                    _ => {
                        sum.skip("phone methods of a type mystaff does not know", &id(m));
                        continue;
                    }
                };
                match text(m, "phoneNumber") {
                    Some(n) => list.push(PhoneMethod {
                        phone_type: kind,
                        phone_number: n,
                    }),
                    None => sum.skip("phone methods without a number", &id(m)),
                }
            }
        }
    }

    for user in &unread {
        sum.skip("users whose phone methods could not be read", user);
    }

    let mut users = Vec::new();
    let mut user_ids = BTreeSet::new();
    for u in of(&Resource::Users) {
        let uid = id(u);
        let licenses = u
            .get("assignedLicenses")
            .and_then(Value::as_array)
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .filter_map(|l| text(l, "skuId"))
            .map(|sku| match skus.get(&sku.to_lowercase()) {
                Some(part) => part.clone(),
                None => {
                    sum.skip(
                        "licences whose SKU is not in subscribedSkus (kept as ids)",
                        &sku,
                    );
                    sku
                }
            })
            .collect();
        users.push(FxUser {
            id: uid.clone(),
            user_principal_name: text(u, "userPrincipalName").unwrap_or_default(),
            display_name: text(u, "displayName").unwrap_or_default(),
            user_type: match u.get("userType").and_then(Value::as_str) {
                Some("Guest") => crate::model::UserType::Guest,
                _ => crate::model::UserType::Member,
            },
            job_title: text(u, "jobTitle"),
            department: text(u, "department"),
            office_location: text(u, "officeLocation"),
            account_enabled: u
                .get("accountEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            on_premises_sync_enabled: u.get("onPremisesSyncEnabled").and_then(Value::as_bool),
            on_premises_sam_account_name: text(u, "onPremisesSamAccountName"),
            assigned_licenses: licenses,
            phone_methods: phones.remove(&uid).unwrap_or_default(),
            last_password_change_date_time: text(u, "lastPasswordChangeDateTime"),
        });
        user_ids.insert(uid);
    }
    for user in phones.keys() {
        sum.skip("phone method lists of users not read", user);
    }

    // Groups: the role-assignable ones, with members, owners and PIM for Groups eligibility.
    let members = keyed(|r| match &r.resource {
        Resource::GroupMembers(k) => Some(k),
        _ => None,
    });
    let owners = keyed(|r| match &r.resource {
        Resource::GroupOwners(k) => Some(k),
        _ => None,
    });
    let group_eligible = keyed(|r| match &r.resource {
        Resource::GroupEligibilities(k) => Some(k),
        _ => None,
    });
    let user_refs = |list: Option<&Vec<&Value>>, what: &'static str, sum: &mut Summary| {
        let mut out = Vec::new();
        for m in list.map_or(&[][..], |v| v.as_slice()) {
            let mid = id(m);
            if user_ids.contains(&mid) {
                out.push(mid);
            } else {
                sum.skip(what, &mid);
            }
        }
        out
    };
    let mut groups = Vec::new();
    let mut group_ids = BTreeSet::new();
    for g in of(&Resource::Groups) {
        let gid = id(g);
        let (mut eligible_members, mut eligible_owners) = (Vec::new(), Vec::new());
        for e in group_eligible.get(&gid).map_or(&[][..], |v| v.as_slice()) {
            let who = text(e, "principalId").unwrap_or_default();
            if !user_ids.contains(&who) {
                sum.skip(
                    "group eligibilities of principals that are not users read",
                    &id(e),
                );
                continue;
            }
            match e.get("accessId").and_then(Value::as_str) {
                Some("member") => eligible_members.push(who),
                Some("owner") => eligible_owners.push(who),
                _ => sum.skip("group eligibilities with an unknown accessId", &id(e)),
            }
        }
        groups.push(FxGroup {
            id: gid.clone(),
            display_name: text(g, "displayName").unwrap_or_default(),
            is_assignable_to_role: g
                .get("isAssignableToRole")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            members: user_refs(
                members.get(&gid),
                "group members that are not users (nested groups, devices, service principals)",
                &mut sum,
            ),
            owners: user_refs(
                owners.get(&gid),
                "group owners that are not users",
                &mut sum,
            ),
            eligible_members,
            eligible_owners,
        });
        group_ids.insert(gid);
    }

    // Units and their members: users and groups (a group not read yet comes in without members).
    let au_members = keyed(|r| match &r.resource {
        Resource::AuMembers(k) => Some(k),
        _ => None,
    });
    let mut aus = Vec::new();
    let mut au_ids = BTreeSet::new();
    for a in of(&Resource::AdministrativeUnits) {
        let aid = id(a);
        let mut list = Vec::new();
        for m in au_members.get(&aid).map_or(&[][..], |v| v.as_slice()) {
            let mid = id(m);
            match odata_type(m) {
                "#microsoft.graph.user" if user_ids.contains(&mid) => list.push(mid),
                "#microsoft.graph.group" => {
                    if group_ids.insert(mid.clone()) {
                        groups.push(FxGroup {
                            id: mid.clone(),
                            display_name: text(m, "displayName").unwrap_or_default(),
                            is_assignable_to_role: m
                                .get("isAssignableToRole")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                            members: Vec::new(),
                            owners: Vec::new(),
                            eligible_members: Vec::new(),
                            eligible_owners: Vec::new(),
                        });
                        sum.skip(
                            "AU member groups whose own members were not read (they are in the unit's scope only directly)",
                            &mid,
                        );
                    }
                    list.push(mid);
                }
                "#microsoft.graph.device" => sum.skip("AU members that are devices", &mid),
                _ => sum.skip("AU members of another kind, or users not read", &mid),
            }
        }
        aus.push(FxAdminUnit {
            id: aid.clone(),
            display_name: text(a, "displayName").unwrap_or_default(),
            description: text(a, "description"),
            is_member_management_restricted: a
                .get("isMemberManagementRestricted")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            members: list,
        });
        au_ids.insert(aid);
    }

    // Role definitions: a built-in maps by its template id; a custom role has no built-in powers.
    let mut templates: HashMap<String, Option<String>> = HashMap::new();
    for d in of(&Resource::RoleDefinitions) {
        let template = text(d, "templateId").unwrap_or_else(|| id(d));
        let builtin = d.get("isBuiltIn").and_then(Value::as_bool).unwrap_or(true);
        let known = builtin && Role::lookup(&template).is_some();
        templates.insert(id(d).to_lowercase(), known.then_some(template));
    }
    let role_of = |def: &str| -> Option<String> {
        match templates.get(&def.to_lowercase()) {
            Some(t) => t.clone(),
            // Not in the definitions read: a built-in's id is its template id.
            None => Role::lookup(def).map(|r| r.template_id().to_string()),
        }
    };

    let sps: BTreeMap<String, FxServicePrincipal> = responses
        .iter()
        .filter_map(|r| match &r.resource {
            Resource::ServicePrincipal(_) => Some(&r.body),
            _ => None,
        })
        .map(|s| {
            (
                id(s),
                FxServicePrincipal {
                    id: id(s),
                    display_name: text(s, "displayName").unwrap_or_default(),
                    app_id: text(s, "appId").unwrap_or_default(),
                },
            )
        })
        .collect();
    let known_principal =
        |p: &str| user_ids.contains(p) || group_ids.contains(p) || sps.contains_key(p);
    let scope_ok = |s: &str| match s.strip_prefix("/administrativeUnits/") {
        Some(a) => au_ids.contains(a),
        None => s == "/",
    };

    let mut role_assignments = Vec::new();
    for a in of(&Resource::RoleAssignments) {
        let aid = id(a);
        let def = text(a, "roleDefinitionId").unwrap_or_default();
        let principal = text(a, "principalId").unwrap_or_default();
        let scope = text(a, "directoryScopeId").unwrap_or_default();
        let Some(role) = role_of(&def) else {
            sum.skip(
                "role assignments of custom roles (no built-in powers)",
                &aid,
            );
            continue;
        };
        if !known_principal(&principal) {
            sum.skip("role assignments of principals that were not read", &aid);
            continue;
        }
        if !scope_ok(&scope) {
            sum.skip(
                "role assignments at a scope other than the tenant or a unit read",
                &aid,
            );
            continue;
        }
        role_assignments.push(FxRoleAssignment {
            id: aid,
            role_definition_id: role,
            principal_id: principal,
            directory_scope_id: scope,
        });
    }
    let mut role_eligibilities = Vec::new();
    for e in of(&Resource::RoleEligibilities) {
        let eid = id(e);
        let def = text(e, "roleDefinitionId").unwrap_or_default();
        let principal = text(e, "principalId").unwrap_or_default();
        let scope = text(e, "directoryScopeId").unwrap_or_default();
        let Some(role) = role_of(&def) else {
            sum.skip("eligibilities for custom roles", &eid);
            continue;
        };
        if !known_principal(&principal) || !scope_ok(&scope) {
            sum.skip(
                "eligibilities of principals or at scopes that were not read",
                &eid,
            );
            continue;
        }
        role_eligibilities.push(FxRoleEligibility {
            id: eid,
            role_definition_id: role,
            principal_id: principal,
            directory_scope_id: scope,
            start_date_time: text(e, "startDateTime"),
            end_date_time: text(e, "endDateTime"),
        });
    }

    let fixture = FixtureFile {
        schema_version: SCHEMA_VERSION,
        tenant,
        settings: FxSettings {
            my_staff: FxMyStaff {
                access: settings.my_staff_access,
                selected_principal_ids: Vec::new(),
            },
            password_writeback: settings.password_writeback,
            ..FxSettings::default()
        },
        users,
        groups,
        service_principals: sps.into_values().collect(),
        administrative_units: aus,
        role_assignments,
        role_eligibilities,
    };
    Ok((fixture, sum))
}

/// The fixture as bytes: keys in a fixed order, so the same responses give the same file.
pub fn to_bytes(f: &FixtureFile) -> Vec<u8> {
    let v = serde_json::to_value(f).unwrap_or(Value::Null);
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
