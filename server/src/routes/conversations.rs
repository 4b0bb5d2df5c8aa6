//! `/v1/conversations`: the caller's conversations, with filters.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use protocol_api::{Conversation, Page};

use crate::auth::Caller;
use crate::body::{IdPath, Query};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::conversations::{self, Filters};
use crate::store::page::{page_seqs, PageQuery};

/// The conversation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list))
        .route("/conversations/{id}", get(retrieve))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Query,
) -> Result<Json<Page<Conversation>>, ApiError> {
    let page = PageQuery::from_query(&query)?;
    let filters = Filters {
        archived: query.bool("archived")?,
        muted: query.bool("muted")?,
        pinned: query.bool("pinned")?,
        group_id: query.get("group_id").map(str::to_owned),
    };
    let page = state
        .db
        .read(move |conn| {
            let listing = conversations::listing(&caller, &filters);
            let (seqs, has_more) = page_seqs(conn, &listing, &page)?;
            Ok(Page {
                has_more,
                data: conversations::by_seqs(conn, &caller, &seqs)?,
            })
        })
        .await?;
    Ok(Json(page))
}

async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Conversation>, ApiError> {
    let conversation = state
        .db
        .read(move |conn| {
            let seq = conversations::seq_of(conn, &caller, &id)?
                .ok_or(ApiError::NotFound("no such conversation"))?;
            conversations::by_seqs(conn, &caller, &[seq])?
                .pop()
                .ok_or(ApiError::NotFound("no such conversation"))
        })
        .await?;
    Ok(Json(conversation))
}
