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
/// The global cloud's authority.
pub const AUTHORITY_GLOBAL: &str = "https://login.microsoftonline.com";

/// What `graph pull` needs: read-only scopes (and a refresh token).
pub const PULL_SCOPES: &str = "https://graph.microsoft.com/User.Read.All https://graph.microsoft.com/Organization.Read.All https://graph.microsoft.com/AdministrativeUnit.Read.All https://graph.microsoft.com/RoleManagement.Read.Directory https://graph.microsoft.com/RoleEligibilitySchedule.Read.Directory https://graph.microsoft.com/GroupMember.Read.All https://graph.microsoft.com/PrivilegedEligibilitySchedule.Read.AzureADGroup https://graph.microsoft.com/Application.Read.All https://graph.microsoft.com/UserAuthenticationMethod.Read.All offline_access";

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
