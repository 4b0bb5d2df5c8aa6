//! The message timeline of one conversation as plain data: server messages in order, my
//! pending sends, in-flight edits, deletes and reactions, and the paging cursors.
//!
//! No Leptos and no I/O: every transition is a method, unit-tested in `timeline/tests.rs`.
//! Rows keep one identity (their key) from composing to confirmed: the client id for my
//! sends (also their `Idempotency-Key`), the server id otherwise.

use protocol_api::{Attachment, Contact, Event, EventType, Message, Page, Timestamp};
use rustc_hash::{FxHashMap, FxHashSet};

/// Where a row stands with the server, as UI.md's `data-status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Posted, no answer yet.
    Sending,
    /// The server has it.
    Sent,
    /// The last attempt failed; the user may retry or discard.
    Failed,
}

impl Status {
    /// The `data-status` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// An optimistic text edit waiting for the server.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    seq: u64,
    text: String,
}

/// An optimistic reaction toggle waiting for the server.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Toggle {
    seq: u64,
    name: String,
    username: String,
    present: bool,
}

/// One row of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    key: String,
    /// The newest server state; for a pending send, the local copy with the client id.
    message: Message,
    status: Status,
    etag: Option<String>,
    /// The edit on the wire, then the one queued behind it.
    edit_in_flight: Option<Edit>,
    edit_queued: Option<Edit>,
    toggles: Vec<Toggle>,
    deleting: bool,
    rev: u64,
}

impl Entry {
    fn is_server(&self) -> bool {
        self.status == Status::Sent
    }
}

/// What a row shows: the server state with the optimistic changes laid over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowView {
    /// The stable row key.
    pub key: String,
    /// The message as the reader should see it now.
    pub message: Message,
    /// Where the row stands with the server.
    pub status: Status,
    /// An edit is on its way.
    pub editing: bool,
    /// The row's revision when this view was taken (see [`Timeline::rev`]).
    pub rev: u64,
}

/// An edit to put on the wire now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditTicket {
    /// Orders the edits of one message.
    pub seq: u64,
    /// The server id of the message.
    pub id: String,
    /// The new text.
    pub text: String,
    /// The `If-Match` value, when known.
    pub etag: Option<String>,
}

/// A send to put on the wire (first attempt or retry, same key every time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendTicket {
    /// The client id, also the `Idempotency-Key`.
    pub client_id: String,
    /// The text.
    pub text: String,
    /// Ids of the uploaded attachments.
    pub attachment_ids: Vec<String>,
}

/// What a live update or a page changed, for announcing and "Jump to latest".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing visible changed.
    None,
    /// A new message from someone else was added at the bottom.
    NewFromOther {
        /// The message's id (its row key).
        id: String,
        /// Sender's username.
        username: String,
        /// The text.
        text: String,
    },
    /// A message of mine (sent elsewhere or confirmed) was added.
    NewFromMe,
    /// A shown message changed or disappeared.
    Changed,
}

/// The timeline of one conversation.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    me: Option<Contact>,
    entries: Vec<Entry>,
    /// Row key → revision, for every entry: each rendered row asks for its revision on
    /// every change, which must not mean a scan of thousands of rows.
    revs: FxHashMap<String, u64>,
    /// Raised whenever the outline may have changed (see [`Timeline::shape`]).
    shape: u64,
    /// Server id → row key, for rows whose key is a client id.
    keys: FxHashMap<String, String>,
    /// Live copies of my own messages that arrived before their POST answered.
    held_echoes: Vec<Message>,
    loaded: bool,
    has_more: bool,
    loading_older: bool,
    seq: u64,
    rev: u64,
    /// Server news learned outside pages (live events, answers to our own requests) so
    /// far, and per message id the count when such news last created, changed or deleted
    /// it: a page requested before that is older than what is shown.
    news: u64,
    news_at: FxHashMap<String, u64>,
}

impl Timeline {
    /// An empty timeline for the caller `me` (whose messages are "own").
    pub fn new(me: Contact) -> Self {
        Self {
            me: Some(me),
            ..Self::default()
        }
    }

