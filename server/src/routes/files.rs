//! `/files/{id}/{name}`: attachment bytes, without auth (the random id is the capability),
//! streamed from disk (ranges and `HEAD` included), at most `--max-downloads` at a time,
//! and served so that nothing uploaded can run as a page of this origin.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::db::Db;
use crate::error::ApiError;
use crate::files::{self, Files};
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
    State(db): State<Db>,
    State(files): State<Files>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("no such file");
    let Ok(Path((id, _name))) = path else {
        return Err(not_found());
    };
    if !looks_like_id(&id) {
        return Err(not_found());
    }
    let lookup = id.clone();
    let record = db
        .read(move |conn| attachments::find(conn, &lookup))
        .await?
        .ok_or_else(not_found)?;
    let permit = files.download_permit().ok_or(ApiError::RateLimited {
        retry_after: 1,
        message: "too many downloads at once; try again in a moment",
    })?;
    let response = match ServeFile::new(files.path(&id)).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return Err(not_found());
    }
    let (mut parts, body) = response.into_parts();
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
    let headers = &mut parts.headers;
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    // The body owns the permit: the place is given back once the last byte is sent or the
    // reader goes away, not when the headers leave.
    let body = body.map_frame(move |frame| {
        let _held = &permit;
        frame
    });
    Ok(Response::from_parts(parts, Body::new(body)))
}
