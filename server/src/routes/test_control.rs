//! `/_test/faults` (`--test-control`): read and change fault injection at run time,
//! answered only to loopback clients, never to a browser page (no CORS, and any request
//! with an `Origin` header is refused), so no web site can switch faults on.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};

use crate::body::Payload;
use crate::error::ApiError;
use crate::faults::{FaultChange, FaultSettings, Faults};
use crate::state::AppState;

/// The test control routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/_test/faults", get(show).put(change))
}

/// A loopback peer, from a program rather than a web page.
async fn require_local_program(parts: &mut Parts) -> Result<(), ApiError> {
    if parts.headers.contains_key(header::ORIGIN) {
        return Err(ApiError::Forbidden(
            "/_test answers no web page: requests with an Origin header are refused",
        ));
    }
    let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, &()).await;
    match peer {
        Ok(ConnectInfo(addr)) if addr.ip().is_loopback() => Ok(()),
        _ => Err(ApiError::NotFound("no such route")),
    }
}

async fn show(
    State(faults): State<Arc<Faults>>,
    request: Request,
) -> Result<Json<FaultSettings>, ApiError> {
    let (mut parts, _) = request.into_parts();
    require_local_program(&mut parts).await?;
    Ok(Json(faults.get()))
}

async fn change(
    State(faults): State<Arc<Faults>>,
    request: Request,
) -> Result<Json<FaultSettings>, ApiError> {
    let (mut parts, body) = request.into_parts();
    require_local_program(&mut parts).await?;
    let request = Request::from_parts(parts, body);
    let Payload(change) =
        <Payload<FaultChange> as axum::extract::FromRequest<()>>::from_request(request, &())
            .await?;
    let settings = faults.apply(change)?;
    tracing::warn!(?settings, "fault injection changed through /_test/faults");
    Ok(Json(settings))
}
