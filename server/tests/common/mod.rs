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
