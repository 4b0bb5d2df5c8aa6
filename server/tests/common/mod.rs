//! Shared helpers: a demo-seeded server on a real SQLite file in a temp dir, driven with
//! `app(state).oneshot(request)`.
#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use protocol_server::faults::FaultSettings;
use protocol_server::{app, seed, AppState, CorsOrigins, Settings};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub const KEVIN: &str = "demo-kevin";
pub const FRANK: &str = "demo-frank";
pub const KATE: &str = "demo-kate";
pub const LINNIE: &str = "demo-linnie";
pub const MAIN: &str = seed::MAIN_CONVERSATION;

pub struct Harness {
    pub state: AppState,
    pub router: Router,
    pub dir: TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub json: Value,
}

impl Reply {
    pub fn error_type(&self) -> &str {
        self.json["type"].as_str().unwrap_or("")
    }

    pub fn param(&self) -> &str {
        self.json["param"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn ids(&self) -> Vec<String> {
        self.json["data"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|m| m["id"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts the API.md error envelope with this status and type.
    pub fn assert_error(&self, status: u16, kind: &str) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.error_type(), kind, "body: {}", self.json);
        assert!(self.header("content-type").starts_with("application/json"));
        assert!(self.json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(
            self.json["documentation_url"],
            format!("https://protocol.chat/docs/errors/{kind}")
        );
    }
}

impl Harness {
    pub fn demo() -> Self {
        Self::with(
            Settings {
                cors: CorsOrigins::Any,
                test_control: true,
                ..Settings::default()
            },
            FaultSettings::default(),
        )
    }

    pub fn with(settings: Settings, faults: FaultSettings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(
            &dir.path().join("data/protocol.db"),
            &dir.path().join("files"),
            settings,
            faults,
        )
        .unwrap();
        assert!(seed::demo(&state).unwrap());
        let router = app(state.clone());
        Self { state, router, dir }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            json,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(body.into()).unwrap()).await
    }

    pub async fn get(&self, uri: &str, token: &str) -> Reply {
        self.call(Method::GET, uri, Some(token), &[], None, Body::empty())
            .await
    }

    pub async fn json(&self, method: Method, uri: &str, token: &str, body: Value) -> Reply {
        self.call(
            method,
            uri,
            Some(token),
            &[],
            Some("application/json"),
            body.to_string(),
        )
        .await
    }

    pub async fn form(&self, method: Method, uri: &str, token: &str, body: &str) -> Reply {
        self.call(
            method,
            uri,
            Some(token),
            &[],
            Some("application/x-www-form-urlencoded"),
            body.to_owned(),
        )
        .await
    }

    /// Sends a message and returns its JSON.
    pub async fn post_message(&self, token: &str, conversation: &str, text: &str) -> Value {
        let reply = self
            .json(
                Method::POST,
                "/v1/messages",
                token,
                serde_json::json!({ "conversation_id": conversation, "message": text }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
        reply.json
    }
}

/// Serves `h`'s app on a loopback port (with peer addresses, as `protocol-server` does).
pub async fn serve_tcp(h: &Harness) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service =
        app(h.state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await });
    addr
}

/// How long another caller may wait for an answer while an attack runs.
pub const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// Another caller (Linnie) sending a message and reading her contact, over and over, while
/// an attack runs; [`Probe::finish`] asserts every answer came within [`ANSWER_WITHIN`].
pub struct Probe {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<(usize, std::time::Duration)>,
}

impl Probe {
    pub fn start(h: &Harness) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let router = h.router.clone();
        let stopping = stop.clone();
        let task = tokio::spawn(async move {
            let mut rounds = 0;
            let mut slowest = std::time::Duration::ZERO;
            while !stopping.load(Ordering::Relaxed) || rounds == 0 {
                for request in [
                    Request::builder()
                        .method(Method::POST)
                        .uri("/v1/messages")
                        .header("authorization", format!("Bearer {LINNIE}"))
                        .header("content-type", "application/json")
                        .body(Body::from(
                            serde_json::json!({
                                "conversation_id": seed::KEVIN_LINNIE,
                                "message": "still here"
                            })
                            .to_string(),
                        ))
                        .unwrap(),
                    Request::builder()
                        .uri("/v1/contacts/me")
                        .header("authorization", format!("Bearer {LINNIE}"))
                        .body(Body::empty())
                        .unwrap(),
                ] {
                    let started = std::time::Instant::now();
                    let answer =
                        tokio::time::timeout(ANSWER_WITHIN * 5, router.clone().oneshot(request))
                            .await;
                    let took = started.elapsed();
                    slowest = slowest.max(took);
                    let response = answer.expect("the probe got no answer at all").unwrap();
                    assert!(
                        response.status().is_success(),
                        "probe answered {}",
                        response.status()
                    );
                }
                rounds += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            (rounds, slowest)
        });
        Self { stop, task }
    }

    /// Stops the probe; asserts it ran and no answer took longer than [`ANSWER_WITHIN`].
    pub async fn finish(self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (rounds, slowest) = self.task.await.unwrap();
        assert!(rounds > 0);
        assert!(
            slowest < ANSWER_WITHIN,
            "another caller waited {slowest:?} during the attack ({rounds} rounds)"
        );
    }
}

/// Runs `attack` while a [`Probe`] checks that other callers are answered.
pub async fn while_probed<F: std::future::Future>(h: &Harness, attack: F) -> F::Output {
    let probe = Probe::start(h);
    let output = attack.await;
    probe.finish().await;
    output
}

/// This process's resident memory in KiB (`VmRSS` of /proc/self/status).
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Sends `GET path` on a new loopback connection and reads the response head; the status,
/// the head, and the connection positioned at the body.
pub async fn open_raw(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &str,
) -> (u16, String, tokio::io::BufReader<tokio::net::TcpStream>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reader = tokio::io::BufReader::new(stream);
    let mut head = String::new();
    let read_head = async {
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap() == 0 || line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), read_head)
        .await
        .expect("no response head within 5 s");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, head, reader)
}

/// A multipart body with `bytes` as the field `file` (and `conversation_id` when given),
/// and its content type.
pub fn multipart(
    filename: &str,
    content_type: &str,
    bytes: &[u8],
    conversation: Option<&str>,
) -> (String, Vec<u8>) {
    let boundary = "----protocol-test-boundary";
    let mut body = Vec::new();
    if let Some(conversation) = conversation {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\n{conversation}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST /v1/attachments` of `bytes` as `filename` by `token`.
pub async fn upload(
    h: &Harness,
    token: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
    conversation: Option<&str>,
) -> Reply {
    let (content_type, body) = multipart(filename, content_type, bytes, conversation);
    h.call(
        Method::POST,
        "/v1/attachments",
        Some(token),
        &[],
        Some(&content_type),
        body,
    )
    .await
}
