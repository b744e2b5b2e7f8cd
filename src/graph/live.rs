//! Live mode's side of Microsoft Graph: what a signed-in manager's work needs, read on demand
//! (not the whole tenant), and the changes themselves. Reads become a tenant through the same
//! mapping as `graph pull` (`import.rs`), so the engine decides on what was read exactly as it
//! does offline; a change reaches Graph only after the engine allowed it (`session.rs`).
//!
//! Network through `client.rs` only. Nothing here writes to the disk or prints.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use super::client::{Client, GraphError};
use super::import::{self, ImportSettings, Resource, Response};
use super::pull::{USER_FIELDS, ids, objects, q, roles_and_groups};
use crate::model::Tenant;
use crate::ops::Change;
use crate::phone::PhoneType;
use crate::secret::Secret;
use crate::session::{Made, Remote, RemoteError};

/// The password authentication method's fixed id (the same in every tenant).
const PASSWORD_METHOD: &str = "28c10230-6103-485e-b985-444c60001490";
/// How long a reset operation is followed before its outcome is called unknown.
const RESET_POLLS: u32 = 60;

/// The fixed id of each phone method type (Graph documents them; the same in every tenant).
fn phone_method_id(kind: PhoneType) -> &'static str {
    match kind {
        PhoneType::Mobile => "3179e48a-750b-4051-897c-87b9720928f7",
        PhoneType::AlternateMobile => "b6332ec1-7057-4abe-9331-3d72feddfe41",
        PhoneType::Office => "e37fc753-ff3b-4958-9484-eaa9425c82bc",
    }
}

/// What was read this session, by object: kept in memory only, gone when mystaff quits.
pub struct Live {
    client: Client,
    settings: ImportSettings,
    /// Organization, licences, administrative units, roles and role-assignable groups.
    base: Vec<Response>,
    /// Users read, by id (the signed-in user first).
    users: BTreeMap<String, Value>,
    /// The units each user read is a member of.
    units_of: BTreeMap<String, Vec<String>>,
    /// Phone methods of the users whose methods were read.
    phones: BTreeMap<String, Vec<Value>>,
    me: String,
    /// Sleeps between polls of a reset operation (tests shorten it).
    pub poll_pause: fn(Duration),
}

fn sentence(e: GraphError) -> String {
    e.to_string()
}

impl Live {
    /// Reads who signed in and what deciding their work needs.
    pub fn open(mut client: Client, settings: ImportSettings) -> Result<Live, String> {
        let me = client
            .get(&format!("/me?$select={USER_FIELDS}"), "the signed-in user")
            .map_err(sentence)?;
        let me_id = me
            .get("id")
            .and_then(Value::as_str)
            .ok_or("Graph's answer to /me has no id")?
            .to_string();
        let mut base = Vec::new();
        let mut put = |r: Resource, pages: Vec<Value>| {
            base.extend(pages.into_iter().map(|body| Response {
                resource: r.clone(),
                body,
            }));
            Ok(())
        };
        for (r, path, what) in [
            (
                Resource::Organization,
                "/organization?$select=id,displayName,verifiedDomains",
                "the organization",
            ),
            (
                Resource::SubscribedSkus,
                "/subscribedSkus?$select=skuId,skuPartNumber",
                "the licences",
            ),
            (
                Resource::AdministrativeUnits,
                "/directory/administrativeUnits?$select=id,displayName,description,isMemberManagementRestricted",
                "the administrative units",
            ),
        ] {
            put(r, client.get_pages(path, &[], what).map_err(sentence)?)?;
        }
        roles_and_groups(&mut client, &mut put)?;
        let mut live = Live {
            client,
            settings,
            base,
            users: BTreeMap::new(),
            units_of: BTreeMap::new(),
            phones: BTreeMap::new(),
            me: me_id.clone(),
            poll_pause: std::thread::sleep,
        };
        live.add_user(me)?;
        Ok(live)
    }

    /// The signed-in user's object id.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// Keeps a user and reads the units they are in.
    fn add_user(&mut self, user: Value) -> Result<String, String> {
        let id = user
            .get("id")
            .and_then(Value::as_str)
            .ok_or("a user in Graph's answer has no id")?
            .to_string();
        let units = self
            .client
            .get_pages(
                &format!(
                    "/users/{id}/memberOf/microsoft.graph.administrativeUnit?$select=id&$top=999"
                ),
                &[],
                "the user's administrative units",
            )
            .map_err(sentence)?;
        self.units_of.insert(id.clone(), ids(&units));
        self.users.insert(id.clone(), user);
        Ok(id)
    }

