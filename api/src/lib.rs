//! Wire types of the Protocol messages API (`../shared/API.md`), shared by the app and the
//! reference server. Serde only: no I/O, no framework.
//!
//! Decoding is lenient where the published docs' own examples omit fields (they decode to
//! `None` or their default); encoding always writes every field of the contract.

mod reactions;

pub use reactions::{is_valid_reaction_name, ReactionChanges, Reactions, TOO_MANY_REACTION_NAMES};

use serde::{Deserialize, Deserializer, Serialize};

/// Reads a field whose `null` means the same as leaving it out: its default. Other
/// servers write `null` for empty lists and unknown times; a wrong type still fails.
fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Unix time in whole seconds, as every timestamp of the API.
pub type Timestamp = i64;

/// Most Unicode scalar values a message text may hold.
pub const MAX_MESSAGE_CHARS: usize = 10_000;
/// Default page size of every list endpoint.
pub const DEFAULT_PAGE_LIMIT: u32 = 10;
/// Largest page size of every list endpoint.
pub const MAX_PAGE_LIMIT: u32 = 100;
/// Largest upload a file may have, in bytes (25 MiB).
pub const MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;
/// Most attachments one message may have (API.md "Limits").
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 10;
/// Most reaction names one update request may name.
pub const MAX_REACTION_NAMES_PER_REQUEST: usize = 64;
/// Most distinct reaction names one message may carry.
pub const MAX_REACTION_NAMES_PER_MESSAGE: usize = 64;
/// Most reaction names one person may hold on one message.
pub const MAX_REACTIONS_PER_PERSON: usize = 20;
/// Length of every id the reference server makes.
pub const ID_LEN: usize = 16;

/// A contact as embedded in a message (the sender).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The contact's id.
    pub id: String,
    /// Unique user name, also what reactions list.
    pub username: String,
    /// Phone number, if known.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Avatar image URL, if any.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Last time the contact was active.
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    /// When the contact was created (0 when a server leaves it out).
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: Timestamp,
}

/// A full contact, as `/v1/contacts` and `/v1/contacts/me` return it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    /// The contact's id.
    pub id: String,
    /// Unique user name.
    pub username: String,
    /// Name to show instead of the user name, if set.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Phone number, if known.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Avatar image URL, if any.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// The 1:1 conversation with this contact, if there is one.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// Last time the contact was active.
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    /// When the contact was created.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: Timestamp,
}

/// A file uploaded to the API, linked to a message once sent with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The attachment's id.
    pub id: String,
    /// The conversation it was uploaded for, if given.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// The message it belongs to; `None` until linked.
    #[serde(default)]
    pub message_id: Option<String>,
    /// Original file name.
    pub filename: String,
    /// Where the bytes are served.
    pub file_url: String,
    /// MIME type.
    pub file_type: String,
    /// Size in bytes.
    pub file_size: u64,
    /// Upload time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: Timestamp,
}

impl Attachment {
    /// True when the file is an image a browser can show as a thumbnail.
    pub fn is_image(&self) -> bool {
        matches!(
            self.file_type.as_str(),
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/avif"
        )
    }
}

/// A message in a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The message's id.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// The sender.
    pub contact: Contact,
    /// Plain text, 0..=10,000 characters; always rendered as text.
    pub message: String,
    /// Who reacted with what, in order of first use.
    #[serde(default)]
    pub reactions: Reactions,
    /// Files sent with the message.
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<Attachment>,
    /// First time a participant other than the sender read it.
    #[serde(default)]
    pub read_at: Option<Timestamp>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change of any kind.
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Last change of the text (our addition), so the UI can say "edited".
    #[serde(default)]
    pub edited_at: Option<Timestamp>,
}

/// A conversation the caller takes part in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    /// The conversation's id.
    pub id: String,
    /// The other contact of a 1:1 conversation.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// The group of a group conversation.
    #[serde(default)]
    pub group_id: Option<String>,
    /// The pinned message, if any.
    #[serde(default)]
    pub pinned_message_id: Option<String>,
    /// Pinned by the caller.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_pinned: bool,
    /// Muted by the caller.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_muted: bool,
    /// Time of the newest activity.
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    /// Last time the caller opened it.
    #[serde(default)]
    pub last_opened_at: Option<Timestamp>,
    /// Creation time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: Timestamp,
    /// When it was archived, if it was.
    #[serde(default)]
    pub archived_at: Option<Timestamp>,
}

