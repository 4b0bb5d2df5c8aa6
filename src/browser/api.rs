//! All HTTP to the Protocol API (API.md), through gloo-net (uploads through
//! `XMLHttpRequest`, the one browser API that reports upload progress). Every answer is
//! decoded with serde_json, fallibly: an HTML error page, truncated JSON or wrong types
//! become an [`ApiError`] with a human message, never a panic.

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use protocol_api::{
    Attachment, Contact, ContactDetails, Conversation, Deleted, ErrorBody, ErrorType, Group,
    Message, Page, SendMessage, UpdateMessage,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};
use wasm_bindgen::{closure::Closure, JsCast};

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: offline, DNS, CORS, connection reset.
    #[error("The server could not be reached. Check your connection and try again.")]
    Network(String),
    /// The server answered with an error status.
    #[error("{}", api_message(*.status, .body))]
    Api {
        /// HTTP status.
        status: u16,
        /// The error envelope (synthesized when the server sent none).
        body: ErrorBody,
    },
    /// A success status with a body the app cannot read.
    #[error("The server sent an answer the app does not understand. Try again later.")]
    Decode(String),
}

fn api_message(status: u16, body: &ErrorBody) -> String {
    match status {
        401 => "Your session has expired or the token is not valid. Please sign in again.".into(),
        403 => "You are not allowed to do that.".into(),
        404 => "This was not found, or you cannot see it.".into(),
        412 => "The message changed on the server in the meantime.".into(),
        429 => "Too many requests. Please wait a moment and try again.".into(),
        500..=599 => "The server had a problem. Please try again.".into(),
        _ if !body.message.trim().is_empty() => body.message.clone(),
        _ => format!("The request failed (status {status})."),
    }
}

impl ApiError {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The token is missing, wrong or expired: the user must sign in again.
    pub fn is_auth(&self) -> bool {
        self.status() == Some(401)
    }

    /// Worth trying again by itself later (network, rate limit, server fault).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network(_) => true,
            Self::Api { status, .. } => *status == 429 || *status >= 500,
            Self::Decode(_) => false,
        }
    }
}

fn kind_for(status: u16) -> ErrorType {
    match status {
        401 => ErrorType::AuthenticationError,
        403 => ErrorType::PermissionError,
        404 => ErrorType::NotFoundError,
        409 => ErrorType::IdempotencyError,
        412 => ErrorType::ConflictError,
        429 => ErrorType::RateLimitError,
        500..=599 => ErrorType::ApiError,
        _ => ErrorType::InvalidRequest,
    }
}

/// Reads an answer: a success body as `T`, anything else as an [`ApiError`] (with the
/// server's error envelope when it sent one). Pure.
pub fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    success(status, text)?;
    serde_json::from_str(text).map_err(|_| ApiError::Decode(format!("status {status}")))
}

/// The error of an answer that is not a success: the part of [`decode`] that is the same
/// for every type (not generic, so it is in the wasm once).
fn success(status: u16, text: &str) -> Result<(), ApiError> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    let body = serde_json::from_str::<ErrorBody>(text)
        .unwrap_or_else(|_| ErrorBody::new(kind_for(status), "", None));
    Err(ApiError::Api { status, body })
}

/// Which page of messages to list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// The newest page.
    Newest,
    /// The page older than this id.
    StartingAfter(String),
    /// The page just newer than this id.
    EndingBefore(String),
}

/// The query string of a message list request. Pure.
pub fn messages_query(conversation_id: &str, cursor: &Cursor, limit: u32) -> String {
    let conv = crate::core::config::percent_encode(conversation_id);
    let mut q = format!("conversation_id={conv}&limit={limit}");
    match cursor {
        Cursor::Newest => {}
        Cursor::StartingAfter(id) => {
            q += "&starting_after=";
            q += &crate::core::config::percent_encode(id);
        }
        Cursor::EndingBefore(id) => {
            q += "&ending_before=";
            q += &crate::core::config::percent_encode(id);
        }
    }
    q
}

/// The Server-Sent Events URL at `endpoint`. Pure.
pub fn events_url(
    endpoint: &str,
    conversation_id: &str,
    token: &str,
    last_event_id: Option<&str>,
) -> String {
    let enc = crate::core::config::percent_encode;
    let mut url = format!(
        "{endpoint}?conversation_id={}&access_token={}",
        enc(conversation_id),
        enc(token)
    );
    if let Some(id) = last_event_id.filter(|id| !id.is_empty()) {
        url += "&last_event_id=";
        url += &enc(id);
    }
    url
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// An answer: status, body text and `ETag`.
struct Answer {
    status: u16,
    text: String,
    etag: Option<String>,
}

impl Answer {
    /// The body as `T`, or why not.
    fn read<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        decode(self.status, &self.text)
    }
}

