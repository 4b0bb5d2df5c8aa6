//! Bearer-token authentication: every `/v1` request names its caller.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::contacts;

/// The contact making the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The contact's id.
    pub id: String,
    /// The contact's username, as reactions list it.
    pub username: String,
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Resolves a token to its contact; 401 when it is unknown.
pub async fn authenticate(state: &AppState, token: Option<&str>) -> Result<Caller, ApiError> {
    let token = token.ok_or(ApiError::Unauthenticated(
        "an Authorization: Bearer token is required",
    ))?;
    let unknown = ApiError::Unauthenticated("unknown token");
    if token.len() > 512 {
        return Err(unknown);
    }
    if let Some(caller) = state
        .tokens
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(token)
    {
        return Ok(caller.clone());
    }
    let owned = token.to_owned();
    let caller = state
        .db
        .read(move |conn| contacts::caller_by_token(conn, &owned))
        .await?
        .ok_or(unknown)?;
    state
        .tokens
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(token.to_owned(), caller.clone());
    Ok(caller)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(state, bearer_token(&parts.headers)).await
    }
}
