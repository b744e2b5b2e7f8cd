//! `graph pull`: the reads that make a tenant snapshot, in a fixed order, each response handed to
//! `keep` as received (for `--save-raw`) and collected for `import::build`. Network through
//! `client.rs` only; the disk through the caller's `keep`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::client::{Client, GraphError};
use super::import::{Resource, Response};

/// What to read beyond the always-read objects.
#[derive(Debug, Clone, Copy, Default)]
pub struct PullOptions {
    /// Phone methods: one call per user, so only when asked, 20 users per `$batch`.
    pub phone_methods: bool,
}

pub(super) const USER_FIELDS: &str = "id,userPrincipalName,displayName,userType,jobTitle,department,officeLocation,accountEnabled,onPremisesSyncEnabled,onPremisesSamAccountName,assignedLicenses,lastPasswordChangeDateTime";

/// Spaces and quotes in a query, as a URL carries them.
pub(super) fn q(s: &str) -> String {
    s.replace(' ', "%20").replace('\'', "%27")
}

/// The objects of every page (`value`), in order.
pub(super) fn objects(pages: &[Value]) -> impl Iterator<Item = &Value> {
    pages.iter().flat_map(|p| {
        p.get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    })
}

pub(super) fn ids(pages: &[Value]) -> Vec<String> {
    objects(pages)
        .filter_map(|o| o.get("id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Reads the tenant. `keep` sees every response body in order (and may fail, e.g. a full disk).
pub fn pull(
    c: &mut Client,
    opts: PullOptions,
    keep: &mut dyn FnMut(&Resource, &Value) -> Result<(), String>,
) -> Result<Vec<Response>, String> {
    let mut out: Vec<Response> = Vec::new();
    let mut add = |resource: Resource, pages: Vec<Value>, out: &mut Vec<Response>| {
        for body in pages {
            keep(&resource, &body)?;
            out.push(Response {
                resource: resource.clone(),
                body,
            });
        }
        Ok::<(), String>(())
    };
    let e = |e: GraphError| e.to_string();

    let org = c
        .get_pages(
            "/organization?$select=id,displayName,verifiedDomains",
            &[],
            "the organization",
        )
        .map_err(e)?;
    add(Resource::Organization, org, &mut out)?;
    let skus = c
        .get_pages(
            "/subscribedSkus?$select=skuId,skuPartNumber",
            &[],
            "the licences",
        )
        .map_err(e)?;
    add(Resource::SubscribedSkus, skus, &mut out)?;
    let users = c
        .get_pages(
            &format!("/users?$select={USER_FIELDS}&$top=999"),
            &[],
            "the users",
        )
        .map_err(e)?;
    let user_ids = ids(&users);
    add(Resource::Users, users, &mut out)?;

    let aus = c
        .get_pages(
            "/directory/administrativeUnits?$select=id,displayName,description,isMemberManagementRestricted",
            &[],
            "the administrative units",
        )
        .map_err(e)?;
    let au_ids = ids(&aus);
    add(Resource::AdministrativeUnits, aus, &mut out)?;
    for a in &au_ids {
        let pages = c
            .get_pages(
                &format!("/directory/administrativeUnits/{a}/members?$top=999"),
                &[],
                "an administrative unit's members",
            )
            .map_err(e)?;
        add(Resource::AuMembers(a.clone()), pages, &mut out)?;
    }

    let (principals, group_ids) = {
        let mut put = |r: Resource, pages: Vec<Value>| add(r, pages, &mut out);
        roles_and_groups(c, &mut put)?
    };

    // The service principals that hold roles: principals that are neither users nor groups.
    let known: BTreeSet<&String> = user_ids.iter().chain(&group_ids).collect();
    for p in principals.iter().filter(|p| !known.contains(p)) {
        match c.get(
            &format!("/servicePrincipals/{p}?$select=id,displayName,appId"),
            "a service principal",
        ) {
            Ok(body) => add(Resource::ServicePrincipal(p.clone()), vec![body], &mut out)?,
            // Not a service principal (a group that is not role-assignable, say): import
            // reports the assignment as not mapped.
            Err(GraphError::Status { status: 404, .. }) => {}
            Err(err) => return Err(err.to_string()),
        }
    }

    if opts.phone_methods {
        for chunk in user_ids.chunks(20) {
            let mut pending: Vec<String> = chunk.to_vec();
            // A throttled sub-request (429) is asked again, after its own Retry-After.
            for attempt in 0..5 {
                let reqs: Vec<(String, String)> = pending
                    .iter()
                    .map(|u| (u.clone(), format!("/users/{u}/authentication/phoneMethods")))
                    .collect();
                let body = c.batch(&reqs, "users' phone methods").map_err(e)?;
                let throttled = throttled_in(&body);
                let wait = throttled.iter().filter_map(|(_, w)| *w).max();
                add(Resource::PhoneMethods, vec![body], &mut out)?;
                pending = throttled.into_iter().map(|(id, _)| id).collect();
                if pending.is_empty() || attempt == 4 {
                    break;
                }
                c.wait(wait.unwrap_or(std::time::Duration::from_secs(1 << attempt)));
            }
        }
    }
    Ok(out)
}

/// The role definitions, assignments and eligibilities, and the role-assignable groups with their
/// members, owners and PIM for Groups eligibilities: what deciding protection needs, read by
/// `graph pull` and by live mode alike. Returns the principals that hold or may activate a role,
/// and the groups' ids.
pub(super) fn roles_and_groups(
    c: &mut Client,
    add: &mut dyn FnMut(Resource, Vec<Value>) -> Result<(), String>,
) -> Result<(BTreeSet<String>, Vec<String>), String> {
    let e = |e: GraphError| e.to_string();
    let defs = c
        .get_pages(
            "/roleManagement/directory/roleDefinitions?$select=id,templateId,displayName,isBuiltIn",
            &[],
            "the role definitions",
        )
        .map_err(e)?;
    add(Resource::RoleDefinitions, defs)?;
    let assignments = c
        .get_pages(
            "/roleManagement/directory/roleAssignments",
            &[],
            "the role assignments",
        )
        .map_err(e)?;
    let eligibilities = c
        .get_pages(
            "/roleManagement/directory/roleEligibilityScheduleInstances",
            &[],
            "the PIM eligibilities",
        )
        .map_err(e)?;
    let principals: BTreeSet<String> = objects(&assignments)
        .chain(objects(&eligibilities))
        .filter_map(|o| {
            o.get("principalId")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    add(Resource::RoleAssignments, assignments)?;
    add(Resource::RoleEligibilities, eligibilities)?;

    // Role-assignable groups; the filter needs an advanced query in some tenants.
    let filter = q(
        "/groups?$filter=isAssignableToRole eq true&$select=id,displayName,isAssignableToRole&$top=999",
    );
    let groups = match c.get_pages(&filter, &[], "the role-assignable groups") {
        Err(GraphError::Status {
            status: 400, code, ..
        }) if code == "Request_UnsupportedQuery" => c
            .get_pages(
                &format!("{filter}&$count=true"),
                &[("ConsistencyLevel", "eventual")],
                "the role-assignable groups",
            )
            .map_err(e)?,
        r => r.map_err(e)?,
    };
    let group_ids = ids(&groups);
    add(Resource::Groups, groups)?;
    for g in &group_ids {
        let m = c
            .get_pages(
                &format!("/groups/{g}/members?$select=id&$top=999"),
                &[],
                "a group's members",
            )
            .map_err(e)?;
        add(Resource::GroupMembers(g.clone()), m)?;
        let o = c
            .get_pages(
                &format!("/groups/{g}/owners?$select=id&$top=999"),
                &[],
                "a group's owners",
            )
            .map_err(e)?;
        add(Resource::GroupOwners(g.clone()), o)?;
        let el = c
            .get_pages(
                &q(&format!(
                    "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId eq '{g}'"
                )),
                &[],
                "a group's PIM eligibilities",
            )
            .map_err(e)?;
        add(Resource::GroupEligibilities(g.clone()), el)?;
    }

    Ok((principals, group_ids))
}

/// The ids of a `$batch` answer's throttled sub-requests, with their `Retry-After`.
fn throttled_in(batch: &Value) -> Vec<(String, Option<std::time::Duration>)> {
    batch
        .get("responses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("status").and_then(Value::as_u64) == Some(429))
        .filter_map(|r| {
            let id = r.get("id").and_then(Value::as_str)?.to_string();
            let wait = r
                .get("headers")
                .and_then(|h| h.get("Retry-After"))
                .and_then(Value::as_str)
                .and_then(super::client::retry_after);
            Some((id, wait))
        })
        .collect()
}
