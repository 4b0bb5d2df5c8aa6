//! `/v1/attachments`: multipart upload (25 MiB), retrieve, list, delete.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use protocol_api::{Attachment, Deleted, Page, MAX_UPLOAD_BYTES};
use tokio::io::AsyncWriteExt;

use crate::auth::Caller;
use crate::body::{IdPath, Query};
use crate::error::ApiError;
use crate::files;
use crate::ids::{new_id, now};
use crate::state::AppState;
use crate::store::attachments::{self, file_url};
use crate::store::conversations::require_participant;
use crate::store::messages;
use crate::store::page::{page_seqs, PageQuery};

/// Room for the multipart framing around a file of the largest size.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// The attachment routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/attachments",
            get(list).post(upload).layer(DefaultBodyLimit::max(
                MAX_UPLOAD_BYTES as usize + MULTIPART_OVERHEAD,
            )),
        )
        .route("/attachments/{id}", get(retrieve).delete(remove))
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("uploads are limited to 25 MiB")
    } else {
        ApiError::invalid("the multipart body could not be read")
    }
}

/// The parts of an upload form that matter.
#[derive(Default)]
struct Upload {
    file: Option<(String, String, u64)>,
    conversation_id: Option<String>,
}

async fn receive(multipart: &mut Multipart, part: &std::path::Path) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") if upload.file.is_none() => {
                let filename = files::clean_filename(field.file_name().unwrap_or("file"));
                let file_type = files::clean_content_type(field.content_type(), &filename);
                let mut out = tokio::fs::File::create(part).await?;
                let mut size: u64 = 0;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    size += chunk.len() as u64;
                    if size > MAX_UPLOAD_BYTES {
                        return Err(ApiError::TooLarge("uploads are limited to 25 MiB"));
                    }
                    out.write_all(&chunk).await?;
                }
                out.flush().await?;
                upload.file = Some((filename, file_type, size));
            }
            Some("conversation_id") => {
                let text = field.text().await.map_err(multipart_error)?;
                let text = text.trim();
                if !text.is_empty() {
                    upload.conversation_id = Some(text.to_owned());
                }
            }
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    Ok(upload)
}

async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let mut multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|_| ApiError::invalid("the body must be multipart/form-data"))?;
    let id = new_id();
    let part = state.files.part_path(&id);
    let stored = state.files.path(&id);
    let result = async {
        let upload = receive(&mut multipart, &part).await?;
        let (filename, file_type, file_size) = upload
            .file
            .ok_or_else(|| ApiError::param("file", "a file field is required"))?;
        tokio::fs::rename(&part, &stored).await?;
        let attachment = Attachment {
            file_url: file_url(&id, &filename),
            id: id.clone(),
            conversation_id: upload.conversation_id,
            message_id: None,
            filename,
            file_type,
            file_size,
            created_at: now(),
        };
        let row = attachment.clone();
        state
            .db
            .write(move |tx| {
                if let Some(conversation_id) = &row.conversation_id {
                    require_participant(tx, conversation_id, &caller)?;
                }
                attachments::insert(tx, &caller, &row)
            })
            .await?;
        Ok(attachment)
    }
    .await;
    match result {
        Ok(attachment) => Ok((StatusCode::CREATED, Json(attachment))),
        Err(error) => {
            for leftover in [&part, &stored] {
                if tokio::fs::remove_file(leftover).await.is_err() {
                    tracing::debug!(path = %leftover.display(), "nothing to clean up");
                }
            }
            Err(error)
        }
    }
}

async fn retrieve(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Attachment>, ApiError> {
    let attachment = state
        .db
        .read(move |conn| match attachments::find(conn, &id)? {
            Some(record) if attachments::is_visible(conn, &caller, &record)? => {
                Ok(record.attachment)
            }
            _ => Err(ApiError::NotFound("no such attachment")),
        })
        .await?;
    Ok(Json(attachment))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Query,
) -> Result<Json<Page<Attachment>>, ApiError> {
    let page = PageQuery::from_query(&query)?;
    let conversation_id = query.get("conversation_id").map(str::to_owned);
    let page = state
        .db
        .read(move |conn| {
            if let Some(id) = &conversation_id {
                require_participant(conn, id, &caller)?;
            }
            let listing = attachments::listing(&caller, conversation_id.as_deref());
            let (seqs, has_more) = page_seqs(conn, &listing, &page)?;
            Ok(Page {
                has_more,
                data: attachments::by_seqs(conn, &seqs)?,
            })
        })
        .await?;
    Ok(Json(page))
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Deleted>, ApiError> {
    let target = id.clone();
    state
        .db
        .write(move |tx| {
            let record = match attachments::find(tx, &target)? {
                Some(record) if attachments::is_visible(tx, &caller, &record)? => record,
                _ => return Err(ApiError::NotFound("no such attachment")),
            };
            if record.contact_id != caller.id {
                return Err(ApiError::Forbidden(
                    "only the uploader can delete an attachment",
                ));
            }
            attachments::delete(tx, std::slice::from_ref(&target))?;
            if let Some(message_id) = &record.attachment.message_id {
                if let Some(message) = messages::find(tx, message_id)? {
                    messages::touch(tx, message.seq)?;
                }
            }
            Ok(())
        })
        .await?;
    state.files.remove(&id).await;
    Ok(Json(Deleted { id, deleted: true }))
}
