//! `/files/{id}/{name}`: attachment bytes, without auth (the random id is the capability),
//! served so that nothing uploaded can run as a page of this origin.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::files;
use crate::ids::looks_like_id;
use crate::state::AppState;
use crate::store::attachments::{self, percent_encode};

/// The file routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/files/{id}/{name}", get(serve))
}

/// `Content-Disposition` with an ASCII fallback name and the exact UTF-8 one (RFC 6266).
fn content_disposition(inline: bool, filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encode(filename)
    )
}

async fn serve(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("no such file");
    let Ok(Path((id, _name))) = path else {
        return Err(not_found());
    };
    if !looks_like_id(&id) {
        return Err(not_found());
    }
    let lookup = id.clone();
    let record = state
        .db
        .read(move |conn| attachments::find(conn, &lookup))
        .await?
        .ok_or_else(not_found)?;
    let bytes = tokio::fs::read(files::path(&state, &id))
        .await
        .map_err(|_| not_found())?;
    let file = record.attachment;
    let inline = files::is_inline_safe(&file.file_type);
    let served_type = if file.file_type.starts_with("text/") {
        format!("{}; charset=utf-8", file.file_type)
    } else {
        file.file_type.clone()
    };
    let content_type = HeaderValue::from_str(&served_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(inline, &file.filename))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_DISPOSITION, disposition),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=86400"),
        ),
    ];
    Ok((headers, bytes).into_response())
}
