//! Bearer-token authentication: every `/v1` request names its caller.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::db::Db;
use crate::error::ApiError;
use crate::store::contacts;
pub use crate::store::contacts::Caller;

/// Longest token looked up; a longer one is refused before anything else is done with it.
pub const MAX_TOKEN_LEN: usize = 512;

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Resolves tokens to contacts, remembering the known ones (tokens are never revoked while
/// the server runs, so the map holds at most one entry per token in the database).
#[derive(Clone)]
pub struct Auth {
    db: Db,
    known: Arc<RwLock<HashMap<String, Caller>>>,
}

impl Auth {
    /// Authentication against the tokens of `db`.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            known: Arc::default(),
        }
    }

    /// Resolves a token to its contact; 401 when it is missing, too long or unknown.
    pub async fn authenticate(&self, token: Option<&str>) -> Result<Caller, ApiError> {
        let token = token.ok_or(ApiError::Unauthenticated(
            "an Authorization: Bearer token is required",
        ))?;
        let unknown = ApiError::Unauthenticated("unknown token");
        if token.len() > MAX_TOKEN_LEN {
            return Err(unknown);
        }
        if let Some(caller) = self
            .known
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(token)
        {
            return Ok(caller.clone());
        }
        let owned = token.to_owned();
        let caller = self
            .db
            .read(move |conn| contacts::caller_by_token(conn, &owned))
            .await?
            .ok_or(unknown)?;
        self.known
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(token.to_owned(), caller.clone());
        Ok(caller)
    }
}

/// The caller of a request: the one the rate limiter already resolved, else the one its
/// bearer token names.
impl<S> FromRequestParts<S> for Caller
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        Auth::from_ref(state)
            .authenticate(bearer_token(&parts.headers))
            .await
    }
}
