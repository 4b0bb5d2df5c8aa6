//! Per-token rate limiting (`--rate-limit-per-minute`), fixed one-minute windows.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::bearer_token;
use crate::body::Query;
use crate::error::ApiError;
use crate::ids::now;
use crate::state::AppState;

/// Counts requests per token in the current minute.
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per token; 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `token`; the seconds to wait when over the limit.
    pub fn hit(&self, token: &str) -> Option<u64> {
        if self.per_minute == 0 {
            return None;
        }
        let at = now();
        let window = at - at.rem_euclid(60);
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.retain(|_, (start, _)| *start == window);
        let (_, count) = windows.entry(token.to_owned()).or_insert((window, 0));
        *count += 1;
        (*count > self.per_minute).then(|| (window + 60 - at).max(1) as u64)
    }
}

/// Middleware answering 429 with `Retry-After` to a token over its limit.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let query = Query::parse(request.uri().query());
    let token = bearer_token(request.headers())
        .or_else(|| query.get("access_token"))
        .map(str::to_owned);
    if let Some(seconds) = token.and_then(|token| state.limiter.hit(&token)) {
        return ApiError::RateLimited(seconds).into_response();
    }
    next.run(request).await
}