    /// Sets the caller once known (a timeline may be created before `/contacts/me` answers;
    /// unsent messages restored before that take the caller's details now).
    pub fn set_me(&mut self, me: Contact) {
        for i in 0..self.entries.len() {
            if !self.entries[i].is_server() && self.entries[i].message.contact != me {
                self.entries[i].message.contact = me.clone();
                self.bump(i);
                self.shape += 1;
            }
        }
        self.me = Some(me);
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn bump(&mut self, index: usize) {
        self.rev += 1;
        let entry = &mut self.entries[index];
        entry.rev = self.rev;
        self.revs.insert(entry.key.clone(), self.rev);
    }

    /// Takes the row at `index` out of the timeline.
    fn remove_entry(&mut self, index: usize) -> Entry {
        let entry = self.entries.remove(index);
        self.revs.remove(&entry.key);
        self.shape += 1;
        entry
    }

    /// Gives the row at `index` a new server copy; a new sender or creation time changes
    /// the outline.
    fn set_message(&mut self, index: usize, message: Message, etag: Option<String>) {
        let entry = &mut self.entries[index];
        if entry.message.contact.id != message.contact.id
            || entry.message.created_at != message.created_at
        {
            self.shape += 1;
        }
        entry.message = message;
        entry.etag = etag;
        self.bump(index);
    }

    fn my_id(&self) -> &str {
        self.me.as_ref().map_or("", |c| c.id.as_str())
    }

    fn my_username(&self) -> &str {
        self.me.as_ref().map_or("", |c| c.username.as_str())
    }

    /// True when `message` was sent by the caller.
    pub fn is_mine(&self, message: &Message) -> bool {
        message.contact.id == self.my_id()
    }

    fn index_of_key(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.key == key)
    }

    fn index_of_id(&self, id: &str) -> Option<usize> {
        let key = self.keys.get(id).map_or(id, String::as_str);
        // A server row is keyed by its id, or by the client id `keys` gives for my sends:
        // a key no row has means no row has this id (no scan of every row for a new one).
        if !self.revs.contains_key(key) {
            return None;
        }
        self.entries
            .iter()
            .position(|e| e.is_server() && (e.key == key || e.message.id == id))
    }

    /// Index where the next server message goes: before the first pending send.
    fn server_end(&self) -> usize {
        self.entries
            .iter()
            .position(|e| !e.is_server())
            .unwrap_or(self.entries.len())
    }

    /// A confirmed row for a message from the server, keyed by its id.
    fn server_entry(&mut self, message: Message) -> Entry {
        self.new_entry(message.id.clone(), message, Status::Sent)
    }

    /// A fresh row with no edit, reaction or delete under way.
    fn new_entry(&mut self, key: String, message: Message, status: Status) -> Entry {
        self.rev += 1;
        self.revs.insert(key.clone(), self.rev);
        Entry {
            key,
            message,
            status,
            etag: None,
            edit_in_flight: None,
            edit_queued: None,
            toggles: Vec::new(),
            deleting: false,
            rev: self.rev,
        }
    }

    // ----- reading -----

    /// The newest page has been loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Older messages exist beyond the oldest loaded one.
    pub fn has_more(&self) -> bool {
        self.has_more
    }

    /// An older page is being loaded.
    pub fn is_loading_older(&self) -> bool {
        self.loading_older
    }

    /// Keys of the rows to show, oldest first (deleting rows are hidden).
    pub fn keys(&self) -> Vec<String> {
        self.visible().map(|e| e.key.clone()).collect()
    }

