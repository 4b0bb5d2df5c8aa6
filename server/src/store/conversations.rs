//! Conversations, their participants and groups.

use protocol_api::{Conversation, Group};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use crate::error::ApiError;
use crate::store::contacts::Caller;
use crate::store::contacts::{contact_from_row, CONTACT_COLUMNS};
use crate::store::page::{placeholders, Listing};

/// True when `contact_id` takes part in `conversation_id`.
pub fn is_participant(
    conn: &Connection,
    conversation_id: &str,
    contact_id: &str,
) -> Result<bool, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM participants WHERE conversation_id = ?1 AND contact_id = ?2",
    )?;
    Ok(stmt.exists(params![conversation_id, contact_id])?)
}

/// Fails with 404 unless the caller takes part in the conversation.
pub fn require_participant(
    conn: &Connection,
    conversation_id: &str,
    caller: &Caller,
) -> Result<(), ApiError> {
    if is_participant(conn, conversation_id, &caller.id)? {
        Ok(())
    } else {
        Err(ApiError::NotFound("no such conversation"))
    }
}

/// The ids of every conversation the caller takes part in.
pub fn ids_of(conn: &Connection, caller: &Caller) -> Result<Vec<String>, ApiError> {
    let mut stmt =
        conn.prepare_cached("SELECT conversation_id FROM participants WHERE contact_id = ?1")?;
    let ids = stmt
        .query_map([&caller.id], |row| row.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ids)
}

/// Filters of the conversation list.
#[derive(Debug, Default)]
pub struct Filters {
    /// Only archived (true) or only not archived (false) ones.
    pub archived: Option<bool>,
    /// Only muted or only not muted ones.
    pub muted: Option<bool>,
    /// Only pinned or only not pinned ones.
    pub pinned: Option<bool>,
    /// Only the conversation of this group.
    pub group_id: Option<String>,
}

/// The caller's conversations matching `filters`.
pub fn listing(caller: &Caller, filters: &Filters) -> Listing {
    let mut from_where = "FROM conversations t JOIN participants p \
                          ON p.conversation_id = t.id AND p.contact_id = ?1 WHERE 1 = 1"
        .to_owned();
    let mut params: Vec<Value> = vec![caller.id.clone().into()];
    if let Some(archived) = filters.archived {
        from_where.push_str(if archived {
            " AND p.archived_at IS NOT NULL"
        } else {
            " AND p.archived_at IS NULL"
        });
    }
    if let Some(muted) = filters.muted {
        from_where.push_str(&format!(" AND p.is_muted = {}", i64::from(muted)));
    }
    if let Some(pinned) = filters.pinned {
        from_where.push_str(&format!(" AND p.is_pinned = {}", i64::from(pinned)));
    }
    if let Some(group_id) = &filters.group_id {
        params.push(group_id.clone().into());
        from_where.push_str(&format!(" AND t.group_id = ?{}", params.len()));
    }
    Listing { from_where, params }
}

/// The caller's view of conversations by `seq`, in the given order.
pub fn by_seqs(
    conn: &Connection,
    caller: &Caller,
    seqs: &[i64],
) -> Result<Vec<Conversation>, ApiError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT t.seq, t.id, \
         (SELECT o.contact_id FROM participants o WHERE o.conversation_id = t.id \
          AND o.contact_id != p.contact_id AND t.group_id IS NULL LIMIT 1), \
         t.group_id, t.pinned_message_id, p.is_pinned, p.is_muted, t.last_active_at, \
         p.last_opened_at, t.created_at, p.archived_at \
         FROM conversations t JOIN participants p \
         ON p.conversation_id = t.id AND p.contact_id = ? WHERE t.seq IN ({})",
        placeholders(seqs.len())
    );
    let mut params: Vec<Value> = vec![caller.id.clone().into()];
    params.extend(seqs.iter().map(|&seq| Value::Integer(seq)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut found = stmt
        .query_map(params_from_iter(params), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                Conversation {
                    id: row.get(1)?,
                    contact_id: row.get(2)?,
                    group_id: row.get(3)?,
                    pinned_message_id: row.get(4)?,
                    is_pinned: row.get(5)?,
                    is_muted: row.get(6)?,
                    last_active_at: row.get(7)?,
                    last_opened_at: row.get(8)?,
                    created_at: row.get(9)?,
                    archived_at: row.get(10)?,
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    found.sort_by_key(|(seq, _)| seqs.iter().position(|s| s == seq));
    Ok(found
        .into_iter()
        .map(|(_, conversation)| conversation)
        .collect())
}

/// The `seq` of a conversation the caller takes part in.
pub fn seq_of(conn: &Connection, caller: &Caller, id: &str) -> Result<Option<i64>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.seq FROM conversations t JOIN participants p \
         ON p.conversation_id = t.id AND p.contact_id = ?2 WHERE t.id = ?1",
    )?;
    Ok(stmt
        .query_row(params![id, caller.id], |row| row.get(0))
        .optional()?)
}

/// A group the caller belongs to, with its members.
pub fn group(conn: &Connection, caller: &Caller, id: &str) -> Result<Option<Group>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.name, g.description, g.avatar_url, g.conversation_id, g.created_at, \
         g.archived_at FROM groups g JOIN participants p \
         ON p.conversation_id = g.conversation_id AND p.contact_id = ?2 WHERE g.id = ?1",
    )?;
    let group = stmt
        .query_row(params![id, caller.id], |row| {
            Ok(Group {
                id: row.get(0)?,
                name: row.get(1)?,
                description: row.get(2)?,
                avatar_url: row.get(3)?,
                conversation_id: row.get(4)?,
                contacts: Vec::new(),
                created_at: row.get(5)?,
                archived_at: row.get(6)?,
            })
        })
        .optional()?;
    let Some(mut group) = group else {
        return Ok(None);
    };
    let mut members = conn.prepare_cached(&format!(
        "SELECT {CONTACT_COLUMNS} FROM participants p JOIN contacts c ON c.id = p.contact_id \
         WHERE p.conversation_id = ?1 ORDER BY c.seq"
    ))?;
    group.contacts = members
        .query_map([&group.conversation_id], |row| contact_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(group))
}

/// Creates conversation `id` between `members`, optionally the conversation of a group.
pub fn create(
    conn: &Connection,
    id: &str,
    group_id: Option<&str>,
    members: &[&str],
    created_at: i64,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO conversations (id, group_id, last_active_at, created_at) \
         VALUES (?1, ?2, ?3, ?3)",
        params![id, group_id, created_at],
    )?;
    for member in members {
        conn.execute(
            "INSERT INTO participants (conversation_id, contact_id) VALUES (?1, ?2)",
            params![id, member],
        )?;
    }
    Ok(())
}
