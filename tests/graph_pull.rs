//! `graph pull` against a Graph stand-in on 127.0.0.1 that speaks the documented protocol: pages
//! (an empty one, nextLinks as whole URLs), throttling (429 with a fractional `Retry-After`, and
//! without one), the advanced-query fallback for role-assignable groups, a 404 for a principal
//! that is not a service principal, `$batch` for phone methods, and a 403 that stops the pull with
//! nothing written. The fixture `check` accepts decides as the hand-written one, and `graph import`
//! of what `--save-raw` kept gives the same bytes.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

#[path = "common/graph_server.rs"]
mod graph_server;
#[path = "common/graph_tenant.rs"]
mod graph_tenant;
use graph_server::{Answer, GraphServer, Recorded};
use graph_tenant::{by_hand, decisions, g, responses};

const BIN: &str = env!("CARGO_BIN_EXE_mystaff");
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test-token.sig";

/// The saved response bodies of a resource (and key), in order.
fn pages(resource: &str, key: Option<String>) -> Vec<Value> {
    responses()
        .into_iter()
        .filter(|(r, k, _)| *r == resource && *k == key)
        .map(|(_, _, b)| b)
        .collect()
}

/// A Graph that serves the test tenant; `deny` names a path prefix answered with 403.
fn tenant_graph(deny: Option<&'static str>) -> GraphServer {
    tenant_graph_and_signin(deny, false)
}

