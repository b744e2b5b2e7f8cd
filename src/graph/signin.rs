//! Sign-in: the OAuth 2.0 device authorization grant (RFC 8628) for a public client, against the
//! Microsoft identity platform (or a test server on a loopback address). Network code, beside
//! `client.rs`; tokens stay in memory.

use std::time::Duration;

use serde_json::Value;
use ureq::Agent;

use super::client::check_url;
use crate::secret::Secret;

/// Microsoft Graph Command Line Tools: a public client that works in most tenants after consent.
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// A Microsoft cloud: where to sign in, and where its Graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cloud {
    Global,
    Usgov,
    UsgovDod,
    China,
}

impl Cloud {
    pub fn authority(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::Usgov | Cloud::UsgovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// Graph's root, without the version.
    pub fn graph(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::Usgov => "https://graph.microsoft.us",
            Cloud::UsgovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }
}

/// What `graph pull` needs: read-only scopes on `graph` (a cloud's Graph root), and a refresh
/// token.
pub fn pull_scopes(graph: &str) -> String {
    const SCOPES: [&str; 9] = [
        "User.Read.All",
        "Organization.Read.All",
        "AdministrativeUnit.Read.All",
        "RoleManagement.Read.Directory",
        "RoleEligibilitySchedule.Read.Directory",
        "GroupMember.Read.All",
        "PrivilegedEligibilitySchedule.Read.AzureADGroup",
        "Application.Read.All",
        "UserAuthenticationMethod.Read.All",
    ];
    on_graph(graph, &SCOPES)
}

/// What live mode needs: the reads of a manager's work, and the two write scopes its changes
/// take (authentication methods, and the password profile for the documented fallback).
pub fn live_scopes(graph: &str) -> String {
    const SCOPES: [&str; 9] = [
        "User.Read.All",
        "Organization.Read.All",
        "AdministrativeUnit.Read.All",
        "RoleManagement.Read.Directory",
        "RoleEligibilitySchedule.Read.Directory",
        "GroupMember.Read.All",
        "PrivilegedEligibilitySchedule.Read.AzureADGroup",
        "UserAuthenticationMethod.ReadWrite.All",
        "User-PasswordProfile.ReadWrite.All",
    ];
    on_graph(graph, &SCOPES)
}

/// Scopes on `graph` (a cloud's Graph root), space-separated, with `offline_access` for a
/// refresh token.
fn on_graph(graph: &str, scopes: &[&str]) -> String {
    let mut v: Vec<String> = scopes.iter().map(|s| format!("{graph}/{s}")).collect();
    v.push("offline_access".to_string());
    v.join(" ")
}

/// The device code the person types at the verification page.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    device_code: Secret,
    /// Microsoft's sentence with the URL and the code, to show as it is.
    pub message: String,
    pub interval: Duration,
    pub expires_in: Duration,
}

/// A signed-in session's tokens.
pub struct Tokens {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_in: Duration,
}

pub struct SignIn {
    agent: Agent,
    /// `{authority}/{tenant}/oauth2/v2.0`
    endpoint: String,
    client_id: String,
}

