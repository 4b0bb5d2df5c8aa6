//! `/v1/messages`: list, send (idempotent), retrieve, update, delete.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use protocol_api::{Deleted, Page, SendMessage, UpdateMessage};

use crate::auth::Caller;
use crate::body::{IdPath, Payload, Query};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::conversations::require_participant;
use crate::store::idempotency::{self, Replay};
use crate::store::messages::{self, MessageRecord};
use crate::store::page::{page_seqs, PageQuery};

/// The message routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/messages", get(list).post(send))
        .route("/messages/{id}", get(retrieve).put(update).delete(remove))
}

fn json_response(status: StatusCode, body: String, etag: Option<&str>) -> Response {
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if let Some(value) = etag.and_then(|tag| HeaderValue::from_str(tag).ok()) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

fn message_response(status: StatusCode, record: &MessageRecord) -> Result<Response, ApiError> {
    let body = serde_json::to_string(&record.message)?;
    Ok(json_response(status, body, Some(&record.etag())))
}

fn if_match(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    headers
        .get(header::IF_MATCH)
        .map(|value| {
            value
                .to_str()
                .map(str::to_owned)
                .map_err(|_| ApiError::param("If-Match", "If-Match must be an ETag"))
        })
        .transpose()
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Query,
) -> Result<Json<Page<protocol_api::Message>>, ApiError> {
    let page = PageQuery::from_query(&query)?;
    let conversation_id = query.get("conversation_id").map(str::to_owned);
    let page = state
        .db
        .read(move |conn| {
            if let Some(id) = &conversation_id {
                require_participant(conn, id, &caller)?;
            }
            let listing = messages::listing(&caller, conversation_id.as_deref());
            let (seqs, has_more) = page_seqs(conn, &listing, &page)?;
            let data = messages::by_seqs(conn, &seqs)?
                .into_iter()
                .map(|record| record.message)
                .collect();
            Ok(Page { has_more, data })
        })
        .await?;
    Ok(Json(page))
}

async fn send(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Payload(request): Payload<SendMessage>,
) -> Result<Response, ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|value| idempotency::validate_key(value.as_bytes()))
        .transpose()?;
    messages::check_attachment_count(&request.attachments)?;
    if request.conversation_id.is_empty() {
        return Err(ApiError::param(
            "conversation_id",
            "conversation_id is required",
        ));
    }
    messages::validate_text(&request.message, !request.attachments.is_empty())?;
    let fingerprint = serde_json::to_string(&request)?;
    let replay = state
        .db
        .write(move |tx| {
            if let Some(key) = &key {
                if let Some(replay) = idempotency::lookup(tx, &caller, key, &fingerprint)? {
                    return Ok(replay);
                }
            }
            let record = messages::send(tx, &caller, &request)?;
            let replay = Replay {
                status: StatusCode::CREATED.as_u16(),
                body: serde_json::to_string(&record.message)?,
                etag: Some(record.etag()),
            };
            if let Some(key) = &key {
                idempotency::save(tx, &caller, key, &fingerprint, &replay)?;
            }
            Ok(replay)
        })
        .await?;
    let status = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::CREATED);
    Ok(json_response(status, replay.body, replay.etag.as_deref()))
}

async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let record = state
        .db
        .read(move |conn| messages::find_visible(conn, &caller, &id))
        .await?;
    message_response(StatusCode::OK, &record)
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    headers: HeaderMap,
    Payload(change): Payload<UpdateMessage>,
) -> Result<Response, ApiError> {
    let if_match = if_match(&headers)?;
    if let Some(ids) = &change.attachments {
        messages::check_attachment_count(ids)?;
    }
    if let Some(reactions) = &change.reactions {
        messages::check_reaction_request(reactions)?;
    }
    let record = state
        .db
        .write(move |tx| messages::update(tx, &caller, &id, &change, if_match.as_deref()))
        .await?;
    message_response(StatusCode::OK, &record)
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Json<Deleted>, ApiError> {
    let if_match = if_match(&headers)?;
    let message = state
        .db
        .write(move |tx| messages::delete(tx, &caller, &id, if_match.as_deref()))
        .await?;
    for attachment in &message.attachments {
        state.files.remove(&attachment.id).await;
    }
    Ok(Json(Deleted {
        id: message.id,
        deleted: true,
    }))
}