/// A group of contacts with a shared conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's id.
    pub id: String,
    /// The group's name, the conversation's title.
    pub name: String,
    /// Free text about the group.
    #[serde(default)]
    pub description: Option<String>,
    /// Group avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// The group's conversation.
    pub conversation_id: String,
    /// The members.
    #[serde(default, deserialize_with = "null_as_default")]
    pub contacts: Vec<Contact>,
    /// Creation time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_at: Timestamp,
    /// When it was archived, if it was.
    #[serde(default)]
    pub archived_at: Option<Timestamp>,
}

/// One page of a list endpoint, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// More items exist beyond this page in the direction of travel.
    pub has_more: bool,
    /// The items.
    pub data: Vec<T>,
}

/// The answer to `DELETE /v1/messages/:id` (and other deletes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    /// The deleted item's id.
    pub id: String,
    /// Always true.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deleted: bool,
}

/// The kind of failure, as the `type` of the error envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// 400 and 413: malformed body or parameter.
    InvalidRequest,
    /// 401: no token or an unknown one.
    AuthenticationError,
    /// 403: not the caller's to change.
    PermissionError,
    /// 404: unknown, or not visible to the caller.
    NotFoundError,
    /// 409: an idempotency key reused with other parameters.
    IdempotencyError,
    /// 412: `If-Match` does not match.
    ConflictError,
    /// 429: too many requests.
    RateLimitError,
    /// 5xx: the server's fault.
    ApiError,
    /// A type this client does not know (another server's).
    #[serde(other)]
    Unknown,
}

impl ErrorType {
    /// The `type` string as it is on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::AuthenticationError => "authentication_error",
            Self::PermissionError => "permission_error",
            Self::NotFoundError => "not_found_error",
            Self::IdempotencyError => "idempotency_error",
            Self::ConflictError => "conflict_error",
            Self::RateLimitError => "rate_limit_error",
            Self::ApiError => "api_error",
            Self::Unknown => "unknown",
        }
    }
}

/// The JSON body of every failed request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What kind of failure.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// A human sentence; never internals.
    pub message: String,
    /// The one parameter to blame, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Where the error type is documented.
    #[serde(default, deserialize_with = "null_as_default")]
    pub documentation_url: String,
}

impl ErrorBody {
    /// An error body with the documentation URL of its type.
    pub fn new(kind: ErrorType, message: impl Into<String>, param: Option<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            param,
            documentation_url: format!("https://protocol.chat/docs/errors/{}", kind.as_str()),
        }
    }
}

/// Body of `POST /v1/messages`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    /// Where to send it.
    pub conversation_id: String,
    /// The text; may be empty when attachments are given.
    #[serde(default)]
    pub message: String,
    /// Ids of the caller's unlinked uploads to send with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
}

/// Body of `PUT /v1/messages/:id`: each attribute on its own, all optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateMessage {
    /// New text (sender only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Reaction names mapped to usernames; only the caller's own entry counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions: Option<ReactionChanges>,
    /// Ids of the caller's unlinked uploads to add (sender only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<String>>,
    /// Mark read; the server uses its own clock and keeps the earliest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<Timestamp>,
}

/// The kind of a live event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventType {
    /// A message was sent.
    #[serde(rename = "message.created")]
    MessageCreated,
    /// A message changed (text, reactions, attachments, read).
    #[serde(rename = "message.updated")]
    MessageUpdated,
    /// A message was deleted.
    #[serde(rename = "message.deleted")]
    MessageDeleted,
}

/// One live event, the `data:` of `/v1/events` and the webhook envelope.
///
/// The payload is the message as it is after the event (for `message.deleted`, as it was
/// when it was deleted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The event's id, also its SSE `id:` for `Last-Event-ID`.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The message concerned.
    pub payload: Message,
}

#[cfg(test)]
mod tests;
