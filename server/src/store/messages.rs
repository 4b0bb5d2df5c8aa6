//! Messages: batched loading of pages, and the writes of send, update and delete.

use std::collections::{HashMap, HashSet};

use protocol_api::{
    is_valid_reaction_name, EventType, Message, ReactionChanges, Reactions, SendMessage,
    UpdateMessage, MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_CHARS, MAX_REACTIONS_PER_PERSON,
    MAX_REACTION_NAMES_PER_MESSAGE, MAX_REACTION_NAMES_PER_REQUEST, TOO_MANY_REACTION_NAMES,
};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use crate::db::Tx;
use crate::error::ApiError;
use crate::ids::{new_id, now};
use crate::store::contacts::Caller;
use crate::store::contacts::{contact_from_row, CONTACT_COLUMNS};
use crate::store::conversations::{is_participant, require_participant};
use crate::store::page::{placeholders, Listing};
use crate::store::{attachments, events};

/// A message with its storage key and revision.
#[derive(Clone, Debug)]
pub struct MessageRecord {
    /// Insertion order.
    pub seq: i64,
    /// Bumped on every change; the `ETag`.
    pub revision: i64,
    /// The message as the API shows it.
    pub message: Message,
}

impl MessageRecord {
    /// The quoted `ETag` of this revision.
    pub fn etag(&self) -> String {
        format!("\"r{}\"", self.revision)
    }
}

/// The messages the caller may list: one conversation's, or those of all its conversations.
pub fn listing(caller: &Caller, conversation_id: Option<&str>) -> Listing {
    match conversation_id {
        Some(conversation_id) => Listing {
            from_where: "FROM messages t WHERE t.conversation_id = ?1".to_owned(),
            params: vec![conversation_id.to_owned().into()],
        },
        None => Listing {
            from_where: "FROM messages t WHERE t.conversation_id IN \
                         (SELECT conversation_id FROM participants WHERE contact_id = ?1)"
                .to_owned(),
            params: vec![caller.id.clone().into()],
        },
    }
}

