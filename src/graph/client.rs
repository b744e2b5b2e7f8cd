//! The Microsoft Graph HTTP client: the only code that touches the network. It sends the bearer
//! token, follows `@odata.nextLink` (the whole URL, headers sent again), waits out throttling
//! (`Retry-After` in seconds, fractional allowed; exponential back-off without one), retries
//! 5xx a bounded number of times, and turns Graph's error body into one sentence with its
//! `code` and `request-id`. The token lives in memory only and is never printed.

use std::time::{Duration, Instant};

use serde_json::Value;
use ureq::Agent;
use ureq::tls::{RootCerts, TlsConfig};

use crate::secret::Secret;

/// How often a throttled (429) or unavailable (5xx) request is tried before giving up.
const MAX_TRIES: u32 = 6;
/// The longest wait between tries, whatever `Retry-After` says.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// What went wrong, as a person should read it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    /// Graph answered with an error status.
    #[error("Graph answered {status} {code} to {what}: {message}{}", request_id.as_ref().map(|r| format!(" (request-id {r})")).unwrap_or_default())]
    Status {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
        what: String,
    },
    /// No answer: connection, DNS, TLS, timeout.
    #[error("cannot reach Graph for {what}: {reason}")]
    Transport { what: String, reason: String },
    /// An answer that is not the JSON Graph documents.
    #[error("Graph's answer to {what} is not JSON: {reason}")]
    Body { what: String, reason: String },
}

/// Counts for the progress line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    pub requests: u64,
    pub pages: u64,
    pub objects: u64,
    pub waits: u64,
    pub waited: Duration,
}

pub struct Client {
    agent: Agent,
    /// `https://graph.microsoft.com/v1.0`, or a test server's.
    base: String,
    token: Secret,
    pub progress: Progress,
    /// Called after every page and wait (the CLI prints a line on stderr).
    pub on_progress: Box<dyn FnMut(&Progress)>,
}

/// Is `url` one mystaff may talk to: `https://`, or plain `http://` to a loopback address only
/// (a test server), never a real host in the clear.
pub fn check_url(url: &str) -> Result<(), String> {
    let shown = crate::sanitize::cut(url);
    if url.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(format!("`{shown}` is not an https:// URL"));
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "`{shown}`: plain http:// is accepted only for a loopback address (a test server), never for a real host"
        ))
    }
}

/// Seconds from a `Retry-After` header: a number, possibly fractional (Graph's docs show
/// `2.128`). An HTTP date or anything else is None (back off instead).
pub fn retry_after(v: &str) -> Option<Duration> {
    let s: f64 = v.trim().parse().ok()?;
    (s.is_finite() && s >= 0.0).then(|| Duration::from_secs_f64(s).min(MAX_WAIT))
}

impl Client {
    /// A client for the Graph at `base` (its version path included), with `token`. TLS checks
    /// certificates against the operating system's trust store; `HTTPS_PROXY`/`NO_PROXY` are
    /// honoured.
    pub fn new(base: &str, token: Secret) -> Result<Client, String> {
        check_url(base)?;
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .new_agent();
        Ok(Client {
            agent,
            base: base.trim_end_matches('/').to_string(),
            token,
            progress: Progress::default(),
            on_progress: Box::new(|_| {}),
        })
    }

    /// The full URL of a path (`/users?…`), or a nextLink as it is.
    fn url(&self, path: &str) -> Result<String, GraphError> {
        if path.starts_with("http://") || path.starts_with("https://") {
            // A nextLink is followed as given, but only to where the client may talk.
            check_url(path).map_err(|reason| GraphError::Transport {
                what: "the next page".to_string(),
                reason,
            })?;
            return Ok(path.to_string());
        }
        Ok(format!("{}{path}", self.base))
    }

