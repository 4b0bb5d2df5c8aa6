//! Uploaded files and their links to messages.

use std::collections::HashMap;

use protocol_api::Attachment;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use crate::error::ApiError;
use crate::store::contacts::Caller;
use crate::store::conversations::is_participant;
use crate::store::page::{placeholders, Listing};

const COLUMNS: &str =
    "t.id, t.conversation_id, t.message_id, t.filename, t.file_type, t.file_size, t.created_at";

/// An attachment with who uploaded it.
#[derive(Clone, Debug)]
pub struct AttachmentRecord {
    /// The attachment as the API shows it.
    pub attachment: Attachment,
    /// The uploader.
    pub contact_id: String,
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where this server serves an attachment's bytes (path-absolute, no auth needed).
pub fn file_url(id: &str, filename: &str) -> String {
    format!("/files/{id}/{}", percent_encode(filename))
}

fn from_row(row: &Row, at: usize) -> rusqlite::Result<Attachment> {
    let id: String = row.get(at)?;
    let filename: String = row.get(at + 3)?;
    Ok(Attachment {
        file_url: file_url(&id, &filename),
        id,
        conversation_id: row.get(at + 1)?,
        message_id: row.get(at + 2)?,
        filename,
        file_type: row.get(at + 4)?,
        file_size: row.get::<_, i64>(at + 5)?.max(0) as u64,
        created_at: row.get(at + 6)?,
    })
}

/// One attachment by id.
pub fn find(conn: &Connection, id: &str) -> Result<Option<AttachmentRecord>, ApiError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, t.contact_id FROM attachments t WHERE t.id = ?1"
    ))?;
    Ok(stmt
        .query_row([id], |row| {
            Ok(AttachmentRecord {
                attachment: from_row(row, 0)?,
                contact_id: row.get(7)?,
            })
        })
        .optional()?)
}

/// True when the caller uploaded it or takes part in its conversation.
pub fn is_visible(
    conn: &Connection,
    caller: &Caller,
    record: &AttachmentRecord,
) -> Result<bool, ApiError> {
    if record.contact_id == caller.id {
        return Ok(true);
    }
    match &record.attachment.conversation_id {
        Some(conversation_id) => is_participant(conn, conversation_id, &caller.id),
        None => Ok(false),
    }
}

/// The attachments the caller may list, of one conversation or of all its own.
pub fn listing(caller: &Caller, conversation_id: Option<&str>) -> Listing {
    match conversation_id {
        Some(conversation_id) => Listing {
            from_where: "FROM attachments t WHERE t.conversation_id = ?1".to_owned(),
            params: vec![conversation_id.to_owned().into()],
        },
        None => Listing {
            from_where: "FROM attachments t WHERE t.contact_id = ?1 OR t.conversation_id IN \
                         (SELECT conversation_id FROM participants WHERE contact_id = ?1)"
                .to_owned(),
            params: vec![caller.id.clone().into()],
        },
    }
}

/// Attachments by `seq`, in the given order.
pub fn by_seqs(conn: &Connection, seqs: &[i64]) -> Result<Vec<Attachment>, ApiError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS}, t.seq FROM attachments t WHERE t.seq IN ({})",
        placeholders(seqs.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut found = stmt
        .query_map(params_from_iter(seqs.iter()), |row| {
            Ok((row.get::<_, i64>(7)?, from_row(row, 0)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    found.sort_by_key(|(seq, _)| seqs.iter().position(|s| s == seq));
    Ok(found
        .into_iter()
        .map(|(_, attachment)| attachment)
        .collect())
}

/// The attachments of each of `message_ids`, in upload order.
pub fn by_message_ids(
    conn: &Connection,
    message_ids: &[String],
) -> Result<HashMap<String, Vec<Attachment>>, ApiError> {
    let mut map: HashMap<String, Vec<Attachment>> = HashMap::new();
    if message_ids.is_empty() {
        return Ok(map);
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments t WHERE t.message_id IN ({}) ORDER BY t.seq",
        placeholders(message_ids.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(message_ids.iter()), |row| from_row(row, 0))?;
    for attachment in rows {
        let attachment = attachment?;
        if let Some(message_id) = attachment.message_id.clone() {
            map.entry(message_id).or_default().push(attachment);
        }
    }
    Ok(map)
}

/// Links the caller's unlinked uploads `ids` to a message; any other id is a 400.
pub fn link(
    conn: &Connection,
    caller: &Caller,
    ids: &[String],
    conversation_id: &str,
    message_id: &str,
) -> Result<(), ApiError> {
    let rejected = || {
        ApiError::param(
            "attachments",
            "attachments must be ids of your own unlinked uploads to this conversation",
        )
    };
    for id in ids {
        let record = find(conn, id)?.ok_or_else(rejected)?;
        let usable = record.contact_id == caller.id
            && record.attachment.message_id.is_none()
            && record
                .attachment
                .conversation_id
                .as_deref()
                .is_none_or(|c| c == conversation_id);
        if !usable {
            return Err(rejected());
        }
        conn.execute(
            "UPDATE attachments SET message_id = ?1, conversation_id = ?2 WHERE id = ?3",
            params![message_id, conversation_id, id],
        )?;
    }
    Ok(())
}

/// Inserts a new upload.
pub fn insert(conn: &Connection, caller: &Caller, attachment: &Attachment) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO attachments (id, contact_id, conversation_id, message_id, filename, \
         file_type, file_size, created_at) VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7)",
        params![
            attachment.id,
            caller.id,
            attachment.conversation_id,
            attachment.filename,
            attachment.file_type,
            attachment.file_size as i64,
            attachment.created_at
        ],
    )?;
    Ok(())
}

/// Deletes attachment rows by id.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM attachments WHERE id IN ({})",
        placeholders(ids.len())
    );
    conn.execute(&sql, params_from_iter(ids.iter()))?;
    Ok(())
}

/// Ids of up to `limit` uploads made before `cutoff` and never linked to a message.
pub fn stale_uploads(conn: &Connection, cutoff: i64, limit: i64) -> Result<Vec<String>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM attachments WHERE message_id IS NULL AND created_at < ?1 LIMIT ?2",
    )?;
    let ids = stmt
        .query_map(params![cutoff, limit], |row| row.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}
