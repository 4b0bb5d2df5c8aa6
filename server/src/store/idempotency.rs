//! Stored first answers of idempotent POSTs, per caller and key, kept 24 hours.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::ApiError;
use crate::ids::now;
use crate::store::contacts::Caller;

/// How long a key is remembered, in seconds.
pub const KEEP_SECONDS: i64 = 24 * 60 * 60;

/// The first answer to a request, replayed to its retries.
#[derive(Clone, Debug)]
pub struct Replay {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
    /// `ETag` header, if the answer had one.
    pub etag: Option<String>,
}

/// The stored answer for `key`, if the same request was made; 409 if another was.
pub fn lookup(
    conn: &Connection,
    caller: &Caller,
    key: &str,
    request: &str,
) -> Result<Option<Replay>, ApiError> {
    conn.execute(
        "DELETE FROM idempotency WHERE contact_id = ?1 AND key = ?2 AND created_at < ?3",
        params![caller.id, key, now() - KEEP_SECONDS],
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT request, status, body, etag FROM idempotency WHERE contact_id = ?1 AND key = ?2",
    )?;
    let found = stmt
        .query_row(params![caller.id, key], |row| {
            Ok((
                row.get::<_, String>(0)?,
                Replay {
                    status: row.get(1)?,
                    body: row.get(2)?,
                    etag: row.get(3)?,
                },
            ))
        })
        .optional()?;
    match found {
        Some((stored, replay)) if stored == request => Ok(Some(replay)),
        Some(_) => Err(ApiError::Idempotency),
        None => Ok(None),
    }
}

/// Remembers the answer to the first request with `key`.
pub fn save(
    conn: &Connection,
    caller: &Caller,
    key: &str,
    request: &str,
    replay: &Replay,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO idempotency (contact_id, key, request, status, body, etag, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            caller.id,
            key,
            request,
            replay.status,
            replay.body,
            replay.etag,
            now()
        ],
    )?;
    Ok(())
}

/// Checks an `Idempotency-Key`: 1..=255 printable ASCII characters.
pub fn validate_key(key: &[u8]) -> Result<String, ApiError> {
    let valid = (1..=255).contains(&key.len()) && key.iter().all(|b| (0x20..=0x7e).contains(b));
    if !valid {
        return Err(ApiError::param(
            "Idempotency-Key",
            "Idempotency-Key must be 1 to 255 printable ASCII characters",
        ));
    }
    Ok(String::from_utf8_lossy(key).into_owned())
}

/// Forgets up to `limit` keys stored before `cutoff`; how many.
pub fn expire(conn: &Connection, cutoff: i64, limit: i64) -> Result<usize, ApiError> {
    Ok(conn.execute(
        "DELETE FROM idempotency WHERE (contact_id, key) IN \
         (SELECT contact_id, key FROM idempotency WHERE created_at < ?1 LIMIT ?2)",
        params![cutoff, limit],
    )?)
}