    /// Reads a user (UPN or id) and their units, unless already read. None: no such user.
    pub fn ensure_user(&mut self, key: &str) -> Result<Option<String>, String> {
        let key = key.trim();
        if let Some((id, _)) = self.users.iter().find(|(id, u)| {
            id.eq_ignore_ascii_case(key)
                || u.get("userPrincipalName")
                    .and_then(Value::as_str)
                    .is_some_and(|p| p.eq_ignore_ascii_case(key))
        }) {
            return Ok(Some(id.clone()));
        }
        if key.is_empty() || key.contains(['/', '?', '#', '%', '&']) {
            return Ok(None);
        }
        match self.client.get(
            &format!("/users/{}?$select={USER_FIELDS}", q(key)),
            "the user",
        ) {
            Ok(user) => self.add_user(user).map(Some),
            Err(GraphError::Status { status: 404, .. }) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Reads a user's phone methods (again, when asked again: they may have changed).
    pub fn read_phones(&mut self, user: &str) -> Result<(), String> {
        let pages = self
            .client
            .get_pages(
                &format!("/users/{user}/authentication/phoneMethods"),
                &[],
                "the user's phone methods",
            )
            .map_err(sentence)?;
        let list = objects(&pages).cloned().collect();
        self.phones.insert(user.to_string(), list);
        Ok(())
    }

    /// What was read, as a tenant the engine can decide on.
    pub fn tenant(&self) -> Result<Tenant, String> {
        let mut responses = self.base.clone();
        responses.push(Response {
            resource: Resource::Users,
            body: json!({"value": self.users.values().collect::<Vec<_>>()}),
        });
        let mut members: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for (user, units) in &self.units_of {
            for u in units {
                members
                    .entry(u)
                    .or_default()
                    .push(json!({"@odata.type": "#microsoft.graph.user", "id": user}));
            }
        }
        for (unit, list) in members {
            responses.push(Response {
                resource: Resource::AuMembers(unit.to_string()),
                body: json!({ "value": list }),
            });
        }
        let subs: Vec<Value> = self
            .phones
            .iter()
            .map(|(u, list)| json!({"id": u, "status": 200, "body": {"value": list}}))
            .collect();
        if !subs.is_empty() {
            responses.push(Response {
                resource: Resource::PhoneMethods,
                body: json!({ "responses": subs }),
            });
        }
        let (fixture, _) = import::build(&responses, &self.settings)?;
        crate::fixture::build(fixture).map_err(|problems| {
            format!(
                "what Graph answered does not make a consistent tenant: {}",
                problems.join("; ")
            )
        })
    }

    fn phone_id(&self, user: &str, kind: PhoneType) -> String {
        self.phones
            .get(user)
            .into_iter()
            .flatten()
            .find(|m| m.get("phoneType").and_then(Value::as_str) == Some(kind.as_str()))
            .and_then(|m| m.get("id").and_then(Value::as_str))
            .unwrap_or(phone_method_id(kind))
            .to_string()
    }

    /// Keeps the phone list in step with a change Graph made.
    fn remember_phone(&mut self, user: &str, kind: PhoneType, number: Option<&str>) {
        let id = self.phone_id(user, kind);
        let list = self.phones.entry(user.to_string()).or_default();
        list.retain(|m| m.get("phoneType").and_then(Value::as_str) != Some(kind.as_str()));
        if let Some(n) = number {
            list.push(json!({"id": id, "phoneNumber": n, "phoneType": kind.as_str()}));
        }
    }

    /// `resetPassword`, then its operation followed to `succeeded` or `failed`.
    fn reset(
        &mut self,
        user: &str,
        synced: bool,
        password: Option<&Secret>,
        fallback_patch: bool,
    ) -> Result<Made, RemoteError> {
        let body = match (synced, password) {
            (true, Some(p)) => json!({"newPassword": p.as_str()}),
            _ => json!({}),
        };
        let path = format!("/users/{user}/authentication/methods/{PASSWORD_METHOD}/resetPassword");
        let answer = self
            .client
            .write("POST", &path, Some(&body), "the password reset");
        drop(body);
        let (generated, location) = match answer {
            Ok((_, v, location)) => (
                v.get("newPassword")
                    .and_then(Value::as_str)
                    .map(|p| Secret::new(p.to_string())),
                location,
            ),
            Err(GraphError::Status { status: 403, .. })
                if !synced && fallback_patch && password.is_some() =>
            {
                return self.patch_password(user, password);
            }
            Err(e) => return Err(classify(e)),
        };
        let Some(location) = location else {
            return Ok(Made {
                temporary_password: generated,
                note: Some("Graph accepted the reset without an operation to follow".into()),
            });
        };
        for _ in 0..RESET_POLLS {
            let status = match self.client.get(&location, "the reset operation") {
                Ok(v) => v
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                Err(e) => {
                    return Err(RemoteError::Unknown(format!(
                        "Graph accepted the reset, but its outcome could not be read: {e}"
                    )));
                }
            };
            match status.as_str() {
                "succeeded" => {
                    return Ok(Made {
                        temporary_password: generated,
                        note: None,
                    });
                }
                "failed" => {
                    return Err(RemoteError::Refused(
                        "Graph's reset operation ended in `failed` (the password was not changed)"
                            .into(),
                    ));
                }
                _ => (self.poll_pause)(Duration::from_secs(1)),
            }
        }
        Err(RemoteError::Unknown(format!(
            "Graph's reset operation was still running after {RESET_POLLS} checks"
        )))
    }

    /// `PATCH /users/{id}` with a password profile: the documented call for Helpdesk, Password
    /// and User Administrators, for a cloud-only user.
    fn patch_password(
        &mut self,
        user: &str,
        password: Option<&Secret>,
    ) -> Result<Made, RemoteError> {
        let Some(p) = password else {
            return Err(RemoteError::Refused("no password to set".into()));
        };
        let body = json!({"passwordProfile": {"forceChangePasswordNextSignIn": true, "password": p.as_str()}});
        let answer = self.client.write(
            "PATCH",
            &format!("/users/{user}"),
            Some(&body),
            "the password profile",
        );
        drop(body);
        answer.map_err(classify)?;
        Ok(Made {
            temporary_password: Some(p.clone()),
            note: Some(
                "Graph refused resetPassword (403), so the password profile was set instead".into(),
            ),
        })
    }
}

/// A refusal (Graph answered 4xx: nothing changed) or an unknown outcome (no answer, or 5xx:
/// the change may have been made).
fn classify(e: GraphError) -> RemoteError {
    match &e {
        GraphError::Status { status, .. } if *status < 500 => RemoteError::Refused(e.to_string()),
        _ => RemoteError::Unknown(e.to_string()),
    }
}

impl Remote for Live {
    fn make(
        &mut self,
        tenant: &Tenant,
        change: &Change,
        password: Option<&Secret>,
        fallback_patch: bool,
    ) -> Result<Made, RemoteError> {
        match change {
            Change::PasswordReset { user_id, .. } => {
                let synced = tenant
                    .find_user(user_id)
                    .is_some_and(|u| tenant.user(u).synced);
                self.reset(user_id, synced, password, fallback_patch)
            }
            Change::PhoneSet {
                user_id,
                phone_type,
                phone_number,
            } => {
                let exists = tenant
                    .find_user(user_id)
                    .is_some_and(|u| tenant.user(u).phone(*phone_type).is_some());
                let body = json!({"phoneNumber": phone_number, "phoneType": phone_type.as_str()});
                let base = format!("/users/{user_id}/authentication/phoneMethods");
                let r = if exists {
                    let id = self.phone_id(user_id, *phone_type);
                    self.client.write(
                        "PATCH",
                        &format!("{base}/{id}"),
                        Some(&body),
                        "the phone change",
                    )
                } else {
                    self.client
                        .write("POST", &base, Some(&body), "the new phone method")
                };
                match r {
                    Ok(_) => {
                        self.remember_phone(user_id, *phone_type, Some(phone_number));
                        Ok(Made::default())
                    }
                    Err(e) => Err(self.after_phone_failure(user_id, classify(e))),
                }
            }
            Change::PhoneRemoved {
                user_id,
                phone_type,
            } => {
                let id = self.phone_id(user_id, *phone_type);
                let path = format!("/users/{user_id}/authentication/phoneMethods/{id}");
                match self
                    .client
                    .write("DELETE", &path, None, "the phone removal")
                {
                    Ok(_) => {
                        self.remember_phone(user_id, *phone_type, None);
                        Ok(Made::default())
                    }
                    Err(e) => Err(self.after_phone_failure(user_id, classify(e))),
                }
            }
            _ => Err(RemoteError::Refused(
                "live mode makes password resets and phone changes only".into(),
            )),
        }
    }

    fn reread(&mut self) -> Result<Tenant, String> {
        self.tenant()
    }
}

impl Live {
    /// After a phone change whose outcome is unknown, the methods are read again at once, so
    /// what is shown is what Graph holds, and nothing is tried again blindly.
    fn after_phone_failure(&mut self, user: &str, e: RemoteError) -> RemoteError {
        match e {
            RemoteError::Unknown(why) => match self.read_phones(user) {
                Ok(()) => RemoteError::Unknown(format!(
                    "{why}; the phone methods were read again and are shown as Graph holds them now"
                )),
                Err(again) => RemoteError::Unknown(format!(
                    "{why}; reading the phone methods again failed too ({again})"
                )),
            },
            refused => refused,
        }
    }
}
