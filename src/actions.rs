//! The commands of the open conversation (`ChatActions`), passed to the view, feed and
//! composer, and to the bubbles through a context. Each command changes the [`Timeline`] at
//! once (optimistic), talks to the API, then reconciles with the answer.

use crate::browser::api::{as_contact, ApiError, Client, Cursor};
use crate::browser::live::Sink;
use crate::browser::{storage, time};
use crate::core::outbox::{backoff_ms, client_id, send_retry_ms, Outbox, OutboxItem, SendQueue};
use crate::core::session::Author;
use crate::core::timeline::{Change, EditTicket, SendTicket, Timeline};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol_api::{Attachment, Event, ReactionChanges, SendMessage, UpdateMessage};
use std::future::Future;

/// How many messages the first page holds.
pub const FIRST_PAGE: u32 = 30;
/// How many messages each older page holds.
pub const OLDER_PAGE: u32 = 50;

/// A new message from someone else, for what the reader sees outside the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// The message's id (its row key).
    pub id: String,
    /// The sender's username.
    pub username: String,
    /// The text.
    pub text: String,
}

/// The commands and shared view state of one open conversation.
#[derive(Clone, Copy)]
pub struct ChatActions {
    /// The timeline every row reads.
    pub timeline: RwSignal<Timeline>,
    /// The open conversation.
    pub conversation_id: StoredValue<String>,
    /// The caller's username (reactions name people by it).
    pub me: StoredValue<String>,
    /// The current error sentence for the `role="alert"` banner.
    pub alert: RwSignal<Option<String>>,
    /// The row whose text is being edited.
    pub editing: RwSignal<Option<String>>,
    /// Bumped when the view must stick to the bottom (my sends).
    pub to_bottom: RwSignal<u64>,
    /// Bumped for every new message from someone else that arrived live.
    pub incoming: RwSignal<u64>,
    /// Sentences for the polite live region not announced yet, one a new message from
    /// someone else ("Frank: see you at 8"); the feed takes them.
    pub announcements: RwSignal<Vec<String>>,
    /// New messages from others not yet seen by the attention outside the view (the
    /// unread count, notifications), taken from here by the open conversation's view.
    pub arrivals: RwSignal<Vec<Arrival>>,
    /// Set when the server refused the token: the user must sign in again.
    pub auth_failed: RwSignal<bool>,
    /// Why the first page could not be loaded (it is retried by itself meanwhile).
    pub load_error: RwSignal<Option<ApiError>>,
    /// The composer's draft, the caller's own: empty until the caller is known, then what
    /// they left in this conversation (unless they have typed meanwhile). Written through
    /// [`ChatActions::save_draft`].
    pub draft: RwSignal<String>,
    /// The commands' own bookkeeping, in one stored value (each stored type costs wasm).
    state: StoredValue<State>,
}

/// What the commands keep for themselves.
struct State {
    client: Client,
    /// Whose drafts and unsent messages these are: known once `/v1/contacts/me` has
    /// answered (or at once, when this tab's sign-in remembers it). Until then nothing is
    /// read from or written to storage, so nobody sees or sends another person's.
    author: Option<Author>,
    /// My sends in typing order, one on the wire at a time.
    sends: SendQueue,
    /// Automatic retries so far, per client id.
    attempts: Vec<(String, u32)>,
    /// Server ids already marked read (or being marked).
    read_requested: Vec<String>,
    catching_up: bool,
    /// What the running catch-up must still do: 0 nothing, 1 newer pages, 2 also
    /// reconcile the newest page.
    sync_wanted: u8,
    /// Bumped by every attempt loop of the first load; older loops stop.
    load_generation: u64,
}