fn field(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn seconds(v: &Value, k: &str, default: u64) -> Duration {
    Duration::from_secs(v.get(k).and_then(Value::as_u64).unwrap_or(default))
}

impl SignIn {
    pub fn new(authority: &str, tenant: &str, client_id: &str) -> Result<SignIn, String> {
        check_url(authority)?;
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        };
        if !plain(tenant) {
            return Err(format!(
                "`{}` is not a tenant id or domain",
                crate::sanitize::cut(tenant)
            ));
        }
        if !plain(client_id) {
            return Err(format!(
                "`{}` is not a client id",
                crate::sanitize::cut(client_id)
            ));
        }
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Ok(SignIn {
            agent,
            endpoint: format!("{}/{tenant}/oauth2/v2.0", authority.trim_end_matches('/')),
            client_id: client_id.to_string(),
        })
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<(u16, Value), String> {
        let url = format!("{}/{path}", self.endpoint);
        let mut resp = self
            .agent
            .post(&url)
            .send_form(form.iter().copied())
            .map_err(|e| format!("cannot reach the sign-in service: {e}"))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("the sign-in service's answer cannot be read: {e}"))?;
        let v = serde_json::from_str(&text).map_err(|_| {
            format!("the sign-in service answered {status} with something that is not JSON")
        })?;
        Ok((status, v))
    }

    /// Asks for a device code for `scopes`.
    pub fn start(&self, scopes: &str) -> Result<DeviceCode, String> {
        let (status, v) = self.post(
            "devicecode",
            &[("client_id", &self.client_id), ("scope", scopes)],
        )?;
        let code = field(&v, "device_code");
        match (status, code) {
            (200, Some(code)) => Ok(DeviceCode {
                device_code: Secret::new(code),
                message: field(&v, "message").unwrap_or_else(|| {
                    format!(
                        "To sign in, open {} and enter the code {}.",
                        field(&v, "verification_uri").unwrap_or_default(),
                        field(&v, "user_code").unwrap_or_default()
                    )
                }),
                interval: seconds(&v, "interval", 5),
                expires_in: seconds(&v, "expires_in", 900),
            }),
            _ => Err(oauth_error("asking for a device code", &v)),
        }
    }

    /// Polls until the person signs in, declines, or the code expires. `sleep` waits between
    /// polls (tests pass a short one).
    pub fn wait(&self, code: &DeviceCode, sleep: &dyn Fn(Duration)) -> Result<Tokens, String> {
        let mut interval = code.interval;
        let mut waited = Duration::ZERO;
        loop {
            sleep(interval);
            waited += interval;
            let (status, v) = self.post(
                "token",
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("client_id", &self.client_id),
                    ("device_code", code.device_code.as_str()),
                ],
            )?;
            if status == 200 {
                return tokens(&v);
            }
            match field(&v, "error").as_deref() {
                Some("authorization_pending") => {}
                // RFC 8628: add 5 seconds to the interval from now on.
                Some("slow_down") => interval += Duration::from_secs(5),
                Some("authorization_declined") => {
                    return Err("the sign-in was declined".to_string());
                }
                Some("expired_token") => {
                    return Err(
                        "the sign-in code expired before it was used: run the command again"
                            .to_string(),
                    );
                }
                _ => return Err(oauth_error("signing in", &v)),
            }
            if waited > code.expires_in + Duration::from_secs(60) {
                return Err(
                    "the sign-in code expired before it was used: run the command again"
                        .to_string(),
                );
            }
        }
    }

    /// A fresh access token from a refresh token.
    pub fn refresh(&self, refresh: &Secret, scopes: &str) -> Result<Tokens, String> {
        let (status, v) = self.post(
            "token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &self.client_id),
                ("refresh_token", refresh.as_str()),
                ("scope", scopes),
            ],
        )?;
        if status == 200 {
            tokens(&v)
        } else {
            Err(oauth_error("refreshing the sign-in", &v))
        }
    }
}

fn tokens(v: &Value) -> Result<Tokens, String> {
    let access = field(v, "access_token").ok_or("the sign-in service sent no access token")?;
    Ok(Tokens {
        access: Secret::new(access),
        refresh: field(v, "refresh_token").map(Secret::new),
        expires_in: seconds(v, "expires_in", 3600),
    })
}

/// The identity platform's error as a sentence: its code and the first line of its description.
fn oauth_error(doing: &str, v: &Value) -> String {
    let code = field(v, "error").unwrap_or_else(|| "(no error code)".to_string());
    let desc = field(v, "error_description").unwrap_or_default();
    let first = desc.lines().next().unwrap_or("");
    if first.is_empty() {
        format!("{doing} failed: {code}")
    } else {
        format!(
            "{doing} failed: {code}: {}",
            crate::sanitize::cut_to(first, 300)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cloud_signs_in_and_reads_its_own_graph() {
        assert_eq!(Cloud::Usgov.authority(), "https://login.microsoftonline.us");
        assert_eq!(Cloud::UsgovDod.graph(), "https://dod-graph.microsoft.us");
        assert_eq!(Cloud::China.authority(), "https://login.chinacloudapi.cn");
        let s = pull_scopes(Cloud::Usgov.graph());
        assert!(
            s.starts_with("https://graph.microsoft.us/User.Read.All "),
            "{s}"
        );
        assert!(s.ends_with(" offline_access"), "{s}");
        assert!(
            !s.contains("ReadWrite"),
            "pull asks for read scopes only: {s}"
        );
    }

    #[test]
    fn tenant_and_client_ids_go_into_a_url_only_when_plain() {
        assert!(SignIn::new(AUTHORITY, "contoso.com", DEFAULT_CLIENT_ID).is_ok());
        for bad in ["", "a/b", "x?y", "c d", "../x"] {
            assert!(
                SignIn::new(AUTHORITY, bad, DEFAULT_CLIENT_ID).is_err(),
                "{bad}"
            );
        }
        assert!(SignIn::new("http://login.microsoftonline.com", "t", DEFAULT_CLIENT_ID).is_err());
    }

    const AUTHORITY: &str = "https://login.microsoftonline.com";
}