/// A configured API client: base URL and bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    base: String,
    token: String,
}

/// A failed request (offline, DNS, CORS, reset), as a network error.
fn net(err: impl std::fmt::Display) -> ApiError {
    ApiError::Network(err.to_string())
}

/// Sends `request` now and returns its response when awaited. gloo-net calls `fetch` on
/// the first poll of `send`, so it is polled once here (with a waker that does nothing:
/// the caller's await registers its own): the caller and the first page go out while the
/// view around them is still being built, not after.
fn send_now(request: Request) -> BoxFuture<Result<Response, ApiError>> {
    let mut sending = Box::pin(futures::future::maybe_done(request.send()));
    let _ = sending
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    Box::pin(async move {
        sending.as_mut().await;
        match sending.as_mut().take_output() {
            Some(answer) => answer.map_err(net),
            None => Err(ApiError::Network("no answer".into())),
        }
    })
}

/// Reads a response to the end.
async fn receive(response: Response) -> Result<Answer, ApiError> {
    let etag = response.headers().get("ETag");
    let text = response.text().await.map_err(net)?;
    Ok(Answer {
        status: response.status(),
        text,
        etag,
    })
}

impl Client {
    /// A client for `base` (ending in `/v1`) with `token`.
    pub fn new(base: &str, token: &str) -> Self {
        Self {
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    /// Identifies this API and token (to keep per-session state apart).
    pub fn identity(&self) -> String {
        format!("{}\n{}", self.base, self.token)
    }

    /// The API base URL (ending in `/v1`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// One request with the token, not generic and boxed, so every endpoint shares one
    /// copy of it. The request goes out when this is called, not when the answer is
    /// awaited ([`send_now`]).
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        extra: &[(&str, &str)],
    ) -> BoxFuture<Result<Answer, ApiError>> {
        let mut builder = RequestBuilder::new(&self.url(path))
            .method(method)
            .header("Authorization", &format!("Bearer {}", self.token));
        for (k, v) in extra {
            builder = builder.header(k, v);
        }
        let request = match body {
            Some(json) => builder
                .header("Content-Type", "application/json")
                .body(json),
            None => builder.build(),
        };
        let sent = request.map_err(net).map(send_now);
        Box::pin(async move { receive(sent?.await?).await })
    }

    /// `GET path`, sent at once (see [`Client::call`]).
    fn get<T: DeserializeOwned>(&self, path: &str) -> impl Future<Output = Result<T, ApiError>> {
        let answer = self.call(Method::GET, path, None, &[]);
        async move { answer.await?.read() }
    }

    /// A write with a JSON body: the message it answers with, and its ETag.
    async fn write(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
        extra: &[(&str, &str)],
    ) -> Result<(Message, Option<String>), ApiError> {
        let json =
            serde_json::to_string(body).map_err(|_| ApiError::Decode("request body".into()))?;
        let answer = self.call(method, path, Some(json), extra).await?;
        answer.read().map(|m| (m, answer.etag))
    }

    /// The caller's own contact (requested at once, see [`Client::call`]).
    pub fn me(&self) -> impl Future<Output = Result<ContactDetails, ApiError>> {
        self.get("/contacts/me")
    }

    /// A page of the caller's conversations (100, the most the API gives at once): the
    /// first, or the one after the conversation `after`.
    pub async fn conversations(&self, after: Option<&str>) -> Result<Page<Conversation>, ApiError> {
        let path = match after {
            Some(id) => format!(
                "/conversations?limit=100&starting_after={}",
                crate::core::config::percent_encode(id)
            ),
            None => "/conversations?limit=100".to_owned(),
        };
        self.get(&path).await
    }

    /// One conversation, for the widget's title (it has no conversation list).
    pub async fn conversation(&self, id: &str) -> Result<Conversation, ApiError> {
        self.get(&format!(
            "/conversations/{}",
            crate::core::config::percent_encode(id)
        ))
        .await
    }

    /// One contact, for the title of a conversation with someone not among the first
    /// contacts.
    pub async fn contact(&self, id: &str) -> Result<ContactDetails, ApiError> {
        self.get(&format!(
            "/contacts/{}",
            crate::core::config::percent_encode(id)
        ))
        .await
    }

    /// The caller's contacts (the first 100), for conversation titles.
    pub async fn contacts(&self) -> Result<Page<ContactDetails>, ApiError> {
        self.get("/contacts?limit=100").await
    }

    /// One group.
    pub async fn group(&self, id: &str) -> Result<Group, ApiError> {
        self.get(&format!(
            "/groups/{}",
            crate::core::config::percent_encode(id)
        ))
        .await
    }

    /// A page of a conversation's messages, newest first (requested at once, see
    /// [`Client::call`]).
    pub fn messages(
        &self,
        conversation_id: &str,
        cursor: &Cursor,
        limit: u32,
    ) -> impl Future<Output = Result<Page<Message>, ApiError>> {
        self.get(&format!(
            "/messages?{}",
            messages_query(conversation_id, cursor, limit)
        ))
    }

    /// One message with its ETag.
    pub async fn message(&self, id: &str) -> Result<(Message, Option<String>), ApiError> {
        let path = format!("/messages/{}", crate::core::config::percent_encode(id));
        let answer = self.call(Method::GET, &path, None, &[]).await?;
        answer.read().map(|m| (m, answer.etag))
    }

    /// Sends a message; `key` is its `Idempotency-Key`, the same on every retry.
    pub async fn send(
        &self,
        body: &SendMessage,
        key: &str,
    ) -> Result<(Message, Option<String>), ApiError> {
        self.write(Method::POST, "/messages", body, &[("Idempotency-Key", key)])
            .await
    }

    /// Updates a message; `if_match` guards text edits against newer changes.
    pub async fn update(
        &self,
        id: &str,
        body: &UpdateMessage,
        if_match: Option<&str>,
    ) -> Result<(Message, Option<String>), ApiError> {
        let path = format!("/messages/{}", crate::core::config::percent_encode(id));
        match if_match {
            Some(etag) => {
                self.write(Method::PUT, &path, body, &[("If-Match", etag)])
                    .await
            }
            None => self.write(Method::PUT, &path, body, &[]).await,
        }
    }

    /// Deletes a message.
    pub async fn delete(&self, id: &str) -> Result<Deleted, ApiError> {
        let path = format!("/messages/{}", crate::core::config::percent_encode(id));
        self.call(Method::DELETE, &path, None, &[]).await?.read()
    }

    /// Whether `GET url` answers 404. Only the status is read: the request is aborted as
    /// soon as the headers are in, so a stream that does answer is not left open.
    pub async fn is_missing(&self, url: &str) -> bool {
        let controller = web_sys::AbortController::new().ok();
        let signal = controller.as_ref().map(web_sys::AbortController::signal);
        let status = Request::get(url)
            .abort_signal(signal.as_ref())
            .send()
            .await
            .ok()
            .map(|r| r.status());
        if let Some(c) = controller {
            c.abort();
        }
        status == Some(404)
    }

    /// The Server-Sent Events URL of a conversation (token in the query: `EventSource`
    /// cannot set headers), resuming after `last_event_id` when given.
    pub fn events_url(&self, conversation_id: &str, last_event_id: Option<&str>) -> String {
        events_url(
            &self.url("/events"),
            conversation_id,
            &self.token,
            last_event_id,
        )
    }

    /// Uploads a file, reporting progress (0.0..=1.0) as it goes.
    pub async fn upload(
        &self,
        file: &web_sys::File,
        conversation_id: &str,
        on_progress: impl Fn(f64) + 'static,
    ) -> Result<Attachment, ApiError> {
        let js = |e: wasm_bindgen::JsValue| {
            let message = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()));
            ApiError::Network(message.or_else(|| e.as_string()).unwrap_or_default())
        };
        let form = web_sys::FormData::new().map_err(js)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(js)?;
        form.append_with_str("conversation_id", conversation_id)
            .map_err(js)?;
        let xhr = web_sys::XmlHttpRequest::new().map_err(js)?;
        xhr.open("POST", &self.url("/attachments")).map_err(js)?;
        xhr.set_request_header("Authorization", &format!("Bearer {}", self.token))
            .map_err(js)?;
        let progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    on_progress(e.loaded() / e.total());
                }
            });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        }
        let done = js_sys::Promise::new(&mut |resolve, _reject| {
            xhr.set_onloadend(Some(&resolve));
        });
        xhr.send_with_opt_form_data(Some(&form)).map_err(js)?;
        let finished = wasm_bindgen_futures::JsFuture::from(done).await;
        // Detach before the closure is dropped: a late progress event must find nothing.
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(None);
        }
        xhr.set_onloadend(None);
        drop(progress);
        finished.map_err(js)?;
        let status = xhr.status().unwrap_or(0);
        if status == 0 {
            return Err(ApiError::Network("upload interrupted".into()));
        }
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        decode(status, &text)
    }
}