    fn visible(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.deleting)
    }

    /// How many rows are shown.
    pub fn len(&self) -> usize {
        self.visible().count()
    }

    /// True when no row is shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The revision of a row: changes whenever what it shows changes.
    pub fn rev(&self, key: &str) -> Option<u64> {
        self.revs.get(key).copied()
    }

    /// What the row `key` shows now, with optimistic edits and reactions applied.
    pub fn row(&self, key: &str) -> Option<RowView> {
        let entry = &self.entries[self.index_of_key(key)?];
        let mut message = entry.message.clone();
        if let Some(edit) = entry.edit_queued.as_ref().or(entry.edit_in_flight.as_ref()) {
            message.message.clone_from(&edit.text);
        }
        for t in &entry.toggles {
            message.reactions.set(&t.name, &t.username, t.present);
        }
        Some(RowView {
            key: entry.key.clone(),
            message,
            status: entry.status,
            editing: entry.edit_in_flight.is_some(),
            rev: entry.rev,
        })
    }

    /// Changes whenever [`Timeline::outline`] may have: rows added, removed, hidden or
    /// moved, or a row's sender or creation time replaced. Edits, reactions and read marks
    /// leave it, so a layout of thousands of rows is kept by comparing one number.
    pub fn shape(&self) -> u64 {
        self.shape
    }

    /// (key, sender id, created_at) of every shown row, for grouping and separators.
    pub fn outline(&self) -> impl Iterator<Item = (&str, &str, Timestamp)> {
        self.visible().map(|e| {
            (
                e.key.as_str(),
                e.message.contact.id.as_str(),
                e.message.created_at,
            )
        })
    }

    /// The cursor for the next older page: the oldest server message loaded.
    pub fn oldest_id(&self) -> Option<String> {
        self.entries
            .iter()
            .find(|e| e.is_server())
            .map(|e| e.message.id.clone())
    }

    /// The cursor for catching up: the newest server message loaded.
    pub fn newest_id(&self) -> Option<String> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.is_server())
            .map(|e| e.message.id.clone())
    }

    /// The key of the row the "New messages" line goes above (see
    /// [`crate::core::format::first_unread`]).
    pub fn first_unread_key(&self) -> Option<String> {
        let me = self.my_id();
        let rows: Vec<&Entry> = self.visible().collect();
        let marks: Vec<(bool, bool)> = rows
            .iter()
            .map(|e| (e.message.contact.id == me, e.message.read_at.is_some()))
            .collect();
        crate::core::format::first_unread(&marks).map(|i| rows[i].key.clone())
    }

    /// The key of the caller's newest sent message, for Up-arrow editing.
    pub fn last_own_key(&self) -> Option<String> {
        let me = self.my_id();
        self.visible()
            .rev()
            .find(|e| e.is_server() && e.message.contact.id == me)
            .map(|e| e.key.clone())
    }

    /// Keys of pending sends in order, with their status.
    pub fn pending(&self) -> Vec<(String, Status)> {
        self.entries
            .iter()
            .filter(|e| !e.is_server())
            .map(|e| (e.key.clone(), e.status))
            .collect()
    }

    // ----- pages -----

    /// Takes the newest page (newest first, as the API sends it). Pending sends stay.
    pub fn load_newest(&mut self, page: Page<Message>) {
        self.loaded = true;
        self.has_more = page.has_more;
        for message in page.data.into_iter().rev() {
            self.upsert_server(message, None);
        }
    }

    /// Starts loading an older page: the cursor, or `None` when a load is running, the
    /// newest page is not loaded yet, or the beginning was reached.
    pub fn begin_older(&mut self) -> Option<String> {
        if !self.loaded || !self.has_more || self.loading_older {
            return None;
        }
        let cursor = self.oldest_id()?;
        self.loading_older = true;
        Some(cursor)
    }

    /// Prepends an older page (newest first), skipping messages already loaded.
    pub fn older_loaded(&mut self, page: Page<Message>) {
        self.loading_older = false;
        self.has_more = page.has_more;
        let mut fresh = Vec::new();
        for message in page.data.into_iter().rev() {
            if let Some(i) = self.index_of_id(&message.id) {
                self.replace_server(i, message, None);
            } else if !fresh.iter().any(|e: &Entry| e.message.id == message.id) {
                let entry = self.server_entry(message);
                fresh.push(entry);
            }
        }
        if !fresh.is_empty() {
            self.shape += 1;
        }
        self.entries.splice(0..0, fresh);
    }

    /// An older page failed; a later attempt may start again.
    pub fn older_failed(&mut self) {
        self.loading_older = false;
    }

    /// Appends a page of newer messages (the answer to `ending_before`, newest first).
    /// Returns what changed, the last new message from someone else first.
    /// `mark` is [`Timeline::page_mark`] taken when the page was requested: what a live
    /// event changed since is newer than the page and kept.
    pub fn newer_loaded(&mut self, page: Page<Message>, mark: u64) -> Vec<Change> {
        let fresh: Vec<Message> = page
            .data
            .into_iter()
            .rev()
            .filter(|m| !self.changed_live_since(&m.id, mark))
            .collect();
        fresh.into_iter().map(|m| self.apply_created(m)).collect()
    }

    /// Marks the moment a page is requested (see [`Timeline::reconcile_newest`]): live
    /// events and answers applied after it are newer than anything in that page, even
    /// within the same second (timestamps have whole seconds).
    pub fn page_mark(&self) -> u64 {
        self.news
    }

    fn changed_live_since(&self, id: &str, mark: u64) -> bool {
        self.news_at.get(id).is_some_and(|&at| at > mark)
    }

    /// Records news about message `id` (see [`Timeline::page_mark`]).
    fn note_news(&mut self, id: &str) {
        self.news += 1;
        self.news_at.insert(id.to_owned(), self.news);
    }

    // ----- server copies -----

    fn replace_server(&mut self, index: usize, message: Message, etag: Option<String>) {
        let entry = &mut self.entries[index];
        if entry.message == message && etag.is_none() {
            return;
        }
        let newer = message.updated_at.unwrap_or(message.created_at)
            >= entry.message.updated_at.unwrap_or(entry.message.created_at);
        if newer {
            self.set_message(index, message, etag);
        }
    }

    /// Inserts or refreshes a server message; new ones go before the pending sends, in
    /// creation order (after every loaded one created at the same second or earlier), so
    /// a page that answers after a live event still lands in its place.
    fn upsert_server(&mut self, message: Message, etag: Option<String>) -> bool {
        if let Some(i) = self.index_of_id(&message.id) {
            self.replace_server(i, message, etag);
            false
        } else {
            let end = self.server_end();
            let at = self.entries[..end]
                .iter()
                .rposition(|e| e.message.created_at <= message.created_at)
                .map_or(0, |i| i + 1);
            let mut entry = self.server_entry(message);
            entry.etag = etag;
            self.entries.insert(at, entry);
            self.shape += 1;
            true
        }
    }

    /// Reconciles with a fresh copy of the newest page (newest first), after events may
    /// have been missed (the live connection opened late or reconnected): new messages
    /// are added, changed ones refreshed, and loaded messages that lie between the page's
    /// messages but are missing from it were deleted. Messages that live events or our own
    /// requests' answers created, changed or deleted after `mark` ([`Timeline::page_mark`]
    /// when the page was requested) keep that newer version. Returns what changed.
    pub fn reconcile_newest(&mut self, mut page: Page<Message>, mark: u64) -> Vec<Change> {
        if !self.loaded {
            return Vec::new();
        }
        let newer: FxHashSet<String> = page
            .data
            .iter()
            .map(|m| m.id.clone())
            .filter(|id| self.changed_live_since(id, mark))
            .collect();
        page.data.retain(|m| !newer.contains(&m.id));
        let ids: FxHashSet<String> = page.data.iter().map(|m| m.id.clone()).collect();
        let mut changes: Vec<Change> = page
            .data
            .into_iter()
            .rev()
            .map(|m| self.apply_created(m))
            .collect();
        let inside: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].is_server() && ids.contains(&self.entries[i].message.id))
            .collect();
        if let (Some(&lo), Some(&hi)) = (inside.first(), inside.last()) {
            // Missing from the page and not news since it was requested: deleted.
            let gone: Vec<String> = self.entries[lo..hi]
                .iter()
                .filter(|e| {
                    e.is_server()
                        && !ids.contains(&e.message.id)
                        && !self.changed_live_since(&e.message.id, mark)
                })
                .map(|e| e.message.id.clone())
                .collect();
            for id in gone {
                changes.push(self.apply_deleted(&id));
            }
        }
        changes
    }

    /// Applies a live event (or a polled message).
    pub fn apply_event(&mut self, event: Event) -> Change {
        let id = event.payload.id.clone();
        self.note_news(&id);
        match event.kind {
            EventType::MessageCreated => self.apply_created(event.payload),
            EventType::MessageUpdated => self.apply_updated(event.payload),
            EventType::MessageDeleted => self.apply_deleted(&event.payload.id),
        }
    }

    fn any_sending(&self) -> bool {
        self.entries.iter().any(|e| e.status == Status::Sending)
    }

    /// A message was created on the server.
    pub fn apply_created(&mut self, message: Message) -> Change {
        if self.index_of_id(&message.id).is_some() {
            return self.apply_updated(message);
        }
        if self.is_mine(&message) && self.any_sending() {
            self.held_echoes.retain(|m| m.id != message.id);
            self.held_echoes.push(message);
            return Change::None;
        }
        let change = if self.is_mine(&message) {
            Change::NewFromMe
        } else {
            Change::NewFromOther {
                id: message.id.clone(),
                username: message.contact.username.clone(),
                text: message.message.clone(),
            }
        };
        self.upsert_server(message, None);
        change
    }

    /// A message changed on the server.
    pub fn apply_updated(&mut self, message: Message) -> Change {
        if let Some(held) = self.held_echoes.iter_mut().find(|m| m.id == message.id) {
            *held = message;
            return Change::None;
        }
        match self.index_of_id(&message.id) {
            Some(i) => {
                let before = self.entries[i].rev;
                self.replace_server(i, message, None);
                if self.entries[i].rev == before {
                    Change::None
                } else {
                    Change::Changed
                }
            }
            None => Change::None,
        }
    }

    /// A message was deleted on the server: its row goes, whatever is in flight.
    pub fn apply_deleted(&mut self, id: &str) -> Change {
        self.held_echoes.retain(|m| m.id != id);
        match self.index_of_id(id) {
            Some(i) => {
                let entry = self.remove_entry(i);
                self.keys.remove(id);
                self.rev += 1;
                if entry.deleting {
                    Change::None
                } else {
                    Change::Changed
                }
            }
            None => Change::None,
        }
    }

    /// Releases held echoes once none of my sends is on the wire (they were sent from
    /// elsewhere, or their POST failed after the server took them).
    fn release_echoes(&mut self) {
        if self.any_sending() {
            return;
        }
        for message in std::mem::take(&mut self.held_echoes) {
            self.upsert_server(message, None);
        }
    }

    // ----- sending -----

    /// Adds my message at the bottom at once, keyed by `client_id`.
    pub fn send_begin(
        &mut self,
        client_id: &str,
        conversation_id: &str,
        text: &str,
        attachments: Vec<Attachment>,
        now: Timestamp,
    ) -> Option<SendTicket> {
        if self.index_of_key(client_id).is_some() {
            return None;
        }
        // Before `/contacts/me` answers (an unsent message restored while the API is
        // down), a stand-in sender; `set_me` fills in the caller later.
        let me = self.me.clone().unwrap_or_else(|| Contact {
            id: String::new(),
            username: String::new(),
            phone_number: None,
            avatar_url: None,
            last_active_at: None,
            created_at: 0,
        });
        let message = Message {
            id: client_id.to_owned(),
            conversation_id: conversation_id.to_owned(),
            contact: me,
            message: text.to_owned(),
            reactions: Default::default(),
            attachments,
            read_at: None,
            created_at: now,
            updated_at: None,
            edited_at: None,
        };
        let ticket = Self::ticket(&message);
        let entry = self.new_entry(client_id.to_owned(), message, Status::Sending);
        self.entries.push(entry);
        self.shape += 1;
        Some(ticket)
    }

    fn ticket(message: &Message) -> SendTicket {
        SendTicket {
            client_id: message.id.clone(),
            text: message.message.clone(),
            attachment_ids: message.attachments.iter().map(|a| a.id.clone()).collect(),
        }
    }

    /// Retries a failed send with the same key; `None` unless it had failed (so one
    /// message is never on the wire twice at once).
    pub fn retry(&mut self, client_id: &str) -> Option<SendTicket> {
        let i = self.index_of_key(client_id)?;
        if self.entries[i].status != Status::Failed {
            return None;
        }
        self.entries[i].status = Status::Sending;
        self.bump(i);
        Some(Self::ticket(&self.entries[i].message))
    }

    /// The POST answered: the row takes the server's copy and id, keeping its key.
    pub fn send_confirmed(&mut self, client_id: &str, message: Message, etag: Option<String>) {
        self.note_news(&message.id);
        self.held_echoes.retain(|m| m.id != message.id);
        let Some(i) = self.index_of_key(client_id) else {
            return;
        };
        if self.entries[i].is_server() {
            return;
        }
        // A copy already shown (released echo, or a poll) merges into this row.
        if let Some(dup) = self.index_of_id(&message.id) {
            self.remove_entry(dup);
        }
        let i = self.index_of_key(client_id).unwrap_or(i);
        let mut entry = self.remove_entry(i);
        self.keys.insert(message.id.clone(), client_id.to_owned());
        entry.message = message;
        entry.status = Status::Sent;
        entry.etag = etag;
        let at = self.server_end();
        self.entries.insert(at, entry);
        self.shape += 1;
        self.bump(at);
        self.release_echoes();
    }

    /// The POST failed: the row stays, marked failed.
    pub fn send_failed(&mut self, client_id: &str) {
        if let Some(i) = self.index_of_key(client_id) {
            if self.entries[i].status == Status::Sending {
                self.entries[i].status = Status::Failed;
                self.bump(i);
            }
        }
        self.release_echoes();
    }

    /// Drops a failed send.
    pub fn discard(&mut self, client_id: &str) {
        if let Some(i) = self.index_of_key(client_id) {
            if self.entries[i].status == Status::Failed {
                self.remove_entry(i);
                self.rev += 1;
            }
        }
    }

    // ----- editing -----

    /// Shows `text` at once. Returns the edit to send now, or `None` when another edit of
    /// this message is on the wire (this one is queued and sent after it, last one wins).
    pub fn edit_begin(&mut self, key: &str, text: &str) -> Option<EditTicket> {
        let i = self.index_of_key(key)?;
        if !self.entries[i].is_server() {
            return None;
        }
        let seq = self.next_seq();
        let edit = Edit {
            seq,
            text: text.to_owned(),
        };
        let entry = &mut self.entries[i];
        let ticket = if entry.edit_in_flight.is_some() {
            entry.edit_queued = Some(edit);
            None
        } else {
            let ticket = EditTicket {
                seq,
                id: entry.message.id.clone(),
                text: edit.text.clone(),
                etag: entry.etag.clone(),
            };
            entry.edit_in_flight = Some(edit);
            Some(ticket)
        };
        self.bump(i);
        ticket
    }

    fn take_in_flight(&mut self, key: &str, seq: u64) -> Option<usize> {
        let i = self.index_of_key(key)?;
        let entry = &mut self.entries[i];
        if entry.edit_in_flight.as_ref().map(|e| e.seq) != Some(seq) {
            return None;
        }
        entry.edit_in_flight = None;
        Some(i)
    }

    fn promote_queued(&mut self, i: usize) -> Option<EditTicket> {
        let entry = &mut self.entries[i];
        let edit = entry.edit_queued.take()?;
        let ticket = EditTicket {
            seq: edit.seq,
            id: entry.message.id.clone(),
            text: edit.text.clone(),
            etag: entry.etag.clone(),
        };
        entry.edit_in_flight = Some(edit);
        Some(ticket)
    }

    /// The edit `seq` was saved. Returns the queued edit to send next, if any.
    pub fn edit_confirmed(
        &mut self,
        key: &str,
        seq: u64,
        message: Message,
        etag: Option<String>,
    ) -> Option<EditTicket> {
        let i = self.take_in_flight(key, seq)?;
        self.note_news(&message.id);
        self.replace_server(i, message, etag);
        let next = self.promote_queued(i);
        self.bump(i);
        next
    }

    /// The edit `seq` failed: the row shows the newest server state again (a queued edit
    /// is dropped too: it was based on the failed one). Returns true when a row was
    /// restored, so the caller says so.
    pub fn edit_failed(&mut self, key: &str, seq: u64) -> bool {
        let Some(i) = self.take_in_flight(key, seq) else {
            return false;
        };
        self.entries[i].edit_queued = None;
        self.bump(i);
        true
    }

    /// The server's current copy, fetched after a conflict, replaces ours.
    pub fn refresh(&mut self, message: Message, etag: Option<String>) {
        self.note_news(&message.id);
        if let Some(i) = self.index_of_id(&message.id) {
            self.set_message(i, message, etag);
        }
    }

    /// The ETag and the server copy of a sent row, for an edit whose ETag is unknown.
    pub fn server_copy(&self, key: &str) -> Option<(Message, Option<String>)> {
        let entry = &self.entries[self.index_of_key(key)?];
        entry
            .is_server()
            .then(|| (entry.message.clone(), entry.etag.clone()))
    }

    /// Remembers an ETag fetched for a row whose server copy is unchanged.
    pub fn set_etag(&mut self, key: &str, etag: Option<String>) {
        if let Some(i) = self.index_of_key(key) {
            self.entries[i].etag = etag;
        }
    }

    // ----- deleting -----

    /// Hides the row at once; returns the server id to delete.
    pub fn delete_begin(&mut self, key: &str) -> Option<String> {
        let i = self.index_of_key(key)?;
        let entry = &mut self.entries[i];
        if !entry.is_server() || entry.deleting {
            return None;
        }
        entry.deleting = true;
        let id = entry.message.id.clone();
        self.bump(i);
        self.shape += 1;
        Some(id)
    }

    /// The delete succeeded: the row is gone for good.
    pub fn delete_confirmed(&mut self, key: &str) {
        if let Some(i) = self.index_of_key(key) {
            let entry = self.remove_entry(i);
            self.note_news(&entry.message.id);
            self.keys.remove(&entry.message.id);
            self.rev += 1;
        }
    }

    /// The delete failed: the row comes back at its place. True when it did.
    pub fn delete_failed(&mut self, key: &str) -> bool {
        match self.index_of_key(key) {
            Some(i) if self.entries[i].deleting => {
                self.entries[i].deleting = false;
                self.bump(i);
                self.shape += 1;
                true
            }
            _ => false,
        }
    }

    // ----- reactions -----

    /// Toggles my reaction `name` at once. Returns (seq, server id, present) to send.
    pub fn react_begin(&mut self, key: &str, name: &str) -> Option<(u64, String, bool)> {
        let view = self.row(key)?;
        if view.status != Status::Sent {
            return None;
        }
        let username = self.my_username().to_owned();
        let present = !view.message.reactions.has(name, &username);
        let seq = self.next_seq();
        let i = self.index_of_key(key)?;
        self.entries[i].toggles.push(Toggle {
            seq,
            name: name.to_owned(),
            username,
            present,
        });
        self.bump(i);
        Some((seq, view.message.id, present))
    }

    /// The reaction change `seq` was answered with the server's copy.
    pub fn react_confirmed(&mut self, key: &str, seq: u64, message: Message) {
        self.note_news(&message.id);
        if let Some(i) = self.index_of_key(key) {
            self.entries[i].toggles.retain(|t| t.seq != seq);
            self.replace_server(i, message, None);
            self.bump(i);
        }
    }

    /// The reaction change `seq` failed: the row shows the server's reactions again.
    pub fn react_failed(&mut self, key: &str, seq: u64) {
        if let Some(i) = self.index_of_key(key) {
            self.entries[i].toggles.retain(|t| t.seq != seq);
            self.bump(i);
        }
    }

    // ----- reading receipts -----

    /// Server ids of others' messages among `keys` not yet marked read.
    pub fn unread_from_others(&self, keys: &[String]) -> Vec<String> {
        keys.iter()
            .filter_map(|k| self.index_of_key(k))
            .map(|i| &self.entries[i])
            .filter(|e| e.is_server() && e.message.read_at.is_none() && !self.is_mine(&e.message))
            .map(|e| e.message.id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests;
