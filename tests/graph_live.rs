//! `--live` CLI operations against a Graph stand-in on 127.0.0.1: the engine decides on what was
//! read, a refusal makes no write request at all, a cloud-only reset takes Graph's generated
//! password after following the operation from `running` to `succeeded`, a synced reset sends
//! the typed password, phone add/edit/remove use `phoneMethods`, Graph's 403 is one sentence with
//! its code and request-id, and the local audit holds no password.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

#[path = "common/graph_server.rs"]
mod graph_server;
#[path = "common/graph_tenant.rs"]
mod graph_tenant;
use graph_server::{Answer, GraphServer, Recorded};
use graph_tenant::{g, responses};

const BIN: &str = env!("CARGO_BIN_EXE_mystaff");
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.live-token.sig";
const GENERATED: &str = "Graph-Made-Temp-7731";

fn objects(resource: &str, key: Option<String>) -> Vec<Value> {
    responses()
        .into_iter()
        .filter(|(r, k, _)| *r == resource && *k == key)
        .flat_map(|(_, _, b)| b["value"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn page(resource: &str, key: Option<String>) -> Answer {
    Answer::ok(json!({ "value": objects(resource, key) }))
}

/// The stand-in: the test tenant's reads, and the writes live mode makes. `deny_reset` answers
/// resetPassword with Graph's 403.
fn live_graph(deny_reset: bool, me: &'static str) -> GraphServer {
    let base = Arc::new(Mutex::new(String::new()));
    let b2 = base.clone();
    let server = GraphServer::start(move |r: &Recorded, before: &[Recorded]| {
        let path = r.url.strip_prefix("/v1.0").unwrap_or(&r.url);
        let (p, _query) = path.split_once('?').unwrap_or((path, ""));
        let users = objects("users", None);
        let find = |key: &str| {
            users
                .iter()
                .find(|u| u["id"] == key || u["userPrincipalName"] == key)
                .cloned()
        };
        match (r.method.as_str(), p) {
            ("GET", "/me") => Answer::ok(find(me).unwrap()),
            ("GET", "/organization") => page("organization", None),
            ("GET", "/subscribedSkus") => page("subscribedSkus", None),
            ("GET", "/directory/administrativeUnits") => page("administrativeUnits", None),
            ("GET", "/roleManagement/directory/roleDefinitions") => page("roleDefinitions", None),
            ("GET", "/roleManagement/directory/roleAssignments") => page("roleAssignments", None),
            ("GET", "/roleManagement/directory/roleEligibilityScheduleInstances") => {
                page("roleEligibilityScheduleInstances", None)
            }
            ("GET", "/groups") => page("groups", None),
            ("GET", p) if p.starts_with("/groups/") => {
                let id = p.split('/').nth(2).unwrap().to_string();
                let kind = if p.ends_with("/owners") {
                    "groupOwners"
                } else {
                    "groupMembers"
                };
                page(kind, Some(id))
            }
            ("GET", "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances") => {
                page("groupEligibilityScheduleInstances", Some(g(200)))
            }
            ("GET", p) if p.ends_with("/memberOf/microsoft.graph.administrativeUnit") => {
                let id = p.split('/').nth(2).unwrap();
                let units: Vec<Value> = [g(100), g(101)]
                    .into_iter()
                    .filter(|a| {
                        objects("administrativeUnitMembers", Some(a.clone()))
                            .iter()
                            .any(|m| m["id"] == id)
                    })
                    .map(|a| json!({"@odata.type": "#microsoft.graph.administrativeUnit", "id": a}))
                    .collect();
                Answer::ok(json!({ "value": units }))
            }
            ("GET", p) if p.ends_with("/authentication/phoneMethods") => {
                let id = p.split('/').nth(2).unwrap();
                let all = responses()
                    .into_iter()
                    .find(|(r, _, _)| *r == "phoneMethods")
                    .unwrap()
                    .2;
                let list = all["responses"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["id"] == id && s["status"] == 200)
                    .map(|s| s["body"]["value"].clone())
                    .unwrap_or(json!([]));
                Answer::ok(json!({ "value": list }))
            }
            ("GET", p) if p.contains("/authentication/operations/") => {
                let polls = before
                    .iter()
                    .filter(|x| x.url.contains("/operations/"))
                    .count();
                let status = if polls == 0 { "running" } else { "succeeded" };
                Answer::ok(
                    json!({"id": "op-1", "status": status, "createdDateTime": "2026-12-02T06:00:00Z"}),
                )
            }
            ("GET", p) if p.starts_with("/users/") => match find(p.split('/').nth(2).unwrap()) {
                Some(u) => Answer::ok(u),
                None => Answer::error(404, "Request_ResourceNotFound", "Resource does not exist."),
            },
            ("POST", p) if p.ends_with("/resetPassword") => {
                if deny_reset {
                    return Answer::error(
                        403,
                        "Authorization_RequestDenied",
                        "Insufficient privileges to complete the operation.",
                    );
                }
                let user = p.split('/').nth(2).unwrap();
                let sent: Value = serde_json::from_str(&r.body).unwrap();
                let body = if sent.get("newPassword").is_some() {
                    json!({})
                } else {
                    json!({"@odata.context": "…", "newPassword": GENERATED})
                };
                let location = format!(
                    "{}/users/{user}/authentication/operations/op-1",
                    b2.lock().unwrap()
                );
                Answer {
                    status: 202,
                    headers: vec![("Location".into(), location)],
                    body,
                }
            }
            ("POST", p) if p.ends_with("/phoneMethods") => Answer {
                status: 201,
                headers: Vec::new(),
                body: serde_json::from_str(&r.body).unwrap(),
            },
            ("PATCH" | "DELETE", p) if p.contains("/phoneMethods/") => Answer {
                status: 204,
                headers: Vec::new(),
                body: Value::Null,
            },
            _ => Answer::error(
                400,
                "BadRequest",
                &format!("the stand-in does not serve {} {}", r.method, r.url),
            ),
        }
    });
    *base.lock().unwrap() = server.base.clone();
    server
}

fn live(
    server: &GraphServer,
    state: &std::path::Path,
    args: &[&str],
    stdin: &str,
) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args([
            "--live",
            "--tenant-id",
            "fabrikam.com",
            "--token-stdin",
            "--graph-url",
            &server.base,
        ])
        .arg("--state")
        .arg(state)
        .args(args)
        .env("MYSTAFF_NOW", "2026-12-02T06:00:00Z")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn writes(server: &GraphServer) -> Vec<Recorded> {
    server
        .recorded()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

#[test]
fn live_reset_of_a_cloud_only_user_takes_graphs_password_after_the_operation_succeeds() {
    let server = live_graph(false, "admin@fabrikam.com");
    let state = tempfile::tempdir().unwrap();
    let (code, out, err) = live(
        &server,
        state.path(),
        &[
            "reset-password",
            "--target",
            "staff1@fabrikam.com",
            "--json",
        ],
        &format!("{TOKEN}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["temporaryPassword"], GENERATED);
    let w = writes(&server);
    assert_eq!(w.len(), 1);
    assert!(
        w[0].url.ends_with(&format!(
            "/users/{}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword",
            g(3)
        )),
        "{}",
        w[0].url
    );
    assert_eq!(w[0].body, "{}");
    let polls: Vec<_> = server
        .recorded()
        .into_iter()
        .filter(|r| r.url.contains("/operations/"))
        .collect();
    assert_eq!(polls.len(), 2, "running, then succeeded");
    for r in server.recorded() {
        assert_eq!(
            r.header("Authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    let audit = std::fs::read_to_string(state.path().join("live-audit.jsonl")).unwrap();
    assert!(audit.contains("\"success\""), "{audit}");
    assert!(
        !audit.contains(GENERATED) && !audit.contains(TOKEN),
        "{audit}"
    );
}

#[test]
fn live_reset_of_a_synced_user_sends_the_typed_password() {
    let server = live_graph(false, "admin@fabrikam.com");
    let state = tempfile::tempdir().unwrap();
    let pw = "Store-Reset-2026!x";
    let (code, out, err) = live(
        &server,
        state.path(),
        &[
            "reset-password",
            "--target",
            "staff2@fabrikam.com",
            "--password-stdin",
        ],
        &format!("{TOKEN}\n{pw}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("staff2@fabrikam.com"), "{out}");
    let w = writes(&server);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        serde_json::from_str::<Value>(&w[0].body).unwrap(),
        json!({"newPassword": pw})
    );
    let audit = std::fs::read_to_string(state.path().join("live-audit.jsonl")).unwrap();
    assert!(!audit.contains(pw), "{audit}");
}

#[test]
fn a_refused_live_change_makes_no_request_to_change_anything() {
    let server = live_graph(false, "manager@fabrikam.com");
    let state = tempfile::tempdir().unwrap();
    let (code, _out, err) = live(
        &server,
        state.path(),
        &["reset-password", "--target", "admin@fabrikam.com"],
        &format!("{TOKEN}\n"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("refused: admin is not in a location you manage"),
        "{err}"
    );
    assert!(writes(&server).is_empty(), "{:?}", writes(&server));
    let audit = std::fs::read_to_string(state.path().join("live-audit.jsonl")).unwrap();
    assert!(audit.contains("\"failure\""), "{audit}");
}

#[test]
fn graphs_refusal_is_one_sentence_with_its_code_and_request_id() {
    let server = live_graph(true, "admin@fabrikam.com");
    let state = tempfile::tempdir().unwrap();
    let (code, _out, err) = live(
        &server,
        state.path(),
        &["reset-password", "--target", "staff1@fabrikam.com"],
        &format!("{TOKEN}\n"),
    );
    // Global Administrator is not among the roles documented for the passwordProfile PATCH, so
    // Graph's 403 is the answer, and nothing else is tried.
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("Authorization_RequestDenied"), "{err}");
    assert!(
        err.contains("request-id a1b2c3d4-0000-4000-8000-000000000001"),
        "{err}"
    );
    let w = writes(&server);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].url.ends_with("/resetPassword"));
    let audit = std::fs::read_to_string(state.path().join("live-audit.jsonl")).unwrap();
    assert!(audit.contains("\"failure\""), "{audit}");
}

#[test]
fn live_phone_add_edit_and_remove_go_through_phone_methods() {
    let server = live_graph(false, "admin@fabrikam.com");
    let state = tempfile::tempdir().unwrap();
    let t = format!("{TOKEN}\n");
    let (c1, o1, e1) = live(
        &server,
        state.path(),
        &[
            "phone",
            "add",
            "--target",
            "staff1@fabrikam.com",
            "--type",
            "alternateMobile",
            "--number",
            "+1 2065550102",
        ],
        &t,
    );
    assert_eq!(c1, 0, "{o1}{e1}");
    let (c2, o2, e2) = live(
        &server,
        state.path(),
        &[
            "phone",
            "update",
            "--target",
            "staff1@fabrikam.com",
            "--type",
            "mobile",
            "--number",
            "+1 2065550109",
        ],
        &t,
    );
    assert_eq!(c2, 0, "{o2}{e2}");
    let (c3, o3, e3) = live(
        &server,
        state.path(),
        &[
            "phone",
            "remove",
            "--target",
            "staff2@fabrikam.com",
            "--type",
            "office",
        ],
        &t,
    );
    assert_eq!(c3, 0, "{o3}{e3}");
    let w = writes(&server);
    let shape: Vec<(String, String)> = w
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.url
                    .split('?')
                    .next()
                    .unwrap()
                    .replace(&g(3), "U3")
                    .replace(&g(4), "U4"),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "POST".to_string(),
                "/v1.0/users/U3/authentication/phoneMethods".to_string()
            ),
            (
                "PATCH".to_string(),
                "/v1.0/users/U3/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7"
                    .to_string()
            ),
            (
                "DELETE".to_string(),
                "/v1.0/users/U4/authentication/phoneMethods/e37fc753-ff3b-4958-9484-eaa9425c82bc"
                    .to_string()
            ),
        ]
    );
    assert_eq!(
        serde_json::from_str::<Value>(&w[0].body).unwrap(),
        json!({"phoneNumber": "+1 2065550102", "phoneType": "alternateMobile"})
    );
    // --as is refused in live mode.
    let (c4, _, e4) = live(
        &server,
        state.path(),
        &[
            "phone",
            "remove",
            "--as",
            "admin@fabrikam.com",
            "--target",
            "staff2@fabrikam.com",
            "--type",
            "office",
        ],
        &t,
    );
    assert_eq!(c4, 2, "{e4}");
    assert!(e4.contains("--as is not used with --live"), "{e4}");
}
