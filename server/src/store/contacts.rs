//! Contacts and their tokens.

use protocol_api::{Contact, ContactDetails};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use crate::error::ApiError;
use crate::store::page::{placeholders, Listing};

/// The contact making a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The contact's id.
    pub id: String,
    /// The contact's username, as reactions list it.
    pub username: String,
}

/// Contact columns of an embedded contact, table aliased `c`.
pub const CONTACT_COLUMNS: &str =
    "c.id, c.username, c.phone_number, c.avatar_url, c.last_active_at, c.created_at";

/// Reads the [`CONTACT_COLUMNS`] starting at column `at`.
pub fn contact_from_row(row: &Row, at: usize) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: row.get(at)?,
        username: row.get(at + 1)?,
        phone_number: row.get(at + 2)?,
        avatar_url: row.get(at + 3)?,
        last_active_at: row.get(at + 4)?,
        created_at: row.get(at + 5)?,
    })
}

/// The contact a token belongs to.
pub fn caller_by_token(conn: &Connection, token: &str) -> Result<Option<Caller>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.username FROM tokens k JOIN contacts c ON c.id = k.contact_id \
         WHERE k.token = ?1",
    )?;
    Ok(stmt
        .query_row([token], |row| {
            Ok(Caller {
                id: row.get(0)?,
                username: row.get(1)?,
            })
        })
        .optional()?)
}

/// Contacts the caller shares a conversation with (not the caller).
pub fn listing(caller: &Caller) -> Listing {
    Listing {
        from_where: "FROM contacts t WHERE t.id != ?1 AND t.id IN (SELECT p2.contact_id \
                     FROM participants p1 JOIN participants p2 \
                     ON p2.conversation_id = p1.conversation_id WHERE p1.contact_id = ?1)"
            .to_owned(),
        params: vec![caller.id.clone().into()],
    }
}

/// True when the caller may see `contact_id`: itself or someone it talks with.
pub fn is_visible(conn: &Connection, caller: &Caller, contact_id: &str) -> Result<bool, ApiError> {
    if caller.id == contact_id {
        return Ok(true);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM participants p1 JOIN participants p2 \
         ON p2.conversation_id = p1.conversation_id \
         WHERE p1.contact_id = ?1 AND p2.contact_id = ?2 LIMIT 1",
    )?;
    Ok(stmt.exists(params![caller.id, contact_id])?)
}

/// Full contacts by `seq`, in the given order, with the caller's 1:1 conversation.
pub fn details_by_seqs(
    conn: &Connection,
    caller: &Caller,
    seqs: &[i64],
) -> Result<Vec<ContactDetails>, ApiError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT c.seq, c.id, c.username, c.display_name, c.phone_number, c.avatar_url, \
         c.last_active_at, c.created_at, \
         (SELECT p1.conversation_id FROM participants p1 \
          JOIN participants p2 ON p2.conversation_id = p1.conversation_id \
          JOIN conversations v ON v.id = p1.conversation_id \
          WHERE p1.contact_id = ? AND p2.contact_id = c.id AND c.id != p1.contact_id \
          AND v.group_id IS NULL LIMIT 1) \
         FROM contacts c WHERE c.seq IN ({})",
        placeholders(seqs.len())
    );
    let mut params: Vec<rusqlite::types::Value> = vec![caller.id.clone().into()];
    params.extend(seqs.iter().map(|&seq| seq.into()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut found = stmt
        .query_map(params_from_iter(params), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                ContactDetails {
                    id: row.get(1)?,
                    username: row.get(2)?,
                    display_name: row.get(3)?,
                    phone_number: row.get(4)?,
                    avatar_url: row.get(5)?,
                    last_active_at: row.get(6)?,
                    created_at: row.get(7)?,
                    conversation_id: row.get(8)?,
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    found.sort_by_key(|(seq, _)| seqs.iter().position(|s| s == seq));
    Ok(found.into_iter().map(|(_, contact)| contact).collect())
}

/// The `seq` of a contact by id.
pub fn seq_of(conn: &Connection, id: &str) -> Result<Option<i64>, ApiError> {
    let mut stmt = conn.prepare_cached("SELECT seq FROM contacts WHERE id = ?1")?;
    Ok(stmt.query_row([id], |row| row.get(0)).optional()?)
}
