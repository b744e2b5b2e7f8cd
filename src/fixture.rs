//! The tenant fixture format (Graph-shaped JSON, `schemaVersion: 1`) and its validation.
//!
//! Loading reports every problem at once, each naming the file and either the parser's line:column
//! or the entity path (`users[12].userPrincipalName`). Unknown fields are errors: a typo must never
//! silently change a permission rule.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{
    AdminUnit, Assignment, FastMap, Group, IdKey, MyStaffAccess, MyStaffSetting, Object,
    PasswordState, PhoneMethod, PhoneSignIn, Principal, Scope, ServicePrincipal, Settings, Tenant,
    TenantInfo, TenantMaps, User, UserType,
};
use crate::password::PasswordPolicy;
use crate::phone;
use crate::roles::Role;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureFile {
    pub schema_version: u32,
    pub tenant: FxTenant,
    #[serde(default)]
    pub settings: FxSettings,
    #[serde(default)]
    pub users: Vec<FxUser>,
    #[serde(default)]
    pub groups: Vec<FxGroup>,
    #[serde(default)]
    pub service_principals: Vec<FxServicePrincipal>,
    #[serde(default)]
    pub administrative_units: Vec<FxAdminUnit>,
    #[serde(default)]
    pub role_assignments: Vec<FxRoleAssignment>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxTenant {
    pub id: String,
    pub display_name: String,
    pub default_domain: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxSettings {
    #[serde(default)]
    pub my_staff: FxMyStaff,
    #[serde(default)]
    pub phone_sign_in: PhoneSignIn,
    #[serde(default = "yes")]
    pub password_writeback: bool,
    #[serde(default)]
    pub password_policy: PasswordPolicy,
}

fn yes() -> bool {
    true
}

impl Default for FxSettings {
    fn default() -> Self {
        FxSettings {
            my_staff: FxMyStaff::default(),
            phone_sign_in: PhoneSignIn::default(),
            password_writeback: true,
            password_policy: PasswordPolicy::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxMyStaff {
    pub access: MyStaffAccess,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub selected_principal_ids: Vec<String>,
}

impl Default for FxMyStaff {
    fn default() -> Self {
        FxMyStaff {
            access: MyStaffAccess::All,
            selected_principal_ids: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    #[serde(default = "member")]
    pub user_type: UserType,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub office_location: Option<String>,
    #[serde(default = "yes")]
    pub account_enabled: bool,
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
    #[serde(default)]
    pub on_premises_sam_account_name: Option<String>,
    #[serde(default)]
    pub assigned_licenses: Vec<String>,
    #[serde(default)]
    pub phone_methods: Vec<PhoneMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_password_change_date_time: Option<String>,
}

fn member() -> UserType {
    UserType::Member
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxGroup {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub is_assignable_to_role: bool,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub owners: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxServicePrincipal {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub app_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxAdminUnit {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_member_management_restricted: bool,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FxRoleAssignment {
    pub id: String,
    pub role_definition_id: String,
    pub principal_id: String,
    pub directory_scope_id: String,
}

/// Every problem found in one fixture.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureError {
    pub file: String,
    pub problems: Vec<String>,
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{}: invalid tenant fixture ({n} problem{})",
            self.file,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}: {p}", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for FixtureError {}

/// Parses and validates a fixture. `file` names it in messages.
pub fn load(file: &str, bytes: &[u8]) -> Result<Tenant, FixtureError> {
    let err = |problems: Vec<String>| FixtureError {
        file: file.to_string(),
        problems,
    };
    match serde_json::from_slice::<FixtureFile>(bytes) {
        Ok(fx) => build(fx).map_err(err),
        Err(e) if e.is_data() => {
            // The shape is wrong somewhere: re-read entity by entity so every shape problem is
            // reported, not just the first; the parser's position is kept for the first one.
            let mut problems = vec![format!(
                "line {}, column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e)
            )];
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
                let more = shape_problems(&value);
                // The first entity problem is usually the same as the parser's; keep both views.
                problems.extend(more);
            }
            Err(err(problems))
        }
        Err(e) => Err(err(vec![format!(
            "line {}, column {}: {}",
            e.line(),
            e.column(),
            match e.classify() {
                serde_json::error::Category::Eof =>
                    "unexpected end of file (the JSON is cut off)".to_string(),
                _ => strip_position(&e),
            }
        )])),
    }
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// Deserializes each entity on its own to name every malformed one by path.
fn shape_problems(v: &serde_json::Value) -> Vec<String> {
    fn each<T: serde::de::DeserializeOwned>(
        v: &serde_json::Value,
        key: &str,
        out: &mut Vec<String>,
    ) {
        match v.get(key) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Err(e) = serde_json::from_value::<T>(item.clone()) {
                        out.push(format!("{key}[{i}]: {e}"));
                    }
                }
            }
            Some(_) => out.push(format!("{key}: expected an array")),
        }
    }
    let mut out = Vec::new();
    let Some(obj) = v.as_object() else {
        return vec!["the top level must be a JSON object".to_string()];
    };
    const KNOWN: [&str; 8] = [
        "schemaVersion",
        "tenant",
        "settings",
        "users",
        "groups",
        "servicePrincipals",
        "administrativeUnits",
        "roleAssignments",
    ];
    for k in obj.keys() {
        if !KNOWN.contains(&k.as_str()) {
            out.push(format!("unknown top-level field `{k}`"));
        }
    }
    if let Some(t) = v.get("tenant")
        && let Err(e) = serde_json::from_value::<FxTenant>(t.clone())
    {
        out.push(format!("tenant: {e}"));
    }
    if let Some(s) = v.get("settings")
        && let Err(e) = serde_json::from_value::<FxSettings>(s.clone())
    {
        out.push(format!("settings: {e}"));
    }
    each::<FxUser>(v, "users", &mut out);
    each::<FxGroup>(v, "groups", &mut out);
    each::<FxServicePrincipal>(v, "servicePrincipals", &mut out);
    each::<FxAdminUnit>(v, "administrativeUnits", &mut out);
    each::<FxRoleAssignment>(v, "roleAssignments", &mut out);
    out
}

fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn valid_upn(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace())
        }
        _ => false,
    }
}

/// Validates references and rules, then builds the in-memory tenant.
pub fn build(fx: FixtureFile) -> Result<Tenant, Vec<String>> {
    let mut p: Vec<String> = Vec::new();
    if fx.schema_version != SCHEMA_VERSION {
        p.push(format!(
            "schemaVersion: {} is not supported (this mystaff reads schemaVersion {SCHEMA_VERSION})",
            fx.schema_version
        ));
    }
    if !is_guid(&fx.tenant.id) {
        p.push(format!("tenant.id: `{}` is not a GUID", fx.tenant.id));
    }
    if fx.tenant.display_name.trim().is_empty() {
        p.push("tenant.displayName: must not be empty".to_string());
    }

    // Ids are unique across every kind of object (they are directory object ids). This map (by
    // lowercase id) becomes the tenant's id index; paths for messages are made only when needed.
    let n_objects = fx.users.len()
        + fx.groups.len()
        + fx.service_principals.len()
        + fx.administrative_units.len()
        + fx.role_assignments.len();
    let mut ids: FastMap<IdKey, Object> =
        FastMap::with_capacity_and_hasher(n_objects, Default::default());
    let mut claim_id = |id: &str, obj: Object, p: &mut Vec<String>| {
        if id.trim().is_empty() {
            p.push(format!("{}: must not be empty", id_path(obj)));
            return;
        }
        match ids.entry(IdKey::of(id)) {
            std::collections::hash_map::Entry::Occupied(e) => p.push(format!(
                "{}: duplicate id `{id}` (also {})",
                id_path(obj),
                id_path(*e.get())
            )),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(obj);
            }
        }
    };

    let mut upns: FastMap<String, u32> =
        FastMap::with_capacity_and_hasher(fx.users.len(), Default::default());
    let mut mobiles: FastMap<String, u32> = FastMap::default();
    let mut users = Vec::with_capacity(fx.users.len());
    for (i, u) in fx.users.into_iter().enumerate() {
        claim_id(&u.id, Object::User(i as u32), &mut p);
        if !valid_upn(&u.user_principal_name) {
            p.push(format!(
                "users[{i}].userPrincipalName: `{}` is not a user principal name (name@domain)",
                u.user_principal_name
            ));
        }
        if let Some(prev) = upns.insert(u.user_principal_name.to_lowercase(), i as u32) {
            p.push(format!(
                "users[{i}].userPrincipalName: duplicate UPN `{}` (also users[{prev}], UPNs are case-insensitive)",
                u.user_principal_name
            ));
        }
        if u.display_name.trim().is_empty() {
            p.push(format!("users[{i}].displayName: must not be empty"));
        }
        let synced = u.on_premises_sync_enabled == Some(true);
        if synced
            && u.on_premises_sam_account_name
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            p.push(format!(
                "users[{i}].onPremisesSamAccountName: a synced user (onPremisesSyncEnabled: true) needs one"
            ));
        }
        let mut phones: Vec<PhoneMethod> = Vec::new();
        for (j, m) in u.phone_methods.into_iter().enumerate() {
            let path = || format!("users[{i}].phoneMethods[{j}]");
            match phone::validate_number(&m.phone_number) {
                Ok(n) => {
                    if phones.iter().any(|q| q.phone_type == m.phone_type) {
                        p.push(format!(
                            "{}.phoneType: a second `{}` phone (at most one of each type)",
                            path(),
                            m.phone_type.as_str()
                        ));
                    }
                    if m.phone_type == phone::PhoneType::Mobile
                        && let Some(other) = mobiles.insert(n.clone(), i as u32)
                        && other != i as u32
                    {
                        p.push(format!(
                            "{}.phoneNumber: mobile `{n}` is already registered to users[{other}]",
                            path()
                        ));
                    }
                    phones.push(PhoneMethod {
                        phone_type: m.phone_type,
                        phone_number: n,
                    });
                }
                Err(e) => p.push(format!("{}.phoneNumber: {e}", path())),
            }
        }
        if phones
            .iter()
            .any(|m| m.phone_type == phone::PhoneType::AlternateMobile)
            && !phones
                .iter()
                .any(|m| m.phone_type == phone::PhoneType::Mobile)
        {
            p.push(format!(
                "users[{i}].phoneMethods: an alternateMobile needs a mobile first"
            ));
        }
        phones.sort_by_key(|m| m.phone_type);
        users.push(User {
            id: u.id,
            upn: u.user_principal_name,
            display_name: u.display_name,
            user_type: u.user_type,
            job_title: u.job_title,
            department: u.department,
            office_location: u.office_location,
            account_enabled: u.account_enabled,
            synced,
            sam_account_name: u.on_premises_sam_account_name,
            licenses: u.assigned_licenses,
            phones,
            password: PasswordState {
                last_changed: u.last_password_change_date_time,
                ..PasswordState::default()
            },
            deleted: false,
        });
    }

    for (i, g) in fx.groups.iter().enumerate() {
        claim_id(&g.id, Object::Group(i as u32), &mut p);
    }
    for (i, s) in fx.service_principals.iter().enumerate() {
        claim_id(&s.id, Object::ServicePrincipal(i as u32), &mut p);
    }
    for (i, a) in fx.administrative_units.iter().enumerate() {
        claim_id(&a.id, Object::Au(i as u32), &mut p);
    }
    for (i, r) in fx.role_assignments.iter().enumerate() {
        claim_id(&r.id, Object::Assignment(i as u32), &mut p);
    }
    let mut groups = Vec::with_capacity(fx.groups.len());
    let user_ref = |id: &str| match ids.get(&IdKey::of(id)) {
        Some(Object::User(u)) => Some(*u),
        _ => None,
    };
    for (i, g) in fx.groups.into_iter().enumerate() {
        let refs = |list: &[String], what: &str, p: &mut Vec<String>| -> Vec<u32> {
            let mut out = Vec::new();
            for (j, m) in list.iter().enumerate() {
                match user_ref(m) {
                    Some(u) if out.contains(&u) => {
                        p.push(format!("groups[{i}].{what}[{j}]: `{m}` is listed twice"))
                    }
                    Some(u) => out.push(u),
                    None => p.push(format!(
                        "groups[{i}].{what}[{j}]: no user has the id `{m}` (group {what} must be users)"
                    )),
                }
            }
            out
        };
        let members = refs(&g.members, "members", &mut p);
        let owners = refs(&g.owners, "owners", &mut p);
        groups.push(Group {
            id: g.id,
            display_name: g.display_name,
            role_assignable: g.is_assignable_to_role,
            members,
            owners,
        });
    }

    let mut sps = Vec::with_capacity(fx.service_principals.len());
    for s in fx.service_principals.into_iter() {
        sps.push(ServicePrincipal {
            id: s.id,
            display_name: s.display_name,
            app_id: s.app_id,
        });
    }

    let principal_ref = |id: &str| -> Option<Principal> {
        match ids.get(&IdKey::of(id))? {
            Object::User(u) => Some(Principal::User(*u)),
            Object::Group(g) => Some(Principal::Group(*g)),
            Object::ServicePrincipal(s) => Some(Principal::ServicePrincipal(*s)),
            _ => None,
        }
    };
    let au_ref = |id: &str| match ids.get(&IdKey::of(id)) {
        Some(Object::Au(a)) => Some(*a),
        _ => None,
    };

    let mut aus = Vec::with_capacity(fx.administrative_units.len());
    for (i, a) in fx.administrative_units.into_iter().enumerate() {
        if a.display_name.trim().is_empty() {
            p.push(format!(
                "administrativeUnits[{i}].displayName: must not be empty"
            ));
        }
        let mut members = Vec::with_capacity(a.members.len());
        let mut seen: HashSet<Principal, foldhash::fast::RandomState> =
            HashSet::with_capacity_and_hasher(a.members.len(), Default::default());
        for (j, m) in a.members.iter().enumerate() {
            let path = || format!("administrativeUnits[{i}].members[{j}]");
            match principal_ref(m) {
                Some(Principal::ServicePrincipal(_)) => p.push(format!(
                    "{}: `{m}` is a service principal; AU members are users or groups",
                    path()
                )),
                Some(pr) => {
                    if seen.insert(pr) {
                        members.push(pr);
                    } else {
                        p.push(format!("{}: `{m}` is listed twice", path()));
                    }
                }
                None => p.push(format!("{}: no user or group has the id `{m}`", path())),
            }
        }
        aus.push(AdminUnit {
            id: a.id,
            display_name: a.display_name,
            description: a.description,
            restricted: a.is_member_management_restricted,
            members,
            deleted: false,
        });
    }

    let mut assignments = Vec::with_capacity(fx.role_assignments.len());
    let mut seen_assignments: HashMap<(Role, Principal, Scope), usize> = HashMap::new();
    for (i, r) in fx.role_assignments.into_iter().enumerate() {
        let path = format!("roleAssignments[{i}]");
        let role = Role::lookup(&r.role_definition_id);
        if role.is_none() {
            p.push(format!(
                "{path}.roleDefinitionId: `{}` is not a built-in role template id or name mystaff knows",
                r.role_definition_id
            ));
        }
        let principal = principal_ref(&r.principal_id);
        match principal {
            None => p.push(format!(
                "{path}.principalId: no user, group or service principal has the id `{}`",
                r.principal_id
            )),
            Some(Principal::Group(g)) if !groups[g as usize].role_assignable => p.push(format!(
                "{path}.principalId: group `{}` is not role-assignable (isAssignableToRole: false) and cannot hold a role",
                groups[g as usize].display_name
            )),
            _ => {}
        }
        let scope = if r.directory_scope_id == "/" {
            Some(Scope::Tenant)
        } else if let Some(au) = r.directory_scope_id.strip_prefix("/administrativeUnits/") {
            match au_ref(au) {
                Some(a) => Some(Scope::Au(a)),
                None => {
                    p.push(format!(
                        "{path}.directoryScopeId: no administrative unit has the id `{au}`"
                    ));
                    None
                }
            }
        } else {
            p.push(format!(
                "{path}.directoryScopeId: `{}` is not `/` or `/administrativeUnits/<id>`",
                r.directory_scope_id
            ));
            None
        };
        if let (Some(role), Some(Scope::Au(_))) = (role, scope)
            && !role.def().au_scopable
        {
            p.push(format!(
                "{path}: {} cannot be assigned at administrative-unit scope (The given built-in role is not supported to be assigned to a single resource scope.)",
                role.name()
            ));
        }
        if let (Some(role), Some(principal), Some(scope)) = (role, principal, scope) {
            if let Some(prev) = seen_assignments.insert((role, principal, scope), i) {
                p.push(format!(
                    "{path}: duplicate of roleAssignments[{prev}] (same role, principal and scope)"
                ));
            }
            assignments.push(Assignment {
                id: r.id,
                role,
                principal,
                scope,
                deleted: false,
            });
        }
    }

    let mut selected = Vec::new();
    let ms = &fx.settings.my_staff;
    for (j, id) in ms.selected_principal_ids.iter().enumerate() {
        match principal_ref(id) {
            Some(pr @ (Principal::User(_) | Principal::Group(_))) => selected.push(pr),
            _ => p.push(format!(
                "settings.myStaff.selectedPrincipalIds[{j}]: no user or group has the id `{id}`"
            )),
        }
    }
    if ms.access == MyStaffAccess::Selected && ms.selected_principal_ids.is_empty() {
        p.push(
            "settings.myStaff: access `selected` needs at least one id in selectedPrincipalIds"
                .to_string(),
        );
    }
    if ms.access != MyStaffAccess::Selected && !ms.selected_principal_ids.is_empty() {
        p.push(format!(
            "settings.myStaff.selectedPrincipalIds: only used with access `selected`, not `{}`",
            ms.access.as_str()
        ));
    }
    let pol = &fx.settings.password_policy;
    if pol.cloud.min_length < 1
        || pol.cloud.min_length > pol.cloud.max_length
        || pol.cloud.required_categories > 4
    {
        p.push("settings.passwordPolicy.cloud: needs 1 <= minLength <= maxLength and requiredCategories <= 4".to_string());
    }
    if pol.on_premises.required_categories > 5 || pol.on_premises.min_length > 256 {
        p.push("settings.passwordPolicy.onPremises: needs minLength <= 256 and requiredCategories <= 5".to_string());
    }

    if !p.is_empty() {
        return Err(p);
    }
    let settings = Settings {
        my_staff: MyStaffSetting {
            access: fx.settings.my_staff.access,
            selected,
        },
        phone_sign_in: fx.settings.phone_sign_in,
        password_writeback: fx.settings.password_writeback,
        password_policy: fx.settings.password_policy,
    };
    Ok(Tenant::with_maps(
        TenantInfo {
            id: fx.tenant.id,
            display_name: fx.tenant.display_name,
            default_domain: fx.tenant.default_domain,
        },
        settings,
        users,
        groups,
        sps,
        aus,
        assignments,
        TenantMaps {
            by_id: ids,
            user_by_upn: upns,
            mobile_owner: mobiles,
        },
    ))
}

/// Where an object's id is, for messages.
fn id_path(o: Object) -> String {
    match o {
        Object::User(i) => format!("users[{i}].id"),
        Object::Group(i) => format!("groups[{i}].id"),
        Object::ServicePrincipal(i) => format!("servicePrincipals[{i}].id"),
        Object::Au(i) => format!("administrativeUnits[{i}].id"),
        Object::Assignment(i) => format!("roleAssignments[{i}].id"),
    }
}
