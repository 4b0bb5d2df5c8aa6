//! `/v1/groups/{id}`: a group the caller belongs to.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use protocol_api::Group;

use crate::auth::Caller;
use crate::body::IdPath;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::conversations;

/// The group routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/groups/{id}", get(retrieve))
}

async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Group>, ApiError> {
    let group = state
        .db
        .read(move |conn| conversations::group(conn, &caller, &id))
        .await?
        .ok_or(ApiError::NotFound("no such group"))?;
    Ok(Json(group))
}
