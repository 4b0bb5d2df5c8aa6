//! `/v1/contacts`: the people the caller talks with, and `/v1/contacts/me`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use protocol_api::{ContactDetails, Page};

use crate::auth::Caller;
use crate::body::{IdPath, Query};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::contacts;
use crate::store::page::{page_seqs, PageQuery};

/// The contact routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list))
        .route("/contacts/{id}", get(retrieve))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Query,
) -> Result<Json<Page<ContactDetails>>, ApiError> {
    let page = PageQuery::from_query(&query)?;
    let page = state
        .db
        .read(move |conn| {
            let (seqs, has_more) = page_seqs(conn, &contacts::listing(&caller), &page)?;
            Ok(Page {
                has_more,
                data: contacts::details_by_seqs(conn, &caller, &seqs)?,
            })
        })
        .await?;
    Ok(Json(page))
}

/// `GET /v1/contacts/{id}`; the id `me` names the caller.
async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<ContactDetails>, ApiError> {
    let contact = state
        .db
        .read(move |conn| {
            let id = if id == "me" { caller.id.clone() } else { id };
            let not_found = || ApiError::NotFound("no such contact");
            if !contacts::is_visible(conn, &caller, &id)? {
                return Err(not_found());
            }
            let seq = contacts::seq_of(conn, &id)?.ok_or_else(not_found)?;
            contacts::details_by_seqs(conn, &caller, &[seq])?
                .pop()
                .ok_or_else(not_found)
        })
        .await?;
    Ok(Json(contact))
}
