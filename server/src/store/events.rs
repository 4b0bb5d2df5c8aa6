//! The `events` table: every message change, written in the transaction of the change.

use protocol_api::{Event, EventType, Message};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

use crate::db::{StoredEvent, Tx};
use crate::error::ApiError;
use crate::ids::now;
use crate::store::contacts::Caller;

/// Writes an event about `message` and queues it for broadcast after commit.
pub fn record(tx: &Tx, kind: EventType, message: &Message) -> Result<(), ApiError> {
    let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM events", [], |row| {
        row.get(0)
    })?;
    let json = serde_json::to_string(&Event {
        id: id.to_string(),
        kind,
        payload: message.clone(),
    })?;
    tx.execute(
        "INSERT INTO events (id, conversation_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, message.conversation_id, json, now()],
    )?;
    tx.publish(StoredEvent {
        id,
        conversation_id: message.conversation_id.clone(),
        json,
    });
    Ok(())
}

/// Up to `limit` events after `last_id` of the caller's conversations (or of one).
pub fn after(
    conn: &Connection,
    caller: &Caller,
    last_id: i64,
    conversation_id: Option<&str>,
    limit: i64,
) -> Result<Vec<StoredEvent>, ApiError> {
    let mut sql = "SELECT e.id, e.conversation_id, e.payload FROM events e \
                   WHERE e.id > ?1 AND e.conversation_id IN \
                   (SELECT conversation_id FROM participants WHERE contact_id = ?2)"
        .to_owned();
    let mut values: Vec<Value> = vec![last_id.into(), caller.id.clone().into(), limit.into()];
    if let Some(conversation_id) = conversation_id {
        sql.push_str(" AND e.conversation_id = ?4");
        values.push(conversation_id.to_owned().into());
    }
    sql.push_str(" ORDER BY e.id LIMIT ?3");
    let mut stmt = conn.prepare_cached(&sql)?;
    let events = stmt
        .query_map(params_from_iter(values), |row| {
            Ok(StoredEvent {
                id: row.get(0)?,
                conversation_id: row.get(1)?,
                json: row.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(events)
}

/// The id of the newest event, 0 when there is none.
pub fn max_id(conn: &Connection) -> Result<i64, ApiError> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |row| {
            row.get(0)
        })?,
    )
}

/// Deletes up to `limit` events written before `cutoff`, never the newest one (ids go on
/// from it); how many.
pub fn expire(conn: &Connection, cutoff: i64, limit: i64) -> Result<usize, ApiError> {
    Ok(conn.execute(
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ?1 \
         AND id < (SELECT MAX(id) FROM events) ORDER BY id LIMIT ?2)",
        params![cutoff, limit],
    )?)
}