/// The body of a plain `GET url` (relative to the page), if it answered 2xx.
pub async fn fetch_text(url: &str) -> Option<String> {
    let response = Request::get(url).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    response.text().await.ok()
}

/// The sender copy a pending message shows: the caller's details as a message contact.
pub fn as_contact(me: &ContactDetails) -> Contact {
    Contact {
        id: me.id.clone(),
        username: me.username.clone(),
        phone_number: me.phone_number.clone(),
        avatar_url: me.avatar_url.clone(),
        last_active_at: me.last_active_at,
        created_at: me.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_body_decodes() {
        let d: Deleted = decode(200, r#"{"id":"a","deleted":true}"#).expect("decodes");
        assert_eq!(d.id, "a");
    }

    #[test]
    fn truncated_json_is_a_decode_error() {
        let r: Result<Deleted, _> = decode(200, r#"{"id":"a","del"#);
        assert!(matches!(r, Err(ApiError::Decode(_))));
    }

    #[test]
    fn wrong_types_are_a_decode_error() {
        let r: Result<Page<Message>, _> = decode(200, r#"{"has_more":"yes","data":[]}"#);
        assert!(matches!(r, Err(ApiError::Decode(_))));
    }

    #[test]
    fn wrong_field_types_are_a_decode_error() {
        const MESSAGE: &str = concat!(
            r#"{"id":"m","conversation_id":"c","contact":{"id":"k","username":"u"},"#,
            r#""message":"hi","created_at":1718040012,"read_at":null}"#
        );
        let ok: Message = decode(200, MESSAGE).expect("decodes");
        assert_eq!(ok.read_at, None);
        for bad in [
            MESSAGE.replace("1718040012", "\"soon\""),
            MESSAGE.replace("\"read_at\":null", "\"read_at\":1.5"),
            MESSAGE.replace("\"message\":\"hi\"", "\"message\":7"),
            MESSAGE.replace(r#","message":"hi""#, ""),
        ] {
            let r: Result<Message, _> = decode(200, &bad);
            assert!(matches!(r, Err(ApiError::Decode(_))), "{bad}");
        }
    }

    #[test]
    fn not_json_and_deep_nesting_are_decode_errors() {
        for bad in ["", "<html>", "{} x", "[1,]", r#""\ud83d""#] {
            let r: Result<Deleted, _> = decode(200, bad);
            assert!(matches!(r, Err(ApiError::Decode(_))), "{bad:?}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let r: Result<Page<Message>, _> = decode(200, &deep);
        assert!(matches!(r, Err(ApiError::Decode(_))));
    }

    #[test]
    fn error_envelope_is_kept() {
        let r: Result<Deleted, _> = decode(
            400,
            r#"{"type":"invalid_request","message":"limit must be between 1 and 100","param":"limit"}"#,
        );
        let err = r.expect_err("error");
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.to_string(), "limit must be between 1 and 100");
    }

    #[test]
    fn html_error_page_gets_a_human_message() {
        let r: Result<Deleted, _> = decode(502, "<html><body>Bad Gateway</body></html>");
        let err = r.expect_err("error");
        assert!(err.is_transient());
        assert_eq!(
            err.to_string(),
            "The server had a problem. Please try again."
        );
        match err {
            ApiError::Api { body, .. } => assert_eq!(body.kind, ErrorType::ApiError),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unauthorized_asks_to_sign_in_again() {
        let err = decode::<Deleted>(401, "").expect_err("error");
        assert!(err.is_auth());
        assert!(!err.is_transient());
        assert!(err.to_string().contains("sign in again"));
    }

    #[test]
    fn network_and_rate_limit_are_transient() {
        assert!(ApiError::Network("x".into()).is_transient());
        assert!(decode::<Deleted>(429, "{}").expect_err("e").is_transient());
        assert!(!decode::<Deleted>(404, "{}").expect_err("e").is_transient());
    }

    #[test]
    fn events_url_resumes_after_the_last_event() {
        assert_eq!(
            events_url("/v1/events", "c1", "t k", None),
            "/v1/events?conversation_id=c1&access_token=t%20k"
        );
        assert_eq!(
            events_url("/v1/events", "c1", "tok", Some("42")),
            "/v1/events?conversation_id=c1&access_token=tok&last_event_id=42"
        );
        assert_eq!(
            events_url("/v1/events", "c1", "tok", Some("")),
            "/v1/events?conversation_id=c1&access_token=tok"
        );
    }

    #[test]
    fn message_queries() {
        assert_eq!(
            messages_query("c1", &Cursor::Newest, 30),
            "conversation_id=c1&limit=30"
        );
        assert_eq!(
            messages_query("c1", &Cursor::StartingAfter("m1".into()), 30),
            "conversation_id=c1&limit=30&starting_after=m1"
        );
        assert_eq!(
            messages_query("c1", &Cursor::EndingBefore("m9".into()), 100),
            "conversation_id=c1&limit=100&ending_before=m9"
        );
    }
}