    /// One request with its retries; the body of a 2xx answer (Null when empty).
    /// `retry_unavailable`: whether a 5xx is asked again. A write is not: Graph may have made
    /// the change before it failed to answer, so its outcome is unknown (429 is safe to repeat:
    /// a throttled request was not carried out).
    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
        what: &str,
        retry_unavailable: bool,
    ) -> Result<(u16, Value, Option<String>), GraphError> {
        let url = self.url(path)?;
        let mut backoff = Duration::from_secs(1);
        for attempt in 1..=MAX_TRIES {
            let auth = format!("Bearer {}", self.token.as_str());
            self.progress.requests += 1;
            let result = match method {
                "POST" | "PATCH" => {
                    let mut req = if method == "POST" {
                        self.agent.post(&url)
                    } else {
                        self.agent.patch(&url)
                    };
                    req = req.header("Authorization", &auth);
                    for (k, v) in headers {
                        req = req.header(*k, *v);
                    }
                    let bytes =
                        serde_json::to_vec(body.unwrap_or(&Value::Null)).unwrap_or_default();
                    req.header("Content-Type", "application/json")
                        .send(&bytes[..])
                }
                "DELETE" => {
                    let mut req = self.agent.delete(&url).header("Authorization", &auth);
                    for (k, v) in headers {
                        req = req.header(*k, *v);
                    }
                    req.call()
                }
                _ => {
                    let mut req = self.agent.get(&url).header("Authorization", &auth);
                    for (k, v) in headers {
                        req = req.header(*k, *v);
                    }
                    req.call()
                }
            };
            let mut resp = result.map_err(|e| GraphError::Transport {
                what: what.to_string(),
                reason: e.to_string(),
            })?;
            let status = resp.status().as_u16();
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let location = header("Location");
            let wait = header("Retry-After").and_then(|v: String| retry_after(&v));
            let request_id = header("request-id");
            let text = resp
                .body_mut()
                .read_to_string()
                .map_err(|e| GraphError::Body {
                    what: what.to_string(),
                    reason: e.to_string(),
                })?;
            let retryable =
                status == 429 || (retry_unavailable && matches!(status, 500 | 502 | 503 | 504));
            if retryable && attempt < MAX_TRIES {
                let pause = wait.unwrap_or(backoff).min(MAX_WAIT);
                backoff = (backoff * 2).min(MAX_WAIT);
                self.progress.waits += 1;
                self.progress.waited += pause;
                (self.on_progress)(&self.progress);
                sleep(pause);
                continue;
            }
            let json: Value = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).map_err(|e| GraphError::Body {
                    what: what.to_string(),
                    reason: e.to_string(),
                })?
            };
            if !(200..300).contains(&status) {
                let err = json.get("error");
                let field = |k: &str| {
                    err.and_then(|e| e.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                let inner_id = err
                    .and_then(|e| e.get("innerError"))
                    .and_then(|i| i.get("request-id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                return Err(GraphError::Status {
                    status,
                    code: field("code").unwrap_or_else(|| "(no code)".to_string()),
                    message: field("message").unwrap_or_else(|| "(no message)".to_string()),
                    request_id: inner_id.or(request_id),
                    what: what.to_string(),
                });
            }
            return Ok((status, json, location));
        }
        unreachable!("the last try returns")
    }

    /// Waits, counted as a throttling wait (a throttled `$batch` sub-request).
    pub fn wait(&mut self, d: Duration) {
        let d = d.min(MAX_WAIT);
        self.progress.waits += 1;
        self.progress.waited += d;
        (self.on_progress)(&self.progress);
        sleep(d);
    }

    /// `GET` one object.
    pub fn get(&mut self, path: &str, what: &str) -> Result<Value, GraphError> {
        self.send("GET", path, &[], None, what, true)
            .map(|(_, v, _)| v)
    }

    /// `GET` a collection, page by page (`@odata.nextLink`, followed whole, with `headers` sent
    /// again on every page); each page's body as received.
    pub fn get_pages(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<Value>, GraphError> {
        let mut pages = Vec::new();
        let mut next = Some(path.to_string());
        let started = Instant::now();
        while let Some(p) = next.take() {
            let (_, body, _) = self.send("GET", &p, headers, None, what, true)?;
            next = body
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .map(str::to_string);
            self.progress.pages += 1;
            self.progress.objects += body
                .get("value")
                .and_then(Value::as_array)
                .map_or(0, |v| v.len() as u64);
            (self.on_progress)(&self.progress);
            pages.push(body);
            // A server that links a page to itself forever is a server bug, not a tenant.
            if pages.len() > 1_000_000 || started.elapsed() > Duration::from_secs(24 * 3600) {
                return Err(GraphError::Body {
                    what: what.to_string(),
                    reason: "the pages do not end".to_string(),
                });
            }
        }
        Ok(pages)
    }

    /// A change (`POST`, `PATCH`, `DELETE`): tried again only after 429. Returns the status, the
    /// body (Null when empty) and the `Location` header.
    pub fn write(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<(u16, Value, Option<String>), GraphError> {
        self.send(method, path, &[], body, what, false)
    }

    /// `POST /$batch` of up to 20 GETs (`(id, url)`); the batch's body as received.
    pub fn batch(
        &mut self,
        requests: &[(String, String)],
        what: &str,
    ) -> Result<Value, GraphError> {
        let body = serde_json::json!({
            "requests": requests
                .iter()
                .map(|(id, url)| serde_json::json!({"id": id, "method": "GET", "url": url}))
                .collect::<Vec<_>>()
        });
        self.send("POST", "/$batch", &[], Some(&body), what, true)
            .map(|(_, v, _)| v)
    }
}

fn sleep(d: Duration) {
    std::thread::sleep(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_mystaff_may_talk_to() {
        assert!(check_url("https://graph.microsoft.com/v1.0").is_ok());
        assert!(check_url("http://127.0.0.1:8080/v1.0").is_ok());
        assert!(check_url("http://localhost:1/x").is_ok());
        assert!(check_url("http://[::1]:9/x").is_ok());
        for bad in [
            "http://graph.microsoft.com/v1.0",
            "http://10.0.0.1/",
            "http://127.0.0.1.evil.com/",
            "ftp://x",
            "graph.microsoft.com",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retry_after_takes_fractional_seconds() {
        assert_eq!(retry_after("2.128"), Some(Duration::from_millis(2128)));
        assert_eq!(retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(retry_after("100000"), Some(MAX_WAIT));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(retry_after("-1"), None);
        assert_eq!(retry_after("NaN"), None);
    }
}