impl ChatActions {
    /// Commands for `conversation_id`, as the caller `me`.
    pub fn new(
        client: Client,
        conversation_id: String,
        timeline: Timeline,
        me: String,
        auth_failed: RwSignal<bool>,
    ) -> Self {
        let author = storage::known_caller(&client).map(|id| storage::author(&client, &id));
        let draft = author
            .as_ref()
            .map(|a| storage::draft(a, &conversation_id))
            .unwrap_or_default();
        Self {
            timeline: RwSignal::new(timeline),
            conversation_id: StoredValue::new(conversation_id),
            me: StoredValue::new(me),
            alert: RwSignal::new(None),
            editing: RwSignal::new(None),
            to_bottom: RwSignal::new(0),
            incoming: RwSignal::new(0),
            announcements: RwSignal::new(Vec::new()),
            arrivals: RwSignal::new(Vec::new()),
            auth_failed,
            load_error: RwSignal::new(None),
            draft: RwSignal::new(draft),
            state: StoredValue::new(State {
                client,
                author,
                sends: SendQueue::default(),
                attempts: Vec::new(),
                read_requested: Vec::new(),
                catching_up: false,
                sync_wanted: 0,
                load_generation: 0,
            }),
        }
    }

    /// Queues a send (or makes a failed one ready again, keeping its place) and pumps the
    /// queue.
    fn dispatch(&self, ticket: SendTicket) {
        self.state.update_value(|s| s.sends.push(ticket));
        self.pump_sends();
    }

