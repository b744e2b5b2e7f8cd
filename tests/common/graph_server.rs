//! A Microsoft Graph stand-in on 127.0.0.1 for the tests: it answers what `answer` says for each
//! request, and records every request (method, URL, headers, body) so tests can assert them.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers: status, extra headers, JSON body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Answer {
    pub fn ok(body: Value) -> Answer {
        Answer {
            status: 200,
            headers: Vec::new(),
            body,
        }
    }
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer {
            status,
            headers: vec![(
                "request-id".into(),
                "a1b2c3d4-0000-4000-8000-000000000001".into(),
            )],
            body: serde_json::json!({"error": {"code": code, "message": message,
                "innerError": {"date": "2026-12-02T06:00:00", "request-id": "a1b2c3d4-0000-4000-8000-000000000001", "client-request-id": "x"}}}),
        }
    }
}

pub struct GraphServer {
    pub base: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl GraphServer {
    /// Starts the server; `answer` sees each request and the list of those before it.
    pub fn start(
        answer: impl Fn(&Recorded, &[Recorded]) -> Answer + Send + 'static,
    ) -> GraphServer {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let log = requests.clone();
        std::thread::spawn(move || {
            for mut req in server.incoming_requests() {
                let mut body = String::new();
                let _ = std::io::Read::read_to_string(req.as_reader(), &mut body);
                let rec = Recorded {
                    method: req.method().as_str().to_string(),
                    url: req.url().to_string(),
                    headers: req
                        .headers()
                        .iter()
                        .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
                        .collect(),
                    body,
                };
                let a = {
                    let before = log.lock().unwrap();
                    answer(&rec, &before)
                };
                log.lock().unwrap().push(rec);
                let mut resp = tiny_http::Response::from_string(a.body.to_string())
                    .with_status_code(a.status)
                    .with_header(
                        tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap(),
                    );
                for (k, v) in a.headers {
                    resp = resp.with_header(
                        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap(),
                    );
                }
                let _ = req.respond(resp);
            }
        });
        GraphServer {
            base: format!("http://127.0.0.1:{port}/v1.0"),
            requests,
        }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}