/// Messages by `seq`, in the given order, with senders, reactions and attachments loaded
/// in one query each.
pub fn by_seqs(conn: &Connection, seqs: &[i64]) -> Result<Vec<MessageRecord>, ApiError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let marks = placeholders(seqs.len());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.seq, t.revision, t.id, t.conversation_id, t.message, t.read_at, \
         t.created_at, t.updated_at, t.edited_at, {CONTACT_COLUMNS} \
         FROM messages t JOIN contacts c ON c.id = t.contact_id WHERE t.seq IN ({marks})"
    ))?;
    let mut records = stmt
        .query_map(params_from_iter(seqs.iter()), |row| {
            Ok(MessageRecord {
                seq: row.get(0)?,
                revision: row.get(1)?,
                message: Message {
                    id: row.get(2)?,
                    conversation_id: row.get(3)?,
                    message: row.get(4)?,
                    read_at: row.get(5)?,
                    created_at: row.get(6)?,
                    updated_at: row.get(7)?,
                    edited_at: row.get(8)?,
                    contact: contact_from_row(row, 9)?,
                    reactions: Reactions::default(),
                    attachments: Vec::new(),
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    // Per message: (name, usernames) in order of first use, and where each name is.
    type Grouped = (Vec<(String, Vec<String>)>, HashMap<String, usize>);
    let mut reactions: HashMap<i64, Grouped> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.message_seq, r.name, c.username FROM reactions r \
         JOIN contacts c ON c.id = r.contact_id WHERE r.message_seq IN ({marks}) ORDER BY r.seq"
    ))?;
    let rows = stmt.query_map(params_from_iter(seqs.iter()), |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (seq, name, username) = row?;
        let (pairs, index) = reactions.entry(seq).or_default();
        match index.get(&name) {
            Some(&at) => pairs[at].1.push(username),
            None => {
                index.insert(name.clone(), pairs.len());
                pairs.push((name, vec![username]));
            }
        }
    }

    let ids: Vec<String> = records.iter().map(|r| r.message.id.clone()).collect();
    let mut files = attachments::by_message_ids(conn, &ids)?;
    for record in &mut records {
        record.message.reactions = reactions
            .remove(&record.seq)
            .map(|(pairs, _)| Reactions::from_pairs(pairs))
            .unwrap_or_default();
        record.message.attachments = files.remove(&record.message.id).unwrap_or_default();
    }
    records.sort_by_key(|record| seqs.iter().position(|&seq| seq == record.seq));
    Ok(records)
}

/// One message by id, whoever may see it.
pub fn find(conn: &Connection, id: &str) -> Result<Option<MessageRecord>, ApiError> {
    let mut stmt = conn.prepare_cached("SELECT seq FROM messages WHERE id = ?1")?;
    let seq: Option<i64> = stmt.query_row([id], |row| row.get(0)).optional()?;
    match seq {
        Some(seq) => Ok(by_seqs(conn, &[seq])?.pop()),
        None => Ok(None),
    }
}

/// One message by id if the caller takes part in its conversation; else 404.
pub fn find_visible(
    conn: &Connection,
    caller: &Caller,
    id: &str,
) -> Result<MessageRecord, ApiError> {
    match find(conn, id)? {
        Some(record) if is_participant(conn, &record.message.conversation_id, &caller.id)? => {
            Ok(record)
        }
        _ => Err(ApiError::NotFound("no such message")),
    }
}

/// Checks a text: at most 10,000 scalar values, and not blank unless files come with it.
pub fn validate_text(text: &str, has_attachments: bool) -> Result<(), ApiError> {
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::param(
            "message",
            format!("message must be at most {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    if text.trim().is_empty() && !has_attachments {
        return Err(ApiError::param("message", "message must not be empty"));
    }
    Ok(())
}

fn attachments_over_limit() -> ApiError {
    ApiError::param(
        "attachments",
        format!("a message may have at most {MAX_ATTACHMENTS_PER_MESSAGE} attachments"),
    )
}

/// Checks a list of attachment ids before any work: at most 10.
pub fn check_attachment_count(ids: &[String]) -> Result<(), ApiError> {
    if ids.len() > MAX_ATTACHMENTS_PER_MESSAGE {
        return Err(attachments_over_limit());
    }
    Ok(())
}

/// Checks a reaction change before any work: at most 64 names, each well formed.
pub fn check_reaction_request(changes: &ReactionChanges) -> Result<(), ApiError> {
    if changes.0.len() > MAX_REACTION_NAMES_PER_REQUEST {
        return Err(ApiError::param("reactions", TOO_MANY_REACTION_NAMES));
    }
    if !changes
        .0
        .iter()
        .all(|(name, _)| is_valid_reaction_name(name))
    {
        return Err(ApiError::param(
            "reactions",
            "reaction names must match [a-z0-9_+-]{1,64}",
        ));
    }
    Ok(())
}

/// Checks what a reaction change would leave on a message: at most 64 distinct names, at
/// most 20 of them `username`'s. A message already over a limit may still lose reactions.
fn check_reaction_totals(
    current: &Reactions,
    username: &str,
    changes: &ReactionChanges,
) -> Result<(), ApiError> {
    // name -> (how many hold it, whether the caller does)
    let mut holders: HashMap<&str, (usize, bool)> = current
        .iter()
        .map(|(name, users)| (name, (users.len(), users.iter().any(|u| u == username))))
        .collect();
    let count = |holders: &HashMap<&str, (usize, bool)>| {
        let names = holders.values().filter(|(n, _)| *n > 0).count();
        let mine = holders.values().filter(|(_, mine)| *mine).count();
        (names, mine)
    };
    let (names_before, mine_before) = count(&holders);
    for (name, users) in &changes.0 {
        let wants = users.iter().any(|u| u == username);
        let (holding, mine) = holders.entry(name.as_str()).or_insert((0, false));
        if wants != *mine {
            *holding = if wants { *holding + 1 } else { *holding - 1 };
            *mine = wants;
        }
    }
    let (names, mine) = count(&holders);
    if mine > MAX_REACTIONS_PER_PERSON && mine > mine_before {
        return Err(ApiError::param(
            "reactions",
            format!(
                "one person may hold at most {MAX_REACTIONS_PER_PERSON} reactions on a message"
            ),
        ));
    }
    if names > MAX_REACTION_NAMES_PER_MESSAGE && names > names_before {
        return Err(ApiError::param(
            "reactions",
            format!(
                "a message may carry at most {MAX_REACTION_NAMES_PER_MESSAGE} distinct reactions"
            ),
        ));
    }
    Ok(())
}

/// The ids once each, in their first order.
fn dedup(ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter()
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect()
}

/// Sends a message (already validated) and records `message.created`.
pub fn send(tx: &Tx, caller: &Caller, request: &SendMessage) -> Result<MessageRecord, ApiError> {
    require_participant(tx, &request.conversation_id, caller)?;
    let id = new_id();
    let at = now();
    tx.execute(
        "INSERT INTO messages (id, conversation_id, contact_id, message, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, request.conversation_id, caller.id, request.message, at],
    )?;
    let seq = tx.last_insert_rowid();
    attachments::link(
        tx,
        caller,
        &dedup(&request.attachments),
        &request.conversation_id,
        &id,
    )?;
    tx.execute(
        "UPDATE conversations SET last_active_at = ?1 WHERE id = ?2",
        params![at, request.conversation_id],
    )?;
    tx.execute(
        "UPDATE contacts SET last_active_at = ?1 WHERE id = ?2",
        params![at, caller.id],
    )?;
    let record = by_seqs(tx, &[seq])?
        .pop()
        .ok_or_else(|| ApiError::Internal("sent message vanished".to_owned()))?;
    events::record(tx, EventType::MessageCreated, &record.message)?;
    Ok(record)
}

fn check_if_match(if_match: Option<&str>, record: &MessageRecord) -> Result<(), ApiError> {
    let Some(header) = if_match else {
        return Ok(());
    };
    let current = record.etag();
    let matches = header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == current);
    if matches {
        Ok(())
    } else {
        Err(ApiError::Conflict)
    }
}

/// Bumps a message's revision and `updated_at`, and records `message.updated`.
pub fn touch(tx: &Tx, seq: i64) -> Result<MessageRecord, ApiError> {
    tx.execute(
        "UPDATE messages SET revision = revision + 1, updated_at = ?1 WHERE seq = ?2",
        params![now(), seq],
    )?;
    let record = by_seqs(tx, &[seq])?
        .pop()
        .ok_or_else(|| ApiError::Internal("updated message vanished".to_owned()))?;
    events::record(tx, EventType::MessageUpdated, &record.message)?;
    Ok(record)
}

/// Applies an update, each attribute on its own (API.md "Update"); unchanged when nothing
/// changes.
pub fn update(
    tx: &Tx,
    caller: &Caller,
    id: &str,
    change: &UpdateMessage,
    if_match: Option<&str>,
) -> Result<MessageRecord, ApiError> {
    let current = find_visible(tx, caller, id)?;
    check_if_match(if_match, &current)?;
    let is_sender = current.message.contact.id == caller.id;
    if (change.message.is_some() || change.attachments.is_some()) && !is_sender {
        return Err(ApiError::Forbidden("only the sender can edit a message"));
    }
    if change.read_at.is_some() && is_sender {
        return Err(ApiError::Forbidden(
            "the sender cannot mark its own message read",
        ));
    }
    if let Some(reactions) = &change.reactions {
        check_reaction_request(reactions)?;
        check_reaction_totals(&current.message.reactions, &caller.username, reactions)?;
    }
    let new_files = dedup(change.attachments.as_deref().unwrap_or_default());
    if current.message.attachments.len() + new_files.len() > MAX_ATTACHMENTS_PER_MESSAGE {
        return Err(attachments_over_limit());
    }
    let mut changed = false;
    if let Some(text) = &change.message {
        let has_files = !current.message.attachments.is_empty() || !new_files.is_empty();
        validate_text(text, has_files)?;
        if *text != current.message.message {
            tx.execute(
                "UPDATE messages SET message = ?1, edited_at = ?2 WHERE seq = ?3",
                params![text, now(), current.seq],
            )?;
            changed = true;
        }
    }
    if !new_files.is_empty() {
        attachments::link(tx, caller, &new_files, &current.message.conversation_id, id)?;
        changed = true;
    }
    for (name, usernames) in change.reactions.iter().flat_map(|r| r.0.iter()) {
        let rows = if usernames.contains(&caller.username) {
            tx.execute(
                "INSERT OR IGNORE INTO reactions (message_seq, name, contact_id) \
                 VALUES (?1, ?2, ?3)",
                params![current.seq, name, caller.id],
            )?
        } else {
            tx.execute(
                "DELETE FROM reactions WHERE message_seq = ?1 AND name = ?2 AND contact_id = ?3",
                params![current.seq, name, caller.id],
            )?
        };
        changed |= rows > 0;
    }
    if change.read_at.is_some() && current.message.read_at.is_none() {
        tx.execute(
            "UPDATE messages SET read_at = ?1 WHERE seq = ?2",
            params![now(), current.seq],
        )?;
        changed = true;
    }
    if changed {
        touch(tx, current.seq)
    } else {
        Ok(current)
    }
}

/// Deletes the caller's own message with its reactions and attachments, records
/// `message.deleted`, and returns the message as it was.
pub fn delete(
    tx: &Tx,
    caller: &Caller,
    id: &str,
    if_match: Option<&str>,
) -> Result<Message, ApiError> {
    let current = find_visible(tx, caller, id)?;
    check_if_match(if_match, &current)?;
    if current.message.contact.id != caller.id {
        return Err(ApiError::Forbidden("only the sender can delete a message"));
    }
    let files: Vec<String> = current
        .message
        .attachments
        .iter()
        .map(|a| a.id.clone())
        .collect();
    attachments::delete(tx, &files)?;
    tx.execute(
        "DELETE FROM reactions WHERE message_seq = ?1",
        [current.seq],
    )?;
    tx.execute("DELETE FROM messages WHERE seq = ?1", [current.seq])?;
    events::record(tx, EventType::MessageDeleted, &current.message)?;
    Ok(current.message)
}