    /// Puts the next send on the wire unless one is there already: one POST at a time, so
    /// the server stores my messages in the order I typed them.
    fn pump_sends(&self) {
        let Some(ticket) = self
            .state
            .try_update_value(|s| s.sends.take_next())
            .flatten()
        else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            let key = ticket.client_id.clone();
            let settled = this.post(ticket).await;
            this.state.update_value(|s| s.sends.settle(&key, settled));
            this.pump_sends();
        });
    }

    /// The API client.
    pub fn client(&self) -> Client {
        self.state.with_value(|s| s.client.clone())
    }

    fn fail(&self, prefix: &str, err: &ApiError) {
        if err.is_auth() {
            self.auth_failed.set(true);
        }
        self.alert.set(Some(format!("{prefix} {err}")));
    }

    // ----- loading -----

    /// Opens the conversation: the caller's unsent messages from storage show (and go out)
    /// at once, whatever the API answers, when the caller is known already; the caller and
    /// the newest page load with retries.
    pub fn open(&self) {
        if let Some(author) = self.author() {
            self.restore(&author);
        }
        self.load();
    }

    fn author(&self) -> Option<Author> {
        self.state.with_value(|s| s.author.clone())
    }

    /// Shows and sends what `author` left unsent in this conversation.
    fn restore(&self, author: &Author) {
        for item in storage::outbox(author, &self.conversation_id.get_value()).items {
            self.queue(item);
        }
    }

    /// The caller is known (`/v1/contacts/me` answered). The first time, what they typed
    /// before is kept under their keys, and what they left here earlier comes back: their
    /// unsent messages (shown, and sent) and their draft (unless they typed a new one).
    fn meet(&self, caller_id: &str) {
        let client = self.client();
        storage::remember_caller(&client, caller_id);
        let before = self.author();
        if before.as_ref().is_some_and(|a| a.caller_id == caller_id) {
            return;
        }
        let author = storage::author(&client, caller_id);
        self.state.update_value(|s| s.author = Some(author.clone()));
        if before.is_some() {
            return;
        }
        let conv = self.conversation_id.get_value();
        let typed = self.draft.get_untracked();
        if typed.is_empty() {
            self.draft.set(storage::draft(&author, &conv));
        } else {
            storage::set_draft(&author, &conv, &typed);
        }
        let pending: Vec<OutboxItem> = self
            .timeline
            .with_untracked(|t| t.pending())
            .into_iter()
            .filter_map(|(key, _)| self.outbox_item(&key))
            .collect();
        self.save_outbox(|o| pending.into_iter().for_each(|item| o.put(item)));
        self.restore(&author);
    }

    /// Keeps the composer's text as the caller's draft of this conversation (in memory
    /// until the caller is known). The signal is updated without notifying: the textbox
    /// already shows the text.
    pub fn save_draft(&self, text: &str) {
        self.draft.update_untracked(|d| text.clone_into(d));
        if let Some(author) = self.author() {
            storage::set_draft(&author, &self.conversation_id.get_value(), text);
        }
    }

    /// Loads the caller and the newest page, trying again with backoff until it works
    /// (a new call, e.g. when the network returns, tries at once and replaces the loop).
    pub fn load(&self) {
        if self.timeline.with_untracked(Timeline::is_loaded) {
            return;
        }
        let mut generation = 0;
        self.state.update_value(|s| {
            s.load_generation += 1;
            generation = s.load_generation;
        });
        let this = *self;
        // The first attempt's requests go out now, while the view around them is built.
        let mut first = Some(this.load_first());
        time::prepare();
        spawn_local(async move {
            for attempt in 0.. {
                let current = this.state.try_with_value(|s| s.load_generation) == Some(generation);
                if !current || this.timeline.with_untracked(Timeline::is_loaded) {
                    return;
                }
                let attempt_result = match first.take() {
                    Some(sent) => sent.await,
                    None => this.load_first().await,
                };
                match attempt_result {
                    Ok(()) => {
                        this.load_error.set(None);
                        // What is still unsent goes out now that the API answers.
                        this.retry_all();
                        return;
                    }
                    Err(err) => {
                        let auth = err.is_auth();
                        if auth {
                            this.auth_failed.set(true);
                        }
                        this.load_error.set(Some(err));
                        if auth {
                            return;
                        }
                    }
                }
                gloo_timers::future::TimeoutFuture::new(backoff_ms(attempt)).await;
            }
        });
    }

    /// One attempt at the caller and the newest page, together: both requests go out
    /// when this is called, the answers apply when it is awaited.
    fn load_first(&self) -> impl Future<Output = Result<(), ApiError>> {
        let client = self.client();
        let conv = self.conversation_id.get_value();
        let answers = futures::future::join(
            client.me(),
            client.messages(&conv, &Cursor::Newest, FIRST_PAGE),
        );
        let this = *self;
        async move {
            let (me, page) = answers.await;
            let me = me?;
            let page = page?;
            this.me.set_value(me.username.clone());
            this.meet(&me.id);
            this.timeline.update(|t| {
                t.set_me(as_contact(&me));
                t.load_newest(page);
            });
            Ok(())
        }
    }

    /// Loads the next older page unless one is loading or the beginning is reached.
    /// Returns true when rows were prepended.
    pub async fn load_older(&self) -> bool {
        let Some(cursor) = self.timeline.try_update(|t| t.begin_older()).flatten() else {
            return false;
        };
        let conv = self.conversation_id.get_value();
        match self
            .client()
            .messages(&conv, &Cursor::StartingAfter(cursor), OLDER_PAGE)
            .await
        {
            Ok(page) => {
                self.timeline.update(|t| t.older_loaded(page));
                true
            }
            Err(err) => {
                self.timeline.update(|t| t.older_failed());
                self.fail("Older messages could not be loaded.", &err);
                false
            }
        }
    }

    /// Lists what is newer than the newest loaded message (the polling fallback).
    pub fn catch_up(&self) {
        self.sync(1);
    }

    /// Events may have been missed (the live connection opened after the first page, or
    /// reconnected): lists the newer messages, then reconciles the newest page so edits,
    /// reactions and deletes made meanwhile show too.
    pub fn resync(&self) {
        self.sync(2);
    }

    /// Runs one catch-up at a time; a request made while one runs is done right after.
    fn sync(&self, level: u8) {
        if !self.timeline.with_untracked(Timeline::is_loaded) {
            return;
        }
        let running = self.state.with_value(|s| s.catching_up);
        self.state.update_value(|s| {
            s.sync_wanted = s.sync_wanted.max(level);
            s.catching_up = true;
        });
        if running {
            return;
        }
        let this = *self;
        spawn_local(async move {
            loop {
                let level = this
                    .state
                    .try_update_value(|s| std::mem::take(&mut s.sync_wanted))
                    .unwrap_or(0);
                if level == 0 {
                    break;
                }
                let complete = this.fetch_newer().await;
                if level >= 2 || !complete {
                    this.fetch_newest_again().await;
                }
            }
            this.state.update_value(|s| s.catching_up = false);
        });
    }

    /// Pages of messages newer than the newest loaded one. False when the cursor was
    /// refused (the newest message was deleted meanwhile).
    async fn fetch_newer(&self) -> bool {
        let conv = self.conversation_id.get_value();
        for _ in 0..10 {
            let Some((newest, mark)) = self
                .timeline
                .with_untracked(|t| t.newest_id().map(|id| (id, t.page_mark())))
            else {
                return true;
            };
            let page = match self
                .client()
                .messages(&conv, &Cursor::EndingBefore(newest), 100)
                .await
            {
                Ok(page) => page,
                Err(err) => return err.is_transient(),
            };
            let more = page.has_more;
            let changes = self
                .timeline
                .try_update(|t| t.newer_loaded(page, mark))
                .unwrap_or_default();
            for change in changes {
                self.announce(change);
            }
            if !more {
                break;
            }
        }
        true
    }

    /// The newest page again, reconciled with what is loaded.
    async fn fetch_newest_again(&self) {
        let conv = self.conversation_id.get_value();
        let mark = self.timeline.with_untracked(Timeline::page_mark);
        if let Ok(page) = self
            .client()
            .messages(&conv, &Cursor::Newest, FIRST_PAGE)
            .await
        {
            let changes = self
                .timeline
                .try_update(|t| t.reconcile_newest(page, mark))
                .unwrap_or_default();
            for change in changes {
                self.announce(change);
            }
        }
    }

    fn announce(&self, change: Change) {
        match change {
            Change::NewFromOther { id, username, text } => {
                self.announcements
                    .update(|a| a.push(format!("{username}: {text}")));
                self.incoming.update(|n| *n += 1);
                self.arrivals
                    .update(|a| a.push(Arrival { id, username, text }));
            }
            Change::NewFromMe => self.to_bottom.update(|n| *n += 1),
            Change::None | Change::Changed => {}
        }
    }

    /// Applies a live event.
    pub fn apply_event(&self, event: Event) {
        if event.payload.conversation_id != self.conversation_id.get_value() {
            return;
        }
        // Rows and the feed hear of it only when something visible changed (the echo of
        // my own read mark, for one, changes nothing).
        let applied = self.timeline.try_maybe_update(|t| {
            let change = t.apply_event(event);
            (change != Change::None, change)
        });
        if let Some(change) = applied {
            self.announce(change);
        }
    }

    // ----- sending -----

    /// Changes the caller's stored unsent messages (nothing is stored before the caller
    /// is known: [`Self::meet`] stores what is pending then).
    fn save_outbox(&self, edit: impl FnOnce(&mut Outbox)) {
        let Some(author) = self.author() else {
            return;
        };
        let conv = self.conversation_id.get_value();
        let mut outbox = storage::outbox(&author, &conv);
        edit(&mut outbox);
        storage::set_outbox(&author, &conv, &outbox);
    }

    /// A pending row as an outbox item.
    fn outbox_item(&self, key: &str) -> Option<OutboxItem> {
        let row = self.timeline.with_untracked(|t| t.row(key))?;
        Some(OutboxItem {
            client_id: key.to_owned(),
            conversation_id: row.message.conversation_id,
            text: row.message.message,
            attachments: row.message.attachments,
            created_at: row.message.created_at,
        })
    }

    /// Sends a new message: it shows at once, then goes out.
    pub fn send(&self, text: String, attachments: Vec<Attachment>) {
        if text.trim().is_empty() && attachments.is_empty() {
            return;
        }
        let id = client_id(js_sys::Math::random);
        self.queue(OutboxItem {
            client_id: id,
            conversation_id: self.conversation_id.get_value(),
            text,
            attachments,
            created_at: time::now(),
        });
    }

    /// Shows an outbox item and sends it (new, or restored after a reload).
    pub fn queue(&self, item: OutboxItem) {
        let ticket = self
            .timeline
            .try_update(|t| {
                t.send_begin(
                    &item.client_id,
                    &item.conversation_id,
                    &item.text,
                    item.attachments.clone(),
                    item.created_at,
                )
            })
            .flatten();
        if let Some(ticket) = ticket {
            self.save_outbox(|o| o.put(item));
            self.to_bottom.update(|n| *n += 1);
            self.dispatch(ticket);
        }
    }

    /// Sends one message; true when it is settled for good (sent, or refused for a
    /// reason a retry cannot change), false when it waits for a retry.
    async fn post(&self, ticket: SendTicket) -> bool {
        let body = SendMessage {
            conversation_id: self.conversation_id.get_value(),
            message: ticket.text.clone(),
            attachments: ticket.attachment_ids.clone(),
        };
        let key = ticket.client_id;
        match self.client().send(&body, &key).await {
            Ok((message, etag)) => {
                self.timeline
                    .update(|t| t.send_confirmed(&key, message, etag));
                self.save_outbox(|o| o.remove(&key));
                self.state
                    .update_value(|s| s.attempts.retain(|(k, _)| *k != key));
                true
            }
            Err(err) => {
                self.timeline.update(|t| t.send_failed(&key));
                if err.is_auth() {
                    self.auth_failed.set(true);
                }
                if err.is_transient() {
                    self.schedule_retry(key);
                    false
                } else {
                    self.save_outbox(|o| o.remove(&key));
                    self.fail("Your message was not sent.", &err);
                    true
                }
            }
        }
    }

    fn schedule_retry(&self, key: String) {
        let mut attempt = 0;
        self.state
            .update_value(|s| match s.attempts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => {
                    attempt = *n;
                    *n += 1;
                }
                None => s.attempts.push((key.clone(), 1)),
            });
        let this = *self;
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(send_retry_ms(attempt)).await;
            if is_online() {
                this.retry(&key);
            }
        });
    }

    /// Sends a failed message again, with the same `Idempotency-Key`.
    pub fn retry(&self, key: &str) {
        if let Some(ticket) = self.timeline.try_update(|t| t.retry(key)).flatten() {
            // Kept again in case it had been given up (put is once per client id).
            if let Some(item) = self.outbox_item(key) {
                self.save_outbox(|o| o.put(item));
            }
            self.dispatch(ticket);
        }
    }

    /// Retries every failed send (the network came back).
    pub fn retry_all(&self) {
        let failed = self.timeline.with_untracked(|t| t.pending());
        for (key, status) in failed {
            if status == crate::core::timeline::Status::Failed {
                self.retry(&key);
            }
        }
    }

    /// Drops a failed message for good.
    pub fn discard(&self, key: &str) {
        self.timeline.update(|t| t.discard(key));
        self.save_outbox(|o| o.remove(key));
        self.state.update_value(|s| s.sends.remove(key));
        self.pump_sends();
    }

    // ----- editing and deleting -----

    /// Saves a new text for my message `key`, optimistically.
    pub fn edit(&self, key: &str, text: String) {
        self.editing.set(None);
        if text.trim().is_empty() {
            return;
        }
        let unchanged = self
            .timeline
            .with_untracked(|t| t.row(key).is_some_and(|r| r.message.message == text));
        if unchanged {
            return;
        }
        if let Some(ticket) = self
            .timeline
            .try_update(|t| t.edit_begin(key, &text))
            .flatten()
        {
            let this = *self;
            let key = key.to_owned();
            spawn_local(async move { this.put_edit(key, ticket).await });
        }
    }

    async fn put_edit(&self, key: String, mut ticket: EditTicket) {
        loop {
            let etag = match ticket.etag.clone() {
                Some(etag) => Some(etag),
                None => match self.fresh_etag(&key, &ticket.id).await {
                    Ok(etag) => etag,
                    Err(reason) => {
                        self.timeline.update(|t| {
                            t.edit_failed(&key, ticket.seq);
                        });
                        self.alert.set(Some(reason));
                        return;
                    }
                },
            };
            let body = UpdateMessage {
                message: Some(ticket.text.clone()),
                ..Default::default()
            };
            match self
                .client()
                .update(&ticket.id, &body, etag.as_deref())
                .await
            {
                Ok((message, etag)) => {
                    let next = self
                        .timeline
                        .try_update(|t| t.edit_confirmed(&key, ticket.seq, message, etag))
                        .flatten();
                    match next {
                        Some(next) => ticket = next,
                        None => return,
                    }
                }
                Err(err) => {
                    let restored = self
                        .timeline
                        .try_update(|t| t.edit_failed(&key, ticket.seq))
                        .unwrap_or(false);
                    if err.status() == Some(412) {
                        if let Ok((message, etag)) = self.client().message(&ticket.id).await {
                            self.timeline.update(|t| t.refresh(message, etag));
                        }
                        self.alert.set(Some(
                            "The message was changed elsewhere, so your edit was not saved. \
                             It shows the newest text again."
                                .into(),
                        ));
                    } else if restored {
                        self.fail(
                            "Your edit was not saved; the message shows its text again.",
                            &err,
                        );
                    }
                    return;
                }
            }
        }
    }

    /// The current ETag of a message whose ETag we do not know, if the server's copy
    /// still has the text we showed; a sentence for the alert otherwise.
    async fn fresh_etag(&self, key: &str, id: &str) -> Result<Option<String>, String> {
        let (message, etag) = self.client().message(id).await.map_err(|e| {
            format!("Your edit was not saved; the message shows its text again. {e}")
        })?;
        let ours = self.timeline.with_untracked(|t| t.server_copy(key));
        let same = ours
            .is_some_and(|(m, _)| m.message == message.message && m.edited_at == message.edited_at);
        if same {
            self.timeline.update(|t| t.set_etag(key, etag.clone()));
            Ok(etag)
        } else {
            self.timeline.update(|t| t.refresh(message, etag));
            Err(
                "The message was changed elsewhere, so your edit was not saved. \
                 It shows the newest text again."
                    .into(),
            )
        }
    }

    /// Deletes my message `key`: it disappears at once and comes back if that fails.
    pub fn delete(&self, key: &str) {
        let Some(id) = self.timeline.try_update(|t| t.delete_begin(key)).flatten() else {
            return;
        };
        let this = *self;
        let key = key.to_owned();
        spawn_local(async move {
            // Already gone (404) counts as deleted.
            match this.client().delete(&id).await {
                Err(err) if err.status() != Some(404) => {
                    this.timeline.update(|t| {
                        t.delete_failed(&key);
                    });
                    this.fail(
                        "The message could not be deleted; it is back in its place.",
                        &err,
                    );
                }
                _ => this.timeline.update(|t| t.delete_confirmed(&key)),
            }
        });
    }

    // ----- reactions and receipts -----

    /// Toggles my reaction `name` on `key` at once, then reconciles with the server.
    pub fn react(&self, key: &str, name: &str) {
        let Some((seq, id, present)) = self
            .timeline
            .try_update(|t| t.react_begin(key, name))
            .flatten()
        else {
            return;
        };
        let body = UpdateMessage {
            reactions: Some(ReactionChanges::single(name, &self.me.get_value(), present)),
            ..Default::default()
        };
        let this = *self;
        let key = key.to_owned();
        spawn_local(async move {
            match this.client().update(&id, &body, None).await {
                Ok((message, _)) => this
                    .timeline
                    .update(|t| t.react_confirmed(&key, seq, message)),
                Err(err) => {
                    this.timeline.update(|t| t.react_failed(&key, seq));
                    this.fail("Your reaction was not saved.", &err);
                }
            }
        });
    }

    /// Marks others' messages among `keys` (on screen) read, once each.
    pub fn mark_read(&self, keys: &[String]) {
        let ids = self.timeline.with_untracked(|t| t.unread_from_others(keys));
        for id in ids {
            let mut fresh = false;
            self.state.update_value(|s| {
                fresh = !s.read_requested.contains(&id);
                if fresh {
                    s.read_requested.push(id.clone());
                }
            });
            if !fresh {
                continue;
            }
            let this = *self;
            spawn_local(async move {
                let body = UpdateMessage {
                    read_at: Some(time::now()),
                    ..Default::default()
                };
                if let Ok((message, _)) = this.client().update(&id, &body, None).await {
                    this.timeline
                        .maybe_update(|t| t.apply_updated(message) != Change::None);
                }
            });
        }
    }
}

/// The browser believes it is online.
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Feeds live events into the conversation's commands.
pub struct LiveSink(pub ChatActions);

impl Sink for LiveSink {
    fn event(&self, event: Event) {
        self.0.apply_event(event);
    }

    fn catch_up(&self) {
        self.0.catch_up();
    }

    fn resync(&self) {
        self.0.resync();
    }
}
