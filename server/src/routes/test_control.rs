//! `/_test/faults` (`--test-control`): read and change fault injection at run time,
//! answered only to loopback clients.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};

use crate::body::Payload;
use crate::error::ApiError;
use crate::faults::{FaultChange, FaultSettings};
use crate::state::AppState;

/// The test control routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/_test/faults", get(show).put(change))
}

async fn require_loopback(parts: &mut Parts, state: &AppState) -> Result<(), ApiError> {
    let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await;
    match peer {
        Ok(ConnectInfo(addr)) if addr.ip().is_loopback() => Ok(()),
        _ => Err(ApiError::NotFound("no such route")),
    }
}

async fn show(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<FaultSettings>, ApiError> {
    let (mut parts, _) = request.into_parts();
    require_loopback(&mut parts, &state).await?;
    Ok(Json(state.faults.get()))
}

async fn change(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<FaultSettings>, ApiError> {
    let (mut parts, body) = request.into_parts();
    require_loopback(&mut parts, &state).await?;
    let request = Request::from_parts(parts, body);
    let Payload(change) =
        <Payload<FaultChange> as axum::extract::FromRequest<AppState>>::from_request(
            request, &state,
        )
        .await?;
    let settings = state.faults.apply(change)?;
    tracing::warn!(?settings, "fault injection changed through /_test/faults");
    Ok(Json(settings))
}
