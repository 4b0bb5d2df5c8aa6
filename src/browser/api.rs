//! All HTTP to the Protocol API (API.md). Every answer is decoded fallibly: an HTML error
//! page, truncated JSON or wrong types become an [`ApiError`] with a human message.

use crate::core::json::{self, FromJson};
use protocol_api::{
    Attachment, Contact, ContactDetails, Conversation, Deleted, ErrorBody, ErrorType, Group,
    Message, Page, SendMessage, UpdateMessage,
};
use std::future::Future;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

/// Reads an answer: a success body as `T`, anything else as an [`ApiError`]. Pure.
pub fn decode<T: FromJson>(status: u16, text: &str) -> Result<T, ApiError> {
    T::from_json(&decode_value(status, text)?).ok_or_else(|| decode_error(status))
}

/// The parsed body of a success answer, the error of any other: the part of [`decode`]
/// that is the same for every type (not generic, so it is in the wasm once).
fn decode_value(status: u16, text: &str) -> Result<json::Value, ApiError> {
    if (200..300).contains(&status) {
        json::parse(text).ok_or_else(|| decode_error(status))
    } else {
        let body = json::from_str::<ErrorBody>(text)
            .unwrap_or_else(|| ErrorBody::new(kind_for(status), "", None));
        Err(ApiError::Api { status, body })
    }
}

fn decode_error(status: u16) -> ApiError {
    ApiError::Decode(format!("status {status}"))
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

type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T>>>;

/// A success answer: status, parsed body and `ETag`.
struct Answer {
    status: u16,
    body: json::Value,
    etag: Option<String>,
}

impl Answer {
    /// The body as `T`.
    fn read<T: FromJson>(&self) -> Result<T, ApiError> {
        T::from_json(&self.body).ok_or_else(|| decode_error(self.status))
    }
}

/// A configured API client: base URL and bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    base: String,
    token: String,
}

fn js_text(err: &JsValue) -> String {
    err.as_string()
        .or_else(|| {
            js_sys::JSON::stringify(err)
                .ok()
                .and_then(|s| s.as_string())
        })
        .unwrap_or_default()
}

/// A failed browser call, as a network error.
fn net(err: JsValue) -> ApiError {
    ApiError::Network(js_text(&err))
}

/// Waits for a sent request's response and reads it: the parsed success answer, or why
/// there is none.
async fn receive(sent: js_sys::Promise) -> Result<Answer, ApiError> {
    let response: web_sys::Response = JsFuture::from(sent).await.map_err(net)?.unchecked_into();
    let etag = response.headers().get("ETag").ok().flatten();
    let text = JsFuture::from(response.text().map_err(net)?)
        .await
        .map_err(net)?
        .as_string()
        .unwrap_or_default();
    let status = response.status();
    Ok(Answer {
        status,
        body: decode_value(status, &text)?,
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// One request, not generic and boxed, so every endpoint shares one copy of it:
    /// the parsed success answer, or why there is none. The request goes out when this is
    /// called, not when the answer is awaited.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        extra: &[(&str, &str)],
    ) -> BoxFuture<Result<Answer, ApiError>> {
        let sent = self.start(method, path, body, extra);
        Box::pin(async move { receive(sent?).await })
    }

    /// Sends a request: the `fetch` promise of its response.
    fn start(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        extra: &[(&str, &str)],
    ) -> Result<js_sys::Promise, ApiError> {
        let headers = web_sys::Headers::new().map_err(net)?;
        headers
            .set("Authorization", &format!("Bearer {}", self.token))
            .map_err(net)?;
        for (k, v) in extra {
            headers.set(k, v).map_err(net)?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        init.set_headers(&headers);
        if let Some(body) = body {
            headers
                .set("Content-Type", "application/json")
                .map_err(net)?;
            init.set_body(&JsValue::from_str(&body));
        }
        let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".into()))?;
        let request =
            web_sys::Request::new_with_str_and_init(&self.url(path), &init).map_err(net)?;
        Ok(window.fetch_with_request(&request))
    }

    /// `GET path`, sent at once (see [`Client::call`]).
    fn get<T: FromJson>(&self, path: &str) -> impl Future<Output = Result<T, ApiError>> {
        let answer = self.call("GET", path, None, &[]);
        async move { answer.await?.read() }
    }

    async fn write(
        &self,
        method: &str,
        path: &str,
        json: String,
        extra: &[(&str, &str)],
    ) -> Result<(Message, Option<String>), ApiError> {
        let answer = self.call(method, path, Some(json), extra).await?;
        answer.read().map(|m| (m, answer.etag))
    }

    /// The caller's own contact (requested at once, see [`Client::call`]).
    pub fn me(&self) -> impl Future<Output = Result<ContactDetails, ApiError>> {
        self.get("/contacts/me")
    }

    /// The caller's conversations (the first 100).
    pub async fn conversations(&self) -> Result<Page<Conversation>, ApiError> {
        self.get("/conversations?limit=100").await
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
        let answer = self.call("GET", &path, None, &[]).await?;
        answer.read().map(|m| (m, answer.etag))
    }

    /// Sends a message; `key` is its `Idempotency-Key`, the same on every retry.
    pub async fn send(
        &self,
        body: &SendMessage,
        key: &str,
    ) -> Result<(Message, Option<String>), ApiError> {
        self.write(
            "POST",
            "/messages",
            json::send_message_json(body),
            &[("Idempotency-Key", key)],
        )
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
        let json = json::update_message_json(body);
        match if_match {
            Some(etag) => self.write("PUT", &path, json, &[("If-Match", etag)]).await,
            None => self.write("PUT", &path, json, &[]).await,
        }
    }

    /// Deletes a message.
    pub async fn delete(&self, id: &str) -> Result<Deleted, ApiError> {
        let path = format!("/messages/{}", crate::core::config::percent_encode(id));
        self.call("DELETE", &path, None, &[]).await?.read()
    }

    /// Whether `GET path` answers 404 (headers only; the body is not read).
    pub async fn is_missing(&self, url: &str) -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let controller = web_sys::AbortController::new().ok();
        let init = web_sys::RequestInit::new();
        if let Some(c) = &controller {
            init.set_signal(Some(&c.signal()));
        }
        let status = match web_sys::Request::new_with_str_and_init(url, &init) {
            Ok(request) => JsFuture::from(window.fetch_with_request(&request))
                .await
                .ok()
                .map(|r| r.unchecked_into::<web_sys::Response>().status()),
            Err(_) => None,
        };
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
        let form = web_sys::FormData::new().map_err(net)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(net)?;
        form.append_with_str("conversation_id", conversation_id)
            .map_err(net)?;
        let xhr = web_sys::XmlHttpRequest::new().map_err(net)?;
        xhr.open("POST", &self.url("/attachments")).map_err(net)?;
        xhr.set_request_header("Authorization", &format!("Bearer {}", self.token))
            .map_err(net)?;
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
        xhr.send_with_opt_form_data(Some(&form)).map_err(net)?;
        let finished = wasm_bindgen_futures::JsFuture::from(done).await;
        // Detach before the closure is dropped: a late progress event must find nothing.
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(None);
        }
        xhr.set_onloadend(None);
        drop(progress);
        finished.map_err(net)?;
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
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .unchecked_into();
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
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
