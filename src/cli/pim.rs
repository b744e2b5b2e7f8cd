//! `pim list|activate|deactivate`: Privileged Identity Management for the signed-in user.

use serde::Serialize;

use crate::model::{Principal, Scope, Tenant, UserId};
use crate::ops::GroupAccess;
use crate::pim::{self, Eligible, EligibleItem, Request, Standing};
use crate::session::Session;
use crate::when;

use super::args::{GroupAccessArg, PimOp, PimWhat};
use super::output::{Out, print, print_json};
use super::{CliError, resolve};

pub fn run(s: &mut Session, op: PimOp, out: Out) -> Result<i32, CliError> {
    match op {
        PimOp::List { actor, json } => {
            let t = s.tenant();
            let u = resolve::actor(t, actor.name())?;
            let items = pim::eligible_items(t, u);
            let active = active(t, u);
            if json.json {
                print_json(
                    out,
                    &ListOut {
                        active,
                        eligible: items.iter().map(|i| item_out(t, i)).collect(),
                    },
                )?;
            } else {
                print_list(out, t, u, &items, &active)?;
            }
            Ok(0)
        }
        PimOp::Activate {
            actor,
            what,
            duration,
            justification,
            json,
        } => {
            let t = s.tenant();
            let u = resolve::actor(t, actor.name())?;
            let req = request(t, &what)?;
            let seconds = pim::parse_duration(&duration).map_err(CliError::usage)?;
            let name = pim::request_name(t, req);
            let a = s.pim_activate(u, req, seconds, &justification)?;
            if json.json {
                print_json(
                    out,
                    &ActivationOut {
                        end_date_time: when::rfc3339(a.end),
                        id: &a.id,
                        start_date_time: when::rfc3339(a.start),
                    },
                )?;
            } else {
                print(
                    out,
                    format!(
                        "{name} is active until {}.",
                        when::exact_utc(&when::rfc3339(a.end))
                    ),
                )?;
                if a.cut_by_eligibility {
                    print(
                        out,
                        "It ends sooner than asked: that is when the eligibility itself ends.",
                    )?;
                }
            }
            Ok(0)
        }
        PimOp::Deactivate { actor, what, json } => {
            let t = s.tenant();
            let u = resolve::actor(t, actor.name())?;
            let req = request(t, &what)?;
            let name = pim::request_name(t, req);
            s.pim_deactivate(u, req)?;
            if json.json {
                print_json(out, &serde_json::json!({"deactivated": true}))?;
            } else {
                print(out, format!("{name} is no longer active."))?;
            }
            Ok(0)
        }
    }
}

fn request(t: &Tenant, w: &PimWhat) -> Result<Request, CliError> {
    match (&w.role, &w.group) {
        (Some(role), _) => {
            let role = resolve::role(role)?;
            let scope = match &w.au {
                Some(a) => Scope::Au(resolve::au(t, a)?),
                None => Scope::Tenant,
            };
            Ok(Request::Role(role, scope))
        }
        (None, Some(g)) => {
            let access = match w.access {
                Some(GroupAccessArg::Owner) => GroupAccess::Owner,
                _ => GroupAccess::Member,
            };
            Ok(Request::Group(resolve::group(t, g)?, access))
        }
        (None, None) => Err(CliError::usage("say what to activate: --role or --group")),
    }
}

fn exact(unix: i64) -> String {
    when::exact_utc(&when::rfc3339(unix))
}

fn standing_text(s: Standing) -> String {
    s.describe(exact)
}

fn standing_key(s: Standing) -> &'static str {
    match s {
        Standing::Ready => "ready",
        Standing::Active(_) => "active",
        Standing::Opens(_) => "notYetOpen",
        Standing::Closed(_) => "ended",
    }
}