/// The same, with the identity platform's device-code endpoints: pending, slow down, then a
/// token (or, with `expire`, an expired code).
fn tenant_graph_and_signin(deny: Option<&'static str>, expire: bool) -> GraphServer {
    let base = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let b2 = base.clone();
    let server = GraphServer::start(move |r: &Recorded, before: &[Recorded]| {
        if r.url == "/fabrikam.com/oauth2/v2.0/devicecode" {
            assert!(
                r.body
                    .contains("client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e"),
                "{}",
                r.body
            );
            assert!(r.body.contains("offline_access"), "{}", r.body);
            return Answer::ok(json!({
                "device_code": "DEVICE-CODE-SECRET", "user_code": "ABCD-EFGH",
                "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 0,
                "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate."
            }));
        }
        if r.url == "/fabrikam.com/oauth2/v2.0/token" {
            assert!(
                r.body.contains("device_code=DEVICE-CODE-SECRET"),
                "{}",
                r.body
            );
            let polls = before.iter().filter(|x| x.url.ends_with("/token")).count();
            let err = |e: &str| Answer {
                status: 400,
                headers: vec![],
                body: json!({"error": e, "error_description": format!("AADSTS70016: {e}\nTrace ID: x")}),
            };
            return match (expire, polls) {
                (_, 0) => err("authorization_pending"),
                (true, _) => err("expired_token"),
                (false, 1) => err("slow_down"),
                (false, _) => Answer::ok(
                    json!({"token_type": "Bearer", "access_token": "live-access-token", "expires_in": 3599, "refresh_token": "live-refresh", "scope": "User.Read.All"}),
                ),
            };
        }
        let url = r.url.strip_prefix("/v1.0").unwrap_or(&r.url).to_string();
        let path = url.split('?').next().unwrap_or("").to_string();
        if let Some(d) = deny
            && path.starts_with(d)
        {
            return Answer::error(
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
            );
        }
        let one = |resource: &str, key: Option<String>| {
            Answer::ok(
                pages(resource, key)
                    .into_iter()
                    .next()
                    .unwrap_or(json!({"value": []})),
            )
        };
        match path.as_str() {
            "/organization" => one("organization", None),
            "/subscribedSkus" => {
                // Throttled once without Retry-After: exponential back-off (1 s).
                if before.iter().any(|x| x.url.contains("/subscribedSkus")) {
                    one("subscribedSkus", None)
                } else {
                    Answer {
                        status: 503,
                        headers: vec![],
                        body: json!({"error": {"code": "serviceNotAvailable", "message": "try later"}}),
                    }
                }
            }
            "/users" => {
                let p = pages("users", None);
                let tries = before
                    .iter()
                    .filter(|x| x.url.starts_with("/v1.0/users"))
                    .count();
                if tries == 0 {
                    return Answer {
                        status: 429,
                        headers: vec![("Retry-After".into(), "0.25".into())],
                        body: json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                    };
                }
                let link = |n: u32| format!("{}/users?$skiptoken=page{n}", b2.lock().unwrap());
                if url.contains("skiptoken=page2") {
                    let mut b = p[1].clone();
                    b["@odata.nextLink"] = json!(link(3));
                    Answer::ok(b)
                } else if url.contains("skiptoken=page3") {
                    Answer::ok(p[2].clone())
                } else {
                    let mut b = p[0].clone();
                    b["@odata.nextLink"] = json!(link(2));
                    Answer::ok(b)
                }
            }
            "/directory/administrativeUnits" => one("administrativeUnits", None),
            "/roleManagement/directory/roleDefinitions" => one("roleDefinitions", None),
            "/roleManagement/directory/roleAssignments" => one("roleAssignments", None),
            "/roleManagement/directory/roleEligibilityScheduleInstances" => {
                one("roleEligibilityScheduleInstances", None)
            }
            "/groups" => {
                if r.header("ConsistencyLevel") == Some("eventual") && url.contains("$count=true") {
                    one("groups", None)
                } else {
                    Answer::error(400, "Request_UnsupportedQuery", "Unsupported query.")
                }
            }
            "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances" => {
                one("groupEligibilityScheduleInstances", Some(g(200)))
            }
            "/$batch" => {
                // The first batch has one throttled sub-request; it is asked again alone.
                let mut body = pages("phoneMethods", None).remove(0);
                let earlier = before.iter().filter(|x| x.url == "/v1.0/$batch").count();
                let subs = body["responses"].as_array_mut().unwrap();
                let i = subs.iter().position(|x| x["id"] == json!(g(4))).unwrap();
                if earlier == 0 {
                    subs[i] = json!({"id": g(4), "status": 429, "headers": {"Retry-After": "0.1"},
                        "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}});
                    Answer::ok(body)
                } else {
                    assert!(
                        r.body.contains(&g(4)) && !r.body.contains(&g(3)),
                        "only the throttled one again: {}",
                        r.body
                    );
                    let one = subs[i].clone();
                    Answer::ok(json!({"responses": [one]}))
                }
            }
            p if p.starts_with("/directory/administrativeUnits/") => {
                let id = p.split('/').nth(3).unwrap().to_string();
                one("administrativeUnitMembers", Some(id))
            }
            p if p.starts_with("/groups/") => {
                let parts: Vec<&str> = p.split('/').collect();
                let kind = if parts[3] == "members" {
                    "groupMembers"
                } else {
                    "groupOwners"
                };
                one(kind, Some(parts[2].to_string()))
            }
            p if p.starts_with("/servicePrincipals/") => {
                let id = p.trim_start_matches("/servicePrincipals/").to_string();
                match pages("servicePrincipal", Some(id)).into_iter().next() {
                    Some(b) => Answer::ok(b),
                    None => {
                        Answer::error(404, "Request_ResourceNotFound", "Resource does not exist.")
                    }
                }
            }
            _ => Answer::error(404, "Request_ResourceNotFound", "Unknown path."),
        }
    });
    *base.lock().unwrap() = server.base.clone();
    server
}

fn pull(server: &GraphServer, extra: &[&std::ffi::OsStr]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(BIN)
        .args([
            "graph",
            "pull",
            "--tenant-id",
            "fabrikam.com",
            "--token-stdin",
            "--graph-url",
            &server.base,
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{TOKEN}\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        o.stdout,
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn pull_reads_the_tenant_and_import_of_the_saved_responses_gives_the_same_bytes() {
    let server = tenant_graph(None);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pulled.json");
    let raw = tmp.path().join("raw");
    let (code, stdout, err) = pull(
        &server,
        &[
            "--out".as_ref(),
            out.as_os_str(),
            "--save-raw".as_ref(),
            raw.as_os_str(),
            "--phone-methods".as_ref(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("imported 6 users, 1 groups, 1 service principals, 2 administrative units, 4 role assignments, 1 role eligibilities"), "{err}");
    assert!(err.contains("waited 3 times"), "{err}");
    let bytes = std::fs::read(&out).unwrap();
    // check accepts it, and it decides as the hand-written tenant.
    let pulled = mystaff::fixture::load("pulled", &bytes).unwrap();
    let hand = mystaff::fixture::load("hand", &serde_json::to_vec(&by_hand()).unwrap()).unwrap();
    assert_eq!(decisions(&pulled), decisions(&hand));
    let o = Command::new(BIN)
        .arg("--tenant")
        .arg(&out)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The saved responses import to the same bytes.
    let o = Command::new(BIN)
        .args(["graph", "import"])
        .arg(&raw)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.stdout, bytes);

    // What was asked, and how.
    let reqs = server.recorded();
    assert!(
        reqs.iter()
            .all(|r| r.header("Authorization") == Some(&format!("Bearer {TOKEN}")[..])),
        "every request carries the token"
    );
    let users: Vec<&str> = reqs
        .iter()
        .filter(|r| r.url.starts_with("/v1.0/users"))
        .map(|r| r.url.as_str())
        .collect();
    assert_eq!(users.len(), 4, "{users:?}"); // the throttled try, then three pages
    assert!(users[0].contains("$top=999") && users[0].contains("$select=id,userPrincipalName"));
    assert_eq!(
        users[2], "/v1.0/users?$skiptoken=page2",
        "the nextLink is followed whole"
    );
    let groups: Vec<&Recorded> = reqs
        .iter()
        .filter(|r| r.url.starts_with("/v1.0/groups?"))
        .collect();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[1].header("ConsistencyLevel"), Some("eventual"));
    assert!(
        groups[0]
            .url
            .contains("$filter=isAssignableToRole%20eq%20true"),
        "{}",
        groups[0].url
    );
    assert_eq!(
        reqs.iter().filter(|r| r.url == "/v1.0/$batch").count(),
        2,
        "the throttled sub-request asked again"
    );
    assert!(
        String::from_utf8_lossy(&bytes).contains("+1 2065550200x104"),
        "its answer is in the fixture"
    );
    assert!(
        !err.contains(&format!("could not be read (first: {}", g(4))),
        "{err}"
    );
    let batch = reqs
        .iter()
        .find(|r| r.url == "/v1.0/$batch")
        .expect("a $batch");
    assert_eq!(batch.method, "POST");
    let body: Value = serde_json::from_str(&batch.body).unwrap();
    let urls: Vec<&str> = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls.len(), 6);
    assert!(
        urls.iter()
            .all(|u| u.starts_with("/users/") && u.ends_with("/authentication/phoneMethods"))
    );
    // Only the principal that is neither a user nor a group is looked up as a service principal.
    let sps: Vec<&str> = reqs
        .iter()
        .filter(|r| r.url.starts_with("/v1.0/servicePrincipals/"))
        .map(|r| r.url.as_str())
        .collect();
    assert_eq!(sps.len(), 1, "{sps:?}");
    // The token is nowhere on disk or in the output.
    assert!(!err.contains(TOKEN));
    for entry in std::fs::read_dir(&raw).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains(TOKEN));
    }
    assert!(!String::from_utf8_lossy(&bytes).contains(TOKEN));
}

#[test]
fn a_refusal_stops_the_pull_in_one_sentence_and_writes_nothing() {
    let server = tenant_graph(Some("/roleManagement/directory/roleAssignments"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pulled.json");
    let (code, _, err) = pull(&server, &["--out".as_ref(), out.as_os_str()]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("Graph answered 403 Authorization_RequestDenied to the role assignments: Insufficient privileges to complete the operation. (request-id a1b2c3d4-0000-4000-8000-000000000001)"),
        "{err}"
    );
    assert!(!out.exists(), "nothing half-written");
    // No token, a plain-http real host, and a non-empty --save-raw directory are refused first.
    let o = Command::new(BIN)
        .args([
            "graph",
            "pull",
            "--tenant-id",
            "x",
            "--token-stdin",
            "--graph-url",
            "http://graph.microsoft.com/v1.0",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no access token"));
    let (code, _, err) = {
        let mut child = Command::new(BIN)
            .args([
                "graph",
                "pull",
                "--tenant-id",
                "x",
                "--token-stdin",
                "--graph-url",
                "http://graph.microsoft.com/v1.0",
            ])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"t0ken\n").unwrap();
        let o = child.wait_with_output().unwrap();
        (
            o.status.code(),
            (),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    assert_eq!(code, Some(2));
    assert!(
        err.contains("plain http:// is accepted only for a loopback address"),
        "{err}"
    );
    std::fs::write(tmp.path().join("x"), "x").unwrap();
    let (code, _, err) = pull(&server, &["--save-raw".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is not empty: --save-raw writes into a new or empty directory"),
        "{err}"
    );
}

#[test]
fn device_code_sign_in_shows_microsofts_message_and_polls_until_a_token() {
    let server = tenant_graph_and_signin(None, false);
    let authority = server.base.trim_end_matches("/v1.0").to_string();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pulled.json");
    let o = Command::new(BIN)
        .args([
            "graph",
            "pull",
            "--tenant-id",
            "fabrikam.com",
            "--graph-url",
            &server.base,
            "--authority-url",
            &authority,
        ])
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate."), "{err}");
    let reqs = server.recorded();
    let polls = reqs.iter().filter(|r| r.url.ends_with("/token")).count();
    assert_eq!(polls, 3, "pending, slow down, token");
    let graph: Vec<&Recorded> = reqs
        .iter()
        .filter(|r| r.url.starts_with("/v1.0/"))
        .collect();
    assert!(!graph.is_empty());
    assert!(
        graph
            .iter()
            .all(|r| r.header("Authorization") == Some("Bearer live-access-token"))
    );
    for secret in ["live-access-token", "live-refresh", "DEVICE-CODE-SECRET"] {
        assert!(!err.contains(secret), "{secret} on stderr");
        assert!(!String::from_utf8_lossy(&std::fs::read(&out).unwrap()).contains(secret));
    }
}

#[test]
fn an_expired_device_code_is_one_sentence() {
    let server = tenant_graph_and_signin(None, true);
    let authority = server.base.trim_end_matches("/v1.0").to_string();
    let o = Command::new(BIN)
        .args([
            "graph",
            "pull",
            "--tenant-id",
            "fabrikam.com",
            "--graph-url",
            &server.base,
            "--authority-url",
            &authority,
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the sign-in code expired before it was used: run the command again"),
        "{err}"
    );
    assert!(
        !server
            .recorded()
            .iter()
            .any(|r| r.url.starts_with("/v1.0/")),
        "no Graph call without a token"
    );
}