fn print_list(
    out: Out,
    t: &Tenant,
    u: UserId,
    items: &[EligibleItem],
    active: &[ActiveOut],
) -> Result<(), CliError> {
    let upn = t.user(u).upn();
    if items.is_empty() {
        print(
            out,
            format!("{upn} is eligible for nothing (no PIM eligibilities)."),
        )?;
    } else {
        print(out, format!("Eligible ({upn}):"))?;
        for i in items {
            let mut line = format!("  {:<56} {}", i.name, standing_text(i.standing));
            if let (Standing::Ready, Some(end)) = (i.standing, i.window.end) {
                line.push_str(&format!("; eligible until {}", exact(end)));
            }
            print(out, line)?;
        }
    }
    if active.is_empty() {
        print(out, "Active: nothing.")?;
    } else {
        print(out, "Active:")?;
        for a in active {
            let until = match &a.end_date_time {
                Some(e) => format!("until {} (activated)", when::exact_utc(e)),
                None => "permanent".to_string(),
            };
            print(out, format!("  {:<56} {until}", a.name))?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListOut {
    active: Vec<ActiveOut>,
    eligible: Vec<ItemOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActiveOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directory_scope_id: Option<String>,
    /// None: permanent.
    end_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    kind: &'static str,
    #[serde(skip)]
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_id: Option<&'static str>,
    /// The role-assignable group the role comes through, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    access_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directory_scope_id: Option<String>,
    end_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_id: Option<&'static str>,
    start_date_time: Option<String>,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActivationOut<'a> {
    end_date_time: String,
    id: &'a str,
    start_date_time: String,
}

fn item_out(t: &Tenant, i: &EligibleItem) -> ItemOut {
    let mut o = ItemOut {
        access_id: None,
        active_until: match i.standing {
            Standing::Active(Some(end)) => Some(when::rfc3339(end)),
            _ => None,
        },
        directory_scope_id: None,
        end_date_time: i.window.end.map(when::rfc3339),
        group: None,
        group_id: None,
        kind: "role",
        role: None,
        role_id: None,
        start_date_time: i.window.start.map(when::rfc3339),
        state: standing_key(i.standing),
        via: None,
    };
    match i.what {
        Eligible::Role {
            eligibility,
            via_group,
        } => {
            let e = &t.eligibilities[eligibility];
            o.role = Some(e.role.name());
            o.role_id = Some(e.role.template_id());
            o.directory_scope_id = Some(t.scope_id(e.scope));
            o.via = via_group.map(|g| t.group(g).display_name.clone());
        }
        Eligible::Group { group, access } => {
            o.kind = "group";
            o.group = Some(t.group(group).display_name.clone());
            o.group_id = Some(t.group(group).id.clone());
            o.access_id = Some(access.as_str());
        }
    }
    o
}

/// What `u` holds now: roles (direct and through role-assignable groups) and activated group
/// access, each with its end (None: permanent).
fn active(t: &Tenant, u: UserId) -> Vec<ActiveOut> {
    let mut out: Vec<ActiveOut> = crate::permissions::grants_of(t, Principal::User(u))
        .iter()
        .map(|g| {
            let a = t.assignment(g.assignment);
            // A role through a group lasts as long as the membership, if that was activated.
            let membership_end = g.via_group.and_then(|grp| {
                t.group_activations_of(u)
                    .find(|(_, m)| m.group == grp && !m.owner)
                    .and_then(|(_, m)| m.window.end)
            });
            let end = match (a.window.end, membership_end) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            ActiveOut {
                access_id: None,
                directory_scope_id: Some(t.scope_id(g.scope)),
                end_date_time: end.map(when::rfc3339),
                group: None,
                group_id: None,
                kind: "role",
                name: crate::permissions::describe_grant(t, g),
                role: Some(g.role.name()),
                role_id: Some(g.role.template_id()),
                via: g.via_group.map(|g| t.group(g).display_name.clone()),
            }
        })
        .collect();
    for (_, a) in t.group_activations_of(u) {
        let access = if a.owner {
            GroupAccess::Owner
        } else {
            GroupAccess::Member
        };
        out.push(ActiveOut {
            access_id: Some(access.as_str()),
            directory_scope_id: None,
            end_date_time: a.window.end.map(when::rfc3339),
            group: Some(t.group(a.group).display_name.clone()),
            group_id: Some(t.group(a.group).id.clone()),
            kind: "group",
            name: pim::request_name(t, Request::Group(a.group, access)),
            role: None,
            role_id: None,
            via: None,
        });
    }
    out
}
